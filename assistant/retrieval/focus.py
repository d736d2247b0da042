"""The thing a question asks about, and whether the knowledge base ever names it.

Out-of-scope questions that reach the answer composer usually put an object the knowledge base never mentions
(利率, 罚款, 法庭, 火锅 …) alongside its own words (认证证书, 监督审核 …), so retrieval scores and topic patterns
read them as in scope. In-scope colloquial questions carry unknown words too, but as context: a modifier
("拖后腿的维度"), an agent ("被人情影响"), a verb jieba tags as a noun ("会不会偏向"). This module reads the
question's focus — the nouns of the clause that holds the question word, less those in such context positions —
and reports the first one that no knowledge file (rules, scheme, criteria catalogue, past findings, glossary,
terms, English statements) contains, nor is made up of words those files contain. The vocabulary comes from the
knowledge files only; the few relational nouns that ask about something else ("意思", "区别", "名称") are data in
knowledge/out_of_scope.yaml (`focus.frame`).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import jieba
import jieba.posseg as pseg

from assistant.errors import BadInput
from assistant.retrieval.scope import _scope_file
from assistant.text import init_jieba

# Files whose words the knowledge base "mentions". questions.yaml is left out: it is how users ask, not what the
# knowledge base says (it names things only to point at a passage); out_of_scope.yaml names what it does not say.
VOCABULARY_FILES = ("rules/*.md", "scheme/*.yaml", "criteria/*.yaml", "glossary.yaml", "terms.yaml", "passages_en.yaml")
FINDINGS_FILE = "findings/findings.jsonl"

# jieba part-of-speech tags of the nouns a question can ask about: common, other proper, organisation and place
# nouns, and fixed expressions (刑事责任). Person names (nr) are left out: jieba tags colloquial verbs as names
# (白搭, 马上发); so are verbal nouns (vn) and idioms (i), which name an activity or a manner, not an object.
FOCUS_TAGS = frozenset({"n", "nz", "nt", "ns", "nrt", "l"})
# The question itself, not its object: question words (几, 哪, 谁, 怎, 啥, 么) and numerals or quantities at the
# start of a word (一共, 零分, 近几年, 每年).
QUESTION_OR_QUANTITY = re.compile(r"[几哪谁怎啥么]|^[零一二两三四五六七八九十百千万半近每各某整]")
A_NOT_A = re.compile(r"(.)[不没]\1")  # 是不是, 够不够: a question form
# Modal and auxiliary verbs: a "noun" right after one is a verb jieba mis-tags ("会不会偏向", "能不能免审").
MODALS = frozenset({"会", "能", "要", "可以", "可", "应该", "应", "得", "需要", "会不会", "能不能", "要不要",
                    "可不可以", "该", "不能", "不会", "不要", "不可以"})
# A clause that holds one of these asks the question; the others are its context ("客户因为返修问题把我们告了，…").
QUESTION_MARK = re.compile(r"吗|呢|什么|啥|多少|几|哪|怎么|怎样|如何|能不能|可不可以|是否|有没有|会不会|是不是|要不要|还是|咋|么[？?]|[？?]")
CLAUSE_SPLIT = re.compile(r"[，,。；;！!：:\n]")
# An acronym given in brackets names something (an organisation, a standard): "… Centre (CQC)".
NAMED_ACRONYM = re.compile(r"[(（]\s*([A-Z]{2,6})\s*[)）]")
ACRONYM = re.compile(r"^[A-Z]{2,6}$")
# Characters that complete a verb (result, direction, aspect, modality): 升级成, 算进去, 拿不到.
COMPLEMENTS = frozenset("成到完好掉出进去来上下起开住会能要得着过了不")
# A word ending in a modal verb that jieba keeps whole (审核报告会列明 → 报告会): the modal belongs to the verb.
MODAL_END = "会能要可得才"


@lru_cache(maxsize=4)
def vocabulary(knowledge_dir: Path) -> str:
    """The text of the knowledge files, lower-cased: a word is known when it occurs in it."""
    parts = []
    for pattern in VOCABULARY_FILES:
        parts += [p.read_text(encoding="utf-8") for p in sorted(knowledge_dir.glob(pattern))]
    findings = knowledge_dir / FINDINGS_FILE
    if findings.exists():
        for line in findings.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # loading the findings elsewhere reports the problem
                if isinstance(record, dict):
                    parts.append(" ".join(str(v) for v in record.values()))
    return "\n".join(parts).lower()


@lru_cache(maxsize=4)
def frame_words(knowledge_dir: Path) -> frozenset[str]:
    """`focus.frame` of knowledge/out_of_scope.yaml: nouns that ask about another thing (意思, 区别, 名称 …)."""
    path, data = _scope_file(knowledge_dir)
    if path is None:
        return frozenset()
    focus = data.get("focus") if isinstance(data, dict) else None
    if focus is None:
        return frozenset()
    frame = focus.get("frame") if isinstance(focus, dict) else None
    if not isinstance(frame, list) or not all(isinstance(w, str) for w in frame):
        raise BadInput("expected `focus: frame:` a list of words", where=str(path))
    return frozenset(w.strip().lower() for w in frame if w.strip())


def _known(word: str, vocab: str, frame: frozenset[str]) -> bool:
    """The knowledge base mentions the word, or a word of three characters or more is made of words it mentions
    (联系电话 = 联系 + 电话) and of verb complements (升级成 = 升级 + 成), or is a verb's character before a word
    it mentions that is no noun (讲清楚 = 讲 + 清楚, 算进去). A compound whose head is a character of its own
    stays unknown (申请费, 产品质量法, 吃火锅: the head is what is asked about)."""
    if word in vocab or word in frame or len(word) < 2:
        return True
    if len(word) < 3:
        return False

    def known_word(piece: str) -> bool:
        return len(piece) >= 2 and (piece in vocab or piece in frame)

    # covered[i]: word[:i] is a sequence of known words and complements, at least one of them a word.
    covered = [(True, False)] + [(False, False)] * len(word)
    for i in range(1, len(word) + 1):
        for j in range(i):
            ok, multi = covered[j]
            piece = word[j:i]
            if ok and (j, i) != (0, len(word)) and (known_word(piece) or piece in COMPLEMENTS):
                covered[i] = (True, covered[i][1] or multi or len(piece) >= 2)
    if covered[-1] == (True, True):
        return True
    rest = word[1:]
    return known_word(rest) and not any(tag.startswith("n") for _, tag in pseg.lcut(rest))


def _has_acronym(acronym: str, vocab: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(acronym.lower())}(?![a-z0-9])", vocab) is not None


def _question_clause(question: str) -> str:
    """The last clause holding a question word or mark; the whole question when none does (an instruction)."""
    clauses = [c for c in CLAUSE_SPLIT.split(question) if c.strip()]
    asking = [c for c in clauses if QUESTION_MARK.search(c)]
    return asking[-1] if asking else question


def _agents(words: list[tuple[str, str]]) -> set[int]:
    """Positions of the agent of a passive: the words between 被 and its verb ("被关系户、人情啥的影响"). When no
    word after 被 is tagged a verb, the last noun is the verb jieba tagged as a noun ("被监管部门罚款")."""
    out: set[int] = set()
    for start, (word, _) in enumerate(words):
        if word != "被":
            continue
        span = []
        for k in range(start + 1, len(words)):
            if words[k][1].startswith("v"):
                break
            span.append(k)
        else:
            nouns = [k for k in span if words[k][1].startswith("n")]
            if nouns:
                span.remove(nouns[-1])
        out.update(span)
    return out


def unknown_focus(question: str, knowledge_dir: Path) -> str | None:
    """The first word the question asks about that the knowledge base never mentions, or None.

    Read in the clause that asks (see `_question_clause`); a noun is context, not focus, when it modifies what
    follows (followed by 的 or by another noun), is the agent of a passive (between 被 and its verb), follows a
    modal verb (a verb jieba tags as a noun) or is followed by 了 (used as a predicate). An all-capital acronym
    in the asking clause (CNAS认可吗), or in brackets in any question (… Centre (CQC)), is a name: unknown when no
    knowledge file has it. English questions are read for bracketed acronyms only.
    """
    vocab = vocabulary(knowledge_dir)
    for acronym in NAMED_ACRONYM.findall(question):
        if not _has_acronym(acronym, vocab):
            return acronym
    if not re.search(r"[\u4e00-\u9fff]", question):
        return None  # English: no reading of its focus beyond named acronyms
    init_jieba()
    frame = frame_words(knowledge_dir)
    words = [(w, tag) for w, tag in pseg.lcut(_question_clause(question)) if w.strip()]
    agents = _agents(words)
    for n, (word, tag) in enumerate(words):
        prev = words[n - 1][0] if n else ""
        nxt, nxt_tag = words[n + 1] if n + 1 < len(words) else ("", "")
        w = word.lower()
        if n not in agents and prev not in MODALS and ACRONYM.match(word) and not nxt_tag.startswith("n"):
            if not _has_acronym(word, vocab):
                return word  # "CNAS认可吗": an acronym asked about, which no knowledge file names
            continue
        if tag not in FOCUS_TAGS or len(w) < 2 or not re.search(r"[\u4e00-\u9fff]", w):
            continue
        if jieba.dt.FREQ.get(w, 0) <= 0:
            continue  # not a dictionary word: jieba's guess at an unknown string, as often a mis-cut as a word
        if QUESTION_OR_QUANTITY.search(w) or A_NOT_A.search(w) or w[0] in "有没":
            continue  # the question itself, a quantity, or a predicate (有戏, 没谱)
        if re.search(rf"{re.escape(w[-1])}[不没]{re.escape(w[-1])}", question) or (
                w[-1] in MODAL_END and w[:-1] in vocab and nxt_tag.startswith("v")):
            continue  # a word cut across a question form or a modal (填数行不行, 报告会列明)
        if n in agents or prev in MODALS or nxt in {"的", "了", "之"} or (nxt_tag.startswith("n") and nxt_tag != "nr"):
            continue
        if not _known(w, vocab, frame):
            return word
    return None
