"""Scenario tests for a policy: small organisations with hand-computed expected obligations.

A policy file changes through reviewed edits. What a reviewer needs to know is whether the
edit still means what the institution meant, and that is best said by examples: "with this
roster and these talks, the secretary's annual talk with the president is met, and the
vice-president's is overdue". A scenario file holds such examples (cases); ``tanxin-rules
test POLICY FILES...`` evaluates the policy on each case's data and compares the obligations
and findings with the ones the case expects, like OPA's ``opa test`` or OpenFisca's YAML
tests do for their languages.

Each case names its roster, history and holiday calendar inline or by path (relative to the
scenario file), a period and an as-of date; file-level ``defaults`` give what cases share.
Expectations pick an obligation by rule and parties (and, when a rule has several per pair,
by window or by a date inside it) and state its status; findings are expected by code
(optionally record, rule, severity); ``absent: true`` expects none; ``exhaustive`` says the
listed obligations are all there are of their rules. A rule of the policy is *exercised* when
some case asserts on its obligations or findings; the run reports which evaluable rules no
case exercises (rule coverage). The format is documented in docs/ci.md and described by
``tanxin-rules schema scenarios``.

Inline rosters and histories are validated strictly, like a policy: a misspelt key in a test
file is a located error, never a silently different case. Data that is meant to be messy (to
test ``invalid-record`` findings) goes in a file, which the ordinary readers read.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import time
from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, ValidationError, field_validator, model_validator

from ._calendar import HolidayCalendar
from ._engine import evaluate
from ._errors import CalendarError, InputError, Problem
from ._formats import JUnitCase, JUnitSuite, annotation, junit_xml
from ._holidays import load_holidays
from ._inputs import History, Roster
from ._loading import decode_text, read_limited, validation_problems
from ._policy import (
    AnchorRule,
    CoverageRule,
    FollowUpRule,
    FrequencyRule,
    Policy,
    SlotRule,
    TriggerRule,
    WindowRule,
)
from ._reading import load_history, load_roster
from ._report import Finding, Obligation, Report
from ._types import Id, IsoDate, Label, Model
from ._yaml import Document, Limits, YamlProblem, read_yaml

__all__ = [
    "CaseFailure",
    "CaseResult",
    "RuleCoverage",
    "ScenarioFile",
    "ScenarioRun",
    "evaluable_rules",
    "load_scenarios",
    "run_scenarios",
    "scenarios_github",
    "scenarios_junit",
    "scenarios_text",
]

SCENARIO_LIMITS = Limits(max_bytes=16 * 1024 * 1024, max_nodes=2_000_000)
"""Scenario files may hold whole inline organisations: larger than a policy's limits."""

_EVALUABLE = (
    FrequencyRule,
    CoverageRule,
    WindowRule,
    SlotRule,
    AnchorRule,
    TriggerRule,
    FollowUpRule,
)
Status = Literal["met", "pending", "overdue"]


# --------------------------------------------------------------------------- the file format


def _path_or_inline(value: Any) -> str:
    if isinstance(value, str):
        return "path"
    if isinstance(value, list):
        return "paths"
    return "inline"


PathText = Annotated[str, Field(min_length=1, max_length=4096)]

RosterSpec = Annotated[
    Annotated[PathText, Tag("path")] | Annotated[Roster, Tag("inline")],
    Discriminator(_path_or_inline),
]
"""A roster file (relative to the scenario file) or the roster itself."""

HistorySpec = Annotated[
    Annotated[PathText, Tag("path")]
    | Annotated[list[PathText], Tag("paths")]
    | Annotated[History, Tag("inline")],
    Discriminator(_path_or_inline),
]
"""A history file, several (merged in order, e.g. one CSV per kind), or the history itself."""

HolidaysSpec = Annotated[
    Annotated[PathText, Tag("path")] | Annotated[HolidayCalendar, Tag("inline")],
    Discriminator(_path_or_inline),
]
"""A holiday calendar file or the calendar itself."""


