"""Conditions and sponsors as taxonomies: variants of one name merge into one term with a stable slug.

A term's identity is a *key* built from its name: case, accents, punctuation and spacing ignored,
an acronym written beside the full name dropped ("SLE - Systemic Lupus Erythematosus",
"Alcohol Use Disorder (AUD)"), a MeSH-style inversion turned round ("Caries, Dental"), and
for conditions plural words made singular ("Solid Tumors"). Sponsors also ignore legal forms
("Inc.", "Co., Ltd."). The display name is the best variant seen (MeSH inversions read the natural
way round; sponsor names written all in capitals in proper case, keeping acronyms); the slug
comes from the display name as written, so it reads well ("brain-injuries") and stays put.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ssg.model import Trial
from ssg.site.model import Term
from ssg.site.urls import MAX_SLUG, ascii_fold

_ACRONYM = r"[A-Z][A-Za-z0-9/&.\-]*[A-Z0-9]"  # "SLE", "HIV-1", "NIOSH/CDC", "AUD"
_LEADING_ACRONYM = re.compile(rf"^\s*(?P<acr>{_ACRONYM})\s+[-–—:]\s+(?P<rest>\S.*)$", re.S)
_TRAILING_ACRONYM = re.compile(rf"^(?P<rest>.*\S)\s*(?:\(\s*(?P<acr>{_ACRONYM})\s*\)|\s[-–—]\s+(?P<acr2>{_ACRONYM}))\s*$", re.S)
_WORD = re.compile(r"[A-Za-z0-9]+")

# Words that end in "s" but are singular (the key only; the display keeps the record's spelling).
_SINGULAR_S = frozenset({
    "diabetes", "herpes", "rabies", "scabies", "measles", "mumps", "rickets", "series", "species",
    "caries", "ascites", "feces", "faeces", "abscess",
    "aids", "news", "lens", "pancreas", "mellitus", "status", "physics", "genetics", "biceps", "triceps",
})
_LEGAL_FORMS = frozenset({
    "inc", "incorporated", "llc", "ltd", "limited", "co", "corp", "gmbh", "ggmbh", "ag",
    "sa", "sas", "plc", "pty", "srl", "spa", "bv", "nv", "kk", "ab", "as", "oy",
})


def _strip_acronyms(name: str) -> str:
    """Drop an acronym written beside the full name, when it starts like the name does
    ("SLE - Systemic Lupus Erythematosus", but not "HIV - Infection")."""
    name = name.strip()
    m = _LEADING_ACRONYM.match(name)
    if m and m["acr"][0].lower() == m["rest"][0].lower():
        name = m["rest"].strip()
    m = _TRAILING_ACRONYM.match(name)
    if m and (m["acr"] or m["acr2"])[0].lower() == m["rest"][0].lower():
        name = m["rest"].strip()
    return name


def _uninvert(name: str) -> str:
    """"Caries, Dental" -> "Dental Caries" (one comma, a short qualifier after it)."""
    if name.count(",") == 1 and "(" not in name:
        head, tail = (part.strip() for part in name.split(","))
        if head and tail and len(tail.split()) <= 2:
            return f"{tail} {head}"
    return name


def _singular(word: str, acronym: bool) -> str:
    if acronym or len(word) <= 3 or word in _SINGULAR_S:
        return word  # an acronym ("AIDS"), a short word, or singular already
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "as", "ys")):
        return word[:-1]
    return word


def _words(name: str) -> list[str]:
    return _WORD.findall(ascii_fold(name))


def condition_words(name: str) -> list[str]:
    """The words that identify a condition, lower case and singular."""
    words = _words(_uninvert(_strip_acronyms(name)))
    shouting = is_shouting(name)  # in an all-capitals name, capitals do not mark acronyms
    return [_singular(w.lower(), w.isupper() and not shouting) for w in words]


def sponsor_words(name: str) -> list[str]:
    words = [w.lower() for w in _words(_strip_acronyms(name))]
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    return words


def _key(words: list[str], name: str) -> str:
    # Joined without spaces so "Type2 Diabetes" meets "Type 2 Diabetes", "Post-Traumatic" meets "Posttraumatic".
    return "".join(words) or name.casefold().strip()


# --- display names -------------------------------------------------------------------------

# Acronyms and legal forms kept (or written) in capitals inside an all-caps name.
_KEEP_UPPER = frozenset({
    "NIH", "NCI", "NHS", "USA", "US", "UK", "EU", "VA", "LLC", "PLC", "AG", "SA", "AB", "NV", "BV", "KK",
    "MD", "HIV", "AIDS", "UCLA", "UCSF", "II", "III", "IV", "VI", "VII", "VIII", "IX", "XI",
})
_SPECIAL_CASE = {"GMBH": "GmbH", "GGMBH": "gGmbH", "INC": "Inc", "LTD": "Ltd", "CO": "Co", "CORP": "Corp"}
_SMALL = frozenset({
    "and", "of", "the", "for", "in", "at", "on", "to", "a", "an", "by", "with",
    "de", "del", "della", "la", "le", "du", "des", "di", "da", "do", "y", "e", "und", "fur", "für",
})
# Short all-caps words that are ordinary words, not acronyms.
_SHORT_WORDS = frozenset({"NEW", "ONE", "TWO", "SAN", "LOS", "LAS", "SAO", "ST", "DR", "OLD", "WAY", "BAY", "SEA"})


def is_shouting(name: str) -> bool:
    """True for a name written all in capitals ("CANCER INSTITUTE AND HOSPITAL"), not for an acronym."""
    letters = [c for c in name if c.isalpha()]
    long_words = [w for w in re.findall(r"[^\W\d_]+", name) if len(w) >= 4]
    return bool(letters) and all(c.isupper() for c in letters) and len(long_words) >= 2


def _case_part(part: str, first: bool) -> str:
    if "'" in part:  # "CHILDREN'S" -> "Children's", "O'NEIL" -> "O'Neil"
        head, _, tail = part.partition("'")
        tail = tail.lower() if len(head) > 1 else _case_part(tail, False)
        return _case_part(head, first) + "'" + tail
    core = part.strip("()[],.;:\"")
    if not core or not core.isalpha():
        return part  # "M.D.", "3M", "A/S": leave as written
    upper = core.upper()
    if upper in _SPECIAL_CASE:
        new = _SPECIAL_CASE[upper]
    elif upper in _KEEP_UPPER or (len(core) <= 3 and upper not in _SHORT_WORDS and core.lower() not in _SMALL):
        new = upper
    elif core.lower() in _SMALL and not first:
        new = core.lower()
    else:
        new = core[0].upper() + core[1:].lower()
    return part.replace(core, new, 1)


def proper_case(name: str) -> str:
    """"CANCER INSTITUTE AND HOSPITAL, CHINESE ACADEMY" -> "Cancer Institute and Hospital, Chinese Academy".

    Names not written all in capitals are returned unchanged: their owners chose that spelling.
    """
    if not is_shouting(name):
        return name
    out = []
    for i, word in enumerate(name.split(" ")):
        # Hyphens and apostrophes: "DANA-FARBER" -> "Dana-Farber", "CHILDREN'S" -> "Children's".
        pieces = re.split(r"(-)", word)
        cased = "".join(p if p == "-" else _case_part(p, first=(i == 0 and j == 0)) for j, p in enumerate(pieces))
        out.append(cased)
    return " ".join(out)


def _display_rank(name: str, count: int) -> tuple:
    # Prefer a name not in capitals, the most used, one without a redundant acronym beside it,
    # spaced words ("Type 2 Diabetes" over "Type2 Diabetes"), the shortest, then by text.
    return (is_shouting(name), -count, _strip_acronyms(name) != name.strip(), -len(name.split()), len(name), name)


_ADJECTIVE = re.compile(r"(?:ic|al|ed|ive|ous|ary|ar|ant|ent|ile|ory)$", re.IGNORECASE)
_NOT_ADJECTIVE = re.compile(r"(?:ment|hospital|patient|transplant|animal|arterial)$", re.IGNORECASE)


def condition_display(name: str) -> str:
    """A MeSH-style "Heart Failure, Congestive" reads "Congestive Heart Failure"; other names as written.

    Turned round only when what follows the comma describes what precedes it (an adjective such as
    "Dental", "Herniated", "Adult-Onset", or "Type 2"), so a list like "Pain, Nerve" stays as it is.
    """
    if name.count(",") != 1 or "(" in name:
        return name
    head, tail = (part.strip() for part in name.split(","))
    if not head or not tail or len(tail.split()) > 2:
        return name
    last = tail.split()[-1]
    describes = (re.fullmatch(r"Type \d+[A-Za-z]?", tail) or "-" in tail
                 or (_ADJECTIVE.search(last) and not _NOT_ADJECTIVE.search(last)))
    return f"{tail} {head}" if describes else name


def condition_slug_words(name: str) -> list[str]:
    return [w.lower() for w in _words(_uninvert(_strip_acronyms(name)))]


def sponsor_slug_words(name: str) -> list[str]:
    return [w.lower() for w in _words(_strip_acronyms(name))]


# --- building the taxonomy -----------------------------------------------------------------

@dataclass(frozen=True)
class Taxonomy:
    terms: tuple[Term, ...]  # sorted by display name
    by_trial: dict[str, tuple[Term, ...]]  # nct_id -> its terms, in the record's order


def _base_slug(words: list[str], key: str) -> str:
    slug = "-".join(words)
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    if not slug:  # a name with no Latin letters or digits: a short stable hash of its key
        slug = "t-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    return slug


def assign_slugs(bases: dict[str, str]) -> dict[str, str]:
    """key -> unique slug. Colliding bases get "-2", "-3"... in key order, never taking another term's base."""
    taken = set(bases.values())
    slugs: dict[str, str] = {}
    seen: set[str] = set()
    for key, base in sorted(bases.items(), key=lambda kv: (kv[1], kv[0])):
        if base not in seen:
            slug = base
        else:
            n = 2
            while f"{base}-{n}" in taken:
                n += 1
            slug = f"{base}-{n}"
            taken.add(slug)
        seen.add(base)
        slugs[key] = slug
    return slugs


