"""The evaluation report: report.json, report.md, report.html and PNG plots in a timestamped folder, and the
comparison of two saved runs (`eval --compare A B`)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.errors import BadInput
from assistant.evals.gate import Check, suite_metrics

REPORT_JSON = "report.json"
SUITE_TITLES = {
    "qa": "问答检索 QA",
    "grading": "评级 Grading",
    "plans": "整改计划 Plans",
    "anonymization": "匿名化 Anonymization",
    "safety": "安全 Safety",
    "conversations": "对话 Conversations (offline writer)",
    "conversations_llm": "对话 Conversations (LLM writer)",
    "intake": "对话录入 Chat intake (what the chat records from clients' words)",
    "baseline": "基线 Baseline (LangChain RAG)",
}
QA_HEADLINE = ("hit@1", "hit@3", "hit@5", "mrr", "ndcg@5", "citation_support", "citation_validity", "must_include",
               "two_passage_complete@5", "source@1", "not_covered_precision", "not_covered_recall", "false_decline_rate",
               "unrelated_sentence_rate", "quote_mismatches", "answer_chars_p50", "latency_p50_ms", "latency_p95_ms")
LOWER_IS_BETTER = ("latency", "leaks", "facts_lost", "failed", "false_decline", "seconds", "unrelated_sentence",
                   "quote_mismatches", "missed_veto", "better_grade", "spurious")


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "✓" if v else "✗"
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 10 else f"{v:.1f}"
    return str(v)


def _table(head: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|"]
    lines += ["| " + " | ".join(_fmt(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _delta(a: Any, b: Any) -> str:
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or isinstance(a, bool):
        return ""
    d = b - a
    return f"{d:+.4f}" if abs(d) < 10 else f"{d:+.1f}"


def _plots(result: dict, folder: Path) -> list[tuple[str, str]]:
    """PNG plots (English labels: the default fonts have no CJK glyphs); [] when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    made = []
    qa = result.get("suites", {}).get("qa")
    base = result.get("baseline")
    if qa and qa.get("by_subset"):
        subsets = [s for s in qa["by_subset"] if "hit@5" in qa["by_subset"][s]]
        fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
        for ax, metric in zip(axes, ("hit@1", "hit@5", "mrr"), strict=True):
            xs = range(len(subsets))
            ours = [qa["by_subset"][s].get(metric) or 0 for s in subsets]
            width = 0.4 if base else 0.7
            ax.bar([x - (width / 2 if base else 0) for x in xs], ours, width, label="ours (hybrid e5 + BM25)")
            if base:
                theirs = [base["by_subset"].get(s, {}).get(metric) or 0 for s in subsets]
                ax.bar([x + width / 2 for x in xs], theirs, width, label="baseline (LangChain Chroma MiniLM)")
            ax.set_xticks(list(xs), subsets, rotation=30, ha="right", fontsize=8)
            ax.set_ylim(0, 1.05)
            ax.set_title(f"{metric} by subset")
            ax.grid(axis="y", alpha=0.3)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="upper center", ncol=2, fontsize=9)
        fig.tight_layout(rect=(0, 0, 1, 0.92))
        fig.savefig(folder / "qa_subsets.png", dpi=110)
        plt.close(fig)
        made.append(("qa_subsets.png", "QA metrics per subset, ours vs baseline"))
    if qa:
        conv = result.get("suites", {}).get("conversations") or {}
        by_intent = conv.get("latency_by_intent") or {}
        fig, axes = plt.subplots(1, 2 if by_intent else 1, figsize=(13 if by_intent else 7, 4.2), squeeze=False)
        ax = axes[0][0]
        ours = [r["latency_ms"] for r in qa["items"]]
        theirs = [r["latency_ms"] for r in base["items"]] if base else []
        top = max(ours + theirs)
        bins = [top * i / 30 for i in range(31)]
        ax.hist(ours, bins=bins, alpha=0.7, label="ours")
        if base:
            ax.hist(theirs, bins=bins, alpha=0.6, label="baseline")
        ax.set_xlabel("ms per question")
        ax.set_ylabel("questions")
        ax.set_title("QA latency distribution")
        ax.legend(fontsize=8)
        if by_intent:
            ax = axes[0][1]
            names = list(by_intent)
            xs = range(len(names))
            ax.bar([x - 0.2 for x in xs], [by_intent[n]["p50_ms"] or 0 for n in names], 0.4, label="p50")
            ax.bar([x + 0.2 for x in xs], [by_intent[n]["p95_ms"] or 0 for n in names], 0.4, label="p95")
            ax.set_xticks(list(xs), names)
            ax.set_yscale("log")
            ax.set_ylabel("ms per turn (log)")
            ax.set_title("chat latency per intent (offline writer)")
            ax.tick_params(axis="x", rotation=30, labelsize=8)
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(folder / "latency.png", dpi=110)
        plt.close(fig)
        made.append(("latency.png", "Latency: QA questions (ours vs baseline) and chat turns per intent"))
    rates = []
    for name, key in (("qa", "hit@5"), ("qa", "citation_support"), ("grading", "grade_accuracy"),
                      ("grading", "gap_correctness"), ("plans", "plan_completeness"), ("anonymization", "pass_rate"),
                      ("safety", "pass_rate"), ("conversations", "expectation_pass_rate"), ("intake", "recall"),
                      ("intake", "precision")):
        value = result.get("suites", {}).get(name, {}).get("metrics", {}).get(key)
        if isinstance(value, (int, float)):
            rates.append((f"{name}.{key}", value))
    if rates:
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(rates) + 1))
        ax.barh([r[0] for r in rates][::-1], [r[1] for r in rates][::-1], color="#4a7ab5")
        ax.set_xlim(0, 1.05)
        for y, (_, v) in enumerate(rates[::-1]):
            ax.text(min(v, 1.0) + 0.01, y, f"{v:.3f}", va="center", fontsize=8)
        ax.set_title("headline metric per suite")
        fig.tight_layout()
        fig.savefig(folder / "suites.png", dpi=110)
        plt.close(fig)
        made.append(("suites.png", "Headline metric per suite"))
    return made


