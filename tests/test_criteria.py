"""split_criteria: eligibility blocks as ClinicalTrials.gov and the pages write them."""

from __future__ import annotations

from ssg.sources.criteria import split_criteria


def test_ctgov_star_lists_with_headings():
    block = "Inclusion Criteria:\n\n* Age 18 or older\n* Signed consent\n\nExclusion Criteria:\n\n* Pregnancy\n"
    assert split_criteria(block) == (["Age 18 or older", "Signed consent"], ["Pregnancy"])


def test_key_headings_numbered_with_parens_and_dots():
    block = ("Key Inclusion Criteria:\n\n1) First\n2) Second\n\nKey Exclusion Criteria :\n\n"
             "1. Third\n2. Fourth\n10. Tenth")
    assert split_criteria(block) == (["First", "Second"], ["Third", "Fourth", "Tenth"])


def test_headings_without_colon_and_in_capitals():
    block = "INCLUSION CRITERIA\n- a thing\nexclusion criteria\n- another"
    assert split_criteria(block) == (["a thing"], ["another"])


def test_no_headings_at_all_is_all_inclusion():
    assert split_criteria("* one\n* two") == (["one", "two"], [])
    assert split_criteria("Healthy adults.\n\nNo smoking.") == (["Healthy adults.", "No smoking."], [])


def test_wrapped_lines_and_continuation_paragraphs_join_their_item():
    block = ("Exclusion Criteria:\n\n* Abnormal laboratory findings at screening:\n\n"
             "Liver function: AST \\> 2× ULN;\nRenal function: eGFR \\<30;\n\n* Pregnant")
    inc, exc = split_criteria(block)
    assert inc == []
    assert exc == ["Abnormal laboratory findings at screening: Liver function: AST > 2× ULN; Renal function: eGFR <30;",
                   "Pregnant"]


def test_nested_sub_bullets_join_the_parent():
    block = ("Inclusion Criteria:\n\n* Adequate organ function:\n\n  * Hemoglobin ≥ 9 g/dL\n"
             "  * ANC ≥ 1.5\n* Consent")
    assert split_criteria(block)[0] == ["Adequate organ function: Hemoglobin ≥ 9 g/dL; ANC ≥ 1.5", "Consent"]


def test_lettered_items_under_numbered_ones_are_sub_items():
    block = "1. Organ function:\na. ALT normal\nb. Creatinine normal\n2. Consent"
    assert split_criteria(block)[0] == ["Organ function: ALT normal; Creatinine normal", "Consent"]


def test_page_bullets_with_heading_inside_the_list():
    block = ("  • Inclusion Criteria:\n  • 1. Aged 18 to 75 years.\n  • 2. Cancer\n"
             "  • Exclusion Criteria:\n  • 1. Bleeding")
    assert split_criteria(block) == (["Aged 18 to 75 years.", "Cancer"], ["Bleeding"])


def test_markdown_escapes_undone_and_whitespace_collapsed():
    inc, _ = split_criteria("* platelets \\>  100 ×10\\^9/L   and\tINR \\< 1.5\n* **Bold** claim")
    assert inc == ["platelets > 100 ×10^9/L and INR < 1.5", "Bold claim"]


def test_numbers_that_are_not_markers_stay():
    inc, _ = split_criteria("* 2.5 mg/dL or less\n* 18 years or older")
    assert inc == ["2.5 mg/dL or less", "18 years or older"]


def test_qualified_sub_headings_switch_list_and_keep_their_words():
    block = ("Inclusion Criteria:\n* A\nSpecific exclusion criteria for healthy participants:\n* B\n"
             "* Other protocol-defined exclusion criteria may apply.")
    inc, exc = split_criteria(block)
    assert inc == ["A"]
    assert exc == ["Specific exclusion criteria for healthy participants:", "B",
                   "Other protocol-defined exclusion criteria may apply."]


def test_empty_odd_and_marker_only_input():
    assert split_criteria("") == ([], [])
    assert split_criteria("\n\n   \n") == ([], [])
    assert split_criteria("*\n1.\n-") == ([], [])
    assert split_criteria("Exclusion Criteria:") == ([], [])
    assert split_criteria("\r\n* windows\r\n* lines\r\n") == (["windows", "lines"], [])


def test_lead_in_before_a_list_is_kept():
    inc, _ = split_criteria("Patients must meet all of the following:\n\n* A\n* B")
    assert inc == ["Patients must meet all of the following:", "A", "B"]


def test_escaped_numbers_after_bullets_are_markers_too():
    inc, _ = split_criteria("Inclusion Criteria:\n\n* 1\\. Male or female\n* 2\\. Adults\n\n3\\. Consent")
    assert inc == ["Male or female", "Adults", "Consent"]


def test_heading_with_its_first_item_on_the_same_line():
    inc, exc = split_criteria("Inclusion Criteria: 1. Adults\n2. Consent\n\nExclusion Criteria: 1. Age under 40")
    assert (inc, exc) == (["Adults", "Consent"], ["Age under 40"])


def test_short_qualified_heading_without_the_word_criteria():
    inc, exc = split_criteria("* A\n\nTransplant Exclusion:\n\n  -  Heart surgery\n")
    assert inc == ["A"] and exc == ["Transplant Exclusion:", "Heart surgery"]


def test_lead_in_over_a_sub_list_gives_separate_items_but_a_parent_keeps_its_sub_items():
    block = ("Inclusion Criteria:\n\n* Patients are eligible only if they meet all of the following criteria:\n\n"
             "  1. Adults\n  2. Consent\n  3. Stage IV\n"
             "* Cancer including the following types:\n\n  - Colon\n  - Lung\n  - Renal")
    assert split_criteria(block)[0] == [
        "Patients are eligible only if they meet all of the following criteria:", "Adults", "Consent", "Stage IV",
        "Cancer including the following types: Colon; Lung; Renal",
    ]


def test_legacy_xml_indented_dash_lists_with_wrapped_lines():
    block = ("\n        Inclusion Criteria:\n\n          -  history of at least six months with mood\n"
             "             disturbances;\n\n          -  consent\n\n        Exclusion Criteria:\n\n"
             "          -  pregnancy\n")
    assert split_criteria(block) == (["history of at least six months with mood disturbances;", "consent"], ["pregnancy"])
