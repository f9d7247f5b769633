"""The lunr index (search/index.json), built by lunr.py and loaded in the browser by lunr.js 2.3.9.

Only short, specific fields are indexed: no brief summary, description or criteria. Long free
text multiplies the index size (the issue measured 29.7 MB for 10,000 trials with the brief
summary) and its matches are mostly noise for a patient looking for a condition and a place.

Text is normalised here exactly as static/js/search.js normalises the query (accents removed,
lower case, every run of non-letters/digits a space), so lunr's tokenizer and trimmer have
nothing left to disagree about between Python and JavaScript (their \\W classes differ on
non-ASCII letters: lunr.js would trim "Malmö" to "malm").

Three lunr indexes, each loadable by ``lunr.Index.load``: titles (index.json), distinct names
(names.json) and plain first sentences (summary.json, loaded only when needed). Trial refs are
positions in docs.json ("0", "1", ...), shorter than NCT IDs in every posting.
"""

from __future__ import annotations

import json
import re
import unicodedata

from lunr import __TARGET_JS_VERSION__, get_default_builder

from ssg.search.documents import KINDS, NameTable, first_sentence

# The trial index (index.json): the title (with the acronym), what the trial is about in the
# record's words. Ref = position in docs.json. One field, so no boost is needed here; across
# indexes a title word counts like a condition (8), see NAME_FIELDS.
# NCT IDs are not in any lunr index: search.js looks them up in docs.json's id column, which
# the results need anyway. An ID is exact, a lookup cannot be fooled by lunr's tokenizer or
# stemmer, and a term per trial would cost 0.15 MB gzip at 10,000 trials (a third of this index).
TITLE_BOOST = 8
TRIAL_FIELDS: tuple[tuple[str, int], ...] = (("title", TITLE_BOOST),)

# The summary index (summary.json), loaded only when a query word matches nothing in the other
# two: the plain summary's first sentence holds plain words ("kidney", "blood") that a technical
# title lacks. Weak evidence, and the only free text indexed (never the brief summary).
SUMMARY_FIELDS: tuple[tuple[str, int], ...] = (("summary", 1),)

# The names index (names.json): one lunr document per distinct name (ref "c12" = condition 12 in
# docs.json's tables), joined back to trials in the browser. Names shared by many trials are
# indexed once, which is what keeps 10,000 trials within the download budget.
# - condition: what a patient searches first; as strong as the title.
# - intervention: patients search by drug name too, but a drug is tested for many conditions.
# - place / country: "Boston" should find Boston trials, yet a place narrows a topic rather than
#   being one, so it ranks below topic words (in "lupus boston" both must match anyway).
# - sponsor, keyword: useful to find, weak as relevance (a big sponsor runs thousands).
NAME_FIELDS: dict[str, tuple[str, int]] = {  # table -> (field, boost)
    "conditions": ("condition", 8),
    "interventions": ("intervention", 5),
    "places": ("place", 3),
    "countries": ("country", 3),
    "sponsors": ("sponsor", 2),
    "keywords": ("keyword", 2),
}

_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str | None) -> str:
    """Accents removed, lower case, words separated by single spaces (mirrors search.js)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    # Characters outside the BMP are dropped: JavaScript compares strings by UTF-16 units and
    # Python by code points, and lunr.js refuses terms that arrive out of its sort order.
    bare = "".join(c for c in decomposed if not unicodedata.combining(c) and c <= "\uffff")
    return _NON_WORD.sub(" ", bare.lower()).strip()


def trial_document(ref: int, entry) -> dict:
    t = entry.trial
    return {
        "ref": str(ref),
        "title": normalise(f"{t.title} {t.acronym or ''}"),
    }


def summary_document(ref: int, entry) -> dict:
    return {"ref": str(ref), "summary": normalise(first_sentence(entry))}


def _build(fields, documents) -> dict:
    documents = list(documents)
    builder = get_default_builder()
    if not documents:  # lunr.py divides by the document count; an empty site still gets a loadable index
        return {"version": __TARGET_JS_VERSION__, "fields": [f for f, _ in fields], "fieldVectors": [],
                "invertedIndex": [], "pipeline": builder.pipeline.serialize()}
    builder.ref("ref")
    for name, boost in fields:
        builder.field(name, boost=boost)
    for doc in documents:
        builder.add(doc)
    data = builder.build().serialize()
    # A document has a vector for every field, even fields it lacks (a name is only ever a
    # condition, or a place, ...). lunr.js reads a vector only for a field that matched, so the
    # empty ones are dropped: about a third of the names index.
    data["fieldVectors"] = [[ref, vec] for ref, vec in data["fieldVectors"] if vec]
    return data


def build_trial_index(entries) -> dict:
    """index.json: the serialised lunr index of trials (in site order; ref = position)."""
    return _build(TRIAL_FIELDS, (trial_document(i, e) for i, e in enumerate(entries)))


def build_summary_index(entries) -> dict:
    """summary.json: the serialised lunr index of summary first sentences (ref = position)."""
    return _build(SUMMARY_FIELDS, (summary_document(i, e) for i, e in enumerate(entries)))


def build_names_index(tables: dict[str, NameTable]) -> dict:
    """names.json: the serialised lunr index of distinct names (ref = kind code + position)."""
    fields = [NAME_FIELDS[kind] for _, kind in KINDS]
    docs = []
    for code, kind in KINDS:
        field = NAME_FIELDS[kind][0]
        for i, name in enumerate(tables[kind].names):
            doc = dict.fromkeys(f for f, _ in fields)
            doc.update(ref=f"{code}{i}", **{field: normalise(name)})
            docs.append(doc)
    return _build(fields, docs)


def dumps(data) -> bytes:
    """Compact, byte-for-byte reproducible JSON (sorted keys, no spaces, UTF-8)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
