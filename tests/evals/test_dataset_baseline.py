"""`eval --dataset F --json --baseline`: the contract's items and metrics, plus the baseline's figures beside them."""

from __future__ import annotations

import json

import pytest

from assistant.evals import baseline
from tests.conftest import REPO, run_cli

pytestmark = pytest.mark.skipif(not baseline.available(), reason="the baseline needs the eval and st extras")


def test_dataset_json_with_baseline_adds_only_a_baseline_key(index_settings, tmp_path):
    lines = (REPO / "evals" / "retrieval_qa.jsonl").read_text(encoding="utf-8").splitlines()[:4]
    path = tmp_path / "four.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("eval", "--dataset", str(path), "--json", "--baseline", data_dir=index_settings.data_dir)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == ["items", "metrics", "baseline"]
    assert {"hit@1", "hit@3", "hit@5", "mrr"} <= set(out["baseline"]["metrics"])
    assert len(out["items"]) == 4 and "items" not in out["baseline"]
