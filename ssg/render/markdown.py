"""Markdown from records (untrusted) to safe HTML.

CommonMark with raw HTML off; links only to http(s), mailto and tel (others stay as text);
images become plain links so a record cannot pull files from elsewhere into the page.
Headings are shifted down so a record's "# Title" never competes with the page's own h1.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_SCHEMES = ("http:", "https:", "mailto:", "tel:")


def safe_link(url: str) -> bool:
    # markdown-it has already normalised the URL (percent-encoded, entities decoded).
    return url.strip().lower().startswith(ALLOWED_SCHEMES)


@cache
def _parser(shift: int) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = safe_link
    # "![alt](src)" is then read as "!" followed by an ordinary (validated) link.
    md.disable("image")

    def heading_open(self, tokens, idx, options, env):
        level = min(6, int(tokens[idx].tag[1]) + shift)
        return f"<h{level}>"

    def heading_close(self, tokens, idx, options, env):
        level = min(6, int(tokens[idx].tag[1]) + shift)
        return f"</h{level}>\n"

    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("heading_close", heading_close)
    return md


def render_markdown(text: str | None, shift: int = 2) -> Markup:
    """Render Markdown to HTML that is safe to insert into a page."""
    if not text:
        return Markup("")
    return Markup(_parser(shift).render(text))
