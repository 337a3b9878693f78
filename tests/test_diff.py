"""Impact diff: two versions of a policy on the bundled example, against hand-computed changes.

The expected obligation changes below are worked out from the example's records and the
holiday calendar, not by running the engine:

*reply_deadline 10 → 5 working days.* The history has three reply requests. T0192 (Thursday
17 April 2025, L04 with S062) asked for R001 (answered 25 April) and R002 (answered 30 May).
Ten working days after 17 April, with Sunday 27 April a make-up working day for Labour Day,
end on Wednesday 30 April; five end on Thursday 24 April. So R001 goes from met to overdue
(answered a day late) and R002 stays overdue with its due date moved from 30 to 24 April.
T0193 (Thursday 6 November, L05 with S070) asked for R003, never answered: due Thursday
20 November with ten working days, Thursday 13 November with five; overdue either way.
Nothing else in the policy uses the parameter, so no other obligation changes.

*requested_talk removed.* The only event of kind talk_requested is E008 (S007, 22 December),
so exactly one obligation goes: requested_talk:E008, which was overdue.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from tanxin_rules import (
    PolicyDiff,
    diff_policies,
    load_history,
    load_holidays,
    load_policy,
    load_roster,
    policy_changes,
)
from tanxin_rules._cli import main

ROOT = Path(__file__).resolve().parent.parent
HUIMIN = ROOT / "policies" / "huimin_2015.yaml"
EXAMPLE = ROOT / "examples" / "huimin"
HOLIDAYS = ROOT / "examples" / "holidays" / "cn_2025_2026.yaml"
DATA = (
    "--roster", str(EXAMPLE / "roster.yaml"), "--history", str(EXAMPLE / "history.yaml"),
    "--holidays", str(HOLIDAYS), "--year", "2025", "--as-of", "2026-01-15",
)  # fmt: skip

REPLY_10 = (
    "    value: {days: 10, count: working}\n"
    "    alternatives: [{days: 5, count: working}, {days: 15, count: calendar}, {months: 1}]\n"
)
REPLY_5 = (
    "    value: {days: 5, count: working}\n"
    "    alternatives: [{days: 5, count: working}, {days: 15, count: calendar}, {months: 1}]\n"
)


def run(*argv: str | Path) -> tuple[int, str, str]:
    """Run ``main`` in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def edited(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the Huimin policy with one exact text replaced."""
    text = HUIMIN.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "edited.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def impact(new: Path) -> PolicyDiff:
    """The diff of the Huimin policy against ``new`` on the bundled example, via the API."""
    roster = load_roster(EXAMPLE / "roster.yaml")
    history = load_history(EXAMPLE / "history.yaml")
    return diff_policies(
        load_policy(HUIMIN), load_policy(new), roster.value, history.value,
        (date(2025, 1, 1), date(2025, 12, 31)), date(2026, 1, 15), load_holidays(HOLIDAYS),
        findings=[*roster.findings, *history.findings],
    )  # fmt: skip


def test_shorter_reply_deadline_changes_exactly_the_hand_computed_obligations(
    tmp_path: Path,
) -> None:
    """10 → 5 working days: R001 met → overdue; R002, R003 due earlier; nothing else."""
    diff = impact(edited(tmp_path, REPLY_10, REPLY_5))
    assert [(r.rule, r.added, r.removed, r.status_changed, r.changed) for r in diff.rules] == [
        ("written_reply", 0, 0, 1, 2)
    ]
    got = {
        c.id: (c.change, c.old.status, c.new.status, c.old.window.due, c.new.window.due)
        for c in diff.rules[0].changes
        if c.old is not None and c.new is not None
    }
    apr_30, apr_24 = date(2025, 4, 30), date(2025, 4, 24)
    nov_20, nov_13 = date(2025, 11, 20), date(2025, 11, 13)
    assert got == {
        "written_reply:R001": ("status", "met", "overdue", apr_30, apr_24),
        "written_reply:R002": ("changed", "overdue", "overdue", apr_30, apr_24),
        "written_reply:R003": ("changed", "overdue", "overdue", nov_20, nov_13),
    }
    assert diff.rules[0].changes[0].fields == ["status", "window", "satisfied_by"]
    assert (diff.new_totals.met, diff.new_totals.overdue) == (
        diff.old_totals.met - 1,
        diff.old_totals.overdue + 1,
    )
    assert diff.findings == []


def test_reply_deadline_policy_change_is_the_parameter_and_the_rule_using_it(
    tmp_path: Path,
) -> None:
    """The schema-level change: the parameter's value, and the rule whose deadline it sets."""
    diff = impact(edited(tmp_path, REPLY_10, REPLY_5))
    changes = [(c.section, c.id, c.change, [(f.path, f.old, f.new) for f in c.fields])
               for c in diff.policy_changes]  # fmt: skip
    assert changes == [
        ("parameters", "reply_deadline", "changed", [("value.days", 10, 5)]),
        ("rules", "written_reply", "changed", [("deadline.days", 10, 5)]),
    ]


def test_removing_a_rule_removes_its_one_obligation(tmp_path: Path) -> None:
    """Dropping requested_talk removes requested_talk:E008 (the one talk request) and the rule."""
    text = HUIMIN.read_text(encoding="utf-8")
    start = text.index("  - id: requested_talk\n")
    end = text.index("  # 4.6 — ")
    path = tmp_path / "fewer.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    diff = impact(path)
    assert [(c.section, c.id, c.change) for c in diff.policy_changes] == [
        ("rules", "requested_talk", "removed")
    ]
    assert [(c.id, c.change, c.old.status if c.old else None) for r in diff.rules
            for c in r.changes] == [("requested_talk:E008", "removed", "overdue")]  # fmt: skip
    assert diff.new_totals.obligations == diff.old_totals.obligations - 1


def test_identical_policies_have_no_change() -> None:
    """A policy compared with itself: nothing changes, and ``--fail-on-change`` passes."""
    policy = load_policy(HUIMIN)
    assert policy_changes(policy, policy) == []
    code, out, _ = run("diff", HUIMIN, HUIMIN, *DATA, "--fail-on-change")
    assert code == 0
    assert "  none" in out
    assert "  no obligation changes" in out
    assert out.splitlines()[-1] == "0 policy change(s), 0 obligation change(s), 0 finding change(s)"


def test_diff_text_for_reviewers(tmp_path: Path) -> None:
    """The text form lists the policy change, then per rule each obligation change."""
    new = edited(tmp_path, REPLY_10, REPLY_5)
    code, out, err = run("diff", HUIMIN, new, *DATA)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert "  rules.written_reply  changed: deadline.days 10 → 5" in lines
    assert "  written_reply (4.4): 1 status changed, 2 otherwise changed" in lines
    assert (
        "    ~ written_reply:R001  met → overdue  [L04, S062]; due 2025-04-30 → 2025-04-24; "
        "satisfied_by [R001] → []"
    ) in lines
    assert "    · written_reply:R003  overdue  [L05, S070]; due 2025-11-20 → 2025-11-13" in lines


def test_fail_on_change_and_json(tmp_path: Path) -> None:
    """``--fail-on-change`` exits 1 when anything changed; ``--format json`` is the diff."""
    new = edited(tmp_path, REPLY_10, REPLY_5)
    code, out, _ = run("diff", HUIMIN, new, *DATA, "--fail-on-change", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["changed"] is True
    assert [c["id"] for r in data["rules"] for c in r["changes"]] == [
        "written_reply:R001",
        "written_reply:R002",
        "written_reply:R003",
    ]


@pytest.mark.parametrize(
    "argv",
    [
        ("--year", "2025", "--to", "2025-12-31"),
        ("--from", "2025-12-31", "--to", "2025-01-01"),
    ],
)
def test_diff_bad_period_is_a_usage_error(argv: tuple[str, ...]) -> None:
    """Contradictory period options exit 2 with a message."""
    base = ("--roster", str(EXAMPLE / "roster.yaml"), "--history", str(EXAMPLE / "history.yaml"))
    code, _, err = run("diff", HUIMIN, HUIMIN, *base, *argv)
    assert code == 2
    assert "error" in err


def test_diff_of_an_invalid_policy_exits_2(tmp_path: Path) -> None:
    """A new version that does not load is reported, located, with exit 2."""
    bad = edited(tmp_path, "    days_before: 20\n", "    days_before: twenty\n")
    code, out, err = run("diff", HUIMIN, bad, *DATA)
    assert (code, out) == (2, "")
    assert f"{bad}:" in err
