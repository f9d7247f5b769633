"""Print built handout pages to PDF with headless Chromium (Debian's `chromium`).

Only `ssg handouts --pdf` needs this; the site build never starts a browser.

Paper size: Chromium's --print-to-pdf takes the paper size from the page's CSS `@page { size }`
(Letter when the page says `size: auto`), and has no flag for it. The handout's CSS says
`size: auto`, so each page is printed from a copy in a scratch folder that adds one more
stylesheet with the chosen size. The scratch folder mirrors the site's layout and links
`assets/` back to the site, so relative links still resolve and the site itself is never
touched. (A linked file, not an inline <style>: the pages' CSP forbids inline styles.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ssg.errors import SsgError

INSTALL_HINT = "install Chromium: apt-get install chromium"
PAPERS = {"a4": "A4", "letter": "letter"}  # CSS @page size keywords
CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic", "--hide-scrollbars",
)
# Not a test limit: a guard so one stuck page cannot hang the command forever.
PRINT_TIMEOUT_S = 180
PAPER_CSS = "ssg-paper.css"


class PdfError(SsgError):
    """A page could not be printed (or no browser is installed)."""


def find_chromium() -> str | None:
    """$SSG_CHROMIUM, else Debian's /usr/bin/chromium, else `chromium` on PATH."""
    override = os.environ.get("SSG_CHROMIUM")
    for name in ((override,) if override else CANDIDATES):
        path = name if os.path.isabs(name) else shutil.which(name)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def require_chromium() -> str:
    path = find_chromium()
    if path is None:
        raise PdfError(f"no headless browser found (looked for {', '.join(CANDIDATES)}): {INSTALL_HINT}")
    return path


@dataclass(frozen=True)
class Printed:
    html: Path  # the page in the built site
    pdf: Path
    pages: int


def count_pages(pdf: Path) -> int:
    """Pages in a PDF that Chromium wrote (Skia writes plain page objects, no object streams)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def _with_paper_css(html: str, href: str) -> str:
    link = f'<link rel="stylesheet" href="{href}">'
    head_end = html.lower().rfind("</head>")
    if head_end < 0:
        raise PdfError("page has no </head>; cannot add the paper size")
    return html[:head_end] + link + "\n" + html[head_end:]


def print_page(chromium: str, url: str, pdf: Path, profile: Path) -> None:
    pdf.parent.mkdir(parents=True, exist_ok=True)
    tmp = pdf.with_name(pdf.name + ".part")
    cmd = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}", url]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        tmp.unlink(missing_ok=True)
        raise PdfError(f"{url}: Chromium did not finish within {PRINT_TIMEOUT_S} s") from None
    if proc.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise PdfError(f"{url}: Chromium failed (exit {proc.returncode}): {tail}")
    tmp.replace(pdf)  # a half-written PDF never carries the final name


def print_pages(site_dir: Path, pages: list[str], out: dict[str, Path], paper: str = "a4",
                *, jobs: int = 2, chromium: str | None = None) -> list[Printed]:
    """Print the site pages ``pages`` (site paths such as "trials/NCT…/handout/index.html")
    to the PDF files ``out[page]`` on ``paper`` ("a4" or "letter")."""
    if paper not in PAPERS:
        raise PdfError(f"unknown paper {paper!r}; choose one of {', '.join(PAPERS)}")
    chromium = chromium or require_chromium()
    site_dir = Path(site_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="ssg-print-") as scratch_name:
        scratch = Path(scratch_name)
        (scratch / PAPER_CSS).write_text(f"@page {{ size: {PAPERS[paper]}; }}\n", encoding="utf-8")
        if (site_dir / "assets").is_dir():
            (scratch / "assets").symlink_to(site_dir / "assets", target_is_directory=True)

        def one(i_page: tuple[int, str]) -> Printed:
            i, page = i_page
            source = site_dir / page
            copy = scratch / page
            copy.parent.mkdir(parents=True, exist_ok=True)
            depth = page.count("/")
            href = "../" * depth + PAPER_CSS
            copy.write_text(_with_paper_css(source.read_text(encoding="utf-8"), href), encoding="utf-8")
            # one profile per worker slot: Chromium locks its profile folder
            profile = scratch / f"profile-{i % max(1, jobs)}"
            print_page(chromium, copy.as_uri(), out[page], profile)
            return Printed(source, out[page], count_pages(out[page]))

        if jobs <= 1:
            return [one(x) for x in enumerate(pages)]
        # Chromium processes do the work; threads only wait for them. Group by slot so that
        # no two live processes share a profile.
        slots = [[x for x in enumerate(pages) if x[0] % jobs == s] for s in range(jobs)]
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            done = list(pool.map(lambda slot: [one(x) for x in slot], slots))
        by_index = {p.html: p for group in done for p in group}
        return [by_index[site_dir / page] for page in pages]
