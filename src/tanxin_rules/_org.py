"""The organisation as the policy sees it: who is in which group on which day, how two people
are related, and who is answerable for whom (4.7).

Built once per evaluation from a roster and a policy, then queried by the engine. Role
holdings carry dates, so group membership is a set of day intervals per person: a person's
life in the roster is cut into *segments* at every date on which something about them changes
(a role starts or ends, they join the Party, are hired or leave), and each segment is matched
against every group selector once. Relations use indexes (by unit, by branch, by overseen
unit), so no query enumerates all pairs of people.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from ._calendar import MAX_DATE, MIN_DATE
from ._inputs import Person, Roster
from ._policy import GroupSelector, Policy, Relation, ResponsibilityEntry

__all__ = ["Org", "Segment"]

Interval = tuple[date, date]


@dataclass(frozen=True, slots=True)
class Segment:
    """Days ``start``…``end`` (inclusive) over which a person's standing does not change."""

    start: date
    end: date
    active: bool
    roles: frozenset[str]
    groups: frozenset[str]


@dataclass(slots=True)
class _Standing:
    person: Person
    segments: list[Segment]
    groups: dict[str, list[Interval]] = field(default_factory=dict)
    heads_unit: list[Interval] = field(default_factory=list)
    heads_branch: list[Interval] = field(default_factory=list)


