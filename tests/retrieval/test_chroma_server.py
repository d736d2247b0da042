"""The index on a Chroma server (chroma_mode = http), as the workers of scripts/serve.sh use it: a real `chroma run`
started the way serve.sh starts it, and every reader and writer a separate `python -m assistant` process.

Ingest goes through the server, another process answers exactly as the embedded index does, findings imported by
one process are found by a search in another (also by one whose copy of the index is older: it queries the
server), a server that does not hold the ingest the manifest records is brought in line, a server's collection
that holds another data directory's index is left alone, and an unreachable server is named.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from assistant.retrieval.store import Index, read_manifest, server_index
from assistant.settings import Settings
from tests.conftest import REPO, free_port, run_cli

pytestmark = pytest.mark.integration

UNIQUE = "无人机电池返修件"
FINDINGS_CSV = ("编号,条款,严重程度,行业,年份,审核发现,根本原因,审核员\n"
                f"A-01,D3.2,一般不符合,家电,2025,{UNIQUE}在备件库房存放超过九十天未做电量检测，王建国称无人负责。,"
                "备件管理制度缺失,赵审核\n")
QUESTION = f"{UNIQUE}存放超过九十天没有做电量检测，有类似的审核发现吗？"


@pytest.fixture(scope="module")
def served(index_settings, tmp_path_factory):
    """A copy of the session's index and a Chroma server started by the deployment's own step (the embedded index
    copied to <data_dir>/chroma-server the first time); yields (settings of a process using it, its env)."""
    from assistant.deploy import Deployment

    data = tmp_path_factory.mktemp("served") / "data"
    shutil.copytree(index_settings.data_dir, data)
    deployment = Deployment(Settings(data_dir=data))
    started = time.monotonic()
    host, port = deployment.start_chroma(port=free_port())
    print(f"Chroma server up in {time.monotonic() - started:.1f} s")
    env = {"ASSISTANT_CHROMA_MODE": "http", "ASSISTANT_CHROMA_HOST": host, "ASSISTANT_CHROMA_PORT": str(port)}
    yield Settings(data_dir=data, chroma_mode="http", chroma_host=host, chroma_port=port), env
    deployment.stop()


def answers(lines: str, data_dir, env: dict | None = None, *args: str) -> list[dict]:
    done = run_cli("ask", "--json", *args, data_dir=data_dir, env=env, stdin=lines)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_ingest_goes_through_the_server_and_another_process_answers_as_the_embedded_index(served, index_settings):
    settings, env = served
    done = run_cli("ingest", data_dir=settings.data_dir, env=env)
    assert done.returncode == 0, done.stderr
    assert "新嵌入 0 段" in done.stdout  # the copied index: nothing embedded twice
    manifest = read_manifest(settings)
    assert server_index(settings) == {"stamp": manifest["stamp"], "index_id": manifest["index_id"]}

    questions = "监督审核多久一次？\n维度得分怎么计算？\n“优秀”等级和“合格”等级在含义上有什么区别？\n"
    on_server = answers(questions, settings.data_dir, env)
    embedded = answers(questions, index_settings.data_dir)
    assert [a["answer"] for a in on_server] == [a["answer"] for a in embedded]
    assert [a["citations"] for a in on_server] == [a["citations"] for a in embedded]
    assert any("监督审核" in c["text"] for c in on_server[0]["citations"])


def test_findings_imported_by_one_process_are_found_by_a_search_in_another(served, tmp_path):
    settings, env = served
    stale = tmp_path / "stale"  # a data directory copied before the import: its files know nothing of it
    shutil.copytree(settings.data_dir, stale, ignore=shutil.ignore_patterns("chroma-server", "serve"))
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")} | env | {
        "ASSISTANT_DATA_DIR": str(settings.data_dir)}
    reader = subprocess.Popen([sys.executable, "-m", "assistant", "ask", "--json", "--source", "findings"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=REPO, env=full_env)
    try:
        def ask() -> dict:
            reader.stdin.write(QUESTION + "\n")
            reader.stdin.flush()
            line = reader.stdout.readline()
            assert line, reader.stderr.read()
            return json.loads(line)

        before = ask()
        assert not any(UNIQUE in c["text"] for c in before["citations"])

        csv = tmp_path / "findings.csv"
        csv.write_text(FINDINGS_CSV, encoding="utf-8")
        done = run_cli("findings", "import", str(csv), data_dir=settings.data_dir, env=env)
        assert done.returncode == 0, done.stderr
        assert "索引已更新" in done.stdout

        after = ask()  # the same, still running process
        found = [c for c in after["citations"] if UNIQUE in c["text"]]
        assert found and "王建国" not in found[0]["text"]  # anonymised on import
    finally:
        reader.stdin.close()
        reader.wait(timeout=60)

    # A process whose own files predate the import finds it through the server's vectors.
    from assistant.retrieval.hybrid import search

    old = Settings(data_dir=stale, chroma_mode="http", chroma_host=settings.chroma_host,
                   chroma_port=settings.chroma_port)
    assert Index.open(old).dense is None  # the server holds a newer ingest: it is queried itself
    hits = search(QUESTION, filters={"source": "findings"}, settings=old)
    assert any(UNIQUE in h.text for h in hits)


def test_a_server_without_the_manifests_ingest_is_brought_in_line(served):
    settings, env = served
    from assistant.retrieval.store import get_collections

    collection, _ = get_collections(settings, create=False)
    # what an ingest stopped between the server and the manifest leaves: the server's stamp is not the manifest's
    collection.modify(metadata={**collection.metadata, "stamp": "interrupted"})
    done = run_cli("ask", "监督审核多久一次？", data_dir=settings.data_dir, env=env)
    assert done.returncode == 0, done.stderr
    assert "Chroma 服务器" in done.stderr and "补齐" in done.stderr
    assert server_index(settings)["stamp"] == read_manifest(settings)["stamp"] != "interrupted"


def test_a_collection_holding_another_data_directorys_index_is_left_alone(served, tmp_path):
    settings, env = served
    before = server_index(settings)
    chunks = Index.open(settings).collection.count()
    done = run_cli("ingest", data_dir=tmp_path / "other", env=env)
    assert done.returncode == 2
    assert "another data directory" in done.stderr and "ASSISTANT_COLLECTION" in done.stderr
    assert "Traceback" not in done.stderr
    assert server_index(settings) == before and Index.open(settings).collection.count() == chunks


def test_an_unreachable_server_is_named(served):
    settings, _ = served
    port = free_port()
    done = run_cli("ask", "监督审核多久一次？", data_dir=settings.data_dir,
                   env={"ASSISTANT_CHROMA_MODE": "http", "ASSISTANT_CHROMA_PORT": str(port)})
    assert done.returncode == 2
    assert f"127.0.0.1:{port}" in done.stderr and "Chroma" in done.stderr and "Traceback" not in done.stderr
