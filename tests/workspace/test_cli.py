"""`workspace create|list|show|archive` and `--workspace` on chat, plan --save and plans (CONTRACTS.md, Workspaces)."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import REPO, run_cli

FAILING = str(REPO / "tests" / "plans" / "fixtures" / "failing.yaml")


@pytest.fixture
def data_dir(index_settings, tmp_path):
    """A copy of the session's index: chat needs one, and each test gets its own database."""
    target = tmp_path / "data"
    shutil.copytree(index_settings.data_dir, target, ignore=shutil.ignore_patterns("assistant.db*"))
    return target


@pytest.fixture
def db(database_url):
    """The environment that points the CLI at the test's database: a SQLite file, or one on a real PostgreSQL."""
    return {"ASSISTANT_DATABASE_URL": database_url}


def ok(*args, data_dir, stdin=None, env=None):
    done = run_cli(*args, data_dir=data_dir, stdin=stdin, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_create_list_show_archive_as_the_contract_gives_them(data_dir, db):
    ok("workspace", "create", "美澜电器", "--company", "美澜电器有限公司", "--industry", "家电", "--next-audit", "2027-03-01",
       data_dir=data_dir, env=db)
    again = run_cli("workspace", "create", "美澜电器", data_dir=data_dir, env=db)
    assert again.returncode == 2 and "exists" in again.stderr and "Traceback" not in again.stderr
    listed = json.loads(ok("workspace", "list", "--json", data_dir=data_dir, env=db).stdout)
    assert [w["name"] for w in listed] == ["默认", "美澜电器"]
    mine = listed[1]
    assert {k: mine[k] for k in ("name", "company", "industry", "archived", "next_audit")} == {
        "name": "美澜电器", "company": "美澜电器有限公司", "industry": "家电", "archived": False, "next_audit": "2027-03-01"}
    shown = json.loads(ok("workspace", "show", "美澜电器", "--json", data_dir=data_dir, env=db).stdout)
    assert shown["name"] == "美澜电器" and shown["assessment"] is None and shown["grade"] is None
    assert shown["plans"] == [] and shown["conversations"] == []
    ok("workspace", "archive", "美澜电器", data_dir=data_dir, env=db)
    assert json.loads(ok("workspace", "list", "--json", data_dir=data_dir, env=db).stdout)[1]["archived"] is True
    refused = run_cli("plan", FAILING, "--save", "--workspace", "美澜电器", data_dir=data_dir, env=db)
    assert refused.returncode == 2 and "archived" in refused.stderr
    missing = run_cli("workspace", "show", "没有这个", data_dir=data_dir, env=db)
    assert missing.returncode == 2 and "美澜电器" in missing.stderr  # names the workspaces there are
    assert not (data_dir / "assistant.db").exists()  # all of it went to the database the URL names


def test_nothing_of_one_workspace_is_read_or_shown_in_another(data_dir):
    for name in ("甲公司", "乙公司"):
        ok("workspace", "create", name, data_dir=data_dir)
    ok("plan", FAILING, "--save", "--workspace", "甲公司", data_dir=data_dir)
    first = ok("chat", "--json", "--workspace", "乙公司", data_dir=data_dir, stdin="客户满意度88%，首次响应4小时\n")
    assert json.loads(first.stdout.splitlines()[0])["assessment"]["criteria"]["D3.1"]["kpi"] == 88

    a = json.loads(ok("workspace", "show", "甲公司", "--json", data_dir=data_dir).stdout)
    b = json.loads(ok("workspace", "show", "乙公司", "--json", data_dir=data_dir).stdout)
    assert [p["id"] for p in a["plans"]] == [1] and a["conversations"] == []
    assert b["plans"] == [] and len(b["conversations"]) == 1
    assert b["assessment"]["criteria"] == {"D2.1": {"kpi": 4.0}, "D3.1": {"kpi": 88.0}} and b["grade"]["grade"] == "不合格"
    assert a["assessment"]["enterprise"]["name"] == "华东厨电服务有限公司" and "enterprise" not in b["assessment"]

    # Plan 1 is 甲's: listed and opened there only.
    assert [p["id"] for p in json.loads(ok("plans", "list", "--json", "--workspace", "甲公司", data_dir=data_dir).stdout)] == [1]
    assert json.loads(ok("plans", "list", "--json", "--workspace", "乙公司", data_dir=data_dir).stdout) == []
    assert json.loads(ok("plans", "list", "--json", data_dir=data_dir).stdout) == []  # 默认
    other = run_cli("plans", "show", "1", "--workspace", "乙公司", data_dir=data_dir)
    assert other.returncode == 2 and "no plan 1 in this workspace" in other.stderr
    changed = run_cli("plans", "update", "1", "1", "--owner", "客服中心经理", "--workspace", "乙公司", data_dir=data_dir)
    assert changed.returncode == 2
    # 乙's conversation continues with `--resume last` there, not in 甲.
    resumed = ok("chat", "--json", "--workspace", "乙公司", "--resume", "last", data_dir=data_dir, stdin="能过吗\n")
    assert "resumed" in resumed.stderr and json.loads(resumed.stdout.splitlines()[0])["assessment"]["criteria"]["D3.1"]["kpi"] == 88
    none_here = run_cli("chat", "--json", "--workspace", "甲公司", "--resume", "last", data_dir=data_dir, stdin="能过吗\n")
    assert none_here.returncode == 2 and "no conversation" in none_here.stderr


def test_a_new_conversation_opens_the_workspaces_assessment(data_dir):
    ok("workspace", "create", "丙公司", data_dir=data_dir)
    ok("chat", "--json", "--workspace", "丙公司", data_dir=data_dir, stdin="一次修复率91%\n")
    later = ok("chat", "--json", "--workspace", "丙公司", data_dir=data_dir, stdin="满意度90%\n")
    criteria = json.loads(later.stdout.splitlines()[0])["assessment"]["criteria"]
    assert criteria["D1.2"]["kpi"] == 91 and criteria["D3.1"]["kpi"] == 90
    shown = json.loads(ok("workspace", "show", "丙公司", "--json", data_dir=data_dir).stdout)
    assert shown["assessment_version"] == 2 and len(shown["conversations"]) == 2


def test_closing_a_findings_item_closes_the_finding_and_grades_again(data_dir, db):
    ok("workspace", "create", "丁公司", data_dir=data_dir, env=db)
    plan = json.loads(ok("plan", FAILING, "--save", "--workspace", "丁公司", "--json", "--no-retrieval", data_dir=data_dir, env=db).stdout)
    no = next(i for i, item in enumerate(plan["items"], 1) if item["finding"] == "NC-01")
    done = ok("plans", "update", "1", str(no), "--status", "closed", "--workspace", "丁公司", data_dir=data_dir, env=db)
    assert "NC-01已随之关闭" in done.stdout
    shown = json.loads(ok("workspace", "show", "丁公司", "--json", data_dir=data_dir, env=db).stdout)
    assert shown["assessment_version"] == 2
    assert next(f for f in shown["assessment"]["findings"] if f["id"] == "NC-01")["status"] == "closed"
    assert "NC-01" not in shown["grade"]["gap"]["close_findings"]


def test_a_plan_edited_redrafted_and_restored_to_version_2_exports_as_version_2(index_settings, data_dir):
    from assistant.chat.conversation import Conversation
    from assistant.chat.offline import OfflineWriter

    settings = index_settings.model_copy(update={"data_dir": data_dir})
    conv = Conversation(settings, writer=OfflineWriter(settings))
    try:
        conv.handle("客户满意度88%，首次响应4小时")
        conv.handle("审核上个月20号开了一个一般不符合F1，投诉处理超期，还没整改完")
        conv.handle("帮我起草整改计划")                         # version 1
        conv.handle("把第1项的负责人改成投诉主管")               # version 2
        conv.handle("一次修复率85%")
        conv.handle("帮我起草整改计划")                         # version 3: drafted again
        pid = conv.state.plan_id
    finally:
        conv.close()
    v2 = json.loads(ok("plans", "show", str(pid), "--version", "2", "--json", data_dir=data_dir).stdout)
    changed = json.loads(ok("plans", "diff", str(pid), "2", "3", "--json", data_dir=data_dir).stdout)["changes"]
    assert changed and all(r["change"] in ("added", "dropped", "changed") for r in changed)
    done = json.loads(ok("plans", "restore", str(pid), "2", "--json", data_dir=data_dir).stdout)
    assert done == {"id": pid, "version": 4, "restored": 2, "note": "恢复到版本 2"}
    now = json.loads(ok("plans", "show", str(pid), "--json", data_dir=data_dir).stdout)
    strip = ("version", "latest_version", "note", "assessment_id")
    assert {k: v for k, v in now.items() if k not in strip} == {k: v for k, v in v2.items() if k not in strip}
    assert now["version"] == 4 and now["note"] == "恢复到版本 2"
    xlsx = data_dir / "v4.xlsx"
    ok("plans", "show", str(pid), "--xlsx", str(xlsx), data_dir=data_dir)
    from openpyxl import load_workbook

    cells = [c.value for row in load_workbook(xlsx).active.iter_rows() for c in row if c.value]
    assert "投诉主管" in cells
    listed = json.loads(ok("plans", "versions", str(pid), "--json", data_dir=data_dir).stdout)
    assert [(v["version"], v["author"]) for v in listed] == [(1, "chat"), (2, "chat"), (3, "chat"), (4, "cli")]
