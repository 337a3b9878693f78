"""The ``tanxin-rules`` command line.

Exit codes (documented in docs/cli.md and, for the CI commands, docs/ci.md):

- ``0``: success; nothing to report;
- ``1``: the command ran and found problems (an invalid policy, an unencoded clause, a lint
  finding at the failing level, a failed scenario case, a change under ``--fail-on-change``);
- ``2``: usage error, or an input the command could not read.

Problems are printed one per line as ``path:line:col: error: message`` (yamllint's form); with
``GITHUB_ACTIONS=true`` in the environment, ``validate`` and ``lint`` print workflow
annotations instead, so they show on the pull request's diff. Every command that CI runs
takes ``--format`` (json, github, sarif or junit: see ``_formats``). No traceback ever reaches
the user: any error the library raises is reported as a located message.

This module is the one parser and dispatcher; each command's work lives in its own module
(``_scenarios`` for ``test``, ``_diff`` for ``diff``, ``_lint`` for ``lint``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections import ChainMap
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TextIO

from ._errors import CalendarError, InputError, PolicyError, Problem
from ._formats import annotation, github_level, problem_annotation, sarif_log
from ._loading import load_policy
from ._policy import SlotRule
from ._schema import SCHEMA_KINDS, json_schema
from ._trace import Trace, trace

__all__ = ["main", "run"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's default exits; ours raises
        raise _UsageError(f"{self.prog}: error: {message}")


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tanxin-rules",
        description="Check heart-to-heart talk (談心談話) policies and organisations against them.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = sub.add_parser("validate", help="check policy files; print every problem")
    validate.add_argument("policies", nargs="+", metavar="POLICY")
    validate.add_argument("--format", choices=["text", "json", "github", "sarif"], default=None)

    li = sub.add_parser("lint", help="static analysis: rules that never apply, unused items…")
    li.add_argument("policies", nargs="+", metavar="POLICY")
    li.add_argument("--roster", metavar="FILE", help="also check the chain against a roster")
    li.add_argument(
        "--as-of", dest="as_of", type=_iso_date, metavar="DATE",
        help="the day the roster checks look at (default: today)",
    )  # fmt: skip
    li.add_argument(
        "--fail-level",
        choices=["error", "warning", "info"],
        default="warning",
        help="exit 1 when a finding at or above this level exists (default: warning)",
    )
    li.add_argument("--format", choices=["text", "json", "github", "sarif"], default=None)

    te = sub.add_parser("test", help="run scenario tests of a policy; report rule coverage")
    te.add_argument("policy", metavar="POLICY")
    te.add_argument("tests", nargs="+", metavar="TESTS", help="scenario files (YAML)")
    te.add_argument(
        "--name",
        metavar="PATTERN",
        help="run only cases whose name (or file::name) matches: a glob, else a "
        "case-insensitive substring",
    )
    te.add_argument(
        "--coverage-threshold",
        type=_percent,
        metavar="P",
        help="fail when fewer than P%% of the evaluable rules are exercised",
    )
    te.add_argument("--format", choices=["text", "json", "github", "junit"], default="text")

    di = sub.add_parser("diff", help="what an edit of a policy changes for a roster and history")
    _inputs_arguments(di, ("old", "new"))
    di.add_argument("--format", choices=["text", "json"], default="text")
    di.add_argument("--fail-on-change", action="store_true",
                    help="exit 1 when the policy, an obligation or a finding changes")  # fmt: skip

    schema = sub.add_parser("schema", help="print the JSON Schema of a file kind")
    schema.add_argument("kind", nargs="?", choices=SCHEMA_KINDS, default="policy")

    tr = sub.add_parser("trace", help="traceability matrix: source clause → encoding")
    tr.add_argument("policy", metavar="POLICY")
    tr.add_argument("--format", choices=["text", "json"], default="text")

    sch = sub.add_parser("schedule", help="every slot and meeting window in a date range")
    sch.add_argument("policy", metavar="POLICY")
    sch.add_argument("--from", dest="start", required=True, type=_iso_date, metavar="DATE")
    sch.add_argument("--to", dest="end", required=True, type=_iso_date, metavar="DATE")
    sch.add_argument("--meetings", metavar="FILE", help="meetings file (YAML, JSON or CSV)")
    sch.add_argument("--holidays", metavar="FILE", help="holiday calendar (YAML, JSON or CSV)")
    sch.add_argument("--format", choices=["table", "json", "ics"], default="table")

    ev = sub.add_parser("evaluate", help="obligations, violations and to-do lists for a roster")
    _inputs_arguments(ev)
    ev.add_argument(
        "--format",
        choices=["text", "table", "json", "csv", "github"],
        default="text",
        help="text (alias table), json, csv or github annotations",
    )
    ev.add_argument(
        "--fail-on",
        choices=["overdue", "pending", "warning"],
        help="exit 1 when an obligation is overdue (or pending, or any warning finding)",
    )

    ex = sub.add_parser("explain", help="the full reasoning for one obligation or person")
    _inputs_arguments(ex)
    which = ex.add_mutually_exclusive_group(required=True)
    which.add_argument("--obligation", metavar="ID")
    which.add_argument("--person", metavar="ID")
    ex.add_argument("--format", choices=["text", "json"], default="text")
    return parser


def _inputs_arguments(cmd: argparse.ArgumentParser, policies: Sequence[str] = ("policy",)) -> None:
    for name in policies:
        cmd.add_argument(name, metavar=name.upper() if len(policies) > 1 else "POLICY")
    cmd.add_argument("--roster", required=True, metavar="FILE", help="YAML, JSON or CSV")
    cmd.add_argument(
        "--history", required=True, nargs="+", metavar="FILE",
        help="talks, events and meetings: YAML or JSON, or one CSV file per kind",
    )  # fmt: skip
    cmd.add_argument("--holidays", metavar="FILE", help="holiday calendar (YAML, JSON or CSV)")
    cmd.add_argument("--meetings", metavar="FILE", help="extra meetings file")
    when = cmd.add_mutually_exclusive_group(required=True)
    when.add_argument("--year", type=_year, metavar="YYYY")
    when.add_argument("--from", dest="start", type=_iso_date, metavar="DATE")
    cmd.add_argument("--to", dest="end", type=_iso_date, metavar="DATE")
    cmd.add_argument(
        "--as-of", dest="as_of", type=_iso_date, metavar="DATE",
        help="what is known: talks after it do not count (default: today)",
    )  # fmt: skip


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4 and text != "0000"):
        raise argparse.ArgumentTypeError(f"expected a year as YYYY (0001-9999), got {text!r}")
    return int(text)


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"expected a percentage from 0 to 100, got {text!r}")
    return value


def _iso_date(text: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:  # fmt: skip
    """Run the CLI with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except _UsageError as exc:
        print(exc, file=err)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    command = {"validate": _validate, "lint": _lint, "test": _test, "diff": _diff,
               "schema": _schema, "trace": _trace, "schedule": _schedule,
               "evaluate": _evaluate, "explain": _explain}[args.command]  # fmt: skip
    return command(args, out, err)


