"""Hybrid search: dense (Chroma) and BM25 (jieba tokens) candidates fused by weighted z-scores (or reciprocal rank)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from assistant.errors import BadInput
from assistant.retrieval.store import META_FIELDS, Index
from assistant.settings import Settings, get_settings
from assistant.text import query_tokens

FILTER_FIELDS = ("source", "criterion", "dimension", "industry", "severity")
# Sentence units fetched per wanted chunk: chunks have ~4 sentences, several may match.
UNITS_PER_CHUNK = 4
# A question asking for cases gets the best past findings among the candidates first (CASES_FIRST of them),
# then the rest by score, so the rules the cases were judged by still follow.
CASES_FIRST = 1
# At most this many of the passages returned belong to one criterion (unless the search is filtered to one).
PER_CRITERION = 2
ASKS_FOR_CASES = re.compile(r"案例|先例|实例|\b(?:cases?|precedents?)\b", re.I)
# A question that points at an example of the rules text ("规则里那个家电企业…", "the e-commerce example") gets the
# paragraph whose example names that kind of company first: the example is one sentence of a long paragraph,
# and the company's words (家电, 电商) are common in past findings, so neither retriever ranks it reliably.
POINTS_AT_EXAMPLE = re.compile(r"那个|那家|有个|有家|某个?|听说|例子|举例|提到|规则里|文中|里面说|原文|"
                               r"\b(?:example|mentioned|cited|the (?:rules|text))\b", re.I)
# A question about the levels a KPI value earns (its thresholds) is answered first by the scheme, which sets them;
# the criterion's catalogue passages (its description, its KPI definition, its levels) follow. Both retrievers rank
# the catalogue first: its passages are about that one KPI, the scheme's passage lists a whole dimension.
ASKS_KPI_LEVEL = re.compile(r"几级|哪一?级|第几级|什么级别|什么等级|哪个等级|(评|算|拿)(为|到|上)?\s*L\d|L\d[^。？?]{0,8}(门槛|标准)|"
                            r"门槛|(等级|级别)[^。？?]{0,4}(划分|标准|怎么分|怎么定)|(达到|做到)多少|"
                            r"\b(what|which) (maturity )?level\b|\bthresholds?\b|\bcut-?offs?\b|\bfor (an? )?L\d\b", re.I)
_EXAMPLE_ZH = re.compile(r"某(?:知名)?([\u4e00-\u9fff]{2,6}?)(?:企业|公司|制造商|厂商|厂)")
_EXAMPLE_EN = re.compile(r"\ban? (?:well-known )?((?:[\w-]+ )?[\w-]+) (?:company|manufacturer|maker)\b", re.I)
_GENERIC_EN = {"well", "known", "home", "equipment", "products", "product"}


class Hit(BaseModel):
    """One retrieved passage; `score` is the cosine similarity of the query and the passage's closest sentence or
    alias (a question it answers, see knowledge/questions.yaml)."""

    model_config = ConfigDict(frozen=True)

    id: str
    source: str
    locator: str
    text: str
    criterion: str | None = None
    dimension: str | None = None
    severity: str | None = None
    industry: str | None = None
    score: float
    fused: float
    bm25: float = 0.0

    def citation(self) -> dict[str, Any]:
        """The contract's citation object."""
        return {"source": self.source, "locator": self.locator, "criterion": self.criterion,
                "text": self.text, "score": round(self.score, 4)}


def rrf(rankings: list[list[str]], k: int) -> dict[str, float]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the rankings a document appears in."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, 1):
            fused[doc_id] = fused.get(doc_id, 0.0) + 1.0 / (k + rank)
    return fused


def zscores(scores: dict[str, float], pool: list[float]) -> dict[str, float]:
    """Each score as standard deviations above the mean of `pool` (a retriever's candidate scores)."""
    arr = np.asarray(pool, dtype=np.float64)
    mean, sd = (float(arr.mean()), float(arr.std())) if arr.size else (0.0, 0.0)
    if sd <= 1e-9:
        return {doc_id: 0.0 for doc_id in scores}
    return {doc_id: (s - mean) / sd for doc_id, s in scores.items()}


