"""`ssg parse PATH... [--json]`: read records, print them, report failures on stderr."""

from __future__ import annotations

import json
import sys

from ssg.errors import ParseError
from ssg.sources import parse_file, record_files


def add_parser(sub) -> None:
    p = sub.add_parser("parse", help="parse trial records and print them")
    p.add_argument("paths", nargs="+", metavar="PATH", help="record files or folders of records")
    p.add_argument("--json", action="store_true", help="print a JSON array, one Trial per record")
    p.set_defaults(run=run)


def run(args) -> int:
    trials, failed = [], 0
    for path in record_files(args.paths):
        try:
            trials.append(parse_file(path))
        except ParseError as e:
            failed += 1
            print(f"error: {e}", file=sys.stderr)
    if args.json:
        json.dump([t.model_dump(mode="json") for t in trials], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for t in trials:
            layouts = ",".join(s.layout for s in t.sources)
            print(f"{t.nct_id}  {t.status.value:<24} {layouts:<12} {t.title}")
    if failed:
        print(f"{failed} of {failed + len(trials)} records failed", file=sys.stderr)
    return 1 if failed else 0
