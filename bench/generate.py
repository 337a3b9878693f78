"""Seeded synthetic organisation for benchmarks: people, a year of talks, in the project's formats.

Run ``python bench/generate.py --people 10000 --talks-per-person 10 --seed 1 --out DIR
[--formats json,yaml,csv] [--hospital-size 10000]``. The same arguments always write the same
bytes. What is written (per format):

- ``roster.{json,yaml,csv}`` — units, Party branches, people with dated roles;
- ``history.{json,yaml}`` — talks (with reply requests), events, meetings; for CSV, the three
  kinds go to ``talks.csv``, ``events.csv`` and ``meetings.csv`` (CSV cannot hold reply
  requests, docs/inputs.md: the CSV history has none);
- ``holidays.{json,yaml,csv}`` — mainland China's 2025–2026 holidays and make-up working days
  (the same days as examples/holidays/cn_2025_2026.yaml);
- ``manifest.json`` — the arguments, the evaluation period and as-of date, and counts (not an
  input of the library: the benchmark reads it).

The organisation is what the Huimin 2015 policy (policies/huimin_2015.yaml) speaks about,
modelled as examples/huimin/build.py models one hospital, scaled up: **hospitals** of
``--hospital-size`` people (the last one takes the remainder), each with its own leadership
team (secretary, president, deputy secretary, vice-presidents — one in two hospitals gains one
mid-year —, discipline secretary, another team member), administrative departments and clinical
sections of 15–55 people each headed by a department head or section director, Party branches
of about three units, each with a secretary, two committee members and a group leader; about
40% of staff and most heads are Party members. Over the year some heads retire and are
succeeded, some staff join and leave. Ids are unique across hospitals (``H03-P000117``), and
each person's ``organisation`` is their hospital's prefix (``H03``).

Several hospitals in one roster make a health bureau. The Huimin policy is one hospital's: its
leadership-team scopes (2.1–2.3, 2.5), the monthly slot (3.2) and the chain's first layer
(4.7) hold only ``same_organisation``, so with the ``organisation`` written each hospital's
obligations stay inside it (without it, every leader would be "a team member" of every other
hospital's leaders, and obligations would grow with the square of the number of hospitals).
Evaluating a bureau hospital by hospital, in parallel, is what
:func:`tanxin_rules.evaluate_many` is for (``--partitions``).

The year's talks (2025; about ``--talks-per-person`` talk records per person in all) are mostly
ones the policy asks for or covers: the pre-meeting rounds before the two democratic life
meetings (16 January and 26 December 2025), the principals' annual talks with every team
member, each leader's annual talks with the heads of the units they oversee, the team's
quarterly talks, the monthly (3.2) and quarterly (3.3) slot talks with the rank and file — some
collective, most timed inside the slot's part of day —, talks answering events (promotions,
retirements, family circumstances, confidant requests with an agreed date, …) mostly within the
five working days, some late, some never held, written-reply requests answered on time, late or
not at all; the rest are section directors' talks with their colleagues (2.6b), branch
secretaries' with their members (2.6a) and leaders' with staff (2.5). A thin layer of data
problems (about 1 record in 400) keeps every path of the readers and the engine busy: talks
naming someone not on the roster, between two people no scope covers, dated after the as-of
date, listed twice, with a date like 2025-02-30.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tanxin_rules._reading import CSV_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
POLICY_FILE = ROOT / "policies" / "huimin_2015.yaml"

YEAR = 2025
PERIOD = (date(YEAR, 1, 1), date(YEAR, 12, 31))
AS_OF = date(YEAR + 1, 1, 15)
MEETINGS = (("M2025A", date(YEAR, 1, 16)), ("M2025B", date(YEAR, 12, 26)))
FORMATS = ("json", "yaml", "csv")

SURNAMES = "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董袁潘"
GIVEN = "偉芳娜敏靜麗強磊軍洋勇艷傑娟濤明超秀霞平剛桂英華玉蘭萍紅輝建國文斌雪梅丹"
DEPARTMENTS = ("辦公室", "組織人事科", "財務科", "醫務科", "護理部", "後勤保障科", "信息科")
SECTIONS = ("內科", "外科", "婦產科", "兒科", "急診科", "中醫科", "影像科", "檢驗科", "藥劑科")

HOLIDAYS = (
    ("2025-01-01", "2025-01-01", "元旦 (New Year's Day)"),
    ("2025-01-28", "2025-02-04", "春節 (Spring Festival)"),
    ("2025-04-04", "2025-04-06", "清明節 (Tomb-sweeping Day)"),
    ("2025-05-01", "2025-05-05", "勞動節 (Labour Day)"),
    ("2025-05-31", "2025-06-02", "端午節 (Dragon Boat Festival)"),
    ("2025-10-01", "2025-10-08", "國慶節、中秋節 (National Day, Mid-autumn Festival)"),
    ("2026-01-01", "2026-01-03", "元旦 (New Year's Day)"),
    ("2026-02-15", "2026-02-23", "春節 (Spring Festival)"),
    ("2026-04-04", "2026-04-06", "清明節 (Tomb-sweeping Day)"),
    ("2026-05-01", "2026-05-05", "勞動節 (Labour Day)"),
    ("2026-06-19", "2026-06-21", "端午節 (Dragon Boat Festival)"),
    ("2026-09-25", "2026-09-27", "中秋節 (Mid-autumn Festival)"),
    ("2026-10-01", "2026-10-07", "國慶節 (National Day)"),
)
MAKEUP_DAYS = (
    "2025-01-26",
    "2025-02-08",
    "2025-04-27",
    "2025-09-28",
    "2025-10-11",
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
)

LEADER_ROLES = (
    "party_secretary",
    "president",
    "deputy_party_secretary",
    "discipline_secretary",
    "team_member",
)
PRINCIPAL_ROLES = frozenset({"party_secretary", "president"})
CLEAN = ["clean_government"]

# Event kinds: (kind, yearly rate per person, only for leading cadres)
EVENT_RATES: tuple[tuple[str, float, bool], ...] = (
    ("job_change", 0.012, False),
    ("promotion", 0.008, False),
    ("commendation_or_reward", 0.010, False),
    ("criticism_or_discipline", 0.003, False),
    ("work_difficulty", 0.005, False),
    ("family_circumstance", 0.007, False),
    ("conduct_concern", 0.001, False),
    ("conduct_complaint", 0.001, False),
    ("talk_requested", 0.004, False),
    ("confidant_request", 0.004, False),
    ("assessment_feedback", 0.300, True),
)


# --------------------------------------------------------------------------- calendar


def _holiday_days() -> frozenset[date]:
    out: set[date] = set()
    for first, last, _ in HOLIDAYS:
        day, end = date.fromisoformat(first), date.fromisoformat(last)
        while day <= end:
            out.add(day)
            day += timedelta(days=1)
    return frozenset(out)


_OFF = _holiday_days()
_MAKEUP = frozenset(date.fromisoformat(d) for d in MAKEUP_DAYS)


def working(day: date) -> bool:
    """Whether ``day`` is a working day in the generated calendar."""
    if day in _MAKEUP:
        return True
    return day.weekday() < 5 and day not in _OFF


def add_working_days(day: date, n: int) -> date:
    """``n`` working days after ``day`` (the start day itself not counted)."""
    while n > 0:
        day += timedelta(days=1)
        if working(day):
            n -= 1
    return day


def slot_days(rule_id: str) -> list[date]:
    """The 2025 slot days of a Huimin slot rule, moved off holidays, as the library says."""
    from tanxin_rules import SlotRule, load_policy  # noqa: PLC0415 - only when generating
    from tanxin_rules._calendar import HolidayCalendar, HolidayEntry, slots  # noqa: PLC0415

    policy = load_policy(POLICY_FILE)
    rule = next(r for r in policy.rules if r.id == rule_id)
    assert isinstance(rule, SlotRule)
    calendar = HolidayCalendar(
        valid_from=date(YEAR, 1, 1),
        valid_to=date(YEAR + 1, 12, 31),
        holidays=[
            HolidayEntry(from_=date.fromisoformat(a), to=date.fromisoformat(b), name=n)
            for a, b, n in HOLIDAYS
        ],
        workdays=[HolidayEntry(date=d) for d in sorted(_MAKEUP)],
    )
    return [s.day for s in slots(policy, rule, PERIOD[0], PERIOD[1], calendar)]


# --------------------------------------------------------------------------- organisation


@dataclass(slots=True)
class Staff:
    """One generated person (the generator's own record, written out as the roster format)."""

    id: str
    name: str
    hospital: int
    unit: str
    organisation: str
    """The hospital's prefix (``H03``): the person's ``organisation`` in the roster."""
    roles: list[tuple[str, date | None, date | None]] = field(default_factory=list)
    branch: str | None = None
    oversees: list[str] = field(default_factory=list)
    party_member: bool = False
    party_joined: date | None = None
    hired: date | None = None
    born: date | None = None
    appointed: date | None = None
    left: date | None = None

    def active(self, day: date) -> bool:
        """In the organisation on ``day``."""
        return (self.hired is None or self.hired <= day) and (self.left is None or day <= self.left)

    def span(self, lo: date, hi: date) -> tuple[date, date] | None:
        """The days of ``lo``…``hi`` on which the person is in the organisation."""
        if self.hired is not None and self.hired > lo:
            lo = self.hired
        if self.left is not None and self.left < hi:
            hi = self.left
        return (lo, hi) if lo <= hi else None

    def role_span(self, role: str, lo: date, hi: date) -> tuple[date, date] | None:
        """Days of ``lo``…``hi`` on which the person is active and holds ``role``."""
        for held, since, until in self.roles:
            if held != role:
                continue
            a = max(lo, since) if since else lo
            b = min(hi, until) if until else hi
            span = self.span(a, b)
            if span is not None:
                return span
        return None

    def record(self) -> dict[str, Any]:
        """The roster record (YAML / JSON shape)."""
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.roles:
            roles = []
            for role, since, until in self.roles:
                holding: dict[str, Any] = {"role": role}
                if since is not None:
                    holding["since"] = since.isoformat()
                if until is not None:
                    holding["until"] = until.isoformat()
                roles.append(holding)
            out["roles"] = roles
        out["unit"] = self.unit
        if self.branch is not None:
            out["branch"] = self.branch
        out["organisation"] = self.organisation
        if self.oversees:
            out["oversees"] = list(self.oversees)
        if self.party_member:
            out["party_member"] = True
        for key in ("party_joined", "hired", "born", "appointed", "left"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value.isoformat()
        return out


@dataclass(slots=True)
class UnitSpec:
    """A department or section: its head over time and its staff."""

    id: str
    name: str
    kind: str
    branch: str
    heads: list[Staff] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)


@dataclass(slots=True)
class BranchSpec:
    """A Party branch: secretary, committee, members."""

    id: str
    name: str
    units: list[UnitSpec] = field(default_factory=list)
    secretary: Staff | None = None
    committee: list[Staff] = field(default_factory=list)
    members: list[Staff] = field(default_factory=list)


@dataclass(slots=True)
class Hospital:
    """One hospital of the bureau."""

    index: int
    prefix: str
    leaders: list[Staff] = field(default_factory=list)
    units: list[UnitSpec] = field(default_factory=list)
    branches: list[BranchSpec] = field(default_factory=list)
    everyone: list[Staff] = field(default_factory=list)
    rank: list[Staff] = field(default_factory=list)
    """Rank and file: no leading post (not a leader, unit head or branch secretary)."""


class Generator:
    """Builds the organisation and its year, deterministically from the seed."""

    def __init__(self, people: int, talks_per_person: float, seed: int, hospital_size: int):
        if people < 60:
            raise SystemExit("generate: --people must be at least 60")
        if hospital_size < 60:
            raise SystemExit("generate: --hospital-size must be at least 60")
        self.rng = random.Random(seed)
        self.people = people
        self.talks_per_person = talks_per_person
        self.hospital_size = hospital_size
        self.hospitals: list[Hospital] = []
        self.units: list[dict[str, Any]] = []
        self.branches: list[dict[str, Any]] = []
        self.talks: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.extra: list[dict[str, Any]] = []
        self._count = 0

    # ------------------------------------------------------------------ helpers

    def name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))

    def day_in(self, lo: date, hi: date, *, workday: bool = True) -> date:
        """A random day of ``lo``…``hi`` (a working day when there is one and ``workday``)."""
        span = (hi - lo).days
        for _ in range(6):
            day = lo + timedelta(days=self.rng.randint(0, span))
            if not workday or working(day):
                return day
        return day

    def old_date(self, first: int, last: int) -> date:
        return date(self.rng.randint(first, last), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def person(self, hospital: Hospital, unit: str) -> Staff:
        self._count += 1
        staff = Staff(
            id=f"{hospital.prefix}-P{self._count:06d}",
            name=self.name(),
            hospital=hospital.index,
            unit=unit,
            organisation=hospital.prefix,
        )
        staff.born = self.old_date(1962, 2001)
        staff.hired = self.old_date(max(staff.born.year + 21, 1985), 2024)
        hospital.everyone.append(staff)
        return staff

    def join_party(self, staff: Staff, branch: BranchSpec) -> None:
        assert staff.born is not None
        staff.party_member = True
        staff.party_joined = self.old_date(staff.born.year + 19, 2024)
        staff.branch = branch.id
        branch.members.append(staff)

    # ------------------------------------------------------------------ roster

    def build(self) -> None:
        """The whole bureau: hospitals, their people, units and branches."""
        sizes: list[int] = []
        left = self.people
        while left > 0:
            size = self.hospital_size if left >= 2 * self.hospital_size else left
            if left > self.hospital_size and size == left:
                size = (left + 1) // 2
            sizes.append(size)
            left -= size
        for index, size in enumerate(sizes, start=1):
            self.hospitals.append(self.hospital(index, size))

    def hospital(self, index: int, size: int) -> Hospital:
        rng = self.rng
        hospital = Hospital(index, f"H{index:02d}")
        prefix = hospital.prefix
        team = min(3, size // 4000)
        roles = [*LEADER_ROLES, *["vice_president"] * (2 + team)]
        leadership = f"{prefix}-LEAD"
        self.units.append({"id": leadership, "name": f"{prefix} 院領導", "kind": "leadership"})
        for role in roles:
            leader = self.person(hospital, leadership)
            leader.roles.append((role, None, None))
            leader.appointed = self.old_date(2016, 2024)
            hospital.leaders.append(leader)
        if index % 2 == 1:  # a vice-president appointed during the year
            newcomer = self.person(hospital, leadership)
            since = date(YEAR, rng.randint(3, 9), 1)
            newcomer.roles.append(("vice_president", since, None))
            newcomer.appointed = since
            hospital.leaders.append(newcomer)
        remaining = size - len(hospital.leaders)
        sizes: list[int] = []
        while remaining > 0:
            n = min(rng.randint(15, 55), remaining)
            if remaining - n < 8:
                n = remaining
            sizes.append(n)
            remaining -= n
        n_departments = max(1, len(sizes) // 5)
        for u, n in enumerate(sizes):
            kind = "department" if u < n_departments else "section"
            names = DEPARTMENTS if kind == "department" else SECTIONS
            unit = UnitSpec(
                id=f"{prefix}-U{u + 1:03d}",
                name=f"{names[u % len(names)]}{u // len(names) + 1}",
                kind=kind,
                branch=f"{prefix}-B{u // 3 + 1:02d}",
            )
            self.units.append({"id": unit.id, "name": unit.name, "kind": kind})
            head_role = "department_head" if kind == "department" else "section_director"
            for i in range(n):
                staff = self.person(hospital, unit.id)
                if i == 0:
                    staff.roles.append((head_role, None, None))
                    staff.appointed = self.old_date(2010, 2024)
                    unit.heads.append(staff)
                else:
                    unit.staff.append(staff)
            hospital.units.append(unit)
        self.branch_structure(hospital)
        self.changes(hospital)
        self.oversight(hospital)
        leading = {id(p) for p in hospital.leaders}
        leading |= {id(h) for u in hospital.units for h in u.heads}
        leading |= {id(b.secretary) for b in hospital.branches if b.secretary is not None}
        hospital.rank = [p for p in hospital.everyone if id(p) not in leading]
        return hospital

    def branch_structure(self, hospital: Hospital) -> None:
        rng = self.rng
        branches: dict[str, BranchSpec] = {}
        for unit in hospital.units:
            branch = branches.get(unit.branch)
            if branch is None:
                number = len(branches) + 1
                branch = BranchSpec(unit.branch, f"{hospital.prefix} 第{number}黨支部")
                branches[unit.branch] = branch
                self.branches.append({"id": branch.id, "name": branch.name})
            branch.units.append(unit)
        first = next(iter(branches.values()))
        for leader in hospital.leaders:
            self.join_party(leader, first)
        for branch in branches.values():
            for unit in branch.units:
                for head in unit.heads:
                    if rng.random() < 0.9:
                        self.join_party(head, branch)
                for staff in unit.staff:
                    if rng.random() < 0.4:
                        self.join_party(staff, branch)
            heads = [h for u in branch.units for h in u.heads if h.party_member]
            plain = [m for m in branch.members if not m.roles]
            if heads:
                branch.secretary = rng.choice(heads)
            elif plain:
                branch.secretary = plain.pop()
            if branch.secretary is not None:
                branch.secretary.roles.append(("branch_secretary", None, None))
            for staff in plain[:2]:
                staff.roles.append(("branch_committee_member", None, None))
                branch.committee.append(staff)
            if len(plain) > 2:
                plain[2].roles.append(("party_group_leader", None, None))
                branch.committee.append(plain[2])
        hospital.branches = list(branches.values())

    def changes(self, hospital: Hospital) -> None:
        """Retirements with successors, people joining and leaving during the year."""
        rng = self.rng
        for unit in hospital.units:
            if rng.random() < 0.04 and len(unit.staff) > 3:
                old = unit.heads[0]
                role = old.roles[0][0]
                retire = date(YEAR, rng.randint(2, 11), 1) - timedelta(days=1)
                old.roles[0] = (role, None, retire)
                old.left = retire
                successor = next((s for s in unit.staff if not s.roles and s.left is None), None)
                if successor is not None:
                    since = retire + timedelta(days=rng.randint(1, 14))
                    successor.roles.insert(0, (role, since, None))
                    successor.appointed = since
                    unit.heads.append(successor)
            for staff in unit.staff:
                if staff.roles:
                    continue
                draw = rng.random()
                if draw < 0.04:
                    staff.hired = self.day_in(date(YEAR, 1, 2), date(YEAR, 11, 30))
                    if staff.party_joined is not None and staff.party_joined > staff.hired:
                        staff.party_joined = staff.hired
                elif draw < 0.07:
                    staff.left = self.day_in(date(YEAR, 1, 31), date(YEAR, 12, 30))

    def oversight(self, hospital: Hospital) -> None:
        overseers = [
            p
            for p in hospital.leaders
            if p.roles[0][0] != "discipline_secretary" and p.roles[0][1] is None
        ]
        for i, unit in enumerate(hospital.units):
            overseers[i % len(overseers)].oversees.append(unit.id)

    # ------------------------------------------------------------------ history

    def talk(
        self,
        day: date,
        people: Sequence[Staff | str],
        *,
        time: str | None = None,
        topics: list[str] | None = None,
        mode: str | None = None,
        reason: str | None = None,
        answers: str | None = None,
        initiator: Staff | None = None,
    ) -> dict[str, Any]:
        record: dict[str, Any] = {
            "date": day.isoformat(),
            "participants": [p if isinstance(p, str) else p.id for p in people],
        }
        if time is not None:
            record["time"] = time
        if mode is not None:
            record["mode"] = mode
        if initiator is not None:
            record["initiator"] = initiator.id
        if topics:
            record["topics"] = topics
        if answers is not None:
            record["answers_event"] = answers
        if reason is not None:
            record["reason"] = reason
        self.talks.append(record)
        return record

    def pair_day(
        self,
        a: Staff,
        b: Staff,
        lo: date,
        hi: date,
        role_a: str | None = None,
        role_b: str | None = None,
    ) -> date | None:
        span_a = a.role_span(role_a, lo, hi) if role_a else a.span(lo, hi)
        span_b = b.role_span(role_b, lo, hi) if role_b else b.span(lo, hi)
        if span_a is None or span_b is None:
            return None
        first, last = max(span_a[0], span_b[0]), min(span_a[1], span_b[1])
        if first > last:
            return None
        return self.day_in(first, last)

    def leader_role(self, leader: Staff) -> str:
        return leader.roles[0][0]

    def history(self) -> None:
        """The year's talks, events and reply requests for every hospital, then the ids."""
        monthly = slot_days("monthly_slot")
        quarterly = slot_days("quarterly_slot")
        for hospital in self.hospitals:
            self.team_talks(hospital)
            self.slot_talks(hospital, monthly, quarterly)
        self.event_talks()
        self.fill()
        self.problems()
        self.finish()

    def team_talks(self, hospital: Hospital) -> None:
        rng = self.rng
        leaders = hospital.leaders
        for _, meeting in MEETINGS:  # 3.1a: the round in the 20 days before each meeting
            lo, hi = meeting - timedelta(days=20), meeting - timedelta(days=1)
            for i, a in enumerate(leaders):
                for b in leaders[i + 1 :]:
                    if not (self.holds_on(a, meeting) and self.holds_on(b, meeting)):
                        continue
                    if rng.random() < 0.93:
                        day = self.day_in(lo, hi)
                        topics = CLEAN if rng.random() < 0.85 else None
                        self.talk(day, [a, b], topics=topics)
        principals = [p for p in leaders if self.leader_role(p) in PRINCIPAL_ROLES]
        for p in principals:  # 3.1b: each principal with every team member, once a year
            for m in leaders:
                if m is p or rng.random() >= 0.96:
                    continue
                day = self.pair_day(p, m, *PERIOD, self.leader_role(p), self.leader_role(m))
                if day is not None:
                    self.talk(
                        day, [p, m], topics=CLEAN if rng.random() < 0.8 else None, initiator=p
                    )
        for leader in leaders:  # 3.1b: each leader with the heads of the units they oversee
            units = {u.id: u for u in hospital.units}
            for uid in leader.oversees:
                for head in units[uid].heads:
                    if rng.random() >= 0.94:
                        continue
                    role = head.roles[0][0]
                    day = self.pair_day(leader, head, *PERIOD, self.leader_role(leader), role)
                    if day is not None:
                        record = self.talk(day, [leader, head], initiator=leader)
                        if rng.random() < 0.1:
                            self.reply_requests(record, head, day)
        quarters = [
            (date(YEAR, m, 1), date(YEAR + (m == 10), (m + 2) % 12 + 1, 1)) for m in (1, 4, 7, 10)
        ]
        for lo, nxt in quarters:  # 3.1c: the team talks often (once a quarter, mostly)
            hi = nxt - timedelta(days=1)
            for i, a in enumerate(leaders):
                for b in leaders[i + 1 :]:
                    if rng.random() < 0.6:
                        role_a, role_b = self.leader_role(a), self.leader_role(b)
                        day = self.pair_day(a, b, lo, hi, role_a, role_b)
                        if day is not None:
                            self.talk(day, [a, b], topics=CLEAN if rng.random() < 0.7 else None)

    def holds_on(self, leader: Staff, day: date) -> bool:
        return leader.role_span(self.leader_role(leader), day, day) is not None

    def reply_requests(self, record: dict[str, Any], requester: Staff, day: date) -> None:
        rng = self.rng
        requests = []
        for _ in range(rng.randint(1, 2)):
            request: dict[str, Any] = {
                "id": f"R{len(self.extra) + 1:06d}",
                "matter": rng.choice(("增派人手", "設備更新", "排班調整", "培訓經費", "用房改造")),
                "requested_by": requester.id,
            }
            self.extra.append(request)
            draw = rng.random()
            if draw < 0.8:
                request["replied_on"] = add_working_days(day, rng.randint(1, 9)).isoformat()
            elif draw < 0.9:
                request["replied_on"] = add_working_days(day, rng.randint(12, 30)).isoformat()
            requests.append(request)
        record["reply_requests"] = requests

    def slot_talks(self, hospital: Hospital, monthly: list[date], quarterly: list[date]) -> None:
        rng = self.rng
        rank = hospital.rank
        for day in monthly:  # 3.2: every leader, the afternoon of the last Thursday
            present = [r for r in rank if r.active(day)] if len(rank) < 200 else None
            for leader in hospital.leaders:
                if not self.holds_on(leader, day) or rng.random() >= 0.88:
                    continue
                if rng.random() < 0.04:
                    others = self.some_rank(rank, present, day, rng.randint(3, 6))
                    reason = "科室矛盾後集體疏導" if rng.random() < 0.8 else None
                    self.talk(
                        day, [leader, *others], time="15:00", mode="collective", reason=reason
                    )
                    continue
                for other in self.some_rank(rank, present, day, rng.randint(1, 3)):
                    draw = rng.random()
                    if draw < 0.1:
                        time = None  # untimed: counted (the policy's reading)
                    elif draw < 0.13:
                        time = "10:00"  # the morning: outside the afternoon slot
                    else:
                        time = f"{rng.randint(14, 17)}:{rng.choice('03')}0"
                    self.talk(day, [leader, other], time=time, initiator=leader)
        secretaries = [b.secretary for b in hospital.branches if b.secretary is not None]
        for day in quarterly:  # 3.3: every branch secretary, after work on the first Friday
            present = [r for r in rank if r.active(day)] if len(rank) < 200 else None
            for secretary in secretaries:
                if not secretary.active(day) or rng.random() >= 0.85:
                    continue
                for other in self.some_rank(rank, present, day, rng.randint(1, 2)):
                    self.talk(
                        day, [secretary, other], time=f"{rng.randint(17, 20)}:{rng.choice('134')}0"
                    )

    def some_rank(
        self, rank: list[Staff], present: list[Staff] | None, day: date, n: int
    ) -> list[Staff]:
        """``n`` distinct rank-and-file people in the organisation on ``day``."""
        if present is not None:
            return self.rng.sample(present, min(n, len(present)))
        out: dict[str, Staff] = {}
        while len(out) < n:
            staff = self.rng.choice(rank)
            if staff.active(day):
                out[staff.id] = staff
        return list(out.values())

    def answerable(self, hospital: Hospital, person: Staff, day: date) -> Staff | None:
        """Someone the policy's chain (4.7) makes answerable for ``person`` on ``day``."""
        units = {u.id: u for u in hospital.units}
        if person.unit.endswith("-LEAD"):
            principals = [p for p in hospital.leaders if self.leader_role(p) in PRINCIPAL_ROLES]
            choices = [p for p in principals if p is not person]
            return self.rng.choice(choices) if choices else None
        unit = units[person.unit]
        heads = [h for h in unit.heads if h.role_span(h.roles[0][0], day, day)]
        if person in heads:
            return next((p for p in hospital.leaders if unit.id in p.oversees), None)
        return heads[0] if heads else None

    def event_talks(self) -> None:
        rng = self.rng
        pending: list[tuple[dict[str, Any], Hospital, Staff, date, Staff | None]] = []
        for hospital in self.hospitals:
            leading = [*hospital.leaders, *(h for u in hospital.units for h in u.heads)]
            for kind, rate, cadres_only in EVENT_RATES:
                pool = leading if cadres_only else hospital.everyone
                for _ in range(self.binomial(len(pool), rate)):
                    person = rng.choice(pool)
                    span = person.span(date(YEAR, 1, 2), date(YEAR, 12, 10))
                    if span is None:
                        continue
                    day = self.day_in(*span)
                    event: dict[str, Any] = {
                        "kind": kind,
                        "person": person.id,
                        "date": day.isoformat(),
                    }
                    counterpart = None
                    if kind == "confidant_request":
                        counterpart = rng.choice([p for p in hospital.leaders if p.active(day)])
                        if counterpart is person:
                            continue
                        event["counterpart"] = counterpart.id
                        event["agreed_date"] = add_working_days(day, rng.randint(2, 6)).isoformat()
                    pending.append((event, hospital, person, day, counterpart))
            for unit in hospital.units:  # a retirement for each head who retires
                old = unit.heads[0]
                if old.left is not None:
                    event = {"kind": "retirement", "person": old.id, "date": old.left.isoformat()}
                    pending.append((event, hospital, old, old.left, None))
        pending.sort(key=lambda e: (e[3], e[2].id, e[0]["kind"]))
        for number, (event, hospital, person, day, counterpart) in enumerate(pending, start=1):
            event["id"] = f"E{number:06d}"
            self.events.append({"id": event.pop("id"), **event})
            talker = counterpart or self.answerable(hospital, person, day)
            if talker is None or talker is person:
                continue
            draw = rng.random()
            if draw < 0.07:
                continue  # never held: the obligation is overdue
            if counterpart is not None:
                when = date.fromisoformat(event["agreed_date"])
            elif draw < 0.15:
                when = add_working_days(day, rng.randint(7, 20))  # held late
            else:
                when = add_working_days(day, rng.randint(0, 4))
            if when > PERIOD[1] or not talker.active(when):
                continue
            self.talk(when, [talker, person], answers=self.events[-1]["id"], initiator=talker)

    def binomial(self, n: int, p: float) -> int:
        """A draw of Binomial(n, p) (normal approximation above a few dozen)."""
        mean = n * p
        if mean < 30:
            return sum(1 for _ in range(n) if self.rng.random() < p)
        return max(0, round(self.rng.gauss(mean, (mean * (1 - p)) ** 0.5)))

    def fill(self) -> None:
        """Bring each hospital to about ``talks_per_person`` records per person."""
        rng = self.rng
        target = round(self.people * self.talks_per_person)
        budget = max(0, target - len(self.talks) - max(1, target // 2000) * 5)
        total = sum(len(h.everyone) for h in self.hospitals)
        for hospital in self.hospitals:
            share = budget * len(hospital.everyone) // total
            units = [u for u in hospital.units if u.staff]
            branches = [b for b in hospital.branches if b.secretary is not None and b.members]
            for _ in range(share):
                draw = rng.random()
                if draw < 0.65 and units:  # 2.6b: a section director with a colleague
                    unit = rng.choice(units)
                    head = rng.choice(unit.heads)
                    other = rng.choice(unit.staff)
                    day = self.pair_day(head, other, *PERIOD, head.roles[0][0])
                    if day is not None and other is not head:
                        record = self.talk(day, [head, other], initiator=head)
                        if rng.random() < 0.004:
                            self.reply_requests(record, other, day)
                        continue
                if draw < 0.87 and branches:  # 2.6a: a branch secretary with a member
                    branch = rng.choice(branches)
                    assert branch.secretary is not None
                    member = rng.choice(branch.members)
                    day = self.pair_day(branch.secretary, member, *PERIOD)
                    if day is not None and member is not branch.secretary:
                        self.talk(day, [branch.secretary, member])
                        continue
                leader = rng.choice(hospital.leaders)  # 2.5: a leader with staff
                other = rng.choice(hospital.everyone)
                day = self.pair_day(leader, other, *PERIOD, self.leader_role(leader))
                if day is not None and other is not leader:
                    self.talk(day, [leader, other], topics=CLEAN if rng.random() < 0.3 else None)

    def problems(self) -> None:
        """A thin layer of bad records: each a finding, none silently dropped."""
        rng = self.rng
        n = max(1, round(self.people * self.talks_per_person) // 2000)
        everyone = [p for h in self.hospitals for p in h.rank]
        for _ in range(n):
            a, b = rng.sample(everyone, 2)
            self.talk(self.day_in(*PERIOD), [a, b])  # usually out of scope
            self.talk(self.day_in(*PERIOD), [a, f"X{rng.randint(0, 99999):05d}"])  # not on roster
            self.talk(date(YEAR + 1, 2, rng.randint(1, 28)), [a, b])  # after as-of
            bad = self.talk(self.day_in(*PERIOD), [a, b])
            bad["date"] = f"{YEAR}-02-{rng.randint(29, 31)}"  # not a real date
        for _ in range(n):  # identical duplicates, marked here and copied in finish()
            rng.choice(self.talks)["_dup"] = True

    def finish(self) -> None:
        """Sort talks by date, give ids, write the duplicates next to their originals."""
        self.talks.sort(key=lambda t: t["date"])
        out: list[dict[str, Any]] = []
        for number, talk in enumerate(self.talks, start=1):
            dup = talk.pop("_dup", False)
            record = {"id": f"T{number:07d}", **talk}
            out.append(record)
            if dup:
                out.append(dict(record))
        self.talks = out

    # ------------------------------------------------------------------ output

    def roster(self) -> dict[str, Any]:
        people = [p.record() for h in self.hospitals for p in h.everyone]
        return {"units": self.units, "branches": self.branches, "people": people}

    def meetings(self) -> list[dict[str, Any]]:
        return [
            {"id": mid, "kind": "democratic_life_meeting", "date": day.isoformat()}
            for mid, day in MEETINGS
        ]


# --------------------------------------------------------------------------- writers


def holidays_data() -> dict[str, Any]:
    holidays: list[dict[str, str]] = []
    for first, last, name in HOLIDAYS:
        if first == last:
            holidays.append({"date": first, "name": name})
        else:
            holidays.append({"from": first, "to": last, "name": name})
    return {
        "name": "中國大陸法定節假日 2025–2026 (generated for benchmarks)",
        "valid_from": f"{YEAR}-01-01",
        "valid_to": f"{YEAR + 1}-12-31",
        "weekend": ["saturday", "sunday"],
        "holidays": holidays,
        "workdays": [{"date": d, "name": "調休上班 (make-up working day)"} for d in MAKEUP_DAYS],
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    """One record per line, as exports usually look (and compact: the floor is json.loads)."""
    with path.open("w", encoding="utf-8") as out:
        out.write("{")
        for i, (key, value) in enumerate(data.items()):
            out.write(",\n" if i else "\n")
            out.write(f"{json.dumps(key)}: ")
            if isinstance(value, list) and value:
                out.write("[\n")
                out.write(",\n".join(json.dumps(v, ensure_ascii=False) for v in value))
                out.write("\n]")
            else:
                out.write(json.dumps(value, ensure_ascii=False))
        out.write("\n}\n")


def _flow(value: Any) -> str:
    """A value in YAML flow style: text as JSON strings (quoted, so never re-typed)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    """Block sections of one flow mapping per record: fast to write, plain to read."""
    with path.open("w", encoding="utf-8") as out:
        out.write("# Generated by bench/generate.py (seeded).\n")
        for key, value in data.items():
            if isinstance(value, list):
                if not value:
                    out.write(f"{key}: []\n")
                    continue
                out.write(f"{key}:\n")
                for item in value:
                    out.write(f"  - {_flow(item)}\n")
            else:
                out.write(f"{key}: {_flow(value)}\n")


def _csv_date(value: Any) -> str:
    return "" if value is None else str(value)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def roster_rows(roster: dict[str, Any]) -> Iterable[list[str]]:
    """One row per person, in the reader's column order (``CSV_COLUMNS["people"]``)."""
    kinds = {u["id"]: u["kind"] for u in roster["units"]}
    columns = CSV_COLUMNS["people"]
    for p in roster["people"]:
        roles = []
        for holding in p.get("roles", []):
            since, until = holding.get("since"), holding.get("until")
            text = holding["role"]
            if since or until:
                text += f"@{since or ''}..{until or ''}"
            roles.append(text)
        cells = {
            "roles": ";".join(roles),
            "unit_kind": kinds.get(p.get("unit", ""), ""),
            "oversees": ";".join(p.get("oversees", [])),
            "party_member": "true" if p.get("party_member") else "",
        }
        yield [cells[c] if c in cells else p.get(c, "") for c in columns]


def talk_rows(talks: list[dict[str, Any]]) -> Iterable[list[str]]:
    for t in talks:
        yield [
            t["id"],
            t["date"],
            t.get("time", ""),
            ";".join(t["participants"]),
            t.get("mode", ""),
            t.get("initiator", ""),
            ";".join(t.get("topics", [])),
            t.get("answers_event", ""),
            t.get("reason", ""),
        ]


def _hospital_of(ids: Iterable[str], known: set[str]) -> str:
    """The hospital prefix (``H03``) of the first of ``ids`` on the roster (else ``H01``)."""
    return next((i.split("-", 1)[0] for i in ids if i in known), "H01")


def write_partitions(
    generator: Generator,
    roster: dict[str, Any],
    history: dict[str, Any],
    holidays: dict[str, Any],
    out: Path,
) -> None:
    """The same organisation cut into one roster and history per hospital (JSON).

    A talk or event goes to the hospital of its first participant on the roster; meetings
    and the holiday calendar to every hospital. For :func:`tanxin_rules.evaluate_many`.
    """
    known = {p["id"] for p in roster["people"]}
    talks: dict[str, list[dict[str, Any]]] = {}
    for talk in history["talks"]:
        talks.setdefault(_hospital_of(talk["participants"], known), []).append(talk)
    events: dict[str, list[dict[str, Any]]] = {}
    for event in history["events"]:
        events.setdefault(_hospital_of([event["person"]], known), []).append(event)
    for hospital in generator.hospitals:
        prefix = hospital.prefix
        folder = out / prefix
        folder.mkdir(parents=True, exist_ok=True)
        mine = f"{prefix}-"
        write_json(
            folder / "roster.json",
            {
                "units": [u for u in roster["units"] if u["id"].startswith(mine)],
                "branches": [b for b in roster["branches"] if b["id"].startswith(mine)],
                "people": [p for p in roster["people"] if p["id"].startswith(mine)],
            },
        )
        write_json(
            folder / "history.json",
            {
                "talks": talks.get(prefix, []),
                "events": events.get(prefix, []),
                "meetings": history["meetings"],
            },
        )
        write_json(folder / "holidays.json", holidays)


def write(
    generator: Generator, out: Path, formats: Sequence[str], partitions: bool = False
) -> dict[str, Any]:
    """Write every requested format (and, with ``partitions``, one JSON set per hospital)."""
    out.mkdir(parents=True, exist_ok=True)
    roster = generator.roster()
    history = {
        "talks": generator.talks,
        "events": generator.events,
        "meetings": generator.meetings(),
    }
    holidays = holidays_data()
    files: dict[str, dict[str, list[str]]] = {}
    if "json" in formats:
        write_json(out / "roster.json", roster)
        write_json(out / "history.json", history)
        write_json(out / "holidays.json", holidays)
        files["json"] = {
            "roster": ["roster.json"],
            "history": ["history.json"],
            "holidays": ["holidays.json"],
        }
    if "yaml" in formats:
        write_yaml(out / "roster.yaml", roster)
        write_yaml(out / "history.yaml", history)
        write_yaml(out / "holidays.yaml", holidays)
        files["yaml"] = {
            "roster": ["roster.yaml"],
            "history": ["history.yaml"],
            "holidays": ["holidays.yaml"],
        }
    if "csv" in formats:
        write_csv(
            out / "roster.csv",
            CSV_COLUMNS["people"],
            roster_rows(roster),
        )
        write_csv(
            out / "talks.csv",
            CSV_COLUMNS["talks"],
            talk_rows(generator.talks),
        )
        write_csv(
            out / "events.csv",
            CSV_COLUMNS["events"],
            (
                [
                    e["id"],
                    e["kind"],
                    e["person"],
                    e["date"],
                    e.get("counterpart", ""),
                    e.get("agreed_date", ""),
                ]
                for e in generator.events
            ),
        )
        write_csv(
            out / "meetings.csv",
            CSV_COLUMNS["meetings"],
            ([m["id"], m["kind"], m["date"]] for m in generator.meetings()),
        )
        rows = [
            ["date", "kind", "name"],
            [f"{YEAR}-01-01", "valid_from", ""],
            [f"{YEAR + 1}-12-31", "valid_to", ""],
        ]
        for first, last, name in HOLIDAYS:
            rows.append([first if first == last else f"{first}/{last}", "holiday", name])
        rows.extend([d, "workday", "調休上班"] for d in MAKEUP_DAYS)
        write_csv(out / "holidays.csv", rows[0], rows[1:])
        files["csv"] = {
            "roster": ["roster.csv"],
            "history": ["talks.csv", "events.csv", "meetings.csv"],
            "holidays": ["holidays.csv"],
        }
    if partitions and "json" in formats:
        write_partitions(generator, roster, history, holidays, out / "hospitals")
        files["partitions"] = {
            "hospitals": [f"hospitals/{h.prefix}" for h in generator.hospitals],
        }
    manifest = {
        "generator": "bench/generate.py",
        "people": generator.people,
        "talks_per_person": generator.talks_per_person,
        "hospital_size": generator.hospital_size,
        "hospitals": [
            {"prefix": h.prefix, "people": len(h.everyone), "leaders": len(h.leaders)}
            for h in generator.hospitals
        ],
        "period": [PERIOD[0].isoformat(), PERIOD[1].isoformat()],
        "as_of": AS_OF.isoformat(),
        "counts": {
            "people": sum(len(h.everyone) for h in generator.hospitals),
            "units": len(generator.units),
            "branches": len(generator.branches),
            "talks": len(generator.talks),
            "events": len(generator.events),
            "reply_requests": len(generator.extra),
            "meetings": len(MEETINGS),
        },
        "files": files,
    }
    write_json(out / "manifest.json", manifest)
    return manifest


def generate(
    people: int,
    talks_per_person: float,
    seed: int,
    out: Path,
    formats: Sequence[str] = ("json",),
    hospital_size: int = 10_000,
    partitions: bool = False,
) -> dict[str, Any]:
    """Build and write one organisation; return its manifest (also written to ``out``)."""
    generator = Generator(people, talks_per_person, seed, hospital_size)
    generator.build()
    generator.history()
    return write(generator, out, formats, partitions)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--talks-per-person", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--formats", default="json,yaml,csv", help="comma-separated: json,yaml,csv")
    parser.add_argument(
        "--hospital-size",
        type=int,
        default=10_000,
        help="people per hospital (the last takes the remainder)",
    )
    parser.add_argument(
        "--partitions",
        action="store_true",
        help="also write hospitals/H01/… : one JSON roster and history each",
    )
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown format(s): {', '.join(unknown)} (choose from {', '.join(FORMATS)})")
    manifest = generate(
        args.people,
        args.talks_per_person,
        args.seed,
        args.out,
        formats,
        args.hospital_size,
        args.partitions,
    )
    counts = manifest["counts"]
    print(
        f"{args.out}: {counts['people']} people in {len(manifest['hospitals'])} hospital(s), "
        f"{counts['talks']} talks, {counts['events']} events, "
        f"{counts['reply_requests']} reply requests ({', '.join(formats)})",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
