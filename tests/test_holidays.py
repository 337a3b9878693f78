"""Holiday calendar and meetings files: the three formats, located errors, the China adapter."""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanxin_rules import CalendarError, InputError, Limits, Meeting, Problem
from tanxin_rules._calendar import HolidayCalendar, HolidayEntry
from tanxin_rules._china import china_coverage, china_holidays
from tanxin_rules._holidays import load_holidays, load_meetings

ROOT = Path(__file__).resolve().parent.parent
CN = ROOT / "examples" / "holidays" / "cn_2025_2026.yaml"
MEETINGS = ROOT / "examples" / "meetings" / "huimin_meetings.yaml"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    """Write ``text`` to ``tmp_path / name`` (UTF-8) and return the path."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, *, meetings: bool = False, kinds: set[str] | None = None) -> list[str]:
    """The problems loading ``path`` raises, as ``file:line:col: error: message`` lines."""

    def load() -> object:
        return load_meetings(path, kinds=kinds) if meetings else load_holidays(path)

    with pytest.raises(InputError) as info:
        load()
    return [str(p) for p in info.value.problems]


def days(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end`` inclusive."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


# --------------------------------------------------------------------------- the bundled file


def test_bundled_china_calendar_range_and_name() -> None:
    """The bundled calendar covers exactly 2025-01-01 … 2026-12-31, weekend Sat/Sun."""
    cal = load_holidays(CN)
    assert (cal.valid_from, cal.valid_to) == (date(2025, 1, 1), date(2026, 12, 31))
    assert cal.weekend == ["saturday", "sunday"]
    assert cal.name.startswith("中國大陸法定節假日 2025–2026")
    assert cal.outside_range == "error"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 1, 1), date(2025, 1, 1)),
        (date(2025, 1, 28), date(2025, 2, 4)),
        (date(2025, 4, 4), date(2025, 4, 6)),
        (date(2025, 5, 1), date(2025, 5, 5)),
        (date(2025, 5, 31), date(2025, 6, 2)),
        (date(2025, 10, 1), date(2025, 10, 8)),
        (date(2026, 1, 1), date(2026, 1, 3)),
        (date(2026, 2, 15), date(2026, 2, 23)),
        (date(2026, 4, 4), date(2026, 4, 6)),
        (date(2026, 5, 1), date(2026, 5, 5)),
        (date(2026, 6, 19), date(2026, 6, 21)),
        (date(2026, 9, 25), date(2026, 9, 27)),
        (date(2026, 10, 1), date(2026, 10, 7)),
    ],
)
def test_bundled_holidays_are_days_off(start: date, end: date) -> None:
    """Each official holiday span is days off; weekdays just around it are working days."""
    cal = load_holidays(CN)
    assert not any(cal.is_working_day(d) for d in days(start, end))
    for edge in (start - timedelta(days=1), end + timedelta(days=1)):
        if cal.covers(edge) and edge.weekday() < 5:
            assert cal.is_working_day(edge), edge


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 26),  # Sunday, Spring Festival
        date(2025, 2, 8),  # Saturday, Spring Festival
        date(2025, 4, 27),  # Sunday, Labour Day
        date(2025, 9, 28),  # Sunday, National Day
        date(2025, 10, 11),  # Saturday, National Day
        date(2026, 1, 4),  # Sunday, New Year
        date(2026, 2, 14),  # Saturday, Spring Festival
        date(2026, 2, 28),  # Saturday, Spring Festival
        date(2026, 5, 9),  # Saturday, Labour Day
        date(2026, 9, 20),  # Sunday, National Day
        date(2026, 10, 10),  # Saturday, National Day
    ],
)
def test_bundled_make_up_working_days(day: date) -> None:
    """Each 调休 make-up day is a weekend day that is a working day."""
    cal = load_holidays(CN)
    assert day.weekday() >= 5
    assert cal.is_working_day(day)


def test_bundled_calendar_counts() -> None:
    """Working days per year, counted by hand from the notices: 248 in 2025 and in 2026."""
    cal = load_holidays(CN)
    per_year = {
        year: sum(cal.is_working_day(d) for d in days(date(year, 1, 1), date(year, 12, 31)))
        for year in (2025, 2026)
    }
    # 2025: 261 weekdays; weekday holidays: Jan 1; Jan 28-31, Feb 3-4 (6); Apr 4; May 1-2, 5 (3);
    # Jun 2; Oct 1-3, 6-8 (6) = 18; make-up days 5 → 261 - 18 + 5 = 248.
    # 2026: 261 weekdays; weekday holidays: Jan 1-2 (2); Feb 16-20, 23 (6); Apr 6; May 1, 4-5
    # (3); Jun 19; Sep 25; Oct 1-2, 5-7 (5) = 19; make-up days 6 → 261 - 19 + 6 = 248.
    assert per_year == {2025: 248, 2026: 248}


def test_bundled_calendar_refuses_dates_outside_its_range() -> None:
    """A question about 2024 or 2027 is a CalendarError naming the range, never a guess."""
    cal = load_holidays(CN)
    for day in (date(2024, 12, 31), date(2027, 1, 1)):
        with pytest.raises(CalendarError, match="2025-01-01 to 2026-12-31"):
            cal.is_working_day(day)


def test_bundled_calendar_agrees_with_chinesecalendar() -> None:
    """Day by day, the bundled file says what the chinesecalendar package says."""
    cc = pytest.importorskip("chinese_calendar")
    cal = load_holidays(CN)
    differ = [
        d for d in days(cal.valid_from, cal.valid_to) if cal.is_working_day(d) != cc.is_workday(d)
    ]
    assert differ == []


# --------------------------------------------------------------------------- formats

YAML_CAL = """\
name: test
valid_from: 2025-01-01
valid_to: 2025-12-31
weekend: [friday, saturday]
outside_range: weekends_only
holidays:
  - {date: 2025-01-01, name: New Year}
  - {from: 2025-01-28, to: 2025-02-04, name: 春節}
