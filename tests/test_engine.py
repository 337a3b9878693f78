"""End-to-end evaluation of the Huimin policy, one test per evaluable clause, hand-computed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tanxin_rules import History, InputError, Policy, Report, Roster, load_policy
from tanxin_rules._calendar import HolidayCalendar, HolidayEntry
from tanxin_rules._engine import evaluate
from tanxin_rules._policy import AnchorRule, Deadline, FollowUpRule, WindowRule

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


def test_talk_between_two_spells_in_a_role_does_not_count(policy: Policy) -> None:
    """3.1b (mid_period_membership: any_overlap): only talks on days both qualify count — a
    vice-president on the team January–March and October–December is not owed by a June talk,
    and one in October meets the year's obligation."""
    gap = person("vp2")
    gap["roles"] = [
        {"role": "vice_president", "until": "2025-03-31"},
        {"role": "vice_president", "since": "2025-10-01"},
    ]
    report = run(policy, [talk("t1", "2025-06-15", "sec", "vp2")], people=roster(gap))
    ob = next(o for o in report.obligations if o.id == "principals_annual:2025:sec+vp2")
    assert (ob.window.start, ob.window.due) == (date(2025, 1, 1), date(2025, 12, 31))
    assert ob.status == "overdue"
    assert ob.satisfied_by == []
    report = run(policy, [talk("t1", "2025-10-15", "sec", "vp2")], people=roster(gap))
    assert status(report, "principals_annual:2025:sec+vp2") == "met"


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


def test_a_window_after_the_meeting_is_explained_as_after(policy: Policy) -> None:
    """A window rule of another institution — five days after the meeting — says "after the
    meeting" (會後) in its explanation, not "before"."""
    after = policy.model_copy(
        update={
            "rules": [
                r.model_copy(update={"days_before": 0, "days_after": 5})
                if r.id == "pre_meeting_round"
                else r
                for r in policy.rules
            ]
        }
    )
    report = run(after, [talk("t1", "2025-06-12", "sec", "pres")], meetings=["2025-06-10"])
    ob = next(o for o in report.obligations if o.id == "pre_meeting_round:2025-06-10:pres+sec")
    assert (ob.window.start, ob.window.due, ob.status) == (
        date(2025, 6, 11),
        date(2025, 6, 15),
        "met",
    )
    assert "after the meeting of 2025-06-10" in ob.explanation.en
    assert "會後" in ob.explanation.zh
    assert "before the meeting of" not in ob.explanation.en


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


def test_44_written_reply_within_a_month(policy: Policy) -> None:
    """A reply deadline of one month (the reply_deadline alternative ``{months: 1}``): asked
    on 31 January 2025, due on 28 February; a reply on 1 March is late."""
    monthly = policy.model_copy(
        update={
            "rules": [
                r.model_copy(update={"deadline": Deadline(months=1)})
                if r.id == "written_reply"
                else r
                for r in policy.rules
            ]
        }
    )
    requests = [
        {"id": "r1", "matter": "a", "requested_by": "sd", "replied_on": "2025-02-28"},
        {"id": "r2", "matter": "b", "requested_by": "sd", "replied_on": "2025-03-01"},
    ]
    report = run(monthly, [talk("t1", "2025-01-31", "vp", "sd", reply_requests=requests)])
    assert status(report, "written_reply:r1") == "met"
    assert status(report, "written_reply:r2") == "overdue"
    ob = next(o for o in report.obligations if o.id == "written_reply:r1")
    assert ob.window.due == date(2025, 2, 28)


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


def test_a_deadline_past_the_calendar_leaves_out_only_its_own_record(policy: Policy) -> None:
    """A deadline the holiday calendar cannot reach (an event of 29 December, a calendar of
    2025) makes a calendar-gap finding on that event and request; the rule's other events
    and requests are still evaluated, so nothing vanishes."""
    events = [
        {"id": "e1", "kind": "promotion", "person": "n2", "date": "2025-12-29"},
        {"id": "e2", "kind": "promotion", "person": "n3", "date": "2025-03-03"},
    ]
    requests = [{"id": "r1", "matter": "a", "requested_by": "sd"}]
    late = [{"id": "r2", "matter": "b", "requested_by": "fd", "replied_on": "2025-03-05"}]
    report = run(
        policy,
        [
            talk("t1", "2025-12-29", "vp", "sd", reply_requests=requests),
            talk("t2", "2025-03-04", "vp", "fd", reply_requests=late),
        ],
        events=events,
        holidays=CN_2025,
    )
    assert status(report, "career_change_talk:e2") == "overdue"
    assert status(report, "written_reply:r2") == "met"
    assert not [o for o in report.obligations if o.id.endswith((":e1", ":r1"))]
    gaps = {(f.record_kind, f.record) for f in report.findings if f.code == "calendar-gap"}
    assert gaps == {("event", "e1"), ("reply_request", "r1")}
    assert report.summary.events_flagged == 1
    assert report.summary.events_used == 1


