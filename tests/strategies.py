"""Hypothesis strategies the differential and property tests need beyond ``tanxin_rules.testing``.

``tanxin_rules.testing`` draws *valid* rosters and histories; the tests here also need
evaluation windows close to the roster's dates (so appointments and departures fall inside
the period), holiday calendars that cover everything an evaluation asks about, and *messy*
data — the duplicates, unknown people, wrong modes and foreign vocabulary that real HR exports
carry — so that every finding path of the engine is exercised. Every object drawn still
validates as a model: messiness is in the content, not in the types.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TypeVar

from hypothesis import strategies as st

from tanxin_rules import (
    Branch,
    Event,
    History,
    HolidayCalendar,
    Meeting,
    Person,
    Policy,
    ReplyRequest,
    RoleHolding,
    Roster,
    SlotRule,
    Talk,
    Unit,
)
from tanxin_rules._calendar import slots
from tanxin_rules.testing import dates, histories, holiday_calendars, rosters

__all__ = [
    "Case",
    "cases",
    "covering_calendars",
    "dense_histories",
    "dense_rosters",
    "evaluation_windows",
    "messy_histories",
    "messy_rosters",
    "shuffled",
]

ROSTER_FROM = date(2023, 7, 1)
ROSTER_TO = date(2027, 6, 30)
"""Roster dates (roles' since/until, hiring, leaving, joining the Party) fall in this range, so
that a good share of them change inside the evaluation windows drawn below (2024–2026)."""

MARGIN = timedelta(days=45)
"""Talks, events and meetings are drawn this far outside the evaluation period too."""

_T = TypeVar("_T")

CALENDAR_MARGIN = timedelta(days=120)
"""A covering holiday calendar reaches this far beyond the period: far enough for every slot
shift, meeting window and working-day deadline an evaluation of the period asks about."""


@st.composite
def evaluation_windows(draw: st.DrawFn) -> tuple[date, date, date]:
    """``(start, end, as_of)``: a calendar year of 2024–2026 or any 1–400 days in them.

    ``as_of`` is anywhere from a month before the period to two months after it, with extra
    weight on the period's last day and a fortnight after it (the usual year-end report).
    """
    if draw(st.booleans()):
        year = draw(st.sampled_from([2024, 2025, 2026]))
        start, end = date(year, 1, 1), date(year, 12, 31)
    else:
        start = draw(dates(date(2024, 1, 1), date(2026, 6, 30)))
        end = start + timedelta(days=draw(st.integers(0, 400)))
    as_of = draw(
        st.one_of(
            st.just(end),
            st.just(end + timedelta(days=15)),
            dates(start - timedelta(days=30), end + timedelta(days=60)),
        )
    )
    return start, end, as_of


def covering_calendars(start: date, end: date) -> st.SearchStrategy[HolidayCalendar]:
    """Holiday calendars whose range is exactly ``start - 120 days`` … ``end + 120 days``.

    Drawn with :func:`tanxin_rules.testing.holiday_calendars` (holiday blocks, make-up working
    days, any weekend of zero to three days), so no question of the evaluation falls outside
    the range and no ``calendar-gap`` can arise.
    """
    low, high = start - CALENDAR_MARGIN, end + CALENDAR_MARGIN
    span = (high - low).days
    return holiday_calendars(low, high, min_days=span, max_days=span, outside_range="error")


# --------------------------------------------------------------------------- messy data


def _ghost_talk(draw: st.DrawFn, talk_id: str, people: list[str], day: date) -> Talk:
    return Talk(id=talk_id, date=day, participants=[draw(st.sampled_from(people)), "ghost"])


@st.composite
def messy_rosters(draw: st.DrawFn, roster: Roster) -> Roster:
    """``roster`` with some of what HR exports carry.

    Noise: a person listed twice identically (used once), a person listed twice with
    different contents (neither is used), a role the policy does not know, a unit or an
    overseen unit the roster does not define. (Draw histories from the clean roster first:
    :func:`tanxin_rules.testing.histories` expects unique person ids.)
    """
    people = list(roster.people)
    if not people:
        return roster
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["same", "different", "role", "unit", "oversees"]))
        i = draw(st.integers(0, len(people) - 1))
        person = people[i]
        if kind == "same":
            people.insert(draw(st.integers(0, len(people))), person)
        elif kind == "different":
            people.append(person.model_copy(update={"name": person.name + "二"}))
        elif kind == "role":
            roles = [*person.roles, RoleHolding(role="no_such_role")]
            people[i] = person.model_copy(update={"roles": roles})
        elif kind == "unit":
            people[i] = person.model_copy(update={"unit": "no_such_unit"})
        else:
            people[i] = person.model_copy(update={"oversees": [*person.oversees, "nowhere"]})
    return roster.model_copy(update={"people": people})


@st.composite
def messy_histories(
    draw: st.DrawFn,
    roster: Roster,
    policy: Policy,
    start: date,
    end: date,
    *,
    max_talks: int = 24,
    noise: int = 4,
    base: History | None = None,
) -> History:
    """A history from :func:`tanxin_rules.testing.histories` plus up to ``noise`` bad records.

    Noise: an identical duplicate talk or event, a duplicate id with other contents, a talk
    naming someone not on the roster, a talk listing one person twice, a one-to-one record with
    three people and a collective one with two, an initiator or reply requester who is not a
    participant, an answered event that does not exist, an event of an unknown kind or about
    an unknown person, a meeting of an unknown kind.
    """
    history = base or draw(
        histories(roster, policy, start - MARGIN, end + MARGIN, max_talks=max_talks,
                  max_events=6, max_meetings=3)
    )  # fmt: skip
    talks, events, meetings = list(history.talks), list(history.events), list(history.meetings)
    people = sorted({p.id for p in roster.people})
    on = dates(start - MARGIN, end + MARGIN)
    kinds = [
        "talk_copy", "talk_clash", "ghost", "repeated", "wide_individual", "narrow_collective",
        "outsider", "event_copy", "event_clash", "event_kind", "event_person", "meeting_kind",
    ]  # fmt: skip
    for n in range(draw(st.integers(0, noise))):
        kind = draw(st.sampled_from(kinds))
        rid = f"x{n + 1}"
        if kind in ("talk_copy", "talk_clash") and talks:
            talk = draw(st.sampled_from(talks))
            if kind == "talk_clash":
                talk = talk.model_copy(update={"date": talk.date + timedelta(days=1)})
            talks.insert(draw(st.integers(0, len(talks))), talk)
        elif kind == "ghost":
            talks.append(_ghost_talk(draw, rid, people, draw(on)))
        elif kind == "repeated":
            one = draw(st.sampled_from(people))
            talks.append(Talk(id=rid, date=draw(on), participants=[one, one]))
        elif kind == "wide_individual" and len(people) >= 3:
            who = draw(st.lists(st.sampled_from(people), min_size=3, max_size=3, unique=True))
            talks.append(Talk(id=rid, date=draw(on), participants=who, mode="individual"))
        elif kind == "narrow_collective" and len(people) >= 2:
            who = draw(st.lists(st.sampled_from(people), min_size=2, max_size=2, unique=True))
            minute = draw(st.integers(8 * 60, 20 * 60))
            talks.append(
                Talk(id=rid, date=draw(on), participants=who, mode="collective",
                     time=time(minute // 60, minute % 60), reason="臨時")
            )  # fmt: skip
        elif kind == "outsider" and len(people) >= 2:
            who = draw(st.lists(st.sampled_from(people), min_size=2, max_size=2, unique=True))
            request = ReplyRequest(id=f"{rid}-r1", matter="m", requested_by="ghost")
            talks.append(
                Talk(id=rid, date=draw(on), participants=who, initiator="ghost",
                     answers_event="no_such_event", reply_requests=[request])
            )  # fmt: skip
        elif kind in ("event_copy", "event_clash") and events:
            event = draw(st.sampled_from(events))
            if kind == "event_clash":
                event = event.model_copy(update={"date": event.date + timedelta(days=2)})
            events.insert(draw(st.integers(0, len(events))), event)
        elif kind == "event_kind":
            events.append(
                Event(id=rid, kind="no_such_kind", person=draw(st.sampled_from(people)),
                      date=draw(on))
            )  # fmt: skip
        elif kind == "event_person" and policy.event_kinds:
            kind_id = draw(st.sampled_from([k.id for k in policy.event_kinds]))
            events.append(Event(id=rid, kind=kind_id, person="ghost", date=draw(on)))
        elif kind == "meeting_kind":
            meetings.append(Meeting(id=rid, kind="no_such_meeting", date=draw(on)))
    return History(talks=talks, events=events, meetings=meetings)


# --------------------------------------------------------------------------- dense data


def _maybe(draw: st.DrawFn, low: date, high: date, chance: int) -> date | None:
    """A day in ``low``…``high`` one time in ``chance``, else None."""
    if draw(st.integers(0, chance - 1)):
        return None
    return low + timedelta(days=draw(st.integers(0, (high - low).days)))


@st.composite
def dense_rosters(
    draw: st.DrawFn, policy: Policy, max_people: int = 7, bureau: bool | None = None
) -> Roster:
    """A small organisation where most rules bite: one or two units, one Party branch, people
    holding one or two roles mostly for the whole period (sometimes appointed or leaving in
    it), leaders overseeing the units, dates of joining the Party and of appointment spread
    over the years before, so that anniversaries fall in the period. A ``bureau`` roster (one
    in three unless told) puts each person in hospital ``h1``, ``h2`` or none, so that
    ``same_organisation`` both holds and fails.
    """
    units = [Unit(id=f"u{i + 1}", name=f"科{i + 1}") for i in range(draw(st.integers(1, 2)))]
    branch = Branch(id="b1", name="第一支部")
    roles = [r.id for r in policy.roles]
    # the first people often head a branch or a unit: most chains and relations need one
    heads = [
        draw(st.sampled_from(ids))
        for ids in ([r.id for r in policy.roles if r.heads == kind] for kind in ("branch", "unit"))
        if ids
    ]
    branch_heads = {r.id for r in policy.roles if r.heads == "branch"}
    if bureau is None:
        bureau = draw(st.integers(0, 2)) == 0
    people: list[Person] = []
    for i in range(draw(st.integers(2, max_people))):
        holdings = []
        chosen = draw(st.lists(st.sampled_from(roles), max_size=2, unique=True))
        if i < len(heads) and draw(st.booleans()):
            chosen = [heads[i], *(r for r in chosen if r != heads[i])]
        for role in chosen:
            since = _maybe(draw, ROSTER_FROM, ROSTER_TO, 4)
            until = _maybe(draw, since or ROSTER_FROM, ROSTER_TO, 4)
            holdings.append(RoleHolding(role=role, since=since, until=until))
        # whoever holds a role heading a branch is a Party member of it (a branch secretary
        # outside any branch would leave every heads_branch rule with no one to answer)
        leads = any(h.role in branch_heads for h in holdings)
        member = leads or draw(st.integers(0, 4)) < 3
        unit = draw(st.sampled_from(units)).id
        people.append(
            Person(
                id=f"p{i + 1}",
                name=f"人{i + 1}",
                roles=holdings,
                unit=unit,
                branch="b1" if leads or (member and draw(st.integers(0, 4))) else None,
                organisation=draw(st.sampled_from([None, "h1", "h2"])) if bureau else None,
                oversees=[u.id for u in units if draw(st.booleans())],
                party_member=member,
                party_joined=_maybe(draw, date(2012, 1, 1), date(2026, 6, 30), 1)
                if member
                else None,
                hired=_maybe(draw, ROSTER_FROM, ROSTER_TO, 5),
                left=_maybe(draw, date(2024, 6, 1), ROSTER_TO, 5),
                born=_maybe(draw, date(1960, 1, 1), date(2000, 12, 31), 2),
                appointed=_maybe(draw, date(2016, 1, 1), date(2026, 6, 30), 1),
            )
        )
    return Roster(units=units, branches=[branch], people=people)


@st.composite
def dense_histories(
    draw: st.DrawFn, roster: Roster, policy: Policy, start: date, end: date, max_talks: int = 30
) -> History:
    """Talks aimed where obligations are: slot days, meeting windows, just after events,
    between any two people of a small roster, at times around the slots' parts of the day."""
    people = [p.id for p in roster.people]
    low, high = start - MARGIN, end + MARGIN
    around = st.integers(0, (high - low).days).map(lambda n: low + timedelta(days=n))
    organisations = sorted({p.organisation for p in roster.people if p.organisation})
    branches = sorted({p.branch for p in roster.people if p.branch})
    meetings = [
        Meeting(id=f"m{i + 1}", kind=draw(st.sampled_from([k.id for k in policy.meeting_kinds])),
                date=draw(around),
                # some meetings are one hospital's or one branch's own (and some name one the
                # roster does not hold)
                organisation=draw(st.sampled_from([None, None, *organisations, "h9"])),
                branch=draw(st.sampled_from([None, None, None, *branches])))
        for i in range(draw(st.integers(0, 3) if policy.meeting_kinds else st.just(0)))
    ]  # fmt: skip
    events: list[Event] = []
    for i in range(draw(st.integers(0, 5)) if policy.event_kinds else 0):
        kind = draw(st.sampled_from(policy.event_kinds))
        person = draw(st.sampled_from(people))
        day = draw(around)
        counterpart = agreed = None
        if kind.has_counterpart and draw(st.booleans()):
            counterpart = draw(st.sampled_from(people))
            agreed = _maybe(draw, day, day + timedelta(days=20), 2)
        events.append(Event(id=f"e{i + 1}", kind=kind.id, person=person, date=day,
                            counterpart=counterpart, agreed_date=agreed))  # fmt: skip
    slot_days = sorted(
        {
            s.day
            for r in policy.rules
            if isinstance(r, SlotRule)
            for s in slots(policy, r, low, high)
        }
    )
    anchors = [m.date - timedelta(days=k) for m in meetings for k in (1, 5, 14)]
    anchors += [e.date + timedelta(days=k) for e in events for k in (0, 2, 6)]
    talks: list[Talk] = []
    for i in range(draw(st.integers(0, max_talks))):
        where = draw(st.integers(0, 3))
        if where == 1 and slot_days:
            day = draw(st.sampled_from(slot_days))
        elif where == 2 and anchors:
            day = draw(st.sampled_from(anchors))
        else:
            day = draw(around)
        size = 2 if draw(st.integers(0, 4)) else draw(st.integers(3, 4))
        size = min(size, len(people))
        who = draw(st.lists(st.sampled_from(people), min_size=size, max_size=size, unique=True))
        collective = size > 2
        if draw(st.integers(0, 9)) == 0:
            collective = not collective  # a record whose mode does not match its size
        clock = None
        if draw(st.integers(0, 2)):
            minute = draw(st.integers(8 * 60, 21 * 60 + 30))
            clock = time(minute // 60, minute % 60)
        requests = [
            ReplyRequest(
                id=f"t{i + 1}-r{j + 1}",
                matter="回覆",
                requested_by=draw(st.sampled_from(who)),
                replied_on=_maybe(draw, day, day + timedelta(days=30), 2),
            )
            for j in range(draw(st.integers(0, 1)))
        ]
        talks.append(
            Talk(
                id=f"t{i + 1}",
                date=day,
                time=clock,
                participants=who,
                mode="collective" if collective else "individual",
                initiator=draw(st.none() | st.sampled_from(who)),
                topics=draw(st.lists(st.sampled_from([t.id for t in policy.topics]), max_size=1))
                if policy.topics
                else [],
                reason="特殊情況" if collective and draw(st.booleans()) else None,
                reply_requests=requests,
            )
        )
    return History(talks=talks, events=events, meetings=meetings)


@dataclass(frozen=True)
class Case:
    """One evaluation's inputs."""

    roster: Roster
    history: History
    start: date
    end: date
    as_of: date
    holidays: HolidayCalendar | None

    @property
    def period(self) -> tuple[date, date]:
        """``(start, end)``."""
        return self.start, self.end


def cases(
    policy: Policy,
    *,
    max_people: int = 8,
    max_talks: int = 24,
    noise: int = 4,
    calendars: bool = True,
    bureau: bool = False,
) -> st.SearchStrategy[Case]:
    """A small messy organisation, a history around an evaluation window, maybe holidays.

    ``bureau``: always a dense roster of several hospitals (``organisation``), to test
    ``same_organisation``; otherwise some rosters are.
    """

    def build(draw: st.DrawFn) -> Case:
        start, end, as_of = draw(evaluation_windows())
        if bureau or draw(st.integers(0, 2)):
            clean = draw(dense_rosters(policy, max_people=max_people, bureau=bureau or None))
            base = draw(dense_histories(clean, policy, start, end, max_talks=max_talks))
        else:
            clean = draw(
                rosters(policy, min_people=2, max_people=max_people, min_date=ROSTER_FROM,
                        max_date=ROSTER_TO)
            )  # fmt: skip
            base = None
        history = draw(
            messy_histories(clean, policy, start, end, max_talks=max_talks, noise=noise,
                            base=base)
        )  # fmt: skip
        roster = draw(messy_rosters(clean))
        holidays = draw(st.none() | covering_calendars(start, end)) if calendars else None
        return Case(roster, history, start, end, as_of, holidays)

    build.__name__ = build.__qualname__ = f"cases_{policy.id}"
    return st.composite(build)()


# --------------------------------------------------------------------------- shuffling


def _permuted(rng: random.Random, items: list[_T]) -> list[_T]:
    out = list(items)
    rng.shuffle(out)
    return out


def shuffled(roster: Roster, history: History, rng: random.Random) -> tuple[Roster, History]:
    """The same records in another order: units, branches, people, their roles and oversight,
    talks, their participants, topics and reply requests, events and meetings.

    Records sharing an id are reordered inside alike (one seed per id), so that two identical
    copies stay identical and two different copies stay different.
    """
    seeds: dict[tuple[str, str], int] = {}

    def inner(kind: str, rid: str, salt: int) -> random.Random:
        if (kind, rid) not in seeds:
            seeds[(kind, rid)] = rng.getrandbits(32)
        return random.Random(seeds[(kind, rid)] * 8 + salt)

    people = [
        person.model_copy(
            update={
                "roles": _permuted(inner("person", person.id, 0), list(person.roles)),
                "oversees": _permuted(inner("person", person.id, 1), list(person.oversees)),
            }
        )
        for person in roster.people
    ]
    talks = [
        talk.model_copy(
            update={
                "participants": _permuted(inner("talk", talk.id, 0), list(talk.participants)),
                "topics": _permuted(inner("talk", talk.id, 1), list(talk.topics)),
                "reply_requests": _permuted(inner("talk", talk.id, 2), list(talk.reply_requests)),
            }
        )
        for talk in history.talks
    ]
    new_roster = roster.model_copy(
        update={
            "people": _permuted(rng, people),
            "units": _permuted(rng, list(roster.units)),
            "branches": _permuted(rng, list(roster.branches)),
        }
    )
    new_history = history.model_copy(
        update={
            "talks": _permuted(rng, talks),
            "events": _permuted(rng, list(history.events)),
            "meetings": _permuted(rng, list(history.meetings)),
        }
    )
    return new_roster, new_history
