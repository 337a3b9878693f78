"""The schedule: Huimin's slots and windows pinned by hand, holidays, the CLI, iCalendar output."""

from __future__ import annotations

import calendar as _cal
import io
import json
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from tanxin_rules import CalendarError, Meeting, Policy, load_policy
from tanxin_rules._calendar import HolidayCalendar, HolidayEntry
from tanxin_rules._cli import main
from tanxin_rules._holidays import load_holidays
from tanxin_rules._ics import PRODID, schedule_ics
from tanxin_rules._schedule import ScheduleItem, schedule

ROOT = Path(__file__).resolve().parent.parent
HUIMIN = ROOT / "policies" / "huimin_2015.yaml"
CN = ROOT / "examples" / "holidays" / "cn_2025_2026.yaml"
MEETINGS = ROOT / "examples" / "meetings" / "huimin_meetings.yaml"
SHANGHAI = ZoneInfo("Asia/Shanghai")
DLM = "democratic_life_meeting"

# Computed by hand from a wall calendar (1 Jan 2025 is a Wednesday, 2026 a Thursday, 2027 a
# Friday), not with dateutil.
LAST_THURSDAYS = {
    2025: [(1, 30), (2, 27), (3, 27), (4, 24), (5, 29), (6, 26),
           (7, 31), (8, 28), (9, 25), (10, 30), (11, 27), (12, 25)],
    2026: [(1, 29), (2, 26), (3, 26), (4, 30), (5, 28), (6, 25),
           (7, 30), (8, 27), (9, 24), (10, 29), (11, 26), (12, 31)],
    2027: [(1, 28), (2, 25), (3, 25), (4, 29), (5, 27), (6, 24),
           (7, 29), (8, 26), (9, 30), (10, 28), (11, 25), (12, 30)],
}  # fmt: skip
FIRST_FRIDAYS = {
    2025: [(3, 7), (6, 6), (9, 5), (12, 5)],
    2026: [(3, 6), (6, 5), (9, 4), (12, 4)],
    2027: [(3, 5), (6, 4), (9, 3), (12, 3)],
}


def huimin(*replacements: tuple[str, str]) -> Policy:
    """The Huimin policy, with each (old, new) text replacement made once."""
    text = HUIMIN.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return load_policy(text=text, name="variant.yaml")


POLICY = load_policy(HUIMIN)


def slot_days(items: list[ScheduleItem], rule: str) -> list[date]:
    """The days of one rule's slots."""
    return [item.day for item in items if item.rule == rule]


