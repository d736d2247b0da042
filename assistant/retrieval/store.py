"""The index on disk: a Chroma collection of dense vectors, a BM25 index over jieba tokens, and a manifest."""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from assistant.errors import BadInput, IndexMismatch
from assistant.retrieval.embedders import AssistantEmbeddingFunction, Embedder, embedder_name, get_embedder
from assistant.retrieval.glossary import load_glossary
from assistant.settings import Settings, writable_dir

MANIFEST = "index.json"
BM25_DIR = "bm25"
# A wide search beam keeps the approximate index effectively exact at this size, so the same question
# gets the same passages (and so the same plan) whether or not Chroma has compacted its log since.
HNSW = {"space": "cosine", "ef_construction": 256, "ef_search": 256, "max_neighbors": 32}
META_FIELDS = ("source", "locator", "criterion", "dimension", "severity", "industry")


def chroma_client(settings: Settings):
    """The embedded persistent client by default; an HTTP client to a Chroma server when configured."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_mode == "http":
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError variants
            raise BadInput(
                f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} ({exc})",
                where="settings.chroma_host/chroma_port",
            ) from None
    writable_dir(settings.chroma_dir)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def get_collections(settings: Settings, client=None, *, create: bool = True):
    """(chunks, units): whole passages to cite, and the sentence vectors they are found by.

    Two collections rather than one with a `kind` field: a metadata filter on every query, and
    returning metadata with every hit, cost Chroma 25-50 ms a query here; ids alone cost 3 ms.
    """
    client = client or chroma_client(settings)
    ef = AssistantEmbeddingFunction(settings.embedder, settings.st_model)
    names = (settings.collection, f"{settings.collection}_units")
    if create:
        return tuple(client.get_or_create_collection(n, embedding_function=ef, configuration={"hnsw": HNSW}) for n in names)
    return tuple(client.get_collection(n, embedding_function=ef) for n in names)


def read_manifest(settings: Settings) -> dict[str, Any] | None:
    path = settings.data_dir / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise BadInput("the index manifest is unreadable; rebuild with `python -m assistant ingest --rebuild`",
                       where=str(path)) from None


def write_manifest(settings: Settings, manifest: dict[str, Any]) -> None:
    path = settings.data_dir / MANIFEST
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)


@dataclass
class Bm25Index:
    """BM25 over jieba tokens, with the chunk ids and metadata needed to filter and cite."""

    retriever: bm25s.BM25
    ids: list[str]
    meta: dict[str, np.ndarray]  # field -> array of values aligned with ids

    @classmethod
    def build(cls, ids: list[str], token_lists: list[list[str]], metadatas: list[dict[str, str]]) -> "Bm25Index":
        retriever = bm25s.BM25()
        retriever.index([t or ["\x00"] for t in token_lists], show_progress=False)
        meta = {f: np.array([m.get(f, "") for m in metadatas], dtype=object) for f in META_FIELDS}
        return cls(retriever, ids, meta)

    def save(self, directory: Path) -> None:
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        self.retriever.save(str(tmp), show_progress=False)
        (tmp / "chunks.json").write_text(
            json.dumps({"ids": self.ids, "meta": {f: list(v) for f, v in self.meta.items()}}, ensure_ascii=False),
            encoding="utf-8",
        )
        shutil.rmtree(directory, ignore_errors=True)
        tmp.replace(directory)

    @classmethod
    def load(cls, directory: Path) -> "Bm25Index":
        retriever = bm25s.BM25.load(str(directory), show_progress=False)
        data = json.loads((directory / "chunks.json").read_text(encoding="utf-8"))
        meta = {f: np.array(v, dtype=object) for f, v in data["meta"].items()}
        return cls(retriever, data["ids"], meta)

    def scores(self, query_tokens: list[str], mask: np.ndarray | None) -> np.ndarray:
        known = [t for t in query_tokens if t in self.retriever.vocab_dict]
        if not known:
            return np.zeros(len(self.ids), dtype=np.float32)
        s = self.retriever.get_scores(known)
        return s * mask if mask is not None else s

    def as_terms(self, phrases: list[str], tokenize) -> list[str]:
        """Query terms for thesaurus phrases: a phrase the index has as one token stays whole, any other is
        tokenised as passages are ("响应时间" → 响应, 时间), so it is not silently dropped."""
        vocab = self.retriever.vocab_dict
        out = [t for p in phrases for t in ([p.lower()] if p.lower() in vocab else tokenize(p))]
        return list(dict.fromkeys(out))

    def ids_where(self, field: str, value: str) -> list[str]:
        return [cid for cid, v in zip(self.ids, self.meta[field]) if v == value]

    def mask(self, filters: dict[str, str]) -> np.ndarray | None:
        if not filters:
            return None
        m = np.ones(len(self.ids), dtype=bool)
        for field, value in filters.items():
            m &= self.meta[field] == value
        return m.astype(np.float32)


class Index:
    """An opened index: checks that the embedder that built it is the one configured, then serves queries."""

    _cache: dict[tuple, "Index"] = {}
    _cache_lock = threading.Lock()

    def __init__(self, settings: Settings) -> None:
        manifest = read_manifest(settings)
        if manifest is None:
            raise IndexMismatch("no index yet; build it with `python -m assistant ingest`", where=str(settings.data_dir))
        self.settings = settings
        if manifest.get("embedder") != embedder_name(settings):
            raise IndexMismatch(
                f"the index was built with embedder '{manifest.get('embedder')}' but settings choose "
                f"'{embedder_name(settings)}'; re-ingest with `python -m assistant ingest --rebuild` "
                "(or set ASSISTANT_EMBEDDER back)",
                where=str(settings.data_dir / MANIFEST),
            )
        self.embedder: Embedder = get_embedder(settings)
        self.manifest = manifest
        self.collection, self.units = get_collections(settings, create=False)
        self.bm25 = Bm25Index.load(settings.data_dir / BM25_DIR)
        self.glossary = load_glossary(settings.knowledge_dir)

    @classmethod
    def open(cls, settings: Settings) -> "Index":
        """A cached open index per settings and manifest, so a long-running process reuses it."""
        manifest = read_manifest(settings) or {}
        key = (settings.model_dump_json(), manifest.get("built_at"))
        with cls._cache_lock:
            index = cls._cache.get(key)
            if index is None:
                index = cls(settings)
                cls._cache = {key: index}
            return index
