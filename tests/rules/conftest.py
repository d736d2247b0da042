"""Shared fixtures of the rule-layer tests: the schemes, and builders of assessments."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.rules import Assessment, Scheme, load_scheme, validate_assessment

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def scheme() -> Scheme:
    return load_scheme("2026.1")


@pytest.fixture(scope="session")
def other_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge dir holding only the test scheme 2099.1."""
    root = tmp_path_factory.mktemp("knowledge_2099")
    (root / "scheme").mkdir()
    shutil.copy(FIXTURES / "scheme" / "2099.1.yaml", root / "scheme")
    return root


@pytest.fixture(scope="session")
def other(other_dir: Path) -> Scheme:
    return load_scheme(knowledge_dir=other_dir)


def entry_at(scheme: Scheme, cid: str, level: int, evidence: int | None = None) -> dict[str, Any]:
    """An assessment entry that gives `cid` effective level `level`: the KPI threshold value for
    KPI criteria (a declared level where no KPI value reaches it), with just enough evidence."""
    c = scheme.criteria[cid]
    n = scheme.evidence_needed(level) if evidence is None else evidence
    items = [f"{cid}证据{i + 1}" for i in range(n)]
    value = c.kpi_for_level(level) if c.is_kpi else None
    if value is not None:
        return {"kpi": float(value), "evidence": items}
    return {"level": level, "evidence": items}


def levels_assessment(scheme: Scheme, levels: dict[str, int], **extra: Any) -> Assessment:
    """An assessment with exactly these effective levels (criteria not named are left out)."""
    data = {"scheme": scheme.version, "criteria": {cid: entry_at(scheme, cid, lv) for cid, lv in levels.items()}}
    data.update(extra)
    return validate_assessment(data, scheme=scheme)


def uniform(scheme: Scheme, level: int, **overrides: int) -> dict[str, int]:
    """Every criterion at `level`, except the overrides (criterion ID with '.' written as '_')."""
    out = {cid: level for cid in scheme.criteria}
    out.update({k.replace("_", "."): v for k, v in overrides.items()})
    return out
