"""A record stuffed with script payloads renders as text and runs nothing.

The record goes through the real pipeline (a ClinicalTrials.gov v2 JSON file -> build_site), so
every page that shows its text is covered: the trial page, taxonomy pages, home, and the search,
glossary and handout pages when they exist. In Chromium the pages are loaded twice: as served
(with the CSP) and with the CSP bypassed, so escaping alone must already keep them inert.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import html5lib
import pytest

ROOT = Path(__file__).resolve().parent.parent
NCT = "NCT09990001"
SCRIPT_TITLE = "<script>alert('title')</script></script><script>alert('title2')</script>"
IMG = "<img src=x onerror=alert('img')>"
MD_LINK = "[click me](javascript:alert('md'))"
PAYLOADS = {
    "title": SCRIPT_TITLE,
    "official": "\"><img src=x onerror=alert('official')><!--",
    "summary": f"Intro {IMG} then {MD_LINK} and [mixed](JaVaScRiPt:alert('case')) and "
               "[ent](&#106;avascript:alert('ent')) and <a href=\"javascript:alert('a')\">raw</a> "
               "![pic](javascript:alert('pic')) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
               "<svg onload=alert('svg')></svg> <iframe src=\"javascript:alert('iframe')\"></iframe>",
    "description": "# Heading <script>alert('desc')</script>\n\n* item <b onmouseover=alert('b')>x</b>\n\n"
                   "<style>body{display:none}</style>\n\n[vb](vbscript:msgbox(1))",
    "condition": "</script><script>alert('cond')</script>",
    "condition2": "<img src=x onerror=alert('cond2')> Disease",
    "keyword": "<script>alert('kw')</script>",
    "sponsor": "<script>alert('sponsor')</script> Pharma",
    "facility": IMG,
    "city": "<svg/onload=alert('city')>",
    "contact": "<script>alert('contact')</script>",
    "phone": "javascript:alert('phone')",
    "email": "\"><script>alert('email')</script>@x.org",
    "citation": "</script><script>alert('cite')</script>",
    "pmid": "\"><script>alert('pmid')</script>",
    "arm": "<script>alert('arm')</script>",
    "intervention": "<img src=x onerror=alert('intervention')>",
    "criterion": "Adults <script>alert('crit')</script> with ![x](javascript:alert('critimg'))",
}


def hostile_record() -> dict:
    p = PAYLOADS
    return {
        "protocolSection": {
            "identificationModule": {"nctId": NCT, "briefTitle": p["title"], "officialTitle": p["official"],
                                     "acronym": "<b>X</b>"},
            "statusModule": {"overallStatus": "RECRUITING", "startDateStruct": {"date": "2025-01"},
                             "lastUpdatePostDateStruct": {"date": "2025-02-03"}},
            "sponsorCollaboratorsModule": {"leadSponsor": {"name": p["sponsor"], "class": "INDUSTRY"}},
            "descriptionModule": {"briefSummary": p["summary"], "detailedDescription": p["description"]},
            "conditionsModule": {"conditions": [p["condition"], p["condition2"]], "keywords": [p["keyword"]]},
            "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE2"],
                             "designInfo": {"allocation": "RANDOMIZED", "maskingInfo": {"masking": "DOUBLE"}},
                             "enrollmentInfo": {"count": 10}},
            "armsInterventionsModule": {
                "armGroups": [{"label": p["arm"], "type": "EXPERIMENTAL", "description": p["summary"],
                               "interventionNames": [f"Drug: {p['intervention']}"]}],
                "interventions": [{"type": "DRUG", "name": p["intervention"], "description": p["summary"]}],
            },
            "eligibilityModule": {
                "eligibilityCriteria": f"Inclusion Criteria:\n\n* {p['criterion']}\n\nExclusion Criteria:\n\n* {IMG}",
                "sex": "ALL", "minimumAge": "18 Years", "healthyVolunteers": False,
            },
            "contactsLocationsModule": {
                "centralContacts": [{"name": p["contact"], "role": "CONTACT", "phone": p["phone"], "email": p["email"]}],
                "locations": [{"facility": p["facility"], "city": p["city"], "country": p["city"], "status": "RECRUITING"}],
            },
            "referencesModule": {"references": [{"pmid": p["pmid"], "type": "BACKGROUND", "citation": p["citation"]}]},
        },
        "hasResults": False,
    }


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory) -> Path:
    from ssg.build import build_site

    tmp = tmp_path_factory.mktemp("xss")
    content = tmp / "content"
    (content / "trials").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.toml", content / "site.toml")
    (content / "trials" / f"{NCT}.json").write_text(json.dumps(hostile_record()), encoding="utf-8")
    out = tmp / "site"
    report = build_site(content, out, base_url="https://example.org/repo/")
    assert report.exit_code == 0, report.errors
    assert (out / "trials" / NCT / "index.html").exists()
    return out


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def parse(data: bytes):
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False, strict=False)
    return parser.parse(data)


def test_payloads_are_text_in_every_page(xss_site):
    pages = html_pages(xss_site)
    assert len(pages) >= 5
    for path in pages:
        doc = parse(path.read_bytes())
        where = path.relative_to(xss_site)
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            tag = el.tag.lower()
            # No element the record could have injected.
            assert tag not in ("iframe", "style", "object", "embed", "base", "meta") or (
                tag == "meta" and el.get("name") != "refresh" and el.get("http-equiv", "").lower() != "refresh"
            ), (where, tag, el.attrib)
            if tag == "img":  # the site's own images (a QR code) are data: or site files, never the record's
                assert el.get("src") != "x", (where, el.attrib)
            if tag == "script":
                assert el.get("src") or el.get("type") == "application/ld+json", (where, el.attrib, el.text)
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (where, tag, name)
                if name.lower() in ("href", "src", "action", "formaction"):
                    v = value.strip().lower()
                    if not (tag == "img" and v.startswith("data:image/")):
                        assert not v.startswith(("javascript:", "data:", "vbscript:")), (where, tag, value)


def test_trial_page_shows_the_payloads_as_text(xss_site):
    raw = (xss_site / "trials" / NCT / "index.html").read_text(encoding="utf-8")
    doc = parse(raw.encode())
    h1 = doc.find(".//h1")
    assert "".join(h1.itertext()).strip() == SCRIPT_TITLE
    body_text = "".join(doc.find(".//main").itertext())
    assert "<img src=x onerror=alert('img')>" in body_text  # shown, not obeyed
    assert "click me" in body_text
    assert "<script>alert('sponsor')</script> Pharma".lower() in body_text.lower()


def test_jsonld_survives_script_end_tags(xss_site):
    raw = (xss_site / "trials" / NCT / "index.html").read_text(encoding="utf-8")
    opening = '<script type="application/ld+json">'
    start = raw.index(opening) + len(opening)
    body = raw[start:raw.index("</script>", start)]
    data = json.loads(body)
    assert data["name"] == SCRIPT_TITLE
    assert "<" not in body
    # Every "</script" in the page is the end of a real script element.
    doc = parse(raw.encode())
    assert raw.lower().count("</script") == len(list(doc.iter("script")))


def _inert_in_browser(browser, base: str, site: Path, *, bypass_csp: bool) -> tuple[list[str], dict]:
    context = browser.new_context(bypass_csp=bypass_csp, java_script_enabled=True)
    dialogs: list[str] = []
    found: dict = {}
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in html_pages(site):
            url = base + path.relative_to(site).as_posix().removesuffix("index.html")
            page.goto(url)
            page.wait_for_load_state("load")
            injected = page.evaluate(
                """() => [...document.querySelectorAll(
                    'img[src="x"], iframe, style, [onerror], [onload], [onmouseover], ' +
                    'a[href^="javascript" i], a[href^="data" i], script:not([src]):not([type="application/ld+json"])'
                  )].map(e => e.outerHTML.slice(0, 80))"""
            )
            if injected:
                found[url] = injected
            # Follow every link the record's text produced: none may run script.
            for a in page.query_selector_all("main a[href]"):
                href = a.get_attribute("href") or ""
                assert not re.match(r"\s*(javascript|data|vbscript):", href, re.I), (url, href)
    finally:
        context.close()
    return dialogs, found


@pytest.mark.browser
def test_nothing_runs_in_chromium_with_csp(browser, serve, xss_site):
    dialogs, found = _inert_in_browser(browser, serve(xss_site), xss_site, bypass_csp=False)
    assert dialogs == []
    assert found == {}


@pytest.mark.browser
def test_nothing_runs_in_chromium_even_without_csp(browser, serve, xss_site):
    # Escaping alone must keep the pages inert; the CSP is a second wall, not the first.
    dialogs, found = _inert_in_browser(browser, serve(xss_site), xss_site, bypass_csp=True)
    assert dialogs == []
    assert found == {}


@pytest.mark.browser
def test_the_dialog_check_can_fail(browser, serve, tmp_path):
    # A page that does run an injected script is caught by the same listener.
    (tmp_path / "index.html").write_text("<!doctype html><title>t</title><img src=x onerror=alert('x')>")
    context = browser.new_context()
    dialogs: list[str] = []
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(serve(tmp_path))  # waits for "load", which comes after the image's error
    finally:
        context.close()
    assert dialogs == ["x"]
