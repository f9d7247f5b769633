"""The core pages: a Site built from plain Trial objects is rendered and the HTML is read back.

Small sites are declared in the tests themselves; the seed site (content/) is checked for the
same properties on real-looking records.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest

from ssg.config import SiteConfig
from ssg.model import (Arm, Contact, Eligibility, Intervention, Location, Reference, RelatedTrial, Sponsor,
                       Status, Trial)
from ssg.render import Renderer
from ssg.render.jsonld import script_json
from ssg.site import trial_view as tv
from ssg.site.assemble import assemble
from ssg.site.pages import pages, term_index
from ssg.site.model import Term

BASE = "https://example.org/repo/"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def summaries(trials):
    try:
        from ssg.plain import summarise
    except ImportError:  # the plain helper's module; pages render without it
        return {}
    return {t.nct_id: summarise(t) for t in trials}


def build(trials, base_url=BASE) -> dict[str, bytes]:
    config = SiteConfig(title="Trials <Test> & Co", base_url=base_url, description="Test site")
    site = assemble(config, trials, summaries(trials))
    files = {f.path: f.data for f in pages(site, Renderer(site))}
    return files


def parse(data: bytes):
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False, strict=False)
    doc = parser.parse(data)
    assert not parser.errors, parser.errors[:3]
    return doc


def text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def find(doc, tag: str, **attrs):
    return [e for e in doc.iter(tag) if all(e.get(k.rstrip("_")) == v for k, v in attrs.items())]


def by_id(doc, id_: str):
    found = [e for e in doc.iter() if e.get("id") == id_]
    assert len(found) == 1, f"expected one element with id={id_!r}, found {len(found)}"
    return found[0]


def hrefs(el) -> list[str]:
    return [a.get("href") for a in el.iter("a")]


def trial(nct: str = "NCT00000001", **kw) -> Trial:
    fields = dict(
        nct_id=nct,
        title=f"Study {nct}",
        status=Status.RECRUITING,
        phases=["PHASE2"],
        study_type="INTERVENTIONAL",
        enrollment=40,
        start_date="2025-01-15",
        completion_date="2027-06",
        last_updated="2025-03-01",
        brief_summary="A study of **drug A** in adults.",
        conditions=["Asthma"],
        eligibility=Eligibility(inclusion=["Adults"], exclusion=["Pregnancy"], min_age_years=18, max_age_years=65,
                                sex="ALL", healthy_volunteers=False),
        sponsors=[Sponsor(name="ACME PHARMA", role="lead"), Sponsor(name="City University", role="collaborator")],
    )
    fields.update(kw)
    return Trial(**fields)


@pytest.fixture(scope="module")
def small_site():
    a = trial(
        "NCT00000001",
        arms=[Arm(label="Drug A group", type="EXPERIMENTAL", interventions=["Drug: Drug A"]),
              Arm(label="Placebo group", type="PLACEBO_COMPARATOR", interventions=["Placebo"])],
        interventions=[Intervention(name="Drug A", type="DRUG", description="One tablet a day"),
                       Intervention(name="Placebo", type="DRUG")],
        locations=[Location(facility="Zeta Clinic", city="Oslo", country="Norway", status="RECRUITING"),
                   Location(facility="Alpha Hospital", city="Bergen", country="Norway"),
                   Location(facility="Main Site", city="Austin", state="Texas", country="United States"),
                   Location(facility="Second Site", city="Austin", state="Texas", country="United States")],
        contacts=[Contact(name="Study Desk", phone="+1 (555) 123-4567 ext. 89", email="desk@example.org"),
                  Contact(name="Site Nurse", phone="call us", email="not an email <b>", facility="Zeta Clinic")],
        references=[Reference(citation="Smith J. A paper. 2020.", type="BACKGROUND", pmid="12345678"),
                    Reference(citation="A paper without a PMID.", type="RESULT", pmid=None)],
        related=[RelatedTrial(nct_id="NCT00000002", title="Sister study", status=Status.COMPLETED),
                 RelatedTrial(nct_id="NCT09999999", title="Elsewhere study", status=Status.RECRUITING)],
    )
    b = trial("NCT00000002", status=Status.COMPLETED, conditions=["Asthma", "COPD"], last_updated=None)
    c = trial("NCT00000003", status=Status.NOT_YET_RECRUITING, conditions=["asthma"],
              sponsors=[Sponsor(name="Acme Pharma")])
    return build([a, b, c])


# --- trial page --------------------------------------------------------------------------------

def test_trial_page_has_status_banner_in_words(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    banner = [e for e in doc.iter() if "status-banner" in (e.get("class") or "")]
    assert [text(b) for b in banner] == ["Recruiting: this study is looking for participants"]
    doc = parse(small_site["trials/NCT00000002/index.html"])
    assert "Completed:" in text(doc)


def test_trial_page_has_plain_summary_slot_with_note(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    slot = by_id(doc, "plain-summary")
    assert "automatically" in text(slot)
    assert "doctor" in text(slot)


def test_plain_summary_sections_and_join_lists_are_rendered(small_site):
    plain = pytest.importorskip("ssg.plain")
    t = trial("NCT00000001")
    summary = plain.summarise(t)
    doc = parse(small_site["trials/NCT00000001/index.html"])
    slot_text = text(by_id(doc, "plain-summary"))
    for section in summary.sections:
        assert section.heading in slot_text
    eligibility = text(by_id(doc, "eligibility"))
    if summary.can_join:
        assert "You may be able to join if" in eligibility
    if summary.cannot_join:
        assert "You cannot join if" in eligibility
    # The plain points come before the full criteria lists.
    assert eligibility.index("join if") < eligibility.index("Adults")


def test_key_facts_are_a_definition_list(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    facts = by_id(doc, "facts")
    terms = [text(dt) for dt in facts.iter("dt")]
    values = dict(zip(terms, (text(dd) for dd in facts.iter("dd"))))
    assert values["Phase"] == "Phase 2"
    assert values["Number of people"] == "40 people"
    assert values["Ages"] == "18 years to 65 years"
    assert values["Sex"] == "All sexes"
    assert values["Healthy volunteers"].startswith("No")
    assert values["Start date"] == "15 January 2025"


def test_arms_list_their_interventions(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    tested = text(by_id(doc, "tested"))
    assert "Drug A group" in tested and "One tablet a day" in tested
    assert "Placebo group" in tested


def test_criteria_are_ordered_lists(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    lists = [text(ol) for ol in by_id(doc, "eligibility").iter("ol")]
    assert lists == ["Adults", "Pregnancy"]


def test_locations_grouped_by_country_then_city_sorted(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    where = by_id(doc, "where")
    countries = [text(s) for s in where.iter("summary")]
    assert countries == ["Norway (2 sites)", "United States (2 sites)"]
    cities = [text(e) for e in where.iter("span") if e.get("class") == "city"]
    assert cities == ["Bergen", "Oslo", "Austin, Texas"]


def test_contacts_have_tel_and_mailto_links_only_when_safe(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    links = hrefs(by_id(doc, "contact"))
    assert "tel:+15551234567;ext=89" in links
    assert "mailto:desk@example.org" in links
    # A phone with no digits and a malformed email are shown as text, not as links.
    assert not any(h.startswith("tel:") and "call" in h for h in links)
    assert not any("not an email" in h for h in links)
    assert "not an email <b>" in text(by_id(doc, "contact"))


def test_references_link_to_pubmed(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    links = hrefs(by_id(doc, "references"))
    assert links == ["https://pubmed.ncbi.nlm.nih.gov/12345678/"]


def test_related_trials_link_inside_the_site_or_to_clinicaltrials_gov(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    links = hrefs(by_id(doc, "related"))
    assert links == ["../NCT00000002/", "https://clinicaltrials.gov/study/NCT09999999"]


def test_sponsors_link_to_their_taxonomy_pages(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    links = hrefs(by_id(doc, "who-runs"))
    assert len(links) == 2
    for href in links:
        assert re.fullmatch(r"\.\./\.\./sponsors/[a-z0-9-]+/", href), href
        assert f"sponsors/{href.split('/')[-2]}/index.html" in small_site
    # Records spelling the sponsor "ACME PHARMA" and "Acme Pharma" share one sponsor page.
    other = parse(small_site["trials/NCT00000003/index.html"])
    assert hrefs(by_id(other, "who-runs"))[0] == links[0]


def test_print_handout_link(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    assert "handout/" in hrefs(doc)


def test_sponsor_words_render_markdown(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    own = by_id(doc, "own-words")
    assert [text(s) for s in own.iter("strong")] == ["drug A"]


def test_sources_and_last_updated(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    src = by_id(doc, "sources")
    assert "1 March 2025" in text(src)
    assert find(src, "time", datetime="2025-03-01")


def test_canonical_and_language_and_csp(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    assert doc.get("lang") == "en"
    canonical = find(doc, "link", rel="canonical")
    assert [c.get("href") for c in canonical] == [BASE + "trials/NCT00000001/"]
    csp = find(doc, "meta", **{"http-equiv": "Content-Security-Policy"})
    assert "script-src 'self'" in csp[0].get("content")
    forms = find(doc, "form", role="search")
    assert forms and forms[0].get("action") == "../../search/"


# --- JSON-LD -----------------------------------------------------------------------------------

def test_jsonld_parses_and_describes_the_trial(small_site):
    doc = parse(small_site["trials/NCT00000001/index.html"])
    scripts = find(doc, "script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].text)
    assert data["@type"] == "MedicalTrial"
    assert data["identifier"] == "NCT00000001"
    assert data["url"] == BASE + "trials/NCT00000001/"
    assert data["healthCondition"][0]["name"] == "Asthma"
    assert data["trialDesign"] == ["https://schema.org/PlaceboControlledTrial"]


def test_jsonld_is_safe_against_script_end_tags():
    hostile = trial("NCT00000009", title='</script><script>alert(1)</script><!-- & "q"',
                    conditions=["</SCRIPT >x"], brief_summary="a </script> b")
    files = build([hostile])
    html = files["trials/NCT00000009/index.html"].decode()
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    body = html[start:html.index("</script>", start)]
    assert "<" not in body and ">" not in body
    data = json.loads(body)
    assert data["name"] == hostile.title
    assert data["healthCondition"][0]["name"] == "</SCRIPT >x"
    # The only end tag is the JSON-LD's own; the title elsewhere on the page is escaped text.
    assert html.lower().count("</script") == 1
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html


def test_script_json_escapes_html_specials():
    assert str(script_json({"a": "<>&\u2028"})) == '{"a":"\\u003c\\u003e\\u0026\\u2028"}'


def test_trial_jsonld_writes_its_places_as_the_encoder_does():
    """trial_jsonld writes studyLocation itself: the same text as encoding medical_trial's data,
    for every mix of missing parts and for text JSON or HTML must escape."""
    import itertools

    from ssg.render.jsonld import medical_trial, trial_jsonld

    values = [None, "", "Oslo", 'A "quoted" </script> & <!-- \\ \u2028 \u00e9\u4e2d \x01\t\n']
    locations = [Location(facility=f, city=c, state=s, country=n)
                 for f, c, s, n in itertools.product(values, repeat=4)]
    url = BASE + "trials/NCT00000001/"
    for chosen in ([], locations[:1], locations, [Location()], [Location(), Location(city="Bergen")]):
        t = trial(locations=chosen)
        written = trial_jsonld(t, url)
        assert written == script_json(medical_trial(t, url))
        assert type(written) is type(script_json({}))
    assert "studyLocation" not in json.loads(str(trial_jsonld(trial(locations=[Location()]), url)))


# --- taxonomies --------------------------------------------------------------------------------

def test_condition_index_has_counts_and_az_bar(small_site):
    doc = parse(small_site["conditions/index.html"])
    bar = [e for e in doc.iter("nav") if e.get("aria-label") == "Jump to letter"][0]
    assert [text(a) for a in bar.iter("a")] == ["A", "C"]
    index_text = text(doc)
    assert re.search(r"Asthma 3 trials", index_text)
    assert re.search(r"COPD 1 trial\b", index_text)


def test_condition_page_lists_recruiting_first_with_status_words(small_site):
    index = parse(small_site["conditions/index.html"])
    asthma = next(a.get("href") for a in index.iter("a") if text(a) == "Asthma")
    doc = parse(small_site[f"conditions/{asthma.split('/')[0]}/index.html"])
    cards = [e for e in doc.iter("article") if "trial-card" in (e.get("class") or "")]
    ids = [text(next(e for e in c.iter("span") if e.get("class") == "trial-card__id")) for c in cards]
    assert ids[-1] == "NCT00000002"  # the completed one last
    assert set(ids) == {"NCT00000001", "NCT00000002", "NCT00000003"}
    badges = [text(e) for e in doc.iter("span") if "badge" in (e.get("class") or "")]
    assert "Recruiting" in badges and "Completed" in badges
    assert "Phase 2" in text(doc)


def test_sponsor_index_and_pages(small_site):
    doc = parse(small_site["sponsors/index.html"])
    entries = [text(li) for ul in doc.iter("ul") if ul.get("class") == "term-index" for li in ul.iter("li")]
    assert entries == ["Acme Pharma 3 trials", "City University 2 trials"]
    for a in (a for ul in doc.iter("ul") if ul.get("class") == "term-index" for a in ul.iter("a")):
        page = parse(small_site["sponsors/" + a.get("href") + "index.html"])
        assert text(page.find(".//h1")).endswith(text(a))


def test_term_index_groups_by_letter_and_sorts():
    terms = [Term("beta", "beta", ("NCT1",)), Term("Alpha", "alpha", ("NCT1", "NCT2")), Term("2-step", "2-step", ())]
    idx = term_index(terms)
    assert [g.letter for g in idx.groups] == ["A", "B", "#"]
    assert idx.groups[0].terms[0].name == "Alpha"
    assert dict(idx.letters)["C"] is None and dict(idx.letters)["A"] == "letter-a"


# --- site files --------------------------------------------------------------------------------

def test_sitemap_lists_absolute_sorted_urls(small_site):
    root = ET.fromstring(small_site["sitemap.xml"])
    locs = [e.text for e in root.findall("s:url/s:loc", SITEMAP_NS)]
    assert locs == sorted(locs)
    assert all(loc.startswith(BASE) for loc in locs)
    for nct in ("NCT00000001", "NCT00000002", "NCT00000003"):
        assert BASE + f"trials/{nct}/" in locs
    assert BASE in locs and BASE + "conditions/" in locs
    lastmods = {u.find("s:loc", SITEMAP_NS).text: u.find("s:lastmod", SITEMAP_NS)
                for u in root.findall("s:url", SITEMAP_NS)}
    assert lastmods[BASE + "trials/NCT00000001/"].text == "2025-03-01"
    assert lastmods[BASE + "trials/NCT00000002/"] is None  # the record gives no date
    assert lastmods[BASE] is None


def test_robots_points_to_sitemap(small_site):
    assert f"Sitemap: {BASE}sitemap.xml" in small_site["robots.txt"].decode()


def test_nojekyll(small_site):
    assert small_site[".nojekyll"] == b""


def test_404_links_are_absolute_to_the_prefix(small_site):
    doc = parse(small_site["404.html"])
    refs = [e.get("href") for e in doc.iter() if e.get("href")] + [e.get("action") for e in doc.iter("form")]
    refs = [r for r in refs if not r.startswith("#")]
    assert refs
    assert all(r.startswith("/repo/") for r in refs), [r for r in refs if not r.startswith("/repo/")]
    assert not find(doc, "link", rel="canonical")
    assert not list(doc.iter("script"))


def test_404_at_site_root_prefix():
    files = build([trial()], base_url="https://org.example/")
    doc = parse(files["404.html"])
    assert find(doc, "link", rel="stylesheet")[0].get("href") == "/assets/css/site.css"


def test_home_lists_recruiting_trials(small_site):
    doc = parse(small_site["index.html"])
    ids = [text(e) for e in doc.iter("span") if e.get("class") == "trial-card__id"]
    assert ids == ["NCT00000001", "NCT00000003"]  # not the completed one


def test_no_inline_script_or_style(small_site):
    for path, data in small_site.items():
        if not path.endswith(".html"):
            continue
        doc = parse(data)
        for s in doc.iter("script"):
            assert s.get("type") == "application/ld+json" or s.get("src"), (path, s.attrib)
        assert not list(doc.iter("style")), path
        assert not [e for e in doc.iter() if e.get("style") is not None], path
        assert not [e for e in doc.iter() for k in e.attrib if k.lower().startswith("on")], path


def test_title_escaped_from_config(small_site):
    assert b"Trials &lt;Test&gt; &amp; Co" in small_site["index.html"]


# --- trial_view units --------------------------------------------------------------------------

@pytest.mark.parametrize("phone, href", [
    ("+86-021-50582090", "tel:+8602150582090"),
    ("(555) 123-4567", "tel:5551234567"),
    ("+1 555 123 4567 x12", "tel:+15551234567;ext=12"),
    ("555-1234 Extension 7", "tel:5551234;ext=7"),
    ("Tel: 0800 123", "tel:0800123"),
    ("call the desk", None),
    ("12", None),
    ("", None),
    (None, None),
    ("javascript:alert(1)//5551234", "tel:15551234"),
    ("(+)1-888-84 22937", "tel:+18888422937"),
    ("1 (+44) 20", "tel:14420"),
])
def test_tel_href(phone, href):
    assert tv.tel_href(phone) == href


@pytest.mark.parametrize("email, href", [
    ("a.b@example.org", "mailto:a.b@example.org"),
    (" x+y@ex.co ", "mailto:x+y@ex.co"),
    ("a@b", None),
    ("two@a.org, three@b.org", None),
    ('"><script>@x.org', None),
    ("javascript:alert(1)@x.org", None),
])
def test_mailto_href(email, href):
    assert tv.mailto_href(email) == href


def test_pubmed_only_for_numeric_ids():
    assert tv.pubmed_url("123") == "https://pubmed.ncbi.nlm.nih.gov/123/"
    assert tv.pubmed_url("12a") is None and tv.pubmed_url(None) is None


@pytest.mark.parametrize("lo, hi, words", [
    (18, 65, "18 years to 65 years"), (18, None, "18 years and older"), (None, 17, "Up to 17 years"),
    (None, None, ""), (0.5, 1, "0.5 years to 1 year"),
])
def test_age_words(lo, hi, words):
    assert tv.age_words(lo, hi) == words


def test_status_banner_for_every_status():
    sentences = {tv.status_banner(s) for s in Status}
    assert len(sentences) == len(Status)
    assert tv.status_banner(Status.RECRUITING) == "Recruiting: this study is looking for participants"


def test_locations_unknown_country_last():
    t = trial(locations=[Location(facility="X", city="Paris"), Location(facility="Y", city="Lyon", country="France"),
                         Location(facility="Z", country="Austria")])
    groups = tv.group_locations(t)
    assert [g.country for g in groups] == ["Austria", "France", "Country not given"]
    assert groups[0].cities[0].city == "City not given"


# --- the seed site -----------------------------------------------------------------------------

def test_seed_site_trial_pages(seed_site: Path):
    pages_ = sorted(seed_site.glob("trials/NCT*/index.html"))
    assert len(pages_) >= 5
    for p in pages_:
        doc = parse(p.read_bytes())
        by_id(doc, "plain-summary")
        banner = [e for e in doc.iter() if "status-banner" in (e.get("class") or "")]
        assert len(banner) == 1 and ":" in text(banner[0])
        data = json.loads(find(doc, "script", type="application/ld+json")[0].text)
        assert data["identifier"] == p.parent.name
    # Seed 003 (NCT07177911) has phones and PubMed references.
    doc = parse((seed_site / "trials/NCT07177911/index.html").read_bytes())
    links = hrefs(doc)
    assert "tel:+8602150582090" in links
    assert "https://pubmed.ncbi.nlm.nih.gov/32611669/" in links


def test_seed_site_every_html_page_parses_with_unique_ids(seed_site: Path):
    for p in sorted(seed_site.rglob("*.html")):
        doc = parse(p.read_bytes())
        ids = [e.get("id") for e in doc.iter() if e.get("id")]
        assert len(ids) == len(set(ids)), (p, sorted({i for i in ids if ids.count(i) > 1}))


# --- in a browser, under a project-site prefix -------------------------------------------------

@pytest.mark.browser
def test_404_works_at_any_depth_under_the_prefix(page, serve, seed_site):
    base = serve(seed_site, "/repo/")
    for missing in ("nope", "trials/NCT00000000/", "a/b/c/d/e.html"):
        response = page.goto(base + missing)
        assert response.status == 404
        assert page.evaluate("document.styleSheets.length === 1 && document.styleSheets[0].cssRules.length > 10"), missing
        page.get_by_role("link", name="Go to the home page").click()
        page.wait_for_load_state()
        assert page.url == base
        assert page.locator("h1").first.inner_text() == page.evaluate("document.querySelector('.site-title').textContent")


@pytest.mark.browser
def test_trial_page_links_resolve_under_the_prefix(page, serve, seed_site):
    base = serve(seed_site, "/repo/")
    page.goto(base + "trials/NCT07177911/")
    internal = page.evaluate(
        "[...document.querySelectorAll('a[href]')].map(a => a.href).filter(h => h.startsWith(location.origin))"
    )
    assert internal
    seen = set()
    for url in internal:
        url = url.split("#", 1)[0]
        if url in seen:
            continue
        seen.add(url)
        assert url.startswith(base), url
        status = page.request.get(url).status
        assert status == 200, url


def test_sites_differing_only_in_case_keep_one_order():
    names = ["abc Clinic", "ABC Clinic", "Abc Clinic", "abc Clinic"]
    t = trial(locations=[Location(facility=n, city="Paris", country="France") for n in names])
    (france,) = tv.group_locations(t)
    # Duplicates merge; names equal but for case are ordered by the exact name, never by chance.
    assert [s.facility for s in france.cities[0].sites] == ["ABC Clinic", "Abc Clinic", "abc Clinic"]
    assert france.site_count == 3


def test_header_and_footer_link_the_extra_pages():
    from ssg.site.model import ExtraPage

    config = SiteConfig(title="T", base_url=BASE)
    extra = (ExtraPage("about", "About us", "Hi."), ExtraPage("privacy", "Privacy", "None kept."))
    site = assemble(config, [trial()], summaries([trial()]), extra)
    files = {f.path: f.data for f in pages(site, Renderer(site))}
    doc = parse(files["trials/NCT00000001/index.html"])
    nav = [e for e in doc.iter("nav") if e.get("class") == "site-nav"][0]
    assert hrefs(nav) == ["../../conditions/", "../../sponsors/", "../../search/", "../../glossary/", "../../about/"]
    footer = [e for e in doc.iter("footer") if e.get("class") == "site-footer"][0]
    assert "../../privacy/" in hrefs(footer) and "../../about/" not in hrefs(footer)
    about = parse(files["about/index.html"])
    current = [a for a in about.iter("a") if a.get("aria-current") == "page"]
    assert [a.get("href") for a in current] == ["./"]
