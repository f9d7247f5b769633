"""`build_site`: content/ -> site/ in named phases (load, merge, enrich, render, write).

Everything before the write phase is a pure function of its input; pages stream from the producers
straight to disk through SiteWriter, so memory stays bounded by the pages in flight.

Parallel: parsing (each record summarised in plain language by the same worker) and the trial
pages and handouts are mapped over forked worker processes (ssg.parallel) in input order; jobs=1
does it all in this process. The output is the same bytes whatever the job count. Workers write
what they make (pages, cache entries) themselves; only small results cross the pipes.
Memory: a forked worker copies every page of memory it reads (reference counts are written even
on reads), so work that reads the whole site (condition and sponsor pages, the site-wide pages)
runs in this process while no worker is alive, and workers are replaced after PAGES_PER_WORKER
pages. The search index, which reads the whole site too, is made in one forked child beside that
work (parallel.in_background), never beside the workers; its per-trial records are made here
before the render workers fork, so the child reads those rather than every trial.

Incremental (ssg.cache): each piece of work is looked up by a key that hashes everything it is
made from, so a rebuild redoes only the pieces whose inputs changed. Keys:
  record   CODE, the record's path and bytes                      -> parsed Trial
  trial    the record keys of an NCT ID, in load order            -> merged Trial's plain summary
  env      CODE, site config, build date, extra pages (every page's nav lists them), and the
           templates the kind of page uses (its template and those it extends/imports/includes)
  page     trial page: env, trial key, its condition and sponsor Terms, the trial keys of the
           related trials it links; handout: env, trial key; condition/sponsor page: env, the
           Term (name, slug, members in order), its members' trial keys
  search   CODE, every entry's trial key and Terms                -> the search index files
           (a session, ssg serve, makes them instead from the pieces a change touched: SearchMemo)
Site-wide pages (home, A-Z indexes, search page, glossary, 404, sitemap) are always rendered
(a session keeps an A-Z index page made from the very same Terms under the same env key);
static files are always copied. With a cache folder, the build starts from the site the previous
build replaced (ssg.write.Spare), so a page already in place is kept rather than linked again.
CODE hashes ssg's own files and library versions, so changing ssg invalidates everything.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import time
from contextlib import closing, contextmanager
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import ssg
from ssg import parallel
from ssg.cache import BuildCache, ByIdentity, code_version, digest, hash_file
from ssg.config import ConfigError, SiteConfig, load_config
from ssg.errors import BuildError, OutputDirRefused, ParseError
from ssg.model import Trial
from ssg.site.assemble import assemble, check_output_paths, extra_page
from ssg.site.model import ExtraPage, OutputFile, Site
from ssg.site.urls import slugify
from ssg.sources import parse_file, record_files
from ssg.site.model import Term
from ssg.write import SiteWriter, write_claimed

PROJECT_ROOT = Path(ssg.__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"

# Page producers, in order: each module has pages(site, renderer) -> Iterable[OutputFile].
PRODUCERS = ("ssg.site.pages", "ssg.plain.glossary_page", "ssg.search", "ssg.handout")
MAX_GRADE = 8.0

# progress(phase, done, total): called as work advances; total is None when unknown in advance.
Progress = Callable[[str, int, "int | None"], None]


@dataclass
class BuildReport:
    exit_code: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int = 0  # files the producers wrote (pages, indexes, sitemap...)
    assets: int = 0  # files copied from static/
    trials: int = 0
    out_dir: Path | None = None
    written: bool = False  # True once the new site has been swapped in
    rendered: int = 0  # per-item pages rendered this time (the rest came from the cache)
    reused: int = 0  # per-item pages taken from the cache
    timings: dict[str, float] = field(default_factory=dict)  # phase -> wall seconds (`ssg build --timings`)

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - start


def build_date() -> str | None:
    """The date to show as "built on": only from SOURCE_DATE_EPOCH, so builds stay reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date().isoformat()
    except (ValueError, OverflowError, OSError):
        raise ConfigError(f"SOURCE_DATE_EPOCH: not a whole number of seconds: {epoch!r}") from None


# --- phases --------------------------------------------------------------------------------

