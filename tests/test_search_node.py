"""The built search files, loaded by real lunr.js 2.3.9 (node_modules) and the site's own search.js engine.

Each seed trial must be found by a condition, its sponsor, a city and its NCT ID; a one-letter
typo still finds lupus; every shard loads with lunr.Index.load; a query fetches only the shards
its words need; sharding does not change a single score. Runs a Node script written to a temp
folder; skips without node.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LUNR = ROOT / "node_modules" / "lunr" / "lunr.js"
SEARCH_JS = ROOT / "static" / "js" / "search.js"
CONTENT = ROOT / "content"

SCRIPT = r"""
const fs = require("fs"), path = require("path");
const [lunrPath, enginePath, dir, queriesPath] = process.argv.slice(2);
const lunr = require(lunrPath);
const { Engine } = require(enginePath);
const warnings = [];
lunr.utils.warn = (m) => warnings.push(m);  // a version mismatch on load would show here
const read = (p) => JSON.parse(fs.readFileSync(path.join(dir, p), "utf8"));
const input = JSON.parse(fs.readFileSync(queriesPath, "utf8"));
(async () => {
  const out = { warnings, results: {}, scores: {}, fetched: {}, stems: {}, shards: 0 };
  // Every shard loads with lunr.Index.load directly, as the issue asks.
  const manifest = read("manifest.json");
  for (const [name, keys] of Object.entries(manifest.shards)) {
    keys.forEach((key, n) => { lunr.Index.load(read(`${name}/${n}.json`)); out.shards += 1; });
  }
  for (const w of input.stems) { out.stems[w] = lunr.stemmer(new lunr.Token(w)).toString(); }
  const shared = new Engine(lunr, (p) => Promise.resolve(read(p)));
  for (const q of input.queries) {
    const fetched = [];
    // A fresh engine per query shows what that query alone downloads.
    const fresh = new Engine(lunr, (p) => { fetched.push(p); return Promise.resolve(read(p)); });
    const r = await fresh.find(q, {});
    const again = await shared.find(q, {});  // and one engine for all, as a page that is typed into
    if (JSON.stringify(again.positions) !== JSON.stringify(r.positions)) { throw new Error("history changed " + q); }
    out.results[q] = r.positions.map((p) => fresh.id(p));
    out.scores[q] = r.positions.map((p) => [fresh.id(p), r.scores[p]]);
    out.fetched[q] = fetched;
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e.stack || e); process.exit(1); });
"""


def run_node(search_dir: Path, queries: list[str], tmp_path: Path, stems: list[str] = ()) -> dict:
    node = shutil.which("node")
    if not node:
        pytest.skip("node not installed")
    if not LUNR.exists():
        pytest.skip("node_modules/lunr missing: run `npm ci`")
    script = tmp_path / "find.js"
    script.write_text(SCRIPT, encoding="utf-8")
    qfile = tmp_path / "queries.json"
    qfile.write_text(json.dumps({"queries": queries, "stems": list(stems)}), encoding="utf-8")
    proc = subprocess.run([node, str(script), str(LUNR), str(SEARCH_JS), str(search_dir), str(qfile)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@lru_cache(maxsize=1)
def seed_entries():
    """The seed site's entries, as the build assembles them."""
    from ssg.build import BuildReport, assemble, load_records, merge, summarise_all
    from ssg.config import load_config

    report = BuildReport()
    trials, summaries = summarise_all(merge(load_records(CONTENT / "trials", report)), report)
    site = assemble(load_config(CONTENT / "site.toml", base_url="https://example.org/repo/"), trials, summaries, ())
    return site.entries


def seed_expectations() -> dict[str, dict[str, str | None]]:
    """For each seed trial: a condition, its lead sponsor, a city."""
    from ssg.search.documents import names_of

    out = {}
    for e in seed_entries():
        names = names_of(e)
        out[e.trial.nct_id] = {
            "condition": (names["conditions"] or [None])[0],
            "sponsor": (names["sponsors"] or [None])[0],
            "city": names["places"][0].split(",")[0] if names["places"] else None,
        }
    return out


