"""Tests for loading policy files (``tanxin_rules._loading``): every failure is located."""

from __future__ import annotations

import re
import time
from datetime import time as clock
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanxin_rules._errors import PolicyError, Problem
from tanxin_rules._loading import load_policy
from tanxin_rules._policy import Policy, TriggerRule
from tanxin_rules._yaml import Limits

ROOT = Path(__file__).resolve().parent.parent
HUIMIN = ROOT / "policies" / "huimin_2015.yaml"
HUIMIN_TEXT = HUIMIN.read_text(encoding="utf-8")
HUIMIN_LINES = HUIMIN_TEXT.splitlines(keepends=True)

_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_BREAKS = ("\r", "\n", "\x85", "\u2028", "\u2029")


def mutate(old: str, new: str) -> str:
    """Huimin with the only occurrence of ``old`` replaced by ``new``."""
    assert HUIMIN_TEXT.count(old) == 1, old
    return HUIMIN_TEXT.replace(old, new)


def position(text: str, needle: str, at: str | None = None) -> tuple[int, int]:
    """Line and column (1-based) of ``at`` inside the only occurrence of ``needle``."""
    assert text.count(needle) == 1, needle
    offset = text.index(needle) + (needle.index(at) if at is not None else 0)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def problems_of(
    text: str | bytes, *, limits: Limits | None = None, name: str = "p.yaml"
) -> tuple[Problem, ...]:
    """The problems load_policy reports for ``text`` (fails the test if it loads)."""
    with pytest.raises(PolicyError) as info:
        load_policy(text=text, name=name, limits=limits)
    assert all(p.file == name for p in info.value.problems)
    return info.value.problems


def only_problem(text: str | bytes, *, limits: Limits | None = None) -> Problem:
    """The single problem load_policy reports for ``text``."""
    problems = problems_of(text, limits=limits)
    assert len(problems) == 1, problems
    return problems[0]


def at(problem: Problem) -> tuple[int, int]:
    """The problem's ``(line, col)``."""
    return problem.line, problem.col


def rule_index(policy: Policy, rule_id: str) -> int:
    """Index of a rule in ``policy.rules``."""
    return [rule.id for rule in policy.rules].index(rule_id)


# --------------------------------------------------------------------------- the happy path


def test_huimin_loads_from_path_and_from_text() -> None:
    """The Huimin policy loads cleanly from its path, its text and its bytes."""
    from_path = load_policy(HUIMIN)

    assert from_path.id == "huimin_2015"
    assert load_policy(str(HUIMIN)) == from_path
    assert load_policy(text=HUIMIN_TEXT) == from_path
    assert load_policy(text=HUIMIN_TEXT.encode()) == from_path


def test_exactly_one_of_path_and_text() -> None:
    """Giving both or neither of path and text is a programming error (TypeError)."""
    with pytest.raises(TypeError, match="exactly one of path and text"):
        load_policy()
    with pytest.raises(TypeError, match="exactly one of path and text"):
        load_policy(HUIMIN, text=HUIMIN_TEXT)


def test_problem_file_is_the_path_or_the_name(tmp_path: Path) -> None:
    """Problems name the file by its path, by ``name`` if given, or as <string>."""
    path = tmp_path / "bad.yaml"
    path.write_text("- not a mapping\n", encoding="utf-8")

    with pytest.raises(PolicyError) as from_path:
        load_policy(path)
    with pytest.raises(PolicyError) as named:
        load_policy(path, name="policy.yaml")
    with pytest.raises(PolicyError) as from_text:
        load_policy(text="- not a mapping\n")

    assert from_path.value.problems[0].file == str(path)
    assert named.value.problems[0].file == "policy.yaml"
    assert from_text.value.problems[0].file == "<string>"
    assert (
        str(from_text.value) == "<string>:1:1: error: a policy must be a mapping of keys to values"
    )


def test_missing_file(tmp_path: Path) -> None:
    """A file that cannot be read is an 'io' problem, not an OSError."""
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path / "nope.yaml")

    (problem,) = info.value.problems
    assert problem.code == "io"
    assert problem.message.startswith("cannot read file: ")
    assert at(problem) == (0, 0)


