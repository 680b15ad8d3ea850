"""Routing benchmark: macro-F1 and per-class report on the fixed held-out split and on raw text,
and automatic assignment (分办): the share of messages assigned without a person at the default
threshold (and a few others) and the accuracy of those; the rest goes to the 待分办 queue.

Last, retraining with an office's reassignments (issue 21): a simulated office whose
departments answer some matters differently from the default map (tracker/accounts/
default_category_departments.csv): its 医保局 sits with the health commission, so 医保 messages
go to the 卫生计生 department, and its 住建局 takes every 物业 message (城乡建设). The office's
messages are the 附件2 held-out rows on those matters, relabelled by the office; half of them
(a hash split) are its reassignments, the other half its own held-out fold. Printed: the shipped
model and the retrained one (analysis/routing_train.py, as ``yuqing model retrain routing``
trains it) on the office's fold and on the rest of the held-out fold, and whether the retrain
would promote it (tracker.learning.decide).

Usage: .venv/bin/python bench/routing.py [--office-only [OFFICE_WEIGHT]]
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sklearn.metrics import classification_report, f1_score  # noqa: E402

from analysis import routing, routing_train  # noqa: E402
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


#: The simulated office: a word in the message -> the category of the department it goes to.
OFFICE_RULES = (("医保", "卫生计生"), ("物业", "城乡建设"))


def office_label(segmented: str) -> str | None:
    """The category the simulated office's department answers for this message, if it differs
    from the default map's way of seeing the message."""
    text = segmented.replace(" ", "")
    return next((label for word, label in OFFICE_RULES if word in text), None)


def _half(text: str) -> bool:
    return hashlib.blake2b(text.encode(), digest_size=8, key=b"bench-office").digest()[0] % 2 == 0


def office_retrain(weight: float = routing_train.OFFICE_WEIGHT) -> None:
    """Accuracy before and after retraining with the simulated office's reassignments."""
    from tracker.learning import decide
    from tracker.learning.candidates import Figures

    train, held, _ = routing_split()
    office = [(r, office_label(r.text)) for r in held]
    office = [(r, label) for r, label in office if label is not None]
    moved = sum(r.label != label for r, label in office)
    reassigned = [(r, label) for r, label in office if _half(r.text)]
    office_fold = [(r, label) for r, label in office if not _half(r.text)]
    rest = [r for r in held if office_label(r.text) is None]
    print(f"== retraining with a simulated office's reassignments (rules {OFFICE_RULES})")
    print(f"office messages in the held-out fold: {len(office)} ({moved} of them in another "
          f"category than 附件2's); reassignments used for training: {len(reassigned)}; "
          f"office fold: {len(office_fold)}; rest of the held-out fold: {len(rest)}")

    def figures(model) -> Figures:
        right = routing_train.correct(model, [segmented_tokens(r.text) for r in rest],
                                      [r.label for r in rest])
        office_right = routing_train.correct(
            model, [segmented_tokens(r.text) for r, _ in office_fold],
            [label for _, label in office_fold])
        return Figures(sum(right) / len(right), sum(office_right) / len(office_right),
                       len(rest), len(office_fold), right=tuple(right))

    before = figures(routing._model.get())
    tokens = [segmented_tokens(r.text) for r in train]
    tokens += [segmented_tokens(r.text) for r, _ in reassigned]
    labels = [r.label for r in train] + [label for _, label in reassigned]
    weights = [1.0] * len(train) + [weight] * len(reassigned)
    with tempfile.TemporaryDirectory() as tmp:
        (model, secs) = timed(lambda: routing_train.train(tokens, labels, Path(tmp), weights))
    after = figures(model)
    promoted, reason = decide(after, before)
    print("model               rest of held-out fold   office fold")
    for name, f in (("shipped", before), ("retrained", after)):
        print(f"{name:18}  {f.shipped:21.4f}   {f.office:11.4f}")
    print(f"retrained in {secs:.0f} s (office rows weighted {weight:g}); "
          f"promote: {promoted} ({reason})")


def main() -> None:
    """Print the held-out and raw-sample figures, and the review rate at the default threshold."""
    if "--office-only" in sys.argv:  # [--office-only [WEIGHT]]: this section alone
        rest = sys.argv[sys.argv.index("--office-only") + 1:]
        office_retrain(float(rest[0]) if rest else routing_train.OFFICE_WEIGHT)
        return
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
    office_retrain()


if __name__ == "__main__":
    main()
