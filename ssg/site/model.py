"""The site model handed to every page producer.

Note for producers (C2 and feature helpers): besides the fields in the team brief,
``Site.pages`` holds the extra Markdown pages from content/pages/*.md as ``ExtraPage``
(slug, title, markdown, source); their output path is ``ssg.site.urls.extra_page_path(slug)``
("about/index.html"). Render ``markdown`` with the ``markdown`` filter.
Any build date to show is the Renderer global ``build_date`` (None unless SOURCE_DATE_EPOCH is set).

Everything here is frozen and picklable so trial pages can later be rendered in worker processes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ssg.config import SiteConfig
from ssg.model import Trial

if TYPE_CHECKING:  # the plain-language module is written by another helper
    from ssg.plain import PlainSummary
else:
    PlainSummary = Any


@dataclass(frozen=True)
class Term:
    """A condition or a sponsor in a taxonomy."""

    name: str  # display name
    slug: str  # unique within its taxonomy, stable across builds
    nct_ids: tuple[str, ...]  # trials with this term, recruiting first then by nct_id
    inferred: bool = False  # condition derived from title/text, not named by the record


@dataclass(frozen=True)
class TrialEntry:
    trial: Trial
    plain: PlainSummary  # ssg.plain.summarise(trial)
    conditions: tuple[Term, ...]
    sponsors: tuple[Term, ...]


@dataclass(frozen=True)
class ExtraPage:
    """A page from content/pages/<slug>.md (about, privacy)."""

    slug: str
    title: str
    markdown: str  # the page body (its "# Title" line moved to ``title``)
    source: str = ""  # the file it came from, for error messages


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    entries: tuple[TrialEntry, ...]  # sorted by nct_id
    conditions: tuple[Term, ...]  # sorted by name
    sponsors: tuple[Term, ...]  # sorted by name
    pages: tuple[ExtraPage, ...] = ()  # sorted by slug
    _by_nct: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_nct", {e.trial.nct_id: e for e in self.entries})

    def entry(self, nct_id: str) -> TrialEntry | None:
        return self._by_nct.get(nct_id)

    def entries_by_id(self) -> Mapping[str, TrialEntry]:
        """NCT ID -> entry, read-only."""
        return MappingProxyType(self._by_nct)


@dataclass(frozen=True)
class OutputFile:
    path: str  # posix path relative to the site root, e.g. "trials/NCT01234567/index.html"
    data: bytes
