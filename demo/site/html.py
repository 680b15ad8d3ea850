"""Small pieces shared by the demo web's pages: the response type, escaping, date forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

from demo.site.data import SH


@dataclass
class Page:
    """One HTTP response of the demo web."""

    body: str | bytes
    status: int = 200
    content_type: str = "text/html"
    charset: str | None = "utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # Encode with this codec, whatever ``charset`` announces (for pages that lie about it).
    encode_as: str | None = None

    def payload(self) -> bytes:
        """The body as bytes; characters the codec lacks become numeric references."""
        if isinstance(self.body, bytes):
            return self.body
        codec = self.encode_as or self.charset or "utf-8"
        return self.body.encode(codec, errors="xmlcharrefreplace")


def esc(text: str | None) -> str:
    """Text made safe for HTML content and attributes."""
    return escape(text or "", quote=True)


def paragraphs(text: str, tag: str = "p") -> str:
    """Each non-blank line of ``text`` as one escaped ``<p>``."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "".join(f"<{tag}>{esc(line)}</{tag}>" for line in lines)


def with_breaks(text: str) -> str:
    """Escaped ``text`` with its line breaks as ``<br/>`` (as 人民网 renders messages)."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return "<br/>".join(esc(line) for line in lines if line)


def relative_form(when: datetime, now: datetime) -> str | None:
    """How Chinese sites show a recent time (刚刚, 5分钟前, 3小时前, 昨天 10:20), else None."""
    delta = now - when
    if delta < timedelta(0):
        return None
    local_when, local_now = when.astimezone(SH), now.astimezone(SH)
    if delta < timedelta(minutes=1):
        return "刚刚"
    if delta < timedelta(hours=1):
        return f"{int(delta.total_seconds() // 60)}分钟前"
    if local_when.date() == local_now.date():
        return f"{int(delta.total_seconds() // 3600)}小时前"
    if local_when.date() == local_now.date() - timedelta(days=1):
        return f"昨天 {local_when:%H:%M}"
    if local_when.date() == local_now.date() - timedelta(days=2):
        return f"前天 {local_when:%H:%M}"
    return None


def cn_date(when: datetime) -> str:
    """2019年4月25日 09:32."""
    local = when.astimezone(SH)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def slash_time(when: datetime) -> str:
    """2019/4/25 9:32:09, as the TipDM exports write it."""
    local = when.astimezone(SH)
    return f"{local.year}/{local.month}/{local.day} {local.hour}:{local:%M:%S}"


def document(title: str, body: str, *, charset: str = "utf-8", css: str = "") -> str:
    """A whole HTML page."""
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="{charset}">'
            f"<title>{esc(title)}</title><style>{css}</style></head>\n<body>\n{body}\n"
            '<div class="footer" id="footer">本站为 yuqing 演示网站，内容取自公开数据集，仅供演示。'
            "</div>\n</body></html>\n")


def not_found(path: str) -> Page:
    """The demo web's 404 page."""
    return Page(document("404 页面不存在", f"<h1>页面不存在</h1><p>{esc(path)}</p>"), status=404)


def pager(pages: int, page: int, href) -> str:
    """Previous/next links; ``href(n)`` gives the URL of page n."""
    links = []
    if page > 1:
        links.append(f'<a class="prev" href="{href(page - 1)}">上一页</a>')
    links.append(f"<span>第 {page} / {max(pages, 1)} 页</span>")
    if page < pages:
        links.append(f'<a class="next nxt" href="{href(page + 1)}">下一页</a>')
    return f'<div class="page pages pg">{"".join(links)}</div>'
