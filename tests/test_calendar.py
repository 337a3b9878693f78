"""The calendar engine: slots, meeting windows, anniversaries, periods and working days.

Property tests (Hypothesis, bounded by the profile ``conftest`` loads) check each claim of
issue #3 against an independent computation: a walk over every day of the range testing what
the rule *means* (last Thursday: a Thursday with no Thursday a week later in its month), or,
for random RRULEs, python-dateutil iterated naively from the anchor. Example tests pin dates.
"""

from __future__ import annotations

import calendar as pycal
import contextlib
import itertools
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from tanxin_rules import CalendarError, SlotRule, TanxinError, WindowRule, load_policy
from tanxin_rules._calendar import (
    DatedSpan,
    HolidayCalendar,
    HolidayEntry,
    Weekday,
    anchor_windows,
    anniversary,
    deadline_date,
    meeting_window,
    period_spans,
    periods_containing,
    rrule_dates,
    slots,
)
from tanxin_rules._policy import AnchorRule, CalendarPeriod, Deadline, NamedPeriods, RollingPeriod
from tanxin_rules._rrule import parse_rrule
from tanxin_rules.testing import (
    PeriodKind,
    date_ranges,
    dates,
    holiday_calendars,
    periods,
    slot_rules,
)

ROOT = Path(__file__).resolve().parent.parent
POLICY = load_policy(ROOT / "policies" / "huimin_2015.yaml")
SHANGHAI = ZoneInfo("Asia/Shanghai")
MIN_DATE = date(1, 1, 1)
MAX_DATE = date(9999, 12, 31)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
WEEKDAYS: tuple[Weekday, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip
CALENDAR: tuple[PeriodKind, ...] = ("calendar",)
NAMED: tuple[PeriodKind, ...] = ("named",)
ROLLING: tuple[PeriodKind, ...] = ("rolling",)
SHIFT_REACH = 31
"""How far outside a range ``slots`` looks for a slot a holiday may move into it."""


def _slot_rule(rule_id: str) -> SlotRule:
    rule = POLICY.rule(rule_id)
    assert isinstance(rule, SlotRule)
    return rule


def _with(rule: SlotRule, **changes: Any) -> SlotRule:
    """A validated copy of ``rule`` (the anchor must still be a date the RRULE yields)."""
    return SlotRule.model_validate({**rule.model_dump(), **changes})


MONTHLY = _slot_rule("monthly_slot")
QUARTERLY = _slot_rule("quarterly_slot")
MONTHLY_FROM_YEAR_1 = _with(MONTHLY, anchor=date(1, 1, 25))
"""3.2 anchored on the first last Thursday there is, so that every year can be asked about."""
QUARTERLY_FROM_YEAR_1 = _with(QUARTERLY, anchor=date(1, 3, 2))


# --------------------------------------------------------------------------- oracles


def _days(start: date, end: date) -> Iterator[date]:
    """Every day from ``start`` to ``end`` inclusive, without stepping past 9999-12-31."""
    for ordinal in range(start.toordinal(), end.toordinal() + 1):
        yield date.fromordinal(ordinal)


def _month_length(day: date) -> int:
    return pycal.monthrange(day.year, day.month)[1]


def _is_last_thursday(day: date) -> bool:
    """3.2 read literally: a Thursday, and a week later is in another month."""
    return day.weekday() == 3 and day.day + 7 > _month_length(day)


def _is_quarter_first_friday(day: date) -> bool:
    """3.3 read literally: a Friday in a quarter's last month, a week earlier in another."""
    return day.month in (3, 6, 9, 12) and day.weekday() == 4 and day.day <= 7


def _naive(rule: SlotRule, start: date, end: date) -> list[date]:
    """dateutil's dates of the rule in the range, iterated from the anchor with no shortcut."""
    out: list[date] = []
    for when in parse_rrule(rule.rrule, rule.anchor):
        day = when.date()
        if day > end:
            break
        if day >= start:
            out.append(day)
    return out


def _first_on_or_after(rule: SlotRule, day: date) -> date:
    """The first date on or after ``day`` that the rule's RRULE yields (a valid anchor)."""
    first = parse_rrule(rule.rrule, day).after(datetime(day.year, day.month, day.day), inc=True)
    assert first is not None
    return first.date()


def _entry_days(entry: HolidayEntry) -> set[date]:
    first = entry.date or entry.from_
    last = entry.date or entry.to
    assert first is not None
    assert last is not None
    return set(_days(first, last))


def _working(calendar: HolidayCalendar) -> Callable[[date], bool]:
    """The calendar's meaning, computed from its entries without asking it."""
    holidays = {d for entry in calendar.holidays for d in _entry_days(entry)}
    workdays = {d for entry in calendar.workdays for d in _entry_days(entry)}
    weekend = {WEEKDAYS.index(day) for day in calendar.weekend}

    def working(day: date) -> bool:
        if not calendar.valid_from <= day <= calendar.valid_to:
            if calendar.outside_range == "error":
                raise CalendarError(f"{day} is outside the test calendar")
            return day.weekday() not in weekend
        if day in workdays:
            return True
        return day not in holidays and day.weekday() not in weekend

    return working


def _walk(day: date, step: int, working: Callable[[date], bool]) -> date:
    """The first working day from ``day`` on, walking one day at a time in direction ``step``."""
    while not working(day):
        day = date.fromordinal(day.toordinal() + step)
    return day


def _assert_slot_list(days: list[date], start: date, end: date) -> None:
    assert days == sorted(set(days))
    assert all(start <= day <= end for day in days)


def _years(day: date, years: int) -> date:
    """``day`` moved by about ``years`` years, clamped to the representable dates."""
    ordinal = day.toordinal() + 366 * years
    return date.fromordinal(min(max(ordinal, 1), MAX_DATE.toordinal()))


# --------------------------------------------------------------------------- Huimin 3.2 and 3.3


@given(date_ranges(max_days=1100))
def test_monthly_slot_is_the_last_thursday_in_any_year(span: tuple[date, date]) -> None:
    """3.2 yields exactly the days that are Thursdays with the next Thursday in another month."""
    start, end = span
    got = [s.day for s in slots(POLICY, MONTHLY_FROM_YEAR_1, start, end)]
    _assert_slot_list(got, start, end)
    assert got == [d for d in _days(start, end) if _is_last_thursday(d)]
    for day in got:
        assert day.weekday() == 3
        if day <= MAX_DATE - WEEK:
            assert (day + WEEK).month != day.month


@given(date_ranges(max_days=1100))
def test_quarterly_slot_is_the_first_friday_of_a_quarters_last_month(
    span: tuple[date, date],
) -> None:
    """3.3 yields exactly the Fridays of Mar/Jun/Sep/Dec that have no Friday before them."""
    start, end = span
    got = [s.day for s in slots(POLICY, QUARTERLY_FROM_YEAR_1, start, end)]
    _assert_slot_list(got, start, end)
    assert got == [d for d in _days(start, end) if _is_quarter_first_friday(d)]
    for day in got:
        assert day.weekday() == 4
        assert day.month in (3, 6, 9, 12)
        assert (day - WEEK).month != day.month


@given(date_ranges(date(1900, 1, 1), date(2300, 12, 31), max_days=1100))
def test_loaded_huimin_slots_start_at_their_anchors(span: tuple[date, date]) -> None:
    """The policy's own rules agree with the brute force from their anchors (2015-12) on."""
    start, end = span
    for rule, meaning in ((MONTHLY, _is_last_thursday), (QUARTERLY, _is_quarter_first_friday)):
        got = [s.day for s in slots(POLICY, rule, start, end)]
        _assert_slot_list(got, start, end)
        assert got == [d for d in _days(max(start, rule.anchor), end) if meaning(d)]


def test_huimin_slots_for_every_month_of_years_1_to_9999() -> None:
    """Over the whole calendar, one slot per month (3.2) and per quarter (3.3), on the right day."""
    monthly = [s.day for s in slots(POLICY, MONTHLY_FROM_YEAR_1, MIN_DATE, MAX_DATE)]
    quarterly = [s.day for s in slots(POLICY, QUARTERLY_FROM_YEAR_1, MIN_DATE, MAX_DATE)]
    last_thursdays = []
    first_fridays = []
    for year in range(1, 10000):
        for month in range(1, 13):
            last = date(year, month, pycal.monthrange(year, month)[1])
            last_thursdays.append(last - timedelta(days=(last.weekday() - 3) % 7))
            if month % 3 == 0:
                first = date(year, month, 1)
                first_fridays.append(first + timedelta(days=(4 - first.weekday()) % 7))
    assert monthly == last_thursdays
    assert quarterly == first_fridays


def test_huimin_slot_dates_2025_to_2027() -> None:
    """The pinned 3.2 and 3.3 dates of 2025–2027 (no holiday calendar)."""
    monthly = [s.day.isoformat() for s in slots(POLICY, MONTHLY, date(2025, 1, 1),
                                                  date(2027, 12, 31))]  # fmt: skip
    assert monthly == [
        "2025-01-30", "2025-02-27", "2025-03-27", "2025-04-24", "2025-05-29", "2025-06-26",
        "2025-07-31", "2025-08-28", "2025-09-25", "2025-10-30", "2025-11-27", "2025-12-25",
        "2026-01-29", "2026-02-26", "2026-03-26", "2026-04-30", "2026-05-28", "2026-06-25",
        "2026-07-30", "2026-08-27", "2026-09-24", "2026-10-29", "2026-11-26", "2026-12-31",
        "2027-01-28", "2027-02-25", "2027-03-25", "2027-04-29", "2027-05-27", "2027-06-24",
        "2027-07-29", "2027-08-26", "2027-09-30", "2027-10-28", "2027-11-25", "2027-12-30",
    ]  # fmt: skip
    quarterly = [s.day.isoformat() for s in slots(POLICY, QUARTERLY, date(2025, 1, 1),
                                                    date(2027, 12, 31))]  # fmt: skip
    assert quarterly == [
        "2025-03-07", "2025-06-06", "2025-09-05", "2025-12-05",
        "2026-03-06", "2026-06-05", "2026-09-04", "2026-12-04",
        "2027-03-05", "2027-06-04", "2027-09-03", "2027-12-03",
    ]  # fmt: skip


def test_huimin_slot_clock_times_come_from_the_parts_of_day() -> None:
    """3.2 is the afternoon (12:00–18:00) and 3.3 after work (17:00–21:00), Shanghai time."""
    (monthly,) = slots(POLICY, MONTHLY, date(2025, 1, 1), date(2025, 1, 31))
    assert monthly.start == datetime(2025, 1, 30, 12, tzinfo=SHANGHAI)
    assert monthly.end == datetime(2025, 1, 30, 18, tzinfo=SHANGHAI)
    (quarterly,) = slots(POLICY, QUARTERLY, date(2025, 3, 1), date(2025, 3, 31))
    assert quarterly.start == datetime(2025, 3, 7, 17, tzinfo=SHANGHAI)
    assert quarterly.end == datetime(2025, 3, 7, 21, tzinfo=SHANGHAI)


def _spring_festival_2025() -> HolidayCalendar:
    """2025's official New Year and Spring Festival days (国办发明电〔2024〕12号)."""
    return HolidayCalendar.model_validate(
        {
            "name": "cn-2025-q1",
            "valid_from": date(2025, 1, 1),
            "valid_to": date(2025, 3, 31),
            "holidays": [
                {"date": date(2025, 1, 1), "name": "元旦"},
                {"from": date(2025, 1, 28), "to": date(2025, 2, 4), "name": "春節"},
            ],
            "workdays": [
                {"date": date(2025, 1, 26), "name": "春節調休"},
                {"date": date(2025, 2, 8), "name": "春節調休"},
            ],
        }
    )


@pytest.mark.parametrize(
    ("how", "held"),
    [("previous", date(2025, 1, 27)), ("next", date(2025, 2, 5)), ("keep", date(2025, 1, 30)),
     ("skip", None)],
)  # fmt: skip
def test_slot_in_the_2025_spring_festival(
    how: Literal["keep", "skip", "previous", "next"], held: date | None
) -> None:
    """3.2's 2025-01-30 falls in the Spring Festival holiday and is moved as the rule says."""
    rule = MONTHLY.model_copy(update={"on_non_working_day": how})
    got = slots(POLICY, rule, date(2025, 1, 1), date(2025, 2, 28), _spring_festival_2025())
    january = [s for s in got if s.scheduled == date(2025, 1, 30)]
    if held is None:
        assert not january
    else:
        assert [(s.day, s.moved) for s in january] == [(held, held != date(2025, 1, 30))]
        assert january[0].start == datetime.combine(held, time(12), tzinfo=SHANGHAI)
    assert [s.day for s in got if s.scheduled != date(2025, 1, 30)] == [date(2025, 2, 27)]


def test_huimin_policy_moves_the_2025_spring_festival_slot_to_the_working_day_before() -> None:
    """Huimin's own choice (monthly_slot_on_non_working_day: previous) gives Monday 27 January."""
    assert MONTHLY.on_non_working_day == "previous"
    (january,) = slots(POLICY, MONTHLY, date(2025, 1, 1), date(2025, 1, 31),
                       _spring_festival_2025())  # fmt: skip
    assert (january.scheduled, january.day) == (date(2025, 1, 30), date(2025, 1, 27))


def test_slot_within_term_is_judged_on_its_rrule_date() -> None:
    """Huimin's monthly slot limited to a term of January 2025: January's (30 January, moved
    off the Spring Festival to the 27th) is in term by its RRULE date; February's and
    March's are not slots at all."""
    monthly = POLICY.rule("monthly_slot")
    assert isinstance(monthly, SlotRule)
    term = NamedPeriods.model_validate(
        {"kind": "named", "periods": [{"id": "t", "start": "2025-01-01", "end": "2025-01-30"}]}
    )
    limited = monthly.model_copy(update={"within": term})
    got = slots(POLICY, limited, date(2025, 1, 1), date(2025, 3, 31), _spring_festival_2025())
    assert [(s.scheduled, s.day) for s in got] == [(date(2025, 1, 30), date(2025, 1, 27))]


# --------------------------------------------------------------------------- random rules


@given(slot_rules(POLICY), st.data())
def test_slots_within_named_periods_are_the_rule_s_slots_in_them(rule: SlotRule, data: Any) -> None:
    """``within``: exactly the slots whose RRULE date lies in one of the periods, with
    holidays kept or skipped (moves: see the example below)."""
    start = rule.anchor + timedelta(days=data.draw(st.integers(-30, 3 * 366)))
    end = start + timedelta(days=data.draw(st.integers(0, 400)))
    cuts = sorted(set(data.draw(st.lists(st.integers(0, 500), min_size=2, max_size=6))))
    spans = [
        (start + timedelta(days=a), start + timedelta(days=b - 1))
        for a, b in itertools.pairwise(cuts)
        if b - a > 1
    ][::2]
    assume(spans)
    terms = NamedPeriods.model_validate(
        {"kind": "named",
         "periods": [{"id": f"t{i}", "start": a, "end": b} for i, (a, b) in enumerate(spans)]}
    )  # fmt: skip
    limited = rule.model_copy(update={"within": terms})
    holidays = data.draw(
        st.none()
        | holiday_calendars(start - timedelta(days=60), end + timedelta(days=60),
                            outside_range="weekends_only")
    )  # fmt: skip
    if rule.on_non_working_day in ("previous", "next"):
        holidays = None  # two dates moved onto one day are one slot: the first kept decides
    every = slots(POLICY, rule, start, end, holidays)
    expected = [s for s in every if any(a <= s.scheduled <= b for a, b in spans)]
    assert slots(POLICY, limited, start, end, holidays) == expected


@given(slot_rules(POLICY), st.data())
def test_random_slot_rules_agree_with_dateutil_from_the_anchor(rule: SlotRule, data: Any) -> None:
    """Any slot rule gives dateutil's own dates, as if iterated from the anchor every time."""
    offset = data.draw(st.integers(-400, 40 * 366), label="days from anchor to start")
    start = rule.anchor + timedelta(days=offset)
    end = start + timedelta(days=data.draw(st.integers(0, 800), label="days in range"))
    got = slots(POLICY, rule, start, end)
    expected = _naive(rule, start, end)
    assert [s.day for s in got] == expected
    assert rrule_dates(rule.rrule, rule.anchor, start, end) == expected
    _assert_slot_list(expected, start, end)
    timed = rule.part_of_day is not None or rule.start_time is not None
    for slot in got:
        assert slot.scheduled == slot.day
        assert not slot.moved
        assert (slot.start is not None) == timed
        if slot.start is not None:
            assert slot.end is not None
            assert slot.start.date() == slot.day
            assert slot.start < slot.end
            assert slot.start.tzinfo == SHANGHAI


@given(holiday_calendars(min_days=60), st.data())
def test_keep_ignores_the_holiday_calendar(calendar: HolidayCalendar, data: Any) -> None:
    """With ``keep`` a holiday calendar changes nothing: every slot stays where the rule put it."""
    rule, start, end = _ranged_rule(data, calendar, "keep", 0)
    expected = slots(POLICY, rule, start, end)
    assert slots(POLICY, rule, start, end, calendar) == expected


def _ranged_rule(
    data: Any,
    calendar: HolidayCalendar,
    how: Literal["keep", "skip", "previous", "next"],
    margin: int,
) -> tuple[SlotRule, date, date]:
    start, end = data.draw(
        date_ranges(calendar.valid_from + timedelta(days=margin),
                    calendar.valid_to - timedelta(days=margin), max_days=400),
        label="range",
    )  # fmt: skip
    near = _years(calendar.valid_from, -1)  # anchors near the range keep _naive cheap
    huimin = [_with(r, anchor=_first_on_or_after(r, near), on_non_working_day=how)
              for r in (MONTHLY, QUARTERLY)]  # fmt: skip
    rule = data.draw(
        st.one_of(
            slot_rules(POLICY, min_anchor=_years(calendar.valid_from, -3), max_anchor=start,
                       on_non_working_day=how),
            st.sampled_from(huimin),
        ),
        label="rule",
    )  # fmt: skip
    return rule, start, end


@given(holiday_calendars(min_days=60), st.data())
def test_skip_drops_exactly_the_slots_on_non_working_days(
    calendar: HolidayCalendar, data: Any
) -> None:
    """With ``skip`` the slots are the rule's dates in the range that are working days."""
    rule, start, end = _ranged_rule(data, calendar, "skip", 0)
    working = _working(calendar)
    got = slots(POLICY, rule, start, end, calendar)
    assert [s.day for s in got] == [d for d in _naive(rule, start, end) if working(d)]
    assert all(not s.moved for s in got)


@given(holiday_calendars(min_days=200), st.sampled_from(["previous", "next"]), st.data())
def test_shifted_slots_land_on_the_nearest_working_day(
    calendar: HolidayCalendar, how: Literal["previous", "next"], data: Any
) -> None:
    """With previous/next every slot is held on a working day: its own if it is one, otherwise
    the nearest working day before/after it; a slot moved into the range is listed."""
    rule, start, end = _ranged_rule(data, calendar, how, 60)
    working = _working(calendar)
    step = -1 if how == "previous" else 1
    expected: dict[date, list[date]] = {}
    for scheduled in _naive(rule, start - timedelta(days=SHIFT_REACH),
                            end + timedelta(days=SHIFT_REACH)):  # fmt: skip
        try:
            held = _walk(scheduled, step, working)
        except CalendarError:
            assume(False)  # a run of holidays out of the calendar: covered by the next test
            raise
        if start <= held <= end:
            expected.setdefault(held, []).append(scheduled)
    got = slots(POLICY, rule, start, end, calendar)
    assert [s.day for s in got] == sorted(expected)
    for slot in got:
        assert working(slot.day)
        assert slot.scheduled in expected[slot.day]
        assert slot.moved == (not working(slot.scheduled))
        between = _days(min(slot.day, slot.scheduled), max(slot.day, slot.scheduled))
        assert all(not working(d) for d in between if d != slot.day)


def test_slot_shifted_outside_the_range_does_not_need_the_calendar_beyond_it() -> None:
    """A query inside the calendar is answered even when a slot before it would be moved out."""
    rule = _with(MONTHLY, rrule="FREQ=MONTHLY;BYMONTHDAY=1", anchor=date(2024, 1, 1))
    calendar = HolidayCalendar.model_validate(
        {"valid_from": date(2025, 1, 1), "valid_to": date(2025, 12, 31),
         "holidays": [{"date": date(2025, 1, 1)}]}
    )  # fmt: skip
    got = slots(POLICY, rule, date(2025, 1, 20), date(2025, 2, 10), calendar)
    assert [s.day for s in got] == [date(2025, 2, 1) - timedelta(days=1)]  # Sat 1 Feb → Fri


def test_weekly_slots_run_to_the_last_day_of_the_calendar() -> None:
    """A week straddling 9999-12-31 ends the slots quietly instead of failing in dateutil."""
    fridays = _with(MONTHLY, rrule="FREQ=WEEKLY;BYDAY=FR", anchor=date(9999, 1, 1))
    got = slots(POLICY, fridays, date(9999, 12, 20), MAX_DATE)
    assert [s.day for s in got] == [date(9999, 12, 24), MAX_DATE]
    assert rrule_dates(fridays.rrule, fridays.anchor, date(9999, 12, 20), MAX_DATE) == [
        date(9999, 12, 24), MAX_DATE]  # fmt: skip
    sundays = _with(MONTHLY, rrule="FREQ=WEEKLY;BYDAY=SU", anchor=date(9999, 1, 3))
    assert slots(POLICY, sundays, date(9999, 12, 27), MAX_DATE) == []


# --------------------------------------------------------------------------- periods


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


@given(periods(kinds=CALENDAR, min_value=MIN_DATE, max_value=MAX_DATE),
       date_ranges(max_days=800))  # fmt: skip
def test_calendar_periods_tile_the_range_and_lookup_agrees(
    period: CalendarPeriod, span: tuple[date, date]
) -> None:
    """Calendar periods tile the range without gaps or overlaps, each date lies in exactly one,
    and each period starts on a unit boundary aligned with the anchor."""
    assert isinstance(period, CalendarPeriod)
    start, end = span
    spans = period_spans(period, start, end)
    assert spans[0].start <= start
    assert spans[-1].end >= end
    for before, after in itertools.pairwise(spans):
        assert after.start == before.end + DAY
    assert len({s.id for s in spans}) == len(spans)
    months = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}[period.unit] * period.every
    anchor = period.anchor or date(2000, 1, 1)
    for item in spans:
        assert item.start.day == 1
        assert item.end == MAX_DATE or (item.end + DAY).day == 1
        if item.start != MIN_DATE:  # a period begun before year 1 is clipped to it
            assert (_month_index(item.start) - _month_index(anchor)) % months == 0
        if item.start != MIN_DATE and item.end != MAX_DATE:
            assert _month_index(item.end + DAY) - _month_index(item.start) == months
    index = 0
    for day in _days(start, end):
        while day > spans[index].end:
            index += 1
        assert periods_containing(period, day) == [spans[index]]
        assert day in spans[index]


