"""The index on disk: a Chroma collection of dense vectors, a BM25 index over jieba tokens, and a manifest."""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import BadInput, IndexMismatch
from assistant.retrieval.embedders import Embedder, _chroma_embedding_function_class, embedder_name, get_embedder
from assistant.retrieval.glossary import load_glossary
from assistant.settings import Settings, writable_dir

MANIFEST = "index.json"
BM25_DIR = "bm25"
DENSE_DIR = "dense"
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
    ef = _chroma_embedding_function_class()(settings.embedder, settings.st_model)
    names = (settings.collection, f"{settings.collection}_units")
    if create:
        return tuple(client.get_or_create_collection(n, embedding_function=ef, configuration={"hnsw": HNSW}) for n in names)
    return tuple(client.get_collection(n, embedding_function=ef) for n in names)


def server_index(settings: Settings) -> dict[str, str] | None:
    """What the Chroma server of `settings` records of the last ingest into its collection (in the passages
    collection's metadata: `stamp`, that ingest's, and `index_id`, the data directory's that made it), or None when
    the server has no such collection yet. An unreachable server is BadInput."""
    from chromadb.errors import NotFoundError

    try:
        collection = chroma_client(settings).get_collection(settings.collection)
    except NotFoundError:
        return None
    except BadInput:
        raise
    except Exception as exc:  # noqa: BLE001 - the HTTP client raises plain ConnectionError/ValueError variants
        raise BadInput(f"cannot read the index on the Chroma server at {settings.chroma_host}:{settings.chroma_port} "
                       f"({exc})", where="settings.chroma_host/chroma_port") from None
    meta = collection.metadata or {}
    return {k: str(meta[k]) for k in ("stamp", "index_id") if meta.get(k)}


def foreign_index(settings: Settings, manifest: dict[str, Any] | None, server: dict[str, str] | None) -> BadInput | None:
    """The error to raise when the server's collection holds the index of another data directory (whose imported
    findings an ingest from here would delete), else None."""
    owner = (server or {}).get("index_id")
    if owner is None or owner == (manifest or {}).get("index_id"):
        return None
    return BadInput(
        f"the collection '{settings.collection}' on the Chroma server at {settings.chroma_host}:{settings.chroma_port} "
        f"holds the index of another data directory (not {settings.data_dir}); ingesting from here would replace "
        "its passages and imported findings. Give this data directory a collection of its own "
        "(ASSISTANT_COLLECTION=…), point it at that data directory, or replace the collection with "
        "`python -m assistant ingest --rebuild`", where="settings.collection")


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


