"""The document store the search page reads: one compact record per trial.

The lunr indexes only say *which* trials or names match; every filter (status, phase, condition,
country, age, sex, healthy volunteers) and every result line is read from this store.

Two tiers, so that the first search at 10,000 trials downloads well under 1 MB gzip:
- ``docs.json`` (loaded with the indexes): for every trial its NCT ID, status, phases, ages,
  sex, healthy volunteers and *positions* in the name tables (conditions, interventions,
  sponsors, keywords, countries). A name shared by 500 trials is stored once. The same
  positions join the names index (see index.py) back to trials.
- ``places/<n>.json`` (loaded when a query matches a place in it): the trials at each place.
- ``text/<n>.json`` (loaded only for results on screen): title, the plain summary's first
  sentence and places of trials ``n*SHARD .. n*SHARD+SHARD-1``.
Records are in site order (sorted by NCT ID); a record's position is its lunr document ref.
"""

from __future__ import annotations

from dataclasses import dataclass

from ssg.model import PHASES, Status
from ssg.render.words import PHASE_LABEL, STATUS_LABEL
from ssg.site import urls

# Trials per text shard: 50 titles, first sentences and place lists are ~10 KB raw, ~3 KB gzip.
# A page of 20 results needs up to 20 shards, so smaller shards mean fewer wasted bytes.
SHARD = 50

# Statuses in which a trial may still take people (the "open to new people" filter).
OPEN_STATUSES = tuple(s.value for s in (
    Status.RECRUITING, Status.NOT_YET_RECRUITING, Status.ENROLLING_BY_INVITATION))

SEX_CODES = ("ALL", "FEMALE", "MALE")

# Name tables, in the order of the record's "names" list. The one-letter code prefixes a
# name's ref in the names index ("c12" = condition 12).
KINDS: tuple[tuple[str, str], ...] = (
    ("c", "conditions"),
    ("i", "interventions"),
    ("s", "sponsors"),
    ("k", "keywords"),
    ("n", "countries"),
    ("p", "places"),
)


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _uniq(values) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        v = clean(v)
        if v:
            seen.setdefault(v, None)
    return list(seen)


def place_name(loc) -> str:
    """"City, State" (the country is its own table); empty when the record gives no city."""
    city, state = clean(loc.city), clean(loc.state)
    if not city:
        return ""
    return f"{city}, {state}" if state and state != city else city


def names_of(entry) -> dict[str, list[str]]:
    """The names of one trial, per table, in the record's order without repeats."""
    t = entry.trial
    return {
        "conditions": _uniq(term.name for term in entry.conditions),
        "interventions": _uniq([i.name for i in t.interventions]
                               + [n for i in t.interventions for n in i.other_names]),
        "sponsors": _uniq(term.name for term in entry.sponsors) or _uniq(s.name for s in t.sponsors),
        "keywords": _uniq(t.keywords),
        "countries": _uniq(loc.country for loc in t.locations),
        "places": _uniq(place_name(loc) for loc in t.locations),
    }


@dataclass
class NameTable:
    """Strings stored once; records hold their positions."""

    names: list[str]
    position: dict[str, int]

    @classmethod
    def of(cls, values) -> "NameTable":
        names = sorted(set(values), key=lambda s: (s.casefold(), s))
        return cls(names, {n: i for i, n in enumerate(names)})

    def refs(self, values) -> list[int]:
        return [self.position[v] for v in values]


def first_sentence(entry) -> str:
    try:
        return clean(entry.plain.first_sentence)
    except AttributeError:  # no plain summary (should not happen in a built site)
        return ""


def _age(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 2)


def name_tables(entries) -> dict[str, NameTable]:
    per_entry = [names_of(e) for e in entries]
    return {kind: NameTable.of(n for names in per_entry for n in names[kind]) for _, kind in KINDS}


def _delta(sorted_ints: list[int]) -> list[int]:
    # Gaps instead of positions: small numbers that gzip packs tightly.
    return [b - a for a, b in zip([0] + sorted_ints, sorted_ints)]