def test_reply_requests_sharing_an_id_are_not_used(policy: Policy) -> None:
    """4.4: two talks each asking for a reply under the id r1 give a duplicate-id finding and
    no obligation (an obligation id is never given twice); an identical request listed twice in
    one talk is one request."""
    first = [{"id": "r1", "matter": "a", "requested_by": "sd", "replied_on": "2025-04-02"}]
    other = [{"id": "r1", "matter": "b", "requested_by": "fd"}]
    twice = [{"id": "r2", "matter": "c", "requested_by": "n3"}] * 2
    report = run(
        policy,
        [
            talk("t1", "2025-04-01", "vp", "sd", reply_requests=first),
            talk("t2", "2025-04-01", "vp", "fd", reply_requests=other),
            talk("t3", "2025-04-01", "fd", "n3", reply_requests=twice),
        ],
    )
    assert not [o for o in report.obligations if o.id == "written_reply:r1"]
    assert "duplicate-id" in codes(report, "r1")
    assert [o.id for o in report.obligations if o.rule == "written_reply"] == ["written_reply:r2"]
    assert "duplicate-record" in codes(report, "r2")
    ids = [o.id for o in report.obligations]
    assert len(ids) == len(set(ids))


def test_a_late_reply_is_overdue_with_nothing_left_to_do(policy: Policy) -> None:
    """4.4: a reply given after its deadline is overdue, says when it came and that nothing is
    left to do, and stays off the responsible leader's to-do list."""
    requests = [
        {"id": "r1", "matter": "a", "requested_by": "sd", "replied_on": "2025-05-30"},
        {"id": "r2", "matter": "b", "requested_by": "sd"},
    ]
    report = run(
        policy, [talk("t1", "2025-04-01", "vp", "sd", reply_requests=requests)], holidays=CN_2025
    )
    ob = next(o for o in report.obligations if o.id == "written_reply:r1")
    assert ob.status == "overdue"
    assert ob.done_late == date(2025, 5, 30)
    assert "2025-05-30" in ob.explanation.zh
    assert "無須補做" in ob.explanation.zh
    assert "nothing is left to do" in ob.explanation.en
    unanswered = next(o for o in report.obligations if o.id == "written_reply:r2")
    assert "應盡快補做" in unanswered.explanation.zh
    todo = {i.obligation for t in report.todo if t.person == "vp" for i in t.items}
    assert "written_reply:r2" in todo
    assert "written_reply:r1" not in todo


def test_a_reply_owed_by_the_initiator_is_never_owed_to_oneself(policy: Policy) -> None:
    """With ``owed_by: initiator`` the initiator owes the reply, except when they asked for it
    themselves or the talk names no initiator: then the other participants do."""
    rules = [
        FollowUpRule.model_validate(r.model_dump() | {"owed_by": "initiator"})
        if isinstance(r, FollowUpRule)
        else r
        for r in policy.rules
    ]
    variant = policy.model_copy(update={"rules": rules})
    asked_by_fd = [{"id": "r1", "matter": "a", "requested_by": "fd"}]
    asked_by_vp = [{"id": "r2", "matter": "b", "requested_by": "vp"}]
    nobody = [{"id": "r3", "matter": "c", "requested_by": "vp"}]
    report = run(
        variant,
        [
            talk("t1", "2025-03-04", "vp", "fd", initiator="vp", reply_requests=asked_by_fd),
            talk("t2", "2025-03-05", "vp", "fd", initiator="vp", reply_requests=asked_by_vp),
            talk("t3", "2025-03-06", "vp", "fd", reply_requests=nobody),
        ],
    )
    owed = {o.id: o.responsible for o in report.obligations if o.rule == "written_reply"}
    assert owed == {
        "written_reply:r1": ["vp"],
        "written_reply:r2": ["fd"],
        "written_reply:r3": ["fd"],
    }


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


