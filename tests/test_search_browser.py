"""The search page in headless Chromium, on the seed site served under /repo/ (like a project site).

Type a query and see the trial with the words marked; filters by age and country; the state
survives a reload and the back button; keyboard-only use; a typo still finds lupus; nothing
is downloaded before search is used; no script error or CSP violation.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/ssg-screens")
LUPUS_TRIALS = {"NCT05843643", "NCT07177911"}  # seed trials about systemic lupus erythematosus


def result_ids(page) -> list[str]:
    return page.locator("#search-results .search-result__id").all_inner_texts()


def wait_for_results(page, ids: set[str] | None = None, count: int | None = None) -> None:
    """Wait until the result list shows exactly ``ids`` (or ``count`` results) and the count is announced."""
    page.wait_for_function(
        """([ids, count]) => {
            const got = [...document.querySelectorAll('#search-results .search-result__id')].map(e => e.textContent);
            const status = document.getElementById('search-count').textContent;
            if (!status) return false;
            if (ids) return got.length === ids.length && ids.every(i => got.includes(i));
            return got.length === count;
        }""",
        arg=[sorted(ids) if ids is not None else None, count],
    )


@pytest.fixture
def search_url(seed_site, serve):
    return serve(seed_site) + "search/"


@pytest.fixture
def watched(page):
    """The page, recording console errors, page errors and requested URLs."""
    page.errors = []
    page.requests = []
    # Chromium asks for /favicon.ico, outside the /repo/ prefix; that 404 is not the page's doing.
    page.on("console", lambda m: m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    return page


def test_type_a_query_and_see_the_trial_marked(watched, search_url):
    page = watched
    page.goto(search_url)
    page.wait_for_load_state("load")
    assert not [u for u in page.requests if u.endswith(".json")], "index loaded before search was used"

    page.fill("#search-q", "lupus")
    wait_for_results(page, LUPUS_TRIALS)
    assert page.locator("#search-count").inner_text() == "2 trials found."
    assert page.locator("#search-count").get_attribute("aria-live") == "polite"
    first = page.locator("#search-results > li").first
    assert "lupus" in first.locator("mark").first.inner_text().lower()
    # Each result: title link, status in words, phase, conditions, places, summary sentence.
    card = page.locator("#search-results > li", has_text="NCT07177911")
    assert card.locator("h3 a").get_attribute("href").endswith("/repo/trials/NCT07177911/")
    assert card.locator(".badge").inner_text() == "Recruiting"
    assert "Phase" in card.locator(".search-result__phase").inner_text()
    assert "Systemic Lupus Erythematosus" in card.locator(".search-result__conditions").inner_text()
    assert "Chengdu" in card.locator(".search-result__places").inner_text()
    assert card.locator(".search-result__summary").inner_text().strip()
    assert parse_qs(urlsplit(page.url).query) == {"q": ["lupus"]}
    # The page carries the shard keys, so the shards were asked for beside docs.json, not after a manifest.
    fetched = [u.split("/repo/search/")[-1] for u in page.requests if u.endswith(".json")]
    assert "manifest.json" not in fetched and "docs.json" in fetched
    assert {f.split("/")[0] for f in fetched} >= {"title", "names", "members", "text"}
    assert page.errors == []

    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1100, "height": 1400})
    page.screenshot(path=str(SCREENS / "search.png"), full_page=True)

    # The result link leads to the trial page under the prefix.
    card.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/repo/trials/NCT07177911/$"))


def test_age_and_country_filters_and_the_url_keeps_the_state(watched, search_url):
    page = watched
    page.goto(search_url + "?q=lupus")
    wait_for_results(page, LUPUS_TRIALS)  # a query in the URL runs on load

    page.fill("#search-age", "64")  # NCT05843643 takes people up to 63
    page.locator("#search-age").dispatch_event("change")
    wait_for_results(page, {"NCT07177911"})
    page.select_option("#search-country", "China")
    wait_for_results(page, {"NCT07177911"})
    page.select_option("#search-country", "Brazil")  # NCT07177911 has no site in Brazil
    page.wait_for_function("() => document.getElementById('search-count').textContent.startsWith('No trials')")
    assert result_ids(page) == []
    page.select_option("#search-country", "China")
    wait_for_results(page, {"NCT07177911"})
    assert parse_qs(urlsplit(page.url).query) == {"q": ["lupus"], "country": ["China"], "age": ["64"]}

    page.reload()
    wait_for_results(page, {"NCT07177911"})
    assert page.input_value("#search-q") == "lupus"
    assert page.input_value("#search-age") == "64"
    assert page.input_value("#search-country") == "China"

    page.go_back()  # the Brazil step
    page.wait_for_function("() => document.getElementById('search-country').value === 'Brazil'")
    page.wait_for_function("() => document.getElementById('search-count').textContent.startsWith('No trials')")
    page.go_back()  # China
    page.go_back()  # age only
    page.wait_for_function("() => document.getElementById('search-country').value === ''")
    wait_for_results(page, {"NCT07177911"})
    assert page.errors == []


@pytest.mark.parametrize("query", ["?status=RECRUITING&sex=FEMALE", "?status=recruiting&sex=female"],
                         ids=["as-the-form-writes-it", "hand-typed-in-lower-case"])
def test_filters_alone_list_every_matching_trial(watched, search_url, query):
    from test_search_node import seed_entries

    page = watched
    want = {e.trial.nct_id for e in seed_entries()
            if e.trial.status.value == "RECRUITING" and e.trial.eligibility.sex in ("ALL", "FEMALE", None)}
    page.goto(search_url + query)
    wait_for_results(page, want)
    assert (page.input_value("#search-status"), page.input_value("#search-sex")) == ("RECRUITING", "FEMALE")
    assert page.locator("#search-count").inner_text() == f"{len(want)} trials found."
    assert page.errors == []


def test_keyboard_only(watched, search_url):
    page = watched
    page.goto(search_url)
    for _ in range(40):  # Tab through the header to the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-q":
            break
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type("lupis")  # one typo: still lupus
    wait_for_results(page, LUPUS_TRIALS)
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#search-results') && document.activeElement.tagName === 'A'"):
            break
    else:
        pytest.fail("Tab never reached a result")
    target = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/repo/trials/NCT\d{8}/$"))
    assert target.rstrip("/").rsplit("/", 1)[-1] in LUPUS_TRIALS
    assert page.errors == []


def test_nct_id_and_city(watched, search_url):
    page = watched
    page.goto(search_url)
    page.fill("#search-q", "NCT07177911")
    wait_for_results(page, {"NCT07177911"})
    assert page.locator("#search-results mark").first.inner_text() == "NCT07177911"
    assert not any(re.search(r"/search/(title|names|members|summary)/", u) for u in page.requests)  # an ID: no shard
    page.fill("#search-q", "chengdu")  # a place: loads its place shard on demand
    wait_for_results(page, {"NCT06839066", "NCT07177911"})  # both have a site in Chengdu
    assert any(re.search(r"/repo/search/members/\d+\.json$", u) for u in page.requests)
    assert page.errors == []


def test_without_javascript_the_page_points_to_the_indexes(browser, search_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(search_url)
    links = page.locator("noscript a, .search-noscript a")
    hrefs = [a.get_attribute("href") for a in links.all()]
    context.close()
    assert hrefs == ["../conditions/", "../sponsors/"]
