"""Command-line interface: `python -m assistant <command>` (console script `shouhou`)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from assistant.errors import BadInput


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
    sp = cmd("eval", "assistant.evaluation:run_cli", "评测: score answers on QA datasets (hit@k, MRR, nDCG, citations, not-covered)")
    sp.add_argument("--dataset", metavar="FILE", help="JSON-lines QA items; default: the project's suite in evals/")
    sp.add_argument("--json", action="store_true", help="print the contract JSON")
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
