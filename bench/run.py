"""The scale benchmark: one command, one table, every figure measured in the same run.

Run ``python bench/run.py --quick`` (1 000 and 10 000 people: under two minutes) or
``python bench/run.py`` (also 100 000 people, a million talk records: about three minutes on
two cores). DuckDB is optional: ``pip install -e '.[bench]'``. What it does:

1. generates (bench/generate.py, seed 1) a Huimin-style organisation of each size with about
   ``--talks-per-person`` talk records per person, as JSON and CSV, in a scratch directory;
2. measures, each in a fresh subprocess (so that peak memory is the size's own: the
   process's ``ru_maxrss``; imports are done before the clock starts):

   - **floor**: reading the same JSON files and ``json.loads`` alone, the cyclic GC paused —
     the physical floor of "files in";
   - **ours, end to end**: load the policy, roster, history and holidays
     (``load_roster`` …), ``evaluate`` the Huimin policy for 2025 as of 2026-01-15, and write
     the JSON report (``model_dump_json(indent=2)``'s bytes, as ``tanxin-rules evaluate
     --format json`` prints) — load, evaluate and report times, peak memory, time per talk
     record;
   - **the 3.1b question** (principals × team members: which pairs met in the year, with
     each pair's window): ours (load + evaluate a policy holding that one rule), SQLite
     (standard library: one query with its JSON functions over the same JSON files) and
     DuckDB (one query over the CSV files, and one over the JSON files). Every answer is
     checked to be the same rows as ours;
   - at 100 000 people (ten hospitals), **evaluate_many**: the same bureau evaluated hospital
     by hospital in two worker processes, each reading its own files;
3. times slot generation against raw python-dateutil (bench/calendar_bench.py's measure).

Best of ``--repeat`` runs (default 3; at 100 000 people, two runs of the floor and of the
end-to-end figures, one of the others). Prints the machine, then the tables; asserts nothing
(the figures go to docs/performance.md by hand).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import importlib.util
import itertools
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import ChainMap
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
POLICY = ROOT / "policies" / "huimin_2015.yaml"
PERIOD = (date(2025, 1, 1), date(2025, 12, 31))
AS_OF = date(2026, 1, 15)
SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
RULE = "principals_annual"
"""3.1b: the secretary and the president each talk with every team member once a year."""

Row = tuple[str, str, str, str, bool]
"""(principal, team member, window start, window end, met) — the 3.1b answer."""


# --------------------------------------------------------------------------- children


def _peak_mb() -> float:
    """This process's peak resident memory (``ru_maxrss``: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _children_peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _digest(rows: Sequence[Row]) -> str:
    return hashlib.sha256(json.dumps(sorted(rows)).encode()).hexdigest()[:12]


