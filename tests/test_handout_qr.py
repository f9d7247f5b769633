"""The handout's QR code (no browser): the SVG we write from zxingcpp's bitmap draws exactly that
bitmap, decodes to the URL with error correction M, keeps a quiet zone, is the same bytes every
time, and stays inline markup a strict CSP accepts. test_handout_pdf.py decodes the printed codes
with zbarimg; this file checks the writer itself, module by module.

Also: the words-to-know search, which now goes part by part through a cache, finds what the
generic search over the whole text finds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import zxingcpp

from ssg import handout
from ssg.plain.glossary import GLOSSARY

ROOT = Path(__file__).resolve().parent.parent
SVG_NS = "{http://www.w3.org/2000/svg}"
URLS = [
    "https://example.org/repo/trials/NCT00777179/",
    "https://trials.example.net/trials/NCT09000002/",
    "http://localhost:8000/a/b/c/d/e/f/g/trials/NCT12345678/",
    "https://example.org/" + "long-base-path/" * 12 + "trials/NCT00000001/",  # a larger version
    "https://example.org/q?a=1&b=<2>/trials/NCT00000002/",  # characters XML must escape
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def modules(svg: ET.Element) -> list[list[bool]]:
    """Read the dark-module path back into a matrix (True = dark). Understands only what the
    writer should emit: "M x y.5" to start a row, "m dx 0" to skip light modules, "h n" for
    n dark ones; anything else fails the test."""
    _, _, width, height = (int(v) for v in svg.get("viewBox").split())
    assert width == height
    grid = [[False] * width for _ in range(height)]
    dark = svg.findall(f"{SVG_NS}path")[1]
    assert dark.get("stroke") == "#000" and dark.get("fill") is None
    x = y = None
    for cmd, a, b in re.findall(r"([Mmh])(-?\d+(?:\.5)?)(?: (\d+(?:\.5)?))?", dark.get("d")):
        if cmd == "M":
            x, y = int(a), float(b) - 0.5
            assert y == int(y)
            y = int(y)
        elif cmd == "m":
            assert b == "0" and int(a) > 0  # moves stay on the row, and skip at least one module
            x += int(a)
        else:
            for i in range(int(a)):
                assert not grid[y][x + i], "a module drawn twice"
                grid[y][x + i] = True
            x += int(a)
    # every character of the path was a command we understood
    assert re.fullmatch(r"(?:M\d+ \d+\.5h\d+(?:m\d+ 0h\d+)*)+", dark.get("d"))
    return grid


def decode(grid: list[list[bool]], scale: int = 4):
    """Decode a module matrix with zxing's reader (a separate code path from zint's encoder)."""
    rows = []
    for row in grid:
        line = b"".join(b"\x00" * scale if d else b"\xff" * scale for d in row)
        rows += [line] * scale
    size = len(grid) * scale
    return zxingcpp.read_barcode(memoryview(b"".join(rows)).cast("B", (size, size)))


@pytest.mark.parametrize("url", URLS)
def test_qr_draws_the_encoders_bitmap_and_decodes_to_the_url(url):
    svg = parse(str(handout.qr_svg(url)))
    grid = modules(svg)
    image = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image()
    bitmap = bytes(image)
    size = image.shape[1]
    assert len(grid) == size
    assert [[bitmap[y * size + x] == 0 for x in range(size)] for y in range(size)] == grid
    result = decode(grid)
    assert result is not None and result.valid
    assert result.text == url
    assert result.format == zxingcpp.BarcodeFormat.QRCode and result.ec_level == "M"


@pytest.mark.parametrize("url", URLS[:1])
def test_qr_has_a_four_module_quiet_zone_on_a_white_ground(url):
    svg = parse(str(handout.qr_svg(url)))
    grid = modules(svg)
    n = len(grid)
    assert not any(grid[y][x] for y in range(n) for x in range(n) if min(x, y, n - 1 - x, n - 1 - y) < 4)
    assert grid[4][4] and grid[4][n - 5] and grid[n - 5][4]  # finder patterns start right inside it
    ground = svg.findall(f"{SVG_NS}path")[0]
    assert ground.get("fill") == "#fff" and ground.get("d") == f"M0 0h{n}v{n}h-{n}z"


def test_qr_markup_is_a_bare_inline_svg():
    url = URLS[4]
    text = str(handout.qr_svg(url))
    assert text.startswith('<svg role="img" aria-label="QR code: ') and text.endswith("</svg>")
    assert "<?xml" not in text and "DOCTYPE" not in text and "<desc" not in text and "Zint" not in text
    assert "\n" not in text
    svg = parse(text)
    assert svg.get("aria-label") == f"QR code: {url}"  # escaped in the markup, intact when parsed
    assert svg.get("class") == "handout-qr__code"
    assert [el.tag for el in svg] == [f"{SVG_NS}path", f"{SVG_NS}path"]
    for el in svg.iter():
        assert "style" not in el.attrib and not any(a.startswith("on") for a in el.attrib), el.tag


def test_qr_is_the_same_bytes_every_time_and_in_every_process():
    url = URLS[0]
    here = str(handout.qr_svg(url))
    assert str(handout.qr_svg(url)) == here
    other = subprocess.run(
        [sys.executable, "-c", f"from ssg import handout; print(handout.qr_svg({url!r}), end='')"],
        capture_output=True, text=True, check=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "123"},
    ).stdout
    assert other == here
    assert str(handout.qr_svg(URLS[1])) != here


# --- words to know: part by part, cached --------------------------------------------------

PARTS = (
    "Chemotherapy for advanced solid tumors",
    "This is a Phase 2 study. Some people get a placebo.",
    "Chance decides which group you are in. This is called randomized.",
    "you have an ECOG performance status of 0 or 1",
    "you had chemotherapy before; you are pregnant",
    "The study plans to include about 40 people. Tumor size is measured by MRI.",
    "This study takes place at 3 places in the United States.",
)


@pytest.mark.parametrize("limit", [1, 2, 4, handout.MAX_WORDS, 100])
def test_words_found_part_by_part_match_the_whole_text(limit):
    whole = handout.find_words("\n".join(PARTS), GLOSSARY, 100)  # the generic, uncached search
    assert len(whole) >= 5  # the sample really uses glossary words
    assert handout.find_words("\n".join(PARTS), GLOSSARY, limit) == whole[:limit]
    assert handout._site_words(PARTS, limit) == whole[:limit]
    assert handout.find_words("\n".join(PARTS), limit=limit) == whole[:limit]


def test_no_words_when_the_cap_is_zero():
    # fit_to_two_sheets cuts "Words to know" to 0 for the longest records; a cap of 0 must not
    # mean "no cap"
    assert handout.find_words("\n".join(PARTS), limit=0) == ()
    assert handout.find_words("\n".join(PARTS), GLOSSARY, limit=0) == ()
    assert handout._site_words(PARTS, 0) == ()


def test_qr_row_marks_reach_the_largest_codes():
    # the writer marks each row with one byte (row + 1), so the biggest QR code (version 40,
    # 177 modules and a 4-module quiet zone on each side) must still come out right
    url = "https://example.org/" + "x" * 2250 + "/trials/NCT00000003/"
    svg = parse(str(handout.qr_svg(url)))
    grid = modules(svg)
    image = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image()
    bitmap, size = bytes(image), image.shape[1]
    assert size == 185
    assert [[bitmap[y * size + x] == 0 for x in range(size)] for y in range(size)] == grid
    result = decode(grid, scale=2)
    assert result is not None and result.text == url
