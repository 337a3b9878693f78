"""Load-time checks of RFC 5545 recurrence rules (RRULE) used by slot rules.

python-dateutil accepts many rules that RFC 5545 forbids, and silently reads some common
mistakes in a way nobody meant. A policy is checked here before any date is computed:

- the grammar: known parts only, each once, values in range, FREQ present, COUNT xor UNTIL;
- RFC 5545's restrictions: an ordinal BYDAY (``-1TH``) only with MONTHLY or YEARLY (and not
  YEARLY with BYWEEKNO); BYMONTHDAY not with WEEKLY; BYYEARDAY not with DAILY, WEEKLY or
  MONTHLY; BYWEEKNO only with YEARLY; BYSETPOS only beside another BYxxx part;
- the classic silent mistakes: ``FREQ=WEEKLY;BYDAY=-1TH`` (dateutil: every Thursday),
  ``FREQ=YEARLY;BYDAY=1FR`` without BYMONTH (the first Friday of the *year*);
- slots are whole days: sub-daily frequencies and BYHOUR/BYMINUTE/BYSECOND are refused (clock
  times come from ``part_of_day`` or ``start_time``/``end_time``), and DTSTART belongs in the
  rule's ``anchor``, not in the RRULE text.

:func:`first_date` answers "which date does the rule yield first?" — the anchor check of a slot
rule — without dateutil's search to the year 9999 when the answer is "none".
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime

from dateutil import rrule as _rr

__all__ = ["explicit_rrule", "first_date", "parse_rrule", "rrule_problems"]

_FREQS = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}
_SUBDAILY = {"HOURLY", "MINUTELY", "SECONDLY"}
_DAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
_BYDAY = re.compile(r"([+-]?)([0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_INT_LIST = re.compile(r"[+-]?[0-9]{1,3}(,[+-]?[0-9]{1,3})*")
_RANGES = {
    "BYMONTH": (1, 12, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYSETPOS": (1, 366, True),
}
_KNOWN = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST", *_RANGES}
_TIME_PARTS = {"BYHOUR", "BYMINUTE", "BYSECOND"}


def _split(text: str) -> tuple[dict[str, str], list[str]]:
    parts: dict[str, str] = {}
    problems: list[str] = []
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body:
        return parts, ["the RRULE is empty"]
    for chunk in body.split(";"):
        key, sep, value = chunk.partition("=")
        key = key.strip().upper()
        if not sep or not value:
            problems.append(f"RRULE part {chunk!r} is not NAME=VALUE")
            continue
        if key in parts:
            problems.append(f"RRULE part {key} is given twice")
        parts[key] = value.strip().upper()
    return parts, problems


def rrule_problems(text: str) -> list[str]:
    """Every way ``text`` is not an RFC 5545 whole-day RRULE meaning what it seems to mean."""
    parts, problems = _split(text)
    if problems:
        return problems
    for key in parts:
        if key == "DTSTART":
            problems.append("DTSTART does not belong in the RRULE; give it as the rule's anchor")
        elif key in _TIME_PARTS:
            problems.append(f"{key} is not allowed: slots are whole days; give clock times as "
                            "part_of_day or start_time/end_time")  # fmt: skip
        elif key not in _KNOWN:
            problems.append(f"unknown RRULE part {key}")
    freq = parts.get("FREQ")
    if freq is None:
        problems.append("FREQ is required")
    elif freq in _SUBDAILY:
        problems.append(f"FREQ={freq} is finer than a day; slots are whole days")
    elif freq not in _FREQS:
        problems.append(f"unknown FREQ={freq}")
    if "COUNT" in parts and "UNTIL" in parts:
        problems.append("COUNT and UNTIL cannot both be given (RFC 5545)")
    if "INTERVAL" in parts and not (parts["INTERVAL"].isdigit() and int(parts["INTERVAL"]) >= 1):
        problems.append("INTERVAL must be a positive integer")
    if "COUNT" in parts and not (parts["COUNT"].isdigit() and int(parts["COUNT"]) >= 1):
        problems.append("COUNT must be a positive integer")
    if "UNTIL" in parts and not re.fullmatch(r"[0-9]{8}(T[0-9]{6}Z?)?", parts["UNTIL"]):
        problems.append("UNTIL must be a date YYYYMMDD (or a UTC date-time)")
    if "WKST" in parts and parts["WKST"] not in _DAYS:
        problems.append("WKST must be one of MO TU WE TH FR SA SU")
    for key, (low, high, signed) in _RANGES.items():
        if key not in parts:
            continue
        if not _INT_LIST.fullmatch(parts[key]):
            problems.append(f"{key} must be a comma-separated list of integers")
            continue
        for raw in parts[key].split(","):
            value = int(raw)
            if (value < 0 and not signed) or not low <= abs(value) <= high:
                span = f"{low}..{high}" + (f" or -{high}..-{low}" if signed else "")
                problems.append(f"{key} value {raw} is out of range ({span})")
    ordinal = False
    if "BYDAY" in parts:
        for raw in parts["BYDAY"].split(","):
            match = _BYDAY.fullmatch(raw.strip())
            if not match:
                problems.append(f"BYDAY value {raw!r} is not like MO, 1FR or -1TH")
                continue
            if match[2] is not None:
                n = int(match[2])
                if not 1 <= n <= 53:
                    problems.append(f"BYDAY ordinal in {raw!r} must be 1..53 or -53..-1")
                ordinal = True
    if freq is not None and freq in _FREQS:
        problems.extend(_restrictions(freq, parts, ordinal))
    if not problems:
        try:
            parse_rrule(text, date(2000, 1, 1))
        except (ValueError, TypeError) as exc:  # pragma: no cover - grammar checked above
            problems.append(f"python-dateutil rejects the RRULE: {exc}")
    return problems


def _restrictions(freq: str, parts: dict[str, str], ordinal: bool) -> list[str]:
    out: list[str] = []
    if ordinal and freq == "WEEKLY":
        out.append(
            "an ordinal BYDAY (like -1TH) needs FREQ=MONTHLY or YEARLY; with FREQ=WEEKLY "
            "python-dateutil ignores the ordinal and yields every such weekday"
        )
    elif ordinal and freq == "DAILY":
        out.append("an ordinal BYDAY (like -1TH) needs FREQ=MONTHLY or YEARLY (RFC 5545)")
    elif ordinal and freq == "YEARLY" and "BYWEEKNO" in parts:
        out.append("an ordinal BYDAY cannot be combined with BYWEEKNO (RFC 5545)")
    elif ordinal and freq == "YEARLY" and "BYMONTH" not in parts:
        out.append(
            "FREQ=YEARLY with an ordinal BYDAY and no BYMONTH counts weekdays in the whole "
            "year (1FR = the first Friday of January); add BYMONTH=… if a month was meant, or "
            "write BYMONTH=1 to say the year's first"
        )
    if "BYMONTHDAY" in parts and freq == "WEEKLY":
        out.append("BYMONTHDAY cannot be used with FREQ=WEEKLY (RFC 5545)")
    if "BYYEARDAY" in parts and freq in {"DAILY", "WEEKLY", "MONTHLY"}:
        out.append(f"BYYEARDAY cannot be used with FREQ={freq} (RFC 5545)")
    if "BYWEEKNO" in parts and freq != "YEARLY":
        out.append("BYWEEKNO is only valid with FREQ=YEARLY (RFC 5545)")
    if "BYSETPOS" in parts and not any(k.startswith("BY") and k != "BYSETPOS" for k in parts):
        out.append("BYSETPOS needs another BYxxx part to select from (RFC 5545)")
    return out


def parse_rrule(text: str, anchor: date) -> _rr.rrule:
    """The dateutil rule for ``text`` with DTSTART at midnight of ``anchor`` (naive, local)."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    rule = _rr.rrulestr(body, dtstart=datetime(anchor.year, anchor.month, anchor.day))
    assert isinstance(rule, _rr.rrule)
    return rule


