"""Static analysis of policies, alone and against a roster."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tanxin_rules import Roster, load_policy
from tanxin_rules._lint import lint
from tanxin_rules._yaml import read_yaml

ROOT = Path(__file__).resolve().parent.parent
HUIMIN = ROOT / "policies" / "huimin_2015.yaml"


def huimin_text() -> str:
    """The Huimin policy's text."""
    return HUIMIN.read_text(encoding="utf-8")


def codes(text: str) -> dict[str, list[str]]:
    """Lint codes → messages for a policy given as text."""
    out: dict[str, list[str]] = {}
    for problem in lint(load_policy(text=text)):
        out.setdefault(problem.code, []).append(problem.message)
    return out


def test_bundled_policies_lint_clean_at_warning_level() -> None:
    """The bundled policies have no lint warning or error."""
    for path in [HUIMIN, *sorted((ROOT / "policies" / "examples").glob("*.yaml"))]:
        levels = {p.level for p in lint(load_policy(path))}
        assert levels <= {"info"}, path


def test_empty_group_and_never_applying_rule() -> None:
    """A group excluding every role it asks for is empty; rules over it never apply."""
    text = huimin_text().replace(
        "      any_role: [branch_secretary]\n",
        "      any_role: [branch_secretary]\n      no_role: [branch_secretary]\n",
        1,
    )
    found = codes(text)
    assert any("branch_secretaries" in m for m in found["empty-group"])
    assert any("quarterly_slot" in m for m in found["never-applies"])


def test_a_last_layer_of_holders_of_no_leading_role_covers_everyone() -> None:
    """A layer for 'holders of none of these roles' beside layers for the holders of each of
    them covers everyone; with a role no layer is for among them, it does not."""
    roles = "party_secretary, president, deputy_party_secretary, vice_president"
    base = huimin_text().replace(
        "    value: {not_in_group: [leadership_team]}\n",
        f"    value: {{no_role: [{roles}, discipline_secretary, team_member]}}\n",
        1,
    )
    assert "unanswered-trigger" not in codes(base)
    text = base.replace(" team_member]}\n", " team_member, branch_secretary]}\n", 1)
    found = codes(text)
    assert any("career_change_talk" in m for m in found["unanswered-trigger"])


def test_duplicate_and_shadowed_rules() -> None:
    """A copied rule is a duplicate; a monthly must-rule shadows an annual one on its scope."""
    text = huimin_text()
    start = text.index("  - id: team_often\n")
    end = text.index("  # 每月最後一個星期四")
    block = text[start:end]
    copy = block.replace("id: team_often", "id: team_often_again")
    monthly = (
        block.replace("id: team_often", "id: team_monthly")
        .replace("level: {param: often_level}", "level: must")
        .replace("period: {param: often_period}", "period: {kind: calendar, unit: month}")
    )
    found = codes(text[:end] + copy + monthly + text[end:])
    assert any("team_often_again" in m for m in found["duplicate-rule"])
    assert any(
        "'team_often' is implied by rule 'team_monthly'" in m for m in found["shadowed-rule"]
    )


def test_unused_parameter_and_unencoded_clause() -> None:
    """A parameter nobody uses and a clause nothing encodes are reported."""
    text = huimin_text().replace(
        "parameters:\n",
        "parameters:\n  - id: spare\n    label: {zh: 備, en: spare}\n    value: 1\n"
        "    interpretation: false\n",
        1,
    )
    start = text.index("  - id: prepare\n")
    end = text.index("  - id: manner_of_talk\n")
    found = codes(text[:start] + text[end:])
    assert found["unused-parameter"] == ["parameter 'spare' is never used"]
    assert any("clause 4.2" in m for m in found["unencoded-clause"])


def test_trigger_with_no_chain_entry_for_its_subjects() -> None:
    """A chain-answered trigger whose subjects no chain entry covers is flagged."""
    text = huimin_text().replace(
        "      subjects: section_staff\n      answerable: section_directors\n",
        "      subjects: party_members\n      answerable: section_directors\n",
        1,
    )
    found = codes(text)
    assert any("career_change_talk" in m for m in found["unanswered-trigger"])


