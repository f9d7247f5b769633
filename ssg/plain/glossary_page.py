"""The glossary page (glossary/index.html): every term, A to Z, with a jump bar."""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass

from ssg.plain.glossary import GLOSSARY, Term
from ssg.site import urls
from ssg.site.model import OutputFile

OTHER = "#"


@dataclass(frozen=True)
class LetterGroup:
    letter: str
    anchor: str  # id of the letter's section, the jump bar's target
    terms: tuple[Term, ...]


def _anchor(letter: str) -> str:
    return "letter-other" if letter == OTHER else f"letter-{letter.lower()}"


def letter_groups(terms: tuple[Term, ...] = GLOSSARY) -> tuple[LetterGroup, ...]:
    """Terms grouped by first letter, A to Z, then "#" for terms that start with a digit."""
    order = list(string.ascii_uppercase) + [OTHER]
    groups = []
    for letter in order:
        members = tuple(t for t in terms if t.letter == letter)
        if members:
            groups.append(LetterGroup(letter, _anchor(letter), members))
    return tuple(groups)


def jump_letters(groups: tuple[LetterGroup, ...]) -> tuple[tuple[str, str | None], ...]:
    """(letter, anchor or None) for all of A–Z, so the bar shows which letters have terms."""
    have = {g.letter: g.anchor for g in groups}
    letters = list(string.ascii_uppercase) + ([OTHER] if OTHER in have else [])
    return tuple((letter, have.get(letter)) for letter in letters)


def pages(site, renderer) -> Iterator[OutputFile]:
    groups = letter_groups()
    path = urls.glossary_path()
    yield OutputFile(
        path,
        renderer.render("glossary.html", path, groups=groups, letters=jump_letters(groups), total=len(GLOSSARY)),
    )