class Bm25Scores:
    """The BM25 score matrix bm25s saves (CSC: one column of precomputed scores per token) and its vocabulary,
    read with numpy alone: importing bm25s (and scipy) cost ~0.25 s of every `ask` process."""

    def __init__(self, directory: Path) -> None:
        self.vocab_dict: dict[str, int] = json.loads((directory / "vocab.index.json").read_text(encoding="utf-8"))
        self._data = np.load(directory / "data.csc.index.npy", mmap_mode="r")
        self._indices = np.load(directory / "indices.csc.index.npy", mmap_mode="r")
        self._indptr = np.load(directory / "indptr.csc.index.npy", mmap_mode="r")
        params = json.loads((directory / "params.index.json").read_text(encoding="utf-8"))
        self.num_docs = int(params["num_docs"])
        self._dtype = np.dtype(params.get("dtype", "float32"))

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token (BM25's, Lucene variant); a token the index lacks gets the maximum."""
        i = self.vocab_dict.get(token)
        df = 0 if i is None else int(self._indptr[i + 1] - self._indptr[i])
        return float(np.log(1 + (self.num_docs - df + 0.5) / (df + 0.5)))

    def get_scores(self, query_tokens: list[str]) -> np.ndarray:
        """bm25s' `get_scores`: each query token (repeats count again) adds its column, in the same order."""
        scores = np.zeros(self.num_docs, dtype=self._dtype)
        for tok in query_tokens:
            i = self.vocab_dict[tok]
            start, end = int(self._indptr[i]), int(self._indptr[i + 1])
            scores[self._indices[start:end]] += self._data[start:end]
        return scores


@dataclass
class Bm25Index:
    """BM25 over jieba tokens, with the chunk ids and metadata needed to filter and cite."""

    retriever: Any  # bm25s.BM25 after `build`, Bm25Scores after `load`: both have vocab_dict and get_scores
    ids: list[str]
    meta: dict[str, np.ndarray]  # field -> array of values aligned with ids

    @classmethod
    def build(cls, ids: list[str], token_lists: list[list[str]], metadatas: list[dict[str, str]]) -> "Bm25Index":
        import bm25s

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
        data = json.loads((directory / "chunks.json").read_text(encoding="utf-8"))
        meta = {f: np.array(v, dtype=object) for f, v in data["meta"].items()}
        return cls(Bm25Scores(directory), data["ids"], meta)

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

    @cached_property
    def _pos(self) -> dict[str, int]:
        return {cid: i for i, cid in enumerate(self.ids)}

    def value(self, field: str, cid: str) -> str:
        """A chunk's metadata field ("" when it has none, or when the chunk is not in this BM25 index: one added to
        a Chroma server by another process since this one loaded)."""
        i = self._pos.get(cid)
        return (self.meta[field][i] or "") if i is not None else ""

    def mask(self, filters: dict[str, str]) -> np.ndarray | None:
        if not filters:
            return None
        m = np.ones(len(self.ids), dtype=bool)
        for field, value in filters.items():
            m &= self.meta[field] == value
        return m.astype(np.float32)


class DenseSnapshot:
    """Every unit vector of the index (sentences, aliases, English statements) as one memory-mapped matrix, with
    the passages' text and metadata, written by ingest beside the Chroma collections they were read from.

    Queries read this instead of Chroma (of a Chroma server too, while it holds the same ingest: `Index.dense`):
    the search is exact (Chroma's HNSW sometimes missed a chunk's best sentence between processes,
    evals/README.md), a 10,000-chunk matrix product takes a few milliseconds, and `ask` does not pay for importing
    chromadb (~1 s). Chroma stays the store of record: the snapshot is rebuilt from it whenever it is missing or
    older than the manifest.
    """

    FILES = ("vectors.npy", "units.json", "chunks.json")
    SENTENCE, ALIAS, ENGLISH = 0, 1, 2

    def __init__(self, vectors: np.ndarray, parents: np.ndarray, kinds: np.ndarray, numbers: np.ndarray,
                 ids: list[str], texts: list[str], metas: list[dict[str, str]], english: dict[str, list[str]]) -> None:
        self.vectors = vectors  # (units, dim), L2-normalised
        self.parents = parents  # unit -> chunk position
        self.kinds = kinds  # unit -> SENTENCE, ALIAS or ENGLISH
        self.numbers = numbers  # unit -> its number within its chunk and kind (the n of "#<n>", "#q<n>", "#e<n>")
        self.ids = ids
        self.pos = {cid: i for i, cid in enumerate(ids)}
        self.texts = texts
        self.metas = metas
        self.english = english  # chunk id -> its English statements, in unit order
        self.meta_arrays = {f: np.array([m.get(f, "") for m in metas], dtype=object) for f in META_FIELDS}
        self._rows: dict[int, np.ndarray] = {}
        # Units grouped by chunk, for per-chunk maxima: the order, where each chunk's run starts, which chunks have any.
        self._order = np.argsort(parents, kind="stable")
        grouped = parents[self._order]
        self._starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if len(grouped) else np.zeros(0, int)
        self._present = grouped[self._starts] if len(grouped) else np.zeros(0, int)

    @staticmethod
    def _unit_kind(suffix: str) -> tuple[int, int]:
        if suffix.startswith("q"):
            return DenseSnapshot.ALIAS, int(suffix[1:])
        if suffix.startswith("e"):
            return DenseSnapshot.ENGLISH, int(suffix[1:])
        return DenseSnapshot.SENTENCE, int(suffix)

    @classmethod
    def from_chroma(cls, collection, units) -> "DenseSnapshot":
        got = collection.get(include=["documents", "metadatas"])
        ids = list(got["ids"])
        pos = {cid: i for i, cid in enumerate(ids)}
        texts = list(got["documents"])
        metas = [{f: (m or {}).get(f, "") for f in META_FIELDS} for m in got["metadatas"]]
        ugot = units.get(include=["embeddings", "documents"])
        keep = [i for i, uid in enumerate(ugot["ids"]) if uid.rsplit("#", 1)[0] in pos]
        unit_ids = [ugot["ids"][i] for i in keep]
        emb = ugot["embeddings"]
        dim = len(emb[0]) if len(emb) else 0
        vectors = np.asarray([emb[i] for i in keep], dtype=np.float32).reshape(len(keep), dim)
        parents = np.array([pos[u.rsplit("#", 1)[0]] for u in unit_ids], dtype=np.int32)
        kinds_numbers = [cls._unit_kind(u.rsplit("#", 1)[1]) for u in unit_ids]
        kinds = np.array([k for k, _ in kinds_numbers], dtype=np.int8)
        numbers = np.array([n for _, n in kinds_numbers], dtype=np.int32)
        english: dict[str, dict[int, str]] = {}
        for i, uid, (kind, n) in zip(keep, unit_ids, kinds_numbers):
            if kind == cls.ENGLISH:
                english.setdefault(uid.rsplit("#", 1)[0], {})[n] = ugot["documents"][i]
        return cls(vectors, parents, kinds, numbers, ids, texts, metas,
                   {cid: [by_n[k] for k in sorted(by_n)] for cid, by_n in english.items()})

    def save(self, directory: Path, stamp: str) -> None:
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        np.save(tmp / self.FILES[0], self.vectors)
        (tmp / self.FILES[1]).write_text(json.dumps({"parents": self.parents.tolist(), "kinds": self.kinds.tolist(),
                                                     "numbers": self.numbers.tolist()}), encoding="utf-8")
        (tmp / self.FILES[2]).write_text(json.dumps({"stamp": stamp, "ids": self.ids, "texts": self.texts,
                                                     "metas": self.metas, "english": self.english},
                                                    ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(directory, ignore_errors=True)
        tmp.replace(directory)

    @classmethod
    def load(cls, directory: Path, stamp: str | None) -> "DenseSnapshot | None":
        """The saved snapshot when it belongs to the index of manifest stamp `stamp`; else None."""
        try:
            chunks = json.loads((directory / cls.FILES[2]).read_text(encoding="utf-8"))
            if stamp is None or chunks.get("stamp") != stamp:
                return None
            units = json.loads((directory / cls.FILES[1]).read_text(encoding="utf-8"))
            vectors = np.load(directory / cls.FILES[0], mmap_mode="r")
            parents = np.asarray(units["parents"], dtype=np.int32)
            kinds = np.asarray(units["kinds"], dtype=np.int8)
            numbers = np.asarray(units["numbers"], dtype=np.int32)
        except (OSError, ValueError, KeyError):
            return None
        return cls(vectors, parents, kinds, numbers, chunks["ids"], chunks["texts"], chunks["metas"], chunks["english"])

    def mask(self, filters: dict[str, str]) -> np.ndarray | None:
        """Chunk positions allowed by the filters (None: all)."""
        if not filters:
            return None
        m = np.ones(len(self.ids), dtype=bool)
        for field, value in filters.items():
            m &= self.meta_arrays[field] == value
        return m

    def similarities(self, qvec: np.ndarray) -> np.ndarray:
        """The cosine of the query with every unit."""
        return self.vectors @ np.asarray(qvec, dtype=np.float32)

    def best_per_chunk(self, sims: np.ndarray, kind: int | None = None, mask: np.ndarray | None = None) -> np.ndarray:
        """Per chunk, the cosine of its closest unit (of one kind, or of any); -1 where it has none or the
        filters exclude it."""
        best = np.full(len(self.ids), -1.0, dtype=np.float32)
        if len(sims):
            values = sims[self._order] if kind is None else np.where(self.kinds == kind, sims, -1.0)[self._order]
            # One reduceat over the units grouped by chunk: np.maximum.at took ~3 ms a query at 10,000 chunks.
            best[self._present] = np.maximum(np.maximum.reduceat(values, self._starts), -1.0)
        if mask is not None:
            best[~mask] = -1.0
        return best

    def rows_of(self, chunk_pos: int) -> np.ndarray:
        """The unit rows of one chunk."""
        rows = self._rows.get(chunk_pos)
        if rows is None:
            rows = self._rows[chunk_pos] = np.flatnonzero(self.parents == chunk_pos)
        return rows


class Index:
    """An opened index: checks that the embedder that built it is the one configured, then serves queries.

    What a query needs opens on first use: the BM25 matrix and the dense snapshot; Chroma's collections
    (`collection`, `units`) only when something asks for them, or for queries of a Chroma server that holds
    another ingest than this data directory's.
    """

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
        self.manifest = manifest
        self._lock = threading.Lock()
        self._collections = None
        self._dense: DenseSnapshot | None = None
        self._server_ok: bool | None = None  # a Chroma server holds the ingest of this manifest (None: not asked yet)
        self.bm25 = Bm25Index.load(settings.data_dir / BM25_DIR)
        self.glossary = load_glossary(settings.knowledge_dir)

    @property
    def embedder(self) -> Embedder:
        return get_embedder(self.settings)

    def _open_collections(self):
        with self._lock:
            if self._collections is None:
                self._collections = get_collections(self.settings, create=False)
            return self._collections

    @property
    def collection(self):
        """The Chroma collection of whole passages (what citations quote)."""
        return self._open_collections()[0]

    @property
    def units(self):
        """The Chroma collection of unit vectors (sentences and aliases)."""
        return self._open_collections()[1]

    @property
    def dense(self) -> DenseSnapshot | None:
        """The dense snapshot of the index (rebuilt from Chroma when missing or stale).

        With a Chroma server, only while the server holds the very ingest this data directory's manifest records
        (the stamp ingest writes to both; checked once per opened index, and an ingest by any process sharing the
        data directory writes a new manifest, so `Index.open` opens the index again): the workers of one machine
        then search exactly as one embedded process does, with the same answers. When the server holds another
        ingest (made from another data directory), None: queries go to the server itself."""
        if self.settings.chroma_mode != "persistent" and not self._server_matches():
            return None
        if self._dense is None:
            directory = self.settings.data_dir / DENSE_DIR
            stamp = self.manifest.get("stamp") or self.manifest.get("built_at")
            snap = DenseSnapshot.load(directory, stamp)
            if snap is None:
                snap = DenseSnapshot.from_chroma(self.collection, self.units)
                try:
                    snap.save(directory, stamp or "")
                except OSError:
                    pass  # a read-only data dir: this process keeps it in memory
            self._dense = snap
        return self._dense

    def _server_matches(self) -> bool:
        with self._lock:
            if self._server_ok is None:
                stamp = self.manifest.get("stamp")
                self._server_ok = stamp is not None and (server_index(self.settings) or {}).get("stamp") == stamp
            return self._server_ok

    @classmethod
    def open(cls, settings: Settings) -> "Index":
        """A cached open index per settings and manifest, so a long-running process reuses it."""
        manifest = read_manifest(settings) or {}
        key = (settings.model_dump_json(), manifest.get("built_at"), manifest.get("stamp"))
        with cls._cache_lock:
            index = cls._cache.get(key)
            if index is None:
                index = cls(settings)
                cls._cache = {key: index}
            return index
