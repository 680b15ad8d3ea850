"""Routing: predict the 一级分类 of a citizen message, with a confidence.

A linear SVM over TF-IDF of words, word bigrams and CJK character 1-3-grams. It is trained on
the third-party segmented 附件2 set (scripts/train_routing.py) but reads raw messages: raw text
is normalised and segmented with jieba, admin codes are split the way that set splits them
(A3区 -> A3 区, A市 -> 市) and the same stop words are dropped. Confidence is a softmax of the
SVM scores with a temperature fitted on training data; below the threshold a person decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from analysis import text as textmod
from analysis._lazy import ModelSlot
from analysis.types import Route

MODEL_PATH = Path(__file__).with_name("models") / "routing.npz"
DEFAULT_THRESHOLD = 0.5
CATEGORIES = (
    "城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "商贸旅游", "卫生计生",
)
STOP_WORDS = frozenset(
    "的 了 是 在 我 我们 你 您 你们 他 他们 和 与 及 也 都 就 有 被 把 对 为 这 那 这个 那个"
    " 吗 呢 啊 吧 请 请问 一个 没有 什么 怎么 已经 可以 还 又 但 而 等 个 于 之 其 或 该 很"
    " 非常 所 从 到 给 让 着 过 要 会 能 将 并 但是 因为 所以 如果 就是 这样 这些 那些 哪些"
    " 以及".split()
)
_ADMIN = re.compile(r"([A-Z])([0-9]{0,2})([省市县区镇乡])")
_NUMBER = re.compile(r"[0-9.%]+")
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def raw_tokens(message: str) -> list[str]:
    """Words of a raw message, in the style of the segmented training set."""
    out: list[str] = []
    for word in textmod.segment(textmod.normalize(message)):
        admin = _ADMIN.fullmatch(word)
        if admin:
            out.extend(p for p in (admin.group(1) + admin.group(2) if admin.group(2) else "",
                                   admin.group(3)) if p)
        elif textmod.is_wordlike(word) and word not in STOP_WORDS and not _NUMBER.fullmatch(word):
            out.append(word)
    return out


def features(tokens: Sequence[str]) -> list[str]:
    """Feature strings: words, word bigrams and character 1-3-grams of the CJK text."""
    feats = ["w" + w for w in tokens]
    feats += ["b" + a + " " + b for a, b in zip(tokens, tokens[1:], strict=False)]
    for run in _CJK.findall("".join(tokens)):
        for n in (1, 2, 3):
            feats += ["c" + run[i:i + n] for i in range(len(run) - n + 1)]
    return feats


@dataclass(frozen=True)
class RoutingModel:
    """Vocabulary, IDF, linear weights and softmax temperature."""

    vocabulary: tuple[str, ...]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    classes: tuple[str, ...]
    temperature: float

    def __post_init__(self) -> None:
        counter = CountVectorizer(analyzer=features, vocabulary=self.vocabulary)
        counter.transform([])  # validates the vocabulary once, not per call
        object.__setattr__(self, "_counter", counter)

    def matrix(self, token_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Sublinear TF-IDF rows, L2-normalised."""
        X = self._counter.transform(token_lists).astype(np.float32).tocsr()
        X.data = 1.0 + np.log(X.data)
        X = X @ sparse.diags(self.idf)
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        return sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ X

    def decision(self, token_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """SVM scores, one column per class."""
        return np.asarray(self.matrix(token_lists) @ self.coef.T) + self.intercept

    def probabilities(self, token_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """Softmax of the scaled SVM scores."""
        z = self.decision(token_lists) * self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def save_model(model: RoutingModel, path: Path) -> None:
    """Write the model as a compressed npz (used by the training script)."""
    np.savez_compressed(
        path, vocabulary=np.frombuffer("\n".join(model.vocabulary).encode(), dtype=np.uint8),
        idf=model.idf.astype(np.float32), coef=model.coef.astype(np.float16),
        intercept=model.intercept.astype(np.float32),
        classes=np.frombuffer("\n".join(model.classes).encode(), dtype=np.uint8),
        temperature=np.float32(model.temperature))


def load_model(path: Path = MODEL_PATH) -> RoutingModel:
    """Read a model written by save_model."""
    with np.load(path) as data:
        return RoutingModel(
            vocabulary=tuple(data["vocabulary"].tobytes().decode().split("\n")),
            idf=data["idf"].astype(np.float32), coef=data["coef"].astype(np.float32),
            intercept=data["intercept"].astype(np.float32),
            classes=tuple(data["classes"].tobytes().decode().split("\n")),
            temperature=float(data["temperature"]))


_model: ModelSlot[RoutingModel] = ModelSlot(load_model, MODEL_PATH)


def use_model(path: Path | None) -> None:
    """Score with the model at `path` from now on (None: the shipped one); loading happens here,
    once, and only when the path changes (the tracker calls this before every run)."""
    _model.use(path)


def model_path() -> Path:
    """The artefact the model in use was (or will be) loaded from."""
    return _model.path


def _routes(probs: np.ndarray, classes: Sequence[str], threshold: float) -> list[Route]:
    routes = []
    for row in probs:
        best = int(row.argmax())
        conf = float(row[best])
        ok = conf >= threshold
        routes.append(Route(classes[best] if ok else None, conf, classes[best], not ok))
    return routes


def classify_many(messages: Sequence[str], threshold: float = DEFAULT_THRESHOLD) -> list[Route]:
    """Route raw messages (title and details joined); low confidence gives category None."""
    if not messages:
        return []
    model = _model.get()
    probs = model.probabilities([raw_tokens(m) for m in messages])
    return _routes(probs, model.classes, threshold)


def classify(message: str, title: str = "", threshold: float = DEFAULT_THRESHOLD) -> Route:
    """Route one raw message; pass the title separately or inside `message`."""
    return classify_many([f"{title} {message}".strip()], threshold)[0]


def top_categories(messages: Sequence[str], n: int = 3) -> list[list[tuple[str, float]]]:
    """The ``n`` likeliest 一级分类 of each raw message with their confidences, best first."""
    if not messages:
        return []
    model = _model.get()
    probs = model.probabilities([raw_tokens(m) for m in messages])
    order = np.argsort(-probs, axis=1)[:, :n]
    return [[(model.classes[j], float(row[j])) for j in idx] for row, idx in zip(
        probs, order, strict=True)]
