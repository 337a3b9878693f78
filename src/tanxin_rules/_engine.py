"""The compliance engine: policy + roster + history in, an explained :class:`Report` out.

:func:`evaluate` is a pure function: no clock (``as_of`` is an argument), no I/O, no global
state, and the same inputs in any order give the same report. The semantics are stated in
docs/evaluation.md; in short, for every evaluable rule it derives the *obligations* the roster
and history imply over the evaluation period, decides each one against the talks held, and
reports *findings* about every input record it could not use or that lies outside the system —
so that every talk, event and reply request is accounted for.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from ._calendar import (
    MAX_DATE,
    HolidayCalendar,
    anchor_windows,
    deadline_date,
    meeting_window,
    period_spans,
    slot_times,
    slots,
)
from ._errors import CalendarError, InputError, Problem
from ._inputs import Event, History, Person, ReplyRequest, Roster, Talk
from ._org import Interval, Org, Standing, intersect, merge
from ._policy import (
    AnchorRule,
    CoverageRule,
    FollowUpRule,
    FrequencyRule,
    MannerRule,
    Policy,
    Relation,
    RollingPeriod,
    Rule,
    Scope,
    SlotRule,
    TalkerByEventCounterpart,
    TalkerByResponsibility,
    TopicsRule,
    TriggerRule,
    WindowRule,
)
from ._reading import gc_paused
from ._report import (
    Finding,
    Obligation,
    PersonSummary,
    RecordKind,
    Report,
    RuleSummary,
    Summary,
    TodoItem,
    TodoList,
    Window,
)
from ._types import Label

__all__ = ["evaluate"]

Status = Literal["met", "pending", "overdue"]

_NO_HIT: frozenset[str] = frozenset()


class _Who:
    """A person of the roster as the talk loop meets them, made on their first talk.

    Everything a talk asks about a participant sits here, one object: the roster's own id
    string (so later look-ups compare strings by identity), unit, branch and organisation
    interned per evaluation (so a relation compares pointers), and — when their standing does
    not change during the evaluation period, as for most people — their groups, presence and
    headship in the period, read without a date search. With a million talks over a heap of a few
    gigabytes, what costs is following pointers to scattered objects; this keeps it to one.
    """

    __slots__ = (
        "active",
        "branch",
        "groups",
        "heads",
        "id",
        "organisation",
        "oversees",
        "standing",
        "talks",
        "unit",
    )

    def __init__(self, standing: Standing, start: date, end: date, canon: dict[str, str]) -> None:
        person = standing.person
        self.standing = standing
        self.id = person.id
        self.talks: list[_Talk] = []
        """Every usable talk of the person, in id order."""
        self.unit = None if person.unit is None else canon.setdefault(person.unit, person.unit)
        self.branch = (
            None if person.branch is None else canon.setdefault(person.branch, person.branch)
        )
        org = person.organisation
        self.organisation = None if org is None else canon.setdefault(org, org)
        self.oversees = (
            frozenset(canon.setdefault(u, u) for u in person.oversees)
            if person.oversees
            else _NO_HIT
        )
        i = standing.at(start)
        if standing.segments[i].end >= end:  # one standing over the whole period
            self.groups: frozenset[str] | None = standing.groups[i]
            self.active: bool | None = standing.active[i]
            self.heads: int | None = standing.heads[i]
        else:
            self.groups = self.active = self.heads = None

    def groups_on(self, day: date, in_period: bool) -> frozenset[str]:
        """The groups the person is in on ``day`` (``in_period``: the day is in the period)."""
        if in_period and self.groups is not None:
            return self.groups
        standing = self.standing
        return standing.groups[standing.at(day)]

    def active_on(self, day: date, in_period: bool) -> bool:
        """Whether the person is in the organisation on ``day``."""
        if in_period and self.active is not None:
            return self.active
        standing = self.standing
        return standing.active[standing.at(day)]

    def heads_on(self, day: date, in_period: bool) -> int:
        """Head flags on ``day``: 1 heads a unit, 2 a branch (see :class:`Standing`)."""
        if in_period and self.heads is not None:
            return self.heads
        standing = self.standing
        return standing.heads[standing.at(day)]


def _related(relations: Sequence[Relation], a: _Who, b: _Who, day: date, in_period: bool) -> bool:
    """:meth:`Org.related` for two participants of a talk (same answers, fewer look-ups)."""
    for rel in relations:
        if rel == "oversees":
            ok = b.unit is not None and b.unit in a.oversees
        elif rel == "same_unit":
            ok = a.unit is not None and a.unit is b.unit
        elif rel == "same_branch":
            ok = a.branch is not None and a.branch is b.branch
        elif rel == "same_organisation":
            ok = a.organisation is b.organisation  # None is None: the roster's own institution
        elif rel == "heads_unit":
            ok = (
                a.unit is not None
                and a.unit is b.unit
                and bool(
                    (a.heads if in_period and a.heads is not None else a.heads_on(day, False)) & 1
                )
            )
        else:
            ok = (
                a.branch is not None
                and a.branch is b.branch
                and bool(a.heads_on(day, in_period) & 2)
            )
        if not ok:
            return False
    return True


class _Talk:
    """A usable talk: the record, its distinct participants (sorted), how it counts.

    The participants are kept in slots — the first two, then any more — rather than in a
    tuple of their own: a million talks, 48 MB less.
    """

    __slots__ = ("a", "b", "collective", "covered", "date", "hit", "more", "talk")

    def __init__(
        self,
        talk: Talk,
        a: _Who,
        b: _Who,
        more: tuple[_Who, ...],
        collective: bool,
        hit: frozenset[str],
        covered: bool,
    ) -> None:
        self.talk = talk
        self.a = a
        self.b = b
        self.more = more
        self.collective = collective
        self.date = talk.date
        self.hit = hit
        """The scopes of topics rules that cover the talk."""
        self.covered = covered
        """Whether a scope of no topics rule covers the talk."""

    @property
    def who(self) -> tuple[_Who, ...]:
        """The participants, sorted by id."""
        return (self.a, self.b, *self.more)

    @property
    def people(self) -> tuple[str, ...]:
        """The participants' ids, sorted."""
        return (self.a.id, self.b.id, *(w.id for w in self.more))


_by_date = operator.attrgetter("date")
_reply_requests = operator.attrgetter("reply_requests")


def _by_date_id(talk: _Talk) -> tuple[date, str]:
    return talk.date, talk.talk.id


class _Timeline:
    """Talks sorted by date (then id), with the dates alongside for range look-ups."""

    __slots__ = ("dates", "talks")

    def __init__(self, talks: list[_Talk] | None = None) -> None:
        """``talks`` must be in id order (the engine's order); they are sorted by date here.

        The sort is stable, so talks of one day stay in id order: the order (date, id) without
        building a key tuple per talk — which, over a million talks, is what sorting cost.
        """
        self.talks: list[_Talk] = talks if talks is not None else []
        self.talks.sort(key=_by_date)
        self.dates: list[date] = [t.date for t in self.talks]

    def between(self, lo: date, hi: date) -> list[_Talk]:
        """Talks dated ``lo``…``hi``, inclusive, in date order."""
        return self.talks[bisect.bisect_left(self.dates, lo) : bisect.bisect_right(self.dates, hi)]


_EMPTY = _Timeline()


@dataclass(slots=True)
class _State:
    policy: Policy
    org: Org
    start: date
    end: date
    as_of: date
    holidays: HolidayCalendar
    lines: Mapping[tuple[str, str], tuple[str, int]]
    findings: list[Finding] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    who: dict[str, _Who] = field(default_factory=dict)
    """The people met in talks, by id (see :class:`_Who`)."""
    canon: dict[str, str] = field(default_factory=dict)
    talk_ids: list[str] = field(default_factory=list)
    """The id of every talk record given, in order."""
    with_requests: list[_Talk] = field(default_factory=list)
    """Usable talks with reply requests, in id order."""
    timelines: dict[str, _Timeline] = field(default_factory=dict)
    pair_index: dict[str, dict[str, _Timeline]] = field(default_factory=dict)
    talks: list[_Talk] = field(default_factory=list)
    used_talks: set[_Talk] = field(default_factory=set)
    """Talks counted towards at least one obligation."""
    late_talks: set[_Talk] = field(default_factory=set)
    """Talks that made up a trigger or once-only anchor obligation after its deadline."""
    used_events: set[str] = field(default_factory=set)
    bad_requests: set[str] = field(default_factory=set)
    """Reply request ids given twice with different contents: none is used."""
    once_requests: set[str] = field(default_factory=set)
    """Reply request ids listed twice, identical, in one talk: used once."""
    meeting_ids: dict[tuple[str, date], str] = field(default_factory=dict)
    """The first meeting record of each kind and day, for findings about that meeting."""
    collective_ok: frozenset[str] = frozenset()
    min_collective: int = 3

    def person_talks(self, pid: str) -> _Timeline:
        """Every usable talk of ``pid``, by date (built on first use: most people are never
        asked about, and a million talks need not be sorted into a hundred thousand lists)."""
        timeline = self.timelines.get(pid)
        if timeline is None:
            who = self.who.get(pid)
            if who is None:
                return _EMPTY
            timeline = self.timelines[pid] = _Timeline(who.talks)
        return timeline

    def pair_talks(self, a: str, b: str) -> _Timeline:
        """One-to-one talks between ``a`` and ``b``, by date.

        Indexed per person on first use, from the side with fewer talks: only the people
        obligations name between two people (leaders, heads, subjects of events) are indexed.
        """
        index = self.pair_index.get(a)
        other = b
        if index is None:
            index = self.pair_index.get(b)
            other = a
            if index is None:
                if self._count(a) <= self._count(b):
                    index, other = self._index_pairs(a), b
                else:
                    index, other = self._index_pairs(b), a
        return index.get(other, _EMPTY)

    def _count(self, pid: str) -> int:
        who = self.who.get(pid)
        return len(who.talks) if who is not None else 0

    def _index_pairs(self, pid: str) -> dict[str, _Timeline]:
        found: dict[str, list[_Talk]] = defaultdict(list)
        for talk in self.person_talks(pid).talks:
            if not talk.collective:
                x, y = talk.a, talk.b
                found[y.id if x.id == pid else x.id].append(talk)
        index: dict[str, _Timeline] = {}
        for other, talks in found.items():
            timeline = _Timeline.__new__(_Timeline)  # already in (date, id) order
            timeline.talks = talks
            timeline.dates = [t.date for t in talks]
            index[other] = timeline
        self.pair_index[pid] = index
        return index

    def name(self, pid: str) -> str:
        person = self.org.people.get(pid)
        return f"{person.name}({pid})" if person and person.name else pid

    def finding(
        self,
        code: str,
        severity: Literal["error", "warning", "info"],
        kind: RecordKind | None,
        record: str | None,
        zh: str,
        en: str,
        rule: Rule | None = None,
    ) -> None:
        where = self.lines.get((kind or "", record or "")) if kind and record else None
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                record_kind=kind,
                record=record,
                file=where[0] if where else None,
                line=where[1] if where else None,
                rule=rule.id if rule else None,
                clause=rule.clause if rule else None,
                message=Label(zh=zh, en=en),
            )
        )