@given(periods(kinds=NAMED), st.data())
def test_named_period_lookup_is_consistent(period: NamedPeriods, data: Any) -> None:
    """A date is in at most one named period; lookup and overlap listing agree with the list."""
    assert isinstance(period, NamedPeriods)
    first = min(p.start for p in period.periods)
    last = max(p.end for p in period.periods)
    start, end = data.draw(date_ranges(first - timedelta(days=60), last + timedelta(days=60),
                                       max_days=800))  # fmt: skip
    for day in _days(start, end):
        holding = [DatedSpan(p.id, p.start, p.end) for p in period.periods
                   if p.start <= day <= p.end]  # fmt: skip
        assert len(holding) <= 1
        assert periods_containing(period, day) == holding
    overlapping = sorted(
        (DatedSpan(p.id, p.start, p.end) for p in period.periods
         if p.end >= start and p.start <= end),
        key=lambda s: s.start,
    )  # fmt: skip
    assert period_spans(period, start, end) == overlapping


@given(periods(kinds=ROLLING), date_ranges(max_days=800))
def test_rolling_periods_end_on_the_day_and_tile_from_the_start(
    period: RollingPeriod, span: tuple[date, date]
) -> None:
    """A rolling period containing a day is the window of ``days`` days ending on it; its spans
    tile the range from its start in blocks of ``days`` (clipped at the ends of the calendar)."""
    assert isinstance(period, RollingPeriod)
    start, end = span
    for day in (start, end):
        (window,) = periods_containing(period, day)
        assert window.end == day
        assert window.start == date.fromordinal(max(day.toordinal() - period.days + 1, 1))
    spans = period_spans(period, start, end)
    assert spans[0].start == start
    assert spans[-1].end >= end
    for before, after in itertools.pairwise(spans):
        assert after.start == before.end + DAY
    for item in spans:
        assert (item.end - item.start).days + 1 == period.days or item.end == MAX_DATE


