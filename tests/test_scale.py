"""The fast paths added for scale give exactly what the slow paths give.

Each speed-up of the readers and the engine (docs/performance.md) has a slower, obviously
right path beside it: records validated one by one, every talk through the full checks, the
collector left as it was. These tests run both and compare, on inputs large enough to cross
the fast paths' boundaries (more than one chunk of records, bad records on chunk edges).
"""

from __future__ import annotations

import gc
import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from tanxin_rules import (
    History,
    Policy,
    Talk,
    evaluate,
    load_history,
    load_holidays,
    load_policy,
    load_roster,
    parse_history,
)
from tanxin_rules import _engine as engine
from tanxin_rules._reading import _CHUNK

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "huimin"
HOLIDAYS = ROOT / "examples" / "holidays" / "cn_2025_2026.yaml"
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
AS_OF = date(2026, 1, 15)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(ROOT / "policies" / "huimin_2015.yaml")


def _talks(count: int, bad: set[int]) -> list[dict[str, Any]]:
    """Talk records, one invalid at each position of ``bad`` (a date, a field, a type)."""
    out: list[dict[str, Any]] = []
    for i in range(count):
        record: dict[str, Any] = {
            "id": f"T{i:05d}",
            "date": f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
            "participants": [f"P{i % 7}", f"P{i % 5 + 7}"],
        }
        if i % 97 == 0:
            record["reply_requests"] = [{"id": f"R{i}", "requested_by": f"P{i % 7}"}]
        if i in bad:
            kind = i % 3
            if kind == 0:
                record["date"] = "2025-02-30"
            elif kind == 1:
                record["colour"] = "red"
            else:
                record["participants"] = "P1;P2"
        out.append(record)
    return out


def test_bulk_validation_keeps_and_finds_what_record_by_record_does() -> None:
    """Chunks with bad records at their edges: the same models, findings and lines."""
    count = 3 * _CHUNK + 17
    bad = {0, _CHUNK - 1, _CHUNK, 2 * _CHUNK + 5, count - 1}
    records = _talks(count, bad)
    text = '{"talks": [\n' + ",\n".join(json.dumps(r) for r in records) + "\n]}\n"
    loaded = parse_history(text, fmt="json", name="talks.json")

    adapter = TypeAdapter(Talk)
    kept: list[Talk] = []
    failed: list[int] = []
    for i, record in enumerate(records):
        try:
            kept.append(adapter.validate_python(record))
        except ValidationError:
            failed.append(i)
    assert failed == sorted(bad)
    assert loaded.value.talks == kept
    assert [(f.record, f.line) for f in loaded.findings] == [
        (f"T{i:05d}", i + 2) for i in sorted(bad)
    ]
    for i in (1, _CHUNK + 1, count - 2):
        assert loaded.lines[("talk", f"T{i:05d}")] == ("talks.json", i + 2)
    assert loaded.lines[("reply_request", "R97")] == ("talks.json", 99)


def test_equal_dates_share_one_object_and_bad_ones_keep_their_message() -> None:
    history = parse_history(
        '{"talks": [{"id": "a", "date": "2025-03-01", "participants": ["x", "y"]},'
        ' {"id": "b", "date": "2025-03-01", "participants": ["x", "y"]},'
        ' {"id": "c", "date": "2025-02-29", "participants": ["x", "y"]}]}',
        fmt="json",
    )
    first, second = history.value.talks
    assert first.date == date(2025, 3, 1)
    assert first.date is second.date
    (finding,) = history.findings
    assert "'2025-02-29' is not a real date (day is out of range for month)" in finding.message.en


@pytest.fixture
def collector() -> Iterator[None]:
    """Leave the collector as the test found it."""
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector")
def test_loading_and_evaluating_leave_the_collector_as_they_found_it(policy: Policy) -> None:
    roster = load_roster(EXAMPLE / "roster.yaml")
    gc.enable()
    history = load_history(EXAMPLE / "history.yaml")
    assert gc.isenabled()
    evaluate(policy, roster.value, history.value, YEAR, AS_OF)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    gc.disable()
    evaluate(policy, roster.value, history.value, YEAR, AS_OF)
    assert not gc.isenabled()
    gc.enable()
    gc.freeze()  # a process that froze its own objects keeps them frozen
    frozen = gc.get_freeze_count()
    evaluate(policy, roster.value, history.value, YEAR, AS_OF)
    assert gc.get_freeze_count() >= frozen


def _report_json(policy: Policy, history: History) -> str:
    roster = load_roster(EXAMPLE / "roster.yaml")
    report = evaluate(
        policy, roster.value, history, YEAR, AS_OF, load_holidays(HOLIDAYS),
        findings=roster.findings,
    )  # fmt: skip
    return report.model_dump_json(indent=2)


def test_the_fast_lane_decides_as_the_full_path(
    policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every talk through the full checks, every person's standing looked up by date (no
    shortcut for the period): the same report, byte for byte."""
    history = load_history(EXAMPLE / "history.yaml").value
    fast = _report_json(policy, history)
    original = engine._Who.__init__

    def unsettled(self: engine._Who, *args: Any) -> None:
        original(self, *args)
        self.groups = self.active = self.heads = None

    monkeypatch.setattr(engine._Who, "__init__", unsettled)
    assert _report_json(policy, history) == fast
    monkeypatch.setattr(engine._Who, "active_on", lambda *_: False)  # closes the fast lane
    assert _report_json(policy, history) == fast


def test_records_in_any_order_give_the_same_report(policy: Policy) -> None:
    """Ids in order take the no-sort path, shuffled ones the sort: the same report."""
    history = load_history(EXAMPLE / "history.yaml").value
    ordered = sorted(history.talks, key=lambda t: t.id)
    shuffled = list(history.talks)
    random.Random(6).shuffle(shuffled)
    reports = {
        _report_json(policy, history.model_copy(update={"talks": talks}))
        for talks in (ordered, shuffled, list(reversed(ordered)))
    }
    assert len(reports) == 1
