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

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
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


class AccountChangeRow(Base):
    """Who changed which account, when and how (assistant/migrations/versions/0005_web_logins.py): the record of an
    account that was deleted stays here, under its name."""

    __tablename__ = "account_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=_now)
    author: Mapped[str | None] = mapped_column(String(100))
    user_name: Mapped[str] = mapped_column(String(MAX_NAME), index=True)
    action: Mapped[str] = mapped_column(String(20))  # add, grant, revoke, disable, passwd, delete
    detail: Mapped[str | None] = mapped_column(String(200))


class LoginRow(Base):
    """A web login issued and not yet ended (0005): the SHA-256 of gradio's token (never the token), its user (an
    account, or the bootstrap admin), when it was issued and last seen. Every web process reads it, so a login made
    on one of them, or before a restart, is valid on all."""

    __tablename__ = "web_logins"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(255), index=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    last_seen: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoginFailureRow(Base):
    """Failed logins of one throttle key (`user:NAME`, `addr:IP`) shared by every web process (0005)."""

    __tablename__ = "login_failures"

    throttle_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_failure: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class SecretRow(Base):
    """A random secret every web process shares (0005), made by the first that needs it."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_now)


class PageClaimRow(Base):
    """A page session (`s:<session_hash>`) or event id (`e:<id>`) bound to the login that first used it (0006): every
    web process refuses it to another login (assistant/web/access.py)."""

    __tablename__ = "web_page_claims"

    claim_key: Mapped[str] = mapped_column(String(160), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))  # SHA-256 of the login's token
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


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


def _log(s: Session, name: str, action: str, author: str | None, detail: str | None = None) -> None:
    s.add(AccountChangeRow(user_name=name, action=action, author=author, detail=detail[:200] if detail else None))


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
            spaces = ", ".join(dict.fromkeys(wanted))
            _log(s, name, "add", author, f"role {role}" + (f"; workspaces {spaces}" if spaces else ""))
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
            _log(s, name, "grant", author, ws.name)
            s.flush()
            return self._account(s, row)

    def revoke(self, name: str, workspace: str, *, author: str | None = None) -> Account:
        """Account `name` is no longer a member of `workspace`. Nothing caches memberships: the web app, which asks
        `allowed_workspaces` at each event, refuses the workspace to the account's open sessions at their next one."""
        with self.store._errors(), self.store._sessions.begin() as s:
            self._row(s, name, "user revoke")  # an unknown name is named first
        ws = self.store.workspace(workspace_name(workspace, "user revoke"))
        with self.store._errors(), self.store._sessions.begin() as s:
            row = self._row(s, name, "user revoke")
            gone = s.execute(delete(MembershipRow).where(MembershipRow.user_id == row.id,
                                                         MembershipRow.workspace_id == ws.id)).rowcount
            if not gone:
                own = "、".join(self._account(s, row).workspaces) or "none"
                raise BadInput(f"account {name!r} is not a member of workspace {ws.name!r} (its workspaces: {own})",
                               where="user revoke")
            row.updated_at, row.author = _now(), author
            _log(s, name, "revoke", author, ws.name)
            s.flush()
            return self._account(s, row)

    def disable(self, name: str, *, author: str | None = None) -> Account:
        with self.store._errors(), self.store._sessions.begin() as s:
            row = self._row(s, name, "user disable")
            row.disabled, row.updated_at, row.author = True, _now(), author
            s.execute(delete(LoginRow).where(LoginRow.user_name == name))  # its logins end on every web process
            _log(s, name, "disable", author)
            s.flush()
            return self._account(s, row)

    def passwd(self, name: str, password: str, *, author: str | None = None) -> Account:
        """A new password; the account is enabled again (a disabled account is re-opened by giving it one)."""
        check_password(password, "user passwd password")
        digest = self.hasher.hash(password)
        with self.store._errors(), self.store._sessions.begin() as s:
            row = self._row(s, name, "user passwd")
            row.password_hash, row.disabled, row.updated_at, row.author = digest, False, _now(), author
            _log(s, name, "passwd", author)
            s.flush()
            return self._account(s, row)

    def delete(self, name: str, *, author: str | None = None) -> Account:
        """Delete account `name`: its memberships go and its logins end; what it authored keeps its name (authors
        are stored as text, `web:NAME`), and the deletion is logged with its author. The last active admin is kept."""
        with self.store._errors(), self.store._sessions.begin() as s:
            row = self._row(s, name, "user delete")
            if row.role == "admin" and not row.disabled:
                # Locked, so two deletions at once cannot both see another admin left (PostgreSQL; SQLite's
                # BEGIN IMMEDIATE serialises them anyway).
                admins = s.execute(select(UserRow.id).where(UserRow.role == "admin", UserRow.disabled.is_(False))
                                   .with_for_update()).scalars().all()
                if len(admins) <= 1:
                    raise BadInput(f"account {name!r} is the last active admin and cannot be deleted; add another admin "
                                   "first (`user add NAME --role admin`)", where="user delete")
            account = self._account(s, row)
            s.execute(delete(MembershipRow).where(MembershipRow.user_id == row.id))
            s.execute(delete(LoginRow).where(LoginRow.user_name == name))
            s.delete(row)
            _log(s, name, "delete", author, f"role {row.role}" + (f"; workspaces {', '.join(account.workspaces)}"
                                                                   if account.workspaces else ""))
            s.flush()
            return account

    def changes(self, name: str | None = None) -> list[tuple[datetime, str | None, str, str, str | None]]:
        """The account changes logged (all, or of account `name`), oldest first: (at, author, name, action, detail)."""
        with self.store._errors(), self.store._sessions.begin() as s:
            query = select(AccountChangeRow).order_by(AccountChangeRow.id)
            if name is not None:
                query = query.where(AccountChangeRow.user_name == name)
            return [(r.at, r.author, r.user_name, r.action, r.detail) for r in s.execute(query).scalars().all()]

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


