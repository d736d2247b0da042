"""Chinese/English text helpers: jieba set-up, search tokens, sentence splitting, language detection."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

import jieba
import yaml

from assistant.settings import Settings, get_settings

_lock = threading.Lock()
_ready = False

# Function words and punctuation carry no signal for BM25 or sentence scoring.
_STOP = set(
    "的 了 是 在 和 与 及 或 等 对 为 以 将 被 把 从 由 于 之 其 也 都 而 并 就 要 会 能 可 有 这 那 个 中 "
    "吗 呢 吧 啊 么 什么 怎么 如何 多少 哪些 哪个 是否 一个 我们 你们 他们 我 你 他 她 它 请问 请 "
    "不是 是不是 是不 不会 会不会 能不能 要不要 有没有 没有 还 还是 到底 一下 一些 这个 那个 这些 那些 "
    "怎么样 怎样 为什么 哪 谁 几 啥 咋 得 着 过 给 让 跟 只 就是 但是 可是 如果 因为 所以 然后 "
    "已经 现在 时候 以后 之后 以前 之前 自己 大家 比如 还有 或者 而且 以及 那么 这么 "
    "a an the of to in on for and or is are be was were do does did what which how when who whom why "
    "can could should would will shall may might must with by at as from that this these those it its "
    "our we you your they their i me my if than then there".split()
)
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n+")


def init_jieba(settings: Settings | None = None) -> None:
    """Initialise jieba once, quietly, with its cache in our data directory (not the system temp folder)."""
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        jieba.setLogLevel(logging.WARNING)
        cache_dir = (settings or get_settings()).data_dir / "cache"
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            jieba.dt.tmp_dir = str(cache_dir)
            jieba.dt.cache_file = "jieba.cache"
        except OSError:
            pass  # a read-only data dir: jieba keeps its default cache location
        jieba.initialize()
        for term in domain_terms((settings or get_settings()).knowledge_dir):
            jieba.add_word(term.lower(), tag="n")
        _ready = True


def scope_terms(knowledge_dir: Path) -> list[str]:
    """The `scope` list of knowledge/terms.yaml: words naming the scheme's concepts (the answer writer does not
    decline a question that uses one). An unreadable file gives none, as in `domain_terms`."""
    data = _read_yaml(knowledge_dir / "terms.yaml")
    return [str(t).strip() for t in data.get("scope") or [] if str(t).strip()]


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def domain_terms(knowledge_dir: Path) -> list[str]:
    """Words jieba must keep whole: knowledge/terms.yaml, and the names of the scheme's dimensions, criteria and
    levels and of the catalogue's criteria. Unreadable files are skipped: loading them reports the error."""
    names = [str(t) for t in _read_yaml(knowledge_dir / "terms.yaml").get("terms") or []]
    for path in sorted([*(knowledge_dir / "scheme").glob("*.yaml"), *(knowledge_dir / "criteria").glob("*.yaml")]):
        data = _read_yaml(path)
        for key in ("dimensions", "criteria", "levels"):
            items = data.get(key)
            if isinstance(items, list):
                names += [str(i["name"]) for i in items if isinstance(i, dict) and i.get("name")]
    return [n for n in dict.fromkeys(n.strip() for n in names) if len(n) > 1]


def tokens(text: str) -> list[str]:
    """Search tokens: jieba's fine-grained segmentation, lower-cased, without stop words and punctuation."""
    init_jieba()
    out = []
    for tok in jieba.lcut_for_search(text.lower()):
        tok = tok.strip()
        if tok and tok not in _STOP and not _PUNCT.match(tok):
            out.append(tok)
    return out


@lru_cache(maxsize=4096)
def query_tokens(text: str) -> tuple[str, ...]:
    return tuple(tokens(text))


def is_english(text: str) -> bool:
    """True when the text is written in English rather than Chinese."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    return latin >= 2 and cjk <= latin


def sentences(text: str) -> list[str]:
    """Split a passage into sentences, keeping the closing punctuation with each."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]
