"""Build the reply relevance model (analysis/models/reply_relevance.npz).

Usage: PYTHONPATH=. .venv/bin/python scripts/train_reply_relevance.py [--out PATH]

Only the "tune" half of the 附件4 even ids (bench/reply_quality.py decides the halves) is used:
its messages and replies are the reference sets, its replies add to the background IDF, and
its pairs (own reply against a random other and the most similar message's reply) choose the
hubness weights and fit the logistic scale. Every attempt is printed. Deterministic.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

from analysis import keywords  # noqa: E402
from analysis import reply_relevance as rr  # noqa: E402
from bench import reply_quality as bench  # noqa: E402

WEIGHTS = ((0.0, 0.0), (0.0, 1.0), (0.5, 1.0), (1.0, 1.0), (1.0, 0.5), (1.0, 0.0))


def idf_table(rows: list[dict[str, str]]) -> tuple[dict[str, int], np.ndarray]:
    """Vocabulary of the tune messages and replies with IDF over background + tune replies."""
    bg = keywords.background()
    reply_df: Counter[str] = Counter()
    vocab: set[str] = set()
    for row in rows:
        reply_terms = set(rr.terms(row["答复意见"]))
        reply_df.update(reply_terms)
        vocab |= reply_terms | set(rr.terms(bench.message_of(row)))
    n = bg.documents + len(rows)
    ordered = sorted(vocab)
    idf = [math.log((n + 1) / (bg.df.get(t, 0) + reply_df[t] + 1)) + 1.0 for t in ordered]
    return {t: i for i, t in enumerate(ordered)}, np.array(idf)


def matrix(texts: list[str], model: rr.RelevanceModel) -> sp.csr_matrix:
    """Normalised vectors of texts as rows (vocabulary terms only, norm over all terms)."""
    data, rows, cols = [], [], []
    for i, text in enumerate(texts):
        for term, value in rr.vector(text, model.weight).items():
            if term in model.index:
                data.append(value)
                rows.append(i)
                cols.append(model.index[term])
    return sp.csr_matrix((data, (rows, cols)), shape=(len(texts), len(model.index)))


def scored(model: rr.RelevanceModel, pairs: list[bench.Pair], row_of: dict[str, int]):
    """Raw scores of own, random-other and similar-other pairs (own reference rows skipped)."""
    out = {"own": [], "random_other": [], "similar_other": []}
    for p in pairs:
        i = row_of[p.message]
        for kind in out:
            reply = p.reply if kind == "own" else getattr(p, kind)
            out[kind].append(rr.raw_score(model, p.message, reply, skip=(i, row_of.get(reply))))
    return out


def main() -> None:
    """Choose the hubness weights on the tune half, fit the scale, write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=rr.MODEL_PATH)
    args = parser.parse_args()
    rows = [r for r in bench.load() if bench.half(r["留言编号"]) == "tune"]
    index, idf = idf_table(rows)
    base = rr.RelevanceModel(index, idf, sp.csr_matrix((0, len(index))),
                             sp.csr_matrix((0, len(index))), 0.0, 0.0, 1.0, 0.0)
    messages = [bench.message_of(r) for r in rows]
    replies = [bench.textmod.normalize(r["答复意见"]) for r in rows]
    refs = {"messages": matrix(messages, base), "replies": matrix(replies, base)}
    row_of = {t: i for i, t in enumerate(messages)} | {t: i for i, t in enumerate(replies)}
    pairs = bench.pairs(rows)
    best = None
    for a, b in WEIGHTS:
        model = rr.RelevanceModel(index, idf, refs["messages"], refs["replies"], a, b, 1.0, 0.0)
        s = scored(model, pairs, row_of)
        aucs = [roc_auc_score([1] * len(s["own"]) + [0] * len(s[k]), s["own"] + s[k])
                for k in ("random_other", "similar_other")]
        print(f"tune: message weight {a} reply weight {b}: AUC random {aucs[0]:.4f} "
              f"similar {aucs[1]:.4f}")
        if best is None or sum(aucs) > best[0]:
            best = (sum(aucs), model, s)
    _, model, s = best
    x = np.array(s["own"] + s["random_other"] + s["similar_other"]).reshape(-1, 1)
    y = [1] * len(s["own"]) + [0] * (len(x) - len(s["own"]))
    fit = LogisticRegression(class_weight="balanced").fit(x, y)
    final = rr.RelevanceModel(index, idf, model.messages, model.replies, model.message_weight,
                              model.reply_weight, float(fit.coef_[0, 0]),
                              float(fit.intercept_[0]))
    rr.save(final, args.out)
    print(f"chose weights {final.message_weight}/{final.reply_weight}, scale {final.scale:.3f},"
          f" bias {final.bias:.3f}; {len(index)} terms; wrote {args.out}"
          f" ({args.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
