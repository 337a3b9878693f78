"""Reading rosters and histories: YAML, JSON and CSV in; typed models, findings and lines out.

Two levels of trouble, kept apart so that no input record is ever silently dropped:

- the **file** must be usable as a whole: readable, UTF-8, within :class:`Limits`, well-formed
  (YAML / JSON / CSV syntax, no duplicate keys), of the right shape (a mapping with only the
  known top-level keys, each a list; a CSV header naming only known columns). Otherwise
  :class:`InputError` is raised, carrying every located problem found (``file:line:col``);
- each **record** (a unit, branch, person, talk, event or meeting) is validated on its own.
  A record that fails becomes a :class:`Finding` (code ``invalid-record``, severity ``error``,
  with the record's id — or ``#index``, its 0-based position in its list, when it has no
  usable id — its ``file`` and ``line``, and every problem with its field path) and is left
  out of the returned model; the rest of the file is used.

Alongside the model, :class:`Loaded` carries ``lines``: for every record that *was* kept,
``(record kind, id) → (file, line)``, so that later findings (the engine's) can point at it.

Where lines come from:

- YAML: the record's first line (the line of its ``-`` item), from the reader's position tree;
- CSV: the line on which the record's row starts (rows may span lines inside quotes);
- JSON: the fast path parses with :func:`json.loads` (C speed) and knows no positions, so
  lines are found only when asked for — when a finding needs one, or on the first look-up in
  ``lines``. One regular-expression pass over the text finds every ``"id": "…"`` pair in
  document order; they are matched to the records (whose own ids and nested reply-request ids
  are known, in the same order), and every match is checked against the record's id. A
  record's line is the line of its ``"id"`` key. Should any check fail (an escaped key such
  as ``"\\u0069d"``), or for a record without a text id (a meeting may have none), the exact
  fallback scans the file record by record with the C scanner and gives the line on which
  the record's ``{`` stands. Either way the cost is one linear pass, paid once per file.

Bulk loading pauses the cyclic garbage collector (millions of small containers would trigger
it again and again for nothing: a measured 3× on large JSON) and restores it afterwards.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import json.decoder
import json.scanner
import operator
import os
import re
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Generic, Literal, TypeVar, cast

from pydantic import TypeAdapter, ValidationError

from ._errors import InputError, Problem
from ._inputs import Branch, Event, History, Meeting, Person, Roster, Talk, Unit
from ._loading import decode_text, read_limited
from ._report import Finding, RecordKind
from ._types import Label
from ._yaml import Ambiguous, Limits, YamlProblem, read_yaml

__all__ = [
    "CSV_COLUMNS",
    "CSV_MAX_COLUMNS",
    "INPUT_LIMITS",
    "Format",
    "LineKey",
    "Loaded",
    "RecordLines",
    "load_history",
    "load_roster",
    "parse_history",
    "parse_roster",
]

T = TypeVar("T")

Format = Literal["yaml", "json", "csv"]
"""An input file format; a path's suffix decides (``.yaml``/``.yml``, ``.json``, ``.csv``)."""

LineKey = tuple[str, str]
"""``(record kind, record id)``, e.g. ``("talk", "T-2026-0001")``; the kind is a
:data:`~tanxin_rules._report.RecordKind` value (plain ``str`` here so that a caller's
``Mapping[tuple[str, str], ...]`` accepts it: mapping keys are invariant)."""

INPUT_LIMITS = Limits(max_bytes=512 * 1024 * 1024, max_depth=64, max_nodes=50_000_000)
"""Default limits for roster and history files: far above a policy's, still bounded.

``max_bytes`` bounds every format; ``max_depth``, ``max_nodes`` and ``max_aliases`` bound the
YAML reader; ``max_nodes`` also bounds the number of CSV cells. JSON nesting is bounded by the
parser itself (deeper than the interpreter's recursion limit is an :class:`InputError`).
"""

CSV_MAX_COLUMNS = 64
"""A CSV header with more columns than this is refused before any column is looked at."""

CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": (
        "id",
        "name",
        "roles",
        "unit",
        "unit_kind",
        "branch",
        "organisation",
        "oversees",
        "party_member",
        "party_joined",
        "hired",
        "born",
        "appointed",
        "left",
    ),
    "talks": (
        "id",
        "date",
        "time",
        "participants",
        "mode",
        "initiator",
        "topics",
        "answers_event",
        "reason",
    ),
    "events": ("id", "kind", "person", "date", "counterpart", "agreed_date"),
    "meetings": ("id", "kind", "date", "organisation", "branch"),
}
"""The columns of each CSV kind (a roster CSV is ``people``), in the documented order.

Columns may come in any order; only the required ones must be present (see ``_CSV_REQUIRED``).
"""

_CSV_REQUIRED: dict[str, tuple[str, ...]] = {
    "people": ("id", "name"),
    "talks": ("id", "date", "participants"),
    "events": ("id", "kind", "person", "date"),
    "meetings": ("kind", "date"),
}
_CSV_NAMES = {
    "people": "roster CSV",
    "talks": "talks CSV",
    "events": "events CSV",
    "meetings": "meetings CSV",
}
_CSV_LISTS = frozenset({"roles", "oversees", "participants", "topics"})
_CSV_VERBATIM = frozenset({"name", "reason"})
"""Free-text cells kept exactly as written (not stripped); every other cell is stripped."""
_CSV_TRUE = frozenset({"true", "True", "TRUE", "1"})
_CSV_FALSE = frozenset({"false", "False", "FALSE", "0"})

_ROSTER_SECTIONS: dict[str, RecordKind] = {
    "units": "unit",
    "branches": "branch",
    "people": "person",
}
_HISTORY_SECTIONS: dict[str, RecordKind] = {
    "talks": "talk",
    "events": "event",
    "meetings": "meeting",
}

_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "unit": TypeAdapter(Unit),
    "branch": TypeAdapter(Branch),
    "person": TypeAdapter(Person),
    "talk": TypeAdapter(Talk),
    "event": TypeAdapter(Event),
    "meeting": TypeAdapter(Meeting),
}
"""One validator per record kind, built once (building a TypeAdapter is the costly part)."""

_LIST_ADAPTERS: dict[str, TypeAdapter[list[Any]]] = {
    "unit": TypeAdapter(list[Unit]),
    "branch": TypeAdapter(list[Branch]),
    "person": TypeAdapter(list[Person]),
    "talk": TypeAdapter(list[Talk]),
    "event": TypeAdapter(list[Event]),
    "meeting": TypeAdapter(list[Meeting]),
}
"""The same, for a list of records at once (see :func:`_validate_chunk`)."""

_KIND_TEXT: dict[str, tuple[str, str]] = {
    "person": ("人員", "person"),
    "unit": ("單位", "unit"),
    "branch": ("黨支部", "Party branch"),
    "talk": ("談話", "talk"),
    "event": ("事件", "event"),
    "meeting": ("會議", "meeting"),
    "reply_request": ("書面答覆要求", "reply request"),
}

