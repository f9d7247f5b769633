"""The glossary: its terms, marking their first use in HTML, record-defined acronyms, the page."""

from __future__ import annotations

import re
from collections import Counter

import html5lib
import pytest

from conftest import SEEDS
from ssg.plain.glossary import (BY_ID, GLOSSARY, ODD_CASE_FOLDS, _index, annotate, annotate_each, lookup, matches,
                                record_acronyms)
from ssg.plain.readability import fk_grade, split_sentences

HREF = "../../glossary/"
BANNED = re.compile(r"\b(safe|cure|cures|breakthrough|free|new treatments?)\b", re.I)


def strict_parse(fragment: str):
    """Parse as an HTML fragment and fail on any parse error."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(fragment)


def marks(html: str) -> list[tuple[str, str]]:
    """(term id, marked text) for every glossary link in the fragment."""
    return re.findall(r'<a class="term" href="[^"]*#([^"]+)"><(?:dfn|abbr) title="[^"]*">([^<]*)</', html)


# ---------------------------------------------------------------- the terms


def test_at_least_150_terms_with_unique_ids():
    assert len(GLOSSARY) >= 150
    ids = [t.id for t in GLOSSARY]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) and not i.startswith("letter-") for i in ids)


def test_terms_are_sorted():
    keys = [t.term.casefold() for t in GLOSSARY]
    assert keys == sorted(keys)


@pytest.mark.parametrize("term", GLOSSARY, ids=lambda t: t.id)
def test_definition_is_short_and_plain(term):
    sentences = split_sentences(term.definition)
    assert 1 <= len(sentences) <= 2, term.definition
    assert fk_grade(sentences) <= 8, (fk_grade(sentences), term.definition)
    assert not BANNED.search(term.definition)
    assert term.definition.endswith(".")


def test_no_word_points_to_two_terms():
    owner: dict[str, str] = {}
    for t in GLOSSARY:
        for s in t.match_strings:
            key = s if sum(c.isupper() for c in s) >= 2 else s.casefold()
            assert owner.setdefault(key, t.id) == t.id, (s, owner[key], t.id)


def test_required_topics_are_covered():
    for word in ["Phase 1", "randomized", "placebo", "double-blind", "masking", "ECOG", "RECIST", "informed consent",
                 "contraception", "childbearing potential", "ALT", "AST", "eGFR", "ULN", "creatinine", "bilirubin",
                 "platelets", "neutrophils", "hemoglobin", "measurable disease", "first-line", "refractory",
                 "relapsed", "metastatic", "pharmacokinetics", "tolerability", "dose escalation", "open-label",
                 "cohort", "study arm", "endpoint", "adverse event", "CTCAE", "investigator", "sponsor", "washout",
                 "biopsy", "outcomes assessor"]:
        assert lookup(word) is not None, word


def test_lookup_is_case_sensitive_only_for_acronyms():
    assert lookup("Placebo") is BY_ID["placebo"]
    assert lookup("ALT") is BY_ID["alt"]
    assert lookup("alt") is None  # the English word "alt" is not the liver test


# ---------------------------------------------------------------- annotate


def test_marks_only_the_first_use():
    out = annotate("<p>A placebo. Another placebo. Placebo again.</p>", HREF)
    assert marks(out) == [("placebo", "placebo")]
    assert out.count("placebo") + out.count("Placebo") == 3 + 1  # three uses + one link target


def test_link_and_tooltip_shape():
    out = annotate("<p>It is randomized.</p>", HREF)
    assert ('<a class="term" href="../../glossary/#randomized"><dfn title="Put into a group by chance, '
            'like flipping a coin. This keeps the groups fair.">randomized</dfn></a>') in out


def test_acronyms_use_abbr_with_their_expansion():
    out = annotate("<p>ECOG 0-1 and ALT below 3 x ULN.</p>", HREF)
    assert [m[0] for m in marks(out)] == ["ecog", "alt", "uln"]
    assert '<abbr title="alanine aminotransferase: A liver protein' in out


def test_never_inside_attributes_links_abbr_or_dfn():
    html = ('<p title="placebo randomized"><a href="/x">placebo</a> <abbr title="y">ECOG</abbr> '
            '<dfn>cohort</dfn> <img alt="biopsy"> then placebo, cohort and biopsy.</p>')
    out = annotate(html, HREF)
    assert out.startswith('<p title="placebo randomized"><a href="/x">placebo</a> <abbr title="y">ECOG</abbr> '
                          '<dfn>cohort</dfn> <img alt="biopsy"> then ')
    assert [m[0] for m in marks(out)] == ["placebo", "cohort", "biopsy"]
    strict_parse(out)


def test_never_in_code_or_headings():
    out = annotate("<h2>Placebo</h2><pre>placebo</pre><code>placebo</code><p>placebo</p>", HREF)
    assert out.startswith("<h2>Placebo</h2><pre>placebo</pre><code>placebo</code><p><a class=\"term\"")


def test_seen_is_shared_between_fragments():
    seen: set[str] = set()
    first = annotate("<p>placebo</p>", HREF, seen)
    second = annotate("<p>placebo and cohort</p>", HREF, seen)
    assert marks(first) == [("placebo", "placebo")]
    assert marks(second) == [("cohort", "cohort")]
    assert seen == {"placebo", "cohort"}


def test_entities_and_markup_pass_through_unchanged():
    html = "<ul><li>ALT &lt; 2.5 &times; ULN &amp; no <em>placebo</em></li></ul><!-- note -->"
    out = annotate(html, HREF)
    assert re.sub(r"<a class=\"term\"[^>]*><(dfn|abbr) title=\"[^\"]*\">([^<]*)</\1></a>", r"\2", out) == html
    strict_parse(out)


def test_words_inside_longer_words_are_not_marked():
    out = annotate("<p>placebo-controlled and unrandomized and ALTitude</p>", HREF)
    assert [m[0] for m in marks(out)] == ["placebo-controlled"]


def test_words_right_after_a_mark_wait_for_a_later_use():
    out = annotate("<p>Acute Ischemic Stroke. Later a stroke.</p>", HREF)
    assert marks(out) == [("acute", "Acute"), ("stroke", "stroke")]


def test_longest_term_wins():
    out = annotate("<p>A serious adverse event happened.</p>", HREF)
    assert marks(out) == [("serious-adverse-event", "serious adverse event")]


def test_title_text_is_escaped():
    out = annotate("<p>lupus</p>", HREF)
    assert "body&#x27;s" in out
    strict_parse(out)


# ---------------------------------------------------------------- record-defined acronyms


def test_record_acronyms_found_with_their_long_form():
    text = ("Eastern Cooperative Oncology Group (ECOG) score of 0-2. Cancer Therapy-Induced Thrombocytopenia (CTIT). "
            "Acute Ischemic Stroke (AIS), and the safety (not an acronym) of 2 doses (x).")
    assert record_acronyms(text) == {
        "ECOG": "Eastern Cooperative Oncology Group",
        "CTIT": "Cancer Therapy-Induced Thrombocytopenia",
        "AIS": "Acute Ischemic Stroke",
    }


def test_record_acronym_not_in_glossary_gets_abbr():
    html = "<p>Cancer Therapy-Induced Thrombocytopenia (CTIT) is common. Later, CTIT again.</p>"
    out = annotate(html, HREF)
    assert out.count('<abbr title="Cancer Therapy-Induced Thrombocytopenia">CTIT</abbr>') == 1
    strict_parse(out)


def test_record_acronyms_from_elsewhere_in_the_record():
    out = annotate("<p>Patients with AIS.</p>", HREF, acronyms={"AIS": "Acute Ischemic Stroke"})
    assert '<abbr title="Acute Ischemic Stroke">AIS</abbr>' in out


def test_record_acronym_whose_long_form_is_a_glossary_term_links_there():
    out = annotate("<p>We measure PKX levels.</p>", HREF, acronyms={"PKX": "pharmacokinetics"})
    assert marks(out) == [("pharmacokinetics", "PKX")]
    assert '<abbr title="pharmacokinetics: How the body' in out


def test_a_defined_glossary_acronym_is_marked_once():
    out = annotate("<p>Eastern Cooperative Oncology Group (ECOG) 0-1. ECOG 2 is out.</p>", HREF)
    assert [m[0] for m in marks(out)] == ["ecog"]


# ---------------------------------------------------------------- the quick search agrees with the exact one


def test_odd_case_folds_are_every_code_point_that_lower_casing_could_get_wrong():
    """matches() searches lower-cased text unless one of ODD_CASE_FOLDS occurs; that is only
    right if no other code point lower-cases to ASCII, to more than one character or across the
    word/non-word line, or is taken for a glossary character by case-insensitive matching."""
    word = re.compile(r"[\w-]")
    alphabet = re.compile("(?i)[" + re.escape("".join(sorted({c for s in _index()[1:] for k in s for c in k}))) + "]")
    odd = []
    for cp in range(0x80, 0x110000):
        c = chr(cp)
        low = c.lower()
        if (len(low) != 1 or low.isascii() or bool(word.match(c)) != bool(word.match(low))
                or alphabet.fullmatch(c)):
            odd.append(c)
    assert "".join(odd) == ODD_CASE_FOLDS
    # _quick_marks reads text whose other characters are all non-word ones as ASCII with "?"s
    # for them: right because every odd one is a word character.
    assert all(word.match(c) for c in ODD_CASE_FOLDS)


def _random_texts(n: int, seed: int):
    import random

    rnd = random.Random(seed)
    strings = [s for t in GLOSSARY for s in t.match_strings]
    glue = [" ", "", "-", "/", ", ", "(", ")", "x", "_", "\n", "&amp;", "é", "≥", "ALT", "alt", "AlT", "k",
            *ODD_CASE_FOLDS]
    for _ in range(n):
        parts = []
        for _ in range(rnd.randint(1, 6)):
            s = rnd.choice(strings)
            case = rnd.random()
            s = s if case < .4 else s.lower() if case < .6 else s.upper() if case < .8 else "".join(
                c.upper() if rnd.random() < .5 else c.lower() for c in s)
            parts += [s if rnd.random() < .7 else rnd.choice(glue), rnd.choice(glue)]
        yield "".join(parts)


def test_matches_finds_what_the_exact_pattern_finds():
    pattern = _index()[0]
    for text in _random_texts(20000, seed=1):
        expected = []
        for m in pattern.finditer(text):
            term = lookup(m.group())
            expected.append((m.start(), m.end(), m.group(), term.id if term else None))
        assert list(matches(text)) == expected, text


def test_matches_respects_acronym_case_and_word_boundaries():
    found = [(w, t) for _, _, w, t in matches("ALT alt Alt ALT-x xALT HbA1c hba1c placebo-PLACEBO \u212aETO")]
    assert ("ALT", "alt") in found and all(w != "alt" and w != "Alt" for w, _ in found)
    assert [w for w, _ in found].count("ALT") == 1


def test_annotate_each_is_annotate_in_turn():
    import random

    rnd = random.Random(2)
    texts = list(_random_texts(3000, seed=3)) + [
        "Eastern Cooperative Oncology Group (ECOG) 0-1", "ECOG 2", "placebo", "randomized placebo", "", "  ",
        "&lt;18 years", "<b>placebo</b>"]
    for _ in range(3000):
        items = rnd.sample(texts, rnd.randint(0, 8))
        seen_one, seen_each = set(), set()
        one_by_one = [annotate(t, HREF, seen_one) for t in items]
        assert annotate_each(items, HREF, seen_each) == one_by_one, items
        assert seen_each == seen_one


def test_a_row_of_terms_is_cut_at_the_end_of_each_criterion():
    # "placebo" ends one criterion and "randomized" starts the next: both are marked, as they
    # would be one criterion at a time; within one criterion the second of a row waits.
    assert [m[0] for m in marks("".join(annotate_each(["Given placebo", "Randomized later"], HREF)))] == [
        "placebo", "randomized"]
    assert [m[0] for m in marks(annotate("Given placebo randomized", HREF))] == ["placebo"]


# ---------------------------------------------------------------- on real text


def test_annotated_record_text_is_valid_html(corpus_v2):
    from ssg.render.markdown import render_markdown
    from ssg.sources import parse_file

    counts = Counter()
    for path in [*SEEDS, *corpus_v2[:60]]:
        trial = parse_file(path)
        acronyms = record_acronyms(" ".join(filter(None, [trial.brief_summary, trial.detailed_description,
                                                           *trial.eligibility.inclusion, *trial.eligibility.exclusion])))
        seen: set[str] = set()
        for text in filter(None, [trial.brief_summary, trial.detailed_description, *trial.eligibility.inclusion]):
            rendered = str(render_markdown(text))
            out = annotate(rendered, HREF, seen, acronyms)
            strict_parse(out)
            counts["marks"] += len(marks(out))
            # Removing our marks gives back exactly what went in.
            plain = re.sub(r'<a class="term" href="[^"]*"><(dfn|abbr) title="[^"]*">([^<]*)</\1></a>', r"\2", out)
            assert re.sub(r'<abbr title="[^"]*">([^<]*)</abbr>', r"\1", plain) == re.sub(
                r'<abbr title="[^"]*">([^<]*)</abbr>', r"\1", rendered), path.name
    assert counts["marks"] > 100


# ---------------------------------------------------------------- the glossary page


def test_glossary_page(tmp_path):
    from ssg.config import SiteConfig
    from ssg.plain.glossary_page import letter_groups, pages
    from ssg.render import Renderer
    from ssg.site.model import Site

    site = Site(config=SiteConfig(title="Trials", base_url="https://example.org/repo/"),
                entries=(), conditions=(), sponsors=())
    (out,) = list(pages(site, Renderer(site)))
    assert out.path == "glossary/index.html"
    html = out.data.decode("utf-8")
    html5lib.HTMLParser(strict=True).parse(html)
    dt_ids = re.findall(r'<dt id="([^"]+)"', html)
    assert dt_ids == [t.id for g in letter_groups() for t in g.terms]
    assert sorted(dt_ids) == sorted(BY_ID)
    # Jump bar: every link goes to a letter section on the page.
    jumps = re.findall(r'<a href="#(letter-[a-z]+)">', html)
    assert jumps and all(f'id="{j}"' in html for j in jumps)
    assert len(re.findall(r"<dd>", html)) == len(GLOSSARY)
    assert "<dfn>Phase 1</dfn>" in html


def test_quick_marks_are_the_marks_matches_gives():
    """_quick_marks (scanning a copy of the text with boundaries as spaces) marks exactly what the
    plain walk over matches() marks, for texts full of terms written with odd separators."""
    import random

    from ssg.plain import glossary as g

    _, exact, folded = g._index()
    pieces = list(exact) + list(folded) + [" ", ",", ".", "/", "+", "-", "(", "\n", "x", "é", "“", "_", "3"]
    rnd = random.Random(7)
    compared = 0
    for _ in range(20000):
        parts = []
        for _ in range(rnd.randint(1, 10)):
            p = rnd.choice(pieces)
            r = rnd.random()
            p = p.upper() if r < 0.2 else p.title() if r < 0.3 else p
            if rnd.random() < 0.2:
                p = p.replace(" ", rnd.choice([",", "/", ".", "  ", "+"]))
            parts.append(p + rnd.choice([" ", ", ", "/", "", "\n"]))
        texts = ["".join(parts), "".join(reversed(parts))][: rnd.randint(1, 2)]
        joined, seen = "\n".join(texts), set(rnd.sample([t.id for t in g.GLOSSARY], 2))
        quick_seen, walk_seen = set(seen), set(seen)
        quick = g._quick_marks(joined, texts, quick_seen)
        if quick is None:  # gave up (an acronym in the wrong case): matches() decides
            assert quick_seen == seen
            continue
        compared += 1
        assert quick == g._marks_by_matches(joined, texts, walk_seen), texts
        assert quick_seen == walk_seen
    assert compared > 15000


def test_quick_marks_keep_rows_of_marks_inside_one_of_many_texts():
    """With many texts (a criteria list), a row of marks never runs on into the next text, also
    when a text holds newlines of its own or is empty."""
    import random

    from ssg.plain import glossary as g

    _, exact, folded = g._index()
    words = [w for w in folded if " " not in w][:60]
    rnd = random.Random(11)
    compared = 0
    for _ in range(5000):
        texts = [" ".join(rnd.choice(words + ["and", "\n", ",", ""]) for _ in range(rnd.randint(0, 6)))
                 for _ in range(rnd.randint(1, 8))]
        joined = "\n".join(texts)
        quick_seen, walk_seen = set(), set()
        quick = g._quick_marks(joined, texts, quick_seen)
        assert quick is not None
        compared += bool(quick)
        assert quick == g._marks_by_matches(joined, texts, walk_seen), texts
        assert quick_seen == walk_seen
    assert compared > 4000
