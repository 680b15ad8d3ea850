"""The generic board spider reads saved real 人民网领导留言板 pages from configuration alone.

Describing a real board is a source config like the one below: no spider code. The spider
parses, the pipeline's cleaning turns the result into a stored item.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.http import HtmlResponse, Request

from crawlers.pipelines import to_collected
from crawlers.spiders.board import BoardSpider
from tests.conftest import SHARED_DATA
from tracker.collection.crawlruns import CrawlPlan

PAGES = SHARED_DATA / "boards_real" / "people_liuyan"
PEOPLE_LIUYAN = {
    "start_urls": ["/threads/list?fid=1289"],
    "list": {"entries": "ul#list_content li", "link": "h2 a::attr(href)"},
    "id_from_url": r"[?&]tid=(\d+)",
    "detail": {"complete": "div.liuyan_box03"},
    "fields": {
        "title": "div.liuyan_box03 span.context-title-text",
        "status": "div.liuyan_box03 h2 b em:not(.domainType)",
        "category": "div.liuyan_box03 h2 b em.domainType",
        "author": {"css": "div.liuyan_box03 h3.grey2 span", "regex": r"^(\S+)"},
        "published": {"css": "div.liuyan_box03 h3.grey2 span",
                      "regex": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"},
        "text": "div.liuyan_box03 p.zoom.content",
        "reply_department": "div.liuyan_box05 li.reply h3 i.red",
        "reply_text": "div.liuyan_box05 li.reply p.zoom",
        "replied": {"css": "div.liuyan_box05 li.reply em.grey2",
                    "regex": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"},
    },
    "date_formats": ["%Y-%m-%d %H:%M"],
}


def parse_saved(filename: str, tid: str):
    """Run the board spider's detail parsing on a saved page; return the cleaned item."""
    plan = CrawlPlan(1, "people_liuyan", "board", "http://liuyan.people.com.cn",
                     PEOPLE_LIUYAN, frozenset(), ())
    spider = BoardSpider(plan=plan)
    url = f"http://liuyan.people.com.cn/threads/content?tid={tid}"
    response = HtmlResponse(url=url, body=(PAGES / filename).read_bytes(), encoding="utf-8",
                            request=Request(url))
    raw = list(spider.parse_detail(response))
    assert len(raw) == 1
    return to_collected(raw[0], PEOPLE_LIUYAN)


def test_an_answered_message():
    item = parse_saved("threads_content_tid6835141_replied.htm", "6835141")
    assert item.external_id == "6835141"
    assert item.title == "全民健身发展不平衡，打造好15分钟健身圈"
    assert item.author == "A***" and item.category == "建言"
    assert item.extra == {"status_text": "已办理"}
    assert item.published_at == datetime(2020, 1, 15, 2, 11, tzinfo=UTC)
    assert item.text.startswith("全民健身打造15分钟，健身权非常好")
    assert "\n麻烦局长了" in item.text  # <br/> became a line break
    assert item.reply_department == "国家体育总局局长苟仲文"
    assert item.reply_text.startswith("近年来，体育总局积极会同有关部门")
    assert item.replied_at == datetime(2020, 8, 6, 0, 33, tzinfo=UTC)


def test_a_pending_message_has_no_reply():
    item = parse_saved("threads_content_tid9233844_pending.htm", "9233844")
    assert item.title == "简化机动车交易过程手续"
    assert item.extra == {"status_text": "待回复"}
    assert item.published_at == datetime(2021, 2, 17, 16, 23, tzinfo=UTC)
    assert item.reply_text is None and item.replied_at is None


@pytest.mark.parametrize("cut", [0.05, 0.3])
def test_a_page_cut_short_yields_nothing(cut, monkeypatch):
    plan = CrawlPlan(1, "people_liuyan", "board", "", PEOPLE_LIUYAN, frozenset(), ())
    spider = BoardSpider(plan=plan)
    reported = []
    monkeypatch.setattr(spider, "report", lambda kind, url, reason: reported.append(kind))
    body = (PAGES / "threads_content_tid6835141_replied.htm").read_bytes()
    url = "http://liuyan.people.com.cn/threads/content?tid=6835141"
    response = HtmlResponse(url=url, body=body[: int(len(body) * cut)], encoding="utf-8",
                            request=Request(url))
    assert list(spider.parse_detail(response)) == []
    assert reported == ["truncated"]