def render_markdown(result: dict, plots: list[tuple[str, str]], checks: list[Check] | None) -> str:
    run = result.get("run", {})
    suites = result.get("suites", {})
    base = result.get("baseline")
    out = [f"# 评测报告 Evaluation report — {run.get('timestamp', '')}", ""]
    out.append(_table(["项目 item", "值 value"], [
        ["commit", run.get("commit")], ["writer 回答撰写", run.get("writer")], ["embedder", run.get("embedder")],
        ["suites", ", ".join(f"{k} ({v.get('status')}, {v.get('seconds')} s)" for k, v in suites.items())],
        ["总用时 total seconds", run.get("seconds")], ["CPU cores", run.get("cpus")],
    ]))
    if checks is not None:
        failed = [c for c in checks if not c.ok]
        out += ["", "## 门槛 Gate (evals/thresholds.yaml)", "",
                (f"**{'通过 PASS' if not failed else f'未通过 FAIL：{len(failed)} 项低于门槛'}** — "
                 f"{len(checks)} thresholds checked."), ""]
        out.append(_table(["suite", "metric", "value", "threshold", "ok"],
                          [[c.suite, c.metric, c.value, ("≥ " if c.bound == "min" else "≤ ") + f"{c.threshold:g}", c.ok]
                           for c in checks]))
    qa = suites.get("qa")
    if qa:
        out += ["", "## 问答检索 QA — ours vs baseline", ""]
        if base:
            out.append(f"基线 baseline: {base.get('description', '')}.")
            out.append("")
        head = ["metric", "ours 我们"] + (["baseline 基线", "Δ ours − baseline"] if base else [])
        rows = []
        for m in QA_HEADLINE:
            if m in qa["metrics"]:
                row = [m, qa["metrics"][m]]
                if base:
                    row += [base["metrics"].get(m), _delta(base["metrics"].get(m), qa["metrics"][m])]
                rows.append(row)
        out.append(_table(head, rows))
        out += ["", "### 按子集 By subset", ""]
        sub_head = ["subset", "n", "hit@1", "hit@5", "MRR", "cite support", "declined"]
        if base:
            sub_head = ["subset", "n", "hit@1 ours", "hit@1 base", "hit@5 ours", "hit@5 base", "MRR ours", "MRR base",
                        "support ours", "support base", "declined ours", "declined base"]
        rows = []
        for name, m in qa.get("by_subset", {}).items():
            b = (base or {}).get("by_subset", {}).get(name, {})
            if base:
                rows.append([name, m["items"], m.get("hit@1"), b.get("hit@1"), m.get("hit@5"), b.get("hit@5"), m.get("mrr"),
                             b.get("mrr"), m.get("citation_support"), b.get("citation_support"),
                             m.get("declined", m.get("false_decline_rate")), b.get("declined", b.get("false_decline_rate"))])
            else:
                rows.append([name, m["items"], m.get("hit@1"), m.get("hit@5"), m.get("mrr"), m.get("citation_support"),
                             m.get("declined", m.get("false_decline_rate"))])
        out.append(_table(sub_head, rows))
        out += ["", ("“declined” is the share of not-covered questions declined (not_covered subset) or of answerable "
                     "questions wrongly declined (other subsets).")]
        misses = [r for r in qa["items"] if not r["expected_not_covered"] and not r["rank"]]
        if misses:
            out += ["", f"<details><summary>未命中 misses at 5 ({len(misses)})</summary>", ""]
            out.append(_table(["id", "question", "top citation"],
                              [[r["id"], r["question"][:60], (r["citations"][0]["locator"] if r["citations"] else "(declined)")]
                               for r in misses]))
            out += ["", "</details>"]
    if "conversations" in suites and "conversations_llm" in suites:
        off, llm = suites["conversations"], suites["conversations_llm"]
        out += ["", "## 对话：离线与LLM撰写对比 Conversations, offline vs LLM writer (same items)", ""]
        out.append(_table(["metric", f"offline ({off.get('writer')})", f"LLM ({llm.get('writer')})"],
                          [[k, v, llm.get("metrics", {}).get(k)] for k, v in off.get("metrics", {}).items()]))
        if llm.get("turns_by_writer"):
            out += ["", "LLM run, turns per writer: "
                    + ", ".join(f"{k} {v}" for k, v in sorted(llm["turns_by_writer"].items()))]
    for name, title in SUITE_TITLES.items():
        if name in ("qa", "baseline") or name not in suites:
            continue
        s = suites[name]
        out += ["", f"## {title}", ""]
        if s.get("status") == "skipped":
            out.append(f"跳过 skipped: {s.get('reason', '')}")
            continue
        if s.get("writer"):
            out.append(f"writer: **{s['writer']}**")
            out.append("")
        out.append(_table(["metric", "value"], [[k, v] for k, v in s.get("metrics", {}).items()]))
        if s.get("latency_by_intent"):
            out += ["", "Latency per intent (turns after the first of each process; the first pays the start-up):", ""]
            out.append(_table(["intent", "n", "p50 ms", "p95 ms"],
                              [[k, v["n"], v["p50_ms"], v["p95_ms"]] for k, v in s["latency_by_intent"].items()]))
        failures = _failures(name, s)
        if failures:
            out += ["", f"<details><summary>失败明细 failures ({len(failures)})</summary>", ""]
            out.append(_table(["id", "problem"], failures))
            out += ["", "</details>"]
    for file, caption in plots:
        out += ["", f"![{caption}]({file})", "", f"*{caption}*"]
    return "\n".join(out) + "\n"


