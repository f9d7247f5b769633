"""What a trial page shows, built from a TrialEntry as plain objects, so templates only lay things out.

Every decision about wording, grouping, sorting and which links are safe is made here, where it
can be unit-tested; templates/trial.html never parses a record's text.
Links point either to a site path (``path``, turned into a relative href by the template's
``href``) or to an outside address (``url``), never both.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

from ssg.model import Status, Trial
from ssg.render import words
from ssg.site import urls
from ssg.site.model import Site, TrialEntry

CTGOV_STUDY = "https://clinicaltrials.gov/study/{nct}"
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
NCT_RE = re.compile(r"^NCT\d{8}$")
PMID_RE = re.compile(r"^\d{1,9}$")

# Phone numbers in records read "+86-021-50582090", "(555) 123-4567 ext. 12", "Tel: 0800 123".
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x)\s*(\d+)\s*$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s<>\"'()\[\]\\,;:]+@[^@\s<>\"'()\[\]\\,;:]+\.[A-Za-z]{2,}$")
_NOT_DIGIT = re.compile(r"[^0-9]")  # ASCII digits only
_MIN_PHONE_DIGITS = 3
_NO_COUNTRY = "Country not given"
_NO_CITY = "City not given"

# Every view is a NamedTuple: immutable like a frozen dataclass, and made in a fifth of the time
# (a page makes dozens; a frozen dataclass cost ~1 µs each).


class Link(NamedTuple):
    text: str
    path: str | None = None  # a site path
    url: str | None = None  # an outside address
    note: str = ""


class Fact(NamedTuple):
    term: str
    value: str
    datetime: str | None = None  # ISO date for a <time> element


class InterventionView(NamedTuple):
    name: str
    kind: str  # "Drug", "Device", ...
    description: str
    other_names: tuple[str, ...]


class ArmView(NamedTuple):
    label: str
    kind: str  # "Experimental", "Placebo comparator", ...
    description: str
    interventions: tuple[InterventionView, ...]


# Sites, cities and countries are tuples: a trial may list hundreds of sites, and tuples are
# the quickest to make.
class SiteView(NamedTuple):
    facility: str
    status: str  # "Recruiting", "" when the record gives none


class CityGroup(NamedTuple):
    city: str
    state: str
    sites: tuple[SiteView, ...]


class CountryGroup(NamedTuple):
    country: str
    cities: tuple[CityGroup, ...]
    site_count: int


class ContactView(NamedTuple):
    name: str
    role: str
    facility: str
    phone: str
    tel: str | None  # "tel:+8602150582090", None when the number cannot be dialled
    email: str
    mailto: str | None


class SponsorView(NamedTuple):
    name: str
    role: str  # "Lead sponsor" or "Collaborator"
    path: str | None  # the sponsor's taxonomy page


class ReferenceView(NamedTuple):
    citation: str
    kind: str
    pmid: str | None
    url: str | None  # PubMed


class SourceView(NamedTuple):
    name: str
    layout: str


class PlainSectionView(NamedTuple):
    key: str  # "what", "who", ...
    heading: str
    text: str  # the section's sentences as one paragraph


class TrialView(NamedTuple):
    nct_id: str
    title: str
    official_title: str  # "" when the same as the title
    acronym: str
    status: Status
    plain_sections: tuple[PlainSectionView, ...]  # the plain-language summary, if there is one
    facts: tuple[Fact, ...]
    conditions: tuple[Link, ...]
    keywords: tuple[str, ...]
    arms: tuple[ArmView, ...]
    other_interventions: tuple[InterventionView, ...]  # named by the record but in no arm
    inclusion: tuple[str, ...]
    exclusion: tuple[str, ...]
    countries: tuple[CountryGroup, ...]
    site_count: int
    contacts: tuple[ContactView, ...]
    officials: tuple[Fact, ...]
    sponsors: tuple[SponsorView, ...]
    references: tuple[ReferenceView, ...]
    related: tuple[Link, ...]
    sources: tuple[SourceView, ...]
    last_updated: str
    last_updated_iso: str | None
    ctgov_url: str
    handout_path: str
    path: str


# --- safe hrefs ------------------------------------------------------------------------------

@lru_cache(maxsize=4096)  # site contacts often share a number
def tel_href(phone: str | None) -> str | None:
    """"tel:+8602150582090" from a phone as written: digits and a leading + only, and an
    extension as ";ext=" (RFC 3966), which a phone can dial after the call connects. Trial pages
    and handouts both link phones through this."""
    if not phone:
        return None
    text = phone.strip()
    ext = None
    m = _EXTENSION.search(text)
    if m and _EXTENSION.sub("", text).strip():
        ext, text = m.group(1), text[: m.start()]
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) < _MIN_PHONE_DIGITS:
        return None
    # International when a "+" comes before the first digit: "+44 …", and "(+)1-888 …" as written in some records.
    plus = "+" if "+" in text[: text.find(digits[0])] else ""
    return f"tel:{plus}{digits}" + (f";ext={ext}" if ext else "")


@lru_cache(maxsize=4096)
def mailto_href(email: str | None) -> str | None:
    """"mailto:a@b.org" for a plausible single address; None otherwise (shown as text)."""
    if not email:
        return None
    text = email.strip()
    if not _EMAIL.match(text):
        return None
    return "mailto:" + quote(text, safe="@.+-_")


def pubmed_url(pmid: str | None) -> str | None:
    if pmid and PMID_RE.match(pmid.strip()):
        return PUBMED.format(pmid=pmid.strip())
    return None


def ctgov_url(nct_id: str) -> str:
    return CTGOV_STUDY.format(nct=nct_id)


# --- words -----------------------------------------------------------------------------------

def status_banner(status: Status | str) -> str:
    """"Recruiting: this study is looking for participants"."""
    return f"{words.status_label(status)}: {words.status_sentence(status)}"


def phase_words(phases: list[str]) -> str:
    if not phases:
        return ""
    if phases == ["NA"]:
        return "Not applicable (this is not a drug study with phases)"
    return words.phase_label(phases)


def age_words(min_age: float | None, max_age: float | None) -> str:
    def years(a: float) -> str:
        n = int(a) if float(a).is_integer() else round(a, 1)
        return f"{n} year" if n == 1 else f"{n} years"

    if min_age is not None and max_age is not None:
        return f"{years(min_age)} to {years(max_age)}"
    if min_age is not None:
        return f"{years(min_age)} and older"
    if max_age is not None:
        return f"Up to {years(max_age)}"
    return ""


SEX_WORDS = {"ALL": "All sexes", "FEMALE": "Female only", "MALE": "Male only"}
STUDY_TYPE_WORDS = {
    "INTERVENTIONAL": "Interventional: people get a treatment or test chosen by the study",
    "OBSERVATIONAL": "Observational: the study watches and records, it does not give a treatment",
    "EXPANDED_ACCESS": "Expanded access: a treatment given outside a trial",
}
ALLOCATION_WORDS = {
    "RANDOMIZED": "Randomized: chance decides which group you are in",
    "NON_RANDOMIZED": "Not randomized: the study team decides the groups",
}
MASKING_WORDS = {
    "NONE": "None: everyone knows which treatment is given (open label)",
    "SINGLE": "Single: one group of people does not know which treatment is given",
    "DOUBLE": "Double: two groups of people do not know which treatment is given",
    "TRIPLE": "Triple: three groups of people do not know which treatment is given",
    "QUADRUPLE": "Quadruple: four groups of people do not know which treatment is given",
}
ROLE_WORDS = {"lead": "Lead sponsor", "collaborator": "Collaborator"}
LAYOUT_WORDS = {
    "labelled": "registry summary page",
    "compact": "registry summary page (compact)",
    "clinconnect": "ClinConnect page",
    "ctgov_json": "ClinicalTrials.gov record (JSON)",
    "ctgov_xml": "ClinicalTrials.gov record (XML)",
}


def key_facts(trial: Trial) -> tuple[Fact, ...]:
    e = trial.eligibility
    facts: list[Fact] = []

    def add(term: str, value: str | None, iso: str | None = None) -> None:
        if value:
            facts.append(Fact(term, value, iso))

    add("Phase", phase_words(trial.phases))
    add("Type of study", STUDY_TYPE_WORDS.get(trial.study_type or "", words.humanise(trial.study_type)))
    if trial.enrollment is not None:
        add("Number of people", f"{trial.enrollment:,} " + ("person" if trial.enrollment == 1 else "people"))
    ages = age_words(e.min_age_years, e.max_age_years)
    if ages and e.ages_inferred:
        ages += " (read from the criteria text)"
    add("Ages", ages)
    add("Sex", SEX_WORDS.get(e.sex or ""))
    if e.healthy_volunteers is not None:
        add("Healthy volunteers", "Yes, people without the condition can join" if e.healthy_volunteers
            else "No, only people with the condition")
    d = trial.design
    add("How groups are chosen", ALLOCATION_WORDS.get(d.allocation or ""))
    if d.masking:
        masking = MASKING_WORDS.get(d.masking, words.humanise(d.masking))
        if d.masked_roles:
            masking += " (" + ", ".join(words.humanise(r).lower() for r in d.masked_roles) + ")"
        add("Blinding", masking)
    add("Main purpose", words.humanise(d.primary_purpose))
    add("Start date", words.long_date(trial.start_date), trial.start_date)
    add("End date", words.long_date(trial.completion_date), trial.completion_date)
    add("Study ID", trial.nct_id)
    return tuple(facts)


# --- grouping --------------------------------------------------------------------------------

def _intervention_view(i) -> InterventionView:
    return InterventionView(i.name, words.humanise(i.type), i.description or "", tuple(i.other_names))


def arms_and_interventions(trial: Trial) -> tuple[tuple[ArmView, ...], tuple[InterventionView, ...]]:
    """Arms with the interventions they name; interventions no arm names are returned apart."""
    by_name = {i.name.casefold(): i for i in trial.interventions}
    used: set[str] = set()
    arms = []
    for arm in trial.arms:
        views = []
        for name in arm.interventions:
            # Arms name interventions as "Drug: X" in ClinicalTrials.gov; match either form.
            key = name.casefold()
            bare = key.split(":", 1)[1].strip() if ":" in key else key
            found = by_name.get(key) or by_name.get(bare)
            if found:
                used.add(found.name.casefold())
                views.append(_intervention_view(found))
            else:
                views.append(InterventionView(name, "", "", ()))
        arms.append(ArmView(arm.label, words.humanise(arm.type), arm.description or "", tuple(views)))
    rest = tuple(_intervention_view(i) for i in trial.interventions if i.name.casefold() not in used)
    return tuple(arms), rest


def group_locations(trial: Trial) -> tuple[CountryGroup, ...]:
    """Sites grouped by country then city, both sorted (unknowns last), sites sorted by name.

    Cities are sorted as tuples that end in their place in the record, so ties keep the
    record's order (as a stable sort by key would).
    """
    countries: dict[str, dict[tuple[str, str], list[tuple[str, str]]]] = {}
    status_label = words.status_label
    for loc in trial.locations:
        country = (loc.country or "").strip() or _NO_COUNTRY
        city = (loc.city or "").strip() or _NO_CITY
        state = (loc.state or "").strip()
        site = ((loc.facility or "").strip() or "Site name not given", status_label(loc.status) if loc.status else "")
        cities = countries.get(country)
        if cities is None:
            cities = countries[country] = {}
        sites = cities.get((city, state))
        if sites is None:
            cities[(city, state)] = [site]
        else:
            sites.append(site)

    groups = []
    for country in sorted(countries, key=_country_order):
        cities = countries[country]
        city_groups = []
        count = 0
        order = sorted([(city == _NO_CITY, city.casefold(), state.casefold(), i, city, state)
                        for i, (city, state) in enumerate(cities)])
        for _, _, _, _, city, state in order:
            sites = cities[(city, state)]
            if len(sites) > 1:
                sites = sorted(set(sites), key=_site_order)
            count += len(sites)
            city_groups.append(CityGroup(city, state, tuple([SiteView(*site) for site in sites])))
        groups.append(CountryGroup(country, tuple(city_groups), count))
    return tuple(groups)


def _country_order(country: str) -> tuple:
    return (country == _NO_COUNTRY, country.casefold())


def _site_order(site: tuple[str, str]) -> tuple:
    # The exact name breaks ties between names that differ only in case, so that the order
    # never depends on the set's (hash-seeded) order.
    return (site[0].casefold(), site[1], site[0])


def contacts(trial: Trial) -> tuple[ContactView, ...]:
    """Central contacts first (as the record orders them), then site contacts."""
    central = [c for c in trial.contacts if not c.facility]
    local = [c for c in trial.contacts if c.facility]
    out = []
    for c in central + local:
        if not (c.name or c.phone or c.email):
            continue
        out.append(ContactView(
            name=(c.name or "").strip(),
            role=words.humanise(c.role) if c.role and c.role.isupper() else (c.role or ""),
            facility=c.facility or "",
            phone=(c.phone or "").strip(),
            tel=tel_href(c.phone),
            email=(c.email or "").strip(),
            mailto=mailto_href(c.email),
        ))
    return tuple(out)


_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is exactly str.isalnum() plus "_"


@lru_cache(maxsize=4096)  # the same sponsors run many trials
def _fold(name: str) -> str:
    return _NOT_ALNUM.sub("", name.casefold())


def sponsors(entry: TrialEntry) -> tuple[SponsorView, ...]:
    """The record's sponsors (lead first), each linked to its taxonomy page.

    The taxonomy shows names in proper case and may merge variants, so a record's name is matched
    to its term by a case- and punctuation-free key, and otherwise by position.
    """
    terms = {_fold(t.name): t for t in entry.sponsors}
    out = []
    for i, s in enumerate(entry.trial.sponsors):
        term = terms.get(_fold(s.name))
        if term is None and len(entry.sponsors) == len(entry.trial.sponsors):
            term = entry.sponsors[i]
        out.append(SponsorView(
            name=term.name if term else s.name,
            role=ROLE_WORDS.get(s.role, words.humanise(s.role)),
            path=urls.sponsor_path(term.slug) if term else None,
        ))
    return tuple(out)


def condition_links(entry: TrialEntry) -> tuple[Link, ...]:
    return tuple(
        Link(t.name, path=urls.condition_path(t.slug), note="worked out from the title" if t.inferred else "")
        for t in entry.conditions
    )


def references(trial: Trial) -> tuple[ReferenceView, ...]:
    return tuple(
        ReferenceView(r.citation, words.humanise(r.type), (r.pmid or "").strip() or None, pubmed_url(r.pmid))
        for r in trial.references
    )


def related(site: Site | None, trial: Trial) -> tuple[Link, ...]:
    """Related trials: inside this site when it has the trial, else on ClinicalTrials.gov."""
    out = []
    for r in trial.related:
        nct = r.nct_id.strip()
        if not NCT_RE.match(nct) or nct == trial.nct_id:
            continue
        entry = site.entry(nct) if site is not None else None
        title = entry.trial.title if entry else (r.title or nct)
        status = entry.trial.status if entry else r.status
        note = words.status_label(status) if status else ""
        if entry:
            out.append(Link(title, path=urls.trial_path(nct), note=note))
        else:
            out.append(Link(title, url=ctgov_url(nct), note=note))
    return tuple(out)


def officials(trial: Trial) -> tuple[Fact, ...]:
    return tuple(
        Fact(words.humanise(o.role) or "Study official", o.name + (f", {o.affiliation}" if o.affiliation else ""))
        for o in trial.officials
    )


def sources(trial: Trial) -> tuple[SourceView, ...]:
    return tuple(
        SourceView(s.path.replace("\\", "/").rsplit("/", 1)[-1], LAYOUT_WORDS.get(s.layout, s.layout))
        for s in trial.sources
    )


def plain_sections(entry: TrialEntry) -> tuple[PlainSectionView, ...]:
    plain = entry.plain
    if not plain:
        return ()
    return tuple(PlainSectionView(s.key, s.heading, " ".join(s.sentences)) for s in plain.sections)


def trial_view(entry: TrialEntry, site: Site | None = None) -> TrialView:
    t = entry.trial
    arms, rest = arms_and_interventions(t)
    countries = group_locations(t)
    official = (t.official_title or "").strip()
    return TrialView(
        nct_id=t.nct_id,
        title=t.title,
        official_title="" if official.casefold() == t.title.strip().casefold() else official,
        acronym=t.acronym or "",
        status=t.status,
        plain_sections=plain_sections(entry),
        facts=key_facts(t),
        conditions=condition_links(entry),
        keywords=tuple(t.keywords),
        arms=arms,
        other_interventions=rest,
        inclusion=tuple(t.eligibility.inclusion),
        exclusion=tuple(t.eligibility.exclusion),
        countries=countries,
        site_count=sum(c.site_count for c in countries),
        contacts=contacts(t),
        officials=officials(t),
        sponsors=sponsors(entry),
        references=references(t),
        related=related(site, t),
        sources=sources(t),
        last_updated=words.long_date(t.last_updated),
        last_updated_iso=t.last_updated,
        ctgov_url=ctgov_url(t.nct_id),
        handout_path=urls.handout_path(t.nct_id),
        path=urls.trial_path(t.nct_id),
    )
