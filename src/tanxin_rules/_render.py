"""Rendering a report for people and spreadsheets: the terminal table, CSV, and explanations.

JSON needs no code here (the report model serialises itself, and ``tanxin-rules schema
report`` describes it). CSV cells that a spreadsheet would execute (``=``, ``+``, ``-``, ``@``,
tab, carriage return at the start — OWASP's CSV injection list) are prefixed with ``'`` so
that names taken from HR exports are shown, never run.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from datetime import date

from ._inputs import Roster
from ._org import Org
from ._policy import Policy
from ._report import Obligation, Report

__all__ = [
    "csv_cell",
    "explain_obligation",
    "explain_obligation_data",
    "explain_person",
    "explain_person_data",
    "report_csv",
    "report_table",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A value as a CSV cell that no spreadsheet will evaluate as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


_CSV_COLUMNS = (
    "id",
    "rule",
    "clause",
    "level",
    "kind",
    "status",
    "window_start",
    "due",
    "parties",
    "responsible",
    "required",
    "satisfied_by",
    "next_opportunity",
    "outstanding",
    "explanation_zh",
    "explanation_en",
)


def report_csv(report: Report) -> str:
    """One row per obligation; lists are ``;``-separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for ob in report.obligations:
        row = (
            ob.id,
            ob.rule,
            ob.clause,
            ob.level,
            ob.kind,
            ob.status,
            ob.window.start,
            ob.window.due,
            ";".join(ob.parties),
            ";".join(ob.responsible),
            ob.required,
            ";".join(ob.satisfied_by),
            ob.next_opportunity or "",
            ";".join(ob.outstanding),
            ob.explanation.zh,
            ob.explanation.en,
        )
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def _rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return [fmt.format(*header), fmt.format(*("-" * w for w in widths))] + [
        fmt.format(*row) for row in rows
    ]


def report_table(report: Report, policy: Policy, *, limit: int = 40) -> str:
    """A readable terminal report: summary, rules, overdue obligations, to-do, findings."""
    s = report.summary
    out = [
        f"{policy.label.zh}",
        f"{policy.label.en}",
        f"period {report.period_start} … {report.period_end}, as of {report.as_of}",
        "",
        f"obligations {s.obligations}: met {s.met}, pending {s.pending}, overdue {s.overdue}"
        f" — compliance {_rate(s.rate)}",
        f"talks {s.talks}: used {s.talks_used}, flagged {s.talks_flagged}, "
        f"matching no rule {s.talks_unmatched}; events {s.events}: used {s.events_used}, "
        f"flagged {s.events_flagged}; reply requests {s.reply_requests}",
        "",
        "BY RULE",
    ]
    labels = {r.id: r for r in policy.rules}
    rows = [
        (
            r.clause,
            r.rule,
            labels[r.rule].level,
            str(r.met),
            str(r.pending),
            str(r.overdue),
            _rate(r.rate),
        )
        for r in s.by_rule
    ]
    out += _table(rows, ("clause", "rule", "level", "met", "pending", "overdue", "rate"))
    overdue = [o for o in report.obligations if o.status == "overdue"]
    out += ["", f"OVERDUE ({len(overdue)})"]
    for ob in sorted(overdue, key=lambda o: (o.window.due, o.id))[:limit]:
        out.append(f"  {ob.window.due}  {ob.id}")
        out.append(f"      {ob.explanation.zh}")
    if len(overdue) > limit:
        out.append(f"  … and {len(overdue) - limit} more (see --format json or csv)")
    out += ["", "TO DO, BY LEADER"]
    for todo in report.todo:
        late = sum(1 for i in todo.items if i.status == "overdue")
        out.append(
            f"  {todo.name or todo.person} ({todo.person}): {len(todo.items)} open, {late} overdue"
        )
        for item in todo.items[:5]:
            who = ", ".join(item.with_) or "—"
            out.append(
                f"      {item.due}  {item.status:<8} {item.clause:<5} {item.rule} with {who}"
            )
        if len(todo.items) > 5:
            out.append(f"      … {len(todo.items) - 5} more")
    counts = Counter((f.severity, f.code) for f in report.findings)
    out += ["", f"FINDINGS ({len(report.findings)})"]
    order = {"error": 0, "warning": 1, "info": 2}
    for (severity, code), n in sorted(counts.items(), key=lambda x: (order[x[0][0]], x[0][1])):
        out.append(f"  {severity:<8} {code:<28} {n}")
    for finding in report.findings:
        if finding.severity == "error":
            where = f"{finding.file}:{finding.line}: " if finding.file and finding.line else ""
            out.append(f"  {where}{finding.code} {finding.record or ''}: {finding.message.en}")
    return "\n".join(out) + "\n"


def _names(roster: Roster) -> dict[str, str]:
    return {p.id: p.name for p in roster.people}