def test_a_trigger_talk_held_late_is_done_late_not_out_of_scope(policy: Policy) -> None:
    """4.6: a talk after the agreed date leaves the obligation overdue but done (done_late),
    off the to-do lists, and the talk gets a late-talk finding rather than out-of-scope."""
    event = confidant("pres") | {"agreed_date": "2025-05-20"}
    report = run(policy, [talk("t1", "2025-06-03", "pres", "n3")], events=[event])
    ob = next(o for o in report.obligations if o.id == "confidant_talk:e1")
    assert (ob.status, ob.done_late, ob.satisfied_by) == ("overdue", date(2025, 6, 3), [])
    assert "held late on 2025-06-03 (talk t1)" in ob.explanation.en
    assert "nothing is left to do" in ob.explanation.en
    assert codes(report, "t1") == {"late-talk"}
    assert not [i for t in report.todo for i in t.items if i.obligation == ob.id]
    assert report.summary.talks_flagged == 1


def test_a_talk_after_as_of_does_not_make_an_obligation_done_late(policy: Policy) -> None:
    """Only talks by the as-of date can make an overdue obligation up."""
    event = confidant("pres") | {"agreed_date": "2025-05-20"}
    report = run(
        policy, [talk("t1", "2025-06-03", "pres", "n3")], events=[event], as_of=date(2025, 6, 1)
    )
    ob = next(o for o in report.obligations if o.id == "confidant_talk:e1")
    assert (ob.status, ob.done_late) == ("overdue", None)
    assert "late-talk" not in codes(report)


def confidant(counterpart: str, person: str = "n3") -> dict[str, Any]:
    """A 4.6 request of ``person`` naming ``counterpart``, on 1 May 2025, with no agreed date."""
    return {
        "id": "e1",
        "kind": "confidant_request",
        "person": person,
        "date": "2025-05-01",
        "counterpart": counterpart,
    }


def test_46_a_leading_cadre_asked_owes_the_talk(policy: Policy) -> None:
    """4.6: a unit head is a leader (領導) one may ask: they owe the talk, no finding."""
    report = run(policy, [], events=[confidant("sd")])
    ob = next(o for o in report.obligations if o.id == "confidant_talk:e1")
    assert ob.responsible == ["sd"]
    assert "counterpart-not-eligible" not in codes(report, "e1")


@pytest.mark.parametrize(
    ("named", "extra", "why"),
    [
        ("n2", [], "is not among leaders one may ask for a talk on 2025-05-01"),
        ("n3", [], "is the event's own person"),
        (
            "old",
            [person("old", "vice_president", left="2025-03-31")],
            "was not in the organisation on 2025-05-01",
        ),
    ],
    ids=["staff-member", "oneself", "leader-who-left"],
)
def test_46_a_counterpart_who_is_no_leader_passes_the_request_to_the_chain(
    policy: Policy, named: str, extra: list[dict[str, Any]], why: str
) -> None:
    """4.6: naming a non-leader, oneself or a leader who left gives a finding; 4.7 answers."""
    report = run(policy, [], events=[confidant(named)], people=roster(*extra))
    ob = next(o for o in report.obligations if o.id == "confidant_talk:e1")
    assert ob.responsible == ["fd"]  # the finance department's head answers for n3 (4.7)
    (found,) = [f for f in report.findings if f.code == "counterpart-not-eligible"]
    assert (found.record_kind, found.record, found.severity) == ("event", "e1", "warning")
    assert why in found.message.en
    assert found.rule == "confidant_talk"


def test_47_a_hospital_leader_in_a_clinical_section_answers_to_the_principals(
    policy: Policy,
) -> None:
    """4.7 is layered downwards: a vice-president registered in surgery is answered for by the
    principal leaders, not by surgery's director (section_staff_members)."""
    doctor = person("vp2", "vice_president", unit="surgery")
    event = {"id": "e1", "kind": "promotion", "person": "vp2", "date": "2025-03-03"}
    report = run(policy, [], events=[event], people=roster(doctor))
    ob = next(o for o in report.obligations if o.id == "career_change_talk:e1")
    assert ob.responsible == ["pres", "sec"]
    nurse = {"id": "e2", "kind": "promotion", "person": "n2", "date": "2025-03-03"}
    report = run(policy, [], events=[nurse], people=roster(doctor))
    assert next(o for o in report.obligations if o.id == "career_change_talk:e2").responsible == [
        "sd"
    ]


