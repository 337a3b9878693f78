"""Strict, located YAML reading for untrusted files.

Policy files arrive in pull requests and rosters arrive from HR exports: neither is trusted.
This module reads YAML from the *event stream* (PyYAML's parser is iterative, so deep nesting
cannot blow the Python stack) and builds plain ``dict`` / ``list`` / scalar data itself, with:

- safe loading only: no tags but the standard ones, no Python objects, no merge keys (``<<``);
- duplicate keys rejected, non-scalar keys rejected, one document per file;
- YAML 1.2 core typing for plain scalars (``true``/``false``, decimal ints and floats, ``null``);
  every plain scalar that YAML 1.1 tools would type differently (``no`` → False, ``14:30`` →
  870, ``010`` → 8, ``1_000``, ``0x1F``, ``.inf``) becomes an :class:`Ambiguous` value that
  typed fields refuse with a message saying how to write it, instead of being silently accepted;
- dates are *not* resolved here: ``2015-12-08`` stays text until a field that expects a date
  parses it, so dates appear only where a date is expected;
- limits on size, nesting depth, node count and alias expansion, checked while reading, so a
  "billion laughs" file fails fast.

Alongside the data it returns a :class:`Node` tree of positions, so any later error with a
path of keys (e.g. a Pydantic ``loc``) can be reported as ``file:line:col``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ._errors import Problem

__all__ = ["Ambiguous", "Document", "Limits", "Node", "YamlProblem", "read_yaml"]

try:  # libyaml's parser is several times faster; both give the same events and marks.
    _Parser: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = yaml.SafeLoader

_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_SAFE_TAGS = {None, "!"}

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_FLOAT_11 = re.compile(  # what YAML 1.1 reads as a float: a dot, a signed exponent
    r"[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
)
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL_11 = {
    "y": True, "Y": True, "yes": True, "Yes": True, "YES": True, "on": True, "On": True,
    "ON": True, "True": True, "TRUE": True, "n": False, "N": False, "no": False, "No": False,
    "NO": False, "off": False, "Off": False, "OFF": False, "False": False, "FALSE": False,
}  # fmt: skip
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_NUMBER_11 = re.compile(
    r"[-+]?(?:0b[01_]+|0[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*|(?:[0-9][0-9_]*)?\.[0-9_]*"
    r"(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF))|\.(?:nan|NaN|NAN)"
)


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one file may cost to read. Every field can be raised by the caller.

    The defaults suit policy files (hand-written, small); input readers pass larger ones.
    """

    max_bytes: int = 1_048_576
    max_depth: int = 64
    max_nodes: int = 200_000
    max_aliases: int = 1_000


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A plain scalar that YAML 1.1 tools would read as something else than its text.

    Typed fields refuse it (a strict model accepts no ``Ambiguous`` for ``str``, ``int`` or
    ``bool``); :func:`hint` explains how to write what was meant.
    """

    text: str
    reading: str

    def hint(self) -> str:
        """One sentence on the trap and the fix."""
        if self.reading in {"true", "false"}:
            fix = f"write {self.reading} for a boolean, or quote it ('{self.text}') for text"
        else:
            fix = f"quote it ('{self.text}') for text, or write a plain decimal number"
        return (
            f"unquoted `{self.text}` is ambiguous: YAML 1.1 tools read it as {self.reading}; {fix}"
        )


def _reading_11(text: str) -> str | None:
    if text in _BOOL_11:
        return "true" if _BOOL_11[text] else "false"
    if _SEXAGESIMAL.fullmatch(text):
        return f"the base-60 number {_sexagesimal_value(text)}"
    if _NUMBER_11.fullmatch(text):
        return _number_11(text)
    return None


def _number_11(text: str) -> str:
    body = text.lstrip("+-").replace("_", "")
    try:
        if body.startswith("0b"):
            return f"the binary number {int(body[2:], 2)}"
        if body.startswith("0x"):
            return f"the hexadecimal number {int(body[2:], 16)}"
        if body.startswith("0") and body.isdigit():
            return f"the octal number {int(body, 8)}"
        if body.isdigit():
            return f"the number {int(body)}"
    except ValueError:
        pass
    if body.lower().endswith(("inf", "nan")):
        return "an infinite or not-a-number float"
    return "a number"


def _sexagesimal_value(text: str) -> str:
    sign = -1 if text.startswith("-") else 1
    whole, _, frac = text.lstrip("+-").replace("_", "").partition(".")
    value = 0
    for part in whole.split(":"):
        value = value * 60 + int(part)
    return str(sign * value) + (f".{frac}" if frac else "")


def resolve_plain(text: str) -> Any:
    """Type a plain (unquoted, untagged) scalar the YAML 1.2 core way, refusing 1.1 traps."""
    if text in _NULL:
        return None
    if text == "true":
        return True
    if text == "false":
        return False
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text) and any(c.isdigit() for c in text):
        if not _FLOAT_11.fullmatch(text):  # 1e5, 1.0e5, -.5: text to YAML 1.1 tools
            return Ambiguous(text, "text")
        return float(text)
    reading = _reading_11(text)
    if reading is not None:
        return Ambiguous(text, reading)
    return text


@dataclass(slots=True)
class Node:
    """Where a value stands in the file (1-based), with the positions of its children."""

    line: int
    col: int
    children: dict[str, Node] | list[Node] | None = None
    key_positions: dict[str, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: tuple[Any, ...], *, at_key: bool = False) -> tuple[int, int]:
        """Position of the node at ``path``; path parts that do not match are skipped.

        Skipping lets a Pydantic ``loc`` (which names union members and validator steps
        between real keys) be resolved; the deepest matching node wins. With ``at_key`` the
        position of the last matching *key* is returned (used for unknown-field errors).
        """
        node = self
        key_pos: tuple[int, int] | None = None
        for part in path:
            children = node.children
            if isinstance(children, dict) and isinstance(part, str) and part in children:
                key_pos = node.key_positions.get(part)
                node = children[part]
            elif isinstance(children, list) and isinstance(part, int) and 0 <= part < len(children):
                key_pos = None
                node = children[part]
        if at_key and key_pos is not None:
            return key_pos
        return node.line, node.col

    def child(self, *path: str | int) -> Node | None:
        """The node at exactly ``path``, or None."""
        node: Node = self
        for part in path:
            children = node.children
            if isinstance(children, dict) and isinstance(part, str) and part in children:
                node = children[part]
            elif isinstance(children, list) and isinstance(part, int):
                if not 0 <= part < len(children):
                    return None
                node = children[part]
            else:
                return None
        return node


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed file: plain data, the position tree, and the file name for messages."""

    data: Any
    root: Node
    file: str


