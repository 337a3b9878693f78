"""The schedule as an iCalendar (RFC 5545) file, written with the ``icalendar`` package.

What is written, for a range ``start``…``end``:

- each slot rule whose slots in the range number two or more becomes one recurring VEVENT:
  DTSTART/DTEND at the first slot held on its RRULE date (``TZID`` = the policy's timezone
  when the rule has clock times, else all-day dates), the rule's RRULE with the parts
  python-dateutil would derive from the anchor written out, and ``UNTIL`` at the last such
  slot (UTC for timed events, a date for all-day ones, as RFC 5545 requires);
- where a non-working day moved or skipped an occurrence, that date is an ``EXDATE`` of the
  series, and each moved slot is a single VEVENT on the day it is held;
- before writing a series, its expansion is checked against the slots it stands for; any
  rule whose series would not reproduce them exactly is written as single events instead;
- each meeting window is an all-day VEVENT (``DTEND`` is the day after the last day:
  exclusive, per RFC 5545), marked ``TRANSP:TRANSPARENT`` (a window is not busy time);
- a VTIMEZONE for the policy's timezone covering the range, PRODID, VERSION:2.0 and, on every
  event, a UID derived from the policy id, the rule id and a date, and a DTSTAMP fixed at
  00:00 UTC of ``start``, so that the same inputs give the same bytes (CRLF line endings,
  folded lines: the library's).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule as _rr
from icalendar import Calendar, Event, vRecur

from ._calendar import HolidayCalendar, slot_times, slots
from ._errors import CalendarError
from ._inputs import Meeting
from ._policy import Policy, SlotRule
from ._rrule import explicit_rrule
from ._schedule import ScheduleItem, schedule

__all__ = ["PRODID", "schedule_ics"]

PRODID = "-//tanxin-rules//schedule//EN"
_TZ_FIRST = date(1, 1, 2)
_TZ_LAST = date(9998, 12, 31)


def schedule_ics(
    policy: Policy,
    start: date,
    end: date,
    *,
    meetings: Iterable[Meeting] = (),
    holidays: HolidayCalendar | None = None,
    items: Sequence[ScheduleItem] | None = None,
) -> bytes:
    """The schedule of ``start``…``end`` as iCalendar bytes (see the module doc).

    ``items`` may pass an already computed :func:`schedule` of the same arguments.
    """
    if items is None:
        items = schedule(policy, start, end, meetings=meetings, holidays=holidays)
    stamp = datetime(start.year, start.month, start.day, tzinfo=UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{policy.label.zh} ({policy.id})")
    cal.add("x-wr-timezone", policy.timezone)
    tz = ZoneInfo(policy.timezone)
    for rule in policy.rules:
        mine = [item for item in items if item.rule == rule.id]
        if not mine:
            continue
        if isinstance(rule, SlotRule):
            events = _slot_events(policy, rule, mine, start, end, tz)
        else:
            events = [_single(policy, item, window=True) for item in mine]
        for event in events:
            event.add("dtstamp", stamp)
            cal.add_component(event)
    # icalendar steps past its last date while searching for offset changes: keep clear of
    # the ends of Python's dates (the zone rules of year 9998 then stand for year 9999).
    first = max(start, _TZ_FIRST + timedelta(days=1)) - timedelta(days=1)
    last = min(end, _TZ_LAST - timedelta(days=1)) + timedelta(days=1)
    try:
        cal.add_missing_timezones(first_date=min(first, last), last_date=last)
    except OverflowError:  # pragma: no cover - guarded by the bounds above
        raise CalendarError(
            f"cannot write the {policy.timezone} timezone for {start}–{end}"
        ) from None
    data: bytes = cal.to_ical()
    return data


def _uid(policy: Policy, rule: str, what: str) -> str:
    return f"{policy.id}.{rule}.{what}@tanxin-rules"


def _slot_events(
    policy: Policy,
    rule: SlotRule,
    held: list[ScheduleItem],
    start: date,
    end: date,
    tz: ZoneInfo,
) -> list[Event]:
    """One series with EXDATEs plus singles for moved slots, or singles only."""
    # the RRULE's dates, none moved, none left out (a slot outside ``within`` is an EXDATE)
    plain = rule.model_copy(update={"within": None}) if rule.within is not None else rule
    raw = [s.day for s in slots(policy, plain, start, end)]
    on_rule = {item.day for item in held if item.moved_from is None}
    kept = [day for day in raw if day in on_rule]
    series = _series(policy, rule, raw, kept, tz) if len(kept) >= 2 else None
    if series is None:
        return [_single(policy, item) for item in held]
    singles = [_single(policy, item) for item in held if item.moved_from is not None]
    return [series, *singles]


def _series(
    policy: Policy, rule: SlotRule, raw: list[date], kept: list[date], tz: ZoneInfo
) -> Event | None:
    first, last = kept[0], kept[-1]
    covered = raw[raw.index(first) : raw.index(last) + 1]
    parts = [
        part
        for part in explicit_rrule(rule.rrule, rule.anchor).split(";")
        if not part.startswith(("COUNT=", "UNTIL="))
    ]
    body = ";".join(parts)
    expanded = _rr.rrulestr(
        f"{body};UNTIL={last:%Y%m%d}", dtstart=datetime(first.year, first.month, first.day)
    )
    if [d.date() for d in expanded] != covered:  # pragma: no cover - safety net, see doc
        return None
    bounds = slot_times(policy, rule)
    on_rule = set(kept)
    gaps = [day for day in covered if day not in on_rule]
    event = Event()
    event.add("uid", _uid(policy, rule.id, f"from-{first:%Y%m%d}"))
    event.add("summary", f"{rule.clause} {rule.label.zh}")
    event.add("description", _description(f"{rule.clause} {rule.label.en}", rule.id, rule.level))
    if bounds is None:
        event.add("dtstart", first)
        event.add("dtend", _next_day(first))
        until = f"{last:%Y%m%d}"
        excluded: list[date | datetime] = list(gaps)
    else:
        begin = datetime.combine(first, bounds[0], tzinfo=tz)
        event.add("dtstart", begin)
        event.add("dtend", datetime.combine(first, bounds[1], tzinfo=tz))
        utc_until = datetime.combine(last, bounds[0], tzinfo=tz).astimezone(UTC)
        until = f"{utc_until:%Y%m%dT%H%M%SZ}"
        excluded = [datetime.combine(day, bounds[0], tzinfo=tz) for day in gaps]
    event.add("rrule", vRecur.from_ical(f"{body};UNTIL={until}"))
    if excluded:
        event.add("exdate", excluded)
    return event


def _single(policy: Policy, item: ScheduleItem, *, window: bool = False) -> Event:
    event = Event()
    what = f"meeting-{item.meeting:%Y%m%d}" if window and item.meeting else f"{item.day:%Y%m%d}"
    event.add("uid", _uid(policy, item.rule, what))
    event.add("summary", item.label.zh)
    event.add("description", _description(item.label.en, item.rule, item.level))
    if isinstance(item.start, datetime):
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
    else:
        event.add("dtstart", item.start)
        event.add("dtend", _next_day(item.last_day))
    if window:
        event.add("transp", "TRANSPARENT")
    return event


def _description(text: str, rule: str, level: str) -> str:
    return f"{text}\nrule: {rule} ({level})"


def _next_day(day: date) -> date:
    try:
        return day + timedelta(days=1)
    except OverflowError:
        raise CalendarError(
            f"an all-day event on {day} cannot be written: its exclusive end is past 9999-12-31"
        ) from None