def _answer(rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    clean: list[Row] = [(str(a), str(b), str(lo), str(hi), bool(m)) for a, b, lo, hi, m in rows]
    return {"pairs": len(clean), "met": sum(r[4] for r in clean), "digest": _digest(clean)}


def child_floor(folder: Path) -> dict[str, Any]:
    """The floor: read and ``json.loads`` the JSON inputs, GC paused, objects kept."""
    kept = []
    start = time.perf_counter()
    gc.disable()
    for name in ("roster.json", "history.json", "holidays.json"):
        kept.append(json.loads((folder / name).read_bytes().decode("utf-8")))
    seconds = time.perf_counter() - start
    return {"seconds": seconds}


def child_e2e(folder: Path) -> dict[str, Any]:
    """Files in, report out: what ``tanxin-rules evaluate --format json`` does, timed."""
    from pydantic import TypeAdapter  # noqa: PLC0415

    from tanxin_rules import (  # noqa: PLC0415
        Report,
        evaluate,
        load_history,
        load_holidays,
        load_policy,
        load_roster,
    )

    dump = TypeAdapter(Report).dump_json
    start = time.perf_counter()
    policy = load_policy(POLICY)
    roster = load_roster(folder / "roster.json")
    history = load_history(folder / "history.json")
    holidays = load_holidays(folder / "holidays.json")
    loaded = time.perf_counter()
    report = evaluate(
        policy,
        roster.value,
        history.value,
        PERIOD,
        AS_OF,
        holidays,
        findings=[*roster.findings, *history.findings],
        lines=ChainMap(roster.lines, history.lines),  # type: ignore[arg-type]  # as the CLI
    )
    evaluated = time.perf_counter()
    data = dump(report, indent=2, by_alias=True)  # the bytes of model_dump_json(indent=2)
    (folder / "report.json").write_bytes(data)
    done = time.perf_counter()
    return {
        "seconds": done - start,
        "load": loaded - start,
        "evaluate": evaluated - loaded,
        "report": done - evaluated,
        "obligations": len(report.obligations),
        "findings": len(report.findings),
        "report_mb": len(data) / 2**20,
        "peak_mb": _peak_mb(),
    }


def child_ours(folder: Path) -> dict[str, Any]:
    """The 3.1b question, ours: load the files, evaluate a policy of that one rule."""
    from tanxin_rules import evaluate, load_history, load_policy, load_roster  # noqa: PLC0415

    policy = load_policy(POLICY)
    only = policy.model_copy(update={"rules": [r for r in policy.rules if r.id == RULE]})
    start = time.perf_counter()
    roster = load_roster(folder / "roster.json")
    history = load_history(folder / "history.json")
    report = evaluate(only, roster.value, history.value, PERIOD, AS_OF)
    rows = []
    for ob in report.obligations:
        a, b = ob.id.rsplit(":", 1)[1].split("+")
        rows.append(
            (a, b, ob.window.start.isoformat(), ob.window.due.isoformat(), ob.status == "met")
        )
    seconds = time.perf_counter() - start
    return {"seconds": seconds, **_answer(rows), "peak_mb": _peak_mb()}


def _roles() -> tuple[list[str], list[str]]:
    """The roles of the principal leaders and of the team, from the policy itself."""
    from tanxin_rules import load_policy  # noqa: PLC0415

    groups = {g.id: g.members for g in load_policy(POLICY).groups}
    principals, team = groups["principal_leaders"].any_role, groups["leadership_team"].any_role
    assert principals
    assert team
    return list(principals), list(team)


def _in(roles: Sequence[str]) -> str:
    return ", ".join(f"'{r}'" for r in roles)


SQLITE = """
WITH person AS MATERIALIZED (
  SELECT json_extract(p.value, '$.id') AS pid,
         coalesce(json_extract(p.value, '$.hired'), '0001-01-01') AS hired,
         coalesce(json_extract(p.value, '$.left'), '9999-12-31') AS left_,
         json_extract(p.value, '$.roles') AS roles,
         json_extract(p.value, '$.organisation') AS org
  FROM json_each(:roster, '$.people') AS p
),
holding AS (
  SELECT person.pid, person.org, json_extract(r.value, '$.role') AS role,
         max(coalesce(json_extract(r.value, '$.since'), '0001-01-01'), person.hired, :start) AS lo,
         min(coalesce(json_extract(r.value, '$.until'), '9999-12-31'), person.left_, :end) AS hi
  FROM person, json_each(person.roles) AS r
  WHERE person.roles IS NOT NULL
),
pair AS MATERIALIZED (
  SELECT p.pid AS a, t.pid AS b, min(max(p.lo, t.lo)) AS lo, max(min(p.hi, t.hi)) AS hi,
         min(p.pid, t.pid) AS k1, max(p.pid, t.pid) AS k2
  FROM holding AS p JOIN holding AS t ON p.pid <> t.pid AND p.org IS t.org
  WHERE p.role IN ({principals}) AND t.role IN ({team}) AND max(p.lo, t.lo) <= min(p.hi, t.hi)
  GROUP BY p.pid, t.pid
),
talk AS MATERIALIZED (
  SELECT json_extract(t.value, '$.date') AS d,
         min(json_extract(t.value, '$.participants[0]'),
             json_extract(t.value, '$.participants[1]')) AS k1,
         max(json_extract(t.value, '$.participants[0]'),
             json_extract(t.value, '$.participants[1]')) AS k2
  FROM json_each(:history, '$.talks') AS t
  WHERE json_array_length(t.value, '$.participants') = 2
    AND json_extract(t.value, '$.date') <= :as_of
    AND date(json_extract(t.value, '$.date')) = json_extract(t.value, '$.date')
)
SELECT pair.a, pair.b, pair.lo, pair.hi,
       EXISTS (SELECT 1 FROM talk WHERE talk.k1 = pair.k1 AND talk.k2 = pair.k2
                                    AND talk.d BETWEEN pair.lo AND pair.hi) AS met
FROM pair ORDER BY pair.a, pair.b
"""
"""3.1b in SQLite over the JSON files: a pair of the same hospital (``organisation``, both
absent counting as the same: ``same_organisation``) owes when both hold their role (and are in
the organisation) on a common day of the year; its window runs from the first to the last such
day; it is met by a two-person talk between them dated in the window, on or before as-of."""

_DUCK_TAIL = """
holding AS (
  SELECT pid, org, role,
         greatest(coalesce(since, '0001-01-01'), hired, $start) AS lo,
         least(coalesce(until, '9999-12-31'), left_, $end) AS hi
  FROM held
),
pair AS (
  SELECT p.pid AS a, t.pid AS b, min(greatest(p.lo, t.lo)) AS lo, max(least(p.hi, t.hi)) AS hi,
         least(p.pid, t.pid) AS k1, greatest(p.pid, t.pid) AS k2
  FROM holding AS p JOIN holding AS t
    ON p.pid <> t.pid AND p.org IS NOT DISTINCT FROM t.org
  WHERE p.role IN ({principals}) AND t.role IN ({team})
    AND greatest(p.lo, t.lo) <= least(p.hi, t.hi)
  GROUP BY p.pid, t.pid
),
met AS (
  SELECT DISTINCT pair.a, pair.b FROM pair JOIN talk
    ON talk.k1 = pair.k1 AND talk.k2 = pair.k2 AND talk.d BETWEEN pair.lo AND pair.hi
)
SELECT pair.a, pair.b, pair.lo, pair.hi, met.a IS NOT NULL AS met
FROM pair LEFT JOIN met ON met.a = pair.a AND met.b = pair.b
ORDER BY pair.a, pair.b
"""

DUCKDB_CSV = (
    """
WITH person AS (
  SELECT id AS pid, coalesce(hired, '0001-01-01') AS hired,
         coalesce("left", '9999-12-31') AS left_, roles, organisation AS org
  FROM read_csv('{folder}/roster.csv', all_varchar = true)
),
held AS (
  SELECT pid, org, hired, left_, split_part(h, '@', 1) AS role,
         nullif(split_part(split_part(h, '@', 2), '..', 1), '') AS since,
         nullif(split_part(split_part(h, '@', 2), '..', 2), '') AS until
  FROM (SELECT pid, org, hired, left_, unnest(string_split(roles, ';')) AS h
        FROM person WHERE roles IS NOT NULL)
),
talk AS (
  SELECT date AS d, least(ps[1], ps[2]) AS k1, greatest(ps[1], ps[2]) AS k2
  FROM (SELECT date, string_split(participants, ';') AS ps
        FROM read_csv('{folder}/talks.csv', all_varchar = true))
  WHERE len(ps) = 2 AND date <= $as_of AND try_cast(date AS DATE) IS NOT NULL
),"""
    + _DUCK_TAIL
)
"""3.1b in DuckDB over the CSV files (roles written ``role@since..until;…``)."""

DUCKDB_JSON = (
    """
WITH person AS (
  SELECT p.id AS pid, coalesce(p.hired, '0001-01-01') AS hired,
         coalesce(p."left", '9999-12-31') AS left_, p.roles AS roles, p.organisation AS org
  FROM (SELECT unnest(people) AS p
        FROM read_json('{folder}/roster.json', maximum_object_size = 2147483647,
                       columns = {{'people': 'STRUCT(id VARCHAR, hired VARCHAR,
                                   "left" VARCHAR, organisation VARCHAR, roles STRUCT(
                                   role VARCHAR, since VARCHAR, until VARCHAR)[])[]'}}))
),
held AS (
  SELECT pid, org, hired, left_, r.role AS role, r.since AS since, r.until AS until
  FROM (SELECT pid, org, hired, left_, unnest(roles) AS r FROM person)
),
talk AS (
  SELECT t.date AS d, least(t.participants[1], t.participants[2]) AS k1,
         greatest(t.participants[1], t.participants[2]) AS k2
  FROM (SELECT unnest(talks) AS t
        FROM read_json('{folder}/history.json', maximum_object_size = 2147483647,
                       columns = {{'talks': 'STRUCT(date VARCHAR, participants VARCHAR[])[]'}}))
  WHERE len(t.participants) = 2 AND t.date <= $as_of AND try_cast(t.date AS DATE) IS NOT NULL
),"""
    + _DUCK_TAIL
)
"""3.1b in DuckDB over the JSON files (each file one object of lists, as the library reads)."""


def child_sqlite(folder: Path) -> dict[str, Any]:
    principals, team = _roles()
    query = SQLITE.format(principals=_in(principals), team=_in(team))
    start = time.perf_counter()
    roster = (folder / "roster.json").read_text(encoding="utf-8")
    history = (folder / "history.json").read_text(encoding="utf-8")
    connection = sqlite3.connect(":memory:")
    rows = connection.execute(
        query,
        {
            "roster": roster,
            "history": history,
            "start": PERIOD[0].isoformat(),
            "end": PERIOD[1].isoformat(),
            "as_of": AS_OF.isoformat(),
        },
    ).fetchall()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, **_answer(rows), "peak_mb": _peak_mb()}