workdays:
  - {date: 2025-01-26, name: make-up}
"""

CSV_CAL = """\
date,kind,name
# a comment row, then a blank one

2025-01-01,valid_from,
2025-12-31,valid_to,
friday,weekend,
Saturday,weekend,
weekends_only,outside_range,
2025-01-01,holiday,New Year
2025-01-28/2025-02-04,holiday,春節
2025-01-26,workday,make-up
"""


def test_yaml_json_and_csv_give_the_same_calendar(tmp_path: Path) -> None:
    """The same calendar written as YAML, JSON and CSV loads to the same model."""
    from_yaml = load_holidays(write(tmp_path, "cal.yaml", YAML_CAL))
    data = from_yaml.model_dump(mode="json", by_alias=True, exclude_none=True)
    from_json = load_holidays(write(tmp_path, "cal.json", json.dumps(data, ensure_ascii=False)))
    from_csv = load_holidays(write(tmp_path, "cal.csv", CSV_CAL))
    assert from_json == from_yaml
    assert from_csv.model_copy(update={"name": "test"}) == from_yaml
    assert from_yaml.weekend == ["friday", "saturday"]
    assert from_yaml.holidays[1] == HolidayEntry(
        from_=date(2025, 1, 28), to=date(2025, 2, 4), name="春節"
    )
    assert from_yaml.is_working_day(date(2025, 1, 26))
    assert not from_yaml.is_working_day(date(2025, 1, 3))  # a Friday: weekend here
    assert from_yaml.is_working_day(date(2026, 1, 4))  # outside: weekends only, a Sunday


def test_yml_extension_and_upper_case(tmp_path: Path) -> None:
    """``.yml`` and ``.YAML`` are YAML too."""
    assert load_holidays(write(tmp_path, "a.yml", YAML_CAL)).name == "test"
    assert load_holidays(write(tmp_path, "b.YAML", YAML_CAL)).name == "test"


def test_unnamed_calendar_is_named_after_its_file(tmp_path: Path) -> None:
    """Without ``name`` a calendar is named by its path, so errors say which file."""
    path = write(tmp_path, "plain.yaml", "valid_from: 2025-01-01\nvalid_to: 2025-01-31\n")
    cal = load_holidays(path)
    assert cal.name == str(path)
    with pytest.raises(CalendarError, match=r"plain\.yaml: 2025-02-01 is outside"):
        cal.is_working_day(date(2025, 2, 1))


def test_csv_with_bom_crlf_and_column_order(tmp_path: Path) -> None:
    """Excel's UTF-8 BOM, CRLF line ends, any column order and no name column are fine."""
    text = (
        "\ufeffkind,date\r\nvalid_from,2025-01-01\r\nvalid_to,2025-01-31\r\nholiday,2025-01-06\r\n"
    )
    cal = load_holidays(write(tmp_path, "c.csv", text.encode("utf-8")))
    assert not cal.is_working_day(date(2025, 1, 6))
    assert cal.holidays == [HolidayEntry(date=date(2025, 1, 6))]


