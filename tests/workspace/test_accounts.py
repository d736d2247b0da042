"""Personal accounts (assistant/workspace/accounts.py), the `user` commands, and migrations 0004 and 0005."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text

from assistant import migrations
from assistant.errors import BadInput
from assistant.plans.store import Store
from assistant.workspace.accounts import Accounts, Logins
from assistant.workspace.case import save_draft
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


def test_a_revoked_workspace_is_refused_at_once_everywhere(accounts, database_url):
    accounts.add("王顾问", "password-1", "consultant", ["甲公司-2026", "乙公司-2026"])
    accounts.add("客户乙", "password-1", "client", ["乙公司-2026"])
    other = Store(database_url)  # another process (a web worker) that asked before the change
    try:
        web = Accounts(other)
        names = lambda acc, user: [w.name for w in acc.allowed_workspaces(user)]  # noqa: E731
        assert names(web, "王顾问") == ["甲公司-2026", "乙公司-2026"]
        assert accounts.revoke("王顾问", "乙公司-2026", author="cli").workspaces == ("甲公司-2026",)
        assert names(web, "王顾问") == ["甲公司-2026"] == names(accounts, "王顾问")
        accounts.revoke("客户乙", "乙公司-2026", author="cli")
        assert names(web, "客户乙") == [] and web.get("客户乙").workspaces == ()
        accounts.grant("客户乙", "甲公司-2026")  # a client without a workspace may be given another one
        assert names(web, "客户乙") == ["甲公司-2026"]
    finally:
        other.close()
    with pytest.raises(BadInput, match="not a member of workspace '乙公司-2026'.*甲公司-2026"):
        accounts.revoke("王顾问", "乙公司-2026")
    with pytest.raises(BadInput, match="no account named '无此人'"):
        accounts.revoke("无此人", "无此工作区")
    with pytest.raises(BadInput, match="no workspace named '无此工作区'"):
        accounts.revoke("王顾问", "无此工作区")
    assert [(a, action, detail) for _, a, _, action, detail in accounts.changes("王顾问")][-1] == \
        ("cli", "revoke", "乙公司-2026")


def test_a_deleted_account_goes_with_its_memberships_and_logins_and_its_work_keeps_its_name(accounts, database_url):
    store = accounts.store
    accounts.add("管理员", "password-1", "admin")
    accounts.add("王顾问", "password-1", "consultant", ["甲公司-2026"])
    ws = store.workspace("甲公司-2026")
    save_draft(store, ws, {"enterprise": {"name": "甲方"}, "criteria": {"D2.1": {"kpi": 36.0}}}, author="web:王顾问")
    logins = Logins(store)
    logins.issue("token-of-wang", "王顾问", datetime.now(timezone.utc))
    logins.issue("token-of-admin", "管理员", datetime.now(timezone.utc))

    deleted = accounts.delete("王顾问", author="cli")
    assert (deleted.name, deleted.workspaces) == ("王顾问", ("甲公司-2026",))
    assert accounts.get("王顾问") is None and accounts.verify("王顾问", "password-1") is None
    assert accounts.allowed_workspaces("王顾问") == [] and accounts.members("甲公司-2026") == []
    assert logins.find("token-of-wang") is None and logins.find("token-of-admin")[0] == "管理员"
    assert [v.author for v in store.assessment_versions(ws.id)] == ["web:王顾问"]  # what it did keeps its name
    at, author, name, action, detail = accounts.changes("王顾问")[-1]
    assert (author, name, action, detail) == ("cli", "王顾问", "delete", "role consultant; workspaces 甲公司-2026")
    assert at.tzinfo is not None
    with pytest.raises(BadInput, match="no account named '王顾问'"):
        accounts.delete("王顾问")
    # The name may be given to a new account, which starts with nothing of the old one.
    assert accounts.add("王顾问", "password-2", "client").workspaces == ()


def test_the_last_active_admin_cannot_be_deleted(accounts):
    accounts.add("管理员甲", "password-1", "admin")
    accounts.add("管理员乙", "password-1", "admin")
    accounts.disable("管理员乙")
    with pytest.raises(BadInput, match="last active admin"):
        accounts.delete("管理员甲")
    assert accounts.get("管理员甲") is not None
    accounts.delete("管理员乙")  # a disabled admin goes
    accounts.add("管理员丙", "password-1", "admin")
    accounts.delete("管理员甲")  # another admin is left
    assert [a.name for a in accounts.list()] == ["管理员丙"]


def test_disabling_an_account_ends_its_logins(accounts):
    accounts.add("王顾问", "password-1", "consultant")
    logins = Logins(accounts.store)
    logins.issue("token-1", "王顾问", datetime.now(timezone.utc))
    logins.issue("token-2", "王顾问", datetime.now(timezone.utc))
    accounts.disable("王顾问", author="cli")
    assert logins.count("王顾问") == 0
    assert [c[3] for c in accounts.changes("王顾问")] == ["add", "disable"]


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


def test_user_revoke_and_delete(tmp_path, database_url):
    env = {"ASSISTANT_DATABASE_URL": database_url}

    def cli(*args, stdin=None):
        return run_cli(*args, data_dir=tmp_path, stdin=stdin, env=env)

    for name in ("甲公司-2026", "乙公司-2026"):
        assert cli("workspace", "create", name).returncode == 0
    for args in (("王顾问", "--role", "consultant", "--workspace", "甲公司-2026", "--workspace", "乙公司-2026"),
                 ("管理员", "--role", "admin", "--workspace", "甲公司-2026")):
        added = cli("user", "add", *args, stdin="s3cret-pass\n")
        assert added.returncode == 0, added.stderr

    listed = cli("user", "list")
    assert listed.returncode == 0, listed.stderr
    assert "甲公司-2026、乙公司-2026" in listed.stdout and "（全部）；成员：甲公司-2026" in listed.stdout
    revoked = cli("user", "revoke", "王顾问", "乙公司-2026")
    assert revoked.returncode == 0, revoked.stderr
    assert "乙公司-2026" in revoked.stdout and "现在的工作区：甲公司-2026" in revoked.stdout
    admin = cli("user", "revoke", "管理员", "甲公司-2026")
    assert admin.returncode == 0 and "仍可打开全部工作区" in admin.stdout, admin.stderr
    users = {u["name"]: u for u in json.loads(cli("user", "list", "--json").stdout)}
    assert users["王顾问"]["workspaces"] == ["甲公司-2026"] and users["管理员"]["workspaces"] == []

    for args, message in [
        (("user", "revoke", "王顾问", "乙公司-2026"), "not a member of workspace '乙公司-2026'"),
        (("user", "revoke", "无此人", "甲公司-2026"), "no account named '无此人'"),
        (("user", "revoke", "王顾问", "无此工作区"), "no workspace named '无此工作区'"),
        (("user", "delete", "无此人"), "no account named '无此人'"),
        (("user", "delete", "管理员"), "管理员' is the last active admin"),
    ]:
        r = cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert message in r.stderr and "Traceback" not in r.stderr, r.stderr

    deleted = cli("user", "delete", "王顾问")
    assert deleted.returncode == 0, deleted.stderr
    assert "已删除账号“王顾问”" in deleted.stdout
    assert [u["name"] for u in json.loads(cli("user", "list", "--json").stdout)] == ["管理员"]
    store = Store(database_url)
    try:
        changes = [(author, name, action) for _, author, name, action, _ in Accounts(store).changes()]
    finally:
        store.close()
    assert changes[-3:] == [("cli", "王顾问", "revoke"), ("cli", "管理员", "revoke"), ("cli", "王顾问", "delete")]


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