def test_period_examples() -> None:
    """Quarters, half-years and anchored two-year periods have the expected ids and bounds."""
    quarter = CalendarPeriod(kind="calendar", unit="quarter")
    assert [(s.id, s.start, s.end) for s in period_spans(quarter, date(2024, 12, 31),
                                                         date(2025, 1, 1))] == [
        ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31)),
    ]  # fmt: skip
    half = CalendarPeriod(kind="calendar", unit="half_year")
    assert periods_containing(half, date(2024, 7, 1))[0].id == "2024-H2"
    biennial = CalendarPeriod(kind="calendar", unit="year", every=2, anchor=date(2023, 1, 1))
    (span,) = periods_containing(biennial, date(2026, 2, 28))
    assert (span.id, span.start, span.end) == (
        "2025-01-01/2026-12-31", date(2025, 1, 1), date(2026, 12, 31))  # fmt: skip


def test_periods_at_the_ends_of_the_calendar_are_clipped() -> None:
    """A period reaching before year 1 or after 9999 is clipped to the dates that exist."""
    year = CalendarPeriod(kind="calendar", unit="year")
    assert periods_containing(year, date(9999, 5, 1))[0].end == MAX_DATE
    triennial = CalendarPeriod(kind="calendar", unit="year", every=3, anchor=date(2000, 1, 1))
    (first,) = periods_containing(triennial, date(1, 6, 1))
    assert (first.start, first.end) == (MIN_DATE, date(1, 12, 31))  # of years -1, 0 and 1
    (last,) = periods_containing(triennial, MAX_DATE)
    assert (last.start, last.end) == (date(9998, 1, 1), MAX_DATE)
    rolling = RollingPeriod(kind="rolling", days=30)
    assert period_spans(rolling, date(9999, 12, 1), MAX_DATE)[-1].end == MAX_DATE


