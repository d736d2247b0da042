"""Bad-input messages for the web pages, in Chinese.

The lower layers word their BadInput messages in English for the command line (`错误 error: WHERE: WHAT`), and
external checks read those texts, so they stay as they are. The web app shows a Chinese user a Chinese sentence
instead: `zh(exc)` says where (the page, field or file, never a command line such as `plans update 4 4
--deadline`) and what, with the value that was refused. Known messages are translated; any other falls back to a
Chinese sentence that still names the place and the quoted values, without the English wording.

>>> from assistant.errors import BadInput
>>> zh(BadInput("criteria.D1.1.level: 服务规范与标准: level must be an integer 0–5, got 7", where="a.yaml"))
'文件 a.yaml：准则 D1.1：服务规范与标准的等级必须是 0–5 的整数，填写的是 7'
>>> zh(BadInput("'2026/11/10' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-01", where="自评表: raised_on"))
'自评表 提出日期：“2026/11/10”不是有效日期，请按“年-月-日”填写，例如 2026-11-01'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.errors import BadInput

# Keys of the assessment file and the plan, as a page names them.
FIELD_ZH = {
    "criteria": "准则", "level": "等级", "kpi": "KPI 值", "evidence": "证据", "findings": "审核发现",
    "id": "编号", "criterion": "准则", "severity": "严重程度", "status": "状态", "text": "描述",
    "raised_on": "提出日期", "closed_on": "关闭日期", "declarations": "否决项声明", "enterprise": "企业信息",
    "name": "名称", "industry": "行业", "employees": "员工人数", "assessed_on": "自评日期",
    "next_audit": "下次审核日期", "scheme": "认证方案版本", "deadline": "完成期限", "owner": "责任人",
    "certified_on": "获证日期",
}

_FILE = re.compile(r"^[^\s/\\:]+\.(?:ya?ml|json|txt|csv|xlsx|docx|md)$", re.IGNORECASE)
_CRITERION = r"D\d+\.\d+"
_VALUE = r"(?P<value>.+?)"


def _q(value: str) -> str:
    """A value from a message (`'abc'` or `abc`) in Chinese quotation marks."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return f"“{value}”"


def field_path(path: str) -> str:
    """`criteria.D1.2.kpi` -> `准则 D1.2 的KPI 值`; `findings[0].severity` -> `第1条审核发现的严重程度`."""
    m = re.fullmatch(rf"criteria\.({_CRITERION})(?:\.(\w+))?", path)
    if m:
        cid, key = m.groups()
        return f"准则 {cid}" + (f" 的{FIELD_ZH.get(key, _q(key))}" if key else "")
    m = re.fullmatch(r"findings\[(\d+)\](?:\.(\w+))?", path)
    if m:
        n, key = m.groups()
        return f"第{int(n) + 1}条审核发现" + (f"的{FIELD_ZH.get(key, _q(key))}" if key else "")
    m = re.fullmatch(r"(declarations|enterprise)\.(\w+)", path)
    if m:
        head, key = m.groups()
        return f"{FIELD_ZH[head]} {FIELD_ZH.get(key, _q(key)) if head == 'enterprise' else _q(key)}"
    m = re.fullmatch(r"第(\d+)行 (\w+)", path)
    if m:
        return f"第{m.group(1)}行的{FIELD_ZH.get(m.group(2), _q(m.group(2)))}"
    if path in FIELD_ZH:
        return FIELD_ZH[path]
    return _q(path)


def place(where: str | None) -> str:
    """Where a problem is, as a page names it (file, page, field); '' for nowhere."""
    if not where:
        return ""
    where = where.strip()
    m = re.fullmatch(r"plans update \d+ (\d+)(?: --(\w+))?", where)
    if m:
        no, opt = m.groups()
        return f"整改计划第{no}项" + (f"的{FIELD_ZH.get(opt, '')}" if opt in FIELD_ZH else "")
    if where.startswith(("plans", "plan ", "--version")) or where == "plan":
        return "整改计划"
    if "workspace" in where:
        return "工作区"
    if where.startswith("chat"):
        return "对话"
    if where.startswith(("database", "settings")):
        return "系统设置"
    if where == "export":
        return "导出"
    if _FILE.match(where):
        return f"文件 {where}"
    head, sep, rest = where.partition(": ")
    if sep:  # e.g. `自评表: assessed_on`, `自评表: 第1行 raised_on`
        return f"{place(head)} {field_path(rest)}"
    if re.search(r"[A-Za-z]{2,}", re.sub(rf"{_CRITERION}|KPI", "", where)):
        return "输入"  # an English place not known here: never shown as is
    return where


