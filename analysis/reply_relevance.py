"""Relevance of a reply to a message: TF-IDF cosine corrected for hubness against reference sets.

A plain cosine favours generic replies (they share words with every message) and long messages
(they share words with every reply). Like cross-domain similarity local scaling (CSLS), the
cosine is doubled and corrected by how close the reply is to its nearest reference messages and
how close the message is to its nearest reference replies. The reference messages and replies,
term weights and the logistic scale come from scripts/train_reply_relevance.py (tune half of
the 附件4 even ids) and load lazily once.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from analysis import keywords
from analysis._lazy import Lazy

MODEL_PATH = Path(__file__).with_name("models") / "reply_relevance.npz"
#: IDF is raised to this power: rare names (places, estates) matter more than common words.
IDF_POWER = 1.5
#: Nearest reference neighbours averaged for the hubness correction.
NEIGHBOURS = 5


@dataclass(frozen=True)
class RelevanceModel:
    """Term weights, reference messages and replies (rows L2-normalised) and the logistic scale."""

    index: dict[str, int]
    idf: np.ndarray
    messages: sp.csr_matrix
    replies: sp.csr_matrix
    message_weight: float
    reply_weight: float
    scale: float
    bias: float

    def weight(self, term: str) -> float:
        """IDF of a term over messages and replies (background IDF for unseen terms)."""
        i = self.index.get(term)
        return float(self.idf[i]) if i is not None else keywords.background().idf(term)


def terms(text: str) -> list[str]:
    """Content words and place names of a text (repeats kept)."""
    words = keywords.words_of(text)
    return keywords.content_words(words) + keywords.places(words)


def vector(text: str, weight) -> dict[str, float]:
    """Sublinear TF x IDF^power vector of a text, L2-normalised."""
    counts = Counter(terms(text))
    raw = {t: (1.0 + math.log(n)) * weight(t) ** IDF_POWER for t, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in raw.values()))
    return {t: v / norm for t, v in raw.items()} if norm else {}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def hub(vec: dict[str, float], index: dict[str, int], matrix: sp.csr_matrix,
        k: int = NEIGHBOURS, exclude: int | None = None) -> float:
    """Mean cosine of a vector with its k nearest rows of a reference matrix."""
    cols = [(index[t], v) for t, v in vec.items() if t in index]
    if not cols or matrix.shape[0] == 0:
        return 0.0
    column = sp.csr_matrix(([v for _, v in cols], ([c for c, _ in cols], [0] * len(cols))),
                           shape=(matrix.shape[1], 1))
    sims = (matrix @ column).toarray().ravel()
    if exclude is not None:
        sims[exclude] = -1.0
    k = min(k, len(sims))
    return float(np.partition(sims, -k)[-k:].mean())


def raw_score(model: RelevanceModel, message: str, reply: str,
              skip: tuple[int | None, int | None] = (None, None)) -> float:
    """2 cos(message, reply) minus the weighted hubness of each (unbounded).

    `skip` leaves out (a reference reply, a reference message): training leaves out the
    message's own reply and the reply's own message.
    """
    m, r = vector(message, model.weight), vector(reply, model.weight)
    return (2.0 * cosine(m, r)
            - model.message_weight * hub(m, model.index, model.replies, exclude=skip[0])
            - model.reply_weight * hub(r, model.index, model.messages, exclude=skip[1]))


def save(model: RelevanceModel, path: Path = MODEL_PATH) -> None:
    """Write the model as a compressed npz (scripts/train_reply_relevance.py)."""
    vocab = sorted(model.index, key=model.index.get)
    np.savez_compressed(
        path, terms=np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8),
        idf=model.idf.astype(np.float32), params=np.array(
            [model.message_weight, model.reply_weight, model.scale, model.bias]),
        **_csr_arrays("messages", model.messages), **_csr_arrays("replies", model.replies))


def _csr_arrays(name: str, matrix: sp.csr_matrix) -> dict[str, np.ndarray]:
    return {f"{name}_data": matrix.data.astype(np.float32), f"{name}_indices": matrix.indices,
            f"{name}_indptr": matrix.indptr, f"{name}_shape": np.array(matrix.shape)}


def load(path: Path = MODEL_PATH) -> RelevanceModel:
    """Read a model written by save."""
    with np.load(path) as data:
        vocab = data["terms"].tobytes().decode("utf-8").split("\n")

        def matrix(name: str) -> sp.csr_matrix:
            return sp.csr_matrix((data[f"{name}_data"].astype(np.float64),
                                  data[f"{name}_indices"], data[f"{name}_indptr"]),
                                 shape=tuple(data[f"{name}_shape"]))
        params = data["params"].tolist()
        return RelevanceModel({t: i for i, t in enumerate(vocab)}, data["idf"].astype(np.float64),
                              matrix("messages"), matrix("replies"), *params)


_model: Lazy[RelevanceModel] = Lazy(load)


def model() -> RelevanceModel:
    """The shipped relevance model, loaded on first use."""
    return _model.get()


def relevance(message: str, reply: str) -> float:
    """How well the reply addresses this message rather than another matter, in [0, 1]."""
    current = model()
    if not terms(message) or not terms(reply):
        return 0.0  # nothing to compare: no content words on one side
    z = current.scale * raw_score(current, message, reply) + current.bias
    return 1.0 / (1.0 + math.exp(-z))
