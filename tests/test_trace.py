"""The traceability matrix: source clause → encoding."""

from __future__ import annotations

from pathlib import Path

from tanxin_rules import load_policy, trace

ROOT = Path(__file__).resolve().parent.parent
HUIMIN = ROOT / "policies" / "huimin_2015.yaml"
ALL_CLAUSES = [
    "P",
    "1.1",
    "1.2",
    "1.3",
    "1.4",
    "1.5",
    "2.1",
    "2.2",
    "2.3",
    "2.4",
    "2.5",
    "2.6",
    "3.1",
    "3.2",
    "3.3",
    "4.1",
    "4.2",
    "4.3",
    "4.4",
    "4.5",
    "4.6",
    "4.7",
]


def test_huimin_trace_lists_all_22_clauses_none_unencoded() -> None:
    """Every clause ID of the source appears, in order, and none is unencoded."""
    matrix = trace(load_policy(HUIMIN))
    assert [c.clause for c in matrix.clauses] == ALL_CLAUSES
    assert matrix.unencoded == []
    assert all(c.items for c in matrix.clauses)


def test_huimin_statuses() -> None:
    """Clauses with checkable rules are evaluated; principle clauses are descriptive."""
    matrix = {c.clause: c for c in trace(load_policy(HUIMIN)).clauses}
    for clause in ("3.1", "3.2", "3.3", "4.4", "4.5", "4.6", "4.7", "2.2", "2.3", "2.4"):
        assert matrix[clause].status == "evaluated", clause
    for clause in ("P", "1.1", "1.2", "1.3", "1.4", "4.2", "4.3"):
        assert matrix[clause].status == "descriptive", clause
    assert matrix["1.5"].status == "advisory"
    assert matrix["2.1"].status == "advisory"  # its scope only classifies talks
    assert matrix["4.1"].status == "advisory"


def test_every_part_of_a_clause_is_cited() -> None:
    """3.1a–c and 4.5a–g each have their own rule."""
    matrix = {c.clause: c for c in trace(load_policy(HUIMIN)).clauses}
    assert {i.cites for i in matrix["3.1"].items} == {"3.1a", "3.1b", "3.1c"}
    assert {i.cites for i in matrix["4.5"].items} == {f"4.5{x}" for x in "abcdefg"}


def test_missing_part_is_reported() -> None:
    """Deleting the rule for 4.5d leaves part d of 4.5 unencoded."""
    text = HUIMIN.read_text(encoding="utf-8")
    start = text.index("  - id: family_talk")
    end = text.index("  - id: conduct_talk")
    matrix = trace(load_policy(text=text[:start] + text[end:]))
    assert matrix.unencoded == ["4.5d"]


def test_interpretations_are_attached_to_their_clause() -> None:
    """Parameters marked as interpretations appear under the clause they interpret."""
    matrix = {c.clause: c for c in trace(load_policy(HUIMIN)).clauses}
    assert "meeting_day_in_window" in matrix["3.1"].interpretations
    assert "monthly_slot_on_non_working_day" in matrix["3.2"].interpretations
    assert "quarterly_slot_on_non_working_day" in matrix["3.3"].interpretations


def test_shared_interpretations_appear_under_every_clause_they_shape() -> None:
    """A parameter defining a group (rank and file) is listed under each clause using it."""
    matrix = {c.clause: c for c in trace(load_policy(HUIMIN)).clauses}
    for clause in ("2.5", "3.2", "3.3"):
        assert "rank_and_file_members" in matrix[clause].interpretations, clause
    assert "slot_owed_by" in matrix["3.3"].interpretations
    assert "fixed_time_level" in matrix["3.1"].interpretations
    assert "prompt_deadline" in matrix["4.5"].interpretations