def _parse_task(task: tuple[str, str | None, str | None]) -> tuple:
    """One record -> ("ok", Trial, summary result or None, made) or ("error", message, None,
    made); errors as text, so they cross processes. With a cache key, the worker also stores
    what it made in the cache (the parent only notes it). With shared["summarise"], it also
    writes the plain summary of the record on its own, which is the trial's summary whenever no
    other record shares its NCT ID (nearly always), saving a second pass over every trial.
    ``hash_at``: the record's absolute path when its key is made here (a file the cache has no
    digest for: every file of a first build); made is then (key, stat entry for the cache)."""
    path, key, hash_at = task
    made = data = None
    cache = parallel.shared.get("cache")
    if hash_at is not None:
        try:
            value, entry, data = hash_file(hash_at)  # the bytes are parsed below: one read
            key = _record_key(parallel.shared["code"], path, value)
            made = (key, entry)
        except (OSError, ParseError):
            pass  # unreadable, or too big: parse_file reports why
    # A file whose stat changed (a fresh checkout) may still have its parse in the cache.
    trial = cache.load("record", key) if made is not None and cache.may_hold("record") else None
    parsed = trial is None
    if parsed:
        try:
            trial = parse_file(path, data)
        except ParseError as e:
            return "error", f"error: {e}", None, made
    sent = parallel.send(trial)
    if parsed:
        _store_made("record", key, trial, sent)
    summary = None
    if parallel.shared.get("summarise"):
        plain_key = key and digest("trial", key)
        result = None if parsed else cache.load("plain", plain_key)
        summarised = result is None
        if summarised:
            result = _summary_task(trial)
        summary = parallel.send(result)
        if summarised:
            _store_made("plain", plain_key, result, summary)
    return "ok", sent, summary, made


def _record_key(code: str, path: str, file_digest: str) -> str:
    """A record's cache key: ssg's code, the record's path and its bytes' digest."""
    return _item_key("record", code, path, file_digest)


def _store_made(ns: str, key: str | None, value: object, sent: object) -> None:
    """Keep what a task made in the build cache (shared["cache"]), reusing the pickle that
    parallel.send made of it in a worker."""
    cache = parallel.shared.get("cache")
    if cache is not None and key is not None:
        cache.store(ns, key, value, pickled=sent if isinstance(sent, bytes) else None)


def _absolute_paths(folder: Path, files: list[Path]) -> list[str]:
    """Absolute paths of files found under ``folder`` (one getcwd, not one per file)."""
    given, prefix = str(folder), os.path.abspath(folder)
    return [prefix + s[len(given):] if (s := str(p)).startswith(given + os.sep) else os.path.abspath(s) for p in files]


