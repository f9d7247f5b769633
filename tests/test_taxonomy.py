"""Conditions and sponsors as taxonomies: variants merge, display names, slugs, trial order."""

import pytest

from ssg.model import Sponsor, Status, Trial
from ssg.site.taxonomy import (
    assign_slugs, condition_display, condition_taxonomy, condition_words, is_shouting, proper_case, sponsor_taxonomy,
    sponsor_words,
)


def trial(n: int, conditions=(), sponsors=(), status=Status.COMPLETED, inferred=False) -> Trial:
    return Trial(
        nct_id=f"NCT{n:08d}", title=f"Study {n}", status=status, conditions=list(conditions),
        conditions_inferred=inferred,
        sponsors=[Sponsor(name=s, role="lead" if i == 0 else "collaborator") for i, s in enumerate(sponsors)],
    )


def names(terms):
    return [t.name for t in terms]


@pytest.mark.parametrize("a, b", [
    ("SLE - Systemic Lupus Erythematosus", "Systemic Lupus Erythematosus"),
    ("Solid Tumors", "Solid Tumor"),
    ("solid tumor", "SOLID TUMOR"),
    ("Alcohol Use Disorder (AUD)", "Alcohol Use Disorder"),
    ("Caries, Dental", "Dental Caries"),
    ("Type2 Diabetes", "Type 2 Diabetes"),
    ("Stress Disorders, Post-Traumatic", "Posttraumatic Stress Disorder"),
    ("Brain Injuries", "Brain Injury"),
    ("Opioid-use Disorder", "Opioid Use Disorder"),
])
def test_condition_variants_merge(a, b):
    tax = condition_taxonomy([trial(1, [a]), trial(2, [b])])
    assert len(tax.terms) == 1
    assert tax.terms[0].nct_ids == ("NCT00000001", "NCT00000002")


@pytest.mark.parametrize("a, b", [
    ("HIV - Infection", "Infection"),  # the acronym does not stand for the rest: keep it
    ("Diabetes Mellitus", "Diabetes Insipidus"),
    ("Mental Health (UK)", "Mental Health"),
    ("NSCLC Stage IV", "NSCLC"),
])
def test_distinct_conditions_stay_apart(a, b):
    assert len(condition_taxonomy([trial(1, [a]), trial(2, [b])]).terms) == 2


def test_singular_words_are_not_mangled():
    assert condition_words("Diabetes") == ["diabetes"]
    assert condition_words("Malignant Ascites") == ["malignant", "ascites"]
    assert condition_words("AIDS") == ["aids"]
    assert condition_words("Multiple Sclerosis") == ["multiple", "sclerosis"]


def test_display_name_prefers_plain_shortest_variant():
    tax = condition_taxonomy([trial(1, ["SLE - Systemic Lupus Erythematosus"]), trial(2, ["Systemic Lupus Erythematosus"])])
    assert names(tax.terms) == ["Systemic Lupus Erythematosus"]
    assert tax.terms[0].slug == "systemic-lupus-erythematosus"
    tax = condition_taxonomy([trial(1, ["SOLID TUMORS"]), trial(2, ["Solid tumors"])])
    assert names(tax.terms) == ["Solid tumors"]


def test_terms_list_recruiting_trials_first_then_by_id():
    tax = condition_taxonomy([
        trial(3, ["Asthma"]), trial(1, ["Asthma"]),
        trial(4, ["Asthma"], status=Status.RECRUITING), trial(2, ["Asthma"], status=Status.NOT_YET_RECRUITING),
    ])
    assert tax.terms[0].nct_ids == ("NCT00000002", "NCT00000004", "NCT00000001", "NCT00000003")


def test_terms_sorted_by_name_and_per_trial_in_record_order():
    tax = condition_taxonomy([trial(1, ["Zoster", "asthma", "Asthma"]), trial(2, ["Cough"])])
    assert names(tax.terms) == ["Asthma", "Cough", "Zoster"]  # ties between variants: a fixed order
    assert [t.slug for t in tax.by_trial["NCT00000001"]] == ["zoster", "asthma"]  # one term per trial, deduplicated


def test_inferred_conditions_are_included_and_marked():
    tax = condition_taxonomy([trial(1, ["Stroke"], inferred=True), trial(2, ["Asthma"]), trial(3, ["Asthma"], inferred=True)])
    by_name = {t.name: t for t in tax.terms}
    assert by_name["Stroke"].inferred is True
    assert by_name["Asthma"].inferred is False  # a record names it, so it is not only inferred


@pytest.mark.parametrize("raw, shown", [
    ("CANCER INSTITUTE AND HOSPITAL, CHINESE ACADEMY OF MEDICAL SCIENCES",
     "Cancer Institute and Hospital, Chinese Academy of Medical Sciences"),
    ("NATIONAL INSTITUTES OF HEALTH (NIH)", "National Institutes of Health (NIH)"),
    ("DANA-FARBER CANCER INSTITUTE", "Dana-Farber Cancer Institute"),
    ("CHILDREN'S HOSPITAL OF THE KING'S DAUGHTERS", "Children's Hospital of the King's Daughters"),
    ("SHANGHAI HENLIUS BIOTECH CO., LTD.", "Shanghai Henlius Biotech Co., Ltd."),
    ("UCB BIOSCIENCES GmbH", "UCB BIOSCIENCES GmbH"),  # not all capitals: the owner's spelling
    ("NIH", "NIH"),
    ("AstraZeneca", "AstraZeneca"),
    ("THE UNIVERSITY OF TEXAS HEALTH SCIENCE CENTER", "The University of Texas Health Science Center"),
])
def test_proper_case(raw, shown):
    assert proper_case(raw) == shown