def test_a_person_who_left_before_being_hired_is_flagged(policy: Policy) -> None:
    """Dates in the wrong order are no silent 'never here': the person gets a finding."""
    odd = person("n9", unit="surgery", hired="2025-06-01", left="2025-01-31")
    report = run(policy, [talk("t1", "2025-03-03", "sd", "n9")], people=roster(odd))
    assert "left-before-hired" in codes(report, "n9")
    assert "inactive-participant" in codes(report, "t1")


def test_a_once_anchor_on_the_day_a_person_leaves(policy: Policy) -> None:
    """離任談話: an anchor on ``left`` with ``once`` owes one talk in the 30 days up to the last
    day, by whoever answers for the person that day; anniversaries of leaving are refused."""
    leaving = AnchorRule.model_validate(
        {"kind": "anchor", "id": "leaving_talk", "clause": "4.7",
         "label": {"zh": "離任談話", "en": "talk before leaving"}, "subjects": "everyone",
         "date_field": "left", "once": True, "offset_days": -29, "length_days": 30,
         "talker": {"by": "responsibility"}}
    )  # fmt: skip
    variant = policy.model_copy(update={"rules": [*policy.rules, leaving]})
    odd = person("n9", unit="surgery", left="2025-06-30")
    report = run(variant, [talk("t1", "2025-06-10", "sd", "n9")], people=roster(odd))
    ob = next(o for o in report.obligations if o.rule == "leaving_talk")
    assert (ob.id, ob.window.start, ob.window.due) == (
        "leaving_talk:2025-06-30:n9",
        date(2025, 6, 1),
        date(2025, 6, 30),
    )
    assert (ob.responsible, ob.status, ob.satisfied_by) == (["sd"], "met", ["t1"])
    assert "talk on leaving" in ob.explanation.en
    with pytest.raises(ValueError, match="date_field: left has no anniversaries"):
        AnchorRule.model_validate(leaving.model_dump() | {"once": False})


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


def test_agreed_date_before_the_event_is_flagged_and_the_event_day_is_due(policy: Policy) -> None:
    """4.6: an agreed date before the event is a warning; the event's own day is the due date."""
    event = {
        "id": "e1",
        "kind": "confidant_request",
        "person": "n3",
        "date": "2025-05-01",
        "counterpart": "pres",
        "agreed_date": "2025-04-20",
    }
    report = run(policy, [], events=[event])
    assert "agreed-date-before-event" in codes(report, "e1")
    ob = next(o for o in report.obligations if o.id == "confidant_talk:e1")
    assert (ob.window.start, ob.window.due) == (date(2025, 5, 1), date(2025, 5, 1))


def test_a_window_past_the_calendar_leaves_out_only_its_own_meeting(policy: Policy) -> None:
    """A working-day window the holiday calendar cannot reach (a meeting of 3 January, a
    calendar from 1 January) is a calendar-gap finding on that meeting; the rule's other
    meetings are evaluated."""
    rules = [
        WindowRule.model_validate(r.model_dump() | {"count": "working"})
        if isinstance(r, WindowRule)
        else r
        for r in policy.rules
    ]
    working = policy.model_copy(update={"rules": rules})
    history = History.model_validate(
        {
            "talks": [talk("t1", "2025-06-03", "sec", "pres")],
            "meetings": [
                {"id": "m1", "kind": "democratic_life_meeting", "date": "2025-01-03"},
                {"id": "m2", "kind": "democratic_life_meeting", "date": "2025-06-10"},
            ],
        }
    )
    report = evaluate(working, roster(), history, YEAR, AFTER, CN_2025)
    gaps = [f for f in report.findings if f.code == "calendar-gap"]
    assert [(f.record_kind, f.record, f.rule) for f in gaps] == [
        ("meeting", "m1", "pre_meeting_round")
    ]
    ob = next(o for o in report.obligations if o.id == "pre_meeting_round:2025-06-10:pres+sec")
    # the 20 working days before Tue 10 June 2025: Tue 13 May … Mon 9 June, four weeks (this
    # calendar knows only New Year and the Spring Festival)
    assert (ob.window.start, ob.window.due, ob.status) == (
        date(2025, 5, 13),
        date(2025, 6, 9),
        "met",
    )
    assert not [o for o in report.obligations if o.id.startswith("pre_meeting_round:2025-01-03")]


