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


# [trials, NCT IDs in order] of the last call: the order reads only each trial's NCT ID, status and
# update date, so a serve rebuild asks only the trials that are not the very objects of last time.
_last_recruiting: list = []


def _order_facts(t) -> tuple:
    return t.nct_id, t.is_recruiting, t.last_updated


def recruiting_first(site: Site) -> tuple:
    """Studies that take people now, most recently updated first (then by NCT ID, for stable output)."""
    trials = [e.trial for e in site.entries]
    last = _last_recruiting
    if last and len(last[0]) == len(trials) and all(
            a is b or _order_facts(a) == _order_facts(b) for a, b in zip(last[0], trials)):
        last[0] = trials
        return tuple(site.entry(nct) for nct in last[1])
    open_entries = [e for e in site.entries if e.trial.is_recruiting]
    open_entries.sort(key=lambda e: e.trial.nct_id)
    open_entries.sort(key=lambda e: e.trial.last_updated or "", reverse=True)
    last[:] = [trials, [e.trial.nct_id for e in open_entries]]
    return tuple(open_entries)


def top_terms(terms: Iterable[Term], n: int) -> tuple[Term, ...]:
    return tuple(sorted(terms, key=lambda t: (-len(t.nct_ids), t.name.casefold(), t.slug))[:n])


# (base URL, paths) -> bytes of the last sitemap: a serve rebuild nearly always lists the same ~22,000 pages.
_last_sitemap: list[tuple] = []


def sitemap(site: Site, paths: Iterable[tuple[str, str | None]]) -> bytes:
    """sitemap.xml: absolute URLs from base_url, sorted; lastmod only where the record gives a date."""
    base = site.config.base_url
    paths = list(paths)
    if _last_sitemap and _last_sitemap[0] == (base, paths):
        return _last_sitemap[1]
    _last_sitemap[:] = [(base, paths), _sitemap(base, paths)]
    return _last_sitemap[1]


def _sitemap(base: str, paths: list[tuple[str, str | None]]) -> bytes:
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


# kind ("conditions", "sponsors") -> (env key, Terms, page bytes) of the last A-Z index page.
_index_pages: dict[str, tuple] = {}


def pages(site: Site, renderer, *, per_item: bool = True, env: dict[str, str] | None = None) -> Iterator[OutputFile]:
    """Every core page. per_item=False leaves out the trial, condition and sponsor pages (the build
    renders those itself, in parallel and from its cache) but still lists them in the sitemap.
    ``env``: the build's keys over config, date, extra pages and templates per kind of page
    (ssg.build.env_keys): with them, an A-Z index page made from the very same Terms as last
    time, with the same key, is the last one's bytes (ssg serve)."""
    indexed: list[tuple[str, str | None]] = []  # (path, lastmod) for the sitemap

    def html(template: str, path: str, lastmod: str | None = None, **context) -> OutputFile:
        indexed.append((path, lastmod))
        return OutputFile(path, renderer.render(template, path, **context))

    def index_page(kind: str, path: str, terms: tuple[Term, ...]) -> OutputFile:
        key = env.get(kind) if env else None
        last = _index_pages.get(kind)
        if key is not None and last is not None and last[0] == key and last[1] is terms:
            indexed.append((path, None))
            return OutputFile(path, last[2])
        page = html(f"{kind}.html", path, index=term_index(terms))
        if key is not None:
            _index_pages[kind] = (key, terms, page.data)
        return page

    recruiting = recruiting_first(site)
    yield html("home.html", urls.home_path(),
               recruiting=recruiting[:HOME_RECRUITING],
               recruiting_total=len(recruiting),
               top_conditions=top_terms(site.conditions, HOME_TOP_CONDITIONS))

    for entry in site.entries:
        indexed.append((urls.trial_path(entry.trial.nct_id), entry.trial.last_updated))
        if per_item:
            yield trial_page(site, renderer, entry)

    yield index_page("conditions", urls.conditions_path(), site.conditions)
    for term in site.conditions:
        indexed.append((urls.condition_path(term.slug), None))
        if per_item:
            yield condition_page(site, renderer, term)

    yield index_page("sponsors", urls.sponsors_path(), site.sponsors)
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
