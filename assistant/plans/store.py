"""Saved assessments and plans (SQLAlchemy 2): every save a new version, every write one transaction.

SQLite by default (`<data_dir>/assistant.db`, WAL journal, busy timeout, `BEGIN IMMEDIATE` so a read-modify-write
holds the write lock from its first read); any SQLAlchemy URL in `database_url` (PostgreSQL for a team, tested on
a real server), where the plan row (a plan's next version) or the workspace row (an assessment's next version) is
locked with `SELECT … FOR UPDATE`. On top of both, a plan's `current_version` is compared and
set in the same statement, and `(plan_id, version)` is unique: a concurrent update that lost a race is retried
on the new version, never written over it.

Other modules add their tables by subclassing `Base`; the migrations (assistant/migrations/) create them when `Store`
opens a database.

>>> store = Store("sqlite://")                      # in memory
>>> store.list_plans()
[]
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from assistant.errors import BadInput
from assistant.plans.models import Plan, Status
from assistant.rules import Assessment
from assistant.settings import Settings, get_settings, writable_dir

BUSY_TIMEOUT_MS = 30_000
UPDATE_ATTEMPTS = 50


class Base(DeclarativeBase):
    """The declarative base of every table of the assistant's database."""


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class UtcDateTime(TypeDecorator):
    """A moment, read back as an aware UTC datetime on every backend: SQLite keeps no zone (what it holds is UTC),
    PostgreSQL answers in its session's time zone (the server's, e.g. Asia/Shanghai)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


DEFAULT_WORKSPACE = "默认"


class WorkspaceRow(Base):
    """One client engagement: the company, its target grade and dates; the home of its assessments, plans and
    conversations (assistant/migrations/versions/0002_workspaces.py)."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    company: Mapped[str | None] = mapped_column(String(200))
    industry: Mapped[str | None] = mapped_column(String(100))
    target: Mapped[str | None] = mapped_column(String(20))
    certified_on: Mapped[date | None] = mapped_column(Date)
    next_audit: Mapped[date | None] = mapped_column(Date)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_now)


class AssessmentRow(Base):
    """An assessment as validated, one row per distinct content; `version` counts per enterprise key (per workspace
    for rows saved since workspaces: the key is the workspace's)."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("enterprise_key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_key: Mapped[str] = mapped_column(String(200), index=True)
    enterprise: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    scheme: Mapped[str] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_now)
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspaces.id"), index=True)
    author: Mapped[str | None] = mapped_column(String(100))


class PlanRow(Base):
    """A plan's identity and its current version (the optimistic-concurrency counter)."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    enterprise: Mapped[str | None] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(20))
    plan_date: Mapped[date] = mapped_column(Date)
    current_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_now)
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspaces.id"), index=True)


class PlanVersionRow(Base):
    """One saved state of a plan: the validated plan JSON and what changed to make it."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_now)
    author: Mapped[str | None] = mapped_column(String(100))


@dataclass(frozen=True)
class StoredPlan:
    """A plan as saved: its ID, which version this is, of how many, and the assessment it was drafted from."""

    id: int
    version: int
    latest: int
    assessment_id: int
    plan: Plan
    note: str
    saved_at: datetime
    changed: bool = True  # False when an update changed nothing and no version was written


@dataclass(frozen=True)
class Workspace:
    """A client engagement as stored."""

    id: int
    name: str
    company: str | None
    industry: str | None
    target: str | None
    certified_on: date | None
    next_audit: date | None
    archived: bool
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "company": self.company, "industry": self.industry, "target": self.target,
                "certified_on": self.certified_on.isoformat() if self.certified_on else None,
                "next_audit": self.next_audit.isoformat() if self.next_audit else None, "archived": self.archived,
                "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat()}


@dataclass(frozen=True)
class StoredAssessment:
    """One saved version of a workspace's assessment."""

    id: int
    version: int
    assessment: Assessment
    author: str | None
    source: str | None
    saved_at: datetime


def _workspace(row: WorkspaceRow) -> Workspace:
    return Workspace(row.id, row.name, row.company, row.industry, row.target, row.certified_on, row.next_audit,
                     bool(row.archived), row.created_at, row.updated_at)


