"""Routing benchmark: macro-F1 and per-class report on the fixed held-out split and on raw text,
and automatic assignment (分办): the share of messages assigned without a person at the default
threshold (and a few others) and the accuracy of those; the rest goes to the 待分办 queue.

Usage: .venv/bin/python bench/routing.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sklearn.metrics import classification_report, f1_score  # noqa: E402

from analysis import routing  # noqa: E402
from analysis.routing_train import segmented_tokens  # noqa: E402
from bench._common import load_routing_sample, match_sample_to_segmented, routing_split, timed  # noqa: E402


def report(name: str, truth: list[str], pred: list[str]) -> None:
    """Print macro-F1, accuracy and the per-class report."""
    acc = float(np.mean(np.array(truth) == np.array(pred)))
    print(f"== {name}: n={len(truth)} macro-F1={f1_score(truth, pred, average='macro'):.4f} "
          f"accuracy={acc:.4f}")
    print(classification_report(truth, pred, digits=3, zero_division=0))


THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def auto_assignment(name: str, truth: list[str], probs: np.ndarray,
                    classes: tuple[str, ...]) -> None:
    """Print the share assigned automatically and its accuracy, per threshold.

    Every class of the model maps to its own department in the default map
    (tracker/accounts/default_category_departments.csv), so a right category is a right
    department."""
    best = probs.argmax(axis=1)
    conf = probs[np.arange(len(best)), best]
    right = np.array([classes[b] == t for b, t in zip(best, truth, strict=True)])
    print(f"== automatic assignment, {name}: n={len(truth)}")
    print("threshold  assigned automatically  accuracy of those  to 待分办")
    for cut in THRESHOLDS:
        sure = conf >= cut
        acc = float(right[sure].mean()) if sure.any() else float("nan")
        mark = "  <- default" if cut == routing.DEFAULT_THRESHOLD else ""
        print(f"{cut:9.2f}  {sure.mean():22.1%}  {acc:17.1%}  {1 - sure.mean():9.1%}{mark}")


def main() -> None:
    """Print the held-out and raw-sample figures, and the review rate at the default threshold."""
    _, held, _ = routing_split()
    model = routing._model.get()
    probs = model.probabilities([segmented_tokens(r.text) for r in held])
    report("held-out fold of the segmented 附件2 set (segmented text)",
           [r.label for r in held], [model.classes[i] for i in probs.argmax(axis=1)])
    auto_assignment("held-out fold of 附件2 (the split of scripts/train_routing.py)",
                    [r.label for r in held], probs, model.classes)
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
    raw_probs = model.probabilities([routing.raw_tokens(m) for m in messages])
    auto_assignment("raw 附件2 sample messages (title + text, as they enter the ledger)",
                    [r["一级分类"] for r in sample], raw_probs, model.classes)
    print(f"raw classification speed: {len(messages) / secs:,.0f} messages/s")


if __name__ == "__main__":
    main()
