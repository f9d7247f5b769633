"""Synthetic trial records in every input layout, for the parse and build benchmarks.

``generate(n, out_dir, seed=0)`` writes N records spread round-robin over the five layouts
(labelled, compact, ClinConnect text pages; ClinicalTrials.gov API v2 JSON; legacy XML) and
returns what each record was meant to say (``Planned``), so tests can check the real parsers
against it. Record i depends only on (seed, i, n), so the corpus is byte-identical for a seed.

The text writers copy the structure of the seed pages in content/trials/ line for line
(000/003 labelled, 002/004 compact, 001 ClinConnect); the JSON and XML writers follow the real
records in ../shared/data/ctgov/. Sizes follow the benchmark issue: 1-3 conditions from ~300,
~2,000 sponsors, 10-30 criteria, 1-150 sites, 1-4 arms, contacts, references, related trials.

    python -m bench.corpus --n 1000 --out bench/work/corpus
"""

from __future__ import annotations

import argparse
import bisect
import functools
import itertools
import json
import random
import sys
import textwrap
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

try:
    from bench import vocab
except ImportError:  # run as a script from bench/
    import vocab  # type: ignore[no-redef]

LAYOUTS = ("labelled", "compact", "clinconnect", "ctgov_json", "ctgov_xml")
EXTENSIONS = {"labelled": "txt", "compact": "txt", "clinconnect": "txt", "ctgov_json": "json", "ctgov_xml": "xml"}
STATUSES = (  # weights roughly as in a registry's recruiting-heavy slice
    ("RECRUITING", 40), ("NOT_YET_RECRUITING", 12), ("ACTIVE_NOT_RECRUITING", 12), ("COMPLETED", 22),
    ("ENROLLING_BY_INVITATION", 3), ("TERMINATED", 5), ("SUSPENDED", 1), ("WITHDRAWN", 2), ("UNKNOWN", 3),
)
PHASE_CHOICES = (
    (("EARLY_PHASE1",), 3), (("PHASE1",), 20), (("PHASE1", "PHASE2"), 10), (("PHASE2",), 25),
    (("PHASE2", "PHASE3"), 5), (("PHASE3",), 17), (("PHASE4",), 8), (("NA",), 12),
)
SITE_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING", "COMPLETED", "WITHDRAWN")
MASKED_ROLES = ("PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR")
MASKING_BY_ROLES = {0: "NONE", 1: "SINGLE", 2: "DOUBLE", 3: "TRIPLE", 4: "QUADRUPLE"}


@dataclass(frozen=True)
class Site:
    facility: str
    city: str
    state: str
    country: str
    status: str


@dataclass(frozen=True)
class Person:
    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class ArmPlan:
    label: str
    type: str
    description: str
    interventions: tuple[str, ...]


@dataclass(frozen=True)
class InterventionPlan:
    name: str
    type: str
    description: str
    other_names: tuple[str, ...]


@dataclass(frozen=True)
class Planned:
    """What one synthetic record says, before a writer puts it into its layout."""

    index: int
    layout: str
    nct_id: str
    title: str
    official_title: str
    acronym: str | None
    status: str
    phases: tuple[str, ...]
    enrollment: int
    start_date: str
    completion_date: str
    last_updated: str
    brief_summary: str
    detailed_description: str
    conditions: tuple[str, ...]
    keywords: tuple[str, ...]
    allocation: str
    intervention_model: str
    primary_purpose: str
    masked_roles: tuple[str, ...]
    arms: tuple[ArmPlan, ...]
    interventions: tuple[InterventionPlan, ...]
    inclusion: tuple[str, ...]
    exclusion: tuple[str, ...]
    min_age: int
    max_age: int | None
    sex: str
    healthy_volunteers: bool
    sponsors: tuple[tuple[str, str], ...]  # (name, agency class); lead first
    sites: tuple[Site, ...]
    central_contacts: tuple[Person, ...]
    facility_contacts: tuple[tuple[int, Person], ...]  # (site index, person)
    officials: tuple[tuple[str, str, str], ...]  # (name, role, affiliation)
    references: tuple[tuple[str, str, str], ...]  # (citation, type, pmid)
    org_study_id: str
    related: tuple[tuple[str, str, str, tuple[str, ...]], ...]  # (nct, title, status, phases)
    path: str = ""

    @property
    def masking(self) -> str:
        return MASKING_BY_ROLES[len(self.masked_roles)]

    @property
    def lead_sponsor(self) -> str:
        return self.sponsors[0][0]


@dataclass
class _Rng:
    """random.Random with the few helpers the planner needs."""

    r: random.Random
    words: list[str] = field(default_factory=list)

    def weighted(self, pairs):
        values, weights = zip(*pairs)
        return self.r.choices(values, weights=weights, k=1)[0]

    def zipf_index(self, n: int) -> int:
        # A heavy head (a few conditions and sponsors with many trials) and a long tail, as in a registry.
        cum = _zipf_cumulative(n)
        return bisect.bisect_left(cum, self.r.random() * cum[-1])

    def sentence(self, lo: int, hi: int) -> str:
        words = self.r.choices(vocab.WORDS, cum_weights=vocab.WORD_CUM_WEIGHTS, k=self.r.randint(lo, hi))
        return " ".join(words).capitalize() + "."


@functools.cache
def _zipf_cumulative(n: int, s: float = 0.9) -> list[float]:
    return list(itertools.accumulate(1 / (k + 10) ** s for k in range(n)))


