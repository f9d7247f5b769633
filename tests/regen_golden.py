"""Regenerate the golden seed site: `python tests/regen_golden.py`, then review `git diff tests/golden`.

(`python -m tests.regen_golden` works too once tests/ is a package: textstat 0.7.8 installs a
top-level `tests` package into site-packages that shadows a namespace `tests/` folder.)

The golden tree is the project's own content/ built with the base URL below and no
SOURCE_DATE_EPOCH; tests/test_golden.py builds it again and prints a diff of what changed.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
GOLDEN = ROOT / "tests" / "golden" / "seed-site"
BASE_URL = "https://example.org/repo/"
# Third-party files (lunr.js from node_modules) are built but never committed into the golden tree.
EXCLUDE = ("assets/vendor/",)


def golden_files(folder: Path) -> dict[str, bytes]:
    """{posix path: bytes} of a built tree, without the excluded third-party files."""
    files = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and not rel.startswith(EXCLUDE):
            files[rel] = p.read_bytes()
    return files


def build_golden(out: Path):
    from ssg.build import build_site

    os.environ.pop("SOURCE_DATE_EPOCH", None)
    return build_site(CONTENT, out, base_url=BASE_URL)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    report = build_golden(GOLDEN)
    for prefix in EXCLUDE:  # inside the folder ssg just made and marked, so ssg may remove it
        shutil.rmtree(GOLDEN / prefix, ignore_errors=True)
    for line in report.errors + report.warnings:
        print(line, file=sys.stderr)
    if report.exit_code == 0:
        print(f"wrote {report.pages} pages and {report.assets} assets to {GOLDEN.relative_to(ROOT)}; review with git diff")
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
