"""The policy language: frozen models for a heart-to-heart talk (談心談話) system.

A policy is a small vocabulary (roles, groups, event kinds, meeting kinds, topics, parts of
day) plus items that cite the source document's clauses:

- **scopes** (談心範圍): which pairs of people the system covers (clause 2 in Huimin);
- **rules**, one of a handful of kinds, each evaluable against a roster and history:

  ==============  ==================================================================
  ``frequency``   at least N talks per pair of a scope per period (3.1b, 3.1c)
  ``coverage``    headcount forms: each talker meets N distinct people, or a share of
                  a group is talked with, per period
  ``window``      at least N talks per pair in a window around dated meetings (3.1a)
  ``slot``        talks on recurring calendar slots given as an RRULE (3.2, 3.3)
  ``anchor``      talks in a window around a date on each person (anniversaries)
  ``trigger``     a talk owed after an event, by a deadline (4.5, 4.6)
  ``follow_up``   a written reply owed after a talk that asked for one (4.4)
  ``manner``      how talks are held: one-to-one or collective (4.1)
  ``topics``      what talks in some scopes are expected to cover (1.5)
  ==============  ==================================================================

- the **responsibility chain** (層層負責制, 4.7): who is answerable for whom;
- **guidance**: clauses that are descriptive only (1.2–1.4, 4.2, 4.3), kept as text;
- **parameters**: every choice the source leaves open, named, with its reason. In the YAML
  file any value may be written as ``{param: some_id}``; the loader substitutes the parameter's
  value and remembers where (see :meth:`Policy.parameter_uses`).

Cross-references are checked when a :class:`Policy` is built (:func:`reference_problems`), so
a policy object that exists is internally consistent.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
import zoneinfo
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, JsonValue, PrivateAttr, field_validator, model_validator

from ._rrule import first_date, rrule_problems
from ._types import ClockTime, Id, IsoDate, Model
from ._types import Label as _Label

__all__ = [
    "AnchorRule",
    "Clause",
    "CoverageRule",
    "Deadline",
    "EventKind",
    "FollowUpRule",
    "FrequencyRule",
    "Group",
    "GroupSelector",
    "Guidance",
    "MannerRule",
    "MeetingKind",
    "NamedPeriod",
    "Parameter",
    "PartOfDay",
    "Period",
    "Policy",
    "ResponsibilityChain",
    "ResponsibilityEntry",
    "Role",
    "Rule",
    "Scope",
    "SlotRule",
    "Source",
    "Topic",
    "TopicsRule",
    "TriggerRule",
    "WindowRule",
]

ClauseRef = Annotated[str, Field(pattern=r"^[A-Za-z0-9]+(?:\.[0-9]+)*[a-z]?$", max_length=32)]
"""A clause ID of the source (``3.1``), optionally with a letter for one of its parts (``3.1b``)."""

Level = Literal["must", "should", "may"]
"""How binding a rule is: 應 / 要 (must), 宜 (should), 可 (may)."""

Relation = Literal[
    "oversees", "heads_unit", "heads_branch", "same_unit", "same_branch", "same_organisation"
]
"""A relation from person A to person B drawn from the roster's structure.

