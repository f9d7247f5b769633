"""The five seed pages, parsed: facts checked by eye against each file."""

from __future__ import annotations


import pytest

from conftest import seed
from ssg.errors import ParseError
from ssg.model import Status
from ssg.sources import clinconnect, compact, labelled

TEXT_PARSERS = (labelled, compact, clinconnect)
LAYOUT_OF_SEED = {"000": labelled, "001": clinconnect, "002": compact, "003": labelled, "004": compact}


def seed_text(prefix: str) -> tuple[str, str]:
    path = seed(prefix)
    return path.read_text(encoding="utf-8"), str(path)


def parsed(prefix: str):
    text, path = seed_text(prefix)
    return LAYOUT_OF_SEED[prefix].parse(text, path)


@pytest.mark.parametrize("prefix", sorted(LAYOUT_OF_SEED))
def test_detect_picks_exactly_the_right_layout(prefix):
    text, _ = seed_text(prefix)
    assert [p.LAYOUT for p in TEXT_PARSERS if p.detect(text)] == [LAYOUT_OF_SEED[prefix].LAYOUT]


@pytest.mark.parametrize("prefix", sorted(LAYOUT_OF_SEED))
def test_source_ref_names_file_and_layout(prefix):
    text, path = seed_text(prefix)
    trial = parsed(prefix)
    assert [(s.path, s.layout) for s in trial.sources] == [(path, LAYOUT_OF_SEED[prefix].LAYOUT)]


def test_seed_000_labelled():
    t = parsed("000")
    assert t.nct_id == "NCT06991478"
    assert t.title == "SK-NK Injection in Patients With Advanced Solid Tumors Accompanied by Malignant Ascites"
    assert t.status is Status.NOT_YET_RECRUITING
    assert t.phases == ["PHASE1", "PHASE2"]
    assert t.enrollment == 10
    assert t.study_type == "INTERVENTIONAL"
    assert (t.start_date, t.completion_date, t.last_updated) == ("2025-05-30", "2026-07-30", "2025-05-28")
    assert t.brief_summary.startswith("This study is divided into two phases.")
    assert t.detailed_description is None  # header and blurb only
    assert t.conditions == ["Solid Tumor", "Malignant Ascites"] and not t.conditions_inferred
    d = t.design
    assert (d.allocation, d.intervention_model, d.primary_purpose, d.masking) == (
        "NON_RANDOMIZED", "SINGLE_GROUP", "TREATMENT", "NONE")
    assert d.masked_roles == []
    assert [(a.label, a.type, a.interventions) for a in t.arms] == [
        ("Phase 1:Dose escalation stage", "EXPERIMENTAL", ["SK-NK injection"]),
        ("Phase 2:Expansion stage", "EXPERIMENTAL", ["SK-NK injection"]),
    ]
    assert t.arms[0].description.startswith('"3+3" design.')
    assert [(i.name, i.type) for i in t.interventions] == [("SK-NK injection", "DRUG")] * 2
    assert t.interventions[1].description.startswith("Based on the dose selected")
    e = t.eligibility
    assert (len(e.inclusion), len(e.exclusion)) == (9, 17)
    assert e.inclusion[0] == "Aged 18 to 75 years."
    assert e.inclusion[4] == "ECOG PS ≤1."
    assert e.exclusion[-1].startswith("Subjects who, in the judgment of the investigator")
    assert e.exclusion[-1].endswith("etc.)")  # the "Minimum Eligible Age" label is not part of it
    assert (e.min_age_years, e.max_age_years, e.sex, e.healthy_volunteers, e.ages_inferred) == (18, 75, "ALL", False, False)
    assert [(s.name, s.agency_class, s.role) for s in t.sponsors] == [
        ("Tianjin Medical University Cancer Institute and Hospital", "OTHER", "lead")]
    assert t.locations == []
    assert [(c.name, c.role, c.phone, c.facility) for c in t.contacts] == [("TING DENG", "CONTACT", "15802243063", None)]
    assert [(o.id, o.type, o.source) for o in t.other_ids] == [("SK-NK-001", None, "org_study_id")]
    assert [(r.nct_id, r.status, r.phases) for r in t.related] == [
        ("NCT06826040", Status.RECRUITING, ["PHASE1"]),
        ("NCT07256756", Status.NOT_YET_RECRUITING, ["PHASE1"]),
        ("NCT06770881", Status.NOT_YET_RECRUITING, ["PHASE1", "PHASE2"]),
    ]
    assert t.related[0].title == "SKB445 for Injection in Solid Tumors"
    assert t.references == [] and not t.has_results


