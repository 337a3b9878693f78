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
from collections.abc import Sequence
from typing import Any, TextIO

from ._errors import PolicyError, Problem
from ._loading import load_policy
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
    return parser


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
    command = {"validate": _validate, "schema": _schema, "trace": _trace}[args.command]
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
