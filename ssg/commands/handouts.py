"""`ssg handouts --pdf [--paper a4|letter] [--site DIR] [--trial NCT…]`: print the handouts of a
built site to DIR/handouts/NCT….pdf with headless Chromium (the build itself never needs one)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ssg import pdf
from ssg.site import urls

MAX_SHEETS = 2  # a handout must fit on two sheets


def add_parser(sub) -> None:
    p = sub.add_parser("handouts", help="print every trial's handout of a built site to PDF")
    p.add_argument("--pdf", action="store_true", help="print to PDF with headless Chromium")
    p.add_argument("--paper", choices=sorted(pdf.PAPERS), default="a4", help="paper size (default: a4)")
    p.add_argument("--site", default="site", metavar="DIR", help="the built site (default: site)")
    p.add_argument("--trial", action="append", default=[], metavar="NCT_ID",
                   help="only this trial (may be repeated)")
    p.add_argument("--jobs", type=int, default=2, metavar="N", help="browsers printing at once (default: 2)")
    p.set_defaults(run=run)


def handout_pages(site_dir: Path, only: list[str] = ()) -> list[str]:
    """Site paths of the built handouts, sorted by NCT ID."""
    found = sorted(p.parent.parent.name for p in site_dir.glob(urls.handout_path("NCT*")))
    ids = [n for n in found if re.fullmatch(r"NCT\d{8}", n)]
    if only:
        ids = [n for n in ids if n in set(only)]
    return [urls.handout_path(n) for n in ids]


def pdf_path(site_dir: Path, nct_id: str) -> Path:
    return site_dir / "handouts" / f"{nct_id}.pdf"


def run(args) -> int:
    site_dir = Path(args.site)
    if not args.pdf:
        print("ssg handouts: nothing to do; add --pdf to print the handouts to PDF", file=sys.stderr)
        return 2
    if not site_dir.is_dir():
        print(f"ssg handouts: {site_dir} is not a folder; build the site first (ssg build)", file=sys.stderr)
        return 2
    pages = handout_pages(site_dir, args.trial)
    missing = sorted(set(args.trial) - {p.split("/")[1] for p in pages})
    if missing:
        print(f"ssg handouts: no handout in {site_dir} for {', '.join(missing)}", file=sys.stderr)
        return 1
    if not pages:
        print(f"ssg handouts: no handouts in {site_dir} (expected {urls.handout_path('NCT…')}); "
              "build the site first (ssg build)", file=sys.stderr)
        return 1
    chromium = pdf.find_chromium()
    if chromium is None:
        print(f"ssg handouts: no headless browser found; {pdf.INSTALL_HINT}", file=sys.stderr)
        return 1
    out = {page: pdf_path(site_dir, page.split("/")[1]) for page in pages}
    try:
        printed = pdf.print_pages(site_dir, pages, out, args.paper, jobs=max(1, args.jobs), chromium=chromium)
    except pdf.PdfError as e:
        print(f"ssg handouts: {e}", file=sys.stderr)
        return 1
    too_long = [p for p in printed if p.pages > MAX_SHEETS]
    total = sum(p.pages for p in printed)
    print(f"printed {len(printed)} handouts ({pdf.PAPERS[args.paper]}, {total} pages) "
          f"to {site_dir / 'handouts'}/")
    for p in too_long:
        print(f"warning: {p.pdf.name} has {p.pages} pages (more than {MAX_SHEETS})", file=sys.stderr)
    return 1 if too_long else 0
