"""The organisation as the policy sees it: who is in which group on which day, how two people
are related, and who is answerable for whom (4.7).

Built once per evaluation from a roster and a policy, then queried by the engine. Role
holdings carry dates, so group membership is a set of day intervals per person: a person's
life in the roster is cut into *segments* at every date on which something about them changes
(a role starts or ends, they join the Party, are hired or leave), and each segment is matched
against every group selector once. Relations use indexes (by unit, by branch, by overseen
unit, by organisation), so no query enumerates all pairs of people.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from ._calendar import MAX_DATE, MIN_DATE
from ._inputs import Person, Roster
from ._policy import GroupSelector, Policy, Relation, ResponsibilityEntry

__all__ = ["Org", "Segment", "Standing"]

Interval = tuple[date, date]


@dataclass(frozen=True, slots=True)
class Segment:
    """Days ``start``…``end`` (inclusive) over which a person's standing does not change."""

    start: date
    end: date
    active: bool
    roles: frozenset[str]
    groups: frozenset[str]


class Standing:
    """One person's segments, indexed for day look-ups; intervals derived on first use.

    ``starts`` holds each segment's first day (the segments cut the whole calendar, so the
    segment of a day is found by bisection) and ``groups`` / ``active`` / ``heads`` each
    segment's standing side by side, so that the questions asked once per talk (in the
    organisation that day? in which groups?) cost one bisection and no allocation.
    """

    __slots__ = ("_groups", "active", "groups", "heads", "person", "segments", "starts")

    def __init__(self, person: Person, segments: list[Segment], heads: list[int]) -> None:
        self.person = person
        self.segments = segments
        self.starts = [s.start for s in segments]
        self.groups = [s.groups for s in segments]
        self.active = [s.active for s in segments]
        self.heads = heads
        """Per segment: 1 if a role held heads a unit, 2 if one heads a branch (both: 3)."""
        self._groups: dict[str, list[Interval]] = {}

    def at(self, day: date) -> int:
        """The index of the segment holding ``day``."""
        return bisect.bisect_right(self.starts, day) - 1

    def group_intervals(self, gid: str) -> list[Interval]:
        found = self._groups.get(gid)
        if found is None:
            found = merge((s.start, s.end) for s in self.segments if gid in s.groups)
            self._groups[gid] = found
        return found

    def heads_intervals(self, flag: int) -> list[Interval]:
        key = "\0heads_unit" if flag == 1 else "\0heads_branch"  # not a group id
        found = self._groups.get(key)
        if found is None:
            found = merge(
                (s.start, s.end) for s, h in zip(self.segments, self.heads, strict=True) if h & flag
            )
            self._groups[key] = found
        return found


