"""Differential testing: the engine against the naive reference evaluator (tests/reference.py).

Hypothesis draws small, messy organisations (duplicates, unknown people, foreign vocabulary),
a history around an evaluation window, an as-of date and sometimes a holiday calendar, for
the Huimin policy (also with some of its interpretations switched to their alternatives) and
for the two example policies. Both evaluators must derive the same obligations — compared as
multisets of (rule, parties, responsible, window, required, status, satisfied_by,
outstanding), without ids or wording. On a mismatch the message lists what only one side
has, rule by rule, beside the other side's nearest obligations.

Bounded under the ``ci`` profile; ``HYPOTHESIS_PROFILE=fuzz`` runs thousands of cases.
"""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import Ref, Reference, as_ref, reference_obligations
from strategies import Case, cases
from tanxin_rules import (
    AnchorRule,
    History,
    HolidayCalendar,
    HolidayEntry,
    Person,
    Policy,
    RoleHolding,
    Roster,
    SlotRule,
    Talk,
    WindowRule,
    evaluate,
    load_policy,
)
from tanxin_rules._calendar import slots
from tanxin_rules._loading import policy_from_document
from tanxin_rules._yaml import Document, read_yaml

ROOT = Path(__file__).resolve().parent.parent
HUIMIN_PATH = ROOT / "policies" / "huimin_2015.yaml"
HUIMIN = load_policy(HUIMIN_PATH)
COUNTY = load_policy(ROOT / "policies" / "examples" / "county_bureau_2021.yaml")
UNIVERSITY = load_policy(ROOT / "policies" / "examples" / "university_college_2019.yaml")


def _once(rule: AnchorRule) -> AnchorRule:
    return AnchorRule.model_validate(
        {**rule.model_dump(exclude={"every_years"}, exclude_unset=True), "once": True}
    )


def _working(rule: WindowRule) -> WindowRule:
    data = rule.model_dump(exclude={"months_before"}, exclude_unset=True)
    return WindowRule.model_validate({**data, "days_before": 7, "count": "working"})


COUNTY_WORKING = COUNTY.model_copy(
    update={"rules": [_working(r) if isinstance(r, WindowRule) else r for r in COUNTY.rules]}
)
"""County with its pre-meeting window counted in working days (會前7個工作日) instead of the
calendar month it is given in: the holiday calendar decides where each window opens."""

HUIMIN_ANY_TALKER = HUIMIN.model_copy(
    update={
        "rules": [
            r.model_copy(update={"owed_by": "any_talker"}) if isinstance(r, SlotRule) else r
            for r in HUIMIN.rules
        ]
    }
)
"""Huimin with the alternative reading of 3.2/3.3: one talk by any leader meets the slot."""

COUNTY_ONCE = COUNTY.model_copy(
    update={
        "rules": [
            _once(r) if isinstance(r, AnchorRule) and r.id != "political_birthday" else r
            for r in COUNTY.rules
        ]
    }
)
"""County with two of its anchor rules made ``once`` (a talk after the appointment itself,
after joining the Party itself), beside its yearly one."""


def bounded(n: int) -> settings:
    """``n`` examples under the everyday profiles; the fuzz profile's own (larger) number."""
    current = settings().max_examples
    return settings(max_examples=current if current > 1000 else min(n, current))


def describe(only_engine: Counter[Ref], only_reference: Counter[Ref]) -> str:
    """A readable diff: per rule, what only the engine has and what only the reference has."""
    lines = []
    for rule in sorted({r.rule for r in (*only_engine, *only_reference)}):
        lines.append(f"rule {rule}:")
        for ref in sorted(only_engine.elements()):
            if ref.rule == rule:
                lines.append(f"  engine only:    {ref}")
        for ref in sorted(only_reference.elements()):
            if ref.rule == rule:
                lines.append(f"  reference only: {ref}")
    return "\n".join(lines)


def known_engine_bugs(
    policy: Policy, case: Case, engine: Counter[Ref], reference: Counter[Ref]
) -> tuple[Counter[Ref], Counter[Ref]]:
    """The disagreements between engine and reference; no known engine bug is tolerated."""
    del policy, case
    return engine - reference, reference - engine


