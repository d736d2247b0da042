"""The words that name criteria, documents and levels: the scheme, the criteria catalogue and prompts/chat_lexicon_zh.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.prompts import load_prompt
from assistant.rules import Scheme, load_scheme

# Initials and finals that people type for each other (s/sh, z/zh, c/ch, n/l, -n/-ng): the same word by ear.
_FUZZY = ((re.compile(r"^zh"), "z"), (re.compile(r"^ch"), "c"), (re.compile(r"^sh"), "s"), (re.compile(r"^l"), "n"),
          (re.compile(r"ng$"), "n"), (re.compile(r"ü|v"), "u"))
_TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuuuuuunnnm")


@dataclass(frozen=True)
class Name:
    """A way of naming a criterion: `targets` maps what is said of it (rate, time, other, or any) to the criterion."""

    text: str  # lower-cased
    targets: tuple[tuple[str, str], ...]
    weak: bool = False

    def criterion(self, kind: str = "other") -> str | None:
        found = dict(self.targets)
        return found.get("any") or found.get(kind)


@dataclass(frozen=True)
class Mention:
    criterion: str | None  # the criterion when the name means one whatever is said of it
    start: int
    end: int
    text: str
    name: Name
    fuzzy: bool = False

    def of(self, kind: str = "other") -> str | None:
        return self.name.criterion(kind)


@lru_cache(maxsize=8192)
def _strict(ch: str) -> frozenset[str]:
    """The readings of one character without tones, and with no confusions folded (管里 is 管理; 管你 is not)."""
    from pypinyin.pinyin_dict import pinyin_dict

    raw = pinyin_dict.get(ord(ch))
    return frozenset(r.translate(_TONES) for r in raw.split(",")) if raw else frozenset()


@lru_cache(maxsize=4096)
def _word_reading(word: str) -> tuple[str, ...]:
    """Each character of a trade word as it reads in that word (审核 is shen he: 核 never reads kai there, so
    "外审开了" stays as written)."""
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(word, style=Style.NORMAL))


@dataclass(frozen=True)
class Lexicon:
    """Names of criteria (longest first), evidence keywords, the catalogue's documents and level descriptors."""

    scheme: Scheme
    names: tuple[Name, ...]
    evidence: tuple[tuple[str, str], ...]  # (keyword lower-cased, criterion), longest first
    documents: dict[str, tuple[str, ...]]  # catalogue document name -> criteria whose evidence lists name it
    doc_heads_zh: tuple[str, ...]
    doc_heads_en: tuple[str, ...]
    descriptors: dict[str, dict[int, str]]  # criterion -> level -> descriptor text
    intents: dict[str, tuple[re.Pattern, ...]]
    fuzzy_index: dict[str, tuple[tuple[Name, tuple[frozenset[str], ...]], ...]]
    # Words of the trade by their shape with one character masked ("管?" -> 管理): see `by_ear`.
    ear_index: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)

    @property
    def aliases(self) -> tuple[tuple[str, str], ...]:
        """(alias, criterion) of the names that always mean one criterion."""
        return tuple((n.text, n.criterion("any")) for n in self.names if n.criterion("any"))  # type: ignore[misc]


