"""Sentiment in [0, 1] (1 = positive): a Naive-Bayes-weighted logistic regression.

The model is the NBSVM recipe of Wang & Manning (2012) on hashed character 1-3-grams: the
multinomial Naive Bayes log-count ratios that SnowNLP's own `Bayes` classifier is built on scale
binary n-gram features, and a logistic regression is fitted on top. Both collapse into one
weight vector, so scoring is a hash, a sparse dot product and a sigmoid (no word segmenter).
Trained by scripts/train_sentiment.py; the artefact lives in analysis/models/sentiment.npz.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

from analysis._lazy import Lazy
from analysis.text import normalize

MODEL_PATH = Path(__file__).with_name("models") / "sentiment.npz"
N_FEATURES = 2**18
NGRAMS = (1, 3)


@dataclass(frozen=True)
class SentimentModel:
    """Linear weights over hashed character n-grams."""

    coef: np.ndarray
    intercept: float
    n_features: int = N_FEATURES
    ngram_range: tuple[int, int] = NGRAMS

    def vectorizer(self) -> HashingVectorizer:
        """Return the feature hasher this model was trained with."""
        return build_vectorizer(self.n_features, self.ngram_range)

    def score_many(self, texts: Sequence[str]) -> list[float]:
        """Positive probability of each text."""
        if not texts:
            return []
        X = self.vectorizer().transform([normalize(t) for t in texts])
        z = X @ self.coef + self.intercept
        return (1.0 / (1.0 + np.exp(-z))).tolist()


def build_vectorizer(n_features: int = N_FEATURES, ngram_range=NGRAMS) -> HashingVectorizer:
    """The binary hashed character n-gram features used for training and scoring."""
    return HashingVectorizer(analyzer="char", ngram_range=tuple(ngram_range),
                             n_features=n_features, alternate_sign=False, norm=None,
                             binary=True, dtype=np.float32)


def nb_ratio(X: sparse.csr_matrix, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Naive Bayes log-count ratio log(p(f|pos)/p(f|neg)) per feature."""
    pos = alpha + np.asarray(X[y == 1].sum(axis=0)).ravel()
    neg = alpha + np.asarray(X[y == 0].sum(axis=0)).ravel()
    return np.log(pos / pos.sum()) - np.log(neg / neg.sum())


def fit(texts: Sequence[str], labels: Sequence[int], *, weights: Sequence[float] | None = None,
        ratio_mask: Sequence[bool] | None = None, C: float = 1.0) -> SentimentModel:
    """Fit a model; NB ratios come from rows in `ratio_mask` (default all), LR uses `weights`."""
    X = build_vectorizer().transform([normalize(t) for t in texts]).tocsr()
    y = np.asarray(labels, dtype=np.int8)
    mask = np.ones(len(y), bool) if ratio_mask is None else np.asarray(ratio_mask, bool)
    r = nb_ratio(X[mask], y[mask])
    w = np.ones(len(y)) if weights is None else np.asarray(weights, float)
    keep = w > 0
    clf = LogisticRegression(C=C, max_iter=3000)
    clf.fit((X @ sparse.diags(r))[keep], y[keep], sample_weight=w[keep])
    coef = (clf.coef_.ravel() * r).astype(np.float32)
    return SentimentModel(coef=coef, intercept=float(clf.intercept_[0]))


def save_model(model: SentimentModel, path: Path) -> None:
    """Write the model as a compressed npz (used by the training script)."""
    np.savez_compressed(path, coef=model.coef, intercept=np.float32(model.intercept),
                        n_features=model.n_features, ngram_range=np.array(model.ngram_range))


def load_model(path: Path = MODEL_PATH) -> SentimentModel:
    """Read a model written by save_model."""
    with np.load(path) as data:
        return SentimentModel(coef=data["coef"].astype(np.float32),
                              intercept=float(data["intercept"]),
                              n_features=int(data["n_features"]),
                              ngram_range=tuple(int(v) for v in data["ngram_range"]))


_model: Lazy[SentimentModel] = Lazy(load_model)


def score_many(texts: Sequence[str]) -> list[float]:
    """Sentiment of each text in [0, 1], 1 = positive."""
    return _model.get().score_many(texts)


def score(text: str) -> float:
    """Sentiment of one text in [0, 1], 1 = positive."""
    return score_many([text])[0]


def is_negative(value: float, threshold: float = 0.5) -> bool:
    """Whether a sentiment score counts as negative."""
    return value < threshold