def write_files(files: dict[str, bytes], folder: Path) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def test_every_seed_trial_is_found_by_condition_sponsor_city_and_id(seed_site, tmp_path):
    expect = seed_expectations()
    assert expect, "the seed site has no trials"
    queries = []
    for nct, e in expect.items():
        queries += [nct, nct[3:], nct.lower()] + [v for v in e.values() if v]
    out = run_node(seed_site / "search", queries, tmp_path)
    assert out["warnings"] == [] and out["shards"] >= 3
    missing = []
    for nct, e in expect.items():
        assert out["results"][nct] == [nct], nct  # an ID finds exactly its trial
        assert out["results"][nct[3:]] == [nct]
        assert out["results"][nct.lower()] == [nct]
        assert not [f for f in out["fetched"][nct] if not f.startswith("text/")][2:]  # an ID needs no index shard
        for kind, q in e.items():
            if q and nct not in out["results"][q]:
                missing.append((nct, kind, q))
    assert missing == []
    # Every trial names a condition and a sponsor; nearly all a city (one seed lists no site).
    assert all(e["condition"] and e["sponsor"] for e in expect.values()), expect
    assert sum(1 for e in expect.values() if e["city"]) >= len(expect) - 1, expect


def test_prefix_typo_and_all_words(seed_site, tmp_path):
    expect = seed_expectations()
    lupus = [n for n, e in expect.items() if e["condition"] and "lupus" in e["condition"].lower()]
    assert lupus, "a seed trial about lupus"
    out = run_node(seed_site / "search", ["lupus", "lupis", "lup", "LUPUS", "lupus zzzqqq", "zzzqqq", "upus"], tmp_path)
    r = out["results"]
    assert set(lupus) <= set(r["lupus"])
    assert set(lupus) <= set(r["lupis"])  # one typo
    assert set(lupus) <= set(r["lup"])  # as you type
    assert set(lupus) <= set(r["upus"])  # one typo in the first letter: the last stage, every shard
    assert r["LUPUS"] == r["lupus"]
    assert r["lupus zzzqqq"] == [] and r["zzzqqq"] == []  # every word must match
    # "lupus" is found at once: only the shards that can hold "lupu..." (title, names + members).
    shards = [f for f in out["fetched"]["lupus"] if f.split("/")[0] in ("title", "names", "members", "summary")]
    assert sorted(f.split("/")[0] for f in shards) == ["members", "names", "title"]


def test_index_and_query_stem_alike(seed_site, tmp_path):
    """The index is stemmed in Python, the query words by lunr.js: they must agree."""
    from ssg.search.documents import facts_of
    from ssg.search.tokens import normalise, stem

    words = {"kidney", "turkey", "norway", "dry", "ies", "sses", "lupus", "studies", "running", "arthritis"}
    for e in seed_entries():
        f = facts_of(e)
        words.update(normalise(" ".join([f.title, f.summary] + [n for ns in f.names.values() for n in ns])).split())
    out = run_node(seed_site / "search", [], tmp_path, stems=sorted(words))
    assert {w: s for w, s in out["stems"].items() if s != stem(w)} == {}


def handmade_entries():
    from test_search_index import entry

    return (
        entry("NCT00000001", "Anifrolumab in Lupus Nephritis", conditions=["Lupus Nephritis"],
              places=[("Malmö", None, "Sweden"), ("Aarhus", None, "Denmark")],
              summary="This study tests a medicine for lupus kidney disease.", interventions=["Anifrolumab"]),
        entry("NCT00000002", "Exercise After Stroke", conditions=["Stroke"], sponsor="City University",
              places=[("Lyon", None, "France"), ("Aarhus", None, "Denmark")],
              summary="This study looks at walking after a stroke."),
        entry("NCT00000003", "Lung Function in Lupus", conditions=["Lupus", "Lung Diseases"], sponsor="Lund University",
              places=[("Lund", None, "Sweden")], summary="This study measures breathing in people with lupus."),
        entry("NCT00000004", "Luspatercept for Anaemia in Lupus", conditions=["Anemia"], sponsor="Lundbeck",
              places=[("Luton", None, "United Kingdom")], summary="This study tests luspatercept."),
    )


