"""ClinicalTrials.gov API v2 JSON: one study object (``protocolSection`` ...) per file.

Every value is type-checked as it is read; a wrong type, a truncated file or a
missing NCT ID / brief title is a ``ParseError`` naming the JSON path
(``$.protocolSection.designModule.phases[0]``) or the line and column.
"""

from __future__ import annotations

import json
import re

from ssg.errors import ParseError
from ssg.model import (
    PHASES, Arm, Contact, Design, Eligibility, Intervention, Location, Official, OtherId, Reference,
    SourceRef, Sponsor, Status, Trial,
)
from ssg.sources import _derive as derive, normalize
from ssg.sources._fields import Reader, age, checked, date, is_nct_id, phone, strip_type_label, type_name
from ssg.sources._fields import status as status_of

LAYOUT = "ctgov_json"
# What detect() skips before the first character (matched in place rather than lstrip()-copying the file).
_LEADING = re.compile(r"[\ufeff \t\r\n]*")


def detect(text: str) -> bool:
    """JSON starts with '{' (a study) or '[' followed by '{' or ']' (a list of studies)."""
    start = _LEADING.match(text).end()
    head = text[start:start + 64]
    if head.startswith("{"):
        return True
    return head.startswith("[") and head[1:].lstrip()[:1] in ("{", "]", "")


def parse(text: str, path: str) -> Trial:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ParseError(path, f"invalid JSON: {e.msg}", f"line {e.lineno}, column {e.colno}") from None
    study, root = _one_study(data, path)
    return study_to_trial(study, path, root)


def _one_study(data: object, path: str) -> tuple[dict, str]:
    """The study object; a list (or API ``{"studies": [...]}`` page) must hold exactly one."""
    where = "$"
    if isinstance(data, dict) and "protocolSection" not in data and isinstance(data.get("studies"), list):
        data, where = data["studies"], "$.studies"
    if isinstance(data, list):
        if len(data) != 1:
            raise ParseError(path, f"expected one study per file, found a list of {len(data)}", where)
        data, where = data[0], f"{where}[0]"
    if not isinstance(data, dict):
        raise ParseError(path, "expected a ClinicalTrials.gov API v2 study object", where)
    if "protocolSection" not in data:
        raise ParseError(path, "not a ClinicalTrials.gov API v2 study: no protocolSection", where)
    return data, where


def study_to_trial(study: dict, path: str, root: str = "$") -> Trial:
    """``root`` is the study's own JSON path in the file, so that errors point at the right place."""
    r = Reader(path)
    top = f"{root}.protocolSection"
    ps = r.obj(study, "protocolSection", root)
    if not ps:
        raise r.fail(top, "protocolSection is empty")

    def module(name: str) -> tuple[dict, str]:
        return r.obj(ps, name, top), f"{top}.{name}"

    ident, w_ident = module("identificationModule")
    status_mod, w_status = module("statusModule")
    design_mod, w_design = module("designModule")
    desc, w_desc = module("descriptionModule")
    cond, w_cond = module("conditionsModule")
    arms_mod, w_arms = module("armsInterventionsModule")
    places, w_places = module("contactsLocationsModule")

    nct_id = r.required(r.text(ident, "nctId", w_ident), f"{w_ident}.nctId", "NCT ID (nctId)")
    if not is_nct_id(nct_id):
        raise r.fail(f"{w_ident}.nctId", f"not an NCT ID (NCT + 8 digits): {nct_id[:40]!r}")
    title = r.required(r.text(ident, "briefTitle", w_ident), f"{w_ident}.briefTitle", "title (briefTitle)")
    official_title = r.text(ident, "officialTitle", w_ident)
    brief_summary = r.text(desc, "briefSummary", w_desc)
    conditions, conditions_inferred = derive.conditions(
        r.texts(cond, "conditions", w_cond), title, official_title, brief_summary
    )
    eligibility = derive.ages(_eligibility(r, *module("eligibilityModule")))
    has_results = r.flag(study, "hasResults", root)
    if has_results is None:
        has_results = bool(study.get("resultsSection"))
    locations, site_contacts = _locations(r, places, w_places)

    return Trial(
        nct_id=nct_id,
        title=title,
        official_title=official_title,
        acronym=r.text(ident, "acronym", w_ident),
        status=status_of(r, r.text(status_mod, "overallStatus", w_status), f"{w_status}.overallStatus")
        or Status.UNKNOWN,
        phases=_phases(r, design_mod, w_design),
        study_type=r.text(design_mod, "studyType", w_design),
        enrollment=r.count(r.obj(design_mod, "enrollmentInfo", w_design), "count", f"{w_design}.enrollmentInfo"),
        start_date=_date_struct(r, status_mod, "startDateStruct", w_status),
        completion_date=_date_struct(r, status_mod, "completionDateStruct", w_status),
        last_updated=_date_struct(r, status_mod, "lastUpdatePostDateStruct", w_status),
        brief_summary=brief_summary,
        detailed_description=r.text(desc, "detailedDescription", w_desc),
        conditions=conditions,
        conditions_inferred=conditions_inferred,
        keywords=r.texts(cond, "keywords", w_cond),
        design=_design(r, r.obj(design_mod, "designInfo", w_design), f"{w_design}.designInfo"),
        arms=_arms(r, arms_mod, w_arms),
        interventions=_interventions(r, arms_mod, w_arms),
        eligibility=eligibility,
        sponsors=_sponsors(r, *module("sponsorCollaboratorsModule")),
        locations=locations,
        contacts=_central_contacts(r, places, w_places) + site_contacts,
        officials=_officials(r, places, w_places),
        references=_references(r, *module("referencesModule")),
        other_ids=_other_ids(r, ident, w_ident),
        has_results=has_results,
        sources=[SourceRef(path=path, layout=LAYOUT)],
    )


