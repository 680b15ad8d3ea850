"""Sentiment experiment parts shared by bench/sentiment.py and bench/sentiment_attempts.py.

Token analyzers (cached on /tmp), linear models over blocks of TF-IDF or binary features, the
SMP2020-EWECT Weibo emotion data mapped to polarity, and a pure-Python one-by-one scorer that a
fitted linear model collapses into (dict lookups per n-gram, like the shipped model's hash and
dot product), so throughput is measured on what could ship rather than on sklearn's per-call
overhead.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from analysis.sentiment import bayes_tokens, char_text
from analysis.text import normalize, tokenizer
from bench._common import DATA_DIR, Labelled, load_sentiment, read_csv, split

CACHE_DIR = Path(os.environ.get("YUQING_SENTI_CACHE", "/tmp/yuqing_senti_cache"))
EWECT_CSV = DATA_DIR / "smp2020_ewect" / "smp2020_ewect_6class.csv"
#: EWECT emotions as weibo2018 polarity; neutral and surprise carry no polarity (left out).
EWECT_POLARITY = {"happy": "1", "angry": "0", "sad": "0", "fear": "0"}
EMOTIONS = ("angry", "fear", "happy", "neutral", "sad", "surprise")
CV_SALT = b"yuqing-sentiment-cv-v1"
CV_FOLDS = 5


# --------------------------------------------------------------------------- data


def weibo_split() -> tuple[list[Labelled], list[Labelled]]:
    """(training folds, held-out fold) of weibo2018, the fixed split of bench/_common."""
    return split(load_sentiment(["weibo2018"]))


def other_held_out() -> dict[str, list[Labelled]]:
    """Held-out folds of the review sets (hotel, delivery, shopping), by dataset."""
    _, held = split(load_sentiment([n for n in ("chnsenticorp_htl", "waimai_10k",
                                                "online_shopping_10_cats")]))
    out: dict[str, list[Labelled]] = {}
    for row in held:
        out.setdefault(row.dataset, []).append(row)
    return out


def load_ewect() -> list[tuple[str, str]]:
    """(text, emotion) of every SMP2020-EWECT row, duplicates kept once (first label)."""
    seen: dict[str, str] = {}
    for row in read_csv(EWECT_CSV):
        text = (row["text"] or "").strip()
        if text and text not in seen:
            seen[text] = row["emotion"].strip()
    return list(seen.items())


def ewect_polarity(rows: list[tuple[str, str]],
                   mapping: dict[str, str] = EWECT_POLARITY) -> list[Labelled]:
    """EWECT rows whose emotion has a polarity in `mapping`, as weibo2018-style labels."""
    return [Labelled("ewect", t, mapping[e]) for t, e in rows if e in mapping]


def cv_fold(text: str) -> int:
    """Cross-validation fold (0..4) of a training post: its own hash, not the held-out one."""
    digest = hashlib.blake2b(text.strip().encode("utf-8"), digest_size=8, key=CV_SALT).digest()
    return int.from_bytes(digest, "big") % CV_FOLDS


# --------------------------------------------------------------------------- analyzers

_EMOTICON = re.compile(r"\[[^\[\]\s]{1,8}\]")
_TOPIC = re.compile(r"\{%#[^#]*#%\}|#[^#\s]{1,40}#")
_LINK = re.compile(r"\{%[^#%][^%]*%\}|https?://\S+")
_PUNCT = set("，。！？!?；;、,.~…：:（）()“”\"'【】「」 ")
NEGATORS = ("不", "没", "没有", "别", "无", "未", "非", "不是", "不太", "不怎么", "不够",
            "一点都不", "一点也不", "并不", "毫不", "根本不", "从不", "再也不", "难以", "毫无")
INTENSIFIERS = ("太", "很", "非常", "超", "超级", "特别", "好", "真", "真的", "最", "十分",
                "极其", "巨", "贼", "老", "挺", "有点", "有些", "一点", "更", "越来越")
_NEG_PHRASE = re.compile(r"不太|不是很|不怎么|一点都不|一点也不|一点儿都不|根本不|并不|毫不|"
                         r"再也不|从来不|完全不|一点都没|根本没|没那么|不够")


def char_grams(text: str, low: int = 1, high: int = 3) -> list[str]:
    """Character n-grams of the text with Weibo markup stripped (the shipped model's view)."""
    s = char_text(text)
    return [s[i:i + n] for n in range(low, high + 1) for i in range(len(s) - n + 1)]


def word_grams(text: str) -> list[str]:
    """jieba words (emoticons whole, #topics# dropped) and word bigrams."""
    words = bayes_tokens(text)
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]


