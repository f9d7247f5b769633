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
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple

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


def _trie_pattern(exact: dict[str, str], folded: dict[str, str], *, lowered: bool = False,
                  before: str = r"[^\w-]") -> str:
    """One regex over every match string, shaped as a trie so that each position in the text
    tries a few first letters instead of every alternative (the plain alternation cost ~0.2 ms
    per criterion).

    Edges match in any case; where a case-sensitive string (an acronym) ends, a lookbehind
    checks its exact spelling. At each node the longer continuations come before "end here",
    so, as with a longest-first alternation, the longest string that is followed by a word
    boundary wins.
    lowered: a pattern for lower-cased text instead, with plain lower-case edges and no
    spelling checks, that matches the character before the word too (see matches()): one
    that ``before`` matches.
    """
    trie: dict = {}
    for s, case_sensitive in [(s, True) for s in exact] + [(s, False) for s in folded]:
        node = trie
        for ch in s.lower():
            node = node.setdefault(ch, {})
        ends = node.setdefault("", set())
        ends.add(s if case_sensitive and not lowered else None)  # None: ends here in any case

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

    if lowered:
        # Consuming the character before the word (instead of a lookbehind) lets the engine skip
        # to the next non-word character without trying the pattern inside words.
        return before + "(" + emit(trie) + r")(?![\w-])"
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


# The only code points besides a letter's two ASCII cases that Python's case-insensitive matching
# takes for an ASCII letter or digit, or whose lower case is ASCII or not one character, or differs
# from them in being a word character (dotted and dotless I, long s, Kelvin sign).
# tests/test_glossary.py checks this against every code point.
ODD_CASE_FOLDS = "\u0130\u0131\u017f\u212a"
_ODD = re.compile(f"[{ODD_CASE_FOLDS}]")
_OTHER_WORD = re.compile(r"[^\W\x00-\x7f]")  # a word character that is not ASCII (as each odd one is)


@cache
def _lowered_index() -> tuple[re.Pattern, re.Pattern, dict[str, str]] | None:
    """The trie over lower-cased text (for any text, and for ASCII text), and the term ids of
    the match strings that may end in any case; None when a match string is not ASCII (then
    lower-casing could disagree with IGNORECASE)."""
    _, exact, folded = _index()
    if not all(s.isascii() for s in (*exact, *folded)):
        return None
    pattern = _trie_pattern(exact, folded, lowered=True)
    # For ASCII text, ASCII-only \w means the same and is checked quicker.
    return re.compile(pattern), re.compile(pattern, re.ASCII), folded


def matches(text: str) -> Iterator[tuple[int, int, str, str | None]]:
    """(start, end, matched text, term id) for every glossary match string in ``text``, in
    order: exactly what ``_index()[0].finditer(text)`` finds (and lookup() names), in about
    half the time.

    IGNORECASE matching tries each alternative of the trie in turn; on lower-cased text plain
    letters let the engine skip the ones that cannot match. A match there whose spelling the
    exact pattern would refuse (an acronym in the wrong case) is decided by the exact pattern.
    """
    fast = _lowered_index()
    pattern = _index()[0]
    ascii_text = text.isascii()
    if fast is None or (not ascii_text and _ODD.search(text)):
        for m in pattern.finditer(text):
            term = lookup(m.group())
            yield m.start(), m.end(), m.group(), term.id if term else None
        return
    search, any_case = fast[1 if ascii_text else 0].search, fast[2]
    exact = _index()[1]
    # Lower case keeps the length and the word boundaries (no odd code point in text); the space
    # in front stands for the start of the text, so positions in `spaced` are one more than in text.
    # A matched word is ASCII (only odd code points lower-case to ASCII), so its lower case is
    # the case-folded key lookup() would use.
    spaced = " " + text.lower()
    pos = 0
    while m := search(spaced, pos):
        start, end = m.start(1) - 1, m.end(1) - 1
        word = text[start:end]
        term_id = exact.get(word) or any_case.get(spaced[start + 1:end + 1])
        if term_id is None:
            m = pattern.match(text, start)  # lookbehinds still see the text before start
            if m is None:
                pos = start + 1  # next, words after this one
                continue
            end, word = m.end(), m.group()
            term = lookup(word)
            term_id = term.id if term else None
        yield start, end, word, term_id
        pos = end  # next, the character after the match and the words that follow


