"""The 版本与记录 page: the case's assessment and plan versions (open, compare, restore), this browser's earlier
conversations and the workspace's plans (reopen), and findings import from a consultant's file.

Built by `WebApp.build` inside its tabs (`CasePage.build`), wired after the other pages (`CasePage.wire`), so the
restore and reopen handlers can update the chat, the badges and the status lines the other pages show. The data
comes from `WebSession` (assistant/web/session.py) and assistant/workspace/versions.py; this module only shows it.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.errors import BadInput
from assistant.web import views
from assistant.web.session import permitted
from assistant.workspace.versions import Change, author_zh, local_time

logger = logging.getLogger(__name__)

HIDE: dict[str, Any] = {"api_visibility": "undocumented"}
VERSION_COLUMNS = ["版本", "保存人", "保存时间", "说明"]
CHANGE_COLUMNS = ["类别", "项目", "原值", "新值"]
FINDINGS_SUFFIXES = [".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".xlsx", ".xlsm"]


def _err(exc: BadInput) -> str:
    return f'<div class="bad-input">错误 error: {html.escape(str(exc))}</div>'


def _ok(text: str) -> str:
    return f'<div class="ok-note">{html.escape(text)}</div>'


def _md(text: Any) -> str:
    """A value inside a Markdown table cell: escaped, no line breaks or pipes."""
    return html.escape(str(text)).replace("|", "\\|").replace("\n", " ")


def changes_frame(changes: list[Change]) -> pd.DataFrame:
    return pd.DataFrame([[c.area, c.subject, c.before, c.after] for c in changes], columns=CHANGE_COLUMNS)


class CasePage:
    """The components and handlers of the 版本与记录 page of one `WebApp`."""

    def __init__(self, app: Any) -> None:
        self.app = app

    # --- layout ---------------------------------------------------------------------------------------------

    def build(self) -> None:
        """The page's components (call inside the app's `gr.Tabs`)."""
        with gr.Tab("版本与记录", id="case", elem_id="tab-case") as self.tab:
            self.msg = gr.HTML("", elem_id="case-message")
            with gr.Accordion("自评评估的版本", open=True):
                gr.Markdown("每次修改自评（网页、对话、上传文件、导入审核发现）都保存为一个新版本。可以打开查看、对比两个版本，"
                            "或把某个版本恢复为最新版本（恢复也会保存为新版本，原有版本都保留）。")
                self.a_versions = gr.Dataframe(pd.DataFrame(columns=VERSION_COLUMNS), interactive=False, wrap=True,
                                               label="评估版本", elem_id="assessment-versions", max_height=360)
                with gr.Row():
                    self.a_pick = gr.Dropdown([], label="版本", elem_id="assessment-version", filterable=False)
                    self.a_other = gr.Dropdown([], label="对比的另一个版本", elem_id="assessment-version-other",
                                               filterable=False)
                with gr.Row():
                    self.a_open = gr.Button("打开此版本", elem_id="assessment-version-open")
                    self.a_compare = gr.Button("对比两个版本", elem_id="assessment-version-compare")
                    self.a_restore = gr.Button("恢复此版本", variant="primary", elem_id="assessment-version-restore")
                self.a_view = gr.Markdown(elem_id="assessment-version-view")
                self.a_changes = gr.Dataframe(pd.DataFrame(columns=CHANGE_COLUMNS), interactive=False, wrap=True,
                                              label="变化", elem_id="assessment-changes", visible=False)
            with gr.Accordion("导入审核发现", open=True):
                gr.Markdown("上传顾问的审核发现文件（CSV、JSONL 或 Excel 表格，格式和检查与命令行的审核发现导入相同）。"
                            "人名、企业名、电话、证件号等会先匿名化；导入的发现作为“未关闭”加入自评，保存为新版本。")
                self.f_upload = gr.File(label="审核发现文件", file_types=FINDINGS_SUFFIXES, type="filepath",
                                        elem_id="findings-import", height=120)
            with gr.Accordion("整改计划及其版本", open=True):
                with gr.Row():
                    self.p_pick = gr.Dropdown([], label="本工作区的整改计划", elem_id="plan-pick", filterable=False)
                    self.p_open_plan = gr.Button("打开此计划", elem_id="plan-open")
                self.p_versions = gr.Dataframe(pd.DataFrame(columns=VERSION_COLUMNS), interactive=False, wrap=True,
                                               label="当前计划的版本", elem_id="plan-history", max_height=360)
                with gr.Row():
                    self.p_pick_v = gr.Dropdown([], label="版本", elem_id="plan-version", filterable=False)
                    self.p_other_v = gr.Dropdown([], label="对比的另一个版本", elem_id="plan-version-other",
                                                 filterable=False)
                with gr.Row():
                    self.p_open_v = gr.Button("打开此版本", elem_id="plan-version-open")
                    self.p_compare_v = gr.Button("对比两个版本", elem_id="plan-version-compare")
                    self.p_restore_v = gr.Button("恢复此版本", variant="primary", elem_id="plan-version-restore")
                self.p_view = gr.Markdown(elem_id="plan-version-view")
                self.p_table = gr.Dataframe(pd.DataFrame(columns=CHANGE_COLUMNS), interactive=False, wrap=True,
                                            label="", elem_id="plan-version-table", visible=False)
            with gr.Accordion("本浏览器在此工作区的对话", open=True):
                with gr.Row():
                    self.c_pick = gr.Dropdown([], label="对话", elem_id="conversation-pick", filterable=False)
                    self.c_open = gr.Button("打开此对话", elem_id="conversation-open")
                    self.c_new = gr.Button("开始新对话", elem_id="conversation-new")
        self.edit_controls = [self.a_restore, self.f_upload, self.p_restore_v]  # what a client account may not use

    def wire(self, sess: gr.State, chatbot: Any, badges: list[Any]) -> None:
        """The page's events. `badges`: the chat's and the form's badge and status line (updated after a restore,
        an import or a reopened conversation)."""
        lists = [self.a_versions, self.a_pick, self.a_other, self.p_pick, self.p_versions, self.p_pick_v,
                 self.p_other_v, self.c_pick]
        self._lists = lists
        self.tab.select(self.refresh, sess, lists, **HIDE)
        a_view = [self.a_view, self.a_changes, self.msg]
        self.a_open.click(self.on_open_assessment, [self.a_pick, sess], a_view, **HIDE)
        self.a_compare.click(self.on_compare_assessments, [self.a_pick, self.a_other, sess], a_view, **HIDE)
        self.a_restore.click(self.on_restore_assessment, [self.a_pick, sess], [*a_view, *lists, *badges], **HIDE)
        self.f_upload.upload(self.on_import, [self.f_upload, sess], [self.msg, self.f_upload, *lists, *badges], **HIDE)
        p_view = [self.p_view, self.p_table, self.msg]
        self.p_open_plan.click(self.on_open_plan, [self.p_pick, sess], [*p_view, *lists], **HIDE)
        self.p_open_v.click(self.on_open_plan_version, [self.p_pick_v, sess], p_view, **HIDE)
        self.p_compare_v.click(self.on_compare_plan_versions, [self.p_pick_v, self.p_other_v, sess], p_view, **HIDE)
        self.p_restore_v.click(self.on_restore_plan_version, [self.p_pick_v, sess], [*p_view, *lists], **HIDE)
        self.c_open.click(self.on_open_conversation, [self.c_pick, sess], [self.msg, chatbot, *lists, *badges], **HIDE)
        self.c_new.click(self.on_new_conversation, sess, [sess, self.msg, chatbot, *lists, *badges], **HIDE)

    # --- lists --------------------------------------------------------------------------------------------------

    def lists(self, sess: Any) -> list[Any]:
        """The version tables and every picker's choices (the picks keep their value when it is still there)."""
        try:
            versions = sess.assessment_versions()
            plans = sess.workspace_plans()
            history = sess.plan_history()
            conversations = sess.conversations()
        except BadInput:
            versions, plans, history, conversations = [], [], [], []
        a_frame = pd.DataFrame([[f"第{v.number}版", v.author_zh, v.when, v.note] for v in reversed(versions)],
                               columns=VERSION_COLUMNS)
        a_choices = [(v.label(), v.number) for v in reversed(versions)]
        p_frame = pd.DataFrame([[f"第{v}版", author_zh(author), local_time(at), note]
                                for v, note, at, author in reversed(history)], columns=VERSION_COLUMNS)
        p_choices = [(f"第{v}版（{local_time(at)}）{note}", v) for v, note, at, _ in reversed(history)]
        plan_choices = [(f"计划 #{p.id}：{p.grade}→{p.target}，{p.items}项（第{p.version}版，{p.plan_date.isoformat()}）"
                         + ("（当前）" if p.id == sess.state.plan_id else ""), p.id) for p in plans]
        conv_choices = [(f"对话 #{cid}：{title or '（还没有消息）'}（{turns}轮，{local_time(at)}）"
                         + ("（当前）" if cid == sess.state.id else ""), cid) for cid, title, turns, at in conversations]

        def pick(choices: list[tuple[str, Any]]) -> Any:
            return gr.update(choices=choices, value=None)

        return [a_frame, pick(a_choices), pick(a_choices), pick(plan_choices), p_frame, pick(p_choices),
                pick(p_choices), pick(conv_choices)]

    @permitted
    def refresh(self, sess: Any):
        if sess is None:
            return [gr.skip()] * 8
        with sess.lock:
            return self.lists(sess)

    def _badges(self, sess: Any) -> list[Any]:
        badge, status = self.app.badge(sess), self.app.status_line(sess)
        return [badge, status, badge, status]

    # --- assessment versions -----------------------------------------------------------------------------------

    @permitted
    def on_open_assessment(self, number: int | None, sess: Any):
        if sess is None:
            return gr.skip(), gr.skip(), gr.skip()
        if number is None:
            return gr.skip(), gr.skip(), _err(BadInput("请先选择一个版本", where="评估版本"))
        with sess.lock:
            try:
                version, draft = sess.assessment_version(int(number))
            except BadInput as exc:
                return gr.skip(), gr.skip(), _err(exc)
            return self.assessment_markdown(version, draft), gr.update(visible=False), ""

    def assessment_markdown(self, version: Any, draft: dict[str, Any]) -> str:
        """One saved version as the page shows it: who saved it when, its grade, and what it holds."""
        from assistant.rules import grade, load_scheme, validate_assessment
        from assistant.workspace.case import gradeable

        scheme = load_scheme(draft.get("scheme"), self.app.settings.knowledge_dir)
        lines = [f"### 第{version.number}版", f"{version.author_zh}保存于 {version.when}（{_md(version.note)}）", ""]
        if draft.get("criteria") or draft.get("findings"):
            result = grade(validate_assessment(gradeable(draft), scheme=scheme), scheme)
            provisional = f"（暂定，{len(result.missing)} 项准则未评估）" if result.provisional else ""
            lines += [f"**评级：{result.grade}**{provisional}，总分 {result.overall:.1f}", ""]
        ent = draft.get("enterprise") or {}
        facts = [("企业名称", ent.get("name")), ("行业", ent.get("industry")), ("自评日期", draft.get("assessed_on")),
                 ("下次审核日期", draft.get("next_audit"))]
        lines.append("；".join(f"{k}：{_md(v) if v else '—'}" for k, v in facts))
        lines += ["", "| 准则 | 等级 / KPI | 证据 |", "|---|---|---|"]
        crit = draft.get("criteria") or {}
        for c in scheme.criteria.values():
            e = crit.get(c.id)
            if not e:
                continue
            if e.get("kpi") is not None:
                value = f"{e['kpi']:g}{c.unit_symbol}"
            else:
                value = self.app.level_value(e.get("level"))
            lines.append(f"| {c.id} {_md(c.name)} | {_md(value)} | {_md('；'.join(e.get('evidence', [])) or '—')} |")
        decl = {k: d.default for k, d in scheme.declarations.items()} | (draft.get("declarations") or {})
        lines += ["", "否决项声明：" + "；".join(f"{scheme.declarations[k].name}：{'是' if v else '否'}"
                                              for k, v in decl.items() if k in scheme.declarations)]
        findings = draft.get("findings") or []
        if findings:
            lines += ["", "| 编号 | 准则 | 严重程度 | 状态 | 描述 |", "|---|---|---|---|---|"]
            for f in findings:
                sev = scheme.severities.get(f.get("severity", ""))
                lines.append(f"| {_md(f['id'])} | {_md(f.get('criterion') or '—')} | {_md(sev.name if sev else f.get('severity'))} | "
                             f"{views.FINDING_STATUS_ZH.get(f.get('status'), f.get('status'))} | {_md(f.get('text') or '')} |")
        return "\n".join(lines)

    @permitted
    def on_compare_assessments(self, a: int | None, b: int | None, sess: Any):
        if sess is None:
            return gr.skip(), gr.skip(), gr.skip()
        if a is None or b is None:
            return gr.skip(), gr.skip(), _err(BadInput("请选择要对比的两个版本", where="评估版本"))
        with sess.lock:
            try:
                comparison = sess.compare_assessments(int(a), int(b))
            except BadInput as exc:
                return gr.skip(), gr.skip(), _err(exc)
        head = comparison.lines()[0]
        text = f"### 第{comparison.old.number}版 → 第{comparison.new.number}版\n{_md(head.split('：', 1)[1])}"
        if not comparison.changes:
            return text + "\n\n两个版本内容相同，没有变化。", gr.update(visible=False), ""
        text += f"\n\n共 {len(comparison.changes)} 处变化："
        return text, gr.update(value=changes_frame(comparison.changes), visible=True), ""

    @permitted
    def on_restore_assessment(self, number: int | None, sess: Any):
        if sess is None:
            return [gr.skip()] * (3 + 8 + 4)
        if number is None:
            return [gr.skip(), gr.skip(), _err(BadInput("请先选择要恢复的版本", where="评估版本"))] + [gr.skip()] * 12
        with sess.lock:
            try:
                restored = sess.restore_assessment(int(number))
            except BadInput as exc:
                return [gr.skip(), gr.skip(), _err(exc)] + [gr.skip()] * 12
            version, draft = sess.assessment_version(restored.number)
            note = _ok(f"已把第{number}版恢复为最新版本（第{restored.number}版）；自评、评级和整改计划页现在显示它。")
            return [self.assessment_markdown(version, draft), gr.update(visible=False), note, *self.lists(sess),
                    *self._badges(sess)]

    # --- findings import -------------------------------------------------------------------------------------

    @permitted
    def on_import(self, path: str | None, sess: Any):
        from assistant.web.access import discard_upload

        try:
            return self._import(path, sess)
        finally:
            discard_upload(path)

    def _import(self, path: str | None, sess: Any):
        keep = [gr.skip()] * (8 + 4)
        if not path or sess is None:
            return [gr.skip(), None, *keep]
        name = Path(path).name
        with sess.lock:
            try:
                ids, repeated = sess.import_findings(path, shown_name=name)
            except BadInput as exc:
                return [_err(exc), None, *keep]
            except Exception:  # an upload must never break the page: the box has to take the next file
                logger.exception("findings import %s failed", name)
                return [_err(BadInput("无法读取这个审核发现文件", where=name)), None, *keep]
            if ids:
                text = f"已从 {name} 导入 {len(ids)} 条审核发现（{'、'.join(ids)}，已匿名化），保存为新版本"
            else:
                text = f"{name} 中的审核发现都已在自评中，没有新增"
            if repeated and ids:
                text += f"；{repeated} 条已在自评中，未重复添加"
            return [_ok(text + "。"), None, *self.lists(sess), *self._badges(sess)]

    # --- plans ---------------------------------------------------------------------------------------------

    @permitted
    def on_open_plan(self, plan_id: int | None, sess: Any):
        if sess is None:
            return [gr.skip()] * (3 + 8)
        if plan_id is None:
            return [gr.skip(), gr.skip(), _err(BadInput("请先选择一个整改计划", where="整改计划"))] + [gr.skip()] * 8
        with sess.lock:
            try:
                sess.open_plan(int(plan_id))
            except BadInput as exc:
                return [gr.skip(), gr.skip(), _err(exc)] + [gr.skip()] * 8
            plan = sess.plan()
            text = f"### 整改计划 #{plan_id}（第{sess.plan_history()[-1][0]}版）\n" + views.plan_summary_markdown(plan, sess.state.plan_stale)
            return [text, gr.update(value=views.plan_frame(plan), visible=True, label="整改项"),
                    _ok(f"已打开整改计划 #{plan_id}；“整改计划”页现在显示它。"), *self.lists(sess)]

    @permitted
    def on_open_plan_version(self, version: int | None, sess: Any):
        if sess is None:
            return gr.skip(), gr.skip(), gr.skip()
        if version is None:
            return gr.skip(), gr.skip(), _err(BadInput("请先选择一个版本", where="整改计划版本"))
        with sess.lock:
            try:
                plan = sess.plan_version(int(version))
            except BadInput as exc:
                return gr.skip(), gr.skip(), _err(exc)
            row = next((r for r in sess.plan_history() if r[0] == int(version)), None)
        who = f"{author_zh(row[3])}保存于 {local_time(row[2])}（{_md(row[1])}）" if row else ""
        text = f"### 整改计划 #{sess.state.plan_id} 第{version}版\n{who}"
        return text, gr.update(value=views.plan_frame(plan), visible=True, label="整改项"), ""

    @permitted
    def on_compare_plan_versions(self, a: int | None, b: int | None, sess: Any):
        if sess is None:
            return gr.skip(), gr.skip(), gr.skip()
        if a is None or b is None:
            return gr.skip(), gr.skip(), _err(BadInput("请选择要对比的两个版本", where="整改计划版本"))
        with sess.lock:
            try:
                changes = sess.compare_plan_versions(int(a), int(b))
            except BadInput as exc:
                return gr.skip(), gr.skip(), _err(exc)
        old, new = sorted((int(a), int(b)))
        text = f"### 整改计划 #{sess.state.plan_id}：第{old}版 → 第{new}版"
        if not changes:
            return text + "\n\n两个版本内容相同，没有变化。", gr.update(visible=False), ""
        return (text + f"\n\n共 {len(changes)} 处变化：", gr.update(value=changes_frame(changes), visible=True, label="变化"),
                "")

    @permitted
    def on_restore_plan_version(self, version: int | None, sess: Any):
        if sess is None:
            return [gr.skip()] * (3 + 8)
        if version is None:
            return [gr.skip(), gr.skip(), _err(BadInput("请先选择要恢复的版本", where="整改计划版本"))] + [gr.skip()] * 8
        with sess.lock:
            try:
                new = sess.restore_plan_version(int(version))
            except BadInput as exc:
                return [gr.skip(), gr.skip(), _err(exc)] + [gr.skip()] * 8
            plan = sess.plan()
            text = f"### 整改计划 #{sess.state.plan_id} 第{new}版（恢复为第{version}版）"
            note = _ok(f"已把整改计划第{version}版恢复为最新版本（第{new}版）；“整改计划”页现在显示它。")
            return [text, gr.update(value=views.plan_frame(plan), visible=True, label="整改项"), note, *self.lists(sess)]

    # --- conversations -----------------------------------------------------------------------------------------

    @permitted
    def on_open_conversation(self, cid: int | None, sess: Any):
        if sess is None:
            return [gr.skip()] * (2 + 8 + 4)
        if cid is None:
            return [_err(BadInput("请先选择一个对话", where="对话记录"))] + [gr.skip()] * 13
        with sess.lock:
            try:
                sess.open_conversation(int(cid))
            except BadInput as exc:
                return [_err(exc)] + [gr.skip()] * 13
            note = _ok(f"已打开对话 #{cid}；回到“对话”页继续。")
            return [note, sess.history_messages(), *self.lists(sess), *self._badges(sess)]

    @permitted
    def on_new_conversation(self, sess: Any):
        """A new conversation in the same workspace, on the case's assessment; the earlier one stays in the list."""
        if sess is None:
            return [gr.skip()] * (3 + 8 + 4)
        with sess.lock:
            new = sess.new_conversation()
        self.app.drop_session(sess)
        note = _ok("已开始新对话；之前的对话可在上面的列表中重新打开。")
        return [new, note, [], *self.lists(new), *self._badges(new)]
