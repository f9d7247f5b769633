"""ClinicalTrials.gov API v2 JSON and legacy XML: real records parse, and agree with the source.

Facts are read back from each source file here, independently of the parsers
(plain ``json`` / ``ElementTree`` and small tables written for the test), and
compared with the parsed Trial. Unit tests on tests/data/ctgov run without ../shared.
"""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import TEST_DATA
from ssg.errors import ParseError
from ssg.model import Status, Trial
from ssg.sources import ctgov_json, ctgov_xml, parse_file, parse_text

DATA = TEST_DATA / "ctgov"
LOCAL_V2 = sorted((DATA / "v2").glob("*.json"))
LOCAL_XML = sorted((DATA / "xml").glob("*.xml"))

UNITS = {"year": 1, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25}


def years(text: str | None) -> float | None:
    """'18 Years' / '8 Months' / '5 Days' -> years; 'N/A' or nothing -> None (written apart from normalize)."""
    if not text or text.strip() == "N/A":
        return None
    number, unit = text.split()
    return float(number) * UNITS[unit.lower().rstrip("s")]


# ---------------------------------------------------------------- independent readers

def v2_facts(path: Path) -> dict:
    study = json.loads(path.read_text("utf-8"))
    ps = study["protocolSection"]
    design = ps.get("designModule", {})
    arms = ps.get("armsInterventionsModule", {})
    elig = ps.get("eligibilityModule", {})
    contacts = ps.get("contactsLocationsModule", {})
    return {
        "nct_id": ps["identificationModule"]["nctId"],
        "title": ps["identificationModule"]["briefTitle"].strip(),
        "status": ps["statusModule"]["overallStatus"],
        "phases": design.get("phases", []),
        "enrollment": design.get("enrollmentInfo", {}).get("count"),
        "locations": len(contacts.get("locations", [])),
        "arms": len(arms.get("armGroups", [])),
        "interventions": len(arms.get("interventions", [])),
        "min_age": years(elig.get("minimumAge")),
        "max_age": years(elig.get("maximumAge")),
        "conditions": ps.get("conditionsModule", {}).get("conditions", []),
        "sponsors": 1 + len(ps.get("sponsorCollaboratorsModule", {}).get("collaborators", [])),
        "references": len(ps.get("referencesModule", {}).get("references", [])),
        "has_results": study.get("hasResults", False),
        "start": ps["statusModule"].get("startDateStruct", {}).get("date"),
    }


XML_STATUS = {
    "Recruiting": "RECRUITING", "Not yet recruiting": "NOT_YET_RECRUITING", "Completed": "COMPLETED",
    "Active, not recruiting": "ACTIVE_NOT_RECRUITING", "Enrolling by invitation": "ENROLLING_BY_INVITATION",
    "Terminated": "TERMINATED", "Withdrawn": "WITHDRAWN", "Suspended": "SUSPENDED",
    "Unknown status": "UNKNOWN", "Available": "UNKNOWN", "Withheld": "UNKNOWN",
    "No longer available": "UNKNOWN", "Temporarily not available": "UNKNOWN", "Approved for marketing": "UNKNOWN",
}
XML_PHASE = {"Phase 1": "PHASE1", "Phase 2": "PHASE2", "Phase 3": "PHASE3", "Phase 4": "PHASE4",
             "Early Phase 1": "EARLY_PHASE1", "N/A": "NA"}


def xml_facts(path: Path) -> dict:
    root = ET.parse(path).getroot()

    def text(tag: str) -> str | None:
        el = root.find(tag)
        return " ".join(el.text.split()) if el is not None and el.text and el.text.strip() else None

    phase = text("phase")
    enrollment = text("enrollment")
    return {
        "nct_id": text("id_info/nct_id"),
        "title": text("brief_title"),
        "status": XML_STATUS[text("overall_status")],
        "phases": ["NA"] if phase == "N/A" else [XML_PHASE[p] for p in phase.split("/")] if phase else [],
        "enrollment": int(enrollment) if enrollment else None,
        "locations": len(root.findall("location")),
        "arms": len(root.findall("arm_group")),
        "interventions": len(root.findall("intervention")),
        "min_age": years(text("eligibility/minimum_age")),
        "max_age": years(text("eligibility/maximum_age")),
        "conditions": [" ".join(c.text.split()) for c in root.findall("condition")],
        "sponsors": len(root.findall("sponsors/lead_sponsor")) + len(root.findall("sponsors/collaborator")),
        "references": len(root.findall("reference")) + len(root.findall("results_reference")),
        "has_results": root.find("clinical_results") is not None,
    }


