"""The report: obligations decided, findings about the data, summaries and to-do lists.

Every obligation names the rule and clause it comes from and explains itself in Chinese and
English; every finding names its record (and, for file input, ``file:line``), so a reader can
go from any figure back to the clause of the source and the record that produced it.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from ._types import EMPTY_LIST, Label, Model

__all__ = [
    "Finding",
    "Obligation",
    "PersonSummary",
    "Report",
    "RuleSummary",
    "Summary",
    "TodoItem",
    "TodoList",
    "Window",
]

ObligationStatus = Literal["met", "pending", "overdue"]
Severity = Literal["error", "warning", "info"]


class Window(Model):
    """The dates in which a talk discharges an obligation, both inclusive."""

    start: date
    due: date


class Obligation(Model):
    """One talk (or set of talks) owed under a rule, and whether it was held."""

    id: str
    """Stable within a report: built from the rule, parties and window."""
    rule: str
    clause: str
    level: Literal["must", "should", "may"]
    kind: str
    parties: list[str]
    """The people between whom the talk is owed, sorted."""
    responsible: list[str]
    """Who answers for it, sorted."""
    window: Window
    required: int = 1
    """Talks (or distinct people, for coverage rules) needed."""
    status: ObligationStatus
    satisfied_by: list[str] = Field(default_factory=list, json_schema_extra=EMPTY_LIST)
    """Ids of the talks that count towards it (for a follow-up: the reply request's id)."""
    outstanding: list[str] = Field(default_factory=list, json_schema_extra=EMPTY_LIST)
    """For a coverage rule: the people not yet talked with."""
    next_opportunity: date | None = None
    """For an unmet obligation: the next slot or date on which a talk would satisfy it."""
    done_late: date | None = None
    """The day it was done after its window closed (a written reply given late, 4.4; a trigger
    talk held after its deadline): the obligation is overdue, yet nothing is left to do, so it
    is on no to-do list."""
    explanation: Label


RecordKind = Literal[
    "person", "unit", "branch", "talk", "event", "meeting", "reply_request", "holiday", "policy",
]  # fmt: skip


class Finding(Model):
    """Something about the supplied data: unusable, outside the system, or incomplete."""

    code: str
    severity: Severity
    record_kind: RecordKind | None = None
    record: str | None = None
    """The record's id (for a record without a usable id: its position, e.g. ``#12``)."""
    file: str | None = None
    line: int | None = None
    rule: str | None = None
    clause: str | None = None
    message: Label


class RuleSummary(Model):
    """Counts for one rule."""

    rule: str
    clause: str
    met: int = 0
    pending: int = 0
    overdue: int = 0
    rate: float | None = None
    """met / (met + overdue): the share of what was due that was done; None if nothing was due."""


class PersonSummary(Model):
    """Counts for one responsible person."""

    person: str
    name: str
    met: int = 0
    pending: int = 0
    overdue: int = 0
    rate: float | None = None


class Summary(Model):
    """Totals, and where every input record went."""

    obligations: int
    met: int
    pending: int
    overdue: int
    rate: float | None
    by_rule: list[RuleSummary]
    by_person: list[PersonSummary]
    talks: int
    talks_used: int
    """Talks counted towards at least one obligation."""
    talks_flagged: int
    """Talks with at least one finding."""
    talks_unmatched: int
    """Valid talks that neither count for any obligation nor carry a finding."""
    events: int
    events_used: int
    """Events from which at least one obligation was derived."""
    events_flagged: int
    reply_requests: int
    people: int
    people_flagged: int


class TodoItem(Model):
    """One thing a responsible person still owes."""

    obligation: str
    rule: str
    clause: str
    due: date
    status: Literal["pending", "overdue"]
    with_: list[str]
    label: Label


class TodoList(Model):
    """What one responsible person still owes, by due date."""

    person: str
    name: str
    items: list[TodoItem]


class Report(Model):
    """The result of evaluating a policy against a roster and history."""

    policy: str
    period_start: date
    period_end: date
    as_of: date
    obligations: list[Obligation]
    findings: list[Finding]
    summary: Summary
    todo: list[TodoList]
