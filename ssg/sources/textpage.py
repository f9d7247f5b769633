"""Helpers shared by the text layouts: lines, sections, and the repeating blocks
(arms, interventions, sponsors, locations, contacts, references, related trials).

Every helper takes the non-blank lines of one section and returns model parts;
none of them raises on odd input, they just return less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter, methodcaller

from pydantic import ValidationError

from ssg.errors import ParseError
from ssg.model import (
    Arm, Contact, Intervention, Location, Official, OtherId, Reference, RelatedTrial, Sponsor, Trial,
)
from ssg.sources import normalize

NCT_ANY_RE = re.compile(r"\bNCT\d{8}\b")
NCT_ID_LINE_RE = re.compile(r"^NCT ID:\s*(\S*)\s*$")
_SPACE_RE = re.compile(r"\s+")
_BLANK_RUN_RE = re.compile(r"\n{3,}")
_TEXT = itemgetter(1)  # the text of a (line no, text) pair
# A section header is followed by a one-line description of the section ("blurb").
_BLURB_RE = re.compile(
    r"^(?:Review|Get|Dive|See|Understand|Learn|Check|Meet|Identify|Explore|Reach|Find|Discover|Additional|"
    r"Browse|View|Read|Track|Access|The study team)\b.{10,240}\.$"
)
SECTIONS = frozenset({
    "Study Results", "Basic Information", "Brief Summary", "Detailed Description", "Conditions", "Keywords",
    "Study Design", "Study Groups", "Interventions", "Other Intervention Names", "Eligibility Criteria",
    "Sponsors", "Collaborators", "Responsible Party", "Locations", "Countries", "Central Contacts",
    "Facility Contacts", "References", "Other Identifiers", "More Related Trials", "Related Clinical Trials",
    "Study Officials", "Investigators", "Outcome Measures", "Primary Outcomes", "Secondary Outcomes",
})
AGENCY_CLASSES = frozenset({"INDUSTRY", "OTHER", "NIH", "FED", "OTHER_GOV", "INDIV", "NETWORK", "AMBIG", "UNKNOWN"})
_SPONSOR_ROLE_RE = re.compile(r"^Sponsor Role:?\s*(lead|collaborator)\b", re.I)
_GROUP_TYPE_RE = re.compile(r"^Group Type:?\s*([A-Z_]+)\s*$")
_INTERVENTION_TYPE_RE = re.compile(r"^Intervention Type:?\s*([A-Z_]+)\s*$")
_SITE_STATUS_RE = re.compile(r"^Site Status:?\s*(.+)$")
_ROLE_RE = re.compile(r"^Role:\s*(.*)$")
_PHONE_RE = re.compile(r"^(?:Phone:\s*)?(\+?[\d][\d\s().\-/]{5,}(?:\s*(?:ext\.?|x|extension)\s*\d+)?)$", re.I)
_EMAIL_RE = re.compile(r"^(?:E-?mail:\s*)?([^\s@]+@[^\s@]+\.[^\s@]+)$", re.I)
_REF_TYPE_RE = re.compile(r"^Reference Type:?\s*([A-Z_]+)\s*$")
_PMID_RE = re.compile(r"^PMID:?\s*(\d+)")
_ID_TYPE_RE = re.compile(r"^Identifier Type:\s*(.*)$")
_ID_SOURCE_RE = re.compile(r"^Identifier Source:\s*(.*)$")
_RELATED_RE = re.compile(r"^(NCT\d{8})\b\s*(.*)$")
_MASK_WORD = r"(?:Participants?|Caregivers?|Care Providers?|Investigators?|Outcomes? Assessors?)"
MASKED_ROLES_LINE_RE = re.compile(rf"^(?:{_MASK_WORD}[,\s]*)+$")
_MASK_ROLE_RE = re.compile(_MASK_WORD)
_MASK_MAP = {"partici": "PARTICIPANT", "caregiv": "CARE_PROVIDER", "care pr": "CARE_PROVIDER",
             "investi": "INVESTIGATOR", "outcome": "OUTCOMES_ASSESSOR"}
# MeSH writes some conditions inverted ("Carcinoma, Non-Small-Cell Lung"): keep those whole.
_INVERTED_HEADS = frozenset({
    "carcinoma", "leukemia", "lymphoma", "neoplasms", "sarcoma", "arthritis", "anemia", "hepatitis",
    "diabetes mellitus", "pneumonia", "infections", "adenocarcinoma", "glioma", "melanoma",
})


@dataclass
class Section:
    name: str
    line_no: int  # 1-based line of the header
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line no, stripped text), blanks kept as ""

    @property
    def values(self) -> list[str]:
        return list(filter(None, map(_TEXT, self.lines)))  # the non-blank lines' text

    def text(self, paragraph_per_line: bool = False) -> str | None:
        """Markdown source: blank lines kept; with ``paragraph_per_line`` each line is a paragraph."""
        if paragraph_per_line:
            out = "\n\n".join(self.values)
        else:
            out = "\n".join(map(_TEXT, self.lines)).strip()
            out = _BLANK_RUN_RE.sub("\n\n", out)
        return out or None

    def raw(self) -> str:
        return "\n".join(map(_TEXT, self.lines))


def lines_of(text: str) -> list[tuple[int, str]]:
    """[(line number, stripped line)] for every line, blanks included."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return list(enumerate(map(str.strip, text.split("\n")), 1))


