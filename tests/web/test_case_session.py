"""WebSession's 版本与记录 operations without a browser: in 默认, where every visitor lands, one browser never
sees, opens or restores another's versions or conversations; in a client's workspace the case's versions are
shared, conversations stay per browser."""

from __future__ import annotations

import pytest

from assistant.chat.store import ConversationStore
from assistant.errors import BadInput
from assistant.settings import Settings
from assistant.web.session import WebSession


@pytest.fixture
def plain(tmp_path, database_url) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url)


@pytest.fixture
def stores(plain):
    made: dict[str, ConversationStore] = {}

    def store(name: str | None = None) -> ConversationStore:
        key = name or "默认"
        if key not in made:
            made[key] = ConversationStore(plain.effective_database_url, name)
        return made[key]

    yield store
    for s in made.values():
        s.close()


def test_in_the_default_workspace_another_browsers_versions_are_not_there(plain, stores):
    a = WebSession(plain, stores(), owner_token="browser-a")
    b = WebSession(plain, stores(), owner_token="browser-b")
    a.set_criterion("D3.1", kpi=88.0)
    a.set_criterion("D3.1", kpi=70.0)
    b.set_criterion("D2.1", kpi=4.0)
    assert [v.number for v in a.assessment_versions()] == [1, 2]
    assert [v.number for v in b.assessment_versions()] == [3]
    with pytest.raises(BadInput, match="没有第1版评估"):
        b.assessment_version(1)
    with pytest.raises(BadInput, match="没有第1版评估"):
        b.restore_assessment(1)
    with pytest.raises(BadInput, match="没有对话"):
        b.open_conversation(a.state.id)
    assert [c[0] for c in b.conversations()] == [b.state.id]
    assert b.assessment["criteria"] == {"D2.1": {"kpi": 4.0}}  # nothing of a's came over

    a.restore_assessment(1)  # a's own restore is a's: listed for a, not for b
    assert [(v.number, v.note) for v in a.assessment_versions()][-1] == (4, "恢复为第1版")
    assert a.assessment["criteria"]["D3.1"]["kpi"] == 88.0
    assert [v.number for v in b.assessment_versions()] == [3]


def test_in_a_client_workspace_versions_are_the_cases_and_conversations_each_browsers(plain, stores):
    stores().store.create_workspace("甲")
    a = WebSession(plain, stores("甲"), owner_token="browser-a")
    a.set_criterion("D3.1", kpi=88.0)
    b = WebSession(plain, stores("甲"), owner_token="browser-b")
    assert b.assessment["criteria"] == {"D3.1": {"kpi": 88.0}}  # the case's assessment
    b.set_criterion("D3.1", kpi=80.0)
    assert [v.author_zh for v in a.assessment_versions()] == ["网页", "网页"]
    assert a.conversations()[0][0] == a.state.id and len(a.conversations()) == 1
    a.restore_assessment(1)
    assert a.assessment["criteria"]["D3.1"]["kpi"] == 88.0
    assert [v.note for v in b.assessment_versions()][-1] == "恢复为第1版"