def test_seed_003_labelled():
    t = parsed("003")
    assert t.nct_id == "NCT07177911"
    assert t.title == "Safety and Efficacy Study of CC312 for Moderate to Severe SLE"
    assert t.status is Status.RECRUITING and t.phases == ["PHASE1"] and t.enrollment == 32
    assert (t.start_date, t.completion_date, t.last_updated) == ("2025-09-11", "2027-09-10", "2025-09-17")
    assert t.conditions == ["SLE - Systemic Lupus Erythematosus"] and not t.conditions_inferred
    assert t.design.masking == "QUADRUPLE"
    assert t.design.masked_roles == ["PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"]
    assert [(a.label, a.type, a.interventions, a.description) for a in t.arms] == [
        ("CC312", "EXPERIMENTAL", ["CC312"], None),
        ("Placebo", "PLACEBO_COMPARATOR", ["Placebo"], None),
    ]
    assert [(i.name, i.type) for i in t.interventions] == [("CC312", "DRUG"), ("Placebo", "DRUG")]
    e = t.eligibility
    assert (len(e.inclusion), len(e.exclusion)) == (8, 22)
    # the continuation paragraph is joined to its item, and "\>" is shown as ">"
    assert e.exclusion[5] == (
        "Abnormal laboratory findings at screening: Liver function: AST/ALT or total bilirubin >2× upper limit "
        "of normal (ULN); Hematology: hemoglobin <85 g/L, WBC <2.5×10⁹/L, neutrophil count <1.0×10⁹/L, "
        "platelet count <50×10⁹/L; Renal function: eGFR <30 mL/min/1.73 m²;"
    )
    assert e.exclusion[6].startswith("Participation in any other clinical trial")
    assert e.exclusion[4] == "IgA deficiency (serum IgA level <10 mg/dL)."
    assert (e.min_age_years, e.max_age_years, e.sex, e.healthy_volunteers) == (18, 65, "ALL", False)
    assert [(s.name, s.agency_class, s.role) for s in t.sponsors] == [("CytoCares Inc", "INDUSTRY", "lead")]
    assert [(loc.facility, loc.city, loc.state, loc.country, loc.status) for loc in t.locations] == [
        ("West China Hospital, Sichuan University", "Chengdu", "Sichuan", "China", "RECRUITING")]
    assert [(c.name, c.role, c.phone, c.facility) for c in t.contacts] == [
        ("CEO", "CONTACT", "+86-021-50582090", None),
        ("Qibing Xie", "primary", "+86-18980601299", "West China Hospital, Sichuan University"),
    ]
    assert [(r.pmid, r.type) for r in t.references] == [
        ("32611669", "BACKGROUND"), ("30527426", "BACKGROUND"), ("22129255", "BACKGROUND")]
    assert t.references[2].citation.startswith("Tsokos GC. Systemic lupus erythematosus.")
    assert [o.id for o in t.other_ids] == ["CC312-S-001"]
    assert [(r.nct_id, r.title, r.status, r.phases) for r in t.related] == [
        ("NCT07010835", "Study of YK012 in Moderate to Severe Systemic Lupus Erythematosus",
         Status.NOT_YET_RECRUITING, ["PHASE1", "PHASE2"])]


