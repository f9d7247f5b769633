"""Client-side search: the search page, its lunr indexes and document store, and lunr.js.

Files written (all beside the page, so relative URLs work under any prefix):
  search/index.html     the page (templates/search.html)
  search/index.json     lunr index of trials: NCT ID, title        (loaded on first use)
  search/names.json     lunr index of distinct names: conditions, interventions, places,
                        countries, sponsors, keywords              (loaded on first use)
  search/docs.json      document store: filters and name positions (loaded on first use)
  search/places/<n>.json  trials at each place   (only the shards holding the places a query matches)
  search/summary.json   lunr index of plain first sentences (loaded when a word matches nothing else)
  search/text/<n>.json  titles, first sentences, places   (loaded for the results on screen)
  assets/vendor/lunr.min.js   copied from node_modules (npm, pinned in package-lock.json)
See documents.py and index.py for why the data is split this way.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ssg.errors import BuildError
from ssg.search.documents import build_place_trials, build_store, name_tables, text_shards
from ssg.search.index import build_names_index, build_summary_index, build_trial_index, dumps
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


def data_files(entries) -> dict[str, bytes]:
    """The index and store files, by path relative to the search page's folder."""
    entries = tuple(entries)
    tables = name_tables(entries)
    place_starts, place_shards = build_place_trials(entries, tables)
    files = {
        "index.json": dumps(build_trial_index(entries)),
        "names.json": dumps(build_names_index(tables)),
        "summary.json": dumps(build_summary_index(entries)),
        "docs.json": dumps(build_store(entries, tables, place_starts)),
    }
    for n, shard in enumerate(place_shards):
        files[f"places/{n}.json"] = dumps(shard)
    for n, shard in enumerate(text_shards(entries, tables)):
        files[f"text/{n}.json"] = dumps(shard)
    return files


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
    yield OutputFile(page, renderer.render(
        "search.html", page,
        data_base="./",
        lunr_src=urls.relative(page, urls.asset_path(LUNR_ASSET)),
        options=filter_options(site),
    ))
    for name, blob in (data_files(site.entries) if data is None else data).items():
        yield OutputFile(base + name, blob)
    yield OutputFile(urls.asset_path(LUNR_ASSET), lunr)
