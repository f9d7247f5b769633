"""Facts derived from a record's own words when it gives no structured value.

Used by every parser when a record names no condition or states no ages; the
caller marks the result as derived (``conditions_inferred``, ``ages_inferred``).
Nothing here adds a word the record does not contain, except capitalisation.
"""

from __future__ import annotations

import re

# "long form (ACRONYM)": the acronym is 2-10 letters/digits, mostly capitals.
_ACRONYM_DEF_RE = re.compile(r"\(([A-Z][A-Za-z0-9\-]{1,9})\)")
_WORD_RE = re.compile(r"[A-Za-z0-9][\w'’\-/]*")

# Where a title names the condition: "... in Patients With X", "... for X", "... With X", "... in X".
_PEOPLE = r"(?:(?:adult|adults|pediatric|paediatric|elderly|older|young|chinese|japanese|healthy)\s+)*" \
          r"(?:patients|subjects|participants|people|persons|adults|children|women|men|individuals|infants|adolescents)"
_TITLE_PATTERNS = (
    re.compile(rf"\b(?:in|for|among|of|on)\s+{_PEOPLE}\s+(?:with|who have|having|suffering from|diagnosed with)\s+(.+)", re.I),
    re.compile(r"\bfor\s+(?:the\s+)?(?:treatment|prevention|management|therapy)\s+of\s+(.+)", re.I),
    re.compile(r"\b(?<!combined )(?<!combination )(?<!plus )(?<!along )(?:for|with)\s+(.+)", re.I),
    re.compile(r"\bin\s+(.+)", re.I),
)
# The condition phrase ends where the title goes on about something else.
_PHRASE_END_RE = re.compile(
    r"\s+(?:who|that|failed|failing|after|following|receiving|treated|undergoing|accompanied|in combination|"
    r"combined|plus|are|is|versus|vs\.?|compared|using|by|via|at|during|to|from|and (?:its|their)|in|with)\b|[:;,\[]|\s+-\s+|\s+–\s+",
    re.I,
)
# Stage and severity words that describe the patients, not the disease name.
_PREFIX_RE = re.compile(
    r"^(?:(?:recurrent|metastatic|refractory|relapsed|advanced|locally|unresectable|newly|diagnosed|"
    r"previously|untreated|treated|moderate|moderately|severe|severely|mild|active|to|or|and|late-stage|"
    r"early-stage|high-risk|resistant|persistent|progressive|stage\s+[IV]+[A-C]?)(?:\s*/\s*|\s+|-(?=\w+\b)))+",
    re.I,
)
_NOT_A_CONDITION_RE = re.compile(
    r"^(?:(?:the|a|an)\b|evaluat|assess|compar|determin|investigat|study|explor|use|using|injection|patients|subjects)", re.I
)
_SMALL_WORDS = frozenset({"of", "and", "or", "the", "in", "with", "to", "for", "on", "by", "a", "an", "at"})


def acronyms(texts: list[str], wanted: set[str] | None = None) -> dict[str, str]:
    """{ACRONYM: long form} from "long form (ACRONYM)" definitions in the texts (Schwartz-Hearst style).

    With ``wanted``, only those acronyms are looked for (cheap on long texts).
    """
    found: dict[str, str] = {}
    if wanted is not None:
        if not wanted:
            return found
        pattern = re.compile(r"\((" + "|".join(re.escape(w) for w in sorted(wanted)) + r")\)")
    else:
        pattern = _ACRONYM_DEF_RE
    tries: dict[str, int] = {}
    for text in texts:
        if not text:
            continue
        for m in pattern.finditer(text, 0, 200_000):  # definitions come early; bound the work
            acr = m.group(1)
            if acr in found or sum(c.isupper() for c in acr) < 2 or tries.get(acr, 0) >= 5:
                continue
            tries[acr] = tries.get(acr, 0) + 1
            words = _WORD_RE.findall(text[max(0, m.start() - 200): m.start()])
            words = words[-(len(acr) + 4):]
            long = _long_form(acr, words)
            if long:
                found[acr] = long
    return found


def _long_form(acr: str, words: list[str]) -> str | None:
    """The shortest tail of ``words`` whose word starts spell the acronym's letters in order."""
    letters = [c.lower() for c in acr if c.isalpha()]
    if not letters:
        return None
    for start in range(len(words) - 1, -1, -1):
        tail = words[start:]
        if tail[0][0].lower() != letters[0]:
            continue
        # every letter must be matched, in order, by the start of a word or a word part
        starts = [p[0].lower() for w in tail for p in re.split(r"[-/]", w) if p]
        k = 0
        for s in starts:
            if k < len(letters) and s == letters[k]:
                k += 1
        if k == len(letters) and len(tail) <= len(letters) + 2:
            if tail[-1].lower() in _SMALL_WORDS:
                continue
            return " ".join(tail)
    return None