def test_seed_002_compact():
    t = parsed("002")
    assert t.nct_id == "NCT06839066"
    assert t.title.startswith("A Phase II Study to Evaluate HLX43 in Subjects With Recurrent/Metastatic")
    assert t.status is Status.RECRUITING and t.phases == ["PHASE2"] and t.enrollment == 70
    assert t.study_type == "INTERVENTIONAL"
    assert (t.start_date, t.completion_date, t.last_updated) == ("2025-04-02", "2027-11-22", "2025-11-24")
    assert t.brief_summary is None  # the section is empty; "Related Clinical Trials" follows it
    assert t.detailed_description.startswith("In this study, eligible subjects will be randomized at 1:1:1")
    assert t.conditions == ["Nasopharyngeal Carcinoma"] and t.conditions_inferred
    d = t.design
    assert (d.allocation, d.intervention_model, d.primary_purpose, d.masking, d.masked_roles) == (
        "RANDOMIZED", "PARALLEL", "TREATMENT", "NONE", [])
    assert [(a.label, a.interventions) for a in t.arms] == [
        (f"HLX43 DOSE {n}", [f"HLX43 DOSE {n}"]) for n in (1, 2, 3)]
    assert all(a.description.startswith("Patients with good tolerability") for a in t.arms)
    assert [i.name for i in t.interventions] == ["HLX43 DOSE 1", "HLX43 DOSE 2", "HLX43 DOSE 3"]
    assert all(i.description.startswith("HLX43 is an anti-PD-L1") for i in t.interventions)
    e = t.eligibility
    # numbering starts at 2: the first item of each list was lost, and is not invented
    assert (len(e.inclusion), len(e.exclusion)) == (10, 19)
    assert e.inclusion[0] == "Age ≥ 18 years at the time of signing the ICF, regardless of gender;"
    assert e.exclusion[0].startswith("Imaging showing tumor invasion")
    assert e.exclusion[10].startswith("Systemic corticosteroid use (>10mg prednisone/day equivalent)")
    # three trailing lines: a single age (the minimum), sex, healthy volunteers
    assert (e.min_age_years, e.max_age_years, e.sex, e.healthy_volunteers, e.ages_inferred) == (18, None, "ALL", False, False)
    assert [(s.name, s.agency_class, s.role) for s in t.sponsors] == [("Shanghai Henlius Biotech", "INDUSTRY", "lead")]
    assert len(t.locations) == 15
    assert (t.locations[0].facility, t.locations[0].city, t.locations[0].state, t.locations[0].country) == (
        "Fujian Cancer Hospital", "Fuzhou", "Fujian", "China")
    assert (t.locations[5].facility, t.locations[5].city, t.locations[5].state) == (
        "Cancer Hospital Chinese Academy of Medical Sciences, Shenzhen", "Shenzhen", "Guangdong")
    assert t.locations[-1].facility == "Zhejiang Cancer Hospital"
    assert t.contacts == [] and t.references == []
    assert [o.id for o in t.other_ids] == ["HLX43-NPC201"]
    assert [r.nct_id for r in t.related] == ["NCT06115642", "NCT05513573", "NCT06848699", "NCT04297995", "NCT05360368"]
    assert t.related[4].title == "HLX07(Anti-EGFR mAb) in Patients With Advanced or Metastatic Solid Tumors"
    assert all(r.status is None and r.phases == [] for r in t.related)


def test_seed_004_compact():
    t = parsed("004")
    assert t.nct_id == "NCT07084012"
    assert t.title.endswith("Intravenous Infusion of hUC-MSCs in Patients With AIS")
    assert t.status is Status.RECRUITING and t.phases == ["PHASE2"] and t.enrollment == 60
    assert (t.start_date, t.completion_date, t.last_updated) == ("2025-08-27", "2026-12-05", "2025-09-29")
    assert t.conditions == ["Acute Ischemic Stroke"] and t.conditions_inferred
    assert (t.design.allocation, t.design.masking) == ("RANDOMIZED", "DOUBLE")
    assert [(a.label, a.interventions) for a in t.arms] == [
        ("Group 1", ["hUC-MSCs treatment (high dose)"]),
        ("Group 2", ["hUC-MSCs treatment (low dose)"]),
        ("Placebo Control Group", ["Placebo"]),
    ]
    assert t.arms[2].description == "Subjects receive three infusions of cell medium placebo."
    assert [i.name for i in t.interventions] == ["hUC-MSCs treatment (high dose)", "hUC-MSCs treatment (low dose)", "Placebo"]
    assert t.interventions[2].description == "Cell medium, 3 administrations, on Day 0, Day 7 (±2 days), and Day 14 (±2 days)"
    e = t.eligibility
    assert (len(e.inclusion), len(e.exclusion)) == (6, 12)
    assert e.inclusion[0] == "Diagnosis of acute ischemic stroke (AIS)."
    # four trailing lines: min age, max age, sex, healthy volunteers
    assert (e.min_age_years, e.max_age_years, e.sex, e.healthy_volunteers) == (18, 75, "ALL", False)
    assert [(s.name, s.agency_class, s.role) for s in t.sponsors] == [
        ("Beijing Tiantan Hospital", "OTHER", "lead"),
        ("Shenzhen Wingor Biotechnology Co., Ltd.", "INDUSTRY", "collaborator"),
    ]
    assert [(loc.facility, loc.city, loc.state, loc.country) for loc in t.locations] == [
        ("Beijing Tiantan Hospital, Capital Medical University", "Beijing", "Beijing Municipality", "China")]
    assert t.contacts == []
    assert [o.id for o in t.other_ids] == ["WG103-AIS-Ⅱa"]
    assert [r.nct_id for r in t.related] == ["NCT07197606", "NCT06518902", "NCT06040476", "NCT01436487", "NCT04590118"]


