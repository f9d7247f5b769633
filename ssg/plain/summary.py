"""Compose a plain-language summary of one trial from the record's facts only.

How it stays faithful: every sentence is a fixed template from this module or
ssg.plain.words, filled with values copied from the Trial (names, places, dates,
numbers) or counted from it (sites, countries, groups, rules). Nothing is inferred
from free text except timing phrases such as "once a week", which are quoted verbatim
from the record's group and treatment descriptions.

How it stays readable: each builder writes short sentences, and `_fit` falls back to a
shorter wording when a long name from the record would push a sentence past
MAX_WORDS (counted on the real text, names included).

Grade, and why names stay in: long names from the record (drugs, conditions, sponsors)
raise the Flesch-Kincaid grade, and we cannot simplify them without changing facts.
We measure ``grade`` on the text exactly as the reader sees it, names included: over
the 5 seeds and 300 real records it stays at or below MAX_GRADE (see the report in
tests/test_plain_corpus.py), because the sentences around the names are short and use
common words. For diagnosis we also give ``grade_without_names``, the same measure with
each record-supplied value replaced by the one-word placeholder "Name" (the builders
wrap each copied value in NAME_OPEN/NAME_CLOSE marks, removed before text leaves this
module); the gap between the two shows how much of a grade comes from the record's names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from ssg.model import Trial
from ssg.plain import words as W
from ssg.plain.readability import grade_formula, sentence_counts, word_count

MAX_WORDS = 20
MAX_GRADE = 8.0
PLACEHOLDER = "Name"
NAME_OPEN, NAME_CLOSE = "\ue000", "\ue001"
# How many items of a list we name before saying "and N more".
MAX_CONDITIONS = 3
MAX_TREATMENTS = 3
MAX_GROUPS = 4
MAX_PLACES = 3
MAX_COUNTRIES = 3
MAX_CONTACTS = 2

GENERATED_NOTE = (
    "We wrote this summary automatically from the registry record. "
    "It may leave things out. Ask your doctor or the study team before you decide."
)

_MARKED = re.compile(f"{NAME_OPEN}(.*?){NAME_CLOSE}", re.S)


@dataclass(frozen=True)
class PlainSection:
    key: str
    heading: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class PlainSummary:
    sections: tuple[PlainSection, ...]
    can_join: tuple[str, ...]  # points that complete W.CAN_JOIN_LEAD ("you are 18 to 75 years old")
    cannot_join: tuple[str, ...]  # points that complete W.CANNOT_JOIN_LEAD
    grade: float  # FK grade of the text exactly as shown (section sentences + can/cannot points)
    longest_sentence_words: int
    grade_without_names: float = 0.0  # same, record-supplied names replaced by PLACEHOLDER
    note: str = GENERATED_NOTE
    can_join_lead: str = W.CAN_JOIN_LEAD
    cannot_join_lead: str = W.CANNOT_JOIN_LEAD

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(s for sec in self.sections for s in sec.sentences)

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    @property
    def first_sentence(self) -> str:
        return next((s for sec in self.sections for s in sec.sentences), "")  # not all of them

    @property
    def eligibility_sentences(self) -> tuple[str, ...]:
        """The can/cannot points as whole sentences (as measured for the grade)."""
        return _join_point_sentences(self.can_join, self.cannot_join)

    def section(self, key: str) -> PlainSection | None:
        return next((s for s in self.sections if s.key == key), None)


# ---------------------------------------------------------------- small helpers

@lru_cache(maxsize=8192)  # the same names come back builder after builder, trial after trial
def _n(value: object) -> str:
    """Mark a value copied from the record (whitespace tidied, Markdown escapes dropped)."""
    text = " ".join(str(value).replace("\\", "").split())
    return f"{NAME_OPEN}{text}{NAME_CLOSE}"


def plain(sentence: str) -> str:
    """The sentence as the reader sees it."""
    return sentence.replace(NAME_OPEN, "").replace(NAME_CLOSE, "")


def measured(sentence: str) -> str:
    """The sentence with record-supplied names replaced by the placeholder."""
    return _MARKED.sub(PLACEHOLDER, sentence) if NAME_OPEN in sentence else sentence


def without_names(sentence: str) -> str:
    """Only our own words: record-supplied values removed (for checking our templates)."""
    return _MARKED.sub(" ", sentence)


def _words(sentence: str) -> int:
    return word_count(plain(sentence))


def _fit(*candidates: str | None) -> str | None:
    """The first candidate of at most MAX_WORDS words (None when none fits)."""
    for c in candidates:
        if c and _words(c) <= MAX_WORDS:
            return c
    return None


def _listing(items: list[str], limit: int, more: str = "more") -> str:
    """ "A", "A and B", "A, B and C", "A, B, C and 4 more" (items already marked)."""
    shown = items[:limit]
    rest = len(items) - len(shown)
    if rest > 0:
        return ", ".join(shown) + f" and {rest} {more}"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _fit_list(template: str, items: list[str], limit: int, more: str = "more") -> str | None:
    """Fill template's {} with as many items as fit in MAX_WORDS (at least one, then none)."""
    for k in range(min(limit, len(items)), 0, -1):
        s = _fit(template.format(_listing(items, k, more)))
        if s:
            return s
    return None