def run(*argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- slots, by hand


def test_huimin_monthly_slots_2025_2027() -> None:
    """3.2: the last Thursday of every month, 2025–2027, as counted by hand."""
    items = schedule(POLICY, date(2025, 1, 1), date(2027, 12, 31))
    expected = [date(y, m, d) for y, pairs in LAST_THURSDAYS.items() for m, d in pairs]
    assert slot_days(items, "monthly_slot") == expected


def test_huimin_quarterly_slots_2025_2027() -> None:
    """3.3: the first Friday of March, June, September and December, 2025–2027, by hand."""
    items = schedule(POLICY, date(2025, 1, 1), date(2027, 12, 31))
    expected = [date(y, m, d) for y, pairs in FIRST_FRIDAYS.items() for m, d in pairs]
    assert slot_days(items, "quarterly_slot") == expected


def test_slot_clock_times_are_aware_in_the_policy_timezone() -> None:
    """3.2 runs 12:00–18:00 and 3.3 17:00–21:00, Asia/Shanghai (UTC+8)."""
    items = schedule(POLICY, date(2025, 3, 1), date(2025, 3, 31))
    by_rule = {item.rule: item for item in items}
    monthly, quarterly = by_rule["monthly_slot"], by_rule["quarterly_slot"]
    assert monthly.start == datetime(2025, 3, 27, 12, 0, tzinfo=SHANGHAI)
    assert monthly.end == datetime(2025, 3, 27, 18, 0, tzinfo=SHANGHAI)
    assert quarterly.start == datetime(2025, 3, 7, 17, 0, tzinfo=SHANGHAI)
    assert quarterly.end == datetime(2025, 3, 7, 21, 0, tzinfo=SHANGHAI)
    assert isinstance(monthly.start, datetime)
    assert monthly.start.utcoffset() == timedelta(hours=8)
    dumped = monthly.model_dump(mode="json")
    assert (dumped["start"], dumped["end"]) == (
        "2025-03-27T12:00:00+08:00",
        "2025-03-27T18:00:00+08:00",
    )
    assert (monthly.clause, quarterly.clause) == ("3.2", "3.3")
    assert monthly.kind == "slot"
    assert monthly.level == "must"


def test_untimed_slot_rule_gives_whole_days() -> None:
    """A slot rule without a part of day is listed with start = end = the date."""
    policy = huimin(("    part_of_day: after_work\n", ""))
    items = schedule(policy, date(2025, 6, 1), date(2025, 6, 30))
    quarterly = next(item for item in items if item.rule == "quarterly_slot")
    assert (quarterly.start, quarterly.end) == (date(2025, 6, 6), date(2025, 6, 6))
    assert quarterly.model_dump(mode="json")["start"] == "2025-06-06"


def brute_last_thursdays(start: date, end: date) -> list[date]:
    """Each month's last Thursday, found by walking back from the month's last day."""
    out = []
    for year in range(start.year, end.year + 1):
        for month in range(1, 13):
            day = date(year, month, _cal.monthrange(year, month)[1])
            while day.weekday() != 3:
                day -= timedelta(days=1)
            out.append(day)
    return [d for d in out if start <= d <= end]


def brute_first_fridays(start: date, end: date) -> list[date]:
    """The first Friday of each quarter's last month, found by walking forward from the 1st."""
    out = []
    for year in range(start.year, end.year + 1):
        for month in (3, 6, 9, 12):
            day = date(year, month, 1)
            while day.weekday() != 4:
                day += timedelta(days=1)
            out.append(day)
    return [d for d in out if start <= d <= end]


@given(
    start=st.dates(min_value=date(2016, 1, 1), max_value=date(2400, 12, 31)),
    length=st.integers(min_value=0, max_value=3 * 366),
)
def test_slots_agree_with_a_brute_force_walk(start: date, length: int) -> None:
    """Any range after the anchors: both slot rules agree with a day-by-day computation."""
    end = start + timedelta(days=length)
    items = schedule(POLICY, start, end)
    assert slot_days(items, "monthly_slot") == brute_last_thursdays(start, end)
    assert slot_days(items, "quarterly_slot") == brute_first_fridays(start, end)
    assert all(start <= item.day <= end for item in items)


# --------------------------------------------------------------------------- holidays


def test_spring_festival_2025_slot_moves_to_the_previous_working_day() -> None:
    """2025-01-30 (last Thursday) is in the Spring Festival: held 2025-01-27 (Monday)."""
    items = schedule(POLICY, date(2025, 1, 1), date(2025, 1, 31), holidays=load_holidays(CN))
    (january,) = [item for item in items if item.rule == "monthly_slot"]
    assert january.start == datetime(2025, 1, 27, 12, 0, tzinfo=SHANGHAI)
    assert january.end == datetime(2025, 1, 27, 18, 0, tzinfo=SHANGHAI)
    assert january.moved_from == date(2025, 1, 30)
    assert january.label.en.startswith("3.2 hospital leaders talk")
    assert january.label.en.endswith("(moved from 2025-01-30: 春節 (Spring Festival))")
    assert january.label.zh.startswith("3.2 每月最後一個星期四下午")
    assert "原定 2025-01-30" in january.label.zh
    assert "提前" in january.label.zh


def test_huimin_2025_2026_with_the_china_calendar() -> None:
    """With the bundled calendar only 2025-01 moves; every other slot stays on its date."""
    items = schedule(POLICY, date(2025, 1, 1), date(2026, 12, 31), holidays=load_holidays(CN))
    monthly = [date(y, m, d) for y in (2025, 2026) for m, d in LAST_THURSDAYS[y]]
    monthly[0] = date(2025, 1, 27)
    assert slot_days(items, "monthly_slot") == monthly
    quarterly = [date(y, m, d) for y in (2025, 2026) for m, d in FIRST_FRIDAYS[y]]
    assert slot_days(items, "quarterly_slot") == quarterly
    assert [item.moved_from for item in items if item.moved_from] == [date(2025, 1, 30)]


@pytest.mark.parametrize(
    ("choice", "january"),
    [
        ("previous", [date(2025, 1, 27)]),
        ("next", [date(2025, 2, 5)]),
        ("skip", []),
        ("keep", [date(2025, 1, 30)]),
    ],
)
def test_on_non_working_day_choices(choice: str, january: list[date]) -> None:
    """keep / skip / previous / next working day, for the Spring Festival slot."""
    policy = huimin(("    value: previous\n", f"    value: {choice}\n"))
    items = schedule(policy, date(2025, 1, 1), date(2025, 2, 28), holidays=load_holidays(CN))
    assert slot_days(items, "monthly_slot") == [*january, date(2025, 2, 27)]
    if choice == "next":
        assert items[0].label.zh.endswith("順延）")


def test_no_slot_lands_on_a_non_working_day() -> None:
    """With the calendar, every slot of 2025–2026 is on a working day."""
    cal = load_holidays(CN)
    items = schedule(POLICY, date(2025, 1, 1), date(2026, 12, 31), holidays=cal)
    assert all(cal.is_working_day(item.day) for item in items if item.kind == "slot")


def test_range_beyond_the_holiday_calendar_is_an_error() -> None:
    """Asking for 2027 with a 2025–2026 calendar is a CalendarError, not a silent guess."""
    with pytest.raises(CalendarError, match="2027-01-28 is outside the holiday calendar"):
        schedule(POLICY, date(2026, 1, 1), date(2027, 12, 31), holidays=load_holidays(CN))


def test_weekend_slot_moves_with_weekend_reason() -> None:
    """A slot on a weekend day of the calendar moves, labelled as a non-working day."""
    cal = HolidayCalendar(
        valid_from=date(2025, 1, 1), valid_to=date(2025, 12, 31), weekend=["thursday"]
    )
    items = schedule(POLICY, date(2025, 3, 1), date(2025, 3, 31), holidays=cal)
    monthly = next(item for item in items if item.rule == "monthly_slot")
    assert monthly.day == date(2025, 3, 26)
    assert monthly.label.en.endswith("(moved from 2025-03-27: non-working day)")
    assert "非工作日" in monthly.label.zh


# --------------------------------------------------------------------------- windows


def test_meeting_window_across_a_year_boundary() -> None:
    """3.1a: a meeting on 2026-01-10 has the window 2025-12-21 … 2026-01-09 (20 days)."""
    meeting = Meeting(id="m", kind=DLM, date=date(2026, 1, 10))
    items = schedule(POLICY, date(2025, 12, 1), date(2026, 1, 31), meetings=[meeting])
    (window,) = [item for item in items if item.kind == "window"]
    assert (window.start, window.end) == (date(2025, 12, 21), date(2026, 1, 9))
    assert (window.end - window.start).days + 1 == 20
    assert (window.rule, window.clause, window.meeting, window.meeting_id) == (
        "pre_meeting_round",
        "3.1a",
        date(2026, 1, 10),
        "m",
    )
    assert window.label.en.endswith("(leadership team's democratic life meeting on 2026-01-10)")
    assert window.model_dump(mode="json")["start"] == "2025-12-21"


def test_meeting_day_inside_the_window_when_the_policy_says_so() -> None:
    """With ``include_meeting_day: true`` the window runs 2025-12-20 … 2026-01-10."""
    policy = huimin(
        ("    value: false\n    alternatives: [true]", "    value: true\n    alternatives: [false]")
    )
    meeting = Meeting(kind=DLM, date=date(2026, 1, 10))
    (window,) = [
        i
        for i in schedule(policy, date(2026, 1, 1), date(2026, 1, 31), meetings=[meeting])
        if i.kind == "window"
    ]
    assert (window.start, window.end) == (date(2025, 12, 21), date(2026, 1, 10))


@pytest.mark.parametrize(
    ("start", "end", "listed"),
    [
        (date(2026, 1, 5), date(2026, 1, 31), True),  # overlaps the window's end
        (date(2025, 12, 1), date(2025, 12, 21), True),  # touches its first day
        (date(2026, 1, 9), date(2026, 1, 9), True),  # its last day
        (date(2026, 1, 10), date(2026, 2, 28), False),  # the meeting day is outside
        (date(2025, 11, 1), date(2025, 12, 20), False),  # ends the day before it opens
    ],
)
def test_windows_overlapping_the_range_are_listed_whole(
    start: date, end: date, listed: bool
) -> None:
    """A window overlapping the range is listed unclipped; one outside it is not."""
    meeting = Meeting(kind=DLM, date=date(2026, 1, 10))
    windows = [i for i in schedule(POLICY, start, end, meetings=[meeting]) if i.kind == "window"]
    assert bool(windows) == listed
    if listed:
        assert (windows[0].start, windows[0].end) == (date(2025, 12, 21), date(2026, 1, 9))


def test_other_meeting_kinds_and_repeats_are_ignored() -> None:
    """Only meetings of the rule's kind make windows, one per meeting date."""
    meetings = [
        Meeting(kind="board_meeting", date=date(2025, 6, 10)),
        Meeting(id="a", kind=DLM, date=date(2025, 6, 30)),
        Meeting(id="b", kind=DLM, date=date(2025, 6, 30)),
    ]
    items = schedule(POLICY, date(2025, 6, 1), date(2025, 6, 30), meetings=meetings)
    windows = [item for item in items if item.kind == "window"]
    assert [(w.meeting, w.meeting_id) for w in windows] == [(date(2025, 6, 30), "a")]


def test_items_are_sorted_by_start_then_rule() -> None:
    """Whole-day items come before timed ones of the same day; ties go by rule id."""
    meetings = [Meeting(kind=DLM, date=date(2025, 4, 13)), Meeting(kind=DLM, date=date(2025, 4, 1))]
    items = schedule(POLICY, date(2025, 3, 1), date(2025, 4, 30), meetings=meetings)
    assert [(item.day, item.rule) for item in items] == [
        (date(2025, 3, 7), "quarterly_slot"),
        (date(2025, 3, 12), "pre_meeting_round"),
        (date(2025, 3, 24), "pre_meeting_round"),
        (date(2025, 3, 27), "monthly_slot"),
        (date(2025, 4, 24), "monthly_slot"),
    ]


def test_same_day_ordering_whole_day_first() -> None:
    """On one day a window (whole days) sorts before a timed slot."""
    meeting = Meeting(kind=DLM, date=date(2025, 3, 28))  # window 03-08 … 03-27
    items = schedule(POLICY, date(2025, 3, 27), date(2025, 3, 27), meetings=[meeting])
    assert [item.kind for item in items] == ["window", "slot"]


def test_inverted_range_is_an_error() -> None:
    """A range that ends before it starts is a CalendarError."""
    with pytest.raises(CalendarError, match="before it starts"):
        schedule(POLICY, date(2025, 2, 1), date(2025, 1, 1))


def test_empty_range_day() -> None:
    """A one-day range with nothing on it is an empty schedule, and the table says so."""
    assert schedule(POLICY, date(2025, 1, 1), date(2025, 1, 1)) == []
    code, out, _ = run("schedule", str(HUIMIN), "--from", "2025-01-01", "--to", "2025-01-01")
    assert code == 0
    assert out.splitlines()[-1].startswith("0 items (0 slots, 0 windows) from 2025-01-01")


# --------------------------------------------------------------------------- CLI


def test_cli_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table lists items aligned, then a summary line; exit 0."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code, out, err = run(
        "schedule",
        str(HUIMIN),
        "--from",
        "2025-01-01",
        "--to",
        "2025-03-31",
        "--holidays",
        str(CN),
        "--meetings",
        str(MEETINGS),
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["start", "end", "kind", "rule", "clause", "moved", "from", "label"]
    assert lines[1].startswith(
        "2024-12-27        2025-01-15        window  pre_meeting_round  3.1a"
    )
    assert lines[2].startswith(
        "2025-01-27 12:00  2025-01-27 18:00  slot    monthly_slot       3.2     2025-01-30  "
    )
    assert (
        len(
            {
                line.index("kind") if i == 0 else line.index(" slot ") + 1
                for i, line in enumerate(lines[:6])
                if i == 0 or " slot " in line
            }
        )
        == 1
    )
    assert lines[-1] == (
        "5 items (4 slots, 1 window) from 2025-01-01 to 2025-03-31; times in Asia/Shanghai; "
        "holiday calendar: 中國大陸法定節假日 2025–2026 (mainland China public holidays)"
    )


def test_cli_warns_without_a_holiday_calendar() -> None:
    """Without --holidays the output is produced, with a warning that nothing moves."""
    code, out, err = run("schedule", str(HUIMIN), "--from", "2025-01-01", "--to", "2025-01-31")
    assert code == 0
    assert "2025-01-30 12:00" in out
    assert err == (
        "tanxin-rules schedule: warning: no --holidays calendar, so no slot is moved off a "
        "non-working day (rules that would move them: monthly_slot, quarterly_slot)\n"
    )


def test_cli_json() -> None:
    """``--format json``: the query and the items, with ISO 8601 dates and times."""
    code, out, _ = run(
        "schedule",
        str(HUIMIN),
        "--from",
        "2025-12-01",
        "--to",
        "2026-01-31",
        "--meetings",
        str(MEETINGS),
        "--holidays",
        str(CN),
        "--format",
        "json",
    )
    assert code == 0
    document = json.loads(out)
    assert {k: document[k] for k in ("policy", "timezone", "from", "to")} == {
        "policy": "huimin_2015",
        "timezone": "Asia/Shanghai",
        "from": "2025-12-01",
        "to": "2026-01-31",
    }
    assert document["holidays"].startswith("中國大陸法定節假日")
    starts = [(i["rule"], i["start"], i["end"]) for i in document["items"]]
    assert starts == [
        ("quarterly_slot", "2025-12-05T17:00:00+08:00", "2025-12-05T21:00:00+08:00"),
        ("pre_meeting_round", "2025-12-21", "2026-01-09"),
        ("monthly_slot", "2025-12-25T12:00:00+08:00", "2025-12-25T18:00:00+08:00"),
        ("monthly_slot", "2026-01-29T12:00:00+08:00", "2026-01-29T18:00:00+08:00"),
    ]
    assert {"rule", "clause", "kind", "start", "end", "label", "moved_from"} <= set(
        document["items"][0]
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--from", "2025-13-01", "--to", "2025-12-31"],
            "tanxin-rules schedule: error: argument --from: expected a date as YYYY-MM-DD, "
            "got '2025-13-01'",
        ),
        (
            ["--from", "2025-01-01", "--to", "20251231"],
            "tanxin-rules schedule: error: argument --to: expected a date as YYYY-MM-DD, "
            "got '20251231'",
        ),
        (
            ["--from", "2025-02-01", "--to", "2025-01-31"],
            "tanxin-rules schedule: error: --to 2025-01-31 is before --from 2025-02-01",
        ),
        (
            ["--from", "2025-01-01"],
            "tanxin-rules schedule: error: the following arguments are required: --to",
        ),
        (
            ["--from", "2025-01-01", "--to", "2025-01-31", "--format", "csv"],
            "tanxin-rules schedule: error: argument --format: invalid choice: 'csv'",
        ),
    ],
)
def test_cli_bad_arguments_are_usage_errors(argv: list[str], message: str) -> None:
    """Bad dates and options: one ``tanxin-rules schedule: error:`` line, exit 2."""
    code, out, err = run("schedule", str(HUIMIN), *argv)
    assert (code, out) == (2, "")
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_cli_bad_files_are_located_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreadable policy, holiday or meetings file: ``path:line:col: error:``, exit 2."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    dates = ("--from", "2025-01-01", "--to", "2025-01-31")
    bad_cal = tmp_path / "cal.yaml"
    bad_cal.write_text("valid_from: 2025-01-01\nvalid_to: 2025-13-31\n", encoding="utf-8")
    code, out, err = run("schedule", str(HUIMIN), *dates, "--holidays", str(bad_cal))
    assert (code, out) == (2, "")
    assert err.startswith(f"{bad_cal}:2:11: error: valid_to: '2025-13-31' is not a real date")
    assert err.count("\n") == 1

    bad_meetings = tmp_path / "m.csv"
    bad_meetings.write_text("kind,date\nlife_meeting,2025-01-20\n", encoding="utf-8")
    code, _, err = run("schedule", str(HUIMIN), *dates, "--meetings", str(bad_meetings))
    assert code == 2
    assert err.startswith(
        f"{bad_meetings}:2:1: error: meetings[0].kind: unknown meeting kind 'life_meeting'"
    )

    code, _, err = run("schedule", str(tmp_path / "none.yaml"), *dates)
    assert code == 2
    assert err.startswith(f"{tmp_path / 'none.yaml'}: error: cannot read file")

    code, _, err = run("schedule", str(HUIMIN), *dates, "--holidays", str(tmp_path / "x.ods"))
    assert code == 2
    assert "unknown file type '.ods'" in err


