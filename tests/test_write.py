"""ssg.write: atomic swap, the marker, and folders ssg refuses to touch."""

import os
from pathlib import Path

import pytest

from ssg.errors import BuildError, OutputDirRefused
from ssg.site.model import OutputFile
from ssg.write import MARKER, MARKER_TEXT, SiteWriter, Spare, check_output_dir, has_marker, write_claimed


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(out: Path, files: dict[str, bytes], **checks) -> None:
    with SiteWriter(out, **checks) as w:
        for path, data in files.items():
            w.write(OutputFile(path, data))


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def test_new_site_has_marker_and_files(tmp_path, cwd):
    out = tmp_path / "site"
    build(out, {"index.html": b"home", "trials/NCT00000001/index.html": b"t"})
    assert tree(out) == {MARKER: (out / MARKER).read_bytes(), "index.html": b"home", "trials/NCT00000001/index.html": b"t"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp or trash left


def test_rebuild_replaces_the_old_site_entirely(tmp_path, cwd):
    out = tmp_path / "site"
    build(out, {"index.html": b"v1", "old/page.html": b"gone soon"})
    build(out, {"index.html": b"v2"})
    assert set(tree(out)) == {MARKER, "index.html"}
    assert (out / "index.html").read_bytes() == b"v2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "work"]


def test_failed_build_leaves_previous_site_whole(tmp_path, cwd):
    out = tmp_path / "site"
    build(out, {"index.html": b"v1", "a/b.html": b"b"})
    before = tree(out)
    with pytest.raises(RuntimeError):
        with SiteWriter(out) as w:
            w.write(OutputFile("index.html", b"v2"))
            raise RuntimeError("template exploded")
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "work"]


def test_foreign_folder_refused_and_left_intact(tmp_path, cwd):
    out = tmp_path / "mydocs"
    out.mkdir()
    (out / "thesis.txt").write_bytes(b"years of work\x00\xff")
    (out / "sub").mkdir()
    (out / "sub" / "notes.md").write_bytes(b"notes")
    before = tree(out)
    with pytest.raises(OutputDirRefused, match="not made by ssg"):
        build(out, {"index.html": b"x"})
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mydocs", "work"]


def test_empty_folder_is_accepted(tmp_path, cwd):
    out = tmp_path / "site"
    out.mkdir()
    build(out, {"index.html": b"x"})
    assert (out / MARKER).is_file()


def test_folder_that_became_foreign_during_build_is_left_alone(tmp_path, cwd):
    out = tmp_path / "site"
    with pytest.raises(OutputDirRefused):
        with SiteWriter(out) as w:
            w.write(OutputFile("index.html", b"x"))
            out.mkdir()
            (out / "precious.txt").write_bytes(b"mine")
    assert tree(out) == {"precious.txt": b"mine"}


@pytest.mark.parametrize("where", ["project/content", "project/content/trials", "project", "."])
def test_sources_project_root_and_cwd_refused(tmp_path, cwd, where):
    project = tmp_path / "project"
    content = project / "content"
    (content / "trials").mkdir(parents=True)
    (content / "site.toml").write_text('title = "x"\n')
    (content / MARKER).write_bytes(b"")  # even a marker does not make the sources writable
    target = cwd if where == "." else tmp_path / where
    with pytest.raises(OutputDirRefused):
        check_output_dir(target, protected=[content])
    assert (content / "site.toml").read_text() == 'title = "x"\n'


def test_ancestor_of_cwd_refused(tmp_path, cwd):
    with pytest.raises(OutputDirRefused, match="current folder"):
        check_output_dir(cwd.parent)


def test_file_and_symlink_refused(tmp_path, cwd):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputDirRefused, match="not a folder"):
        check_output_dir(tmp_path / "file")
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "link")
    with pytest.raises(OutputDirRefused, match="symbolic link"):
        check_output_dir(tmp_path / "link")


def test_two_producers_one_path_is_an_error(tmp_path, cwd):
    out = tmp_path / "site"
    with pytest.raises(BuildError, match="two producers wrote index.html"):
        with SiteWriter(out) as w:
            w.write(OutputFile("index.html", b"a"))
            w.write(OutputFile("index.html", b"b"))
    assert not out.exists()


@pytest.mark.parametrize("bad", ["../escape.html", "/etc/passwd", "a/../../b", "", ".", MARKER, "a\\b"])
def test_paths_outside_the_site_refused(tmp_path, cwd, bad):
    with pytest.raises(BuildError, match="refusing output path"):
        build(tmp_path / "site", {bad: b"x"})
    assert not (tmp_path / "escape.html").exists()


def test_copy_tree_skips_hidden_files(tmp_path, cwd):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "site.css").write_bytes(b"body{}")
    (static / ".DS_Store").write_bytes(b"junk")
    out = tmp_path / "site"
    with SiteWriter(out) as w:
        assert w.copy_tree(static, "assets") == 1
    assert (out / "assets/css/site.css").read_bytes() == b"body{}"


def test_failed_swap_puts_the_old_site_back(tmp_path, cwd, monkeypatch):
    out = tmp_path / "site"
    build(out, {"index.html": b"v1"})
    real_rename = os.rename

    def failing_rename(src, dst):
        if ".tmp-" in str(src):
            raise OSError("disk trouble")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(OSError, match="disk trouble"):
        build(out, {"index.html": b"v2"})
    assert tree(out) == {MARKER: (out / MARKER).read_bytes(), "index.html": b"v1"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "work"]


