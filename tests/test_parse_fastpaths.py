"""The parsers' fast paths give what the general code they stand in for gives.

Each shortcut (C-level XML child lookups, a reflow without list items, "\\n"-anchored
line searches, header-first section splitting, whitespace already tidy) is checked
against the library behaviour or the definition it replaces, on generated input.
"""

from __future__ import annotations

import dataclasses
import pickle
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from ssg.sources import clinconnect, compact, labelled, parse_text
from ssg.sources import textpage as tp
from ssg.sources.criteria import _clean, split_criteria
from ssg.sources.ctgov_xml import _find, _findall, _Xml, reflow

FAST = settings(deadline=None, max_examples=300, derandomize=True)

# --- XML: child lookups and text -------------------------------------------------

TAGS = st.sampled_from(["a", "b", "c"])
TEXTS = st.sampled_from([None, "", " ", "x", " y  z ", "\n  q\n"])


@st.composite
def trees(draw, depth=3) -> ET.Element:
    el = ET.Element(draw(TAGS))
    el.text, el.tail = draw(TEXTS), draw(TEXTS)
    if depth:
        for _ in range(draw(st.integers(0, 3))):
            el.append(draw(trees(depth=depth - 1)))
    return el


PATHS = ["a", "b", "a/b", "b/a", "a/b/c", "c/c", "a/a/a"]


@FAST
@given(trees())
def test_child_lookups_match_elementpath(root):
    # ElementTree sends "a/b" through ElementPath; _find/_findall must pick the same elements,
    # including when the first "a" has no "b" but a later one does.
    for path in PATHS:
        assert _find(root, path) is root.find(path), path
        assert _findall(root, path) == root.findall(path), path


@FAST
@given(trees())
def test_element_text_is_all_its_text_with_spaces_tidied(root):
    x = _Xml("p.xml")
    for path in PATHS:
        el = root.find(path)
        expected = None if el is None else (" ".join("".join(el.itertext()).split()) or None)
        assert x.text(root, path) == expected, path
        values = [" ".join("".join(e.itertext()).split()) for e in root.findall(path)]
        assert x.texts(root, path) == list(dict.fromkeys(v for v in values if v)), path


def xml_record(locations: str) -> str:
    return (f"<clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info>"
            f"<brief_title>T</brief_title>{locations}</clinical_study>")


def test_location_with_two_facilities_reads_like_the_xpath():
    # The common shape (one facility, one address) is read directly; any other shape goes
    # through the paths, where "facility/address/city" is the first city of any facility.
    odd = ("<location><facility><name>First</name></facility>"
           "<facility><name>Second</name><address><city>Lyon</city><country>France</country></address></facility>"
           "<status>Recruiting</status></location>")
    plain = ("<location><facility><name>Only</name><address><city>Oslo</city><country>Norway</country>"
             "</address></facility></location>")
    trial = parse_text(xml_record(odd + plain), "x.xml")
    got = [(loc.facility, loc.city, loc.country, loc.status) for loc in trial.locations]
    assert got == [("First", "Lyon", "France", "RECRUITING"), ("Only", "Oslo", "Norway", None)]


# --- XML: textblocks ---------------------------------------------------------------

LINES = st.lists(st.sampled_from([
    "", "   ", "Some words here", "  more words", "- a bullet", "* star item", "o o-bullet", "1. numbered",
    "12) numbered", "1234. not a marker", "-no space", "    - nested", "\twith tab", "x\ty",
]), max_size=12)


@FAST
@given(LINES, st.integers(0, 6))
def test_reflow_ignores_a_common_margin(lines, margin):
    # reflow no longer dedents: only differences between indents matter, so a margin added
    # to every line changes nothing (which is what textwrap.dedent used to remove).
    raw = "\n".join(lines).expandtabs(4)  # (a margin added before a tab would move its tab stop)
    assert reflow(textwrap.indent(raw, " " * margin)) == reflow(raw) == reflow(textwrap.dedent(raw))


def test_reflow_paragraphs_and_lists():
    prose = "\n        First paragraph wrapped\n        over two lines.\n\n        Second one.\n      "
    assert reflow(prose) == "First paragraph wrapped over two lines.\n\nSecond one."
    items = ("\n        Inclusion Criteria:\n\n          -  Aged 18 to 75 years, signed\n             consent.\n"
             "          -  Stable dose\n             - of a drug (a wrapped line starting with '-')\n"
             "\n               1. nested after a blank line\n")
    assert reflow(items) == ("Inclusion Criteria:\n\n* Aged 18 to 75 years, signed consent.\n"
                             "* Stable dose - of a drug (a wrapped line starting with '-')\n  1. nested after a blank line")


# --- Text pages: detection and sections -------------------------------------------

