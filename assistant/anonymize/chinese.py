"""Chinese recognizers on jieba's tokens: people's names, organisations and postal addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.anonymize.base import (
    HAN,
    Candidate,
    Collector,
    Doc,
    Token,
    alt,
    common_word,
    dictionary_word,
    is_han,
)
from assistant.anonymize.lexicon import (
    ADMIN_SUFFIX,
    AFTER_NAME,
    AMBIGUOUS_2,
    ANON_MARKS,
    COMMON_SURNAMES,
    DEPARTMENTS,
    DOMAIN_WORDS,
    INDUSTRY_WORDS,
    KNOWN_BRANDS,
    NOT_GIVEN,
    NOT_NAMES,
    NOT_NICKNAMES,
    NOT_PLACES,
    ORG_COMPLETE,
    ORG_NAME_FLAGS,
    ORG_NAME_VERBS,
    ORG_STOP,
    ORG_STRONG_STOP,
    ORG_SUFFIX,
    PROPER_FLAGS,
    REGIONS,
    ROAD_SUFFIX,
    ROLE_RE,
    ROLES,
    SHORT_TITLES,
    STRONG_TRADES,
    SURNAMES_1,
    SURNAMES_2,
    TITLE_RE,
    TITLE_SURNAME_EXCLUDE,
    TITLES,
)

# Characters that never sit inside a place or building name (they are grammar, not names).
_FUNC = "的了在于是由对将把被从到等并而但该此这那已未不也就还称说与及或"
_NAME_CH = rf"(?:(?![{_FUNC}])[{HAN}])"


_UNIT = r"(?:[0-9]+|[A-Za-z]|[一二三四五六七八九十]+)(?:号楼|号院|号铺|号|栋|幢|座|楼|单元|层|室|铺|弄)"
_ADMIN = rf"(?:{_NAME_CH}{{1,10}}?(?:{alt(ADMIN_SUFFIX)}))"
_ROAD = rf"(?:(?:{_NAME_CH}|[A-Za-z0-9]){{1,12}}?(?:{alt(ROAD_SUFFIX)})(?:[东南西北中]段|[一二三四五六七八九十0-9]+段)?)"
_BLDG = rf"(?:(?:{_NAME_CH}|[A-Za-z]){{0,10}}?{_UNIT})"

# Chinese addresses: admin units then a road, or admin units then building units. The match may start
# on a verb or a label ("位于…", "地址…"), so the tokens decide where the address really begins.
_ADDRESS_ZH = (re.compile(rf"{_ADMIN}*{_ROAD}{_BLDG}*"), re.compile(rf"{_ADMIN}+{_BLDG}+"))
# After trimming, what is left must still be an address: a road with something before or after it, or
# admin units with a building number.
_ADDRESS_ZH_STRICT = (
    re.compile(rf"{_ADMIN}+{_ROAD}{_BLDG}*"), re.compile(rf"{_ROAD}{_BLDG}+"), re.compile(rf"{_ADMIN}+{_BLDG}+"),
)

_COMPOUND_SURNAME = re.compile("|".join(SURNAMES_2))
_TITLE_FULL = re.compile(f"(?:{TITLE_RE})")  # fullmatch: the word is a title
_TITLE_END = re.compile(f"(?:{TITLE_RE})$")
_ROLE_BEFORE = re.compile(rf"(?:{ROLE_RE})\s*[:：]?\s*$")
_LIST_SEPARATOR = re.compile(r"[、和与及,，]\s*")
_SURNAME_TITLE = re.compile(
    "(" + "|".join(SURNAMES_2) + "|[" + "".join(sorted(SURNAMES_1)) + "])(" + TITLE_RE + ")"
)
_ROLE_THEN_SURNAME = re.compile(
    rf"(?:{ROLE_RE})\s*(?:[:：]|为|是)?\s*(?=(?:{'|'.join(SURNAMES_2)}|[{''.join(sorted(SURNAMES_1))}]))"
)


# ---------------------------------------------------------------------------

def _trim_address(start: int, end: int, text: str, tokens: list[Token]) -> tuple[int, int] | None:
    """Move a Chinese address match's start to its first place word: the regex can begin on a verb or a label."""
    inside = [t for t in tokens if t.end > start and t.start < end]
    if not inside:
        return None
    first = 0

    def placey(t: Token) -> bool:
        return t.flag in ("ns", "nz", "nr", "nrt", "nt", "m", "eng") or t.word.endswith(ADMIN_SUFFIX + ROAD_SUFFIX)

    for i, t in enumerate(inside):
        breaker = t.flag[:1] in ("v", "p", "c", "u", "d", "r", "x") and t.flag != "vn"
        if breaker and len(t.word) == 1 and 0 < i < len(inside) - 1 and placey(inside[i - 1]) and placey(inside[i + 1]):
            breaker = False  # jieba's misreading inside a place name: "郑州市 经/p 开区"
        followed_by_road = i + 1 < len(inside) and inside[i + 1].word.endswith(ROAD_SUFFIX)
        if breaker and not followed_by_road and t.start >= start and not t.word.endswith(ROAD_SUFFIX + ADMIN_SUFFIX):
            first = i + 1
    for t in inside[first:]:
        if placey(t) and t.word not in REGIONS:
            s = max(t.start, start)
            # End on a word boundary ("…27号院内" ends after 号, "矿区路况" is no road), the longest that still parses.
            for e in sorted({x.end for x in inside if s < x.end <= end}, reverse=True):
                if any(p.fullmatch(text, s, e) for p in _ADDRESS_ZH_STRICT):
                    return s, e
            return None
    return None


