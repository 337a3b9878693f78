"""Optional adapter: mainland China's official holidays from the ``chinesecalendar`` package.

Install with ``pip install 'tanxin-rules[china]'``. The package (``import chinese_calendar``)
ships the State Council's yearly holiday notices as data — holidays *and* the make-up working
days (调休) — for a stated range of years (2004–2026 in version 1.11.0), and refuses dates
outside it. :func:`china_holidays` turns that data into a :class:`HolidayCalendar` valid for
exactly the years asked, so the engine still only ever sees a supplied calendar.

Why this package: ``holidays`` (python-holidays) also knows China's make-up working days
(``weekend_workdays``), but it extends the holidays by rule into years no notice has covered
yet (it answers for 2027 without any 调休 data), so its range of *official* data cannot be read
from it; ``chinesecalendar`` has no dependencies and says exactly which years it knows.
"""

from __future__ import annotations

import datetime as _dt
from datetime import date, timedelta
from typing import Any

from ._calendar import HolidayCalendar, HolidayEntry
from ._errors import CalendarError

__all__ = ["china_coverage", "china_holidays"]

_WHERE = "chinese_calendar"


def _package() -> Any:
    try:
        import chinese_calendar  # noqa: PLC0415 - optional extra, imported only when used
    except ImportError:
        raise CalendarError(
            "the China holiday adapter needs the chinesecalendar package: "
            "pip install 'tanxin-rules[china]'",
            where=_WHERE,
        ) from None
    return chinese_calendar


def china_coverage() -> tuple[int, int]:
    """The first and last year the installed ``chinesecalendar`` has official data for."""
    constants = _package().constants
    years = [day.year for day in constants.holidays]
    return min(years), max(years)


def china_holidays(start_year: int | None = None, end_year: int | None = None) -> HolidayCalendar:
    """Mainland China's working-day calendar for ``start_year``…``end_year`` (both included).

    Defaults to every year the package covers. Valid from 1 January of ``start_year`` to
    31 December of ``end_year``; a year the package has no data for is a
    :class:`CalendarError`, never a calendar of weekends only.
    """
    first, last = china_coverage()
    start = first if start_year is None else start_year
    end = last if end_year is None else end_year
    if end < start:
        raise CalendarError(f"end year {end} is before start year {start}", where=_WHERE)
    if start < first or end > last:
        raise CalendarError(
            f"chinesecalendar has official holiday data for {first}–{last} only "
            f"(asked for {start}–{end}); a newer version of the package may cover more",
            where=_WHERE,
        )
    constants = _package().constants
    valid_from, valid_to = date(start, 1, 1), date(end, 12, 31)
    return HolidayCalendar(
        name=f"mainland China public holidays {start}–{end} (chinesecalendar)",
        valid_from=valid_from,
        valid_to=valid_to,
        weekend=["saturday", "sunday"],
        holidays=_entries(constants.holidays, constants, valid_from, valid_to, workday=False),
        workdays=_entries(constants.workdays, constants, valid_from, valid_to, workday=True),
    )


def _entries(
    days: dict[_dt.date, str], constants: Any, first: date, last: date, *, workday: bool
) -> list[HolidayEntry]:
    """Runs of consecutive days with the same name, as entries (one day: ``date``)."""
    chosen = sorted((day, name) for day, name in days.items() if first <= day <= last)
    runs: list[tuple[date, date, str]] = []
    for day, name in chosen:
        if runs and runs[-1][2] == name and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day, name)
        else:
            runs.append((day, day, name))
    out = []
    for begin, end, name in runs:
        label = _label(constants, name, workday=workday)
        if begin == end:
            out.append(HolidayEntry(date=begin, name=label))
        else:
            out.append(HolidayEntry(from_=begin, to=end, name=label))
    return out


def _label(constants: Any, english: str, *, workday: bool) -> str:
    try:
        chinese = constants.Holiday(english).chinese
    except ValueError:  # pragma: no cover - a name the package's enum does not list
        chinese = ""
    if workday:
        return f"{chinese}调休上班 (make-up working day, {english})".lstrip()
    return f"{chinese} ({english})" if chinese else english
