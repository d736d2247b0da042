"""Command-line interface: `python -m assistant <command>` (console script `shouhou`)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from assistant.errors import BadInput


def export_flags(parser: argparse.ArgumentParser) -> None:
    """`--xlsx PATH`, `--docx PATH`, …: one option per file format of the export registry."""
    from assistant.plans.export import FORMATS

    for fmt in FORMATS.values():
        if fmt.flag:
            parser.add_argument(f"--{fmt.name}", metavar="PATH", help=f"write the plan as a {fmt.label} file")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m assistant",
        description="售后服务成熟度助手: ask about the certification rules, grade an assessment, draft plans.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def cmd(name: str, handler: str, help: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        sp.set_defaults(handler=handler)
        return sp

    sp = cmd("ask", "assistant.answer:run_cli", "问答: answer questions about the certification, with cited passages")
    sp.add_argument("question", nargs="?", help="the question (Chinese or English); without it, one question per line on stdin")
    sp.add_argument("--questions", metavar="FILE.jsonl", help="JSON lines, each with a 'question' field")
    sp.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    sp.add_argument("--source", choices=["rules", "criteria", "findings"], help="only this kind of passage")
    sp.add_argument("--criterion", help="only passages about this criterion, e.g. D2.1")
    sp.add_argument("--dimension", help="only passages about this dimension, e.g. D2")
    sp.add_argument("--industry", help="only findings from this industry, e.g. 家电")

    sp = cmd("ingest", "assistant.retrieval.ingest:run_cli", "建索引: build or refresh the index from knowledge/ (incremental)")
    sp.add_argument("--rebuild", action="store_true", help="drop the index and embed everything again")

    sp = cmd("anonymize", "assistant.anonymize:run_cli", "匿名化: replace names, companies, phones, IDs... with placeholders")
    sp.add_argument("file", nargs="?", default="-", help="text file, or - for standard input (default)")

    sp = cmd("findings", "assistant.findings:run_cli", "审核发现: import consultants' findings (anonymised) into the knowledge base")
    fsub = sp.add_subparsers(dest="findings_command", required=True, metavar="SUBCOMMAND")
    imp = fsub.add_parser("import", help="import a CSV, JSON-lines or XLSX file of findings")
    imp.add_argument("file", help="findings file (.csv, .jsonl, .xlsx)")
    imp.add_argument("--no-ingest", action="store_true", help="only store them; do not refresh the index")

    sp = cmd("grade", "assistant.rules.cli:run_grade", "评级: grade an assessment file per the scheme, with reasons and gap")
    sp.add_argument("file", help="assessment file (YAML or JSON)")
    sp.add_argument("--json", action="store_true", help="print the contract JSON")
    sp.add_argument("--target", choices=["合格", "优秀"], help="grade to compute the gap to (default: the next one up)")

    sp = cmd("plan", "assistant.plans.cli:run_plan", "整改计划: draft a rectification plan from an assessment (gap + open findings)")
    sp.add_argument("file", help="assessment file (YAML or JSON)")
    sp.add_argument("--json", action="store_true", help="print the contract JSON")
    sp.add_argument("--target", choices=["合格", "优秀"], help="grade the plan reaches (default: the next one up)")
    sp.add_argument("--date", metavar="YYYY-MM-DD", help="plan date (default: the assessment's assessed_on, else today)")
    sp.add_argument("--certified-on", metavar="YYYY-MM-DD", help="certification date: observations are due at the next surveillance audit")
    sp.add_argument("--md", action="store_true", help="print the plan as Markdown")
    export_flags(sp)
    sp.add_argument("--save", action="store_true", help="save the assessment and the plan in the database")
    sp.add_argument("--workspace", metavar="NAME", help="the workspace to save in (default: 默认)")
    sp.add_argument("--no-retrieval", action="store_true", help="draft from the criteria catalogue only (no index)")

    sp = cmd("plans", "assistant.plans.cli:run_plans", "整改跟踪: list, show, update, re-grade saved plans; surveillance calendar")
    psub = sp.add_subparsers(dest="plans_command", required=True, metavar="SUBCOMMAND")
    def plans_parser(name: str, help: str) -> argparse.ArgumentParser:
        sub_p = psub.add_parser(name, help=help)
        sub_p.add_argument("--workspace", metavar="NAME", help="the workspace whose plans these are (default: 默认)")
        return sub_p

    pl = plans_parser("list", "saved plans")
    pl.add_argument("--json", action="store_true", help="print JSON")
    pl = plans_parser("show", "one saved plan (latest version unless --version)")
    pl.add_argument("id", type=int, help="plan number")
    pl.add_argument("--version", type=int, help="an earlier version")
    pl.add_argument("--json", action="store_true", help="print the contract JSON")
    pl.add_argument("--md", action="store_true", help="print the plan as Markdown")
    export_flags(pl)
    pl = plans_parser("update", "change an item's status, owner or deadline (a new version)")
    pl.add_argument("id", type=int, help="plan number")
    pl.add_argument("item_no", type=int, help="item number (序号)")
    pl.add_argument("--status", choices=["open", "in_progress", "closed"], help="open, in_progress or closed")
    pl.add_argument("--owner", metavar="ROLE", help="the responsible role, e.g. 客服中心经理")
    pl.add_argument("--deadline", metavar="YYYY-MM-DD", help="new deadline (never later than the scheme allows)")
    pl.add_argument("--json", action="store_true", help="print the updated item as JSON")
    pl = plans_parser("regrade", "grade before and after, with the closed items applied")
    pl.add_argument("id", type=int, help="plan number")
    pl.add_argument("--json", action="store_true", help="print JSON")
    pl = plans_parser("calendar", "surveillance audits and expiry from a certification date, with the deadlines")
    pl.add_argument("id", type=int, help="plan number")
    pl.add_argument("--certified-on", metavar="YYYY-MM-DD", help="certification date (default: the plan's, if saved with one)")
    pl.add_argument("--json", action="store_true", help="print JSON")
    pl = plans_parser("versions", "every saved version of a plan: when, by whom, what changed")
    pl.add_argument("id", type=int, help="plan number")
    pl.add_argument("--json", action="store_true", help="print JSON")
    pl = plans_parser("diff", "what changed between two versions of a plan")
    pl.add_argument("id", type=int, help="plan number")
    pl.add_argument("a", type=int, help="the earlier version")
    pl.add_argument("b", type=int, help="the later version")
    pl.add_argument("--json", action="store_true", help="print JSON")
    pl = plans_parser("restore", "make an earlier version the plan's next version (nothing is overwritten)")
    pl.add_argument("id", type=int, help="plan number")
    pl.add_argument("version", type=int, help="the version to restore")
    pl.add_argument("--json", action="store_true", help="print JSON")

    sp = cmd("workspace", "assistant.workspace.cli:run_workspace",
             "工作区: one per client engagement — its assessment versions, plans and conversations")
    wsub = sp.add_subparsers(dest="workspace_command", required=True, metavar="SUBCOMMAND")
    w = wsub.add_parser("create", help="a new workspace (exit 2 when the name exists)")
    w.add_argument("name", help="the workspace's name, e.g. 美澜电器-2026")
    w.add_argument("--company", help="the client company")
    w.add_argument("--industry", help="its industry, e.g. 家电")
    w.add_argument("--target", choices=["合格", "优秀"], help="the grade the engagement aims at")
    w.add_argument("--certified-on", metavar="YYYY-MM-DD", help="certification date")
    w.add_argument("--next-audit", metavar="YYYY-MM-DD", help="the next (surveillance) audit")
    w.add_argument("--json", action="store_true", help="print the workspace as JSON")
    w = wsub.add_parser("list", help="the workspaces")
    w.add_argument("--json", action="store_true", help="print JSON")
    w = wsub.add_parser("show", help="one workspace: its assessment, grade, plans and conversations")
    w.add_argument("name", help="the workspace's name")
    w.add_argument("--json", action="store_true", help="print JSON")
    w = wsub.add_parser("archive", help="archive a workspace (its data is kept; nothing new is written to it)")
    w.add_argument("name", help="the workspace's name")

    sp = cmd("user", "assistant.workspace.cli:run_user",
             "账号: personal accounts of the web app (admin, consultant, client) and their workspaces")
    usub = sp.add_subparsers(dest="user_command", required=True, metavar="SUBCOMMAND")
    u = usub.add_parser("add", help="a new account; its password is read from standard input or asked (never an argument)")
    u.add_argument("name", help="the user name, e.g. 王顾问")
    u.add_argument("--role", required=True, choices=["admin", "consultant", "client"],
                   help="admin: all workspaces; consultant: its workspaces; client: its own workspace only")
    u.add_argument("--workspace", action="append", metavar="NAME", help="a workspace it may open (repeatable)")
    u = usub.add_parser("list", help="the accounts, their roles and workspaces")
    u.add_argument("--json", action="store_true", help="print JSON")
    u = usub.add_parser("disable", help="disable an account (it can no longer log in; its sessions end)")
    u.add_argument("name", help="the user name")
    u = usub.add_parser("passwd", help="set an account's password (read from standard input or asked); enables it again")
    u.add_argument("name", help="the user name")
    u = usub.add_parser("grant", help="let an account open a workspace")
    u.add_argument("name", help="the user name")
    u.add_argument("workspace", help="the workspace's name")
    u = usub.add_parser("revoke", help="an account may no longer open a workspace (its open sessions lose it too)")
    u.add_argument("name", help="the user name")
    u.add_argument("workspace", help="the workspace's name")
    u = usub.add_parser("delete", help="delete an account and its memberships; its logins end, what it did keeps its name")
    u.add_argument("name", help="the user name")

    sp = cmd("web", "assistant.web.cli:run_web", "网页: the web app (chat, self-assessment, grade report, plan) on 127.0.0.1")
    sp.add_argument("--host", help="address to listen on (default: setting web_host, 127.0.0.1); others need a password")
    sp.add_argument("--port", type=int, help="port (default: setting web_port, 7860)")

    sp = cmd("chat", "assistant.chat.cli:run_chat", "对话: a conversation that records your situation, grades it, shows the gap, drafts plans")
    sp.add_argument("--json", action="store_true", help="read one message per line on stdin, print one JSON object per turn")
    sp.add_argument("--resume", metavar="ID", help="continue a saved conversation (its number, or 'last')")
    sp.add_argument("--new", action="store_true", help="start a new conversation (the default)")
    sp.add_argument("--list", action="store_true", help="list saved conversations")
    sp.add_argument("--workspace", metavar="NAME", help="the workspace (client case) to chat in (default: 默认)")

    sp = cmd("eval", "assistant.evals.cli:run_cli",
             "评测: the offline suite (QA, grading, plans, anonymisation, safety, conversations), report, compare, gate")
    sp.add_argument("--dataset", metavar="FILE", help="score one JSON-lines QA dataset (the contract); default: the suites in evals/")
    sp.add_argument("--json", action="store_true", help="print JSON (with --dataset exactly {items, metrics})")
    sp.add_argument("--suite", metavar="NAME[,NAME]",
                    help="only these suites: qa, grading, plans, anonymization, safety, conversations (default: all)")
    sp.add_argument("--baseline", action="store_true",
                    help="run the QA items through the LangChain baseline (Chroma + all-MiniLM-L6-v2, no BM25) too; "
                         "the suite does so by default when the eval and st extras are installed")
    sp.add_argument("--no-baseline", action="store_true", help="leave the baseline out of the suite run")
    sp.add_argument("--report", metavar="DIR", help="where the timestamped report goes (default evals/reports/)")
    sp.add_argument("--compare", nargs=2, metavar=("A", "B"), help="metric deltas between two saved runs (folders or JSON)")
    sp.add_argument("--gate", action="store_true", help="exit 1 with a table when a metric is below evals/thresholds.yaml")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    module_name, func_name = args.handler.split(":")
    try:
        handler = getattr(importlib.import_module(module_name), func_name)
        return int(handler(args) or 0)
    except BadInput as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return BadInput.exit_code
    except KeyboardInterrupt:
        return 130
