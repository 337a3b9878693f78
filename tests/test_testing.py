"""The public Hypothesis strategies (``tanxin_rules.testing``) and their documented example."""

from __future__ import annotations

import ast
import calendar as pycal
import itertools
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tanxin_rules import History, Roster, SlotRule, load_policy, testing
from tanxin_rules._calendar import HolidayCalendar
from tanxin_rules._policy import CalendarPeriod, NamedPeriods, RollingPeriod
from tanxin_rules._rrule import parse_rrule, rrule_problems
from tanxin_rules.testing import (
    date_ranges,
    dates,
    histories,
    holiday_calendars,
    periods,
    rosters,
    slot_rrules,
    slot_rules,
)

ROOT = Path(__file__).resolve().parent.parent
POLICY = load_policy(ROOT / "policies" / "huimin_2015.yaml")
DOC = ROOT / "docs" / "testing.md"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def test_all_is_sorted_and_complete() -> None:
    """``__all__`` is sorted and lists exactly the public names the module defines; every
    strategy has a docstring."""
    assert list(testing.__all__) == sorted(testing.__all__)
    tree = ast.parse(Path(testing.__file__).read_text(encoding="utf-8"))
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    aliases = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id != "__all__"
    }
    assert {n for n in functions | aliases if not n.startswith("_")} == set(testing.__all__)
    for name in functions & set(testing.__all__):
        assert getattr(testing, name).__doc__


def test_missing_hypothesis_is_a_clear_import_error() -> None:
    """Without Hypothesis the module says which extra to install."""
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import tanxin_rules.testing\n"
        "except ImportError as exc:\n    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "needs Hypothesis" in out
    assert "tanxin-rules[test]" in out


def test_bad_bounds_are_refused() -> None:
    """Reversed bounds or empty choices raise at once, not while drawing."""
    with pytest.raises(ValueError, match="before"):
        dates(date(2025, 1, 2), date(2025, 1, 1))
    with pytest.raises(ValueError, match="max_days"):
        date_ranges(max_days=-1)
    with pytest.raises(ValueError, match="kinds"):
        periods(kinds=())
    with pytest.raises(ValueError, match="freqs"):
        slot_rrules(freqs=())
    with pytest.raises(ValueError, match="min_days"):
        holiday_calendars(min_days=10, max_days=5)
    with pytest.raises(ValueError, match="min_people"):
        rosters(POLICY, min_people=3, max_people=2)


@given(dates(date(1999, 12, 1), date(2000, 3, 31)), date_ranges(max_days=30))
def test_dates_and_ranges_stay_in_bounds(day: date, span: tuple[date, date]) -> None:
    """Dates lie in their bounds; ranges are ordered and no longer than asked."""
    assert date(1999, 12, 1) <= day <= date(2000, 3, 31)
    start, end = span
    assert 0 <= (end - start).days <= 30


def test_dates_favour_the_days_calendar_code_gets_wrong() -> None:
    """Leap days, year ends and month ends come up often, not by luck (derandomized: a
    question about frequencies must not pass or fail with the seed)."""
    seen: set[str] = set()

    @settings(max_examples=200, derandomize=True, database=None)
    @given(dates())
    def collect(day: date) -> None:
        if (day.month, day.day) == (2, 29):
            seen.add("leap day")
        if (day.month, day.day) == (12, 31):
            seen.add("year end")
        if day.day == pycal.monthrange(day.year, day.month)[1]:
            seen.add("month end")

    collect()
    assert seen == {"leap day", "year end", "month end"}


@given(periods(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_periods_are_valid_models(period: CalendarPeriod | RollingPeriod | NamedPeriods) -> None:
    """Every period validates again from its own dump; named periods are disjoint and ordered."""
    assert type(period).model_validate(period.model_dump()) == period
    if isinstance(period, NamedPeriods):
        spans = [(p.start, p.end) for p in period.periods]
        assert spans == sorted(spans)
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))


@given(slot_rrules())
def test_slot_rrules_pass_the_policy_checks(text: str) -> None:
    """Every drawn RRULE is one a policy may contain and yields a date within a few years."""
    assert rrule_problems(text) == []
    first = parse_rrule(text, date(2025, 6, 15)).after(datetime(2025, 6, 15), inc=True)
    assert first is not None
    assert first.year <= 2025 + 12


@given(slot_rules(POLICY))
def test_slot_rules_fit_the_policy(rule: SlotRule) -> None:
    """A drawn slot rule validates, starts on its anchor and uses the policy's vocabulary."""
    assert SlotRule.model_validate(rule.model_dump()) == rule
    first = parse_rrule(rule.rrule, rule.anchor).after(
        datetime(rule.anchor.year, rule.anchor.month, rule.anchor.day), inc=True
    )
    assert first is not None
    assert first.date() == rule.anchor
    groups = {g.id for g in POLICY.groups}
    assert {rule.talkers, rule.counterparts} <= groups
    assert rule.clause in POLICY.source.clause_ids()
    assert rule.id not in {item.id for item in (*POLICY.rules, *POLICY.scopes, *POLICY.guidance)}
    assert rule.part_of_day in {None, *(p.id for p in POLICY.parts_of_day)}


