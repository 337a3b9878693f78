"""The example policies in policies/examples: they load, cite every clause, use their features."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest

from tanxin_rules import (
    AnchorRule,
    CoverageRule,
    FollowUpRule,
    FrequencyRule,
    MannerRule,
    Policy,
    SlotRule,
    TriggerRule,
    WindowRule,
    load_policy,
    trace,
)
from tanxin_rules._calendar import meeting_window
from tanxin_rules._policy import (
    CalendarPeriod,
    NamedPeriods,
    RollingPeriod,
    TalkerByEventCounterpart,
    TalkerByGroup,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "policies" / "examples"
NAMES = ["university_college_2019", "county_bureau_2021"]


@cache
def _load(name: str) -> Policy:
    return load_policy(EXAMPLES / f"{name}.yaml")


def _cited(policy: Policy) -> set[str]:
    cited = {item.clause for item in [*policy.scopes, *policy.rules, *policy.guidance]}
    if policy.responsibility is not None:
        cited |= {entry.clause for entry in policy.responsibility.entries}
    return cited


def test_examples_directory_holds_exactly_the_examples() -> None:
    """Every YAML file under policies/examples is one of the examples tested here."""
    assert sorted(p.stem for p in EXAMPLES.glob("*.yaml")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_example_loads(name: str) -> None:
    """The example loads clean and its id is its file name."""
    policy = _load(name)
    assert policy.id == name
    assert policy.rules
    assert policy.responsibility is not None


@pytest.mark.parametrize("name", NAMES)
def test_every_clause_is_cited(name: str) -> None:
    """Each clause, or each of its parts, is cited by a scope, rule, entry or guidance item."""
    policy = _load(name)
    cited = _cited(policy)
    for clause in policy.source.clauses:
        wanted = [clause.id + part for part in clause.parts] or [clause.id]
        missing = [ref for ref in wanted if ref not in cited]
        assert missing == [], f"{name}: clause {clause.id} not encoded: {missing}"


@pytest.mark.parametrize("name", NAMES)
def test_source_size_and_trace(name: str) -> None:
    """The source has 8–15 clauses and the traceability matrix finds nothing unencoded."""
    policy = _load(name)
    assert 8 <= len(policy.source.clauses) <= 15
    assert trace(policy).unencoded == []


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_used_and_interpretations_cite_a_clause(name: str) -> None:
    """Every parameter is substituted somewhere; every interpretation names its clause."""
    policy = _load(name)
    uses = policy.parameter_uses()
    assert [p.id for p in policy.parameters if p.id not in uses] == []
    interpretations = [p for p in policy.parameters if p.interpretation]
    assert interpretations
    assert all(p.clause is not None and p.reason is not None for p in interpretations)


def test_university_per_term_frequency() -> None:
    """Per-term frequencies count in named academic terms: autumn and spring, 2025–2027."""
    policy = _load("university_college_2019")
    named = [
        r.period
        for r in policy.rules
        if isinstance(r, FrequencyRule) and isinstance(r.period, NamedPeriods)
    ]
    assert len(named) == 2
    terms = named[0].periods
    assert [t.id for t in terms] == ["autumn_2025", "spring_2026", "autumn_2026", "spring_2027"]
    assert terms[0].start == date(2025, 9, 1)
    assert terms[-1].end == date(2027, 7, 2)


def test_university_monthly_frequency() -> None:
    """Two rules count in calendar months, one of them only expected (原则上)."""
    policy = _load("university_college_2019")
    monthly = [
        r
        for r in policy.rules
        if isinstance(r, FrequencyRule)
        and isinstance(r.period, CalendarPeriod)
        and r.period.unit == "month"
    ]
    assert {r.id: r.level for r in monthly} == {
        "oversight_monthly": "must",
        "counsellor_monthly": "should",
    }


def test_university_coverage_rules() -> None:
    """A headcount of 6 distinct students per term, and 100% of Party members each year."""
    policy = _load("university_college_2019")
    coverage = {r.id: r for r in policy.rules if isinstance(r, CoverageRule)}
    headcount = coverage["secretary_headcount"]
    assert headcount.at_least_distinct == 6
    assert isinstance(headcount.period, NamedPeriods)
    full = coverage["party_member_full_coverage"]
    assert full.share == 1.0
    assert full.counterparts == "party_members"
    assert isinstance(full.period, CalendarPeriod)
    assert full.period.unit == "year"


def test_university_slots_window_and_triggers() -> None:
    """Wednesday and second-Tuesday slots, a 15-day window, working-day deadlines."""
    policy = _load("university_college_2019")
    slots = {r.id: r for r in policy.rules if isinstance(r, SlotRule)}
    assert "BYDAY=WE" in slots["office_hours"].rrule
    assert slots["office_hours"].owed_by == "any_talker"
    assert "BYDAY=2TU" in slots["counsellor_day"].rrule
    window = policy.rule("pre_meeting_secretary")
    assert isinstance(window, WindowRule)
    start, end = meeting_window(window, date(2026, 5, 20))
    assert (start, end) == (date(2026, 5, 6), date(2026, 5, 20))
    working = [
        r for r in policy.rules if isinstance(r, TriggerRule) and r.deadline.count == "working"
    ]
    assert len(working) >= 4


def test_university_follow_up_and_manner() -> None:
    """A written reply within 10 working days; group talks only on the two slots."""
    policy = _load("university_college_2019")
    reply = policy.rule("written_reply")
    assert isinstance(reply, FollowUpRule)
    assert (reply.deadline.days, reply.deadline.count) == (10, "working")
    manner = policy.rule("one_to_one")
    assert isinstance(manner, MannerRule)
    assert manner.collective.may_satisfy == ["office_hours", "counsellor_day"]


def test_county_anchor_rules() -> None:
    """Yearly political-birthday talks and a post review every 2 years around appointment."""
    policy = _load("county_bureau_2021")
    anchors = {r.id: r for r in policy.rules if isinstance(r, AnchorRule)}
    birthday = anchors["political_birthday"]
    assert (birthday.date_field, birthday.every_years) == ("party_joined", 1)
    assert (birthday.offset_days, birthday.length_days) == (0, 7)
    review = anchors["post_review"]
    assert (review.date_field, review.every_years) == ("appointed", 2)
    assert (review.offset_days, review.length_days) == (-15, 31)


def test_county_periods() -> None:
    """A rolling 90-day interval, a two-year calendar period and a half-year period."""
    policy = _load("county_bureau_2021")
    periods = {r.id: r.period for r in policy.rules if isinstance(r, FrequencyRule)}
    rolling = periods["secretary_interval"]
    assert isinstance(rolling, RollingPeriod)
    assert rolling.days == 90
    biennial = periods["subordinate_biennial"]
    assert isinstance(biennial, CalendarPeriod)
    assert (biennial.unit, biennial.every, biennial.anchor) == ("year", 2, date(2024, 1, 1))
    half = periods["section_half_yearly"]
    assert isinstance(half, CalendarPeriod)
    assert half.unit == "half_year"


def test_county_slot_moves_to_next_working_day() -> None:
    """The quarterly Talk Day is the last Friday of each quarter's last month, moved forward."""
    policy = _load("county_bureau_2021")
    slot = policy.rule("talk_day")
    assert isinstance(slot, SlotRule)
    assert slot.rrule == "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=-1FR"
    assert slot.on_non_working_day == "next"
    assert slot.at_least == 3


def test_county_trigger_talkers() -> None:
    """Some triggers bind every member of a related group; one names the leader asked."""
    policy = _load("county_bureau_2021")
    triggers = {r.id: r for r in policy.rules if isinstance(r, TriggerRule)}
    overseer = triggers["sanction_talk_overseer"].talker
    assert isinstance(overseer, TalkerByGroup)
    assert (overseer.mode, overseer.relation) == ("all_of", ["oversees"])
    appointment = triggers["pre_appointment_talk"].talker
    assert isinstance(appointment, TalkerByGroup)
    assert appointment.mode == "all_of"
    requested = triggers["requested_talk"].talker
    assert isinstance(requested, TalkerByEventCounterpart)
    assert requested.otherwise == "responsibility"


def test_county_chain_resolves_first_match() -> None:
    """Each person has one direct responsible layer: the first entry that names them."""
    policy = _load("county_bureau_2021")
    assert policy.responsibility is not None
    assert policy.responsibility.resolution == "first_match"
    assert len(policy.responsibility.entries) == 4
