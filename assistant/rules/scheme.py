"""The certification scheme as data: pydantic models of knowledge/scheme/<version>.yaml and its loader."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from assistant.errors import BadInput

SCHEME_SUBDIR = "scheme"
_VERSION = re.compile(r"^\d+(\.\d+)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _ordered_by_id(value: Any, what: str) -> Any:
    """Accept the YAML list form `[{id: ...}, ...]` for an ordered id → item mapping."""
    if isinstance(value, list):
        out: dict[str, Any] = {}
        for item in value:
            if not isinstance(item, dict) or "id" not in item:
                raise ValueError(f"every {what} needs an id")
            if item["id"] in out:
                raise ValueError(f"{what} {item['id']} appears twice")
            out[str(item["id"])] = item
        return out
    return value


def format_number(value: Decimal | float | Fraction) -> str:
    """A number as people write it: 95, 0.1, 66.7 (no exponent, no trailing zeros)."""
    if isinstance(value, float):
        text = repr(value)
        if "e" not in text and "n" not in text:  # plain decimal text: just drop a trailing '.0'
            text = text.removesuffix(".0")
            return "0" if text == "-0" else text
        value = Decimal(text)
    elif isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    text = format(Decimal(value).normalize(), "f")
    return text if text != "-0" else "0"


class Level(_Strict):
    level: int = Field(ge=0)
    code: str
    name: str
    name_en: str
    meaning: str


class Unit(_Strict):
    symbol: str
    name: str
    min: Decimal | None = None
    max: Decimal | None = None


class Dimension(_Strict):
    id: str
    name: str
    name_en: str
    weight: Decimal = Field(gt=0)
    owner: str


class Criterion(_Strict):
    """One criterion. KPI criteria carry thresholds; the first level whose threshold holds wins."""

    id: str
    dimension: str
    name: str
    name_en: str
    kind: Literal["declared", "kpi"]
    unit: str | None = None
    direction: Literal["higher", "lower"] | None = None
    thresholds: dict[int, Decimal] = Field(default_factory=dict)
    fallback_level: int | None = None
    range_min: Decimal | None = None
    range_max: Decimal | None = None
    unit_symbol: str = ""

    @model_validator(mode="after")
    def _kind_fields(self) -> Criterion:
        kpi_fields = (self.unit, self.direction, self.fallback_level)
        if self.kind == "kpi":
            if None in kpi_fields or not self.thresholds:
                raise ValueError(f"{self.id}: a KPI criterion needs unit, direction, thresholds and fallback_level")
            levels = sorted(self.thresholds, reverse=True)
            values = [self.thresholds[lv] for lv in levels]
            ordered = values == sorted(values, reverse=self.direction == "higher")
            if not ordered or len(set(values)) != len(values):
                raise ValueError(f"{self.id}: thresholds must get strictly better as the level rises")
            if self.fallback_level >= min(levels):  # type: ignore[operator]
                raise ValueError(f"{self.id}: fallback_level must lie below every threshold level")
            for v in values:
                # Float comparison of a KPI against a threshold equals the decimal comparison
                # only while the threshold has at most 15 significant digits (see level_for).
                if len(v.normalize().as_tuple().digits) > 15:
                    raise ValueError(f"{self.id}: threshold {v} has more than 15 significant digits")
        elif any(f is not None for f in kpi_fields) or self.thresholds:
            raise ValueError(f"{self.id}: a declared criterion takes no unit, direction or thresholds")
        return self

    @property
    def is_kpi(self) -> bool:
        return self.kind == "kpi"

    def level_for(self, kpi: float) -> int:
        """The maturity level a measured KPI value gives (a value exactly on a threshold meets it)."""
        return kpi_level_of(self.ladder, self.direction == "higher", self.fallback_level or 0, kpi)

    @property
    def ladder(self) -> tuple[tuple[int, float], ...]:
        """(level, threshold) pairs, highest level first."""
        return tuple((lv, float(self.thresholds[lv])) for lv in sorted(self.thresholds, reverse=True))

    def kpi_for_level(self, level: int) -> Decimal | None:
        """The KPI value that reaches `level`: its threshold, or for the fallback level the worst
        value of the physical range (None when that range is open-ended: any measured value)."""
        if not self.is_kpi:
            return None
        if level in self.thresholds:
            return self.thresholds[level]
        if level == self.fallback_level:
            return self.range_min if self.direction == "higher" else self.range_max
        return None

    def in_range(self, kpi: float) -> bool:
        if self.range_min is not None and kpi < self.range_min:
            return False
        return self.range_max is None or kpi <= self.range_max

    def range_text(self) -> str:
        """The physical range in words, for error messages: `0–100 %`, `≥ 0 小时`."""
        lo, hi = self.range_min, self.range_max
        if lo is not None and hi is not None:
            return f"within {format_number(lo)}–{format_number(hi)} {self.unit_symbol}"
        if lo is not None:
            return f"≥ {format_number(lo)} {self.unit_symbol}"
        if hi is not None:
            return f"≤ {format_number(hi)} {self.unit_symbol}"
        return "a number"



def kpi_level_of(ladder: tuple[tuple[int, float], ...], higher: bool, fallback: int, kpi: float) -> int:
    """The first level of `ladder` whose threshold `kpi` meets (on the threshold meets it), else `fallback`.

    Compared as floats on purpose, and still exact: YAML/JSON hand us the KPI as the double
    nearest its decimal text, each threshold is the double nearest a decimal of at most 15
    significant digits (the scheme model checks), rounding to doubles is monotone and equal
    decimals give equal doubles; so the outcome is the one Fraction arithmetic on the decimals
    gives, without building a Fraction per value. tests/rules/test_scheme.py pins this.
    """
    for level, threshold in ladder:
        if (kpi >= threshold) if higher else (kpi <= threshold):
            return level
    return fallback


class EvidenceCap(_Strict):
    min_items: int = Field(ge=0)
    cap: int = Field(ge=0)


class Scoring(_Strict):
    level_score_factor: Decimal = Field(gt=0)
    score_decimals: int = Field(ge=0, le=6)
    evidence_caps: list[EvidenceCap] = Field(min_length=1)

    @field_validator("evidence_caps")
    @classmethod
    def _caps_rise(cls, caps: list[EvidenceCap]) -> list[EvidenceCap]:
        if caps[0].min_items != 0:
            raise ValueError("the first evidence cap must be for 0 items")
        for a, b in itertools.pairwise(caps):
            if not (b.min_items > a.min_items and b.cap > a.cap):
                raise ValueError("evidence caps must rise with the number of items")
        return caps


class Declaration(_Strict):
    default: bool
    name: str


class VetoTrigger(_Strict):
    kind: Literal["declaration", "criterion_level_at_most", "open_finding"]
    declaration: str | None = None
    value: bool | None = None
    criterion: str | None = None
    level: int | None = None
    severity: str | None = None

    @model_validator(mode="after")
    def _fields(self) -> VetoTrigger:
        need = {
            "declaration": ("declaration", "value"),
            "criterion_level_at_most": ("criterion", "level"),
            "open_finding": ("severity",),
        }[self.kind]
        if any(getattr(self, f) is None for f in need):
            raise ValueError(f"a {self.kind} trigger needs {', '.join(need)}")
        return self


class Veto(_Strict):
    id: str
    name: str
    description: str
    trigger: VetoTrigger


class Grade(_Strict):
    id: str
    name: str


ConditionKind = Literal[
    "veto",
    "overall_below",
    "any_dimension_below",
    "dimension_below",
    "overall_at_least",
    "every_dimension_at_least",
    "dimension_at_least",
    "no_open_findings",
]
# Conditions a gap can make false (in rules of a lower grade) and true (in the target's rule).
NEGATABLE = {"veto", "overall_below", "any_dimension_below", "dimension_below"}
SATISFIABLE = {"overall_at_least", "every_dimension_at_least", "dimension_at_least", "no_open_findings"}


class Condition(_Strict):
    kind: ConditionKind
    value: Decimal | None = None
    dimension: str | None = None
    severities: list[str] | None = None

    @model_validator(mode="after")
    def _fields(self) -> Condition:
        if self.kind == "veto":
            need: tuple[str, ...] = ()
        elif self.kind == "no_open_findings":
            need = ("severities",)
        elif self.kind.startswith("dimension_"):
            need = ("dimension", "value")
        else:
            need = ("value",)
        if any(getattr(self, f) is None for f in need):
            raise ValueError(f"a {self.kind} condition needs {', '.join(need)}")
        return self


class GradeRule(_Strict):
    id: str
    grade: str
    match: Literal["any", "all"]
    conditions: list[Condition]


class Due(_Strict):
    days: int | None = Field(None, gt=0)
    next_surveillance_audit: bool = False

    @model_validator(mode="after")
    def _one(self) -> Due:
        if (self.days is None) == (not self.next_surveillance_audit):
            raise ValueError("a due rule is either days or next_surveillance_audit")
        return self


class Severity(_Strict):
    name: str
    nonconformity: bool
    due: Due
    verification: str

    @property
    def name_zh(self) -> str:
        return self.name

    @property
    def due_days(self) -> int | None:
        return self.due.days

    @property
    def due_next_surveillance(self) -> bool:
        return self.due.next_surveillance_audit


class SuspensionTrigger(_Strict):
    kind: Literal["grade", "finding_not_closed"]
    grade: str | None = None
    severity: str | None = None
    days: int | None = None


class Suspension(_Strict):
    max_months: int = Field(gt=0)
    triggers: list[SuspensionTrigger]


class ConditionalPass(_Strict):
    grade: str
    open_severities: list[str]


class Certification(_Strict):
    surveillance_months: int = Field(gt=0)
    validity_years: int = Field(gt=0)
    suspension: Suspension
    conditional_pass: ConditionalPass


class GapRules(_Strict):
    close_findings: dict[str, list[str]]


class PlanDefaults(_Strict):
    gap_item_days: int = Field(gt=0)
    not_after_next_audit: bool
    categories: dict[str, str]


class Scheme(_Strict):
    """One version of the scheme. Load it with `load_scheme()`; never build numbers into code.

    >>> s = load_scheme("2026.1")
    >>> s.criteria["D1.2"].level_for(95.0), s.dimensions["D1"].weight
    (5, Decimal('20'))
    """

    version: str
    title: str
    document: str
    sections: dict[str, str]
    levels: list[Level]
    units: dict[str, Unit]
    dimensions: dict[str, Dimension]
    criteria: dict[str, Criterion]
    scoring: Scoring
    declarations: dict[str, Declaration]
    vetoes: dict[str, Veto]
    grades: list[Grade] = Field(min_length=2)
    grade_rules: list[GradeRule] = Field(min_length=1)
    severities: dict[str, Severity]
    certification: Certification
    gap: GapRules
    plan: PlanDefaults

    @field_validator("dimensions", mode="before")
    @classmethod
    def _dims(cls, v: Any) -> Any:
        return _ordered_by_id(v, "dimension")

    @field_validator("vetoes", mode="before")
    @classmethod
    def _vetoes(cls, v: Any) -> Any:
        return _ordered_by_id(v, "veto")

    @model_validator(mode="before")
    @classmethod
    def _criteria_with_units(cls, data: Any) -> Any:
        """Criteria name a unit; the unit gives the symbol and the physical range."""
        if not isinstance(data, dict):
            return data
        units = data.get("units") or {}
        crits = _ordered_by_id(data.get("criteria"), "criterion")
        if isinstance(crits, dict):
            resolved = {}
            for cid, raw in crits.items():
                raw = dict(raw)
                unit = units.get(raw.get("unit")) if raw.get("unit") else None
                if raw.get("unit") and unit is None:
                    raise ValueError(f"criterion {cid}: unknown unit {raw.get('unit')!r}")
                if unit:
                    raw.setdefault("range_min", unit.get("min"))
                    raw.setdefault("range_max", unit.get("max"))
                    raw.setdefault("unit_symbol", unit.get("symbol", ""))
                resolved[cid] = raw
            data = {**data, "criteria": resolved}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Scheme:
        levels = [lv.level for lv in self.levels]
        if levels != list(range(len(levels))):
            raise ValueError("levels must be 0, 1, 2, … in order")
        if self.scoring.evidence_caps[-1].cap != self.max_level:
            raise ValueError("the highest evidence cap must be the highest level")
        if sum(d.weight for d in self.dimensions.values()) != 100:
            raise ValueError("dimension weights must sum to 100")
        for c in self.criteria.values():
            if c.dimension not in self.dimensions:
                raise ValueError(f"criterion {c.id}: unknown dimension {c.dimension}")
            bad = [lv for lv in [*c.thresholds, c.fallback_level] if lv is not None and not 0 <= lv <= self.max_level]
            if bad:
                raise ValueError(f"criterion {c.id}: level {bad[0]} is not a scheme level")
        for d in self.dimensions:
            if not self.criteria_of(d):
                raise ValueError(f"dimension {d} has no criteria")
        grade_ids = [g.id for g in self.grades]
        for v in self.vetoes.values():
            t = v.trigger
            if t.declaration is not None and t.declaration not in self.declarations:
                raise ValueError(f"veto {v.id}: unknown declaration {t.declaration}")
            if t.criterion is not None and t.criterion not in self.criteria:
                raise ValueError(f"veto {v.id}: unknown criterion {t.criterion}")
            if t.severity is not None and t.severity not in self.severities:
                raise ValueError(f"veto {v.id}: unknown severity {t.severity}")
        for r in self.grade_rules:
            if r.grade not in grade_ids:
                raise ValueError(f"rule {r.id}: unknown grade {r.grade}")
            for cond in r.conditions:
                if cond.dimension is not None and cond.dimension not in self.dimensions:
                    raise ValueError(f"rule {r.id}: unknown dimension {cond.dimension}")
                for s in cond.severities or []:
                    if s not in self.severities:
                        raise ValueError(f"rule {r.id}: unknown severity {s}")
        last = self.grade_rules[-1]
        if last.match != "all" or last.conditions:
            raise ValueError("the last grade rule must hold always (match all, no conditions)")
        for target in grade_ids[1:]:
            self._check_reachable(target)
        for target, sevs in self.gap.close_findings.items():
            if target not in grade_ids or any(s not in self.severities for s in sevs):
                raise ValueError(f"gap.close_findings.{target}: unknown grade or severity")
            if set(sevs) != set(self.findings_to_close(target)):
                raise ValueError(f"gap.close_findings.{target} disagrees with the grade rules and vetoes")
        return self

    def _check_reachable(self, target: str) -> None:
        """A gap is computed by negating the lower grades' rules and meeting the target's own:
        the rules must have the shape that makes this well defined."""
        lower, rule = self.rules_to_reach(target)
        for r in lower:
            if r.match != "any" or any(c.kind not in NEGATABLE for c in r.conditions):
                raise ValueError(f"rule {r.id}: a rule of a lower grade must be 'match: any' of {sorted(NEGATABLE)}")
        if rule.match != "all" or any(c.kind not in SATISFIABLE for c in rule.conditions):
            raise ValueError(
                f"rule {rule.id}: the rule of a target grade must be 'match: all' of {sorted(SATISFIABLE)}"
            )

    # --- derived values --------------------------------------------------------------

    @property
    def max_level(self) -> int:
        return self.levels[-1].level

    @property
    def level_score_factor(self) -> Decimal:
        return self.scoring.level_score_factor

    @property
    def surveillance_months(self) -> int:
        return self.certification.surveillance_months

    @property
    def validity_years(self) -> int:
        return self.certification.validity_years

    @property
    def gap_item_days(self) -> int:
        return self.plan.gap_item_days

    @property
    def total_weight(self) -> Decimal:
        return sum((d.weight for d in self.dimensions.values()), Decimal(0))

    def criteria_of(self, dimension: str) -> list[Criterion]:
        return [c for c in self.criteria.values() if c.dimension == dimension]

    def level_name(self, level: int) -> str:
        return self.levels[level].name

    def evidence_cap(self, items: int) -> int:
        """The highest effective level `items` evidence items support."""
        cap = self.scoring.evidence_caps[0].cap
        for step in self.scoring.evidence_caps:
            if items >= step.min_items:
                cap = step.cap
        return cap

    def evidence_needed(self, level: int) -> int:
        """The fewest evidence items that let a criterion reach `level`."""
        for step in self.scoring.evidence_caps:
            if step.cap >= level:
                return step.min_items
        raise ValueError(f"no number of evidence items supports level {level}")

    def step_gain(self, dimension: str) -> Fraction:
        """Points of `overall` one level step of one criterion in `dimension` adds."""
        d = self.dimensions[dimension]
        return (
            Fraction(d.weight) * Fraction(self.level_score_factor)
            / (Fraction(self.total_weight) * len(self.criteria_of(dimension)))
        )

    def grade(self, grade_id: str) -> Grade:
        for g in self.grades:
            if g.id == grade_id:
                return g
        raise KeyError(grade_id)

    def grade_rank(self, grade_id: str) -> int:
        return [g.id for g in self.grades].index(grade_id)

    def grade_id(self, name_or_id: str) -> str:
        """Grade id from its Chinese name (合格) or id (pass); BadInput lists the valid ones."""
        for g in self.grades:
            if name_or_id in (g.id, g.name):
                return g.id
        valid = ", ".join(f"{g.name} ({g.id})" for g in self.grades)
        raise BadInput(f"unknown grade {name_or_id!r}; valid: {valid}")

    def rules_to_reach(self, target: str) -> tuple[list[GradeRule], GradeRule]:
        """The rules of lower grades that must not hold, and the first rule giving `target`."""
        rank = self.grade_rank(target)
        lower: list[GradeRule] = []
        for r in self.grade_rules:
            if r.grade == target:
                return lower, r
            if self.grade_rank(r.grade) < rank:
                lower.append(r)
        raise ValueError(f"no grade rule gives {target}")

    def findings_to_close(self, target: str) -> list[str]:
        """Severities of the open findings that keep an assessment below `target`, per the rules."""
        lower, rule = self.rules_to_reach(target)
        out: list[str] = []
        for r in lower:
            if any(c.kind == "veto" for c in r.conditions):
                out += [v.trigger.severity for v in self.vetoes.values() if v.trigger.kind == "open_finding"]  # type: ignore[misc]
        for c in rule.conditions:
            if c.kind == "no_open_findings":
                out += c.severities or []
        return [s for s in self.severities if s in out]

    @property
    def source(self) -> str:
        return f"{self.document}{self.version}"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def _scheme_dir(knowledge_dir: Path | None) -> Path:
    if knowledge_dir is None:
        from assistant.settings import get_settings

        knowledge_dir = get_settings().knowledge_dir
    return Path(knowledge_dir) / SCHEME_SUBDIR


def available_versions(knowledge_dir: Path | None = None) -> list[str]:
    """Scheme versions in knowledge/scheme/, oldest first."""
    directory = _scheme_dir(knowledge_dir)
    versions = [p.stem for p in directory.glob("*.yaml") if _VERSION.match(p.stem)]
    return sorted(versions, key=_version_key)


def load_scheme(version: str | None = None, knowledge_dir: Path | None = None) -> Scheme:
    """The scheme of `version` (default: the newest in knowledge/scheme/); unknown version → BadInput."""
    directory = _scheme_dir(knowledge_dir)
    versions = available_versions(knowledge_dir)
    if not versions:
        raise BadInput(f"no scheme file (<version>.yaml) in {directory}")
    version = versions[-1] if version is None else str(version)
    if version not in versions:
        raise BadInput(f"unknown scheme version {version!r}; available: {', '.join(versions)}")
    path = directory / f"{version}.yaml"
    return _load_file(path.resolve(), path.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _load_file(path: Path, _mtime: int) -> Scheme:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BadInput(f"not valid YAML ({exc})", where=str(path)) from None
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise BadInput(f"{loc + ': ' if loc else ''}{err['msg']}", where=str(path)) from None
    if scheme.version != path.stem:
        raise BadInput(f"version {scheme.version!r} does not match the file name", where=str(path))
    return scheme
