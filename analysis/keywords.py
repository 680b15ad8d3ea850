"""Keywords for one text or a group of texts: TF-IDF over jieba words, place names kept whole.

Place names matter most for telling one matter from another, so runs of words that end in a
place word (魅力 之 城 小区 -> 魅力之城小区, 月亮 岛路 -> 月亮岛路) are joined, and admin codes of
the anonymised data (A市, A3区) stay whole. Domain stop words (反映, 领导, 您好 ...) are dropped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis import text as textmod
from analysis._lazy import Lazy
from analysis.types import Keyword

IDF_PATH = Path(__file__).with_name("models") / "idf_gov.npz"

STOP_WORDS = frozenset(
    """
    的 了 是 在 我 我们 你 您 你们 他 他们 她 它 和 与 及 也 都 就 有 被 把 对 为 这 那 吗 呢 啊 吧
    请 请问 一个 没有 什么 怎么 怎么办 已经 可以 还 又 但 而 等 个 于 之 其 或 该 很 非常 所 从 到
    给 让 着 过 要 会 能 将 并 但是 因为 所以 如果 就是 这样 这些 那些 哪些 以及 还是 然后 而且
    不 没 无 都是 一些 一直 现在 目前 今年 去年 时候 一下 不能 不是 只能 可能 需要 应该 希望
    反映 反应 投诉 举报 咨询 建议 关于 问题 情况 有关 相关 部门 领导 您好 你好 尊敬 书记 市长
    局长 政府 谢谢 感谢 处理 解决 尽快 严重 影响 要求 强烈 恳请 恳求 呼吁 为何 为什么 何时 是否
    合理 合法 一名 本人 自己 大家 我家 我们家 居民 群众 百姓 老百姓 市民 网友 回复 留言 已 上
    下 中 里 后 前 多 很多 好 大 小 能否 如何 哪里 哪个 多少 这个 那个 此 该 其中 进行 出现
    存在 造成 导致 经过 通过 根据 按照 作为 由于 对于 虽然 以后 以前 之前 之后 最近 近日 日前
    """.split()
)
PLACE_SUFFIXES = (
    "小区", "花园", "花苑", "家园", "公寓", "大厦", "广场", "新城", "新村", "学校", "小学",
    "中学", "幼儿园", "学院", "大学", "医院", "公园", "市场", "大道", "街道", "社区", "高速",
    "高铁", "路", "街", "苑", "园", "城", "湾", "村", "镇", "乡", "桥", "郡",
)
_PLACE_BREAK = frozenset(
    """
    的 了 是 在 我 我们 和 与 及 到 从 对 为 被 把 给 向 往 离 距 距离 靠近 附近 旁边 周边 位于
    地处 门口 对面 沿线 一楼 楼下 反映 反应 投诉 举报 咨询 建议 关于 请 请问 希望 要求 建 修建
    新建 在建 住 住在 家住 业主 居民 问题 情况 严重 一个 这个 那个 所在 去 来 上 说 让 叫
    """.split()
)
_NUMERIC = re.compile(r"[0-9.%:/-]+")
_DIGITS = re.compile(r"[0-9]+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_MAX_PREFIX_TOKENS = 3
_PHASE = re.compile(r"[一二三四五六七八九十0-9]+期$")
_GENERIC_PREFIX = frozenset(
    "整个 本 该 这 那 此 各 每 其 我们 你们 他们 所有 同等 合作 周边 附近 一个 整 全 多个 几个"
    " 规定 设置 检查 地区 城区 农村 公办 民办 私立 公立 住宅 居民 商品房 定向".split()
)
#: A word in more than this share of background documents is no part of a name.
COMMON_SHARE = 0.02


_ROAD = re.compile(r"[东西南北中]路|[东西南北中]街|大道")


def _is_place_end(word: str) -> bool:
    return word.endswith(PLACE_SUFFIXES) or bool(_PHASE.fullmatch(word))


def _is_common(word: str) -> bool:
    freqs = background()
    return freqs.df.get(word, 0) > COMMON_SHARE * freqs.documents


def _can_prefix(word: str) -> bool:
    return (textmod.is_wordlike(word) and word not in _PLACE_BREAK and len(word) <= 4
            and not (len(word) > 1 and _is_place_end(word)) and not _is_common(word)
            and not textmod.ADMIN_CODE.fullmatch(word) and not _NUMERIC.fullmatch(word))


def places(words: Sequence[str]) -> list[str]:
    """Place names joined from segmented words (a run ending in a place word), each once."""
    return list(dict.fromkeys(places_all(words)))


def places_all(words: Sequence[str]) -> list[str]:
    """Every place-name occurrence in segmented words, repeats included."""
    found: list[str] = []
    for i, word in enumerate(words):
        if not _is_place_end(word) or word in _PLACE_BREAK:
            continue
        start = i
        while start > 0 and i - start < _MAX_PREFIX_TOKENS and _can_prefix(words[start - 1]):
            start -= 1
        if start == i and i > 0 and _ROAD.fullmatch(word) and textmod.is_wordlike(words[i - 1]):
            start -= 1  # 劳动 东路: a common word still names a road
        if start < i and words[start] in _GENERIC_PREFIX:
            start += 1
        name = "".join(words[start:i + 1])
        if len(name) >= 3 and start < i:
            found.append(name)
    return found


_GENERIC_ENDS = tuple(sorted((s for s in PLACE_SUFFIXES if len(s) >= 2), key=len, reverse=True))


def place_core(name: str) -> str:
    """A place name without its phase (二期) and generic ending (小区, 新城 ...)."""
    core = name
    for _ in range(2):
        core = _PHASE.sub("", core)
        for end in _GENERIC_ENDS:
            if core.endswith(end) and len(core) - len(end) >= 2:
                core = core[:-len(end)]
                break
    return core


def same_place(a: str, b: str) -> bool:
    """Whether two place names name the same place (海外滩二期小区 ~ 绿地海外滩小区)."""
    core_a, core_b = place_core(a), place_core(b)
    if len(core_a) < 2 or len(core_b) < 2:
        return a == b
    return core_a in b or core_b in a


def words_of(text: str) -> list[str]:
    """Segmented words with a number joined to the word after it (58车贷, 3号线)."""
    words = textmod.segment(textmod.normalize(text))
    out: list[str] = []
    for word in words:
        cjk_word = len(word) >= 2 and "\u4e00" <= word[0] <= "\u9fff"
        if out and cjk_word and _DIGITS.fullmatch(out[-1]):
            out[-1] += word
        else:
            out.append(word)
    return out


def rare_names(words: Sequence[str], max_df: int = 2) -> list[str]:
    """Words of three or more characters that the background corpus barely knows (58车贷)."""
    freqs = background()
    return [w for w in dict.fromkeys(words) if len(w) >= 3 and textmod.is_wordlike(w)
            and w not in STOP_WORDS and not textmod.ADMIN_CODE.fullmatch(w)
            and not _NUMERIC.fullmatch(w) and freqs.df.get(w, 0) <= max_df]


def content_words(words: Sequence[str]) -> list[str]:
    """Words worth counting: two characters or more, no stop words, no bare numbers."""
    return [w for w in words if len(w) >= 2 and w not in STOP_WORDS and textmod.is_wordlike(w)
            and not _NUMERIC.fullmatch(w)]


BIGRAM_PREFIX = "2:"


def bigrams(words: Sequence[str]) -> list[str]:
    """Character bigrams of CJK words (prefixed "2:"), robust to segmentation differences."""
    out: list[str] = []
    for word in words:
        for run in _CJK_RUN.findall(word):
            out.extend(BIGRAM_PREFIX + run[i:i + 2] for i in range(len(run) - 1))
    return out


def terms(text: str) -> list[str]:
    """Content words of a text (with repeats), followed by its joined place names."""
    words = words_of(text)
    return content_words(words) + places(words)


@dataclass(frozen=True)
class DocumentFrequencies:
    """Document frequencies of a background corpus, giving smoothed IDF weights."""

    documents: int
    df: Mapping[str, int]

    def idf(self, term: str, extra_docs: int = 0, extra_df: int = 0) -> float:
        """Smoothed IDF, optionally adding counts seen since (e.g. by a clusterer)."""
        n = self.documents + extra_docs
        return math.log((n + 1) / (self.df.get(term, 0) + extra_df + 1)) + 1.0


def save_background(freqs: DocumentFrequencies, path: Path) -> None:
    """Write background frequencies as a compressed npz (used by scripts/train_idf.py)."""
    terms = sorted(freqs.df)
    np.savez_compressed(path, documents=np.int64(freqs.documents),
                        terms=np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8),
                        df=np.array([freqs.df[t] for t in terms], dtype=np.int32))


def load_background(path: Path = IDF_PATH) -> DocumentFrequencies:
    """Read the background frequencies written by save_background."""
    with np.load(path) as data:
        terms = data["terms"].tobytes().decode("utf-8").split("\n")
        return DocumentFrequencies(int(data["documents"]),
                                   dict(zip(terms, data["df"].tolist(), strict=True)))


_background: Lazy[DocumentFrequencies] = Lazy(load_background)


def background() -> DocumentFrequencies:
    """The shared background frequencies, loaded on first use."""
    return _background.get()


def tfidf(counts: Mapping[str, float], idf: DocumentFrequencies | None = None) -> dict[str, float]:
    """Sublinear TF-IDF weights of term counts."""
    idf = idf or background()
    return {t: (1.0 + math.log(c)) * idf.idf(t) for t, c in counts.items() if c > 0}


def _ranked(weights: Mapping[str, float], top_k: int) -> list[Keyword]:
    """Heaviest first, leaving out a word that is part of a heavier kept word (魅力 of 魅力之城)."""
    kept: list[Keyword] = []
    for word, weight in sorted(weights.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0])):
        if word.startswith(BIGRAM_PREFIX) or any(word in k.word for k in kept):
            continue
        kept.append(Keyword(word, round(weight, 4)))
        if len(kept) == top_k:
            break
    return kept


def extract(text: str, top_k: int = 8, idf: DocumentFrequencies | None = None) -> list[Keyword]:
    """Keywords of one text; place names rank first among equals."""
    words = terms(text)
    counts = Counter(words)
    for place in places(words_of(text)):
        counts[place] += 1  # a place name is what tells one matter from another
    return _ranked(tfidf(counts, idf), top_k)


def extract_group(texts: Iterable[str], top_k: int = 8,
                  idf: DocumentFrequencies | None = None) -> list[Keyword]:
    """Keywords of a group of texts (an event): terms frequent across its members."""
    doc_freq: Counter[str] = Counter()
    n = 0
    for text in texts:
        doc_freq.update(set(terms(text)))
        n += 1
    if n == 0:
        return []
    idf = idf or background()
    weights = {t: (df / n) * idf.idf(t) for t, df in doc_freq.items()}
    return _ranked(weights, top_k)