def compare(policy: Policy, case: Case) -> None:
    """Evaluate both ways and assert the same obligations."""
    report = evaluate(policy, case.roster, case.history, case.period, case.as_of, case.holidays)
    gaps = [f for f in report.findings if f.code == "calendar-gap"]
    assert not gaps, "the drawn calendar must cover the evaluation"
    engine = Counter(as_ref(o) for o in report.obligations)
    reference = Counter(
        reference_obligations(
            policy, case.roster, case.history, case.period, case.as_of, case.holidays
        )
    )
    only_engine, only_reference = known_engine_bugs(policy, case, engine, reference)
    message = (
        f"engine and reference disagree (period {case.start}..{case.end}, as of {case.as_of},"
        f" holidays {'given' if case.holidays else 'none'}):\n"
        f"{describe(only_engine, only_reference)}"
    )
    assert not only_engine, message
    assert not only_reference, message


# --------------------------------------------------------------------------- policies


@bounded(60)
@given(cases(HUIMIN))
def test_huimin_engine_agrees_with_the_reference(case: Case) -> None:
    """Huimin: frequency, window, slot, trigger and follow-up obligations agree."""
    compare(HUIMIN, case)


@bounded(40)
@given(cases(HUIMIN, max_people=12, bureau=True))
def test_huimin_bureau_roster_engine_agrees_with_the_reference(case: Case) -> None:
    """Huimin on a roster of several hospitals: same_organisation pairs only within each."""
    compare(HUIMIN, case)


@bounded(40)
@given(cases(HUIMIN_ANY_TALKER, max_people=12, bureau=True))
def test_any_talker_slots_on_a_bureau_roster_agree_with_the_reference(case: Case) -> None:
    """``owed_by: any_talker`` on a roster of several hospitals: one obligation per slot and
    hospital, which only that hospital's talkers' talks discharge."""
    compare(HUIMIN_ANY_TALKER, case)


@bounded(40)
@given(cases(COUNTY))
def test_county_engine_agrees_with_the_reference(case: Case) -> None:
    """County bureau: rolling and two-year periods, anchors, talkers by group, agree."""
    compare(COUNTY, case)


@bounded(40)
@given(cases(COUNTY_WORKING))
def test_county_with_working_day_windows_agrees_with_the_reference(case: Case) -> None:
    """Meeting windows counted in working days of the drawn holiday calendar agree."""
    compare(COUNTY_WORKING, case)


@bounded(40)
@given(cases(COUNTY_ONCE))
def test_county_with_once_anchors_agrees_with_the_reference(case: Case) -> None:
    """Anchor rules with ``once`` (the date itself, no anniversaries) agree too."""
    compare(COUNTY_ONCE, case)


@st.composite
def once_cases(draw: st.DrawFn) -> Case:
    """A small bureau where County's ``once`` anchors bite: a deputy director overseeing the
    section of a chief appointed around the period, the Party group secretary and a branch
    secretary who joined the Party around it, and talks between them at drawn dates."""
    year = (date(2025, 1, 1), date(2025, 12, 31))

    def around() -> date:
        return date(2024, 11, 1) + timedelta(days=draw(st.integers(0, 500)))

    people = [
        Person(id="dd", name="副", unit="lead", oversees=["u1"],
               roles=[RoleHolding(role="deputy_director")]),
        Person(id="sec", name="書", unit="lead", party_member=True,
               roles=[RoleHolding(role="party_group_secretary")]),
        Person(id="chief", name="長", unit="u1", appointed=around(),
               roles=[RoleHolding(role="section_chief")]),
        Person(id="bsec", name="支", unit="u1", branch="b1", party_member=True,
               party_joined=around(), roles=[RoleHolding(role="branch_secretary")]),
    ]  # fmt: skip
    pairs = [("dd", "chief"), ("sec", "bsec")]
    talks = [
        Talk(id=f"t{i}", date=around(), participants=list(draw(st.sampled_from(pairs))))
        for i in range(draw(st.integers(0, 4)))
    ]
    return Case(Roster(people=people), History(talks=talks), *year, date(2026, 1, 15), None)


@bounded(40)
@given(once_cases())
def test_once_anchors_on_a_bureau_agree_with_the_reference(case: Case) -> None:
    """Talks after an appointment and after joining the Party (``once``), met or not, agree."""
    compare(COUNTY_ONCE, case)
    report = evaluate(COUNTY_ONCE, case.roster, case.history, case.period, case.as_of)
    chief = next(p for p in case.roster.people if p.id == "chief")
    assert chief.appointed is not None
    owed = [o for o in report.obligations if o.rule == "post_review"]
    # the one window opens 15 days before the appointment and must touch 2025
    opens, closes = chief.appointed - timedelta(days=15), chief.appointed + timedelta(days=15)
    assert len(owed) == (opens <= date(2025, 12, 31) and closes >= date(2025, 1, 1))


