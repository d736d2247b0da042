"""Personal accounts (assistant/workspace/accounts.py), the `user` commands, and migration 0004."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from assistant import migrations
from assistant.errors import BadInput
from assistant.plans.store import Store
from assistant.workspace.accounts import Accounts
from tests.conftest import run_cli


@pytest.fixture
def accounts(database_url):
    """Accounts on a new database: SQLite and a real PostgreSQL (tests/pg.py)."""
    store = Store(database_url)
    store.create_workspace("甲公司-2026")
    store.create_workspace("乙公司-2026")
    yield Accounts(store)
    store.close()


def test_a_password_is_stored_as_a_salted_slow_hash_and_verified(accounts, database_url):
    accounts.add("王顾问", "correct-horse", "consultant", ["甲公司-2026"])
    accounts.add("李顾问", "correct-horse", "consultant")
    engine = create_engine(database_url)
    with engine.connect() as db:
        hashes = [h for (h,) in db.execute(text("SELECT password_hash FROM users ORDER BY id"))]
    engine.dispose()
    assert all(h.startswith("$argon2id$") and "correct-horse" not in h for h in hashes)
    assert hashes[0] != hashes[1]  # salted: the same password, two hashes
    assert accounts.verify("王顾问", "correct-horse").workspaces == ("甲公司-2026",)
    assert accounts.get("王顾问").last_login is not None
    assert accounts.verify("王顾问", "correct-horsE") is None
    assert accounts.verify("无此人", "correct-horse") is None


def test_a_disabled_account_cannot_log_in_until_it_gets_a_new_password(accounts):
    accounts.add("客户乙", "password-b", "client", ["乙公司-2026"])
    accounts.disable("客户乙", author="cli")
    assert accounts.verify("客户乙", "password-b") is None
    assert accounts.allowed_workspaces("客户乙") == []
    assert not accounts.any_active()
    accounts.passwd("客户乙", "password-new", author="cli")
    assert accounts.verify("客户乙", "password-b") is None
    assert accounts.verify("客户乙", "password-new").role == "client"


def test_names_roles_and_passwords_are_checked(accounts):
    accounts.add("王顾问", "password-1", "consultant")
    with pytest.raises(BadInput, match="exists already"):
        accounts.add("王顾问", "password-2", "admin")
    with pytest.raises(BadInput, match="unknown role"):
        accounts.add("张三", "password-1", "owner")
    with pytest.raises(BadInput, match="too short"):
        accounts.add("张三", "short", "client")
    with pytest.raises(BadInput, match="without blanks"):
        accounts.add("张 三", "password-1", "client")
    with pytest.raises(BadInput, match="no workspace named"):
        accounts.add("张三", "password-1", "client", ["丙公司"])
    assert [a.name for a in accounts.list()] == ["王顾问"]  # nothing refused was saved


def test_each_role_opens_its_workspaces_and_a_client_only_its_own(accounts):
    accounts.add("管理员", "password-1", "admin")
    accounts.add("王顾问", "password-1", "consultant", ["甲公司-2026"])
    accounts.add("客户乙", "password-1", "client", ["乙公司-2026"])
    names = lambda user: [w.name for w in accounts.allowed_workspaces(user)]  # noqa: E731
    assert names("管理员") == ["默认", "甲公司-2026", "乙公司-2026"]
    assert names("王顾问") == ["甲公司-2026"]
    assert names("客户乙") == ["乙公司-2026"]
    accounts.grant("王顾问", "乙公司-2026")
    assert names("王顾问") == ["甲公司-2026", "乙公司-2026"]
    with pytest.raises(BadInput, match="one workspace only"):
        accounts.grant("客户乙", "甲公司-2026")
    assert names("客户乙") == ["乙公司-2026"]
    assert [a.name for a in accounts.members("乙公司-2026")] == ["王顾问", "客户乙"]


# --- the `user` commands ------------------------------------------------------------------------------------------

def test_user_commands(tmp_path):
    assert run_cli("workspace", "create", "甲公司-2026", data_dir=tmp_path).returncode == 0
    added = run_cli("user", "add", "王顾问", "--role", "consultant", "--workspace", "甲公司-2026", data_dir=tmp_path,
                    stdin="s3cret-pass\n")
    assert added.returncode == 0, added.stderr
    assert "王顾问" in added.stdout and "s3cret-pass" not in added.stdout
    listed = run_cli("user", "list", "--json", data_dir=tmp_path)
    [user] = json.loads(listed.stdout)
    assert (user["name"], user["role"], user["disabled"], user["workspaces"]) == ("王顾问", "consultant", False, ["甲公司-2026"])
    assert "hash" not in listed.stdout

    for args, stdin, message in [
        (("user", "add", "王顾问", "--role", "client"), "another-pass\n", "exists already"),
        (("user", "add", "赵六", "--role", "client"), "short\n", "at least 8 characters"),
        (("user", "add", "赵六", "--role", "client"), "", "no password on standard input"),
        (("user", "add", "赵六", "--role", "client", "--workspace", "无此工作区"), "long-enough\n", "no workspace named"),
        (("user", "disable", "无此人"), None, "no account named"),
        (("user", "passwd", "无此人"), "long-enough\n", "no account named"),
        (("user", "grant", "王顾问", "无此工作区"), None, "no workspace named"),
    ]:
        r = run_cli(*args, data_dir=tmp_path, stdin=stdin)
        assert r.returncode == 2, (args, r.stderr)
        assert message in r.stderr and "Traceback" not in r.stderr, r.stderr
    bad_role = run_cli("user", "add", "赵六", "--role", "owner", data_dir=tmp_path, stdin="long-enough\n")
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr
    assert [u["name"] for u in json.loads(run_cli("user", "list", "--json", data_dir=tmp_path).stdout)] == ["王顾问"]

    assert run_cli("user", "disable", "王顾问", data_dir=tmp_path).returncode == 0
    store = Store(f"sqlite:///{tmp_path}/assistant.db")
    try:
        assert Accounts(store).verify("王顾问", "s3cret-pass") is None
    finally:
        store.close()
    assert run_cli("user", "passwd", "王顾问", data_dir=tmp_path, stdin="new-s3cret\n").returncode == 0
    store = Store(f"sqlite:///{tmp_path}/assistant.db")
    try:
        assert Accounts(store).verify("王顾问", "new-s3cret") is not None
    finally:
        store.close()


# --- migration ------------------------------------------------------------------------------------------------------

def test_a_database_at_0003_upgrades_to_accounts_keeping_its_workspaces(tmp_path):
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path}/old.db"
    engine = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.HERE))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO workspaces (name, archived, created_at, updated_at) "
                             "VALUES ('甲公司-2026', 0, '2026-12-01 00:00:00', '2026-12-01 00:00:00')")
    assert migrations.current(engine) == "0003"
    engine.dispose()

    store = Store(url)  # opening it upgrades it
    try:
        assert migrations.current(store.engine) == migrations.HEAD
        assert [w.name for w in store.list_workspaces()] == ["默认", "甲公司-2026"]
        accounts = Accounts(store)
        assert accounts.list() == []
        accounts.add("客户甲", "password-1", "client", ["甲公司-2026"])
        assert [w.name for w in accounts.allowed_workspaces("客户甲")] == ["甲公司-2026"]
    finally:
        store.close()
