"""Tests for the strict, located YAML reader (``tanxin_rules._yaml``)."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from tanxin_rules._errors import Problem
from tanxin_rules._yaml import Ambiguous, Limits, Node, YamlProblem, read_yaml, resolve_plain

# YAML 1.1 (and libyaml) end a line at any of these, not only at "\n".
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_BREAKS = ("\r", "\n", "\x85", "\u2028", "\u2029")


def problem_of(raw: str | bytes, limits: Limits | None = None) -> Problem:
    """The problem ``read_yaml`` reports for ``raw`` (fails the test if it reads cleanly)."""
    with pytest.raises(YamlProblem) as info:
        read_yaml(raw, file="t.yaml", limits=limits)
    assert info.value.problem.file == "t.yaml"
    return info.value.problem


def at(problem: Problem) -> tuple[int, int]:
    """The problem's ``(line, col)``."""
    return problem.line, problem.col


# --------------------------------------------------------------------------- resolve_plain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("false", False),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("~", None),
        ("", None),
        ("0", 0),
        ("42", 42),
        ("-12", -12),
        ("+7", 7),
        ("1.5", 1.5),
        ("-2.25", -2.25),
        (".5", 0.5),
        ("3.", 3.0),
        ("1.5e+3", 1500.0),
        ("2.0E-2", 0.02),
    ],
)
def test_resolve_plain_core_schema(text: str, expected: Any) -> None:
    """Plain scalars of the YAML 1.2 core schema get their core type and value."""
    value = resolve_plain(text)

    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    "text",
    ["hello", "2015-12-08", "3.1b", "FREQ=MONTHLY;BYDAY=-1TH", "1.2.3", "nan", "inf", "0o10", "-"],
)
def test_resolve_plain_leaves_text_alone(text: str) -> None:
    """Plain scalars that no YAML version types (dates included) stay the same text."""
    assert resolve_plain(text) == text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("14:30", "the base-60 number 870"),
        ("1:00:00", "the base-60 number 3600"),
        ("-1:30", "the base-60 number -90"),
        ("1:30.5", "the base-60 number 90.5"),
        ("010", "the octal number 8"),
        ("0x1F", "the hexadecimal number 31"),
        ("0b101", "the binary number 5"),
        ("1_000", "the number 1000"),
        (".inf", "an infinite or not-a-number float"),
        ("-.INF", "an infinite or not-a-number float"),
        (".nan", "an infinite or not-a-number float"),
        ("no", "false"),
        ("No", "false"),
        ("OFF", "false"),
        ("n", "false"),
        ("False", "false"),
        ("yes", "true"),
        ("Y", "true"),
        ("on", "true"),
        ("TRUE", "true"),
        ("1e5", "text"),
        ("1.0e5", "text"),
        ("-.5", "text"),
    ],
)
def test_resolve_plain_marks_yaml_11_traps(text: str, reading: str) -> None:
    """Scalars YAML 1.1 tools would read differently become Ambiguous with that reading."""
    assert resolve_plain(text) == Ambiguous(text, reading)


def test_ambiguous_hint_for_a_boolean() -> None:
    """The hint for a 1.1 boolean names the reading and both ways to write what was meant."""
    hint = Ambiguous("no", "false").hint()

    assert hint == (
        "unquoted `no` is ambiguous: YAML 1.1 tools read it as false; "
        "write false for a boolean, or quote it ('no') for text"
    )


def test_ambiguous_hint_for_a_number() -> None:
    """The hint for a 1.1 number names the reading and says to quote or write a decimal."""
    hint = Ambiguous("14:30", "the base-60 number 870").hint()

    assert "read it as the base-60 number 870" in hint
    assert "quote it ('14:30') for text, or write a plain decimal number" in hint


