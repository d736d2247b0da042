"""Exports: the Markdown, Excel and Word files open again and hold the header and every item, every field."""

from __future__ import annotations

import pytest
from docx import Document
from openpyxl import load_workbook

from assistant.errors import BadInput
from assistant.plans import export
from tests.plans.conftest import CASES, draft


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("name", sorted(CASES))
def test_markdown_has_the_header_and_every_item(name, guidance):
    _, plan = draft(name, guidance)
    md = export.to_markdown(plan)
    assert md.startswith("# 售后服务成熟度整改计划")
    assert f"| 目标评级 | {plan.target} |" in md and plan.summary.grade in md and plan.scheme in md
    rows = [line for line in md.splitlines() if line.startswith("| ") and line.split("|")[1].strip().isdigit()]
    assert [int(r.split("|")[1]) for r in rows] == [i.no for i in plan.items]
    for item, row in zip(plan.items, rows):
        for text in (item.problem, item.root_cause, item.action, item.owner, item.deadline.isoformat(), item.target,
                     item.verification):
            assert text.replace("|", "\\|") in row


@pytest.mark.parametrize("name", ["vetoed", "partial", "passing"])
def test_xlsx_reopens_with_every_item_and_readable_columns(name, guidance, tmp_path):
    _, plan = draft(name, guidance)
    path = export.to_xlsx(plan, tmp_path / "plan.xlsx")
    wb = load_workbook(path)
    ws = wb["整改计划"]
    assert ws["A1"].value == "售后服务成熟度整改计划"
    labels = {ws.cell(r, 1).value: ws.cell(r, 4).value for r in range(2, 12)}
    assert labels["企业"].startswith(plan.enterprise) and plan.scheme in labels["评价方案"]
    assert labels["当前评级"].startswith(plan.summary.grade) and labels["目标评级"] == plan.target
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "序号")
    heads = [ws.cell(header, c).value for c in range(1, ws.max_column + 1)]
    for h in ("问题描述", "根本原因", "类别(5M1E)", "整改措施", "责任人", "完成期限", "目标", "验证方法", "状态"):
        assert h in heads
    col = {h: heads.index(h) + 1 for h in heads}
    for item in plan.items:
        r = header + item.no
        assert ws.cell(r, 1).value == item.no
        assert ws.cell(r, col["问题描述"]).value == item.problem
        assert ws.cell(r, col["根本原因"]).value == item.root_cause
        assert ws.cell(r, col["类别(5M1E)"]).value == item.category
        assert ws.cell(r, col["整改措施"]).value == item.action
        assert ws.cell(r, col["责任人"]).value == item.owner
        assert ws.cell(r, col["完成期限"]).value.startswith(item.deadline.isoformat())
        assert ws.cell(r, col["目标"]).value == item.target
        assert ws.cell(r, col["验证方法"]).value == item.verification
        assert ws.cell(r, col["状态"]).value == "待整改"
        assert ws.cell(r, col["整改措施"]).alignment.wrap_text
        assert ws.row_dimensions[r].height >= 20
    assert ws.cell(header + len(plan.items) + 1, 1).value is None
    assert ws.column_dimensions["G"].width >= 30 and ws.column_dimensions["A"].width <= 6
    assert ws.freeze_panes == f"D{header + 1}"
    assert ws.page_setup.orientation == "landscape"
    assert "评级摘要" in wb.sheetnames


