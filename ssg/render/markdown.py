"""Markdown from records (untrusted) to safe HTML.

CommonMark with raw HTML off; links only to http(s), mailto and tel (others stay as text);
images become plain links so a record cannot pull files from elsewhere into the page.
Headings are shifted down so a record's "# Title" never competes with the page's own h1.
"""

from __future__ import annotations

import re
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


# Characters that could start Markdown syntax, or that markdown-it treats as a space or line end
# differently from str.strip (escapes, code, emphasis, links, autolinks and raw HTML, entities,
# headings, fences, tables, tabs, CR, NUL and Unicode spaces), and hard line breaks ("  \n").
_NOT_PLAIN = re.compile(
    r"[\\`*_\[\]<>&#~|\t\r\x00\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
_HARD_BREAK = "  \n"
# A line that could open a list, a thematic break, a setext heading or indented code.
_BLOCK_START = re.compile(r" {0,3}(?:[-+=]|\d{1,9}[.)])| {4}")


def plain_paragraphs(text: str) -> str | None:
    """What markdown-it renders for text without any Markdown syntax (most registry text), or None.

    Such text is only paragraphs split by blank lines; markdown-it strips each paragraph, drops
    the spaces around its line breaks and escapes '"' (the other escaped characters are absent).
    tests/test_render_core.py checks this against markdown-it itself.
    """
    if _HARD_BREAK in text or _NOT_PLAIN.search(text):  # one class alone is searched much quicker
        return None
    out, lines = [], []
    for line in text.split("\n"):
        if _BLOCK_START.match(line):
            return None
        line = line.strip(" ")
        if line:
            lines.append(line)
        elif lines:
            out.append("<p>" + "\n".join(lines).replace('"', "&quot;") + "</p>\n")
            lines = []
    if lines:
        out.append("<p>" + "\n".join(lines).replace('"', "&quot;") + "</p>\n")
    return "".join(out)


def render_markdown(text: str | None, shift: int = 2) -> Markup:
    """Render Markdown to HTML that is safe to insert into a page."""
    if not text:
        return Markup("")
    plain = plain_paragraphs(text)  # markdown-it costs ~0.1 ms a text; most need none of it
    return Markup(plain if plain is not None else _parser(shift).render(text))
