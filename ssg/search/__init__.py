"""Client-side search: the search page, its sharded lunr indexes, document store, and lunr.js.

Files written (all beside the page, so relative URLs work under any prefix):
  search/index.html        the page (templates/search.html)
  search/manifest.json     the shard keys of each index (the page carries them in data-shards)
  search/docs.json         document store: filters and result facts   (loaded on first use)
  search/title/<n>.json    lunr index of titles, the terms under one key
  search/names/<n>.json    lunr index of distinct names (conditions, interventions, sponsors,
                           keywords, countries, places), the terms under one key
  search/members/<n>.json  the trials of each name in names/<n>.json
  search/summary/<n>.json  lunr index of plain first sentences (for words found nowhere else)
  search/text/<n>.json     titles, first sentences, places   (loaded for the results on screen)
  assets/vendor/lunr.min.js   copied from node_modules (npm, pinned in package-lock.json)
A query fetches only the shards its words can match. See documents.py, index.py and shards.py
for why the data is split this way.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ssg.parallel import collector_paused
from ssg.errors import BuildError
from ssg.search.documents import (KINDS, SHARD, NameTable, clean, facts_of, members_file, name_members,
                                  name_tables, store_of_rows, store_row, text_shards)
from ssg.search.index import build_index, build_state, name_docs, summary_docs, trial_docs
from ssg.search.shards import Doc, dumps
from ssg.search.shards import remember as remember_docs
from ssg.site import urls
from ssg.site.model import OutputFile

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
LUNR_JS = PROJECT_ROOT / "node_modules" / "lunr" / "lunr.min.js"
LUNR_ASSET = "vendor/lunr.min.js"


def search_dir() -> str:
    return urls.search_path().removesuffix(urls.INDEX)  # "search/"


def lunr_js(path: Path = LUNR_JS) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BuildError("search", f"lunr.js not found: run `npm ci` in {PROJECT_ROOT} (or `make site`)",
                         str(path)) from None


def data_files(entries, cache=None, facts: list | None = None, memo: SearchMemo | None = None) -> dict[str, bytes]:
    """The index and store files, by path relative to the search page's folder.

    ``cache``: None, or an object with get(kind, key) and put(kind, key, value) (such as
    ssg.cache.BuildCache) that keeps each index shard by a hash of exactly its inputs, so that
    after an edit only the shards of the terms it touched are built again. ``facts``: what
    facts_of(entry) gives for each entry, where the caller knows it already (else None).
    ``memo``: a SearchMemo kept by a process that builds again and again (ssg serve).
    The files are the same bytes with or without any of them.
    """
    entries = tuple(entries)
    with collector_paused():  # its many small objects make no reference cycles
        return _data_files(entries, facts, cache, memo if memo is not None else SearchMemo())


class _Noting:
    """A cache as build_index sees it, noting the entries it used (kept again when the memo
    hands those shards back without asking the cache)."""

    def __init__(self, cache):
        self.cache, self.used = cache, []

    def get(self, ns: str, key: str):
        self.used.append((ns, key))
        return self.cache.get(ns, key)

    def put(self, ns: str, key: str, value) -> None:
        self.used.append((ns, key))
        self.cache.put(ns, key, value)


def _keep(cache, used: list) -> None:
    if cache is None:
        return
    if hasattr(cache, "keep"):
        cache.keep(used)
    else:
        for ns, key in used:
            cache.get(ns, key)


def _term_names(conditions, sponsors) -> tuple:
    return tuple(t.name for t in conditions), tuple(t.name for t in sponsors)


# What SearchMemo.trial keeps per trial: (made from, facts, title Doc, summary Doc, versions, docs.json row);
# made from: the entry's trial, plain summary and condition and sponsor Terms, each by identity.
FROM, FACTS, TITLE, SUMMARY, VERSIONS, ROW = range(6)
# versions: one number per part, in this order, that changes only when the part itself changes
V_FACTS, V_TITLE, V_SUMMARY, V_NAMES, V_ROW = range(5)


class SearchMemo:
    """The pieces of the search files, each with what it was made from, kept between the builds
    of one process (ssg serve), so a rebuild makes again only the pieces whose inputs changed.

    Per trial: its search facts, its title and summary index documents and its docs.json row,
    each with a version number that changes only when the thing itself changes (an unchanged
    record hands back the very same Trial and summary, so that is an identity test). A piece (an
    index, docs.json, a text shard) is keyed by the versions it reads, compared as a tuple of
    numbers; the title and summary indexes make again only the shards a changed document touches
    (shards.Built.update). Made in a forked child, the new parts go back to the parent in
    ``made`` (see apply).
    """

    def __init__(self):
        self.trials: dict[str, tuple] = {}  # NCT ID -> the record above
        self.pieces: dict[str, tuple] = {}  # piece name -> (inputs, output)
        self.name_docs: dict[tuple[str, str], Doc] = {}
        self.version = 0
        self.reused = False  # whether the last piece() came from the memo
        self.made: dict = {"trials": {}, "pieces": {}, "name_docs": {}, "version": 0}
        # prepare(): the records of the entries of one build, in order, made ahead of data_files
        self.prepared_for: tuple | None = None
        self.prepared: list[tuple] = []

    def _next(self) -> int:
        self.version += 1
        self.made["version"] = self.version
        return self.version

    def trial(self, entry, facts=None) -> tuple:
        """The record of ``entry``; ``facts``: facts_of(entry), when the caller has them."""
        nct = entry.trial.nct_id
        old = self.trials.get(nct)
        made_from = (entry.trial, entry.plain, entry.conditions, entry.sponsors)
        if old is not None and old[FROM] is not None:
            was = old[FROM]
            if facts is not None:
                if was[0] is entry.trial and old[FACTS] is facts:
                    return old
            elif was[0] is entry.trial and was[1] is entry.plain:
                if was[2] is entry.conditions and was[3] is entry.sponsors:
                    return old
                if _term_names(was[2], was[3]) == _term_names(entry.conditions, entry.sponsors):
                    # the taxonomy was made again (a change elsewhere), with the same names here
                    rec = self.trials[nct] = self.made["trials"][nct] = (made_from, *old[1:])
                    return rec
        facts = facts_of(entry) if facts is None else facts
        title, summary, row = trial_docs([facts])[0], summary_docs([facts])[0], store_row(entry, facts)
        if old is None:
            versions = tuple(range(self.version + 1, self.version + 6))  # five _next()s
            self.version = self.made["version"] = versions[-1]
        else:
            same = (old[FACTS] == facts, old[TITLE] == title, old[SUMMARY] == summary,
                    old[FACTS].names == facts.names, old[ROW] == row)
            versions = tuple(v if keep else self._next() for v, keep in zip(old[VERSIONS], same))
            # the same objects again: a cheaper test next time, and Built.update sees no change
            title = old[TITLE] if same[V_TITLE] else title
            summary = old[SUMMARY] if same[V_SUMMARY] else summary
        rec = self.trials[nct] = self.made["trials"][nct] = (made_from, facts, title, summary, versions, row)
        return rec

    def prepare(self, entries: tuple) -> None:
        """Make the record of each entry now (a build does it before its render workers fork),
        so that data_files over these very entries, in a forked child, neither makes them nor
        reads the entries: a child that reads every trial copies much of the memory it shares
        with this process (reference counts are written even on reads)."""
        with collector_paused():  # many small objects and no reference cycles
            self.prepared = [self.trial(e) for e in entries]
        self.prepared_for = entries

    def records(self, entries: tuple, facts: list | None) -> list[tuple]:
        """The record of each entry (see trial()), the prepared ones when they are all there."""
        if facts is None and self.prepared_for is entries:
            return self.prepared
        return [self.trial(e, f) for e, f in zip(entries, facts or [None] * len(entries))]

    def docs_of_names(self, tables: dict[str, NameTable]) -> list[Doc]:
        """name_docs(tables), made only for the names not seen before."""
        new = {k: NameTable([n for n in tables[k].names if (k, n) not in self.name_docs], {}) for k in KINDS}
        made = iter(name_docs(new))
        for k in KINDS:
            for n in new[k].names:
                self.name_docs[k, n] = self.made["name_docs"][k, n] = next(made)
        return [self.name_docs[k, n] for k in KINDS for n in tables[k].names]

    def piece(self, name: str, inputs: tuple, make):
        """make()'s value, or the one made last time from equal inputs."""
        old = self.pieces.get(name)
        self.reused = old is not None and old[0] == inputs
        if self.reused:
            self.made["pieces"].setdefault(name, None)  # still in use
            return old[1]
        value = make()
        self.pieces[name] = self.made["pieces"][name] = (inputs, value)
        return value

    def index(self, name: str, inputs: tuple, make_docs, cache) -> list:
        """The shards of index ``name`` over make_docs(): the last ones when the inputs are
        equal, else the last ones with the shards the changed documents touch made again."""
        old = self.pieces.get(name)
        if old is not None and old[0] == inputs:
            self.made["pieces"].setdefault(name, None)  # still in use
            built = old[1]
        else:
            docs = make_docs()
            built = old[1].update(docs, cache) if old is not None else None
            if built is None:
                built = build_state(name, docs, cache)
            self.pieces[name] = self.made["pieces"][name] = (inputs, built)
        _keep(cache, built.used())
        return built.shard_list()

    def take(self) -> dict:
        """What this memo made since the last take, to apply to the parent's memo (without what
        the trials were made from: the parent has them, and a pickled copy would not be the same
        objects)."""
        made, self.made = self.made, {"trials": {}, "pieces": {}, "name_docs": {}, "version": self.version}
        made["trials"] = {nct: (None, *rec[1:]) for nct, rec in made["trials"].items()}
        return made

    def apply(self, made: dict, entries, entry) -> None:
        """Take in what take() gave (here or in a child) for a build of ``entries`` (``entry``:
        NCT ID -> its entry); forget the trials not among them and the pieces that build did not use."""
        self.version = max(self.version, made["version"])
        for nct, rec in made["trials"].items():
            e = entry(nct)
            self.trials[nct] = ((e.trial, e.plain, e.conditions, e.sponsors), *rec[1:])
        # the next child counts only the changed documents' terms (ssg.search.shards._prepared)
        remember_docs([d for rec in made["trials"].values() for d in rec[TITLE:SUMMARY + 1]], 2 * len(entries))
        if len(self.trials) > len(entries):  # some trials are gone
            current = {e.trial.nct_id for e in entries}
            self.trials = {k: v for k, v in self.trials.items() if k in current}
        self.pieces = {k: (made["pieces"][k] or self.pieces[k]) for k in made["pieces"]
                       if made["pieces"][k] is not None or k in self.pieces}
        if len(self.name_docs) > 200_000:  # names edited many times in one session
            self.name_docs.clear()
        self.name_docs.update(made["name_docs"])
        self.made = {"trials": {}, "pieces": {}, "name_docs": {}, "version": self.version}


