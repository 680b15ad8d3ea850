"""Sentiment in [0, 1] (1 = positive): NB-weighted logistic regression stacked with SnowNLP Bayes.

Two components, each trained on our labelled training folds only (scripts/train_sentiment.py):

* an NBSVM-style model (Wang & Manning 2012): binary hashed character 1-3-grams (2^20 buckets)
  of the text with Weibo markup removed ({%...%} topics, places and link titles, #topics#,
  @user, URLs; see `char_text`), scaled by multinomial Naive Bayes log-count ratios, with a
  logistic regression on top; it collapses into one weight vector (stored as float16), so it
  costs a hash, a sparse dot product and nothing else;
* SnowNLP's own `snownlp.classification.bayes.Bayes` (the classifier behind
  `snownlp.sentiment`), retrained with `Bayes.train` on our data and saved in SnowNLP's format,
  pruned of rare words. It sees jieba words (no HMM; SnowNLP's own segmenter is too slow) with
  Weibo emoticons such as [哈哈] kept whole and #topic# tags dropped. There are two: one trained
  on Weibo alone and one on every labelled set.

The final score is a small logistic regression (the stacker) over the NB-LR log-odds and each
Bayes log-odds (clipped, scaled), fitted on the Weibo posts of a validation slice of the training
folds that neither component saw. The Bayes log-odds are computed exactly as `Bayes.classify`
does, from a table of per-word log ratios, so scoring never imports snownlp (its import loads its
own stock models). Artefacts (2.3 MB in all, byte-identical on retraining):
analysis/models/sentiment.npz (NB-LR weights and stacker) and
analysis/models/sentiment_bayes_<name>.marshal.3 (SnowNLP Bayes counts).

Honest effects. "cv" = 5-fold cross-validation over the Weibo training folds, used for every
choice; "held-out" = the Weibo held-out fold of bench/sentiment.py, looked at once per design:
* reference: plain char 1-3-gram TF-IDF + LogisticRegression on Weibo training folds only gets
  0.823 held-out (sublinear tf, C=30: 0.844), not the 0.90 the issue saw on its sealed test set,
  so our split is harder; many remaining errors look like label noise;
* 2^18 -> 2^20 hash buckets (collisions hurt): NB-LR alone cv 0.848 -> 0.858 on raw text;
* stripping the Weibo markup: cv +0.002 at 2^20 (0.858 -> 0.861), +0.008 at 2^18;
* stacking the SnowNLP Bayes components: cv 0.861 -> 0.868 (on the old 2^18 raw features cv
  0.848 -> 0.857, held-out 0.8525 -> 0.8530);
* together: held-out Weibo 0.8530 -> 0.8624; hotel 0.888 -> 0.882, delivery 0.875 -> 0.882,
  shopping 0.915 -> 0.919; throughput unchanged (~1,240 docs/CPU-s one by one, ~1,700 batched).
Tried and not kept. On one validation slice (1,572 posts): char 1-4-grams 0.866-0.882 vs 1-3's
0.872-0.884 over the cleaning variants, 1-5 0.859-0.873, 2-5 0.838-0.852. In cv, against 0.861
for NB-LR alone or 0.868 for the stack: C 0.3 / 3 (0.862 / 0.857); review-set weight 0 / 0.01 /
0.1 / 0.3 (0.861 / 0.861 / 0.856 / 0.849); NB ratios from every set (0.857); NB alpha 0.5
(0.859); whole-emoticon tokens (0.860); jieba word 1-2-gram NB-LR alone 0.850, in the stack
+0.001-0.002 (noise, so not worth a second weight vector); TF-IDF LR and complement NB (0.849,
0.825 alone, no gain stacked). The issue's 0.92 is not reached: nothing tried beat 0.869 cv.
"""

from __future__ import annotations

import functools
import gzip
import marshal
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

from analysis._lazy import ModelSlot
from analysis.text import normalize, tokenizer

MODEL_DIR = Path(__file__).with_name("models")
MODEL_PATH = MODEL_DIR / "sentiment.npz"
#: SnowNLP Bayes components, in stacker order; `Bayes().load(str(path))` reads path + ".3".
BAYES_NAMES = ("weibo", "all")
N_FEATURES = 2**20
NGRAMS = (1, 3)
#: Bayes log-odds are sums over words, so long texts are overconfident: clip, then scale.
BAYES_CLIP, BAYES_SCALE = 50.0, 0.1

_EMOTICON = re.compile(r"\[[^\[\]\s]{1,8}\]")
_TOPIC = re.compile(r"\{%#[^#]*#%\}|#[^#\s]{1,40}#")
_WORDLIKE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
#: Weibo markup the character model skips: {%...%} (topics, places, link titles), @user, URLs.
_MARKUP = re.compile(r"\{%[^%]*%\}|#[^#\s]{1,40}#|https?://\S+|@[\w\-]{1,30}")