def test_cli_github_annotations_for_bad_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under GitHub Actions, file problems are workflow annotations."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    bad = tmp_path / "cal.csv"
    bad.write_text("date,kind\n2025-01-01,valid_from\n", encoding="utf-8")
    code, _, err = run(
        "schedule",
        str(HUIMIN),
        "--from",
        "2025-01-01",
        "--to",
        "2025-01-31",
        "--holidays",
        str(bad),
    )
    assert code == 2
    assert err.startswith("::error file=")
    assert "line=1,col=1" in err


def test_cli_range_beyond_the_calendar_is_one_line_exit_2() -> None:
    """A CalendarError (2027 with a 2025–2026 calendar) is one error line, exit 2."""
    code, out, err = run(
        "schedule", str(HUIMIN), "--from", "2025-01-01", "--to", "2027-12-31", "--holidays", str(CN)
    )
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("tanxin-rules schedule: error: ")
    assert "2027-01-28 is outside the holiday calendar's range (2025-01-01 to 2026-12-31)" in err
    assert err.rstrip().endswith(f"(holiday calendar: {CN})")


def test_cli_extreme_dates_do_not_crash() -> None:
    """The first and last representable days give output or a one-line error, no traceback."""
    for argv in (
        ("--from", "0001-01-01", "--to", "0001-12-31"),
        ("--from", "9999-12-01", "--to", "9999-12-31"),
    ):
        for fmt in ("table", "ics", "json"):
            code, _, err = run("schedule", str(HUIMIN), *argv, "--format", fmt)
            assert code in {0, 2}
            assert "Traceback" not in err