- ``oversees`` (分管): B's unit is one of the units A oversees;
- ``heads_unit`` / ``heads_branch``: A holds a role that heads a unit (branch) and B is in it;
- ``same_unit`` / ``same_branch``: A and B belong to the same unit (Party branch);
- ``same_organisation`` (同單位): A and B belong to the same institution — both have the same
  ``organisation``, or neither has one (the roster's own institution). It keeps a policy
  written for one institution inside each institution of a roster that holds several.
"""

Mode = Literal["individual", "collective"]
"""個別談 (one-to-one) or 集體談 (collective)."""


_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)
"""What no policy text may hold: control characters but tab and line feed (a carriage return
rewrites a terminal line), line and paragraph separators, the bidirectional controls (marks,
embeddings, overrides, isolates: they show text in another order than it is read, as in
"Trojan Source") and lone surrogates."""


class HiddenTextError(ValueError):
    """Raised inside validation: a label's texts holding :data:`_HIDDEN` characters, each
    with its path inside the label (``("zh",)``), so the loader can point at the text."""

    code = "hidden-character"

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path[0]}: {message}" for path, message in problems))


def _visible(label: _Label) -> _Label:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for lang in ("zh", "en"):
        text: str = getattr(label, lang)
        found = _HIDDEN.search(text)
        if found:
            char = found[0]
            name = unicodedata.name(char, "a control character")
            problems.append(
                (
                    (lang,),
                    f"holds U+{ord(char):04X} ({name}) at character {found.start() + 1}: "
                    "control and bidirectional characters disguise text on screen; remove it",
                )
            )
    if problems:
        raise HiddenTextError(problems)
    return label


Label = Annotated[_Label, AfterValidator(_visible)]
"""A policy's text in Chinese and English (labels, notes, reasons, guidance, clause texts): a
:class:`~tanxin_rules.Label` that holds none of :data:`_HIDDEN` (tabs and line feeds are fine).
Reports build their own labels (from roster names) and are not checked here."""


# --------------------------------------------------------------------------- source


class Clause(Model):
    """One clause of the source document, with a stable ID."""

    id: ClauseRef
    """Stable ID, e.g. ``P``, ``3.1``."""
    text: Label
    """The clause text (zh: the authority) and a working English rendering."""
    parts: list[Annotated[str, Field(pattern=r"^[a-z]$")]] = []
    """Letters of the separate rules the clause holds (``3.1`` → ``[a, b, c]``): ``3.1b``."""


class Source(Model):
    """The document the policy encodes."""

    title: Label
    published: IsoDate | None = None
    url: str | None = None
    clauses: Annotated[list[Clause], Field(min_length=1)]
    """Every clause, in document order; rules cite these IDs."""

    def clause_ids(self) -> list[str]:
        """Every citable ID: clause IDs and ``id + part`` for each part."""
        out: list[str] = []
        for clause in self.clauses:
            out.append(clause.id)
            out.extend(clause.id + part for part in clause.parts)
        return out


# --------------------------------------------------------------------------- vocabulary


class Role(Model):
    """A role a person may hold (職務), e.g. 黨委書記."""

    id: Id
    label: Label
    heads: Literal["unit", "branch"] | None = None
    """Whether holding the role makes one head of one's unit (科室主任) or branch (支部書記)."""


class GroupSelector(Model):
    """Who belongs to a group; every criterion given must hold (AND).

    At least one criterion is required: a selector that says nothing would silently mean
    "everyone", so everyone must be asked for with ``everyone: true``.
    """

    everyone: Literal[True] | None = None
    """Everyone on the roster."""
    any_role: Annotated[list[Id], Field(min_length=1)] | None = None
    """Holds at least one of these roles."""
    all_roles: Annotated[list[Id], Field(min_length=1)] | None = None
    """Holds every one of these roles."""
    no_role: Annotated[list[Id], Field(min_length=1)] | None = None
    """Holds none of these roles."""
    in_group: Annotated[list[Id], Field(min_length=1)] | None = None
    """Belongs to at least one of these groups."""
    not_in_group: Annotated[list[Id], Field(min_length=1)] | None = None
    """Belongs to none of these groups."""
    party_member: bool | None = None
    """Is (true) or is not (false) a Party member (黨員)."""

    @model_validator(mode="after")
    def _not_empty(self) -> GroupSelector:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise ValueError("a group needs at least one criterion (use everyone: true for all)")
        return self

    def role_refs(self) -> list[str]:
        """Every role ID the selector names."""
        return [*(self.any_role or ()), *(self.all_roles or ()), *(self.no_role or ())]

    def group_refs(self) -> list[str]:
        """Every group ID the selector names."""
        return [*(self.in_group or ()), *(self.not_in_group or ())]


class Group(Model):
    """A named set of people defined from roles, membership and other groups."""

    id: Id
    label: Label
    members: GroupSelector
    clause: ClauseRef | None = None
    """The clause that names the group, if any."""


class EventKind(Model):
    """A kind of event that can trigger a talk (4.5), e.g. promotion."""

    id: Id
    label: Label
    clause: ClauseRef | None = None
    has_counterpart: bool = False
    """Events of this kind name a second person (e.g. the leader a talk was asked of, 4.6)."""


class MeetingKind(Model):
    """A kind of dated meeting supplied as input, e.g. 民主生活會."""

    id: Id
    label: Label


class Topic(Model):
    """A topic a talk record can list, e.g. 廉政 (clean government, 1.5)."""

    id: Id
    label: Label


class PartOfDay(Model):
    """A named part of the day (下午 = afternoon) with clock bounds, end exclusive."""

    id: Id
    label: Label
    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _ordered(self) -> PartOfDay:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


# --------------------------------------------------------------------------- items


class Item(Model):
    """What every scope, rule and guidance item has: a stable id, the clause, labels."""

    id: Id
    """Stable identifier, unique among scopes, rules and guidance."""
    clause: ClauseRef
    """The clause of the source this item encodes."""
    label: Label
    note: Label | None = None
    """Free commentary shown in reports and docs."""


class Scope(Item):
    """Who talks with whom (談心範圍): pairs drawn from two groups.

    A pair (x, y) of distinct people is in the scope when x is in ``between[0]``, y in
    ``between[1]`` and every relation holds from x to y. Unless ``directed``, the pair is
    unordered: it is in scope when either ordering qualifies.
    """

    between: Annotated[list[Id], Field(min_length=2, max_length=2)]
    """The two groups: ``[first, second]``."""
    relation: list[Relation] = []
    directed: bool = False


class NamedPeriod(Model):
    """One named period, e.g. an academic term, inclusive on both ends."""

    id: Id
    label: Label | None = None
    start: IsoDate
    end: IsoDate

    @model_validator(mode="after")
    def _ordered(self) -> NamedPeriod:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class CalendarPeriod(Model):
    """Calendar months, quarters, half-years or years; ``every`` of them make one period."""

    kind: Literal["calendar"]
    unit: Literal["month", "quarter", "half_year", "year"]
    every: Annotated[int, Field(ge=1, le=100)] = 1
    anchor: IsoDate | None = None
    """A date on which one of the periods starts; needed when ``every`` > 1 (e.g. 2 years)."""

    @model_validator(mode="after")
    def _anchored(self) -> CalendarPeriod:
        if self.every > 1 and self.anchor is None:
            raise ValueError("a period of several units needs an anchor date where one starts")
        if self.anchor is not None:
            months = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}[self.unit]
            if self.anchor.day != 1 or (self.anchor.month - 1) % months:
                raise ValueError(f"the anchor must be the first day of a calendar {self.unit}")
        return self


