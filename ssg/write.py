"""The only module that touches the output folder.

A build streams its files into a fresh folder beside the output (".site.tmp-XXXX") and swaps it in
at the end: the old site is renamed aside, the new one renamed in, then the old one deleted.
A failed build deletes only its own temporary folder, so the previous site stays whole.
ssg marks the folders it creates with MARKER and deletes nothing that lacks it; it refuses to
write into a non-empty folder it did not create, into the sources, or over the project.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ssg.errors import BuildError, OutputDirRefused
from ssg.site.model import OutputFile

MARKER = ".ssg-site"
MARKER_TEXT = b"This folder was made by ssg (a static site generator). ssg replaces it on every build.\n"


def has_marker(folder: Path) -> bool:
    return (folder / MARKER).is_file()


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


def _safe_relpath(path: str) -> str:
    """Reject output paths that could leave the site folder or clobber the marker."""
    norm = posixpath.normpath(path)
    if (not path or path.startswith("/") or "\\" in path or norm != path or norm.startswith("../")
            or norm == ".." or norm == "." or norm == MARKER):
        raise BuildError("write", f"refusing output path {path!r} (must be a plain path inside the site)")
    return norm


class SiteWriter:
    """Use as a context manager: files written inside go live only if the block ends without an error."""

    def __init__(self, out_dir: str | Path, **checks):
        self.out = check_output_dir(out_dir, **checks)
        self.tmp: Path | None = None
        self.written: set[str] = set()
        self.made: set[str] = set()  # folders already created in the new site
        self.committed = False

    # -- lifecycle --------------------------------------------------------------------------
    def __enter__(self) -> SiteWriter:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.tmp-", dir=self.out.parent))
        (self.tmp / MARKER).write_bytes(MARKER_TEXT)
        self.written, self.made = set(), set()
        self.tmp_str = str(self.tmp)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def abort(self) -> None:
        if self.tmp is not None and has_marker(self.tmp):
            shutil.rmtree(self.tmp)
        self.tmp = None

    def commit(self) -> None:
        """Swap the new site in: rename the old aside, rename the new in, delete the old."""
        assert self.tmp is not None, "commit() outside a with-block"
        os.chmod(self.tmp, 0o755)  # mkdtemp makes it private; a site is for reading
        trash = None
        if self.out.exists():
            # Check again right before the swap: the folder may have changed since the build began.
            if any(self.out.iterdir()) and not has_marker(self.out):
                self.abort()
                raise OutputDirRefused(f"{self.out}: changed during the build and is no longer ssg's; left as is")
            trash = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.old-", dir=self.out.parent))
            os.rename(self.out, trash / self.out.name)
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
        if trash is not None:
            old = trash / self.out.name
            if has_marker(old):
                shutil.rmtree(old)
            elif old.is_dir() and not any(old.iterdir()):
                old.rmdir()
            if not any(trash.iterdir()):
                trash.rmdir()

    # -- writing ----------------------------------------------------------------------------
    def _dest(self, path: str) -> str:
        assert self.tmp is not None, "write() outside a with-block"
        rel = _safe_relpath(path)
        if rel in self.written:
            raise BuildError("write", f"two producers wrote {rel}")
        self.written.add(rel)
        parent, _, name = rel.rpartition("/")
        folder = os.path.join(self.tmp_str, parent) if parent else self.tmp_str
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)
        return os.path.join(folder, name)

    def write(self, file: OutputFile) -> str:
        """Write one file into the new site; returns where it went (inside the temporary folder)."""
        dest = self._dest(file.path)
        with open(dest, "wb") as f:
            f.write(file.data)
        return dest

    def reuse(self, path: str, src: str | Path) -> str:
        """Put an unchanged file from the build cache at ``path``: a hard link (the bytes are not
        read or copied), or a copy when the cache is on another device."""
        dest = self._dest(path)
        try:
            os.link(src, dest)
        except OSError:
            shutil.copyfile(src, dest)
        return dest

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
