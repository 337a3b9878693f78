"""JSON Schemas generated from the models, for editors and for systems consuming reports.

The policy schema describes the *file* form: wherever a value is allowed, a parameter
reference ``{param: id}`` is allowed too (the loader substitutes it), so an editor using the
schema (via the ``# yaml-language-server: $schema=…`` comment) completes and checks both.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from ._inputs import History, Roster
from ._policy import Policy
from ._report import Report
from ._scenarios import ScenarioFile

__all__ = ["SCHEMA_KINDS", "json_schema"]

_PARAM_REF = {
    "type": "object",
    "title": "ParameterReference",
    "description": "Use the value of a parameter declared under `parameters`.",
    "properties": {"param": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}},
    "required": ["param"],
    "additionalProperties": False,
}


def _models() -> dict[str, type[BaseModel]]:
    return {
        "policy": Policy,
        "roster": Roster,
        "history": History,
        "report": Report,
        "scenarios": ScenarioFile,
    }


SCHEMA_KINDS = ("policy", "roster", "history", "report", "scenarios")
"""The schemas :func:`json_schema` can produce."""


def json_schema(kind: str = "policy") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a policy, roster, history, report or scenario file."""
    models = _models()
    if kind not in models:
        raise ValueError(f"unknown schema {kind!r}; choose one of {', '.join(SCHEMA_KINDS)}")
    if kind == "report":
        schema = models[kind].model_json_schema(mode="serialization")
    else:
        schema = models[kind].model_json_schema(mode="validation")
    if kind == "policy":
        schema = _allow_parameters(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://tanxin-rules.example/schema/{kind}.schema.json",
        **schema,
    }


def _allow_parameters(schema: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(schema)
    defs = out.setdefault("$defs", {})
    defs["ParameterReference"] = _PARAM_REF
    ref = {"$ref": "#/$defs/ParameterReference"}

    def wrap_object(obj: dict[str, Any], *, is_parameter: bool) -> None:
        for name, prop in list(obj.get("properties", {}).items()):
            if is_parameter and name == "value":
                continue
            obj["properties"][name] = {"anyOf": [_strip(prop), ref], **_meta(prop)}

    for name, definition in defs.items():
        if name != "ParameterReference":
            wrap_object(definition, is_parameter=name == "Parameter")
    for name, prop in list(out.get("properties", {}).items()):
        if name not in {"tanxin", "parameters"}:
            out["properties"][name] = {"anyOf": [_strip(prop), ref], **_meta(prop)}
    return out


_META_KEYS = ("title", "description", "default")


def _meta(prop: dict[str, Any]) -> dict[str, Any]:
    return {k: prop[k] for k in _META_KEYS if k in prop}


def _strip(prop: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in prop.items() if k not in _META_KEYS}