class RollingPeriod(Model):
    """A rolling window: no stretch of ``days`` consecutive days may lack the talks."""

    kind: Literal["rolling"]
    days: Annotated[int, Field(ge=1, le=36600)]


class NamedPeriods(Model):
    """Custom named periods (academic terms…); days outside every period owe nothing."""

    kind: Literal["named"]
    periods: Annotated[list[NamedPeriod], Field(min_length=1)]

    @model_validator(mode="after")
    def _disjoint(self) -> NamedPeriods:
        ordered = sorted(self.periods, key=lambda p: p.start)
        for before, after in itertools.pairwise(ordered):
            if after.start <= before.end:
                raise ValueError(f"periods {before.id!r} and {after.id!r} overlap")
        return self


Period = Annotated[CalendarPeriod | RollingPeriod | NamedPeriods, Field(discriminator="kind")]
"""How time is cut into the periods a frequency or coverage rule counts in."""


class Deadline(Model):
    """A deadline counted from a date: N calendar days, N working days, or N calendar months.

    Give exactly one of ``days`` and ``months``. Months are what many policies write (一個月內,
    "within a month"): the same day of the month N months on, or the month's last day when it
    is shorter (31 January + 1 month: 28 or 29 February). ``count: working`` applies to days
    only (a month of working days is not a length any policy means).
    """

    days: Annotated[int, Field(ge=0, le=3660)] | None = None
    months: Annotated[int, Field(ge=0, le=120)] | None = None
    """Calendar months after the start date (see above)."""
    count: Literal["calendar", "working"] = "calendar"

    @model_validator(mode="after")
    def _one_length(self) -> Deadline:
        if (self.days is None) == (self.months is None):
            raise ValueError("give exactly one of days and months")
        if self.months is not None and self.count == "working":
            raise ValueError("count: working applies to days only; months are calendar months")
        return self