@given(holiday_calendars(min_days=30, max_days=400))
def test_holiday_calendars_are_consistent(calendar: HolidayCalendar) -> None:
    """Calendars validate again; make-up days are weekend days that are not holidays."""
    assert HolidayCalendar.model_validate(calendar.model_dump(by_alias=True)) == calendar
    assert 30 <= (calendar.valid_to - calendar.valid_from).days <= 400
    weekend = {WEEKDAYS.index(day) for day in calendar.weekend}
    for entry in calendar.workdays:
        assert entry.date is not None
        assert entry.date.weekday() in weekend
        assert calendar.is_working_day(entry.date)


@given(rosters(POLICY), st.data())
def test_rosters_and_histories_refer_to_what_exists(roster: Roster, data: Any) -> None:
    """Roles, units, branches, people, kinds and topics named in the records all exist."""
    history = data.draw(histories(roster, POLICY, date(2025, 1, 1), date(2025, 12, 31)))
    assert Roster.model_validate_json(roster.model_dump_json()) == roster
    assert History.model_validate_json(history.model_dump_json()) == history
    people = {p.id for p in roster.people}
    units = {u.id for u in roster.units}
    assert len(people) == len(roster.people)
    for person in roster.people:
        assert {h.role for h in person.roles} <= {r.id for r in POLICY.roles}
        assert person.unit is None or person.unit in units
        assert set(person.oversees) <= units
        assert person.branch is None or person.branch in {b.id for b in roster.branches}
        assert person.party_member or person.party_joined is None
    events = {e.id for e in history.events}
    for talk in history.talks:
        assert set(talk.participants) <= people
        assert len(set(talk.participants)) == len(talk.participants)
        assert (len(talk.participants) > 2) == (talk.mode == "collective")
        assert talk.initiator is None or talk.initiator in talk.participants
        assert talk.answers_event is None or talk.answers_event in events
        assert set(talk.topics) <= {t.id for t in POLICY.topics}
        for request in talk.reply_requests:
            assert request.requested_by in talk.participants
            assert request.replied_on is None or request.replied_on >= talk.date
    kinds = {k.id: k for k in POLICY.event_kinds}
    for event in history.events:
        assert event.person in people
        assert event.counterpart is None or kinds[event.kind].has_counterpart
    assert {m.kind for m in history.meetings} <= {k.id for k in POLICY.meeting_kinds}
    assert "p1" in repr(roster)
    assert len(repr(rosters(POLICY))) < 100


DUPLICATED = Roster.model_validate(
    {
        "people": [
            {"id": "p1", "name": "甲", "roles": [{"role": "party_secretary"}]},
            {"id": "p1", "name": "甲", "roles": [{"role": "party_secretary"}]},
            {"id": "p2", "name": "乙", "roles": [{"role": "president"}]},
            {"id": "p2", "name": "丙"},
            {"id": "p3", "name": "丁"},
        ]
    }
)


@given(data=st.data(), start=st.dates(date(2020, 1, 1), date(2030, 1, 1)))
def test_histories_for_a_roster_with_repeated_ids(data: Any, start: date) -> None:
    """A roster listing ids twice (as an export may) gets histories drawn from its distinct
    people: collective talks of three, never a person twice in one talk."""
    end = date(start.year, 12, 31)
    history = data.draw(histories(DUPLICATED, POLICY, start, end, max_talks=8))
    sizes = set()
    for talk in history.talks:
        assert set(talk.participants) <= {"p1", "p2", "p3"}
        assert len(set(talk.participants)) == len(talk.participants)
        sizes.add(len(talk.participants))
    assert sizes <= {2, 3}
    assert all(e.person in {"p1", "p2", "p3"} for e in history.events)


def test_histories_for_one_distinct_person_have_no_talks() -> None:
    """Two copies of one person are one person: no talks, rather than a failing draw."""
    alone = Roster.model_validate({"people": [{"id": "p1", "name": "甲"}] * 2})
    found = []

    @given(histories(alone, POLICY, date(2025, 1, 1), date(2025, 12, 31)))
    def check(history: History) -> None:
        found.append(len(history.talks))

    check()
    assert found
    assert set(found) == {0}


def _doc_code() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks, "docs/testing.md has no python example"
    return "\n".join(blocks)


def test_documented_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example in docs/testing.md runs as written and its properties hold."""
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {"__name__": "docs_testing_example"}
    exec(compile(_doc_code(), str(DOC), "exec"), namespace)
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert len(tests) == 3
    for test in tests:
        test()