# --------------------------------------------------------------------------- YAML level


def test_syntax_error() -> None:
    """An unclosed flow mapping is reported where the parser gives up, on the next line."""
    broken = "    label: {zh: 院長, en: hospital president"
    text = mutate(broken + "}\n", broken + "\n")
    line, _ = position(text, broken)

    problem = only_problem(text)

    assert at(problem) == (line + 1, HUIMIN_LINES[line].index(":") + 1)
    assert problem.code == "yaml"
    assert "YAML syntax error: did not find expected ',' or '}'" in problem.message


def test_tab_indentation() -> None:
    """A tab in the indentation is a syntax error at the tab."""
    text = mutate("    heads: branch\n", "\theads: branch\n")

    problem = only_problem(text)

    assert at(problem) == position(text, "\theads: branch")
    assert "found character that cannot start any token" in problem.message


def test_duplicate_key_names_the_first_position() -> None:
    """A repeated key is reported at the repeat, naming where it was first defined."""
    text = mutate("timezone: Asia/Shanghai\n", "timezone: Asia/Shanghai\ntimezone: UTC\n")
    first_line, first_col = position(text, "timezone: Asia/Shanghai")

    problem = only_problem(text)

    assert at(problem) == position(text, "timezone: UTC")
    assert problem.code == "duplicate-key"
    assert problem.message == (
        f"duplicate key 'timezone' (first defined at line {first_line}, column {first_col})"
    )


