"""tanxin-rules: an institution's heart-to-heart talk (談心談話) system as data.

Data flows one way: load (:func:`load_policy`, :func:`load_roster`, :func:`load_history`,
:func:`load_holidays`) → validate (the models) → evaluate (:func:`evaluate`) → report
(:class:`Report`). Alongside: :func:`trace` (source clause → encoding), :func:`lint` (static
analysis), :func:`run_scenarios` (scenario tests and rule coverage), :func:`diff_policies`
(what an edit of a policy changes on real data), :func:`schedule` (slots and windows in a
range), :func:`json_schema`, and :func:`main`, the command line. Everything public is
importable from here; modules whose names start with ``_`` are private. Hypothesis
strategies live in :mod:`tanxin_rules.testing`. Many independent organisations are evaluated
in parallel with :func:`evaluate_many` (docs/performance.md).
"""

from ._calendar import (
    DatedSpan,
    HolidayCalendar,
    HolidayEntry,
    Slot,
    anchor_windows,
    deadline_date,
    meeting_window,
    period_spans,
    periods_containing,
    slots,
)
from ._china import china_coverage, china_holidays
from ._cli import main
from ._diff import (
    FieldChange,
    FindingChange,
    ObligationChange,
    ObligationState,
    ObligationTotals,
    PolicyChange,
    PolicyDiff,
    RuleDiff,
    diff_policies,
    policy_changes,
)
from ._engine import evaluate
from ._errors import CalendarError, InputError, PolicyError, Problem, TanxinError
from ._holidays import load_holidays, load_meetings
from ._ics import schedule_ics
from ._inputs import (
    Branch,
    Event,
    History,
    Meeting,
    Person,
    ReplyRequest,
    RoleHolding,
    Roster,
    Talk,
    Unit,
)
from ._lint import lint
from ._loading import load_policy
from ._many import Partition, PartitionError, evaluate_many, evaluate_partition
from ._policy import (
    AnchorRule,
    CoverageRule,
    FollowUpRule,
    FrequencyRule,
    MannerRule,
    Policy,
    Rule,
    SlotRule,
    TopicsRule,
    TriggerRule,
    WindowRule,
)
from ._reading import Loaded, load_history, load_roster, parse_history, parse_roster
from ._report import (
    Finding,
    Obligation,
    PersonSummary,
    Report,
    RuleSummary,
    Summary,
    TodoItem,
    TodoList,
    Window,
)
from ._scenarios import CaseFailure, CaseResult, RuleCoverage, ScenarioRun, run_scenarios
from ._schedule import ScheduleItem, schedule
from ._schema import json_schema
from ._trace import ClauseTrace, Trace, TraceItem, trace
from ._yaml import Limits

__version__ = "0.1.0"

__all__ = [
    "AnchorRule",
    "Branch",
    "CalendarError",
    "CaseFailure",
    "CaseResult",
    "ClauseTrace",
    "CoverageRule",
    "DatedSpan",
    "Event",
    "FieldChange",
    "Finding",
    "FindingChange",
    "FollowUpRule",
    "FrequencyRule",
    "History",
    "HolidayCalendar",
    "HolidayEntry",
    "InputError",
    "Limits",
    "Loaded",
    "MannerRule",
    "Meeting",
    "Obligation",
    "ObligationChange",
    "ObligationState",
    "ObligationTotals",
    "Partition",
    "PartitionError",
    "Person",
    "PersonSummary",
    "Policy",
    "PolicyChange",
    "PolicyDiff",
    "PolicyError",
    "Problem",
    "ReplyRequest",
    "Report",
    "RoleHolding",
    "Roster",
    "Rule",
    "RuleCoverage",
    "RuleDiff",
    "RuleSummary",
    "ScenarioRun",
    "ScheduleItem",
    "Slot",
    "SlotRule",
    "Summary",
    "Talk",
    "TanxinError",
    "TodoItem",
    "TodoList",
    "TopicsRule",
    "Trace",
    "TraceItem",
    "TriggerRule",
    "Unit",
    "Window",
    "WindowRule",
    "anchor_windows",
    "china_coverage",
    "china_holidays",
    "deadline_date",
    "diff_policies",
    "evaluate",
    "evaluate_many",
    "evaluate_partition",
    "json_schema",
    "lint",
    "load_history",
    "load_holidays",
    "load_meetings",
    "load_policy",
    "load_roster",
    "main",
    "meeting_window",
    "parse_history",
    "parse_roster",
    "period_spans",
    "periods_containing",
    "policy_changes",
    "run_scenarios",
    "schedule",
    "schedule_ics",
    "slots",
    "trace",
]