# --- web logins shared by every web process ------------------------------------------------------------------------

def token_hash(token: str) -> str:
    """What the database keeps of a login token: its SHA-256 (a token is 128 random bits: no salt is needed, and
    the database alone lets no one log in)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _throttle_key(key: str) -> str:
    # A user name typed at the login form can be anything up to the form's size: a long one is kept by its hash.
    return key if len(key) <= 100 else f"{key[:40]}#{hashlib.sha256(key.encode()).hexdigest()}"


class Logins:
    """The web logins and failed-login counts every web process shares (assistant/web/guard.py uses them), in the
    assistant's database. Times are wall-clock UTC given by the caller."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _tx(self):
        return self.store._sessions.begin()

    # --- logins --------------------------------------------------------------------------------

    def issue(self, token: str, user: str, now: datetime) -> None:
        with self.store._errors(), self._tx() as s:
            s.add(LoginRow(token_hash=token_hash(token), user_name=user, issued_at=now, last_seen=now))

    def find(self, token: str, now: datetime | None = None, *, seen_every: float = 60.0) -> tuple[str, datetime] | None:
        """(user, issued at) of a login not ended, else None. With `now`, its `last_seen` is brought up to date when
        it is older than `seen_every` seconds (one small write a minute per login at most)."""
        digest = token_hash(token)
        with self.store._errors(), self._tx() as s:
            row = s.execute(select(LoginRow.user_name, LoginRow.issued_at).where(LoginRow.token_hash == digest)).first()
            if row is None:
                return None
            if now is not None:
                s.execute(update(LoginRow).where(LoginRow.token_hash == digest, or_(
                    LoginRow.last_seen.is_(None), LoginRow.last_seen < now - timedelta(seconds=seen_every)))
                    .values(last_seen=now))
            return row.user_name, row.issued_at

    def end(self, token: str) -> None:
        with self.store._errors(), self._tx() as s:
            s.execute(delete(LoginRow).where(LoginRow.token_hash == token_hash(token)))

    def end_user(self, user: str) -> int:
        """End every login of `user` (gradio's /logout ends all of a user's sessions); how many there were."""
        with self.store._errors(), self._tx() as s:
            return s.execute(delete(LoginRow).where(LoginRow.user_name == user)).rowcount

    def count(self, user: str | None = None) -> int:
        with self.store._errors(), self._tx() as s:
            query = select(func.count()).select_from(LoginRow)
            if user is not None:
                query = query.where(LoginRow.user_name == user)
            return s.execute(query).scalar_one()

    # --- failed logins -------------------------------------------------------------------------

    def wait(self, keys: Iterable[str], now: datetime) -> float:
        """Seconds until every one of `keys` may try again (0: now)."""
        wanted = sorted({_throttle_key(k) for k in keys})
        with self.store._errors(), self._tx() as s:
            until = s.execute(select(func.max(LoginFailureRow.locked_until))
                              .where(LoginFailureRow.throttle_key.in_(wanted))).scalar()
        return max(0.0, (until - now).total_seconds()) if until is not None else 0.0

    def fail(self, keys: Iterable[str], now: datetime, delay: Callable[[int], float]) -> None:
        """One more failure for each key; a key whose count makes `delay(count)` positive is locked that long."""
        wanted = sorted({_throttle_key(k) for k in keys})  # one order: two processes never wait for each other
        for attempt in range(10):
            try:
                with self.store._errors(), self._tx() as s:
                    for key in wanted:
                        row = s.execute(select(LoginFailureRow).where(LoginFailureRow.throttle_key == key)
                                        .with_for_update()).scalar_one_or_none()
                        if row is None:
                            row = LoginFailureRow(throttle_key=key, count=0)
                            s.add(row)
                        row.count += 1
                        row.last_failure = now
                        seconds = delay(row.count)
                        if seconds > 0:
                            row.locked_until = now + timedelta(seconds=seconds)
                        s.flush()
                return
            except IntegrityError:  # another process counted the key's first failure at the same moment: again
                if attempt == 9:
                    raise

    def clear(self, keys: Iterable[str]) -> None:
        wanted = sorted({_throttle_key(k) for k in keys})
        with self.store._errors(), self._tx() as s:
            s.execute(delete(LoginFailureRow).where(LoginFailureRow.throttle_key.in_(wanted)))

    def failures(self) -> int:
        with self.store._errors(), self._tx() as s:
            return s.execute(select(func.count()).select_from(LoginFailureRow)).scalar_one()

    # --- upkeep --------------------------------------------------------------------------------

    def cleanup(self, now: datetime, *, login_seconds: float, forget_seconds: float, max_keys: int) -> None:
        """Delete expired logins, failure keys idle for `forget_seconds` and not locked, and past `max_keys` keys
        the least recently failed of those not locked (a flood of made-up user names cannot grow the table without
        bound, nor push out the lock of the name it attacks)."""
        with self.store._errors(), self._tx() as s:
            s.execute(delete(LoginRow).where(LoginRow.issued_at < now - timedelta(seconds=login_seconds)))
            # a page session outlives no login: its claim goes with the longest one
            s.execute(delete(PageClaimRow).where(PageClaimRow.created_at < now - timedelta(seconds=login_seconds)))
            s.execute(delete(LoginFailureRow).where(
                LoginFailureRow.last_failure < now - timedelta(seconds=forget_seconds),
                or_(LoginFailureRow.locked_until.is_(None), LoginFailureRow.locked_until < now)))
            extra = s.execute(select(func.count()).select_from(LoginFailureRow)).scalar_one() - max_keys
            if extra > 0:
                # Keys that are not locked go first, the least recently failed first.
                locked = case((LoginFailureRow.locked_until > now, 1), else_=0)
                oldest = select(LoginFailureRow.throttle_key).order_by(locked, LoginFailureRow.last_failure).limit(
                    extra + max_keys // 2)
                s.execute(delete(LoginFailureRow).where(LoginFailureRow.throttle_key.in_(oldest)))

    # --- page sessions and events of a login ------------------------------------------------------------

    def claim(self, key: str, owner: str, now: datetime | None = None) -> bool:
        """True when `key` belongs to `owner` (bound to it now if it was nobody's): the first login to use a page
        session or an event id owns it, on every web process."""
        key = key[:160]
        for _ in range(3):
            try:
                with self.store._errors(), self._tx() as s:
                    have = s.execute(select(PageClaimRow.owner).where(PageClaimRow.claim_key == key)).scalar_one_or_none()
                    if have is not None:
                        return have == owner
                    s.add(PageClaimRow(claim_key=key, owner=owner, created_at=now or _now()))
                    s.flush()
                    return True
            except IntegrityError:  # bound by another process at the same moment: read whose it is
                continue
        return False

    def secret(self, name: str, first: str | None = None) -> str:
        """The shared random secret `name`, made by the first process that asks (as `first` when given: a secret
        kept elsewhere before)."""
        for _ in range(3):
            try:
                with self.store._errors(), self._tx() as s:
                    value = s.execute(select(SecretRow.value).where(SecretRow.name == name)).scalar_one_or_none()
                    if value is None:
                        value = first or secrets.token_urlsafe(32)
                        s.add(SecretRow(name=name, value=value))
                        s.flush()
                    return value
            except IntegrityError:  # made by another process at the same moment: read it
                continue
        raise BadInput(f"cannot make the shared secret {name!r}", where="database")
