"""Text rules shared by both adapters: normalisation, tokens, and highlighted snippets.

Tokens follow Elasticsearch's ``standard`` tokenizer closely enough that both backends find
the same documents: every Chinese character (and Japanese kana) is a token of its own, runs of
other letters and digits are word tokens, and each run of anything else (spaces, punctuation)
becomes one separator token (:data:`SEPARATOR`; the Elasticsearch analyzer leaves a position
gap there instead). Before that, text is lower-cased and full-width ASCII is folded to
half-width (like the ``cjk_width`` filter). A term matches where its tokens occur
consecutively: a Chinese term matches every occurrence of it as a substring (物业 inside
物业费), but not across punctuation (货物，业主 does not contain 物业).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tracker.index.base import Parts

_SINGLE = "\u3040-\u309f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
#: The token standing for a run of separators (a private-use character never kept as text).
SEPARATOR = "\ue000"
_SEPARATORS = re.compile(r"[\W_]+")
TOKEN_RE = re.compile(rf"[{_SINGLE}]|{SEPARATOR}|[^\W_{_SINGLE}]+")
_WORDS = re.compile(rf"[^\W_{_SINGLE}]+")
_FULL_WIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
SNIPPET_CHARS = 120


def normalize(text: str) -> str:
    """Fold full-width ASCII to half-width and lower-case (length-preserving for CJK)."""
    return text.translate(_WIDTH).lower()


def _raw_tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(_SEPARATORS.sub(f" {SEPARATOR} ", normalize(text)))


def tokens(text: str) -> list[str]:
    """The tokens of a term: words and separators, without separators at either end."""
    out = _raw_tokens(text)
    while out and out[0] == SEPARATOR:
        out.pop(0)
    while out and out[-1] == SEPARATOR:
        out.pop()
    return out


def token_string(text: str) -> str:
    """The tokens of ``text`` separated by spaces (what the FTS5 table is fed).

    Same tokens as :func:`tokens` (a test checks it on real texts), built without one Python
    object per character: ingest speed depends on it.
    """
    text = _SEPARATORS.sub(f" {SEPARATOR} ", text.lower())
    if _FULL_WIDTH_ALNUM.search(text):
        text = text.translate(_WIDTH)
    out: list[str] = []
    pos = 0
    for match in _WORDS.finditer(text):  # words stay whole; characters in between split
        start, end = match.span()
        out += (" ".join(text[pos:start]), " ", text[start:end], " ")
        pos = end
    out.append(" ".join(text[pos:]))
    return "".join(out)


def is_searchable(term: str) -> bool:
    """True when ``term`` has at least one letter, digit or Chinese character."""
    return bool(tokens(term))


def _term_pattern(term: str) -> str | None:
    parts = tokens(term)
    if not parts:
        return None
    body = "".join(r"[\W_]+" if p == SEPARATOR else re.escape(p) for p in parts)
    # Word tokens must not be part of a longer word, as in the index.
    before = "" if re.match(f"[{_SINGLE}]", parts[0]) else rf"(?<![^\W_{_SINGLE}])"
    after = "" if re.match(f"[{_SINGLE}]", parts[-1]) else rf"(?![^\W_{_SINGLE}])"
    return before + body + after


def match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of ``text`` where any of ``terms`` occurs."""
    patterns = [p for p in (_term_pattern(t) for t in terms) if p]
    if not patterns or not text:
        return []
    regex = re.compile("|".join(f"(?:{p})" for p in patterns))
    folded = normalize(text)
    if len(folded) != len(text):  # a rare character changed length when lower-cased
        folded = text.translate(_WIDTH)
        regex = re.compile(regex.pattern, re.IGNORECASE)
    spans: list[tuple[int, int]] = []
    for match in regex.finditer(folded):
        start, end = match.span()
        if end == start:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def contains_term(text: str, term: str) -> bool:
    """True when ``term`` occurs in ``text`` by the index's matching rules."""
    return bool(match_spans(text, [term]))


def _parts(text: str, spans: list[tuple[int, int]], lo: int, hi: int) -> Parts:
    out: list[tuple[str, bool]] = []
    pos = lo
    for start, end in spans:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < hi:
        out.append((text[pos:hi], False))
    return tuple(out)


def highlight_all(text: str, terms: Iterable[str]) -> Parts:
    """The whole of ``text`` in (piece, is_match) parts."""
    return _parts(text, match_spans(text, terms), 0, len(text))


def snippet(text: str, terms: Iterable[str], size: int = SNIPPET_CHARS) -> Parts:
    """A window of about ``size`` characters around the densest matches, in parts."""
    text = " ".join(text.split())
    spans = match_spans(text, terms)
    if len(text) <= size:
        return _parts(text, spans, 0, len(text))
    start = 0
    if spans:
        best = max(range(len(spans)),
                   key=lambda i: sum(1 for s, _ in spans[i:] if s < spans[i][0] + size))
        start = max(0, min(spans[best][0] - size // 4, len(text) - size))
    parts = list(_parts(text, spans, start, start + size))
    if start > 0:
        parts.insert(0, ("…", False))
    if start + size < len(text):
        parts.append(("…", False))
    return tuple(parts)
