"""Load-time RRULE checks: RFC 5545 restrictions and the classic silent mistakes."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tanxin_rules._rrule import parse_rrule, rrule_problems


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYDAY=-1TH",
        "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=1FR",
        "FREQ=WEEKLY;BYDAY=SA",
        "FREQ=YEARLY;BYMONTH=1;BYDAY=1FR",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "RRULE:FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15",
        "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO",
    ],
)
def test_valid_rules_have_no_problems(rule: str) -> None:
    """Well-formed whole-day rules pass."""
    assert rrule_problems(rule) == []


@pytest.mark.parametrize(
    ("rule", "needle"),
    [
        ("FREQ=WEEKLY;BYDAY=-1TH", "every such weekday"),
        ("FREQ=DAILY;BYDAY=1MO", "needs FREQ=MONTHLY or YEARLY"),
        ("FREQ=YEARLY;BYDAY=1FR", "first Friday of January"),
        ("FREQ=YEARLY;BYWEEKNO=2;BYDAY=1MO", "BYWEEKNO"),
        ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS needs another"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYYEARDAY=1", "BYYEARDAY cannot"),
        ("FREQ=MONTHLY;BYWEEKNO=1", "only valid with FREQ=YEARLY"),
        ("FREQ=HOURLY", "finer than a day"),
        ("FREQ=MONTHLY;BYHOUR=14", "whole days"),
        ("FREQ=MONTHLY;COUNT=2;UNTIL=20260101", "COUNT and UNTIL"),
        ("FREQ=MONTHLY;BYMONTH=13", "out of range"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "out of range"),
        ("FREQ=MONTHLY;BYDAY=XX", "not like MO"),
        ("FREQ=MONTHLY;FREQ=WEEKLY", "given twice"),
        ("BYDAY=MO", "FREQ is required"),
        ("FREQ=FORTNIGHTLY", "unknown FREQ"),
        ("FREQ=MONTHLY;FOO=1", "unknown RRULE part FOO"),
        ("DTSTART=20250101;FREQ=MONTHLY", "anchor"),
        ("FREQ=MONTHLY;INTERVAL=0", "INTERVAL must be a positive"),
        ("", "empty"),
        ("FREQ", "not NAME=VALUE"),
    ],
)
def test_problems_are_reported(rule: str, needle: str) -> None:
    """Each forbidden or misleading rule is named with the reason."""
    problems = rrule_problems(rule)
    assert any(needle in p for p in problems), problems


def test_parse_rrule_starts_at_anchor() -> None:
    """The parsed rule starts at midnight of the anchor, which it yields first."""
    rule = parse_rrule("FREQ=MONTHLY;BYDAY=-1TH", date(2015, 12, 31))
    assert rule[0] == datetime(2015, 12, 31)
    assert rule.before(datetime(2015, 12, 31)) is None
