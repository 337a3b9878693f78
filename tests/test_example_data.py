"""The two example policies evaluated on their own example data (examples/university_college and
examples/county_bureau), for 2026 as of 2027-01-20, against hand-computed expectations.

The data and its deliberate gaps are described in each folder's build.py; the dates below were
worked out by hand from the policies' parameters and the mainland China holiday calendar
(examples/holidays/cn_2025_2026.yaml: e.g. 28 February and 10 October 2026 are make-up working
Saturdays, 25–27 September and 1–7 October are holidays).
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tanxin_rules import History, Obligation, Policy, Report, Roster, load_policy
from tanxin_rules._calendar import HolidayCalendar
from tanxin_rules._engine import evaluate
from tanxin_rules._yaml import read_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
AS_OF = date(2027, 1, 20)
EVALUABLE = {"frequency", "coverage", "window", "slot", "anchor", "trigger", "follow_up"}


def _data(path: Path) -> Any:
    """A YAML file's data, read strictly."""
    return read_yaml(path.read_bytes(), file=str(path)).data


def _policy(name: str) -> Policy:
    """An example policy."""
    return load_policy(ROOT / "policies" / "examples" / f"{name}.yaml")


def _evaluate(policy: Policy, folder: str) -> Report:
    """Evaluate a policy on an example folder's roster and history."""
    roster = Roster.model_validate(_data(EXAMPLES / folder / "roster.yaml"))
    history = History.model_validate(_data(EXAMPLES / folder / "history.yaml"))
    holidays = HolidayCalendar.model_validate(_data(EXAMPLES / "holidays" / "cn_2025_2026.yaml"))
    return evaluate(policy, roster, history, YEAR, AS_OF, holidays)


@pytest.fixture(scope="module")
def college_policy() -> Policy:
    """The university college example policy."""
    return _policy("university_college_2019")


@pytest.fixture(scope="module")
def bureau_policy() -> Policy:
    """The county bureau example policy."""
    return _policy("county_bureau_2021")


@pytest.fixture(scope="module")
def college(college_policy: Policy) -> Report:
    """The college's 2026 report."""
    return _evaluate(college_policy, "university_college")


@pytest.fixture(scope="module")
def bureau(bureau_policy: Policy) -> Report:
    """The bureau's 2026 report."""
    return _evaluate(bureau_policy, "county_bureau")


def ob(report: Report, oid: str) -> Obligation:
    """One obligation, by id."""
    matches = [o for o in report.obligations if o.id == oid]
    assert len(matches) == 1, f"no obligation {oid}"
    return matches[0]


def ids(report: Report, rule: str) -> set[str]:
    """The ids of a rule's obligations."""
    return {o.id for o in report.obligations if o.rule == rule}


def check(
    report: Report,
    oid: str,
    status: str,
    window: tuple[date, date] | None = None,
    by: list[str] | None = None,
    responsible: list[str] | None = None,
) -> Obligation:
    """Assert an obligation's status and, when given, its window, talks and responsible."""
    found = ob(report, oid)
    assert found.status == status, found.explanation.en
    if window is not None:
        assert (found.window.start, found.window.due) == window
    if by is not None:
        assert found.satisfied_by == by
    if responsible is not None:
        assert found.responsible == responsible
    return found


def findings(report: Report, severity: str) -> set[tuple[str, str | None]]:
    """(code, record) of the findings of one severity."""
    return {(f.code, f.record) for f in report.findings if f.severity == severity}


def d(text: str) -> date:
    """A date from ``YYYY-MM-DD``."""
    return date.fromisoformat(text)


