"""The exception tree: everything the library raises on bad input.

::

    TanxinError                         root; catch this to catch everything below
    ├── PolicyError(ValueError)          a policy file is unusable: syntax, limits, schema,
    │                                    cross-references; carries every located Problem
    ├── InputError(ValueError)           a roster, history, meetings or holiday file is unusable
    │                                    as a whole (syntax, limits, wrong shape); carries Problems
    └── CalendarError(ValueError)        a date question the supplied calendar cannot answer
                                         (outside the holiday calendar's range, year 0 / 10000)

Leaves also subclass the stdlib class they really are (``ValueError``), as attrs and whenever do,
so ``except ValueError`` in a caller keeps working. Each carries *where* the problem is: a
:class:`Problem` has the file, line and column (1-based) and the path of keys inside the document.
A single unusable *record* inside an otherwise good file is not an exception: it becomes a
finding in the report, so that no record is silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CalendarError", "InputError", "PolicyError", "Problem", "TanxinError"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem: ``file:line:col: message``.

    ``line`` and ``col`` are 1-based and 0 when unknown (e.g. a policy built in Python rather
    than read from a file). ``path`` is the chain of mapping keys and sequence indexes from the
    document root to the offending node, e.g. ``("rules", 3, "period", "unit")``.
    """

    message: str
    file: str = "<string>"
    line: int = 0
    col: int = 0
    path: tuple[str | int, ...] = ()
    code: str = "invalid"
    level: str = "error"

    @property
    def where(self) -> str:
        """``file:line:col`` (or just ``file`` when the position is unknown)."""
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file

    @property
    def dotted_path(self) -> str:
        """The path as ``rules[3].period.unit``, for messages about Python-built objects."""
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.message}"


class TanxinError(Exception):
    """Root of every exception this library raises on purpose."""


class PolicyError(TanxinError, ValueError):
    """A policy is unusable; :attr:`problems` lists every located problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("PolicyError needs at least one problem")
        super().__init__(_summary(self.problems))

    def __reduce__(self) -> tuple[type[PolicyError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))  # pickles across processes (evaluate_many)


class InputError(TanxinError, ValueError):
    """A roster, history, meetings or holiday file is unusable as a whole."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__(_summary(self.problems))

    def __reduce__(self) -> tuple[type[InputError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))  # pickles across processes (evaluate_many)


class CalendarError(TanxinError, ValueError):
    """A calendar question that the supplied data cannot answer without guessing."""

    def __init__(self, message: str, *, where: str = "") -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)

    def __reduce__(self) -> tuple[object, ...]:
        return (_calendar_error, (type(self), self.message, self.where))


def _summary(problems: tuple[Problem, ...]) -> str:
    first = str(problems[0])
    if len(problems) == 1:
        return first
    return f"{first} (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})"


def _calendar_error(cls: type[CalendarError], message: str, where: str) -> CalendarError:
    return cls(message, where=where)
