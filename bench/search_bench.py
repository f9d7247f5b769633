#!/usr/bin/env python3
"""Search at scale: build time, bytes (raw and gzip) and time to first result in Chromium.

    .venv/bin/python bench/search_bench.py [--n 1000 10000] [--seed 0] [--runs 3] [--keep DIR]

For each N: generates N synthetic records (bench.corpus, fixed seed), runs ssg's own load,
merge, summarise and assemble phases, then
- times ssg.search.data_files in CPU seconds: cold (no cache), and warm after one record's
  title changed (a dict-backed cache filled by the cold run; the output is checked to be the
  same bytes as a cold build of the changed site);
- writes the search page, its files and assets into a site folder, serves it under /repo/ and
  opens the search page in headless Chromium (Debian's) with a fresh cache for each query:
  a condition word, a common condition word, a city, a one-letter typo and an NCT ID.

Per query it reports the files fetched before the first result (the data, lunr.min.js and
search.js) and their gzip size (level 6, what a static host typically serves), and:
  dl     when the last file requested before matching began finished downloading: docs.json
         and the index shards of the query's words (performance mark
         "ssg-search:matching" is set when the engine starts matching; when the manifest gives
         the number of trials that may be before docs.json is in, and dl still counts it);
  first  when the first result was on screen (performance mark "ssg-search:first-result");
  after  first - dl: JSON parsing, loading the shards, matching, fetching what the query turned
         out to need (shards of a later stage, the result's text shard; from localhost),
         rendering;
  fetch  the longest of those later fetches (request to response end): the part of "after"
         that is the server's and the network's, not the page's.
The site is served by tests/conftest.py's server in a child process (see ChildServer), and the
page is watched over CDP, not with Playwright's injected script (see WAIT_AND_READ).
Each query runs --runs times in a fresh browser context; medians are shown (and the best, the
least disturbed by other load on the machine; the load average is printed).
"""

from __future__ import annotations

import argparse
import gzip
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench import corpus  # noqa: E402
from ssg.build import BuildReport, assemble, load_records, merge, summarise_all  # noqa: E402
from ssg.config import load_config  # noqa: E402
from ssg.render import Renderer  # noqa: E402
from ssg.search import data_files, pages  # noqa: E402

GROUPS = ("manifest.json", "docs.json", "title", "names", "members", "summary", "text")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6, mtime=0))


def make_site(n: int, seed: int, work: Path):
    content = work / "content"
    (content / "trials").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.toml", content / "site.toml")
    planned = corpus.generate(n, content / "trials", seed=seed)
    report = BuildReport()
    trials = merge(load_records(content / "trials", report))
    trials, summaries = summarise_all(trials, report)
    config = load_config(content / "site.toml", base_url="https://example.org/repo/")
    site = assemble(config, trials, summaries, ())
    return site, planned


class DictCache:
    """The get/put of ssg.cache.BuildCache, in memory (values pickled, as BuildCache does)."""

    def __init__(self):
        self.store: dict[tuple[str, str], bytes] = {}

    def get(self, kind, key):
        blob = self.store.get((kind, key))
        return None if blob is None else pickle.loads(blob)

    def put(self, kind, key, value):
        self.store[kind, key] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def cpu(fn):
    t0 = time.process_time()
    value = fn()
    return value, time.process_time() - t0


def time_data_files(entries) -> dict[str, float]:
    """data_files CPU seconds: cold, cold filling a cache, warm after one title changed."""
    files, cold = cpu(lambda: data_files(entries))
    cache = DictCache()
    _, filling = cpu(lambda: data_files(entries, cache))
    i = len(entries) // 2
    e = entries[i]
    edited = list(entries)
    edited[i] = replace(e, trial=e.trial.model_copy(update={"title": "Zoledronic Acid for Bone Loss in " + e.trial.title}))
    changed, warm = cpu(lambda: data_files(edited, cache))
    assert changed == data_files(edited), "the cache changed the output"
    rebuilt = sum(1 for k in changed if k.startswith(("title/", "names/", "summary/")) and changed[k] != files.get(k))
    return {"cold": cold, "filling": filling, "warm": warm, "changed_shards": rebuilt, "files": files}


def write_search_site(site, files: dict[str, bytes], out: Path) -> None:
    for of in pages(site, Renderer(site), data=files):
        path = out / of.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(of.data)
    shutil.copytree(ROOT / "static", out / "assets", dirs_exist_ok=True)


# Waits in the page for the first result and the announced count, then returns the timings.
# Sent over CDP (Runtime.evaluate) rather than with page.wait_for_function, which first injects
# Playwright's own script (~10 ms of main-thread work) into the page, while the search runs.
WAIT_AND_READ = """new Promise((resolve) => {
  const ready = () => performance.getEntriesByName('ssg-search:first-result').length > 0
    && document.getElementById('search-count').textContent !== '';
  const check = () => ready() ? resolve() : setTimeout(check, 50);
  check();
}).then(() => {
  const mark = performance.getEntriesByName('ssg-search:first-result')[0].startTime;
  const res = performance.getEntriesByType('resource')
    .filter(r => r.responseEnd <= mark)
    .map(r => ({name: new URL(r.name).pathname, start: r.startTime, end: r.responseEnd}));
  const at = (n) => { const e = performance.getEntriesByName('ssg-search:' + n)[0]; return e ? e.startTime : null; };
  return {mark, res, loaded: at('loaded'), matching: at('matching'), matched: at('matched'),
          count: document.getElementById('search-count').textContent};
})"""