def is_blurb(line: str) -> bool:
    return bool(_BLURB_RE.match(line))


def split_sections(
    lines: list[tuple[int, str]], headers=SECTIONS, *, prefixes: tuple[str, ...] = (), skip_blurb: bool = True
) -> tuple[list[tuple[int, str]], dict[str, Section]]:
    """(lines before the first header, {header: Section}); the first occurrence of a header wins.

    A section holds the lines up to the next header, less its blurb (the first line with
    text, when ``skip_blurb`` and it reads as one). Header lines are found first, so the
    lines in between are sliced rather than copied one at a time.
    """
    # The scan over every line runs in C (compress/map), not as a Python loop.
    found = list(compress(range(len(lines)), map(headers.__contains__, map(_TEXT, lines))))
    if prefixes:
        starting = compress(range(len(lines)), map(methodcaller("startswith", prefixes), map(_TEXT, lines)))
        found = sorted(set(found).union(starting))
    starts = [i for i in found if not _masked_roles_value(lines, i, skip_blurb)]
    if not starts:
        return list(lines), {}
    sections: dict[str, Section] = {}
    for k, i in enumerate(starts):
        no, t = lines[i]
        if t in sections:
            continue  # a repeated header: its lines are dropped
        body = lines[i + 1:starts[k + 1] if k + 1 < len(starts) else len(lines)]
        if skip_blurb:
            first = next((j for j, (_, text) in enumerate(body) if text), None)
            if first is not None and is_blurb(body[first][1]):
                del body[first]
        sections[t] = Section(t, no, body)
    return lines[:starts[0]], sections


def _masked_roles_value(lines: list[tuple[int, str]], i: int, skip_blurb: bool) -> bool:
    """A lone "Investigators" under Study Design names a masked role; as a header, a blurb follows it."""
    if not skip_blurb or not MASKED_ROLES_LINE_RE.match(lines[i][1]):
        return False
    following = next((t for _, t in lines[i + 1:i + 4] if t), "")
    return not is_blurb(following)