def explicit_rrule(text: str, anchor: date) -> str:
    """The RRULE with the parts dateutil would derive from DTSTART (``anchor``) written out.

    dateutil fills in BYMONTHDAY (MONTHLY), BYMONTH and BYMONTHDAY (YEARLY) or BYDAY (WEEKLY)
    from DTSTART when no BYxxx part selects days; written out, the rule means the same from any
    other DTSTART. Upper-case, without an ``RRULE:`` prefix.
    """
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts = dict(chunk.split("=", 1) for chunk in body.upper().split(";"))
    if not {"BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY"} & parts.keys():
        freq = parts["FREQ"]
        if freq == "YEARLY":
            parts.setdefault("BYMONTH", str(anchor.month))
            parts["BYMONTHDAY"] = str(anchor.day)
        elif freq == "MONTHLY":
            parts["BYMONTHDAY"] = str(anchor.day)
        elif freq == "WEEKLY":
            parts["BYDAY"] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[anchor.weekday()]
    return ";".join(f"{k}={v}" for k, v in parts.items())


_PER_400_YEARS = {"YEARLY": 400, "MONTHLY": 4800, "WEEKLY": 20871, "DAILY": 146097}
"""Periods of each frequency in 400 Gregorian years (146097 days, a whole number of weeks)."""
_CALENDAR_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", *_RANGES}
"""The parts whose meaning repeats with the calendar (no BYEASTER, no clock, no DTSTART)."""
_LAST = date(9999, 12, 31).toordinal()


