"""Nothing un-anonymised ever reaches the index: import realistic findings, then scan every stored byte."""

from __future__ import annotations

import csv
import json
import shutil

from tests.conftest import REPO, run_cli

CRITERIA = ["D2.1", "D1.2", "D5.3", "D4.1", "D3.4"]


def test_imported_findings_leave_no_identifier_in_the_stored_index(index_settings, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(index_settings.data_dir, data)
    cases = [json.loads(line) for line in (REPO / "tests" / "fixtures" / "findings_raw.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path / "findings.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["条款", "严重程度", "行业", "审核发现", "根本原因", "纠正措施", "验证结果"])
        for i, case in enumerate(cases):
            writer.writerow([CRITERIA[i % len(CRITERIA)], "一般不符合", "家电", case["text"],
                             "流程未规定响应时限，也无人复核", "修订流程并培训到人", "复审抽查合格，关闭"])

    result = run_cli("findings", "import", str(path), data_dir=data)
    assert result.returncode == 0, result.stderr
    assert f"{len(cases)}条已匿名化导入" in result.stdout

    identifiers = {ident for case in cases for ident in case["must_remove"]}
    # Everything the index is made of: Chroma's files, the BM25 index and the stored findings. (The plans and
    # conversations database holds what users typed themselves, and jieba's cache is its dictionary.)
    index_files = [*(data / "chroma").rglob("*"), *(data / "bm25").rglob("*"), data / "imported_findings.jsonl"]
    stored = b"".join(p.read_bytes() for p in index_files if p.is_file())
    assert len(stored) > 1_000_000
    leaked = sorted(ident for ident in identifiers if ident.encode("utf-8") in stored)
    assert leaked == []

    # The import really reached the index: its findings are searchable, placeholders and all.
    answer = run_cli("ask", "客服主管称人手不足 投诉首次响应平均36小时", "--json", "--source", "findings", data_dir=data)
    citations = json.loads(answer.stdout)["citations"]
    assert any(c["locator"].startswith("IF-") and "[人员" in c["text"] for c in citations)
