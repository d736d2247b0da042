"""`python -m assistant eval …`: score a QA dataset (the contract), run the project's suites, report, compare, gate."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from assistant.errors import BadInput
from assistant.evals import gate
from assistant.evals.data import EVALS_DIR
from assistant.settings import get_settings

DEFAULT_REPORTS = EVALS_DIR / "reports"


def _print(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def run_cli(args) -> int:
    if args.baseline and getattr(args, "no_baseline", False):
        raise BadInput("give --baseline or --no-baseline, not both", where="eval")
    if getattr(args, "compare", None):
        if args.dataset or args.gate or args.baseline or args.suite:
            raise BadInput("--compare A B reads two saved runs; give it alone (with --json at most)", where="eval")
        return _compare(args.compare[0], args.compare[1], as_json=args.json)
    if args.dataset:
        if args.gate:
            raise BadInput("--gate checks the project's suites against evals/thresholds.yaml; drop --dataset", where="eval")
        if args.suite and args.suite.strip() != "qa":
            raise BadInput("--dataset scores a QA dataset; --suite can only be qa with it", where="--suite")
        return _dataset(Path(args.dataset), args)
    return _suites(args)


def _dataset(path: Path, args) -> int:
    """CONTRACTS.md `eval --dataset FILE --json`: {"items": [...], "metrics": {...}} on stdout, and with --baseline a
    "baseline" key holding the baseline's metrics on the same items."""
    from assistant.evals import qa

    settings = get_settings()
    items = qa.load_dataset(path)
    result = qa.evaluate(items, settings)
    baseline = None
    if args.baseline:
        from assistant.evals.baseline import BaselineRAG

        rag = BaselineRAG(settings)
        baseline = qa.evaluate(items, settings, rag.answer)
    if args.report:
        from assistant.evals import report
        from assistant.evals.runner import run_info

        full = {"items": result["items"], "metrics": result["metrics"], "run": run_info(settings),
                "suites": {"qa": {"status": "ok", "dataset": str(path), **result, "by_subset": qa.by_subset(result["items"])}}}
        if baseline is not None:
            full["baseline"] = {"status": "ok", **baseline, "by_subset": qa.by_subset(baseline["items"]),
                                "description": "LangChain Chroma, all-MiniLM-L6-v2, whole chunks, top-k, no BM25, same composer"}
        folder = report.write_report(full, Path(args.report))
        print(f"报告 report: {folder}", file=sys.stderr)
    if args.json:
        out = {"items": result["items"], "metrics": result["metrics"]}
        if baseline is not None:
            # The contract's object may grow a key: the baseline's figures on the same items (its rows stay out).
            out["baseline"] = {"metrics": baseline["metrics"], "by_subset": qa.by_subset(baseline["items"]),
                               "description": "LangChain Chroma, all-MiniLM-L6-v2, whole chunks, top-k, no BM25, same composer"}
        _print(out)
    else:
        _metrics_table(f"评测 eval: {path.name}", result["metrics"], baseline["metrics"] if baseline else None)
    return 0


def _suites(args) -> int:
    from assistant.evals import baseline, report
    from assistant.evals.runner import parse_suites, run_suites

    settings = get_settings()
    names = parse_suites(args.suite)
    # The report sets the baseline beside ours whenever its packages are installed; --baseline insists on it.
    with_baseline = args.baseline or (not getattr(args, "no_baseline", False) and baseline.available())
    if "qa" in names and not with_baseline and not getattr(args, "no_baseline", False):
        print("提示 note: baseline skipped (install the extras: .venv/bin/pip install -e '.[eval,st]')", file=sys.stderr)
    result = run_suites(names, settings, baseline=with_baseline)
    if args.gate or gate.THRESHOLDS.exists():
        checks = gate.check(result["suites"], gate.load_thresholds())
    else:
        checks = []
        print(f"提示 note: no {gate.THRESHOLDS}; the report has no gate table", file=sys.stderr)
    folder = report.write_report(result, Path(args.report) if args.report else DEFAULT_REPORTS, checks or None)
    print(f"报告 report: {folder / 'report.md'} (also report.html, report.json)", file=sys.stderr)
    if args.json:
        _print(result | {"gate": [c.__dict__ for c in checks], "report": str(folder)})
    else:
        _readable(result, checks)
    failed = [c for c in checks if not c.ok]
    if args.gate and failed:
        print(f"门槛未通过 gate FAILED: {len(failed)} metric(s) below evals/thresholds.yaml\n"
              + gate.table(failed), file=sys.stderr)
        return 1
    if args.gate:
        print(f"门槛通过 gate passed: {len(checks)} thresholds", file=sys.stderr)
    return 0


def _metrics_table(title: str, ours: dict, base: dict | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    table.add_column("metric")
    table.add_column("ours", justify="right")
    if base is not None:
        table.add_column("baseline", justify="right")
    for key, value in ours.items():
        row = [key, "—" if value is None else str(value)]
        if base is not None:
            row.append("—" if base.get(key) is None else str(base.get(key)))
        table.add_row(*row)
    Console().print(table)


def _readable(result: dict, checks: list[gate.Check]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    base = result.get("baseline")
    for name, suite in result["suites"].items():
        if suite.get("status") == "skipped":
            console.print(f"[yellow]{name}: skipped[/yellow] ({suite.get('reason')})")
            continue
        _metrics_table(f"{name} ({suite.get('seconds')} s)", suite["metrics"],
                       base["metrics"] if (name == "qa" and base) else None)
    if checks:
        table = Table(title="门槛 gate (evals/thresholds.yaml)")
        for col in ("suite", "metric", "value", "threshold", "ok"):
            table.add_column(col)
        for c in checks:
            table.add_row(c.suite, c.metric, "missing" if c.value is None else f"{c.value:g}",
                          ("≥ " if c.bound == "min" else "≤ ") + f"{c.threshold:g}", "✓" if c.ok else "[red]✗[/red]")
        console.print(table)
    console.print(f"总用时 total: {result['run']['seconds']} s")


def _compare(a: str, b: str, *, as_json: bool) -> int:
    from assistant.evals import report

    rows = report.compare(report.load_run(a), report.load_run(b))
    if as_json:
        _print({"a": a, "b": b, "metrics": rows})
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"对比 compare: A = {a}  B = {b}")
    for col in ("metric", "A", "B", "Δ B − A", ""):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for r in rows:
        style = {"better": "green", "worse": "red"}.get(r["verdict"], "")
        table.add_row(r["metric"], "—" if r["a"] is None else f"{r['a']:g}", "—" if r["b"] is None else f"{r['b']:g}",
                      "" if r["delta"] is None else f"{r['delta']:+g}",
                      f"[{style}]{r['verdict']}[/{style}]" if style else r["verdict"])
    Console().print(table)
    return 0