def _failures(name: str, suite: dict) -> list[list[str]]:
    rows = []
    for item in suite.get("items", []):
        if name.startswith("conversations"):
            for t in item.get("turns", []):
                for p in t.get("problems", []):
                    rows.append([f"{item['id']} turn {t['turn']}", f"{t.get('user', '')[:30]} → {p}"])
        elif name == "anonymization":
            if item.get("leaked") or item.get("lost"):
                rows.append([item["id"], f"leaked {item.get('leaked')} lost {item.get('lost')}"])
        elif name == "intake":
            if not item.get("passed") and item.get("split") == "dev":  # the held-out split is scored, not read
                wrong = {f: c for f, c in item.get("wrong", {}).items()}
                flag = "" if item.get("flagged") or not item.get("flag_needed") else " (no 没能记录 line)"
                rows.append([item["id"], f"{item.get('text', '')[:40]} → {wrong}{flag}"])
        else:
            rows += [[item["id"], p[:200]] for p in item.get("problems", [])]
    if name == "intake":
        for sc in suite.get("scenarios", []):
            # Held-out scenarios count in the metrics; what they got wrong is not shown, so nobody tunes on it.
            shown = sc["problems"] if sc.get("split") == "dev" else ["(held-out: details not shown)"] * bool(sc["problems"])
            rows += [[sc["id"], p[:200]] for p in shown]
    return rows


