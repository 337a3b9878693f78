"""Nothing but :class:`TanxinError` subclasses escapes the library, whatever it is fed.

The library's entry points — ``load_policy`` (file or text), ``load_roster`` /
``parse_roster``, ``load_history`` / ``parse_history``, ``load_holidays``, ``load_meetings``
and ``evaluate`` — are fed by Hypothesis:

- arbitrary bytes and text, under every file suffix;
- the bundled policies and example files after random edits: truncation, deleted and
  duplicated lines, hostile snippets (aliases, Python tags, merge keys, NUL and escape
  characters, bidi overrides, impossible dates, year 0 and 10000, deep brackets, YAML 1.1
  traps, formula text) and other encodings (UTF-16, UTF-32, GBK, a BOM);
- structured holiday calendars and meetings files with hostile values, as YAML, JSON and CSV;
- ``evaluate`` on valid models at the edges of the calendar (years 1 and 9999), with holiday
  calendars that do not cover the dates asked about.

Each call must return, or raise a ``TanxinError`` whose problems name the file — never
another exception — and within a bounded time.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tanxin_rules import (
    History,
    HolidayCalendar,
    Person,
    Policy,
    RoleHolding,
    Roster,
    TanxinError,
    evaluate,
    load_history,
    load_holidays,
    load_meetings,
    load_policy,
    load_roster,
    parse_history,
    parse_roster,
)
from tanxin_rules.testing import date_ranges, dates, histories, holiday_calendars, rosters

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SECONDS = 30.0  # a hang guard for hostile input, not a speed claim
POLICY_FILES = [
    ROOT / "policies" / "huimin_2015.yaml",
    ROOT / "policies" / "examples" / "county_bureau_2021.yaml",
    ROOT / "policies" / "examples" / "university_college_2019.yaml",
]
POLICIES = {path.stem: load_policy(path) for path in POLICY_FILES}


def bounded(n: int) -> settings:
    """``n`` examples under the everyday profiles; the fuzz profile's own (larger) number."""
    current = settings().max_examples
    return settings(
        max_examples=current if current > 1000 else min(n, current),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


class EscapedError(AssertionError):
    """Something other than a TanxinError left the library."""


def attempt(what: str, call: Callable[[], object], name: str | None = None) -> object:
    """Run one entry point: its result, or the TanxinError it raised; fail on anything else."""
    started = time.perf_counter()
    try:
        result: object = call()
    except TanxinError as exc:
        problems = getattr(exc, "problems", ())
        if name is not None:
            assert all(p.file == name for p in problems), (what, problems)
        assert all(p.line >= 0 and p.col >= 0 for p in problems), (what, problems)
        result = exc
    except Exception as exc:  # the very thing this module exists to catch
        trace = "".join(traceback.format_exception(exc, limit=-4))
        raise EscapedError(f"{what} let {type(exc).__name__} escape:\n{trace}") from exc
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS, f"{what} took {elapsed:.1f}s"
    return result


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory for the files this module writes."""
    return tmp_path_factory.mktemp("escapes")


def _write(workdir: Path, suffix: str, data: bytes) -> Path:
    path = workdir / f"input{suffix}"
    path.write_bytes(data)
    return path


LOADERS: dict[str, tuple[tuple[str, ...], Callable[[Path], object]]] = {
    "policy": ((".yaml", ".yml"), load_policy),
    "roster": ((".yaml", ".json", ".csv"), load_roster),
    "history": ((".yaml", ".json", ".csv"), load_history),
    "holidays": ((".yaml", ".json", ".csv"), load_holidays),
    "meetings": (
        (".yaml", ".json", ".csv"),
        lambda p: load_meetings(p, kinds=["democratic_life_meeting"]),
    ),
}


def load_any(workdir: Path, kind: str, suffix: str, data: bytes) -> object:
    """Write ``data`` with ``suffix`` and read it with the ``kind`` loader."""
    path = _write(workdir, suffix, data)
    return attempt(f"{kind} loader on {suffix}", lambda: LOADERS[kind][1](path), str(path))


# --------------------------------------------------------------------------- arbitrary input


@bounded(60)
@given(
    data=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")),
    kind=st.sampled_from(sorted(LOADERS)),
    pick=st.integers(0, 2),
)
def test_arbitrary_bytes_give_a_result_or_a_typed_error(
    workdir: Path, data: bytes, kind: str, pick: int
) -> None:
    """Any bytes, under any suffix a loader accepts, give a result or a TanxinError."""
    suffixes = LOADERS[kind][0]
    load_any(workdir, kind, suffixes[pick % len(suffixes)], data)


@bounded(40)
@given(
    data=st.text(max_size=300) | st.binary(max_size=300),
    fmt=st.sampled_from(["yaml", "json", "csv"]),
)
def test_arbitrary_text_in_memory_gives_a_result_or_a_typed_error(
    data: str | bytes, fmt: str
) -> None:
    """``load_policy(text=…)``, ``parse_roster`` and ``parse_history`` on anything."""
    attempt("load_policy(text=)", lambda: load_policy(text=data, name="mem"), "mem")
    attempt("parse_roster", lambda: parse_roster(data, fmt=fmt, name="mem"), "mem")  # type: ignore[arg-type]
    attempt("parse_history", lambda: parse_history(data, fmt=fmt, name="mem"), "mem")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- mutated real files


ROSTER_CSV = (
    "id,name,roles,unit,branch,oversees,party_member,party_joined,hired,left\n"
    "p1,張三,party_secretary,office,b1,,true,1999-07-01,2001-09-01,\n"
    "p2,李四,vice_president@2026-03-01..,office,,surgery;lab,false,,,2026-10-31\n"
    "p3,王五,section_director,surgery,b1,,1,2010-05-04,,\n"
)
TALKS_CSV = (
    "id,date,time,participants,mode,initiator,topics,answers_event,reason\n"
    "t1,2026-01-05,14:30,p1;p2,individual,p1,clean_government,,\n"
    "t2,2026-02-26,,p2;p3;p1,collective,,,,事故通報\n"
)
HOLIDAYS_CSV = (
    "date,kind,name\n2025-01-01,valid_from,\n2026-12-31,valid_to,\nsaturday,weekend,\n"
    "sunday,weekend,\n2025-01-01,holiday,元旦\n2025-01-28/2025-02-04,holiday,春節\n"
    "2025-01-26,workday,調休\nerror,outside_range,\n"
)
MEETINGS_CSV = "kind,date,id\ndemocratic_life_meeting,2025-01-16,dlm-2024\n"

SEEDS: dict[str, list[tuple[str, str]]] = {
    "policy": [(".yaml", p.read_text(encoding="utf-8")) for p in POLICY_FILES],
    "roster": [
        (".yaml", (EXAMPLES / "county_bureau" / "roster.yaml").read_text(encoding="utf-8")),
        (".csv", ROSTER_CSV),
    ],
    "history": [
        (".yaml", (EXAMPLES / "county_bureau" / "history.yaml").read_text(encoding="utf-8")),
        (".csv", TALKS_CSV),
    ],
    "holidays": [
        (".yaml", (EXAMPLES / "holidays" / "cn_2025_2026.yaml").read_text(encoding="utf-8")),
        (".csv", HOLIDAYS_CSV),
    ],
    "meetings": [
        (".yaml", (EXAMPLES / "meetings" / "huimin_meetings.yaml").read_text(encoding="utf-8")),
        (".csv", MEETINGS_CSV),
    ],
}
# The JSON form of every YAML seed that is plain data (all of them are).
for _kind, _seeds in SEEDS.items():
    if _kind != "policy":
        from tanxin_rules._yaml import read_yaml

        _yaml_text = next(text for suffix, text in _seeds if suffix == ".yaml")
        _seeds.append((".json", json.dumps(read_yaml(_yaml_text).data, ensure_ascii=False,
                                           indent=1, default=str)))  # fmt: skip

HOSTILE = [
    "&a [*a, *a]", "*nowhere", "!!python/object/apply:os.system ['echo pwned']",
    "!!binary aGk=", "<<: {a: 1}", "? [a, b]\n: c", "\x00", "\x07", "\x1b[2J", "\u202e",
    "\u2028", "\ufeff", "2026-02-30", "0000-01-01", "10000-01-01", "9999-12-31",
    "0001-01-01", "1e400", "-" * 3000, "[" * 300, "{" * 300, "]", "}", "14:30", "no",
    "010", "0x1F", ".inf", "---\n", "...\n", '"', "'", "\t", "\r", ",", ";", ",,,,,,,,",
    "=HYPERLINK(\"http://evil.example\")", "@SUM(A1)", "%YAML 1.1\n", "%TAG ! tag:evil,2000:\n",
    "p1", "ghost", "null", "~", "{param: nowhere}", "{param: year_period}",
]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "gb18030", "big5"]


@st.composite
def mutated(draw: st.DrawFn, text: str) -> bytes:
    """``text`` after one to four random edits, in some encoding."""
    lines = text.splitlines(keepends=True) or [""]
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(["insert", "truncate", "delete", "duplicate", "char",
                                     "swap", "inline"]))  # fmt: skip
        i = draw(st.integers(0, len(lines) - 1))
        if edit == "insert":
            lines.insert(i, draw(st.sampled_from(HOSTILE)) + "\n")
        elif edit == "inline":
            k = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:k] + draw(st.sampled_from(HOSTILE)) + lines[i][k:]
        elif edit == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
            del lines[i + 1 :]
        elif edit == "delete" and len(lines) > 1:
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            k = draw(st.integers(0, max(len(lines[i]) - 1, 0)))
            lines[i] = lines[i][:k] + draw(st.characters(codec="utf-8")) + lines[i][k + 1 :]
    encoding = draw(st.sampled_from(ENCODINGS[:1] * 6 + ENCODINGS))
    return "".join(lines).encode(encoding, errors="replace")


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """(loader kind, suffix, bytes): a real file of that kind after random edits."""
    kind = draw(st.sampled_from(sorted(SEEDS)))
    suffix, text = draw(st.sampled_from(SEEDS[kind]))
    return kind, suffix, draw(mutated(text))


def test_the_seeds_load_unmutated(workdir: Path) -> None:
    """Every seed file reads cleanly as it is, so the mutations start from valid input."""
    for kind, seeds in SEEDS.items():
        for suffix, text in seeds:
            result = load_any(workdir, kind, suffix, text.encode("utf-8"))
            assert not isinstance(result, TanxinError), (kind, suffix, result)


@bounded(80)
@given(mutated_files())
def test_mutated_files_give_a_result_or_a_typed_error(
    workdir: Path, case: tuple[str, str, bytes]
) -> None:
    """Edited, truncated, re-encoded real files give a result or a located TanxinError."""
    kind, suffix, data = case
    load_any(workdir, kind, suffix, data)


# --------------------------------------------------------------------------- structured calendars


HOSTILE_DATES = st.sampled_from(
    ["2026-02-30", "2026-13-01", "0000-01-01", "10000-01-01", "2026-1-1", "20260101",
     "9999-12-31", "0001-01-01", "", "yesterday", "2026-02-28T10:00"]
) | dates().map(str) | st.integers(-10, 30000000) | st.none()  # fmt: skip
WEEKDAY_NAMES = (
    st.sampled_from(["saturday", "sunday", "Monday", "caturday", "", "日"]) | st.integers()
)


@st.composite
def holiday_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A holiday calendar document with hostile values in any field."""
    entry = st.fixed_dictionaries(
        {},
        optional={
            "date": HOSTILE_DATES,
            "from": HOSTILE_DATES,
            "to": HOSTILE_DATES,
            "name": st.text(max_size=8),
            "extra": st.integers(),
        },
    )
    doc: dict[str, Any] = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "valid_from": HOSTILE_DATES,
                "valid_to": HOSTILE_DATES,
                "weekend": st.lists(WEEKDAY_NAMES, max_size=4) | WEEKDAY_NAMES,
                "holidays": st.lists(entry, max_size=4) | st.text(max_size=5),
                "workdays": st.lists(entry, max_size=3),
                "outside_range": st.sampled_from(["error", "weekends_only", "guess", 1]),
                "name": st.text(max_size=6),
                "unknown": st.booleans(),
            },
        )
    )
    return doc


