from __future__ import annotations

import pytest

from assistant.chat.conversation import Conversation
from assistant.chat.offline import OfflineWriter


@pytest.fixture
def conv(index_settings, tmp_path):
    """A conversation on the real index with the offline writer, its database in a scratch folder."""
    settings = index_settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/chat.db"})
    c = Conversation(settings, writer=OfflineWriter(settings), save=False)
    yield c
    c.close()
