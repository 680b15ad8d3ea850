"""Train the sentiment model from the labelled sets in the shared data folder (reproducible).

Usage: .venv/bin/python scripts/train_sentiment.py [--out analysis/models/sentiment.npz]

The held-out fold of every dataset (analysis.datasets.is_held_out on the text, 20%) is never
used. The training itself is analysis/sentiment_train.py (``yuqing model retrain sentiment`` uses
it too, with the office's corrections added). The files are byte-identical on every run. Takes
~45 s on one core; run it with OMP_NUM_THREADS=1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import sentiment, sentiment_train  # noqa: E402
from analysis.datasets import load_sentiment, split  # noqa: E402


def main() -> None:
    """Fit on the training folds and save the artefacts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=sentiment.MODEL_PATH)
    args = parser.parse_args()
    train, _ = split(load_sentiment())
    model = sentiment_train.train(train, args.out.parent)
    if args.out.name != sentiment.MODEL_PATH.name:
        (args.out.parent / sentiment.MODEL_PATH.name).replace(args.out)
    sizes = {p.name: p.stat().st_size for p in args.out.parent.glob("sentiment*")}
    print(f"trained on {len(train)} texts; stack={model.stack}")
    print(f"wrote {sizes}")


if __name__ == "__main__":
    main()