@given(st.integers())
def test_resolve_plain_round_trips_integers(n: int) -> None:
    """Every decimal integer reads back as itself."""
    assert resolve_plain(str(n)) == n


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_resolve_plain_reads_python_floats_or_flags_them(x: float) -> None:
    """A float's repr reads back as itself, unless YAML 1.1 would read it as text (1e-05)."""
    value = resolve_plain(repr(x))

    if isinstance(value, Ambiguous):
        assert value.reading == "text"
        assert "e" in repr(x)
        assert "e+" not in repr(x) or "." not in repr(x)
    else:
        assert value == x
        assert isinstance(value, float)


@given(
    st.text(alphabet="0123456789+-._:eExob", max_size=8)
    | st.sampled_from(["yes", "No", "ON", "off", "y", "N", "True", "FALSE", "~", "null"])
)
def test_plain_scalars_mean_what_yaml_11_reads_or_are_ambiguous(text: str) -> None:
    """A plain value is read as PyYAML (YAML 1.1) reads it, or it is Ambiguous (dates stay text)."""
    source = f"k: {text}\n"
    try:
        ours = read_yaml(source).data
    except YamlProblem:
        assume(False)
        raise  # unreachable: assume(False) stops the example
    try:
        theirs = yaml.safe_load(source)
    except (yaml.YAMLError, ValueError):  # PyYAML itself crashes on e.g. 0b_
        assume(False)
        raise
    assume(isinstance(ours, dict) and isinstance(theirs, dict) and list(theirs) == ["k"])
    value, other = ours["k"], theirs["k"]
    if isinstance(value, Ambiguous):
        assert value.text == text
        if isinstance(other, bool):
            assert value.reading == str(other).lower()
    elif isinstance(other, dt.date):
        assert value == text  # dates are typed only by fields that expect one
    else:
        assert type(value) is type(other)
        assert value == other or (isinstance(value, float) and math.isnan(value))


# --------------------------------------------------------------------------- Node


def test_locate_follows_keys_and_indexes() -> None:
    """A path of keys and indexes leads to the node's 1-based line and column."""
    root = read_yaml("a:\n  b: [x, y]\n").root

    assert root.locate(("a", "b", 1)) == (2, 10)
    assert root.locate(("a", "b")) == (2, 6)
    assert root.locate(("a",)) == (2, 3)
    assert root.locate(()) == (1, 1)


def test_locate_skips_parts_that_match_nothing() -> None:
    """Union tags, validator steps, bad indexes and missing keys are skipped; deepest match wins."""
    root = read_yaml("a:\n  b: [x, y]\n").root

    assert root.locate(("a", "union[X,Y]", "b", "function-after[f()]", 1)) == (2, 10)
    assert root.locate(("a", "b", 5)) == (2, 6)
    assert root.locate(("a", "b", -1)) == (2, 6)
    assert root.locate(("a", "b", "0")) == (2, 6)
    assert root.locate(("a", 0, "b", 0)) == (2, 7)
    assert root.locate(("missing",)) == (1, 1)


def test_locate_at_key() -> None:
    """With at_key the position of the last matching key is returned, not of its value."""
    root = read_yaml("a:\n  b: [x, y]\n  c: 1\n").root

    assert root.locate(("a", "c"), at_key=True) == (3, 3)
    assert root.locate(("a", "c"), at_key=False) == (3, 6)
    assert root.locate(("a", "b", "extra"), at_key=True) == (2, 3)
    assert root.locate(("a", "b", 1), at_key=True) == (2, 10)  # inside a list: no key
    assert root.locate(("missing",), at_key=True) == (1, 1)


def test_locate_on_a_hand_built_tree() -> None:
    """locate works on any Node tree, e.g. one built without a file."""
    leaf = Node(5, 9)
    root = Node(1, 1, {"k": Node(4, 3, [Node(4, 5), leaf])}, {"k": (3, 1)})

    assert root.locate(("k", 1)) == (5, 9)
    assert root.locate(("k",), at_key=True) == (3, 1)


