"""The LLM answer writer: a LangChain tool-calling agent over the conversation's tools, behind the guards.

The offline writer always runs first, on a copy of the state: its reply is both the fallback and the source of
the turn's facts (intent, grade, plan). The model then writes the answer with the same tools (knowledge-base
search, grade, gap, plan, past findings, assessment updates); the router's tool call for the intent is made
for it up front, so even a small model answers from real results. Any failure, time-out, malformed output or
failed guard gives the offline answer with a visible note; the grade always comes from the engine.

Providers (settings `llm_provider`): `openai` (any OpenAI-compatible endpoint: vLLM, Ollama's /v1, llama.cpp's
server, DeepSeek, Qwen) through langchain-openai; `ollama` through langchain-ollama; `llamacpp`, a local GGUF
file through llama-cpp-python in process (`LlamaCppChatModel`).
"""

from __future__ import annotations

import atexit
import json
from datetime import date
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import BaseTool, StructuredTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, Field

from assistant.chat import guards, tools
from assistant.chat.extract import PlanEdit, extract, is_question
from assistant.chat.model_reading import StatedFacts, check, merge
from assistant.chat.intents import REGISTRY as INTENTS, Route
from assistant.chat.offline import OfflineWriter
from assistant.chat.state import ConversationState, Reply
from assistant.errors import BadInput
from assistant.prompts import load_prompt
from assistant.settings import Settings

MAX_STEPS = 3  # model calls per turn: the answer, plus at most two rounds of extra tool calls
MAX_ANSWER = 3000
PASSAGE_CHARS = 260  # of each passage shown to the model (citations keep the whole passage)
SHOWN_ITEMS = 5  # gap changes or plan items shown to the model
# --- provider factory ------------------------------------------------------------------------------


# One factory per LLM provider, found by its name: add a provider by registering a function here (and its name in
# the `llm_provider` setting's choices).
PROVIDERS: dict[str, Callable[[Settings], BaseChatModel]] = {}


def provider(name: str) -> Callable[[Callable[[Settings], BaseChatModel]], Callable[[Settings], BaseChatModel]]:
    def register(factory: Callable[[Settings], BaseChatModel]) -> Callable[[Settings], BaseChatModel]:
        PROVIDERS[name] = factory
        return factory

    return register


@provider("openai")
def _openai(settings: Settings) -> BaseChatModel:
    """Any OpenAI-compatible endpoint: vLLM, Ollama's /v1, llama.cpp's server, DeepSeek, Qwen."""
    from langchain_openai import ChatOpenAI

    if not settings.llm_base_url:
        raise BadInput("the openai provider needs llm_base_url (e.g. http://127.0.0.1:8080/v1)", where="settings.llm_base_url")
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    return ChatOpenAI(base_url=settings.llm_base_url, api_key=key, model=settings.llm_model,
                      timeout=settings.llm_timeout_s, max_retries=0, temperature=0, max_tokens=300)


@provider("ollama")
def _ollama(settings: Settings) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    return ChatOllama(base_url=settings.llm_base_url or "http://127.0.0.1:11434", model=settings.llm_model,
                      temperature=0, num_predict=300, client_kwargs={"timeout": settings.llm_timeout_s})


