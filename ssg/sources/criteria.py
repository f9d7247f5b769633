"""Split an eligibility block into inclusion and exclusion items.

The block is CommonMark as ClinicalTrials.gov writes it ("Inclusion Criteria:",
then "* item" or "1. item" lists, sometimes nested, sometimes with continuation
paragraphs) or a page's rendering of it ("• 1. item"). Items come back as plain
text: list markers removed, continuation paragraphs and sub-items joined to
their item, whitespace collapsed, Markdown escapes undone.
"""

from __future__ import annotations

import re

from ssg.sources.normalize import clean_markdown_escapes

# One or more list markers at the start of a line: "*", "-", "+", "•", "·",
# "1.", "1)", "(1)", "a.", "a)", "(a)", "i." (a "•" page bullet may be followed by "1.").
_MARKER = r"(?:[*+\-•·▪◦●]|\d{1,3}\\[.)]|\(?\d{1,3}[.)]|\(\d{1,3}\)|\(?[A-Za-z][.)]|\([A-Za-z]\)|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)])"
_ITEM_RE = re.compile(rf"^(\s*)((?:{_MARKER}[ \t]+)+)(.*)$")
_BARE_MARKER_RE = re.compile(rf"^\s*(?:{_MARKER}[ \t]*)+$")
# The last character of every marker: a right-stripped line of bare markers ends with one.
_MARKER_ENDS = frozenset("*+-•·▪◦●.)")


def _may_start_markers(text: str) -> bool:
    """False when ``text`` (starting with a non-space) cannot begin a run of bare markers.

    A marker starts with a bullet, "(", a digit (\\d is str.isdecimal) or an ASCII letter
    that is followed by "." or ")" (or, for i/v/x, by the next letter of a roman numeral).
    This spares the slow _BARE_MARKER_RE on nearly every line.
    """
    c = text[0]
    if c in "*+-•·▪◦●(" or c.isdecimal():
        return True
    if c.isascii() and c.isalpha():
        n = text[1:2]
        return n in (".", ")") or (c in "ivx" and n in ("i", "v", "x"))
    return False
_LETTER_MARKER_RE = re.compile(r"^\(?[A-Za-z]\)|^\(?[a-z][.)]|^\(?(?:i|ii|iii|iv|v|vi)[.)]")
_DECOR_RE = re.compile(r"^[#>\s]+|[*_]{2}")
# "Inclusion Criteria:", "Key Exclusion Criteria :", "Inclusion:" - a bare heading, dropped.
_PLAIN_HEADING_RE = re.compile(
    r"^(?:(?:key|main|major|general|principal)\s+)?(inclusion|exclusion)(?:\s+criteria)?\s*:?\s*$", re.I
)
# "Specific exclusion criteria for healthy participants:" - switches list, kept as an item.
_QUALIFIED_HEADING_RE = re.compile(r"\b(inclusion|exclusion)\s+criteria\b", re.I)
_SPACE_RE = re.compile(r"\s+")
# "Patients are eligible only if they meet all of the following criteria:" as the first item,
# over a sub-list, introduces the whole list, so its sub-items are items in their own right.
_LEAD_IN_RE = re.compile(r"\b(?:eligib\w*|included|inclusion|excluded|exclusion|enrolled|enrol+ment|criteria)\b", re.I)
# "Exclusion Criteria: 1. Age under 40" - a heading with its first item on the same line.
# Applied to "\n" + text with "\n" in place of "^" (re.M): the same lines, found much faster.
_INLINE_HEADING_RE = re.compile(
    r"\n([ \t]*(?:[*\-•][ \t]*)?(?:key[ \t]+)?(?:inclusion|exclusion)[ \t]+criteria[ \t]*:)[ \t]+(?=\S)", re.I
)
# "Transplant Exclusion:" - a short qualified heading without the word "criteria".
_SHORT_HEADING_RE = re.compile(r"^[\w /,()-]{0,40}\b(inclusion|exclusion)\s*:$", re.I)


def _heading(text: str) -> tuple[str, bool] | None:
    """('inclusion'|'exclusion', keep_as_item) if the line is a section heading."""
    if "lusion" not in text.lower():  # cheap reject: most lines are items
        return None
    t = _DECOR_RE.sub("", text).strip()
    m = _PLAIN_HEADING_RE.match(t)
    if m:
        return m.group(1).lower(), False
    if len(t) > 120 or re.search(r"\bapply\b|inclusion\s*/\s*exclusion", t, re.I):
        return None
    m = _QUALIFIED_HEADING_RE.search(t) or _SHORT_HEADING_RE.match(t)
    if m and (t.endswith(":") or not re.search(r"[.;]$", t)) and len(t.split()) <= 14:
        other = "exclusion" if m.group(1).lower() == "inclusion" else "inclusion"
        if re.search(rf"\b{other}\b", t, re.I):
            return None
        return m.group(1).lower(), True
    return None


