"""Build the example organisation for policies/examples/university_college_2019.yaml.

Run ``python examples/university_college/build.py`` to regenerate ``roster.yaml`` and
``history.yaml`` (deterministic: no randomness, every date is chosen below). Evaluate it for the
calendar year 2026 as of 2027-01-20 with the mainland China holiday calendar
``examples/holidays/cn_2025_2026.yaml``; tests/test_example_data.py holds the hand-computed
expectations.

The organisation: the School of Information Engineering of Jiangcheng University — a leadership
team of five (Party secretary, dean, deputy Party secretary for student affairs, two vice-deans,
the second appointed on 1 April 2026 from the electronics department), five heads of
departments and offices, seven teachers, three counsellors each in charge of a cohort
(2023, 2024, 2025), and 23 students in two student Party branches — 43 people. The history holds
the autumn term 2025 (from September 2025) and the whole of 2026, with deliberate gaps:

- 3.1a: the dean never talks with vice-dean 吴 (U04) in the autumn term 2026; the dean's only talk
  with the new vice-dean (U05) in the spring term is on 25 March, before the appointment;
- 3.1b: no talk between the dean and the head of computer science in February, nor between
  vice-dean U04 and the head of software engineering in August; electronics has no overseeing
  leader until 1 April (a gap in the responsibility chain);
- 3.2: one student (B07) is never talked with in the autumn term 2026; one student cadre (A04)
  misses August; the two cohort-2025 cadres' October talk is a group talk, which 3.2b does not
  accept; counsellor 赵 (C02) holds her May talk-day talks in the morning;
- 3.3a: the second branch's secretary talks with only 4 different students in the spring term;
  the branch changes secretary on 15 October, so no one owes the autumn-2026 headcount there;
- 3.3b: a student admitted to the Party on 20 November 2026 (B08) is not talked with by any
  college leader before the year ends;
- 4.1: no one receives visitors on 24 June; on 18 November the only talk starts at 17:30;
  the reception of 7 October falls in the National Day holiday and is skipped;
- 4.2: the second branch's committee members skip their mutual talk before the January meeting;
  one secretary talks with a committee member the day before the December window opens;
- 5.1, 5.2: a disciplinary sanction talked about a day late, a family misfortune two days late, a
  staff sanction and an application to join the Party not followed up;
- 8: one written reply late, one never given;
- data: a talk naming someone not on the roster; a group talk recording no reason; a talk with a
  department head and one with a student that omit the topics 7 expects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from tanxin_rules._calendar import HolidayCalendar
from tanxin_rules._yaml import read_yaml

HERE = Path(__file__).resolve().parent
HOLIDAYS = HERE.parent / "holidays" / "cn_2025_2026.yaml"
YEAR = 2026

UNITS = [
    ("leadership", "学院领导", "leadership"),
    ("office", "学院办公室", "office"),
    ("student_affairs", "学生工作办公室", "office"),
    ("dept_cs", "计算机科学系", "department"),
    ("dept_se", "软件工程系", "department"),
    ("dept_ee", "电子工程系", "department"),
    ("cohort_2023", "2023级本科生", "cohort"),
    ("cohort_2024", "2024级本科生", "cohort"),
    ("cohort_2025", "2025级本科生", "cohort"),
]
BRANCHES = [
    ("staff_branch", "教工党支部"),
    ("sb1", "本科生第一党支部（2023级）"),
    ("sb2", "本科生第二党支部（2024、2025级）"),
]
NAMES = {
    "U01": "周建国", "U02": "陈立新", "U03": "林晓梅", "U04": "吴振华", "U05": "孙海涛",
    "T01": "郑丽娟", "T02": "王志强", "T03": "刘文斌", "T04": "黄宏伟", "T05": "杨雪",
    "T06": "何俊", "T07": "罗敏", "T08": "高翔", "T09": "谢婷", "T10": "马超", "T11": "朱琳",
    "T12": "胡静", "C01": "徐晨", "C02": "赵倩", "C03": "曹宇",
    "A01": "张一鸣", "A02": "李思远", "A03": "王诗涵", "A04": "刘子轩", "A05": "陈雨桐",
    "A06": "杨浩然", "A07": "赵欣怡", "A08": "黄博文",
    "B01": "周子涵", "B02": "吴佳琪", "B03": "郑宇航", "B04": "孙梦瑶", "B05": "冯俊杰",
    "B06": "韩雪晴", "B07": "彭家豪", "B08": "曾可欣",
    "D01": "唐嘉怡", "D02": "许明轩", "D03": "邓若曦", "D04": "萧天佑", "D05": "田语嫣",
    "D06": "潘一诺", "D07": "袁志远",
}  # fmt: skip

# Key students (student Party members and student cadres) in each counsellor's charge, with
# the first day each is one (B08 is admitted to the Party on 20 November 2026) and the last
# (A05 withdraws and leaves on 31 May 2026).
COUNSELLORS = {"C01": "cohort_2023", "C02": "cohort_2024", "C03": "cohort_2025"}
KEY: dict[str, dict[str, date | None]] = {
    "C01": {"A01": None, "A02": None, "A03": None, "A04": None, "A05": None},
    "C02": {"B01": None, "B02": None, "B03": None, "B04": None, "B08": date(2026, 11, 20)},
    "C03": {"D01": None, "D02": None},
}
OTHER_STUDENTS = {
    "C01": ["A06", "A07", "A08"],
    "C02": ["B05", "B06", "B07"],
    "C03": ["D03", "D04", "D05", "D06", "D07"],
}
LEFT = {"A05": date(2026, 5, 31)}
# Counsellors' talk days (4.1b: second Tuesday of each term month) and the days chosen for the
# monthly talks of 3.2b in the vacation months.
TALK_DAYS = {3: 10, 4: 14, 5: 12, 6: 9, 9: 8, 10: 13, 11: 10, 12: 8}
VACATION_DAYS = {1: 8, 2: 5, 7: 16, 8: 13}


def load_holidays() -> HolidayCalendar:
    """The bundled mainland China holiday calendar."""
    return HolidayCalendar.model_validate(read_yaml(HOLIDAYS.read_bytes(), file=str(HOLIDAYS)).data)


def person(pid: str, unit: str, *roles: dict[str, Any] | str, **extra: Any) -> dict[str, Any]:
    """A roster entry; roles given as ids or as ``{role, since, until}`` holdings."""
    holdings = [{"role": r} if isinstance(r, str) else r for r in roles]
    record: dict[str, Any] = {"id": pid, "name": NAMES[pid], "unit": unit}
    if holdings:
        record["roles"] = holdings
    record.update(extra)
    return record


def party(joined: str, branch: str) -> dict[str, Any]:
    """Party membership fields."""
    return {"party_member": True, "party_joined": joined, "branch": branch}


def build_roster() -> dict[str, Any]:
    """Units, branches and the 43 people."""
    staff = "staff_branch"
    people = [
        person("U01", "leadership", "college_party_secretary", oversees=["office"],
               **party("1996-07-01", staff)),
        person("U02", "leadership", "dean", oversees=["dept_cs"], **party("1999-06-18", staff)),
        person("U03", "leadership", "deputy_party_secretary",
               oversees=["student_affairs", "cohort_2023", "cohort_2024", "cohort_2025"],
               **party("2002-05-04", staff)),
        person("U04", "leadership", "vice_dean", oversees=["dept_se"],
               **party("2001-11-20", staff)),
        # a professor of electronics, vice-dean overseeing electronics from 1 April 2026
        person("U05", "dept_ee", {"role": "vice_dean", "since": "2026-04-01"},
               oversees=["dept_ee"], **party("2005-12-01", staff)),
        person("T01", "office", "department_head", **party("2008-07-01", staff)),
        person("T02", "dept_cs", "department_head", **party("2006-06-15", staff)),
        person("T03", "dept_se", "department_head", **party("2009-10-10", staff)),
        person("T04", "dept_ee", "department_head", **party("2007-04-22", staff)),
        person("T05", "student_affairs", "department_head", **party("2010-05-12", staff)),
        person("T06", "dept_cs", **party("2015-07-01", staff)),
        person("T07", "dept_cs"),
        person("T08", "dept_se", **party("2013-12-20", staff)),
        person("T09", "dept_se"),
        person("T10", "dept_ee"),
        person("T11", "dept_ee"),
        person("T12", "office"),
        person("C01", "cohort_2023", "counsellor", **party("2016-06-01", staff)),
        person("C02", "cohort_2024", "counsellor", **party("2017-06-01", staff)),
        person("C03", "cohort_2025", "counsellor", **party("2019-06-01", staff)),
        # cohort 2023, branch sb1
        person("A01", "cohort_2023", "student", "student_branch_secretary",
               **party("2024-06-01", "sb1")),
        person("A02", "cohort_2023", "student", "branch_committee_member",
               **party("2024-11-15", "sb1")),
        person("A03", "cohort_2023", "student", "branch_committee_member",
               **party("2025-05-20", "sb1")),
        person("A04", "cohort_2023", "student", "student_cadre"),
        person("A05", "cohort_2023", "student", left="2026-05-31",
               **party("2025-06-10", "sb1")),
        person("A06", "cohort_2023", "student"),
        person("A07", "cohort_2023", "student"),
        person("A08", "cohort_2023", "student"),
        # cohort 2024, branch sb2: B01 and B02 swap secretary and committee seats on 15 October
        person("B01", "cohort_2024", "student",
               {"role": "student_branch_secretary", "until": "2026-10-14"},
               {"role": "branch_committee_member", "since": "2026-10-15"},
               **party("2025-06-01", "sb2")),
        person("B02", "cohort_2024", "student",
               {"role": "branch_committee_member", "until": "2026-10-14"},
               {"role": "student_branch_secretary", "since": "2026-10-15"},
               **party("2025-11-10", "sb2")),
        person("B03", "cohort_2024", "student", "branch_committee_member",
               **party("2025-06-01", "sb2")),
        person("B04", "cohort_2024", "student", "student_cadre"),
        person("B05", "cohort_2024", "student"),
        person("B06", "cohort_2024", "student"),
        person("B07", "cohort_2024", "student"),
        person("B08", "cohort_2024", "student", **party("2026-11-20", "sb2")),
        # cohort 2025 (no Party members yet)
        person("D01", "cohort_2025", "student", "student_cadre"),
        person("D02", "cohort_2025", "student", "student_cadre"),
        *(person(pid, "cohort_2025", "student") for pid in ("D03", "D04", "D05", "D06", "D07")),
    ]  # fmt: skip
    return {
        "units": [{"id": u, "name": n, "kind": k} for u, n, k in UNITS],
        "branches": [{"id": b, "name": n} for b, n in BRANCHES],
        "people": people,
    }


LEADERS = {"U01", "U02", "U03", "U04", "U05"}
HEADS = {"T01": "office", "T02": "dept_cs", "T03": "dept_se", "T04": "dept_ee",
         "T05": "student_affairs"}  # fmt: skip
UNIT_OF = {"T06": "dept_cs", "T07": "dept_cs", "T08": "dept_se", "T09": "dept_se",
           "T10": "dept_ee", "T11": "dept_ee", "T12": "office", "U05": "dept_ee"}  # fmt: skip
OVERSEES = {"U01": "T01", "U02": "T02", "U03": "T05", "U04": "T03", "U05": "T04"}
STUDENT_TOPICS = [["academics"], ["ideology", "academics"], ["mental_health"], ["safety"]]


def topics_for(a: str, b: str, day: date) -> list[str]:
    """What 7 expects the record of a talk between ``a`` and ``b`` to list (if anything)."""
    pair = {a, b}
    if pair & LEADERS and pair <= LEADERS | set(HEADS):
        return ["ideology"]
    head = next((h for h in pair if h in HEADS), None)
    if head is not None and any(UNIT_OF.get(p) == HEADS[head] for p in pair - {head}):
        return ["teaching_research", "professional_ethics"]
    counsellor = next((c for c in pair if c in COUNSELLORS), None)
    if counsellor is not None and (pair - {counsellor}) & students_of(counsellor):
        return STUDENT_TOPICS[day.toordinal() % len(STUDENT_TOPICS)]
    return []


def students_of(counsellor: str) -> set[str]:
    """Every student in the counsellor's cohort."""
    return set(KEY[counsellor]) | set(OTHER_STUDENTS[counsellor])


