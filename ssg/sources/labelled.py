"""The labelled layout (seeds 000, 003): a trial page as text, a label then its value.

The compact layout (seeds 002, 004) is the same page with the labels and blank
lines stripped, so ``parse_registry_page`` reads both; ``compact=True`` switches
the few places where values must be recognised by shape or position instead.
"""

from __future__ import annotations

import re

from ssg import infer
from ssg.errors import ParseError
from ssg.model import Design, Eligibility, SourceRef, Trial
from ssg.sources import normalize, textpage as tp
from ssg.sources.criteria import split_criteria

LAYOUT = "labelled"

# Line-anchored patterns start with "\n" and are searched in "\n" + text: the same lines match as
# with "^" and re.M, but the regex engine jumps from newline to newline instead of trying every
# character, which is many times faster on a page of text.
# Labels (a whole line) that only the labelled layout has.
_LABEL_LINE_RE = re.compile(
    r"\n(?:Recruitment Status|Clinical Phase|Total Enrollment|Study Classification|Allocation Method|"
    r"Blinding Strategy|Minimum Eligible Age|Eligible Sex|Accepts Healthy Volunteers|Group Type [A-Z_]+)[ \t\r]*$",
    re.M,
)
_CLINCONNECT_RE = re.compile(r"\n(?:ClinConnect\b|Search / Trial NCT|Launched by )")

BASIC_LABELS = {
    "Recruitment Status": "status", "Clinical Phase": "phases", "Total Enrollment": "enrollment",
    "Study Classification": "study_type", "Study Start Date": "start_date",
    "Study Completion Date": "completion_date", "Official Title": "official_title", "Acronym": "acronym",
}
DESIGN_LABELS = {
    "Allocation Method": "allocation", "Intervention Model": "intervention_model",
    "Primary Study Purpose": "primary_purpose", "Blinding Strategy": "masking",
}
ELIGIBILITY_LABELS = {
    "Minimum Eligible Age": "min_age", "Maximum Eligible Age": "max_age",
    "Eligible Sex": "sex", "Accepts Healthy Volunteers": "healthy_volunteers",
}
_ALL_LABELS = {**BASIC_LABELS, **DESIGN_LABELS, **ELIGIBILITY_LABELS}

# Shapes of the compact layout's unlabelled values.
_PHASE_VALUE_RE = re.compile(r"^(?:(?:EARLY_)?PHASE\d(?:\s*/\s*PHASE\d)*|NA|N/A)$")
_ENROLLMENT_RE = re.compile(r"^\d[\d,]*\s+participants?$", re.I)
_STUDY_TYPES = frozenset({"INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"})
_ALLOCATIONS = frozenset({"RANDOMIZED", "NON_RANDOMIZED"})
_MODELS_RE = re.compile(r"^(?:SINGLE_GROUP|PARALLEL|CROSSOVER|FACTORIAL|SEQUENTIAL)$")
_PURPOSES = frozenset({
    "TREATMENT", "PREVENTION", "DIAGNOSTIC", "SUPPORTIVE_CARE", "SCREENING", "HEALTH_SERVICES_RESEARCH",
    "BASIC_SCIENCE", "DEVICE_FEASIBILITY", "ECT", "OTHER",
})
_MASKINGS = frozenset({"NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"})
_AGE_VALUE_RE = re.compile(r"^(?:\d+(?:\.\d+)?\s*(?:Years?|Months?|Weeks?|Days?|Hours?|Minutes?)|N/A)$", re.I)
_SEX_VALUES = frozenset({"ALL", "FEMALE", "MALE", "BOTH"})
_YES_NO = frozenset({"Yes", "No", "YES", "NO", "yes", "no"})


def detect(text: str) -> bool:
    """An "NCT ID:" line and value labels such as "Recruitment Status" on lines of their own."""
    head = text[:50_000]
    if "NCT ID:" not in head:  # cheap reject before the line-anchored scans
        return False
    return has_nct_line(head) and has_label_line(head) and not is_clinconnect_head(head)


def has_nct_line(head: str) -> bool:
    """A line starting "NCT ID:"."""
    return head.startswith("NCT ID:") or "\nNCT ID:" in head


def has_label_line(head: str) -> bool:
    """A line holding only one of the labelled layout's value labels."""
    global _last_label_check
    # Detection asks this twice of the same page (labelled, then compact): remember the last
    # answer. The cache holds the text itself, so an identical object is the same page.
    if _last_label_check[0] is head:
        return _last_label_check[1]
    found = bool(_LABEL_LINE_RE.search("\n" + head))
    _last_label_check = (head, found)
    return found