def nct_for(seed: int, i: int) -> str:
    # i -> i*7919 mod 1e8 is a bijection (7919 is prime, coprime with 10^8): unique, scattered IDs.
    return f"NCT{(seed * 1_000_003 + 10_000_000 + i * 7919) % 100_000_000:08d}"


def plan(i: int, n: int, seed: int = 0, layout: str | None = None) -> Planned:
    """The facts of record i of an n-record corpus."""
    rng = _Rng(random.Random(f"ssg-bench:{seed}:{i}"))
    r = rng.r
    layout = layout or LAYOUTS[i % len(LAYOUTS)]
    nct = nct_for(seed, i)

    n_cond = rng.weighted(((1, 60), (2, 28), (3, 12)))
    conditions: list[str] = []
    while len(conditions) < n_cond:
        c = vocab.CONDITIONS[rng.zipf_index(len(vocab.CONDITIONS))]
        if c not in conditions:
            conditions.append(c)
    phases = rng.weighted(PHASE_CHOICES)
    status = rng.weighted(STATUSES)

    drug = f"{r.choice(vocab.DRUG_PREFIXES)}{r.randint(10, 999)}"
    n_arms = rng.weighted(((1, 25), (2, 45), (3, 20), (4, 10)))
    interventions = [InterventionPlan(drug, "DRUG", f"{drug} given as an intravenous infusion. " + rng.sentence(12, 40),
                                      (f"{drug}-IV",) if r.random() < 0.3 else ())]
    arms: list[ArmPlan] = []
    for a in range(n_arms):
        if a == 0:
            arms.append(ArmPlan(f"{drug} dose level 1", "EXPERIMENTAL", rng.sentence(10, 40), (drug,)))
            continue
        other, itype = r.choice(vocab.OTHER_INTERVENTIONS)
        name = other if all(iv.name != other for iv in interventions) else f"{drug} dose level {a + 1}"
        if all(iv.name != name for iv in interventions):
            interventions.append(InterventionPlan(name, itype if name == other else "DRUG", rng.sentence(10, 40), ()))
        arm_type = "PLACEBO_COMPARATOR" if name == "Placebo" else r.choice(vocab.ARM_TYPES[:2])
        arms.append(ArmPlan(f"Group {a + 1}: {name}", arm_type, rng.sentence(10, 40), (name,)))

    n_criteria = r.randint(10, 30)
    n_incl = max(3, min(n_criteria - 3, round(n_criteria * r.uniform(0.35, 0.6))))
    min_age = rng.weighted(((18, 80), (12, 5), (0, 5), (40, 5), (65, 5)))
    max_age = rng.weighted(((None, 45), (65, 20), (75, 20), (80, 10), (99, 5)))
    if max_age is not None and max_age <= min_age:
        max_age = None
    inclusion = [_criterion(rng, vocab.INCLUSION_TEMPLATES, conditions[0]) for _ in range(n_incl)]
    if max_age is not None and r.random() < 0.6:  # as in seed 001: the ages stated in a criterion
        inclusion[0] = f"Aged {min_age} to {max_age} years at the time of signing the informed consent."
    exclusion = [_criterion(rng, vocab.EXCLUSION_TEMPLATES, conditions[0]) for _ in range(n_criteria - n_incl)]

    n_sponsors = rng.weighted(((1, 70), (2, 22), (3, 8)))
    sponsors: list[tuple[str, str]] = []
    while len(sponsors) < n_sponsors:
        s = vocab.SPONSORS[rng.zipf_index(len(vocab.SPONSORS))]
        if s not in sponsors:
            sponsors.append(s)

    n_sites = rng.weighted((((1, 3), 45), ((4, 20), 30), ((21, 80), 20), ((81, 150), 5)))
    n_sites = r.randint(*n_sites)
    sites = tuple(
        Site(vocab.facility_name(city, k), city, state, country,
             "RECRUITING" if status == "RECRUITING" and r.random() < 0.8 else r.choice(SITE_STATUSES))
        for k, (city, state, country) in enumerate(r.sample(vocab.PLACES, n_sites))
    )
    central = tuple(_person(rng) for _ in range(rng.weighted(((0, 25), (1, 50), (2, 25)))))
    facility_contacts = tuple((k, _person(rng)) for k in range(len(sites)) if r.random() < 0.3)
    officials = tuple(
        (_person(rng).name, r.choice(("Principal Investigator", "Study Director", "Study Chair")),
         r.choice(sites).facility if sites else sponsors[0][0])
        for _ in range(rng.weighted(((0, 40), (1, 50), (2, 10))))
    )
    references = tuple(
        (f"{r.choice(vocab.LAST_NAMES)} {r.choice('ABCDEFGHJKLM')}, {r.choice(vocab.LAST_NAMES)} "
         f"{r.choice('ABCDEFGHJKLM')}. {rng.sentence(6, 14)[:-1]}. J Clin Res. {r.randint(1995, 2025)};"
         f"{r.randint(1, 90)}({r.randint(1, 12)}):{r.randint(1, 900)}-{r.randint(901, 1800)}.",
         r.choice(("BACKGROUND", "BACKGROUND", "RESULT")), str(r.randint(10_000_000, 39_999_999)))
        for _ in range(rng.weighted(((0, 50), (1, 15), (2, 15), (3, 10), (5, 10))))
    )
    related = tuple(
        (nct_for(seed, j), _title(rng, vocab.CONDITIONS[rng.zipf_index(len(vocab.CONDITIONS))],
                                  f"{r.choice(vocab.DRUG_PREFIXES)}{r.randint(10, 999)}", rng.weighted(PHASE_CHOICES)),
         rng.weighted(STATUSES), rng.weighted(PHASE_CHOICES))
        for j in sorted({r.randrange(n) for _ in range(rng.weighted(((0, 30), (1, 20), (3, 30), (5, 20))))} - {i})
    )

    start = date(2014, 1, 1) + timedelta(days=r.randint(0, 12 * 365))
    completion = start + timedelta(days=r.randint(180, 6 * 365))
    updated = min(start + timedelta(days=r.randint(30, 3 * 365)), date(2025, 11, 24))
    masked = tuple(sorted(r.sample(MASKED_ROLES, rng.weighted(((0, 45), (1, 10), (2, 20), (3, 5), (4, 20)))),
                          key=MASKED_ROLES.index))
    title = _title(rng, conditions[0], drug, phases)
    summary = " ".join(rng.sentence(12, 28) for _ in range(r.randint(3, 9)))
    description = "\n\n".join(" ".join(rng.sentence(12, 30) for _ in range(r.randint(3, 8)))
                              for _ in range(rng.weighted(((0, 30), (1, 40), (2, 20), (4, 10)))))
    return Planned(
        index=i, layout=layout, nct_id=nct, title=title,
        official_title=f"A Multicentre Study of {drug} in Adults With {' and '.join(conditions)}: "
                       + rng.sentence(6, 14)[:-1].title(),
        acronym=f"{drug.split('-')[0]}-{r.randint(1, 9)}" if r.random() < 0.2 else None,
        status=status, phases=phases, enrollment=r.choice((10, 24, 32, 60, 70, 120, 232, 400, 1000, 3000)),
        start_date=start.isoformat(), completion_date=completion.isoformat(), last_updated=updated.isoformat(),
        brief_summary=summary, detailed_description=description, conditions=tuple(conditions),
        keywords=tuple(r.sample(vocab.SUMMARY_WORDS[:27], r.randint(0, 4))),
        allocation="RANDOMIZED" if n_arms > 1 else "NA",
        intervention_model="PARALLEL" if n_arms > 1 else "SINGLE_GROUP",
        primary_purpose=rng.weighted((("TREATMENT", 75), ("PREVENTION", 10), ("SUPPORTIVE_CARE", 8),
                                      ("DIAGNOSTIC", 4), ("BASIC_SCIENCE", 3))),
        masked_roles=masked if n_arms > 1 else (), arms=tuple(arms), interventions=tuple(interventions),
        inclusion=tuple(inclusion), exclusion=tuple(exclusion), min_age=min_age, max_age=max_age,
        sex=rng.weighted((("ALL", 85), ("FEMALE", 10), ("MALE", 5))), healthy_volunteers=r.random() < 0.1,
        sponsors=tuple(sponsors), sites=sites, central_contacts=central, facility_contacts=facility_contacts,
        officials=officials, references=references, org_study_id=f"{drug}-{r.randint(100, 999)}",
        related=related,
    )