def child_duckdb(folder: Path, source: str) -> dict[str, Any]:
    import duckdb  # noqa: PLC0415 - optional: the bench extra

    principals, team = _roles()
    template = DUCKDB_CSV if source == "csv" else DUCKDB_JSON
    query = template.format(folder=folder.as_posix(), principals=_in(principals), team=_in(team))
    params = {
        "start": PERIOD[0].isoformat(),
        "end": PERIOD[1].isoformat(),
        "as_of": AS_OF.isoformat(),
    }
    start = time.perf_counter()
    rows = duckdb.connect().execute(query, params).fetchall()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, **_answer(rows), "peak_mb": _peak_mb()}


def child_many(folder: Path, processes: int) -> dict[str, Any]:
    """The bureau hospital by hospital: evaluate_many over per-hospital files."""
    from pydantic import TypeAdapter  # noqa: PLC0415

    from tanxin_rules import Partition, Report, evaluate_many, load_policy  # noqa: PLC0415

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    dump = TypeAdapter(Report).dump_json
    start = time.perf_counter()
    policy = load_policy(POLICY)
    partitions = [
        Partition(
            folder / sub / "roster.json",
            folder / sub / "history.json",
            PERIOD,
            AS_OF,
            folder / sub / "holidays.json",
            name=sub,
        )
        for sub in manifest["files"]["partitions"]["hospitals"]
    ]
    reports = evaluate_many(policy, partitions, processes=processes)
    for sub, report in zip(manifest["files"]["partitions"]["hospitals"], reports, strict=True):
        (folder / sub / "report.json").write_bytes(dump(report, indent=2, by_alias=True))
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "partitions": len(reports),
        "obligations": sum(len(r.obligations) for r in reports),
        "peak_mb": max(_peak_mb(), _children_peak_mb()),
    }


