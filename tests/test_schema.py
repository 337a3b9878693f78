"""JSON Schemas generated from the models."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tanxin_rules import json_schema
from tanxin_rules._yaml import read_yaml

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "schema" / "policy.schema.json"


def test_shipped_policy_schema_is_current() -> None:
    """``schema/policy.schema.json`` (used by editors) matches the models."""
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert shipped == json_schema("policy"), "run: tanxin-rules schema policy > " + str(SHIPPED)


@pytest.mark.parametrize("kind", ["policy", "roster", "history", "report", "scenarios"])
def test_schemas_are_valid_draft_2020_12(kind: str) -> None:
    """Every schema is itself a valid JSON Schema."""
    jsonschema.Draft202012Validator.check_schema(json_schema(kind))


@pytest.mark.parametrize("path", sorted((ROOT / "policies").rglob("*.yaml")), ids=str)
def test_bundled_policies_match_schema(path: Path) -> None:
    """Editors validating against the schema accept every bundled policy, params included."""
    data = read_yaml(path.read_bytes(), file=str(path)).data
    jsonschema.Draft202012Validator(json_schema("policy")).validate(data)


def test_schema_refuses_unknown_key() -> None:
    """The schema is closed, like the models."""
    data = read_yaml((ROOT / "policies" / "huimin_2015.yaml").read_bytes()).data | {"colour": "red"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(json_schema("policy")).validate(data)


def test_unknown_schema_kind() -> None:
    """Asking for an unknown schema is a ValueError naming the choices."""
    with pytest.raises(ValueError, match="choose one of"):
        json_schema("rota")
