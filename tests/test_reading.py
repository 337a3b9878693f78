"""Tests for reading rosters and histories (``tanxin_rules._reading``)."""

from __future__ import annotations

import codecs
import gc
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanxin_rules._errors import InputError, Problem
from tanxin_rules._inputs import RoleHolding
from tanxin_rules._reading import (
    CSV_COLUMNS,
    CSV_MAX_COLUMNS,
    INPUT_LIMITS,
    Format,
    Loaded,
    RecordLines,
    load_history,
    load_roster,
    parse_history,
    parse_roster,
)
from tanxin_rules._report import Finding
from tanxin_rules._yaml import Limits

ROSTER_YAML = """\
units:
  - id: med
    name: 內科
    kind: section
branches:
  - id: b1
    name: 第一支部
people:
  - id: p1
    name: 張三
    roles:
      - role: secretary
      - role: vice_president
        since: 2026-03-01
        until: 2026-11-30
    unit: med
    branch: b1
    party_member: true
    party_joined: 1999-07-01
  - id: p2
    name: 李四
    unit: med
"""

HISTORY_YAML = """\
talks:
  - id: t1
    date: 2026-01-05
    time: 14:30
    participants: [p1, p2]
    topics: [work]
    reply_requests:
      - id: r1
        requested_by: p1
events:
  - id: e1
    kind: promotion
    person: p2
    date: 2026-02-01
meetings:
  - kind: democratic_life
    date: 2026-12-20
"""


def problem_of(call: Any, *args: Any, **kwargs: Any) -> Problem:
    """The single problem of the InputError that ``call`` raises."""
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


def where(finding: Finding) -> tuple[str | None, str | None, int | None]:
    """A finding's record, file and line."""
    return finding.record, finding.file, finding.line


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the only occurrence of ``needle`` in ``text``."""
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


# --------------------------------------------------------------------------- formats


def test_yaml_roster_reads_every_part() -> None:
    """A YAML roster gives units, branches and people, with their lines."""
    loaded = parse_roster(ROSTER_YAML, fmt="yaml", name="r.yaml")
    roster = loaded.value
    assert [u.id for u in roster.units] == ["med"]
    assert [b.id for b in roster.branches] == ["b1"]
    assert [p.id for p in roster.people] == ["p1", "p2"]
    assert roster.people[0].roles[1] == RoleHolding(
        role="vice_president", since=date(2026, 3, 1), until=date(2026, 11, 30)
    )
    assert loaded.findings == []
    assert dict(loaded.lines) == {
        ("unit", "med"): ("r.yaml", 2),
        ("branch", "b1"): ("r.yaml", 6),
        ("person", "p1"): ("r.yaml", 9),
        ("person", "p2"): ("r.yaml", 20),
    }


def test_json_roster_reads_like_yaml() -> None:
    """The same roster as JSON gives the same model."""
    data = {
        "units": [{"id": "med", "name": "內科", "kind": "section"}],
        "branches": [{"id": "b1", "name": "第一支部"}],
        "people": [
            {"id": "p1", "name": "張三", "roles": [{"role": "secretary"},
             {"role": "vice_president", "since": "2026-03-01", "until": "2026-11-30"}],
             "unit": "med", "branch": "b1", "party_member": True, "party_joined": "1999-07-01"},
            {"id": "p2", "name": "李四", "unit": "med"},
        ],
    }  # fmt: skip
    from_json = parse_roster(json.dumps(data, ensure_ascii=False), fmt="json")
    assert from_json.value == parse_roster(ROSTER_YAML, fmt="yaml").value
    assert from_json.findings == []


def test_yaml_history_reads_every_part() -> None:
    """A YAML history gives talks (with reply requests), events and meetings, with lines."""
    loaded = parse_history(HISTORY_YAML, fmt="yaml", name="h.yaml")
    history = loaded.value
    assert history.talks[0].time is not None
    assert history.talks[0].time.hour == 14
    assert history.talks[0].reply_requests[0].id == "r1"
    assert history.events[0].kind == "promotion"
    assert history.meetings[0].id is None
    assert dict(loaded.lines) == {
        ("talk", "t1"): ("h.yaml", 2),
        ("reply_request", "r1"): ("h.yaml", 8),
        ("event", "e1"): ("h.yaml", 11),
        ("meeting", "#0"): ("h.yaml", 16),
    }


def test_json_history_lines_are_the_id_lines() -> None:
    """For JSON, a record's line is the line of its ``"id"`` key."""
    text = """{
  "talks": [
    {
      "id": "t1",
      "date": "2026-01-05",
      "participants": ["p1", "p2"],
      "reply_requests": [{"id": "r1", "requested_by": "p1"},
                         {"id": "r2", "requested_by": "p2"}]
    },
    {"id": "t2", "date": "2026-01-06", "participants": ["p1", "p2"]}
  ],
  "events": [{"id": "e1", "kind": "promotion", "person": "p2", "date": "2026-02-01"}]
}"""
    loaded = parse_history(text, fmt="json", name="h.json")
    assert loaded.findings == []
    assert dict(loaded.lines) == {
        ("talk", "t1"): ("h.json", 4),
        ("reply_request", "r1"): ("h.json", 7),
        ("reply_request", "r2"): ("h.json", 8),
        ("talk", "t2"): ("h.json", 10),
        ("event", "e1"): ("h.json", 12),
    }


