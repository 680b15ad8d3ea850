"""Similar questions: BM25 over words and character bigrams, the title counted twice.

A question is a title and a text. It is turned into terms of two kinds: jieba words (no stop
words) and character bigrams (which catch what segmentation splits differently, 入学/上学).
The title's terms are repeated ``title_weight`` times, so a short colloquial question meets
the gist of a long message rather than its details. Scores are Okapi BM25 (k1, b below)
summed over both term kinds; a matrix product scores a query against the whole base at once.
Pure: no I/O; the caller keeps the built matcher as long as its base does not change.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from analysis.keywords import STOP_WORDS
from analysis.text import is_wordlike, normalize, segment

K1 = 1.2
B = 0.75
_CJK = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")


@dataclass(frozen=True)
class Options:
    """What goes into the terms of a question (the bench prints each combination)."""

    words: bool = True
    chars: bool = True
    title_weight: int = 2
    segmented: bool = False  # the text is already space-separated words (附件2 segmented)


def words_of(text: str, segmented: bool = False) -> list[str]:
    """Content words: jieba words (or the given tokens), stop words and punctuation dropped."""
    tokens = text.split() if segmented else segment(normalize(text).lower())
    return ["w:" + t for t in tokens if is_wordlike(t) and t not in STOP_WORDS]


def bigrams_of(text: str) -> list[str]:
    """Character bigrams inside each run of CJK characters, letters and digits."""
    out: list[str] = []
    for run in _CJK.findall(normalize(text).lower().replace(" ", "")):
        out.extend("c:" + run[i:i + 2] for i in range(max(len(run) - 1, 1)))
    return out


def terms(title: str, text: str, options: Options = Options()) -> Counter:
    """The weighted bag of terms of one question."""
    bag: Counter = Counter()
    for part, weight in ((title, options.title_weight), (text, 1)):
        if not part:
            continue
        found = (words_of(part, options.segmented) if options.words else []) + (
            bigrams_of(part) if options.chars else [])
        bag.update({t: n * weight for t, n in Counter(found).items()})
    return bag


class Matcher:
    """BM25 over a fixed base of questions; ``top`` returns (position, score) pairs."""

    def __init__(self, questions: Sequence[tuple[str, str]], options: Options = Options()):
        self.options = options
        bags = [terms(title, text, options) for title, text in questions]
        self.vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for i, bag in enumerate(bags):
            for term, n in bag.items():
                rows.append(i)
                cols.append(self.vocab.setdefault(term, len(self.vocab)))
                vals.append(n)
        shape = (len(bags), max(len(self.vocab), 1))
        tf = sparse.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float64)
        lengths = np.asarray(tf.sum(axis=1)).ravel()
        avg = lengths.mean() if len(lengths) else 1.0
        df = np.bincount(tf.indices, minlength=shape[1])
        self.idf = np.log1p((shape[0] - df + 0.5) / (df + 0.5))
        norm = K1 * (1 - B + B * lengths / max(avg, 1e-9))
        tf = tf.tocoo()
        weights = tf.data * (K1 + 1) / (tf.data + norm[tf.row]) * self.idf[tf.col]
        self.matrix = sparse.csr_matrix((weights, (tf.row, tf.col)), shape=shape).T.tocsr()
        self.size = shape[0]

    def query_vector(self, title: str, text: str = "") -> sparse.csr_matrix:
        """The query's terms as a 0/1 row over the base vocabulary (unknown terms dropped)."""
        cols = sorted({self.vocab[t] for t in terms(title, text, self.options) if t in self.vocab})
        return sparse.csr_matrix((np.ones(len(cols)), ([0] * len(cols), cols)),
                                 shape=(1, self.matrix.shape[0]))

    def scores(self, title: str, text: str = "") -> np.ndarray:
        """BM25 score of the query against every question of the base."""
        if self.size == 0:
            return np.zeros(0)
        return np.asarray((self.query_vector(title, text) @ self.matrix).todense()).ravel()

    def top(self, title: str, text: str = "", k: int = 5,
            exclude: set[int] | None = None) -> list[tuple[int, float]]:
        """The k best (position, score) pairs with a positive score, best first."""
        scores = self.scores(title, text)
        if exclude:
            scores[list(exclude)] = 0.0
        if not len(scores):
            return []
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]
