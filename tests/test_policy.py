"""The policy language models: validation, cross-references, and the Huimin encoding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from tanxin_rules import (
    FollowUpRule,
    FrequencyRule,
    MannerRule,
    Policy,
    PolicyError,
    SlotRule,
    TopicsRule,
    TriggerRule,
    WindowRule,
    load_policy,
)
from tanxin_rules._policy import CalendarPeriod, CoverageRule, NamedPeriods, Parameter
from tanxin_rules._types import Label

ROOT = Path(__file__).resolve().parent.parent
HUIMIN = ROOT / "policies" / "huimin_2015.yaml"


@pytest.fixture(scope="module")
def huimin() -> Policy:
    """The bundled Huimin policy."""
    return load_policy(HUIMIN)


def minimal(**extra: Any) -> dict[str, Any]:
    """A smallest valid policy as Python data, with ``extra`` top-level keys merged in."""
    data: dict[str, Any] = {
        "tanxin": 1,
        "id": "mini",
        "label": {"zh": "小", "en": "mini"},
        "timezone": "Asia/Shanghai",
        "source": {
            "title": {"zh": "小", "en": "mini"},
            "clauses": [{"id": "1", "text": {"zh": "甲", "en": "a"}, "parts": ["a", "b"]}],
        },
        "roles": [{"id": "boss", "label": {"zh": "長", "en": "boss"}}],
        "groups": [
            {
                "id": "bosses",
                "label": {"zh": "長", "en": "bosses"},
                "members": {"any_role": ["boss"]},
            }
        ],
        "scopes": [
            {
                "id": "s",
                "clause": "1a",
                "label": {"zh": "甲", "en": "a"},
                "between": ["bosses", "bosses"],
            }
        ],
    }
    data.update(extra)
    return data


def problems_of(data: dict[str, Any]) -> str:
    """The validation message for ``data`` (which must be invalid)."""
    with pytest.raises(ValidationError) as info:
        Policy.model_validate(data)
    return str(info.value)


def test_minimal_policy_is_valid() -> None:
    """The smallest policy validates."""
    assert Policy.model_validate(minimal()).id == "mini"


def test_models_are_frozen() -> None:
    """A loaded policy cannot be changed behind the engine's back."""
    policy = Policy.model_validate(minimal())
    with pytest.raises(ValidationError):
        policy.id = "other"  # type: ignore[misc]


def test_unknown_clause_part_is_refused() -> None:
    """``1c`` is refused when clause 1 declares only parts a and b."""
    data = minimal()
    data["scopes"][0]["clause"] = "1c"
    assert "clause '1c' is not in the source" in problems_of(data)


def test_unknown_group_is_refused_with_suggestion() -> None:
    """A misspelt group gets a did-you-mean."""
    data = minimal()
    data["scopes"][0]["between"] = ["bosses", "bosss"]
    message = problems_of(data)
    assert "unknown group 'bosss'" in message
    assert "did you mean 'bosses'" in message


def test_group_cycle_is_refused() -> None:
    """Groups defined from each other in a circle are refused."""
    data = minimal()
    data["groups"] = [
        {"id": "a", "label": {"zh": "甲", "en": "a"}, "members": {"in_group": ["b"]}},
        {"id": "b", "label": {"zh": "乙", "en": "b"}, "members": {"in_group": ["a"]}},
        {"id": "bosses", "label": {"zh": "長", "en": "b"}, "members": {"any_role": ["boss"]}},
    ]
    assert "groups refer to each other" in problems_of(data)


def test_empty_selector_is_refused() -> None:
    """A group with no criterion does not silently mean everyone."""
    data = minimal()
    data["groups"][0]["members"] = {}
    assert "at least one criterion" in problems_of(data)


def test_strict_types_refuse_lax_coercion() -> None:
    """``"1"`` is not an integer and ``"no"`` is not a boolean."""
    data = minimal()
    data["scopes"][0]["directed"] = "no"
    assert "valid boolean" in problems_of(data)


