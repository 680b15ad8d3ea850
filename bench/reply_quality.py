"""Relevance of replies on the TipDM 2020 C 附件4 even ids, against plain TF-IDF cosine.

Usage: PYTHONPATH=. .venv/bin/python bench/reply_quality.py [--limit N]

For each message, its own reply is the positive; the negatives are (a) a random other reply and
(b) the reply of the most similar other message (TF-IDF cosine of the messages). AUC of each
scorer on (a) and (b). Ids are split in two halves by a salted hash: "tune" is the half the
weights in analysis.reply_quality were chosen on, "report" the half the figures are for.
Every attempt (feature set) is printed, not only the best.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

from analysis import reply_relevance as rr  # noqa: E402
from analysis import text as textmod  # noqa: E402
from bench._common import DATA_DIR, read_csv  # noqa: E402

CSV = DATA_DIR / "tipdm2020c_fj4_replies" / "fujian4_messages_replies_even_ids.csv"
SEED = 20


@dataclass(frozen=True)
class Pair:
    """A message with its own reply and the two negatives."""

    id: str
    message: str
    reply: str
    random_other: str
    similar_other: str


def half(key: str) -> str:
    """'tune' or 'report', fixed by a salted hash of the id."""
    digest = hashlib.blake2b(key.encode(), digest_size=4, key=b"reply-quality").digest()
    return "tune" if digest[0] % 2 == 0 else "report"


def load() -> list[dict[str, str]]:
    """The rows with a message and a reply."""
    rows = read_csv(CSV)
    return [r for r in rows if r["答复意见"].strip() and (r["留言主题"] + r["留言详情"]).strip()]


def message_of(row: dict[str, str]) -> str:
    """Title and detail of a message, normalised."""
    return textmod.normalize(row["留言主题"] + "。" + row["留言详情"])


def tokens(text: str) -> str:
    """Space-joined jieba words (what the plain TF-IDF sees)."""
    return " ".join(textmod.segment(textmod.normalize(text)))


def pairs(rows: list[dict[str, str]]) -> list[Pair]:
    """Each message with its reply, a random other reply and the most similar message's reply."""
    messages = [message_of(r) for r in rows]
    replies = [textmod.normalize(r["答复意见"]) for r in rows]
    vec = TfidfVectorizer(token_pattern=r"(?u)\S+", sublinear_tf=True)
    m = vec.fit_transform([tokens(t) for t in messages])
    sims = (m @ m.T).toarray()
    np.fill_diagonal(sims, -1.0)
    rng = random.Random(SEED)
    out = []
    for i, row in enumerate(rows):
        j = rng.choice([k for k in range(len(rows)) if k != i and replies[k] != replies[i]])
        order = np.argsort(-sims[i])
        near = next(int(k) for k in order if replies[int(k)] != replies[i])
        out.append(Pair(row["留言编号"], messages[i], replies[i], replies[j], replies[near]))
    return out


def tfidf_scorer(rows: list[dict[str, str]]):
    """Plain TF-IDF cosine of message and reply words, fitted on all messages and replies."""
    vec = TfidfVectorizer(token_pattern=r"(?u)\S+", sublinear_tf=True)
    vec.fit([tokens(message_of(r)) for r in rows] + [tokens(r["答复意见"]) for r in rows])

    def score(message: str, reply: str) -> float:
        a, b = vec.transform([tokens(message), tokens(reply)])
        return float((a @ b.T).toarray()[0, 0])
    return score


def auc(scorer, items: list[Pair]) -> tuple[float, float]:
    """AUC of own reply against (a) a random other reply and (b) the similar message's reply."""
    pos = [scorer(p.message, p.reply) for p in items]
    result = []
    for attr in ("random_other", "similar_other"):
        neg = [scorer(p.message, getattr(p, attr)) for p in items]
        result.append(roc_auc_score([1] * len(pos) + [0] * len(neg), pos + neg))
    return result[0], result[1]


def relevance_scorer(message_weight: float, reply_weight: float):
    """The shipped relevance model with other hubness weights (an attempt)."""
    base = rr.model()
    model = replace(base, message_weight=message_weight, reply_weight=reply_weight)
    return lambda message, reply: rr.raw_score(model, message, reply)


#: (message hubness weight, reply hubness weight); (0, 0) is the model's plain cosine.
ATTEMPTS = ((0.0, 0.0), (0.0, 1.0), (0.5, 1.0), (1.0, 1.0), (1.0, 0.5), (1.0, 0.0))


def main() -> None:
    """Print every attempt's AUC on both halves, then the final figures on the report half."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N messages")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = load()[: args.limit or None]
    # Negatives come from the same half: the report half never meets a tune-half reply.
    split = {name: pairs([r for r in rows if half(r["留言编号"]) == name])
             for name in ("tune", "report")}
    items = split["tune"] + split["report"]
    print(f"{len(items)} messages: tune {len(split['tune'])}, report {len(split['report'])}")
    tf = tfidf_scorer(rows)
    shipped = (rr.model().message_weight, rr.model().reply_weight)
    for name, part in split.items():
        a, b = auc(tf, part)
        print(f"[{name}] plain TF-IDF cosine          AUC random {a:.4f}  similar {b:.4f}")
        for weights in ATTEMPTS:
            a2, b2 = auc(relevance_scorer(*weights), part)
            print(f"[{name}] hubness weights {weights[0]:.1f}/{weights[1]:.1f}"
                  f"{' (shipped)' if weights == shipped else '          '}"
                  f" AUC random {a2:.4f}  similar {b2:.4f}"
                  f"  (vs TF-IDF {100 * (a2 - a):+.1f} / {100 * (b2 - b):+.1f} points)")
    print("(the tune half built the model's reference sets and chose its weights: only the "
          "report half is a clean measure)")
    print(f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