def test_alias_bomb_fails_fast() -> None:
    """A "billion laughs" file fails on the node limit, quickly, at the alias that exceeds it."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines) + "\n"

    started = time.perf_counter()
    problem = only_problem(text)
    elapsed = time.perf_counter() - started

    # Nodes: a's line 12 (root, key, list of 9), b's 92, c's 821, d's 7382, e's 66431:
    # 74738 in all. Key f and its list make 74740; each *e adds 66430, so the second
    # *e on f's line (column 11) takes the count past 200000.
    assert at(problem) == (6, 11)
    assert problem.code == "too-large"
    assert "document expands to more than 200000 nodes" in problem.message
    assert elapsed < 30.0  # a hang guard, not a speed claim


def test_nesting_too_deep() -> None:
    """Nesting deeper than the limit is refused at the first collection over it."""
    problem = only_problem("tanxin: " + "[" * 100 + "]" * 100 + "\n")

    assert at(problem) == (1, 8 + 64)
    assert problem.code == "too-deep"
    assert problem.message == "nesting deeper than 64 levels"


def test_ten_thousand_nested_sequences_are_a_policy_error() -> None:
    """A 10000-deep flow sequence is a too-deep PolicyError, never a RecursionError."""
    deep = "[" * 10_000 + "]" * 10_000
    lifted = Limits(max_depth=100_000)

    assert at(only_problem(deep)) in {(1, 65), (1, 1001)}  # ours, or libyaml's own (1000)
    assert only_problem(deep).code == "too-deep"
    assert only_problem("tanxin: " + deep, limits=lifted).code == "too-deep"
    assert only_problem("id: {a: " + deep + "}", limits=lifted).code == "too-deep"


def test_oversize_text() -> None:
    """Text over max_bytes is refused before it is parsed."""
    size = len(HUIMIN_TEXT.encode())

    problem = only_problem(HUIMIN_TEXT, limits=Limits(max_bytes=size - 1))

    assert at(problem) == (1, 1)
    assert problem.code == "too-large"
    assert problem.message == f"file is {size} bytes, over the limit of {size - 1} bytes"
    assert load_policy(text=HUIMIN_TEXT, limits=Limits(max_bytes=size)).id == "huimin_2015"


def test_oversize_file(tmp_path: Path) -> None:
    """A file over max_bytes is refused without being read whole."""
    path = tmp_path / "big.yaml"
    path.write_text(HUIMIN_TEXT, encoding="utf-8")

    with pytest.raises(PolicyError) as info:
        load_policy(path, limits=Limits(max_bytes=1000))

    (problem,) = info.value.problems
    assert at(problem) == (1, 1)
    assert problem.code == "too-large"
    assert problem.message == "file is over the limit of 1000 bytes"


def test_gbk_file(tmp_path: Path) -> None:
    """A GBK-encoded policy is an encoding problem at its first non-ASCII character, which
    says the file looks like GBK, as the roster reader does."""
    path = tmp_path / "gbk.yaml"
    path.write_bytes(HUIMIN_TEXT.encode("gbk"))
    first = next(i for i, char in enumerate(HUIMIN_TEXT) if not char.isascii())
    line = HUIMIN_TEXT.count("\n", 0, first) + 1
    col = first - (HUIMIN_TEXT.rfind("\n", 0, first) + 1) + 1

    with pytest.raises(PolicyError) as info:
        load_policy(path)

    (problem,) = info.value.problems
    assert at(problem) == (line, col)
    assert problem.code == "encoding"
    byte = HUIMIN_TEXT[first].encode("gbk")[0]
    assert problem.message == (
        f"not valid UTF-8 (byte 0x{byte:02x}); it looks like GBK / GB18030 (common in"
        " spreadsheet exports in China); save the file as UTF-8"
    )


def test_latin1_file_is_not_called_gbk() -> None:
    """Bytes that are not UTF-8 and do not read as Chinese in GBK get the plain message."""
    problem = only_problem("tanxin: 1\nid: caf\xe9\n".encode("latin-1"))

    assert (problem.code, at(problem)) == ("encoding", (2, 8))
    assert problem.message == "not valid UTF-8 (byte 0xe9); save the file as UTF-8"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_file_without_byte_order_mark(encoding: str) -> None:
    """UTF-16 or UTF-32 without a byte-order mark is named as such, at 1:1, as for rosters."""
    problem = only_problem(HUIMIN_TEXT.encode(encoding))

    assert (problem.code, at(problem)) == ("encoding", (1, 1))
    assert "looks like UTF-16 or UTF-32 without a byte-order mark" in problem.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file(encoding: str) -> None:
    """A UTF-16 policy (with its byte order mark) is an encoding problem."""
    bom = "" if encoding == "utf-16" else "\ufeff"  # the plain codec writes its own

    problem = only_problem((bom + HUIMIN_TEXT).encode(encoding))

    assert at(problem) == (1, 1)
    assert problem.code == "encoding"
    assert "UTF-16" in problem.message


def test_python_tag_is_refused(tmp_path: Path) -> None:
    """A Python object tag is refused at the tag and never run."""
    marker = tmp_path / "pwned"
    text = mutate(
        "timezone: Asia/Shanghai\n",
        f"timezone: !!python/object/apply:os.system ['touch {marker}']\n",
    )

    problem = only_problem(text)

    assert at(problem) == position(text, "timezone: !!python", at="!!python")
    assert problem.code == "tag"
    assert "python/object/apply:os.system" in problem.message
    assert not marker.exists()


def test_multiple_documents_are_refused() -> None:
    """A second document after the policy is refused where it starts."""
    text = HUIMIN_TEXT + "---\n" + HUIMIN_TEXT

    problem = only_problem(text)

    assert at(problem) == (len(HUIMIN_LINES) + 1, 1)
    assert problem.message == "only one YAML document is allowed per file"


def test_merge_key_is_refused() -> None:
    """A merge key (<<) is refused at the key."""
    text = mutate(
        "  - id: president\n    label: {zh: 院長, en: hospital president}\n",
        "  - id: president\n    <<: *secretary_label\n",
    ).replace("  - id: party_secretary\n", "  - &secretary_label\n    id: party_secretary\n")

    problem = only_problem(text)

    assert at(problem) == position(text, "<<: *secretary_label")
    assert "merge keys (<<) are not supported" in problem.message


@pytest.mark.parametrize("text", ["", "\n", "# a comment\n", b""])
def test_empty_file(text: str | bytes) -> None:
    """An empty file is one 'empty' problem."""
    problem = only_problem(text)

    assert problem.code == "empty"
    assert problem.message == "the file is empty"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("- tanxin: 1\n- id: x\n", (1, 1)),
        ("# policy\n\n- tanxin: 1\n", (3, 1)),
        ("tanxin\n", (1, 1)),
        ("---\n", (2, 1)),
    ],
)
def test_top_level_must_be_a_mapping(text: str, where: tuple[int, int]) -> None:
    """A list, scalar or null at the top is refused at the document's root."""
    problem = only_problem(text)

    assert at(problem) == where
    assert problem.message == "a policy must be a mapping of keys to values"


