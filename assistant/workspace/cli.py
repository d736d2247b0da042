"""`python -m assistant workspace create|list|show|archive` (CONTRACTS.md, Workspaces)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from assistant.dates import parse_day
from assistant.errors import BadInput
from assistant.settings import get_settings


def run_workspace(args: argparse.Namespace) -> int:
    from assistant.plans.store import Store

    store = Store.open(get_settings(), create=True)
    try:
        return {"create": _create, "list": _list, "show": _show, "archive": _archive}[args.workspace_command](args, store)
    finally:
        store.close()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _create(args: argparse.Namespace, store) -> int:
    ws = store.create_workspace(args.name, company=args.company, industry=args.industry, target=args.target,
                                certified_on=parse_day(args.certified_on, "--certified-on"),
                                next_audit=parse_day(args.next_audit, "--next-audit"))
    if getattr(args, "json", False):
        _print_json(ws.to_json())
    else:
        print(f"已创建工作区“{ws.name}”。在其中对话：python -m assistant chat --workspace {ws.name}")
    return 0


def _list(args: argparse.Namespace, store) -> int:
    spaces = store.list_workspaces()
    if args.json:
        _print_json([ws.to_json() for ws in spaces])
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="工作区 workspaces")
    for head in ("名称", "企业", "行业", "目标", "下次审核", "状态", "最近更新"):
        table.add_column(head, overflow="fold")
    for ws in spaces:
        table.add_row(ws.name, ws.company or "—", ws.industry or "—", ws.target or "—",
                      ws.next_audit.isoformat() if ws.next_audit else "—", "已归档" if ws.archived else "使用中",
                      ws.updated_at.strftime("%Y-%m-%d %H:%M"))
    Console().print(table)
    return 0


def show(store, name: str) -> dict[str, Any]:
    """Everything of one workspace: its fields, the latest assessment (file shape) and its grade, plans, conversations."""
    from assistant.chat.store import ConversationStore
    from assistant.rules import grade, load_scheme
    from assistant.workspace.case import draft_of

    ws = store.workspace(name)
    stored = store.latest_assessment(ws.id)
    out: dict[str, Any] = ws.to_json()
    out["assessment"] = draft_of(stored.assessment) if stored else None
    out["assessment_version"] = stored.version if stored else None
    out["grade"] = grade(stored.assessment, load_scheme(stored.assessment.scheme)).to_contract() if stored else None
    out["plans"] = [{"id": p.id, "enterprise": p.enterprise, "target": p.target, "grade": p.grade,
                     "plan_date": p.plan_date.isoformat(), "version": p.version, "items": p.items, "closed": p.closed,
                     "overdue": p.overdue, "updated_at": p.updated_at.isoformat()}
                    for p in store.list_plans(workspace_id=ws.id)]
    conversations = ConversationStore(store.url, ws.name)
    try:
        out["conversations"] = [{"id": cid, "title": title, "turns": turns, "updated_at": at.isoformat()}
                                for cid, title, turns, at in conversations.listing(limit=100)]
    finally:
        conversations.close()
    return out


def _show(args: argparse.Namespace, store) -> int:
    data = show(store, args.name)
    if args.json:
        _print_json(data)
        return 0
    print(f"工作区：{data['name']}" + ("（已归档）" if data["archived"] else ""))
    for label, key in (("企业", "company"), ("行业", "industry"), ("目标", "target"), ("认证日期", "certified_on"),
                       ("下次审核", "next_audit")):
        print(f"  {label}：{data[key] or '—'}")
    g = data["grade"]
    print(f"  评估：第{data['assessment_version']}版，评级 {g['grade']}（总分 {g['overall']}）" if g else "  评估：还没有")
    print(f"  整改计划：{', '.join('#' + str(p['id']) for p in data['plans']) or '还没有'}")
    print(f"  对话：{', '.join('#' + str(c['id']) for c in data['conversations']) or '还没有'}")
    return 0


def _archive(args: argparse.Namespace, store) -> int:
    from assistant.plans.store import DEFAULT_WORKSPACE

    if args.name.strip() == DEFAULT_WORKSPACE:
        raise BadInput(f"the default workspace {DEFAULT_WORKSPACE} cannot be archived", where="workspace archive")
    store.workspace(args.name)  # names the workspaces there are when it does not exist
    ws = store.update_workspace(args.name, archived=True)
    print(f"工作区“{ws.name}”已归档（数据保留，可用 workspace show 查看）。")
    return 0


# --- accounts: `python -m assistant user add|list|disable|passwd|grant|revoke|delete` -----------------------------

def run_user(args: argparse.Namespace) -> int:
    from assistant.plans.store import Store
    from assistant.workspace.accounts import Accounts

    store = Store.open(get_settings(), create=True)
    try:
        accounts = Accounts(store)
        return {"add": _user_add, "list": _user_list, "disable": _user_disable, "passwd": _user_passwd,
                "grant": _user_grant, "revoke": _user_revoke, "delete": _user_delete}[args.user_command](args, accounts)
    finally:
        store.close()


def read_password(where: str) -> str:
    """The password: the first line of standard input when it is not a terminal (scripts), else asked twice
    without echo. Never a command-line argument (it would show in the shell's history and the process list)."""
    from assistant.workspace.accounts import check_password

    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise BadInput("no password on standard input (one line)", where=where)
        return check_password(line.rstrip("\r\n"), where)
    import getpass

    first = getpass.getpass("密码 password: ")
    check_password(first, where)
    if getpass.getpass("再输入一次 again: ") != first:
        raise BadInput("the two passwords differ", where=where)
    return first


def _user_add(args: argparse.Namespace, accounts) -> int:
    from assistant.workspace.accounts import ROLE_ZH, _role, user_name

    user_name(args.name, "user add")  # a bad name or role is refused before the password is asked
    _role(args.role, "user add --role")
    for w in args.workspace or []:
        accounts.store.workspace(w)
    account = accounts.add(args.name, read_password("user add password"), args.role, args.workspace or [], author="cli")
    spaces = "、".join(account.workspaces) or "（无，用 user grant 授予）"
    print(f"已添加账号“{account.name}”（{ROLE_ZH[account.role]}），工作区：{spaces}")
    return 0


def _user_list(args: argparse.Namespace, accounts) -> int:
    from assistant.workspace.accounts import ROLE_ZH

    users = accounts.list()
    if args.json:
        _print_json([u.to_json() for u in users])
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="账号 accounts")
    for head in ("用户名", "角色", "工作区", "状态", "最近登录"):
        table.add_column(head, overflow="fold")
    for u in users:
        spaces = "、".join(u.workspaces)
        if u.role == "admin":  # every workspace; its memberships (if any) are shown too, `user revoke` takes them
            spaces = "（全部）" + (f"；成员：{spaces}" if spaces else "")
        table.add_row(u.name, ROLE_ZH.get(u.role, u.role), spaces or "—",
                      "已停用" if u.disabled else "可用",
                      u.last_login.strftime("%Y-%m-%d %H:%M") if u.last_login else "—")
    Console().print(table)
    return 0


