"""Record codes in words a patient understands (status, phase, dates). Used as Jinja filters."""

from __future__ import annotations

from ssg.model import Status
from ssg.plain.words import PHASE_NAMES

STATUS_LABEL = {
    Status.RECRUITING: "Recruiting",
    Status.NOT_YET_RECRUITING: "Not yet recruiting",
    Status.ENROLLING_BY_INVITATION: "Enrolling by invitation",
    Status.ACTIVE_NOT_RECRUITING: "Active, not recruiting",
    Status.COMPLETED: "Completed",
    Status.SUSPENDED: "Suspended",
    Status.TERMINATED: "Stopped early",
    Status.WITHDRAWN: "Withdrawn",
    Status.UNKNOWN: "Status unknown",
}

STATUS_SENTENCE = {
    Status.RECRUITING: "this study is looking for participants",
    Status.NOT_YET_RECRUITING: "this study will look for participants soon",
    Status.ENROLLING_BY_INVITATION: "this study only takes people it invites",
    Status.ACTIVE_NOT_RECRUITING: "this study is running but is not taking new participants",
    Status.COMPLETED: "this study has finished",
    Status.SUSPENDED: "this study is paused and is not taking participants",
    Status.TERMINATED: "this study stopped before it was finished",
    Status.WITHDRAWN: "this study stopped before anyone joined",
    Status.UNKNOWN: "we do not know if this study is still running",
}

# The phase names the plain summaries use (and ClinicalTrials.gov: "Early Phase 1"), so a badge and
# the sentence under it name a phase the same way.
PHASE_LABEL = {**PHASE_NAMES, "NA": "Not applicable"}

MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")


def _status(value) -> Status:
    try:
        return Status(value)
    except ValueError:
        return Status.UNKNOWN


# By the code as written ("RECRUITING"): a dict look-up instead of an Enum call per site.
_LABEL_BY_CODE = {s.value: STATUS_LABEL[s] for s in Status}


def status_label(value) -> str:
    try:
        return _LABEL_BY_CODE[value]
    except (KeyError, TypeError):
        return STATUS_LABEL[_status(value)]


def status_sentence(value) -> str:
    return STATUS_SENTENCE[_status(value)]


def _class_name(status: Status) -> str:
    return "status-" + status.value.lower().replace("_", "-")


_CLASS_BY_CODE = {s.value: _class_name(s) for s in Status}  # a term page asks it of every trial


def status_class(value) -> str:
    """A CSS class name for the status banner ("status-recruiting")."""
    try:
        return _CLASS_BY_CODE[value]
    except (KeyError, TypeError):
        return _class_name(_status(value))


def phase_label(phases) -> str:
    """["PHASE1", "PHASE2"] -> "Phase 1 / Phase 2"; empty -> ""."""
    if isinstance(phases, str):
        phases = [phases]
    return " / ".join([PHASE_LABEL.get(p, p) for p in phases])


def long_date(iso: str | None) -> str:
    """"2025-05-30" -> "30 May 2025", "2025-05" -> "May 2025"; anything else unchanged."""
    if not iso:
        return ""
    parts = iso.split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return iso


def humanise(code: str | None) -> str:
    """An upper-case enum code in words: "PLACEBO_COMPARATOR" -> "Placebo comparator"."""
    if not code:
        return ""
    return code.replace("_", " ").capitalize()