def test_label_and_banner_lines_are_found_only_as_whole_lines():
    assert labelled.has_label_line("Recruitment Status\nRECRUITING")  # on the first line
    assert labelled.has_label_line("x\nEligible Sex  \t\nALL")
    assert not labelled.has_label_line("The Recruitment Status is open\nxEligible Sex")
    assert labelled.has_nct_line("NCT ID: NCT01234567") and labelled.has_nct_line("T\nNCT ID: x")
    assert not labelled.has_nct_line("see NCT ID: NCT01234567")
    assert labelled.is_clinconnect_head("ClinConnect\nSearch / Trial NCT01234567")
    assert not labelled.is_clinconnect_head("About ClinConnect")


def test_label_check_remembers_only_the_same_text():
    with_label, without = "T\nNCT ID: NCT01234567\nRecruitment Status\nX", "T\nNCT ID: NCT01234567\nX"
    for _ in range(2):
        assert labelled.has_label_line(with_label) and not labelled.has_label_line(without)
        assert labelled.detect(with_label) and not compact.detect(with_label)
        assert compact.detect(without) and not labelled.detect(without)


def test_clinconnect_needs_two_different_banner_lines():
    assert clinconnect.detect("ClinConnect\nSearch / Trial NCT01234567\nTitle")
    assert not clinconnect.detect("ClinConnect\nClinConnect Summary\nTitle")  # both start "ClinConnect"
    assert not clinconnect.detect("x Launched by A\nx Current as of B")  # not at line starts


SECTION_LINES = st.lists(st.sampled_from([
    "", "Conditions", "Study Design", "Investigators", "Participants, Investigators", "About Acme",
    "Review the conditions studied here in detail.", "Learn about the design of this study and more.",
    "text", "more text",
]), max_size=14)


def split_sections_by_line(lines, headers=tp.SECTIONS, prefixes=(), skip_blurb=True):
    """The line-by-line definition split_sections replaces."""
    head, sections, current, seen = [], {}, None, False
    for i, (no, t) in enumerate(lines):
        if (t in headers or (prefixes and t.startswith(prefixes))) and not tp._masked_roles_value(lines, i, skip_blurb):
            current, seen = tp.Section(t, no), False
            sections.setdefault(t, current)
            continue
        if current is None:
            head.append((no, t))
            continue
        if t and not seen:
            seen = True
            if skip_blurb and tp.is_blurb(t):
                continue
        current.lines.append((no, t))
    return head, sections


@FAST
@given(SECTION_LINES, st.booleans())
def test_sections_match_the_line_by_line_definition(texts, clin):
    lines = list(enumerate(texts, 1))
    options = {"prefixes": ("About ",), "skip_blurb": False} if clin else {}
    headers = clinconnect.HEADERS if clin else tp.SECTIONS
    assert tp.split_sections(lines, headers, **options) == split_sections_by_line(lines, headers, **options)


def test_lines_of_numbers_and_strips_every_line():
    assert tp.lines_of(" a \r\nb\r\n\r c") == [(1, "a"), (2, "b"), (3, ""), (4, "c")]


# --- Criteria ----------------------------------------------------------------------

@FAST
@given(st.text(alphabet=" ab\t\n\x0b\x1c\xa0\u2028é≥*_\\>", max_size=12))
def test_clean_tidies_whitespace_like_split_and_join(text):
    expected = text.replace("**", "").replace("__", "") if ("**" in text or "__" in text) else text
    if "\\" in expected:
        from ssg.sources.normalize import clean_markdown_escapes
        expected = clean_markdown_escapes(expected)
    assert _clean(text) == " ".join(expected.split())


def test_criteria_with_tabs_odd_spaces_and_bare_markers():
    block = "Inclusion Criteria:\n\t* Age\t18  or older\n*\n1.2.\n  * Consent\xa0given \n\nExclusion Criteria: 1. None"
    assert split_criteria(block) == (["Age 18 or older", "Consent given"], ["None"])


# --- Dates, record reads, pickles ----------------------------------------------------

