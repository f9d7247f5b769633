"""The glossary of trial words, and marking their first use in an HTML fragment.

GLOSSARY is loaded once from glossary.toml (definitions written for this project).
`annotate` works on HTML that our own renderer produced (Jinja with autoescape,
markdown-it with raw HTML off). It walks the fragment with the standard library's
HTMLParser and only changes text between tags, so tags, attributes and entities pass
through untouched, and text inside links, <abbr>, <dfn>, code, headings and form
controls is never marked.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

DATA_FILE = Path(__file__).with_name("glossary.toml")

# Text inside these elements is never marked: links (no nested links), existing
# definitions, code, headings, interactive controls and raw-text elements.
SKIP_TAGS = frozenset(
    "a abbr dfn code pre kbd samp script style textarea button select option label summary "
    "title svg math h1 h2 h3 h4 h5 h6".split()
)
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    expansion: str | None = None  # what an acronym stands for
    match_term: bool = True  # False: the term itself is too common a word; mark only aliases

    @property
    def match_strings(self) -> tuple[str, ...]:
        return ((self.term,) if self.match_term else ()) + self.aliases

    @property
    def letter(self) -> str:
        """The A–Z heading this term is filed under ("#" for digits)."""
        first = self.term[:1].upper()
        return first if first.isalpha() else "#"


def _load(path: Path = DATA_FILE) -> tuple[Term, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    terms = [
        Term(
            id=t["id"],
            term=t["term"],
            definition=" ".join(t["definition"].split()),
            aliases=tuple(t.get("aliases", ())),
            expansion=t.get("expansion"),
            match_term=t.get("match_term", True),
        )
        for t in data["term"]
    ]
    return tuple(sorted(terms, key=lambda t: (t.term.casefold(), t.id)))


GLOSSARY: tuple[Term, ...] = _load()
BY_ID: dict[str, Term] = {t.id: t for t in GLOSSARY}


def _is_acronym(s: str) -> bool:
    """Acronyms (ECOG, eGFR, HbA1c) match case-sensitively and render as <abbr>."""
    return " " not in s and sum(c.isupper() for c in s) >= 2


def _case_sensitive(s: str) -> bool:
    return sum(c.isupper() for c in s) >= 2


@cache
def _index() -> tuple[re.Pattern, dict[str, str], dict[str, str]]:
    """One regex for every match string; maps matched text back to a term id."""
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    for t in GLOSSARY:
        for s in t.match_strings:
            if _case_sensitive(s):
                exact.setdefault(s, t.id)
            else:
                folded.setdefault(s.casefold(), t.id)
    cs = sorted(exact, key=len, reverse=True)
    ci = sorted({s for s in folded}, key=len, reverse=True)
    # Longest first inside each group; the case-insensitive group is scoped with (?i:…).
    alternatives = sorted(
        [(len(s), re.escape(s)) for s in cs] + [(len(s), f"(?i:{re.escape(s)})") for s in ci],
        key=lambda p: -p[0],
    )
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(a for _, a in alternatives) + r")(?![\w-])")
    return pattern, exact, folded


def lookup(text: str) -> Term | None:
    """The glossary term for a word as written (exact for acronyms, any case otherwise)."""
    _, exact, folded = _index()
    term_id = exact.get(text) or folded.get(text.casefold())
    return BY_ID.get(term_id) if term_id else None


# ----------------------------------------------------------------- acronyms a record defines

_DEFINED = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9\-]{1,11})\s*\)")
_WORD = re.compile(r"[\w'’\-/]+")


def _long_form(short: str, candidate: str) -> str | None:
    """Schwartz & Hearst (2003): the shortest tail of `candidate` whose letters spell `short`.

    Each character of the acronym must appear in order in the long form, and its
    first character must start a word.
    """
    s_i, l_i = len(short) - 1, len(candidate) - 1
    while s_i >= 0:
        c = short[s_i].lower()
        if not c.isalnum():
            s_i -= 1
            continue
        while l_i >= 0 and (
            candidate[l_i].lower() != c or (s_i == 0 and l_i > 0 and candidate[l_i - 1].isalnum())
        ):
            l_i -= 1
        if l_i < 0:
            return None
        l_i -= 1
        s_i -= 1
    start = candidate.rfind(" ", 0, l_i + 1) + 1
    long = candidate[start:].strip(" ,;:-")
    if len(long) <= len(short) or short.lower() in long.lower().split():
        return None
    return long


def record_acronyms(text: str) -> dict[str, str]:
    """Acronyms the text defines itself: "Eastern Cooperative Oncology Group (ECOG)" -> {"ECOG": "..."}.

    Only acronyms with at least two capital letters; the first definition wins.
    """
    found: dict[str, str] = {}
    for m in _DEFINED.finditer(text or ""):
        short = m.group(1)
        if sum(c.isupper() for c in short) < 2 or short in found:
            continue
        before = re.split(r"[().;:\[\]]", text[: m.start()])[-1]
        words = _WORD.findall(before)
        letters = sum(c.isalnum() for c in short)
        window = " ".join(words[-min(letters + 5, letters * 2):])
        long = _long_form(short, window)
        if long:
            found[short] = long
    return found


# ----------------------------------------------------------------- marking up HTML


def _markup(word: str, term: Term | None, glossary_href: str, long_form: str | None) -> str:
    """The <a><dfn|abbr> (or bare <abbr>) around one matched word. `word` is raw HTML text."""
    if term is None:  # a record-defined acronym that the glossary does not have
        return f'<abbr title="{html.escape(long_form or "", quote=True)}">{word}</abbr>'
    href = html.escape(f"{glossary_href}#{term.id}", quote=True)
    if _is_acronym(html.unescape(word)):
        name = long_form or term.expansion or term.term  # what the letters stand for
        title = f"{name}: {term.definition}" if name != word else term.definition
        inner = f'<abbr title="{html.escape(title, quote=True)}">{word}</abbr>'
    else:
        inner = f'<dfn title="{html.escape(term.definition, quote=True)}">{word}</dfn>'
    return f'<a class="term" href="{href}">{inner}</a>'


class _Annotator(HTMLParser):
    def __init__(self, glossary_href: str, seen: set[str], acronyms: dict[str, str]):
        super().__init__(convert_charrefs=False)
        self.href = glossary_href
        self.seen = seen
        self.acronyms = acronyms
        self.out: list[str] = []
        self.skip: list[str] = []  # open elements whose text we must not touch
        pattern, _, _ = _index()
        extra = [a for a in acronyms if lookup(a) is None]
        self.acronym_re = (
            re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in sorted(extra, key=len, reverse=True)) + r")(?![\w-])")
            if extra else None
        )
        self.pattern = pattern

    # Structure passes through verbatim.
    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag in SKIP_TAGS and tag not in VOID_TAGS:
            self.skip.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if tag in self.skip:
            while self.skip and self.skip.pop() != tag:
                pass

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")

    def handle_data(self, data):
        if self.skip or not data.strip():
            self.out.append(data)
            return
        self.out.append(self._mark(data))

    def _candidates(self, data: str):
        """(start, end, term or None, long form) for every possible mark, in text order."""
        spans = []
        for m in self.pattern.finditer(data):
            spans.append((m.start(), m.end(), lookup(m.group(0)), self.acronyms.get(m.group(0))))
        if self.acronym_re:
            for m in self.acronym_re.finditer(data):
                long_form = self.acronyms[m.group(0)]
                spans.append((m.start(), m.end(), lookup(long_form), long_form))
        return sorted(spans, key=lambda s: (s[0], -s[1]))

    def _mark(self, data: str) -> str:
        pieces, pos, chain_end = [], 0, 0
        for start, end, term, long_form in self._candidates(data):
            if start < max(pos, chain_end):
                continue
            if chain_end and not data[chain_end:start].strip():
                # Right after another mark ("Acute Ischemic Stroke"): a row of links reads as
                # clutter, so leave this one for a later use.
                chain_end = end
                continue
            word = data[start:end]
            key = term.id if term else f"abbr:{word}"
            if key in self.seen:
                continue
            self.seen.add(key)
            pieces.append(data[pos:start])
            pieces.append(_markup(word, term, self.href, long_form))
            pos = chain_end = end
        pieces.append(data[pos:])
        return "".join(pieces)


def _text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", " ", fragment))


def annotate(
    fragment: str,
    glossary_href: str,
    seen: set[str] | None = None,
    acronyms: dict[str, str] | None = None,
) -> str:
    """Mark the first use of each glossary term in an HTML fragment.

    glossary_href: link to the glossary page (relative from the page being rendered).
    seen: term ids already marked on this page or section; updated in place, so pass
      the same set to several fragments to mark each term once across them.
    acronyms: acronyms the record defines ({"ECOG": "Eastern Cooperative …"}), e.g. from
      record_acronyms() over the whole record; by default those defined in this fragment.
      Ones the glossary lacks become <abbr title="long form">; ones it has use its entry.
    """
    if seen is None:
        seen = set()
    if acronyms is None:
        acronyms = record_acronyms(_text_of(fragment))
    parser = _Annotator(glossary_href, seen, acronyms)
    parser.feed(str(fragment))
    parser.close()
    return "".join(parser.out)
