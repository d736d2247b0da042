"""One conversation: routes each message, has a writer answer it, keeps and saves the state.

>>> from assistant.settings import get_settings
>>> conv = Conversation(get_settings(), save=False)
>>> conv.handle("我们客户满意度88%")["intent"]
'update_assessment'
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from assistant.chat.intents import Route, route
from assistant.chat.offline import OfflineWriter
from assistant.chat.state import ConversationState, Reply, Turn
from assistant.errors import BadInput
from assistant.settings import Settings

MAX_MESSAGE = 4000


# Said after a client account's turn that recorded facts: they are its conversation's, the case stays as it was.
READ_ONLY_NOTE = ("这些情况只用于本次对话中的评估，不会改动顾问维护的自评和整改计划。",
                  "These facts are used in this conversation only; the case your consultant keeps is not changed.")


class Writer(Protocol):
    """Writes the reply to a routed message, changing the state as the turn requires."""

    name: str

    def write(self, route: Route, state: ConversationState, message: str) -> Reply: ...


def make_writer(settings: Settings) -> Writer:
    """The offline writer, or the LLM agent (with the offline writer as its fallback) when a provider is set."""
    if settings.llm_provider == "none":
        return OfflineWriter(settings)
    from assistant.chat.agent import AgentWriter

    return AgentWriter(settings)


class Conversation:
    """A conversation's state with the writer and store that serve it."""

    def __init__(self, settings: Settings, state: ConversationState | None = None, *, writer: Writer | None = None,
                 save: bool = True, today: date | None = None, workspace: str | None = None) -> None:
        self.settings = settings
        self.today = today  # relative dates in messages count from this day (None: the real today)
        self.state = state or ConversationState()
        self.writer = writer or make_writer(settings)
        self.store = None
        if save:
            from assistant.chat.store import ConversationStore

            # A new conversation opens in its workspace (默认 unless named) with the workspace's latest assessment;
            # a resumed one stays in the workspace it was started in.
            name = workspace if state is None or state.id is None else self.state.workspace
            self.store = ConversationStore.open(settings, name)
            self.state.workspace = self.store.workspace.name
            if self.state.id is None:
                if self.store.workspace.archived:
                    raise BadInput(f"workspace {self.store.workspace.name!r} is archived; nothing new can be saved in it",
                                   where="--workspace")
                self._start_from_workspace()
                self.store.create(self.state)

    def _start_from_workspace(self) -> None:
        from assistant.workspace.case import latest_draft

        draft = latest_draft(self.store.store, self.store.workspace)  # type: ignore[union-attr]
        if draft is not None and not (self.state.assessment.get("criteria") or self.state.assessment.get("findings")):
            self.state.assessment = draft

    @classmethod
    def resume(cls, settings: Settings, conversation_id: int | str, workspace: str | None = None, **kw: Any) -> Conversation:
        """A saved conversation of the workspace (默认 unless named): its number, or "last" for its latest."""
        from assistant.chat.store import ConversationStore

        store = ConversationStore.open(settings, workspace)
        try:
            if str(conversation_id) == "last":
                latest = store.latest()
                if latest is None:
                    raise BadInput(f"no conversation has been saved in workspace {store.workspace.name} yet", where="chat --resume")
                conversation_id = latest
            try:
                cid = int(conversation_id)
            except ValueError:
                raise BadInput(f"{conversation_id!r} is not a conversation number (or 'last')", where="chat --resume") from None
            state = store.load(cid)
        finally:
            store.close()
        return cls(settings, state, **kw)

    @property
    def id(self) -> int | None:
        return self.state.id

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def handle(self, message: str) -> dict[str, Any]:
        """Answer one message: the `chat --json` object of the turn, with the conversation's extras."""
        message = (message or "").strip()
        if not message:
            raise BadInput("the message is empty", where="chat")
        if len(message) > MAX_MESSAGE:
            raise BadInput(f"the message has {len(message)} characters; at most {MAX_MESSAGE}", where="chat")
        r = route(message, self.state, today=self.today)
        self.state.language = r.language  # type: ignore[assignment]
        reply = self.writer.write(r, self.state, message)
        self.state.turns += 1
        self.state.history.append(Turn(turn=self.state.turns, user=message, intent=reply.intent, answer=reply.answer,
                                       writer=reply.writer, note=reply.note))
        if self.store is not None:
            self.store.save(self.state)
            if reply.changes and not self.state.read_only:  # a client's facts stay in its own conversation
                from assistant.workspace.case import save_draft

                # The chat's assessment is the workspace's: every change is its next version, by the chat.
                save_draft(self.store.store, self.store.workspace, self.state.assessment, author=self.state.author("chat"),
                           source=f"chat:{self.state.id}")
        out = reply.contract(self.state.turns)
        out["writer"] = reply.writer
        note = reply.note
        if reply.changes and self.state.read_only:
            note = " ".join(filter(None, [note, READ_ONLY_NOTE[r.language == "en"]]))
        if note:
            out["note"] = note
        if reply.files:
            out["files"] = reply.files
        out["assessment"] = self.state.assessment
        out["conversation_id"] = self.state.id
        return out