def _persons_zh(text: str, tokens: list[Token], starts: dict[int, int], ends: set[int], add) -> None:
    def given_ok(given: str) -> bool:
        return bool(given) and all(is_han(c) for c in given) and not (set(given) & (ANON_MARKS | NOT_GIVEN))

    def _third_char(i: int) -> int | None:
        """A one-character token jieba split off the end of a two-character name ("白雪/nr 峰/nr 表示")."""
        tok = tokens[i]
        if len(tok.word) != 2 or i + 1 >= len(tokens):
            return None
        nxt = tokens[i + 1]
        if len(nxt.word) == 1 and nxt.flag in ("nr", "nrfg", "ng") and is_han(nxt.word) and nxt.word not in AFTER_NAME:
            after = nxt.end
            if after >= len(text) or not is_han(text[after]) or text[after] in AFTER_NAME:
                return after
            if after in starts and tokens[starts[after]].flag[:1] in ("v", "d", "p", "c", "u"):
                return after
        return None

    def name_end(s: int, surname_len: int) -> int | None:
        """End of a name whose surname starts at s: the jieba token if it is a name-sized one, else 1-2 chars."""
        i = starts.get(s)
        if i is not None:
            tok = tokens[i]
            if surname_len < len(tok.word) <= surname_len + 2 and not tok.word.endswith(ADMIN_SUFFIX + ROAD_SUFFIX):
                return _third_char(i) or tok.end
        g = s + surname_len
        if g >= len(text) or not is_han(text[g]) or text[g] in AFTER_NAME:
            return None
        if g + 1 < len(text) and is_han(text[g + 1]) and text[g + 1] not in AFTER_NAME:
            # Two given characters unless jieba sees a word starting at the second one ("李娜负责").
            j = starts.get(g + 1)
            if j is not None and len(tokens[j].word) >= 2 and tokens[j].flag not in ("nr", "nrfg", "nrt"):
                return g + 1
            return g + 2
        return g + 1

    # 1. jieba's person tags, filtered by the surname list and by how common the word is.
    for i, t in enumerate(tokens):
        w = t.word
        if t.flag not in ("nr", "nrfg", "nrt") or w in NOT_NAMES or w in TITLES or w in ROLES:
            continue
        if common_word(w):
            continue  # 周转, 高峰, 文明: jieba's dictionary tags them nr; context rules below still apply
        if w.endswith(ADMIN_SUFFIX + ROAD_SUFFIX) or w.endswith(ORG_SUFFIX):
            continue
        sl = 2 if w[:2] in SURNAMES_2 else (1 if w[0] in SURNAMES_1 else 0)
        if not sl:
            continue
        if _TITLE_FULL.fullmatch(w, sl):
            continue  # 李工, 刘总: handled by the title rule
        if sl == 2 and len(w) == 2:
            continue  # a bare compound surname: the compound rule decides
        given = w[sl:]
        if sl == 1 and len(given) == 1 and w[0] not in COMMON_SURNAMES:
            continue  # 查新/nr, 单中/nr: jieba's guess alone is too weak for a rare surname; context rules decide
        if 1 <= len(given) <= 2 and given_ok(given):
            add("person", t.start, (_third_char(i) if sl == 1 else None) or t.end)
        elif len(given) == 3 and given_ok(given[:2]) and w[sl + 2 :] in AFTER_NAME | {"经", "主", "工", "总"}:
            add("person", t.start, t.start + sl + 2)

    # 1b. a surname jieba tagged on its own, cut off from its given name ("廖/nr 红梅/nr", "丁/nr 浩然/a").
    for i, t in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        if not (t.flag in ("nr", "nrfg") and len(t.word) == 1 and t.word in SURNAMES_1):
            continue
        if not (1 <= len(nxt.word) <= 2 and given_ok(nxt.word)) or _TITLE_FULL.match(nxt.word):
            continue
        if nxt.word[0] in AFTER_NAME:
            continue
        hard_bound = nxt.end >= len(text) or not is_han(text[nxt.end])
        bounded = hard_bound or text[nxt.end] in AFTER_NAME
        loose = (bounded and nxt.flag in ("a", "ad", "an", "d", "n", "ns", "nz", "ng", "i", "t", "j")) or (
            hard_bound and nxt.flag == "v" and len(nxt.word) == 2 and not common_word(nxt.word)  # 陶/nr 建新/v ，
        )
        if nxt.flag in ("nr", "nrfg", "nrt") or loose:
            add("person", t.start, nxt.end)

    # 2. compound surnames (欧阳娜娜, 司马光明, 上官婉儿), which jieba often splits or tags as places.
    for m in _COMPOUND_SURNAME.finditer(text):
        s = m.start()
        if s in starts:
            tok = tokens[starts[s]]
        else:
            continue
        e = s + 2
        if e >= len(text) or not is_han(text[e]) or text[e] in AFTER_NAME:
            continue
        if len(tok.word) == 2:  # jieba kept the surname apart: the next token or a role word must vouch for it
            nxt = tokens[starts[e]] if e in starts else None
            tagged = nxt is not None and nxt.flag in ("nr", "nrfg", "nrt")
            context = _ROLE_BEFORE.search(text[max(0, s - 8) : s]) is not None
            single = nxt is not None and len(nxt.word) == 1
            if not (tagged or context or (single and m.group(0) not in AMBIGUOUS_2)):
                continue
        g2 = e + 1
        end = e + 2 if g2 < len(text) and is_han(text[g2]) and text[g2] not in AFTER_NAME else e + 1
        if _TITLE_FULL.match(text, e):
            continue  # 欧阳经理: the title rule
        if given_ok(text[e:end]) and not text[s:end].endswith(ORG_SUFFIX):
            add("person", s, end)

    # 3. surname + title (王经理, 张主任, 李工, 欧阳经理): the surname is replaced, the title kept.
    for m in _SURNAME_TITLE.finditer(text):
        s, se, e = m.start(1), m.end(1), m.end(2)
        sur, title = m.group(1), m.group(2)
        if sur in TITLE_SURNAME_EXCLUDE or text[s:e] in NOT_NAMES or s not in starts:
            continue
        tok = tokens[starts[s]]
        if tok.end > se and tok.end != e:
            continue  # the surname character opens another word ("高于", "施工方")
        if tok.end == e and tok.flag not in ("nr", "nrfg", "nrt", "nt") and dictionary_word(tok.word):
            continue  # the whole thing is an ordinary word ("班组长")
        if tok.end == se:
            if se not in starts or e not in ends:
                continue  # the title is the start of a longer word ("何总结")
            if title in SHORT_TITLES and tokens[starts[se]].word != title:
                continue
            prev_ok = s == 0 or not is_han(text[s - 1]) or (s in starts and tokens[starts[s] - 1].end == s)
            if not prev_ok:
                continue
        elif title in SHORT_TITLES and tok.flag not in ("nr", "nrfg", "nrt", "nt", "nz"):
            continue  # 施工/v, 化工/n
        if text[se : se + 1] in ANON_MARKS:
            continue
        add("person", s, se, key_text=text[s:e])

    # 4. a role word then a surname: "工程师刘晓明", "联系人：司马光明", "客户王芳".
    for m in _ROLE_THEN_SURNAME.finditer(text):
        s = m.end()
        sl = 2 if text[s : s + 2] in SURNAMES_2 else 1
        glued = any(t.start == m.start() and t.end == s + 1 for t in tokens)
        if s not in starts and sl == 1 and not glued:
            continue  # the surname starts a word ("维修工单数"), unless jieba glued it to the role ("客户王/n 芳/nr")
        if m.start() not in starts:
            continue  # the role word is the tail of another word
        if text[s - 1 : s + 1] in DOMAIN_WORDS:
            continue  # the role's last character makes a word with the next one: "维修工单"
        first = tokens[starts[s]] if s in starts else None
        if first is not None and len(first.word) == 1 and first.flag[:1] in ("p", "c", "r", "u", "d"):
            # A preposition or pronoun that happens to be a surname ("师傅向其…", "用户曾投诉"); an adverb or
            # pronoun reading is jieba's guess too ("主管尚/d 海峰/n", "厂长何/r 永明/nz"), kept when a name-like
            # word follows.
            nxt = tokens[starts[s + 1]] if s + 1 in starts else None
            adverb_then_name = (
                first.flag[:1] in ("d", "r") and nxt is not None and nxt.flag[:1] in ("n", "a", "i", "j")
                and len(nxt.word) <= 2 and not common_word(nxt.word)
            )
            if not adverb_then_name:
                continue
        e = name_end(s, sl)
        if first is not None and len(first.word) > sl and first.flag not in ("nr", "nrfg", "nrt"):
            covered = e == first.end and (
                common_word(first.word) or (first.flag[:1] == "n" and dictionary_word(first.word))
            )
            if covered or (len(first.word) == sl + 2 and common_word(first.word[sl:])):
                continue  # "工程师安排", "经理任命", "客服全权限": a word, not a name (but 总监甘露/v 明确…)
        if e is None or e - s - sl > 2 or e - s - sl < 1:
            continue
        given = text[s + sl : e]
        if not given_ok(given) or text[s:e] in NOT_NAMES or _TITLE_FULL.match(given):
            continue
        add("person", s, e)


