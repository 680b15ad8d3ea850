"""Reading a page the way a source's configuration describes it: field specs over parsel.

A field spec is a CSS selector string, or a dict with ``css`` or ``xpath``, and optionally
``regex`` (first group, or the whole match), ``all`` (join every match, not just the first)
and ``markup`` (the selected text is itself HTML, as in an RSS description).

The spiders (:mod:`crawlers.extract`) and the change watch (:mod:`tracker.collection.watch`)
read list pages with these same functions, so both see the same entries.
"""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector, SelectorList


def as_spec(spec: str | dict[str, Any]) -> dict[str, Any]:
    """A field spec in dict form."""
    return {"css": spec} if isinstance(spec, str) else dict(spec)


def select(node: Selector, spec: dict[str, Any]) -> SelectorList:
    """The nodes ``spec`` selects under ``node``."""
    if "xpath" in spec:
        return node.xpath(spec["xpath"])
    return node.css(spec["css"])


def is_text(selected: Selector) -> bool:
    """Whether a selection is a text or attribute value rather than an element."""
    return isinstance(selected.root, str)


def text_of(node: Selector, spec: str | dict[str, Any]) -> str | None:
    """The selected text (an element's whole text content), cut by ``regex`` if given."""
    spec = as_spec(spec)
    nodes = select(node, spec)
    if not nodes:
        return None
    selected = nodes[0]
    value = selected.get() if is_text(selected) else selected.xpath("string()").get()
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


def list_entries(page: Selector, config: dict[str, Any]) -> list[str]:
    """What identifies each entry of a list page, in page order, as the spider reads it: the
    link of each entry (``list.link``), or for records read in place (``inline``, feeds) the
    entry's ``id`` field, else its ``link`` field, else its whole text."""
    listing = config.get("list") or {}
    if "entries" not in listing:
        return []
    if config.get("feed"):
        page.remove_namespaces()  # Atom and dc: elements by local name, as the spider does
    found = []
    fields = config.get("fields") or {}
    for entry in select(page, as_spec(listing["entries"])):
        if config.get("inline"):
            value = next((text_of(entry, fields[name]) for name in ("id", "link")
                          if name in fields), None) or " ".join(entry.xpath("string()").get(
                              "").split())
        else:
            value = text_of(entry, listing["link"]) if listing.get("link") else None
        if value:
            found.append(value)
    return found


def page_encoding(body: bytes, configured: str | None, declared: str | None) -> str | None:
    """The encoding to read a page with, even when its headers lie: bytes that are valid UTF-8
    are UTF-8 (GBK text practically never is); otherwise the source's configured encoding wins
    over what the server declares."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return configured or declared