# --------------------------------------------------------------------------- schema level


def test_unknown_key_points_at_the_key() -> None:
    """A misspelt key is reported at the key, not at its value."""
    text = mutate("    scope: principals_team\n", "    scope: principals_team\n    scoep: x\n")
    index = rule_index(load_policy(text=HUIMIN_TEXT), "principals_annual")

    problem = only_problem(text)

    assert at(problem) == position(text, "    scoep: x", at="scoep")
    assert problem.code == "extra_forbidden"
    assert problem.path == ("rules", index, "scoep")
    assert problem.message == (
        f"rules[{index}].scoep: unknown key (not part of the policy language; check the spelling)"
    )


def test_unknown_key_given_by_a_parameter_is_the_keys_fault() -> None:
    """A misspelt key whose value is ``{param: …}`` is an unknown key, nothing more: the
    parameter's value is not what is wrong."""
    text = mutate("    level: {param: confidant_level}\n", "    levle: {param: confidant_level}\n")
    index = rule_index(load_policy(text=HUIMIN_TEXT), "confidant_talk")

    problem = only_problem(text)

    assert problem.path == ("rules", index, "levle")
    assert problem.message == (
        f"rules[{index}].levle: unknown key (not part of the policy language; check the spelling)"
    )


def test_unknown_key_with_a_yaml_trap_value_is_reported_as_unknown() -> None:
    """``day_after: no`` is a misspelt key first: that is the message, not the trap."""
    text = mutate("    days_before: 20\n", "    days_before: 20\n    day_after: no\n")

    problem = only_problem(text)

    assert at(problem) == position(text, "    day_after: no", at="day_after")
    assert problem.message.endswith("day_after: unknown key (not part of the policy language; "
                                    "check the spelling)")  # fmt: skip


def test_missing_key_points_at_the_mapping() -> None:
    """A missing required key is reported at the mapping that lacks it."""
    text = mutate("    rrule: FREQ=MONTHLY;BYDAY=-1TH\n", "")

    problem = only_problem(text)

    assert at(problem) == position(text, "  - id: monthly_slot\n", at="id")
    assert problem.code == "missing"
    assert problem.message.endswith(".rrule: required key is missing")


def test_wrong_type() -> None:
    """A quoted number where an integer is expected is a type error at the value."""
    text = mutate(
        "    scope: principals_team\n    at_least: 1\n",
        '    scope: principals_team\n    at_least: "2"\n',
    )

    problem = only_problem(text)

    assert at(problem) == position(text, 'at_least: "2"', at='"2"')
    assert problem.code == "int_type"
    assert "at_least: Input should be a valid integer" in problem.message


def test_unknown_scope() -> None:
    """A rule naming an undefined scope is reported at the name, with a suggestion."""
    text = mutate("    scope: principals_team\n", "    scope: principals_teem\n")

    problem = only_problem(text)

    assert at(problem) == position(text, "scope: principals_teem", at="principals_teem")
    assert problem.code == "reference"
    assert problem.message.endswith(
        ".scope: unknown scope 'principals_teem' (did you mean 'principals_team'?)"
    )


def test_unknown_role_in_a_group() -> None:
    """A group naming an undefined role is reported at that list item."""
    text = mutate("      any_role: [branch_secretary]\n", "      any_role: [branch_secretry]\n")

    problem = only_problem(text)

    assert at(problem) == position(text, "[branch_secretry]", at="branch_secretry")
    assert problem.path[-2:] == ("any_role", 0)
    assert "unknown role 'branch_secretry' (did you mean 'branch_secretary'?)" in problem.message