def _enumerated_persons(
    text: str, tokens: list[Token], starts: dict[int, int], cands: list[Candidate], add
) -> None:
    """A name listed right after a found one ("维修员邓志刚、廖红梅均未…") is a person too."""
    ends = {c.end for c in cands if c.kind == "person"}
    for m in _LIST_SEPARATOR.finditer(text):
        if m.start() not in ends:
            continue
        s = m.end()
        sl = 2 if text[s : s + 2] in SURNAMES_2 else (1 if text[s : s + 1] in SURNAMES_1 else 0)
        if not sl:
            continue
        e = s + sl
        while e < len(text) and e - s - sl < 2 and is_han(text[e]) and text[e] not in AFTER_NAME:
            e += 1
        j = starts.get(s)
        if j is None:
            continue
        tok = tokens[j]
        function_word = tok.flag[:1] in ("p", "c", "r", "u", "d", "m")
        if tok.flag not in ("nr", "nrfg", "nrt") and (tok.end > s + sl or function_word):
            continue  # a word starts at the surname character ("张伟和方案…")
        tail_ok = e >= len(text) or not is_han(text[e]) or text[e] in AFTER_NAME
        given = text[s + sl : e]
        if 1 <= len(given) <= 2 and tail_ok and not (set(given) & ANON_MARKS) and text[s:e] not in NOT_NAMES:
            add("person", s, e)


