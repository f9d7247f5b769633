"""Records of one NCT ID from several files -> one Trial, by a written precedence table.

Sources are ranked by ``LAYOUT_RANK`` (structured ClinicalTrials.gov data over
the labelled page over the compact page over ClinConnect); within a layout the
most recently updated record wins, then the file path decides, so the result
never depends on the order the files were read in. ``FIELD_RULES`` says, for
every Trial field, how the ranked values become one value:

- ``first``:  the best-ranked source that has a value (not None, not empty);
- ``union``:  every source's items, best-ranked first, duplicates dropped (``_KEYS`` says
  when two items are the same: case, spacing and Markdown escapes do not count);
- ``any``:    true if any source says so (``has_results``);
- ``references``: a union where the same PMID or the same citation is one reference;
- ``locations``: a union where a site without a facility name, in a city and country that a
  better-ranked source names a site in, is that site;
- special rules, documented at their functions: ``status`` (a known status beats UNKNOWN),
  ``conditions`` (named beat inferred), ``eligibility`` (ages as a pair, named beat inferred),
  ``design`` (``first`` per sub-field), ``sponsors`` (one lead), ``related`` (never the trial
  itself), ``sources`` (every file, best-ranked first).

An ``*_inferred`` flag is true only if the value that won was itself inferred.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from ssg.model import Design, Eligibility, Sponsor, Status, Trial
from ssg.sources.normalize import clean_markdown_escapes

# Lower wins. Structured records are the registry's own data; the labelled page
# keeps every label; the compact page loses items and labels; ClinConnect rewrites.
LAYOUT_RANK = {"ctgov_json": 0, "ctgov_xml": 1, "labelled": 2, "compact": 3, "clinconnect": 4}

FIELD_RULES: dict[str, str] = {
    "nct_id": "first",
    "title": "first",
    "official_title": "first",
    "acronym": "first",
    "status": "status",
    "phases": "first",
    "study_type": "first",
    "enrollment": "first",
    "start_date": "first",
    "completion_date": "first",
    "last_updated": "first",
    "brief_summary": "first",
    "detailed_description": "first",
    "source_plain_summary": "first",  # only ClinConnect gives one, so it is kept whatever wins elsewhere
    "conditions": "conditions",
    "conditions_inferred": "conditions",  # set together with conditions
    "keywords": "union",
    "design": "design",
    "arms": "union",
    "interventions": "union",
    "eligibility": "eligibility",
    "sponsors": "sponsors",
    "sponsor_about": "first",
    "locations": "locations",
    "contacts": "union",
    "officials": "union",
    "references": "references",
    "other_ids": "union",
    "related": "related",
    "has_results": "any",
    "sources": "sources",
}


def _fold(text: str | None) -> str:
    """Comparison key for free text: case, spacing, Markdown escapes and end punctuation do not count."""
    if not text:
        return ""
    return re.sub(r"\s+", " ", clean_markdown_escapes(text)).strip().rstrip(".;,").casefold()


# When two list items are the same thing (the first, best-ranked one is kept).
_KEYS: dict[str, Callable[[object], tuple]] = {
    "keywords": lambda s: (_fold(s),),
    "conditions": lambda s: (_fold(s),),
    "criteria": lambda s: (_fold(s),),
    "arms": lambda a: (_fold(a.label),),
    "interventions": lambda i: (_fold(i.name),),
    "locations": lambda loc: (_fold(loc.facility), _fold(loc.city), _fold(loc.country)),
    "contacts": lambda c: (_fold(c.name), _fold(c.facility), _fold(c.phone), _fold(c.email)),
    "officials": lambda o: (_fold(o.name),),
    "other_ids": lambda o: (_fold(o.id),),
    "related": lambda r: (r.nct_id,),
}


def merge_trials(trials: Iterable[Trial]) -> list[Trial]:
    """Same NCT ID -> one Trial; the result is sorted by NCT ID and independent of input order."""
    groups: dict[str, list[Trial]] = defaultdict(list)
    for trial in trials:
        groups[trial.nct_id].append(trial)
    return [merge_group(groups[nct]) for nct in sorted(groups)]


class _Desc:
    """Wraps a string so that sorting puts the greatest first (an empty one last)."""

    __slots__ = ("value",)

    def __init__(self, value: str):
        self.value = value

    def __lt__(self, other: "_Desc") -> bool:
        return self.value > other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.value == other.value


def rank(trial: Trial) -> tuple:
    """Sort key: best layout, then newest, then path (and content, so that equal keys are equal records)."""
    best = min((LAYOUT_RANK.get(s.layout, len(LAYOUT_RANK)) for s in trial.sources), default=len(LAYOUT_RANK))
    paths = tuple(sorted(s.path for s in trial.sources))
    return best, _Desc(trial.last_updated or ""), paths, trial.model_dump_json()


def merge_group(trials: list[Trial]) -> Trial:
    """Records of one NCT ID -> one Trial by ``FIELD_RULES``."""
    if len({t.nct_id for t in trials}) != 1:
        raise ValueError("merge_group needs records of one NCT ID")
    if len(trials) == 1:
        return trials[0]
    ranked = sorted(trials, key=rank)
    merged: dict[str, object] = {}
    for field, rule in FIELD_RULES.items():
        if field in merged:
            continue
        if rule == "first":
            merged[field] = _first(getattr(t, field) for t in ranked)
        elif rule == "union":
            merged[field] = _union((getattr(t, field) for t in ranked), _KEYS[field])
        elif rule == "any":
            merged[field] = any(getattr(t, field) for t in ranked)
        else:
            merged.update(_SPECIAL[rule](ranked))
    return Trial.model_validate(merged)


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _first(values: Iterable[object]):
    fallback = None
    for value in values:
        if not _empty(value):
            return value
        fallback = value if fallback is None else fallback
    return fallback


def _union(lists: Iterable[list], key: Callable[[object], tuple]) -> list:
    out, seen = [], set()
    for items in lists:
        for item in items:
            k = key(item)
            if k not in seen:
                seen.add(k)
                out.append(item)
    return out


def _references(ranked: list[Trial]) -> dict:
    """The same PMID, or the same citation text, is the same reference."""
    out, pmids, citations = [], set(), set()
    for trial in ranked:
        for ref in trial.references:
            cite = _fold(ref.citation)
            if (ref.pmid and ref.pmid in pmids) or cite in citations:
                continue
            out.append(ref)
            citations.add(cite)
            if ref.pmid:
                pmids.add(ref.pmid)
    return {"references": out}


def _locations(ranked: list[Trial]) -> dict:
    """A union; a site without a facility name from a lower-ranked source adds nothing when a
    better-ranked source already has a named site in that city and country (pages often drop
    the facility). Within one source every site is kept."""
    key = _KEYS["locations"]
    out, seen, covered = [], set(), set()
    for trial in ranked:
        named_here = set()
        for loc in trial.locations:
            place = (_fold(loc.city), _fold(loc.country))
            if key(loc) in seen or (not loc.facility and place in covered):
                continue
            seen.add(key(loc))
            out.append(loc)
            if loc.facility:
                named_here.add(place)
        covered |= named_here
    return {"locations": out}


def _status(ranked: list[Trial]) -> dict:
    """The best-ranked known status; UNKNOWN only if no source knows (parsers default to UNKNOWN)."""
    known = [t.status for t in ranked if t.status != Status.UNKNOWN]
    return {"status": known[0] if known else Status.UNKNOWN}


def _conditions(ranked: list[Trial]) -> dict:
    """Conditions the records name, united; only when none names any, the best-ranked inferred ones."""
    named = [t.conditions for t in ranked if t.conditions and not t.conditions_inferred]
    if named:
        return {"conditions": _union(named, _KEYS["conditions"]), "conditions_inferred": False}
    inferred = [t.conditions for t in ranked if t.conditions]
    return {"conditions": inferred[0] if inferred else [], "conditions_inferred": bool(inferred)}


def _design(ranked: list[Trial]) -> dict:
    """Each design sub-field from the best-ranked source that has it."""
    return {"design": Design(**{
        name: _first(getattr(t.design, name) for t in ranked) if name != "masked_roles"
        else _first(t.design.masked_roles for t in ranked) or []
        for name in Design.model_fields
    })}


def _eligibility(ranked: list[Trial]) -> dict:
    """Criteria united; ages as a (min, max) pair from one source, named before inferred, so a
    structured record's open upper limit is not filled in from another file; other fields ``first``."""
    with_ages = [t.eligibility for t in ranked
                 if t.eligibility.min_age_years is not None or t.eligibility.max_age_years is not None]
    ages = min(with_ages, key=lambda e: e.ages_inferred, default=Eligibility())  # min() is stable: best rank
    return {"eligibility": Eligibility(
        inclusion=_union((t.eligibility.inclusion for t in ranked), _KEYS["criteria"]),
        exclusion=_union((t.eligibility.exclusion for t in ranked), _KEYS["criteria"]),
        min_age_years=ages.min_age_years,
        max_age_years=ages.max_age_years,
        ages_inferred=ages.ages_inferred,
        sex=_first(t.eligibility.sex for t in ranked),
        healthy_volunteers=_first(t.eligibility.healthy_volunteers for t in ranked),
    )}