def test_unknown_clause() -> None:
    """An item citing a clause the source does not have is reported at the citation."""
    text = mutate('    clause: "4.4"\n    level: must\n', '    clause: "9.9"\n    level: must\n')

    problem = only_problem(text)

    assert at(problem) == position(text, 'clause: "9.9"', at='"9.9"')
    assert problem.code == "reference"
    assert "clause '9.9' is not in the source (known: " in problem.message


def test_unknown_parameter() -> None:
    """A {param: ...} naming no parameter is reported at the name, listing the known ones."""
    text = mutate("    deadline: {param: reply_deadline}\n", "    deadline: {param: nope}\n")

    problem = only_problem(text)

    assert at(problem) == position(text, "{param: nope}", at="nope")
    assert problem.code == "unknown-parameter"
    assert problem.message.startswith("unknown parameter 'nope' (known: after_work_end, ")


def test_parameter_value_cannot_refer_to_a_parameter() -> None:
    """A parameter's value that is itself a {param: ...} is refused at that value."""
    text = mutate("    value: {days: 5, count: working}\n", "    value: {param: reply_deadline}\n")

    problem = only_problem(text)

    assert at(problem) == position(text, "    value: {param: reply_deadline}", at="{")
    assert problem.message == "a parameter's value cannot refer to another parameter"


def test_duplicate_rule_id() -> None:
    """Two rules with one id are reported at the second id, naming the first."""
    text = mutate("  - id: one_to_one\n", "  - id: written_reply\n")
    policy = load_policy(text=HUIMIN_TEXT)
    first, second = rule_index(policy, "one_to_one"), rule_index(policy, "written_reply")
    assert first < second

    problem = only_problem(text)

    needle = "  - id: written_reply\n    kind: follow_up"
    assert at(problem) == position(text, needle, at="written_reply")
    assert problem.path == ("rules", second, "id")
    assert problem.message == (
        f"rules[{second}].id: duplicate id 'written_reply' (also at rules.{first})"
    )


def test_duplicate_role_id() -> None:
    """Two roles with one id are reported at the second."""
    text = mutate("  - id: vice_president\n", "  - id: president\n")
    index = [role.id for role in load_policy(HUIMIN).roles].index("vice_president")

    (problem,) = [p for p in problems_of(text) if "duplicate" in p.message]

    assert at(problem) == position(
        text, "  - id: president\n    label: {zh: 副院長", at="president"
    )
    assert problem.path == ("roles", index, "id")
    assert problem.message == f"roles[{index}].id: duplicate id 'president' in roles"


def test_several_problems_are_all_reported_in_file_order() -> None:
    """Every problem is reported, sorted by position."""
    text = mutate("    scope: principals_team\n", "    scope: nowhere\n").replace(
        "    subjects: everyone\n    talker:", "    subjects: nobody\n    talker:"
    )

    problems = problems_of(text)

    assert [at(p) for p in problems] == [
        position(text, "scope: nowhere", at="nowhere"),
        position(text, "subjects: nobody", at="nobody"),
    ]


# --------------------------------------------------------------------------- YAML 1.1 traps


def test_base_60_where_an_integer_is_expected() -> None:
    """Unquoted 14:30 in an integer field is refused, saying YAML 1.1 reads it as 870."""
    text = mutate(
        "    scope: principals_team\n    at_least: 1\n",
        "    scope: principals_team\n    at_least: 14:30\n",
    )

    problem = only_problem(text)

    assert at(problem) == position(text, "at_least: 14:30", at="14:30")
    assert "YAML 1.1 tools read it as the base-60 number 870" in problem.message
    assert "quote it ('14:30')" in problem.message


def test_no_where_a_boolean_is_expected() -> None:
    """Unquoted no in a boolean field is refused, saying YAML 1.1 reads it as false."""
    text = mutate("      requires_reason: true\n", "      requires_reason: no\n")

    problem = only_problem(text)

    assert at(problem) == position(text, "requires_reason: no", at="no")
    assert problem.code == "bool_type"
    assert "unquoted `no` is ambiguous: YAML 1.1 tools read it as false" in problem.message
    assert "write false for a boolean" in problem.message


