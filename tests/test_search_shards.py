"""Sharded lunr indexes (ssg.search.shards): keys, BM25 weights against lunr.py's own builder,
and the build cache (same bytes; an edit rebuilds only its shards). That sharding changes no
score in the browser is tested in test_search_node.py."""

from __future__ import annotations

import json
import math

from lunr import get_default_builder
from lunr.index import Index
from lunr.pipeline import Pipeline

from ssg.search import data_files
from ssg.search.shards import Doc, build_shards, owner, shard_keys
from ssg.search.tokens import stem, terms
from test_search_index import ENTRIES, entry


def test_a_letter_is_split_only_when_it_holds_too_many_postings():
    sizes = {"lupu": 5, "lung": 5, "lu": 1, "lymph": 2, "boston": 1, "b": 1, "cancer": 30}
    keys = shard_keys(sizes, limit=8)
    # "l" holds 13 postings: split by two letters ("lu" keeps the term "lu" itself, and is
    # split no further: 11 postings, but "lup"/"lun" would hold one term each - still split);
    # "b" fits; "cancer" alone is over the limit but cannot be split below MAX_KEY letters.
    assert keys == sorted(keys)
    assert "b" in keys and "l" not in keys and "ly" in keys and "" not in keys
    assert shard_keys(sizes, limit=100) == [""]  # small enough for one shard
    for term in sizes:
        assert term.startswith(owner(set(keys), term))
    assert owner(set(keys), "lupu") in ("lu", "lup")
    assert owner(set(keys), "cancer") == "can"


def test_every_term_lives_in_exactly_one_shard():
    docs = [Doc(terms(t)) for t in ("lupus nephritis", "lung cancer", "lupus", "breast cancer", "boston lupus")]
    shards = build_shards("t", docs, limit=2)
    seen = {}
    for shard in shards:
        for term, _ in json.loads(shard.data)["invertedIndex"]:
            assert term not in seen
            assert term.startswith(shard.key)
            seen[term] = shard.key
    assert set(seen) == {t for d in docs for t in d.terms}


def lunr_py_weights(texts: list[str], boost: float) -> dict[tuple[str, str], float]:
    """(ref, term) -> weight, from lunr.py's own builder (the cosine step undone)."""
    builder = get_default_builder()
    builder.pipeline = Pipeline()  # the terms are already through ours
    builder.ref("id")
    builder.field("t", boost=boost)
    for i, text in enumerate(texts):
        builder.add({"id": str(i), "t": " ".join(terms(text))})
    data = builder.build().serialize()
    by_index = {posting["_index"]: term for term, posting in data["invertedIndex"]}
    out = {}
    for ref, vec in data["fieldVectors"]:
        for i in range(0, len(vec), 2):
            out[ref.split("/")[1], by_index[vec[i]]] = vec[i + 1]
    return out


def test_weights_are_lunrs_bm25_over_the_whole_index():
    # Lengths 2, 2, 3, 1 average exactly 2.0, so rounding the average changes nothing here.
    texts = ["lupus nephritis", "lupus kidney", "lung cancer lung", "cancer"]
    want = lunr_py_weights(texts, boost=8)
    shards = build_shards("t", [Doc(terms(t), 8) for t in texts], limit=1)
    assert len(shards) > 1
    assert weights_of(shards) == want


def weights_of(shards) -> dict[tuple[str, str], float]:
    got = {}
    for shard in shards:
        data = json.loads(shard.data)
        by_index = {posting["_index"]: term for term, posting in data["invertedIndex"]}
        for ref, vec in data["fieldVectors"]:
            for i in range(0, len(vec), 2):
                got[ref.split("/")[1], by_index[vec[i]]] = vec[i + 1]
    return got


def test_a_long_document_is_weighed_as_lunr_does_too():
    # A document of more than 64 terms has its terms counted another way (shards._prepare).
    # Lengths 70, 2, 3, 1 average exactly 19.0.
    texts = ["lupus " * 40 + "nephritis " * 30, "lupus kidney", "lung cancer lung", "cancer"]
    assert len(terms(texts[0])) == 70
    for limit in (1, 1000):
        assert weights_of(build_shards("t", [Doc(terms(t), 8) for t in texts], limit=limit)) == \
            lunr_py_weights(texts, boost=8)


def test_a_term_that_json_must_escape_is_written_escaped():
    odd = ['say"hi', "back\\slash", "tab\tin", "plain", "k\u00f6ln"]
    shards = build_shards("t", [Doc(tuple(odd)), Doc(("plain",))], limit=1000)
    data = json.loads(shards[0].data)
    assert [term for term, _ in data["invertedIndex"]] == sorted(odd)
    Index.load(data)


def test_a_shard_scores_a_term_by_its_weight():
    """lunr divides the dot product by the query vector's magnitude: one term scores its weight."""
    texts = ["lupus nephritis", "lupus kidney", "lung cancer lung", "cancer"]
    shards = build_shards("t", [Doc(terms(t)) for t in texts], limit=1)
    for shard in shards:
        data = json.loads(shard.data)
        idx = Index.load(data)
        vectors = {ref: vec for ref, vec in data["fieldVectors"]}
        for term, posting in data["invertedIndex"]:
            query = idx.create_query()
            query.term(term, use_pipeline=False, boost=10)
            results = idx.query(query)
            assert {r["ref"] for r in results} == set(posting["t"])
            for r in results:
                vec = vectors[f"t/{r['ref']}"]
                assert math.isclose(r["score"], dict(zip(vec[::2], vec[1::2]))[posting["_index"]])


