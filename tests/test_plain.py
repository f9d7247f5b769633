"""Unit tests for the plain-language summary: each sentence builder, with odd inputs.

Trials are built by hand here, so these tests do not depend on the parsers.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssg.model import Arm, Contact, Design, Eligibility, Intervention, Location, Official, Sponsor, Status, Trial
from ssg.plain import PlainSection, PlainSummary, summarise
from ssg.plain import summary as S
from ssg.plain import words as W
from ssg.plain.readability import fk_grade, split_sentences, word_count


def make(**fields) -> Trial:
    base = {"nct_id": "NCT01234567", "title": "A study"}
    base.update(fields)
    return Trial(**base)


def shown(sentences) -> list[str]:
    return [S.plain(s) for s in sentences]


def text(sentences) -> str:
    return " ".join(shown(sentences))


def full(trial: Trial) -> PlainSummary:
    return summarise(trial)


def assert_short(summary: PlainSummary) -> None:
    for s in summary.sentences + summary.eligibility_sentences:
        assert word_count(s) <= S.MAX_WORDS, s


# ---------------------------------------------------------------- the contract


def test_minimal_trial_has_every_section_in_order():
    summary = full(make())
    assert isinstance(summary, PlainSummary)
    assert [s.key for s in summary.sections] == ["what", "who", "happens", "how_long", "where", "who_runs", "ask"]
    assert all(isinstance(s, PlainSection) and s.sentences for s in summary.sections)
    assert summary.first_sentence == summary.sections[0].sentences[0]
    assert summary.text.startswith(summary.first_sentence)
    assert summary.grade == fk_grade(list(summary.sentences) + list(summary.eligibility_sentences))
    assert summary.note and "automatically" in summary.note


def test_summary_is_frozen_and_deterministic():
    t = make(conditions=["Asthma"], status=Status.RECRUITING)
    a, b = summarise(t), summarise(t)
    assert a == b
    with pytest.raises(Exception):
        a.grade = 1.0  # type: ignore[misc]


def test_no_marks_leak_into_text():
    t = make(conditions=["Asthma"], sponsors=[Sponsor(name="Acme")], interventions=[Intervention(name="X-1")])
    summary = full(t)
    for s in summary.sentences + summary.can_join + summary.cannot_join:
        assert S.NAME_OPEN not in s and S.NAME_CLOSE not in s


# ---------------------------------------------------------------- what is being studied


def test_what_names_conditions_and_treatment_kind():
    t = make(conditions=["Asthma", "COPD"], interventions=[Intervention(name="Drug Z", type="DRUG")],
             design=Design(primary_purpose="TREATMENT"), study_type="INTERVENTIONAL", phases=["PHASE2"])
    out = text(S.what_sentences(t))
    assert "This study is about Asthma and COPD." in out
    assert "It tests a drug called Drug Z." in out
    assert "The main goal is to treat an illness." in out
    assert "This is a Phase 2 study." in out and W.PHASE_EXPLAINED["PHASE2"] in out


def test_what_lists_many_conditions_with_a_count():
    t = make(conditions=[f"Condition {c}" for c in "ABCDEFG"])
    first = shown(S.what_sentences(t))[0]
    assert first == "This study is about Condition A, Condition B, Condition C and 4 more."


def test_placebo_is_not_called_a_tested_treatment():
    t = make(interventions=[Intervention(name="Placebo", type="DRUG"), Intervention(name="CC312", type="DRUG")])
    out = text(S.what_sentences(t))
    assert "It tests a drug called CC312." in out and "Placebo" not in out


def test_repeated_intervention_names_are_listed_once():
    t = make(interventions=[Intervention(name="SK-NK injection", type="DRUG"), Intervention(name="SK-NK injection")])
    assert "It tests a drug called SK-NK injection." in text(S.what_sentences(t))


def test_phase_one_two_explains_both():
    out = text(S.what_sentences(make(phases=["PHASE1", "PHASE2"])))
    assert "This is a Phase 1 and Phase 2 study." in out
    assert W.PHASE_EXPLAINED["PHASE1"] in out and W.PHASE_EXPLAINED["PHASE2"] in out
    assert "Phase 1 studies test a treatment in a small group to learn about safety and dose." in out


def test_observational_study_is_explained():
    t = make(study_type="OBSERVATIONAL", interventions=[Intervention(name="Blood draw")])
    out = text(S.what_sentences(t))
    assert "This is an observational study." in out
    assert "It tests" not in out


@pytest.mark.parametrize("status", list(Status))
def test_every_status_is_explained(status):
    out = text(S.what_sentences(make(status=status)))
    assert W.STATUS_EXPLAINED[status.value] in out


def test_enrollment_wording_follows_status():
    assert "The study plans to include about 40 people." in text(
        S.what_sentences(make(status=Status.RECRUITING, enrollment=40)))
    assert "The record gives the number of people as 40." in text(
        S.what_sentences(make(status=Status.COMPLETED, enrollment=40)))
    withdrawn = text(S.what_sentences(make(status=Status.WITHDRAWN, enrollment=0)))
    assert "people" not in withdrawn.split("joined.")[-1]


def test_a_very_long_drug_name_still_gives_a_short_sentence():
    long_name = " ".join(["Verylongword"] * 25)
    t = make(interventions=[Intervention(name=long_name, type="DRUG")])
    sentences = shown(S.what_sentences(t))
    assert all(word_count(s) <= S.MAX_WORDS for s in sentences)
    assert "It tests one treatment. Its name is in the record." in sentences


# ---------------------------------------------------------------- who can join


def test_no_ages_says_so_and_gives_no_age_points():
    t = make(eligibility=Eligibility(sex="ALL"))
    assert "The record does not give an age limit." in text(S.who_sentences(t))
    summary = full(t)
    assert not any("old" in p or "younger" in p for p in summary.can_join + summary.cannot_join)


def test_age_range_and_points():
    t = make(eligibility=Eligibility(min_age_years=18, max_age_years=75, sex="FEMALE", healthy_volunteers=False),
             conditions=["Breast Cancer"])
    assert "People aged 18 to 75 years old can join." in text(S.who_sentences(t))
    summary = full(t)
    assert summary.can_join == ("you are 18 to 75 years old", "you are female", "you have Breast Cancer")
    assert summary.cannot_join == ("you are younger than 18 years", "you are older than 75 years",
                                   "you are male", "you are a healthy volunteer")
    assert summary.eligibility_sentences[0] == "You may be able to join if you are 18 to 75 years old."


def test_ages_in_months_use_the_records_unit():
    t = make(eligibility=Eligibility(min_age_years=0.5, max_age_years=17))
    out = text(S.who_sentences(t))
    assert "People aged 6 months to 17 years can join." in out
    assert "you are younger than 6 months" in full(t).cannot_join


def test_sex_words_follow_the_age_range():
    assert "Only women can join." in text(S.who_sentences(make(eligibility=Eligibility(sex="FEMALE", min_age_years=18))))
    assert "Only boys can join." in text(S.who_sentences(make(eligibility=Eligibility(sex="MALE", max_age_years=17))))
    assert "Only women and girls can join." in text(S.who_sentences(make(eligibility=Eligibility(sex="FEMALE"))))
    assert "People of any sex can join." in text(S.who_sentences(make(eligibility=Eligibility(sex="ALL"))))


def test_minimum_age_only():
    t = make(eligibility=Eligibility(min_age_years=65))
    assert "People aged 65 years or older can join." in text(S.who_sentences(t))
    assert full(t).can_join[0] == "you are 65 years old or older"


def test_healthy_volunteers_and_prevention_trials_do_not_require_the_condition():
    t = make(conditions=["Influenza"], design=Design(primary_purpose="PREVENTION"),
             eligibility=Eligibility(healthy_volunteers=True))
    summary = full(t)
    assert "you are healthy" in summary.can_join
    assert not any("Influenza" in p for p in summary.can_join)
    assert "Healthy people can join." in text(S.who_sentences(t))


def test_healthy_condition_name_is_not_a_requirement():
    t = make(conditions=["Healthy"], eligibility=Eligibility(healthy_volunteers=False))
    assert not any("Healthy" in p for p in full(t).can_join)


def test_rule_counts_come_from_the_lists():
    t = make(eligibility=Eligibility(inclusion=["a", "b"], exclusion=["c"]))
    assert "The record lists 2 rules for who can join and 1 reason you cannot join." in text(S.who_sentences(t))


def test_closed_study_cannot_be_joined():
    for status in (Status.COMPLETED, Status.WITHDRAWN, Status.TERMINATED):
        assert "the study is not taking new people" in full(make(status=status)).cannot_join
    assert "the study is not taking new people" not in full(make(status=Status.RECRUITING)).cannot_join


# ---------------------------------------------------------------- what happens


def test_one_arm():
    t = make(arms=[Arm(label="Drug X", type="EXPERIMENTAL", interventions=["Drug X"])],
             interventions=[Intervention(name="Drug X", type="DRUG")],
             design=Design(allocation="NA", intervention_model="SINGLE_GROUP", masking="NONE"))
    out = text(S.happens_sentences(t))
    assert "Everyone in the study is in the same group." in out
    assert "Everyone gets Drug X." in out
    assert "No one in this study gets a placebo." in out
    assert "Chance" not in out
    assert "This is called open-label." in out


def test_randomized_placebo_blinded():
    t = make(
        arms=[Arm(label="CC312", type="EXPERIMENTAL", interventions=["CC312"]),
              Arm(label="Placebo", type="PLACEBO_COMPARATOR", interventions=["Placebo"])],
        design=Design(allocation="RANDOMIZED", masking="QUADRUPLE",
                      masked_roles=["PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"]),
    )
    out = text(S.happens_sentences(t))
    assert "There are 2 groups in this study." in out
    assert "The group called “Placebo” gets Placebo." in out
    assert "Some people get a placebo." in out
    assert W.ALLOCATION_EXPLAINED["RANDOMIZED"] in out
    assert "You will not know which treatment you get." in out
    assert "This is called blinding." in out
    assert all(word_count(s) <= S.MAX_WORDS for s in shown(S.happens_sentences(t)))


def test_masking_without_the_participant_stays_short():
    t = make(design=Design(masking="TRIPLE", masked_roles=["CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"]))
    sentences = shown(S.happens_sentences(t))
    assert "You will not know" not in " ".join(sentences)
    assert all(word_count(s) <= S.MAX_WORDS for s in sentences)


def test_many_groups_are_counted_not_all_listed():
    arms = [Arm(label=f"Group {i}", interventions=[f"Dose {i}"]) for i in range(1, 10)]
    out = text(S.happens_sentences(make(arms=arms)))
    assert "There are 9 groups in this study." in out
    assert "The record describes 5 more groups." in out


def test_groups_that_all_get_the_same_thing_are_said_once():
    arms = [Arm(label="Stage 1", interventions=["SK-NK"]), Arm(label="Stage 2", interventions=["SK-NK"])]
    out = text(S.happens_sentences(make(arms=arms)))
    assert "Every group gets SK-NK." in out
    assert "The groups are called “Stage 1” and “Stage 2”." in out


def test_no_placebo_claim_when_the_record_mentions_one_elsewhere():
    arms = [Arm(label="A", interventions=["X"]), Arm(label="B", interventions=["Y"])]
    t = make(arms=arms, brief_summary="Some get placebo tablets.")
    assert "No one in this study gets a placebo." not in text(S.happens_sentences(t))


def test_timing_is_quoted_from_the_record():
    arms = [Arm(label="A", description="Given once every 3 weeks (Q3W) for 6 months.")]
    out = text(S.happens_sentences(make(arms=arms)))
    assert "The record gives the timing as “once every 3 weeks” and “for 6 months”." in out


def test_observational_has_no_treatment_design_sentences():
    t = make(study_type="OBSERVATIONAL", design=Design(allocation="RANDOMIZED", masking="NONE"))
    out = text(S.happens_sentences(t))
    assert "The study does not give you a treatment." in out
    assert "Chance" not in out and "placebo" not in out and "open-label" not in out


def test_nothing_known_says_so():
    assert shown(S.happens_sentences(make())) == ["The record does not say what happens in the study."]


# ---------------------------------------------------------------- how long


def test_dates_follow_status():
    t = make(status=Status.RECRUITING, start_date="2025-05-30", completion_date="2026-07", last_updated="2025-11-24")
    assert shown(S.how_long_sentences(t)) == [
        "The study started in May 2025.", "It is planned to end in July 2026.",
        "The record was last updated in November 2025."]
    done = make(status=Status.COMPLETED, start_date="2006-11", completion_date="2013-01")
    assert "It ended in January 2013." in text(S.how_long_sentences(done))


def test_withdrawn_trial_dates():
    t = make(status=Status.WITHDRAWN, start_date="2020-01", completion_date="2021")
    out = text(S.how_long_sentences(t))
    assert "The study was planned to start in January 2020." in out
    assert "It was planned to end in 2021." in out
    assert W.STATUS_EXPLAINED["WITHDRAWN"] in full(t).text


def test_no_dates():
    assert shown(S.how_long_sentences(make())) == ["The record does not give dates for the study."]


# ---------------------------------------------------------------- where


def test_no_sites():
    assert shown(S.where_sentences(make())) == ["The record does not list any places for this study."]


def test_one_site_names_facility_and_city():
    t = make(locations=[Location(facility="West Clinic", city="Chengdu", country="China")])
    assert shown(S.where_sentences(t)) == [
        "The record lists one site in China.", "The site is West Clinic in Chengdu."]


def test_150_sites_counts_sites_countries_and_cities():
    countries = ["United States", "Canada", "France", "Spain", "Japan"]
    locs = [Location(facility=f"Site {i}", city=f"City {i % 40}", country=countries[i % 5],
                     status="RECRUITING" if i % 2 else "COMPLETED") for i in range(150)]
    t = make(locations=locs, status=Status.RECRUITING)
    out = shown(S.where_sentences(t))
    assert out[0] == "The record lists 150 sites in 5 countries."
    assert out[1].startswith("Places include City 0, City 1, City 2 and 37 more")
    assert "75 of these sites are looking for people now." in out
    assert all(word_count(s) <= S.MAX_WORDS for s in out)


def test_country_article():
    t = make(locations=[Location(city="Boston", country="United States"), Location(city="Lyon", country="France")])
    assert shown(S.where_sentences(t))[0] == "The record lists 2 sites in the United States and France."


# ---------------------------------------------------------------- who runs it


def test_no_sponsor():
    assert shown(S.who_runs_sentences(make())) == ["The record does not say who runs the study."]


def test_sponsor_collaborators_and_leader():
    t = make(
        sponsors=[Sponsor(name="Acme Pharma", agency_class="INDUSTRY"),
                  Sponsor(name="Uni A", role="collaborator"), Sponsor(name="Uni B", role="collaborator"),
                  Sponsor(name="Uni C", role="collaborator")],
        officials=[Official(name="Dr Lee", role="PRINCIPAL_INVESTIGATOR")],
    )
    assert shown(S.who_runs_sentences(t)) == [
        "The study is run by Acme Pharma.", "This is a company.",
        "Uni A, Uni B and 1 other groups also help.", "The study leader is Dr Lee."]
    one = make(sponsors=[Sponsor(name="Acme"), Sponsor(name="Uni A", role="collaborator")])
    assert "Uni A also helps." in text(S.who_runs_sentences(one))


def test_name_ending_in_a_full_stop_gets_one_full_stop():
    summary = full(make(sponsors=[Sponsor(name="CytoCares Inc.")]))
    assert "The study is run by CytoCares Inc." in summary.section("who_runs").sentences


# ---------------------------------------------------------------- how to ask


def test_no_contacts():
    out = shown(S.ask_sentences(make()))
    assert "The record does not list a contact." in out
    assert "Ask your doctor or the study team about this study." in out
    assert out[-1] == "Give them the study number, NCT01234567."


def test_central_contact_comes_first():
    t = make(contacts=[Contact(name="Site Nurse", phone="111", facility="Clinic"),
                       Contact(name="Jane Roe", phone="+1 555 0100", email="jane@example.org")])
    out = shown(S.ask_sentences(t))
    assert out[0] == "You can contact Jane Roe at +1 555 0100 or jane@example.org."
    assert "Site Nurse" not in " ".join(out)


def test_site_contacts_of_many_sites_are_counted_not_named():
    t = make(contacts=[Contact(name="Nurse A", phone="111", facility="Clinic A"),
                       Contact(name="Nurse B", email="b@example.org", facility="Clinic B")])
    out = shown(S.ask_sentences(t))
    assert out[0] == "The record lists contacts at 2 sites."
    assert "Nurse" not in " ".join(out)
    one_site = make(contacts=[Contact(name="Nurse A", phone="111", facility="Clinic A")])
    assert shown(S.ask_sentences(one_site))[0] == "You can contact Nurse A at 111."


def test_contact_without_name_or_phone():
    out = shown(S.ask_sentences(make(contacts=[Contact(email="trials@example.org")])))
    assert out[0] == "You can contact the study team at trials@example.org."


# ---------------------------------------------------------------- faithfulness and readability


BANNED = re.compile(r"\b(safe|effective|cure|cures|cured|breakthrough|free|new treatments?)\b", re.I)


def test_templates_make_no_banned_claims():
    constants = [v for name in dir(W) for v in _strings(getattr(W, name))]
    for s in constants + [S.GENERATED_NOTE]:
        assert not BANNED.search(s), s


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _strings(v)


def test_fixed_explanations_read_at_grade_8_or_lower():
    texts = [*W.PHASE_EXPLAINED.values(), *W.STATUS_EXPLAINED.values(), *W.ALLOCATION_EXPLAINED.values(),
             *W.MODEL_EXPLAINED.values(), *(" ".join(v) for v in W.STUDY_TYPE_EXPLAINED.values())]
    for s in texts:
        for sentence in split_sentences(s):
            assert word_count(sentence) <= S.MAX_WORDS
        assert fk_grade(split_sentences(s)) <= S.MAX_GRADE, s


def test_grade_without_names_replaces_record_values():
    t = make(conditions=["Pseudohypoparathyroidism Type Ia"], sponsors=[Sponsor(name="Internationalisation Consortium")])
    summary = full(t)
    assert summary.grade_without_names < summary.grade


def test_everything_together_stays_short_and_readable():
    t = make(
        status=Status.RECRUITING, phases=["PHASE3"], study_type="INTERVENTIONAL", enrollment=300,
        conditions=["Chronic Obstructive Pulmonary Disease"],
        interventions=[Intervention(name="Tiotropium bromide inhalation powder", type="DRUG")],
        arms=[Arm(label="Tiotropium", type="EXPERIMENTAL", interventions=["Tiotropium bromide inhalation powder"]),
              Arm(label="Placebo", type="PLACEBO_COMPARATOR", interventions=["Placebo"])],
        design=Design(allocation="RANDOMIZED", masking="DOUBLE", masked_roles=["PARTICIPANT", "INVESTIGATOR"],
                      primary_purpose="TREATMENT"),
        eligibility=Eligibility(min_age_years=40, max_age_years=80, sex="ALL", healthy_volunteers=False),
        sponsors=[Sponsor(name="Boehringer Ingelheim", agency_class="INDUSTRY")],
        start_date="2024-01", completion_date="2026-12",
        locations=[Location(city="Berlin", country="Germany"), Location(city="Paris", country="France")],
    )
    summary = full(t)
    assert_short(summary)
    assert summary.grade <= S.MAX_GRADE
    assert summary.longest_sentence_words <= S.MAX_WORDS


# ---------------------------------------------------------------- counting shortcuts give textstat's counts

COUNTED = [
    "The study is run by Marmara University in İstanbul.",  # "İ" lower-cases to i + a combining mark
    "You can't join if you're pregnant; rock'n'roll O'Brien don't-do it's.",
    "Lymphroase glucine and cardimoine are tested, 2.5 mg/kg twice a day.",
    "Straße naïve co-operate x-ray “quoted” ſham ﬁne ΣΊΣΥΦΟΣ.",
    "",
]


@pytest.mark.parametrize("sentence", COUNTED)
def test_sentence_counts_equal_textstat(sentence):
    import textstat

    from ssg.plain.readability import sentence_counts, syllable_count

    for _ in range(2):  # the second time every word comes from the cache
        sentence_counts.cache_clear()
        assert syllable_count(sentence) == textstat.syllable_count(sentence)
        assert sentence_counts(sentence) == (textstat.lexicon_count(sentence), textstat.syllable_count(sentence))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeiouybcdrstlmnxqz'’-.,;:!?()“” \t\n0123456789İıſﬁßΣΊéñ@/")), max_size=80)
        | st.text(max_size=40))
def test_sentence_counts_equal_textstat_on_any_text(text):
    import textstat

    from ssg.plain.readability import sentence_counts

    assert sentence_counts.__wrapped__(text) == (textstat.lexicon_count(text), textstat.syllable_count(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("'’tsdvelr .-,x")), max_size=30))
def test_punctuation_removed_as_textstat_removes_it(text):
    from textstat.backend.transformations._remove_punctuation import remove_punctuation

    from ssg.plain.readability import _PUNCTUATION

    assert _PUNCTUATION.sub("", text) == remove_punctuation.__wrapped__(text, False)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Zs", "Cc")), min_size=1, max_size=40)
       | st.from_regex(r"[a-z]{1,30}", fullmatch=True))
def test_hyphenation_points_equal_pyphen(word):
    from pyphen import Pyphen

    from ssg.plain.readability import _LANG, _dictionaries

    assert _dictionaries()[1].count(word) == len(Pyphen(lang=_LANG).positions(word))


def test_hyphenation_points_equal_pyphen_on_corpus_words():
    # Long and odd words: e-mail addresses and names as the summaries count them.
    from pyphen import Pyphen

    from ssg.plain.readability import _LANG, _dictionaries

    words = ["smacdonaldmghharvardedu", "lymphroase", "i̇stanbul", "straße", "ﬁne", "co-operate", "hyphenation",
             "supercalifragilisticexpialidocious", "a", "", "xx", "ǅemal", "άσθμα", "NCT01234567".lower()]
    pyphen = Pyphen(lang=_LANG)
    for word in words:
        assert _dictionaries()[1].count(word) == len(pyphen.positions(word)), word


def test_lower_case_never_makes_or_removes_whitespace():
    # sentence_counts lower-cases after splitting on whitespace; textstat splits after lower-casing.
    import sys

    for code in range(sys.maxunicode + 1):
        c = chr(code)
        low = c.lower()
        if c.isspace():
            assert low == c
        else:
            assert not any(x.isspace() for x in low), hex(code)


def test_grade_is_the_flesch_kincaid_formula_on_textstat_counts():
    import textstat

    sentences = [s for s in COUNTED if s]
    words = sum(textstat.lexicon_count(s) for s in sentences)
    syllables = sum(textstat.syllable_count(s) for s in sentences)
    assert fk_grade(sentences + ["  "]) == round(0.39 * words / len(sentences) + 11.8 * syllables / words - 15.59, 1)
    assert fk_grade([]) == fk_grade(["", " "]) == 0.0


def test_timing_and_placebo_words_with_letters_that_only_match_ignoring_case():
    # Under re.I "İ"/"ı" match "i" and "ſ" matches "s" though their lower case differs:
    # the cheap word checks in front of the regexes must still let them through.
    arms = [Arm(label="A", description="Tablets TWİCE A DAY."), Arm(label="B", description="Nothing to say.")]
    assert S.timing_phrases(make(arms=arms)) == ["TWİCE A DAY"]
    assert S.timing_phrases(make(arms=[Arm(label="A", description="twıce daily")])) == ["twıce daily"]
    assert S._is_placebo_name("ſham procedure") and S._is_placebo_name("Matching PLACEBO")
    assert not S._is_placebo_name("Shampoo") and not S._is_placebo_name("Active drug")


_TIMING_AS_WRITTEN = re.compile(S._TIMING.pattern.replace(r"\b(?=[otfe\d])", r"\b", 1), re.I)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["once", "twice", "a", "per", "week", "every", "other", "3", "٣", "times", "for",
                                 "two", "days", "DAILY", "Twİce", "ﬁve", "ſix", "one time", "month", ",", "\n"]))
       .map(" ".join) | st.text(max_size=60))
def test_timing_regex_finds_what_it_found_without_its_lookahead(text):
    assert S._TIMING.pattern.startswith(r"\b(?=[otfe\d])")
    assert [m.span() for m in S._TIMING.finditer(text)] == [m.span() for m in _TIMING_AS_WRITTEN.finditer(text)]


def _seed_trials() -> list[Trial]:
    from pathlib import Path

    from ssg.sources import parse_file, record_files

    return [parse_file(p) for p in record_files([Path(__file__).parent.parent / "content" / "trials"])]


def test_grades_are_fk_grades_of_the_sentences_as_shown_and_without_names():
    trials = _seed_trials() + [
        make(),
        make(conditions=["Pseudohypoparathyroidism Type Ia"], sponsors=[Sponsor(name="Internationalisation Consortium")],
             locations=[Location(facility="Hôpital Saint-Louis", city="Paris", country="France")],
             contacts=[Contact(name="Dr. O'Brien", phone="+33 1 23 45 67 89", email="obrien@example.org")]),
    ]
    for t in trials:
        summary = full(t)
        marked = [m for _, _, build in S.SECTIONS for m in build(t)]
        marked += S._join_point_sentences(S.can_join_points(t), S.cannot_join_points(t))
        shown_sentences = summary.sentences + summary.eligibility_sentences
        assert summary.grade == fk_grade(shown_sentences)
        assert summary.grade_without_names == fk_grade(S.measured(m) for m in marked)
        assert summary.longest_sentence_words == max(word_count(s) for s in shown_sentences)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["once", "twice", "3 times", "a", "per", "every", "for", "two", "other", "day",
                                 "days", "daily", "weekly", "week", "months", "year", "hours", "İ", "ı", "DAİLY",
                                 "Once", "FOR", "the", "pain", "x", ".", ","]), max_size=12).map(" ".join))
def test_timing_prefilter_never_skips_a_timing_phrase(text):
    # _may_give_timing spares the slow _TIMING regex; it may let through texts without a match,
    # never skip one with a match.
    if S._TIMING.search(text):
        assert S._may_give_timing(text)


def test_timing_prefilter_skips_texts_without_a_unit():
    # "for" is in most descriptions; without a unit of time no timing phrase can be there.
    assert not S._may_give_timing("Tablets for the pain, as needed.")
    assert S._may_give_timing("Tablets for 2 weeks.") and S._may_give_timing("Once daıly")


@given(st.lists(st.sampled_from(["Lyon", "Paris", "Nice", "Brest"]), max_size=12))
def test_most_common_orders_as_counter(values):
    from collections import Counter

    assert S._most_common(values) == [v for v, _ in Counter(values).most_common()]
