"""Build or refresh the index from knowledge/: incremental, so unchanged chunks are not embedded again."""

from __future__ import annotations

import shutil
import sys
import time
import uuid
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from assistant.errors import IndexMismatch
from assistant.retrieval.chunks import Chunk, all_chunks, knowledge_fingerprint
from assistant.retrieval.embedders import embedder_name, get_embedder
from assistant.retrieval.store import (
    BM25_DIR,
    DENSE_DIR,
    MANIFEST,
    Bm25Index,
    DenseSnapshot,
    chroma_client,
    foreign_index,
    get_collections,
    read_manifest,
    server_index,
    write_manifest,
)
from assistant.settings import Settings, get_settings, writable_dir
from assistant.text import tokens

BATCH = 16  # chunks per embedding call (about 70 sentences)


@dataclass
class IngestReport:
    total: int
    embedded: int
    deleted: int
    seconds: float


def ingest(settings: Settings | None = None, *, rebuild: bool = False, chunks: list[Chunk] | None = None,
           progress: bool = True) -> IngestReport:
    """Bring the index in line with the knowledge base; returns what was done.

    `chunks` overrides the knowledge base (benchmarks index synthetic corpora this way).
    """
    settings = settings or get_settings()
    started = time.perf_counter()
    writable_dir(settings.data_dir)
    manifest = read_manifest(settings)
    if not rebuild and manifest is not None and manifest.get("embedder") != embedder_name(settings):
        raise IndexMismatch(
            f"the index was built with '{manifest.get('embedder')}', settings choose '{embedder_name(settings)}'; "
            "run `python -m assistant ingest --rebuild` to re-embed everything",
            where=str(settings.data_dir / MANIFEST),
        )
    # The data directory's own id, kept from ingest to ingest; a Chroma server's collection records whose it is.
    index_id = (manifest or {}).get("index_id") or uuid.uuid4().hex
    if settings.chroma_mode == "http" and not rebuild:
        refused = foreign_index(settings, manifest, server_index(settings))
        if refused is not None:
            raise refused
    embedder = get_embedder(settings)
    client = chroma_client(settings)
    if rebuild:
        present = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
        for name in (settings.collection, f"{settings.collection}_units"):
            if name in present:
                client.delete_collection(name)
        (settings.data_dir / MANIFEST).unlink(missing_ok=True)
        shutil.rmtree(settings.data_dir / BM25_DIR, ignore_errors=True)
        shutil.rmtree(settings.data_dir / DENSE_DIR, ignore_errors=True)

    fingerprint = knowledge_fingerprint(settings) if chunks is None else None
    chunks = all_chunks(settings) if chunks is None else chunks
    collection, units_collection = get_collections(settings, client)

    existing: dict[str, str] = {}
    got = collection.get(include=["metadatas"])
    for cid, meta in zip(got["ids"], got["metadatas"] or []):
        existing[cid] = (meta or {}).get("hash", "")

    wanted = {c.id: c for c in chunks}
    stale = [cid for cid in existing if cid not in wanted]
    todo = [c for c in chunks if existing.get(c.id) != c.content_hash]
    # A changed chunk may have a different number of sentences: drop its old units first.
    gone = stale + [c.id for c in todo if c.id in existing]
    for i in range(0, len(gone), 500):
        units_collection.delete(where={"parent": {"$in": gone[i : i + 500]}})
        collection.delete(ids=gone[i : i + 500])

    seen: dict[str, np.ndarray] = {}
    bar = tqdm(total=len(todo), desc="嵌入 embedding", unit="段", file=sys.stderr, disable=not progress or not todo)
    for i in range(0, len(todo), BATCH):
        batch = todo[i : i + BATCH]
        # A chunk is found through its sentences, its aliases (ids "<chunk>#q<n>") and its English statements ("#e<n>").
        units = [(c, str(n), text) for c in batch for n, text in enumerate(c.units())]
        units += [(c, f"q{n}", text) for c in batch for n, text in enumerate(c.aliases)]
        units += [(c, f"e{n}", text) for c in batch for n, text in enumerate(c.english)]
        # Sentences repeated across chunks (boilerplate of findings, shared criterion wording) are embedded once.
        new_texts = list(dict.fromkeys(text for _, _, text in units if text not in seen))
        for text, vec in zip(new_texts, embedder.embed_passages(new_texts)):
            seen[text] = vec
        vectors = [seen[text] for _, _, text in units]
        units_collection.upsert(
            ids=[f"{chunk.id}#{n}" for chunk, n, _ in units],
            embeddings=[v.tolist() for v in vectors],
            documents=[text for _, _, text in units],
            metadatas=[{**chunk.metadata(), "parent": chunk.id} for chunk, _, _ in units],
        )
        means = []
        for chunk in batch:
            # The chunk's own vector is the mean of its sentences only: it stands for the passage's content.
            own = np.array([v for (c, n, _), v in zip(units, vectors) if c.id == chunk.id and n.isdigit()])
            mean = own.mean(axis=0)
            means.append((mean / (np.linalg.norm(mean) or 1.0)).tolist())
        collection.upsert(
            ids=[c.id for c in batch],
            embeddings=means,
            documents=[c.text for c in batch],
            metadatas=[{**c.metadata(), "kind": "chunk"} for c in batch],
        )
        bar.update(len(batch))
    bar.close()

    bm25 = Bm25Index.build([c.id for c in chunks], [tokens(c.bm25_text) for c in chunks], [c.metadata() for c in chunks])
    bm25.save(settings.data_dir / BM25_DIR)
    # Queries of an embedded index read the unit vectors from this snapshot (store.DenseSnapshot); the stamp
    # ties it to this manifest, so a snapshot left by an interrupted ingest is never read.
    stamp = uuid.uuid4().hex
    DenseSnapshot.from_chroma(collection, units_collection).save(settings.data_dir / DENSE_DIR, stamp)
    # The collection records the stamp and whose index it is: a process reading a Chroma server checks that the
    # server holds the ingest its manifest describes (ensure_index, Index.dense); a copy of the embedded index
    # (the first start of scripts/serve.sh) keeps both.
    collection.modify(metadata={**(collection.metadata or {}), "stamp": stamp, "index_id": index_id})
    write_manifest(
        settings,
        {
            "embedder": embedder.name,
            "chunks": len(chunks),
            "knowledge_fingerprint": fingerprint,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "stamp": stamp,
            "index_id": index_id,
            "collection": settings.collection,
        },
    )
    return IngestReport(len(chunks), len(todo), len(stale), time.perf_counter() - started)



