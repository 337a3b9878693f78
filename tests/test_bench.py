"""bench/run.py: its children measure what they say, on a small generated organisation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tanxin_rules import load_history, load_roster

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    source = str(ROOT / "src")
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{path}" if path else source}


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hospital of 80 people with about four talk records each."""
    out = tmp_path_factory.mktemp("hospital")
    command = [sys.executable, str(ROOT / "bench" / "generate.py"), "--people", "80"]
    command += ["--talks-per-person", "4", "--out", str(out)]
    subprocess.run(command, check=True, env=_env(), capture_output=True)
    return out


def _child(kind: str, folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--child", kind, str(folder)],
        check=True,
        env=_env(),
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_limits_times_each_step_and_touches_every_roster_participant(hospital: Path) -> None:
    """The limits child reports every step, and its per-person loop appends each valid talk
    to exactly its participants on the roster (no step is skipped or done twice)."""
    result = _child("limits", hospital)
    for key in ("loads", "validate", "objects", "loop"):
        assert result[key] >= 0.0, key
    people = {p.id for p in load_roster(hospital / "roster.json").value.people}
    talks = load_history(hospital / "history.json").value.talks
    expected = sum(1 for t in talks for pid in t.participants if pid in people)
    assert result["talks"] == expected > 0


def test_floor_and_end_to_end_report_their_parts(hospital: Path) -> None:
    """End to end is load + evaluate + report, and the report names obligations."""
    e2e = _child("e2e", hospital)
    parts = e2e["load"] + e2e["evaluate"] + e2e["report"]
    assert e2e["seconds"] == pytest.approx(parts)
    assert e2e["obligations"] > 0
    assert _child("floor", hospital)["seconds"] > 0.0