def test_json_lines_when_a_nested_id_repeats_the_next_record_id() -> None:
    """A reply request whose id is the next talk's id does not shift the next talk's line."""
    text = (
        '{"talks": [\n'
        '{"reply_requests": [{"id": "t2", "requested_by": "p1"}], "id": "t1",'
        ' "date": "2026-01-05", "participants": ["p1", "p2"]},\n'
        '{"id": "t2", "date": "2026-01-06", "participants": ["p1", "p2"]}\n'
        "]}"
    )
    lines = parse_history(text, fmt="json", name="h.json").lines
    assert lines[("talk", "t1")] == ("h.json", 2)
    assert lines[("talk", "t2")] == ("h.json", 3)
    assert lines[("reply_request", "t2")] == ("h.json", 2)


def test_json_lines_fall_back_to_the_record_start() -> None:
    """An escaped ``"id"`` key, or a record without an id, is placed by where it starts."""
    text = (
        '{"talks": [\n'
        '{"\\u0069d": "t1", "date": "2026-01-05", "participants": ["p1", "p2"]},\n'
        '{"id": "t2", "date": "2026-01-06", "participants": ["p1", "p2"]}\n'
        '],\n"meetings": [\n{"kind": "democratic_life",\n "date": "2026-12-20"}]}'
    )
    lines = parse_history(text, fmt="json", name="h.json").lines
    assert lines[("talk", "t1")] == ("h.json", 2)
    assert lines[("talk", "t2")] == ("h.json", 3)
    assert lines[("meeting", "#0")] == ("h.json", 6)


def test_json_lines_are_computed_on_first_use() -> None:
    """JSON lines cost nothing until asked for, then are computed once."""
    loaded = parse_history('{"talks": [{"id": "t1", "date": "2026-01-05",'
                           ' "participants": ["a", "b"]}]}', fmt="json")  # fmt: skip
    lines = loaded.lines
    assert isinstance(lines, RecordLines)
    assert len(lines) == 1
    assert ("talk", "t1") in lines
    assert ("talk", "nope") not in lines
    assert lines.get(("talk", "nope")) is None
    assert lines[("talk", "t1")] == ("<string>", 1)
    assert "1 records" in repr(lines)
    assert lines.to_dict() == dict(lines) == {("talk", "t1"): ("<string>", 1)}


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "t\u4e00", 'q"x', "s\\y"]),
            st.lists(st.sampled_from(["a", "b", "r", "c"]), max_size=3),
            st.booleans(),
        ),
        max_size=8,
    ),
    st.booleans(),
)
def test_json_lines_match_one_record_per_line(
    records: list[tuple[str, list[str], bool]], ascii_only: bool
) -> None:
    """With one record per line, every kept record's line is its own line (property)."""
    rows = []
    for tid, replies, replies_first in records:
        talk: dict[str, Any] = {"date": "2026-01-05", "participants": ["p1", "p2"]}
        requests = [{"id": r, "requested_by": "p1"} for r in replies]
        talk = {"reply_requests": requests, "id": tid, **talk} if replies_first else {
            "id": tid, **talk, "reply_requests": requests}  # fmt: skip
        rows.append(json.dumps(talk, ensure_ascii=ascii_only))
    text = '{"talks": [\n' + ",\n".join(rows) + "\n]}"
    loaded = parse_history(text, fmt="json", name="h.json")
    assert loaded.findings == []
    first: dict[str, int] = {}
    for i, (tid, _, _) in enumerate(records):
        first.setdefault(tid, i + 2)
    for tid, line in first.items():
        assert loaded.lines[("talk", tid)] == ("h.json", line)


# --------------------------------------------------------------------------- CSV


def test_csv_roster_columns() -> None:
    """A roster CSV: one row per person; units and branches come from the distinct values."""
    text = (
        "id,name,roles,unit,unit_kind,branch,oversees,party_member,party_joined,hired,born,"
        "appointed,left\n"
        "p1,張三,secretary;president,lead,leadership,b1,med;surg,true,1999-07-01,2001-09-01,"
        "1970-05-04,2020-01-01,\n"
        "p2,李四,head@2026-03-01..,med,section,b1,,false,,,,,2026-10-31\n"
        "p3,王五,,surg,,,,,,,,,\n"
    )
    loaded = parse_roster(text, fmt="csv", name="r.csv")
    roster = loaded.value
    assert loaded.findings == []
    p1, p2, p3 = roster.people
    assert [r.role for r in p1.roles] == ["secretary", "president"]
    assert p1.oversees == ["med", "surg"]
    assert p1.party_member is True
    assert p1.party_joined == date(1999, 7, 1)
    assert p2.roles == [RoleHolding(role="head", since=date(2026, 3, 1))]
    assert p2.left == date(2026, 10, 31)
    assert p3.branch is None
    assert p3.party_member is False
    assert [(u.id, u.name, u.kind) for u in roster.units] == [
        ("lead", "lead", "leadership"),
        ("med", "med", "section"),
        ("surg", "surg", "section"),
    ]
    assert [b.id for b in roster.branches] == ["b1"]
    assert loaded.lines[("person", "p3")] == ("r.csv", 4)
    assert loaded.lines[("unit", "surg")] == ("r.csv", 4)
    assert loaded.lines[("branch", "b1")] == ("r.csv", 2)


def test_csv_roster_organisation_column() -> None:
    """The ``organisation`` column is read like ``branch``: stripped, empty is none."""
    text = "id,name,branch,organisation\np1,甲,b1, H01 \np2,乙,,\n"
    loaded = parse_roster(text, fmt="csv", name="r.csv")
    assert loaded.findings == []
    assert [p.organisation for p in loaded.value.people] == ["H01", None]