@lru_cache(maxsize=8192)  # pages match the same few hundred spellings over and over
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
def _markup(word: str, term_id: str | None, glossary_href: str, long_form: str | None) -> str:
    """The <a><dfn|abbr> (or bare <abbr>) around one matched word. `word` is raw HTML text.
    (The term by its id: a cache key of plain strings is hashed quicker.)"""
    if term_id is None:  # a record-defined acronym that the glossary does not have
        return f'<abbr title="{html.escape(long_form or "", quote=True)}">{word}</abbr>'
    term = BY_ID[term_id]
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


@lru_cache(maxsize=1024)  # a record's acronyms are the same in every fragment of its page
def _acronym_pattern(extra: tuple[str, ...]) -> re.Pattern | None:
    """A regex for record-defined acronyms the glossary lacks (longest first), or None."""
    if not extra:
        return None
    alternatives = "|".join(re.escape(a) for a in sorted(extra, key=len, reverse=True))
    return re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w-])")


class _Annotator:
    def __init__(self, glossary_href: str, seen: set[str], acronyms: dict[str, str]):
        self.href = glossary_href
        self.seen = seen
        self.acronyms = acronyms
        self.skip: list[str] = []  # open elements whose text we must not touch
        self.acronym_re = _acronym_pattern(tuple(a for a in acronyms if lookup(a) is None)) if acronyms else None

    def annotate(self, fragment: str) -> str:
        if "<" not in fragment and "&" not in fragment:  # plain text: no tags to skip or pass through
            return self._mark(fragment) if fragment and not fragment.isspace() else fragment
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
        acronyms = self.acronyms
        if self.acronym_re is None:  # the usual case: the glossary's own matches, already in order
            for start, end, word, _ in matches(data):
                yield start, end, lookup(word), acronyms.get(word) if acronyms else None
            return
        spans = [(start, end, lookup(word), acronyms.get(word)) for start, end, word, _ in matches(data)]
        for m in self.acronym_re.finditer(data):
            long_form = acronyms[m.group(0)]
            spans.append((m.start(), m.end(), lookup(long_form), long_form))
        spans.sort(key=lambda s: (s[0], -s[1]))
        yield from spans

    def _mark(self, data: str) -> str:
        if not self.acronyms:
            return _mark_glossary_only(data, self.seen, self.href)
        seen = self.seen
        pieces, pos, chain_end = [], 0, 0
        for start, end, term, long_form in self._candidates(data):
            if start < pos or start < chain_end:
                continue
            if chain_end and not data[chain_end:start].strip():
                # Right after another mark ("Acute Ischemic Stroke"): a row of links reads as
                # clutter, so leave this one for a later use.
                chain_end = end
                continue
            key = term.id if term else f"abbr:{data[start:end]}"
            if key in seen:
                continue
            seen.add(key)
            pieces.append(data[pos:start])
            pieces.append(_markup(data[start:end], term.id if term else None, self.href, long_form))
            pos = chain_end = end
        if not pieces:
            return data
        pieces.append(data[pos:])
        return "".join(pieces)


def _mark_glossary_only(data: str, seen: set[str], href: str) -> str:
    """_Annotator._mark for text when the record defines no acronyms (the usual case), shorter
    because glossary matches never overlap: the same marks, with less work per match."""
    return _mark_glossary_only_each([data], seen, href)[0]


def _mark_glossary_only_each(texts: list[str], seen: set[str], href: str) -> list[str]:
    """_mark_glossary_only for each text in turn, searching them joined by newlines as one text
    (a newline is a word boundary no match string contains, so the matches are the same)."""
    joined = "\n".join(texts)
    marks = _quick_marks(joined, texts, seen)
    if marks is None:
        marks = _marks_by_matches(joined, texts, seen)
    if not marks:
        return list(texts)
    out: list[str] = []
    marks.append((len(joined) + 1, 0, None))  # a stop after the last text
    k, (m_start, m_end, term_id) = 0, marks[0]
    item_start = 0
    for text in texts:
        item_end = item_start + len(text)
        if m_start >= item_end:  # no mark in this text
            out.append(text)
        else:
            pieces, pos = [], item_start
            while m_start < item_end:
                pieces += (joined[pos:m_start], _markup(joined[m_start:m_end], term_id, href, None))
                pos = m_end
                k += 1
                m_start, m_end, term_id = marks[k]
            pieces.append(joined[pos:item_end])
            out.append("".join(pieces))
        item_start = item_end + 1
    return out


