"""Static analysis of a policy, alone or against a roster: what validation cannot call an error.

A policy that validates can still be wrong in ways a reviewer wants to hear about: a rule
that can never apply, two rules saying the same thing, a trigger no one answers, a parameter
or clause nothing uses. With a roster, the responsibility chain (4.7) is checked for people no
one answers for, cycles and groups that turn out empty.

Each finding is a :class:`~tanxin_rules.Problem` with a ``code``, a ``level`` (``error``,
``warning``, ``info``) and the ``path`` of the policy node concerned; the CLI turns the path
into ``file:line:col``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Literal

from ._errors import Problem
from ._inputs import Roster
from ._org import Org
from ._policy import (
    AnchorRule,
    CalendarPeriod,
    CoverageRule,
    FrequencyRule,
    GroupSelector,
    Policy,
    SlotRule,
    TalkerByEventCounterpart,
    TalkerByGroup,
    TalkerByResponsibility,
    TopicsRule,
    TriggerRule,
    WindowRule,
)
from ._trace import trace

__all__ = ["LEVELS", "lint"]

Level = Literal["error", "warning", "info"]
LEVELS: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
"""Severity order, for ``--fail-level``."""


def lint(
    policy: Policy, roster: Roster | None = None, *, on: date | None = None, file: str = "<policy>"
) -> list[Problem]:
    """Every static finding about ``policy`` (and, with ``roster``, about the chain on ``on``)."""
    out: list[Problem] = []

    def add(code: str, level: Level, path: tuple[str | int, ...], message: str) -> None:
        out.append(Problem(message, file=file, path=path, code=code, level=level))

    empty = _empty_groups(policy)
    _never_applies(policy, empty, add)
    _duplicates(policy, add)
    _unanswered_triggers(policy, add)
    _unused(policy, add)
    if roster is not None:
        _roster_checks(policy, roster, on or date.today(), add)
    return out


def _index(items: Iterable[Any]) -> dict[str, int]:  # items: models with an ``id``
    return {item.id: i for i, item in enumerate(items)}


# --------------------------------------------------------------------------- empty groups


def _unsatisfiable(sel: GroupSelector, empty: set[str], selectors: dict[str, GroupSelector]) -> str:
    """Why a selector can match no one, or ''."""
    if (
        sel.any_role is not None
        and sel.no_role is not None
        and set(sel.any_role) <= set(sel.no_role)
    ):
        return "every role of any_role is also in no_role"
    if (
        sel.all_roles is not None
        and sel.no_role is not None
        and set(sel.all_roles) & set(sel.no_role)
    ):
        return "all_roles and no_role share a role"
    if sel.in_group is not None and all(g in empty for g in sel.in_group):
        return "every group of in_group is empty by definition"
    if (
        sel.in_group is not None
        and sel.not_in_group is not None
        and set(sel.in_group) <= set(sel.not_in_group)
    ):
        return "every group of in_group is also in not_in_group"
    if sel.party_member is not None and sel.in_group is not None:
        wanted = sel.party_member
        if all(selectors[g].party_member is (not wanted) for g in sel.in_group if g in selectors):
            return "party_member contradicts every group of in_group"
    return ""


def _empty_groups(policy: Policy) -> dict[str, str]:
    selectors = {g.id: g.members for g in policy.groups}
    empty: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for group in policy.groups:
            if group.id in empty:
                continue
            why = _unsatisfiable(group.members, set(empty), selectors)
            if why:
                empty[group.id] = why
                changed = True
    return empty


def _never_applies(policy: Policy, empty: dict[str, str], add: Any) -> None:
    groups = _index(policy.groups)
    for gid, why in empty.items():
        add(
            "empty-group",
            "warning",
            ("groups", groups[gid], "members"),
            f"group {gid!r} can contain no one: {why}",
        )
    scopes = {s.id: s for s in policy.scopes}
    for i, scope in enumerate(policy.scopes):
        dead = [g for g in scope.between if g in empty]
        if dead:
            add(
                "never-applies",
                "warning",
                ("scopes", i, "between"),
                f"scope {scope.id!r} can have no pair: group {dead[0]!r} is empty by definition",
            )
    for i, rule in enumerate(policy.rules):
        names: list[str] = []
        if isinstance(rule, FrequencyRule | WindowRule) and rule.scope in scopes:
            names = list(scopes[rule.scope].between)
        elif isinstance(rule, CoverageRule | SlotRule):
            names = [rule.talkers, rule.counterparts]
        elif isinstance(rule, AnchorRule | TriggerRule):
            names = [rule.subjects]
        dead = [g for g in names if g in empty]
        if dead:
            add(
                "never-applies",
                "warning",
                ("rules", i),
                f"rule {rule.id!r} can never apply: group {dead[0]!r} is empty by definition",
            )


# --------------------------------------------------------------------------- duplicates


def _signature(rule: Any) -> str:
    data = rule.model_dump(exclude={"id", "label", "note", "clause", "level"})
    return repr(sorted(data.items()))


_FINER = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def _duplicates(policy: Policy, add: Any) -> None:
    seen: dict[str, int] = {}
    for i, rule in enumerate(policy.rules):
        sig = _signature(rule)
        if sig in seen:
            first = policy.rules[seen[sig]]
            add(
                "duplicate-rule",
                "warning",
                ("rules", i),
                f"rule {rule.id!r} says the same as rule {first.id!r}",
            )
        else:
            seen[sig] = i
    freq = [(i, r) for i, r in enumerate(policy.rules) if isinstance(r, FrequencyRule)]
    for i, weak in freq:
        for j, strong in freq:
            if i == j or weak.scope != strong.scope or _signature(weak) == _signature(strong):
                continue
            wp, sp = weak.period, strong.period
            if not (isinstance(wp, CalendarPeriod) and isinstance(sp, CalendarPeriod)):
                continue
            ratio, rest = divmod(_FINER[wp.unit], _FINER[sp.unit])
            if (
                wp.every == sp.every == 1
                and ratio > 1
                and rest == 0
                and strong.at_least * ratio >= weak.at_least
                and strong.level == "must"
            ):
                add(
                    "shadowed-rule",
                    "info",
                    ("rules", i),
                    f"rule {weak.id!r} is implied by rule {strong.id!r} (same scope, a finer "
                    "period, enough talks): meeting the latter always meets it",
                )


# --------------------------------------------------------------------------- triggers


def _unanswered_triggers(policy: Policy, add: Any) -> None:
    chain = policy.responsibility
    subjects = {e.subjects for e in chain.entries} if chain else set()
    for i, rule in enumerate(policy.rules):
        if not isinstance(rule, TriggerRule | AnchorRule):
            continue
        talker = rule.talker
        by_chain = isinstance(talker, TalkerByResponsibility) or (
            isinstance(talker, TalkerByEventCounterpart) and talker.otherwise == "responsibility"
        )
        if by_chain and not _covered_by_chain(policy, rule.subjects, subjects):
            add(
                "unanswered-trigger",
                "warning",
                ("rules", i, "talker"),
                f"rule {rule.id!r}: no responsibility entry names group {rule.subjects!r} or a "
                "group containing it, so its subjects may have no one to talk with them",
            )
        if isinstance(talker, TalkerByEventCounterpart) and isinstance(rule, TriggerRule):
            kinds = {k.id: k for k in policy.event_kinds}
            lacking = [e for e in rule.events if e in kinds and not kinds[e].has_counterpart]
            if lacking:
                add(
                    "counterpart-never-given",
                    "warning",
                    ("rules", i, "talker"),
                    f"rule {rule.id!r} asks the event's counterpart to talk, but event kind "
                    f"{lacking[0]!r} has no counterpart (has_counterpart: false)",
                )
        if (
            isinstance(talker, TalkerByGroup)
            and talker.group == rule.subjects
            and not (talker.relation)
        ):
            add(
                "self-talk-risk",
                "info",
                ("rules", i, "talker"),
                f"rule {rule.id!r}: the talkers are the subjects' own group with no relation; "
                "any other member discharges it",
            )


def _covered_by_chain(policy: Policy, group: str, subjects: set[str]) -> bool:
    """Whether some chain entry's subject group contains ``group`` by definition."""
    if group in subjects:
        return True
    selectors = {g.id: g.members for g in policy.groups}
    for sid in subjects:
        sel = selectors.get(sid)
        if sel is not None and sel.everyone:
            return True
    sel = selectors.get(group)
    return bool(sel and sel.in_group and all(g in subjects for g in sel.in_group))