def evaluate(
    policy: Policy,
    roster: Roster,
    history: History,
    period: tuple[date, date],
    as_of: date,
    holidays: HolidayCalendar | None = None,
    *,
    findings: Iterable[Finding] = (),
    lines: Mapping[tuple[str, str], tuple[str, int]] | None = None,
) -> Report:
    """Evaluate ``policy`` for ``roster`` and ``history`` over ``period`` (inclusive) as of a date.

    ``holidays`` decides working days; without it, Monday to Friday are working days and a
    finding says so. ``findings`` are carried into the report (e.g. records a reader could not
    use); ``lines`` maps ``(record kind, id)`` to ``(file, line)`` so findings can point at
    the record. Raises :class:`InputError` only for an unusable period.

    Python's cyclic garbage collector is paused while evaluating (and restored after): the
    engine allocates many small objects and frees them by reference counting, and with a large
    roster and history in memory every collection would walk all of it again, for nothing.
    """
    with gc_paused():
        return _evaluate(policy, roster, history, period, as_of, holidays, findings, lines)


def _evaluate(
    policy: Policy,
    roster: Roster,
    history: History,
    period: tuple[date, date],
    as_of: date,
    holidays: HolidayCalendar | None,
    findings: Iterable[Finding],
    lines: Mapping[tuple[str, str], tuple[str, int]] | None,
) -> Report:
    start, end = period
    if end < start:
        raise InputError(
            [
                Problem(
                    f"the period ends ({end}) before it starts ({start})",
                    file="<period>",
                    code="period",
                )
            ]
        )
    state = _State(
        policy=policy,
        org=Org(policy, ()),
        start=start,
        end=end,
        as_of=as_of,
        holidays=holidays or HolidayCalendar.weekends_only(),
        lines=lines if lines is not None else {},
    )
    state.findings.extend(findings)
    if holidays is None:
        state.finding(
            "no-holiday-calendar",
            "info",
            None,
            None,
            "未提供節假日日曆：以週一至週五為工作日。",
            "No holiday calendar was supplied: Monday to Friday are taken as working "
            "days, and no slot is moved for a holiday.",
        )
    people = _people(state, roster)
    state.org = Org(policy, people)
    manner = next((r for r in policy.rules if isinstance(r, MannerRule)), None)
    if manner is not None:
        state.collective_ok = frozenset(manner.collective.may_satisfy)
        state.min_collective = manner.collective.min_participants
    talks = _talks(state, history.talks, manner, {e.id for e in history.events})
    _reply_request_ids(state)
    events = _events(state, history.events)
    meetings = _meetings(state, history)
    for rule in policy.rules:
        try:
            _evaluate_rule(state, rule, events, meetings)
        except CalendarError as exc:
            state.finding(
                "calendar-gap",
                "error",
                "holiday",
                state.holidays.name or None,
                f"日曆無法回答：{exc}",
                f"The holiday calendar cannot answer: {exc}",
                rule,
            )
    _scope_findings(state, talks)
    _responsibility_gaps(state)
    _talk_leftovers(state, talks)
    report = _report(state, history, talks)
    # A person's talks point back at the person (_Who.talks ↔ _Talk.a, b): a cycle through
    # every talk. Broken here, reference counting frees the engine's working state now
    # instead of leaving it (hundreds of megabytes for a million talks) to a later full
    # collection of the cyclic GC.
    for who in state.who.values():
        who.talks = []
    return report


# --------------------------------------------------------------------------- records


def _duplicates(ids: Sequence[str]) -> set[str]:
    seen: set[str] = set()
    dup: set[str] = set()
    for rid in ids:
        if rid in seen:
            dup.add(rid)
        seen.add(rid)
    return dup


def _people(state: _State, roster: Roster) -> list[Person]:
    dup = _duplicates([p.id for p in roster.people])
    out: list[Person] = []
    by_id: dict[str, list[Person]] = defaultdict(list)
    for person in roster.people:
        by_id[person.id].append(person)
    role_ids = {r.id for r in state.policy.roles}
    units = {u.id for u in roster.units}
    branches = {b.id for b in roster.branches}
    for pid in sorted(by_id):
        copies = by_id[pid]
        if pid in dup and any(c != copies[0] for c in copies):
            state.finding(
                "duplicate-id",
                "error",
                "person",
                pid,
                f"人員編號 {pid} 重複且內容不同，均未使用。",
                f"Person id {pid} appears {len(copies)} times with different "
                "contents; none of them is used.",
            )
            continue
        if pid in dup:
            state.finding(
                "duplicate-record",
                "info",
                "person",
                pid,
                f"人員 {pid} 重複出現 {len(copies)} 次，內容相同，按一人計。",
                f"Person {pid} is listed {len(copies)} times with identical contents; "
                "counted once.",
            )
        person = copies[0]
        for holding in person.roles:
            if holding.role not in role_ids:
                state.finding(
                    "unknown-role",
                    "warning",
                    "person",
                    pid,
                    f"職務 {holding.role!r} 不在制度的職務表中，已忽略。",
                    f"Role {holding.role!r} is not in the policy's role vocabulary; "
                    "the holding is ignored.",
                )
        if units and person.unit is not None and person.unit not in units:
            state.finding(
                "unknown-unit",
                "warning",
                "person",
                pid,
                f"科室 {person.unit!r} 不在名冊的科室表中。",
                f"Unit {person.unit!r} is not among the roster's units.",
            )
        for unit in person.oversees:
            if units and unit not in units:
                state.finding(
                    "unknown-unit",
                    "warning",
                    "person",
                    pid,
                    f"分管的科室 {unit!r} 不在名冊的科室表中。",
                    f"Overseen unit {unit!r} is not among the roster's units.",
                )
        if branches and person.branch is not None and person.branch not in branches:
            state.finding(
                "unknown-branch",
                "warning",
                "person",
                pid,
                f"支部 {person.branch!r} 不在名冊的支部表中。",
                f"Branch {person.branch!r} is not among the roster's branches.",
            )
        if person.hired is not None and person.left is not None and person.left < person.hired:
            state.finding(
                "left-before-hired",
                "warning",
                "person",
                pid,
                f"{state.name(pid)} 的離職日期 {person.left} 早於入職日期 {person.hired}，"
                "其任何一天都不在本單位。",
                f"{state.name(pid)} left ({person.left}) before being hired ({person.hired}): "
                "on no day in the organisation, so they owe and are owed nothing.",
            )
        out.append(person)
    return out


