"""`ssg serve`: build, serve on 127.0.0.1 under the site's base path, rebuild on change, reload."""

from __future__ import annotations

import queue
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from ssg.build import STATIC_DIR, TEMPLATES_DIR, BuildReport, build_site, warm_up_plain
from ssg.cache import BuildCache
from ssg.commands.build import add_speed_options, cache_from, progress_on_terminal
from ssg.config import ConfigError, load_config


def add_parser(sub) -> None:
    p = sub.add_parser("serve", help="preview the site locally with live reload")
    p.add_argument("--content", default="content", metavar="DIR", help="content folder (default: content)")
    p.add_argument("--out", default="site", metavar="DIR", help="output folder (default: site)")
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")
    add_speed_options(p)
    p.set_defaults(run=run)


def _build(content: Path, out: Path, base_url: str, cache: BuildCache, jobs: int | None) -> BuildReport:
    """One (incremental) build: the cache keeps parsed records, summaries and pages between them."""
    started = time.perf_counter()
    # On a terminal, the bar `ssg build` shows (for phases over a second: the first build of a
    # large site takes a while, and silence looks like a hang).
    with progress_on_terminal() as bar:
        report = build_site(content, out, base_url=base_url, cache=cache, jobs=jobs, progress=bar)
    for line in report.errors + report.warnings:
        print(line, file=sys.stderr)
    if report.written:
        print(f"built {report.pages} pages ({report.rendered} rendered, {report.reused} reused) "
              f"in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    else:
        print(f"build failed in {time.perf_counter() - started:.2f} s: still serving the last site", file=sys.stderr)
    return report


def _watch_in_background(paths: list[Path], stop: threading.Event) -> queue.Queue:
    """Start watching now (before the first build), so a change made while that build runs, or
    just after "serving" is printed, is not missed; change sets arrive on the queue."""
    from watchfiles import watch

    changes: queue.Queue = queue.Queue()

    def loop() -> None:
        for batch in watch(*paths, debounce=200, step=50, stop_event=stop, raise_interrupt=False):
            changes.put(batch)

    threading.Thread(target=loop, daemon=True, name="ssg-watch").start()
    return changes


def _drain(changes: queue.Queue, first: set) -> set:
    """``first`` and every change set already waiting: one rebuild for all of them."""
    batch = set(first)
    while True:
        try:
            batch |= changes.get_nowait()
        except queue.Empty:
            return batch


def run(args) -> int:
    from ssg.serve import DevServer

    content, out = Path(args.content), Path(args.out)
    try:
        config = load_config(content / "site.toml")
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    base_path = urlsplit(config.base_url).path or "/"
    try:
        server = DevServer(out, base_path, port=args.port)
    except OSError as e:  # the port is taken (another ssg serve?), or not ours to use
        print(f"error: cannot serve on 127.0.0.1 port {args.port}: {e.strerror or e}; "
              f"choose another with --port (--port 0 picks a free one)", file=sys.stderr)
        return 2
    # Absolute links (canonical, sitemap, QR codes) point at this server while previewing.
    local_base = server.url
    # Kept for the whole session, so each rebuild redoes only what a change touched.
    cache = cache_from(args) or BuildCache(None)
    cache.session = True
    stop = threading.Event()
    watched = [p for p in (content, TEMPLATES_DIR, STATIC_DIR) if p.exists()]
    changes = _watch_in_background(watched, stop)
    report = _build(content, out, local_base, cache, args.jobs)
    if report.exit_code == 2:
        stop.set()
        server.close()
        return 2
    server.set_problems(report.errors, report.written)
    server.start()
    # The first changed record needs the syllable dictionary (~1.5 s to load): load it while idle.
    threading.Thread(target=warm_up_plain, daemon=True, name="ssg-warm-up").start()
    print(f"serving {server.url}  (Ctrl-C to stop)", file=sys.stderr)
    try:
        while True:
            try:
                batch = _drain(changes, changes.get(timeout=0.5))
            except queue.Empty:
                continue
            names = sorted({Path(p).name for _, p in batch})
            print(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}", file=sys.stderr)
            report = _build(content, out, local_base, cache, args.jobs)
            # Every build reloads the open pages, a failed one too: they then show its errors.
            server.set_problems(report.errors, report.written)
            server.notify_rebuilt()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.close()
    return 0
