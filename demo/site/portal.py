"""The demo news portal, its RSS and Atom feeds, a Discuz-style forum, and a government
site's 政策文件 column (laid out like www.gov.cn's: a list, and a metadata table over the text)."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape as xml_escape

from demo.site.data import SH, Article, Thread
from demo.site.html import (
    Page,
    document,
    esc,
    not_found,
    pager,
    paragraphs,
    relative_form,
)

NEWS_PAGE_SIZE = 20
FORUM_PAGE_SIZE = 20
CHANNELS = {"xwlb": "新闻联播", "xmwb": "新民晚报"}
HUGE_PAGE_BYTES = 5 * 1024 * 1024


def article_path(article: Article) -> str:
    """Where an article lives."""
    return f"/news/{article.channel}/{article.published:%Y%m}/{article.id}.shtml"


def _pages(count: int, size: int) -> int:
    return max(1, -(-count // size))


def news_list(articles: list[Article], channel: str, now: datetime, page: int) -> Page:
    """A channel's list page."""
    shown = [a for a in articles if a.published <= now]
    pages = _pages(len(shown), NEWS_PAGE_SIZE)
    if page < 1 or page > pages:
        return not_found(f"/news/{channel}/list_{page}.shtml")
    rows = [f'<li><a href="{article_path(a).removeprefix(f"/news/{channel}/")}">'
            f'{esc(a.title)}</a><span class="date">{a.published:%Y-%m-%d}</span></li>'
            for a in shown[(page - 1) * NEWS_PAGE_SIZE: page * NEWS_PAGE_SIZE]]
    if page == 1 and channel == "xwlb":
        rows.insert(1, '<li><a href="202608/huge.shtml">【演示】超大页面</a>'
                       '<span class="date">2026-08-07</span></li>')
    body = (f'<div class="nav">演示新闻网 › {CHANNELS[channel]}</div><ul class="news-list">'
            f'{"".join(rows)}</ul>{pager(pages, page, lambda n: f"list_{n}.shtml")}')
    return Page(document(f"{CHANNELS[channel]} - 演示新闻网", body))


def news_article(article: Article) -> Page:
    """One article with source, author, publication date and comment count."""
    author = f'<span class="author">作者：{esc(article.author)}</span>' if article.author else ""
    section = f'<span class="column">{esc(article.section)}</span>' if article.section else ""
    body = (f'<div class="nav">演示新闻网 › {CHANNELS[article.channel]}</div>'
            f'<h1 class="article-title">{esc(article.title)}</h1><div class="article-info">'
            f'<span class="source">来源：{esc(article.source)}</span>{author}{section}'
            f'<span class="pubtime">{article.published:%Y-%m-%d}</span>'
            f'<span class="comment-count">评论(<b>{article.comments}</b>)</span></div>'
            f'<div class="article-content" id="content">{paragraphs(article.body)}</div>')
    return Page(document(f"{article.title} - 演示新闻网", body))


POLICY_PAGE_SIZE = 20


def policy_path(policy: dict) -> str:
    """Where a policy lives (www.gov.cn's own address scheme)."""
    day = (policy.get("publish_date") or "2019-01-01")[:10]
    return (f"/zhengce/content/{day[:7]}/{day[8:10]}/"
            f"content_{policy['id'].removeprefix('govcn-')}.htm")


def policy_list(policies: list[dict], page: int) -> Page:
    """A page of the 政策文件 column."""
    pages = _pages(len(policies), POLICY_PAGE_SIZE)
    if page < 1 or page > pages:
        return not_found(f"/zhengce/list_{page}.html")
    rows = [f'<li><a href="{policy_path(p)}">{esc(p["title"])}</a>'
            f'<span class="date">{esc(p.get("publish_date") or "")}</span></li>'
            for p in policies[(page - 1) * POLICY_PAGE_SIZE: page * POLICY_PAGE_SIZE]]
    body = (f'<div class="nav">演示政府网 › 政策 › 国务院文件</div><ul class="policy-list">'
            f'{"".join(rows)}</ul>{pager(pages, page, lambda n: f"/zhengce/list_{n}.html")}')
    return Page(document("国务院文件 - 演示政府网", body))


def _cn_date(value: str | None) -> str:
    return f"{value[:4]}年{value[5:7]}月{value[8:10]}日" if value and len(value) >= 10 else ""


def policy_page(policy: dict) -> Page:
    """One policy: the metadata table (索引号, 主题分类, 发文机关, 成文日期, 标题, 发文字号,
    发布日期) over the full text."""
    meta = (f'<table class="bd1"><tr><td>索引号：</td><td>{esc(policy.get("index_number") or "")}'
            f'</td><td>主题分类：</td><td class="topic">{esc(policy.get("topic_category") or "")}'
            f'</td></tr><tr><td>发文机关：</td><td class="issuer">'
            f'{esc(policy.get("issuing_body") or "")}</td><td>成文日期：</td><td class="written">'
            f'{_cn_date(policy.get("written_date"))}</td></tr><tr><td>标题：</td>'
            f'<td class="title" colspan="3">{esc(policy["title"])}</td></tr><tr><td>发文字号：'
            f'</td><td class="number">{esc(policy.get("doc_number") or "")}</td><td>发布日期：'
            f'</td><td class="pubdate">{_cn_date(policy.get("publish_date"))}</td></tr></table>')
    body = (f'<div class="nav">演示政府网 › 政策 › 国务院文件</div>{meta}'
            f'<div class="pages_content" id="UCAP-CONTENT">{paragraphs(policy["content"])}</div>')
    return Page(document(f"{policy['title']} - 演示政府网", body))


