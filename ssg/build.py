"""`build_site`: content/ -> site/ in named phases (load, merge, enrich, render, write).

Everything before the write phase is a pure function of its input; pages stream from the producers
straight to disk through SiteWriter, so memory stays bounded by one page at a time.

Room for parallel and incremental builds (issue 7): Site, TrialEntry and Trial are frozen and
picklable, and a Renderer is rebuilt from (site, templates_dir, build_date), so a worker process can
render any slice of trial pages and hand back OutputFiles (or write them itself) without shared
state; parsing and plain summaries are per-record pure functions that a pool can map too.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import ssg
from ssg.config import ConfigError, SiteConfig, load_config
from ssg.errors import BuildError, OutputDirRefused, ParseError
from ssg.model import Trial
from ssg.site.assemble import assemble, check_output_paths, extra_page
from ssg.site.model import ExtraPage, OutputFile, Site
from ssg.site.urls import slugify
from ssg.sources import parse_file, record_files
from ssg.write import SiteWriter

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

def load_records(trials_dir: Path, report: BuildReport, progress: Progress | None = None) -> list[Trial]:
    """Parse every record; a broken one is reported by file and reason and left out."""
    files = record_files([trials_dir]) if trials_dir.is_dir() else []
    trials = []
    for i, path in enumerate(files, 1):
        try:
            trials.append(parse_file(path))
        except ParseError as e:
            report.errors.append(f"error: {e}")
        if progress:
            progress("load", i, len(files))
    return trials


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


def summarise_all(trials: list[Trial], report: BuildReport) -> tuple[list[Trial], dict[str, object]]:
    """Plain summaries; a trial whose summary cannot be made is reported and left out."""
    try:
        from ssg.plain import summarise
    except ImportError:
        report.warnings.append("warning: ssg.plain is not available; trial pages have no plain summary")
        return trials, {}
    kept, summaries = [], {}
    for t in trials:
        try:
            summaries[t.nct_id] = summarise(t)
            kept.append(t)
        except Exception as e:  # noqa: BLE001 - one bad trial must not stop the site
            where = ", ".join(s.path for s in t.sources) or t.nct_id
            report.errors.append(f"error: [enrich] {where}: plain summary failed: {type(e).__name__}: {e}")
            continue
        grade = getattr(summaries[t.nct_id], "grade", None)
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


def run_producer(name: str, produce: Callable, site: Site, renderer) -> Iterator[OutputFile]:
    """A producer's files; a template mistake becomes a BuildError naming the template and line."""
    import jinja2

    try:
        yield from produce(site, renderer)
    except jinja2.TemplateError as e:
        place = getattr(e, "filename", None) and f"{e.filename}:{e.lineno}" or _template_place(e)
        raise BuildError("render", f"{name}: {type(e).__name__}: {e}", place or None) from e


def producers(report: BuildReport) -> list[tuple[str, Callable]]:
    """The page producers that exist; a missing module is skipped with a warning (work in progress)."""
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
        found.append((name, module.pages))
    return found


def _counted(files: Iterable[OutputFile], progress: Progress | None, report: BuildReport) -> Iterator[OutputFile]:
    for f in files:
        report.pages += 1
        if progress:
            progress("render", report.pages, None)
        yield f


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
) -> BuildReport:
    from ssg.render import Renderer  # imported here so that `ssg parse` never needs Jinja

    content = Path(content_dir)
    templates = Path(templates_dir or TEMPLATES_DIR)
    static = Path(static_dir or STATIC_DIR)
    report = BuildReport()
    try:
        config: SiteConfig = load_config(content / "site.toml", base_url=base_url)
        date = build_date()
        writer = SiteWriter(out_dir, protected=(content, templates, static, PROJECT_ROOT / "ssg"))
    except (ConfigError, OutputDirRefused) as e:
        report.errors.append(f"error: {e}")
        report.exit_code = 2
        return report
    report.out_dir = writer.out

    trials = load_records(content / "trials", report, progress)  # load
    pages = load_pages(content / "pages", report)
    if strict and report.errors:
        report.errors.append("error: --strict: nothing written because some records failed")
        report.exit_code = 1
        return report
    try:
        trials = merge(trials)  # merge
        trials, summaries = summarise_all(trials, report)  # enrich
        site: Site = assemble(config, trials, summaries, pages)
        check_output_paths(site)
        if strict and report.errors:
            raise BuildError("enrich", "--strict: nothing written because some trials failed")
        report.trials = len(site.entries)
        renderer = Renderer(site, templates, build_date=date)
        with writer:  # render + write: pages stream to disk; an error discards the new folder
            for name, produce in producers(report):
                writer.write_all(_counted(run_producer(name, produce, site, renderer), progress, report))
            report.assets = writer.copy_tree(static, "assets")
        report.written = True
    except (BuildError, ParseError, OutputDirRefused) as e:
        report.errors.append(f"error: {e}")
        report.exit_code = 2 if isinstance(e, OutputDirRefused) else 1
        return report
    report.exit_code = 1 if report.errors else 0
    return report