# --------------------------------------------------------------------------- working days


@given(holiday_calendars(), st.data())
def test_is_working_day_follows_the_entries(calendar: HolidayCalendar, data: Any) -> None:
    """Make-up days work, holidays and weekend days do not; outside the range: error or weekend."""
    working = _working(calendar)
    for day in _days(calendar.valid_from, calendar.valid_to):
        assert calendar.is_working_day(day) == working(day)
    outside = data.draw(st.one_of(dates(max_value=calendar.valid_from - DAY),
                                  dates(min_value=calendar.valid_to + DAY)))  # fmt: skip
    if calendar.outside_range == "error":
        with pytest.raises(CalendarError, match="outside the holiday calendar"):
            calendar.is_working_day(outside)
    else:
        assert calendar.is_working_day(outside) == (
            outside.weekday() not in {WEEKDAYS.index(d) for d in calendar.weekend}
        )


@given(holiday_calendars(), st.data())
def test_working_day_arithmetic_agrees_with_a_day_by_day_walk(
    calendar: HolidayCalendar, data: Any
) -> None:
    """``add_working_days`` and a working-days deadline land where a day-by-day count does."""
    start = data.draw(dates(calendar.valid_from, calendar.valid_to), label="start")
    n = data.draw(st.integers(0, 40), label="working days")
    assume(len(calendar.weekend) < 7)
    working = _working(calendar)
    day, counted, expected = start, 0, start
    try:
        while counted < n:
            day += DAY
            counted += working(day)
        expected = day
    except CalendarError:
        with pytest.raises(CalendarError):
            calendar.add_working_days(start, n)
        with pytest.raises(CalendarError):
            deadline_date(Deadline(days=n, count="working"), start, calendar)
        return
    assert calendar.add_working_days(start, n) == expected
    assert deadline_date(Deadline(days=n, count="working"), start, calendar) == expected
    assert deadline_date(Deadline(days=n), start, calendar) == start + timedelta(days=n)


