"""The document store the search page reads, and the other files the indexes join to.

The lunr indexes only say *which* trials or names match; every filter (status, phase, condition,
country, age, sex, healthy volunteers) and every result line is read from these files.

- ``docs.json`` (loaded with the first search): for every trial its NCT ID, status, phases,
  ages, sex, healthy volunteers, conditions and countries, as columns of small numbers (codes
  and positions in two name tables; a column of lists as one string), which JSON.parse reads
  fast and gzip packs tightly.
- ``members/<n>.json`` (loaded with the names index shard ``n``): the trials of each name.
- ``text/<n>.json`` (loaded only for results on screen): title, the plain summary's first
  sentence and places of trials ``n*SHARD .. n*SHARD+SHARD-1``.
Records are in site order (sorted by NCT ID); a record's position is its lunr document ref.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from operator import sub

from ssg.cache import Memo
from ssg.model import PHASES, Status
from ssg.render.words import PHASE_LABEL, STATUS_LABEL
from ssg.site import urls

# Trials per text shard: 50 titles, first sentences and place lists are ~15 KB raw, ~5 KB gzip.
# A page of 20 results needs up to 20 shards, so smaller shards mean fewer wasted bytes.
SHARD = 50

# Statuses in which a trial may still take people (the "open to new people" filter).
OPEN_STATUSES = tuple(s.value for s in (
    Status.RECRUITING, Status.NOT_YET_RECRUITING, Status.ENROLLING_BY_INVITATION))

SEX_CODES = ("ALL", "FEMALE", "MALE")

# Name tables, in the order of the names index's documents.
KINDS: tuple[str, ...] = ("conditions", "interventions", "sponsors", "keywords", "countries", "places")


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


_cleaned = Memo(clean)  # names repeat across thousands of trials


def _uniq(values) -> list[str]:
    seen = dict.fromkeys(map(_cleaned.__getitem__, values))
    seen.pop("", None)
    return list(seen)


def _place_name(city: str | None, state: str | None) -> str:
    """"City, State" (the country is its own table); empty when the record gives no city."""
    city, state = clean(city), clean(state)
    if not city:
        return ""
    return f"{city}, {state}" if state and state != city else city


_place_names = Memo(lambda city_state: _place_name(*city_state))


def names_of(entry) -> dict[str, list[str]]:
    """The names of one trial, per table, in the record's order without repeats."""
    t = entry.trial
    countries: dict = {}
    places: dict = {}
    for loc in t.locations:  # up to hundreds of sites, mostly repeating a few cities: one pass
        countries[loc.country] = None
        places[loc.city, loc.state] = None
    return {
        "conditions": _uniq(term.name for term in entry.conditions),
        "interventions": _uniq([i.name for i in t.interventions]
                               + [n for i in t.interventions for n in i.other_names]),
        "sponsors": _uniq(term.name for term in entry.sponsors) or _uniq(s.name for s in t.sponsors),
        "keywords": _uniq(t.keywords),
        "countries": _uniq(countries),
        "places": [p for p in dict.fromkeys(map(_place_names.__getitem__, places)) if p],
    }


def _name_order(name: str) -> tuple[str, str]:
    return name.casefold(), name


@dataclass
class NameTable:
    """Strings stored once; records hold their positions."""

    names: list[str]
    position: dict[str, int]

    @classmethod
    def of(cls, values) -> "NameTable":
        names = sorted(set(values), key=_name_order)
        return cls(names, {n: i for i, n in enumerate(names)})

    def refs(self, values) -> list[int]:
        return [self.position[v] for v in values]


def first_sentence(entry) -> str:
    try:
        return clean(entry.plain.first_sentence)
    except AttributeError:  # no plain summary (should not happen in a built site)
        return ""


@dataclass(frozen=True)
class Facts:
    """What the search files need from one entry, read once (a plain summary's first sentence
    is computed on each access)."""

    title: str       # cleaned
    acronym: str
    summary: str     # the plain summary's first sentence
    names: dict[str, list[str]]


def facts_of(entry) -> Facts:
    return Facts(clean(entry.trial.title), clean(entry.trial.acronym), first_sentence(entry), names_of(entry))


def _age(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 2)


def name_tables(facts: list[Facts]) -> dict[str, NameTable]:
    """The distinct names of each kind."""
    return {kind: NameTable.of(chain.from_iterable([f.names[kind] for f in facts])) for kind in KINDS}


def _delta(sorted_ints: list[int]) -> list[int]:
    # Gaps instead of positions: small numbers that gzip packs tightly.
    return list(map(sub, sorted_ints, [0] + sorted_ints))


# Codes in docs.json, position = code.
STATUS_CODES = tuple(s.value for s in Status)
HEALTHY_CODES = {False: 0, True: 1, None: None}


