"""Criteria splitting and derived facts for the structured parsers.

The text layouts and the structured formats share one criteria splitter and one
condition/age inference (``ssg.sources.criteria``, ``ssg.infer``), so the same
words give the same items whatever file they came from.
"""

from __future__ import annotations

from ssg import infer
from ssg.model import Eligibility
from ssg.sources.criteria import split_criteria


def split(criteria: str | None) -> tuple[list[str], list[str]]:
    if not criteria:
        return [], []
    inclusion, exclusion = split_criteria(criteria)
    return list(inclusion), list(exclusion)


def conditions(named: list[str], title: str, official_title: str | None, summary: str | None) -> tuple[list[str], bool]:
    """The record's own conditions; only when it names none, ones derived from its words (flagged)."""
    if named:
        return named, False
    found = infer.infer_conditions(title, [t for t in (official_title, summary) if t])
    return (list(found), True) if found else ([], False)


def ages(eligibility: Eligibility) -> Eligibility:
    """Structured ages win; only a record with neither age takes them from an inclusion criterion that states them."""
    if eligibility.min_age_years is not None or eligibility.max_age_years is not None:
        return eligibility
    found = infer.infer_ages(eligibility.inclusion)
    if not found or (found[0] is None and found[1] is None):
        return eligibility
    return eligibility.model_copy(update={"min_age_years": found[0], "max_age_years": found[1], "ages_inferred": True})
