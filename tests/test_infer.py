"""Derived conditions and ages: only words the record itself contains."""

from __future__ import annotations

import pytest

from ssg.infer import acronyms, infer_ages, infer_conditions, title_case


def test_acronym_in_title_expanded_from_the_records_own_definition():
    title = "A Phase IIa Clinical Trial of hUC-MSCs in Patients With AIS"
    assert infer_conditions(title, ["2. Diagnosis of acute ischemic stroke (AIS)."]) == ["Acute Ischemic Stroke"]


def test_undefined_acronym_is_kept_not_guessed():
    assert infer_conditions("A Trial of X in Patients With AIS", ["no definitions here"]) == ["AIS"]


def test_stage_words_stripped_and_clause_cut():
    title = ("A Phase II Study to Evaluate HLX43 in Subjects With Recurrent/Metastatic Nasopharyngeal "
             "Carcinoma Failed or Intolerance to Second-line Therapy")
    assert infer_conditions(title, []) == ["Nasopharyngeal Carcinoma"]


def test_for_phrase_drops_trailing_acronym():
    title = "Umbilical Cord Blood Megakaryocyte Injection (XJ-MK-002) for Cancer Therapy-Induced Thrombocytopenia (CTIT)"
    assert infer_conditions(title, []) == ["Cancer Therapy-Induced Thrombocytopenia"]


def test_severity_prefix_and_acronym():
    assert infer_conditions("Study of CC312 for Moderate to Severe SLE",
                            ["patients with systemic lupus erythematosus (SLE)"]) == ["Systemic Lupus Erythematosus"]


def test_combination_partner_is_not_a_condition():
    title = "A Clinical Trial of Furmonertinib Combined With Anlotinib as First-line Treatment for Advanced NSCLC"
    assert infer_conditions(title, []) == ["NSCLC"]


@pytest.mark.parametrize("title", ["", "Epiduroscopic Laser Discectomy Procedures", "A Study for Evaluating Safety"])
def test_titles_naming_no_condition_give_none(title):
    assert infer_conditions(title, []) == []


def test_acronym_definitions_need_matching_initials():
    defs = acronyms(["Eastern Cooperative Oncology Group (ECOG) score and a thing (XYZ) and modified Rankin Scale (mRS)"])
    assert defs["ECOG"] == "Eastern Cooperative Oncology Group"
    assert "XYZ" not in defs


def test_title_case_keeps_capitalised_words():
    assert title_case("acute ischemic stroke") == "Acute Ischemic Stroke"
    assert title_case("cancer therapy-induced thrombocytopenia of the hUC type") == \
        "Cancer Therapy-Induced Thrombocytopenia of the hUC Type"


@pytest.mark.parametrize("item, ages", [
    ("Subjects aged 18 to 75 years (inclusive) at the time of signing", (18, 75)),
    ("Age ≥ 18 years at the time of signing the ICF", (18, None)),
    ("age≥18 years;", (18, None)),
    ("18-65 years old, male or female", (18, 65)),
    ("Between 55 and 85 years old", (55, 85)),
    ("Patients must be at least 12 years of age", (12, None)),
    ("Women aged ≤ 50 years", (None, 50)),
    ("Adults 18 years of age or older", (18, None)),
])
def test_infer_ages(item, ages):
    assert infer_ages(["Signed consent", item]) == ages


@pytest.mark.parametrize("items", [
    [], ["Weight 50-100 kg"], ["ECOG 0-1"], ["Onset time ≤ 72 hours."],
    ["Aged 75 to 18 years"], ["aged 5 to 500 years"], ["Expected survival ≥ 3 months"],
])
def test_infer_ages_finds_nothing_where_no_age_is_stated(items):
    assert infer_ages(items) is None