def _talks(
    state: _State, records: Sequence[Talk], manner: MannerRule | None, event_ids: set[str]
) -> list[_Talk]:
    # Ids in order without a dictionary of a million fresh strings: sort the positions by id
    # (stable, so the first copy of a repeated id comes first; linear on sorted input).
    ids = state.talk_ids = [t.id for t in records]
    if all(map(operator.le, ids, itertools.islice(ids, 1, None))):
        order: Sequence[int] = range(len(ids))  # already in id order, as exports usually are
    else:
        order = sorted(range(len(ids)), key=ids.__getitem__)
    usable: list[_Talk] = []
    topics = {t.id for t in state.policy.topics}
    standing_of = state.org.standing
    as_of, start, end = state.as_of, state.start, state.end
    plan = _ScopePlan(
        state.policy.scopes,
        {sid for r in state.policy.rules if isinstance(r, TopicsRule) for sid in r.scopes},
    )
    whos, canon = state.who, state.canon

    def meet(pid: str) -> _Who | None:
        standing = standing_of(pid)
        if standing is None:
            return None
        found = whos[pid] = _Who(standing, start, end, canon)
        return found

    count = len(order)
    k = 0
    while k < count:
        index = order[k]
        tid = ids[index]
        talk = records[index]
        k += 1
        if k < count and ids[order[k]] == tid:
            copies = [index]
            while k < count and ids[order[k]] == tid:
                copies.append(order[k])
                k += 1
            if any(records[c] != talk for c in copies):
                state.finding(
                    "duplicate-id",
                    "error",
                    "talk",
                    tid,
                    f"談話記錄編號 {tid} 重複且內容不同，均未使用。",
                    f"Talk id {tid} appears {len(copies)} times with different "
                    "contents; none of them is used.",
                )
                continue
            state.finding(
                "duplicate-record",
                "info",
                "talk",
                tid,
                f"談話記錄 {tid} 重複 {len(copies)} 次，內容相同，按一次計。",
                f"Talk {tid} is listed {len(copies)} times with identical contents; counted once.",
            )
        participants = talk.participants
        if len(participants) == 2 and talk.mode == "individual":
            # The fast lane: the shape of nearly every talk — two people on the roster, both
            # in the organisation that day, one-to-one, not after as-of, nothing to find. Any
            # other talk, or any doubt, takes the full path below, which gives every finding.
            x, y = participants
            wx = whos.get(x) or meet(x)
            wy = whos.get(y) or meet(y)
            day = talk.date
            initiator = talk.initiator
            within = start <= day <= end
            if (
                wx is not None
                and wy is not None
                and x != y
                and day <= as_of
                and not talk.reply_requests
                and (initiator is None or initiator in participants)
                and (talk.answers_event is None or talk.answers_event in event_ids)
                and topics.issuperset(talk.topics)
                and (wx.active if within and wx.active is not None else wx.active_on(day, False))
                and (wy.active if within and wy.active is not None else wy.active_on(day, False))
            ):
                if x < y:
                    hit, covered = plan.pair(wx, wy, day, within)
                    entry = _Talk(talk, wx, wy, (), False, hit, covered)
                else:
                    hit, covered = plan.pair(wy, wx, day, within)
                    entry = _Talk(talk, wy, wx, (), False, hit, covered)
                usable.append(entry)
                wx.talks.append(entry)
                wy.talks.append(entry)
                continue
        # From here on a participant is a _Who, found once per talk.
        who: tuple[_Who, ...] | None = None
        if len(participants) == 2:
            x, y = participants
            wx, wy = whos.get(x) or meet(x), whos.get(y) or meet(y)
            if wx is not None and wy is not None and x != y:
                who = (wx, wy) if x < y else (wy, wx)
        if who is None:
            distinct = sorted(set(participants))
            unknown = [p for p in distinct if (whos.get(p) or meet(p)) is None]
            if unknown:
                state.finding(
                    "unknown-person",
                    "error",
                    "talk",
                    tid,
                    f"談話記錄 {tid} 的參加人 {', '.join(unknown)} 不在名冊中，記錄未使用。",
                    f"Talk {tid} names {', '.join(unknown)}, not on the roster; the "
                    "record is not used.",
                )
                continue
            who = tuple(whos[p] for p in distinct)
        day = talk.date
        if len(who) == 2:
            w0, w1 = who
            people: tuple[str, ...] = (w0.id, w1.id)
            if w0.active and w1.active and start <= day <= end:
                away: list[str] = []
            else:
                away = [w.id for w in who if not w.standing.active[w.standing.at(day)]]
        else:
            people = tuple(w.id for w in who)
            away = [w.id for w in who if not w.standing.active[w.standing.at(day)]]
        if away:
            state.finding(
                "inactive-participant",
                "warning",
                "talk",
                tid,
                f"談話記錄 {tid}（{talk.date}）的參加人 {', '.join(away)} "
                "當日不在本單位（未入職或已離開）。",
                f"Talk {tid} ({talk.date}) names {', '.join(away)}, who was not in the "
                "organisation that day (not yet hired, or already left).",
            )
        if len(people) < len(talk.participants):
            state.finding(
                "repeated-participant",
                "warning",
                "talk",
                tid,
                f"談話記錄 {tid} 重複列出同一參加人。",
                f"Talk {tid} lists a participant more than once.",
            )
        if len(people) < 2:
            state.finding(
                "too-few-participants",
                "error",
                "talk",
                tid,
                f"談話記錄 {tid} 只有一名參加人，記錄未使用。",
                f"Talk {tid} has a single participant; the record is not used.",
            )
            continue
        collective = talk.mode == "collective"
        if talk.mode == "individual" and len(people) > 2:
            collective = True
            state.finding(
                "mode-mismatch",
                "warning",
                "talk",
                tid,
                f"談話記錄 {tid} 標為個別談，但有 {len(people)} 名參加人，按集體談處理。",
                f"Talk {tid} is marked one-to-one but has {len(people)} participants; "
                "it is treated as collective.",
            )
        elif collective and len(people) < state.min_collective:
            collective = len(people) > 2
            state.finding(
                "mode-mismatch",
                "warning",
                "talk",
                tid,
                f"談話記錄 {tid} 標為集體談，但只有 {len(people)} 名參加人。",
                f"Talk {tid} is marked collective but has only {len(people)} "
                f"participants (collective means {state.min_collective} or more)"
                + ("; it is treated as one-to-one." if not collective else "."),
            )
        if (
            collective
            and manner is not None
            and manner.collective.requires_reason
            and not (talk.reason and talk.reason.strip())
        ):
            state.finding(
                "collective-without-reason",
                "warning",
                "talk",
                tid,
                f"集體談話 {tid} 未記錄特殊情況（4.1）。",
                f"Collective talk {tid} records no special circumstance justifying it.",
                manner,
            )
        if day > as_of:
            state.finding(
                "future-talk",
                "warning",
                "talk",
                tid,
                f"談話記錄 {tid} 的日期 {talk.date} 晚於評估日 {state.as_of}，未計入。",
                f"Talk {tid} is dated {talk.date}, after the as-of date {state.as_of}; "
                "it is not counted.",
            )
            continue
        # (``participants`` holds the same ids as ``people``, and its strings sit with the
        # record, where the roster's copies in ``people`` are elsewhere in memory)
        if talk.initiator is not None and talk.initiator not in participants:
            state.finding(
                "initiator-not-participant",
                "warning",
                "talk",
                tid,
                f"談話記錄 {tid} 的發起人不在參加人中。",
                f"Talk {tid} names an initiator who is not a participant.",
            )
        for topic in talk.topics:
            if topic not in topics:
                state.finding(
                    "unknown-topic",
                    "info",
                    "talk",
                    tid,
                    f"談話記錄 {tid} 的話題 {topic!r} 不在制度的話題表中。",
                    f"Talk {tid} lists topic {topic!r}, not in the policy's topics.",
                )
        for request in talk.reply_requests:
            if request.requested_by not in participants:
                state.finding(
                    "requester-not-participant",
                    "warning",
                    "reply_request",
                    request.id,
                    f"書面回覆請求 {request.id} 的請求人不是談話參加人。",
                    f"Reply request {request.id} was made by someone who is not a "
                    f"participant of talk {tid}.",
                )
        if talk.answers_event is not None and talk.answers_event not in event_ids:
            state.finding(
                "unknown-event",
                "warning",
                "talk",
                tid,
                f"談話記錄 {tid} 所回應的事件 {talk.answers_event} 不存在。",
                f"Talk {tid} answers event {talk.answers_event}, which is not in the history.",
            )
        within = start <= day <= end
        if len(who) == 2:
            hit, covered = plan.pair(who[0], who[1], day, within)
        else:
            hit, covered = plan.group(who, day, within)
        entry = _Talk(talk, who[0], who[1], who[2:], collective, hit, covered)
        usable.append(entry)
        for w in who:
            w.talks.append(entry)
        if talk.reply_requests:
            state.with_requests.append(entry)
    state.talks = usable
    return usable


def _reply_request_ids(state: _State) -> None:
    """Reply requests sharing an id: as for other records, copies identical and in one talk
    are one request; otherwise none of them is used (``duplicate-id``), so that no obligation
    id (``rule:request``) is ever given twice."""
    copies: dict[str, list[tuple[str, ReplyRequest]]] = defaultdict(list)
    for entry in state.with_requests:
        for request in entry.talk.reply_requests:
            copies[request.id].append((entry.talk.id, request))
    for rid, found in sorted(copies.items()):
        if len(found) == 1:
            continue
        if all(c == found[0] for c in found):
            state.finding(
                "duplicate-record",
                "info",
                "reply_request",
                rid,
                f"書面回覆請求 {rid} 重複 {len(found)} 次，內容相同，按一次計。",
                f"Reply request {rid} is listed {len(found)} times with identical contents; "
                "counted once.",
            )
            state.once_requests.add(rid)
            continue
        talks = sorted({t for t, _ in found})
        state.bad_requests.add(rid)
        state.finding(
            "duplicate-id",
            "error",
            "reply_request",
            rid,
            f"書面回覆請求編號 {rid} 重複（談話 {', '.join(talks)}）且內容不同，均未使用。",
            f"Reply request id {rid} appears {len(found)} times (talks {', '.join(talks)}) "
            "with different contents; none of them is used.",
        )


