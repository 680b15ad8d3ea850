"""The portal's feeds of published typical Q&A: Atom (RFC 4287) and JSON Feed 1.1."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from tracker.models import TypicalQA

ATOM_NS = "http://www.w3.org/2005/Atom"
TITLE = "典型问答"
AUTHOR = "政务公开"


def _when(item: TypicalQA) -> str:
    moment = item.published_at or item.updated_at or datetime(2000, 1, 1, tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _link(root: str, item: TypicalQA) -> str:
    return f"{root.rstrip('/')}/public/qa/{item.id}"


def _summary(item: TypicalQA) -> str:
    return f"问：{item.question}\n答（{item.department_name or '承办单位'}）：{item.answer}"


def atom(items: list[TypicalQA], root: str) -> bytes:
    """The Atom document: feed id, title, updated, author, self link; an entry per item."""
    ET.register_namespace("", ATOM_NS)
    q = f"{{{ATOM_NS}}}"
    feed = ET.Element(q + "feed", {"xml:lang": "zh-CN"})
    base = root.rstrip("/")
    ET.SubElement(feed, q + "id").text = f"{base}/public/"
    ET.SubElement(feed, q + "title").text = TITLE
    ET.SubElement(feed, q + "updated").text = (_when(items[0]) if items
                                               else "2000-01-01T00:00:00Z")
    ET.SubElement(ET.SubElement(feed, q + "author"), q + "name").text = AUTHOR
    ET.SubElement(feed, q + "link", rel="self", href=f"{base}/public/feed.atom")
    ET.SubElement(feed, q + "link", rel="alternate", href=f"{base}/public/")
    for item in items:
        entry = ET.SubElement(feed, q + "entry")
        ET.SubElement(entry, q + "id").text = _link(root, item)
        ET.SubElement(entry, q + "title").text = item.title
        ET.SubElement(entry, q + "updated").text = _when(item)
        ET.SubElement(entry, q + "published").text = _when(item)
        ET.SubElement(entry, q + "link", rel="alternate", href=_link(root, item))
        if item.category:
            ET.SubElement(entry, q + "category", term=item.category)
        ET.SubElement(entry, q + "summary", type="text").text = _summary(item)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def json_feed(items: list[TypicalQA], root: str) -> str:
    """The JSON Feed 1.1 document (version, title, home_page_url, feed_url, items)."""
    base = root.rstrip("/")
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": TITLE,
        "home_page_url": f"{base}/public/",
        "feed_url": f"{base}/public/feed.json",
        "language": "zh-CN",
        "authors": [{"name": AUTHOR}],
        "items": [{
            "id": _link(root, item), "url": _link(root, item), "title": item.title,
            "content_text": _summary(item), "date_published": _when(item),
            "tags": [t for t in (item.category, item.department_name) if t],
        } for item in items],
    }, ensure_ascii=False)
