"""The offline answer writer for questions: extractive, cited, and plain about what it does not cover."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from assistant.errors import BadInput
from assistant.prompts import load_prompt
from assistant.retrieval import other_passages
from assistant.retrieval.answerable import asks_beyond
from assistant.retrieval.chunks import units_of
from assistant.retrieval.glossary import load_glossary
from assistant.retrieval.hybrid import (ASKS_FOR_CASES, POINTS_AT_EXAMPLE, Hit, UnitScores, by_locator, example_named,
                                        search, unit_scores)
from assistant.retrieval.ingest import ensure_index
from assistant.retrieval.scope import outside_scope, unstated_value
from assistant.settings import Settings, get_settings
from assistant.text import is_english, query_tokens, scope_terms, tokens

_PARA_MARK = re.compile(r"^[(（]\d+[)）]")
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CRITERION_ID = re.compile(r"(?<![A-Za-z0-9])D\d\.\d(?![0-9])")
_DIMENSION_ID = re.compile(r"(?<![A-Za-z0-9])D\d(?![.0-9])")


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
    # What the question asks comes first: a fee, a duration or another standard is declined unless a passage
    # states it, even when the question also names a scheme concept ("ISO 9001的内部审核怎么做").
    if outside_scope(question, [h.text for h in hits], settings.knowledge_dir) is not None:
        return False
    concept = names_scheme_concept(question, settings.knowledge_dir)
    # Words the topic rules do not know ("审核员的住宿谁安排"): the learned check reads what the question asks.
    if settings.learned_scope and asks_beyond(question, hits, settings, concept):
        return False
    if concept:
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


# What a question asks for decides the shape of the answer.
_QUANTITY = re.compile(r"多少|几|多久|多长|多快|多高|多低|比例|百分|how (many|much|long|often|fast|soon)|what (percentage|share)|within|"
                       r"\bdays?\b|\bmonths?\b|\byears?\b|\bhours?\b|\bpercent", re.I)
_ASKS_EXAMPLE = re.compile(r"例|案例|先例|比如|举个|数据|提升了?多少|降低了?多少|效果|哪家|企业.{0,4}(做到|通过)|example|case|"
                           r"for instance|how much (did|does|do)|by how much|improve[ds]?|reduc\w+|result", re.I)
_EXAMPLE = re.compile(r"^(例如|比如)|^以某|某[^。；，,]{0,12}(企业|公司|制造商|厂商)|为例")
_LIST = re.compile(r"哪些|哪几|几种|几类|几个|几项|有什么|都有|包括什么|列出|分别|所有|全部|\bwhich\b|\bwhat are\b|\blist\b|\ball\b|"
                   r"\bhow many\b|\bkinds?\b|\btypes?\b|\bcategor", re.I)
_VETO = re.compile(r"否决|红线|\bvetoe?s?\b", re.I)
_VETO_CODE = re.compile(r"(?<![a-z0-9])v[1-9](?![0-9])", re.I)
_SEVERITY = re.compile(r"(审核发现|不符合|问题|发现项).{0,8}(几类|几种|哪几类|哪几种|分为|分几|类型|种类|级别|分级|严重程度)|"
                       r"(几类|几种|哪几类|哪几种)(审核发现|不符合|发现|问题)|"
                       r"\b(kinds?|types?|categories|severit\w*|classes|levels?)\b.{0,20}\b(findings?|nonconformit\w*)\b", re.I)
_STEPS = re.compile(r"从哪(里|儿)?(开始|入手|着手|下手)|(怎么|如何|怎样)(开始|起步|入手|着手)|第一步|先(做|干|准备)(什么|啥)|从何(入手|开始)|"
                    r"(第一次|首次|初次|头一回)(准备|申请|做|搞|参加)?(这个)?认证|认证(的)?(步骤|整体流程|流程是怎样|流程怎么走|要经过哪些步骤)|"
                    r"\bhow (do|should|can|would) (we|i|a company) (start|begin|get started|prepare)\b|\bwhere (do|should|can) (we|i) (start|begin)\b|"
                    r"\bfirst steps?\b|\bsteps? (to|for) (get(ting)? )?certif\w*|\bget(ting)? started\b", re.I)
# Tuned on evals/retrieval_qa.jsonl (must_include, citation support): the main passage's other sentences are
# quoted when within MAIN_NEAR of its best and the quotes stay within MAIN_CHARS; another passage's best sentence
# when within OTHER_NEAR of the main one's. A later passage must be clearly better to give the first sentence.
MAIN_NEAR = 0.03
LEXICAL = 0.06
MAIN_CHARS = 320
OTHER_NEAR = 0.02
OTHER_OVERLAP = 0.1
RANK_PENALTY = 0.02
FUSED_TIE = 0.6
MAX_OTHERS = 2
# A sentence stating the value a question asks for answers it when it holds this share of the question's words.
VALUE_OVERLAP = 0.25
VALUE_HITS = 5  # how many passages are searched for it
UNITS_EN = {"小时": " hours", "天": " days", "学时": " training hours"}
FAMILIES = {
    "vetoes": re.compile(r"一票否决 V\d$"),
    "severities": re.compile(r"审核发现与期限 (严重不符合|一般不符合|观察项)$"),
}


def _end(segment: str) -> str:
    """A quoted segment closes with a full stop, whatever cut it out of its passage (a clause that ended in "；"
    is still the passage's words: punctuation is not part of the verbatim check)."""
    segment = segment.rstrip("；;，, ")
    return segment if segment[-1:] in tuple("。！？!?") else segment + "。"


_FULL_STOP = re.compile(r"(?<=[。！？!?])|\n+")
_SEMI = re.compile(r"(?<=[；;])")
LONG_SENTENCE = 90


def quotable(text: str, sims: list[float]) -> list[tuple[str, float]]:
    """The passage's sentences as quoted, each with its cosine to the question: full sentences, a long one cut at
    its semicolons (never inside brackets); a sentence is as close as the closest embedded unit inside it."""
    units = list(zip(units_of(text), sims)) if sims else []
    out: list[tuple[str, float]] = []
    for sent in _FULL_STOP.split(text):
        sent = sent.strip()
        if not sent:
            continue
        parts = [sent]
        if len(sent) > LONG_SENTENCE:
            parts, depth = [""], 0
            for piece in _SEMI.split(sent):
                if parts[-1] and depth == 0:
                    parts.append("")
                parts[-1] += piece
                depth = max(0, depth + piece.count("（") + piece.count("(") - piece.count("）") - piece.count(")"))
            parts = [p for p in parts if p.strip()]
        for part in parts:
            sim = max((x for u, x in units if u in part or part in u), default=0.0)
            out.append((part.strip(), sim))
    return out


class _Question:
    """What the writer needs to know about a question: language, words (with the thesaurus), what it asks for."""

    def __init__(self, question: str, settings: Settings) -> None:
        from assistant.retrieval.store import Index

        self.text = question
        self.settings = settings
        self.lang = "en" if is_english(question) else "zh"
        glossary = load_glossary(settings.knowledge_dir)
        self.tokens = set(query_tokens(question)) | {t for term in glossary.expand(question) for t in tokens(term)}
        try:
            bm25 = Index.open(settings).bm25.retriever
            idf = bm25.idf if hasattr(bm25, "idf") else (lambda _t: 1.0)
        except Exception:  # noqa: BLE001 - the baseline composes without our index; words then weigh the same
            idf = lambda _t: 1.0  # noqa: E731
        self.weights = {t: idf(t) for t in self.tokens}
        self.total = sum(self.weights.values()) or 1.0
        self.quantity = bool(_QUANTITY.search(question))
        self.example = bool(_ASKS_EXAMPLE.search(question))
        self.cases = bool(ASKS_FOR_CASES.search(question))

    def overlap(self, segment: str) -> float:
        """Share of the question's words (weighted by rarity) that the segment contains."""
        toks = set(tokens(segment))
        return sum(w for t, w in self.weights.items() if t in toks) / self.total


class _Segment(BaseModel):
    n: int  # citation number
    i: int  # position in the passage
    text: str
    score: float
    overlap: float
    example: bool


def _segments_of(hit: Hit, n: int, sims: list[float], q: _Question) -> list[_Segment]:
    """The passage's sentences, scored: closeness (cosine), shared words, a number where one is asked for;
    example sentences ("某家电企业…") lose unless the question asks for results or cases."""
    out = []
    for i, (seg, sim) in enumerate(quotable(hit.text, sims)):
        text = _PARA_MARK.sub("", seg).strip()
        if not text:
            continue
        ov = q.overlap(text)
        example = bool(_EXAMPLE.search(text))
        score = sim + LEXICAL * ov + (0.012 if q.quantity and _DIGIT.search(text) else 0.0) - 0.001 * i
        if example and not q.example:
            score -= 0.03
        out.append(_Segment(n=n, i=i, text=text, score=score, overlap=ov, example=example))
    return sorted(out, key=lambda s: (-s.score, s.i))


# Weighs a sentence of another passage that the rules admit: (its passage's citation number, the learned check's
# features of it) -> whether it is quoted.
OtherJudge = Callable[[int, dict[str, float]], bool]


def compose(question: str, hits: list[Hit], settings: Settings, *, judge_others: OtherJudge | None = None) -> Answer:
    """The answer: its first sentence states the answer (in English for an English question), then the points
    that support it, each quoted verbatim from the passage its [n] names; complete lists for list questions,
    the certification's steps for "how do we start". Declines when the question is not covered.

    `judge_others` replaces the learned check on other passages' sentences (scripts/train_other_passages.py
    records the candidates and tries each choice of them)."""
    lang = "en" if is_english(question) else "zh"
    t = load_prompt("ask", lang)
    if not is_covered(hits, settings, question):
        return Answer(question=question, answer=t["not_covered"].strip(), citations=[], covered=False, language=lang)
    q = _Question(question, settings)
    # "规则里那个家电企业…": the question is about the example of the best passage, so its sentence may be quoted.
    if not q.example and POINTS_AT_EXAMPLE.search(question) and hits[0].source == "rules" \
            and example_named(question, hits[0].text):
        q.example = True
    if _STEPS.search(question):
        answer = _steps_answer(q, hits, t)
        if answer is not None:
            return answer
    family = _family(question, hits)
    if family is not None:
        answer = _family_answer(q, hits, family, t)
        if answer is not None:
            return answer
    return _extract_answer(q, hits, t, judge_others)


def _scores(q: _Question, hits: list[Hit]) -> dict[str, UnitScores]:
    try:
        return unit_scores(q.text, [h.id for h in hits], q.settings)
    except Exception:  # noqa: BLE001 - passages not in our index (the baseline's): rank by words alone
        return {h.id: UnitScores() for h in hits}


def _learned_judge(q: _Question, scores: dict[str, UnitScores]) -> OtherJudge | None:
    """The learned check on other passages' sentences (retrieval/other_passages.py), or None when it stands aside:
    switched off, no weights, or passages without our index's sentence scores (the baseline's)."""
    if not q.settings.learned_others or not any(s.sentences for s in scores.values()):
        return None
    model = other_passages.load()
    return None if model is None else (lambda _n, feats: model.passes(feats))


def _extract_answer(q: _Question, hits: list[Hit], t: dict, judge_others: OtherJudge | None = None) -> Answer:
    scores = _scores(q, hits)
    candidates: list[tuple[float, int, list[_Segment]]] = []
    for n, hit in enumerate(hits[:3], 1):
        # A past finding speaks for a rules question only when it is the best passage or cases are asked for.
        if hit.source == "findings" and n > 1 and not q.cases:
            continue
        segs = _segments_of(hit, n, scores[hit.id].sentences, q)
        if segs:
            candidates.append((segs[0].score - RANK_PENALTY * (n - 1), n, segs))
    if not candidates:
        return Answer(question=q.text, answer=t["not_covered"].strip(), citations=[], covered=False, language=q.lang)
    candidates.sort(key=lambda c: (-c[0], c[1]))
    main_score, main_n, main_segs = candidates[0]
    best = main_segs[0]
    points: list[_Segment] = [best]
    # The rest of the main passage that bears on the question, in the passage's order, within a short answer: a
    # rule often takes two sentences (30 days; verified by …; otherwise veto V4), a list runs over several.
    room = MAIN_CHARS - len(best.text)
    # A short passage (a scheme rule, a KPI definition) is quoted whole: its sentences are one rule.
    whole = sum(len(seg.text) for seg in main_segs if not seg.example or q.example) <= MAIN_CHARS
    # A scheme passage lists a whole dimension: when its best sentence is about one criterion, the sentences about
    # the others do not bear on the question (unless it asks about the dimension or for a list).
    about = set(_CRITERION_ID.findall(best.text))
    if _LIST.search(q.text) or _DIMENSION_ID.search(q.text):
        about = set()
    for seg in sorted(main_segs[1:], key=lambda s: s.i):
        if (seg.example and not q.example) or len(seg.text) > room:
            continue
        if len(about) == 1 and (set(_CRITERION_ID.findall(seg.text)) - about):
            continue
        if not whole and seg.score < best.score - MAIN_NEAR:
            continue
        points.append(seg)
        room -= len(seg.text)
    # Another passage only when its best sentence bears on the question as much (the rules and the scheme both
    # state the surveillance interval); never a passage whose best sentence is further away.
    # Most sentences these rules admit still bear on something else (measured on the development sets): a learned
    # check weighs each one and keeps those whose passage bears on the question (retrieval/other_passages.py).
    judge = judge_others or _learned_judge(q, scores)
    main_hit = hits[main_n - 1]
    main = other_passages.Main(n=main_n, source=main_hit.source, criterion=main_hit.criterion, score=best.score,
                               passage_score=main_score, overlap=best.overlap, passage_overlap=q.overlap(main_hit.text),
                               title_overlap=q.overlap(main_hit.locator), dense=main_hit.score,
                               bm25=max(h.bm25 for h in hits[:3]))
    asks = {"list": bool(_LIST.search(q.text)), "quantity": q.quantity, "example": q.example, "english": q.lang == "en"}
    others = 0
    for score, n, segs in candidates[1:]:
        if others >= MAX_OTHERS:
            break
        seg = segs[0]
        # Retrieval unsure between the first passages (fused scores within FUSED_TIE): the other one is quoted too.
        tie = hits[0].fused - hits[n - 1].fused < FUSED_TIE
        if ((tie or (score >= main_score - OTHER_NEAR and seg.overlap >= max(OTHER_OVERLAP, 0.6 * best.overlap)))
                and (not seg.example or q.example) and seg.text not in {p.text for p in points}):
            if judge is not None:
                cand = _other_candidate(q, hits, n, seg, score, points, tie)
                if not judge(n, other_passages.features(q.text, asks, main, cand)):
                    continue
            points.append(seg)
            others += 1
    # "How long", "how many people", "where": an answer that quotes no such value does not answer the question. The
    # best sentence of the first passages that states one, and shares the question's words, answers it instead
    # ("证书的有效期是几年" whose best passage is the principles, with "有效期3年" in the third); without one, declined.
    kind = unstated_value(q.text, [p.text for p in points], q.settings.knowledge_dir)
    if kind is not None:
        more = [seg for n, hit in enumerate(hits[3:VALUE_HITS], 4) for seg in _segments_of(hit, n, scores[hit.id].sentences, q)]
        stating = [seg for seg in [*(seg for _, _, segs in candidates for seg in segs), *more]
                   if kind.stated.search(seg.text) and seg.overlap >= VALUE_OVERLAP and (not seg.example or q.example)]
        if not stating:
            return Answer(question=q.text, answer=t["not_covered"].strip(), citations=[], covered=False, language=q.lang)
        value = max(stating, key=lambda seg: (seg.score - RANK_PENALTY * (seg.n - 1), -seg.n, -seg.i))
        points = [value, *[p for p in points if p.text != value.text][:MAX_OTHERS]]
    first = points[0]
    rest = sorted(points[1:], key=lambda s: (s.n != first.n, s.n, s.i))
    citations = [h.citation() for h in hits]
    lines = []
    if q.lang == "en":
        lines.append(f"{_english_statement(q, hits[first.n - 1], scores[hits[first.n - 1].id], t)} [{first.n}]")
        lines += [f"- {_end(s.text)}[{s.n}]" for s in [first, *rest]]
    else:
        lines.append(f"{_end(first.text)}[{first.n}]")
        lines += [f"- {_end(s.text)}[{s.n}]" for s in rest]
    return Answer(question=q.text, answer="\n".join(lines), citations=citations, covered=True, language=q.lang)


def _other_candidate(q: _Question, hits: list[Hit], n: int, seg: _Segment, score: float, points: list[_Segment],
                     tie: bool) -> other_passages.Candidate:
    """What the check on other passages weighs of passage n's best sentence, against the quotes so far."""
    hit = hits[n - 1]
    quoted_text = " ".join(p.text for p in points)
    quoted = set(tokens(quoted_text))
    adds = sum(w for tok, w in q.weights.items() if tok in set(tokens(seg.text)) - quoted) / q.total
    new_number = bool(set(_NUMBER.findall(seg.text)) - set(_NUMBER.findall(quoted_text)))
    return other_passages.Candidate(n=n, source=hit.source, criterion=hit.criterion, text=seg.text, score=seg.score,
                                    passage_score=score, overlap=seg.overlap, adds=adds, new_number=new_number,
                                    passage_overlap=q.overlap(hit.text), title_overlap=q.overlap(hit.locator),
                                    bm25=hit.bm25, fused_gap=hits[0].fused - hit.fused, dense=hit.score, tie=tie)


def _english_statement(q: _Question, hit: Hit, scores: UnitScores, t: dict) -> str:
    """The English sentence that states the answer: the passage's closest English statement
    (knowledge/passages_en.yaml), or one built from the scheme data for a criterion facet or a past finding."""
    if scores.english:
        words = set(re.findall(r"[a-z0-9.]+", q.text.lower()))

        def rank(item: tuple[str, float]) -> float:
            text, sim = item
            shared = words & set(re.findall(r"[a-z0-9.]+", text.lower()))
            return sim + 0.01 * len(shared) - (0.03 if text.startswith("Example") and not q.example else 0.0)

        return max(scores.english, key=rank)[0]
    return _built_statement(hit, t, q.settings) + ":"


def _built_statement(hit: Hit, t: dict, settings: Settings) -> str:
    from assistant.rules import load_scheme

    try:
        scheme = load_scheme(knowledge_dir=settings.knowledge_dir)
    except BadInput:
        scheme = None
    crit = scheme.criteria.get(hit.criterion) if scheme and hit.criterion else None
    name = crit.name_en if crit else (hit.criterion or "")
    if hit.source == "findings":
        sev = t["severity_en"].get(hit.severity or "", hit.severity or "")
        return t["finding"].format(id=hit.locator, industry=hit.industry or "", severity=sev, cid=hit.criterion or "",
                                   name=name)
    if hit.source == "criteria" and crit is not None:
        facet = hit.locator.split(" · ", 1)[-1]
        dim = scheme.dimensions[crit.dimension]
        fmt = {"cid": hit.criterion, "name": name, "dimension": f"{dim.id} {dim.name_en}"}
        m = re.match(r"L(\d)", facet)
        if m:
            level = next((lv for lv in scheme.levels if lv.level == int(m.group(1))), None)
            kpi = _level_kpi_en(crit, int(m.group(1)))
            return t["criterion_facets"]["level"].format(code=f"L{m.group(1)}", level=level.name_en if level else "",
                                                         kpi=kpi, **fmt)
        template = t["criterion_facets"].get(facet)
        if template:
            return template.format(**fmt)
    return t["lead"].format(sources=t["source_names"][hit.source]).rstrip(":")


def _level_kpi_en(crit, level: int) -> str:
    from assistant.rules.scheme import format_number

    if not crit.is_kpi or level not in crit.thresholds:
        return ""
    op = "at least" if crit.direction == "higher" else "at most"
    unit = UNITS_EN.get(crit.unit_symbol, crit.unit_symbol)
    return f", a measured value of {op} {format_number(crit.thresholds[level])}{unit}"


def _family(question: str, hits: list[Hit]) -> str | None:
    """The family of passages a list question asks for in full (all vetoes, all kinds of finding), or None."""
    if _VETO.search(question) and _LIST.search(question) and not _VETO_CODE.search(question):
        return "vetoes"
    if _SEVERITY.search(question) and not ASKS_FOR_CASES.search(question):
        return "severities"
    return None


def _with_members(hits: list[Hit], members: list[Hit], k: int) -> list[Hit]:
    """The hits with every member present: missing members replace the lowest-ranked other passages."""
    member_ids = {m.id for m in members}
    missing = [m for m in members if m.id not in {h.id for h in hits}]
    others = [h for h in hits if h.id not in member_ids]
    keep_others = max(0, k - len(members))
    kept = {h.id for h in others[:keep_others]}
    out = [h for h in hits if h.id in member_ids or h.id in kept]
    return out + missing


def _family_answer(q: _Question, hits: list[Hit], family: str, t: dict) -> Answer | None:
    from assistant.retrieval.store import Index

    try:
        index = Index.open(q.settings)
        snapshot = index.dense
        locators = sorted({m["locator"] for m in snapshot.metas if FAMILIES[family].search(m["locator"])}) if snapshot else []
    except Exception:  # noqa: BLE001 - no index of ours (the baseline): answer by extraction
        return None
    if family == "severities":
        order = ["严重不符合", "一般不符合", "观察项"]
        locators.sort(key=lambda loc: next((i for i, w in enumerate(order) if loc.endswith(w)), 9))
    members = by_locator(locators, q.text, q.settings, index)
    if len(members) < 2:
        return None
    hits = _with_members(hits, members, max(q.settings.top_k, len(members)))
    number = {h.id: n for n, h in enumerate(hits, 1)}
    items = []
    for m in members:
        first = units_of(m.text)[0]
        # The rule itself, without the assessment-file field that decides it: "…V1（材料不真实）：提交的材料被认定不真实".
        items.append((number[m.id], first.split("（判定")[0].rstrip("。；")))
    name = t["families"][family]
    lines = []
    if q.lang == "en":
        scores = _scores(q, members)
        heads = [(scores[m.id].english[0][0].split(":")[0] if scores[m.id].english else m.locator.rsplit(" ", 1)[-1])
                 for m in members]
        lines.append(t["list_lead"].format(count=len(members), family=name, items="; ".join(heads)))
        lines += [f"- {_end(text)}[{n}]" for n, text in items]
    else:
        lines.append(t["list_lead"].format(count=len(members), family=name))
        lines += [f"- {_end(text)}[{n}]" for n, text in items]
    if family == "vetoes":
        common = next((u for u in units_of(members[0].text) if "任一否决项" in u), None)
        if common:
            lines.append(f"- {_end(common)}[{number[members[0].id]}]")
    return Answer(question=q.text, answer="\n".join(lines), citations=[h.citation() for h in hits[:max(q.settings.top_k, 5)]],
                  covered=True, language=q.lang)


def _steps_answer(q: _Question, hits: list[Hit], t: dict) -> Answer | None:
    """"How do we start": the certification's steps in order (prompts/ask_*.yaml `steps`), each quoted."""
    steps = load_prompt("ask", "zh").get("steps") or []
    locators = list(dict.fromkeys(s["locator"] for s in steps))
    try:
        members = by_locator(locators, q.text, q.settings)
    except Exception:  # noqa: BLE001 - no index of ours (the baseline): answer by extraction
        return None
    found = {m.locator: m for m in members}
    if len(found) < len(locators):
        return None
    hits = _with_members(hits, members, max(q.settings.top_k, len(members)))[:5]
    number = {h.locator: n for n, h in enumerate(hits, 1)}
    english = t.get("steps_en") or []
    lines = [t["steps_lead"]]
    for i, step in enumerate(steps):
        passage = found[step["locator"]]
        unit = next((u for u in units_of(passage.text) if step["find"] in u), None)
        if unit is None or step["locator"] not in number:
            continue
        quote = _end(_PARA_MARK.sub("", unit).strip())
        lead = f"{english[i]} " if q.lang == "en" and i < len(english) else ""
        lines.append(f"- {lead}{quote}[{number[step['locator']]}]")
    return Answer(question=q.text, answer="\n".join(lines), citations=[h.citation() for h in hits], covered=True,
                  language=q.lang)


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
