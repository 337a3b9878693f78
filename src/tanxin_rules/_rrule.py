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
"""

from __future__ import annotations

import re
from datetime import date, datetime

from dateutil import rrule as _rr

__all__ = ["parse_rrule", "rrule_problems"]

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
