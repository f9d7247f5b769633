"""`ssg serve`: serves under the base path, rebuilds on change, reloads open pages; never writes the reload script."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from ssg.serve.server import inject_reload
from conftest import copy_content

SEED_003 = "003_e3ee89ab0d39f9a4.txt"  # NCT07177911


def test_inject_reload_puts_script_before_body_end():
    html = b"<html><body><p>x</p></body></html>"
    out = inject_reload(html, "/repo/")
    assert out.endswith(b'<script src="/repo/__ssg__/livereload.js" data-events="/repo/__ssg__/events"></script></body></html>')


@pytest.fixture
def served(tmp_path):
    content = copy_content(tmp_path)
    out = tmp_path / "site"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ssg", "serve", "--content", str(content), "--out", str(out), "--port", "0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
    )
    url = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        m = re.match(r"serving (\S+)", line)
        if m:
            url = m.group(1)
            break
    if url is None:
        proc.kill()
        pytest.fail("ssg serve did not start")
    # Drain stderr so the server never blocks on a full pipe.
    import threading
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    yield url, content, out
    proc.terminate()
    proc.wait(timeout=10)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_for(predicate, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_serves_under_base_path_with_reload_script_only_in_responses(served):
    url, content, out = served
    base_path = re.match(r"http://[^/]+(/.*)", url).group(1)
    assert base_path != "/" and base_path.endswith("/"), "the sample site has a project path in base_url"
    status, html = fetch(url + "trials/NCT07177911/")
    assert status == 200
    assert f'src="{base_path}__ssg__/livereload.js"' in html
    on_disk = (out / "trials" / "NCT07177911" / "index.html").read_text()
    assert "livereload" not in on_disk and "__ssg__" not in on_disk
    status, _ = fetch(url + "no/such/page/")
    assert status == 404
    status, js = fetch(url + "__ssg__/livereload.js")
    assert status == 200 and "EventSource" in js


def test_rebuilds_when_a_record_changes(served):
    url, content, out = served
    record = content / "trials" / SEED_003
    record.write_text(record.read_text().replace(
        "Safety and Efficacy Study of CC312 for Moderate to Severe SLE",
        "Renamed Study of CC312 for Moderate to Severe SLE", 1))
    wait_for(lambda: "Renamed Study of CC312" in fetch(url + "trials/NCT07177911/")[1], "the rebuilt page")
    assert "Renamed Study of CC312" in (out / "trials" / "NCT07177911" / "index.html").read_text()


@pytest.mark.browser
def test_open_page_reloads_after_a_change(served, page):
    url, content, out = served
    page.goto(url + "trials/NCT07177911/")
    assert "CC312" in page.title()
    page.wait_for_timeout(500)  # let the event stream connect before changing anything
    record = content / "trials" / SEED_003
    with page.expect_navigation(timeout=120_000):
        record.write_text(record.read_text().replace(
            "Safety and Efficacy Study of CC312 for Moderate to Severe SLE",
            "Reloaded Study of CC312 for Moderate to Severe SLE", 1))
    page.wait_for_load_state()
    assert "Reloaded Study of CC312" in page.content()