_CSS = """body{font-family:-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;max-width:1200px;margin:2em auto;
padding:0 1em;color:#222}table{border-collapse:collapse;margin:.6em 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 8px}
th{background:#f2f4f7}td:not(:first-child){text-align:right}img{max-width:100%}code{background:#f4f4f4}"""


def render_html(markdown: str, title: str) -> str:
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    head = f'<meta charset="utf-8"><title>{title}</title><style>{_CSS}</style>'
    return f'<!doctype html><html lang="zh"><head>{head}</head><body>{body}</body></html>\n'


def new_folder(root: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(root) / stamp
    n = 1
    while folder.exists():
        n += 1
        folder = Path(root) / f"{stamp}-{n}"
    folder.mkdir(parents=True)
    return folder


def write_report(result: dict, root: Path, checks: list[Check] | None = None) -> Path:
    """Save the run under root/<timestamp>/: report.json (everything), report.md, report.html, PNG plots."""
    folder = new_folder(root)
    plots = _plots(result, folder)
    saved = dict(result)
    if checks is not None:
        saved["gate"] = [c.__dict__ | {"ok": c.ok} for c in checks]
    (folder / REPORT_JSON).write_text(json.dumps(saved, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    md = render_markdown(result, plots, checks)
    (folder / "report.md").write_text(md, encoding="utf-8")
    (folder / "report.html").write_text(render_html(md, f"评测报告 {result.get('run', {}).get('timestamp', '')}"),
                                        encoding="utf-8")
    return folder


# --- comparing two runs -------------------------------------------------------------------------------


def load_run(path: str | Path) -> dict:
    """A saved run: a report folder, its report.json, or the JSON `eval --json` printed."""
    p = Path(path)
    if p.is_dir():
        p = p / REPORT_JSON
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput("no such report (give a report folder or its report.json)", where=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput(f"not a readable report JSON ({exc.__class__.__name__})", where=str(p)) from None
    if not isinstance(data, dict) or not ("suites" in data or "metrics" in data):
        raise BadInput("not an eval report: expected 'suites' or 'metrics'", where=str(p))
    return data


def flat_metrics(run: dict) -> dict[str, Any]:
    """`suite.metric` → value over every suite (and the baseline), numbers only."""
    suites = dict(run.get("suites") or {})
    if not suites and run.get("metrics"):
        suites = {"qa": {"metrics": run["metrics"]}}
    if run.get("baseline"):
        suites["baseline"] = run["baseline"]
    out = {}
    for name, suite in suites.items():
        if suite.get("status") == "skipped":
            continue
        for k, v in suite_metrics(suite).items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out[f"{name}.{k}"] = v
    return out


def compare(a: dict, b: dict) -> list[dict[str, Any]]:
    """Per metric present in either run: value in A, in B, delta B − A, and whether B is better, worse or equal."""
    fa, fb = flat_metrics(a), flat_metrics(b)
    rows = []
    for key in sorted(set(fa) | set(fb), key=lambda k: (k.split(".")[0], "[" in k, k)):
        va, vb = fa.get(key), fb.get(key)
        verdict = ""
        if va is not None and vb is not None:
            lower = any(word in key for word in LOWER_IS_BETTER)
            d = vb - va
            verdict = "=" if abs(d) < 1e-9 else ("better" if (d < 0) == lower else "worse")
        rows.append({"metric": key, "a": va, "b": vb, "delta": None if va is None or vb is None else round(vb - va, 4),
                     "verdict": verdict})
    return rows
