"""The seed site, byte for byte, against tests/golden/seed-site (regenerate: python tests/regen_golden.py)."""

from __future__ import annotations

import difflib
import pytest

from regen_golden import GOLDEN, build_golden, golden_files

MAX_DIFF_LINES = 400


def describe(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    out = []
    for path in sorted(set(expected) - set(actual)):
        out.append(f"missing from the build: {path}")
    for path in sorted(set(actual) - set(expected)):
        out.append(f"new in the build: {path}")
    for path in sorted(p for p in set(expected) & set(actual) if expected[p] != actual[p]):
        try:
            old, new = expected[path].decode("utf-8"), actual[path].decode("utf-8")
        except UnicodeDecodeError:
            out.append(f"binary file differs: {path}")
            continue
        out.extend(difflib.unified_diff(old.splitlines(), new.splitlines(), f"golden/{path}", f"build/{path}", lineterm=""))
    if len(out) > MAX_DIFF_LINES:
        out = out[:MAX_DIFF_LINES] + [f"... {len(out) - MAX_DIFF_LINES} more lines"]
    return "\n".join(out)


def test_seed_site_matches_golden_tree(tmp_path, monkeypatch):
    if not GOLDEN.is_dir():
        pytest.fail(f"{GOLDEN} is missing: run `python tests/regen_golden.py` and review the result")
    report = build_golden(tmp_path / "site")
    assert report.exit_code == 0, report.errors
    expected, actual = golden_files(GOLDEN), golden_files(tmp_path / "site")
    if expected != actual:
        diff = describe(expected, actual)
        print(diff)
        pytest.fail("the seed site differs from tests/golden/seed-site (diff above). If the change is intended, "
                    "run `python tests/regen_golden.py` and review `git diff tests/golden`.\n" + diff[:4000])


def test_describe_shows_a_unified_diff():
    text = describe({"a.html": b"<p>one</p>\n", "gone.css": b""}, {"a.html": b"<p>two</p>\n", "new.js": b""})
    assert "missing from the build: gone.css" in text and "new in the build: new.js" in text
    assert "-<p>one</p>" in text and "+<p>two</p>" in text
