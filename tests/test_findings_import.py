"""`findings import`: CSV, JSON lines and XLSX into the data dir, anonymised, all or nothing."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from assistant.anonymize import Anonymizer
from assistant.errors import BadInput
from assistant.findings import import_findings, infer_category
from assistant.knowledge import load_findings
from assistant.settings import Settings
from tests.conftest import run_cli

ZH_HEADER = "编号,条款,严重程度,行业,年份,审核发现,根本原因,5M1E,整改措施,验证结果,审核员\n"
ZH_ROWS = [
    "A-01,D2.1,一般不符合,家电,2025,客服主管王建国未能提供投诉台账，联系电话13812345678。,人员培训不足,人,组织投诉处理培训并考核,复审已关闭问题,赵审核\n",
    "A-02,D3.2,严重不符合,家电,2025年,深圳市华强电器有限公司仓库未盘点，王建国称由仓管员李娜负责。,盘点制度缺失,法,建立月度盘点制度,复审时已执行两次,赵审核\n",
    "A-03,d5.3,观察项,家电,,客户身份证440106198507123456未脱敏保存在工单中。,,,,,赵审核\n",
]


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def write_csv(path, header=ZH_HEADER, rows=ZH_ROWS, encoding="utf-8-sig"):
    path.write_bytes((header + "".join(rows)).encode(encoding))
    return path


def stored(settings) -> list:
    return load_findings(settings.imported_findings)


# -- round trips ----------------------------------------------------------------


def test_csv_with_chinese_headers_round_trip(tmp_path, settings):
    got = import_findings(write_csv(tmp_path / "f.csv"), settings)
    assert [f.id for f in got] == ["IF-001", "IF-002", "IF-003"]
    assert stored(settings) == got
    first, second, third = got
    assert (first.criterion, first.severity, first.industry, first.year, first.category) == ("D2.1", "minor", "家电", 2025, "人")
    assert first.finding == "客服主管[人员1]未能提供投诉台账，联系电话[电话1]。"
    # one Anonymizer per file: 王建国 keeps [人员1] on the next row
    assert second.finding == "[企业1]仓库未盘点，[人员1]称由仓管员[人员2]负责。"
    assert (second.severity, second.year) == ("major", 2025)
    assert (third.criterion, third.severity, third.year) == ("D5.3", "observation", None)
    assert third.finding == "客户身份证[证件1]未脱敏保存在工单中。"
    assert (third.root_cause, third.action, third.outcome, third.category) == ("原因未记录", "措施未记录", "结果未记录", "法")
    raw = settings.imported_findings.read_text(encoding="utf-8")
    for secret in ("王建国", "李娜", "13812345678", "华强", "440106198507123456", "赵审核", "A-01"):
        assert secret not in raw
    assert "客服主管" in raw  # stored as real characters (ensure_ascii=False)


def test_gb18030_csv_is_read(tmp_path, settings):
    got = import_findings(write_csv(tmp_path / "gbk.csv", encoding="gb18030"), settings)
    assert len(got) == 3 and got[0].finding.startswith("客服主管[人员1]")


def test_jsonl_with_english_keys_and_ids_continue(tmp_path, settings):
    import_findings(write_csv(tmp_path / "f.csv"), settings)
    before = settings.imported_findings.read_bytes()
    lines = [
        {"id": "X9", "criterion": "D4.2", "severity": "Minor", "industry": "汽车", "year": 2026,
         "finding": "Engineer Zhang Wei (zhang.wei@repairnet.cn) skipped the 2026 training on D4.2.",
         "root_cause": "备件库存信息不准确", "action": "Retrain engineers", "outcome": "Closed at follow-up"},
        {"criterion": "D6.1", "severity": "observation", "industry": "汽车",
         "finding": "工程师刘晓明的回访记录缺少客户签字，共5份。"},
    ]
    path = tmp_path / "f.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n", encoding="utf-8")
    got = import_findings(path, settings)
    assert [f.id for f in got] == ["IF-004", "IF-005"]
    assert got[0].finding == "Engineer [人员1] ([邮箱1]) skipped the 2026 training on D4.2."
    assert got[0].category == "料"  # inferred from the root cause
    assert got[1].finding == "工程师[人员2]的回访记录缺少客户签字，共5份。"  # numbered per file, not per row
    assert settings.imported_findings.read_bytes().startswith(before)
    assert [f.id for f in stored(settings)] == [f"IF-{n:03d}" for n in range(1, 6)]


def test_xlsx_first_sheet_with_a_title_row_above_the_header(tmp_path, settings):
    wb = Workbook()
    ws = wb.active
    ws.append(["2025年审核发现汇总（内部）"])
    ws.append(["序号", "评价准则", "等级", "行业", "年度", "问题描述", "原因分析", "原因类别", "纠正措施", "整改结果"])
    ws.append([1, "D1.2", "一般", "家电", 2025, "服务承诺未公示，店长卢晓峰称海报已撤下。", "宣传物料管理职责不清", "法（方法）",
               "明确门店宣传物料责任人", "复审已张贴"])
    ws.append([None] * 10)  # blank rows are skipped
    ws.append([2, "D2.3", "严重", "家电", 2025.0, "投诉客户杨先生（电话0571-88776655）的问题拖延21天未关闭。", None, None, None, None])
    wb.create_sheet("其他")["A1"] = "ignored"
    path = tmp_path / "f.xlsx"
    wb.save(path)
    got = import_findings(path, settings)
    assert [(f.id, f.criterion, f.severity, f.year, f.category) for f in got] == [
        ("IF-001", "D1.2", "minor", 2025, "法"),
        ("IF-002", "D2.3", "major", 2025, "法"),
    ]
    assert got[0].finding == "服务承诺未公示，店长[人员1]称海报已撤下。"
    assert got[1].finding == "投诉客户[人员2]先生（电话[电话1]）的问题拖延21天未关闭。"


def test_anonymizer_passed_in_reports_counts(tmp_path, settings):
    anonymizer = Anonymizer(settings)
    import_findings(write_csv(tmp_path / "f.csv"), settings, anonymizer)
    assert anonymizer.counts() == {"人员": 2, "企业": 1, "电话": 1, "证件": 1}


def test_infer_category_defaults_to_method():
    assert infer_category("没有任何线索") == "法"
    assert infer_category("工程师技能不足，培训未覆盖") == "人"
    assert infer_category("统计口径不一致") == "测"
    assert infer_category("培训制度缺失") == "法"  # a tie goes to 法


# -- bad input: named precisely, nothing written ----------------------------------------


def assert_nothing_written(settings, before: bytes | None):
    if before is None:
        assert not settings.imported_findings.exists()
    else:
        assert settings.imported_findings.read_bytes() == before
    leftovers = [p.name for p in settings.data_dir.glob(".*.tmp")] if settings.data_dir.exists() else []
    assert leftovers == []


@pytest.fixture
def previous(tmp_path, settings) -> bytes:
    """A data dir that already holds one import, to show a failed import leaves it byte for byte."""
    import_findings(write_csv(tmp_path / "first.csv", rows=ZH_ROWS[:1]), settings)
    return settings.imported_findings.read_bytes()


def test_missing_required_column_names_column_and_file(tmp_path, settings, previous):
    path = write_csv(tmp_path / "nocol.csv", header="条款,严重程度,年份,审核发现\n", rows=["D2.1,一般,2025,客服响应超时36小时未处理\n"])
    with pytest.raises(BadInput) as err:
        import_findings(path, settings)
    assert "nocol.csv" in str(err.value) and "industry" in str(err.value) and "行业" in str(err.value)
    assert_nothing_written(settings, previous)


def test_bad_severity_on_row_3_names_file_row_and_column(tmp_path, settings, previous):
    rows = [ZH_ROWS[0], ZH_ROWS[1].replace("严重不符合", "很严重"), ZH_ROWS[2]]  # header is row 1
    path = write_csv(tmp_path / "sev.csv", rows=rows)
    with pytest.raises(BadInput) as err:
        import_findings(path, settings)
    message = str(err.value)
    assert "sev.csv" in message and "row 3" in message and "严重程度" in message and "很严重" in message
    assert_nothing_written(settings, previous)


def test_bad_criterion_names_file_row_and_column(tmp_path, settings, previous):
    rows = [ZH_ROWS[0], ZH_ROWS[1], ZH_ROWS[2].replace("d5.3", "D9.1")]
    path = write_csv(tmp_path / "crit.csv", rows=rows)
    with pytest.raises(BadInput) as err:
        import_findings(path, settings)
    message = str(err.value)
    assert "crit.csv" in message and "row 4" in message and "条款" in message and "D9.1" in message
    assert_nothing_written(settings, previous)


def test_bad_jsonl_line_and_short_finding_are_named(tmp_path, settings):
    path = tmp_path / "bad.jsonl"
    ok = {"criterion": "D2.1", "severity": "minor", "industry": "家电", "finding": "客服首次响应平均36小时超时"}
    path.write_text(json.dumps(ok, ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"bad\.jsonl, line 2"):
        import_findings(path, settings)
    path.write_text(json.dumps(ok, ensure_ascii=False) + "\n" + json.dumps({**ok, "finding": "太短"}) + "\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"bad\.jsonl, line 2, column 'finding'"):
        import_findings(path, settings)
    assert_nothing_written(settings, None)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.csv", None, "not found"),
        ("notes.txt", b"D2.1 minor", "unsupported file type"),
        ("empty.csv", b"", "no findings"),
        ("header_only.csv", ZH_HEADER.encode(), "no findings"),
        ("broken.xlsx", b"this is not a zip file", "not a readable XLSX"),
    ],
)
def test_unusable_files_are_bad_input(tmp_path, settings, previous, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(BadInput) as err:
        import_findings(path, settings)
    assert name in str(err.value) and expected in str(err.value)
    assert_nothing_written(settings, previous)


def test_a_directory_is_bad_input(tmp_path, settings):
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(BadInput, match="dir.csv"):
        import_findings(tmp_path / "dir.csv", settings)


# -- command line ---------------------------------------------------------------


def test_cli_import_no_ingest(tmp_path):
    path = write_csv(tmp_path / "f.csv")
    result = run_cli("findings", "import", str(path), "--no-ingest", data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "3条已匿名化导入" in result.stdout
    assert "人员 2 个" in result.stdout and "企业 1 个" in result.stdout
    got = load_findings(tmp_path / "data" / "imported_findings.jsonl")
    assert [f.id for f in got] == ["IF-001", "IF-002", "IF-003"]


def test_cli_bad_file_exits_2_without_traceback(tmp_path):
    path = write_csv(tmp_path / "sev.csv", rows=[ZH_ROWS[0].replace("一般不符合", "???")])
    result = run_cli("findings", "import", str(path), "--no-ingest", data_dir=tmp_path / "data")
    assert result.returncode == 2
    assert "sev.csv" in result.stderr and "row 2" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "imported_findings.jsonl").exists()


