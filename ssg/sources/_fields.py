"""Typed reads from a parsed record, each error naming the record's own path.

Both structured parsers (API v2 JSON and legacy XML) read untrusted trees: a key
may be missing, hold the wrong type, or be empty. These helpers turn every such
problem into one ``ParseError`` that names the file and the JSON/XML path, so
that nothing below them has to check types again.
"""

from __future__ import annotations

from ssg.errors import ParseError
from ssg.model import Status
from ssg.sources import normalize

# ClinicalTrials.gov writes arm intervention names as "<Type label>: <name>".
INTERVENTION_TYPE_LABELS = (
    "Drug", "Device", "Biological", "Procedure", "Procedure/Surgery", "Radiation", "Behavioral", "Genetic",
    "Dietary Supplement", "Combination Product", "Diagnostic Test", "Other",
)


def is_nct_id(value: str) -> bool:
    return len(value) == 11 and value.startswith("NCT") and value[3:].isascii() and value[3:].isdigit()


def type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class Reader:
    """Read values out of one record; ``where`` strings are JSON paths like ``$.a.b[0]``."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, where: str, problem: str) -> ParseError:
        return ParseError(self.path, problem, where)

    def obj(self, node: dict, key: str, where: str) -> dict:
        """A nested object, or {} when the key is missing or null."""
        value = node.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"{where}.{key}", f"expected an object, found {type_name(value)}")
        return value

    def items(self, node: dict, key: str, where: str) -> list:
        """A list (of anything), or [] when missing or null."""
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"{where}.{key}", f"expected a list, found {type_name(value)}")
        return value

    def objects(self, node: dict, key: str, where: str) -> list[tuple[str, dict]]:
        """A list of objects, each with its own path."""
        out = []
        for i, item in enumerate(self.items(node, key, where)):
            here = f"{where}.{key}[{i}]"
            if not isinstance(item, dict):
                raise self.fail(here, f"expected an object, found {type_name(item)}")
            out.append((here, item))
        return out

    def text(self, node: dict, key: str, where: str) -> str | None:
        """A string, stripped; None when missing, null or blank."""
        value = node.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}", f"expected a string, found {type_name(value)}")
        value = value.strip()
        return value or None

    def texts(self, node: dict, key: str, where: str) -> list[str]:
        """A list of strings, blanks dropped, duplicates removed (first kept)."""
        out: list[str] = []
        for i, item in enumerate(self.items(node, key, where)):
            if not isinstance(item, str):
                raise self.fail(f"{where}.{key}[{i}]", f"expected a string, found {type_name(item)}")
            item = item.strip()
            if item and item not in out:
                out.append(item)
        return out

    def flag(self, node: dict, key: str, where: str) -> bool | None:
        value = node.get(key)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and normalize.yes_no(value) is not None:
            return normalize.yes_no(value)
        raise self.fail(f"{where}.{key}", f"expected true or false, found {type_name(value)}")

    def count(self, node: dict, key: str, where: str) -> int | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{where}.{key}", f"expected a whole number, found {type_name(value)}")
        if value < 0:
            raise self.fail(f"{where}.{key}", f"expected a count, found {value}")
        return value

    def required(self, value: str | None, where: str, what: str) -> str:
        if value is None:
            raise self.fail(where, f"record has no {what}")
        return value


def checked(reader: Reader, where: str, raw: str | None, result, what: str):
    """``result`` is the normalised ``raw``; a value that did not normalise is an error."""
    if raw is not None and result is None:
        raise reader.fail(where, f"not a recognised {what}: {raw[:60]!r}")
    return result


def status(reader: Reader, raw: str | None, where: str, what: str = "status"):
    """An enum name ('RECRUITING') directly, other words through normalize.status; unknown words are an error."""
    if raw is None:
        return None
    found = Status.__members__.get(raw) or normalize.status(raw)
    return checked(reader, where, raw, found, what)


def date(reader: Reader, raw: str | None, where: str) -> str | None:
    return checked(reader, where, raw, normalize.iso_date(raw), "date")


def age(reader: Reader, raw: str | None, where: str) -> float | None:
    """'18 Years' -> 18; 'N/A' (no limit) -> None; anything else unreadable is an error."""
    if raw is None or raw.strip().upper() in ("N/A", "NA", "NONE"):
        return None
    return checked(reader, where, raw, normalize.age_years(raw), "age")


def strip_type_label(name: str) -> str:
    """'Drug: Aspirin' -> 'Aspirin' (only for the labels ClinicalTrials.gov uses)."""
    head, sep, rest = name.partition(": ")
    if sep and head in INTERVENTION_TYPE_LABELS and rest.strip():
        return rest.strip()
    return name


def phone(number: str | None, ext: str | None) -> str | None:
    if number and ext:
        return f"{number} ext. {ext}"
    return number