def test_json_with_tabs_loads(tmp_path: Path) -> None:
    """Tab-indented JSON (JSON allows tabs; YAML indentation does not) loads."""
    text = '{\n\t"valid_from": "2025-01-01",\n\t"valid_to": "2025-01-31"\n}\n'
    assert load_holidays(write(tmp_path, "t.json", text)).valid_to == date(2025, 1, 31)


# --------------------------------------------------------------------------- located errors


@pytest.mark.parametrize("loader", [load_holidays, load_meetings], ids=["holidays", "meetings"])
def test_a_json_number_too_long_for_python_is_a_located_error(tmp_path: Path, loader: Any) -> None:
    """A JSON number of 5000 digits, which json.loads refuses with a bare ValueError, is an
    InputError located at the number."""
    path = write(tmp_path, "h.json", '{"valid_from": "2025-01-01", "n": ' + "9" * 5000 + "}\n")
    with pytest.raises(InputError) as info:
        loader(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.col, problem.code) == (1, 35, "too-long")


def test_meetings_csv_names_whose_meeting_it_is(tmp_path: Path) -> None:
    """Optional ``organisation`` and ``branch`` columns tie a meeting to a hospital or a Party
    branch; an empty cell ties it to none."""
    text = (
        "kind,date,organisation,branch\n"
        "democratic_life_meeting,2026-01-10,H1,\n"
        "democratic_life_meeting,2026-01-12,,b3\n"
    )
    found = load_meetings(write(tmp_path, "m.csv", text), kinds=KINDS)
    assert [(m.organisation, m.branch) for m in found] == [("H1", None), (None, "b3")]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "bad_date.yaml",
            "valid_from: 2025-01-01\nvalid_to: 2025-12-31\nholidays:\n  - {date: 2025-02-30}\n",
            ":4:12: error: holidays[0].date: '2025-02-30' is not a real date",
        ),
        (
            "unknown_key.yaml",
            "valid_from: 2025-01-01\nvalid_to: 2025-12-31\nholidayz: []\n",
            ":3:1: error: holidayz: unknown key",
        ),
        (
            "outside.yaml",
            "valid_from: 2025-01-01\nvalid_to: 2025-12-31\nholidays:\n"
            "  - {date: 2025-05-01}\n  - {from: 2025-12-30, to: 2026-01-02}\n",
            ":5:5: error: holidays[1]: 2026-01-01 is outside the calendar's range",
        ),
        (
            "both.yaml",
            "valid_from: 2025-01-01\nvalid_to: 2025-12-31\nholidays:\n"
            "  - {from: 2025-01-28, to: 2025-02-04}\nworkdays:\n  - {date: 2025-02-01}\n",
            ":6:5: error: workdays[0]: 2025-02-01 is both a holiday (holidays[0]) and a make-up",
        ),
        (
            "reversed.yaml",
            "valid_from: 2025-12-31\nvalid_to: 2025-01-01\n",
            ":2:11: error: valid_to: 2025-01-01 is before valid_from 2025-12-31",
        ),
        (
            "entry.yaml",
            "valid_from: 2025-01-01\nvalid_to: 2025-12-31\nholidays:\n  - {from: 2025-01-02}\n",
            ":4:5: error: holidays[0]: give date, or both from and to",
        ),
        (
            "weekday.yaml",
            "valid_from: 2025-01-01\nvalid_to: 2025-12-31\nweekend: [sunday, no]\n",
            ":3:19: error: weekend[1]: unquoted `no` is ambiguous",
        ),
        ("list.yaml", "- 2025-01-01\n", ":1:1: error: a holiday calendar must be a mapping"),
        (
            "dup.yaml",
            "valid_from: 2025-01-01\nvalid_from: 2025-01-02\n",
            ":2:1: error: duplicate key",
        ),
        ("empty.yaml", "", ":0:0: error: the file is empty"),
        (
            "missing.yaml",
            "valid_from: 2025-01-01\n",
            ":1:1: error: valid_to: required key is missing",
        ),
        (
            "trailing.json",
            '{"valid_from": "2025-01-01",\n "valid_to": "2025-12-31",\n}\n',
            ":3:1: error: not valid JSON: Expecting property name enclosed in double quotes",
        ),
        (
            "comment.json",
            '# note\n{"valid_from": "2025-01-01", "valid_to": "2025-12-31"}\n',
            ":1:1: error: not valid JSON: Expecting value",
        ),
        (
            "unclosed.json",
            '{"valid_from": "2025-01-01",\n "valid_to": "2025-12-31"\n',
            ":3:1: error: not valid JSON: Expecting ',' delimiter",
        ),
        ("deep.json", "[" * 100_000 + "]" * 100_000, ":1:1: error: JSON nested too deeply"),
        (
            "nested.json",
            "[" * 70 + "]" * 70,
            ":1:65: error: nesting deeper than 64 levels",
        ),
        (
            "dupkey.json",
            '{"valid_from": "2025-01-01", "valid_from": "2025-01-02"}',
            ":1:30: error: duplicate key 'valid_from'",
        ),
        (
            "date.json",
            '{\n  "valid_from": "2025-1-1",\n  "valid_to": "2025-12-31"\n}\n',
            ":2:17: error: valid_from: expected a date as YYYY-MM-DD, got '2025-1-1'",
        ),
    ],
)
def test_structured_errors_are_located(tmp_path: Path, name: str, text: str, expected: str) -> None:
    """Each problem of a YAML or JSON calendar is reported at its line and column."""
    path = write(tmp_path, name, text)
    got = problems_of(path)
    expected_line = f"{path}{expected}" if not expected.startswith(":0:0") else None
    if expected_line is None:
        assert got[0] == f"{path}: error: the file is empty"
    else:
        assert any(p.startswith(expected_line) for p in got), got


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "date,kind,name\n2025-01-01,valid_from,\n2025-12-31,valid_to,\n2025-01-01,holliday,x\n",
            ":4:12: error: unknown kind 'holliday' (did you mean 'holiday'?)",
        ),
        (
            "date,kind,name\n2025-01-01,valid_from,\n2025-12-31,valid_to,\n2025-02-30,holiday,x\n",
            ":4:1: error: holidays[0].date: '2025-02-30' is not a real date",
        ),
        (
            "date,kind,name\n2025-01-01,valid_from,\n2025-12-31,valid_to,\n"
            "2025-01-02/2025-01-01,holiday,x\n",
            ":4:1: error: holidays[0]: to is before from",
        ),
        (
            "date,kind,name\n2025-12-31,valid_to,\n",
            ":1:1: error: no valid_from row",
        ),
        (
            "date,kind,name\n2025-01-01,valid_from,\n2025-01-02,valid_from,\n2025-12-31,valid_to,\n",
            ":3:12: error: valid_from is given twice (first on line 2)",
        ),
        (
            "date,kind,name\n2025-01-01,valid_from,\n2025-12-31,valid_to,\n2025-03-01,holiday,x,y\n",
            ":4:22: error: row has 4 cells but the header names 3 columns",
        ),
        (
            "date;kind;name\n",
            ":1:1: error: unknown column 'date;kind;name' (columns are separated by commas)",
        ),
        ("day,kind\n", ":1:1: error: unknown column 'day'"),
        ("date,kind,kind\n", ":1:11: error: column 'kind' is named twice"),
        (
            "date,kind\n2025-01-01,valid_from\n2025-12-31,valid_to\nfunday,weekend\n",
            ":4:1: error: weekend[0]: Input should be 'monday'",
        ),
        (
            "date,kind\n2025-01-01,valid_from\n2025-06-30,valid_to\n2025-07-01,workday\n",
            ":4:1: error: workdays[0]: 2025-07-01 is outside the calendar's range",
        ),
        (
            'date,kind,name\n2025-01-01,valid_from,\n2025-12-31,valid_to,"a"b\n',
            ":3:1: error: CSV syntax error",
        ),
        ('"date,kind\n2025-01-01,valid_from\n', ":2:1: error: CSV syntax error in the header"),
        (
            "date,kind\n2025-01-01,valid_from\n2025-12-31,valid_to\nsometimes,outside_range\n",
            ":4:1: error: outside_range: Input should be 'error' or 'weekends_only'",
        ),
    ],
)
def test_csv_errors_point_at_row_and_cell(tmp_path: Path, text: str, expected: str) -> None:
    """CSV problems carry the row's line number and the cell's column."""
    path = write(tmp_path, "cal.csv", text)
    got = problems_of(path)
    assert any(p.startswith(f"{path}{expected}") for p in got), got


