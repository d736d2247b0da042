"""What keeps one `ask` process fast: nothing slow imported on its path, jieba's word table from a memory-mapped
cache that segments exactly as jieba's own, and dense search from a snapshot that agrees with Chroma."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.retrieval.hybrid import search
from assistant.retrieval.store import Index
from tests.conftest import REPO

TEXTS = ["严重不符合的纠正措施须在审核后30天内完成", "拿到证以后多久会来复查一回？", "人均年培训学时不够怎么办",
         "客户诉求首次响应时间超过24小时的案例"]


def _python(code: str, data_dir) -> str:
    env = {"ASSISTANT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_ask_path_imports_no_langchain_chromadb_or_bm25s(tmp_path):
    code = ("import sys, assistant.answer, assistant.cli\n"
            "print(sorted(m for m in ('langchain_core', 'chromadb', 'bm25s', 'scipy') if m in sys.modules))")
    assert _python(code, tmp_path).strip() == "[]"


def test_the_cached_word_table_segments_as_jieba_does(tmp_path):
    code = f"import json; from assistant.text import tokens, init_jieba; print(json.dumps([tokens(t) for t in {TEXTS!r}]))"
    first = json.loads(_python(code, tmp_path))  # loads jieba's dictionary, writes the cache
    assert (tmp_path / "cache" / "jieba_freq_hash.npy").exists()
    second = json.loads(_python(code, tmp_path))  # reads the cache
    assert first == second
    kind = _python("import jieba; from assistant.text import init_jieba; init_jieba(); print(type(jieba.dt.FREQ).__name__)",
                   tmp_path)
    assert kind.strip() == "_FrozenFreq"


@pytest.mark.parametrize("question", ["监督审核多久一次？", "How often are surveillance audits?", "一次修复率怎么计算",
                                      "有没有汽车行业备件缺货的案例？"])
def test_the_dense_snapshot_ranks_as_chroma_does(index_settings, question, monkeypatch):
    index = Index.open(index_settings)
    assert index.dense is not None
    from_snapshot = [h.locator for h in search(question, settings=index_settings)]
    monkeypatch.setattr(Index, "dense", property(lambda self: None))
    from_chroma = [h.locator for h in search(question, settings=index_settings)]
    assert from_snapshot[:3] == from_chroma[:3]
