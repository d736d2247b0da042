"""Saved conversations: a `conversations` table in the plans database, one row per conversation, resumable by ID.

>>> from assistant.chat.state import ConversationState
>>> store = ConversationStore("sqlite://")
>>> cid = store.create(ConversationState())
>>> store.load(cid).id == cid
True
"""

from __future__ import annotations

from datetime import datetime, timezone

from pydantic import ValidationError
from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from assistant.chat.state import ConversationState
from assistant.errors import BadInput
from assistant.plans.store import Base, Store, UtcDateTime, _now
from assistant.settings import Settings, get_settings


def _touched() -> datetime:
    """When a conversation was last saved, to the microsecond: the browser's latest conversation is the one saved
    last, and a reopened conversation is often saved within the same second as the one left (`_now` keeps whole
    seconds, so the tie went to the higher ID and a reload showed the conversation just left)."""
    return datetime.now(timezone.utc)


class ConversationRow(Base):
    """One conversation: its whole state as JSON, and the plan it drafted (if any)."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8), default="zh")
    turns: Mapped[int] = mapped_column(Integer, default=0)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), nullable=True)
    state: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_touched)
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspaces.id"), index=True)
    owner_token: Mapped[str | None] = mapped_column(String(64), index=True)  # the browser that holds it (web app)


class ConversationStore:
    """Create, save and load conversations in the assistant's database (`Store`'s engine and error handling), in one
    workspace (the default one, 默认, unless `workspace` names another): a conversation of another workspace is
    never listed, loaded or written."""

    def __init__(self, url: str, workspace: str | None = None) -> None:
        self.store = Store(url, create=True)
        self.workspace = self.store.workspace(workspace)

    @classmethod
    def on(cls, store: Store, workspace: str | None = None) -> ConversationStore:
        """The conversations of `workspace` over an open store (its engine and connection pool, shared: the web app
        keeps one per workspace it opened, and one pool each would grow a server's connections with them)."""
        self = cls.__new__(cls)
        self.store = store
        self.workspace = store.workspace(workspace)
        return self

    @classmethod
    def open(cls, settings: Settings | None = None, workspace: str | None = None) -> ConversationStore:
        return cls((settings or get_settings()).effective_database_url, workspace)

    def close(self) -> None:
        self.store.close()

    def _mine(self, query):
        return query.where(ConversationRow.workspace_id == self.workspace.id)

    def _row(self, s, conversation_id: int) -> ConversationRow | None:
        row = s.get(ConversationRow, conversation_id)
        return row if row is not None and row.workspace_id == self.workspace.id else None

    def create(self, state: ConversationState, owner_token: str | None = None) -> int:
        with self.store._errors(), self.store._sessions.begin() as s:
            row = ConversationRow(state="{}", language=state.language, workspace_id=self.workspace.id, owner_token=owner_token)
            s.add(row)
            s.flush()
            state.id = row.id
            row.state = state.model_dump_json()
            return row.id

    def save(self, state: ConversationState) -> None:
        if state.id is None:
            self.create(state)
            return
        title = next((h.user for h in state.history), "")[:200]
        with self.store._errors(), self.store._sessions.begin() as s:
            row = self._row(s, state.id)
            if row is None:
                raise BadInput(f"no conversation {state.id} in workspace {self.workspace.name}", where="chat --resume")
            row.state = state.model_dump_json()
            row.title, row.language, row.turns, row.plan_id = title, state.language, state.turns, state.plan_id
            row.updated_at = _touched()

    def load(self, conversation_id: int) -> ConversationState:
        with self.store._errors(), self.store._sessions.begin() as s:
            row = self._row(s, conversation_id)
            if row is None:
                known = s.execute(self._mine(select(ConversationRow.id)).order_by(ConversationRow.id.desc()).limit(10)).scalars().all()
                hint = f"recent conversations: {', '.join(map(str, known))}" if known else "no conversation has been saved here yet"
                raise BadInput(f"no conversation {conversation_id} in workspace {self.workspace.name} ({hint})", where="chat --resume")
            content = row.state
        try:
            state = ConversationState.model_validate_json(content)
        except ValidationError as exc:
            raise BadInput(f"the saved conversation is not valid ({exc.errors()[0]['msg']})",
                           where=f"conversation {conversation_id}") from None
        state.id = conversation_id
        return state

    def latest(self, owner_token: str | None = None) -> int | None:
        """The workspace's most recently changed conversation (of one browser, with `owner_token`)."""
        with self.store._errors(), self.store._sessions.begin() as s:
            query = self._mine(select(ConversationRow.id))
            if owner_token is not None:
                query = query.where(ConversationRow.owner_token == owner_token)
            return s.execute(query.order_by(ConversationRow.updated_at.desc(), ConversationRow.id.desc())
                             .limit(1)).scalar_one_or_none()

    def listing(self, limit: int = 20, owner_token: str | None = None) -> list[tuple[int, str, int, datetime]]:
        """(ID, title, turns, last changed) of the workspace's conversations, newest first (of one browser, with
        `owner_token`)."""
        with self.store._errors(), self.store._sessions.begin() as s:
            query = self._mine(select(ConversationRow.id, ConversationRow.title, ConversationRow.turns, ConversationRow.updated_at))
            if owner_token is not None:
                query = query.where(ConversationRow.owner_token == owner_token)
            rows = s.execute(query.order_by(ConversationRow.id.desc()).limit(limit)).all()
            return [(cid, title, turns, at.replace(microsecond=0)) for cid, title, turns, at in rows]

    def plan_ids(self, owner_token: str) -> set[int]:
        """The plans drafted in one browser's conversations of this workspace."""
        with self.store._errors(), self.store._sessions.begin() as s:
            return set(s.execute(self._mine(select(ConversationRow.plan_id))
                                 .where(ConversationRow.owner_token == owner_token, ConversationRow.plan_id.is_not(None)))
                       .scalars().all())
