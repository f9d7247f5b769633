"""The ClinConnect layout (seed 001): a patient-facing trial page.

"Search / Trial NCT…" then the title, "Launched by SPONSOR · date", "Current as of
DATE" and the status in words, a lay "ClinConnect Summary" (kept as
``source_plain_summary``, never as the brief summary), bullet criteria with the
"Inclusion Criteria:" heading inside the list, "About SPONSOR", place-only
locations and trial officials as name / role / affiliation.
"""

from __future__ import annotations

import re

from ssg import infer
from ssg.errors import ParseError
from ssg.model import Eligibility, SourceRef, Sponsor, Trial
from ssg.sources import normalize, textpage as tp
from ssg.sources.criteria import split_criteria

LAYOUT = "clinconnect"

_BREADCRUMB_RE = re.compile(r"^Search\s*/\s*Trial\s+(\S+)\s*$")
_LAUNCHED_RE = re.compile(r"^Launched by\s+(.+?)(?:\s+[·•]\s+(.+))?$")
_CURRENT_RE = re.compile(r"^Current as of\s+(.+)$")
# Searched in "\n" + text: "\n" instead of "^" with re.M finds the same lines, much faster.
_DETECT_RE = re.compile(r"\n(?:ClinConnect\b.*|Search\s*/\s*Trial\s+NCT\d{8}|Launched by .+|Current as of .+|ClinConnect Summary)[ \t\r]*$", re.M)
_PHASE_WORDS_RE = re.compile(r"^(?:(?:Early\s+)?Phase\s*(?:\d|I{1,3}|IV)\b.*|N/?A)$", re.I)
_NOT_REPORTED_RE = re.compile(r"^(?:not reported|n/?a|none|-|—|unknown)$", re.I)

HEADERS = frozenset({
    "Trial Information", "Keywords", "ClinConnect Summary", "Gender", "Eligibility criteria", "Eligibility Criteria",
    "Locations", "Patients applied", "Trial Officials", "Timeline", "Conditions", "Phase", "Age", "Sponsor",
    "Healthy Volunteers", "Accepts Healthy Volunteers",
})
TIMELINE_LABELS = {
    "First submit": None, "Trial launched": "start_date", "Trial updated": "last_updated",
    "Estimated completion": "completion_date", "Completion": "completion_date",
}


def detect(text: str) -> bool:
    """At least two of: the ClinConnect banner, the "Search / Trial NCT…" breadcrumb,
    "Launched by", "Current as of", "ClinConnect Summary"."""
    return len({m.group(0).split()[0] for m in _DETECT_RE.finditer("\n" + text[:20_000])}) >= 2


def _timeline(values: list[str]) -> dict[str, str]:
    """Label lines each optionally followed by a date; "Not reported" gives nothing."""
    out: dict[str, str] = {}
    for k, line in enumerate(values):
        if line in TIMELINE_LABELS and k + 1 < len(values) and TIMELINE_LABELS[line]:
            value = values[k + 1]
            # dates have digits; skip the (slow) date parser for the next label or "Not reported"
            date = normalize.iso_date(value) if any(c.isdigit() for c in value) else None
            if date:
                out.setdefault(TIMELINE_LABELS[line], date)
    return out


def _terms(values: list[str]) -> list[str]:
    return [] if len(values) == 1 and _NOT_REPORTED_RE.match(values[0]) else tp.split_terms(values)


def parse(text: str, path: str) -> Trial:
    lines = tp.lines_of(text)
    head, sec = tp.split_sections(lines, HEADERS, prefixes=("About ",), skip_blurb=False)
    vals = lambda name: sec[name].values if name in sec else []  # noqa: E731

    nct_id = title = sponsor = None
    nct_line = title_line = None
    for no, t in head:
        if not t:
            continue
        m = _BREADCRUMB_RE.match(t)
        if m:
            nct_id, nct_line = m.group(1), no
            continue
        m = _LAUNCHED_RE.match(t)
        if m:
            sponsor = m.group(1).strip()
            continue
        if nct_id and title is None and not t.startswith("ClinConnect"):
            title, title_line = tp.clean(t), no
    if not nct_id:
        raise ParseError(path, "no 'Search / Trial NCT…' line naming the trial", "line 2")
    if not tp.NCT_ANY_RE.fullmatch(nct_id):
        raise ParseError(path, f"not an NCT ID (NCT + 8 digits): {nct_id!r}", f"line {nct_line}")
    if not title:
        raise ParseError(path, "no title after the 'Search / Trial' line", f"line {nct_line + 1}")

    status = last_updated = None
    phases: list[str] = []
    for line in vals("Trial Information") + vals("Phase"):
        m = _CURRENT_RE.match(line)
        if m:
            last_updated = normalize.iso_date(m.group(1))
        elif status is None and normalize.status(line):
            status = normalize.status(line)
        elif not phases and _PHASE_WORDS_RE.match(line):
            phases = normalize.phases(line)

    summary = sec["ClinConnect Summary"].text() if "ClinConnect Summary" in sec else None
    block = sec["Eligibility criteria"].raw() if "Eligibility criteria" in sec else (
        sec["Eligibility Criteria"].raw() if "Eligibility Criteria" in sec else "")
    inclusion, exclusion = split_criteria(block)
    min_age = max_age = None
    ages_inferred = False
    found = infer.infer_ages(inclusion)
    if found:
        (min_age, max_age), ages_inferred = found, True

    about_name = next((name for name in sec if name.startswith("About ")), None)
    about = sec[about_name].text() if about_name else None
    timeline = _timeline(vals("Timeline"))

    conditions = _terms(vals("Conditions"))
    conditions_inferred = False
    if not conditions:
        conditions = infer.infer_conditions(title, [t for t in (summary, *inclusion, *exclusion) if t])
        conditions_inferred = bool(conditions)
    sex_values = vals("Gender")
    hv = vals("Healthy Volunteers") or vals("Accepts Healthy Volunteers")

    return tp.build_trial(
        path, LAYOUT, title_line and f"line {title_line}",
        nct_id=nct_id, title=title,
        status=status or "UNKNOWN", phases=phases,
        last_updated=last_updated or timeline.get("last_updated"),
        start_date=timeline.get("start_date"), completion_date=timeline.get("completion_date"),
        source_plain_summary=summary,
        conditions=conditions, conditions_inferred=conditions_inferred,
        keywords=_terms(vals("Keywords")),
        eligibility=Eligibility(
            inclusion=inclusion, exclusion=exclusion, min_age_years=min_age, max_age_years=max_age,
            sex=normalize.sex(sex_values[0]) if sex_values else None,
            healthy_volunteers=normalize.yes_no(hv[0]) if hv else None,
            ages_inferred=ages_inferred,
        ),
        # The record's own text, capitals and all: display casing is the site's job.
        sponsors=[Sponsor(name=sponsor, role="lead")] if sponsor else [],
        sponsor_about=about,
        locations=tp.locations(vals("Locations"), with_facility=False),
        officials=tp.officials(vals("Trial Officials")),
        sources=[SourceRef(path=path, layout=LAYOUT)],
    )


parse = tp.guarded(LAYOUT, parse)