_MAX_DETAILS = 8
_MAX_DETAIL_CHARS = 240

# Characters no id, name, kind or date may hold: C0 and C1 controls, DEL, line and paragraph
# separators, bidirectional embeddings / overrides / isolates (they disguise names on screen)
# and lone surrogates (not text: no file or report could encode them).
_STRICT_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Free text (topics, reason, matter) may also hold tabs and line breaks.
_TEXT_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_FREE_TEXT = frozenset({"topics", "reason", "matter"})
# JSON text that may decode to one of the above: an escape for one, or a raw DEL, C1, separator
# or bidi character (raw C0 controls inside JSON strings are a syntax error). When a file has
# none, no record needs checking (the gate costs a few hundredths of a second per 100 MB).
_JSON_ESCAPE_GATE = re.compile(
    r"\\(?:u00[01]|u007[fF]|u00[89]|u[dD][89a-fA-F]|u20(?:2[89a-eA-E]|6[6-9])|[bfnrt])"
)
_JSON_RAW_GATE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_MESSAGE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)

_JSON_WS = re.compile(r"[ \t\n\r]*")
_scanstring: Callable[..., tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_JSONArray: Callable[..., tuple[list[Any], int]] = json.decoder.JSONArray  # type: ignore[attr-defined]
_py_make_scanner: Callable[[Any], Callable[[str, int], tuple[Any, int]]] = (
    json.scanner.py_make_scanner  # type: ignore[attr-defined]
)
_JSON_ID = re.compile(r'"id"[ \t\n\r]*:[ \t\n\r]*"([^"\\]*(?:\\.[^"\\]*)*)"', re.DOTALL)
_LONG_NUMBER = re.compile(r"-?[0-9]{4000,}")


# --------------------------------------------------------------------------- public results


class RecordLines(Mapping[LineKey, tuple[str, int]]):
    """Where each kept record stands: ``(record kind, id) → (file, line)``.

    A read-only mapping. For JSON input the lines are computed on the first look-up (one
    linear pass per file; see the module notes), so a caller that never asks pays nothing.
    Keys: every kept record with a text id, and every reply request (kind ``reply_request``)
    of a kept talk; a meeting without an id is keyed ``#n``, its 0-based index in the
    returned ``History.meetings``. When an id repeats, the first record keeps the key.

    Until its lines are computed, a JSON file's text is kept (one string per file).
    """

    __slots__ = ("_origins", "_where")

    def __init__(self) -> None:
        self._where: dict[str, dict[str, int | tuple[int, int]]] = {}
        self._origins: list[tuple[_Source, str]] = []

    def _origin(self, source: _Source, section: str) -> int:
        self._origins.append((source, section))
        return len(self._origins) - 1

    def _put(self, kind: str, rid: str, where: int | tuple[int, int]) -> None:
        self._where.setdefault(kind, {}).setdefault(rid, where)

    def __getitem__(self, key: LineKey) -> tuple[str, int]:
        kind, rid = key
        where = self._where.get(kind, {}).get(rid)
        if where is None:
            raise KeyError(key)
        return self._line(where)

    def _line(self, where: int | tuple[int, int]) -> tuple[str, int]:
        reply = None
        if isinstance(where, tuple):
            where, reply = where
        source, section = self._origins[where >> 40]
        index = where & ((1 << 40) - 1)
        positions = source.positions()
        if reply is None:
            line = positions.record(section, index)
        else:
            line = positions.reply(section, index, reply)
        return source.file, line or 0  # 0: unknown (not expected: every kept record is placed)

    def __iter__(self) -> Iterator[LineKey]:
        for kind, ids in self._where.items():
            for rid in ids:
                yield kind, rid

    def __len__(self) -> int:
        return sum(len(ids) for ids in self._where.values())

    def to_dict(self) -> dict[LineKey, tuple[str, int]]:
        """Every entry as a plain dict, built with the cyclic GC paused.

        ``dict(lines)`` gives the same, but with the collector running it is several times
        slower on millions of records; a caller that only looks records up should use
        :meth:`get` and copy nothing.
        """
        with gc_paused():
            return {
                (kind, rid): self._line(where)
                for kind, ids in self._where.items()
                for rid, where in ids.items()
            }

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 2:
            return False
        return key[1] in self._where.get(key[0], {})

    def __repr__(self) -> str:
        return f"<RecordLines: {len(self)} records>"


@dataclass(frozen=True, slots=True)
class Loaded(Generic[T]):
    """What reading gives: the model, findings about unusable records, and record lines.

    ``findings`` holds one ``invalid-record`` finding per record left out (plus, for a CSV
    roster, warnings about unit kinds); ``lines`` maps ``(record kind, id)`` of every kept
    record to ``(file, line)`` (see :class:`RecordLines`).
    """

    value: T
    findings: list[Finding]
    lines: RecordLines


# --------------------------------------------------------------------------- public API


def load_roster(
    path: str | os.PathLike[str], *, fmt: Format | None = None, limits: Limits | None = None
) -> Loaded[Roster]:
    """Read a roster file: ``.yaml``/``.yml``, ``.json`` or ``.csv`` (or as ``fmt`` says).

    Raises :class:`InputError` when the file is unusable as a whole; records that are not
    usable become findings. ``limits`` defaults to :data:`INPUT_LIMITS`.
    """
    limits = limits or INPUT_LIMITS
    file = os.fspath(path)
    kind = _format_of(file, fmt)
    raw = _read(file, limits)
    return _roster_from(raw, file, kind, limits)


def parse_roster(
    data: str | bytes,
    *,
    fmt: Format,
    name: str = "<string>",
    limits: Limits | None = None,
) -> Loaded[Roster]:
    """Read a roster from text or bytes in memory; ``name`` is the file name in messages."""
    return _roster_from(data, name, _check_format(fmt), limits or INPUT_LIMITS)


def load_history(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    fmt: Format | None = None,
    limits: Limits | None = None,
) -> Loaded[History]:
    """Read one or several history files and merge them, in the order given.

    Each file is YAML or JSON (``{talks, events, meetings}``, any of them) or CSV (talks,
    events or meetings, recognised by the header). Problems of every file are gathered into
    one :class:`InputError`. Records of all files are kept in file order; ids are not
    de-duplicated here (the engine reports duplicates), and ``lines`` names the first.
    """
    limits = limits or INPUT_LIMITS
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    reader = _Reader(_HISTORY_SECTIONS)
    problems: list[Problem] = []
    with gc_paused():
        for path in paths:
            file = os.fspath(path)
            try:
                kind = _format_of(file, fmt)
                source = _parse(_read(file, limits), file, kind, limits, _HISTORY_SECTIONS)
                reader.add(source)  # (the file's bytes are freed by now: a lower peak)
                del source
            except InputError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InputError(problems)
        return reader.history()


def parse_history(
    data: str | bytes,
    *,
    fmt: Format,
    name: str = "<string>",
    limits: Limits | None = None,
) -> Loaded[History]:
    """Read one history document from text or bytes in memory (see :func:`load_history`)."""
    kind = _check_format(fmt)
    reader = _Reader(_HISTORY_SECTIONS)
    with gc_paused():
        reader.add(_parse(data, name, kind, limits or INPUT_LIMITS, _HISTORY_SECTIONS))
        return reader.history()


def _roster_from(data: str | bytes, file: str, fmt: Format, limits: Limits) -> Loaded[Roster]:
    reader = _Reader(_ROSTER_SECTIONS)
    with gc_paused():
        source = _parse(data, file, fmt, limits, _ROSTER_SECTIONS)
        reader.add(source)
        if fmt == "csv":
            reader.derive_units(source)
        return reader.roster()


# --------------------------------------------------------------------------- plumbing


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector while bulk-loading; restore it only if it was on.

    On the way out, everything the collector tracks is moved to its oldest generation
    (``gc.freeze()`` then ``gc.unfreeze()``, which only splices lists): otherwise the millions
    of objects allocated during the pause would all sit in the youngest generation, and the
    next three collections (young, middle, full) would each walk all of them — measured at
    2 s after reading a million talks. Moved, they are walked at most once, by a later full
    collection; nothing becomes uncollectable. Skipped when the process has frozen objects
    itself (a pre-fork server, say), so as not to unfreeze them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _check_format(fmt: str) -> Format:
    if fmt not in ("yaml", "json", "csv"):
        raise ValueError(f"fmt must be 'yaml', 'json' or 'csv', not {fmt!r}")
    return cast(Format, fmt)


def _format_of(file: str, fmt: Format | None) -> Format:
    if fmt is not None:
        return _check_format(fmt)
    suffix = os.path.splitext(file)[1].lower()
    found = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv"}.get(suffix)
    if found is None:
        raise InputError(
            [
                Problem(
                    f"cannot tell the format from the file name (suffix {suffix or 'none'!r});"
                    " name it .yaml, .yml, .json or .csv",
                    file=file,
                    code="format",
                )
            ]
        )
    return cast(Format, found)


def _read(file: str, limits: Limits) -> bytes:
    try:
        return read_limited(file, limits)
    except YamlProblem as exc:
        raise InputError([exc.problem]) from None


def _text(raw: str | bytes, file: str, limits: Limits) -> str:
    """UTF-8 text (a BOM is dropped) or an :class:`InputError` saying what the bytes look like.

    The diagnosis (GBK, UTF-16 without a byte-order mark) is :func:`decode_text`'s, shared
    with the policy, holiday and meetings readers.
    """
    try:
        return decode_text(raw, file=file, limits=limits)
    except YamlProblem as exc:
        raise InputError([exc.problem]) from None


def _parse(
    raw: str | bytes, file: str, fmt: Format, limits: Limits, sections: dict[str, RecordKind]
) -> _Source:
    text = _text(raw, file, limits)
    if fmt == "yaml":
        return _parse_yaml(text, file, limits, sections)
    if fmt == "json":
        return _parse_json(text, file, sections, raw)
    return _parse_csv(text, file, limits, sections)


def _clean(text: str) -> str:
    """``text`` safe to print: controls, separators, bidi marks and surrogates escaped."""
    return _UNSAFE_IN_MESSAGE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of character offset ``pos`` (lines end at ``\\n``)."""
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


# --------------------------------------------------------------------------- positions


class _Positions:
    """Lines of one file's records, by top-level section and index."""

    def record(self, section: str, index: int) -> int | None:
        raise NotImplementedError

    def reply(self, section: str, index: int, j: int) -> int | None:
        raise NotImplementedError


class _ListPositions(_Positions):
    """Lines known while reading (YAML, CSV)."""

    def __init__(
        self,
        records: dict[str, list[int]],
        replies: dict[tuple[str, int], list[int]] | None = None,
    ) -> None:
        self._records = records
        self._replies = replies or {}

    def record(self, section: str, index: int) -> int | None:
        lines = self._records.get(section)
        return lines[index] if lines is not None and 0 <= index < len(lines) else None

    def reply(self, section: str, index: int, j: int) -> int | None:
        lines = self._replies.get((section, index))
        if lines is not None and 0 <= j < len(lines):
            return lines[j]
        return self.record(section, index)


@dataclass(frozen=True, slots=True)
class _Spec:
    """What an unusable JSON record holds: its own text id and its count of text ``id`` keys."""

    own: str | None
    count: int


class _JsonPositions(_Positions):
    """Lines of a JSON file's records, computed on first use (see the module notes)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self.entries: dict[str, list[Any]] = {}
        """Per section, in document order: the kept model, or a :class:`_Spec`."""
        self.unusual: dict[str, list[int]] = {}
        """Per section, ascending: the entries that are not a model with one text id, its
        own — a :class:`_Spec`, a talk with reply requests, a meeting without an id."""
        self._records: dict[str, Sequence[int | None]] | None = None
        self._replies: dict[tuple[str, int], list[int]] = {}

    def record(self, section: str, index: int) -> int | None:
        lines = self._compute().get(section)
        return lines[index] if lines is not None and 0 <= index < len(lines) else None

    def reply(self, section: str, index: int, j: int) -> int | None:
        self._compute()
        lines = self._replies.get((section, index))
        if lines is not None and 0 <= j < len(lines):
            return lines[j]
        return self.record(section, index)

    def _compute(self) -> dict[str, Sequence[int | None]]:
        if self._records is None:
            with gc_paused():
                found = self._by_ids() or self._exact()
                # Kept as machine integers where every record has a line: 8 bytes a record
                # instead of a Python int and its pointer (a million records: 30 MB less).
                self._records = {
                    section: array("q", cast("list[int]", lines)) if None not in lines else lines
                    for section, lines in found.items()
                }
            self._text = ""  # the text is no longer needed
            self.entries = {}
        return self._records

    def _by_ids(self) -> dict[str, list[int | None]] | None:
        """Lines from the ``"id": "…"`` pairs; None when they do not match the records."""
        text = self._text
        matches = list(_JSON_ID.finditer(text))
        positions: list[int] = [m.start() for m in matches]
        values: list[str] = [m[1] for m in matches]
        if "\\" in text:  # escaped quotes and ids are possible: the careful pass
            positions, values = [], []
            for match in matches:
                start = match.start()
                if start and text[start - 1] == "\\":  # an escaped quote inside a longer key
                    continue
                value = match[1]
                if "\\" in value:
                    try:
                        value = json.loads(f'"{value}"')
                    except ValueError:
                        return None
                positions.append(start)
                values.append(value)
        del matches
        lines = _lines_at(text, positions)
        out: dict[str, list[int | None]] = {}
        replies: dict[tuple[str, int], list[int]] = {}
        k = 0
        total = len(values)
        missing = False
        for section, entries in self.entries.items():
            found: list[int | None] = []
            unusual = self.unusual.get(section, [])
            done = 0
            for index in [*unusual, len(entries)]:
                # Entries done…index are models each holding one text id, their own: the
                # ids found must be theirs, in order (compared as lists, at C speed).
                run = index - done
                if run:
                    if k + run > total or values[k : k + run] != [
                        e.id for e in entries[done:index]
                    ]:
                        return None
                    found.extend(lines[k : k + run])
                    k += run
                if index == len(entries):
                    break
                done = index + 1
                entry = entries[index]
                others: tuple[str, ...] = ()
                if isinstance(entry, _Spec):
                    own, count = entry.own, entry.count
                else:
                    own = entry.id
                    if type(entry) is Talk:
                        others = tuple(r.id for r in entry.reply_requests)
                    count = (own is not None) + len(others)
                if k + count > total:
                    return None
                if own is None:
                    found.append(None)
                    missing = True
                    k += count
                    continue
                if count == 1:
                    if values[k] != own:
                        return None
                    found.append(lines[k])
                    k += 1
                    continue
                window = values[k : k + count]
                try:
                    at = window.index(own)
                except ValueError:
                    return None
                found.append(lines[k + at])
                if others:
                    rest = [i for i in range(count) if i != at]
                    if [window[i] for i in rest] != list(others):
                        return None
                    replies[(section, index)] = [lines[k + i] for i in rest]
                k += count
            out[section] = found
        if k != total:
            return None
        self._replies = replies
        if missing:
            exact = self._exact()
            for section, found in out.items():
                fill = exact.get(section, [])
                for index, line in enumerate(found):
                    if line is None and index < len(fill):
                        found[index] = fill[index]
        return out

    def _exact(self) -> dict[str, list[int | None]]:
        """Lines where each record's ``{`` stands, by scanning record by record."""
        try:
            layout = _json_layout(self._text, _PLAIN_SCAN)
        except (ValueError, StopIteration, RecursionError):  # pragma: no cover - parsed before
            return {}
        out: dict[str, list[int | None]] = {}
        for key, _, _, starts in layout:
            if starts is not None and key in self.entries:
                out[key] = list(_lines_at(self._text, starts))
        return out


def _skip(text: str, i: int) -> int:
    """The offset after JSON whitespace at ``i``."""
    match = _JSON_WS.match(text, i)
    return match.end() if match else i


def _lines_at(text: str, positions: list[int]) -> list[int]:
    """Line (1-based) of each offset; ``positions`` ascending."""
    out: list[int] = []
    append = out.append
    count = text.count
    line = 1
    prev = 0
    for pos in positions:
        line += count("\n", prev, pos)
        prev = pos
        append(line)
    return out


# --------------------------------------------------------------------------- sources


@dataclass(slots=True)
class _BadRow:
    """A CSV row that could not be made into a record, or only partly."""

    ref: str | None
    problems: list[str]
    data: dict[str, Any] | None = None
    """What could be read of the row, validated too so that every problem is reported."""


@dataclass(slots=True)
class _Source:
    """One read file: its records by section (document order) and how to find their lines."""

    file: str
    fmt: Format
    sections: dict[str, list[Any]]
    check_controls: bool
    listed: _Positions | None = None
    json: _JsonPositions | None = None
    unit_kinds: list[str | None] | None = None
    """CSV roster: each row's ``unit_kind`` cell (not a field of :class:`Person`)."""

    def positions(self) -> _Positions:
        if self.json is not None:
            return self.json
        assert self.listed is not None
        return self.listed


def _shape_problems(
    data: Any,
    file: str,
    sections: dict[str, RecordKind],
    locate: Callable[[str | None, bool], tuple[int, int]],
) -> list[Problem]:
    """Whole-file problems: not a mapping, unknown top-level keys, a section that is no list."""
    known = ", ".join(sections)
    if not isinstance(data, dict):
        line, col = locate(None, False)
        return [
            Problem(
                f"expected a mapping with the keys {known}, got {_type_name(data)}",
                file=file,
                line=line,
                col=col,
                code="shape",
            )
        ]
    problems: list[Problem] = []
    for key, value in data.items():
        if key not in sections:
            line, col = locate(key, True)
            problems.append(
                Problem(
                    f"unknown top-level key {_cut(_clean(repr(key)), 80)} (expected {known})",
                    file=file,
                    line=line,
                    col=col,
                    path=(key,),
                    code="unknown-key",
                )
            )
        elif value is not None and not isinstance(value, list):
            line, col = locate(key, False)
            problems.append(
                Problem(
                    f"{key}: expected a list of records, got {_type_name(value)}",
                    file=file,
                    line=line,
                    col=col,
                    path=(key,),
                    code="shape",
                )
            )
    return problems


def _type_name(value: Any) -> str:
    if isinstance(value, Ambiguous):
        return f"the ambiguous plain scalar {value.text!r}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__  # pragma: no cover


def _sections_of(data: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: value for key, value in data.items() if isinstance(value, list)}


# ---- YAML


def _parse_yaml(text: str, file: str, limits: Limits, sections: dict[str, RecordKind]) -> _Source:
    try:
        document = read_yaml(text, file=file, limits=limits)
    except YamlProblem as exc:
        raise InputError([exc.problem]) from None
    data, root = document.data, document.root

    def locate(key: str | None, at_key: bool) -> tuple[int, int]:
        if key is None:
            return root.line, root.col
        return root.locate((key,), at_key=at_key)

    problems = _shape_problems(data, file, sections, locate)
    if problems:
        raise InputError(problems)
    found = _sections_of(data)
    records: dict[str, list[int]] = {}
    replies: dict[tuple[str, int], list[int]] = {}
    for section in found:
        node = root.child(section)
        children = node.children if node is not None else None
        assert isinstance(children, list)
        records[section] = [child.line for child in children]
        if section == "talks":
            for index, child in enumerate(children):
                requests = child.child("reply_requests")
                if requests is not None and isinstance(requests.children, list):
                    replies[(section, index)] = [n.line for n in requests.children]
    return _Source(file, "yaml", found, True, listed=_ListPositions(records, replies))


# ---- JSON


class _DuplicateKeyError(Exception):
    """Raised by the pairs hook; located afterwards (see :func:`_locate_duplicate`)."""

    def __init__(self, key: str, pos: int | None = None, first: int | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.pos = pos
        self.first = first
        self.start: int | None = None
        """Where the JSON value holding the duplicate starts, when the key is not located."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook``: a dict, refusing a key given twice."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return result


_make_scanner: Callable[[Any], Callable[[str, int], tuple[Any, int]]] = json.scanner.make_scanner
_PLAIN_SCAN = _make_scanner(json.JSONDecoder())
_CHECKED_SCAN = _make_scanner(json.JSONDecoder(object_pairs_hook=_pairs))

_Layout = list[tuple[str, int, int, list[int] | None]]


def _json_layout(text: str, scan: Callable[[str, int], tuple[Any, int]]) -> _Layout:
    """The top-level keys of a JSON object: ``(key, key offset, value offset, item offsets)``.

    Item offsets are given for a list value (the start of each element). Each value or
    element is scanned by ``scan`` (C speed). A duplicate top-level key raises
    :class:`_DuplicateKeyError` with both offsets; one inside a value, with the value's start.
    """
    ws = _skip
    i = ws(text, 0)
    out: _Layout = []
    if text[i : i + 1] != "{":
        return out
    i = ws(text, i + 1)
    seen: dict[str, int] = {}
    while text[i : i + 1] == '"':
        key_pos = i
        key, i = _scanstring(text, i + 1)
        if key in seen:
            raise _DuplicateKeyError(key, key_pos, seen[key])
        seen[key] = key_pos
        i = ws(text, i)
        if text[i : i + 1] != ":":
            break
        i = ws(text, i + 1)
        value_pos = i
        starts: list[int] | None = None
        if text[i : i + 1] == "[":
            starts = []
            i = ws(text, i + 1)
            if text[i : i + 1] == "]":
                i += 1
            else:
                while True:
                    starts.append(i)
                    i = _scan_value(scan, text, i)
                    i = ws(text, i)
                    if text[i : i + 1] == ",":
                        i = ws(text, i + 1)
                        continue
                    i += 1  # "]"
                    break
        else:
            i = _scan_value(scan, text, i)
        out.append((key, key_pos, value_pos, starts))
        i = ws(text, i)
        if text[i : i + 1] != ",":
            break
        i = ws(text, i + 1)
    return out


def _scan_value(scan: Callable[[str, int], tuple[Any, int]], text: str, i: int) -> int:
    try:
        return scan(text, i)[1]
    except _DuplicateKeyError as exc:
        exc.start = i
        raise


def _json_needs_check(text: str, raw: str | bytes) -> bool:
    """Whether any JSON string may hold a character :data:`_STRICT_BAD` refuses.

    When the file's bytes are at hand, a raw character of the gate (DEL, U+0080–U+009F,
    U+2028–U+202E, U+2066–U+2069) needs one of the bytes 0x7F, 0xC2 or 0xE2 in UTF-8: three
    byte searches (C speed) rule them all out for most files, where a character-class search
    over the text takes half a second per 100 MB of Chinese text.
    """
    if "\\" in text and _JSON_ESCAPE_GATE.search(text):
        return True
    if text.isascii():
        return "\x7f" in text
    if isinstance(raw, bytes) and not any(b in raw for b in (b"\x7f", b"\xc2", b"\xe2")):
        return False
    return _JSON_RAW_GATE.search(text) is not None


def _parse_json(
    text: str, file: str, sections: dict[str, RecordKind], raw: str | bytes = ""
) -> _Source:
    try:
        data = json.loads(text, object_pairs_hook=_pairs)
    except _DuplicateKeyError as exc:
        raise InputError([_locate_duplicate(text, file, exc.key)]) from None
    except json.JSONDecodeError as exc:
        message = exc.msg
        if not text.strip():
            message = "the file is empty"
        elif exc.pos >= len(text.rstrip()):
            message += " (the file ends early: is it cut short?)"
        elif message.startswith("Unterminated string"):
            message += " (it runs to the end of the file: is the file cut short?)"
        raise InputError(
            [
                Problem(
                    f"JSON syntax error: {message}",
                    file=file,
                    line=exc.lineno,
                    col=exc.colno,
                    code="json",
                )
            ]
        ) from None
    except RecursionError:
        raise InputError(
            [Problem("JSON nested too deeply to read", file=file, line=1, col=1, code="too-deep")]
        ) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        match = _LONG_NUMBER.search(text)
        line, col = _where(text, match.start()) if match else (1, 1)
        raise InputError(
            [
                Problem(
                    f"JSON value not readable: {_cut(str(exc), 200)}",
                    file=file,
                    line=line,
                    col=col,
                    code="json",
                )
            ]
        ) from None

    def locate(key: str | None, at_key: bool) -> tuple[int, int]:
        start = _skip(text, 0)
        if key is not None:
            try:
                for name, key_pos, value_pos, _ in _json_layout(text, _PLAIN_SCAN):
                    if name == key:
                        return _where(text, key_pos if at_key else value_pos)
            except (ValueError, StopIteration, RecursionError):  # pragma: no cover
                pass
        return _where(text, start)

    problems = _shape_problems(data, file, sections, locate)
    if problems:
        raise InputError(problems)
    check = _json_needs_check(text, raw)
    return _Source(file, "json", _sections_of(data), check, json=_JsonPositions(text))


def _locate_duplicate(text: str, file: str, key: str) -> Problem:
    """Where a duplicate key stands: exact for top-level keys and inside records."""
    message = f"duplicate key {_cut(_clean(repr(key)), 80)}"
    try:
        _json_layout(text, _CHECKED_SCAN)
    except _DuplicateKeyError as exc:
        pos, first = exc.pos, exc.first
        if pos is None and exc.start is not None:
            pos, first = _find_duplicate(text, exc.start) or (exc.start, None)
        if pos is not None:
            line, col = _where(text, pos)
            if first is not None:
                message += " (first given at line {}, column {})".format(*_where(text, first))
            return Problem(message, file=file, line=line, col=col, code="duplicate-key")
    except (ValueError, StopIteration, RecursionError):  # pragma: no cover - parsed before
        pass
    return Problem(message, file=file, line=1, col=1, code="duplicate-key")


class _FoundError(Exception):
    def __init__(self, pos: int, first: int) -> None:
        super().__init__(pos)
        self.pos = pos
        self.first = first


def _find_duplicate(text: str, start: int) -> tuple[int, int] | None:
    """Offsets of the first repeated key in the JSON value at ``start`` and of its first use.

    A pure-Python scan (positions are not available from the C scanner), run only on the one
    value — usually one record — that holds the duplicate.
    """
    ws = _skip

    def parse_object(
        s_and_end: tuple[str, int],
        strict: bool,
        scan_once: Callable[[str, int], tuple[Any, int]],
        *_: Any,
    ) -> tuple[None, int]:
        s, end = s_and_end
        seen: dict[str, int] = {}
        end = ws(s, end)
        if s[end : end + 1] == "}":
            return None, end + 1
        while True:
            if s[end : end + 1] != '"':
                raise StopIteration(end)
            key_pos = end
            key, end = _scanstring(s, end + 1, strict)
            if key in seen:
                raise _FoundError(key_pos, seen[key])
            seen[key] = key_pos
            end = ws(s, end)
            if s[end : end + 1] != ":":
                raise StopIteration(end)
            end = ws(s, end + 1)
            _, end = scan_once(s, end)
            end = ws(s, end)
            if s[end : end + 1] == ",":
                end = ws(s, end + 1)
                continue
            if s[end : end + 1] == "}":
                return None, end + 1
            raise StopIteration(end)

    context = SimpleNamespace(
        parse_object=parse_object,
        parse_array=_JSONArray,
        parse_string=_scanstring,
        strict=True,
        parse_float=lambda _: 0.0,
        parse_int=lambda _: 0,
        parse_constant=lambda _: None,
        object_hook=None,
        object_pairs_hook=None,
        memo={},
    )
    scan = _py_make_scanner(context)
    try:
        scan(text, start)
    except _FoundError as found:
        return found.pos, found.first
    except (ValueError, StopIteration, RecursionError):
        return None
    return None


# ---- CSV


def _parse_csv(text: str, file: str, limits: Limits, sections: dict[str, RecordKind]) -> _Source:
    def fail(message: str, line: int = 1, col: int = 1, code: str = "csv") -> InputError:
        return InputError([Problem(message, file=file, line=line, col=col, code=code)])

    if not text.strip():
        raise fail("the file is empty; a CSV file needs a header row", code="empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise fail(f"CSV syntax error in the header: {exc}", reader.line_num) from None
    if not header or not any(cell.strip() for cell in header):
        raise fail("the first line must be the header (column names), not empty", code="header")
    if len(header) > CSV_MAX_COLUMNS:
        raise fail(
            f"the header has {len(header)} columns; at most {CSV_MAX_COLUMNS} are allowed",
            code="too-many-columns",
        )
    names = [cell.strip() for cell in header]
    if len(names) == 1 and ";" in names[0]:
        raise fail("the header is one column holding ';': use ',' between cells", code="header")
    section = _csv_section(names, sections)
    if section is None:
        raise fail(
            "cannot tell what this CSV holds: a talks file has a 'participants' column, an"
            " events file a 'person' column, a meetings file 'kind' and 'date'",
            code="header",
        )
    columns = CSV_COLUMNS[section]
    starts = _field_starts(text.partition("\n")[0].rstrip("\r"))
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        col = starts[i] + 1 if i < len(starts) else 1
        if name in seen:
            problems.append(
                Problem(
                    f"column {_cut(_clean(repr(name)), 80)} appears twice",
                    file=file,
                    line=1,
                    col=col,
                    code="duplicate-column",
                )
            )
        elif name not in columns:
            problems.append(
                Problem(
                    f"unknown column {_cut(_clean(repr(name)), 80)} (a {_CSV_NAMES[section]}"
                    f" has the columns {', '.join(columns)})",
                    file=file,
                    line=1,
                    col=col,
                    code="unknown-column",
                )
            )
        seen.add(name)
    for required in _CSV_REQUIRED[section]:
        if required not in seen:
            problems.append(
                Problem(
                    f"the required column {required!r} is missing",
                    file=file,
                    line=1,
                    col=1,
                    code="missing-column",
                )
            )
    if problems:
        raise InputError(problems)
    records: list[Any] = []
    lines: list[int] = []
    unit_kinds: list[str | None] = []
    cells = len(header)
    width = len(names)
    last = reader.line_num
    try:
        for row in reader:
            start, last = last + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip() and width > 1):
                continue  # a blank line is no record
            cells += len(row)
            if cells > limits.max_nodes:
                raise fail(
                    f"the file has more than {limits.max_nodes} cells", start, code="too-large"
                )
            record, unit_kind = _csv_record(names, row)
            records.append(record)
            lines.append(start)
            unit_kinds.append(unit_kind)
    except csv.Error as exc:
        raise fail(f"CSV syntax error: {exc}", reader.line_num) from None
    source = _Source(file, "csv", {section: records}, True, listed=_ListPositions({section: lines}))
    if section == "people":
        source.unit_kinds = unit_kinds
    return source


def _csv_section(names: list[str], sections: dict[str, RecordKind]) -> str | None:
    if "people" in sections:
        return "people"
    if "participants" in names:
        return "talks"
    if "person" in names:
        return "events"
    if "kind" in names:
        return "meetings"
    return None


def _field_starts(line: str) -> list[int]:
    """Offsets at which the cells of one CSV line start (quotes honoured)."""
    starts = [0]
    quoted = False
    i = 0
    while i < len(line):
        c = line[i]
        if quoted:
            if c == '"':
                if line[i + 1 : i + 2] == '"':
                    i += 1
                else:
                    quoted = False
        elif c == '"':
            quoted = True
        elif c == ",":
            starts.append(i + 1)
        i += 1
    return starts


def _csv_record(names: list[str], row: list[str]) -> tuple[Any, str | None]:
    """A row as the record's data (``unit_kind`` apart), or a :class:`_BadRow`."""
    if len(row) != len(names):
        ref = (
            row[names.index("id")].strip()
            if "id" in names and names.index("id") < len(row)
            else None
        )
        return (
            _BadRow(ref, [f"the row has {len(row)} cells but the header has {len(names)} columns"]),
            None,
        )
    data: dict[str, Any] = {}
    problems: list[str] = []
    unit_kind: str | None = None
    for name, cell in zip(names, row, strict=True):
        value = cell.strip()
        if not value:
            continue
        if name in _CSV_VERBATIM:
            data[name] = cell
        elif name in _CSV_LISTS:
            items = [item.strip() for item in value.split(";")]
            items = [item for item in items if item]
            if name == "roles":
                roles: list[dict[str, str]] = []
                for item in items:
                    role = _role_item(item)
                    if isinstance(role, str):
                        problems.append(f"roles: {role}")
                    else:
                        roles.append(role)
                data[name] = roles
            else:
                data[name] = items
        elif name == "party_member":
            if value in _CSV_TRUE:
                data[name] = True
            elif value in _CSV_FALSE:
                data[name] = False
            else:
                problems.append(
                    f"party_member: {_cut(_clean(repr(value)), 60)} is not a boolean;"
                    " write true or false (or 1 / 0)"
                )
        elif name == "unit_kind":
            unit_kind = value
            bad = _STRICT_BAD.search(value)
            if bad:
                problems.append(f"unit_kind: holds the control character U+{ord(bad[0]):04X}")
        else:
            data[name] = value
    if problems:
        rid = data.get("id")
        return _BadRow(rid if isinstance(rid, str) else None, problems, data), unit_kind
    return data, unit_kind


def _role_item(item: str) -> dict[str, str] | str:
    """``role`` or ``role@SINCE..UNTIL`` (either end may be empty) → a role holding's data."""
    role, at, span = item.partition("@")
    role = role.strip()
    if not at:
        return {"role": role}
    since, dots, until = span.partition("..")
    if not dots or not role:
        return (
            f"{_cut(_clean(repr(item)), 80)} is not ROLE or ROLE@SINCE..UNTIL"
            " (e.g. vice_president@2026-03-01.., either date may be left out)"
        )
    holding = {"role": role}
    if since.strip():
        holding["since"] = since.strip()
    if until.strip():
        holding["until"] = until.strip()
    return holding


# --------------------------------------------------------------------------- records


def _control_problems(raw: Any, clean: set[int] | None) -> list[str]:
    """Control characters in ``raw``'s text values, with their paths (first few only).

    ``clean`` (YAML, where aliases share containers) remembers containers already found
    clean, so an aliased list is walked once however often it is used.
    """
    out: list[str] = []
    walked: list[int] = []
    stack: list[tuple[Any, tuple[str | int, ...], bool]] = [(raw, (), False)]
    while stack:
        value, path, free = stack.pop()
        if isinstance(value, str):
            match = (_TEXT_BAD if free else _STRICT_BAD).search(value)
            if match:
                where = _dotted(path) or "value"
                out.append(f"{where}: holds the control character U+{ord(match[0]):04X}; remove it")
                if len(out) >= _MAX_DETAILS:
                    break
        elif isinstance(value, dict | list):
            if clean is not None:
                if id(value) in clean:
                    continue
                walked.append(id(value))
            if isinstance(value, dict):
                items: list[tuple[Any, Any]] = list(value.items())
            else:
                items = list(enumerate(value))
            for key, item in reversed(items):
                stack.append((item, (*path, key), free or key in _FREE_TEXT))
    if clean is not None and not out:
        clean.update(walked)
    return out


def _dotted(path: Sequence[Any]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = _cut(_clean(str(part)), 60)
            out += f".{text}" if out else text
    return out


def _has(value: Any, part: Any) -> bool:
    if isinstance(value, dict):
        return isinstance(part, str) and part in value
    return isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)


def _data_path(raw: Any, loc: tuple[Any, ...]) -> list[Any]:
    """The part of a Pydantic ``loc`` that names real keys and indexes of ``raw``."""
    path: list[Any] = []
    value = raw
    last = len(loc) - 1
    for i, part in enumerate(loc):
        if _has(value, part):
            path.append(part)
            value = value[part]
        elif i == last and isinstance(part, str) and "[" not in part and "-" not in part:
            path.append(part)  # a missing field: keep its name
    return path


def _validation_details(exc: ValidationError, raw: Any) -> list[str]:
    errors = exc.errors(include_url=False, include_context=False)
    out: list[str] = []
    for error in errors[:_MAX_DETAILS]:
        value = error.get("input")
        kind = error["type"]
        if kind == "extra_forbidden":  # whatever its value: a misspelt field is the news
            message = "unknown field (check the spelling)"
        elif isinstance(value, Ambiguous) and kind != "value_error":
            message = value.hint()  # a validator that took the text (a clock) says what is wrong
        elif kind == "missing":
            message = "required field is missing"
        elif not error["loc"] and kind in {"model_type", "dict_type", "model_attributes_type"}:
            message = f"expected a mapping of fields, got {_type_name(value)}"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            if kind.endswith("_type"):
                message += f" (got {_type_name(value)})"
        path = _dotted(_data_path(raw, tuple(error["loc"])))
        out.append(_cut(f"{path}: {message}" if path else message, _MAX_DETAIL_CHARS))
    if len(errors) > _MAX_DETAILS:
        out.append(f"and {len(errors) - _MAX_DETAILS} more problems")
    return out


def _usable_id(raw: Any) -> str | None:
    rid = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(rid, str) and 0 < len(rid) <= 128 and not _STRICT_BAD.search(rid):
        return rid
    return None


def _spec(raw: Any) -> _Spec:
    """Own text id and count of text ``id`` keys (any depth) of an unusable JSON record."""
    count = 0
    stack = [raw]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("id"), str):
                count += 1
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    own = raw.get("id") if isinstance(raw, dict) else None
    return _Spec(own if isinstance(own, str) else None, count)