def char_text(text: str) -> str:
    """Text the character n-grams see: normalised, with Weibo markup replaced by a space."""
    return _MARKUP.sub(" ", normalize(text))


def bayes_path(name: str) -> Path:
    """Path handed to SnowNLP's Bayes.save/load (which append '.3' on Python 3)."""
    return MODEL_DIR / f"sentiment_bayes_{name}.marshal"


def bayes_tokens(text: str) -> list[str]:
    """Words the Bayes components see: jieba words, emoticons kept whole, #topics# dropped."""
    text = normalize(text)
    emoticons = _EMOTICON.findall(text)
    text = _EMOTICON.sub(" ", _TOPIC.sub(" ", text))
    words = [w for w in tokenizer().lcut(text, HMM=False) if _WORDLIKE.search(w)]
    return words + emoticons


@dataclass(frozen=True)
class BayesLogOdds:
    """A two-class SnowNLP Bayes as log(P(pos)/P(neg)) = prior + sum of per-word ratios."""

    prior: float
    unseen: float
    table: dict[str, float]

    @classmethod
    def from_counts(cls, saved: dict) -> BayesLogOdds:
        """Build from the dict SnowNLP's Bayes.save writes ({'total', 'd': {'pos', 'neg'}})."""
        pos, neg = saved["d"]["pos"], saved["d"]["neg"]
        log_tp, log_tn = math.log(pos["total"]), math.log(neg["total"])
        # AddOneProb: an unseen word counts `none` (1) in a class; freq = count / class total.
        p_none, n_none = pos["none"], neg["none"]
        table = {w: math.log(pos["d"].get(w, p_none)) - math.log(neg["d"].get(w, n_none))
                 - log_tp + log_tn for w in set(pos["d"]) | set(neg["d"])}
        unseen = math.log(p_none) - math.log(n_none) - log_tp + log_tn
        return cls(prior=log_tp - log_tn, unseen=unseen, table=table)

    def log_odds(self, tokens: Iterable[str]) -> float:
        """Log-odds of positive, equal to the log of Bayes.classify's pos/neg ratio."""
        get, unseen = self.table.get, self.unseen
        return self.prior + sum(get(w, unseen) for w in tokens)


def train_bayes(token_lists: Sequence[list[str]], labels: Sequence[int], min_count: int = 2):
    """Train SnowNLP's Bayes on token lists; words seen under min_count times are pruned."""
    from snownlp.classification.bayes import Bayes  # training only: the import is slow

    bayes = Bayes()
    bayes.train([[toks, "pos" if y else "neg"] for toks, y in zip(token_lists, labels,
                                                                  strict=True)])
    seen: dict[str, int] = {}
    for prob in bayes.d.values():
        for word, count in prob.d.items():
            seen[word] = seen.get(word, 0) + count - prob.none
    for prob in bayes.d.values():  # class totals stay, so kept words keep their frequency
        prob.d = {w: c for w, c in prob.d.items() if seen[w] >= min_count}
    return bayes


def bayes_counts(bayes) -> dict:
    """The dict SnowNLP's Bayes.save marshals: {'total', 'd': {label: AddOneProb fields}}."""
    return {"total": bayes.total, "d": {k: v.__dict__ for k, v in bayes.d.items()}}


def save_bayes(bayes, path: Path) -> None:
    """Write what Bayes.save(str(path)) writes, with a fixed gzip time so reruns are identical."""
    with open(f"{path}.3", "wb") as raw, gzip.GzipFile(f"{path}.3", "wb", fileobj=raw,
                                                     mtime=0) as handle:
        handle.write(marshal.dumps(bayes_counts(bayes)))


def load_bayes(path: Path) -> BayesLogOdds:
    """Read a file written by SnowNLP's Bayes.save(str(path)) (gzip + marshal, '.3' suffix)."""
    with gzip.open(f"{path}.3", "rb") as handle:
        return BayesLogOdds.from_counts(marshal.loads(handle.read()))


def bayes_feature(log_odds: float) -> float:
    """Clipped, scaled Bayes log-odds as the stacker sees it."""
    return max(-BAYES_CLIP, min(BAYES_CLIP, log_odds)) * BAYES_SCALE