@given(st.dates(), st.integers(0, 120))
def test_month_deadlines_agree_with_relativedelta(start: date, months: int) -> None:
    """N months on keeps the day of the month or takes the month's last day, as
    ``relativedelta`` does; past the year 9999 it is a CalendarError, never OverflowError."""
    weekends = HolidayCalendar.weekends_only()
    try:
        expected = start + relativedelta(months=months)
    except (ValueError, OverflowError):
        with pytest.raises(CalendarError):
            deadline_date(Deadline(months=months), start, weekends)
        return
    assert deadline_date(Deadline(months=months), start, weekends) == expected


def test_month_deadline_examples() -> None:
    """31 January + 1 month is the last day of February (leap or not); December rolls over."""
    weekends = HolidayCalendar.weekends_only()
    one = Deadline(months=1)
    assert deadline_date(one, date(2025, 1, 31), weekends) == date(2025, 2, 28)
    assert deadline_date(one, date(2024, 1, 31), weekends) == date(2024, 2, 29)
    assert deadline_date(one, date(2025, 12, 15), weekends) == date(2026, 1, 15)
    assert deadline_date(Deadline(months=0), date(2025, 3, 3), weekends) == date(2025, 3, 3)


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({}, "exactly one of days and months"),
        ({"days": 3, "months": 1}, "exactly one of days and months"),
        ({"months": 1, "count": "working"}, "days only"),
        ({"months": 121}, "less than or equal to 120"),
    ],
)
def test_deadline_needs_one_length(fields: dict[str, Any], needle: str) -> None:
    """A deadline gives days or months, not both or neither; months are calendar months."""
    with pytest.raises(ValidationError, match=needle):
        Deadline.model_validate(fields)


def test_working_day_examples() -> None:
    """Five working days after the eve of the 2025 Spring Festival skip the holiday, count the
    make-up Saturday, and a negative count is refused."""
    calendar = _spring_festival_2025()
    assert calendar.add_working_days(date(2025, 1, 27), 1) == date(2025, 2, 5)
    assert calendar.add_working_days(date(2025, 1, 27), 4) == date(2025, 2, 8)
    assert calendar.add_working_days(date(2025, 1, 27), 0) == date(2025, 1, 27)
    # Friday 24 January: Sun 26 (make-up), Mon 27, then the holiday until Wed 5 February
    assert deadline_date(Deadline(days=5, count="working"), date(2025, 1, 24),
                         calendar) == date(2025, 2, 7)  # fmt: skip
    assert calendar.holiday_name(date(2025, 2, 1)) == "春節"
    with pytest.raises(ValueError, match="must not be negative"):
        calendar.add_working_days(date(2025, 1, 27), -1)


def test_outside_the_calendar_is_an_explicit_error() -> None:
    """A question about a day outside the calendar's range raises CalendarError, naming it."""
    calendar = _spring_festival_2025()
    with pytest.raises(CalendarError, match="2025-04-01 is outside the holiday calendar"):
        calendar.is_working_day(date(2025, 4, 1))
    with pytest.raises(CalendarError):
        calendar.add_working_days(date(2025, 3, 28), 5)
    with pytest.raises(CalendarError):
        slots(POLICY, MONTHLY, date(2025, 3, 1), date(2025, 4, 30), calendar)
    assert isinstance(CalendarError("x"), TanxinError)