def _strptime_date(text: str) -> str | None:
    """normalize.iso_date's general path: the first of its strptime formats that reads the text."""
    from datetime import datetime

    from ssg.sources.normalize import _DATE_FORMATS

    for fmt, precision in _DATE_FORMATS:
        try:
            d = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return d.strftime({"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[precision])
    return None


MONTH_WORDS = st.sampled_from(["March", "march", "MAR", "Mar", "May", "Sep", "September", "Sept", "Febr", "Marc"])


@FAST
@given(MONTH_WORDS, st.sampled_from(["", "0", "00", "1", "07", "9", "29", "30", "31", "32", "001"]),
       st.sampled_from(["2000", "2024", "2023", "1000", "0999", "0001", "9999", "20240"]))
def test_month_name_dates_read_like_strptime(month, day, year):
    from ssg.sources.normalize import _month_name_date

    text = f"{month} {day}, {year}" if day else f"{month} {year}"
    quick = _month_name_date(text)
    assert quick is None or quick == _strptime_date(text), text
    if month.lower() in ("march", "mar", "may", "sep", "september") and 2000 <= int(year) <= 9999 and (
            not day or (len(day) <= 2 and 1 <= int(day) <= 29)):
        assert quick is not None, text  # the records' usual forms do take the quick path


def test_record_files_are_read_whole_and_checked(tmp_path, monkeypatch):
    import ssg.sources as sources
    from ssg.errors import ParseError
    from ssg.sources import parse_file

    seed_file = Path(__file__).parent.parent / "content" / "trials" / "NCT02663973.json"
    (tmp_path / "a.json").write_text("\ufeff" + seed_file.read_text(encoding="utf-8"), encoding="utf-8")
    read, seed = parse_file(tmp_path / "a.json"), parse_file(seed_file)
    assert read.model_dump(exclude={"sources"}) == seed.model_dump(exclude={"sources"})
    with pytest.raises(ParseError, match="cannot read file: Is a directory"):
        parse_file(tmp_path)
    monkeypatch.setattr(sources, "MAX_BYTES", 100)
    with pytest.raises(ParseError, match="records over 100 bytes are refused"):
        parse_file(tmp_path / "a.json")
    with pytest.raises(ParseError, match="cannot read file: No such file"):
        parse_file(tmp_path / "gone.json")
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(ParseError, match="file is empty"):
        parse_file(tmp_path / "empty.txt")


def _fields_set_everywhere(value):
    """Every model's fields set, and every value's type, recursively (what == does not compare)."""
    if isinstance(value, BaseModel):
        return (type(value), tuple(sorted(value.model_fields_set)),
                tuple(_fields_set_everywhere(getattr(value, k)) for k in type(value).model_fields))
    if isinstance(value, list):
        return tuple(_fields_set_everywhere(v) for v in value)
    if dataclasses.is_dataclass(value):
        return (type(value), tuple(_fields_set_everywhere(getattr(value, f.name)) for f in dataclasses.fields(value)))
    return (type(value), value)


def test_trials_pickle_and_come_back_the_same():
    # The parse workers send every Trial to the build as a pickle (ssg.parallel.send) and the
    # cache keeps it: the models have their own compact pickles (ssg.model).
    from ssg.model import Contact, Location, Trial
    from ssg.sources import parse_file, record_files

    root = Path(__file__).parent.parent
    trials = [parse_file(p) for p in record_files([root / "content" / "trials", root / "tests" / "data"])]
    trials.append(Trial(nct_id="NCT01234567", title="Bare"))
    assert any(t.locations for t in trials) and any(t.contacts for t in trials)
    for t in trials:
        for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
            back = pickle.loads(pickle.dumps(t, protocol=protocol))
            assert back == t and _fields_set_everywhere(back) == _fields_set_everywhere(t)
    back = pickle.loads(pickle.dumps(next(t for t in trials if t.locations).locations[0]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.city = "Elsewhere"  # still frozen
    with pytest.raises(ValidationError):
        trials[0].model_copy().__class__(nct_id="NCT01234567", title="x", unknown=1)
    assert Location.__reduce__ is not object.__reduce__ and Contact.__reduce__ is not object.__reduce__


def test_a_trials_sites_and_contacts_pickle_flat():
    # Trial.__reduce_ex__ sends its sites and contacts as one tuple of values each: the pickle
    # calls no function per site, so its REDUCE count does not grow with the number of sites.
    import pickletools

    from ssg.model import Contact, Location, Trial

    def reduces(n: int) -> int:
        t = Trial(nct_id="NCT01234567", title="Sites",
                  locations=[Location(facility=f"Site {i}", city="Lyon", country="France") for i in range(n)],
                  contacts=[Contact(name=f"Nurse {i}", facility=f"Site {i}") for i in range(n)])
        data = pickle.dumps(t, protocol=pickle.HIGHEST_PROTOCOL)
        assert pickle.loads(data) == t and list(pickle.loads(data).__dict__) == list(t.__dict__)
        return sum(op.name == "REDUCE" for op, _, _ in pickletools.genops(data))

    assert reduces(1) == reduces(40)


def test_parsers_make_sites_and_contacts_unchecked_equal_to_validated_ones():
    # The parsers build Location / Contact with .unchecked (their values are str or None by
    # construction); what they make must equal what validation makes from the same values.
    from ssg.model import Contact, Location

    assert Location.unchecked("Site", "Lyon", None, "France", "RECRUITING") == Location(
        facility="Site", city="Lyon", country="France", status="RECRUITING")
    assert Contact.unchecked("Ann", "CONTACT", "555", None, "Site") == Contact(
        name="Ann", role="CONTACT", phone="555", facility="Site")
    got = tp.locations(["General Hospital", "Lyon, Rhone, France", "Site Status Recruiting", "Paris, France"])
    assert got == [Location(facility="General Hospital", city="Lyon", state="Rhone", country="France",
                            status="RECRUITING"),
                   Location(facility="Paris, France")]
    assert tp.locations(["Paris, France", "Germany"], with_facility=False) == [
        Location(city="Paris", country="France"), Location(country="Germany")]
    assert tp.contacts(["Ann", "Role: CONTACT"]) == [Contact(name="Ann", role="CONTACT")]