def _criterion(rng: _Rng, templates, condition: str) -> str:
    r = rng.r
    text = r.choice(templates).format(condition=condition, n=r.randint(2, 60), k=r.randint(1, 3))
    if r.random() < 0.5:  # vary the length as real criteria do (8 to 60 words)
        text = text[:-1] + ", " + " ".join(r.choices(vocab.FILLER, k=r.randint(4, 30))) + "."
    return text


def _title(rng: _Rng, condition: str, drug: str, phases) -> str:
    r = rng.r
    phase = {"EARLY_PHASE1": "Early Phase I", "PHASE1": "Phase I", "PHASE2": "Phase II", "PHASE3": "Phase III",
             "PHASE4": "Phase IV", "NA": ""}
    words = "/".join(phase[p] for p in phases if phase[p])
    short = vocab.ABBREVIATIONS.get(condition)
    patients = f"Patients With {condition} ({short})" if short and r.random() < 0.5 else f"Patients With {condition}"
    form = r.choice((
        "A {ph} Study to Evaluate {drug} in {patients}",
        "Safety and Efficacy of {drug} in {patients}",
        "{drug} Versus Standard Care for {condition}",
        "A {ph} Randomized Trial of {drug} in Adults With {condition}",
    ))
    return " ".join(form.format(ph=words or "Pilot", drug=drug, patients=patients, condition=condition).split())


def _person(rng: _Rng) -> Person:
    r = rng.r
    first, last = r.choice(vocab.FIRST_NAMES), r.choice(vocab.LAST_NAMES)
    return Person(f"{first} {last}", f"+1-{r.randint(200, 989)}-555-{r.randint(1000, 9999)}",
                  f"{first}.{last}@example.org".lower())


# ----------------------------------------------------------------------------------------------
# Writers. Each returns the file's text.

