"""Merging records of one NCT ID: the written precedence table, unions, flags, determinism."""

from __future__ import annotations

import itertools
import json

import pytest

from conftest import SEEDS, seed
from ssg.merge import FIELD_RULES, LAYOUT_RANK, merge_trials
from ssg.model import (
    Eligibility, Location, Reference, RelatedTrial, SourceRef, Sponsor, Status, Trial,
)
from ssg.sources import parse_file, parse_text

CLINCONNECT_NCT = "NCT07110090"  # seed 001


def synthetic_json(nct_id: str = CLINCONNECT_NCT, **status_extra) -> str:
    """An API v2 record for the same trial as a seed, as ClinicalTrials.gov might publish it."""
    study = {
        "protocolSection": {
            "identificationModule": {
                "nctId": nct_id,
                "orgStudyIdInfo": {"id": "XJ-MK-002-I"},
                "briefTitle": "Megakaryocyte Injection (XJ-MK-002) for Chemotherapy-Induced Thrombocytopenia",
                "officialTitle": "A Phase I Dose-Escalation Study of XJ-MK-002",
            },
            "statusModule": {
                "overallStatus": "RECRUITING",
                "startDateStruct": {"date": "2025-09-01"},
                "completionDateStruct": {"date": "2027-06"},
                "lastUpdatePostDateStruct": {"date": "2025-10-02"},
                **status_extra,
            },
            "sponsorCollaboratorsModule": {
                "leadSponsor": {"name": "Cancer Institute and Hospital, Chinese Academy of Medical Sciences",
                                "class": "OTHER"},
                "collaborators": [{"name": "Xinjia Biotech", "class": "INDUSTRY"}],
            },
            "descriptionModule": {"briefSummary": "A first-in-human study of XJ-MK-002."},
            "conditionsModule": {"conditions": ["Thrombocytopenia"]},
            "designModule": {
                "studyType": "INTERVENTIONAL", "phases": ["PHASE1"],
                "designInfo": {"allocation": "NON_RANDOMIZED", "maskingInfo": {"masking": "NONE"}},
                "enrollmentInfo": {"count": 18},
            },
            "eligibilityModule": {
                "eligibilityCriteria": (
                    "Inclusion Criteria:\n\n"
                    "* Subjects aged 18 to 75 years (inclusive) at the time of signing the informed consent, "
                    "regardless of gender.\n"
                    "* Able to give written consent.\n\n"
                    "Exclusion Criteria:\n\n"
                    "* History of platelet transfusion refractoriness."
                ),
                "sex": "ALL", "minimumAge": "18 Years", "maximumAge": "75 Years",
            },
            "contactsLocationsModule": {
                "overallOfficials": [{"name": "Shuhang Wang", "role": "STUDY_DIRECTOR"}],
                "locations": [{"facility": "Cancer Hospital, Chinese Academy of Medical Sciences",
                               "city": "Beijing", "state": "Beijing", "country": "China", "status": "RECRUITING"}],
            },
        },
        "hasResults": False,
    }
    return json.dumps(study)


@pytest.fixture(scope="module")
def seeds() -> list[Trial]:
    return [parse_file(p) for p in SEEDS]


@pytest.fixture(scope="module")
def pair() -> tuple[Trial, Trial]:
    """(the synthetic JSON record, the ClinConnect seed) for one trial."""
    return parse_text(synthetic_json(), "extra/NCT07110090.json"), parse_file(seed("001"))


def test_precedence_table_covers_every_field_and_layout():
    assert set(FIELD_RULES) == set(Trial.model_fields)
    layouts = set(SourceRef.model_fields["layout"].annotation.__args__)
    assert set(LAYOUT_RANK) == layouts
    assert sorted(LAYOUT_RANK, key=LAYOUT_RANK.get) == ["ctgov_json", "ctgov_xml", "labelled", "compact", "clinconnect"]


def test_seeds_alone_come_back_unchanged_and_sorted(seeds):
    merged = merge_trials(seeds)
    assert [t.nct_id for t in merged] == sorted(t.nct_id for t in seeds)
    assert {t.nct_id: t for t in merged} == {t.nct_id: t for t in seeds}


