"""End-to-end evaluation of the Huimin policy, one test per evaluable clause, hand-computed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tanxin_rules import History, InputError, Policy, Report, Roster, load_policy
from tanxin_rules._calendar import HolidayCalendar, HolidayEntry
from tanxin_rules._engine import evaluate

ROOT = Path(__file__).resolve().parent.parent
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
AFTER = date(2026, 1, 15)


@pytest.fixture(scope="module")
def policy() -> Policy:
    """The bundled Huimin policy."""
    return load_policy(ROOT / "policies" / "huimin_2015.yaml")


def person(pid: str, *roles: str, unit: str = "office", **extra: Any) -> dict[str, Any]:
    """A roster person with plain (undated) roles."""
    return {
        "id": pid,
        "name": pid.upper(),
        "unit": unit,
        "roles": [{"role": r} for r in roles],
        **extra,
    }


def roster(*extra: dict[str, Any]) -> Roster:
    """A small hospital: 2 principals, a vice-president, a discipline secretary, 2 unit heads,
    a branch committee member and 3 staff."""
    people = [
        person("sec", "party_secretary", party_member=True, branch="b1"),
        person("pres", "president"),
        person("vp", "vice_president", oversees=["surgery", "finance"]),
        person("dsec", "discipline_secretary", party_member=True, branch="b1"),
        person(
            "sd",
            "section_director",
            "branch_secretary",
            unit="surgery",
            party_member=True,
            branch="b1",
        ),
        person("fd", "department_head", unit="finance"),
        person("bcm", "branch_committee_member", unit="surgery", party_member=True, branch="b1"),
        person("n1", unit="surgery", party_member=True, branch="b1"),
        person("n2", unit="surgery"),
        person("n3", unit="finance"),
        *extra,
    ]
    return Roster.model_validate(
        {
            "units": [{"id": u, "name": u} for u in ("office", "surgery", "finance", "medicine")],
            "branches": [{"id": "b1", "name": "b1"}],
            "people": people,
        }
    )


def talk(tid: str, day: str, *who: str, **extra: Any) -> dict[str, Any]:
    """A talk record."""
    return {"id": tid, "date": day, "participants": list(who), **extra}


def run(
    policy: Policy,
    talks: list[dict[str, Any]],
    *,
    events: list[dict[str, Any]] | None = None,
    meetings: list[str] | None = None,
    people: Roster | None = None,
    as_of: date = AFTER,
    holidays: HolidayCalendar | None = None,
    period: tuple[date, date] = YEAR,
) -> Report:
    """Evaluate the Huimin policy on the small hospital."""
    history = History.model_validate(
        {
            "talks": talks,
            "events": events or [],
            "meetings": [{"kind": "democratic_life_meeting", "date": d} for d in meetings or []],
        }
    )
    return evaluate(policy, people or roster(), history, period, as_of, holidays)


def status(report: Report, oid: str) -> str:
    """The status of one obligation, by id."""
    matches = [o for o in report.obligations if o.id == oid]
    assert matches, f"no obligation {oid}; have {[o.id for o in report.obligations][:40]}"
    return matches[0].status


def codes(report: Report, record: str | None = None) -> set[str]:
    """Finding codes (for one record)."""
    return {f.code for f in report.findings if record is None or f.record == record}


CN_2025 = HolidayCalendar(
    name="cn-2025",
    valid_from=date(2025, 1, 1),
    valid_to=date(2025, 12, 31),
    holidays=[
        HolidayEntry(date=date(2025, 1, 1)),
        HolidayEntry.model_validate({"from": "2025-01-28", "to": "2025-02-04"}),
    ],
    workdays=[HolidayEntry(date=date(2025, 1, 26)), HolidayEntry(date=date(2025, 2, 8))],
)


# --------------------------------------------------------------------------- 3.1


def test_31b_principals_annual_one_talk_meets_both_directions(policy: Policy) -> None:
    """3.1b: one secretary–president talk meets the secretary's and the president's obligation."""
    report = run(
        policy, [talk("t1", "2025-03-02", "sec", "pres"), talk("t2", "2025-05-02", "sec", "vp")]
    )
    assert status(report, "principals_annual:2025:sec+pres") == "met"
    assert status(report, "principals_annual:2025:pres+sec") == "met"
    assert status(report, "principals_annual:2025:sec+vp") == "met"
    assert status(report, "principals_annual:2025:pres+vp") == "overdue"
    ob = next(o for o in report.obligations if o.id == "principals_annual:2025:pres+sec")
    assert ob.responsible == ["pres"]
    assert ob.satisfied_by == ["t1"]
    assert ob.parties == ["pres", "sec"]


def test_31b_pending_before_year_end(policy: Policy) -> None:
    """3.1b: an annual talk not yet held is pending until 31 December, then overdue."""
    mid = run(policy, [], as_of=date(2025, 6, 30))
    assert status(mid, "principals_annual:2025:pres+vp") == "pending"
    ob = next(o for o in mid.obligations if o.id == "principals_annual:2025:pres+vp")
    assert ob.next_opportunity == date(2025, 6, 30)
    assert "2025-12-31" in ob.explanation.en
    assert status(run(policy, []), "principals_annual:2025:pres+vp") == "overdue"


def test_31b_oversight_annual(policy: Policy) -> None:
    """3.1b: a team member owes each head of the units they oversee, and no one else."""
    report = run(policy, [talk("t1", "2025-04-01", "vp", "sd")])
    assert status(report, "oversight_annual:2025:vp+sd") == "met"
    assert status(report, "oversight_annual:2025:vp+fd") == "overdue"
    assert {o.id for o in report.obligations if o.rule == "oversight_annual"} == {
        "oversight_annual:2025:vp+sd",
        "oversight_annual:2025:vp+fd",
    }


def test_appointment_inside_period(policy: Policy) -> None:
    """A director appointed on 1 November is owed a talk by 31 Dec; earlier talks don't count."""
    md = person("md", unit="finance")
    md["roles"] = [{"role": "department_head", "since": "2025-11-01"}]
    report = run(policy, [talk("t1", "2025-10-20", "vp", "md")], people=roster(md))
    ob = next(o for o in report.obligations if o.id == "oversight_annual:2025:vp+md")
    assert (ob.window.start, ob.window.due) == (date(2025, 11, 1), date(2025, 12, 31))
    assert ob.status == "overdue"
    report = run(policy, [talk("t1", "2025-11-03", "vp", "md")], people=roster(md))
    assert status(report, "oversight_annual:2025:vp+md") == "met"


