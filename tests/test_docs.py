"""The documentation's examples run: README's Python block and quick-start commands."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

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
