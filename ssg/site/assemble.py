"""Enrich phase: parsed trials -> the Site model (pure: no files, no clock).

Also plans every output path before anything is rendered, so that two sources that would
write one file are reported with both their names instead of one silently overwriting the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from functools import partial

from ssg.config import SiteConfig
from ssg.errors import BuildError
from ssg.model import Trial
from ssg.site import urls
from ssg.site.model import ExtraPage, Site, TrialEntry
from ssg.site.taxonomy import condition_taxonomy, recruiting_ids, sponsor_taxonomy


def extra_page(slug: str, text: str, source: str = "") -> ExtraPage:
    """A Markdown page; its first "# Heading" becomes the title and leaves the body."""
    lines = text.lstrip("\ufeff").splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].startswith("# "):
        title = lines[first][2:].strip().strip("#").strip()
        body = "\n".join(lines[first + 1:]).strip("\n") + "\n"
    else:
        title = slug.replace("-", " ").capitalize()
        body = text
    return ExtraPage(slug=slug, title=title or slug, markdown=body, source=source)


def assemble(
    config: SiteConfig,
    trials: Iterable[Trial],
    summaries: Mapping[str, object],
    pages: Iterable[ExtraPage] = (),
) -> Site:
    """The Site: trials sorted by NCT ID, each with its plain summary and taxonomy terms."""
    trials = sorted(trials, key=lambda t: t.nct_id)
    recruiting = recruiting_ids(trials)
    conditions = condition_taxonomy(trials, recruiting)
    sponsors = sponsor_taxonomy(trials, recruiting)
    global _entries
    entries = tuple(_entry(t, summaries.get(t.nct_id), conditions.by_trial.get(t.nct_id, ()),
                           sponsors.by_trial.get(t.nct_id, ())) for t in trials)
    site = Site(
        config=config,
        entries=entries,
        conditions=conditions.terms,
        sponsors=sponsors.terms,
        pages=tuple(sorted(pages, key=lambda p: (p.slug, p.source))),
    )
    _entries = site.entries_by_id()
    return site


# NCT ID -> entry of the last site assembled: a serve rebuild makes nearly every entry again
# from the very same parts, and later memos test entries' parts by identity.
_entries: Mapping[str, TrialEntry] = {}


def _entry(trial: Trial, plain, conditions: tuple, sponsors: tuple) -> TrialEntry:
    e = _entries.get(trial.nct_id)
    if e is not None and e.trial is trial and e.plain is plain and e.conditions is conditions \
            and e.sponsors is sponsors:
        return e
    return TrialEntry(trial=trial, plain=plain, conditions=conditions, sponsors=sponsors)


def _describe(what: str, trial: Trial) -> str:
    sources = ", ".join(s.path for s in trial.sources) or trial.nct_id
    return f"{what} {trial.nct_id} ({sources})"


def planned_paths(site: Site) -> list[tuple[str, str | Callable[[], str]]]:
    """(output path, what makes it) for every page the site will have, before rendering;
    "what" may be a function that describes it (called only to report a clash)."""
    plan = [
        (urls.home_path(), "home page"),
        (urls.conditions_path(), "condition index"),
        (urls.sponsors_path(), "sponsor index"),
        (urls.search_path(), "search page"),
        (urls.glossary_path(), "glossary"),
        (urls.not_found_path(), "404 page"),
        (urls.sitemap_path(), "sitemap"),
        (urls.robots_path(), "robots.txt"),
    ]
    for e in site.entries:
        # Described only when two makers clash (a description per trial costs more than the check).
        plan.append((urls.trial_path(e.trial.nct_id), partial(_describe, "trial", e.trial)))
        plan.append((urls.handout_path(e.trial.nct_id), partial(_describe, "handout of", e.trial)))
    plan += [(urls.condition_path(t.slug), f"condition {t.name!r}") for t in site.conditions]
    plan += [(urls.sponsor_path(t.slug), f"sponsor {t.name!r}") for t in site.sponsors]
    for p in site.pages:
        plan.append((urls.extra_page_path(p.slug), f"page {p.source or p.slug}"))
        if p.slug in urls.RESERVED_SLUGS:
            plan.append((urls.extra_page_path(p.slug), f"the site's own {p.slug}/ section"))
    return plan


# What the paths of the last site that passed check_output_paths were made from (a serve
# rebuild nearly always plans the same ~22,000 paths again).
_checked: list[tuple] = []


def check_output_paths(site: Site) -> None:
    """Raise BuildError naming both sources when two of them would write one output path."""
    # Every planned path is made from these alone.
    made_from = ([e.trial.nct_id for e in site.entries], [t.slug for t in site.conditions],
                 [t.slug for t in site.sponsors], [p.slug for p in site.pages])
    if _checked and _checked[0] == made_from:
        return
    _checked.clear()
    _check(site)
    _checked.append(made_from)


def _check(site: Site) -> None:
    plan = planned_paths(site)
    counts: dict[str, int] = defaultdict(int)
    for path, _ in plan:
        counts[path] += 1
    if all(n == 1 for n in counts.values()):
        return
    makers: dict[str, list[str]] = defaultdict(list)
    for path, what in plan:
        if counts[path] > 1:
            makers[path].append(what() if callable(what) else what)
    clashes = [f"{path} would be written by {' and '.join(whats)}" for path, whats in sorted(makers.items())]
    raise BuildError("enrich", "two sources write one output path:\n  " + "\n  ".join(clashes))
