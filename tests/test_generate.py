"""bench/generate.py: the bureau it writes names each person's hospital (``organisation``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tanxin_rules import Report, evaluate, load_history, load_policy, load_roster

ROOT = Path(__file__).resolve().parent.parent
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
AS_OF = date(2026, 1, 15)


@pytest.fixture(scope="module")
def bureau(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two hospitals of 60 people, every format, and the per-hospital partitions."""
    out = tmp_path_factory.mktemp("bureau")
    source = str(ROOT / "src")
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{path}" if path else source}
    command = [sys.executable, str(ROOT / "bench" / "generate.py"), "--people", "120"]
    command += ["--talks-per-person", "2", "--hospital-size", "60", "--out", str(out)]
    subprocess.run([*command, "--partitions"], check=True, env=env, capture_output=True)
    return out


def test_every_format_names_each_persons_hospital(bureau: Path) -> None:
    """JSON, YAML, CSV and each partition: ``organisation`` is the id's hospital prefix."""
    files = [bureau / f"roster.{ext}" for ext in ("json", "yaml", "csv")]
    files += sorted((bureau / "hospitals").glob("*/roster.json"))
    assert len(files) == 5
    for file in files:
        people = load_roster(file).value.people
        assert people, file
        assert all(p.organisation == p.id.split("-")[0] for p in people), file
    first = load_roster(bureau / "roster.csv").value.people
    assert {p.organisation for p in first} == {"H01", "H02"}


def counts(report: Report) -> Counter[tuple[str, tuple[str, ...], date, date, str]]:
    """The obligations without their ids."""
    return Counter(
        (o.rule, tuple(o.parties), o.window.start, o.window.due, o.status)
        for o in report.obligations
    )


def test_the_bureau_as_one_roster_owes_what_its_hospitals_owe(bureau: Path) -> None:
    """With same_organisation (Huimin 2.1–2.5, 3.2, 4.7), evaluating the bureau in one roster
    derives exactly the obligations of evaluating each hospital alone."""
    policy = load_policy(ROOT / "policies" / "huimin_2015.yaml")

    def run(folder: Path) -> Report:
        roster = load_roster(folder / "roster.json").value
        return evaluate(policy, roster, load_history(folder / "history.json").value, YEAR, AS_OF)

    whole = counts(run(bureau))
    parts: Counter[tuple[str, tuple[str, ...], date, date, str]] = Counter()
    for folder in sorted((bureau / "hospitals").iterdir()):
        parts.update(counts(run(folder)))
    assert whole
    assert whole == parts
