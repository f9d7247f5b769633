"""Parse throughput: records per second for each input layout, on one core.

Generates N synthetic records per layout (bench.corpus, fixed seed), reads them into memory,
then times ``ssg.sources.parse_text`` (layout detection + parsing + validation into a Trial)
over all of them, several times, in this one process. Reports the median rate per layout,
and the same for the real ClinicalTrials.gov records in ../shared/data/ctgov when present.

    .venv/bin/python -m bench.parse_bench [--n 1000] [--runs 3]
    .venv/bin/python -m bench.parse_bench --corpus /dev/shm/c10k/trials

With ``--corpus DIR`` it instead measures what a build's parse worker does with each record of
DIR once, in this fresh process: parse_file's parse_text, then ssg.plain.summarise, then the
pickles the worker sends (ssg.parallel.send) and the parent's unpickling of them, CPU ms per
record for each (cold caches, as in a build; inputs read and frozen out of the collector first;
the cache writes and file reads are left out).

Targets (issue 2): >= 1,000 text records/s and >= 2,000 JSON records/s on one core.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import LAYOUTS, generate
from ssg.sources import decode, parse_text

TARGETS = {"labelled": 1000, "compact": 1000, "clinconnect": 1000, "ctgov_json": 2000, "ctgov_xml": None}
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ctgov"


def pin_to_one_core() -> None:
    # One core, as the target says; also keeps the other core free for a concurrent build.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def time_parse(texts: list[tuple[str, str]], runs: int) -> tuple[float, float, int]:
    """Median CPU seconds and wall seconds to parse all texts once; also the number that failed.

    CPU time is the figure to trust when other work shares the machine (it counts only this
    process); wall time is shown beside it so that contention is visible."""
    failed = 0
    for path, text in texts[: max(1, len(texts) // 10)]:  # warm-up: imports, regex compilation, caches
        try:
            parse_text(text, path)
        except Exception:
            pass
    cpu, wall = [], []
    for _ in range(runs):
        gc.collect()
        failed = 0
        c0, t0 = time.process_time(), time.perf_counter()
        for path, text in texts:
            try:
                parse_text(text, path)
            except Exception:
                failed += 1
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - t0)
    return statistics.median(cpu), statistics.median(wall), failed


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def read_texts(paths: list[Path]) -> list[tuple[str, str]]:
    return [(str(p), decode(p.read_bytes(), str(p))) for p in paths]


def corpus_worker(folder: Path) -> int:
    """CPU ms per record to parse and summarise every record of ``folder`` once, as a build worker does."""
    from ssg.build import warm_up_plain
    from ssg.plain import summarise
    from ssg.sources import record_files

    texts = read_texts(record_files([folder]))
    warm_up_plain()  # as the build does before forking its workers
    gc.collect()
    gc.freeze()  # the build freezes what exists before the fork (ssg.parallel)
    clock = time.process_time
    parse_cpu = summary_cpu = pickle_cpu = unpickle_cpu = 0.0
    failed = size = 0
    for path, text in texts:
        c0 = clock()
        try:
            trial = parse_text(text, path)
        except Exception:
            failed += 1
            continue
        c1 = clock()
        summary = summarise(trial)
        c2 = clock()
        sent = [pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL) for v in (trial, ("ok", summary))]
        c3 = clock()
        gc.disable()  # as the parent, which receives with its collector off (ssg.parallel)
        for data in sent:
            pickle.loads(data)
        gc.enable()
        unpickle_cpu += clock() - c3
        parse_cpu += c1 - c0
        summary_cpu += c2 - c1
        pickle_cpu += c3 - c2
        size += sum(map(len, sent))
    n = len(texts) - failed
    ms = lambda cpu: f"{cpu / n * 1000:.3f}"  # noqa: E731
    print(f"{folder}: {n} records ({failed} failed), load {_load()}; CPU ms per record, each record once:")
    print(f"worker: parse {ms(parse_cpu)} + summary {ms(summary_cpu)} + pickles {ms(pickle_cpu)} "
          f"= {ms(parse_cpu + summary_cpu + pickle_cpu)}; parent: unpickle {ms(unpickle_cpu)} "
          f"({size / n / 1000:.1f} KB of pickles a record)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.parse_bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="synthetic records per layout (default 1000)")
    ap.add_argument("--runs", type=int, default=3, help="timed passes; the median is reported (default 3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-real", action="store_true", help="skip the real records in ../shared/data/ctgov")
    ap.add_argument("--corpus", type=Path, help="time parse + plain summary of every record in this folder, once")
    args = ap.parse_args(argv)
    pin_to_one_core()
    if args.corpus:
        return corpus_worker(args.corpus)

    rows = []
    with tempfile.TemporaryDirectory(prefix="ssg-parse-bench-") as tmp:
        for layout in LAYOUTS:
            out = Path(tmp) / layout
            plans = generate(args.n, out, seed=args.seed, layouts=(layout,))
            texts = read_texts([Path(p.path) for p in plans])
            rows.append((f"{layout} (synthetic)", layout, texts, *time_parse(texts, args.runs)))
    if not args.no_real and REAL_DATA.is_dir():
        for sub, layout in (("v2", "ctgov_json"), ("xml", "ctgov_xml")):
            files = sorted((REAL_DATA / sub).glob("*"))
            if files:
                texts = read_texts(files)
                rows.append((f"{layout} (real, {sub}/)", layout, texts, *time_parse(texts, args.runs)))

    print(f"Parse throughput, one core, median of {args.runs} passes (parse_text: detect + parse + validate);")
    print(f"rec/s from CPU time, wall rec/s beside it (lower when other work shares the core); load {_load()}")
    print(f"{'corpus':<28} {'records':>7} {'avg KB':>7} {'rec/s':>8} {'wall':>8} {'MB/s':>6} {'target':>7}  ok  failed")
    for name, layout, texts, cpu, wall, failed in rows:
        n = len(texts)
        mb = sum(len(t.encode()) for _, t in texts) / 1e6
        rate = n / cpu
        target = TARGETS.get(layout)
        ok = "-" if target is None else ("yes" if rate >= target else "NO")
        print(f"{name:<28} {n:>7} {mb * 1000 / n:>7.1f} {rate:>8,.0f} {n / wall:>8,.0f} {mb / cpu:>6.1f} "
              f"{target if target else '-':>7}  {ok:<3} {failed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
