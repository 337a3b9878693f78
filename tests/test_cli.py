"""The command line: output forms and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tanxin_rules._cli import main

ROOT = Path(__file__).resolve().parent.parent
HUIMIN = ROOT / "policies" / "huimin_2015.yaml"


def run(*argv: str) -> tuple[int, str, str]:
    """Run ``main`` in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of the Huimin policy with two problems."""
    text = HUIMIN.read_text(encoding="utf-8")
    text = text.replace("    days_before: 20\n", "    days_before: 14:30\n", 1)
    text = text.replace(
        "    scope: principals_team\n", "    scope: principals_team\n    colour: red\n", 1
    )
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_clean_policy_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid policy prints nothing and exits 0."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert run("validate", str(HUIMIN)) == (0, "", "")


def test_validate_prints_every_problem_located(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each problem is one line ``path:line:col: error: message``; exit 1."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code, out, _ = run("validate", str(broken))
    lines = broken.read_text(encoding="utf-8").splitlines()
    days = lines.index("    days_before: 14:30") + 1
    colour = lines.index("    colour: red") + 1
    assert code == 1
    printed = out.splitlines()
    assert len(printed) == 2
    assert printed[0].startswith(f"{broken}:{days}:18: error: rules[0].days_before: unquoted")
    assert "870" in printed[0]
    assert printed[1].startswith(f"{broken}:{colour}:5: error: rules[1].colour: unknown key")


def test_validate_json_format(broken: Path) -> None:
    """``--format json`` prints a list of located problems."""
    code, out, _ = run("validate", "--format", "json", str(broken))
    assert code == 1
    problems = json.loads(out)
    assert [p["code"] for p in problems] == ["int_type", "extra_forbidden"]
    assert all(p["file"] == str(broken) and p["line"] > 0 for p in problems)


def test_validate_github_annotations(broken: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under GitHub Actions, problems become workflow annotations."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run("validate", str(broken))
    assert code == 1
    assert all(line.startswith("::error file=") for line in out.splitlines())
    assert ",line=" in out


def test_validate_several_files(broken: Path) -> None:
    """All problems of all files are printed."""
    code, out, _ = run("validate", "--format", "text", str(HUIMIN), str(broken))
    assert code == 1
    assert len(out.splitlines()) == 2


def test_reference_problems_are_reported_once_types_are_right(tmp_path: Path) -> None:
    """Cross-references are checked after the shapes and types; all of them are listed."""
    text = HUIMIN.read_text(encoding="utf-8")
    text = text.replace("    scope: principals_team\n", "    scope: principal_team\n", 1)
    text = text.replace("    meeting: democratic_life_meeting\n", "    meeting: dlm\n", 1)
    path = tmp_path / "refs.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run("validate", "--format", "text", str(path))
    assert code == 1
    assert [line.split(": error: ")[1].split(":")[0] for line in out.splitlines()] == [
        "rules[0].meeting",
        "rules[1].scope",
    ]


def test_validate_missing_file_exits_2(tmp_path: Path) -> None:
    """An unreadable file is an input error: exit 2, with the path in the message."""
    missing = tmp_path / "nope.yaml"
    code, out, _ = run("validate", "--format", "text", str(missing))
    assert code == 2
    assert out.startswith(f"{missing}: error: cannot read file")


def test_usage_error_exits_2() -> None:
    """An unknown command is a usage error: exit 2, message on stderr."""
    code, out, err = run("bogus")
    assert code == 2
    assert out == ""
    assert "invalid choice" in err


def test_trace_text_and_json() -> None:
    """``trace`` lists all 22 clauses and exits 0 when none is unencoded."""
    code, out, _ = run("trace", str(HUIMIN))
    assert code == 0
    assert out.splitlines()[-1].startswith("22 clauses:")
    code, out, _ = run("trace", "--format", "json", str(HUIMIN))
    assert code == 0
    assert len(json.loads(out)["clauses"]) == 22


def test_trace_of_invalid_policy_exits_2(broken: Path) -> None:
    """Tracing a policy that does not load reports its problems and exits 2."""
    code, out, err = run("trace", str(broken))
    assert code == 2
    assert out == ""
    assert "unknown key" in err


@pytest.mark.parametrize("kind", ["policy", "roster", "history", "report", "scenarios"])
def test_schema_prints_json_schema(kind: str) -> None:
    """``schema KIND`` prints a JSON Schema document."""
    code, out, _ = run("schema", kind)
    assert code == 0
    assert json.loads(out)["$schema"].startswith("https://json-schema.org/")


def test_python_m_entry_point() -> None:
    """``python -m tanxin_rules`` runs the same CLI."""
    done = subprocess.run(
        [sys.executable, "-m", "tanxin_rules", "validate", str(HUIMIN)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


EXAMPLE = ROOT / "examples" / "huimin"
HOLIDAYS = ROOT / "examples" / "holidays" / "cn_2025_2026.yaml"
INPUTS = (
    str(HUIMIN),
    "--roster",
    str(EXAMPLE / "roster.yaml"),
    "--history",
    str(EXAMPLE / "history.yaml"),
    "--holidays",
    str(HOLIDAYS),
    "--year",
    "2025",
    "--as-of",
    "2026-01-15",
)


def test_evaluate_bundled_example_table() -> None:
    """``evaluate`` prints the summary, overdue obligations and to-do lists; exit 0."""
    code, out, err = run("evaluate", *INPUTS)
    assert (code, err) == (0, "")
    assert "obligations 247: met 208, pending 0, overdue 39" in out
    assert "OVERDUE (39)" in out
    assert "TO DO, BY LEADER" in out


@pytest.mark.parametrize("command", ["evaluate", "explain", "diff"])
def test_a_meetings_file_of_an_unknown_kind_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """``--meetings`` naming a kind the policy lacks is ``path:line:col: error:``, exit 2, as
    for ``schedule``: not a warning without a line."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    bad = tmp_path / "m.csv"
    bad.write_text("kind,date\nlife_meeting,2025-06-20\n", encoding="utf-8")
    extra = {"evaluate": [], "explain": ["--obligation", "x"], "diff": [str(HUIMIN)]}[command]
    code, _, err = run(command, *INPUTS[:1], *extra, *INPUTS[1:], "--meetings", str(bad))
    assert code == 2
    assert err.startswith(
        f"{bad}:2:1: error: meetings[0].kind: unknown meeting kind 'life_meeting'"
    )