def test_departure_inside_period(policy: Policy) -> None:
    """A vice-president leaving on 30 June is owed the principals' talks by 30 June."""
    leaver = person("vp2", "vice_president", left="2025-06-30")
    report = run(policy, [talk("t1", "2025-07-02", "sec", "vp2")], people=roster(leaver))
    ob = next(o for o in report.obligations if o.id == "principals_annual:2025:sec+vp2")
    assert ob.window.due == date(2025, 6, 30)
    assert ob.status == "overdue"
    assert "inactive-participant" in codes(report, "t1")


def test_31a_window_last_day_and_day_after(policy: Policy) -> None:
    """3.1a: the window is the 20 days before the meeting; the meeting day is outside."""
    report = run(
        policy,
        [
            talk("in", "2025-12-19", "sec", "pres"),
            talk("late", "2025-12-20", "sec", "vp"),
            talk("first", "2025-11-30", "pres", "vp"),
        ],
        meetings=["2025-12-20"],
    )
    assert status(report, "pre_meeting_round:2025-12-20:pres+sec") == "met"
    assert status(report, "pre_meeting_round:2025-12-20:sec+vp") == "overdue"
    assert status(report, "pre_meeting_round:2025-12-20:pres+vp") == "met"
    ob = next(o for o in report.obligations if o.id == "pre_meeting_round:2025-12-20:pres+sec")
    assert (ob.window.start, ob.window.due) == (date(2025, 11, 30), date(2025, 12, 19))
    assert ob.responsible == ["pres", "sec"]


def test_31a_window_across_year_boundary(policy: Policy) -> None:
    """3.1a: a meeting on 10 January 2026 has a window from 21 December 2025, reported in 2026."""
    report = run(
        policy,
        [talk("dec", "2025-12-21", "sec", "pres")],
        meetings=["2026-01-10"],
        period=(date(2026, 1, 1), date(2026, 12, 31)),
        as_of=date(2026, 2, 1),
    )
    ob = next(o for o in report.obligations if o.id == "pre_meeting_round:2026-01-10:pres+sec")
    assert (ob.window.start, ob.window.due) == (date(2025, 12, 21), date(2026, 1, 9))
    assert ob.status == "met"
    assert "outside-period" not in codes(report, "dec")