def _next_day(day: date) -> date:
    return day + timedelta(days=1) if day < MAX_DATE else MAX_DATE


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping, non-adjacent intervals covering the same days."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= _next_day(out[-1][1]):
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _covers(intervals: Sequence[Interval], day: date) -> bool:
    i = bisect.bisect_right(intervals, (day, MAX_DATE))
    return i > 0 and intervals[i - 1][0] <= day <= intervals[i - 1][1]


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Days in both interval lists."""
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start <= end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


class Org:
    """Group membership over time, relations and the responsibility chain for one roster.

    ``people`` must already be unique by id (the engine reports duplicates as findings).
    """

    def __init__(self, policy: Policy, people: Iterable[Person]) -> None:
        self.policy = policy
        self.people: dict[str, Person] = {p.id: p for p in people}
        self._heads = {r.id: r.heads for r in policy.roles}
        self._order = _group_order(policy)
        self._selectors = {g.id: g.members for g in policy.groups}
        self._standing: dict[str, _Standing] = {}
        self._members: dict[str, list[str]] = defaultdict(list)
        self._member_sets: dict[str, frozenset[str]] = {}
        self._active: dict[str, list[Interval]] = {}
        self.by_unit: dict[str, list[str]] = defaultdict(list)
        self.by_branch: dict[str, list[str]] = defaultdict(list)
        self.overseers: dict[str, list[str]] = defaultdict(list)
        for pid in sorted(self.people):
            person = self.people[pid]
            standing = self._build(person)
            self._standing[pid] = standing
            for gid, intervals in standing.groups.items():
                if intervals:
                    self._members[gid].append(pid)
            if person.unit is not None:
                self.by_unit[person.unit].append(pid)
            if person.branch is not None:
                self.by_branch[person.branch].append(pid)
            for unit in sorted(set(person.oversees)):
                self.overseers[unit].append(pid)

    # ------------------------------------------------------------------ standing

    def _build(self, person: Person) -> _Standing:
        cuts = {MIN_DATE}
        for holding in person.roles:
            if holding.since is not None:
                cuts.add(holding.since)
            if holding.until is not None and holding.until < MAX_DATE:
                cuts.add(_next_day(holding.until))
        for day in (person.hired, person.party_joined):
            if day is not None:
                cuts.add(day)
        if person.left is not None and person.left < MAX_DATE:
            cuts.add(_next_day(person.left))
        starts = sorted(cuts)
        segments: list[Segment] = []
        groups: dict[str, list[Interval]] = defaultdict(list)
        heads_unit: list[Interval] = []
        heads_branch: list[Interval] = []
        known_roles = self._heads
        for i, start in enumerate(starts):
            end = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else MAX_DATE
            active = (person.hired is None or person.hired <= start) and (
                person.left is None or end <= person.left
            )
            roles = frozenset(
                h.role
                for h in person.roles
                if h.role in known_roles
                and (h.since is None or h.since <= start)
                and (h.until is None or end <= h.until)
            ) if active else frozenset()  # fmt: skip
            member = (
                active
                and person.party_member
                and (person.party_joined is None or person.party_joined <= start)
            )
            in_groups: set[str] = set()
            if active:
                for gid in self._order:
                    if self._match(self._selectors[gid], roles, member, in_groups):
                        in_groups.add(gid)
                        groups[gid].append((start, end))
                if any(known_roles[r] == "unit" for r in roles):
                    heads_unit.append((start, end))
                if any(known_roles[r] == "branch" for r in roles):
                    heads_branch.append((start, end))
            segments.append(Segment(start, end, active, roles, frozenset(in_groups)))
        return _Standing(
            person,
            segments,
            {g: merge(v) for g, v in groups.items()},
            merge(heads_unit),
            merge(heads_branch),
        )

    @staticmethod
    def _match(sel: GroupSelector, roles: frozenset[str], member: bool, groups: set[str]) -> bool:
        if sel.any_role is not None and roles.isdisjoint(sel.any_role):
            return False
        if sel.all_roles is not None and not roles.issuperset(sel.all_roles):
            return False
        if sel.no_role is not None and not roles.isdisjoint(sel.no_role):
            return False
        if sel.in_group is not None and groups.isdisjoint(sel.in_group):
            return False
        if sel.not_in_group is not None and not groups.isdisjoint(sel.not_in_group):
            return False
        return sel.party_member is None or sel.party_member == member

    def segments(self, pid: str) -> list[Segment]:
        """The person's standing over time."""
        return self._standing[pid].segments

    def active_intervals(self, pid: str) -> list[Interval]:
        """Days on which the person is in the organisation."""
        if pid not in self._active:
            self._active[pid] = merge(
                (s.start, s.end) for s in self._standing[pid].segments if s.active
            )
        return self._active[pid]

    def is_active(self, pid: str, day: date) -> bool:
        """Whether the person is in the organisation on ``day``."""
        return _covers(self.active_intervals(pid), day)

    def member_set(self, gid: str) -> frozenset[str]:
        """Everyone ever in the group, as a set (cached)."""
        if gid not in self._member_sets:
            self._member_sets[gid] = frozenset(self.members(gid))
        return self._member_sets[gid]

    def group_intervals(self, gid: str, pid: str) -> list[Interval]:
        """Days on which the person is in the group."""
        standing = self._standing.get(pid)
        return standing.groups.get(gid, []) if standing else []

    def in_group(self, gid: str, pid: str, day: date) -> bool:
        """Whether the person is in the group on ``day``."""
        return _covers(self.group_intervals(gid, pid), day)

    def members(self, gid: str) -> list[str]:
        """Everyone who is in the group on at least one day, sorted."""
        return self._members.get(gid, [])

    def members_on(self, gid: str, day: date) -> list[str]:
        """Members of the group on ``day``, sorted."""
        return [p for p in self.members(gid) if self.in_group(gid, p, day)]

    def roles_on(self, pid: str, day: date) -> frozenset[str]:
        """The roles a person holds on ``day``."""
        for segment in self._standing[pid].segments:
            if segment.start <= day <= segment.end:
                return segment.roles
        return frozenset()

    # ------------------------------------------------------------------ relations

    def related(self, relations: Sequence[Relation], a: str, b: str, day: date) -> bool:
        """Whether every relation holds from ``a`` to ``b`` on ``day``."""
        pa, pb = self.people[a], self.people[b]
        for rel in relations:
            if rel == "oversees":
                ok = pb.unit is not None and pb.unit in pa.oversees
            elif rel == "same_unit":
                ok = pa.unit is not None and pa.unit == pb.unit
            elif rel == "same_branch":
                ok = pa.branch is not None and pa.branch == pb.branch
            elif rel == "heads_unit":
                ok = (
                    pa.unit is not None
                    and pa.unit == pb.unit
                    and _covers(self._standing[a].heads_unit, day)
                )
            else:
                ok = (
                    pa.branch is not None
                    and pa.branch == pb.branch
                    and _covers(self._standing[a].heads_branch, day)
                )
            if not ok:
                return False
        return True

    def related_intervals(self, relations: Sequence[Relation], a: str, b: str) -> list[Interval]:
        """Days on which every relation holds from ``a`` to ``b``."""
        days: list[Interval] = [(MIN_DATE, MAX_DATE)]
        pa, pb = self.people[a], self.people[b]
        for rel in relations:
            if rel == "oversees":
                ok = pb.unit is not None and pb.unit in pa.oversees
            elif rel == "same_unit":
                ok = pa.unit is not None and pa.unit == pb.unit
            elif rel == "same_branch":
                ok = pa.branch is not None and pa.branch == pb.branch
            elif rel == "heads_unit":
                ok = pa.unit is not None and pa.unit == pb.unit
                days = intersect(days, self._standing[a].heads_unit)
            else:
                ok = pa.branch is not None and pa.branch == pb.branch
                days = intersect(days, self._standing[a].heads_branch)
            if not ok:
                return []
        return days

    def targets(self, relations: Sequence[Relation], a: str, group: str) -> list[str]:
        """Candidates ``b`` in ``group`` (on some day) that ``a`` may relate to, via indexes."""
        pa = self.people[a]
        pool: Iterable[str] | None = None
        for rel in relations:
            if rel == "oversees":
                pool = [p for unit in sorted(set(pa.oversees)) for p in self.by_unit.get(unit, [])]
            elif rel in {"same_unit", "heads_unit"}:
                pool = self.by_unit.get(pa.unit, []) if pa.unit is not None else []
            else:
                pool = self.by_branch.get(pa.branch, []) if pa.branch is not None else []
            break
        if pool is None:
            return [b for b in self.members(group) if b != a]
        wanted = self.member_set(group)
        return sorted({b for b in pool if b in wanted and b != a})

    def sources(self, relations: Sequence[Relation], b: str, group: str) -> list[str]:
        """Candidates ``a`` in ``group`` that may relate to ``b``, via indexes."""
        pb = self.people[b]
        pool: Iterable[str] | None = None
        for rel in relations:
            if rel == "oversees":
                pool = self.overseers.get(pb.unit, []) if pb.unit is not None else []
            elif rel in {"same_unit", "heads_unit"}:
                pool = self.by_unit.get(pb.unit, []) if pb.unit is not None else []
            else:
                pool = self.by_branch.get(pb.branch, []) if pb.branch is not None else []
            break
        if pool is None:
            return [a for a in self.members(group) if a != b]
        wanted = self.member_set(group)
        return sorted({a for a in pool if a in wanted and a != b})

    def pair_days(
        self, first: str, second: str, relations: Sequence[Relation], a: str, b: str
    ) -> list[Interval]:
        """Days on which ``a`` is in ``first``, ``b`` in ``second`` and the relations hold."""
        days = intersect(self.group_intervals(first, a), self.group_intervals(second, b))
        if days and relations:
            days = intersect(days, self.related_intervals(relations, a, b))
        return days

    # ------------------------------------------------------------------ responsibility

    def answerable(self, pid: str, day: date) -> list[tuple[ResponsibilityEntry, list[str]]]:
        """For each chain entry that applies to the person on ``day``: who answers for them."""
        chain = self.policy.responsibility
        if chain is None:
            return []
        out: list[tuple[ResponsibilityEntry, list[str]]] = []
        for entry in chain.entries:
            if not self.in_group(entry.subjects, pid, day):
                continue
            people = [
                a
                for a in self.sources(entry.relation, pid, entry.answerable)
                if self.in_group(entry.answerable, a, day)
                and self.related(entry.relation, a, pid, day)
            ]
            out.append((entry, people))
            if chain.resolution == "first_match":
                break
        return out

    def answerable_people(self, pid: str, day: date) -> list[str]:
        """Everyone answerable for the person on ``day`` under any applicable entry, sorted."""
        return sorted({a for _, people in self.answerable(pid, day) for a in people})

    def iter_people(self) -> Iterator[Person]:
        """People in id order."""
        for pid in sorted(self.people):
            yield self.people[pid]


def _group_order(policy: Policy) -> list[str]:
    """Group ids so that every group comes after the groups its selector names."""
    index = {g.id: g for g in policy.groups}
    done: list[str] = []
    seen: set[str] = set()

    def visit(gid: str) -> None:
        if gid in seen:
            return
        seen.add(gid)
        for ref in index[gid].members.group_refs():
            if ref in index:
                visit(ref)
        done.append(gid)

    for group in policy.groups:
        visit(group.id)
    return done


def roster_people(roster: Roster) -> list[Person]:
    """The roster's people (convenience for callers that already deduplicated)."""
    return list(roster.people)