@provider("llamacpp")
def _llamacpp(settings: Settings) -> BaseChatModel:
    """A local GGUF file in process (llama-cpp-python)."""
    if settings.llm_gguf_path is None or not settings.llm_gguf_path.exists():
        raise BadInput(f"the llamacpp provider needs an existing GGUF file, got {settings.llm_gguf_path}",
                       where="settings.llm_gguf_path")
    return LlamaCppChatModel(model_path=str(settings.llm_gguf_path))


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model the settings choose; a missing package or setting is bad input naming the setting."""
    name = settings.llm_provider
    factory = PROVIDERS.get(name)
    if factory is None:
        raise BadInput(f"unknown LLM provider {name!r}; use none, {', '.join(PROVIDERS)}", where="settings.llm_provider")
    try:
        return factory(settings)
    except ImportError as exc:
        raise BadInput(f"the {name} provider needs the package {exc.name}: install the extra with "
                       "`.venv/bin/pip install -e '.[llm]'` (llamacpp: `pip install llama-cpp-python`)",
                       where="settings.llm_provider") from None


def _to_openai(message: BaseMessage) -> dict[str, Any]:
    if isinstance(message, SystemMessage):
        return {"role": "system", "content": message.content}
    if isinstance(message, HumanMessage):
        return {"role": "user", "content": message.content}
    if isinstance(message, ToolMessage):
        return {"role": "tool", "content": message.content, "tool_call_id": message.tool_call_id}
    if isinstance(message, AIMessage):
        out: dict[str, Any] = {"role": "assistant", "content": message.content or ""}
        if message.tool_calls:
            out["tool_calls"] = [{"id": c["id"], "type": "function",
                                  "function": {"name": c["name"], "arguments": json.dumps(c["args"], ensure_ascii=False)}}
                                 for c in message.tool_calls]
        return out
    return {"role": "user", "content": str(message.content)}


# Loaded models, one per file, shared by every LlamaCppChatModel: loading takes seconds and memory.
_LLAMAS: dict[str, Any] = {}
_LLAMA_LOCK = threading.RLock()


def _close_llamas() -> None:
    """Free the loaded models before the interpreter tears llama_cpp's module down (its __del__ fails after)."""
    with _LLAMA_LOCK:
        for llm in _LLAMAS.values():
            llm.close()
        _LLAMAS.clear()


class LlamaCppChatModel(BaseChatModel):
    """A local GGUF model through llama-cpp-python, in process, with OpenAI-style tool calls.

    >>> model = LlamaCppChatModel(model_path="qwen2.5-0.5b-instruct-q4_k_m.gguf")  # doctest: +SKIP
    >>> model.invoke("监督审核多久一次？").content  # doctest: +SKIP
    """

    model_path: str
    n_ctx: int = 8192
    max_tokens: int = 300
    temperature: float = 0.0
    chat_format: str = "chatml-function-calling"

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _llm(self):
        with _LLAMA_LOCK:
            llm = _LLAMAS.get(self.model_path)
            if llm is None:
                from llama_cpp import Llama

                llm = Llama(model_path=self.model_path, n_ctx=self.n_ctx, chat_format=self.chat_format, verbose=False)
                if not _LLAMAS:
                    atexit.register(_close_llamas)
                _LLAMAS[self.model_path] = llm
            return llm

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: str | dict | None = None, **kwargs: Any):
        specs = [convert_to_openai_tool(t) for t in tools]
        if isinstance(tool_choice, str) and tool_choice not in ("auto", "none", "any", "required"):
            tool_choice = {"type": "function", "function": {"name": tool_choice}}
        elif tool_choice in ("any", "required") and len(specs) == 1:
            tool_choice = {"type": "function", "function": {"name": specs[0]["function"]["name"]}}
        return self.bind(tools=specs, tool_choice=tool_choice or "auto", **kwargs)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        llm = self._llm()
        with _LLAMA_LOCK:
            response = llm.create_chat_completion(
                messages=[_to_openai(m) for m in messages], tools=kwargs.get("tools"), tool_choice=kwargs.get("tool_choice"),
                max_tokens=self.max_tokens, temperature=self.temperature, stop=stop)
        msg = response["choices"][0]["message"]
        calls = []
        for i, c in enumerate(msg.get("tool_calls") or []):
            fn = c["function"]
            try:
                args = json.loads(fn.get("arguments") or "{}")
            except json.JSONDecodeError:
                args = {}
            calls.append({"name": fn["name"], "args": args, "id": c.get("id") or f"call_{i}"})
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=msg.get("content") or "", tool_calls=calls))])


# --- structured outputs ------------------------------------------------------------------------------


class PlanEditRequest(BaseModel):
    """A change to one item of the improvement plan, as the user asked for it."""

    item: int = Field(description="the item number (序号) the user names, e.g. 2 for 第2项")
    owner: str | None = Field(None, description="the new owner (责任人), exactly as the user wrote it; null if unchanged")
    shift_days: int | None = Field(None, description="days to move the deadline: positive later (延后), negative earlier (提前)")
    status: str | None = Field(None, description="open, in_progress or closed; null if unchanged")


