"""The gradio web app: 对话, 自评, 评级报告 and 整改计划 pages over one state per browser session.

Each browser session gets its own `WebSession` (in a `gr.State`), created when the page loads; every page reads
and changes that session only. The chat and the self-assessment form change the same assessment: after a chat
turn the form shows what the chat recorded, and a form change re-grades at once.
"""

from __future__ import annotations

import atexit
import functools
import html
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import gradio as gr
from gradio.data_classes import FileData

from assistant.dates import parse_day
from assistant.errors import BadInput
from assistant.plans.export import FORMATS as EXPORT_FORMATS
from assistant.plans.models import STATUS_ZH
from assistant.rules import load_scheme
from assistant.settings import Settings
from assistant.web import views
from assistant.web.access import Downloads, discard_upload, downloads_root
from assistant.web.case_page import CasePage
from assistant.web.messages import zh
from assistant.web.session import WebSession, permitted

EXAMPLES = [
    "监督审核多久一次？",
    "我们客户满意度88%，投诉首次响应平均36小时，能过吗？",
    "我们有售后服务手册和维修作业规范，服务组织健全",
    "离优秀还差什么？",
    "帮我起草整改计划",
    "有没有类似的案例？",
]  # Chinese only: the page speaks the user's language (the chat still answers a question asked in English)

CSS = """
.grade-badge{border:3px solid #999;border-radius:12px;padding:12px 16px;text-align:center;background:#fff}
.grade-label{font-size:13px;color:#666}
.grade-value{font-size:30px;font-weight:700;line-height:1.3}
.grade-provisional{font-size:15px;font-weight:400;margin-left:4px}
.grade-sub{font-size:12px;color:#555}
.crit-name{padding-top:6px}
.crit-name p{margin:0;font-size:14px}
.bad-input{color:#b03a2e;font-weight:600}
.ok-note{color:#1e8449}
.side-panel{position:sticky;top:12px;align-self:flex-start}
#report-details td:nth-child(1),#report-details td:nth-child(2),#report-details td:nth-child(4){white-space:nowrap}
/* Earlier turns off screen are not laid out again at every streamed piece (a turn kept its time at turn 24:
   benchmarks/bench_workspace.py); the newest rows, where the answer streams, always are. */
#chatbot .message-row:not(:nth-last-child(-n+8)){content-visibility:auto;contain-intrinsic-size:auto 160px}
#report-criteria td:nth-child(-n+6){white-space:nowrap}
/* Tables in Markdown (chat answers, the report): wrapped by words, never one character a line; a table wider than
   its column scrolls inside itself, not the page. Dates and headers stay on one line. */
#chatbot table,.prose table{display:block;max-width:100%;overflow-x:auto}
#chatbot th,#chatbot td,.prose th,.prose td{word-break:normal;overflow-wrap:normal;min-width:2.5em}
#chatbot th,.prose th{white-space:nowrap}
/* dates in gradio tables (plan deadlines, finding dates, version times) on one line */
#plan-table [data-col="6"] .text,#plan-table [data-col="7"] .text,#findings-table [data-col="4"] .text,
#plan-versions [data-col="1"] .text{white-space:nowrap}
@media (max-width: 600px){
  /* a phone: one column; the grade badge above the chat and the form, the report's text above its chart */
  .with-side{flex-direction:column-reverse !important;flex-wrap:nowrap !important}
  .with-side>*{min-width:100% !important;width:100%}
  .side-panel{position:static}
  #report-row{flex-direction:column !important;flex-wrap:nowrap !important}
  #report-row>*{min-width:100% !important;width:100%}
  #report-text{order:-1}
  #workspace-bar>*{min-width:100% !important}
  #chatbot td,.prose td{min-width:6.5em}
  /* gradio tables: laid out at a readable width (gradio shares the table's width out by column_widths) and
     scrolled sideways inside their own box, never the page */
  :is(#plan-table,#findings-table,#plan-versions) .table-container{overflow-x:auto !important}
  #plan-table .table-wrap{min-width:1300px}
  #findings-table .table-wrap{min-width:620px}
  #plan-versions .table-wrap{min-width:440px}
}
"""

logger = logging.getLogger(__name__)

# gradio's own texts (the upload box, the tables' drop hint, the progress announcement), in Chinese whatever
# language the browser is set to: the page is Chinese, and an English browser would otherwise get "Drop File Here
# – or – Click to Upload" in it. Keys are gradio 6's (its frontend dictionaries); "common.complete" has no Chinese
# entry there and would be announced as the key itself.
GRADIO_TEXTS = {
    "upload_text.drop_file": "将文件拖放到此处", "upload_text.click_to_upload": "点击上传", "common.or": "或",
    "dataframe.drop_to_upload": "将 CSV 或 TSV 文件拖放到此处以将数据导入表格", "common.complete": "完成",
    "common.error": "错误", "common.clear": "清除", "common.download": "下载", "common.loading": "加载中",
    "common.remove": "删除", "common.edit": "编辑", "common.empty": "空", "common.undo": "撤销",
    "common.submit": "提交", "common.settings": "设置", "status.queue_position": "排队中：第 {position} 位，共 {size} 位",
}
I18N = gr.I18n(**{"en": GRADIO_TEXTS, "zh-CN": GRADIO_TEXTS, "zh": GRADIO_TEXTS})

LEVEL_UNSET = "（未填）"
PLAN_OUTPUTS = 5 + len(EXPORT_FORMATS)  # summary, table, versions, timeline, one button per export format, message
STREAM_PIECES = 4  # the answer is complete before it is shown: each extra streamed piece only costs server time
HIDE: dict[str, Any] = {"api_visibility": "undocumented"}  # page events: callable, but not listed as the app's API


