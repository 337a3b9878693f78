"""Shared Pydantic base and small value types used by every model.

One base config for the whole library (strict, ``extra="forbid"``, frozen): strict so that no
lax coercion sneaks in (``"no"`` never becomes ``False``; ``"3"`` never becomes ``3``), forbid
so that a misspelt key is an error rather than ignored, frozen so that a loaded policy or input
cannot be changed behind the engine's back.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from ._yaml import Ambiguous

__all__ = ["EMPTY_LIST", "ClockTime", "Id", "IsoDate", "Label", "Model"]


class Model(BaseModel):
    """Base of every model: strict, closed, immutable."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        frozen=True,
        validate_default=False,
        use_attribute_docstrings=True,
        ser_json_inf_nan="strings",
    )


EMPTY_LIST: dict[str, Any] = {"default": []}
"""``json_schema_extra`` of a list field defaulting to empty, written
``Field(default_factory=list, json_schema_extra=EMPTY_LIST)``: the schema still says
``"default": []``, but no default is deep-copied per instance (Pydantic copies a mutable
default every time it is used: a measured quarter of the validation time of a large history).
"""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_fromisoformat = date.fromisoformat
_DATES: dict[str, date] = {}
"""Dates already parsed, by text: a year of a million talks holds a few hundred distinct
dates, so each is parsed once and every record shares one immutable object (32 bytes a
record less, and a look-up is quicker than parsing). Bounded by :data:`_DATES_MAX`."""
_DATES_MAX = 200_000


def _parse_date(value: Any) -> Any:
    # Fast path, called once per date of every record (millions in a large history): exact
    # text ``YYYY-MM-DD`` that the C parser accepts. Ten characters with dashes at 4 and 7 can
    # only be that form (3.11's other ISO forms — ``YYYYMMDD``, ``YYYY-Www-D`` — are not), and
    # the C parser takes only ASCII digits, which ``\d`` also matches: so it accepts exactly
    # what the regular expression and parser below accept. Anything else takes the slow path,
    # which gives the messages.
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        found = _DATES.get(value)
        if found is not None:
            return found
        try:
            found = _fromisoformat(value)
        except ValueError:
            pass
        else:
            if len(_DATES) < _DATES_MAX:
                _DATES[value] = found
            return found
    if isinstance(value, str):
        if not _DATE.fullmatch(value):
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a real date ({exc})") from None
    if isinstance(value, date) and type(value) is not date:  # a datetime is not a date
        raise ValueError("expected a date without a time of day")
    return value


IsoDate = Annotated[
    date,
    BeforeValidator(_parse_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
"""A calendar date; in files, text ``YYYY-MM-DD`` (only where a date is expected)."""

_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def _parse_clock(value: Any) -> Any:
    if isinstance(value, Ambiguous):  # unquoted 14:30 in a clock field means the clock time
        value = value.text
    if isinstance(value, str):
        match = _CLOCK.fullmatch(value if len(value) == 5 else "0" + value)
        if not match:
            raise ValueError(f"expected a clock time as HH:MM (24-hour), got {value!r}")
        return time(int(match[1]), int(match[2]))
    return value


ClockTime = Annotated[
    time,
    BeforeValidator(_parse_clock),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"}),
]
"""A time of day, ``HH:MM`` in 24-hour form, in the policy's timezone."""

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""An identifier: lower-case ASCII letters, digits and ``_``, starting with a letter."""


class Label(Model):
    """A name in Chinese and English. The Chinese is the authority where they differ."""

    zh: Annotated[str, Field(min_length=1, max_length=2000)]
    """Chinese text (繁體 or 简体, as the source has it)."""
    en: Annotated[str, Field(min_length=1, max_length=2000)]
    """English rendering."""

    def __str__(self) -> str:
        return f"{self.zh} ({self.en})"