def build_with_spare(out: Path, spare: Spare, files: dict[str, bytes]) -> SiteWriter:
    with SiteWriter(out, spare=spare) as w:
        for path, data in files.items():
            w.write(OutputFile(path, data))
    return w


def full_tree(folder: Path) -> dict[str, bytes | None]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


def test_spare_is_recycled_and_the_result_is_exactly_the_new_files(tmp_path, cwd):
    out, spare = tmp_path / "site", Spare(tmp_path / "cache" / "spare-site", {})
    versions = [
        {"index.html": b"v1", "a/index.html": b"a1", "gone/deep/x.html": b"x"},
        {"index.html": b"v2", "a/index.html": b"a1", "b/index.html": b"b"},
        {"index.html": b"v3", "gone/deep/x.html": b"back", "c": b"file where nothing was"},
        {"index.html": b"v4", "c/index.html": b"a folder where a file was"},  # recycles version 2's tree
        {"index.html": b"v5", "c": b"a file again", "a/index.html": b"a5"},
    ]
    for files in versions:
        w = build_with_spare(out, spare, files)
        expected = {MARKER: MARKER_TEXT, **files}
        got = {k: v for k, v in full_tree(out).items() if v is not None}
        assert got == expected
        folders = {k for k, v in full_tree(out).items() if v is None}
        assert folders == {f for path in files for f in (path.rsplit("/", i)[0] for i in range(1, path.count("/") + 1))}
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp or trash left
    assert w.old_files  # the last build started from a recycled tree
    assert has_marker(spare.folder)


def test_spare_with_unknown_files_is_deleted_not_recycled(tmp_path, cwd):
    out, spare = tmp_path / "site", Spare(tmp_path / "cache" / "spare-site", {})
    build_with_spare(out, spare, {"index.html": b"v1", "old.html": b"old"})
    build_with_spare(out, spare, {"index.html": b"v2"})
    spare.trees.clear()  # e.g. the cache's list was lost
    w = build_with_spare(out, spare, {"index.html": b"v3"})
    assert not w.old_files
    assert full_tree(out) == {MARKER: MARKER_TEXT, "index.html": b"v3"}


def test_failed_build_on_a_recycled_spare_leaves_the_live_site_whole(tmp_path, cwd):
    out, spare = tmp_path / "site", Spare(tmp_path / "cache" / "spare-site", {})
    build_with_spare(out, spare, {"index.html": b"v1"})
    build_with_spare(out, spare, {"index.html": b"v2", "a.html": b"a"})
    before = full_tree(out)
    with pytest.raises(RuntimeError):
        with SiteWriter(out, spare=spare) as w:
            w.write(OutputFile("index.html", b"v3"))
            raise RuntimeError("template exploded")
    assert full_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "site", "work"]


def test_a_session_keeps_unchanged_files_in_place_but_never_one_edited_by_hand(tmp_path, cwd, monkeypatch):
    """With Spare.contents (ssg serve), a recycled file that write() made with the same bytes stays
    as it is (same inode: not written again); a changed file, or one edited by hand while its tree
    was the live site (even to the same size), is written again."""
    import ssg.write

    monkeypatch.setattr(ssg.write, "RACY_NS", 0)  # the edit below sets its own, later, mtime
    out, spare = tmp_path / "site", Spare(tmp_path / "cache" / "spare-site", {}, {})
    v1 = {"same.json": b"unchanged", "changed.json": b"one", "edited.json": b"by ssg", "a/deep.json": b"deep"}
    build_with_spare(out, spare, v1)
    for p in ("same.json", "a/deep.json"):  # a second link keeps each inode taken: a new file gets another
        os.link(out / p, tmp_path / p.replace("/", "-"))
    edited = out / "edited.json"  # live now; becomes the spare, then the next-but-one build's start
    edited.write_bytes(b"by you")
    st = edited.stat()
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # a hand edit, a moment later
    build_with_spare(out, spare, {**v1, "changed.json": b"two"})
    w = build_with_spare(out, spare, {**v1, "changed.json": b"six"})  # recycles v1's tree
    assert w.old_files
    # edited.json holds ssg's bytes again, not the hand edit
    assert full_tree(out) == {MARKER: MARKER_TEXT, "a": None, **{**v1, "changed.json": b"six"}}
    assert all((out / p).samefile(tmp_path / p.replace("/", "-")) for p in ("same.json", "a/deep.json"))


def test_a_claimed_path_in_a_fresh_site_gets_its_folder_from_whoever_writes_it(tmp_path):
    """claim() in a fresh folder makes no folder (a worker makes it as it writes: 20,000 made
    here would keep the workers waiting); the same folder written from this process later is fine."""
    with SiteWriter(tmp_path / "site") as writer:
        dest = writer.claim("trials/NCT00000001/index.html")
        assert not os.path.exists(os.path.dirname(dest))
        write_claimed(dest, b"page")
        write_claimed(writer.claim("trials/NCT00000002/index.html"), b"other")
        writer.write(OutputFile("trials/NCT00000001/print.html", b"print"))
    assert tree(tmp_path / "site") == {MARKER: MARKER_TEXT, "trials/NCT00000001/index.html": b"page",
                                       "trials/NCT00000002/index.html": b"other",
                                       "trials/NCT00000001/print.html": b"print"}