def test_year_with_no_meeting(policy: Policy) -> None:
    """3.1a: no democratic life meeting in the period: no obligations, one info finding."""
    report = run(policy, [])
    assert not [o for o in report.obligations if o.rule == "pre_meeting_round"]
    assert "no-meeting" in codes(report)


def test_31c_team_often_quarterly(policy: Policy) -> None:
    """3.1c: team members owe each other a talk per quarter (should)."""
    report = run(policy, [talk("t1", "2025-02-01", "vp", "dsec")])
    assert status(report, "team_often:2025-Q1:dsec+vp") == "met"
    assert status(report, "team_often:2025-Q2:dsec+vp") == "overdue"
    ob = next(o for o in report.obligations if o.id == "team_often:2025-Q1:dsec+vp")
    assert ob.level == "should"
    assert len([o for o in report.obligations if o.rule == "team_often"]) == 4 * 6


# --------------------------------------------------------------------------- 3.2, 3.3


def test_32_monthly_slot_times_and_spring_festival(policy: Policy) -> None:
    """3.2: last Thursday afternoon; 30 Jan 2025 (Spring Festival) moves to Mon 27 Jan."""
    talks = [
        talk("jan", "2025-01-27", "vp", "n2", time="15:00"),
        talk("feb_am", "2025-02-27", "vp", "n2", time="10:00"),
        talk("mar", "2025-03-27", "vp", "n2"),
        talk("apr_leader", "2025-04-24", "vp", "sd", time="15:00"),
    ]
    report = run(policy, talks, holidays=CN_2025)
    assert status(report, "monthly_slot:2025-01-27:vp") == "met"
    assert "monthly_slot:2025-01-30:vp" not in {o.id for o in report.obligations}
    assert status(report, "monthly_slot:2025-02-27:vp") == "overdue"
    assert status(report, "monthly_slot:2025-03-27:vp") == "met"
    assert status(report, "monthly_slot:2025-04-24:vp") == "overdue"
    jan = next(o for o in report.obligations if o.id == "monthly_slot:2025-01-27:vp")
    assert "2025-01-30" in jan.explanation.en
    assert len([o for o in report.obligations if o.rule == "monthly_slot"]) == 12 * 4


def test_33_quarterly_slot(policy: Policy) -> None:
    """3.3: branch secretaries talk with the rank and file on the first Friday of each 3rd month."""
    report = run(
        policy,
        [
            talk("t1", "2025-03-07", "sd", "n3", time="17:30"),
            talk("t2", "2025-06-06", "sd", "n3", time="16:00"),
        ],
    )
    assert status(report, "quarterly_slot:2025-03-07:sd") == "met"
    assert status(report, "quarterly_slot:2025-06-06:sd") == "overdue"
    assert {o.window.start for o in report.obligations if o.rule == "quarterly_slot"} == {
        date(2025, 3, 7),
        date(2025, 6, 6),
        date(2025, 9, 5),
        date(2025, 12, 5),
    }


# --------------------------------------------------------------------------- 4.x


def test_41_collective_talk(policy: Policy) -> None:
    """4.1: a collective talk counts for the monthly slot but not for the annual pair talks."""
    talks = [
        talk("c1", "2025-01-30", "vp", "n2", "n3", mode="collective", time="15:00"),
        talk("c2", "2025-02-27", "sec", "pres", "vp", mode="collective", reason="事故通報"),
    ]
    report = run(policy, talks)
    assert status(report, "monthly_slot:2025-01-30:vp") == "met"
    assert status(report, "principals_annual:2025:sec+pres") == "overdue"
    assert "collective-without-reason" in codes(report, "c1")
    assert "collective-without-reason" not in codes(report, "c2")


