"""Accounts in the web app, through its login page in a real browser: each account sees only the workspaces it may
open, a client only its own, and a crafted event naming another client's workspace gets nothing of it."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect
from pydantic import SecretStr

from assistant.plans.store import Store
from assistant.web.cli import launch
from assistant.workspace.accounts import Accounts
from assistant.workspace.case import save_draft
from tests.web.browser import TIMEOUT_MS, VIEWPORT, open_tab
from tests.web.conftest import free_port

A, B = "甲公司-2026", "乙公司-2026"
SECRET_A = "甲方机密电器"  # the enterprise name in workspace A: must never reach B's client
CONSULTANT, CLIENT, PASSWORD = "王顾问", "乙方客户", "correct-horse-battery"


@pytest.fixture(scope="module")
def served(index_settings, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("accounts")
    settings = index_settings.model_copy(update={
        "database_url": f"sqlite:///{tmp}/web.db", "web_password": SecretStr("bootstrap-admin-pw")})
    store = Store(settings.database_url)
    try:
        for name, company, kpi in ((A, SECRET_A, 36.0), (B, "乙方家电", 20.0)):
            ws = store.create_workspace(name)
            save_draft(store, ws, {"enterprise": {"name": company}, "criteria": {"D2.1": {"kpi": kpi}}}, author="cli")
        accounts = Accounts(store)
        accounts.add(CONSULTANT, PASSWORD, "consultant", [A])
        accounts.add(CLIENT, PASSWORD, "client", [B])
        accounts.add("停用账号", PASSWORD, "consultant", [A])
        accounts.disable("停用账号")
    finally:
        store.close()
    demo, url = launch(settings, "127.0.0.1", free_port(), block=False)
    yield url.rstrip("/") + "/", settings
    demo.close()


def login(browser, url: str, user: str, password: str):
    """A fresh browser context logged in through the app's login page, showing the app."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    page.goto(url)
    page.locator("input[type=text]").first.fill(user)
    page.locator("input[type=password]").fill(password)
    page.locator("button").filter(has_text="Login").or_(page.locator("button").filter(has_text="登录")).first.click()
    page.locator("#chat-input textarea").wait_for()
    return page


def picker_choices(page) -> list[str]:
    page.locator("#workspace-picker input").click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    names = [t.replace("✓", "").strip() for t in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return names


@pytest.mark.integration
def test_a_client_sees_only_its_workspace_and_a_consultant_its_own(browser, served):
    url, _ = served
    client = login(browser, url, CLIENT, PASSWORD)
    try:
        expect(client.locator("#workspace-picker input")).to_have_value(B)
        assert picker_choices(client) == [B]
        expect(client.locator("#workspace-new")).to_be_hidden()  # a client creates no workspace
        open_tab(client, "自评")
        expect(client.locator("#ent-name textarea, #ent-name input").first).to_have_value("乙方家电")
        open_tab(client, "版本与记录")
        assert SECRET_A not in client.content() and A not in client.inner_text("body")
    finally:
        client.context.close()

    consultant = login(browser, url, CONSULTANT, PASSWORD)
    try:
        expect(consultant.locator("#workspace-picker input")).to_have_value(A)
        assert picker_choices(consultant) == [A]
        open_tab(consultant, "自评")
        expect(consultant.locator("#ent-name textarea, #ent-name input").first).to_have_value(SECRET_A)
        expect(consultant.locator("#workspace-new")).to_be_visible()
    finally:
        consultant.context.close()


@pytest.mark.integration
def test_a_crafted_event_naming_another_workspace_gets_nothing_of_it(served):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    url, settings = served
    client = Client(url, auth=(CLIENT, PASSWORD), verbose=False, download_files=False)
    try:
        # The page's workspace switch, sent by hand with A's name: refused (gradio: A is not among the choices the
        # client's picker got), with nothing of A in the answer.
        with pytest.raises(AppError) as refused:
            client.predict(A, {"token": None, "workspace": A}, api_name="/on_workspace")
        assert SECRET_A not in str(refused.value)
        # The chat API: the client's chat lands in its own workspace, whatever the browser value says.
        history, _, _badge, status = client.predict("我们客户满意度88%", [], api_name="/chat")
        assert "88%" in str(history[-1]["content"]) and SECRET_A not in str(history)
    finally:
        client.close()
    store = Store(settings.database_url)
    try:
        listing = {w.name: len(store.assessment_listing(w.id)) for w in store.list_workspaces()}
        assert listing[A] == 1  # nothing of the client's chat reached A
        authors = [a for _, _, a, _, _ in store.assessment_listing(store.workspace(B).id)]
        assert authors == ["cli"]  # a client's chat is its own: the case B keeps is the consultant's (test_access.py)
    finally:
        store.close()


@pytest.mark.integration
def test_disabled_accounts_and_the_bootstrap_admin(served):
    url, _ = served
    with httpx.Client(base_url=url, timeout=30) as c:
        assert c.post("/login", data={"username": "停用账号", "password": PASSWORD}).status_code == 400
        assert c.post("/login", data={"username": CLIENT, "password": "wrong-password"}).status_code == 400
        assert c.post("/login", data={"username": "admin", "password": "bootstrap-admin-pw"}).status_code == 200
        assert c.get("/config").status_code == 200


def test_the_handlers_themselves_open_only_the_users_workspaces(served):
    """Behind gradio's own check of the picker's choices: a workspace switch naming A, or a browser remembering A
    (a consultant used the same browser before), never opens A for B's client."""
    from types import SimpleNamespace

    from assistant.web.app import WebApp

    _, settings = served
    app = WebApp(settings)
    as_client = SimpleNamespace(username=CLIENT)
    assert app.workspaces(CLIENT) == [B] and app.workspaces(CONSULTANT) == [A] and app.workspaces("停用账号") == []
    import gradio as gr

    assert app.on_workspace(A, {"workspace": A}, None, as_client) == [gr.skip()] * 6  # nothing changes, nothing of A
    sess, value = app.open_case({"token": "t", "workspace": A}, A, CLIENT)
    assert value["workspace"] == B and sess.state.workspace == B
    assert sess.assessment["enterprise"]["name"] == "乙方家电"
    refused = app.on_new_workspace("丙公司", None, None, as_client)
    assert "客户账号不能新建工作区" in refused[-1] and "丙公司" not in app.workspaces(None)
