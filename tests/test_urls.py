"""ssg.site.urls: the URL scheme (a contract) and relative links that work under any prefix."""

import posixpath
from urllib.parse import urljoin

import pytest
from hypothesis import given, strategies as st

from ssg.site import urls


def test_paths_follow_the_contract():
    assert urls.home_path() == "index.html"
    assert urls.trial_path("NCT01234567") == "trials/NCT01234567/index.html"
    assert urls.handout_path("NCT01234567") == "trials/NCT01234567/handout/index.html"
    assert urls.conditions_path() == "conditions/index.html"
    assert urls.condition_path("lupus") == "conditions/lupus/index.html"
    assert urls.sponsors_path() == "sponsors/index.html"
    assert urls.sponsor_path("nih") == "sponsors/nih/index.html"
    assert urls.search_path() == "search/index.html"
    assert urls.glossary_path() == "glossary/index.html"
    assert urls.not_found_path() == "404.html"
    assert urls.asset_path("css/site.css") == "assets/css/site.css"
    assert urls.extra_page_path("about") == "about/index.html"


@pytest.mark.parametrize("src, dest, href", [
    ("index.html", "index.html", "./"),
    ("index.html", "trials/NCT01234567/index.html", "trials/NCT01234567/"),
    ("trials/NCT01234567/index.html", "index.html", "../../"),
    ("trials/NCT01234567/index.html", "trials/NCT01234567/handout/index.html", "handout/"),
    ("trials/NCT01234567/handout/index.html", "assets/css/site.css", "../../../assets/css/site.css"),
    ("conditions/lupus/index.html", "glossary/index.html#placebo", "../../glossary/#placebo"),
    ("404.html", "sitemap.xml", "sitemap.xml"),
])
def test_relative(src, dest, href):
    assert urls.relative(src, dest) == href


def test_rooted_and_absolute_use_the_base_path():
    assert urls.rooted("https://org.github.io/repo/", "trials/NCT01234567/index.html") == "/repo/trials/NCT01234567/"
    assert urls.rooted("https://org.github.io/repo", "index.html") == "/repo/"
    assert urls.rooted("https://example.org/", "assets/css/site.css") == "/assets/css/site.css"
    assert urls.absolute("https://org.github.io/repo/", "index.html") == "https://org.github.io/repo/"
    assert urls.absolute("https://org.github.io/repo/", "sitemap.xml") == "https://org.github.io/repo/sitemap.xml"
    assert urls.absolute("https://org.github.io/repo/", "conditions/a/index.html") == "https://org.github.io/repo/conditions/a/"


site_path = st.lists(st.sampled_from(["trials", "NCT01234567", "conditions", "a-b", "assets", "css"]),
                     min_size=0, max_size=3).map(lambda parts: "/".join(parts + ["index.html"]))


@given(site_path, site_path)
def test_relative_link_resolves_to_target_under_any_prefix(src, dest):
    # A browser resolves the href against the page URL; the result must be the target's URL.
    for prefix in ("https://org.github.io/repo/", "https://example.org/"):
        page_url = prefix + src
        resolved = urljoin(page_url, urls.relative(src, dest))
        expected = prefix + dest.removesuffix("index.html")
        assert resolved == expected


@pytest.mark.parametrize("name, slug", [
    ("Systemic Lupus Erythematosus", "systemic-lupus-erythematosus"),
    ("Crohn's Disease", "crohn-s-disease"),
    ("  Ünïcödé  Name ", "unicode-name"),
    ("!!!", "term"),
    ("a" * 200, "a" * 80),
])
def test_slugify(name, slug):
    assert urls.slugify(name) == slug


def test_slug_is_url_safe():
    slug = urls.slugify("x/../<script>?#")
    assert posixpath.normpath(slug) == slug and all(c.isalnum() or c == "-" for c in slug)