_CHUNK = 512
"""Records validated per bulk call (see :func:`_validate_chunk`)."""


def _validate_chunk(kind: str, chunk: list[Any], check: bool, clean: set[int] | None) -> list[Any]:
    """Models of the records of ``chunk`` that are valid, validated in one call; None elsewhere.

    One ``list[Model]`` validation per chunk instead of one call per record (a third less
    time over a million talks). A record that is a :class:`_BadRow`, holds a control character
    (when ``check``) or fails validation gets None: the caller validates it again on its own,
    which gives exactly the record's findings. Validation is per item and deterministic, so a
    record valid in the chunk is the same model alone.
    """
    out: list[Any] = [None] * len(chunk)
    todo: list[int] = []
    for i, raw in enumerate(chunk):
        if isinstance(raw, _BadRow) or (check and _control_problems(raw, clean)):
            continue
        todo.append(i)
    if not todo:
        return out
    validate = _LIST_ADAPTERS[kind].validate_python
    data = chunk if len(todo) == len(chunk) else [chunk[i] for i in todo]
    try:
        models = validate(data)
    except ValidationError as exc:
        failed = {e["loc"][0] if e["loc"] else None for e in exc.errors(include_url=False)}
        if not all(isinstance(f, int) for f in failed):
            return out
        todo = [i for k, i in enumerate(todo) if k not in failed]
        if not todo:
            return out
        try:
            models = validate([chunk[i] for i in todo])
        except ValidationError:  # pragma: no cover - validation is deterministic per item
            return out
    for i, model in zip(todo, models, strict=True):
        out[i] = model
    return out


