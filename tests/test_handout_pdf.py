"""Handouts printed to PDF in headless Chromium, on A4 and US Letter: at most two pages,
the contact phone in the PDF's text, and a QR code that decodes to the trial's absolute URL.

Printed: the seeds' handouts (the seed_site fixture), the longest real records (by criteria
length and by number of places, from the corpus fixtures), and a synthetic worst case
(150 sites, 20,000 characters of criteria, 30-sentence summary sections).
Needs chromium, pdfinfo, pdftotext, pdftoppm (poppler-utils) and zbarimg (zbar-tools).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest

from ssg import pdf
from ssg.site import urls

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://example.org/repo/"
TOOLS = {"pdfinfo": "poppler-utils", "pdftotext": "poppler-utils", "pdftoppm": "poppler-utils",
         "zbarimg": "zbar-tools"}
PAPER_NAMES = {"a4": "A4", "letter": "letter"}  # as pdfinfo names the page size
LONGEST = 2  # records taken by criteria length, and as many by number of places


def need_tools() -> None:
    missing = [f"{tool} (apt-get install {pkg})" for tool, pkg in TOOLS.items() if not shutil.which(tool)]
    if pdf.find_chromium() is None:
        missing.append(f"chromium ({pdf.INSTALL_HINT})")
    if missing:
        msg = "handout PDF tests need: " + ", ".join(missing)
        if os.environ.get("SSG_REQUIRE_BROWSER"):
            pytest.fail(msg)
        pytest.skip(msg)


# --- sites whose handouts get printed -------------------------------------------------------

def synthetic_site(out: Path) -> Path:
    """Handouts of the worst case from test_handout, rendered without a full build."""
    from ssg import handout
    from ssg.render import Renderer
    from test_handout import entry, huge_plain, huge_trial, make_site

    entries = [entry(huge_trial(), huge_plain())]
    try:
        from ssg.plain import summarise
    except ImportError:
        pass
    else:  # the real summary of the same record, under a second NCT ID
        trial = huge_trial().model_copy(update={"nct_id": "NCT09000009"})
        entries.append(entry(trial, summarise(trial)))
    site = make_site(*entries)
    shutil.copytree(ROOT / "static", out / "assets")
    for f in handout.pages(site, Renderer(site)):
        (out / f.path).parent.mkdir(parents=True, exist_ok=True)
        (out / f.path).write_bytes(f.data)
    return out


def longest_records(files: list[Path]) -> list[Path]:
    from ssg.sources import parse_file

    trials = [(parse_file(f), f) for f in files]
    by_criteria = sorted(trials, key=lambda tf: (-sum(map(len, tf[0].eligibility.inclusion + tf[0].eligibility.exclusion)), tf[0].nct_id))
    by_places = sorted(trials, key=lambda tf: (-len(tf[0].locations), tf[0].nct_id))
    chosen: dict[str, Path] = {}
    for t, f in by_criteria[:LONGEST] + by_places[:LONGEST]:
        chosen.setdefault(t.nct_id, f)
    return list(chosen.values())


def corpus_site(files: list[Path], out: Path) -> Path:
    from ssg.build import build_site

    content = out / "content"
    (content / "trials").mkdir(parents=True)
    (content / "site.toml").write_text('title = "Handout test"\n', encoding="utf-8")
    for f in files:
        shutil.copy(f, content / "trials" / f.name)
    site = out / "site"
    report = build_site(content, site, base_url=BASE_URL)
    assert report.exit_code == 0, report.errors
    return site


@pytest.fixture(scope="module")
def synthetic_dir(tmp_path_factory) -> Path:
    need_tools()
    return synthetic_site(tmp_path_factory.mktemp("synthetic"))


@pytest.fixture(scope="module")
def corpus_dir(corpus_v2, corpus_xml, tmp_path_factory) -> Path:
    need_tools()
    return corpus_site(longest_records(corpus_v2 + corpus_xml), tmp_path_factory.mktemp("corpus"))


SITE_FIXTURES = {"synthetic": "synthetic_dir", "seeds": "seed_site", "corpus": "corpus_dir"}


# --- reading the PDFs -----------------------------------------------------------------------

def run(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    return dict(line.split(":", 1) for line in run("pdfinfo", str(path)).splitlines() if ":" in line)


def pdf_text(path: Path) -> str:
    return " ".join(run("pdftotext", "-layout", str(path), "-").split())


def qr_codes(path: Path, pages: int, tmp: Path) -> set[str]:
    """The QR codes on the first page that has any, rendered at 200 dpi like a phone sees print.
    (Page by page: rendering is the slow part, and the code is nearly always on page 1.)"""
    for n in range(1, pages + 1):
        prefix = tmp / f"{path.stem}-p{n}"
        run("pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", "-f", str(n), "-l", str(n), str(path), str(prefix))
        proc = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", f"{prefix}.png"],
                              capture_output=True, text=True)
        found = {line for line in proc.stdout.splitlines() if line}
        if found:
            return found
    return set()


def headings(html: str) -> set[str]:
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    return {" ".join("".join(h.itertext()).split()) for tag in ("h1", "h2", "h3") for h in doc.iter(tag)}


def last_line(path: Path, page: int) -> str:
    lines = run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-").splitlines()
    return " ".join(next(line for line in reversed(lines) if line.strip()).split())


def first_phone(html: str) -> str | None:
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    for p in doc.iter("p"):
        if "handout-phone" in (p.get("class") or "").split():
            text = " ".join("".join(p.itertext()).split())
            return text.removeprefix("Phone:").strip()
    return None


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("name", ["synthetic", "seeds", "corpus"])
def test_handouts_print_on_two_pages_with_phone_and_qr(request, name, paper, tmp_path):
    need_tools()
    site_dir = request.getfixturevalue(SITE_FIXTURES[name])
    base_url = BASE_URL  # seed_site is built with the same base URL
    pages = sorted(str(p.relative_to(site_dir)) for p in site_dir.glob("trials/NCT*/handout/index.html"))
    assert pages, f"no handouts in the {name} site"
    out = {page: tmp_path / f"{page.split('/')[1]}.pdf" for page in pages}
    printed = pdf.print_pages(site_dir, pages, out, paper)

    phones_checked = 0
    for page, p in zip(pages, printed):
        nct = page.split("/")[1]
        info = pdf_info(p.pdf)
        assert int(info["Pages"]) <= 2, f"{nct} on {paper}: {info['Pages']} pages"
        assert int(info["Pages"]) == p.pages  # ssg.pdf counts pages the same way
        assert PAPER_NAMES[paper] in info["Page size"], info["Page size"]

        html = (site_dir / page).read_text(encoding="utf-8")
        if p.pages > 1:  # break-after: avoid works: no heading is the last line of a page
            assert last_line(p.pdf, 1) not in headings(html), f"{nct}: heading stranded at the foot of page 1"
        phone = first_phone(html)
        if phone:
            assert phone in pdf_text(p.pdf), f"{nct}: phone {phone!r} not in the PDF text"
            phones_checked += 1

        url = urls.absolute(base_url, urls.trial_path(nct))
        assert qr_codes(p.pdf, p.pages, tmp_path) == {url}, f"{nct}: QR code does not decode to {url}"
    assert phones_checked, f"no handout in the {name} site shows a phone number, so none was checked"


def test_paper_css_is_not_left_in_the_site(synthetic_dir, tmp_path):
    site_dir = synthetic_dir
    before = sorted(p.relative_to(site_dir) for p in site_dir.rglob("*"))
    page = urls.handout_path("NCT09000001")
    pdf.print_pages(site_dir, [page], {page: tmp_path / "x.pdf"}, "letter")
    assert sorted(p.relative_to(site_dir) for p in site_dir.rglob("*")) == before


def test_handouts_command_writes_pdfs_into_the_site(synthetic_dir, tmp_path, capsys):
    from ssg.cli import main

    site_dir = tmp_path / "site"
    shutil.copytree(synthetic_dir, site_dir)
    assert main(["handouts", "--pdf", "--paper", "letter", "--site", str(site_dir)]) == 0
    made = sorted(p.name for p in (site_dir / "handouts").glob("*.pdf"))
    assert "NCT09000001.pdf" in made
    assert all(name.startswith("NCT") for name in made)
    assert "printed" in capsys.readouterr().out
