"""Train the 一级分类 routing model (analysis/routing.py) from token lists and their labels.

Used by scripts/train_routing.py (the shipped model, from the segmented 附件2 training rows) and
by ``yuqing model retrain routing`` (the same rows plus the office's department reassignments
mapped back to categories, tokenised from raw text with routing.raw_tokens).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.feature_selection import chi2
from sklearn.svm import LinearSVC

from analysis import routing
from analysis.datasets import is_held_out

C = 0.5
MIN_DF = 2
MAX_FEATURES = 150_000
TEMPERATURES = (0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10)
#: Weight of an office's own reassignment against a generic 附件2 row: the office's map is the
#: truth for its messages, and a few dozen of them must outweigh hundreds of generic rows.
OFFICE_WEIGHT = 5.0


def segmented_tokens(text: str) -> list[str]:
    """Tokens of a segmented training row, filtered like raw_tokens filters raw text."""
    return [w for w in text.split() if w not in routing.STOP_WORDS
            and not routing._NUMBER.fullmatch(w)]


def select_vocabulary(tokens: Sequence[list[str]], labels: Sequence[str]
                      ) -> tuple[tuple[str, ...], np.ndarray]:
    """The MAX_FEATURES features with the highest chi-squared score, and their IDF."""
    counter = CountVectorizer(analyzer=routing.features, min_df=MIN_DF)
    counts = counter.fit_transform(tokens)
    names = counter.get_feature_names_out()
    scores, _ = chi2(counts > 0, labels)
    keep = np.sort(np.argsort(-np.nan_to_num(scores))[:MAX_FEATURES])
    df = np.asarray((counts[:, keep] > 0).sum(axis=0)).ravel()
    idf = (np.log((1 + len(tokens)) / (1 + df)) + 1).astype(np.float32)
    return tuple(names[keep]), idf


def fit_model(tokens: Sequence[list[str]], labels: Sequence[str], temperature: float,
              weights: Sequence[float] | None = None) -> routing.RoutingModel:
    """Vocabulary, IDF and a linear SVM on the given rows (optionally weighted)."""
    vocab, idf = select_vocabulary(tokens, labels)
    empty = routing.RoutingModel(vocab, idf, np.zeros((1, 1)), np.zeros(1), (), temperature)
    svm = LinearSVC(C=C, class_weight="balanced", random_state=0).fit(
        empty.matrix(tokens), labels, sample_weight=None if weights is None else np.asarray(
            weights, dtype=float))
    return routing.RoutingModel(vocab, idf, svm.coef_.astype(np.float32),
                                svm.intercept_.astype(np.float32), tuple(svm.classes_),
                                temperature)


def fit_temperature(tokens: Sequence[list[str]], labels: Sequence[str]) -> tuple[float, float, int]:
    """Softmax temperature with the best log-loss on a calibration tenth of the training rows,
    with that log-loss and the number of calibration rows."""
    calib = [is_held_out("calibration " + " ".join(t)) and i % 2 == 0
             for i, t in enumerate(tokens)]
    fit_rows = [i for i, c in enumerate(calib) if not c]
    cal_rows = [i for i, c in enumerate(calib) if c]
    model = fit_model([tokens[i] for i in fit_rows], [labels[i] for i in fit_rows], 1.0)
    scores = model.decision([tokens[i] for i in cal_rows])
    truth = np.array([model.classes.index(labels[i]) for i in cal_rows])
    best, best_loss = 1.0, float("inf")
    for t in TEMPERATURES:
        z = scores * t
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -logp[np.arange(len(truth)), truth].mean()
        if loss < best_loss:
            best, best_loss = t, loss
    return best, float(best_loss), len(cal_rows)


def train(tokens: Sequence[list[str]], labels: Sequence[str], out_dir: Path,
          weights: Sequence[float] | None = None) -> routing.RoutingModel:
    """Fit on the rows, write routing.npz into `out_dir` and return the model. `weights` (one
    per row) lets the office's own reassignments outweigh the generic rows that disagree."""
    temperature, _, _ = fit_temperature(tokens, labels)
    model = fit_model(tokens, labels, temperature, weights)
    out_dir.mkdir(parents=True, exist_ok=True)
    routing.save_model(model, out_dir / routing.MODEL_PATH.name)
    return model


def correct(model: routing.RoutingModel, tokens: Sequence[list[str]],
            labels: Sequence[str]) -> list[bool]:
    """Per row: whether its likeliest class is the label."""
    if not labels:
        return []
    best = model.probabilities(tokens).argmax(axis=1)
    return [model.classes[b] == t for b, t in zip(best, labels, strict=True)]


def accuracy(model: routing.RoutingModel, tokens: Sequence[list[str]],
             labels: Sequence[str]) -> float | None:
    """Share of rows whose likeliest class is the label (None for no rows)."""
    return float(np.mean(correct(model, tokens, labels))) if labels else None