def test_csv_roster_columns_list_organisation_after_branch() -> None:
    """The documented column order (bench/generate.py writes its header from it)."""
    columns = CSV_COLUMNS["people"]
    assert columns.index("organisation") == columns.index("branch") + 1


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("director", RoleHolding(role="director")),
        ("vice_president@2026-03-01..", RoleHolding(role="vice_president", since=date(2026, 3, 1))),
        ("head@..2026-06-30", RoleHolding(role="head", until=date(2026, 6, 30))),
        (
            "head@2026-01-01..2026-06-30",
            RoleHolding(role="head", since=date(2026, 1, 1), until=date(2026, 6, 30)),
        ),
        (" head @ 2026-01-01 .. ", RoleHolding(role="head", since=date(2026, 1, 1))),
        ("head@..", RoleHolding(role="head")),
    ],
)
def test_csv_role_since_until(cell: str, expected: RoleHolding) -> None:
    """A role cell item is ``role`` or ``role@SINCE..UNTIL`` with either end optional."""
    loaded = parse_roster(f'id,name,roles\np1,N,"{cell}"\n', fmt="csv")
    assert loaded.findings == []
    assert loaded.value.people[0].roles == [expected]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("head@2026-01-01", "is not ROLE or ROLE@SINCE..UNTIL"),
        ("@2026-01-01..", "is not ROLE or ROLE@SINCE..UNTIL"),
        ("head@2026-02-30..", "not a real date"),
        ("head@2026-06-30..2026-01-01", "until is before since"),
    ],
)
def test_csv_bad_role_is_a_record_finding(cell: str, message: str) -> None:
    """A role item that cannot be read leaves the person out with a finding on its row."""
    loaded = parse_roster(f"id,name,roles\np0,ok,\np1,N,{cell}\n", fmt="csv", name="r.csv")
    assert [p.id for p in loaded.value.people] == ["p0"]
    (finding,) = loaded.findings
    assert where(finding) == ("p1", "r.csv", 3)
    assert finding.code == "invalid-record"
    assert finding.severity == "error"
    assert message in finding.message.en


@pytest.mark.parametrize(
    ("cell", "value"),
    [("true", True), ("TRUE", True), ("True", True), ("1", True), ("false", False),
     ("FALSE", False), ("0", False), ("", False)],
)  # fmt: skip
def test_csv_party_member_booleans(cell: str, value: bool) -> None:
    """party_member accepts true/false (any of three spellings) and 1/0; empty means false."""
    loaded = parse_roster(f"id,name,party_member\np1,N,{cell}\n", fmt="csv")
    assert loaded.findings == []
    assert loaded.value.people[0].party_member is value


@pytest.mark.parametrize("cell", ["yes", "no", "是", "否", "Y", "on", "t", "2"])
def test_csv_party_member_refuses_guesses(cell: str) -> None:
    """Anything else is not guessed at: the row becomes a finding saying what to write."""
    loaded = parse_roster(f"id,name,party_member\np1,N,{cell}\n", fmt="csv", name="r.csv")
    assert loaded.value.people == []
    (finding,) = loaded.findings
    assert where(finding) == ("p1", "r.csv", 2)
    assert "write true or false" in finding.message.en


def test_csv_unit_kind_conflict_and_orphan_are_warnings() -> None:
    """Conflicting unit kinds keep the first; a unit_kind without a unit is reported."""
    text = "id,name,unit,unit_kind\np1,A,med,section\np2,B,med,department\np3,C,,section\n"
    loaded = parse_roster(text, fmt="csv", name="r.csv")
    assert [p.id for p in loaded.value.people] == ["p1", "p2", "p3"]
    assert [(u.id, u.kind) for u in loaded.value.units] == [("med", "section")]
    conflict, orphan = loaded.findings
    assert (conflict.code, conflict.severity, *where(conflict)) == (
        "conflicting-unit-kind", "warning", "p2", "r.csv", 3,
    )  # fmt: skip
    assert "r.csv:2" in conflict.message.en
    assert (orphan.code, *where(orphan)) == ("ignored-cell", "p3", "r.csv", 4)


def test_csv_unit_kind_given_later_is_used() -> None:
    """A unit's kind may be given on any of its rows."""
    text = "id,name,unit,unit_kind\np1,A,med,\np2,B,med,department\n"
    loaded = parse_roster(text, fmt="csv")
    assert [(u.id, u.kind) for u in loaded.value.units] == [("med", "department")]
    assert loaded.findings == []


def test_csv_history_kinds_are_told_by_the_header() -> None:
    """A history CSV holds talks, events or meetings, told apart by its columns."""
    talks = parse_history(
        "id,date,time,participants,mode,initiator,topics,answers_event,reason\n"
        't1,2026-01-05,09:00,p1;p2;p3,collective,p1,work; life ,e1,"staff, many"\n',
        fmt="csv",
    ).value.talks
    assert talks[0].participants == ["p1", "p2", "p3"]
    assert talks[0].topics == ["work", "life"]
    assert talks[0].reason == "staff, many"
    events = parse_history(
        "id,kind,person,date,counterpart,agreed_date\ne1,asks_talk,p1,2026-01-05,p2,2026-01-09\n",
        fmt="csv",
    ).value.events
    assert events[0].agreed_date == date(2026, 1, 9)
    meetings = parse_history("kind,date,id\ndlm,2026-12-20,\n", fmt="csv")
    assert meetings.value.meetings[0].id is None
    assert meetings.lines[("meeting", "#0")] == ("<string>", 2)
    own = parse_history("kind,date,organisation,branch\ndlm,2026-12-20,H2,b1\n", fmt="csv")
    assert (own.value.meetings[0].organisation, own.value.meetings[0].branch) == ("H2", "b1")