class YamlProblem(Exception):  # noqa: N818 - internal carrier of a Problem, never raised out
    """Internal: a located problem found while reading; converted by callers."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def decode(raw: bytes | str, *, file: str, limits: Limits) -> str:
    """Bytes to text: UTF-8 only (a BOM is allowed), size-limited, with a located error."""
    if isinstance(raw, str):
        try:
            size = len(raw.encode("utf-8"))
        except UnicodeEncodeError as exc:  # a lone surrogate: not text any file could hold
            head = raw[: exc.start]
            raise YamlProblem(
                Problem(
                    f"not valid Unicode text (lone surrogate U+{ord(raw[exc.start]):04X})",
                    file=file, line=head.count("\n") + 1,
                    col=exc.start - (head.rfind("\n") + 1) + 1, code="encoding",
                )
            ) from None  # fmt: skip
    else:
        size = len(raw)
    if size > limits.max_bytes:
        raise YamlProblem(
            Problem(
                f"file is {size} bytes, over the limit of {limits.max_bytes} bytes",
                file=file, line=1, col=1, code="too-large",
            )
        )  # fmt: skip
    if isinstance(raw, str):
        text = raw
    else:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise YamlProblem(
                Problem("file is UTF-16; save it as UTF-8", file=file, line=1, col=1,
                        code="encoding")
            )  # fmt: skip
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = raw[: exc.start]  # valid UTF-8: the error is the first one
            line = before.count(b"\n") + 1
            start = before[before.rfind(b"\n") + 1 :].decode("utf-8")
            col = len(start.removeprefix("\ufeff") if line == 1 else start) + 1  # characters
            raise YamlProblem(
                Problem(
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                    file=file, line=line, col=col, code="encoding",
                )
            ) from None  # fmt: skip
    return text.removeprefix("\ufeff")


def read_yaml(
    raw: bytes | str, *, file: str = "<string>", limits: Limits | None = None
) -> Document:
    """Read one YAML document strictly; raise :class:`YamlProblem` on the first problem."""
    limits = limits or Limits()
    text = decode(raw, file=file, limits=limits)
    return _Builder(file, limits).build(text)


class _Builder:
    def __init__(self, file: str, limits: Limits) -> None:
        self.file = file
        self.limits = limits
        self.anchors: dict[str, tuple[Any, Node, int]] = {}
        self.nodes = 0
        self.aliases = 0

    def fail(self, message: str, mark: Any, code: str = "yaml") -> YamlProblem:
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        return YamlProblem(Problem(message, file=self.file, line=line, col=col, code=code))

    def count(self, n: int, mark: Any) -> None:
        self.nodes += n
        if self.nodes > self.limits.max_nodes:
            raise self.fail(
                f"document expands to more than {self.limits.max_nodes} nodes"
                " (alias expansion or sheer size); refusing to read further",
                mark,
                "too-large",
            )

    def build(self, text: str) -> Document:
        # Frames: [container, node, start_count, anchor, pending_key, pending_key_mark].
        stack: list[list[Any]] = []
        result: tuple[Any, Node] | None = None
        documents = 0
        try:
            for event in yaml.parse(text, Loader=_Parser):
                result = self._event(event, stack, result, documents)
                if isinstance(event, yaml.DocumentStartEvent):
                    documents += 1
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            if "nesting depth" in str(exc.problem):  # libyaml >= 0.2.5 has its own limit (1000)
                raise self.fail(
                    f"nesting deeper than {min(self.limits.max_depth, 1000)} levels",
                    mark,
                    "too-deep",
                ) from None
            raise self.fail(f"YAML syntax error: {exc.problem or exc.context}", mark) from None
        except yaml.YAMLError as exc:  # reader errors: control characters and the like
            mark = getattr(exc, "mark", None) or _reader_mark(exc, text)
            raise self.fail(f"YAML error: {_reader_message(exc)}", mark) from None
        if result is None:
            raise self.fail("the file is empty", None, "empty")
        return Document(result[0], result[1], self.file)

    def _event(
        self, event: Any, stack: list[list[Any]], result: tuple[Any, Node] | None, documents: int
    ) -> tuple[Any, Node] | None:
        mark = event.start_mark
        if isinstance(event, yaml.DocumentStartEvent) and documents >= 1:
            raise self.fail("only one YAML document is allowed per file", mark)
        if isinstance(event, yaml.ScalarEvent):
            self._check_tag(event.tag, mark, scalar=True)
            awaiting_key = bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][4] is None
            if awaiting_key or event.tag == _STR_TAG or event.implicit[0] is False:
                value: Any = event.value
            else:
                try:
                    value = resolve_plain(event.value)
                except ValueError:  # Python's cap on integer digits (int_max_str_digits)
                    raise self.fail(
                        f"a number of {len(event.value)} characters is too long to be read",
                        mark,
                        "too-long",
                    ) from None
            node = Node(mark.line + 1, mark.column + 1)
            self.count(1, mark)
            if event.anchor:
                self.anchors[event.anchor] = (value, node, 1)
            return self._add(stack, value, node, mark, result)
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self._check_tag(event.tag, mark, scalar=False)
            if len(stack) >= self.limits.max_depth:
                raise self.fail(
                    f"nesting deeper than {self.limits.max_depth} levels", mark, "too-deep"
                )
            self.count(1, mark)
            if isinstance(event, yaml.MappingStartEvent):
                container: Any = {}
                node = Node(mark.line + 1, mark.column + 1, {})
            else:
                container = []
                node = Node(mark.line + 1, mark.column + 1, [])
            stack.append([container, node, self.nodes, event.anchor, None, None])
            return result
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            container, node, start, anchor, _, _ = stack.pop()
            if anchor:
                self.anchors[anchor] = (container, node, self.nodes - start + 1)
            return self._add(stack, container, node, event.start_mark, result)
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise self.fail(f"unknown or recursive alias *{event.anchor}", mark)
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                raise self.fail(
                    f"more than {self.limits.max_aliases} aliases", mark, "too-many-aliases"
                )
            value, node, size = self.anchors[event.anchor]
            self.count(size, mark)
            return self._add(stack, value, node, mark, result)
        return result

    def _check_tag(self, tag: str | None, mark: Any, *, scalar: bool) -> None:
        if tag in _PLAIN_SAFE_TAGS or (scalar and tag == _STR_TAG):
            return
        if not scalar and tag in {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}:
            return
        raise self.fail(f"YAML tag {tag!r} is not allowed (only plain data is)", mark, "tag")

    def _add(
        self, stack: list[list[Any]], value: Any, node: Node, mark: Any,
        result: tuple[Any, Node] | None,
    ) -> tuple[Any, Node] | None:  # fmt: skip
        if not stack:
            return (value, node)
        frame = stack[-1]
        container, parent = frame[0], frame[1]
        if isinstance(container, list):
            container.append(value)
            assert isinstance(parent.children, list)
            parent.children.append(node)
            return result
        if frame[4] is None:
            if isinstance(value, dict | list):  # at the key's start, not its end
                where = _Mark(node.line - 1, node.col - 1)
                raise self.fail("mapping keys must be plain text, not collections", where)
            if not isinstance(value, str):  # only an alias can put a non-text value here
                raise self.fail(
                    "mapping keys must be plain text; this alias names a value that is not", mark
                )
            key = value
            if key == "<<":
                raise self.fail("YAML merge keys (<<) are not supported; write the keys out", mark)
            if key in container:
                first = parent.key_positions[key]
                raise self.fail(
                    f"duplicate key {key!r} (first defined at line {first[0]}, column {first[1]})",
                    mark,
                    "duplicate-key",
                )
            frame[4] = (key,)
            frame[5] = (node.line, node.col)
            return result
        (key,) = frame[4]
        container[key] = value
        assert isinstance(parent.children, dict)
        parent.children[key] = node
        parent.key_positions[key] = frame[5]
        frame[4] = None
        return result


def _reader_message(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _reader_mark(exc: Exception, text: str) -> Any:
    position = getattr(exc, "position", None)
    if position is None:
        return None
    if _Parser is not yaml.SafeLoader:  # libyaml reports a UTF-8 byte offset, not characters
        position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
    before = text[:position]
    return _Mark(before.count("\n"), position - (before.rfind("\n") + 1))


@dataclass(frozen=True, slots=True)
class _Mark:
    line: int
    column: int
