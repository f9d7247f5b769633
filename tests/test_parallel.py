"""Parallel builds: the same bytes whatever the job count; errors in workers reported as in-process."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT
from ssg import parallel
from ssg.build import build_site
from ssg.cache import BuildCache

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="needs the fork start method")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def always_fork(monkeypatch):
    """The sample site is small: make every phase use the pool anyway."""
    monkeypatch.setattr(parallel, "MIN_TASKS", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_ordered_map_keeps_input_order_across_processes():
    parallel_out = list(parallel.ordered_map(_square_shared, range(200), jobs=3, chunksize=7, state={"k": 3}))
    assert parallel_out == [3 * i * i for i in range(200)]
    assert parallel.shared == {}  # nothing left behind for the next map


def _square_shared(i: int) -> int:
    return parallel.shared["k"] * i * i


def test_job_count():
    assert parallel.job_count(3) == 3
    assert parallel.job_count(None) >= 1
    assert parallel.job_count(0) == 1


def test_output_is_byte_identical_whatever_the_job_count(tmp_path):
    trees = {}
    for jobs in (1, 2, 3):
        out = tmp_path / f"site{jobs}"
        report = build_site(CONTENT, out, jobs=jobs, base_url="https://example.org/repo/")
        assert report.written and report.trials > 1, report.errors
        trees[jobs] = tree(out)
    assert sorted(trees[1]) == sorted(trees[2]) == sorted(trees[3])
    for jobs in (2, 3):
        assert [p for p in trees[1] if trees[1][p] != trees[jobs][p]] == []


def test_parallel_incremental_equals_serial_clean(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    cache = BuildCache(tmp_path / "cache")
    assert build_site(content, tmp_path / "inc", jobs=2, cache=cache).written
    record = sorted((content / "trials").iterdir())[0]
    record.write_bytes(record.read_bytes().replace(b"Study", b"Trial", 1))
    report = build_site(content, tmp_path / "inc", jobs=2, cache=cache)
    assert report.written and report.reused > 0 and report.rendered > 0
    assert build_site(content, tmp_path / "clean", jobs=1).written
    inc, clean = tree(tmp_path / "inc"), tree(tmp_path / "clean")
    assert sorted(inc) == sorted(clean)
    assert [p for p in clean if inc[p] != clean[p]] == []


def test_errors_in_workers_are_reported_like_in_process(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "trials" / "zz-broken.json").write_text('{"protocolSection": {')
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out = tmp_path / "site"
    report = build_site(content, out, jobs=2, templates_dir=templates)
    assert report.exit_code == 1 and len(report.errors) == 1 and "zz-broken.json" in report.errors[0]
    handout = templates / "handout.html"
    handout.write_text(handout.read_text().replace("{% block content %}", "{% block content %}{{ no_such_name }}", 1))
    before = tree(out)
    report = build_site(content, out, jobs=2, templates_dir=templates)
    assert report.exit_code == 1 and not report.written
    assert any("no_such_name" in e and "handout.html" in e for e in report.errors), report.errors
    assert tree(out) == before


def test_a_failed_render_stops_its_workers_before_the_new_folder_is_removed(tmp_path, monkeypatch):
    """Workers still writing into the folder being removed made the removal fail (a CI run), and a
    pool left running kept this process's garbage collector off."""
    import gc
    import multiprocessing

    from ssg.write import SiteWriter

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    handout = templates / "handout.html"
    handout.write_text(handout.read_text().replace("{% block content %}", "{% block content %}{{ no_such_name }}", 1))
    alive_at_abort = []
    abort = SiteWriter.abort

    def watched_abort(self):
        alive_at_abort.append(multiprocessing.active_children())
        abort(self)

    monkeypatch.setattr(SiteWriter, "abort", watched_abort)
    report = build_site(CONTENT, tmp_path / "site", jobs=2, templates_dir=templates)
    assert report.exit_code == 1 and alive_at_abort == [[]]
    assert gc.isenabled()


def _a_record(i: int) -> dict:
    return {"id": i, "names": [f"name {i}"]}


def test_what_a_map_hands_back_is_out_of_the_collectors_reach():
    """Results arrive with the collector off; they are frozen before it is back on, else its first
    runs walk every object received (over a second for 10,000 parsed trials)."""
    import gc

    results = list(parallel.ordered_map(_a_record, range(50), jobs=2, chunksize=5))
    assert gc.isenabled()
    walked = {id(o) for o in gc.get_objects()}  # generations 0-2; not the frozen ones
    assert results and not any(id(r) in walked or id(r["names"]) in walked for r in results)