def assert_agrees(trial: Trial, facts: dict, layout: str) -> None:
    assert trial.nct_id == facts["nct_id"]
    assert trial.title == facts["title"]
    assert trial.status.value == facts["status"]
    assert trial.phases == facts["phases"]
    assert trial.enrollment == facts["enrollment"]
    assert len(trial.locations) == facts["locations"]
    assert len(trial.arms) == facts["arms"]
    assert len(trial.interventions) == facts["interventions"]
    assert len(trial.sponsors) == facts["sponsors"]
    assert trial.sponsors[0].role == "lead"
    assert all(s.role == "collaborator" for s in trial.sponsors[1:])
    assert len(trial.references) == facts["references"]
    assert trial.has_results == facts["has_results"]
    if facts["conditions"]:
        assert trial.conditions == list(dict.fromkeys(facts["conditions"]))
        assert not trial.conditions_inferred
    for ours, theirs in ((trial.eligibility.min_age_years, facts["min_age"]),
                         (trial.eligibility.max_age_years, facts["max_age"])):
        if theirs is not None:
            assert ours == pytest.approx(theirs, abs=0.01)
            assert not trial.eligibility.ages_inferred
    assert [(s.path, s.layout) for s in trial.sources] == [(trial.sources[0].path, layout)]


# ---------------------------------------------------------------- the real corpus

@pytest.mark.corpus
def test_every_v2_record_parses_and_agrees_with_its_json(corpus_v2):
    assert len(corpus_v2) == 200
    failures = []
    for path in corpus_v2:
        try:
            trial = parse_file(path)
        except ParseError as e:
            failures.append(str(e))
            continue
        assert_agrees(trial, v2_facts(path), "ctgov_json")
        assert trial.nct_id == path.stem  # the corpus names files by NCT ID
    assert failures == []


@pytest.mark.corpus
def test_every_xml_record_parses_and_agrees_with_its_xml(corpus_xml):
    assert len(corpus_xml) == 100
    failures = []
    for path in corpus_xml:
        try:
            trial = parse_file(path)
        except ParseError as e:
            failures.append(str(e))
            continue
        assert_agrees(trial, xml_facts(path), "ctgov_xml")
        assert trial.nct_id == path.stem
    assert failures == []


@pytest.mark.corpus
def test_corpus_sample_criteria_and_dates_agree(corpus_v2):
    """A sample in more depth: dates, criteria items against the raw text, contacts and officials."""
    for path in corpus_v2[::17]:
        trial = parse_file(path)
        study = json.loads(path.read_text("utf-8"))
        ps = study["protocolSection"]
        assert trial.start_date == ps["statusModule"]["startDateStruct"]["date"]
        assert trial.last_updated == ps["statusModule"]["lastUpdatePostDateStruct"]["date"]
        criteria = ps["eligibilityModule"]["eligibilityCriteria"]
        flat = re.sub(r"\s+", " ", criteria.replace("\\", ""))
        for item in trial.eligibility.inclusion + trial.eligibility.exclusion:
            # every item's opening words are in the source text (markers and escapes removed)
            assert re.sub(r"\s+", " ", item)[:25] in flat, (path.name, item)
        cl = ps.get("contactsLocationsModule", {})
        site_contacts = sum(len(loc.get("contacts", [])) for loc in cl.get("locations", []))
        n_contacts = len(cl.get("centralContacts", [])) + site_contacts
        assert len(trial.contacts) == n_contacts
        assert len(trial.officials) == len(cl.get("overallOfficials", []))


@pytest.mark.corpus
def test_the_v2_record_with_most_sites(corpus_v2):
    counts = {p: len(json.loads(p.read_text("utf-8"))["protocolSection"].get("contactsLocationsModule", {})
                     .get("locations", [])) for p in corpus_v2}
    biggest = max(counts, key=counts.get)
    trial = parse_file(biggest)
    assert len(trial.locations) == counts[biggest] >= 300
    assert len({(loc.facility, loc.city) for loc in trial.locations}) > 250


# ---------------------------------------------------------------- committed records (no ../shared needed)