# --------------------------------------------------------------------------- iCalendar


def expand(data: bytes) -> list[tuple[str, datetime | date, datetime | date]]:
    """Every occurrence in an iCalendar file: (UID, start, end), RRULEs expanded with dateutil
    and EXDATEs removed."""
    out: list[tuple[str, datetime | date, datetime | date]] = []
    for event in Calendar.from_ical(data).walk("VEVENT"):
        uid = str(event["UID"])
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        if "RRULE" not in event:
            out.append((uid, start, end))
            continue
        length = end - start
        timed = isinstance(start, datetime)
        first = start if timed else datetime(start.year, start.month, start.day)
        excluded: set[datetime | date] = set()
        exdates = event.get("EXDATE", [])
        for group in exdates if isinstance(exdates, list) else [exdates]:
            excluded.update(value.dt for value in group.dts)
        recur: Any = event["RRULE"]
        for when in rrulestr(recur.to_ical().decode(), dtstart=first):
            occurrence = when if timed else when.date()
            if occurrence not in excluded:
                out.append((uid, occurrence, occurrence + length))
    return out


Span = tuple[datetime | date, datetime | date]


def ordered(spans: list[Span]) -> list[Span]:
    """Spans sorted by start (whole days first), then end, comparing dates with datetimes."""

    def key(value: datetime | date) -> tuple[date, time]:
        if isinstance(value, datetime):
            return value.date(), value.time()
        return value, time.min

    return sorted(spans, key=lambda span: (key(span[0]), key(span[1])))


