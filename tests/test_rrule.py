"""Load-time RRULE checks: RFC 5545 restrictions and the classic silent mistakes."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanxin_rules._rrule import (
    _cycle_start,
    _yields_in_a_cycle,
    explicit_rrule,
    first_date,
    parse_rrule,
    rrule_problems,
)


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


# --------------------------------------------------------------------------- first_date


def brute_first(text: str, anchor: date) -> date | None:
    """dateutil's own answer: search from the anchor to the year 9999 (no bound but the end)."""
    try:
        found = parse_rrule(text, anchor).after(datetime.combine(anchor, datetime.min.time()),
                                                inc=True)  # fmt: skip
    except ValueError:  # a period reaching into the year 10000
        return None
    return None if found is None else found.date()


_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def sparse_rrules(draw: st.DrawFn) -> str:
    """Valid whole-day RRULEs biased towards rules that yield rarely or never: days 29–31 of
    months, Februaries, steps that keep to one weekday or one month, far BYSETPOS."""
    freq = draw(st.sampled_from(["YEARLY", "MONTHLY", "WEEKLY", "DAILY"]))
    parts = {"FREQ": freq}
    interval = draw(st.sampled_from([1, 1, 2, 3, 4, 7, 12, 14, 100, 400]))
    if interval > 1:
        parts["INTERVAL"] = str(interval)
    if draw(st.booleans()):
        parts["BYMONTH"] = ",".join(
            str(m) for m in draw(st.lists(st.sampled_from([2, 2, 6, 12]), min_size=1,
                                          max_size=2, unique=True))
        )  # fmt: skip
    if freq != "WEEKLY" and draw(st.booleans()):
        days = st.sampled_from([28, 29, 30, 31, -1, -29, -30, -31, 1])
        parts["BYMONTHDAY"] = ",".join(map(str, draw(st.lists(days, min_size=1, max_size=2,
                                                              unique=True))))  # fmt: skip
    if draw(st.booleans()):
        if freq in {"MONTHLY", "YEARLY"} and draw(st.booleans()):
            ordinal = draw(st.sampled_from([1, 4, 5, -1, -5]))
            parts["BYDAY"] = f"{ordinal}{draw(st.sampled_from(_DAYS))}"
        else:
            parts["BYDAY"] = ",".join(draw(st.lists(st.sampled_from(_DAYS), min_size=1,
                                                    max_size=2, unique=True)))  # fmt: skip
    if freq == "YEARLY" and draw(st.booleans()):
        parts["BYWEEKNO"] = str(draw(st.sampled_from([1, 52, 53, -1])))
        parts.pop("BYMONTHDAY", None)
        if parts.get("BYDAY", "")[:1] in set("-1245"):
            parts.pop("BYDAY")
    if any(k.startswith("BY") for k in parts) and draw(st.booleans()):
        parts["BYSETPOS"] = str(draw(st.sampled_from([1, 3, 5, -1, -4])))
    if freq == "WEEKLY" and draw(st.booleans()):
        parts["WKST"] = draw(st.sampled_from(_DAYS))
    if draw(st.integers(0, 5)) == 0:
        parts["COUNT"] = "3"
    return ";".join(f"{k}={v}" for k, v in parts.items())


@given(
    text=sparse_rrules(),
    anchor=st.dates(min_value=date(8800, 1, 1), max_value=date(9999, 12, 31)),
)
def test_first_date_agrees_with_dateutils_whole_search(text: str, anchor: date) -> None:
    """For rules that yield rarely or never, the bounded search answers as dateutil's search
    to the year 9999 does (anchors late enough that the brute force stays cheap, early enough
    that one cycle fits before the year 9999 for most)."""
    if rrule_problems(text):
        return
    assert first_date(text, anchor) == brute_first(text, anchor)


@pytest.mark.parametrize(
    ("text", "anchor", "first"),
    [
        ("FREQ=DAILY;INTERVAL=7;BYDAY=WE", date(2015, 1, 1), None),  # Thursdays only
        ("FREQ=DAILY;INTERVAL=7;BYDAY=WE", date(2015, 1, 7), date(2015, 1, 7)),
        ("FREQ=WEEKLY;BYMONTH=2;BYDAY=MO;BYSETPOS=3", date(2015, 1, 1), None),
        ("FREQ=MONTHLY;INTERVAL=12;BYMONTH=6", date(2015, 1, 1), None),  # Januaries only
        ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", date(2015, 1, 1), None),
        ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", date(2016, 1, 1), date(2016, 2, 29)),
        ("FREQ=YEARLY;INTERVAL=100;BYMONTH=2;BYMONTHDAY=29", date(2100, 1, 1), date(2400, 2, 29)),
        ("FREQ=YEARLY;INTERVAL=400;BYMONTH=2;BYMONTHDAY=29", date(2100, 1, 1), None),
        ("FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4,6", date(9000, 1, 1), None),
        ("FREQ=MONTHLY;BYDAY=-1TH;UNTIL=20151201", date(2015, 12, 31), None),
        ("FREQ=MONTHLY;BYDAY=-1TH", date(2015, 12, 31), date(2015, 12, 31)),
    ],
)
def test_first_date_of_chosen_rules(text: str, anchor: date, first: date | None) -> None:
    """Rules that never yield, or yield only centuries later, against dateutil's own answer."""
    assert rrule_problems(text) == []
    assert first_date(text, anchor) == first == brute_first(text, anchor)


@pytest.mark.parametrize(
    ("text", "step", "periods", "stride", "length"),
    [
        ("FREQ=DAILY;INTERVAL=7;BYDAY=WE", 7, 20871, 7, 1),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", 1, 146097, 1, 1),
        ("FREQ=WEEKLY;BYMONTH=2;BYDAY=MO;BYSETPOS=3", 1, 20871, 7, 7),
    ],
)
def test_a_rule_that_never_yields_is_decided_within_one_cycle(
    text: str, step: int, periods: int, stride: int, length: int
) -> None:
    """From 2015 the cycle searched is the last one that ends by 9999-12-31 (the next period
    would not): the refusal comes from that cycle, not from a search from the anchor."""
    anchor = date(2015, 1, 1)
    assert _yields_in_a_cycle(text, anchor) is False
    freq = text.partition(";")[0].removeprefix("FREQ=")
    start = _cycle_start(freq, step, periods, anchor, 0)
    assert start is not None
    last = start.toordinal() + (periods - 1) * stride + length - 1  # the cycle's last day
    assert last <= date(9999, 12, 31).toordinal() < last + stride


def test_near_the_year_9999_the_search_from_the_anchor_is_used() -> None:
    """When one cycle no longer fits before the year 9999, dateutil's own search decides."""
    assert _yields_in_a_cycle("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", date(9700, 1, 1)) is None
    assert first_date("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", date(9700, 1, 1)) is None
    assert first_date("FREQ=WEEKLY", date(9999, 12, 30)) == date(9999, 12, 30)


def test_explicit_rrule_writes_out_what_dtstart_implies() -> None:
    """The parts dateutil takes from DTSTART are written out; others are left alone."""
    anchor = date(2015, 12, 31)  # a Thursday
    assert explicit_rrule("FREQ=YEARLY", anchor) == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"
    assert explicit_rrule("rrule:freq=monthly", anchor) == "FREQ=MONTHLY;BYMONTHDAY=31"
    assert explicit_rrule("FREQ=WEEKLY;INTERVAL=2", anchor) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    assert explicit_rrule("FREQ=MONTHLY;BYDAY=-1TH", anchor) == "FREQ=MONTHLY;BYDAY=-1TH"
