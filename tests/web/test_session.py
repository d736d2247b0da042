"""WebSession: what one browser session does for its pages, and the views the pages show.

The chat and the self-assessment form change one assessment; a rejected change leaves it as it was; an uploaded
file is checked exactly as `grade FILE` checks it; plans are saved as versions. Tests that chat or draft use the
session's real index (`index_settings`) with a database of their own; the others need no index.
"""

from __future__ import annotations

import copy
import shutil
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml

from assistant.chat.store import ConversationStore
from assistant.errors import BadInput
from assistant.rules import load_assessment, load_scheme
from assistant.settings import Settings
from assistant.web import views
from assistant.web.session import WebSession
from tests.conftest import REPO, run_cli

RULES_BAD = REPO / "tests" / "rules" / "fixtures" / "bad"
PLAN_FIXTURES = REPO / "tests" / "plans" / "fixtures"
PASSING = yaml.safe_load((PLAN_FIXTURES / "passing.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def plain(tmp_path) -> Settings:
    """Settings without an index: a data dir and a database of the test's own."""
    return Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path}/web.db")


@pytest.fixture
def indexed(tmp_path, index_settings) -> Settings:
    """The session's real index, with a database of the test's own."""
    return index_settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/web.db"})


@pytest.fixture
def session(plain):
    store = ConversationStore.open(plain)
    yield WebSession(plain, store)
    store.close()


@pytest.fixture
def chat_session(indexed):
    store = ConversationStore.open(indexed)
    yield WebSession(indexed, store)
    store.close()


def fill_form(sess: WebSession, data: dict) -> None:
    """Type an assessment file's contents into the form, field by field, as a user would."""
    for cid, entry in data["criteria"].items():
        sess.set_criterion(cid, level=entry.get("level"), kpi=entry.get("kpi"), evidence=entry.get("evidence"))
    for key, value in data.get("declarations", {}).items():
        sess.set_declaration(key, value)
    sess.set_dates(str(data.get("assessed_on") or ""), str(data.get("next_audit") or ""))
    ent = data.get("enterprise") or {}
    sess.set_enterprise(ent.get("name"), ent.get("industry"))


def form_field(app, sess: WebSession, cid: str) -> tuple:
    """(value, evidence text) the form shows for one criterion."""
    values = app.form_values(sess)
    i = list(app.scheme.criteria).index(cid)
    return values[2 * i], values[2 * i + 1]


# --- chat and form share one assessment ------------------------------------------------------------


def test_a_kpi_said_in_the_chat_shows_in_the_form(chat_session, indexed):
    from assistant.web.app import WebApp

    out = chat_session.chat("我们客户满意度88%，投诉首次响应平均36小时")
    assert out["intent"] == "update_assessment"
    app = WebApp(indexed)
    try:
        assert form_field(app, chat_session, "D3.1") == (88, "")
        assert form_field(app, chat_session, "D2.1") == (36, "")
        assert form_field(app, chat_session, "D1.2") == (None, "")
        chat_session.chat("我们有售后服务手册和维修规范")
        assert form_field(app, chat_session, "D1.1") == ("（未填）", "售后服务手册\n维修规范")
        assert "已填写 2/22 项准则" in app.status_line(chat_session)
    finally:
        app.store.close()
    # the conversation, with what the chat recorded, is saved in the database
    store = ConversationStore.open(indexed)
    try:
        saved = store.load(chat_session.state.id)
    finally:
        store.close()
    assert saved.assessment["criteria"]["D3.1"]["kpi"] == 88


def test_the_chats_grade_uses_what_the_form_holds(chat_session):
    fill_form(chat_session, PASSING)
    for f in PASSING["findings"]:
        fid = chat_session.add_finding(f["criterion"], f["severity"], f["text"], str(f["raised_on"]))
        if f["status"] == "closed":
            chat_session.close_finding(fid)
    out = chat_session.chat("能过吗")
    assert out["intent"] == "grade"
    assert out["grade"]["grade"] == "合格" and out["grade"]["provisional"] is False, out["answer"]
    # the same grade `grade FILE` gives for the same assessment
    assert out["grade"]["overall"] == chat_session.state.grade_result().overall
    assert out["grade"]["overall"] == load_and_grade(PLAN_FIXTURES / "passing.yaml").overall

    chat_session.set_criterion("D5.1", level=0, evidence=[])  # no after-sales organisation: veto V2
    out = chat_session.chat("能过吗")
    assert out["grade"]["grade"] == "不合格" and "V2" in out["grade"]["vetoes"], out["answer"]
    assert "V2" in out["answer"]


def load_and_grade(path: Path):
    from assistant.rules import grade

    a = load_assessment(path)
    return grade(a, load_scheme(a.scheme))


# --- invalid form values ------------------------------------------------------------------------------


@pytest.mark.parametrize("change, message", [
    (lambda s: s.set_criterion("D1.2", kpi=120.0), "criteria.D1.2.kpi: 一次修复率 must be within 0–100 %, got 120"),
    (lambda s: s.set_criterion("D2.1", kpi=-3.0), "D2.1"),
    (lambda s: s.set_criterion("D1.1", level=6), "criteria.D1.1.level"),
    (lambda s: s.set_criterion("D9.9", level=3), "自评表: unknown criterion 'D9.9'"),
    (lambda s: s.set_declaration("no_such_declaration", True), "unknown declaration 'no_such_declaration'"),
    (lambda s: s.set_dates("2026-13-01", None), "assessed_on: '2026-13-01' is not a date; write it as YYYY-MM-DD"),
    (lambda s: s.set_dates(None, "9999-12-31"), "next_audit: the date must lie between 1990-01-01 … 2099-12-31"),
    (lambda s: s.add_finding("D2.2", "minor", "x", "<img src=x onerror=alert(1)>"), "is not a date"),
    (lambda s: s.add_finding("D9.9", "minor", "x"), "D9.9"),
    (lambda s: s.add_finding("D2.2", "critical", "x"), "critical"),
    (lambda s: s.add_finding("D2.2", "", "x"), "choose the severity"),
    (lambda s: s.close_finding("F9"), "there is no finding 'F9'"),
    (lambda s: s.replace_findings([{"id": "F1", "criterion": "D2.2", "severity": "bogus", "status": "open", "text": ""}]),
     "bogus"),
])
def test_an_invalid_form_value_is_refused_and_changes_nothing(session, change, message):
    fill_form(session, {"criteria": {"D1.2": {"kpi": 91.5, "evidence": ["工单统计"]}, "D5.1": {"level": 3}}})
    session.add_finding("D2.2", "minor", "上门超时", "2026-10-20")
    before = copy.deepcopy(session.state.model_dump())
    grade_before = session.grade().to_contract()
    with pytest.raises(BadInput) as exc:
        change(session)
    assert message in str(exc.value)
    assert "Traceback" not in str(exc.value) and "ValidationError" not in str(exc.value)
    after = session.state.model_dump()
    after["grade"] = before["grade"]  # grade() below caches it again
    assert after == before
    assert session.grade().to_contract() == grade_before


def test_clearing_a_field_in_the_form_removes_it(session):
    session.set_criterion("D3.1", kpi=88.0, evidence=["满意度调查报告"])
    session.set_criterion("D3.1", kpi=None, evidence=["满意度调查报告"])
    assert session.assessment["criteria"]["D3.1"] == {"evidence": ["满意度调查报告"]}
    session.set_criterion("D3.1", evidence=[" ", ""])
    assert "D3.1" not in session.assessment["criteria"]


# --- uploads --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kpi120.yaml", "unknown_criterion.yaml", "malformed.yaml", "malformed.json",
                                  "duplicate_key.yaml"])