def test_shouting_needs_two_long_words():
    assert is_shouting("CANCER INSTITUTE")
    assert not is_shouting("NIH") and not is_shouting("AMGEN") and not is_shouting("Cancer Institute")


def test_sponsors_merge_variants_and_include_collaborators():
    tax = sponsor_taxonomy([
        trial(1, sponsors=["CANCER INSTITUTE AND HOSPITAL, CHINESE ACADEMY OF MEDICAL SCIENCES", "Spectrum Pharmaceuticals, Inc"]),
        trial(2, sponsors=["Cancer Institute and Hospital, Chinese Academy of Medical Sciences"]),
        trial(3, sponsors=["Canadian Cancer Trials Group (CCTG)", "Spectrum Pharmaceuticals, Inc."]),
        trial(4, sponsors=["Canadian Cancer Trials Group"]),
    ])
    by_name = {t.name: t.nct_ids for t in tax.terms}
    assert by_name == {
        "Canadian Cancer Trials Group": ("NCT00000003", "NCT00000004"),
        "Cancer Institute and Hospital, Chinese Academy of Medical Sciences": ("NCT00000001", "NCT00000002"),
        "Spectrum Pharmaceuticals, Inc": ("NCT00000001", "NCT00000003"),
    }
    # lead first, then the collaborator, as the record gives them
    assert [t.name for t in tax.by_trial["NCT00000001"]][0].startswith("Cancer Institute")


def test_legal_forms_do_not_split_a_sponsor():
    assert sponsor_words("Jiangsu HengRui Medicine Co., Ltd.") == sponsor_words("Jiangsu Hengrui Medicine")
    assert sponsor_words("Novartis") != sponsor_words("Novartis Pharmaceuticals")


def test_slugs_unique_and_deterministic():
    slugs = assign_slugs({"k1": "lupus", "k2": "lupus", "k3": "lupus-2", "k4": "asthma"})
    assert slugs == {"k1": "lupus", "k2": "lupus-3", "k3": "lupus-2", "k4": "asthma"}
    assert len(set(slugs.values())) == len(slugs)


def test_names_without_latin_letters_get_distinct_stable_slugs():
    tax = condition_taxonomy([trial(1, ["肺癌"]), trial(2, ["乳腺癌"])])
    slugs = [t.slug for t in tax.terms]
    assert len(set(slugs)) == 2 and all(s.startswith("t-") for s in slugs)
    again = condition_taxonomy([trial(2, ["乳腺癌"]), trial(1, ["肺癌"])])
    assert [t.slug for t in again.terms] == slugs


def test_same_input_same_taxonomy_whatever_the_order():
    trials = [trial(i, [c], sponsors=[s]) for i, (c, s) in enumerate(
        [("Asthma", "ACME"), ("asthmas", "Acme Inc."), ("Cough", "ACME"), ("Solid Tumors", "Beta")], 1)]
    a = condition_taxonomy(trials), sponsor_taxonomy(trials)
    b = condition_taxonomy(trials[::-1]), sponsor_taxonomy(trials[::-1])
    assert a[0].terms == b[0].terms and a[1].terms == b[1].terms


@pytest.mark.parametrize("raw, shown", [
    ("Heart Failure, Congestive", "Congestive Heart Failure"),
    ("Caries, Dental", "Dental Caries"),
    ("Disk, Herniated", "Herniated Disk"),
    ("Diabetes Mellitus, Type 2", "Type 2 Diabetes Mellitus"),
    ("Still's Disease, Adult-Onset", "Adult-Onset Still's Disease"),
    ("Pain, Nerve", "Pain, Nerve"),  # a noun after the comma: could be a list, leave it
    ("Cancer, Treatment", "Cancer, Treatment"),
    ("Anxiety, Depression, Insomnia", "Anxiety, Depression, Insomnia"),
    ("Mental Health Issue (E.G., Depression)", "Mental Health Issue (E.G., Depression)"),
])
def test_condition_display_turns_mesh_inversions_round(raw, shown):
    assert condition_display(raw) == shown


@pytest.mark.parametrize("variants, name, slug", [
    (["Ehlers-Danlos Syndrome"], "Ehlers-Danlos Syndrome", "ehlers-danlos-syndrome"),  # proper names never singularised
    (["PreDiabetes"], "PreDiabetes", "prediabetes"),
    (["Type2 Diabetes", "Type 2 Diabetes"], "Type 2 Diabetes", "type-2-diabetes"),
    (["SLE - Systemic Lupus Erythematosus"], "SLE - Systemic Lupus Erythematosus", "systemic-lupus-erythematosus"),
    (["Heart Failure, Congestive"], "Congestive Heart Failure", "congestive-heart-failure"),
    (["Brain Injuries", "Brain Injury"], "Brain Injury", "brain-injury"),
])
def test_display_name_and_slug(variants, name, slug):
    tax = condition_taxonomy([trial(i, [v]) for i, v in enumerate(variants, 1)])
    assert [(t.name, t.slug) for t in tax.terms] == [(name, slug)]


def test_sponsor_slug_folds_special_letters():
    tax = sponsor_taxonomy([trial(1, sponsors=["Bandırma Onyedi Eylül University"])])
    assert tax.terms[0].slug == "bandirma-onyedi-eylul-university"