def _events(state: _State, records: Sequence[Event]) -> list[Event]:
    kinds = {k.id for k in state.policy.event_kinds}
    dup = _duplicates([e.id for e in records])
    by_id: dict[str, list[Event]] = defaultdict(list)
    for event in records:
        by_id[event.id].append(event)
    out: list[Event] = []
    for eid in sorted(by_id):
        copies = by_id[eid]
        event = copies[0]
        if eid in dup and any(c != event for c in copies):
            state.finding(
                "duplicate-id",
                "error",
                "event",
                eid,
                f"事件編號 {eid} 重複且內容不同，均未使用。",
                f"Event id {eid} appears {len(copies)} times with different contents; "
                "none of them is used.",
            )
            continue
        if event.kind not in kinds:
            state.finding(
                "unknown-event-kind",
                "error",
                "event",
                eid,
                f"事件 {eid} 的類型 {event.kind!r} 不在制度的事件表中。",
                f"Event {eid} has kind {event.kind!r}, which the policy does not know.",
            )
            continue
        if event.person not in state.org.people:
            state.finding(
                "unknown-person",
                "error",
                "event",
                eid,
                f"事件 {eid} 的當事人 {event.person} 不在名冊中。",
                f"Event {eid} is about {event.person}, who is not on the roster.",
            )
            continue
        if event.counterpart is not None and event.counterpart not in state.org.people:
            state.finding(
                "unknown-person",
                "warning",
                "event",
                eid,
                f"事件 {eid} 所找的領導 {event.counterpart} 不在名冊中。",
                f"Event {eid} names {event.counterpart}, who is not on the roster; "
                "the rule's fallback applies.",
            )
        out.append(event)
    return out


_Held = tuple[str | None, str | None]
"""Whose a meeting is: (organisation, branch); None on a side: everyone's."""
_EVERYONE: _Held = (None, None)


def _meetings(state: _State, history: History) -> dict[str, dict[date, set[_Held]]]:
    """Meetings by kind and day, each day with whose meetings were held on it.

    Two records of one kind, day, organisation and branch are one meeting; a day with a
    meeting for everyone needs no other.
    """
    kinds = {k.id for k in state.policy.meeting_kinds}
    out: dict[str, dict[date, set[_Held]]] = defaultdict(dict)
    for i, meeting in enumerate(history.meetings):
        rid = meeting.id or f"#{i + 1}"
        if meeting.kind not in kinds:
            state.finding(
                "unknown-meeting-kind",
                "warning",
                "meeting",
                rid,
                f"會議類型 {meeting.kind!r} 不在制度的會議表中。",
                f"Meeting kind {meeting.kind!r} is not in the policy's vocabulary.",
            )
            continue
        state.meeting_ids.setdefault((meeting.kind, meeting.date), rid)
        held = out[meeting.kind].setdefault(meeting.date, set())
        held.add((meeting.organisation, meeting.branch))
    for days in out.values():
        for held in days.values():
            if _EVERYONE in held:
                held.intersection_update({_EVERYONE})
    return {k: dict(sorted(v.items())) for k, v in out.items()}


def _concerns(held: set[_Held], a: Person, b: Person) -> bool:
    """Whether one of the meetings of a day is both people's (their organisation, branch)."""
    for organisation, branch in held:
        if organisation is not None and not (a.organisation == b.organisation == organisation):
            continue
        if branch is not None and not (a.branch == b.branch == branch):
            continue
        return True
    return False


# --------------------------------------------------------------------------- deciding


def _counts(state: _State, rule: Rule, talk: _Talk) -> bool:
    return not talk.collective or rule.id in state.collective_ok


def _pair_talks(state: _State, rule: Rule, a: str, b: str, lo: date, hi: date) -> list[_Talk]:
    out = state.pair_talks(a, b).between(lo, hi)
    if rule.id in state.collective_ok:
        out += [t for t in state.person_talks(a).between(lo, hi) if t.collective and b in t.people]
        out.sort(key=_by_date_id)
    return out


def _status(state: _State, have: int, need: int, due: date) -> Status:
    if have >= need:
        return "met"
    return "pending" if state.as_of <= due else "overdue"


_UNITS: dict[str, tuple[str, str, str]] = {
    "follow_up": ("回覆", "份", "written reply"),
    "coverage": ("人", "人", "person"),
}


def _explain(
    state: _State,
    rule: Rule,
    status: Status,
    what_zh: str,
    what_en: str,
    window: Window,
    have: int,
    need: int,
    used: Sequence[str],
    nxt: date | None,
    late: date | None = None,
) -> Label:
    """Why the obligation has its status, in Chinese and English, citing rule and clause."""
    noun_zh, counter, noun_en = _UNITS.get(rule.kind, ("談", "次", "talk"))
    plural = "" if need == 1 else "s"
    head = f"{rule.clause} {rule.label.zh}"
    head_en = f"{rule.clause} {rule.label.en}"
    span = f"{window.start}–{window.due}" if window.start != window.due else f"{window.start}"
    ids = f"（{', '.join(used)}）" if used else ""
    ids_en = f" ({', '.join(used)})" if used else ""
    if status == "met":
        return Label(
            zh=f"已完成：{what_zh}，{span} 內已{noun_zh} {have} {counter}{ids}。〔{head}〕",
            en=f"Met: {what_en}: {have} {noun_en}(s) in {span}{ids_en}. [{head_en}]",
        )
    if status == "pending":
        when = f"；可於 {nxt} 進行" if nxt else ""
        when_en = f"; next opportunity: {nxt}" if nxt else ""
        return Label(
            zh=f"待完成：{what_zh}，須於 {window.due} 前{noun_zh} {need} {counter}，"
            f"現有 {have} {counter}{when}。〔{head}〕",
            en=f"Pending: {what_en}: {need} {noun_en}{plural} needed by {window.due}, {have} so "
            f"far{when_en}. [{head_en}]",
        )
    if late is not None:
        return Label(
            zh=f"已逾期：{what_zh}，應於 {span} 內{noun_zh}；已於期限後完成，無須補做。〔{head}〕",
            en=f"Overdue: {what_en}: due in {span}; done after the window closed on "
            f"{window.due}, so nothing is left to do. [{head_en}]",
        )
    return Label(
        zh=f"已逾期：{what_zh}，應於 {span} 內{noun_zh} {need} {counter}，只有 {have} {counter}"
        f"{ids}；期限已過，應盡快補做。〔{head}〕",
        en=f"Overdue: {what_en}: {need} {noun_en}{plural} due in {span}, {have} on time"
        f"{ids_en}; the window closed on {window.due}. [{head_en}]",
    )


def _add(
    state: _State,
    rule: Rule,
    key: str,
    parties: Sequence[str],
    responsible: Sequence[str],
    lo: date,
    hi: date,
    talks: Sequence[_Talk],
    need: int,
    what_zh: str,
    what_en: str,
    *,
    nxt: date | None = None,
    distinct: int | None = None,
    outstanding: Sequence[str] = (),
    extra_used: Sequence[str] = (),
    status: Status | None = None,
    late: date | None = None,
) -> None:
    """Decide and record one obligation; ``late``: the day it was done after its window
    (overdue, yet nothing is left to do: :attr:`Obligation.done_late`)."""
    have = distinct if distinct is not None else len(talks)
    due = hi
    final = status or _status(state, have, need, due)
    used = sorted({t.talk.id for t in talks} | set(extra_used))
    state.used_talks.update(talks)
    window = Window(start=lo, due=hi)
    if final == "pending" and nxt is None:
        nxt = max(lo, state.as_of)
    state.obligations.append(
        Obligation(
            id=f"{rule.id}:{key}",
            rule=rule.id,
            clause=rule.clause,
            level=rule.level,
            kind=rule.kind,
            parties=sorted(parties),
            responsible=sorted(set(responsible)),
            window=window,
            required=need,
            status=final,
            satisfied_by=used,
            next_opportunity=nxt if final == "pending" else None,
            outstanding=sorted(outstanding),
            done_late=late if final == "overdue" else None,
            explanation=_explain(
                state,
                rule,
                final,
                what_zh,
                what_en,
                window,
                have,
                need,
                used,
                nxt if final == "pending" else None,
                late,
            ),
        )
    )


def _evaluate_rule(
    state: _State,
    rule: Rule,
    events: Sequence[Event],
    meetings: dict[str, dict[date, set[_Held]]],
) -> None:
    if isinstance(rule, FrequencyRule):
        _frequency(state, rule)
    elif isinstance(rule, CoverageRule):
        _coverage(state, rule)
    elif isinstance(rule, WindowRule):
        _window(state, rule, meetings)
    elif isinstance(rule, SlotRule):
        _slot(state, rule)
    elif isinstance(rule, AnchorRule):
        _anchor(state, rule)
    elif isinstance(rule, TriggerRule):
        _trigger(state, rule, events)
    elif isinstance(rule, FollowUpRule):
        _follow_up(state, rule)
    # manner and topics rules produce findings only (see _talks and _scope_findings)


def _scope(state: _State, scope_id: str) -> Scope:
    return next(s for s in state.policy.scopes if s.id == scope_id)


def _scope_pairs(
    state: _State, scope: Scope, lo: date, hi: date
) -> dict[tuple[str, str], tuple[list[Interval], set[str]]]:
    """Pairs of the scope qualifying on some day of lo…hi: days, and who is in the first group."""
    first, second = scope.between
    org = state.org
    out: dict[tuple[str, str], tuple[list[Interval], set[str]]] = {}
    clip: list[Interval] = [(lo, hi)]
    for a in org.members(first):
        if not intersect(org.group_intervals(first, a), clip):
            continue
        for b in org.targets(scope.relation, a, second):
            days = intersect(org.pair_days(first, second, scope.relation, a, b), clip)
            if not days:
                continue
            key = (a, b) if scope.directed or a < b else (b, a)
            if key in out:
                merged, firsts = out[key]
                out[key] = (_union(merged, days), firsts | {a})
            else:
                out[key] = (days, {a})
    return out