class _Record:
    """The smallest per-record Python object an engine could keep: four slots."""

    __slots__ = ("date", "id", "participants", "topics")

    def __init__(self, rid: Any, day: Any, participants: Any, topics: Any) -> None:
        self.id = rid
        self.date = day
        self.participants = participants
        self.topics = topics


def child_limits(folder: Path) -> dict[str, Any]:
    """What any design that keeps one Python object per talk pays, against the floor.

    Each step is timed alone over the same history, the cyclic GC paused, as the library
    runs: ``json.loads`` (the floor's share for the history); validating the parsed records
    into the public ``Talk`` models, 512 at a time as the reader does; making the smallest
    object per record (a four-slot class, no validation: below what any validated model
    costs); and the least per-talk work of an engine that indexes talks per person (each
    talk's two participants looked up in a dict of the roster's people and appended to
    their lists). With msgspec installed, also its typed decode of the whole history into
    structs — the fastest validating decoder we know of.
    """
    from pydantic import TypeAdapter  # noqa: PLC0415

    from tanxin_rules import Talk  # noqa: PLC0415

    gc.disable()
    out: dict[str, Any] = {}
    raw = (folder / "history.json").read_bytes()
    if importlib.util.find_spec("msgspec") is not None:  # first: on a heap of its own
        out["msgspec"] = _msgspec_decode(raw)
    start = time.perf_counter()
    records = json.loads(raw.decode("utf-8"))["talks"]
    out["loads"] = time.perf_counter() - start
    adapter = TypeAdapter(list[Talk])
    models: list[Any] = []
    start = time.perf_counter()
    for lo in range(0, len(records), 512):
        chunk = records[lo : lo + 512]
        try:
            models.extend(adapter.validate_python(chunk))
        except ValueError:  # the few bad records of the chunk: the rest on its own
            for record in chunk:
                with contextlib.suppress(ValueError):
                    models.extend(adapter.validate_python([record]))
    out["validate"] = time.perf_counter() - start
    start = time.perf_counter()
    slim = [
        _Record(r.get("id"), r.get("date"), r.get("participants"), r.get("topics")) for r in records
    ]
    out["objects"] = time.perf_counter() - start
    people = json.loads((folder / "roster.json").read_bytes().decode("utf-8"))["people"]
    lists: dict[str, list[Any]] = {p["id"]: [] for p in people}
    get = lists.get
    start = time.perf_counter()
    for talk in models:
        for pid in talk.participants:
            found = get(pid)
            if found is not None:
                found.append(talk)
    out["loop"] = time.perf_counter() - start
    del slim, models, records
    return {"seconds": out["loads"], **out, "talks": len(lists) and sum(map(len, lists.values()))}