def _unique(values: Iterable[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v.strip():
            seen.setdefault(" ".join(v.split()), None)
    return list(seen)


def _age(years: float) -> str:
    """Age words using only the number the record gave (years, or months/weeks/days)."""
    if abs(years - round(years)) < 1e-6:
        return f"{int(round(years))} years"
    for unit, per_year in (("months", 12), ("weeks", 52), ("days", 365)):
        amount = years * per_year
        if abs(amount - round(amount)) < 0.05 and round(amount) >= 1:
            return f"{int(round(amount))} {unit}"
    return f"{years:g} years"


def _age_number(years: float) -> str:
    words = _age(years)
    return words[: -len(" years")] if words.endswith(" years") else words


def _month_year(iso: str) -> str:
    parts = iso.split("-")
    if len(parts) >= 2:
        return f"{W.MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def _status(trial: Trial) -> str:
    return trial.status.value if trial.status else "UNKNOWN"


def _is_observational(trial: Trial) -> bool:
    return (trial.study_type or "").upper() == "OBSERVATIONAL"


_PLACEBO = re.compile(r"placebo|\bsham\b|dummy", re.I)
_HEALTHY = re.compile(r"\bhealthy\b", re.I)


def _is_placebo_name(name: str) -> bool:
    # Cheap test first (long descriptions are searched too): a _PLACEBO match contains one of
    # the words, lower-cased, unless it uses "ſ", the one character that matches a letter here
    # under re.I but lower-cases to something else (checked over every code point).
    low = name.lower()
    if "placebo" not in low and "sham" not in low and "dummy" not in low and "ſ" not in name:
        return False
    return bool(_PLACEBO.search(name))


def _tested_treatments(trial: Trial) -> list:
    """Interventions other than placebo/sham, one per name (records repeat them)."""
    seen: dict[str, object] = {}
    for i in trial.interventions:
        if not _is_placebo_name(i.name):
            seen.setdefault(" ".join(i.name.lower().split()), i)
    return list(seen.values())


def _has_placebo(trial: Trial) -> bool:
    return any(
        (a.type or "").upper() in ("PLACEBO_COMPARATOR", "SHAM_COMPARATOR") or _is_placebo_name(a.label)
        for a in trial.arms
    ) or any(_is_placebo_name(i.name) for i in trial.interventions)


def _mentions_placebo_anywhere(trial: Trial) -> bool:
    texts = [trial.brief_summary, trial.detailed_description, trial.title, trial.official_title]
    texts += [a.description for a in trial.arms] + [i.description for i in trial.interventions]
    return _has_placebo(trial) or any(t and _is_placebo_name(t) for t in texts)


def _conditions(trial: Trial) -> list[str]:
    return [_n(c) for c in _unique(trial.conditions)]


def _is_healthy_condition(name: str) -> bool:
    return bool(_HEALTHY.search(name))


# ---------------------------------------------------------------- section builders
# Each returns a list of marked sentences; the odd cases (nothing in the record) say so.

def what_sentences(trial: Trial) -> list[str]:
    out: list[str | None] = []
    # "Healthy" in a condition list names who joins, not what is studied.
    conditions = [c for c in _conditions(trial) if not _is_healthy_condition(plain(c))] or _conditions(trial)
    if conditions:
        out.append(
            _fit_list("This study is about {}.", conditions, MAX_CONDITIONS)
            or f"This study is about {len(conditions)} conditions."
        )
    out.extend(_treatment_sentences(trial))
    purpose = W.PURPOSE.get((trial.design.primary_purpose or "").upper())
    if purpose:
        out.append(f"The main goal is {purpose}.")
    out.extend(W.STUDY_TYPE_EXPLAINED.get((trial.study_type or "").upper(), ()))
    out.extend(_phase_sentences(trial))
    out.append(W.STATUS_EXPLAINED.get(_status(trial)))
    out.append(_enrollment_sentence(trial))
    return [s for s in out if s]


def _treatment_sentences(trial: Trial) -> list[str]:
    tested = _tested_treatments(trial)
    if not tested:
        return []
    if _is_observational(trial):
        names = [_n(i.name) for i in tested]
        return [_fit_list("The record lists what it looks at as {}.", names, MAX_TREATMENTS)
                or f"The record lists {len(names)} things the study looks at."]
    if len(tested) == 1:
        item = tested[0]
        kind = W.INTERVENTION_KIND.get((item.type or "").upper(), "")
        s = _fit(f"It tests {kind} called {_n(item.name)}." if kind else None,
                 f"It tests {_n(item.name)}.")
        return [s or "It tests one treatment. Its name is in the record."]
    names = [_n(i.name) for i in tested]
    return [_fit_list("It tests {}.", names, MAX_TREATMENTS)
            or f"It tests {len(names)} treatments named in the record."]


def _phase_sentences(trial: Trial) -> list[str]:
    phases = [p for p in trial.phases if p in W.PHASE_NAMES]
    if not phases:
        if "NA" in trial.phases and (trial.study_type or "").upper() == "INTERVENTIONAL":
            return [W.PHASE_EXPLAINED["NA"]]
        return []
    names = [W.PHASE_NAMES[p] for p in phases]
    out = [f"This is a {_listing(names, len(names))} study."]
    out += [W.PHASE_EXPLAINED[p] for p in phases]
    return out


def _enrollment_sentence(trial: Trial) -> str | None:
    n = trial.enrollment
    if not n:
        return None
    people = "person" if n == 1 else "people"
    if trial.is_recruiting:
        return f"The study plans to include about {n} {people}."
    if _status(trial) == "WITHDRAWN":
        return None
    return f"The record gives the number of people as {n}."


def who_sentences(trial: Trial) -> list[str]:
    e = trial.eligibility
    out: list[str | None] = []
    lo, hi = e.min_age_years, e.max_age_years
    if lo and hi:
        out.append(f"People aged {_age_number(lo)} to {_age(hi)} old can join."
                   if _age(lo).endswith("years") and _age(hi).endswith("years")
                   else f"People aged {_age(lo)} to {_age(hi)} can join.")
    elif lo:
        out.append(f"People aged {_age(lo)} or older can join.")
    elif hi:
        out.append(f"People up to {_age(hi)} old can join.")
    else:
        out.append("The record does not give an age limit.")
    out.append(_sex_sentence(e))
    conditions = [c for c in _conditions(trial) if not _is_healthy_condition(plain(c))]
    if e.healthy_volunteers is True:
        out.append("Healthy people can join.")
    elif e.healthy_volunteers is False:
        out.append("Healthy volunteers cannot join.")
        if conditions:
            out.append(_fit_list("The study is for people with {}.", conditions, MAX_CONDITIONS))
    n_in, n_ex = len(e.inclusion), len(e.exclusion)
    if n_in or n_ex:
        parts = []
        if n_in:
            parts.append(f"{n_in} {'rule' if n_in == 1 else 'rules'} for who can join")
        if n_ex:
            parts.append(f"{n_ex} {'reason' if n_ex == 1 else 'reasons'} you cannot join")
        out.append(f"The record lists {' and '.join(parts)}.")
        out.append("The study team checks these rules with you.")
    return [s for s in out if s]


def _sex_sentence(e) -> str | None:
    """ "Only women can join", with girls/boys only where the age range includes children."""
    if e.sex not in ("FEMALE", "MALE"):
        return W.SEX_SENTENCE.get(e.sex or "")
    adult, child = ("women", "girls") if e.sex == "FEMALE" else ("men", "boys")
    if e.min_age_years is not None and e.min_age_years >= 18:
        return f"Only {adult} can join."
    if e.max_age_years is not None and e.max_age_years < 18:
        return f"Only {child} can join."
    return f"Only {adult} and {child} can join."


def can_join_points(trial: Trial) -> list[str]:
    """Points completing "You may be able to join if…", from structured fields only."""
    e = trial.eligibility
    out: list[str | None] = []
    lo, hi = e.min_age_years, e.max_age_years
    if lo and hi:
        out.append(f"you are {_age_number(lo)} to {_age(hi)} old"
                   if _age(lo).endswith("years") and _age(hi).endswith("years")
                   else f"you are {_age(lo)} to {_age(hi)} old")
    elif lo:
        out.append(f"you are {_age(lo)} old or older")
    elif hi:
        out.append(f"you are {_age(hi)} old or younger")
    out.append(W.SEX_CAN_JOIN.get(e.sex or ""))
    if e.healthy_volunteers is True:
        out.append("you are healthy")
    conditions = [c for c in _conditions(trial) if not _is_healthy_condition(plain(c))]
    if conditions and e.healthy_volunteers is not True and not _is_observational(trial):
        purpose = (trial.design.primary_purpose or "").upper()
        if purpose not in ("PREVENTION", "SCREENING"):
            out.append(_fit_list(W.CAN_JOIN_LEAD + " you have {}.", conditions, MAX_CONDITIONS, "other conditions"))
    points = [s for s in out if s]
    return [_strip_lead(p, W.CAN_JOIN_LEAD) for p in points]


def cannot_join_points(trial: Trial) -> list[str]:
    """Points completing "You cannot join if…", from structured fields only."""
    e = trial.eligibility
    out: list[str | None] = []
    if e.min_age_years:
        out.append(f"you are younger than {_age(e.min_age_years)}")
    if e.max_age_years:
        out.append(f"you are older than {_age(e.max_age_years)}")
    out.append(W.SEX_CANNOT_JOIN.get(e.sex or ""))
    if e.healthy_volunteers is False:
        out.append("you are a healthy volunteer")
    if _status(trial) in ("COMPLETED", "TERMINATED", "WITHDRAWN", "SUSPENDED", "ACTIVE_NOT_RECRUITING"):
        out.append("the study is not taking new people")
    return [s for s in out if s]


def _strip_lead(sentence: str, lead: str) -> str:
    if sentence.startswith(lead + " "):
        sentence = sentence[len(lead) + 1:]
    return sentence.rstrip(".")


def _join_point_sentences(can: Iterable[str], cannot: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"{W.CAN_JOIN_LEAD} {p}." for p in can) + tuple(f"{W.CANNOT_JOIN_LEAD} {p}." for p in cannot)


# The lookahead (?=[otfe\d]) only lets the regex try its alternatives where one can start: every
# alternative begins with o, t, f, e (under re.I, any character that matches them) or a digit.
_TIMING = re.compile(
    r"\b(?=[otfe\d])(?:(?:once|twice|one time|two times|three times|\d+ times)\s+(?:a|per|each|every)\s+"
    r"(?:\d+\s+)?(?:day|week|month|year|days|weeks|months)"
    r"|(?:once|twice)\s+(?:daily|weekly|monthly)"
    r"|every\s+(?:other\s+|\d+\s+|two\s+|three\s+|four\s+)?(?:day|week|month|days|weeks|months|hours)"
    r"|for\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(?:days|weeks|months|years|day|week|month|year)"
    r")\b",
    re.I,
)


# Every _TIMING match contains one of these words and one of these units (matched ignoring
# case). Under re.I the only characters that match their letters but whose str.lower() differs
# are "İ" and "ı" (checked over every code point), so a text with neither that lacks the words
# or the units, lower-cased, has no match: most descriptions ("for" is common) are skipped
# without running the slow regex.
_TIMING_WORDS = ("once", "twice", "time", "every", "for")
_TIMING_UNITS = ("day", "dai", "week", "month", "year", "hour")


def _may_give_timing(text: str) -> bool:
    low = text.lower()
    return (any(w in low for w in _TIMING_WORDS) and any(u in low for u in _TIMING_UNITS)) \
        or "İ" in text or "ı" in text


def timing_phrases(trial: Trial, limit: int = 2) -> list[str]:
    """Timing phrases quoted verbatim from the groups' and treatments' descriptions."""
    texts = [a.description for a in trial.arms] + [i.description for i in trial.interventions]
    found = _unique(m.group(0) for t in texts if t and _may_give_timing(t) for m in _TIMING.finditer(t))
    by_lower: dict[str, str] = {}
    for f in found:
        by_lower.setdefault(f.lower(), f)
    return list(by_lower.values())[:limit]


def happens_sentences(trial: Trial) -> list[str]:
    out: list[str | None] = []
    observational = _is_observational(trial)
    if observational:
        out.append("The study does not give you a treatment.")
    arms = trial.arms
    if len(arms) == 1:
        out.append("Everyone in the study is in the same group.")
        out.append(_what_group_gets(arms[0], single=True))
    elif len(arms) > 1:
        out.append(f"There are {len(arms)} groups in this study.")
        out.extend(_groups_sentences(arms))
    elif trial.interventions and not observational:
        out.append(W.MODEL_EXPLAINED.get((trial.design.intervention_model or "").upper()))
    if not observational:
        out.extend(_placebo_sentences(trial))
        allocation = (trial.design.allocation or "").upper()
        if allocation == "RANDOMIZED" or (allocation == "NON_RANDOMIZED" and len(arms) != 1):
            out.append(W.ALLOCATION_EXPLAINED[allocation])
        model = (trial.design.intervention_model or "").upper()
        if model in ("CROSSOVER", "FACTORIAL"):
            out.append(W.MODEL_EXPLAINED[model])
        out.extend(_masking_sentences(trial))
    phrases = timing_phrases(trial)
    if phrases:
        quoted = [f"“{_n(p)}”" for p in phrases]
        out.append(_fit(f"The record gives the timing as {_listing(quoted, len(quoted))}.",
                        f"The record gives the timing as {quoted[0]}."))
    if not [s for s in out if s]:
        out.append("The record does not say what happens in the study.")
    return [s for s in out if s]


def _groups_sentences(arms) -> list[str | None]:
    same = {tuple(_unique(a.interventions)) for a in arms}
    if len(same) == 1 and next(iter(same)):
        gets = [_n(x) for x in next(iter(same))]
        labels = [f"“{_n(a.label)}”" for a in arms]
        return [_fit_list("Every group gets {}.", gets, MAX_TREATMENTS, "other things"),
                _fit_list("The groups are called {}.", labels, MAX_GROUPS)]
    out = [_what_group_gets(arm, single=False) for arm in arms[:MAX_GROUPS]]
    if len(arms) > MAX_GROUPS:
        out.append(f"The record describes {len(arms) - MAX_GROUPS} more groups.")
    return out


def _what_group_gets(arm, single: bool) -> str | None:
    gets = [_n(name) for name in _unique(arm.interventions)]
    kind = W.ARM_KIND.get((arm.type or "").upper(), "")
    who = "Everyone" if single else f"The group called “{_n(arm.label)}”"
    if gets:
        s = _fit_list(who + " gets {}.", gets, MAX_TREATMENTS, "other things")
        if s:
            return s
        if not single:
            return _fit_list("One group gets {}.", gets, MAX_TREATMENTS, "other things")
    if kind:
        return _fit(f"{who} gets {kind}.", f"One group gets {kind}.")
    if not single:
        return _fit(f"One group is called “{_n(arm.label)}”.")
    return None


def _placebo_sentences(trial: Trial) -> list[str]:
    if _has_placebo(trial):
        return ["Some people get a placebo.", "A placebo looks like the real treatment but has no medicine in it."]
    if trial.arms and not _mentions_placebo_anywhere(trial):
        return ["No one in this study gets a placebo."]
    return []


def _masking_sentences(trial: Trial) -> list[str]:
    masking = (trial.design.masking or "").upper()
    if not masking:
        return []
    if masking == "NONE":
        return ["Everyone knows which treatment each person gets. This is called open-label."]
    roles = [W.MASKED_ROLE[r] for r in trial.design.masked_roles if r in W.MASKED_ROLE]
    if not roles:
        return ["Some people in the study do not know who gets which treatment.", "This is called blinding."]
    others = [r for r in roles if r != "you"]
    out = []
    if "you" in roles:
        out.append("You will not know which treatment you get.")
        if others:
            out.append(f"{_cap(_listing(others, len(others)))} will not know either.")
    else:
        out.extend(_fit(f"{_cap(_listing(others, len(others)))} will not know which treatment you get.") and
                   [f"{_cap(_listing(others, len(others)))} will not know which treatment you get."] or
                   ["Some people in the study will not know which treatment you get.",
                    f"They are {_listing(others, len(others))}."])
    out.append("This is called blinding.")
    return out


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def how_long_sentences(trial: Trial) -> list[str]:
    status = _status(trial)
    out: list[str] = []
    if trial.start_date:
        when = _month_year(trial.start_date)
        if status in ("NOT_YET_RECRUITING", "WITHDRAWN"):
            out.append(f"The study was planned to start in {when}." if status == "WITHDRAWN"
                       else f"The study plans to start in {when}.")
        else:
            out.append(f"The study started in {when}.")
    if trial.completion_date:
        when = _month_year(trial.completion_date)
        if status in ("COMPLETED", "TERMINATED"):
            out.append(f"It ended in {when}.")
        elif status in ("WITHDRAWN",):
            out.append(f"It was planned to end in {when}.")
        else:
            out.append(f"It is planned to end in {when}.")
    if not out:
        out.append("The record does not give dates for the study.")
    if trial.last_updated:
        out.append(f"The record was last updated in {_month_year(trial.last_updated)}.")
    return out


def where_sentences(trial: Trial) -> list[str]:
    locs = trial.locations
    if not locs:
        return ["The record does not list any places for this study."]
    countries = _most_common([loc.country for loc in locs if loc.country])
    cities = _most_common([loc.city for loc in locs if loc.city])
    n = len(locs)
    sites = "one site" if n == 1 else f"{n} sites"
    out: list[str | None] = []
    # "The record lists" rather than "takes place": also true for withdrawn or finished studies.
    if countries:
        out.append(
            (_fit_list(f"The record lists {sites} in {{}}.", [_country(c) for c in countries], MAX_COUNTRIES,
                       "other countries")
             if len(countries) <= MAX_COUNTRIES else None)
            or f"The record lists {sites} in {len(countries)} countries."
        )
    else:
        out.append(f"The record lists {sites}.")
    if n == 1 and locs[0].facility:
        out.append(_fit(f"The site is {_n(locs[0].facility)}" + (f" in {_n(cities[0])}." if cities else "."),
                        f"The site is {_n(locs[0].facility)}."))
    elif cities and (n > 1 or not locs[0].facility):
        # Only the first MAX_PLACES can be named; the rest are only counted ("and 4 more").
        out.append(_fit_list("Places include {}." if len(cities) > 1 else "The place is {}.",
                             [_n(c) for c in cities[:MAX_PLACES]] + cities[MAX_PLACES:], MAX_PLACES, "more"))
    if n > 1 and trial.is_recruiting:
        recruiting = sum(1 for loc in locs if (loc.status or "").upper() == "RECRUITING")
        if 0 < recruiting < n:
            out.append(f"{recruiting} of these sites are looking for people now.")
    return [s for s in out if s]


def _most_common(values: list[str]) -> list[str]:
    """The distinct values, most frequent first, ties in first-seen order: the keys of
    Counter(values).most_common(), without Counter's own calls (~1.5 us a list)."""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return sorted(counts, key=counts.__getitem__, reverse=True)  # stable: ties keep first-seen order


_COUNTRIES_WITH_THE = re.compile(
    r"^(United |Netherlands|Philippines|Czech|Russian|Dominican|Central African|Gambia|Bahamas|"
    r"Republic|Democratic|Maldives|Marshall|Solomon|Comoros|Seychelles|Holy See)"
)


def _country(name: str) -> str:
    """A country name from the record, with "the" where English needs it."""
    return ("the " if _COUNTRIES_WITH_THE.match(name) else "") + _n(name)


_INVESTIGATOR_ROLES = ("PRINCIPAL_INVESTIGATOR", "STUDY_CHAIR", "STUDY_DIRECTOR")


def who_runs_sentences(trial: Trial) -> list[str]:
    lead = trial.lead_sponsor
    out: list[str | None] = []
    if lead:
        out.append(_fit(f"The study is run by {_n(lead.name)}.") or "The record names who runs the study.")
        if (lead.agency_class or "").upper() == "INDUSTRY":
            out.append("This is a company.")
    else:
        out.append("The record does not say who runs the study.")
    collaborators = [_n(s.name) for s in trial.sponsors if s.role == "collaborator"]
    if collaborators:
        verb = "helps" if len(collaborators) == 1 else "help"
        out.append(_fit_list("{} also " + verb + ".", collaborators, 2, "other groups")
                   or f"{len(collaborators)} other groups also {verb}.")
    official = next((o for o in trial.officials if (o.role or "").upper() in _INVESTIGATOR_ROLES), None)
    if official:
        out.append(_fit(f"The study leader is {_n(official.name)}."))
    return [s for s in out if s]


def ask_sentences(trial: Trial) -> list[str]:
    central = [c for c in trial.contacts if not c.facility and (c.phone or c.email)]
    at_sites = [c for c in trial.contacts if c.facility and (c.phone or c.email)]
    site_count = len({c.facility for c in at_sites})
    out: list[str | None] = []
    # Central contacts speak for the whole study; one site's nurse only does when there is one site.
    contacts = central or (at_sites if site_count == 1 else [])
    for c in contacts[:MAX_CONTACTS]:
        ways = [w for w in (c.phone and _n(c.phone), c.email and _n(c.email)) if w]
        who = _n(c.name) if c.name else "the study team"
        out.append(_fit(f"You can contact {who} at {' or '.join(ways)}.", f"You can contact {who} at {ways[0]}."))
    if not contacts and site_count > 1:
        out.append(f"The record lists contacts at {site_count} sites.")
    if not [s for s in out if s]:
        out = ["The record does not list a contact.", "Ask your doctor or the study team about this study."]
    else:
        out.append("Ask your doctor if this study is right for you.")
    out.append(f"Give them the study number, {_n(trial.nct_id)}.")
    return [s for s in out if s]


SECTIONS: tuple[tuple[str, str, Callable[[Trial], list[str]]], ...] = (
    ("what", "What is being studied and why", what_sentences),
    ("who", "Who can join", who_sentences),
    ("happens", "What happens if you join", happens_sentences),
    ("how_long", "How long the study runs", how_long_sentences),
    ("where", "Where the study takes place", where_sentences),
    ("who_runs", "Who runs the study", who_runs_sentences),
    ("ask", "How to ask about the study", ask_sentences),
)


def _tidy(sentence: str) -> str:
    s = sentence.replace(NAME_OPEN, "").replace(NAME_CLOSE, "")  # plain(), inlined: ~35 calls a trial
    return s[:-1] if s.endswith("..") else s


def summarise(trial: Trial) -> PlainSummary:
    """The plain-language summary of one trial (pure function of the Trial)."""
    marked_sections = [(key, heading, build(trial)) for key, heading, build in SECTIONS]
    can_marked, cannot_marked = can_join_points(trial), cannot_join_points(trial)
    can = [_tidy(p) for p in can_marked]
    cannot = [_tidy(p) for p in cannot_marked]
    sections = tuple(PlainSection(key, heading, tuple(map(_tidy, sents))) for key, heading, sents in marked_sections)
    # Each sentence as shown beside its marked form, in the order the reader meets them.
    pairs = [(s, m) for sec, (_, _, marked) in zip(sections, marked_sections) for s, m in zip(sec.sentences, marked)]
    pairs += zip(_join_point_sentences(can, cannot), _join_point_sentences(can_marked, cannot_marked))
    grade, longest, grade_without_names = _grades(pairs)
    return PlainSummary(
        sections=sections,
        can_join=tuple(can),
        cannot_join=tuple(cannot),
        grade=grade,
        longest_sentence_words=longest,
        grade_without_names=grade_without_names,
    )


def _grades(pairs: list[tuple[str, str]]) -> tuple[float, int, float]:
    """(grade, longest sentence in words, grade without names) of the (shown, marked) sentence
    pairs: sentences, words and syllables added up as fk_grade counts them (it skips blank
    sentences). One loop with local sums: two tally objects' method calls cost ~15 us more a trial."""
    counts_of = sentence_counts
    n = words = syllables = longest = 0  # the text as shown
    n2 = words2 = syllables2 = 0  # the same, record-supplied names replaced by PLACEHOLDER
    for s, m in pairs:
        counts = None
        if s and not s.isspace():
            counts = w, y = counts_of(s)
            n += 1
            words += w
            syllables += y
            if w > longest:
                longest = w
        # A sentence without record values reads the same with them "removed": count it once.
        if m == s:
            if counts is None:
                continue
        else:
            m = _MARKED.sub(PLACEHOLDER, m) if NAME_OPEN in m else m  # measured(m)
            if not m or m.isspace():
                continue
            counts = counts_of(m)
        n2 += 1
        words2 += counts[0]
        syllables2 += counts[1]
    return grade_formula(n, words, syllables), longest, grade_formula(n2, words2, syllables2)