def test_child_needs_the_exact_path() -> None:
    """child returns the node at exactly the path, or None when any part does not match."""
    root = read_yaml("a:\n  b: [x, y]\n").root

    node = root.child("a", "b", 1)

    assert node is not None
    assert (node.line, node.col) == (2, 10)
    assert root.child("a", "zz") is None
    assert root.child("a", "b", 2) is None
    assert root.child("a", "union[X,Y]", "b") is None


# --------------------------------------------------------------------------- reading


def test_read_yaml_data_and_positions() -> None:
    """Data comes back as plain dicts, lists and scalars, with the position of every node."""
    doc = read_yaml("# c\nname: x\nitems:\n  - 1\n  - {k: true}\n", file="f.yaml")

    assert doc.data == {"name": "x", "items": [1, {"k": True}]}
    assert doc.file == "f.yaml"
    assert (doc.root.line, doc.root.col) == (2, 1)
    assert doc.root.key_positions == {"name": (2, 1), "items": (3, 1)}
    assert doc.root.locate(("items", 1, "k")) == (5, 9)
    assert doc.root.locate(("items", 1, "k"), at_key=True) == (5, 6)


def test_quoted_and_str_tagged_scalars_stay_text() -> None:
    """Quoting or !!str keeps 1.1 traps, numbers and dates as text."""
    doc = read_yaml("a: '14:30'\nb: \"no\"\nc: !!str 010\nd: 2015-12-08\ne: '3'\n")

    assert doc.data == {"a": "14:30", "b": "no", "c": "010", "d": "2015-12-08", "e": "3"}


def test_plain_values_use_core_typing() -> None:
    """Unquoted values are typed the YAML 1.2 core way, 1.1 traps marked."""
    doc = read_yaml("a: 14:30\nb: no\nc: 3\nd: ~\ne:\nf: true\n")

    assert doc.data == {
        "a": Ambiguous("14:30", "the base-60 number 870"),
        "b": Ambiguous("no", "false"),
        "c": 3,
        "d": None,
        "e": None,
        "f": True,
    }


def test_keys_stay_text() -> None:
    """Mapping keys are never typed: 1, true, no and 14:30 are the keys' text."""
    doc = read_yaml("1: a\ntrue: b\nno: c\n14:30: d\n")

    assert list(doc.data) == ["1", "true", "no", "14:30"]


def test_aliases_expand_to_the_anchored_value() -> None:
    """An alias stands for a copy of its anchor's value, located at the anchor."""
    doc = read_yaml("a: &x [1, 2]\nb: *x\n")

    assert doc.data == {"a": [1, 2], "b": [1, 2]}
    assert doc.root.locate(("b", 1)) == (1, 11)


def test_utf8_bom_is_skipped() -> None:
    """A UTF-8 byte order mark is dropped and does not shift columns."""
    doc = read_yaml("\ufeffa: 1\n".encode())

    assert doc.data == {"a": 1}
    assert doc.root.locate(("a",)) == (1, 4)


def test_one_explicit_document_is_fine() -> None:
    """Explicit start and end markers around a single document are accepted."""
    assert read_yaml("---\na: 1\n...\n").data == {"a": 1}


def test_standard_collection_tags_are_allowed() -> None:
    """!!map, !!seq and !!str are plain data and accepted."""
    doc = read_yaml("a: !!map {x: !!str 1}\nb: !!seq [1]\n")

    assert doc.data == {"a": {"x": "1"}, "b": [1]}


# --------------------------------------------------------------------------- problems


def test_syntax_error() -> None:
    """A syntax error is located where the parser found it."""
    problem = problem_of("a: 1\nb: c: d\n")

    assert at(problem) == (2, 5)
    assert problem.code == "yaml"
    assert "YAML syntax error: mapping values are not allowed" in problem.message


def test_tab_indentation_is_a_syntax_error() -> None:
    """A tab used for indentation is reported at the tab."""
    problem = problem_of("a:\n\t- b\n")

    assert at(problem) == (2, 1)
    assert "found character that cannot start any token" in problem.message