class PeriodSpec(Model):
    """The evaluation period: a calendar ``year``, or ``from`` and ``to`` (both inclusive)."""

    model_config = Model.model_config | {"populate_by_name": True}

    year: Annotated[int, Field(ge=1, le=9999)] | None = None
    from_: Annotated[IsoDate | None, Field(alias="from")] = None
    to: IsoDate | None = None

    @model_validator(mode="after")
    def _one_form(self) -> PeriodSpec:
        if self.year is not None and (self.from_ is not None or self.to is not None):
            raise ValueError("give year, or from and to, not both")
        if self.year is None and (self.from_ is None or self.to is None):
            raise ValueError("give year, or both from and to")
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError("to is before from")
        return self

    def bounds(self) -> tuple[date, date]:
        """``(start, end)``, both inclusive."""
        if self.year is not None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        assert self.from_ is not None  # the validator saw to it
        assert self.to is not None
        return self.from_, self.to


class ExpectedWindow(Model):
    """The obligation's window: its first day, its due date, or both."""

    start: IsoDate | None = None
    due: IsoDate | None = None


class ExpectedObligation(Model):
    """One obligation a case expects (or, with ``absent: true``, expects not to exist).

    ``rule`` and ``parties`` (in any order) pick it; ``window`` (its start and/or due date),
    ``date`` (a day inside its window), ``responsible`` or ``id`` narrow the choice when the
    rule owes several per pair (a quarterly rule, a rolling chain, several meetings, both
    directions of a directed scope). Exactly one obligation must match, and its ``status``
    (and ``satisfied_by``, when given) must agree.
    """

    rule: Id
    parties: list[str] | None = None
    id: str | None = None
    window: ExpectedWindow | None = None
    date: IsoDate | None = None
    status: Status | None = None
    responsible: list[str] | None = None
    """Who answers for it, in any order: picks one direction of a directed pair."""
    satisfied_by: list[str] | None = None
    """The ids of the talks (or reply request) counted, in any order."""
    absent: bool = False

    @model_validator(mode="after")
    def _status_or_absent(self) -> ExpectedObligation:
        stated = [n for n in ("status", "satisfied_by") if getattr(self, n) is not None]
        if self.absent and stated:
            raise ValueError(f"an absent obligation has no {stated[0]}")
        if not self.absent and self.status is None:
            raise ValueError("give the expected status (met, pending, overdue) or absent: true")
        return self


class ExpectedFinding(Model):
    """A finding a case expects (at least one matching), or with ``absent: true`` none."""

    code: Annotated[str, Field(min_length=1, max_length=64)]
    record: str | None = None
    rule: Id | None = None
    severity: Literal["error", "warning", "info"] | None = None
    absent: bool = False


class Expectations(Model):
    """What a case expects of the report."""

    obligations: list[ExpectedObligation] = []
    findings: list[ExpectedFinding] = []
    exhaustive: bool | list[Id] = False
    """``true``: the obligations listed are all there are of the rules they name; a list of
    rule ids: all there are of those rules (none, when no expectation names the rule)."""


class Case(Model):
    """One scenario: inputs, period, as-of date, and the expected report."""

    name: Annotated[str, Field(min_length=1, max_length=300)]
    description: str | None = None
    skip: str | None = None
    """A reason to skip the case (it is reported as skipped)."""
    roster: RosterSpec | None = None
    history: HistorySpec | None = None
    holidays: HolidaysSpec | None = None
    period: PeriodSpec | None = None
    as_of: IsoDate | None = None
    """What is known; default: the day after the period ends (every obligation decided)."""
    expect: Expectations


class Defaults(Model):
    """Inputs shared by the cases of a file; a case's own value replaces the default."""

    roster: RosterSpec | None = None
    history: HistorySpec | None = None
    holidays: HolidaysSpec | None = None
    period: PeriodSpec | None = None
    as_of: IsoDate | None = None


class ScenarioFile(Model):
    """A scenario test file: shared defaults and the cases."""

    description: str | None = None
    defaults: Defaults = Defaults()
    cases: Annotated[list[Case], Field(min_length=1)]

    @field_validator("cases")
    @classmethod
    def _unique_names(cls, cases: list[Case]) -> list[Case]:
        seen: set[str] = set()
        for case in cases:
            if case.name in seen:
                raise ValueError(f"two cases are named {case.name!r}; names identify cases")
            seen.add(case.name)
        return cases