def workspace_name(name: str | None, where: str = "--workspace") -> str:
    """A workspace's name as given: trimmed, 1–100 characters, no control characters."""
    if name is None:
        return DEFAULT_WORKSPACE
    cleaned = name.strip()
    if not cleaned or len(cleaned) > 100 or any(ord(ch) < 32 for ch in cleaned):
        raise BadInput(f"a workspace name must be 1–100 printable characters, got {name!r}"[:160], where=where)
    return cleaned


@dataclass(frozen=True)
class PlanListing:
    id: int
    enterprise: str | None
    target: str
    grade: str
    plan_date: date
    version: int
    items: int
    closed: int
    overdue: int
    updated_at: datetime


class _Conflict(Exception):
    """Another writer saved a new version between our read and our write."""


def _display(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _wal(cur: Any) -> None:
    """Put the database file in WAL mode (a persistent property of the file). Switching it needs the file to
    itself and SQLite does not wait for that (no busy handler), so several processes opening a new database at
    once retry here until the busy timeout instead of failing."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # The driver's own implicit transactions are turned off so that we issue BEGIN ourselves (below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if _sqlite_path(url) is not None:
            _wal(cur)
            cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock at BEGIN: a read-modify-write cannot be overtaken between read and write,
        # and a waiting writer waits (busy timeout) instead of failing on a stale snapshot.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Store:
    """The assistant's database. `Store.open(settings)` uses `settings.effective_database_url`."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = url
        try:
            self.path = _sqlite_path(url)
        except (SQLAlchemyError, ValueError):
            raise BadInput(f"{url!r} is not a database URL (e.g. sqlite:///data/assistant.db, "
                           "postgresql+psycopg://user@host/db)", where="settings.database_url") from None
        if self.path is not None:
            if not self.path.exists() and not create:
                raise BadInput(
                    f"database file {self.path} does not exist: no plan has been saved yet "
                    "(save one with `python -m assistant plan FILE --save`)",
                    where="database",
                )
            writable_dir(self.path.parent)
        try:
            self.engine = _engine(url)
        except ImportError as exc:
            raise BadInput(f"the driver for {_display(url)} is not installed ({exc.name}); install it with pip",
                           where="settings.database_url") from None
        except (SQLAlchemyError, ValueError) as exc:
            raise BadInput(f"cannot use database URL {_display(url)} ({exc})", where="settings.database_url") from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        with self._errors():
            from assistant import migrations

            migrations.upgrade(self.engine)  # a new database is created, an older one upgraded in place
            with self._sessions.begin() as s:  # reads a page: a file that is no database fails here
                s.execute(select(func.count()).select_from(PlanRow)).scalar_one()

    @classmethod
    def open(cls, settings: Settings | None = None, *, create: bool = False) -> Store:
        settings = settings or get_settings()
        return cls(settings.effective_database_url, create=create)

    def close(self) -> None:
        self.engine.dispose()

    # --- errors ---------------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Database failures as BadInput: what is wrong with which database, and what to do."""
        try:
            yield
        except (BadInput, IntegrityError):
            raise
        except OperationalError as exc:
            text = str(exc.orig)
            if "locked" in text or "busy" in text:
                raise BadInput(f"database {self._name()} is busy (another process holds it); try again", where="database") from None
            if self.path is not None and ("not a database" in text or "malformed" in text):
                raise self._corrupt(text) from None
            raise BadInput(f"cannot use database {self._name()} ({text})", where="database") from None
        except DatabaseError as exc:
            text = str(exc.orig)
            if self.path is not None:
                raise self._corrupt(text) from None
            raise BadInput(f"database {self._name()} failed ({text})", where="database") from None

    def _corrupt(self, reason: str) -> BadInput:
        return BadInput(
            f"database file {self.path} is not a valid database ({reason}); "
            "restore it from a backup, or move it aside to start an empty one",
            where="database",
        )

    def _name(self) -> str:
        return f"file {self.path}" if self.path is not None else _display(self.url)

    # --- assessments ------------------------------------------------------------------

    def save_assessment(self, assessment: Assessment, source: str | None = None, *, workspace_id: int | None = None,
                        author: str | None = None) -> int:
        """The ID of the saved assessment: a new version of its workspace's (the default workspace's unless
        `workspace_id`), unless it is the latest unchanged."""
        content = assessment.model_dump_json()
        sha = hashlib.sha256(content.encode()).hexdigest()
        name = assessment.enterprise.name if assessment.enterprise else None
        with self._errors(), self._sessions.begin() as s:
            wid = workspace_id if workspace_id is not None else self._default_id(s)
            # The workspace's row is held until commit, so concurrent saves of one workspace number their versions
            # one after the other (PostgreSQL; SQLite's BEGIN IMMEDIATE holds the whole database already).
            s.execute(select(WorkspaceRow.id).where(WorkspaceRow.id == wid).with_for_update())
            key = f"workspace:{wid}"
            latest = s.execute(
                select(AssessmentRow).where(AssessmentRow.workspace_id == wid).order_by(AssessmentRow.id.desc()).limit(1)
            ).scalar_one_or_none()
            if latest is not None and latest.sha256 == sha:
                return latest.id
            last_version = s.execute(select(func.max(AssessmentRow.version)).where(AssessmentRow.enterprise_key == key)).scalar()
            row = AssessmentRow(enterprise_key=key, enterprise=name, version=(last_version or 0) + 1,
                                scheme=assessment.scheme or "", source=source, sha256=sha, content=content,
                                workspace_id=wid, author=author)
            s.add(row)
            s.flush()
            return row.id

    def get_assessment(self, assessment_id: int) -> Assessment:
        from assistant.rules import validate_assessment

        with self._errors(), self._sessions.begin() as s:
            row = s.get(AssessmentRow, assessment_id)
            if row is None:
                raise BadInput(f"no assessment {assessment_id} in the database", where="database")
            content = row.content
        return validate_assessment(json.loads(content), source=f"database assessment {assessment_id}")

    def assessment_versions(self, workspace_id: int) -> list[StoredAssessment]:
        """Every saved assessment of a workspace, oldest first, numbered 1… in that order."""
        from assistant.rules import validate_assessment

        with self._errors(), self._sessions.begin() as s:
            rows = s.execute(select(AssessmentRow).where(AssessmentRow.workspace_id == workspace_id)
                             .order_by(AssessmentRow.id)).scalars().all()
            raw = [(r.id, r.content, r.author, r.source, r.created_at) for r in rows]
        return [StoredAssessment(rid, n, validate_assessment(json.loads(content), source=f"database assessment {rid}"),
                                 author, source, at) for n, (rid, content, author, source, at) in enumerate(raw, 1)]

    def latest_assessment(self, workspace_id: int) -> StoredAssessment | None:
        from assistant.rules import validate_assessment

        with self._errors(), self._sessions.begin() as s:
            row = s.execute(select(AssessmentRow).where(AssessmentRow.workspace_id == workspace_id)
                            .order_by(AssessmentRow.id.desc()).limit(1)).scalar_one_or_none()
            if row is None:
                return None
            count = s.execute(select(func.count()).select_from(AssessmentRow)
                              .where(AssessmentRow.workspace_id == workspace_id)).scalar_one()
            rid, content, author, source, at = row.id, row.content, row.author, row.source, row.created_at
        return StoredAssessment(rid, count, validate_assessment(json.loads(content), source=f"database assessment {rid}"),
                                author, source, at)

    def assessment_listing(self, workspace_id: int) -> list[tuple[int, int, str | None, str | None, datetime]]:
        """(number, ID, author, source, saved at) of every saved assessment of a workspace, oldest first, numbered as
        `assessment_versions` numbers them; no content is read (a case saves a version at every form change)."""
        with self._errors(), self._sessions.begin() as s:
            rows = s.execute(select(AssessmentRow.id, AssessmentRow.author, AssessmentRow.source, AssessmentRow.created_at)
                             .where(AssessmentRow.workspace_id == workspace_id).order_by(AssessmentRow.id)).all()
        return [(n, rid, author, source, at) for n, (rid, author, source, at) in enumerate(rows, 1)]

    def assessment_version(self, workspace_id: int, number: int) -> StoredAssessment:
        """Version `number` (1…) of a workspace's assessment."""
        from assistant.rules import validate_assessment

        with self._errors(), self._sessions.begin() as s:
            count = s.execute(select(func.count()).select_from(AssessmentRow)
                              .where(AssessmentRow.workspace_id == workspace_id)).scalar_one()
            if not 1 <= number <= count:
                span = f"versions 1–{count}" if count else "no saved version yet"
                raise BadInput(f"the assessment has {span}; there is no version {number}", where="assessment version")
            row = s.execute(select(AssessmentRow).where(AssessmentRow.workspace_id == workspace_id)
                            .order_by(AssessmentRow.id).offset(number - 1).limit(1)).scalar_one()
            rid, content, author, source, at = row.id, row.content, row.author, row.source, row.created_at
        return StoredAssessment(rid, number, validate_assessment(json.loads(content), source=f"database assessment {rid}"),
                                author, source, at)

    # --- workspaces -------------------------------------------------------------------

    def _default_id(self, s: Session) -> int:
        row = s.execute(select(WorkspaceRow).where(WorkspaceRow.name == DEFAULT_WORKSPACE)).scalar_one_or_none()
        if row is None:  # deleted by hand: made again, so today's commands keep working
            row = WorkspaceRow(name=DEFAULT_WORKSPACE, archived=False)
            s.add(row)
            s.flush()
        return row.id

    def workspace(self, name: str | None = None) -> Workspace:
        """The workspace named `name` (the default one, 默认, when None; made on first use)."""
        name = workspace_name(name)
        with self._errors(), self._sessions.begin() as s:
            if name == DEFAULT_WORKSPACE:
                self._default_id(s)
            row = s.execute(select(WorkspaceRow).where(WorkspaceRow.name == name)).scalar_one_or_none()
            if row is None:
                known = s.execute(select(WorkspaceRow.name).order_by(WorkspaceRow.id)).scalars().all()
                raise BadInput(f"no workspace named {name!r} (workspaces: {', '.join(known)}; create one with "
                               f"`python -m assistant workspace create NAME`)", where="--workspace")
            return _workspace(row)

    def writable_workspace(self, name: str | None = None) -> Workspace:
        """The workspace, refused when it is archived: nothing new is written to an archived case."""
        ws = self.workspace(name)
        if ws.archived:
            raise BadInput(f"workspace {ws.name!r} is archived; nothing new can be saved in it", where="--workspace")
        return ws

    def create_workspace(self, name: str, *, company: str | None = None, industry: str | None = None,
                         target: str | None = None, certified_on: date | None = None,
                         next_audit: date | None = None) -> Workspace:
        name = workspace_name(name, "workspace create")
        exists = BadInput(f"a workspace named {name!r} exists already; choose another name", where="workspace create")
        try:
            with self._errors(), self._sessions.begin() as s:
                if s.execute(select(WorkspaceRow.id).where(WorkspaceRow.name == name)).scalar_one_or_none() is not None:
                    raise exists
                row = WorkspaceRow(name=name, company=(company or "").strip() or None, industry=(industry or "").strip() or None,
                                   target=target, certified_on=certified_on, next_audit=next_audit, archived=False)
                s.add(row)
                s.flush()
                return _workspace(row)
        except IntegrityError:  # made by another process between the check and the insert (the name is unique)
            raise exists from None

    def ensure_workspace(self, name: str, **fields: Any) -> Workspace:
        """The workspace `name`, made first when there is none (for scripted runs that give each case its own)."""
        try:
            return self.workspace(name)
        except BadInput:
            return self.create_workspace(name, **fields)

    def list_workspaces(self) -> list[Workspace]:
        with self._errors(), self._sessions.begin() as s:
            self._default_id(s)
            return [_workspace(r) for r in s.execute(select(WorkspaceRow).order_by(WorkspaceRow.id)).scalars().all()]

    def update_workspace(self, name: str, **fields: Any) -> Workspace:
        """Change a workspace's company, industry, target, certification date, next audit or archived flag."""
        allowed = {"company", "industry", "target", "certified_on", "next_audit", "archived"}
        with self._errors(), self._sessions.begin() as s:
            row = s.execute(select(WorkspaceRow).where(WorkspaceRow.name == workspace_name(name))).scalar_one_or_none()
            if row is None:
                raise BadInput(f"no workspace named {name!r}", where="workspace")
            for key, value in fields.items():
                if key not in allowed:
                    raise BadInput(f"a workspace has no field {key!r}", where="workspace")
                setattr(row, key, value)
            row.updated_at = _now()
            return _workspace(row)

        # --- plans ------------------------------------------------------------------------

    def save_plan(self, plan: Plan, assessment_id: int, note: str = "起草", *, author: str | None = None) -> StoredPlan:
        """A new plan, version 1, in the workspace of the assessment it was drafted from."""
        plan = _checked(plan)
        with self._errors(), self._sessions.begin() as s:
            assessment = s.get(AssessmentRow, assessment_id)
            if assessment is None:
                raise BadInput(f"no assessment {assessment_id} in the database", where="database")
            wid = assessment.workspace_id if assessment.workspace_id is not None else self._default_id(s)
            row = PlanRow(assessment_id=assessment_id, enterprise=plan.enterprise, target=plan.target,
                          plan_date=plan.plan_date, current_version=1, workspace_id=wid)
            s.add(row)
            s.flush()
            version = PlanVersionRow(plan_id=row.id, version=1, content=plan.model_dump_json(), note=note, author=author)
            s.add(version)
            s.flush()
            return StoredPlan(row.id, 1, 1, assessment_id, plan, note, version.created_at)

    def save_version(self, plan_id: int, plan: Plan, note: str, *, author: str | None = None,
                     workspace_id: int | None = None, assessment_id: int | None = None) -> StoredPlan:
        """The whole plan as its next version (a re-draft, a restore): the plan keeps its number and history."""
        plan = _checked(plan)
        extra: dict[str, Any] = {"target": plan.target, "plan_date": plan.plan_date, "enterprise": plan.enterprise}
        if assessment_id is not None:
            extra["assessment_id"] = assessment_id
        return self._next_version(plan_id, lambda _current: (plan, note[:500]), workspace_id=workspace_id, author=author,
                                  extra=extra)

    def _next_version(self, plan_id: int, make, *, workspace_id: int | None, author: str | None,
                      extra: dict[str, Any] | None = None) -> StoredPlan:
        """Write `make(current plan)` → (new plan or None, note) as the plan's next version, in one transaction that
        holds the plan's row; a concurrent writer that got there first makes us retry on its version, never lose
        it. None: nothing changes, no version is written."""
        for attempt in range(UPDATE_ATTEMPTS):
            try:
                with self._errors(), self._sessions.begin() as s:
                    row = self._plan_row(s, plan_id, lock=True, workspace_id=workspace_id)
                    seen = row.current_version
                    vrow = s.execute(
                        select(PlanVersionRow).where(PlanVersionRow.plan_id == plan_id, PlanVersionRow.version == seen)
                    ).scalar_one()
                    plan = _loaded(vrow.content, plan_id, seen)
                    new_plan, note = make(plan)
                    if new_plan is None:
                        return StoredPlan(plan_id, seen, seen, row.assessment_id, plan, vrow.note, vrow.created_at, False)
                    s.add(PlanVersionRow(plan_id=plan_id, version=seen + 1, content=new_plan.model_dump_json(), note=note,
                                         author=author))
                    done = s.execute(update(PlanRow).where(PlanRow.id == plan_id, PlanRow.current_version == seen)
                                     .values(current_version=seen + 1, updated_at=_now(), **(extra or {})))
                    if done.rowcount != 1:
                        raise _Conflict
                return self.get_plan(plan_id, seen + 1)
            except (_Conflict, IntegrityError):
                time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
        raise BadInput(f"plan {plan_id} is being changed by others too often; try again", where="database")

    def get_plan(self, plan_id: int, version: int | None = None, *, workspace_id: int | None = None) -> StoredPlan:
        with self._errors(), self._sessions.begin() as s:
            row = self._plan_row(s, plan_id, workspace_id=workspace_id)
            v = row.current_version if version is None else version
            vrow = s.execute(
                select(PlanVersionRow).where(PlanVersionRow.plan_id == plan_id, PlanVersionRow.version == v)
            ).scalar_one_or_none()
            if vrow is None:
                raise BadInput(f"plan {plan_id} has versions 1–{row.current_version}; there is no version {v}", where="--version")
            return StoredPlan(plan_id, v, row.current_version, row.assessment_id, _loaded(vrow.content, plan_id, v),
                              vrow.note, vrow.created_at)

    def versions(self, plan_id: int, *, workspace_id: int | None = None) -> list[tuple[int, str, datetime, str | None]]:
        """(version, note, saved at, author) of every version of a plan."""
        with self._errors(), self._sessions.begin() as s:
            self._plan_row(s, plan_id, workspace_id=workspace_id)
            rows = s.execute(
                select(PlanVersionRow.version, PlanVersionRow.note, PlanVersionRow.created_at, PlanVersionRow.author)
                .where(PlanVersionRow.plan_id == plan_id).order_by(PlanVersionRow.version)
            ).all()
            return [tuple(r) for r in rows]  # type: ignore[misc]

    def list_plans(self, *, workspace_id: int | None = None) -> list[PlanListing]:
        """Saved plans, of one workspace when `workspace_id` is given; a plan without an enterprise name shows its
        workspace's company."""
        with self._errors(), self._sessions.begin() as s:
            query = (select(PlanRow, PlanVersionRow.content, WorkspaceRow.company)
                     .join(PlanVersionRow, (PlanVersionRow.plan_id == PlanRow.id) & (PlanVersionRow.version == PlanRow.current_version))
                     .outerjoin(WorkspaceRow, WorkspaceRow.id == PlanRow.workspace_id)
                     .order_by(PlanRow.id))
            if workspace_id is not None:
                query = query.where(PlanRow.workspace_id == workspace_id)
            rows = s.execute(query).all()
        out = []
        for row, content, company in rows:
            plan = _loaded(content, row.id, row.current_version)
            out.append(PlanListing(
                row.id, plan.enterprise or company, plan.target, plan.grade, plan.plan_date, row.current_version, len(plan.items),
                sum(i.status == "closed" for i in plan.items), sum(i.overdue for i in plan.items), row.updated_at,
            ))
        return out

    def update_item(
        self,
        plan_id: int,
        item_no: int,
        *,
        status: Status | None = None,
        owner: str | None = None,
        deadline: date | None = None,
        today: date | None = None,
        workspace_id: int | None = None,
        author: str | None = None,
    ) -> StoredPlan:
        """Change one item's status, owner or deadline as a new version; concurrent updates are retried, never lost."""
        if status is None and owner is None and deadline is None:
            raise BadInput("nothing to change: give --status, --owner or --deadline", where="plans update")
        day = today or date.today()
        return self._next_version(plan_id, lambda plan: _change(plan, plan_id, item_no, status, owner, deadline, day),
                                  workspace_id=workspace_id, author=author)

    def _plan_row(self, s: Session, plan_id: int, *, lock: bool = False, workspace_id: int | None = None) -> PlanRow:
        """The plan's row; with `workspace_id`, only a plan of that workspace (another's is "no plan", and its
        number is not listed)."""
        query = select(PlanRow).where(PlanRow.id == plan_id)
        if workspace_id is not None:
            query = query.where(PlanRow.workspace_id == workspace_id)
        if lock:
            query = query.with_for_update()
        row = s.execute(query).scalar_one_or_none()
        if row is None:
            known_q = select(PlanRow.id).order_by(PlanRow.id)
            if workspace_id is not None:
                known_q = known_q.where(PlanRow.workspace_id == workspace_id)
            known = s.execute(known_q).scalars().all()
            scope = "" if workspace_id is None else " in this workspace"
            hint = f"saved plans{scope}: {', '.join(map(str, known))}" if known else f"no plan has been saved{scope} yet"
            raise BadInput(f"no plan {plan_id}{scope} ({hint})", where="plans")
        return row


def _checked(plan: Plan) -> Plan:
    try:
        return Plan.model_validate_json(plan.model_dump_json())
    except ValidationError as exc:
        raise BadInput(_first(exc), where="plan") from None


def _loaded(content: str, plan_id: int, version: int) -> Plan:
    try:
        return Plan.model_validate_json(content)
    except ValidationError as exc:
        raise BadInput(f"the stored plan is not valid ({_first(exc)})", where=f"plan {plan_id} version {version}") from None


def _first(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    return f"{loc}: {err['msg']}" if loc else err["msg"]


def _change(plan: Plan, plan_id: int, no: int, status: str | None, owner: str | None, deadline: date | None,
            today: date) -> tuple[Plan | None, str]:
    """The plan with item `no` changed (`Plan.with_item_changed`, the one rule of an item change), and a note
    saying what changed (None: nothing changes). A part that is not allowed refuses the whole change."""
    where = f"plans update {plan_id} {no}"
    if plan.item(no) is None:
        raise BadInput(f"plan {plan_id} has items 1–{len(plan.items)}; there is no item {no}", where=where)
    try:
        change = plan.with_item_changed(no, status=status, owner=owner, deadline=deadline, today=today)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise BadInput(_first(exc), where=where) from None
    if change.refused:
        first = change.refused[0]
        raise BadInput(first.message, where=f"{where} --{first.field}")
    return change.plan, change.note
