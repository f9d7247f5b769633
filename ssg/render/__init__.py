"""Render pages: one Jinja2 environment over templates/, safe by default.

Every template gets ``root`` (relative prefix to the site root), ``href(path)`` (relative link from
this page to a site path), ``site``, ``config``, ``page_path``, ``build_date``, ``urls`` (the URL
module) and the header and footer links ``site_nav`` and ``footer_pages``. 404.html is served at
any depth, so its links are rooted at the base URL's path instead.
A Renderer holds no per-page state, so a worker process can build its own from the same inputs.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import jinja2
from markupsafe import Markup

from ssg.plain.glossary import annotate, annotate_each, prepare as prepare_glossary
from ssg.render import words
from ssg.render.fragments import li, site_lists, text, trial_cards
from ssg.render.links import page_href
from ssg.render.markdown import render_markdown
from ssg.site import urls

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
GLOSSARY_PATH = urls.glossary_path()
# Markup(html) for a str we made: the same object without Markup's own checks (half the time).
_as_markup = partial(str.__new__, Markup)


def _glossary(context, value, acronyms=None):
    """Link the first use of each trial word on this page to its glossary entry.

    ``acronyms`` ({"ECOG": "Eastern Cooperative Oncology Group"}) are those the record defines.
    """
    html = text(value)  # plain str is escaped; Markup passes through
    return _as_markup(annotate(html, context["_glossary_href"], context["_glossary_seen"], acronyms))


def _glossary_each(context, values):
    """The glossary filter applied to each item of a list in turn (a criteria list), in one call."""
    marked = annotate_each([text(value) for value in values], context["_glossary_href"],
                           context["_glossary_seen"])
    return list(map(_as_markup, marked))


def _glossary_pairs(context, items, attribute):
    """(item, its ``attribute`` through the glossary filter) for each item, marked in one call:
    {% for s, text in sections | glossary_pairs("text") %}."""
    return list(zip(items, _glossary_each(context, [getattr(item, attribute) for item in items])))


def _trial_cards(context, nct_ids, level=3):
    """macros.html's trial_list, written in Python (ssg.render.fragments.trial_cards)."""
    return trial_cards(context["site"], context["href"], nct_ids, level)


def chrome_links(site) -> dict:
    """The links base.html puts in every page's header and footer, worked out once per site:
    site_nav [(label, site path)] (an "about" extra page joins the main links) and footer_pages
    (the other extra pages)."""
    extra = tuple(getattr(site, "pages", ()))
    nav = [("Conditions", urls.conditions_path()), ("Sponsors", urls.sponsors_path()),
           ("Search", urls.search_path()), ("Glossary", urls.glossary_path())]
    if any(p.slug == "about" for p in extra):
        nav.append(("About", urls.extra_page_path("about")))
    return {"site_nav": tuple(nav), "footer_pages": tuple(p for p in extra if p.slug != "about")}


class _Template(jinja2.Template):
    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        # A compiled template writes every {{ value }} through the name "escape" of its module;
        # text() writes the same characters in a fifth of the time (a plain str: the page joins
        # its pieces into one str anyway, and blocks and macros make their own Markup).
        namespace["escape"] = text
        return super()._from_namespace(environment, namespace, globals)


_FUNCTION = type(chrome_links)


class _Context(jinja2.runtime.Context):
    def call(self, obj, /, *args, **kwargs):
        """{{ href(path) }}: a plain function (href, the urls helpers) is called straight away;
        Jinja's own call first looks for pass_context and the like on it and on its __call__
        (~1 µs; a trial page makes a dozen such calls)."""
        if type(obj) is _FUNCTION and not hasattr(obj, "jinja_pass_arg"):
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return obj(*args, **kwargs)
            except StopIteration:
                return self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception")
        return super().call(obj, *args, **kwargs)


class _Environment(jinja2.Environment):
    template_class = _Template
    context_class = _Context

    def get_template(self, name, parent=None, globals=None):
        """A loaded template from a plain dict: without auto_reload Jinja never loads one again,
        yet its own look-up (a weak reference and a locked LRU cache) costs ~1 µs, twice a page
        ({% extends %} asks too)."""
        if self.auto_reload or globals is not None or type(name) is not str:
            return super().get_template(name, parent, globals)
        owner, loaded = self.__dict__.get("_loaded") or (None, None)
        if owner is not self:  # first use, or an overlay() that copied its parent's attributes
            loaded = {}
            self.__dict__["_loaded"] = (self, loaded)
        template = loaded.get((name, parent))
        if template is None:
            template = loaded[name, parent] = super().get_template(name, parent)
        return template

    def make_globals(self, d):
        """A template's globals as one plain dict instead of Jinja's ChainMap over the
        environment's: every render copies them, and a ChainMap is read in Python (~5 µs a
        page). The Renderer sets its globals before it loads any template."""
        return {**self.globals, **(d or {})}


class Renderer:
    def __init__(self, site, templates_dir: str | Path | None = None, *, build_date: str | None = None):
        self.site = site
        self.build_date = build_date
        self.templates_dir = Path(templates_dir or TEMPLATES_DIR)
        self.env = _Environment(
            loader=jinja2.FileSystemLoader(str(self.templates_dir)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # A Renderer serves one build: no need to stat every template on every page.
            auto_reload=False,
        )
        self.env.filters.update(
            markdown=render_markdown,
            glossary=jinja2.pass_context(_glossary),
            glossary_each=jinja2.pass_context(_glossary_each),
            glossary_pairs=jinja2.pass_context(_glossary_pairs),
            status_label=words.status_label,
            status_sentence=words.status_sentence,
            status_class=words.status_class,
            phase_label=words.phase_label,
            long_date=words.long_date,
            humanise=words.humanise,
            li=li,
            site_lists=site_lists,
            trial_cards=jinja2.pass_context(_trial_cards),
        )
        self.env.globals.update(
            site=site,
            config=site.config,
            urls=urls,
            build_date=build_date,
            absolute=partial(urls.absolute, site.config.base_url),
            **chrome_links(site),
        )
        self._hrefs_by_depth: dict[int, dict[str, str]] = {}  # see ssg.render.links
        prepare_glossary()  # here, before any worker forks from this process (see prepare)

    def link_base(self, page_path: str):
        """(root, href) for a page: relative links, or rooted ones for a page served at any depth."""
        if page_path == urls.not_found_path():
            base = site_base = self.site.config.base_url
            return urls.rooted(site_base, urls.home_path()), partial(urls.rooted, base)
        href = page_href(page_path, self._hrefs_by_depth)
        return href(urls.home_path()), href

    def render_text(self, template_name: str, page_path: str, **context) -> str:
        root, href = self.link_base(page_path)
        template = self.env.get_template(template_name)
        # The glossary filters mark each term once per page (_glossary_seen), linking to one href.
        return template.render(page_path=page_path, root=root, href=href, _glossary_seen=set(),
                               _glossary_href=href(GLOSSARY_PATH), **context)

    def render(self, template_name: str, page_path: str, **context) -> bytes:
        return self.render_text(template_name, page_path, **context).encode("utf-8")
