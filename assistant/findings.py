"""Import consultants' audit findings (CSV, JSON lines, XLSX), anonymised, into the data directory's findings file."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.anonymize import Anonymizer
from assistant.errors import BadInput
from assistant.knowledge import CRITERION_ID, PastFinding, load_findings
from assistant.settings import Settings, get_settings, writable_dir

FIELDS = ("id", "criterion", "severity", "industry", "year", "finding", "root_cause", "category", "action", "outcome")
REQUIRED = ("criterion", "severity", "industry", "finding")
TEXT_FIELDS = ("industry", "finding", "root_cause", "action", "outcome")  # anonymised before they are stored
ID_PREFIX = "IF"

# Column names consultants use, English and Chinese. Compared after _norm_header (case, width, spaces, _ and - ignored).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "finding_id", "no", "编号", "发现编号", "问题编号", "不符合编号"),
    "criterion": ("criterion", "criterion_id", "clause", "条款", "条款号", "准则", "准则编号", "评价准则", "评价条款", "审核条款"),
    "severity": ("severity", "grade", "严重程度", "等级", "严重性", "不符合等级", "不符合类型", "发现类型"),
    "industry": ("industry", "sector", "行业", "所属行业", "行业类别"),
    "year": ("year", "audit_year", "年份", "年度", "审核年份", "审核年度"),
    "finding": ("finding", "text", "description", "审核发现", "问题描述", "不符合描述", "不符合项描述", "发现描述", "不符合事实"),
    "root_cause": ("root_cause", "cause", "根本原因", "原因分析", "原因", "根因"),
    "category": ("category", "5m1e", "原因类别", "类别", "原因分类", "5m1e类别", "5m1e分类"),
    "action": ("action", "corrective_action", "纠正措施", "整改措施", "纠正预防措施", "措施"),
    "outcome": ("outcome", "result", "verification", "结果", "验证结果", "整改结果", "跟踪验证", "验证情况"),
}

SEVERITY_ALIASES: dict[str, str] = {
    "major": "major", "严重不符合": "major", "严重不符合项": "major", "严重": "major", "重大不符合": "major",
    "minor": "minor", "一般不符合": "minor", "一般不符合项": "minor", "一般": "minor", "轻微不符合": "minor",
    "observation": "observation", "obs": "observation", "观察项": "observation", "观察": "observation",
}
CATEGORY_ALIASES: dict[str, str] = {
    "人": "人", "人员": "人", "man": "人", "manpower": "人", "people": "人",
    "机": "机", "机器": "机", "设备": "机", "machine": "机", "equipment": "机",
    "料": "料", "材料": "料", "物料": "料", "material": "料", "materials": "料",
    "法": "法", "方法": "法", "制度": "法", "流程": "法", "method": "法", "methods": "法",
    "环": "环", "环境": "环", "environment": "环",
    "测": "测", "测量": "测", "measurement": "测", "measure": "测",
}
# Missing optional text: a sentence that says so (PastFinding wants at least 4 characters).
DEFAULTS = {"root_cause": "原因未记录", "action": "措施未记录", "outcome": "结果未记录"}
# Without a 5M1E column the category is read from the root cause; with no clue it is 法, the
# method/procedure branch, because most after-sales findings are gaps in a documented process.
_CATEGORY_CLUES: dict[str, tuple[str, ...]] = {
    "人": ("培训", "意识", "技能", "人员", "人手", "资质", "经验", "责任心", "疏忽", "能力"),
    "机": ("设备", "系统", "工具", "软件", "仪器", "车辆", "信息化", "平台", "硬件"),
    "料": ("备件", "配件", "物料", "材料", "零件", "库存", "耗材"),
    "环": ("环境", "场地", "温度", "天气", "交通", "布局"),
    "测": ("统计", "测量", "检测", "口径", "数据", "指标", "考核", "监测", "计量"),
    "法": ("制度", "流程", "规定", "程序", "标准", "机制", "规范", "职责"),
}
SUFFIXES = {
    ".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".xlsx": "xlsx", ".xlsm": "xlsx",
}


def _norm_header(name: Any) -> str:
    text = unicodedata.normalize("NFKC", str(name or "")).strip().lower()
    return re.sub(r"[\s_\-*（）()：:]+", "", text)


_HEADER_TO_FIELD = {_norm_header(alias): field for field, names in ALIASES.items() for alias in names}


def import_findings(path: Path, settings: Settings, anonymizer: Anonymizer | None = None) -> list[PastFinding]:
    """Read, anonymise and validate every finding in `path`, then append them to `settings.imported_findings`.

    All or nothing: one bad row raises BadInput (naming the file, row and column) and nothing is written.
    Ids continue after the `IF-nnn` already stored. Missing root cause, action or outcome become
    "原因未记录" / "措施未记录" / "结果未记录"; a missing 5M1E category is inferred from the root cause
    (keywords; 法 when nothing matches). One Anonymizer serves the whole file, so a person or company keeps
    one placeholder across its rows; pass your own to read its counts afterwards.
    """
    path = Path(path)
    records = _records(path)
    anonymizer = anonymizer or Anonymizer(settings)
    target = settings.imported_findings
    writable_dir(target.parent)
    with _locked(target):
        existing = load_findings(target)
        next_no = 1 + max((int(f.id.split("-")[1]) for f in existing if f.id.startswith(f"{ID_PREFIX}-")), default=0)
        imported = [f for _, f in _checked(path, records, anonymizer, next_no)]
        _append(target, imported)
    return imported


def read_findings(path: Path, anonymizer: Anonymizer) -> list[tuple[str, PastFinding]]:
    """Every finding of `path` read, checked and anonymised exactly as `import_findings` does, without storing
    them anywhere: (where the row is, e.g. "file.csv, row 3", the finding). All or nothing: BadInput names the
    file, row and column of the first bad value. (The web app adds them to an assessment.)"""
    path = Path(path)
    return _checked(path, _records(path), anonymizer, 1)


def _records(path: Path) -> list[Record]:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise BadInput(
            f"不支持的文件类型 '{path.suffix or '(none)'}'；unsupported file type, use .csv, .jsonl or .xlsx", where=str(path)
        )
    raw = _read_bytes(path)
    records = list(_records_jsonl(path, raw) if kind == "jsonl" else _records_table(path, raw, kind))
    if not records:
        raise BadInput("文件中没有审核发现 no findings in the file (empty, or only a header row)", where=str(path))
    return records


def _checked(path: Path, records: list[Record], anonymizer: Anonymizer, first_no: int) -> list[tuple[str, PastFinding]]:
    out = []
    for offset, (unit, number, values, columns) in enumerate(records):
        where = f"{path}, {unit} {number}"
        out.append((where, _to_finding(where, values, columns, f"{ID_PREFIX}-{first_no + offset:03d}", anonymizer)))
    return out


# -- reading ------------------------------------------------------------------

Record = tuple[str, int, dict[str, Any], dict[str, str]]  # "row"/"line", its number, values by field, source column by field


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInput("文件不存在 file not found", where=str(path)) from None
    except IsADirectoryError:
        raise BadInput("这是一个目录 is a directory, not a findings file", where=str(path)) from None
    except OSError as exc:
        raise BadInput(f"无法读取 cannot read ({exc.strerror or exc})", where=str(path)) from None


def _decode(path: Path, raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadInput("无法识别的文本编码 not UTF-8 or GB18030 text", where=str(path))


def _map_columns(path: Path, headers: list[Any]) -> dict[int, str]:
    """Column index -> field; unknown columns (序号, 审核员...) are dropped, so their contents are never stored."""
    mapping: dict[int, str] = {}
    seen: dict[str, str] = {}
    for i, header in enumerate(headers):
        field = _HEADER_TO_FIELD.get(_norm_header(header))
        if field is None:
            continue
        if field in seen:
            raise BadInput(f"列 '{seen[field]}' 与列 '{header}' 都表示 '{field}'；two columns mean the same field", where=str(path))
        seen[field] = str(header).strip()
        mapping[i] = field
    missing = [f for f in REQUIRED if f not in seen]
    if missing:
        names = "、".join(f"{f}（{'/'.join(a for a in ALIASES[f] if not a.isascii())}）" for f in missing)
        raise BadInput(f"缺少必需的列 missing required column: {names}", where=str(path))
    return mapping


def _records_table(path: Path, raw: bytes, kind: str) -> Iterator[Record]:
    rows = _xlsx_rows(path, raw) if kind == "xlsx" else _csv_rows(path, raw)
    header_row: tuple[int, list[Any]] | None = None
    buffered: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if all(_blank(c) for c in cells):
            continue
        if header_row is None:
            buffered.append((number, cells))
            # The header is the first row naming a required column; a title row above it is skipped.
            if any(_HEADER_TO_FIELD.get(_norm_header(c)) in REQUIRED for c in cells) or len(buffered) >= 10:
                header_row = next(
                    ((n, c) for n, c in buffered if any(_HEADER_TO_FIELD.get(_norm_header(x)) in REQUIRED for x in c)),
                    buffered[0],
                )
                mapping = _map_columns(path, header_row[1])
                columns = {field: str(header_row[1][i]).strip() for i, field in mapping.items()}
                for n, c in buffered:
                    if n > header_row[0]:
                        yield "row", n, _pick(c, mapping), columns
            continue
        yield "row", number, _pick(cells, mapping), columns
    if header_row is None and buffered:
        _map_columns(path, buffered[0][1])  # raises: no row names the required columns


def _pick(cells: list[Any], mapping: dict[int, str]) -> dict[str, Any]:
    return {field: cells[i] if i < len(cells) else None for i, field in mapping.items()}


def _csv_rows(path: Path, raw: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(path, raw)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    if delimiter == ",":
        first = text.split("\n", 1)[0]
        if first.count(";") > first.count(",") and first.count(";") > first.count("\t"):
            delimiter = ";"
        elif first.count("\t") > first.count(","):
            delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, 1):  # record numbers, as a spreadsheet shows them
            yield number, cells
    except csv.Error as exc:
        raise BadInput(f"CSV 格式错误 malformed CSV ({exc})", where=f"{path}, row {reader.line_num}") from None


def _xlsx_rows(path: Path, raw: bytes) -> Iterator[tuple[int, list[Any]]]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise BadInput(f"不是可读的 XLSX 工作簿 not a readable XLSX workbook ({type(exc).__name__})", where=str(path)) from None
    try:
        if not workbook.worksheets:
            return
        for number, cells in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
            yield number, list(cells)
    finally:
        workbook.close()


def _records_jsonl(path: Path, raw: bytes) -> Iterator[Record]:
    text = _decode(path, raw)
    if path.suffix.lower() == ".json" and text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput(f"不是有效的 JSON not valid JSON ({exc.msg})", where=f"{path}, line {exc.lineno}") from None
        lines = [(i, item) for i, item in enumerate(items, 1)]
        unit = "item"
    else:
        lines = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                lines.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise BadInput(f"不是有效的 JSON not valid JSON ({exc.msg})", where=f"{path}, line {number}") from None
        unit = "line"
    headers: list[str] = []
    for number, obj in lines:
        if not isinstance(obj, dict):
            raise BadInput("每行必须是一个 JSON 对象 each line must be a JSON object", where=f"{path}, {unit} {number}")
        headers.extend(k for k in obj if k not in headers)
    if not lines:
        return
    mapping = _map_columns(path, headers)
    by_field = {field: headers[i] for i, field in mapping.items()}
    for number, obj in lines:
        yield unit, number, {field: obj.get(key) for field, key in by_field.items()}, by_field


# -- validating ---------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _to_finding(where: str, values: dict[str, Any], columns: dict[str, str], new_id: str,
                anonymizer: Anonymizer) -> PastFinding:
    def bad(field: str, message: str) -> BadInput:
        return BadInput(message, where=f"{where}, column '{columns.get(field, field)}'")

    for field in REQUIRED:
        if _blank(values.get(field)):
            raise bad(field, f"必填字段为空 required value '{field}' is empty")

    criterion = re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(values["criterion"]))).upper()
    if not re.fullmatch(CRITERION_ID, criterion):
        raise bad("criterion", f"无效的准则编号 '{_text(values['criterion'])}'；invalid criterion ID, expected e.g. D2.1")

    sev_raw = _text(values["severity"])
    severity = SEVERITY_ALIASES.get(unicodedata.normalize("NFKC", sev_raw).lower().replace(" ", ""))
    if severity is None:
        raise bad("severity", f"无效的严重程度 '{sev_raw}'；invalid severity, expected major/minor/observation "
                              "(严重不符合/一般不符合/观察项)")

    year = _year(values.get("year"), lambda msg: bad("year", msg))

    texts = {f: _text(values.get(f)) for f in TEXT_FIELDS}
    for field, default in DEFAULTS.items():
        texts[field] = texts[field] or default

    cat_raw = _text(values.get("category"))
    if cat_raw:
        key = unicodedata.normalize("NFKC", cat_raw).lower().strip()
        category = CATEGORY_ALIASES.get(key) or CATEGORY_ALIASES.get(re.split(r"[\s(（/、]", key, 1)[0])
        if category is None:
            raise bad("category", f"无效的 5M1E 类别 '{cat_raw}'；invalid category, expected one of 人 机 料 法 环 测")
    else:
        category = infer_category(texts["root_cause"])

    data = {"id": new_id, "criterion": criterion, "severity": severity, "year": year, "category": category}
    data.update({f: anonymizer.anonymize(t) for f, t in texts.items()})
    try:
        return PastFinding.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        raise bad(field, f"{err['msg']} (value: {str(data.get(field))[:40]!r})") from None


def _year(value: Any, bad) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    text = unicodedata.normalize("NFKC", _text(value))
    m = re.fullmatch(r"((?:19|20|21)\d\d)(?:\.0+|年(?:度)?)?", text) or re.match(r"((?:19|20|21)\d\d)[-/.年]\d", text)
    if not m:
        raise bad(f"无效的年份 '{text}'；invalid year, expected e.g. 2025")
    return int(m.group(1))


def infer_category(root_cause: str) -> str:
    """5M1E category from root-cause keywords; 法 (method) when nothing matches or on a tie with 法."""
    scores = {cat: sum(root_cause.count(w) for w in words) for cat, words in _CATEGORY_CLUES.items()}
    best = max(scores.values())
    if best == 0 or scores["法"] == best:
        return "法"
    return next(cat for cat in "人机料环测" if scores[cat] == best)


# -- writing ------------------------------------------------------------------


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Serialise imports into the same file (two consultants importing at once must not lose rows)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; imports are rare enough
        yield
        return
    with open(target.with_name(f".{target.name}.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _append(target: Path, findings: list[PastFinding]) -> None:
    """Write old + new lines to a temp file beside the target, then swap it in: a crash leaves the old file whole."""
    old = target.read_text(encoding="utf-8") if target.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    new = "".join(json.dumps(f.model_dump(), ensure_ascii=False) + "\n" for f in findings)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, mode)  # mkstemp makes 0600; keep the file readable as before
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(old + new)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# -- command line ---------------------------------------------------------------


def run_cli(args: Any) -> int:
    """`python -m assistant findings import FILE [--no-ingest]`."""
    if getattr(args, "findings_command", "import") != "import":
        raise BadInput(f"unknown findings command '{args.findings_command}'")
    settings = get_settings()
    anonymizer = Anonymizer(settings)
    imported = import_findings(Path(args.file), settings, anonymizer)
    counts = anonymizer.counts()
    replaced = "，".join(f"{label} {n} 个" for label, n in counts.items()) or "无"
    print(f"{len(imported)}条已匿名化导入（{imported[0].id} – {imported[-1].id}）→ {settings.imported_findings}")
    print(f"替换的标识符（去重后）replaced identifiers: {replaced}")
    if getattr(args, "no_ingest", False):
        print("未更新索引（--no-ingest）；稍后运行 python -m assistant ingest")
        return 0
    from assistant.retrieval.ingest import ingest

    report = ingest(settings)
    print(f"索引已更新 index refreshed ({report.embedded} new chunks embedded)")
    return 0