@pytest.mark.parametrize("path", LOCAL_V2, ids=lambda p: p.name)
def test_local_v2_records_agree(path):
    assert_agrees(parse_file(path), v2_facts(path), "ctgov_json")


@pytest.mark.parametrize("path", LOCAL_XML, ids=lambda p: p.name)
def test_local_xml_records_agree(path):
    assert_agrees(parse_file(path), xml_facts(path), "ctgov_xml")


def test_local_data_has_the_variety_it_claims():
    trials = [parse_file(p) for p in LOCAL_V2 + LOCAL_XML]
    assert len(LOCAL_V2) == 20 and len(LOCAL_XML) == 11
    statuses = {t.status for t in trials}
    assert {Status.WITHDRAWN, Status.TERMINATED, Status.SUSPENDED, Status.UNKNOWN, Status.COMPLETED,
            Status.RECRUITING, Status.NOT_YET_RECRUITING, Status.ENROLLING_BY_INVITATION} <= statuses
    assert any(t.has_results for t in trials)
    assert any(t.study_type == "OBSERVATIONAL" and not t.phases for t in trials)
    assert max(len(t.locations) for t in trials) == 315


def load(name: str) -> Trial:
    kind = "v2" if name.endswith(".json") else "xml"
    return parse_file(DATA / kind / name)


def test_v2_sport_trial_every_part():
    t = load("NCT00000410.json")
    assert t.title == "Spine Patient Outcomes Research Trial (SPORT) - Intervertebral Disc Herniation"
    assert t.official_title.startswith("Spine Patient Outcomes Research Trial (SPORT): A Multicenter Randomized")
    assert t.acronym == "SPORT"
    assert (t.status, t.phases, t.study_type, t.enrollment) == (Status.COMPLETED, ["PHASE4"], "INTERVENTIONAL", 501)
    assert (t.start_date, t.completion_date, t.last_updated) == ("2000-03", "2015-04", "2015-08-04")
    assert t.conditions == ["Herniated Disc", "Low Back Pain"] and not t.conditions_inferred
    assert t.keywords[0] == "Intervertebral disc herniation (IDH)" and len(t.keywords) == 10
    assert t.design.model_dump() == {"allocation": "RANDOMIZED", "intervention_model": "PARALLEL",
                                     "primary_purpose": "TREATMENT", "masking": "NONE", "masked_roles": []}
    assert [(a.label, a.type, a.interventions) for a in t.arms] == [
        ("Surgery", "ACTIVE_COMPARATOR", ["Diskectomy", "Non-surgical treatments"]),
        ("Non-surgical intervention", "ACTIVE_COMPARATOR", ["Non-surgical treatments"]),
    ]
    assert [(i.name, i.type) for i in t.interventions] == [("Diskectomy", "PROCEDURE"),
                                                            ("Non-surgical treatments", "PROCEDURE")]
    e = t.eligibility
    assert e.inclusion[0] == "Duration of symptoms: 6 or more weeks."
    assert len(e.inclusion) == 4 and len(e.exclusion) == 10
    assert e.exclusion[-1] == 'Patient currently enrolled in any experimental "spine related" study.'
    assert (e.min_age_years, e.max_age_years, e.sex) == (18, None, "ALL")
    assert (e.healthy_volunteers, e.ages_inferred) == (False, False)
    assert [(s.name, s.agency_class, s.role) for s in t.sponsors][:2] == [
        ("Dartmouth-Hitchcock Medical Center", "OTHER", "lead"),
        ("National Institute of Arthritis and Musculoskeletal and Skin Diseases (NIAMS)", "NIH", "collaborator"),
    ]
    assert len(t.sponsors) == 4
    assert dataclasses.asdict(t.locations[0]) == {"facility": "Kaiser Permanente Spine Care Program", "city": "Oakland",
                                           "state": "California", "country": "United States", "status": None}
    assert len(t.locations) == 13
    assert [(o.name, o.role) for o in t.officials] == [("James N. Weinstein, DO, MS", "PRINCIPAL_INVESTIGATOR")]
    assert (t.references[0].pmid, t.references[0].type) == ("12065987", "BACKGROUND")
    assert t.references[0].citation.startswith("Birkmeyer NJ, Weinstein JN")
    assert [(o.id, o.type, o.source) for o in t.other_ids] == [
        ("U01 AR45444 NIAMS-004C", None, "org_study_id"), ("U01AR045444", "NIH", "secondary_id")]
    assert t.has_results is False and t.contacts == [] and t.related == []