@dataclass(frozen=True)
class SentimentModel:
    """NB-LR weights over hashed character n-grams, optionally stacked with Bayes components."""

    coef: np.ndarray
    intercept: float
    n_features: int = N_FEATURES
    ngram_range: tuple[int, int] = NGRAMS
    bayes: tuple[BayesLogOdds, ...] = ()
    #: Stacker weights: NB-LR log-odds, then one per Bayes component, then the bias.
    stack: tuple[float, ...] = field(default=(1.0, 0.0))

    def vectorizer(self) -> HashingVectorizer:
        """Return the feature hasher this model was trained with."""
        return build_vectorizer(self.n_features, self.ngram_range)

    def features(self, texts: Sequence[str]) -> np.ndarray:
        """Stacker inputs per text: NB-LR log-odds and each Bayes feature."""
        X = self.vectorizer().transform([char_text(t) for t in texts])
        cols = [X @ self.coef + self.intercept]
        if self.bayes:
            tokens = [bayes_tokens(t) for t in texts]
            cols += [[bayes_feature(b.log_odds(tk)) for tk in tokens] for b in self.bayes]
        return np.column_stack(cols).astype(np.float64)

    def score_many(self, texts: Sequence[str]) -> list[float]:
        """Positive probability of each text."""
        if not texts:
            return []
        z = self.features(texts) @ np.asarray(self.stack[:-1]) + self.stack[-1]
        return (1.0 / (1.0 + np.exp(-z))).tolist()


@functools.lru_cache(maxsize=4)  # stateless, so one per setting saves a rebuild per call
def _vectorizer(n_features: int, ngram_range: tuple[int, int]) -> HashingVectorizer:
    return HashingVectorizer(analyzer="char", ngram_range=tuple(ngram_range),
                             n_features=n_features, alternate_sign=False, norm=None,
                             binary=True, dtype=np.float32)


def build_vectorizer(n_features: int = N_FEATURES, ngram_range=NGRAMS) -> HashingVectorizer:
    """The binary hashed character n-gram features used for training and scoring."""
    return _vectorizer(int(n_features), tuple(int(v) for v in ngram_range))


def nb_ratio(X: sparse.csr_matrix, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Naive Bayes log-count ratio log(p(f|pos)/p(f|neg)) per feature."""
    pos = alpha + np.asarray(X[y == 1].sum(axis=0)).ravel()
    neg = alpha + np.asarray(X[y == 0].sum(axis=0)).ravel()
    return np.log(pos / pos.sum()) - np.log(neg / neg.sum())


def fit(texts: Sequence[str], labels: Sequence[int], *, weights: Sequence[float] | None = None,
        ratio_mask: Sequence[bool] | None = None, C: float = 1.0) -> SentimentModel:
    """Fit the NB-LR part; NB ratios come from rows in `ratio_mask` (default all)."""
    X = build_vectorizer().transform([char_text(t) for t in texts]).tocsr()
    y = np.asarray(labels, dtype=np.int8)
    mask = np.ones(len(y), bool) if ratio_mask is None else np.asarray(ratio_mask, bool)
    r = nb_ratio(X[mask], y[mask])
    w = np.ones(len(y)) if weights is None else np.asarray(weights, float)
    keep = w > 0
    clf = LogisticRegression(C=C, max_iter=3000)
    clf.fit((X @ sparse.diags(r))[keep], y[keep], sample_weight=w[keep])
    coef = (clf.coef_.ravel() * r).astype(np.float32)
    return SentimentModel(coef=coef, intercept=float(clf.intercept_[0]))


def save_model(model: SentimentModel, path: Path) -> None:
    """Write the NB-LR weights and the stacker as a compressed npz (Bayes files are separate)."""
    # float16 halves the file; a weight moves by at most ~1e-3, a score by under 0.005.
    np.savez_compressed(path, coef=model.coef.astype(np.float16),
                        intercept=np.float32(model.intercept),
                        n_features=model.n_features, ngram_range=np.array(model.ngram_range),
                        stack=np.array(model.stack, dtype=np.float64))


def load_model(path: Path = MODEL_PATH) -> SentimentModel:
    """Read a model written by save_model, with the Bayes components its stacker expects."""
    with np.load(path) as data:
        stack = tuple(float(v) for v in data["stack"]) if "stack" in data else (1.0, 0.0)
        n_bayes = len(stack) - 2
        return SentimentModel(coef=data["coef"].astype(np.float32),
                              intercept=float(data["intercept"]),
                              n_features=int(data["n_features"]),
                              ngram_range=tuple(int(v) for v in data["ngram_range"]),
                              bayes=tuple(load_bayes(path.with_name(
                                  bayes_path(n).name)) for n in BAYES_NAMES[:n_bayes]),
                              stack=stack)


_model: ModelSlot[SentimentModel] = ModelSlot(load_model, MODEL_PATH)


def use_model(path: Path | None) -> None:
    """Score with the model at `path` from now on (None: the shipped one); loading happens here,
    once, and only when the path changes (the tracker calls this before every run)."""
    _model.use(path)


def model_path() -> Path:
    """The artefact the model in use was (or will be) loaded from."""
    return _model.path


def score_many(texts: Sequence[str]) -> list[float]:
    """Sentiment of each text in [0, 1], 1 = positive."""
    return _model.get().score_many(texts)


def score(text: str) -> float:
    """Sentiment of one text in [0, 1], 1 = positive."""
    return score_many([text])[0]


def is_negative(value: float, threshold: float = 0.5) -> bool:
    """Whether a sentiment score counts as negative."""
    return value < threshold