def _orgs_zh(text: str, tokens: list[Token], add) -> None:
    """An organisation ends in a suffix token (有限公司, 集团, 服务站...); its name is walked back token by token."""
    for i, t in enumerate(tokens):
        w = t.word
        if t.flag == "nt" and len(w) >= 3 and not _TITLE_END.search(w) and not w.endswith(DEPARTMENTS):
            add("org", t.start, t.end)  # 长城汽车; not 人力资源部, a department every company has
        trade = next((x for x in INDUSTRY_WORDS if w.endswith(x)), "")
        brand = w[: -len(trade)] if trade else ""
        if brand and (brand in KNOWN_BRANDS or (t.flag == "nz" and not common_word(brand))):
            add("org", t.start, t.end)  # 格力电器/nz, 格力空调/n: a brand and its trade in one word (not 即时通讯/nz)
        if not w.endswith(ORG_SUFFIX):
            continue
        suffix = next(s for s in ORG_SUFFIX if w.endswith(s))
        # A legal form (有限公司, 有限责任/l 公司): what precedes it is a name, whatever jieba calls it.
        legal = any(x in (tokens[i - 1].word if i else "") + w for x in ("有限", "股份"))
        # A plain 集团 is registered like a legal form, but 企业集团 and 该集团 are words: walk as for a legal
        # form, then ask for a name-like word in the run (迅达/a, which jieba's dictionary does not know).
        group = not legal and w == "集团"
        parts = _org_name_tokens(tokens, i, legal or group)
        if parts and parts[0].word.startswith("某某") and t.end - len(suffix) > parts[0].start + 2:
            add("org", parts[0].start, t.end)  # 某某家电厂: the audit's stand-in for a real name keeps its trade
            continue
        if not parts or any("某" in p.word for p in parts):
            continue
        core = [p for p in parts if p.word not in ("(", ")", "（", "）")]
        proper = any(
            p.flag in PROPER_FLAGS and p.word not in REGIONS and not (p.flag == "eng" and len(p.word) < 2)
            for p in core
        )
        if group:
            if proper or any(_name_like(p) for p in core):
                add("org", parts[0].start, t.end)
            continue
        if len(w) > len(suffix) and t.flag in ("nt", "nz", "ns", "nr", "nrt"):
            proper = proper or w[: -len(suffix)] not in ("维修", "服务", "客户服务", "售后服务", "客服", "呼叫", "配件", "备件")
        if proper or (legal and len("".join(p.word for p in core)) >= 2):
            add("org", parts[0].start, t.end)