def _holidays_csv(doc: dict[str, Any]) -> str:
    rows = ["date,kind,name"]
    for key in ("valid_from", "valid_to", "outside_range"):
        if key in doc:
            rows.append(f"{doc[key]},{key},")
    weekend = doc.get("weekend", [])
    for day in weekend if isinstance(weekend, list) else [weekend]:
        rows.append(f"{day},weekend,")
    for section, kind in (("holidays", "holiday"), ("workdays", "workday")):
        entries = doc.get(section, [])
        for entry in entries if isinstance(entries, list) else []:
            when = entry.get("date") or f"{entry.get('from')}/{entry.get('to')}"
            rows.append(f"{when},{kind},{entry.get('name', '')}")
    return "\n".join(rows) + "\n"


def _calendar_questions(calendar: HolidayCalendar) -> Iterator[object]:
    """Working-day questions at and around the calendar's edges."""
    for day in (calendar.valid_from, calendar.valid_to):
        yield attempt("is_working_day", partial(calendar.is_working_day, day))
        yield attempt("add_working_days", partial(calendar.add_working_days, day, 5))
        yield attempt("shift", partial(calendar.shift, day, "next"))
        yield attempt("shift", partial(calendar.shift, day, "previous"))


@bounded(60)
@given(holiday_documents(), st.sampled_from([".yaml", ".json", ".csv"]))
def test_hostile_holiday_calendars_give_a_calendar_or_a_typed_error(
    workdir: Path, doc: dict[str, Any], suffix: str
) -> None:
    """Impossible dates, reversed ranges, unknown weekdays, wrong types: a calendar that
    answers only with CalendarError, or a located InputError."""
    if suffix == ".csv":
        data = _holidays_csv(doc).encode("utf-8")
    elif suffix == ".json":
        data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    else:
        data = _yaml_dump(doc).encode("utf-8")
    result = load_any(workdir, "holidays", suffix, data)
    if isinstance(result, HolidayCalendar):
        list(_calendar_questions(result))


