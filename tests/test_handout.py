"""Handout context and page (no browser): budgets that keep every trial on two sheets,
contacts, QR code, words to know, and a page without site navigation or search.
Printing to PDF and measuring pages is in test_handout_pdf.py."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import html5lib
import pytest

from ssg import handout
from ssg.config import SiteConfig
from ssg.model import Contact, Eligibility, Location, Sponsor, Status, Trial
from ssg.site import urls
from ssg.site.model import Site, TrialEntry

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://example.org/repo/"
NCT = "NCT09000001"


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Plain:
    """Stands in for ssg.plain.PlainSummary: the handout only reads these attributes."""

    sections: tuple[Section, ...]
    can_join: tuple[str, ...]
    cannot_join: tuple[str, ...]


def long_sentence(i: int) -> str:
    return f"Sentence {i} says something about the study in words that go on for quite a while " * 3


def huge_trial() -> Trial:
    """150 sites in 3 countries, 20,000 characters of criteria, ten contacts."""
    criterion = "Participants must have a documented history of the condition with lab values in range " * 4
    inclusion = [f"{i}. {criterion}" for i in range(60)]
    exclusion = [f"{i}. {criterion}" for i in range(60)]
    assert sum(map(len, inclusion + exclusion)) >= 20_000
    countries = ("United States", "Canada", "Mexico")
    return Trial(
        nct_id=NCT,
        title="A Study of Drug X in Adults With Lupus",
        status=Status.RECRUITING,
        last_updated="2025-05-28",
        eligibility=Eligibility(inclusion=inclusion, exclusion=exclusion, min_age_years=18),
        sponsors=[Sponsor(name="Example Pharma", role="lead")],
        locations=[
            Location(facility=f"Hospital {i}", city=f"City {i}", country=countries[i % 3],
                     status="COMPLETED" if i < 10 else "RECRUITING")
            for i in range(150)
        ],
        contacts=[Contact(name=f"Site nurse {i}", phone=f"555-010-{i:04d}", facility=f"Hospital {i}") for i in range(8)]
        + [Contact(name="Central desk", phone="+1 (800) 555-0199 ext 12", email="trials@example.org"),
           Contact(name="Central desk again", phone="+1 (800) 555-0199 ext 12", email="TRIALS@example.org")],
    )


def huge_plain() -> Plain:
    return Plain(
        sections=(
            Section("what", "What is being studied", tuple(long_sentence(i) for i in range(30))),
            Section("who", "Who can join", ("Adults aged 18 or older can join.",)),
            Section("happens", "What happens if you join", tuple(long_sentence(i) for i in range(30))),
            Section("where", "Where", ("The study takes place at 150 places in 3 countries.",)),
            Section("contact", "How to ask", ("Call the study team.",)),
        ),
        can_join=tuple(long_sentence(i) for i in range(40)),
        cannot_join=tuple(long_sentence(i) for i in range(40)),
    )


def small_trial(**changes) -> Trial:
    data = dict(
        nct_id="NCT09000002",
        title="Exercise for Knee Pain",
        status=Status.COMPLETED,
        last_updated="2024-03",
        locations=[Location(facility="Clinic A", city="Leeds", country="United Kingdom")],
        contacts=[Contact(name="Dr A", phone="0113 496 0000", email="a@example.org", facility="Clinic A")],
    )
    data.update(changes)
    return Trial(**data)


def small_plain() -> Plain:
    return Plain(
        sections=(Section("what", "What is being studied", ("This study looks at exercise for knee pain.",)),),
        can_join=("You are 40 or older.",),
        cannot_join=("You had knee surgery.",),
    )


def make_site(*entries: TrialEntry) -> Site:
    config = SiteConfig(title="Trials Near You", base_url=BASE_URL)
    return Site(config=config, entries=tuple(sorted(entries, key=lambda e: e.trial.nct_id)), conditions=(), sponsors=())


def entry(trial: Trial, plain: Plain) -> TrialEntry:
    return TrialEntry(trial=trial, plain=plain, conditions=(), sponsors=())


def printed_chars(h: handout.Handout) -> int:
    parts = [h.title, *h.summary, *h.can_join, *h.cannot_join, *h.happens, h.where_intro, *h.places]
    parts += [f"{c.name} {c.where} {c.phone} {c.email}" for c in h.contacts]
    parts += [f"{w.term} {w.definition}" for w in h.words]
    return sum(len(p) for p in parts)


# --- context limits -------------------------------------------------------------------------

def test_worst_case_is_cut_to_the_budgets():
    h = handout.build_handout(entry(huge_trial(), huge_plain()), BASE_URL)
    assert handout.pages_needed(h) <= handout.MAX_SHEETS
    assert 1 <= len(h.summary) < handout.MAX_SUMMARY_SENTENCES
    assert 1 <= len(h.happens) < handout.MAX_HAPPENS_SENTENCES
    assert 1 <= len(h.can_join) <= handout.MAX_JOIN_POINTS and 1 <= len(h.cannot_join) <= handout.MAX_JOIN_POINTS
    assert all(len(p) <= handout.MAX_POINT_CHARS for p in h.can_join + h.cannot_join)
    assert all(len(s) <= handout.MAX_SENTENCE_CHARS for s in h.summary + h.happens)
    assert h.criteria_online
    assert len(h.places) <= handout.MAX_PLACES and len(h.places) + h.more_places == 150
    assert 1 <= len(h.contacts) <= handout.MAX_CONTACTS and len(h.contacts) + h.more_contacts == 9
    assert h.contacts[0].name == "Central desk"  # never cut
    # Two sheets of 12 pt hold about 7,000 characters beside the headings and the contact box.
    assert printed_chars(h) < 5_000


def test_uncut_when_it_fits():
    h = handout.build_handout(entry(small_trial(), small_plain()), BASE_URL)
    assert h.summary == ("This study looks at exercise for knee pain.",)
    assert (h.can_join, h.cannot_join) == (("You are 40 or older.",), ("You had knee surgery.",))
    assert h.places == ("Clinic A, Leeds, United Kingdom",) and h.more_places == 0
    assert handout.pages_needed(h) == 1


def test_page_model_counts_pages():
    from dataclasses import replace

    h = handout.build_handout(entry(small_trial(), small_plain()), BASE_URL)
    long = replace(h, summary=tuple(long_sentence(i) for i in range(10)))  # about 32 lines of text
    assert handout.pages_needed(long) == 2
    longer = replace(long, happens=long.summary)
    assert handout.pages_needed(longer) == 3
    # a block kept whole moves to the next page when it does not fit
    assert handout.pages_needed(h, page_lines=20) == 2


def test_where_counts_places_and_countries_from_the_record():
    trial = huge_trial()
    h = handout.build_handout(entry(trial, Plain((), (), ())), BASE_URL)
    assert h.where_intro == "This study takes place at 150 places in 3 countries."
    # places still taking people come first
    assert h.places[0] == "Hospital 10, City 10, Canada"
    # the summary's own "where" sentences win when it has them
    assert handout.build_handout(entry(trial, huge_plain()), BASE_URL).where_intro.startswith(
        "The study takes place at 150 places")


def test_no_places_says_so():
    h = handout.build_handout(entry(small_trial(locations=[]), small_plain()), BASE_URL)
    assert h.places == () and h.more_places == 0
    assert "does not list the places" in h.where_intro


def test_sections_go_to_their_parts():
    h = handout.build_handout(entry(huge_trial(), huge_plain()), BASE_URL)
    assert h.summary[0].startswith("Sentence 0")
    assert not any("Call the study team" in s for s in h.summary + h.happens)
    assert not any("Adults aged 18" in s for s in h.summary)  # shown as points instead


# --- contacts -------------------------------------------------------------------------------

def test_central_contacts_first_and_no_repeats():
    h = handout.build_handout(entry(huge_trial(), huge_plain()), BASE_URL)
    first = h.contacts[0]
    assert (first.name, first.where, first.phone) == ("Central desk", "Study team", "+1 (800) 555-0199 ext 12")
    assert first.phone_href == "tel:+18005550199;ext=12"
    assert first.email == "trials@example.org"
    assert [c.name for c in h.contacts].count("Central desk again") == 0  # same phone and email
    small = handout.build_handout(entry(huge_trial(), small_plain()), BASE_URL)
    assert [c.where for c in small.contacts] == ["Study team", "Hospital 0", "Hospital 1"]
    assert small.more_contacts == 9 - handout.MAX_CONTACTS


def test_contacts_without_phone_or_email_are_dropped_and_bad_emails_ignored():
    trial = small_trial(contacts=[Contact(name="Nobody"), Contact(name="Bad", email="not an email", phone="12")])
    h = handout.build_handout(entry(trial, small_plain()), BASE_URL)
    assert len(h.contacts) == 1
    assert h.contacts[0].email is None and h.contacts[0].phone_href is None  # too short to dial


@pytest.mark.parametrize("phone, href", [
    ("0113 496 0000", "tel:01134960000"),
    ("+44 (0)113 496 0000", "tel:+4401134960000"),
    ("1-800-555-0199 x 23", "tel:18005550199;ext=23"),  # as on the trial page
    ("(+)1-888-84 22937", "tel:+1888842293" "7"),
    ("call us", None),
])
def test_tel_href(phone, href):
    assert handout.tel_href(phone) == href


# --- QR code --------------------------------------------------------------------------------

def test_qr_svg_is_csp_safe_and_labelled_with_the_trial_url():
    h = handout.build_handout(entry(small_trial(), small_plain()), BASE_URL)
    assert h.url == "https://example.org/repo/trials/NCT09000002/"
    svg = ET.fromstring(str(h.qr_svg))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("role") == "img" and h.url in svg.get("aria-label")
    assert "viewBox" in svg.attrib and "class" in svg.attrib
    for el in svg.iter():
        assert "style" not in el.attrib, el.tag
    assert svg.find("{http://www.w3.org/2000/svg}path").get("d")


def test_qr_url_follows_base_url():
    h = handout.build_handout(entry(small_trial(), small_plain()), "https://trials.example.net/")
    assert h.url == "https://trials.example.net/trials/NCT09000002/"


# --- words to know --------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    id: str
    term: str
    definition: str
    aliases: tuple[str, ...] = ()


GLOSSARY = (
    Term("placebo", "placebo", "A pill or shot with no medicine in it."),
    Term("randomized", "randomized", "Chosen by chance, like flipping a coin.", ("randomised", "randomly")),
    Term("ecog", "ECOG", "A score of how well you manage daily tasks."),
    Term("arm", "arm", "A group in a study."),
)


def test_find_words_uses_terms_and_aliases_in_order_of_use():
    text = "People are randomly put in groups. Some get a placebo. Charm and arms are not terms."
    words = handout.find_words(text, GLOSSARY)
    assert [w.id for w in words] == ["randomized", "placebo"]
    assert words[0].definition == "Chosen by chance, like flipping a coin."


def test_find_words_is_capped():
    many = tuple(Term(f"t{i}", f"word{i}", "A definition.") for i in range(20))
    words = handout.find_words(" ".join(f"word{i}" for i in range(20)), many)
    assert len(words) == handout.MAX_WORDS


def test_real_glossary_words_found_in_a_handout():
    glossary = pytest.importorskip("ssg.plain.glossary")
    terms = list(glossary.GLOSSARY.values() if isinstance(glossary.GLOSSARY, dict) else glossary.GLOSSARY)
    placebo = next(t for t in terms if t.term.lower() == "placebo")
    plain = Plain((Section("happens", "What happens", ("Some people get a placebo.",)),), (), ())
    h = handout.build_handout(entry(small_trial(), plain), BASE_URL)
    assert placebo.id in [w.id for w in h.words]


# --- text helpers ---------------------------------------------------------------------------

def test_shorten_cuts_at_a_word():
    assert handout.shorten("one  two\nthree", 50) == "one two three"
    cut = handout.shorten("alpha beta gamma delta", 13)
    assert cut == "alpha beta…" and len(cut) <= 13


def test_plain_title_and_dates():
    assert handout.plain_title("A STUDY OF DRUG X IN ADULTS") == "A study of drug x in adults"
    assert handout.plain_title("Drug X for HIV") == "Drug X for HIV"
    assert handout.human_date("2025-05-08") == "8 May 2025"
    assert handout.human_date("2024-03") == "March 2024"
    assert handout.human_date(None) is None


# --- the rendered page ----------------------------------------------------------------------

@pytest.fixture
def rendered() -> tuple[str, Site]:
    from ssg.render import Renderer

    site = make_site(entry(huge_trial(), huge_plain()), entry(small_trial(), small_plain()))
    files = list(handout.pages(site, Renderer(site)))
    assert [f.path for f in files] == [urls.handout_path("NCT09000001"), urls.handout_path("NCT09000002")]
    return files[0].data.decode("utf-8"), site


def test_page_has_no_navigation_or_search(rendered):
    html, _ = rendered
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    assert doc.findall(".//nav") == []
    assert doc.findall(".//form") == [] and doc.findall(".//input") == []
    assert doc.find(".//header[@class='site-header']") is None
    assert doc.find(".//footer[@class='site-footer']") is None
    links = [link.get("href") for link in doc.findall(".//link[@rel='stylesheet']")]
    assert "../../../assets/css/handout.css" in links
    assert doc.find(".//meta[@name='robots']").get("content") == "noindex"


def test_page_shows_what_a_patient_needs(rendered):
    html, _ = rendered
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    text = " ".join("".join(doc.find(".//body").itertext()).split())
    assert doc.find(".//h1").text == "A Study of Drug X in Adults With Lupus"
    assert "+1 (800) 555-0199 ext 12" in text
    assert doc.find(".//a[@href='tel:+18005550199;ext=12']") is not None
    assert doc.find(".//a[@href='mailto:trials@example.org']") is not None
    assert "Talk to your doctor before joining a study." in text
    assert "NCT09000001" in text and "28 May 2025" in text
    h = handout.build_handout(entry(huge_trial(), huge_plain()), BASE_URL)
    assert f"and {h.more_places} more places" in text and h.more_places >= 150 - handout.MAX_PLACES
    assert "Looking for people to join now" in text
    assert doc.find(".//a[@href='../']") is not None  # back to the trial page (screen only)
    assert doc.find(".//*[@aria-label='QR code: https://example.org/repo/trials/NCT09000001/']") is not None


def test_page_has_no_inline_style_or_script(rendered):
    html, _ = rendered
    assert not re.search(r"<style|\sstyle=|<script", html)


def test_headings_are_in_order(rendered):
    html, _ = rendered
    levels = [int(m) for m in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:]))


def test_record_text_is_escaped():
    from ssg.render import Renderer

    trial = small_trial(title="<script>alert(1)</script> Knee study",
                        contacts=[Contact(name="<b>x</b>", phone="0113 496 0000", email="a@example.org")])
    site = make_site(entry(trial, small_plain()))
    html = next(iter(handout.pages(site, Renderer(site)))).data.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>x</b>" not in html


# --- stylesheet and command -----------------------------------------------------------------

def test_print_css_rules():
    css = (ROOT / "static" / "css" / "handout.css").read_text()
    assert re.search(r"@page\s*{[^}]*size:\s*auto", css)
    body = re.search(r"\.handout\s*{([^}]*)}", css).group(1)
    size = float(re.search(r"font-size:\s*([\d.]+)pt", body).group(1))
    assert size >= 12
    assert re.search(r"h3\s*{[^}]*break-after:\s*avoid", css)
    assert "break-inside: avoid" in css


def test_handouts_command_names_what_to_install(tmp_path, monkeypatch, capsys):
    from ssg import pdf
    from ssg.cli import main

    page = tmp_path / urls.handout_path(NCT)
    page.parent.mkdir(parents=True)
    page.write_text("<html><head></head><body></body></html>")
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    assert main(["handouts", "--pdf", "--site", str(tmp_path)]) == 1
    assert "apt-get install chromium" in capsys.readouterr().err
    assert not (tmp_path / "handouts").exists()


def test_handouts_command_needs_a_built_site(tmp_path, capsys):
    from ssg.cli import main

    assert main(["handouts", "--pdf", "--site", str(tmp_path / "nope")]) == 2
    assert "build the site first" in capsys.readouterr().err


def test_pdf_tests_fail_rather_than_skip_when_tools_are_required(monkeypatch):
    import test_handout_pdf

    monkeypatch.setattr(test_handout_pdf.shutil, "which", lambda name: None)
    monkeypatch.setenv("SSG_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="zbarimg"):
        test_handout_pdf.need_tools()
    monkeypatch.delenv("SSG_REQUIRE_BROWSER")
    with pytest.raises(pytest.skip.Exception, match="apt-get install"):
        test_handout_pdf.need_tools()