_last_label_check: tuple[str | None, bool] = (None, False)


def is_clinconnect_head(head: str) -> bool:
    """ClinConnect's banner, breadcrumb or "Launched by" line near the top of the page."""
    return bool(_CLINCONNECT_RE.search("\n" + head[:2000]))


def parse(text: str, path: str) -> Trial:
    return parse_registry_page(text, path, compact=False)


def _labelled_values(values: list[str], labels: dict[str, str]) -> dict[str, str]:
    """{field: value} for "Label" lines followed by their value line."""
    out: dict[str, str] = {}
    for k, line in enumerate(values):
        key = labels.get(line)
        if key and key not in out and k + 1 < len(values) and values[k + 1] not in _ALL_LABELS:
            out[key] = values[k + 1]
    return out


def _basic_compact(values: list[str]) -> dict[str, str]:
    """Status, phase, enrollment, type, start, completion, each recognised by its shape."""
    out: dict[str, str] = {}
    for line in values:
        if "status" not in out and normalize.status(line):
            out["status"] = line
        elif "phases" not in out and _PHASE_VALUE_RE.match(line):
            out["phases"] = line
        elif "enrollment" not in out and _ENROLLMENT_RE.match(line):
            out["enrollment"] = line
        elif "study_type" not in out and line in _STUDY_TYPES:
            out["study_type"] = line
        elif len(line) < 30 and line[-1:].isdigit() and normalize.iso_date(line):
            out.setdefault("start_date" if "start_date" not in out else "completion_date", line)
    return out


