"""The only module that touches the output folder.

A build streams its files into a fresh folder beside the output (".site.tmp-XXXX") and swaps it in
at the end: the old site is renamed aside, the new one renamed in, then the old one deleted.

With a build cache, the old site is not deleted but kept in the cache as a *spare* (see Spare), and
the next build starts from it instead of an empty folder: a page whose cached bytes are already
there (the same hard link) is left as it is, so a rebuild after a small change touches few files.
A failed build deletes only its own temporary folder, so the previous site stays whole.
ssg marks the folders it creates with MARKER and deletes nothing that lacks it; it refuses to
write into a non-empty folder it did not create, into the sources, or over the project.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from ssg.errors import BuildError, OutputDirRefused
from ssg.site.model import OutputFile

MARKER = ".ssg-site"
RACY_NS = 20_000_000  # file times move in coarse steps (one clock tick, at most 10 ms): see _keep_as_spare
MARKER_TEXT = b"This folder was made by ssg (a static site generator). ssg replaces it on every build.\n"


def has_marker(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def write_claimed(dest: str, data: bytes) -> None:
    """Write a file where SiteWriter.claim said it goes (in a worker process, say), making its
    folder when it is not there yet."""
    try:
        out = open(dest, "wb")
    except FileNotFoundError:
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        out = open(dest, "wb")
    with out:
        out.write(data)


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output_dir(out_dir: str | Path, *, protected: Iterable[str | Path] = (), cwd: Path | None = None) -> Path:
    """The resolved output folder, or OutputDirRefused saying why ssg will not write there.

    ``protected`` are source folders (content/, templates/, static/, the ssg package): the output
    may be neither one of them, nor inside one, nor contain one (so never the project root).
    """
    out = Path(out_dir)
    if out.is_symlink():
        raise OutputDirRefused(f"{out}: is a symbolic link; give the real folder as --out")
    out = out.resolve()
    cwd = (cwd or Path.cwd()).resolve()
    if out == Path(out.anchor):
        raise OutputDirRefused(f"{out}: refusing to write a site over the filesystem root")
    if out == Path.home().resolve():
        raise OutputDirRefused(f"{out}: refusing to write a site over your home folder")
    if _is_within(cwd, out):
        raise OutputDirRefused(f"{out}: is the current folder (or holds it); choose a folder such as ./site")
    for src in protected:
        src = Path(src).resolve()
        if _is_within(out, src):
            raise OutputDirRefused(f"{out}: is inside the sources at {src}; choose a folder outside them")
        if _is_within(src, out):
            raise OutputDirRefused(f"{out}: holds the sources at {src}; choose a folder beside them, such as ./site")
    if out.exists():
        if not out.is_dir():
            raise OutputDirRefused(f"{out}: exists and is not a folder")
        if any(out.iterdir()) and not has_marker(out):
            raise OutputDirRefused(
                f"{out}: folder is not empty and was not made by ssg (no {MARKER} file); "
                "ssg will not overwrite it. Choose another --out or empty it yourself."
            )
    return out


# Paths found safe already (a serve session writes the same ~20,000 paths build after build).
_safe_paths: set[str] = set()


def _safe_relpath(path: str) -> str:
    """Reject output paths that could leave the site folder or clobber the marker."""
    if path in _safe_paths:
        return path
    norm = posixpath.normpath(path)
    if (not path or path.startswith("/") or "\\" in path or norm != path or norm.startswith("../")
            or norm == ".." or norm == "." or norm == MARKER):
        raise BuildError("write", f"refusing output path {path!r} (must be a plain path inside the site)")
    if len(_safe_paths) > 500_000:
        _safe_paths.clear()
    _safe_paths.add(path)
    return norm


def tree_id(folder: Path) -> tuple[int, int, int] | None:
    """Identifies one site tree across renames: its marker's device, inode and mtime (set once,
    when the tree was made). None when the folder has no marker."""
    try:
        st = os.stat(folder / MARKER)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_mtime_ns


# (paths, their folders) of the last call: the trees of a serve session hold the same paths build after build.
_last_folders: list = []


def _folders(paths: frozenset[str]) -> set[str]:
    """Every folder that holds one of the relative ``paths``, however deep."""
    if _last_folders and _last_folders[0] == paths:
        return set(_last_folders[1])
    out = _walk_folders(paths)
    _last_folders[:] = [paths, frozenset(out)]
    return out


def _walk_folders(paths) -> set[str]:
    out: set[str] = set()
    for rel in paths:
        parent = rel.rpartition("/")[0]
        while parent and parent not in out:
            out.add(parent)
            parent = parent.rpartition("/")[0]
    return out


class Spare:
    """Where the previous site is kept for reuse (a folder in the build cache), and the file list
    of each site tree ssg made, by tree_id, so stale files are found without walking the tree."""

    def __init__(self, folder: Path, trees: dict[tuple, frozenset[str]], contents: dict | None = None):
        self.folder = folder
        self.trees = trees  # updated by SiteWriter.commit; the cache saves it
        # tree_id -> {path: (bytes, signature)}: the files write() put in each tree, kept in memory
        # by a process that builds again and again (ssg serve), so an unchanged one stays in place;
        # None: not kept. Updated by SiteWriter.commit, like trees.
        self.contents = contents


class SiteWriter:
    """Use as a context manager: files written inside go live only if the block ends without an error."""

    def __init__(self, out_dir: str | Path, *, spare: Spare | None = None, **checks):
        self.out = check_output_dir(out_dir, **checks)
        self.spare = spare
        self.tmp: Path | None = None
        self.written: set[str] = set()
        self.made: set[str] = set()  # folders already created in the new site
        self.old_files: frozenset[str] = frozenset()  # files already in the new site's folder (a recycled spare)
        self.old_dirs: set[str] = set()  # and the folders that hold them
        self.old_contents: dict[str, tuple] = {}  # what write() put in the recycled spare (see Spare.contents)
        self.new_contents: dict[str, tuple] | None = None  # and in this one, when the spare keeps them
        self.committed = False

    # -- lifecycle --------------------------------------------------------------------------
    def __enter__(self) -> SiteWriter:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.written, self.made, self.old_files, self.old_dirs = set(), set(), frozenset(), set()
        self.old_contents = {}
        self.new_contents = {} if self.spare is not None and self.spare.contents is not None else None
        self.tmp = self._recycle_spare()
        if self.tmp is None:
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.tmp-", dir=self.out.parent))
            (self.tmp / MARKER).write_bytes(MARKER_TEXT)
        self.tmp_str = str(self.tmp)
        self.tmp_prefix = self.tmp_str + os.sep  # + a relative path (posix: "/" inside it too)
        return self

    def _recycle_spare(self) -> Path | None:
        """Move the spare site in as the new site's folder when its file list is known; otherwise
        delete it (it is ssg's own: it carries the marker) and start from an empty folder."""
        spare = self.spare
        if spare is None or not has_marker(spare.folder):
            return None
        tid = tree_id(spare.folder)
        files = spare.trees.get(tid) if tid is not None else None
        if files is not None:
            tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.tmp-", dir=self.out.parent))
            try:
                os.rename(spare.folder, tmp)  # onto the empty folder just made
            except OSError:  # on another device: cannot be moved in cheaply
                tmp.rmdir()
            else:
                self.old_files = files
                self.old_dirs = _folders(files)
                if spare.contents is not None:
                    self.old_contents = spare.contents.get(tid) or {}
                # Its folders exist already: no need to ask the file system for each again.
                prefix = str(tmp) + os.sep
                self.made = {str(tmp), *(prefix + d for d in self.old_dirs)}
                return tmp
        shutil.rmtree(spare.folder)
        return None

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def abort(self) -> None:
        if self.tmp is not None and has_marker(self.tmp):
            shutil.rmtree(self.tmp)
        self.tmp = None

    def _remove_stale(self) -> None:
        """Files of a recycled spare that this build did not write, and folders they leave empty."""
        folders = set()
        for rel in self.old_files - self.written:
            try:
                os.unlink(os.path.join(self.tmp_str, rel))
            except FileNotFoundError:
                pass
            folders.add(rel.rpartition("/")[0])
        for rel in sorted(folders, key=lambda f: -f.count("/")):
            while rel:
                try:
                    os.rmdir(os.path.join(self.tmp_str, rel))
                except OSError:
                    break  # not empty (or gone): its parents are not empty either
                rel = rel.rpartition("/")[0]

    def commit(self) -> None:
        """Swap the new site in: rename the old aside, rename the new in, then delete the old
        (or keep it as the spare)."""
        assert self.tmp is not None, "commit() outside a with-block"
        self._remove_stale()
        os.chmod(self.tmp, 0o755)  # mkdtemp makes it private; a site is for reading
        trash = None
        if self.out.exists():
            # Check again right before the swap: the folder may have changed since the build began.
            if any(self.out.iterdir()) and not has_marker(self.out):
                self.abort()
                raise OutputDirRefused(f"{self.out}: changed during the build and is no longer ssg's; left as is")
            trash = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.old-", dir=self.out.parent))
            os.rename(self.out, trash / self.out.name)
        self.swapped_at = time.time_ns()  # before the site goes live: see _keep_as_spare
        try:
            os.rename(self.tmp, self.out)
        except OSError:
            if trash is not None:  # put the previous site back before reporting the failure
                os.rename(trash / self.out.name, self.out)
                trash.rmdir()
            self.abort()
            raise
        self.tmp = None
        self.committed = True
        if self.spare is not None:
            self._keep_as_spare(trash / self.out.name if trash is not None else None)
        if trash is not None:
            old = trash / self.out.name
            if has_marker(old):
                shutil.rmtree(old)
            elif old.is_dir() and not any(old.iterdir()):
                old.rmdir()
            if not any(trash.iterdir()):
                trash.rmdir()

    def _keep_as_spare(self, old: Path | None) -> None:
        """Move the replaced site (if any) into the spare's place, and remember the file lists of
        the new site and the spare."""
        spare = self.spare
        new_id = tree_id(self.out)
        old_id = tree_id(old) if old is not None else None
        old_files = spare.trees.get(old_id) if old_id is not None else None
        spare.trees.clear()
        contents = spare.contents
        old_contents = contents.get(old_id) if contents is not None and old_id is not None else None
        if contents is not None:
            contents.clear()
        if new_id is not None:
            spare.trees[new_id] = frozenset(self.written)
            if contents is not None and self.new_contents is not None:
                # File times are coarse: a file written just before the swap could be edited by
                # hand just after it and keep its mtime. Such a file is written again next time.
                recent = self.swapped_at - RACY_NS
                contents[new_id] = {p: v for p, v in self.new_contents.items() if v[1][1] < recent}
        if old is None or old_files is None:
            return  # a tree whose files are unknown is not kept: the caller deletes it
        try:
            if spare.folder.exists() and has_marker(spare.folder):
                shutil.rmtree(spare.folder)
            spare.folder.parent.mkdir(parents=True, exist_ok=True)
            os.rename(old, spare.folder)
        except OSError:
            return  # another device, say: the caller deletes it
        spare.trees[old_id] = old_files
        if old_contents is not None:
            contents[old_id] = old_contents

    # -- writing ----------------------------------------------------------------------------
    def claim(self, path: str) -> str:
        """Reserve ``path`` in the new site; returns where the file goes, for a worker process to
        write with write_claimed (checked here, once, like every other path). In a fresh folder
        the worker makes the file's folder: making 20,000 of them here, one by one before the
        workers start, kept a core idle. Where a recycled site may stand in the way, here."""
        dest = self._dest(path, make_folder=bool(self.old_files))
        self._clear(path, dest)
        return dest

    def _clear(self, rel: str, dest: str) -> None:
        # A recycled file may be a hard link to a cached page: unlink it, never write through it.
        if rel in self.old_files:
            try:
                os.unlink(dest)
            except FileNotFoundError:
                pass

    def _dest(self, path: str, make_folder: bool = True) -> str:
        assert self.tmp is not None, "write() outside a with-block"
        rel = _safe_relpath(path)
        if rel in self.written:
            raise BuildError("write", f"two producers wrote {rel}")
        self.written.add(rel)
        parent = rel.rpartition("/")[0]
        folder = self.tmp_prefix + parent if parent else self.tmp_str
        if make_folder and folder not in self.made:
            try:
                os.makedirs(folder, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                self._clear_way(parent)  # a recycled file stands where this folder goes
                os.makedirs(folder, exist_ok=True)
            self.made.add(folder)
        dest = self.tmp_prefix + rel
        if rel in self.old_dirs:
            shutil.rmtree(dest)  # a recycled folder stands where this file goes: all of it is stale
            self.old_dirs = {d for d in self.old_dirs if d != rel and not d.startswith(rel + "/")}
            self.made = {f for f in self.made if f != dest and not f.startswith(dest + "/")}
        return dest

    def _clear_way(self, parent: str) -> None:
        parts = parent.split("/")
        for i in range(1, len(parts) + 1):
            rel = "/".join(parts[:i])
            if rel in self.old_files and rel not in self.written:
                os.unlink(os.path.join(self.tmp_str, rel))
                return
        raise BuildError("write", f"cannot make the folder {parent!r}: a file is in the way")

    def write(self, file: OutputFile) -> str:
        """Write one file into the new site; returns where it went (inside the temporary folder).
        A recycled file that write() made with these very bytes, untouched since, is kept as it is."""
        path, data = file.path, file.data
        known = self.old_contents.get(path)
        if known is not None and known[0] == data and self._recycled_intact(path, known[1]):
            dest = self._dest(path)
            self.new_contents[path] = known
            return dest
        dest = self._dest(path)
        self._clear(path, dest)
        with open(dest, "wb") as f:
            f.write(data)
            if self.new_contents is not None:
                f.flush()  # so that the size and mtime are final
                st = os.fstat(f.fileno())
                self.new_contents[path] = (data, (st.st_size, st.st_mtime_ns, st.st_ino))
        return dest

    def reuse(self, path: str, src: str | Path) -> str:
        """Put an unchanged file from the build cache at ``path``: a hard link (the bytes are not
        read or copied), or a copy when the cache is on another device. (A recycled file that is
        that link already is kept by keep_all_recycled.)"""
        dest = self._dest(path)
        self._clear(path, dest)
        try:
            os.link(src, dest)
        except OSError:
            shutil.copyfile(src, dest)
        return dest

    def _recycled_intact(self, path: str, signature: tuple[int, int, int]) -> bool:
        """Whether ``path`` is an unclaimed file of the recycled site that still has ``signature``
        (size, mtime, inode): untouched since ssg put it there."""
        if path not in self.old_files or path in self.written:
            return False
        try:
            st = os.lstat(self.tmp_prefix + path)
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns, st.st_ino) == signature

    def keep_all_recycled(self, wanted: list[tuple[str, tuple[int, int, int] | None]]) -> list[bool]:
        """For each (path, signature) pair: keep the recycled file at ``path`` when it is still the
        page with ``signature`` (a hard link to that cached page; a None signature is never kept),
        claiming it; False leaves ``path`` unclaimed. A serve rebuild asks this for ~20,000 pages
        at once."""
        kept = []
        for path, signature in wanted:
            keep = signature is not None and self._recycled_intact(path, signature)
            if keep:
                self._dest(path)  # claims it (and checks it, as every path)
            kept.append(keep)
        return kept

    def write_all(self, files: Iterable[OutputFile]) -> int:
        n = 0
        for f in files:
            self.write(f)
            n += 1
        return n

    def copy_tree(self, src: str | Path, prefix: str) -> int:
        """Copy a folder (static/) under ``prefix`` (assets/), in sorted order; hidden files skipped."""
        src = Path(src)
        n = 0
        if not src.is_dir():
            return 0
        for f in sorted(src.rglob("*")):
            rel = f.relative_to(src)
            if f.is_file() and not any(part.startswith(".") for part in rel.parts):
                self.write(OutputFile(f"{prefix.rstrip('/')}/{rel.as_posix()}", f.read_bytes()))
                n += 1
        return n
