"""Evaluating many independent organisations: in parallel processes, or on any engine.

A health bureau, a university or a hospital group holds many institutions, each with its own
roster and history and each under the same policy. Their evaluations share nothing, so they
are run side by side: :func:`evaluate_many` on the processes of one machine, or — for
millions of people across thousands of institutions — the same pure function,
:func:`evaluate_partition`, mapped by a distributed engine (a ``dask.bag`` of partitions;
see docs/performance.md).

A :class:`Partition` names its inputs either as models already in memory or as files. Files
are better for large partitions: they are read by the process that evaluates them (reading is
half the work, and is then done in parallel too), and only paths, not millions of records,
cross the process boundary.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

from ._calendar import HolidayCalendar
from ._engine import evaluate
from ._errors import TanxinError
from ._holidays import load_holidays
from ._inputs import History, Roster
from ._policy import Policy
from ._reading import load_history, load_roster
from ._report import Finding, Report

__all__ = ["Partition", "PartitionError", "evaluate_many", "evaluate_partition"]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class Partition:
    """One organisation to evaluate: who, what happened, over which period, as of when.

    ``roster`` and ``history`` are models, or files read with :func:`load_roster` and
    :func:`load_history` (``history`` may list several files); ``holidays`` is a calendar,
    a file read with :func:`load_holidays`, or None (Monday to Friday are working days).
    Findings of the readers are carried into the report and its findings point at lines of
    the files, as with the command line. ``name`` identifies the partition in errors (by
    default its position).
    """

    roster: Roster | PathLike
    history: History | PathLike | Sequence[PathLike]
    period: tuple[date, date]
    as_of: date
    holidays: HolidayCalendar | PathLike | None = None
    name: str = ""


def evaluate_partition(policy: Policy, partition: Partition) -> Report:
    """Read the partition's files (if it names files) and evaluate it: a pure function.

    Equivalent to loading each input and calling :func:`evaluate` with the readers' findings
    and lines. Raises what those raise: :class:`InputError` for an unusable file or period,
    :class:`CalendarError`; nothing else on bad input.
    """
    findings: list[Finding] = []
    lines: list[Mapping[tuple[str, str], tuple[str, int]]] = []
    roster = partition.roster
    if not isinstance(roster, Roster):
        loaded = load_roster(roster)
        roster = loaded.value
        findings.extend(loaded.findings)
        lines.append(loaded.lines)
    history = partition.history
    if not isinstance(history, History):
        read = load_history(history)
        history = read.value
        findings.extend(read.findings)
        lines.append(read.lines)
    holidays = partition.holidays
    if holidays is not None and not isinstance(holidays, HolidayCalendar):
        holidays = load_holidays(holidays)
    return evaluate(
        policy,
        roster,
        history,
        partition.period,
        partition.as_of,
        holidays,
        findings=findings,
        lines=_Lines(lines) if lines else None,
    )


class _Lines(Mapping[tuple[str, str], tuple[str, int]]):
    """The record lines of several files, looked up in order (the first that has the key)."""

    def __init__(self, maps: Sequence[Mapping[tuple[str, str], tuple[str, int]]]) -> None:
        self._maps = maps

    def __getitem__(self, key: tuple[str, str]) -> tuple[str, int]:
        for lines in self._maps:
            if key in lines:
                return lines[key]
        raise KeyError(key)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        seen: set[tuple[str, str]] = set()
        for lines in self._maps:
            for key in lines:
                if key not in seen:
                    seen.add(key)
                    yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


class PartitionError(TanxinError, ValueError):
    """Some partitions could not be evaluated; nothing is lost.

    ``errors`` maps the position of each failed partition to the error it raised, with its
    own type (an :class:`InputError` for an unreadable roster, a :class:`CalendarError`…);
    ``reports`` holds, position by position, the report of every other partition (None
    where it failed).
    """

    def __init__(
        self,
        errors: Mapping[int, TanxinError],
        reports: Sequence[Report | None],
        names: Sequence[str] = (),
    ) -> None:
        self.errors: dict[int, TanxinError] = dict(sorted(errors.items()))
        self.reports: list[Report | None] = list(reports)
        if not self.errors:
            raise ValueError("PartitionError needs at least one error")
        label = [names[i] if i < len(names) and names[i] else f"#{i}" for i in self.errors]
        first = next(iter(self.errors.values()))
        more = len(self.errors) - 1
        super().__init__(
            f"{len(self.errors)} of {len(self.reports)} partitions failed "
            f"({', '.join(label)}); partition {label[0]}: {type(first).__name__}: {first}"
            + (f" (and {more} more)" if more else "")
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


def evaluate_many(
    policy: Policy, partitions: Iterable[Partition], *, processes: int | None = None
) -> list[Report]:
    """Evaluate independent organisations in parallel processes; reports in the given order.

    ``processes``: how many worker processes (default: the number of CPUs, at most one per
    partition); 1 evaluates every partition in this process, one after the other. Workers
    are started fresh (the ``spawn`` method: safe in a program that runs threads; each costs
    one interpreter start and import), so the policy and each partition are pickled to them:
    give large partitions as files.

    When a partition fails with a :class:`TanxinError`, the others still run to the end and
    a :class:`PartitionError` is raised with every error (typed, by partition) and every
    report that was made. Any other exception is a bug and propagates as raised.
    """
    items = list(partitions)
    if processes is not None and processes < 1:
        raise ValueError(f"processes must be at least 1, not {processes}")
    workers = min(processes or os.cpu_count() or 1, max(len(items), 1))
    reports: list[Report | None] = []
    errors: dict[int, TanxinError] = {}
    if workers == 1:
        for index, partition in enumerate(items):
            try:
                reports.append(evaluate_partition(policy, partition))
            except TanxinError as exc:  # kept as raised, traceback and all
                reports.append(None)
                errors[index] = exc
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for index, (kind, value) in enumerate(pool.map(_run, [policy] * len(items), items)):
                if kind == "report":
                    reports.append(value)
                else:
                    reports.append(None)
                    errors[index] = _rebuild(*value)
    if errors:
        raise PartitionError(errors, reports, [p.name for p in items])
    return [r for r in reports if r is not None]


def _run(policy: Policy, partition: Partition) -> tuple[str, Any]:
    """Evaluate one partition in a worker; a library error comes back as data, not raised.

    The library's errors take their problems as constructor arguments, which default
    exception pickling does not replay; sent as (class, args, attributes), they arrive whole.
    """
    try:
        return "report", evaluate_partition(policy, partition)
    except TanxinError as exc:
        return "error", (type(exc), exc.args, dict(vars(exc)))


def _rebuild(cls: type[TanxinError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    """An exception of ``cls`` with these args and attributes, without calling ``__init__``."""
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc
