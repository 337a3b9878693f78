"""Properties of evaluation that hold for every input (issue 4, issue 6 item 5).

- **Monotonicity**: adding a talk never turns a ``met`` obligation unmet.
- **Determinism and order independence**: the same records in any order (people, their roles,
  talks, participants, topics, reply requests, events, meetings, units, branches) give a
  byte-identical JSON report, and evaluating twice gives the same report.
- **Conservation** (nothing vanishes): every talk record is used (in some ``satisfied_by``),
  flagged (a finding about it) or counted in ``summary.talks_unmatched`` — and an unmatched
  talk really is valid, in the period and in scope; every event has an obligation derived from
  it, a finding, or lies outside the period; every reply request of a usable talk in the
  period has its obligation; every person record is on the roster the engine used or flagged;
  and the summary's counts add up.

Inputs are drawn by ``tests/strategies.py``: small messy organisations (duplicates, unknown
people, foreign vocabulary) for the Huimin policy and the two example policies.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import Reference
from strategies import MARGIN, Case, cases, shuffled
from tanxin_rules import (
    FollowUpRule,
    History,
    Policy,
    Report,
    Roster,
    Talk,
    TriggerRule,
    evaluate,
    load_policy,
)
from tanxin_rules._policy import RollingPeriod

ROOT = Path(__file__).resolve().parent.parent
POLICIES = {
    "huimin": load_policy(ROOT / "policies" / "huimin_2015.yaml"),
    "county": load_policy(ROOT / "policies" / "examples" / "county_bureau_2021.yaml"),
    "university": load_policy(ROOT / "policies" / "examples" / "university_college_2019.yaml"),
}
NAMES = sorted(POLICIES)


def bounded(n: int) -> settings:
    """``n`` examples under the everyday profiles; the fuzz profile's own (larger) number."""
    current = settings().max_examples
    return settings(max_examples=current if current > 1000 else min(n, current))


def run(policy: Policy, case: Case, history: History | None = None) -> Report:
    """Evaluate one case (optionally with another history)."""
    return evaluate(
        policy,
        case.roster,
        history if history is not None else case.history,
        case.period,
        case.as_of,
        case.holidays,
    )


def all_cases(draw: st.DataObject, name: str) -> tuple[Policy, Case]:
    """The policy named, and a case for it."""
    policy = POLICIES[name]
    return policy, draw.draw(cases(policy), label="case")


# --------------------------------------------------------------------------- (a) monotonicity


