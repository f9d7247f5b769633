"""ssg.render: the Jinja environment (escaping, strict undefined, link helpers) and safe Markdown."""

from functools import partial

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


def test_trial_cards_write_what_the_trial_list_macro_wrote():
    """A term page's trial list is written in Python (fragments.trial_cards): the same bytes as
    macros.html's trial_card macro in the loop trial_list had."""
    from types import SimpleNamespace

    from ssg.model import Status
    from ssg.plain.summary import PlainSection, PlainSummary
    from ssg.render import words
    from ssg.render.fragments import trial_cards
    from ssg.site import urls

    from ssg.render import TEMPLATES_DIR

    # The trial_card macro as macros.html has it now (home.html still uses it), in the loop that
    # trial_list was before it became the trial_cards filter.
    macros = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                                trim_blocks=True, lstrip_blocks=True)
    macros.filters.update(status_class=words.status_class, status_label=words.status_label,
                          phase_label=words.phase_label, trial_cards=trial_cards)  # compiled, not called
    loops = macros.from_string(
        """{% import "macros.html" as m with context %}
<ul class="trial-list">
  {%- for nct in nct_ids %}
  {%- set entry = site.entry(nct) %}
  {%- if entry %}
  <li>{{ m.trial_card(entry, level) }}</li>
  {%- endif %}
  {%- endfor %}
</ul>""")

    def summary(*sections):
        return PlainSummary(tuple(PlainSection(f"k{i}", "H", s) for i, s in enumerate(sections)), (), (), 6.0, 9)

    def entry(nct, title, status, phases, plain):
        return SimpleNamespace(trial=SimpleNamespace(nct_id=nct, title=title, status=status, phases=phases),
                               plain=plain)

    stand_in = SimpleNamespace(sentences=("Only <one>.",), first_sentence="Only <one>.")
    entries = {e.trial.nct_id: e for e in (
        entry("NCT00000001", "A & <B> \"quoted\" 'title'", Status.RECRUITING, ["PHASE1", "PHASE2"],
              summary(("First & one.",), (), ("Second <b>.", "Third."))),
        entry("NCT00000002", "No phase", Status.TERMINATED, [], summary(("Just one.",))),
        entry("NCT00000003", "No summary", "ODD_CODE", ["NA"], None),
        entry("NCT00000004", "Empty first sentence", Status.COMPLETED, [], summary(("", "Then this."))),
        entry("NCT00000005", "No sentences", Status.WITHDRAWN, [], summary(())),
        entry("NCT00000006", "Stand-in summary", Status.UNKNOWN, ["PHASE3"], stand_in),
    )}
    site = SimpleNamespace(entry=entries.get)
    order = ["NCT00000003", "NCT00000001", "NCT09999999", "NCT00000002", "NCT00000004", "NCT00000005", "NCT00000006"]
    for page in ("conditions/x/index.html", "index.html"):
        href = partial(urls.relative, page)
        for level in (2, 3):
            for ncts in (order, [], ["NCT09999999"]):
                assert trial_cards(site, href, ncts, level) == loops.render(
                    site=site, href=href, urls=urls, nct_ids=ncts, level=level)


def test_output_is_escaped_exactly_as_markupsafe_escapes(tmp_path):
    """Templates write {{ value }} through fragments.text instead of markupsafe.escape (quicker):
    the same characters for every kind of value."""
    from markupsafe import Markup, escape

    from ssg.model import Status
    from ssg.render.fragments import text

    class Html:
        def __html__(self):
            return "<i>safe</i>"

    class Sub(str):
        pass

    values = ["<script>alert('x') & \"y\"</script>", "plain", "", "é\u2028 · …", Markup("<b>ok</b> &amp;"),
              42, 1.5, None, Html(), Sub("<sub>"), Status.RECRUITING, ["<a>"]]
    source = "".join(f"{{{{ v{i} }}}}|" for i in range(len(values)))
    (tmp_path / "e.html").write_text(source + "{% set b %}{{ v0 }}{% endset %}{{ b }}{% macro m(x) %}[{{ x }}]{% endmacro %}{{ m(v0) }}")
    site = Site(SiteConfig(title="T", base_url="https://org.github.io/repo/"), (), (), ())
    context = {f"v{i}": v for i, v in enumerate(values)}
    expected = jinja2.Environment(autoescape=True).from_string(
        (tmp_path / "e.html").read_text()).render(**context)
    assert Renderer(site, tmp_path).render_text("e.html", "index.html", **context) == expected
    assert "&lt;script&gt;alert(&#39;x&#39;) &amp; &#34;y&#34;&lt;/script&gt;" in expected
    for v in values:
        assert text(v) == escape(v)


def test_template_calls_pass_the_context_only_where_asked(tmp_path):
    """Plain functions are called straight away (a quicker path than Jinja's), functions that ask
    for the context still get it, keyword arguments still arrive, and a StopIteration is still
    an undefined value."""
    (tmp_path / "c.html").write_text(
        "{{ plain(1, b=2) }}|{{ ctx(3) }}|{% for i in [1] %}{{ ctx(i) }}{{ plain(i, obj=5) }}{% endfor %}|"
        "{% macro m(x) %}[{{ ctx(x) }}]{% endmacro %}{{ m(4) }}")
    (tmp_path / "s.html").write_text("{{ stop() }}")
    site = Site(SiteConfig(title="T", base_url="https://org.github.io/repo/"), (), (), ())
    renderer = Renderer(site, tmp_path)

    def plain(a, b=0, obj=0):
        return f"p{a}{b}{obj}"

    @jinja2.pass_context
    def ctx(context, x):
        return f"c{x}{context['page_path']}"

    def stop():
        raise StopIteration

    out = renderer.render_text("c.html", "x/index.html", plain=plain, ctx=ctx)
    assert out == "p120|c3x/index.html|c1x/index.htmlp105|[c4x/index.html]"
    with pytest.raises(jinja2.UndefinedError, match="StopIteration"):
        renderer.render_text("s.html", "x/index.html", stop=stop)


def test_pages_name_each_phase_as_the_plain_summary_does():
    """A badge, a search filter and the plain summary under them call a phase by one name
    (ClinicalTrials.gov's: "Early Phase 1")."""
    from ssg.model import Trial
    from ssg.plain import summarise
    from ssg.render import words

    assert words.phase_label(["EARLY_PHASE1", "PHASE1"]) == "Early Phase 1 / Phase 1"
    trial = Trial(nct_id="NCT00000001", title="A study", phases=["EARLY_PHASE1"], study_type="INTERVENTIONAL")
    sentences = " ".join(summarise(trial).sentences)
    assert words.phase_label(trial.phases) in sentences


@pytest.mark.parametrize("n, recruiting, said", [
    (1, 0, "it is not looking for people now."),
    (1, 1, "it is looking for people now."),
    (4, 0, "none are looking for people now."),
    (4, 4, "all are looking for people now."),
    (4, 1, "1 is looking for people now and listed first."),
    (4, 3, "3 are looking for people now and listed first."),
])
def test_term_pages_say_how_many_take_people_now_as_a_person_would(n, recruiting, said):
    """The lead of a condition or sponsor page: "listed first" only when the list has some of each."""
    from ssg.render import TEMPLATES_DIR

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update({name: str for name in ("status_class", "status_label", "phase_label", "trial_cards")})
    macro = env.from_string('{% import "macros.html" as m %}{{ m.recruiting_now(n, recruiting) }}')
    assert macro.render(n=n, recruiting=recruiting) == said
