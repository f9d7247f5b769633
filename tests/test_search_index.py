"""The search files: document store, sharded lunr indexes (shape, scores, keys), members and text
shards, determinism, the build cache, lunr.js presence."""

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
from ssg.search.documents import SHARD, build_store
from ssg.search.tokens import normalise
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


def lists(text: str, count: int) -> list[list[int]]:
    """A column of lists as docs.json writes it ("3 1,,7"), read back."""
    return [[int(n) for n in part.split()] for part in text.split(",")] if count else []


def test_lists_text_round_trips_including_empty_lists():
    from ssg.search.documents import lists_text

    for value in ([[3, 1], [], [7]], [[]], [[], []], [[0]], [[12, 0, 105], [], [], [4]]):
        text = lists_text(value)
        assert lists(text, len(value)) == value
    assert lists_text([[3, 1], [], [7]]) == "3 1,,7"


def test_store_has_one_compact_record_per_trial():
    store = build_store(ENTRIES)
    t, codes = store["trials"], store["codes"]
    # NCT IDs as numbers, delta-encoded (they are sorted).
    assert t["id"] == [1, 1]
    assert [codes["status"][c] for c in t["status"]] == ["RECRUITING", "COMPLETED"]
    assert all(isinstance(t[k], str) for k in ("phases", "conditions", "countries"))  # one string each
    assert [[codes["phase"][c] for c in p] for p in lists(t["phases"], 2)] == [["PHASE2"], ["NA"]]
    assert t["min_age"] == [18, None] and t["max_age"] == [None, None]
    assert [codes["sex"][c] for c in t["sex"]] == ["FEMALE", "ALL"]
    assert t["healthy"] == [0, 1]
    tables = store["tables"]
    assert [tables["conditions"][i] for i in lists(t["conditions"], 2)[0]] == ["Lupus Nephritis", "Lupus"]
    assert [tables["countries"][i] for i in lists(t["countries"], 2)[0]] == ["United States", "Sweden"]
    assert set(tables) == {"conditions", "countries"}  # other names live in the index shards only
    # Status and phase in words, once for the whole store.
    assert store["labels"]["status"]["TERMINATED"] == "Stopped early"
    assert store["labels"]["phase"]["PHASE2"] == "Phase 2"
    assert set(store["labels"]["open"]) == {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"}
    assert store["trial_url"] == "trials/{id}/"


def test_text_shard_has_title_first_sentence_and_places_once_each():
    files = data_files(ENTRIES)
    shard = json.loads(files["text/0.json"])
    assert shard["title"][0] == "Anifrolumab in Lupus Nephritis"
    assert shard["summary"][1] == "This study looks at walking after a stroke."
    places = [shard["place_names"][i] for i in shard["places"][0]]
    assert places == ["Boston, Massachusetts", "Malmö"]  # the repeated Boston site appears once
    assert [shard["place_names"][i] for i in shard["places"][1]] == ["Lyon"]


def test_shards_split_every_shard_trials():
    many = tuple(entry(f"NCT{i:08d}", f"Trial {i}") for i in range(1, SHARD + 3))
    files = data_files(many)
    assert len(json.loads(files["text/0.json"])["title"]) == SHARD
    assert json.loads(files["text/1.json"])["title"] == [f"Trial {SHARD + 1}", f"Trial {SHARD + 2}"]
    assert "text/2.json" not in files


def names_shard(files, term):
    """(lunr index data, members) of the names shard that holds ``term``."""
    from ssg.search.shards import owner

    keys = json.loads(files["manifest.json"])["shards"]["names"]
    n = keys.index(owner(set(keys), term))
    return json.loads(files[f"names/{n}.json"]), json.loads(files[f"members/{n}.json"]), n


def test_names_shards_join_each_name_to_its_trials():
    cities = [("Lyon", None, "France"), ("Aarhus", None, "Denmark"), ("Boston", "Massachusetts", "United States")]
    many = tuple(entry(f"NCT{i:08d}", f"Trial {i}", places=cities if i % 2 else cities[1:2],
                       interventions=["Bosutinib"] if i == 3 else (), conditions=["Lupus"] if i > 4 else ())
                 for i in range(1, 8))
    files = data_files(many)

    def trials(term):
        data, members, n = names_shard(files, term)
        idx = Index.load(data)
        out = {}
        for r in idx.search(term):
            item = members[int(r["ref"])]
            # The trials themselves, delta-encoded, for every kind of name: conditions and
            # countries too (inverting docs.json's column cost the browser ~10 ms per search).
            assert isinstance(item, list) and all(isinstance(n, int) for n in item)
            positions = [sum(item[: i + 1]) for i in range(len(item))]
            out[r["ref"]] = [f"NCT{p + 1:08d}" for p in positions]
        return sorted(out.values())

    odd = [f"NCT{i:08d}" for i in (1, 3, 5, 7)]
    assert trials("aarhus") == [[f"NCT{i:08d}" for i in range(1, 8)]]
    assert trials("lyon") == [odd]
    assert trials("boston") == [odd]  # the place; "Bosutinib" is another term in the same shard
    assert trials("denmark") == [[f"NCT{i:08d}" for i in range(1, 8)]]
    assert trials("bosutinib") == [["NCT00000003"]]
    assert trials("lupus") == [[f"NCT{i:08d}" for i in (5, 6, 7)]]
    assert not [f for f in files if f.startswith("places/")]


def test_normalise_folds_accents_case_and_punctuation():
    assert normalise("Malmö  Crohn's—Disease (CD)") == "malmo crohn s disease cd"
    assert normalise("São Paulo") == "sao paulo"
    assert normalise(None) == ""


def test_every_shard_loads_in_python_lunr_and_finds_its_terms():
    files = data_files(ENTRIES)
    manifest = json.loads(files["manifest.json"])["shards"]
    assert set(manifest) == {"title", "names", "summary"}
    for name, keys in manifest.items():
        assert keys == sorted(keys) and keys
        assert {f"{name}/{n}.json" for n in range(len(keys))} == {f for f in files if f.startswith(name + "/")}
        for n, key in enumerate(keys):
            data = json.loads(files[f"{name}/{n}.json"])
            assert data["version"] == "2.3.9" and data["pipeline"] == ["stemmer"]
            idx = Index.load(data)
            for term, _ in data["invertedIndex"]:
                assert term.startswith(key)
                query = idx.create_query()
                query.term(term, use_pipeline=False)
                assert idx.query(query)
    data, members, _ = names_shard(files, "malmo")
    assert len(members) == len({ref for _, v in data["invertedIndex"] for ref in v["n"]})


def test_no_long_free_text_is_indexed():
    long_text = "zyzzogeton " * 500
    e = entry("NCT00000009", "Short Title", summary="Plain first sentence.")
    trial = e.trial.model_copy(update={"brief_summary": long_text, "detailed_description": long_text})
    e = TrialEntry(trial=trial, plain=e.plain, conditions=e.conditions, sponsors=e.sponsors)
    files = data_files((e,))
    assert all(b"zyzzogeton" not in data for data in files.values())


def test_output_is_deterministic_and_compact():
    a, b = data_files(ENTRIES), data_files(tuple(ENTRIES))
    assert a == b and list(a) == sorted(a)
    for name, data in a.items():  # compact: no whitespace anywhere
        assert json.dumps(json.loads(data), separators=(",", ":"), ensure_ascii=False).encode() == data, name


def test_seed_site_builds_identical_search_files_twice(tmp_path):
    from ssg.build import build_site

    outs = []
    for name in ("one", "two"):
        out = tmp_path / name
        report = build_site(CONTENT, out, base_url="https://example.org/repo/")
        assert report.exit_code == 0, report.errors
        outs.append(out)
    files = sorted(p.relative_to(outs[0]) for p in (outs[0] / "search").rglob("*") if p.is_file())
    assert Path("search/manifest.json") in files and Path("search/docs.json") in files
    for rel in files:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel
    assert (outs[0] / "assets/vendor/lunr.min.js").read_bytes() == lunr_js()


def test_seed_site_store_covers_every_trial(seed_site):
    store = json.loads((seed_site / "search" / "docs.json").read_text(encoding="utf-8"))
    trial_dirs = sorted(p.name for p in (seed_site / "trials").iterdir() if p.is_dir())
    ids = [sum(store["trials"]["id"][: i + 1]) for i in range(len(store["trials"]["id"]))]
    assert [f"NCT{n:08d}" for n in ids] == trial_dirs
    first_search = [seed_site / "search" / f for f in ("manifest.json", "docs.json")]
    assert sum(len(gzip.compress(p.read_bytes())) for p in first_search) < 10_000


def test_missing_lunr_says_what_to_run(tmp_path):
    with pytest.raises(BuildError) as err:
        lunr_js(tmp_path / "node_modules" / "lunr" / "lunr.min.js")
    assert "npm ci" in str(err.value) and "make site" in str(err.value)
    assert err.value.phase == "search"


def test_an_empty_site_still_gets_loadable_files():
    files = data_files(())
    assert sorted(files) == ["docs.json", "manifest.json"]
    assert json.loads(files["manifest.json"])["shards"] == {"title": [], "names": [], "summary": []}
    assert json.loads(files["docs.json"])["trials"]["id"] == []


def test_records_prepared_ahead_give_the_same_files_without_reading_the_entries_again(monkeypatch):
    """A build makes the search records before its render workers fork (SearchMemo.prepare); the
    child that writes the files then takes them as they are. For other entries, it makes them."""
    from ssg.search import SearchMemo

    many = tuple(entry(f"NCT{i:08d}", f"Trial {i}", conditions=("Asthma",) if i % 2 else ()) for i in range(1, 40))
    fewer = many[:-1]
    expected, expected_fewer = data_files(many), data_files(fewer)
    memo = SearchMemo()
    memo.prepare(many)
    assert data_files(fewer, memo=memo) == expected_fewer  # not the entries prepared for: made again
    memo = SearchMemo()
    memo.prepare(many)
    monkeypatch.setattr(SearchMemo, "trial", lambda self, e, facts=None: pytest.fail("an entry read again"))
    assert data_files(many, memo=memo) == expected
    with pytest.raises(pytest.fail.Exception):
        data_files(fewer, memo=memo)