def build_taxonomy(
    mentions: Iterable[tuple[str, str, bool]],
    words_of: Callable[[str], list[str]],
    display: Callable[[str], str],
    slug_words: Callable[[str], list[str]],
    recruiting: set[str],
    known: dict[str, tuple[str, str] | None] | None = None,
) -> Taxonomy:
    """Terms from (nct_id, name, inferred) mentions; each term lists its trials recruiting first.
    ``known``: raw name -> (key, shown name), kept by the caller across calls with the same functions."""
    variants: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    trials_by_key: dict[str, set[str]] = defaultdict(set)
    named_by_record: dict[str, bool] = defaultdict(bool)
    keys_by_trial: dict[str, list[str]] = defaultdict(list)

    # A name recurs across many trials (and builds): its key and display form are worked out once.
    if known is None:
        known = {}
    elif len(known) > 200_000:
        known.clear()
    for nct_id, raw, inferred in mentions:
        if raw not in known:
            name = " ".join(raw.split())
            known[raw] = (_key(words_of(name), name), display(name)) if name else None
        if known[raw] is None:
            continue
        key, shown = known[raw]
        variants[key][shown] += 1
        trials_by_key[key].add(nct_id)
        named_by_record[key] |= not inferred
        if key not in keys_by_trial[nct_id]:
            keys_by_trial[nct_id].append(key)

    names_by_key = {key: min(names, key=lambda n: _display_rank(n, names[n])) for key, names in variants.items()}
    # Slugs come from the shown name as written ("Brain Injuries" -> "brain-injuries"), without the
    # acronym beside it, so a term keeps its slug when a variant with the acronym arrives.
    slugs = assign_slugs({key: _base_slug(slug_words(name), key) for key, name in names_by_key.items()})
    terms: dict[str, Term] = {}
    for key, name in names_by_key.items():
        ncts = tuple(sorted(trials_by_key[key], key=lambda n: (n not in recruiting, n)))
        terms[key] = Term(name=name, slug=slugs[key], nct_ids=ncts, inferred=not named_by_record[key])

    ordered = tuple(sorted(terms.values(), key=lambda t: (t.name.casefold(), t.name, t.slug)))
    by_trial = {nct: tuple(terms[k] for k in keys) for nct, keys in keys_by_trial.items()}
    return Taxonomy(ordered, by_trial)