def test_a_bad_upload_says_what_grade_file_says_and_keeps_the_assessment(session, tmp_path, name):
    path = tmp_path / "uploads" / name
    path.parent.mkdir()
    shutil.copy(RULES_BAD / name, path)
    cli = run_cli("grade", str(path), data_dir=tmp_path / "data")
    assert cli.returncode == 2, cli.stderr
    session.set_criterion("D3.1", kpi=88.0, evidence=["满意度调查报告"])
    before = copy.deepcopy(session.assessment)
    with pytest.raises(BadInput) as exc:
        session.load_file(path)
    # the CLI's message, with the file's name where the CLI names its path
    assert f"错误 error: {exc.value}" == cli.stderr.strip().replace(str(path), name)
    assert str(path.parent) not in str(exc.value)
    assert session.assessment == before


def test_an_upload_of_another_kind_or_too_large_is_refused(session, tmp_path):
    session.set_criterion("D3.1", kpi=88.0)
    before = copy.deepcopy(session.assessment)
    txt = tmp_path / "assessment.txt"
    txt.write_text("criteria: {}\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"assessment\.txt: an assessment file must be YAML or JSON"):
        session.load_file(txt)
    big = tmp_path / "big.yaml"
    big.write_text("criteria: {}\n" + "#" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"big\.yaml: the file has 4\.9 KiB; an assessment file may have at most 4 KiB"):
        session.load_file(big, max_bytes=4096)
    assert session.assessment == before


def test_a_good_upload_replaces_the_assessment(session):
    session.set_criterion("D3.1", kpi=60.0)
    session.load_file(PLAN_FIXTURES / "partial.yaml")
    assert session.assessment["criteria"]["D3.1"] == {"kpi": 90, "evidence": ["满意度调查", "回访记录"]}
    assert session.assessment["enterprise"]["name"] == "新锐智能门锁科技"
    assert session.grade().overall == load_and_grade(PLAN_FIXTURES / "partial.yaml").overall


# --- download → upload round trip ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dump_then_load_file_gives_the_same_assessment_and_grade(session, plain, tmp_path, fmt):
    fill_form(session, PASSING)
    session.add_finding("D2.1", "minor", "投诉首次响应平均36小时", "2026-10-20")
    session.add_finding("D6.3", "observation", "创新提案未跟踪", "2026-10-20")
    session.close_finding("F2")
    path = tmp_path / f"assessment.{fmt}"
    path.write_text(session.dump(fmt), encoding="utf-8")
    # the downloaded file is one `grade FILE` reads
    assert load_assessment(path).criteria["D1.2"].kpi == 91.5
    other = WebSession(plain)
    other.load_file(path)
    expected = copy.deepcopy(session.assessment)
    expected.setdefault("scheme", "2026.1")
    assert other.assessment == expected
    assert other.grade().to_contract() == session.grade().to_contract()
    assert yaml.safe_load(other.dump(fmt)) == yaml.safe_load(session.dump(fmt))  # key order may differ


# --- findings ----------------------------------------------------------------------------------------------


def test_findings_add_close_and_replace(session):
    session.set_criterion("D2.2", kpi=93.0, evidence=["上门签到记录"])
    assert session.add_finding("D2.2", "minor", "  上门超时  ", "2026-10-20") == "F1"
    assert session.add_finding("D6.1", "observation", "", None) == "F2"
    assert session.findings() == [
        {"id": "F1", "criterion": "D2.2", "severity": "minor", "status": "open", "text": "上门超时", "raised_on": "2026-10-20"},
        {"id": "F2", "criterion": "D6.1", "severity": "observation", "status": "open", "text": ""},
    ]
    assert session.grade().open_findings.get("minor") == ["F1"]

    session.close_finding("F1")
    assert session.findings()[0]["status"] == "closed"
    assert not session.grade().open_findings.get("minor")
    assert session.add_finding("D1.1", "major", "无服务规范") == "F3"  # IDs are never reused

    # the edited table: blank rows dropped, missing IDs numbered by row, statuses kept
    session.replace_findings([
        {"id": "F1", "criterion": "D2.2", "severity": "minor", "status": "closed", "raised_on": "2026-10-20", "text": "上门超时"},
        {"id": "", "criterion": "", "severity": "", "status": "", "raised_on": "", "text": ""},
        {"id": "", "criterion": "D3.2", "severity": "observation", "status": "", "raised_on": None, "text": "问卷回收率低"},
    ])
    assert session.findings() == [
        {"id": "F1", "criterion": "D2.2", "severity": "minor", "status": "closed", "text": "上门超时", "raised_on": "2026-10-20"},
        {"id": "F3", "criterion": "D3.2", "severity": "observation", "status": "open", "text": "问卷回收率低"},
    ]
    # duplicate IDs are refused, and change nothing
    before = session.findings()
    with pytest.raises(BadInput):
        session.replace_findings([{"id": "F1", "criterion": "D2.2", "severity": "minor", "text": "a"},
                                  {"id": "F1", "criterion": "D3.2", "severity": "minor", "text": "b"}])
    assert session.findings() == before
    session.replace_findings([])
    assert session.findings() == [] and "findings" not in session.assessment


def test_empty_cells_of_the_findings_table_as_the_page_sends_them(session):
    """gr.Dataframe gives NaN for a null cell next to filled ones: an empty cell, not the text 'nan'."""
    import gradio as gr

    scheme = session.scheme
    table = gr.Dataframe(views.findings_frame([], scheme), headers=views.FINDING_HEADERS, interactive=True)
    payload = {"headers": views.FINDING_HEADERS, "metadata": None, "data": [
        ["F1", "D2.2", "一般不符合", "未关闭", "2026-10-20", "上门超时"],
        ["F2", "D6.1", "observation", None, None, None],
        [None, None, None, None, None, None],
    ]}
    edited = table.preprocess(gr.components.dataframe.DataframeData(**payload))
    session.replace_findings(views.findings_rows(edited, scheme))
    assert session.findings() == [
        {"id": "F1", "criterion": "D2.2", "severity": "minor", "status": "open", "text": "上门超时", "raised_on": "2026-10-20"},
        {"id": "F2", "criterion": "D6.1", "severity": "observation", "status": "open", "text": ""},
    ]


def test_the_findings_table_reads_back_what_it_shows(session):
    """findings_frame (words) → the user edits nothing → findings_rows (IDs): the same findings."""
    session.add_finding("D2.2", "minor", "上门超时", "2026-10-20")
    session.add_finding("D5.4", "major", "未开展管理评审", "2026-06-01")
    session.add_finding("D6.3", "observation", "", None)
    session.close_finding("F2")
    before = session.findings()
    frame = views.findings_frame(before, session.scheme)
    assert list(frame.columns) == views.FINDING_HEADERS
    assert list(frame["严重程度"]) == ["一般不符合", "严重不符合", "观察项"]
    assert list(frame["状态"]) == ["未关闭", "已关闭", "未关闭"]
    session.replace_findings(views.findings_rows(frame, session.scheme))
    assert session.findings() == before


# --- plans -----------------------------------------------------------------------------------------------------


def test_plan_versions_and_a_deadline_past_the_schemes_latest(chat_session, indexed):
    from assistant.plans.store import Store

    chat_session.load_file(PLAN_FIXTURES / "partial.yaml")
    plan = chat_session.draft_plan()
    assert plan.items and chat_session.state.plan_id is not None
    assert [v for v, _, _ in chat_session.plan_versions()] == [1]

    chat_session.update_plan_item(1, owner="王经理")
    assert [v for v, _, _ in chat_session.plan_versions()] == [1, 2]
    assert chat_session.plan().item(1).owner == "王经理"

    item = chat_session.plan().item(2)
    kept = copy.deepcopy(chat_session.state.plan)
    too_late = item.latest_deadline + timedelta(days=1)
    with pytest.raises(BadInput) as exc:
        chat_session.update_plan_item(2, deadline=too_late)
    message = str(exc.value)
    assert too_late.isoformat() in message and item.latest_deadline.isoformat() in message
    assert item.deadline_rule in message  # the scheme's reason, e.g. 一般不符合：提出后60天
    assert [v for v, _, _ in chat_session.plan_versions()] == [1, 2]  # nothing saved
    assert chat_session.state.plan == kept
    store = Store.open(indexed)
    try:
        assert store.get_plan(chat_session.state.plan_id).plan.item(2).deadline == item.deadline
    finally:
        store.close()

    # a form change after drafting marks the plan stale; the plan itself is kept
    chat_session.set_criterion("D3.1", kpi=95.0, evidence=["满意度调查", "回访记录"])
    assert chat_session.state.plan_stale and chat_session.plan() is not None


def test_updating_a_plan_before_drafting_one_is_refused(session):
    with pytest.raises(BadInput, match="draft a plan first"):
        session.update_plan_item(1, owner="王经理")
    assert session.plan_versions() == []


# --- views ---------------------------------------------------------------------------------------------------


def test_dimension_thresholds_are_the_schemes_grade_rules():
    scheme = load_scheme(None)
    raw = yaml.safe_load((REPO / "knowledge" / "scheme" / f"{scheme.version}.yaml").read_text(encoding="utf-8"))
    rules = {r["id"]: r for r in raw["grade_rules"]}
    fail_floor = next(c["value"] for c in rules["R2"]["conditions"] if c["kind"] == "any_dimension_below")
    excellent_all = next(c["value"] for c in rules["R3"]["conditions"] if c["kind"] == "every_dimension_at_least")
    d6 = next(c for c in rules["R3"]["conditions"] if c["kind"] == "dimension_at_least")
    assert (fail_floor, excellent_all, d6["dimension"], d6["value"]) == (40, 70, "D6", 80)  # SCHEME §3

    dims = [d["id"] for d in raw["dimensions"]]
    assert views.dimension_thresholds(scheme, "合格") == {d: 40.0 for d in dims}
    assert views.dimension_thresholds(scheme, "pass") == {d: 40.0 for d in dims}
    assert views.dimension_thresholds(scheme, "优秀") == {d: 80.0 if d == "D6" else 70.0 for d in dims}


def test_the_radar_shows_the_thresholds_and_the_scores():
    result = load_and_grade(PLAN_FIXTURES / "passing.yaml")
    fig = views.radar_figure(result, result.scheme_model)
    traces = {t.name: list(t.r) for t in fig.data}
    assert traces["合格门槛"] == [40.0] * 7
    assert traces["优秀门槛"] == [70.0] * 5 + [80.0, 70.0]  # closed polygon: D1 repeated at the end
    assert traces["当前得分"][:6] == [d.score for d in result.dimensions.values()]


@pytest.fixture(scope="module")
def plan():
    from assistant.plans.draft import draft_plan

    a = load_assessment(PLAN_FIXTURES / "passing.yaml")
    return draft_plan(a, scheme=load_scheme(a.scheme), warn=lambda _m: None)


def test_plan_frame_shows_every_item(plan):
    frame = views.plan_frame(plan)
    assert list(frame.columns) == views.PLAN_COLUMNS and len(frame) == len(plan.items) >= 3
    first = frame.iloc[0]
    assert first["序号"] == "1" and first["责任人"] == plan.items[0].owner
    assert first["完成期限"] == plan.items[0].deadline.isoformat()
    assert first["最迟期限"] == plan.items[0].latest_deadline.isoformat()
    assert first["状态"] == "待整改"
    assert views.plan_changes(plan, frame) == []  # the table as shown: no change


def test_plan_changes_detects_only_edited_owner_deadline_and_status(plan):
    frame = views.plan_frame(plan)
    edited = frame.copy()
    one, two, three = plan.items[0], plan.items[1], plan.items[2]
    earlier = (two.deadline - timedelta(days=3)).isoformat()
    edited.loc[0, "责任人"] = "王经理"
    edited.loc[0, "问题描述"] = "改过的问题描述"  # not an editable column: ignored
    edited.loc[0, "整改措施"] = "改过的措施"
    edited.loc[1, "完成期限"] = earlier
    edited.loc[1, "最迟期限"] = "2099-01-01"  # read-only in the page: ignored
    edited.loc[2, "状态"] = "整改中"  # the Chinese status the table shows
    edited.loc[2, "责任人"] = f"  {three.owner}  "  # the same owner, padded: no change
    assert views.plan_changes(plan, edited) == [
        {"no": 1, "owner": "王经理"},
        {"no": 2, "deadline": earlier},
        {"no": 3, "status": "in_progress"},
    ]
    assert one.owner != "王经理"


def test_plan_changes_ignores_blank_cells_and_rows_without_an_item(plan):
    frame = views.plan_frame(plan)
    edited = frame.copy()
    edited.loc[0, "责任人"] = ""  # emptied by mistake: kept, not cleared
    edited.loc[1, "完成期限"] = None  # NaN in the frame: neither a change nor the date 'nan'
    edited.loc[2, "责任人"] = None
    edited.loc[2, "状态"] = None
    extra = pd.DataFrame([["99", "", "", "", "", "某人", "2027-01-01", "", "已关闭"],
                          ["x", "", "", "", "", "某人", "2027-01-01", "", "已关闭"]], columns=views.PLAN_COLUMNS)
    edited = pd.concat([edited, extra], ignore_index=True)
    assert views.plan_changes(plan, edited) == []
    edited.loc[0, "状态"] = "closed"  # the English status is understood too
    assert views.plan_changes(plan, edited) == [{"no": 1, "status": "closed"}]


def test_a_cleared_cell_as_the_page_sends_it_is_no_change(plan):
    """gr.Dataframe turns a null cell into NaN: that must not become the owner 'nan'."""
    import gradio as gr

    table = gr.Dataframe(views.plan_frame(plan), headers=views.PLAN_COLUMNS, interactive=True)
    payload = table.postprocess(views.plan_frame(plan)).model_dump()
    payload["data"][0][views.PLAN_COLUMNS.index("责任人")] = None
    payload["data"][1][views.PLAN_COLUMNS.index("完成期限")] = ""
    payload["data"][2][views.PLAN_COLUMNS.index("责任人")] = "售后服务总监"
    edited = table.preprocess(gr.components.dataframe.DataframeData(**payload))
    expected = [] if plan.items[2].owner == "售后服务总监" else [{"no": 3, "owner": "售后服务总监"}]
    assert views.plan_changes(plan, edited) == expected


def test_badge_shows_grade_provisional_and_vetoes():
    assert 'data-grade=""' in views.badge_html(None)
    result = load_and_grade(PLAN_FIXTURES / "passing.yaml")
    badge = views.badge_html(result)
    assert 'data-grade="合格"' in badge and "暂定" not in badge and f"总分 {result.overall:g}" in badge
    from assistant.rules import grade, validate_assessment

    partial = grade(validate_assessment({"criteria": {"D3.1": {"kpi": 88}}}))
    badge = views.badge_html(partial)
    assert "（暂定）" in badge and f"{len(partial.missing)} 项准则未评估" in badge and "否决项 V2" in badge


def test_findings_frame_and_citations():
    frame = views.findings_frame([{"id": "F1", "criterion": "D2.2", "severity": "minor", "status": "open", "text": "t"}],
                                 load_scheme(None))
    assert frame.iloc[0].tolist() == ["F1", "D2.2", "一般不符合", "未关闭", "", "t"]
    msgs = views.citation_messages([{"source": "rules", "locator": "认证规则 §5.2", "text": "监督审核每6个月一次"}])
    assert msgs == [{"role": "assistant", "content": "监督审核每6个月一次",
                     "metadata": {"title": "[1] 认证规则 · 认证规则 §5.2", "status": "done", "id": "cite-1"}}]


# --- events that arrive before the page's load event created the session ---------------------------------


def test_page_events_without_a_session_change_nothing_and_do_not_fail(plain):
    """A click sent before the load event finished must not crash the handler (the browser would show 'Error')."""
    import gradio as gr

    from assistant.web.app import PLAN_OUTPUTS, WebApp

    app = WebApp(plain)
    app.build()
    form = app._form_change(None, lambda: None)
    assert form[2] == '<div class="bad-input">错误：自评：页面还在加载，请稍后再试</div>'
    skipped = [app.refresh_form(None), app.plan_view(None), app.on_save_plan(None, "", None),
               app.on_draft("", "", None), list(app.report("", None)), list(app._badges(None))]
    assert [len(x) for x in skipped] == [len(app.form_outputs), PLAN_OUTPUTS, PLAN_OUTPUTS, PLAN_OUTPUTS + 1, 6, 2]
    assert all(isinstance(v, type(gr.skip())) for x in skipped for v in x)


def test_the_grade_is_computed_once_per_change(indexed, monkeypatch):
    """Every page shows the one grade of the assessment as it stands: a form change, a chat turn, a draft (with
    the badge, status line, report and plan page they refresh) each run the engine once, and a view without a
    change not at all. (Before, one web draft graded three times.)"""
    import assistant.workspace.case as state_module
    import assistant.plans.draft as draft_module
    from assistant.web.app import WebApp

    calls: list[str | None] = []
    real = state_module.grade

    def counting(assessment, scheme=None, target=None):
        calls.append(target)
        return real(assessment, scheme, target=target)

    monkeypatch.setattr(state_module, "grade", counting)
    monkeypatch.setattr(draft_module, "grade", counting)
    app = WebApp(indexed)
    sess = app.new_session()
    sess.load_file(PLAN_FIXTURES / "partial.yaml")

    def engine_runs(step) -> int:
        calls.clear()
        step()
        return len(calls)

    assert engine_runs(lambda: (app.on_kpi("D2.1", 30.0, sess), app._badges(sess), app.report("", sess))) == 1
    assert engine_runs(lambda: (app.on_draft("", "", sess), app.plan_view(sess), app._badges(sess))) == 0  # no change since
    assert engine_runs(lambda: (app.on_kpi("D2.1", 20.0, sess), app.on_draft("", "", sess), app.plan_view(sess))) == 1
    assert engine_runs(lambda: (app.report("优秀", sess), app.report("优秀", sess))) <= 1  # another target: its own gap
    assert engine_runs(lambda: (sess.chat("我们客户满意度88%"), app._badges(sess), app.report("", sess))) == 1
    assert engine_runs(lambda: (app.report("", sess), app._badges(sess), app.plan_view(sess))) == 0


def test_closing_a_findings_plan_item_in_the_web_closes_the_finding_as_a_new_version(chat_session):
    """The plan page's status 已关闭 on a finding's item closes the finding in the assessment too, re-grades, and
    the case keeps it as its next assessment version, saying why."""
    chat_session.load_file(PLAN_FIXTURES / "partial.yaml")
    plan = chat_session.draft_plan()
    item = next(i for i in plan.items if i.finding == "P1")
    before = len(chat_session.assessment_versions())
    chat_session.update_plan_item(item.no, status="closed")
    assert next(f for f in chat_session.findings() if f["id"] == "P1")["status"] == "closed"
    assert chat_session.state.grade is None  # graded again at the next view
    versions = chat_session.assessment_versions()
    assert len(versions) == before + 1
    assert versions[-1].note == f"整改计划 #{chat_session.state.plan_id} 关闭审核发现"
    _, latest = chat_session.assessment_version(versions[-1].number)
    assert next(f for f in latest["findings"] if f["id"] == "P1")["status"] == "closed"
