"""Legacy ClinicalTrials.gov XML export (``<clinical_study>``).

Maps the legacy element names and words ("Phase 1/Phase 2", "Both", "March 2000",
"Parallel Assignment") onto the same Trial fields and enums as API v2 JSON.
Any DOCTYPE or ENTITY declaration is refused before parsing: the exports never
carry one, and refusing them rules out entity-expansion attacks.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ssg.errors import ParseError
from ssg.model import (
    PHASES, Arm, Contact, Design, Eligibility, Intervention, Location, Official, OtherId, Reference,
    SourceRef, Sponsor, Status, Trial,
)
from ssg.sources import _derive as derive, normalize
from ssg.sources._fields import Reader, age, checked, date, is_nct_id, phone, strip_type_label
from ssg.sources._fields import status as status_of

LAYOUT = "ctgov_xml"

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.I)
# What detect() skips before the first character (matched in place rather than lstrip()-copying the file).
_LEADING = re.compile(r"[\ufeff \t\r\n]*")

# Legacy words -> API v2 enum values (the model stores v2 enums whatever the source).
_AGENCY_CLASS = {"other": "OTHER", "industry": "INDUSTRY", "nih": "NIH", "u.s. fed": "FED", "fed": "FED",
                 "other gov": "OTHER_GOV", "individual": "INDIV", "network": "NETWORK", "ambiguous": "AMBIG"}
_STUDY_TYPE = {"interventional": "INTERVENTIONAL", "observational": "OBSERVATIONAL",
               "observational [patient registry]": "OBSERVATIONAL", "expanded access": "EXPANDED_ACCESS"}
_MASKED_ROLE = {"participant": "PARTICIPANT", "subject": "PARTICIPANT", "care provider": "CARE_PROVIDER",
                "caregiver": "CARE_PROVIDER", "investigator": "INVESTIGATOR",
                "outcomes assessor": "OUTCOMES_ASSESSOR"}
_MASKING = {"none": "NONE", "open label": "NONE", "no masking": "NONE", "single": "SINGLE", "double": "DOUBLE",
            "triple": "TRIPLE", "quadruple": "QUADRUPLE"}
_NOT_GIVEN = {"", "n/a", "na"}


def detect(text: str) -> bool:
    start = _LEADING.match(text).end()
    head = text[start:start + 2048]
    return head.startswith("<") and ("<clinical_study" in head or head.startswith("<?xml"))


def parse(text: str, path: str) -> Trial:
    found = _DECLARATION.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise ParseError(path, "XML with a DOCTYPE or ENTITY declaration is refused", f"line {line}")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        line, column = e.position
        problem = str(e).split(":")[0]
        raise ParseError(path, f"invalid XML: {problem}", f"line {line}, column {column + 1}") from None
    if root.tag != "clinical_study":
        raise ParseError(path, f"expected a <clinical_study> record, found <{root.tag[:40]}>", "/" + root.tag[:40])
    return study_to_trial(root, path)


def _find(node: ET.Element, path: str) -> ET.Element | None:
    """``node.find(path)`` for plain "a/b/c" paths, one C-level step per tag.

    ElementTree sends any path with a "/" through its pure-Python ElementPath; this walks
    the same children in the same order (the first match in document order, trying every
    "a" for a "b"), so the result is the same element.
    """
    if "/" not in path:
        return node.find(path)
    head, rest = path.split("/", 1)
    for child in node.findall(head):
        found = _find(child, rest)
        if found is not None:
            return found
    return None


def _findall(node: ET.Element, path: str) -> list[ET.Element]:
    """``node.findall(path)`` for plain "a/b" paths (document order, as ElementPath gives)."""
    if "/" not in path:
        return node.findall(path)
    head, rest = path.split("/", 1)
    return [el for child in node.findall(head) for el in _findall(child, rest)]


def _all_text(el: ET.Element) -> str:
    """"".join(el.itertext()); a leaf (most elements) is just its text."""
    if len(el):
        return "".join(el.itertext())
    return el.text or ""


def _only(node: ET.Element, tag: str) -> ET.Element | None:
    """The one child called ``tag``; None when there are none or several."""
    found = node.findall(tag)
    return found[0] if len(found) == 1 else None


class _Xml:
    """Text out of the element tree; errors name an XPath-like place."""

    def __init__(self, path: str):
        self.reader = Reader(path)

    def text(self, node: ET.Element, tag: str) -> str | None:
        # Called for nearly every element, so _find and _all_text are inlined for plain tags.
        el = node.find(tag) if "/" not in tag else _find(node, tag)
        if el is None:
            return None
        raw = "".join(el.itertext()) if len(el) else el.text
        # str.split() splits on exactly the characters \s matches, so this is re.sub(r"\s+", " ")
        # on stripped text, at a fraction of the cost.
        return (" ".join(raw.split()) or None) if raw else None

    def texts(self, node: ET.Element, tag: str) -> list[str]:
        out: list[str] = []
        for el in _findall(node, tag):
            value = " ".join(_all_text(el).split())
            if value and value not in out:
                out.append(value)
        return out

    def block(self, node: ET.Element, tag: str) -> str | None:
        """A <textblock> (or plain element) as Markdown-ish text: dedented, wrapped lines rejoined."""
        el = _find(node, tag)
        if el is None:
            return None
        inner = el.find("textblock")
        raw = _all_text(inner if inner is not None else el)
        return reflow(raw) or None


def study_to_trial(root: ET.Element, path: str) -> Trial:
    x = _Xml(path)
    r = x.reader
    nct_id = r.required(x.text(root, "id_info/nct_id"), "/clinical_study/id_info/nct_id", "NCT ID (nct_id)")
    if not is_nct_id(nct_id):
        raise r.fail("/clinical_study/id_info/nct_id", f"not an NCT ID (NCT + 8 digits): {nct_id[:40]!r}")
    title = r.required(x.text(root, "brief_title"), "/clinical_study/brief_title", "title (brief_title)")

    status = status_of(r, x.text(root, "overall_status"), "/clinical_study/overall_status")
    raw_phase = x.text(root, "phase")
    phases = normalize.phases(raw_phase)
    if raw_phase and (not phases or not set(phases) <= set(PHASES)):
        raise r.fail("/clinical_study/phase", f"not a recognised phase: {raw_phase[:40]!r}")

    official_title = x.text(root, "official_title")
    brief_summary = x.block(root, "brief_summary")
    eligibility = _eligibility(x, root.find("eligibility"))
    conditions, conditions_inferred = derive.conditions(
        x.texts(root, "condition"), title, official_title, brief_summary
    )
    eligibility = derive.ages(eligibility)
    locations, site_contacts = _locations(x, root)

    return Trial(
        nct_id=nct_id,
        title=title,
        official_title=official_title,
        acronym=x.text(root, "acronym"),
        status=status or Status.UNKNOWN,
        phases=phases,
        study_type=_enum(x.text(root, "study_type"), _STUDY_TYPE),
        enrollment=_enrollment(x, root),
        start_date=date(r, x.text(root, "start_date"), "/clinical_study/start_date"),
        completion_date=date(r, x.text(root, "completion_date"), "/clinical_study/completion_date"),
        last_updated=_last_updated(x, root),
        brief_summary=brief_summary,
        detailed_description=x.block(root, "detailed_description"),
        conditions=conditions,
        conditions_inferred=conditions_inferred,
        keywords=x.texts(root, "keyword"),
        design=_design(x, root),
        arms=_arms(x, root),
        interventions=_interventions(x, root),
        eligibility=eligibility,
        sponsors=_sponsors(x, root),
        locations=locations,
        contacts=_overall_contacts(x, root) + site_contacts,
        officials=_officials(x, root),
        references=_references(x, root),
        other_ids=_other_ids(x, root),
        has_results=root.find("clinical_results") is not None,
        sources=[SourceRef(path=path, layout=LAYOUT)],
    )


_NOT_ENUM_RE = re.compile(r"[^A-Z0-9]+")


def _enum(words: str | None, table: dict[str, str] | None = None) -> str | None:
    """'Parallel Assignment' -> 'PARALLEL'-style enum words; 'N/A' -> None unless the table maps it."""
    if not words:
        return None
    key = words.strip().lower()
    if table and key in table:
        return table[key]
    if key in _NOT_GIVEN:
        return None
    return _NOT_ENUM_RE.sub("_", words.strip().upper()).strip("_") or None


def _enrollment(x: _Xml, root: ET.Element) -> int | None:
    raw = x.text(root, "enrollment")
    if raw is None:
        return None
    if not re.fullmatch(r"\d+(\.0+)?", raw):
        raise x.reader.fail("/clinical_study/enrollment", f"expected a whole number, found {raw[:40]!r}")
    return int(float(raw))


def _last_updated(x: _Xml, root: ET.Element) -> str | None:
    for tag in ("last_update_posted", "lastchanged_date", "last_update_submitted"):
        raw = x.text(root, tag)
        if raw:
            return date(x.reader, raw, f"/clinical_study/{tag}")
    return None


def _masking(words: str | None) -> tuple[str | None, list[str]]:
    """'Quadruple (Participant, Care Provider, ...)' or 'Double Blind (Subject, Caregiver)' -> (enum, roles)."""
    if not words:
        return None, []
    m = re.match(r"\s*([^(]*?)\s*(?:\((.*)\))?\s*$", words)
    head = re.sub(r"\s+blind$", "", (m.group(1) if m else words).strip().lower())
    masking = _MASKING.get(head) or _enum(head)
    roles: list[str] = []
    for part in re.split(r",", (m.group(2) or "") if m else ""):
        role = _MASKED_ROLE.get(part.strip().lower())
        if role and role not in roles:
            roles.append(role)
    return masking, roles


def _old_design(text: str | None) -> dict[str, str]:
    """Pre-2017 '<study_design>Allocation: Randomized, Masking: Double Blind (Subject), ...</study_design>'."""
    if not text:
        return {}
    keys = ("Allocation", "Endpoint Classification", "Intervention Model", "Masking", "Primary Purpose",
            "Observational Model", "Time Perspective")
    pattern = re.compile(r"(" + "|".join(keys) + r"):\s*")
    parts = pattern.split(text)
    return {parts[i]: parts[i + 1].strip().rstrip(",").strip() for i in range(1, len(parts) - 1, 2)}


def _design(x: _Xml, root: ET.Element) -> Design:
    info = root.find("study_design_info")
    old = _old_design(x.text(root, "study_design"))

    def field(tag: str, old_key: str) -> str | None:
        return (x.text(info, tag) if info is not None else None) or old.get(old_key)

    masking, roles = _masking(field("masking", "Masking"))
    model = field("intervention_model", "Intervention Model")
    return Design(
        allocation=_enum(field("allocation", "Allocation"), {"n/a": "NA"}),
        intervention_model=_enum(re.sub(r"\s+Assignment$", "", model) if model else None),
        primary_purpose=_enum(field("primary_purpose", "Primary Purpose")),
        masking=masking,
        masked_roles=roles,
    )


def _arms(x: _Xml, root: ET.Element) -> list[Arm]:
    # Legacy arms do not list their interventions; each intervention lists its arms instead.
    by_arm: dict[str, list[str]] = {}
    for el in root.findall("intervention"):
        name = x.text(el, "intervention_name")
        for label in x.texts(el, "arm_group_label"):
            if name and name not in by_arm.setdefault(label, []):
                by_arm[label].append(strip_type_label(name))
    arms = []
    for i, el in enumerate(root.findall("arm_group")):
        where = f"/clinical_study/arm_group[{i + 1}]/arm_group_label"
        label = x.reader.required(x.text(el, "arm_group_label"), where, "arm label")
        arms.append(Arm(
            label=label,
            type=_enum(x.text(el, "arm_group_type")),
            description=x.block(el, "description"),
            interventions=by_arm.get(label, []),
        ))
    return arms


def _interventions(x: _Xml, root: ET.Element) -> list[Intervention]:
    out = []
    for i, el in enumerate(root.findall("intervention")):
        where = f"/clinical_study/intervention[{i + 1}]/intervention_name"
        out.append(Intervention(
            name=x.reader.required(x.text(el, "intervention_name"), where, "intervention name"),
            type=_enum(x.text(el, "intervention_type")),
            description=x.block(el, "description"),
            other_names=x.texts(el, "other_name"),
        ))
    return out


def _eligibility(x: _Xml, el: ET.Element | None) -> Eligibility:
    if el is None:
        return Eligibility()
    r, where = x.reader, "/clinical_study/eligibility"
    criteria = x.block(el, "criteria")
    inclusion, exclusion = derive.split(criteria)
    raw_sex = x.text(el, "gender")
    return Eligibility(
        inclusion=inclusion,
        exclusion=exclusion,
        min_age_years=age(r, x.text(el, "minimum_age"), f"{where}/minimum_age"),
        max_age_years=age(r, x.text(el, "maximum_age"), f"{where}/maximum_age"),
        sex=checked(r, f"{where}/gender", raw_sex, normalize.sex(raw_sex), "sex"),
        healthy_volunteers=normalize.yes_no(x.text(el, "healthy_volunteers")),
    )


def _sponsors(x: _Xml, root: ET.Element) -> list[Sponsor]:
    out = []
    for role, tag in (("lead", "sponsors/lead_sponsor"), ("collaborator", "sponsors/collaborator")):
        for i, el in enumerate(_findall(root, tag)):
            where = f"/clinical_study/{tag}[{i + 1}]/agency"
            out.append(Sponsor(
                name=x.reader.required(x.text(el, "agency"), where, "sponsor name"),
                agency_class=_enum(x.text(el, "agency_class"), _AGENCY_CLASS),
                role=role,
            ))
    return out


# Locations and contacts (the long lists) are made unchecked: every value is a text of the
# tree (or one of our enum words) or None, so their validation could not fail.

def _contact(x: _Xml, el: ET.Element | None, role: str, facility: str | None) -> Contact | None:
    if el is None:
        return None
    name = x.text(el, "last_name") or " ".join(
        t for t in (x.text(el, "first_name"), x.text(el, "middle_name"), x.text(el, "last_name")) if t
    ) or None
    number, email = x.text(el, "phone"), x.text(el, "email")
    if not (name or number or email):
        return None
    return Contact.unchecked(name, role, phone(number, x.text(el, "phone_ext")), email, facility)


def _overall_contacts(x: _Xml, root: ET.Element) -> list[Contact]:
    found = (_contact(x, root.find(tag), "CONTACT", None) for tag in ("overall_contact", "overall_contact_backup"))
    return [c for c in found if c is not None]


def _locations(x: _Xml, root: ET.Element) -> tuple[list[Location], list[Contact]]:
    locations, contacts = [], []
    for i, el in enumerate(root.findall("location")):
        fac = _only(el, "facility")
        address = _only(fac, "address") if fac is not None else None
        if address is not None:
            # One facility with one address (every real record): the paths below name its children.
            facility, city = x.text(fac, "name"), x.text(address, "city")
            state, country = x.text(address, "state"), x.text(address, "country")
        else:
            facility, city = x.text(el, "facility/name"), x.text(el, "facility/address/city")
            state, country = x.text(el, "facility/address/state"), x.text(el, "facility/address/country")
        raw_status = x.text(el, "status")
        where = f"/clinical_study/location[{i + 1}]/status"
        site_status = status_of(x.reader, raw_status, where, "site status")
        locations.append(Location.unchecked(facility, city, state, country,
                                            site_status.value if site_status else None))
        for tag in ("contact", "contact_backup"):
            contact = _contact(x, el.find(tag), "CONTACT", facility or city)
            if contact:
                contacts.append(contact)
        for inv in el.findall("investigator"):
            contact = _contact(x, inv, _enum(x.text(inv, "role")) or "INVESTIGATOR", facility or city)
            if contact:
                contacts.append(contact)
    return locations, contacts


def _officials(x: _Xml, root: ET.Element) -> list[Official]:
    out = []
    for el in root.findall("overall_official"):
        name = x.text(el, "last_name")
        if name:
            out.append(Official(name=name, role=_enum(x.text(el, "role")), affiliation=x.text(el, "affiliation")))
    return out


def _references(x: _Xml, root: ET.Element) -> list[Reference]:
    out = []
    for tag, kind in (("reference", "BACKGROUND"), ("results_reference", "RESULT")):
        for el in root.findall(tag):
            citation = x.text(el, "citation")
            if citation:
                out.append(Reference(citation=citation, type=kind, pmid=x.text(el, "PMID")))
    return out


def _other_ids(x: _Xml, root: ET.Element) -> list[OtherId]:
    out = []
    for tag in ("org_study_id", "secondary_id", "nct_alias"):
        for value in x.texts(root, f"id_info/{tag}"):
            out.append(OtherId(id=value, type=None, source=tag))
    return out


_BULLET = re.compile(r"^(?:([-*•o])|(\d{1,3}[.)]))\s+(.*)$")
# A line whose stripped text _BULLET matches: after the line's leading whitespace, a marker,
# whitespace, then text (a stripped line has text after the whitespace). Searched in "\n" + text,
# which finds the same lines as "^" with re.M, faster.
_ANY_BULLET = re.compile(r"\n[^\S\n]*(?:[-*•o]|\d{1,3}[.)])[^\S\n]+\S")


def reflow(raw: str) -> str:
    """Legacy textblocks are indented and hard-wrapped at ~80 columns: make them Markdown.

    Dedent, then rejoin each paragraph's wrapped lines. '-' bullets become '* ' items
    and numbered items stay numbered; the indent of a bullet gives its nesting level.
    Inside a block, a bullet-looking line starts a new item only at its list's indent,
    so a wrapped line that happens to start with '-' stays with its item.
    """
    # No textwrap.dedent: it would take the same margin off every line that has text, and only
    # differences between those lines' indents are used below, so the result is the same.
    text = raw.expandtabs(4).replace("\r\n", "\n").replace("\r", "\n")
    if not _ANY_BULLET.search("\n" + text):
        return _paragraphs(text)
    lines = text.split("\n")
    out: list[str] = []
    lists: list[tuple[int, int]] = []  # open lists: (indent of the marker, width of "marker ")
    current: list[str] | None = None  # the lines of the paragraph or item being read
    item_indent = -1  # indent of the current item's marker; -1 in a paragraph
    previous_was_item = False

    def start(text: str, prefix: str, is_item: bool) -> list[str]:
        nonlocal previous_was_item
        if out:
            out.append("\n" if is_item and previous_was_item else "\n\n")
        block = [prefix + text]
        out.append(block)  # type: ignore[arg-type]  # joined below
        previous_was_item = is_item
        return block

    for line in lines:
        body = line.strip()
        if not body:
            current, item_indent = None, -1
            continue
        # _BULLET can only match text starting with a marker character or a digit (\d is
        # str.isdecimal, checked over every code point).
        first = body[0]
        bullet = _BULLET.match(body) if first in "-*•o" or first.isdecimal() else None
        if bullet is None and current is not None:
            current.append(body)  # a wrapped line of the paragraph or item being read
            continue
        indent = len(line) - len(line.lstrip())
        if bullet and (current is None or item_indent < 0 or indent <= item_indent):
            while lists and lists[-1][0] > indent:
                lists.pop()
            marker = "*" if bullet.group(1) else bullet.group(2)
            if lists and lists[-1][0] == indent:
                lists[-1] = (indent, len(marker) + 1)
            else:
                lists.append((indent, len(marker) + 1))
            prefix = " " * sum(width for _, width in lists[:-1])
            current, item_indent = start(bullet.group(3), prefix + marker + " ", True), indent
        elif current is None:
            # A paragraph deeper than the open list's marker continues its item; otherwise it closes lists.
            while lists and lists[-1][0] >= indent:
                lists.pop()
            prefix = " " * sum(width for _, width in lists)
            current, item_indent = start(body, prefix, False), -1
        else:
            current.append(body)
    return "".join(part if isinstance(part, str) else " ".join(part) for part in out).strip()


def _paragraphs(text: str) -> str:
    """reflow() of a block without list items: each run of non-blank lines joined into one paragraph."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        body = line.strip()
        if body:
            current.append(body)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)
