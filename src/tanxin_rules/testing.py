"""Hypothesis strategies for property-testing your own policies (optional extra).

Install with the ``test`` extra (``pip install 'tanxin-rules[test]'``), which brings in
`Hypothesis <https://hypothesis.readthedocs.io>`_. Every strategy builds *valid* objects — the
models validate, dates are real, ids refer to what the policy defines — so a failing property
points at the policy or the code under test, not at the test data:

=========================  ==================================================================
:func:`dates`              calendar dates, biased towards 1 January, 31 December, 28 and 29
                           February, 1 March and month ends (leap days, year boundaries)
:func:`date_ranges`        ``(start, end)`` pairs with ``start <= end``
:func:`periods`            calendar, rolling and named :data:`~tanxin_rules._policy.Period`
                           models
:func:`slot_rrules`        RFC 5545 whole-day RRULE text of the shapes policies use
:func:`slot_rules`         :class:`~tanxin_rules.SlotRule` models whose anchor the RRULE yields
:func:`holiday_calendars`  holiday calendars with holiday blocks and make-up working days
:func:`rosters`            :class:`~tanxin_rules.Roster` objects using a policy's role ids
:func:`histories`          :class:`~tanxin_rules.History` objects between a roster's people
=========================  ==================================================================

See ``docs/testing.md`` for a worked example.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Callable, Collection, Sequence
from datetime import date, time, timedelta
from typing import Literal, TypeVar

try:
    from hypothesis import assume
    from hypothesis import strategies as st
except ImportError as _exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "tanxin_rules.testing needs Hypothesis, which is not installed; install the test "
        "extra with `pip install 'tanxin-rules[test]'` (or `pip install hypothesis`)"
    ) from _exc

from ._calendar import HolidayCalendar, HolidayEntry, Weekday
from ._inputs import (
    Branch,
    Event,
    History,
    Meeting,
    Person,
    ReplyRequest,
    RoleHolding,
    Roster,
    Talk,
    Unit,
)
from ._policy import (
    CalendarPeriod,
    Level,
    NamedPeriod,
    NamedPeriods,
    Policy,
    Relation,
    RollingPeriod,
    SlotRule,
)
from ._rrule import first_date
from ._types import Label

__all__ = [
    "Freq",
    "NonWorkingDay",
    "PeriodKind",
    "date_ranges",
    "dates",
    "histories",
    "holiday_calendars",
    "periods",
    "rosters",
    "slot_rrules",
    "slot_rules",
]

_T = TypeVar("_T")

PeriodKind = Literal["calendar", "rolling", "named"]
"""The three kinds of period a policy can count in."""
Freq = Literal["YEARLY", "MONTHLY", "WEEKLY", "DAILY"]
"""The whole-day RRULE frequencies."""
NonWorkingDay = Literal["keep", "skip", "previous", "next"]
"""What a slot rule does on a non-working day."""

_MIN_DATE = date(1, 1, 1)
_MAX_DATE = date(9999, 12, 31)

_WEEKDAYS: tuple[Weekday, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_RELATIONS: tuple[Relation, ...] = (
    "oversees", "heads_unit", "heads_branch", "same_unit", "same_branch", "same_organisation",
)  # fmt: skip
_ORGANISATIONS: tuple[str | None, ...] = (None, "org_1", "org_2")
"""Organisations of a roster that holds several: None is the roster's own (unnamed) one."""
_FREQS: tuple[Freq, ...] = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
_SAT_SUN: tuple[Weekday, ...] = ("saturday", "sunday")
_LEVELS: tuple[Level, ...] = ("must", "should", "may")
_NON_WORKING: tuple[NonWorkingDay, ...] = ("keep", "skip", "previous", "next")
_EDGES = ("jan_1", "dec_31", "feb_28", "feb_29", "mar_1", "month_start", "month_end")
_HOLIDAY_NAMES = ("元旦", "春節", "清明節", "勞動節", "端午節", "中秋節", "國慶節")
_SURNAMES = "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何林羅高"
_GIVEN = "偉芳娜敏靜麗強磊軍洋勇艷傑娟濤明超秀霞平剛桂"
_ONE_DAY = timedelta(days=1)
_IDS = st.from_regex(r"[a-z][a-z0-9_]{0,24}", fullmatch=True)


