"""One-record incremental rebuild benchmark.

    python -m bench.incremental_bench --n 1000 [--work DIR] [--jobs N] [--runs R] [--verify]

Generates N synthetic trials (bench.corpus) unless DIR/content exists, builds once with a cache,
then changes one record's title and times the rebuild R times each (medians printed): as
`ssg build` in a new process (reads the cache from disk) and in a process that keeps the cache in
memory between builds (as `ssg serve` does). Wall seconds, and for a serve rebuild the CPU
seconds of the building process and of its child processes (render workers, the search child). --verify
compares the incremental tree with a clean build's, file by file.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ssg.build import build_site  # noqa: E402
from ssg.cache import BuildCache  # noqa: E402
from ssg.commands.build import format_timings  # noqa: E402


def cli_build(content: Path, out: Path, cache: Path, jobs: int, timings: bool = False) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ssg", "build", "--content", str(content), "--out", str(out),
                    "--cache", str(cache), "--jobs", str(jobs), "--quiet"] + (["--timings"] if timings else []),
                   cwd=ROOT, check=True)
    return time.perf_counter() - start


def touch_one(content: Path, n: int) -> Path:
    """Change the title of one record (any layout): the first line that holds the title text."""
    record = sorted((content / "trials").iterdir())[len(list((content / "trials").iterdir())) // 2]
    text = record.read_text(encoding="utf-8")
    for needle in ("Safety", "Study", "Trial", "of "):
        if needle in text:
            record.write_text(text.replace(needle, f"{needle}{n} ", 1), encoding="utf-8")
            return record
    raise SystemExit(f"no title word found in {record}")


def cpu_seconds() -> tuple[float, float]:
    """(this process, its finished children): user + system CPU seconds."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "incremental")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--runs", type=int, default=3, help="rebuilds timed of each kind (medians printed)")
    ap.add_argument("--verify", action="store_true")
    ap.add_argument("--serve-only", action="store_true", help="time only the in-memory (ssg serve) rebuilds")
    args = ap.parse_args()
    work = args.work / f"n{args.n}"
    content, out, cache = work / "content", work / "out", work / ".ssg-cache"
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1763942400")
    if not (content / "trials").is_dir():
        subprocess.run([sys.executable, "-m", "bench.corpus", "--n", str(args.n), "--out", str(content / "trials")],
                       cwd=ROOT, check=True)
    if not (content / "site.toml").is_file():
        shutil.copyfile(ROOT / "content" / "site.toml", content / "site.toml")
    for p in (out, cache):
        if p.exists():
            shutil.rmtree(p)
    print(f"clean build with cache, N={args.n}, jobs={args.jobs}: {cli_build(content, out, cache, args.jobs):.2f} s")
    new_process = []
    if not args.serve_only:
        print(f"rebuild, nothing changed (new process): {cli_build(content, out, cache, args.jobs):.2f} s")
    for i in range(0 if args.serve_only else args.runs):
        time.sleep(2.1)  # let the record's mtime leave the racy window, as between real edits
        touch_one(content, i + 1)
        new_process.append(cli_build(content, out, cache, args.jobs, timings=(i == args.runs - 1)))
        print(f"rebuild after one record changed (new process): {new_process[-1]:.2f} s")

    mem = BuildCache(cache, session=True)  # one process, many builds, as ssg serve: the cache stays in memory too
    build_site(content, out, cache=mem, jobs=args.jobs)
    walls, cpus, kids = [], [], []
    for i in range(args.runs):
        touch_one(content, 100 + i)
        start, (cpu, kid) = time.perf_counter(), cpu_seconds()
        report = build_site(content, out, cache=mem, jobs=args.jobs)
        walls.append(time.perf_counter() - start)
        cpu_end, kid_end = cpu_seconds()
        cpus.append(cpu_end - cpu)
        kids.append(kid_end - kid)
        print(f"rebuild after one record changed (in memory, as ssg serve): {walls[-1]:.2f} s, CPU {cpus[-1]:.2f} s "
              f"+ {kids[-1]:.2f} s in child processes ({report.rendered} pages rendered, {report.reused} reused)")
    print(format_timings(report))
    print(f"median of {args.runs}: new process {statistics.median(new_process) if new_process else float('nan'):.2f} s; "
          f"in memory {statistics.median(walls):.2f} s (CPU {statistics.median(cpus):.2f} s "
          f"+ {statistics.median(kids):.2f} s in children); "
          f"load average {os.getloadavg()[0]:.2f}")
    if args.verify:
        clean = work / "clean"
        if clean.exists():
            shutil.rmtree(clean)
        build_site(content, clean, jobs=args.jobs)
        a, b = tree(out), tree(clean)
        diff = sorted(set(a) ^ set(b)) + [p for p in a if p in b and a[p] != b[p]]
        print("incremental == clean:", "yes" if not diff else f"NO, {len(diff)} files differ: {diff[:5]}")
        return 1 if diff else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
