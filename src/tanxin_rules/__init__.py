"""tanxin-rules: an institution's heart-to-heart talk (談心談話) system as data.

Load a policy (:func:`load_policy`), inspect how it encodes its source (:func:`trace`), and
get JSON Schemas for its files (:func:`json_schema`). Everything public is importable from
here; modules starting with ``_`` are private.
"""

from ._errors import CalendarError, InputError, PolicyError, Problem, TanxinError
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
from ._loading import load_policy
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
from ._report import Finding, Obligation, Report
from ._schema import json_schema
from ._trace import ClauseTrace, Trace, TraceItem, trace
from ._yaml import Limits

__version__ = "0.1.0"

__all__ = [
    "AnchorRule",
    "Branch",
    "CalendarError",
    "ClauseTrace",
    "CoverageRule",
    "Event",
    "Finding",
    "FollowUpRule",
    "FrequencyRule",
    "History",
    "InputError",
    "Limits",
    "MannerRule",
    "Meeting",
    "Obligation",
    "Person",
    "Policy",
    "PolicyError",
    "Problem",
    "ReplyRequest",
    "Report",
    "RoleHolding",
    "Roster",
    "Rule",
    "SlotRule",
    "Talk",
    "TanxinError",
    "TopicsRule",
    "Trace",
    "TraceItem",
    "TriggerRule",
    "Unit",
    "WindowRule",
    "json_schema",
    "load_policy",
    "trace",
]