def as_ics_span(item: ScheduleItem) -> tuple[datetime | date, datetime | date]:
    """An item's (DTSTART, DTEND): all-day ends are exclusive in iCalendar."""
    if isinstance(item.start, datetime):
        return item.start, item.end
    return item.start, item.last_day + timedelta(days=1)


def roundtrip(policy: Policy, start: date, end: date, **kwargs: object) -> None:
    """The iCalendar file's expanded occurrences are exactly the schedule's items."""
    items = schedule(policy, start, end, **kwargs)  # type: ignore[arg-type]
    data = schedule_ics(policy, start, end, **kwargs)  # type: ignore[arg-type]
    got = ordered([(s, e) for _, s, e in expand(data)])
    assert got == ordered([as_ics_span(item) for item in items])


def test_ics_round_trips_the_huimin_schedule() -> None:
    """2025–2026 with the China calendar and the example meetings parse back to the schedule."""
    meetings = [
        Meeting(kind=DLM, date=date(2025, 1, 16)),
        Meeting(kind=DLM, date=date(2026, 1, 10)),
    ]
    roundtrip(
        POLICY, date(2025, 1, 1), date(2026, 12, 31), meetings=meetings, holidays=load_holidays(CN)
    )


@pytest.mark.parametrize("path", sorted((ROOT / "policies").rglob("*.yaml")), ids=lambda p: p.stem)
def test_ics_round_trips_every_bundled_policy(path: Path) -> None:
    """Each bundled policy's 2025–2026 schedule survives iCalendar, with and without holidays."""
    policy = load_policy(path)
    roundtrip(policy, date(2025, 1, 1), date(2026, 12, 31), holidays=load_holidays(CN))
    roundtrip(policy, date(2025, 3, 3), date(2026, 11, 30))