@pytest.mark.parametrize("limit", [1, 10_000])
def test_handmade_site_summary_tier_accents_and_places(tmp_path, monkeypatch, limit):
    """Words only in a plain summary are found once summary shards load; "malmo" finds Malmö;
    places are found whether each term sits in a shard of its own or all share one."""
    from ssg.search import data_files, index

    for name, (field, _) in list(index.INDEXES.items()):
        monkeypatch.setitem(index.INDEXES, name, (field, limit))
    files = data_files(handmade_entries()[:2])
    site = write_files(files, tmp_path / "search")
    assert (json.loads(files["manifest.json"])["shards"]["names"] == [""]) == (limit > 1)
    out = run_node(site, ["kidney", "walking", "malmo", "MALMÖ", "lyon stroke", "lyon lupus", "city univ",
                          "anifrolumab", "00000002", "lyon", "aarhus", "sweden"], tmp_path)
    r = out["results"]
    assert r["lyon"] == ["NCT00000002"] and r["sweden"] == ["NCT00000001"]
    assert r["aarhus"] == ["NCT00000001", "NCT00000002"]
    assert r["kidney"] == ["NCT00000001"] and r["walking"] == ["NCT00000002"]
    assert r["malmo"] == r["MALMÖ"] == ["NCT00000001"]
    assert r["lyon stroke"] == ["NCT00000002"] and r["lyon lupus"] == []
    assert r["city univ"] == ["NCT00000002"]
    assert r["anifrolumab"] == ["NCT00000001"]
    assert r["00000002"] == ["NCT00000002"]
    assert not any(f.startswith("summary/") for f in out["fetched"]["lyon"])  # found before that stage


def test_a_word_fetches_only_the_shards_its_stage_needs(tmp_path, monkeypatch):
    from ssg.search import data_files, index
    from ssg.search.shards import owner

    for name, (field, _) in list(index.INDEXES.items()):
        monkeypatch.setitem(index.INDEXES, name, (field, 1))
    files = data_files(handmade_entries())
    manifest = json.loads(files["manifest.json"])["shards"]
    out = run_node(write_files(files, tmp_path / "search"), ["lupus", "lupis", "lipus", "upus", "lyon"], tmp_path)

    def keys(query):
        return sorted({manifest[f.split("/")[0].replace("members", "names")][int(f.split("/")[1][:-5])]
                       for f in out["fetched"][query] if f.startswith(("title/", "names/", "members/", "summary/"))})

    lupus = ["NCT00000001", "NCT00000003", "NCT00000004"]
    for q in ("lupus", "lupis", "lipus", "upus"):
        assert sorted(out["results"][q]) == lupus, q
    assert keys("lupus") == ["lup"]  # the word's own shard in each index
    assert keys("lupis") == ["lup"]  # a typo past the first letters: found in the shards already loaded
    assert len(keys("lipus")) > 2 and all(k.startswith("l") for k in keys("lipus"))  # else its first letter
    everything = {k for ks in manifest.values() for k in ks}
    assert set(keys("upus")) == everything  # a typo in the first letter: every shard, the last stage
    assert keys("lyon") == [owner(everything, "lyon")]  # a place: its trials come with the names shard


def test_sharding_changes_no_score(tmp_path, monkeypatch):
    """The same words over one shard per index and over a shard per term: same trials, same
    order, same scores (search.js puts the query magnitudes of a word's shards back together)."""
    from ssg.search import data_files, index

    queries = ["l", "lu", "lun", "lupus", "lupis", "lung lupus", "anifrolumab", "lu sweden", "s", "u", "studi"]
    outs = []
    for limit in (1, 10_000):
        for name, (field, _) in list(index.INDEXES.items()):
            monkeypatch.setitem(index.INDEXES, name, (field, limit))
        folder = write_files(data_files(handmade_entries()), tmp_path / f"site-{limit}")
        outs.append(run_node(folder, queries, tmp_path))
    sharded, whole = outs
    assert sharded["shards"] > 3 * whole["shards"]
    for q in queries:
        assert [n for n, _ in sharded["scores"][q]] == [n for n, _ in whole["scores"][q]], q
        for (_, a), (_, b) in zip(sharded["scores"][q], whole["scores"][q]):
            assert a == pytest.approx(b, rel=1e-9), q
    assert whole["results"]["lu"] and whole["results"]["lupis"]
