"""The scripted conversations of evals/conversations.jsonl through `chat --json` with the offline writer.

Every turn meets its expectations (intent, state, wording, citations); every grade equals the engine's on the
same assessment, and `grade FILE --json` on the conversation's final assessment agrees; every drafted plan
equals `plan FILE --json` on the same assessment; every citation is an index passage, verbatim.
"""

from __future__ import annotations

import json

import pytest

from assistant.chat.intents import INTENTS
from assistant.chat.state import gradeable
from tests.chat.scripted import (
    guard_failures,
    load_conversations,
    offline_failures,
    run_conversation,
)
from tests.conftest import run_cli

CONVERSATIONS = load_conversations()


@pytest.fixture(scope="module")
def runs(index_settings):
    return {c["id"]: run_conversation(c, index_settings.data_dir) for c in CONVERSATIONS}


def test_the_dataset_covers_every_case():
    assert len(CONVERSATIONS) >= 22
    assert len({c["id"] for c in CONVERSATIONS}) == len(CONVERSATIONS)
    intents = {t["expect"]["intent"] for c in CONVERSATIONS for t in c["turns"]}
    assert intents == set(INTENTS)
    assert any(c["lang"] == "en" for c in CONVERSATIONS)
    assert any(c.get("resume_after") for c in CONVERSATIONS)
    expects = {k for c in CONVERSATIONS for t in c["turns"] for k in t["expect"]}
    assert {"grade", "provisional", "state", "plan_items_min", "citations_min", "not_covered", "grade_unchanged"} <= expects


@pytest.mark.parametrize("conv_id", [c["id"] for c in CONVERSATIONS])
def test_conversation(conv_id, runs, index_settings, tmp_path):
    run = runs[conv_id]
    failures = offline_failures(run) + guard_failures(run, index_settings.data_dir, tmp_path)
    assert not failures, "\n".join(failures)
    assert all(o["writer"] == "offline" for o in run.outputs)


def test_final_grades_equal_the_grade_command(runs, index_settings, tmp_path):
    for conv_id, run in runs.items():
        graded = [o for o in run.outputs if o.get("grade")]
        if not graded:
            continue
        last = graded[-1]
        path = tmp_path / f"{conv_id}.json"
        path.write_text(json.dumps(gradeable(last["assessment"]), ensure_ascii=False), encoding="utf-8")
        gap = last["grade"]["gap"]
        args = ["grade", str(path), "--json"] + (["--target", gap["target"]] if gap else [])
        proc = run_cli(*args, data_dir=index_settings.data_dir)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout) == last["grade"], conv_id


def test_plans_equal_the_plan_command(runs, index_settings, tmp_path):
    checked = 0
    for conv_id, run in runs.items():
        for n, out in enumerate(run.outputs, 1):
            if out["intent"] != "plan":
                continue
            path = tmp_path / f"{conv_id}-{n}.json"
            path.write_text(json.dumps(gradeable(out["assessment"]), ensure_ascii=False), encoding="utf-8")
            proc = run_cli("plan", str(path), "--json", "--target", out["plan"]["target"], data_dir=index_settings.data_dir)
            assert proc.returncode == 0, proc.stderr
            assert json.loads(proc.stdout) == out["plan"], f"{conv_id} turn {n}"
            checked += 1
    assert checked >= 7


def test_bad_input_exits_2(index_settings):
    proc = run_cli("chat", "--json", "--resume", "999999", data_dir=index_settings.data_dir)
    assert proc.returncode == 2 and "999999" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("chat", "--json", data_dir=index_settings.data_dir, stdin="你好\n" + "长" * 5000 + "\n")
    assert proc.returncode == 2 and "line 2" in proc.stderr and "Traceback" not in proc.stderr


def test_interactive_chat_prints_and_saves(index_settings):
    proc = run_cli("chat", data_dir=index_settings.data_dir, stdin="能过吗\nexit\n")
    assert proc.returncode == 0, proc.stderr
    assert "不合格" in proc.stdout and "conversation id" in proc.stderr
    listing = run_cli("chat", "--list", data_dir=index_settings.data_dir)
    assert "能过吗" in listing.stdout
