"""Calendar computations: slots, meeting windows, anniversaries, periods, working days.

Pure functions over the policy's calendar rules and a *supplied* holiday calendar; no clock, no
I/O. The traps this module exists to avoid:

- python-dateutil's ``between()`` excludes its ends unless ``inc=True``; a DTSTART that does
  not match the rule is not emitted (so the policy requires the anchor to be produced by the
  rule); ``between`` and ``after`` replay from DTSTART, so :func:`slots` moves DTSTART forward
  by whole cycles of the rule — after writing out the parts dateutil would otherwise derive
  from DTSTART (day of month, month, weekday), so the moved rule is the same rule;
- a working-day question about a date outside the holiday calendar's range is a
  :class:`~tanxin_rules.CalendarError` (or, if the calendar says so, weekends only), never a
  silent guess;
- 29 February anniversaries fall on 28 February or 1 March in common years, as the rule says.
"""

from __future__ import annotations

import calendar as _cal
import datetime as _dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from dateutil import rrule as _rr
from dateutil.relativedelta import relativedelta
from pydantic import Field, model_validator

from ._errors import CalendarError
from ._policy import (
    AnchorRule,
    CalendarPeriod,
    Deadline,
    NamedPeriods,
    Period,
    Policy,
    RollingPeriod,
    SlotRule,
    WindowRule,
)
from ._rrule import explicit_rrule, parse_rrule
from ._types import IsoDate, Model