class TalkerByResponsibility(Model):
    """The people answerable for the subject under the responsibility chain (4.7)."""

    by: Literal["responsibility"]


class TalkerByGroup(Model):
    """Members of a group, related to the subject as stated."""

    by: Literal["group"]
    group: Id
    relation: list[Relation] = []
    """Relations from the talker to the subject."""
    mode: Literal["any_of", "all_of"] = "any_of"
    """any_of: a talk with one of them discharges it; all_of: each of them owes a talk."""


class TalkerByEventCounterpart(Model):
    """The second person the event names (the leader asked for a talk, 4.6)."""

    by: Literal["event_counterpart"]
    group: Id | None = None
    """The group the counterpart must be in on the event's date (4.6: 領導, a leader): a
    counterpart outside it — a staff member, someone who has left — is not taken at their word,
    and ``otherwise`` applies, with a finding."""
    otherwise: Literal["responsibility", "nobody"] = "responsibility"
    """Who owes the talk when the event names no usable counterpart."""


Talker = Annotated[
    TalkerByResponsibility | TalkerByGroup | TalkerByEventCounterpart, Field(discriminator="by")
]
"""Who must talk with the subject of a trigger or anchor rule."""


class RuleBase(Item):
    """Fields shared by every rule."""

    level: Level = "must"


class FrequencyRule(RuleBase):
    """At least ``at_least`` talks between each pair of a scope in every period (3.1b, 3.1c)."""

    kind: Literal["frequency"]
    scope: Id
    at_least: Annotated[int, Field(ge=1, le=1000)] = 1
    period: Period
    responsible: Literal["first", "second", "both"] = "first"
    """Which side of the pair answers for the obligation (the first group of a directed scope)."""
    membership: Literal["any_overlap", "whole_period", "at_period_end"] = "any_overlap"
    """Who owes in a period when roles change inside it: anyone qualifying on any day of it
    (counted over the days both qualify), only those qualifying all of it, or those qualifying
    on its last day."""


class CoverageRule(RuleBase):
    """Headcount forms: each talker talks with ``at_least_distinct`` distinct counterparts, or
    a ``share`` of the counterparts are talked with by some talker, per period."""

    kind: Literal["coverage"]
    talkers: Id
    counterparts: Id
    relation: list[Relation] = []
    """Relations from talker to counterpart."""
    at_least_distinct: Annotated[int, Field(ge=1)] | None = None
    share: Annotated[float, Field(gt=0, le=1)] | None = None
    period: Period
    membership: Literal["any_overlap", "whole_period", "at_period_end"] = "any_overlap"

    @model_validator(mode="after")
    def _one_target(self) -> CoverageRule:
        if (self.at_least_distinct is None) == (self.share is None):
            raise ValueError("give exactly one of at_least_distinct and share")
        return self


class WindowRule(RuleBase):
    """At least ``at_least`` talks per pair of a scope inside the window of each meeting (3.1a).

    The window runs from ``days_before`` days (or ``months_before`` calendar months: 會前一個月)
    before the meeting to ``days_after`` days after it; ``count: working`` counts those days in
    working days of the holiday calendar (會前10個工作日). Whether the meeting day itself
    counts is ``include_meeting_day``.
    """

    kind: Literal["window"]
    scope: Id
    meeting: Id
    days_before: Annotated[int, Field(ge=0, le=3660)] | None = None
    months_before: Annotated[int, Field(ge=1, le=120)] | None = None
    days_after: Annotated[int, Field(ge=0, le=3660)] = 0
    count: Literal["calendar", "working"] = "calendar"
    """How ``days_before`` and ``days_after`` are counted: calendar days, or working days."""
    include_meeting_day: bool
    at_least: Annotated[int, Field(ge=1)] = 1
    responsible: Literal["first", "second", "both"] = "both"

    @property
    def opens_before(self) -> bool:
        """Whether the window starts before the meeting day."""
        return bool(self.days_before or self.months_before)

    @model_validator(mode="after")
    def _contiguous(self) -> WindowRule:
        if (self.days_before is None) == (self.months_before is None):
            raise ValueError("give exactly one of days_before and months_before")
        if self.months_before is not None and self.count == "working" and not self.days_after:
            raise ValueError(
                "count: working applies to days only; months_before counts calendar months"
            )
        if not self.include_meeting_day and self.opens_before and self.days_after:
            raise ValueError(
                "a window before and after a meeting must include the meeting day "
                "(it would otherwise be two windows)"
            )
        if not (self.include_meeting_day or self.opens_before or self.days_after):
            raise ValueError("the window is empty: give days_before, days_after or the meeting day")
        return self


