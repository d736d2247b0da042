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

from assistant.dates import Day
from assistant.errors import BadInput, shown
from assistant.rules.scheme import Scheme, format_number, load_scheme

# Bounds of an assessment file. A real one is a few KiB, 22 criteria and a few findings, nested 4 deep.
DEFAULT_MAX_BYTES = 1024 * 1024
MAX_DEPTH = 16


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
    """An audit finding (审核发现). Its criterion may be unknown yet (a client told of "一个严重不符合" without
    the clause): it still counts for the vetoes and grade rules, which look at severity and status only."""

    id: str = Field(min_length=1)
    criterion: str | None = None
    severity: str
    status: Literal["open", "closed"]
    raised_on: Day | None = None
    text: str = ""


class Enterprise(_Strict):
    name: str | None = None
    industry: str | None = None
    employees: StrictInt | None = Field(None, ge=1)  # people in the company, as the client said


class Assessment(_Strict):
    """An assessment as CONTRACTS.md defines it. Build it with `load_assessment` or
    `validate_assessment`, which also check it against the scheme it names.

    >>> a = validate_assessment({"criteria": {"D1.2": {"kpi": 91.5, "evidence": ["工单统计"]}}})
    >>> a.criteria["D1.2"].kpi, a.scheme
    (91.5, '2026.1')
    """

    scheme: str | None = None
    enterprise: Enterprise | None = None
    assessed_on: Day | None = None
    next_audit: Day | None = None
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
    path: str | Path, *, scheme: Scheme | None = None, knowledge_dir: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Assessment:
    """Read an assessment file (YAML, or JSON by its .json suffix) and check it against its scheme.

    Every problem is a BadInput naming the file and the field path, e.g.
    `a.yaml: criteria.D1.2.kpi: 一次修复率 must be within 0–100 %, got 120`. Files larger than `max_bytes`,
    YAML aliases and nesting deeper than MAX_DEPTH are refused before anything is built from them.
    """
    source = str(path)
    p = Path(path)
    if not p.exists():
        raise BadInput("file not found", where=source)
    if p.is_dir():
        raise BadInput("is a directory, not an assessment file", where=source)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise BadInput(f"the file has {_kib(size)}; an assessment file may have at most {_kib(max_bytes)}",
                           where=source)
        with p.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise BadInput(f"cannot be read ({exc.strerror})", where=source) from None
    if len(raw) > max_bytes:  # grew since stat: still refused
        raise BadInput(f"an assessment file may have at most {_kib(max_bytes)}", where=source)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput("not UTF-8 text", where=source) from None
    data = parse_text(text, source, json_first=p.suffix.lower() == ".json")
    return validate_assessment(data, source=source, scheme=scheme, knowledge_dir=knowledge_dir)


def _kib(n: int) -> str:
    return f"{n / 1024:,.1f} KiB".replace(".0 KiB", " KiB")


def parse_text(text: str, source: str, *, json_first: bool) -> Any:
    """Parse assessment text as JSON or YAML, safely: BadInput (with line and column where known) for
    anything that is not plain data, including what PyYAML or json raise past their own error classes
    (a date that is not in the calendar, an integer too long to convert, nesting too deep to recurse)."""
    if json_first:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput(f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})", where=source) from None
        except (RecursionError, ValueError) as exc:
            raise BadInput(f"not valid JSON ({_why(exc)})", where=source) from None
        _check_depth(data, source)
        return data
    try:
        return yaml.load(text, Loader=_SafeAssessmentLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInput(f"{at}not valid YAML ({problem})", where=source) from None
    except (RecursionError, ValueError, OverflowError, TypeError) as exc:
        raise BadInput(f"not valid YAML ({_why(exc)})", where=source) from None


def _why(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return f"nested more than {MAX_DEPTH} levels deep"
    return shown(str(exc), 120).strip("'\"")


def _check_depth(data: Any, source: str) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH (iteratively: a deep value must not exhaust the stack here)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise BadInput(f"not valid JSON (nested more than {MAX_DEPTH} levels deep)", where=source)
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)


class _SafeAssessmentLoader(yaml.SafeLoader):
    """SafeLoader for files from outside: no aliases (a few hundred bytes of nested aliases expand to gigabytes,
    "billion laughs"), bounded nesting, a key given twice refused (silently keeping the last value hides typos),
    and a date that does not exist reported at its line instead of escaping as a ValueError."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed in an assessment file; write the value out",
                event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            repeated = key in seen
            seen.add(key)
        except TypeError:  # a list or mapping as a key: the model refuses it with its path
            continue
        if repeated:
            raise yaml.constructor.ConstructorError(None, None, f"key {shown(key)} appears twice", key_node.start_mark)
    return loader.construct_mapping(node, deep=deep)


def _at_its_line(construct: Any, what: str) -> Any:
    """A scalar constructor whose ValueError (a date not in the calendar, an integer too long to convert) is
    reported as YAML errors are, at the value's line and column."""

    def guarded(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            raise yaml.constructor.ConstructorError(None, None, f"{shown(node.value)} is not {what}",
                                                    node.start_mark) from None

    return guarded


_SafeAssessmentLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_SafeAssessmentLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    _at_its_line(yaml.constructor.SafeConstructor.construct_yaml_timestamp, "a date in the calendar"))
_SafeAssessmentLoader.add_constructor(
    "tag:yaml.org,2002:int", _at_its_line(yaml.constructor.SafeConstructor.construct_yaml_int, "a usable number"))


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
        raise BadInput(f"scheme: the file names {shown(a.scheme)} but scheme {scheme.version} was given", where=source)
    _check_against(a, scheme, source)
    declarations = {k: d.default for k, d in scheme.declarations.items()} | a.declarations
    return a.model_copy(update={"scheme": scheme.version, "declarations": declarations})


def _check_against(a: Assessment, scheme: Scheme, source: str) -> None:
    def bad(path: str, message: str) -> BadInput:
        return BadInput(f"{path}: {message}", where=source)

    for key in a.declarations:
        if key not in scheme.declarations:
            raise bad(f"declarations.{_path([key])}", f"unknown declaration; valid: {', '.join(scheme.declarations)}")
    ids = list(scheme.criteria)
    id_span = f"{ids[0]} … {ids[-1]}"
    for cid, entry in a.criteria.items():
        path = _path(["criteria", cid])
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
            raise bad(f"{path}.id", f"finding ID {shown(f.id)} appears twice")
        seen.add(f.id)
        if f.criterion is not None and f.criterion not in scheme.criteria:
            message = f"unknown criterion ID {shown(f.criterion)}; scheme {scheme.version} has {id_span}"
            raise bad(f"{path}.criterion", message)
        if f.severity not in scheme.severities:
            valid = ", ".join(f"{k} ({s.name})" for k, s in scheme.severities.items())
            raise bad(f"{path}.severity", f"unknown severity {shown(f.severity)}; valid: {valid}")


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
        message = f"unknown key {shown(loc[-1])}" + (f"; allowed: {allowed}" if allowed else "")
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
        # A key comes from the file: bounded, like any echoed input.
        part = str(p) if len(str(p)) <= 40 else str(p)[:37] + "..."
        out += f"[{p}]" if isinstance(p, int) else (f".{part}" if out else part)
    return out


def _model_at(loc: list[Any]) -> type[BaseModel] | None:
    key = ".".join("*" if i % 2 == 1 and loc[0] in ("criteria", "findings") else str(p) for i, p in enumerate(loc))
    return _MODEL_AT.get(key)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, date):
        return value.isoformat()
    return shown(value)