def score_fusion(dense: dict[str, float], dense_pool: list[float], dense_floor: float,
                 bm25: dict[str, float], bm25_pool: list[float], dense_weight: float) -> dict[str, float]:
    """Weighted sum of z-scored dense and BM25 scores over the union of both candidate lists.

    A BM25 candidate that the dense search did not reach gets `dense_floor` (no sentence of it is closer
    than the farthest one fetched); a dense candidate without a shared word has BM25 score 0.
    """
    ids = list(dict.fromkeys([*dense, *bm25]))
    zd = zscores({i: dense.get(i, dense_floor) for i in ids}, dense_pool)
    zb = zscores({i: bm25.get(i, 0.0) for i in ids}, bm25_pool)
    return {i: dense_weight * zd[i] + (1.0 - dense_weight) * zb[i] for i in ids}


def _where(filters: dict[str, str]) -> dict[str, Any] | None:
    clauses = [{field: value} for field, value in filters.items()]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def search(query: str, *, k: int | None = None, filters: dict[str, str] | None = None,
           settings: Settings | None = None, index: Index | None = None) -> list[Hit]:
    """The top-k passages for a query, best first."""
    settings = settings or get_settings()
    query = (query or "").strip()
    if not query:
        raise BadInput("the question is empty", where="question")
    filters = {f: v for f, v in (filters or {}).items() if v}
    unknown = set(filters) - set(FILTER_FIELDS)
    if unknown:
        raise BadInput(f"unknown filter {sorted(unknown)}; use one of {list(FILTER_FIELDS)}", where="filters")
    k = k or settings.top_k
    index = index or Index.open(settings)
    n = settings.candidates

    # Thesaurus terms help BM25 (English or colloquial words absent from the passages); measured on
    # evals/, adding them to the dense query made e5 worse, so the embedding sees the question as asked.
    expansion = index.bm25.as_terms(index.glossary.expand(query), query_tokens)
    qvec = index.embedder.embed_query(query)
    snapshot = index.dense
    if snapshot is not None:
        best_unit = snapshot.best_per_chunk(snapshot.similarities(qvec), mask=snapshot.mask(filters))
        order = np.argsort(-best_unit, kind="stable")[:n]
        dense_score = {snapshot.ids[i]: float(best_unit[i]) for i in order if best_unit[i] > -1.0}
        dense_ids = list(dense_score)
    else:
        dense_score = _chroma_dense(index, qvec, n, filters)
        dense_ids = sorted(dense_score, key=lambda cid: (-dense_score[cid], cid))[:n]

    bm = index.bm25.scores([*query_tokens(query), *expansion], index.bm25.mask(filters))
    top = np.argsort(-bm, kind="stable")[:n]
    bm_ids = [index.bm25.ids[i] for i in top if bm[i] > 0]
    bm_score = {index.bm25.ids[i]: float(bm[i]) for i in top if bm[i] > 0}

    if settings.fusion == "rrf":
        fused = rrf([dense_ids, bm_ids], settings.rrf_k)
    else:
        floor = min((dense_score[c] for c in dense_ids), default=0.0)
        fused = score_fusion({cid: dense_score[cid] for cid in dense_ids}, [dense_score[c] for c in dense_ids], floor,
                             bm_score, [float(bm[i]) for i in top], settings.dense_weight)
    ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))
    if "source" not in filters and ASKS_FOR_CASES.search(query):
        findings = set(index.bm25.ids_where("source", "findings"))
        cases = [cid for cid in ranked if cid in findings][:CASES_FIRST]
        ranked = cases + [cid for cid in ranked if cid not in cases]
    if snapshot is not None and "source" not in filters and not ASKS_FOR_CASES.search(query) \
            and POINTS_AT_EXAMPLE.search(query):
        match = {cid: _example_match(query, snapshot, cid) for cid in ranked}
        top = max(match.values(), default=0)
        named = [cid for cid in ranked if top and match[cid] == top]
        ranked = named + [cid for cid in ranked if cid not in named]
    if "source" not in filters and "criterion" not in filters and ASKS_KPI_LEVEL.search(query):
        ranked = _scheme_first(ranked, index.bm25)
    best = ranked[:k] if "criterion" in filters else _varied(ranked, k, lambda cid: index.bm25.value("criterion", cid))

    if snapshot is not None:
        records = {}
        for cid in best:
            i = snapshot.pos[cid]
            records[cid] = {"text": snapshot.texts[i], "meta": snapshot.metas[i], "score": float(best_unit[i])}
    else:
        records = _chroma_records(index, qvec, best, dense_score)

    hits = []
    for cid in best:
        rec = records[cid]
        meta = rec["meta"]
        hits.append(Hit(id=cid, text=rec["text"], score=rec["score"], fused=fused[cid], bm25=bm_score.get(cid, 0.0),
                        **{f: (meta.get(f) or None) for f in META_FIELDS if f not in ("source", "locator")},
                        source=meta["source"], locator=meta["locator"]))
    return hits


