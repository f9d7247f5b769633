"""HTML for the longest lists on a trial page, built in Python because Jinja costs ~1 µs a value.

A trial may list hundreds of sites; laid out by trial.html's loops they took a tenth of a trial
page's time. These functions write exactly what those loops wrote (tests/test_pages.py keeps a
copy of the loops and compares), escaping every value as Jinja's autoescape does.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_SPECIAL = re.compile(r"[&<>'\"]")  # what markupsafe.escape replaces


def text(value) -> str:
    """What Jinja's autoescape writes for {{ value }} (markupsafe.escape), quicker for the usual
    str with nothing to replace."""
    if type(value) is not str or _SPECIAL.search(value):
        return escape(value)
    return value


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
