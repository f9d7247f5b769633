"""ssg.render: the Jinja environment (escaping, strict undefined, link helpers) and safe Markdown."""

import jinja2
import pytest

from ssg.config import SiteConfig
from ssg.render import Renderer
from ssg.render.markdown import render_markdown
from ssg.site.model import Site


@pytest.fixture
def renderer(tmp_path):
    (tmp_path / "t.html").write_text("{{ root }}|{{ href(urls.trial_path(nct)) }}|{{ text }}|{{ md | markdown }}\n")
    (tmp_path / "strict.html").write_text("{{ missing }}")
    site = Site(SiteConfig(title="T", base_url="https://org.github.io/repo/"), (), (), ())
    return Renderer(site, tmp_path)


def test_context_links_are_relative_and_text_escaped(renderer):
    out = renderer.render("t.html", "trials/NCT00000001/index.html", nct="NCT00000002",
                          text="<script>x</script>", md="*hi*").decode()
    assert out == "../../|../NCT00000002/|&lt;script&gt;x&lt;/script&gt;|<p><em>hi</em></p>\n\n"


def test_404_links_are_rooted_at_the_base_path(renderer):
    out = renderer.render("t.html", "404.html", nct="NCT00000002", text="", md="").decode()
    assert out.startswith("/repo/|/repo/trials/NCT00000002/|")


def test_undefined_is_an_error(renderer):
    with pytest.raises(jinja2.UndefinedError):
        renderer.render("strict.html", "index.html")


@pytest.mark.parametrize("source, absent", [
    ("<script>alert(1)</script>", "<script"),
    ('<img src=x onerror="alert(1)">', "<img"),
    ("[click](javascript:alert(1))", 'href="javascript'),
    ("[click](JAVASCRIPT:alert(1))", "href="),
    ("[click](data:text/html;base64,PHNjcmlwdD4=)", "href="),
    ("[click](vbscript:msgbox)", "href="),
    ("[rel](../../etc)", "href="),
    ("![pixel](https://tracker.example/p.gif)", "<img"),
    ("<https://ok.example/> <javascript:alert(1)>", 'href="javascript'),
])
def test_markdown_is_safe(source, absent):
    assert absent not in render_markdown(source)


def test_markdown_keeps_safe_links_and_structure():
    html = render_markdown("# Title\n\n* one\n* two\n\n[site](https://example.org) [mail](mailto:a@b.org) "
                           "[phone](tel:+15551234)\n\n1\\. not a list \\> 3")
    assert "<h3>Title</h3>" in html  # shifted below the page's own headings
    assert "<li>one</li>" in html
    assert 'href="https://example.org"' in html and 'href="mailto:a@b.org"' in html and 'href="tel:+15551234"' in html
    assert "1. not a list &gt; 3" in html
    assert render_markdown(None) == "" and render_markdown("# T", shift=0) == "<h1>T</h1>\n"


# ---------------------------------------------------------------- the quick path for plain text


def _markdown_it(text: str) -> str:
    from ssg.render.markdown import _parser

    return _parser(2).render(text)


def test_plain_text_renders_as_markdown_it_would():
    import random

    from ssg.render.markdown import plain_paragraphs

    pieces = ["a", "Zé", " ", "  ", "   ", "    ", "\n", "\n\n", " \n", "\n   x", "1", "10)", "1. ", ".", ")", "-", "- ",
              "+", "=", "==", "--", '"', "'", "(", ",", ":", "!", "?", "/", "%", "$", "@", "{", "\u00a0", "\u2003",
              "\t", "*", "_", "#", "&amp;", "<b>", "\\", "word ", "ﬀ", "\x0c"]
    rnd = random.Random(5)
    taken = 0
    for _ in range(30000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 25)))
        fast = plain_paragraphs(text)
        if fast is not None:
            taken += 1
            assert fast == _markdown_it(text), repr(text)
    assert taken > 3000  # the quick path is really taken