_record_id = operator.attrgetter("id")
_reply_requests = operator.attrgetter("reply_requests")


def _place(where: dict[str, int | tuple[int, int]], models: list[Any], first: int) -> None:
    """Record ``where[id] = first + i`` for the i-th model, the first record of an id winning.

    The common case — ids new and distinct, as in nearly every chunk of an export — is one
    dictionary built and merged at C speed (no per-record Python step, a second a million
    records); a repeated id takes the careful path, which keeps the first.
    """
    chunk = dict(zip(map(_record_id, models), range(first, first + len(models)), strict=True))
    if len(chunk) == len(models) and where.keys().isdisjoint(chunk):
        where.update(chunk)
        return
    for index, model in enumerate(models, first):
        where.setdefault(model.id, index)


class _Reader:
    """Validates the records of one or more files and gathers models, findings and lines."""

    def __init__(self, sections: dict[str, RecordKind]) -> None:
        self.sections = sections
        self.kept: dict[str, list[Any]] = {section: [] for section in sections}
        self.findings: list[Finding] = []
        self.lines = RecordLines()
        self.csv_rows: list[int] = []
        """CSV roster: the row index of each kept person, in order."""

    def add(self, source: _Source) -> None:
        """Validate every record of ``source``; keep the good, turn the rest into findings."""
        lines = self.lines
        check = source.check_controls
        # YAML aliases share containers: remember those found clean (by id, so the document
        # must stay alive until the end); other formats share nothing, and free as they go.
        clean: set[int] | None = set() if source.fmt == "yaml" else None
        free = clean is None
        invalid: list[tuple[str, int, RecordKind, str, list[str]]] = []
        entries = source.json.entries if source.json is not None else None
        for section, records in source.sections.items():
            kind = self.sections[section]
            validate = _ADAPTERS[kind].validate_python
            kept = self.kept[section]
            origin = lines._origin(source, section) << 40
            where = lines._where.setdefault(kind, {})
            rows = self.csv_rows if source.fmt == "csv" and kind == "person" else None
            is_talk = kind == "talk"
            log: list[Any] | None = None
            unusual: list[int] | None = None
            if entries is not None and source.json is not None:
                log = entries.setdefault(section, [])
                unusual = source.json.unusual.setdefault(section, [])
            total = len(records)
            for lo in range(0, total, _CHUNK):
                chunk = records[lo : lo + _CHUNK]
                if free:  # drop the raw records once read: a lower peak on large files
                    records[lo : lo + len(chunk)] = [None] * len(chunk)
                models = _validate_chunk(kind, chunk, check, clean)
                # Runs of records valid in bulk are kept at C speed (see _keep); the others,
                # and every meeting (one may have no id), each on its own. (``is None``, not
                # ``None in models``: that would call each model's __eq__.)
                slow = (
                    range(len(models))
                    if kind == "meeting"
                    else [i for i, m in enumerate(models) if m is None]
                )
                done = 0
                for offset in [*slow, len(models)]:
                    if offset > done:
                        run = models[done:offset]
                        if log is not None:
                            log.extend(run)
                        kept.extend(run)
                        if rows is not None:
                            rows.extend(range(lo + done, lo + offset))
                        _place(where, run, origin | (lo + done))
                        if is_talk and any(map(_reply_requests, run)):
                            for index, model in enumerate(run, lo + done):
                                if model.reply_requests:
                                    self._replies(model, origin | index)
                                    if unusual is not None:
                                        unusual.append(index)
                    if offset == len(models):
                        break
                    done = offset + 1
                    index = lo + offset
                    raw = chunk[offset]
                    model = models[offset]
                    if model is None:  # not validated in bulk: the record's own checks
                        problems: list[str] = []
                        data = raw
                        usable = True
                        if isinstance(raw, _BadRow):
                            problems.extend(raw.problems)
                            data = raw.data
                            usable = data is not None
                        if check and usable:
                            problems.extend(_control_problems(data, clean))
                        if usable:
                            try:
                                model = validate(data)
                            except ValidationError as exc:
                                problems.extend(_validation_details(exc, data))
                        if problems or model is None:
                            ref = _usable_id({"id": raw.ref} if isinstance(raw, _BadRow) else raw)
                            invalid.append((section, index, kind, ref or f"#{index}", problems))
                            if log is not None:
                                log.append(_spec(raw))
                            if unusual is not None:
                                unusual.append(index)
                            continue
                    if log is not None:
                        log.append(model)
                        if unusual is not None and (
                            model.id is None or (is_talk and model.reply_requests)
                        ):
                            unusual.append(index)
                    rid = model.id
                    if rid is None:  # a meeting without an id: keyed by its place in the result
                        rid = f"#{len(kept)}"
                    if rid not in where:
                        where[rid] = origin | index
                    kept.append(model)
                    if rows is not None:
                        rows.append(index)
                    if is_talk and model.reply_requests:
                        self._replies(model, origin | index)
        source.sections = {}  # the raw records are no longer needed
        positions = source.positions()
        for section, index, kind, ref, problems in invalid:
            self.findings.append(
                _invalid(
                    kind,
                    ref,
                    source.file,
                    positions.record(section, index),
                    problems,
                )
            )

    def _replies(self, talk: Any, where: int) -> None:
        """Place a kept talk's reply requests (their lines are the talk's, found later)."""
        replies = self.lines._where.setdefault("reply_request", {})
        for j, request in enumerate(talk.reply_requests):
            replies.setdefault(request.id, (where, j))

    def derive_units(self, source: _Source) -> None:
        """CSV roster: units and branches from the distinct values of the kept people's cells."""
        kinds = source.unit_kinds or []
        lines = self.lines
        units: dict[str, tuple[str | None, int]] = {}
        branches: dict[str, int] = {}
        positions = source.positions()
        mask = (1 << 40) - 1
        origin = lines._origin(source, "people") << 40
        for person, index in zip(self.kept["people"], self.csv_rows, strict=True):
            where = origin | index
            unit_kind = kinds[index] if index < len(kinds) else None
            line = positions.record("people", index)
            seen = units.get(person.unit) if person.unit is not None else None
            if person.unit is None:
                if unit_kind is not None:
                    self.findings.append(_unit_kind_ignored(person.id, source.file, line))
            elif seen is None:
                units[person.unit] = (unit_kind, where)
            elif seen[0] is None:
                if unit_kind is not None:
                    units[person.unit] = (unit_kind, seen[1])
            elif unit_kind is not None and unit_kind != seen[0]:
                first_line = positions.record("people", seen[1] & mask)
                self.findings.append(
                    _unit_kind_conflict(person, unit_kind, seen[0], source.file, line, first_line)
                )
            if person.branch is not None and person.branch not in branches:
                branches[person.branch] = where
        for uid, (unit_kind, where) in units.items():
            self.kept["units"].append(
                Unit(id=uid, name=uid, kind=unit_kind) if unit_kind else Unit(id=uid, name=uid)
            )
            lines._put("unit", uid, where)
        for bid, where in branches.items():
            self.kept["branches"].append(Branch(id=bid, name=bid))
            lines._put("branch", bid, where)

    def roster(self) -> Loaded[Roster]:
        roster = Roster(
            units=self.kept["units"], branches=self.kept["branches"], people=self.kept["people"]
        )
        return Loaded(roster, self.findings, self.lines)

    def history(self) -> Loaded[History]:
        history = History(
            talks=self.kept["talks"], events=self.kept["events"], meetings=self.kept["meetings"]
        )
        return Loaded(history, self.findings, self.lines)