# (pattern, Chinese) pairs for the body of a message (after `WHERE: ` and a field path); the first that matches
# the whole body is used. The Chinese may use the pattern's named groups, quoted with _q where they are values.
Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _yaml_problem(problem: str) -> str:
    for pattern, text in (
        (r"key (?P<v>.+) appears twice", lambda m: f"键{_q(m['v'])}出现了两次"),
        (r"(?P<v>.+) is not a date in the calendar", lambda m: f"{_q(m['v'])}不是日历上存在的日期"),
        (r"(?P<v>.+) is not a usable number", lambda m: f"{_q(m['v'])}不是可用的数字"),
        (r"aliases \((?P<v>\S+)\) are not allowed.*", lambda m: f"自评文件中不能使用别名 {m['v']}，请直接写出值"),
        (r"nested more than (?P<v>\d+) levels deep", lambda m: f"嵌套超过 {m['v']} 层"),
    ):
        m = re.fullmatch(pattern, problem)
        if m:
            return text(m)
    return "请检查括号、引号、冒号和缩进是否成对、对齐"


def _range(text: str) -> str:
    m = re.fullmatch(r"within (.+)", text)
    if m:
        return f"在 {m.group(1)} 之间"
    if text == "a number":
        return "是数字"
    return text.replace("≥", "不小于").replace("≤", "不大于")


