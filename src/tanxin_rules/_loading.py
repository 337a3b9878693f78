"""Loading a policy file: strict YAML → parameter substitution → validation → :class:`Policy`.

Every failure becomes a :class:`~tanxin_rules.PolicyError` whose problems carry
``file:line:col``; nothing else escapes (a Hypothesis test feeds arbitrary text to prove it).
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from ._errors import PolicyError, Problem
from ._policy import HiddenTextError, Policy, ReferenceProblemsError
from ._yaml import Ambiguous, Document, Limits, Node, YamlProblem, decode, read_yaml

__all__ = ["decode_text", "load_policy", "looks_gbk", "read_limited", "validation_problems"]

_PARAM_KEY = "param"
_FIXED = {("tanxin",), ("parameters",)}
"""Top-level keys whose value may not be a parameter reference (the JSON Schema agrees)."""


def read_limited(path: str | os.PathLike[str], limits: Limits) -> bytes:
    """The bytes of a file, refusing (without reading it all) one over ``limits.max_bytes``."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise YamlProblem(Problem(f"cannot read file: {exc.strerror or exc}", file=name,
                                  code="io")) from None  # fmt: skip
    if len(raw) > limits.max_bytes:
        raise YamlProblem(
            Problem(f"file is over the limit of {limits.max_bytes} bytes", file=name, line=1,
                    col=1, code="too-large")
        )  # fmt: skip
    return raw


def decode_text(raw: str | bytes, *, file: str, limits: Limits) -> str:
    """UTF-8 text (a BOM is dropped), or a :class:`YamlProblem` saying what the bytes look like.

    :func:`~tanxin_rules._yaml.decode`, with a diagnosis when the bytes are not UTF-8: a file
    that is mostly NUL bytes is UTF-16 or UTF-32 saved without a byte-order mark (whose ASCII
    would otherwise pass as UTF-8 with NULs in it), and one whose bytes read as Chinese in
    GBK / GB18030 says so (see :func:`looks_gbk`). Shared by every reader of an untrusted file:
    policies, holiday calendars, meetings, rosters and histories.
    """
    if isinstance(raw, bytes) and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        sample = raw[:4096]
        if sample.count(0) * 4 >= len(sample) > 1:
            raise YamlProblem(
                Problem(
                    "the file is mostly NUL bytes: it looks like UTF-16 or UTF-32 without"
                    " a byte-order mark; save it as UTF-8",
                    file=file,
                    line=1,
                    col=1,
                    code="encoding",
                )
            )
    try:
        return decode(raw, file=file, limits=limits)
    except YamlProblem as exc:
        problem = exc.problem
        if problem.code == "encoding" and isinstance(raw, bytes) and looks_gbk(raw):
            problem = replace(
                problem,
                message=problem.message.replace(
                    "save the file as UTF-8",
                    "it looks like GBK / GB18030 (common in spreadsheet exports in China);"
                    " save the file as UTF-8",
                ),
            )
            raise YamlProblem(problem) from None
        raise


def looks_gbk(raw: bytes) -> bool:
    """Whether ``raw`` (not UTF-8) reads as Chinese text in GBK / GB18030.

    Its first 64 KiB must decode as GB18030 (a character cut at the end of the sample aside)
    and hold at least one CJK ideograph.
    """
    chunk = raw[:65536]
    try:
        text = chunk.decode("gb18030")
    except UnicodeDecodeError as exc:
        if exc.start < len(chunk) - 4:  # a real error, not a character cut at the chunk's end
            return False
        text = chunk[: exc.start].decode("gb18030", "replace")
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def load_policy(
    path: str | os.PathLike[str] | None = None,
    *,
    text: str | bytes | None = None,
    name: str | None = None,
    limits: Limits | None = None,
) -> Policy:
    """Read and validate a policy from a file ``path`` or from ``text``.

    ``name`` is the file name used in messages (default: the path, or ``<string>``).
    ``limits`` bounds size, nesting depth, node count and aliases (see :class:`Limits`).
    Raises :class:`PolicyError` listing every problem found, each with ``file:line:col``.
    Bytes that are not UTF-8 are refused with what they look like (GBK, UTF-16 without a
    byte-order mark), as for every other file (:func:`decode_text`).
    """
    if (path is None) == (text is None):
        raise TypeError("give exactly one of path and text")
    limits = limits or Limits()
    file = name or (os.fspath(path) if path is not None else "<string>")
    try:
        raw = read_limited(path, limits) if path is not None else text
        assert raw is not None
        document = read_yaml(decode_text(raw, file=file, limits=limits), file=file, limits=limits)
    except YamlProblem as exc:
        raise PolicyError([exc.problem]) from None
    return policy_from_document(document)


def policy_from_document(document: Document) -> Policy:
    """Validate an already-read document as a policy."""
    file = document.file
    if not isinstance(document.data, dict):
        raise PolicyError([Problem("a policy must be a mapping of keys to values", file=file,
                                   line=document.root.line, col=document.root.col)])  # fmt: skip
    try:
        data, uses, problems = _substitute(document)
        if problems:
            raise PolicyError(problems)
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(validation_problems(exc, document, uses)) from None
    except RecursionError:  # only when the caller raised Limits.max_depth far
        raise PolicyError([Problem("policy is nested too deeply to validate", file=file,
                                   line=1, col=1, code="too-deep")]) from None  # fmt: skip
    policy._parameter_uses = {k: tuple(v) for k, v in uses.items()}
    return policy


