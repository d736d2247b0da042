"""Fixtures of the plan tests: the assessment files, and plans drafted from them without an index."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.plans.draft import Guidance, draft_plan
from assistant.rules import load_assessment, load_scheme

FIXTURES = Path(__file__).parent / "fixtures"
# name → (file, date given with --date or None)
CASES = {
    "passing": (FIXTURES / "passing.yaml", None),
    "failing": (FIXTURES / "failing.yaml", None),
    "vetoed": (FIXTURES / "vetoed.yaml", None),
    "partial": (FIXTURES / "partial.yaml", date(2026, 12, 1)),
    "excellent": (FIXTURES / "excellent.json", date(2026, 11, 15)),
}


@pytest.fixture(scope="session")
def scheme():
    return load_scheme("2026.1")


@pytest.fixture(scope="session")
def guidance():
    return Guidance.load()


def draft(name: str, guidance: Guidance | None = None, **kw):
    path, day = CASES[name]
    assessment = load_assessment(path)
    kw.setdefault("plan_date", day)
    return assessment, draft_plan(assessment, guidance=guidance, **kw)