def _union(a: list[Interval], b: list[Interval]) -> list[Interval]:
    return merge([*a, *b])


def _sides(rule: FrequencyRule | WindowRule, key: tuple[str, str], firsts: set[str]) -> list[str]:
    if rule.responsible == "both":
        return list(key)
    if rule.responsible == "first":
        return sorted(firsts)
    return sorted(set(key) - firsts) or list(key)


def _frequency(state: _State, rule: FrequencyRule) -> None:
    scope = _scope(state, rule.scope)
    if isinstance(rule.period, RollingPeriod):
        _rolling(state, rule, scope, rule.period.days)
        return
    for span in period_spans(rule.period, state.start, state.end):
        for key, (days, firsts) in sorted(_scope_pairs(state, scope, span.start, span.end).items()):
            window = _membership_window(rule.membership, days, span.start, span.end)
            if window is None:
                continue
            lo, hi = window
            talks = _pair_talks(state, rule, key[0], key[1], lo, hi)
            if len(days) > 1:  # between two spells the pair does not qualify: no talk counts
                talks = [t for t in talks if _on_days(t.date, days)]
            a, b = key
            _add(
                state,
                rule,
                f"{span.id}:{a}+{b}",
                key,
                _sides(rule, key, firsts),
                lo,
                hi,
                talks,
                rule.at_least,
                f"{state.name(a)} 與 {state.name(b)}（{span.id}）",
                f"{state.name(a)} with {state.name(b)} ({span.id})",
            )


def _on_days(day: date, days: list[Interval]) -> bool:
    """Whether ``day`` lies in one of the sorted, disjoint intervals ``days``."""
    i = bisect.bisect_right(days, (day, MAX_DATE)) - 1
    return i >= 0 and days[i][0] <= day <= days[i][1]


def _membership_window(
    membership: str, days: list[Interval], start: date, end: date
) -> tuple[date, date] | None:
    if membership == "any_overlap":
        return days[0][0], days[-1][1]
    if membership == "whole_period":
        return (start, end) if days == [(start, end)] else None
    return (start, end) if days[-1][1] == end else None


def _rolling(state: _State, rule: FrequencyRule, scope: Scope, length: int) -> None:
    """Chains of rolling windows per pair (docs/evaluation.md): none starts after as-of."""
    for key, (days, firsts) in sorted(_scope_pairs(state, scope, state.start, MAX_DATE).items()):
        a, b = key
        for lo_q, hi_q in days:
            begin = lo_q
            while begin <= hi_q and begin <= state.end and begin <= state.as_of:
                hi = min(_plus(begin, length - 1), hi_q)
                talks = _pair_talks(state, rule, a, b, begin, hi)
                _add(
                    state,
                    rule,
                    f"{begin.isoformat()}:{a}+{b}",
                    key,
                    _sides(rule, key, firsts),
                    begin,
                    hi,
                    talks,
                    rule.at_least,
                    f"{state.name(a)} 與 {state.name(b)}（{length} 天內）",
                    f"{state.name(a)} with {state.name(b)} (within {length} days)",
                )
                if len(talks) >= rule.at_least:
                    nxt = _plus(talks[0].talk.date, 1)
                elif hi >= state.as_of:
                    break
                else:
                    nxt = _plus(hi, 1)
                if nxt <= begin:  # the end of the calendar: no later window exists
                    break
                begin = nxt


def _plus(day: date, days: int) -> date:
    """``day`` plus ``days``, stopping at the last representable date."""
    return day + timedelta(days=days) if (MAX_DATE - day).days >= days else MAX_DATE


def _coverage(state: _State, rule: CoverageRule) -> None:
    org = state.org
    for span in period_spans(rule.period, state.start, state.end):
        clip: list[Interval] = [(span.start, span.end)]
        if rule.at_least_distinct is not None:
            for talker in org.members(rule.talkers):
                days = intersect(org.group_intervals(rule.talkers, talker), clip)
                if not days:
                    continue
                window = _membership_window(rule.membership, days, span.start, span.end)
                if window is None:
                    continue
                lo, hi = window
                met: dict[str, list[_Talk]] = {}
                for talk in state.person_talks(talker).between(lo, hi):
                    if not _counts(state, rule, talk):
                        continue
                    for other in talk.people:
                        if other != talker and _counterpart(
                            state, rule, talker, other, talk.talk.date
                        ):
                            met.setdefault(other, []).append(talk)
                firsts = [ts[0] for _, ts in sorted(met.items())]
                _add(
                    state,
                    rule,
                    f"{span.id}:{talker}",
                    [talker],
                    [talker],
                    lo,
                    hi,
                    firsts,
                    rule.at_least_distinct,
                    f"{state.name(talker)} 與不同人員談心（{span.id}）",
                    f"{state.name(talker)} talks with distinct people ({span.id})",
                    distinct=len(met),
                )
            continue
        targets = [
            c
            for c in org.members(rule.counterparts)
            if intersect(org.group_intervals(rule.counterparts, c), clip)
        ]
        if not targets:
            continue
        assert rule.share is not None
        need = math.ceil(rule.share * len(targets) - 1e-9)
        covered: dict[str, _Talk] = {}
        for target in targets:
            for talk in state.person_talks(target).between(span.start, span.end):
                if not _counts(state, rule, talk):
                    continue
                if not org.in_group(rule.counterparts, target, talk.talk.date):
                    continue
                if any(
                    other != target and _counterpart(state, rule, other, target, talk.talk.date)
                    for other in talk.people
                ):
                    covered[target] = talk
                    break
        talkers = org.members(rule.talkers)
        _add(
            state,
            rule,
            f"{span.id}",
            [],
            [t for t in talkers if intersect(org.group_intervals(rule.talkers, t), clip)],
            span.start,
            span.end,
            list(covered.values()),
            need,
            f"{len(targets)} 人中至少 {need} 人被談心（{span.id}）",
            f"at least {need} of {len(targets)} people talked with ({span.id})",
            distinct=len(covered),
            outstanding=[t for t in targets if t not in covered],
        )


def _counterpart(state: _State, rule: CoverageRule, talker: str, other: str, day: date) -> bool:
    org = state.org
    return (
        org.in_group(rule.talkers, talker, day)
        and org.in_group(rule.counterparts, other, day)
        and org.related(rule.relation, talker, other, day)
    )


def _window(state: _State, rule: WindowRule, meetings: dict[str, dict[date, set[_Held]]]) -> None:
    scope = _scope(state, rule.scope)
    dates = meetings.get(rule.meeting, {})
    relevant = []
    gapped = False
    for day, held in dates.items():
        try:
            lo, hi = meeting_window(rule, day, state.holidays)
        except CalendarError as exc:
            gapped = gapped or state.start <= day <= state.end  # a meeting of the period
            # that meeting only, the rule's others go on (as for an event's deadline)
            state.finding(
                "calendar-gap",
                "error",
                "meeting",
                state.meeting_ids[rule.meeting, day],
                f"{day} 會議的談話窗口無法計算，未能評估：{exc}",
                f"The window of the meeting of {day} cannot be computed, so it was not "
                f"evaluated: {exc}",
                rule,
            )
            continue
        if hi >= state.start and lo <= state.end:
            relevant.append((day, held, lo, hi))
    if not relevant and not gapped:
        kind = next(k for k in state.policy.meeting_kinds if k.id == rule.meeting)
        state.finding(
            "no-meeting",
            "info",
            None,
            None,
            f"評估期內沒有{kind.label.zh}，規則 {rule.id} 不產生義務。",
            f"No {kind.label.en} falls in the period, so rule {rule.id} derives no obligations.",
            rule,
        )
        return
    people = state.org.people
    when_zh, when_en = _around(rule)
    for day, held, lo, hi in relevant:
        for key, (_, firsts) in sorted(_scope_pairs(state, scope, day, day).items()):
            a, b = key
            if held != {_EVERYONE} and not _concerns(held, people[a], people[b]):
                continue
            talks = _pair_talks(state, rule, a, b, lo, hi)
            _add(
                state,
                rule,
                f"{day.isoformat()}:{a}+{b}",
                key,
                _sides(rule, key, firsts),
                lo,
                hi,
                talks,
                rule.at_least,
                f"{state.name(a)} 與 {state.name(b)}（{day} {when_zh}）",
                f"{state.name(a)} with {state.name(b)} ({when_en} the meeting of {day})",
            )


def _around(rule: WindowRule) -> tuple[str, str]:
    """Where a window rule's window lies around its meeting, for the explanations."""
    if rule.opens_before and rule.days_after:
        return "會前後", "around"
    if rule.days_after:
        return ("會上及會後", "on and after") if rule.include_meeting_day else ("會後", "after")
    if rule.opens_before:
        return ("會前及會上", "before and on") if rule.include_meeting_day else ("會前", "before")
    return "會上", "on the day of"


