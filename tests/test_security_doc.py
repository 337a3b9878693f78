"""docs/security.md says what the code does: its limits table and its example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tanxin_rules import Limits
from tanxin_rules._holidays import MEETINGS_LIMITS
from tanxin_rules._reading import CSV_MAX_COLUMNS, INPUT_LIMITS

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")


def _number(cell: str) -> int:
    """``1 MiB`` → 1048576, ``200 000`` → 200000."""
    cell = cell.strip()
    match = re.fullmatch(r"(\d+) (KiB|MiB|GiB)", cell)
    if match:
        return int(match[1]) << {"KiB": 10, "MiB": 20, "GiB": 30}[match[2]]
    return int(cell.replace(" ", ""))


def _table_rows() -> dict[str, Limits]:
    rows: dict[str, Limits] = {}
    for line in TEXT.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0] in {"policy", "holiday calendar", "meetings",
                                             "roster, history"}:  # fmt: skip
            rows[cells[0]] = Limits(*(_number(c) for c in cells[3:7]))
    return rows


def test_the_limits_table_gives_the_defaults_in_force() -> None:
    """Each row of the table is the loader's default Limits."""
    assert _table_rows() == {
        "policy": Limits(),
        "holiday calendar": Limits(),
        "meetings": MEETINGS_LIMITS,
        "roster, history": INPUT_LIMITS,
    }
    assert f"`CSV_MAX_COLUMNS` = {CSV_MAX_COLUMNS}" in TEXT


def test_the_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python example runs, on the bundled files in place of the example's names."""
    monkeypatch.chdir(ROOT)
    (block,) = re.findall(r"```python\n(.*?)```", TEXT, re.S)
    for name, real in {
        "big_policy.yaml": "policies/huimin_2015.yaml",
        "group_roster.json": "examples/huimin/roster.yaml",
        "talks.csv": "examples/huimin/history.yaml",
        "holidays.yaml": "examples/holidays/cn_2025_2026.yaml",
        "meetings.yaml": "examples/meetings/huimin_meetings.yaml",
    }.items():
        block = block.replace(f'"{name}"', f'"{real}"')
    namespace: dict[str, object] = {}
    exec(compile(block, "security.md", "exec"), namespace)
    assert namespace["policy"] is not None