def test_evaluate_json_is_the_full_report() -> None:
    """``--format json`` is the report, valid against ``schema report``."""
    code, out, _ = run("evaluate", *INPUTS, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["summary"]["obligations"] == len(data["obligations"]) == 247
    _, schema, _ = run("schema", "report")
    jsonschema.Draft202012Validator(json.loads(schema)).validate(data)


def test_evaluate_csv_has_one_row_per_obligation() -> None:
    """``--format csv`` has a header and one row per obligation."""
    code, out, _ = run("evaluate", *INPUTS, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 247
    assert {r["status"] for r in rows} == {"met", "overdue"}


@pytest.mark.parametrize(("fail_on", "code"), [("overdue", 1), ("pending", 1), ("warning", 1)])
def test_evaluate_fail_on(fail_on: str, code: int) -> None:
    """``--fail-on`` turns overdue obligations (or warnings) into exit 1."""
    assert run("evaluate", *INPUTS, "--fail-on", fail_on)[0] == code


def test_evaluate_fail_on_pending_only_when_something_is_open(tmp_path: Path) -> None:
    """With nothing due yet and no talks, ``--fail-on overdue`` passes and pending fails."""
    history = tmp_path / "h.yaml"
    history.write_text("talks: []\n", encoding="utf-8")
    args = (
        str(HUIMIN),
        "--roster",
        str(EXAMPLE / "roster.yaml"),
        "--history",
        str(history),
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--as-of",
        "2025-01-02",
    )
    assert run("evaluate", *args, "--fail-on", "overdue")[0] == 0
    assert run("evaluate", *args, "--fail-on", "pending")[0] == 1


def test_evaluate_bad_input_is_one_located_line(tmp_path: Path) -> None:
    """A malformed roster gives one ``file:line:col`` line on stderr and exit 2."""
    roster = tmp_path / "roster.yaml"
    roster.write_text("people:\n  - id: a\n    name: A\n  - id: a\n  name: B\n", encoding="utf-8")
    code, out, err = run(
        "evaluate",
        str(HUIMIN),
        "--roster",
        str(roster),
        "--history",
        str(EXAMPLE / "history.yaml"),
        "--year",
        "2025",
    )
    assert code == 2
    assert out == ""
    assert err.startswith(f"{roster}:")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ("--year", "2025", "--to", "2025-12-31"),
        ("--from", "2025-01-01"),
        ("--from", "2025-12-31", "--to", "2025-01-01"),
        ("--year", "25"),
    ],
)
def test_evaluate_bad_period_is_a_usage_error(args: tuple[str, ...]) -> None:
    """Malformed or contradictory period options exit 2 with a message."""
    base = (
        str(HUIMIN),
        "--roster",
        str(EXAMPLE / "roster.yaml"),
        "--history",
        str(EXAMPLE / "history.yaml"),
    )
    code, _, err = run("evaluate", *base, *args)
    assert code == 2
    assert "error" in err


def test_explain_obligation() -> None:
    """``explain --obligation`` shows the clause text, interpretations and explanation."""
    code, out, _ = run("explain", *INPUTS, "--obligation", "pre_meeting_round:2025-12-26:L02+L06")
    assert code == 0
    assert "召開領導班子民主生活會前20天" in out
    assert "meeting_day_in_window = False (interpretation)" in out
    assert "status     overdue" in out


def test_explain_person_and_unknown_ids() -> None:
    """``explain --person`` shows standing and obligations; unknown ids exit 2 with a hint."""
    code, out, _ = run("explain", *INPUTS, "--person", "L05")
    assert code == 0
    assert "2025-04-01" in out
    assert "answerable for them" in out
    code, _, err = run("explain", *INPUTS, "--obligation", "pre_meeting_round:2025-12-26:L2+L06")
    assert code == 2
    assert "did you mean pre_meeting_round:2025-12-26:L02+L06" in err
    assert run("explain", *INPUTS, "--person", "nobody")[0] == 2


@pytest.mark.parametrize("command", ["lint", "test", "diff"])
def test_ci_commands_without_arguments_are_usage_errors(command: str) -> None:
    """The CI commands (docs/ci.md) exist and say what they need: exit 2, message on stderr."""
    code, out, err = run(command)
    assert (code, out) == (2, "")
    assert f"tanxin-rules {command}: error: the following arguments are required" in err


def test_explain_json() -> None:
    """``explain --format json`` gives the obligation with its rule and interpretations."""
    code, out, _ = run(
        "explain",
        *INPUTS,
        "--obligation",
        "pre_meeting_round:2025-12-26:L02+L06",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["obligation"]["status"] == "overdue"
    assert data["rule"]["days_before"] == 20
    assert "meeting_day_in_window" in [p["id"] for p in data["interpretations"]]
    code, out, _ = run("explain", *INPUTS, "--person", "L05", "--format", "json")
    assert code == 0
    assert json.loads(out)["answerable"] == ["L01", "L02"]