def explain_obligation(
    report: Report, policy: Policy, roster: Roster, obligation: Obligation
) -> str:
    """The full reasoning behind one obligation: clause text, rule, parameters, talks."""
    names = _names(roster)
    index = next(i for i, r in enumerate(policy.rules) if r.id == obligation.rule)
    rule = policy.rules[index]
    owner = next(
        (
            c
            for c in policy.source.clauses
            if obligation.clause in {c.id} | {c.id + p for p in c.parts}
        ),
        None,
    )
    lines = [
        f"obligation {obligation.id}",
        f"status     {obligation.status} (as of {report.as_of})",
        f"rule       {rule.id} ({rule.kind}, {rule.level}) — {rule.label.zh} / {rule.label.en}",
        f"clause     {obligation.clause}",
    ]
    if owner is not None:
        lines += [f"           {owner.text.zh}", f"           {owner.text.en}"]
    lines.append(f"window     {obligation.window.start} … {obligation.window.due}")
    lines.append(
        "parties    " + ", ".join(f"{names.get(p, '?')} ({p})" for p in obligation.parties)
    )
    lines.append(
        "responsible " + ", ".join(f"{names.get(p, '?')} ({p})" for p in obligation.responsible)
    )
    lines.append(
        f"required   {obligation.required}; counted: "
        + (", ".join(obligation.satisfied_by) or "none")
    )
    if obligation.next_opportunity:
        lines.append(f"next       {obligation.next_opportunity}")
    if obligation.outstanding:
        lines.append("outstanding " + ", ".join(obligation.outstanding))
    params = policy.parameters_of(("rules", index))
    if params:
        lines.append("interpretations used by this rule:")
        for p in params:
            lines.append(
                f"  {p.id} = {p.value!r}" + (" (interpretation)" if p.interpretation else "")
            )
            if p.reason is not None:
                lines.append(f"      {p.reason.en}")
    lines += ["explanation", f"  {obligation.explanation.zh}", f"  {obligation.explanation.en}"]
    return "\n".join(lines) + "\n"


def explain_person(
    report: Report, policy: Policy, roster: Roster, person: str, on: date | None = None
) -> str:
    """Everything about one person: standing, who answers for them, what they owe and are owed."""
    names = _names(roster)
    day = on or report.period_end
    people = list({p.id: p for p in roster.people}.values())
    org = Org(policy, people)
    record = org.people[person]
    lines = [
        f"person     {record.name} ({person})",
        f"unit       {record.unit or '—'}; branch {record.branch or '—'}; "
        f"oversees {', '.join(record.oversees) or '—'}",
    ]
    if record.organisation is not None:
        lines[1] += f"; organisation {record.organisation}"
    for segment in org.segments(person):
        if segment.end < report.period_start or segment.start > report.period_end:
            continue
        start = max(segment.start, report.period_start)
        end = min(segment.end, report.period_end)
        state = ", ".join(sorted(segment.groups)) if segment.active else "not in the organisation"
        lines.append(
            f"{start} … {end}: roles {', '.join(sorted(segment.roles)) or '—'}; groups {state}"
        )
    answerable = org.answerable_people(person, day)
    lines.append(
        f"answerable for them on {day}: "
        + (", ".join(f"{names.get(a, '?')} ({a})" for a in answerable) or "no one")
    )
    owed = [o for o in report.obligations if person in o.responsible]
    about = [o for o in report.obligations if person in o.parties and person not in o.responsible]
    for title, items in (("they answer for", owed), ("owed to or about them", about)):
        counts = Counter(o.status for o in items)
        lines.append(
            f"{title}: {len(items)} obligations — met {counts['met']}, pending "
            f"{counts['pending']}, overdue {counts['overdue']}"
        )
        for ob in items:
            if ob.status != "met":
                lines.append(f"  {ob.window.due}  {ob.status:<8} {ob.id}")
    findings = [f for f in report.findings if f.record == person]
    for finding in findings:
        lines.append(f"finding {finding.severity} {finding.code}: {finding.message.en}")
    return "\n".join(lines) + "\n"


def explain_obligation_data(
    report: Report, policy: Policy, obligation: Obligation
) -> dict[str, object]:
    """What :func:`explain_obligation` prints, as JSON-ready data for other programs."""
    index = next(i for i, r in enumerate(policy.rules) if r.id == obligation.rule)
    clause = next(
        (c for c in policy.source.clauses
         if obligation.clause in {c.id} | {c.id + p for p in c.parts}),
        None,
    )  # fmt: skip
    return {
        "as_of": report.as_of.isoformat(),
        "obligation": obligation.model_dump(mode="json"),
        "rule": policy.rules[index].model_dump(mode="json", by_alias=True),
        "clause": clause.model_dump(mode="json") if clause is not None else None,
        "interpretations": [
            p.model_dump(mode="json") for p in policy.parameters_of(("rules", index))
        ],
    }


def explain_person_data(
    report: Report, policy: Policy, roster: Roster, person: str, on: date | None = None
) -> dict[str, object]:
    """What :func:`explain_person` prints, as JSON-ready data for other programs."""
    day = on or report.period_end
    org = Org(policy, list({p.id: p for p in roster.people}.values()))
    return {
        "person": person,
        "name": org.people[person].name,
        "as_of": report.as_of.isoformat(),
        "answerable_on": day.isoformat(),
        "answerable": org.answerable_people(person, day),
        "answers_for": [
            o.model_dump(mode="json") for o in report.obligations if person in o.responsible
        ],
        "owed_to_or_about": [
            o.model_dump(mode="json")
            for o in report.obligations
            if person in o.parties and person not in o.responsible
        ],
        "findings": [f.model_dump(mode="json") for f in report.findings if f.record == person],
    }
