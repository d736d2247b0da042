"""Two browser sessions at once never see each other's facts (gradio_client: one Client is one session)."""

from __future__ import annotations

import re
import threading

import pytest
from gradio_client import Client


def texts(history: list[dict]) -> list[str]:
    """The text of every message of a chat history as gradio_client returns it."""
    out = []
    for m in history:
        content = m.get("content")
        if isinstance(content, list):
            out.append(" ".join(p.get("text", "") for p in content if isinstance(p, dict)))
        else:
            out.append(str(content or ""))
    return out


def answers(history: list[dict]) -> list[str]:
    """The assistant's answers (not the citations, which carry a metadata title)."""
    return [t for m, t in zip(history, texts(history)) if m["role"] == "assistant" and not m.get("metadata")]


def play(url: str, messages: list[str], barrier: threading.Barrier, results: dict, key: str) -> None:
    try:
        client = Client(url, verbose=False, download_files=False)
        try:
            history: list = []
            turns = []
            for message in messages:
                barrier.wait(timeout=120)  # both sessions send each message at the same time
                out = client.predict(message, history, api_name="/chat")
                history = out[0]
                turns.append(out)
            results[key] = turns
        finally:
            client.close()
    except BaseException as exc:  # noqa: BLE001 - reported by the test below
        results[key] = exc
        barrier.abort()


@pytest.fixture(scope="module")
def two_sessions(web_url):
    """A says satisfaction 88% and response 3 hours; B says satisfaction 60% only; then both ask 能过吗 and 离优秀还差什么."""
    scripts = {
        "A": ["我们客户满意度88%，投诉首次响应平均3小时", "能过吗", "离优秀还差什么"],
        "B": ["我们客户满意度60%", "能过吗", "离优秀还差什么"],
    }
    barrier = threading.Barrier(2)
    results: dict = {}
    threads = [threading.Thread(target=play, args=(web_url, msgs, barrier, results, k)) for k, msgs in scripts.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    for key in scripts:
        if isinstance(results.get(key), BaseException):
            raise results[key]
        assert key in results, f"session {key} did not finish"
    return results


def test_each_session_records_only_its_own_facts(two_sessions):
    a_update, b_update = two_sessions["A"][0], two_sessions["B"][0]
    assert "88%" in answers(a_update[0])[-1] and "3" in answers(a_update[0])[-1]
    assert "60%" in answers(b_update[0])[-1]
    # the status line counts the criteria this session filled: A two, B one
    assert "已填写 2/22" in a_update[3], a_update[3]
    assert "已填写 1/22" in b_update[3], b_update[3]


def test_grades_and_badges_reflect_each_sessions_state(two_sessions):
    a_grade, b_grade = two_sessions["A"][1], two_sessions["B"][1]
    a_answer, b_answer = answers(a_grade[0])[-1], answers(b_grade[0])[-1]
    # the engine's explanation: A's two KPIs (L3 each, capped to L1 without evidence), B's one KPI at L1
    assert "总分2.0" in a_answer and "20项准则未评估" in a_answer, a_answer
    assert "D3.1 客户满意度KPI测得L3" in a_answer and "D2.1 客户诉求首次响应时间KPI测得L3" in a_answer
    assert "总分1.0" in b_answer and "21项准则未评估" in b_answer, b_answer
    assert "KPI测得L3" not in b_answer
    # the badge beside the chat: the same grade, each with its own score and count of unassessed criteria
    for badge in (a_grade[2], b_grade[2]):
        assert 'data-grade="不合格"' in badge and "（暂定）" in badge
    assert "总分 2 · 暂定（20 项准则未评估）" in a_grade[2], a_grade[2]
    assert "总分 1 · 暂定（21 项准则未评估）" in b_grade[2], b_grade[2]
    # each session has its own saved conversation
    a_id = re.search(r"对话编号 #(\d+)", a_grade[3]).group(1)
    b_id = re.search(r"对话编号 #(\d+)", b_grade[3]).group(1)
    assert a_id != b_id


def test_gap_starts_from_each_sessions_own_levels(two_sessions):
    a_gap, b_gap = answers(two_sessions["A"][2][0])[-1], answers(two_sessions["B"][2][0])[-1]
    assert "| D2.1 | 客户诉求首次响应时间 | L1 | L5 |" in a_gap, a_gap
    assert "| D2.1 | 客户诉求首次响应时间 | L0 | L5 |" in b_gap, b_gap
    steps = [int(re.search(r"共(\d+)个等级步", text).group(1)) for text in (a_gap, b_gap)]
    assert steps[0] == steps[1] - 1  # A's D2.1 is one level further up


def test_b_never_sees_a_values_and_a_never_sees_b_values(two_sessions):
    for key, own, other in (("A", "88%", "60%"), ("B", "60%", "88%")):
        for history, _, badge, status in two_sessions[key]:
            shown = "\n".join(answers(history)) + badge + status
            assert own in shown
            assert other not in shown, f"session {key} shows the other session's {other}:\n{shown}"
    b_all = "\n".join(answers(two_sessions["B"][-1][0]))
    assert "D2.1 客户诉求首次响应时间 3" not in b_all and "3 小时" not in b_all and "3小时" not in b_all