def _can_meet(state: _State, rule: SlotRule, talker: str, day: date) -> bool:
    """Whether anyone in the counterparts group, related as the rule says, exists on ``day``.

    A talker with no possible counterpart owes nothing at that slot (a branch secretary whose
    branch has no rank and file, say): an obligation no talk could meet is not one.
    """
    org = state.org
    pool = org.target_pool(rule.relation, talker, rule.counterparts)
    return any(
        other != talker
        and org.in_group(rule.counterparts, other, day)
        and org.related(rule.relation, talker, other, day)
        for other in pool
    )


def _slot(state: _State, rule: SlotRule) -> None:
    org = state.org
    bounds = slot_times(state.policy, rule)
    gaps: list[tuple[date, str]] = []
    found = slots(state.policy, rule, state.start, state.end, state.holidays, gaps=gaps)
    if gaps:
        # those slots only: the rule's others, which the calendar can place, go on
        days = ", ".join(str(day) for day, _ in gaps)
        state.finding(
            "calendar-gap",
            "error",
            "holiday",
            state.holidays.name or None,
            f"規則 {rule.id} 於 {days} 的固定時間無法安排，未能評估：{gaps[0][1]}",
            f"The slots of rule {rule.id} due on {days} cannot be placed, so they were not "
            f"evaluated: {gaps[0][1]}",
            rule,
        )
    for slot in found:
        day = slot.day
        talkers = [t for t in org.members_on(rule.talkers, day) if _can_meet(state, rule, t, day)]
        held: dict[str, list[_Talk]] = {}
        for talker in talkers:
            for talk in state.person_talks(talker).between(day, day):
                if not _counts(state, rule, talk):
                    continue
                if talk.talk.time is None:
                    if rule.untimed_talks == "ignore":
                        continue
                elif bounds is not None and not bounds[0] <= talk.talk.time < bounds[1]:
                    continue
                if any(
                    other != talker
                    and org.in_group(rule.counterparts, other, day)
                    and org.related(rule.relation, talker, other, day)
                    for other in talk.people
                ):
                    held.setdefault(talker, []).append(talk)
        moved = f"（原定 {slot.scheduled}）" if slot.moved else ""
        moved_en = f" (moved from {slot.scheduled})" if slot.moved else ""
        if rule.owed_by == "each_talker":
            for talker in talkers:
                _add(
                    state,
                    rule,
                    f"{day.isoformat()}:{talker}",
                    [talker],
                    [talker],
                    day,
                    day,
                    held.get(talker, []),
                    rule.at_least,
                    f"{state.name(talker)} 於 {day}{moved}",
                    f"{state.name(talker)} on {day}{moved_en}",
                    nxt=day,
                )
        else:
            # one obligation per slot and institution: in a bureau's roster, each hospital's
            # leaders hold their own slot, and one hospital's talk discharges no other's
            by_organisation: dict[str | None, list[str]] = defaultdict(list)
            for talker in talkers:
                by_organisation[org.people[talker].organisation].append(talker)
            for organisation, theirs in sorted(by_organisation.items(), key=_organisation_key):
                everyone = sorted(
                    {t.talk.id: t for who in theirs for t in held.get(who, [])}.values(),
                    key=_by_date_id,
                )
                at = f"（{organisation}）" if organisation is not None else ""
                at_en = f" ({organisation})" if organisation is not None else ""
                _add(
                    state,
                    rule,
                    day.isoformat() + (f":{organisation}" if organisation is not None else ""),
                    [],
                    theirs,
                    day,
                    day,
                    everyone,
                    rule.at_least,
                    f"{day}{moved}{at}",
                    f"{day}{moved_en}{at_en}",
                    nxt=day,
                )


def _organisation_key(item: tuple[str | None, list[str]]) -> tuple[bool, str]:
    return item[0] is not None, item[0] or ""


def _talkers(
    state: _State, rule: TriggerRule | AnchorRule, subject: str, day: date, event: Event | None
) -> list[list[str]]:
    """Who owes the talk: sets of people, one obligation each, discharged by any one of a set."""
    org = state.org
    talker = rule.talker
    if isinstance(talker, TalkerByEventCounterpart):
        named = event.counterpart if event is not None else None
        if (
            event is not None
            and named is not None
            and named in org.people
            and _eligible_counterpart(state, rule, talker, event, named, day)
        ):
            return [[named]]
        if talker.otherwise == "nobody":
            return []
        talker = TalkerByResponsibility(by="responsibility")
    if isinstance(talker, TalkerByResponsibility):
        sets: list[list[str]] = []
        anyone: set[str] = set()
        for entry, people in org.answerable(subject, day):
            if entry.mode == "all_of":
                sets.extend([p] for p in people)
            else:
                anyone.update(people)
        if anyone:
            sets.insert(0, sorted(anyone))
        return sets
    people = [
        p
        for p in org.sources(talker.relation, subject, talker.group)
        if org.in_group(talker.group, p, day) and org.related(talker.relation, p, subject, day)
    ]
    if talker.mode == "all_of":
        return [[p] for p in people]
    return [people] if people else []


def _eligible_counterpart(
    state: _State,
    rule: TriggerRule | AnchorRule,
    talker: TalkerByEventCounterpart,
    event: Event,
    named: str,
    day: date,
) -> bool:
    """Whether the person an event names may owe its talk: not the subject themself, in the
    organisation that day, and in the talker's group when it names one (4.6: 「領導」, a leader).

    Otherwise the event gets a ``counterpart-not-eligible`` finding and the rule's fallback
    applies: the request was made, so it is not dropped with the person it named.
    """
    org = state.org
    if named == event.person:
        why_zh, why_en = "即當事人本人", "is the event's own person"
    elif not org.is_active(named, day):
        why_zh, why_en = "當日不在本單位", f"was not in the organisation on {day}"
    elif talker.group is not None and not org.in_group(talker.group, named, day):
        group = next(g for g in state.policy.groups if g.id == talker.group)
        why_zh = f"當日不屬於「{group.label.zh}」"
        why_en = f"is not among {group.label.en} on {day}"
    else:
        return True
    eid = event.id
    fallback_zh, fallback_en = (
        ("按層層負責制由負責其的領導談話", "the responsibility chain applies")
        if talker.otherwise == "responsibility"
        else ("無人須談話", "no one owes the talk")
    )
    state.finding(
        "counterpart-not-eligible",
        "warning",
        "event",
        eid,
        f"事件 {eid} 所找的 {state.name(named)} {why_zh}，{fallback_zh}。",
        f"Event {eid} names {state.name(named)}, who {why_en}; {fallback_en}.",
        rule,
    )
    return False


def _late(
    state: _State,
    rule: TriggerRule | AnchorRule,
    key: str,
    subject: str,
    owers: Sequence[str],
    due: date,
    have: int,
    need: int,
) -> _Talk | None:
    """The talk that made up an obligation after its deadline, if one did by as-of.

    The obligation stays overdue, but is done (:attr:`Obligation.done_late`); the late talks
    get a ``late-talk`` finding, so that they are not taken for talks outside the system.
    """
    if have >= need or due >= state.as_of:
        return None
    after = _owed_talks(state, rule, subject, owers, due + timedelta(days=1), state.as_of)
    if have + len(after) < need:
        return None
    for talk in after[: need - have]:
        state.late_talks.add(talk)
        state.finding(
            "late-talk",
            "info",
            "talk",
            talk.talk.id,
            f"談話 {talk.talk.id}（{talk.date}）在 {rule.id}:{key} 的期限 {due} 之後才進行，"
            "記為逾期完成。",
            f"Talk {talk.talk.id} ({talk.date}) was held after the deadline {due} of "
            f"{rule.id}:{key}; the obligation is recorded as done late.",
            rule,
        )
    return after[need - have - 1]


def _owed_talks(
    state: _State, rule: Rule, subject: str, owers: Sequence[str], lo: date, hi: date
) -> list[_Talk]:
    found: dict[str, _Talk] = {}
    for ower in owers:
        for talk in _pair_talks(state, rule, subject, ower, lo, hi):
            found[talk.talk.id] = talk
    return sorted(found.values(), key=_by_date_id)


def _anchor(state: _State, rule: AnchorRule) -> None:
    org = state.org
    for subject in org.members(rule.subjects):
        base = getattr(org.people[subject], rule.date_field)
        if base is None:
            continue
        for ann, lo, hi in anchor_windows(rule, base, state.start, state.end):
            if not org.in_group(rule.subjects, subject, ann):
                continue
            sets = _talkers(state, rule, subject, ann, None)
            what_zh, what_en = _anchor_talk(rule)
            if not sets:
                state.finding(
                    "no-one-answerable",
                    "warning",
                    "person",
                    subject,
                    f"{state.name(subject)} 的{what_zh}（{ann}）無人負責。",
                    f"No one is answerable for the {what_en} of {state.name(subject)} ({ann}).",
                    rule,
                )
                continue
            for owers in sets:
                talks = _owed_talks(state, rule, subject, owers, lo, hi)
                suffix = f":{owers[0]}" if len(sets) > 1 else ""
                key = f"{ann.isoformat()}:{subject}{suffix}"
                what = f"{state.name(subject)} 的{what_zh}（{ann}）"
                what_in_en = f"{what_en} with {state.name(subject)} ({ann})"
                # only a once-only window can be made up late: an anniversary's next window
                # is where a talk after this one belongs
                late = (
                    _late(state, rule, key, subject, owers, hi, len(talks), rule.at_least)
                    if rule.once
                    else None
                )
                if late is not None:
                    what += f"，{late.date} 才談（談話 {late.talk.id}）"
                    what_in_en += f", held late on {late.date} (talk {late.talk.id})"
                _add(
                    state,
                    rule,
                    key,
                    [subject, *owers] if len(owers) == 1 else [subject],
                    owers,
                    lo,
                    hi,
                    talks,
                    rule.at_least,
                    what,
                    what_in_en,
                    late=late.date if late is not None else None,
                )