def test_outside_range_weekends_only_falls_back_to_the_weekend() -> None:
    """With ``outside_range: weekends_only`` days outside the range follow the weekend rule."""
    calendar = _spring_festival_2025().model_copy(update={"outside_range": "weekends_only"})
    assert calendar.is_working_day(date(2025, 4, 1))  # a Tuesday
    assert not calendar.is_working_day(date(2025, 4, 5))  # a Saturday
    assert not calendar.is_working_day(date(2026, 1, 3))  # a Saturday
    assert calendar.add_working_days(date(2025, 3, 28), 2) == date(2025, 4, 1)
    everyday = HolidayCalendar.weekends_only()
    assert everyday.covers(MIN_DATE)
    assert everyday.covers(MAX_DATE)
    assert everyday.is_working_day(MAX_DATE)  # a Friday


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"valid_from": date(2025, 1, 1), "valid_to": date(2025, 12, 31),
          "holidays": [{"from": date(2025, 1, 1), "to": date(2025, 1, 3)}],
          "workdays": [{"date": date(2025, 1, 2)}]},
         "2025-01-02 is both a holiday and a make-up working day"),
        ({"valid_from": date(2025, 1, 1), "valid_to": date(2025, 12, 31),
          "holidays": [{"date": date(2026, 1, 1)}]},
         "2026-01-01 is outside the calendar's range"),
        ({"valid_from": date(2025, 1, 1), "valid_to": date(2025, 12, 31),
          "workdays": [{"from": date(2024, 12, 30), "to": date(2025, 1, 1)}]},
         "2024-12-30 is outside the calendar's range"),
        ({"valid_from": date(2025, 1, 2), "valid_to": date(2025, 1, 1)},
         "valid_to is before valid_from"),
        ({"valid_from": date(2025, 1, 1), "valid_to": date(2025, 12, 31),
          "holidays": [{"from": date(2025, 1, 3), "to": date(2025, 1, 1)}]},
         "to is before from"),
        ({"valid_from": date(2025, 1, 1), "valid_to": date(2025, 12, 31),
          "holidays": [{"date": date(2025, 1, 1), "from": date(2025, 1, 1),
                        "to": date(2025, 1, 2)}]},
         "not both"),
    ],
)  # fmt: skip
def test_inconsistent_holiday_calendars_are_refused(data: dict[str, Any], needle: str) -> None:
    """A day both holiday and make-up day, an entry outside the range, or a reversed range."""
    with pytest.raises(ValidationError, match=needle):
        HolidayCalendar.model_validate(data)


def test_holiday_entry_may_end_on_the_last_representable_day() -> None:
    """An entry running to 9999-12-31 lists its days without overflowing."""
    calendar = HolidayCalendar.model_validate(
        {"valid_from": date(9999, 12, 1), "valid_to": MAX_DATE,
         "holidays": [{"from": date(9999, 12, 30), "to": MAX_DATE}]}
    )  # fmt: skip
    assert not calendar.is_working_day(MAX_DATE)
    assert calendar.shift(date(9999, 12, 30), "previous") == date(9999, 12, 29)
    with pytest.raises(CalendarError):
        calendar.shift(date(9999, 12, 30), "next")


def test_shift_gives_up_after_a_year_without_working_days() -> None:
    """A calendar whose every day is a weekend day has no working day to move a slot to."""
    calendar = HolidayCalendar.weekends_only(WEEKDAYS)
    with pytest.raises(CalendarError, match="no working day within a year"):
        calendar.shift(date(2025, 1, 1), "next")
    assert calendar.shift(date(2025, 1, 1), "skip") is None
    assert calendar.shift(date(2025, 1, 1), "keep") == date(2025, 1, 1)


# --------------------------------------------------------------------------- meeting windows


def _window_rule(before: int, after: int, include: bool) -> WindowRule:
    return WindowRule.model_validate(
        {"kind": "window", "id": "w", "clause": "3.1a", "label": {"zh": "窗", "en": "window"},
         "scope": "team_mutual", "meeting": "democratic_life_meeting", "days_before": before,
         "days_after": after, "include_meeting_day": include}
    )  # fmt: skip


@given(dates(), st.integers(0, 3660), st.integers(0, 3660), st.booleans())
def test_meeting_window_spans_the_days_the_rule_names(
    meeting: date, before: int, after: int, include: bool
) -> None:
    """The window has days_before + days_after (+1 with the meeting day) days, holds the meeting
    day exactly when the rule says so, and leaving the calendar is a CalendarError."""
    if not include and before and after:
        after = 0  # such a window would be two windows; the rule refuses it
    assume(include or before or after)
    rule = _window_rule(before, after, include)
    first = meeting.toordinal() - before if before else meeting.toordinal() + (not include)
    last = meeting.toordinal() + after if after else meeting.toordinal() - (not include)
    if first < 1 or last > MAX_DATE.toordinal():
        with pytest.raises(CalendarError):
            meeting_window(rule, meeting)
        return
    start, end = meeting_window(rule, meeting)
    assert (start.toordinal(), end.toordinal()) == (first, last)
    assert (end - start).days + 1 == before + after + include
    assert (start <= meeting <= end) == include


def test_huimin_pre_meeting_window_crosses_the_year_boundary() -> None:
    """3.1a: a meeting on 2026-01-10 has the 20 days 2025-12-21 … 2026-01-09 as its window."""
    rule = POLICY.rule("pre_meeting_round")
    assert isinstance(rule, WindowRule)
    assert rule.include_meeting_day is False
    assert meeting_window(rule, date(2026, 1, 10)) == (date(2025, 12, 21), date(2026, 1, 9))
    inside = rule.model_copy(update={"include_meeting_day": True})
    assert meeting_window(inside, date(2026, 1, 10)) == (date(2025, 12, 21), date(2026, 1, 10))
    assert meeting_window(rule, date(2024, 3, 10)) == (date(2024, 2, 19), date(2024, 3, 9))


def _window(**fields: Any) -> WindowRule:
    return WindowRule.model_validate(
        {"kind": "window", "id": "w", "clause": "3.1c", "label": {"zh": "窗", "en": "window"},
         "scope": "team_mutual", "meeting": "democratic_life_meeting",
         "include_meeting_day": False, **fields}
    )  # fmt: skip


@pytest.mark.parametrize(
    ("meeting", "opens"),
    [
        (date(2026, 3, 15), date(2026, 2, 15)),
        (date(2026, 3, 31), date(2026, 2, 28)),  # February has no 31st: its last day
        (date(2024, 3, 30), date(2024, 2, 29)),
        (date(2026, 1, 10), date(2025, 12, 10)),
    ],
)
def test_months_before_opens_on_the_same_day_a_month_back(meeting: date, opens: date) -> None:
    """會前一個月: ``months_before: 1`` opens the window on the same day of the month before
    (that month's last day when it is shorter) and closes it the day before the meeting."""
    assert meeting_window(_window(months_before=1), meeting) == (opens, meeting - timedelta(1))


@given(dates(), st.integers(1, 24), st.booleans())
def test_months_before_agrees_with_relativedelta(meeting: date, months: int, include: bool) -> None:
    """``months_before`` counts months as dateutil's relativedelta does; the meeting day is in
    the window exactly when the rule says so; leaving the calendar is a CalendarError."""
    rule = _window(months_before=months, include_meeting_day=include)
    try:
        expected = meeting - relativedelta(months=months)
    except (ValueError, OverflowError):
        with pytest.raises(CalendarError):
            meeting_window(rule, meeting)
        return
    start, end = meeting_window(rule, meeting)
    assert start == expected
    assert end == (meeting if include else meeting - timedelta(1))


