"""Source configurations of the demo web, and seeding them idempotently.

A source is a row in ``sources`` whose ``config`` tells the generic spider of its kind how to
read the site. Adding a board of a known kind is adding a row like these; no code changes.

The config keys are documented in :mod:`crawlers.spiders.base`, the spider that reads them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import Source

# The demo web is on this machine: it may be crawled briskly (every real source keeps the
# polite defaults of crawlers/settings.py unless its own config says otherwise).
DEMO_POLITENESS = {"delay": 0, "autothrottle": False, "concurrency": 8, "backoff": 0.2,
                   "timeout": 10, "max_bytes": 2 * 1024 * 1024}

BOARD_A = {
    "start_urls": ["/board-a/threads/list?fid=101&page=1"],
    "list": {"entries": "ul#list_content > li", "link": "h2 a::attr(href)",
             "next": "div.page a.next::attr(href)", "max_pages": 500},
    "id_from_url": r"[?&]tid=(\d+)",
    "detail": {"complete": "div.footer"},
    "fields": {
        "title": "div.liuyan_box03 span.context-title-text",
        "status": "div.liuyan_box03 h2 em",
        "author": {"css": "div.liuyan_box03 h3.grey2 span", "regex": r"^\s*(\S+)"},
        "published": {"css": "div.liuyan_box03 h3.grey2 span",
                      "regex": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"},
        "text": "div.liuyan_box03 p.zoom.content",
        "reply_department": "div.liuyan_box05 li.reply h3 i.red",
        "reply_text": "div.liuyan_box05 li.reply p.zoom",
        "replied": {"css": "div.liuyan_box05 li.reply em.grey2",
                    "regex": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"},
    },
    "date_formats": ["%Y-%m-%d %H:%M"],
    "revisit": {"days": 120, "max": 300},
    "politeness": DEMO_POLITENESS,
}

BOARD_B = {
    "start_urls": ["/wz/lyb/index.html"],
    "encoding": "gbk",
    "list": {"entries": "table.lyb-list tr.lyb-row", "link": "td.t a::attr(href)",
             "next": "div.pages a.next::attr(href)", "max_pages": 1000},
    "id_from_url": r"/(\d+)\.shtml$",
    "detail": {"complete": "#footer"},
    "fields": {
        "id": "td.msg-id",
        "title": "td.msg-title",
        "author": "td.msg-user",
        "published": "td.msg-time",
        "status": "td.msg-state",
        "category": "td.msg-cat",
        "likes": "td.msg-votes span.up",
        "dislikes": "td.msg-votes span.down",
        "text": "div.msg-content",
        "reply_department": "div.reply-head span.dept",
        "replied": "div.reply-head span.reply-time",
        "reply_text": "div.reply-content",
    },
    "relative_to": "page",
    # Replies take 11 days (median) to 41 (p90) on the data: pending messages of two months
    # are looked at again, so that a late reply is seen (the replaying demo has such cases).
    "revisit": {"days": 60, "max": 300},
    "politeness": DEMO_POLITENESS,
}

NEWS = {
    "start_urls": ["/news/xwlb/list_1.shtml", "/news/xmwb/list_1.shtml"],
    "list": {"entries": "ul.news-list > li", "link": "a::attr(href)",
             "next": "div.pages a.next::attr(href)", "max_pages": 200},
    "id_from_url": r"/([\w-]+)\.shtml$",
    "detail": {"complete": "div.footer"},
    "fields": {
        "title": "h1.article-title",
        "author": {"css": "div.article-info span.author", "regex": r"作者：(.+)"},
        "published": "div.article-info span.pubtime",
        "category": "div.article-info span.column",
        "comments": "div.article-info span.comment-count b",
        "text": "div.article-content",
    },
    "politeness": DEMO_POLITENESS,
}

RSS_XMWB = {
    "start_urls": ["/feeds/xmwb.xml"], "feed": True, "inline": True,
    "list": {"entries": {"xpath": "//item"}},
    "fields": {
        "id": {"xpath": "guid/text()"}, "link": {"xpath": "link/text()"},
        "title": {"xpath": "title/text()"}, "author": {"xpath": "creator/text()"},
        "published": {"xpath": "pubDate/text()"}, "category": {"xpath": "category/text()"},
        "text": {"xpath": "description/text()", "markup": True},
    },
    "politeness": DEMO_POLITENESS,
}

ATOM_XWLB = {
    "start_urls": ["/feeds/xwlb.atom"], "feed": True, "inline": True,
    "list": {"entries": {"xpath": "//entry"}},
    "fields": {
        "id": {"xpath": "id/text()", "regex": r"([\w-]+)$"},
        "link": {"xpath": "link[@rel='alternate']/@href"},
        "title": {"xpath": "title/text()"}, "author": {"xpath": "author/name/text()"},
        "published": {"xpath": "updated/text()"},
        "text": {"xpath": "content/text()", "markup": True},
    },
    "politeness": DEMO_POLITENESS,
}

FORUM = {
    "start_urls": [f"/forum/forum-{fid}-1.html" for fid in range(1, 7)],
    "list": {"entries": "#threadlisttableid tbody", "link": "a.xst::attr(href)",
             "next": "div.pg a.nxt::attr(href)", "max_pages": 100},
    "id_from_url": r"thread-(\d+)-",
    "detail": {"complete": "div.footer", "records": "#postlist div.plhin",
               "record_id": "::attr(data-pid)"},
    "fields": {
        "title": {"xpath": "//span[@id='thread_subject']"},
        "author": "div.authi a.xw1",
        "published": "div.authi em span",
        "text": "div.t_f",
        "likes": "span.likes",
        "comments": {"css": "span.replies", "regex": r"\d+"},
    },
    "relative_to": "page",
    "politeness": DEMO_POLITENESS,
}

POLICY = {
    "start_urls": ["/zhengce/list_1.html"],
    "list": {"entries": "ul.policy-list > li", "link": "a::attr(href)",
             "next": "div.pages a.next::attr(href)", "max_pages": 20},
    "id_from_url": r"content_(\d+)\.htm$",
    "fields": {
        "title": "td.title", "text": "#UCAP-CONTENT", "number": "td.number",
        "issuer": "td.issuer", "topic": "td.topic", "written": "td.written",
        "published": "td.pubdate",
    },
    "politeness": DEMO_POLITENESS,
}

# name → (title, kind, config)
DEMO_SOURCES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "demo_board_a": ("A市市长信箱（演示）", "board", BOARD_A),
    "demo_board_b": ("问政西地省·B市网络问政平台（演示）", "board", BOARD_B),
    "demo_news": ("演示新闻网", "news", NEWS),
    "demo_rss_xmwb": ("新民晚报 RSS（演示）", "rss", RSS_XMWB),
    "demo_atom_xwlb": ("新闻联播 Atom（演示）", "rss", ATOM_XWLB),
    "demo_forum": ("演示论坛", "forum", FORUM),
    "demo_policy": ("演示政府网·国务院文件", "policy", POLICY),
}


def seed_demo_sources(session: Session, base_url: str) -> list[Source]:
    """Create the demo sources, or bring them up to date (base URL and config)."""
    sources = []
    for name, (title, kind, config) in DEMO_SOURCES.items():
        source = session.scalar(select(Source).where(Source.name == name))
        if source is None:
            source = Source(name=name, title=title, kind=kind, base_url=base_url,
                            config=config, interval_minutes=30)
            session.add(source)
        else:
            source.title, source.kind, source.base_url = title, kind, base_url
            if source.config != config:
                source.config = config
        sources.append(source)
    session.flush()
    return sources