def _phases(r: Reader, design: dict, where: str) -> list[str]:
    out: list[str] = []
    for i, raw in enumerate(r.items(design, "phases", where)):
        here = f"{where}.phases[{i}]"
        if not isinstance(raw, str):
            raise r.fail(here, f"expected a phase string, found {type_name(raw)}")
        found = normalize.phases(raw)
        if not found or not set(found) <= set(PHASES):
            raise r.fail(here, f"not a recognised phase: {raw[:40]!r}")
        out.extend(p for p in found if p not in out)
    return out


def _date_struct(r: Reader, status: dict, key: str, where: str) -> str | None:
    here = f"{where}.{key}"
    raw = r.text(r.obj(status, key, where), "date", here)
    return date(r, raw, f"{here}.date")


def _design(r: Reader, info: dict, where: str) -> Design:
    masking = r.obj(info, "maskingInfo", where)
    return Design(
        allocation=r.text(info, "allocation", where),
        intervention_model=r.text(info, "interventionModel", where),
        primary_purpose=r.text(info, "primaryPurpose", where),
        masking=r.text(masking, "masking", f"{where}.maskingInfo"),
        masked_roles=r.texts(masking, "whoMasked", f"{where}.maskingInfo"),
    )


def _arms(r: Reader, module: dict, where: str) -> list[Arm]:
    arms = []
    for here, arm in r.objects(module, "armGroups", where):
        names = [strip_type_label(n) for n in r.texts(arm, "interventionNames", here)]
        arms.append(Arm(
            label=r.required(r.text(arm, "label", here), f"{here}.label", "arm label"),
            type=r.text(arm, "type", here),
            description=r.text(arm, "description", here),
            interventions=list(dict.fromkeys(names)),
        ))
    return arms


def _interventions(r: Reader, module: dict, where: str) -> list[Intervention]:
    return [
        Intervention(
            name=r.required(r.text(item, "name", here), f"{here}.name", "intervention name"),
            type=r.text(item, "type", here),
            description=r.text(item, "description", here),
            other_names=r.texts(item, "otherNames", here),
        )
        for here, item in r.objects(module, "interventions", where)
    ]