def _msgspec_decode(raw: bytes) -> float:
    import datetime  # noqa: PLC0415
    from typing import Annotated, Literal  # noqa: PLC0415

    import msgspec  # noqa: PLC0415 - optional: pip install msgspec

    rid = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    strict = {"forbid_unknown_fields": True, "frozen": True}
    reply = msgspec.defstruct(
        "Reply",
        [
            ("id", rid),
            ("requested_by", rid),
            ("matter", str, ""),
            ("replied_on", datetime.date | None, None),
        ],
        **strict,
    )
    record = msgspec.defstruct(
        "Record",
        [
            ("id", rid),
            ("date", str),  # a date like 2025-02-30 must not fail the whole file
            ("participants", Annotated[list[rid], msgspec.Meta(min_length=2)]),
            ("time", str | None, None),
            ("mode", Literal["individual", "collective"], "individual"),
            ("initiator", rid | None, None),
            ("topics", list[str], msgspec.field(default_factory=list)),
            ("answers_event", rid | None, None),
            ("reason", str | None, None),
            ("reply_requests", list[reply], msgspec.field(default_factory=list)),  # type: ignore[valid-type]
        ],
        **strict,
    )
    whole = msgspec.defstruct(
        "File",
        [
            ("talks", list[record], msgspec.field(default_factory=list)),  # type: ignore[valid-type]
            ("events", list[msgspec.Raw], msgspec.field(default_factory=list)),
            ("meetings", list[msgspec.Raw], msgspec.field(default_factory=list)),
        ],
        forbid_unknown_fields=True,
    )
    decoder = msgspec.json.Decoder(whole)
    start = time.perf_counter()
    decoded = decoder.decode(raw)
    seconds = time.perf_counter() - start
    del decoded
    return seconds


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "floor": child_floor,
    "e2e": child_e2e,
    "ours": child_ours,
    "sqlite": child_sqlite,
    "duckdb-csv": partial(child_duckdb, source="csv"),
    "duckdb-json": partial(child_duckdb, source="json"),
    "many": lambda folder: child_many(folder, processes=2),
    "limits": child_limits,
}


