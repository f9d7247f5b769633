"""`ssg serve`: build, serve on 127.0.0.1 under the site's base path, rebuild on change, reload."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

from ssg.build import STATIC_DIR, TEMPLATES_DIR, build_site
from ssg.config import ConfigError, load_config


def add_parser(sub) -> None:
    p = sub.add_parser("serve", help="preview the site locally with live reload")
    p.add_argument("--content", default="content", metavar="DIR", help="content folder (default: content)")
    p.add_argument("--out", default="site", metavar="DIR", help="output folder (default: site)")
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")
    p.set_defaults(run=run)


def _build(content: Path, out: Path, base_url: str) -> int:
    report = build_site(content, out, base_url=base_url)
    for line in report.errors + report.warnings:
        print(line, file=sys.stderr)
    print(f"built {report.pages} pages", file=sys.stderr)
    return report.exit_code


def run(args) -> int:
    from watchfiles import watch

    from ssg.serve import DevServer

    content, out = Path(args.content), Path(args.out)
    try:
        config = load_config(content / "site.toml")
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    base_path = urlsplit(config.base_url).path or "/"
    server = DevServer(out, base_path, port=args.port)
    # Absolute links (canonical, sitemap, QR codes) point at this server while previewing.
    local_base = server.url
    if _build(content, out, local_base) == 2:
        server.close()
        return 2
    server.start()
    print(f"serving {server.url}  (Ctrl-C to stop)", file=sys.stderr)
    watched = [p for p in (content, TEMPLATES_DIR, STATIC_DIR) if p.exists()]
    try:
        for changes in watch(*watched, debounce=200, step=50):
            names = sorted({Path(p).name for _, p in changes})
            print(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}", file=sys.stderr)
            if _build(content, out, local_base) != 2:
                server.notify_rebuilt()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0