def test_csv_history_of_unknown_kind() -> None:
    """A header naming none of participants / person / kind is refused."""
    problem = problem_of(parse_history, "id,date\nt1,2026-01-05\n", fmt="csv")
    assert "cannot tell what this CSV holds" in problem.message


def test_csv_unknown_columns_are_located() -> None:
    """Each unknown column is a problem at ``file:1:col``."""
    with pytest.raises(InputError) as info:
        parse_roster('id,name,"colour",shoe\np1,N,red,42\n', fmt="csv", name="r.csv")
    assert [(p.line, p.col, p.code) for p in info.value.problems] == [
        (1, 9, "unknown-column"),
        (1, 18, "unknown-column"),
    ]
    assert "'colour'" in info.value.problems[0].message
    assert "a roster CSV has the columns id, name, roles" in info.value.problems[0].message


def test_csv_header_problems() -> None:
    """A repeated column or a missing required one is refused."""
    with pytest.raises(InputError) as info:
        parse_history("id,participants,id\n", fmt="csv")
    codes = [p.code for p in info.value.problems]
    assert codes == ["duplicate-column", "missing-column"]
    assert "'date'" in info.value.problems[1].message


def test_csv_semicolon_separated_gets_a_hint() -> None:
    """A file separated by ``;`` is refused with a hint."""
    problem = problem_of(parse_roster, "id;name\np1;N\n", fmt="csv")
    assert "use ','" in problem.message
    assert problem.code == "header"


@pytest.mark.parametrize("text", ["", "\n\n", "\ufeff"])
def test_csv_needs_a_header(text: str) -> None:
    """An empty file, or one whose first line is blank, has no header."""
    problem = problem_of(parse_roster, text, fmt="csv")
    assert problem.code in {"empty", "header"}


def test_csv_wrong_cell_count_is_a_record_finding() -> None:
    """A row with too few or too many cells is a finding on the line where it starts."""
    text = (
        "id,date,participants,reason\n"
        't1,2026-01-05,a;b,"multi\nline reason"\n'
        "t2,2026-01-05\n"
        "\n"
        "t3,2026-01-05,a;b,,extra\n"
        "t4,2026-01-05,a;b,\n"
    )
    loaded = parse_history(text, fmt="csv", name="h.csv")
    assert [t.id for t in loaded.value.talks] == ["t1", "t4"]
    assert [where(f) for f in loaded.findings] == [("t2", "h.csv", 4), ("t3", "h.csv", 6)]
    assert "2 cells but the header has 4 columns" in loaded.findings[0].message.en
    assert "5 cells" in loaded.findings[1].message.en
    assert loaded.lines[("talk", "t4")] == ("h.csv", 7)


def test_csv_line_break_in_a_name_is_a_finding_but_fine_in_a_reason() -> None:
    """Line breaks are control characters in names, but text in a free-text cell."""
    roster = parse_roster('id,name\np1,"two\nlines"\np2,ok\n', fmt="csv", name="r.csv")
    assert [p.id for p in roster.value.people] == ["p2"]
    assert where(roster.findings[0]) == ("p1", "r.csv", 2)
    assert "U+000A" in roster.findings[0].message.en
    history = parse_history(
        'id,date,participants,reason\nt1,2026-01-05,a;b;c,"line one\nline two"\n', fmt="csv"
    )
    assert history.findings == []
    assert history.value.talks[0].reason == "line one\nline two"


def test_csv_formula_injection_is_kept_verbatim() -> None:
    """Cells a spreadsheet would execute are data here: kept exactly (escaping is output's job)."""
    names = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A9)", " =1 "]
    rows = "".join(f'p{i},"{n.replace(chr(34), chr(34) * 2)}"\n' for i, n in enumerate(names))
    loaded = parse_roster("id,name\n" + rows, fmt="csv")
    assert loaded.findings == []
    assert [p.name for p in loaded.value.people] == names


def test_csv_syntax_error_is_located() -> None:
    """Malformed quoting is a file-level error at its line."""
    problem = problem_of(parse_roster, 'id,name\np1,ok\np2,"bad"x\n', fmt="csv", name="r.csv")
    assert (problem.file, problem.line, problem.code) == ("r.csv", 3, "csv")


def test_csv_cell_limit() -> None:
    """``max_nodes`` bounds the number of cells."""
    text = "id,name\n" + "".join(f"p{i},N\n" for i in range(100))
    limits = Limits(max_nodes=50)
    problem = problem_of(parse_roster, text, fmt="csv", limits=limits)
    assert problem.code == "too-large"


def test_csv_10k_columns_is_refused_quickly() -> None:
    """A 10 000-column CSV is refused at once, without 10 000 messages."""
    header = ",".join(f"c{i}" for i in range(10_000))
    rows = "\n".join(",".join("1" for _ in range(10_000)) for _ in range(3))
    started = time.perf_counter()
    problem = problem_of(parse_history, f"{header}\n{rows}\n", fmt="csv")
    assert time.perf_counter() - started < 30.0  # hang guard
    assert problem.code == "too-many-columns"
    assert str(CSV_MAX_COLUMNS) in problem.message


def test_csv_10k_cells_in_a_row_is_a_finding_quickly() -> None:
    """A data row of 10 000 cells is one finding, in bounded time."""
    started = time.perf_counter()
    loaded = parse_roster("id,name\np1," + ",".join("x" * 10_000) + "\n", fmt="csv")
    assert time.perf_counter() - started < 30.0  # hang guard
    (finding,) = loaded.findings
    assert "10001 cells" in finding.message.en


# --------------------------------------------------------------------------- record findings