def _closed(name: str, build: Callable[[st.DrawFn], _T]) -> st.SearchStrategy[_T]:
    """``st.composite(build)()``, shown as ``name()``.

    Hypothesis shows a strategy's arguments in its repr; a roster or a policy there would run
    to tens of kilobytes, so strategies over them close over their arguments instead.
    """

    def drawn(draw: st.DrawFn) -> _T:
        return build(draw)

    drawn.__name__ = drawn.__qualname__ = name
    return st.composite(drawn)()


def _check_bounds(min_value: date, max_value: date) -> None:
    if max_value < min_value:
        raise ValueError(f"max_value {max_value} is before min_value {min_value}")


def _plus(day: date, days: int) -> date:
    """``day + days``, clamped to the dates Python can represent."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return _MIN_DATE if days < 0 else _MAX_DATE


# --------------------------------------------------------------------------- dates


@st.composite
def _edge_dates(draw: st.DrawFn, min_value: date, max_value: date) -> date:
    year = draw(st.integers(min_value.year, max_value.year))
    kind = draw(st.sampled_from(_EDGES))
    month = draw(st.integers(1, 12))
    if kind == "jan_1":
        day = date(year, 1, 1)
    elif kind == "dec_31":
        day = date(year, 12, 31)
    elif kind == "feb_28":
        day = date(year, 2, 28)
    elif kind == "feb_29":
        leap = next((y for y in (*range(year, year - 8, -1), *range(year, year + 8))
                     if 1 <= y <= 9999 and _cal.isleap(y)), None)  # fmt: skip
        day = date(leap, 2, 29) if leap is not None else date(year, 2, 28)
    elif kind == "mar_1":
        day = date(year, 3, 1)
    elif kind == "month_start":
        day = date(year, month, 1)
    else:
        day = date(year, month, _cal.monthrange(year, month)[1])
    return min(max(day, min_value), max_value)


def dates(min_value: date = _MIN_DATE, max_value: date = _MAX_DATE) -> st.SearchStrategy[date]:
    """Dates from ``min_value`` to ``max_value`` (inclusive).

    About half are drawn uniformly-ish by :func:`hypothesis.strategies.dates`; the rest are the
    days calendar code gets wrong: 1 January and 31 December, 28 and 29 February, 1 March, and
    the first and last day of a month (clamped into the bounds).
    """
    _check_bounds(min_value, max_value)
    return st.one_of(st.dates(min_value, max_value), _edge_dates(min_value, max_value))


@st.composite
def _date_ranges(
    draw: st.DrawFn, min_value: date, max_value: date, max_days: int | None
) -> tuple[date, date]:
    start = draw(dates(min_value, max_value))
    room = (max_value - start).days
    span = room if max_days is None else min(room, max_days)
    end = draw(dates(start, start + timedelta(days=span)))
    return start, end


def date_ranges(
    min_value: date = _MIN_DATE, max_value: date = _MAX_DATE, *, max_days: int | None = None
) -> st.SearchStrategy[tuple[date, date]]:
    """``(start, end)`` pairs inside ``min_value``…``max_value`` with ``start <= end``.

    ``max_days`` bounds ``end - start`` (in days), to keep a day-by-day check of the range
    cheap. Both ends are drawn with :func:`dates`, so ranges often start or end on a year
    boundary or a leap day.
    """
    _check_bounds(min_value, max_value)
    if max_days is not None and max_days < 0:
        raise ValueError("max_days must not be negative")
    return _date_ranges(min_value, max_value, max_days)


# --------------------------------------------------------------------------- periods


_PeriodUnit = Literal["month", "quarter", "half_year", "year"]
_UNITS: tuple[_PeriodUnit, ...] = ("month", "quarter", "half_year", "year")
_UNIT_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


@st.composite
def _calendar_periods(draw: st.DrawFn, min_value: date, max_value: date) -> CalendarPeriod:
    unit = draw(st.sampled_from(_UNITS))
    every = draw(st.one_of(st.just(1), st.integers(2, 5), st.integers(1, 100)))
    anchor: date | None = None
    if every > 1 or draw(st.booleans()):
        months = _UNIT_MONTHS[unit]
        year = draw(st.integers(min_value.year, max_value.year))
        month = 1 + months * draw(st.integers(0, 12 // months - 1))
        anchor = date(year, month, 1)
    return CalendarPeriod(kind="calendar", unit=unit, every=every, anchor=anchor)


@st.composite
def _named_periods(draw: st.DrawFn, min_value: date, max_value: date) -> NamedPeriods:
    first = draw(dates(min_value, max_value))
    steps = draw(
        st.lists(st.tuples(st.integers(0, 120), st.integers(0, 200)), min_size=1, max_size=6)
    )
    out: list[NamedPeriod] = []
    begin = first
    for gap, length in steps:
        if out and (max_value - begin).days < gap:
            break
        start = begin + timedelta(days=gap if out else 0)
        end = min(_plus(start, length), max_value)
        label = Label(zh=f"第{len(out) + 1}學期", en=f"term {len(out) + 1}")
        out.append(NamedPeriod(id=f"term_{len(out) + 1}", label=label, start=start, end=end))
        if end >= max_value:
            break
        begin = end + _ONE_DAY
    return NamedPeriods(kind="named", periods=out)


def periods(
    *,
    kinds: Collection[PeriodKind] = ("calendar", "rolling", "named"),
    min_value: date = date(1900, 1, 1),
    max_value: date = date(2100, 12, 31),
) -> st.SearchStrategy[CalendarPeriod | RollingPeriod | NamedPeriods]:
    """Period models of the given ``kinds``.

    - calendar: months, quarters, half-years or years, ``every`` 1 to 100 of them, with an
      anchor (the first day of a unit, in ``min_value.year``…``max_value.year``) whenever
      ``every`` > 1 and sometimes otherwise;
    - rolling: 1 to 36600 days (mostly under 400);
    - named: one to six disjoint, possibly adjacent, possibly single-day periods ``term_1``,
      ``term_2``… starting in ``min_value``…``max_value``.
    """
    _check_bounds(min_value, max_value)
    chosen: list[st.SearchStrategy[CalendarPeriod | RollingPeriod | NamedPeriods]] = []
    if "calendar" in kinds:
        chosen.append(_calendar_periods(min_value, max_value))
    if "rolling" in kinds:
        days = st.one_of(st.integers(1, 400), st.integers(1, 36600))
        chosen.append(days.map(lambda n: RollingPeriod(kind="rolling", days=n)))
    if "named" in kinds:
        chosen.append(_named_periods(min_value, max_value))
    if not chosen:
        raise ValueError("kinds must name at least one of calendar, rolling, named")
    return st.one_of(chosen)


# --------------------------------------------------------------------------- RRULEs


def _ordinal_days(draw: st.DrawFn) -> str:
    ordinals = st.sampled_from([1, 2, 3, 4, -1, -2, -3, -4])
    picks = draw(
        st.lists(st.tuples(ordinals, st.sampled_from(_DAY_CODES)), min_size=1, max_size=2,
                 unique=True)
    )  # fmt: skip
    return ",".join(f"{n}{code}" for n, code in picks)


def _plain_days(draw: st.DrawFn, min_size: int = 1) -> str:
    picks = draw(st.lists(st.sampled_from(_DAY_CODES), min_size=min_size, max_size=7, unique=True))
    return ",".join(sorted(picks, key=_DAY_CODES.index))


def _month_days(draw: st.DrawFn) -> str:
    days = st.one_of(st.integers(1, 28), st.integers(-28, -1))
    return ",".join(str(d) for d in draw(st.lists(days, min_size=1, max_size=2, unique=True)))


def _months(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["quarter_ends", "one", "some"]))
    if shape == "quarter_ends":
        start = draw(st.integers(1, 3))
        return ",".join(str(m) for m in range(start, 13, 3))
    size = 1 if shape == "one" else draw(st.integers(2, 6))
    picked = draw(st.lists(st.integers(1, 12), min_size=size, max_size=size, unique=True))
    return ",".join(str(m) for m in sorted(picked))


def _setpos(draw: st.DrawFn) -> str:
    values = st.sampled_from([1, 2, 3, 4, -1, -2, -3, -4])
    return ",".join(str(v) for v in draw(st.lists(values, min_size=1, max_size=2, unique=True)))


@st.composite
def _slot_rrules(draw: st.DrawFn, freqs: Sequence[Freq]) -> str:
    freq = draw(st.sampled_from(freqs))
    parts: dict[str, str] = {"FREQ": freq}
    interval = draw(st.one_of(st.just(1), st.integers(2, 6)))
    if freq == "MONTHLY":
        shape = draw(st.sampled_from(["ordinal", "setpos", "monthday", "anchor_day"]))
        # BYMONTH with INTERVAL > 1 can select months the cycle never visits (no dates at all)
        if shape != "anchor_day" and interval == 1 and draw(st.booleans()):
            parts["BYMONTH"] = _months(draw)
        if shape == "ordinal":
            parts["BYDAY"] = _ordinal_days(draw)
        elif shape == "setpos":
            parts["BYDAY"] = _plain_days(draw)
            parts["BYSETPOS"] = _setpos(draw)
        elif shape == "monthday":
            parts["BYMONTHDAY"] = _month_days(draw)
    elif freq == "YEARLY":
        shape = draw(st.sampled_from(["ordinal", "setpos", "monthday", "anchor_day"]))
        if shape != "anchor_day":
            parts["BYMONTH"] = _months(draw)
        if shape == "ordinal":
            parts["BYDAY"] = _ordinal_days(draw)
        elif shape == "setpos":
            parts["BYDAY"] = _plain_days(draw)
            parts["BYSETPOS"] = _setpos(draw)
        elif shape == "monthday":
            parts["BYMONTHDAY"] = _month_days(draw)
    elif freq == "WEEKLY":
        if draw(st.booleans()):
            parts["BYDAY"] = _plain_days(draw)
        interval = draw(st.one_of(st.just(1), st.integers(2, 4)))
        if interval > 1 and draw(st.booleans()):
            parts["WKST"] = draw(st.sampled_from(_DAY_CODES))
    else:  # DAILY
        if draw(st.booleans()):
            parts["BYDAY"] = _plain_days(draw)
        if draw(st.booleans()):
            parts["BYMONTH"] = _months(draw)
        # not a multiple of 7: with BYDAY=WE and INTERVAL=7 most anchors would yield nothing
        interval = draw(st.one_of(st.just(1), st.sampled_from([2, 3, 4, 5, 6, 8, 9, 10])))
    if interval > 1:
        parts["INTERVAL"] = str(interval)
    order = ["FREQ", "INTERVAL", "WKST", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS"]
    return ";".join(f"{key}={parts[key]}" for key in order if key in parts)


def slot_rrules(
    *, freqs: Collection[Freq] = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
) -> st.SearchStrategy[str]:
    """RRULE text (no ``RRULE:`` prefix, no DTSTART) of the shapes slot rules take.

    Every rule passes the policy's RFC 5545 checks and yields a date within a few years of any
    start, e.g. ``FREQ=MONTHLY;BYDAY=-1TH`` (last Thursday), ``FREQ=MONTHLY;BYMONTH=3,6,9,12;
    BYDAY=1FR``, ``FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1`` (last weekday),
    ``FREQ=MONTHLY;BYMONTHDAY=-1``, ``FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH``,
    ``FREQ=YEARLY;INTERVAL=2;BYMONTH=6;BYDAY=2FR``, ``FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR``, and
    rules whose day comes from the anchor (``FREQ=MONTHLY``, ``FREQ=YEARLY``, ``FREQ=WEEKLY``).
    """
    chosen = [f for f in _FREQS if f in freqs]
    if not chosen:
        raise ValueError("freqs must name at least one of YEARLY, MONTHLY, WEEKLY, DAILY")
    return _slot_rrules(chosen)


def _clock_times(draw: st.DrawFn) -> tuple[time, time]:
    minutes = st.integers(0, 24 * 60 - 1)
    first, second = sorted(
        draw(st.lists(minutes, min_size=2, max_size=2, unique=True))
    )  # fmt: skip
    return time(first // 60, first % 60), time(second // 60, second % 60)


def _slot_rules(
    draw: st.DrawFn,
    policy: Policy | None,
    rrules: st.SearchStrategy[str],
    min_anchor: date,
    max_anchor: date,
    on_non_working_day: st.SearchStrategy[NonWorkingDay],
    bounded: bool,
) -> SlotRule:
    text = draw(rrules)
    seed = draw(dates(min_anchor, max_anchor))
    # first_date refuses a rule that never yields after one cycle of it, not a search to 9999
    first = first_date(text, seed)
    assume(first is not None)  # only when the rule has no date left before 31 December 9999
    assert first is not None
    anchor = first
    if bounded and "COUNT" not in text and "UNTIL" not in text:
        limit = draw(st.sampled_from(["none", "none", "none", "count", "until"]))
        if limit == "count":
            text += f";COUNT={draw(st.integers(1, 60))}"
        elif limit == "until":
            until = _plus(anchor, draw(st.integers(0, 20 * 366)))
            text += f";UNTIL={until.year:04d}{until.month:02d}{until.day:02d}"  # %Y: no zeros
    part_of_day: str | None = None
    start_time: time | None = None
    end_time: time | None = None
    timing = draw(st.sampled_from(["none", "part_of_day", "clock"]))
    if timing == "part_of_day" and policy is not None and policy.parts_of_day:
        part_of_day = draw(st.sampled_from([p.id for p in policy.parts_of_day]))
    elif timing == "clock":
        start_time, end_time = _clock_times(draw)
    groups = [g.id for g in policy.groups] if policy is not None and policy.groups else []
    taken = (
        {item.id for item in (*policy.rules, *policy.scopes, *policy.guidance)} if policy else set()
    )
    clauses = policy.source.clause_ids() if policy is not None else ["1"]
    return SlotRule(
        kind="slot",
        id=draw(_IDS.filter(lambda rule_id: rule_id not in taken)),
        clause=draw(st.sampled_from(clauses)),
        label=Label(zh="固定談心時間", en="fixed talk slot"),
        level=draw(st.sampled_from(_LEVELS)),
        rrule=text,
        anchor=anchor,
        part_of_day=part_of_day,
        start_time=start_time,
        end_time=end_time,
        talkers=draw(st.sampled_from(groups)) if groups else "talkers",
        counterparts=draw(st.sampled_from(groups)) if groups else "counterparts",
        relation=draw(st.lists(st.sampled_from(_RELATIONS), max_size=2, unique=True)),
        owed_by=draw(st.sampled_from(["each_talker", "any_talker"])),
        at_least=draw(st.integers(1, 3)),
        on_non_working_day=draw(on_non_working_day),
        untimed_talks=draw(st.sampled_from(["count", "ignore"])),
    )


def slot_rules(
    policy: Policy | None = None,
    *,
    rrules: st.SearchStrategy[str] | None = None,
    min_anchor: date = date(1990, 1, 1),
    max_anchor: date = date(2060, 12, 31),
    on_non_working_day: NonWorkingDay | None = None,
    bounded: bool = True,
) -> st.SearchStrategy[SlotRule]:
    """Valid :class:`~tanxin_rules.SlotRule` models.

    The RRULE comes from ``rrules`` (default :func:`slot_rrules`). The anchor is the first date
    the rule yields on or after a date drawn from ``min_anchor``…``max_anchor``, computed with
    python-dateutil, so the rule's own validation (the anchor must be a date the rule yields)
    always passes; the anchor may therefore lie a little after ``max_anchor``. A rule of your
    own from ``rrules`` must yield a date within a few years of any start, or the search for
    its anchor runs to the year 9999.

    With a ``policy``, the clause, ``talkers``/``counterparts`` groups and ``part_of_day`` are
    drawn from it and the id is none of its items' ids, so the rule can be added to that
    policy; without one they are placeholders and clock times, when present, are
    ``start_time``/``end_time``. ``on_non_working_day`` fixes that field (default: any of
    keep, skip, previous, next). With ``bounded`` (the default) about one rule in five ends
    with ``COUNT=`` or ``UNTIL=``.
    """
    _check_bounds(min_anchor, max_anchor)
    choice: st.SearchStrategy[NonWorkingDay] = (
        st.sampled_from(_NON_WORKING) if on_non_working_day is None else st.just(on_non_working_day)
    )
    text = rrules or slot_rrules()
    return _closed(
        "slot_rules",
        lambda draw: _slot_rules(draw, policy, text, min_anchor, max_anchor, choice, bounded),
    )


# --------------------------------------------------------------------------- holidays


@st.composite
def _holiday_calendars(
    draw: st.DrawFn,
    min_value: date,
    max_value: date,
    min_days: int,
    max_days: int,
    weekend: Sequence[Weekday] | None,
    outside_range: st.SearchStrategy[Literal["error", "weekends_only"]],
) -> HolidayCalendar:
    latest_start = _plus(max_value, -min_days)
    valid_from = draw(dates(min_value, latest_start))
    room = (max_value - valid_from).days
    span = draw(st.integers(min(min_days, room), min(max_days, room)))
    valid_to = valid_from + timedelta(days=span)
    if weekend is None:
        days = st.lists(st.sampled_from(_WEEKDAYS), max_size=3, unique=True)
        chosen: list[Weekday] = draw(st.one_of(st.just(list(_SAT_SUN)), days))
        weekend = sorted(chosen, key=_WEEKDAYS.index)
    weekend_numbers = {_WEEKDAYS.index(day) for day in weekend}
    blocks = draw(
        st.lists(st.tuples(st.integers(0, span), st.integers(1, 8)), max_size=span // 30 + 1)
    )
    holidays: list[HolidayEntry] = []
    holiday_days: set[date] = set()
    for offset, length in sorted(blocks):
        first = valid_from + timedelta(days=offset)
        last = min(_plus(first, length - 1), valid_to)
        name = draw(st.sampled_from(_HOLIDAY_NAMES))
        if first == last:
            holidays.append(HolidayEntry(date=first, name=name))
        else:
            holidays.append(HolidayEntry.model_validate({"from": first, "to": last, "name": name}))
        holiday_days.update(first + timedelta(days=i) for i in range((last - first).days + 1))
    workdays: list[HolidayEntry] = []
    taken: set[date] = set()
    for entry in holidays:
        begin = entry.date or entry.from_
        finish = entry.date or entry.to
        assert begin is not None
        assert finish is not None
        near = [_plus(begin, -i) for i in range(1, 8)] + [_plus(finish, i) for i in range(1, 8)]
        candidates = [
            day
            for day in near
            if valid_from <= day <= valid_to
            and day.weekday() in weekend_numbers
            and day not in holiday_days
            and day not in taken
        ]
        wanted = draw(st.booleans())
        if candidates and wanted:
            day = draw(st.sampled_from(candidates))
            taken.add(day)
            workdays.append(HolidayEntry(date=day, name=f"{entry.name}調休"))
    return HolidayCalendar(
        name="generated",
        valid_from=valid_from,
        valid_to=valid_to,
        weekend=list(weekend),
        holidays=holidays,
        workdays=sorted(workdays, key=lambda e: e.date or _MIN_DATE),
        outside_range=draw(outside_range),
    )


def holiday_calendars(
    min_value: date = date(1990, 1, 1),
    max_value: date = date(2060, 12, 31),
    *,
    min_days: int = 0,
    max_days: int = 3 * 366,
    weekend: Sequence[Weekday] | None = None,
    outside_range: Literal["error", "weekends_only"] | None = None,
) -> st.SearchStrategy[HolidayCalendar]:
    """Valid :class:`~tanxin_rules._calendar.HolidayCalendar` objects.

    The valid range lies in ``min_value``…``max_value`` and spans ``min_days`` to ``max_days``
    days (fewer if the bounds leave less room). Holidays come in blocks of one to eight days
    (at most about one block a month, blocks may touch or overlap); some blocks have a
    make-up working day (调休) on a weekend day within a week of them, never on a holiday.
    ``weekend`` fixes the weekend days (default: Saturday and Sunday, or any zero to three
    days); ``outside_range`` fixes the calendar's answer outside its range (default: either).
    """
    _check_bounds(min_value, max_value)
    if not 0 <= min_days <= max_days:
        raise ValueError("need 0 <= min_days <= max_days")
    choice: st.SearchStrategy[Literal["error", "weekends_only"]] = (
        st.sampled_from(["error", "weekends_only"]) if outside_range is None
        else st.just(outside_range)
    )  # fmt: skip
    return _holiday_calendars(min_value, max_value, min_days, max_days, weekend, choice)


# --------------------------------------------------------------------------- roster, history


def _optional(strategy: st.SearchStrategy[_T]) -> st.SearchStrategy[_T | None]:
    return st.one_of(st.none(), strategy)


def _day(draw: st.DrawFn, low: date, high: date) -> date:
    """A day in ``low``…``high``, drawn cheaply (no new date strategy per call)."""
    return low + timedelta(days=draw(st.integers(0, (high - low).days)))


def _maybe_day(draw: st.DrawFn, low: date, high: date) -> date | None:
    return _day(draw, low, high) if draw(st.booleans()) else None


_NAMES = st.tuples(
    st.sampled_from(_SURNAMES), st.text(alphabet=_GIVEN, min_size=1, max_size=2)
).map("".join)


def _rosters(
    draw: st.DrawFn,
    policy: Policy,
    min_people: int,
    max_people: int,
    max_units: int,
    max_branches: int,
    min_date: date,
    max_date: date,
) -> Roster:
    units = [
        Unit(id=f"unit_{i + 1}", name=f"科室{i + 1}",
             kind=draw(st.sampled_from(["department", "section", "leadership"])))
        for i in range(draw(st.integers(0, max_units)))
    ]  # fmt: skip
    branches = [
        Branch(id=f"branch_{i + 1}", name=f"第{i + 1}支部")
        for i in range(draw(st.integers(0, max_branches)))
    ]
    unit_ids = [u.id for u in units]
    branch_ids = [b.id for b in branches]
    role_lists = st.lists(st.sampled_from([r.id for r in policy.roles]), max_size=3, unique=True)
    no_text: st.SearchStrategy[str | None] = st.none()
    unit_choice = _optional(st.sampled_from(unit_ids)) if unit_ids else no_text
    branch_choice = _optional(st.sampled_from(branch_ids)) if branch_ids else no_text
    overseen = st.lists(st.sampled_from(unit_ids), min_size=1, max_size=3, unique=True)
    # One roster in three holds several institutions (a health bureau's); the rest, one.
    organisation = st.sampled_from(_ORGANISATIONS) if draw(st.integers(0, 2)) == 0 else no_text
    people: list[Person] = []
    for i in range(draw(st.integers(min_people, max_people))):
        roles: list[RoleHolding] = []
        for role in draw(role_lists):
            since = _maybe_day(draw, min_date, max_date)
            until = _maybe_day(draw, since or min_date, max_date)
            roles.append(RoleHolding(role=role, since=since, until=until))
        born = _maybe_day(draw, min_date, max_date)
        hired = _maybe_day(draw, born or min_date, max_date)
        appointed = _maybe_day(draw, hired or born or min_date, max_date)
        left = _maybe_day(draw, hired or min_date, max_date)
        member = draw(st.booleans())
        joined = _maybe_day(draw, born or min_date, max_date) if member else None
        people.append(
            Person(
                id=f"p{i + 1}",
                name=draw(_NAMES),
                roles=roles,
                unit=draw(unit_choice),
                branch=draw(branch_choice) if member else None,
                organisation=draw(organisation),
                oversees=draw(overseen) if unit_ids and draw(st.integers(0, 2)) == 0 else [],
                party_member=member,
                party_joined=joined,
                hired=hired,
                born=born,
                appointed=appointed,
                left=left,
            )
        )
    return Roster(units=units, branches=branches, people=people)


def rosters(
    policy: Policy,
    *,
    min_people: int = 1,
    max_people: int = 12,
    max_units: int = 4,
    max_branches: int = 3,
    min_date: date = date(1950, 1, 1),
    max_date: date = date(2035, 12, 31),
) -> st.SearchStrategy[Roster]:
    """Valid :class:`~tanxin_rules.Roster` objects for ``policy``.

    Units ``unit_1``…, Party branches ``branch_1``… and ``min_people`` to ``max_people``
    people ``p1``… Each person holds zero to three of the policy's roles, each with optional
    ``since``/``until`` dates (in order), may belong to a unit, oversee units, and be a Party
    member (then possibly of a branch, with a ``party_joined`` date); ``born``, ``hired``,
    ``appointed`` and ``left`` are optional and in a plausible order. All dates lie in
    ``min_date``…``max_date``. One roster in three holds several institutions: each person's
    ``organisation`` is ``org_1``, ``org_2`` or none (the roster's own), so that
    ``same_organisation`` both holds and fails.
    """
    _check_bounds(min_date, max_date)
    if not 0 <= min_people <= max_people:
        raise ValueError("need 0 <= min_people <= max_people")
    return _closed(
        "rosters",
        lambda draw: _rosters(
            draw, policy, min_people, max_people, max_units, max_branches, min_date, max_date
        ),
    )


def _histories(
    draw: st.DrawFn,
    roster: Roster,
    policy: Policy,
    start: date,
    end: date,
    max_talks: int,
    max_events: int,
    max_meetings: int,
) -> History:
    # Distinct ids, in roster order: a roster may list one id twice (the engine reports it),
    # and drawing participants from the copies would ask for more distinct people than exist.
    people = list(dict.fromkeys(p.id for p in roster.people))
    on = dates(start, end)
    meetings: list[Meeting] = []
    if policy.meeting_kinds:
        kinds = [k.id for k in policy.meeting_kinds]
        for i in range(draw(st.integers(0, max_meetings))):
            meetings.append(
                Meeting(
                    id=f"m{i + 1}" if draw(st.booleans()) else None,
                    kind=draw(st.sampled_from(kinds)),
                    date=draw(on),
                )
            )
    events: list[Event] = []
    if policy.event_kinds and people:
        for i in range(draw(st.integers(0, max_events))):
            kind = draw(st.sampled_from(policy.event_kinds))
            person = draw(st.sampled_from(people))
            day = draw(on)
            others = [p for p in people if p != person]
            counterpart = agreed = None
            if kind.has_counterpart and others and draw(st.booleans()):
                counterpart = draw(st.sampled_from(others))
                agreed = _maybe_day(draw, day, _plus(day, 30))
            events.append(
                Event(id=f"e{i + 1}", kind=kind.id, person=person, date=day,
                      counterpart=counterpart, agreed_date=agreed)
            )  # fmt: skip
    talks: list[Talk] = []
    if len(people) >= 2:
        topics = [t.id for t in policy.topics]
        drafts = sorted(draw(st.lists(on, max_size=max_talks)))
        for i, day in enumerate(drafts):
            collective = len(people) >= 3 and draw(st.integers(0, 4)) == 0
            size = draw(st.integers(3, min(len(people), 8))) if collective else 2
            participants = draw(
                st.lists(st.sampled_from(people), min_size=size, max_size=size, unique=True)
            )
            talk_id = f"t{i + 1}"
            requests = [
                ReplyRequest(
                    id=f"{talk_id}-r{j + 1}",
                    matter="書面回覆事項",
                    requested_by=draw(st.sampled_from(participants)),
                    replied_on=_maybe_day(draw, day, _plus(day, 60)),
                )
                for j in range(draw(st.integers(0, 2)) if draw(st.booleans()) else 0)
            ]
            minute = draw(st.integers(7 * 60, 21 * 60))
            talks.append(
                Talk(
                    id=talk_id,
                    date=day,
                    time=time(minute // 60, minute % 60) if draw(st.booleans()) else None,
                    participants=participants,
                    mode="collective" if collective else "individual",
                    initiator=draw(_optional(st.sampled_from(participants))),
                    topics=(
                        draw(st.lists(st.sampled_from(topics), max_size=2, unique=True))
                        if topics
                        else []
                    ),
                    answers_event=(
                        draw(_optional(st.sampled_from([e.id for e in events]))) if events else None
                    ),
                    reason="特殊情況" if collective and draw(st.booleans()) else None,
                    reply_requests=requests,
                )
            )
    return History(talks=talks, events=events, meetings=meetings)


def histories(
    roster: Roster,
    policy: Policy,
    start: date,
    end: date,
    *,
    max_talks: int = 20,
    max_events: int = 6,
    max_meetings: int = 3,
) -> st.SearchStrategy[History]:
    """Valid :class:`~tanxin_rules.History` objects between ``roster``'s people.

    Talks (``t1``… in date order), events (``e1``…) and meetings fall in ``start``…``end``.
    A talk has two participants, or three to eight for a collective talk (sometimes with a
    ``reason``), an optional initiator among them, a clock time on about half, topics from the
    policy, sometimes an event it answers and reply requests (``replied_on`` on or after the
    talk, or not yet). Events are of the policy's event kinds; a kind that has a counterpart
    sometimes names another person and an agreed date. Meetings are of the policy's meeting
    kinds. People are drawn from the roster's distinct ids (an id listed twice is one person);
    a roster of fewer than two distinct people gets no talks.
    """
    _check_bounds(start, end)
    return _closed(
        "histories",
        lambda draw: _histories(
            draw, roster, policy, start, end, max_talks, max_events, max_meetings
        ),
    )