def test_duplicate_item_ids_are_refused() -> None:
    """Scope, rule and guidance ids share one namespace."""
    data = minimal(
        guidance=[
            {
                "id": "s",
                "clause": "1",
                "label": {"zh": "甲", "en": "a"},
                "text": {"zh": "甲", "en": "a"},
            }
        ]
    )
    assert "duplicate id 's'" in problems_of(data)


def test_unknown_timezone_is_refused() -> None:
    """The timezone must be a real IANA zone."""
    assert "unknown IANA timezone" in problems_of(minimal(timezone="Mars/Olympus"))


def test_interpretation_needs_reason() -> None:
    """An interpretation without a reason is refused."""
    with pytest.raises(ValidationError, match="needs a reason"):
        Parameter.model_validate(
            {"id": "p", "label": {"zh": "甲", "en": "a"}, "value": 1, "interpretation": True}
        )


def test_multi_year_period_needs_aligned_anchor() -> None:
    """Two-year periods need an anchor on the first day of a year."""
    with pytest.raises(ValidationError, match="needs an anchor"):
        CalendarPeriod.model_validate({"kind": "calendar", "unit": "year", "every": 2})
    with pytest.raises(ValidationError, match="first day of a calendar year"):
        CalendarPeriod.model_validate(
            {"kind": "calendar", "unit": "year", "every": 2, "anchor": "2024-03-01"}
        )


def test_named_periods_must_not_overlap() -> None:
    """Academic terms that overlap are refused."""
    with pytest.raises(ValidationError, match="overlap"):
        NamedPeriods.model_validate(
            {
                "kind": "named",
                "periods": [
                    {"id": "t1", "start": "2025-09-01", "end": "2026-01-20"},
                    {"id": "t2", "start": "2026-01-15", "end": "2026-07-10"},
                ],
            }
        )


def test_coverage_needs_exactly_one_target() -> None:
    """A coverage rule gives a distinct count or a share, not both."""
    base = {
        "id": "c",
        "kind": "coverage",
        "clause": "1",
        "label": {"zh": "甲", "en": "a"},
        "talkers": "bosses",
        "counterparts": "bosses",
        "period": {"kind": "calendar", "unit": "year"},
    }
    with pytest.raises(ValidationError, match="exactly one"):
        CoverageRule.model_validate(base)
    with pytest.raises(ValidationError, match="exactly one"):
        CoverageRule.model_validate({**base, "share": 1.0, "at_least_distinct": 2})
    assert CoverageRule.model_validate({**base, "share": 1.0}).share == 1.0


def slot(**fields: Any) -> dict[str, Any]:
    """A slot rule as data."""
    return {
        "id": "sl",
        "kind": "slot",
        "clause": "1",
        "label": {"zh": "甲", "en": "a"},
        "talkers": "bosses",
        "counterparts": "bosses",
        **fields,
    }


def test_slot_anchor_must_be_produced_by_rule() -> None:
    """An anchor the RRULE does not produce is refused (dateutil would skip it silently)."""
    with pytest.raises(ValidationError, match="not a date the RRULE produces"):
        SlotRule.model_validate(slot(rrule="FREQ=MONTHLY;BYDAY=-1TH", anchor="2015-12-01"))


def test_slot_interval_in_wrong_month_yields_nothing_and_is_refused() -> None:
    """INTERVAL=3 with BYMONTH out of phase with the anchor is caught at load time."""
    with pytest.raises(ValidationError, match="RRULE produces"):
        SlotRule.model_validate(
            slot(rrule="FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYDAY=1FR", anchor="2016-01-01")
        )


def test_slot_rrule_problems_are_refused() -> None:
    """The RRULE checks run when the slot rule is validated."""
    with pytest.raises(ValidationError, match="every such weekday"):
        SlotRule.model_validate(slot(rrule="FREQ=WEEKLY;BYDAY=-1TH", anchor="2015-12-31"))


# --------------------------------------------------------------------------- label text


