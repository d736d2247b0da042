"""`python -m assistant chat [--json] [--resume ID|last] [--new] [--list]`: the terminal chat and its JSON-lines mode."""

from __future__ import annotations

import argparse
import json
import sys

from assistant.errors import BadInput
from assistant.settings import get_settings

_EXIT = {"exit", "quit", "退出", "再见", "/exit", "/quit"}


def _open(args: argparse.Namespace, settings):
    from assistant.chat.conversation import Conversation

    if args.resume is not None and args.new:
        raise BadInput("give --resume ID or --new, not both", where="chat")
    workspace = getattr(args, "workspace", None)
    if args.resume is not None:
        return Conversation.resume(settings, args.resume, workspace)
    return Conversation(settings, workspace=workspace)


def run_chat(args: argparse.Namespace) -> int:
    from assistant.retrieval.ingest import ensure_index

    settings = get_settings()
    if getattr(args, "list", False):
        return _list(settings, args)
    ensure_index(settings)
    conv = _open(args, settings)
    resumed = args.resume is not None
    where = _workspace_flag(conv)
    print(f"对话编号 conversation id: {conv.id}" + ("（已恢复 resumed）" if resumed else "")
          + f"；工作区 workspace: {conv.state.workspace}；继续这段对话：python -m assistant chat{where} --resume {conv.id}",
          file=sys.stderr)
    try:
        if args.json:
            return _json_lines(conv)
        return _interactive(conv, resumed)
    finally:
        conv.close()


def _json_lines(conv) -> int:
    for lineno, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            out = conv.handle(line)
        except BadInput as exc:
            raise BadInput(str(exc), where=f"standard input line {lineno}") from None
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def _interactive(conv, resumed: bool) -> int:
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.panel import Panel

    console = Console()
    if resumed and conv.state.history:
        last = conv.state.history[-1]
        console.print(f"[dim]已恢复对话 #{conv.id}，共 {conv.state.turns} 轮；上一轮：{last.user}[/dim]", highlight=False)
    else:
        from assistant.chat.offline import OfflineWriter  # noqa: F401  (warm the import before the first prompt)
        from assistant.prompts import load_prompt

        console.print(Panel(Markdown(load_prompt("chat", "zh")["help"]), title="售后服务成熟度助手", title_align="left"))
    console.print("[dim]输入问题或情况，回车发送；exit 或 Ctrl-D 退出。[/dim]")
    while True:
        try:
            message = console.input("[bold cyan]您> [/bold cyan]")
        except EOFError:
            break
        if message.strip().lower() in _EXIT:
            break
        if not message.strip():
            continue
        try:
            out = conv.handle(message)
        except BadInput as exc:
            console.print(f"[red]{exc}[/red]", highlight=False)
            continue
        title = f"第{out['turn']}轮 · {out['intent']}" + (f" · {out['writer']}" if out.get("writer") != "offline" else "")
        console.print(Panel(Markdown(out["answer"]), title=title, title_align="left"))
        for n, c in enumerate(out["citations"], 1):
            text = c["text"]
            console.print(f"  [bold][{n}][/bold] [cyan]{c['source']}[/cyan] {c['locator']}  "
                          f"[dim]{text[:90]}{'…' if len(text) > 90 else ''}[/dim]", highlight=False)
    where = _workspace_flag(conv)
    console.print(f"[dim]对话已保存（#{conv.id}，工作区 {conv.state.workspace}）。继续：python -m assistant chat{where} --resume {conv.id}[/dim]",
                  highlight=False)
    return 0


def _workspace_flag(conv) -> str:
    """` --workspace NAME` to continue a conversation of a named workspace; nothing for the default one."""
    from assistant.plans.store import DEFAULT_WORKSPACE

    return "" if conv.state.workspace == DEFAULT_WORKSPACE else f" --workspace {conv.state.workspace}"


def _list(settings, args: argparse.Namespace) -> int:
    from assistant.chat.store import ConversationStore

    store = ConversationStore.open(settings, getattr(args, "workspace", None))
    try:
        rows = store.listing()
    finally:
        store.close()
    for cid, title, turns, updated in rows:
        print(f"#{cid}\t{turns}轮\t{updated:%Y-%m-%d %H:%M}\t{title}")
    if not rows:
        print("还没有保存的对话。")
    return 0
