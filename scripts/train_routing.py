"""Train the 一级分类 routing model from the segmented 附件2 set (reproducible).

Usage: .venv/bin/python scripts/train_routing.py [--out analysis/models/routing.npz]

Never trains on the fixed held-out fold (bench/_common.is_held_out, 20%) nor on any row that
matches one of the 495 raw sample messages (those are the raw-text check in bench/routing.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402
from sklearn.feature_selection import chi2  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from analysis import routing  # noqa: E402
from bench._common import is_held_out, routing_split  # noqa: E402

C = 0.5
MIN_DF = 2
MAX_FEATURES = 150_000
TEMPERATURES = (0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10)


def segmented_tokens(text: str) -> list[str]:
    """Tokens of a segmented training row, filtered like raw_tokens filters raw text."""
    return [w for w in text.split() if w not in routing.STOP_WORDS
            and not routing._NUMBER.fullmatch(w)]


def select_vocabulary(tokens: list[list[str]], labels: list[str]
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


def fit_model(tokens: list[list[str]], labels: list[str], temperature: float
              ) -> routing.RoutingModel:
    """Vocabulary, IDF and a linear SVM on the given rows."""
    vocab, idf = select_vocabulary(tokens, labels)
    empty = routing.RoutingModel(vocab, idf, np.zeros((1, 1)), np.zeros(1), (), temperature)
    svm = LinearSVC(C=C, class_weight="balanced", random_state=0).fit(empty.matrix(tokens), labels)
    return routing.RoutingModel(vocab, idf, svm.coef_.astype(np.float32),
                                svm.intercept_.astype(np.float32), tuple(svm.classes_),
                                temperature)


def fit_temperature(tokens: list[list[str]], labels: list[str]) -> float:
    """Softmax temperature with the best log-loss on a calibration tenth of the training rows."""
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
    print(f"temperature {best} (calibration log-loss {best_loss:.3f} on {len(cal_rows)} rows)")
    return best


def main() -> None:
    """Fit on the training rows and save the artefact."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=routing.MODEL_PATH)
    args = parser.parse_args()
    train, held, matched = routing_split()
    tokens = [segmented_tokens(r.text) for r in train]
    labels = [r.label for r in train]
    model = fit_model(tokens, labels, fit_temperature(tokens, labels))
    routing.save_model(model, args.out)
    print(f"trained on {len(train)} rows (held out {len(held)}, sample-matched {len(matched)}); "
          f"{len(model.vocabulary)} features; wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