def _err(exc: BadInput | str) -> str:
    """A bad-input message shown on the page, in Chinese (`错误：WHERE：WHAT`, see messages.zh; never the CLI's
    English or a command line), escaped: the message may quote a file's content or a typed value, and must never
    become markup. A str is a message already worded for the page."""
    text = exc if isinstance(exc, str) else zh(exc)
    return f'<div class="bad-input">错误：{html.escape(text)}</div>'


def _ok(text: str) -> str:
    return f'<div class="ok-note">{html.escape(text)}</div>'


def _browser_secret(settings: Settings, store: Any) -> str:
    """The key that encrypts what the app keeps in browsers (their token and workspace): one per database, so every
    worker of the app reads what another stored and a restart still does. A key an earlier version kept in the
    data directory (`web_secret`) becomes the database's, so browsers keep their case."""
    from assistant.workspace.accounts import Logins

    path = settings.data_dir / "web_secret"
    try:
        earlier = path.read_text(encoding="utf-8").strip() if path.exists() else None
    except OSError:
        earlier = None
    return Logins(store).secret("browser", earlier or None)


# gradio writes a stub (.pyi) beside the source of every component class it sees defined: not in this package.
_write_stub, gr.component_meta.create_or_modify_pyi = gr.component_meta.create_or_modify_pyi, lambda *_a, **_k: None
try:
    class OfferedDownload(gr.DownloadButton):
        """gradio's download button, for a file offered at the app's own address (`WebApp.offer`). Given an http
        address as a path, gradio would fetch it into its cache (and refuses the app's own host); given as the
        file's URL, the browser fetches it from the app, with its login, and the app checks whose it is."""

        is_template = True  # the frontend's own download button shows it

        def postprocess(self, value: str | Path | None) -> FileData | None:
            if isinstance(value, str) and value.startswith(("http://", "https://")):
                return FileData(path=value, url=value, orig_name=unquote(value.rsplit("/", 1)[-1]))
            return super().postprocess(value)
finally:
    gr.component_meta.create_or_modify_pyi = _write_stub


def _event_request() -> Any:
    """The gradio request of the page event being handled (None outside one: tests calling handlers directly)."""
    from gradio.context import LocalContext

    return LocalContext.request.get(None)


def _origin(request: Any) -> str | None:
    """The address the browser used to reach the app (behind a proxy: the proxy's), e.g. http://host:7860."""
    req = getattr(request, "request", None)
    if req is None:
        return None
    headers = req.headers
    host = (headers.get("x-forwarded-host") or headers.get("host") or req.url.netloc).split(",")[0].strip()
    proto = (headers.get("x-forwarded-proto") or req.url.scheme).split(",")[0].strip()
    return f"{proto}://{host}" if host else None


def _notes(lines: list[str]) -> str:
    """Plain-text notes (calendar warnings) as escaped lines."""
    return "<br>".join(html.escape(line) for line in lines)


