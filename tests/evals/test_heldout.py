"""The unseen rules QA sets: evals/retrieval_heldout.jsonl (written before the 2026-11 retrieval tuning) and
evals/retrieval_test.jsonl (written afterwards, apart from the tuning set, the thesaurus and the aliases).
Neither is in the gate's QA suite; together they hold the retrieval target of the rules questions."""

from __future__ import annotations

import pytest

from assistant.evals.metrics import normalise
from assistant.evals.qa import load_dataset, our_answerer, qa_metrics, run_items
from assistant.retrieval.chunks import all_chunks
from assistant.settings import Settings
from tests.conftest import REPO

UNSEEN = [REPO / "evals" / "retrieval_heldout.jsonl", REPO / "evals" / "retrieval_test.jsonl"]
# The target of the rules questions (direct, colloquial and English together); issue 15 raised it from 0.80 / 0.90.
TARGET = {"hit@1": 0.85, "hit@3": 0.95}
SCOPE = REPO / "evals" / "retrieval_scope.jsonl"


@pytest.mark.parametrize("path", UNSEEN, ids=lambda p: p.stem)
def test_unseen_set_is_valid_and_apart_from_the_others(path, tmp_path):
    items = load_dataset(path)
    assert len(items) >= 60 and len({i.id for i in items}) == len(items)
    assert {i.subset for i in items} == {"rules_direct", "rules_colloquial", "english"}
    assert all(not i.not_covered and i.evidence for i in items)
    others = [REPO / "evals" / "retrieval_qa.jsonl", *(p for p in UNSEEN if p != path)]
    seen = {i.question for p in others for i in load_dataset(p)}
    assert not seen & {i.question for i in items}
    passages = [normalise(c.text) for c in all_chunks(Settings(data_dir=tmp_path))]
    for item in items:  # every span is verbatim (normalised) in some indexed passage
        assert all(any(normalise(e) in p for p in passages) for e in item.evidence), item.id


def test_rules_questions_meet_the_target_on_the_unseen_sets(index_settings):
    rows = {p.stem: run_items(load_dataset(p), our_answerer(index_settings)) for p in UNSEEN}
    every = qa_metrics([r for rs in rows.values() for r in rs])
    per_set = {name: {m: qa_metrics(rs)[m] for m in TARGET} for name, rs in rows.items()}
    for metric, minimum in TARGET.items():
        assert every[metric] >= minimum, f"{metric} {every[metric]} < {minimum}; per set {per_set}"
    assert every["false_decline_rate"] <= 0.02, every["false_decline_rate"]


def test_scope_set_is_valid(tmp_path):
    items = load_dataset(SCOPE)
    assert len({i.id for i in items}) == len(items) >= 60
    assert sum(i.not_covered for i in items) >= 40
    passages = [normalise(c.text) for c in all_chunks(Settings(data_dir=tmp_path))]
    for item in items:
        assert all(any(normalise(e) in p for p in passages) for e in item.evidence), item.id


def test_out_of_scope_questions_are_declined_and_near_misses_answered(index_settings):
    """Fees, durations, bodies, other standards, HR, tax, tenders: declined by what they ask (evals/README.md)."""
    metrics = qa_metrics(run_items(load_dataset(SCOPE), our_answerer(index_settings)))
    assert metrics["not_covered_recall"] >= 0.9, metrics
    assert metrics["false_decline_rate"] == 0.0, metrics
