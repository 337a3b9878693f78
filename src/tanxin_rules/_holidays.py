"""Reading a holiday calendar file and a meetings file: YAML, JSON or CSV → validated models.

Both files are untrusted input, read with the same discipline as a policy: size limits, strict
UTF-8 (a file in GBK, or in UTF-16 without a byte-order mark, is refused saying so), the strict
YAML reader (duplicate keys, YAML 1.1 traps and tags refused), and every
problem reported as a :class:`~tanxin_rules.InputError` whose :class:`~tanxin_rules.Problem`\\ s
carry ``file:line:col``. The format follows the file's extension:

- ``.yaml`` / ``.yml``: the strict YAML reader;
- ``.json``: checked to be strict JSON (``json`` module), then read with the same reader (JSON
  is YAML 1.2), so every value has a position;
- ``.csv``: one row per fact, with a header row; problems point at the row's line and the
  cell's column. CSV rows become the same data as the YAML form, with positions, so the same
  validation and messages apply.

A file that cannot be read as a whole (not UTF-8, over the limits, a YAML or JSON syntax
error, an empty file, a CSV header that is not valid CSV or names unknown columns) is refused
with that one problem (or, for a CSV header, every problem of the header). Otherwise every
problem of the file is gathered into the one error: for CSV, each row that is not valid CSV
(the row is left out and reading goes on), each unknown kind, repeated range row or surplus
cell, *and* each value the validation refuses, each at its own ``file:line:col``.

Holiday CSV columns (header required, any order; ``name`` optional)::

    date,kind,name
    2025-01-01,valid_from,
    2025-12-31,valid_to,
    saturday,weekend,
    sunday,weekend,
    2025-01-01,holiday,元旦
    2025-01-28/2025-02-04,holiday,春節
    2025-01-26,workday,春節調休上班
    weekends_only,outside_range,

``kind`` is ``holiday``, ``workday`` (a make-up working day), ``valid_from``, ``valid_to``,
``weekend`` (the ``date`` cell holds a weekday name; without weekend rows the weekend is
Saturday and Sunday) or ``outside_range`` (the ``date`` cell holds ``error`` or
``weekends_only``). A ``date`` cell of a holiday or workday may be a range ``FROM/TO`` (both
inclusive). Rows whose first cell starts with ``#`` are comments; blank rows are skipped.

Meetings CSV columns: ``kind,date`` and, optionally, ``id``, ``organisation``, ``branch``.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import json
import os
from collections.abc import Collection
from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ._calendar import HolidayCalendar, HolidayEntry
from ._errors import InputError, Problem
from ._inputs import Meeting
from ._loading import decode_text, read_limited, validation_problems
from ._types import IsoDate, Model
from ._yaml import Document, Limits, Node, YamlProblem, read_yaml

__all__ = ["MEETINGS_LIMITS", "load_holidays", "load_meetings"]

MEETINGS_LIMITS = Limits(max_bytes=16 * 1024 * 1024, max_nodes=2_000_000)
"""Default limits for a meetings file, which may be a whole history export."""

_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv"}
_HOLIDAY_KINDS = ("holiday", "workday", "valid_from", "valid_to", "weekend", "outside_range")
_DATE: TypeAdapter[date] = TypeAdapter(IsoDate)
_HISTORY_KEYS = ("talks", "events")
"""Keys of a history file that a meetings file may carry and that are ignored here."""


# --------------------------------------------------------------------------- entry points


def load_holidays(path: str | os.PathLike[str], *, limits: Limits | None = None) -> HolidayCalendar:
    """Read and validate a holiday calendar file (``.yaml``, ``.yml``, ``.json`` or ``.csv``).

    Raises :class:`InputError` listing every problem found, each with ``file:line:col``. A
    calendar without a ``name`` is named after the file, so that a
    :class:`~tanxin_rules.CalendarError` about it says which file.
    """
    file = os.fspath(path)
    limits = limits or Limits()
    document, problems = _read(file, limits, _csv_holidays)
    data = document.data
    if not isinstance(data, dict):
        raise InputError(
            [
                _at(
                    document,
                    (),
                    "a holiday calendar must be a mapping with "
                    "valid_from, valid_to, holidays and workdays",
                )
            ]
        )
    if "name" not in data:
        data = {**data, "name": file}
    try:
        calendar = HolidayCalendar.model_validate(data)
    except ValidationError as exc:
        found = validation_problems(exc, document)
        if any(not p.path for p in found):  # the whole-calendar checks: say which entry
            whole = _calendar_problems(data, document)
            found = [p for p in found if p.path or not whole] + whole
        if _format_of(file) == "csv":  # a missing range row is reported by the CSV reader
            found = [p for p in found if not (p.code == "missing" and len(p.path) == 1)]
        problems = [*problems, *found]
    else:
        if not problems:
            return calendar
    raise InputError(_sorted(problems))


def load_meetings(
    path: str | os.PathLike[str],
    *,
    kinds: Collection[str] | None = None,
    limits: Limits | None = None,
) -> list[Meeting]:
    """Read and validate a meetings file, in file order.

    YAML/JSON: a list of ``{kind, date, id?, organisation?, branch?}`` mappings, or a mapping
    with a ``meetings`` list (a history file's ``talks`` and ``events`` may stand beside it and
    are ignored here). CSV: columns ``kind,date`` and optionally ``id``, ``organisation``,
    ``branch``. With ``kinds`` (the policy's meeting kinds), a meeting of
    any other kind is a located problem rather than a silently unused record.
    """
    file = os.fspath(path)
    limits = limits or MEETINGS_LIMITS
    document, problems = _read(file, limits, _csv_meetings)
    data: Any = document.data
    root = document.root
    if isinstance(data, list):
        data = {"meetings": data}
        root = Node(root.line, root.col, {"meetings": root}, {"meetings": (root.line, root.col)})
    elif isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in _HISTORY_KEYS}
    else:
        raise InputError(
            [
                _at(
                    document,
                    (),
                    "a meetings file must be a list of meetings or a mapping with a meetings list",
                )
            ]
        )
    document = Document(data, root, file)
    meetings: list[Meeting] = []
    try:
        meetings = _MeetingsFile.model_validate(data).meetings
    except ValidationError as exc:
        problems.extend(_reworded(validation_problems(exc, document)))
    records = data.get("meetings")
    if isinstance(records, list):  # checked on the data, so that they join a refusal
        problems.extend(_meeting_problems(records, document, kinds))
    if problems:
        raise InputError(_sorted(problems))
    return meetings


def _meeting_problems(
    records: list[Any], document: Document, kinds: Collection[str] | None
) -> list[Problem]:
    """Unknown kinds (with ``kinds``) and repeated ids among the meetings' data.

    Run on the data rather than on validated meetings, so that a file with invalid records
    too gets every problem at once; a kind or id that is not text is validation's to report.
    """
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            continue
        kind, rid = record.get("kind"), record.get("id")
        if kinds is not None and isinstance(kind, str) and kind not in kinds:
            known = ", ".join(sorted(kinds)) or "none"
            close = difflib.get_close_matches(kind, sorted(kinds), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                _at(
                    document,
                    ("meetings", i, "kind"),
                    f"meetings[{i}].kind: "
                    f"unknown meeting kind {kind!r}{hint}; the policy "
                    f"knows: {known}",
                    code="reference",
                )
            )
        if isinstance(rid, str):
            if rid in seen:
                problems.append(
                    _at(
                        document,
                        ("meetings", i, "id"),
                        f"meetings[{i}].id: duplicate meeting id {rid!r} "
                        f"(also meetings[{seen[rid]}])",
                    )
                )
            seen.setdefault(rid, i)
    return problems


class _MeetingsFile(Model):
    meetings: list[Meeting]


# --------------------------------------------------------------------------- reading


def _format_of(file: str) -> str:
    ext = os.path.splitext(file)[1].lower()
    if ext not in _FORMATS:
        raise InputError(
            [
                Problem(
                    f"unknown file type {ext or '(no extension)'!r}: give a "
                    ".yaml, .yml, .json or .csv file",
                    file=file,
                    code="format",
                )
            ]
        )
    return _FORMATS[ext]


def _read(file: str, limits: Limits, csv_reader: Any) -> tuple[Document, list[Problem]]:
    """The document of a file in any supported format, and the problems of its CSV rows.

    A file that cannot be read as a whole is an :class:`InputError` (its one problem, or
    every problem of a CSV header). The problems returned are those of CSV rows, which leave
    the rest of the file readable: the caller adds validation's and raises them together.
    """
    fmt = _format_of(file)
    try:
        raw = read_limited(file, limits)
        text = decode_text(raw, file=file, limits=limits)
        if fmt == "csv":
            reader = _CsvReader(file)
            return reader.read(text, csv_reader), reader.problems
        if fmt == "json":
            _check_json(text, file)
        return read_yaml(text, file=file, limits=limits), []
    except YamlProblem as exc:
        raise InputError([exc.problem]) from None


def _check_json(text: str, file: str) -> None:
    """Refuse what is not strict JSON (comments, unquoted text, trailing commas), located.

    Checked before the YAML reader positions the values, so that a JSON file's syntax errors
    are JSON's. Deep nesting is refused here or by the reader's depth limit.
    """
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise YamlProblem(
            Problem(
                f"not valid JSON: {exc.msg}", file=file, line=exc.lineno, col=exc.colno, code="json"
            )
        ) from None
    except RecursionError:
        raise YamlProblem(
            Problem("JSON nested too deeply", file=file, line=1, col=1, code="too-deep")
        ) from None
    except ValueError:  # a number Python will not convert: the reader locates it
        pass


# --------------------------------------------------------------------------- CSV


@dataclasses.dataclass(slots=True)
class _Cell:
    value: str
    line: int
    col: int

    def node(self) -> Node:
        return Node(self.line, self.col)


class _CsvReader:
    """Rows of a CSV file as cells with positions, after a header naming the columns."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def fail(self, line: int, col: int, message: str, code: str = "csv") -> None:
        self.problems.append(Problem(message, file=self.file, line=line, col=col, code=code))

    def stop(self) -> InputError:
        """The problems found so far, as the error that ends reading (a bad header)."""
        return InputError(_sorted(self.problems))

    def read(self, text: str, build: Any) -> Document:
        """The file's data; :attr:`problems` holds those of its rows (see :func:`_read`).

        A row that is not valid CSV is a problem and is left out; reading goes on with the
        next line (the csv module starts every row afresh).
        """
        lines = text.split("\n")
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header: list[_Cell] | None = None
        rows: list[tuple[int, dict[str, _Cell]]] = []
        line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                if header is None:  # no header: nothing after it can be read
                    raise YamlProblem(
                        Problem(
                            f"CSV syntax error in the header: {exc}",
                            file=self.file,
                            line=reader.line_num or 1,
                            col=1,
                            code="csv",
                        )
                    ) from None
                self.fail(reader.line_num or line, 1, f"CSV syntax error: {exc}")
                if reader.line_num < line:  # pragma: no cover - the reader always moves on
                    break
                line = reader.line_num + 1
                continue
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
                continue
            cols = _cell_columns(lines[start - 1] if start <= len(lines) else "", len(row))
            cells = [_Cell(v.strip(), start, c) for v, c in zip(row, cols, strict=True)]
            if header is None:
                for cell in cells:  # column names are matched without case, rows keyed alike
                    cell.value = cell.value.lower()
                header = cells
                continue
            rows.append((start, self._row(header, cells, start)))
        if header is None:
            raise YamlProblem(
                Problem(
                    "the file is empty (expected a header row)",
                    file=self.file,
                    line=1,
                    col=1,
                    code="empty",
                )
            )
        data, root = build(self, header, rows)
        return Document(data, root, self.file)

    def _row(self, header: list[_Cell], cells: list[_Cell], line: int) -> dict[str, _Cell]:
        if len(cells) > len(header):
            extra = cells[len(header)]
            self.fail(
                line,
                extra.col,
                f"row has {len(cells)} cells but the header names {len(header)} columns",
            )
        out: dict[str, _Cell] = {}
        for i, column in enumerate(header):
            cell = cells[i] if i < len(cells) else _Cell("", line, cells[-1].col)
            out[column.value] = cell
        return out

    def check_header(
        self, header: list[_Cell], required: tuple[str, ...], optional: tuple[str, ...]
    ) -> bool:
        """Whether the header names the required columns, and no unknown or repeated one
        (the header's names are already in lower case: see :meth:`read`)."""
        ok = True
        seen: set[str] = set()
        known = (*required, *optional)
        for cell in header:
            if cell.value not in known:
                hint = (
                    " (columns are separated by commas)"
                    if ";" in cell.value or "\t" in cell.value
                    else ""
                )
                self.fail(
                    cell.line,
                    cell.col,
                    f"unknown column {cell.value!r}{hint}; expected {', '.join(known)}",
                )
                ok = False
            elif cell.value in seen:
                self.fail(cell.line, cell.col, f"column {cell.value!r} is named twice")
                ok = False
            seen.add(cell.value)
        for name in required:
            if name not in seen:
                self.fail(
                    header[0].line,
                    1,
                    f"the header has no {name!r} column (expected {', '.join(known)})",
                )
                ok = False
        return ok


def _cell_columns(line: str, count: int) -> list[int]:
    """1-based columns where each of ``count`` cells starts on ``line`` (1 past the end)."""
    starts = [1]
    quoted = False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(i + 2)
    starts = starts[:count]
    while len(starts) < count:  # cells continued on later lines of a quoted field
        starts.append(1)
    return starts


def _csv_holidays(
    reader: _CsvReader, header: list[_Cell], rows: list[tuple[int, dict[str, _Cell]]]
) -> tuple[dict[str, Any], Node]:
    ok = reader.check_header(header, ("date", "kind"), ("name",))
    data: dict[str, Any] = {"name": reader.file}
    root = Node(1, 1, {})
    assert isinstance(root.children, dict)
    lists: dict[str, tuple[list[Any], Node]] = {}
    first: dict[str, int] = {}

    def put(key: str, value: Any, node: Node) -> None:
        data[key] = value
        assert isinstance(root.children, dict)
        root.children[key] = node
        root.key_positions[key] = (node.line, node.col)

    def append(key: str, value: Any, node: Node) -> None:
        if key not in lists:
            lists[key] = ([], Node(node.line, node.col, []))
            put(key, lists[key][0], lists[key][1])
        items, parent = lists[key]
        items.append(value)
        assert isinstance(parent.children, list)
        parent.children.append(node)

    if not ok:
        raise reader.stop()
    for line, row in rows:
        kind, day, name = row["kind"], row["date"], row.get("name")
        what = kind.value.lower()
        if what not in _HOLIDAY_KINDS:
            close = difflib.get_close_matches(what, _HOLIDAY_KINDS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            reader.fail(
                line,
                kind.col,
                f"unknown kind {kind.value!r}{hint}; expected {', '.join(_HOLIDAY_KINDS)}",
            )
            continue
        if what in {"valid_from", "valid_to", "outside_range"}:
            if what in first:
                reader.fail(line, kind.col, f"{what} is given twice (first on line {first[what]})")
                continue
            first[what] = line
            put(what, day.value, day.node())
        elif what == "weekend":
            append("weekend", day.value.lower(), day.node())
        else:
            entry: dict[str, Any] = {}
            children: dict[str, Node] = {}
            start, sep, end = day.value.partition("/")
            if sep:
                entry.update({"from": start.strip(), "to": end.strip()})
                children.update({"from": day.node(), "to": day.node()})
            else:
                entry["date"] = day.value
                children["date"] = day.node()
            if name is not None and name.value:
                entry["name"] = name.value
                children["name"] = name.node()
            node = Node(line, day.col, children, {k: (n.line, n.col) for k, n in children.items()})
            append("holidays" if what == "holiday" else "workdays", entry, node)
    for key in ("valid_from", "valid_to"):
        if key not in data:
            reader.fail(
                header[0].line,
                1,
                f"no {key} row: add a row `YYYY-MM-DD,{key},` giving the calendar's range",
            )
    return data, root


def _csv_meetings(
    reader: _CsvReader, header: list[_Cell], rows: list[tuple[int, dict[str, _Cell]]]
) -> tuple[dict[str, Any], Node]:
    if not reader.check_header(header, ("kind", "date"), ("id", "organisation", "branch")):
        raise reader.stop()
    items: list[Any] = []
    nodes: list[Node] = []
    for line, row in rows:
        entry = {"kind": row["kind"].value, "date": row["date"].value}
        children = {"kind": row["kind"].node(), "date": row["date"].node()}
        for key in ("id", "organisation", "branch"):  # optional: an empty cell is no value
            if key in row and row[key].value:
                entry[key] = row[key].value
                children[key] = row[key].node()
        items.append(entry)
        nodes.append(Node(line, 1, children, {k: (n.line, n.col) for k, n in children.items()}))
    root = Node(1, 1, {"meetings": Node(1, 1, nodes)}, {"meetings": (1, 1)})
    return {"meetings": items}, root


# --------------------------------------------------------------------------- helpers


def _at(
    document: Document, path: tuple[str | int, ...], message: str, code: str = "invalid"
) -> Problem:
    line, col = document.root.locate(path)
    return Problem(message, file=document.file, line=line, col=col, path=path, code=code)


def _sorted(problems: list[Problem]) -> list[Problem]:
    unique = {(p.line, p.col, p.message): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.line, p.col, p.message))


def _reworded(problems: list[Problem]) -> list[Problem]:
    return [
        dataclasses.replace(
            p,
            message=p.message.replace(
                "not part of the policy language", "not part of the file format"
            ),
        )
        for p in problems
    ]


def _calendar_problems(data: dict[str, Any], document: Document) -> list[Problem]:
    """The whole-calendar checks of :class:`HolidayCalendar`, each located at its entry.

    Only called once every field is valid (Pydantic runs the model check only then).
    """
    out: list[Problem] = []
    try:
        valid_from = _DATE.validate_python(data["valid_from"])
        valid_to = _DATE.validate_python(data["valid_to"])
    except (KeyError, ValidationError):  # not a whole-calendar problem after all
        return []
    if valid_to < valid_from:
        return [
            _at(document, ("valid_to",), f"valid_to: {valid_to} is before valid_from {valid_from}")
        ]
    holidays: dict[date, int] = {}
    for section in ("holidays", "workdays"):
        for i, raw in enumerate(data.get(section) or ()):
            days = list(HolidayEntry.model_validate(raw).days())
            outside = [d for d in days if not valid_from <= d <= valid_to]
            if outside:
                out.append(
                    _at(
                        document,
                        (section, i),
                        f"{section}[{i}]: {outside[0]} is outside "
                        f"the calendar's range ({valid_from} to {valid_to})",
                    )
                )
            for day in days:
                if section == "holidays":
                    holidays.setdefault(day, i)
                elif day in holidays:
                    out.append(
                        _at(
                            document,
                            (section, i),
                            f"{section}[{i}]: {day} is both a "
                            f"holiday (holidays[{holidays[day]}]) and a make-up working "
                            "day",
                        )
                    )
                    break
    if not out:  # pragma: no cover - defensive: a model check this function does not know
        out.append(_at(document, (), "the holiday calendar is inconsistent"))
    return out