class WebApp:
    """Builds the Blocks and holds what all sessions share: settings, scheme, the conversation store, the file area."""

    def __init__(self, settings: Settings, *, max_upload_bytes: int = 1_000_000) -> None:
        from assistant.chat.store import ConversationStore

        self.settings = settings
        self.max_upload_bytes = max_upload_bytes
        self.scheme = load_scheme(None, settings.knowledge_dir)
        self.store = ConversationStore.open(settings)  # the default workspace's
        self._stores: dict[str, Any] = {self.store.workspace.name: self.store}
        from assistant.workspace.accounts import Accounts

        self.accounts = Accounts(self.store.store)
        self._may: dict[str, tuple[float, bool]] = {}
        self.secret = _browser_secret(settings, self.store.store)
        self.downloads = Downloads(downloads_root(settings.data_dir), max_age_s=settings.web_session_hours * 3600)
        self.files = _files_dir()
        atexit.register(shutil.rmtree, self.files, True)  # exports and downloads of this run
        self.level_choices = [LEVEL_UNSET] + [f"L{lv.level} {lv.name}" for lv in self.scheme.levels]
        self.severity_choices = [(s.name, sid) for sid, s in self.scheme.severities.items()]

    # --- sessions ------------------------------------------------------------------------------

    def new_session(self) -> WebSession:
        return WebSession(self.settings, self.store)

    def store_for(self, workspace: str | None):
        """The conversation store of a workspace (one per workspace, shared by all sessions)."""
        from assistant.chat.store import ConversationStore

        name = (workspace or "").strip() or self.store.workspace.name
        if name not in self._stores:
            self._stores[name] = ConversationStore.on(self.store.store, name)
        return self._stores[name]

    # --- who is there: accounts and what they may open ----------------------------------------------

    @staticmethod
    def user_of(request: gr.Request | None) -> str | None:
        """The logged-in user of an event (gradio's login), None when the app asks no one to log in."""
        name = getattr(request, "username", None) if request is not None else None
        return str(name) if name else None

    def _bootstrap(self, user: str) -> bool:
        return self.settings.web_password is not None and user == self.settings.web_user

    def role(self, user: str | None) -> str | None:
        """admin, consultant or client; admin without a login (loopback without password) and for the bootstrap
        admin (the settings' shared user); None for a disabled or unknown user."""
        if user is None:
            return "admin"
        account = self.accounts.get(user)
        if account is None:
            return "admin" if self._bootstrap(user) else None
        return None if account.disabled else account.role

    def may_log_in(self, user: str) -> bool:
        """Whether a logged-in user still may use the app (the login gate asks at every request; cached 5 s)."""
        import time

        now = time.monotonic()
        hit = self._may.get(user)
        if hit is not None and now - hit[0] < 5:
            return hit[1]
        ok = self.role(user) is not None
        self._may[user] = (now, ok)
        return ok

    def workspaces(self, user: str | None = None) -> list[str]:
        """The workspaces `user` may open and that take changes (not archived): an admin's all, a consultant's its
        memberships, a client's its own one."""
        names = [w.name for w in self.store.store.list_workspaces() if not w.archived]
        role = self.role(user)
        if role == "admin":
            return names
        if role is None or user is None:
            return []
        allowed = {w.name for w in self.accounts.allowed_workspaces(user)}
        return [n for n in names if n in allowed]

    def open_case(self, browser: dict | None, workspace: str | None = None, user: str | None = None):
        """The session of this browser in a workspace `user` may open: its last conversation reopened (after a
        reload), else a new one on the workspace's assessment. A workspace the user may not open is never opened:
        the browser's remembered one or the default takes its place. Returns the session (None when the user may
        open no workspace) and the browser's stored value."""
        import secrets

        from assistant.plans.store import DEFAULT_WORKSPACE

        browser = dict(browser or {})
        token = browser.get("token") or secrets.token_urlsafe(16)
        allowed = self.workspaces(user)
        name = next((n for n in (workspace, browser.get("workspace")) if n and n in allowed), None)
        if name is None:
            name = DEFAULT_WORKSPACE if DEFAULT_WORKSPACE in allowed else (allowed[0] if allowed else None)
        if name is None:
            return None, {"token": token, "workspace": None}
        sess = WebSession(self.settings, self.store_for(name), owner_token=token, user=user,
                          read_only=self.role(user) == "client")
        sess.reopen()
        return sess, {"token": token, "workspace": name}

    def on_load(self, browser: dict | None, request: gr.Request):
        """The page opened: this browser's case in a workspace the user may open; the picker lists only those, and
        a client gets no 新建."""
        user = self.user_of(request)
        sess, value = self.open_case(browser, None, user)
        may_create = gr.update(visible=self.role(user) in ("admin", "consultant"))
        if sess is None:
            return (None, value, gr.update(choices=[], value=None), [], views.badge_html(None),
                    "您的账号还没有可以打开的工作区，请联系管理员授予。", may_create, may_create)
        return (sess, value, gr.update(choices=self.workspaces(user), value=value["workspace"]), sess.history_messages(),
                self.badge(sess), self.status_line(sess), may_create, may_create)

    def on_workspace(self, name: str, browser: dict | None, sess: WebSession | None, request: gr.Request):
        """Another workspace picked: this browser's last conversation there, or a new one on its assessment. A
        workspace the user may not open (a crafted event) changes nothing and returns nothing of it."""
        if not name or (sess is not None and sess.state.workspace == name):
            return [gr.skip()] * 6
        user = self.user_of(request)
        if name not in self.workspaces(user):
            return [gr.skip()] * 6
        new, value = self.open_case(browser, name, user)
        if sess is not None:
            self.drop_session(sess)
        return new, value, gr.skip(), new.history_messages(), self.badge(new), self.status_line(new)

    def on_new_workspace(self, name: str, browser: dict | None, sess: WebSession | None, request: gr.Request):
        user = self.user_of(request)
        role = self.role(user)
        if role not in ("admin", "consultant"):
            return [gr.skip()] * 6 + [_err("新建工作区：客户账号不能新建工作区")]
        try:
            ws = self.store.store.create_workspace(name)
            if user is not None and role == "consultant":  # its creator may open it
                self.accounts.grant(user, ws.name, author=f"web:{user}")
        except BadInput as exc:
            return [gr.skip()] * 6 + [_err(exc)]
        new, value = self.open_case(browser, ws.name, user)
        if sess is not None:
            self.drop_session(sess)
        return (new, value, gr.update(choices=self.workspaces(user), value=ws.name), new.history_messages(),
                self.badge(new), self.status_line(new), _ok(f"已新建工作区“{ws.name}”"))

    def live(self, sess: WebSession) -> WebSession | None:
        """`sess` while the account of the event may open its workspace, else None (see `permitted`)."""
        request = _event_request()
        user = self.user_of(request) if request is not None else sess.user
        if user != sess.user or sess.state.workspace not in self.workspaces(user):
            return None
        return sess

    def may_open(self, user: str | None, workspace: str | None) -> bool:
        """Whether `user` may open `workspace` now (asked by the download route at every download)."""
        return workspace is not None and workspace in self.workspaces(user)

    def offer(self, sess: WebSession, path: str | Path, name: str | None = None) -> str:
        """A file of this session's case as the address it is downloaded from: only its account gets it, while it
        may open the workspace (assistant/web/access.py). Outside a page event (tests of the handlers), the path."""
        origin = _origin(_event_request())
        if origin is None:
            return str(path)
        return origin + self.downloads.offer(path, user=sess.user, workspace=sess.state.workspace, name=name)

    def read_only_controls(self, sess: WebSession | None) -> list[Any]:
        """After the page loads: a client's page shows the case without the controls that would change it."""
        if sess is None or not sess.read_only:
            return [gr.skip()] * len(self.edit_controls)
        return [gr.update(interactive=False) for _ in self.edit_controls]

    def _dir(self, sess: WebSession) -> Path:
        d = self.files / str(id(sess))
        d.mkdir(exist_ok=True)
        return d

    def drop_session(self, sess: WebSession | None) -> None:
        if sess is not None:
            shutil.rmtree(self.files / str(id(sess)), ignore_errors=True)

    # --- shared views ----------------------------------------------------------------------------

    def badge(self, sess: WebSession) -> str:
        if not sess.state.assessment.get("criteria") and not sess.state.assessment.get("findings"):
            return views.badge_html(None)
        return views.badge_html(sess.grade())

    def status_line(self, sess: WebSession) -> str:
        a = sess.assessment
        filled = sum(1 for e in a.get("criteria", {}).values() if e.get("level") is not None or e.get("kpi") is not None)
        findings = a.get("findings") or []
        open_ = sum(f.get("status") == "open" for f in findings)
        text = f"已填写 {filled}/{len(self.scheme.criteria)} 项准则 · 审核发现 {len(findings)} 项（未关闭 {open_}）"
        if sess.state.id is not None:
            text += f" · 对话编号 #{sess.state.id}"
        return text

    def level_value(self, level: int | None) -> str:
        return LEVEL_UNSET if level is None else self.level_choices[level + 1]

    def form_values(self, sess: WebSession) -> list[Any]:
        """Values of every criterion field in form order, then the declarations, dates, enterprise and findings."""
        crit = sess.assessment.get("criteria", {})
        out: list[Any] = []
        for c in self.scheme.criteria.values():
            e = crit.get(c.id, {})
            out.append(e.get("kpi") if c.is_kpi else self.level_value(e.get("level")))
            out.append("\n".join(e.get("evidence", [])))
        decl = {k: d.default for k, d in self.scheme.declarations.items()} | sess.assessment.get("declarations", {})
        out += [bool(decl[k]) for k in self.scheme.declarations]
        out += [sess.assessment.get("assessed_on") or "", sess.assessment.get("next_audit") or ""]
        ent = sess.assessment.get("enterprise") or {}
        out += [ent.get("name") or "", ent.get("industry") or ""]
        out.extend(self._findings_views(sess))
        out.append(self.assessment_file(sess))
        sess.form_revision = sess.revision
        return out

    def assessment_file(self, sess: WebSession) -> str:
        path = self._dir(sess) / "assessment.yaml"
        path.write_text(sess.dump("yaml"), encoding="utf-8")
        return self.offer(sess, path)

    # --- handlers: chat ----------------------------------------------------------------------------

    @permitted
    def respond(self, message: str, history: list[dict[str, Any]], sess: WebSession | None,
                request: gr.Request = None):  # type: ignore[assignment]
        """Stream one chat turn: the user's message at once, then the answer piece by piece, then its citations.
        Only in a workspace the user may open."""
        user = self.user_of(request)
        if sess is None:  # an API client (gradio_client) does not run the page's load event
            sess, _ = self.open_case(None, None, user)
        elif sess.state.workspace not in self.workspaces(user):
            sess = None
        if sess is None:
            refused = list(history or []) + [{"role": "assistant", "content": "⚠️ 错误：您的账号不能打开这个工作区。"}]
            yield refused, "", gr.skip(), gr.skip(), None
            return
        message = (message or "").strip()
        if not message:
            yield history, "", gr.skip(), gr.skip(), sess
            return
        # While streaming, the badge and status are sent again unchanged: gradio builds a new component for every
        # gr.skip() of every piece, which cost a quarter of a turn's CPU under load (benchmarks/bench_web.py).
        with sess.lock:
            shown = self.badge(sess), self.status_line(sess)
        history = list(history or []) + [{"role": "user", "content": message}]
        yield history, "", *shown, sess
        try:
            with sess.lock:
                out = sess.chat(message)
        except BadInput as exc:
            history.append({"role": "assistant", "content": f"⚠️ 错误：{zh(exc)}"})
            yield history, "", *shown, sess
            return
        answer = out["answer"]
        if out.get("note"):
            answer += f"\n\n*{out['note']}*"
        history.append({"role": "assistant", "content": ""})
        pieces = _pieces(answer, STREAM_PIECES)
        for piece in pieces[:-1]:
            history[-1] = {"role": "assistant", "content": history[-1]["content"] + piece}
            yield history, "", *shown, sess
        history[-1] = {"role": "assistant", "content": history[-1]["content"] + pieces[-1]}  # sent with the citations
        history += views.citation_messages(out["citations"])
        for path in out.get("files", []):  # an export asked for in the chat: offered as a download in the chat
            url = self.offer(sess, path)
            name = Path(path).name.replace("[", "（").replace("]", "）")
            link = f"📎 [{name}]({url})" if "://" in url else {"path": url}
            history.append({"role": "assistant", "content": link})
        with sess.lock:
            badge, status = self.badge(sess), self.status_line(sess)
        yield history, "", badge, status, sess

    # --- handlers: form -----------------------------------------------------------------------------

    def _form_change(self, sess: WebSession | None, change) -> tuple[Any, ...]:
        """Apply a form change; (badge, status line, message, the assessment file to download)."""
        if sess is None:  # an event sent before the page's load event created the session
            return gr.skip(), gr.skip(), _err(BadInput("the page is still loading; try again", where="自评")), gr.skip()
        with sess.lock:
            try:
                change()
                msg = ""
            except BadInput as exc:
                msg = _err(exc)
            sess.form_revision = sess.revision  # the form shows what it just changed
            return self.badge(sess), self.status_line(sess), msg, self.assessment_file(sess)

    @permitted
    def on_level(self, cid: str, value: str | None, sess: WebSession):
        level = None if not value or value == LEVEL_UNSET else self.level_choices.index(value) - 1
        return self._form_change(sess, lambda: sess.set_criterion(cid, level=level,
                                                                  kpi=sess.assessment.get("criteria", {}).get(cid, {}).get("kpi")))

    @permitted
    def on_kpi(self, cid: str, value: float | None, sess: WebSession):
        """A KPI value typed: re-graded at once. A value the scheme refuses (150 %) leaves the assessment as it was,
        says why in Chinese, and puts the field back to the value kept, so field and grade never disagree.

        Outputs: badge, status line, message, assessment file, the field itself."""
        def change():
            entry = sess.assessment.get("criteria", {}).get(cid, {})
            sess.set_criterion(cid, level=entry.get("level"), kpi=None if value is None else float(value))
        out = self._form_change(sess, change)
        if sess is None or not out[2]:
            return (*out, gr.skip())
        return (*out, sess.assessment.get("criteria", {}).get(cid, {}).get("kpi"))

    @permitted
    def on_evidence(self, cid: str, text: str, sess: WebSession):
        def change():
            entry = sess.assessment.get("criteria", {}).get(cid, {})
            sess.set_criterion(cid, level=entry.get("level"), kpi=entry.get("kpi"), evidence=(text or "").splitlines())
        return self._form_change(sess, change)

    @permitted
    def on_declaration(self, key: str, value: bool, sess: WebSession):
        return self._form_change(sess, lambda: sess.set_declaration(key, value))

    @permitted
    def on_meta(self, assessed_on: str, next_audit: str, name: str, industry: str, sess: WebSession):
        def change():
            sess.set_dates(assessed_on, next_audit)
            sess.set_enterprise(name, industry)
        return self._form_change(sess, change)

    def _findings_views(self, sess: WebSession | None) -> tuple[Any, Any]:
        if sess is None:
            return gr.skip(), gr.skip()
        return (views.findings_frame(sess.findings(), self.scheme),
                gr.update(choices=[f["id"] for f in sess.findings() if f.get("status") == "open"], value=None))

    @permitted
    def on_add_finding(self, criterion: str, severity: str, text: str, raised_on: str, sess: WebSession | None):
        """A finding from the form's fields; none has a default, and one without its criterion, severity or
        description is refused (an empty click would otherwise record a nonconformity no one described)."""
        def change():
            if criterion and severity and not (text or "").strip():
                raise BadInput("describe the finding", where="审核发现")
            sess.add_finding(criterion, severity, text, raised_on)
        out = self._form_change(sess, change)
        return (*out, *self._findings_views(sess))

    @permitted
    def on_edit_findings(self, table, sess: WebSession | None):
        out = self._form_change(sess, lambda: sess.replace_findings(views.findings_rows(table, self.scheme)))
        return (*out, *self._findings_views(sess))

    @permitted
    def on_close_finding(self, fid: str | None, sess: WebSession | None):
        if not fid:
            return (gr.skip(), gr.skip(), _err(BadInput("choose a finding to close", where="审核发现")), gr.skip(),
                    gr.skip(), gr.skip())
        badge, status, msg, file = self._form_change(sess, lambda: sess.close_finding(fid))
        return (badge, status, msg or _ok(f"已关闭 {fid}"), file, *self._findings_views(sess))

    @permitted
    def on_upload(self, path: str | None, sess: WebSession | None):
        """Replace the assessment with an uploaded file; a bad file changes nothing and says why, like `grade FILE`.

        Outputs: the form's fields, badge, status line, message, and the upload box (emptied again)."""
        keep = [gr.skip()] * len(self.form_outputs)
        try:
            return self._upload(path, sess, keep)
        finally:
            discard_upload(path)

    def _upload(self, path: str | None, sess: WebSession | None, keep: list[Any]) -> list[Any]:
        if not path or sess is None:
            return [*keep, gr.skip(), gr.skip(), gr.skip(), None]
        name = Path(path).name
        with sess.lock:
            try:
                sess.load_file(path, shown_name=name, max_bytes=self.max_upload_bytes)
            except BadInput as exc:
                return [*keep, self.badge(sess), self.status_line(sess), _err(exc), None]
            except Exception:  # an upload must never break the page: the box has to take the next file
                logger.exception("upload %s failed", name)
                problem = BadInput("the file could not be read as an assessment", where=name)
                return [*keep, self.badge(sess), self.status_line(sess), _err(problem), None]
            return [*self.form_values(sess), self.badge(sess), self.status_line(sess), _ok(f"已读入 {name}"), None]

    @permitted
    def refresh_form(self, sess: WebSession | None):
        """On opening 自评: the form again, but only when the chat changed the assessment since the form last did
        (re-sending every field would overwrite what the user starts typing while it arrives)."""
        if sess is None:
            return [gr.skip()] * len(self.form_outputs)
        with sess.lock:
            if sess.form_revision == sess.revision:
                return [gr.skip()] * len(self.form_outputs)
            return self.form_values(sess)

    # --- handlers: report ------------------------------------------------------------------------------

    @permitted
    def report(self, target: str | None, sess: WebSession | None):
        """(summary, details, radar, gap chart, per-criterion table, the report to download) of the session's
        assessment against `target`."""
        if sess is None:
            return (gr.skip(),) * 6
        with sess.lock:
            if not sess.assessment.get("criteria") and not sess.assessment.get("findings"):
                empty = "还没有自评数据。在“对话”中说出贵公司的情况，或在“自评”页填写、上传自评文件。"
                return empty, "", None, None, "", gr.update(value=None, interactive=False)
            result = sess.grade(target or None)
            scheme = result.scheme_model
            a = sess.assessment
            path = self._dir(sess) / "评级报告.md"
            path.write_text(views.report_document(result, scheme, a.get("enterprise"), a.get("assessed_on")),
                            encoding="utf-8")
            return (views.report_summary(result, scheme), views.report_details(result, scheme),
                    views.radar_figure(result, scheme), views.gap_figure(result, scheme),
                    views.criteria_table(result, scheme), gr.update(value=self.offer(sess, path), interactive=True))

    # --- handlers: plan ----------------------------------------------------------------------------------

    @permitted
    def plan_view(self, sess: WebSession | None, certified_on: str | None = None, message: str = ""):
        if sess is None:  # an event sent before the page's load event created the session
            return [gr.skip()] * PLAN_OUTPUTS
        plan = sess.plan()
        calendar = None
        files: list[Any] = [None] * len(EXPORT_FORMATS)
        if plan is not None:
            from assistant.plans.calendar import plan_calendar

            try:
                day = parse_day(certified_on, "获证日期") or plan.certified_on or plan.plan_date
            except BadInput as exc:
                message = _err(exc)
                day = plan.certified_on or plan.plan_date
            calendar = plan_calendar(plan, day, load_scheme(plan.scheme, self.settings.knowledge_dir))
            files = [self.offer(sess, f) for f in self._exports(sess, plan)]
            if calendar["warnings"]:
                message = (message + "<br>" if message else "") + _notes(calendar["warnings"])
        versions = views.versions_frame(sess.plan_versions())
        return [views.plan_summary_markdown(plan, sess.state.plan_stale), views.plan_frame(plan), versions,
                views.timeline_figure(plan, calendar), *[gr.update(value=f, interactive=f is not None) for f in files],
                message]

    def _exports(self, sess: WebSession, plan) -> list[str]:
        """The plan's files, one per format of the registry in its order (Excel, Word, Markdown). Written once per
        version of the plan: a visit to the plan page reuses them (kept in a folder named by the plan's content)."""
        import hashlib

        from assistant.plans.export import export

        digest = hashlib.sha256(plan.model_dump_json().encode()).hexdigest()[:16]
        d = self._dir(sess) / digest
        stem = f"整改计划-{plan.plan_date.isoformat()}"
        if not d.is_dir():
            for old in self._dir(sess).iterdir():  # the files of earlier versions: no page offers them any more
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
            tmp = self._dir(sess) / f".{digest}.part"
            tmp.mkdir(exist_ok=True)
            for name in EXPORT_FORMATS:
                export(plan, name, tmp / f"{stem}.{name}")
            tmp.rename(d)
        return [str(d / f"{stem}.{name}") for name in EXPORT_FORMATS]

    @permitted
    def on_draft(self, target: str, certified_on: str, sess: WebSession | None):
        if sess is None:
            return [gr.skip()] * (PLAN_OUTPUTS + 1)
        with sess.lock:
            try:
                sess.draft_plan(target or None)
                msg = _ok(f"已起草并保存整改计划（计划编号 {sess.state.plan_id}，版本 1）")
            except BadInput as exc:
                msg = _err(exc)
            return self.plan_view(sess, certified_on, msg) + [self.badge(sess)]

    @permitted
    def on_save_plan(self, table, certified_on: str, sess: WebSession | None):
        if sess is None:
            return [gr.skip()] * PLAN_OUTPUTS
        with sess.lock:
            plan = sess.plan()
            if plan is None:
                return self.plan_view(sess, certified_on, _err(BadInput("draft a plan first", where="整改计划")))
            done, problems = [], []
            for ch in views.plan_changes(plan, table):
                try:
                    deadline = parse_day(ch.get("deadline"), f"第{ch['no']}项 完成期限")
                except BadInput as exc:
                    problems.append(zh(exc))
                    continue
                if ch.get("status") and ch["status"] not in STATUS_ZH:
                    problems.append(f"第{ch['no']}项：状态只能是 {'、'.join(STATUS_ZH.values())}")
                    continue
                try:
                    sess.update_plan_item(ch["no"], owner=ch.get("owner"), deadline=deadline, status=ch.get("status"))
                    done.append(ch["no"])
                except BadInput as exc:
                    problems.append(zh(exc))
            parts = []
            if done:
                parts.append(_ok(f"已保存第{'、'.join(map(str, done))}项的修改（新版本）"))
            if problems:
                parts.append(_err("；".join(problems)))
            if not done and not problems:
                parts.append("没有改动。")
            return self.plan_view(sess, certified_on, "".join(parts))

    # --- layout -----------------------------------------------------------------------------------------

    def build(self) -> gr.Blocks:
        with gr.Blocks(title="售后服务成熟度助手", analytics_enabled=False) as demo:
            sess = gr.State(None, delete_callback=self.drop_session)
            # This browser's token and workspace, kept in its local storage (encrypted): a reload reopens its case.
            browser = gr.BrowserState({"token": None, "workspace": None}, storage_key="shouhou-case", secret=self.secret)
            gr.Markdown("## 售后服务成熟度助手\n帮助企业通过售后服务管理成熟度认证：问规则（带引用）、自评定级、看差距、起草整改计划。"
                        "评级只由规则引擎按认证方案计算。")
            with gr.Row(elem_id="workspace-bar"):
                ws_picker = gr.Dropdown(choices=[], label="工作区（客户案例）", elem_id="workspace-picker", scale=2,
                                        allow_custom_value=False, filterable=False)
                ws_new_name = gr.Textbox(label="新建工作区", placeholder="例如：美澜电器-2026", elem_id="workspace-new-name", scale=2)
                ws_new = gr.Button("新建", elem_id="workspace-new", scale=1)
                ws_msg = gr.HTML("", elem_id="workspace-message")
            with gr.Tabs(overflow_behavior="wrap") as tabs:  # on a phone the tabs wrap to a second line, none hidden in a menu
                with gr.Tab("对话", id="chat", elem_id="tab-chat"):
                    with gr.Row(elem_classes=["with-side"]):
                        with gr.Column(scale=3):
                            chatbot = gr.Chatbot(label="对话", height=520, elem_id="chatbot", show_label=False,
                                                 placeholder="您好！可以问我认证规则，或说说贵公司的售后服务情况。",
                                                 buttons=["copy"], feedback_options=None, latex_delimiters=[])
                            with gr.Row():
                                msg = gr.Textbox(placeholder="输入问题或情况，回车发送", label="输入问题", show_label=False, scale=5,
                                                 elem_id="chat-input", max_lines=4, submit_btn=False)
                                send = gr.Button("发送", variant="primary", scale=1, elem_id="chat-send")
                            gr.Examples(EXAMPLES, inputs=[msg], label="示例问题")
                        with gr.Column(scale=1, min_width=240, elem_classes=["side-panel"]):
                            badge_chat = gr.HTML(views.badge_html(None), elem_id="grade-badge-chat")
                            status_chat = gr.Markdown("", elem_id="status-chat")
                            gr.Markdown("对话中说的情况会记录到“自评”页，自评页的修改也会用于对话中的评级和整改计划。")

                with gr.Tab("自评", id="form", elem_id="tab-form") as form_tab:
                    with gr.Row(elem_classes=["with-side"]):
                        with gr.Column(scale=3):
                            form_msg = gr.HTML("", elem_id="form-message")
                            with gr.Row():
                                upload = gr.File(label="上传自评文件（YAML/JSON）",
                                                 type="filepath", elem_id="upload", height=140)
                                download = OfferedDownload("下载自评文件（YAML）", elem_id="download-assessment")
                            with gr.Row():
                                ent_name = gr.Textbox(label="企业名称", elem_id="ent-name")
                                ent_industry = gr.Textbox(label="行业", elem_id="ent-industry")
                                assessed_on = gr.Textbox(label="自评日期", placeholder="2026-11-27", elem_id="assessed-on")
                                next_audit = gr.Textbox(label="下次审核日期", placeholder="2027-03-01", elem_id="next-audit")
                            crit_inputs: list[tuple[str, Any, Any]] = []
                            for dim in self.scheme.dimensions.values():
                                members = self.scheme.criteria_of(dim.id)
                                with gr.Accordion(f"{dim.id} {dim.name}（权重 {dim.weight:g}）", open=True):
                                    for c in members:
                                        with gr.Row(equal_height=True):
                                            if c.is_kpi:
                                                better = "越高越好" if c.direction == "higher" else "越低越好"
                                                gr.Markdown(f"**{c.id} {c.name}**<br>KPI，单位{c.unit_symbol}，{better}",
                                                            elem_classes=["crit-name"])
                                                # No minimum/maximum: gradio would refuse a value outside them with its own English
                                                # toast before the handler runs; the session refuses it in Chinese and on_kpi puts
                                                # the field back to the value kept.
                                                field = gr.Number(label=f"{c.id} KPI值（{c.unit_symbol}）", elem_id=f"kpi-{c.id}")
                                            else:
                                                gr.Markdown(f"**{c.id} {c.name}**<br>申报等级", elem_classes=["crit-name"])
                                                field = gr.Dropdown(self.level_choices, value=LEVEL_UNSET,
                                                                    label=f"{c.id} 成熟度等级", elem_id=f"level-{c.id}")
                                            evidence = gr.Textbox(label=f"{c.id} 证据（每行一项）", lines=2, max_lines=6,
                                                                  elem_id=f"evidence-{c.id}", scale=2)
                                        crit_inputs.append((c.id, field, evidence))
                            with gr.Accordion("否决项声明", open=True):
                                decl_boxes = [(k, gr.Checkbox(label=f"{d.name}", value=d.default, elem_id=f"decl-{k}"))
                                              for k, d in self.scheme.declarations.items()]
                            with gr.Accordion("审核发现", open=True):
                                findings_table = gr.Dataframe(
                                    views.findings_frame([], self.scheme), headers=views.FINDING_HEADERS, interactive=True,
                                    label="审核发现（可直接编辑后点“保存表格修改”；状态为 未关闭 或 已关闭）", elem_id="findings-table",
                                    wrap=True)
                                with gr.Row():
                                    # value=None: gradio would preselect the first choices (D1.1, 严重不符合)
                                    f_crit = gr.Dropdown(list(self.scheme.criteria), value=None, label="准则",
                                                         elem_id="finding-criterion")
                                    f_sev = gr.Dropdown(self.severity_choices, value=None, label="严重程度",
                                                        elem_id="finding-severity")
                                    f_date = gr.Textbox(label="提出日期", placeholder="2026-11-20", elem_id="finding-date")
                                f_text = gr.Textbox(label="发现描述", elem_id="finding-text")
                                with gr.Row():
                                    f_add = gr.Button("添加审核发现", elem_id="finding-add")
                                    f_close_id = gr.Dropdown([], label="关闭审核发现", elem_id="finding-close-id")
                                    f_close = gr.Button("关闭所选发现", elem_id="finding-close")
                                    f_save = gr.Button("保存表格修改", elem_id="findings-save")
                        with gr.Column(scale=1, min_width=240, elem_classes=["side-panel"]):
                            badge_form = gr.HTML(views.badge_html(None), elem_id="grade-badge-form")
                            status_form = gr.Markdown("", elem_id="status-form")

                with gr.Tab("评级报告", id="report", elem_id="tab-report") as report_tab:
                    target_report = gr.Radio([("下一等级", ""), ("合格", "合格"), ("优秀", "优秀")], value="",
                                             label="差距目标", elem_id="report-target")
                    with gr.Row(elem_id="report-row"):
                        radar = gr.Plot(label="维度得分", elem_id="radar", scale=1)
                        report_md = gr.Markdown(elem_id="report-text")
                    gap_plot = gr.Plot(label="差距", elem_id="gap-chart")
                    report_criteria = gr.Markdown(elem_id="report-criteria")
                    report_details = gr.Markdown(elem_id="report-details")
                    report_export = OfferedDownload("导出评级报告（Markdown）", interactive=False, elem_id="report-export")

                with gr.Tab("整改计划", id="plan", elem_id="tab-plan") as plan_tab:
                    with gr.Row():
                        target_plan = gr.Radio([("下一等级", ""), ("合格", "合格"), ("优秀", "优秀")], value="",
                                               label="目标评级", elem_id="plan-target")
                        certified_on = gr.Textbox(label="获证日期（推算监督审核日期；空则按计划日期）",
                                                  placeholder="2026-06-30", elem_id="certified-on")
                        draft_btn = gr.Button("起草整改计划", variant="primary", elem_id="plan-draft")
                    plan_msg = gr.HTML("", elem_id="plan-message")
                    plan_summary = gr.Markdown(elem_id="plan-summary")
                    plan_table = gr.Dataframe(
                        views.plan_frame(None), headers=views.PLAN_COLUMNS, interactive=True, wrap=True,
                        label="整改项（可编辑：责任人、完成期限、状态为 待整改/整改中/已关闭）", elem_id="plan-table",
                        static_columns=[i for i, c in enumerate(views.PLAN_COLUMNS) if c not in views.EDITABLE_PLAN_COLUMNS],
                        column_widths=["5%", "8%", "12%", "20%", "25%", "9%", "8%", "8%", "5%"], max_height=900)
                    with gr.Row():
                        save_plan = gr.Button("保存修改（新版本）", elem_id="plan-save")
                        downloads = [OfferedDownload(f"导出 {f.label}", interactive=False, elem_id=f"export-{f.name}")
                                     for f in EXPORT_FORMATS.values()]
                    timeline = gr.Plot(label="时间线", elem_id="timeline")
                    versions = gr.Dataframe(views.versions_frame([]), label="已保存的版本", interactive=False,
                                            elem_id="plan-versions")

                self.case_page = CasePage(self)  # 版本与记录 (assistant/web/case_page.py)
                self.case_page.build()

            # --- wiring
            fields = [w for _, field, evidence in crit_inputs for w in (field, evidence)]
            self.form_outputs = [*fields, *[b for _, b in decl_boxes], assessed_on, next_audit, ent_name, ent_industry,
                                 findings_table, f_close_id, download]
            changed = [badge_form, status_form, form_msg, download]
            case_out = [sess, browser, ws_picker, chatbot, badge_chat, status_chat]
            # What a client account may not use (it reads and chats): shown, not usable (the session refuses anyway).
            self.edit_controls = [*fields, *[b for _, b in decl_boxes], assessed_on, next_audit, ent_name, ent_industry,
                                  upload, findings_table, f_crit, f_sev, f_date, f_text, f_add, f_close_id, f_close,
                                  f_save, draft_btn, save_plan, plan_table, *self.case_page.edit_controls]
            demo.load(self.on_load, [browser], [*case_out, ws_new_name, ws_new], **HIDE).then(
                self.read_only_controls, sess, self.edit_controls, show_progress="hidden", **HIDE)
            ws_picker.input(self.on_workspace, [ws_picker, browser, sess], case_out, **HIDE)
            ws_new.click(self.on_new_workspace, [ws_new_name, browser, sess], [*case_out, ws_msg], **HIDE)

            chat_out = [chatbot, msg, badge_chat, status_chat, sess]
            send.click(self.respond, [msg, chatbot, sess], chat_out, api_name="chat")
            msg.submit(self.respond, [msg, chatbot, sess], chat_out, **HIDE)

            for cid, field, evidence in crit_inputs:
                if isinstance(field, gr.Number):  # a refused value puts the field back: the field is an output too
                    field.input(functools.partial(self.on_kpi, cid), [field, sess], [*changed, field],
                                show_progress="hidden", **HIDE)
                else:
                    field.input(functools.partial(self.on_level, cid), [field, sess], changed, show_progress="hidden",
                                **HIDE)
                evidence.blur(functools.partial(self.on_evidence, cid), [evidence, sess], changed, show_progress="hidden", **HIDE)
            for key, box in decl_boxes:
                box.input(functools.partial(self.on_declaration, key), [box, sess], changed, show_progress="hidden", **HIDE)
            for box in (assessed_on, next_audit, ent_name, ent_industry):
                box.blur(self.on_meta, [assessed_on, next_audit, ent_name, ent_industry, sess], changed,
                         show_progress="hidden", **HIDE)
            finding_out = [*changed, findings_table, f_close_id]
            f_add.click(self.on_add_finding, [f_crit, f_sev, f_text, f_date, sess], finding_out, **HIDE)
            f_save.click(self.on_edit_findings, [findings_table, sess], finding_out, **HIDE)
            f_close.click(self.on_close_finding, [f_close_id, sess], finding_out, **HIDE)
            upload.upload(self.on_upload, [upload, sess], [*self.form_outputs, badge_form, status_form, form_msg, upload],
                          **HIDE)
            form_tab.select(self.refresh_form, sess, self.form_outputs, **HIDE).then(
                self._badges, sess, [badge_form, status_form], **HIDE)
            tabs.select(self._badges, sess, [badge_chat, status_chat], **HIDE)

            report_out = [report_md, report_details, radar, gap_plot, report_criteria, report_export]
            report_tab.select(self.report, [target_report, sess], report_out, **HIDE)
            target_report.change(self.report, [target_report, sess], report_out, **HIDE)

            plan_out = [plan_summary, plan_table, versions, timeline, *downloads, plan_msg]
            plan_tab.select(lambda s, c: self.plan_view(s, c), [sess, certified_on], plan_out, **HIDE)
            draft_btn.click(self.on_draft, [target_plan, certified_on, sess], [*plan_out, badge_chat], **HIDE)
            save_plan.click(self.on_save_plan, [plan_table, certified_on, sess], plan_out, **HIDE)
            certified_on.submit(lambda s, c: self.plan_view(s, c), [sess, certified_on], plan_out, **HIDE)
            self.case_page.wire(sess, chatbot, [badge_chat, status_chat, badge_form, status_form])
        return demo

    @permitted
    def _badges(self, sess: WebSession | None):
        if sess is None:
            return gr.skip(), gr.skip()
        with sess.lock:
            return self.badge(sess), self.status_line(sess)


def _files_dir() -> Path:
    """This process's folder for downloads and exports; folders of processes that no longer run are removed
    (a server stopped by a signal never runs its exit handlers)."""
    base = Path(tempfile.gettempdir())
    for old in base.glob("shouhou-web-*"):
        pid = old.name.removeprefix("shouhou-web-")
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    path = base / f"shouhou-web-{os.getpid()}"
    path.mkdir(exist_ok=True)
    return path


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _pieces(text: str, parts: int = 8) -> list[str]:
    """The answer in a few pieces for a streamed display (line by line, at most `parts` pieces)."""
    lines = text.splitlines(keepends=True)
    if len(lines) <= 1:
        step = max(1, -(-len(text) // parts))
        return [text[i:i + step] for i in range(0, len(text), step)] or [""]
    size = max(1, -(-len(lines) // parts))
    return ["".join(lines[i:i + size]) for i in range(0, len(lines), size)]
