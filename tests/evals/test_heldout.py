"""evals/retrieval_heldout.jsonl: a held-out QA set for the rules questions, scored with `eval --dataset`."""

from __future__ import annotations

from assistant.evals.metrics import normalise
from assistant.evals.qa import load_dataset
from assistant.retrieval.chunks import all_chunks
from assistant.settings import Settings
from tests.conftest import REPO

HELDOUT = REPO / "evals" / "retrieval_heldout.jsonl"


def test_heldout_set_is_valid_and_apart_from_the_tuning_set(tmp_path):
    items = load_dataset(HELDOUT)
    assert len(items) >= 60 and len({i.id for i in items}) == len(items)
    assert {i.subset for i in items} == {"rules_direct", "rules_colloquial", "english"}
    assert all(not i.not_covered and i.evidence for i in items)
    tuning = {i.question for i in load_dataset(REPO / "evals" / "retrieval_qa.jsonl")}
    assert not tuning & {i.question for i in items}
    passages = [normalise(c.text) for c in all_chunks(Settings(data_dir=tmp_path))]
    for item in items:  # every span is verbatim (normalised) in some indexed passage
        assert all(any(normalise(e) in p for p in passages) for e in item.evidence), item.id