def test_csv_reports_every_problem(tmp_path: Path) -> None:
    """All bad rows are reported at once, in line order."""
    text = "date,kind\n2025-01-01,valid_from\n2025-12-31,valid_to\nx,holiday\ny,workday\n"
    got = problems_of(write(tmp_path, "two.csv", text))
    assert [p.split(": error")[0].rsplit(":", 2)[1] for p in got] == ["4", "5"]


def test_csv_problems_of_every_kind_come_together(tmp_path: Path) -> None:
    """A row that is not valid CSV, an unknown kind, a surplus cell and values the validation
    refuses are all reported in one error, in line order; the bad CSV row is left out."""
    text = (
        "date,kind,name\n"
        "2025-01-01,valid_from,\n"
        '2025-03-01,holiday,"a"b\n'
        "2025-02-30,holiday,x\n"
        "2025-05-01,holliday,y\n"
        "2025-06-01,holiday,z,extra\n"
        "2025-12-31,valid_to,\n"
        "2026-01-05,workday,outside\n"
    )
    path = write(tmp_path, "all.csv", text)
    with pytest.raises(InputError) as info:
        load_holidays(path)
    found = [(p.line, p.col, p.message) for p in info.value.problems]
    assert [(line, col) for line, col, _ in found] == [(3, 1), (4, 1), (5, 12), (6, 22)]
    starts = ["CSV syntax error", "holidays[0].date: '2025-02-30'", "unknown kind 'holliday'",
              "row has 4 cells"]  # fmt: skip
    assert all(message.startswith(s) for (_, _, message), s in zip(found, starts, strict=True))
    assert all(p.file == str(path) for p in info.value.problems)


