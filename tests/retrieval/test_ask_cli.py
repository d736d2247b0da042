"""`ask` as users and acceptance checks run it: the contract JSON, batch files, not-covered answers, bad input."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def test_ask_json_contract(index_settings):
    result = run_cli("ask", "监督审核多久一次？", "--json", data_dir=index_settings.data_dir)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) >= {"id", "question", "answer", "citations"}
    assert out["question"] == "监督审核多久一次？"
    # The rules say 每半年; the scheme passage says 每6个月: either answers the question.
    assert ("半年" in out["answer"] or "6个月" in out["answer"]) and "[1]" in out["answer"]
    locators = [c["locator"] for c in out["citations"]]
    assert "二、认证实施流程 (3)" in locators[:3]
    first = out["citations"][0]
    assert first["source"] == "rules"
    assert set(first) == {"source", "locator", "criterion", "text", "score"}
    assert 1 <= len(out["citations"]) <= 5


def test_ask_questions_file_keeps_order_and_ids(index_settings, tmp_path):
    qfile = tmp_path / "q.jsonl"
    qfile.write_text(
        '{"id": "a", "question": "认证结果分几个等级", "extra": 1}\n\n{"id": "b", "question": "What must an improvement plan contain?"}\n',
        encoding="utf-8",
    )
    result = run_cli("ask", "--questions", str(qfile), "--json", data_dir=index_settings.data_dir)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    first = rows[1]["answer"].splitlines()[0]  # an English question is answered in English first, then quoted
    assert first[0].isascii() and not any("\u4e00" <= ch <= "\u9fff" for ch in first) and "[" in first


def test_unrelated_question_is_not_covered_and_cites_nothing(index_settings):
    result = run_cli("ask", "明天北京的天气怎么样", "--json", data_dir=index_settings.data_dir)
    out = json.loads(result.stdout)
    assert out["citations"] == []
    assert "没有找到" in out["answer"] and "本助手可以回答" in out["answer"]


def test_a_fee_question_is_declined_with_what_the_assistant_covers(index_settings):
    result = run_cli("ask", "认证费用多少钱？", "--json", data_dir=index_settings.data_dir)
    out = json.loads(result.stdout)
    assert result.returncode == 0 and out["citations"] == []
    assert "认证费用" in out["answer"] and "本助手可以回答" in out["answer"]


def test_empty_question_is_bad_input(index_settings):
    result = run_cli("ask", "  ", "--json", data_dir=index_settings.data_dir)
    assert result.returncode == 2
    assert "question" in result.stderr and "Traceback" not in result.stderr


def test_malformed_questions_file_names_the_line(index_settings, tmp_path):
    qfile = tmp_path / "bad.jsonl"
    qfile.write_text('{"question": "ok"}\n{"question": \n', encoding="utf-8")
    result = run_cli("ask", "--questions", str(qfile), "--json", data_dir=index_settings.data_dir)
    assert result.returncode == 2
    assert f"{qfile}:2" in result.stderr and "Traceback" not in result.stderr


def test_missing_questions_file_is_bad_input(index_settings, tmp_path):
    result = run_cli("ask", "--questions", str(tmp_path / "nope.jsonl"), data_dir=index_settings.data_dir)
    assert result.returncode == 2 and "nope.jsonl" in result.stderr


def test_questions_on_stdin_are_answered_in_turn(index_settings):
    result = run_cli("ask", "--json", data_dir=index_settings.data_dir, stdin="监督审核多久一次\n\n认证结果分几个等级\n")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in rows] == ["监督审核多久一次", "认证结果分几个等级"]