# Raw name -> (key, shown name) for each kind of term, for the life of the process (ssg serve
# builds the taxonomies again on every rebuild from nearly the same names).
_known_conditions: dict[str, tuple[str, str] | None] = {}
_known_sponsors: dict[str, tuple[str, str] | None] = {}


# kind -> (trials, recruiting, Taxonomy) of the last call: a rebuild whose edit did not touch
# any condition, sponsor or status (most edits) gets the same Taxonomy, and the same Terms.
_last: dict[str, tuple] = {}


def _memoised(kind: str, trials: list[Trial], mentions_of: Callable[[Trial], list], recruiting: set[str],
              make: Callable[[list], Taxonomy]) -> Taxonomy:
    """make(mentions) over every trial's mentions_of, or the last Taxonomy when it was made from
    the same mentions: only trials that are not the very objects of last time are asked again."""
    last = _last.get(kind)
    if last is not None and len(last[0]) == len(trials) and last[1] == recruiting:
        before = last[0]
        if all(a is b or mentions_of(a) == mentions_of(b) for a, b in zip(before, trials)):
            _last[kind] = (trials, last[1], last[2])
            return last[2]
    taxonomy = make([m for t in trials for m in mentions_of(t)])
    _last[kind] = (trials, set(recruiting), taxonomy)
    return taxonomy


def recruiting_ids(trials: Iterable[Trial]) -> set[str]:
    """NCT IDs of the trials that take (or will soon take) people: listed first in each term."""
    return {t.nct_id for t in trials if t.is_recruiting}


def _condition_mentions(t: Trial) -> list:
    return [(t.nct_id, c, t.conditions_inferred) for c in t.conditions]


def _sponsor_mentions(t: Trial) -> list:
    return [(t.nct_id, s.name, False) for s in t.sponsors]


def condition_taxonomy(trials: Iterable[Trial], recruiting: set[str] | None = None) -> Taxonomy:
    """``recruiting``: the NCT IDs of the trials that are, when the caller knows them already."""
    trials = list(trials)
    recruiting = recruiting_ids(trials) if recruiting is None else recruiting
    return _memoised("conditions", trials, _condition_mentions, recruiting, lambda mentions: build_taxonomy(
        mentions, condition_words, condition_display, condition_slug_words, recruiting, _known_conditions))


def sponsor_taxonomy(trials: Iterable[Trial], recruiting: set[str] | None = None) -> Taxonomy:
    """Lead sponsors and collaborators alike (the model lists the lead first)."""
    trials = list(trials)
    recruiting = recruiting_ids(trials) if recruiting is None else recruiting
    return _memoised("sponsors", trials, _sponsor_mentions, recruiting, lambda mentions: build_taxonomy(
        mentions, sponsor_words, proper_case, sponsor_slug_words, recruiting, _known_sponsors))
