#!/usr/bin/env python3
"""Search at scale: index bytes (raw and gzip) and time to first result in Chromium.

    .venv/bin/python bench/search_bench.py [--n 1000 10000] [--seed 0] [--keep DIR]

For each N: generates N synthetic records (bench.corpus, fixed seed), runs ssg's own load,
merge, summarise and assemble phases, then times the search files (ssg.search.data_files)
and writes the search page, its files and assets into a site folder. It serves that folder
under /repo/ and opens the search page in headless Chromium (Debian's) with a fresh cache
for each query: a condition word, a city (needs a place shard), a one-letter typo and an NCT ID.

Per query it reports the files fetched before the first result and their gzip size (level 6,
what a static host typically serves), and:
  dl     when the last first-tier file (index/names/docs.json) finished downloading,
  first  when the first result was on screen (performance mark "ssg-search:first-result"),
  after  first - dl: JSON parsing, lunr.Index.load, querying, fetching place shards or
         summary.json when the query needs them and the result's text shard (from localhost),
         rendering. Also split: indexes loaded (+ms after dl), query matched (+ms after dl).
Each query runs --runs times in a fresh browser context; the best and the median are shown
(the best is the least disturbed by other load on the machine; the load average is printed).
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench import corpus  # noqa: E402
from ssg.build import BuildReport, assemble, load_records, merge, summarise_all  # noqa: E402
from ssg.config import load_config  # noqa: E402
from ssg.render import Renderer  # noqa: E402
from ssg.search import data_files, pages  # noqa: E402

INDEX_FILES = ("index.json", "names.json", "docs.json", "summary.json")
TIER1 = INDEX_FILES[:3]  # what every search downloads first


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


def write_search_site(site, out: Path) -> dict[str, float]:
    t0 = time.perf_counter()
    files = data_files(site.entries)
    t_index = time.perf_counter() - t0
    for of in pages(site, Renderer(site)):
        path = out / of.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(of.data)
    shutil.copytree(ROOT / "static", out / "assets", dirs_exist_ok=True)
    sizes = {name: (len(data), gz(data)) for name, data in files.items()}
    return {"index_seconds": t_index, "sizes": sizes}


def measure_query(browser, url: str, query: str, site_dir: Path) -> dict:
    from urllib.parse import quote

    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}search/?q={quote(query)}")
    page.wait_for_function("() => performance.getEntriesByName('ssg-search:first-result').length > 0", timeout=120_000)
    page.wait_for_function("() => document.getElementById('search-count').textContent !== ''", timeout=120_000)
    data = page.evaluate("""() => {
        const mark = performance.getEntriesByName('ssg-search:first-result')[0].startTime;
        const res = performance.getEntriesByType('resource')
            .filter(r => r.responseEnd <= mark)
            .map(r => ({name: new URL(r.name).pathname, start: r.startTime, end: r.responseEnd}));
        const at = (n) => { const e = performance.getEntriesByName('ssg-search:' + n)[0]; return e ? e.startTime : null; };
        return {mark, res, loaded: at('loaded'), matched: at('matched'),
                count: document.getElementById('search-count').textContent};
    }""")
    context.close()
    fetched = [r for r in data["res"] if r["name"].endswith(".json") or r["name"].endswith(".js")]
    prefix = "/repo/"
    total_gz = total_raw = 0
    for r in fetched:
        body = (site_dir / r["name"][len(prefix):]).read_bytes()
        total_raw += len(body)
        total_gz += gz(body)
    dl = max((r["end"] for r in fetched if r["name"].rsplit("/", 1)[-1] in TIER1), default=0.0)
    return {
        "query": query, "files": [r["name"].rsplit("/search/", 1)[-1] for r in fetched],
        "raw": total_raw, "gz": total_gz, "dl": dl, "first": data["mark"], "after": data["mark"] - dl,
        "count": data["count"], "loaded": data["loaded"], "matched": data["matched"],
    }


def queries_for(planned) -> list[str]:
    p = planned[0]
    condition_word = max(p.conditions[0].split(), key=len)
    city = p.sites[0].city if p.sites else "Boston"
    typo = condition_word[:-2] + ("x" if condition_word[-2] != "x" else "y") + condition_word[-1]
    return [condition_word.lower(), city, typo.lower(), p.nct_id]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="keep the work folders under this directory")
    args = ap.parse_args(argv)

    from conftest import CHROMIUM, SiteServer
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for n in args.n:
            work = Path(tempfile.mkdtemp(prefix=f"ssg-search-bench-{n}-", dir=args.keep))
            t0 = time.perf_counter()
            site, planned = make_site(n, args.seed, work)
            t_site = time.perf_counter() - t0
            out = work / "site"
            info = write_search_site(site, out)
            sizes = info["sizes"]
            print(f"\n== N={len(site.entries)} trials (site model {t_site:.1f} s; search files {info['index_seconds']:.1f} s)")
            for name in INDEX_FILES:
                raw, z = sizes[name]
                print(f"  {name:13s} {raw / 1e6:7.3f} MB raw  {z / 1e6:6.3f} MB gzip")
            for folder in ("places", "text"):
                shards = [v for k, v in sizes.items() if k.startswith(folder + "/")]
                print(f"  {folder}/*.json {len(shards):4d} shards, {sum(r for r, _ in shards) / 1e6:.3f} MB raw "
                      f"{sum(z for _, z in shards) / 1e6:.3f} MB gzip in all, largest {max(z for _, z in shards) / 1e3:.1f} KB gzip")
            server = SiteServer(out)
            print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            try:
                for q in queries_for(planned):
                    runs = sorted((measure_query(browser, server.url, q, out) for _ in range(args.runs)),
                                  key=lambda m: m["after"])
                    m, med = runs[0], runs[len(runs) // 2]
                    print(f"  q={m['query']!r:24s} fetched {m['gz'] / 1e6:.3f} MB gzip ({m['raw'] / 1e6:.2f} MB raw, "
                          f"{len(m['files'])} files: {' '.join(f for f in m['files'] if not f.startswith(('text/', 'places/')))} "
                          f"+{sum(f.startswith('places/') for f in m['files'])} place shards "
                          f"+{sum(f.startswith('text/') for f in m['files'])} text shards); "
                          f"first result {m['after']:.0f} ms after download (median {med['after']:.0f}; "
                          f"indexes loaded +{m['loaded'] - m['dl']:.0f}, matched +{m['matched'] - m['dl']:.0f}); {m['count']}")
            finally:
                server.close()
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