def signals(text: str) -> list[str]:
    """Negation and intensity scopes, emoticons and Weibo markup as tokens of their own."""
    text = normalize(text)
    out: list[str] = []
    own, _, shared = text.partition("//@")
    if shared:
        out.append("RT")
        if not _EMOTICON.sub("", _TOPIC.sub("", own)).strip():
            out.append("RT_NO_COMMENT")
    if _TOPIC.search(text):
        out.append("TOPIC")
    if _LINK.search(text):
        out.append("LINK")
    if "@" in own:
        out.append("AT")
    emos = _EMOTICON.findall(own)
    out += ["EMO:" + e for e in emos] + (["EMO_ANY"] if emos else [])
    out += ["RTEMO:" + e for e in _EMOTICON.findall(shared)]
    out += ["NEGP:" + m for m in _NEG_PHRASE.findall(own)]
    if "?" in own or "？" in own:
        out.append("QUESTION")
    if own.count("!") + own.count("！") >= 2:
        out.append("EXCLAIM")
    words = tokenizer().lcut(_EMOTICON.sub("，", _TOPIC.sub("，", own)), HMM=False)
    scope, boost = 0, None
    for word in words:
        if word in _PUNCT or not word.strip():
            scope, boost = 0, None
            continue
        if scope:
            out.append("NEG:" + word)
            scope -= 1
        if boost:
            out.append(f"INT:{word}")
            boost = None
        if word in NEGATORS:
            scope = 3
        elif word in INTENSIFIERS:
            boost = word
    return out


ANALYZERS: dict[str, Callable[[str], list[str]]] = {
    "char": char_grams,
    "word": word_grams,
    "signal": signals,
}


def tokens(name: str, texts: Sequence[str]) -> list[list[str]]:
    """Analyzer output for each text, cached on disk per analyzer (tokenising is the slow part)."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"{name}.pkl"
    cache: dict[str, list[str]] = {}
    if path.exists():
        with path.open("rb") as handle:
            cache = pickle.load(handle)
    missing = [t for t in dict.fromkeys(texts) if t not in cache]
    if missing:
        func = ANALYZERS[name]
        cache.update((t, func(t)) for t in missing)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(cache, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    return [cache[t] for t in texts]


# --------------------------------------------------------------------------- linear models


def _identity(doc: list[str]) -> list[str]:
    return doc


@dataclass
class Space:
    """Blocks of features: per analyzer a TF-IDF (l2 per block) or binary vectorizer."""

    analyzers: tuple[str, ...]
    binary: bool = False
    sublinear: bool = True
    min_df: int = 1
    vectorizers: list[TfidfVectorizer] = field(default_factory=list)

    def fit(self, texts: Sequence[str]) -> Space:
        """Fit each block's vocabulary (and idf) on texts."""
        self.vectorizers = []
        for name in self.analyzers:
            vec = TfidfVectorizer(analyzer=_identity, min_df=self.min_df, dtype=np.float32,
                                  **({"binary": True, "use_idf": False, "norm": None}
                                     if self.binary else {"sublinear_tf": self.sublinear}))
            self.vectorizers.append(vec.fit(tokens(name, texts)))
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Feature matrix of texts (blocks side by side)."""
        return sparse.hstack([v.transform(tokens(n, texts)) for n, v in
                              zip(self.analyzers, self.vectorizers, strict=True)]).tocsr()

    def compile(self, coef: np.ndarray) -> list[tuple[str, dict[str, tuple[float, float]]]]:
        """Per block: analyzer name and {token: (idf, weight)} for the one-by-one scorer."""
        blocks, start = [], 0
        for name, vec in zip(self.analyzers, self.vectorizers, strict=True):
            vocab = vec.vocabulary_
            idf = vec.idf_ if not self.binary else np.ones(len(vocab))
            w = coef[start:start + len(vocab)]
            blocks.append((name, {t: (float(idf[i]), float(w[i])) for t, i in vocab.items()
                                  if w[i] != 0.0}))
            start += len(vocab)
        return blocks


def nb_ratio(X: sparse.csr_matrix, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Naive Bayes log-count ratio per feature (Wang & Manning's NBSVM)."""
    pos = alpha + np.asarray(X[y == 1].sum(axis=0)).ravel()
    neg = alpha + np.asarray(X[y == 0].sum(axis=0)).ravel()
    return np.log(pos / pos.sum()) - np.log(neg / neg.sum())


