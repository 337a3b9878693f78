"""Org: relations drawn from the roster, decided through indexes — here ``same_organisation``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tanxin_rules import Person, Policy, load_policy
from tanxin_rules._calendar import MAX_DATE, MIN_DATE
from tanxin_rules._org import Org
from tanxin_rules._policy import Relation

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def policy() -> Policy:
    """The bundled Huimin policy (its team scopes and first chain layer: same_organisation)."""
    return load_policy(ROOT / "policies" / "huimin_2015.yaml")


def person(pid: str, role: str | None = None, **extra: Any) -> Person:
    """A person holding one undated role (or none)."""
    roles = [{"role": role}] if role else []
    return Person.model_validate({"id": pid, "name": pid.upper(), "roles": roles, **extra})


def bureau(policy: Policy) -> Org:
    """Two named hospitals and the roster's own (unnamed) one, each with a secretary and a vp."""
    people = [
        person("sec1", "party_secretary", organisation="H1"),
        person("vp1", "vice_president", organisation="H1", unit="u1"),
        person("sec2", "party_secretary", organisation="H2"),
        person("vp2", "vice_president", organisation="H2", unit="u1"),
        person("sec0", "party_secretary"),
        person("vp0", "vice_president", unit="u1"),
    ]
    return Org(policy, people)


def test_two_people_without_an_organisation_are_in_the_same_one(policy: Policy) -> None:
    """None and None: both in the roster's own institution, so same_organisation holds."""
    org = bureau(policy)
    assert org.related(["same_organisation"], "sec0", "vp0", DAY)


def test_a_person_without_an_organisation_is_not_in_a_named_one(policy: Policy) -> None:
    """None and "H1" differ, both ways: the unnamed institution is not hospital H1."""
    org = bureau(policy)
    assert not org.related(["same_organisation"], "sec0", "vp1", DAY)
    assert not org.related(["same_organisation"], "vp1", "sec0", DAY)


def test_named_organisations_compare_by_id(policy: Policy) -> None:
    """Same id: related; different ids: not; every other relation of the list must hold too."""
    org = bureau(policy)
    assert org.related(["same_organisation"], "sec1", "vp1", DAY)
    assert not org.related(["same_organisation"], "sec1", "vp2", DAY)
    assert org.related(["same_unit"], "vp1", "vp2", DAY)
    assert not org.related(["same_unit", "same_organisation"], "vp1", "vp2", DAY)


def test_related_intervals_of_same_organisation(policy: Policy) -> None:
    """Membership does not change over time: every day, or none."""
    org = bureau(policy)
    assert org.related_intervals(["same_organisation"], "sec1", "vp1") == [(MIN_DATE, MAX_DATE)]
    assert org.related_intervals(["same_organisation"], "sec0", "vp0") == [(MIN_DATE, MAX_DATE)]
    assert org.related_intervals(["same_organisation"], "sec1", "vp2") == []
    assert org.related_intervals(["same_organisation"], "sec0", "vp1") == []


def test_targets_and_sources_come_from_the_organisation_index(policy: Policy) -> None:
    """Candidates are the person's own organisation's group members (never everyone)."""
    org = bureau(policy)
    assert org.by_organisation["H1"] == ["sec1", "vp1"]
    assert org.by_organisation[None] == ["sec0", "vp0"]
    assert org.targets(["same_organisation"], "sec1", "leadership_team") == ["vp1"]
    assert org.targets(["same_organisation"], "sec0", "leadership_team") == ["vp0"]
    assert org.sources(["same_organisation"], "vp2", "principal_leaders") == ["sec2"]
    assert org.sources(["same_organisation"], "vp0", "principal_leaders") == ["sec0"]


def test_a_narrower_index_is_preferred_to_the_organisation(policy: Policy) -> None:
    """With same_unit also asked, candidates come from the unit (a superset the caller
    filters with :meth:`Org.related`), whichever relation is listed first."""
    org = bureau(policy)
    both: list[list[Relation]] = [
        ["same_organisation", "same_unit"],
        ["same_unit", "same_organisation"],
    ]
    for relations in both:
        candidates = org.targets(relations, "vp1", "leadership_team")
        assert candidates == ["vp0", "vp2"]
        assert [b for b in candidates if org.related(relations, "vp1", b, DAY)] == []


def test_answerable_is_decided_per_organisation(policy: Policy) -> None:
    """4.7's first layer: each vice-president answers to their own hospital's principals,
    though all three share unit and branch (so a cache keyed on those alone would mix them)."""
    org = bureau(policy)
    assert org.answerable_people("vp1", DAY) == ["sec1"]
    assert org.answerable_people("vp2", DAY) == ["sec2"]
    assert org.answerable_people("vp0", DAY) == ["sec0"]