def test_v2_masking_contacts_and_emails():
    t = load("NCT05962437.json")
    assert t.design.masking == "TRIPLE"
    assert t.design.masked_roles == ["CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"]
    assert (t.eligibility.min_age_years, t.eligibility.max_age_years) == (18, 70)
    central = [c for c in t.contacts if c.facility is None]
    at_sites = [c for c in t.contacts if c.facility is not None]
    assert central and at_sites
    assert all(c.role for c in t.contacts)
    assert sum(1 for c in t.contacts if c.email) == 5
    facilities = {loc.facility for loc in t.locations}
    assert {c.facility for c in at_sites} <= facilities


def test_v2_months_ages_zero_ages_and_missing_ages():
    assert load("NCT05814159.json").eligibility.min_age_years == pytest.approx(8 / 12, abs=0.01)
    zero = load("NCT05915026.json").eligibility
    assert (zero.min_age_years, zero.max_age_years) == (0, 17)
    none = load("NCT03609918.json").eligibility
    assert (none.min_age_years, none.max_age_years, none.ages_inferred) == (None, None, False)


def test_v2_results_phases_statuses_aliases():
    assert load("NCT00353704.json").has_results is True
    assert load("NCT06097962.json").phases == ["EARLY_PHASE1"]
    assert load("NCT02385136.json").phases == ["PHASE1", "PHASE2"]
    assert load("NCT05144685.json").phases == ["PHASE2", "PHASE3"]
    assert load("NCT06644495.json").phases == []
    assert load("NCT00576225.json").status == Status.WITHDRAWN
    assert load("NCT00576225.json").enrollment == 0
    assert load("NCT06610240.json").status == Status.ENROLLING_BY_INVITATION
    aliases = [o.id for o in load("NCT03103880.json").other_ids if o.source == "nct_alias"]
    assert aliases == ["NCT05712863"]


def test_v2_long_criteria_items_are_separate_and_unmarked():
    e = load("NCT05798663.json").eligibility
    assert len(e.inclusion) == 20 and len(e.exclusion) == 38
    for item in e.inclusion + e.exclusion:
        assert item == item.strip() and not re.match(r"^([*\-•]|\d+\.)\s", item)


def test_v2_extra_locations_nested_key_is_ignored():
    """NCT02663973 carries a non-standard copy of its locations under 'locations_nested'."""
    assert len(load("NCT02663973.json").locations) == 24


def test_v2_markdown_source_is_kept():
    t = load("NCT05798663.json")
    raw = json.loads((DATA / "v2" / "NCT05798663.json").read_text("utf-8"))
    assert t.brief_summary == raw["protocolSection"]["descriptionModule"]["briefSummary"].strip()


def test_xml_legacy_words_become_v2_enums():
    t = load("NCT02591810.xml")
    assert t.status == Status.WITHDRAWN and t.phases == ["NA"] and t.study_type == "INTERVENTIONAL"
    assert (t.design.allocation, t.design.intervention_model, t.design.masking, t.design.masked_roles) == (
        "RANDOMIZED", "PARALLEL", "SINGLE", ["PARTICIPANT"])
    q = load("NCT05480072.xml")
    assert q.phases == ["EARLY_PHASE1"]
    assert q.design.masked_roles == ["PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"]
    assert (q.eligibility.min_age_years, q.eligibility.max_age_years) == (18, 65)
    assert load("NCT03424005.xml").phases == ["PHASE1", "PHASE2"]
    assert load("NCT03245528.xml").study_type == "EXPANDED_ACCESS"


def test_xml_old_record_both_gender_old_design_and_nested_criteria():
    t = load("NCT00002475.xml")
    assert t.eligibility.sex == "ALL"  # "Both"
    assert t.design.primary_purpose == "TREATMENT"  # from the pre-2017 "<study_design>" string
    assert t.start_date == "1991-04"  # "April 1991"
    first = next(i for i in t.eligibility.inclusion if i.startswith("Histologically confirmed cancer not amenable"))
    assert "Colon cancer" in first and "Pancreatic cancer" in first  # nested list joined to its item
    assert "\n" not in first and "  " not in first


