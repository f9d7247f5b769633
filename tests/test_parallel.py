"""Parallel builds: the same bytes whatever the job count; errors in workers reported as in-process."""

from __future__ import annotations

import shutil
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