@lru_cache(maxsize=8192)
def _syllables(ch: str) -> frozenset[str]:
    """The readings of one Chinese character, toneless and with the usual confusions folded."""
    from pypinyin.pinyin_dict import pinyin_dict

    raw = pinyin_dict.get(ord(ch))
    if not raw:
        return frozenset()
    out = set()
    for r in raw.split(","):
        s = r.translate(_TONES)
        for pattern, repl in _FUZZY:
            s = pattern.sub(repl, s)
        out.add(s)
    return frozenset(out)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _catalogue_documents(catalogue, heads: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Document names in the catalogue's evidence lists ("《备件管理规定》（含…）" → 备件管理规定), each with every
    criterion whose evidence list names it (a name several criteria share places nothing by itself)."""
    texts = {cid: " ".join(e.evidence_examples).replace("《", "").replace("》", "") for cid, e in catalogue.items()}
    head_re = re.compile("(?:" + "|".join(map(re.escape, heads)) + ")$")
    names: set[str] = set()
    for text in texts.values():
        for part in re.split(r"[（）()、，,；;：:\s]|及|与|和|或|以及|如有|的", text):
            part = re.sub(r"^(?:最近12个月|近期|含|各|全部|每条|每个|年度和月度)", "", part.strip())
            if len(part) >= 3 and head_re.search(part):
                names.add(part)
    return {n: tuple(cid for cid, t in texts.items() if n in t) for n in names}


@lru_cache(maxsize=4)
def lexicon(version: str | None = None) -> Lexicon:
    from assistant.knowledge import load_catalogue
    from assistant.settings import get_settings

    scheme = load_scheme(version)
    data = load_prompt("chat_lexicon", "zh")
    names: dict[str, Name] = {}

    def add(word: str, targets: dict[str, str], weak: bool = False) -> None:
        key = str(word).lower().strip()
        if key and key not in names:
            names[key] = Name(key, tuple(sorted(targets.items())), weak)

    for cid, c in scheme.criteria.items():
        add(cid, {"any": cid})
        add(c.name, {"any": cid})
        add(re.sub(r"\s*\(.*\)$", "", c.name_en), {"any": cid})
    for cid, words in (data.get("criteria") or {}).items():
        for w in words:
            add(w, {"any": cid})
    weak = {str(w).lower() for w in data.get("weak_topics") or []}
    for word, targets in (data.get("topics") or {}).items():
        add(word, dict(targets), weak=str(word).lower() in weak)
    ordered = tuple(sorted(names.values(), key=lambda n: (-len(n.text), n.text)))
    ev = tuple(sorted(((str(w).lower(), cid) for cid, ws in (data.get("evidence") or {}).items() for w in ws),
                      key=lambda p: (-len(p[0]), p[0])))
    docs = data.get("documents") or {}
    heads_zh = tuple(sorted(docs.get("zh") or [], key=len, reverse=True))
    heads_en = tuple(sorted(docs.get("en") or [], key=len, reverse=True))
    catalogue = load_catalogue(get_settings().knowledge_dir / "criteria")
    documents = _catalogue_documents(catalogue, heads_zh)
    descriptors = {cid: {int(k[1]): v for k, v in e.levels.items()} for cid, e in catalogue.items()}
    intents = {name: tuple(re.compile(p, re.IGNORECASE) for p in pats) for name, pats in (data.get("intents") or {}).items()}
    fuzzy: dict[str, list] = {}
    for n in ordered:
        if len(n.text) >= 3 and all(_CJK.match(ch) for ch in n.text):
            sylls = tuple(_syllables(ch) for ch in n.text)
            for s in sylls[0]:
                fuzzy.setdefault(s, []).append((n, sylls))
    # Two-character words only from the list itself (证名单 is 证 + 名单, not 证明 + 单); longer ones also from the
    # evidence keywords, document words and names.
    listed = {str(w) for w in data.get("by_ear") or []}
    trade = listed | {w for w, _ in ev if len(w) >= 3} | {h for h in heads_zh if len(h) >= 3} | {n.text for n in ordered if len(n.text) >= 3}
    ear: dict[str, list[tuple[str, int]]] = {}
    for w in sorted(trade):
        if 2 <= len(w) <= 6 and all(_CJK.match(ch) for ch in w):
            for k in range(len(w)):
                ear.setdefault(w[:k] + "?" + w[k + 1:], []).append((w, k))
    return Lexicon(scheme, ordered, ev, documents, heads_zh, heads_en, descriptors, intents,
                   {k: tuple(v) for k, v in fuzzy.items()}, {k: tuple(v) for k, v in ear.items()})


_FUNCTION_CHARS = frozenset("和与及或跟并的地得了着过是有在都也还就把被给让从对向")


def by_ear(text: str, lex: Lexicon) -> str:
    """`text` with the words of the trade typed by ear put right, one character for one so positions stay: a window
    that differs from a trade word in one character that reads the same (管里 → 管理, 不附合 → 不符合). Longer words
    first; a window that already is a trade word is left alone."""
    if not lex.ear_index or not _CJK.search(text):
        return text
    chars = list(text)
    fixed = [False] * len(chars)
    words = {w for entries in lex.ear_index.values() for w, _ in entries}
    # Conjunctions and particles are typed right: "文件和投诉台账" is never 文件化 (和 reads huo, as 化 does).
    for size in range(6, 1, -1):
        for i in range(len(chars) - size + 1):
            window = "".join(chars[i:i + size])
            if window in words or any(fixed[i:i + size]) or not all(_CJK.match(ch) for ch in window):
                continue
            for k in range(size):
                if window[k] in _FUNCTION_CHARS:
                    continue
                for w, pos in lex.ear_index.get(window[:k] + "?" + window[k + 1:], ()):
                    if pos == k and _word_reading(w)[k] in _strict(window[k]):
                        chars[i + k] = w[k]
                        for j in range(i, i + size):
                            fixed[j] = True
                        break
                else:
                    continue
                break
    return "".join(chars)


def _grams(text: str) -> set[str]:
    """Character bigrams of the Chinese runs of `text`."""
    out = set()
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out


@lru_cache(maxsize=4)
def level_signatures(version: str | None = None) -> dict[str, dict[int, frozenset[str]]]:
    """For each criterion and level, the bigrams of its descriptor that no other level of that criterion has:
    what tells "覆盖总部、区域和网点，全部岗位有任职要求" (L3) from "发布了组织架构图" (L2)."""
    lex = lexicon(version)
    out: dict[str, dict[int, frozenset[str]]] = {}
    common = {"服务", "售后", "网点", "记录", "企业", "工程", "程师", "客户", "系统", "全部"}
    for cid, levels in lex.descriptors.items():
        grams = {lv: _grams(text) - common for lv, text in levels.items()}
        out[cid] = {lv: frozenset(g - set().union(*(grams[o] for o in grams if o != lv))) for lv, g in grams.items()}
    return out


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-_")


_WEAK_FOLLOW = re.compile(r"[、,，;；。和与及这方都也]|$|\s")


def mentions(text: str, lex: Lexicon | None = None) -> list[Mention]:
    """Names of criteria in `text`, longest first, never overlapping, in text order; then names typed by ear
    (满以度 for 满意度) in what is left."""
    lex = lex or lexicon()
    low = text.lower()
    taken = [False] * len(low)
    out: list[Mention] = []
    # Long names first, then long names typed by ear, then short names: "返修绿" is 返修率, not 返修.
    longer = [n for n in lex.names if len(n.text) >= 3]
    shorter = [n for n in lex.names if len(n.text) < 3]
    _exact(text, low, longer, taken, out)
    out += _by_ear(text, taken, lex)
    _exact(text, low, shorter, taken, out)
    return sorted(out, key=lambda m: m.start)


def _exact(text: str, low: str, names: list[Name], taken: list[bool], out: list[Mention]) -> None:
    for name in names:
        alias = name.text
        start = 0
        while (i := low.find(alias, start)) >= 0:
            j = i + len(alias)
            start = i + 1
            # An ASCII name stands as a word: "ftf" not inside "aftfoo", "d1.1" not inside "d1.12".
            if alias[0].isascii() and i > 0 and _is_word_char(low[i - 1]):
                continue
            if alias[-1].isascii() and j < len(low) and (_is_word_char(low[j]) and not (low[j] == "s" and not (j + 1 < len(low) and _is_word_char(low[j + 1])))
                                                          or (low[j] == "." and j + 1 < len(low) and low[j + 1].isdigit())):
                continue
            if any(taken[i:j]):
                continue
            if name.weak and not _WEAK_FOLLOW.match(low, j):
                continue
            for k in range(i, j):
                taken[k] = True
            out.append(Mention(name.criterion("any"), i, j, text[i:j], name))


def _by_ear(text: str, taken: list[bool], lex: Lexicon) -> list[Mention]:
    """Names of three or more characters typed with one character that sounds the same (two for long names)."""
    out: list[Mention] = []
    sylls = [(_syllables(ch) if _CJK.match(ch) and not taken[i] else frozenset()) for i, ch in enumerate(text)]
    i = 0
    while i < len(text):
        best = None
        for s in sylls[i]:
            for name, want in lex.fuzzy_index.get(s, ()):
                j = i + len(want)
                if j > len(text) or any(taken[i:j]) or (best and len(best[0].text) >= len(want)):
                    continue
                exact = sum(text[i + k] == name.text[k] for k in range(len(want)))
                wrong = len(want) - exact
                if wrong == 0 or wrong > (2 if len(want) >= 6 else 1) or exact < 2:
                    continue
                if all(sylls[i + k] & want[k] for k in range(len(want))):
                    best = (name, j)
        if best:
            name, j = best
            for k in range(i, j):
                taken[k] = True
            out.append(Mention(name.criterion("any"), i, j, text[i:j], name, fuzzy=True))
            i = j
        else:
            i += 1
    return out
