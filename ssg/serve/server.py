"""A development server that serves the built site under its base path, as GitHub Pages will.

HTML responses get one extra <script src=…/livereload.js> tag at serve time; the
files on disk are never changed, so the reload script never reaches a deploy.
The script is same-origin, so the site's Content-Security-Policy still holds.
The script also shows the last build's errors over the page (from …/__ssg__/problems), so an
author who breaks a record or a template sees why in the browser, not only in the terminal.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

RELOAD_PATH = "__ssg__/"  # under the base path; never a path the site itself uses
_RELOAD_JS = (Path(__file__).parent / "livereload.js").read_bytes()
_RELOAD_CSS = (Path(__file__).parent / "livereload.css").read_bytes()
_BARE_NOT_FOUND = (b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>'
                   b"<body><h1>Not found</h1><p>No page here (yet).</p></body></html>")


class BuildState:
    """The generation number the browser compares; bumped after each finished rebuild."""

    def __init__(self) -> None:
        self.generation = 0
        self.changed = threading.Condition()
        # What the last build reported (see DevServer.set_problems), as the page's script reads it.
        self.problems = {"errors": [], "site_replaced": True}

    def set_problems(self, errors: list[str], site_replaced: bool) -> None:
        with self.changed:
            self.problems = {"errors": list(errors), "site_replaced": site_replaced}

    def problems_report(self) -> dict:
        """What …/__ssg__/problems answers: the problems with the generation they belong to."""
        with self.changed:
            return {"generation": self.generation, **self.problems}

    def bump(self) -> None:
        with self.changed:
            self.generation += 1
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.generation != seen, timeout=timeout)
            return self.generation


def inject_reload(html: bytes, base_path: str) -> bytes:
    tag = (
        f'<script src="{base_path}{RELOAD_PATH}livereload.js" '
        f'data-events="{base_path}{RELOAD_PATH}events" data-problems="{base_path}{RELOAD_PATH}problems"></script>'
    ).encode()
    i = html.rfind(b"</body>")
    return html[:i] + tag + html[i:] if i >= 0 else html + tag


class Handler(http.server.SimpleHTTPRequestHandler):
    base_path = "/"
    state: BuildState

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == self.base_path + RELOAD_PATH + "livereload.js":
            return self._send(200, "text/javascript; charset=utf-8", _RELOAD_JS)
        if path == self.base_path + RELOAD_PATH + "livereload.css":
            return self._send(200, "text/css; charset=utf-8", _RELOAD_CSS)
        if path == self.base_path + RELOAD_PATH + "events":
            return self._events()
        if path == self.base_path + RELOAD_PATH + "problems":
            return self._send(200, "application/json", json.dumps(self.state.problems_report()).encode())
        if not path.startswith(self.base_path):
            if path in ("/", ""):
                self.send_response(302)
                self.send_header("Location", self.base_path)
                self.end_headers()
                return None
            return self._not_found()
        local = Path(self.translate_path("/" + path[len(self.base_path):]))
        if local.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            local = local / "index.html"
        if not local.is_file():
            return self._not_found()
        data = local.read_bytes()
        ctype = self.guess_type(str(local))
        if ctype.startswith("text/html"):
            data = inject_reload(data, self.base_path)
        return self._send(200, ctype, data)

    def _not_found(self) -> None:
        page = Path(self.directory) / "404.html"
        # Without a 404 page (no build has succeeded yet) a bare one, still with the script, so
        # that the page shows the build's errors and reloads once a build succeeds.
        html = page.read_bytes() if page.exists() else _BARE_NOT_FOUND
        body = inject_reload(html, self.base_path)
        self._send(404, "text/html; charset=utf-8", body)

    def _send(self, code: int, ctype: str, data: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _events(self) -> None:
        """Server-sent events: the current generation now, then each new one."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.state.generation
        try:
            self.wfile.write(f"data: {seen}\n\n".encode())
            self.wfile.flush()
            while True:
                now = self.state.wait(seen, timeout=15)
                # A comment line keeps idle connections alive through proxies.
                self.wfile.write(f"data: {now}\n\n".encode() if now != seen else b": ping\n\n")
                self.wfile.flush()
                seen = now
        except (BrokenPipeError, ConnectionResetError):
            return


class DevServer:
    """Serves ``site_dir`` at http://host:port<base_path>; ``notify_rebuilt()`` reloads open pages."""

    def __init__(self, site_dir: Path, base_path: str = "/", host: str = "127.0.0.1", port: int = 8000):
        if not base_path.startswith("/"):
            base_path = "/" + base_path
        if not base_path.endswith("/"):
            base_path += "/"
        self.state = BuildState()
        handler = type("BoundHandler", (Handler,), {"base_path": base_path, "state": self.state})
        self.httpd = http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(site_dir)))
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_address[1]}{base_path}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> "DevServer":
        self.thread.start()
        return self

    def set_problems(self, errors: list[str], site_replaced: bool) -> None:
        """What the page's script shows after the next reload: the last build's error lines,
        and whether that build replaced the site (else the pages are the previous build's)."""
        self.state.set_problems(errors, site_replaced)

    def notify_rebuilt(self) -> None:
        self.state.bump()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