@pytest.mark.parametrize("name", ["vetoed", "partial", "passing"])
def test_docx_reopens_with_title_summary_and_every_item(name, guidance, tmp_path):
    _, plan = draft(name, guidance)
    path = export.to_docx(plan, tmp_path / "plan.docx")
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "售后服务成熟度整改计划"
    assert "一、评级摘要" in text and "二、整改项" in text
    info = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert info["目标评级"] == plan.target and info["当前评级"].startswith(plan.summary.grade)
    assert plan.scheme in info["评价方案"]
    dims = doc.tables[1]
    assert [c.text for c in dims.rows[1].cells][1:] == [f"{v:.1f}" for v in plan.summary.dimensions.values()]
    items = doc.tables[2]
    assert len(items.rows) == len(plan.items) + 1
    for item, row in zip(plan.items, items.rows[1:]):
        cells = [_flat(c.text) for c in row.cells]
        assert cells[0] == str(item.no)
        whole = "".join(cells)
        for value in (item.problem, item.root_cause, item.category, item.action, item.owner, item.deadline.isoformat(),
                      item.deadline_rule, item.target, item.verification, "待整改", *item.references):
            assert _flat(value) in whole, (item.no, value)
    header_row = items.rows[0]._tr
    assert header_row.trPr is not None and "tblHeader" in header_row.trPr.xml  # repeats on every page
    assert doc.sections[0].page_width > doc.sections[0].page_height  # landscape


def test_exports_show_status_changes(guidance, tmp_path):
    from datetime import date

    _, plan = draft("vetoed", guidance)
    data = plan.model_dump()
    data["items"][1].update(status="closed", closed_on=date(2026, 11, 5), overdue=False)
    closed = type(plan).model_validate(data)
    assert "已关闭（2026-11-05）" in export.to_markdown(closed)
    ws = load_workbook(export.to_xlsx(closed, tmp_path / "p.xlsx"))["整改计划"]
    assert any(ws.cell(r, 13).value == "已关闭（2026-11-05）" for r in range(1, ws.max_row + 1))


def test_export_to_a_missing_directory_is_bad_input(guidance, tmp_path):
    _, plan = draft("passing", guidance)
    with pytest.raises(BadInput, match="does not exist"):
        export.to_xlsx(plan, tmp_path / "no" / "plan.xlsx")
    with pytest.raises(BadInput, match="is a directory"):
        export.to_docx(plan, tmp_path)
    assert list(tmp_path.iterdir()) == []  # no half-written temporary file left behind


def test_a_plan_with_no_items_still_exports(guidance, tmp_path):
    from assistant.plans.draft import draft_plan
    from assistant.rules import validate_assessment

    a = validate_assessment({"assessed_on": "2026-11-01", "criteria": {}})
    plan = draft_plan(a, guidance=guidance)
    empty = type(plan).model_validate({**plan.model_dump(), "items": [], "warnings": []})
    assert "共 0 项" in export.to_markdown(empty)
    assert load_workbook(export.to_xlsx(empty, tmp_path / "e.xlsx"))["整改计划"]["A1"].value == "售后服务成熟度整改计划"
    assert len(Document(str(export.to_docx(empty, tmp_path / "e.docx"))).tables[2].rows) == 1


def test_texts_that_look_like_formulas_are_exported_as_text(guidance, tmp_path):
    """An owner typed as =HYPERLINK(…), a finding imported as =cmd|…, an enterprise name starting with = reach the
    client's Excel as the text typed, never as a live formula (CSV/formula injection)."""
    _, plan = draft("passing", guidance)
    hostile = ["=HYPERLINK(\"http://evil.example\",\"负责人\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
               "\t=1+1"]
    items = [i.model_copy(update={"owner": hostile[n % len(hostile)]}) if n < len(hostile) else i
             for n, i in enumerate(plan.items)]
    problem = "=cmd|' /C calc'!A0"
    items[0] = items[0].model_copy(update={"problem": problem})
    plan = plan.model_copy(update={"items": items, "enterprise": "=HYPERLINK(\"http://evil.example\",\"某公司\")"})
    wb = load_workbook(export.to_xlsx(plan, tmp_path / "plan.xlsx"))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {str(c.value) for c in cells}
    for text in hostile[:4] + [problem]:
        assert text in texts
    assert any(t.startswith("=HYPERLINK") and "某公司" in t for t in texts)
    assert all(c.quotePrefix for c in cells if isinstance(c.value, str) and c.value.startswith(export.FORMULA_START))
