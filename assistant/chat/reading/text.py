"""Sentences and clauses of a message, and what each clause does: ask, suppose, deny, correct."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_KEEP = {"。": "。", "、": "、", "〇": "〇"}
# Cantonese written as spoken, one character for one: 我哋係…嘅 → 我们是…的, 唔 → 不, 咗 → 了, 冇 → 没.
_DIALECT = {"係": "是", "嘅": "的", "哋": "们", "唔": "不", "咗": "了", "冇": "没", "佢": "他", "喺": "在", "啲": "些",
            "嗰": "那", "睇": "看", "俾": "给", "揾": "找", "乜": "什", "嘢": "西", "咩": "么", "冚": "全",
            "俺": "我"}


def normalise(text: str) -> str:
    """Full-width letters, digits and signs as ASCII and Cantonese characters as Mandarin, one character for one,
    so positions stay those of `text`."""
    out = []
    for ch in text:
        if ch in _KEEP:
            out.append(ch)
            continue
        if ch in _DIALECT:
            out.append(_DIALECT[ch])
            continue
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out).replace("\u3000", " ")


# Sentence ends; "." only when it ends an English sentence (not 3.5, not "No. 3").
_SENTENCE_END = re.compile(r"[。!?;\n]|(?<![0-9A-Z])\.(?=\s|$)|(?<=[a-z])\.(?=\s|$)|…+")
_CLAUSE_END = re.compile(r"[,:]")
# Words that open a new clause: the cut falls before them.
_CLAUSE_OPEN = re.compile(r"(?<=\S)\s+(?:but|while|whereas|although)\b|但是|不过|可是|但(?!是)|而且|并且|另外|此外|同时", re.IGNORECASE | re.ASCII)

# A question: a question mark, a sentence-final particle, or a question word used as one.
_QUESTION = re.compile(
    r"\?|吗\s*$|嘛\s*$|么\s*$|呢\s*$|是吧|对吧|好吗|行吗"
    r"|多少|(?<![有好这那十])几(?:级|个|天|项|分|年|月|次)|多久|多长时间|哪些|哪个|哪里|哪一|怎么(?!样都)|怎样|如何|为什么|是否|能否|可否"
    r"|有没有|是不是|能不能|会不会|要不要|算不算|可不可以|够不够"
    r"|^\s*(?:what|how|which|when|why|does|do|is|are|can|could|would|will|should|shall|may)\b",
    re.IGNORECASE,
)
# An English clause that opens with a question word or a verb asks only at the head of its sentence: in "Top-two-box,
# which is what you need, is 86%." the later clauses state.
_EN_LEAD = re.compile(r"^\s*(?:what|how|which|when|why|does|do|is|are|can|could|would|will|should|shall|may)\b", re.IGNORECASE)
# "没做过什么" / "不知道怎么算" / "什么都没有": question words used as indefinites, in statements.
_NOT_A_QUESTION = re.compile(r"(?:没|不|无)\S{0,4}什么|(?:没|未|从没)\S{0,5}(?:哪些|哪个|多少)(?!\S{0,6}[吗呢?])|什么都|什么也"
                             r"|不知道(?:怎么|如何|多少)|不清楚(?:怎么|如何|多少)|不管|无论|不论")
# A what-if: the facts in it are supposed, not stated.
# "如果我没记错" / "if I'm reading the dashboard right" hedge a fact; they suppose nothing.
_HEDGE = (r"(?!\s*(?:我)?没记错|\s*(?:我)?记得没错|\s*(?:我)?没看错"
          r"|\s+(?:I'm|I am|I've been) (?:reading|remembering|not mistaken|looking at)|\s+I (?:remember|recall|read)\b|\s+memory serves)")
_HYPOTHETICAL = re.compile(rf"(?:如果|假如|(?<![主需只就还总重也想不])要是|\bif\b){_HEDGE}|假设|假若|(?<![倘])若是|倘若|万一"
                           r"|\bsuppose\b|\bsupposing\b|\bassuming\b|\bwhat if\b",
                           re.IGNORECASE | re.ASCII)
# A message that corrects what was said before.
CORRECTION = re.compile(r"不对|说错|记错|搞错|弄错|错了|更正|纠正|修正一下|刚才|刚刚|应该是|准确(?:地|的)?说|实际上是|其实是|等一下|等等|稍等"
                        r"|\d\s*%?\s*(?:是|那个是)[^,.;，。；]{1,10}的(?:数|数字|口径|值)?(?=[,.;，。；]|$)|\bwait\b|\bhold on\b"
                        r"|\bsorry\b|\bactually\b|\bcorrection\b|\bi meant\b|\bmisread\b|\bmistake\b|\bwrong\b",
                        re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    sentence: int
    question: bool
    hypothetical: bool


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > start:
            spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip(" 。.!?;\n…")]


def clauses(text: str) -> list[Clause]:
    """Clauses in order. A question clause asks; a hypothetical clause (and all after it in its sentence) supposes."""
    out: list[Clause] = []
    sentences = sentence_spans(text)
    for si, (a, b) in enumerate(sentences):
        cuts = sorted({a, b, *(m.end() for m in _CLAUSE_END.finditer(text, a, b)),
                       *(m.start() for m in _CLAUSE_OPEN.finditer(text, a, b))})
        supposing = False
        sentence_asks = text[a:b].rstrip().endswith("?")
        parts = [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1) if text[cuts[i]:cuts[i + 1]].strip(" ,:")]
        # "服务创新？目前还谈不上": a short topic said back as a question and then answered is no question.
        echo = (sentence_asks and len(parts) == 1 and si + 1 < len(sentences)
                and re.fullmatch(r"\s*[^,?]{1,12}\?\s*", text[a:b]) and not _QUESTION.search(text[a:b].rstrip(" ?")))
        for i, (ca, cb) in enumerate(parts):
            piece = text[ca:cb]
            supposing = supposing or bool(_HYPOTHETICAL.search(piece))
            asks = bool(_QUESTION.search(piece.strip())) and not _NOT_A_QUESTION.search(piece)
            if asks and i > 0 and not sentence_asks and _EN_LEAD.match(piece) and not _QUESTION.search(_EN_LEAD.sub("", piece.strip())):
                asks = False
            # A question mark at the end of a sentence makes its last clause a question even without a question word.
            if sentence_asks and i == len(parts) - 1:
                asks = True
            if echo:
                asks = False
            # An echoed topic belongs to the sentence that answers it.
            out.append(Clause(ca, cb, si + 1 if echo else si, asks, supposing))
    return out
