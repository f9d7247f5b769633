"""The compact layout (seeds 002, 004): the labelled page with its labels and blank
lines stripped. Values come in a fixed order and are recognised by shape; some
sections are empty and the first criterion of each list is lost (we keep what
is there and invent nothing). Parsing is shared with the labelled layout.
"""

from __future__ import annotations

from ssg.model import Trial
from ssg.sources import labelled, textpage as tp

LAYOUT = "compact"


def detect(text: str) -> bool:
    """A trial page with an "NCT ID:" line (or section blurbs) but none of the labelled layout's labels."""
    head = text[:50_000]
    if labelled.has_label_line(head) or labelled.is_clinconnect_head(head):
        return False
    if labelled.has_nct_line(head):
        return True
    # A page whose header was cut off still shows its section headers and their blurbs.
    lines = head.splitlines()
    blurbs = sum(
        1 for k in range(len(lines) - 1) if lines[k].strip() in tp.SECTIONS and tp.is_blurb(lines[k + 1].strip())
    )
    return blurbs >= 3


def parse(text: str, path: str) -> Trial:
    return labelled.parse_registry_page(text, path, compact=True)


parse = tp.guarded(LAYOUT, parse)
