"""Reading a page the way a source's configuration describes it.

A field spec is a CSS selector string, or a dict with ``css`` or ``xpath``, and optionally
``regex`` (first group, or the whole match), ``all`` (join every match, not just the first)
and ``markup`` (the selected text is itself HTML, as in an RSS description).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from parsel import Selector, SelectorList
from scrapy.http import Response, TextResponse


def as_spec(spec: str | dict[str, Any]) -> dict[str, Any]:
    """A field spec in dict form."""
    return {"css": spec} if isinstance(spec, str) else dict(spec)


def select(node: Selector, spec: dict[str, Any]) -> SelectorList:
    """The nodes ``spec`` selects under ``node``."""
    if "xpath" in spec:
        return node.xpath(spec["xpath"])
    return node.css(spec["css"])


def _is_text(selected: Selector) -> bool:
    return isinstance(selected.root, str)


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


def text_of(node: Selector, spec: str | dict[str, Any]) -> str | None:
    """The selected text (an element's whole text content), cut by ``regex`` if given."""
    spec = as_spec(spec)
    nodes = select(node, spec)
    if not nodes:
        return None
    selected = nodes[0]
    value = selected.get() if _is_text(selected) else selected.xpath("string()").get()
    value = " ".join((value or "").split())
    if spec.get("regex"):
        match = re.search(spec["regex"], value)
        if not match:
            return None
        value = match.group(1) if match.groups() else match.group(0)
    return value or None


def id_from_url(url: str, pattern: str | None) -> str | None:
    """The item id in ``url`` (first regex group), or None."""
    if not pattern:
        return None
    match = re.search(pattern, url)
    return (match.group(1) if match.groups() else match.group(0)) if match else None


def with_encoding(response: Response, configured: str | None) -> Response:
    """``response`` decoded right even when its headers lie about the encoding.

    Bytes that are valid UTF-8 are UTF-8 (GBK text practically never is); otherwise the
    source's configured encoding wins over what the server declares.
    """
    if not isinstance(response, TextResponse):
        return response
    try:
        response.body.decode("utf-8")
        wanted = "utf-8"
    except UnicodeDecodeError:
        wanted = configured or response.encoding
    if wanted and wanted.replace("-", "").lower() != response.encoding.replace("-", "").lower():
        return response.replace(encoding=wanted)
    return response