def test_slots_past_the_calendar_leave_out_only_themselves(policy: Policy) -> None:
    """3.2 over July 2025 – January 2026 with a 2025 calendar: the last Thursday of January
    2026 cannot be placed (a calendar-gap finding naming it); the 2025 slots are evaluated."""
    period = (date(2025, 7, 1), date(2026, 1, 31))
    report = run(policy, [], period=period, holidays=CN_2025, as_of=date(2026, 2, 15))
    monthly = sorted(o.window.due for o in report.obligations if o.rule == "monthly_slot")
    assert {d.month for d in monthly} == {7, 8, 9, 10, 11, 12}
    (gap,) = [f for f in report.findings if f.code == "calendar-gap" and f.rule == "monthly_slot"]
    assert "due on 2026-01-29 cannot be placed" in gap.message.en
    assert (gap.record_kind, gap.record) == ("holiday", "cn-2025")


def test_a_meeting_of_the_period_past_the_calendar_is_no_missing_meeting(policy: Policy) -> None:
    """A meeting in the period whose window the calendar cannot reach has a calendar-gap
    finding, and no 'no-meeting' finding says that no meeting was held."""
    rules = [
        WindowRule.model_validate(r.model_dump() | {"count": "working"})
        if isinstance(r, WindowRule)
        else r
        for r in policy.rules
    ]
    working = policy.model_copy(update={"rules": rules})
    history = History.model_validate(
        {"meetings": [{"id": "m1", "kind": "democratic_life_meeting", "date": "2025-01-03"}]}
    )
    report = evaluate(working, roster(), history, YEAR, AFTER, CN_2025)
    assert "calendar-gap" in codes(report, "m1")
    assert "no-meeting" not in codes(report)


# --------------------------------------------------------------------------- readings

READINGS = """\
tanxin: 1
id: readings
label: {zh: 小制度, en: a small policy}
timezone: Asia/Shanghai
source:
  title: {zh: 小制度, en: a small policy}
  clauses:
    - id: "1"
      text: {zh: 談心, en: talk}
roles:
  - id: head
    label: {zh: 主任, en: head}
    heads: unit
  - id: nurse
    label: {zh: 護士, en: nurse}
groups:
  - id: heads
    label: {zh: 主任, en: heads}
    members: {any_role: [head]}
  - id: staff
    label: {zh: 職工, en: staff}
    members: {no_role: [head]}
  - id: nurses
    label: {zh: 護士, en: nurses}
    members: {any_role: [nurse]}
event_kinds:
  - id: illness
    label: {zh: 生病, en: illness}
meeting_kinds:
  - id: review
    label: {zh: 評議會, en: review meeting}
scopes:
  - id: head_staff
    clause: "1"
    label: {zh: 主任與本科職工, en: heads and their staff}
    between: [heads, staff]
    relation: [heads_unit]
rules:
  - id: mondays
    kind: slot
    clause: "1"
    label: {zh: 週一談心, en: Monday talks}
    rrule: FREQ=WEEKLY;BYDAY=MO
    anchor: 2025-01-06
    talkers: heads
    counterparts: staff
    relation: [heads_unit]
  - id: distinct
    kind: coverage
    clause: "1"
    label: {zh: 談兩名職工, en: two staff}
    talkers: heads
    counterparts: staff
    at_least_distinct: 2
    period: {kind: calendar, unit: year}
  - id: share
    kind: coverage
    clause: "1"
    label: {zh: 護士過半, en: half the nurses}
    talkers: heads
    counterparts: nurses
    share: 0.5
    period: {kind: calendar, unit: year}
  - id: sick
    kind: trigger
    clause: "1"
    label: {zh: 病後談心, en: after an illness}
    events: [illness]
    subjects: staff
    talker: {by: group, group: heads}
    deadline: {days: 10}
  - id: before_review
    kind: window
    clause: "1"
    label: {zh: 會前談心, en: before the review}
    scope: head_staff
    meeting: review
    days_before: 5
    include_meeting_day: true
  - id: replies
    kind: follow_up
    clause: "1"
    label: {zh: 書面回覆, en: written reply}
    deadline: {days: 10}
"""


@pytest.fixture(scope="module")
def readings() -> Policy:
    """A small policy with one rule of each kind the readings below are about."""
    return load_policy(text=READINGS)


