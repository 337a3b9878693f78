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

from collections import Counter
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

__all__ = ["LEVELS", "LINT_CODES", "lint"]

Level = Literal["error", "warning", "info"]
LEVELS: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
"""Severity order, for ``--fail-level``."""

LINT_CODES: dict[str, tuple[Level, str]] = {
    # the policy alone
    "empty-group": ("warning", "a group whose selector can match no one, by definition"),
    "never-applies": (
        "warning",
        "a scope or rule that can never apply: a group it needs is empty by definition",
    ),
    "impossible-relation": (
        "warning",
        "a relation that can never hold (heads_unit / heads_branch from a group that cannot "
        "hold a role heading a unit / branch), so the scope, rule or chain entry never applies",
    ),
    "duplicate-rule": ("warning", "a rule that says exactly what an earlier rule says"),
    "shadowed-rule": (
        "info",
        "a rule implied by a stricter one (same scope; a finer period or a narrower window "
        "with at least as many talks): meeting the stricter one always meets it",
    ),
    "unanswered-trigger": (
        "warning",
        "a trigger or anchor rule whose subjects may have no one to talk with them: no chain "
        "entry covers them, or the talkers' group is empty by definition",
    ),
    "counterpart-never-given": (
        "warning",
        "a rule asking the event's counterpart to talk, for an event kind that names none",
    ),
    "self-talk-risk": (
        "info",
        "talkers drawn from the subjects' own group with no relation (same_organisation aside)",
    ),
    "unused-parameter": ("warning", "a parameter no value of the policy refers to"),
    "unencoded-clause": (
        "warning",
        "a clause (or lettered part) of the source that no scope, rule, chain entry or "
        "guidance item cites",
    ),
    "unused-event-kind": ("info", "an event kind no trigger rule lists"),
    "unused-meeting-kind": ("info", "a meeting kind no window rule uses"),
    "unused-topic": ("info", "a topic no topics rule expects"),
    "unused-group": ("info", "a group no scope, rule, group or chain entry uses"),
    "unused-role": ("info", "a role no group selector names"),
    "unused-part-of-day": ("info", "a part of day no slot rule uses"),
    # against a roster
    "empty-in-roster": ("info", "a group with no member in this roster on the day checked"),
    "never-applies-in-roster": (
        "info",
        "a rule with no one to apply to in this roster on the day checked",
    ),
    "duplicate-person": ("error", "person ids repeated in the roster"),
    "orphan": (
        "warning",
        "a person whom chain entries name but for whom no one is answerable (4.7)",
    ),
    "not-covered": ("info", "a person no responsibility entry names"),
    "responsibility-cycle": (
        "warning",
        "people answerable for one another in a cycle (two principals answering for each "
        "other is only info)",
    ),
    "oversight-cycle": ("warning", "two people each overseeing the other's unit"),
}
"""Every code :func:`lint` reports: its usual level and what it means (docs/ci.md lists them)."""


def lint(
    policy: Policy,
    roster: Roster | None = None,
    *,
    on: date | None = None,
    file: str = "<policy>",
    roster_file: str = "<roster>",
) -> list[Problem]:
    """Every static finding about ``policy`` (and, with ``roster``, about the chain on ``on``).

    Findings about the policy carry ``file`` and the path of the node concerned; findings
    about one person of the roster carry ``roster_file`` and the path ``("people", index)``,
    so a caller can point at the person's record instead of at the policy.
    """
    out: list[Problem] = []

    def add(
        code: str, level: Level, path: tuple[str | int, ...], message: str, where: str = file
    ) -> None:
        out.append(Problem(message, file=where, path=path, code=code, level=level))

    empty = _empty_groups(policy)
    _never_applies(policy, empty, add)
    _impossible_relations(policy, add)
    _duplicates(policy, add)
    _unanswered_triggers(policy, empty, add)
    _unused(policy, add)
    if roster is not None:
        _roster_checks(policy, roster, on or date.today(), add, roster_file)
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
        dead = [g for g in _rule_groups(rule, scopes) if g in empty]
        if dead:
            add(
                "never-applies",
                "warning",
                ("rules", i),
                f"rule {rule.id!r} can never apply: group {dead[0]!r} is empty by definition",
            )


def _rule_groups(rule: Any, scopes: dict[str, Any]) -> list[str]:
    """The groups a rule needs members of to produce any obligation."""
    if isinstance(rule, FrequencyRule | WindowRule) and rule.scope in scopes:
        return list(scopes[rule.scope].between)
    if isinstance(rule, CoverageRule | SlotRule):
        return [rule.talkers, rule.counterparts]
    if isinstance(rule, AnchorRule | TriggerRule):
        return [rule.subjects]
    return []


# --------------------------------------------------------------------------- relations