@pytest.mark.parametrize("folder", ["university_college", "county_bureau"])
def test_committed_files_are_what_build_py_writes(folder: str) -> None:
    """roster.yaml and history.yaml hold exactly what the folder's build.py generates."""
    spec = importlib.util.spec_from_file_location(f"{folder}_build", EXAMPLES / folder / "build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert _data(EXAMPLES / folder / "roster.yaml") == module.build_roster()
    assert _data(EXAMPLES / folder / "history.yaml") == module.build_history()


# =========================================================================== the college


def test_college_every_evaluable_rule_has_obligations(
    college_policy: Policy, college: Report
) -> None:
    """Every evaluable rule of the college policy derives at least one obligation."""
    evaluable = {r.id for r in college_policy.rules if r.kind in EVALUABLE}
    assert len(evaluable) == 17
    assert {o.rule for o in college.obligations} == evaluable


def test_college_findings_are_the_deliberate_ones(college: Report) -> None:
    """The only error is the talk naming someone off the roster; the warnings are deliberate."""
    assert findings(college, "error") == {("unknown-person", "20260521-U03-X001")}
    assert findings(college, "warning") == {
        ("no-one-answerable", "T04"),  # electronics has no overseeing leader until 1 April
        ("missing-topic", "20260421-C01-A06"),
        ("missing-topic", "20260716-U04-T03"),
        ("collective-without-reason", "20260916-U05-group"),
    }
    info = findings(college, "info")
    assert ("subject-not-in-group", "E02") in info  # a student's misfortune is not 5.2a
    assert ("subject-not-in-group", "E07") in info  # a head's misfortune is not 5.1d
    assert ("out-of-scope", "20261118-U04-A08") in info  # the 17:30 talk counts for nothing


def test_college_obligation_counts(college: Report) -> None:
    """How many obligations each rule derives, counted from the roster and calendar."""
    counts = {rule: len(ids(college, rule)) for rule in {o.rule for o in college.obligations}}
    assert counts["principals_per_term"] == 6 + 8 + 8  # U05 joins the team on 1 April
    assert counts["oversight_monthly"] == 4 * 12 + 9  # U05 with T04 from April
    assert counts["counsellor_per_term"] == 23 + 23 + 22  # A05 leaves on 31 May
    assert counts["counsellor_monthly"] == (4 * 12 + 5) + (4 * 12 + 2) + 2 * 12
    assert counts["secretary_headcount"] == 2 + 2 + 1
    assert counts["party_member_full_coverage"] == 1
    # Wednesdays of 2026 in term: 7 and 14 January (autumn 2025), 4 March to 8 July (19),
    # 2 September to 30 December (18); 7 October (National Day) is skipped
    assert counts["office_hours"] == 2 + 19 + 18 - 1
    # second Tuesdays in term: 13 January, March to June, September to December (not 14 July:
    # the spring term ends on 10 July), for each of three counsellors
    assert counts["counsellor_day"] == (1 + 4 + 4) * 3
    assert counts["pre_meeting_secretary"] == 2 * 4
    assert counts["pre_meeting_committee"] == 2 * 2


def test_college_principals_per_term(college: Report) -> None:
    """3.1a: both principals with every team member each term; not before the appointment."""
    talk = ["20260306-U01-U02"]
    check(college, "principals_per_term:spring_2026:U01+U02", "met", by=talk)
    check(college, "principals_per_term:spring_2026:U02+U01", "met", by=talk)
    check(
        college,
        "principals_per_term:autumn_2025:U01+U02",
        "met",
        (d("2025-09-01"), d("2026-01-16")),
        ["20250917-U01-U02"],
    )
    check(
        college,
        "principals_per_term:autumn_2026:U02+U04",
        "overdue",
        (d("2026-08-31"), d("2027-01-15")),
        [],
        ["U02"],
    )
    # U05 becomes vice-dean on 1 April: the dean's talk with him on 25 March does not count
    check(
        college,
        "principals_per_term:spring_2026:U02+U05",
        "overdue",
        (d("2026-04-01"), d("2026-07-10")),
        [],
    )
    check(college, "principals_per_term:spring_2026:U01+U05", "met", by=["20260408-U01-U05"])
    assert not {i for i in ids(college, "principals_per_term") if "autumn_2025" in i and "U05" in i}


def test_college_oversight_monthly(college: Report) -> None:
    """3.1b: each team member with the heads they oversee, every calendar month."""
    check(college, "oversight_monthly:2026-01:U01+T01", "met", by=["20260106-U01-T01"])
    check(
        college, "oversight_monthly:2026-02:U02+T02", "overdue", (d("2026-02-01"), d("2026-02-28"))
    )
    check(college, "oversight_monthly:2026-08:U04+T03", "overdue", responsible=["U04"])
    check(college, "oversight_monthly:2026-06:U04+T03", "met", by=["20260623-U04-T03"])
    check(
        college,
        "oversight_monthly:2026-04:U05+T04",
        "met",
        (d("2026-04-01"), d("2026-04-30")),
        ["20260420-U05-T04"],
    )
    assert "oversight_monthly:2026-03:U05+T04" not in ids(college, "oversight_monthly")


def test_college_counsellor_per_term(college: Report) -> None:
    """3.2a: a counsellor with every student in their charge, every term."""
    check(college, "counsellor_per_term:autumn_2026:C02+B07", "overdue", responsible=["C02"])
    check(college, "counsellor_per_term:spring_2026:C01+A08", "met", by=["20260318-C01-A08"])
    check(college, "counsellor_per_term:autumn_2025:C02+B08", "met", by=["20251107-C02-B08"])
    check(
        college,
        "counsellor_per_term:spring_2026:C01+A05",
        "met",
        (d("2026-03-02"), d("2026-05-31")),
        ["20260310-C01-A05", "20260414-C01-A05", "20260512-C01-A05"],
    )
    assert "counsellor_per_term:autumn_2026:C01+A05" not in ids(college, "counsellor_per_term")


def test_college_counsellor_monthly(college: Report) -> None:
    """3.2b (should): monthly with each key student; a group talk does not count."""
    gap = check(college, "counsellor_monthly:2026-08:C01+A04", "overdue")
    assert gap.level == "should"
    check(college, "counsellor_monthly:2026-10:C03+D01", "overdue", by=[])
    check(college, "counsellor_monthly:2026-10:C03+D02", "overdue", by=[])
    # B08 is admitted on 20 November: owed from that day
    check(
        college,
        "counsellor_monthly:2026-11:C02+B08",
        "met",
        (d("2026-11-20"), d("2026-11-30")),
        ["20261125-C02-B08"],
    )
    assert "counsellor_monthly:2026-10:C02+B08" not in ids(college, "counsellor_monthly")
    # the morning talks of 12 May miss the talk day but count for the month
    check(college, "counsellor_monthly:2026-05:C02+B01", "met", by=["20260512-C02-B01"])
    assert "counsellor_monthly:2026-06:C01+A05" not in ids(college, "counsellor_monthly")


def test_college_secretary_headcount(college: Report) -> None:
    """3.3a: at least 6 distinct students a term; a secretary changed mid-term owes nothing."""
    check(
        college,
        "secretary_headcount:autumn_2025:A01",
        "met",
        (d("2025-09-01"), d("2026-01-16")),
        [
            "20251020-A01-A06",
            "20251111-A01-A07",
            "20251124-A01-A08",
            "20251208-A01-D03",
            "20260106-A01-A02",
            "20260107-A01-A03",
        ],
    )
    check(college, "secretary_headcount:spring_2026:A01", "met")
    check(college, "secretary_headcount:autumn_2026:A01", "met")
    check(college, "secretary_headcount:autumn_2025:B01", "met")
    short = check(
        college,
        "secretary_headcount:spring_2026:B01",
        "overdue",
        by=["20260316-B01-B03", "20260410-B01-B05", "20260428-B01-B06", "20260602-B01-D06"],
    )
    assert short.required == 6
    assert "secretary_headcount:autumn_2026:B01" not in ids(college, "secretary_headcount")
    assert "secretary_headcount:autumn_2026:B02" not in ids(college, "secretary_headcount")


def test_college_full_coverage(college: Report) -> None:
    """3.3b: all 23 Party members of 2026 talked with by a college leader, but for B08."""
    cover = check(
        college,
        "party_member_full_coverage:2026",
        "overdue",
        (d("2026-01-01"), d("2026-12-31")),
        responsible=["U01", "U02", "U03", "U04", "U05"],
    )
    assert cover.required == 23
    assert cover.outstanding == ["B08"]
    # 22 members covered by 21 talks: the principals' talk of 6 March covers both of them
    assert len(cover.satisfied_by) == 21
    assert "20260306-U01-U02" in cover.satisfied_by
    assert "20260420-U03-A05" in cover.satisfied_by  # a member who left in May is covered


def test_college_office_hours(college: Report) -> None:
    """4.1a: one reception talk each term Wednesday afternoon, 14:30–17:30, by any leader."""
    check(college, "office_hours:2026-03-04", "met", responsible=["U01", "U02", "U03", "U04"])
    check(
        college, "office_hours:2026-04-01", "met", responsible=["U01", "U02", "U03", "U04", "U05"]
    )
    check(college, "office_hours:2026-03-18", "met", by=["20260318-U03-T07"])  # untimed
    check(college, "office_hours:2026-04-22", "met", by=["20260422-U03-group"])  # a group
    check(college, "office_hours:2026-09-16", "met", by=["20260916-U05-group"])
    check(college, "office_hours:2026-06-24", "overdue", by=[])
    check(college, "office_hours:2026-11-18", "overdue", by=[])  # the talk at 17:30 is too late
    assert "office_hours:2026-10-07" not in ids(college, "office_hours")


def test_college_counsellor_day(college: Report) -> None:
    """4.1b: every counsellor talks with a key student on the second Tuesday afternoon."""
    check(college, "counsellor_day:2026-05-12:C02", "overdue", by=[])  # morning talks only
    check(
        college,
        "counsellor_day:2026-05-12:C01",
        "met",
        by=[f"20260512-C01-A0{i}" for i in range(1, 6)],
    )
    check(college, "counsellor_day:2026-10-13:C03", "met", by=["20261013-C03-group"])
    check(college, "counsellor_day:2026-12-08:C02", "met", responsible=["C02"])


def test_college_pre_meeting_windows(college: Report) -> None:
    """4.2: in the 15 days up to and including the organisational life meeting."""
    jan = (d("2025-12-30"), d("2026-01-13"))
    dec = (d("2026-12-01"), d("2026-12-15"))
    check(college, "pre_meeting_secretary:2026-01-13:A01+A02", "met", jan, ["20260106-A01-A02"])
    check(college, "pre_meeting_secretary:2026-01-13:B01+B02", "met", jan, ["20260105-B01-B02"])
    check(college, "pre_meeting_committee:2026-01-13:B02+B03", "overdue", jan, [], ["B02", "B03"])
    check(college, "pre_meeting_committee:2026-01-13:A02+A03", "met", jan, ["20260109-A02-A03"])
    check(college, "pre_meeting_secretary:2026-12-15:A01+A02", "met", dec, ["20261201-A01-A02"])
    check(college, "pre_meeting_secretary:2026-12-15:A01+A03", "overdue", dec, [])
    # after the 15 October change, B02 is the secretary and B01 a committee member
    check(college, "pre_meeting_secretary:2026-12-15:B02+B01", "met", dec, ["20261210-B02-B01"])
    check(college, "pre_meeting_secretary:2026-12-15:B02+B03", "met", dec, ["20261215-B02-B03"])
    check(college, "pre_meeting_committee:2026-12-15:B01+B03", "met", dec, ["20261204-B01-B03"])


def test_college_student_triggers(college: Report) -> None:
    """5.1: the counsellor within 3 working days; immediately (next day) in a crisis."""
    check(
        college,
        "academic_warning_talk:E01",
        "met",
        (d("2026-03-16"), d("2026-03-19")),
        ["20260318-C01-A08"],
        ["C01"],
    )
    # 30 September: the 3 working days run past National Day to Saturday 10 October
    check(
        college,
        "academic_warning_talk:E09",
        "met",
        (d("2026-09-30"), d("2026-10-10")),
        ["20261009-C03-D07"],
    )
    check(college, "student_discipline_talk:E05", "overdue", (d("2026-04-20"), d("2026-04-23")), [])
    check(
        college,
        "withdrawal_talk:E06",
        "met",
        (d("2026-05-11"), d("2026-05-14")),
        ["20260512-C01-A05"],
    )
    check(
        college, "crisis_talk:E11", "met", (d("2026-11-05"), d("2026-11-06")), ["20261105-C03-D04"]
    )
    check(college, "crisis_talk:E02", "overdue", (d("2026-03-28"), d("2026-03-29")), [], ["C03"])


def test_college_staff_and_applicant_triggers(college: Report) -> None:
    """5.2: staff events by the chain (all matches, pooled); applicants by any branch officer."""
    # 26 February: the make-up Saturday 28 February is a working day, so due 4 March
    check(
        college,
        "staff_event_talk:E03",
        "met",
        (d("2026-02-26"), d("2026-03-04")),
        ["20260304-T02-T07"],
        ["T02"],
    )
    check(
        college,
        "staff_event_talk:E07",
        "met",
        (d("2026-06-15"), d("2026-06-23")),
        ["20260623-U04-T03"],
        ["U04"],
    )
    check(college, "staff_event_talk:E08", "met", by=["20260915-U03-C01"], responsible=["U03"])
    check(
        college, "staff_event_talk:E12", "overdue", (d("2026-11-16"), d("2026-11-23")), [], ["T04"]
    )
    officers = ["A01", "A02", "A03", "B01", "B02", "B03"]
    applied = check(
        college,
        "party_applicant_talk:E04",
        "met",
        (d("2026-03-20"), d("2026-04-19")),
        ["20260410-B01-B05"],
        officers,
    )
    assert applied.parties == ["B05"]
    check(
        college,
        "party_applicant_talk:E10",
        "overdue",
        (d("2026-10-12"), d("2026-11-11")),
        [],
        officers,
    )


def test_college_written_replies(college: Report) -> None:
    """8: written replies within 10 working days, owed by the leader on duty."""
    check(
        college,
        "written_reply:R-2026-01",
        "met",
        (d("2026-03-11"), d("2026-03-25")),
        ["R-2026-01"],
        ["U02"],
    )
    late = check(
        college,
        "written_reply:R-2026-02",
        "overdue",
        (d("2026-09-23"), d("2026-10-14")),
        responsible=["U01"],
    )
    assert "2026-10-20" in late.explanation.en
    check(college, "written_reply:R-2026-03", "overdue", (d("2026-12-02"), d("2026-12-16")))


def test_college_talks_counted_for_unmet_obligations_are_used(college: Report) -> None:
    """A talk in the satisfied_by of an unmet obligation is used: not out of scope, counted."""
    cover = ob(college, "party_member_full_coverage:2026")
    assert "20260305-U03-C02" in cover.satisfied_by
    assert ("out-of-scope", "20260305-U03-C02") not in findings(college, "info")
    talk_ids = {t for o in college.obligations if o.kind != "follow_up" for t in o.satisfied_by}
    assert college.summary.talks_used == len(talk_ids)


# =========================================================================== the bureau


def test_bureau_every_evaluable_rule_has_obligations(bureau_policy: Policy, bureau: Report) -> None:
    """Every evaluable rule of the bureau policy derives at least one obligation."""
    evaluable = {r.id for r in bureau_policy.rules if r.kind in EVALUABLE}
    assert len(evaluable) == 20
    assert {o.rule for o in bureau.obligations} == evaluable


def test_bureau_findings_are_the_deliberate_ones(bureau: Report) -> None:
    """The only error is the retirement event; the warnings are deliberate."""
    assert findings(bureau, "error") == {("unknown-event-kind", "EV14")}
    assert findings(bureau, "warning") == {
        ("no-one-answerable", "H04"),  # between the decision and taking up the post
        ("missing-topic", "20260915-K03-S03"),
    }
    missing = [f for f in bureau.findings if f.code == "missing-topic"]
    assert [f.rule for f in missing] == ["medical_ethics_topic"]
    assert findings(bureau, "info") == {
        ("subject-not-in-group", "EV13"),
        ("late-talk", "20260513-S04-F14"),  # the talks that made up EV03 and EV11 a day late
        ("late-talk", "20260930-K02-H04"),
    }


def test_bureau_obligation_counts(bureau: Report) -> None:
    """How many obligations each rule derives, counted from the roster and calendar."""
    counts = {rule: len(ids(bureau, rule)) for rule in {o.rule for o in bureau.obligations}}
    assert counts["secretary_interval"] == 6 + 6 + 6 + 7 + 6
    assert counts["team_annual"] == 15
    assert counts["pre_meeting_round"] == 15
    assert counts["section_chiefs_twice_yearly"] == 4
    assert counts["subordinate_biennial"] == 3 * 2 + 2 + 1  # not H03, who retires
    assert counts["section_half_yearly"] == 4 * 4 * 2 - 2  # F11 leaves, F12 joins
    assert counts["talk_day"] == 4
    assert counts["political_birthday"] == 14
    assert counts["secretary_political_birthday"] == 1
    assert counts["post_review"] == 7


def test_bureau_secretary_interval(bureau: Report) -> None:
    """3.1a: no more than 90 days without a talk; each window starts after the last talk."""
    chain = [
        ("2026-01-01", "2026-03-31", "met"),
        ("2026-01-21", "2026-04-20", "overdue"),  # 20 January to 10 June: 141 days
        ("2026-04-21", "2026-07-19", "met"),
        ("2026-06-11", "2026-09-08", "met"),
        ("2026-08-21", "2026-11-18", "met"),
        ("2026-11-11", "2027-02-08", "met"),  # a rolling window is never cut at the period end
    ]
    for start, due, status in chain:
        check(
            bureau,
            f"secretary_interval:{start}:K01+K05",
            status,
            (d(start), d(due)),
            responsible=["K01"],
        )
    check(bureau, "secretary_interval:2026-01-21:K01+K05", "overdue", by=[])
    check(bureau, "secretary_interval:2026-04-21:K01+K05", "met", by=["20260610-K01-K05"])
    # K01 and K03 talk on 31 December, so no window starts after it
    starts = sorted(
        i.split(":")[1] for i in ids(bureau, "secretary_interval") if i.endswith("K01+K03")
    )
    assert starts == [
        "2026-01-01",
        "2026-03-04",
        "2026-05-27",
        "2026-08-12",
        "2026-10-28",
        "2026-12-04",
    ]
    check(bureau, "secretary_interval:2026-12-04:K01+K03", "met", by=["20261231-K01-K03"])
    check(bureau, "secretary_interval:2026-04-08:K01+K04", "met", by=["20260612-K01-K04"])


def test_bureau_rolling_window_after_the_last_talk_is_not_overdue(bureau: Report) -> None:
    """The window opened by K01's last talk with K02 (8 December) runs 90 days: pending."""
    check(
        bureau,
        "secretary_interval:2026-12-09:K01+K02",
        "pending",
        (d("2026-12-09"), d("2027-03-08")),
    )


def test_bureau_team_annual_and_pre_meeting_round(bureau: Report) -> None:
    """3.1b, 3.1c: once a year; and in the 30 days before the meeting (its day excluded)."""
    check(
        bureau,
        "team_annual:2026:K02+K05",
        "overdue",
        (d("2026-01-01"), d("2026-12-31")),
        [],
        ["K02", "K05"],
    )
    check(bureau, "team_annual:2026:K03+K06", "met", by=["20261223-K03-K06"])
    check(bureau, "team_annual:2026:K04+K05", "met", by=["20261204-K04-K05"])
    window = (d("2026-11-23"), d("2026-12-22"))
    check(bureau, "pre_meeting_round:2026-12-23:K02+K05", "overdue", window, [], ["K02", "K05"])
    check(bureau, "pre_meeting_round:2026-12-23:K03+K06", "overdue", window, [])  # meeting day
    check(bureau, "pre_meeting_round:2026-12-23:K04+K06", "met", window, ["20261123-K04-K06"])
    check(bureau, "pre_meeting_round:2026-12-23:K05+K06", "met", window, ["20261222-K05-K06"])
    check(bureau, "pre_meeting_round:2026-12-23:K01+K03", "met", window, ["20261203-K01-K03"])


def test_bureau_section_chiefs_and_subordinates(bureau: Report) -> None:
    """3.2a twice a year; 3.2b once in 2026–27, by the overseer at the cycle's end."""
    twice = check(
        bureau,
        "section_chiefs_twice_yearly:2026:K04+S04",
        "overdue",
        by=["20260618-K04-S04"],
        responsible=["K04"],
    )
    assert twice.required == 2
    check(
        bureau,
        "section_chiefs_twice_yearly:2026:K03+S03",
        "met",
        by=["20260414-K03-S03", "20260915-K03-S03"],
    )
    cycle = (d("2026-01-01"), d("2027-12-31"))
    check(
        bureau,
        "subordinate_biennial:2026-01-01/2027-12-31:K03+H01",
        "met",
        cycle,
        ["20260428-K03-H01"],
    )
    check(bureau, "subordinate_biennial:2026-01-01/2027-12-31:K02+H01", "pending", cycle, [])
    check(bureau, "subordinate_biennial:2026-01-01/2027-12-31:K04+H06", "pending", cycle, [])
    # at_period_end: the whole cycle is the window, so the pre-appointment talk counts
    check(
        bureau,
        "subordinate_biennial:2026-01-01/2027-12-31:K02+H04",
        "met",
        cycle,
        ["20260930-K02-H04"],
    )
    assert not {i for i in ids(bureau, "subordinate_biennial") if i.endswith("H03")}


def test_bureau_section_half_yearly(bureau: Report) -> None:
    """3.2c: each half-year; leaving and joining cut the window; a group talk does not count."""
    check(
        bureau,
        "section_half_yearly:2026-H2:S04+F16",
        "overdue",
        (d("2026-07-01"), d("2026-12-31")),
        [],
    )
    check(bureau, "section_half_yearly:2026-H1:S04+F16", "met", by=["20260604-S04-F16"])
    check(
        bureau,
        "section_half_yearly:2026-H1:S03+F11",
        "met",
        (d("2026-01-01"), d("2026-04-30")),
        ["20260312-S03-F11"],
    )
    check(
        bureau,
        "section_half_yearly:2026-H2:S03+F12",
        "met",
        (d("2026-08-01"), d("2026-12-31")),
        ["20260910-S03-F12"],
    )
    half = ids(bureau, "section_half_yearly")
    assert "section_half_yearly:2026-H2:S03+F11" not in half
    assert "section_half_yearly:2026-H1:S03+F12" not in half


def test_bureau_talk_day(bureau: Report) -> None:
    """3.3: three talks on the last Friday of each quarter, moved past a holiday."""
    assert ids(bureau, "talk_day") == {
        "talk_day:2026-03-27:S01",
        "talk_day:2026-06-26:S01",
        "talk_day:2026-09-28:S01",  # 25 September is in the Mid-autumn holiday
        "talk_day:2026-12-25:S01",
    }
    check(bureau, "talk_day:2026-06-26:S01", "overdue", by=["20260626-S01-F09", "20260626-S01-F13"])
    check(
        bureau,
        "talk_day:2026-09-28:S01",
        "met",
        by=["20260928-S01-F01", "20260928-S01-F05", "20260928-S01-F13"],
    )
    moved = ob(bureau, "talk_day:2026-09-28:S01")
    assert "2026-09-25" in moved.explanation.en
    # a group talk counts as one talk of the three
    check(
        bureau,
        "talk_day:2026-12-25:S01",
        "met",
        by=["20261225-S01-F01", "20261225-S01-S02", "20261225-S01-group"],
    )


def test_bureau_political_birthdays(bureau: Report) -> None:
    """4.1: within 7 days from the anniversary of admission; 29 February falls on 28 February."""
    check(
        bureau,
        "political_birthday:2026-02-28:F01",
        "met",
        (d("2026-02-28"), d("2026-03-06")),
        ["20260302-S01-F01"],
        ["S01"],
    )
    check(
        bureau,
        "political_birthday:2026-01-20:F13",
        "overdue",
        (d("2026-01-20"), d("2026-01-26")),
        [],
    )
    check(
        bureau,
        "political_birthday:2026-08-08:F05",
        "overdue",
        (d("2026-08-08"), d("2026-08-14")),
        [],
    )
    check(
        bureau,
        "political_birthday:2026-06-30:F03",
        "met",
        (d("2026-06-30"), d("2026-07-06")),
        ["20260706-S01-F03"],
    )
    leader = check(bureau, "political_birthday:2026-07-01:K01", "met", by=["20260702-S01-K01"])
    assert leader.parties == ["K01", "S01"]
    check(
        bureau,
        "secretary_political_birthday:2026-05-12:S01",
        "met",
        (d("2026-05-12"), d("2026-05-18")),
        ["20260514-K01-S01"],
        ["K01"],
    )
    assert not {i for i in ids(bureau, "political_birthday") if i.endswith(":S01")}


def test_bureau_post_review(bureau: Report) -> None:
    """4.2: 15 days either side of every second anniversary of the appointment."""
    check(
        bureau,
        "post_review:2026-01-10:H07",
        "met",
        (d("2025-12-26"), d("2026-01-25")),
        ["20260115-K06-H07"],
        ["K06"],
    )
    check(
        bureau,
        "post_review:2026-09-01:S04",
        "overdue",
        (d("2026-08-17"), d("2026-09-16")),
        [],
        ["K04"],
    )
    joint = check(
        bureau,
        "post_review:2026-04-20:H01",
        "met",
        by=["20260428-K03-H01"],
        responsible=["K02", "K03"],
    )
    assert joint.parties == ["H01"]
    check(bureau, "post_review:2026-06-01:H03", "met", by=["20260605-K03-H03"])
    reviewed = {i.rsplit(":", 1)[1] for i in ids(bureau, "post_review")}
    assert reviewed == {"H01", "H02", "H03", "H07", "S01", "S02", "S04"}


def test_bureau_prompt_triggers(bureau: Report) -> None:
    """5.1: the one person the first matching layer of 8 names, within 5 working days."""
    check(
        bureau,
        "post_change_talk:EV01",
        "met",
        (d("2026-03-16"), d("2026-03-23")),
        ["20260320-S03-F10"],
        ["S03"],
    )
    # a Party member: the branch secretary (third layer) comes before her section chief
    check(
        bureau,
        "post_change_talk:EV02",
        "met",
        (d("2026-07-06"), d("2026-07-13")),
        ["20260708-S01-F05"],
        ["S01"],
    )
    # the make-up Saturday 9 May is a working day: due 12 May; the talk of 13 May is late
    check(bureau, "hardship_talk:EV03", "overdue", (d("2026-05-06"), d("2026-05-12")), [], ["S04"])
    assert ob(bureau, "hardship_talk:EV03").done_late == d("2026-05-13")  # made up, a day late
    check(
        bureau,
        "commendation_talk:EV04",
        "met",
        (d("2026-12-04"), d("2026-12-11")),
        ["20261209-K02-S02"],
        ["K02"],
    )
    check(
        bureau,
        "morale_talk:EV05",
        "met",
        (d("2026-10-09"), d("2026-10-15")),
        ["20261015-S01-F04"],
        ["S01"],
    )
    check(
        bureau,
        "morale_talk:EV06",
        "met",
        (d("2026-06-10"), d("2026-06-17")),
        ["20260612-K01-K04"],
        ["K01"],
    )


def test_bureau_requested_talks(bureau: Report) -> None:
    """5.2: the leader the request names; without one, the person responsible under 8."""
    check(
        bureau,
        "requested_talk:EV07",
        "met",
        (d("2026-04-13"), d("2026-04-20")),
        ["20260416-K03-F07"],
        ["K03"],
    )
    check(bureau, "requested_talk:EV08", "overdue", (d("2026-08-03"), d("2026-08-10")), [], ["K05"])
    check(
        bureau,
        "requested_talk:EV09",
        "met",
        (d("2026-11-02"), d("2026-11-09")),
        ["20261104-S03-F10"],
        ["S03"],
    )


def test_bureau_sanctions_appointments_reminders(bureau: Report) -> None:
    """5.3: each overseer, the discipline chief, secretary and director each on their own."""
    window = (d("2026-08-17"), d("2026-08-31"))
    check(bureau, "sanction_talk_overseer:EV10:K02", "met", window, ["20260825-K02-H02"], ["K02"])
    check(bureau, "sanction_talk_overseer:EV10:K03", "overdue", window, [], ["K03"])
    check(bureau, "sanction_talk_discipline:EV10", "met", window, ["20260828-K05-H02"], ["K05"])
    appoint = (d("2026-09-21"), d("2026-09-29"))  # over the Mid-autumn holiday
    check(bureau, "pre_appointment_talk:EV11:K01", "met", appoint, ["20260924-K01-H04"], ["K01"])
    check(bureau, "pre_appointment_talk:EV11:K02", "overdue", appoint, [], ["K02"])
    assert ob(bureau, "pre_appointment_talk:EV11:K02").done_late == d("2026-09-30")
    check(
        bureau,
        "reminder_talk:EV12",
        "met",
        (d("2026-04-01"), d("2026-04-16")),
        ["20260415-K05-S04"],
        ["K05"],
    )
    assert ids(bureau, "reminder_talk") == {"reminder_talk:EV12"}


def test_bureau_report_back(bureau: Report) -> None:
    """7a: the talker reports back within 15 working days."""
    check(
        bureau,
        "report_back:RB-2026-01",
        "met",
        (d("2026-05-20"), d("2026-06-10")),
        ["RB-2026-01"],
        ["K02"],
    )
    check(
        bureau, "report_back:RB-2026-02", "overdue", (d("2026-11-11"), d("2026-12-02")), [], ["S03"]
    )
