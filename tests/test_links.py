"""The built site holds together: every trial has a page, every internal link and asset resolves
under a /repo/ prefix (as GitHub Pages serves a project site), and every page is valid HTML5."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import html5lib
import pytest

from ssg.build import build_site

HOST = "https://example.org"
PREFIX = "/repo/"
LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("form", "action"),
              ("source", "src"), ("iframe", "src")}


class Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.embedded: list[str] = []  # data: URLs of resources (an empty favicon), never of <a> links
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if (tag, name) in LINK_ATTRS and value is not None:
                if tag != "a" and value.startswith("data:"):
                    self.embedded.append(value)
                else:
                    self.links.append(value)


def scan(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def target_file(site: Path, url_path: str) -> Path:
    rel = unquote(url_path[len(PREFIX):])
    return site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def broken_links(site: Path) -> list[str]:
    pages = sorted(site.rglob("*.html"))
    scanned = {p: scan(p) for p in pages}
    problems = []
    for page, found in scanned.items():
        page_url = HOST + PREFIX + page.relative_to(site).as_posix()
        for href in found.links:
            url = urljoin(page_url, href)
            parts = urlsplit(url)
            if parts.scheme in ("mailto", "tel") or (parts.scheme in ("http", "https") and parts.netloc != "example.org"):
                continue  # outside the site
            where = f"{page.relative_to(site)}: {href!r}"
            if parts.scheme not in ("http", "https"):
                problems.append(f"{where}: scheme {parts.scheme!r}")
                continue
            if not parts.path.startswith(PREFIX):
                problems.append(f"{where}: leaves the {PREFIX} prefix ({parts.path})")
                continue
            target = target_file(site, parts.path)
            if not target.is_file():
                problems.append(f"{where}: no file {target.relative_to(site)}")
            elif parts.fragment and target.suffix == ".html":
                ids = scanned[target].ids if target in scanned else scan(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{where}: no id {parts.fragment!r} in {target.relative_to(site)}")
    return problems


def html5_errors(site: Path) -> list[str]:
    problems = []
    for page in sorted(site.rglob("*.html")):
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        try:
            parser.parse(page.read_bytes(), likely_encoding="utf-8")
        except html5lib.html5parser.ParseError as e:
            problems.append(f"{page.relative_to(site)}: {e}")
    return problems


def trial_ids(files) -> set[str]:
    return {re.match(r"NCT\d{8}", f.name).group(0) for f in files}


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory, corpus_v2, corpus_xml) -> tuple[Path, set[str]]:
    root = tmp_path_factory.mktemp("corpus")
    content = root / "content"
    (content / "trials").mkdir(parents=True)
    (content / "site.toml").write_text('title = "Corpus"\nbase_url = "https://example.org/repo/"\n')
    for f in corpus_v2 + corpus_xml:
        shutil.copyfile(f, content / "trials" / f"{f.parent.name}-{f.name}")
    out = root / "site"
    report = build_site(content, out)
    assert report.errors == [], report.errors[:10]
    return out, trial_ids(corpus_v2 + corpus_xml)


def test_seed_site_every_trial_has_a_page(seed_site):
    from conftest import CONTENT
    from ssg.sources import parse_file, record_files

    ids = {parse_file(f).nct_id for f in record_files([CONTENT / "trials"])}
    assert len(ids) >= 10
    assert {p.parent.name for p in (seed_site / "trials").glob("NCT*/index.html")} == ids


def test_seed_site_links_resolve(seed_site):
    assert broken_links(seed_site) == []


def test_seed_site_is_valid_html5(seed_site):
    assert html5_errors(seed_site) == []


@pytest.mark.corpus
def test_corpus_every_trial_has_a_page(corpus_site):
    site, ids = corpus_site
    assert len(ids) >= 250
    assert {p.parent.name for p in (site / "trials").glob("NCT*/index.html")} == ids


@pytest.mark.corpus
def test_corpus_links_resolve(corpus_site):
    site, _ = corpus_site
    problems = broken_links(site)
    assert problems == [], f"{len(problems)} broken links, first: {problems[:20]}"


@pytest.mark.corpus
def test_corpus_is_valid_html5(corpus_site):
    site, _ = corpus_site
    problems = html5_errors(site)
    assert problems == [], f"{len(problems)} pages with errors, first: {problems[:20]}"


def test_link_checker_finds_broken_links(tmp_path):
    # The checker itself must be able to fail.
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">ok</a><a href="missing/">x</a><a href="/elsewhere/">y</a>'
                                         '<a href="a/#nope">z</a><a href="javascript:alert(1)">j</a>')
    (tmp_path / "a" / "index.html").write_text('<p id="here">a</p>')
    problems = broken_links(tmp_path)
    assert len(problems) == 4, problems


def test_404_links_work_at_any_depth(seed_site):
    # Pages serves 404.html for any missing URL, however deep: relative links would break there.
    found = scan(seed_site / "404.html")
    internal = [h for h in found.links if not urlsplit(h).scheme and not h.startswith("#")]
    assert internal, "404.html should link back into the site"
    assert [h for h in internal if not h.startswith(PREFIX)] == []
    for depth in ("missing", "a/b/c/missing/"):
        page_url = HOST + PREFIX + depth
        for href in internal:
            assert target_file(seed_site, urlsplit(urljoin(page_url, href)).path).is_file(), href


def test_seed_site_links_answer_over_http(seed_site, serve):
    # The same check through a real server under /repo/, as GitHub Pages serves a project site.
    import urllib.error
    import urllib.request

    base = serve(seed_site, PREFIX)  # http://127.0.0.1:PORT/repo/
    origin = base[: -len(PREFIX)]
    urls = set()
    for page in sorted(seed_site.rglob("*.html")):
        page_url = base + page.relative_to(seed_site).as_posix()
        for href in scan(page).links:
            url = urljoin(page_url, href).split("#", 1)[0]
            if url.startswith(origin):
                urls.add(url)
    assert len(urls) > 50
    failures = []
    for url in sorted(urls):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                if response.status != 200:
                    failures.append(f"{url}: {response.status}")
        except urllib.error.HTTPError as e:
            failures.append(f"{url}: {e.code}")
    assert failures == []