def _name_like(t: Token) -> bool:
    """A Chinese word jieba made up from characters (its dictionary lacks it): in an organisation, its name."""
    return len(t.word) >= 2 and all(is_han(c) for c in t.word) and not dictionary_word(t.word) and t.flag[:1] != "m"


def _org_name_tokens(tokens: list[Token], i: int, legal: bool) -> list[Token]:
    """Tokens before the suffix token i that belong to the organisation's name (may be empty)."""
    company = tokens[i].word.endswith(("公司", "股份"))
    parts: list[Token] = []
    k, budget = i - 1, 10 if legal else 8
    while k >= 0 and budget > 0:
        p = tokens[k]
        if p.word in (")", "）"):  # "(集团)" inside a company name
            m = k - 1
            while m >= 0 and m > k - 4 and tokens[m].word not in ("(", "（"):
                m -= 1
            if company and m >= 0 and tokens[m].word in ("(", "（"):
                parts = tokens[m : k + 1] + parts
                k, budget = m - 1, budget - 1
                continue
            break
        if "某" in p.word:
            return [p] + parts  # already anonymous
        if p.word.endswith(ORG_COMPLETE) and not (company and p.word.endswith(("集团", "股份"))):
            break
        if legal:
            stop = (
                p.word in ORG_STRONG_STOP
                or p.flag[:1] in ("p", "c", "u", "r", "y", "e", "o", "w")
                or (p.flag == "x" and p.word not in "&·")
                or (p.flag == "d" and len(p.word) == 1)
                or (p.flag == "m" and not (k + 1 < len(tokens) and tokens[k + 1].flag == "eng")
                    and not _numeral_name(tokens, k))
            )
        else:
            stop = p.word in ORG_STOP or p.word[:1] in "两三四五几多各每数" or not (
                p.flag in ORG_NAME_FLAGS
                or p.word in ORG_NAME_VERBS
                or (p.flag == "m" and k + 1 < len(tokens) and tokens[k + 1].flag == "eng")
                or (p.flag == "x" and p.word in "&·")
            )
        if stop:
            break
        parts = [p] + parts
        k, budget = k - 1, budget - 1
    if legal:  # a verb or a direction word opening the run belongs to the sentence ("委托华强电器有限公司")
        while parts and (
            (p := parts[0]).flag[:1] in ("v", "f", "q", "d") and p.flag != "vn" and p.word not in ORG_NAME_VERBS
        ):
            parts.pop(0)
    return parts



def _numeral_name(tokens: list[Token], k: int) -> bool:
    """Chinese numerals that open a name (三/m 一/m 重工 → 三一重工), not a count (三/m 家/q)."""
    if not all(c in "一二三四五六七八九十百千万" for c in tokens[k].word):
        return False
    j = k + 1
    while j < len(tokens) and tokens[j].flag == "m":
        j += 1
    return j < len(tokens) and tokens[j].flag[:1] not in ("q", "m", "x") and is_han(tokens[j].word[0])


# ---------------------------------------------------------------------------
# Tokens jieba's dictionary splits the wrong way for our purposes.

# 家电厂 comes out as 家/q 电厂/n (a power plant): the trade and its 厂 belong together.
_MERGES = {("家", "电厂"): "n"}