RULES: list[Rule] = [(re.compile(p), f) for p, f in [
    # files
    (r"(?:line (?P<line>\d+), column (?P<col>\d+): )?not valid (?P<fmt>YAML|JSON) \((?P<problem>.*)\)",
     lambda m: (f"第{m['line']}行第{m['col']}列：" if m["line"] else "")
     + f"不是有效的 {m['fmt']} 格式（{_yaml_problem(m['problem']) if m['fmt'] == 'YAML' else '请检查括号、引号和逗号'}）"),
    (r"an assessment file must be YAML or JSON \((?P<s>[^)]*)\), not (?P<v>.+)",
     lambda m: f"自评文件必须是 YAML 或 JSON 格式（{m['s'].replace(', ', '、')}），"
     + ("不能是没有扩展名的文件" if m["v"].startswith("a file") else f"不能是 {m['v']} 文件")),
    (r"the file has (?P<size>.+); an assessment file may have at most (?P<max>.+)",
     lambda m: f"文件大小为 {m['size']}，自评文件最大 {m['max']}"),
    (r"an assessment file may have at most (?P<max>.+)", lambda m: f"自评文件最大 {m['max']}"),
    (r"not UTF-8 text", lambda m: "不是 UTF-8 编码的文本，请另存为 UTF-8 后再上传"),
    (r"the file is empty.*", lambda m: "文件是空的：自评文件至少要填写准则"),
    (r"the top level must be a mapping.*", lambda m: "文件的最外层必须是“键: 值”的结构（从准则开始）"),
    (r"file not found", lambda m: "找不到文件"),
    (r"the file could not be read as an assessment", lambda m: "无法作为自评文件读取，请下载自评文件对照格式"),
    # criteria
    (rf"(?P<name>.+?): level must be an integer (?P<lo>\d+)–(?P<hi>\d+), got {_VALUE}",
     lambda m: f"{m['name']}的等级必须是 {m['lo']}–{m['hi']} 的整数，填写的是 {m['value']}"),
    (r"(?P<name>.+?) is a declared criterion: give a level \((?P<r>.+)\), not a KPI",
     lambda m: f"{m['name']}是申报等级的准则：请填写等级（{m['r']}），不要填写 KPI 值"),
    (r"(?P<name>.+?): give (?P<what>.+)",
     lambda m: f"请填写{m['name']}的" + ("等级" if "level" in m["what"] else "KPI 值")
     + (f"（{m['what'].split('(')[1].rstrip(')')}）" if "(" in m["what"] else "")),
    (rf"(?P<name>.+?) must be (?P<range>.+), got {_VALUE}",
     lambda m: f"{m['name']}的 KPI 值必须{_range(m['range'])}，填写的是 {m['value']}"),
    (r"criteria\.(?P<v>.+?): unknown criterion ID; scheme (?P<s>\S+) has (?P<span>.+)",  # a key no path rule reads
     lambda m: f"没有准则{_q(m['v'])}（认证方案 {m['s']} 的准则为 {m['span']}）"),
    (r"unknown criterion ID (?P<v>'[^']*'); scheme (?P<s>\S+) has (?P<span>.+)",
     lambda m: f"没有准则{_q(m['v'])}（认证方案 {m['s']} 的准则为 {m['span']}）"),
    (r"unknown criterion ID; scheme (?P<s>\S+) has (?P<span>.+)",
     lambda m: f"没有这条准则（认证方案 {m['s']} 的准则为 {m['span']}）"),
    (r"unknown criterion (?P<v>.+)", lambda m: f"没有准则{_q(m['v'])}"),
    (r"unknown declaration(?: (?P<v>'[^']*'))?.*",
     lambda m: f"没有否决项声明{_q(m['v'])}" if m["v"] else "没有这项否决项声明"),
    (r"unknown key (?P<v>'[^']*'); allowed: .*", lambda m: f"无法识别的字段{_q(m['v'])}，请对照下载的自评文件填写"),
    (r"unknown severity (?P<v>'[^']*'); valid: (?P<valid>.+)",
     lambda m: f"严重程度{_q(m['v'])}无法识别，可选："
     + "、".join(re.findall(r"\(([^)]+)\)", m["valid"]))),
    (r"unknown scheme version (?P<v>'[^']*'); available: (?P<a>.+)",
     lambda m: f"没有认证方案版本{_q(m['v'])}，可用：{m['a']}"),
        (r"finding ID (?P<v>'[^']*') appears twice", lambda m: f"审核发现编号{_q(m['v'])}重复"),
    (r"required field is missing", lambda m: "缺少必填项"),
    # pydantic's wording
    (r"Input should be a valid date.*?, got (?P<v>.+)",
     lambda m: f"{_q(m['v'])}不是有效日期，请按“年-月-日”填写，例如 2026-12-31"),
    (r"Input should be a valid (?:integer|number).*?, got (?P<v>.+)", lambda m: f"必须是数字，填写的是{_q(m['v'])}"),
    (r"Input should be a valid list.*?, got (?P<v>.+)", lambda m: f"必须是一组条目（每行一项），填写的是{_q(m['v'])}"),
    (r"Input should be 'open' or 'closed', got (?P<v>.+)",
     lambda m: f"状态只能是 未关闭 或 已关闭，填写的是{_q(m['v'])}"),
    # dates
    (r"(?P<v>.+) is not a date; write it as YYYY-MM-DD, e\.g\. (?P<e>.+)",
     lambda m: f"{_q(m['v'])}不是有效日期，请按“年-月-日”填写，例如 {m['e']}"),
    (r"the date must lie between (?P<a>\S+) … (?P<b>\S+), got (?P<v>.+)",
     lambda m: f"日期必须在 {m['a']} 至 {m['b']} 之间，填写的是 {m['v']}"),
    # findings (web session)
    (r"choose the criterion the finding is about", lambda m: "请选择这项审核发现对应的准则"),
    (r"choose the severity.*", lambda m: "请选择严重程度（严重不符合 / 一般不符合 / 观察项）"),
    (r"describe the finding", lambda m: "请填写发现描述"),
    (r"choose a finding to close", lambda m: "请先选择要关闭的审核发现"),
    (r"there is no finding (?P<v>.+)", lambda m: f"没有审核发现{_q(m['v'])}"),
    # plans
    (r"draft a plan first", lambda m: "请先起草整改计划"),
    (r"a client account reads and chats; it cannot change the case",
     lambda m: "客户账号只能查看和对话，不能修改案例（自评、审核发现、整改计划和版本由顾问维护）"),
    (r"deadline (?P<d>\S+) is later than the scheme allows for item (?P<no>\d+) \((?P<s>.+)\): "
     r"at the latest (?P<b>\S+) \((?P<r>.+)\)",
     lambda m: f"完成期限 {m['d']} 晚于认证方案允许的最迟期限 {m['b']}（{m['r']}）"),
    (r"deadline (?P<d>\S+) is before (?P<b>\S+) \((?P<r>.+)\) for item (?P<no>\d+) \((?P<s>.+)\): .*",
     lambda m: f"完成期限 {m['d']} 早于 {m['b']}（{m['r']}）：期限不能早于整改可以开始的日期"),
    (r"the owner must name a role \(e\.g\. (?P<e>.+)\), got (?P<v>.+)",
     lambda m: f"责任人要写明岗位（例如 {m['e']}），填写的是{_q(m['v'])}"),
    (r"nothing to change.*", lambda m: "没有要修改的内容"),
    (r"plan \d+ has items 1–(?P<n>\d+); there is no item (?P<no>\d+)",
     lambda m: f"计划只有第 1–{m['n']} 项，没有第 {m['no']} 项"),
    (r"plan \d+ is being changed by others too often; try again", lambda m: "计划正被频繁修改，请稍后再试"),
    # workspaces, chat, pages, database
    (r"a workspace name must be (?P<n>\S+) printable characters.*",
     lambda m: f"工作区名称必须是 {m['n']} 个可打印字符"),
    (r"a workspace named (?P<v>.+) exists already.*", lambda m: f"已有名为{_q(m['v'])}的工作区，请换一个名称"),
    (r"workspace (?P<v>.+) is archived.*", lambda m: f"工作区{_q(m['v'])}已归档，不能再保存新内容"),
    (r"archived", lambda m: "该工作区已归档"),
    (r"the message is empty", lambda m: "消息是空的"),
    (r"the message has (?P<n>\d+) characters; at most (?P<max>\d+)",
     lambda m: f"消息有 {m['n']} 个字，最多 {m['max']} 个字"),
    (r"the page is still loading.*", lambda m: "页面还在加载，请稍后再试"),
    (r"database .* is busy.*", lambda m: "数据库正忙，请稍后再试"),
]]

