"""The glossary of trial words, and marking their first use in an HTML fragment.

GLOSSARY is loaded once from glossary.toml (definitions written for this project).
`annotate` works on HTML that our own renderer produced (Jinja with autoescape,
markdown-it with raw HTML off). It splits the fragment into tags, character references
and text, and only changes the text, so tags, attributes and entities pass
through untouched, and text inside links, <abbr>, <dfn>, code, headings and form
controls is never marked.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
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


def _trie_pattern(exact: dict[str, str], folded: dict[str, str]) -> str:
    """One regex over every match string, shaped as a trie so that each position in the text
    tries a few first letters instead of every alternative (the plain alternation cost ~0.2 ms
    per criterion).

    Edges match in any case; where a case-sensitive string (an acronym) ends, a lookbehind
    checks its exact spelling. At each node the longer continuations come before "end here",
    so, as with a longest-first alternation, the longest string that is followed by a word
    boundary wins.
    """
    trie: dict = {}
    for s, case_sensitive in [(s, True) for s in exact] + [(s, False) for s in folded]:
        node = trie
        for ch in s.lower():
            node = node.setdefault(ch, {})
        ends = node.setdefault("", set())
        ends.add(s if case_sensitive else None)  # None: ends here in any case

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        ends = node.get("")
        if ends is not None:
            if None in ends:
                branches.append("")
            else:
                branches.append("|".join(f"(?-i:(?<={re.escape(s)}))" for s in sorted(ends)))
        if len(branches) == 1 and ends is None:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return r"(?<![\w-])(?i:" + emit(trie) + r")(?![\w-])"


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
    return re.compile(_trie_pattern(exact, folded)), exact, folded


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


@lru_cache(maxsize=4096)  # the same few terms are marked on every page
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


# A fragment is tags, character references and text. Our fragments come from Jinja with
# autoescape and markdown-it with raw HTML off, so "<" always opens a tag and "&" a reference;
# splitting on them is all the parsing needed (HTMLParser cost ten times as much).
_TOKENS = re.compile(r"(<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][-.a-zA-Z0-9]*);)")
_START_TAG = re.compile(r"<([a-zA-Z][^\t\n\r\f />\x00]*)")
_END_TAG = re.compile(r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>")


class _Annotator:
    def __init__(self, glossary_href: str, seen: set[str], acronyms: dict[str, str]):
        self.href = glossary_href
        self.seen = seen
        self.acronyms = acronyms
        self.skip: list[str] = []  # open elements whose text we must not touch
        pattern, _, _ = _index()
        extra = [a for a in acronyms if lookup(a) is None]
        self.acronym_re = (
            re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in sorted(extra, key=len, reverse=True)) + r")(?![\w-])")
            if extra else None
        )
        self.pattern = pattern

    def annotate(self, fragment: str) -> str:
        out = _TOKENS.split(fragment)
        # Odd items are tags and references (passed through verbatim), even items text.
        for i in range(0, len(out), 2):
            if i:
                self._tag(out[i - 1])
            data = out[i]
            if data and not self.skip and not data.isspace():
                out[i] = self._mark(data)
        return "".join(out)

    def _tag(self, token: str) -> None:
        if not token.startswith("<") or token.endswith("/>"):
            return
        if token.startswith("</"):
            m = _END_TAG.match(token)
            tag = m.group(1).lower() if m else None
            if tag in self.skip:
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        m = _START_TAG.match(token)
        if m:
            tag = m.group(1).lower()
            if tag in SKIP_TAGS and tag not in VOID_TAGS:
                self.skip.append(tag)

    def _candidates(self, data: str):
        """(start, end, term or None, long form) for every possible mark, in text order."""
        spans = []
        for m in self.pattern.finditer(data):
            spans.append((m.start(), m.end(), lookup(m.group(0)), self.acronyms.get(m.group(0))))
        if self.acronym_re:
            for m in self.acronym_re.finditer(data):
                long_form = self.acronyms[m.group(0)]
                spans.append((m.start(), m.end(), lookup(long_form), long_form))
            spans.sort(key=lambda s: (s[0], -s[1]))
        return spans

    def _mark(self, data: str) -> str:
        candidates = self._candidates(data)
        if not candidates:
            return data
        pieces, pos, chain_end = [], 0, 0
        for start, end, term, long_form in candidates:
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


_TAG = re.compile(r"<[^>]*>")


def _text_of(fragment: str) -> str:
    text = _TAG.sub(" ", fragment)
    return html.unescape(text) if "&" in text else text


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
    return _Annotator(glossary_href, seen, acronyms).annotate(str(fragment))
