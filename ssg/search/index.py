"""What goes into the lunr indexes, and with which boosts. Each index is sharded (shards.py).

Only short, specific fields are indexed: no brief summary, description or criteria. Long free
text multiplies the index size (the issue measured 29.7 MB for 10,000 trials with the brief
summary) and its matches are mostly noise for a patient looking for a condition and a place.

Three indexes, each one field, each in shards that lunr.Index.load loads:
- title/<n>.json: trials by title (with the acronym); ref = position in docs.json.
- names/<n>.json: distinct names (conditions, interventions, sponsors, keywords, countries,
  places), each indexed once however many trials share it, which is what keeps 10,000 trials
  within the download budget. Refs are local to the shard; members/<n>.json says, per ref,
  which trials have the name (see documents.members_file).
- summary/<n>.json: the plain summary's first sentence (plain words such as "kidney" that a
  technical title lacks); searched only for a word that matches nothing in the other two.
NCT IDs are not in any index: search.js looks them up in docs.json's id column, which the
results need anyway. An ID is exact, and a lookup cannot be fooled by the tokenizer or stemmer.

Boosts, in units of a title word (the title is the record's own statement of what the trial
is about, so a title word weighs as much as a condition):
- condition 8, title 8: what a patient searches first.
- intervention 5: patients search by drug name too, but a drug is tested for many conditions.
- place, country 3: "Boston" should find Boston trials, yet a place narrows a topic rather than
  being one (in "lupus boston" both must match anyway).
- sponsor, keyword 2: useful to find, weak as relevance (a big sponsor runs thousands).
- summary 1: weak evidence, the only free text indexed.
"""

from __future__ import annotations

from ssg.search.documents import KINDS, Facts, NameTable
from ssg.search.shards import Built, Doc, Shard, build_shards
from ssg.search.tokens import terms

__all__ = ["trial_docs", "name_docs", "summary_docs", "build_index", "build_state", "INDEXES"]

TITLE_BOOST = 8
SUMMARY_BOOST = 1
NAME_BOOSTS: dict[str, int] = {
    "conditions": 8,
    "interventions": 5,
    "places": 3,
    "countries": 3,
    "sponsors": 2,
    "keywords": 2,
}

# index name -> (lunr field, postings per shard before a key is split into longer keys).
# A posting costs ~10 bytes and its document's field vector ~25 more: ~40 KB raw per shard.
# Field names are one letter: each is written in every posting and every vector.
INDEXES: dict[str, tuple[str, int]] = {
    "title": ("t", 1200),
    "names": ("n", 1200),
    "summary": ("s", 1200),
}


def trial_docs(facts: list[Facts]) -> list[Doc]:
    return [Doc(terms(f"{f.title} {f.acronym}"), TITLE_BOOST) for f in facts]


def summary_docs(facts: list[Facts]) -> list[Doc]:
    return [Doc(terms(f.summary), SUMMARY_BOOST) for f in facts]


def name_docs(tables: dict[str, NameTable]) -> list[Doc]:
    """One document per distinct name, in KINDS order then table order."""
    return [Doc(terms(name), NAME_BOOSTS[kind]) for kind in KINDS for name in tables[kind].names]


def build_index(name: str, docs: list[Doc], cache=None) -> list[Shard]:
    field, limit = INDEXES[name]
    return build_shards(field, docs, limit=limit, local_refs=(name == "names"), cache=cache)


def build_state(name: str, docs: list[Doc], cache=None) -> Built:
    """build_index's shards with what Built.update needs to make the next build from them."""
    field, limit = INDEXES[name]
    return Built.make(field, docs, limit=limit, local_refs=(name == "names"), cache=cache)
