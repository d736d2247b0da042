"""The intake suite: what the chat records from clients' own words, scored per field against a consultant's reading.

Datasets (evals/README.md; `DATASETS` and `SCENARIOS` below say which file is which split): development messages
and conversations, and a held-out part (measured, never read or tuned on) written before each round of work. Every message goes
through the real conversation (`Conversation.handle`, offline writer); what it recorded is the difference of the
conversation's assessment before and after the message. Scored:

- per field (kpi, level, evidence, declaration, finding, enterprise): precision and recall of the facts recorded
  against the facts the case expects from that message (a wrong value is a false fact and a missed one);
- `flagged`: of the messages stating a quantity with no place in the assessment, the share whose answer says so
  ("没能记录" / "Not recorded");
- scenarios: a veto or open major finding stated in plain words and missing from what the chat graded
  (`missed_veto`), and a turn where the chat stated a better grade than the engine gives on the facts the client
  stated (`better_grade`).
"""

from __future__ import annotations

import copy
import re
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from assistant.evals.data import load_jsonl
from assistant.evals.metrics import percentile, share
from assistant.settings import Settings

FIELDS = ("kpi", "level", "evidence", "declaration", "finding", "enterprise")
FLAG = {"zh": "没能记录", "en": "Not recorded"}
GRADE_ORDER = {"不合格": 0, "合格": 1, "优秀": 2}
# Which file is which split. A held-out file is scored and never read or tuned on; once it has been measured after
# a round of work it is spent and joins the development split, and a fresh one written before the next round
# takes its place (evals/README.md). Round 1's held-out third (intake_heldout.jsonl and the scenarios marked
# "heldout" in intake_scenarios.jsonl) was measured on 2026-12-06 and is development data since; intake_cases3 and
# intake_scenarios3 are more development data, written for round 2 by another writer who had not seen the code.
# Round 2's to round 5's held-out parts (intake_heldout2…5 and their scenarios) were measured after their rounds
# (2026-12-07) and are development data since, as is round 6's part (intake_heldout6 and its scenarios).
# intake_train_ev1/2 are development data written for round 7 by two more writers (documents offered or only
# mentioned, practices described). Round 7's part (intake_heldout7 and its scenarios, written before round 7 by a
# writer who saw only SCHEME.md, CONTRACTS.md, the catalogue and the annotation guide) was measured after round 7
# and is development data since, as are intake_train_fl1/2 (findings, levels told in words, company facts) and
# intake_train_vt1 (vetoes told in plain words), three more writers' sets for round 8. Round 8's part
# (intake_heldout8 and its scenarios) was measured after round 8 and is development data since, as are
# intake_train_fd1 (findings told in words) and intake_train_mx1 (mixed facts, declarations, organisation,
# corrections), two more writers' sets for round 9. Round 9's part (intake_heldout9 and its scenarios) was measured
# before and after round 9 and is development data since, as is round 10's part (intake_heldout10 and its
# scenarios, measured before and after round 10), and round 11's (intake_heldout11 and its scenarios, measured
# before and after round 11, then its conversations with a missed veto read). Round 12's part (intake_heldout12 and
# its scenarios, written before round 12 like round 7's) is the `heldout` split.
DATASETS = {"dev": ("intake_cases.jsonl", "intake_heldout.jsonl", "intake_cases3.jsonl", "intake_heldout2.jsonl",
                    "intake_heldout3.jsonl", "intake_heldout4.jsonl", "intake_heldout5.jsonl", "intake_heldout6.jsonl",
                    "intake_train_ev1.jsonl", "intake_train_ev2.jsonl", "intake_heldout7.jsonl",
                    "intake_train_fl1.jsonl", "intake_train_fl2.jsonl", "intake_train_vt1.jsonl",
                    "intake_heldout8.jsonl", "intake_train_fd1.jsonl", "intake_train_mx1.jsonl",
                    "intake_heldout9.jsonl", "intake_heldout10.jsonl", "intake_heldout11.jsonl"),
            "heldout": ("intake_heldout12.jsonl",)}
SCENARIOS = {"intake_scenarios.jsonl": "dev", "intake_scenarios3.jsonl": "dev", "intake_scenarios2.jsonl": "dev",
             "intake_heldout3_scenarios.jsonl": "dev", "intake_heldout4_scenarios.jsonl": "dev",
             "intake_heldout5_scenarios.jsonl": "dev", "intake_heldout6_scenarios.jsonl": "dev",
             "intake_heldout7_scenarios.jsonl": "dev", "intake_heldout8_scenarios.jsonl": "dev",
             "intake_heldout9_scenarios.jsonl": "dev", "intake_heldout10_scenarios.jsonl": "dev",
             "intake_heldout11_scenarios.jsonl": "dev", "intake_heldout12_scenarios.jsonl": "heldout"}
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def _norm(text: Any) -> str:
    return _PUNCT.sub("", str(text)).lower()