def first_date(text: str, anchor: date) -> date | None:
    """The first date on or after ``anchor`` that the rule yields with DTSTART ``anchor``.

    ``None`` when it yields none up to 9999-12-31. The answer is dateutil's,
    ``parse_rrule(text, anchor).after(anchor, inc=True)`` (its ``ValueError`` on reaching
    the year 10000 read as "none"), but a rule that never yields is found without dateutil's
    search to the year 9999 (``FREQ=DAILY;INTERVAL=7;BYDAY=WE`` from a Thursday of 2015:
    416 000 periods, half a second; a daily rule, 2.9 million and seconds), by searching one
    cycle of the rule instead (20 871 periods for that rule, at most 146 098 for any):

    *The rule repeats within 400 × INTERVAL years.* dateutil visits the periods
    ``P(k) = P(0) + k × INTERVAL`` (k ≥ 0; years, months, weeks starting on WKST, or days;
    ``P(0)`` holds DTSTART), builds each period's candidate days from the BYxxx parts
    (BYSETPOS picking positions among them) and yields those on or after DTSTART. Whether
    ``P(k)`` for k ≥ 1 yields a date depends only on the days it spans: their weekday, day of
    month, month, day of year, week number and the lengths of their months and years — what
    the parts allowed here test (BYEASTER and clock parts are not). The Gregorian calendar
    repeats every 400 years, 146097 days: a whole number ``L`` of periods of each frequency
    (400 years, 4800 months, 20871 weeks, 146097 days), and moving a period by ``L`` periods
    moves each of its days by 146097 days, which changes none of those features. So ``P(k)``
    yields iff ``P(k + N)`` does, for ``N = L / gcd(INTERVAL, L)`` (``N × INTERVAL`` is a
    multiple of ``L``).

    *The first period adds nothing.* ``P(0)`` yields at most what it would if whole (dateutil
    builds a first week from DTSTART on; BYSETPOS positions that exist among fewer candidates
    exist among more), and whole it is ``P(N)`` moved back. So the rule yields a date iff some
    ``P(k)``, 1 ≤ k ≤ N, does — iff some ``P(k)``, j ≤ k < j + N, does, for any j ≥ 1.

    *One cycle, searched by dateutil.* The same rule (the parts dateutil derives from DTSTART
    written out, :func:`explicit_rrule`; COUNT and UNTIL dropped, as they only end it sooner)
    started on the first day of ``P(j)`` visits ``P(j), P(j + 1), …`` with the same candidates,
    and dateutil stops after the year 9999. Taking the largest j for which ``P(j + N - 1)``
    ends by 9999-12-31, the search covers those N periods and stops within one more: at most
    146098 periods (400 years of days), ``400 × INTERVAL / gcd(INTERVAL, L)`` years. When no
    such j ≥ 1 exists, the anchor lies within one cycle of the year 9999 and dateutil's own
    search is the shorter one.
    """
    rule = parse_rrule(text, anchor)
    if _yields_in_a_cycle(text, anchor) is False:
        return None
    return _first(rule, anchor)