class SlotRule(RuleBase):
    """Talks on recurring calendar slots (3.2, 3.3), given as an iCalendar RRULE.

    ``owed_by: each_talker`` makes one obligation per slot per talker; ``any_talker`` one per slot.
    """

    kind: Literal["slot"]
    rrule: str
    """An RFC 5545 recurrence rule, e.g. ``FREQ=MONTHLY;BYDAY=-1TH`` (last Thursday)."""
    anchor: IsoDate
    """DTSTART of the rule: a date the rule itself produces, near the dates asked about."""
    part_of_day: Id | None = None
    start_time: ClockTime | None = None
    end_time: ClockTime | None = None
    after: Label | None = None
    """What the slot follows (院周會結束後: after the weekly meeting), descriptive."""
    talkers: Id
    counterparts: Id
    relation: list[Relation] = []
    owed_by: Literal["each_talker", "any_talker"] = "each_talker"
    at_least: Annotated[int, Field(ge=1)] = 1
    on_non_working_day: Literal["keep", "skip", "previous", "next"] = "keep"
    """What to do when a slot falls on a non-working day of the supplied holiday calendar."""
    untimed_talks: Literal["count", "ignore"] = "count"
    """Whether a talk recorded on the slot's date without a time of day counts for the slot."""
    within: NamedPeriods | None = None
    """Only in these periods (学期中, "during term"): a date the RRULE gives outside every one
    of them is no slot. Checked on the RRULE's date, before any non-working-day move."""

    @field_validator("rrule")
    @classmethod
    def _valid_rrule(cls, value: str) -> str:
        problems = rrule_problems(value)
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @model_validator(mode="after")
    def _times(self) -> SlotRule:
        if self.part_of_day is not None and (self.start_time or self.end_time):
            raise ValueError("give part_of_day or start_time/end_time, not both")
        if (self.start_time is None) != (self.end_time is None):
            raise ValueError("give both start_time and end_time")
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValueError("end_time must be after start_time")
        first = first_date(self.rrule, self.anchor)  # fast when it yields none (see there)
        if first != self.anchor:
            produced = f"its first date from there is {first}" if first else "it yields none"
            raise ValueError(
                f"anchor {self.anchor} is not a date the RRULE produces ({produced}); "
                "python-dateutil would silently skip it, and with INTERVAL the anchor fixes "
                "which months or weeks count: give a date the rule yields, near the dates used"
            )
        return self


class AnchorRule(RuleBase):
    """A talk in a window around a date on each subject, every ``every_years`` years — or once.

    The window opens ``offset_days`` after each anniversary of the person's ``date_field`` and
    lasts ``length_days`` days. A 29 February date falls on ``on_feb_29`` in common years.
    With ``once``, the one window is around the date itself (a talk within 30 days of being
    appointed or hired: 任職談話, 入職談話; before leaving: 離任談話), and there are no
    anniversaries; ``left`` has none, so it is ``once`` only.
    """

    kind: Literal["anchor"]
    subjects: Id
    date_field: Literal["party_joined", "hired", "born", "appointed", "left"]
    every_years: Annotated[int, Field(ge=1, le=100)] = 1
    once: bool = False
    """Only the date itself, not its anniversaries (``every_years`` is then left out)."""
    offset_days: Annotated[int, Field(ge=-366, le=366)] = 0
    length_days: Annotated[int, Field(ge=1, le=366)]
    on_feb_29: Literal["feb_28", "mar_1"] = "feb_28"
    talker: Talker
    at_least: Annotated[int, Field(ge=1)] = 1

    @model_validator(mode="after")
    def _once_has_no_cycle(self) -> AnchorRule:
        if self.once and "every_years" in self.model_fields_set:
            raise ValueError("every_years does not apply to a rule with once: true")
        if self.date_field == "left" and not self.once:
            raise ValueError("date_field: left has no anniversaries; give once: true")
        return self


