"""Printable patient handouts: one page per trial at trials/NCT…/handout/, with a QR code back to the trial.

A handout is paper a doctor gives a patient, so it must fit on two sheets for every trial,
including those with 150 sites and 20,000 characters of criteria. The context below is
therefore built from the plain-language summary (never the raw criteria), capped, and then
cut part by part until a small page model says it fits (fit_to_two_sheets); whatever is cut
is summarised in words ("and 146 more places") and the reader is pointed to the web page.
The build never needs a browser: printing to PDF is a separate command (ssg.pdf).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable, NamedTuple

import zxingcpp
from markupsafe import Markup, escape

from ssg.cache import Memo
from ssg.model import Contact, Location, Status
from ssg.site import urls
from ssg.site.model import OutputFile, Site, TrialEntry
from ssg.site.trial_view import tel_href

TEMPLATE = "handout.html"

# Hard caps on what a handout can print; fit_to_two_sheets() then cuts further until its
# page model says two sheets of US Letter (the shorter paper) hold it.
MAX_TITLE = 200
MAX_SUMMARY_SENTENCES = 8
MAX_HAPPENS_SENTENCES = 6
MAX_JOIN_POINTS = 6  # for each of "can join" and "cannot join"
MAX_POINT_CHARS = 150
MAX_SENTENCE_CHARS = 220
MAX_PLACES = 5
MAX_CONTACTS = 3
MAX_WORDS = 6  # "Words to know"
MAX_DEFINITION_CHARS = 170
MAX_SHEETS = 2

STATUS_WORDS = {
    Status.RECRUITING: "Looking for people to join now",
    Status.NOT_YET_RECRUITING: "Not yet looking for people; it will start soon",
    Status.ENROLLING_BY_INVITATION: "Joining is by invitation only",
    Status.ACTIVE_NOT_RECRUITING: "Running, but no longer looking for people",
    Status.COMPLETED: "Finished; no longer looking for people",
    Status.SUSPENDED: "Paused; not looking for people now",
    Status.TERMINATED: "Stopped early; not looking for people",
    Status.WITHDRAWN: "Withdrawn before it started; not looking for people",
    Status.UNKNOWN: "Status not known; ask the study team",
}

MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")


@dataclass(frozen=True)
class HandoutContact:
    name: str | None
    where: str  # "Study team" for central contacts, else the facility
    phone: str | None
    phone_href: str | None  # "tel:+15551234567"
    email: str | None


@dataclass(frozen=True)
class Word:
    id: str
    term: str
    definition: str


@dataclass(frozen=True)
class Handout:
    """Everything the handout template shows, already cut to fit two sheets."""

    nct_id: str
    title: str
    status: str  # in plain words
    recruiting: bool
    summary: tuple[str, ...]  # sentences
    can_join_lead: str  # "You may be able to join if"; each point completes it
    can_join: tuple[str, ...]
    cannot_join_lead: str
    cannot_join: tuple[str, ...]
    criteria_online: bool  # the full entry rules (or more points) are only on the web page
    happens: tuple[str, ...]  # sentences
    where_intro: str  # "This study takes place at 150 places in 3 countries."
    places: tuple[str, ...]
    more_places: int  # places not printed
    contacts: tuple[HandoutContact, ...]
    more_contacts: int
    sponsor: str | None
    url: str  # the trial page's absolute URL (the QR code encodes it)
    qr_svg: Markup
    words: tuple[Word, ...]
    last_updated: str | None  # "28 May 2025"


def pages(site: Site, renderer) -> Iterable[OutputFile]:
    for entry in site.entries:
        yield handout_page(site, renderer, entry)


def handout_page(site: Site, renderer, entry: TrialEntry) -> OutputFile:
    """One trial's handout: depends on the entry, base_url and the templates only (the build's
    cache and worker processes rely on that)."""
    path = urls.handout_path(entry.trial.nct_id)
    handout = build_handout(entry, site.config.base_url)
    data = renderer.render(
        TEMPLATE, path,
        handout=handout,
        trial_href=urls.relative(path, urls.trial_path(entry.trial.nct_id)),
        glossary_path=urls.glossary_path(),
    )
    return OutputFile(path, data)


def build_handout(entry: TrialEntry, base_url: str) -> Handout:
    trial, plain = entry.trial, entry.plain
    url = urls.absolute(base_url, urls.trial_path(trial.nct_id))
    summary, happens, where_said = _plain_parts(plain)
    can = getattr(plain, "can_join", ()) or ()
    cannot = getattr(plain, "cannot_join", ()) or ()
    places = _places(trial.locations)
    contacts, all_contacts = _contacts(trial.contacts)
    lead = trial.lead_sponsor
    title = plain_title(trial.title)
    can_join = tuple([shorten(p, MAX_POINT_CHARS) for p in can[:MAX_JOIN_POINTS]])
    cannot_join = tuple([shorten(p, MAX_POINT_CHARS) for p in cannot[:MAX_JOIN_POINTS]])
    where_intro = where_said or _where_intro(trial.locations)
    handout = Handout(
        nct_id=trial.nct_id,
        title=title,
        status=STATUS_WORDS.get(trial.status, STATUS_WORDS[Status.UNKNOWN]),
        recruiting=trial.is_recruiting,
        summary=summary,
        can_join_lead=getattr(plain, "can_join_lead", "You may be able to join if"),
        can_join=can_join,
        cannot_join_lead=getattr(plain, "cannot_join_lead", "You cannot join if"),
        cannot_join=cannot_join,
        # the record's full criteria never fit on paper; the web page has them
        criteria_online=len(can) > MAX_JOIN_POINTS or len(cannot) > MAX_JOIN_POINTS
        or bool(trial.eligibility.inclusion or trial.eligibility.exclusion),
        happens=happens,
        where_intro=where_intro,
        places=tuple(places[:MAX_PLACES]),
        more_places=max(0, len(places) - MAX_PLACES),
        contacts=tuple(contacts),
        more_contacts=all_contacts - len(contacts),
        sponsor=shorten(lead.name, 120) if lead else None,
        url=url,
        qr_svg=qr_svg(url),
        # made here rather than added by fit_to_two_sheets: a Handout is costly to copy
        words=_words_in((title, *summary, *can_join, *cannot_join, *happens, where_intro), MAX_WORDS),
        last_updated=human_date(trial.last_updated),
    )
    return fit_to_two_sheets(handout)


# --- the plain-language summary, split into the handout's parts ---------------------------

# Section keys of ssg.plain.summarise -> handout part. "who" is shown as the can/cannot points,
# "ask" is replaced by the handout's own contact block.
ROLE_BY_KEY = {
    "what": "summary", "who_runs": "summary",
    "who": "who",
    "happens": "happens", "how_long": "happens",
    "where": "where",
    "ask": "contact",
}


def _role(section) -> str:
    """Which handout part a summary section belongs to: by key, else by words in its heading."""
    key = getattr(section, "key", "")
    if key in ROLE_BY_KEY:
        return ROLE_BY_KEY[key]
    heading = f"{key} {getattr(section, 'heading', '')}".lower().replace("_", " ")
    for words, role in ((("happen", "how long"), "happens"), (("contact", "how to ask", "get in touch"), "contact"),
                        (("where", "place", "location"), "where"), (("who can", "join", "eligib"), "who")):
        if any(w in heading for w in words):
            return role
    return "summary"


def _plain_parts(plain) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(summary sentences, "what happens" sentences, where text), capped and shortened; only
    the sentences that can be printed are shortened."""
    parts: dict[str, list[str]] = {"summary": [], "happens": [], "where": []}
    for section in getattr(plain, "sections", ()) or ():
        sentences = parts.get(_role(section))
        if sentences is not None:
            sentences += [s for s in section.sentences if s.strip()]
    summary = tuple(shorten(s, MAX_SENTENCE_CHARS) for s in parts["summary"][:MAX_SUMMARY_SENTENCES])
    happens = tuple(shorten(s, MAX_SENTENCE_CHARS) for s in parts["happens"][:MAX_HAPPENS_SENTENCES])
    return summary, happens, " ".join(shorten(s, MAX_SENTENCE_CHARS) for s in parts["where"][:2])


