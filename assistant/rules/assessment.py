"""The assessment file (CONTRACTS.md): strict pydantic models, and a loader that checks it against its scheme."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    field_validator,
)

from assistant.errors import BadInput
from assistant.rules.scheme import Scheme, format_number, load_scheme


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class CriterionEntry(_Strict):
    """What was assessed for one criterion: a declared level, a measured KPI value, the evidence."""

    level: StrictInt | None = None
    kpi: float | None = Field(None, strict=True, allow_inf_nan=False)
    evidence: list[str] = Field(default_factory=list)

    @field_validator("evidence", mode="before")
    @classmethod
    def _one_item(cls, v: Any) -> Any:
        # A lone string is one evidence item; accepting it is unambiguous.
        return [v] if isinstance(v, str) else v

    @field_validator("evidence")
    @classmethod
    def _distinct_items(cls, items: list[str]) -> list[str]:
        # The same record named twice is one item: auditors count documents, not mentions.
        out = list(dict.fromkeys(e.strip() for e in items))
        if "" in out:
            raise ValueError("an evidence item must name a record, not be empty")
        return out

    @property
    def evidence_count(self) -> int:
        """Distinct evidence items (the validator already dropped repeats)."""
        return len(self.evidence)


class Finding(_Strict):
    """An audit finding (审核发现)."""

    id: str = Field(min_length=1)
    criterion: str
    severity: str
    status: Literal["open", "closed"]
    raised_on: date | None = None
    text: str = ""


class Enterprise(_Strict):
    name: str | None = None
    industry: str | None = None


class Assessment(_Strict):
    """An assessment as CONTRACTS.md defines it. Build it with `load_assessment` or
    `validate_assessment`, which also check it against the scheme it names.

    >>> a = validate_assessment({"criteria": {"D1.2": {"kpi": 91.5, "evidence": ["工单统计"]}}})
    >>> a.criteria["D1.2"].kpi, a.scheme
    (91.5, '2026.1')
    """

    scheme: str | None = None
    enterprise: Enterprise | None = None
    assessed_on: date | None = None
    next_audit: date | None = None
    declarations: dict[str, StrictBool] = Field(default_factory=dict)
    criteria: dict[str, CriterionEntry] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)

    @field_validator("scheme", mode="before")
    @classmethod
    def _version_text(cls, v: Any) -> Any:
        # `scheme: 2026.1` unquoted is a YAML float; it means the version text.
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    def open_findings(self, severities: set[str] | list[str] | None = None) -> list[Finding]:
        return [f for f in self.findings if f.status == "open" and (severities is None or f.severity in severities)]


_MODEL_AT = {"": Assessment, "criteria.*": CriterionEntry, "findings.*": Finding, "enterprise": Enterprise}


def load_assessment(
    path: str | Path, *, scheme: Scheme | None = None, knowledge_dir: Path | None = None
) -> Assessment:
    """Read an assessment file (YAML, or JSON by its .json suffix) and check it against its scheme.

    Every problem is a BadInput naming the file and the field path, e.g.
    `a.yaml: criteria.D1.2.kpi: 一次修复率 must be within 0–100 %, got 120`.
    """
    source = str(path)
    p = Path(path)
    if not p.exists():
        raise BadInput("file not found", where=source)
    if p.is_dir():
        raise BadInput("is a directory, not an assessment file", where=source)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput("not UTF-8 text", where=source) from None
    except OSError as exc:
        raise BadInput(f"cannot be read ({exc.strerror})", where=source) from None
    data = _parse(text, source, json_first=p.suffix.lower() == ".json")
    return validate_assessment(data, source=source, scheme=scheme, knowledge_dir=knowledge_dir)


def _parse(text: str, source: str, *, json_first: bool) -> Any:
    if json_first:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput(f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})", where=source) from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInput(f"{at}not valid YAML ({problem})", where=source) from None


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice: silently keeping the last value hides typos."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def validate_assessment(
    data: Any,
    *,
    source: str = "assessment",
    scheme: Scheme | None = None,
    knowledge_dir: Path | None = None,
) -> Assessment:
    """Validate parsed data (a dict) as an assessment of its scheme; `source` names it in errors."""
    if data is None:
        raise BadInput("the file is empty; an assessment needs at least `criteria:`", where=source)
    if not isinstance(data, dict):
        raise BadInput("the top level must be a mapping (key: value), e.g. `criteria: {...}`", where=source)
    try:
        a = Assessment.model_validate(data)
    except ValidationError as exc:
        raise BadInput(_describe(exc), where=source) from None
    if scheme is None:
        try:
            scheme = load_scheme(a.scheme, knowledge_dir)
        except BadInput as exc:
            raise BadInput(f"scheme: {exc}", where=source) from None
    elif a.scheme is not None and a.scheme != scheme.version:
        raise BadInput(f"scheme: the file names {a.scheme!r} but scheme {scheme.version} was given", where=source)
    _check_against(a, scheme, source)
    declarations = {k: d.default for k, d in scheme.declarations.items()} | a.declarations
    return a.model_copy(update={"scheme": scheme.version, "declarations": declarations})


def _check_against(a: Assessment, scheme: Scheme, source: str) -> None:
    def bad(path: str, message: str) -> BadInput:
        return BadInput(f"{path}: {message}", where=source)

    for key in a.declarations:
        if key not in scheme.declarations:
            raise bad(f"declarations.{key}", f"unknown declaration; valid: {', '.join(scheme.declarations)}")
    ids = list(scheme.criteria)
    id_span = f"{ids[0]} … {ids[-1]}"
    for cid, entry in a.criteria.items():
        path = f"criteria.{cid}"
        c = scheme.criteria.get(cid)
        if c is None:
            raise bad(path, f"unknown criterion ID; scheme {scheme.version} has {id_span}")
        if entry.level is not None and not 0 <= entry.level <= scheme.max_level:
            raise bad(f"{path}.level", f"{c.name}: level must be an integer 0–{scheme.max_level}, got {entry.level}")
        if entry.kpi is not None:
            if not c.is_kpi:
                message = f"{c.name} is a declared criterion: give a level (0–{scheme.max_level}), not a KPI"
                raise bad(f"{path}.kpi", message)
            if not c.in_range(entry.kpi):
                raise bad(f"{path}.kpi", f"{c.name} must be {c.range_text()}, got {format_number(entry.kpi)}")
        if entry.level is None and entry.kpi is None:
            want = "kpi (the measured value) or level" if c.is_kpi else f"level (0–{scheme.max_level})"
            raise bad(path, f"{c.name}: give {want}")
    seen: set[str] = set()
    for i, f in enumerate(a.findings):
        path = f"findings[{i}]"
        if f.id in seen:
            raise bad(f"{path}.id", f"finding ID {f.id!r} appears twice")
        seen.add(f.id)
        if f.criterion not in scheme.criteria:
            message = f"unknown criterion ID {f.criterion!r}; scheme {scheme.version} has {id_span}"
            raise bad(f"{path}.criterion", message)
        if f.severity not in scheme.severities:
            valid = ", ".join(f"{k} ({s.name})" for k, s in scheme.severities.items())
            raise bad(f"{path}.severity", f"unknown severity {f.severity!r}; valid: {valid}")


def _describe(exc: ValidationError) -> str:
    """The first validation error as `field.path: what is wrong, got X` (plus how many more)."""
    errors = exc.errors()
    err = errors[0]
    loc = list(err["loc"])
    # The value of a union such as `int | None` reports its branch in the path; drop it.
    loc = [p for p in loc if p not in ("int", "float", "str", "date", "bool", "list[str]")]
    path = _path(loc)
    kind = err["type"]
    got = err.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = ", ".join(model.model_fields) if model else ""
        message = f"unknown key {loc[-1]!r}" + (f"; allowed: {allowed}" if allowed else "")
    elif kind == "missing":
        message = "required field is missing"
    elif kind == "value_error":
        message = f"{err.get('ctx', {}).get('error', err['msg'])}, got {_show(got)}"
    else:
        message = f"{err['msg']}, got {_show(got)}"
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return f"{path}: {message}{more}" if path else f"{message}{more}"


def _path(loc: list[Any]) -> str:
    out = ""
    for p in loc:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _model_at(loc: list[Any]) -> type[BaseModel] | None:
    key = ".".join("*" if i % 2 == 1 and loc[0] in ("criteria", "findings") else str(p) for i, p in enumerate(loc))
    return _MODEL_AT.get(key)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return format_number(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
