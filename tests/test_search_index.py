"""The search index files: document store fields, lunr index shape, determinism, lunr.js presence."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from lunr.index import Index

from ssg.errors import BuildError
from ssg.model import Eligibility, Intervention, Location, Sponsor, Status, Trial
from ssg.search import data_files, lunr_js
from ssg.search.documents import SHARD, build_store, name_tables
from ssg.search.index import build_names_index, build_trial_index, normalise
from ssg.site.model import Term, TrialEntry

CONTENT = Path(__file__).resolve().parent.parent / "content"


@dataclass(frozen=True)
class Plain:
    first_sentence: str


def entry(nct: str, title: str, *, conditions=(), sponsor="Acme Pharma", status=Status.RECRUITING,
          phases=("PHASE2",), places=(), ages=(18, 65), sex="ALL", healthy=False,
          summary="This study tests a medicine.", interventions=()) -> TrialEntry:
    trial = Trial(
        nct_id=nct, title=title, status=status, phases=list(phases), conditions=list(conditions),
        sponsors=[Sponsor(name=sponsor)],
        interventions=[Intervention(name=i) for i in interventions],
        locations=[Location(facility="Hospital", city=c, state=s, country=k) for c, s, k in places],
        eligibility=Eligibility(min_age_years=ages[0], max_age_years=ages[1], sex=sex, healthy_volunteers=healthy),
    )
    return TrialEntry(
        trial=trial, plain=Plain(summary),
        conditions=tuple(Term(c, normalise(c).replace(" ", "-"), (nct,)) for c in conditions),
        sponsors=(Term(sponsor, normalise(sponsor).replace(" ", "-"), (nct,)),),
    )


ENTRIES = (
    entry("NCT00000001", "Anifrolumab in Lupus Nephritis", conditions=["Lupus Nephritis", "Lupus"],
          places=[("Boston", "Massachusetts", "United States"), ("Boston", "Massachusetts", "United States"),
                  ("Malmö", None, "Sweden")],
          ages=(18, None), sex="FEMALE", interventions=["Anifrolumab"],
          summary="This study tests whether anifrolumab helps people with lupus kidney disease."),
    entry("NCT00000002", "Exercise After Stroke", conditions=["Stroke"], sponsor="City University",
          status=Status.COMPLETED, phases=("NA",), places=[("Lyon", None, "France")], ages=(None, None),
          healthy=True, summary="This study looks at walking after a stroke."),
)


def test_store_has_one_compact_record_per_trial():
    store = build_store(ENTRIES)
    t = store["trials"]
    assert t["id"] == ["NCT00000001", "NCT00000002"]
    assert t["status"] == ["RECRUITING", "COMPLETED"]
    assert t["phases"] == [["PHASE2"], ["NA"]]
    assert t["min_age"] == [18, None] and t["max_age"] == [None, None]
    assert t["sex"] == ["FEMALE", "ALL"]
    assert t["healthy"] == [False, True]
    tables = store["tables"]
    assert [tables["conditions"][i] for i in t["conditions"][0]] == ["Lupus Nephritis", "Lupus"]
    assert [tables["countries"][i] for i in t["countries"][0]] == ["United States", "Sweden"]
    assert [tables["sponsors"][i] for i in t["sponsors"][1]] == ["City University"]
    assert [tables["interventions"][i] for i in t["interventions"][0]] == ["Anifrolumab"]
    # Status and phase in words, once for the whole store.
    assert store["labels"]["status"]["TERMINATED"] == "Stopped early"
    assert store["labels"]["phase"]["PHASE2"] == "Phase 2"
    assert set(store["labels"]["open"]) == {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"}
    assert store["trial_url"] == "trials/{id}/"


def test_text_shard_has_title_first_sentence_and_places_once_each():
    files = data_files(ENTRIES)
    shard = json.loads(files["text/0.json"])
    store = json.loads(files["docs.json"])
    assert shard["title"][0] == "Anifrolumab in Lupus Nephritis"
    assert shard["summary"][1] == "This study looks at walking after a stroke."
    places = [store["tables"]["places"][i] for i in shard["places"][0]]
    assert places == ["Boston, Massachusetts", "Malmö"]  # the repeated Boston site appears once


def test_shards_split_every_shard_trials():
    many = tuple(entry(f"NCT{i:08d}", f"Trial {i}") for i in range(1, SHARD + 3))
    files = data_files(many)
    assert len(json.loads(files["text/0.json"])["title"]) == SHARD
    assert json.loads(files["text/1.json"])["title"] == [f"Trial {SHARD + 1}", f"Trial {SHARD + 2}"]
    assert "text/2.json" not in files


def test_place_shards_list_trials_per_place_delta_encoded(monkeypatch):
    from ssg.search import documents

    monkeypatch.setattr(documents, "PLACE_SHARD_REFS", 3)
    cities = [("Lyon", None, "France"), ("Aarhus", None, "Denmark"), ("Zagreb", None, "Croatia")]
    many = tuple(entry(f"NCT{i:08d}", f"Trial {i}", places=cities if i % 2 else cities[1:2]) for i in range(1, 8))
    files = data_files(many)
    store = json.loads(files["docs.json"])
    names = store["tables"]["places"]
    assert names == ["Aarhus", "Lyon", "Zagreb"]
    # Aarhus has all 7 trials: a shard of its own, though over the limit; Lyon and Zagreb 4 each.
    assert store["place_shards"] == [0, 1, 2]
    shards = [json.loads(files[f"places/{n}.json"]) for n in range(3)]
    assert "places/3.json" not in files
    assert [s["first"] for s in shards] == [0, 1, 2]

    def positions(gaps):
        return [sum(gaps[: i + 1]) for i in range(len(gaps))]

    ids = store["trials"]["id"]
    assert [ids[p] for p in positions(shards[0]["trials"][0])] == [f"NCT{i:08d}" for i in range(1, 8)]
    assert [ids[p] for p in positions(shards[1]["trials"][0])] == [f"NCT{i:08d}" for i in (1, 3, 5, 7)]


def test_normalise_folds_accents_case_and_punctuation():
    assert normalise("Malmö  Crohn's—Disease (CD)") == "malmo crohn s disease cd"
    assert normalise("São Paulo") == "sao paulo"
    assert normalise(None) == ""


def test_trial_index_loads_and_finds_titles_in_python_lunr():
    idx = Index.load(build_trial_index(ENTRIES))
    assert [r["ref"] for r in idx.search("nephritis")] == ["0"]
    assert [r["ref"] for r in idx.search("walk*")] == []  # summaries are not in the title index
    assert build_trial_index(ENTRIES)["fields"] == ["title"]


def test_names_index_holds_each_name_once_with_kind_prefixed_refs():
    tables = name_tables(ENTRIES)
    data = build_names_index(tables)
    idx = Index.load(data)
    boston = [r["ref"] for r in idx.search("boston")]
    assert boston == [f"p{tables['places'].names.index('Boston, Massachusetts')}"]
    malmo = [r["ref"] for r in idx.search("malmo")]
    assert malmo == [f"p{tables['places'].names.index('Malmö')}"]
    lupus = {r["ref"] for r in idx.search("lupus")}
    assert lupus == {f"c{tables['conditions'].names.index(n)}" for n in ("Lupus", "Lupus Nephritis")}
    # No empty vectors: a name is only ever one kind.
    assert all(vec for _, vec in data["fieldVectors"])
    assert len(data["fieldVectors"]) == sum(len(t.names) for t in tables.values())


def test_no_long_free_text_is_indexed():
    long_text = "zyzzogeton " * 500
    e = entry("NCT00000009", "Short Title", summary="Plain first sentence.")
    trial = e.trial.model_copy(update={"brief_summary": long_text, "detailed_description": long_text})
    e = TrialEntry(trial=trial, plain=e.plain, conditions=e.conditions, sponsors=e.sponsors)
    files = data_files((e,))
    assert all(b"zyzzogeton" not in data for data in files.values())


def test_output_is_deterministic_and_compact():
    a, b = data_files(ENTRIES), data_files(tuple(ENTRIES))
    assert a == b
    assert b": " not in a["index.json"] and b", " not in a["index.json"]


def test_seed_site_builds_identical_search_files_twice(tmp_path):
    from ssg.build import build_site

    outs = []
    for name in ("one", "two"):
        out = tmp_path / name
        report = build_site(CONTENT, out, base_url="https://example.org/repo/")
        assert report.exit_code == 0, report.errors
        outs.append(out)
    files = sorted(p.relative_to(outs[0]) for p in (outs[0] / "search").rglob("*") if p.is_file())
    assert Path("search/index.json") in files and Path("search/docs.json") in files
    for rel in files:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel
    assert (outs[0] / "assets/vendor/lunr.min.js").read_bytes() == lunr_js()


def test_seed_site_store_covers_every_trial(seed_site):
    store = json.loads((seed_site / "search" / "docs.json").read_text(encoding="utf-8"))
    trial_dirs = sorted(p.name for p in (seed_site / "trials").iterdir() if p.is_dir())
    assert store["trials"]["id"] == trial_dirs
    assert len(gzip.compress((seed_site / "search" / "index.json").read_bytes())) < 50_000


def test_missing_lunr_says_what_to_run(tmp_path):
    with pytest.raises(BuildError) as err:
        lunr_js(tmp_path / "node_modules" / "lunr" / "lunr.min.js")
    assert "npm ci" in str(err.value) and "make site" in str(err.value)
    assert err.value.phase == "search"


def test_an_empty_site_still_gets_loadable_files():
    files = data_files(())
    for name in ("index.json", "names.json", "summary.json"):
        data = json.loads(files[name])
        assert data["version"] == "2.3.9" and data["invertedIndex"] == []
        Index.load(data)
    assert json.loads(files["docs.json"])["trials"]["id"] == []
    assert not [n for n in files if n.startswith("text/")]