@dataclass(frozen=True, slots=True)
class Suite:
    """A loaded scenario file: where it is, its positions, its cases."""

    file: str
    document: Document
    content: ScenarioFile

    def where(self, *path: str | int) -> tuple[int, int]:
        """Line and column of a node of the file."""
        return self.document.root.locate(path)


def load_scenarios(paths: Sequence[str | os.PathLike[str]]) -> list[Suite]:
    """Read and validate scenario files; raise :class:`InputError` with every problem found."""
    suites: list[Suite] = []
    problems: list[Problem] = []
    for path in paths:
        file = os.fspath(path)
        try:
            raw = read_limited(file, SCENARIO_LIMITS)
            text = decode_text(raw, file=file, limits=SCENARIO_LIMITS)
            document = read_yaml(text, file=file, limits=SCENARIO_LIMITS)
        except YamlProblem as exc:
            problems.append(exc.problem)
            continue
        if not isinstance(document.data, dict):
            line, col = document.root.line, document.root.col
            problems.append(Problem("a scenario file must be a mapping with a cases list",
                                    file=file, line=line, col=col, code="shape"))  # fmt: skip
            continue
        try:
            content = ScenarioFile.model_validate(document.data)
        except ValidationError as exc:
            for problem in validation_problems(exc, document):
                message = problem.message.replace("the policy language", "the scenario format")
                problems.append(Problem(message, file=file, line=problem.line, col=problem.col,
                                        path=problem.path, code=problem.code))  # fmt: skip
            continue
        suite = Suite(file, document, content)
        problems.extend(_missing_inputs(suite))
        suites.append(suite)
    if problems:
        raise InputError(problems)
    return suites


def _missing_inputs(suite: Suite) -> list[Problem]:
    out: list[Problem] = []
    defaults = suite.content.defaults
    for i, case in enumerate(suite.content.cases):
        for what in ("roster", "period"):
            if getattr(case, what) is None and getattr(defaults, what) is None:
                line, col = suite.where("cases", i)
                out.append(Problem(f"cases[{i}]: case {case.name!r} has no {what} (give one in "
                                   "the case or under defaults)", file=suite.file, line=line,
                                   col=col, path=("cases", i), code="missing"))  # fmt: skip
    return out


# --------------------------------------------------------------------------- results


class CaseFailure(Model):
    """One expectation a case did not meet (or an input the case could not use)."""

    kind: Literal["obligation", "finding", "unexpected", "error"]
    message: str
    """One line: what was expected and what was found."""
    expected: str | None = None
    actual: str | None = None
    obligation: str | None = None
    """The id of the actual obligation concerned, if one."""
    explanation: Label | None = None
    """The actual obligation's own explanation."""
    line: int = 0
    col: int = 0


class CaseResult(Model):
    """The outcome of one case."""

    file: str
    name: str
    line: int
    col: int
    outcome: Literal["passed", "failed", "skipped"]
    reason: str | None = None
    """Why the case was skipped."""
    failures: list[CaseFailure] = []
    rules: list[str] = []
    """The policy's rules this case asserts on."""
    seconds: float = 0.0

    @property
    def id(self) -> str:
        """``file::name``, as the runner prints it."""
        return f"{self.file}::{self.name}"


class RuleCoverage(Model):
    """Which evaluable rules of the policy the cases that ran exercise."""

    evaluable: list[str]
    exercised: list[str]
    missed: list[str]
    percent: float
    """Exercised share of the evaluable rules, 0–100 (100 when the policy has none)."""


class ScenarioRun(Model):
    """Every case's outcome and the rule coverage."""

    policy: str
    files: list[str]
    cases: list[CaseResult]
    coverage: RuleCoverage
    passed: int
    failed: int
    skipped: int


def evaluable_rules(policy: Policy) -> list[str]:
    """Ids of the rules that produce obligations (not manner or topics rules), in order."""
    return [r.id for r in policy.rules if isinstance(r, _EVALUABLE)]


# --------------------------------------------------------------------------- running


