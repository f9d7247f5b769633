"""HTML for the longest lists on trial and term pages, built in Python because Jinja costs ~1 µs a value.

A trial may list hundreds of sites; laid out by trial.html's loops they took a tenth of a trial
page's time. A condition page lists dozens of trials; as trial_card macros they took two thirds
of its time. These functions write exactly what those loops wrote (tests/test_render_core.py
keeps a copy of the loops and compares), escaping every value as Jinja's autoescape does.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ssg.render.words import phase_label, status_class, status_label
from ssg.site.urls import trial_path

try:
    from markupsafe import _escape_inner  # the C function markupsafe.escape wraps (MarkupSafe >= 3)
except ImportError:  # pragma: no cover - older MarkupSafe
    def _escape_inner(s: str) -> str:
        return str(escape(s))


def text(value) -> str:
    """What Jinja's autoescape writes for {{ value }} (markupsafe.escape): the same characters, as a
    plain str for a str (a fifth of the time: escape wraps each value in a new Markup)."""
    if type(value) is str:
        return _escape_inner(value)
    if type(value) is Markup:  # escape() would only copy it
        return value
    return escape(value)


def li(items) -> Markup:
    """"<li>a</li><li>b</li>": each item escaped, Markup (glossary-marked text) as it is."""
    return Markup("".join([f"<li>{item if type(item) is Markup else text(item)}</li>" for item in items]))


def site_lists(countries, open_all: bool) -> Markup:
    """trial.html's "where" lists: one <details> per country (open when ``open_all``, else only
    the first), its cities and their sites. countries: ssg.site.trial_view.CountryGroup."""
    out = []
    for i, (country, cities, site_count) in enumerate(countries):
        out.append(
            f'  <details class="country"{" open" if open_all or i == 0 else ""}>\n'
            f'    <summary><h3 class="country__name">{text(country)} <span class="count">({site_count} '
            f'site{"s" if site_count != 1 else ""})</span></h3></summary>\n'
            '    <ul class="cities">\n')
        for city, state, sites in cities:
            out.append(f'      <li>\n        <span class="city">{text(city)}{", " + text(state) if state else ""}'
                       '</span>\n        <ul class="sites">\n')
            for facility, status in sites:
                if status:
                    out.append(f'          <li>{text(facility)} <span class="site-status">({text(status)})</span></li>\n')
                else:
                    out.append(f"          <li>{text(facility)}</li>\n")
            out.append("        </ul>\n      </li>\n")
        out.append("    </ul>\n  </details>\n")
    return Markup("".join(out))


def _opening(plain) -> list[str]:
    """The first two sentences of a plain summary (PlainSummary.sentences[:2]) without making
    the whole tuple: a term page asks it of every trial it lists."""
    sections = getattr(plain, "sections", None)
    if sections is None:  # a stand-in without sections
        return list(plain.sentences[:2]) if plain.first_sentence else []
    first: list[str] = []
    for section in sections:
        for sentence in section.sentences:
            first.append(sentence)
            if len(first) == 2:
                return first
    return first


def trial_cards(site, href, nct_ids, level) -> Markup:
    """macros.html's trial_list (a condition or sponsor page lists every trial of its term): a
    <ul> of trial_card macros for the trials the site has, in the given order, written exactly
    as that macro writes them (tests/test_render_core.py compares)."""
    out = ['<ul class="trial-list">']
    for nct in nct_ids:
        entry = site.entry(nct)
        if not entry:
            continue
        t = entry.trial
        status, phases = t.status, t.phases
        phase = f' <span class="trial-card__phase">{text(phase_label(phases))}</span>' if phases else ""
        link = text(href(trial_path(t.nct_id)))
        out.append(
            f'  <li><article class="trial-card">\n'
            f'  <h{level} class="trial-card__title"><a href="{link}">{text(t.title)}</a></h{level}>\n'
            f'  <p class="trial-card__meta">\n'
            f'    <span class="badge {text(status_class(status))}">{text(status_label(status))}</span>{phase}'
            f'    <span class="trial-card__id">{text(t.nct_id)}</span>\n  </p>')
        opening = _opening(entry.plain) if entry.plain else ()
        if opening and opening[0]:
            out.append(f'  <p class="trial-card__summary">{text(" ".join(opening))}</p>')
        out.append("</article></li>")
    out.append("</ul>")
    return Markup("".join(out))