_ANCHOR_DATES = {
    "hired": ("入職", "hiring"),
    "appointed": ("任職", "appointment"),
    "party_joined": ("入黨", "joining the Party"),
    "born": ("生日", "birthday"),
    "left": ("離任", "leaving"),
}


def _anchor_talk(rule: AnchorRule) -> tuple[str, str]:
    """What an anchor rule's talk is called: an anniversary talk, or (once) the talk on the
    date itself, e.g. 任職談話, the talk on appointment."""
    if not rule.once:
        return "週年談話", "anniversary talk"
    zh, en = _ANCHOR_DATES[rule.date_field]
    return f"{zh}談話", f"talk on {en}"


def _trigger(state: _State, rule: TriggerRule, events: Sequence[Event]) -> None:
    org = state.org
    kinds = set(rule.events)
    for event in events:
        if event.kind not in kinds:
            continue
        if not state.start <= event.date <= state.end:
            continue
        subject = event.person
        if not org.in_group(rule.subjects, subject, event.date):
            group = next(g for g in state.policy.groups if g.id == rule.subjects)
            state.finding(
                "subject-not-in-group",
                "info",
                "event",
                event.id,
                f"事件 {event.id} 的當事人當日不屬於「{group.label.zh}」，規則 {rule.id} 不適用。",
                f"The person of event {event.id} is not among {group.label.en} on "
                f"{event.date}; rule {rule.id} does not apply.",
                rule,
            )
            continue
        sets = _talkers(state, rule, subject, event.date, event)
        if not sets:
            state.finding(
                "no-one-answerable",
                "warning",
                "event",
                event.id,
                f"事件 {event.id}：無人對 {state.name(subject)} 負責談話（4.7）。",
                f"Event {event.id}: no one is answerable for talking with {state.name(subject)}.",
                rule,
            )
            continue
        if rule.use_agreed_date and event.agreed_date is not None:
            due = event.agreed_date
            if due < event.date:
                state.finding(
                    "agreed-date-before-event",
                    "warning",
                    "event",
                    event.id,
                    f"事件 {event.id} 的約定日期早於事件日期。",
                    f"Event {event.id} has an agreed date before the event itself.",
                    rule,
                )
                due = event.date
        else:
            found = _deadline(state, rule, event.date, "event", event.id)
            if found is None:
                continue
            due = found
        state.used_events.add(event.id)
        kind = next(k for k in state.policy.event_kinds if k.id == event.kind)
        for owers in sets:
            talks = _owed_talks(state, rule, subject, owers, event.date, due)
            suffix = f":{owers[0]}" if len(sets) > 1 else ""
            parties = [subject, *owers] if len(owers) == 1 else [subject]
            key = f"{event.id}{suffix}"
            what_zh = f"{kind.label.zh}（事件 {event.id}，{state.name(subject)}）"
            what_en = f"{kind.label.en} (event {event.id}, {state.name(subject)})"
            late = _late(state, rule, key, subject, owers, due, len(talks), 1)
            if late is not None:
                what_zh += f"，{late.date} 才談（談話 {late.talk.id}）"
                what_en += f", held late on {late.date} (talk {late.talk.id})"
            _add(
                state,
                rule,
                key,
                parties,
                owers,
                event.date,
                due,
                talks,
                1,
                what_zh,
                what_en,
                late=late.date if late is not None else None,
            )


def _deadline(
    state: _State,
    rule: TriggerRule | FollowUpRule,
    start: date,
    kind: Literal["event", "reply_request"],
    rid: str,
) -> date | None:
    """The rule's deadline from ``start``; None, with a ``calendar-gap`` finding on the record,
    when the holiday calendar cannot reach it (that record only: the rule's others go on)."""
    try:
        return deadline_date(rule.deadline, start, state.holidays)
    except CalendarError as exc:
        zh, en = ("事件", "event") if kind == "event" else ("書面回覆請求", "reply request")
        state.finding(
            "calendar-gap",
            "error",
            kind,
            rid,
            f"{zh} {rid} 的期限無法計算，未能評估：{exc}",
            f"The deadline of {en} {rid} cannot be computed, so it was not evaluated: {exc}",
            rule,
        )
        return None


def _follow_up(state: _State, rule: FollowUpRule) -> None:
    for entry in state.with_requests:
        talk = entry.talk
        if not state.start <= talk.date <= state.end:
            continue
        seen: set[str] = set()
        for request in sorted(talk.reply_requests, key=lambda r: r.id):
            if request.id in state.bad_requests or request.id in seen:
                continue
            if request.id in state.once_requests:
                seen.add(request.id)
            # the initiator owes the reply, unless there is none or they asked for it
            # themselves: then, as by default, the participants other than the requester
            if (
                rule.owed_by == "initiator"
                and talk.initiator is not None
                and talk.initiator != request.requested_by
            ):
                owers = [talk.initiator]
            else:
                owers = [p for p in entry.people if p != request.requested_by]
            found = _deadline(state, rule, talk.date, "reply_request", request.id)
            if found is None:
                continue
            due = found
            replied = request.replied_on
            if replied is not None and replied <= state.as_of:
                status: Status = "met" if replied <= due else "overdue"
            else:
                status = "pending" if state.as_of <= due else "overdue"
            late = replied is not None and replied > due and replied <= state.as_of
            what_zh = f"書面回覆「{request.matter}」（請求 {request.id}，談話 {talk.id}）"
            what_en = f"written reply on “{request.matter}” (request {request.id}, talk {talk.id})"
            if late:
                what_zh += f"，{replied} 才回覆"
                what_en += f", replied late on {replied}"
            _add(
                state,
                rule,
                request.id,
                [request.requested_by, *owers],
                owers,
                talk.date,
                due,
                [],
                1,
                what_zh,
                what_en,
                status=status,
                distinct=1 if status == "met" else 0,
                extra_used=[request.id] if status == "met" else [],
                late=replied if late else None,
            )


# --------------------------------------------------------------------------- findings


def _scope_findings(state: _State, talks: Sequence[_Talk]) -> None:
    """Out-of-scope talks (not used by any obligation) and talks missing an expected topic.

    Which scopes cover each talk was found in :func:`_talks` (``hit``: the scopes of topics
    rules; ``covered``: any other scope), while its participants were at hand; a talk is out
    of scope when neither holds and no obligation used it.
    """
    topics_rules = [r for r in state.policy.rules if isinstance(r, TopicsRule)]
    rule_checks = [(r, frozenset(r.scopes), set(r.expected)) for r in topics_rules]
    used, late = state.used_talks, state.late_talks
    for entry in talks:
        hit = entry.hit
        if not hit and not entry.covered and entry not in used and entry not in late:
            talk = entry.talk
            state.finding(
                "out-of-scope",
                "info",
                "talk",
                talk.id,
                f"談話 {talk.id} 的參加人之間不屬於本制度的談心範圍。",
                f"Talk {talk.id} is between people no scope of the policy covers; it "
                "is not part of this system.",
            )
            continue
        if not hit:
            continue
        talk = entry.talk
        for rule, rule_scopes, expected in rule_checks:
            if hit.isdisjoint(rule_scopes) or not expected.isdisjoint(talk.topics):
                continue
            names = "、".join(t.label.zh for t in state.policy.topics if t.id in rule.expected)
            names_en = ", ".join(t.label.en for t in state.policy.topics if t.id in rule.expected)
            state.finding(
                "missing-topic",
                "warning",
                "talk",
                talk.id,
                f"談話 {talk.id} 的記錄未列出應談內容：{names}。",
                f"Talk {talk.id} does not record the expected topic: {names_en}.",
                rule,
            )


_Check = tuple[str, tuple[Relation, ...], tuple[bool, ...]]
"""A scope the groups allow but a relation decides: its id, the relations left to check per
talk, and the directions (True: x is the scope's first side) in which it can hold."""
"""A scope whose groups hold for a pair (x, y): its id, the scope, and the directions to try
— True for x → y, False for y → x — of which one must also satisfy the scope's relation."""