def test_yes_where_text_is_expected() -> None:
    """Unquoted yes in a text field is refused, saying YAML 1.1 reads it as true."""
    text = mutate("    rrule: FREQ=MONTHLY;BYDAY=-1TH\n", "    rrule: yes\n")

    problem = only_problem(text)

    assert at(problem) == position(text, "rrule: yes", at="yes")
    assert "YAML 1.1 tools read it as true" in problem.message
    assert "quote it ('yes') for text" in problem.message


def test_quoted_traps_are_plain_text() -> None:
    """Quoting a 1.1 trap in a text field makes it ordinary text."""
    policy = load_policy(text=mutate(" en: hospital president}\n", " en: 'yes'}\n"))

    assert policy.roles[1].label.en == "yes"


@pytest.mark.parametrize(("written", "meant"), [("14:30", clock(14, 30)), ("9:05", clock(9, 5))])
def test_unquoted_clock_time_is_accepted(written: str, meant: clock) -> None:
    """Unquoted H:MM in a clock field means that clock time, not a base-60 number."""
    text = mutate("    start: {param: after_work_start}\n", f"    start: {written}\n")

    policy = load_policy(text=text)

    assert policy.parts_of_day[1].start == meant


def test_impossible_clock_time() -> None:
    """An unquoted 25:00 in a clock field is a clear error at the value."""
    text = mutate("    start: {param: after_work_start}\n", "    start: 25:00\n")

    problem = only_problem(text)

    assert at(problem) == position(text, "start: 25:00", at="25:00")
    assert "expected a clock time as HH:MM (24-hour), got '25:00'" in problem.message


def test_impossible_date() -> None:
    """2026-02-30 in a date field is refused as not a real date, at the value."""
    text = mutate("  published: 2015-12-08\n", "  published: 2026-02-30\n")

    problem = only_problem(text)

    assert at(problem) == position(text, "published: 2026-02-30", at="2026")
    assert problem.path == ("source", "published")
    assert "'2026-02-30' is not a real date (day is out of range for month)" in problem.message


def test_date_where_text_is_expected_stays_text() -> None:
    """A date-like value in a text field is that text: dates are typed only where expected."""
    text = mutate(" en: hospital president}\n", " en: 2015-12-08}\n")

    assert load_policy(text=text).roles[1].label.en == "2015-12-08"


# --------------------------------------------------------------------------- parameters


def test_parameter_uses_are_recorded() -> None:
    """Each {param: id} is substituted and its path remembered in parameter_uses()."""
    policy = load_policy(HUIMIN)
    uses = policy.parameter_uses()
    annual = rule_index(policy, "principals_annual")
    often = rule_index(policy, "team_often")

    written = sum(line.count("{param: ") for line in HUIMIN_LINES if not line.startswith("#"))
    assert sum(len(paths) for paths in uses.values()) == written
    assert len(uses["year_period"]) == HUIMIN_TEXT.count("{param: year_period}")
    assert ("rules", annual, "period") in uses["year_period"]
    assert uses["often_at_least"] == (("rules", often, "at_least"),)
    assert {p.id for p in policy.parameters_of(("rules", annual))} == {
        "year_period",
        "mid_period_membership",
    }
    rule = policy.rules[often]
    assert rule.kind == "frequency"
    assert rule.at_least == 1
    assert rule.period.kind == "calendar"
    assert rule.period.unit == "quarter"


def test_type_error_in_a_parameter_value_points_at_the_reference() -> None:
    """A bad parameter value is reported where it is used, naming the parameter."""
    text = mutate(
        "    value: 1\n    alternatives: [2]\n", "    value: '1'\n    alternatives: [2]\n"
    )

    problem = only_problem(text)

    assert at(problem) == position(text, "at_least: {param: often_at_least}", at="{")
    assert problem.code == "int_type"
    assert "Input should be a valid integer" in problem.message
    assert problem.message.endswith("(in the value of parameter 'often_at_least')")


