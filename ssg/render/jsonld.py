"""schema.org MedicalTrial data for a trial page, safe to place inside <script type="application/ld+json">.

Record text may contain "</script>" or "<!--"; json.dumps alone would let it end the script element.
Escaping <, > and & as \\u003c, \\u003e, \\u0026 keeps the JSON equal while the HTML parser sees
no tag at all (the same choice as Django's json_script).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _string  # how _ENCODE writes a str (C)

from markupsafe import Markup

from ssg.model import Status, Trial
from ssg.plain.words import PHASE_NAMES  # "Phase 1" etc.; NA has no schema.org phase

# schema.org MedicalTrialDesign / MedicalStudyStatus values.
STUDY_STATUS = {
    Status.RECRUITING: "Recruiting",
    Status.NOT_YET_RECRUITING: "NotYetRecruiting",
    Status.ENROLLING_BY_INVITATION: "EnrollingByInvitation",
    Status.ACTIVE_NOT_RECRUITING: "ActiveNotRecruiting",
    Status.COMPLETED: "Completed",
    Status.SUSPENDED: "Suspended",
    Status.TERMINATED: "Terminated",
    Status.WITHDRAWN: "Withdrawn",
}
# One encoder for every page (json.dumps makes a new one per call); the data is a tree, so the
# check for reference cycles is only work.
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def trial_design(trial: Trial) -> list[str]:
    design = []
    if trial.design.allocation == "RANDOMIZED":
        design.append("https://schema.org/RandomizedTrial")
    masking = trial.design.masking
    if masking == "NONE":
        design.append("https://schema.org/OpenTrial")
    elif masking == "SINGLE":
        design.append("https://schema.org/SingleBlindedTrial")
    elif masking == "DOUBLE":
        design.append("https://schema.org/DoubleBlindedTrial")
    elif masking in ("TRIPLE", "QUADRUPLE"):
        design.append("https://schema.org/TripleBlindedTrial")
    if any(a.type == "PLACEBO_COMPARATOR" for a in trial.arms):
        design.append("https://schema.org/PlaceboControlledTrial")
    return design


def medical_trial(trial: Trial, url: str) -> dict:
    """The JSON-LD object (plain data, keys in a fixed order for byte-identical builds)."""
    data = _about(trial, url)
    locations = []
    for loc in trial.locations:  # a trial may list hundreds of sites: plain code, no comprehension
        city, state, country = loc.city, loc.state, loc.country
        place: dict = {"@type": "Place"}
        if loc.facility:
            place["name"] = loc.facility
        if city or state or country:
            address = place["address"] = {"@type": "PostalAddress"}
            if city:
                address["addressLocality"] = city
            if state:
                address["addressRegion"] = state
            if country:
                address["addressCountry"] = country
        if len(place) > 1:
            locations.append(place)
    if locations:
        data["studyLocation"] = locations
    return data


def _about(trial: Trial, url: str) -> dict:
    """medical_trial without its last key, studyLocation."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "MedicalTrial",
        "@id": url,
        "url": url,
        "name": trial.title,
        "identifier": trial.nct_id,
    }
    if trial.official_title and trial.official_title != trial.title:
        data["alternateName"] = trial.official_title
    if trial.brief_summary:
        data["description"] = trial.brief_summary
    if trial.status in STUDY_STATUS:
        data["status"] = "https://schema.org/" + STUDY_STATUS[trial.status]
    phases = [PHASE_NAMES[p] for p in trial.phases if p in PHASE_NAMES]
    if phases:
        data["phase"] = phases[0] if len(phases) == 1 else phases
    design = trial_design(trial)
    if design:
        data["trialDesign"] = design
    if trial.conditions:
        data["healthCondition"] = [{"@type": "MedicalCondition", "name": c} for c in trial.conditions]
    lead = trial.lead_sponsor
    if lead:
        data["sponsor"] = {"@type": "Organization", "name": lead.name}
    collaborators = [s.name for s in trial.sponsors if s.role == "collaborator"]
    if collaborators:
        data["funder"] = [{"@type": "Organization", "name": n} for n in collaborators]
    if trial.start_date:
        data["startDate"] = trial.start_date
    if trial.completion_date:
        data["endDate"] = trial.completion_date
    if trial.last_updated:
        data["dateModified"] = trial.last_updated
    return data


def _place(facility: str | None, city: str | None, state: str | None, country: str | None) -> str:
    """One studyLocation as _ENCODE writes medical_trial's place for it ("" for none): written
    straight out, a few times quicker than a dict and the encoder for the hundreds of sites a
    trial may list."""
    address = ""
    if city or state or country:
        address = '"address":{"@type":"PostalAddress"'
        if city:
            address += ',"addressLocality":' + _string(city)
        if state:
            address += ',"addressRegion":' + _string(state)
        if country:
            address += ',"addressCountry":' + _string(country)
        address += "}"
    if facility:
        return '{"@type":"Place","name":' + _string(facility) + ("," + address if address else "") + "}"
    return '{"@type":"Place",' + address + "}" if address else ""


def script_json(data: object) -> Markup:
    """JSON text that cannot close or open an HTML element, for a <script type="application/ld+json">."""
    return _script_text(_ENCODE(data))


def _script_text(text: str) -> Markup:
    for char, escaped in _ESCAPES.items():  # str.replace is far quicker than translate to longer strings
        if char in text:
            text = text.replace(char, escaped)
    return Markup(text)


def trial_jsonld(trial: Trial, url: str) -> Markup:
    """script_json(medical_trial(trial, url)), with the places written by _place."""
    places = [p for p in [_place(loc.facility, loc.city, loc.state, loc.country) for loc in trial.locations] if p]
    if not places:
        return script_json(_about(trial, url))
    # studyLocation is the last key: the object's text without its closing brace, then the list
    return _script_text(_ENCODE(_about(trial, url))[:-1] + ',"studyLocation":[' + ",".join(places) + "]}")