class TriggerRule(RuleBase):
    """A talk owed after each event of the given kinds (4.5), by a deadline."""

    kind: Literal["trigger"]
    events: Annotated[list[Id], Field(min_length=1)]
    subjects: Id
    """The group the event's person must be in for the rule to apply (幹部, 領導幹部)."""
    talker: Talker
    deadline: Deadline
    use_agreed_date: bool = False
    """When the event carries an agreed date (4.6: 時間由雙方約定), that date is the deadline."""


class FollowUpRule(RuleBase):
    """A written reply owed for each matter a talk asked one for (4.4), by a deadline."""

    kind: Literal["follow_up"]
    deadline: Deadline
    owed_by: Literal["other_participants", "initiator"] = "other_participants"
    """Who owes the reply: the participants other than the requester, or the talk's initiator."""


class CollectiveSpec(Model):
    """When a talk counts as collective (集體談) and what it may satisfy."""

    min_participants: Annotated[int, Field(ge=3)] = 3
    requires_reason: bool = True
    """A collective talk must record the special circumstance that justified it."""
    may_satisfy: list[Id] = []
    """Rules a collective talk may satisfy; all others need one-to-one talks."""


class MannerRule(RuleBase):
    """How talks are held (4.1): one-to-one by default, collective in special circumstances."""

    kind: Literal["manner"]
    default_mode: Mode = "individual"
    collective: CollectiveSpec


class TopicsRule(RuleBase):
    """Talks in the given scopes are expected to list at least one of ``expected`` (1.5)."""

    kind: Literal["topics"]
    scopes: Annotated[list[Id], Field(min_length=1)]
    expected: Annotated[list[Id], Field(min_length=1)]


Rule = Annotated[
    FrequencyRule
    | CoverageRule
    | WindowRule
    | SlotRule
    | AnchorRule
    | TriggerRule
    | FollowUpRule
    | MannerRule
    | TopicsRule,
    Field(discriminator="kind"),
]
"""One evaluable rule; ``kind`` says which."""


class Guidance(Item):
    """A descriptive clause kept as text: nothing in it can be checked against records."""

    text: Label


class ResponsibilityEntry(Model):
    """For each person in ``subjects``, members of ``answerable`` related as given answer."""

    subjects: Id
    answerable: Id
    relation: list[Relation] = []
    """Relations from the answerable person to the subject."""
    mode: Literal["any_of", "all_of"] = "any_of"
    clause: ClauseRef
    label: Label


class ResponsibilityChain(Model):
    """The layered responsibility system (層層負責制, 4.7)."""

    resolution: Literal["all_matches", "first_match"] = "all_matches"
    """A person matching several entries answers to all of them, or to the first only."""
    entries: Annotated[list[ResponsibilityEntry], Field(min_length=1)]


class Parameter(Model):
    """A named value; with ``interpretation: true``, a choice the source text leaves open."""

    id: Id
    label: Label
    value: JsonValue
    interpretation: bool
    clause: ClauseRef | None = None
    reason: Label | None = None
    """Why this value: required for an interpretation."""
    alternatives: list[JsonValue] = []
    """Other readings of the text that were considered."""

    @model_validator(mode="after")
    def _reasoned(self) -> Parameter:
        if self.interpretation and self.reason is None:
            raise ValueError("an interpretation needs a reason")
        return self


# --------------------------------------------------------------------------- policy