def retokenize(tokens: list[Token]) -> list[Token]:
    """Join the pairs in _MERGES; every other token is kept as jieba cut it."""
    out: list[Token] = []
    for t in tokens:
        if out and (out[-1].word, t.word) in _MERGES and out[-1].end == t.start:
            prev = out.pop()
            t = Token(prev.word + t.word, _MERGES[(prev.word, t.word)], prev.start, t.end)
        out.append(t)
    return out


# ---------------------------------------------------------------------------
# Names written the informal way: 小陈, 老王, and with spaces (王 伟).

_NICKNAME = re.compile("[小老](?=[" + "".join(sorted(SURNAMES_1)) + "])")
_SPACE = "[ \u3000]"
_SPACED_NAME = re.compile(
    "(" + "|".join(SURNAMES_2) + "|[" + "".join(sorted(SURNAMES_1)) + f"]){_SPACE}{{1,2}}"
    + f"([{HAN}](?:{_SPACE}?[{HAN}])?)"
)


_GLUED_BEFORE = set("由和与给让找被跟向对请叫")


def _boundary_after(doc: Doc, e: int) -> bool:
    text = doc.text
    return e >= len(text) or not is_han(text[e]) or text[e] in AFTER_NAME or e in doc.starts


class NicknameRecognizer:
    """小陈, 老王: 小/老 and a surname standing as a word of its own; the whole nickname is replaced."""

    name = "nickname"

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        text = doc.text
        for m in _NICKNAME.finditer(text):
            s, e = m.start(), m.start() + 2
            pair = text[s:e]
            if pair in NOT_NICKNAMES:
                continue
            if s not in doc.starts:
                # jieba glues a preposition on (由小赵/nr 负责): trust its name tag when the rest is the nickname.
                glued = next((t for t in doc.tokens if t.start == s - 1 and t.end == e), None)
                if glued and glued.flag in ("nr", "nrfg") and text[s - 1] in _GLUED_BEFORE and _boundary_after(doc, e):
                    yield Candidate("person", s, e, pair)
                continue
            tok = doc.tokens[doc.starts[s]]
            if tok.end == s + 1:  # 小/a 陈/nr: the surname must be a one-character word too (not 小/a 陈列/v)
                if s + 1 not in doc.starts or doc.tokens[doc.starts[s + 1]].end != e:
                    continue
            elif tok.end != e:
                continue  # 小程序, 老年人: a longer word
            if not _boundary_after(doc, e) or text[e : e + 1] in ANON_MARKS:
                continue
            if e < len(text) and is_han(text[e]) and e in doc.starts:
                nxt = doc.tokens[doc.starts[e]]
                if nxt.flag[:1] == "q" or nxt.word[0] in NOT_GIVEN:
                    continue  # 小李子, 老张家: the pair is part of a phrase
            yield Candidate("person", s, e, pair)


class SpacedNameRecognizer:
    """王 伟, 李 娜, 欧阳 娜娜: a name typed with spaces between surname and given name. Keyed without the spaces,
    so 王 伟 and 王伟 in one text share a placeholder."""

    name = "person-spaced"

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        text = doc.text
        for m in _SPACED_NAME.finditer(text):
            s = m.start()
            surname = m.group(1)
            # The given name stops where the sentence goes on (李 娜未回访 → 娜): prefer a clear end (punctuation,
            # 的, 未...), else a word boundary jieba sees.
            ends = [m.end(), m.start(2) + 1] if len(m.group(2)) > 1 else [m.end()]
            choice = None
            for strict in (True, False):
                for e in ends:
                    given = re.sub(_SPACE, "", text[m.start(2) : e])
                    if set(given) & (AFTER_NAME | NOT_GIVEN | ANON_MARKS) or not given:
                        continue
                    clear = e >= len(text) or not is_han(text[e]) or text[e] in AFTER_NAME
                    if clear or (not strict and e in doc.starts):
                        choice = (e, given)
                        break
                if choice:
                    break
            if choice is None:
                continue
            e, given = choice
            joined = surname + given
            if joined in NOT_NAMES or _TITLE_FULL.fullmatch(given):
                continue
            role = _ROLE_BEFORE.search(text[max(0, s - 8) : s]) is not None
            starts_word = s == 0 or not is_han(text[s - 1]) or text[s - 1] in AFTER_NAME
            # Without a role word before it, a frequent word typed with a space (高 温) is no name; 李娜 after
            # 联系人 is one, however often jieba's corpus saw it.
            if role or (starts_word and (surname in COMMON_SURNAMES or len(surname) == 2) and not common_word(joined)):
                yield Candidate("person", s, e, joined)


