"""What a turn does with what it understood: the read-back table, undo, what-if on a copy, exports, level choices."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from assistant.chat.conversation import Conversation
from assistant.chat.offline import OfflineWriter
from assistant.rules import load_scheme


def test_the_read_back_table_names_the_level_and_the_evidence_cap(conv):
    out = conv.handle("我们客户满意度88%，投诉首次响应平均36小时")
    rows = [line for line in out["answer"].splitlines() if line.startswith("| D")]
    assert len(rows) == 2
    satisfaction = next(r for r in rows if r.startswith("| D3.1"))
    # 88 % gives L3, but with no evidence the cap holds it at L1, and one item lifts the cap to L3 (SCHEME §2).
    assert "88%" in satisfaction and "L3" in satisfaction and "L1" in satisfaction and "再补1项证据" in satisfaction
    scheme = load_scheme()
    assert scheme.evidence_cap(0) == 1 and scheme.evidence_cap(1) == 3


def test_undo_takes_back_the_last_change_only(conv):
    conv.handle("我们客户满意度88%")
    conv.handle("投诉首次响应平均36小时")
    assert conv.state.assessment["criteria"]["D2.1"]["kpi"] == 36
    out = conv.handle("撤销")
    assert out["intent"] == "undo" and "撤销" in out["answer"]
    assert "D2.1" not in conv.state.assessment["criteria"]
    assert conv.state.assessment["criteria"]["D3.1"]["kpi"] == 88
    conv.handle("撤销")
    assert conv.state.assessment["criteria"] == {}
    assert "没有可以撤销" in conv.handle("撤销")["answer"]


def test_undo_in_english(conv):
    conv.handle("our customer satisfaction is 88%")
    out = conv.handle("undo")
    assert out["intent"] == "undo" and "undone" in out["answer"] and conv.state.assessment["criteria"] == {}


def test_a_requested_export_writes_the_plan_file(conv):
    conv.handle("我们客户满意度88%，投诉首次响应平均36小时")
    out = conv.handle("帮我导出Excel")
    assert out["intent"] == "export" and out["plan"]["items"]
    [path] = out["files"]
    assert path.endswith(".xlsx") and path in out["answer"]
    ws = load_workbook(path)["整改计划"]
    subjects = [str(r[2].value) for r in ws.iter_rows() if isinstance(r[0].value, int)]
    assert len(subjects) == len(out["plan"]["items"])
    assert subjects[0].startswith(out["plan"]["items"][0]["criterion"])
    word = conv.handle("再导出一份Word")
    assert word["files"][0].endswith(".docx")


def test_asking_for_a_level_offers_the_criterions_descriptors_and_a_number_answers_it(conv):
    out = conv.handle("能过吗")
    assert conv.state.asked == "D5.1"  # a missing D5.1 fires the V2 veto: asked first
    choices = [line for line in out["answer"].splitlines() if line[:2] in {f"{n}." for n in range(6)}]
    assert len(choices) == 6 and "定义级" in choices[3]
    answer = conv.handle("3")
    assert answer["intent"] == "update_assessment"
    assert conv.state.assessment["criteria"]["D5.1"]["level"] == 3


def test_chat_json_carries_the_exported_files(index_settings, tmp_path):
    from tests.conftest import run_cli

    proc = run_cli("chat", "--json", stdin="我们客户满意度88%\n导出Word\n", data_dir=index_settings.data_dir,
                   env={"ASSISTANT_DATABASE_URL": f"sqlite:///{tmp_path}/c.db"})
    assert proc.returncode == 0, proc.stderr
    turns = [json.loads(line) for line in proc.stdout.splitlines()]
    assert turns[1]["intent"] == "export" and turns[1]["files"][0].endswith(".docx")


def test_a_plan_edit_that_names_no_item_asks_which_one(conv):
    conv.handle("我们客户满意度88%，投诉首次响应平均36小时")
    conv.handle("帮我起草整改计划")
    before = json.dumps(conv.state.plan, sort_keys=True)
    out = conv.handle("push the deadline back two weeks")
    assert out["intent"] == "plan_edit" and "Which item" in out["answer"] and "item 2" in out["answer"]
    assert json.dumps(conv.state.plan, sort_keys=True) == before
    named = conv.handle("把第2项延后两周")
    assert named["intent"] == "plan_edit" and "第2项" in named["answer"]


def test_a_what_if_grades_a_copy_and_leaves_the_assessment(conv):
    conv.handle("我们客户满意度88%，投诉首次响应平均36小时")
    before = json.dumps(conv.state.assessment, sort_keys=True)
    out = conv.handle("如果首次响应降到4小时能过吗")
    assert out["intent"] == "whatif" and "试算" in out["answer"] and "4 小时" in out["answer"]
    assert json.dumps(conv.state.assessment, sort_keys=True) == before


def test_an_open_major_finding_without_its_clause_still_fails_the_grade(conv):
    conv.handle("售后服务组织与职责L3，有组织架构图和任命书")
    out = conv.handle("上次审核开了一个严重不符合，到现在还没整改完")
    [finding] = conv.state.assessment["findings"]
    assert finding["severity"] == "major" and finding["status"] == "open"
    grade = conv.handle("能过吗")["grade"]
    assert grade["grade"] == "不合格" and "V4" in grade["vetoes"]
    assert "条款待补充" in out["answer"]


def test_the_read_back_level_is_the_one_the_engine_claims(conv):
    """A measured KPI decides over a declared level (SCHEME §2): the table must say what the grade will use."""
    conv.state.assessment["criteria"]["D3.1"] = {"level": 2}
    out = conv.handle("客户满意度96%，有满意度调查报告和回访记录")
    row = next(line for line in out["answer"].splitlines() if line.startswith("| D3.1"))
    claimed = conv.state.grade_result().criteria["D3.1"].claimed
    assert claimed == 5 and "| L5 |" in row


def test_a_plan_drafted_again_keeps_the_edits_and_closing_a_findings_item_closes_the_finding(index_settings, tmp_path):
    settings = index_settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/chat.db"})
    conv = Conversation(settings, writer=OfflineWriter(settings))
    try:
        conv.handle("客户满意度88%，首次响应4小时，一次修复率90%")
        conv.handle("审核上个月20号开了一个一般不符合F1，投诉处理超期，还没整改完")
        first = conv.handle("帮我起草整改计划")
        items = first["plan"]["items"]
        f1 = next(n for n, i in enumerate(items, 1) if i["finding"] == "F1")
        conv.handle(f"把第{f1}项的负责人改成投诉主管")
        again = conv.handle("帮我起草整改计划")
        assert next(i for i in again["plan"]["items"] if i["finding"] == "F1")["owner"] == "投诉主管"
        assert "重新起草" in again["answer"] and "保留了1项" in again["answer"]
        assert conv.state.plan_id == conv.state.plan_id  # the same plan, a new version
        closed = conv.handle(f"第{f1}项已经完成了")
        assert next(f for f in conv.state.assessment["findings"] if f["id"] == "F1")["status"] == "closed"
        assert "F1随整改项一起关闭" in closed["answer"] and closed["grade"] is not None
    finally:
        conv.close()
    from assistant.plans.store import Store

    store = Store(settings.effective_database_url)
    try:
        notes = [note for _, note, _, author in store.versions(conv.state.plan_id)]
        assert len(notes) == 4 and notes[2].startswith("重新起草") and "保留1项的修改" in notes[2]
        assert [a for _, _, _, a in store.versions(conv.state.plan_id)] == ["chat"] * 4
        assert store.latest_assessment(store.workspace(None).id).assessment.findings[0].status == "closed"
    finally:
        store.close()
