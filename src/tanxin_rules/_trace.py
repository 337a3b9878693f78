"""The traceability matrix: each source clause → the items that encode it.

A reviewer checks a policy against its source document clause by clause; this module answers
"what encodes clause 3.1, and is it checked against records?" Each item has a status:

- ``evaluated``: produces obligations the engine decides (frequency, coverage, window, slot,
  anchor, trigger and follow-up rules; responsibility entries, which decide who owes; scopes
  that a rule uses);
- ``advisory``: produces findings about records but no obligations (manner and topics rules;
  scopes used only to tell in-system talks from others);
- ``descriptive``: guidance kept as text.

A clause takes the strongest status of its items, or ``unencoded`` when nothing cites it.
"""

from __future__ import annotations

from typing import Literal

from ._policy import (
    FrequencyRule,
    MannerRule,
    Policy,
    SlotRule,
    TopicsRule,
    WindowRule,
)
from ._types import Label, Model

__all__ = ["ClauseTrace", "Trace", "TraceItem", "trace"]

Status = Literal["evaluated", "advisory", "descriptive", "unencoded"]
_RANK: dict[str, int] = {"unencoded": 0, "descriptive": 1, "advisory": 2, "evaluated": 3}


class TraceItem(Model):
    """One scope, rule, responsibility entry or guidance item citing a clause."""

    section: Literal["scopes", "rules", "responsibility", "guidance"]
    id: str
    kind: str
    """The rule kind, or ``scope`` / ``responsibility`` / ``guidance``."""
    cites: str
    """The exact citation, e.g. ``3.1b``."""
    level: str | None = None
    status: Status
    label: Label


class ClauseTrace(Model):
    """One clause of the source and everything that encodes it."""

    clause: str
    text: Label
    status: Status
    items: list[TraceItem]
    interpretations: list[str]
    """Ids of interpretation parameters made for this clause."""
    parts_unencoded: list[str]
    """Parts of the clause (``a``, ``b`` …) that no item cites by their letter."""


class Trace(Model):
    """The whole matrix, in document order."""

    policy: str
    clauses: list[ClauseTrace]

    @property
    def unencoded(self) -> list[str]:
        """Clause IDs (and ``id+part``) that nothing encodes."""
        out: list[str] = []
        for clause in self.clauses:
            if clause.status == "unencoded":
                out.append(clause.clause)
            out.extend(clause.clause + part for part in clause.parts_unencoded)
        return out


def _owner(policy: Policy, citation: str) -> str:
    ids = {c.id for c in policy.source.clauses}
    if citation in ids:
        return citation
    return citation[:-1]


def _citations(policy: Policy) -> dict[tuple[str | int, ...], set[str]]:
    """The clause(s) cited at each item path, following groups into the items that use them.

    A parameter used inside a group definition (who counts as rank and file) shapes every
    clause whose scopes and rules name that group, so it is listed under each of them.
    """
    out: dict[tuple[str | int, ...], set[str]] = {}
    group_users: dict[str, set[str]] = {}
    for section, items in (("scopes", policy.scopes), ("rules", policy.rules),
                           ("guidance", policy.guidance)):  # fmt: skip
        for i, item in enumerate(items):
            owner = _owner(policy, item.clause)
            out[(section, i)] = {owner}
            for value in item.model_dump().values():
                for gid in value if isinstance(value, list) else [value]:
                    if isinstance(gid, str):
                        group_users.setdefault(gid, set()).add(owner)
    if policy.responsibility is not None:
        for entry in policy.responsibility.entries:
            for gid in (entry.subjects, entry.answerable):
                group_users.setdefault(gid, set()).add(_owner(policy, entry.clause))
        owners = {_owner(policy, e.clause) for e in policy.responsibility.entries}
        out[("responsibility", "resolution")] = owners
    for i, group in enumerate(policy.groups):
        owners = set(group_users.get(group.id, set()))
        if group.clause is not None:
            owners.add(_owner(policy, group.clause))
        out[("groups", i)] = owners
    for i, part in enumerate(policy.parts_of_day):
        out[("parts_of_day", i)] = {
            _owner(policy, r.clause) for r in policy.rules
            if isinstance(r, SlotRule) and r.part_of_day == part.id
        }  # fmt: skip
    return out


def trace(policy: Policy) -> Trace:
    """Build the traceability matrix of ``policy`` against its own source clauses."""
    used_scopes = {r.scope for r in policy.rules if isinstance(r, FrequencyRule | WindowRule)}
    items: dict[str, list[TraceItem]] = {c.id: [] for c in policy.source.clauses}
    for scope in policy.scopes:
        items[_owner(policy, scope.clause)].append(
            TraceItem(
                section="scopes", id=scope.id, kind="scope", cites=scope.clause,
                status="evaluated" if scope.id in used_scopes else "advisory", label=scope.label,
            )
        )  # fmt: skip
    for rule in policy.rules:
        advisory = isinstance(rule, MannerRule | TopicsRule)
        items[_owner(policy, rule.clause)].append(
            TraceItem(
                section="rules", id=rule.id, kind=rule.kind, cites=rule.clause, level=rule.level,
                status="advisory" if advisory else "evaluated", label=rule.label,
            )
        )  # fmt: skip
    if policy.responsibility is not None:
        for i, entry in enumerate(policy.responsibility.entries):
            items[_owner(policy, entry.clause)].append(
                TraceItem(
                    section="responsibility", id=f"responsibility[{i}]", kind="responsibility",
                    cites=entry.clause, status="evaluated", label=entry.label,
                )
            )  # fmt: skip
    for guide in policy.guidance:
        items[_owner(policy, guide.clause)].append(
            TraceItem(
                section="guidance", id=guide.id, kind="guidance", cites=guide.clause,
                status="descriptive", label=guide.label,
            )
        )  # fmt: skip
    interpretations: dict[str, list[str]] = {c.id: [] for c in policy.source.clauses}
    cited_at = _citations(policy)
    for param in policy.parameters:
        if not param.interpretation:
            continue
        owners = {_owner(policy, param.clause)} if param.clause is not None else set()
        for path in policy.parameter_uses().get(param.id, ()):
            owners.update(cited_at.get(path[:2], ()))
        for owner in sorted(owners):
            interpretations[owner].append(param.id)
    clauses: list[ClauseTrace] = []
    for clause in policy.source.clauses:
        found = items[clause.id]
        status: Status = "unencoded"
        for item in found:
            if _RANK[item.status] > _RANK[status]:
                status = item.status
        cited_parts = {item.cites[len(clause.id) :] for item in found}
        missing = [p for p in clause.parts if p not in cited_parts]
        clauses.append(
            ClauseTrace(
                clause=clause.id, text=clause.text, status=status, items=found,
                interpretations=interpretations[clause.id], parts_unencoded=missing,
            )
        )  # fmt: skip
    return Trace(policy=policy.id, clauses=clauses)