def measure(kind: str, folder: Path, repeat: int = 1) -> dict[str, Any]:
    """Run a child ``repeat`` times, each in a fresh interpreter; keep the fastest run."""
    best: dict[str, Any] | None = None
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{kind} on {folder} failed:\n{done.stderr[-3000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None
    return best


# --------------------------------------------------------------------------- tables


def _data(root: Path, people: int, talks: float, seed: int, partitions: bool) -> Path:
    """The generated files for one size (made once; reused while the arguments match)."""
    import generate  # noqa: PLC0415 - bench/generate.py, beside this file

    folder = root / f"people{people}-talks{talks:g}-seed{seed}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        known = json.loads(manifest.read_text(encoding="utf-8"))
        if not partitions or "partitions" in known["files"]:
            return folder
    started = time.perf_counter()
    generate.generate(people, talks, seed, folder, ("json", "csv"), partitions=partitions)
    print(
        f"  generated {people} people in {time.perf_counter() - started:.1f} s: {folder}",
        file=sys.stderr,
    )
    return folder


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "—"


def _slot_table() -> list[str]:
    """Slot generation against raw dateutil, with bench/calendar_bench.py's measurement."""
    import calendar_bench as cb  # noqa: PLC0415 - bench/calendar_bench.py

    from tanxin_rules import SlotRule, load_policy  # noqa: PLC0415
    from tanxin_rules._calendar import HolidayCalendar, slots  # noqa: PLC0415

    cb.REPEAT = 3
    policy = load_policy(POLICY)
    rules = [r for r in policy.rules if isinstance(r, SlotRule)]
    weekends = HolidayCalendar.weekends_only()
    out = [
        "",
        "Slot generation, 100 years of every slot rule (ms per call, best of 3 × 5)",
        f"{'range':<18} {'slots':>6} {'dateutil':>9} {'slots()':>9} {'ratio':>7} "
        f"{'+calendar':>10} {'ratio':>7}",
    ]
    for label, (start, end) in {
        "100 y from anchor": (date(2016, 1, 1), date(2115, 12, 31)),
        "100 y, 2500-2599": (date(2500, 1, 1), date(2599, 12, 31)),
    }.items():
        count = sum(len(slots(policy, r, start, end)) for r in rules)
        raw = sum(cb.best(partial(cb.direct, r, start, end), 5) for r in rules)
        ours = sum(cb.best(partial(slots, policy, r, start, end), 5) for r in rules)
        cal = sum(cb.best(partial(slots, policy, r, start, end, weekends), 5) for r in rules)
        out.append(
            f"{label:<18} {count:>6} {raw:>9.2f} {ours:>9.2f} {_ratio(ours, raw):>7} "
            f"{cal:>10.2f} {_ratio(cal, raw):>7}"
        )
    out.append("ratio = slots() time ÷ dateutil.rrule time (goal ≤ 1.5×)")
    return out


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    memory = ""
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = f", {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GiB"
    duck = version("duckdb") if importlib.util.find_spec("duckdb") else "not installed"
    return (
        f"{cpu}, {os.cpu_count()} CPUs{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, pydantic {version('pydantic')}, "
        f"SQLite {sqlite3.sqlite_version}, DuckDB {duck}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 000 and 10 000 people only")
    parser.add_argument("--sizes", help="comma-separated numbers of people (overrides --quick)")
    parser.add_argument("--talks-per-person", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure below 100 000")
    parser.add_argument("--data", type=Path, help="keep the generated files here (reused)")
    parser.add_argument("--json", type=Path, help="also write every raw figure to this file")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, folder = args.child
        print(json.dumps(CHILDREN[kind](Path(folder))))
        return
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else (list(QUICK_SIZES) if args.quick else list(SIZES))
    )
    root = args.data or Path(tempfile.mkdtemp(prefix="tanxin-bench-"))
    has_duckdb = importlib.util.find_spec("duckdb") is not None
    started = time.perf_counter()
    print(_machine())
    results: dict[int, dict[str, dict[str, Any]]] = {}
    try:
        for people in sizes:
            many = people >= 20_000
            folder = _data(root, people, args.talks_per_person, args.seed, many)
            repeat = 1 if people >= 50_000 else args.repeat
            found = results[people] = {}
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            found["data"] = {"talks": manifest["counts"]["talks"], "seconds": 0.0}
            for kind in ("floor", "e2e", "ours", "sqlite", "limits"):
                # The headline figures (floor, end to end) are best of two even at the largest
                # size: one run of a shared machine moves by ±15 %, which is the size of the
                # scaling goal itself.
                runs = max(repeat, min(args.repeat, 2)) if kind in ("floor", "e2e") else repeat
                found[kind] = measure(kind, folder, runs)
            if has_duckdb:
                found["duckdb-csv"] = measure("duckdb-csv", folder, repeat)
                found["duckdb-json"] = measure("duckdb-json", folder, repeat)
            if many:
                found["many"] = measure("many", folder, 1)
            print(f"  measured {people} people", file=sys.stderr)
    finally:
        if args.data is None:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        args.json.write_text(
            json.dumps({"machine": _machine(), "results": results}, indent=1), encoding="utf-8"
        )
    for line in _tables(results, has_duckdb):
        print(line)
    for line in _slot_table():
        print(line)
    print(f"\n(whole run: {time.perf_counter() - started:.0f} s)")


def _tables(results: dict[int, dict[str, dict[str, Any]]], has_duckdb: bool) -> list[str]:
    out = [
        "",
        "Evaluation of the Huimin policy, 2025, as of 2026-01-15 (seconds; best of runs)",
        f"{'people':>8} {'talks':>9} {'floor':>7} {'load':>7} {'eval':>7} {'report':>7} "
        f"{'total':>7} {'×floor':>7} {'µs/talk':>8} {'peak MB':>8} {'oblig.':>7}",
    ]
    per_talk: dict[int, float] = {}
    for people, found in results.items():
        e2e, floor, talks = found["e2e"], found["floor"], found["data"]["talks"]
        per_talk[people] = e2e["seconds"] / talks * 1e6
        out.append(
            f"{people:>8} {talks:>9} {floor['seconds']:>7.2f} {e2e['load']:>7.2f} "
            f"{e2e['evaluate']:>7.2f} {e2e['report']:>7.2f} {e2e['seconds']:>7.2f} "
            f"{_ratio(e2e['seconds'], floor['seconds']):>7} {per_talk[people]:>8.1f} "
            f"{e2e['peak_mb']:>8.0f} {e2e['obligations']:>7}"
        )
    out.append(
        "floor = read + json.loads of the same JSON files, GC paused; total = load + eval + "
        "report (JSON report written); peak = the process's maximum resident memory"
    )
    sizes = sorted(per_talk)
    if len(sizes) > 1:
        steps = ", ".join(
            f"{a}→{b}: {per_talk[b] / per_talk[a] - 1:+.0%}" for a, b in itertools.pairwise(sizes)
        )
        out.append(f"scaling, time per talk record: {steps}")
    out += [
        "",
        "Peer comparison: the 3.1b question (principals × team members: which pairs met in "
        "the year), files in, answer out",
        f"{'people':>8} {'pairs':>6} {'met':>5} {'ours s':>7} {'SQLite s':>9} {'ours÷SQLite':>12}"
        + (
            f" {'DuckDB csv':>11} {'ours÷csv':>9} {'DuckDB json':>12} {'ours÷json':>10}"
            if has_duckdb
            else ""
        )
        + f" {'same answer':>12}",
    ]
    for people, found in results.items():
        ours = found["ours"]
        peers = [found["sqlite"]]
        line = (
            f"{people:>8} {ours['pairs']:>6} {ours['met']:>5} {ours['seconds']:>7.2f} "
            f"{found['sqlite']['seconds']:>9.2f} "
            f"{_ratio(ours['seconds'], found['sqlite']['seconds']):>12}"
        )
        if has_duckdb:
            csv_, json_ = found["duckdb-csv"], found["duckdb-json"]
            peers += [csv_, json_]
            line += (
                f" {csv_['seconds']:>11.2f} {_ratio(ours['seconds'], csv_['seconds']):>9}"
                f" {json_['seconds']:>12.2f} {_ratio(ours['seconds'], json_['seconds']):>10}"
            )
        same = all(p["digest"] == ours["digest"] for p in peers)
        out.append(line + f" {'yes' if same else 'NO':>12}")
    out.append(
        "ours = load roster and history + evaluate the one rule; ours÷X > 1: X is that many "
        "times faster" + ("" if has_duckdb else "; DuckDB: pip install -e '.[bench]'")
    )
    out += _limits_table(results)
    many = {p: f["many"] for p, f in results.items() if "many" in f}
    if many:
        out += ["", "The bureau hospital by hospital: evaluate_many, 2 worker processes"]
        for people, found in many.items():
            single = results[people]["e2e"]
            out.append(
                f"{people:>8} people, {found['partitions']} hospitals: {found['seconds']:.2f} s "
                f"({_ratio(found['seconds'], single['seconds'])} of one evaluation of the whole "
                f"bureau), {found['obligations']} obligations (the whole bureau as one "
                f"organisation: {single['obligations']}), peak {found['peak_mb']:.0f} MB "
                "per process"
            )
    return out


def _limits_table(results: dict[int, dict[str, dict[str, Any]]]) -> list[str]:
    """The cost of one Python object per talk, step by step, as multiples of the floor."""
    out = [
        "",
        "What one Python object per talk costs: each step alone over the history "
        "(seconds, and × the floor of all the files)",
        f"{'people':>8} {'json.loads':>11} {'→ Talk':>13} {'4-slot obj.':>13} "
        f"{'per-person':>13} {'msgspec':>13} {'least total':>12}",
    ]
    for people, found in results.items():
        limits, floor = found["limits"], found["floor"]["seconds"]

        def cell(key: str, limits: dict[str, Any] = limits, floor: float = floor) -> str:
            if key not in limits:
                return "—"
            return f"{limits[key]:.2f} ({limits[key] / floor:.1f}×)"

        least = (limits["loads"] + limits["validate"] + limits["loop"]) / floor
        out.append(
            f"{people:>8} {cell('loads'):>11} {cell('validate'):>13} {cell('objects'):>13} "
            f"{cell('loop'):>13} {cell('msgspec'):>13} {least:>11.1f}×"
        )
    out.append(
        "→ Talk = validating the parsed records into the public Talk models (512 a call); "
        "per-person = each talk's participants looked up and appended to their lists; "
        "least total = json.loads + → Talk + per-person: what any engine over Talk models "
        "pays before its first rule; msgspec: typed decode of the file (pip install msgspec)"
    )
    return out


if __name__ == "__main__":
    main()
