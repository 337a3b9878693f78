"""The ``tanxin-rules`` command line.

Exit codes (documented in docs/cli.md):

- ``0``: success; nothing to report;
- ``1``: the command ran and found problems (an invalid policy, an unencoded clause);
- ``2``: usage error, or an input the command could not read.

Problems are printed one per line as ``path:line:col: error: message`` (yamllint's form); with
``GITHUB_ACTIONS=true`` in the environment, text output uses workflow annotations instead, so
they show on the pull request's diff. No traceback ever reaches the user: any error the
library raises is reported as a located message.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import ChainMap
from collections.abc import Sequence
from datetime import date
from typing import Any, TextIO

from ._errors import CalendarError, InputError, PolicyError, Problem
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
    validate.add_argument("--format", choices=["text", "json", "github"], default=None)

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
    ev.add_argument("--format", choices=["table", "json", "csv"], default="table")
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
    return parser


def _inputs_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("policy", metavar="POLICY")
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
    command = {"validate": _validate, "schema": _schema, "trace": _trace,
               "schedule": _schedule, "evaluate": _evaluate,
               "explain": _explain}[args.command]  # fmt: skip
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


def print_problems(problems: Sequence[Problem], fmt: str, out: TextIO) -> None:
    """Problems in text (``path:line:col: level: message``), github or json form."""
    if fmt == "json":
        json.dump([_problem_json(p) for p in problems], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    for problem in problems:
        if fmt == "github":
            out.write(_annotation(problem) + "\n")
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


def _annotation(problem: Problem) -> str:
    def escape(text: str, *, prop: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if prop else text

    parts = [f"file={escape(problem.file, prop=True)}"]
    if problem.line:
        parts += [f"line={problem.line}", f"col={problem.col}"]
    parts.append(f"title={escape('tanxin-rules ' + problem.code, prop=True)}")
    level = {"error": "error", "warning": "warning"}.get(problem.level, "notice")
    return f"::{level} {','.join(parts)}::{escape(problem.message)}"


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
    print_problems(problems, fmt, out)
    if unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if problems else EXIT_OK


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


def _evaluated(args: argparse.Namespace, err: TextIO) -> tuple[Any, ...] | None:
    """Load every input and evaluate; on any input problem report it and return None."""
    from ._engine import evaluate  # noqa: PLC0415 - the reading commands need none of this
    from ._holidays import load_holidays, load_meetings  # noqa: PLC0415
    from ._reading import load_history, load_roster  # noqa: PLC0415

    prog = f"tanxin-rules {args.command}"
    period = _period(args)
    if isinstance(period, str):
        print(f"{prog}: error: {period}", file=err)
        return None
    as_of = args.as_of or date.today()  # the CLI reads the clock; the engine never does
    policy = _load_or_report(args.policy, err)
    if policy is None:
        return None
    try:
        roster = load_roster(args.roster)
        history = load_history(args.history)
        holidays = load_holidays(args.holidays) if args.holidays else None
        extra = load_meetings(args.meetings) if args.meetings else []
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
    try:
        report = evaluate(
            policy, roster.value, value, period, as_of, holidays,
            findings=[*roster.findings, *history.findings], lines=lines,
        )  # fmt: skip
    except (InputError, CalendarError) as exc:
        print(f"{prog}: error: {exc}", file=err)
        return None
    return policy, roster.value, report


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
    else:
        out.write(report_table(report, policy))
    return EXIT_FINDINGS if _fails(report, args.fail_on) else EXIT_OK


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

    from ._render import explain_obligation, explain_person  # noqa: PLC0415

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
        out.write(explain_obligation(report, policy, roster, found))
        return EXIT_OK
    if args.person not in {p.id for p in roster.people}:
        print(f"tanxin-rules explain: error: no person {args.person!r} on the roster", file=err)
        return EXIT_USAGE
    out.write(explain_person(report, policy, roster, args.person))
    return EXIT_OK
