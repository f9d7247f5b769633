"""The Trial model: one validated record of a clinical trial.

Field names are a contract (``ssg parse --json`` and ../shared/DESIGN.md);
parsers fill these models and nothing downstream reads raw records.
All models are frozen so that a parsed trial cannot be changed by a later phase.
"""

from __future__ import annotations

import re
from enum import Enum
from itertools import chain
from operator import attrgetter
from typing import Literal

from pydantic.dataclasses import dataclass
from pydantic import BaseModel, ConfigDict, Field, field_validator

NCT_RE = re.compile(r"^NCT\d{8}$")
ISO_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Status(str, Enum):
    RECRUITING = "RECRUITING"
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING"
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION"
    COMPLETED = "COMPLETED"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"
    WITHDRAWN = "WITHDRAWN"
    UNKNOWN = "UNKNOWN"


PHASES = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def __reduce_ex__(self, protocol):
        # Pickled as (class, field values, fields set): BaseModel's default goes through its
        # Python __getstate__/__setstate__ and a state dict per model, ~10 us more per trial
        # for the parse workers. Extra fields are forbidden and there are no private attributes.
        if self.__pydantic_extra__ is not None or self.__pydantic_private__ is not None or protocol < 2:
            return super().__reduce_ex__(protocol)
        return _rebuild_model, (type(self), self.__dict__, self.__pydantic_fields_set__)


def _rebuild_model(cls: type, fields: dict, fields_set: set) -> BaseModel:
    """Unpickle a model: what BaseModel.__setstate__ sets, set directly (validated when it was made)."""
    obj = _new(cls)
    _set(obj, "__dict__", fields)
    _set_fields_set(obj, fields_set)  # BaseModel's slots, through their descriptors
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


_new, _set = object.__new__, object.__setattr__
_set_fields_set = BaseModel.__pydantic_fields_set__.__set__
_set_extra = BaseModel.__pydantic_extra__.__set__
_set_private = BaseModel.__pydantic_private__.__set__


class Design(_Frozen):
    allocation: str | None = None  # RANDOMIZED, NON_RANDOMIZED, NA
    intervention_model: str | None = None  # PARALLEL, SINGLE_GROUP, CROSSOVER, ...
    primary_purpose: str | None = None  # TREATMENT, PREVENTION, ...
    masking: str | None = None  # NONE, SINGLE, DOUBLE, TRIPLE, QUADRUPLE
    masked_roles: list[str] = Field(default_factory=list)  # PARTICIPANT, CARE_PROVIDER, INVESTIGATOR, OUTCOMES_ASSESSOR


class Intervention(_Frozen):
    name: str
    type: str | None = None  # DRUG, DEVICE, BIOLOGICAL, PROCEDURE, ...
    description: str | None = None
    other_names: list[str] = Field(default_factory=list)


class Arm(_Frozen):
    label: str
    type: str | None = None  # EXPERIMENTAL, PLACEBO_COMPARATOR, ...
    description: str | None = None
    interventions: list[str] = Field(default_factory=list)  # intervention names


class Eligibility(_Frozen):
    inclusion: list[str] = Field(default_factory=list)
    exclusion: list[str] = Field(default_factory=list)
    min_age_years: float | None = None
    max_age_years: float | None = None
    sex: Literal["ALL", "FEMALE", "MALE"] | None = None
    healthy_volunteers: bool | None = None
    ages_inferred: bool = False


class Sponsor(_Frozen):
    name: str
    agency_class: str | None = None  # INDUSTRY, OTHER, NIH, FED, ...
    role: Literal["lead", "collaborator"] = "lead"


# The many small records of a trial (sites, contacts) are slotted dataclasses, validated by
# pydantic like the models: a model instance costs ~1 KB (its __dict__ and a fields-set), a
# slotted one ~0.1 KB, and a 10,000-trial site holds ~300,000 of them.
_record = dataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid"))


def _picklable(cls: type) -> type:
    """Pickle a record as its field values and unpickle it by setting its slots directly (no
    validation: the values were validated when it was made). The default path looks the fields
    up for every object; a loop over the slots costs more than one call per slot written out:
    the parent of a 10,000-trial build unpickles ~250,000 of these."""
    names = tuple(cls.__dataclass_fields__)
    setters = {f"set{i}": getattr(cls, n).__set__ for i, n in enumerate(names)}
    values = ", ".join(f"v{i}" for i in range(len(names)))
    sets = "".join(f"\n    set{i}(obj, v{i})" for i in range(len(names)))
    scope = {"new": object.__new__, "cls": cls, **setters}
    exec(f"def _rebuild({values}):\n    obj = new(cls){sets}\n    return obj", scope)
    rebuild = scope["_rebuild"]
    rebuild.__module__, rebuild.__qualname__ = cls.__module__, f"{cls.__qualname__}._rebuild"
    cls._rebuild = rebuild  # pickle finds it by that name
    # The parsers make these from values that are str or None by construction (an XML or page
    # text, a JSON string checked by its reader): cls.unchecked(*values), in field order, skips
    # the validation they cannot fail, ~0.4 us a record less than Trial validating a dict of them.
    cls.unchecked = rebuild
    getter = attrgetter(*names) if len(names) > 1 else lambda self: (getattr(self, names[0]),)
    cls.__reduce__ = lambda self: (rebuild, getter(self))
    # A trial's list of them pickles as one flat tuple of their values (Trial.__reduce_ex__):
    # one pickled tuple and one loop here, instead of a reduce and a call for each record.
    exec(f"def _rebuild_all(values):\n    out = []\n    it = iter(values)\n"
         f"    for {values}{',' if len(names) == 1 else ''} in zip({', '.join(['it'] * len(names))}):"
         f"\n        obj = new(cls){sets.replace(chr(10), chr(10) + '    ')}\n        out.append(obj)\n    return out",
         scope)
    rebuild_all = scope["_rebuild_all"]
    rebuild_all.__module__, rebuild_all.__qualname__ = cls.__module__, f"{cls.__qualname__}._rebuild_all"
    cls._rebuild_all = rebuild_all
    cls._flat = lambda records: tuple(chain.from_iterable(map(getter, records)))
    return cls