def _matches(pattern: str, case_id: str, name: str) -> bool:
    """``--name``: a glob when it has wildcards, else a case-insensitive substring."""
    if any(c in pattern for c in "*?["):
        return fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(case_id, pattern)
    return pattern.casefold() in case_id.casefold()


@dataclass(slots=True)
class _Inputs:
    """Files read once per run, and reports computed once per distinct set of inputs."""

    files: dict[tuple[str, ...], Any] = field(default_factory=dict)
    reports: dict[tuple[Any, ...], Report] = field(default_factory=dict)


def run_scenarios(
    policy: Policy,
    tests: Sequence[str | os.PathLike[str]],
    *,
    name: str | None = None,
) -> ScenarioRun:
    """Run every case of the scenario files ``tests`` (those matching ``name``) on ``policy``.

    ``name`` selects cases: a glob (``*annual*``) matched against the case name or
    ``file::name``, or else a case-insensitive substring of ``file::name``. Raises
    :class:`InputError` when a scenario file is unreadable or invalid; a case whose own
    input files are unusable fails with the problems instead.
    """
    suites = load_scenarios(tests)
    cache = _Inputs()
    evaluable = evaluable_rules(policy)
    known = {r.id for r in policy.rules}
    exercised: set[str] = set()
    results: list[CaseResult] = []
    for suite in suites:
        for i, case in enumerate(suite.content.cases):
            line, col = suite.where("cases", i)
            case_id = f"{suite.file}::{case.name}"
            if name is not None and not _matches(name, case_id, case.name):
                continue
            if case.skip is not None:
                results.append(CaseResult(file=suite.file, name=case.name, line=line, col=col,
                                          outcome="skipped", reason=case.skip))  # fmt: skip
                continue
            began = time.perf_counter()
            failures, rules = _run_case(policy, known, suite, i, case, cache)
            exercised |= rules
            results.append(
                CaseResult(
                    file=suite.file, name=case.name, line=line, col=col,
                    outcome="failed" if failures else "passed", failures=failures,
                    rules=sorted(rules), seconds=time.perf_counter() - began,
                )
            )  # fmt: skip
    hit = [r for r in evaluable if r in exercised]
    missed = [r for r in evaluable if r not in exercised]
    percent = 100.0 * len(hit) / len(evaluable) if evaluable else 100.0
    return ScenarioRun(
        policy=policy.id,
        files=[s.file for s in suites],
        cases=results,
        coverage=RuleCoverage(evaluable=evaluable, exercised=hit, missed=missed, percent=percent),
        passed=sum(1 for r in results if r.outcome == "passed"),
        failed=sum(1 for r in results if r.outcome == "failed"),
        skipped=sum(1 for r in results if r.outcome == "skipped"),
    )


def _resolve(suite: Suite, path: str) -> str:
    """A path written in a scenario file, relative to that file's folder."""
    if os.path.isabs(path):
        return path
    return os.path.normpath(os.path.join(os.path.dirname(suite.file) or ".", path))


def _load(cache: _Inputs, key: tuple[str, ...], loader: Any) -> Any:
    if key not in cache.files:
        try:
            cache.files[key] = loader()
        except InputError as exc:
            cache.files[key] = exc
    value = cache.files[key]
    if isinstance(value, InputError):
        raise value
    return value