def clean(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def first_int(text: str | None) -> int | None:
    m = re.search(r"\d[\d,]*", text or "")
    if not m:
        return None
    try:
        return int(m.group(0).replace(",", ""))
    except ValueError:
        return None


def split_terms(values: list[str]) -> list[str]:
    """Condition or keyword lines -> terms; a line may hold several, comma separated."""
    out: list[str] = []
    for line in values:
        parts: list[str] = []
        for part in (p.strip() for p in line.split(", ")):
            if not part:
                continue
            if parts and (part[0].islower() or parts[-1].lower() in _INVERTED_HEADS):
                parts[-1] += ", " + part
            else:
                parts.append(part)
        for p in parts:
            if p not in out:
                out.append(p)
    return out


def masked_roles(line: str) -> list[str]:
    if not MASKED_ROLES_LINE_RE.match(line):
        return []
    out: list[str] = []
    for word in _MASK_ROLE_RE.findall(line):
        role = _MASK_MAP[word[:7].lower()]
        if role not in out:
            out.append(role)
    return out


# --- Interventions and arms ------------------------------------------------

def interventions_labelled(values: list[str]) -> list[Intervention]:
    """Blocks of name, description lines, "Intervention Type X" (the type line closes the block)."""
    out: list[Intervention] = []
    block: list[str] = []
    for line in values:
        m = _INTERVENTION_TYPE_RE.match(line)
        if m:
            if block:
                out.append(Intervention(name=block[0], type=m.group(1), description="\n\n".join(block[1:]) or None))
            block = []
        else:
            block.append(line)
    if block:
        out.append(Intervention(name=block[0], description="\n\n".join(block[1:]) or None))
    return out


def interventions_compact(values: list[str]) -> list[Intervention]:
    """Unlabelled name / description pairs."""
    out: list[Intervention] = []
    for i in range(0, len(values), 2):
        desc = values[i + 1] if i + 1 < len(values) else None
        out.append(Intervention(name=values[i], description=desc))
    return out


def arms(values: list[str], interventions: list[Intervention]) -> list[Arm]:
    """Study groups: label, description, ["Group Type X"], then its interventions.

    An intervention line is one followed by "Intervention Type", or a known intervention
    name followed by that intervention's description (the compact layout has no type lines).
    """
    descs: dict[str, set[str]] = {}
    for iv in interventions:
        descs.setdefault(iv.name, set()).add(iv.description or "")
    all_descs = {d for ds in descs.values() for d in ds if d}
    has_types = any(_GROUP_TYPE_RE.match(v) for v in values)
    out: list[dict] = []
    i, n = 0, len(values)
    while i < n:
        line = values[i]
        nxt = values[i + 1] if i + 1 < n else None
        m = _GROUP_TYPE_RE.match(line)
        if m:
            if out:
                out[-1]["type"] = m.group(1)
            i += 1
            continue
        if _INTERVENTION_TYPE_RE.match(line):
            i += 1
            continue
        typed = nxt is not None and bool(_INTERVENTION_TYPE_RE.match(nxt))
        known = line in descs and (nxt in descs[line] or "" in descs[line] or nxt is None)
        if out and (typed or known):
            if line not in out[-1]["interventions"]:
                out[-1]["interventions"].append(line)
            i += 2 if typed else 1
            # the intervention's own description follows it here too
            if i < n and (values[i] in descs.get(line, ()) or (typed and values[i] in all_descs)):
                i += 1
            continue
        cur = out[-1] if out else None
        open_arm = cur is not None and not cur["interventions"] and (
            cur["type"] is None if has_types else cur["description"] is None
        )
        if open_arm:
            cur["description"] = line if cur["description"] is None else cur["description"] + "\n\n" + line
        else:
            out.append({"label": line, "type": None, "description": None, "interventions": []})
        i += 1
    return [Arm(**a) for a in out]


# --- People and places -------------------------------------------------------

def sponsors(values: list[str]) -> list[Sponsor]:
    """Name, [CLASS], ["Sponsor Role lead"]; without role lines the first is lead, the rest collaborators."""
    items: list[dict] = []
    for line in values:
        m = _SPONSOR_ROLE_RE.match(line)
        if m:
            if items:
                items[-1]["role"] = m.group(1).lower()
        elif line in AGENCY_CLASSES:
            if items and items[-1]["agency_class"] is None:
                items[-1]["agency_class"] = line
        else:
            items.append({"name": line, "agency_class": None, "role": None})
    for k, item in enumerate(items):
        if item["role"] is None:
            item["role"] = "lead" if k == 0 and not any(i["role"] == "lead" for i in items) else "collaborator"
    items.sort(key=lambda s: s["role"] != "lead")  # stable: lead first, order kept otherwise
    return [Sponsor(**s) for s in items]


def place(line: str) -> dict:
    """'City, State, Country' or 'City, Country' (a state may itself contain commas)."""
    return {k: v for k, v in zip(("city", "state", "country"), _place_fields(line)) if v is not None}


def _site_status(words: str) -> str | None:
    s = normalize.status(words)
    return s.value if s else None


def _place_fields(line: str) -> tuple[str | None, str | None, str | None]:
    """place(line) as (city, state, country)."""
    parts = list(filter(None, map(str.strip, line.split(","))))
    if len(parts) > 2:
        return parts[0], ", ".join(parts[1:-1]), parts[-1]
    if len(parts) == 2:
        return parts[0], None, parts[1]
    return None, None, parts[0] if parts else None


def locations(values: list[str], with_facility: bool = True) -> list[Location]:
    """Facility line, place line, optional "Site Status X"; ClinConnect gives place lines only.

    Made unchecked (Location.unchecked): a page lists up to hundreds of sites, and every value
    is a line of the page, part of one, or a status word, so validating them could not fail.
    """
    out: list[list] = []  # [facility, city, state, country, status]
    pending: str | None = None
    for line in values:
        m = _SITE_STATUS_RE.match(line) if line.startswith("Site Status") else None
        if m:
            if pending is not None:
                out.append([pending, None, None, None, None])
                pending = None
            if out:
                out[-1][4] = _site_status(m.group(1))
            continue
        if with_facility and pending is None:
            pending = line
            continue
        out.append([pending, *_place_fields(line), None])
        pending = None
    if pending is not None:
        out.append([pending, None, None, None, None])
    made = Location.unchecked
    return [made(*row) for row in out]


def contacts(values: list[str], facility: str | None = None, facilities: frozenset[str] = frozenset()) -> list[Contact]:
    """Name, "Role: X", phone, email; a line naming a known facility sets it for the contacts after it.

    Made unchecked, as locations() makes its sites: every value is a line of the page or part of one.
    """
    out: list[list] = []  # [name, role, phone, email, facility]
    for line in values:
        m = _ROLE_RE.match(line)
        if m:
            if out and out[-1][1] is None:
                out[-1][1] = m.group(1).strip() or None
            continue
        m = _PHONE_RE.match(line) if len(line) < 60 else None
        if m and out and out[-1][2] is None:
            out[-1][2] = m.group(1).strip()
            continue
        m = _EMAIL_RE.match(line) if len(line) < 200 else None
        if m and out and out[-1][3] is None:
            out[-1][3] = m.group(1)
            continue
        if line in facilities:
            facility = line
            continue
        out.append([line, None, None, None, facility])
    made = Contact.unchecked
    return [made(*row) for row in out]


def officials(values: list[str]) -> list[Official]:
    """Name, role, affiliation triples (role recognised by its words)."""
    out: list[dict] = []
    role_re = re.compile(r"^(?:Study (?:Director|Chair)|(?:Sub-?|Principal )?Investigator|Study Principal Investigator)$", re.I)
    for line in values:
        if role_re.match(line) and out and out[-1]["role"] is None:
            out[-1]["role"] = "_".join(line.upper().replace("-", "_").split())  # ClinicalTrials.gov enum
        elif out and out[-1]["role"] is not None and out[-1]["affiliation"] is None:
            out[-1]["affiliation"] = line
        else:
            out.append({"name": line, "role": None, "affiliation": None})
    return [Official(**o) for o in out]


# --- Records about records ---------------------------------------------------

def references(values: list[str]) -> list[Reference]:
    out: list[dict] = []
    for line in values:
        m = _REF_TYPE_RE.match(line)
        if m:
            if out:
                out[-1]["type"] = m.group(1)
            continue
        m = _PMID_RE.match(line)
        if m:
            if out:
                out[-1]["pmid"] = m.group(1)
            continue
        if out and out[-1]["type"] is None and out[-1]["pmid"] is None:
            out[-1]["citation"] += " " + line
        else:
            out.append({"citation": line, "type": None, "pmid": None})
    return [Reference(**r) for r in out]


def other_ids(values: list[str]) -> list[OtherId]:
    out: list[dict] = []
    for line in values:
        m = _ID_TYPE_RE.match(line)
        if m:
            if out:
                out[-1]["type"] = None if m.group(1).strip() in ("", "-") else m.group(1).strip()
            continue
        m = _ID_SOURCE_RE.match(line)
        if m:
            if out:
                out[-1]["source"] = None if m.group(1).strip() in ("", "-") else m.group(1).strip()
            continue
        out.append({"id": line, "type": None, "source": None})
    return [OtherId(**o) for o in out]


def related(values: list[str], own_id: str | None = None) -> list[RelatedTrial]:
    """Title line, then "NCT… [STATUS] [PHASE]" (the compact layout gives the NCT ID alone)."""
    out: list[RelatedTrial] = []
    seen: set[str] = set()
    prev: str | None = None
    for line in values:
        m = _RELATED_RE.match(line)
        if not m:
            prev = line
            continue
        nct, rest = m.group(1), m.group(2).split()
        status = normalize.status(rest[0]) if rest else None
        phases = normalize.phases(" ".join(rest[1:] if status else rest))
        if nct != own_id and nct not in seen:
            seen.add(nct)
            out.append(RelatedTrial(nct_id=nct, title=prev, status=status, phases=phases))
        prev = None
    return out


def build_trial(path: str, layout: str, where: str | None, **fields) -> Trial:
    """Trial(**fields), with a validation failure reported as a located ParseError."""
    try:
        return Trial(**fields)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        raise ParseError(path, f"invalid {loc} in {layout} page: {err['msg']}", where) from None


def guarded(layout: str, parse_fn):
    """Wrap a parse function so that only ParseError escapes it, whatever the input."""
    def parse(text: str, path: str) -> Trial:
        try:
            return parse_fn(text, path)
        except ParseError:
            raise
        except ValidationError as e:
            err = e.errors()[0]
            loc = ".".join(str(p) for p in err["loc"]) or "record"
            raise ParseError(path, f"invalid {loc} in {layout} page: {err['msg']}") from None
        except (ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError) as e:
            raise ParseError(path, f"could not read {layout} page: {type(e).__name__}: {e}") from None
    parse.__doc__ = parse_fn.__doc__
    return parse