def test_ics_structure() -> None:
    """PRODID, VERSION, VTIMEZONE, DTSTAMP and unique UIDs; RRULE series; CRLF everywhere."""
    data = schedule_ics(
        POLICY,
        date(2025, 1, 1),
        date(2026, 12, 31),
        holidays=load_holidays(CN),
        meetings=[Meeting(kind=DLM, date=date(2026, 1, 10))],
    )
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")
    cal = Calendar.from_ical(data)
    assert str(cal["PRODID"]) == PRODID
    assert str(cal["VERSION"]) == "2.0"
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Asia/Shanghai"
    events = cal.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    assert all(e.decoded("DTSTAMP") == datetime(2025, 1, 1, tzinfo=ZoneInfo("UTC")) for e in events)
    series = {str(e["UID"]): e for e in events if "RRULE" in e}
    assert set(series) == {
        "huimin_2015.monthly_slot.from-20250227@tanxin-rules",
        "huimin_2015.quarterly_slot.from-20250307@tanxin-rules",
    }
    monthly = series["huimin_2015.monthly_slot.from-20250227@tanxin-rules"]
    assert b"DTSTART;TZID=Asia/Shanghai:20250227T120000" in data
    assert monthly["RRULE"].to_ical() == b"FREQ=MONTHLY;UNTIL=20261231T040000Z;BYDAY=-1TH"
    assert "EXDATE" not in monthly
    moved = next(
        e for e in events if str(e["UID"]) == "huimin_2015.monthly_slot.20250127@tanxin-rules"
    )
    assert moved.decoded("DTSTART") == datetime(2025, 1, 27, 12, tzinfo=SHANGHAI)
    assert "moved from 2025-01-30" in str(moved["DESCRIPTION"])
    window = next(e for e in events if "pre_meeting_round" in str(e["UID"]))
    assert window.decoded("DTSTART") == date(2025, 12, 21)
    assert window.decoded("DTEND") == date(2026, 1, 10)  # exclusive: last day 2026-01-09
    assert str(window["TRANSP"]) == "TRANSPARENT"
    assert str(window["UID"]) == "huimin_2015.pre_meeting_round.meeting-20260110@tanxin-rules"