def test_working_days_before_skip_weekends_and_holidays() -> None:
    """會前10個工作日: with ``count: working`` the window opens on the 10th working day before
    the meeting — past National Day week's holidays and counting its make-up Saturday."""
    national_day = HolidayCalendar(
        name="cn-2025-q4",
        valid_from=date(2025, 9, 1),
        valid_to=date(2025, 12, 31),
        holidays=[HolidayEntry.model_validate({"from": "2025-10-01", "to": "2025-10-08"})],
        workdays=[HolidayEntry(date=date(2025, 9, 28)), HolidayEntry(date=date(2025, 10, 11))],
    )
    rule = _window(days_before=10, count="working")
    # Mon 20 Oct back: 17 16 15 14 13 (5), Sat 11 (6), 10 9 (8), Tue 30 and Mon 29 Sep (10)
    assert meeting_window(rule, date(2025, 10, 20), national_day) == (
        date(2025, 9, 29),
        date(2025, 10, 19),
    )
    # without a calendar: Monday to Friday; two working weeks back from a Monday
    assert meeting_window(rule, date(2025, 10, 20)) == (date(2025, 10, 6), date(2025, 10, 19))
    after = _window(days_before=0, days_after=3, count="working", include_meeting_day=True)
    # after the holidays: Thu 9, Fri 10 and the make-up Saturday 11 October
    assert meeting_window(after, date(2025, 9, 30), national_day) == (
        date(2025, 9, 30),
        date(2025, 10, 11),
    )
    with pytest.raises(CalendarError, match="outside the holiday calendar's range"):
        meeting_window(rule, date(2025, 9, 5), national_day)


@given(dates(min_value=date(1, 2, 1)), st.integers(0, 40), st.integers(0, 40), st.booleans())
def test_working_day_window_holds_the_number_of_working_days_named(
    meeting: date, before: int, after: int, include: bool
) -> None:
    """A working-day window (Monday to Friday) holds exactly ``days_before`` working days
    before the meeting and ``days_after`` after it, and starts and ends on a working day."""
    if not include and before and after:
        after = 0
    assume(include or before or after)
    assume(meeting < date(9999, 11, 1))
    rule = _window(
        days_before=before, days_after=after, count="working", include_meeting_day=include
    )
    try:
        start, end = meeting_window(rule, meeting)
    except CalendarError:
        assume(False)
        raise
    span = [start + timedelta(k) for k in range((end - start).days + 1)]
    weekdays = [d for d in span if d.weekday() < 5]
    assert sum(d < meeting for d in weekdays) == before
    assert sum(d > meeting for d in weekdays) == after
    if before:
        assert start.weekday() < 5
    if after:
        assert end.weekday() < 5


def test_window_length_is_given_one_way() -> None:
    """Exactly one of days_before and months_before; months are never working days."""
    with pytest.raises(ValidationError, match="give exactly one of days_before and months_before"):
        _window(days_before=5, months_before=1)
    with pytest.raises(ValidationError, match="give exactly one of days_before and months_before"):
        _window(days_after=5, include_meeting_day=True)
    with pytest.raises(ValidationError, match="count: working applies to days only"):
        _window(months_before=1, count="working")


# --------------------------------------------------------------------------- anniversaries


def _anchor_rule(
    every: int,
    offset: int,
    length: int,
    on_feb_29: Literal["feb_28", "mar_1"],
    once: bool = False,
) -> AnchorRule:
    cycle: dict[str, Any] = {"once": True} if once else {"every_years": every}
    return AnchorRule.model_validate(
        {"kind": "anchor", "id": "a", "clause": "4.7", "label": {"zh": "週年", "en": "yearly"},
         "subjects": "everyone", "date_field": "party_joined", **cycle,
         "offset_days": offset, "length_days": length, "on_feb_29": on_feb_29,
         "talker": {"by": "responsibility"}}
    )  # fmt: skip


def _expected_windows(
    rule: AnchorRule, base: date, start: date, end: date
) -> list[tuple[date, date, date]]:
    """Every anniversary's window overlapping the range, year by year from the base (for a
    ``once`` rule: the base date's own window)."""
    out = []
    years = (
        [base.year] if rule.once else range(base.year + rule.every_years, 10000, rule.every_years)
    )
    for year in years:
        if rule.once:
            ann = base
        elif base.month == 2 and base.day == 29 and not pycal.isleap(year):
            ann = date(year, 2, 28) if rule.on_feb_29 == "feb_28" else date(year, 3, 1)
        else:
            ann = date(year, base.month, base.day)
        first = ann.toordinal() + rule.offset_days
        last = first + rule.length_days - 1
        if last < 1 or first > MAX_DATE.toordinal():
            continue
        w_start = date.fromordinal(max(first, 1))
        w_end = date.fromordinal(min(last, MAX_DATE.toordinal()))
        if w_end >= start and w_start <= end:
            out.append((ann, w_start, w_end))
    return out


ANCHOR_RULES = st.builds(
    _anchor_rule,
    every=st.sampled_from([1, 1, 2, 3, 5, 10]),
    offset=st.integers(-366, 366),
    length=st.integers(1, 366),
    on_feb_29=st.sampled_from(["feb_28", "mar_1"]),
    once=st.sampled_from([False, False, False, True]),
)
LEAP_DAYS = st.integers(1, 9999).filter(pycal.isleap).map(lambda y: date(y, 2, 29))


@given(
    ANCHOR_RULES,
    st.one_of(LEAP_DAYS, dates(), dates(MIN_DATE, date(2, 12, 31)), dates(date(9990, 1, 1))),
    st.data(),
)
def test_anchor_windows_agree_with_every_anniversary(
    rule: AnchorRule, base: date, data: Any
) -> None:
    """Each window opens offset_days after an anniversary and lasts length_days; 29 February
    falls on 28 February or 1 March in common years as the rule says; none is missed."""
    start, end = data.draw(date_ranges(base, _years(base, 40), max_days=3 * 366))
    got = anchor_windows(rule, base, start, end)
    assert got == _expected_windows(rule, base, start, end)
    for ann, _, _ in got:
        if base.month == 2 and base.day == 29 and not pycal.isleap(ann.year):
            assert (ann.month, ann.day) == ((2, 28) if rule.on_feb_29 == "feb_28" else (3, 1))