class AssessmentUpdate(BaseModel):
    """One fact about the enterprise the user stated: a KPI value, a maturity level, or an evidence item."""

    criterion: str = Field(description="criterion ID, e.g. D3.1")
    kpi: float | None = Field(None, description="the measured KPI value, as the user wrote it")
    level: int | None = Field(None, ge=0, le=5, description="declared maturity level 0-5")
    evidence: str | None = Field(None, description="an evidence document the user named")


# --- the agent ------------------------------------------------------------------------------------------


class _Turn:
    """The tools of one turn, bound to the state the model may read and change, and what they returned."""

    def __init__(self, state: ConversationState, settings: Settings, message: str, offline: Reply,
                 offline_writer: OfflineWriter) -> None:
        self.state = state
        self.settings = settings
        self.message = message
        self.offline = offline
        self.writer = offline_writer
        self.passages: list[dict[str, Any]] = []
        self.facts: list[str] = [message, offline.answer]
        self.graded = False
        self.planned = False

    def _numbered(self, hits) -> str:
        lines = []
        for h in hits:
            c = h.citation()
            if c not in self.passages:
                self.passages.append(c)
            n = self.passages.index(c) + 1
            text = c["text"] if len(c["text"]) <= PASSAGE_CHARS else c["text"][:PASSAGE_CHARS] + "…"
            lines.append(f"[{n}] （{c['locator']}）{text}")
        return "\n".join(lines) or "（没有找到相关段落 no passage found）"

    def search_knowledge(self, query: str) -> str:
        """Search the certification rules, the scheme and the criteria catalogue; returns numbered passages."""
        from assistant.answer import is_covered

        hits = tools.kb_search(query, self.settings)
        if not is_covered(hits, self.settings, query):
            return "（知识库中没有相关内容 the knowledge base does not cover this）"
        return self._numbered(hits)

    def search_findings(self, query: str, criterion: str | None = None) -> str:
        """Search anonymised past audit findings (cases), optionally about one criterion ID such as D2.1."""
        scheme = tools.scheme_of(self.state)
        return self._numbered(tools.similar_cases(query, self.settings, criterion if criterion in scheme.criteria else None))

    def grade(self) -> str:
        """The rule engine's grade of the current assessment, with its explanation (the only source of a grade)."""
        result = tools.grade_now(self.state)
        self.graded = True
        t = load_prompt("chat", self.state.language)
        lines = self.writer.grade_lines(result, self.state, t, self.state.language, full=False)
        if self.state.language == "zh":
            lines.append(result.explanation[0])
        if result.provisional:
            nq = self.writer.next_question_line(result, self.state, t, self.state.language)
            lines += [nq] if nq else []
        text = "\n".join(lines)
        self.facts += [text, json.dumps(self.state.grade, ensure_ascii=False)]
        return text

    def gap_analysis(self, target: str = "优秀") -> str:
        """The rule engine's smallest set of changes that reaches the target grade (合格 or 优秀)."""
        target = target if target in ("合格", "优秀", "pass", "excellent") else "优秀"
        tools.grade_now(self.state, target)
        self.graded = True
        gap = dict(self.state.grade["gap"] or {}) if self.state.grade else {}
        if gap.get("changes"):
            gap["changes"] = gap["changes"][:SHOWN_ITEMS] + ([f"…{len(gap['changes']) - SHOWN_ITEMS} more"]
                                                              if len(gap["changes"]) > SHOWN_ITEMS else [])
        text = json.dumps({"grade": self.state.grade["grade"] if self.state.grade else None, "gap": gap}, ensure_ascii=False)
        self.facts += [text, json.dumps(self.state.grade, ensure_ascii=False)]
        return text

    def draft_plan(self, target: str | None = None) -> str:
        """Draft the improvement plan for the current assessment (target 合格 or 优秀; default the next grade up)."""
        plan = self.state.current_plan()
        if plan is None or self.state.plan_stale or (target and target not in (plan.target, plan.target_en)):
            plan = self.state.draft_plan(self.settings, target if target in ("合格", "优秀", "pass", "excellent") else None)
        self.planned = True
        items = [{k: i[k] for k in ("criterion", "finding", "owner", "deadline")} for i in plan.to_contract()["items"]]
        text = json.dumps({"target": plan.target, "plan_date": plan.plan_date.isoformat(), "item_count": len(items),
                           "first_items": items[:SHOWN_ITEMS]}, ensure_ascii=False)
        self.facts.append(text)
        return text

    def update_assessment(self, criterion: str, kpi: float | None = None, level: int | None = None,
                          evidence: str | None = None) -> str:
        """Record a KPI value, a maturity level or an evidence item the user stated for one criterion."""
        return self.apply_update(AssessmentUpdate(criterion=criterion, kpi=kpi, level=level, evidence=evidence))

    def apply_update(self, upd: AssessmentUpdate) -> str:
        """An update from the model counts only if the user's message holds its value (guard on state changes)."""
        scheme = tools.scheme_of(self.state)
        if upd.criterion not in scheme.criteria:
            return f"unknown criterion {upd.criterion}"
        statement = _as_statement(upd, scheme, self.message)
        if not statement:
            return "not recorded: the values are not in the user's message"
        changes, problems = self.state.apply(extract(statement))
        return json.dumps({"recorded": changes, "problems": problems}, ensure_ascii=False)

    def tools(self) -> list[BaseTool]:
        return [StructuredTool.from_function(f) for f in (self.search_knowledge, self.search_findings, self.grade,
                                                          self.gap_analysis, self.draft_plan, self.update_assessment)]


