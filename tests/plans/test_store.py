"""Storage: versions, restarts, validation of updates, concurrent writers (threads and processes), bad files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from assistant.errors import BadInput
from assistant.plans.store import Store
from tests.conftest import REPO
from tests.plans.conftest import draft


def saved(url: str, guidance, name: str = "vetoed") -> tuple[Store, int]:
    store = Store(url)
    assessment, plan = draft(name, guidance)
    aid = store.save_assessment(assessment, name)
    return store, store.save_plan(plan, aid).id


def url_of(path: Path) -> str:
    return f"sqlite:///{path}"


def test_saved_plan_survives_a_restart(database_url, guidance):
    store, pid = saved(database_url, guidance)
    store.update_item(pid, 1, status="in_progress")
    original = store.get_plan(pid, 1).plan
    store.close()

    again = Store(database_url, create=False)  # a new engine on the same database
    stored = again.get_plan(pid)
    assert (stored.version, stored.latest) == (2, 2)
    assert stored.plan.items[0].status == "in_progress"
    assert again.get_plan(pid, 1).plan == original
    assert [v for v, _, _, _ in again.versions(pid)] == [1, 2]
    assessment = again.get_assessment(stored.assessment_id)
    assert assessment.enterprise.name == "某某热水器销售服务公司"
    assert [p.id for p in again.list_plans()] == [pid]
    again.close()


def test_each_update_is_a_new_version_and_old_versions_stay(database_url, guidance):
    store, pid = saved(database_url, guidance)
    store.update_item(pid, 2, status="closed", today=date(2026, 11, 5))
    store.update_item(pid, 2, owner="质量部经理")
    store.update_item(pid, 6, deadline=date(2026, 12, 15))
    latest = store.get_plan(pid)
    assert latest.version == 4
    item = latest.plan.item(2)
    assert (item.status, item.closed_on, item.owner, item.overdue) == ("closed", date(2026, 11, 5), "质量部经理", False)
    assert latest.plan.item(6).deadline == date(2026, 12, 15)
    assert store.get_plan(pid, 1).plan.item(2).status == "open"
    notes = [n for _, n, _, _ in store.versions(pid)]
    assert notes[1] == "第2项：状态 待整改→已关闭" and "责任人" in notes[2] and "期限" in notes[3]


def test_same_assessment_saved_twice_is_one_row_a_changed_one_a_new_version(database_url, guidance):
    store = Store(database_url)
    assessment, _ = draft("passing", guidance)
    first = store.save_assessment(assessment)
    assert store.save_assessment(assessment) == first
    changed = assessment.model_copy(update={"next_audit": date(2027, 4, 1)})
    second = store.save_assessment(changed)
    assert second != first
    assert store.get_assessment(second).next_audit == date(2027, 4, 1)


def test_updates_are_validated(database_url, guidance):
    store, pid = saved(database_url, guidance)
    plan = store.get_plan(pid).plan
    gap = next(i for i in plan.items if i.kind == "gap")
    with pytest.raises(BadInput, match="later than the scheme allows"):
        store.update_item(pid, gap.no, deadline=date(2027, 12, 31))
    finding = plan.item(1)
    with pytest.raises(BadInput, match="later than the scheme allows"):
        store.update_item(pid, 1, deadline=date.fromordinal(finding.deadline.toordinal() + 1))
    with pytest.raises(BadInput, match="no item 99"):
        store.update_item(pid, 99, status="closed")
    with pytest.raises(BadInput, match="no plan 7"):
        store.update_item(7, 1, status="closed")
    with pytest.raises(BadInput, match="nothing to change"):
        store.update_item(pid, 1)
    with pytest.raises(BadInput, match="owner"):
        store.update_item(pid, 1, owner=" ")
    with pytest.raises(BadInput, match="no version 5"):
        store.get_plan(pid, 5)
    # Earlier is allowed down to the day work can start: the plan date (a finding's audit when that is later).
    with pytest.raises(BadInput, match=r"before \d{4}-\d\d-\d\d \(计划日期\).*cannot lie before the work can start"):
        store.update_item(pid, gap.no, deadline=date.fromordinal(plan.plan_date.toordinal() - 1))
    with pytest.raises(BadInput, match="before"):
        store.update_item(pid, 1, deadline=date(2001, 1, 1))
    assert store.get_plan(pid).version == 1  # nothing refused was written
    # An earlier deadline after the plan date is allowed.
    assert store.update_item(pid, gap.no, deadline=date(2026, 12, 1)).plan.item(gap.no).deadline == date(2026, 12, 1)
    assert store.update_item(pid, gap.no, deadline=plan.plan_date).plan.item(gap.no).deadline == plan.plan_date


def test_a_deadline_before_the_findings_audit_is_refused(database_url, guidance):
    """A plan dated before the audit that raised a finding: its item cannot be due before that audit."""
    store = Store(database_url)
    assessment, plan = draft("passing", guidance, plan_date=date(2026, 10, 1))
    pid = store.save_plan(plan, store.save_assessment(assessment, "passing")).id
    item = next(i for i in plan.items if i.finding == "F1")
    assert item.raised_on == date(2026, 10, 20)
    with pytest.raises(BadInput, match=r"before 2026-10-20 \(F1的审核日期\)"):
        store.update_item(pid, item.no, deadline=date(2026, 10, 19))
    assert store.update_item(pid, item.no, deadline=date(2026, 10, 20)).plan.item(item.no).deadline == date(2026, 10, 20)


def test_concurrent_updates_from_threads_are_all_kept(database_url, guidance):
    store, pid = saved(database_url, guidance)
    n_items = len(store.get_plan(pid).plan.items)
    errors = []
    start = threading.Barrier(n_items * 2)

    def work(no: int, what: str) -> None:
        try:
            start.wait()
            if what == "status":
                store.update_item(pid, no, status="in_progress")
            else:
                store.update_item(pid, no, owner=f"负责人{no}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(no, what)) for no in range(1, n_items + 1) for what in ("status", "owner")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    latest = store.get_plan(pid)
    assert latest.version == 1 + 2 * n_items
    for item in latest.plan.items:  # both updates of the same item survived
        assert (item.status, item.owner) == ("in_progress", f"负责人{item.no}")


WORKER = """
import sys, time
from pathlib import Path
from assistant.plans.store import Store
url, pid, field, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
store = Store(url, create=False)
n = len(store.get_plan(pid).plan.items)
while not go.exists():
    time.sleep(0.01)
