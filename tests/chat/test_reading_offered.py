"""Documents offered as evidence against documents only mentioned (assistant/chat/reading/offered.py): the learned
check over what the evidence rules keep. Wordings written for these tests, not taken from the intake sets."""

from __future__ import annotations

import json

from assistant.chat.reading import offered
from assistant.evals import intake
from tests.chat.reading import evidence, read


def items(text: str) -> set[str]:
    return {item for _cid, item in evidence(text)}


def test_documents_put_forward_for_the_audit_are_recorded():
    assert {"培训签到表", "年度培训计划"} <= items("审核员来的时候，我们能拿出培训签到表和年度培训计划。")
    assert {"售后服务规范"} <= items("规范这块审核时可以直接看《售后服务规范》，各网点都发了受控版。")


def test_a_document_told_inside_a_description_of_practice_is_not_evidence_and_is_said_back():
    text = "培训我觉得算定义级，课程按岗位分了层，讲师都认证过，每个员工都有培训档案。"
    x = read(text)
    assert "培训档案" not in {e.item for e in x.evidence}
    assert "培训档案" in x.only_mentioned


def test_the_said_back_line_tells_how_to_record_it(conv):
    out = conv.handle("培训我觉得算定义级，课程按岗位分了层，讲师都认证过，每个员工都有培训档案。")
    assert "没有作为证据记录" in out["answer"] and "证据是培训档案" in out["answer"]
    conv.handle("证据是培训档案")
    assert "培训档案" in (conv.state.assessment["criteria"].get("D4.1") or {}).get("evidence", [])


def test_evidence_called_so_in_so_many_words_is_always_recorded():
    assert ("D2.3", "投诉台账") in evidence("我们的投诉台账是D2.3的证据")
    assert {"complaint log", "callback records"} <= items("We can show the complaint log and the callback records as evidence for D3.2.")


def test_the_check_was_never_trained_on_the_held_out_part():
    data = json.loads(offered.WEIGHTS.read_text(encoding="utf-8"))
    held_out = set(intake.DATASETS["heldout"]) | {n for n, split in intake.SCENARIOS.items() if split == "heldout"}
    assert data["trained_on"] and not held_out & set(data["trained_on"])
    assert 0.0 < data["threshold"] < 1.0
