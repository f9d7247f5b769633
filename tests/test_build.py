"""build_site end to end on small sites declared in the tests themselves."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT
import ssg.render
from ssg.build import build_date, build_site
from ssg.cli import main
from ssg.write import MARKER

SITE_TOML = 'title = "Test trials"\nbase_url = "https://example.org/repo/"\n'


def record(nct: str, title: str, status="RECRUITING", conditions=("Asthma",), sponsor="ACME RESEARCH INSTITUTE") -> str:
    return json.dumps({"protocolSection": {
        "identificationModule": {"nctId": nct, "briefTitle": title},
        "statusModule": {"overallStatus": status},
        "conditionsModule": {"conditions": list(conditions)},
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": sponsor}},
    }})


def make_content(root: Path, files: dict[str, str]) -> Path:
    """A content folder from {relative path: text}; site.toml is added unless given."""
    content = root / "content"
    for rel, text in {"site.toml": SITE_TOML, **files}.items():
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(text, encoding="utf-8")
    return content


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def no_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


GOOD = {
    "trials/a.json": record("NCT00000001", "First study", conditions=("Solid Tumors",)),
    "trials/b.json": record("NCT00000002", "Second study", status="COMPLETED", conditions=("Solid Tumor",)),
}


def test_small_site_builds(tmp_path):
    out = tmp_path / "site"
    report = build_site(make_content(tmp_path, GOOD), out)
    assert report.exit_code == 0, report.errors
    assert report.errors == [] and report.trials == 2
    files = tree(out)
    for path in ("index.html", "trials/NCT00000001/index.html", "trials/NCT00000002/index.html",
                 "conditions/index.html", "conditions/solid-tumor/index.html", "sponsors/index.html",
                 "sponsors/acme-research-institute/index.html", "404.html", "sitemap.xml", "robots.txt",
                 ".nojekyll", MARKER, "assets/css/site.css"):
        assert path in files, path
    term_page = files["conditions/solid-tumor/index.html"].decode()
    assert term_page.index("First study") < term_page.index("Second study")  # recruiting first
    assert "Acme Research Institute" in files["sponsors/index.html"].decode()


def test_broken_record_is_isolated(tmp_path):
    content = make_content(tmp_path, {**GOOD, "trials/broken.json": '{"protocolSection": {'})
    out = tmp_path / "site"
    report = build_site(content, out)
    assert report.exit_code == 1
    assert len(report.errors) == 1 and "broken.json" in report.errors[0]
    assert (out / "trials/NCT00000001/index.html").is_file()
    assert (out / "trials/NCT00000002/index.html").is_file()


def test_strict_writes_nothing(tmp_path):
    content = make_content(tmp_path, {**GOOD, "trials/broken.txt": "not a trial at all"})
    out = tmp_path / "site"
    report = build_site(content, out, strict=True)
    assert report.exit_code == 1 and any("broken.txt" in e for e in report.errors)
    assert not out.exists()
    # ... and a previous site stays exactly as it was
    (content / "trials/broken.txt").unlink()
    assert build_site(content, out).exit_code == 0
    before = tree(out)
    (content / "trials/broken.txt").write_text("still not a trial")
    assert build_site(content, out, strict=True).exit_code == 1
    assert tree(out) == before


@pytest.mark.parametrize("pages", [
    {"pages/search.md": "# Search\n\nmine"},  # the site's own search page
    {"pages/About.md": "# About\n", "pages/about.md": "# About us\n"},  # two files, one slug
])
def test_two_sources_one_output_path_fail_before_rendering(tmp_path, monkeypatch, pages):
    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered before the clash was found")

    monkeypatch.setattr("ssg.render.Renderer.render", no_rendering)
    out = tmp_path / "site"
    report = build_site(make_content(tmp_path, {**GOOD, **pages}), out)
    assert report.exit_code == 1
    assert len(report.errors) == 1 and "two sources write one output path" in report.errors[0]
    assert "/index.html would be written by" in report.errors[0]
    assert not out.exists()


def test_duplicate_trial_ids_merge_into_one_page(tmp_path):
    content = make_content(tmp_path, {**GOOD, "trials/c.json": record("NCT00000001", "First study")})
    report = build_site(content, tmp_path / "site")
    assert report.exit_code == 0, report.errors
    assert report.trials == 2


def test_config_error_and_refused_output_exit_2(tmp_path, capsys):
    content = make_content(tmp_path, {**GOOD, "site.toml": 'titel = "x"\n'})
    report = build_site(content, tmp_path / "site")
    assert report.exit_code == 2 and "unknown key 'titel'" in report.errors[0]
    content = make_content(tmp_path, GOOD | {"site.toml": SITE_TOML})
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    assert main(["build", "--content", str(content), "--out", str(foreign)]) == 2
    assert "not made by ssg" in capsys.readouterr().err
    assert tree(foreign) == {"keep.txt": b"mine"}
    assert main(["build", "--content", str(content), "--out", str(content / "out")]) == 2
    assert not (content / "out").exists()


def test_cli_reports_file_and_reason(tmp_path, capsys):
    content = make_content(tmp_path, {**GOOD, "trials/empty.json": " "})
    assert main(["build", "--content", str(content), "--out", str(tmp_path / "site"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "empty.json" in err and "file is empty" in err


def test_source_date_epoch(monkeypatch):
    assert build_date() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_date() == "2023-11-14"


def test_build_date_reaches_the_renderer(tmp_path, monkeypatch):
    seen = []
    original = ssg.render.Renderer.__init__

    def spy(self, site, templates_dir=None, *, build_date=None):
        seen.append(build_date)
        original(self, site, templates_dir, build_date=build_date)

    monkeypatch.setattr(ssg.render.Renderer, "__init__", spy)
    content = make_content(tmp_path, GOOD)
    build_site(content, tmp_path / "a")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_site(content, tmp_path / "b")
    assert seen == [None, "2023-11-14"]


def _build_in_subprocess(out: Path, hashseed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run([sys.executable, "-m", "ssg", "build", "--content", str(CONTENT), "--out", str(out), "--quiet"],
                   cwd=ROOT, env=env, check=True)


def test_two_builds_are_byte_identical(tmp_path):
    # Different hash seeds change set and dict-of-set order: output must not depend on them.
    _build_in_subprocess(tmp_path / "one", "1")
    _build_in_subprocess(tmp_path / "two", "2")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert sorted(one) == sorted(two)
    assert [p for p in one if one[p] != two[p]] == []


def test_unreadable_page_is_reported_and_the_rest_built(tmp_path):
    content = make_content(tmp_path, {**GOOD, "pages/about.md": "# About\n\nHello."})
    (content / "pages" / "bad.md").write_bytes(b"# Bad\n\xff\xfe")
    report = build_site(content, tmp_path / "site")
    assert report.exit_code == 1 and len(report.errors) == 1 and "bad.md" in report.errors[0]
    assert "Hello." in (tmp_path / "site/about/index.html").read_text()
    assert not (tmp_path / "site/bad").exists()


def test_template_error_names_the_template_and_keeps_the_old_site(tmp_path):
    import shutil

    content = make_content(tmp_path, GOOD)
    out = tmp_path / "site"
    assert build_site(content, out).exit_code == 0
    before = tree(out)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    trial = templates / "trial.html"
    trial.write_text(trial.read_text().replace("{% block content %}", "{% block content %}{{ no_such_name }}", 1))
    report = build_site(content, out, templates_dir=templates)
    assert report.exit_code == 1 and len(report.errors) == 1
    assert "no_such_name" in report.errors[0] and "trial.html" in report.errors[0]
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site", "templates"]


def test_build_date_is_shown_only_with_source_date_epoch(tmp_path, monkeypatch):
    content = make_content(tmp_path, GOOD)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build_site(content, tmp_path / "a", jobs=1)
    assert "Site updated" not in (tmp_path / "a" / "index.html").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_site(content, tmp_path / "b", jobs=1)
    assert '<time datetime="2023-11-14">14 November 2023</time>' in (tmp_path / "b" / "index.html").read_text()


def test_record_listing_kept_between_builds_sees_every_added_or_removed_record(tmp_path, monkeypatch):
    """ssg serve lists the same folder build after build: an unchanged folder is not listed
    again, but a record added (in a subfolder too) or removed shows at once."""
    from ssg import sources

    trials = tmp_path / "trials"
    (trials / "sub").mkdir(parents=True)
    for name in ("a.json", "b.xml", "sub/c.json"):
        (trials / name).write_text("{}")
    old = 1_000_000_000_000_000_000  # 2001: the folders are not just-changed (see sources.RACY_NS)
    for folder in (trials, trials / "sub"):
        os.utime(folder, ns=(old, old))
    first = sources.record_files([trials])
    scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda *a: pytest.fail("an unchanged folder was listed again"))
    assert sources.record_files([trials]) == first
    monkeypatch.setattr(os, "scandir", scandir)
    (trials / "sub" / "d.json").write_text("{}")
    assert sources.record_files([trials]) == first + [trials / "sub" / "d.json"]
    (trials / "a.json").unlink()
    assert sources.record_files([trials]) == first[1:] + [trials / "sub" / "d.json"]
