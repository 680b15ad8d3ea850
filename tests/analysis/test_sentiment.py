"""Sentiment scores: range, direction, batch equals single, held-out accuracy on a sample."""

import hashlib

import pytest

from analysis import sentiment

from .conftest import read_rows

POSITIVE = ["服务很好，问题很快就解决了，非常满意，感谢工作人员！", "环境优美，交通方便，值得推荐"]
NEGATIVE = [
    "小区门口垃圾堆了一个月没人管，臭气熏天，太让人失望了",
    "投诉多次没人理，态度恶劣，气死了",
]


def test_scores_are_probabilities_with_the_right_direction():
    pos = sentiment.score_many(POSITIVE)
    neg = sentiment.score_many(NEGATIVE)
    assert all(0.0 <= s <= 1.0 for s in pos + neg)
    assert min(pos) > 0.5 > max(neg)


def test_single_equals_batch_and_empty_input():
    assert sentiment.score(POSITIVE[0]) == pytest.approx(sentiment.score_many(POSITIVE)[0])
    assert sentiment.score_many([]) == []
    assert 0.0 <= sentiment.score("") <= 1.0


def _held_out(text: str) -> bool:
    # Same rule as bench/_common.is_held_out (kept here so tests do not import bench).
    digest = hashlib.blake2b(text.strip().encode("utf-8"), digest_size=8,
                             key=b"yuqing-holdout-v1").digest()
    return int.from_bytes(digest, "big") % 5 == 0


def test_held_out_weibo_sample_accuracy(data_dir):
    rows = read_rows(data_dir / "weibo2018" / "weibo2018_train.csv")
    held = [r for r in rows if r["text"].strip() and _held_out(r["text"])][:600]
    scores = sentiment.score_many([r["text"] for r in held])
    accuracy = sum((s >= 0.5) == (r["label"] == "1") for s, r in zip(scores, held, strict=True))
    accuracy /= len(held)
    assert accuracy >= 0.825  # 0.833 measured; bench/sentiment.py: 0.862 on all 1,919 posts


def test_character_model_skips_weibo_markup():
    text = "{%#某话题#%}真好吃 @小明_2018 http://t.cn/abc #广告#"
    assert sentiment.char_text(text).split() == ["真好吃"]
