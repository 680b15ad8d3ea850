"""Cleaning for collected text: markup to text, whitespace and full-width forms, URLs, hashes.

Crawled pages and imported exports both pass through here before
:mod:`tracker.collection.ingest`, so a message reads the same whichever way it arrived. Stored
text is plain text, never markup: ``<script>`` elements are dropped, while markup that a
citizen *typed* (and the page escaped) stays as the literal characters, to be escaped again
wherever it is shown.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import lxml.html
from lxml import etree

# Elements whose content is never text a reader sees.
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "head")
# Block-level elements end a line; inline ones do not.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody thead tfoot tr td "
    "th ul".split()
)
# Full-width ASCII letters and digits (Ａ-Ｚ, ａ-ｚ, ０-９) are typing artefacts: "Ａ３区" must
# match "A3区". Full-width punctuation (，！？：) is ordinary Chinese punctuation and stays.
_FULLWIDTH_ALNUM = {
    cp: chr(cp - 0xFEE0)
    for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
_SPACE_CHARS = {cp: " " for cp in (0x3000, 0x00A0, 0x2002, 0x2003, 0x2009, 0x200B, 0xFEFF)}
_TRANSLATE = {**_FULLWIDTH_ALNUM, **_SPACE_CHARS, 0x0D: "\n", 0x0C: "\n", 0x0B: "\n"}
# Characters to replace or drop, found in one pass (str.translate with a dict is slow on
# long Chinese text; most characters need nothing).
_SPECIAL = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000\xa0\u2002\u2003"
                      "\u2009\u200b\ufeff\r\x0b\x0c\x00-\x08\x0e-\x1f\x7f]")
_INLINE_SPACE = re.compile(r"[ \t]+")
_TRACKING_PARAMS = re.compile(r"^(utm_\w+|spm|from|share_token|fbclid|gclid)$", re.I)
TITLE_LIMIT = 30
# Openings of a letter that say who it is to, not what it is about.
_SALUTATIONS = (
    re.compile(r"^尊敬的[^。！？!?\n，,：:]{0,30}[：:，,！!]"),
    re.compile(r"^[^。！？!?\n，,：:]{0,12}(?:您好|你好)[！!，,。：:~～]*"),
    re.compile(r"^[^。！？!?\n，,：:]{0,12}(?:书记|领导|市长|县长|区长|镇长|主任|局长|同志|老师|"
               r"先生|女士)们?好?[：:，,！!]"),
)
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_BREAKS = "，,、：:"
_TITLE_STRIP = " ，,、：:；;。…"


def normalize_text(value: str | None) -> str:
    """Normalise whitespace and full-width letters/digits; keep one line break per paragraph."""
    if not value:
        return ""
    text = _SPECIAL.sub(_replace_special, value)
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _replace_special(match: re.Match) -> str:
    return _TRANSLATE.get(ord(match.group()), "")


def normalize_line(value: str | None) -> str:
    """Normalise to a single line (titles, names, categories)."""
    return " ".join(normalize_text(value).split("\n"))


def derive_title(text: str, limit: int = TITLE_LIMIT) -> str:
    """A title for a message that has none: its first sentence after any salutation, cut at a
    clause break (or with an ellipsis) to at most ``limit`` characters."""
    body = normalize_text(text)
    rest = body
    for _ in range(4):  # "胡书记：您好，..." is two salutations
        for pattern in _SALUTATIONS:
            rest = pattern.sub("", rest, count=1).lstrip(_TITLE_STRIP)
    rest = rest or body
    end = _SENTENCE_END.search(rest)
    sentence = (rest[:end.start()] if end else rest).strip(_TITLE_STRIP)
    if end and end.group() in "？?" and len(sentence) < limit:
        sentence += "？"  # a question stays a question
    if len(sentence) <= limit:
        return sentence or normalize_line(body)[:limit]
    head = sentence[:limit]
    cut = max(head.rfind(mark) for mark in _CLAUSE_BREAKS)
    if cut >= limit // 3:
        return head[:cut].strip(_TITLE_STRIP)
    return head[:limit - 1].rstrip(_TITLE_STRIP) + "…"


def _append_text(parts: list[str], element) -> None:
    """Depth-first text of ``element``, with a line break after block elements and <br>."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if element.text and tag:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str):
            _append_text(parts, child)
        if child.tail:
            parts.append(child.tail)
    if tag.lower() == "br" or tag.lower() in _BLOCK_TAGS:
        parts.append("\n")


def html_to_text(fragment: str | None) -> str:
    """The visible text of an HTML fragment, scripts and styles dropped, whitespace normalised."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return normalize_text(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return normalize_text(fragment)
    for bad in list(root.iter(*_DROP_TAGS)):
        bad.drop_tree()
    parts: list[str] = []
    _append_text(parts, root)
    return normalize_text("".join(parts))


def html_to_line(fragment: str | None) -> str:
    """Like :func:`html_to_text` but folded onto one line."""
    return " ".join(html_to_text(fragment).split("\n"))


def canonical_url(url: str | None) -> str:
    """A stable form of ``url``: lower-case scheme and host, no default port or fragment,
    sorted query without tracking parameters."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(k)
    )
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def fingerprint(*parts: str | None) -> str:
    """A SHA-256 hex digest of the normalised parts: same content, same fingerprint."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(normalize_text(part).encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def parse_count(value: str | int | float | None) -> int | None:
    """An engagement count such as ``12``, ``1,234``, ``1.2万`` or ``赞(35)``; None if absent."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return max(int(value), 0)
    text = normalize_line(value).replace(",", "").replace("，", "")
    match = re.search(r"(\d+(?:\.\d+)?)\s*(万|w|k|千)?", text, re.I)
    if not match:
        return None
    number = float(match.group(1))
    unit = (match.group(2) or "").lower()
    number *= {"万": 10_000, "w": 10_000, "k": 1_000, "千": 1_000}.get(unit, 1)
    return int(number)


def clip(value: str | None, limit: int) -> str | None:
    """Cut ``value`` to a column's length (None stays None)."""
    if value is None:
        return None
    return value if len(value) <= limit else value[: limit - 1] + "…"