def huge_page() -> Page:
    """A page far larger than any crawler should accept."""
    line = "<p>" + "这是一个超大的演示页面。" * 40 + "</p>\n"
    filler = line * (HUGE_PAGE_BYTES // len(line.encode()) + 1)
    return Page(document("超大页面", filler))


def rss_feed(articles: list[Article], base: str) -> Page:
    """RSS 2.0 of the 新民晚报 channel."""
    items = []
    for a in articles:
        creator = f"<dc:creator>{xml_escape(a.author)}</dc:creator>" if a.author else ""
        items.append(
            f"<item><title>{xml_escape(a.title)}</title><link>{base}{article_path(a)}</link>"
            f'<guid isPermaLink="false">{a.id}</guid>'
            f"<pubDate>{format_datetime(a.published.astimezone(SH))}</pubDate>{creator}"
            f"<category>{xml_escape(a.section or '')}</category>"
            f"<description>{xml_escape(paragraphs(a.body))}</description></item>")
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>新民晚报 - 演示新闻网'
           f'</title><link>{base}/news/xmwb/list_1.shtml</link>{"".join(items)}</channel></rss>')
    return Page(xml, content_type="application/rss+xml")


def atom_feed(articles: list[Article], now: datetime, base: str, limit: int = 40) -> Page:
    """Atom feed of the newest 新闻联播 items."""
    entries = []
    for a in [a for a in articles if a.published <= now][:limit]:
        entries.append(
            f"<entry><title>{xml_escape(a.title)}</title>"
            f'<link rel="alternate" href="{base}{article_path(a)}"/>'
            f"<id>tag:yuqing-demo,2026:{a.id}</id><updated>{a.published.isoformat()}</updated>"
            f"<author><name>{xml_escape(a.source)}</name></author>"
            f'<content type="html">{xml_escape(paragraphs(a.body))}</content></entry>')
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
           f"<title>新闻联播 - 演示新闻网</title><updated>{now.isoformat()}</updated>"
           f'{"".join(entries)}</feed>')
    return Page(xml, content_type="application/atom+xml")


def forum_when(when: datetime, now: datetime) -> str:
    """How the forum shows a post time: relative when recent, else 05-20 10:20 or a full date."""
    relative = relative_form(when, now)
    if relative:
        return relative
    local = when.astimezone(SH)
    if local.year == now.astimezone(SH).year:
        return f"{local:%m-%d %H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def forum_list(threads: list[Thread], fid: int, name: str, now: datetime, page: int) -> Page:
    """A forum section's thread list."""
    shown = [t for t in threads if t.opener.posted <= now]
    pages = _pages(len(shown), FORUM_PAGE_SIZE)
    if page < 1 or page > pages:
        return not_found(f"/forum/forum-{fid}-{page}.html")
    rows = []
    for t in shown[(page - 1) * FORUM_PAGE_SIZE: page * FORUM_PAGE_SIZE]:
        replies = sum(1 for r in t.replies if r.posted <= now)
        rows.append(
            f'<tbody id="normalthread_{t.id}"><tr><th class="common">'
            f'<a href="thread-{t.id}-1-1.html" class="s xst">{esc(t.title)}</a></th>'
            f'<td class="by"><cite><a href="member/{t.opener.id[-6:]}">{esc(t.opener.author)}'
            f"</a></cite><em><span>{forum_when(t.opener.posted, now)}</span></em></td>"
            f'<td class="num"><a class="xi2">{replies}</a></td></tr></tbody>')
    body = (f'<div id="pt">演示论坛 › {esc(name)}</div><table id="threadlisttableid">'
            f'{"".join(rows)}</table>'
            f'{pager(pages, page, lambda n: f"forum-{fid}-{n}.html")}')
    return Page(document(f"{name} - 演示论坛", body))


def forum_thread(thread: Thread, now: datetime) -> Page:
    """A thread: the opening post and the replies out by ``now``, each with likes."""
    posts = [thread.opener] + [r for r in thread.replies if r.posted <= now]
    blocks = []
    for floor, post in enumerate(posts, start=1):
        count = f'<span class="replies">回复 {len(posts) - 1}</span>' if floor == 1 else ""
        blocks.append(
            f'<div id="post_{post.id}" class="plhin" data-pid="{post.id}">'
            f'<div class="authi"><a href="member/{post.id[-6:]}" class="xw1">'
            f"{esc(post.author)}</a><em>{floor}#</em>{count}</div>"
            f'<div class="authi"><em id="authorposton{post.id}">发表于 '
            f"<span>{forum_when(post.posted, now)}</span></em></div>"
            f'<div class="pct"><div class="t_f" id="postmessage_{post.id}">'
            f"{paragraphs(post.text, 'p')}</div></div>"
            f'<div class="po"><a class="replyadd">支持 <span class="likes">{post.likes}</span>'
            f"</a></div></div>")
    body = (f'<h1 class="ts"><span id="thread_subject">{esc(thread.title)}</span></h1>'
            f'<div id="postlist">{"".join(blocks)}</div>')
    return Page(document(f"{thread.title} - 演示论坛", body))
