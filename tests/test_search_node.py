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


def _node() -> str:
    """The node executable, with lunr installed beside the project; else the test is skipped."""
    node = shutil.which("node")
    if not node:
        pytest.skip("node not installed")
    if not LUNR.exists():
        pytest.skip("node_modules/lunr missing: run `npm ci`")
    return node


def run_node(search_dir: Path, queries: list[str], tmp_path: Path, stems: list[str] = ()) -> dict:
    node = _node()
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


def run_node_code(code: str, args: list[str], tmp_path: Path):
    """Runs ``code`` in Node with ``lunr`` and the engine module (``ssg``) loaded; returns its
    JSON output (what it prints)."""
    node = _node()
    script = tmp_path / "snippet.js"
    script.write_text(f"const lunr = require({json.dumps(str(LUNR))});\n"
                      f"const ssg = require({json.dumps(str(SEARCH_JS))});\n"
                      "const args = process.argv.slice(2);\n" + code, encoding="utf-8")
    proc = subprocess.run([node, str(script), *args], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


SCORES_JS = r"""
// For every shard and every word, in each of the engine's stages (exact and prefix, then one
// typo): the engine's scores (ssg.Shard + dotProducts) against lunr.Index.query's own.
const fs = require("fs"), path = require("path");
const dir = args[0], words = JSON.parse(args[1]);
const engine = new ssg.Engine(lunr, null);
const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
const out = [];
for (const [name, keys] of Object.entries(manifest.shards)) {
  keys.forEach((key, n) => {
    const data = JSON.parse(fs.readFileSync(path.join(dir, `${name}/${n}.json`), "utf8"));
    const index = lunr.Index.load(data), shard = new ssg.Shard(lunr, JSON.parse(JSON.stringify(data)));
    for (const word of words) {
      for (const typo of [false, true]) {
        const clauses = engine.clauses(word, typo);
        const want = {};
        index.query(clauses).forEach((r) => { want[r.ref] = r.score; });
        const boosts = engine.expand(shard, clauses);
        const norm = Math.sqrt(Object.values(boosts).reduce((a, b) => a + b * b, 0));
        const got = {};
        ssg.dotProducts(shard, boosts, (ref, dot) => { got[ref] = dot / norm; });
        out.push({ shard: `${name}/${n}`, word, typo, want, got });
      }
    }
  });
}
console.log(JSON.stringify(out));
"""


@pytest.mark.parametrize("limit", [1, 10_000])
def test_engine_scores_are_lunr_index_query_scores(tmp_path, monkeypatch, limit):
    """The engine scores a shard itself (lunr.Index.query's per-document objects were most of the
    time a common word took); it must give exactly lunr's documents and scores."""
    from ssg.search import data_files, index

    for name, (field, _) in list(index.INDEXES.items()):
        monkeypatch.setitem(index.INDEXES, name, (field, limit))
    site = write_files(data_files(handmade_entries()), tmp_path / "search")
    words = ["lupus", "lu", "l", "lupis", "lund", "sweden", "anemia", "studi", "this", "zzz"]
    out = run_node_code(SCORES_JS, [str(site), json.dumps(words)], tmp_path)
    assert len(out) == len(words) * 2 * sum(len(k) for k in json.loads((site / "manifest.json").read_text())["shards"].values())
    assert sum(1 for o in out if o["want"]) >= 20 and any(len(o["want"]) > 1 for o in out)
    for o in out:
        assert sorted(o["got"]) == sorted(o["want"]), o
        for ref, score in o["want"].items():
            assert o["got"][ref] == pytest.approx(score, rel=1e-12), o


def test_engine_scores_on_the_seed_site(seed_site, tmp_path):
    words = ["lupus", "cancer", "c", "chengdu", "boston", "lupis", "canser", "nephritis", "phase"]
    out = run_node_code(SCORES_JS, [str(seed_site / "search"), json.dumps(words)], tmp_path)
    assert any(o["want"] for o in out)
    for o in out:
        assert o["got"] == pytest.approx(o["want"], rel=1e-12), o


RANKING_JS = r"""
// Scores with many ties; the first pages from Ranking.slice against one full sort.
const n = 5000, scores = new Float64Array(n), found = [];
let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
for (let p = 0; p < n; p++) { if (rand() < 0.8) { found.push(p); scores[p] = Math.floor(rand() * 50) / 7; } }
found.reverse();  // the order hits arrive in is not the order they rank in
const full = found.slice().sort((a, b) => (scores[b] - scores[a]) || (a - b));
const r = new ssg.Ranking(found.slice(), scores, new Set());
const pages = [r.slice(0, 20), r.slice(20, 40), r.slice(40, 60), r.slice(3980, 4200)];
const small = new ssg.Ranking([3, 1, 2], new Float64Array([0, 1, 1, 5]), new Set());
console.log(JSON.stringify({ count: r.count, full, pages, positions: r.positions,
  small: [small.slice(0, 20), small.slice(20, 40)], unscored: new ssg.Ranking([4, 2, 9], null, new Set()).slice(0, 2) }));
"""


def test_ranking_picks_the_first_pages_as_a_full_sort_would(tmp_path):
    out = run_node_code(RANKING_JS, [], tmp_path)
    full = out["full"]
    assert out["count"] == len(full) > 3000
    assert out["pages"] == [full[0:20], full[20:40], full[40:60], full[3980:4200]]
    assert out["positions"] == full
    assert out["small"] == [[3, 1, 2], []]  # higher score first, ties in site order
    assert out["unscored"] == [4, 2]  # no words: the order given (open trials first) is kept


LISTS_JS = r"""
// docs.json's columns of lists read back by search.js, one trial at a time and all at once.
const fs = require("fs");
const docs = JSON.parse(fs.readFileSync(args[0], "utf8"));
const count = docs.trials.id.length, out = {};
for (const k of ["phases", "conditions", "countries"]) {
  const one = new ssg.Lists(docs.trials[k], count), all = new ssg.Lists(docs.trials[k], count);
  out[k] = { at: Array.from({ length: count }, (_, p) => one.at(p)), all: all.all() };
}
console.log(JSON.stringify(out));
"""


@pytest.mark.parametrize("n", [0, 1, 3])
def test_lists_columns_read_back_as_written(tmp_path, n):
    from test_search_index import entry

    from ssg.search.documents import build_store

    entries = [
        entry("NCT00000001", "A", conditions=["Lupus", "Stroke"], phases=("PHASE1", "PHASE2"),
              places=[("Lyon", None, "France"), ("Oslo", None, "Norway")]),
        entry("NCT00000002", "B", conditions=[], phases=(), places=[]),
        entry("NCT00000003", "C", conditions=["Anemia"], phases=("NA",), places=[("Lund", None, "Sweden")]),
    ][:n]
    store = build_store(entries)
    path = tmp_path / "docs.json"
    path.write_text(json.dumps(store), encoding="utf-8")
    out = run_node_code(LISTS_JS, [str(path)], tmp_path)
    codes, tables = store["codes"], store["tables"]
    want = {
        "phases": [[codes["phase"].index(p) for p in e.trial.phases] for e in entries],
        "conditions": [[tables["conditions"].index(c) for c in e.trial.conditions] for e in entries],
        "countries": [[tables["countries"].index(k) for k in dict.fromkeys(loc.country for loc in e.trial.locations)]
                      for e in entries],
    }
    for k, lists in want.items():
        assert out[k]["at"] == lists and out[k]["all"] == lists, k


EARLY_JS = r"""
// docs.json held back: a word's shards alone start the matching and the first result's text
// shard; the result itself waits for docs.json (its status, phases, conditions, countries).
const fs = require("fs"), path = require("path");
const dir = args[0], extra = JSON.parse(args[1]);
const read = (p) => JSON.parse(fs.readFileSync(path.join(dir, p), "utf8"));
const manifest = Object.assign(read("manifest.json"), extra);
const asked = [];
let release;
const held = new Promise((resolve) => { release = resolve; });
const engine = new ssg.Engine(lunr, (p) => {
  asked.push(p);
  return p === "docs.json" ? held.then(() => read(p)) : Promise.resolve(read(p));
}, manifest);
let matched = false, shown = null;
engine.find("lupus", {}).then((r) => { matched = true; return engine.result(r.slice(0, 1)[0]); })
  .then((res) => { shown = res; });
setTimeout(() => {
  const before = { matched, asked: asked.slice(), shown: shown !== null };
  release();
  setTimeout(() => console.log(JSON.stringify({ before, after: shown && shown.id })), 50);
}, 50);
"""


@pytest.mark.parametrize("given", [True, False])
def test_matching_and_the_first_text_shard_do_not_wait_for_docs_json(tmp_path, given):
    """With the number of trials and the text shard size in the manifest, a word is matched
    and its first result's text asked for while docs.json is still downloading; without them
    the engine waits for docs.json, as before."""
    from ssg.search import data_files
    from ssg.search.documents import SHARD

    files = data_files(handmade_entries())
    extra = {"count": len(handmade_entries()), "text": SHARD} if given else {"count": None, "text": None}
    out = run_node_code(EARLY_JS, [str(write_files(files, tmp_path / "search")), json.dumps(extra)], tmp_path)
    assert out["after"] == "NCT00000003"  # the same result either way
    assert out["before"]["shown"] is False  # a result line needs docs.json
    assert out["before"]["matched"] is given
    assert ("text/0.json" in out["before"]["asked"]) is given
