"""The watch-rule query syntax and the shared text rules."""

from __future__ import annotations

import pytest

from tracker.index.base import QuerySyntaxError
from tracker.index.query import Query, parse_query
from tracker.index.text import SEPARATOR, highlight_all, snippet, tokens


@pytest.mark.parametrize(("text", "expected"), [
    ("物业 噪音", Query(all_words=("物业", "噪音"))),
    ("物业 +噪音 -广告", Query(all_words=("物业", "噪音"), none_words=("广告",))),
    ("(学校|医院) 门口", Query(all_words=("门口",), any_groups=(("学校", "医院"),))),
    ("学校|医院", Query(any_groups=(("学校", "医院"),))),
    ("学校 | 医院", Query(any_groups=(("学校", "医院"),))),
    ("-(广告|推广)", Query(none_words=("广告", "推广"))),
    ('"A3区 物业" kind:board', Query(all_words=("A3区 物业",), kinds=("board",))),
    ("region:A3区|A4区 source:a,b", Query(region_words=("A3区", "A4区"), sources=("a", "b"))),
    ('region:"A 区"', Query(region_words=("A 区",))),
    ("（学校｜医院） －广告 ＋门口", Query(all_words=("门口",), any_groups=(("学校", "医院"),),
                                          none_words=("广告",))),
    ("“完整 短语”", Query(all_words=("完整 短语",))),
    ("A-3 物业-公司", Query(all_words=("A-3", "物业-公司"))),
    ("", Query()),
])
def test_parse(text, expected):
    assert parse_query(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ('"物业', "引号没有配对"),
    ("(学校|医院", "缺少“)”"),
    ("学校)", "多了“)”"),
    ("()", "第 2 个字符处缺少检索词"),
    ("学校|", "末尾缺少检索词"),
    ("foo:bar", "“foo:”无法识别"),
    ("-source:a", "不能写在 source: 前面"),
    ("region:", "后面缺少内容"),
    ("！！", "没有文字或数字"),
    ('""', "引号中没有内容"),
    ("(a|region:b)", "不能写在括号或“|”中"),
    ("词" * 1001, "检索式太长"),
])
def test_syntax_errors_say_what_is_wrong(text, message):
    with pytest.raises(QuerySyntaxError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_query(text)


def test_canonical_text_round_trips():
    for text in ('物业 (学校|医院) -广告 region:A3区 source:x kind:board "A 3" "a:b"',
                 "-物业", "source:a|b"):
        query = parse_query(text)
        assert parse_query(query.to_text()) == query


def test_tokens_are_characters_words_and_separators():
    assert tokens("小区Ａ3区，ELASTIC_search 3.5元") == [
        "小", "区", "a3", "区", SEPARATOR, "elastic", SEPARATOR, "search", SEPARATOR, "3",
        SEPARATOR, "5", "元"]
    assert tokens("  ，物业。 ") == ["物", "业"]


def test_highlights_follow_the_matching_rules():
    assert highlight_all("货物，业主；物业费", ["物业"]) == (
        ("货物，业主；", False), ("物业", True), ("费", False))
    assert highlight_all("keyboard board", ["board"]) == (("keyboard ", False), ("board", True))
    assert highlight_all("A3区", ["a3区"]) == (("A3区", True),)


def test_snippets_centre_on_the_matches():
    text = "无关" * 100 + "物业费太高" + "无关" * 100
    parts = snippet(text, ["物业"], size=40)
    joined = "".join(p for p, _ in parts)
    assert ("物业", True) in parts and joined.startswith("…") and joined.endswith("…")
    assert len(joined) <= 42


def test_the_fast_token_string_equals_the_reference_tokens():
    from tests.conftest import SHARED_DATA
    from tracker.index.text import _raw_tokens, token_string

    texts = ["Ａ３区ＡＢＣ，ａｂｃ elastic_search 3.5元", "  ，物业。 ", "", "𠀀𠀁字"]
    with (SHARED_DATA / "weibo2018" / "weibo2018_train.csv").open(encoding="utf-8") as f:
        texts += [line for _, line in zip(range(2000), f, strict=False)]
    for text in texts:
        assert token_string(text).split() == _raw_tokens(text), text


def _c_tokens(texts: list[str], *, query: bool = False) -> list[list[str]]:
    """Tokens of each text by the C tokenizer, read back through an fts5vocab table."""
    from tracker.index.embedded import load_tokenizer, sqlite3

    db = sqlite3.connect(":memory:")
    assert load_tokenizer(db), "the C tokenizer must be built (pip install -e .)"
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='yuqing')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    db.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", list(enumerate(texts, 1)))
    out: list[list[str]] = [[] for _ in texts]
    for rowid, term in db.execute("SELECT doc, term FROM v ORDER BY doc, offset"):
        out[rowid - 1].append(term)
    return out