@bounded(40)
@given(cases(UNIVERSITY))
def test_university_engine_agrees_with_the_reference(case: Case) -> None:
    """University college: named terms, coverage rules, timed slots, windows, agree."""
    compare(UNIVERSITY, case)


@cache
def _huimin_document() -> Document:
    return read_yaml(HUIMIN_PATH.read_bytes(), file=str(HUIMIN_PATH))


@cache
def huimin_variant(choices: tuple[tuple[int, int], ...]) -> Policy | None:
    """Huimin with parameter ``i`` set to its alternative ``j`` for each choice (None if the
    combination does not validate)."""
    document = _huimin_document()
    data = copy.deepcopy(document.data)
    for i, j in choices:
        data["parameters"][i]["value"] = data["parameters"][i]["alternatives"][j]
    try:
        return policy_from_document(Document(data, document.root, document.file))
    except ValueError:
        return None


@st.composite
def huimin_variants(draw: st.DrawFn) -> Policy:
    """The Huimin policy with one to three interpretations switched to an alternative."""
    params = _huimin_document().data["parameters"]
    open_ = [i for i, p in enumerate(params) if p.get("alternatives")]
    picked = draw(st.lists(st.sampled_from(open_), min_size=1, max_size=3, unique=True))
    choices = tuple(
        sorted((i, draw(st.integers(0, len(params[i]["alternatives"]) - 1))) for i in picked)
    )
    policy = huimin_variant(choices)
    if policy is None:  # pragma: no cover - every listed alternative validates today
        policy = HUIMIN
    return policy


@bounded(40)
@given(huimin_variants(), st.data())
def test_huimin_alternative_readings_agree_with_the_reference(
    policy: Policy, data: st.DataObject
) -> None:
    """Huimin with alternative interpretations (rolling years, whole-period membership,
    any-talker slots, first-match chain…): the engine still agrees with the reference."""
    compare(policy, data.draw(cases(policy)))


def test_every_huimin_alternative_validates() -> None:
    """Each listed alternative of each Huimin parameter gives a valid policy on its own."""
    params = _huimin_document().data["parameters"]
    for i, param in enumerate(params):
        for j in range(len(param.get("alternatives") or ())):
            assert huimin_variant(((i, j),)) is not None, (param["id"], j)


# --------------------------------------------------------------------------- the reference itself


def test_reference_reproduces_the_hand_computed_annual_case() -> None:
    """The reference gives test_engine's hand-computed 3.1b answer (one talk, two directions)."""
    roster = Roster.model_validate(
        {
            "people": [
                {"id": "sec", "name": "S", "roles": [{"role": "party_secretary"}]},
                {"id": "pres", "name": "P", "roles": [{"role": "president"}]},
                {"id": "vp", "name": "V", "roles": [{"role": "vice_president"}]},
            ]
        }
    )
    history = History(talks=[Talk(id="t1", date=date(2025, 3, 2), participants=["sec", "pres"])])
    year = (date(2025, 1, 1), date(2025, 12, 31))
    refs = reference_obligations(HUIMIN, roster, history, year, date(2026, 1, 15))
    annual = {
        (r.responsible, r.status, r.satisfied_by) for r in refs if r.rule == "principals_annual"
    }
    assert annual == {
        (("sec",), "met", ("t1",)),
        (("pres",), "met", ("t1",)),
        (("sec",), "overdue", ()),
        (("pres",), "overdue", ()),
    }


def test_reference_finds_an_appointment_window() -> None:
    """A head appointed on 1 November owes from 1 November; a talk in October does not count."""
    roster = Roster(
        people=[
            Person(id="vp", name="V", roles=[RoleHolding(role="vice_president")],
                   oversees=["fin"]),
            Person(id="md", name="M", unit="fin",
                   roles=[RoleHolding(role="department_head", since=date(2025, 11, 1))]),
        ]
    )  # fmt: skip
    history = History(talks=[Talk(id="t1", date=date(2025, 10, 20), participants=["vp", "md"])])
    year = (date(2025, 1, 1), date(2025, 12, 31))
    refs = reference_obligations(HUIMIN, roster, history, year, date(2026, 1, 15))
    (ob,) = [r for r in refs if r.rule == "oversight_annual"]
    assert (ob.start, ob.due, ob.status) == (date(2025, 11, 1), date(2025, 12, 31), "overdue")


