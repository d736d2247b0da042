"""Loads prompt and answer templates by name from the prompts/ folder (`<name>_<lang>.yaml` or `.md`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import BadInput
from assistant.settings import REPO_ROOT

PROMPTS_DIR = REPO_ROOT / "prompts"


@lru_cache(maxsize=64)
def load_prompt(name: str, lang: str = "zh") -> Any:
    """A YAML template set (dict) or a Markdown prompt (str) for a language, falling back to Chinese."""
    for candidate in (f"{name}_{lang}", f"{name}_zh"):
        for suffix in (".yaml", ".md"):
            path: Path = PROMPTS_DIR / f"{candidate}{suffix}"
            if path.exists():
                text = path.read_text(encoding="utf-8")
                return yaml.safe_load(text) if suffix == ".yaml" else text
    raise BadInput(f"no prompt named '{name}' in {PROMPTS_DIR}", where="prompts")
