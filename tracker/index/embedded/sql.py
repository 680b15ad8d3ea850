"""Compile a :class:`SearchRequest` into SQL over the embedded index's tables.

The FTS5 table holds one row per document whose rowid is the document's order key
(publication second << 24 | id hash), so a time range is a rowid range that FTS5 seeks
directly, "newest first" is ``ORDER BY rowid DESC``, and the hour of a match is read from its
rowid without touching any other table. Filters on source, kind, event and department are
hashed tokens in the ``tags`` column, so FTS5 intersects them with the words; only a
sentiment range needs the ``docs`` table.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from tracker.index.base import SearchRequest, key_bound
from tracker.index.text import tokens

BM25_WEIGHTS = "3.0, 1.0, 0.0"  # title, body, tags
ALL_TAG = "all"


def tag(prefix: str, value: str) -> str:
    """The token standing for one filter value in the ``tags`` column."""
    return prefix + hashlib.blake2b(value.encode("utf-8"), digest_size=8).hexdigest()


def tag_string(source: str, kind: str, event_id: str | None, department: str | None) -> str:
    """The ``tags`` column of a document."""
    out = [ALL_TAG, tag("s", source), tag("k", kind)]
    if event_id:
        out.append(tag("e", event_id))
    if department:
        out.append(tag("d", department))
    return " ".join(out)


def phrase(word: str) -> str:
    """An FTS5 phrase matching ``word`` in the title or body."""
    return '{title body} : "' + " ".join(tokens(word)) + '"'


def _any(prefix: str, values: tuple[str, ...]) -> str:
    return "tags : (" + " OR ".join(tag(prefix, v) for v in values) + ")"


def match_expression(request: SearchRequest) -> str | None:
    """The FTS5 MATCH expression of the request, or None when no word or tag applies."""
    q = request.query
    parts: list[str] = []
    if q is not None:
        parts += [phrase(w) for w in q.all_words]
        groups = list(q.any_groups) + ([q.region_words] if q.region_words else [])
        parts += ["(" + " OR ".join(phrase(w) for w in g) + ")" for g in groups]
        for prefix, values in (("s", q.sources), ("k", q.kinds)):
            if values:
                parts.append(_any(prefix, values))
    for prefix, values in (("s", request.sources), ("k", request.kinds),
                           ("e", request.event_ids), ("d", request.departments)):
        if values:
            parts.append(_any(prefix, values))
    none = q.none_words if q is not None else ()
    if not parts and not none:
        return None
    expr = " AND ".join(parts) if parts else f"tags : {ALL_TAG}"
    if none:
        expr = f"({expr}) NOT (" + " OR ".join(phrase(w) for w in none) + ")"
    return expr


@dataclass
class Compiled:
    """FROM and WHERE clauses with their parameters; ``key`` names the order-key column."""

    source: str
    key: str
    where: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    ranked: bool = False

    def clause(self, join_docs: bool = False, extra_join: str = "") -> tuple[str, list[object]]:
        """``FROM ... WHERE ...`` (joining ``docs d`` when asked) and its parameters."""
        source = self.source
        if join_docs and self.key != "d.key":
            source += " JOIN docs AS d ON d.key = f.rowid"
        if extra_join:
            source += " " + extra_join
        where = " WHERE " + " AND ".join(self.where) if self.where else ""
        return f"FROM {source}{where}", list(self.params)

    @property
    def needs_docs(self) -> bool:
        """True when a WHERE condition reads the ``docs`` table."""
        return any(w.startswith("d.") for w in self.where) and self.key != "d.key"


def compile_request(request: SearchRequest) -> Compiled:
    """Turn a checked request into SQL pieces."""
    expr = match_expression(request)
    if expr is None:
        out = Compiled("docs AS d", "d.key")
    else:
        out = Compiled("fts AS f", "f.rowid", ["fts MATCH ?"], [expr])
        q = request.query
        out.ranked = request.sort == "relevance" and bool(q and q.positive_terms())
    low = key_bound(request.published_from, upper=False)
    high = key_bound(request.published_to, upper=True)
    if low is not None:
        out.where.append(f"{out.key} >= ?")
        out.params.append(low)
    if high is not None:
        out.where.append(f"{out.key} <= ?")
        out.params.append(high)
    if request.sentiment_min is not None:
        out.where.append("d.sentiment >= ?")
        out.params.append(request.sentiment_min)
    if request.sentiment_max is not None:
        out.where.append("d.sentiment < ?")
        out.params.append(request.sentiment_max)
    return out


BAND_SQL = ("CASE WHEN d.sentiment IS NULL THEN 'unknown' WHEN d.sentiment < 0.4 THEN "
            "'negative' WHEN d.sentiment < 0.6 THEN 'neutral' ELSE 'positive' END")
# Hours since the epoch plus one; 0 for documents without a publication time.
HOUR_SQL = "(({key} >> 24) + 3599) / 3600"
