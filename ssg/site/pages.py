"""The site's core pages: home, trials, condition and sponsor taxonomies, extra pages, 404,
sitemap.xml, robots.txt and .nojekyll.

``pages(site, renderer)`` yields OutputFiles in a fixed order; every page path comes from
ssg.site.urls, and everything a template shows is prepared here or in trial_view.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

from ssg.render.jsonld import trial_jsonld
from ssg.site import urls
from ssg.site.model import OutputFile, Site, Term
from ssg.site.trial_view import trial_view

# Home lists this many studies that are looking for people; the rest are a search or index away.
HOME_RECRUITING = 24
HOME_TOP_CONDITIONS = 16
OTHER_LETTER = "#"


@dataclass(frozen=True)
class LetterGroup:
    letter: str  # "A".."Z" or "#"
    anchor: str  # id for the jump bar ("letter-a", "letter-other")
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class TermIndex:
    """An index page's content: terms grouped by first letter, and the full A–Z bar."""

    groups: tuple[LetterGroup, ...]
    letters: tuple[tuple[str, str | None], ...]  # (letter, anchor or None when no term starts with it)
    total: int


def _first_letter(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").strip().upper()
    return folded[0] if folded[:1].isalpha() else OTHER_LETTER


def _anchor(letter: str) -> str:
    return "letter-other" if letter == OTHER_LETTER else f"letter-{letter.lower()}"


def term_index(terms: Iterable[Term]) -> TermIndex:
    """Terms sorted by name (case-free) and grouped A–Z, names starting with a digit or sign under "#"."""
    ordered = sorted(terms, key=lambda t: (t.name.casefold(), t.slug))
    by_letter: dict[str, list[Term]] = {}
    for term in ordered:
        by_letter.setdefault(_first_letter(term.name), []).append(term)
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    order = letters + [OTHER_LETTER]
    groups = tuple(LetterGroup(L, _anchor(L), tuple(by_letter[L])) for L in order if L in by_letter)
    bar = tuple((L, _anchor(L) if L in by_letter else None) for L in order if L != OTHER_LETTER or L in by_letter)
    return TermIndex(groups, bar, len(ordered))


def recruiting_first(site: Site) -> tuple:
    """Studies that take people now, most recently updated first (then by NCT ID, for stable output)."""
    open_entries = [e for e in site.entries if e.trial.is_recruiting]
    open_entries.sort(key=lambda e: e.trial.nct_id)
    open_entries.sort(key=lambda e: e.trial.last_updated or "", reverse=True)
    return tuple(open_entries)


def top_terms(terms: Iterable[Term], n: int) -> tuple[Term, ...]:
    return tuple(sorted(terms, key=lambda t: (-len(t.nct_ids), t.name.casefold(), t.slug))[:n])


def sitemap(site: Site, paths: Iterable[tuple[str, str | None]]) -> bytes:
    """sitemap.xml: absolute URLs from base_url, sorted; lastmod only where the record gives a date."""
    base = site.config.base_url
    rows = sorted((urls.absolute(base, p), lastmod) for p, lastmod in paths)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in rows:
        entry = f"  <url><loc>{xml_escape(loc)}</loc>"
        if lastmod:
            entry += f"<lastmod>{xml_escape(lastmod)}</lastmod>"
        lines.append(entry + "</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(site: Site) -> bytes:
    return (
        "User-agent: *\n"
        "Allow: /\n"
        f"Sitemap: {urls.absolute(site.config.base_url, urls.sitemap_path())}\n"
    ).encode("utf-8")


def trial_page(site: Site, renderer, entry) -> OutputFile:
    """One trial's page: a pure function of the site, so the build may render it in a worker."""
    path = urls.trial_path(entry.trial.nct_id)
    return OutputFile(path, renderer.render(
        "trial.html", path, entry=entry, v=trial_view(entry, site),
        jsonld=trial_jsonld(entry.trial, urls.absolute(site.config.base_url, path))))


def recruiting_count(site: Site, nct_ids: Iterable[str]) -> int:
    """How many of these trials are looking for people now (for a term page's lead)."""
    return sum(1 for nct in nct_ids if (e := site.entry(nct)) is not None and e.trial.is_recruiting)


def condition_page(site: Site, renderer, term: Term) -> OutputFile:
    path = urls.condition_path(term.slug)
    return OutputFile(path, renderer.render("condition.html", path, term=term,
                                            recruiting=recruiting_count(site, term.nct_ids)))


def sponsor_page(site: Site, renderer, term: Term) -> OutputFile:
    path = urls.sponsor_path(term.slug)
    return OutputFile(path, renderer.render("sponsor.html", path, term=term,
                                            recruiting=recruiting_count(site, term.nct_ids)))


def pages(site: Site, renderer, *, per_item: bool = True) -> Iterator[OutputFile]:
    """Every core page. per_item=False leaves out the trial, condition and sponsor pages (the build
    renders those itself, in parallel and from its cache) but still lists them in the sitemap."""
    indexed: list[tuple[str, str | None]] = []  # (path, lastmod) for the sitemap

    def html(template: str, path: str, lastmod: str | None = None, **context) -> OutputFile:
        indexed.append((path, lastmod))
        return OutputFile(path, renderer.render(template, path, **context))

    recruiting = recruiting_first(site)
    yield html("home.html", urls.home_path(),
               recruiting=recruiting[:HOME_RECRUITING],
               recruiting_total=len(recruiting),
               top_conditions=top_terms(site.conditions, HOME_TOP_CONDITIONS))

    for entry in site.entries:
        indexed.append((urls.trial_path(entry.trial.nct_id), entry.trial.last_updated))
        if per_item:
            yield trial_page(site, renderer, entry)

    yield html("conditions.html", urls.conditions_path(), index=term_index(site.conditions))
    for term in site.conditions:
        indexed.append((urls.condition_path(term.slug), None))
        if per_item:
            yield condition_page(site, renderer, term)

    yield html("sponsors.html", urls.sponsors_path(), index=term_index(site.sponsors))
    for term in site.sponsors:
        indexed.append((urls.sponsor_path(term.slug), None))
        if per_item:
            yield sponsor_page(site, renderer, term)

    for extra in site.pages:
        yield html("page.html", urls.extra_page_path(extra.slug), page=extra)

    # Pages other helpers write, listed here so the sitemap is whole.
    indexed.extend([(urls.search_path(), None), (urls.glossary_path(), None)])

    yield OutputFile(urls.not_found_path(), renderer.render("404.html", urls.not_found_path()))
    yield OutputFile(urls.sitemap_path(), sitemap(site, indexed))
    yield OutputFile(urls.robots_path(), robots(site))
    # GitHub Pages would otherwise run Jekyll, which drops files and folders starting with "_".
    yield OutputFile(".nojekyll", b"")
