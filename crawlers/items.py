"""What spiders yield: a raw record of one page (or one record on a page), not yet cleaned.

Text fields hold HTML fragments (the pipeline turns them into text, dropping scripts); time
and count fields hold the text as the page shows it (the pipeline parses them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Field names a source's configuration may fill, by how the pipeline treats them.
HTML_FIELDS = ("title", "text", "author", "category", "status", "reply_text",
               "reply_department", "number", "issuer", "topic")
TIME_FIELDS = ("published", "replied", "written")
COUNT_FIELDS = ("likes", "dislikes", "comments", "reposts")
ALL_FIELDS = HTML_FIELDS + TIME_FIELDS + COUNT_FIELDS
# What each kind of source must provide for an item to be stored.
REQUIRED = {
    "board": ("title", "text", "published"),
    "news": ("title", "text"),
    "rss": ("title",),
    "forum": ("text",),
    "policy": ("title", "text"),
}


@dataclass
class RawItem:
    """One record as found on a page."""

    source: str
    kind: str
    external_id: str
    url: str
    fields: dict[str, str | None] = field(default_factory=dict)
    fetched_at: str = ""  # ISO time of the crawl
    page_time: str | None = None  # the page's HTTP Date header, if any