@_picklable
@_record
class Location:
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    status: str | None = None  # site recruitment status, ClinicalTrials.gov enum


@_picklable
@_record
class Contact:
    name: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    facility: str | None = None  # None for central contacts


class Official(_Frozen):
    name: str
    role: str | None = None
    affiliation: str | None = None


class Reference(_Frozen):
    citation: str
    type: str | None = None  # BACKGROUND, RESULT, DERIVED
    pmid: str | None = None


class OtherId(_Frozen):
    id: str
    type: str | None = None
    source: str | None = None


class RelatedTrial(_Frozen):
    nct_id: str
    title: str | None = None
    status: Status | None = None
    phases: list[str] = Field(default_factory=list)


class SourceRef(_Frozen):
    path: str
    layout: Literal["labelled", "compact", "clinconnect", "ctgov_json", "ctgov_xml"]


class Trial(_Frozen):
    nct_id: str
    title: str
    official_title: str | None = None
    acronym: str | None = None
    status: Status = Status.UNKNOWN
    phases: list[str] = Field(default_factory=list)
    study_type: str | None = None  # INTERVENTIONAL, OBSERVATIONAL, EXPANDED_ACCESS
    enrollment: int | None = None
    start_date: str | None = None
    completion_date: str | None = None
    last_updated: str | None = None
    brief_summary: str | None = None
    detailed_description: str | None = None
    source_plain_summary: str | None = None
    conditions: list[str] = Field(default_factory=list)
    conditions_inferred: bool = False
    keywords: list[str] = Field(default_factory=list)
    design: Design = Field(default_factory=Design)
    arms: list[Arm] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    eligibility: Eligibility = Field(default_factory=Eligibility)
    sponsors: list[Sponsor] = Field(default_factory=list)
    sponsor_about: str | None = None  # "About SPONSOR" text (ClinConnect)
    locations: list[Location] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    officials: list[Official] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    other_ids: list[OtherId] = Field(default_factory=list)
    related: list[RelatedTrial] = Field(default_factory=list)
    has_results: bool = False
    sources: list[SourceRef] = Field(default_factory=list)

    def __reduce_ex__(self, protocol):
        # Its sites and contacts (~30 a trial) go as one flat tuple each (Location._flat): ~10 us
        # less a trial to pickle in a parse worker and to unpickle in the build's parent.
        fields = self.__dict__
        locations, contacts = fields["locations"], fields["contacts"]
        if not (locations or contacts) or self.__pydantic_extra__ is not None or self.__pydantic_private__ is not None \
                or protocol < 2:
            return super().__reduce_ex__(protocol)
        fields = dict(fields)
        fields["locations"] = fields["contacts"] = None  # placeholders: the fields keep their order
        return _rebuild_trial, (fields, self.__pydantic_fields_set__, Location._flat(locations),
                                Contact._flat(contacts))

    @field_validator("nct_id")
    @classmethod
    def _nct_id_shape(cls, v: str) -> str:
        if not NCT_RE.match(v):
            raise ValueError(f"not an NCT ID (NCT + 8 digits): {v!r}")
        return v

    @field_validator("title")
    @classmethod
    def _title_present(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("title is empty")
        return v

    @field_validator("phases")
    @classmethod
    def _phases_known(cls, v: list[str]) -> list[str]:
        for p in v:
            if p not in PHASES:
                raise ValueError(f"unknown phase {p!r}; expected one of {', '.join(PHASES)}")
        return v

    @field_validator("start_date", "completion_date", "last_updated")
    @classmethod
    def _iso_date(cls, v: str | None) -> str | None:
        if v is not None and not ISO_DATE_RE.match(v):
            raise ValueError(f"not an ISO date (YYYY-MM-DD or YYYY-MM): {v!r}")
        return v

    @property
    def lead_sponsor(self) -> Sponsor | None:
        return next((s for s in self.sponsors if s.role == "lead"), None)

    @property
    def is_recruiting(self) -> bool:
        return self.status in (Status.RECRUITING, Status.NOT_YET_RECRUITING, Status.ENROLLING_BY_INVITATION)


def _rebuild_trial(fields: dict, fields_set: set, locations: tuple, contacts: tuple) -> Trial:
    """Unpickle a Trial reduced by Trial.__reduce_ex__."""
    fields["locations"] = Location._rebuild_all(locations)
    fields["contacts"] = Contact._rebuild_all(contacts)
    return _rebuild_model(Trial, fields, fields_set)
