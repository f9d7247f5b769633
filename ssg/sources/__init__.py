"""Read trial records: detect each file's layout from its content, then parse it.

Every parser module exposes ``LAYOUT`` (its name in ``SourceRef.layout``),
``detect(text) -> bool`` and ``parse(text, path) -> Trial``. Parsers return data,
never HTML, and raise ``ParseError`` (with a line or JSON path) for bad input.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from pydantic import ValidationError

from ssg.errors import ParseError
from ssg.model import Trial
import importlib
from functools import cache

# Order matters: structured formats first (cheap, unambiguous), then the text
# layouts from the most to the least distinctive.
PARSER_MODULES = ("ctgov_json", "ctgov_xml", "clinconnect", "labelled", "compact")


@cache
def parsers() -> tuple:
    return tuple(importlib.import_module(f"ssg.sources.{name}") for name in PARSER_MODULES)

# Real records are tens of kilobytes; refuse anything that is clearly not one.
MAX_BYTES = 20 * 1024 * 1024
RECORD_SUFFIXES = {".txt", ".json", ".xml", ".text", ".md"}


def decode(data: bytes, path: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), else a clear error."""
    if not data.strip():
        raise ParseError(path, "file is empty (no record in it)", "line 1")
    if b"\x00" in data[:4096]:
        offset = data.index(b"\x00")
        raise ParseError(path, "file looks binary (contains NUL bytes), not a trial record", f"byte {offset}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ParseError(path, f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})", f"line {line}") from None


def detect(text: str) -> object | None:
    for parser in parsers():
        if parser.detect(text):
            return parser
    return None


def parse_text(text: str, path: str) -> Trial:
    parser = detect(text)
    if parser is None:
        first = text.lstrip().split("\n", 1)[0][:60]
        raise ParseError(
            path,
            f"unrecognised layout (starts {first!r}): not ClinicalTrials.gov JSON/XML, nor a known trial page layout",
            "line 1",
        )
    try:
        return parser.parse(text, path)
    except ParseError:
        raise
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        raise ParseError(path, f"invalid {loc}: {err['msg']}", f"field {loc}") from None
    except RecursionError:
        raise ParseError(path, "record is nested too deeply") from None
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as e:
        # A parser bug or a shape we did not foresee: still a clear, located message.
        raise ParseError(path, f"could not read {parser.LAYOUT} record: {type(e).__name__}: {e}") from None


def parse_file(path: str | Path, data: bytes | None = None) -> Trial:
    """``data``: the file's bytes from read_record, when the caller has read them already (to
    hash them)."""
    where = str(path)
    if data is None:
        try:
            data = _read(where)
        except OSError as e:
            raise ParseError(where, f"cannot read file: {e.strerror or e}") from None
    return parse_text(decode(data, where), where)


def _read(path: str) -> bytes:
    return read_record(path)[0]


def read_record(path: str) -> tuple[bytes, os.stat_result]:
    """A record file's bytes and its stat (taken before the read); a file over MAX_BYTES is
    refused (ParseError) before it is read. Plain os calls: Path.stat + Path.read_bytes cost
    ~15 us more per record (a build reads 10,000)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if st.st_size > MAX_BYTES:
            raise ParseError(path, f"file is {st.st_size} bytes; records over {MAX_BYTES} bytes are refused")
        chunks = [os.read(fd, st.st_size + 1)]
        while chunks[-1]:  # to the end, as read_bytes does (the file may have grown)
            chunks.append(os.read(fd, 1 << 20))
    finally:
        os.close(fd)
    return (chunks[0] if len(chunks) == 2 else b"".join(chunks)), st


# Folder -> (signatures of it and the folders under it, its record files): ssg serve lists the
# same folder of 10,000 records build after build. Adding, removing or renaming an entry changes
# its folder's mtime; an edit inside a record does not change the listing.
_listed: dict[str, tuple[list[tuple[str, tuple | None]], list[Path]]] = {}
RACY_NS = 20_000_000  # folder times move in coarse steps (one clock tick, at most 10 ms)


def _signature(where: str) -> tuple | None:
    try:
        st = os.stat(where)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_mtime_ns


def _files_under(folder: Path) -> list[Path]:
    """Record files anywhere under ``folder``, in the order of sorted(folder.rglob("*")) (by path
    parts); like rglob, symlinked folders are not entered. os.scandir knows from the folder
    listing which entries are files, where Path.is_file would stat each of 10,000 records."""
    memo_key = f"{folder}\0{os.path.abspath(folder)}"  # the paths are given as the folder was
    known = _listed.get(memo_key)
    if known is not None and all(_signature(where) == sig for where, sig in known[0]):
        return list(known[1])
    started = time.time_ns()
    found: list[tuple[tuple[str, ...], str]] = []
    folders: list[tuple[str, tuple | None]] = []
    stable = True  # no symbolic link (its target can change without its folder changing)
    todo = [((), str(folder))]
    while todo:
        parts, where = todo.pop()
        folders.append((where, _signature(where)))
        with os.scandir(where) as entries:
            for entry in entries:
                if entry.is_symlink():
                    stable = False
                if entry.is_dir(follow_symlinks=False):
                    todo.append(((*parts, entry.name), entry.path))
                elif (not entry.name.startswith(".") and os.path.splitext(entry.name)[1].lower() in RECORD_SUFFIXES
                      and entry.is_file()):
                    found.append(((*parts, entry.name), entry.path))
    found.sort()
    files = [Path(path) for _, path in found]
    # A folder changed in the same clock tick as the listing could keep its mtime: not kept then.
    if stable and all(sig is not None and sig[2] < started - RACY_NS for _, sig in folders):
        if len(_listed) > 100:
            _listed.clear()
        _listed[memo_key] = (folders, files)
    else:
        _listed.pop(memo_key, None)
    return list(files)


def record_files(paths: list[str | Path]) -> list[Path]:
    """Expand folders to the record files inside them, sorted for deterministic builds."""
    out: list[Path] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            out.extend(_files_under(p))
        else:
            out.append(p)
    return out