def build_store(entries, facts: list[Facts] | None = None, tables: dict[str, NameTable] | None = None) -> dict:
    """docs.json: labels, codes, two name tables and the trials as columns (position = lunr ref).

    Columns under "trials": id (NCT ID numbers, delta-encoded: they are sorted), status (code),
    phases (codes), min_age / max_age (years, null = no limit), sex (code, null = not
    stated), healthy (1/0, null = not stated), conditions and countries (positions in the
    tables, in the record's order). Columns rather than one object per trial: gzip packs a
    column of like values better. The three columns of lists are strings (see lists_text):
    parsing 10,000 small JSON arrays took the browser longer than anything else in the file.
    """
    facts = facts if facts is not None else [facts_of(e) for e in entries]
    return store_of_rows([store_row(e, f) for e, f in zip(entries, facts)], tables)


# The columns of docs.json, in the order of a store_row.
_COLUMNS = ("id", "status", "phases", "min_age", "max_age", "sex", "healthy", "conditions", "countries")
_STATUS_CODE = {v: i for i, v in enumerate(STATUS_CODES)}
_PHASE_CODE = {v: i for i, v in enumerate(PHASES)}
_SEX_CODE = {v: i for i, v in enumerate(SEX_CODES)}


def store_row(entry, f: Facts) -> tuple:
    """One trial's values in docs.json, in _COLUMNS order (conditions and countries as names):
    a serve session keeps them per trial, and makes docs.json again only when one changes."""
    t, el = entry.trial, entry.trial.eligibility
    return (int(t.nct_id[3:]), _STATUS_CODE[t.status.value], tuple(_PHASE_CODE[p] for p in t.phases),
            _age(el.min_age_years), _age(el.max_age_years), _SEX_CODE.get(el.sex),
            HEALTHY_CODES[el.healthy_volunteers], tuple(f.names["conditions"]), tuple(f.names["countries"]))


def store_of_rows(rows: list[tuple], tables: dict[str, NameTable] | None = None) -> dict:
    """docs.json from the store_row of every trial (``tables``: name_tables of their facts, when known)."""
    if tables is None:
        tables = {kind: NameTable.of(n for row in rows for n in row[i])
                  for kind, i in (("conditions", 7), ("countries", 8))}
    cols: dict[str, list] = {k: list(column) for k, column in zip(_COLUMNS, zip(*rows))} if rows else \
        {k: [] for k in _COLUMNS}
    for name in ("conditions", "countries"):
        refs = tables[name].refs
        cols[name] = [refs(names) for names in cols[name]]
    cols["id"] = _delta(cols["id"])
    for name in ("phases", "conditions", "countries"):
        cols[name] = lists_text(cols[name])
    placeholder = "NCT00000000"
    return {
        "version": 2,
        "shard": SHARD,
        # The trial URL with "{id}" for the NCT ID; urls.py stays the only place that knows the scheme.
        "trial_url": urls.trial_path(placeholder).removesuffix(urls.INDEX).replace(placeholder, "{id}"),
        "labels": {
            "status": {s.value: STATUS_LABEL[s] for s in Status},
            "phase": {p: PHASE_LABEL.get(p, p) for p in PHASES},
            "open": list(OPEN_STATUSES),
        },
        "codes": {"status": list(STATUS_CODES), "phase": list(PHASES), "sex": list(SEX_CODES)},
        "tables": {kind: tables[kind].names for kind in ("conditions", "countries")},
        "trials": cols,
    }


def lists_text(lists: list[list[int]]) -> str:
    """Lists of small numbers as one string: a trial's numbers separated by spaces, trials by
    commas ("3 1,,7" is [3, 1], [], [7]). One string is one allocation for JSON.parse; search.js
    reads a trial's list out of it only when it needs that trial (a result shown, a filter)."""
    return ",".join(" ".join(map(str, refs)) for refs in lists)


def name_members(facts: list[Facts], tables: dict[str, NameTable]) -> list[list[int]]:
    """For every name, in KINDS then table order (the names index's documents), the positions
    of the trials that have it, ascending."""
    members: list[list[int]] = []
    for kind in KINDS:
        of_name: dict[str, list[int]] = {name: [] for name in tables[kind].names}  # in table order
        for pos, f in enumerate(facts):
            for name in f.names[kind]:
                of_name[name].append(pos)
        members += of_name.values()
    return members


def members_file(members: list[list[int]], docs: list[int]) -> list[list[int]]:
    """members/<n>.json for the names in names shard n (``docs``: positions in ``members``, which
    lists every name's trials): one item per local ref, the trials that have the name (positions,
    delta-encoded). Conditions and countries too, though docs.json's columns could say it:
    inverting a column in the browser took ~10 ms of the first search for a word such as "cancer"."""
    return [_delta(members[d]) for d in docs]


def text_shards(facts: list[Facts]) -> list[dict]:
    """text/<n>.json, loaded only for results on screen: title, the plain summary's first
    sentence and places of SHARD trials, as columns; places as positions in the shard's own
    table of place names (a multi-centre trial lists dozens, shared with its neighbours)."""
    shards = []
    for start in range(0, len(facts), SHARD):
        chunk = facts[start:start + SHARD]
        places = [f.names["places"] for f in chunk]
        table = NameTable.of(p for ps in places for p in ps)
        shards.append({
            "title": [f.title for f in chunk],
            "summary": [f.summary for f in chunk],
            "place_names": table.names,
            "places": [table.refs(ps) for ps in places],
        })
    return shards