BAD_HISTORY_YAML = """\
talks:
  - id: t1
    date: 2026-02-30
    participants: [p1, p2]
  - id: t2
    date: 0000-01-01
    participants: [p1, p2]
  - id: t3
    date: 10000-01-01
    participants: [p1, p2]
  - id: t4
    date: 2026-01-05
    participants: [p1]
  - id: t5
    date: 2026-01-05
    participants: [p1, p2]
    mode: group
  - date: 2026-01-05
    participants: [p1, p2]
  - id: t7
    date: 2026-01-05
    participants: [p1, p2]
"""


def test_record_findings_name_the_record_file_and_line() -> None:
    """Each unusable record is one finding with its id (or #index), file and line."""
    loaded = parse_history(BAD_HISTORY_YAML, fmt="yaml", name="h.yaml")
    assert [t.id for t in loaded.value.talks] == ["t7"]
    assert [where(f) for f in loaded.findings] == [
        ("t1", "h.yaml", 2),
        ("t2", "h.yaml", 5),
        ("t3", "h.yaml", 8),
        ("t4", "h.yaml", 11),
        ("t5", "h.yaml", 14),
        ("#5", "h.yaml", 18),
    ]
    assert all(f.code == "invalid-record" and f.record_kind == "talk" for f in loaded.findings)
    messages = [f.message.en for f in loaded.findings]
    assert "date: '2026-02-30' is not a real date" in messages[0]
    assert "year 0 is out of range" in messages[1]
    assert "expected a date as YYYY-MM-DD, got '10000-01-01'" in messages[2]
    assert "participants: List should have at least 2 items" in messages[3]
    assert "mode: Input should be 'individual' or 'collective'" in messages[4]
    assert "id: required field is missing" in messages[5]
    assert loaded.findings[0].message.zh.startswith("談話記錄 t1 無效")
    assert loaded.lines[("talk", "t7")] == ("h.yaml", 20)


def test_record_findings_in_json_have_the_same_lines() -> None:
    """JSON record findings carry the line of the record's id (or its start)."""
    text = (
        '{"people": [\n'
        '  {"id": "p1", "name": "A", "born": "2026-02-30"},\n'
        '  {"id": "p2", "name": "B"},\n'
        '  {"id": ["p3"], "name": "C"},\n'
        '  {"id": "p4",\n   "name": 5}\n'
        "]}"
    )
    loaded = parse_roster(text, fmt="json", name="r.json")
    assert [where(f) for f in loaded.findings] == [
        ("p1", "r.json", 2),
        ("#2", "r.json", 4),
        ("p4", "r.json", 5),
    ]
    assert "name: Input should be a valid string (got a number)" in loaded.findings[2].message.en
    assert loaded.lines[("person", "p2")] == ("r.json", 3)


def test_yaml_ambiguous_value_gets_the_yaml_11_hint() -> None:
    """An unquoted ``yes`` in a boolean field is refused with the YAML 1.1 hint."""
    loaded = parse_roster("people:\n  - id: p1\n    name: N\n    party_member: yes\n", fmt="yaml")
    (finding,) = loaded.findings
    assert "party_member: unquoted `yes` is ambiguous" in finding.message.en
    assert "write true for a boolean" in finding.message.en


def test_unknown_field_is_named_even_when_its_value_is_a_yaml_trap() -> None:
    """A misspelt field is reported as unknown, not as the YAML 1.1 trap its value also is."""
    loaded = parse_roster("people:\n  - id: p1\n    name: Wu\n    party_membr: no\n", fmt="yaml")
    (finding,) = loaded.findings
    assert "party_membr: unknown field (check the spelling)" in finding.message.en
    assert "ambiguous" not in finding.message.en


def test_unquoted_clock_out_of_range_says_what_a_clock_is() -> None:
    """An unquoted ``24:00`` in a talk's time is read as a clock and refused as one: quoting
    it would not help, so the message is the clock's, not the YAML 1.1 hint."""
    text = "talks:\n  - id: t1\n    date: 2025-03-03\n    time: 24:00\n    participants: [a, b]\n"
    (finding,) = parse_history(text, fmt="yaml").findings
    assert "time: expected a clock time as HH:MM (24-hour), got '24:00'" in finding.message.en


def test_unknown_field_is_a_record_finding() -> None:
    """A misspelt field leaves the record out, naming the field."""
    loaded = parse_roster("people:\n  - id: p1\n    name: N\n    nmae: M\n", fmt="yaml")
    assert "nmae: unknown field" in loaded.findings[0].message.en


@pytest.mark.parametrize(
    ("name", "code_point"),
    [
        ('"bell\\a"', "U+0007"),
        ('"esc\\e[31m"', "U+001B"),
        ('"two\\nlines"', "U+000A"),
        ('"tab\\there"', "U+0009"),
        ('"nel\\N"', "U+0085"),
        ('"right\\u202eto left"', "U+202E"),
        ('"del\\x7f"', "U+007F"),
        ('"line\\Lsep"', "U+2028"),
    ],
)
def test_control_characters_in_names_are_findings(name: str, code_point: str) -> None:
    """Control, separator and bidi-override characters in a name leave the person out."""
    loaded = parse_roster(f"people:\n  - id: p1\n    name: {name}\n", fmt="yaml", name="r.yaml")
    assert loaded.value.people == []
    (finding,) = loaded.findings
    assert where(finding) == ("p1", "r.yaml", 2)
    assert code_point in finding.message.en