def test_seed_001_clinconnect():
    t = parsed("001")
    assert t.nct_id == "NCT07110090"
    assert t.title == ("Umbilical Cord Blood Megakaryocyte Injection (XJ-MK-002) for "
                       "Cancer Therapy-Induced Thrombocytopenia (CTIT)")
    assert t.status is Status.NOT_YET_RECRUITING
    assert t.last_updated == "2025-11-13"
    assert t.start_date is None and t.completion_date is None  # "Timeline ... Not reported"
    assert t.brief_summary is None
    assert t.source_plain_summary.startswith("This clinical trial is testing a new treatment called XJ-MK-002")
    assert "\n\nIf you join the study" in t.source_plain_summary
    assert t.keywords == []
    assert t.conditions == ["Cancer Therapy-Induced Thrombocytopenia"] and t.conditions_inferred
    assert [(s.name, s.role) for s in t.sponsors] == [("CANCER INSTITUTE AND HOSPITAL, CHINESE ACADEMY OF MEDICAL SCIENCES", "lead")]
    assert t.sponsor_about.startswith("The Cancer Institute and Hospital of the Chinese Academy of Medical Sciences")
    e = t.eligibility
    assert (len(e.inclusion), len(e.exclusion)) == (6, 21)
    assert e.inclusion[0].startswith("Subjects aged 18 to 75 years (inclusive)")
    assert e.exclusion[0] == "History of platelet transfusion refractoriness."
    assert e.exclusion[11].endswith("international normalized ratio (INR) >1.5×ULN.")
    assert (e.min_age_years, e.max_age_years, e.ages_inferred, e.sex) == (18, 75, True, "ALL")
    assert [(loc.facility, loc.city, loc.state, loc.country) for loc in t.locations] == [(None, "Beijing", "Beijing", "China")]
    assert [(o.name, o.role, o.affiliation) for o in t.officials] == [
        ("Shuhang Wang", "STUDY_DIRECTOR", "Clinical Trial Center, National Cancer Center of China")]
    assert t.related == [] and t.contacts == []


# --- broken pages --------------------------------------------------------

@pytest.mark.parametrize("prefix", ["000", "002"])
def test_missing_nct_id_is_a_located_parse_error(prefix):
    text, _ = seed_text(prefix)
    broken = "\n".join(line for line in text.splitlines() if not line.startswith("NCT ID:"))
    with pytest.raises(ParseError) as err:
        LAYOUT_OF_SEED[prefix].parse(broken, "broken.txt")
    assert err.value.path == "broken.txt" and err.value.where.startswith("line ")
    assert "NCT ID" in err.value.problem


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_missing_title_is_a_parse_error(prefix):
    text, _ = seed_text(prefix)
    broken = text.split("\n", 1)[1]
    with pytest.raises(ParseError) as err:
        LAYOUT_OF_SEED[prefix].parse(broken, "broken.txt")
    nct_line = next(n for n, line in enumerate(broken.splitlines(), 1) if line.startswith("NCT ID:"))
    assert "title" in err.value.problem and err.value.where == f"line {nct_line}"


def test_clinconnect_without_title_or_id_is_a_parse_error():
    text, _ = seed_text("001")
    lines = text.splitlines()
    with pytest.raises(ParseError, match="Search / Trial"):
        clinconnect.parse("\n".join(line for line in lines if not line.startswith("Search /")), "b.txt")
    with pytest.raises(ParseError, match="title"):
        clinconnect.parse("\n".join(lines[:2]), "b.txt")


def test_bad_nct_id_is_a_parse_error():
    text, _ = seed_text("003")
    with pytest.raises(ParseError, match="not an NCT ID"):
        labelled.parse(text.replace("NCT ID: NCT07177911", "NCT ID: NCT0717"), "b.txt")