def _label(zh: str, en: str) -> Label:
    return Label(zh=_cut(_clean(zh), 2000), en=_cut(_clean(en), 2000))


def _invalid(
    kind: RecordKind, ref: str, file: str, line: int | None, problems: list[str]
) -> Finding:
    zh_kind, en_kind = _KIND_TEXT[kind]
    details = problems or ["not usable"]
    return Finding(
        code="invalid-record",
        severity="error",
        record_kind=kind,
        record=ref,
        file=file,
        line=line,
        message=_label(
            f"{zh_kind}記錄 {ref} 無效，未予採用：" + "；".join(details),
            f"{en_kind} {ref} is not usable and was left out: " + "; ".join(details),
        ),
    )


def _unit_kind_ignored(pid: str, file: str, line: int | None) -> Finding:
    return Finding(
        code="ignored-cell",
        severity="warning",
        record_kind="person",
        record=pid,
        file=file,
        line=line,
        message=_label(
            f"人員 {pid} 的 unit_kind 有值但 unit 為空，unit_kind 已忽略。",
            f"person {pid} has a unit_kind but no unit; the unit_kind was ignored",
        ),
    )


def _unit_kind_conflict(
    person: Person, kind: str, first: str, file: str, line: int | None, first_line: int | None
) -> Finding:
    at = f"{file}:{first_line}" if first_line is not None else file
    return Finding(
        code="conflicting-unit-kind",
        severity="warning",
        record_kind="person",
        record=person.id,
        file=file,
        line=line,
        message=_label(
            f"單位 {person.unit} 在此標為 {kind!r}，但在 {at} 標為 {first!r}；採用先出現者。",
            f"unit {person.unit} is given the kind {kind!r} here but {first!r} at {at};"
            " the first is used",
        ),
    )