def _report(policy: Policy, suite: Suite, case: Case, cache: _Inputs) -> Report:
    """The case's report: inputs resolved against the defaults, each file read once per run,
    and one evaluation per distinct set of inputs (cases sharing data share the report)."""
    defaults = suite.content.defaults
    roster_spec = case.roster if case.roster is not None else defaults.roster
    history_spec = case.history if case.history is not None else defaults.history
    holidays_spec = case.holidays if case.holidays is not None else defaults.holidays
    period_spec = case.period or defaults.period
    assert roster_spec is not None  # both checked when loading (_missing_inputs)
    assert period_spec is not None
    start, end = period_spec.bounds()
    as_of = case.as_of or defaults.as_of or end + timedelta(days=1)

    findings: list[Finding] = []
    lines: list[Mapping[tuple[str, str], tuple[str, int]]] = []
    roster_key: tuple[str, ...]
    history_key: tuple[str, ...]
    holidays_key: tuple[str, ...]
    if isinstance(roster_spec, str):
        path = _resolve(suite, roster_spec)
        loaded = _load(cache, ("roster", path), lambda: load_roster(path))
        roster, roster_key = loaded.value, ("roster", path)
        findings += loaded.findings
        lines.append(loaded.lines)
    else:
        roster, roster_key = roster_spec, ("inline", str(id(roster_spec)))
    if history_spec is None:
        history, history_key = History(), ("none",)
    elif isinstance(history_spec, History):
        history, history_key = history_spec, ("inline", str(id(history_spec)))
    else:
        paths = [history_spec] if isinstance(history_spec, str) else list(history_spec)
        resolved = tuple(_resolve(suite, p) for p in paths)
        loaded = _load(cache, ("history", *resolved), lambda: load_history(list(resolved)))
        history, history_key = loaded.value, ("history", *resolved)
        findings += loaded.findings
        lines.append(loaded.lines)
    if holidays_spec is None:
        holidays, holidays_key = None, ("none",)
    elif isinstance(holidays_spec, HolidayCalendar):
        holidays, holidays_key = holidays_spec, ("inline", str(id(holidays_spec)))
    else:
        path = _resolve(suite, holidays_spec)
        holidays = _load(cache, ("holidays", path), lambda: load_holidays(path))
        holidays_key = ("holidays", path)
    key = (roster_key, history_key, holidays_key, start, end, as_of)
    if key not in cache.reports:
        cache.reports[key] = evaluate(
            policy, roster, history, (start, end), as_of, holidays,
            findings=findings, lines=ChainMap(*lines) if lines else None,  # type: ignore[arg-type]
        )  # fmt: skip
    return cache.reports[key]