def test_once_anchor_has_one_window_and_refuses_a_cycle() -> None:
    """``once``: the window around the date itself only (none for its anniversaries), cut
    at the ends of the calendar; giving every_years beside it is refused."""
    once = _anchor_rule(1, 0, 30, "feb_28", once=True)
    assert anchor_windows(once, date(2025, 3, 10), date(2025, 1, 1), date(2027, 12, 31)) == [
        (date(2025, 3, 10), date(2025, 3, 10), date(2025, 4, 8))
    ]
    assert anchor_windows(once, date(2023, 3, 10), date(2025, 1, 1), date(2025, 12, 31)) == []
    late = _anchor_rule(1, 5, 30, "feb_28", once=True)
    assert anchor_windows(late, date(9999, 12, 20), date(9999, 12, 1), MAX_DATE) == [
        (date(9999, 12, 20), date(9999, 12, 25), MAX_DATE)]  # fmt: skip
    early = _anchor_rule(1, -366, 1, "feb_28", once=True)
    assert anchor_windows(early, MIN_DATE, MIN_DATE, MAX_DATE) == []
    with pytest.raises(ValidationError, match="every_years does not apply"):
        AnchorRule.model_validate(
            {**_anchor_rule(2, 0, 30, "feb_28").model_dump(exclude_unset=True), "once": True}
        )


def test_anchor_windows_are_clipped_at_the_ends_of_the_calendar() -> None:
    """A window partly before year 1 keeps its part in year 1, one wholly before it is dropped,
    and one running past 9999-12-31 ends there — no window is lost to an overflow."""
    early = _anchor_rule(1, -366, 30, "feb_28")
    got = anchor_windows(early, MIN_DATE, MIN_DATE, date(3, 12, 31))
    assert got[:2] == [
        (date(2, 1, 1), MIN_DATE, date(1, 1, 29)),
        (date(3, 1, 1), date(1, 12, 31), date(2, 1, 29)),
    ]
    # year 2's one-day window would be 0000-12-31; year 3's is 0001-12-31, after the range
    assert anchor_windows(_anchor_rule(1, -366, 1, "feb_28"), MIN_DATE, MIN_DATE,
                          date(1, 12, 30)) == []  # fmt: skip
    late = _anchor_rule(1, 5, 30, "feb_28")
    assert anchor_windows(late, date(9990, 12, 20), date(9999, 12, 1), MAX_DATE) == [
        (date(9999, 12, 20), date(9999, 12, 25), MAX_DATE)]  # fmt: skip


@pytest.mark.parametrize(
    ("year", "on_feb_29", "expected"),
    [(2001, "feb_28", date(2001, 2, 28)), (2001, "mar_1", date(2001, 3, 1)),
     (2004, "feb_28", date(2004, 2, 29)), (2100, "mar_1", date(2100, 3, 1)),
     (2400, "mar_1", date(2400, 2, 29))],
)  # fmt: skip
def test_anniversary_of_29_february(
    year: int, on_feb_29: Literal["feb_28", "mar_1"], expected: date
) -> None:
    """29 February's anniversary in a common year (2001, 2100) moves; in a leap year it stays."""
    assert anniversary(date(2000, 2, 29), year, on_feb_29) == expected


# --------------------------------------------------------------------------- the ends of time


EARLY = dates(MIN_DATE, date(3, 12, 31))
LATE = dates(date(9997, 1, 1), MAX_DATE)
EDGE = st.one_of(EARLY, LATE)
EDGE_RANGES = st.one_of(
    date_ranges(MIN_DATE, date(3, 12, 31), max_days=500),
    date_ranges(date(9997, 1, 1), MAX_DATE, max_days=500),
)
EDGE_CALENDARS = st.one_of(
    st.none(),
    holiday_calendars(MIN_DATE, date(3, 12, 31), max_days=400),
    holiday_calendars(date(9997, 1, 1), MAX_DATE, max_days=400),
)
EDGE_RULES = st.one_of(
    st.sampled_from([MONTHLY_FROM_YEAR_1, QUARTERLY_FROM_YEAR_1]),
    slot_rules(POLICY, min_anchor=MIN_DATE, max_anchor=date(2, 12, 31)),
    slot_rules(POLICY, min_anchor=date(9990, 1, 1), max_anchor=date(9999, 6, 30)),
)


def _tanxin_errors_only(call: Callable[..., object], *args: Any) -> None:
    """Call ``call(*args)``; a TanxinError is an acceptable answer, anything else propagates."""
    with contextlib.suppress(TanxinError):
        call(*args)


@given(EDGE_RULES, EDGE_RANGES, EDGE_CALENDARS)
def test_slots_near_year_1_and_9999_raise_only_calendar_errors(
    rule: SlotRule, span: tuple[date, date], calendar: HolidayCalendar | None
) -> None:
    """Slots asked for at the ends of the calendar come out or raise a TanxinError, never
    OverflowError or a bare ValueError from date arithmetic."""
    start, end = span
    _tanxin_errors_only(slots, POLICY, rule, start, end, calendar)
    if end <= _years(rule.anchor, 10):  # rrule_dates replays from the anchor: keep it near
        _tanxin_errors_only(rrule_dates, rule.rrule, rule.anchor, start, end)


@given(EDGE, EDGE, st.integers(0, 3660), st.integers(0, 3660), ANCHOR_RULES,
       periods(min_value=MIN_DATE, max_value=MAX_DATE), EDGE_CALENDARS,
       st.sampled_from(["keep", "skip", "previous", "next"]))  # fmt: skip
def test_calendar_near_year_1_and_9999_raises_only_calendar_errors(
    day: date,
    other: date,
    before: int,
    after: int,
    anchor_rule: AnchorRule,
    period: CalendarPeriod | RollingPeriod | NamedPeriods,
    calendar: HolidayCalendar | None,
    how: Literal["keep", "skip", "previous", "next"],
) -> None:
    """Windows, anniversaries, periods and working days at the ends of the calendar come out or
    raise a TanxinError (CalendarError), never OverflowError or a bare ValueError."""
    start, end = min(day, other), max(day, other)
    windows = [_window_rule(before, after, True)]
    if before:
        windows.append(_window_rule(before, 0, False))
    if after:
        windows.append(_window_rule(0, after, False))
    for window in windows:
        _tanxin_errors_only(meeting_window, window, day)
    _tanxin_errors_only(anchor_windows, anchor_rule, day, start, end)
    _tanxin_errors_only(anchor_windows, anchor_rule, start, start, end)
    for year in (1, day.year, 9999):
        _tanxin_errors_only(anniversary, day, year, anchor_rule.on_feb_29)
    _tanxin_errors_only(periods_containing, period, day)
    if (end - start).days <= 2000:
        _tanxin_errors_only(period_spans, period, start, end)
    holidays = calendar or HolidayCalendar.weekends_only()
    n = min(before, 400)
    _tanxin_errors_only(holidays.is_working_day, day)
    _tanxin_errors_only(holidays.add_working_days, day, n)
    _tanxin_errors_only(holidays.shift, day, how)
    _tanxin_errors_only(deadline_date, Deadline(days=n), day, holidays)
    _tanxin_errors_only(deadline_date, Deadline(days=n, count="working"), day, holidays)
