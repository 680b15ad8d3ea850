"""Normalisation and segmentation."""

from analysis import text


def test_normalize_strips_scrape_whitespace_and_folds_full_width():
    raw = "\n\t\t\t  Ａ３区 ，电话１３８１２３４５６７８\n\n 邮箱ｔｅｓｔ＠ｑｑ．ｃｏｍ\u3000 "
    assert text.normalize(raw) == "A3区 ，电话13812345678 邮箱test@qq.com"


def test_normalize_keeps_chinese_punctuation_and_joins_broken_lines():
    assert text.normalize("你好，\n  世界！（测试）") == "你好，世界！（测试）"
    assert text.normalize(None) == ""


def test_segment_keeps_admin_codes_whole():
    words = text.segment("A市A5区魅力之城小区临街餐饮店油烟噪音扰民")
    assert words[:2] == ["A市", "A5区"]
    assert "油烟" in words and "扰民" in words


def test_tokenizer_is_created_once():
    assert text.tokenizer() is text.tokenizer()