def test_csv_whole_calendar_problems_join_row_problems(tmp_path: Path) -> None:
    """Once every value is valid, the whole-calendar checks run and join the row problems."""
    text = (
        "date,kind\n2025-01-01,valid_from\n2025-12-31,valid_to\n"
        "2025-05-01,holliday\n2026-01-05,workday\n"
    )
    got = problems_of(write(tmp_path, "cal.csv", text))
    assert [p.split(": error: ")[1].split(" (")[0] for p in got] == [
        "unknown kind 'holliday'",
        "workdays[0]: 2026-01-05 is outside the calendar's range",
    ]


def test_csv_missing_range_row_is_reported_once(tmp_path: Path) -> None:
    """No valid_to row: the CSV reader's message, not a second 'required key' one."""
    got = problems_of(write(tmp_path, "cal.csv", "date,kind\n2025-01-01,valid_from\nx,holiday\n"))
    assert len(got) == 2
    assert ":1:1: error: no valid_to row" in got[0]
    assert "holidays[0].date" in got[1]


def test_csv_bad_header_is_refused_alone(tmp_path: Path) -> None:
    """A header naming unknown columns stops reading: its problems only, none about rows."""
    path = write(tmp_path, "cal.csv", "day,knd\n2025-01-01,valid_from\nx,y\n")
    got = problems_of(path)
    assert [p.split(": error: ")[0] for p in got] == [f"{path}:1:1"] * 3 + [f"{path}:1:5"]
    assert all("column" in p for p in got)


