"""Impact diff: what an edit of a policy means for real people, before it is merged.

A reviewer of a pull request that changes ``reply_deadline`` from 10 to 5 working days sees
a one-line change in YAML; what matters is that, on the institution's own roster and history,
one written reply that was on time is now late. :func:`diff_policies` evaluates both
versions on the same data and lists, per rule, the obligations added, removed, whose status
changed and whose window, level, responsible people or counted talks changed (matched by
obligation id, which encodes rule, parties and period); the findings that appear or go; and
the change of the policy itself, section by section and item by item (matched by id), down
to the field that differs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import JsonValue

from ._calendar import HolidayCalendar
from ._engine import evaluate
from ._inputs import History, Roster
from ._policy import Policy
from ._report import Finding, Obligation, Report, Window
from ._types import Label, Model

__all__ = [
    "FieldChange",
    "FindingChange",
    "ObligationChange",
    "ObligationState",
    "ObligationTotals",
    "PolicyChange",
    "PolicyDiff",
    "RuleDiff",
    "diff_policies",
    "diff_text",
    "policy_changes",
]


class FieldChange(Model):
    """One value that differs between the two versions of a policy item."""

    path: str
    """Dotted path inside the item, e.g. ``deadline.days`` (``value`` for a parameter)."""
    old: JsonValue
    new: JsonValue


class PolicyChange(Model):
    """An item of the policy added, removed or changed (matched by id within its section)."""

    section: str
    """``rules``, ``parameters``, ``scopes``, ``groups``, ``roles``, ``event_kinds``,
    ``meeting_kinds``, ``topics``, ``parts_of_day``, ``guidance``, ``source.clauses``,
    ``responsibility`` or ``policy`` (top-level fields)."""
    id: str
    change: Literal["added", "removed", "changed"]
    fields: list[FieldChange] = []


class ObligationState(Model):
    """An obligation as one version of the policy decides it."""

    status: Literal["met", "pending", "overdue"]
    level: Literal["must", "should", "may"]
    window: Window
    required: int
    responsible: list[str]
    satisfied_by: list[str]


class ObligationChange(Model):
    """An obligation only one version has, or one the two decide differently."""

    id: str
    rule: str
    parties: list[str]
    change: Literal["added", "removed", "status", "changed"]
    """``status``: the status differs; ``changed``: same status, other fields differ."""
    fields: list[str] = []
    """For ``status`` and ``changed``: which of status, level, window, required, responsible
    and satisfied_by differ."""
    old: ObligationState | None = None
    new: ObligationState | None = None
    explanation: Label
    """The new version's explanation (the old one's for a removed obligation)."""


class RuleDiff(Model):
    """The obligation changes of one rule."""

    rule: str
    clause: str
    added: int = 0
    removed: int = 0
    status_changed: int = 0
    changed: int = 0
    changes: list[ObligationChange]


class FindingChange(Model):
    """A finding one version reports and the other does not."""

    change: Literal["added", "removed"]
    code: str
    severity: str
    record: str | None = None
    rule: str | None = None
    message: Label


class ObligationTotals(Model):
    """Obligation counts of one version."""

    obligations: int
    met: int
    pending: int
    overdue: int


class PolicyDiff(Model):
    """Everything that differs between two versions of a policy on the same data."""

    old_policy: str
    new_policy: str
    period_start: date
    period_end: date
    as_of: date
    policy_changes: list[PolicyChange]
    rules: list[RuleDiff]
    """Only rules with at least one obligation change, in the new policy's order."""
    findings: list[FindingChange]
    old_totals: ObligationTotals
    new_totals: ObligationTotals

    @property
    def changed(self) -> bool:
        """Whether anything differs: the policy, an obligation or a finding."""
        return bool(self.policy_changes or self.rules or self.findings)


# --------------------------------------------------------------------------- the policy