def _copy(state: ConversationState) -> ConversationState:
    return state.model_copy(deep=True)


def _commit(state: ConversationState, source: ConversationState) -> None:
    for name in ConversationState.model_fields:
        setattr(state, name, getattr(source, name))


class AgentWriter:
    """The LLM writer with the offline writer as its fallback (see the module docstring)."""

    name = "llm"

    def __init__(self, settings: Settings, model: BaseChatModel | None = None) -> None:
        self.settings = settings
        self.model = model or make_chat_model(settings)
        self.offline = OfflineWriter(settings)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm")

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Run one model call with the configured time-out (in-process models cannot be interrupted otherwise)."""
        future = self._pool.submit(fn)
        try:
            return future.result(timeout=self.settings.llm_timeout_s + 5)
        except FutureTimeout:
            raise TimeoutError(f"no answer from the model in {self.settings.llm_timeout_s:g} s") from None

    def write(self, route: Route, state: ConversationState, message: str) -> Reply:
        if route.intent == "plan_edit" and route.edit is not None:
            route.edit = self._plan_edit(route.edit, message)
        said, model_added = self._read_facts(route, state, message)
        off_state = _copy(state)
        offline = self.offline.write(route, off_state, message)
        if said:
            offline.answer = offline.answer.rstrip() + "\n" + "\n".join(said)
            if model_added and route.extraction.changes:
                offline.writer = f"llm:{self.settings.llm_provider}"  # facts of this turn came from the model too
        if INTENTS[offline.intent].llm == "fixed":
            # Facts read from the user's words are said back as read, so a misreading shows at once.
            _commit(state, off_state)
            return offline
        llm_state = _copy(off_state)
        turn = _Turn(llm_state, self.settings, message, offline, self.offline)
        try:
            answer = self._agent(turn, route, offline, message)
            reply = self._checked(turn, offline, answer)
        except Exception as exc:  # noqa: BLE001 - any model failure: the offline answer, with a note saying so
            return self._fallback(state, off_state, offline, f"{type(exc).__name__}: {exc}"[:200], route.language)
        if isinstance(reply, str):
            return self._fallback(state, off_state, offline, reply, route.language)
        _commit(state, llm_state)
        return reply

    # --- the tool-calling loop

    def _agent(self, turn: _Turn, route: Route, offline: Reply, message: str) -> str:
        lang = route.language
        t = load_prompt("chat", lang)
        system = load_prompt("chat_agent", lang)
        st = turn.state
        result = tools.grade_now(_copy(st))
        pending = f"（另有{len(st.pending())}项只有证据）" if st.pending() and lang == "zh" else (
            f" ({len(st.pending())} with evidence only)" if st.pending() else "")
        plan = st.current_plan()
        summary = t["agent_state"].format(
            assessed=len(st.graded_assessment().criteria), total=len(result.criteria), pending=pending,
            grade=f"{result.grade}{t['provisional'] if result.provisional else ''}",
            plan=t["agent_plan_some"].format(n=len(plan.items)) if plan else t["agent_plan_none"])
        by_name = {tl.name: tl for tl in turn.tools()}
        context = t["agent_context"].format(state=summary, intent=offline.intent, message=message)
        seeded = INTENTS[offline.intent].seed_tool
        if seeded:
            # The router's tool call for the intent is made up front and its result given as context: small
            # models rarely call tools on their own, and some OpenAI-compatible servers mishandle replayed calls.
            args: dict[str, Any] = {}
            if seeded in ("search_knowledge", "search_findings"):
                args["query"] = message
            if seeded == "search_findings":
                topic = self.offline.case_topic(route, st)
                if topic:
                    args["criterion"] = topic
            if seeded in ("gap_analysis", "draft_plan") and route.target:
                args["target"] = route.target
            result_text = str(by_name[seeded].invoke(args))
            context = t["agent_tool_result"].format(tool=seeded, result=result_text) + "\n" + context
        messages: list[BaseMessage] = [SystemMessage(system), HumanMessage(context)]
        bound = self.model.bind_tools(list(by_name.values()))
        for step in range(MAX_STEPS):
            ai = self._call(lambda: bound.invoke(messages))
            if not isinstance(ai, AIMessage):
                raise TypeError("the model returned no message")
            if not ai.tool_calls or step == MAX_STEPS - 1:
                text = ai.content if isinstance(ai.content, str) else ""
                return text.strip()
            messages.append(ai)
            for call in ai.tool_calls[:3]:
                tl = by_name.get(call["name"])
                try:
                    out = tl.invoke(call["args"]) if tl else f"unknown tool {call['name']}"
                except Exception as exc:  # noqa: BLE001 - a malformed tool call is reported back to the model
                    out = f"error: {exc}"
                messages.append(ToolMessage(content=str(out), tool_call_id=call["id"]))
        raise ValueError("the model gave no final answer")

    # --- guards

    def _checked(self, turn: _Turn, offline: Reply, answer: str) -> Reply | str:
        """The model's reply if it passes every guard, else the reason it does not."""
        if not answer or len(guards.words(answer)) < 3:
            return "empty or malformed answer"
        if len(answer) > MAX_ANSWER:
            return f"answer longer than {MAX_ANSWER} characters"
        st = turn.state
        engine = tools.grade_now(_copy(st))
        cited = sorted({int(n) for n in guards._MARKER.findall(answer) if 1 <= int(n) <= len(turn.passages)})
        if offline.intent in ("question", "cases"):
            citations = turn.passages[:] if turn.passages else offline.citations
        else:
            citations = [turn.passages[n - 1] for n in cited] if cited else []
        facts = turn.facts + [json.dumps(st.grade, ensure_ascii=False) if st.grade else "",
                              json.dumps(st.plan, ensure_ascii=False) if st.plan else "",
                              json.dumps(st.assessment, ensure_ascii=False)]
        reason = (guards.check_citations(answer, citations, self.settings, facts)
                  or guards.check_grade(answer, engine.grade)
                  or guards.check_numbers(answer, [c["text"] for c in citations] + facts))
        if reason:
            return reason
        grade = st.grade if (offline.grade is not None or turn.graded) else None
        if grade is not None and grade["grade"] != engine.grade:
            return "the grade differs from the engine's"
        plan = st.current_plan() if (offline.plan is not None or turn.planned) else None
        if INTENTS[offline.intent].llm == "facts":
            # The engine's grade, gap table, plan table or case list stay in view under the model's words.
            answer = f"{answer}\n\n{offline.answer}"
        return Reply(intent=offline.intent, answer=answer, citations=citations, grade=grade,
                     plan=plan.to_contract() if plan else None, writer=f"llm:{self.settings.llm_provider}",
                     covered=offline.covered, changes=offline.changes)

    def _fallback(self, state: ConversationState, off_state: ConversationState, offline: Reply, reason: str,
                  lang: str) -> Reply:
        _commit(state, off_state)
        note = load_prompt("chat", lang)["fallback_note"].format(reason=reason)
        return offline.model_copy(update={"answer": f"{note}\n{offline.answer}", "note": reason, "writer": "offline-fallback"})

    # --- structured outputs

    def _plan_edit(self, parsed: PlanEdit, message: str) -> PlanEdit:
        """The parsed edit, completed by the model's structured reading where the parser found nothing and the
        model's value is in the user's words; on any disagreement or failure the parsed edit stands."""
        try:
            structured = self.model.with_structured_output(PlanEditRequest, method="function_calling")
            got = self._call(lambda: structured.invoke(message))
            req = got if isinstance(got, PlanEditRequest) else PlanEditRequest.model_validate(got)
        except Exception:  # noqa: BLE001 - the deterministic reading is the fallback
            return parsed
        if req.item != parsed.item:
            return parsed
        merged = PlanEdit(item=parsed.item, owner=parsed.owner, shift_days=parsed.shift_days, deadline=parsed.deadline,
                          status=parsed.status, said=parsed.said)
        if merged.owner is None and req.owner and req.owner in message and len(req.owner) >= 2:
            merged.owner = req.owner
        if merged.status is None and req.status in ("open", "in_progress", "closed") and parsed.shift_days is None \
                and req.owner is None:
            merged.status = req.status
        return merged

    # --- facts read by the model

    def _read_facts(self, route: Route, state: ConversationState, message: str) -> tuple[list[str], bool]:
        """The model's reading of a message that states facts (assistant/chat/model_reading.py), checked and merged
        into the route's extraction where the offline reader found nothing; lines saying what it added or refused.
        Any failure leaves the offline reading as it is, with a line saying so."""
        if not INTENTS[route.intent].model_reads_facts or route.extraction.hypothetical or is_question(message):
            return [], False
        lang = route.language
        t = load_prompt("chat", lang)
        scheme = tools.scheme_of(state)
        listing = "\n".join(f"{cid} {c.name if lang == 'zh' else c.name_en}" for cid, c in scheme.criteria.items())
        try:
            structured = self.model.with_structured_output(StatedFacts, method="function_calling")
            prompt = load_prompt("chat_facts", lang).format(criteria=listing)
            got = self._call(lambda: structured.invoke([SystemMessage(prompt), HumanMessage(message)]))
            facts = got if isinstance(got, StatedFacts) else StatedFacts.model_validate(got)
        except Exception as exc:  # noqa: BLE001 - the offline reading stands
            return [t["model_reading_failed"].format(reason=f"{type(exc).__name__}: {exc}"[:160])], False
        checked, refused = check(facts, message, scheme, date.today())
        route.extraction, added = merge(route.extraction, checked)
        if added and route.intent == "question":
            route.intent = "update_assessment"
        lines = [t["model_reading_added"].format(facts="；".join(added))] if added else []
        if refused:
            lines.append(t["model_reading_refused"].format(facts="；".join(refused[:5])))
        return lines, bool(added)


def _as_statement(upd: AssessmentUpdate, scheme, message: str) -> str:
    """The model's update as a plain statement the parser reads, keeping only values the user wrote."""
    c = scheme.criteria[upd.criterion]
    said = guards.numbers_in(message)
    parts = []
    if upd.kpi is not None and guards.numbers_in(str(upd.kpi)) <= said:
        parts.append(f"{c.name}{upd.kpi:g}{c.unit_symbol}")
    if upd.level is not None and str(upd.level) in said:
        parts.append(f"{c.name}L{upd.level}")
    if upd.evidence and upd.evidence in message:
        parts.append(f"{c.name}的证据有{upd.evidence}")
    return "，".join(parts)