@pytest.mark.parametrize(
    "char",
    ["\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\u061c", "\x1b", "\r", "\x00",
     "\x7f", "\x85", "\u2028"],
)  # fmt: skip
def test_label_with_a_hidden_character_is_refused(char: str) -> None:
    """A bidi control, a control character or a line separator in a label is refused, naming
    the code point and where it stands in the text (lone surrogates: Pydantic refuses them)."""
    message = problems_of(minimal(label={"zh": "小", "en": f"mi{char}ni"}))
    assert f"en: holds U+{ord(char):04X}" in message
    assert "at character 3" in message


def test_label_may_hold_tabs_and_line_feeds() -> None:
    """Multi-line clause texts and tabs are ordinary text."""
    policy = Policy.model_validate(minimal(label={"zh": "小\n制度", "en": "a\tb\n"}))
    assert policy.label.zh == "小\n制度"


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        (("guidance",), {"guidance": [{"id": "g", "clause": "1", "label": {"zh": "甲", "en": "g"},
                                       "text": {"zh": "甲\u202e乙", "en": "g"}}]}),
        (("parameters",), {"parameters": [{"id": "p", "label": {"zh": "甲", "en": "p"},
                                           "value": 1, "interpretation": True,
                                           "reason": {"zh": "甲", "en": "r\u2067"}}]}),
        (("scopes",), {"scopes": [{"id": "s", "clause": "1a", "label": {"zh": "甲", "en": "a"},
                                   "note": {"zh": "\x1b[2J", "en": "n"},
                                   "between": ["bosses", "bosses"]}]}),
    ],
)  # fmt: skip
def test_every_policy_text_is_checked(path: tuple[str], extra: dict[str, Any]) -> None:
    """Guidance texts, parameter reasons and notes are policy labels too."""
    with pytest.raises(ValidationError) as info:
        Policy.model_validate(minimal(**extra))
    assert [e["loc"][: len(path)] for e in info.value.errors()] == [path]
    assert "holds U+" in str(info.value)


def test_a_label_built_in_python_is_checked_in_a_policy() -> None:
    """A shared Label object with a bidi override may exist (reports build such labels from
    roster names), but a policy holding one is refused."""
    hidden = Label(zh="小\u202e", en="mini")
    assert hidden.zh.endswith("\u202e")
    with pytest.raises(ValidationError, match="zh: holds U\\+202E"):
        Policy.model_validate({**minimal(), "label": hidden})
    assert Policy.model_validate({**minimal(), "label": Label(zh="小", en="mini")}).id == "mini"


# --------------------------------------------------------------------------- Huimin


def test_huimin_cites_every_clause(huimin: Policy) -> None:
    """Every clause of the source is cited by a scope, rule, responsibility entry or guidance."""
    cited = {s.clause for s in huimin.scopes} | {r.clause for r in huimin.rules}
    cited |= {g.clause for g in huimin.guidance}
    assert huimin.responsibility is not None
    cited |= {e.clause for e in huimin.responsibility.entries}
    owners = {c if c in {x.id for x in huimin.source.clauses} else c[:-1] for c in cited}
    assert owners == {c.id for c in huimin.source.clauses}
    assert len(huimin.source.clauses) == 22


def test_huimin_annual_frequencies(huimin: Policy) -> None:
    """3.1b: two annual at-least-once rules, per calendar year (an interpretation)."""
    annual = [r for r in huimin.rules if isinstance(r, FrequencyRule) and r.clause == "3.1b"]
    assert {r.id for r in annual} == {"principals_annual", "oversight_annual"}
    for rule in annual:
        assert rule.at_least == 1
        assert isinstance(rule.period, CalendarPeriod)
        assert rule.period.unit == "year"
        assert rule.level == "must"


def test_huimin_window(huimin: Policy) -> None:
    """3.1a: 20 days before each democratic life meeting, meeting day excluded."""
    rule = huimin.rule("pre_meeting_round")
    assert isinstance(rule, WindowRule)
    assert (rule.days_before, rule.include_meeting_day) == (20, False)
    assert rule.meeting == "democratic_life_meeting"
    assert rule.scope == "team_mutual"