def _scheme_first(ranked: list[str], bm25: Any) -> list[str]:
    """`ranked` with the scheme's passage on the dimension of a KPI criterion moved to the front, when a passage of
    that criterion ranks first and the scheme's passage is among the candidates (see ASKS_KPI_LEVEL)."""
    criterion = bm25.value("criterion", ranked[0]) if ranked else ""
    if not criterion:
        return ranked
    # A KPI criterion is one the catalogue gives a KPI definition passage (its "指标口径" facet).
    kpi = any("指标口径" in loc for loc in bm25.meta["locator"][bm25.meta["criterion"] == criterion])
    if not kpi:
        return ranked
    marker = f"维度与准则 {criterion.split('.')[0]} "
    scheme = next((cid for cid in ranked if bm25.value("source", cid) == "rules" and marker in bm25.value("locator", cid)), None)
    if scheme is None:
        return ranked
    return [scheme] + [cid for cid in ranked if cid != scheme]


def _varied(ranked: list[str], k: int, criterion_of: Callable[[str], str]) -> list[str]:
    """The first k of `ranked` with at most PER_CRITERION passages of one criterion: a criterion's six level
    passages would otherwise fill every place, and the scheme's passage that states the same threshold (or the rule
    behind it) never shows. Passages set aside fill the places left."""
    out: list[str] = []
    later: list[str] = []
    taken: dict[str, int] = {}
    for cid in ranked:
        c = criterion_of(cid)
        if c and taken.get(c, 0) >= PER_CRITERION:
            later.append(cid)
            continue
        taken[c] = taken.get(c, 0) + 1
        out.append(cid)
        if len(out) == k:
            return out
    return out + later[: k - len(out)]


def _example_match(query: str, snapshot, cid: str) -> int:
    i = snapshot.pos[cid]
    if snapshot.metas[i].get("source") != "rules":
        return 0
    return example_named(query, snapshot.texts[i], snapshot.english.get(cid, []))


def example_named(query: str, text: str, english: list[str] | tuple[str, ...] = ()) -> int:
    """How well the query names the kind of company of a paragraph's example (0: not at all): the length of the
    longest of its names found in the query — 家电 of "某知名家电企业", 电商 (the usual short form) or 电子商务 of
    "某电子商务企业", "e-commerce" of the English statement "Example: an e-commerce company …"."""
    q = query.lower()
    best = 0
    for m in _EXAMPLE_ZH.finditer(text):
        kind = m.group(1)
        names = {kind, kind[:2]} | ({kind[0] + kind[2]} if len(kind) == 4 else set())
        best = max([best, *(len(n) for n in names if n in q)])
    for statement in english:
        if not statement.startswith("Example:"):
            continue
        for m in _EXAMPLE_EN.finditer(statement):
            for w in re.split(r"[\s-]+", m.group(1).lower()):
                if len(w) >= 3 and w not in _GENERIC_EN and re.search(rf"(?<![a-z]){re.escape(w)}(?:s|es)?(?![a-z])", q):
                    best = max(best, len(w))
    return best


class UnitScores(BaseModel):
    """How close a query is to each sentence of a passage (in `units_of` order) and to each of its English
    statements; empty where the index has no snapshot (a Chroma server): the answer writer then ranks by words."""

    sentences: list[float] = []
    english: list[tuple[str, float]] = []


