"""Slot generation benchmark: ``slots()`` against calling python-dateutil's rrule directly.

For each slot rule of the Huimin policy, generates 100 years of slots

- through :func:`tanxin_rules._calendar.slots` (the library: DTSTART moved near the range, the
  RRULE's derived parts written out, clock times and timezone attached, one ``Slot`` each),
  without a holiday calendar and with a weekends-only one (the non-working-day path), and
- with ``dateutil.rrule.rrulestr(rule, dtstart=anchor).between(start, end, inc=True)``,
  the direct call a user would otherwise write,

and prints the best of several runs and the ratio (goal: at most 1.5×). A second range
(2500–2599, far from the anchors) shows why DTSTART is moved: dateutil replays from DTSTART.

Run: ``python bench/calendar_bench.py`` (no arguments; prints a table, asserts nothing).
"""

from __future__ import annotations

import platform
import sys
import timeit
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from importlib.metadata import version
from pathlib import Path

from dateutil import rrule as _rr

from tanxin_rules import SlotRule, load_policy
from tanxin_rules._calendar import HolidayCalendar, slots

POLICY_FILE = Path(__file__).resolve().parent.parent / "policies" / "huimin_2015.yaml"
REPEAT = 7


def best(fn: Callable[[], object], number: int) -> float:
    """The best time of ``REPEAT`` runs of ``number`` calls, per call, in milliseconds."""
    return min(timeit.repeat(fn, number=number, repeat=REPEAT)) / number * 1000


def direct(rule: SlotRule, start: date, end: date) -> list[datetime]:
    """The RRULE's dates from its anchor with dateutil, the way a caller would ask."""
    anchor = datetime(rule.anchor.year, rule.anchor.month, rule.anchor.day)
    parsed = _rr.rrulestr(rule.rrule, dtstart=anchor)
    assert isinstance(parsed, _rr.rrule)
    first = datetime(start.year, start.month, start.day)
    last = datetime(end.year, end.month, end.day)
    return parsed.between(first, last, inc=True)


def main() -> None:
    """Print the table."""
    policy = load_policy(POLICY_FILE)
    rules = [r for r in policy.rules if isinstance(r, SlotRule)]
    weekends = HolidayCalendar.weekends_only()
    ranges = {
        "100 y from anchor": (date(2016, 1, 1), date(2115, 12, 31)),
        "100 y, 2500-2599": (date(2500, 1, 1), date(2599, 12, 31)),
    }
    print(
        f"Python {platform.python_version()}, python-dateutil {version('python-dateutil')}, "
        f"best of {REPEAT} runs, milliseconds per call"
    )
    header = (
        f"{'range':<18} {'rule':<15} {'slots':>6} {'dateutil':>9} {'slots()':>9} "
        f"{'ratio':>6} {'+calendar':>10} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    totals: dict[str, list[float]] = {}
    for label, (start, end) in ranges.items():
        sums = totals.setdefault(label, [0.0, 0.0, 0.0])
        for rule in rules:
            count = len(slots(policy, rule, start, end))
            if count != len(direct(rule, start, end)):
                print(f"warning: {rule.id}: slots() and dateutil disagree", file=sys.stderr)
            number = 20
            t_direct = best(partial(direct, rule, start, end), number)
            t_slots = best(partial(slots, policy, rule, start, end), number)
            t_cal = best(partial(slots, policy, rule, start, end, weekends), number)
            sums[0] += t_direct
            sums[1] += t_slots
            sums[2] += t_cal
            print(
                f"{label:<18} {rule.id:<15} {count:>6} {t_direct:>9.2f} {t_slots:>9.2f} "
                f"{t_slots / t_direct:>5.2f}x {t_cal:>10.2f} {t_cal / t_direct:>5.2f}x"
            )
        d, s, c = sums
        print(
            f"{label:<18} {'all slot rules':<15} {'':>6} {d:>9.2f} {s:>9.2f} {s / d:>5.2f}x "
            f"{c:>10.2f} {c / d:>5.2f}x"
        )
    print(
        "ratio = slots() time / dateutil time; +calendar = slots() with a weekends-only "
        "holiday calendar (every slot checked and, per the rule, moved)"
    )


if __name__ == "__main__":
    main()
