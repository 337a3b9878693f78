"""A deliberately naive reference evaluator, written from docs/evaluation.md alone.

It answers the same question as :func:`tanxin_rules.evaluate` — which obligations the roster
and the history imply, and whether each is met — the slow, obvious way: plain loops over every
pair of people and every day of every window, no indexes, no bisection, no interval
arithmetic. A person's standing (in the organisation, roles, Party membership, groups) is
decided day by day from the roster's raw dates, memoised per (group, person, day) only so that
the loops finish. Where the page leaves a choice open, the comment says which reading is taken
(and the differential tests report it).

Slot days come from a brute-force reading of the RRULE (day by day: is the month listed, is the
weekday listed, is it the n-th such weekday of its month) for the shapes the bundled policies
use, and working days from the holiday calendar's raw entries. Only the public models are
used; nothing of the engine's code.

Covered: every rule kind of the Huimin policy (frequency by calendar period, window, slot,
trigger, follow-up) and of the two example policies (rolling and named periods, coverage by
distinct counterparts and by share, anchors, talkers by group and by event counterpart).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TypeVar

from tanxin_rules import (
    AnchorRule,
    CoverageRule,
    Event,
    FollowUpRule,
    FrequencyRule,
    History,
    HolidayCalendar,
    MannerRule,
    Meeting,
    Obligation,
    Person,
    Policy,
    Roster,
    SlotRule,
    Talk,
    TriggerRule,
    WindowRule,
)
from tanxin_rules._policy import (
    CalendarPeriod,
    Deadline,
    NamedPeriods,
    RollingPeriod,
    Scope,
    TalkerByEventCounterpart,
    TalkerByGroup,
    TalkerByResponsibility,
)

__all__ = ["CalendarGap", "Ref", "Reference", "as_ref", "reference_obligations"]

_R = TypeVar("_R", Person, Talk, Event)

ONE = timedelta(days=1)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, order=True)
class Ref:
    """An obligation without its id and wording: what the two evaluators must agree on."""

    rule: str
    parties: tuple[str, ...]
    responsible: tuple[str, ...]
    start: date
    due: date
    required: int
    status: str
    satisfied_by: tuple[str, ...]
    outstanding: tuple[str, ...] = ()

    def __str__(self) -> str:
        met = f" by {','.join(self.satisfied_by)}" if self.satisfied_by else ""
        out = f" outstanding {','.join(self.outstanding)}" if self.outstanding else ""
        return (
            f"{self.rule} [{'+'.join(self.parties)}] resp {','.join(self.responsible)} "
            f"{self.start}..{self.due} need {self.required}: {self.status}{met}{out}"
        )


def as_ref(ob: Obligation) -> Ref:
    """The engine's obligation as a :class:`Ref`."""
    return Ref(
        ob.rule,
        tuple(ob.parties),
        tuple(ob.responsible),
        ob.window.start,
        ob.window.due,
        ob.required,
        ob.status,
        tuple(ob.satisfied_by),
        tuple(ob.outstanding),
    )


class CalendarGap(Exception):  # noqa: N818 - mirrors the engine's calendar-gap finding
    """The holiday calendar cannot answer (the tests draw calendars that always can)."""


def days(lo: date, hi: date) -> Iterator[date]:
    """Every day from ``lo`` to ``hi``, both inclusive."""
    day = lo
    while day <= hi:
        yield day
        day += ONE


@dataclass(frozen=True)
class _Usable:
    talk: Talk
    people: frozenset[str]
    collective: bool