def test_a_last_layer_of_everyone_else_covers_everyone() -> None:
    """Huimin's last 4.7 layer is everyone not in the leadership team, whom the first layer
    covers: together everyone is covered. Without the first layer, the team is not."""
    assert "unanswered-trigger" not in codes(huimin_text())
    text = huimin_text().replace(
        "      subjects: leadership_team\n      answerable: principal_leaders\n",
        "      subjects: principal_leaders\n      answerable: principal_leaders\n",
        1,
    )
    found = codes(text)
    assert any("career_change_talk" in m for m in found["unanswered-trigger"])


def test_roster_orphans_cycles_and_empty_groups() -> None:
    """With a roster: people no one answers for, cycles and empty groups."""
    policy = load_policy(HUIMIN)
    roster = Roster.model_validate(
        {
            "units": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
            "people": [
                {"id": "sec", "name": "S", "roles": [{"role": "party_secretary"}]},
                {"id": "pres", "name": "P", "roles": [{"role": "president"}]},
                {"id": "x", "name": "X", "unit": "a", "oversees": ["b"]},
                {"id": "y", "name": "Y", "unit": "b", "oversees": ["a"]},
            ],
        }
    )
    found: dict[str, list[str]] = {}
    for problem in lint(policy, roster, on=date(2026, 1, 5)):
        found.setdefault(problem.code, []).append(problem.message)
    assert any(m.startswith("X (x)") for m in found["orphan"])
    assert any("pres → sec" in m or "sec → pres" in m for m in found["responsibility-cycle"])
    assert found["oversight-cycle"]
    assert any("'branch_secretaries'" in m for m in found["empty-in-roster"])


def test_example_roster_has_no_orphans_mid_year() -> None:
    """The bundled example hospital's chain is complete on 30 June 2025."""
    roster = Roster.model_validate(
        read_yaml((ROOT / "examples" / "huimin" / "roster.yaml").read_bytes()).data
    )
    found = {p.code for p in lint(load_policy(HUIMIN), roster, on=date(2025, 6, 30))}
    assert "orphan" not in found


@pytest.mark.parametrize(
    ("weak", "strong", "at_least", "implied"),
    [
        ("any_overlap", "any_overlap", 1, True),
        ("any_overlap", "at_period_end", 1, False),  # a talk before the appointment counts
        ("any_overlap", "whole_period", 1, False),  # a mid-quarter appointee owes no quarter
        ("at_period_end", "any_overlap", 1, True),
        ("whole_period", "whole_period", 3, True),  # three months make a quarter: 3 talks
        ("whole_period", "any_overlap", 4, False),
        ("any_overlap", "any_overlap", 2, False),  # one month of overlap: one talk is certain
    ],
)
def test_a_finer_rule_shadows_only_when_its_membership_makes_it_certain(
    weak: str, strong: str, at_least: int, implied: bool
) -> None:
    """A monthly rule implies a quarterly one only when whoever owes the quarter is sure to
    have held enough counting talks: membership decides who owes and which talks count."""
    text = huimin_text()
    start = text.index("  - id: team_often\n")
    end = text.index("  # 每月最後一個星期四")
    block = text[start:end]
    quarterly = (
        block.replace("level: {param: often_level}", "level: must")
        .replace("at_least: {param: often_at_least}", f"at_least: {at_least}")
        .replace("membership: {param: mid_period_membership}", f"membership: {weak}")
    )
    monthly = (
        block.replace("id: team_often", "id: team_monthly")
        .replace("level: {param: often_level}", "level: must")
        .replace("at_least: {param: often_at_least}", "at_least: 1")
        .replace("period: {param: often_period}", "period: {kind: calendar, unit: month}")
        .replace("membership: {param: mid_period_membership}", f"membership: {strong}")
    )
    found = codes(text[:start] + quarterly + monthly + text[end:])
    said = any("'team_often' is implied by rule 'team_monthly'" in m
               for m in found.get("shadowed-rule", []))  # fmt: skip
    assert said is implied


