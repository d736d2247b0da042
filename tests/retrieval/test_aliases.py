"""Passages are also found by their aliases (the questions of knowledge/questions.yaml, criterion facet titles),
which are matched but never quoted; questions asking for cases get past findings first."""

from __future__ import annotations

import shutil

import pytest

from assistant.answer import answer_question
from assistant.knowledge import load_questions
from assistant.retrieval.chunks import QUESTIONS_FILE, all_chunks
from assistant.retrieval.hybrid import search
from assistant.retrieval.store import Index
from assistant.settings import Settings
from tests.conftest import REPO, run_cli

QUESTIONS = REPO / "knowledge" / QUESTIONS_FILE


def test_every_question_belongs_to_a_passage_of_the_index(tmp_path):
    questions = load_questions(QUESTIONS)
    chunks = {c.locator: c for c in all_chunks(Settings(data_dir=tmp_path))}
    assert len(questions) >= 38 and set(questions) <= set(chunks)
    assert {c.locator for c in chunks.values() if c.source == "rules"} <= set(questions), "every rules passage has questions"
    for locator, qs in questions.items():
        assert set(qs) <= set(chunks[locator].aliases), locator


def test_a_passage_is_found_by_the_questions_it_answers(index_settings):
    """Each rules passage is in the top 3 for nearly all of its own questions (siblings such as V1–V4 compete)."""
    questions = load_questions(QUESTIONS)
    rules = {c.locator for c in all_chunks(index_settings) if c.source == "rules"}
    asked = found = 0
    for locator, qs in questions.items():
        if locator not in rules:
            continue
        for q in qs:
            asked += 1
            found += locator in [h.locator for h in search(q, k=3, settings=index_settings)]
    assert found / asked >= 0.95, f"{found}/{asked}"


def test_aliases_are_indexed_but_never_quoted(index_settings):
    locator = "评价方案2026.1 §3 评级规则 一票否决 V1"
    chunk = next(c for c in all_chunks(index_settings) if c.locator == locator)
    question = next(q for q in chunk.aliases if "造假" in q or "作假" in q)
    assert question not in chunk.text
    index = Index.open(index_settings)
    stored = index.units.get(where={"parent": chunk.id}, include=["documents"])["documents"]
    assert question in stored
    ans = answer_question(question, settings=index_settings)
    assert ans.covered and ans.citations[0]["locator"] == locator
    assert ans.citations[0]["text"] == chunk.text
    aliases = {a for c in all_chunks(index_settings) for a in c.aliases}
    assert not any(a in ans.answer for a in aliases), "the answer quotes passages, never an alias"


def test_a_question_asking_for_cases_gets_the_best_past_case_first(index_settings):
    asks_rule = search("没有专门的售后组织，售后都由销售兼着，会触发一票否决吗？", settings=index_settings)
    asks_case = search("没有专门的售后组织，售后都由销售兼着，有这样的案例吗？", settings=index_settings)
    assert asks_rule[0].source == "rules"
    assert asks_case[0].source == "findings" and asks_case[0].criterion == "D5.1"
    assert asks_rule[0].id in [h.id for h in asks_case[1:]], "the rule the case was judged by still follows"
    only_rules = search("没有专门的售后组织，售后都由销售兼着，有这样的案例吗？", settings=index_settings,
                        filters={"source": "rules"})
    assert {h.source for h in only_rules} == {"rules"}


@pytest.mark.parametrize(("content", "message"), [
    ('"评价方案2026.1 §9 不存在的章节":\n  - 这是什么？\n', "§9 不存在的章节"),
    ('"一、认证目的与原则 (1)": 认证的目的是什么\n', "expected a list of non-empty questions"),
    ('"一、认证目的与原则 (1)": [\n', "not valid YAML"),
])
def test_a_bad_questions_file_stops_ingest_with_its_name_and_exit_2(tmp_path, content, message):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    (knowledge / QUESTIONS_FILE).write_text(content, encoding="utf-8")
    result = run_cli("ingest", data_dir=tmp_path / "data", env={"ASSISTANT_KNOWLEDGE_DIR": str(knowledge)})
    assert result.returncode == 2
    assert message in result.stderr and QUESTIONS_FILE in result.stderr
    assert "Traceback" not in result.stderr
