"""The SnowNLP Bayes components: exact log-odds, SnowNLP's file format, tokens, shipped model."""

import math

import pytest

from analysis import sentiment

DOCS = [(["好", "喜欢", "[哈哈]"], 1), (["好", "开心"], 1), (["差", "失望"], 0),
        (["差", "[怒]", "好"], 0), (["喜欢", "推荐"], 1)]


def _bayes():
    return sentiment.train_bayes([d for d, _ in DOCS], [y for _, y in DOCS], min_count=1)


def test_log_odds_equal_snownlp_classify(tmp_path):
    bayes = _bayes()
    bayes.save(str(tmp_path / "b.marshal"))
    table = sentiment.load_bayes(tmp_path / "b.marshal")
    for words in (["好", "喜欢"], ["差"], ["没见过", "好"], []):
        label, prob = bayes.classify(words)
        p_pos = prob if label == "pos" else 1 - prob
        assert 1 / (1 + math.exp(-table.log_odds(words))) == pytest.approx(p_pos, abs=1e-9)


def test_saved_file_is_readable_by_snownlp(tmp_path):
    from snownlp.classification.bayes import Bayes

    _bayes().save(str(tmp_path / "b.marshal"))
    again = Bayes()
    again.load(str(tmp_path / "b.marshal"))
    assert again.classify(["喜欢"])[0] == "pos" and again.classify(["失望"])[0] == "neg"


def test_save_bayes_is_snownlp_format_and_byte_stable(tmp_path):
    from snownlp.classification.bayes import Bayes

    for run in ("a", "b"):  # same name in two folders: gzip stores the name, not the time
        (tmp_path / run).mkdir()
        sentiment.save_bayes(_bayes(), tmp_path / run / "m.marshal")
    assert (tmp_path / "a" / "m.marshal.3").read_bytes() == (tmp_path / "b" /
                                                              "m.marshal.3").read_bytes()
    again = Bayes()
    again.load(str(tmp_path / "a" / "m.marshal"))
    assert again.classify(["喜欢"]) == _bayes().classify(["喜欢"])


def test_pruning_drops_rare_words():
    bayes = sentiment.train_bayes([d for d, _ in DOCS], [y for _, y in DOCS], min_count=2)
    kept = set(bayes.d["pos"].d) | set(bayes.d["neg"].d)
    assert {"好", "喜欢", "差"} <= kept and "推荐" not in kept


def test_tokens_keep_emoticons_and_drop_topics():
    tokens = sentiment.bayes_tokens("#某某话题# 今天真开心[哈哈]！{%#静下心来听音乐#%}")
    assert "[哈哈]" in tokens and "开心" in tokens
    assert not any("话题" in t or "音乐" in t for t in tokens)


def test_shipped_model_stacks_snownlp_bayes():
    model = sentiment.load_model()
    assert len(model.bayes) == len(model.stack) - 2 >= 1
    assert all(len(b.table) > 1000 for b in model.bayes)