@st.composite
def extra_talks(draw: st.DrawFn, case: Case) -> Talk:
    """One more talk between people of the roster, dated around the period, any mode."""
    people = sorted({p.id for p in case.roster.people})
    size = draw(st.sampled_from([2, 2, 2, 3]))
    size = min(size, len(people))
    who = draw(st.lists(st.sampled_from(people), min_size=size, max_size=size, unique=True))
    if len(who) < 2:
        who = [*who, who[0]]
    low = case.start - MARGIN
    day = low + timedelta(days=draw(st.integers(0, (case.end - case.start + 2 * MARGIN).days)))
    clock = draw(st.none() | st.integers(8 * 60, 21 * 60).map(lambda m: time(m // 60, m % 60)))
    return Talk(
        id="added-talk",
        date=day,
        time=clock,
        participants=who,
        mode="collective" if len(set(who)) > 2 else "individual",
        reason="特殊情況" if draw(st.booleans()) else None,
    )


@bounded(25)
@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_adding_a_talk_never_unmeets_an_obligation(name: str, data: st.DataObject) -> None:
    """A met obligation stays met when one more talk is recorded; none but rolling chains
    (whose windows move with the talks) and new reply requests appear or disappear."""
    policy, case = all_cases(data, name)
    extra = data.draw(extra_talks(case), label="extra")
    before = run(policy, case)
    after = run(
        policy, case, case.history.model_copy(update={"talks": [*case.history.talks, extra]})
    )
    rolling = {r.id for r in policy.rules if isinstance(getattr(r, "period", None), RollingPeriod)}
    now = {o.id: o for o in after.obligations}
    for ob in before.obligations:
        if ob.rule in rolling:
            if ob.id in now and ob.status == "met":
                assert now[ob.id].status == "met", ob.id
            continue
        assert ob.id in now, f"{ob.id} disappeared when talk {extra} was added"
        if ob.status == "met":
            assert now[ob.id].status == "met", f"{ob.id} is no longer met after adding {extra}"
            assert set(ob.satisfied_by) <= set(now[ob.id].satisfied_by) or ob.kind == "coverage"


# --------------------------------------------------------------------------- (b) order


@bounded(25)
@pytest.mark.parametrize("name", NAMES)
@given(data=st.data(), rng=st.randoms(use_true_random=False))
def test_shuffled_input_gives_a_byte_identical_report(
    name: str, data: st.DataObject, rng: random.Random
) -> None:
    """The same records in another order give the same JSON report, byte for byte."""
    policy, case = all_cases(data, name)
    expected = run(policy, case).model_dump_json()
    roster, history = shuffled(case.roster, case.history, rng)
    report = evaluate(policy, roster, history, case.period, case.as_of, case.holidays)
    if report.model_dump_json() != expected:
        got = report.model_dump(mode="json")
        want = run(policy, case).model_dump(mode="json")
        diffs = [k for k in want if got[k] != want[k]]
        pytest.fail(f"shuffled input changed the report in {diffs}")


@bounded(15)
@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_evaluation_is_deterministic_and_leaves_its_inputs_alone(
    name: str, data: st.DataObject
) -> None:
    """Evaluating twice gives the same bytes; the roster and history are not modified."""
    policy, case = all_cases(data, name)
    roster_before = case.roster.model_dump_json()
    history_before = case.history.model_dump_json()
    first = run(policy, case).model_dump_json()
    assert run(policy, case).model_dump_json() == first
    assert case.roster.model_dump_json() == roster_before
    assert case.history.model_dump_json() == history_before


# --------------------------------------------------------------------------- (c) conservation


def _obligation_of(ob_id: str, rule: str, record: str) -> bool:
    """Whether an obligation id derives from a record: ``rule:record`` or ``rule:record:…``
    (the engine's stable ids for trigger and follow-up obligations)."""
    return ob_id == f"{rule}:{record}" or ob_id.startswith(f"{rule}:{record}:")


def check_talks(policy: Policy, case: Case, report: Report) -> None:
    """Every talk record is used, flagged or counted as unmatched — and unmatched means
    valid, inside the period and in scope; the talk counts add up."""
    s = report.summary
    records = case.history.talks
    ids = {t.id for t in records}
    follow_ups = {r.id for r in policy.rules if isinstance(r, FollowUpRule)}
    used = {tid for o in report.obligations if o.rule not in follow_ups for tid in o.satisfied_by}
    assert used <= ids, "satisfied_by names a talk that was not given"
    flagged = {f.record for f in report.findings if f.record_kind == "talk"} & ids
    unmatched = ids - used - flagged
    assert s.talks == len(records)
    assert s.talks_used == len(used)
    assert s.talks_flagged == len(flagged)
    assert s.talks_unmatched == len(unmatched)
    copies = len(records) - len(ids)
    assert s.talks == s.talks_used + len(flagged - used) + s.talks_unmatched + copies
    counts = Counter(t.id for t in records)
    for tid, n in counts.items():
        if n > 1:
            dup = {f.code for f in report.findings if f.record == tid and f.record_kind == "talk"}
            assert dup & {"duplicate-id", "duplicate-record"}, tid
    # an error about a talk means it was not used
    errors = {
        f.record for f in report.findings if f.record_kind == "talk" and f.severity == "error"
    }
    future = {f.record for f in report.findings if f.code == "future-talk"}
    assert not (errors | future) & used, "a talk that was refused or is in the future was used"
    # "talks_unmatched: valid, in scope, inside the period, but no obligation needed them"
    ref = Reference(policy, case.roster, case.history, case.period, case.as_of, case.holidays)
    usable = {e.talk.id: e for e in ref.talks}
    for tid in unmatched:
        assert tid in usable, f"talk {tid} is neither used nor flagged but is not usable"
        entry = usable[tid]
        assert case.start <= entry.talk.date <= case.end, f"talk {tid} outside the period"
        pairs = [(a, b) for a in entry.people for b in entry.people if a != b]
        assert any(
            ref.ordered_pair(scope, a, b, entry.talk.date)
            for scope in policy.scopes
            for a, b in pairs
        ), f"talk {tid} is in no scope, yet has no out-of-scope finding"


def check_events(policy: Policy, case: Case, report: Report) -> None:
    """Every event has an obligation derived from it, a finding, or lies outside the period."""
    s = report.summary
    records = case.history.events
    ids = {e.id for e in records}
    triggers = [r.id for r in policy.rules if isinstance(r, TriggerRule)]
    used = {
        eid
        for eid in ids
        for o in report.obligations
        if o.rule in triggers and _obligation_of(o.id, o.rule, eid)
    }
    flagged = {f.record for f in report.findings if f.record_kind == "event"} & ids
    assert s.events == len(records)
    assert s.events_used == len(used)
    assert s.events_flagged == len(flagged)
    for event in records:
        if event.id in used | flagged:
            continue
        assert not case.start <= event.date <= case.end, (
            f"event {event.id} ({event.kind}, {event.date}) vanished: no obligation, no finding"
        )


def check_reply_requests(policy: Policy, case: Case, report: Report) -> None:
    """Each reply request of a usable talk in the period has its follow-up obligation."""
    s = report.summary
    assert s.reply_requests == sum(len(t.reply_requests) for t in case.history.talks)
    rules = [r.id for r in policy.rules if isinstance(r, FollowUpRule)]
    if not rules:
        return
    ref = Reference(policy, case.roster, case.history, case.period, case.as_of, case.holidays)
    owed = Counter(
        request.id
        for entry in ref.talks
        if case.start <= entry.talk.date <= case.end
        for request in entry.talk.reply_requests
    )
    have = Counter(o.id.split(":", 1)[1] for o in report.obligations if o.rule in rules)
    assert have == Counter({rid: n * len(rules) for rid, n in owed.items()})
    flagged = {f.record for f in report.findings if f.record_kind == "talk"}
    for talk in case.history.talks:
        if (
            talk.reply_requests
            and talk.id not in flagged
            and talk.id not in {e.talk.id for e in ref.talks}
        ):
            pytest.fail(f"talk {talk.id} is unusable without a finding")


def check_people(case: Case, report: Report) -> None:
    """Every person record is on the evaluated roster or carries a duplicate-id finding."""
    s = report.summary
    records = case.roster.people
    ids = {p.id for p in records}
    refused = {
        f.record for f in report.findings if f.record_kind == "person" and f.code == "duplicate-id"
    }
    assert s.people == len(ids - refused)
    assert s.people_flagged == len({f.record for f in report.findings if f.record_kind == "person"})
    for pid, n in Counter(p.id for p in records).items():
        if n > 1:
            codes = {
                f.code for f in report.findings if f.record == pid and f.record_kind == "person"
            }
            assert codes & {"duplicate-id", "duplicate-record"}, pid


def check_summary(report: Report) -> None:
    """Totals, per-rule and per-person counts, rates and to-do lists agree with obligations."""
    s = report.summary
    obs = report.obligations
    status = Counter(o.status for o in obs)
    assert (s.obligations, s.met, s.pending, s.overdue) == (
        len(obs), status["met"], status["pending"], status["overdue"],
    )  # fmt: skip
    done = s.met + s.overdue
    assert s.rate == (round(s.met / done, 4) if done else None)
    for row in s.by_rule:
        mine = Counter(o.status for o in obs if o.rule == row.rule)
        assert (row.met, row.pending, row.overdue) == (
            mine["met"],
            mine["pending"],
            mine["overdue"],
        )
    assert sum(r.met + r.pending + r.overdue for r in s.by_rule) == len(obs)
    for person in s.by_person:
        mine = Counter(o.status for o in obs if person.person in o.responsible)
        assert (person.met, person.pending, person.overdue) == (
            mine["met"],
            mine["pending"],
            mine["overdue"],
        )
    assert {r.person for r in s.by_person} == {p for o in obs for p in o.responsible}
    todo = {(t.person, i.obligation) for t in report.todo for i in t.items}
    owed = {
        (p, o.id) for o in obs if o.status != "met" and o.done_late is None for p in o.responsible
    }
    assert all(o.status == "overdue" for o in obs if o.done_late is not None)
    assert todo == owed
    for t in report.todo:
        assert [i.due for i in t.items] == sorted(i.due for i in t.items)
    assert len({o.id for o in obs}) == len(obs), "obligation ids are not unique"


@bounded(30)
@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_nothing_vanishes(name: str, data: st.DataObject) -> None:
    """Conservation: every talk, event, reply request and person is accounted for, and the
    summary adds up."""
    policy, case = all_cases(data, name)
    report = run(policy, case)
    check_talks(policy, case, report)
    check_events(policy, case, report)
    check_reply_requests(policy, case, report)
    check_people(case, report)
    check_summary(report)


def test_conservation_on_a_hand_made_history() -> None:
    """The checks themselves catch what they claim to: a talk of each fate, one of each."""
    policy = POLICIES["huimin"]
    roster = Roster.model_validate(
        {
            "people": [
                {"id": "sec", "name": "S", "roles": [{"role": "party_secretary"}]},
                {"id": "vp", "name": "V", "roles": [{"role": "vice_president"}]},
                {"id": "n1", "name": "N1", "unit": "a"},
                {"id": "n2", "name": "N2", "unit": "b"},
            ]
        }
    )
    history = History.model_validate(
        {
            "talks": [
                {
                    "id": "used",
                    "date": "2025-03-02",
                    "participants": ["sec", "vp"],
                    "topics": ["clean_government"],
                },
                {
                    "id": "second",
                    "date": "2025-03-09",
                    "participants": ["sec", "vp"],
                    "topics": ["clean_government"],
                },
                {"id": "ghost", "date": "2025-03-02", "participants": ["sec", "nobody"]},
                {"id": "apart", "date": "2025-03-02", "participants": ["n1", "n2"]},
                {"id": "old", "date": "2024-03-02", "participants": ["sec", "vp"]},
            ]
        }
    )
    case = Case(roster, history, date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 15), None)
    report = run(policy, case)
    check_talks(policy, case, report)
    check_summary(report)
    s = report.summary
    assert (s.talks, s.talks_used, s.talks_flagged, s.talks_unmatched) == (5, 2, 3, 0)
