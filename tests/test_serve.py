"""`ssg serve`: serves under the base path, rebuilds on change, reloads open pages; never writes the reload script."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ssg.serve.server import DevServer, inject_reload
from conftest import copy_content

SEED_003 = "003_e3ee89ab0d39f9a4.txt"  # NCT07177911
SCREENS = Path("/tmp/ssg-screens")  # screenshots to look at by eye


def test_inject_reload_puts_script_before_body_end():
    html = b"<html><body><p>x</p></body></html>"
    out = inject_reload(html, "/repo/")
    assert out.endswith(b'<script src="/repo/__ssg__/livereload.js" data-events="/repo/__ssg__/events" '
                        b'data-problems="/repo/__ssg__/problems"></script></body></html>')


def test_problems_are_served_as_set_and_a_site_without_404_page_still_gets_the_script(tmp_path):
    server = DevServer(tmp_path, "/repo/", port=0).start()
    try:
        status, body = fetch(server.url + "__ssg__/problems")
        assert status == 200 and json.loads(body) == {"generation": 0, "errors": [], "site_replaced": True}
        server.set_problems(["error: trials/x.txt:line 1: unrecognised layout"], site_replaced=False)
        server.notify_rebuilt()
        report = json.loads(fetch(server.url + "__ssg__/problems")[1])
        assert report == {"generation": 1, "errors": ["error: trials/x.txt:line 1: unrecognised layout"],
                          "site_replaced": False}
        # No build has written a site yet: the bare 404 still carries the script, so it shows the
        # errors and reloads once a build succeeds.
        status, html = fetch(server.url + "trials/NCT00000000/")
        assert status == 404 and "__ssg__/livereload.js" in html
    finally:
        server.close()


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


def test_a_port_in_use_is_a_clear_error(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "ssg", "serve", "--content", str(copy_content(tmp_path)),
                              "--out", str(tmp_path / "site"), "--port", str(port)],
                             capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert f"error: cannot serve on 127.0.0.1 port {port}: Address already in use" in run.stderr
    assert "--port 0" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "site").exists()  # nothing built for a server that cannot start


@pytest.mark.parametrize("terminal", [True, False])
def test_builds_show_the_progress_bar_on_a_terminal_only(tmp_path, monkeypatch, terminal):
    from ssg.commands import serve
    from ssg.commands.build import ProgressBar

    given = []
    monkeypatch.setattr(serve.sys.stderr, "isatty", lambda: terminal)
    monkeypatch.setattr(serve, "build_site", lambda *a, progress=None, **k: given.append(progress) or serve.BuildReport())
    serve._build(tmp_path, tmp_path / "site", "http://127.0.0.1:8000/", serve.BuildCache(None), 1)
    assert isinstance(given[0], ProgressBar) if terminal else given == [None]


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


def problems(url: str) -> dict:
    return json.loads(fetch(url + "__ssg__/problems")[1])


def test_a_broken_record_is_reported_to_the_page_until_it_is_fixed(served):
    url, content, out = served
    assert problems(url)["errors"] == []
    broken = content / "trials" / "zz_broken.txt"
    broken.write_text("hello, not a trial\n")
    wait_for(lambda: problems(url)["errors"], "the error to be reported")
    report = problems(url)
    assert report["site_replaced"] is True  # the other trials still built
    [line] = report["errors"]
    assert "zz_broken.txt" in line and "line 1" in line and "unrecognised layout" in line
    assert fetch(url + "trials/NCT07177911/")[0] == 200
    broken.unlink()
    wait_for(lambda: not problems(url)["errors"], "the error to clear")


@pytest.mark.browser
def test_open_page_shows_build_errors_and_hides_them_once_fixed(served, page, tmp_path):
    url, content, out = served
    page.goto(url + "trials/NCT07177911/")
    page.wait_for_timeout(500)  # let the event stream connect before changing anything
    assert page.locator("#ssg-problems").count() == 0
    broken = content / "trials" / "zz_broken.txt"
    with page.expect_navigation(timeout=120_000):
        broken.write_text("<script>alert(1)</script> not a trial\n")
    overlay = page.get_by_role("alert")
    overlay.wait_for(timeout=30_000)
    text = overlay.inner_text()
    assert "The last build reported 1 error" in text and "zz_broken.txt" in text
    assert "<script>alert(1)</script>" in text  # the record's text is shown as text, never run as HTML
    assert page.locator("#ssg-problems script").count() == 0
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / "serve-problems.png"))
    page.goto(url + "trials/NCT07177911/handout/")
    overlay.wait_for(timeout=30_000)
    printed = tmp_path / "printed.pdf"
    printed.write_bytes(page.pdf(prefer_css_page_size=True))
    printed = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True).stdout
    assert "NCT07177911" in printed and "zz_broken.txt" not in printed  # on screen, never on paper
    page.go_back()
    overlay.wait_for(timeout=30_000)
    page.get_by_role("button", name="Hide").click()
    assert page.locator("#ssg-problems").count() == 0
    page.wait_for_timeout(500)
    with page.expect_navigation(timeout=120_000):
        broken.unlink()
    page.wait_for_load_state()
    page.wait_for_timeout(500)  # the script's fetch of the (now empty) problems
    assert page.locator("#ssg-problems").count() == 0
    assert "CC312" in page.title()


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