def load_keyed(trials_dir: Path, report: BuildReport, progress: Progress | None = None, *,
               jobs: int = 1, cache: BuildCache | None = None,
               early: dict[str, tuple[str, object]] | None = None) -> list[tuple[str, Trial]]:
    """(record key, Trial) for every record that parses; a broken one is reported and left out.
    ``early``: filled with NCT ID -> (record key, plain summary result) for the records parsed
    now, each summarised on its own (see _parse_task); summarise_all uses them where they apply."""
    files = record_files([trials_dir]) if trials_dir.is_dir() else []
    code = code_version()
    keys: list[str | None] = []
    absolute = _absolute_paths(trials_dir, files)
    hash_at: list[str | None] = []  # files whose key a worker makes, reading them anyway to parse them
    for p, where in zip(files, absolute):
        try:
            known = cache.known_digest(where) if cache else None
        except OSError:
            known = None  # unreadable: parse_file reports why
            where = None
        keys.append(_record_key(code, str(p), known) if known else None)
        hash_at.append(where if cache and not known else None)
    if cache:
        cache.forget_files(set(absolute))
    with parallel.collector_paused():
        results: list[tuple[str, object] | None] = [
            (("ok", t) if (t := cache.get("record", k)) is not None else None) if cache and k else None
            for k in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    done = len(files) - len(todo)
    summarised: dict[int, object] = {}
    if early is not None and todo:
        warm_up_plain()  # before the workers fork, so that they share the dictionary
    tasks = [(str(files[i]), keys[i], hash_at[i]) for i in todo]
    with closing(parallel.ordered_map(_parse_task, tasks, jobs=jobs,
                                      state={"cache": cache, "summarise": early is not None, "code": code})) as parsed:
        for i, (status, value, summary, made) in zip(todo, parsed, strict=True):
            if made is not None:
                keys[i] = made[0]
                cache.note_digest(absolute[i], made[1])
            results[i] = result = (status, parallel.receive(value) if status == "ok" else value)
            if cache and keys[i] and result[0] == "ok":
                cache.remember("record", keys[i], result[1])  # stored by the worker
            if summary is not None:
                summarised[i] = parallel.receive(summary)
            done += 1
            if progress:
                progress("load", done, len(files))
    out = []
    for i, (p, k, (status, value)) in enumerate(zip(files, keys, results)):
        if status == "ok":
            out.append((k or digest("record", code, str(p), "uncached", len(out)), value))
            if i in summarised:
                early[value.nct_id] = (out[-1][0], summarised[i])
        else:
            report.errors.append(value)
    return out


def load_records(trials_dir: Path, report: BuildReport, progress: Progress | None = None) -> list[Trial]:
    """Parse every record; a broken one is reported by file and reason and left out."""
    return [t for _, t in load_keyed(trials_dir, report, progress)]


def load_pages(pages_dir: Path, report: BuildReport) -> list[ExtraPage]:
    """content/pages/*.md; an unreadable page is reported like a broken record."""
    pages = []
    for p in sorted(pages_dir.glob("*.md")) if pages_dir.is_dir() else []:
        if p.name.startswith("."):
            continue
        try:
            pages.append(extra_page(slugify(p.stem), p.read_text(encoding="utf-8"), str(p)))
        except (OSError, UnicodeDecodeError) as e:
            report.errors.append(f"error: {p}: cannot read page: {e}")
    return pages


def merge(trials: list[Trial]) -> list[Trial]:
    """Records of one NCT ID -> one Trial (ssg.merge); until that exists, duplicates are an error."""
    try:
        from ssg.merge import merge_trials
    except ModuleNotFoundError as e:
        if e.name not in ("ssg.merge",):
            raise
        by_id: dict[str, Trial] = {}
        for t in trials:
            if t.nct_id in by_id:
                paths = [s.path for s in by_id[t.nct_id].sources + t.sources]
                raise BuildError("merge", f"two records for {t.nct_id} and no merger available", ", ".join(paths))
            by_id[t.nct_id] = t
        return sorted(by_id.values(), key=lambda t: t.nct_id)
    return merge_trials(trials)


def trial_keys(keyed: list[tuple[str, Trial]]) -> dict[str, str]:
    """NCT ID -> a key over the record keys merged into it (merge is a pure function of them)."""
    by_id: dict[str, list[str]] = {}
    for key, t in keyed:
        by_id.setdefault(t.nct_id, []).append(key)
    return {nct: _item_key("trial", *ks) for nct, ks in by_id.items()}


def _summary_task(trial: Trial) -> tuple[str, object]:
    from ssg.plain import summarise

    try:
        return "ok", summarise(trial)
    except Exception as e:  # noqa: BLE001 - one bad trial must not stop the site
        where = ", ".join(s.path for s in trial.sources) or trial.nct_id
        return "error", f"error: [enrich] {where}: plain summary failed: {type(e).__name__}: {e}"


def _summary_by_index(i: int) -> tuple[str, object]:
    """Worker: the summary of trials[i], stored in the cache here (keys given) so the parent need not."""
    trial = parallel.shared["trials"][i]
    result = _summary_task(trial)
    sent = parallel.send(result)
    keys = parallel.shared.get("keys")
    _store_made("plain", keys[trial.nct_id] if keys else None, result, sent)
    return sent


def _can_summarise() -> bool:
    return importlib.util.find_spec("ssg.plain") is not None


def warm_up_plain() -> None:
    """Load the syllable dictionaries once here, so forked workers share them instead of each loading them."""
    from ssg.plain.readability import syllable_count

    syllable_count("warm")


def summarise_all(trials: list[Trial], report: BuildReport, *, jobs: int = 1, cache: BuildCache | None = None,
                  keys: dict[str, str] | None = None,
                  early: dict[str, tuple[str, object]] | None = None) -> tuple[list[Trial], dict[str, object]]:
    """Plain summaries; a trial whose summary cannot be made is reported and left out.
    ``early``: summaries made while parsing (load_keyed); one is used when its record is the
    trial's only record (the trial's key is then made of that record's key alone)."""
    try:
        import ssg.plain  # noqa: F401
    except ImportError:
        report.warnings.append("warning: ssg.plain is not available; trial pages have no plain summary")
        return trials, {}
    results: list[tuple[str, object] | None] = [None] * len(trials)
    with parallel.collector_paused():
        position = {t.nct_id: i for i, t in enumerate(trials)} if early and keys else {}
        for nct, made in early.items() if position else ():
            i = position.get(nct)
            if i is not None and _item_key("trial", made[0]) == keys[nct]:
                results[i] = made[1]
                if cache:
                    cache.remember("plain", keys[nct], made[1])  # stored by the worker
        if cache and keys:
            ask = [i for i, r in enumerate(results) if r is None]
            for i, found in zip(ask, cache.get_many("plain", [keys[trials[i].nct_id] for i in ask])):
                results[i] = found
    todo = [i for i, r in enumerate(results) if r is None]
    if todo:
        warm_up_plain()
    with closing(parallel.ordered_map(_summary_by_index, todo, jobs=jobs,
                                      state={"trials": trials, "cache": cache, "keys": keys},
                                      chunksize=32, chunks_per_worker=max(1, PAGES_PER_WORKER // 32))) as made:
        for i, result in zip(todo, made, strict=True):
            results[i] = result = parallel.receive(result)
            if cache and keys:
                cache.remember("plain", keys[trials[i].nct_id], result)  # stored by the worker
    kept, summaries = [], {}
    for t, (status, value) in zip(trials, results):
        if status != "ok":
            report.errors.append(value)
            continue
        summaries[t.nct_id] = value
        kept.append(t)
        grade = getattr(value, "grade", None)
        if grade is not None and grade > MAX_GRADE:
            report.warnings.append(f"warning: {t.nct_id}: plain summary reads at grade {grade:.1f} (aim: {MAX_GRADE:g} or lower)")
    return kept, summaries


def _template_place(e: Exception) -> str:
    """"templates/trial.html:42" for an error raised while a template ran, else ""."""
    tb, place = e.__traceback__, ""
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt")):
            place = f"{name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return place


def _render_error(name: str, e: Exception) -> BuildError:
    place = getattr(e, "filename", None) and f"{e.filename}:{e.lineno}" or _template_place(e)
    return BuildError("render", f"{name}: {type(e).__name__}: {e}", place or None)


def run_producer(name: str, produce: Callable, site: Site, renderer, **options) -> Iterator[OutputFile]:
    """A producer's files; a template mistake becomes a BuildError naming the template and line."""
    import jinja2

    try:
        yield from produce(site, renderer, **options)
    except jinja2.TemplateError as e:
        raise _render_error(name, e) from e


def producers(report: BuildReport) -> list[tuple[str, object]]:
    """The page producer modules that exist; a missing one is skipped with a warning (work in progress)."""
    found = []
    for name in PRODUCERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name is None or not name.startswith(e.name):
                raise  # the module exists but something it imports is missing: a real error
            report.warnings.append(f"warning: {name} not available yet; its pages were skipped")
            continue
        if not hasattr(module, "pages"):  # e.g. a package whose __init__ is not written yet
            report.warnings.append(f"warning: {name}.pages not available yet; its pages were skipped")
            continue
        found.append((name, module))
    return found


def _counted(files: Iterable[OutputFile], progress: Progress | None, report: BuildReport) -> Iterator[OutputFile]:
    for f in files:
        report.pages += 1
        if progress:
            progress("render", report.pages, None)
        yield f


# --- per-item pages: keys, rendering in workers ------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One page rendered on its own: kind is "trial", "handout", "condition" or "sponsor"."""

    kind: str
    index: int  # into site.entries, site.conditions or site.sponsors
    path: str
    key: str  # hash of every input of the page (see "Keys" above)


# Each Term's key: Terms live on between rebuilds (ssg.site.taxonomy keeps the last taxonomy).
_term_keys = ByIdentity(limit=100_000)


def _term_key(term: Term) -> str:
    """A key over a Term (name, slug, members); worked out once per Term object (a term is
    shared by many trials, and by the builds of a session)."""
    k = _term_keys.get(term)
    if k is None:
        k = digest("term", term.name, term.slug, term.inferred, *term.nct_ids)
        _term_keys.put(term, k)
    return k


# Keys a process has worked out: record and trial keys (ssg serve asks for ~20,000 per rebuild).
_item_keys: dict[tuple, str] = {}


def _item_key(*parts: object) -> str:
    key = _item_keys.get(parts)
    if key is None:
        if len(_item_keys) > 500_000:
            _item_keys.clear()
        key = _item_keys[parts] = digest(*parts)
    return key


# The last plan, for the next (ssg serve plans ~22,000 pages per rebuild, nearly all as before):
# what it was made from (env keys, the producers, the trial keys, the site's NCT IDs) and its items,
# per trial (NCT ID -> position, Trial, Terms, related NCT IDs, items) and per term ((kind,
# position) -> Term, item).
_planned: dict = {}


def plan_items(site: Site, modules: dict[str, object], env: dict[str, str], keys: dict[str, str]) -> list[Item]:
    """The per-item pages in a fixed order, each with its key."""
    from ssg.site import urls

    global _planned
    items: list[Item] = []
    tkey = _term_key
    pages, handouts = "ssg.site.pages" in modules, "ssg.handout" in modules
    ids = site.entries_by_id().keys()
    last = _planned if (_planned.get("env"), _planned.get("producers")) == (env, (pages, handouts)) else {}
    # The trials whose key changed, or that came or went: a page that reads none of them (by its
    # trial, a related trial or a term's member) has the key it had, when its inputs are the same objects.
    old_keys = last.get("keys", {})
    changed = {n for n, k in keys.items() if old_keys.get(n) != k}
    changed.update(old_keys.keys() - keys.keys(), last.get("ids", set()) ^ ids)
    last_trials, last_terms = last.get("trials", {}), last.get("terms", {})
    planned: dict[str, tuple] = {}
    planned_terms: dict[tuple[str, int], tuple] = {}

    # A trial's page and its handout side by side, so one worker renders both and only that
    # worker touches (and so copies) the trial's memory.
    for i, e in enumerate(site.entries):
        nct = e.trial.nct_id
        known = last_trials.get(nct)
        if (known is None or nct in changed or known[0] != i or known[1] is not e.trial
                or known[2] is not e.conditions or known[3] is not e.sponsors
                or (known[4] and not changed.isdisjoint(known[4]))):
            related_ids = tuple(r.nct_id.strip() for r in e.trial.related) if pages else ()
            related = []
            for other in related_ids:
                related += [other, keys.get(other, "-") if site.entry(other) else "-"]
            made = []
            if pages:
                made.append(Item("trial", i, urls.trial_path(nct), digest(
                    "trial.html", env["trial"], keys[nct], *[tkey(t) for t in e.conditions], "|",
                    *[tkey(t) for t in e.sponsors], "|", *related)))
            if handouts:
                made.append(Item("handout", i, urls.handout_path(nct),
                                 digest("handout.html", env["handout"], keys[nct])))
            known = (i, e.trial, e.conditions, e.sponsors, related_ids, made)
        planned[nct] = known
        items += known[5]
    if pages:
        for kind, terms, path_of in (("condition", site.conditions, urls.condition_path),
                                     ("sponsor", site.sponsors, urls.sponsor_path)):
            for i, t in enumerate(terms):
                known = last_terms.get((kind, i))
                if known is None or known[0] is not t or not changed.isdisjoint(t.nct_ids):
                    known = (t, Item(kind, i, path_of(t.slug), digest(
                        f"{kind}.html", env[kind], tkey(t), *[keys.get(n, "-") for n in t.nct_ids])))
                planned_terms[kind, i] = known
                items.append(known[1])
    _planned = {"env": env, "producers": (pages, handouts), "keys": keys, "ids": set(ids), "trials": planned,
                "terms": planned_terms}
    return items


def _render_item(task: tuple[Item, str]) -> tuple[str, object]:
    """Worker: render one page and write it to ``dest`` (a path the parent claimed in the new
    site), linking it into the cache; -> ("ok", (size, mtime, inode) or None) or ("error", (message, place)).
    Pages go straight to disk from the worker, so only a few bytes cross the pipe per page."""
    import jinja2

    from ssg import handout
    from ssg.site import pages

    item, dest = task
    site, renderer, cache = parallel.shared["site"], parallel.shared["renderer"], parallel.shared["cache"]
    try:
        if item.kind == "trial":
            f = pages.trial_page(site, renderer, site.entries[item.index])
        elif item.kind == "handout":
            f = handout.handout_page(site, renderer, site.entries[item.index])
        elif item.kind == "condition":
            f = pages.condition_page(site, renderer, site.conditions[item.index])
        else:
            f = pages.sponsor_page(site, renderer, site.sponsors[item.index])
    except jinja2.TemplateError as e:
        err = _render_error(f"{item.kind} page {item.path}", e)
        return "error", (err.problem, err.path)
    write_claimed(dest, f.data)
    return "ok", cache.link_page(item.key, dest) if cache is not None and cache.folder is not None else None


# A render worker is replaced by a fresh fork after about this many pages (see ordered_map).
PAGES_PER_WORKER = 4000


def write_items(writer: SiteWriter, items: list[Item], site: Site, renderer, report: BuildReport, *,
                jobs: int, cache: BuildCache | None, progress: Progress | None,
                search: SearchData | None = None) -> None:
    """Per-item pages: unchanged ones linked from the cache, the rest rendered (in parallel).
    ``search``: started in the background once no pool of workers is running."""
    todo = []
    signatures = cache.page_signatures([item.key for item in items]) if cache else [None] * len(items)
    kept = writer.keep_all_recycled([(item.path, sig) for item, sig in zip(items, signatures)])
    in_place = sum(kept)  # already in place: the site this build started from has them
    report.reused += in_place
    report.pages += in_place
    for item, keep in zip(items, kept):
        if keep:
            continue
        blob = cache.page(item.key) if cache else None
        if blob is not None:
            try:
                writer.reuse(item.path, blob)
            except OSError:  # the blob went away (another build pruned it): render the page
                writer.written.discard(item.path)
                todo.append(item)
                continue
            report.reused += 1
            report.pages += 1
        else:
            todo.append(item)
    # Trial pages and handouts each read one trial, so workers share them out. A condition or
    # sponsor page reads many trials, and a worker copies every page of memory it reads, so
    # those are rendered here once the workers have gone (about a tenth of the work).
    per_trial = [item for item in todo if item.kind in ("trial", "handout")]
    per_term = [item for item in todo if item.kind not in ("trial", "handout")]
    state = {"site": site, "renderer": renderer, "cache": cache}
    # The search index is made in a background child beside the pages rendered here, but not
    # beside the workers: they keep both cores busy, and the child would copy the site's memory
    # while they do too.
    pool = jobs > 1 and len(per_trial) >= parallel.MIN_TASKS
    if search is not None:
        if pool:
            search.prepare()  # its records, read from the site here before the workers fork
        else:
            search.start(jobs)
    _render_all(writer, per_trial, state, report, jobs=jobs, progress=progress)
    if search is not None:
        search.start(jobs)
    _render_all(writer, per_term, state, report, jobs=1, progress=progress)


def _render_all(writer: SiteWriter, todo: list[Item], state: dict, report: BuildReport, *, jobs: int,
                progress: Progress | None) -> None:
    cache, renderer = state["cache"], state["renderer"]
    tasks = [(item, writer.claim(item.path)) for item in todo]
    chunk = max(1, min(32, len(todo) // (jobs * 8) or 1))
    if jobs > 1 and len(todo) >= parallel.MIN_TASKS:
        import jinja2

        for name in renderer.env.list_templates():  # compiled once here, not again in every fresh worker
            try:
                renderer.env.get_template(name)
            except jinja2.TemplateError:
                pass  # reported, with its place, when a page uses it
    # closing(): on an error the workers are stopped here, before the writer removes the folder
    # they write into (else a worker still writing makes that removal fail).
    with closing(parallel.ordered_map(_render_item, tasks, jobs=jobs, chunksize=chunk, state=state,
                                      chunks_per_worker=max(1, PAGES_PER_WORKER // chunk))) as results:
        for item, (status, value) in zip(todo, results, strict=True):
            if status != "ok":
                raise BuildError("render", value[0], value[1])
            if value is not None:
                cache.record_page(item.key, value)
            report.rendered += 1
            report.pages += 1
            if progress:
                progress("render", report.pages, None)


class _Recorder:
    """A BuildCache as seen by ssg.search: records which entries the search files were made from,
    and the ones made now (a background child hands those back to the parent's cache)."""

    def __init__(self, cache: BuildCache):
        self.cache, self.uses, self.made = cache, [], []

    def get(self, ns: str, key: str):
        self.uses.append((ns, key))
        return self.cache.get(ns, key)

    def put(self, ns: str, key: str, value) -> None:
        self.uses.append((ns, key))
        self.made.append((ns, key, value))
        self.cache.store(ns, key, value)

    def keep(self, entries) -> None:
        self.uses.extend(entries)


def _search_files(entries: tuple, cache: BuildCache | None, key: str | None, memo=None,
                  give_back: bool = False) -> tuple:
    """(search files, cache entries used, cache entries made, what the memo made or None): in a
    background child, or here. ``memo``: the session's ssg.search.SearchMemo (``give_back``), or
    one with the records made ahead for this build. One value, so one pickle: the documents in the
    memo's trials and in its indexes stay one object each in the parent."""
    from ssg.search import data_files

    recorder = _Recorder(cache) if cache else None
    data = data_files(entries, cache=recorder, memo=memo)
    if cache is not None:
        cache.store("search", key, (data, recorder.uses))  # the file half, off the parent's path
    return (data, (recorder.uses if recorder else []), (recorder.made if recorder else []),
            memo.take() if give_back else None)


_search_memo = None  # the session's ssg.search.SearchMemo, made on first use


def _session_search_memo():
    global _search_memo
    if _search_memo is None:
        from ssg.search import SearchMemo

        _search_memo = SearchMemo()
    return _search_memo


class SearchData:
    """The search index files. In a session whose memo holds the last build's pieces (light()),
    made here in result() from the pieces a change touched (a few ms; a child would cost more to
    fork and to send the files back). Otherwise from the cache when no entry changed, else built
    by start() in a background child while this process renders pages (reusing, from the cache,
    the index shards no change touched), or by result() here."""

    def __init__(self, site: Site, keys: dict[str, str], cache: BuildCache | None):
        self.site, self.cache, self.key = site, cache, None
        self.data: dict[str, bytes] | None = None
        self.pending: parallel.Pending | None = None
        self.session = cache is not None and cache.session
        self.here = self.light()
        self.ahead = None  # outside a session: a SearchMemo with the records prepare() made
        if cache and not self.here:
            # Hex keys and "|" joined: unambiguous, and one hash instead of ~60,000 length prefixes.
            self.key = digest("search", code_version(), " ".join([
                part for e in site.entries
                for part in (keys[e.trial.nct_id], *[_term_key(t) for t in e.conditions + e.sponsors], "|")]))
            # A session (whose memo is empty) makes the files once anyway, to fill it for the next change.
            found = cache.get("search", self.key) if not cache.session else None
            if found is not None:
                self.data, uses = found
                cache.keep(uses)  # the shards stay cached for the next change

    def light(self) -> bool:
        """True when a session's memo holds the search files of the last build: a change makes
        only the pieces it touched, a small job done here."""
        return self.session and bool(_session_search_memo().trials)

    def prepare(self) -> None:
        """Make the search records of every trial here (SearchMemo.prepare), before the render
        workers fork, so that the child start() forks later reads those rather than the site.
        Not in a session, whose memo keeps the records of the last build."""
        if self.data is not None or self.pending is not None or self.session:
            return
        from ssg.search import SearchMemo

        self.ahead = SearchMemo()
        self.ahead.prepare(self.site.entries)

    def start(self, jobs: int) -> None:
        if self.data is None and self.pending is None and not self.here:
            memo = _session_search_memo() if self.session else self.ahead
            self.pending = parallel.in_background(_search_files, self.site.entries, self.cache, self.key, memo,
                                                  self.session, jobs=jobs)
            self.ahead = None  # the child has it

    def result(self) -> dict[str, bytes]:
        if self.data is None and self.here:
            from ssg.search import data_files

            memo = _session_search_memo()
            self.data = data_files(self.site.entries, cache=self.cache, memo=memo)
            memo.apply(memo.take(), self.site.entries, self.site.entry)
        if self.data is None:
            self.start(jobs=1)
            self.data, uses, made, memo_made = self.pending.result()
            self.pending = None
            if memo_made is not None:
                _session_search_memo().apply(memo_made, self.site.entries, self.site.entry)
            if self.cache:
                for ns, key, value in made:
                    self.cache.remember(ns, key, value)  # stored on disk by whoever made it
                self.cache.keep(uses)
                self.cache.remember("search", self.key, (self.data, uses))  # stored by _search_files
        return self.data

    def cancel(self) -> None:
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None


# Compiled templates kept for this process, by template, source and syntax options (which change
# the code): each build makes a new Renderer, and compiling the templates again took ~0.3 s of
# every serve rebuild.
_compiled: dict[tuple, object] = {}


def _keep_compiled(env) -> None:
    """Give a Jinja environment a bytecode cache in memory, shared by every build of this process."""
    import jinja2

    options = (env.block_start_string, env.block_end_string, env.variable_start_string,
               env.variable_end_string, env.comment_start_string, env.comment_end_string,
               env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
               env.newline_sequence, env.keep_trailing_newline, str(env.autoescape), env.optimized,
               tuple(sorted(env.extensions)))

    class InMemory(jinja2.BytecodeCache):
        def load_bytecode(self, bucket) -> None:
            bucket.code = _compiled.get((bucket.key, bucket.checksum, options))

        def dump_bytecode(self, bucket) -> None:
            if len(_compiled) > 1000:  # templates edited many times in one session
                _compiled.clear()
            _compiled[bucket.key, bucket.checksum, options] = bucket.code

    env.bytecode_cache = InMemory()


# The template each kind of per-item page renders.
ITEM_TEMPLATES = {"trial": "trial.html", "handout": "handout.html", "condition": "condition.html",
                  "sponsor": "sponsor.html"}
# Site-wide pages that ssg.site.pages keeps between a session's builds, keyed like item pages.
KEPT_TEMPLATES = {"conditions": "conditions.html", "sponsors": "sponsors.html"}


def _template_files(templates: Path) -> dict[str, bytes]:
    """Every template's bytes, by path relative to the templates folder."""
    return {p.relative_to(templates).as_posix(): p.read_bytes()
            for p in sorted(templates.rglob("*")) if p.is_file()}


# (templates folder, a hash of all their bytes, name) -> closure; a serve session asks every rebuild.
_closures: dict[tuple[str, str, str], list[str]] = {}


def template_closure(templates: Path, name: str, files: dict[str, bytes] | None = None) -> list[str]:
    """``name`` and every template it extends, includes or imports, sorted; all templates when
    one of them names another by an expression (so the closure cannot be known)."""
    import jinja2
    from jinja2 import meta

    files = _template_files(templates) if files is None else files
    memo_key = (str(templates), digest(*[part for rel, data in files.items() for part in (rel, data)]), name)
    if memo_key in _closures:
        return _closures[memo_key]
    env = jinja2.Environment()
    seen: set[str] = set()
    todo = [name]
    closure: list[str] | None = None
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source = files[current].decode("utf-8")
            refs = list(meta.find_referenced_templates(env.parse(source)))
        except (KeyError, UnicodeDecodeError, jinja2.TemplateError):
            refs = [None]  # let the render report it; key on everything meanwhile
        if None in refs:
            closure = sorted(files)
            break
        todo += refs
    _closures[memo_key] = closure if closure is not None else sorted(seen)
    return _closures[memo_key]


def env_keys(config: SiteConfig, templates: Path, date: str | None, site: Site) -> dict[str, str]:
    """Per kind of item page (and of kept site-wide page): a key over code, config, build date,
    extra pages (every page's nav lists them) and the bytes of the templates that kind of page uses."""
    pages = [part for p in site.pages for part in (p.slug, p.title, p.markdown, p.source)]
    common = digest("env", code_version(), config.model_dump_json(), date or "-", *pages)
    files = _template_files(templates)
    keys = {}
    for kind, name in {**ITEM_TEMPLATES, **KEPT_TEMPLATES}.items():
        parts = []
        for rel in template_closure(templates, name, files):
            parts += [rel, files.get(rel, b"-")]
        keys[kind] = digest(common, *parts)
    return keys


def default_cache_dir(content_dir: str | Path) -> Path:
    """.ssg-cache/ beside the content folder (the project root when building content/)."""
    return Path(content_dir).resolve().parent / ".ssg-cache"


# --- the build -----------------------------------------------------------------------------

def build_site(
    content_dir: str | Path,
    out_dir: str | Path,
    *,
    base_url: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    templates_dir: str | Path | None = None,
    static_dir: str | Path | None = None,
    jobs: int | None = None,
    cache: BuildCache | None = None,
) -> BuildReport:
    """Build the site. ``jobs``: worker processes (None: one per core; 1: none).
    ``cache``: a BuildCache to reuse work from earlier builds and keep this one's (None: no cache)."""
    from ssg.render import Renderer  # imported here so that `ssg parse` never needs Jinja

    content = Path(content_dir)
    templates = Path(templates_dir or TEMPLATES_DIR)
    static = Path(static_dir or STATIC_DIR)
    jobs = parallel.job_count(jobs)
    report = BuildReport()
    try:
        config: SiteConfig = load_config(content / "site.toml", base_url=base_url)
        date = build_date()
        protected = [content, templates, static, PROJECT_ROOT / "ssg"]
        if cache is not None and cache.folder is not None:
            cache.check_owned()
            protected.append(cache.folder)
        writer = SiteWriter(out_dir, protected=protected, spare=cache.spare() if cache is not None else None)
    except (ConfigError, OutputDirRefused) as e:
        report.errors.append(f"error: {e}")
        report.exit_code = 2
        return report
    report.out_dir = writer.out
    if cache is not None:
        cache.begin()
    parallel.freeze_long_lived()  # what earlier builds left (a serve session's cache) is not walked again

    timed = report.timed
    with timed("load"):
        early: dict[str, tuple[str, object]] | None = {} if _can_summarise() else None
        keyed = load_keyed(content / "trials", report, progress, jobs=jobs, cache=cache, early=early)
        pages = load_pages(content / "pages", report)
        parallel.freeze_long_lived()  # the parsed trials live to the end of the build
    if strict and report.errors:
        report.errors.append("error: --strict: nothing written because some records failed")
        report.exit_code = 1
        return report
    try:
        with timed("merge"):
            keys = trial_keys(keyed)
            trials = merge([t for _, t in keyed])
        with timed("plain summaries"):
            trials, summaries = summarise_all(trials, report, jobs=jobs, cache=cache, keys=keys, early=early)
            early = None
            parallel.freeze_long_lived()
        with timed("assemble"):
            site: Site = assemble(config, trials, summaries, pages)
            check_output_paths(site)
        if strict and report.errors:
            raise BuildError("enrich", "--strict: nothing written because some trials failed")
        report.trials = len(site.entries)
        with timed("plan"):
            modules = dict(producers(report))
            search = SearchData(site, keys, cache) if "ssg.search" in modules else None
            try:
                renderer = Renderer(site, templates, build_date=date)
                _keep_compiled(renderer.env)
                env = env_keys(config, templates, date, site)
                items = plan_items(site, modules, env, keys)
            except BaseException:
                if search is not None:
                    search.cancel()
                raise

        with writer:  # render + write: pages stream to disk; an error discards the new folder
            try:
                with timed("trial, handout and term pages"):
                    write_items(writer, items, site, renderer, report, jobs=jobs, cache=cache, progress=progress,
                                search=search)
                with timed("site-wide pages"):
                    for name, module in modules.items():
                        if name in ("ssg.handout", "ssg.search"):
                            continue  # every handout is a per-item page; search files last (below)
                        options = {"per_item": False, "env": env} if name == "ssg.site.pages" else {}
                        writer.write_all(_counted(run_producer(name, module.pages, site, renderer, **options),
                                                  progress, report))
                    report.assets = writer.copy_tree(static, "assets")
                if search is not None:
                    with timed("search index"):  # what is left of it: it ran beside the pages
                        data = search.result()
                    writer.write_all(_counted(run_producer("ssg.search", modules["ssg.search"].pages, site,
                                                           renderer, data=data), progress, report))
            finally:
                if search is not None:
                    search.cancel()  # a failed build does not wait for it
            swap_started = time.perf_counter()  # leaving the block swaps the new site in
        report.timings["swap"] = time.perf_counter() - swap_started
        report.written = True
        if cache is not None:
            with timed("save cache"):
                cache.finish()
    except (BuildError, ParseError, OutputDirRefused) as e:
        report.errors.append(f"error: {e}")
        report.exit_code = 2 if isinstance(e, OutputDirRefused) else 1
        return report
    report.exit_code = 1 if report.errors else 0
    return report