for no in range(1, n + 1):
    if field == "status":
        store.update_item(pid, no, status="in_progress")
    else:
        store.update_item(pid, no, owner=f"进程负责人{no}")
"""


def test_concurrent_updates_from_two_processes_are_all_kept(database_url, tmp_path, guidance):
    url = database_url
    store, pid = saved(url, guidance)
    n = len(store.get_plan(pid).plan.items)
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, url, str(pid), field, str(go)], cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for field in ("status", "owner")
    ]
    time.sleep(1.5)  # both processes are up and waiting
    go.touch()
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
    latest = store.get_plan(pid)
    assert latest.version == 1 + 2 * n
    for item in latest.plan.items:
        assert (item.status, item.owner) == ("in_progress", f"进程负责人{item.no}")


CRASH = """
import os, sys
from sqlalchemy import event
from sqlalchemy.orm import Session
from assistant.plans.store import Store
store = Store(sys.argv[1], create=False)

@event.listens_for(Session, "after_flush")
def crash(session, context):
    os._exit(3)  # the process dies inside the write transaction, after the new version row was written

store.update_item(1, 1, status="closed")
"""


def test_a_crash_mid_write_loses_nothing(database_url, guidance):
    store, pid = saved(database_url, guidance)
    store.update_item(pid, 2, owner="质量部经理")
    store.close()
    proc = subprocess.run([sys.executable, "-c", CRASH, database_url], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    store = Store(database_url, create=False)
    latest = store.get_plan(pid)
    assert latest.version == 2 and latest.plan.item(1).status == "open" and latest.plan.item(2).owner == "质量部经理"
    assert store.update_item(pid, 1, status="closed").version == 3  # the interrupted write left no lock or gap behind
    store.close()
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_failed_write_rolls_back(database_url, guidance, monkeypatch):
    import assistant.plans.store as store_module

    store, pid = saved(database_url, guidance)

    def boom() -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(store_module, "_now", boom)  # fails after the version row was added
    with pytest.raises(RuntimeError):
        store.update_item(pid, 1, status="closed")
    monkeypatch.undo()
    assert [v for v, _, _, _ in store.versions(pid)] == [1]


def test_a_corrupted_database_file_is_reported(tmp_path):
    db = tmp_path / "assistant.db"
    db.write_bytes(b"this is a spreadsheet, not a database" * 200)
    with pytest.raises(BadInput, match=r"database file .*assistant\.db is not a valid database"):
        Store(url_of(db), create=False)


def test_a_damaged_database_file_is_reported(tmp_path, guidance):
    db = tmp_path / "assistant.db"
    store, _ = saved(url_of(db), guidance)
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    data = bytearray(db.read_bytes())
    data[100:4096 * 3] = os.urandom(4096 * 3 - 100)  # the header survives, the schema pages do not
    db.write_bytes(bytes(data))
    with pytest.raises(BadInput, match="is not a valid database"):
        s = Store(url_of(db), create=False)
        s.list_plans()


def test_a_missing_database_file_is_reported(tmp_path):
    with pytest.raises(BadInput, match="does not exist"):
        Store(url_of(tmp_path / "nothing.db"), create=False)


def test_database_url_setting(tmp_path):
    from assistant.settings import Settings

    assert Settings(data_dir=tmp_path).effective_database_url == f"sqlite:///{(tmp_path / 'assistant.db').resolve()}"
    url = "postgresql+psycopg://u:secret@db.example/assistant"
    assert Settings(data_dir=tmp_path, database_url=url).effective_database_url == url


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path, guidance):
    store, _ = saved(url_of(tmp_path / "a.db"), guidance)
    with store.engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_an_update_that_changes_nothing_writes_no_version(database_url, guidance):
    store, pid = saved(database_url, guidance)
    first = store.get_plan(pid).plan.item(1)
    same = store.update_item(pid, 1, status=first.status, owner=first.owner, deadline=first.deadline)
    assert not same.changed and same.version == 1
    assert [v for v, _, _, _ in store.versions(pid)] == [1]


def test_a_bad_database_url_is_reported(tmp_path):
    with pytest.raises(BadInput, match="not a database URL"):
        Store("not a url at all")
    with pytest.raises(BadInput) as info:
        Store("postgresql+nosuchdriver://user:secret@localhost/db")
    assert "secret" not in str(info.value) and "***" in str(info.value)


def test_two_concurrent_updates_of_one_item_both_land_as_versions(database_url, guidance):
    """Two people change the same item at the same moment: both changes are versions, the later on top of the
    earlier (on PostgreSQL the plan's row is locked; no update is lost)."""
    store, pid = saved(database_url, guidance)
    other = Store(database_url, create=False)  # a second connection pool, as a second process would have
    start = threading.Barrier(2)
    errors = []

    def work(s: Store, **change) -> None:
        try:
            start.wait()
            s.update_item(pid, 1, **change)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(store,), kwargs={"status": "in_progress"}),
               threading.Thread(target=work, args=(other,), kwargs={"owner": "售后经理"})]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    latest = store.get_plan(pid)
    assert latest.version == 3
    assert (latest.plan.item(1).status, latest.plan.item(1).owner) == ("in_progress", "售后经理")
    assert len({n for _, n, _, _ in store.versions(pid)}) == 3
    other.close()
    store.close()