def _design_compact(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in values:
        if "allocation" not in out and (line in _ALLOCATIONS or (line == "NA" and not out)):
            out["allocation"] = line
        elif "intervention_model" not in out and _MODELS_RE.match(line):
            out["intervention_model"] = line
        elif "masking" not in out and line in _MASKINGS:
            out["masking"] = line
        elif "primary_purpose" not in out and line in _PURPOSES:
            out["primary_purpose"] = line
    return out


def _design(values: list[str], compact: bool) -> Design:
    d = _design_compact(values) if compact else _labelled_values(values, DESIGN_LABELS)
    roles: list[str] = []
    for line in values:
        roles = tp.masked_roles(line)
        if roles:
            break
    return Design(
        allocation=d.get("allocation"), intervention_model=d.get("intervention_model"),
        primary_purpose=d.get("primary_purpose"), masking=d.get("masking"), masked_roles=roles,
    )


def _eligibility(section: tp.Section | None, compact: bool) -> tuple[list[str], list[str], dict[str, str]]:
    """(inclusion, exclusion, {min_age, max_age, sex, healthy_volunteers})."""
    if section is None:
        return [], [], {}
    lines = list(map(tp._TEXT, section.lines))
    values: dict[str, str] = {}
    if compact:
        # Unlabelled trailing values, read from the end: healthy volunteers, sex, then one or
        # two ages (a missing maximum age leaves a single age line, the minimum).
        end = len(lines)
        while end and not lines[end - 1]:
            end -= 1
        if end and lines[end - 1] in _YES_NO:
            values["healthy_volunteers"] = lines[end - 1]
            end -= 1
        if end and lines[end - 1].upper() in _SEX_VALUES:
            values["sex"] = lines[end - 1]
            end -= 1
        ages: list[str] = []
        while end and len(ages) < 2 and _AGE_VALUE_RE.match(lines[end - 1]):
            ages.insert(0, lines[end - 1])
            end -= 1
        if ages:
            values["min_age"] = ages[0]
        if len(ages) == 2:
            values["max_age"] = ages[1]
        block = lines[:end]
    else:
        first_label = next((k for k, t in enumerate(lines) if t in ELIGIBILITY_LABELS), len(lines))
        block = lines[:first_label]
        values = _labelled_values([t for t in lines[first_label:] if t], ELIGIBILITY_LABELS)
    inclusion, exclusion = split_criteria("\n".join(block))
    return inclusion, exclusion, values


def _age(text: str | None) -> float | None:
    if not text or text.strip().upper() == "N/A":
        return None
    return normalize.age_years(text)


def parse_registry_page(text: str, path: str, *, compact: bool) -> Trial:
    layout = "compact" if compact else LAYOUT
    lines = tp.lines_of(text)
    head, sec = tp.split_sections(lines)
    vals = lambda name: sec[name].values if name in sec else []  # noqa: E731

    # Head: title, then "NCT ID: …", "Last Updated: …".
    title = nct_id = last_updated = None
    title_line = nct_line = None
    for no, t in head:
        if not t:
            continue
        if t.startswith("NCT ID:"):
            nct_id, nct_line = t[len("NCT ID:"):].strip(), no
        elif t.startswith("Last Updated:"):
            last_updated = normalize.iso_date(t[len("Last Updated:"):])
        elif title is None and nct_id is None:
            title, title_line = tp.clean(t), no
    if not nct_id:
        raise ParseError(path, f"no 'NCT ID:' line in the {layout} page header", f"line {(title_line or 0) + 1}")
    if not title:
        raise ParseError(path, "no title before the 'NCT ID:' line", f"line {nct_line}")
    if not tp.NCT_ANY_RE.fullmatch(nct_id):
        raise ParseError(path, f"not an NCT ID (NCT + 8 digits): {nct_id!r}", f"line {nct_line}")

    basic = _basic_compact(vals("Basic Information")) if compact else _labelled_values(vals("Basic Information"), BASIC_LABELS)
    inclusion, exclusion, elig = _eligibility(sec.get("Eligibility Criteria"), compact)
    min_age, max_age = _age(elig.get("min_age")), _age(elig.get("max_age"))
    ages_inferred = False
    if min_age is None and max_age is None:
        found = infer.infer_ages(inclusion)
        if found:
            (min_age, max_age), ages_inferred = found, True

    interventions = (tp.interventions_compact if compact else tp.interventions_labelled)(vals("Interventions"))
    locations = tp.locations(vals("Locations"))
    facilities = frozenset(loc.facility for loc in locations if loc.facility)
    only_facility = next(iter(facilities)) if len(facilities) == 1 else None

    brief = sec["Brief Summary"].text(compact) if "Brief Summary" in sec else None
    detailed = sec["Detailed Description"].text(compact) if "Detailed Description" in sec else None
    conditions = tp.split_terms(vals("Conditions"))
    conditions_inferred = False
    if not conditions:
        conditions = infer.infer_conditions(title, [t for t in (brief, detailed, *inclusion) if t])
        conditions_inferred = bool(conditions)

    results = " ".join(vals("Study Results")).lower()
    related = tp.related(vals("Related Clinical Trials") + vals("More Related Trials"), nct_id)

    return tp.build_trial(
        path, layout, None,
        nct_id=nct_id, title=title,
        official_title=basic.get("official_title"), acronym=basic.get("acronym"),
        status=normalize.status(basic.get("status")) or "UNKNOWN",
        phases=normalize.phases(basic.get("phases")),
        study_type=basic.get("study_type"),
        enrollment=tp.first_int(basic.get("enrollment")),
        start_date=normalize.iso_date(basic.get("start_date")),
        completion_date=normalize.iso_date(basic.get("completion_date")),
        last_updated=last_updated,
        brief_summary=brief, detailed_description=detailed,
        conditions=conditions, conditions_inferred=conditions_inferred,
        keywords=tp.split_terms(vals("Keywords")),
        design=_design(vals("Study Design"), compact),
        arms=tp.arms(vals("Study Groups"), interventions),
        interventions=interventions,
        eligibility=Eligibility(
            inclusion=inclusion, exclusion=exclusion, min_age_years=min_age, max_age_years=max_age,
            sex=normalize.sex(elig.get("sex")), healthy_volunteers=normalize.yes_no(elig.get("healthy_volunteers")),
            ages_inferred=ages_inferred,
        ),
        sponsors=tp.sponsors(vals("Sponsors") + vals("Collaborators")),
        locations=locations,
        contacts=tp.contacts(vals("Central Contacts"))
        + tp.contacts(vals("Facility Contacts"), facility=only_facility, facilities=facilities),
        officials=tp.officials(vals("Study Officials") + vals("Investigators")),
        references=tp.references(vals("References")),
        other_ids=tp.other_ids(vals("Other Identifiers")),
        related=related,
        has_results=bool(results) and "pending" not in results and "not published" not in results,
        sources=[SourceRef(path=path, layout=layout)],
    )


parse = tp.guarded(LAYOUT, parse)
