"""Text to index terms, exactly as lunr.js 2.3.9 turns query words into terms in the browser.

Text is normalised here exactly as static/js/search.js normalises the query (accents removed,
lower case, every run of non-letters/digits a space), so the tokenizer and trimmer have nothing
left to disagree about between Python and JavaScript (their \\W classes differ on non-ASCII
letters: lunr.js would trim "Malmö" to "malm").

Then lunr's pipeline: English stop words dropped, the rest stemmed. The stemmer is lunr.py's
Porter stemmer with one step changed to match lunr.js (see JsPorterStemmer); stems are memoised
per distinct word, which is most of what made building the indexes slow.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from lunr.stemmer import PorterStemmer
from lunr.stop_word_filter import WORDS as STOP_WORDS
from ssg.cache import Memo

_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str | None) -> str:
    """Accents removed, lower case, words separated by single spaces (mirrors search.js)."""
    if not text:
        return ""
    if text.isascii():  # nothing to decompose (most records)
        return _NON_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    # Characters outside the BMP are dropped: JavaScript compares strings by UTF-16 units and
    # Python by code points, and lunr.js refuses terms that arrive out of its sort order.
    bare = "".join(c for c in decomposed if not unicodedata.combining(c) and c <= "\uffff")
    return _NON_WORD.sub(" ", bare.lower()).strip()


class JsPorterStemmer(PorterStemmer):
    """lunr.py's Porter stemmer, made to agree with lunr.js's, which stems the query words.

    The two differ in step 1c only: lunr.js turns a final "y" into "i" when a consonant that is
    not the first letter precedes it (/^(.+?[^aeiou])y$/), the C original when the stem has a
    vowel. So lunr.py indexed "kidney" as "kidnei", which the query "kidney" never reached.
    """

    def step1c(self):
        k = self.k
        if k >= 2 and self.b[k] == "y" and self.b[k - 1] not in "aeiou":
            self.b = self.b[:k] + "i" + self.b[k + 1:]


_stemmer = JsPorterStemmer()

# Step 1a in lunr.js wants a letter before "sses"/"ies"; the C original does not.
_WHOLE_WORD_1A = {"sses": "sse", "ies": "ie"}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _WHOLE_WORD_1A.get(word) or _stemmer.stem(word)


_terms = Memo(lambda word: "" if word in STOP_WORDS else stem(word))  # "": a stop word


def terms(text: str | None) -> list[str]:
    """The index terms of a text, in order, repeats kept (term frequency counts them)."""
    return [term for term in map(_terms.__getitem__, normalise(text).split()) if term]