def _run_case(
    policy: Policy, known: set[str], suite: Suite, index: int, case: Case, cache: _Inputs
) -> tuple[list[CaseFailure], set[str]]:
    base = ("cases", index)
    expect = case.expect
    named = {e.rule for e in expect.obligations} | {f.rule for f in expect.findings if f.rule}
    if isinstance(expect.exhaustive, list):
        named |= set(expect.exhaustive)
    failures: list[CaseFailure] = []
    for rule in sorted(named - known):
        close = difflib.get_close_matches(rule, sorted(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        line, col = suite.where(*base, "expect")
        failures.append(CaseFailure(kind="error", message=f"the policy {policy.id!r} has no "
                                    f"rule {rule!r}{hint}", line=line, col=col))  # fmt: skip
    rules = named & known
    try:
        report = _report(policy, suite, case, cache)
    except InputError as exc:
        line, col = suite.where(*base)
        text = "; ".join(str(p) for p in exc.problems[:5])
        failures.append(CaseFailure(kind="error", message=f"unusable input: {text}",
                                    line=line, col=col))  # fmt: skip
        return failures, rules
    except CalendarError as exc:
        line, col = suite.where(*base)
        failures.append(CaseFailure(kind="error", message=f"calendar: {exc}", line=line, col=col))
        return failures, rules

    matched: set[str] = set()
    for j, expected in enumerate(expect.obligations):
        if expected.rule not in known:
            continue
        line, col = suite.where(*base, "expect", "obligations", j)
        failure = _check_obligation(report, expected, matched)
        if failure is not None:
            failures.append(failure.model_copy(update={"line": line, "col": col}))
    if expect.exhaustive:
        only = (
            {e.rule for e in expect.obligations}
            if expect.exhaustive is True
            else set(expect.exhaustive)
        )
        line, col = suite.where(*base, "expect", "exhaustive")
        for ob in report.obligations:
            if ob.rule in only and ob.id not in matched:
                failures.append(
                    CaseFailure(
                        kind="unexpected",
                        message=f"unexpected obligation {_actual(ob)} (exhaustive: the case "
                        f"lists every obligation of rule {ob.rule})",
                        expected="no other obligation of this rule",
                        actual=_actual(ob), obligation=ob.id, explanation=ob.explanation,
                        line=line, col=col,
                    )
                )  # fmt: skip
    for j, finding in enumerate(expect.findings):
        line, col = suite.where(*base, "expect", "findings", j)
        found = [f for f in report.findings if _finding_matches(f, finding)]
        if not finding.absent:
            rules |= {f.rule for f in found if f.rule is not None and f.rule in known}
        failure = _check_finding(report, finding, found)
        if failure is not None:
            failures.append(failure.model_copy(update={"line": line, "col": col}))
    return failures, rules


# --------------------------------------------------------------------------- comparing


def _expected(e: ExpectedObligation) -> str:
    """An expectation as a reader would say it: ``team_often [dsec, vp] on 2025-05-01``."""
    text = e.rule
    if e.parties is not None:
        text += f" [{', '.join(sorted(e.parties))}]"
    if e.responsible is not None:
        text += f" owed by {', '.join(sorted(e.responsible))}"
    if e.id is not None:
        text += f" id {e.id}"
    if e.window is not None:
        text += f" window {e.window.start or '…'} … {e.window.due or '…'}"
    if e.date is not None:
        text += f" on {e.date}"
    return text


def _actual(ob: Obligation) -> str:
    return f"{ob.id} ({ob.status})"


def _details(ob: Obligation) -> str:
    counted = ", ".join(ob.satisfied_by) or "none"
    return (
        f"{ob.id}: status {ob.status}, window {ob.window.start} … {ob.window.due}, "
        f"required {ob.required}, counted {counted}, responsible {', '.join(ob.responsible)}"
    )


def _selects(ob: Obligation, e: ExpectedObligation) -> bool:
    if ob.rule != e.rule:
        return False
    if e.parties is not None and sorted(ob.parties) != sorted(e.parties):
        return False
    if e.id is not None and ob.id != e.id:
        return False
    if e.responsible is not None and sorted(e.responsible) != ob.responsible:
        return False
    if e.window is not None:
        if e.window.start is not None and ob.window.start != e.window.start:
            return False
        if e.window.due is not None and ob.window.due != e.window.due:
            return False
    return e.date is None or ob.window.start <= e.date <= ob.window.due


def _check_obligation(
    report: Report, e: ExpectedObligation, matched: set[str]
) -> CaseFailure | None:
    found = [ob for ob in report.obligations if _selects(ob, e)]
    said = _expected(e)
    if e.absent:
        if not found:
            return None
        listed = ", ".join(_actual(ob) for ob in found[:5])
        return CaseFailure(kind="obligation", message=f"{said}: expected none, got {listed}",
                           expected="no such obligation", actual=_details(found[0]),
                           obligation=found[0].id,
                           explanation=found[0].explanation)  # fmt: skip
    want = f"status {e.status}"
    if not found:
        near = [
            ob for ob in report.obligations
            if ob.rule == e.rule and (e.parties is None or sorted(ob.parties) == sorted(e.parties))
        ] or [ob for ob in report.obligations if ob.rule == e.rule]  # fmt: skip
        if near:
            shown = ", ".join(
                f"{ob.id} ({ob.status}, {ob.window.start} … {ob.window.due}, owed by "
                f"{', '.join(ob.responsible)})"
                for ob in near[:4]
            )
            more = f" and {len(near) - 4} more" if len(near) > 4 else ""
            actual = f"no such obligation; the nearest: {shown}{more}"
        else:
            actual = f"no obligation of rule {e.rule} at all"
        return CaseFailure(kind="obligation", message=f"{said}: expected {e.status}, no such "
                           "obligation", expected=want, actual=actual)  # fmt: skip
    if len(found) > 1:
        listed = ", ".join(_actual(ob) for ob in found[:6])
        return CaseFailure(kind="obligation", message=f"{said}: {len(found)} obligations match "
                           "(add window, date or id to pick one)", expected=want,
                           actual=listed)  # fmt: skip
    ob = found[0]
    matched.add(ob.id)
    wrong: list[tuple[str, str, str]] = []
    if ob.status != e.status:
        wrong.append(("status", str(e.status), ob.status))
    if e.satisfied_by is not None and sorted(e.satisfied_by) != sorted(ob.satisfied_by):
        wrong.append(("satisfied_by", _list(sorted(e.satisfied_by)), _list(ob.satisfied_by)))
    if not wrong:
        return None
    summary = "; ".join(f"expected {w} {x}, got {y}" if w != "status" else f"expected {x}, got {y}"
                        for w, x, y in wrong)  # fmt: skip
    expected = ", ".join(f"{w} {x}" for w, x, _ in wrong)
    return CaseFailure(kind="obligation", message=f"{said}: {summary}", expected=expected,
                       actual=_details(ob), obligation=ob.id,
                       explanation=ob.explanation)  # fmt: skip


def _list(items: Sequence[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _finding_matches(f: Finding, e: ExpectedFinding) -> bool:
    return (
        f.code == e.code
        and (e.record is None or f.record == e.record)
        and (e.rule is None or f.rule == e.rule)
        and (e.severity is None or f.severity == e.severity)
    )


def _said_finding(e: ExpectedFinding) -> str:
    text = f"finding {e.code}"
    if e.record is not None:
        text += f" on {e.record}"
    if e.rule is not None:
        text += f" of rule {e.rule}"
    if e.severity is not None:
        text += f" ({e.severity})"
    return text


def _check_finding(report: Report, e: ExpectedFinding, found: list[Finding]) -> CaseFailure | None:
    said = _said_finding(e)
    if e.absent:
        if not found:
            return None
        first = found[0]
        return CaseFailure(
            kind="finding",
            message=f"{said}: expected none, got {len(found)}",
            expected="no such finding",
            actual=f"{first.code} on {first.record}: {first.message.en}",
        )
    if found:
        return None
    if e.record is not None:
        others = [f for f in report.findings if f.record == e.record]
        actual = "findings on this record: " + (
            "; ".join(f"{f.code} ({f.severity})" for f in others) if others else "none"
        )
    else:
        same = [f for f in report.findings if f.code == e.code]
        actual = (
            "findings with this code: " + "; ".join(f"on {f.record}" for f in same[:5])
            if same
            else f"no {e.code} finding at all"
        )
    return CaseFailure(kind="finding", message=f"{said}: expected, none found",
                       expected=said, actual=actual)  # fmt: skip


# --------------------------------------------------------------------------- output


def _final_line(run: ScenarioRun) -> str:
    """Exactly ``N passed, N failed`` (``, N skipped`` when any), as CI runners read it."""
    line = f"{run.passed} passed, {run.failed} failed"
    return line + (f", {run.skipped} skipped" if run.skipped else "")


def _coverage_lines(run: ScenarioRun, threshold: float | None) -> list[str]:
    cov = run.coverage
    out = [
        f"rule coverage: {len(cov.exercised)} of {len(cov.evaluable)} evaluable rules "
        f"exercised ({cov.percent:.1f}%)"
    ]
    if cov.missed:
        out.append(f"  not exercised by any case: {', '.join(cov.missed)}")
    if threshold is not None and cov.percent < threshold:
        out.append(f"rule coverage {cov.percent:.1f}% is below the threshold {threshold:g}%")
    return out


def scenarios_text(run: ScenarioRun, *, threshold: float | None = None) -> str:
    """pytest-like: a progress line per file, each failure in full, a summary, the counts."""
    out: list[str] = []
    marks = {"passed": ".", "failed": "F", "skipped": "s"}
    by_file: dict[str, list[CaseResult]] = {}
    for result in run.cases:
        by_file.setdefault(result.file, []).append(result)
    for file, results in by_file.items():
        out.append(f"{file} {''.join(marks[r.outcome] for r in results)}")
    failed = [r for r in run.cases if r.outcome == "failed"]
    if failed:
        out += ["", "FAILURES"]
        for result in failed:
            out.append(f"___ {result.id} (line {result.line}) ___")
            for failure in result.failures:
                out.append(f"  {failure.message}  [line {failure.line}]")
                if failure.expected is not None:
                    out.append(f"    expected  {failure.expected}")
                if failure.actual is not None:
                    out.append(f"    actual    {failure.actual}")
                if failure.explanation is not None:
                    out.append(f"    because   {failure.explanation.en}")
                    out.append(f"              {failure.explanation.zh}")
    if not run.cases:
        out.append("no case ran" + (" (no case matched --name)" if run.files else ""))
    out.append("")
    out += _coverage_lines(run, threshold)
    for result in failed:
        out.append(f"FAILED {result.id} - {result.failures[0].message}")
    out.append(_final_line(run))
    return "\n".join(out) + "\n"


def scenarios_github(run: ScenarioRun, *, threshold: float | None = None) -> str:
    """A workflow annotation per unmet expectation, at its line in the scenario file."""
    out: list[str] = []
    for result in run.cases:
        for failure in result.failures:
            body = [failure.message]
            if failure.expected is not None:
                body.append(f"expected: {failure.expected}")
            if failure.actual is not None:
                body.append(f"actual: {failure.actual}")
            if failure.explanation is not None:
                body.append(f"because: {failure.explanation.en}")
            out.append(annotation("error", "\n".join(body), file=result.file,
                                  line=failure.line or result.line,
                                  col=failure.col or result.col,
                                  title=f"tanxin-rules test: {result.name}"))  # fmt: skip
    cov = run.coverage
    if threshold is not None and cov.percent < threshold:
        out.append(annotation("error", f"rule coverage {cov.percent:.1f}% is below "
                              f"{threshold:g}%; not exercised: {', '.join(cov.missed)}",
                              title="tanxin-rules test: coverage"))  # fmt: skip
    elif cov.missed:
        out.append(annotation("notice", f"rules no case exercises: {', '.join(cov.missed)}",
                              title="tanxin-rules test: coverage"))  # fmt: skip
    out += _coverage_lines(run, threshold)
    out.append(_final_line(run))
    return "\n".join(out) + "\n"


def scenarios_junit(run: ScenarioRun, *, threshold: float | None = None) -> str:
    """JUnit XML: a test suite per scenario file, a test case per case."""
    suites: list[JUnitSuite] = []
    by_file: dict[str, list[CaseResult]] = {file: [] for file in run.files}
    for result in run.cases:
        by_file.setdefault(result.file, []).append(result)
    cov = run.coverage
    properties = {
        "policy": run.policy,
        "rule_coverage_percent": f"{cov.percent:.1f}",
        "rules_not_exercised": ",".join(cov.missed),
    }
    for file, results in by_file.items():
        if not results:
            continue
        cases: list[JUnitCase] = []
        for r in results:
            details = "\n".join(
                line
                for f in r.failures
                for line in (
                    f"{f.message} [line {f.line}]",
                    f"  expected: {f.expected}" if f.expected is not None else "",
                    f"  actual:   {f.actual}" if f.actual is not None else "",
                    f"  because:  {f.explanation.en}" if f.explanation is not None else "",
                )
                if line
            )
            if r.outcome == "skipped":
                outcome: Literal["passed", "failed", "error", "skipped"] = "skipped"
            elif r.outcome == "passed":
                outcome = "passed"
            else:
                outcome = "error" if all(f.kind == "error" for f in r.failures) else "failed"
            message = r.reason or (r.failures[0].message if r.failures else "")
            cases.append(JUnitCase(name=r.name, classname=_classname(file), time=r.seconds,
                                   outcome=outcome, message=message,
                                   details=details))  # fmt: skip
        suites.append(JUnitSuite(name=file, cases=cases, file=file, properties=properties))
    if threshold is not None:
        below = cov.percent < threshold
        shortfall = (
            f"{cov.percent:.1f}% < {threshold:g}%; not exercised: {', '.join(cov.missed)}"
            if below
            else ""
        )
        suites.append(
            JUnitSuite(
                name="rule coverage",
                cases=[
                    JUnitCase(
                        name=f"rule coverage >= {threshold:g}%",
                        classname="tanxin_rules.coverage",
                        outcome="failed" if below else "passed",
                        message=shortfall,
                    )
                ],
                properties=properties,
            )
        )
    return junit_xml(suites, name=f"tanxin-rules test {run.policy}")


def _classname(file: str) -> str:
    """A scenario file as a JUnit class name: its path without extension, dotted."""
    stem = Path(file).with_suffix("").as_posix().lstrip("./")
    return stem.replace("/", ".") or "scenarios"
