"""Reading a page the way a source's configuration describes it.

A field spec is a CSS selector string, or a dict with ``css`` or ``xpath``, and optionally
``regex`` (first group, or the whole match), ``all`` (join every match, not just the first)
and ``markup`` (the selected text is itself HTML, as in an RSS description).

The spec functions that need no Scrapy live in :mod:`tracker.collection.selectors` (the
change watch reads list pages with them too); they are re-exported here.
"""

from __future__ import annotations

from html import escape
from typing import Any

from parsel import Selector
from scrapy.http import Response, TextResponse

from tracker.collection.selectors import as_spec, id_from_url, page_encoding, select, text_of
from tracker.collection.selectors import is_text as _is_text

__all__ = ["as_spec", "html_of", "id_from_url", "select", "text_of", "with_encoding"]


def html_of(node: Selector, spec: str | dict[str, Any]) -> str | None:
    """The selected HTML (text selections escaped, so the result is always HTML)."""
    spec = as_spec(spec)
    if spec.get("regex"):  # a regex cuts text, not markup
        text = text_of(node, spec)
        return escape(text) if text is not None else None
    nodes = select(node, spec)
    if not nodes:
        return None
    chosen = nodes if spec.get("all") else nodes[:1]
    parts = []
    for selected in chosen:
        if _is_text(selected):
            parts.append(selected.get() if spec.get("markup") else escape(selected.get()))
        elif len(selected.root) == 0:  # no child elements: its text is all there is
            parts.append(escape(selected.root.text or ""))
        else:
            parts.append(selected.get())
    return "\n".join(parts)


def with_encoding(response: Response, configured: str | None) -> Response:
    """``response`` decoded right even when its headers lie about the encoding.

    The rule is :func:`tracker.collection.selectors.page_encoding`, which the change watch
    uses too: valid UTF-8 is UTF-8, else the configured encoding, else the declared one.
    """
    if not isinstance(response, TextResponse):
        return response
    wanted = page_encoding(response.body, configured, response.encoding)
    if wanted and wanted.replace("-", "").lower() != response.encoding.replace("-", "").lower():
        return response.replace(encoding=wanted)
    return response