class Reference:
    """The naive evaluation of one policy, roster, history, period and as-of date."""

    def __init__(
        self,
        policy: Policy,
        roster: Roster,
        history: History,
        period: tuple[date, date],
        as_of: date,
        holidays: HolidayCalendar | None = None,
    ) -> None:
        self.policy = policy
        self.start, self.end = period
        self.as_of = as_of
        self.holidays = holidays
        self.roles = {r.id: r for r in policy.roles}
        self.groups = {g.id: g for g in policy.groups}
        self.scopes = {s.id: s for s in policy.scopes}
        self._memo: dict[tuple[str, str, date], bool] = {}
        manner = next((r for r in policy.rules if isinstance(r, MannerRule)), None)
        self.may_satisfy = set(manner.collective.may_satisfy) if manner else set()
        # Findings: duplicate-id (different contents) → none used; duplicate-record → once.
        self.people: dict[str, Person] = _dedup(roster.people)
        self.talks: list[_Usable] = []
        for talk in _dedup(history.talks).values():
            people = frozenset(talk.participants)
            if any(p not in self.people for p in people):
                continue  # unknown-person: not used
            if len(people) < 2:
                continue  # too-few-participants: not used
            if talk.date > as_of:
                continue  # future-talk: not counted
            # "An individual record with more than two participants is treated as collective;
            # a collective record with two participants as one-to-one."
            collective = len(people) > 2
            self.talks.append(_Usable(talk, people, collective))
        kinds = {k.id for k in policy.event_kinds}
        self.events = [
            e
            for e in _dedup(history.events).values()
            if e.kind in kinds and e.person in self.people
        ]
        meeting_kinds = {k.id for k in policy.meeting_kinds}
        # Reading taken: two records of one meeting (same kind, day, organisation and branch)
        # are one meeting; a pair is owed a talk before a day's meetings once, if any of them
        # is theirs (names no organisation or both people's, and no branch or both people's).
        self.meetings: dict[str, dict[date, list[Meeting]]] = defaultdict(dict)
        for meeting in history.meetings:
            if meeting.kind in meeting_kinds:
                self.meetings[meeting.kind].setdefault(meeting.date, []).append(meeting)

    # ------------------------------------------------------------------ standing, day by day

    def in_org(self, pid: str, day: date) -> bool:
        """``hired ≤ day ≤ left``, either end open when absent."""
        p = self.people[pid]
        return (p.hired is None or p.hired <= day) and (p.left is None or day <= p.left)

    def roles_on(self, pid: str, day: date) -> set[str]:
        """Roles of the policy's vocabulary held that day (``since ≤ day ≤ until``)."""
        if not self.in_org(pid, day):
            return set()
        return {
            h.role
            for h in self.people[pid].roles
            if h.role in self.roles
            and (h.since is None or h.since <= day)
            and (h.until is None or day <= h.until)
        }

    def party_member_on(self, pid: str, day: date) -> bool:
        """``party_member`` and ``party_joined`` (if given) on or before the day."""
        p = self.people[pid]
        return (
            self.in_org(pid, day)
            and p.party_member
            and (p.party_joined is None or p.party_joined <= day)
        )

    def in_group(self, gid: str, pid: str, day: date) -> bool:
        """Every criterion of the group's selector holds that day."""
        key = (gid, pid, day)
        if key not in self._memo:
            self._memo[key] = self._selector(gid, pid, day)
        return self._memo[key]

    def _selector(self, gid: str, pid: str, day: date) -> bool:
        if not self.in_org(pid, day):
            return False  # nobody is in any group on a day they are not in the organisation
        sel = self.groups[gid].members
        roles = self.roles_on(pid, day)
        checks = [
            sel.any_role is None or any(r in roles for r in sel.any_role),
            sel.all_roles is None or all(r in roles for r in sel.all_roles),
            sel.no_role is None or not any(r in roles for r in sel.no_role),
            sel.in_group is None or any(self.in_group(g, pid, day) for g in sel.in_group),
            sel.not_in_group is None
            or not any(self.in_group(g, pid, day) for g in sel.not_in_group),
            sel.party_member is None or sel.party_member == self.party_member_on(pid, day),
        ]
        return all(checks)

    def heads(self, pid: str, what: str, day: date) -> bool:
        """Whether the person holds, that day, a role whose ``heads`` is ``what``."""
        return any(self.roles[r].heads == what for r in self.roles_on(pid, day))

    def related(self, relations: Sequence[str], a: str, b: str, day: date) -> bool:
        """Every relation holds from ``a`` to ``b`` that day."""
        pa, pb = self.people[a], self.people[b]
        for rel in relations:
            if rel == "oversees":
                ok = pb.unit is not None and pb.unit in pa.oversees
            elif rel == "same_unit":
                ok = pa.unit is not None and pa.unit == pb.unit
            elif rel == "same_branch":
                ok = pa.branch is not None and pa.branch == pb.branch
            elif rel == "same_organisation":
                ok = pa.organisation == pb.organisation  # both None: the roster's own
            elif rel == "heads_unit":
                ok = self.heads(a, "unit", day) and pa.unit is not None and pa.unit == pb.unit
            elif rel == "heads_branch":
                ok = (
                    self.heads(a, "branch", day)
                    and pa.branch is not None
                    and pa.branch == pb.branch
                )
            else:  # pragma: no cover - the policy language has no other relation
                raise AssertionError(rel)
            if not ok:
                return False
        return True

    def ordered_pair(self, scope: Scope, a: str, b: str, day: date) -> bool:
        """(a, b): a in the first group, b in the second, every relation a → b; a ≠ b."""
        first, second = scope.between
        return (
            a != b
            and self.in_group(first, a, day)
            and self.in_group(second, b, day)
            and self.related(scope.relation, a, b, day)
        )

    def pair_on(self, scope: Scope, key: tuple[str, str], day: date) -> bool:
        """Whether the (ordered, or unordered) pair of the scope qualifies that day."""
        a, b = key
        if scope.directed:
            return self.ordered_pair(scope, a, b, day)
        return self.ordered_pair(scope, a, b, day) or self.ordered_pair(scope, b, a, day)

    def pairs(self, scope: Scope) -> list[tuple[str, str]]:
        """Every candidate pair of people: ordered for a directed scope, else unordered."""
        ids = sorted(self.people)
        if scope.directed:
            return [(a, b) for a in ids for b in ids if a != b]
        return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]

    # ------------------------------------------------------------------ calendar

    def working(self, day: date) -> bool:
        """A working day of the supplied calendar (without one: Monday to Friday)."""
        cal = self.holidays
        if cal is None:
            return day.weekday() < 5
        weekend = {WEEKDAYS.index(w) for w in cal.weekend}
        if not cal.valid_from <= day <= cal.valid_to:
            if cal.outside_range == "error":
                raise CalendarGap(str(day))
            return day.weekday() not in weekend
        for entry in cal.workdays:
            if _covers(entry.date, entry.from_, entry.to, day):
                return True
        for entry in cal.holidays:
            if _covers(entry.date, entry.from_, entry.to, day):
                return False
        return day.weekday() not in weekend

    def deadline(self, deadline: Deadline, start: date) -> date:
        """Calendar days after ``start``, or the n-th working day after it (start not counted);
        months: the same day N months on, walked a day at a time, or the month's last day."""
        if deadline.months is not None:
            day, moved = start, 0
            while moved < deadline.months:
                day += ONE
                if day.day == 1:
                    moved += 1
            while (day + ONE).month == day.month and day.day < start.day:
                day += ONE
            return day
        days = deadline.days or 0
        if deadline.count == "calendar":
            return start + timedelta(days=days)
        day, counted = start, 0
        while counted < days:
            day += ONE
            if self.working(day):
                counted += 1
        return day

    def shift(self, day: date, how: str) -> date | None:
        """``on_non_working_day``: keep, skip, or the previous / next working day."""
        if how == "keep" or self.working(day):
            return day
        if how == "skip":
            return None
        step = -ONE if how == "previous" else ONE
        day += step
        while not self.working(day):
            day += step
        return day

    # ------------------------------------------------------------------ talks that count

    def mode_ok(self, rule_id: str, talk: _Usable) -> bool:
        """One-to-one talks always; collective talks only for the rules of ``may_satisfy``."""
        return not talk.collective or rule_id in self.may_satisfy

    def counting(
        self, rule_id: str, lo: date, hi: date, must: Sequence[str], any_of: Sequence[str] = ()
    ) -> list[str]:
        """Ids of the talks counting in ``lo``…``hi``: usable, not after as-of, the mode
        allowed, including everyone in ``must`` and (if given) someone of ``any_of``."""
        out = []
        for entry in self.talks:
            talk = entry.talk
            if not lo <= talk.date <= hi or talk.date > self.as_of:
                continue
            if not self.mode_ok(rule_id, entry):
                continue
            if not all(p in entry.people for p in must):
                continue
            if any_of and not any(p in entry.people for p in any_of):
                continue
            out.append(talk.id)
        return sorted(out)

    def dated(self, ids: Sequence[str]) -> list[str]:
        """Talk ids in date order (then id)."""
        when = {e.talk.id: e.talk.date for e in self.talks}
        return sorted(ids, key=lambda t: (when[t], t))

    def status(self, have: int, need: int, due: date) -> str:
        """met when enough counted; else pending when as-of ≤ due; else overdue."""
        if have >= need:
            return "met"
        return "pending" if self.as_of <= due else "overdue"

    # ------------------------------------------------------------------ obligations

    def obligations(self) -> list[Ref]:
        """Every obligation of every evaluable rule."""
        out: list[Ref] = []
        for rule in self.policy.rules:
            if isinstance(rule, FrequencyRule):
                out += self.frequency(rule)
            elif isinstance(rule, CoverageRule):
                out += self.coverage(rule)
            elif isinstance(rule, WindowRule):
                out += self.window(rule)
            elif isinstance(rule, SlotRule):
                out += self.slot(rule)
            elif isinstance(rule, AnchorRule):
                out += self.anchor(rule)
            elif isinstance(rule, TriggerRule):
                out += self.trigger(rule)
            elif isinstance(rule, FollowUpRule):
                out += self.follow_up(rule)
        return sorted(out)

    def spans(self, period: CalendarPeriod | NamedPeriods) -> list[tuple[date, date]]:
        """The rule's periods overlapping the evaluation period, whole (not clipped)."""
        if isinstance(period, NamedPeriods):
            return sorted(
                (p.start, p.end)
                for p in period.periods
                if p.end >= self.start and p.start <= self.end
            )
        months = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}[period.unit] * period.every
        anchor = period.anchor or date(2000, 1, 1)
        found: set[tuple[date, date]] = set()
        for day in days(self.start, self.end):
            since = (day.year - anchor.year) * 12 + day.month - anchor.month
            first = _add_months(anchor, (since // months) * months)
            found.add((first, _add_months(first, months) - ONE))
        return sorted(found)

    def frequency(self, rule: FrequencyRule) -> list[Ref]:
        scope = self.scopes[rule.scope]
        if isinstance(rule.period, RollingPeriod):
            return self.rolling(rule, scope, rule.period.days)
        out = []
        for lo, hi in self.spans(rule.period):
            span = list(days(lo, hi))
            for key in self.pairs(scope):
                qualifying = [d for d in span if self.pair_on(scope, key, d)]
                if not qualifying:
                    continue
                if rule.membership == "any_overlap":
                    w_lo, w_hi = qualifying[0], qualifying[-1]
                elif rule.membership == "whole_period":
                    if len(qualifying) != len(span):
                        continue
                    w_lo, w_hi = lo, hi
                else:  # at_period_end
                    if qualifying[-1] != hi:
                        continue
                    w_lo, w_hi = lo, hi
                talks = self.counting(rule.id, w_lo, w_hi, key)
                if rule.membership == "any_overlap":  # only talks on days both qualify
                    when = {e.talk.id: e.talk.date for e in self.talks}
                    talks = [t for t in talks if when[t] in qualifying]
                out.append(
                    Ref(rule.id, tuple(sorted(key)),
                        tuple(self._sides(rule.responsible, scope, key, qualifying)), w_lo, w_hi,
                        rule.at_least, self.status(len(talks), rule.at_least, w_hi), tuple(talks))
                )  # fmt: skip
        return out

    def _sides(
        self, side: str, scope: Scope, key: tuple[str, str], qualifying: Sequence[date]
    ) -> list[str]:
        """Who answers: for an unordered pair, who stood in the named group on its days."""
        a, b = key
        if side == "both":
            return sorted(key)
        if scope.directed:
            return [a] if side == "first" else [b]
        firsts = {
            x for d in qualifying for x, y in ((a, b), (b, a)) if self.ordered_pair(scope, x, y, d)
        }
        if side == "first":
            return sorted(firsts)
        return sorted(set(key) - firsts) or sorted(key)

    def rolling(self, rule: FrequencyRule, scope: Scope, length: int) -> list[Ref]:
        """A chain of windows per pair (docs/evaluation.md, frequency (rolling))."""
        out = []
        for key in self.pairs(scope):

            def qualifies(day: date, key: tuple[str, str] = key) -> bool:
                return self.pair_on(scope, key, day)

            # the first window starts on the first day of the evaluation period it qualifies
            begin = next((d for d in days(self.start, self.end) if qualifies(d)), None)
            while begin is not None and begin <= self.end and begin <= self.as_of:
                # D days, cut short only when the pair stops qualifying
                hi = begin
                while (hi - begin).days < length - 1 and qualifies(hi + ONE):
                    hi += ONE
                talks = self.dated(self.counting(rule.id, begin, hi, key))
                met = len(talks) >= rule.at_least
                out.append(
                    Ref(rule.id, tuple(sorted(key)),
                        tuple(self._sides(rule.responsible, scope, key, list(days(begin, hi)))),
                        begin, hi, rule.at_least, self.status(len(talks), rule.at_least, hi),
                        tuple(sorted(talks)))
                )  # fmt: skip
                # when met, the next window starts the day after the first counting talk;
                # when not, the day after the window; on a day the pair qualifies
                nxt = _talk_day(self, talks[0]) + ONE if met else hi + ONE
                begin = next((d for d in days(nxt, self.end) if qualifies(d)), None)
        return out

    def coverage(self, rule: CoverageRule) -> list[Ref]:
        assert not isinstance(rule.period, RollingPeriod)
        out = []
        for lo, hi in self.spans(rule.period):
            span = list(days(lo, hi))
            if rule.at_least_distinct is not None:
                for talker in sorted(self.people):
                    member = [d for d in span if self.in_group(rule.talkers, talker, d)]
                    if not member:
                        continue
                    if rule.membership == "any_overlap":
                        w_lo, w_hi = member[0], member[-1]
                    elif rule.membership == "whole_period":
                        if len(member) != len(span):
                            continue
                        w_lo, w_hi = lo, hi
                    else:
                        if member[-1] != hi:
                            continue
                        w_lo, w_hi = lo, hi
                    # distinct counterparts: in the group and related on the talk's day.
                    # Reading taken (the page is silent): the talker too is in the talkers'
                    # group that day, and satisfied_by lists one talk per counterpart, the
                    # first by date.
                    first_talk: dict[str, tuple[date, str]] = {}
                    for entry in self.talks:
                        t = entry.talk
                        if not w_lo <= t.date <= w_hi or talker not in entry.people:
                            continue
                        if not self.mode_ok(rule.id, entry):
                            continue
                        if not self.in_group(rule.talkers, talker, t.date):
                            continue
                        for other in entry.people:
                            if (
                                other != talker
                                and self.in_group(rule.counterparts, other, t.date)
                                and self.related(rule.relation, talker, other, t.date)
                            ):
                                first_talk[other] = min(
                                    first_talk.get(other, (t.date, t.id)), (t.date, t.id)
                                )
                    ids = tuple(sorted({tid for _, tid in first_talk.values()}))
                    need = rule.at_least_distinct
                    out.append(
                        Ref(rule.id, (talker,), (talker,), w_lo, w_hi, need,
                            self.status(len(first_talk), need, w_hi), ids)
                    )  # fmt: skip
                continue
            assert rule.share is not None
            targets = [
                c for c in sorted(self.people)
                if any(self.in_group(rule.counterparts, c, d) for d in span)
            ]  # fmt: skip
            if not targets:
                continue  # reading taken: no counterpart in the period, no obligation
            need = math.ceil(rule.share * len(targets) - 1e-9)
            covered: dict[str, tuple[date, str]] = {}
            for target in targets:
                for entry in self.talks:
                    t = entry.talk
                    if not lo <= t.date <= hi or target not in entry.people:
                        continue
                    if not self.mode_ok(rule.id, entry):
                        continue
                    # reading taken: the counterpart is in the group on the talk's day
                    if not self.in_group(rule.counterparts, target, t.date):
                        continue
                    if any(
                        other != target
                        and self.in_group(rule.talkers, other, t.date)
                        and self.related(rule.relation, other, target, t.date)
                        for other in entry.people
                    ):
                        covered[target] = min(covered.get(target, (t.date, t.id)), (t.date, t.id))
            talkers = tuple(
                p for p in sorted(self.people)
                if any(self.in_group(rule.talkers, p, d) for d in span)
            )  # fmt: skip
            out.append(
                Ref(rule.id, (), talkers, lo, hi, need, self.status(len(covered), need, hi),
                    tuple(sorted({tid for _, tid in covered.values()})),
                    tuple(t for t in targets if t not in covered))
            )  # fmt: skip
        return out

    def days_before(self, rule: WindowRule, meeting: date) -> list[date]:
        """The days before the meeting in its window, walked back one at a time: until the
        ``days_before``-th (working) day, or until a day that is ``months_before`` calendar
        months back (the same day of the month or, in a shorter month, any day up to it)."""
        out: list[date] = []
        day = meeting
        if rule.months_before is not None:
            while True:
                day -= ONE
                out.append(day)
                back = (meeting.year * 12 + meeting.month) - (day.year * 12 + day.month)
                if back > rule.months_before or (
                    back == rule.months_before and day.day <= meeting.day
                ):
                    return out
        counted = 0
        while counted < (rule.days_before or 0):
            day -= ONE
            out.append(day)
            counted += rule.count == "calendar" or self.working(day)
        return out

    def days_after(self, rule: WindowRule, meeting: date) -> list[date]:
        """The days after the meeting in its window, up to the ``days_after``-th (working) day."""
        out: list[date] = []
        day, counted = meeting, 0
        while counted < rule.days_after:
            day += ONE
            out.append(day)
            counted += rule.count == "calendar" or self.working(day)
        return out

    def window(self, rule: WindowRule) -> list[Ref]:
        scope = self.scopes[rule.scope]
        out = []
        for meeting, records in sorted(self.meetings.get(rule.meeting, {}).items()):
            inside = self.days_before(rule, meeting)
            inside += [meeting] if rule.include_meeting_day else []
            inside += self.days_after(rule, meeting)
            lo, hi = min(inside), max(inside)
            if hi < self.start or lo > self.end:
                continue
            for key in self.pairs(scope):
                if not self.pair_on(scope, key, meeting):  # qualifying on the meeting day
                    continue
                a, b = (self.people[p] for p in key)
                if not any(
                    (m.organisation is None or a.organisation == b.organisation == m.organisation)
                    and (m.branch is None or a.branch == b.branch == m.branch)
                    for m in records
                ):
                    continue
                talks = self.counting(rule.id, lo, hi, key)
                out.append(
                    Ref(rule.id, tuple(sorted(key)),
                        tuple(self._sides(rule.responsible, scope, key, [meeting])), lo, hi,
                        rule.at_least, self.status(len(talks), rule.at_least, hi), tuple(talks))
                )  # fmt: skip
        return out

    def slot_days(self, rule: SlotRule) -> list[date]:
        """Days the slots are *held* in the period, after the non-working-day adjustment."""
        held: set[date] = set()
        for scheduled in days(self.start - timedelta(days=40), self.end + timedelta(days=40)):
            if scheduled < rule.anchor or not _rrule_yields(rule.rrule, scheduled):
                continue
            if rule.within is not None and not any(
                p.start <= scheduled <= p.end for p in rule.within.periods
            ):
                continue  # limited to named periods: the RRULE's own date must lie in one
            day = self.shift(scheduled, rule.on_non_working_day)
            if day is not None and self.start <= day <= self.end:
                held.add(day)
        return sorted(held)

    def slot(self, rule: SlotRule) -> list[Ref]:
        bounds: tuple[time, time] | None = None
        if rule.part_of_day is not None:
            part = next(p for p in self.policy.parts_of_day if p.id == rule.part_of_day)
            bounds = (part.start, part.end)
        elif rule.start_time is not None and rule.end_time is not None:
            bounds = (rule.start_time, rule.end_time)
        out = []
        ids = sorted(self.people)
        for day in self.slot_days(rule):

            def counterpart(talker: str, other: str, day: date = day) -> bool:
                return (
                    other != talker
                    and self.in_group(rule.counterparts, other, day)
                    and self.related(rule.relation, talker, other, day)
                )

            talkers = [
                t for t in ids
                if self.in_group(rule.talkers, t, day) and any(counterpart(t, o) for o in ids)
            ]  # fmt: skip
            held: dict[str, list[str]] = {}
            for talker in talkers:
                held[talker] = []
                for entry in self.talks:
                    t = entry.talk
                    if t.date != day or talker not in entry.people or t.date > self.as_of:
                        continue
                    if not self.mode_ok(rule.id, entry):
                        continue
                    if t.time is None:
                        if rule.untimed_talks == "ignore":
                            continue
                    elif bounds is not None and not bounds[0] <= t.time < bounds[1]:
                        continue
                    if any(counterpart(talker, o) for o in entry.people):
                        held[talker].append(t.id)
            if rule.owed_by == "each_talker":
                for talker in talkers:
                    got = sorted(held[talker])
                    out.append(
                        Ref(rule.id, (talker,), (talker,), day, day, rule.at_least,
                            self.status(len(got), rule.at_least, day), tuple(got))
                    )  # fmt: skip
            else:  # one obligation per institution (people of one organisation) and slot
                for organisation in sorted({self.people[t].organisation or "" for t in talkers}):
                    theirs = [
                        t for t in talkers if (self.people[t].organisation or "") == organisation
                    ]
                    got = sorted({tid for t in theirs for tid in held[t]})
                    out.append(
                        Ref(rule.id, (), tuple(theirs), day, day, rule.at_least,
                            self.status(len(got), rule.at_least, day), tuple(got))
                    )  # fmt: skip
        return out

    def talker_sets(
        self,
        talker: TalkerByResponsibility | TalkerByGroup | TalkerByEventCounterpart,
        subject: str,
        day: date,
        event: Event | None,
    ) -> list[list[str]]:
        """Who owes the talk: one list per obligation, discharged by a talk with any of it."""
        if isinstance(talker, TalkerByEventCounterpart):
            named = event.counterpart if event is not None else None
            if (
                named is not None
                and named in self.people
                and named != subject
                and self.in_org(named, day)
                and (talker.group is None or self.in_group(talker.group, named, day))
            ):
                return [[named]]
            if talker.otherwise == "nobody":
                return []
            talker = TalkerByResponsibility(by="responsibility")
        ids = sorted(self.people)
        if isinstance(talker, TalkerByGroup):
            people = [
                p for p in ids
                if p != subject and self.in_group(talker.group, p, day)
                and self.related(talker.relation, p, subject, day)
            ]  # fmt: skip
            if talker.mode == "all_of":
                return [[p] for p in people]
            return [people] if people else []
        chain = self.policy.responsibility
        assert chain is not None
        pooled: set[str] = set()
        each: list[list[str]] = []
        for entry in chain.entries:
            if not self.in_group(entry.subjects, subject, day):
                continue
            people = [
                p for p in ids
                if p != subject and self.in_group(entry.answerable, p, day)
                and self.related(entry.relation, p, subject, day)
            ]  # fmt: skip
            if entry.mode == "all_of":
                each += [[p] for p in people]
            else:
                pooled |= set(people)
            if chain.resolution == "first_match":
                break
        return ([sorted(pooled)] if pooled else []) + each

    def owed(
        self, rule_id: str, subject: str, owers: list[str], lo: date, hi: date, need: int
    ) -> Ref:
        """One obligation owed to ``subject`` by any of ``owers``."""
        talks = self.counting(rule_id, lo, hi, [subject], owers)
        # Reading taken (the page is silent): the parties are the subject and the talker when
        # one person owes the talk, the subject alone when a talk with any of several does.
        parties = tuple(sorted([subject, *owers])) if len(owers) == 1 else (subject,)
        return Ref(rule_id, parties, tuple(sorted(set(owers))), lo, hi, need,
                   self.status(len(talks), need, hi), tuple(talks))  # fmt: skip

    def anchor(self, rule: AnchorRule) -> list[Ref]:
        out = []
        for pid in sorted(self.people):
            base = getattr(self.people[pid], rule.date_field)
            if base is None:
                continue
            year = base.year + rule.every_years  # the date itself is not an anniversary
            if rule.once:
                year = base.year  # ... except for a once rule, where it is the only one
            while year <= self.end.year + 2:
                if year >= self.start.year - 2:
                    ann = base if rule.once else _anniversary(base, year, rule.on_feb_29)
                    lo = ann + timedelta(days=rule.offset_days)
                    hi = lo + timedelta(days=rule.length_days - 1)
                    if (
                        hi >= self.start
                        and lo <= self.end
                        and self.in_group(rule.subjects, pid, ann)
                    ):
                        for owers in self.talker_sets(rule.talker, pid, ann, None):
                            out.append(self.owed(rule.id, pid, owers, lo, hi, rule.at_least))
                if rule.once:
                    break
                year += rule.every_years
        return out

    def trigger(self, rule: TriggerRule) -> list[Ref]:
        out = []
        for event in self.events:
            if event.kind not in rule.events or not self.start <= event.date <= self.end:
                continue
            if not self.in_group(rule.subjects, event.person, event.date):
                continue
            if rule.use_agreed_date and event.agreed_date is not None:
                # reading taken: an agreed date before the event is the event's own day
                due = max(event.agreed_date, event.date)
            else:
                due = self.deadline(rule.deadline, event.date)
            for owers in self.talker_sets(rule.talker, event.person, event.date, event):
                out.append(self.owed(rule.id, event.person, owers, event.date, due, 1))
        return out

    def follow_up(self, rule: FollowUpRule) -> list[Ref]:
        out = []
        # Reading taken: only talks the engine may count (not after as-of) carry requests.
        for entry in self.talks:
            talk = entry.talk
            if not self.start <= talk.date <= self.end:
                continue
            for request in talk.reply_requests:
                if (
                    rule.owed_by == "initiator"
                    and talk.initiator is not None
                    and talk.initiator != request.requested_by
                ):
                    owers = [talk.initiator]
                else:
                    owers = sorted(p for p in entry.people if p != request.requested_by)
                due = self.deadline(rule.deadline, talk.date)
                replied = request.replied_on
                if replied is not None and replied <= due and replied <= self.as_of:
                    status = "met"
                elif replied is not None and replied <= self.as_of:
                    status = "overdue"  # replied late
                else:
                    status = "pending" if self.as_of <= due else "overdue"
                out.append(
                    Ref(rule.id, tuple(sorted([request.requested_by, *owers])),
                        tuple(sorted(set(owers))), talk.date, due, 1, status,
                        (request.id,) if status == "met" else ())
                )  # fmt: skip
        return out


def reference_obligations(
    policy: Policy,
    roster: Roster,
    history: History,
    period: tuple[date, date],
    as_of: date,
    holidays: HolidayCalendar | None = None,
) -> list[Ref]:
    """Every obligation, the naive way, sorted."""
    return Reference(policy, roster, history, period, as_of, holidays).obligations()


# --------------------------------------------------------------------------- helpers


def _dedup(records: Sequence[_R]) -> dict[str, _R]:
    """Records by id: identical copies count once; copies that differ are all dropped."""
    by_id: dict[str, list[_R]] = defaultdict(list)
    for record in records:
        by_id[record.id].append(record)
    return {rid: copies[0] for rid, copies in by_id.items() if all(c == copies[0] for c in copies)}


def _covers(one: date | None, lo: date | None, hi: date | None, day: date) -> bool:
    if one is not None:
        return day == one
    assert lo is not None
    assert hi is not None
    return lo <= day <= hi


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _anniversary(base: date, year: int, on_feb_29: str) -> date:
    if (base.month, base.day) == (2, 29) and not _leap(year):
        return date(year, 2, 28) if on_feb_29 == "feb_28" else date(year, 3, 1)
    return date(year, base.month, base.day)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _talk_day(ref: Reference, talk_id: str) -> date:
    return next(e.talk.date for e in ref.talks if e.talk.id == talk_id)


def _rrule_yields(text: str, day: date) -> bool:
    """Whether a whole-day RRULE of the bundled policies' shapes yields ``day``.

    Supported: ``FREQ=MONTHLY`` or ``FREQ=WEEKLY``, ``BYMONTH``, and ``BYDAY`` with an
    optional ordinal (``-1TH``: the last Thursday of the month; ``2TU``: the second Tuesday).
    """
    parts = dict(chunk.split("=", 1) for chunk in text.upper().removeprefix("RRULE:").split(";"))
    unsupported = set(parts) - {"FREQ", "BYMONTH", "BYDAY"}
    if unsupported or parts.get("FREQ") not in ("MONTHLY", "WEEKLY") or "BYDAY" not in parts:
        raise NotImplementedError(f"the reference does not read RRULE {text!r}")
    if "BYMONTH" in parts and day.month not in {int(m) for m in parts["BYMONTH"].split(",")}:
        return False
    for item in parts["BYDAY"].split(","):
        code, ordinal = item[-2:], item[:-2]
        if DAY_CODES.index(code) != day.weekday():
            continue
        if not ordinal:
            return True
        n = int(ordinal)
        same = [
            d for d in days(date(day.year, day.month, 1), _add_months(day, 1) - ONE)
            if d.weekday() == day.weekday()
        ]  # fmt: skip
        if same[n - 1 if n > 0 else n] == day:
            return True
    return False