def _eligibility(r: Reader, module: dict, where: str) -> Eligibility:
    criteria = r.text(module, "eligibilityCriteria", where)
    inclusion, exclusion = derive.split(criteria)
    raw_sex = r.text(module, "sex", where)
    return Eligibility(
        inclusion=inclusion,
        exclusion=exclusion,
        min_age_years=age(r, r.text(module, "minimumAge", where), f"{where}.minimumAge"),
        max_age_years=age(r, r.text(module, "maximumAge", where), f"{where}.maximumAge"),
        sex=checked(r, f"{where}.sex", raw_sex, normalize.sex(raw_sex), "sex"),
        healthy_volunteers=r.flag(module, "healthyVolunteers", where),
    )


def _sponsors(r: Reader, module: dict, where: str) -> list[Sponsor]:
    out: list[Sponsor] = []
    lead = r.obj(module, "leadSponsor", where)
    if lead:
        here = f"{where}.leadSponsor"
        out.append(Sponsor(
            name=r.required(r.text(lead, "name", here), f"{here}.name", "lead sponsor name"),
            agency_class=r.text(lead, "class", here),
            role="lead",
        ))
    for here, item in r.objects(module, "collaborators", where):
        out.append(Sponsor(
            name=r.required(r.text(item, "name", here), f"{here}.name", "collaborator name"),
            agency_class=r.text(item, "class", here),
            role="collaborator",
        ))
    return out


# Locations and contacts (the long lists) are made unchecked: every value is a string that
# r.text checked (or one of our enum words) or None, so their validation could not fail.

def _contact(r: Reader, item: dict, here: str, facility: str | None) -> Contact | None:
    name, number, email = r.text(item, "name", here), r.text(item, "phone", here), r.text(item, "email", here)
    if not (name or number or email):
        return None
    return Contact.unchecked(name, r.text(item, "role", here), phone(number, r.text(item, "phoneExt", here)),
                             email, facility)


def _central_contacts(r: Reader, module: dict, where: str) -> list[Contact]:
    contacts = (_contact(r, item, here, None) for here, item in r.objects(module, "centralContacts", where))
    return [c for c in contacts if c is not None]


def _locations(r: Reader, module: dict, where: str) -> tuple[list[Location], list[Contact]]:
    locations: list[Location] = []
    contacts: list[Contact] = []
    for here, loc in r.objects(module, "locations", where):
        facility = r.text(loc, "facility", here)
        raw_status = r.text(loc, "status", here)
        site_status = status_of(r, raw_status, f"{here}.status", "site status")
        locations.append(Location.unchecked(facility, r.text(loc, "city", here), r.text(loc, "state", here),
                                            r.text(loc, "country", here), site_status.value if site_status else None))
        for c_here, item in r.objects(loc, "contacts", here):
            contact = _contact(r, item, c_here, facility or r.text(loc, "city", here))
            if contact is not None:
                contacts.append(contact)
    return locations, contacts


def _officials(r: Reader, module: dict, where: str) -> list[Official]:
    return [
        Official(
            name=r.required(r.text(item, "name", here), f"{here}.name", "official's name"),
            role=r.text(item, "role", here),
            affiliation=r.text(item, "affiliation", here),
        )
        for here, item in r.objects(module, "overallOfficials", where)
    ]


def _references(r: Reader, module: dict, where: str) -> list[Reference]:
    out = []
    for here, item in r.objects(module, "references", where):
        citation = r.text(item, "citation", here)
        if citation is None:
            continue  # a reference with nothing to cite says nothing
        out.append(Reference(citation=citation, type=r.text(item, "type", here), pmid=r.text(item, "pmid", here)))
    return out


def _other_ids(r: Reader, ident: dict, where: str) -> list[OtherId]:
    out: list[OtherId] = []
    org = r.obj(ident, "orgStudyIdInfo", where)
    org_id = r.text(org, "id", f"{where}.orgStudyIdInfo")
    if org_id:
        out.append(OtherId(id=org_id, type=r.text(org, "type", f"{where}.orgStudyIdInfo"), source="org_study_id"))
    for here, item in r.objects(ident, "secondaryIdInfos", where):
        sid = r.text(item, "id", here)
        if sid:
            out.append(OtherId(id=sid, type=r.text(item, "type", here), source="secondary_id"))
    for alias in r.texts(ident, "nctIdAliases", where):
        out.append(OtherId(id=alias, type=None, source="nct_alias"))
    return out