def test_json_and_clinconnect_become_one_trial(pair, seeds):
    json_trial, page = pair
    merged = merge_trials([*seeds, json_trial])
    assert len(merged) == len(seeds)
    t = next(m for m in merged if m.nct_id == CLINCONNECT_NCT)
    # structured fields from the JSON record
    assert t.title == json_trial.title
    assert (t.status, t.phases, t.enrollment, t.study_type) == (Status.RECRUITING, ["PHASE1"], 18, "INTERVENTIONAL")
    assert (t.start_date, t.completion_date) == ("2025-09-01", "2027-06")
    assert t.last_updated == "2025-10-02"  # the JSON's, although the page was "current as of" a later day
    assert t.design.allocation == "NON_RANDOMIZED"
    # the ClinConnect lay summary and "About" text survive
    assert t.source_plain_summary == page.source_plain_summary and t.source_plain_summary
    assert t.sponsor_about == page.sponsor_about and t.sponsor_about
    assert t.brief_summary == "A first-in-human study of XJ-MK-002."
    # named conditions beat the page's inferred ones
    assert page.conditions_inferred
    assert (t.conditions, t.conditions_inferred) == (["Thrombocytopenia"], False)
    # ages: the JSON states them, so they are not inferred
    assert page.eligibility.ages_inferred
    e = t.eligibility
    assert (e.min_age_years, e.max_age_years, e.ages_inferred) == (18, 75, False)
    # criteria united without duplicates, the best-ranked source's first
    assert e.inclusion[:2] == json_trial.eligibility.inclusion
    assert len(e.inclusion) == 2 + len(page.eligibility.inclusion) - 1
    assert e.exclusion[0] == "History of platelet transfusion refractoriness."
    assert len(e.exclusion) == len(page.eligibility.exclusion)
    # one lead sponsor (the JSON's spelling), collaborators after
    assert [(s.name, s.role) for s in t.sponsors] == [
        ("Cancer Institute and Hospital, Chinese Academy of Medical Sciences", "lead"),
        ("Xinjia Biotech", "collaborator"),
    ]
    # the page's facility-less Beijing site is the JSON's Beijing site
    assert [(loc.facility, loc.city) for loc in t.locations] == [
        ("Cancer Hospital, Chinese Academy of Medical Sciences", "Beijing")]
    assert [o.name for o in t.officials] == ["Shuhang Wang"]
    assert t.officials[0].affiliation is None  # the best-ranked official entry is kept whole
    # every file, best-ranked first
    assert [(s.path, s.layout) for s in t.sources] == [
        ("extra/NCT07110090.json", "ctgov_json"), (str(seed("001")), "clinconnect")]


def test_result_does_not_depend_on_input_order(pair, seeds):
    json_trial, _ = pair
    inputs = [*seeds[:3], json_trial, seeds[1]]  # seed 001 twice, as if read from two folders
    expected = merge_trials(inputs)
    for order in itertools.islice(itertools.permutations(inputs), 0, None, 7):
        assert merge_trials(list(order)) == expected
    merged = next(t for t in expected if t.nct_id == CLINCONNECT_NCT)
    assert len(merged.sources) == 2  # the same file twice is one source


def test_inferred_flags_only_when_the_winner_was_inferred(pair):
    _, page = pair
    bare = json.loads(synthetic_json())
    del bare["protocolSection"]["conditionsModule"]
    for key in ("minimumAge", "maximumAge"):
        del bare["protocolSection"]["eligibilityModule"][key]
    json_trial = parse_text(json.dumps(bare), "bare.json")
    t = merge_trials([page, json_trial])[0]
    assert t.conditions_inferred is True and t.conditions  # nobody named one
    assert t.eligibility.ages_inferred is True
    assert (t.eligibility.min_age_years, t.eligibility.max_age_years) == (18, 75)


def make(layout: str, path: str, **fields) -> Trial:
    base = {"nct_id": "NCT01234567", "title": f"Title from {layout}"}
    return Trial(**{**base, **fields, "sources": [SourceRef(path=path, layout=layout)]})


def test_ages_come_as_a_pair_from_one_source():
    """An open upper limit in the structured record is not filled in from a page."""
    structured = make("ctgov_json", "a.json", eligibility=Eligibility(min_age_years=18))
    page = make("labelled", "b.txt", eligibility=Eligibility(min_age_years=18, max_age_years=75, sex="ALL"))
    t = merge_trials([page, structured])[0]
    assert (t.eligibility.min_age_years, t.eligibility.max_age_years, t.eligibility.sex) == (18, None, "ALL")


def test_precedence_by_layout_then_newest_then_path():
    compact = make("compact", "c.txt", status=Status.COMPLETED, enrollment=10)
    labelled = make("labelled", "l.txt", status=Status.RECRUITING)
    assert merge_trials([compact, labelled])[0].status == Status.RECRUITING
    assert merge_trials([compact, labelled])[0].enrollment == 10  # only the compact page has it
    assert merge_trials([compact, labelled])[0].title == "Title from labelled"
    old = make("ctgov_json", "z-old.json", title="Old title", last_updated="2020-01-01")
    new = make("ctgov_json", "a-new.json", title="New title", last_updated="2024-05-01")
    assert merge_trials([old, new])[0].title == "New title"
    assert merge_trials([new, old])[0].title == "New title"
    tie_a = make("ctgov_xml", "a.xml", title="A")
    tie_b = make("ctgov_xml", "b.xml", title="B")
    assert merge_trials([tie_b, tie_a])[0].title == "A"


