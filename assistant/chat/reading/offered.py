"""Whether a document named in a message is offered as evidence, or only mentioned: a learned check.

The evidence reader (evidence.py) finds the documents a message names and drops the ones its rules know are no
evidence (absent, defective, a licence held, a count of reports written …). What is left still holds documents
told in passing: "每个人都有培训档案" inside a description of the training system that states a level, "供应商交了
6份8D报告", "检查表有，主要网点每月抽一抽，我觉得就是规范级". Consultants record evidence only when the client
presents a document as something they have and can show; two of them reading the same messages agree on it
(evals/README.md, intake "Round 7"), the rules did not.

The check is a logistic regression over features of the words around the document (below), trained by
`scripts/train_evidence_filter.py` on the Chinese messages of the intake suite's development split only (English
messages keep the rules alone); its weights ship beside this module (`evidence_offered.json`). A document it
judges not offered is not recorded and is said back on a line of its own with the words that would record it
("证据是…"), so nothing is dropped silently.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.learned import LinearCheck, load_linear

if TYPE_CHECKING:  # the Reader mixes EvidenceReading in; only its attributes are read here
    from assistant.chat.reading.text import Clause

WEIGHTS = Path(__file__).with_name("evidence_offered.json")

_F = re.IGNORECASE
# Words that present a document as proof or as something to be shown.
OFFER = re.compile(r"证据|佐证|证明|凭证|材料|能拿出|拿得出|可以拿|能拿|可以提供|能提供|可提供|可以给|能给|给你|发你|准备了|备查|备好|"
                   r"审核时|审核的时候|审核员来|翻给|出示|提交|附上|附件|随时(?:可以|能)?(?:看|查|调)|"
                   r"\b(?:evidence|show|provide|submit|attach\w*|available|on file|can share|prove)\b", _F)
HAVE_BEFORE = re.compile(r"(?:有|建了|建立了|编了|编制了|制定了|发布了|印发了|发了|出了|做了|整了个?|弄了个?|配了|配齐了|补了|补齐了)"
                         r"\s*(?:一份|一套|一本|一个|专门的|完整的|统一的|书面的|正式的)?\s*$"
                         r"|\b(?:have|has|keep|maintain|built|issued|wrote|use)\s+(?:an?|the|our)?\s*$", _F)
HAVE_AFTER = re.compile(r"^\s*(?:》)?\s*(?:都|也|全)?(?:有|有的|齐全|齐|都在|在|受控|发布了|已发布|印发了|都发了)", _F)
LEVEL_SAID = re.compile(r"L[0-5]|[零一二两三四五0-5]\s*级|初始级|规范级|定义级|量化管理级|持续优化级|介于|之间|算[个是]?|够得上|够|"
                        r"\blevel\b|\b(?:initial|managed|defined|optimi[sz]ing)\b", _F)
PRACTICE = re.compile(r"每(?:个|位|月|年|季度|周|半年|人|次)|都按|按照|统一|覆盖|用的是|主要就是|主要是|偶尔|一般|平时|都是|基本|"
                      r"\b(?:every|each|usually|always|mostly|covers?)\b", _F)
DEFECT = re.compile(r"不全|不齐|不完整|不规范|没配全|没补全|过期|失效|补录|补签|手工改|改过|翻不到|找不到|查不到|没按期|没执行|没怎么|"
                    r"不留|缺|漏|超期|没关|未关闭|还开着|\b(?:incomplete|missing|expired|outdated|not kept|backfilled|overdue)\b", _F)
NEG = re.compile(r"没有|没|无|未|尚未|不|冇|莫得|\b(?:no|not|never|without|n't)\b", _F)
# A count before the document ("交了6份8D报告"); 一 after 有 or a verb of making is an article ("我们有一本蓝皮书",
# "每季度出一份调查报告"), not a count.
COUNT_BEFORE = re.compile(r"(?:[0-9]+|[二两三四五六七八九十几多][一二两三四五六七八九十百]*|(?<![有出做写编发])一)\s*(?:份|个|本|篇|条|张|套|项)\s*$")
FINDING = re.compile(r"不符合|观察项|整改|审核员|外审|内审|开了|F\d|\b(?:nonconformit\w*|finding|observation|auditor)\b", _F)
METHOD = re.compile(r"鱼骨图|因果图|帕累托|柏拉图|5\s*why|pdca|8d(?!\s*报告)|头脑风暴|\b(?:fishbone|pareto|5 whys)\b", _F)
OTHERS = re.compile(r"供应商|厂家|主机厂|客户|代理商|经销商|网点自己|外包|第三方|\b(?:supplier|vendor|customer|dealer)s?\b", _F)
INTENT = re.compile(r"计划|准备|打算|要|将|正在|在编|在做|在弄|在写|下个?月|明年|年底前|争取|\b(?:plan\w*|will|going to|drafting|next)\b", _F)
HEADS = {
    "rule": re.compile(r"(?:规范|制度|办法|规定|手册|标准|程序|流程|指导书|细则|方案|说明书|准则)$|(?:manual|policy|procedure|standard|instruction|guideline)s?$", _F),
    "record": re.compile(r"(?:记录|台账|档案|日志|明细|签到表|清单|报表|截图|照片|录音)$|(?:record|log|register|sheet|list|screenshot|photo)s?$", _F),
    "report": re.compile(r"(?:报告|纪要|总结|分析)$|(?:report|minutes|summary|analysis)$", _F),
    "proof": re.compile(r"(?:证书|证|任命书|合同|协议|批文|文件|图)$|(?:certificate|licen[cs]e|contract|agreement|chart)s?$", _F),
}


def features(r, item: str, clause: Clause, a: int, b: int) -> dict[str, float]:
    """The features of one document named at text[a:b] in `clause` of the message read by `r` (a Reader)."""
    text = r.text
    piece = text[clause.start:clause.end]
    sentence = r._sentence_text(clause.sentence)
    before, after = text[clause.start:a], text[b:clause.end]
    near = text[max(clause.start, a - 8):min(clause.end, b + 8)]
    f: dict[str, float] = {
        "bias": 1.0,
        "quoted": float(text[max(0, a - 1):a] == "《" or "《" in text[max(0, a - 2):a + 1]),
        "offer_clause": float(bool(OFFER.search(piece))),
        "offer_sentence": float(bool(OFFER.search(sentence))),
        "offer_message": float(bool(OFFER.search(text))),
        "have_before": float(bool(HAVE_BEFORE.search(before[-14:]))),
        "have_after": float(bool(HAVE_AFTER.match(after))),
        "level_sentence": float(bool(LEVEL_SAID.search(sentence)) or any(r.clause_at(m.start()).sentence == clause.sentence
                                                                          for m in r.level_phrases)),
        "level_message": float(bool(r.level_phrases) or bool(LEVEL_SAID.search(text))),
        "practice_clause": float(bool(PRACTICE.search(piece))),
        "practice_sentence": float(len(PRACTICE.findall(sentence)) >= 2),
        "neg_clause": float(bool(NEG.search(piece))),
        "defect_near": float(bool(DEFECT.search(near))),
        "defect_clause": float(bool(DEFECT.search(piece))),
        "count_before": float(bool(COUNT_BEFORE.search(before[-6:]))),
        "finding_sentence": float(bool(FINDING.search(sentence)) or r.in_findings(a)),
        "method": float(bool(METHOD.search(item))),
        "others_clause": float(bool(OTHERS.search(before))),
        "intent_before": float(bool(INTENT.search(before[-8:]))),
        "numbers_message": min(3.0, float(len(r.quantities))) / 3.0,
        "clause_start": float(not before.strip(" ：:，,")),
        "in_list": float(bool(re.search(r"[、和与及,/]|以及|还有|\band\b", text[max(clause.start, a - 3):a] + text[b:b + 3], _F))),
        "english": float(bool(r.en)),
        "item_long": float(len(item) >= 6),
        "item_short": float(len(item) <= 3),
        "sentences": min(3.0, float(len({c.sentence for c in r.clauses}))) / 3.0,
        "criterion_in_clause": float(any(m.criterion and clause.start <= m.start < clause.end and not (a <= m.start < b)
                                         for m in r.mentions)),
    }
    for name, head in HEADS.items():
        f["head_" + name] = float(bool(head.search(item)))
    for g in grams(text[max(clause.start, a - WINDOW):a] + MASK + text[b:min(clause.end, b + WINDOW)]):
        f["g:" + g] = 1.0
    return f


MASK = "〔D〕"
WINDOW = 6  # characters of the clause read on each side of the document


def grams(text: str) -> set[str]:
    """The character pairs of the words right around a document (the document itself masked): what the hand-made
    features above miss of how people talk about a document they show or only mention ("拿出〔D〕", "都有〔D〕")."""
    t = re.sub(r"\s+", " ", text.lower())
    return {t[i:i + 2] for i in range(len(t) - 1)}


# What makes a document told as had ("有X", "X有") part of a description rather than a statement of what is there:
# read in its own clause (a level said in the clause before, "服务创新L2，有专利证书", leaves "有专利证书" a statement).
CONTEXT = ("practice_clause", "defect_near", "neg_clause", "count_before", "finding_sentence", "others_clause", "method",
           "intent_before")


def always_offered(feats: dict[str, float]) -> bool:
    """Evidence whatever the model says: a document the client puts forward as proof in its own clause ("审核时可以
    提供…", "证据是…"), one named by its title (《…》), and one simply said to be had ("上门有定位签到表", "签到表有")
    with nothing in its clause that makes it part of a described practice, a defect, a count, a finding or someone
    else's. The check weighs only the documents told in such company."""
    if feats.get("offer_clause") or feats.get("quoted"):
        return True
    return bool(feats.get("have_before") or feats.get("have_after")) and not any(feats.get(c) for c in CONTEXT)


def offered(model: LinearCheck, feats: dict[str, float]) -> bool:
    return always_offered(feats) or model.passes(feats)


def load(path: Path = WEIGHTS) -> LinearCheck | None:
    """The shipped weights (None when the file is missing: then every document the rules keep is recorded)."""
    return load_linear(path)