def title_case(phrase: str) -> str:
    """'acute ischemic stroke' -> 'Acute Ischemic Stroke'; words with capitals stay as written."""
    out = []
    for i, word in enumerate(phrase.split()):
        if any(c.isupper() for c in word) or (i and word.lower() in _SMALL_WORDS):
            out.append(word)
        else:
            out.append("-".join(p[:1].upper() + p[1:] for p in word.split("-")))
    return " ".join(out)


def _condition_phrase(title: str) -> str | None:
    for pattern in _TITLE_PATTERNS:
        for m in pattern.finditer(title):
            phrase = m.group(1)
            phrase = re.sub(r"\s*\([^)]*\)?\s*$", "", phrase)  # a trailing "(ACRONYM)"
            phrase = _PREFIX_RE.sub("", phrase.strip())
            end = _PHRASE_END_RE.search(phrase)
            if end:
                phrase = phrase[: end.start()]
            phrase = _PREFIX_RE.sub("", phrase.strip()).strip(" .,-/")
            phrase = re.sub(r"\s*\([^)]*\)\s*", " ", phrase).strip()
            if phrase and len(phrase.split()) <= 8 and not _NOT_A_CONDITION_RE.match(phrase):
                return phrase
    return None


def infer_conditions(title: str, texts: list[str]) -> list[str]:
    """Conditions named by a title ("... in Patients With AIS"), acronyms expanded from the record's own
    definitions ("acute ischemic stroke (AIS)"), title-cased. [] when the title names none."""
    if not title:
        return []
    phrase = _condition_phrase(title)
    if not phrase:
        return []
    words = phrase.split()
    wanted = {w for w in words if sum(c.isupper() for c in w) >= 2}
    defs = acronyms([title, *texts], wanted)
    words = [defs.get(w, w) for w in words]
    return [title_case(" ".join(words))]


_NUM = r"(\d{1,3}(?:\.\d)?)"
_YEARS = r"\s*(?:years?|yrs?|y)(?:\s*(?:old|of age))?"
_AGE_RANGE_RES = (
    re.compile(rf"\bage[sd]?\b[^0-9.;]{{0,30}}?{_NUM}\s*(?:years?\s*)?(?:-|–|—|to|and|~)\s*{_NUM}{_YEARS}", re.I),
    re.compile(rf"{_NUM}\s*(?:-|–|—|to)\s*{_NUM}{_YEARS}", re.I),
    re.compile(rf"\bbetween\s+(?:the\s+ages\s+of\s+)?{_NUM}\s*(?:years?\s*)?and\s+{_NUM}{_YEARS}", re.I),
)
_AGE_MIN_RES = (
    re.compile(rf"\bage[sd]?\b\s*(?:of\s*)?(?:≥|>=|>|≧|at least|over|above|greater than(?: or equal to)?|older than|no less than)\s*{_NUM}", re.I),
    re.compile(rf"(?:≥|>=|≧|at least)\s*{_NUM}{_YEARS}", re.I),
    re.compile(rf"{_NUM}{_YEARS}\s*(?:or|and)\s*(?:older|above|over)", re.I),
)
_AGE_MAX_RES = (
    re.compile(rf"\bage[sd]?\b\s*(?:of\s*)?(?:≤|<=|<|≦|at most|under|below|less than(?: or equal to)?|younger than|no more than)\s*{_NUM}", re.I),
    re.compile(rf"(?:≤|<=|≦)\s*{_NUM}{_YEARS}", re.I),
)
_AGE_CONTEXT_RE = re.compile(r"\bage|\byears?\s*(?:old|of age)|\baged\b", re.I)


def _num(s: str) -> float | int:
    v = float(s)
    return int(v) if v == int(v) else v


def infer_ages(inclusion: list[str]) -> tuple[float | None, float | None] | None:
    """(min, max) years from the first inclusion criterion that states an age; None if none does."""
    for item in inclusion:
        if not _AGE_CONTEXT_RE.search(item):
            continue
        for r in _AGE_RANGE_RES:
            m = r.search(item)
            if m:
                lo, hi = _num(m.group(1)), _num(m.group(2))
                if 0 <= lo < hi <= 120:
                    return lo, hi
        lo = hi = None
        for r in _AGE_MIN_RES:
            m = r.search(item)
            if m:
                lo = _num(m.group(1))
                break
        for r in _AGE_MAX_RES:
            m = r.search(item)
            if m:
                hi = _num(m.group(1))
                break
        if lo is not None and not 0 <= lo <= 120:
            lo = None
        if hi is not None and not 0 < hi <= 120:
            hi = None
        if lo is not None and hi is not None and lo >= hi:
            lo = hi = None
        if lo is not None or hi is not None:
            return lo, hi
    return None
