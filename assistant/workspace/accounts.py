"""Personal accounts of the web app: who may log in, with which role, into which workspaces.

Passwords are stored only as Argon2id hashes (argon2-cffi's `PasswordHasher`: salted, slow, self-describing; a
hash made with older parameters is re-made at the next login). Roles:

- admin: every workspace, and the accounts (the `user` commands are run by whoever runs the server);
- consultant: the workspaces they are a member of (and those they create in the web app);
- client: its own workspace only (one membership at most); no other client's name, data or findings reach it.

The shared `web_password` of the settings (user `web_user`) stays valid as the bootstrap admin, unless an account
of that name exists (then the account's password and role count).

>>> from assistant.plans.store import Store
>>> accounts = Accounts(Store("sqlite://"))
>>> accounts.add("王顾问", "secret-pass", "consultant").role
'consultant'
>>> accounts.verify("王顾问", "wrong-pass") is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.errors import BadInput
from assistant.plans.store import Base, Store, UtcDateTime, Workspace, WorkspaceRow, _workspace, workspace_name

ROLES = ("admin", "consultant", "client")
ROLE_ZH = {"admin": "管理员", "consultant": "顾问", "client": "客户"}
MIN_PASSWORD = 8
MAX_PASSWORD = 256
MAX_NAME = 64


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class UserRow(Base):
    """One personal account (assistant/migrations/versions/0004_accounts.py)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_now)
    last_login: Mapped[datetime | None] = mapped_column(UtcDateTime)
    author: Mapped[str | None] = mapped_column(String(100))  # who made the last change of the account