class Policy(Model):
    """A whole heart-to-heart talk system, as one institution defines it."""

    tanxin: Literal[1]
    """Version of the policy language."""
    id: Id
    label: Label
    source: Source
    timezone: str
    """IANA timezone of the institution (slots' clock times are in it)."""
    roles: Annotated[list[Role], Field(min_length=1)]
    groups: list[Group] = []
    event_kinds: list[EventKind] = []
    meeting_kinds: list[MeetingKind] = []
    topics: list[Topic] = []
    parts_of_day: list[PartOfDay] = []
    parameters: list[Parameter] = []
    scopes: list[Scope] = []
    rules: list[Rule] = []
    responsibility: ResponsibilityChain | None = None
    guidance: list[Guidance] = []

    _parameter_uses: dict[str, tuple[tuple[str | int, ...], ...]] = PrivateAttr(
        default_factory=dict
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown IANA timezone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _references(self) -> Policy:
        problems = reference_problems(self)
        if problems:
            raise ReferenceProblemsError(problems)
        return self

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError if none)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def parameter_uses(self) -> dict[str, tuple[tuple[str | int, ...], ...]]:
        """For each parameter id, the paths in the file where ``{param: id}`` was written."""
        return dict(self._parameter_uses)

    def parameters_of(self, path_prefix: tuple[str | int, ...]) -> list[Parameter]:
        """The parameters used at or under a path, e.g. ``("rules", 3)``."""
        wanted = {
            pid
            for pid, paths in self._parameter_uses.items()
            if any(p[: len(path_prefix)] == path_prefix for p in paths)
        }
        return [p for p in self.parameters if p.id in wanted]