# --- places and contacts ------------------------------------------------------------------

@lru_cache(maxsize=1 << 14)  # the same sites run trial after trial
def _place_text(facility: str | None, city: str | None, state: str | None, country: str | None) -> str:
    # distinct parts, in order: records often repeat the city in the facility's state field
    parts = dict.fromkeys(p for p in (facility, city, state, country) if p)
    return shorten(", ".join(parts), 120)


_OPEN_SITE = {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"}


def _places(locations: list[Location]) -> list[str]:
    """Distinct places, those still taking people first (record order otherwise)."""
    taking, rest = [], []
    for loc in locations:
        status = loc.status
        (taking if status and status.upper() in _OPEN_SITE else rest).append(
            _place_text(loc.facility, loc.city, loc.state, loc.country))
    out = dict.fromkeys(taking + rest)  # distinct, in order
    out.pop("", None)
    return list(out)


def _where_intro(locations: list[Location]) -> str:
    if not locations:
        return "The record does not list the places yet. Ask the study team."
    countries = sorted({loc.country for loc in locations if loc.country})
    n = len(locations)
    places = "1 place" if n == 1 else f"{n} places"
    if len(countries) > 1:
        return f"This study takes place at {places} in {len(countries)} countries."
    if countries:
        return f"This study takes place at {places} in {countries[0]}."
    return f"This study takes place at {places}."


_EMAIL_RE = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


def _contacts(contacts: list[Contact], limit: int = MAX_CONTACTS) -> tuple[list[HandoutContact], int]:
    """The first ``limit`` contacts to print and how many distinct contacts there are in all.
    Central contacts first (they answer for every place), then site contacts, those with a
    phone first; no repeats."""
    ordered = sorted(contacts, key=lambda c: (0 if not c.facility else 1, 0 if (c.phone or "").strip() else 1))
    out: list[HandoutContact] = []
    seen: set[tuple] = set()
    for c in ordered:
        phone = (c.phone or "").strip() or None
        email = (c.email or "").strip() or None
        if email and not _EMAIL_RE.match(email):
            email = None
        if not phone and not email:
            continue
        key = (phone, (email or "").lower())
        if key in seen:
            continue
        seen.add(key)
        if len(out) == limit:
            continue  # only counted
        out.append(HandoutContact(
            name=shorten(c.name, 80) if c.name else None,
            where=shorten(c.facility, 90) if c.facility else "Study team",
            phone=phone,
            phone_href=tel_href(phone) if phone else None,
            email=email,
        ))
    return out, len(seen)


# --- QR code -------------------------------------------------------------------------------

# A row's dark runs as path commands. zxingcpp's bitmap has a dark module as 0 and a light one as
# 255; we overwrite each row's first module (light: the quiet zone) with a row mark (byte y + 1,
# never 0, 254 or 255), then cut the bitmap after every dark run (before each "\x00\xff": a row
# ends light, so no run crosses a row's end) with two passes in C (replace, split). A piece is
# light modules, maybe row marks among them, then a dark run: with a mark it starts that row's
# path ("M x y.5h n", x = the light modules from the mark on), else it continues the row
# ("m gap 0h n"); the last piece, without dark modules, draws nothing. The same few thousand
# pieces recur in every code, so each is turned into text once (_RUN_TEXT) and then only looked up.
_CUT = b"\xfe"  # never a module or a row mark
_ROW_MARKS = bytes(range(1, 254))  # a QR code is at most 177 + 8 modules


def _run_text(piece: bytes) -> str:
    """A piece's path commands (see above)."""
    lead = piece.rstrip(b"\x00")
    dark = len(piece) - len(lead)
    row = len(lead.rstrip(b"\xff")) - 1  # where its last row mark is, if it has one
    if not dark:
        return ""
    if row >= 0:
        return f"M{len(lead) - row} {lead[row] - 1}.5h{dark}"
    return f"m{len(lead)} 0h{dark}"


_RUN_TEXT = Memo(_run_text)  # piece -> its path commands, made on first use


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code for ``url`` (error correction M, 4-module quiet zone).

    zxingcpp (zint, compiled) encodes and masks; we write the SVG ourselves from its bitmap, one
    module per pixel, because its own SVG carries a prolog, a DOCTYPE and a <desc>. Presentation
    attributes only, so a CSP without 'unsafe-inline' styles accepts it; handout.css sets its
    printed size. Each row's dark runs are drawn as one-module-wide horizontal strokes.
    """
    image = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image()
    size = image.shape[1]
    # the quiet zone is light on both sides of every row, so no run crosses a row's end, and the
    # first module of a row is light: its mark goes there (one strided copy, no join of rows)
    marked = bytearray(image)
    marked[::size] = _ROW_MARKS[:size]
    pieces = bytes(marked).replace(b"\x00\xff", b"\x00" + _CUT + b"\xff").split(_CUT)
    path = "".join(map(_RUN_TEXT.__getitem__, pieces))
    return Markup(
        f'<svg role="img" aria-label="QR code: {escape(url)}" xmlns="http://www.w3.org/2000/svg"'
        f' viewBox="0 0 {size} {size}" class="handout-qr__code">'
        f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/><path stroke="#000" d="{path}"/></svg>'
    )


# --- words to know -------------------------------------------------------------------------

def _glossary() -> tuple:
    try:
        from ssg.plain.glossary import GLOSSARY
    except ImportError:  # the plain-language package is optional for the handout itself
        return ()
    return tuple(GLOSSARY.values() if isinstance(GLOSSARY, dict) else GLOSSARY)


@lru_cache(maxsize=1)
def _glossary_index():
    """(matches, lookup) of ssg.plain.glossary, or None without the plain-language package."""
    try:
        from ssg.plain.glossary import lookup, matches
    except ImportError:
        return None
    return matches, lookup


def _match_strings(term) -> tuple[str, ...]:
    strings = getattr(term, "match_strings", None)
    return tuple(strings) if strings is not None else (term.term, *getattr(term, "aliases", ()))


@lru_cache(maxsize=4096)
def _word_pattern(strings: tuple[str, ...]) -> re.Pattern:
    """One pattern for the given match strings, longest first, so "solid tumor" is one word and
    not "tumor" too. As in ssg.plain.glossary: strings with two or more capitals (acronyms)
    match exactly, others in any case."""
    alternatives = [re.escape(s) if sum(c.isupper() for c in s) >= 2 else f"(?i:{re.escape(s)})"
                    for s in sorted(strings, key=lambda s: (-len(s), s))]
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


def _word(term) -> Word:
    return Word(term.id, term.term, shorten(term.definition, MAX_DEFINITION_CHARS))


@lru_cache(maxsize=1 << 14)
def _site_words_in(text: str) -> tuple[Word, ...]:
    """Site-glossary words in one piece of text, in order of first use. Cached: most handout
    sentences come from the plain-language templates and recur in trial after trial.
    The glossary's own matcher gives the same matches as the generic path of find_words
    (same case rules, longest first, first term wins) without building a pattern."""
    matches, lookup = _glossary_index()
    found: dict[str, Word] = {}
    for _start, _end, spelled, _term_id in matches(text):
        term = lookup(spelled)
        if term is not None and term.id not in found:
            found[term.id] = _word(term)
    return tuple(found.values())


def _site_words(parts: Iterable[str], limit: int) -> tuple[Word, ...]:
    """Site-glossary words in the parts, in order of first use, at most ``limit``. Searching
    part by part finds what a search of the parts joined by newlines finds: no glossary term
    spans a newline, and a newline is a word boundary."""
    if limit <= 0:
        return ()
    found: dict[str, Word] = {}
    for part in parts:
        for word in _site_words_in(part):
            if word.id not in found:
                found[word.id] = word
                if len(found) == limit:
                    return tuple(found.values())
    return tuple(found.values())


def find_words(text: str, glossary=None, limit: int = MAX_WORDS) -> tuple[Word, ...]:
    """Glossary terms used in ``text``, in order of first use, at most ``limit``."""
    if glossary is None and _glossary_index() is not None:
        return _site_words((text,), limit)
    if limit <= 0:
        return ()
    folded_text = text.casefold()
    by_string: dict[str, object] = {}
    for term in (_glossary() if glossary is None else glossary):
        for s in _match_strings(term):
            # a cheap substring test first: a pattern of every term is slow on long text
            if s and s.casefold() in folded_text:
                by_string.setdefault(s, term)
    if not by_string:
        return ()
    exact = {s: t for s, t in by_string.items() if sum(c.isupper() for c in s) >= 2}
    folded = {s.casefold(): t for s, t in reversed(by_string.items()) if s not in exact}  # first wins
    words: dict[str, Word] = {}
    for m in _word_pattern(tuple(sorted(by_string))).finditer(text):
        term = exact.get(m.group()) or folded.get(m.group().casefold())
        if term is not None and term.id not in words:
            words[term.id] = _word(term)
            if len(words) == limit:
                break
    return tuple(words.values())


def _texts_of(h: Handout) -> tuple[str, ...]:
    """The handout's own words that "Words to know" explains."""
    return (h.title, *h.summary, *h.can_join, *h.cannot_join, *h.happens, h.where_intro)


def _words_in(texts: tuple[str, ...], limit: int) -> tuple[Word, ...]:
    if _glossary_index() is not None:
        return _site_words(texts, limit)
    return find_words("\n".join(texts), limit=limit)


def _words_for(h: Handout, limit: int) -> tuple[Word, ...]:
    return _words_in(_texts_of(h), limit)


# --- fitting on two sheets -------------------------------------------------------------------
# A small page model in "lines" of 12 pt body type (16.2 pt with line-height 1.35), calibrated
# against Chromium's PDFs of the worst records (tests/test_handout_pdf.py prints them).
# Blocks that handout.css keeps whole move to the next page when they do not fit, as in print.

LINE_PT = 16.2
PAGE_LINES = 42.5  # US Letter, 279.4 mm less 27 mm margins = 715 pt = 44 lines, less a safety margin
CHARS_BODY = 80  # characters per full-width line of 12 pt DejaVu Sans on A4 or Letter
CHARS_ITEM = 75  # in an indented list
CHARS_CONTACT = 55  # beside the QR code
CHARS_BIG = 38  # 15 pt phone and email beside the QR code


def _lines(text: str, per_line: int) -> int:
    return max(1, -(-len(text) // per_line))


class Block(NamedTuple):  # a tuple: the page model makes thousands of them per build
    lines: float
    keep: bool = True  # printed whole (break-inside: avoid); else it may split between lines
    glue: float = 0.0  # lines of the next block that must share its page (a heading's break-after: avoid)


def _section(heading_lines: float, body: list[Block]) -> list[Block]:
    if not body:
        return []
    first = body[0].lines if body[0].keep else min(2.0, body[0].lines)
    return [Block(heading_lines, glue=first), *body]


def _contact_lines(h: Handout) -> float:
    people = 0.0
    for c in h.contacts:
        people += _lines(f"{c.name or ''}, {c.where}", CHARS_CONTACT) + 0.3
        people += 1.3 * (c.phone is not None) + (1.3 * _lines(c.email, CHARS_BIG) if c.email else 0)
    people += 2 if not h.contacts else 0
    people += 1 if h.more_contacts else 0
    people += _lines(f"When you call or write, give the study number {h.nct_id}.", CHARS_CONTACT)
    people += 0.95 * _lines(f"Online: {h.url}", CHARS_CONTACT + 8)
    qr = 36 / 25.4 * 72 / LINE_PT + 3 * 0.9  # 36 mm code and a three-line 11 pt caption
    return 2.3 + max(people, qr)  # heading, border and padding


def blocks(h: Handout) -> list[Block]:
    """The handout as the page model sees it, in print order."""
    out = [Block(0.9 + 1.45 * _lines(h.title, 50) + 1.5)]  # kicker, 19 pt title, status
    if h.summary:
        out += _section(2.1, [Block(_lines(" ".join(h.summary), CHARS_BODY) + 0.3, keep=False)])
    out.append(Block(_contact_lines(h) + 0.6))  # right after the summary, so it is on the first sheet
    who: list[Block] = []
    for lead, points in ((h.can_join_lead, h.can_join), (h.cannot_join_lead, h.cannot_join)):
        if points:
            items = [Block(_lines(p, CHARS_ITEM) + 0.15) for p in points]
            who += [Block(1.3, glue=items[0].lines), *items]
    if not who:
        who = [Block(1.3)]
    if h.criteria_online:
        who.append(Block(2.3, keep=False))
    out += _section(2.1, who)
    if h.happens:
        out += _section(2.1, [Block(_lines(" ".join(h.happens), CHARS_BODY) + 0.3, keep=False)])
    where = [Block(_lines(h.where_intro, CHARS_BODY) + 0.3, keep=False)]
    where += [Block(_lines(p, CHARS_ITEM) + 0.15) for p in h.places] + [Block(1.15)] * bool(h.more_places)
    out += _section(2.1, where)
    if h.words:
        out += _section(2.1, [Block(_lines(f"{w.term}: {w.definition}", CHARS_BODY) + 0.2) for w in h.words])
    foot = f"Study number (NCT ID): {h.nct_id} · Record last updated: {h.last_updated} · Run by: {h.sponsor}"
    note = "This sheet was written automatically from the public registry record. It is not medical advice."
    out.append(Block(0.6 + 1.4 + _lines(foot, CHARS_BODY) + _lines(note, CHARS_BODY) + 0.6))
    return out


def pages_needed(h: Handout, page_lines: float = PAGE_LINES) -> int:
    page, used = 1, 0.0
    for b in blocks(h):
        need = (b.lines if b.keep else min(b.lines, 2.0)) + b.glue
        if used > 0 and used + need > page_lines:
            page, used = page + 1, 0.0
        used += b.lines
        while used > page_lines:  # a block taller than a page (only flowing text can be)
            page, used = page + 1, used - page_lines
    return page


# What to give up, in order, until the handout fits: first the extras (more words, places,
# contacts), then sentences, last the points on who can join. Each step: (part, keep at most).
CUTS = (
    ("words", 4), ("places", 3), ("contacts", 2), ("happens", 4), ("summary", 5), ("join", 4),
    ("words", 2), ("places", 2), ("happens", 3), ("summary", 4), ("join", 3), ("contacts", 1),
    ("words", 0), ("places", 1), ("happens", 2), ("summary", 3), ("join", 2),
    ("happens", 1), ("summary", 2), ("join", 1), ("places", 0),
)


def _cut(h: Handout, part: str, n: int) -> Handout:
    if part == "places":
        return replace(h, places=h.places[:n], more_places=h.more_places + max(0, len(h.places) - n))
    if part == "contacts":
        return replace(h, contacts=h.contacts[:n], more_contacts=h.more_contacts + max(0, len(h.contacts) - n))
    if part == "join":
        cut = len(h.can_join) > n or len(h.cannot_join) > n
        return replace(h, can_join=h.can_join[:n], cannot_join=h.cannot_join[:n],
                       criteria_online=h.criteria_online or cut)
    if part == "words":
        return replace(h, words=h.words[:n])
    return replace(h, **{part: getattr(h, part)[:n]})


def fit_to_two_sheets(h: Handout) -> Handout:
    """Cut parts (CUTS order) until the page model fits MAX_SHEETS; ``h`` comes with its words
    to know (at most MAX_WORDS), and each cut keeps only the words still used."""
    words_cap = MAX_WORDS
    for part, n in CUTS:
        if pages_needed(h) <= MAX_SHEETS:
            break
        if part == "words":
            words_cap = min(words_cap, n)
        h = _cut(h, part, n)
        h = replace(h, words=_words_for(h, words_cap))  # only words still used
    return h


# --- small text helpers --------------------------------------------------------------------

def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters (with "…")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:.- ") + "…"


def plain_title(title: str) -> str:
    """The brief title, de-shouted when the record writes it in capitals."""
    title = shorten(title, MAX_TITLE)
    letters = "".join(filter(str.isalpha, title))
    if letters and sum(map(str.isupper, letters)) / len(letters) > 0.8 and len(letters) > 12:
        title = title[0].upper() + title[1:].lower()
    return title


def human_date(iso: str | None) -> str | None:
    """"2025-05-28" -> "28 May 2025"; "2025-05" -> "May 2025" (no locale, so builds match)."""
    if not iso:
        return None
    parts = iso.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"
