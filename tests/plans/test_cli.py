"""`plan` and `plans …` as users and acceptance checks run them: contract JSON, exit codes, saved plans, exports."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from docx import Document
from openpyxl import load_workbook

from assistant.plans.models import CONTRACT_ITEM_FIELDS
from tests.conftest import REPO, run_cli
from tests.plans.conftest import FIXTURES

PASSING = str(FIXTURES / "passing.yaml")
VETOED = str(FIXTURES / "vetoed.yaml")


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr
    return result


def bad(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for n in needles:
        assert n in result.stderr


@pytest.mark.slow
def test_plan_json_contract_with_the_index(index_settings, tmp_path):
    result = ok(run_cli("plan", PASSING, "--json", "--target", "优秀", data_dir=index_settings.data_dir,
                        env={"ASSISTANT_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}))
    out = json.loads(result.stdout)
    assert out["target"] == "优秀" and out["plan_date"] == "2026-11-01"
    grade = json.loads(ok(run_cli("grade", PASSING, "--json", "--target", "优秀")).stdout)
    gap_criteria = [c["criterion"] for c in grade["gap"]["changes"]]
    assert [i["criterion"] for i in out["items"] if i["finding"] is None] == gap_criteria
    assert {i["finding"] for i in out["items"] if i["finding"]} == {"F1", "F2"}
    for item in out["items"]:
        assert set(CONTRACT_ITEM_FIELDS) <= set(item)
        assert item["references"] and all(r.startswith("PF-") for r in item["references"])
    f1 = next(i for i in out["items"] if i["finding"] == "F1")
    assert (f1["criterion"], f1["deadline"], f1["status"]) == ("D2.1", "2026-12-19", "open")
    again = ok(run_cli("plan", PASSING, "--json", "--target", "优秀", data_dir=index_settings.data_dir))
    assert again.stdout == result.stdout  # the same input gives the same plan


def test_plan_json_from_the_catalogue_alone_is_deterministic(tmp_path):
    first = ok(run_cli("plan", VETOED, "--json", "--no-retrieval", data_dir=tmp_path))
    second = ok(run_cli("plan", VETOED, "--json", "--no-retrieval", data_dir=tmp_path))
    assert first.stdout == second.stdout
    out = json.loads(first.stdout)
    assert out["target"] == "合格" and len(out["items"]) == 8
    assert not (tmp_path / "assistant.db").exists()  # nothing saved without --save


def test_plan_bad_input_exits_2(tmp_path):
    bad(run_cli("plan", str(tmp_path / "nope.yaml"), "--json", "--no-retrieval", data_dir=tmp_path), "nope.yaml", "not found")
    broken = tmp_path / "broken.yaml"
    broken.write_text("criteria:\n  D9.9: {level: 3}\n", encoding="utf-8")
    bad(run_cli("plan", str(broken), "--json", "--no-retrieval", data_dir=tmp_path), "criteria.D9.9")
    bad(run_cli("plan", PASSING, "--date", "2026-13-01", "--no-retrieval", data_dir=tmp_path), "--date")
    bad(run_cli("plan", PASSING, "--json", "--md", "--no-retrieval", data_dir=tmp_path), "--json or --md")
    bad(run_cli("plan", PASSING, "--target", "良好", data_dir=tmp_path))


def test_plan_writes_markdown_excel_and_word(tmp_path):
    xlsx, docx = tmp_path / "计划.xlsx", tmp_path / "计划.docx"
    result = ok(run_cli("plan", VETOED, "--md", "--no-retrieval", "--xlsx", str(xlsx), "--docx", str(docx), data_dir=tmp_path))
    assert result.stdout.startswith("# 售后服务成熟度整改计划") and "F-M1" in result.stdout
    assert "已写出 Excel" in result.stderr and "已写出 Word" in result.stderr
    ws = load_workbook(xlsx)["整改计划"]
    assert sum(1 for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)) == 8
    assert len(Document(str(docx)).tables[2].rows) == 9


def test_saved_plan_lifecycle(tmp_path, database_url):
    """On SQLite (the default file in the data directory) and on a real PostgreSQL server (ASSISTANT_DATABASE_URL)."""
    sqlite = database_url.startswith("sqlite")
    env = {} if sqlite else {"ASSISTANT_DATABASE_URL": database_url}
    run = lambda *a: run_cli(*a, data_dir=tmp_path, env=env)  # noqa: E731
    if sqlite:
        bad(run("plans", "list"), "does not exist")
    saved = ok(run("plan", VETOED, "--save", "--json", "--no-retrieval"))
    assert "#1" in saved.stderr
    drafted = json.loads(saved.stdout)
    assert drafted["id"] == 1 and drafted["version"] == 1

    listing = json.loads(ok(run("plans", "list", "--json")).stdout)
    assert [(p["id"], p["items"], p["target"], p["version"]) for p in listing] == [(1, 8, "合格", 1)]
    shown = json.loads(ok(run("plans", "show", "1", "--json")).stdout)
    assert shown["items"] == drafted["items"]

    ok(run("plans", "update", "1", "2", "--status", "closed"))
    updated = json.loads(ok(run("plans", "update", "1", "6", "--owner", "质量部经理", "--deadline", "2026-12-20", "--json")).stdout)
    assert updated["version"] == 3 and updated["item"]["owner"] == "质量部经理" and updated["item"]["deadline"] == "2026-12-20"
    bad(run("plans", "update", "1", "6", "--deadline", "2030-01-01"), "later than the scheme allows", "2027-01-30")
    bad(run("plans", "update", "1", "99", "--status", "closed"), "no item 99")
    bad(run("plans", "update", "1", "2", "--deadline", "soon"), "--deadline")
    bad(run("plans", "show", "5"), "no plan 5")
    bad(run("plans", "update", "1", "2", "--status", "done"))

    latest = json.loads(ok(run("plans", "show", "1", "--json")).stdout)
    assert latest["version"] == 3 and latest["items"][1]["status"] == "closed"
    first = json.loads(ok(run("plans", "show", "1", "--version", "1", "--json")).stdout)
    assert first["items"][1]["status"] == "open"

    regraded = json.loads(ok(run("plans", "regrade", "1", "--json")).stdout)
    assert regraded["closed_items"] == [2] and regraded["applied"]["findings_closed"] == ["F-m1"]
    assert regraded["before"]["grade"] == "不合格" and not regraded["reached"]
    assert "按已关闭项重新评级" in ok(run("plans", "regrade", "1")).stdout

    cal = json.loads(ok(run("plans", "calendar", "1", "--certified-on", "2026-05-20", "--json")).stdout)
    assert cal["surveillance"] == ["2026-11-20", "2027-05-20", "2027-11-20", "2028-05-20", "2028-11-20"]
    assert cal["expires_on"] == "2029-05-20"
    assert {e["item"] for e in cal["events"] if e["kind"] == "deadline"} == set(range(1, 9))
    assert "第1次监督审核" in ok(run("plans", "calendar", "1", "--certified-on", "2026-05-20")).stdout
    bad(run("plans", "calendar", "1"), "--certified-on")

    xlsx = tmp_path / "p.xlsx"
    ok(run("plans", "show", "1", "--xlsx", str(xlsx)))
    ws = load_workbook(xlsx)["整改计划"]
    assert any(str(ws.cell(r, 13).value).startswith("已关闭") for r in range(1, ws.max_row + 1))


def test_regrade_with_every_item_closed_reaches_the_target(tmp_path):
    from assistant.plans.store import Store

    for n, fixture in enumerate((VETOED, PASSING, str(FIXTURES / "partial.yaml")), 1):
        ok(run_cli("plan", fixture, "--save", "--no-retrieval", "--json", "--date", "2026-12-01", data_dir=tmp_path))
        store = Store(f"sqlite:///{tmp_path / 'assistant.db'}", create=False)
        for item in store.get_plan(n).plan.items:
            store.update_item(n, item.no, status="closed")
        store.close()
        report = json.loads(ok(run_cli("plans", "regrade", str(n), "--json", data_dir=tmp_path)).stdout)
        assert report["reached"] and report["after"]["grade"] == report["target"], report
        assert report["after"]["vetoes"] == []


def test_corrupted_database_exits_2(tmp_path):
    (tmp_path / "assistant.db").write_bytes(b"PK\x03\x04 not a database" * 100)
    bad(run_cli("plans", "list", data_dir=tmp_path), "is not a valid database", "assistant.db")
    bad(run_cli("plan", PASSING, "--save", "--no-retrieval", data_dir=tmp_path), "is not a valid database")


def test_two_concurrent_cli_updates_both_survive(tmp_path, database_url):
    db = {} if database_url.startswith("sqlite") else {"ASSISTANT_DATABASE_URL": database_url}
    ok(run_cli("plan", VETOED, "--save", "--no-retrieval", data_dir=tmp_path, env=db))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")} | {"ASSISTANT_DATA_DIR": str(tmp_path)} | db
    cmd = [sys.executable, "-m", "assistant", "plans", "update", "1", "3"]
    procs = [subprocess.Popen(cmd + extra, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for extra in (["--status", "in_progress"], ["--owner", "人力资源部经理"])]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    shown = json.loads(ok(run_cli("plans", "show", "1", "--json", data_dir=tmp_path, env=db)).stdout)
    assert shown["version"] == 3
    assert (shown["items"][2]["status"], shown["items"][2]["owner"]) == ("in_progress", "人力资源部经理")
