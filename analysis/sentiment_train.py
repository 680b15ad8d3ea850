"""Train the sentiment model (analysis/sentiment.py) from labelled rows into a directory.

Used by scripts/train_sentiment.py (the shipped model, from the shared training folds) and by
``yuqing model retrain sentiment`` (the same folds plus the office's corrections, dataset
``office``). Components: the NB-LR model, where the primary rows (Weibo posts and the office's
own corrections) carry full weight and alone set the Naive Bayes ratios while the review sets
(hotel, delivery, shopping) join the logistic regression at a small weight; and SnowNLP's Bayes
retrained on jieba words, once on the primary rows alone and once on every row. A fixed 20%
validation slice of the training rows (its own hash salt) is held back from the components to fit
the stacker; the components are then refitted on all rows and saved with that stacker. Every step
is deterministic and the files are byte-identical on every run (the Bayes files are gzipped with a
fixed time).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from analysis import sentiment
from analysis.datasets import Labelled

OTHER_WEIGHT = 0.03
C = 1.0
#: Total weight of the review-set rows when fitting the stacker, as a share of the Weibo rows'.
#: 0: the stacker is fitted on Weibo rows alone (0.2 gained ~0.5-0.9 points on the review sets
#: but cost Weibo 0.001 on the full held-out fold and 0.007 on its first 600 posts).
STACK_OTHER_SHARE = 0.0
STACK_SALT = b"yuqing-sentiment-stack-v1"
#: Datasets at full weight that set the NB ratios: Weibo and the office's own corrections.
PRIMARY = frozenset({"weibo2018", "office"})


def _is_stack_row(text: str) -> bool:
    digest = hashlib.blake2b(text.strip().encode("utf-8"), digest_size=8, key=STACK_SALT).digest()
    return int.from_bytes(digest, "big") % 5 == 0


def fit_components(rows: Sequence[Labelled], tokens: Sequence[list[str]]):
    """NB-LR model plus the SnowNLP Bayes components (in sentiment.BAYES_NAMES order)."""
    is_primary = [r.dataset in PRIMARY for r in rows]
    labels = [int(r.label) for r in rows]
    model = sentiment.fit([r.text for r in rows], labels,
                          weights=[1.0 if w else OTHER_WEIGHT for w in is_primary],
                          ratio_mask=is_primary, C=C)
    subsets = {"weibo": is_primary, "all": [True] * len(rows)}
    bayes = {}
    for name in sentiment.BAYES_NAMES:
        pick = [i for i, keep in enumerate(subsets[name]) if keep]
        bayes[name] = sentiment.train_bayes([tokens[i] for i in pick], [labels[i] for i in pick])
    return model, bayes


def attach(model, bayes) -> sentiment.SentimentModel:
    """The NB-LR model with the Bayes components as scoring tables."""
    tables = tuple(sentiment.BayesLogOdds.from_counts(sentiment.bayes_counts(bayes[n]))
                   for n in sentiment.BAYES_NAMES)
    return replace(model, bayes=tables)


def fit_stacker(model: sentiment.SentimentModel, rows: Sequence[Labelled]) -> tuple[float, ...]:
    """Logistic regression over the component scores of the validation rows."""
    X = model.features([r.text for r in rows])
    y = np.array([int(r.label) for r in rows])
    is_primary = np.array([r.dataset in PRIMARY for r in rows])
    w = np.where(is_primary, 1.0,
                 STACK_OTHER_SHARE * is_primary.sum() / max((~is_primary).sum(), 1))
    clf = LogisticRegression(C=1.0).fit(X, y, sample_weight=w)
    return (*(float(v) for v in clf.coef_.ravel()), float(clf.intercept_[0]))


def train(rows: Sequence[Labelled], out_dir: Path) -> sentiment.SentimentModel:
    """Fit on `rows`, write sentiment.npz and the Bayes files into `out_dir`, return the model
    as scoring loads it."""
    tokens = [sentiment.bayes_tokens(r.text) for r in rows]
    inner = [i for i, r in enumerate(rows) if not _is_stack_row(r.text)]
    stack_rows = [r for r in rows if _is_stack_row(r.text)]
    model, bayes = fit_components([rows[i] for i in inner], [tokens[i] for i in inner])
    stack = fit_stacker(attach(model, bayes), stack_rows)
    model, bayes = fit_components(rows, tokens)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / sentiment.MODEL_PATH.name
    sentiment.save_model(replace(model, stack=stack), path)
    for name in sentiment.BAYES_NAMES:
        sentiment.save_bayes(bayes[name], out_dir / sentiment.bayes_path(name).name)
    return sentiment.load_model(path)


def correct(model: sentiment.SentimentModel, rows: Sequence[Labelled]) -> list[bool]:
    """Per row: whether the model puts it on the right side of 0.5."""
    scores = model.score_many([r.text for r in rows])
    return [(s >= 0.5) == (r.label == "1") for s, r in zip(scores, rows, strict=True)]


def accuracy(model: sentiment.SentimentModel, rows: Sequence[Labelled]) -> float | None:
    """Share of rows the model puts on the right side of 0.5 (None for no rows)."""
    return float(np.mean(correct(model, rows))) if rows else None