@pytest.mark.parametrize("meetings", [False, True])
def test_csv_header_names_are_matched_without_case(tmp_path: Path, meetings: bool) -> None:
    """``Date,KIND`` names the date and kind columns: the rows are read, never a KeyError."""
    if meetings:
        path = write(tmp_path, "m.csv", "KIND,dAte\ndemocratic_life_meeting,2026-02-01\n")
        found = load_meetings(path, kinds=KINDS)
        assert [(m.kind, m.date) for m in found] == [("democratic_life_meeting", date(2026, 2, 1))]
    else:
        text = (
            "dAte,KIND,Name\n2025-01-01,valid_from,\n2025-12-31,valid_to,\n2025-05-01,holiday,x\n"
        )
        calendar = load_holidays(write(tmp_path, "cal.csv", text))
        assert not calendar.is_working_day(date(2025, 5, 1))


def test_meetings_problems_of_every_kind_come_together(tmp_path: Path) -> None:
    """An impossible date, an unknown kind and a repeated id are reported in one error."""
    text = (
        "- {kind: democratic_life_meeting, date: 2026-02-30, id: a}\n"
        "- {kind: democratic_life_meting, date: 2026-03-01, id: b}\n"
        "- {kind: democratic_life_meeting, date: 2026-04-01, id: a}\n"
    )
    got = problems_of(write(tmp_path, "m.yaml", text), meetings=True, kinds=KINDS)
    assert [p.split(": error: ")[1].split(":")[0] for p in got] == [
        "meetings[0].date",
        "meetings[1].kind",
        "meetings[2].id",
    ]


@pytest.mark.parametrize(
    ("name", "raw", "needle"),
    [
        ("gbk.csv", "date,kind,name\n2025-01-01,holiday,元旦\n".encode("gbk"), "looks like GBK"),
        ("gbk.yaml", "valid_from: 2025-01-01  # 元旦\n".encode("gb18030"), "looks like GBK"),
        ("u16.json", '{"valid_from": "2025-01-01"}'.encode("utf-16-le"), "without a byte-order"),
        ("u16.yaml", "valid_from: 2025-01-01\n".encode("utf-16-be"), "without a byte-order"),
    ],
)
def test_encodings_are_diagnosed(tmp_path: Path, name: str, raw: bytes, needle: str) -> None:
    """A holiday calendar in GBK, or in UTF-16 without a byte-order mark, is named as such."""
    (problem,) = problems_of(write(tmp_path, name, raw))
    assert needle in problem
    assert "save " in problem


def test_meetings_encoding_is_diagnosed(tmp_path: Path) -> None:
    """A meetings CSV in GBK says so, at the first byte that is not UTF-8."""
    raw = "kind,date,id\n民主生活會,2026-01-10,m1\n".encode("gbk")
    (problem,) = problems_of(write(tmp_path, "m.csv", raw), meetings=True)
    assert f"{tmp_path / 'm.csv'}:2:1: error: not valid UTF-8" in problem
    assert "looks like GBK" in problem


def test_empty_csv(tmp_path: Path) -> None:
    """An empty CSV (or only comments) asks for a header row."""
    path = write(tmp_path, "e.csv", "# nothing\n\n")
    assert problems_of(path) == [f"{path}:1:1: error: the file is empty (expected a header row)"]


