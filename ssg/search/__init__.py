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

import gc
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from ssg.errors import BuildError
from ssg.search.documents import (KINDS, build_store, facts_of, members_file, name_members, name_tables,
                                  text_shards)
from ssg.search.index import build_index, name_docs, summary_docs, trial_docs
from ssg.search.shards import dumps
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


def data_files(entries, cache=None, facts: list | None = None) -> dict[str, bytes]:
    """The index and store files, by path relative to the search page's folder.

    ``cache``: None, or an object with get(kind, key) and put(kind, key, value) (such as
    ssg.cache.BuildCache) that keeps each index shard by a hash of exactly its inputs, so that
    after an edit only the shards of the terms it touched are built again. ``facts``: what
    facts_of(entry) gives for each entry, where the caller knows it already (else None).
    The files are the same bytes with or without either.
    """
    entries = tuple(entries)
    with _gc_paused():
        facts = [f if f is not None else facts_of(e) for e, f in zip(entries, facts or [None] * len(entries))]
        return _data_files(entries, facts, cache)


@contextmanager
def _gc_paused():
    """The collector would walk the whole site model (millions of objects) again and again
    while these files allocate their many small ones: about a third of the time at 10,000
    trials. Nothing made here needs it (no reference cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _data_files(entries: tuple, facts: list, cache) -> dict[str, bytes]:
    tables = name_tables(facts)
    files = {"docs.json": dumps(build_store(entries, facts, tables))}
    members = name_members(facts, tables)
    name_refs = [(kind, pos) for kind in KINDS for pos in range(len(tables[kind].names))]
    manifest = {"version": 2, "shards": {}}
    for name, docs in (("title", trial_docs(facts)), ("names", name_docs(tables)),
                       ("summary", summary_docs(facts))):
        shards = build_index(name, docs, cache)
        manifest["shards"][name] = [s.key for s in shards]
        for n, shard in enumerate(shards):
            files[f"{name}/{n}.json"] = shard.data
            if name == "names":
                files[f"members/{n}.json"] = dumps(members_file(members, name_refs, shard.docs))
    files["manifest.json"] = dumps(manifest)
    for n, shard in enumerate(text_shards(facts)):
        files[f"text/{n}.json"] = dumps(shard)
    return dict(sorted(files.items()))


def filter_options(site) -> dict:
    """Choices the form offers before any script runs: countries present on the site."""
    countries = sorted({" ".join(loc.country.split()) for e in site.entries for loc in e.trial.locations
                        if loc.country and loc.country.strip()}, key=str.casefold)
    return {"countries": countries}


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
