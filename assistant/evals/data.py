"""Reading the suite's JSON-lines datasets: every problem is BadInput naming the file and line."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import BadInput
from assistant.settings import REPO_ROOT, Settings

EVALS_DIR = REPO_ROOT / "evals"


def load_jsonl(path: Path, required: Sequence[str] = ("id",)) -> list[dict]:
    """The objects of a JSON-lines file, each with its `_where` (file:line); ids must be unique."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read the dataset ({exc.__class__.__name__})", where=str(path)) from None
    out: list[dict] = []
    seen: set[str] = set()
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInput(f"not valid JSON ({exc.msg})", where=where) from None
        if not isinstance(obj, dict):
            raise BadInput("each line must be a JSON object", where=where)
        for key in required:
            if key not in obj:
                raise BadInput(f"missing field '{key}'", where=where)
        if "id" in obj:
            if obj["id"] in seen:
                raise BadInput(f"duplicate id '{obj['id']}'", where=where)
            seen.add(obj["id"])
        obj["_where"] = where
        out.append(obj)
    if not out:
        raise BadInput("the dataset has no items", where=str(path))
    return out


@contextmanager
def scratch_copy(settings: Settings) -> Iterator[Settings]:
    """Settings on a temporary copy of the index part of the data directory, removed after: suites that import
    findings or save conversations must not touch the user's data. Only the index, the imported findings and
    the tokenizer cache are copied (the data directory may also hold databases and model files of gigabytes)."""
    from assistant.retrieval.store import BM25_DIR, MANIFEST

    tmp = Path(tempfile.mkdtemp(prefix="eval-data-"))
    try:
        data = tmp / "data"
        data.mkdir()
        for name in (MANIFEST, BM25_DIR, settings.chroma_dir.name, settings.imported_findings.name, "cache"):
            src = settings.data_dir / name
            if src.is_dir():
                shutil.copytree(src, data / name)
            elif src.is_file():
                shutil.copy2(src, data / name)
        yield settings.model_copy(update={"data_dir": data})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