def _index(name: str, docs, cache) -> tuple[list, list]:
    noting = _Noting(cache) if cache is not None else None
    return build_index(name, docs, noting), (noting.used if noting else [])


def _data_files(entries: tuple, facts: list | None, cache, memo: SearchMemo) -> dict[str, bytes]:
    recs = memo.records(entries, facts)
    facts = [r[FACTS] for r in recs]
    count = (len(recs),)

    def make_names():
        tables = name_tables(facts)
        members = name_members(facts, tables)
        docs = memo.docs_of_names(tables)
        shards, used = _index("names", docs, cache)
        member_files = [dumps(members_file(members, shard.docs)) for shard in shards]
        return tables, shards, used, member_files

    tables, name_shards, used, member_files = memo.piece(
        "names", count + tuple(r[VERSIONS][V_NAMES] for r in recs), make_names)
    _keep(cache, used if memo.reused else [])
    # docs.json: one row per trial (its conditions and countries as names: the tables are the names')
    files = {"docs.json": memo.piece("docs.json", count + tuple(r[VERSIONS][V_ROW] for r in recs),
                                     lambda: dumps(store_of_rows([r[ROW] for r in recs], tables)))}
    # The number of trials and of trials per text shard: the page matches words and fetches the
    # first result's text without waiting for docs.json (see static/js/search.js).
    manifest = {"version": 2, "count": len(facts), "text": SHARD, "shards": {}}
    for name, which in (("title", TITLE), ("names", None), ("summary", SUMMARY)):
        if which is None:
            shards = name_shards
        else:
            v = V_TITLE if which == TITLE else V_SUMMARY
            shards = memo.index(name, count + tuple(r[VERSIONS][v] for r in recs),
                                lambda: [r[which] for r in recs], cache)
        manifest["shards"][name] = [s.key for s in shards]
        for n, shard in enumerate(shards):
            files[f"{name}/{n}.json"] = shard.data
            if name == "names":
                files[f"members/{n}.json"] = member_files[n]
    files["manifest.json"] = dumps(manifest)
    for n, start in enumerate(range(0, len(facts), SHARD)):
        chunk = slice(start, start + SHARD)
        files[f"text/{n}.json"] = memo.piece(f"text/{n}", tuple(r[VERSIONS][V_FACTS] for r in recs[chunk]),
                                             lambda: dumps(text_shards(facts[chunk])[0]))
    return dict(sorted(files.items()))


