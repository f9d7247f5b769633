"""Shared fixtures: paths, the real corpus, a local server under /repo/, headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEEDS = sorted((CONTENT / "trials").glob("00*.txt"))
TEST_DATA = ROOT / "tests" / "data"
SHARED_DATA = ROOT.parent / "shared" / "data" / "ctgov"
CHROMIUM = "/usr/bin/chromium"


def seed(prefix: str) -> Path:
    """The seed record whose file name starts with ``prefix`` ("000" .. "004")."""
    return next(p for p in SEEDS if p.name.startswith(prefix))


@pytest.fixture(scope="session")
def corpus_v2() -> list[Path]:
    files = sorted((SHARED_DATA / "v2").glob("*.json"))
    if not files:
        pytest.skip(f"real corpus not found at {SHARED_DATA}/v2 (clone with ../shared beside the project to run)")
    return files


@pytest.fixture(scope="session")
def corpus_xml() -> list[Path]:
    files = sorted((SHARED_DATA / "xml").glob("*.xml"))
    if not files:
        pytest.skip(f"real corpus not found at {SHARED_DATA}/xml (clone with ../shared beside the project to run)")
    return files


def _need_browser() -> None:
    if not Path(CHROMIUM).exists():
        msg = f"{CHROMIUM} not found: apt-get install chromium"
        if os.environ.get("SSG_REQUIRE_BROWSER"):
            pytest.fail(msg)
        pytest.skip(msg)


class PrefixHandler(http.server.SimpleHTTPRequestHandler):
    """Serve a built site under a path prefix, like GitHub Pages serves a project site."""

    prefix = "/repo/"

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_prefix__")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code, message=None, explain=None):
        # Pages serves the site's 404.html for any missing path.
        page = Path(self.directory) / "404.html"
        if code == 404 and page.exists():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


class SiteServer:
    def __init__(self, directory: Path, prefix: str = "/repo/"):
        handler = type("Handler", (PrefixHandler,), {"prefix": prefix})
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
        )
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{prefix}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    """serve(site_dir, prefix="/repo/") -> base URL ending in the prefix."""
    servers: list[SiteServer] = []

    def start(directory: Path, prefix: str = "/repo/") -> str:
        s = SiteServer(directory, prefix)
        servers.append(s)
        return s.url

    yield start
    for s in servers:
        s.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium through Playwright (never a downloaded browser)."""
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory) -> Path:
    """The project's own content/ built once into a temporary folder (base URL under /repo/)."""
    from ssg.build import build_site

    out = tmp_path_factory.mktemp("seed-site") / "site"
    report = build_site(CONTENT, out, base_url="https://example.org/repo/")
    assert report.exit_code == 0, report.errors
    return out


def copy_content(tmp_path: Path) -> Path:
    """A private copy of content/ that a test may change."""
    dest = tmp_path / "content"
    shutil.copytree(CONTENT, dest)
    return dest