def run() -> None:
    """Console-script entry point."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `tanxin-rules schema | head`: the reader left; not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_OK
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)


def _format(requested: str | None) -> str:
    if requested:
        return requested
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def print_problems(
    problems: Sequence[Problem],
    fmt: str,
    out: TextIO,
    *,
    rules: Mapping[str, str] | None = None,
    levels: Mapping[str, str] | None = None,
    show_code: bool = False,
    successful: bool = True,
) -> None:
    """Problems as text (``path:line:col: level: message``), github annotations, json or SARIF.

    ``rules`` describes the codes for SARIF's reporting descriptors; ``show_code`` appends
    ``[code]`` to text lines (lint codes are what a reader looks up); ``successful`` is
    SARIF's ``executionSuccessful`` (false when an input could not be read).
    """
    if fmt == "json":
        json.dump([_problem_json(p) for p in problems], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    if fmt == "sarif":
        from . import __version__  # noqa: PLC0415 - the package is initialised by now

        log = sarif_log(problems, rules=rules or {}, levels=levels, version=__version__,
                        successful=successful)  # fmt: skip
        json.dump(log, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    for problem in problems:
        if fmt == "github":
            out.write(problem_annotation(problem) + "\n")
        elif show_code:
            out.write(f"{problem} [{problem.code}]\n")
        else:
            out.write(f"{problem}\n")


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "col": problem.col,
        "level": problem.level,
        "code": problem.code,
        "path": list(problem.path),
        "message": problem.message,
    }


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    fmt = _format(args.format)
    problems: list[Problem] = []
    unreadable = False
    for path in args.policies:
        try:
            load_policy(path)
        except PolicyError as exc:
            problems.extend(exc.problems)
            unreadable = unreadable or any(p.code == "io" for p in exc.problems)
    print_problems(problems, fmt, out, rules=VALIDATION_CODES, levels=dict.fromkeys(
        VALIDATION_CODES, "error"), successful=not unreadable)  # fmt: skip
    if unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if problems else EXIT_OK


VALIDATION_CODES: dict[str, str] = {
    "io": "the file cannot be read",
    "yaml": "YAML syntax, or a construct the strict reader refuses (tags, merge keys, "
    "duplicate keys)",
    "encoding": "the file is not UTF-8 text",
    "too-large": "the file is over the size limit",
    "too-deep": "the file is nested too deeply",
    "reference": "a reference to an id the policy does not define",
    "unknown-parameter": "a {param: id} naming no parameter",
    "parameter-not-allowed": "a key whose value cannot be a parameter reference",
    "extra_forbidden": "an unknown key (not part of the policy language)",
    "missing": "a required key is missing",
}
"""Descriptions of the usual validation codes (others are Pydantic error types)."""


def _lint(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ._lint import LEVELS, LINT_CODES, lint  # noqa: PLC0415 - only this command
    from ._reading import load_roster  # noqa: PLC0415

    fmt = _format(args.format)
    roster = None
    if args.roster:
        try:
            roster = load_roster(args.roster)
        except InputError as exc:
            print_problems(exc.problems, fmt, out, rules=VALIDATION_CODES, successful=False)
            return EXIT_USAGE
    on = args.as_of or date.today()  # the CLI reads the clock; lint never does
    problems: list[Problem] = []
    bad = False
    for path in args.policies:
        try:
            policy = load_policy(path)
        except PolicyError as exc:
            problems.extend(exc.problems)
            bad = True
            continue
        found = lint(policy, roster.value if roster else None, on=on, file=path,
                     roster_file=args.roster or "<roster>")  # fmt: skip
        problems.extend(_located(found, path, roster))
    rules = {code: text for code, (_, text) in LINT_CODES.items()} | VALIDATION_CODES
    levels = {code: level for code, (level, _) in LINT_CODES.items()}
    print_problems(problems, fmt, out, rules=rules, levels=levels, show_code=True,
                   successful=not bad)  # fmt: skip
    if bad:
        return EXIT_USAGE
    floor = LEVELS[args.fail_level]
    return EXIT_FINDINGS if any(LEVELS.get(p.level, 2) >= floor for p in problems) else EXIT_OK


def _located(problems: Sequence[Problem], policy_file: str, roster: Any) -> list[Problem]:
    """Lint findings with ``line:col``: policy nodes by their path, people by their record."""
    from ._loading import read_limited  # noqa: PLC0415
    from ._yaml import Limits, read_yaml  # noqa: PLC0415

    root = read_yaml(read_limited(policy_file, Limits()), file=policy_file).root
    out: list[Problem] = []
    for problem in problems:
        line, col = 0, 0
        if problem.file == policy_file:
            line, col = root.locate(problem.path)
        elif roster is not None and problem.path[:1] == ("people",) and len(problem.path) > 1:
            index = problem.path[1]
            people = roster.value.people
            if isinstance(index, int) and 0 <= index < len(people):
                where = roster.lines.get(("person", people[index].id))
                if where is not None:
                    line, col = where[1], 1
        out.append(dataclasses.replace(problem, line=line, col=col))
    return out


def _test(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ._scenarios import (  # noqa: PLC0415 - only this command
        run_scenarios,
        scenarios_github,
        scenarios_junit,
        scenarios_text,
    )

    policy = _load_or_report(args.policy, err)
    if policy is None:
        return EXIT_USAGE
    try:
        result = run_scenarios(policy, args.tests, name=args.name)
    except InputError as exc:
        print_problems(exc.problems, _format(None), err)
        return EXIT_USAGE
    threshold = args.coverage_threshold
    if args.format == "json":
        out.write(result.model_dump_json(indent=2) + "\n")
    elif args.format == "junit":
        out.write(scenarios_junit(result, threshold=threshold))
    elif args.format == "github":
        out.write(scenarios_github(result, threshold=threshold))
    else:
        out.write(scenarios_text(result, threshold=threshold))
    ran = result.passed + result.failed
    below = threshold is not None and result.coverage.percent < threshold
    return EXIT_FINDINGS if result.failed or not ran or below else EXIT_OK


def _diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ._diff import diff_policies, diff_text  # noqa: PLC0415 - only this command

    old = _load_or_report(args.old, err)
    new = _load_or_report(args.new, err) if old is not None else None
    if old is None or new is None:
        return EXIT_USAGE
    inputs = _read_inputs(
        args, err, {k.id for k in old.meeting_kinds} | {k.id for k in new.meeting_kinds}
    )
    if inputs is None:
        return EXIT_USAGE
    roster, history, holidays, findings, lines, period, as_of = inputs
    try:
        result = diff_policies(old, new, roster, history, period, as_of, holidays,
                               findings=findings, lines=lines)  # fmt: skip
    except (InputError, CalendarError) as exc:
        print(f"tanxin-rules diff: error: {exc}", file=err)
        return EXIT_USAGE
    if args.format == "json":
        data = result.model_dump(mode="json")
        data["changed"] = result.changed
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(diff_text(result, old_name=args.old, new_name=args.new))
    return EXIT_FINDINGS if args.fail_on_change and result.changed else EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    json.dump(json_schema(args.kind), out, ensure_ascii=False, indent=2)
    out.write("\n")
    return EXIT_OK


def _load_or_report(path: str, err: TextIO) -> Any:
    try:
        return load_policy(path)
    except PolicyError as exc:
        print_problems(exc.problems, _format(None), err)
        return None


def _trace(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    policy = _load_or_report(args.policy, err)
    if policy is None:
        return EXIT_USAGE
    matrix = trace(policy)
    if args.format == "json":
        out.write(matrix.model_dump_json(indent=2) + "\n")
    else:
        _print_trace(matrix, out)
    return EXIT_FINDINGS if matrix.unencoded else EXIT_OK


def _print_trace(matrix: Trace, out: TextIO) -> None:
    width = max(len(c.clause) for c in matrix.clauses)
    counts: dict[str, int] = {}
    for clause in matrix.clauses:
        counts[clause.status] = counts.get(clause.status, 0) + 1
        out.write(f"{clause.clause:<{width}}  {clause.status:<11}  {clause.text.en[:70]}\n")
        for item in clause.items:
            level = f" {item.level}" if item.level else ""
            out.write(f"{'':<{width}}    {item.cites:<6} {item.kind:<14} {item.id:<28} "
                      f"{item.status}{level}\n")  # fmt: skip
        if clause.interpretations:
            out.write(f"{'':<{width}}    interpretations: {', '.join(clause.interpretations)}\n")
        if clause.parts_unencoded:
            out.write(f"{'':<{width}}    parts not encoded: {', '.join(clause.parts_unencoded)}\n")
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    out.write(f"{len(matrix.clauses)} clauses: {summary}\n")
    if matrix.unencoded:
        out.write(f"unencoded: {', '.join(matrix.unencoded)}\n")


def _schedule(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ._holidays import load_holidays, load_meetings  # noqa: PLC0415 - only this command
    from ._ics import schedule_ics  # noqa: PLC0415
    from ._schedule import format_json, format_table, schedule  # noqa: PLC0415

    prog = "tanxin-rules schedule"
    if args.end < args.start:
        print(f"{prog}: error: --to {args.end} is before --from {args.start}", file=err)
        return EXIT_USAGE
    policy = _load_or_report(args.policy, err)
    if policy is None:
        return EXIT_USAGE
    try:
        holidays = load_holidays(args.holidays) if args.holidays else None
        meetings = (
            load_meetings(args.meetings, kinds={k.id for k in policy.meeting_kinds})
            if args.meetings
            else []
        )
    except InputError as exc:
        print_problems(exc.problems, _format(None), err)
        return EXIT_USAGE
    try:
        items = schedule(policy, args.start, args.end, meetings=meetings, holidays=holidays)
        if args.format == "ics":
            data = schedule_ics(policy, args.start, args.end, holidays=holidays, items=items)
    except CalendarError as exc:
        about_calendar = holidays is not None and exc.where == holidays.name
        where = f" (holiday calendar: {args.holidays})" if about_calendar else ""
        print(f"{prog}: error: {exc}{where}", file=err)
        return EXIT_USAGE
    if holidays is None:
        moving = [r.id for r in policy.rules
                  if isinstance(r, SlotRule) and r.on_non_working_day != "keep"]  # fmt: skip
        if moving:
            print(f"{prog}: warning: no --holidays calendar, so no slot is moved off a "
                  f"non-working day (rules that would move them: {', '.join(moving)})",
                  file=err)  # fmt: skip
    if args.format == "ics":
        buffer = getattr(out, "buffer", None)
        if buffer is not None:  # bytes as written: CRLF line endings on every platform
            out.flush()
            buffer.write(data)
            buffer.flush()
        else:
            out.write(data.decode("utf-8"))
    elif args.format == "json":
        out.write(format_json(items, policy, args.start, args.end, holidays))
    else:
        out.write(format_table(items, policy, args.start, args.end, holidays))
    return EXIT_OK


def _period(args: argparse.Namespace) -> tuple[date, date] | str:
    if args.year is not None:
        if args.end is not None:
            return "--to goes with --from, not with --year"
        return date(args.year, 1, 1), date(args.year, 12, 31)
    if args.end is None:
        return "--from needs --to"
    if args.end < args.start:
        return f"--to {args.end} is before --from {args.start}"
    return args.start, args.end


def _read_inputs(
    args: argparse.Namespace, err: TextIO, kinds: set[str] | None = None
) -> tuple[Any, ...] | None:
    """Period, as-of, roster, history and holidays; on a problem report it and return None.

    ``kinds``: the policy's meeting kinds, so that a ``--meetings`` file naming another kind
    is a located error, as it is for ``schedule``."""
    from ._holidays import load_holidays, load_meetings  # noqa: PLC0415
    from ._reading import load_history, load_roster  # noqa: PLC0415

    prog = f"tanxin-rules {args.command}"
    period = _period(args)
    if isinstance(period, str):
        print(f"{prog}: error: {period}", file=err)
        return None
    as_of = args.as_of or date.today()  # the CLI reads the clock; the engine never does
    try:
        roster = load_roster(args.roster)
        history = load_history(args.history)
        holidays = load_holidays(args.holidays) if args.holidays else None
        extra = load_meetings(args.meetings, kinds=kinds) if args.meetings else []
    except InputError as exc:
        print_problems(exc.problems, _format(None), err)
        return None
    value = history.value
    if extra:
        value = value.model_copy(update={"meetings": [*value.meetings, *extra]})
    lines: ChainMap[tuple[str, str], tuple[str, int]] = ChainMap(
        roster.lines,  # type: ignore[arg-type]  # a read-only Mapping is all ChainMap reads
        history.lines,  # type: ignore[arg-type]
    )
    findings = [*roster.findings, *history.findings]
    return roster.value, value, holidays, findings, lines, period, as_of


def _evaluated(args: argparse.Namespace, err: TextIO) -> tuple[Any, ...] | None:
    """Load every input and evaluate; on any input problem report it and return None."""
    from ._engine import evaluate  # noqa: PLC0415 - the reading commands need none of this

    prog = f"tanxin-rules {args.command}"
    if isinstance(_period(args), str):  # report a bad period before reading any file
        print(f"{prog}: error: {_period(args)}", file=err)
        return None
    policy = _load_or_report(args.policy, err)
    if policy is None:
        return None
    inputs = _read_inputs(args, err, {k.id for k in policy.meeting_kinds})
    if inputs is None:
        return None
    roster, history, holidays, findings, lines, period, as_of = inputs
    try:
        report = evaluate(policy, roster, history, period, as_of, holidays, findings=findings,
                          lines=lines)  # fmt: skip
    except (InputError, CalendarError) as exc:
        print(f"{prog}: error: {exc}", file=err)
        return None
    return policy, roster, report


def _evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ._render import report_csv, report_table  # noqa: PLC0415

    done = _evaluated(args, err)
    if done is None:
        return EXIT_USAGE
    policy, _, report = done
    if args.format == "json":
        out.write(report.model_dump_json(indent=2, by_alias=True) + "\n")
    elif args.format == "csv":
        out.write(report_csv(report))
    elif args.format == "github":
        out.write(_report_annotations(report, policy, args.policy))
    else:
        out.write(report_table(report, policy))
    return EXIT_FINDINGS if _fails(report, args.fail_on) else EXIT_OK


def _report_annotations(report: Any, policy: Any, policy_file: str) -> str:
    """Workflow annotations: overdue obligations at their rule, findings at their record.

    An overdue ``must`` obligation is an error and a ``should`` one a warning, placed on the
    rule in the policy file (an obligation has no record of its own: it is a missing talk);
    error and warning findings are placed on the record they concern. Info findings and met
    or pending obligations are left out: annotations are for what needs action.
    """
    from ._loading import read_limited  # noqa: PLC0415
    from ._yaml import Limits, read_yaml  # noqa: PLC0415

    root = read_yaml(read_limited(policy_file, Limits()), file=policy_file).root
    index = {rule.id: i for i, rule in enumerate(policy.rules)}
    out: list[str] = []
    for ob in report.obligations:
        if ob.status != "overdue":
            continue
        line, col = root.locate(("rules", index[ob.rule])) if ob.rule in index else (0, 0)
        level: Any = "error" if ob.level == "must" else "warning"
        out.append(annotation(level, ob.explanation.en + "\n" + ob.explanation.zh,
                              file=policy_file, line=line, col=col,
                              title=f"overdue {ob.id}"))  # fmt: skip
    for finding in report.findings:
        if finding.severity == "info":
            continue
        title = f"tanxin-rules {finding.code} {finding.record or ''}".strip()
        out.append(
            annotation(
                github_level(finding.severity),
                finding.message.en,
                file=finding.file,
                line=finding.line or 0,
                title=title,
            )
        )
    s = report.summary
    out.append(f"obligations {s.obligations}: met {s.met}, pending {s.pending}, overdue "
               f"{s.overdue}")  # fmt: skip
    return "\n".join(out) + "\n"


def _fails(report: Any, fail_on: str | None) -> bool:
    if fail_on is None:
        return False
    if fail_on == "warning":
        return any(f.severity in {"warning", "error"} for f in report.findings) or any(
            o.status == "overdue" for o in report.obligations
        )
    statuses = {"overdue"} if fail_on == "overdue" else {"overdue", "pending"}
    return any(o.status in statuses for o in report.obligations)


def _explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import difflib  # noqa: PLC0415

    from ._render import (  # noqa: PLC0415
        explain_obligation,
        explain_obligation_data,
        explain_person,
        explain_person_data,
    )

    done = _evaluated(args, err)
    if done is None:
        return EXIT_USAGE
    policy, roster, report = done
    if args.obligation is not None:
        found = next((o for o in report.obligations if o.id == args.obligation), None)
        if found is None:
            close = difflib.get_close_matches(args.obligation, [o.id for o in report.obligations])
            hint = f"; did you mean {close[0]}?" if close else ""
            print(f"tanxin-rules explain: error: no obligation {args.obligation!r} in the "
                  f"report{hint}", file=err)  # fmt: skip
            return EXIT_USAGE
        if args.format == "json":
            data = explain_obligation_data(report, policy, found)
            out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            out.write(explain_obligation(report, policy, roster, found))
        return EXIT_OK
    if args.person not in {p.id for p in roster.people}:
        print(f"tanxin-rules explain: error: no person {args.person!r} on the roster", file=err)
        return EXIT_USAGE
    if args.format == "json":
        data = explain_person_data(report, policy, roster, args.person)
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(explain_person(report, policy, roster, args.person))
    return EXIT_OK