def test_unclosed_flow_sequence() -> None:
    """An unclosed flow sequence is reported where the parser gives up."""
    problem = problem_of("a: [1, 2\nb: 3\n")

    assert at(problem) == (2, 2)
    assert "did not find expected ',' or ']'" in problem.message


def test_duplicate_key_names_the_first() -> None:
    """A repeated key is reported at the repeat, naming the first definition's position."""
    problem = problem_of("a: 1\nb:\n  c: 2\n  d: 3\n  c: 4\n")

    assert at(problem) == (5, 3)
    assert problem.code == "duplicate-key"
    assert problem.message == "duplicate key 'c' (first defined at line 3, column 3)"


def test_duplicate_key_in_flow_mapping() -> None:
    """Duplicate keys in a flow mapping are caught too."""
    problem = problem_of("x: {a: 1, a: 2}\n")

    assert at(problem) == (1, 11)
    assert "first defined at line 1, column 5" in problem.message


def test_merge_key_is_refused() -> None:
    """The YAML 1.1 merge key << is refused at the key."""
    problem = problem_of("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")

    assert at(problem) == (3, 3)
    assert "merge keys (<<) are not supported" in problem.message


@pytest.mark.parametrize(
    ("source", "position"),
    [("? [a, b]\n: c\n", (1, 3)), ("x: 1\n? a: 1\n  b: 2\n: x\n", (2, 3))],
)
def test_collection_keys_are_refused_at_the_key(source: str, position: tuple[int, int]) -> None:
    """A sequence or mapping used as a key is refused at the key's start."""
    problem = problem_of(source)

    assert at(problem) == position
    assert problem.message == "mapping keys must be plain text, not collections"


@pytest.mark.parametrize(
    ("source", "tag"),
    [
        ("a: !!python/object/apply:os.system ['echo pwned']\n", "python/object/apply:os.system"),
        ("a: !!python/name:os.system ''\n", "python/name:os.system"),
        ("a: !!binary aGk=\n", "binary"),
        ("a: !!set {x, y}\n", "set"),
        ("a: !!timestamp 2015-12-08\n", "timestamp"),
        ("a: !!int 3\n", "int"),
        ("a: !custom 3\n", "!custom"),
    ],
)
def test_tags_other_than_plain_data_are_refused(source: str, tag: str) -> None:
    """Python object tags and every non-standard or typing tag are refused at the node."""
    problem = problem_of(source)

    assert at(problem) == (1, 4)
    assert problem.code == "tag"
    assert tag in problem.message
    assert "is not allowed (only plain data is)" in problem.message


def test_python_tag_on_the_root_is_refused() -> None:
    """A tag on the document's root node is refused too."""
    problem = problem_of("# x\n!!python/object/apply:os.system ['echo pwned']\n")

    assert at(problem) == (2, 1)
    assert problem.code == "tag"


def test_multiple_documents_are_refused() -> None:
    """A second document is refused where it starts."""
    problem = problem_of("a: 1\n---\nb: 2\n")

    assert at(problem) == (2, 1)
    assert problem.message == "only one YAML document is allowed per file"


@pytest.mark.parametrize("source", ["", "\n\n", "# only a comment\n", b"", b"\xef\xbb\xbf"])
def test_empty_file(source: str | bytes) -> None:
    """A file without a document is an 'empty' problem with no position."""
    problem = problem_of(source)

    assert at(problem) == (0, 0)
    assert problem.code == "empty"
    assert problem.message == "the file is empty"


@pytest.mark.parametrize(
    ("source", "position", "anchor"),
    [("a: *nope\n", (1, 4), "nope"), ("a: &x [1, *x]\n", (1, 11), "x")],
)
def test_unknown_and_recursive_aliases(source: str, position: tuple[int, int], anchor: str) -> None:
    """An alias to an undefined anchor, or to the node it is inside, is refused."""
    problem = problem_of(source)

    assert at(problem) == position
    assert problem.message == f"unknown or recursive alias *{anchor}"


