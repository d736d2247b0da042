"""A finding's criterion from what it is about, in the catalogue's own words.

When a finding's description names no criterion and no document ("差评没人回复客户", "a minor one on staff
certification"), the criterion is the one whose words it shares most: the criteria catalogue
(knowledge/criteria/*.yaml: name, description, KPI definition, level descriptors, evidence, root causes, actions) and
the past findings filed under each criterion (knowledge/findings/findings.jsonl); in English, the scheme's English
names, the lexicon's English names and evidence words. Words are weighed by how few criteria use them (a word every
criterion has tells nothing), and a criterion is given only when it clearly leads the next one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[a-z]+")
# Words of the trade that every criterion uses: no clue to which one.
_COMMON_ZH = {"服务", "售后", "客户", "企业", "没有", "记录", "工程", "程师", "审核", "不符", "符合", "问题", "要求", "进行",
              "网点", "管理", "一个", "说明", "情况", "可以", "已经", "还没", "没人", "不够", "不全"}
_STOP_EN = {"the", "a", "an", "of", "on", "for", "in", "to", "and", "or", "is", "are", "was", "were", "be", "by", "with",
            "about", "our", "we", "they", "it", "its", "one", "that", "this", "not", "no", "any", "after", "sales",
            "service", "services", "customer", "customers", "per", "share", "rate", "their", "has", "have", "had"}
# A criterion is given when its score is at least this and this many times the next one's.
MIN_SCORE = 2.5
LEAD = 1.3


# Characters that glue words together: a pair across them ("多没", "有上") is no word.
_GLUE = set("的了没有不是在很都也还就和把被让给着过个这那说我们他她它该得太再又并及与或其")


def _grams_zh(text: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for run in _CJK_RUN.findall(text):
        out.update(g for i in range(len(run) - 1) if not (set(g := run[i:i + 2]) & _GLUE) and g not in _COMMON_ZH)
    return out


def _stem(word: str) -> str:
    """A crude English stem: certification, certified and certificate are one word here."""
    return word[:6] if len(word) > 6 else re.sub(r"(?:ies|es|s|ed|ing)$", "", word) or word


def _words_en(text: str) -> Counter[str]:
    return Counter(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP_EN and len(w) > 2)


@lru_cache(maxsize=4)
def _profiles(version: str | None = None) -> tuple[dict[str, Counter[str]], dict[str, float], dict[str, Counter[str]], dict[str, float]]:
    from assistant.chat.reading.lexicon import lexicon
    from assistant.knowledge import load_catalogue, load_findings
    from assistant.settings import get_settings

    lex = lexicon(version)
    kd = get_settings().knowledge_dir
    catalogue = load_catalogue(kd / "criteria")
    zh: dict[str, Counter[str]] = {}
    for cid, e in catalogue.items():
        words = [e.name, e.description, e.kpi_definition or "", *e.levels.values(), *e.evidence_examples,
                 *(r.cause for r in e.root_causes), *e.actions]
        zh[cid] = _grams_zh(" ".join(words))
    for f in load_findings(kd / "findings" / "findings.jsonl"):
        if f.criterion in zh:
            zh[f.criterion] += _grams_zh(f.finding + " " + f.root_cause)
    en: dict[str, Counter[str]] = {cid: _words_en(c.name_en) for cid, c in lex.scheme.criteria.items()}
    for n in lex.names:
        cid = n.criterion("any")
        if cid in en and n.text.isascii():
            en[cid] += _words_en(n.text)
    for word, cid in lex.evidence:
        if cid in en and word.isascii():
            en[cid] += _words_en(word)
    return zh, _idf(zh), en, _idf(en)


def _idf(profiles: dict[str, Counter[str]]) -> dict[str, float]:
    df = Counter(g for grams in profiles.values() for g in grams)
    n = len(profiles)
    return {g: math.log(n / d) for g, d in df.items()}


def criterion_of_topic(text: str, version: str | None = None) -> str | None:
    """The criterion a finding's description is about by the catalogue's words, or None when none clearly leads."""
    zh, idf_zh, en, idf_en = _profiles(version)
    grams, profiles, idf = _grams_zh(text), zh, idf_zh
    if not grams:
        grams, profiles, idf = _words_en(text), en, idf_en
    if not grams:
        return None
    # A word weighs by how few criteria use it, and more where a criterion's own words use it often.
    scores = sorted(((sum(idf.get(g, 0.0) * (1 + math.log(p[g])) for g in grams if g in p), cid)
                     for cid, p in profiles.items()), reverse=True)
    (best, cid), (second, _) = scores[0], scores[1]
    shared = [g for g in grams if g in profiles[cid] and idf.get(g, 0.0) > 0]
    # Two words at least: one word alone ("data", "closed") is no topic.
    if best >= MIN_SCORE and best >= LEAD * second and len(shared) >= 2:
        return cid
    return None
