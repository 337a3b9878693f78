"""Build the example organisation for policies/examples/county_bureau_2021.yaml.

Run ``python examples/county_bureau/build.py`` to regenerate ``roster.yaml`` and
``history.yaml`` (deterministic: no randomness, every date is chosen below). Evaluate it for the
calendar year 2026 as of 2027-01-20 with the mainland China holiday calendar
``examples/holidays/cn_2025_2026.yaml`` (in 2026 the Talk Day of Friday 25 September falls in
the Mid-autumn holiday and moves to Monday 28 September); tests/test_example_data.py holds the
hand-computed expectations.

The organisation: Yunxi County Health Bureau — a leading Party group of six (secretary, director,
two deputy directors, discipline inspection chief, one further member), four sections (the
office chief is also secretary of the bureau's Party branch) of four staff each, and the
leadership teams of three subordinate institutions (the county hospital, overseen jointly by
the director and a deputy director; the county TCM hospital; the Chengguan town health
centre) — 33 people. The history holds the talks, events and the democratic life meeting of 2026,
with deliberate gaps:

- 3.1a: the secretary lets more than 90 days pass without talking with the discipline chief
  (20 January to 10 June);
- 3.1b, 3.1c: the director and the discipline chief never talk in 2026; one pair talks on the
  day of the democratic life meeting (23 December), too late for the round before it;
- 3.2a: the deputy director for planning talks with its section chief only once;
- 3.2b: four pairs have not yet had their talk of the 2026–27 cycle (pending);
- 3.2c: a planning officer is talked with only in a group talk in the second half-year;
- 3.3: the June Talk Day has two talks, not three;
- 4.1: one political birthday is missed and one talked about a day late; an officer admitted on
  29 February 2004 has her political birthday on 28 February 2026;
- 4.2: the planning section chief's two-year review (1 September) is missed;
- 5.1–5.3: an illness talked about late, a request to the discipline chief ignored, one of the
  two joint overseers skipping a sanction talk, the director's pre-appointment talk a day late;
- 7a: one report back never given;
- data: an event of a kind the policy does not know (a retirement); a newly appointed hospital
  leader who, until taking up the post, has no one answerable (4.7 gap); a talk with a section
  chief that omits medical ethics (6b).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent

UNITS = [
    ("leadership", "局领导", "leadership"),
    ("office", "办公室", "section"),
    ("medical_admin", "医政医管股", "section"),
    ("public_health", "公共卫生股", "section"),
    ("planning_finance", "规划财务股", "section"),
    ("county_hospital", "县人民医院", "institution"),
    ("tcm_hospital", "县中医院", "institution"),
    ("chengguan_centre", "城关镇卫生院", "institution"),
]
BRANCHES = [("bureau", "机关党支部")]
NAMES = {
    "K01": "蒋国栋", "K02": "沈卫民", "K03": "韩春燕", "K04": "杜志刚", "K05": "程明",
    "K06": "魏立平",
    "S01": "苏晓红", "S02": "吕建平", "S03": "丁慧", "S04": "任国强",
    "F01": "姚丽", "F02": "卢涛", "F03": "钟敏", "F04": "汪磊", "F05": "田芳", "F06": "范勇",
    "F07": "石静", "F08": "金鑫", "F09": "廖娟", "F10": "邹鹏", "F11": "熊英", "F12": "孟凡",
    "F13": "秦雪", "F14": "白云", "F15": "江波", "F16": "崔琳",
    "H01": "龚志远", "H02": "严文华", "H03": "华振东", "H04": "黎明", "H05": "贺春生",
    "H06": "顾红梅", "H07": "毛建军",
}  # fmt: skip
SECTIONS = {
    "S01": ("office", ["F01", "F02", "F03", "F04"]),
    "S02": ("medical_admin", ["F05", "F06", "F07", "F08"]),
    "S03": ("public_health", ["F09", "F10", "F11", "F12"]),
    "S04": ("planning_finance", ["F13", "F14", "F15", "F16"]),
}
OVERSEES = {
    "K01": ["office"],
    "K02": ["medical_admin", "county_hospital"],
    "K03": ["public_health", "county_hospital"],
    "K04": ["planning_finance", "tcm_hospital"],
    "K05": [],
    "K06": ["chengguan_centre"],
}
# Dates of admission to the Party of the bureau branch's members (4.1: political birthdays).
JOINED = {
    "K01": "1995-07-01", "K02": "1998-06-15", "K03": "2001-03-20", "K04": "1999-10-08",
    "K05": "2003-05-05", "K06": "2005-09-01", "S01": "2008-05-12", "S02": "2010-07-01",
    "S03": "2012-11-11", "S04": "2009-04-23", "F01": "2004-02-29", "F03": "2016-06-30",
    "F05": "2018-08-08", "F09": "2020-12-01", "F13": "2015-01-20",
}  # fmt: skip
TEAM_ROLES = {
    "K01": "party_group_secretary",
    "K02": "director",
    "K03": "deputy_director",
    "K04": "deputy_director",
    "K05": "discipline_chief",
    "K06": "party_group_member",
}


def build_roster() -> dict[str, Any]:
    """Units, the Party branch and the 33 people."""
    people: list[dict[str, Any]] = []

    def add(pid: str, unit: str, roles: list[dict[str, Any]], **extra: Any) -> None:
        record: dict[str, Any] = {"id": pid, "name": NAMES[pid], "unit": unit}
        if roles:
            record["roles"] = roles
        if pid in JOINED:
            record.update(party_member=True, party_joined=JOINED[pid], branch="bureau")
        record.update(extra)
        people.append(record)

    for pid, role in TEAM_ROLES.items():
        add(pid, "leadership", [{"role": role}], oversees=OVERSEES[pid])
    appointed = {"S01": "2020-07-15", "S02": "2024-03-10", "S03": "2023-11-20",
                 "S04": "2022-09-01"}  # fmt: skip
    for chief, (unit, staff) in SECTIONS.items():
        roles = [{"role": "section_chief"}]
        if chief == "S01":
            roles.append({"role": "branch_secretary"})
        add(chief, unit, roles, appointed=appointed[chief])
        for pid in staff:
            extra: dict[str, Any] = {}
            if pid == "F11":
                extra["left"] = "2026-04-30"  # transferred to the county CDC
            if pid == "F12":
                extra["hired"] = "2026-08-01"  # recruited in the summer
            add(pid, unit, [], **extra)
    # Leaders of subordinate institutions: Party members of their own institutions' branches,
    # which keep their dates of admission; the bureau's roster records only the membership.
    member = {"party_member": True}
    add("H01", "county_hospital", [{"role": "subordinate_head"}], appointed="2024-04-20", **member)
    add(
        "H02",
        "county_hospital",
        [{"role": "subordinate_team_member"}],
        appointed="2024-10-10",
        **member,
    )
    add(
        "H03",
        "county_hospital",
        [{"role": "subordinate_team_member", "until": "2026-09-30"}],
        appointed="2018-06-01",
        left="2026-09-30",
        **member,
    )  # retires
    add(
        "H04",
        "county_hospital",
        [{"role": "subordinate_team_member", "since": "2026-10-01"}],
        appointed="2026-10-01",
        hired="2026-09-21",
        **member,
    )  # decided on 21 September
    add("H05", "tcm_hospital", [{"role": "subordinate_head"}], appointed="2021-12-01", **member)
    add(
        "H06",
        "tcm_hospital",
        [{"role": "subordinate_team_member"}],
        appointed="2025-03-15",
        **member,
    )
    add("H07", "chengguan_centre", [{"role": "subordinate_head"}], appointed="2020-01-10", **member)
    return {
        "units": [{"id": u, "name": n, "kind": k} for u, n, k in UNITS],
        "branches": [{"id": b, "name": n} for b, n in BRANCHES],
        "people": people,
    }


OVERSEEN_CHIEF = {"K01": "S01", "K02": "S02", "K03": "S03", "K04": "S04"}
SUBORDINATES = {
    "county_hospital": ["H01", "H02", "H03", "H04"],
    "tcm_hospital": ["H05", "H06"],
    "chengguan_centre": ["H07"],
}
BOTH_TOPICS = ["clean_practice", "medical_ethics"]


def overseen(leader: str, other: str, day: date) -> bool:
    """Whether ``other`` is a section chief or subordinate leader ``leader`` oversees (6b)."""
    if OVERSEEN_CHIEF.get(leader) == other:
        return True
    for unit in OVERSEES.get(leader, []):
        if other in SUBORDINATES.get(unit, []):
            return not (
                (other == "H03" and day > date(2026, 9, 30))
                or (other == "H04" and day < date(2026, 10, 1))
            )
    return False


class History:
    """Talk and event records, with ids that say when and between whom."""

    def __init__(self) -> None:
        self.talks: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def talk(self, day: date, a: str, b: str, *more: str, **extra: Any) -> str:
        """Record a talk; its id is ``YYYYMMDD-A-B`` (``-group`` for a collective one)."""
        tid = f"{day:%Y%m%d}-{a}-{'group' if more else b}"
        if any(t["id"] == tid for t in self.talks):
            raise ValueError(f"duplicate talk {tid}")
        record: dict[str, Any] = {"id": tid, "date": day.isoformat(), "participants": [a, b, *more]}
        if more:
            record["mode"] = "collective"
        topics = extra.pop("topics", None)
        if topics is None and (overseen(a, b, day) or overseen(b, a, day)):
            topics = BOTH_TOPICS
        if topics:
            record["topics"] = topics
        record.update(extra)
        self.talks.append(record)
        return tid

    def event(self, eid: str, kind: str, who: str, day: date, **extra: Any) -> str:
        """Record an event."""
        record = {"id": eid, "kind": kind, "person": who, "date": day.isoformat(), **extra}
        self.events.append(record)
        return eid


def build_history() -> dict[str, Any]:
    """Talks, events and the democratic life meeting of 2026."""
    h = History()
    d = date

    # ---- 3.1a: the secretary with each Party group member, no more than 90 days apart
    # (3.1b, 3.1c: several of these are also the year's talk and the pre-meeting round)
    for other, days in {
        "K02": [d(2026, 2, 10), d(2026, 4, 30), d(2026, 7, 21), d(2026, 10, 13), d(2026, 12, 8)],
        "K03": [d(2026, 3, 3), d(2026, 5, 26), d(2026, 8, 11), d(2026, 10, 27), d(2026, 12, 3),
                d(2026, 12, 31)],
        "K04": [d(2026, 1, 13), d(2026, 4, 7), d(2026, 9, 1), d(2026, 11, 24)],
        "K05": [d(2026, 1, 20), d(2026, 6, 10), d(2026, 8, 20), d(2026, 11, 10), d(2026, 12, 1)],
        "K06": [d(2026, 2, 24), d(2026, 5, 19), d(2026, 8, 4), d(2026, 10, 20), d(2026, 12, 15)],
    }.items():  # fmt: skip
        for day in days:
            h.talk(day, "K01", other)
    # ---- 3.1b/c: the members among themselves before the meeting of 23 December
    # (window 23 November – 22 December; the director and the discipline chief never talk)
    for day, a, b in [
        (d(2026, 11, 25), "K02", "K03"), (d(2026, 11, 26), "K02", "K04"),
        (d(2026, 11, 27), "K02", "K06"), (d(2026, 11, 30), "K03", "K04"),
        (d(2026, 12, 2), "K03", "K05"), (d(2026, 12, 23), "K03", "K06"),  # the meeting day
        (d(2026, 12, 4), "K04", "K05"), (d(2026, 11, 23), "K04", "K06"),  # the first day
        (d(2026, 12, 22), "K05", "K06"),  # the last day
    ]:  # fmt: skip
        h.talk(day, a, b)

    # ---- 3.2a: Party group members with the section chiefs they oversee, twice a year
    for day, leader, chief in [
        (d(2026, 4, 14), "K03", "S03"), (d(2026, 6, 18), "K04", "S04"),  # K04: only once
    ]:  # fmt: skip
        h.talk(day, leader, chief)
    h.talk(d(2026, 9, 15), "K03", "S03", topics=["clean_practice"])  # omits medical ethics
    # ---- 3.2b: with the leaders of the subordinate institutions, once in 2026–27
    h.talk(d(2026, 5, 21), "K04", "H05")

    # ---- 3.2c: section chiefs with each of their staff, every half-year
    first_half = [d(2026, 6, 1), d(2026, 6, 2), d(2026, 6, 3), d(2026, 6, 4)]
    second_half = [d(2026, 11, 16), d(2026, 11, 17), d(2026, 11, 18), d(2026, 11, 19)]
    for chief, (_, staff) in SECTIONS.items():
        for i, pid in enumerate(staff):
            if pid == "F11":
                h.talk(d(2026, 3, 12), chief, pid)  # before leaving on 30 April
                continue
            if pid == "F12":
                h.talk(d(2026, 9, 10), chief, pid)  # after joining on 1 August
                continue
            h.talk(first_half[i], chief, pid)
            if pid != "F16":
                h.talk(second_half[i], chief, pid)
    h.talk(d(2026, 11, 20), "S04", "F14", "F15", "F16")  # a group talk: not one-to-one

    # ---- 3.3: Talk Day, the last Friday of each quarter (25 September moves to 28 September)
    for day, members in [
        (d(2026, 3, 27), ["F01", "F03", "F05"]),
        (d(2026, 6, 26), ["F09", "F13"]),  # only two
        (d(2026, 9, 28), ["F01", "F05", "F13"]),
        (d(2026, 12, 25), ["F01", "S02"]),
    ]:
        for pid in members:
            h.talk(day, "S01", pid)
    h.talk(d(2026, 12, 25), "S01", "F03", "F05", "F09", "F13")  # a Party group, collectively

    # ---- 4.1: political birthdays (the branch secretary; hers, the Party group secretary)
    for day, pid in [
        (d(2026, 7, 2), "K01"), (d(2026, 6, 16), "K02"), (d(2026, 3, 23), "K03"),
        (d(2026, 10, 12), "K04"), (d(2026, 5, 6), "K05"), (d(2026, 9, 2), "K06"),
        (d(2026, 7, 3), "S02"), (d(2026, 11, 13), "S03"), (d(2026, 4, 27), "S04"),
        (d(2026, 3, 2), "F01"),  # admitted on 29 February 2004: birthday 28 February
        (d(2026, 7, 6), "F03"),  # the last day of the window
        (d(2026, 8, 17), "F05"),  # window 8–14 August: late
        (d(2026, 12, 3), "F09"),
        # F13 (20 January) is missed
    ]:  # fmt: skip
        h.talk(day, "S01", pid)
    h.talk(d(2026, 5, 14), "K01", "S01")

    # ---- 4.2: the review talk around every second anniversary of a mid-level appointment
    for day, leader, cadre in [
        (d(2026, 1, 15), "K06", "H07"),  # appointed 2020-01-10: window from 2025-12-26
        (d(2026, 3, 5), "K02", "S02"),  # appointed 2024-03-10
        (d(2026, 4, 28), "K03", "H01"),  # appointed 2024-04-20
        (d(2026, 6, 5), "K03", "H03"),  # appointed 2018-06-01, retiring
        (d(2026, 7, 20), "K01", "S01"),  # appointed 2020-07-15
        (d(2026, 10, 16), "K02", "H02"),  # appointed 2024-10-10
        # S04 (appointed 2022-09-01, window 17 August – 16 September) is missed
    ]:  # fmt: skip
        h.talk(day, leader, cadre)

    # ---- 5.1: the person responsible under 8 talks promptly (5 working days)
    e = h.event("EV01", "post_adjustment", "F10", d(2026, 3, 16))
    h.talk(d(2026, 3, 20), "S03", "F10", answers_event=e)
    e = h.event("EV02", "position_change", "F05", d(2026, 7, 6))  # a Party member
    h.talk(d(2026, 7, 8), "S01", "F05", answers_event=e)  # the branch secretary answers for her
    e = h.event("EV03", "serious_illness", "F14", d(2026, 5, 6))
    h.talk(d(2026, 5, 13), "S04", "F14", answers_event=e)  # due 12 May: late
    e = h.event("EV04", "commendation", "S02", d(2026, 12, 4))
    h.talk(d(2026, 12, 9), "K02", "S02", answers_event=e)
    e = h.event("EV05", "work_mistake", "F04", d(2026, 10, 9))  # due after the make-up Saturday
    h.talk(d(2026, 10, 15), "S01", "F04", answers_event=e)
    e = h.event("EV06", "morale_wavering", "K04", d(2026, 6, 10))
    h.talk(d(2026, 6, 12), "K01", "K04", answers_event=e)
    # ---- 5.2: a request to a named bureau leader (or, unnamed, to the one responsible)
    e = h.event("EV07", "talk_request", "F07", d(2026, 4, 13), counterpart="K03")
    h.talk(d(2026, 4, 16), "K03", "F07", answers_event=e)
    h.event("EV08", "talk_request", "F15", d(2026, 8, 3), counterpart="K05")  # ignored
    e = h.event("EV09", "talk_request", "F10", d(2026, 11, 2))  # no leader named
    h.talk(d(2026, 11, 4), "S03", "F10", answers_event=e)
    # ---- 5.3: sanctions, pre-appointment talks, reminders
    e = h.event("EV10", "organisational_handling", "H02", d(2026, 8, 17))
    h.talk(d(2026, 8, 25), "K02", "H02", answers_event=e)  # K03, the other overseer, does not
    h.talk(d(2026, 8, 28), "K05", "H02", answers_event=e)
    e = h.event("EV11", "promotion_appointment", "H04", d(2026, 9, 21))
    h.talk(d(2026, 9, 24), "K01", "H04", answers_event=e)
    h.talk(d(2026, 9, 30), "K02", "H04", answers_event=e)  # due 29 September: late
    e = h.event("EV12", "public_report", "S04", d(2026, 4, 1))
    h.talk(d(2026, 4, 15), "K05", "S04", answers_event=e)
    h.event("EV13", "public_report", "K04", d(2026, 5, 18))  # a Party group member: not 5.3
    h.event("EV14", "retirement", "H03", d(2026, 9, 30))  # not an event kind of the policy

    # ---- 7a: reports back within 15 working days
    h.talk(
        d(2026, 5, 20), "K02", "S02",
        reply_requests=[{"id": "RB-2026-01", "matter": "乡镇卫生院医师轮训经费",
                         "requested_by": "S02", "replied_on": "2026-06-05"}],
    )  # fmt: skip
    h.talk(
        d(2026, 11, 11), "S03", "F09",
        reply_requests=[{"id": "RB-2026-02", "matter": "慢病随访系统账号", "requested_by": "F09"}],
    )  # fmt: skip

    meetings = [{"id": "DLM-2026", "kind": "democratic_life_meeting", "date": "2026-12-23"}]
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
    header = "# Generated by examples/county_bureau/build.py; edit the script, not this file.\n"
    for file, data in (("roster.yaml", build_roster()), ("history.yaml", build_history())):
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
        (HERE / file).write_text(header + text, encoding="utf-8")


if __name__ == "__main__":
    main()