def _excluded_roles(policy: Policy) -> dict[str, set[str]]:
    """For each group: roles its members can never hold, by the selectors alone.

    A selector's ``no_role`` excludes roles outright; a group defined by ``in_group`` (member
    of at least one of them) excludes what every one of those groups excludes. ``any_role``
    excludes nothing: a member may hold other roles besides.
    """
    selectors = {g.id: g.members for g in policy.groups}
    memo: dict[str, set[str]] = {}

    def excluded(gid: str, trail: frozenset[str]) -> set[str]:
        if gid in memo:
            return memo[gid]
        sel = selectors.get(gid)
        if sel is None or gid in trail:
            return set()
        out = set(sel.no_role or ())
        if sel.in_group:
            parts = [excluded(g, trail | {gid}) for g in sel.in_group]
            out |= set.intersection(*parts) if parts else set()
        memo[gid] = out
        return out

    return {g.id: excluded(g.id, frozenset()) for g in policy.groups}


def _impossible_relations(policy: Policy, add: Any) -> None:
    """Relations ``heads_unit`` / ``heads_branch`` that no member of the source group can have.

    The relation holds only when the person holds, that day, a policy role whose ``heads`` is
    the unit (branch); roles outside the policy's vocabulary do not count. So a policy with no
    such role, or a source group whose selector excludes every such role, makes every scope,
    rule and chain entry using the relation inert.
    """
    heads: dict[str, set[str]] = {"heads_unit": set(), "heads_branch": set()}
    for role in policy.roles:
        if role.heads is not None:
            heads["heads_" + role.heads].add(role.id)
    excluded = _excluded_roles(policy)

    def check(path: tuple[str | int, ...], what: str, source: str, relations: list[str]) -> None:
        for relation in relations:
            if relation not in heads:
                continue
            possible = heads[relation] - excluded.get(source, set())
            if not possible:
                kind = relation.removeprefix("heads_")
                why = (
                    f"no role of the policy heads a {kind}"
                    if not heads[relation]
                    else f"group {source!r} excludes every role heading a {kind} "
                    f"({', '.join(sorted(heads[relation]))})"
                )
                add(
                    "impossible-relation",
                    "warning",
                    path,
                    f"{what} needs relation {relation} from group {source!r}, which can never "
                    f"hold: {why}",
                )

    for i, scope in enumerate(policy.scopes):
        check(("scopes", i, "relation"), f"scope {scope.id!r}", scope.between[0],
              list(scope.relation))  # fmt: skip
    for i, rule in enumerate(policy.rules):
        if isinstance(rule, CoverageRule | SlotRule):
            check(("rules", i, "relation"), f"rule {rule.id!r}", rule.talkers, list(rule.relation))
        if isinstance(rule, TriggerRule | AnchorRule) and isinstance(rule.talker, TalkerByGroup):
            check(("rules", i, "talker", "relation"), f"rule {rule.id!r}", rule.talker.group,
                  list(rule.talker.relation))  # fmt: skip
    if policy.responsibility is not None:
        for i, entry in enumerate(policy.responsibility.entries):
            check(("responsibility", "entries", i, "relation"), f"responsibility entry {i}",
                  entry.answerable, list(entry.relation))  # fmt: skip


# --------------------------------------------------------------------------- duplicates


def _signature(rule: Any) -> str:
    data = rule.model_dump(exclude={"id", "label", "note", "clause", "level"})
    return repr(sorted(data.items()))


_FINER = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def _enough(weak: FrequencyRule, strong: FrequencyRule, ratio: int) -> bool:
    """Whether meeting ``strong`` (``ratio`` finer periods to one of ``weak``'s) always meets
    ``weak``, given who owes under each ``membership`` and which talks count.

    ``whole_period``: whoever owes the coarse period qualifies all of it, so owes every finer
    one. Otherwise someone may qualify in a single finer period: only ``strong.at_least`` talks
    are certain, and only if they count for ``weak`` too — talks on days the pair qualifies
    (``any_overlap``) within the last finer period (``at_period_end``).
    """
    if weak.membership == "whole_period":
        return strong.at_least * ratio >= weak.at_least
    allowed = {"any_overlap": {"any_overlap"}, "at_period_end": {"any_overlap", "at_period_end"}}
    return strong.membership in allowed[weak.membership] and strong.at_least >= weak.at_least


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
                and _enough(weak, strong, ratio)
                and strong.level == "must"
            ):
                add(
                    "shadowed-rule",
                    "info",
                    ("rules", i),
                    f"rule {weak.id!r} is implied by rule {strong.id!r} (same scope, a finer "
                    "period, enough talks): meeting the latter always meets it",
                )
    windows = [(i, r) for i, r in enumerate(policy.rules) if isinstance(r, WindowRule)]
    for i, wide in windows:
        for j, narrow in windows:
            if (
                i == j
                or wide.scope != narrow.scope
                or wide.meeting != narrow.meeting
                or _signature(wide) == _signature(narrow)
                or narrow.level != "must"
                or narrow.at_least < wide.at_least
            ):
                continue
            # spans compare only in one unit: days with days, months with months, one count
            same_units = narrow.count == wide.count and (narrow.months_before is None) == (
                wide.months_before is None
            )
            inside = (
                same_units
                and (narrow.days_before or narrow.months_before or 0)
                <= (wide.days_before or wide.months_before or 0)
                and narrow.days_after <= wide.days_after
                and (wide.include_meeting_day or not narrow.include_meeting_day)
            )
            if inside:
                add(
                    "shadowed-rule",
                    "info",
                    ("rules", i),
                    f"rule {wide.id!r} is implied by rule {narrow.id!r} (same scope and meeting, "
                    "a window inside its window, enough talks): meeting the latter always "
                    "meets it",
                )