def _substitute(
    document: Document,
) -> tuple[Any, dict[str, list[tuple[str | int, ...]]], list[Problem]]:
    """Replace every ``{param: id}`` (outside ``parameters``) by the parameter's value."""
    data = document.data
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    params = data.get("parameters")
    if isinstance(params, list):
        for i, entry in enumerate(params):
            if isinstance(entry, dict) and isinstance(entry.get("id"), str) and "value" in entry:
                values.setdefault(entry["id"], entry["value"])
                if _contains_ref(entry["value"]):
                    line, col = document.root.locate(("parameters", i, "value"))
                    problems.append(Problem("a parameter's value cannot refer to another "
                                            "parameter", file=document.file, line=line, col=col,
                                            path=("parameters", i, "value")))  # fmt: skip
    uses: dict[str, list[tuple[str | int, ...]]] = {}

    def walk(value: Any, path: tuple[str | int, ...]) -> Any:
        if isinstance(value, dict):
            if len(value) == 1 and _PARAM_KEY in value and path in _FIXED:
                line, col = document.root.locate(path)
                problems.append(Problem(f"{path[0]} cannot be given by a parameter",
                                        file=document.file, line=line, col=col, path=path,
                                        code="parameter-not-allowed"))  # fmt: skip
                return value
            if len(value) == 1 and _PARAM_KEY in value and path[:1] != ("parameters",):
                ref = value[_PARAM_KEY]
                if isinstance(ref, str) and ref in values:
                    uses.setdefault(ref, []).append(path)
                    return values[ref]
                line, col = document.root.locate((*path, _PARAM_KEY))
                known = ", ".join(sorted(values)) or "none are defined"
                problems.append(Problem(f"unknown parameter {ref!r} (known: {known})",
                                        file=document.file, line=line, col=col,
                                        path=path, code="unknown-parameter"))  # fmt: skip
                return value
            return {k: walk(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, (*path, i)) for i, v in enumerate(value)]
        return value

    return walk(data, ()), uses, problems


def _contains_ref(value: Any) -> bool:
    if isinstance(value, dict):
        return (len(value) == 1 and _PARAM_KEY in value) or any(
            _contains_ref(v) for v in value.values()
        )
    if isinstance(value, list):
        return any(_contains_ref(v) for v in value)
    return False


def validation_problems(
    exc: ValidationError,
    document: Document,
    uses: dict[str, list[tuple[str | int, ...]]] | None = None,
) -> list[Problem]:
    """Pydantic errors as located problems, sorted by position, without repeats."""
    through = {tuple(p): pid for pid, paths in (uses or {}).items() for p in paths}
    out: dict[tuple[int, int, str], Problem] = {}
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        ctx_error = (error.get("ctx") or {}).get("error")
        if isinstance(ctx_error, ReferenceProblemsError | HiddenTextError):
            code = ctx_error.code if isinstance(ctx_error, HiddenTextError) else "reference"
            base = _data_path(document.root, loc)
            for path, message in ctx_error.problems:
                _add(out, document, (*base, *path), message, code, through)
            continue
        message = _message(error)
        at_key = error["type"] == "extra_forbidden"
        path = _data_path(document.root, loc)
        substituted = any(path[:n] in through for n in range(1, len(path) + 1))
        if (
            error["type"] != "missing"
            and path
            and not substituted
            and (document.root.child(*path) is None)
        ):
            path = path[:-1]  # a union tag or validator step, not a key of the document
        _add(out, document, path, message, error["type"], through, at_key=at_key)
    return sorted(out.values(), key=lambda p: (p.line, p.col, p.message))


def _add(
    out: dict[tuple[int, int, str], Problem],
    document: Document,
    path: tuple[str | int, ...],
    message: str,
    code: str,
    through: dict[tuple[str | int, ...], str],
    *,
    at_key: bool = False,
) -> None:
    line, col = document.root.locate(path, at_key=at_key)
    # an unknown key is the key's fault, not the parameter's that gave its value
    for n in range(len(path) - at_key, 0, -1):
        if path[:n] in through:
            message += f" (in the value of parameter {through[path[:n]]!r})"
            break
    where = _dotted(path)
    text = f"{where}: {message}" if where else message
    out.setdefault((line, col, text), Problem(text, file=document.file, line=line, col=col,
                                              path=path, code=code))  # fmt: skip


def _data_path(root: Node, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """The part of a Pydantic ``loc`` that names real keys and indexes in the document."""
    return _match(root, loc, 0)[1]


def _match(node: Node, loc: tuple[Any, ...], start: int) -> tuple[int, tuple[str | int, ...]]:
    """How many parts of ``loc[start:]`` name real children from ``node``, and that path.

    A union tag can also be a key (the talker ``{by: group, group: ...}`` is tagged
    ``group``): when taking a part as a key lands on a scalar with parts still to go, the
    reading that skips it wins if it matches any of the rest.
    """
    path: list[str | int] = []
    matched = 0
    last = len(loc) - 1
    for i in range(start, len(loc)):
        part = loc[i]
        child = node.child(part) if isinstance(part, str | int) else None
        if child is not None:
            if child.children is None and i < last:
                skipped, rest = _match(node, loc, i + 1)
                if skipped:
                    return matched + skipped, (*path, *rest)
            path.append(part)
            node = child
            matched += 1
        elif i == last and isinstance(part, str) and not _is_tag(part):
            path.append(part)  # a missing field: keep its name for the message
    return matched, tuple(path)


def _is_tag(part: str) -> bool:
    return part.startswith(("function-", "json-or-python", "lax-or-strict", "union["))


def _message(error: Any) -> str:
    value = error.get("input")
    kind = error["type"]
    if kind == "extra_forbidden":  # whatever its value: a misspelt key is the news
        return "unknown key (not part of the policy language; check the spelling)"
    if isinstance(value, Ambiguous) and kind != "value_error":
        return value.hint()  # a validator that took the text (a clock) says what is wrong
    if kind == "missing":
        return "required key is missing"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