def test_stems_match_lunr_js_on_the_words_where_lunr_py_differs():
    # lunr.py's Porter step 1c turned "kidney" into "kidnei"; lunr.js (which stems the query) keeps it.
    assert [stem(w) for w in ("kidney", "turkey", "norway", "dry", "lupus", "ies", "sses")] == \
        ["kidney", "turkey", "norway", "dri", "lupu", "ie", "sse"]


class DictCache:
    """What data_files needs of ssg.cache.BuildCache: get/put by (kind, key), values pickled."""

    def __init__(self):
        self.store: dict[tuple[str, str], bytes] = {}
        self.puts: list[tuple[str, str]] = []

    def get(self, kind, key):
        import pickle

        blob = self.store.get((kind, key))
        return None if blob is None else pickle.loads(blob)

    def put(self, kind, key, value):
        import pickle

        self.puts.append((kind, key))
        self.store[kind, key] = pickle.dumps(value)


def many_entries(changed: int | None = None):
    out = []
    for i in range(1, 41):
        title = f"Trial {i} of {'Lupus' if i % 3 else 'Asthma'} in {'Adults' if i % 2 else 'Children'}"
        if i == changed:
            title = "Zoledronic Acid for Osteoporosis"
        out.append(entry(f"NCT{i:08d}", title, conditions=["Lupus" if i % 3 else "Asthma"],
                         places=[("Boston", "Massachusetts", "United States"), ("Lyon", None, "France")][: 1 + i % 2]))
    return tuple(out)


def test_the_cache_gives_the_same_bytes_and_an_edit_rebuilds_only_its_shards(monkeypatch):
    from ssg.search import index

    monkeypatch.setitem(index.INDEXES, "title", ("t", 8))  # small shards, so there are many
    before, after = many_entries(), many_entries(changed=7)
    cold = data_files(before)
    cache = DictCache()
    assert data_files(before, cache) == cold
    assert cache.puts  # every shard went into the cache
    cache.puts.clear()
    assert data_files(before, cache) == cold and cache.puts == []  # nothing to rebuild

    edited = data_files(after, cache)
    assert edited == data_files(after)  # byte-identical to a build without the cache
    rebuilt = {key for kind, key in cache.puts}
    changed = {name for name in edited if name.startswith("title/") and edited[name] != cold.get(name)}
    # Only the title shards of the old and new title's terms changed ("trial" and "7" and the
    # ones of "zoledronic acid osteoporosis", "lupus", "adults"...), each built once.
    assert changed and len(rebuilt) <= len(changed) + 4
    assert len(rebuilt) < len([n for n in cold if n.startswith(("title/", "names/", "summary/"))]) / 2


def test_data_files_takes_any_iterable_of_entries():
    assert data_files(ENTRIES) == data_files(list(ENTRIES)) == data_files(iter(ENTRIES))


def test_the_build_cache_itself_works_as_the_cache(tmp_path):
    from ssg.cache import BuildCache

    entries = many_entries()
    cache = BuildCache(tmp_path / "cache")
    assert data_files(entries, cache) == data_files(entries)
    again = BuildCache(tmp_path / "cache")  # a later build reads the pickles from disk
    assert data_files(entries, again) == data_files(entries)
    assert again.hits and not again.misses


def test_an_index_made_again_from_the_last_one_equals_one_made_whole():
    """Built.update (a serve rebuild) makes again only the shards a changed document touches; it
    must give make()'s bytes, and say None where it cannot (another average length, other keys)."""
    import random

    from ssg.search.shards import Built

    rng = random.Random(7)
    words = [f"w{a}{b}" for a in "abcdefgh" for b in "xyz"] + ["alpha", "beta", "gamma"]
    docs = [Doc(tuple(rng.choice(words) for _ in range(6)), 8) for _ in range(300)]
    cache = DictCache()
    built = Built.make("t", docs, limit=40, cache=cache)
    assert len(built.keys) > 5
    updated = 0
    for step in range(40):
        new = list(docs)
        for i in rng.sample(range(len(docs)), 1 + step % 3):
            new[i] = Doc(tuple(rng.choice(words) for _ in range(6 if step % 5 else 7)), 8)
        whole = Built.make("t", new, limit=40)
        cache.puts.clear()
        made = built.update(new, cache)
        if made is not None:
            updated += 1
            assert [(s.key, s.docs, s.data) for s in made.shard_list()] == \
                   [(s.key, s.docs, s.data) for s in whole.shard_list()]
            assert 0 < len(cache.puts) < len(whole.keys)  # only the touched shards were made
            assert made.cache_keys == Built.make("t", new, limit=40, cache=DictCache()).cache_keys
            built, docs = made, new
        else:
            assert (whole.avg, whole.keys) != (built.avg, built.keys)
            built, docs = Built.make("t", new, limit=40, cache=cache), new
    assert updated > 20
