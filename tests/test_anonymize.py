"""The anonymiser on findings written the way consultants write them, and `python -m assistant anonymize`."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from assistant.anonymize import PLACEHOLDER, Anonymizer
from assistant.settings import Settings
from tests.conftest import REPO, run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "findings_raw.jsonl"
EVAL_CASES = REPO / "evals" / "anonymization_cases.jsonl"
RAW = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("anon-data"))


@pytest.fixture(scope="module")
def anonymizer(settings) -> Anonymizer:
    return Anonymizer(settings)


def test_fixture_is_a_realistic_mix():
    assert len(RAW) >= 25
    assert sum(1 for r in RAW if r["text"].isascii()) >= 5  # English findings too
    assert all(r["must_remove"] for r in RAW)


@pytest.mark.parametrize("record", RAW, ids=[r["id"] for r in RAW])
def test_no_identifier_survives_and_audit_facts_are_kept(record, settings):
    out = Anonymizer(settings).anonymize(record["text"])
    leaked = [x for x in record["must_remove"] if x in out]
    assert not leaked, out
    lost = [x for x in record["must_keep"] if x not in out]
    assert not lost, out
    assert PLACEHOLDER.search(out)


def test_every_eval_case_passes(settings):
    cases = [json.loads(line) for line in EVAL_CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(cases) >= 40
    assert not {c["text"] for c in cases} & {r["text"] for r in RAW}, "the eval set must differ from the test fixture"
    failures = []
    for case in cases:
        out = Anonymizer(settings).anonymize(case["text"])
        if any(x in out for x in case["must_remove"]) or any(x not in out for x in case["must_keep"]):
            failures.append((case["id"], out))
    assert not failures


def test_same_identifier_same_placeholder_within_one_text(settings):
    text = "工程师刘晓明未回访；刘晓明称客户王芳不在家，王芳的手机13812345678已停机，备用号码138-1234-5678。"
    out = Anonymizer(settings).anonymize(text)
    assert out == "工程师[人员1]未回访；[人员1]称客户[人员2]不在家，[人员2]的手机[电话1]已停机，备用号码[电话1]。"


def test_placeholders_are_stable_across_a_batch_and_numbered_by_first_sight(settings):
    a = Anonymizer(settings)
    first = a.anonymize("深圳市华强电器有限公司的站长张伟未提供记录。")
    second = a.anonymize("张伟称深圳市华强电器有限公司已整改，联系人李娜。")
    assert first == "[企业1]的站长[人员1]未提供记录。"
    assert second == "[人员1]称[企业1]已整改，联系人[人员2]。"
    assert a.mapping == {"[企业1]": "深圳市华强电器有限公司", "[人员1]": "张伟", "[人员2]": "李娜"}
    assert a.counts() == {"人员": 2, "企业": 1}


def test_a_fresh_anonymizer_starts_numbering_again(settings):
    assert Anonymizer(settings).anonymize("客户李娜投诉。") == "客户[人员1]投诉。"
    assert Anonymizer(settings).anonymize("客户王芳投诉。") == "客户[人员1]投诉。"


def test_find_reports_kind_span_and_placeholder(settings):
    text = "联系人：司马光明，邮箱sima@example.com"
    entities = Anonymizer(settings).find(text)
    assert [(e.kind, e.text) for e in entities] == [("person", "司马光明"), ("email", "sima@example.com")]
    for e in entities:
        assert text[e.start : e.end] == e.text
        assert re.fullmatch(r"\[(人员|邮箱)\d+\]", e.placeholder)


@pytest.mark.parametrize(
    "text",
    [
        "2026年3月审核发现D2.1首次响应平均36小时，满意度88%，见F1与PF-001。",
        "客服主管、服务站站长和维修工程师均未接受培训，华东区域情况相同。",
        "D3.2备件周转天数45天，高峰时段排队超过3分钟，2025-11-18复核。",
        "First-time fix rate was 82% against a target of 90% for D2.4 in Q3 2025 (finding F2).",
        "王某某和陈某未签字，李XX负责。",
    ],
)
def test_audit_facts_and_already_anonymous_names_are_left_alone(text, anonymizer):
    assert anonymizer.anonymize(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("官网 https://www.example.com/contact?mail=li@example.com 已失效", "官网 [网址1] 已失效"),
        ("邮箱 zhang.san@example.com.cn。", "邮箱 [邮箱1]。"),
        ("座机(021)6123 4567转805，热线4008-365-365", "座机[电话1]，热线[电话2]"),
        ("手机+86 138 1234 5678", "手机[电话1]"),
        ("证件11010519491231002X与旧证330102780315123", "证件[证件1]与旧证[证件2]"),
        ("车辆粤B·12345、京A12345、粤BD12345", "车辆[车牌1]、[车牌2]、[车牌3]"),
        ("地址广东省深圳市南山区科技园南路88号3栋201室，电话0755-1234567", "地址[地址1]，电话[电话1]"),
        ("He lives at 88 Nanshan Road, Nanshan District and met Mr. Lee.", "He lives at [地址1] and met Mr. [人员1]."),
        ("王经理和李工未到场，张主任与刘总签字。", "[人员1]经理和[人员2]工未到场，[人员3]主任与[人员4]总签字。"),
        ("欧阳娜娜、诸葛亮亮、上官婉儿、令狐冲均未持证。", "[人员1]、[人员2]、[人员3]、[人员4]均未持证。"),
        ("John Smith of Acme Group Co., Ltd. and Haier Group", "[人员1] of [企业1] and [企业2]"),
    ],
)
def test_each_identifier_type(text, expected, settings):
    assert Anonymizer(settings).anonymize(text) == expected


def test_anonymising_is_idempotent(settings):
    for record in RAW[:10]:
        once = Anonymizer(settings).anonymize(record["text"])
        assert Anonymizer(settings).anonymize(once) == once


def test_a_200_character_finding_takes_a_few_milliseconds(anonymizer):
    text = (RAW[0]["text"] + RAW[1]["text"])[:200]
    anonymizer.anonymize(text)  # warm-up: jieba's HMM tables
    started = time.perf_counter()
    for _ in range(20):
        anonymizer.anonymize(text)
    per_call_ms = (time.perf_counter() - started) / 20 * 1000
    assert per_call_ms < 40, f"{per_call_ms:.1f} ms per 200-character finding"


# -- command line ---------------------------------------------------------------


def test_cli_reads_stdin_and_keeps_jieba_quiet_with_its_cache_in_the_data_dir(tmp_path):
    result = run_cli("anonymize", stdin="客户王芳（13812345678）投诉D2.1超时36小时。\n", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "客户[人员1]（[电话1]）投诉D2.1超时36小时。\n"
    assert result.stderr == ""
    assert (tmp_path / "cache" / "jieba.cache").exists()


def test_cli_reads_a_file_and_dash_means_stdin(tmp_path):
    f = tmp_path / "finding.txt"
    f.write_text("Engineer Zhang Wei (zhang.wei@repairnet.cn) of Haier Group", encoding="utf-8")
    result = run_cli("anonymize", str(f), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Engineer [人员1] ([邮箱1]) of [企业1]"
    result = run_cli("anonymize", "-", stdin="李工", data_dir=tmp_path)
    assert result.stdout == "[人员1]工"


def test_cli_missing_file_is_bad_input(tmp_path):
    missing = tmp_path / "nope.txt"
    result = run_cli("anonymize", str(missing), data_dir=tmp_path)
    assert result.returncode == 2
    assert str(missing) in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_non_utf8_file_is_bad_input(tmp_path):
    f = tmp_path / "gbk.txt"
    f.write_bytes("客户王芳投诉".encode("gbk"))
    result = run_cli("anonymize", str(f), data_dir=tmp_path)
    assert result.returncode == 2
    assert "gbk.txt" in result.stderr and "UTF-8" in result.stderr
    assert "Traceback" not in result.stderr