_BLURB = {  # the one-line blurb under each section header of the text layouts (seeds 000, 002, 003, 004)
    "Study Results": "The study team has not published outcome measurements, participant flow, or safety data for this trial yet. Check back later for updates.",
    "Basic Information": "Get a concise snapshot of the trial, including recruitment status, study phase, enrollment targets, and key timeline milestones.",
    "Brief Summary": "Review the sponsor-provided synopsis that highlights what the study is about and why it is being conducted.",
    "Related Clinical Trials": "Explore similar clinical trials based on study characteristics and research focus.",
    "Detailed Description": "Dive into the extended narrative that explains the scientific background, objectives, and procedures in greater depth.",
    "Conditions": "See the medical conditions and disease areas that this research is targeting or investigating.",
    "Study Design": "Understand how the trial is structured, including allocation methods, masking strategies, primary purpose, and other design elements.",
    "Study Groups": "Review each arm or cohort in the study, along with the interventions and objectives associated with them.",
    "Interventions": "Learn about the drugs, procedures, or behavioral strategies being tested and how they are applied within this trial.",
    "Other Intervention Names": "Discover alternative or legacy names that may be used to describe the listed interventions across different sources.",
    "Eligibility Criteria": "Check the participation requirements, including inclusion and exclusion rules, age limits, and whether healthy volunteers are accepted.",
    "Sponsors": "Meet the organizations funding or collaborating on the study and learn about their roles.",
    "Responsible Party": "Identify the individual or organization who holds primary responsibility for the study information submitted to regulators.",
    "Locations": "Explore where the study is taking place and check the recruitment status at each participating site.",
    "Countries": "Review the countries where the study has at least one active or historical site.",
    "Central Contacts": "Reach out to these primary contacts for questions about participation or study logistics.",
    "Facility Contacts": "Find local site contact details for specific facilities participating in the trial.",
    "References": "Explore related publications, articles, or registry entries linked to this study.",
    "Other Identifiers": "Review additional registry numbers or institutional identifiers associated with this trial.",
    "More Related Trials": "Additional clinical trials that may be relevant based on similarity analysis.",
}
_ROLE_WORDS = {"PARTICIPANT": "Participants", "CARE_PROVIDER": "Caregivers", "INVESTIGATOR": "Investigators",
               "OUTCOMES_ASSESSOR": "Outcome Assessors"}


def _countries(p: Planned) -> list[str]:
    return list(dict.fromkeys(s.country for s in p.sites))


def _section(out: list[str], header: str) -> None:
    out += [header, _BLURB[header]]


def write_labelled(p: Planned) -> str:
    """Seeds 000 and 003: label then value, every element its own paragraph."""
    b: list[str] = [p.title, f"NCT ID: {p.nct_id}", f"Last Updated: {p.last_updated}",
                    "Study Results", "Results pending", _BLURB["Study Results"]]
    _section(b, "Basic Information")
    b += ["Recruitment Status", p.status, "Clinical Phase", "/".join(p.phases),
          "Total Enrollment", f"{p.enrollment} participants", "Study Classification", "INTERVENTIONAL",
          "Study Start Date", p.start_date, "Study Completion Date", p.completion_date]
    _section(b, "Brief Summary")
    b += p.brief_summary.split("\n\n")
    _section(b, "Detailed Description")
    if p.detailed_description:
        b += p.detailed_description.split("\n\n")
    _section(b, "Conditions")
    b.append(", ".join(p.conditions))
    _section(b, "Study Design")
    b += ["Allocation Method", p.allocation, "Intervention Model", p.intervention_model,
          "Primary Study Purpose", p.primary_purpose, "Blinding Strategy", p.masking]
    if p.masked_roles:
        b.append(" ".join(_ROLE_WORDS[r] for r in p.masked_roles))
    _section(b, "Study Groups")
    by_name = {iv.name: iv for iv in p.interventions}
    for arm in p.arms:
        b += [arm.label, arm.description, f"Group Type {arm.type}"]
        for name in arm.interventions:
            b += [name, f"Intervention Type {by_name[name].type}", by_name[name].description]
    _section(b, "Interventions")
    for iv in p.interventions:
        b += [iv.name, iv.description, f"Intervention Type {iv.type}"]
    _section(b, "Eligibility Criteria")
    numbered = p.index % 2 == 0  # seed 000 numbers its criteria, seed 003 uses "* " bullets
    mark = (lambda k: f"{k}. ") if numbered else (lambda k: "* ")
    b += ["Inclusion Criteria", "\n".join(mark(k) + c for k, c in enumerate(p.inclusion, 1)),
          "Exclusion Criteria",
          # No blank line between the last criterion and the age label: that is how the seeds are.
          "\n".join(mark(k) + c for k, c in enumerate(p.exclusion, 1)) + "\nMinimum Eligible Age",
          f"{p.min_age} Years"]
    if p.max_age is not None:
        b += ["Maximum Eligible Age", f"{p.max_age} Years"]
    b += ["Eligible Sex", p.sex, "Accepts Healthy Volunteers", "Yes" if p.healthy_volunteers else "No"]
    _section(b, "Sponsors")
    for k, (name, cls) in enumerate(p.sponsors):
        b += [name, cls, f"Sponsor Role {'lead' if k == 0 else 'collaborator'}"]
    _section(b, "Responsible Party")
    b.append("Responsibility Role SPONSOR")
    if p.sites:
        _section(b, "Locations")
        for s in p.sites:
            b += [s.facility, f"{s.city}, {s.state}, {s.country}", f"Site Status {s.status}"]
        _section(b, "Countries")
        b += _countries(p)
    if p.central_contacts:
        _section(b, "Central Contacts")
        for c in p.central_contacts:
            b += [c.name, "Role: CONTACT", c.phone]
    if p.facility_contacts:
        _section(b, "Facility Contacts")
        for _, c in p.facility_contacts:
            b += [c.name, "Role: primary", c.phone]
    if p.references:
        _section(b, "References")
        for citation, rtype, pmid in p.references:
            b += [citation, f"Reference Type {rtype}\nPMID: {pmid} (View on PubMed)"]
    _section(b, "Other Identifiers")
    b += [p.org_study_id, "Identifier Type: -", "Identifier Source: org_study_id"]
    if p.related:
        _section(b, "More Related Trials")
        b.append("\n".join(f"{title}\n{nct} {status} {'/'.join(ph)}" for nct, title, status, ph in p.related))
    return "\n\n".join(b)


