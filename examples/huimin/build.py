"""Build the bundled example: a realistic hospital under the Huimin 2015 policy, year 2025.

Run ``python examples/huimin/build.py`` to regenerate ``roster.yaml`` and ``history.yaml``
(deterministic: a fixed seed). The organisation: a leadership team of seven (secretary,
president, deputy secretary, two vice-presidents — one appointed on 1 April —, discipline
secretary, union chair), six administrative departments and ten clinical sections, three Party
branches, about 120 people. The history holds a full year of talks, events, reply requests and
two democratic life meetings (one on 16 January 2025, whose window starts in December 2024,
and one on 26 December 2025), with deliberate gaps, so the report has something to say:

- the president never talks with the discipline secretary in 2025 (3.1b overdue);
- vice-president 1 never talks with the head of the laboratory (3.1b overdue);
- two pairs miss the December pre-meeting round (3.1a);
- some monthly slots are missed, one is held on the Spring Festival make-up day (27 January);
- a promotion with no talk, a retirement talked with late, a confidant request honoured;
- a written reply answered late and one not answered;
- a talk naming someone not on the roster, a talk between two people no scope covers, a
  collective talk recording no reason, team talks omitting clean government (1.5).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SURNAMES = "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董袁潘"
GIVEN = "偉芳娜敏靜麗強磊軍洋勇艷傑娟濤明超秀霞平剛桂英華玉蘭萍紅輝建國文斌雪梅丹"

UNITS = [
    ("office", "院辦公室", "department"),
    ("personnel", "組織人事科", "department"),
    ("finance", "財務科", "department"),
    ("medical_affairs", "醫務科", "department"),
    ("nursing", "護理部", "department"),
    ("logistics", "後勤保障科", "department"),
    ("internal", "內科", "section"),
    ("surgery", "外科", "section"),
    ("obstetrics", "婦產科", "section"),
    ("paediatrics", "兒科", "section"),
    ("emergency", "急診科", "section"),
    ("tcm", "中醫科", "section"),
    ("imaging", "醫學影像科", "section"),
    ("laboratory", "檢驗科", "section"),
    ("pharmacy", "藥劑科", "section"),
    ("public_health", "公共衛生科", "section"),
]
BRANCHES = [
    ("admin", "行政後勤黨支部", ["office", "personnel", "finance", "medical_affairs", "logistics"]),
    ("clinical1", "第一臨床黨支部", ["internal", "surgery", "emergency", "imaging", "laboratory"]),
    ("clinical2", "第二臨床黨支部", ["obstetrics", "paediatrics", "tcm", "pharmacy",
                                   "public_health", "nursing"]),
]  # fmt: skip
TEAM: list[dict[str, Any]] = [
    {"id": "L01", "role": "party_secretary", "oversees": ["personnel"]},
    {"id": "L02", "role": "president", "oversees": ["medical_affairs", "finance"]},
    {"id": "L03", "role": "deputy_party_secretary", "oversees": ["office"]},
    {"id": "L04", "role": "vice_president",
     "oversees": ["internal", "surgery", "emergency", "imaging", "laboratory"]},
    {"id": "L05", "role": "vice_president", "since": "2025-04-01",
     "oversees": ["obstetrics", "paediatrics", "tcm", "pharmacy", "public_health", "nursing"]},
    {"id": "L06", "role": "discipline_secretary", "oversees": []},
    {"id": "L07", "role": "team_member", "oversees": ["logistics"]},
]  # fmt: skip
YEAR = 2025


def name(rng: random.Random, used: set[str]) -> str:
    while True:
        candidate = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        if candidate not in used:
            used.add(candidate)
            return candidate


def branch_of(unit: str) -> str:
    return next(b for b, _, units in BRANCHES if unit in units)


def build_roster(rng: random.Random) -> dict[str, Any]:
    used: set[str] = set()
    people: list[dict[str, Any]] = []
    for member in TEAM:
        role: dict[str, Any] = {"role": member["role"]}
        if "since" in member:
            role["since"] = member["since"]
        people.append({
            "id": member["id"], "name": name(rng, used), "roles": [role], "unit": "leadership",
            "branch": "admin", "oversees": member["oversees"], "party_member": True,
            "party_joined": f"{rng.randint(1988, 2005)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        })  # fmt: skip
    number = 0
    branch_roles = {"admin": [], "clinical1": [], "clinical2": []}  # type: ignore[var-annotated]
    for unit, _, kind in UNITS:
        head_role = "department_head" if kind == "department" else "section_director"
        size = rng.randint(5, 8)
        for i in range(size):
            number += 1
            pid = f"S{number:03d}"
            person: dict[str, Any] = {"id": pid, "name": name(rng, used), "unit": unit,
                                      "branch": branch_of(unit), "roles": []}  # fmt: skip
            member = i == 0 or rng.random() < 0.42
            if member:
                person["party_member"] = True
                person["party_joined"] = f"{rng.randint(1995, 2023)}-{rng.randint(1, 12):02d}-01"
                branch_roles[branch_of(unit)].append(pid)
            else:
                person["branch"] = None
            if i == 0:
                person["roles"].append({"role": head_role})
            person["hired"] = f"{rng.randint(1990, 2024)}-{rng.randint(1, 12):02d}-01"
            people.append(person)
    by_id = {p["id"]: p for p in people}
    # the surgery director retires on 30 September; a successor takes over on 8 October
    surgery = [p for p in people if p.get("unit") == "surgery"]
    surgery[0]["roles"] = [{"role": "section_director", "until": "2025-09-30"}]
    surgery[0]["left"] = "2025-09-30"
    surgery[1]["roles"] = [{"role": "section_director", "since": "2025-10-08"}]
    surgery[1]["party_member"] = True
    surgery[1]["party_joined"] = "2010-07-01"
    surgery[1]["branch"] = "clinical1"
    for branch, members in branch_roles.items():
        heads = [m for m in members if by_id[m]["roles"] and "left" not in by_id[m]]
        others = [m for m in members if not by_id[m]["roles"]]
        by_id[heads[1] if len(heads) > 1 else heads[0]]["roles"].append({"role": "branch_secretary"})
        for pid in others[:2]:
            by_id[pid]["roles"].append({"role": "branch_committee_member"})
        by_id[others[2]]["roles"].append({"role": "party_group_leader"})
        del branch
    for person in people:
        if person.get("branch") is None:
            person.pop("branch", None)
        if not person["roles"]:
            person.pop("roles")
    return {
        "units": [{"id": u, "name": n, "kind": k} for u, n, k in UNITS]
        + [{"id": "leadership", "name": "院領導", "kind": "leadership"}],
        "branches": [{"id": b, "name": n} for b, n, _ in BRANCHES],
        "people": people,
    }


def last_thursday(year: int, month: int) -> date:
    day = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
    while day.weekday() != 3:
        day -= timedelta(days=1)
    return day


def first_friday(year: int, month: int) -> date:
    day = date(year, month, 1)
    while day.weekday() != 4:
        day += timedelta(days=1)
    return day


def build_history(rng: random.Random, roster: dict[str, Any]) -> dict[str, Any]:
    people = {p["id"]: p for p in roster["people"]}
    team = [m["id"] for m in TEAM]
    heads = {p["unit"]: p["id"] for p in roster["people"]
             if any(r["role"] in {"section_director", "department_head"} and "until" not in r
                    for r in p.get("roles", []))}  # fmt: skip
    rank = [p["id"] for p in roster["people"] if p["id"].startswith("S") and not p.get("roles")]
    secretaries = [p["id"] for p in roster["people"]
                   if any(r["role"] == "branch_secretary" for r in p.get("roles", []))]  # fmt: skip
    talks: list[dict[str, Any]] = []

    def talk(day: date, a: str, b: str, **extra: Any) -> str:
        tid = f"T{len(talks) + 1:04d}"
        record: dict[str, Any] = {"id": tid, "date": day.isoformat(), "participants": [a, b]}
        record.update(extra)
        talks.append(record)
        return tid

    clean = {"topics": ["clean_government"]}
    # 3.1a: the pre-meeting round for the 16 January 2025 meeting, held in late December 2024
    # and early January; and for 26 December 2025 (window 6–25 December), two pairs missed.
    skip_dec = {("L02", "L06"), ("L05", "L07")}
    for i, a in enumerate(team):
        for b in team[i + 1:]:
            if a == "L05" or b == "L05":
                continue  # L05 was not on the team yet in January
            talk(date(2024, 12, 28) + timedelta(days=rng.randint(0, 17)), a, b, **clean)
            if (a, b) not in skip_dec:
                talk(date(2025, 12, 8) + timedelta(days=rng.randint(0, 15)), a, b, **clean)
    for other in team:
        if other != "L05" and ("L05", other) not in skip_dec and (other, "L05") not in skip_dec:
            talk(date(2025, 12, 8) + timedelta(days=rng.randint(0, 15)), "L05", other)
    # 3.1b: principals with each team member during the year (president misses L06)
    for principal in ("L01", "L02"):
        for member in team:
            if member == principal or (principal, member) == ("L02", "L06"):
                continue
            start = date(2025, 4, 10) if member == "L05" else date(2025, 2, 10)
            talk(start + timedelta(days=rng.randint(0, 150)), principal, member, **clean)
    # 3.1b: each team member with the heads of the units they oversee (L04 misses laboratory)
    for member in TEAM:
        for unit in member["oversees"]:
            if (member["id"], unit) == ("L04", "laboratory"):
                continue
            when = date(2025, 10, 20) if unit == "surgery" else date(2025, 3, 3) + timedelta(
                days=rng.randint(0, 200))
            talk(when, member["id"], heads[unit])
    # 3.1c: team members talk with each other often — most quarters, not all
    for quarter in range(4):
        for i, a in enumerate(team):
            for b in team[i + 1:]:
                if rng.random() < 0.55:
                    day = date(2025, 3 * quarter + 1, 6) + timedelta(days=rng.randint(0, 75))
                    extra = clean if rng.random() < 0.7 else {}
                    talk(day, a, b, **extra)
    # 3.2: monthly slot, last Thursday afternoon; January moved to 27 Jan (Spring Festival)
    for month in range(1, 13):
        day = date(2025, 1, 27) if month == 1 else last_thursday(YEAR, month)
        for member in team:
            if member == "L05" and month < 4:
                continue
            if rng.random() < 0.85:
                talk(day, member, rng.choice(rank), time=f"{rng.randint(14, 16)}:30")
    # 3.3: quarterly slot, first Friday of Mar/Jun/Sep/Dec, after work
    for month in (3, 6, 9, 12):
        for secretary in secretaries:
            if rng.random() < 0.8:
                talk(first_friday(YEAR, month), secretary, rng.choice(rank), time="17:40")
    # 4.1: collective talks (one records the special circumstance, one does not)
    talks.append({"id": "C0001", "date": "2025-03-27", "mode": "collective", "time": "15:00",
                  "participants": ["L04", *rng.sample(rank, 5)],
                  "reason": "急診科夜班糾紛後，集體疏導情緒"})  # fmt: skip
    talks.append({"id": "C0002", "date": "2025-08-28", "mode": "collective", "time": "15:30",
                  "participants": ["L03", *rng.sample(rank, 4)]})  # fmt: skip
    # events (4.5, 4.6) with their talks
    events: list[dict[str, Any]] = []
    section_director = {p["unit"]: p["id"] for p in roster["people"]
                        if any(r["role"] == "section_director" for r in p.get("roles", []))}
    def event(kind: str, person: str, day: date, **extra: Any) -> str:
        eid = f"E{len(events) + 1:03d}"
        events.append({"id": eid, "kind": kind, "person": person, "date": day.isoformat(), **extra})
        return eid

    nurse = next(p for p in rank if people[p]["unit"] == "internal")
    e = event("promotion", nurse, date(2025, 3, 10))
    talk(date(2025, 3, 12), section_director["internal"], nurse, answers_event=e)
    retiring = next(p["id"] for p in roster["people"] if p.get("left") == "2025-09-30")
    e = event("retirement", retiring, date(2025, 9, 30))
    talk(date(2025, 10, 15), "L04", retiring, answers_event=e)  # late: 5 working days passed
    lab = next(p for p in rank if people[p]["unit"] == "laboratory")
    event("promotion", lab, date(2025, 6, 16))  # nobody talks: overdue
    ped = next(p for p in rank if people[p]["unit"] == "paediatrics")
    e = event("family_circumstance", ped, date(2025, 5, 6))
    talk(date(2025, 5, 8), section_director["paediatrics"], ped, answers_event=e)
    e = event("criticism_or_discipline", heads["pharmacy"], date(2025, 7, 14))
    talk(date(2025, 7, 17), "L05", heads["pharmacy"], answers_event=e)
    e = event("assessment_feedback", "L07", date(2025, 11, 24))
    talk(date(2025, 11, 27), "L01", "L07", answers_event=e, **clean)
    er = next(p for p in rank if people[p]["unit"] == "emergency")
    e = event("confidant_request", er, date(2025, 9, 2), counterpart="L02",
              agreed_date="2025-09-09")  # fmt: skip
    talk(date(2025, 9, 9), "L02", er, answers_event=e)
    e = event("talk_requested", rank[3], date(2025, 12, 22))  # due after as-of: pending
    # 4.4: written replies
    reply = talk(date(2025, 4, 17), "L04", heads["emergency"])
    talks[-1]["reply_requests"] = [
        {"id": "R001", "matter": "急診夜班增派人手", "requested_by": heads["emergency"],
         "replied_on": "2025-04-25"},
        {"id": "R002", "matter": "搶救室設備更新", "requested_by": heads["emergency"],
         "replied_on": "2025-05-30"},
    ]  # fmt: skip
    talk(date(2025, 11, 6), "L05", heads["tcm"])
    talks[-1]["reply_requests"] = [{"id": "R003", "matter": "中藥房改造",
                                    "requested_by": heads["tcm"]}]  # fmt: skip
    del reply
    # data problems
    talk(date(2025, 6, 5), "L03", "X999")  # not on the roster
    a, b = [p for p in rank if people[p]["unit"] == "surgery"][:2]
    outsider = next(p for p in rank if people[p]["unit"] == "tcm")
    talk(date(2025, 6, 19), a, outsider)  # two rank-and-file people: no scope covers it
    meetings = [
        {"id": "M2025A", "kind": "democratic_life_meeting", "date": "2025-01-16"},
        {"id": "M2025B", "kind": "democratic_life_meeting", "date": "2025-12-26"},
    ]
    del b
    return {"talks": talks, "events": events, "meetings": meetings}


def main() -> None:
    rng = random.Random(2015_12_08)
    roster = build_roster(rng)
    history = build_history(rng, roster)
    header = "# Generated by examples/huimin/build.py (seeded); edit the script, not this file.\n"
    for file, data in (("roster.yaml", roster), ("history.yaml", history)):
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        (HERE / file).write_text(header + text, encoding="utf-8")


if __name__ == "__main__":
    main()