def unit_scores(query: str, ids: list[str], settings: Settings | None = None,
                index: Index | None = None) -> dict[str, UnitScores]:
    """Per passage id, the cosine of the query with its sentences and English statements (from the snapshot)."""
    settings = settings or get_settings()
    index = index or Index.open(settings)
    snapshot = index.dense
    if snapshot is None:
        return {cid: UnitScores() for cid in ids}
    qvec = index.embedder.embed_query(query)  # remembered by the embedder: search just embedded it
    out = {}
    for cid in ids:
        pos = snapshot.pos.get(cid)
        if pos is None:
            out[cid] = UnitScores()
            continue
        rows = snapshot.rows_of(pos)
        sims = snapshot.vectors[rows] @ np.asarray(qvec, dtype=np.float32)
        kinds, numbers = snapshot.kinds[rows], snapshot.numbers[rows]
        sent = sorted((int(n), float(x)) for n, x, k in zip(numbers, sims, kinds) if k == snapshot.SENTENCE)
        eng = sorted((int(n), float(x)) for n, x, k in zip(numbers, sims, kinds) if k == snapshot.ENGLISH)
        texts = snapshot.english.get(cid, [])
        out[cid] = UnitScores(sentences=[x for _, x in sent],
                              english=[(texts[n], x) for n, x in eng if n < len(texts)])
    return out


def by_locator(locators: list[str], query: str, settings: Settings | None = None,
               index: Index | None = None) -> list[Hit]:
    """The passages with these locators as hits (score: the query's cosine with their closest unit), in the
    order asked; a locator the index lacks is left out. The answer writer completes lists and steps with them."""
    settings = settings or get_settings()
    index = index or Index.open(settings)
    snapshot = index.dense
    if snapshot is not None:
        where = {m["locator"]: i for i, m in enumerate(snapshot.metas)}
        best = snapshot.best_per_chunk(snapshot.similarities(index.embedder.embed_query(query)))
        records = [(snapshot.ids[where[loc]], snapshot.texts[where[loc]], snapshot.metas[where[loc]],
                    float(best[where[loc]])) for loc in locators if loc in where]
    else:
        got = index.collection.get(where={"locator": {"$in": list(locators)}}, include=["documents", "metadatas"])
        found = {m["locator"]: (cid, d, m) for cid, d, m in zip(got["ids"], got["documents"], got["metadatas"])}
        records = [(*found[loc], 0.0) for loc in locators if loc in found]
    return [Hit(id=cid, text=text, score=score, fused=0.0,
                **{f: (meta.get(f) or None) for f in META_FIELDS if f not in ("source", "locator")},
                source=meta["source"], locator=meta["locator"]) for cid, text, meta, score in records]


def _chroma_dense(index: Index, qvec: np.ndarray, n: int, filters: dict[str, str]) -> dict[str, float]:
    """Chunk → cosine of its closest unit, from a Chroma server's approximate search (no snapshot there)."""
    dense = index.units.query(query_embeddings=[qvec.tolist()], n_results=n * UNITS_PER_CHUNK,
                              where=_where(filters), include=["distances"])
    # A chunk is as close as its closest sentence; unit ids are "<chunk id>#<n>".
    dense_score: dict[str, float] = {}
    for unit_id, dist in zip(dense["ids"][0], dense["distances"][0]):
        dense_score.setdefault(unit_id.rsplit("#", 1)[0], 1.0 - float(dist))
    return dense_score


def _chroma_records(index: Index, qvec: np.ndarray, best: list[str], dense_score: dict[str, float]) -> dict[str, dict]:
    missing = [cid for cid in best if cid not in dense_score]
    if missing:
        got = index.units.get(where={"parent": {"$in": missing}}, include=["embeddings"])
        for unit_id, emb in zip(got["ids"], got["embeddings"]):
            parent = unit_id.rsplit("#", 1)[0]
            sim = float(np.dot(np.asarray(emb, dtype=np.float32), qvec))
            dense_score[parent] = max(sim, dense_score.get(parent, -1.0))
    got = index.collection.get(ids=best, include=["documents", "metadatas"])
    return {cid: {"text": doc, "meta": meta, "score": dense_score.get(cid, 0.0)}
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"])}


def __getattr__(name: str):
    # The LangChain retriever lives apart so that `ask` never imports LangChain (its tracers cost ~0.5 s).
    if name == "HybridRetriever":
        from assistant.retrieval.lc import HybridRetriever

        return HybridRetriever
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