# --------------------------------------------------------------------------- unused


def _unused(policy: Policy, add: Any) -> None:
    uses = policy.parameter_uses()
    for i, param in enumerate(policy.parameters):
        if param.id not in uses:
            add(
                "unused-parameter",
                "warning",
                ("parameters", i),
                f"parameter {param.id!r} is never used",
            )
    for clause in trace(policy).unencoded:
        index = next((i for i, c in enumerate(policy.source.clauses) if clause.startswith(c.id)), 0)
        add(
            "unencoded-clause",
            "warning",
            ("source", "clauses", index),
            f"clause {clause} of the source is encoded by no scope, rule, responsibility entry "
            "or guidance",
        )
    refs = _references(policy)
    sections: list[tuple[str, list[Any], str]] = [
        ("event_kinds", list(policy.event_kinds), "event kind"),
        ("meeting_kinds", list(policy.meeting_kinds), "meeting kind"),
        ("topics", list(policy.topics), "topic"),
        ("groups", list(policy.groups), "group"),
        ("roles", list(policy.roles), "role"),
        ("parts_of_day", list(policy.parts_of_day), "part of day"),
    ]
    for section, items, what in sections:
        for i, item in enumerate(items):
            if item.id not in refs[section]:
                add(
                    "unused-" + what.replace(" ", "-"),
                    "info",
                    (section, i),
                    f"{what} {item.id!r} is not used by any rule, scope, group or the chain",
                )