_SECTIONS = (
    "roles",
    "groups",
    "event_kinds",
    "meeting_kinds",
    "topics",
    "parts_of_day",
    "parameters",
    "scopes",
    "rules",
    "guidance",
)
_TOP = ("tanxin", "id", "label", "timezone")


def _field_changes(old: Any, new: Any, prefix: str = "") -> list[FieldChange]:
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[FieldChange] = []
        keys = list(old) + [k for k in new if k not in old]
        for key in keys:
            path = f"{prefix}.{key}" if prefix else str(key)
            out += _field_changes(old.get(key), new.get(key), path)
        return out
    if old == new:
        return []
    return [FieldChange(path=prefix or "value", old=old, new=new)]


def _by_id(items: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(item["id"]): item for item in items}


def _compare(section: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[PolicyChange]:
    out: list[PolicyChange] = []
    for key in list(old) + [k for k in new if k not in old]:
        if key not in new:
            out.append(PolicyChange(section=section, id=key, change="removed"))
        elif key not in old:
            out.append(PolicyChange(section=section, id=key, change="added"))
        else:
            fields = _field_changes(old[key], new[key])
            if fields:
                out.append(PolicyChange(section=section, id=key, change="changed", fields=fields))
    return out


def policy_changes(old: Policy, new: Policy) -> list[PolicyChange]:
    """The items of the policy added, removed or changed, section by section.

    Items are compared as loaded, so a parameter's new value shows both under ``parameters``
    and under every rule, scope or group whose effective value it changes.
    """
    a = old.model_dump(mode="json", by_alias=True)
    b = new.model_dump(mode="json", by_alias=True)
    out: list[PolicyChange] = []
    top_old = {k: a.get(k) for k in _TOP}
    top_new = {k: b.get(k) for k in _TOP}
    fields = _field_changes(top_old, top_new)
    if fields:
        out.append(PolicyChange(section="policy", id=new.id, change="changed", fields=fields))
    source_fields = _field_changes(
        {k: v for k, v in a["source"].items() if k != "clauses"},
        {k: v for k, v in b["source"].items() if k != "clauses"},
    )
    if source_fields:
        out.append(PolicyChange(section="source", id="source", change="changed",
                                fields=source_fields))  # fmt: skip
    out += _compare("source.clauses", _by_id(a["source"]["clauses"]),
                    _by_id(b["source"]["clauses"]))  # fmt: skip
    for section in _SECTIONS:
        out += _compare(section, _by_id(a[section]), _by_id(b[section]))
    chain_a = a.get("responsibility") or {"resolution": None, "entries": []}
    chain_b = b.get("responsibility") or {"resolution": None, "entries": []}
    if chain_a["resolution"] != chain_b["resolution"]:
        out.append(PolicyChange(section="responsibility", id="resolution", change="changed",
                                fields=[FieldChange(path="resolution",
                                                    old=chain_a["resolution"],
                                                    new=chain_b["resolution"])]))  # fmt: skip
    out += _compare(
        "responsibility",
        {f"entries[{i}]": e for i, e in enumerate(chain_a["entries"])},
        {f"entries[{i}]": e for i, e in enumerate(chain_b["entries"])},
    )
    return out


# --------------------------------------------------------------------------- obligations


def _state(ob: Obligation) -> ObligationState:
    return ObligationState(
        status=ob.status,
        level=ob.level,
        window=ob.window,
        required=ob.required,
        responsible=ob.responsible,
        satisfied_by=ob.satisfied_by,
    )


_COMPARED = ("status", "level", "window", "required", "responsible", "satisfied_by")


def _totals(report: Report) -> ObligationTotals:
    counts = Counter(o.status for o in report.obligations)
    return ObligationTotals(
        obligations=len(report.obligations),
        met=counts["met"],
        pending=counts["pending"],
        overdue=counts["overdue"],
    )


def _obligation_changes(old: Report, new: Report, order: Sequence[str]) -> list[RuleDiff]:
    before = {o.id: o for o in old.obligations}
    after = {o.id: o for o in new.obligations}
    changes: dict[str, list[ObligationChange]] = {}
    clauses: dict[str, str] = {}
    for oid in sorted(set(before) | set(after)):
        a, b = before.get(oid), after.get(oid)
        ob = b or a
        assert ob is not None
        clauses.setdefault(ob.rule, ob.clause)
        if a is None:
            assert b is not None
            change = ObligationChange(id=oid, rule=b.rule, parties=b.parties, change="added",
                                      new=_state(b), explanation=b.explanation)  # fmt: skip
        elif b is None:
            change = ObligationChange(id=oid, rule=a.rule, parties=a.parties, change="removed",
                                      old=_state(a), explanation=a.explanation)  # fmt: skip
        else:
            differ = [f for f in _COMPARED if getattr(a, f) != getattr(b, f)]
            if not differ:
                continue
            change = ObligationChange(
                id=oid, rule=b.rule, parties=b.parties,
                change="status" if "status" in differ else "changed", fields=differ,
                old=_state(a), new=_state(b), explanation=b.explanation,
            )  # fmt: skip
        changes.setdefault(ob.rule, []).append(change)
    rank = {rule: i for i, rule in enumerate(order)}
    out: list[RuleDiff] = []
    for rule in sorted(changes, key=lambda r: (rank.get(r, len(rank)), r)):
        items = changes[rule]
        kinds = Counter(c.change for c in items)
        out.append(
            RuleDiff(
                rule=rule, clause=clauses[rule], added=kinds["added"], removed=kinds["removed"],
                status_changed=kinds["status"], changed=kinds["changed"], changes=items,
            )
        )  # fmt: skip
    return out


def _finding_key(f: Finding) -> tuple[str, str, str, str]:
    return (f.code, f.record_kind or "", f.record or "", f.rule or "")


def _finding_changes(old: Report, new: Report) -> list[FindingChange]:
    before = Counter(_finding_key(f) for f in old.findings)
    after = Counter(_finding_key(f) for f in new.findings)
    out: list[FindingChange] = []
    for report, extra, change in ((old, before - after, "removed"), (new, after - before, "added")):
        for f in report.findings:
            key = _finding_key(f)
            if extra[key] > 0:
                extra[key] -= 1
                out.append(FindingChange(change=change, code=f.code, severity=f.severity,  # type: ignore[arg-type]
                                         record=f.record, rule=f.rule,
                                         message=f.message))  # fmt: skip
    return sorted(out, key=lambda c: (c.code, c.record or "", c.rule or "", c.change))


def diff_policies(
    old: Policy,
    new: Policy,
    roster: Roster,
    history: History,
    period: tuple[date, date],
    as_of: date,
    holidays: HolidayCalendar | None = None,
    *,
    findings: Iterable[Finding] = (),
    lines: Mapping[tuple[str, str], tuple[str, int]] | None = None,
) -> PolicyDiff:
    """Evaluate ``old`` and ``new`` on the same data and compare (see :class:`PolicyDiff`).

    Arguments after ``new`` are those of :func:`~tanxin_rules.evaluate`. Pure, like it.
    """
    carried = list(findings)
    before = evaluate(old, roster, history, period, as_of, holidays, findings=carried,
                      lines=lines)  # fmt: skip
    after = evaluate(new, roster, history, period, as_of, holidays, findings=carried,
                     lines=lines)  # fmt: skip
    order = [r.id for r in new.rules] + [r.id for r in old.rules]
    return PolicyDiff(
        old_policy=old.id,
        new_policy=new.id,
        period_start=period[0],
        period_end=period[1],
        as_of=as_of,
        policy_changes=policy_changes(old, new),
        rules=_obligation_changes(before, after, order),
        findings=_finding_changes(before, after),
        old_totals=_totals(before),
        new_totals=_totals(after),
    )


# --------------------------------------------------------------------------- text


def _short(value: Any) -> str:
    import json  # noqa: PLC0415 - only for rendering values compactly

    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _window(w: Window) -> str:
    return f"{w.start} … {w.due}" if w.start != w.due else str(w.start)


def _change_line(c: ObligationChange) -> list[str]:
    who = ", ".join(c.parties) or "—"
    if c.change == "added":
        assert c.new is not None
        return [f"    + {c.id}  {c.new.status}  [{who}]  window {_window(c.new.window)}",
                f"        {c.explanation.en}"]  # fmt: skip
    if c.change == "removed":
        assert c.old is not None
        return [f"    - {c.id}  was {c.old.status}  [{who}]  window {_window(c.old.window)}"]
    assert c.old is not None
    assert c.new is not None
    parts: list[str] = []
    for name in c.fields:
        if name == "status":
            continue
        before, after = getattr(c.old, name), getattr(c.new, name)
        if name == "window":
            if before.start != after.start:
                parts.append(f"starts {before.start} → {after.start}")
            if before.due != after.due:
                parts.append(f"due {before.due} → {after.due}")
        elif isinstance(before, list):
            parts.append(f"{name} [{', '.join(before)}] → [{', '.join(after)}]")
        else:
            parts.append(f"{name} {before} → {after}")
    rest = ("; " + "; ".join(parts)) if parts else ""
    if c.change == "status":
        return [
            f"    ~ {c.id}  {c.old.status} → {c.new.status}  [{who}]{rest}",
            f"        {c.explanation.en}",
        ]
    return [f"    · {c.id}  {c.new.status}  [{who}]{rest}"]


def diff_text(diff: PolicyDiff, *, old_name: str = "", new_name: str = "") -> str:
    """The diff for a reviewer: policy changes, obligation changes per rule, findings."""
    out = [
        f"impact of {old_name or diff.old_policy} → {new_name or diff.new_policy}: period "
        f"{diff.period_start} … {diff.period_end}, as of {diff.as_of}",
        "",
        "POLICY CHANGES",
    ]
    if not diff.policy_changes:
        out.append("  none")
    for item in diff.policy_changes:
        head = f"  {item.section}.{item.id}  {item.change}"
        if item.fields:
            head += ": " + "; ".join(
                f"{f.path} {_short(f.old)} → {_short(f.new)}" for f in item.fields
            )
        out.append(head)
    a, b = diff.old_totals, diff.new_totals
    out += [
        "",
        f"OBLIGATIONS  {a.obligations} → {b.obligations}: met {a.met} → {b.met}, pending "
        f"{a.pending} → {b.pending}, overdue {a.overdue} → {b.overdue}",
    ]
    if not diff.rules:
        out.append("  no obligation changes")
    for rule in diff.rules:
        counts = [
            f"{n} {what}"
            for n, what in (
                (rule.added, "added"),
                (rule.removed, "removed"),
                (rule.status_changed, "status changed"),
                (rule.changed, "otherwise changed"),
            )
            if n
        ]
        out.append(f"  {rule.rule} ({rule.clause}): {', '.join(counts)}")
        for change in rule.changes:
            out += _change_line(change)
    out += ["", "FINDINGS"]
    if not diff.findings:
        out.append("  no finding changes")
    for f in diff.findings:
        sign = "+" if f.change == "added" else "-"
        where = f" {f.record}" if f.record else ""
        of_rule = f" ({f.rule})" if f.rule else ""
        out.append(f"  {sign} {f.severity} {f.code}{where}{of_rule}: {f.message.en}")
    n_ob = sum(len(r.changes) for r in diff.rules)
    out += [
        "",
        f"{len(diff.policy_changes)} policy change(s), {n_ob} obligation change(s), "
        f"{len(diff.findings)} finding change(s)",
    ]
    return "\n".join(out) + "\n"
