"""Sharded lunr indexes, written directly in lunr.js 2.3.9's serialised form.

One big lunr index costs the browser its whole JSON.parse and lunr.Index.load (~200 ms at 10,000
trials) before the first result. So each index is cut by the first letters of its terms: a
shard holds every term that starts with its key (one letter, or two or three where a letter
holds many postings; a small site has one shard per index, key "") and the field vectors of the documents those terms occur in. Each shard is
a normal lunr index (lunr.Index.load loads it); the page fetches only the shards a query's
words can match (see static/js/search.js).

Scoring is lunr's BM25 (k1 = 1.2, b = 0.75, idf = ln(1 + |(N - df + 0.5) / (df + 0.5)|), boost
times weight, rounded to 3 decimals) over the whole index: every document that has a term is in
that term's shard, so df, N and the weights are those of the unsharded index, and a shard holds
each document's weights for its own terms only (lunr.js scores a match by the dot product of
the query and document vectors over the matched terms, divided by the query vector's magnitude;
search.js puts the magnitudes of a word's shards back together, see matchShards). One change:
the average field length is rounded to 0.1, so that one edited record seldom moves every weight:
a shard depends only on N, that average and the documents that have its terms.
lunr.py's Builder is not used: it runs its pipeline per token and builds Python objects per
posting (11 s at 10,000 trials); these indexes take terms already through the pipeline
(ssg.search.tokens) and go straight to JSON.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from lunr import __TARGET_JS_VERSION__

from ssg.cache import ByIdentity, code_version, digest

K1, B = 1.2, 0.75
MAX_KEY = 3      # keys are at most this many letters
PIPELINE = ["stemmer"]  # lunr.js's search pipeline for these terms (the page stems query words itself)


@dataclass(frozen=True)
class Doc:
    """One lunr document: its terms (after the pipeline, repeats kept) and boost."""

    terms: Sequence[str]
    boost: float = 1


@dataclass(frozen=True)
class Shard:
    key: str             # every term of this shard starts with it (see owner)
    docs: list[int]      # positions of the documents it holds, ascending
    data: bytes          # the serialised lunr index


def shard_keys(sizes: dict[str, int], limit: int) -> list[str]:
    """Keys, sorted: "" (every term) while the index holds at most ``limit`` postings, else
    split by first letter, and a letter into longer prefixes while it holds more (a term as
    long as the key itself stays with the key)."""
    keys: list[str] = []

    def split(prefix: str, terms: list[str]) -> None:
        depth = len(prefix)
        if depth >= MAX_KEY or sum(sizes[t] for t in terms) <= limit:
            keys.append(prefix)
            return
        groups: dict[str, list[str]] = {}
        for t in terms:
            if len(t) == depth:
                keys.append(prefix)
            else:
                groups.setdefault(t[:depth + 1], []).append(t)
        for k in sorted(groups):
            split(k, groups[k])

    split("", sorted(sizes))
    return keys


def owner(keys: set[str], term: str) -> str:
    """The key of the shard that holds ``term``: the longest key it starts with."""
    for n in range(min(MAX_KEY, len(term)), -1, -1):
        if term[:n] in keys:
            return term[:n]
    raise KeyError(term)


# Doc -> (Doc, its term frequencies, its part of a shard's cache key): kept by a process that
# builds again and again (ssg serve: see remember), so a rebuild (or a forked child) reads them for
# the unchanged documents instead of counting 10,000 documents' terms again.
_prepared = ByIdentity(limit=1000)


def _prepare(doc: Doc) -> tuple:
    known = _prepared.get(doc)
    if known is not None:
        return known
    terms = doc.terms
    # a short document's counts without Counter's per-call cost (30,000 documents per build)
    tf = {t: terms.count(t) for t in terms} if len(terms) <= 64 else Counter(terms)
    return doc, tf, f"\x1f{doc.boost}\x1f{chr(30).join(terms)}"


def remember(docs: Sequence[Doc], live: int) -> None:
    """Keep the prepared form of ``docs`` for later builds; ``live``: about how many documents
    are in use (the rest are forgotten once they far outnumber them)."""
    _prepared.limit = 3 * live + 1000
    for d in docs:
        _prepared.put(d, _prepare(d))


def build_shards(field: str, docs: Sequence[Doc], *, limit: int, local_refs: bool = False,
                 cache=None) -> list[Shard]:
    """The shards of one single-field index over ``docs``.

    A document's ref is its position in ``docs`` ("0", "1", ...), or with ``local_refs`` its
    position among the documents of the shard (the caller maps it back with Shard.docs).
    ``cache`` (get/put, see ssg.cache.BuildCache) keeps each shard by a hash of exactly what
    it is made from.
    """
    return Built.make(field, docs, limit=limit, local_refs=local_refs, cache=cache).shard_list()


@dataclass
class Built:
    """An index as built, with what the next build needs to make again only the shards that its
    changed documents touch (see update): a process that builds again and again (ssg serve)."""

    field: str
    limit: int
    local_refs: bool
    docs: list[Doc]
    df: dict[str, int]      # documents per term
    total: int              # the documents' lengths, summed
    avg: float
    keys: list[str]
    # key -> [(doc position, ((term, tf), ...) sorted), ...] in document order: a shard's members
    groups: dict[str, list[tuple[int, tuple]]]
    signature: list[str] | None  # each document's part of its shards' cache keys (None: no cache)
    shards: dict[str, Shard]
    cache_keys: dict[str, str]  # shard key -> its cache key ("" without a cache)
    # shard key -> (its terms, its field vectors by member) when it was serialised here (see _serialise)
    parts: dict[str, tuple[list[str], list[str]]]

    def shard_list(self) -> list[Shard]:
        return [self.shards[k] for k in self.keys]

    def used(self) -> list[tuple[str, str]]:
        """The cache entries of its shards."""
        return [("search-shard", ck) for ck in self.cache_keys.values() if ck]

    @classmethod
    def make(cls, field: str, docs: Sequence[Doc], *, limit: int, local_refs: bool = False, cache=None) -> Built:
        docs = list(docs)
        prepared = [_prepare(d) for d in docs]
        freqs = [p[1] for p in prepared]  # shared with later builds: read, never changed
        df = Counter(chain.from_iterable(freqs))  # a dict iterates over its terms
        total = sum(len(d.terms) for d in docs)
        built = cls(field, limit, local_refs, docs, dict(df), total, 0.0, [], {}, None, {}, {}, {})
        if not df:
            return built
        built.avg = round(total / len(docs), 1) or 1.0
        built.keys = shard_keys(df, limit)
        key_set = set(built.keys)
        term_key = {t: owner(key_set, t) for t in df}
        groups = built.groups = {k: [] for k in built.keys}
        for i, tf in enumerate(freqs):
            for k, items in _by_key(tf, term_key.__getitem__):
                groups[k].append((i, items))
        if cache is not None:
            built.signature = [f"{'' if local_refs else i}{p[2]}" for i, p in enumerate(prepared)]
        shard_terms: dict[str, list[str]] = {k: [] for k in built.keys}
        for t in sorted(df):
            shard_terms[term_key[t]].append(t)
        sizes = _sizes(docs)
        for k in built.keys:
            built._make_shard(k, cache, None, shard_terms[k], sizes)
        return built

    def _make_shard(self, k: str, cache, old=None, terms: list[str] | None = None, sizes=None) -> None:
        """Shard ``k`` from its members (self.groups[k]); ``old``, ``terms``, ``sizes``: see _serialise."""
        members = self.groups[k]
        data = cache_key = None
        if cache is not None:
            # A shard's bytes are made from N, the average length, its key and, for each document
            # with a term under the key, its ref (unless local), boost and terms (its length, and
            # its terms under the key with their frequencies; df comes from these documents).
            base = digest("search-shard", code_version(), self.field, len(self.docs), self.avg, self.local_refs)
            sig = self.signature
            cache_key = digest(base, k, "\x1d".join([sig[i] for i, _ in members]))
            data = cache.get("search-shard", cache_key)
        self.parts.pop(k, None)
        if data is None:
            data, terms, vectors = _serialise(self.field, len(self.docs), self.avg, members, self.docs, self.df,
                                              self.local_refs, old, terms, sizes)
            self.parts[k] = (terms, vectors)
            if cache is not None:
                cache.put("search-shard", cache_key, data)
        self.shards[k] = Shard(k, [i for i, _ in members], data)
        self.cache_keys[k] = cache_key or ""

    def update(self, docs: Sequence[Doc], cache=None, most: int = 64) -> Built | None:
        """The index over ``docs``, made from this one by building again only the shards whose
        terms the changed documents have (or had); None when that cannot give the same bytes as
        make() (another count of documents, another average length or other shard keys: nearly
        every shard changes then) or more than ``most`` documents changed. This one is left as is."""
        docs = list(docs)
        if len(docs) != len(self.docs) or not self.keys or (cache is not None) != (self.signature is not None):
            return None
        changed = [i for i, (a, b) in enumerate(zip(self.docs, docs)) if a is not b and a != b]
        if len(changed) > most:
            return None
        new = Built(**{**self.__dict__, "docs": docs})  # its dicts are copied below before any change
        if not changed:
            return new
        df = new.df = dict(self.df)
        touched: set[str] = set()
        tfs = {}
        for i in changed:
            old, tfs[i] = self.docs[i], _prepare(docs[i])[1]
            for t in set(old.terms):
                df[t] -= 1
                if not df[t]:
                    del df[t]
            for t in tfs[i]:
                df[t] = df.get(t, 0) + 1
            new.total += len(docs[i].terms) - len(old.terms)
            touched.update(old.terms, tfs[i])
        if not df or (round(new.total / len(docs), 1) or 1.0) != self.avg or shard_keys(df, self.limit) != self.keys:
            return None
        key_set = set(self.keys)
        changed_set = set(changed)
        # the changed documents' members of each shard
        added: dict[str, list[tuple[int, tuple]]] = {}
        for i in changed:
            for k, items in _by_key(tfs[i], lambda t: owner(key_set, t)):
                added.setdefault(k, []).append((i, items))
        new.groups, new.shards, new.cache_keys = dict(self.groups), dict(self.shards), dict(self.cache_keys)
        new.parts = dict(self.parts)
        stale = {t for t in touched if df.get(t) != self.df.get(t)}
        if cache is not None:
            new.signature = list(self.signature)
            for i in changed:
                new.signature[i] = f"{'' if self.local_refs else i}{_prepare(docs[i])[2]}"
        for k in sorted({owner(key_set, t) for t in touched}):
            members = [m for m in self.groups[k] if m[0] not in changed_set] + added.get(k, [])
            members.sort(key=lambda m: m[0])
            new.groups[k] = members
            old = None
            if k in self.parts:
                terms, vectors = self.parts[k]
                old = (terms, {m[0]: v for m, v in zip(self.groups[k], vectors) if m[0] not in changed_set}, stale)
            new._make_shard(k, cache, old)
        return new


def _by_key(tf: dict[str, int], key_of: Callable[[str], str]) -> Iterable[tuple[str, tuple]]:
    """A document's (term, tf) pairs split by the shard key that owns each term: (key, the pairs
    under it, sorted), as a shard lists its members."""
    if len(tf) == 1:
        ((t, f),) = tf.items()
        return ((key_of(t), ((t, f),)),)
    per_key: dict[str, tuple] = {}
    for item in sorted(tf.items()):  # each key's pairs come out sorted
        k = key_of(item[0])
        per_key[k] = per_key[k] + (item,) if k in per_key else (item,)
    return per_key.items()


def _serialise(field, n_docs, avg, members, docs, df, local_refs, old=None, terms: list[str] | None = None,
               sizes: list[tuple] | None = None) -> tuple[bytes, list[str], list[str]]:
    """The lunr.js 2.3.9 serialised index of one shard, as JSON text written directly (the
    dict-then-json.dumps way took most of the build time); with its terms and field vectors.
    ``old``: (terms, {position: field vector}, terms whose df changed) of the shard as last built,
    without the changed documents: a vector is taken again when the shard's terms are the same
    (so each term keeps its index) and the document has none of those terms (N and the average
    length are the same: see Built.update). ``terms`` (the shard's terms, sorted) and ``sizes``
    (_sizes(docs)), when the caller has them: a shard has ~500 members and an index ~100 shards."""
    if terms is None:
        terms = sorted({t for _, items in members for t, _ in items})
    if sizes is None:
        sizes = {i: (len(docs[i].terms), docs[i].boost) for i, _ in members}
    index = {t: j for j, t in enumerate(terms)}
    # idf x (k1 + 1) of each term; every document with the term is in this shard, so df is whole.
    scale = {t: math.log(1 + abs((n_docs - df[t] + 0.5) / (df[t] + 0.5))) * (K1 + 1) for t in terms}
    refs: dict[str, list[str]] = {t: [] for t in terms}
    ref_text = _ref_texts(len(members) if local_refs else n_docs)
    vectors = []
    reuse = old is not None and not local_refs and old[0] == terms
    old_vectors, stale = (old[1], old[2]) if reuse else ({}, set())
    # (term, tf, (length, boost)) -> "index,weight": documents of like length share weights, and
    # formatting floats is the slow part.
    memo: dict[tuple, str] = {}
    head = f'["{field}/'
    for local, (i, items) in enumerate(members):
        ref = ref_text[local if local_refs else i]
        if reuse:
            vector = old_vectors.get(i)
            if vector is not None and stale.isdisjoint([t for t, _ in items]):
                for t, _ in items:
                    refs[t].append(ref)
                vectors.append(vector)
                continue
        size = sizes[i]
        elements = []
        for t, tf in items:  # sorted by term, so by index
            element = memo.get((t, tf, size))
            if element is None:
                element = memo[t, tf, size] = _element(index[t], scale[t], tf, *size, avg)
            elements.append(element)
            refs[t].append(ref)
        vectors.append(f'{head}{ref}",[{",".join(elements)}]]')
    inverted = [f"[{_quoted(t)},{_posting(field, index[t], refs[t])}]" for t in terms]
    text = (f'{{"fieldVectors":[{",".join(vectors)}],"fields":["{field}"],"invertedIndex":[{",".join(inverted)}],'
            f'"pipeline":{json.dumps(PIPELINE)},"version":"{__TARGET_JS_VERSION__}"}}')
    return text.encode("utf-8"), terms, vectors


def _sizes(docs: Sequence[Doc]) -> list[tuple[int, float]]:
    """(length, boost) of each document, one tuple per distinct pair (a key of _serialise's memo)."""
    pairs: dict[tuple, tuple] = {}
    return [pairs.setdefault(p, p) for p in [(len(d.terms), d.boost) for d in docs]]


_REF_TEXTS: list[str] = []


def _ref_texts(n: int) -> list[str]:
    """["0", "1", ...] to at least n - 1: refs as text, made once."""
    if len(_REF_TEXTS) < n:
        _REF_TEXTS.extend(map(str, range(len(_REF_TEXTS), n)))
    return _REF_TEXTS


def _element(term_index: int, scale: float, tf: int, length: int, boost: float, avg: float) -> str:
    """"index,weight" of a term in a field vector: BM25 times the boost, rounded to 3 decimals."""
    w = round(scale * tf / (K1 * (1 - B + B * length / avg) + tf) * boost, 3)
    return f"{term_index},{w!r}"


def _quoted(term: str) -> str:
    # json.dumps of a term: letters and digits need no escape (tokens.terms makes no other kind)
    return f'"{term}"' if term.isalnum() else json.dumps(term, ensure_ascii=False)


def _posting(field: str, term_index: int, refs: list[str]) -> str:
    """{"_index":3,"t":{"12":{},"40":{}}}: the term's index and the documents it occurs in."""
    return '{"_index":%d,"%s":{"%s":{}}}' % (term_index, field, '":{},"'.join(refs))


def dumps(data) -> bytes:
    """Compact, byte-for-byte reproducible JSON (sorted keys, no spaces, UTF-8)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
