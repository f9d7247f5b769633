"""Normalisers shared by every parser: status words, phases, dates, ages, sex.

The same few words and dates come back in record after record (and site after site), so the
pure functions that return immutable values are memoised with lru_cache.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from functools import lru_cache

from ssg.model import Status

_STATUS_WORDS = {
    "recruiting": Status.RECRUITING,
    "not yet recruiting": Status.NOT_YET_RECRUITING,
    "active not recruiting": Status.ACTIVE_NOT_RECRUITING,
    "active, not recruiting": Status.ACTIVE_NOT_RECRUITING,
    "enrolling by invitation": Status.ENROLLING_BY_INVITATION,
    "completed": Status.COMPLETED,
    "suspended": Status.SUSPENDED,
    "terminated": Status.TERMINATED,
    "withdrawn": Status.WITHDRAWN,
    "unknown": Status.UNKNOWN,
    "unknown status": Status.UNKNOWN,
    # legacy XML / API words with no enum of their own
    "available": Status.UNKNOWN,
    "no longer available": Status.UNKNOWN,
    "temporarily not available": Status.UNKNOWN,
    "approved for marketing": Status.UNKNOWN,
    "withheld": Status.UNKNOWN,
}


_STATUS_SPACE_RE = re.compile(r"[_\s]+")


@lru_cache(maxsize=4096)
def status(words: str | None) -> Status | None:
    """'Not yet recruiting', 'NOT_YET_RECRUITING', 'Active, not recruiting' -> Status; None if unknown words."""
    if not words:
        return None
    key = _STATUS_SPACE_RE.sub(" ", words.strip()).lower()
    if key in _STATUS_WORDS:
        return _STATUS_WORDS[key]
    key = key.replace(",", "")
    return _STATUS_WORDS.get(key)


# Compiled once: re.sub(str, ...) looks its pattern up in re's cache on every call.
_NA_RE = re.compile(r"\bN\s*/\s*A\b", re.I)
_PHASE_SPLIT_RE = re.compile(r"[/,|]|\band\b")
_PHASE_SPACE_RE = re.compile(r"[\s_-]+")
_PHASE_RE = re.compile(r"PHASE(\d|I{1,3}|IV)")


def phases(text: str | None) -> list[str]:
    """'PHASE1/PHASE2', 'Phase 1/Phase 2', 'Early Phase 1', 'N/A', 'NA' -> ['PHASE1', 'PHASE2'] etc."""
    if not text:
        return []
    out: list[str] = []
    text = _NA_RE.sub("NA", text.strip())
    for part in _PHASE_SPLIT_RE.split(text):
        p = _PHASE_SPACE_RE.sub("", part).upper()
        if not p:
            continue
        if p in ("NA", "N/A", "NOTAPPLICABLE"):
            p = "NA"
        elif p in ("EARLYPHASE1", "PHASE0", "EARLYPHASEI"):
            p = "EARLY_PHASE1"
        else:
            m = _PHASE_RE.fullmatch(p)
            if not m:
                continue
            p = "PHASE" + {"I": "1", "II": "2", "III": "3", "IV": "4"}.get(m.group(1), m.group(1))
        if p not in out:
            out.append(p)
    return out


_DATE_FORMATS = (
    ("%Y-%m-%d", "day"), ("%Y-%m", "month"), ("%B %d, %Y", "day"), ("%b %d, %Y", "day"),
    ("%B %Y", "month"), ("%b %Y", "month"), ("%d %B %Y", "day"), ("%Y/%m/%d", "day"), ("%Y", "year"),
)


_ISO_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?")


@lru_cache(maxsize=32768)  # a build meets thousands of distinct dates
def iso_date(text: str | None) -> str | None:
    """'Jul 31, 2025', 'November 13, 2025', 'March 2000', '2025-05' -> ISO ('2025-07-31', '2000-03')."""
    if not text:
        return None
    t = text.strip()
    if _ISO_RE.fullmatch(t):  # the common case, without trying every strptime format
        return t
    if not any(c.isdigit() for c in t):
        return None
    t = re.sub(r"\s+", " ", t.rstrip("."))
    t = re.sub(r"^(Sept)\b", "Sep", t)
    quick = _month_name_date(t)
    if quick:
        return quick
    for fmt, precision in _DATE_FORMATS:
        try:
            d = datetime.strptime(t, fmt)
        except ValueError:
            continue
        if precision == "day":
            return d.strftime("%Y-%m-%d")
        if precision == "month":
            return d.strftime("%Y-%m")
        return d.strftime("%Y")
    return None


# "March 15, 2000" and "March 2000" (legacy XML) without strptime, which raises on each format
# it tries first. Only what "%B %d, %Y" / "%b %d, %Y" / "%B %Y" / "%b %Y" surely read the same
# way (English months, as strptime's C locale); anything else goes the strptime way.
_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
_MONTH_NAME_DATE_RE = re.compile(r"([A-Za-z]+) (?:([0-9]{1,2}), )?([0-9]{4})")


def _month_name_date(text: str) -> str | None:
    m = _MONTH_NAME_DATE_RE.fullmatch(text)
    if not m or m.group(1).lower() not in _MONTHS:
        return None
    month, year = _MONTHS[m.group(1).lower()], int(m.group(3))
    if year < 1000:  # strftime does not pad such years: leave them to strptime
        return None
    if m.group(2) is None:
        return f"{year}-{month:02d}"
    day = int(m.group(2))
    try:
        date(year, month, day)
    except ValueError:  # day 0, or past the month's end
        return None
    return f"{year}-{month:02d}-{day:02d}"


_AGE_UNITS = {
    "year": 1.0, "years": 1.0, "yr": 1.0, "yrs": 1.0,
    "month": 1 / 12, "months": 1 / 12,
    "week": 7 / 365.25, "weeks": 7 / 365.25,
    "day": 1 / 365.25, "days": 1 / 365.25,
    "hour": 1 / 8766, "hours": 1 / 8766,
    "minute": 1 / 525960, "minutes": 1 / 525960,
}


@lru_cache(maxsize=1024)
def age_years(text: str | None) -> float | None:
    """'18 Years', '6 Months', '2 Weeks' -> years (rounded to 2 places); 'N/A' -> None."""
    if not text:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)?\s*", text)
    if not m:
        return None
    n = float(m.group(1))
    unit = (m.group(2) or "years").lower()
    if unit not in _AGE_UNITS:
        return None
    years = round(n * _AGE_UNITS[unit], 2)
    return int(years) if years == int(years) else years


def sex(text: str | None) -> str | None:
    """'ALL', 'Both', 'Female', 'male' -> 'ALL' | 'FEMALE' | 'MALE'."""
    if not text:
        return None
    t = text.strip().upper()
    if t in ("ALL", "BOTH"):
        return "ALL"
    if t in ("FEMALE", "FEMALES", "WOMEN"):
        return "FEMALE"
    if t in ("MALE", "MALES", "MEN"):
        return "MALE"
    return None


def yes_no(text: str | None) -> bool | None:
    if text is None:
        return None
    t = text.strip().lower()
    if t in ("yes", "true", "accepts healthy volunteers"):
        return True
    if t in ("no", "false"):
        return False
    return None


def clean_markdown_escapes(text: str) -> str:
    """ClinicalTrials.gov escapes '>' '<' '^' etc. for CommonMark; for plain uses, unescape them."""
    return _MD_ESCAPE_RE.sub(r"\1", text)


_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>^~|])")