def test_control_characters_in_json_are_found() -> None:
    """Escaped controls and lone surrogates in JSON strings are found too."""
    text = (
        '{"people": [{"id": "p1", "name": "a\\u0007b"}, {"id": "p2", "name": "\\ud800"},'
        ' {"id": "p3", "name": "\\ud83d\\ude00 ok"}, {"id": "p4", "name": "a\\u0085"}]}'
    )
    loaded = parse_roster(text, fmt="json")
    assert [p.id for p in loaded.value.people] == ["p3"]
    assert [f.record for f in loaded.findings] == ["p1", "p2", "p4"]
    assert "U+D800" in loaded.findings[1].message.en
    assert all("\ud800" not in f.message.en for f in loaded.findings)


def test_free_text_may_hold_line_breaks_but_not_other_controls() -> None:
    """Topics, reasons and matters may hold tabs and line breaks, not other controls."""
    text = """talks:
  - id: t1
    date: 2026-01-05
    participants: [p1, p2, p3]
    mode: collective
    reason: "line one\\nline two\\tand a tab"
    topics: ["a\\nb"]
    reply_requests: [{id: r1, requested_by: p1, matter: "x\\ny"}]
  - id: t2
    date: 2026-01-05
    participants: [p1, p2]
    topics: ["bell\\a"]
"""
    loaded = parse_history(text, fmt="yaml")
    assert [t.id for t in loaded.value.talks] == ["t1"]
    assert "topics[0]: holds the control character U+0007" in loaded.findings[0].message.en


def test_an_unusable_id_is_replaced_by_the_index() -> None:
    """A record whose id is not usable text is named by its index."""
    long_id = "x" * 129
    text = f"people:\n  - id: p0\n    name: ok\n  - id: {long_id}\n    name: N\n  - name: M\n"
    loaded = parse_roster(text, fmt="yaml")
    assert [f.record for f in loaded.findings] == ["#1", "#2"]


def test_many_problems_in_one_record_are_capped() -> None:
    """A record with thousands of problems gives one finding of bounded length."""
    talk = {"id": "t1", "date": "2026-01-05", "participants": list(range(5000))}
    loaded = parse_history(json.dumps({"talks": [talk]}), fmt="json")
    (finding,) = loaded.findings
    assert "and 4992 more problems" in finding.message.en
    assert len(finding.message.en) <= 2000


def test_huge_values_do_not_make_huge_messages() -> None:
    """A megabyte-long bad date is cut short in the message."""
    text = json.dumps({"talks": [{"id": "t1", "date": "9" * 1_000_000, "participants": []}]})
    (finding,) = parse_history(text, fmt="json").findings
    assert len(finding.message.en) < 1000


def test_duplicate_ids_are_kept_for_the_engine() -> None:
    """Records sharing an id are all kept (the engine reports them); lines name the first."""
    text = "people:\n  - id: p1\n    name: A\n  - id: p1\n    name: B\n"
    loaded = parse_roster(text, fmt="yaml", name="r.yaml")
    assert [p.name for p in loaded.value.people] == ["A", "B"]
    assert loaded.findings == []
    assert loaded.lines[("person", "p1")] == ("r.yaml", 2)


# --------------------------------------------------------------------------- whole-file problems


def test_duplicate_key_in_a_json_record_is_located() -> None:
    """A key given twice inside a record is an InputError at the second key."""
    text = (
        '{"talks": [\n {"id": "t0", "date": "2026-01-05", "participants": ["a", "b"]},\n'
        ' {"id": "t1", "date": "2026-01-05",\n  "date": "2026-01-06", "participants": ["a", "b"]}'
        "\n]}"
    )
    problem = problem_of(parse_history, text, fmt="json", name="h.json")
    assert (problem.file, problem.line, problem.col, problem.code) == (
        "h.json", 4, 3, "duplicate-key",
    )  # fmt: skip
    assert "'date'" in problem.message
    assert "first given at line 3, column 15" in problem.message


def test_duplicate_top_level_key_in_json_is_located() -> None:
    """A top-level key given twice is located too."""
    problem = problem_of(parse_history, '{"talks": [],\n "talks": []}', fmt="json")
    assert (problem.line, problem.col) == (2, 2)


def test_duplicate_key_deep_in_json_is_located() -> None:
    """A repeated key in a nested object is located."""
    text = (
        '{"talks": [{"id": "t1", "date": "2026-01-05", "participants": ["a", "b"],\n'
        ' "reply_requests": [{"id": "r1", "requested_by": "a", "id": "r2"}]}]}'
    )
    problem = problem_of(parse_history, text, fmt="json")
    second = text.rindex('"id"')
    assert (problem.line, problem.col) == (2, second - text.index("\n"))


def test_duplicate_key_in_yaml_is_located() -> None:
    """YAML duplicate keys are refused by the reader with their position."""
    problem = problem_of(parse_roster, "people:\n  - id: p1\n    id: p2\n", fmt="yaml")
    assert (problem.line, problem.code) == (3, "duplicate-key")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_unknown_top_level_keys_and_wrong_sections(fmt: Format) -> None:
    """Unknown top-level keys and sections that are not lists are InputErrors, located."""
    data = {"talks": [], "talk": [], "events": {"id": "e1"}}
    text = json.dumps(data, indent=1)
    with pytest.raises(InputError) as info:
        parse_history(text, fmt=fmt, name="h")
    problems = info.value.problems
    assert [(p.code, p.path, p.line) for p in problems] == [
        ("unknown-key", ("talk",), 3),
        ("shape", ("events",), 4),
    ]
    assert "expected talks, events, meetings" in problems[0].message


