"""assistant/workspace/versions.py: a workspace's assessment versions listed, compared (what changed, by whom,
when, in Chinese) and restored (a restore is a new version; nothing is overwritten)."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.errors import BadInput
from assistant.plans.store import Store
from assistant.rules import grade, load_scheme, validate_assessment
from assistant.workspace import versions as V

REPO = Path(__file__).resolve().parents[2]
WORKED_PASS = yaml.safe_load((REPO / "tests" / "rules" / "fixtures" / "worked_pass.yaml").read_text(encoding="utf-8"))
SCHEME = load_scheme("2026.1")


@pytest.fixture
def store(database_url):
    s = Store(database_url)
    yield s
    s.close()


def save(store, ws, data, author, source):
    store.save_assessment(validate_assessment(copy.deepcopy(data)), source, workspace_id=ws.id, author=author)


def changed(data: dict) -> dict:
    """worked_pass with one change of every kind the form makes."""
    d = copy.deepcopy(data)
    d["enterprise"]["name"] = "另一家电器有限公司"
    d["next_audit"] = "2027-04-01"
    d["declarations"]["materials_truthful"] = False
    d["criteria"]["D3.1"]["kpi"] = 70
    d["criteria"]["D1.1"]["level"] = 2
    d["criteria"]["D1.1"]["evidence"] = ["售后服务手册 V2.1", "服务规范培训记录"]
    del d["criteria"]["D6.3"]
    d["findings"][0]["status"] = "closed"
    d["findings"].append({"id": "F4", "criterion": "D2.2", "severity": "major", "status": "open", "text": "上门超时"})
    return d


def grade_text(data: dict) -> str:
    r = grade(validate_assessment(copy.deepcopy(data)), SCHEME)
    return f"{r.grade}（{r.overall:.1f}）" + ("，暂定" if r.provisional else "")


def test_the_listing_says_who_saved_each_version_when_and_why(store):
    ws = store.create_workspace("甲")
    save(store, ws, WORKED_PASS, "web", "web:3")
    save(store, ws, changed(WORKED_PASS), "chat", "chat:4")
    save(store, ws, WORKED_PASS, "web", "restore:1 web:3")
    got = V.listing(store, ws)
    assert [(v.number, v.author_zh, v.note) for v in got] == [
        (1, "网页", "网页修改（对话 #3）"), (2, "对话", "对话记录（对话 #4）"), (3, "网页", "恢复为第1版")]
    assert got[0].label().startswith("第1版（网页，") and got[0].when in got[0].label()
    # One browser's conversations only (the default workspace): a restore counts as its conversation's.
    assert [v.number for v in V.listing(store, ws, {3})] == [1, 3]
    assert [v.number for v in V.listing(store, ws, {4})] == [2]
    assert V.listing(store, ws, set()) == []


def test_every_kind_of_change_is_named_with_both_values(store):
    ws = store.create_workspace("甲")
    new = changed(WORKED_PASS)
    save(store, ws, WORKED_PASS, "web", "web:1")
    save(store, ws, new, "chat", "chat:2")
    cmp = V.compare(store, ws, 2, 1)  # any order: the older version comes first
    assert (cmp.old.number, cmp.new.number) == (1, 2)
    c = SCHEME.criteria
    level = {lv.level: f"L{lv.level} {lv.name}" for lv in SCHEME.levels}
    assert [(x.area, x.subject, x.before, x.after) for x in cmp.changes] == [
        ("企业", "企业名称", "示例电器有限公司", "另一家电器有限公司"),
        ("日期", "下次审核日期", "2027-03-01", "2027-04-01"),
        ("否决项声明", SCHEME.declarations["materials_truthful"].name, "是", "否"),
        ("准则", f"D1.1 {c['D1.1'].name} 等级", level[3], level[2]),
        ("准则", f"D1.1 {c['D1.1'].name} 证据", "售后服务手册 V2.1", "售后服务手册 V2.1；服务规范培训记录"),
        ("准则", f"D3.1 {c['D3.1'].name} KPI", f"88{c['D3.1'].unit_symbol}", f"70{c['D3.1'].unit_symbol}"),
        ("准则", f"D6.3 {c['D6.3'].name} 等级", level[2], "—"),
        ("准则", f"D6.3 {c['D6.3'].name} 证据", "服务创新提案", "—"),
        ("审核发现", "F1 状态", "未关闭", "已关闭"),
        ("审核发现", "F4", "—", f"D2.2 {SCHEME.severities['major'].name}（未关闭）上门超时"),
        ("评级", "评级（总分）", grade_text(WORKED_PASS), grade_text(new)),
    ]
    head = cmp.lines()[0]
    assert head.startswith("第1版 → 第2版") and "由网页于" in head and "由对话于" in head
    assert cmp.old.when in head and cmp.new.when in head
    assert cmp.lines()[1:] == [f"{x.area} · {x.subject}：{x.before} → {x.after}" for x in cmp.changes]


def test_same_content_has_no_changes_and_bad_numbers_are_refused_in_chinese(store):
    ws = store.create_workspace("甲")
    save(store, ws, WORKED_PASS, "web", "web:1")
    save(store, ws, changed(WORKED_PASS), "web", "web:1")
    save(store, ws, WORKED_PASS, "web", "web:1")
    assert V.compare(store, ws, 1, 3).changes == []
    assert "没有变化" in V.compare(store, ws, 1, 3).lines()[1]
    with pytest.raises(BadInput, match="两个不同的版本"):
        V.compare(store, ws, 2, 2)
    with pytest.raises(BadInput, match=r"没有第9版评估（可选的版本：1、2、3）") as exc:
        V.compare(store, ws, 1, 9)
    assert exc.value.where == V.WHERE
    # Another browser's versions in the default workspace are "not there", not shown.
    with pytest.raises(BadInput, match="没有第1版"):
        V.version(store, ws, 1, {99})


def test_a_restore_is_the_next_version_with_the_old_content(store):
    ws = store.create_workspace("甲")
    save(store, ws, WORKED_PASS, "web", "web:1")
    save(store, ws, changed(WORKED_PASS), "chat", "chat:2")
    before = [(s.id, s.assessment) for s in store.assessment_versions(ws.id)]
    new = V.restore(store, ws, 1, author="web", conversation=5)
    assert (new.number, new.author, new.note, new.conversation) == (3, "web", "恢复为第1版", 5)
    after = store.assessment_versions(ws.id)
    assert [(s.id, s.assessment) for s in after[:2]] == before  # nothing overwritten
    assert after[2].assessment == before[0][1] and after[2].source == "restore:1 web:5"
    assert V.compare(store, ws, 1, 3).changes == []
    with pytest.raises(BadInput, match="第3版就是最新版，无需恢复"):
        V.restore(store, ws, 3, author="web")
    with pytest.raises(BadInput, match="第1版与最新的第3版内容相同"):
        V.restore(store, ws, 1, author="web")
    store.update_workspace("甲", archived=True)
    with pytest.raises(BadInput, match="已归档"):
        V.restore(store, store.workspace("甲"), 2, author="web")
    assert len(store.assessment_versions(ws.id)) == 3


def test_plan_changes_between_versions(store):
    from assistant.plans.draft import draft_plan

    ws = store.create_workspace("甲")
    a = validate_assessment(copy.deepcopy(WORKED_PASS))
    aid = store.save_assessment(a, "x", workspace_id=ws.id, author="cli")
    plan = draft_plan(a, scheme=SCHEME, plan_date=date(2026, 11, 2))
    stored = store.save_plan(plan, aid, author="web")
    item = plan.items[0]
    store.update_item(stored.id, 1, owner="王经理", status="in_progress", workspace_id=ws.id, author="web",
                      today=date(2026, 11, 2))
    rows = V.plan_changes(store, stored.id, 2, 1, workspace_id=ws.id)
    from assistant.plans.models import STATUS_ZH
    from assistant.plans.revise import FIELD_ZH

    assert [(r.subject, r.before, r.after) for r in rows] == [
        (f"{item.subject} {FIELD_ZH['owner']}", item.owner, "王经理"),
        (f"{item.subject} {FIELD_ZH['status']}", STATUS_ZH[item.status], STATUS_ZH["in_progress"]),
    ]
    with pytest.raises(BadInput, match="两个不同的版本"):
        V.plan_changes(store, stored.id, 1, 1, workspace_id=ws.id)