def _clean(text: str) -> str:
    # One-character searches (memchr) first: a two-character one scans ~10x slower, and most
    # items hold neither "*" nor "_".
    if ("*" in text and "**" in text) or ("_" in text and "__" in text):
        text = text.replace("**", "").replace("__", "")
    if "\\" in text:
        text = clean_markdown_escapes(text)
    # The only printable whitespace is " " (checked over every code point), so a printable text
    # without doubled, leading or trailing spaces is already what split/join would give.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


class _Item:
    __slots__ = ("parts", "subs")

    def __init__(self, text: str):
        self.parts = [text]
        self.subs: list[str] = []

    def texts(self, first: bool) -> list[str]:
        head = _clean(" ".join(self.parts))
        subs = [s for s in (_clean(s) for s in self.subs) if s]
        if not subs:
            return [head]
        if not head:
            return ["; ".join(subs)]
        if first and _LEAD_IN_RE.search(head) and head.endswith((":", ".")):
            return [head, *subs]
        sep = " " if head.endswith((":", "-", "—")) else ": "
        return [head + sep + "; ".join(subs)]


def split_criteria(text: str) -> tuple[list[str], list[str]]:
    """Eligibility block -> (inclusion items, exclusion items).

    Text before any heading, or a block with no headings at all, counts as inclusion.
    Lines after an item that are not list items (continuation paragraphs, lazy
    wrapped lines) are joined to it; deeper-indented or lettered items under a
    numbered one are joined to it as sub-items ("Parent: a; b").
    """
    lists: dict[str, list[_Item]] = {"inclusion": [], "exclusion": []}
    section = "inclusion"
    current: _Item | None = None
    base_indent: int | None = None  # indent of the top-level items in this section
    numbered = False  # top-level items are numbered, so lettered ones are sub-items
    in_paragraph = False  # the previous line was text, not blank
    label: _Item | None = None  # a "Age:" paragraph whose list items are its sub-items

    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if "riteria:" in text or "RITERIA:" in text:
        text = _INLINE_HEADING_RE.sub("\n\\1\n", "\n" + text)[1:]
    tabs = "\t" in text
    for raw in text.split("\n"):
        line = (raw.expandtabs(4) if tabs else raw).rstrip()
        if not line:  # blank: rstrip() took all of it
            in_paragraph = False
            continue
        m = _ITEM_RE.match(line)
        body = m.group(3) if m else line.strip()
        # A line of bare markers ("*", "1.", "a) b)") is skipped. After an item's markers the rest
        # of such a line is bare markers too, so its first character must be able to start one.
        if line[-1] in _MARKER_ENDS and body and _may_start_markers(body) and _BARE_MARKER_RE.match(line):
            continue
        head = _heading(body) if "lusion" in body.lower() else None  # (_heading's own cheap reject, inlined)
        if head is not None:
            section, keep = head
            current = _Item(body.strip()) if keep else None
            if current is not None:
                lists[section].append(current)
            base_indent, numbered, in_paragraph = None, False, False
            continue
        if m:
            indent = m.end(1)  # len(m.group(1)): the match starts at 0
            if current is not None and current is label:
                current.subs.append(body)
            elif current is not None and base_indent is not None and (
                indent > base_indent + 1
                or (numbered and indent >= base_indent and _LETTER_MARKER_RE.match(m.group(2).strip()) is not None)
            ):
                current.subs.append(body)
            else:
                if base_indent is None or indent < base_indent:
                    base_indent = indent
                    numbered = any(c.isdigit() for c in m.group(2))
                current = _Item(body)
                lists[section].append(current)
            in_paragraph = True
            continue
        # Plain text line: joins the current item (continuation), else starts one.
        # A short "HEADING:" paragraph after a blank line (old PDQ-style records,
        # "PATIENT CHARACTERISTICS:") starts an item of its own instead.
        stripped = body  # no marker: the line, stripped
        starts_own = not in_paragraph and stripped.endswith(":") and len(stripped.split()) <= 6
        if current is not None and not starts_own and (base_indent is not None or in_paragraph):
            if current.subs:
                current.subs[-1] += " " + stripped
            else:
                current.parts.append(stripped)
        else:
            current = _Item(stripped)
            lists[section].append(current)
            # "Age:" collects the list below it; an upper-case "PATIENT CHARACTERISTICS:" stands alone.
            label = current if starts_own and not stripped.isupper() else None
        in_paragraph = True

    return _texts(lists["inclusion"]), _texts(lists["exclusion"])


def _texts(items: list[_Item]) -> list[str]:
    """The items' texts, empty ones dropped."""
    out: list[str] = []
    for n, item in enumerate(items):
        if not item.subs and len(item.parts) == 1:  # most items: one line, no sub-items
            text = _clean(item.parts[0])
            if text:
                out.append(text)
        else:
            out.extend(t for t in item.texts(n == 0) if t)
    return out