def test_xml_months_and_na_ages():
    e = load("NCT02708238.xml").eligibility
    assert e.min_age_years is None  # "N/A"
    assert e.max_age_years == pytest.approx(4 / 12, abs=0.01)  # "4 Months"
    assert load("NCT02708238.xml").has_results is True


def test_xml_textblocks_are_dedented_and_reflowed():
    t = load("NCT00001177.xml")
    assert t.brief_summary.startswith("The purpose of this study is to identify and describe the symptoms of "
                                      "premenstrual syndrome (PMS).\n\nWomen who experience")
    assert "\n " not in t.brief_summary
    assert t.eligibility.inclusion[2].startswith("a 30% increase in mean negative mood ratings (relative to the "
                                                 "range of the scale employed) in the premenstrual week")
    assert (t.eligibility.sex, t.eligibility.healthy_volunteers) == ("FEMALE", True)
    central = [c for c in t.contacts if c.facility is None]
    assert [(c.name, c.phone, c.email) for c in central] == [
        ("Peter J Schmidt, M.D.", "(301) 496-6120", "peterschmidt@mail.nih.gov")]
    assert t.last_updated == "2019-04-19" and t.start_date == "1981-08-24"


def test_xml_sponsor_classes_ids_aliases_and_investigators():
    t = load("NCT00081588.xml")
    assert [(o.id, o.source) for o in t.other_ids] == [
        ("CR006724", "org_study_id"), ("TMC114-C215", "secondary_id"), ("NCT00980226", "nct_alias")]
    r = load("NCT03424005.xml")
    assert [(s.name, s.agency_class, s.role) for s in r.sponsors] == [
        ("Hoffmann-La Roche", "INDUSTRY", "lead"), ("Seattle Genetics, Inc.", "INDUSTRY", "collaborator")]
    c = load("NCT02481830.xml")
    assert len(c.locations) == 149
    assert all(loc.country for loc in c.locations)


def test_xml_withheld_record_with_almost_nothing():
    t = load("NCT03182660.xml")
    assert t.status == Status.UNKNOWN  # "Withheld"
    assert t.eligibility.inclusion == [] and t.arms == [] and t.phases == []


# ---------------------------------------------------------------- detection and small inputs

MINIMAL = {"protocolSection": {"identificationModule": {"nctId": "NCT01234567", "briefTitle": "A small study"}}}


def test_detect_by_content_not_name():
    text = json.dumps(MINIMAL)
    assert ctgov_json.detect(text) and not ctgov_xml.detect(text)
    xml = "<?xml version='1.0'?><clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info>" \
          "<brief_title>X</brief_title></clinical_study>"
    assert ctgov_xml.detect(xml) and not ctgov_json.detect(xml)
    assert parse_text(xml, "record.txt").sources[0].layout == "ctgov_xml"
    assert parse_text(text, "record.xml").sources[0].layout == "ctgov_json"


def test_minimal_record_and_a_list_of_one():
    t = parse_text(json.dumps(MINIMAL), "m.json")
    assert (t.nct_id, t.title, t.status) == ("NCT01234567", "A small study", Status.UNKNOWN)
    assert (t.phases, t.locations, t.sources[0].layout) == ([], [], "ctgov_json")
    assert parse_text(json.dumps([MINIMAL]), "l.json").nct_id == "NCT01234567"
    with pytest.raises(ParseError, match="one study per file, found a list of 2"):
        parse_text(json.dumps([MINIMAL, MINIMAL]), "two.json")


def test_wrong_type_in_a_list_item_names_the_item_and_its_list_place():
    study = json.loads(json.dumps([MINIMAL]))
    study[0]["protocolSection"]["designModule"] = {"phases": ["PHASE1", 2]}
    with pytest.raises(ParseError) as e:
        parse_text(json.dumps(study), "x.json")
    assert e.value.where == "$[0].protocolSection.designModule.phases[1]"


def test_arm_intervention_names_lose_only_known_type_labels():
    study = json.loads(json.dumps(MINIMAL))
    study["protocolSection"]["armsInterventionsModule"] = {"armGroups": [{"label": "A", "interventionNames": [
        "Drug: Aspirin", "Dietary Supplement: Vitamin D", "Ratio: 2:1 mix", "Other: Placebo"]}]}
    arm = parse_text(json.dumps(study), "a.json").arms[0]
    assert arm.interventions == ["Aspirin", "Vitamin D", "Ratio: 2:1 mix", "Placebo"]