class MembershipRow(Base):
    """An account may open a workspace."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "workspace_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_now)
    author: Mapped[str | None] = mapped_column(String(100))


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    disabled: bool
    created_at: datetime
    last_login: datetime | None
    workspaces: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "disabled": self.disabled,
                "created_at": self.created_at.isoformat(),
                "last_login": self.last_login.isoformat() if self.last_login else None,
                "workspaces": list(self.workspaces)}


def user_name(name: str | None, where: str = "user") -> str:
    """An account's name: 1–64 characters, no blanks, control characters or ':' (an author is written NAME or
    web:NAME)."""
    text = name or ""
    if (not text or len(text) > MAX_NAME or any(ch.isspace() or ord(ch) < 32 or ch == ":" for ch in text)):
        raise BadInput(f"a user name must be 1–{MAX_NAME} characters without blanks or ':', got {text!r}"[:160],
                       where=where)
    return text


def check_password(password: str, where: str = "password") -> str:
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"the password is too short: at least {MIN_PASSWORD} characters", where=where)
    if len(password) > MAX_PASSWORD:
        raise BadInput(f"the password is too long: at most {MAX_PASSWORD} characters", where=where)
    return password


def _role(role: str, where: str) -> str:
    if role not in ROLES:
        raise BadInput(f"unknown role {role!r}; one of {', '.join(ROLES)}", where=where)
    return role


class Accounts:
    """The accounts kept in the assistant's database (the `Store`'s)."""

    def __init__(self, store: Store) -> None:
        from argon2 import PasswordHasher

        self.store = store
        self.hasher = PasswordHasher()
        self._dummy: str | None = None  # verified against for unknown names, so they take as long as known ones

    # --- reading -------------------------------------------------------------------------------

    def _row(self, s: Session, name: str, where: str = "user") -> UserRow:
        row = s.execute(select(UserRow).where(UserRow.name == name)).scalar_one_or_none()
        if row is None:
            known = s.execute(select(UserRow.name).order_by(UserRow.id)).scalars().all()
            hint = f"accounts: {', '.join(known)}" if known else "no account exists yet; add one with `user add NAME --role R`"
            raise BadInput(f"no account named {name!r} ({hint})", where=where)
        return row

    def _account(self, s: Session, row: UserRow) -> Account:
        names = s.execute(select(WorkspaceRow.name).join(MembershipRow, MembershipRow.workspace_id == WorkspaceRow.id)
                          .where(MembershipRow.user_id == row.id).order_by(WorkspaceRow.id)).scalars().all()
        return Account(row.name, row.role, bool(row.disabled), row.created_at, row.last_login, tuple(names))

    def get(self, name: str) -> Account | None:
        with self.store._errors(), self.store._sessions.begin() as s:
            row = s.execute(select(UserRow).where(UserRow.name == name)).scalar_one_or_none()
            return None if row is None else self._account(s, row)

    def list(self) -> list[Account]:
        with self.store._errors(), self.store._sessions.begin() as s:
            return [self._account(s, r) for r in s.execute(select(UserRow).order_by(UserRow.id)).scalars().all()]

    def any_active(self) -> bool:
        """Whether any account can log in (then the web app asks everyone to)."""
        with self.store._errors(), self.store._sessions.begin() as s:
            return s.execute(select(UserRow.id).where(UserRow.disabled.is_(False)).limit(1)).first() is not None

    def members(self, workspace: str) -> list[Account]:
        """The accounts that are members of a workspace."""
        ws = self.store.workspace(workspace)
        with self.store._errors(), self.store._sessions.begin() as s:
            rows = s.execute(select(UserRow).join(MembershipRow, MembershipRow.user_id == UserRow.id)
                             .where(MembershipRow.workspace_id == ws.id).order_by(UserRow.id)).scalars().all()
            return [self._account(s, r) for r in rows]

    def allowed_workspaces(self, name: str) -> list[Workspace]:
        """The workspaces account `name` may open (archived ones included; callers hide them): an admin's all, a
        consultant's and a client's their memberships; a disabled or unknown account none."""
        with self.store._errors(), self.store._sessions.begin() as s:
            row = s.execute(select(UserRow).where(UserRow.name == name)).scalar_one_or_none()
            if row is None or row.disabled:
                return []
            query = select(WorkspaceRow).order_by(WorkspaceRow.id)
            if row.role != "admin":
                query = query.join(MembershipRow, MembershipRow.workspace_id == WorkspaceRow.id).where(
                    MembershipRow.user_id == row.id)
            return [_workspace(w) for w in s.execute(query).scalars().all()]

    # --- changing ------------------------------------------------------------------------------

    def add(self, name: str, password: str, role: str, workspaces: Iterable[str] = (), *,
            author: str | None = None) -> Account:
        name = user_name(name, "user add")
        role = _role(role, "user add --role")
        check_password(password, "user add password")
        wanted = [workspace_name(w, "user add --workspace") for w in workspaces]
        if role == "client" and len(set(wanted)) > 1:
            raise BadInput("a client account has one workspace (its own); give --workspace once", where="user add --workspace")
        ids = [self.store.workspace(w).id for w in dict.fromkeys(wanted)]  # names the workspaces when one is unknown
        digest = self.hasher.hash(password)
        with self.store._errors(), self.store._sessions.begin() as s:
            if s.execute(select(UserRow.id).where(UserRow.name == name)).scalar_one_or_none() is not None:
                raise BadInput(f"an account named {name!r} exists already; choose another name "
                               "(or `user passwd` to change its password)", where="user add")
            row = UserRow(name=name, password_hash=digest, role=role, disabled=False, author=author)
            s.add(row)
            s.flush()
            for wid in ids:
                s.add(MembershipRow(user_id=row.id, workspace_id=wid, author=author))
            s.flush()
            return self._account(s, row)

    def grant(self, name: str, workspace: str, *, author: str | None = None) -> Account:
        """Make account `name` a member of `workspace` (nothing changes when it is one already)."""
        ws = self.store.workspace(workspace_name(workspace, "user grant"))
        with self.store._errors(), self.store._sessions.begin() as s:
            row = self._row(s, name, "user grant")
            have = s.execute(select(MembershipRow.workspace_id).where(MembershipRow.user_id == row.id)).scalars().all()
            if ws.id in have:
                return self._account(s, row)
            if row.role == "client" and have:
                own = self._account(s, row).workspaces
                raise BadInput(f"client account {name!r} has its workspace already ({', '.join(own)}); a client sees "
                               "one workspace only", where="user grant")
            s.add(MembershipRow(user_id=row.id, workspace_id=ws.id, author=author))
            row.updated_at, row.author = _now(), author
            s.flush()
            return self._account(s, row)

    def disable(self, name: str, *, author: str | None = None) -> Account:
        with self.store._errors(), self.store._sessions.begin() as s:
            row = self._row(s, name, "user disable")
            row.disabled, row.updated_at, row.author = True, _now(), author
            s.flush()
            return self._account(s, row)

    def passwd(self, name: str, password: str, *, author: str | None = None) -> Account:
        """A new password; the account is enabled again (a disabled account is re-opened by giving it one)."""
        check_password(password, "user passwd password")
        digest = self.hasher.hash(password)
        with self.store._errors(), self.store._sessions.begin() as s:
            row = self._row(s, name, "user passwd")
            row.password_hash, row.disabled, row.updated_at, row.author = digest, False, _now(), author
            s.flush()
            return self._account(s, row)

    def verify(self, name: str, password: str) -> Account | None:
        """The account when `password` is its password and it is not disabled (its last login is recorded), else
        None. An unknown name costs as much time as a known one."""
        from argon2.exceptions import InvalidHashError, VerificationError

        with self.store._errors(), self.store._sessions.begin() as s:
            row = s.execute(select(UserRow).where(UserRow.name == name)).scalar_one_or_none()
            digest = row.password_hash if row is not None else None
        if digest is None:
            if self._dummy is None:
                self._dummy = self.hasher.hash("not-a-password")
            try:
                self.hasher.verify(self._dummy, password)
            except (VerificationError, InvalidHashError):
                pass
            return None
        try:
            self.hasher.verify(digest, password)
        except (VerificationError, InvalidHashError):
            return None
        with self.store._errors(), self.store._sessions.begin() as s:
            row = self._row(s, name)
            if row.disabled:
                return None
            row.last_login = _now()
            if self.hasher.check_needs_rehash(row.password_hash):
                row.password_hash = self.hasher.hash(password)
            s.flush()
            return self._account(s, row)
