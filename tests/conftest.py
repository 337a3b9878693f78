"""Shared test configuration: Hypothesis profiles.

``ci`` (the default under CI=true) is bounded so the suite stays well under its time budget;
``dev`` is the everyday default; ``fuzz`` runs long searches and is opt-in:
``HYPOTHESIS_PROFILE=fuzz pytest`` or ``pytest --hypothesis-profile=fuzz``.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
HUIMIN = POLICIES / "huimin_2015.yaml"
SOURCE = ROOT.parent / "shared" / "source"