def test_relation_that_can_never_hold() -> None:
    """heads_unit from a group excluding every unit-heading role never holds."""
    text = huimin_text().replace(
        "    members: {param: section_director_members}\n",
        "    members:\n      everyone: true\n      no_role: [section_director, department_head]\n",
        1,
    )
    found = codes(text)
    assert any("scope 'section_director_colleagues'" in m for m in found["impossible-relation"])
    assert any("responsibility entry 3" in m for m in found["impossible-relation"])


def test_narrower_window_shadows_a_wider_one() -> None:
    """A must-window inside another on the same scope and meeting implies it."""
    text = huimin_text()
    start = text.index("  - id: pre_meeting_round\n")
    end = text.index("  # 黨委書記、院長每年與班子成員至少談心1次")
    narrow = (
        text[start:end]
        .replace("id: pre_meeting_round", "id: last_week_round")
        .replace("days_before: 20", "days_before: 7")
    )
    found = codes(text[:end] + narrow + text[end:])
    assert found["shadowed-rule"] == [
        "rule 'pre_meeting_round' is implied by rule 'last_week_round' (same scope and meeting, "
        "a window inside its window, enough talks): meeting the latter always meets it"
    ]


def test_trigger_whose_talkers_group_is_empty() -> None:
    """A trigger talked by an empty-by-definition group is unanswered."""
    text = (
        huimin_text()
        .replace(
            "      any_role: [branch_secretary]\n",
            "      any_role: [branch_secretary]\n      no_role: [branch_secretary]\n",
            1,
        )
        .replace(
            "    value: {by: responsibility}\n",
            "    value: {by: group, group: branch_secretaries}\n",
            1,
        )
    )
    found = codes(text)
    assert any(
        "career_change_talk': its talkers' group 'branch_secretaries' is empty" in m
        for m in found["unanswered-trigger"]
    )


def test_self_talk_risk_is_not_hidden_by_same_organisation() -> None:
    """Talkers from the subjects' own group with only same_organisation: any other member of
    the institution discharges the talk, so the risk is still reported."""
    talker = "    value: {by: group, group: cadres, relation: [same_organisation]}\n"
    text = huimin_text().replace("    value: {by: responsibility}\n", talker, 1)
    found = codes(text)
    assert any("career_change_talk" in m for m in found["self-talk-risk"])
    with_unit = talker.replace("[same_organisation]", "[same_organisation, same_unit]")
    found = codes(huimin_text().replace("    value: {by: responsibility}\n", with_unit, 1))
    assert "self-talk-risk" not in found


def test_roster_findings_point_at_the_person_and_rules_with_no_one() -> None:
    """Roster findings about a person carry the roster file and the person's index."""
    policy = load_policy(HUIMIN)
    roster = Roster.model_validate(
        {
            "units": [{"id": "a", "name": "A"}],
            "people": [
                {"id": "sec", "name": "S", "roles": [{"role": "party_secretary"}]},
                {"id": "x", "name": "X", "unit": "a"},
            ],
        }
    )
    found = lint(policy, roster, on=date(2025, 6, 30), file="p.yaml", roster_file="r.yaml")
    orphans = {p.message.split(" ", 1)[0]: p for p in found if p.code == "orphan"}
    assert (orphans["X"].file, orphans["X"].path) == ("r.yaml", ("people", 1))
    never = [p.message for p in found if p.code == "never-applies-in-roster"]
    assert any("rule 'quarterly_slot'" in m and "'branch_secretaries'" in m for m in never)


def test_every_code_is_documented() -> None:
    """Each lint code is in LINT_CODES (for SARIF) and in the docs/ci.md table."""
    from tanxin_rules._lint import LINT_CODES  # noqa: PLC0415

    table = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    source = (ROOT / "src" / "tanxin_rules" / "_lint.py").read_text(encoding="utf-8")
    for code in LINT_CODES:
        assert f"| `{code}` |" in table, code
    for word in ("event-kind", "meeting-kind", "topic", "group", "role", "part-of-day"):
        assert f"unused-{word}" in LINT_CODES
    assert source.count('"unused-" + what') == 1