def measure_query(browser, url: str, query: str, site_dir: Path) -> dict:
    from urllib.parse import quote

    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    page.goto(f"{url}search/?q={quote(query)}")
    data = cdp.send("Runtime.evaluate", {"expression": WAIT_AND_READ, "awaitPromise": True,
                                         "returnByValue": True, "timeout": 120_000})["result"]["value"]
    context.close()
    fetched = [r for r in data["res"] if r["name"].endswith((".json", ".js"))]  # the data and lunr.js, search.js
    prefix = "/repo/"
    total_gz = total_raw = 0
    for r in fetched:
        body = (site_dir / r["name"][len(prefix):]).read_bytes()
        total_raw += len(body)
        total_gz += gz(body)
    dl = max(r["end"] for r in fetched
             if r["start"] <= data["matching"] and "/search/" in r["name"] and "/search/text/" not in r["name"])
    after = [r for r in fetched if r["start"] > data["matching"]]  # asked for after matching began
    return {
        "query": query, "files": [r["name"].rsplit("/search/", 1)[-1] for r in fetched],
        "raw": total_raw, "gz": total_gz, "dl": dl, "first": data["mark"], "after": data["mark"] - dl,
        "count": data["count"], "matching": data["matching"] - dl, "matched": data["matched"] - dl,
        "later": max((r["end"] - r["start"] for r in after), default=0.0),
    }


class ChildServer:
    """The site served under /repo/ by tests/conftest.py's server, in a process of its own: in this
    one its threads would wait for the interpreter lock while Playwright's client holds it, and
    each request would take tens of milliseconds that no static host would."""

    def __init__(self, site_dir: Path):
        code = ("import sys; sys.path.insert(0, sys.argv[1]); from conftest import SiteServer; "
                "s = SiteServer(__import__('pathlib').Path(sys.argv[2])); print(s.url, flush=True); "
                "sys.stdin.read()")
        self.proc = subprocess.Popen([sys.executable, "-c", code, str(ROOT / "tests"), str(site_dir)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()

    def close(self) -> None:
        self.proc.stdin.close()  # the child exits when its stdin closes
        self.proc.wait(timeout=10)


def queries_for(planned) -> list[str]:
    p = planned[0]
    condition_word = max(p.conditions[0].split(), key=len)
    words = Counter(w.lower() for q in planned for c in q.conditions for w in c.split() if len(w) > 3)
    common = words.most_common(1)[0][0]
    city = p.sites[0].city if p.sites else "Boston"
    typo = condition_word[:-2] + ("x" if condition_word[-2] != "x" else "y") + condition_word[-1]
    return [condition_word.lower(), common, city, typo.lower(), p.nct_id]


def describe_files(files: dict[str, bytes]) -> None:
    for group in GROUPS:
        items = [v for k, v in files.items() if k == group or k.startswith(group + "/")]
        if not items:
            continue
        raw, z = sum(map(len, items)), sum(map(gz, items))
        largest = max(map(len, items))
        print(f"  {group:14s} {len(items):4d} file(s) {raw / 1e6:7.3f} MB raw {z / 1e6:6.3f} MB gzip"
              + (f"  (largest {largest / 1e3:.1f} KB raw)" if len(items) > 1 else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="keep the work folders under this directory")
    args = ap.parse_args(argv)

    from conftest import CHROMIUM
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for n in args.n:
            work = Path(tempfile.mkdtemp(prefix=f"ssg-search-bench-{n}-", dir=args.keep))
            t0 = time.perf_counter()
            site, planned = make_site(n, args.seed, work)
            t_site = time.perf_counter() - t0
            times = time_data_files(site.entries)
            files = times["files"]
            out = work / "site"
            write_search_site(site, files, out)
            print(f"\n== N={len(site.entries)} trials (site model {t_site:.1f} s wall)")
            print(f"  data_files CPU: cold {times['cold']:.2f} s; with a cache: filling it {times['filling']:.2f} s, "
                  f"after one title changed {times['warm']:.2f} s ({times['changed_shards']} index shards changed)")
            describe_files(files)
            server = ChildServer(out)
            print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            try:
                for q in queries_for(planned):
                    runs = [measure_query(browser, server.url, q, out) for _ in range(args.runs)]
                    best = min(runs, key=lambda m: m["after"])

                    def med(key):
                        return statistics.median(m[key] for m in runs)

                    kinds = Counter(f.split("/")[0] if "/" in f else f for f in best["files"] if not f.endswith(".js"))
                    print(f"  q={q!r:22s} first search {med('gz') / 1e6:.3f} MB gzip ({med('raw') / 1e6:.2f} MB raw; "
                          f"lunr.min.js, search.js, {', '.join(f'{k} x{v}' if v > 1 else k for k, v in kinds.items())}); "
                          f"first result {med('after'):.0f} ms after download (best {best['after']:.0f}; "
                          f"matching +{med('matching'):.0f}, matched +{med('matched'):.0f}, "
                          f"fetch {med('later'):.0f}); {best['count']}")
            finally:
                server.close()
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
