"""The shipped labelled training sets and their fixed held-out folds (training and retraining).

The held-out fold of every dataset is decided by a hash of the normalised text, so the split is
the same on every machine and run, exact duplicates always land on the same side, and nothing in
a held-out fold is ever used for training. The sets live in the shared data folder beside the
repository (``SHARED_DATA_DIR``); bench/_common.py, the training scripts and ``yuqing model
retrain`` all read them through this module.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: The shared datasets beside the repository (demo.site.data.DEFAULT_DATA_DIR is the same).
SHARED_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"

csv.field_size_limit(10_000_000)

#: One fold in this many is held out (20%).
HOLDOUT_MODULO = 5
#: Salt of the split hash; changing it changes every split, so never change it.
SPLIT_SALT = b"yuqing-holdout-v1"


def is_held_out(key: str) -> bool:
    """Return True when the text or id `key` belongs to the fixed held-out fold."""
    digest = hashlib.blake2b(key.strip().encode("utf-8"), digest_size=8, key=SPLIT_SALT).digest()
    return int.from_bytes(digest, "big") % HOLDOUT_MODULO == 0


@dataclass(frozen=True)
class Labelled:
    """A labelled text with the dataset it comes from."""

    dataset: str
    text: str
    label: str


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV (with or without BOM) into a list of dicts."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


SENTIMENT_SETS: dict[str, tuple[str, str]] = {
    "weibo2018": ("weibo2018/weibo2018_train.csv", "text"),
    "chnsenticorp_htl": ("chnsenticorp_htl/ChnSentiCorp_htl_all.csv", "review"),
    "waimai_10k": ("waimai_10k/waimai_10k.csv", "review"),
    "online_shopping_10_cats": ("online_shopping_10_cats/online_shopping_10_cats.csv", "review"),
}


def _sentiment_rows(name: str, path: Path, text_col: str) -> list[Labelled]:
    out = []
    for row in read_csv(path):
        text = (row.get(text_col) or "").strip()
        if text:
            out.append(Labelled(name, text, row["label"].strip()))
    return out


def load_sentiment(names: Iterable[str] = SENTIMENT_SETS,
                   data_dir: Path = SHARED_DATA_DIR) -> list[Labelled]:
    """Load the labelled sentiment sets (label '1' positive, '0' negative)."""
    out: list[Labelled] = []
    for name in names:
        rel, col = SENTIMENT_SETS[name]
        out.extend(_sentiment_rows(name, data_dir / rel, col))
    return out


def split(rows: Iterable[Labelled]) -> tuple[list[Labelled], list[Labelled]]:
    """Split rows into (train, held_out) by the fixed text hash."""
    train, test = [], []
    for row in rows:
        (test if is_held_out(row.text) else train).append(row)
    return train, test


def load_routing_segmented(data_dir: Path = SHARED_DATA_DIR) -> list[Labelled]:
    """Load the third-party segmented 附件2 set (text = space-separated tokens)."""
    rows = read_csv(data_dir / "tipdm2020c_fj2_full_segmented" / "fujian2_full_segmented.csv")
    return [Labelled("fj2_full_segmented", r["segmented_text"].strip(), r["一级标签"].strip())
            for r in rows]


def load_routing_sample(data_dir: Path = SHARED_DATA_DIR) -> list[dict[str, str]]:
    """Load the 495 raw 附件2 sample messages (留言主题, 留言详情, 一级分类 ...)."""
    return read_csv(data_dir / "tipdm2020c_fj2_sample" / "fujian2_sample_messages.csv")


def _cjk_only(text: str) -> str:
    return "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")


def match_sample_to_segmented(min_similarity: float = 0.3,
                              data_dir: Path = SHARED_DATA_DIR) -> dict[int, int]:
    """Map each raw 附件2 sample row (index) to the segmented row holding the same message.

    Matching is the cosine of character-bigram TF-IDF over the CJK characters; the sample is a
    subset of the full 附件2, so almost every sample row has a near-identical segmented row.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    segmented = [_cjk_only(r.text) for r in load_routing_segmented(data_dir)]
    sample = [_cjk_only(r["留言主题"] + r["留言详情"]) for r in load_routing_sample(data_dir)]
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 2)).fit(segmented + sample)
    sim = (vec.transform(sample) @ vec.transform(segmented).T).toarray()
    best = sim.argmax(axis=1)
    return {i: int(best[i]) for i in range(len(sample)) if sim[i, best[i]] >= min_similarity}


def routing_split(data_dir: Path = SHARED_DATA_DIR
                  ) -> tuple[list[Labelled], list[Labelled], list[int]]:
    """(train, held_out, sample_matched_row_indices) of the segmented 附件2 set.

    Rows matching a raw sample message are in neither train nor held_out, so the raw sample is
    a second held-out set; the rest is split by the fixed text hash.
    """
    rows = load_routing_segmented(data_dir)
    matched = set(match_sample_to_segmented(data_dir=data_dir).values())
    train = [r for i, r in enumerate(rows) if i not in matched and not is_held_out(r.text)]
    held = [r for i, r in enumerate(rows) if i not in matched and is_held_out(r.text)]
    return train, held, sorted(matched)