# ---------------------------------------------------------------------------
# Rural addresses: towns and villages have no road or house number (吴中区木渎镇金山村3组).

_RURAL_SUFFIX = ("街道", "社区", "嘎查", "镇", "乡", "村")
_RURAL_UNIT = re.compile(r"(?:[0-9]+|[一二三四五六七八九十]+)(?:组|队|社|号)")


def _admin_token(t: Token) -> bool:
    """A named admin unit (苏州市, 吴中区), not a phrase about all of them (全市, 各区)."""
    return (
        (t.flag == "ns" or t.word.endswith(ADMIN_SUFFIX)) and t.word not in REGIONS and len(t.word) >= 2
        and t.flag != "r" and t.word[0] not in _NOT_A_NAME_START
    )


_NOT_A_NAME_START = "各全本该每此这那其某"
_ADMIN_CHARS = set("省市区县镇乡村州盟旗街道社")


class RuralAddressRecognizer:
    """A village (金山村), or a town with the county or district before it (吴中区木渎镇), with the admin units
    before and the village group after (3组). jieba often cuts a village's name (金/nr 山村/ns): the name is
    rebuilt from the short words before the suffix."""

    name = "address-rural"

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        tokens = doc.tokens
        for i, t in enumerate(tokens):
            suffix = next((x for x in _RURAL_SUFFIX if t.word.endswith(x)), None)
            if suffix is None:
                continue
            first = i
            name = t.word[: -len(suffix)]
            # Rebuild a name jieba cut in pieces: 金/nr 山村/ns, 三/m 坡/n 镇/n.
            while len(name) < 2 and first > 0 and _name_piece(tokens[first - 1]):
                first -= 1
                name = tokens[first].word + name
            # A direction or size character opens many village names (大/n 王庄村/nr, 东/f 金山村).
            if first > 0 and tokens[first - 1].word in _VILLAGE_PREFIX and tokens[first - 1].end == tokens[first].start:
                first -= 1
                name = tokens[first].word + name
            name_start = tokens[first].start
            # jieba glues a verb to the name (称金/n 山村/ns): the name starts after the last grammar character,
            # and nothing before it belongs to the address.
            cut = max((n for n, c in enumerate(name) if c in _FUNC or c in AFTER_NAME), default=-1) + 1
            name, name_start = name[cut:], name_start + cut
            unit = name + suffix
            if not 2 <= len(name) <= 5 or unit in NOT_PLACES or name in NOT_PLACES or common_word(unit):
                continue
            if name[0] in _NOT_A_NAME_START or any(c in ANON_MARKS for c in name) or set(name) <= _ADMIN_CHARS:
                continue  # 该村, 某某村, 县乡镇
            # Admin units before: 江苏省/ns 苏州市/ns 吴中区/nr, and 仁和/nr 街道/n where jieba split one.
            start, k = name_start, first - 1
            while not cut and k >= 0:
                split = tokens[k].word in ADMIN_SUFFIX and k > 0 and _name_piece(tokens[k - 1])
                if split and len(tokens[k - 1].word) >= 2:
                    k -= 1
                elif not _admin_token(tokens[k]):
                    break
                start = tokens[k].start
                k -= 1
            village = suffix in ("村", "社区", "嘎查")
            if not (village or start < name_start or t.flag == "ns"):
                continue  # a town alone, unknown to jieba: too weak
            end = t.end
            # Villages after a town, then the group: 木渎镇 金山村 3组.
            j = i + 1
            while j < len(tokens) and tokens[j].word.endswith(("村", "社区")) and len(tokens[j].word) >= 3:
                end = tokens[j].end
                j += 1
            m = _RURAL_UNIT.match(doc.text, end)
            if m:
                end = m.end()
            yield Candidate("address", start, end, doc.text[start:end])


# What jieba calls the pieces of a place name it does not know (金/nr 山村/ns, 木渎/ns 镇/n, 三/m 坡/n 镇/n).
_NAME_PIECE_FLAGS = {"n", "nr", "nrfg", "nrt", "ns", "nz", "ng", "j", "b"}
_VILLAGE_PREFIX = set("大小新老东西南北上下前后中")


def _name_piece(t: Token) -> bool:
    """A short word that can be part of a place name jieba cut up (not 偏远/a before 山村: a description)."""
    if len(t.word) > 2 or not all(is_han(c) for c in t.word) or t.word.endswith(ADMIN_SUFFIX):
        return False
    return t.flag in _NAME_PIECE_FLAGS or (t.flag == "m" and all(c in "一二三四五六七八九十" for c in t.word))