def _user_disable(args: argparse.Namespace, accounts) -> int:
    account = accounts.disable(args.name, author="cli")
    print(f"账号“{account.name}”已停用：不能再登录，已登录的会话在下一次请求时失效。")
    return 0


def _user_passwd(args: argparse.Namespace, accounts) -> int:
    if accounts.get(args.name) is None:
        accounts.disable(args.name)  # the "no account named …" message, before a password is asked
    account = accounts.passwd(args.name, read_password("user passwd password"), author="cli")
    print(f"已更改账号“{account.name}”的密码。")
    return 0


def _user_grant(args: argparse.Namespace, accounts) -> int:
    account = accounts.grant(args.name, args.workspace, author="cli")
    print(f"账号“{account.name}”可以打开的工作区：{'、'.join(account.workspaces)}")
    return 0


def _user_revoke(args: argparse.Namespace, accounts) -> int:
    account = accounts.revoke(args.name, args.workspace, author="cli")
    name, workspace = account.name, args.workspace.strip()
    if account.role == "admin":
        print(f"账号“{name}”不再是工作区“{workspace}”的成员；它是管理员，仍可打开全部工作区。")
        return 0
    left = "、".join(account.workspaces) or "无"
    print(f"账号“{name}”不再是工作区“{workspace}”的成员：其已登录的会话在下一次操作时即不能再打开它。"
          f"现在的工作区：{left}")
    return 0


def _user_delete(args: argparse.Namespace, accounts) -> int:
    account = accounts.delete(args.name, author="cli")
    print(f"已删除账号“{account.name}”及其工作区成员资格，其登录已结束；"
          f"它做过的修改仍记在“{account.name}”名下。")
    return 0