def test_ics_is_deterministic() -> None:
    """The same inputs give the same bytes (no clock, no random UIDs)."""
    first = schedule_ics(POLICY, date(2025, 1, 1), date(2025, 12, 31), holidays=load_holidays(CN))
    again = schedule_ics(POLICY, date(2025, 1, 1), date(2025, 12, 31), holidays=load_holidays(CN))
    assert first == again


def test_ics_exdate_and_single_event_for_a_mid_series_move() -> None:
    """A holiday inside the series: an EXDATE on the series plus a single moved event."""
    cal = HolidayCalendar(
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 12, 31),
        holidays=[HolidayEntry(date=date(2025, 6, 26), name="test day")],
    )
    data = schedule_ics(POLICY, date(2025, 1, 1), date(2025, 12, 31), holidays=cal)
    events = Calendar.from_ical(data).walk("VEVENT")
    monthly = next(e for e in events if "RRULE" in e and "monthly" in str(e["UID"]))
    exdate: Any = monthly["EXDATE"]
    assert [v.dt for v in exdate.dts] == [datetime(2025, 6, 26, 12, tzinfo=SHANGHAI)]
    assert b"EXDATE;TZID=Asia/Shanghai:20250626T120000" in data
    singles = [e for e in events if "RRULE" not in e]
    assert [e.decoded("DTSTART") for e in singles] == [datetime(2025, 6, 25, 12, tzinfo=SHANGHAI)]
    roundtrip(POLICY, date(2025, 1, 1), date(2025, 12, 31), holidays=cal)


def test_ics_skip_leaves_only_an_exdate() -> None:
    """With ``skip`` a holiday slot is an EXDATE and nothing replaces it."""
    policy = huimin(("    value: previous\n", "    value: skip\n"))
    cal = HolidayCalendar(
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 12, 31),
        holidays=[HolidayEntry(date=date(2025, 6, 26))],
    )
    data = schedule_ics(policy, date(2025, 1, 1), date(2025, 12, 31), holidays=cal)
    assert all("RRULE" in e for e in Calendar.from_ical(data).walk("VEVENT"))
    assert b"EXDATE;TZID=Asia/Shanghai:20250626T120000" in data
    roundtrip(policy, date(2025, 1, 1), date(2025, 12, 31), holidays=cal)