class History:
    """Talk, event and meeting records, with ids that say when and between whom."""

    def __init__(self) -> None:
        self.talks: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def talk(self, day: date, a: str, b: str, *more: str, **extra: Any) -> str:
        """Record a talk; its id is ``YYYYMMDD-A-B`` (``-group`` for a collective one)."""
        who = [a, b, *more]
        tid = f"{day:%Y%m%d}-{a}-{'group' if more else b}"
        if any(t["id"] == tid for t in self.talks):
            raise ValueError(f"duplicate talk {tid}")
        record: dict[str, Any] = {"id": tid, "date": day.isoformat()}
        if "time" in extra:
            record["time"] = extra.pop("time")
        record["participants"] = who
        if more:
            record["mode"] = "collective"
        topics = extra.pop("topics", None)
        if topics is None and not more:
            topics = topics_for(a, b, day)
        if topics:
            record["topics"] = topics
        record.update(extra)
        self.talks.append(record)
        return tid

    def event(self, eid: str, kind: str, who: str, day: date) -> str:
        """Record an event."""
        self.events.append({"id": eid, "kind": kind, "person": who, "date": day.isoformat()})
        return eid


def wednesdays(year: int) -> Iterator[date]:
    """Every Wednesday of the term months (4.1a's reception afternoons, before any skipping)."""
    day = date(year, 1, 1)
    while day.year == year:
        if day.weekday() == 2 and day.month in {3, 4, 5, 6, 9, 10, 11, 12}:
            yield day
        day += timedelta(days=1)