def _sponsors(ranked: list[Trial]) -> dict:
    """One lead (the best-ranked source's), then every collaborator not already named."""
    lead = next((s for t in ranked for s in t.sponsors if s.role == "lead"), None)
    out: list[Sponsor] = [lead] if lead else []
    seen = {_fold(lead.name)} if lead else set()
    for trial in ranked:
        for sponsor in trial.sponsors:
            if sponsor.role == "collaborator" and _fold(sponsor.name) not in seen:
                seen.add(_fold(sponsor.name))
                out.append(sponsor)
    return {"sponsors": out}


def _related(ranked: list[Trial]) -> dict:
    own = ranked[0].nct_id
    related = _union((t.related for t in ranked), _KEYS["related"])
    return {"related": [r for r in related if r.nct_id != own]}


def _sources(ranked: list[Trial]) -> dict:
    """Every file once, best-ranked first."""
    return {"sources": _union((t.sources for t in ranked), lambda s: (s.path, s.layout))}


_SPECIAL: dict[str, Callable[[list[Trial]], dict]] = {
    "status": _status,
    "conditions": _conditions,
    "design": _design,
    "eligibility": _eligibility,
    "sponsors": _sponsors,
    "related": _related,
    "references": _references,
    "locations": _locations,
    "sources": _sources,
}
