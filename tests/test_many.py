"""Partitioned evaluation: many organisations in parallel, in order, nothing lost.

Every test compares with :func:`evaluate_partition` (the pure function run one partition at a
time in this process), so "in parallel" can only change where the work is done, never the
answer. The processes are real (``spawn``), and so are the files each worker reads.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from tanxin_rules import (
    CalendarError,
    History,
    InputError,
    Partition,
    PartitionError,
    Policy,
    Report,
    TanxinError,
    evaluate,
    evaluate_many,
    evaluate_partition,
    load_history,
    load_holidays,
    load_policy,
    load_roster,
)

ROOT = Path(__file__).resolve().parent.parent
HUIMIN = ROOT / "policies" / "huimin_2015.yaml"
EXAMPLE = ROOT / "examples" / "huimin"
HOLIDAYS = ROOT / "examples" / "holidays" / "cn_2025_2026.yaml"
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
AS_OF = date(2026, 1, 15)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(HUIMIN)


def _partitions() -> list[Partition]:
    """Three organisations: the example as files, as models cut to half a year, and by date."""
    roster = load_roster(EXAMPLE / "roster.yaml").value
    history = load_history(EXAMPLE / "history.yaml").value
    first_half = History(
        talks=[t for t in history.talks if t.date < date(2025, 7, 1)],
        events=[e for e in history.events if e.date < date(2025, 7, 1)],
        meetings=history.meetings,
    )
    return [
        Partition(
            EXAMPLE / "roster.yaml", EXAMPLE / "history.yaml", YEAR, AS_OF, HOLIDAYS, "files"
        ),
        Partition(roster, first_half, YEAR, AS_OF, load_holidays(HOLIDAYS), "half a year"),
        Partition(roster, history, (date(2025, 1, 1), date(2025, 6, 30)), date(2025, 7, 1)),
    ]


def test_one_partition_is_what_evaluate_gives(policy: Policy) -> None:
    """Files in a partition are read as the command line reads them: findings, lines."""
    roster = load_roster(EXAMPLE / "roster.yaml")
    history = load_history(EXAMPLE / "history.yaml")
    expected = evaluate(
        policy, roster.value, history.value, YEAR, AS_OF, load_holidays(HOLIDAYS),
        findings=[*roster.findings, *history.findings],
        lines={**roster.lines.to_dict(), **history.lines.to_dict()},
    )  # fmt: skip
    report = evaluate_partition(policy, _partitions()[0])
    assert report == expected
    assert any(f.file and f.line for f in report.findings)


def test_parallel_reports_are_the_sequential_ones_in_order(policy: Policy) -> None:
    """Two worker processes, three partitions: each report as if evaluated alone, in order."""
    partitions = _partitions()
    expected = [evaluate_partition(policy, p) for p in partitions]
    assert len({r.model_dump_json() for r in expected}) == 3  # three different answers
    assert evaluate_many(policy, partitions, processes=2) == expected
    assert evaluate_many(policy, partitions, processes=1) == expected


def test_errors_are_typed_and_nothing_is_lost(policy: Policy, tmp_path: Path) -> None:
    """A failed partition does not stop the others; its error crosses the process whole."""
    good = _partitions()[0]
    broken = tmp_path / "roster.json"
    broken.write_text('{"people": [', encoding="utf-8")
    partitions = [
        good,
        Partition(broken, good.history, YEAR, AS_OF, name="truncated roster"),
        Partition(good.roster, good.history, (YEAR[1], YEAR[0]), AS_OF, name="reversed"),
        good,
    ]
    for processes in (2, 1):
        with pytest.raises(PartitionError) as caught:
            evaluate_many(policy, partitions, processes=processes)
        error = caught.value
        assert isinstance(error, TanxinError)
        assert isinstance(error, ValueError)
        assert sorted(error.errors) == [1, 2]
        truncated, reversed_period = error.errors[1], error.errors[2]
        assert isinstance(truncated, InputError)
        assert truncated.problems[0].file == str(broken)
        assert truncated.problems[0].line == 1
        assert "cut short" in str(truncated) or "ends early" in str(truncated)
        assert isinstance(reversed_period, InputError)
        assert reversed_period.problems[0].code == "period"
        assert "truncated roster" in str(error)
        assert "reversed" in str(error)
        expected = evaluate_partition(policy, good)
        assert error.reports == [expected, None, None, expected]


def test_a_calendar_error_keeps_its_type(policy: Policy) -> None:
    """Any library error is surfaced with its own class (here a calendar that ends too soon)."""
    partition = Partition(
        EXAMPLE / "roster.yaml",
        EXAMPLE / "history.yaml",
        YEAR,
        AS_OF,
        ROOT / "tests" / "corpus" / "does-not-exist.yaml",
    )
    with pytest.raises(PartitionError) as caught:
        evaluate_many(policy, [partition], processes=1)
    assert isinstance(caught.value.errors[0], InputError)
    assert not isinstance(caught.value.errors[0], CalendarError)


def test_nothing_to_do_and_bad_arguments(policy: Policy) -> None:
    assert evaluate_many(policy, []) == []
    with pytest.raises(ValueError, match="at least 1"):
        evaluate_many(policy, _partitions(), processes=0)


def test_partition_error_needs_an_error() -> None:
    with pytest.raises(ValueError, match="at least one error"):
        PartitionError({}, [])


# --------------------------------------------------------------------------- Dask recipe


def _dask_reports(policy: Policy, partitions: list[Partition]) -> list[Report]:
    """The recipe of docs/performance.md: a bag of partitions mapped by the pure function.

    On a local ``distributed`` cluster of two worker processes when ``distributed`` is
    installed; otherwise on dask.bag's own multiprocessing scheduler.
    """
    import dask.bag as db  # noqa: PLC0415 - optional

    bag = db.from_sequence(partitions, npartitions=len(partitions))  # type: ignore[no-untyped-call]
    mapped = bag.map(lambda p: evaluate_partition(policy, p))
    if importlib.util.find_spec("distributed") is None:  # pragma: no cover - CI has it
        return list(mapped.compute(scheduler="processes", num_workers=2))
    from distributed import Client, LocalCluster  # noqa: PLC0415

    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        return list(client.compute(mapped).result())


def test_dask_bag_recipe(policy: Policy) -> None:
    """The same pure function on Dask gives the same reports, in the bag's order."""
    pytest.importorskip("dask.bag")
    partitions = _partitions()
    expected = [evaluate_partition(policy, p) for p in partitions]
    assert _dask_reports(policy, partitions) == expected