@pytest.mark.parametrize("text", ["1. one\n2. two", "- item", "a *b*", "x\n===", "    code", "a  \nb", "a\tb",
                                  "[l](https://e.org)", "a & b", "<b>x</b>", "# h", "a\u00a0b"])
def test_markdown_syntax_leaves_the_quick_path(text):
    from ssg.render.markdown import plain_paragraphs

    assert plain_paragraphs(text) is None
    assert render_markdown(text) == _markdown_it(text)


def test_plain_paragraphs_escape_quotes_and_split_on_blank_lines():
    assert render_markdown(' One "two"\n  three \n\n  \nFour') == '<p>One &quot;two&quot;\nthree</p>\n<p>Four</p>\n'


def test_site_lists_write_what_the_jinja_loops_wrote():
    from markupsafe import Markup

    from ssg.render.fragments import li, site_lists
    from ssg.site.trial_view import CityGroup, CountryGroup, SiteView

    loops = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(
        """  {% for country in countries %}
  <details class="country"{% if open_all or loop.first %} open{% endif %}>
    <summary><h3 class="country__name">{{ country.country }} <span class="count">({{ country.site_count }} site{% if country.site_count != 1 %}s{% endif %})</span></h3></summary>
    <ul class="cities">
      {% for city in country.cities %}
      <li>
        <span class="city">{{ city.city }}{% if city.state %}, {{ city.state }}{% endif %}</span>
        <ul class="sites">
          {% for s in city.sites %}
          <li>{{ s.facility }}{% if s.status %} <span class="site-status">({{ s.status }})</span>{% endif %}</li>
          {% endfor %}
        </ul>
      </li>
      {% endfor %}
    </ul>
  </details>
  {% endfor %}
""")
    countries = (
        CountryGroup("A & <B>", (CityGroup("C'ty", 'S"t', (SiteView("<x>", "Recruiting"), SiteView("y", ""))),
                                 CityGroup("D", "", (SiteView("z", ""),))), 3),
        CountryGroup("E", (CityGroup("F", "", (SiteView("w", "Completed"),)),), 1),
    )
    for open_all in (True, False):
        assert site_lists(countries, open_all) == loops.render(countries=countries, open_all=open_all)
    assert li(["a<b", Markup("<i>c</i>"), 3]) == "<li>a&lt;b</li><li><i>c</i></li><li>3</li>"


@pytest.mark.parametrize("page", ["trials/NCT00000001/index.html", "sponsors/acme/index.html", "index.html",
                                  "trials/NCT00000001/handout/index.html", "about/index.html"])
def test_shared_hrefs_are_the_relative_links(page):
    from ssg.render.links import page_href
    from ssg.site import urls

    shared: dict = {}
    targets = ["index.html", "search/index.html", "trials/NCT00000002/index.html", "trials", "glossary/index.html#ecog",
               "sponsors/acme/index.html", "sponsors/other/index.html", "assets/css/site.css", "a/../trials/x.html"]
    for other in ("conditions/x/index.html", "trials/NCT9/index.html", "index.html"):  # fill the shared table
        href = page_href(other, shared)
        [href(t) for t in targets]
    href = page_href(page, shared)
    assert [href(t) for t in targets] == [urls.relative(page, t) for t in targets]


def test_a_renderer_builds_the_glossary_tables_before_workers_fork(tmp_path):
    """Render workers fork from the process that made the Renderer: built there, the glossary's
    match tables are shared by every worker instead of built again in each (~70 ms apiece)."""
    from ssg.plain import glossary

    glossary._quick_tables.cache_clear()
    glossary._lowered_index.cache_clear()
    glossary._index.cache_clear()
    Renderer(Site(SiteConfig(title="T", base_url="https://org.github.io/repo/"), (), (), ()), tmp_path)
    assert glossary._quick_tables.cache_info().currsize == 1
    assert glossary._index.cache_info().currsize == 1