class ReferenceProblemsError(ValueError):
    """Raised inside validation with every dangling reference, each with its path."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{_dotted(path)}: {msg}" for path, msg in problems))


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path)


def reference_problems(policy: Policy) -> list[tuple[tuple[str | int, ...], str]]:
    """Every broken cross-reference or duplicate id, with the path where it stands."""
    out: list[tuple[tuple[str | int, ...], str]] = []

    def unique(section: str, items: list[Any]) -> set[str]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                out.append(((section, i, "id"), f"duplicate id {item.id!r} in {section}"))
            seen.add(item.id)
        return seen

    clause_ids = set()
    for i, clause in enumerate(policy.source.clauses):
        if clause.id in clause_ids:
            out.append((("source", "clauses", i, "id"), f"duplicate clause id {clause.id!r}"))
        clause_ids.add(clause.id)
    citable = set(policy.source.clause_ids())
    roles = unique("roles", policy.roles)
    groups = unique("groups", policy.groups)
    events = unique("event_kinds", policy.event_kinds)
    meetings = unique("meeting_kinds", policy.meeting_kinds)
    topics = unique("topics", policy.topics)
    parts = unique("parts_of_day", policy.parts_of_day)
    unique("parameters", policy.parameters)
    scopes = unique("scopes", policy.scopes)
    rule_ids = {r.id for r in policy.rules}
    items: dict[str, tuple[str | int, ...]] = {}
    for section, seq in (("scopes", policy.scopes), ("rules", policy.rules),
                         ("guidance", policy.guidance)):  # fmt: skip
        for i, item in enumerate(seq):
            if item.id in items:
                out.append(((section, i, "id"), f"duplicate id {item.id!r} (also at "
                            f"{_dotted(items[item.id])})"))  # fmt: skip
            else:
                items[item.id] = (section, i)

    def ref(path: tuple[str | int, ...], value: str | None, known: set[str], what: str) -> None:
        if value is not None and value not in known:
            hint = _closest(value, known)
            out.append((path, f"unknown {what} {value!r}" + (f" (did you mean {hint!r}?)"
                                                              if hint else "")))  # fmt: skip

    def refs(
        path: tuple[str | int, ...], values: list[str] | None, known: set[str], what: str
    ) -> None:
        for j, value in enumerate(values or ()):
            ref((*path, j), value, known, what)

    def cite(path: tuple[str | int, ...], value: str | None) -> None:
        if value is not None and value not in citable:
            out.append((path, f"clause {value!r} is not in the source (known: "
                              f"{', '.join(sorted(citable))})"))  # fmt: skip

    for i, group in enumerate(policy.groups):
        sel = group.members
        base = ("groups", i, "members")
        for name in ("any_role", "all_roles", "no_role"):
            refs((*base, name), getattr(sel, name), roles, "role")
        for name in ("in_group", "not_in_group"):
            refs((*base, name), getattr(sel, name), groups, "group")
        cite(("groups", i, "clause"), group.clause)
    out.extend(_group_cycles(policy))
    for i, event in enumerate(policy.event_kinds):
        cite(("event_kinds", i, "clause"), event.clause)
    for i, param in enumerate(policy.parameters):
        cite(("parameters", i, "clause"), param.clause)
    for i, scope in enumerate(policy.scopes):
        cite(("scopes", i, "clause"), scope.clause)
        refs(("scopes", i, "between"), list(scope.between), groups, "group")
    for i, item in enumerate(policy.guidance):
        cite(("guidance", i, "clause"), item.clause)
    for i, rule in enumerate(policy.rules):
        at: tuple[str | int, ...] = ("rules", i)
        cite((*at, "clause"), rule.clause)
        if isinstance(rule, FrequencyRule | WindowRule):
            ref((*at, "scope"), rule.scope, scopes, "scope")
            used = next((s for s in policy.scopes if s.id == rule.scope), None)
            if (
                used is not None
                and rule.responsible != "both"
                and not used.directed
                and used.between[0] == used.between[1]
            ):
                out.append(((*at, "responsible"), f"responsible: {rule.responsible} means "
                            f"nothing for scope {used.id!r}, whose pairs are unordered and drawn "
                            "from one group; use both, or make the scope directed"))  # fmt: skip
        if isinstance(rule, WindowRule):
            ref((*at, "meeting"), rule.meeting, meetings, "meeting kind")
        if isinstance(rule, CoverageRule | SlotRule):
            ref((*at, "talkers"), rule.talkers, groups, "group")
            ref((*at, "counterparts"), rule.counterparts, groups, "group")
        if isinstance(rule, SlotRule):
            ref((*at, "part_of_day"), rule.part_of_day, parts, "part of day")
        if isinstance(rule, AnchorRule | TriggerRule):
            ref((*at, "subjects"), rule.subjects, groups, "group")
            if isinstance(rule.talker, TalkerByGroup | TalkerByEventCounterpart):
                ref((*at, "talker", "group"), rule.talker.group, groups, "group")
            uses_chain = isinstance(rule.talker, TalkerByResponsibility) or (
                isinstance(rule.talker, TalkerByEventCounterpart)
                and rule.talker.otherwise == "responsibility"
            )
            if uses_chain and policy.responsibility is None:
                out.append(((*at, "talker"), "talker by responsibility, but the policy has no "
                            "responsibility chain"))  # fmt: skip
        if isinstance(rule, TriggerRule):
            refs((*at, "events"), rule.events, events, "event kind")
        if isinstance(rule, MannerRule):
            refs((*at, "collective", "may_satisfy"), rule.collective.may_satisfy, rule_ids, "rule")
        if isinstance(rule, TopicsRule):
            refs((*at, "scopes"), rule.scopes, scopes, "scope")
            refs((*at, "expected"), rule.expected, topics, "topic")
    if sum(isinstance(r, MannerRule) for r in policy.rules) > 1:
        out.append((("rules",), "at most one manner rule is allowed"))
    if policy.responsibility is not None:
        for i, entry in enumerate(policy.responsibility.entries):
            at = ("responsibility", "entries", i)
            ref((*at, "subjects"), entry.subjects, groups, "group")
            ref((*at, "answerable"), entry.answerable, groups, "group")
            cite((*at, "clause"), entry.clause)
    return out


def _group_cycles(policy: Policy) -> Iterator[tuple[tuple[str | int, ...], str]]:
    index = {g.id: i for i, g in enumerate(policy.groups)}
    state: dict[str, int] = {}

    def visit(gid: str, trail: list[str]) -> Iterator[tuple[tuple[str | int, ...], str]]:
        state[gid] = 1
        for ref in policy.groups[index[gid]].members.group_refs():
            if ref not in index:
                continue
            if state.get(ref) == 1:
                cycle = " → ".join([*trail[trail.index(ref) :], ref]) if ref in trail else ref
                yield (("groups", index[gid], "members"), f"groups refer to each other: {cycle}")
            elif ref not in state:
                yield from visit(ref, [*trail, ref])
        state[gid] = 2

    for group in policy.groups:
        if group.id not in state:
            yield from visit(group.id, [group.id])


def _closest(value: str, known: set[str]) -> str | None:
    matches = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.75)
    return matches[0] if matches else None