def test_unknown_status_does_not_beat_a_known_one():
    structured = make("ctgov_json", "a.json")  # status defaults to UNKNOWN
    page = make("clinconnect", "p.txt", status=Status.NOT_YET_RECRUITING)
    assert merge_trials([structured, page])[0].status == Status.NOT_YET_RECRUITING


def test_lists_are_united_without_duplicates():
    a = make("ctgov_json", "a.json", keywords=["Lupus", "SLE"], conditions=["Lupus"],
             references=[Reference(citation="Smith J. A trial. 2020.", pmid="123")],
             locations=[Location(facility="Site A", city="Paris", country="France")],
             related=[RelatedTrial(nct_id="NCT07654321")],
             sponsors=[Sponsor(name="Acme", role="lead")])
    b = make("compact", "b.txt", keywords=["sle", "Nephritis"], conditions=["lupus", "Lupus Nephritis"],
             references=[Reference(citation="Smith J.  A trial. 2020", pmid=None),
                         Reference(citation="Other citation text", pmid="123"),
                         Reference(citation="Jones K. Another. 2021.", pmid="456")],
             locations=[Location(facility="site a", city="PARIS", country="France"),
                        Location(facility="Site B", city="Lyon", country="France")],
             related=[RelatedTrial(nct_id="NCT07654321"), RelatedTrial(nct_id="NCT01234567"),
                      RelatedTrial(nct_id="NCT00000001")],
             sponsors=[Sponsor(name="ACME", role="lead"), Sponsor(name="Beta", role="collaborator")])
    t = merge_trials([b, a])[0]
    assert t.keywords == ["Lupus", "SLE", "Nephritis"]
    assert t.conditions == ["Lupus", "Lupus Nephritis"]
    assert [r.pmid for r in t.references] == ["123", "456"]
    assert [loc.facility for loc in t.locations] == ["Site A", "Site B"]
    assert [r.nct_id for r in t.related] == ["NCT07654321", "NCT00000001"]  # never the trial itself
    assert [(s.name, s.role) for s in t.sponsors] == [("Acme", "lead"), ("Beta", "collaborator")]


def test_a_site_without_facility_is_dropped_only_when_a_better_source_names_one_there():
    paris = Location(facility="Site A", city="Paris", country="France")
    bare_paris = Location(city="Paris", country="France")
    a = make("ctgov_json", "a.json", locations=[paris, bare_paris])
    b = make("clinconnect", "b.txt", locations=[bare_paris, Location(city="Nice", country="France")])
    assert [(loc.facility, loc.city) for loc in merge_trials([b, a])[0].locations] == [
        ("Site A", "Paris"), (None, "Paris"), (None, "Nice")]
    only_page = make("clinconnect", "c.txt", locations=[bare_paris])
    named_page = make("labelled", "d.txt", locations=[paris])
    assert merge_trials([only_page, named_page])[0].locations == [paris]


def test_has_results_if_any_source_says_so():
    assert merge_trials([make("ctgov_json", "a.json"), make("labelled", "b.txt", has_results=True)])[0].has_results


def test_criteria_duplicates_ignore_markdown_escapes_and_spacing():
    a = make("ctgov_json", "a.json", eligibility=Eligibility(inclusion=["ALT \\>2.5× ULN", "Age ≥ 18"]))
    b = make("compact", "b.txt", eligibility=Eligibility(inclusion=["ALT >2.5×  ULN.", "Signed consent"]))
    assert merge_trials([a, b])[0].eligibility.inclusion == ["ALT \\>2.5× ULN", "Age ≥ 18", "Signed consent"]


@pytest.mark.corpus
def test_real_corpus_merges_to_itself_and_a_second_copy_changes_only_sources(corpus_v2, corpus_xml, tmp_path):
    trials = [parse_file(p) for p in corpus_v2 + corpus_xml]
    merged = merge_trials(trials)
    assert [t.nct_id for t in merged] == sorted(t.nct_id for t in trials)
    assert merged == sorted(trials, key=lambda t: t.nct_id)  # 300 distinct trials: nothing to merge
    copy = tmp_path / "copy.json"
    copy.write_bytes(corpus_v2[0].read_bytes())
    again = merge_trials([*trials, parse_file(copy)])
    one = next(t for t in again if t.nct_id == trials[0].nct_id)
    assert [s.path for s in one.sources] == sorted([str(corpus_v2[0]), str(copy)])
    assert one.model_dump(exclude={"sources"}) == trials[0].model_dump(exclude={"sources"})