def write_compact(p: Planned) -> str:
    """Seeds 002 and 004: no blank lines, unlabelled values in a fixed order, empty sections,
    the first criterion of each list lost, related trials after the (empty) brief summary."""
    b: list[str] = [p.title, f"NCT ID: {p.nct_id}", f"Last Updated: {p.last_updated}"]
    _section(b, "Study Results")
    _section(b, "Basic Information")
    b += [p.status, "/".join(p.phases), f"{p.enrollment} participants", "INTERVENTIONAL", p.start_date,
          p.completion_date]
    _section(b, "Brief Summary")
    if p.related:
        _section(b, "Related Clinical Trials")
        for nct, title, _, _ in p.related:
            b += [title, nct]
    _section(b, "Detailed Description")
    if p.detailed_description:
        b.append(p.detailed_description.replace("\n\n", " "))
    _section(b, "Conditions")
    _section(b, "Study Design")
    b += [p.allocation, p.intervention_model, p.primary_purpose, p.masking]
    _section(b, "Study Groups")
    by_name = {iv.name: iv for iv in p.interventions}
    for arm in p.arms:
        b += [arm.label, arm.description]
        for name in arm.interventions:
            b += [name, by_name[name].description]
    _section(b, "Interventions")
    for iv in p.interventions:
        b += [iv.name, iv.description]
    if p.index % 2:
        _section(b, "Other Intervention Names")  # present but empty, as in seed 004
    _section(b, "Eligibility Criteria")
    b.append("Inclusion Criteria")
    b += [f"{k}. {c}" for k, c in enumerate(p.inclusion, 1)][1:]  # the first item is lost
    b.append("Exclusion Criteria")
    b += [f"{k}. {c}" for k, c in enumerate(p.exclusion, 1)][1:]
    b.append(f"{p.min_age} Years")
    if p.max_age is not None:
        b.append(f"{p.max_age} Years")
    b += [p.sex, "Yes" if p.healthy_volunteers else "No"]
    _section(b, "Sponsors")
    for name, cls in p.sponsors:
        b += [name, cls]
    _section(b, "Responsible Party")
    _section(b, "Locations")
    for s in p.sites:
        b += [s.facility, f"{s.city}, {s.state}, {s.country}"]
    for header in ("Countries", "Central Contacts"):
        _section(b, header)
    if p.index % 2:
        _section(b, "Facility Contacts")
    _section(b, "Other Identifiers")
    b += [p.org_study_id, "Identifier Type: -", "Identifier Source: org_study_id"]
    _section(b, "More Related Trials")
    return "\n".join(b)


