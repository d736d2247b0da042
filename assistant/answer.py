"""The offline answer writer for questions: extractive, cited, and plain about what it does not cover."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from assistant.errors import BadInput
from assistant.prompts import load_prompt
from assistant.retrieval.glossary import load_glossary
from assistant.retrieval.hybrid import Hit, search
from assistant.retrieval.ingest import ensure_index
from assistant.settings import Settings, get_settings
from assistant.text import is_english, query_tokens, scope_terms, tokens

MAX_QUOTED = 3
MAX_QUOTE_CHARS = 160
LONG_SENTENCE = 90
_PARA_MARK = re.compile(r"^[(（]\d+[)）]")
_FULL_STOP = re.compile(r"(?<=[。！？!?])|\n+")
_SEMI = re.compile(r"(?<=[；;])")
_DIGIT = re.compile(r"\d")
_QUANTITY = re.compile(r"多少|几|多久|多长|多快|多高|多低|how (many|much|long|often|fast)|what (percentage|share)", re.I)


class Answer(BaseModel):
    id: str | None = None
    question: str
    answer: str
    citations: list[dict]
    covered: bool
    language: str

    def contract(self) -> dict:
        return {"id": self.id, "question": self.question, "answer": self.answer, "citations": self.citations}


def is_covered(hits: list[Hit], settings: Settings, question: str) -> bool:
    """Coverage is decided from retrieval scores alone (evals/calibrate_not_covered.py), never by a model.

    A question that names one of the scheme's own concepts (a level, a grade, a criterion, a finding type…) is
    in scope whatever its scores: colloquial wording scores low, and declining "L4和L5有啥不一样" is worse
    than answering it from the nearest passages.
    """
    if not hits:
        return False
    if names_scheme_concept(question, settings.knowledge_dir):
        return True
    english = is_english(question)
    dense, bm25 = ((settings.not_covered_dense_en, settings.not_covered_bm25_en) if english
                   else (settings.not_covered_dense, settings.not_covered_bm25))
    return max(h.score for h in hits) >= dense or max(h.bm25 for h in hits) >= bm25


@lru_cache(maxsize=4)
def _scope_pattern(knowledge_dir: Path) -> re.Pattern:
    """The scheme's concepts as one pattern: level codes, criterion and dimension ids and names (Chinese and
    English) from the scheme data, and the `scope` terms of knowledge/terms.yaml."""
    from assistant.rules import load_scheme

    words = list(scope_terms(knowledge_dir))
    try:
        scheme = load_scheme(knowledge_dir=knowledge_dir)
        words += [n for item in [*scheme.dimensions.values(), *scheme.criteria.values()] for n in (item.name, item.name_en)]
    except BadInput:
        pass  # loading the scheme elsewhere reports the problem
    alternatives = sorted({re.escape(w.lower()) for w in words if w}, key=len, reverse=True)
    ids = r"(?<![a-z0-9])(?:l[0-5]|d[1-9](?:\.\d+)?|v[1-9]|r[1-9])(?![0-9])"
    return re.compile("|".join([ids, *alternatives]))


def names_scheme_concept(question: str, knowledge_dir: Path) -> bool:
    """Whether the question names a concept of the scheme (see `_scope_pattern`)."""
    return bool(_scope_pattern(knowledge_dir).search(question.lower()))


def _segments(text: str) -> list[str]:
    """Full sentences; an overlong one is cut at its semicolons so a quote stays short."""
    out: list[str] = []
    for sent in _FULL_STOP.split(text):
        sent = sent.strip()
        if not sent:
            continue
        out.extend(p.strip() for p in _SEMI.split(sent) if p.strip()) if len(sent) > LONG_SENTENCE else out.append(sent)
    return out


def _ranked_segments(hit: Hit, qtokens: set[str], quantity: bool) -> list[tuple[float, int, int, str]]:
    """(score, overlap, position, segment) for every segment of a passage, best first."""
    ranked = []
    for i, seg in enumerate(_segments(hit.text)):
        stoks = set(tokens(seg))
        if not stoks:
            continue
        overlap = len(qtokens & stoks)
        # Shared words first; a number where the question asks how many/long/much; earlier segments state
        # the point while later ones give examples.
        score = overlap + 0.3 * overlap / len(stoks) ** 0.5 + (0.8 if quantity and _DIGIT.search(seg) else 0) - 0.05 * i
        ranked.append((score, overlap, i, _PARA_MARK.sub("", seg)))
    return sorted(ranked, key=lambda r: (-r[0], r[2]))


def compose(question: str, hits: list[Hit], settings: Settings) -> Answer:
    """Compose a short answer from the best sentences of the top passages, with [n] citation markers."""
    lang = "en" if is_english(question) else "zh"
    t = load_prompt("ask", lang)
    if not is_covered(hits, settings, question):
        return Answer(question=question, answer=t["not_covered"].strip(), citations=[], covered=False, language=lang)
    qtokens = set(query_tokens(question)) | set(load_glossary(settings.knowledge_dir).expand(question))
    quantity = bool(_QUANTITY.search(question))
    top = hits[0].score
    parts: list[str] = []
    used_sources: list[str] = []
    first_overlap = 0.0
    for n, hit in enumerate(hits[:MAX_QUOTED], 1):
        # Only passages nearly as relevant as the best one add to the answer; the rest are further reading.
        if n > 1 and hit.score < top - 0.04:
            continue
        ranked = _ranked_segments(hit, qtokens, quantity)
        if not ranked:
            continue
        best = ranked[0]
        if n == 1:
            first_overlap = best[1]
            # A second segment of the best passage when it is nearly as relevant and the quote stays short.
            chosen = [r for r in ranked[:2] if r[0] >= 0.6 * best[0] and r[1] > 0]
            if sum(len(r[3]) for r in chosen) > MAX_QUOTE_CHARS:
                chosen = chosen[:1]
            chosen = sorted(chosen or [best], key=lambda r: r[2])
        elif best[1] < max(2.0, 0.75 * first_overlap):
            continue
        else:
            chosen = [best]
        quote = "".join(_end(r[3]) for r in chosen)
        if quote and all(quote not in p for p in parts):
            parts.append(f"{quote}[{n}]")
            if hit.source not in used_sources:
                used_sources.append(hit.source)
    names = t["source_names"]
    sep = "、" if lang == "zh" else " and the "
    lead = t["lead"].format(sources=sep.join(names[s] for s in used_sources))
    body = ("" if lang == "zh" else " ").join(parts)
    return Answer(question=question, answer=f"{lead}{body}" if lang == "zh" else f"{lead} {body}",
                  citations=[h.citation() for h in hits], covered=True, language=lang)


def _end(segment: str) -> str:
    """A quoted segment closes with Chinese punctuation, whatever cut it out of its passage."""
    return segment if segment[-1] in "。！？!?；;" else segment + "。"


def answer_question(question: str, *, filters: dict[str, str] | None = None, settings: Settings | None = None,
                    qid: str | None = None) -> Answer:
    settings = settings or get_settings()
    hits = search(question, filters=filters, settings=settings)
    answer = compose(question, hits, settings)
    answer.id = qid
    return answer


def _questions_from(path: str) -> list[tuple[str | None, str]]:
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read the questions file ({exc.__class__.__name__})", where=path) from None
    out = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInput(f"not valid JSON ({exc.msg})", where=f"{path}:{lineno}") from None
        if not isinstance(obj, dict) or not str(obj.get("question") or "").strip():
            raise BadInput("each line needs a non-empty 'question' field", where=f"{path}:{lineno}")
        out.append((str(obj["id"]) if obj.get("id") is not None else None, str(obj["question"])))
    return out


def _interactive() -> Iterator[tuple[str | None, str]]:
    """Questions typed one per line; an empty line is skipped, EOF or 'exit' ends."""
    tty = sys.stdin.isatty()
    if tty:
        print("请输入问题（Ctrl-D 或 exit 退出） Ask a question (Ctrl-D or exit to quit)", file=sys.stderr)
    while True:
        try:
            line = input("问题> " if tty else "")
        except EOFError:
            return
        if line.strip().lower() in {"exit", "quit", "退出"}:
            return
        if line.strip():
            yield None, line.strip()


def run_cli(args) -> int:
    if args.question is not None and args.questions:
        raise BadInput("give either a QUESTION or --questions FILE.jsonl, not both", where="ask")
    if args.question is not None and not args.question.strip():
        raise BadInput("the question is empty", where="question")
    if args.questions:
        items = _questions_from(args.questions)
    elif args.question is not None:
        items = [(None, args.question)]
    else:
        items = _interactive()
    settings = get_settings()
    ensure_index(settings)
    filters = {"source": args.source, "criterion": args.criterion, "dimension": args.dimension, "industry": args.industry}
    for qid, question in items:
        ans = answer_question(question, filters=filters, settings=settings, qid=qid)
        if args.json:
            print(json.dumps(ans.contract(), ensure_ascii=False), flush=True)
        else:
            _print_readable(ans)
    return 0


def _print_readable(ans: Answer) -> None:
    from rich.console import Console
    from rich.panel import Panel

    console = Console()
    console.print(Panel(ans.answer, title=ans.question, title_align="left"))
    for n, c in enumerate(ans.citations, 1):
        console.print(f"[bold][{n}][/bold] [cyan]{c['source']}[/cyan] {c['locator']}  [dim](score {c['score']:.3f})[/dim]")
        console.print(f"    {c['text'][:160]}{'…' if len(c['text']) > 160 else ''}", style="dim", highlight=False)
