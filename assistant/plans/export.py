"""A plan as files a consultant hands to a client, in Chinese: Markdown, Excel (openpyxl) and Word (python-docx)."""

from __future__ import annotations

import math
import os
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import BadInput
from assistant.plans.models import KIND_ZH, STATUS_ZH, Plan, PlanItem

TITLE = "售后服务成熟度整改计划"
SIGNATURES = ("编制", "审核", "批准", "日期")


def scheme_label(plan: Plan) -> str:
    """`售后服务管理成熟度认证评价方案 2026.1`, or the bare version when the scheme file is not at hand."""
    try:
        from assistant.rules import load_scheme

        return f"{load_scheme(plan.scheme).title} {plan.scheme}"
    except Exception:  # a plan saved under a scheme version no longer in knowledge/ still exports
        return f"评价方案 {plan.scheme}"


def header_rows(plan: Plan) -> list[tuple[str, str]]:
    """The header block: enterprise, scheme version, grade and target, dates."""
    s = plan.summary
    enterprise = plan.enterprise or "（未填写企业名称）"
    if plan.industry:
        enterprise += f"（{plan.industry}）"
    grade = f"{s.grade}（总分 {s.overall:.1f}，依据规则 {s.decided_by}" + ("，暂定" if s.provisional else "") + "）"
    if s.vetoes:
        grade += f"；否决项：{'、'.join(s.vetoes)}"
    rows = [("企业", enterprise), ("评价方案", scheme_label(plan)), ("当前评级", grade), ("目标评级", plan.target),
            ("计划日期", plan.plan_date.isoformat())]
    if plan.next_audit:
        rows.append(("下次审核", plan.next_audit.isoformat()))
    if plan.certified_on:
        rows.append(("认证日期", plan.certified_on.isoformat()))
    closed = sum(i.status == "closed" for i in plan.items)
    rows.append(("整改项", f"共 {len(plan.items)} 项，已关闭 {closed} 项，逾期 {sum(i.overdue for i in plan.items)} 项"))
    return rows


def dimension_line(plan: Plan) -> str:
    s = plan.summary
    return "；".join(f"{d} {s.dimension_names.get(d, '')} {v:.1f}" for d, v in s.dimensions.items())


# --- cell texts shared by every format ---------------------------------------------------


def subject_text(item: PlanItem) -> str:
    if item.kind == "finding":
        return f"{item.finding}\n{item.criterion} {item.criterion_name or ''}".rstrip()
    if item.kind == "declaration":
        return f"{item.veto}（一票否决）"
    return f"{item.criterion} {item.criterion_name or ''}".rstrip()


def kind_text(item: PlanItem, severity_names: dict[str, str] | None = None) -> str:
    if item.kind == "finding" and item.severity:
        return (severity_names or {}).get(item.severity, KIND_ZH["finding"])
    return KIND_ZH[item.kind]


def deadline_text(item: PlanItem) -> str:
    return item.deadline.isoformat() + ("（已逾期）" if item.overdue else "")


def status_text(item: PlanItem) -> str:
    return STATUS_ZH[item.status] + (f"（{item.closed_on.isoformat()}）" if item.closed_on else "")


def references_text(item: PlanItem) -> str:
    return "、".join(item.references) or "—"


def severity_names(plan: Plan) -> dict[str, str]:
    try:
        from assistant.rules import load_scheme

        return {k: s.name for k, s in load_scheme(plan.scheme).severities.items()}
    except Exception:  # see scheme_label
        return {}


# (header, width in Excel character units, value)
def columns(plan: Plan) -> list[tuple[str, float, Callable[[PlanItem], str]]]:
    sev = severity_names(plan)
    return [
        ("序号", 5, lambda i: str(i.no)),
        ("类型", 10, lambda i: kind_text(i, sev)),
        ("条款/发现", 16, subject_text),
        ("问题描述", 34, lambda i: i.problem),
        ("根本原因", 30, lambda i: i.root_cause),
        ("类别(5M1E)", 7, lambda i: i.category),
        ("整改措施", 44, lambda i: i.action),
        ("责任人", 12, lambda i: i.owner),
        ("完成期限", 12, deadline_text),
        ("期限依据", 20, lambda i: i.deadline_rule),
        ("目标", 26, lambda i: i.target),
        ("验证方法", 28, lambda i: i.verification),
        ("状态", 9, status_text),
        ("参考案例", 10, references_text),
    ]


