"""axe-core (npm, node_modules/axe-core) finds no WCAG 2.2 AA violations on any page type.

The site's CSP forbids injected script, so axe runs in a context with bypass_csp=True; the pages
themselves are unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _first(site: Path, pattern: str) -> str | None:
    """The site-relative URL of the first page matching pattern (directory URL), or None."""
    found = sorted(site.glob(pattern))
    if not found:
        return None
    rel = found[0].relative_to(site).as_posix()
    return rel.removesuffix("index.html")


def page_types(site: Path) -> dict[str, str]:
    pages = {
        "home": "",
        "trial": _first(site, "trials/NCT*/index.html"),
        "conditions": "conditions/",
        "condition": _first(site, "conditions/*/index.html"),
        "sponsors": "sponsors/",
        "sponsor": _first(site, "sponsors/*/index.html"),
        "extra page": "about/" if (site / "about" / "index.html").exists() else None,
        # Pages other helpers make, checked when they exist.
        "glossary": "glossary/" if (site / "glossary" / "index.html").exists() else None,
        "search": "search/" if (site / "search" / "index.html").exists() else None,
        "handout": _first(site, "trials/NCT*/handout/index.html"),
        # 404.html as GitHub Pages serves it: for a missing path deep under the prefix.
        "404": "no/such/page/",
    }
    return {k: v for k, v in pages.items() if v is not None}


@pytest.fixture(scope="module")
def axe_context(browser):
    if not AXE.exists():
        pytest.skip(f"{AXE} missing: run `npm ci`")
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:3]:
            lines.append(f"    {node['target']}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


@pytest.mark.browser
def test_every_page_type_has_no_wcag_violations(axe_context, serve, seed_site):
    base = serve(seed_site)
    types = page_types(seed_site)
    assert {"home", "trial", "conditions", "condition", "sponsors", "sponsor", "404"} <= types.keys()
    failures = {}
    page = axe_context.new_page()
    try:
        for name, url in types.items():
            page.goto(base + url)
            violations = run_axe(page)
            if violations:
                failures[name] = describe(violations)
    finally:
        page.close()
    assert not failures, "\n".join(f"[{k}] {base}{types[k]}\n{v}" for k, v in failures.items())


@pytest.mark.browser
def test_trial_page_on_a_phone_has_no_wcag_violations(browser, serve, seed_site):
    # Reflow and target size are judged at the width a phone uses.
    base = serve(seed_site)
    context = browser.new_context(bypass_csp=True, viewport={"width": 375, "height": 812})
    try:
        page = context.new_page()
        page.goto(base + page_types(seed_site)["trial"])
        violations = run_axe(page)
        assert not violations, describe(violations)
    finally:
        context.close()


@pytest.mark.browser
def test_axe_finds_a_planted_violation(axe_context, serve, tmp_path):
    # The check can fail: an image without alt text and an unlabeled input are reported.
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head>'
        '<body><main><img src="x.png"><input type="text"></main></body></html>'
    )
    page = axe_context.new_page()
    try:
        page.goto(serve(tmp_path))
        ids = {v["id"] for v in run_axe(page)}
    finally:
        page.close()
    assert {"image-alt", "label"} <= ids, json.dumps(sorted(ids))