def staffed(*extra: dict[str, Any]) -> Roster:
    """Two heads of unit u1 (h1, h2), staff s1 in u1 and s2 in u2, and ``extra``."""
    return Roster.model_validate(
        {
            "people": [
                person("h1", "head", unit="u1"),
                person("h2", "head", unit="u1"),
                person("s1", unit="u1"),
                person("s2", unit="u2"),
                *extra,
            ]
        }
    )


def judge(
    policy: Policy,
    roster: Roster,
    talks: Sequence[dict[str, Any]] = (),
    *,
    events: Sequence[dict[str, Any]] = (),
    meetings: Sequence[dict[str, Any]] = (),
    as_of: date = AFTER,
) -> Report:
    """Evaluate ``policy`` over 2025 as of ``as_of``."""
    history = History.model_validate(
        {"talks": list(talks), "events": list(events), "meetings": list(meetings)}
    )
    return evaluate(policy, roster, history, YEAR, as_of)


def obligation(report: Report, oid: str) -> Any:
    """One obligation, by id."""
    (found,) = [o for o in report.obligations if o.id == oid]
    return found


def test_slot_talk_counts_only_with_a_related_counterpart_of_the_group(readings: Policy) -> None:
    """On the slot's day, a talk with another head (not staff) or with staff of another unit
    (not related by heads_unit) does not count; one with the head's own staff does."""
    report = judge(
        readings,
        staffed(),
        [
            talk("t1", "2025-01-06", "h1", "h2"),
            talk("t2", "2025-01-06", "h1", "s2"),
            talk("t3", "2025-01-13", "h1", "s1"),
        ],
    )
    assert obligation(report, "mondays:2025-01-06:h1").status == "overdue"
    assert obligation(report, "mondays:2025-01-13:h1").satisfied_by == ["t3"]


def test_coverage_counts_talks_only_on_days_both_sides_are_in_their_groups(
    readings: Policy,
) -> None:
    """Share form: a talk with a nurse before she became one does not cover her. Distinct
    form: a talk on a day the talker was not a head does not count, inside his window."""
    nurse = person("s3", unit="u1")
    nurse["roles"] = [{"role": "nurse", "since": "2025-06-01"}]
    acting = person("h3", unit="u1")
    acting["roles"] = [
        {"role": "head", "until": "2025-02-28"},
        {"role": "head", "since": "2025-06-01"},
    ]
    report = judge(
        readings,
        staffed(nurse, acting),
        [
            talk("t1", "2025-03-03", "h1", "s3"),
            talk("t2", "2025-04-01", "h3", "s1"),
            talk("t3", "2025-04-02", "h3", "s2"),
        ],
    )
    share = obligation(report, "share:2025")
    assert (share.status, share.outstanding) == ("overdue", ["s3"])
    distinct = obligation(report, "distinct:2025:h3")
    assert (distinct.window.start, distinct.window.due) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (distinct.status, distinct.satisfied_by) == ("overdue", [])


def test_share_rule_without_counterparts_makes_no_obligation(readings: Policy) -> None:
    """Nobody is a nurse all year: the share rule owes nothing (no 'met 0 of 0')."""
    report = judge(readings, staffed())
    assert [o.id for o in report.obligations if o.rule == "share"] == []


def test_pooled_trigger_obligation_lists_only_the_subject_as_party(readings: Policy) -> None:
    """Any of two heads may discharge the talk: parties is the subject, both are responsible."""
    event = {"id": "e1", "kind": "illness", "person": "s1", "date": "2025-02-03"}
    report = judge(readings, staffed(), events=[event])
    ob = obligation(report, "sick:e1")
    assert (ob.parties, ob.responsible) == (["s1"], ["h1", "h2"])
    todo = {t.person: t.items for t in report.todo}
    assert [i.with_ for i in todo["h1"] if i.rule == "sick"] == [["s1"]]


def test_two_records_of_one_meeting_are_one_meeting(readings: Policy) -> None:
    """Two review meetings on one day (different ids) derive one obligation per pair."""
    meetings = [
        {"kind": "review", "date": "2025-04-10", "id": "m1"},
        {"kind": "review", "date": "2025-04-10", "id": "m2"},
    ]
    report = judge(readings, staffed(), meetings=meetings)
    ids = [o.id for o in report.obligations if o.rule == "before_review"]
    assert ids == ["before_review:2025-04-10:h1+s1", "before_review:2025-04-10:h2+s1"]