def test_concurrent_assessment_saves_of_one_workspace_are_all_kept(database_url, guidance):
    """Browsers of one client's workspace save the form at once: every save is a version, numbered in turn."""
    store = Store(database_url)
    ws = store.create_workspace("甲公司")
    assessment, _ = draft("passing", guidance)
    n = 8
    start = threading.Barrier(n)
    ids, errors = [], []

    def work(k: int) -> None:
        try:
            changed = assessment.model_copy(update={"next_audit": date(2027, 1, 1 + k)})
            start.wait()
            ids.append(store.save_assessment(changed, f"浏览器{k}", workspace_id=ws.id))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    versions = store.assessment_versions(ws.id)
    assert len(set(ids)) == n and sorted(v.id for v in versions) == sorted(ids)
    assert sorted(v.assessment.next_audit.day for v in versions) == list(range(1, n + 1))
    store.close()


def test_a_new_database_opened_by_several_at_once_is_made_once(database_url):
    """The web app's workers and a CLI command start together on a new database: each opens it, none fails."""
    stores, errors = [], []
    start = threading.Barrier(4)

    def work() -> None:
        try:
            start.wait()
            stores.append(Store(database_url))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [w.name for w in stores[0].list_workspaces()] == ["默认"]
    for s in stores:
        s.close()


def test_saved_times_are_utc_on_every_backend(database_url, guidance):
    """`plans versions --json` says when in UTC, whatever the database server's zone (the test server's is
    Asia/Shanghai)."""
    from datetime import datetime, timedelta, timezone

    before = datetime.now(timezone.utc).replace(microsecond=0)
    store, pid = saved(database_url, guidance)
    store.update_item(pid, 1, status="in_progress")
    after = datetime.now(timezone.utc)
    for _, _, at, _ in store.versions(pid):
        assert at.utcoffset() == timedelta(0) and before <= at <= after
    assert store.list_plans()[0].updated_at.utcoffset() == timedelta(0)
    assert store.workspace(None).to_json()["created_at"].endswith("+00:00")
    store.close()


def test_a_postgresql_database_that_is_not_there_is_reported(pg_server):
    url = pg_server.url("no_such_database").replace("postgres@", "postgres:secret@")
    with pytest.raises(BadInput, match="no_such_database") as info:
        Store(url)
    assert info.value.where == "database" and "secret" not in str(info.value)


def test_one_workspace_name_created_at_once_twice_is_made_once_and_the_other_told(database_url):
    """Two consultants create the same client's workspace at the same moment: one gets it, the other the usual
    "exists already" (on PostgreSQL the second insert meets the unique name, not the check before it)."""
    stores = [Store(database_url), Store(database_url, create=False)]
    start = threading.Barrier(len(stores))
    made, refused, errors = [], [], []

    def work(s: Store) -> None:
        try:
            start.wait()
            made.append(s.create_workspace("丙公司-2027"))
        except BadInput as exc:
            refused.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(made) == 1 and len(refused) == 1 and "exists already" in refused[0]
    assert [w.name for w in stores[0].list_workspaces()].count("丙公司-2027") == 1
    for s in stores:
        s.close()