def _marks_by_matches(joined: str, texts: list[str], seen: set[str]) -> list[tuple[int, int, str | None]]:
    """(start, end, term id) of each mark in ``joined`` (the texts joined by newlines), from
    matches(): the first use of each term not yet ``seen`` (updated), except right after
    another mark in the same text (see _Annotator._mark)."""
    marks = []
    item_end = len(texts[0])
    i, chain_end = 0, None  # chain_end: the end of the last mark in this text, if any
    for start, end, word, term_id in matches(joined):
        while start >= item_end:  # the match is in a later text
            i += 1
            item_end += 1 + len(texts[i])
            chain_end = None
        if chain_end is not None and not joined[chain_end:start].strip():
            chain_end = end
            continue
        key = term_id or f"abbr:{word}"
        if key in seen:
            continue
        seen.add(key)
        marks.append((start, end, term_id))
        chain_end = end
    return marks


# Scanning ASCII text quickly. The regex engine finds a word start fastest when the character
# before it is one known character, so a copy of the text is scanned in which every character
# that is not a letter, digit, "_" or "-" (all that the patterns take for a word boundary) is a
# space and letters are lower case: the boundaries stay where they were, and every match in the
# text is a match in the copy. The copy may also match where the text does not (a term written
# "PET/CT" matches "pet ct"); such a guess is checked against the text's own spelling.
_SCAN_TABLE = bytes(
    b + 32 if 65 <= b <= 90 else b if chr(b).isascii() and (chr(b).isalnum() or chr(b) in "_-") else 32
    for b in range(256)
)


class _QuickTables(NamedTuple):
    scan: re.Pattern  # bytes: the match strings as the scanned copy spells them, after a space
    scan_words: dict[bytes, str]  # match strings of one plain word (any case), as scanned -> term id
    lowered: re.Pattern  # str: _lowered_index()'s pattern, for lower-cased text that is not ASCII
    lowered_ascii: re.Pattern  # str: the same for lower-cased ASCII text; it decides a guess
    exact: dict[str, str]  # case-sensitive match strings (acronyms) as spelled -> term id
    any_case: dict[str, str]  # match strings that match in any case, lower-cased -> term id


@cache
def _quick_tables() -> _QuickTables | None:
    """What _quick_marks needs; None when _lowered_index() is, or when a match string starts
    with a character that is not a letter or digit (then a match could start on the character a
    previous match ended with, where matches() looks and finditer does not)."""
    fast = _lowered_index()
    _, exact, folded = _index()
    if fast is None or not all(s[:1].isalnum() for s in (*exact, *folded)):
        return None
    scanned = {s.lower().encode("ascii").translate(_SCAN_TABLE).decode("ascii"): None for s in (*exact, *folded)}
    scan = re.compile(_trie_pattern({}, scanned, lowered=True, before=" ").encode("ascii"))
    exact_lower = {s.lower() for s in exact}
    # One word ("placebo", "follow-up"): where the copy matches it, the text does (a term of several
    # words matched in the copy may be "adverse/event" in the text).
    words = {s.encode("ascii"): term for s, term in folded.items()
             if s not in exact_lower and " " not in s.encode("ascii").translate(_SCAN_TABLE).decode("ascii")}
    return _QuickTables(scan, words, fast[0], fast[1], exact, folded)