def test_reply_request_on_a_talk_after_as_of_owes_nothing(readings: Policy) -> None:
    """A talk dated after as-of is not counted, and its reply request derives no obligation."""
    request = {"id": "r1", "requested_by": "s1"}
    report = judge(
        readings,
        staffed(),
        [talk("t1", "2025-09-01", "h1", "s1", reply_requests=[request])],
        as_of=date(2025, 6, 30),
    )
    assert "future-talk" in codes(report, "t1")
    assert [o.id for o in report.obligations if o.rule == "replies"] == []
    assert report.summary.reply_requests == 1


def test_summary_counts_records_and_distinct_ids(readings: Policy) -> None:
    """A talk listed twice (identical) is two records but one id: used once, flagged once."""
    twice = talk("t1", "2025-01-13", "h1", "s1")
    s = judge(readings, staffed(), [twice, twice, talk("t2", "2025-01-14", "h1", "h2")]).summary
    assert s.talks == 3
    assert (s.talks_used, s.talks_flagged, s.talks_unmatched) == (1, 2, 0)


def test_event_outside_the_period_gets_no_finding(readings: Policy) -> None:
    """An event of 2024 derives nothing and is not flagged; it counts only in summary.events."""
    event = {"id": "e1", "kind": "illness", "person": "s1", "date": "2024-12-30"}
    report = judge(readings, staffed(), events=[event])
    assert codes(report, "e1") == set()
    assert [o.id for o in report.obligations if o.rule == "sick"] == []
    assert (report.summary.events, report.summary.events_used) == (1, 0)
    assert report.summary.events_flagged == 0


# --------------------------------------------------------------------------- same_organisation


def hospital(prefix: str | None) -> list[dict[str, Any]]:
    """One hospital's leadership team: secretary, president, vice-president (ids prefixed)."""
    tag = prefix or "own"
    extra = {"organisation": prefix} if prefix else {}
    return [
        person(f"{tag}_sec", "party_secretary", **extra),
        person(f"{tag}_pres", "president", **extra),
        person(f"{tag}_vp", "vice_president", **extra),
    ]


def bureau(*prefixes: str | None) -> Roster:
    """A health bureau's roster: the hospitals named, in one roster."""
    return Roster.model_validate({"people": [p for h in prefixes for p in hospital(h)]})


def obligation_keys(report: Report) -> set[tuple[str, tuple[str, ...], date, date, str]]:
    """The obligations without their ids."""
    return {
        (o.rule, tuple(o.parties), o.window.start, o.window.due, o.status)
        for o in report.obligations
    }


def test_bureau_team_obligations_stay_within_each_hospital(policy: Policy) -> None:
    """2.1–2.3 with same_organisation: a two-hospital roster owes exactly what each hospital
    owes alone; no obligation pairs leaders of different hospitals."""
    together = run(policy, [], people=bureau("H1", "H2"))
    alone = [run(policy, [], people=bureau(h)) for h in ("H1", "H2")]
    assert together.obligations
    assert obligation_keys(together) == obligation_keys(alone[0]) | obligation_keys(alone[1])
    assert len(together.obligations) == sum(len(r.obligations) for r in alone)
    for ob in together.obligations:
        assert len({p.split("_")[0] for p in ob.parties}) == 1, ob.id


def test_people_without_an_organisation_are_one_hospital(policy: Policy) -> None:
    """None and None are the same institution: the roster's own team owes its annual talks."""
    report = run(policy, [], people=bureau(None))
    assert status(report, "principals_annual:2025:own_sec+own_vp") == "overdue"
    assert status(report, "principals_annual:2025:own_pres+own_sec") == "overdue"


def test_no_organisation_and_a_named_one_are_not_the_same(policy: Policy) -> None:
    """None and "H1" differ: the roster's own secretary owes nothing to hospital H1's team."""
    report = run(policy, [], people=bureau(None, "H1"))
    mixed = [o.id for o in report.obligations if {p[:3] for p in o.parties} == {"own", "H1_"}]
    assert mixed == []
    assert status(report, "principals_annual:2025:H1_sec+H1_vp") == "overdue"


