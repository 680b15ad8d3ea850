"""Train the 一级分类 routing model from the segmented 附件2 set (reproducible).

Usage: .venv/bin/python scripts/train_routing.py [--out analysis/models/routing.npz]

Never trains on the fixed held-out fold (analysis.datasets.is_held_out, 20%) nor on any row that
matches one of the 495 raw sample messages (those are the raw-text check in bench/routing.py).
The training itself is analysis/routing_train.py (``yuqing model retrain routing`` uses it too).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import routing  # noqa: E402
from analysis.datasets import routing_split  # noqa: E402
from analysis.routing_train import (  # noqa: E402
    fit_model,
    fit_temperature,
    segmented_tokens,
)


def main() -> None:
    """Fit on the training rows and save the artefact."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=routing.MODEL_PATH)
    args = parser.parse_args()
    train, held, matched = routing_split()
    tokens = [segmented_tokens(r.text) for r in train]
    labels = [r.label for r in train]
    temperature, loss, n_cal = fit_temperature(tokens, labels)
    print(f"temperature {temperature} (calibration log-loss {loss:.3f} on {n_cal} rows)")
    model = fit_model(tokens, labels, temperature)
    routing.save_model(model, args.out)
    print(f"trained on {len(train)} rows (held out {len(held)}, sample-matched {len(matched)}); "
          f"{len(model.vocabulary)} features; wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
