"""Site settings from content/site.toml, validated so that a typo is an error naming the key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ssg.errors import SsgError


class ConfigError(SsgError):
    """content/site.toml is missing, unreadable, or has an unknown or ill-typed key."""


class Contact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    email: str | None = None
    phone: str | None = None
    url: str | None = None


class SiteConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    description: str = ""
    contact: Contact = Contact()

    @field_validator("base_url")
    @classmethod
    def _absolute_http_url(cls, v: str) -> str:
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"must be an absolute http(s) URL such as https://org.github.io/repo/, got {v!r}")
        # Always end in "/" so that joining a site path never drops the last segment.
        return v if v.endswith("/") else v + "/"

    @field_validator("title")
    @classmethod
    def _title_present(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v

    @field_validator("language")
    @classmethod
    def _language_tag(cls, v: str) -> str:
        if not v or not all(part.isalnum() for part in v.split("-")):
            raise ValueError(f"must be a language tag such as 'en' or 'en-GB', got {v!r}")
        return v


def _describe(e: ValidationError, where: str) -> str:
    lines = []
    for err in e.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            lines.append(f"{where}: unknown key '{key}'")
        elif err["type"] == "missing":
            lines.append(f"{where}: missing key '{key}'")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{where}: {key}: {msg}")
    return "\n".join(lines)


def parse_config(text: str, where: str = "site.toml", *, base_url: str | None = None) -> SiteConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{where}: not valid TOML: {e}") from None
    if base_url is not None:
        data["base_url"] = base_url
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as e:
        raise ConfigError(_describe(e, where)) from None


def load_config(path: str | Path, *, base_url: str | None = None) -> SiteConfig:
    """Read and validate site.toml; ``base_url`` (from the command line) overrides the file's."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{p}: not found (every site needs a site.toml with at least a title)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{p}: cannot read: {e}") from None
    return parse_config(text, str(p), base_url=base_url)