def test_44_written_reply(policy: Policy) -> None:
    """4.4: a reply is owed within 10 working days; late or missing replies are overdue."""
    requests = [
        {"id": "r1", "matter": "a", "requested_by": "sd", "replied_on": "2025-04-10"},
        {"id": "r2", "matter": "b", "requested_by": "sd", "replied_on": "2025-05-30"},
        {"id": "r3", "matter": "c", "requested_by": "sd"},
    ]
    report = run(
        policy,
        [talk("t1", "2025-04-01", "vp", "sd", reply_requests=requests)],
        holidays=CN_2025,
        as_of=date(2025, 4, 8),
    )
    assert status(report, "written_reply:r1") == "pending"
    report = run(
        policy, [talk("t1", "2025-04-01", "vp", "sd", reply_requests=requests)], holidays=CN_2025
    )
    assert status(report, "written_reply:r1") == "met"
    assert status(report, "written_reply:r2") == "overdue"
    assert status(report, "written_reply:r3") == "overdue"
    ob = next(o for o in report.obligations if o.id == "written_reply:r1")
    assert ob.responsible == ["vp"]
    assert ob.window.due == date(2025, 4, 15)  # 10 working days after Tuesday 1 April


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        ("job_change", "career_change_talk"),
        ("promotion", "career_change_talk"),
        ("demotion", "career_change_talk"),
        ("retirement", "career_change_talk"),
        ("commendation_or_reward", "reward_or_discipline_talk"),
        ("criticism_or_discipline", "reward_or_discipline_talk"),
        ("work_difficulty", "difficulty_talk"),
        ("family_circumstance", "family_talk"),
        ("conduct_concern", "conduct_talk"),
        ("conduct_complaint", "conduct_talk"),
        ("talk_requested", "requested_talk"),
    ],
)
def test_45_triggers_go_to_the_answerable_leader(policy: Policy, kind: str, rule: str) -> None:
    """4.5a–e, g: an event about a nurse is owed a talk by their director in 5 working days."""
    event = {"id": "e1", "kind": kind, "person": "n2", "date": "2025-03-03"}
    report = run(policy, [talk("t1", "2025-03-10", "sd", "n2")], events=[event])
    ob = next(o for o in report.obligations if o.id == f"{rule}:e1")
    assert ob.responsible == ["sd"]
    assert ob.window.due == date(2025, 3, 10)
    assert ob.status == "met"
    late = run(policy, [talk("t1", "2025-03-11", "sd", "n2")], events=[event])
    assert status(late, f"{rule}:e1") == "overdue"


def test_45f_assessment_feedback_only_for_leading_cadres(policy: Policy) -> None:
    """4.5f: assessment feedback is owed to leading cadres (by the principals for a team member)."""
    events = [
        {"id": "e1", "kind": "assessment_feedback", "person": "vp", "date": "2025-03-03"},
        {"id": "e2", "kind": "assessment_feedback", "person": "n2", "date": "2025-03-03"},
    ]
    report = run(policy, [talk("t1", "2025-03-05", "pres", "vp")], events=events)
    ob = next(o for o in report.obligations if o.id == "assessment_feedback_talk:e1")
    assert ob.responsible == ["pres", "sec"]
    assert ob.status == "met"
    assert "subject-not-in-group" in codes(report, "e2")


def test_event_deadline_passes_a_holiday(policy: Policy) -> None:
    """A 5-working-day deadline from Fri 24 Jan 2025 skips the Spring Festival: due 7 Feb."""
    event = {"id": "e1", "kind": "promotion", "person": "n2", "date": "2025-01-24"}
    report = run(policy, [talk("t1", "2025-02-07", "sd", "n2")], events=[event], holidays=CN_2025)
    ob = next(o for o in report.obligations if o.id == "career_change_talk:e1")
    assert ob.window.due == date(2025, 2, 7)
    assert ob.status == "met"


def test_46_confidant_request_with_agreed_date(policy: Policy) -> None:
    """4.6: the leader asked for a talk owes it by the agreed date."""
    event = {
        "id": "e1",
        "kind": "confidant_request",
        "person": "n3",
        "date": "2025-05-01",
        "counterpart": "pres",
        "agreed_date": "2025-05-20",
    }
    report = run(policy, [talk("t1", "2025-05-20", "pres", "n3")], events=[event])
    ob = next(o for o in report.obligations if o.id == "confidant_talk:e1")
    assert ob.responsible == ["pres"]
    assert ob.window.due == date(2025, 5, 20)
    assert ob.status == "met"


def test_47_responsibility_chain_and_gap(policy: Policy) -> None:
    """4.7: staff of a unit with no head have no one answerable: a gap finding."""
    lonely = person("n4", unit="medicine")
    report = run(policy, [], people=roster(lonely))
    assert "no-one-answerable" in codes(report, "n4")
    assert "no-one-answerable" not in codes(report, "n1")
    assert "no-one-answerable" not in codes(report, "sec")  # the president answers for them