_PATH = re.compile(rf"^(?P<path>criteria\.{_CRITERION}(?:\.\w+)?|findings\[\d+\](?:\.\w+)?|(?:declarations|enterprise)\.\w+"
                   rf"|第\d+行 \w+|[a-z_]+): (?P<rest>.+)$", re.DOTALL)


def body_zh(body: str, at: str = "") -> str:
    """The WHAT of a message in Chinese: a field path first when there is one (and `at`, the place already
    named, does not say it), then the problem."""
    body = body.strip()
    m = _PATH.match(body)
    if m and (m["path"] in FIELD_ZH or not m["path"].isalpha()):
        path = m["path"]
        crit = re.fullmatch(rf"criteria\.({_CRITERION})(?:\.(level|kpi))?", path)
        if crit:  # the problem itself says level or KPI value: the criterion is enough
            path_text = "" if crit.group(1) in at else f"准则 {crit.group(1)}"
        else:
            path_text = field_path(path)
        rest = body_zh(m["rest"], at)
        return f"{path_text}：{rest}" if path_text else rest
    for pattern, text in RULES:
        r = pattern.fullmatch(body)
        if r:
            return text(r)
    if m:  # an unknown top-level key: `foo: unknown key 'foo'; allowed: …`
        return f"字段{_q(m['path'])}：{body_zh(m['rest'], at)}"
    return fallback(body)


def fallback(body: str) -> str:
    """A message no rule knows: Chinese that keeps the values it quotes and the numbers and dates it names."""
    values = re.findall(r"'[^']*'|\"[^\"]*\"|\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)?", body)
    shown = "、".join(_q(v) for v in dict.fromkeys(values))
    return "输入的内容无法使用" + (f"（涉及 {shown}）" if shown else "") + "，请检查后重试"


def zh(exc: BadInput) -> str:
    """The message of `exc` as one Chinese sentence for a page: `WHERE：WHAT`."""
    text = str(exc)
    where = exc.where
    body = text[len(where) + 2:] if where and text.startswith(f"{where}: ") else text
    at = place(where)
    what = body_zh(body, at)
    return f"{at}：{what}" if at else what