def ensure_index(settings: Settings | None = None) -> None:
    """Build the index on first use, and refresh it when the knowledge files changed since, or when the Chroma
    server of the settings does not hold the ingest the manifest records (a new or emptied server, an ingest that
    stopped half-way): then only what the server lacks is embedded. A server's collection that holds another data
    directory's index is left alone (BadInput saying what to do)."""
    settings = settings or get_settings()
    manifest = read_manifest(settings)
    on_server = True
    if settings.chroma_mode == "http":
        server = server_index(settings)
        refused = foreign_index(settings, manifest, server)
        if refused is not None:
            raise refused
        on_server = manifest is not None and manifest.get("stamp") is not None and \
            (server or {}).get("stamp") == manifest["stamp"]
    if manifest is not None and manifest.get("knowledge_fingerprint") == knowledge_fingerprint(settings) and on_server:
        return
    if manifest is None:
        print("首次使用，正在建立知识库索引 (first use: building the index)…", file=sys.stderr)
    elif not on_server:
        print(f"Chroma 服务器 {settings.chroma_host}:{settings.chroma_port} 上的索引与本数据目录的不一致，正在补齐 "
              "(the Chroma server lacks this index: adding what it misses)…", file=sys.stderr)
    ingest(settings)


def run_cli(args) -> int:
    settings = get_settings()
    report = ingest(settings, rebuild=args.rebuild)
    print(
        f"索引完成：共 {report.total} 段，新嵌入 {report.embedded} 段，删除 {report.deleted} 段，用时 {report.seconds:.1f} 秒。"
        f"\nindexed {report.total} chunks ({report.embedded} embedded, {report.deleted} removed) in {report.seconds:.1f} s"
    )
    return 0