def fit_lr(X, y, C: float, weights=None, multi: bool = False) -> LogisticRegression:
    """Logistic regression (deterministic)."""
    solver = "lbfgs" if multi else "liblinear"
    return LogisticRegression(C=C, solver=solver, max_iter=2000).fit(X, y, sample_weight=weights)


@dataclass
class Compiled:
    """A fitted linear model as token lookups: the one-by-one scorer throughput is measured on.

    score = intercept + sum over blocks of block_score + sum of extra weights * extra feature,
    where a TF-IDF block scores sum(tf * idf * w) / ||tf * idf|| over its tokens (tf sublinear)
    and a binary block sum(w) over its distinct tokens; extras are other Compiled models'
    log-odds (stacking) or log-probabilities (`heads`: a multinomial model, one per class).
    """

    blocks: list[tuple[str, dict[str, tuple[float, float]]]]
    intercept: float
    binary: bool = False
    sublinear: bool = True
    extras: list[tuple[Callable[[str, dict], np.ndarray], np.ndarray]] = field(
        default_factory=list)

    def block_scores(self, text: str, memo: dict) -> float:
        total = self.intercept
        for name, table in self.blocks:
            counts = memo.get(name)  # shared by stacked models over the same analyzer
            if counts is None:
                counts = memo[name] = Counter(ANALYZERS[name](text))
            if self.binary:
                total += sum(table[t][1] for t in counts if t in table)
                continue
            dot = norm = 0.0
            for tok, n in counts.items():
                entry = table.get(tok)
                if entry is None:
                    continue
                v = (1.0 + math.log(n) if self.sublinear else n) * entry[0]
                dot += v * entry[1]
                norm += v * v
            if norm:
                total += dot / math.sqrt(norm)
        return total

    def log_odds(self, text: str, memo: dict | None = None) -> float:
        """Log-odds of positive for one text."""
        memo = {} if memo is None else memo
        total = self.block_scores(text, memo)
        for func, weights in self.extras:
            total += float(np.dot(func(text, memo), weights))
        return total

    def score(self, text: str) -> float:
        """Positive probability of one text."""
        return 1.0 / (1.0 + math.exp(-self.log_odds(text)))


def compile_multinomial(space: Space, clf: LogisticRegression, blocks_memo=None):
    """A multinomial model as a function text -> log-probabilities (one per class)."""
    heads = [Compiled(space.compile(clf.coef_[k]), float(clf.intercept_[k]), space.binary,
                      space.sublinear) for k in range(len(clf.classes_))]

    def log_proba(text: str, memo: dict) -> np.ndarray:
        z = np.array([h.block_scores(text, memo) for h in heads])
        return z - (z.max() + math.log(np.exp(z - z.max()).sum()))
    return log_proba


def plain_char_lr(train: Sequence[Labelled], held: Sequence[Labelled]) -> float:
    """Held-out accuracy of the reference: char 1-3-gram TF-IDF + LogisticRegression, defaults.

    sklearn's own char analyzer on the raw text, default C=1 and lbfgs, trained on `train` only:
    the "plain char n-gram LR" the issue compares the shipped model with.
    """
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
    X = vec.fit_transform([r.text for r in train])
    clf = LogisticRegression(max_iter=2000).fit(X, [r.label for r in train])
    pred = clf.predict(vec.transform([r.text for r in held]))
    return float(np.mean([p == r.label for p, r in zip(pred, held, strict=True)]))
