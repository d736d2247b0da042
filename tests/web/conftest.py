"""The web app served for real on loopback (in this process, on a free port), over the session's real index."""

from __future__ import annotations

import os

import pytest

from tests.conftest import free_port


@pytest.fixture(scope="session")
def web_url(index_settings):
    """URL of the app started as `web` starts it (same launch code), with the index of the real knowledge base."""
    from assistant.web.cli import launch

    demo, url = launch(index_settings, "127.0.0.1", free_port(), block=False)
    yield url.rstrip("/") + "/"
    demo.close()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session, shared by every browser test module (Playwright's sync API allows one
    at a time). Missing browser: skipped locally, a failure in CI (never a silent skip)."""
    from playwright.sync_api import sync_playwright

    from tests.web.browser import chromium_path, launch

    if chromium_path() is None:
        reason = ("Chromium is not installed (/usr/bin/chromium); install it with "
                  "`apt-get install chromium fonts-noto-cjk` (.ci/run does this)")
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


@pytest.fixture
def open_page(browser, web_url):
    """Opens the app in a new browser context (a new app session) each call; closes them all afterwards."""
    from tests.web.browser import open_app

    pages = []

    def opener():
        page = open_app(browser, web_url)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.context.close()


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture(scope="module")
def scheme(index_settings):
    from assistant.rules import load_scheme

    return load_scheme(None, index_settings.knowledge_dir)
