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
