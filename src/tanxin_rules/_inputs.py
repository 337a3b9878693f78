"""Input models: the roster (who holds which role, where) and the history (talks, events, meetings).

These describe *supplied* data; the library stores nothing. Ids of people, units and records
are the caller's own (HR numbers, database keys), so they are free text rather than policy ids.
Role, event-kind and meeting-kind ids refer to the policy's vocabulary and are checked against
it when evaluating: a record that names an unknown one becomes a finding, never an exception.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ._types import EMPTY_LIST, ClockTime, IsoDate, Model

__all__ = [
    "Branch",
    "Event",
    "History",
    "Meeting",
    "Person",
    "ReplyRequest",
    "RoleHolding",
    "Roster",
    "Talk",
    "Unit",
]

RecordId = Annotated[str, Field(min_length=1, max_length=128)]
"""A caller's identifier: any non-empty text up to 128 characters."""


class Unit(Model):
    """An organisational unit: an administrative department (部門) or clinical section (科室)."""

    id: RecordId
    name: str
    kind: str = "section"
    """Free text, e.g. ``department``, ``section``, ``leadership``."""


class Branch(Model):
    """A Party branch (黨支部)."""

    id: RecordId
    name: str


class RoleHolding(Model):
    """A role held by a person, optionally from ``since`` to ``until`` (both inclusive)."""

    role: str
    since: IsoDate | None = None
    until: IsoDate | None = None

    @model_validator(mode="after")
    def _ordered(self) -> RoleHolding:
        if self.since and self.until and self.until < self.since:
            raise ValueError("until is before since")
        return self


class Person(Model):
    """One member of the organisation."""

    id: RecordId
    name: str
    roles: list[RoleHolding] = Field(default_factory=list, json_schema_extra=EMPTY_LIST)
    unit: RecordId | None = None
    branch: RecordId | None = None
    organisation: RecordId | None = None
    """The institution the person belongs to (e.g. a hospital in a health bureau's roster).

    A policy speaks of one institution (Huimin's scopes 2.1–2.5 pair people inside one
    hospital); the ``same_organisation`` relation keeps its pairs inside each institution of a
    roster that holds several. People without one all belong to the roster's one implicit
    institution, so a roster of one institution need not name it.
    """
    oversees: list[RecordId] = Field(default_factory=list, json_schema_extra=EMPTY_LIST)
    """Units this person is in charge of (分管), for a leadership team member."""
    party_member: bool = False
    party_joined: IsoDate | None = None
    hired: IsoDate | None = None
    born: IsoDate | None = None
    appointed: IsoDate | None = None
    left: IsoDate | None = None
    """Last day in the organisation (inclusive); nothing is owed by or to them after it."""


class Roster(Model):
    """Units, Party branches and people."""

    units: list[Unit] = Field(default_factory=list, json_schema_extra=EMPTY_LIST)
    branches: list[Branch] = Field(default_factory=list, json_schema_extra=EMPTY_LIST)
    people: list[Person] = Field(default_factory=list, json_schema_extra=EMPTY_LIST)


class ReplyRequest(Model):
    """A matter on which a written reply was asked for in a talk (4.4)."""

    id: RecordId
    matter: str = ""
    requested_by: RecordId
    replied_on: IsoDate | None = None


class Talk(Model):
    """A held talk: who, when, how, about what."""

    id: RecordId
    date: IsoDate
    time: ClockTime | None = None
    participants: Annotated[list[RecordId], Field(min_length=2)]
    mode: Literal["individual", "collective"] = "individual"
    initiator: RecordId | None = None
    topics: list[str] = Field(default_factory=list, json_schema_extra=EMPTY_LIST)
    answers_event: RecordId | None = None
    """The event (4.5, 4.6) this talk responds to, if the record says so."""
    reason: str | None = None
    """For a collective talk: the special circumstance that justified it (4.1)."""
    reply_requests: list[ReplyRequest] = Field(default_factory=list, json_schema_extra=EMPTY_LIST)


class Event(Model):
    """Something that happened to a person and may trigger a talk (4.5, 4.6)."""

    id: RecordId
    kind: str
    person: RecordId
    date: IsoDate
    counterpart: RecordId | None = None
    """The second person the event names (the trusted leader asked for a talk, 4.6)."""
    agreed_date: IsoDate | None = None
    """The date the two agreed for the talk (4.6: 時間由雙方約定)."""


class Meeting(Model):
    """A dated meeting the policy's windows refer to (e.g. a democratic life meeting).

    A meeting may be one institution's or one Party branch's own: each hospital of a bureau
    roster holds its democratic life meeting (民主生活會) on its own day, each branch its
    organisational life meeting (組織生活會). Then only pairs of people who both belong to it
    owe a talk before it; a meeting that names neither concerns everyone.
    """

    id: RecordId | None = None
    kind: str
    date: IsoDate
    organisation: RecordId | None = None
    """The institution whose meeting it is (a person's ``organisation``); None: everyone's."""
    branch: RecordId | None = None
    """The Party branch whose meeting it is (a person's ``branch``); None: every branch's."""


class History(Model):
    """Talks held, events that happened, meetings convened."""

    talks: list[Talk] = Field(default_factory=list, json_schema_extra=EMPTY_LIST)
    events: list[Event] = Field(default_factory=list, json_schema_extra=EMPTY_LIST)
    meetings: list[Meeting] = Field(default_factory=list, json_schema_extra=EMPTY_LIST)