def test_huimin_slots(huimin: Policy) -> None:
    """3.2 and 3.3 are RRULE slots; a holiday moves them to a working day inside the month."""
    monthly = huimin.rule("monthly_slot")
    quarterly = huimin.rule("quarterly_slot")
    assert isinstance(monthly, SlotRule)
    assert isinstance(quarterly, SlotRule)
    assert monthly.rrule == "FREQ=MONTHLY;BYDAY=-1TH"
    assert quarterly.rrule == "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=1FR"
    assert monthly.on_non_working_day == "previous"
    assert quarterly.on_non_working_day == "next"
    assert monthly.talkers == "leadership_team"
    assert quarterly.talkers == "branch_secretaries"


def test_huimin_triggers(huimin: Policy) -> None:
    """4.5a–g are seven trigger rules naming the listed event kinds; 4.6 is an eighth."""
    triggers = {r.clause: r for r in huimin.rules if isinstance(r, TriggerRule)}
    assert set(triggers) == {f"4.5{x}" for x in "abcdefg"} | {"4.6"}
    assert set(triggers["4.5a"].events) == {"job_change", "promotion", "demotion", "retirement"}
    assert set(triggers["4.5b"].events) == {"commendation_or_reward", "criticism_or_discipline"}
    assert set(triggers["4.5e"].events) == {"conduct_concern", "conduct_complaint"}
    assert triggers["4.5f"].subjects == "leading_cadres"
    assert triggers["4.6"].use_agreed_date
    for clause in "abcdefg":
        assert triggers[f"4.5{clause}"].deadline.count == "working"


def test_huimin_manner_follow_up_topics(huimin: Policy) -> None:
    """4.1 collective talks, 4.4 written replies and 1.5 topics are evaluable rules."""
    kinds = {r.clause: r for r in huimin.rules}
    assert isinstance(kinds["4.1"], MannerRule)
    assert kinds["4.1"].collective.min_participants == 3
    assert isinstance(kinds["4.4"], FollowUpRule)
    assert isinstance(kinds["1.5"], TopicsRule)
    assert kinds["1.5"].expected == ["clean_government"]


def test_huimin_responsibility_chain(huimin: Policy) -> None:
    """4.7: four layers, from the principals down to the section directors."""
    chain = huimin.responsibility
    assert chain is not None
    pairs = [(e.subjects, e.answerable, e.relation) for e in chain.entries]
    assert pairs == [
        ("leadership_team", "principal_leaders", ["same_organisation"]),
        ("unit_heads", "leadership_team", ["oversees"]),
        ("branch_committee", "branch_secretaries", ["heads_branch"]),
        ("section_staff", "section_directors", ["heads_unit"]),
    ]


def test_same_organisation_is_a_relation() -> None:
    """Scopes, rules, talkers and chain entries may ask for ``same_organisation``."""
    data = minimal()
    data["scopes"][0]["relation"] = ["same_organisation"]
    assert Policy.model_validate(data).scopes[0].relation == ["same_organisation"]
    data["scopes"][0]["relation"] = ["same_hospital"]
    assert "same_organisation" in problems_of(data)


def test_huimin_keeps_every_pair_within_the_hospital(huimin: Policy) -> None:
    """Every scope, slot and chain entry nothing else relates holds ``same_organisation``: the
    system is one hospital's (2.1–2.5, 3.2, 3.3, 4.7), so a bureau's roster is cut by hospital."""
    scopes = {s.id: s.relation for s in huimin.scopes}
    assert scopes == {
        "principals_mutual": ["same_organisation"],
        "principals_team": ["same_organisation"],
        "team_mutual": ["same_organisation"],
        "team_branch_secretaries": ["same_organisation"],
        "team_unit_heads": ["oversees"],
        "team_party_members": ["same_organisation"],
        "team_rank_and_file": ["same_organisation"],
        "branch_secretary_members": ["heads_branch"],
        "section_director_colleagues": ["heads_unit"],
    }
    slots = {r.id: r.relation for r in huimin.rules if isinstance(r, SlotRule)}
    assert slots == {
        "monthly_slot": ["same_organisation"],
        "quarterly_slot": ["same_organisation"],
    }
    params = {p.id: p for p in huimin.parameters}
    assert params["branch_secretary_members_relation"].alternatives == [["same_organisation"]]
    assert params["trigger_talker"].alternatives == [
        {"by": "group", "group": "leadership_team", "relation": ["same_organisation"]}
    ]


