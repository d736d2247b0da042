"""The web app served for real on loopback (in this process, on a free port), over the session's real index."""

from __future__ import annotations

import pytest

from tests.conftest import free_port


@pytest.fixture(scope="session")
def web_url(index_settings):
    """URL of the app started as `web` starts it (same launch code), with the index of the real knowledge base."""
    from assistant.web.cli import launch

    demo, url = launch(index_settings, "127.0.0.1", free_port(), block=False)
    yield url.rstrip("/") + "/"
    demo.close()
