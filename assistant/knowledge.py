"""Models and loaders of the authored knowledge files: rules text, criteria catalogue, past findings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import BadInput

Category = Literal["人", "机", "料", "法", "环", "测"]
Severity = Literal["major", "minor", "observation"]
LEVEL_KEYS = ("L0", "L1", "L2", "L3", "L4", "L5")
CRITERION_ID = r"^D[1-6]\.[1-9]$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RootCause(_Strict):
    category: Category
    cause: str = Field(min_length=4)


class CatalogueEntry(_Strict):
    """Guidance for one criterion: what it means, what each level looks like, how gaps are closed."""

    id: str = Field(pattern=CRITERION_ID)
    name: str
    description: str = Field(min_length=20)
    kpi_definition: str | None = None
    levels: dict[Literal["L0", "L1", "L2", "L3", "L4", "L5"], str]
    evidence_examples: list[str] = Field(min_length=3)
    root_causes: list[RootCause] = Field(min_length=3)
    actions: list[str] = Field(min_length=3)
    owner: str | None = None

    def model_post_init(self, _context: object) -> None:
        missing = [k for k in LEVEL_KEYS if k not in self.levels]
        if missing:
            raise ValueError(f"{self.id}: level descriptors missing for {missing}")


class PastFinding(_Strict):
    """One anonymised audit finding from a past certification."""

    id: str = Field(pattern=r"^[A-Z]{2,3}-\d{3,6}$")
    criterion: str = Field(pattern=CRITERION_ID)
    severity: Severity
    industry: str = Field(min_length=2)
    year: int | None = Field(None, ge=2000, le=2100)
    finding: str = Field(min_length=10)
    root_cause: str = Field(min_length=4)
    category: Category
    action: str = Field(min_length=4)
    outcome: str = Field(min_length=4)


class RulesParagraph(_Strict):
    document: str
    section: str
    number: int
    text: str

    @property
    def locator(self) -> str:
        return f"{self.section} ({self.number})"


_PARA = re.compile(r"^\((\d+)\)|^（(\d+)）")


def load_rules(path: Path) -> list[RulesParagraph]:
    """Parse a rules Markdown file: `# title`, `## section`, paragraphs opening with (n)."""
    title, section, out = path.stem, None, []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("<!--"):
            continue
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.startswith("# "):
            title = line[2:].strip()
        else:
            m = _PARA.match(line)
            if not m or section is None:
                raise BadInput("rules paragraphs must sit under a '## ' section and open with (n)", where=f"{path}:{lineno}")
            out.append(RulesParagraph(document=title, section=section, number=int(m.group(1) or m.group(2)), text=line))
    return out


def load_catalogue(directory: Path) -> dict[str, CatalogueEntry]:
    """Read every `*.yaml` of the criteria catalogue; keys are criterion IDs."""
    entries: dict[str, CatalogueEntry] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for i, raw in enumerate(data.get("criteria", [])):
            try:
                entry = CatalogueEntry.model_validate(raw)
            except ValidationError as exc:
                raise BadInput(_first_error(exc), where=f"{path}: criteria[{i}]") from None
            if entry.id in entries:
                raise BadInput(f"criterion {entry.id} appears twice", where=str(path))
            entries[entry.id] = entry
    return entries


def load_findings(path: Path) -> list[PastFinding]:
    """Read a JSON-lines file of past findings."""
    out: list[PastFinding] = []
    if not path.exists():
        return out
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(PastFinding.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise BadInput(f"not valid JSON ({exc.msg})", where=f"{path}:{lineno}") from None
        except ValidationError as exc:
            raise BadInput(_first_error(exc), where=f"{path}:{lineno}") from None
    return out


def load_questions(path: Path) -> dict[str, list[str]]:
    """knowledge/questions.yaml: passage locator -> the questions users ask that the passage answers.

    Index augmentation ("doc2query"): the questions are embedded and matched like the passage's sentences but
    never quoted. A missing file is an empty mapping.
    """
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise BadInput(f"not valid YAML ({exc.__class__.__name__})", where=str(path)) from None
    if not isinstance(data, dict):
        raise BadInput("expected a mapping of passage locator to a list of questions", where=str(path))
    out: dict[str, list[str]] = {}
    for locator, questions in data.items():
        if not isinstance(questions, list) or not all(isinstance(q, str) and q.strip() for q in questions):
            raise BadInput("expected a list of non-empty questions", where=f"{path}: {locator}")
        out[str(locator)] = [q.strip() for q in questions]
    return out


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    return f"{loc}: {err['msg']}" if loc else err["msg"]