def weekday_on_or_after(day: date, cal: HolidayCalendar) -> date:
    """The first working day on or after ``day`` that is not a Wednesday (reception day)."""
    while not cal.is_working_day(day) or day.weekday() == 2:
        day += timedelta(days=1)
    return day


def build_history() -> dict[str, Any]:
    """Talks, events and meetings from September 2025 to December 2026."""
    cal = load_holidays()
    h = History()
    d = date
    morning = {"time": "10:00"}

    # ---- 3.1a: the Party secretary and the dean with each team member, every term
    for day, a, b in [
        (d(2025, 9, 17), "U01", "U02"), (d(2025, 10, 15), "U01", "U03"),
        (d(2025, 11, 5), "U01", "U04"), (d(2025, 10, 22), "U02", "U03"),
        (d(2025, 11, 12), "U02", "U04"),
        (d(2026, 3, 6), "U01", "U02"), (d(2026, 3, 13), "U01", "U03"),
        (d(2026, 3, 20), "U01", "U04"), (d(2026, 4, 8), "U01", "U05"),
        (d(2026, 3, 27), "U02", "U03"), (d(2026, 4, 3), "U02", "U04"),
        (d(2026, 9, 11), "U01", "U02"), (d(2026, 9, 18), "U01", "U03"),
        (d(2026, 10, 16), "U01", "U04"), (d(2026, 10, 23), "U01", "U05"),
        (d(2026, 11, 6), "U02", "U03"), (d(2026, 11, 13), "U02", "U05"),
    ]:  # fmt: skip
        h.talk(day, a, b, **morning)
    # the dean with U05 before the appointment: not a talk with a team member yet
    h.talk(d(2026, 3, 25), "U02", "U05", time="09:00")

    # ---- 3.1b: each team member with the heads they oversee, every month
    monthly_day = {"U01": 6, "U02": 8, "U03": 12, "U04": 15, "U05": 20}
    for leader, head in OVERSEES.items():
        for month in range(1, 13):
            if leader == "U05" and month < 4:
                continue  # appointed on 1 April
            if (leader, month) in {("U02", 2), ("U04", 8)}:
                continue  # deliberate gaps
            if (leader, month) == ("U04", 6):
                continue  # June's talk is the one answering event E07 below
            day = weekday_on_or_after(d(YEAR, month, monthly_day[leader]), cal)
            extra: dict[str, Any] = {"topics": []} if (leader, month) == ("U04", 7) else {}
            h.talk(day, leader, head, time="11:00", **extra)

    # ---- 3.2a/b and 4.1b: counsellors with their students
    for counsellor, keys in KEY.items():
        for month in range(1, 13):
            for student, since in keys.items():
                first = date(YEAR, month, 1)
                nxt = date(YEAR + month // 12, month % 12 + 1, 1)
                if since is not None and since >= nxt:
                    continue
                if student in LEFT and LEFT[student] < first:
                    continue
                if (counsellor, student, month) == ("C01", "A04", 8):
                    continue  # deliberate gap (3.2b, should)
                if (counsellor, month) == ("C03", 10):
                    continue  # held as a group talk below
                if since is not None and since > first:
                    day = d(YEAR, month, 25)  # first talk after admission
                    h.talk(day, counsellor, student, time="15:00")
                elif month in TALK_DAYS:
                    time = "10:00" if (counsellor, month) == ("C02", 5) else "15:00"
                    h.talk(d(YEAR, month, TALK_DAYS[month]), counsellor, student, time=time)
                else:
                    h.talk(d(YEAR, month, VACATION_DAYS[month]), counsellor, student,
                           time="10:00")  # fmt: skip
    group_reason = "新生学生干部适应情况小组谈心"
    h.talk(d(2026, 10, 13), "C03", "D01", "D02", "D06", time="15:00", reason=group_reason,
           topics=["academics", "mental_health"])  # fmt: skip
    # once a term with every other student (key students are covered by the monthly talks;
    # some of these talks are the event talks further down)
    term_days = {
        "autumn_2025": [d(2025, 11, 3), d(2025, 11, 4), d(2025, 11, 6), d(2025, 11, 7),
                        d(2025, 11, 10)],
        "spring_2026": [d(2026, 4, 21), d(2026, 4, 23), d(2026, 4, 27), d(2026, 4, 28),
                        d(2026, 4, 30)],
        "autumn_2026": [d(2026, 10, 19), d(2026, 10, 20), d(2026, 10, 22), d(2026, 10, 26),
                        d(2026, 10, 27)],
    }  # fmt: skip
    by_event = {("spring_2026", "A08"), ("spring_2026", "B06"), ("spring_2026", "D05"),
                ("autumn_2026", "D07"), ("autumn_2026", "D04")}  # fmt: skip
    for term, days in term_days.items():
        for counsellor, others in OTHER_STUDENTS.items():
            students = others + (["B08"] if counsellor == "C02" and term != "autumn_2026" else [])
            for i, student in enumerate(students):
                if (term, student) in by_event or (term, student) == ("autumn_2026", "B07"):
                    continue  # B07: deliberate gap
                extra = {"topics": []} if (term, student) == ("spring_2026", "A06") else {}
                h.talk(days[i % len(days)], counsellor, student, time="16:00", **extra)

    # ---- 3.3a: student branch secretaries with at least 6 different students a term
    for day, sec, student in [
        (d(2025, 10, 20), "A01", "A06"), (d(2025, 11, 11), "A01", "A07"),
        (d(2025, 11, 24), "A01", "A08"), (d(2025, 12, 8), "A01", "D03"),
        (d(2026, 3, 23), "A01", "A06"), (d(2026, 4, 13), "A01", "A07"),
        (d(2026, 4, 27), "A01", "A08"), (d(2026, 5, 18), "A01", "D03"),
        (d(2026, 5, 25), "A01", "D06"), (d(2026, 6, 1), "A01", "A04"),
        (d(2026, 9, 21), "A01", "A06"), (d(2026, 10, 19), "A01", "A07"),
        (d(2026, 11, 2), "A01", "A08"), (d(2026, 11, 20), "A01", "D03"),
        (d(2025, 10, 13), "B01", "B05"), (d(2025, 10, 27), "B01", "B06"),
        (d(2025, 11, 17), "B01", "B07"), (d(2025, 12, 1), "B01", "D04"),
        (d(2026, 3, 16), "B01", "B03"), (d(2026, 4, 28), "B01", "B06"),
        (d(2026, 5, 19), "B01", "B05"), (d(2026, 6, 2), "B01", "D06"),
    ]:  # fmt: skip
        h.talk(day, sec, student, time="19:00")

    # ---- 3.3b: the deputy secretary's round of talks with Party members (B08 is missed)
    for day, member in [
        (d(2026, 3, 5), "C02"), (d(2026, 3, 6), "C03"), (d(2026, 4, 14), "A01"),
        (d(2026, 4, 16), "A02"), (d(2026, 4, 17), "A03"), (d(2026, 4, 20), "A05"),
        (d(2026, 4, 21), "B01"), (d(2026, 4, 23), "B02"), (d(2026, 4, 24), "B03"),
    ]:  # fmt: skip
        h.talk(day, "U03", member, time="09:30")

    # ---- 4.1a: reception afternoons (7 October falls in the National Day holiday: skipped)
    visitors = ["T06", "A06", "T07", "B05", "T08", "D03", "T09", "A07", "T11", "D06", "T12",
                "B06", "A08", "D04", "B04", "T10"]  # fmt: skip
    replies = {
        d(2026, 3, 11): {"id": "R-2026-01", "matter": "实验室晚间开放时间",
                         "replied_on": "2026-03-20"},
        d(2026, 9, 23): {"id": "R-2026-02", "matter": "奖学金评定细则",
                         "replied_on": "2026-10-20"},
        d(2026, 12, 2): {"id": "R-2026-03", "matter": "考研自习室安排"},
    }  # fmt: skip
    for i, day in enumerate(wednesdays(YEAR)):
        rota = ["U01", "U02", "U03", "U04"] + (["U05"] if day >= d(2026, 4, 1) else [])
        leader = rota[i % len(rota)]
        visitor = visitors[i % len(visitors)]
        if day in {d(2026, 6, 24), d(2026, 10, 7)}:
            continue  # no visitor; the National Day holiday
        if day == d(2026, 4, 22):
            h.talk(day, "U03", "B04", "D01", "D02", time="15:00",
                   reason="学生干部就宿舍管理问题集体来访")  # fmt: skip
        elif day == d(2026, 9, 16):
            h.talk(day, leader, "A07", "A08", "D03", time="15:30")  # no reason recorded
        elif day == d(2026, 3, 18):
            h.talk(day, leader, visitor)  # untimed: counts
        elif day == d(2026, 11, 18):
            h.talk(day, leader, visitor, time="17:30")  # after the reception has ended
        elif day in replies:
            request = {"requested_by": visitor, **replies[day]}
            h.talk(day, leader, visitor, time="15:00", initiator=visitor,
                   reply_requests=[request])  # fmt: skip
        else:
            h.talk(day, leader, visitor, time="15:00", initiator=visitor)

    # ---- 4.2: before the organisational life meetings of 13 January and 15 December 2026
    for day, a, b in [
        (d(2026, 1, 6), "A01", "A02"), (d(2026, 1, 7), "A01", "A03"),
        (d(2026, 1, 5), "B01", "B02"), (d(2026, 1, 9), "B01", "B03"),
        (d(2026, 1, 9), "A02", "A03"),  # B02 and B03 skip their mutual talk
        (d(2026, 12, 1), "A01", "A02"),  # the first day of the window
        (d(2026, 11, 30), "A01", "A03"),  # the day before the window: too early
        (d(2026, 12, 10), "B02", "B01"), (d(2026, 12, 15), "B02", "B03"),  # meeting day
        (d(2026, 12, 3), "A02", "A03"), (d(2026, 12, 4), "B01", "B03"),
    ]:  # fmt: skip
        h.talk(day, a, b, time="19:00")

    # ---- 5.1 / 5.2: events and the talks that answer them
    e = h.event("E01", "academic_warning", "A08", d(2026, 3, 16))
    h.talk(d(2026, 3, 18), "C01", "A08", time="16:00", answers_event=e)
    e = h.event("E02", "family_misfortune", "D05", d(2026, 3, 28))  # a Saturday
    h.talk(d(2026, 3, 31), "C03", "D05", time="16:00", answers_event=e)  # two days late
    e = h.event("E03", "post_change", "T07", d(2026, 2, 26))
    h.talk(d(2026, 3, 4), "T02", "T07", time="10:00", answers_event=e)  # the last day
    e = h.event("E04", "party_application", "B05", d(2026, 3, 20))
    h.talk(d(2026, 4, 10), "B01", "B05", time="19:00", answers_event=e)
    e = h.event("E05", "student_discipline", "B06", d(2026, 4, 20))
    h.talk(d(2026, 4, 24), "C02", "B06", time="16:00", answers_event=e)  # a day late
    h.event("E06", "suspension_or_withdrawal", "A05", d(2026, 5, 11))
    # answered by the talk-day talk of 12 May (C01 with A05), recorded above
    e = h.event("E07", "family_misfortune", "T03", d(2026, 6, 15))
    h.talk(d(2026, 6, 23), "U04", "T03", time="11:00", answers_event=e)  # the last day
    e = h.event("E08", "staff_commendation", "C01", d(2026, 9, 10))
    h.talk(d(2026, 9, 15), "U03", "C01", time="10:00", answers_event=e)
    e = h.event("E09", "academic_warning", "D07", d(2026, 9, 30))  # due after National Day
    h.talk(d(2026, 10, 9), "C03", "D07", time="16:00", answers_event=e)
    h.event("E10", "party_application", "D03", d(2026, 10, 12))  # no one is sent
    e = h.event("E11", "mental_health_crisis", "D04", d(2026, 11, 5))
    h.talk(d(2026, 11, 5), "C03", "D04", time="21:00", answers_event=e)
    h.event("E12", "staff_discipline", "T10", d(2026, 11, 16))  # no talk

    # ---- data problems
    h.talk(d(2026, 5, 21), "U03", "X001", time="10:00")  # a visiting alumnus, not on the roster

    meetings = [
        {"id": "OLM-2026-01", "kind": "organisational_life_meeting", "date": "2026-01-13"},
        {"id": "OLM-2026-12", "kind": "organisational_life_meeting", "date": "2026-12-15"},
    ]
    talks = sorted(h.talks, key=lambda t: (t["date"], t["id"]))
    return {"talks": talks, "events": h.events, "meetings": meetings}


class _Dumper(yaml.SafeDumper):
    """A safe dumper that never writes anchors and aliases, and quotes clock times."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Quote ``09:30`` too (PyYAML leaves it plain; YAML 1.1 reads it as a number)."""
    style = "'" if re.fullmatch(r"\d{1,2}:\d{2}", value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def main() -> None:
    """Write roster.yaml and history.yaml next to this script."""
    header = (
        "# Generated by examples/university_college/build.py; edit the script, not this file.\n"
    )
    for file, data in (("roster.yaml", build_roster()), ("history.yaml", build_history())):
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
        (HERE / file).write_text(header + text, encoding="utf-8")


if __name__ == "__main__":
    main()