def test_node_limit_counts_alias_expansion() -> None:
    """Each alias costs the size of its anchor's value; the alias that exceeds the limit fails."""
    # root, key a, the list and its 99 items: 102 nodes; key b and its list: 104;
    # each *a then adds 100, so the 9th alias reaches 1004 > 1000.
    items = ", ".join(["x"] * 99)
    source = f"a: &a [{items}]\nb: [{', '.join(['*a'] * 12)}]\n"

    problem = problem_of(source, Limits(max_nodes=1000))

    assert at(problem) == (2, 5 + 8 * 4)
    assert problem.code == "too-large"
    assert "document expands to more than 1000 nodes" in problem.message
    read_yaml(source, limits=Limits(max_nodes=1304))  # 104 + 12 * 100 fit exactly


def test_alias_limit() -> None:
    """More aliases than the limit is a problem at the first alias over it."""
    problem = problem_of("a: &x 1\nb: [*x, *x, *x, *x]\n", Limits(max_aliases=3))

    assert at(problem) == (2, 17)
    assert problem.code == "too-many-aliases"
    assert problem.message == "more than 3 aliases"


def test_depth_limit() -> None:
    """A collection nested deeper than the limit is refused where it opens."""
    problem = problem_of("a: [[[1]]]\n", Limits(max_depth=3))

    assert at(problem) == (1, 6)
    assert problem.code == "too-deep"
    assert problem.message == "nesting deeper than 3 levels"
    assert read_yaml("a: [[1]]\n", limits=Limits(max_depth=3)).data == {"a": [[1]]}


def test_deep_block_nesting() -> None:
    """Block mappings count towards the depth limit like flow collections."""
    source = "".join("  " * i + f"k{i}:\n" for i in range(100))

    problem = problem_of(source)

    assert at(problem) == (65, 129)
    assert problem.code == "too-deep"


def test_ten_thousand_nested_sequences_do_not_recurse() -> None:
    """A 10000-deep flow sequence fails on the limit; with the limit lifted it is read fine."""
    source = "[" * 10_000 + "]" * 10_000

    problem = problem_of(source)

    assert at(problem) in {(1, 65), (1, 1001)}  # ours, or libyaml's own limit (PyYAML 6.0.4+)
    assert problem.code == "too-deep"

    data: Any
    try:
        data = read_yaml(source, limits=Limits(max_depth=20_000)).data
    except YamlProblem as exc:  # a libyaml that stops at 1000 levels whatever we allow
        data = exc.problem.code
    if data == "too-deep":
        return
    depth = 0
    while data:
        data = data[0]
        depth += 1
    assert depth == 9_999


def test_size_limit_counts_utf8_bytes() -> None:
    """Text over max_bytes (as UTF-8) is refused before parsing."""
    problem = problem_of("a: 測測測\n", Limits(max_bytes=10))

    assert at(problem) == (1, 1)
    assert problem.code == "too-large"
    assert problem.message == "file is 13 bytes, over the limit of 10 bytes"
    assert read_yaml("a: 測測測\n", limits=Limits(max_bytes=13)).data == {"a": "測測測"}


@pytest.mark.parametrize(
    "raw",
    [
        "a: 1\n".encode("utf-16"),
        b"\xff\xfe" + "a: 1\n".encode("utf-16-le"),
        b"\xfe\xff" + "a: 1\n".encode("utf-16-be"),
    ],
)
def test_utf16_is_refused(raw: bytes) -> None:
    """A UTF-16 byte order mark gives an encoding problem asking for UTF-8."""
    problem = problem_of(raw)

    assert at(problem) == (1, 1)
    assert problem.code == "encoding"
    assert problem.message == "file is UTF-16; save it as UTF-8"