def test_huimin_open_choices_are_interpretations(huimin: Policy) -> None:
    """Each choice the source README lists as open is a reasoned interpretation parameter."""
    params = {p.id: p for p in huimin.parameters}
    for pid in (
        "year_period",
        "prompt_deadline",
        "reply_deadline",
        "meeting_day_in_window",
        "monthly_slot_on_non_working_day",
        "often_period",
        "collective_may_satisfy",
    ):
        assert params[pid].interpretation, pid
        assert params[pid].reason is not None, pid
    uses = huimin.parameter_uses()
    assert ("rules", 0, "include_meeting_day") in uses["meeting_day_in_window"]
    assert {p.id for p in huimin.parameters_of(("rules", 0))} == {
        "pre_meeting_round_scope",
        "meeting_day_in_window",
        "fixed_time_level",
    }


def test_huimin_every_parameter_is_used(huimin: Policy) -> None:
    """No parameter is declared and left unused."""
    assert set(huimin.parameter_uses()) == {p.id for p in huimin.parameters}


def test_policy_error_from_yaml_is_located() -> None:
    """A broken reference in the Huimin file points at its line."""
    text = HUIMIN.read_text(encoding="utf-8").replace(
        "    scope: principals_team\n", "    scope: principal_team\n", 1
    )
    line = text.splitlines().index("    scope: principal_team") + 1
    with pytest.raises(PolicyError) as info:
        load_policy(text=text, name="huimin.yaml")
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.col) == ("huimin.yaml", line, 12)
    assert "unknown scope 'principal_team'" in problem.message
    assert "did you mean 'principals_team'" in problem.message


def test_event_counterpart_falling_back_to_a_missing_chain_is_refused() -> None:
    """A talker whose fallback is the responsibility chain needs the policy to have one."""
    data = minimal(
        event_kinds=[{"id": "ask", "label": {"zh": "請", "en": "ask"}}],
        rules=[
            {
                "id": "t",
                "kind": "trigger",
                "clause": "1",
                "label": {"zh": "甲", "en": "a"},
                "events": ["ask"],
                "subjects": "bosses",
                "deadline": {"days": 5},
                "talker": {"by": "event_counterpart"},
            }
        ],
    )
    assert "no responsibility chain" in problems_of(data)


def test_event_counterpart_group_must_be_a_known_group() -> None:
    """The group an event's counterpart must belong to is a checked reference."""
    data = minimal(
        event_kinds=[{"id": "ask", "label": {"zh": "請", "en": "ask"}, "has_counterpart": True}],
        rules=[
            {
                "id": "t",
                "kind": "trigger",
                "clause": "1",
                "label": {"zh": "甲", "en": "a"},
                "events": ["ask"],
                "subjects": "bosses",
                "deadline": {"days": 5},
                "talker": {"by": "event_counterpart", "group": "boss", "otherwise": "nobody"},
            }
        ],
    )
    assert "unknown group 'boss'" in problems_of(data)


def test_responsible_first_on_an_unordered_scope_is_refused() -> None:
    """``responsible: first`` has no meaning when pairs are unordered within one group."""
    data = minimal(
        rules=[
            {
                "id": "f",
                "kind": "frequency",
                "clause": "1",
                "label": {"zh": "甲", "en": "a"},
                "scope": "s",
                "period": {"kind": "calendar", "unit": "year"},
                "responsible": "first",
            }
        ]
    )
    assert "means nothing for scope 's'" in problems_of(data)


def test_empty_selector_list_is_refused() -> None:
    """``any_role: []`` would match no one silently; it is refused."""
    data = minimal()
    data["groups"][0]["members"] = {"any_role": []}
    assert "at least 1 item" in problems_of(data)
