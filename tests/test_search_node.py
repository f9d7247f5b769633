"""The built search files, loaded by real lunr.js 2.3.9 (node_modules) and the site's own search.js engine.

Each seed trial must be found by a condition, its sponsor, a city and its NCT ID; a one-letter
typo still finds lupus. Runs a Node script written to a temp folder; skips without node.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LUNR = ROOT / "node_modules" / "lunr" / "lunr.js"
SEARCH_JS = ROOT / "static" / "js" / "search.js"

SCRIPT = r"""
const fs = require("fs"), path = require("path");
const [lunrPath, enginePath, dir, queriesPath] = process.argv.slice(2);
const lunr = require(lunrPath);
const { Engine } = require(enginePath);
const warnings = [];
lunr.utils.warn = (m) => warnings.push(m);  // a version mismatch on load would show here
const engine = new Engine(lunr, (p) => Promise.resolve(JSON.parse(fs.readFileSync(path.join(dir, p), "utf8"))));
(async () => {
  const out = { warnings, results: {} };
  // Loading each file with lunr.Index.load directly, as the issue asks.
  for (const f of ["index.json", "names.json", "summary.json"]) {
    lunr.Index.load(JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
  }
  for (const q of JSON.parse(fs.readFileSync(queriesPath, "utf8"))) {
    const r = await engine.find(q, {});
    out.results[q] = r.positions.map((p) => engine.docs.trials.id[p]);
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e.stack || e); process.exit(1); });
"""


def run_node(search_dir: Path, queries: list[str], tmp_path: Path) -> dict:
    node = shutil.which("node")
    if not node:
        pytest.skip("node not installed")
    if not LUNR.exists():
        pytest.skip("node_modules/lunr missing: run `npm ci`")
    script = tmp_path / "find.js"
    script.write_text(SCRIPT, encoding="utf-8")
    qfile = tmp_path / "queries.json"
    qfile.write_text(json.dumps(queries), encoding="utf-8")
    proc = subprocess.run([node, str(script), str(LUNR), str(SEARCH_JS), str(search_dir), str(qfile)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def seed_expectations(site: Path) -> dict[str, dict[str, str]]:
    """For each seed trial: a condition, its lead sponsor, a city (from the built store and shards)."""
    store = json.loads((site / "search" / "docs.json").read_text(encoding="utf-8"))
    t, tables = store["trials"], store["tables"]
    out = {}
    for pos, nct in enumerate(t["id"]):
        shard = json.loads((site / "search" / "text" / f"{pos // store['shard']}.json").read_text(encoding="utf-8"))
        places = shard["places"][pos % store["shard"]]
        out[nct] = {
            "condition": tables["conditions"][t["conditions"][pos][0]] if t["conditions"][pos] else None,
            "sponsor": tables["sponsors"][t["sponsors"][pos][0]] if t["sponsors"][pos] else None,
            "city": tables["places"][places[0]].split(",")[0] if places else None,
        }
    return out


def test_every_seed_trial_is_found_by_condition_sponsor_city_and_id(seed_site, tmp_path):
    expect = seed_expectations(seed_site)
    assert expect, "the seed site has no trials"
    queries = []
    for nct, e in expect.items():
        queries += [nct, nct[3:], nct.lower()] + [v for v in e.values() if v]
    out = run_node(seed_site / "search", queries, tmp_path)
    assert out["warnings"] == []
    missing = []
    for nct, e in expect.items():
        assert out["results"][nct] == [nct], nct  # an ID finds exactly its trial
        assert out["results"][nct[3:]] == [nct]
        assert out["results"][nct.lower()] == [nct]
        for kind, q in e.items():
            if q and nct not in out["results"][q]:
                missing.append((nct, kind, q))
    assert missing == []
    # Every trial names a condition and a sponsor; nearly all a city (one seed lists no site).
    assert all(e["condition"] and e["sponsor"] for e in expect.values()), expect
    assert sum(1 for e in expect.values() if e["city"]) >= len(expect) - 1, expect


def test_prefix_typo_and_all_words(seed_site, tmp_path):
    expect = seed_expectations(seed_site)
    lupus = [n for n, e in expect.items() if e["condition"] and "lupus" in e["condition"].lower()]
    assert lupus, "a seed trial about lupus"
    out = run_node(seed_site / "search", ["lupus", "lupis", "lup", "LUPUS", "lupus zzzqqq", "zzzqqq"], tmp_path)
    r = out["results"]
    assert set(lupus) <= set(r["lupus"])
    assert set(lupus) <= set(r["lupis"])  # one typo
    assert set(lupus) <= set(r["lup"])  # as you type
    assert r["LUPUS"] == r["lupus"]
    assert r["lupus zzzqqq"] == [] and r["zzzqqq"] == []  # every word must match


@pytest.mark.parametrize("place_shard_refs", [1, 2000])
def test_handmade_site_summary_tier_accents_and_places(tmp_path, monkeypatch, place_shard_refs):
    """Words only in a plain summary are found once summary.json loads; "malmo" finds Malmö;
    places are found whether each sits in its own shard or all share one."""
    from test_search_index import entry

    from ssg.search import data_files, documents

    monkeypatch.setattr(documents, "PLACE_SHARD_REFS", place_shard_refs)
    entries = (
        entry("NCT00000001", "Anifrolumab in Lupus Nephritis", conditions=["Lupus Nephritis"],
              places=[("Malmö", None, "Sweden"), ("Aarhus", None, "Denmark")],
              summary="This study tests a medicine for lupus kidney disease."),
        entry("NCT00000002", "Exercise After Stroke", conditions=["Stroke"], sponsor="City University",
              places=[("Lyon", None, "France"), ("Aarhus", None, "Denmark")],
              summary="This study looks at walking after a stroke."),
    )
    site = tmp_path / "search"
    for name, data in data_files(entries).items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
    assert ("places/2.json" in data_files(entries)) == (place_shard_refs == 1)
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
