"""The config check in tracker.collection.sources knows exactly what the spiders read: the same
field names, required fields and politeness keys; every demo source passes it; each broken key
is named."""

from __future__ import annotations

import re

import pytest

from crawlers.items import ALL_FIELDS, REQUIRED
from crawlers.spiders.base import POLITENESS
from crawlers.spiders.base import __doc__ as SPIDER_DOC
from demo.sources import BOARD_A, DEMO_SOURCES
from tracker.collection import SourceError, check_config, preview_notes
from tracker.collection import sources as module


def test_the_check_and_the_spiders_agree():
    assert set(module.FIELDS) == set(ALL_FIELDS) | {"id", "link"}
    assert module.REQUIRED == {k: tuple(v) for k, v in REQUIRED.items()}
    assert module.POLITENESS == tuple(POLITENESS)
    for key in module.TOP_KEYS:  # every key the check accepts is documented by the spider
        assert f"``{key}``" in SPIDER_DOC, key


@pytest.mark.parametrize("name", list(DEMO_SOURCES))
def test_every_demo_source_passes(name):
    _, kind, config = DEMO_SOURCES[name]
    check_config(kind, "http://127.0.0.1:5000/", config)


def problems(kind: str, config, base: str = "http://x.cn/") -> list[str]:
    with pytest.raises(SourceError) as caught:
        check_config(kind, base, config)
    return [key for key, _, _ in caught.value.problems]


def test_each_broken_key_is_named():
    fields = {k: v for k, v in BOARD_A["fields"].items() if k != "text"}
    broken = {**BOARD_A, "fields": {**fields, "title": "div[", "mood": "p",
                                    "author": {"css": "a", "xpath": "//a"},
                                    "published": {"css": "span", "regex": "(("}},
              "list": {"entries": {"xpath": "//li["}, "max_pages": 0, "pages": 3},
              "encoding": "no-such", "relative_to": "yesterday", "politeness": {"speed": 1},
              "start_urls": [], "colour": 1}
    assert sorted(problems("board", broken, "ftp://x")) == sorted([
        "base_url", "colour", "start_urls", "list.pages", "list.entries", "list.link",
        "list.max_pages", "fields.title", "fields.mood", "fields.author",
        "fields.published.regex", "fields.text", "encoding", "relative_to",
        "politeness.speed"])
    assert problems("blog", BOARD_A) == ["kind"]
    assert problems("board", ["not", "an", "object"]) == ["config"]
    no_id = {k: v for k, v in BOARD_A.items() if k != "id_from_url"}
    assert problems("board", no_id) == ["id_from_url"]
    with pytest.raises(SourceError) as caught:
        check_config("news", "http://x.cn/", {**BOARD_A, "fields": {"title": "h1"}})
    assert "fields.text: missing: a news source needs it" in str(caught.value)
    assert "缺少字段“fields.text”：新闻网站必须提取正文。" in caught.value.label


def test_a_test_fetch_is_explained_in_chinese():
    assert preview_notes({"items": 1, "list": {"entries": 3}, "problems": [],
                          "rejected": None}) == []
    notes = preview_notes({"items": 0, "list": {"entries": 0},
                           "problems": [{"kind": "http_503", "url": "u", "reason": "r"},
                                        {"kind": "truncated", "url": "u", "reason": "r"}]})
    assert notes[0] == "页面返回错误（状态码 503）。" and "详情页不完整" in notes[1]
    assert "列表页上没有找到任何条目" in notes[2]
    for reason, said in (("missing published", "没有取到发布时间"),
                         ("reply without reply time", "没有取到答复时间"),
                         ("published: unparseable time 'x'", "发布时间无法识别"),
                         ("something new", "内容不符合保存要求")):
        note = preview_notes({"items": 1, "problems": [], "rejected": reason})
        assert note and said in note[0], (reason, note)
        assert not re.search(r"[A-Za-z]{3,}", note[0].replace("date_formats", ""))


def test_the_preview_shows_what_the_crawl_stores(demo_site, tmp_path):
    """Every demo source previews an item, not rejected; a board's preview equals the row
    the real crawl stores for the same message."""
    from datetime import datetime

    from sqlalchemy import select

    from tests.crawlers.conftest import crawl, drop_crawl_db, make_crawl_db
    from tracker.collection import preview
    from tracker.models import MessageCase

    results = {}
    for name, (_, kind, config) in DEMO_SOURCES.items():
        result = preview(kind, demo_site.url + "/", config, name=name)
        assert result["items"] >= 1 and result["rejected"] is None, (name, result)
        assert result["problems"] == [] and result["fields"].get("title"), (name, result)
        results[name] = result
    assert results["demo_board_a"]["list"]["next"] and results["demo_forum"]["detail"][
        "records"] > 1
    assert results["demo_rss_xmwb"]["items"] == 1  # a feed: the first record only
    db = make_crawl_db("sqlite", tmp_path, demo_site.url)
    try:
        crawl(db, "demo_board_b")
        shown = results["demo_board_b"]
        with db.session() as session:
            case = session.scalar(select(MessageCase).where(
                MessageCase.external_id == shown["external_id"]))
        fields = shown["fields"]
        assert (case.title, case.body, case.author, case.url) == (
            fields["title"], fields["text"], fields["author"], shown["url"])
        assert case.submitted_at == datetime.fromisoformat(fields["published"])
        assert (case.likes, case.dislikes) == (fields["likes"], fields["dislikes"])
        assert case.reply_text == fields.get("reply_text")
    finally:
        drop_crawl_db(db)