@pytest.mark.parametrize(("fmt", "text"), [("yaml", "- a\n- b\n"), ("json", "\n  [1, 2]")])
def test_root_must_be_a_mapping(fmt: Format, text: str) -> None:
    """A document that is not a mapping is refused at its start."""
    problem = problem_of(parse_roster, text, fmt=fmt)
    assert problem.code == "shape"
    assert problem.line == (1 if fmt == "yaml" else 2)


def test_null_sections_are_empty() -> None:
    """``talks:`` with nothing under it means no talks."""
    loaded = parse_history("talks:\nevents: []\n", fmt="yaml")
    assert loaded.value.talks == []
    assert loaded.findings == []


@pytest.mark.parametrize(
    "text",
    [
        '{"talks": [{"id": "t1", "date": "2026-01-05", "particip',
        '{"talks": [{"id": "t1", "date": "2026-01-05"},\n  ',
        '{"talks": [',
    ],
)
def test_truncated_json_says_so(text: str) -> None:
    """JSON cut short is an InputError that says the file may be cut short."""
    problem = problem_of(parse_history, text, fmt="json", name="h.json")
    assert problem.code == "json"
    assert problem.file == "h.json"
    assert "cut short" in problem.message


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_empty_documents_are_refused(fmt: Format) -> None:
    """An empty YAML or JSON file is an InputError."""
    problem = problem_of(parse_history, "  \n", fmt=fmt)
    assert "empty" in problem.message


def test_deep_json_is_refused() -> None:
    """JSON nested deeper than the parser goes is an InputError, not a crash."""
    problem = problem_of(parse_history, '{"talks": ' + "[" * 100_000 + "]" * 100_000 + "}",
                         fmt="json")  # fmt: skip
    assert problem.code == "too-deep"


def test_json_number_too_long_is_located() -> None:
    """An integer too long to convert is an InputError at its line."""
    problem = problem_of(parse_history, '{"talks": [\n' + "1" * 5000 + "]}", fmt="json")
    assert (problem.line, problem.col) == (2, 1)


