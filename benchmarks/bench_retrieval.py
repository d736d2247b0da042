"""Benchmark: ingest throughput and hybrid query latency on a 10,000-chunk index (2-core machine).

    .venv/bin/python benchmarks/bench_retrieval.py [--chunks 10000] [--queries 200]

1. Cold ingest: the real knowledge base into an empty index (every sentence embedded): chunks/s.
2. A 10,000-chunk index: the real chunks plus synthetic findings recombined from real sentences (realistic
   length and vocabulary; ingest embeds each distinct sentence once, so this step mostly measures Chroma
   and BM25 writes), then hybrid query latency over it (query embedding + dense snapshot + BM25 + fusion): p50/p95,
   and the whole answer (search, "not covered" decision and the answer composer, as `ask` runs it): p50/p95.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.answer import answer_question  # noqa: E402
from assistant.retrieval.chunks import Chunk, all_chunks  # noqa: E402
from assistant.retrieval.hybrid import search  # noqa: E402
from assistant.retrieval.ingest import ingest  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.text import sentences  # noqa: E402

QUERIES = [
    "监督审核多久一次", "投诉首次响应36小时能过吗", "一次修复率怎么算", "备件保障率低的原因", "满意度调查机制要什么证据",
    "严重不符合多长时间内整改", "优秀等级的条件", "培训学时不够怎么办", "How often are surveillance audits?",
    "工单系统没有超时预警", "上门及时率 家电", "内部审核与管理评审记录", "持证上岗率不达标的案例", "整改计划应包括哪些内容",
]


def synthetic_chunks(real: list[Chunk], n: int, seed: int = 7) -> list[Chunk]:
    rng = random.Random(seed)
    findings = [c for c in real if c.source == "findings"] or real
    pool = [s for c in findings for s in sentences(c.text)]
    out = list(real)
    i = 0
    while len(out) < n:
        base = rng.choice(findings)
        text = "".join(rng.sample(pool, k=min(4, len(pool))))
        out.append(Chunk(id=f"syn{i:06d}", source="findings", locator=f"SYN-{i:06d}", text=text,
                         criterion=base.criterion, dimension=base.dimension, severity=base.severity, industry=base.industry))
        i += 1
    return out[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunks", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--data-dir", help="keep the benchmark index here; an existing one is reused (query timing only)")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold ingest of the knowledge base (step 1)")
    args = ap.parse_args()

    real = all_chunks(Settings())
    if not args.no_cold:
        with tempfile.TemporaryDirectory() as cold:
            report = ingest(Settings(data_dir=Path(cold)), chunks=real, progress=False)
            units = sum(len(c.units()) for c in real)
            print(f"cold ingest of the knowledge base: {report.total} chunks, {units} sentences in {report.seconds:.1f} s "
                  f"= {report.total / report.seconds:.1f} chunks/s, {units / report.seconds:.1f} sentences/s")

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(args.data_dir or tmp))
        chunks = synthetic_chunks(real, args.chunks)
        chars = sum(len(c.text) for c in chunks)
        units = sum(len(c.units()) for c in chunks)
        report = ingest(settings, chunks=chunks)
        if report.embedded:
            print(f"{report.total}-chunk index ({chars / report.total:.0f} chars avg, {units} sentence vectors, each "
                  f"distinct sentence embedded once) built in {report.seconds:.1f} s")
        else:
            print(f"ingest: reused the index in {settings.data_dir} ({report.total} chunks)")

        # open the index and warm the model once, with a text not measured below (the embedder remembers queries)
        search("预热 warm-up", settings=settings)
        latencies = []
        for i in range(args.queries):
            q = QUERIES[i % len(QUERIES)] + ("" if i < len(QUERIES) else f" {i}")
            t = time.perf_counter()
            search(q, settings=settings)
            latencies.append((time.perf_counter() - t) * 1000)
        _print("hybrid query", report.total, latencies)
        answers = []
        for i in range(args.queries):
            # Other texts than above: the embedder remembers query vectors, and each answer must embed its own.
            q = QUERIES[i % len(QUERIES)] + f" #{i}"
            t = time.perf_counter()
            answer_question(q, settings=settings)
            answers.append((time.perf_counter() - t) * 1000)
        _print("whole answer (search + coverage + composer)", report.total, answers)


def _print(what: str, chunks: int, latencies: list[float]) -> None:
    latencies = sorted(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"{what} over {chunks} chunks: p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms ({len(latencies)} queries, target p50 <= 60 ms)")


if __name__ == "__main__":
    main()