@bounded(40)
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "kind": st.sampled_from(["democratic_life_meeting", "other", ""]) | st.integers(),
                "date": HOSTILE_DATES,
                "id": st.text(max_size=4) | st.integers() | st.none(),
            },
        )
        | st.integers()
        | st.text(max_size=3),
        max_size=5,
    ),
    st.sampled_from([".yaml", ".json", ".csv"]),
    st.booleans(),
)
def test_hostile_meetings_give_meetings_or_a_typed_error(
    workdir: Path, items: list[Any], suffix: str, wrapped: bool
) -> None:
    """Meetings with impossible dates, wrong types, duplicate ids: a list or an InputError."""
    doc: Any = {"meetings": items, "talks": []} if wrapped else items
    if suffix == ".csv":
        rows = ["kind,date,id"] + [
            f"{m.get('kind', '')},{m.get('date', '')},{m.get('id', '')}"
            for m in items
            if isinstance(m, dict)
        ]
        data = ("\n".join(rows) + "\n").encode("utf-8")
    elif suffix == ".json":
        data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    else:
        data = _yaml_dump(doc).encode("utf-8")
    load_any(workdir, "meetings", suffix, data)


def _yaml_dump(value: Any) -> str:
    """Flow-style YAML of plain data, every string quoted except dates' digits."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_yaml_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_dump(v) for v in value) + "]"
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        return value  # unquoted, as people write dates
    return json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------------- evaluate


EDGES = [
    (date(1, 1, 1), date(1, 6, 30)),
    (date(2024, 1, 1), date(2026, 12, 31)),
    (date(9999, 6, 1), date(9999, 12, 31)),
]


def full_house(policy: Policy, since: date) -> Roster:
    """One person per role of the policy, for good, in one unit and one branch, overseeing it,
    Party members since ``since`` (so every scope, chain and anniversary has someone)."""
    people = [
        Person(id=f"p{i}", name=role.id, roles=[RoleHolding(role=role.id)], unit="u",
               branch="b", oversees=["u"], party_member=True, party_joined=since,
               appointed=since)
        for i, role in enumerate(policy.roles)
    ]  # fmt: skip
    return Roster(people=people)


@st.composite
def edge_evaluations(draw: st.DrawFn) -> tuple[Policy, Any, Any, tuple[date, date], date, Any]:
    """A valid roster and history near one edge of the calendar, a period and as-of there,
    and a holiday calendar that may not cover them."""
    policy = POLICIES[draw(st.sampled_from(sorted(POLICIES)))]
    low, high = draw(st.sampled_from(EDGES))
    if draw(st.booleans()):
        roster = full_house(policy, low)
    else:
        roster = draw(rosters(policy, max_people=6, min_date=low, max_date=high))
    period = draw(date_ranges(low, high, max_days=400))
    history = draw(histories(roster, policy, low, high, max_talks=10))
    as_of = draw(dates(low, high))
    holidays = draw(st.none() | holiday_calendars(low, high, max_days=400))
    return policy, roster, history, period, as_of, holidays


@bounded(60)
@given(edge_evaluations())
def test_evaluate_lets_only_typed_errors_escape(
    case: tuple[Policy, Any, Any, tuple[date, date], date, Any],
) -> None:
    """At the calendar's edges, and with calendars that do not cover the dates asked about,
    evaluate gives a report (calendar gaps become findings) or a TanxinError."""
    policy, roster, history, period, as_of, holidays = case
    attempt("evaluate", lambda: evaluate(policy, roster, history, period, as_of, holidays))


def test_evaluate_refuses_a_backwards_period_with_a_typed_error() -> None:
    """A period ending before it starts is an InputError, not a crash."""
    policy = POLICIES["huimin_2015"]
    with pytest.raises(TanxinError):
        evaluate(policy, Roster(), History(), (date(2026, 12, 31), date(2026, 1, 1)),
                 date(2026, 12, 31))  # fmt: skip


def test_rolling_rule_near_9999_is_not_an_overflow() -> None:
    """County 3.1a (rolling 90 days) evaluated for December 9999: a report, not OverflowError."""
    roster = Roster.model_validate(
        {
            "people": [
                {"id": "sec", "name": "S", "roles": [{"role": "party_group_secretary"}]},
                {"id": "dd", "name": "D", "roles": [{"role": "deputy_director"}]},
            ]
        }
    )
    report = evaluate(POLICIES["county_bureau_2021"], roster, History(),
                      (date(9999, 12, 1), date(9999, 12, 31)), date(9999, 12, 31))  # fmt: skip
    windows = [o.window for o in report.obligations if o.rule == "secretary_interval"]
    assert [w.start for w in windows] == [date(9999, 12, 1)]
