"""Routing benchmark: macro-F1 and per-class report on the fixed held-out split and on raw text.

Usage: .venv/bin/python bench/routing.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sklearn.metrics import classification_report, f1_score  # noqa: E402

from analysis import routing  # noqa: E402
from bench._common import load_routing_sample, match_sample_to_segmented, routing_split, timed  # noqa: E402
from scripts.train_routing import segmented_tokens  # noqa: E402


def report(name: str, truth: list[str], pred: list[str]) -> None:
    """Print macro-F1, accuracy and the per-class report."""
    acc = float(np.mean(np.array(truth) == np.array(pred)))
    print(f"== {name}: n={len(truth)} macro-F1={f1_score(truth, pred, average='macro'):.4f} "
          f"accuracy={acc:.4f}")
    print(classification_report(truth, pred, digits=3, zero_division=0))


def main() -> None:
    """Print the held-out and raw-sample figures, and the review rate at the default threshold."""
    _, held, _ = routing_split()
    model = routing._model.get()
    probs = model.probabilities([segmented_tokens(r.text) for r in held])
    report("held-out fold of the segmented 附件2 set (segmented text)",
           [r.label for r in held], [model.classes[i] for i in probs.argmax(axis=1)])
    sample = load_routing_sample()
    messages = [r["留言主题"] + " " + r["留言详情"] for r in sample]
    routes, secs = timed(lambda: routing.classify_many(messages))
    matched = match_sample_to_segmented()
    print(f"raw 附件2 sample: {len(matched)} of {len(sample)} messages are also in the segmented "
          "set; those rows are excluded from training, so the sample is held out too")
    report("raw 附件2 sample messages (raw text, jieba)", [r["一级分类"] for r in sample],
           [r.best for r in routes])
    kept = [(r, s["一级分类"]) for r, s in zip(routes, sample, strict=True) if not r.needs_review]
    acc = np.mean([r.category == t for r, t in kept])
    print(f"threshold {routing.DEFAULT_THRESHOLD}: {len(sample) - len(kept)} of {len(sample)} "
          f"sent to a person; accuracy on the rest {acc:.4f}")
    print(f"raw classification speed: {len(messages) / secs:,.0f} messages/s")


if __name__ == "__main__":
    main()