def test_a_talk_across_hospitals_is_out_of_scope(policy: Policy) -> None:
    """Two secretaries of different hospitals: no scope covers the talk; within one, one does."""
    talks = [
        talk("t1", "2025-03-02", "H1_sec", "H2_sec"),
        talk("t2", "2025-03-02", "H1_sec", "H1_vp"),
        talk("t3", "2025-03-02", "own_sec", "own_vp"),
    ]
    report = run(policy, talks, people=bureau("H1", "H2", None))
    assert "out-of-scope" in codes(report, "t1")
    assert "out-of-scope" not in codes(report, "t2")
    assert "out-of-scope" not in codes(report, "t3")
    assert status(report, "principals_annual:2025:H1_sec+H1_vp") == "met"


def test_no_one_answerable_is_decided_per_hospital(policy: Policy) -> None:
    """4.7: a vice-president of a hospital without principals has no one answerable, though a
    colleague of the same standing in another hospital has."""
    people = Roster.model_validate(
        {
            "people": [
                person("a_sec", "party_secretary", organisation="H1"),
                person("b_vp", "vice_president", organisation="H1"),
                person("c_vp", "vice_president", organisation="H2"),
            ]
        }
    )
    report = run(policy, [], people=people)
    assert "no-one-answerable" not in codes(report, "b_vp")
    assert "no-one-answerable" in codes(report, "c_vp")


def test_names_with_bidi_controls_give_a_report(policy: Policy) -> None:
    """Report labels are built from roster names and are not policy text: a name holding a
    bidi override (a roster built in Python; the readers refuse it) never makes evaluate raise."""
    report = run(
        policy,
        [talk("t1", "2025-03-02", "sec", "vp")],
        people=roster(person("odd", "vice_president", name="\u202e張三\x1b", unit="surgery")),
    )
    assert any("\u202e" in o.explanation.zh for o in report.obligations if "odd" in o.parties)


# --------------------------------------------------------------------------- whose meeting


def meeting_run(policy: Policy, people: Roster, meetings: list[dict[str, Any]]) -> Report:
    """Evaluate 2025 with these democratic life meetings (fields beyond kind and date)."""
    history = History.model_validate(
        {"meetings": [{"kind": "democratic_life_meeting", **m} for m in meetings]}
    )
    return evaluate(policy, people, history, YEAR, AFTER)


def rounds(report: Report) -> set[str]:
    """The ids of the pre-meeting round's obligations (3.1a)."""
    return {o.id for o in report.obligations if o.rule == "pre_meeting_round"}


def test_each_hospital_owes_talks_before_its_own_meeting(policy: Policy) -> None:
    """3.1a in a bureau: H1 meets on 20 December, H2 on 10 December; each hospital's team
    owes its round before its own meeting only."""
    report = meeting_run(
        policy,
        bureau("H1", "H2"),
        [
            {"date": "2025-12-20", "organisation": "H1"},
            {"date": "2025-12-10", "organisation": "H2"},
        ],
    )
    assert rounds(report) == {
        "pre_meeting_round:2025-12-20:H1_pres+H1_sec",
        "pre_meeting_round:2025-12-20:H1_pres+H1_vp",
        "pre_meeting_round:2025-12-20:H1_sec+H1_vp",
        "pre_meeting_round:2025-12-10:H2_pres+H2_sec",
        "pre_meeting_round:2025-12-10:H2_pres+H2_vp",
        "pre_meeting_round:2025-12-10:H2_sec+H2_vp",
    }


def test_a_meeting_for_everyone_concerns_every_hospital_once(policy: Policy) -> None:
    """A meeting naming no organisation is every hospital's; on a day that also has H1's own,
    each pair still owes one talk (one obligation, not two)."""
    report = meeting_run(
        policy,
        bureau("H1", "H2"),
        [{"date": "2025-12-20"}, {"date": "2025-12-20", "organisation": "H1"}],
    )
    assert len(rounds(report)) == 6
    assert len({o.id for o in report.obligations}) == len(report.obligations)


def test_a_branch_meeting_concerns_pairs_within_the_branch(policy: Policy) -> None:
    """A meeting of branch b1 concerns only team pairs who are both in b1 (sec and dsec); one
    of a branch no one is in concerns no one."""
    assert rounds(meeting_run(policy, roster(), [{"date": "2025-12-20", "branch": "b1"}])) == {
        "pre_meeting_round:2025-12-20:dsec+sec"
    }
    assert not rounds(meeting_run(policy, roster(), [{"date": "2025-12-20", "branch": "b9"}]))
