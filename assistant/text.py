"""Chinese/English text helpers: jieba set-up, search tokens, sentence splitting, language detection."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from functools import lru_cache
from pathlib import Path

import jieba
import numpy as np
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
    """Initialise jieba once, quietly: its word table from our memory-mapped cache in the data directory
    (`_FrozenFreq`, built on first use from jieba's own dictionary), then the domain terms."""
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        settings = settings or get_settings()
        jieba.setLogLevel(logging.WARNING)
        cache_dir = settings.data_dir / "cache"
        if not _load_frozen_freq(cache_dir):
            try:
                cache_dir.mkdir(parents=True, exist_ok=True)
                jieba.dt.tmp_dir = str(cache_dir)
                jieba.dt.cache_file = "jieba.cache"
            except OSError:
                pass  # a read-only data dir: jieba keeps its default cache location
            jieba.initialize()
            _save_frozen_freq(cache_dir)
        for term in _cached_domain_terms(settings.knowledge_dir, cache_dir):
            jieba.add_word(term.lower(), tag="n")
        _ready = True


_MISSING = object()
FREQ_FILES = ("jieba_freq_hash.npy", "jieba_freq_count.npy", "jieba_freq.json")


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


class _FrozenFreq:
    """jieba's prefix-frequency table (`Tokenizer.FREQ`) as two memory-mapped arrays: sorted 64-bit word hashes
    and their counts. jieba only looks words up (`in`, `[]`, `get`) and adds a few (`add_word`), so this gives
    the same segmentation as its dict while opening in milliseconds: unpickling the 500,000-entry dict took
    1–1.5 s of every `ask` process."""

    def __init__(self, hashes: np.ndarray, counts: np.ndarray) -> None:
        self._hashes = hashes
        self._counts = counts
        self._memo: dict[str, int | None] = {}

    def _lookup(self, word: str) -> int | None:
        found = self._memo.get(word, _MISSING)
        if found is _MISSING:
            h = np.uint64(_word_hash(word))
            i = int(np.searchsorted(self._hashes, h))
            found = int(self._counts[i]) if i < len(self._hashes) and self._hashes[i] == h else None
            self._memo[word] = found
        return found  # type: ignore[return-value]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._lookup(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self._lookup(word)
        if found is None:
            raise KeyError(word)
        return found

    def get(self, word: str, default=None):
        found = self._lookup(word)
        return default if found is None else found

    def __setitem__(self, word: str, count: int) -> None:
        self._memo[word] = count


def _dictionary_stamp() -> str:
    path = Path(jieba.dt.dictionary or Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME))
    st = path.stat()
    return f"{jieba.__version__}:{path}:{st.st_size}:{st.st_mtime_ns}"


def _load_frozen_freq(cache_dir: Path) -> bool:
    """Install the cached word table in jieba; False when there is none for this jieba dictionary."""
    try:
        meta = json.loads((cache_dir / FREQ_FILES[2]).read_text(encoding="utf-8"))
        if meta.get("stamp") != _dictionary_stamp():
            return False
        hashes = np.load(cache_dir / FREQ_FILES[0], mmap_mode="r")
        counts = np.load(cache_dir / FREQ_FILES[1], mmap_mode="r")
    except (OSError, ValueError):
        return False
    jieba.dt.FREQ, jieba.dt.total, jieba.dt.initialized = _FrozenFreq(hashes, counts), int(meta["total"]), True
    return True


def _save_frozen_freq(cache_dir: Path) -> None:
    """Write jieba's freshly loaded word table as `_FrozenFreq` arrays (before any domain term is added)."""
    freq = jieba.dt.FREQ
    if not isinstance(freq, dict):
        return
    hashes = np.fromiter((_word_hash(w) for w in freq), dtype=np.uint64, count=len(freq))
    counts = np.fromiter(freq.values(), dtype=np.int64, count=len(freq))
    order = np.argsort(hashes, kind="stable")
    hashes, counts = hashes[order], counts[order]
    if np.any(hashes[1:] == hashes[:-1]):
        return  # a hash collision (not seen with jieba's dictionary): keep loading jieba's own table
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for name, arr in ((FREQ_FILES[0], hashes), (FREQ_FILES[1], counts)):
            tmp = cache_dir / f".{name}.{os.getpid()}.tmp"
            with open(tmp, "wb") as fh:
                np.save(fh, arr)
            tmp.replace(cache_dir / name)
        tmp = cache_dir / f".{FREQ_FILES[2]}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"stamp": _dictionary_stamp(), "total": int(jieba.dt.total)}), encoding="utf-8")
        tmp.replace(cache_dir / FREQ_FILES[2])
    except OSError:
        pass  # a read-only data dir: the next process loads jieba's dictionary again


def _cached_domain_terms(knowledge_dir: Path, cache_dir: Path) -> list[str]:
    """`domain_terms`, remembered in the data directory per content of the files they come from (parsing the
    scheme and the catalogue YAML took ~0.4 s of each process start)."""
    files = [knowledge_dir / "terms.yaml",
             *sorted([*(knowledge_dir / "scheme").glob("*.yaml"), *(knowledge_dir / "criteria").glob("*.yaml")])]
    h = hashlib.sha1()
    for f in files:
        try:
            h.update(f.name.encode() + b"\x00" + f.read_bytes())
        except OSError:
            h.update(f.name.encode())
    path = cache_dir / "domain_terms.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("hash") == h.hexdigest():
            return list(data["terms"])
    except (OSError, ValueError, KeyError):
        pass
    terms = domain_terms(knowledge_dir)
    try:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"hash": h.hexdigest(), "terms": terms}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass
    return terms


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