# --- facts: what a message recorded, what it should have -----------------------------------------------------


def recorded(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The facts a message recorded: the difference of the assessment before and after it, by field."""
    out: dict[str, Any] = {"kpi": {}, "level": {}, "evidence": {}, "declarations": {}, "findings": [], "enterprise": {}}
    b_crit, a_crit = before.get("criteria") or {}, after.get("criteria") or {}
    for cid, entry in a_crit.items():
        old = b_crit.get(cid) or {}
        if entry.get("kpi") is not None and entry.get("kpi") != old.get("kpi"):
            out["kpi"][cid] = entry["kpi"]
        if entry.get("level") is not None and entry.get("level") != old.get("level"):
            out["level"][cid] = entry["level"]
        new_items = [e for e in entry.get("evidence") or [] if e not in (old.get("evidence") or [])]
        if new_items:
            out["evidence"][cid] = new_items
    b_decl, a_decl = before.get("declarations") or {}, after.get("declarations") or {}
    out["declarations"] = {k: v for k, v in a_decl.items() if b_decl.get(k) != v}
    old_findings = {f.get("id"): f for f in before.get("findings") or []}
    out["findings"] = [f for f in after.get("findings") or [] if old_findings.get(f.get("id")) != f]
    b_ent, a_ent = before.get("enterprise") or {}, after.get("enterprise") or {}
    out["enterprise"] = {k: v for k, v in a_ent.items() if v not in (None, "") and b_ent.get(k) != v}
    return out


def _close(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) <= 1e-3 * max(1.0, abs(float(b)))
    except (TypeError, ValueError):
        return False


def _level_ok(got: Any, want: Any) -> bool:
    """A level matches a level range that holds it; a range (a second reading's, evals/reading_agreement.py) matches
    a level inside it or a range it overlaps."""
    if isinstance(got, list):
        return got[0] <= want[1] and want[0] <= got[1] if isinstance(want, list) else got[0] <= want <= got[1]
    if isinstance(want, list):
        return isinstance(got, int) and want[0] <= got <= want[1]
    return got == want


def _doc_match(got: str, want: str) -> bool:
    g, w = _norm(got), _norm(want)
    return bool(g) and bool(w) and (g == w or w in g or g in w)


def _finding_match(got: dict, want: dict) -> bool:
    for key in ("severity", "status", "criterion", "raised_on", "id"):
        if want.get(key) is not None and str(got.get(key)) != str(want[key]):
            return False
    return True


def _enterprise_match(key: str, got: Any, want: Any) -> bool:
    if key == "employees":
        return _close(got, want)
    return _doc_match(str(got), str(want))


def score(rec: dict[str, Any], expect: dict[str, Any]) -> dict[str, dict[str, int]]:
    """True positives, false positives and false negatives per field for one message."""
    counts = {f: {"tp": 0, "fp": 0, "fn": 0} for f in FIELDS}

    def tally(field: str, got: dict, want: dict, same) -> None:
        for key in set(got) | set(want):
            if key in got and key in want and same(key, got[key], want[key]):
                counts[field]["tp"] += 1
            else:
                counts[field]["fp"] += key in got
                counts[field]["fn"] += key in want

    tally("kpi", rec["kpi"], expect.get("kpi") or {}, lambda _k, g, w: _close(g, w))
    tally("level", rec["level"], expect.get("level") or {}, lambda _k, g, w: _level_ok(g, w))
    tally("declaration", rec["declarations"], expect.get("declarations") or {}, lambda _k, g, w: g == w)
    tally("enterprise", rec["enterprise"], expect.get("enterprise") or {}, _enterprise_match)
    want_ev = expect.get("evidence") or {}
    for cid in set(rec["evidence"]) | set(want_ev):
        got_items, want_items = list(rec["evidence"].get(cid, [])), list(want_ev.get(cid, []))
        for w in want_items:
            hit = next((g for g in got_items if _doc_match(g, w)), None)
            if hit is not None:
                got_items.remove(hit)
                counts["evidence"]["tp"] += 1
            else:
                counts["evidence"]["fn"] += 1
        counts["evidence"]["fp"] += len(got_items)
    got_f = list(rec["findings"])
    for w in expect.get("findings") or []:
        hit = next((g for g in got_f if _finding_match(g, w)), None)
        if hit is not None:
            got_f.remove(hit)
            counts["finding"]["tp"] += 1
        else:
            counts["finding"]["fn"] += 1
    counts["finding"]["fp"] += len(got_f)
    return counts


def _add(total: dict, counts: dict) -> None:
    for f, c in counts.items():
        for k, v in c.items():
            total[f][k] += v


def _pr(c: dict[str, int]) -> tuple[float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return p, r


def _metrics(total: dict, prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    micro = {"tp": 0, "fp": 0, "fn": 0}
    for f in FIELDS:
        for k in micro:
            micro[k] += total[f][k]
        if total[f]["tp"] + total[f]["fp"] + total[f]["fn"]:
            p, r = _pr(total[f])
            out[f"{prefix}precision[{f}]"], out[f"{prefix}recall[{f}]"] = p, r
    out[f"{prefix}precision"], out[f"{prefix}recall"] = _pr(micro)
    return out


def _flagged(answer: str, lang: str) -> bool:
    return FLAG.get(lang, FLAG["zh"]) in answer or FLAG["zh"] in answer


# --- running messages through the real chat -------------------------------------------------------------------


# The day the datasets were written: "上个月20号" in a message means 2026-11-20 whenever the suite runs.
TODAY = date(2026, 12, 6)


def _conversation(settings: Settings):
    from assistant.chat.conversation import Conversation
    from assistant.chat.offline import OfflineWriter

    return Conversation(settings, writer=OfflineWriter(settings), save=False, today=TODAY)


def _turn(conv, text: str) -> tuple[dict, dict, float]:
    before = copy.deepcopy(conv.state.assessment)
    started = time.perf_counter()
    out = conv.handle(text)
    ms = (time.perf_counter() - started) * 1000
    return recorded(before, conv.state.assessment), out, ms


def run_cases(path: Path, settings: Settings, split: str) -> tuple[list[dict], dict, dict]:
    rows, total = [], {f: {"tp": 0, "fp": 0, "fn": 0} for f in FIELDS}
    flags = {"needed": 0, "given": 0, "spurious": 0}
    for case in load_jsonl(path, required=("id", "text", "expect")):
        conv = _conversation(settings)
        for earlier in case.get("history") or []:
            conv.handle(earlier)
        rec, out, ms = _turn(conv, case["text"])
        counts = score(rec, case["expect"])
        _add(total, counts)
        needs_flag = bool(case.get("unrecorded"))
        flagged = _flagged(out["answer"], case.get("lang", "zh"))
        flags["needed"] += needs_flag
        flags["given"] += needs_flag and flagged
        flags["spurious"] += (not needs_flag) and flagged
        wrong = {f: c for f, c in counts.items() if c["fp"] or c["fn"]}
        rows.append({"id": case["id"], "split": split, "kind": case.get("kind"), "text": case["text"],
                     "passed": not wrong and (flagged or not needs_flag), "wrong": wrong,
                     "recorded": rec, "expected": case["expect"], "flag_needed": needs_flag, "flagged": flagged,
                     "answer": out["answer"], "intent": out["intent"], "latency_ms": round(ms, 1)})
    return rows, total, flags


# --- scenarios: the grade the chat states against the facts the client stated ----------------------------------


def _expected_assessment(state: dict[str, Any], fact: dict[str, Any]) -> None:
    """Fold the facts one message states into the assessment a consultant would have written down."""
    crit = state.setdefault("criteria", {})
    for cid, v in (fact.get("kpi") or {}).items():
        crit.setdefault(cid, {})["kpi"] = v
    for cid, v in (fact.get("level") or {}).items():
        crit.setdefault(cid, {})["level"] = v[0] if isinstance(v, list) else v  # the lower end: never flatter
    for cid, items in (fact.get("evidence") or {}).items():
        have = crit.setdefault(cid, {}).setdefault("evidence", [])
        have += [i for i in items if i not in have]
    state.setdefault("declarations", {}).update(fact.get("declarations") or {})
    findings = state.setdefault("findings", [])
    for f in fact.get("findings") or []:
        same = _same_finding(findings, f)
        if same is not None:
            same.update({k: v for k, v in f.items() if v is not None})
        else:
            findings.append(dict(f))


def _same_finding(findings: list[dict[str, Any]], f: dict[str, Any]) -> dict[str, Any] | None:
    """The finding `f` tells again: the same ID, or (both without one) the same severity, clause and audit date."""
    if f.get("id"):
        return next((x for x in findings if x.get("id") == f["id"]), None)
    return next((x for x in findings if not x.get("id") and all(x.get(k) == f.get(k) for k in ("severity", "criterion", "raised_on"))),
                None)


def _news(expected_state: dict[str, Any], expect: dict[str, Any]) -> dict[str, Any]:
    """What a turn's expectation changes in the conversation so far: a finding told again exactly as it stands
    ("F1还在整改，没关") is no new fact to record, just as the chat's record of it is no change."""
    findings = expect.get("findings")
    if not findings:
        return expect
    known = expected_state.get("findings") or []
    fresh = [f for f in findings
             if not ((same := _same_finding(known, f)) is not None and all(same.get(k) == v for k, v in f.items() if v is not None))]
    out = dict(expect)
    if fresh:
        out["findings"] = fresh
    else:
        out.pop("findings")
    return out


def _stated_veto(vid: str, expected: dict[str, Any], settings: Settings) -> bool:
    """Whether the client stated the veto: a declaration or an open finding is stated; a veto on a criterion's level
    (V2: D5.1 at 0) only when the client gave that criterion a level. A criterion never given one grades as L0 in
    the writer's assessment too, which is no statement ("有售后服务部，任命书和组织架构图都有" with no level)."""
    from assistant.rules import load_scheme

    trigger = load_scheme(expected.get("scheme"), settings.knowledge_dir).vetoes[vid].trigger
    if trigger.kind != "criterion_level_at_most":
        return True
    return "level" in (expected.get("criteria") or {}).get(trigger.criterion, {})


def _graded(state: dict[str, Any], settings: Settings):
    from assistant.chat.state import gradeable
    from assistant.rules import grade, validate_assessment

    data = gradeable(copy.deepcopy(state))
    kept = []
    for n, f in enumerate(data.get("findings") or [], 1):
        if f.get("severity"):  # a finding without its clause still counts for V4 and R3
            kept.append({"id": f.get("id") or f"X{n}", "criterion": f.get("criterion"), "severity": f["severity"],
                         "status": f.get("status") or "open", **({"raised_on": f["raised_on"]} if f.get("raised_on") else {})})
    data["findings"] = kept
    if not kept:
        data.pop("findings")
    return grade(validate_assessment(data, knowledge_dir=settings.knowledge_dir))


def run_scenarios(path: Path, settings: Settings, only: str | None = None,
                  split_of_file: str | None = None) -> tuple[list[dict], dict[str, dict], dict[str, dict]]:
    """The scenarios (of one split with `only`): per-turn facts, missed vetoes, better grades than the facts give.
    `split_of_file` overrides each scenario's own "split" (a spent held-out file is development data)."""
    rows: list[dict] = []
    totals = {s: {f: {"tp": 0, "fp": 0, "fn": 0} for f in FIELDS} for s in ("dev", "heldout")}
    flags = {s: {"needed": 0, "given": 0, "spurious": 0} for s in ("dev", "heldout")}
    for sc in load_jsonl(path, required=("id", "turns")):
        split = split_of_file or sc.get("split", "dev")
        if only is not None and split != only:
            continue
        conv = _conversation(settings)
        expected: dict[str, Any] = {"criteria": {}}
        problems: list[str] = []
        missed, better = False, False
        for n, turn in enumerate(sc["turns"], 1):
            rec, out, _ms = _turn(conv, turn["user"])
            expect = _news(expected, turn.get("expect") or {})
            counts = score(rec, expect)
            _add(totals[split], counts)
            if any(c["fp"] or c["fn"] for c in counts.values()):
                problems.append(f"turn {n}: recorded {_brief(rec)}, expected {expect}")
            _expected_assessment(expected, turn.get("expect") or {})
            if turn.get("unrecorded"):
                flags[split]["needed"] += 1
                flags[split]["given"] += _flagged(out["answer"], sc.get("lang", "zh"))
            if not turn.get("asks_grade"):
                continue
            truth = _graded(expected, settings)
            stated = (out.get("grade") or {}).get("grade")
            if stated is not None and GRADE_ORDER[stated] > GRADE_ORDER[truth.grade]:
                better = True
                problems.append(f"turn {n}: stated {stated}, the client's facts give {truth.grade}")
            chat_vetoes = set()
            try:
                chat_vetoes = {v.id for v in _graded(conv.state.assessment, settings).vetoes}
            except Exception as exc:  # an assessment the chat holds must always grade
                problems.append(f"turn {n}: the chat's assessment does not grade ({exc})")
            lost = {v.id for v in truth.vetoes if _stated_veto(v.id, expected, settings)} - chat_vetoes
            if lost:
                missed = True
                problems.append(f"turn {n}: vetoes {sorted(lost)} stated by the client are not in the chat's grade")
        rows.append({"id": sc["id"], "split": split, "passed": not problems, "problems": problems,
                     "missed_veto": missed, "better_grade": better, "turns": len(sc["turns"])})
    return rows, totals, flags


def _brief(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rec.items() if v}


def _split_cases(folder: Path, settings: Settings, split: str) -> tuple[list[dict], dict, dict]:
    rows: list[dict] = []
    total = {f: {"tp": 0, "fp": 0, "fn": 0} for f in FIELDS}
    flags = {"needed": 0, "given": 0, "spurious": 0}
    for name in DATASETS[split]:
        r, t, fl = run_cases(folder / name, settings, split)
        rows += r
        _add(total, t)
        for k in flags:
            flags[k] += fl[k]
    return rows, total, flags


def _split_scenarios(folder: Path, settings: Settings, only: str | None = None) -> tuple[list[dict], dict, dict]:
    rows: list[dict] = []
    totals = {s: {f: {"tp": 0, "fp": 0, "fn": 0} for f in FIELDS} for s in ("dev", "heldout")}
    flags = {s: {"needed": 0, "given": 0, "spurious": 0} for s in ("dev", "heldout")}
    for name, split in SCENARIOS.items():
        if only is not None and split != only:
            continue
        r, t, fl = run_scenarios(folder / name, settings, split_of_file=split)
        rows += r
        for s in totals:
            _add(totals[s], t[s])
            for k in flags[s]:
                flags[s][k] += fl[s][k]
    return rows, totals, flags


def run_dev(settings: Settings, folder: Path | None = None) -> dict:
    """The development split only (messages and scenarios): what a change to the reader is tuned on."""
    from assistant.evals.data import EVALS_DIR

    folder = folder or EVALS_DIR
    rows, total, flags = _split_cases(folder, settings, "dev")
    sc_rows, sc_totals, sc_flags = _split_scenarios(folder, settings, only="dev")
    _add(total, sc_totals["dev"])
    metrics = _metrics(total)
    needed = flags["needed"] + sc_flags["dev"]["needed"]
    metrics["flagged"] = (flags["given"] + sc_flags["dev"]["given"]) / needed if needed else 1.0
    metrics["spurious_flags"] = flags["spurious"]
    metrics["missed_veto_scenarios"] = sum(r["missed_veto"] for r in sc_rows)
    metrics["better_grade_scenarios"] = sum(r["better_grade"] for r in sc_rows)
    return {"metrics": metrics, "items": rows, "scenarios": sc_rows}


def run(path: Path, settings: Settings) -> dict:
    """`path` is the development file; the held-out file and the scenarios are read beside it."""
    folder = path.parent
    items: list[dict] = []
    metrics: dict[str, Any] = {}
    latencies: list[float] = []
    totals = {}
    flag_totals = {}
    for split in DATASETS:
        rows, total, flags = _split_cases(folder, settings, split)
        if split == "heldout":  # scored, not shown: what a held-out message got wrong must not guide a change
            rows = [{k: r[k] for k in ("id", "split", "kind", "passed", "latency_ms")} for r in rows]
        items += rows
        totals[split], flag_totals[split] = total, flags
        latencies += [r["latency_ms"] for r in rows]
    sc_rows, sc_totals, sc_flags = _split_scenarios(folder, settings)
    for r in sc_rows:
        if r["split"] == "heldout":
            r["problems"] = [f"({len(r['problems'])} problems; held-out, not shown)"] if r["problems"] else []
    for split in ("dev", "heldout"):
        combined = copy.deepcopy(totals[split])
        _add(combined, sc_totals[split])
        prefix = "" if split == "dev" else "heldout_"
        metrics.update(_metrics(combined, prefix))
        f = {k: flag_totals[split][k] + sc_flags[split].get(k, 0) for k in ("needed", "given")}
        metrics[f"{prefix}flagged"] = f["given"] / f["needed"] if f["needed"] else 1.0
        metrics[f"{prefix}spurious_flags"] = flag_totals[split]["spurious"]
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for r in items:
        if r["split"] == "dev":
            by_kind[r["kind"]].append(r["passed"])
    for kind, flags in sorted(by_kind.items()):
        metrics[f"pass_rate[{kind}]"] = share(flags)
    metrics["messages"] = len(items)
    metrics["scenarios"] = len(sc_rows)
    metrics["missed_veto_scenarios"] = sum(r["missed_veto"] for r in sc_rows)
    metrics["better_grade_scenarios"] = sum(r["better_grade"] for r in sc_rows)
    metrics["scenario_pass_rate"] = share(r["passed"] for r in sc_rows)
    metrics["latency_p50_ms"] = percentile(latencies, 50)
    return {"metrics": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()},
            "items": items, "scenarios": sc_rows}
