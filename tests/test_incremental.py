"""Incremental builds: after any change, a build from the cache is byte-identical to a clean build,
and only the pages whose inputs changed are rendered again."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from ssg.build import build_site
from ssg.cache import BuildCache
from ssg.cli import main

SITE_TOML = 'title = "Test trials"\nbase_url = "https://example.org/repo/"\n'


def record(nct: str, title: str, status="RECRUITING", conditions=("Asthma",), sponsor="Acme Research") -> str:
    protocol = {
        "identificationModule": {"nctId": nct, "briefTitle": title},
        "statusModule": {"overallStatus": status},
        "conditionsModule": {"conditions": list(conditions)},
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": sponsor}},
        "descriptionModule": {"briefSummary": f"This study looks at {title.lower()}."},
    }
    return json.dumps({"protocolSection": protocol})


RECORDS = {
    "trials/a.json": record("NCT00000001", "First study", conditions=("Asthma", "Eczema")),
    "trials/b.json": record("NCT00000002", "Second study", status="COMPLETED"),
    "trials/c.json": record("NCT00000003", "Third study", conditions=("Eczema",), sponsor="Beta Health"),
    "trials/d.json": record("NCT00000004", "Fourth study", conditions=("Gout",), sponsor="Beta Health"),
    "pages/about.md": "# About\n\nWho we are.\n",
}


def write(content: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(text, encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None), by relative path: a stale empty folder counts."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(autouse=True)
def no_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture
def project(tmp_path):
    content = tmp_path / "content"
    write(content, {"site.toml": SITE_TOML, **RECORDS})
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    return content, templates


def assert_same_as_clean(tmp_path: Path, content: Path, templates: Path, out: Path) -> None:
    clean = tmp_path / "clean"
    if clean.exists():
        shutil.rmtree(clean)
    report = build_site(content, clean, templates_dir=templates, jobs=1)
    assert report.exit_code == 0, report.errors
    inc, ref = tree(out), tree(clean)
    assert sorted(inc) == sorted(ref)
    assert [p for p in ref if inc[p] != ref[p]] == []


def rebuild(content, out, templates, cache):
    report = build_site(content, out, templates_dir=templates, cache=cache, jobs=1)
    assert report.exit_code == 0, report.errors
    return report


# Each change: (what to do to the project, pages that must be rendered again at least, at most).
def change_title(content, templates):
    write(content, {"trials/c.json": record("NCT00000003", "Third study renamed", conditions=("Eczema",),
                                            sponsor="Beta Health")})


def change_status(content, templates):
    write(content, {"trials/b.json": record("NCT00000002", "Second study", status="RECRUITING")})


def delete_record(content, templates):
    (content / "trials/d.json").unlink()


def add_record(content, templates):
    write(content, {"trials/e.json": record("NCT00000005", "Fifth study", conditions=("Gout", "Asthma"))})


def change_template(content, templates):
    t = templates / "handout.html"
    t.write_text(t.read_text().replace("{% block content %}", "{% block content %}<!-- v2 -->", 1))


def change_base_template(content, templates):
    t = templates / "base.html"
    t.write_text(t.read_text().replace("</footer>", "<!-- v2 --></footer>", 1))


def change_config(content, templates):
    write(content, {"site.toml": SITE_TOML.replace("Test trials", "Trials near you")})


def change_page(content, templates):
    write(content, {"pages/privacy.md": "# Privacy\n\nNo cookies.\n"})


@pytest.mark.parametrize("change, rendered", [
    (change_title, {"trials/NCT00000003/index.html", "trials/NCT00000003/handout/index.html",
                    "conditions/eczema/index.html", "sponsors/beta-health/index.html"}),
    (change_status, {"trials/NCT00000002/index.html", "trials/NCT00000002/handout/index.html",
                     "conditions/asthma/index.html", "sponsors/acme-research/index.html"}),
    # d was Gout's only trial (its page goes); c shares d's sponsor, whose member list changed
    (delete_record, {"sponsors/beta-health/index.html", "trials/NCT00000003/index.html"}),
    (add_record, {"trials/NCT00000005/index.html", "trials/NCT00000005/handout/index.html",
                  "conditions/gout/index.html", "conditions/asthma/index.html", "sponsors/acme-research/index.html",
                  # their trial pages link the conditions, whose member lists changed
                  "trials/NCT00000001/index.html", "trials/NCT00000002/index.html", "trials/NCT00000004/index.html"}),
    (change_template, {f"trials/NCT0000000{n}/handout/index.html" for n in range(1, 5)}),
    (change_base_template, "all"),
    (change_config, "all"),
    (change_page, "all"),
])
def test_rebuild_after_a_change_equals_a_clean_build(tmp_path, project, change, rendered, monkeypatch):
    content, templates = project
    out = tmp_path / "site"
    cache = BuildCache(tmp_path / "cache")
    first = rebuild(content, out, templates, cache)
    assert first.reused == 0 and first.rendered > 0
    # Record what the second build renders.
    import ssg.build

    seen: list[str] = []
    real = ssg.build._render_item

    def spy(task):
        item, _dest = task
        seen.append(item.path)
        return real(task)

    monkeypatch.setattr(ssg.build, "_render_item", spy)
    change(content, templates)
    report = rebuild(content, out, templates, BuildCache(tmp_path / "cache"))  # a new process's view
    if rendered == "all":
        assert report.reused == 0
    else:
        assert set(seen) == rendered
    assert report.rendered == len(seen)
    assert_same_as_clean(tmp_path, content, templates, out)


def test_nothing_changed_renders_no_item_page(tmp_path, project):
    content, templates = project
    out = tmp_path / "site"
    cache = BuildCache(tmp_path / "cache")
    first = rebuild(content, out, templates, cache)
    again = rebuild(content, out, templates, cache)
    assert again.rendered == 0 and again.reused == first.rendered
    assert_same_as_clean(tmp_path, content, templates, out)


@pytest.mark.parametrize("jobs", [1, 2])
def test_records_are_hashed_once_and_a_touched_record_is_not_parsed_again(tmp_path, project, monkeypatch, jobs):
    """A first build makes each record's key where it parses it (in a worker) and the cache keeps
    the digest; a record whose file times change but whose bytes do not (a fresh checkout) is
    read again but its parse and summary come from the cache."""
    import ssg.build
    import ssg.cache

    content, templates = project
    write(content, {f"trials/x{n:02}.json": record(f"NCT000001{n:02}", f"Study {n}") for n in range(20)})
    past = os.stat(content).st_mtime_ns - 60_000_000_000  # not just written: digests are trusted
    for f in (content / "trials").iterdir():
        os.utime(f, ns=(past, past))
    out = tmp_path / "site"
    cache = BuildCache(tmp_path / "cache")
    build_site(content, out, templates_dir=templates, cache=cache, jobs=jobs)
    hashed = []
    monkeypatch.setattr(ssg.cache, "hash_file", lambda path: hashed.append(path) or real_hash(path))
    real_hash = ssg.build.hash_file
    monkeypatch.setattr(ssg.build, "hash_file", ssg.cache.hash_file)
    parsed = []
    real_parse = ssg.build.parse_file
    monkeypatch.setattr(ssg.build, "parse_file", lambda path, data=None: parsed.append(path) or real_parse(path, data))
    again = BuildCache(tmp_path / "cache")  # a new process: only what is on disk
    rebuild(content, out, templates, again)
    assert hashed == [] and parsed == []
    touched = content / "trials/c.json"
    os.utime(touched, ns=(past, past + 5_000_000_000))
    report = rebuild(content, out, templates, BuildCache(tmp_path / "cache"))
    assert hashed == [str(touched.resolve())] and parsed == []
    assert report.rendered == 0
    assert_same_as_clean(tmp_path, content, templates, out)


def test_a_first_build_reads_each_record_once_and_looks_for_no_stored_parse(tmp_path, project, monkeypatch):
    """With an empty cache the worker hashes and parses the same bytes (one read), and does not
    look in the cache for a parse it cannot hold; the next build (a fresh checkout's times) does."""
    import ssg.cache
    import ssg.sources

    content, templates = project
    reads, looks = [], []
    real_read, real_load = ssg.sources._read, ssg.cache.BuildCache.load
    monkeypatch.setattr(ssg.sources, "_read", lambda path: reads.append(path) or real_read(path))
    monkeypatch.setattr(ssg.cache.BuildCache, "load", lambda self, ns, key: looks.append(ns) or real_load(self, ns, key))
    out = tmp_path / "site"
    build_site(content, out, templates_dir=templates, cache=BuildCache(tmp_path / "cache"), jobs=1)
    assert reads == [] and looks == []
    for f in (content / "trials").iterdir():
        os.utime(f, ns=(1, 1))  # new times, same bytes: hashed again, and its parse looked for
    report = build_site(content, out, templates_dir=templates, cache=BuildCache(tmp_path / "cache"), jobs=1)
    assert reads == [] and looks.count("record") == 4 and report.rendered == 0
    assert_same_as_clean(tmp_path, content, templates, out)


def test_an_entry_cut_short_is_a_miss_and_the_next_store_replaces_it(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    cache.store("record", "ab" * 32, {"value": 1})
    path = Path(cache._object_path("record", "ab" * 32))
    assert BuildCache(tmp_path / "cache").get("record", "ab" * 32) == {"value": 1}
    path.write_bytes(path.read_bytes()[:-1])  # a crash mid-write
    again = BuildCache(tmp_path / "cache")
    assert again.get("record", "ab" * 32) is None
    again.store("record", "ab" * 32, {"value": 2})
    assert BuildCache(tmp_path / "cache").get("record", "ab" * 32) == {"value": 2}
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary file left


def test_page_changed_in_place_in_the_site_is_not_reused(tmp_path, project):
    """Site files are hard links to cache blobs: one edited in place must not poison the cache."""
    content, templates = project
    out = tmp_path / "site"
    rebuild(content, out, templates, BuildCache(tmp_path / "cache"))
    page = out / "trials/NCT00000001/index.html"
    with open(page, "r+b") as f:  # in place, keeping the inode
        f.write(b"XX")
    report = rebuild(content, out, templates, BuildCache(tmp_path / "cache"))
    assert report.rendered >= 1
    assert_same_as_clean(tmp_path, content, templates, out)


def test_damaged_cache_is_only_slower(tmp_path, project):
    content, templates = project
    out = tmp_path / "site"
    rebuild(content, out, templates, BuildCache(tmp_path / "cache"))
    for f in (tmp_path / "cache").rglob("*"):
        # Every cached object and index damaged; CACHEDIR.TAG (ownership, not content) left as it is.
        if f.is_file() and f.parent.parent.name != "pages" and f.name != "CACHEDIR.TAG":
            f.write_bytes(b"not a pickle")
    rebuild(content, out, templates, BuildCache(tmp_path / "cache"))
    assert_same_as_clean(tmp_path, content, templates, out)


def test_broken_record_stays_reported_on_rebuild(tmp_path, project):
    content, templates = project
    write(content, {"trials/broken.json": '{"protocolSection": {'})
    out = tmp_path / "site"
    cache = BuildCache(tmp_path / "cache")
    for _ in range(2):
        report = build_site(content, out, templates_dir=templates, cache=cache, jobs=1)
        assert report.exit_code == 1 and len(report.errors) == 1 and "broken.json" in report.errors[0]


def test_cli_uses_cache_beside_content_and_no_cache_leaves_none(tmp_path, project, capsys):
    content, _ = project
    assert main(["build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-cache", "-j", "1"]) == 0
    assert not (tmp_path / ".ssg-cache").exists()
    assert main(["build", "--content", str(content), "--out", str(tmp_path / "site"), "-j", "1"]) == 0
    assert (tmp_path / ".ssg-cache" / "CACHEDIR.TAG").is_file()
    capsys.readouterr()
    assert main(["build", "--content", str(content), "--out", str(tmp_path / "site"), "-j", "1"]) == 0
    assert "unchanged pages reused" in capsys.readouterr().err


@pytest.mark.parametrize("one_process", [False, True], ids=["new-process-each-build", "serve-keeps-the-cache"])
def test_unused_entries_are_pruned(tmp_path, project, one_process):
    """Entries a build stopped using are deleted: by a scan in a new process, and by what it
    remembers in a process that builds again (ssg serve)."""
    content, templates = project
    out = tmp_path / "site"
    kept = BuildCache(tmp_path / "cache")
    rebuild(content, out, templates, kept)

    def count(folder):
        return len([p for p in (tmp_path / "cache" / folder).rglob("*") if p.is_file()])

    pages, objects = count("pages"), count("objects")
    for _ in range(3):
        change_title(content, templates)
        write(content, {"trials/c.json": (content / "trials/c.json").read_text().replace("renamed", "renamed again")})
        rebuild(content, out, templates, kept if one_process else BuildCache(tmp_path / "cache"))
    assert (count("pages"), count("objects")) == (pages, objects)
    assert_same_as_clean(tmp_path, content, templates, out)


def test_foreign_cache_folder_is_refused_and_left_intact(tmp_path, project):
    # Pruning deletes unused entries, so a folder ssg did not make must never be used as a cache.
    content, templates = project
    foreign = tmp_path / "mine"
    (foreign / "pages" / "ab").mkdir(parents=True)
    (foreign / "pages" / "ab" / "notes.txt").write_text("keep me")
    report = build_site(content, tmp_path / "site", templates_dir=templates, cache=BuildCache(foreign), jobs=1)
    assert report.exit_code == 2
    assert "not an ssg build cache" in report.errors[0]
    assert (foreign / "pages" / "ab" / "notes.txt").read_text() == "keep me"
    assert not (tmp_path / "site").exists()


def test_new_cache_folder_is_claimed_before_anything_is_written(tmp_path, project):
    content, templates = project
    cache_dir = tmp_path / "cache"
    report = build_site(content, tmp_path / "site", templates_dir=templates, cache=BuildCache(cache_dir), jobs=1)
    assert report.exit_code == 0
    assert (cache_dir / "CACHEDIR.TAG").read_bytes().startswith(b"Signature: 8a477f597d28d172789f06886806bc55")
    again = build_site(content, tmp_path / "site", templates_dir=templates, cache=BuildCache(cache_dir), jobs=1)
    assert again.exit_code == 0


def test_a_run_of_rebuilds_recycles_the_replaced_site_and_stays_exact(tmp_path, project):
    """Each build starts from the site the build before the last one made (kept in the cache as
    the spare): after every change, added and removed trials included, the site equals a clean build."""
    content, templates = project
    out, cache_dir = tmp_path / "site", tmp_path / "cache"
    steps = [
        lambda: None,
        lambda: write(content, {"trials/a.json": RECORDS["trials/a.json"].replace("First study", "First study, again")}),
        lambda: (content / "trials" / "d.json").unlink(),  # a trial goes: its folders must go too
        lambda: write(content, {"trials/e.json": record("NCT00000005", "Fifth study", conditions=("Gout",))}),
        lambda: write(content, {"trials/a.json": RECORDS["trials/a.json"]}),
        lambda: (content / "pages" / "about.md").unlink(),
    ]
    sites = []
    for step in steps:
        step()
        rebuild(content, out, templates, BuildCache(cache_dir))
        assert_same_as_clean(tmp_path, content, templates, out)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "clean", "content", "site", "templates"]
        sites.append(tree(out))
    assert tree(cache_dir / "spare-site") == sites[-2]  # the replaced site, kept whole for the next build


def test_recycled_pages_are_never_written_through(tmp_path, project):
    """A page in the spare is a hard link to a cached page: a changed page must replace the link,
    not write into it, or the cache (and the live site) would change under the build."""
    content, templates = project
    out, cache_dir = tmp_path / "site", tmp_path / "cache"
    for _ in range(2):
        rebuild(content, out, templates, BuildCache(cache_dir))
    page = "trials/NCT00000001/index.html"
    before_live = (out / page).read_bytes()
    spare_copy = (cache_dir / "spare-site" / page).read_bytes()
    write(content, {"trials/a.json": RECORDS["trials/a.json"].replace("First study", "Changed study")})
    rebuild(content, out, templates, BuildCache(cache_dir))  # recycles the spare
    assert b"Changed study" in (out / page).read_bytes()
    # The site just replaced (now the spare) still holds the old page: nothing wrote through a link.
    assert (cache_dir / "spare-site" / page).read_bytes() == before_live == spare_copy


def change_condition(content, templates):
    write(content, {"trials/a.json": record("NCT00000001", "First study", conditions=("Asthma", "Hay fever"))})


def change_sponsor(content, templates):
    write(content, {"trials/b.json": record("NCT00000002", "Second study", status="COMPLETED", sponsor="Gamma Labs")})


SESSION_CHANGES = [change_title, change_status, change_condition, change_sponsor, delete_record, add_record,
                   change_template, change_config]


@pytest.mark.parametrize("jobs, folder", [(1, False), (2, False), (1, True)])
def test_a_session_stays_exact_through_every_kind_of_change(tmp_path, project, jobs, folder):
    """ssg serve keeps the site model's pieces in memory between builds (taxonomies, search index
    pieces, keys, planned pages): after each change in turn the site must still equal a clean
    build. With a cache folder, a page whose planned key is stale would be kept from the cache."""
    content, templates = project
    out = tmp_path / "site"
    cache = BuildCache(tmp_path / "cache" if folder else None, session=True)
    build_site(content, out, templates_dir=templates, cache=cache, jobs=jobs)
    for change in SESSION_CHANGES:
        change(content, templates)
        report = build_site(content, out, templates_dir=templates, cache=cache, jobs=jobs)
        assert report.exit_code == 0, (change.__name__, report.errors)
        assert_same_as_clean(tmp_path, content, templates, out)


def test_a_session_with_a_cache_folder_keeps_files_in_place_and_stays_exact(tmp_path, project, monkeypatch):
    """With a cache folder, a session keeps the files it wrote whole (search files, site-wide
    pages) in the recycled site when their bytes are the same: after each change the site still
    equals a clean build, and a file edited by hand in the live site is never kept."""
    import ssg.write

    monkeypatch.setattr(ssg.write, "RACY_NS", 0)  # the hand edit below moves its mtime on itself
    content, templates = project
    out = tmp_path / "site"
    cache = BuildCache(tmp_path / "cache", session=True)
    rebuild(content, out, templates, cache)
    edited = out / "search" / "manifest.json"  # unchanged by the edits below: a candidate to keep
    edited.write_bytes(edited.read_bytes().replace(b'"version"', b'"vErsion"'))
    st = edited.stat()
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    kept = out / "search" / "summary" / "0.json"
    os.link(kept, tmp_path / "witness")  # holds the inode: a file written again gets another
    for change in (change_status, change_template):  # the second recycles the first build's site
        change(content, templates)
        rebuild(content, out, templates, cache)
        assert_same_as_clean(tmp_path, content, templates, out)  # manifest.json: ssg's bytes again
    assert kept.samefile(tmp_path / "witness")  # the first build's file, still in place


def test_a_session_makes_again_only_the_search_pieces_a_change_touched(tmp_path, project, monkeypatch):
    """A title edit in a session makes again only the title shards its old and new words are in,
    from the last build's index (no index is built whole): the names index (conditions,
    sponsors, places...) and the summary index come from the session's memo."""
    from ssg.search.shards import Built

    content, templates = project
    out = tmp_path / "site"
    cache = BuildCache(None, session=True)
    rebuild(content, out, templates, cache)
    import ssg.build

    whole: list[str] = []
    shards: list[tuple[str, str]] = []
    children: list = []
    real_background = ssg.build.parallel.in_background
    monkeypatch.setattr(ssg.build.parallel, "in_background", lambda *a, **k: children.append(a) or real_background(*a, **k))
    real_make, real_shard = Built.make.__func__, Built._make_shard
    monkeypatch.setattr(Built, "make", classmethod(lambda cls, field, *a, **k: whole.append(field)
                                                    or real_make(cls, field, *a, **k)))
    monkeypatch.setattr(Built, "_make_shard", lambda self, k, *a: shards.append((self.field, k)) or real_shard(self, k, *a))
    write(content, {"trials/d.json": record("NCT00000004", "Fourth trial", conditions=("Gout",),
                                            sponsor="Beta Health")})
    write(content, {"trials/d.json": (content / "trials/d.json").read_text().replace(
        "This study looks at fourth trial.", "This study looks at fourth study.")})
    rebuild(content, out, templates, cache)
    assert whole == [] and shards == [("t", "")]  # a site this small has one shard per index
    assert children == []  # made in the building process: a few pieces do not pay for a fork
    assert_same_as_clean(tmp_path, content, templates, out)


def test_what_the_session_search_memo_assumes_of_the_search_files():
    """SearchMemo (ssg.search) makes text shards chunk by chunk and index documents one trial or
    one name at a time: that must give what the whole-site functions give. If the search files'
    layout changes, this fails before a serve session silently goes stale."""
    from ssg.search.documents import KINDS, SHARD, Facts, NameTable, text_shards
    from ssg.search.index import name_docs, summary_docs, trial_docs

    facts = [Facts(f"Study {i} of drug {i % 7}", f"S{i}" if i % 3 else "", f"It tests drug {i % 7}.",
                   {k: [f"{k} {i % 5}", f"{k} {i % 11}"] for k in KINDS}) for i in range(2 * SHARD + 7)]
    chunks = [text_shards(facts[s:s + SHARD])[0] for s in range(0, len(facts), SHARD)]
    assert chunks == text_shards(facts)
    assert [trial_docs([f])[0] for f in facts] == trial_docs(facts)
    assert [summary_docs([f])[0] for f in facts] == summary_docs(facts)
    tables = {k: NameTable.of(n for f in facts for n in f.names[k]) for k in KINDS}
    one_by_one = [name_docs({k: NameTable([n] if k == kind else [], {}) for k in KINDS})[0]
                  for kind in KINDS for n in tables[kind].names]
    assert one_by_one == name_docs(tables)


def test_get_many_is_get_of_each_key(tmp_path):
    """BuildCache.get_many (a serve rebuild's ~10,000 summary look-ups in one call): the values
    from memory or disk, None where there is none, each key noted as used by this build."""
    cache = BuildCache(tmp_path / "cache")
    cache.put("plain", "a", ("ok", 1))
    cache.put("plain", "b", ("ok", 2))
    again = BuildCache(tmp_path / "cache")  # a new process: "b" only on disk
    again.remember("plain", "a", ("ok", 1))
    assert again.get_many("plain", ["a", "b", "c"]) == [("ok", 1), ("ok", 2), None]
    assert again.used["plain"] == {"a", "b", "c"} and (again.hits, again.misses) == (2, 1)


@pytest.mark.parametrize("hard_links", [True, False])
def test_a_stored_page_is_the_page_just_written_and_a_later_one_replaces_it(tmp_path, monkeypatch, hard_links):
    """link_page keeps a hard link to the page (a copy where links fail), in a folder it makes,
    replacing what an earlier build stored under the same key; the signature it returns is the
    stored file's, as page() later checks."""
    cache = BuildCache(tmp_path / "cache")
    cache.check_owned()
    if not hard_links:
        def no_link(*args, **kwargs):
            raise OSError("no hard links on this file system")
        monkeypatch.setattr(os, "link", no_link)
    key = "ab" + "0" * 62
    for body in (b"first", b"second build"):
        written = tmp_path / "site.html"
        written.unlink(missing_ok=True)
        written.write_bytes(body)
        size, mtime, inode = cache.link_page(key, written)
        stored = Path(cache._page_path(key))
        st = stored.stat()
        assert stored.read_bytes() == body and (size, mtime, inode) == (st.st_size, st.st_mtime_ns, st.st_ino)
        assert (inode == written.stat().st_ino) == hard_links
    assert [p.name for p in stored.parent.iterdir()] == [key]  # no temporary file left behind