def test_a_finished_build_leaves_no_worker_and_the_collector_on(tmp_path):
    import gc
    import multiprocessing

    report = build_site(CONTENT, tmp_path / "site", jobs=2)
    assert report.exit_code == 0 and multiprocessing.active_children() == [] and gc.isenabled()


def test_workers_store_what_they_make_in_the_cache(tmp_path):
    """Parsed records, summaries and pages made in worker processes land in the cache: a new
    process (a fresh BuildCache on the same folder) rebuilds without parsing or rendering anything."""
    from bench.corpus import generate

    content = tmp_path / "content"
    generate(40, content / "trials")
    shutil.copy(CONTENT / "site.toml", content / "site.toml")
    first = build_site(content, tmp_path / "site", jobs=2, cache=BuildCache(tmp_path / "cache"))
    assert first.written and first.trials == 40 and first.rendered > 2 * 40, first.errors
    again = BuildCache(tmp_path / "cache")
    report = build_site(content, tmp_path / "site", jobs=2, cache=again)
    assert report.written and report.rendered == 0 and report.reused == first.rendered
    assert again.misses == 0  # every record and summary came from what the workers stored


def _pid_and(value):
    return os.getpid(), value


def _fails():
    raise ValueError("broken in the child")


def test_in_background_runs_in_a_child_and_hands_back_its_value():
    pending = parallel.in_background(_pid_and, {"a": [1, 2]}, jobs=2)
    pid, value = pending.result()
    assert pid != os.getpid() and value == {"a": [1, 2]}
    assert pending.result() == (pid, value)  # asked again: the same value, the child already reaped
    pid, _ = parallel.in_background(_pid_and, 1, jobs=1).result()
    assert pid == os.getpid()  # one job: here and now


def test_in_background_result_does_not_wait_for_the_child_to_exit(monkeypatch):
    """The value is in hand once the child closes the pipe; its exit (tearing down a copy of a
    big site) is collected later, without waiting."""
    calls = []
    waitpid = os.waitpid
    monkeypatch.setattr(os, "waitpid", lambda pid, flags: calls.append(flags) or waitpid(pid, flags))
    pending = parallel.in_background(_pid_and, 1, jobs=2)
    pid, _ = pending.result()
    assert all(flags & os.WNOHANG for flags in calls)
    monkeypatch.undo()
    try:
        os.waitpid(pid, 0)  # ours to collect, unless reap() found it ended
    except ChildProcessError:
        pass
    parallel.reap()
    assert parallel._exiting == []


def test_in_background_raises_the_childs_error_here():
    pending = parallel.in_background(_fails, jobs=2)
    with pytest.raises(ValueError, match="broken in the child"):
        pending.result()


def test_in_background_can_be_cancelled():
    pending = parallel.in_background(time.sleep, 30, jobs=2)
    pid = pending.pid
    pending.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped already


def test_search_shards_made_in_the_background_reach_the_parents_cache(tmp_path):
    """The search index is made in a child; the shards it made must be remembered here, so a
    serve session's next build (memory-only cache) reuses them instead of making them all again."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    cache = BuildCache(None)
    assert build_site(content, tmp_path / "site", jobs=2, cache=cache).written
    shards = dict(cache.memory.get("search-shard", {}))
    assert shards, "no index shard came back from the background child"
    record = sorted((content / "trials").iterdir())[0]
    record.write_bytes(record.read_bytes().replace(b"Study", b"Trial", 1))
    assert build_site(content, tmp_path / "site", jobs=2, cache=cache).written
    kept = cache.memory["search-shard"]
    assert any(k in kept for k in shards)  # shards the edit did not touch are still in use
    assert build_site(content, tmp_path / "clean", jobs=1).written
    assert tree(tmp_path / "site") == tree(tmp_path / "clean")


def test_a_session_makes_search_facts_only_for_changed_trials(tmp_path):
    """In a serve session the search facts of unchanged trials come from memory; only a changed
    trial's are made again, and the site still equals a clean build."""
    from ssg import build
    from ssg.search import FACTS

    def facts() -> dict:
        return {nct: rec[FACTS] for nct, rec in build._session_search_memo().trials.items()}

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    cache = BuildCache(None, session=True)
    assert build_site(content, tmp_path / "site", jobs=2, cache=cache).written
    before = facts()
    assert len(before) >= 10
    record = sorted((content / "trials").iterdir())[0]
    record.write_bytes(record.read_bytes().replace(b"Study", b"Trial", 1))
    assert build_site(content, tmp_path / "site", jobs=2, cache=cache).written
    after = facts()
    assert after.keys() == before.keys()
    remade = [nct for nct in after if after[nct] is not before[nct]]
    assert len(remade) == 1, remade
    assert build_site(content, tmp_path / "clean", jobs=1).written
    assert tree(tmp_path / "site") == tree(tmp_path / "clean")