def build_store(entries, tables: dict[str, NameTable] | None = None, place_shards: list[int] = ()) -> dict:
    """docs.json: labels, name tables and the trials as columns (position = lunr ref).

    Columns under "trials": id (NCT ID), status (code), phases ([codes]), min_age / max_age
    (years, null = no limit), sex ("ALL"/"FEMALE"/"MALE", null = not stated), healthy
    (true/false, null = not stated), and per name table except places the trial's positions in
    that table. Columns rather than one object per trial: gzip packs a column of like values better.
    """
    tables = tables or name_tables(entries)
    cols: dict[str, list] = {k: [] for k in ("id", "status", "phases", "min_age", "max_age", "sex", "healthy")}
    for _, kind in KINDS:
        if kind != "places":
            cols[kind] = []
    for entry in entries:
        t = entry.trial
        el = t.eligibility
        names = names_of(entry)
        cols["id"].append(t.nct_id)
        cols["status"].append(t.status.value)
        cols["phases"].append(list(t.phases))
        cols["min_age"].append(_age(el.min_age_years))
        cols["max_age"].append(_age(el.max_age_years))
        cols["sex"].append(el.sex if el.sex in SEX_CODES else None)
        cols["healthy"].append(el.healthy_volunteers)
        for _, kind in KINDS:
            if kind != "places":
                cols[kind].append(tables[kind].refs(names[kind]))
    placeholder = "NCT00000000"
    return {
        "version": 1,
        "shard": SHARD,
        # The trial URL with "{id}" for the NCT ID; urls.py stays the only place that knows the scheme.
        "trial_url": urls.trial_path(placeholder).removesuffix(urls.INDEX).replace(placeholder, "{id}"),
        "labels": {
            "status": {s.value: STATUS_LABEL[s] for s in Status},
            "phase": {p: PHASE_LABEL.get(p, p) for p in PHASES},
            "open": list(OPEN_STATUSES),
        },
        "kinds": [[code, kind] for code, kind in KINDS],  # names index ref prefix -> table
        "place_shards": list(place_shards),  # first place position in places/0.json, places/1.json, ...
        "tables": {kind: tables[kind].names for _, kind in KINDS},
        "trials": cols,
    }


# A place shard closes once it holds this many trial refs (~3 KB gzip); one very busy place may
# exceed it alone. Places are sorted by name, so the places one prefix matches sit together.
PLACE_SHARD_REFS = 2000


def build_place_trials(entries, tables: dict[str, NameTable]) -> tuple[list[int], list[dict]]:
    """places/<n>.json, loaded only for the places a query matches: for each place its trials'
    positions, delta-encoded. The trial-place relation is the largest of all (a multi-centre
    trial has up to hundreds of sites), so it is split into shards of consecutive places.

    Returns (first place position of each shard, shard contents); the starts go in docs.json.
    """
    by_place: list[list[int]] = [[] for _ in tables["places"].names]
    for pos, entry in enumerate(entries):
        for ref in tables["places"].refs(names_of(entry)["places"]):
            by_place[ref].append(pos)
    starts: list[int] = []
    shards: list[dict] = []
    size = PLACE_SHARD_REFS
    for place, trials in enumerate(by_place):
        if size + len(trials) > PLACE_SHARD_REFS and (not shards or shards[-1]["trials"]):
            starts.append(place)
            shards.append({"first": place, "trials": []})
            size = 0
        shards[-1]["trials"].append(_delta(trials))
        size += len(trials)
    return starts, shards


def text_shards(entries, tables: dict[str, NameTable]) -> list[dict]:
    """text/<n>.json, loaded only for results on screen: title, the plain summary's first
    sentence and place positions of SHARD trials, as columns."""
    shards = []
    for start in range(0, len(entries), SHARD):
        chunk = entries[start:start + SHARD]
        shards.append({
            "title": [clean(e.trial.title) for e in chunk],
            "summary": [first_sentence(e) for e in chunk],
            "places": [tables["places"].refs(names_of(e)["places"]) for e in chunk],
        })
    return shards