__all__ = [
    "DatedSpan",
    "HolidayCalendar",
    "HolidayEntry",
    "Slot",
    "anchor_windows",
    "deadline_date",
    "meeting_window",
    "period_spans",
    "periods_containing",
    "slots",
]

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAYS: tuple[Weekday, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip
MIN_DATE = date(1, 1, 1)
MAX_DATE = date(9999, 12, 31)


# --------------------------------------------------------------------------- working days


class HolidayEntry(Model):
    """One day, or an inclusive range of days (``date`` or ``from``/``to``), with a name."""

    date: IsoDate | None = None
    from_: Annotated[IsoDate | None, Field(alias="from")] = None
    to: IsoDate | None = None
    name: str = ""

    model_config = Model.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _one_form(self) -> HolidayEntry:
        if self.date is not None and (self.from_ is not None or self.to is not None):
            raise ValueError("give date, or from and to, not both")
        if self.date is None and (self.from_ is None or self.to is None):
            raise ValueError("give date, or both from and to")
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError("to is before from")
        return self

    def days(self) -> Iterator[_dt.date]:
        """Every day the entry covers."""
        if self.date is not None:
            yield self.date
            return
        assert self.from_ is not None
        assert self.to is not None
        day = self.from_
        while day <= self.to:
            yield day
            if day == self.to:  # stepping past 9999-12-31 would overflow
                return
            day += timedelta(days=1)


class HolidayCalendar(Model):
    """Which days are working days, over a stated range of dates.

    Working days are the days that are not ``weekend`` days and not ``holidays``, plus the
    make-up working days (``workdays``: the Chinese 调休 pattern, e.g. a Sunday worked to bridge
    a holiday). A question about a day outside ``valid_from``…``valid_to`` raises
    :class:`CalendarError` unless ``outside_range: weekends_only`` says to fall back to the
    weekend rule alone.
    """

    name: str = ""
    valid_from: IsoDate
    valid_to: IsoDate
    weekend: list[Weekday] = ["saturday", "sunday"]
    holidays: list[HolidayEntry] = []
    workdays: list[HolidayEntry] = []
    outside_range: Literal["error", "weekends_only"] = "error"

    @model_validator(mode="after")
    def _consistent(self) -> HolidayCalendar:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        both = self._holiday_set & self._workday_set
        if both:
            raise ValueError(f"{min(both)} is both a holiday and a make-up working day")
        for day in sorted(self._holiday_set | self._workday_set):
            if not self.valid_from <= day <= self.valid_to:
                raise ValueError(f"{day} is outside the calendar's range")
        return self

    @classmethod
    def weekends_only(cls, weekend: Iterable[Weekday] = ("saturday", "sunday")) -> HolidayCalendar:
        """A calendar that knows no holidays: every non-weekend day is a working day."""
        return cls(
            name="weekends only", valid_from=MIN_DATE, valid_to=MAX_DATE, weekend=list(weekend)
        )

    @cached_property
    def _holiday_set(self) -> frozenset[date]:
        return frozenset(d for entry in self.holidays for d in entry.days())

    @cached_property
    def _workday_set(self) -> frozenset[date]:
        return frozenset(d for entry in self.workdays for d in entry.days())

    @cached_property
    def _weekend_numbers(self) -> frozenset[int]:
        return frozenset(_WEEKDAYS.index(day) for day in self.weekend)

    def covers(self, day: date) -> bool:
        """Whether ``day`` is inside the calendar's stated range."""
        return self.valid_from <= day <= self.valid_to

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day; CalendarError outside the range (see class doc)."""
        if not self.valid_from <= day <= self.valid_to:
            if self.outside_range == "error":
                raise CalendarError(
                    f"{day} is outside the holiday calendar's range "
                    f"({self.valid_from} to {self.valid_to}); supply a calendar covering it",
                    where=self.name,
                )
            return day.weekday() not in self._weekend_numbers
        if day in self._workday_set:
            return True
        if day in self._holiday_set:
            return False
        return day.weekday() not in self._weekend_numbers

    def holiday_name(self, day: date) -> str:
        """The name of the holiday entry covering ``day`` (empty if none)."""
        for entry in self.holidays:
            if day in set(entry.days()):
                return entry.name
        return ""

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself not counted; n=0: ``day``)."""
        if n < 0:
            raise ValueError("n must not be negative")
        current = day
        counted = 0
        while counted < n:
            current = _step(current, 1)
            if self.is_working_day(current):
                counted += 1
        return current

    def shift(self, day: date, how: Literal["keep", "skip", "previous", "next"]) -> date | None:
        """Apply ``on_non_working_day``: the day itself, None, or the nearest working day."""
        if how == "keep" or self.is_working_day(day):
            return day
        if how == "skip":
            return None
        step = -1 if how == "previous" else 1
        current = _step(day, step)
        for _ in range(366):
            if self.is_working_day(current):
                return current
            current = _step(current, step)
        raise CalendarError(f"no working day within a year {how} {day}", where=self.name)


def _clamped(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return MIN_DATE if days < 0 else MAX_DATE


def _step(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise CalendarError(f"date arithmetic left the calendar ({day} {days:+d} days)") from None


def deadline_date(deadline: Deadline, start: date, holidays: HolidayCalendar) -> date:
    """The last day to meet ``deadline`` counted from ``start`` (which is not counted).

    Working days need ``holidays`` to cover the days counted (else :class:`CalendarError`);
    months keep the day of the month, or take the month's last day when it is shorter.
    """
    if deadline.months is not None:
        return _add_months(start, deadline.months)
    days = deadline.days or 0
    if deadline.count == "working":
        return holidays.add_working_days(start, days)
    return _step(start, days)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not _dt.MINYEAR <= year <= _dt.MAXYEAR:
        raise CalendarError(f"date arithmetic left the calendar ({day} {months:+d} months)")
    last = _cal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


# --------------------------------------------------------------------------- slots


@dataclass(frozen=True, slots=True)
class Slot:
    """One occurrence of a slot rule, after the non-working-day adjustment."""

    rule: str
    day: date
    """The day the slot is held."""
    scheduled: date
    """The day the RRULE gives; differs from ``day`` when a holiday moved it."""
    start: datetime | None
    """Start of the slot in the policy's timezone, when clock times are known."""
    end: datetime | None

    @property
    def moved(self) -> bool:
        """Whether a non-working day moved the slot."""
        return self.day != self.scheduled


def slot_times(policy: Policy, rule: SlotRule) -> tuple[time, time] | None:
    """The clock bounds of a slot rule: its part of day, or its start and end times."""
    if rule.part_of_day is not None:
        part = next(p for p in policy.parts_of_day if p.id == rule.part_of_day)
        return part.start, part.end
    if rule.start_time is not None and rule.end_time is not None:
        return rule.start_time, rule.end_time
    return None


def _moved_start(rule: SlotRule, start: date) -> date:
    """A DTSTART a whole number of the rule's cycles after the anchor, before ``start``."""
    anchor = rule.anchor
    body = rule.rrule.strip().upper().removeprefix("RRULE:")
    parts = dict(chunk.split("=", 1) for chunk in body.split(";"))
    if "COUNT" in parts or start <= anchor:
        return anchor
    interval = int(parts.get("INTERVAL", "1"))
    freq = parts["FREQ"]
    if freq == "DAILY":
        cycles = (start - anchor).days // interval - 1
        return anchor + timedelta(days=max(cycles, 0) * interval)
    if freq == "WEEKLY":
        cycles = (start - anchor).days // (7 * interval) - 1
        return anchor + timedelta(days=7 * max(cycles, 0) * interval)
    months = {"MONTHLY": 1, "YEARLY": 12}[freq] * interval
    elapsed = (start.year - anchor.year) * 12 + start.month - anchor.month
    cycles = max(elapsed // months - 1, 0)
    return anchor + relativedelta(months=cycles * months)


_SHIFT_REACH = 31
"""How far outside the asked range a slot may be scheduled and still be moved into it."""


def slots(
    policy: Policy,
    rule: SlotRule,
    start: date,
    end: date,
    holidays: HolidayCalendar | None = None,
    *,
    gaps: list[tuple[date, str]] | None = None,
) -> list[Slot]:
    """Every slot of ``rule`` held from ``start`` to ``end`` (inclusive), sorted, unique.

    A slot on a non-working day of ``holidays`` is kept, skipped, or moved to the previous or
    next working day per ``rule.on_non_working_day``; a slot is listed when the day it is
    *held* lies in the range. Without ``holidays`` no day is treated as non-working. With
    ``rule.within``, an RRULE date outside every named period is no slot.

    A slot whose day the calendar cannot answer for is a :class:`CalendarError`; given a
    ``gaps`` list, its RRULE date and the reason are appended there instead, and the other
    slots are returned.
    """
    if end < start:
        return []
    lo, hi = _clamped(start, -_SHIFT_REACH), _clamped(end, _SHIFT_REACH)
    dtstart = _moved_start(rule, lo)
    rr = parse_rrule(explicit_rrule(rule.rrule, rule.anchor), dtstart)
    if dtstart != rule.anchor:
        rr = rr.replace(dtstart=datetime(dtstart.year, dtstart.month, dtstart.day))
    shift = holidays is not None and rule.on_non_working_day != "keep"
    if not shift:
        lo, hi = start, end
    bounds = slot_times(policy, rule)
    tz = ZoneInfo(policy.timezone)
    out: dict[date, Slot] = {}
    within = rule.within.periods if rule.within is not None else None
    for when in _between(rr, max(lo, dtstart), hi):
        scheduled = when.date()
        if within is not None and not any(p.start <= scheduled <= p.end for p in within):
            continue  # outside the named periods the rule is limited to: no slot
        day: date | None = scheduled
        if shift:
            assert holidays is not None
            if scheduled < start and rule.on_non_working_day != "next":
                continue  # before the range and never moved forward: cannot land in it
            if scheduled > end and rule.on_non_working_day != "previous":
                continue  # after the range and never moved back: cannot land in it
            if not start <= scheduled <= end and not holidays.covers(scheduled):
                continue  # outside the range asked about and the calendar: taken as not moved
            try:
                day = holidays.shift(scheduled, rule.on_non_working_day)
            except CalendarError as exc:
                if gaps is None:
                    raise
                gaps.append((scheduled, str(exc)))
                continue
        if day is None or not start <= day <= end or day in out:
            continue
        begin = finish = None
        if bounds is not None:
            begin = datetime.combine(day, bounds[0], tzinfo=tz)
            finish = datetime.combine(day, bounds[1], tzinfo=tz)
        out[day] = Slot(rule.id, day, scheduled, begin, finish)
    return [out[d] for d in sorted(out)]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _between(rule: _rr.rrule, start: date, end: date) -> Iterator[datetime]:
    """``rule.between(start, end, inc=True)``, lazily, ending quietly at 9999-12-31.

    dateutil builds a whole period (a week) of candidate dates before comparing them with the
    range, so near 9999-12-31 it raises ``ValueError: year 10000 is out of range`` even when
    every date asked for exists (and ``between`` builds a list, so it loses them all).
    """
    iterator = rule.xafter(_midnight(start), inc=True)
    while True:
        try:
            when = next(iterator)
        except StopIteration:
            return
        except (ValueError, OverflowError):
            if end < MAX_DATE - timedelta(days=366):
                raise
            return
        if when.date() > end:
            return
        yield when


# --------------------------------------------------------------------------- windows


def meeting_window(
    rule: WindowRule, meeting: date, holidays: HolidayCalendar | None = None
) -> tuple[date, date]:
    """The window of a meeting, both ends inclusive: the ``days_before`` days (or
    ``months_before`` months) before it, the meeting day itself if ``include_meeting_day``, and
    the ``days_after`` days after it.

    With ``days_before: 20`` and the meeting day excluded, a meeting on 2026-01-10 has the
    window 2025-12-21 … 2026-01-09 (twenty days); included, it runs to 2026-01-10. With
    ``months_before: 1`` a meeting on 31 March opens its window on 28 February (the month's
    last day when it is shorter), as deadlines count months. With ``count: working`` the window
    opens on the ``days_before``-th working day before the meeting and closes on the
    ``days_after``-th after it (the meeting day not counted), in ``holidays`` — Monday to Friday
    when none is given; a day the calendar does not cover is a :class:`CalendarError`.
    """
    inside = 0 if rule.include_meeting_day else 1
    working = rule.count == "working"
    calendar = (holidays or HolidayCalendar.weekends_only()) if working else None
    if rule.months_before is not None:
        start = _add_months(meeting, -rule.months_before)
    elif not rule.days_before:
        start = _step(meeting, inside)
    elif calendar is not None:
        start = _working_days_before(calendar, meeting, rule.days_before)
    else:
        start = _step(meeting, -rule.days_before)
    if not rule.days_after:
        end = _step(meeting, -inside)
    elif calendar is not None:
        end = calendar.add_working_days(meeting, rule.days_after)
    else:
        end = _step(meeting, rule.days_after)
    return start, end


def _working_days_before(holidays: HolidayCalendar, day: date, n: int) -> date:
    """The ``n``-th working day before ``day`` (``day`` itself not counted)."""
    current, counted = day, 0
    while counted < n:
        current = _step(current, -1)
        if holidays.is_working_day(current):
            counted += 1
    return current


def anniversary(base: date, year: int, on_feb_29: Literal["feb_28", "mar_1"]) -> date:
    """The anniversary of ``base`` in ``year``; 29 February goes to 28 Feb or 1 Mar."""
    if base.month == 2 and base.day == 29 and not _cal.isleap(year):
        return date(year, 2, 28) if on_feb_29 == "feb_28" else date(year, 3, 1)
    return date(year, base.month, base.day)


def anchor_windows(
    rule: AnchorRule, base: date, start: date, end: date
) -> list[tuple[date, date, date]]:
    """(anniversary, window start, window end) for each anniversary window overlapping the range.

    Anniversaries are every ``every_years`` years after ``base`` (the date itself is not one);
    for a ``once`` rule the only "anniversary" is ``base`` itself.
    """
    out: list[tuple[date, date, date]] = []
    if rule.once:
        window = _anchor_window(rule, base)
        if window is not None and window[1] >= start and window[0] <= end:
            out.append((base, *window))
        return out
    first_year = max(base.year + rule.every_years, start.year - 2)
    offset = (first_year - base.year) % rule.every_years
    if offset:
        first_year += rule.every_years - offset
    year = first_year
    while year <= min(end.year + 2, 9999):
        ann = anniversary(base, year, rule.on_feb_29)
        try:
            w_start = ann + timedelta(days=rule.offset_days)
        except OverflowError:
            if rule.offset_days > 0:
                break  # this window and every later one begin after 9999-12-31
            w_start = MIN_DATE  # the window begins before 1 January of year 1: keep its rest
        last = rule.offset_days + rule.length_days - 1
        try:
            w_end = ann + timedelta(days=last)
        except OverflowError:
            if last < 0:  # the whole window lies before 1 January of year 1
                year += rule.every_years
                continue
            w_end = MAX_DATE  # the window runs past 9999-12-31: keep what exists
        if w_end >= start and w_start <= end:
            out.append((ann, w_start, w_end))
        year += rule.every_years
    return out


def _anchor_window(rule: AnchorRule, day: date) -> tuple[date, date] | None:
    """The window of a ``once`` rule around ``day``, cut to the calendar; None if none of it
    exists (it lies wholly before 1 January of year 1 or after 31 December 9999)."""
    last = rule.offset_days + rule.length_days - 1
    try:
        w_start = day + timedelta(days=rule.offset_days)
    except OverflowError:
        if rule.offset_days > 0:
            return None
        w_start = MIN_DATE
    try:
        w_end = day + timedelta(days=last)
    except OverflowError:
        if last < 0:
            return None
        w_end = MAX_DATE
    return w_start, w_end


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True, slots=True)
class DatedSpan:
    """A named span of days, both ends inclusive."""

    id: str
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


_UNIT_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def _calendar_span(period: CalendarPeriod, day: date) -> DatedSpan:
    months = _UNIT_MONTHS[period.unit] * period.every
    anchor = period.anchor or date(2000, 1, 1)
    index = (day.year - anchor.year) * 12 + day.month - anchor.month
    block = index // months
    # Spans reaching past year 1 or 9999 are clipped to the dates that exist.
    base = anchor.year * 12 + anchor.month - 1
    first = _first_of_month(base + block * months) or MIN_DATE
    following = _first_of_month(base + (block + 1) * months)
    last = following - timedelta(days=1) if following is not None else MAX_DATE
    return DatedSpan(_span_id(period, first, last), first, last)


def _first_of_month(months: int) -> date | None:
    """1st of the month ``months`` months after January of year 0; None outside year 1…9999."""
    year, month = divmod(months, 12)
    return date(year, month + 1, 1) if 1 <= year <= 9999 else None


def _span_id(period: CalendarPeriod, first: date, last: date) -> str:
    if period.every == 1:
        if period.unit == "year":
            return f"{first.year}"
        if period.unit == "half_year":
            return f"{first.year}-H{(first.month - 1) // 6 + 1}"
        if period.unit == "quarter":
            return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
        return f"{first.year}-{first.month:02d}"
    return f"{first.isoformat()}/{last.isoformat()}"


def period_spans(period: Period, start: date, end: date) -> list[DatedSpan]:
    """The periods overlapping ``start``…``end``, in order, *not* clipped to the range.

    Calendar periods tile time; named periods are listed as given. A rolling period has no
    fixed spans: it yields one span per ``days`` block from ``start`` (the engine decides
    rolling rules by the gaps between talks instead; see docs/evaluation.md).
    """
    if end < start:
        return []
    if isinstance(period, CalendarPeriod):
        out: list[DatedSpan] = []
        span = _calendar_span(period, start)
        while span.start <= end:
            out.append(span)
            if span.end >= MAX_DATE - timedelta(days=1):
                break
            span = _calendar_span(period, span.end + timedelta(days=1))
        return out
    if isinstance(period, NamedPeriods):
        return [
            DatedSpan(p.id, p.start, p.end)
            for p in sorted(period.periods, key=lambda p: p.start)
            if p.end >= start and p.start <= end
        ]
    assert isinstance(period, RollingPeriod)
    out = []
    first = start
    while first <= end:
        last = _clamped(first, period.days - 1)
        out.append(DatedSpan(f"{first.isoformat()}/P{period.days}D", first, last))
        if last >= MAX_DATE:
            break
        first = _step(last, 1)
    return out


def periods_containing(period: Period, day: date) -> list[DatedSpan]:
    """The period(s) containing ``day``: one for calendar periods, zero or one for named ones,
    and for a rolling period the window of ``days`` days ending on ``day``."""
    if isinstance(period, CalendarPeriod):
        return [_calendar_span(period, day)]
    if isinstance(period, NamedPeriods):
        return [DatedSpan(p.id, p.start, p.end) for p in period.periods if p.start <= day <= p.end]
    start = _clamped(day, -(period.days - 1))
    return [DatedSpan(f"{start.isoformat()}/P{period.days}D", start, day)]


def rrule_dates(text: str, anchor: date, start: date, end: date) -> list[date]:
    """Raw dateutil dates of an RRULE from its anchor, for comparisons and benchmarks."""
    rule: _rr.rrule = parse_rrule(text, anchor)
    return [d.date() for d in _between(rule, start, end)]