def test_the_c_tokenizer_splits_text_as_the_python_tokens_do():
    from tests.conftest import SHARED_DATA
    from tracker.index.text import _raw_tokens

    texts = ["Ａ３区ＡＢＣ，ａｂｃ elastic_search 3.5元", "  ，物业。 ", "𠀀𠀁字", "x\ue000y",
             "ゔ゛ぁ ｶﾀｶﾅ 한국어 Straße ÀÉÎ 123٤٥", "物业费\U0001F600很贵", "a\u0301b",
             "x" * 5000 + "物" + "É" * 3000 + "，"]  # words longer than the C stack buffer
    with (SHARED_DATA / "weibo2018" / "weibo2018_train.csv").open(encoding="utf-8") as f:
        texts += [line for _, line in zip(range(3000), f, strict=False)]
    with (SHARED_DATA / "tipdm2020c_fj4_replies" /
          "fujian4_messages_replies_even_ids.csv").open(encoding="utf-8") as f:
        texts += [line for _, line in zip(range(1000), f, strict=False)]
    for text, got in zip(texts, _c_tokens(texts), strict=True):
        assert got == _raw_tokens(text), text


def test_the_c_tokenizer_folds_case_one_character_at_a_time():
    # Python's str.lower() is contextual for these two; the C tokenizer is not, and both a
    # document and a query go through it, so a term typed either way still matches.
    assert _c_tokens(["İstanbul", "ΟΔΟΣ οδος"]) == [["istanbul"], ["οδοσ", "\ue000", "οδοσ"]]


def test_searches_find_terms_with_and_without_the_c_tokenizer(tmp_path, monkeypatch):
    from tracker.index.base import MentionDoc, SearchRequest
    from tracker.index.embedded import NATIVE_ENV, EmbeddedIndex
    from tracker.index.query import parse_query

    docs = [MentionDoc(id="a", kind="news", source="s", title="ΟΔΟΣ 物业费", text="货物，业主"),
            MentionDoc(id="b", kind="news", source="s", title="A3区", text="elasticsearch")]
    expected = {"物业": ["a"], "οδος": ["a"], '"物业 费"': [], "物业 费": ["a"],
                '"货物，业主"': ["a"], "物，业": ["a"], "a3区": ["b"], "3区": [], "elastic": [],
                "Elasticsearch": ["b"]}
    for native in ("1", "0"):
        monkeypatch.setenv(NATIVE_ENV, native)
        index = EmbeddedIndex(tmp_path / f"{native}.db")
        index.upsert(docs)
        assert index.native == (native == "1")
        for query, ids in expected.items():
            hits = index.search(SearchRequest(query=parse_query(query))).hits
            assert sorted(h.doc.id for h in hits) == ids, (native, query)
        index.close()


def test_the_c_tokenizer_agrees_on_random_text_from_every_plane():
    import random

    from tracker.index.text import _raw_tokens

    rnd = random.Random(20261128)
    pools = [range(0x20, 0x7F), range(0x80, 0x800), range(0x3000, 0x3100), range(0x4E00, 0x9FFF),
             range(0xFF00, 0xFFF0), range(0x10000, 0x30000), range(0xE000, 0xE010),
             range(0x370, 0x400)]
    texts = []
    for _ in range(3000):
        chars = []
        for _ in range(rnd.randrange(0, 60)):
            cp = rnd.choice(rnd.choice(pools))
            if cp not in (0x130, 0x3A3, 0x3C2):  # the two documented folding differences
                chars.append(chr(cp))
        texts.append("".join(chars))
    for text, got in zip(texts, _c_tokens(texts), strict=True):
        assert got == _raw_tokens(text), ascii(text)