_NO_ROLES: frozenset[str] = frozenset()


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
    Building it costs one pass over each person's role holdings: group selectors are matched
    once per distinct standing (roles held, Party member or not), not once per segment of
    every person, and interval lists are derived only for the people a question is asked about.
    """

    def __init__(self, policy: Policy, people: Iterable[Person]) -> None:
        self.policy = policy
        self.people: dict[str, Person] = {p.id: p for p in people}
        self._heads = {r.id: r.heads for r in policy.roles}
        self._order = _group_order(policy)
        self._selectors = {g.id: g.members for g in policy.groups}
        self._standing: dict[str, Standing] = {}
        self._members: dict[str, list[str]] = defaultdict(list)
        self._member_sets: dict[str, frozenset[str]] = {}
        self._active: dict[str, list[Interval]] = {}
        self._matched: dict[tuple[frozenset[str], bool], tuple[frozenset[str], int]] = {}
        self._pools: dict[tuple[str, str | tuple[str, ...] | None, str], list[str]] = {}
        self._answerable: dict[tuple[object, ...], list[str]] = {}
        self.by_unit: dict[str, list[str]] = defaultdict(list)
        self.by_branch: dict[str, list[str]] = defaultdict(list)
        self.by_organisation: dict[str | None, list[str]] = defaultdict(list)
        """Everyone, by organisation; ``None`` holds the roster's own (unnamed) institution."""
        self.overseers: dict[str, list[str]] = defaultdict(list)
        members = self._members
        for pid in sorted(self.people):
            person = self.people[pid]
            standing = self._build(person)
            self._standing[pid] = standing
            groups = standing.groups
            ever = groups[0] if len(groups) == 1 else frozenset().union(*groups)
            for gid in ever:
                members[gid].append(pid)
            if person.unit is not None:
                self.by_unit[person.unit].append(pid)
            if person.branch is not None:
                self.by_branch[person.branch].append(pid)
            self.by_organisation[person.organisation].append(pid)
            if person.oversees:
                for unit in sorted(set(person.oversees)):
                    self.overseers[unit].append(pid)

    # ------------------------------------------------------------------ standing

    def _build(self, person: Person) -> Standing:
        cuts = {MIN_DATE}
        for holding in person.roles:
            if holding.since is not None:
                cuts.add(holding.since)
            if holding.until is not None and holding.until < MAX_DATE:
                cuts.add(_next_day(holding.until))
        hired, left, joined = person.hired, person.left, person.party_joined
        if hired is not None:
            cuts.add(hired)
        if joined is not None:
            cuts.add(joined)
        if left is not None and left < MAX_DATE:
            cuts.add(_next_day(left))
        starts = sorted(cuts)
        segments: list[Segment] = []
        heads: list[int] = []
        known_roles = self._heads
        matched = self._matched
        last = len(starts) - 1
        for i, start in enumerate(starts):
            end = starts[i + 1] - timedelta(days=1) if i < last else MAX_DATE
            active = (hired is None or hired <= start) and (left is None or end <= left)
            if not active:
                segments.append(Segment(start, end, False, _NO_ROLES, _NO_ROLES))
                heads.append(0)
                continue
            roles = frozenset(
                h.role
                for h in person.roles
                if h.role in known_roles
                and (h.since is None or h.since <= start)
                and (h.until is None or end <= h.until)
            ) if person.roles else _NO_ROLES  # fmt: skip
            member = person.party_member and (joined is None or joined <= start)
            key = (roles, member)
            found = matched.get(key)
            if found is None:
                found = self._standing_of(roles, member)
                matched[key] = found
            segments.append(Segment(start, end, True, roles, found[0]))
            heads.append(found[1])
        return Standing(person, segments, heads)

    def _standing_of(self, roles: frozenset[str], member: bool) -> tuple[frozenset[str], int]:
        """The groups of an active person with these roles and Party standing; head flags."""
        in_groups: set[str] = set()
        for gid in self._order:
            if self._match(self._selectors[gid], roles, member, in_groups):
                in_groups.add(gid)
        flags = (1 if any(self._heads[r] == "unit" for r in roles) else 0) | (
            2 if any(self._heads[r] == "branch" for r in roles) else 0
        )
        return frozenset(in_groups), flags

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
        standing = self._standing[pid]
        return standing.active[standing.at(day)]

    def standing(self, pid: str) -> Standing | None:
        """The person's standing over time (None for someone not on the roster)."""
        return self._standing.get(pid)

    def groups_on(self, pid: str, day: date) -> frozenset[str]:
        """The groups the person is in on ``day`` (empty for someone not on the roster)."""
        standing = self._standing.get(pid)
        if standing is None:
            return _NO_ROLES
        return standing.groups[standing.at(day)]

    def member_set(self, gid: str) -> frozenset[str]:
        """Everyone ever in the group, as a set (cached)."""
        if gid not in self._member_sets:
            self._member_sets[gid] = frozenset(self.members(gid))
        return self._member_sets[gid]

    def group_intervals(self, gid: str, pid: str) -> list[Interval]:
        """Days on which the person is in the group."""
        standing = self._standing.get(pid)
        return standing.group_intervals(gid) if standing else []

    def in_group(self, gid: str, pid: str, day: date) -> bool:
        """Whether the person is in the group on ``day``."""
        standing = self._standing.get(pid)
        return standing is not None and gid in standing.groups[standing.at(day)]

    def members(self, gid: str) -> list[str]:
        """Everyone who is in the group on at least one day, sorted."""
        return self._members.get(gid, [])

    def members_on(self, gid: str, day: date) -> list[str]:
        """Members of the group on ``day``, sorted."""
        return [p for p in self.members(gid) if self.in_group(gid, p, day)]

    def roles_on(self, pid: str, day: date) -> frozenset[str]:
        """The roles a person holds on ``day``."""
        standing = self._standing[pid]
        return standing.segments[standing.at(day)].roles

    # ------------------------------------------------------------------ relations

    def related(self, relations: Sequence[Relation], a: str, b: str, day: date) -> bool:
        """Whether every relation holds from ``a`` to ``b`` on ``day``."""
        if not relations:
            return True
        pa, pb = self.people[a], self.people[b]
        for rel in relations:
            if rel == "oversees":
                ok = pb.unit is not None and pb.unit in pa.oversees
            elif rel == "same_unit":
                ok = pa.unit is not None and pa.unit == pb.unit
            elif rel == "same_branch":
                ok = pa.branch is not None and pa.branch == pb.branch
            elif rel == "same_organisation":
                ok = pa.organisation == pb.organisation
            elif rel == "heads_unit":
                ok = pa.unit is not None and pa.unit == pb.unit and self._heads_on(a, 1, day)
            else:
                ok = pa.branch is not None and pa.branch == pb.branch and self._heads_on(a, 2, day)
            if not ok:
                return False
        return True

    def _heads_on(self, pid: str, flag: int, day: date) -> bool:
        standing = self._standing[pid]
        return bool(standing.heads[standing.at(day)] & flag)

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
            elif rel == "same_organisation":
                ok = pa.organisation == pb.organisation
            elif rel == "heads_unit":
                ok = pa.unit is not None and pa.unit == pb.unit
                days = intersect(days, self._standing[a].heads_intervals(1))
            else:
                ok = pa.branch is not None and pa.branch == pb.branch
                days = intersect(days, self._standing[a].heads_intervals(2))
            if not ok:
                return []
        return days

    def targets(self, relations: Sequence[Relation], a: str, group: str) -> list[str]:
        """Candidates ``b`` in ``group`` (on some day) that ``a`` may relate to, via indexes."""
        return [b for b in self.target_pool(relations, a, group) if b != a]

    def target_pool(self, relations: Sequence[Relation], a: str, group: str) -> list[str]:
        """:meth:`targets` before ``a`` is taken out: a shared, cached list (do not change it).

        For a caller that stops at the first candidate that will do: a whole hospital's
        members need not be copied to find one.
        """
        if not relations:
            return self.members(group)
        pa = self.people[a]
        rel = _indexed(relations)
        if rel == "oversees":
            pool = self._pool("oversees", tuple(sorted(set(pa.oversees))), group)
        elif rel in {"same_unit", "heads_unit"}:
            pool = self._pool("unit", pa.unit, group)
        elif rel == "same_organisation":
            pool = self._pool("organisation", pa.organisation, group)
        else:
            pool = self._pool("branch", pa.branch, group)
        return pool

    def sources(self, relations: Sequence[Relation], b: str, group: str) -> list[str]:
        """Candidates ``a`` in ``group`` that may relate to ``b``, via indexes."""
        return [a for a in self._candidates(relations, self.people[b], group) if a != b]

    def _pool(self, index: str, key: str | tuple[str, ...] | None, group: str) -> list[str]:
        """Members of ``group`` (on some day) in an index entry, sorted; cached.

        Everyone in a unit asks who heads it (the responsibility chain, for each person): the
        candidates depend only on the unit and the group, so they are found once per unit.
        """
        cache_key = (index, key, group)
        found = self._pools.get(cache_key)
        if found is None:
            if index == "organisation":  # None is an organisation: the roster's own
                base: Iterable[str] = self.by_organisation.get(cast("str | None", key), [])
            elif key is None:
                base = ()
            elif index == "oversees":
                base = [p for unit in key for p in self.by_unit.get(unit, [])]
            elif index == "overseers":
                base = self.overseers.get(cast(str, key), [])
            elif index == "unit":
                base = self.by_unit.get(cast(str, key), [])
            else:
                base = self.by_branch.get(cast(str, key), [])
            wanted = self.member_set(group)
            found = sorted({p for p in base if p in wanted})
            self._pools[cache_key] = found
        return found

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
        return [
            (entry, [a for a in found if a != pid])
            for entry, found in self.answerable_candidates(pid, day)
        ]

    def answerable_candidates(
        self, pid: str, day: date
    ) -> list[tuple[ResponsibilityEntry, list[str]]]:
        """:meth:`answerable`, where the lists may still hold the person themselves.

        Which entries apply depends only on the person's groups that day; the lists only on
        their unit, branch, organisation and the day — so callers may share the answer between
        people.
        """
        chain = self.policy.responsibility
        if chain is None:
            return []
        out: list[tuple[ResponsibilityEntry, list[str]]] = []
        person = self.people[pid]
        for index, entry in enumerate(chain.entries):
            if not self.in_group(entry.subjects, pid, day):
                continue
            # Who may answer depends on the person only through their unit, branch and
            # organisation (every relation reads those), so the candidates are found once per
            # unit, branch, organisation and day.
            key = (
                (index, person.unit, person.branch, person.organisation, day)
                if entry.relation
                else (index, day)
            )
            found = self._answerable.get(key)
            if found is None:
                found = [
                    a
                    for a in self._candidates(entry.relation, person, entry.answerable)
                    if self.in_group(entry.answerable, a, day)
                    and self.related(entry.relation, a, pid, day)
                ]
                self._answerable[key] = found
            out.append((entry, found))
            if chain.resolution == "first_match":
                break
        return out

    def _candidates(self, relations: Sequence[Relation], pb: Person, group: str) -> list[str]:
        """:meth:`sources` for ``pb``, without leaving ``pb`` out."""
        if not relations:
            return self.members(group)
        rel = _indexed(relations)
        if rel == "oversees":
            return self._pool("overseers", pb.unit, group)
        if rel in {"same_unit", "heads_unit"}:
            return self._pool("unit", pb.unit, group)
        if rel == "same_organisation":
            return self._pool("organisation", pb.organisation, group)
        return self._pool("branch", pb.branch, group)

    def answerable_people(self, pid: str, day: date) -> list[str]:
        """Everyone answerable for the person on ``day`` under any applicable entry, sorted."""
        return sorted({a for _, people in self.answerable(pid, day) for a in people})

    def iter_people(self) -> Iterator[Person]:
        """People in id order."""
        for pid in sorted(self.people):
            yield self.people[pid]


def _indexed(relations: Sequence[Relation]) -> Relation:
    """The relation whose index finds candidates: any but ``same_organisation`` if there is one.

    Every relation of the list is checked afterwards; this one only narrows the pool, and an
    organisation (a whole hospital) is the widest pool of all.
    """
    return next((r for r in relations if r != "same_organisation"), relations[0])


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