def _first(rule: _rr.rrule, start: date) -> date | None:
    """The rule's first date on or after ``start``; None if none before the year 10000."""
    try:
        found = rule.after(datetime(start.year, start.month, start.day), inc=True)
    except (ValueError, OverflowError):  # a period reaching into the year 10000
        return None
    return None if found is None else found.date()


def _yields_in_a_cycle(text: str, anchor: date) -> bool | None:
    """Whether the rule yields any date on or after ``anchor``, from one cycle of it (see
    :func:`first_date`); None when that cannot be decided so (then search from the anchor)."""
    try:
        parts, problems = _split(explicit_rrule(text, anchor))
    except (ValueError, KeyError):  # not NAME=VALUE parts, or no FREQ: dateutil's to refuse
        return None
    freq = parts.get("FREQ", "")
    interval = parts.get("INTERVAL", "1")
    if problems or freq not in _PER_400_YEARS or not parts.keys() <= _CALENDAR_PARTS:
        return None
    if not interval.isdigit() or int(interval) < 1 or parts.get("WKST", "MO") not in _WEEK:
        return None
    step = int(interval)
    cycle = _PER_400_YEARS[freq] // math.gcd(step, _PER_400_YEARS[freq])
    wkst = _WEEK.index(parts["WKST"]) if "WKST" in parts else calendar.firstweekday()
    start = _cycle_start(freq, step, cycle, anchor, wkst)
    if start is None:
        return None
    parts.pop("COUNT", None)
    parts.pop("UNTIL", None)
    parts["WKST"] = _WEEK[wkst]
    body = ";".join(f"{k}={v}" for k, v in parts.items())
    return _first(parse_rrule(body, start), start) is not None


_WEEK = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _cycle_start(freq: str, step: int, cycle: int, anchor: date, wkst: int) -> date | None:
    """The first day of the period ``P(j)``, j ≥ 1 largest with ``P(j + cycle - 1)`` ending by
    9999-12-31 (periods ``P(k)`` counted in steps of ``step`` from the one holding ``anchor``);
    None when there is no such j."""
    if freq == "YEARLY":
        j = (9999 - anchor.year) // step - cycle + 1
        return date(anchor.year + j * step, 1, 1) if j >= 1 else None
    if freq == "MONTHLY":
        first = anchor.year * 12 + anchor.month - 1
        j = (9999 * 12 + 11 - first) // step - cycle + 1
        month = first + j * step
        return date(month // 12, month % 12 + 1, 1) if j >= 1 else None
    if freq == "WEEKLY":
        first = anchor.toordinal() - (anchor.weekday() - wkst) % 7
        j = (_LAST - 6 - first) // (7 * step) - cycle + 1
        return date.fromordinal(first + 7 * j * step) if j >= 1 else None
    j = (_LAST - anchor.toordinal()) // step - cycle + 1
    return date.fromordinal(anchor.toordinal() + j * step) if j >= 1 else None