def test_ics_whole_day_series() -> None:
    """A slot rule without clock times: DATE values, exclusive DTEND, a DATE UNTIL."""
    policy = huimin(("    part_of_day: after_work\n", ""))
    data = schedule_ics(policy, date(2025, 1, 1), date(2027, 12, 31))
    assert b"DTSTART;VALUE=DATE:20250307" in data
    assert b"DTEND;VALUE=DATE:20250308" in data
    assert b"RRULE:FREQ=MONTHLY;UNTIL=20271203;BYDAY=1FR;BYMONTH=3,6,9,12" in data
    roundtrip(policy, date(2025, 1, 1), date(2027, 12, 31))


def test_ics_single_occurrence_is_a_plain_event() -> None:
    """A range holding one slot of a rule writes it as a plain event, no RRULE."""
    data = schedule_ics(POLICY, date(2025, 3, 1), date(2025, 3, 31))
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 2
    assert not any("RRULE" in e for e in events)
    assert {str(e["UID"]) for e in events} == {
        "huimin_2015.monthly_slot.20250327@tanxin-rules",
        "huimin_2015.quarterly_slot.20250307@tanxin-rules",
    }


def test_ics_empty_schedule_is_a_valid_calendar() -> None:
    """No items: still a VCALENDAR with PRODID and VERSION (and no VTIMEZONE needed)."""
    cal = Calendar.from_ical(schedule_ics(POLICY, date(2025, 1, 1), date(2025, 1, 2)))
    assert str(cal["VERSION"]) == "2.0"
    assert cal.walk("VEVENT") == []


@given(
    start=st.dates(min_value=date(2016, 1, 1), max_value=date(2100, 12, 31)),
    length=st.integers(min_value=0, max_value=800),
    offsets=st.lists(st.integers(min_value=-40, max_value=840), max_size=12),
    choice=st.sampled_from(["previous", "next", "skip", "keep"]),
)
def test_ics_round_trips_for_any_range_and_holidays(
    start: date, length: int, offsets: list[int], choice: str
) -> None:
    """Random ranges and holiday sets: the expanded iCalendar equals the schedule."""
    end = start + timedelta(days=length)
    cal = HolidayCalendar(
        valid_from=start - timedelta(days=400),
        valid_to=start + timedelta(days=1300),
        holidays=[HolidayEntry(date=start + timedelta(days=o)) for o in offsets],
    )
    roundtrip(POLICIES[choice], start, end, holidays=cal)


POLICIES = {
    c: huimin(("    value: previous\n", f"    value: {c}\n"))
    for c in ("previous", "next", "skip", "keep")
}


def test_cli_ics_in_process_and_through_a_pipe(tmp_path: Path) -> None:
    """``--format ics`` in-process writes text; through a real pipe, CRLF bytes."""
    argv = [
        "schedule",
        str(HUIMIN),
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--holidays",
        str(CN),
        "--meetings",
        str(MEETINGS),
        "--format",
        "ics",
    ]
    code, out, err = run(*argv)
    assert (code, err) == (0, "")
    assert out.startswith("BEGIN:VCALENDAR\r\n")
    done = subprocess.run(
        [sys.executable, "-m", "tanxin_rules", *argv],
        capture_output=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0
    assert done.stdout == out.encode("utf-8")
    assert b"\r\r\n" not in done.stdout
    got = ordered([(s, e) for _, s, e in expand(done.stdout)])
    items = schedule(
        POLICY,
        date(2025, 1, 1),
        date(2025, 12, 31),
        holidays=load_holidays(CN),
        meetings=[
            Meeting(kind=DLM, date=date(2025, 1, 16)),
            Meeting(kind=DLM, date=date(2026, 1, 10)),
        ],
    )
    assert got == ordered([as_ics_span(item) for item in items])


def test_schedule_times_are_local_times() -> None:
    """Slot times are wall-clock times in the policy's zone, whatever the offset."""
    items = schedule(POLICY, date(2025, 1, 1), date(2025, 12, 31))
    assert {
        item.start.timetz().replace(tzinfo=None)
        for item in items
        if isinstance(item.start, datetime)
    } == {time(12), time(17)}