_STATUS_WORDS = {"RECRUITING": "Recruiting", "NOT_YET_RECRUITING": "Not yet recruiting",
                 "ACTIVE_NOT_RECRUITING": "Active, not recruiting", "COMPLETED": "Completed",
                 "ENROLLING_BY_INVITATION": "Enrolling by invitation", "TERMINATED": "Terminated",
                 "SUSPENDED": "Suspended", "WITHDRAWN": "Withdrawn", "UNKNOWN": "Unknown status"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _long_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"


def _short_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{_MONTHS[d.month - 1][:3]} {d.day}, {d.year}"


def _about(name: str) -> str:
    # ClinConnect title-cases the sponsor in "About ..." ("Chinese Academy Of Medical Sciences").
    return " ".join(w[:1].upper() + w[1:].lower() if w.isalpha() or w.isupper() else w for w in name.split())


def write_clinconnect(p: Planned) -> str:
    """Seed 001: a ClinConnect page."""
    lead = p.sponsors[0][0]
    b: list[str] = ["ClinConnect ClinConnect Logo\nSearch / Trial " + p.nct_id, p.title,
                    f"Launched by {lead.upper()} · {_short_date(p.start_date)}", "Trial Information",
                    f"Current as of {_long_date(p.last_updated)}", _STATUS_WORDS[p.status], "Keywords",
                    "ClinConnect Summary", *p.brief_summary.split("\n\n"), "Gender", p.sex, "Eligibility criteria"]
    items = (["Inclusion Criteria:"] + [f"{k}. {c}" for k, c in enumerate(p.inclusion, 1)]
             + ["Exclusion Criteria:"] + [f"{k}. {c}" for k, c in enumerate(p.exclusion, 1)])
    b.append("\n".join(f"  \u2022 {item}" for item in items))
    b += [f"About {_about(lead)}", f"{_about(lead)} is a research organisation that runs clinical trials in "
          f"{p.conditions[0].lower()} and related areas. " + p.brief_summary.split(". ")[0] + "."]
    if p.sites:
        b.append("Locations")
        b += [f"{s.city}, {s.state}, {s.country}" for s in p.sites]
    b += ["Patients applied", "0 patients applied"]
    if p.officials:
        b.append("Trial Officials")
        for name, role, affiliation in p.officials:
            b += [name, role, affiliation]
    b += ["Timeline", "First submit", "Trial launched", "Trial updated", "Estimated completion", "Not reported"]
    return "\n\n".join(b)


_ITYPE_PREFIX = {"DRUG": "Drug", "DEVICE": "Device", "BIOLOGICAL": "Biological", "PROCEDURE": "Procedure",
                 "BEHAVIORAL": "Behavioral", "RADIATION": "Radiation", "DIETARY_SUPPLEMENT": "Dietary Supplement",
                 "OTHER": "Other"}


def _criteria_block(p: Planned, bullet: str) -> str:
    return ("Inclusion Criteria:\n\n" + "\n".join(f"{bullet}{c}" for c in p.inclusion)
            + "\n\nExclusion Criteria:\n\n" + "\n".join(f"{bullet}{c}" for c in p.exclusion))


def write_ctgov_json(p: Planned) -> str:
    """A ClinicalTrials.gov API v2 study object, indented like the website's download."""
    itype = {iv.name: iv.type for iv in p.interventions}
    design: dict = {"studyType": "INTERVENTIONAL", "phases": list(p.phases), "designInfo": {
        "allocation": p.allocation, "interventionModel": p.intervention_model, "primaryPurpose": p.primary_purpose,
        "maskingInfo": {"masking": p.masking, **({"whoMasked": list(p.masked_roles)} if p.masked_roles else {})}},
        "enrollmentInfo": {"count": p.enrollment, "type": "ESTIMATED"}}
    locations = []
    contacts_at = {}
    for k, person in p.facility_contacts:
        contacts_at.setdefault(k, []).append(person)
    for k, s in enumerate(p.sites):
        loc = {"facility": s.facility, "status": s.status, "city": s.city, "state": s.state, "country": s.country}
        if k in contacts_at:
            loc["contacts"] = [{"name": c.name, "role": "CONTACT", "phone": c.phone, "email": c.email}
                               for c in contacts_at[k]]
        locations.append(loc)
    protocol = {
        "identificationModule": {
            "nctId": p.nct_id, "orgStudyIdInfo": {"id": p.org_study_id},
            "organization": {"fullName": p.sponsors[0][0], "class": p.sponsors[0][1]},
            "briefTitle": p.title, "officialTitle": p.official_title, **({"acronym": p.acronym} if p.acronym else {})},
        "statusModule": {
            "statusVerifiedDate": p.last_updated[:7], "overallStatus": p.status,
            "startDateStruct": {"date": p.start_date, "type": "ACTUAL"},
            "completionDateStruct": {"date": p.completion_date, "type": "ESTIMATED"},
            "lastUpdatePostDateStruct": {"date": p.last_updated, "type": "ACTUAL"}},
        "sponsorCollaboratorsModule": {
            "responsibleParty": {"type": "SPONSOR"},
            "leadSponsor": {"name": p.sponsors[0][0], "class": p.sponsors[0][1]},
            **({"collaborators": [{"name": n, "class": c} for n, c in p.sponsors[1:]]} if len(p.sponsors) > 1 else {})},
        "descriptionModule": {"briefSummary": p.brief_summary,
                              **({"detailedDescription": p.detailed_description} if p.detailed_description else {})},
        "conditionsModule": {"conditions": list(p.conditions), **({"keywords": list(p.keywords)} if p.keywords else {})},
        "designModule": design,
        "armsInterventionsModule": {
            "armGroups": [{"label": a.label, "type": a.type, "description": a.description,
                           "interventionNames": [f"{_ITYPE_PREFIX[itype[n]]}: {n}" for n in a.interventions]}
                          for a in p.arms],
            "interventions": [{"type": iv.type, "name": iv.name, "description": iv.description,
                               "armGroupLabels": [a.label for a in p.arms if iv.name in a.interventions],
                               **({"otherNames": list(iv.other_names)} if iv.other_names else {})}
                              for iv in p.interventions]},
        "outcomesModule": {"primaryOutcomes": [{"measure": "Incidence of adverse events",
                                                "description": "Graded by CTCAE v5.0.", "timeFrame": "Up to 2 years"}]},
        "eligibilityModule": {
            "eligibilityCriteria": _criteria_block(p, "* "), "healthyVolunteers": p.healthy_volunteers,
            "sex": p.sex, "minimumAge": f"{p.min_age} Years",
            **({"maximumAge": f"{p.max_age} Years"} if p.max_age is not None else {}), "stdAges": ["ADULT"]},
        "contactsLocationsModule": {
            **({"centralContacts": [{"name": c.name, "role": "CONTACT", "phone": c.phone, "email": c.email}
                                    for c in p.central_contacts]} if p.central_contacts else {}),
            **({"overallOfficials": [{"name": n, "affiliation": a, "role": r.upper().replace(" ", "_")}
                                     for n, r, a in p.officials]} if p.officials else {}),
            **({"locations": locations} if locations else {})},
        "referencesModule": {"references": [{"pmid": pm, "type": t, "citation": c} for c, t, pm in p.references]}
        if p.references else None,
    }
    protocol = {k: v for k, v in protocol.items() if v is not None}
    study = {"protocolSection": protocol,
             "derivedSection": {"miscInfoModule": {"versionHolder": p.last_updated},
                                "conditionBrowseModule": {"meshes": [{"id": f"D{k:09d}", "term": c}
                                                                     for k, c in enumerate(p.conditions)]}},
             "hasResults": False}
    return json.dumps(study, ensure_ascii=False, indent=2)


_XML_WORDS = {
    "RANDOMIZED": "Randomized", "NA": "N/A", "NON_RANDOMIZED": "Non-Randomized",
    "PARALLEL": "Parallel Assignment", "SINGLE_GROUP": "Single Group Assignment",
    "TREATMENT": "Treatment", "PREVENTION": "Prevention", "SUPPORTIVE_CARE": "Supportive Care",
    "DIAGNOSTIC": "Diagnostic", "BASIC_SCIENCE": "Basic Science",
    "EXPERIMENTAL": "Experimental", "ACTIVE_COMPARATOR": "Active Comparator",
    "PLACEBO_COMPARATOR": "Placebo Comparator", "SHAM_COMPARATOR": "Sham Comparator", "OTHER": "Other",
    "ALL": "All", "FEMALE": "Female", "MALE": "Male",
}
_XML_PHASE = {"EARLY_PHASE1": "Early Phase 1", "PHASE1": "Phase 1", "PHASE2": "Phase 2", "PHASE3": "Phase 3",
              "PHASE4": "Phase 4", "NA": "N/A"}
_XML_ROLES = {"PARTICIPANT": "Participant", "CARE_PROVIDER": "Care Provider", "INVESTIGATOR": "Investigator",
              "OUTCOMES_ASSESSOR": "Outcomes Assessor"}


def _textblock(text: str, indent: int = 6) -> str:
    """Legacy XML wraps free text at ~100 columns inside <textblock>, one blank line between paragraphs."""
    pad = " " * indent
    paras = [textwrap.fill(x, 99 - indent, initial_indent=pad, subsequent_indent=pad) for x in text.split("\n\n")]
    return f"<textblock>\n{xml_escape(chr(10).join(p + chr(10) for p in paras).rstrip())}\n{' ' * (indent - 2)}</textblock>"


def _xml_criteria(p: Planned) -> str:
    def items(cs):  # the legacy export has no Markdown backslash escapes
        return "\n\n".join(textwrap.fill(c.replace("\\", ""), 91, initial_indent="          -  ", subsequent_indent=" " * 13) for c in cs)
    text = (f"        Inclusion Criteria:\n\n{items(p.inclusion)}\n\n        Exclusion Criteria:\n\n{items(p.exclusion)}")
    return f"<textblock>\n{xml_escape(text)}\n      </textblock>"


def _month_year(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{_MONTHS[d.month - 1]} {d.year}"


def write_ctgov_xml(p: Planned) -> str:
    """A legacy ClinicalTrials.gov <clinical_study> export."""
    e = xml_escape
    x = ['<?xml version="1.0" encoding="UTF-8"?>', "<clinical_study>",
         "  <required_header>", "    <download_date>ClinicalTrials.gov processed this data on November 24, 2025</download_date>",
         "    <link_text>Link to the current ClinicalTrials.gov record.</link_text>",
         f"    <url>https://clinicaltrials.gov/show/{p.nct_id}</url>", "  </required_header>",
         "  <id_info>", f"    <org_study_id>{e(p.org_study_id)}</org_study_id>", f"    <nct_id>{p.nct_id}</nct_id>",
         "  </id_info>", f"  <brief_title>{e(p.title)}</brief_title>"]
    if p.acronym:
        x.append(f"  <acronym>{e(p.acronym)}</acronym>")
    x += [f"  <official_title>{e(p.official_title)}</official_title>", "  <sponsors>",
          f"    <lead_sponsor>\n      <agency>{e(p.sponsors[0][0])}</agency>\n      <agency_class>{p.sponsors[0][1]}</agency_class>\n    </lead_sponsor>"]
    for name, cls in p.sponsors[1:]:
        x.append(f"    <collaborator>\n      <agency>{e(name)}</agency>\n      <agency_class>{cls}</agency_class>\n    </collaborator>")
    x += ["  </sponsors>", f"  <source>{e(p.sponsors[0][0])}</source>",
          f"  <brief_summary>\n    {_textblock(p.brief_summary)}\n  </brief_summary>"]
    if p.detailed_description:
        x.append(f"  <detailed_description>\n    {_textblock(p.detailed_description)}\n  </detailed_description>")
    x += [f"  <overall_status>{_STATUS_WORDS[p.status]}</overall_status>",
          f'  <start_date type="Actual">{_long_date(p.start_date)}</start_date>',
          f'  <completion_date type="Anticipated">{_month_year(p.completion_date)}</completion_date>',
          f"  <phase>{'/'.join(_XML_PHASE[ph] for ph in p.phases)}</phase>",
          "  <study_type>Interventional</study_type>", "  <has_expanded_access>No</has_expanded_access>",
          "  <study_design_info>", f"    <allocation>{_XML_WORDS[p.allocation]}</allocation>",
          f"    <intervention_model>{_XML_WORDS[p.intervention_model]}</intervention_model>",
          f"    <primary_purpose>{_XML_WORDS[p.primary_purpose]}</primary_purpose>"]
    masking = "None (Open Label)" if not p.masked_roles else (
        f"{p.masking.capitalize()} ({', '.join(_XML_ROLES[r] for r in p.masked_roles)})")
    x += [f"    <masking>{masking}</masking>", "  </study_design_info>",
          "  <primary_outcome>\n    <measure>Incidence of adverse events</measure>\n    <time_frame>Up to 2 years</time_frame>\n  </primary_outcome>",
          f'  <enrollment type="Anticipated">{p.enrollment}</enrollment>']
    x += [f"  <condition>{e(c)}</condition>" for c in p.conditions]
    for a in p.arms:
        x.append(f"  <arm_group>\n    <arm_group_label>{e(a.label)}</arm_group_label>\n"
                 f"    <arm_group_type>{_XML_WORDS[a.type]}</arm_group_type>\n"
                 f"    <description>{e(a.description)}</description>\n  </arm_group>")
    for iv in p.interventions:
        x.append("  <intervention>\n"
                 f"    <intervention_type>{_ITYPE_PREFIX[iv.type]}</intervention_type>\n"
                 f"    <intervention_name>{e(iv.name)}</intervention_name>\n"
                 f"    <description>{e(iv.description)}</description>\n"
                 + "".join(f"    <arm_group_label>{e(a.label)}</arm_group_label>\n" for a in p.arms if iv.name in a.interventions)
                 + "".join(f"    <other_name>{e(o)}</other_name>\n" for o in iv.other_names)
                 + "  </intervention>")
    x += ["  <eligibility>", f"    <criteria>\n      {_xml_criteria(p)}\n    </criteria>",
          f"    <gender>{_XML_WORDS[p.sex]}</gender>", f"    <minimum_age>{p.min_age} Years</minimum_age>",
          f"    <maximum_age>{f'{p.max_age} Years' if p.max_age is not None else 'N/A'}</maximum_age>",
          f"    <healthy_volunteers>{'Accepts Healthy Volunteers' if p.healthy_volunteers else 'No'}</healthy_volunteers>",
          "  </eligibility>"]
    for name, role, affiliation in p.officials:
        x.append(f"  <overall_official>\n    <last_name>{e(name)}</last_name>\n    <role>{role}</role>\n"
                 f"    <affiliation>{e(affiliation)}</affiliation>\n  </overall_official>")
    for k, c in enumerate(p.central_contacts[:2]):
        tag = "overall_contact" if k == 0 else "overall_contact_backup"
        x.append(f"  <{tag}>\n    <last_name>{e(c.name)}</last_name>\n    <phone>{c.phone}</phone>\n"
                 f"    <email>{c.email}</email>\n  </{tag}>")
    contacts_at = dict(p.facility_contacts)
    for k, s in enumerate(p.sites):
        contact = contacts_at.get(k)
        x.append("  <location>\n    <facility>\n"
                 f"      <name>{e(s.facility)}</name>\n      <address>\n        <city>{e(s.city)}</city>\n"
                 f"        <state>{e(s.state)}</state>\n        <country>{e(s.country)}</country>\n"
                 "      </address>\n    </facility>\n"
                 f"    <status>{_STATUS_WORDS[s.status]}</status>\n"
                 + (f"    <contact>\n      <last_name>{e(contact.name)}</last_name>\n      <phone>{contact.phone}</phone>\n"
                    f"      <email>{contact.email}</email>\n    </contact>\n" if contact else "")
                 + "  </location>")
    if p.sites:
        x.append("  <location_countries>\n" + "".join(f"    <country>{e(c)}</country>\n" for c in _countries(p))
                 + "  </location_countries>")
    for citation, rtype, pmid in p.references:
        tag = "results_reference" if rtype == "RESULT" else "reference"
        x.append(f"  <{tag}>\n    <citation>{e(citation)}</citation>\n    <PMID>{pmid}</PMID>\n  </{tag}>")
    x += [f"  <verification_date>{_month_year(p.last_updated)}</verification_date>",
          f'  <last_update_posted type="Actual">{_long_date(p.last_updated)}</last_update_posted>',
          "  <responsible_party>\n    <responsible_party_type>Sponsor</responsible_party_type>\n  </responsible_party>"]
    x += [f"  <keyword>{e(k)}</keyword>" for k in p.keywords]
    x += ["</clinical_study>", ""]
    return "\n".join(x)


WRITERS = {"labelled": write_labelled, "compact": write_compact, "clinconnect": write_clinconnect,
           "ctgov_json": write_ctgov_json, "ctgov_xml": write_ctgov_xml}


def file_name(p: Planned) -> str:
    return f"{p.index:06d}_{p.nct_id}.{EXTENSIONS[p.layout]}"


def generate(n: int, out_dir: str | Path, seed: int = 0, layouts=LAYOUTS) -> list[Planned]:
    """Write n records into out_dir (created if needed), layouts assigned round-robin; return their plans."""
    unknown = set(layouts) - set(LAYOUTS)
    if unknown or not layouts:
        raise ValueError(f"unknown layouts {sorted(unknown)}; choose from {', '.join(LAYOUTS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plans = []
    for i in range(n):
        p = plan(i, n, seed, layouts[i % len(layouts)])
        path = out / file_name(p)
        path.write_text(WRITERS[p.layout](p), encoding="utf-8")
        plans.append(_with_path(p, str(path)))
    return plans


def _with_path(p: Planned, path: str) -> Planned:
    from dataclasses import replace
    return replace(p, path=path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="number of records (default 1000)")
    ap.add_argument("--out", required=True, help="folder to write the records into")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--layouts", default=",".join(LAYOUTS), help="comma-separated subset of " + ",".join(LAYOUTS))
    args = ap.parse_args(argv)
    plans = generate(args.n, args.out, args.seed, tuple(args.layouts.split(",")))
    size = sum(Path(p.path).stat().st_size for p in plans)
    counts = {lay: sum(p.layout == lay for p in plans) for lay in dict.fromkeys(args.layouts.split(","))}
    print(f"wrote {len(plans)} records ({size / 1e6:.1f} MB) to {args.out}: "
          + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