class _ScopePlan:
    """For an ordered pair of group sets: which scopes the pair can be in, per direction.

    Scopes without a relation are decided by the groups alone; those with one keep their
    candidate directions, and the relation is checked per talk. Group sets are the ones
    :class:`Org` made (one frozenset per distinct standing, shared by everyone with it), so
    the plans are few and cached.

    ``same_organisation`` is part of the plan's key (whether the two are of one institution,
    a pointer comparison) rather than checked per talk: in a policy written for one
    institution, such as Huimin's team scopes (2.1–2.5), it is the only relation of most
    scopes, and those are then decided by the plan alone.
    """

    def __init__(self, scopes: Sequence[Scope], topic_scopes: set[str]) -> None:
        self.topic = [s for s in scopes if s.id in topic_scopes]
        self.other = [s for s in scopes if s.id not in topic_scopes]
        self.cache: dict[
            tuple[frozenset[str], frozenset[str], bool],
            tuple[frozenset[str], list[_Check], bool, list[_Check]],
        ] = {}

    @staticmethod
    def _checks(
        scopes: Sequence[Scope], gx: frozenset[str], gy: frozenset[str], same: bool
    ) -> tuple[set[str], list[_Check]]:
        sure: set[str] = set()
        maybe: list[_Check] = []
        for scope in scopes:
            first, second = scope.between
            dirs = tuple(
                d
                for d, (ga, gb) in ((True, (gx, gy)), (False, (gy, gx)))
                if first in ga and second in gb
            )
            if not dirs:
                continue
            if "same_organisation" in scope.relation and not same:
                continue  # symmetric: holds in neither direction
            rest = tuple(r for r in scope.relation if r != "same_organisation")
            if not rest:
                sure.add(scope.id)
            else:
                maybe.append((scope.id, rest, dirs))
        return sure, maybe

    def _plan(
        self, gx: frozenset[str], gy: frozenset[str], same: bool
    ) -> tuple[frozenset[str], list[_Check], bool, list[_Check]]:
        key = (gx, gy, same)
        found = self.cache.get(key)
        if found is None:
            sure, maybe = self._checks(self.topic, gx, gy, same)
            other_sure, other_maybe = self._checks(self.other, gx, gy, same)
            found = (frozenset(sure), maybe, bool(other_sure), other_maybe)
            self.cache[key] = found
        return found

    @staticmethod
    def _holds(check: _Check, x: _Who, y: _Who, day: date, within: bool) -> bool:
        relation = check[1]
        for d in check[2]:
            if (
                _related(relation, x, y, day, within)
                if d
                else _related(relation, y, x, day, within)
            ):
                return True
        return False

    def pair(self, x: _Who, y: _Who, day: date, within: bool) -> tuple[frozenset[str], bool]:
        """Topic scopes covering the talk of ``x`` and ``y``; whether another scope covers it.

        ``within``: the day is in the evaluation period (see :class:`_Who`).
        """
        gx = x.groups if within and x.groups is not None else x.groups_on(day, within)
        gy = y.groups if within and y.groups is not None else y.groups_on(day, within)
        same = x.organisation is y.organisation
        found = self.cache.get((gx, gy, same))
        if found is None:
            found = self._plan(gx, gy, same)
        sure, maybe, other_sure, other_maybe = found
        hit = sure
        if maybe:
            extra = {c[0] for c in maybe if c[0] not in sure and self._holds(c, x, y, day, within)}
            if extra:
                hit = sure | extra
        if other_sure:
            return hit, True
        for check in other_maybe:
            if self._holds(check, x, y, day, within):
                return hit, True
        return hit, False

    def group(self, who: Sequence[_Who], day: date, within: bool) -> tuple[frozenset[str], bool]:
        """The same for a talk of several people: any pair of them."""
        hit: set[str] = set()
        covered = False
        groups = [w.groups_on(day, within) for w in who]
        for i in range(len(who)):
            for j in range(i + 1, len(who)):
                sure, maybe, other_sure, other_maybe = self._plan(
                    groups[i], groups[j], who[i].organisation is who[j].organisation
                )
                hit.update(sure)
                hit.update(
                    c[0]
                    for c in maybe
                    if c[0] not in hit and self._holds(c, who[i], who[j], day, within)
                )
                covered = (
                    covered
                    or other_sure
                    or any(self._holds(c, who[i], who[j], day, within) for c in other_maybe)
                )
        return (frozenset(hit) if hit else _NO_HIT), covered


def _responsibility_gaps(state: _State) -> None:
    """People with no one answerable for them on their first or last day in the period.

    Whether a chain entry applies to a person on a day depends only on the groups they are in
    that day, and who may answer only on their unit, branch, organisation and the day
    (:meth:`Org.answerable_candidates`): both are looked up once per distinct combination,
    not once per person.
    """
    chain = state.policy.responsibility
    if chain is None:
        return
    org = state.org
    start, end = state.start, state.end
    clip: list[Interval] = [(start, end)]
    memo: dict[tuple[object, ...], list[list[str]]] = {}
    for person in org.iter_people():
        pid = person.id
        standing = org.standing(pid)
        assert standing is not None
        at = standing.at(start)
        if standing.segments[at].end >= end:  # one standing all period (most people)
            if not standing.active[at]:
                continue
            days = [(start, standing.groups[at])] if start == end else [
                (start, standing.groups[at]),
                (end, standing.groups[at]),
            ]  # fmt: skip
        else:
            active = intersect(org.active_intervals(pid), clip)
            if not active:
                continue
            days = [
                (day, standing.groups[standing.at(day)])
                for day in sorted({active[0][0], active[-1][1]})
            ]
        for day, groups in days:
            key = (groups, person.unit, person.branch, person.organisation, day)
            applies = memo.get(key)
            if applies is None:
                applies = memo[key] = [c for _, c in org.answerable_candidates(pid, day)]
            if applies and not any(a != pid for candidates in applies for a in candidates):
                state.finding(
                    "no-one-answerable",
                    "warning",
                    "person",
                    pid,
                    f"{state.name(pid)} 於 {day} 無人負責（4.7 層層負責制出現空缺）。",
                    f"On {day} no one is answerable for {state.name(pid)}: a gap "
                    "in the responsibility chain.",
                )
                break


def _talk_leftovers(state: _State, talks: Sequence[_Talk]) -> None:
    for entry in talks:
        talk = entry.talk
        if entry in state.used_talks or entry in state.late_talks:
            continue
        if not state.start <= talk.date <= state.end:
            state.finding(
                "outside-period",
                "info",
                "talk",
                talk.id,
                f"談話 {talk.id}（{talk.date}）在評估期之外，未計入任何義務。",
                f"Talk {talk.id} ({talk.date}) is outside the period and counts for no obligation.",
            )


# --------------------------------------------------------------------------- report


def _rate(met: int, overdue: int) -> float | None:
    return round(met / (met + overdue), 4) if met + overdue else None


def _report(state: _State, history: History, talks: Sequence[_Talk]) -> Report:
    order = {r.id: i for i, r in enumerate(state.policy.rules)}
    obligations = sorted(
        state.obligations, key=lambda o: (order[o.rule], o.window.start, o.window.due, o.id)
    )
    findings = sorted(
        state.findings,
        key=lambda f: (f.record_kind or "", f.record or "", f.code, f.rule or "", f.message.en),
    )
    by_rule: dict[str, list[int]] = {r.id: [0, 0, 0] for r in state.policy.rules}
    by_person: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    slot = {"met": 0, "pending": 1, "overdue": 2}
    todo: dict[str, list[TodoItem]] = defaultdict(list)
    rules = {r.id: r for r in state.policy.rules}
    for ob in obligations:
        by_rule[ob.rule][slot[ob.status]] += 1
        for person in ob.responsible:
            by_person[person][slot[ob.status]] += 1
            if ob.status != "met" and ob.done_late is None:
                rule = rules[ob.rule]
                todo[person].append(
                    TodoItem(
                        obligation=ob.id,
                        rule=ob.rule,
                        clause=ob.clause,
                        due=ob.window.due,
                        status=ob.status,
                        with_=[p for p in ob.parties if p != person],
                        label=rule.label,
                    )
                )
    counts = [sum(v[i] for v in by_rule.values()) for i in range(3)]
    flagged_talks = {f.record for f in findings if f.record_kind == "talk"}
    ids = state.talk_ids  # of history.talks, in order
    used_ids = {t.talk.id for t in state.used_talks}
    all_talk_ids = set(ids)
    flagged_talks &= all_talk_ids
    unmatched = len(all_talk_ids) - len(used_ids | flagged_talks)  # (used ⊆ all): no copies
    flagged_events = {f.record for f in findings if f.record_kind == "event"}
    summary = Summary(
        obligations=len(obligations),
        met=counts[0],
        pending=counts[1],
        overdue=counts[2],
        rate=_rate(counts[0], counts[2]),
        by_rule=[
            RuleSummary(
                rule=rid,
                clause=state.policy.rule(rid).clause,
                met=v[0],
                pending=v[1],
                overdue=v[2],
                rate=_rate(v[0], v[2]),
            )
            for rid, v in by_rule.items()
            if sum(v)
        ],
        by_person=[
            PersonSummary(
                person=pid,
                name=_plain_name(state, pid),
                met=v[0],
                pending=v[1],
                overdue=v[2],
                rate=_rate(v[0], v[2]),
            )
            for pid, v in sorted(by_person.items())
        ],
        talks=len(history.talks),
        talks_used=len(used_ids),
        talks_flagged=len(flagged_talks),
        talks_unmatched=unmatched,
        events=len(history.events),
        events_used=len(state.used_events),
        events_flagged=len(flagged_events & {e.id for e in history.events}),
        reply_requests=sum(map(len, map(_reply_requests, history.talks))),
        people=len(state.org.people),
        people_flagged=len({f.record for f in findings if f.record_kind == "person"}),
    )
    todo_lists = [
        TodoList(
            person=pid,
            name=_plain_name(state, pid),
            items=sorted(items, key=lambda i: (i.due, i.obligation)),
        )
        for pid, items in sorted(todo.items())
    ]
    return Report(
        policy=state.policy.id,
        period_start=state.start,
        period_end=state.end,
        as_of=state.as_of,
        obligations=obligations,
        findings=findings,
        summary=summary,
        todo=todo_lists,
    )


def _plain_name(state: _State, pid: str) -> str:
    person = state.org.people.get(pid)
    return person.name if person else ""
