"""What one account can reach of another's, through every route the app serves: downloads (the plan's exports, the
assessment file), gradio's file routes and uploads, a page's session and its events; and what a client account can
do in its own workspace (read and chat, change nothing). Real app, real logins, a real browser where a person
would use one."""

from __future__ import annotations

import contextlib
import json

import httpx
import pytest
from playwright.sync_api import expect
from pydantic import SecretStr

from assistant.plans.store import Store
from assistant.web.cli import launch
from assistant.workspace.accounts import Accounts
from assistant.workspace.case import save_draft
from tests.web.browser import open_tab, say
from tests.web.conftest import free_port
from tests.web.test_accounts_browser import login

A, B = "甲公司-2026", "乙公司-2026"
CONSULTANT, CLIENT_A, CLIENT_B, PASSWORD = "王顾问", "甲方客户", "乙方客户", "correct-horse-battery"
SECRET_A = "甲方机密电器"


@pytest.fixture(scope="module")
def served(index_settings, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("access")
    settings = index_settings.model_copy(update={
        "database_url": f"sqlite:///{tmp}/web.db", "web_password": SecretStr("bootstrap-admin-pw"),
        "data_dir": index_settings.data_dir})
    store = Store(settings.database_url)
    try:
        for name, company in ((A, SECRET_A), (B, "乙方家电")):
            ws = store.create_workspace(name)
            save_draft(store, ws, {"enterprise": {"name": company}, "assessed_on": "2026-11-20",
                                   "criteria": {"D2.1": {"kpi": 36.0}, "D1.1": {"level": 2}}}, author="cli")
        accounts = Accounts(store)
        accounts.add(CONSULTANT, PASSWORD, "consultant", [A])
        accounts.add(CLIENT_A, PASSWORD, "client", [A])
        accounts.add(CLIENT_B, PASSWORD, "client", [B])
    finally:
        store.close()
    demo, url = launch(settings, "127.0.0.1", free_port(), block=False)
    yield url.rstrip("/") + "/", settings
    demo.close()


@contextlib.contextmanager
def http_login(url: str, user: str):
    """An HTTP client logged in as `user` (gradio's login cookie)."""
    with httpx.Client(base_url=url, timeout=30) as c:
        assert c.post("/login", data={"username": user, "password": PASSWORD}).status_code == 200
        yield c


def download_url(page, selector: str) -> str:
    with page.expect_download() as dl:
        page.locator(selector).click()
    return dl.value.url


@pytest.mark.integration
def test_a_download_reaches_only_the_account_it_was_made_for(browser, served):
    """The consultant's plan export and assessment file, by their addresses: the consultant gets them; the client of
    the same workspace, another workspace's client and a stranger without a login get 404, as for an address that
    never existed."""
    url, _ = served
    page = login(browser, url, CONSULTANT, PASSWORD)
    try:
        open_tab(page, "整改计划")
        page.locator("#plan-draft").click()
        expect(page.locator("#export-xlsx")).to_be_enabled()
        xlsx = download_url(page, "#export-xlsx")
        open_tab(page, "自评")
        yaml_url = download_url(page, "#download-assessment")
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    finally:
        page.context.close()
    assert "/shouhou/files/" in xlsx and "/shouhou/files/" in yaml_url
    with httpx.Client(timeout=30, cookies=cookies) as own:
        got = own.get(xlsx)
        assert got.status_code == 200 and got.content[:2] == b"PK"  # the Excel file itself
        assert "attachment" in got.headers["content-disposition"] and got.headers["cache-control"] == "private, no-store"
        text = own.get(yaml_url)
        assert text.status_code == 200 and SECRET_A in text.text
    for user in (CLIENT_A, CLIENT_B):
        with http_login(url, user) as other:
            for address in (xlsx, yaml_url):
                refused = other.get(address)
                assert refused.status_code == 404 and SECRET_A not in refused.text
    with httpx.Client(timeout=30) as stranger:
        assert stranger.get(xlsx).status_code == 404
    with httpx.Client(timeout=30, cookies=cookies) as own:  # a made-up or altered id: nothing either
        assert own.get(xlsx.replace("/shouhou/files/", "/shouhou/files/x")).status_code == 404


@pytest.mark.integration
def test_gradio_file_routes_serve_nothing_not_even_an_upload_to_its_uploader(served):
    url, _ = served
    with http_login(url, CLIENT_B) as b, http_login(url, CONSULTANT) as a:
        up = b.post("/gradio_api/upload", files={"files": ("a.yaml", "enterprise: {name: 乙方秘密}\n".encode())})
        assert up.status_code == 200
        path = up.json()[0]
        for who in (b, a):
            for route in (f"/gradio_api/file={path}", f"/file={path}", f"/gradio_api/file/{path}"):
                got = who.get(route)
                assert got.status_code == 404 and "乙方秘密" not in got.text


@pytest.mark.integration
def test_a_page_session_answers_only_the_login_that_opened_it(browser, served):
    """Another account sending the consultant's page session id (read from a shared machine, say) to gradio's queue
    routes is refused; the consultant's page goes on working."""
    url, _ = served
    page = login(browser, url, CONSULTANT, PASSWORD)
    sessions: list[str] = []
    page.on("request", lambda r: sessions.append(json.loads(r.post_data or "{}").get("session_hash", ""))
            if "/gradio_api/queue/join" in r.url else None)
    try:
        say(page, "监督审核多久一次？")
        hashes = {s for s in sessions if s}
        assert len(hashes) == 1
        (session,) = hashes
        with http_login(url, CLIENT_B) as other:
            got = other.get("/gradio_api/queue/data", params={"session_hash": session})
            assert got.status_code == 403
            joined = other.post("/gradio_api/queue/join", json={"session_hash": session, "fn_index": 0, "data": [],
                                                                "event_data": None, "trigger_id": None})
            assert joined.status_code == 403
            assert other.get(f"/gradio_api/heartbeat/{session}").status_code == 403
        answer = say(page, "证书有效期多久？")
        assert "3年" in answer or "三年" in answer
    finally:
        page.context.close()


@pytest.mark.integration
def test_a_client_reads_and_chats_in_its_workspace_and_changes_nothing(browser, served):
    url, settings = served
    store = Store(settings.database_url)
    try:
        ws = store.workspace(A)
        before = len(store.assessment_listing(ws.id))
        plans_before = len(store.list_plans(workspace_id=ws.id))
    finally:
        store.close()
    page = login(browser, url, CLIENT_A, PASSWORD)
    try:
        answer = say(page, "我们客户满意度88%")
        assert "88" in answer and "不会改动顾问维护的自评" in answer  # read back, and said to stay in the chat
        open_tab(page, "自评")
        expect(page.locator("#ent-name textarea, #ent-name input").first).to_have_value(SECRET_A)  # reads the case
        expect(page.locator("#ent-name textarea, #ent-name input").first).to_be_disabled()
        expect(page.locator("#finding-add")).to_be_disabled()
        open_tab(page, "整改计划")
        expect(page.locator("#plan-draft")).to_be_disabled()
        open_tab(page, "版本与记录")
        expect(page.locator("#assessment-version-restore")).to_be_disabled()
    finally:
        page.context.close()
    store = Store(settings.database_url)
    try:
        ws = store.workspace(A)
        assert len(store.assessment_listing(ws.id)) == before
        assert len(store.list_plans(workspace_id=ws.id)) == plans_before
    finally:
        store.close()


def test_a_client_session_refuses_every_change_in_chinese(served, tmp_path):
    """Behind the disabled controls: the session itself refuses a client's change, whatever sends it, with one
    Chinese sentence, and the case stays as it was."""
    from assistant.web.messages import zh
    from assistant.web.session import WebSession
    from assistant.errors import BadInput

    _, settings = served
    from assistant.web.app import WebApp

    app = WebApp(settings)
    sess, _ = app.open_case({"token": "t-client-a", "workspace": A}, A, CLIENT_A)
    assert sess is not None and sess.read_only
    upload = tmp_path / "a.yaml"
    upload.write_text("criteria: {D1.1: {level: 5}}\n", encoding="utf-8")
    changes = [lambda: sess.set_criterion("D1.1", level=5), lambda: sess.set_declaration("major_incident_unresolved", True),
               lambda: sess.add_finding("D2.1", "major", "周末无人受理"), lambda: sess.load_file(upload),
               lambda: sess.draft_plan(), lambda: sess.restore_assessment(1)]
    for change in changes:
        with pytest.raises(BadInput) as refused:
            change()
        assert "客户账号只能查看和对话" in zh(refused.value)
    assert sess.assessment["criteria"]["D1.1"] == {"level": 2}
    assert isinstance(sess, WebSession)


def test_every_worker_reads_what_another_stored_in_a_browser(database_url, index_settings, tmp_path):
    """The key of the browser's stored case is the database's: two workers with their own data directories share
    it, and a key an earlier version kept in the data directory becomes the database's (browsers keep their case)."""
    from assistant.web.app import WebApp

    first, second = tmp_path / "worker-a", tmp_path / "worker-b"
    first.mkdir()
    (first / "web_secret").write_text("key-an-earlier-version-made\n", encoding="utf-8")
    apps = [WebApp(index_settings.model_copy(update={"database_url": database_url, "data_dir": d}))
            for d in (first, second)]
    try:
        assert apps[0].secret == apps[1].secret == "key-an-earlier-version-made"
    finally:
        for app in apps:
            app.store.close()


def test_a_revoked_membership_ends_the_open_session_at_its_next_event(index_settings, tmp_path):
    """A consultant's page open in A; A is revoked from the account: the next event of that page shows and changes
    nothing of A (the handler gets no session), though the page was opened while it could."""
    import gradio as gr

    from assistant.web.app import WebApp

    settings = index_settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/web.db"})
    store = Store(settings.database_url)
    try:
        ws = store.create_workspace(A)
        save_draft(store, ws, {"enterprise": {"name": SECRET_A}, "criteria": {"D2.1": {"kpi": 36.0}}}, author="cli")
        accounts = Accounts(store)
        accounts.add(CONSULTANT, PASSWORD, "consultant", [A])
        app = WebApp(settings)
        sess, _ = app.open_case({"token": "t-consultant", "workspace": A}, A, CONSULTANT)
        assert sess is not None and app.live(sess) is sess
        summary = app.report("", sess)[0]
        assert isinstance(summary, str) and "合格" in summary  # a report while A is the account's
        accounts.revoke(CONSULTANT, A)
        assert app.live(sess) is None
        assert all(isinstance(out, type(gr.skip())) for out in app.report("", sess))
        app.on_level("D1.1", app.level_choices[-1], sess)
        assert "D1.1" not in sess.assessment.get("criteria", {})  # nothing changed
    finally:
        store.close()


def test_a_page_session_is_bound_once_for_every_worker(database_url):
    """The bindings are the database's: the first login to use a page session owns it, and a second process (another
    worker) asked later by another login says no, on SQLite and PostgreSQL."""
    from assistant.workspace.accounts import Logins

    first, second = Store(database_url), Store(database_url)
    try:
        a, b = Logins(first), Logins(second)
        assert a.claim("s:page-1", "owner-a") and a.claim("s:page-1", "owner-a")
        assert not b.claim("s:page-1", "owner-b")
        assert b.claim("s:page-1", "owner-a") and b.claim("e:event-9", "owner-b") and not a.claim("e:event-9", "owner-a")
    finally:
        first.close()
        second.close()