# --- Markdown ---------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def to_markdown(plan: Plan) -> str:
    lines = [f"# {TITLE}", "", "| 项目 | 内容 |", "|---|---|"]
    lines += [f"| {k} | {_md_cell(v)} |" for k, v in header_rows(plan)]
    lines += ["", "## 一、评级摘要", "", f"维度得分：{dimension_line(plan)}", ""]
    lines += [f"- {_md_cell(s)}" for s in plan.summary.explanation]
    cols = columns(plan)
    lines += ["", f"## 二、整改项（共 {len(plan.items)} 项）", ""]
    lines.append("| " + " | ".join(h for h, _, _ in cols) + " |")
    lines.append("|" + "|".join("---" for _ in cols) + "|")
    for item in plan.items:
        lines.append("| " + " | ".join(_md_cell(f(item)) for _, _, f in cols) + " |")
    if plan.warnings:
        lines += ["", "## 三、提示", ""] + [f"- {_md_cell(w)}" for w in plan.warnings]
    lines += ["", "　".join(f"{s}：________" for s in SIGNATURES), ""]
    return "\n".join(lines)


# --- writing files safely ------------------------------------------------------------------


def _write_atomically(path: Path, save: Callable[[Path], None]) -> Path:
    """Write to a temporary file beside `path`, then rename: a crash never leaves half a file behind."""
    path = Path(path)
    if path.is_dir():
        raise BadInput("is a directory; give a file name", where=str(path))
    if not path.parent.exists():
        raise BadInput(f"directory {path.parent} does not exist", where=str(path))
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        save(Path(tmp))
        os.replace(tmp, path)
    except PermissionError:
        raise BadInput("cannot be written (permission denied, or the file is open in another program)", where=str(path)) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


# --- Excel ----------------------------------------------------------------------------------


def text_width(text: str) -> float:
    """Approximate width in Excel character units (a CJK character about 1.8 digits wide at 10 pt)."""
    return sum(1.8 if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    usable = max(width - 1.0, 1)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


def to_xlsx(plan: Plan, path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    font = "等线"
    cols = columns(plan)
    last = get_column_letter(len(cols))
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    label_fill = PatternFill("solid", fgColor="F2F2F2")
    line_pt = 13.5

    wb = Workbook()
    ws = wb.active
    ws.title = "整改计划"
    for n, (_, width, _) in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(n)].width = width

    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = TITLE
    ws["A1"].font = Font(name=font, size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    value_width = sum(w for _, w, _ in cols[3:])
    row = 2
    for label, value in [*header_rows(plan), ("维度得分", dimension_line(plan))]:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=len(cols))
        ws.cell(row, 1, label).font = Font(name=font, size=10, bold=True)
        ws.cell(row, 1).fill = label_fill
        ws.cell(row, 4, value).font = Font(name=font, size=10)
        for c in (1, 4):
            ws.cell(row, c).alignment = wrap_top
        ws.row_dimensions[row].height = line_pt * wrapped_lines(value, value_width) + 4
        row += 1
    row += 1
    header_row = row
    for n, (title, _, _) in enumerate(cols, 1):
        cell = ws.cell(row, n, title)
        cell.font = Font(name=font, size=10, bold=True)
        cell.fill = head_fill
        cell.border = border
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.row_dimensions[row].height = 30
    centered = {"序号", "类别(5M1E)", "状态", "类型"}
    for item in plan.items:
        row += 1
        lines = 1
        for n, (title, width, value) in enumerate(cols, 1):
            text = value(item)
            cell = ws.cell(row, n, item.no if title == "序号" else text)
            cell.font = Font(name=font, size=10, color="C00000" if (title == "完成期限" and item.overdue) else None)
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if title in centered else None)
            lines = max(lines, wrapped_lines(text, width))
        # Excel does not grow a row for wrapped text written by a program: give it the height the text needs.
        ws.row_dimensions[row].height = min(409, line_pt * lines + 8)
    if plan.items:
        status_col = get_column_letter([h for h, _, _ in cols].index("状态") + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(STATUS_ZH.values()) + '"', allow_blank=False)
        ws.add_data_validation(dv)
        dv.add(f"{status_col}{header_row + 1}:{status_col}{row}")
    row += 2
    for w in plan.warnings:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(cols))
        ws.cell(row, 1, f"提示：{w}").font = Font(name=font, size=10, color="C00000")
        ws.cell(row, 1).alignment = wrap_top
        row += 1
    ws.cell(row + 1, 1, "　　".join(f"{s}：__________" for s in SIGNATURES)).font = Font(name=font, size=10)

    ws.freeze_panes = ws.cell(header_row + 1, 4)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3  # 14 columns stay legible on one A3 landscape width
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + len(plan.items)}"

    summary = wb.create_sheet("评级摘要")
    summary.column_dimensions["A"].width = 10
    summary.column_dimensions["B"].width = 22
    summary.column_dimensions["C"].width = 10
    summary["A1"] = "评级摘要"
    summary["A1"].font = Font(name=font, size=14, bold=True)
    for n, title in enumerate(("维度", "名称", "得分"), 1):
        cell = summary.cell(3, n, title)
        cell.font = Font(name=font, size=10, bold=True)
        cell.fill = head_fill
        cell.border = border
    r = 4
    for d, score in plan.summary.dimensions.items():
        for n, v in enumerate((d, plan.summary.dimension_names.get(d, ""), score), 1):
            cell = summary.cell(r, n, v)
            cell.font = Font(name=font, size=10)
            cell.border = border
        summary.cell(r, 3).number_format = "0.0"
        r += 1
    r += 1
    summary.column_dimensions["D"].width = 48
    for sentence in plan.summary.explanation:
        summary.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        summary.cell(r, 1, sentence).font = Font(name=font, size=10)
        summary.cell(r, 1).alignment = wrap_top
        summary.row_dimensions[r].height = line_pt * wrapped_lines(sentence, 10 + 22 + 10 + 48) + 6
        r += 1
    summary.page_setup.paperSize = summary.PAPERSIZE_A4
    summary.page_setup.fitToWidth = 1
    summary.page_setup.fitToHeight = 0
    summary.sheet_properties.pageSetUpPr.fitToPage = True
    for sheet in wb.worksheets:
        text_cells_only(sheet)
    return _write_atomically(Path(path), lambda p: wb.save(p))


