"""The documentation's examples run: README's Python block and quick-start commands."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tanxin_rules import Policy, load_policy

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_python_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The library example in README.md runs as written, from the repository root."""
    monkeypatch.chdir(ROOT)
    (block,) = re.findall(r"```python\n(.*?)```", README, re.S)
    exec(compile(block, "README.md", "exec"), {})


def test_integration_guide_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python example of docs/integration.md runs as written."""
    monkeypatch.chdir(ROOT)
    text = (ROOT / "docs" / "integration.md").read_text(encoding="utf-8")
    for block in re.findall(r"```python\n(.*?)```", text, re.S):
        exec(compile(block, "integration.md", "exec"), {})


def test_readme_quick_start_has_exactly_two_commands() -> None:
    """The quick start holds two shell commands: run the example, run the tests."""
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", section, re.S)
    assert len(commands) == 2
    assert "tanxin-rules evaluate" in commands[0]
    assert "pytest" in commands[1]


def test_readme_first_command_runs() -> None:
    """The quick start's main job (after its install step) succeeds on the bundled example."""
    section = README.split("## Quick start", 1)[1]
    first = re.findall(r"```sh\n(.*?)\n```", section, re.S)[0]
    job = first.split("&&", 1)[1].strip()
    argv = shlex.split(job)
    assert argv[0] == "tanxin-rules"
    done = subprocess.run(
        [sys.executable, "-m", "tanxin_rules", *argv[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "obligations" in done.stdout


# --------------------------------------------------------------------------- evaluation.md

SRC = ROOT / "src" / "tanxin_rules"
EVALUATION = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
_ENGINE_FINDING = re.compile(r'state\.finding\(\s*"([a-z-]+)",\s*"(error|warning|info)"')
_READER_FINDING = re.compile(r'Finding\(\s*code="([a-z-]+)",\s*severity="(error|warning|info)"')


def _findings_table() -> dict[str, str]:
    """Each code of docs/evaluation.md's findings table → the severity cell of its row."""
    section = EVALUATION.split("\n## Findings\n", 1)[1].split("\n## ", 1)[0]
    table: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 3:
            for code in re.findall(r"`([a-z-]+)`", cells[0]):
                assert code not in table, f"{code} is listed twice"
                table[code] = cells[1]
    return table


def _emitted() -> set[tuple[str, str]]:
    """(code, severity) of every finding the engine and the readers make, from their source."""
    engine = set(_ENGINE_FINDING.findall((SRC / "_engine.py").read_text(encoding="utf-8")))
    reader = set(_READER_FINDING.findall((SRC / "_reading.py").read_text(encoding="utf-8")))
    assert len({c for c, _ in engine}) >= 25, "the engine's findings were not found"
    assert "invalid-record" in {c for c, _ in reader}, "the reader's findings were not found"
    return engine | reader


def test_findings_table_lists_every_code_with_its_severity() -> None:
    """Every finding code the engine or a reader emits is in the table, with its severity."""
    table = _findings_table()
    missing = sorted(code for code, _ in _emitted() if code not in table)
    assert missing == []
    wrong = sorted((code, severity) for code, severity in _emitted() if severity not in table[code])
    assert wrong == []


def test_findings_table_lists_no_code_that_is_never_emitted() -> None:
    """The table names no finding code that neither the engine nor a reader makes."""
    emitted = {code for code, _ in _emitted()}
    assert sorted(set(_findings_table()) - emitted) == []


# --------------------------------------------------------------------------- huimin_2015.md

HUIMIN_DOC = (ROOT / "docs" / "huimin_2015.md").read_text(encoding="utf-8")
HUIMIN_YAML = ROOT / "policies" / "huimin_2015.yaml"
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def _flow(value: object) -> str:
    """A value in YAML flow style, as the parameter table writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        plain = _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS
        return value if plain else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    assert isinstance(value, dict), value
    return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"


def _used_at(policy: Policy, path: tuple[str | int, ...]) -> str:
    """A parameter use as the table writes it: item id, then field (``team_often.period``)."""
    if len(path) >= 2 and isinstance(path[1], int):
        head, rest = getattr(policy, str(path[0]))[path[1]].id, path[2:]
    else:
        head, rest = str(path[0]), path[1:]
    return ".".join([head, *map(str, rest)])


def _anchor(param_id: str) -> str:
    """The doc's anchor for a parameter's section: ``year_period`` → ``param-year-period``."""
    return "param-" + param_id.replace("_", "-")


def _expected_rows(policy: Policy) -> list[list[str]]:
    """The cells the parameter table should hold, one row per parameter in the file's order."""
    uses = policy.parameter_uses()
    return [
        [
            f"[`{p.id}`](#{_anchor(p.id)})",
            p.clause or "—",
            f"`{_flow(p.value)}`",
            "; ".join(f"`{_flow(a)}`" for a in p.alternatives) or "—",
            ", ".join(f"`{_used_at(policy, path)}`" for path in uses.get(p.id, ())) or "—",
        ]
        for p in policy.parameters
    ]


def _parameter_table() -> list[list[str]]:
    """The cells of each row of docs/huimin_2015.md's "Table: all parameters"."""
    section = HUIMIN_DOC.split("\n## Table: all parameters\n", 1)[1].split("\n## ", 1)[0]
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| [`")
    ]


def test_huimin_parameter_table_matches_the_policy() -> None:
    """The parameter table lists the policy's parameters in order, each as the file gives it."""
    policy = load_policy(HUIMIN_YAML)
    table = _parameter_table()
    expected = _expected_rows(policy)
    assert [row[0] for row in table] == [row[0] for row in expected]
    for row, want in zip(table, expected, strict=True):
        assert row == want


def test_huimin_every_parameter_has_its_section() -> None:
    """Each parameter has its ``param-…`` anchor, followed by a section quoting its entry."""
    policy = load_policy(HUIMIN_YAML)
    missing = []
    for p in policy.parameters:
        tag = f'<a id="{_anchor(p.id)}"></a>'
        if tag not in HUIMIN_DOC:
            missing.append(p.id)
            continue
        section = HUIMIN_DOC.split(tag, 1)[1].split("\n#", 1)[0]
        if f"`{p.id}`" not in section or f"  - id: {p.id}\n" not in section:
            missing.append(p.id)
    assert missing == []
    stale = set(re.findall(r'<a id="(param-[a-z0-9-]+)"></a>', HUIMIN_DOC))
    assert sorted(stale - {_anchor(p.id) for p in policy.parameters}) == []


def test_huimin_yaml_excerpts_are_verbatim() -> None:
    """Every YAML excerpt in docs/huimin_2015.md appears word for word in the policy file."""
    policy_text = HUIMIN_YAML.read_text(encoding="utf-8")
    stale = []
    for block in re.findall(r"```yaml\n(.*?)```", HUIMIN_DOC, re.S):
        lines = block.splitlines()
        if lines and re.fullmatch(r"[a-z_]+:", lines[0]):
            lines = lines[1:]  # the section key (rules:, parameters: …) stands once in the file
        for chunk in "\n".join(lines).split("\n\n"):
            if chunk.strip() and chunk + "\n" not in policy_text:
                stale.append(chunk.splitlines()[0])
    assert stale == []
