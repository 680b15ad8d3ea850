"""Train the sentiment model from the labelled sets in ../shared/data (reproducible).

Usage: .venv/bin/python scripts/train_sentiment.py [--out analysis/models/sentiment.npz]

The held-out fold of every dataset (bench/_common.is_held_out on the text, 20%) is never used.
Weibo posts carry full weight and alone set the Naive Bayes ratios; the review sets
(hotel, delivery, shopping) join the logistic regression at a small weight so the model also
knows complaint and review register without drifting from Weibo.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import sentiment  # noqa: E402
from bench._common import load_sentiment, split  # noqa: E402

OTHER_WEIGHT = 0.03
C = 1.0


def main() -> None:
    """Fit on the training folds and save the artefact."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=sentiment.MODEL_PATH)
    args = parser.parse_args()
    train, _ = split(load_sentiment())
    is_weibo = [r.dataset == "weibo2018" for r in train]
    model = sentiment.fit(
        [r.text for r in train],
        [int(r.label) for r in train],
        weights=[1.0 if w else OTHER_WEIGHT for w in is_weibo],
        ratio_mask=is_weibo,
        C=C,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sentiment.save_model(model, args.out)
    print(f"trained on {len(train)} texts; wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
