"""English statements of the rules and scheme passages (knowledge/passages_en.yaml): every passage has them, they
never state a number the passage does not, they find the passage for English questions and are never quoted."""

from __future__ import annotations

import re
import shutil

from assistant.knowledge import load_questions
from assistant.retrieval.chunks import ENGLISH_FILE, all_chunks
from assistant.retrieval.hybrid import search
from assistant.settings import Settings
from tests.conftest import REPO, run_cli

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def test_every_rules_and_scheme_passage_has_english_statements(tmp_path):
    chunks = [c for c in all_chunks(Settings(data_dir=tmp_path)) if c.source == "rules"]
    assert len(chunks) >= 38
    assert all(c.english for c in chunks), [c.locator for c in chunks if not c.english]


def test_english_statements_state_no_number_the_passage_lacks(tmp_path):
    for chunk in all_chunks(Settings(data_dir=tmp_path)):
        passage = set(_NUMBER.findall(chunk.text))
        for statement in chunk.english:
            missing = set(_NUMBER.findall(statement)) - passage
            assert not missing, f"{chunk.locator}: {missing} in {statement!r}"


def test_english_questions_find_the_passage_through_its_statements(index_settings):
    hits = search("How long is the certificate valid?", settings=index_settings, k=3)
    assert hits[0].locator == "评价方案2026.1 §4 审核发现与期限 监督审核与证书有效期"
    statements = {s for c in all_chunks(index_settings) for s in c.english}
    assert not any(h.text in statements for h in hits), "citations quote the Chinese passage, never a statement"


def test_statements_stand_alone_one_criterion_each(tmp_path):
    """Each statement is embedded on its own, so it names what it is about (no "It has …", no "this dimension")
    and, like the Chinese units, a dimension passage states each criterion's thresholds in its own statement."""
    for chunk in all_chunks(Settings(data_dir=tmp_path)):
        for statement in chunk.english:
            assert not re.match(r"(It|They|Its)\b", statement), f"{chunk.locator}: {statement!r}"
            assert "this dimension" not in statement, f"{chunk.locator}: {statement!r}"
        if " 维度与准则 D" in chunk.locator:
            dim = chunk.locator.split(" 维度与准则 ")[1].split()[0]
            crits = set(re.findall(rf"{dim}\.\d", chunk.text))
            for crit in crits:
                assert sum(s.startswith(crit) for s in chunk.english) == 1, (chunk.locator, crit)


def test_an_unknown_locator_stops_ingest_with_the_file_name(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    (knowledge / ENGLISH_FILE).write_text('"评价方案2026.1 §9 不存在":\n  - Nothing.\n', encoding="utf-8")
    result = run_cli("ingest", data_dir=tmp_path / "data", env={"ASSISTANT_KNOWLEDGE_DIR": str(knowledge)})
    assert result.returncode == 2
    assert ENGLISH_FILE in result.stderr and "§9 不存在" in result.stderr and "Traceback" not in result.stderr


def test_the_file_is_a_mapping_of_locator_to_statements():
    data = load_questions(REPO / "knowledge" / ENGLISH_FILE)
    assert all(isinstance(v, list) and v for v in data.values())
