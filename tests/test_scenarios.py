"""Scenario tests: the Huimin suite, a broken policy it catches, and the runner's rules."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from tanxin_rules import InputError, ScenarioRun, json_schema, load_policy, run_scenarios
from tanxin_rules._cli import main
from tanxin_rules._yaml import read_yaml

ROOT = Path(__file__).resolve().parent.parent
HUIMIN = ROOT / "policies" / "huimin_2015.yaml"
SUITE = ROOT / "tests" / "policy" / "huimin_2015"
FILES = sorted(SUITE.glob("*.yaml"))
SHIPPED = ROOT / "schema" / "scenarios.schema.json"


def run(*argv: str | Path) -> tuple[int, str, str]:
    """Run ``main`` in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def cases_in(files: list[Path]) -> int:
    """How many cases the scenario files hold."""
    return sum(len(read_yaml(f.read_bytes()).data["cases"]) for f in files)


def scenario(tmp_path: Path, text: str, name: str = "cases.yaml") -> Path:
    """A scenario file written next to a copy of the suite's hospital roster."""
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "hospital.yaml").write_bytes(
        (SUITE / "data" / "hospital.yaml").read_bytes()
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


ONE_CASE = """\
defaults: {roster: data/hospital.yaml, period: {year: 2025}}
cases:
  - name: annual talk held
    history:
      talks: [{id: t1, date: 2025-03-02, participants: [sec, vp]}]
    expect:
      obligations:
        - {rule: principals_annual, parties: [sec, vp], status: met}
"""


def test_huimin_suite_passes_with_full_rule_coverage() -> None:
    """Every shipped Huimin case passes and every evaluable rule is exercised (100%)."""
    code, out, err = run("test", HUIMIN, *FILES, "--coverage-threshold", "100")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[-1] == f"{cases_in(FILES)} passed, 0 failed"
    assert "rule coverage: 15 of 15 evaluable rules exercised (100.0%)" in lines


def test_suite_covers_every_evaluable_rule_by_name() -> None:
    """The coverage report names all 15 evaluable Huimin rules as exercised, none missed."""
    result = run_scenarios(load_policy(HUIMIN), FILES)
    assert isinstance(result, ScenarioRun)
    assert result.coverage.missed == []
    assert len(result.coverage.evaluable) == 15
    assert "one_to_one" not in result.coverage.evaluable  # manner: advisory, not evaluable
    assert result.failed == 0


@pytest.fixture(scope="module")
def broken_policy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Huimin with two plausible slips: principals' annual at_least 2, 3.1a window 10 days."""
    text = HUIMIN.read_text(encoding="utf-8")
    annual = "    scope: principals_team\n    at_least: 1\n"
    assert text.count(annual) == 1
    assert text.count("    days_before: 20\n") == 1
    text = text.replace(annual, "    scope: principals_team\n    at_least: 2\n")
    text = text.replace("    days_before: 20\n", "    days_before: 10\n")
    path = tmp_path_factory.mktemp("broken") / "huimin_broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_broken_policy_fails_the_cases_that_pin_it(broken_policy: Path) -> None:
    """The suite catches both slips, in exactly the cases that pin the annual count and window."""
    code, out, _ = run("test", broken_policy, *FILES)
    assert code == 1
    failed = [line for line in out.splitlines() if line.startswith("FAILED ")]
    names = sorted(line.split("::", 1)[1].split(" - ", 1)[0] for line in failed)
    assert names == [
        "a January meeting's window starts in December of the year before",
        "a talk before the window is over is pending until its last day",
        "one person who is both secretary and president owes every member, and answers to no one",
        "one secretary-president talk meets both directions; each principal owes each member",
        "the window is the 20 days before the meeting, the meeting day excluded",
    ]
    assert out.splitlines()[-1] == f"{cases_in(FILES) - 5} passed, 5 failed"


def test_broken_policy_diffs_are_readable(broken_policy: Path) -> None:
    """Each failure says what was expected, what the policy decided, and the engine's reason."""
    _, out, _ = run("test", broken_policy, SUITE / "31b_annual_talks.yaml",
                    SUITE / "31a_pre_meeting_round.yaml")  # fmt: skip
    # the annual count: the status differs, and the explanation says why
    assert (
        "  principals_annual [pres, sec] owed by sec: expected met, got overdue  [line 23]" in out
    )
    assert (
        "    actual    principals_annual:2025:sec+pres: status overdue, window 2025-01-01 … "
        "2025-12-31, required 2, counted t1, responsible sec"
    ) in out
    assert (
        "    because   Overdue: SEC(sec) with PRES(pres) (2025): 2 talks due in "
        "2025-01-01–2025-12-31, 1 on time (t1); the window closed on 2025-12-31."
    ) in out
    # the window: the expected window is gone, and the nearest obligation shows the new one
    assert (
        "  pre_meeting_round [pres, vp] window 2025-11-30 … 2025-12-19: expected met, no such "
        "obligation"
    ) in out
    assert (
        "no such obligation; the nearest: pre_meeting_round:2025-12-20:pres+vp (overdue, "
        "2025-12-10 … 2025-12-19, owed by pres, vp)"
    ) in out
    assert "unexpected obligation pre_meeting_round:2025-12-20:pres+vp (overdue)" in out


def test_name_selects_cases_and_no_match_fails(tmp_path: Path) -> None:
    """``--name`` runs only matching cases (glob or substring); matching none is a failure."""
    code, out, _ = run("test", HUIMIN, *FILES, "--name", "*Spring Festival*")
    assert code == 0
    assert out.splitlines()[-1] == "2 passed, 0 failed"
    code, out, _ = run("test", HUIMIN, *FILES, "--name", "4.6 -")
    assert (code, out.splitlines()[-1]) == (0, "2 passed, 0 failed")
    code, out, _ = run("test", HUIMIN, *FILES, "--name", "no such case")
    assert code == 1
    assert "no case ran (no case matched --name)" in out
    assert out.splitlines()[-1] == "0 passed, 0 failed"


def test_skipped_cases_are_counted_and_all_skipped_fails(tmp_path: Path) -> None:
    """A case with ``skip`` is reported as skipped; a run where nothing ran fails."""
    path = scenario(tmp_path, ONE_CASE + "    skip: waiting for the 2026 calendar\n")
    code, out, _ = run("test", HUIMIN, path)
    assert code == 1
    assert out.splitlines()[-1] == "0 passed, 0 failed, 1 skipped"
    path = scenario(tmp_path, ONE_CASE + ONE_CASE.split("cases:\n", 1)[1].replace(
        "annual talk held", "skipped twin") + "    skip: later\n", name="two.yaml")  # fmt: skip
    code, out, _ = run("test", HUIMIN, path)
    assert code == 0
    assert out.splitlines()[-1] == "1 passed, 0 failed, 1 skipped"


def test_coverage_threshold(tmp_path: Path) -> None:
    """Below ``--coverage-threshold`` the run fails and says so; at or above it passes."""
    path = scenario(tmp_path, ONE_CASE)
    code, out, _ = run("test", HUIMIN, path, "--coverage-threshold", "50")
    assert code == 1
    assert "rule coverage: 1 of 15 evaluable rules exercised (6.7%)" in out
    assert "rule coverage 6.7% is below the threshold 50%" in out
    assert "not exercised by any case: pre_meeting_round, oversight_annual" in out
    assert run("test", HUIMIN, path, "--coverage-threshold", "6")[0] == 0
    assert run("test", HUIMIN, path, "--coverage-threshold", "101")[0] == 2


def test_misspelt_key_is_a_located_error(tmp_path: Path) -> None:
    """A scenario file that does not validate is an input error (exit 2), located."""
    path = scenario(tmp_path, ONE_CASE.replace("status: met", "stauts: met"))
    code, out, err = run("test", HUIMIN, path)
    assert (code, out) == (2, "")
    line = path.read_text(encoding="utf-8").splitlines()[7]
    where = f"{path}:8:{line.index('stauts') + 1}"
    assert f"{where}: error: cases[0].expect.obligations[0].stauts: unknown key" in err
    assert "scenario format" in err


def test_case_without_roster_or_period_is_refused(tmp_path: Path) -> None:
    """A case needs a roster and a period, of its own or from the defaults."""
    path = scenario(
        tmp_path, ONE_CASE.replace("defaults: {roster: data/hospital.yaml, ", "defaults: {")
    )
    code, _, err = run("test", HUIMIN, path)
    assert code == 2
    assert f"{path}:3:5: error: cases[0]: case 'annual talk held' has no roster" in err


def test_unknown_rule_fails_the_case_with_a_hint(tmp_path: Path) -> None:
    """A rule the policy lacks (a typo, or a rule the edit removed) fails the case, not the run."""
    path = scenario(tmp_path, ONE_CASE.replace("rule: principals_annual", "rule: principal_annual"))
    code, out, _ = run("test", HUIMIN, path)
    assert code == 1
    assert "the policy 'huimin_2015' has no rule 'principal_annual' (did you mean " in out
    assert "'principals_annual'?)" in out


def test_ambiguous_expectation_asks_for_a_window(tmp_path: Path) -> None:
    """An expectation matching several obligations (four quarters) fails and says how to pick."""
    text = ONE_CASE.replace("rule: principals_annual, parties: [sec, vp]",
                            "rule: team_often, parties: [sec, vp]")  # fmt: skip
    code, out, _ = run("test", HUIMIN, scenario(tmp_path, text))
    assert code == 1
    assert "team_often [sec, vp]: 4 obligations match (add window, date or id to pick one)" in out


def test_missing_input_file_fails_the_case(tmp_path: Path) -> None:
    """A roster file that cannot be read fails the case that names it, with the reason."""
    path = scenario(tmp_path, ONE_CASE.replace("data/hospital.yaml", "data/nope.yaml"))
    code, out, _ = run("test", HUIMIN, path)
    assert code == 1
    assert "unusable input:" in out
    assert "nope.yaml" in out


def test_json_output_is_the_run(tmp_path: Path) -> None:
    """``--format json`` prints the whole run: cases, failures and coverage."""
    path = scenario(tmp_path, ONE_CASE.replace("status: met", "status: overdue"))
    code, out, _ = run("test", HUIMIN, path, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert (data["passed"], data["failed"], data["skipped"]) == (0, 1, 0)
    failure = data["cases"][0]["failures"][0]
    assert failure["message"] == "principals_annual [sec, vp]: expected overdue, got met"
    assert failure["obligation"] == "principals_annual:2025:sec+vp"
    assert data["coverage"]["exercised"] == ["principals_annual"]


def test_run_scenarios_raises_input_error_for_a_bad_file(tmp_path: Path) -> None:
    """The Python API raises ``InputError`` with every located problem of the files."""
    bad = scenario(tmp_path, "cases: []\n")
    with pytest.raises(InputError) as info:
        run_scenarios(load_policy(HUIMIN), [bad])
    assert info.value.problems[0].line == 1


def test_scenario_file_saved_as_gbk_is_diagnosed(tmp_path: Path) -> None:
    """A scenario file saved in GBK (as a spreadsheet in China may) is named so, located."""
    bad = tmp_path / "cases.yaml"
    bad.write_bytes("cases:\n  - name: 主要領導談話\n".encode("gb18030"))
    with pytest.raises(InputError) as info:
        run_scenarios(load_policy(HUIMIN), [bad])
    problem = info.value.problems[0]
    assert problem.code == "encoding"
    assert "looks like GBK" in problem.message
    assert problem.line == 2


def test_shipped_scenario_schema_is_current() -> None:
    """``schema/scenarios.schema.json`` (editors use it) matches the models."""
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert shipped == json_schema("scenarios"), "run: tanxin-rules schema scenarios > " + str(
        SHIPPED
    )
    jsonschema.Draft202012Validator.check_schema(shipped)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_suite_files_match_the_schema(path: Path) -> None:
    """Every shipped scenario file is valid against the published JSON Schema."""
    data = read_yaml(path.read_bytes()).data
    jsonschema.Draft202012Validator(json_schema("scenarios")).validate(data)


def test_the_documented_example_passes(tmp_path: Path) -> None:
    """The scenario file shown in docs/ci.md is valid and its case passes."""
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    section = text.split("## Scenario tests", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    code, out, err = run("test", HUIMIN, scenario(tmp_path, block))
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "1 passed, 0 failed"