# ---------------------------------------------------------------------------
# Organisations named by brand and trade, without a legal form: 格力电器, 海尔空调, 三一重工.

def _brand_like(t: Token, trade: str, after_place: bool) -> bool:
    """A brand: a known one, a proper noun jieba tags (and does not count as frequent), or a word jieba does not
    know, before a trade that names companies (美澜电器) or after a city (深圳 迅达 通信)."""
    if t.word in KNOWN_BRANDS:
        return True
    if t.word in REGIONS or t.word in ORG_STOP or t.word in INDUSTRY_WORDS or common_word(t.word):
        return False
    if t.flag in ("nr", "nrfg"):
        return t.word[0] in SURNAMES_1  # 张记电器; jieba tags verbs nr too (列明/nr 电气)
    if t.flag in ("nz", "nt", "nrt") or (t.flag == "eng" and len(t.word) >= 2 and t.word[0].isupper()):
        return True
    return _name_like(t) and t.flag[:1] in ("n", "a", "j") and (trade in STRONG_TRADES or after_place)


class BrandOrgRecognizer:
    """A brand right before a trade word (格力电器, 美澜电器, 三一重工): the organisation runs from the brand (with
    a city before it) to the trade."""

    name = "org-brand"

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        tokens = doc.tokens
        for i in range(len(tokens) - 1):
            brand, trade = tokens[i], tokens[i + 1]
            if trade.word not in INDUSTRY_WORDS:
                continue
            place = i > 0 and tokens[i - 1].flag == "ns" and tokens[i - 1].word not in REGIONS
            if not _brand_like(brand, trade.word, place):
                continue
            start = tokens[i - 1].start if place else brand.start  # 深圳 迅达 通信 …
            end = trade.end
            j = i + 2
            while j < len(tokens) and tokens[j].word in INDUSTRY_WORDS:
                end = tokens[j].end
                j += 1
            yield Candidate("org", start, end, doc.text[start:end])


def org_alias(doc: Doc, cand: Candidate) -> str | None:
    """The short name an organisation is also called by (三一 for 三一重工股份有限公司, 澳柯玛 for 青岛澳柯玛售后服务
    有限公司): its words after the place names, up to its trade or legal form. None when that is an everyday word."""
    inside = [t for t in doc.tokens if cand.start <= t.start and t.end <= cand.end]
    k = 0
    while k < len(inside) and (inside[k].flag == "ns" or inside[k].word.endswith(ADMIN_SUFFIX)):
        k += 1
    core = ""
    for t in inside[k:]:
        if t.word in INDUSTRY_WORDS or t.word in ORG_NAME_VERBS or t.word.endswith(ORG_SUFFIX) or t.flag[:1] in "vx":
            break
        core += t.word
    if not 2 <= len(core) <= 6 or not all(is_han(c) for c in core) or len(core) == cand.end - cand.start:
        return None
    if common_word(core) or core in REGIONS:
        return None  # 美的, 长城: searched for again they would hit ordinary prose
    return core


# ---------------------------------------------------------------------------
# The recognizers the engine registers, wrapping the rules above.

class ChinesePersons:
    """jieba's person tags, compound surnames, surname + title (王经理) and role + name (工程师刘晓明)."""

    name = "person-zh"

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        add = Collector(doc.text)
        _persons_zh(doc.text, doc.tokens, doc.starts, doc.ends, add)
        return iter(add.items)


class EnumeratedPersons:
    """A name listed after a found one (邓志刚、廖红梅): runs after every other person recognizer."""

    name = "person-list"

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        add = Collector(doc.text)
        _enumerated_persons(doc.text, doc.tokens, doc.starts, doc.found, add)
        return iter(add.items)


class ChineseOrgs:
    """Organisations ending in a legal form or an organisation word (有限公司, 集团, 服务站, 厂)."""

    name = "org-zh"

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        add = Collector(doc.text)
        _orgs_zh(doc.text, doc.tokens, add)
        return iter(add.items)


class ChineseAddresses:
    """Admin units with a road or a building number (广东省深圳市南山区科技园南路88号3栋201室)."""

    name = "address-zh"

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        for pattern in _ADDRESS_ZH:
            for m in pattern.finditer(doc.text):
                span = _trim_address(m.start(), m.end(), doc.text, doc.tokens)
                if span:
                    yield Candidate("address", span[0], span[1], doc.text[span[0] : span[1]])