# --------------------------------------------------------------------------- triggers


def _unanswered_triggers(policy: Policy, empty: dict[str, str], add: Any) -> None:
    chain = policy.responsibility
    subjects = {e.subjects for e in chain.entries if e.answerable not in empty} if chain else set()
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
        if isinstance(talker, TalkerByGroup) and talker.group in empty:
            add(
                "unanswered-trigger",
                "warning",
                ("rules", i, "talker", "group"),
                f"rule {rule.id!r}: its talkers' group {talker.group!r} is empty by definition "
                f"({empty[talker.group]}), so no one ever owes the talk",
            )
        # same_organisation keeps the talk inside the institution, not to a particular member
        if (
            isinstance(talker, TalkerByGroup)
            and talker.group == rule.subjects
            and all(r == "same_organisation" for r in talker.relation)
        ):
            add(
                "self-talk-risk",
                "info",
                ("rules", i, "talker"),
                f"rule {rule.id!r}: the talkers are the subjects' own group with no relation; "
                "any other member discharges it",
            )


def _covered_by_chain(policy: Policy, group: str, subjects: set[str]) -> bool:
    """Whether the chain entries' subject groups contain ``group`` by definition: one of
    them does, or ``group`` is a union of covered groups, or together they are everyone — a
    group ``not_in_group: [X, …]`` beside entries covering each X (the last layer of 4.7 is
    everyone below the layers above it), or ``no_role: [R, …]`` beside entries for the
    holders of each R."""
    selectors = {g.id: g.members for g in policy.groups}
    held = {
        role
        for sid in subjects
        if (sel := selectors.get(sid)) is not None
        and set(sel.model_dump(exclude_none=True)) == {"any_role"}
        for role in sel.any_role or ()
    }

    def everyone(seen: frozenset[str]) -> bool:
        for sid in subjects - seen:
            sel = selectors.get(sid)
            if sel is None:
                continue
            if sel.everyone:
                return True
            rest = sel.model_dump(exclude_none=True)
            if set(rest) == {"not_in_group"} and all(
                covered(g, seen | {sid}) for g in rest["not_in_group"]
            ):
                return True
            if set(rest) == {"no_role"} and set(rest["no_role"]) <= held:
                return True
        return False

    def covered(gid: str, seen: frozenset[str]) -> bool:
        if gid in subjects or everyone(seen):
            return True
        sel = selectors.get(gid)
        return bool(
            sel and sel.in_group and gid not in seen
            and all(covered(g, seen | {gid}) for g in sel.in_group)
        )  # fmt: skip

    return covered(group, frozenset())


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
            talker = rule.talker
            if isinstance(talker, TalkerByGroup | TalkerByEventCounterpart) and talker.group:
                refs["groups"].add(talker.group)
    return refs


# --------------------------------------------------------------------------- roster


def _roster_checks(policy: Policy, roster: Roster, on: date, add: Any, roster_file: str) -> None:
    ids = [p.id for p in roster.people]
    people = list({p.id: p for p in roster.people}.values())
    position = {pid: i for i, pid in reversed(list(enumerate(ids)))}  # first occurrence

    def about(pid: str) -> tuple[str | int, ...]:
        return ("people", position[pid])

    org = Org(policy, people)
    groups = _index(policy.groups)
    empty_here: set[str] = set()
    for group in policy.groups:
        if not org.members_on(group.id, on):
            empty_here.add(group.id)
            add(
                "empty-in-roster",
                "info",
                ("groups", groups[group.id]),
                f"group {group.id!r} has no member in this roster on {on}",
            )
    scopes = {s.id: s for s in policy.scopes}
    for i, rule in enumerate(policy.rules):
        dead = [g for g in _rule_groups(rule, scopes) if g in empty_here]
        if dead:
            add(
                "never-applies-in-roster",
                "info",
                ("rules", i),
                f"rule {rule.id!r} has no one to apply to in this roster on {on}: group "
                f"{dead[0]!r} has no member",
            )
    if len(ids) != len(people):
        counts = Counter(ids)
        repeated = sorted(pid for pid, n in counts.items() if n > 1)
        add(
            "duplicate-person",
            "error",
            ("people", ids.index(repeated[0], position[repeated[0]] + 1)),
            f"{len(ids) - len(people)} duplicate person id(s) in the roster: "
            + ", ".join(repeated),
            roster_file,
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
                about(person.id),
                f"{person.name or person.id} ({person.id}) has no one answerable for them on {on}",
                roster_file,
            )
        elif not applies:
            add(
                "not-covered",
                "info",
                about(person.id),
                f"{person.name or person.id} ({person.id}) matches no responsibility entry",
                roster_file,
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
                    about(min(person.id, other)),
                    f"{person.id} oversees the unit of {other} ({unit_of[other]!r}) and {other} "
                    f"oversees the unit of {person.id} ({person.unit!r})",
                    roster_file,
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