def test_nested_error_in_a_parameter_value_is_reported_at_each_use() -> None:
    """An error deep inside a parameter's value is reported at every reference to it."""
    text = mutate(
        "    value: {kind: calendar, unit: year}\n", "    value: {kind: calendar, unit: yeer}\n"
    )
    starts = [m.start() for m in re.finditer(r"period: \{param: year_period\}", text)]

    problems = problems_of(text)

    assert [at(p) for p in problems] == [
        (text.count("\n", 0, s) + 1, s - text.rfind("\n", 0, s) + len("period: ")) for s in starts
    ]
    for problem in problems:
        assert problem.path[-2:] == ("period", "unit")
        assert "Input should be 'month', 'quarter', 'half_year' or 'year'" in problem.message
        assert "(in the value of parameter 'year_period')" in problem.message


def test_timezone_naming_a_tzdata_directory() -> None:
    """A timezone naming a tzdata directory (Asia) is a located problem, not an OSError."""
    pytest.importorskip("tzdata")  # without it, zoneinfo raises ZoneInfoNotFoundError
    text = mutate("timezone: Asia/Shanghai\n", "timezone: Asia\n")

    problem = only_problem(text)

    assert at(problem) == position(text, "timezone: Asia", at="Asia")
    assert "unknown IANA timezone 'Asia'" in problem.message


# --------------------------------------------------------------------------- union tags


def test_error_in_talker_by_group_points_inside_the_talker() -> None:
    """A talker tagged 'group' with a 'group' key still has its errors located by key."""
    talker = (
        "    talker: {by: event_counterpart, group: trusted_leaders, otherwise: responsibility}\n"
    )
    text = mutate(talker, "    talker: {by: group, group: leadership_team, relation: [bogus]}\n")
    policy = load_policy(HUIMIN)
    index = rule_index(policy, "confidant_talk")
    assert isinstance(policy.rules[index], TriggerRule)

    problem = only_problem(text)

    assert at(problem) == position(text, "relation: [bogus]", at="bogus")
    assert problem.path == ("rules", index, "talker", "relation", 0)
    assert problem.message.startswith(f"rules[{index}].talker.relation[0]: Input should be")


# --------------------------------------------------------------------------- properties


def _assert_result(text: str | bytes) -> None:
    """load_policy gives a Policy or a PolicyError whose problems lie inside the file."""
    try:
        result = load_policy(text=text)
    except PolicyError as exc:
        decoded = text if isinstance(text, str) else text.decode("utf-8", "replace")
        lines = len(_LINE_BREAK.split(decoded)) + (0 if decoded.endswith(_BREAKS) else 1)
        for problem in exc.problems:
            assert 0 <= problem.line <= lines, problem
            assert problem.col >= 0
    else:
        assert isinstance(result, Policy)


@given(st.text() | st.text(alphabet="{}[],:-?&*!|>'\"#@ \n\tab1~<.") | st.binary())
def test_arbitrary_input_is_a_policy_or_a_policy_error(text: str | bytes) -> None:
    """Arbitrary text or bytes give a Policy or a located PolicyError, nothing else."""
    _assert_result(text)


@st.composite
def mutated_huimin(draw: st.DrawFn) -> str:
    """The Huimin text after one to three random edits."""
    lines = list(HUIMIN_LINES)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "char", "slice", "truncate"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "char":
            k = draw(st.integers(0, max(len(lines[i]) - 1, 0)))
            lines[i] = lines[i][:k] + draw(st.characters()) + lines[i][k + 1 :]
        elif kind == "slice":
            a = draw(st.integers(0, len(lines[i])))
            b = draw(st.integers(a, len(lines[i])))
            lines[i] = lines[i][:a] + draw(st.text(max_size=12)) + lines[i][b:]
        else:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
            del lines[i + 1 :]
        if not lines:
            break
    return "".join(lines)


@given(mutated_huimin())
def test_mutated_huimin_is_a_policy_or_a_policy_error(text: str) -> None:
    """Random edits to the Huimin policy give a Policy or a located PolicyError, nothing else."""
    _assert_result(text)