def test_yaml_alias_bomb_roster_is_refused_quickly() -> None:
    """A billion-laughs roster is refused by the node limit in bounded time."""
    lines = ["people:", "  - id: p0", "    name: b", "    oversees: &a0 [x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        refs = ", ".join([f"*a{i - 1}"] * 8)
        lines += [f"  - id: p{i}", "    name: b", f"    oversees: &a{i} [{refs}]"]
    started = time.perf_counter()
    problem = problem_of(parse_roster, "\n".join(lines) + "\n", fmt="yaml")
    assert time.perf_counter() - started < 30.0  # hang guard
    assert problem.code == "too-large"


# --------------------------------------------------------------------------- encodings and sizes


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv"])
def test_utf8_bom_is_accepted(fmt: Format) -> None:
    """A UTF-8 byte-order mark is dropped (line 1 stays line 1)."""
    text = {
        "yaml": "people:\n  - id: p1\n    name: 張三\n",
        "json": '{"people": [{"id": "p1", "name": "張三"}]}',
        "csv": "id,name\np1,張三\n",
    }[fmt]
    loaded = parse_roster(codecs.BOM_UTF8 + text.encode(), fmt=fmt)
    assert loaded.value.people[0].name == "張三"
    assert loaded.lines[("person", "p1")][1] == (1 if fmt == "json" else 2)


def test_gbk_is_refused_and_named() -> None:
    """GBK bytes are an InputError that names GBK."""
    raw = "id,name\np1,張三\n".encode("gbk")
    problem = problem_of(parse_roster, raw, fmt="csv", name="r.csv")
    assert (problem.line, problem.code) == (2, "encoding")
    assert "GBK" in problem.message
    assert "UTF-8" in problem.message


def test_invalid_utf8_that_is_not_gbk() -> None:
    """Bytes that are neither UTF-8 nor GBK are refused without the GBK guess."""
    problem = problem_of(parse_roster, b"id,name\np1,\xff\xff\xff\n", fmt="csv")
    assert problem.code == "encoding"
    assert "GBK" not in problem.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("fmt", ["yaml", "json", "csv"])
def test_utf16_and_utf32_are_refused(encoding: str, fmt: Format) -> None:
    """UTF-16 / UTF-32 (with or without a BOM) are refused with a message saying so."""
    raw = "id,name\np1,N\n".encode(encoding)
    problem = problem_of(parse_roster, raw, fmt=fmt)
    assert problem.code == "encoding"
    assert "UTF-16" in problem.message


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv"])
def test_oversize_input_is_refused(fmt: Format) -> None:
    """Text over ``max_bytes`` is refused before parsing."""
    problem = problem_of(parse_roster, "x" * 2000, fmt=fmt, limits=Limits(max_bytes=1000))
    assert problem.code == "too-large"


def test_oversize_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    """A file over the limit is refused by size."""
    path = tmp_path / "big.json"
    path.write_text('{"talks": []}' + " " * 5000, encoding="utf-8")
    problem = problem_of(load_history, path, limits=Limits(max_bytes=1000))
    assert problem.code == "too-large"
    assert problem.file == str(path)


def test_input_limits_are_larger_than_policy_limits() -> None:
    """The input defaults allow far larger files than a policy's."""
    assert INPUT_LIMITS.max_bytes == 512 * 1024 * 1024
    assert INPUT_LIMITS.max_nodes == 50_000_000
    assert INPUT_LIMITS.max_bytes > Limits().max_bytes


# --------------------------------------------------------------------------- files


def test_load_history_merges_files(tmp_path: Path) -> None:
    """Several history files merge in order; lines name each record's own file."""
    talks = tmp_path / "talks.yaml"
    talks.write_text(HISTORY_YAML, encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text("id,kind,person,date\ne2,promotion,p1,2026-03-01\n", encoding="utf-8")
    meetings = tmp_path / "more.json"
    meetings.write_text(
        '{"meetings": [{"id": "m1", "kind": "dlm", "date": "2026-06-01"},\n'
        '{"kind": "dlm", "date": "2026-07-01"}],\n'
        '"talks": [{"id": "t9", "date": "2026-13-01", "participants": ["a", "b"]}]}',
        encoding="utf-8",
    )
    loaded = load_history([talks, str(events), meetings])
    history = loaded.value
    assert [t.id for t in history.talks] == ["t1"]
    assert [e.id for e in history.events] == ["e1", "e2"]
    assert [m.id for m in history.meetings] == [None, "m1", None]
    assert loaded.lines[("event", "e2")] == (str(events), 2)
    assert loaded.lines[("meeting", "#0")] == (str(talks), 16)
    assert loaded.lines[("meeting", "m1")] == (str(meetings), 1)
    assert loaded.lines[("meeting", "#2")] == (str(meetings), 2)
    assert [where(f) for f in loaded.findings] == [("t9", str(meetings), 3)]


def test_load_history_reports_every_files_problems(tmp_path: Path) -> None:
    """Problems of all files are gathered into one InputError."""
    bad_json = tmp_path / "a.json"
    bad_json.write_text("{", encoding="utf-8")
    bad_csv = tmp_path / "b.csv"
    bad_csv.write_text("id,date,participants,colour\n", encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    with pytest.raises(InputError) as info:
        load_history([bad_json, bad_csv, missing, tmp_path / "c.txt"])
    assert [p.file for p in info.value.problems] == [
        str(bad_json), str(bad_csv), str(missing), str(tmp_path / "c.txt"),
    ]  # fmt: skip
    assert [p.code for p in info.value.problems] == ["json", "unknown-column", "io", "format"]


def test_load_roster_by_suffix_and_override(tmp_path: Path) -> None:
    """The suffix decides the format; ``fmt`` overrides it."""
    path = tmp_path / "roster.yml"
    path.write_text(ROSTER_YAML, encoding="utf-8")
    assert len(load_roster(path).value.people) == 2
    odd = tmp_path / "roster.txt"
    odd.write_text("id,name\np1,N\n", encoding="utf-8")
    assert problem_of(load_roster, odd).code == "format"
    assert load_roster(odd, fmt="csv").value.people[0].id == "p1"
    with pytest.raises(ValueError, match="fmt must be"):
        parse_roster("", fmt="xml")  # type: ignore[arg-type]


def test_load_history_of_one_path_and_of_none(tmp_path: Path) -> None:
    """One path may be given alone; no paths give an empty history."""
    path = tmp_path / "h.yaml"
    path.write_text(HISTORY_YAML, encoding="utf-8")
    assert len(load_history(path).value.talks) == 1
    empty = load_history([])
    assert empty.value.talks == []
    assert empty.findings == []
    assert len(empty.lines) == 0


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_state_is_restored(enabled: bool) -> None:
    """Loading pauses the cyclic GC and restores its previous state, even on error."""
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        parse_history(HISTORY_YAML, fmt="yaml")
        assert gc.isenabled() is enabled
        with pytest.raises(InputError):
            parse_history("{", fmt="json")
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()


def test_loaded_is_frozen() -> None:
    """``Loaded`` cannot be changed after the fact."""
    loaded: Loaded[Any] = parse_history(HISTORY_YAML, fmt="yaml")
    with pytest.raises(AttributeError):
        loaded.value = None  # type: ignore[misc]


# --------------------------------------------------------------------------- nothing else escapes


@given(st.one_of(st.text(), st.binary()), st.sampled_from(["yaml", "json", "csv"]), st.booleans())
def test_arbitrary_input_gives_a_result_or_an_input_error(
    data: str | bytes, fmt: Format, roster: bool
) -> None:
    """Any text or bytes in any format gives a result or an InputError, nothing else."""
    parse = parse_roster if roster else parse_history
    try:
        loaded = parse(data, fmt=fmt, name="x")
    except InputError as exc:
        problems = exc.problems
    else:
        problems = ()
        assert all(f.file == "x" and f.line is not None for f in loaded.findings)
        assert all(file == "x" and line > 0 for file, line in dict(loaded.lines).values())
    assert all(p.file == "x" for p in problems)


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8)
    | st.sampled_from(["2026-02-30", "2026-01-05", "p1", "14:30"]),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(
        st.sampled_from(["id", "name", "date", "participants", "reply_requests", "kind",
                         "person", "roles", "role", "requested_by"]) | st.text(max_size=4),
        inner,
        max_size=5,
    ),
    max_leaves=16,
)  # fmt: skip


@given(
    st.dictionaries(
        st.sampled_from(["talks", "events", "meetings", "people", "units", "branches"]),
        st.lists(_JSONISH, max_size=5),
        max_size=3,
    ),
    st.sampled_from(["yaml", "json"]),
    st.booleans(),
)
def test_arbitrary_records_give_models_or_located_findings(
    doc: dict[str, Any], fmt: Format, roster: bool
) -> None:
    """Arbitrary records: each is kept or becomes a located finding — none vanishes."""
    text = json.dumps(doc, indent=1)
    parse = parse_roster if roster else parse_history
    try:
        loaded = parse(text, fmt=fmt, name="x")
    except InputError:
        return
    value = loaded.value
    kept = sum(len(v) for v in value.model_dump().values())
    total = sum(len(v) for v in doc.values())
    assert kept + len(loaded.findings) == total
    assert all(f.line is not None and f.line > 0 for f in loaded.findings)