def test_reference_slot_days_match_the_documented_holiday_shift() -> None:
    """Brute-force slots: 30 Jan 2025 (Spring Festival) is held on Mon 27 Jan (previous)."""
    calendar = HolidayCalendar(
        valid_from=date(2024, 1, 1),
        valid_to=date(2025, 12, 31),
        holidays=[HolidayEntry.model_validate({"from": "2025-01-28", "to": "2025-02-04"})],
        workdays=[HolidayEntry(date=date(2025, 1, 26))],
    )
    rule = HUIMIN.rule("monthly_slot")
    assert isinstance(rule, SlotRule)
    ref = Reference(HUIMIN, Roster(), History(), (date(2025, 1, 1), date(2025, 3, 31)),
                    date(2025, 12, 31), calendar)  # fmt: skip
    assert ref.slot_days(rule) == [date(2025, 1, 27), date(2025, 2, 27), date(2025, 3, 27)]


@pytest.mark.parametrize("policy", [HUIMIN, COUNTY, UNIVERSITY], ids=["huimin", "county", "uni"])
def test_reference_reads_every_slot_rule_of_the_bundled_policies(policy: Policy) -> None:
    """The brute-force RRULE reading agrees with the calendar module over two years."""
    span = (date(2025, 1, 1), date(2026, 12, 31))
    ref = Reference(policy, Roster(), History(), span, span[1])
    for rule in policy.rules:
        if isinstance(rule, SlotRule):
            expected = [s.day for s in slots(policy, rule, *span, HolidayCalendar.weekends_only())]
            assert ref.slot_days(rule) == expected, rule.id


# ------------------------------------------------- regressions: engine bugs this module found


def _county_pair(*roles: dict[str, str]) -> Roster:
    """The county bureau's Party group secretary and a deputy director holding ``roles``."""
    return Roster.model_validate(
        {
            "people": [
                {"id": "sec", "name": "S", "roles": [{"role": "party_group_secretary"}]},
                {"id": "dd", "name": "D", "roles": list(roles)},
            ]
        }
    )


def test_rolling_window_never_starts_after_as_of() -> None:
    """County 3.1a (rolling 90 days): deputy director from Jan to Feb and again from September;
    as of 30 June only the Jan–Feb window exists, nothing starts on 1 September."""
    roster = _county_pair(
        {"role": "deputy_director", "until": "2025-02-28"},
        {"role": "deputy_director", "since": "2025-09-01"},
    )
    report = evaluate(COUNTY, roster, History(), (date(2025, 1, 1), date(2025, 12, 31)),
                      date(2025, 6, 30))  # fmt: skip
    windows = [
        (o.window.start, o.window.due) for o in report.obligations
        if o.rule == "secretary_interval"
    ]  # fmt: skip
    assert windows == [(date(2025, 1, 1), date(2025, 2, 28))]


def test_rolling_rule_owes_nothing_as_of_before_the_period() -> None:
    """County 3.1a: evaluating 2025 as of 2 December 2024 derives no rolling window."""
    roster = _county_pair({"role": "deputy_director"})
    report = evaluate(COUNTY, roster, History(), (date(2025, 1, 1), date(2025, 12, 31)),
                      date(2024, 12, 2))  # fmt: skip
    assert not [o for o in report.obligations if o.rule == "secretary_interval"]


def test_rolling_satisfied_by_lists_every_counting_talk() -> None:
    """County 3.1a: talks on 10 Dec and 20 Jan both lie in the window 1 Dec – 28 Feb."""
    roster = _county_pair({"role": "deputy_director"})
    history = History.model_validate(
        {
            "talks": [
                {"id": "a", "date": "2025-12-10", "participants": ["sec", "dd"]},
                {"id": "b", "date": "2026-01-20", "participants": ["sec", "dd"]},
            ]
        }
    )
    report = evaluate(COUNTY, roster, history, (date(2025, 12, 1), date(2025, 12, 31)),
                      date(2026, 3, 31))  # fmt: skip
    first = next(o for o in report.obligations if o.window.start == date(2025, 12, 1))
    assert first.rule == "secretary_interval"
    assert first.satisfied_by == ["a", "b"]
