"""`ssg build [--content DIR] [--out DIR] [--base-url URL] [--strict] [--quiet] [--jobs N] [--cache DIR | --no-cache]`.

The build cache (default .ssg-cache/ beside the content folder) makes a rebuild redo only what
changed; the output is byte-identical to a build without it.

Exit status: 0 built, 1 built without the records that failed (or nothing, with --strict),
2 refused: bad site.toml or an output folder ssg will not write into.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ssg.build import build_site, default_cache_dir
from ssg.cache import BuildCache


def add_parser(sub) -> None:
    p = sub.add_parser("build", help="build the static site")
    p.add_argument("--content", default="content", metavar="DIR", help="content folder (default: content)")
    p.add_argument("--out", default="site", metavar="DIR", help="output folder (default: site)")
    p.add_argument("--base-url", metavar="URL", help="absolute URL the site is served from (overrides site.toml)")
    p.add_argument("--strict", action="store_true", help="write nothing if any record fails")
    p.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    p.add_argument("--timings", action="store_true", help="print how long each phase of the build took")
    add_speed_options(p)
    p.set_defaults(run=run)


def _jobs(text: str) -> int:
    n = int(text)
    if n < 1:
        raise ValueError(text)
    return n


def add_speed_options(p) -> None:
    p.add_argument("--jobs", "-j", type=_jobs, metavar="N",
                   help="worker processes (default: one per core; 1 builds in this process)")
    p.add_argument("--cache", metavar="DIR", help="build cache folder (default: .ssg-cache beside the content folder)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the build cache")


def cache_from(args) -> BuildCache | None:
    if args.no_cache:
        return None
    return BuildCache(Path(args.cache) if args.cache else default_cache_dir(args.content))


class ProgressBar:
    """A tqdm bar per phase, shown only on a terminal."""

    def __init__(self):
        self.phase = None
        self.bar = None

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        from tqdm import tqdm

        if phase != self.phase:
            self.close()
            self.phase = phase
            self.bar = tqdm(total=total, desc=phase, unit=" files", file=sys.stderr, leave=False, mininterval=0.2, delay=1.0)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@contextmanager
def progress_on_terminal(quiet: bool = False) -> Iterator[ProgressBar | None]:
    """A ProgressBar for build_site when stderr is a terminal (and not ``quiet``), else None;
    closed at the end."""
    bar = ProgressBar() if (sys.stderr.isatty() and not quiet) else None
    try:
        yield bar
    finally:
        if bar:
            bar.close()


def format_timings(report) -> str:
    """One line per phase: "  load  1.23 s"."""
    width = max((len(p) for p in report.timings), default=0)
    return "\n".join(f"  {phase:<{width}}  {secs:6.2f} s" for phase, secs in report.timings.items())


def run(args) -> int:
    with progress_on_terminal(args.quiet) as bar:
        report = build_site(Path(args.content), Path(args.out), base_url=args.base_url, strict=args.strict,
                            progress=bar, jobs=args.jobs, cache=cache_from(args))
    for line in report.errors:
        print(line, file=sys.stderr)
    if not args.quiet:
        for line in report.warnings:
            print(line, file=sys.stderr)
        if report.written:
            reused = f" ({report.reused} unchanged pages reused)" if report.reused else ""
            print(f"built {report.trials} trials, {report.pages} pages and {report.assets} assets into {report.out_dir}"
                  f"{reused}", file=sys.stderr)
    if args.timings:
        print(format_timings(report), file=sys.stderr)
    return report.exit_code
