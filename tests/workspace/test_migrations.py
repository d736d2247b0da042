"""Schema migrations (assistant/migrations/): a new database (SQLite and PostgreSQL) is made at HEAD with the schema
the code uses; a SQLite database made by the code before workspaces upgrades in place."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine

from assistant import migrations
from assistant.chat.store import ConversationStore
from assistant.plans.store import DEFAULT_WORKSPACE, Store
from assistant.workspace import accounts  # noqa: F401  (its tables are part of the schema the code uses)

# Made on 2026-12-07 by the code of a82e4a5 (before migrations): `plan FILE --save` twice, two item updates of plan 1,
# one three-turn `chat --json` conversation. See tests/fixtures/.
OLD_DB = Path(__file__).resolve().parents[1] / "fixtures" / "assistant_db_before_workspaces.sqlite"


def test_head_is_the_newest_revision():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.HERE))
    assert ScriptDirectory.from_config(cfg).get_current_head() == migrations.HEAD


def test_a_new_database_is_made_at_head_with_the_schema_the_code_uses(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from assistant.plans.store import Base

    store = Store(database_url)  # opening it runs every migration
    try:
        assert migrations.current(store.engine) == migrations.HEAD
        with store.engine.connect() as conn:
            # Every table, column, type, index and foreign key the models declare, and nothing else.
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata) == []
        assert [w.name for w in store.list_workspaces()] == [DEFAULT_WORKSPACE]
    finally:
        store.close()
    conversations = ConversationStore(database_url)
    try:
        assert conversations.latest() is None
    finally:
        conversations.close()


def test_a_database_made_before_workspaces_upgrades_in_place(tmp_path):
    db = tmp_path / "assistant.db"
    shutil.copy(OLD_DB, db)
    before = sqlite3.connect(db)
    counts = {t: before.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("assessments", "plans", "plan_versions", "conversations")}
    before.close()
    assert migrations.current(create_engine(f"sqlite:///{db}")) is None

    store = Store(f"sqlite:///{db}")  # opening it upgrades it
    try:
        assert migrations.current(store.engine) == migrations.HEAD
        after = sqlite3.connect(db)
        assert {t: after.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in counts} == counts  # nothing lost
        after.close()
        default = store.workspace(None)
        assert default.name == DEFAULT_WORKSPACE
        # Everything made before workspaces is in 默认: its plans list, open and take new versions there.
        listed = store.list_plans(workspace_id=default.id)
        assert [p.id for p in listed] == [1, 2]
        assert store.get_plan(1, workspace_id=default.id).version == 3
        updated = store.update_item(1, 3, owner="售后服务部经理", today=date(2026, 12, 7), workspace_id=default.id, author="test")
        assert updated.version == 4 and [a for _, _, _, a in store.versions(1)] == [None, None, None, "test"]
        assert len(store.assessment_versions(default.id)) == counts["assessments"]
    finally:
        store.close()
    conversations = ConversationStore(f"sqlite:///{db}")
    try:
        state = conversations.load(1)
        assert state.turns == 3 and state.assessment["criteria"]["D3.1"]["kpi"] == 88
    finally:
        conversations.close()
    # Opening it again changes nothing.
    again = Store(f"sqlite:///{db}")
    assert migrations.current(again.engine) == migrations.HEAD and len(again.list_workspaces()) == 1
    again.close()


def test_a_database_with_only_some_old_tables_gets_the_rest(tmp_path):
    db = tmp_path / "assistant.db"
    conn = sqlite3.connect(OLD_DB)
    schema = [sql for (name, sql) in conn.execute("SELECT name, sql FROM sqlite_master WHERE type='table'")
              if name in ("assessments", "plans", "plan_versions")]
    conn.close()
    made = sqlite3.connect(db)
    for sql in schema:  # what the plan commands alone created before migrations (no conversations table)
        made.execute(sql)
    made.commit()
    made.close()
    store = Store(f"sqlite:///{db}")
    try:
        assert store.list_workspaces()[0].name == DEFAULT_WORKSPACE
    finally:
        store.close()
    conversations = ConversationStore(f"sqlite:///{db}")
    assert conversations.latest() is None
    conversations.close()


def test_a_database_at_0004_with_accounts_upgrades_to_shared_logins_keeping_them(database_url):
    """0005 (web logins, failed-login counts, shared secrets, account changes) on a database with accounts: they stay,
    and the new tables take logins at once."""
    from datetime import datetime, timezone

    from alembic import command
    from alembic.config import Config

    from assistant.workspace.accounts import Accounts, Logins

    engine = create_engine(database_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.HERE))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO workspaces (name, archived, created_at, updated_at) "
                             "VALUES ('甲公司-2026', false, '2026-12-01 00:00:00+00', '2026-12-01 00:00:00+00')")
        conn.exec_driver_sql("INSERT INTO users (name, password_hash, role, disabled, created_at, updated_at) "
                             "VALUES ('王顾问', 'not-a-hash', 'consultant', false, '2026-12-01 00:00:00+00', "
                             "'2026-12-01 00:00:00+00')")
        conn.exec_driver_sql("INSERT INTO memberships (user_id, workspace_id, created_at) SELECT u.id, w.id, "
                             "'2026-12-01 00:00:00+00' FROM users u, workspaces w WHERE w.name = '甲公司-2026'")
    assert migrations.current(engine) == "0004"
    engine.dispose()

    store = Store(database_url)  # opening it upgrades it
    try:
        assert migrations.current(store.engine) == migrations.HEAD
        assert Accounts(store).get("王顾问").workspaces == ("甲公司-2026",)
        logins = Logins(store)
        logins.issue("a-token", "王顾问", datetime(2026, 12, 7, tzinfo=timezone.utc))
        assert logins.find("a-token") == ("王顾问", datetime(2026, 12, 7, tzinfo=timezone.utc))
        Accounts(store).delete("王顾问", author="cli")
        assert logins.find("a-token") is None and Accounts(store).changes()[-1][1:4] == ("cli", "王顾问", "delete")
    finally:
        store.close()