class _Countries:
    """The countries of the site's trials, kept between builds: NCT ID -> (Trial, its countries),
    and how many trials name each country, so a rebuild reads only changed trials' sites."""

    def __init__(self):
        self.by_id: dict[str, tuple] = {}
        self.counts: dict[str, int] = {}
        self.options: dict | None = None

    def _count(self, countries, step: int) -> None:
        for c in countries:
            n = self.counts[c] = self.counts.get(c, 0) + step
            if not n:
                del self.counts[c]
        self.options = None

    def of(self, entries) -> dict:
        by_id, seen = self.by_id, set()
        for e in entries:
            t = e.trial
            seen.add(t.nct_id)
            known = by_id.get(t.nct_id)
            if known is None or known[0] is not t:
                countries = frozenset(c for c in map(clean, (loc.country for loc in t.locations)) if c)
                if known is not None:
                    self._count(known[1], -1)
                self._count(countries, 1)
                by_id[t.nct_id] = (t, countries)
        for gone in [nct for nct in by_id if nct not in seen] if len(by_id) > len(seen) else []:
            self._count(by_id.pop(gone)[1], -1)
        if self.options is None:
            # ties in case broken by the name: dict order would differ between a rebuild and a clean build
            self.options = {"countries": sorted(self.counts, key=lambda c: (c.casefold(), c))}
        return self.options


_countries = _Countries()


def filter_options(site) -> dict:
    """Choices the form offers before any script runs: countries present on the site."""
    return {"countries": list(_countries.of(site.entries)["countries"])}


def pages(site, renderer, data: dict[str, bytes] | None = None) -> Iterable[OutputFile]:
    """The search page and its data; ``data`` is data_files(site.entries) when the caller already
    has it (the build caches it by the hash of its inputs)."""
    lunr = lunr_js()  # fail before rendering anything if npm ci was not run
    page = urls.search_path()
    base = search_dir()
    data = data_files(site.entries) if data is None else data
    yield OutputFile(page, renderer.render(
        "search.html", page,
        data_base="./",
        # The shard keys, so that the page fetches a query's shards at once, beside docs.json.
        shards=data["manifest.json"].decode("utf-8"),
        lunr_src=urls.relative(page, urls.asset_path(LUNR_ASSET)),
        options=filter_options(site),
    ))
    for name, blob in data.items():
        yield OutputFile(base + name, blob)
    yield OutputFile(urls.asset_path(LUNR_ASSET), lunr)