@pytest.mark.parametrize(
    ("name", "raw", "needle"),
    [
        ("u16.yaml", "valid_from: 2025-01-01".encode("utf-16"), "UTF-16"),
        ("latin.csv", b"date,kind,name\n2025-01-01,holiday,F\xeate\n", "not valid UTF-8"),
        ("cal.txt", b"", "unknown file type '.txt'"),
        ("noext", b"", "unknown file type '(no extension)'"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, raw: bytes, needle: str) -> None:
    """Encoding and file-type problems are located InputErrors."""
    got = problems_of(write(tmp_path, name, raw))
    assert needle in got[0]


def test_missing_file_is_an_io_problem(tmp_path: Path) -> None:
    """A file that cannot be read is an InputError with code ``io``."""
    with pytest.raises(InputError) as info:
        load_holidays(tmp_path / "absent.yaml")
    assert info.value.problems[0].code == "io"
    assert "cannot read file" in info.value.problems[0].message


def test_size_limit(tmp_path: Path) -> None:
    """A file over the size limit is refused before it is parsed."""
    path = write(tmp_path, "big.csv", "date,kind\n" + "2025-01-01,holiday\n" * 100)
    with pytest.raises(InputError, match="over the limit of 100 bytes"):
        load_holidays(path, limits=Limits(max_bytes=100))


@given(text=st.text(max_size=200), ext=st.sampled_from([".yaml", ".json", ".csv"]))
def test_arbitrary_text_is_a_calendar_or_an_input_error(text: str, ext: str) -> None:
    """Whatever a file holds, loading it returns a calendar or raises InputError, nothing else."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{ext}"
        try:
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        except UnicodeEncodeError:  # pragma: no cover - hypothesis text can hold surrogates
            return
        problems: tuple[Problem, ...] = ()
        try:
            result: object = load_holidays(path)
        except InputError as exc:
            problems = exc.problems
            result = None
        assert isinstance(result, HolidayCalendar) or problems
        assert all(p.file == str(path) for p in problems)


# --------------------------------------------------------------------------- meetings

KINDS = {"democratic_life_meeting"}


def test_meetings_example_file() -> None:
    """The bundled example meetings file loads, in file order."""
    meetings = load_meetings(MEETINGS, kinds=KINDS)
    assert [(m.id, m.date) for m in meetings] == [
        ("dlm-2024", date(2025, 1, 16)),
        ("dlm-2025", date(2026, 1, 10)),
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("list.yaml", "- {kind: democratic_life_meeting, date: 2026-01-10, id: m1}\n"),
        ("map.yaml", "meetings:\n  - {kind: democratic_life_meeting, date: 2026-01-10, id: m1}\n"),
        (
            "history.yaml",
            "talks: [{not: checked here}]\nevents: []\n"
            "meetings:\n  - {kind: democratic_life_meeting, date: 2026-01-10, id: m1}\n",
        ),
        ("list.json", '[{"kind": "democratic_life_meeting", "date": "2026-01-10", "id": "m1"}]'),
        ("m.csv", "kind,date,id\ndemocratic_life_meeting,2026-01-10,m1\n"),
        ("order.csv", "id,date,kind\nm1,2026-01-10,democratic_life_meeting\n"),
    ],
)
def test_meetings_formats(tmp_path: Path, name: str, text: str) -> None:
    """A list, a ``meetings`` mapping, a history file, JSON and CSV all give the meeting."""
    meetings = load_meetings(write(tmp_path, name, text), kinds=KINDS)
    assert meetings == [Meeting(id="m1", kind="democratic_life_meeting", date=date(2026, 1, 10))]


def test_meetings_csv_without_id(tmp_path: Path) -> None:
    """The CSV ``id`` column is optional, and an empty id cell means no id."""
    path = write(tmp_path, "m.csv", "kind,date,id\ndemocratic_life_meeting,2026-01-10,\n")
    assert load_meetings(path)[0].id is None
    path = write(tmp_path, "n.csv", "kind,date\ndemocratic_life_meeting,2026-01-10\n")
    assert load_meetings(path)[0].id is None


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "kind.yaml",
            "- {kind: democratic_life_meting, date: 2026-01-10}\n",
            ":1:10: error: meetings[0].kind: unknown meeting kind 'democratic_life_meting' "
            "(did you mean 'democratic_life_meeting'?)",
        ),
        (
            "dup.yaml",
            "- {kind: democratic_life_meeting, date: 2026-01-10, id: a}\n"
            "- {kind: democratic_life_meeting, date: 2027-01-10, id: a}\n",
            ":2:57: error: meetings[1].id: duplicate meeting id 'a' (also meetings[0])",
        ),
        (
            "date.csv",
            "kind,date,id\ndemocratic_life_meeting,2026-01-10,a\ndemocratic_life_meeting,10/01/2026,b\n",
            ":3:25: error: meetings[1].date: expected a date as YYYY-MM-DD, got '10/01/2026'",
        ),
        (
            "extra.yaml",
            "meetings: []\ncolour: red\n",
            ":2:1: error: colour: unknown key (not part of the file format",
        ),
        ("scalar.yaml", "just text\n", ":1:1: error: a meetings file must be a list"),
        ("nokey.yaml", "talks: []\n", ":1:1: error: meetings: required key is missing"),
        ("cols.csv", "kind,when\n", ":1:6: error: unknown column 'when'"),
        ("nodate.csv", "kind,id\n", ":1:1: error: the header has no 'date' column"),
    ],
)
def test_meetings_errors_are_located(tmp_path: Path, name: str, text: str, expected: str) -> None:
    """Meetings file problems are located like the policy's."""
    path = write(tmp_path, name, text)
    got = problems_of(path, meetings=True, kinds=KINDS)
    assert any(p.startswith(f"{path}{expected}") for p in got), got


def test_meeting_kinds_are_not_checked_without_kinds(tmp_path: Path) -> None:
    """Without ``kinds`` any meeting kind is accepted (the caller checks)."""
    path = write(tmp_path, "m.yaml", "- {kind: anything, date: 2026-01-10}\n")
    assert load_meetings(path)[0].kind == "anything"


# --------------------------------------------------------------------------- China adapter


def test_china_adapter_agrees_with_the_package_every_day() -> None:
    """For every year the package covers, the adapter's calendar says what the package says."""
    cc = pytest.importorskip("chinese_calendar")
    first, last = china_coverage()
    assert first <= 2025
    assert last >= 2026
    cal = china_holidays()
    assert (cal.valid_from, cal.valid_to) == (date(first, 1, 1), date(last, 12, 31))
    differ = [
        d for d in days(cal.valid_from, cal.valid_to) if cal.is_working_day(d) != cc.is_workday(d)
    ]
    assert differ == []


def test_china_adapter_matches_the_bundled_file() -> None:
    """The adapter for 2025–2026 has the same working days as the bundled YAML file."""
    pytest.importorskip("chinese_calendar")
    adapter, bundled = china_holidays(2025, 2026), load_holidays(CN)
    assert (adapter.valid_from, adapter.valid_to) == (bundled.valid_from, bundled.valid_to)
    for d in days(bundled.valid_from, bundled.valid_to):
        assert adapter.is_working_day(d) == bundled.is_working_day(d), d


def test_china_adapter_groups_runs_and_names_them() -> None:
    """Consecutive days of one holiday become one entry named in Chinese and English."""
    pytest.importorskip("chinese_calendar")
    cal = china_holidays(2025, 2025)
    spring = next(e for e in cal.holidays if "Spring Festival" in e.name)
    assert (spring.from_, spring.to) == (date(2025, 1, 28), date(2025, 2, 4))
    assert spring.name == "春节 (Spring Festival)"
    assert [e.date for e in cal.workdays] == [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    ]
    assert cal.holiday_name(date(2025, 1, 30)) == "春节 (Spring Festival)"


def test_china_adapter_refuses_years_it_does_not_cover() -> None:
    """A year outside the package's data is a CalendarError naming the covered years."""
    pytest.importorskip("chinese_calendar")
    first, last = china_coverage()
    with pytest.raises(CalendarError, match=f"{first}–{last} only"):
        china_holidays(first, last + 1)
    with pytest.raises(CalendarError, match="only"):
        china_holidays(first - 1, first)
    with pytest.raises(CalendarError, match="before start year"):
        china_holidays(2026, 2025)
    with pytest.raises(CalendarError, match="outside the holiday calendar's range"):
        china_holidays(2025, 2025).is_working_day(date(2026, 1, 1))


def test_china_adapter_without_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the extra installed, the adapter says how to install it."""
    monkeypatch.setitem(sys.modules, "chinese_calendar", None)
    with pytest.raises(CalendarError, match=r"pip install 'tanxin-rules\[china\]'"):
        china_holidays(2025, 2025)