def _quick_marks(joined: str, texts: list[str], seen: set[str]) -> list[tuple[int, int, str]] | None:
    """_marks_by_matches in less time, or None when it cannot tell (text with an odd case fold,
    or an acronym in the wrong case: matches() then decides).

    A page has a hundred matches and a few dozen marks, so most matches cost a dict and a set
    look-up: their positions are read only for a mark and for a match that may continue a row
    of marks.
    """
    tables = _quick_tables()
    if tables is None:
        return None
    # As in matches(), the space in front stands for the start of the text, so positions in
    # `scanned` are one more than in joined.
    if joined.isascii():
        scanned, finditer, words = b" " + joined.encode("ascii").translate(_SCAN_TABLE), tables.scan.finditer, tables.scan_words
    elif not _OTHER_WORD.search(joined):
        # Its other characters are word boundaries (the curly quotes of plain summaries), as the
        # "?" that replaces each of them is, and none matches an ASCII letter (those that do are
        # word characters): the same scan, of the same length.
        scanned = b" " + joined.encode("ascii", "replace").translate(_SCAN_TABLE)
        finditer, words = tables.scan.finditer, tables.scan_words
    elif _ODD.search(joined):
        return None
    else:  # the lower-cased text under _lowered_index()'s pattern: slower, and never a guess
        scanned, finditer, words = " " + joined.lower(), tables.lowered.finditer, tables.any_case
    exact, any_case = tables.exact, tables.any_case
    marks: list[tuple[int, int, str]] = []  # their terms leave seen again if this gives up half way
    chain_end = None  # the end of the last mark, while only spaces followed it in its text
    text_end = len(joined)  # the end of the text holding the last mark
    ends = None  # with several texts: where each ends, plus one (made at the first mark)
    pos = 0
    while pos is not None:
        resume, pos = pos, None
        for m in finditer(scanned, resume):
            term_id = words.get(m[1])
            if term_id is None:  # an acronym, a term of several words, or a guess to check
                start, end = m.start(1) - 1, m.end(1) - 1
                spelled = joined[start:end]
                term_id = exact.get(spelled) or any_case.get(spelled.lower())
                if term_id is None:
                    start, end, term_id, pos = _decide(joined, scanned, m, tables)
                    if term_id is None:
                        if pos is None:
                            seen.difference_update([term for _, _, term in marks])
                            return None
                        break  # the text has no match here: scan again from pos
            elif chain_end is None:  # the usual case: one word, no row of marks to continue
                if term_id in seen:
                    continue
                start, end = m.start(1) - 1, m.end(1) - 1
            else:
                start, end = m.start(1) - 1, m.end(1) - 1
            if chain_end is not None:
                if start < text_end and not joined[chain_end:start].strip():
                    chain_end = end
                    if pos is not None:
                        break
                    continue
                chain_end = None  # the gap only grows from here: no later match continues the row
            if term_id not in seen:
                seen.add(term_id)
                marks.append((start, end, term_id))
                chain_end = end
                if len(texts) > 1:
                    if ends is None:
                        ends = list(accumulate([len(text) + 1 for text in texts]))
                    text_end = ends[bisect_right(ends, start + 1)] - 1
            if pos is not None:
                break  # _decide matched the text itself here: scan again after that match
    return marks


def _decide(text: str, scanned, m: re.Match, tables: _QuickTables) -> tuple:
    """(start, end, term id, where to scan again or None) in ``text`` for a match ``m`` that the
    quick look-up cannot name. Term id None: no match here (scan again from the position given),
    or, with no position, only matches() can tell (an acronym in the wrong case)."""
    start, end = m.start(1) - 1, m.end(1) - 1
    key = text[start:end].lower()
    term_id = tables.exact.get(text[start:end]) or tables.any_case.get(key)
    if term_id is not None or type(scanned) is str:
        return start, end, term_id, None
    # A guess from the scanned copy: what does the text itself match here? (The lower-cased
    # pattern tries the same place and gives the longest match, maybe a shorter one or none.)
    m = tables.lowered_ascii.match(" " + text.lower(), start)
    if m is None:
        return None, None, None, start + 1
    start, end = m.start(1) - 1, m.end(1) - 1
    term_id = tables.exact.get(text[start:end]) or tables.any_case.get(m[1])
    return start, end, term_id, (end + 1 if term_id is not None else None)


_TAG = re.compile(r"<[^>]*>")


def _text_of(fragment: str) -> str:
    text = _TAG.sub(" ", fragment)
    return html.unescape(text) if "&" in text else text


def prepare() -> None:
    """Build the match tables now (~70 ms). A build calls this before it forks its render
    workers, so they share one copy instead of each building its own."""
    _quick_tables()


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
    fragment = str(fragment)
    if seen is None:
        seen = set()
    if acronyms is None:
        # An acronym is defined in brackets; without "(" (or a reference that may stand for one)
        # the fragment defines none.
        acronyms = record_acronyms(_text_of(fragment)) if "(" in fragment or "&" in fragment else {}
    if not acronyms and "<" not in fragment and "&" not in fragment:  # plain text, most criteria
        if not fragment or fragment.isspace():
            return fragment
        return _mark_glossary_only(fragment, seen, glossary_href)
    return _Annotator(glossary_href, seen, acronyms).annotate(fragment)


def annotate_each(fragments, glossary_href: str, seen: set[str] | None = None) -> list[str]:
    """annotate() for each fragment in turn, sharing ``seen`` (a list of criteria), quicker: runs
    of plain-text fragments (no tags, references or brackets, so no acronyms of their own) are
    searched as one text."""
    if seen is None:
        seen = set()
    out: list[str] = []
    run: list[str] = []
    for fragment in fragments:
        fragment = str(fragment)
        if "(" in fragment or "&" in fragment or "<" in fragment:
            if run:
                out.extend(_mark_glossary_only_each(run, seen, glossary_href))
                run = []
            out.append(annotate(fragment, glossary_href, seen))
        else:
            run.append(fragment)
    if run:
        out.extend(_mark_glossary_only_each(run, seen, glossary_href))
    return out