@pytest.mark.parametrize("prefix", sorted(LAYOUT_OF_SEED))
def test_half_a_page_still_parses(prefix):
    """A page cut in the middle keeps what it had; missing optional sections are not errors."""
    text, _ = seed_text(prefix)
    half = text[: len(text) // 2]
    trial = LAYOUT_OF_SEED[prefix].parse(half, "half.txt")
    assert trial.nct_id == parsed(prefix).nct_id
    assert trial.locations == [] and trial.other_ids == []


@pytest.mark.parametrize("prefix", sorted(LAYOUT_OF_SEED))
def test_shuffled_or_cut_pages_give_trial_or_parse_error(prefix):
    import random

    text, _ = seed_text(prefix)
    rng = random.Random(prefix)
    lines = text.splitlines()
    for _ in range(60):
        variant = lines[:]
        rng.shuffle(variant) if rng.random() < 0.5 else variant.__delitem__(slice(rng.randrange(len(lines)), None))
        for parser in TEXT_PARSERS:
            try:
                parser.parse("\n".join(variant), "v.txt")
            except ParseError:
                pass


def test_empty_sections_give_nothing_not_garbage():
    text, _ = seed_text("001")
    t = clinconnect.parse(text.replace("Keywords\n\n", "Keywords\n\nNot reported\n\n"), "k.txt")
    assert t.keywords == []
    t = parsed("002")
    assert t.keywords == [] and t.eligibility.ages_inferred is False


@pytest.mark.parametrize("prefix", sorted(LAYOUT_OF_SEED))
def test_windows_line_endings_parse_the_same(prefix):
    text, path = seed_text(prefix)
    crlf = text.replace("\n", "\r\n")
    assert [p.LAYOUT for p in TEXT_PARSERS if p.detect(crlf)] == [LAYOUT_OF_SEED[prefix].LAYOUT]
    assert LAYOUT_OF_SEED[prefix].parse(crlf, path) == parsed(prefix)


def test_text_parsers_reject_json_xml_and_prose():
    for text in ('{"protocolSection": {}}', "<clinical_study><id_info/></clinical_study>",
                 "Just some notes about NCT01234567.\nNothing else.", ""):
        assert not any(p.detect(text) for p in TEXT_PARSERS)


# --- shared text-page helpers on inputs the seeds do not show -------------

def test_place_lines_with_two_three_and_more_parts():
    from ssg.sources.textpage import place

    assert place("Paris, France") == {"city": "Paris", "country": "France"}
    assert place("Beijing, Beijing Municipality, China") == {"city": "Beijing", "state": "Beijing Municipality", "country": "China"}
    assert place("Kowloon, Hong Kong, SAR, China") == {"city": "Kowloon", "state": "Hong Kong, SAR", "country": "China"}
    assert place("Germany") == {"country": "Germany"}


def test_sponsors_roles_from_text_or_position_lead_first():
    from ssg.sources.textpage import sponsors

    got = sponsors(["Helper Org", "OTHER", "Sponsor Role collaborator", "Main Co", "INDUSTRY", "Sponsor Role lead"])
    assert [(s.name, s.agency_class, s.role) for s in got] == [
        ("Main Co", "INDUSTRY", "lead"), ("Helper Org", "OTHER", "collaborator")]
    got = sponsors(["A", "NIH", "B", "C", "OTHER"])
    assert [(s.name, s.agency_class, s.role) for s in got] == [
        ("A", "NIH", "lead"), ("B", None, "collaborator"), ("C", "OTHER", "collaborator")]


def test_contacts_with_email_and_facility_lines():
    from ssg.sources.textpage import contacts

    got = contacts(["Site B", "Ann Lee", "Role: CONTACT", "+1 555-0100 ext 12", "ann@example.org", "Bo Ng"],
                   facilities=frozenset({"Site A", "Site B"}))
    assert [(c.name, c.role, c.phone, c.email, c.facility) for c in got] == [
        ("Ann Lee", "CONTACT", "+1 555-0100 ext 12", "ann@example.org", "Site B"),
        ("Bo Ng", None, None, None, "Site B"),
    ]


def test_related_lines_without_title_status_or_phase():
    from ssg.sources.textpage import related

    got = related(["NCT00000001", "A title", "NCT00000002 COMPLETED", "NCT00000003 RECRUITING NA", "NCT00000003"],
                  own_id="NCT00000001")
    assert [(r.nct_id, r.title, r.status, r.phases) for r in got] == [
        ("NCT00000002", "A title", Status.COMPLETED, []), ("NCT00000003", None, Status.RECRUITING, ["NA"])]


def test_lone_investigators_masked_role_is_not_a_section_header():
    # "Investigators" is also a section header; under Study Design, without a blurb after it, it is a masked role.
    text, _ = seed_text("003")
    text = text.replace("Participants Caregivers Investigators Outcome Assessors", "Investigators")
    trial = labelled.parse(text, "lone-investigators.txt")
    assert trial.design.masked_roles == ["INVESTIGATOR"]
    assert [a.label for a in trial.arms] == ["CC312", "Placebo"]