def test_gbk_is_refused_at_the_first_bad_byte() -> None:
    """GBK text is not UTF-8: the problem points at the first byte that cannot be decoded."""
    raw = "a: 1\nb: 測試\n".encode("gbk")

    problem = problem_of(raw)

    assert at(problem) == (2, 4)
    assert problem.code == "encoding"
    assert problem.message == (
        f"not valid UTF-8 (byte 0x{'測'.encode('gbk')[0]:02x}); save the file as UTF-8"
    )


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_bad_byte_column_counts_characters(bom: bytes) -> None:
    """The column of a bad byte counts characters, like every other column, not bytes."""
    problem = problem_of(bom + "a: 測試".encode() + b"\xff\n")

    assert at(problem) == (1, 6)
    assert "byte 0xff" in problem.message


def test_lone_surrogate_in_text() -> None:
    """Text holding a lone surrogate is an encoding problem, not a UnicodeEncodeError."""
    problem = problem_of("a: 1\nb: x\ud800\n")

    assert at(problem) == (2, 5)
    assert problem.code == "encoding"
    assert "lone surrogate U+D800" in problem.message


@pytest.mark.parametrize("as_bytes", [False, True])
def test_control_character_column_counts_characters(as_bytes: bool) -> None:
    """A control character is located by characters even after multi-byte text."""
    text = "a: 1\nb: 測試\x07\n"

    problem = problem_of(text.encode() if as_bytes else text)

    assert at(problem) == (2, 6)
    assert problem.code == "yaml"
    assert "control characters are not allowed" in problem.message


# --------------------------------------------------------------------------- properties


def _assert_in_file(problem: Problem, text: str) -> None:
    # libyaml puts the end of a file that lacks a final line break on the line after it.
    lines = len(_LINE_BREAK.split(text)) + (0 if text.endswith(_BREAKS) else 1)
    assert 0 <= problem.line <= lines, (problem, lines)
    assert 0 <= problem.col <= len(text) + 1
    assert (problem.line == 0) == (problem.col == 0)


@given(st.text() | st.text(alphabet="{}[],:-?&*!|>'\"#%@ \n\tab1-~<.\ufeff\x85"))
def test_any_text_reads_or_raises_yaml_problem(text: str) -> None:
    """Arbitrary text either reads or raises YamlProblem located inside the text."""
    try:
        read_yaml(text)
    except YamlProblem as exc:
        _assert_in_file(exc.problem, text)


@given(st.binary())
def test_any_bytes_read_or_raise_yaml_problem(raw: bytes) -> None:
    """Arbitrary bytes either read or raise YamlProblem located inside the file."""
    try:
        read_yaml(raw)
    except YamlProblem as exc:
        _assert_in_file(exc.problem, raw.decode("utf-8", "replace"))


@pytest.mark.parametrize(
    "text",
    ["a: " + "9" * 5000 + "\n", '{"a": -' + "1" * 5000 + "}\n", "- +" + "7" * 4400 + "\n"],
    ids=["integer", "json-negative", "in-a-list"],
)
def test_a_number_too_long_for_python_is_a_located_problem(text: str) -> None:
    """A plain number past Python's cap on integer digits is refused where it stands, not
    with the ValueError ``int()`` raises."""
    found = problem_of(text)
    assert "too long to be read" in found.message
    assert (found.line, found.code) == (1, "too-long")


@pytest.mark.parametrize("anchored", ["5", "~", "true", "no"])
def test_an_alias_key_must_name_text(anchored: str) -> None:
    """An alias used as a mapping key that names a number, null or boolean is refused at the
    key: keys are text, and a non-text key would reach the models as no field at all."""
    found = problem_of(f"a: &x {anchored}\n*x : 1\n")
    assert "mapping keys must be plain text" in found.message
    assert found.line == 2


def test_an_alias_key_naming_text_is_that_text() -> None:
    """An alias naming a text scalar is an ordinary key."""
    assert read_yaml("a: &x b\n*x : 1\n").data == {"a": "b", "b": 1}
