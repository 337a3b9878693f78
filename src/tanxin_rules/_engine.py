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
import math
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
from ._inputs import Event, History, Person, Roster, Talk
from ._org import Interval, Org, intersect, merge
from ._policy import (
    AnchorRule,
    CoverageRule,
    FollowUpRule,
    FrequencyRule,
    MannerRule,
    Policy,
    RollingPeriod,
    Rule,
    Scope,
    SlotRule,
    TalkerByEventCounterpart,
    TalkerByGroup,
    TalkerByResponsibility,
    TopicsRule,
    TriggerRule,
    WindowRule,
)
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


@dataclass(slots=True)
class _Talk:
    talk: Talk
    people: tuple[str, ...]
    collective: bool
    index: int


class _Timeline:
    """Talks sorted by date, with the dates alongside for range lookups by bisection."""

    __slots__ = ("dates", "talks")

    def __init__(self) -> None:
        self.talks: list[_Talk] = []
        self.dates: list[date] = []

    def seal(self) -> None:
        self.talks.sort(key=lambda t: (t.talk.date, t.talk.id))
        self.dates = [t.talk.date for t in self.talks]

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
    pair_talks: dict[tuple[str, str], _Timeline] = field(default_factory=dict)
    person_talks: dict[str, _Timeline] = field(default_factory=dict)
    talks: list[_Talk] = field(default_factory=list)
    used_talks: set[int] = field(default_factory=set)
    used_events: set[str] = field(default_factory=set)
    collective_ok: frozenset[str] = frozenset()
    min_collective: int = 3

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
    """
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
    return _report(state, history, talks)


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
        out.append(person)
    return out


def _talks(
    state: _State, records: Sequence[Talk], manner: MannerRule | None, event_ids: set[str]
) -> list[_Talk]:
    dup = _duplicates([t.id for t in records])
    groups: dict[str, list[tuple[int, Talk]]] = defaultdict(list)
    for i, talk in enumerate(records):
        groups[talk.id].append((i, talk))
    usable: list[_Talk] = []
    topics = {t.id for t in state.policy.topics}
    for tid in sorted(groups):
        copies = groups[tid]
        index, talk = copies[0]
        if tid in dup:
            if any(c != talk for _, c in copies):
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
        people = tuple(sorted(set(talk.participants)))
        unknown = [p for p in people if p not in state.org.people]
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
        away = [p for p in people if not state.org.is_active(p, talk.date)]
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
        if talk.date > state.as_of:
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
        if talk.initiator is not None and talk.initiator not in people:
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
            if request.requested_by not in people:
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
        entry = _Talk(talk, people, collective, index)
        usable.append(entry)
        if collective:
            for person in people:
                state.person_talks.setdefault(person, _Timeline()).talks.append(entry)
        else:
            state.pair_talks.setdefault((people[0], people[1]), _Timeline()).talks.append(entry)
            for person in people:
                state.person_talks.setdefault(person, _Timeline()).talks.append(entry)
    for bucket in (*state.pair_talks.values(), *state.person_talks.values()):
        bucket.seal()
    state.talks = usable
    return usable


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


def _meetings(state: _State, history: History) -> dict[str, list[date]]:
    kinds = {k.id for k in state.policy.meeting_kinds}
    out: dict[str, set[date]] = defaultdict(set)
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
        out[meeting.kind].add(meeting.date)
    return {k: sorted(v) for k, v in out.items()}


# --------------------------------------------------------------------------- deciding


def _counts(state: _State, rule: Rule, talk: _Talk) -> bool:
    return not talk.collective or rule.id in state.collective_ok


def _pair_talks(state: _State, rule: Rule, a: str, b: str, lo: date, hi: date) -> list[_Talk]:
    key = (a, b) if a < b else (b, a)
    out = state.pair_talks.get(key, _EMPTY).between(lo, hi)
    if rule.id in state.collective_ok:
        out += [
            t
            for t in state.person_talks.get(a, _EMPTY).between(lo, hi)
            if t.collective and b in t.people
        ]
        out.sort(key=lambda t: (t.talk.date, t.talk.id))
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
) -> None:
    have = distinct if distinct is not None else len(talks)
    due = hi
    final = status or _status(state, have, need, due)
    used = sorted({t.talk.id for t in talks} | set(extra_used))
    state.used_talks.update(t.index for t in talks)
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
            ),
        )
    )


def _evaluate_rule(
    state: _State, rule: Rule, events: Sequence[Event], meetings: dict[str, list[date]]
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


def _membership_window(
    membership: str, days: list[Interval], start: date, end: date
) -> tuple[date, date] | None:
    if membership == "any_overlap":
        return days[0][0], days[-1][1]
    if membership == "whole_period":
        return (start, end) if days == [(start, end)] else None
    return (start, end) if days[-1][1] == end else None


def _rolling(state: _State, rule: FrequencyRule, scope: Scope, length: int) -> None:
    for key, (days, firsts) in sorted(_scope_pairs(state, scope, state.start, MAX_DATE).items()):
        a, b = key
        for lo_q, hi_q in days:
            begin = lo_q
            while begin <= hi_q and begin <= state.end:
                hi = min(begin + timedelta(days=length - 1), hi_q)
                talks = _pair_talks(state, rule, a, b, begin, hi)
                counted = talks[: rule.at_least]
                _add(
                    state,
                    rule,
                    f"{begin.isoformat()}:{a}+{b}",
                    key,
                    _sides(rule, key, firsts),
                    begin,
                    hi,
                    counted,
                    rule.at_least,
                    f"{state.name(a)} 與 {state.name(b)}（{length} 天內）",
                    f"{state.name(a)} with {state.name(b)} (within {length} days)",
                )
                if len(talks) >= rule.at_least:
                    begin = talks[0].talk.date + timedelta(days=1)
                elif hi >= state.as_of:
                    break
                else:
                    begin = hi + timedelta(days=1)
                if begin > state.as_of:
                    break


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
                for talk in state.person_talks.get(talker, _EMPTY).between(lo, hi):
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
            for talk in state.person_talks.get(target, _EMPTY).between(span.start, span.end):
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


def _window(state: _State, rule: WindowRule, meetings: dict[str, list[date]]) -> None:
    scope = _scope(state, rule.scope)
    dates = meetings.get(rule.meeting, [])
    relevant = []
    for day in dates:
        lo, hi = meeting_window(rule, day)
        if hi >= state.start and lo <= state.end:
            relevant.append((day, lo, hi))
    if not relevant:
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
    for day, lo, hi in relevant:
        for key, (_, firsts) in sorted(_scope_pairs(state, scope, day, day).items()):
            a, b = key
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
                f"{state.name(a)} 與 {state.name(b)}（{day} 會前）",
                f"{state.name(a)} with {state.name(b)} (before the meeting of {day})",
            )


def _can_meet(state: _State, rule: SlotRule, talker: str, day: date) -> bool:
    """Whether anyone in the counterparts group, related as the rule says, exists on ``day``.

    A talker with no possible counterpart owes nothing at that slot (a branch secretary whose
    branch has no rank and file, say): an obligation no talk could meet is not one.
    """
    org = state.org
    pool = (
        org.targets(rule.relation, talker, rule.counterparts)
        if rule.relation
        else org.members(rule.counterparts)
    )
    return any(
        other != talker
        and org.in_group(rule.counterparts, other, day)
        and org.related(rule.relation, talker, other, day)
        for other in pool
    )


def _slot(state: _State, rule: SlotRule) -> None:
    org = state.org
    bounds = slot_times(state.policy, rule)
    for slot in slots(state.policy, rule, state.start, state.end, state.holidays):
        day = slot.day
        talkers = [t for t in org.members_on(rule.talkers, day) if _can_meet(state, rule, t, day)]
        held: dict[str, list[_Talk]] = {}
        for talker in talkers:
            for talk in state.person_talks.get(talker, _EMPTY).between(day, day):
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
        elif talkers:
            everyone = sorted(
                {t.talk.id: t for ts in held.values() for t in ts}.values(),
                key=lambda t: (t.talk.date, t.talk.id),
            )
            _add(
                state,
                rule,
                day.isoformat(),
                [],
                talkers,
                day,
                day,
                everyone,
                rule.at_least,
                f"{day}{moved}",
                f"{day}{moved_en}",
                nxt=day,
            )


def _talkers(
    state: _State,
    talker: TalkerByResponsibility | TalkerByGroup | TalkerByEventCounterpart,
    subject: str,
    day: date,
    event: Event | None,
) -> list[list[str]]:
    """Who owes the talk: sets of people, one obligation each, discharged by any one of a set."""
    org = state.org
    if isinstance(talker, TalkerByEventCounterpart):
        if (
            event is not None
            and event.counterpart is not None
            and (event.counterpart in org.people and event.counterpart != subject)
        ):
            return [[event.counterpart]]
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


def _owed_talks(
    state: _State, rule: Rule, subject: str, owers: Sequence[str], lo: date, hi: date
) -> list[_Talk]:
    found: dict[str, _Talk] = {}
    for ower in owers:
        for talk in _pair_talks(state, rule, subject, ower, lo, hi):
            found[talk.talk.id] = talk
    return sorted(found.values(), key=lambda t: (t.talk.date, t.talk.id))


def _anchor(state: _State, rule: AnchorRule) -> None:
    org = state.org
    for subject in org.members(rule.subjects):
        base = getattr(org.people[subject], rule.date_field)
        if base is None:
            continue
        for ann, lo, hi in anchor_windows(rule, base, state.start, state.end):
            if not org.in_group(rule.subjects, subject, ann):
                continue
            sets = _talkers(state, rule.talker, subject, ann, None)
            if not sets:
                state.finding(
                    "no-one-answerable",
                    "warning",
                    "person",
                    subject,
                    f"{state.name(subject)} 的週年談話（{ann}）無人負責。",
                    f"No one is answerable for the anniversary talk of "
                    f"{state.name(subject)} ({ann}).",
                    rule,
                )
                continue
            for owers in sets:
                talks = _owed_talks(state, rule, subject, owers, lo, hi)
                suffix = f":{owers[0]}" if len(sets) > 1 else ""
                _add(
                    state,
                    rule,
                    f"{ann.isoformat()}:{subject}{suffix}",
                    [subject, *owers] if len(owers) == 1 else [subject],
                    owers,
                    lo,
                    hi,
                    talks,
                    rule.at_least,
                    f"{state.name(subject)} 的週年談話（{ann}）",
                    f"anniversary talk with {state.name(subject)} ({ann})",
                )


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
        sets = _talkers(state, rule.talker, subject, event.date, event)
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
            due = deadline_date(rule.deadline, event.date, state.holidays)
        state.used_events.add(event.id)
        kind = next(k for k in state.policy.event_kinds if k.id == event.kind)
        for owers in sets:
            talks = _owed_talks(state, rule, subject, owers, event.date, due)
            suffix = f":{owers[0]}" if len(sets) > 1 else ""
            parties = [subject, *owers] if len(owers) == 1 else [subject]
            _add(
                state,
                rule,
                f"{event.id}{suffix}",
                parties,
                owers,
                event.date,
                due,
                talks,
                1,
                f"{kind.label.zh}（事件 {event.id}，{state.name(subject)}）",
                f"{kind.label.en} (event {event.id}, {state.name(subject)})",
            )


def _follow_up(state: _State, rule: FollowUpRule) -> None:
    for entry in state.talks:
        talk = entry.talk
        if not talk.reply_requests or not state.start <= talk.date <= state.end:
            continue
        for request in sorted(talk.reply_requests, key=lambda r: r.id):
            if rule.owed_by == "initiator" and talk.initiator is not None:
                owers = [talk.initiator]
            else:
                owers = [p for p in entry.people if p != request.requested_by]
            due = deadline_date(rule.deadline, talk.date, state.holidays)
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
            )


# --------------------------------------------------------------------------- findings


def _scope_findings(state: _State, talks: Sequence[_Talk]) -> None:
    """Out-of-scope talks (not used by any obligation) and talks missing an expected topic.

    Only the scopes a question needs are checked: a talk already used by an obligation is in
    the system, so it is only checked against the scopes of topics rules.
    """
    topics_rules = [r for r in state.policy.rules if isinstance(r, TopicsRule)]
    topic_scopes = {sid for r in topics_rules for sid in r.scopes}
    scopes = {s.id: s for s in state.policy.scopes}
    others = [s for s in state.policy.scopes if s.id not in topic_scopes]
    org = state.org
    for entry in talks:
        talk = entry.talk
        day = talk.date
        people = entry.people
        pairs = [(x, y) for i, x in enumerate(people) for y in people[i + 1 :]]
        hit = {sid for sid in topic_scopes if _covers(org, scopes[sid], pairs, day)}
        if (
            not hit
            and entry.index not in state.used_talks
            and not any(_covers(org, scope, pairs, day) for scope in others)
        ):
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
        for rule in topics_rules:
            if hit.isdisjoint(rule.scopes) or not set(rule.expected).isdisjoint(talk.topics):
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


def _covers(org: Org, scope: Scope, pairs: Sequence[tuple[str, str]], day: date) -> bool:
    return any(
        _in_scope(org, scope, x, y, day) or _in_scope(org, scope, y, x, day) for x, y in pairs
    )


def _in_scope(org: Org, scope: Scope, a: str, b: str, day: date) -> bool:
    first, second = scope.between
    return (
        org.in_group(first, a, day)
        and org.in_group(second, b, day)
        and org.related(scope.relation, a, b, day)
    )


def _responsibility_gaps(state: _State) -> None:
    chain = state.policy.responsibility
    if chain is None:
        return
    org = state.org
    clip: list[Interval] = [(state.start, state.end)]
    for person in org.iter_people():
        days = intersect(org.active_intervals(person.id), clip)
        if not days:
            continue
        for day in sorted({days[0][0], days[-1][1]}):
            applies = org.answerable(person.id, day)
            if applies and not any(people for _, people in applies):
                state.finding(
                    "no-one-answerable",
                    "warning",
                    "person",
                    person.id,
                    f"{state.name(person.id)} 於 {day} 無人負責（4.7 層層負責制出現空缺）。",
                    f"On {day} no one is answerable for {state.name(person.id)}: a gap "
                    "in the responsibility chain.",
                )
                break


def _talk_leftovers(state: _State, talks: Sequence[_Talk]) -> None:
    for entry in talks:
        talk = entry.talk
        if entry.index in state.used_talks:
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
    for ob in obligations:
        by_rule[ob.rule][slot[ob.status]] += 1
        for person in ob.responsible:
            by_person[person][slot[ob.status]] += 1
            if ob.status != "met":
                rule = state.policy.rule(ob.rule)
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
    used_ids = {t.talk.id for t in talks if t.index in state.used_talks}
    all_talk_ids = {t.id for t in history.talks}
    unmatched = all_talk_ids - used_ids - flagged_talks
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
        talks_flagged=len(flagged_talks & all_talk_ids),
        talks_unmatched=len(unmatched),
        events=len(history.events),
        events_used=len(state.used_events),
        events_flagged=len(flagged_events & {e.id for e in history.events}),
        reply_requests=sum(len(t.reply_requests) for t in history.talks),
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
