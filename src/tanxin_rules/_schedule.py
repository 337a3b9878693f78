"""The schedule: every slot and every meeting window of a policy in a date range.

:func:`schedule` lists, sorted by start and rule,

- each slot of each slot rule held in the range (after the rule's ``on_non_working_day``
  adjustment against the supplied holiday calendar; a skipped slot is not listed, a moved one
  says where it came from), with clock times in the policy's timezone when the rule has them;
- each window of each window rule, around each supplied meeting of the rule's meeting kind,
  that overlaps the range (listed whole, not clipped to the range).

Per-person anchor windows are not listed: whom they concern depends on the roster and the
rule's groups, which the engine resolves. The text and JSON renderings live here; the
iCalendar one in :mod:`tanxin_rules._ics`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any, Literal

from ._calendar import HolidayCalendar, Slot, meeting_window, slots
from ._errors import CalendarError
from ._inputs import Meeting
from ._policy import Policy, SlotRule, WindowRule
from ._types import IsoDate, Label, Model

__all__ = ["ScheduleItem", "format_json", "format_table", "schedule"]


class ScheduleItem(Model):
    """One slot or window: when it starts and ends, which rule and clause, and a label."""

    rule: str
    """The rule's id."""
    clause: str
    """The clause of the source the rule encodes."""
    kind: Literal["slot", "window"]
    level: Literal["must", "should", "may"]
    start: datetime | date
    """A date for whole days; an aware datetime in the policy's timezone when clock times are
    known (a slot with a part of day or start and end times)."""
    end: datetime | date
    """Inclusive last day for whole days (a one-day slot has ``start == end``); the end time
    (exclusive) for a timed slot."""
    label: Label
    """Human label: the clause and the rule's label, and why the slot was moved."""
    moved_from: IsoDate | None = None
    """The day the RRULE gave, when a non-working day moved the slot."""
    meeting: IsoDate | None = None
    """For a window: the date of the meeting it belongs to."""
    meeting_id: str | None = None
    """For a window: the meeting's id, when the input gives one."""

    @property
    def day(self) -> date:
        """The first day of the item."""
        return self.start.date() if isinstance(self.start, datetime) else self.start

    @property
    def last_day(self) -> date:
        """The last day of the item (inclusive)."""
        return self.end.date() if isinstance(self.end, datetime) else self.end


def schedule(
    policy: Policy,
    start: date,
    end: date,
    *,
    meetings: Iterable[Meeting] = (),
    holidays: HolidayCalendar | None = None,
) -> list[ScheduleItem]:
    """Every slot held and every meeting window overlapping ``start``…``end`` (inclusive).

    Without ``holidays`` no day is non-working, so no slot moves (a window counted in working
    days then counts Monday to Friday, as the engine does). Raises
    :class:`CalendarError` when ``end`` is before ``start`` or when the holiday calendar cannot
    answer for a day in the range (see :meth:`HolidayCalendar.is_working_day`).
    """
    if end < start:
        raise CalendarError(f"the range ends ({end}) before it starts ({start})")
    meeting_list = list(meetings)
    items: list[ScheduleItem] = []
    for rule in policy.rules:
        if isinstance(rule, SlotRule):
            items.extend(
                _slot_item(rule, slot, holidays)
                for slot in slots(policy, rule, start, end, holidays)
            )
        elif isinstance(rule, WindowRule):
            items.extend(_windows(policy, rule, meeting_list, start, end, holidays))
    items.sort(key=_order)
    return items


def _order(item: ScheduleItem) -> tuple[date, time, str, date]:
    clock = item.start.time() if isinstance(item.start, datetime) else time.min
    return item.day, clock, item.rule, item.last_day


def _slot_item(rule: SlotRule, slot: Slot, holidays: HolidayCalendar | None) -> ScheduleItem:
    zh = f"{rule.clause} {rule.label.zh}"
    en = f"{rule.clause} {rule.label.en}"
    moved_from = None
    if slot.moved:
        moved_from = slot.scheduled
        reason_zh = reason_en = holidays.holiday_name(slot.scheduled) if holidays else ""
        reason_zh = reason_zh or "非工作日"
        reason_en = reason_en or "non-working day"
        way = "提前" if slot.day < slot.scheduled else "順延"
        zh += f"（原定 {slot.scheduled}，{reason_zh}，{way}）"
        en += f" (moved from {slot.scheduled}: {reason_en})"
    return ScheduleItem(
        rule=rule.id,
        clause=rule.clause,
        kind="slot",
        level=rule.level,
        start=slot.start or slot.day,
        end=slot.end or slot.day,
        label=Label(zh=zh, en=en),
        moved_from=moved_from,
    )


def _windows(
    policy: Policy,
    rule: WindowRule,
    meetings: Sequence[Meeting],
    start: date,
    end: date,
    holidays: HolidayCalendar | None,
) -> list[ScheduleItem]:
    kind = next((k for k in policy.meeting_kinds if k.id == rule.meeting), None)
    kind_zh = kind.label.zh if kind else rule.meeting
    kind_en = kind.label.en if kind else rule.meeting
    out: list[ScheduleItem] = []
    seen: set[date] = set()
    for meeting in meetings:
        if meeting.kind != rule.meeting or meeting.date in seen:
            continue
        first, last = meeting_window(rule, meeting.date, holidays)
        if last < start or first > end:
            continue
        seen.add(meeting.date)
        out.append(
            ScheduleItem(
                rule=rule.id,
                clause=rule.clause,
                kind="window",
                level=rule.level,
                start=first,
                end=last,
                label=Label(
                    zh=f"{rule.clause} {rule.label.zh}（{kind_zh} {meeting.date}）",
                    en=f"{rule.clause} {rule.label.en} ({kind_en} on {meeting.date})",
                ),
                meeting=meeting.date,
                meeting_id=meeting.id,
            )
        )
    return out


# --------------------------------------------------------------------------- renderings


def _when(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def format_table(
    items: Sequence[ScheduleItem],
    policy: Policy,
    start: date,
    end: date,
    holidays: HolidayCalendar | None,
) -> str:
    """An aligned plain-text table, one item a line, with a summary line at the end."""
    header = ("start", "end", "kind", "rule", "clause", "moved from", "label")
    rows = [
        (
            _when(item.start),
            _when(item.end),
            item.kind,
            item.rule,
            item.clause,
            item.moved_from.isoformat() if item.moved_from else "",
            item.label.zh.removeprefix(f"{item.clause} "),
        )
        for item in items
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    slots_n = sum(item.kind == "slot" for item in items)
    calendar = f"holiday calendar: {holidays.name}" if holidays else "no holiday calendar"
    lines.append(
        f"{_count(len(items), 'item')} ({_count(slots_n, 'slot')}, "
        f"{_count(len(items) - slots_n, 'window')}) from {start} to {end}; "
        f"times in {policy.timezone}; {calendar}"
    )
    return "\n".join(lines) + "\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def format_json(
    items: Sequence[ScheduleItem],
    policy: Policy,
    start: date,
    end: date,
    holidays: HolidayCalendar | None,
) -> str:
    """The schedule as a JSON object: the query, then ``items`` (ISO 8601 dates and times)."""
    document: dict[str, Any] = {
        "policy": policy.id,
        "timezone": policy.timezone,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "holidays": holidays.name if holidays else None,
        "items": [item.model_dump(mode="json") for item in items],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