# Spreadsheet programs run a cell that starts with one of these as a formula (or DDE command): "CSV/formula
# injection". An owner typed as =HYPERLINK(…) or a finding imported as =cmd|… must reach the client as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cells_only(sheet) -> None:
    """Store every text cell of an openpyxl sheet as text, never as a formula, keeping what it says.

    openpyxl turns any string starting with "=" into a formula cell; the cell becomes a plain string again, with
    Excel's quote prefix (the ' it shows for text typed with a leading =), so editing it keeps it text too."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"
                cell.quotePrefix = True


# --- Word -----------------------------------------------------------------------------------


def to_docx(plan: Plan, path: str | Path) -> Path:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    font = "宋体"
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    section.top_margin = section.bottom_margin = Cm(1.6)

    def east_asian(element, name: str = font) -> None:
        rpr = element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in [a for a in fonts.attrib if a.endswith("Theme")]:  # a theme font would win over ours
            del fonts.attrib[attr]
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), name)

    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    east_asian(normal.element)
    for name in ("Heading 1", "Heading 2", "Title"):
        east_asian(doc.styles[name].element, "黑体")
        doc.styles[name].font.color.rgb = RGBColor(0, 0, 0)

    def run(paragraph, text: str, *, size: float | None = None, bold: bool = False, color: RGBColor | None = None):
        r = paragraph.add_run(text)
        east_asian(r._element)
        if size:
            r.font.size = Pt(size)
        r.bold = bold
        if color is not None:
            r.font.color.rgb = color
        return r

    def shade(cell, fill: str) -> None:
        tcpr = cell._element.get_or_add_tcPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
        tcpr.append(shd)

    def fill_cell(cell, parts: list[tuple[str, dict]], size: float) -> None:
        cell.paragraphs[0].text = ""
        first = True
        for text, style in parts:
            for line in text.split("\n"):
                p = cell.paragraphs[0] if first else cell.add_paragraph()
                first = False
                p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.space_before = Pt(0)
                run(p, line, size=style.get("size", size), bold=style.get("bold", False), color=style.get("color"))

    def set_widths(table, widths: list[float]) -> None:
        table.autofit = False
        for row in table.rows:
            for cell, w in zip(row.cells, widths):
                cell.width = Cm(w)
        grid = table._tbl.tblGrid
        for col, w in zip(grid.findall(qn("w:gridCol")), widths):
            col.set(qn("w:w"), str(int(Cm(w).twips)))

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(title, TITLE, size=18, bold=True)

    info = doc.add_table(rows=0, cols=2)
    info.style = "Table Grid"
    info.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in header_rows(plan):
        cells = info.add_row().cells
        fill_cell(cells[0], [(label, {"bold": True})], 10)
        shade(cells[0], "F2F2F2")
        fill_cell(cells[1], [(value, {})], 10)
    set_widths(info, [3.0, 23.7])

    doc.add_heading("一、评级摘要", level=1)
    dims = doc.add_table(rows=1, cols=len(plan.summary.dimensions) + 1)
    dims.style = "Table Grid"
    fill_cell(dims.rows[0].cells[0], [("维度", {"bold": True})], 9.5)
    shade(dims.rows[0].cells[0], "DDEBF7")
    scores = dims.add_row().cells
    fill_cell(scores[0], [("得分", {"bold": True})], 9.5)
    shade(scores[0], "DDEBF7")
    for n, (d, score) in enumerate(plan.summary.dimensions.items(), 1):
        fill_cell(dims.rows[0].cells[n], [(f"{d} {plan.summary.dimension_names.get(d, '')}", {"bold": True})], 9.5)
        shade(dims.rows[0].cells[n], "DDEBF7")
        fill_cell(scores[n], [(f"{score:.1f}", {})], 9.5)
    set_widths(dims, [2.0] + [24.7 / len(plan.summary.dimensions)] * len(plan.summary.dimensions))
    for sentence in plan.summary.explanation:
        p = doc.add_paragraph(style="List Bullet")
        p.paragraph_format.space_after = Pt(0)
        run(p, sentence, size=10)

    doc.add_heading(f"二、整改项（共 {len(plan.items)} 项）", level=1)
    sev = severity_names(plan)
    red = RGBColor(0xC0, 0, 0)
    grey = RGBColor(0x59, 0x59, 0x59)
    heads = [("序号", 1.1), ("条款/发现", 2.3), ("问题描述", 3.5), ("根本原因（类别）", 3.1), ("整改措施", 4.8),
             ("责任人", 1.8), ("完成期限", 2.4), ("目标", 2.8), ("验证方法", 3.1), ("状态", 1.5)]
    table = doc.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    hdr = table.rows[0]
    trpr = hdr._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, (h, _) in zip(hdr.cells, heads):
        fill_cell(cell, [(h, {"bold": True})], 9)
        shade(cell, "DDEBF7")
    for item in plan.items:
        added = table.add_row()
        keep = OxmlElement("w:cantSplit")  # an item is read as a whole: never half on one page, half on the next
        keep.set(qn("w:val"), "true")
        added._tr.get_or_add_trPr().append(keep)
        cells = added.cells
        refs = f"\n参考：{'、'.join(item.references)}" if item.references else ""
        fill_cell(cells[0], [(str(item.no), {})], 8.5)
        fill_cell(cells[1], [(subject_text(item), {"bold": True}), (kind_text(item, sev), {"color": grey, "size": 8})], 8.5)
        fill_cell(cells[2], [(item.problem, {})], 8.5)
        fill_cell(cells[3], [(f"【{item.category}】{item.root_cause}", {}), *([(refs.strip(), {"color": grey, "size": 8})] if refs else [])], 8.5)
        fill_cell(cells[4], [(item.action, {})], 8.5)
        fill_cell(cells[5], [(item.owner, {})], 8.5)
        fill_cell(cells[6], [(deadline_text(item), {"color": red if item.overdue else None, "bold": item.overdue}),
                             (item.deadline_rule, {"color": grey, "size": 7.5})], 8.5)
        fill_cell(cells[7], [(item.target, {})], 8.5)
        fill_cell(cells[8], [(item.verification, {})], 8.5)
        fill_cell(cells[9], [(status_text(item), {})], 8.5)
    set_widths(table, [w for _, w in heads])

    if plan.warnings:
        doc.add_heading("三、提示", level=1)
        for w in plan.warnings:
            p = doc.add_paragraph(style="List Bullet")
            run(p, w, size=10)
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(18)
    run(p, "　　　　".join(f"{s}：____________" for s in SIGNATURES), size=10.5)
    return _write_atomically(Path(path), lambda out: doc.save(str(out)))


def to_md_file(plan: Plan, path: str | Path) -> Path:
    text = to_markdown(plan)
    return _write_atomically(Path(path), lambda out: out.write_text(text, encoding="utf-8"))


# --- the registry of export formats ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFormat:
    """One file a plan is exported as. Add a format here (and only here): the command line (`plan`/`plans show
    --NAME PATH`), the chat ("导出Excel") and the web app's downloads all take the formats from `FORMATS`."""

    name: str  # also the file suffix and the command-line flag
    label: str  # as shown on a button or said back ("Excel")
    said: str  # a regular expression of how users name it in a message
    write: Callable[[Plan, Path], Path]
    flag: bool = True  # has a `--NAME PATH` option (Markdown is printed with --md instead)


FORMATS: dict[str, ExportFormat] = {
    f.name: f for f in (
        ExportFormat("xlsx", "Excel", r"excel|xlsx|表格", to_xlsx),
        ExportFormat("docx", "Word", r"word|docx|文档", to_docx),
        ExportFormat("md", "Markdown", r"markdown|\bmd\b", to_md_file, flag=False),
    )
}


def export(plan: Plan, fmt: str, path: str | Path) -> Path:
    """Write `plan` as format `fmt` (a name of FORMATS) to `path`."""
    try:
        return FORMATS[fmt].write(plan, Path(path))
    except KeyError:
        raise BadInput(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}", where="export") from None