def _references(policy: Policy) -> dict[str, set[str]]:
    """Every vocabulary id some part of the policy refers to, by section."""
    refs: dict[str, set[str]] = {
        k: set()
        for k in ("event_kinds", "meeting_kinds", "topics", "groups", "roles", "parts_of_day")
    }
    for group in policy.groups:
        refs["roles"].update(group.members.role_refs())
        refs["groups"].update(group.members.group_refs())
    for scope in policy.scopes:
        refs["groups"].update(scope.between)
    if policy.responsibility is not None:
        for entry in policy.responsibility.entries:
            refs["groups"].update((entry.subjects, entry.answerable))
    for rule in policy.rules:
        if isinstance(rule, TriggerRule):
            refs["event_kinds"].update(rule.events)
        if isinstance(rule, WindowRule):
            refs["meeting_kinds"].add(rule.meeting)
        if isinstance(rule, TopicsRule):
            refs["topics"].update(rule.expected)
        if isinstance(rule, SlotRule) and rule.part_of_day is not None:
            refs["parts_of_day"].add(rule.part_of_day)
        if isinstance(rule, CoverageRule | SlotRule):
            refs["groups"].update((rule.talkers, rule.counterparts))
        if isinstance(rule, AnchorRule | TriggerRule):
            refs["groups"].add(rule.subjects)
            if isinstance(rule.talker, TalkerByGroup):
                refs["groups"].add(rule.talker.group)
    return refs


# --------------------------------------------------------------------------- roster


def _roster_checks(policy: Policy, roster: Roster, on: date, add: Any) -> None:
    ids = [p.id for p in roster.people]
    people = list({p.id: p for p in roster.people}.values())
    org = Org(policy, people)
    groups = _index(policy.groups)
    for group in policy.groups:
        if not org.members_on(group.id, on):
            add(
                "empty-in-roster",
                "info",
                ("groups", groups[group.id]),
                f"group {group.id!r} has no member in this roster on {on}",
            )
    if len(ids) != len(people):
        add(
            "duplicate-person",
            "error",
            ("roster",),
            f"{len(ids) - len(people)} duplicate person id(s) in the roster",
        )
    chain = policy.responsibility
    if chain is None:
        return
    answers: dict[str, set[str]] = {}
    for person in org.iter_people():
        if not org.is_active(person.id, on):
            continue
        applies = org.answerable(person.id, on)
        found = {a for _, who in applies for a in who}
        answers[person.id] = found
        if applies and not found:
            add(
                "orphan",
                "warning",
                ("responsibility",),
                f"{person.name or person.id} ({person.id}) has no one answerable for them on {on}",
            )
        elif not applies:
            add(
                "not-covered",
                "info",
                ("responsibility",),
                f"{person.name or person.id} ({person.id}) matches no responsibility entry",
            )
    for cycle in _cycles(answers):
        if len(cycle) == 2:
            level: Level = "info"
            note = " (two people answerable for each other)"
        else:
            level = "warning"
            note = ""
        add(
            "responsibility-cycle",
            level,
            ("responsibility",),
            "answerable for one another in a cycle: " + " → ".join([*cycle, cycle[0]]) + note,
        )
    unit_of = {p.id: p.unit for p in people}
    overseers: dict[str, list[str]] = {}
    for person in people:
        for unit in person.oversees:
            overseers.setdefault(unit, []).append(person.id)
    reported: set[tuple[str, str]] = set()
    for person in people:
        for other in overseers.get(person.unit or "", []):
            pair = (min(person.id, other), max(person.id, other))
            if other != person.id and unit_of[other] in person.oversees and pair not in reported:
                reported.add(pair)
                add(
                    "oversight-cycle",
                    "warning",
                    ("roster",),
                    f"{person.id} oversees the unit of {other} ({unit_of[other]!r}) and {other} "
                    f"oversees the unit of {person.id} ({person.unit!r})",
                )


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Elementary cycles of 'x is answerable for y' edges, each reported once (canonical)."""
    edges: dict[str, set[str]] = {}
    for subject, masters in graph.items():
        for master in masters:
            edges.setdefault(master, set()).add(subject)
    found: set[tuple[str, ...]] = set()
    out: list[list[str]] = []
    for start in sorted(edges):
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            node, path = stack.pop()
            if len(path) > 6:
                continue
            for nxt in sorted(edges.get(node, ())):
                if nxt == start and len(path) > 1:
                    key = _canonical(path)
                    if key not in found:
                        found.add(key)
                        out.append(list(key))
                elif nxt not in path and nxt > start:
                    stack.append((nxt, [*path, nxt]))
    return out


def _canonical(path: list[str]) -> tuple[str, ...]:
    i = path.index(min(path))
    return tuple(path[i:] + path[:i])