def test_secretary_who_is_also_president(policy: Policy) -> None:
    """One person holding both principal roles owes every team member, and answers to no one."""
    people = Roster.model_validate(
        {
            "people": [
                person("boss", "party_secretary", "president"),
                person("vp", "vice_president"),
                person("dsec", "discipline_secretary"),
            ]
        }
    )
    report = run(policy, [talk("t1", "2025-03-01", "boss", "vp")], people=people)
    annual = sorted(o.id for o in report.obligations if o.rule == "principals_annual")
    assert annual == ["principals_annual:2025:boss+dsec", "principals_annual:2025:boss+vp"]
    assert status(report, "principals_annual:2025:boss+vp") == "met"
    assert "no-one-answerable" in codes(report, "boss")


def test_15_team_talk_without_clean_government_topic(policy: Policy) -> None:
    """1.5: a team talk that does not record clean government gets a warning."""
    report = run(
        policy,
        [
            talk("t1", "2025-03-02", "sec", "pres"),
            talk("t2", "2025-03-03", "sec", "vp", topics=["clean_government"]),
        ],
    )
    assert "missing-topic" in codes(report, "t1")
    assert "missing-topic" not in codes(report, "t2")


# --------------------------------------------------------------------------- data findings


def test_unknown_person_talk_is_flagged_and_unused(policy: Policy) -> None:
    """A talk naming someone not on the roster is an error finding and counts for nothing."""
    report = run(policy, [talk("t1", "2025-03-02", "sec", "ghost")])
    assert "unknown-person" in codes(report, "t1")
    assert report.summary.talks_used == 0
    assert report.summary.talks_flagged == 1


def test_out_of_scope_and_outside_period(policy: Policy) -> None:
    """Two rank-and-file staff of different units are outside the system; old talks are noted."""
    report = run(
        policy, [talk("t1", "2025-03-02", "n2", "n3"), talk("t2", "2024-03-02", "sec", "vp")]
    )
    assert "out-of-scope" in codes(report, "t1")
    assert "outside-period" in codes(report, "t2")


def test_future_talk_not_counted(policy: Policy) -> None:
    """A talk dated after as-of is flagged and not counted."""
    report = run(policy, [talk("t1", "2025-07-02", "sec", "vp")], as_of=date(2025, 6, 30))
    assert "future-talk" in codes(report, "t1")
    assert status(report, "principals_annual:2025:sec+vp") == "pending"


def test_duplicate_ids(policy: Policy) -> None:
    """Conflicting duplicates are all refused; identical duplicates are used once."""
    report = run(
        policy,
        [
            talk("t1", "2025-03-02", "sec", "vp"),
            talk("t1", "2025-03-05", "sec", "vp"),
            talk("t2", "2025-03-02", "pres", "vp"),
            talk("t2", "2025-03-02", "pres", "vp"),
        ],
    )
    assert "duplicate-id" in codes(report, "t1")
    assert status(report, "principals_annual:2025:sec+vp") == "overdue"
    assert "duplicate-record" in codes(report, "t2")
    assert status(report, "principals_annual:2025:pres+vp") == "met"


def test_summary_accounts_for_every_talk(policy: Policy) -> None:
    """Every talk record is used, flagged or counted as unmatched."""
    talks = [
        talk("a", "2025-03-02", "sec", "vp"),
        talk("b", "2025-03-03", "sec", "vp"),
        talk("c", "2025-03-04", "ghost", "vp"),
        talk("d", "2025-03-05", "n2", "n3"),
    ]
    s = run(policy, talks).summary
    assert s.talks == 4
    assert s.talks_used + s.talks_flagged + s.talks_unmatched >= 4
    assert s.talks_used == 2


def test_todo_lists_what_each_leader_owes(policy: Policy) -> None:
    """The to-do list of the president holds their overdue annual talks, by due date."""
    report = run(policy, [talk("t1", "2025-03-02", "sec", "pres")])
    todo = {t.person: t for t in report.todo}
    items = [i.obligation for i in todo["pres"].items if i.rule == "principals_annual"]
    assert items == ["principals_annual:2025:pres+dsec", "principals_annual:2025:pres+vp"]
    assert all(i.status == "overdue" for i in todo["pres"].items)


def test_bad_period_is_an_input_error(policy: Policy) -> None:
    """A period that ends before it starts is refused with a typed error."""
    with pytest.raises(InputError):
        run(policy, [], period=(date(2025, 12, 31), date(2025, 1, 1)))
