"""Ingest: collected items become mentions and message-board cases, idempotently.

Crawls (through the Scrapy pipeline) and file imports hand :class:`CollectedItem` objects to
:class:`Ingestor`. SQL is the system of record: every item becomes a :class:`Mention` (the
search index is filled from mentions whose ``indexed_at`` is empty); a board message also
becomes one :class:`MessageCase` per (source, external id). Re-ingesting the same content
changes nothing; a stored value is never replaced by an empty one (a broken page must not
erase what a good one gave), and a message's reply, once seen, is kept and audited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.collection.textclean import clip, fingerprint
from tracker.models import Mention, MessageCase, Source
from tracker.models.audit import record

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
PENDING, REPLIED = "pending", "replied"
BOARD = "board"
# Changes to these case fields are kept in the audit trail; counts churn and are not.
AUDITED_CASE_FIELDS = ("title", "body", "author", "category", "submitted_at", "status",
                       "reply_text", "reply_department", "replied_at")


class Rejected(ValueError):
    """An item that cannot be stored as it is; the message says why (one line), ``field``
    names the item's field at fault when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class CollectedItem:
    """One cleaned item: text is plain text, times are aware UTC."""

    kind: str
    external_id: str
    title: str
    text: str
    url: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    published_precision: int = 0
    likes: int | None = None
    dislikes: int | None = None
    comments: int | None = None
    reposts: int | None = None
    category: str | None = None
    reply_text: str | None = None
    reply_department: str | None = None
    replied_at: datetime | None = None
    replied_precision: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def mention_uid(source_id: int, external_id: str) -> str:
    """The stable id of a source's item, the same on every crawl and import."""
    return hashlib.blake2b(f"{source_id}\x1f{external_id}".encode(), digest_size=16).hexdigest()


def check_item(item: CollectedItem) -> None:
    """Raise :class:`Rejected` unless ``item`` can be stored."""
    if not item.external_id:
        raise Rejected("missing id", field="external_id")
    if not item.title and not item.text:
        raise Rejected("missing title and text", field="title")
    if item.kind != BOARD:
        return
    if not item.title:
        raise Rejected("missing title", field="title")
    if item.published_at is None:
        raise Rejected("missing submitted time", field="published_at")
    if item.reply_text and item.replied_at is None:
        raise Rejected("reply without reply time", field="replied_at")
    if item.replied_at is not None and not item.reply_text:
        raise Rejected("reply time without reply text", field="reply_text")
    if item.replied_at is not None and item.replied_at < item.published_at - timedelta(
        seconds=max(item.published_precision, item.replied_precision)
    ):
        raise Rejected("reply before receipt", field="replied_at")


def same_time(old: datetime | None, new: datetime | None, precision: int) -> bool:
    """True when ``new`` says nothing ``old`` did not: equal within the new reading's precision."""
    if old is None or new is None:
        return old is new
    return abs((old - new).total_seconds()) <= precision


def _case_values(item: CollectedItem) -> dict[str, Any]:
    return {
        "title": clip(item.title, 512), "body": item.text, "author": clip(item.author, 128),
        "url": clip(item.url, 1024), "category": clip(item.category, 64),
        "submitted_at": item.published_at, "likes": item.likes, "dislikes": item.dislikes,
        "status": REPLIED if item.reply_text else PENDING,
        "reply_text": item.reply_text or None,
        "reply_department": clip(item.reply_department, 128),
        "replied_at": item.replied_at,
    }


def _case_fingerprint(case: MessageCase) -> str:
    return fingerprint(case.title, case.body, case.author, case.category,
                       case.submitted_at.isoformat(), case.reply_text, case.reply_department,
                       case.replied_at.isoformat() if case.replied_at else None)


def _mention_values(item: CollectedItem, case: MessageCase | None) -> dict[str, Any]:
    extra = dict(item.extra)
    if item.category:
        extra["category"] = item.category
    if case is not None:
        extra["status"] = case.status
    title = item.title or item.text[:60]
    return {
        "kind": item.kind, "url": clip(item.url, 1024) or "", "title": clip(title, 512),
        "text": item.text, "author": clip(item.author, 128), "published_at": item.published_at,
        "likes": item.likes, "dislikes": item.dislikes, "comments": item.comments,
        "reposts": item.reposts, "extra": extra or None,
        "message_case_id": case.id if case is not None else None,
        "fingerprint": fingerprint(title, item.text),
    }


def _changes(obj: Any, values: dict[str, Any], precision: dict[str, int]) -> dict[str, tuple]:
    """Field changes from ``obj`` to ``values``, never replacing a stored value by nothing."""
    changes: dict[str, tuple] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if new is None or new == "":
            continue
        if name in precision:
            if same_time(old, new, precision[name]):
                continue
        elif name == "url" and old:
            continue  # the first URL stays: a moved page is still the same item
        elif name == "status" and old == REPLIED:
            continue  # a reply once seen is kept even if a later page omits it
        elif old == new:
            continue
        changes[name] = (old, new)
    return changes


class Ingestor:
    """Stores the items of one source; the caller owns the session and commits."""

    def __init__(self, session: Session, source: Source, *, via: str = "crawl") -> None:
        self.session = session
        self.source = source
        self.via = via
        self.counts = {NEW: 0, UPDATED: 0, UNCHANGED: 0}

    def ingest(self, item: CollectedItem) -> str:
        """Store one item; return new, updated or unchanged."""
        return self.ingest_many([item])[0]

    def ingest_many(self, items: list[CollectedItem]) -> list[str]:
        """Store a batch (each already checked) with two look-ups; return one outcome each."""
        for item in items:
            check_item(item)
        uids = [mention_uid(self.source.id, item.external_id) for item in items]
        cases = self._load_cases([i.external_id for i in items if i.kind == BOARD])
        mentions = {m.uid: m for m in self.session.scalars(
            select(Mention).where(Mention.uid.in_(set(uids))))}
        outcomes: list[str] = []
        case_of: list[MessageCase | None] = []
        for item in items:
            case, outcome = (self._upsert_case(item, cases) if item.kind == BOARD
                             else (None, UNCHANGED))
            case_of.append(case)
            outcomes.append(outcome)
        if any(o == NEW for o in outcomes):
            self.session.flush()  # new cases need their ids before their mentions link to them
        for index, (item, uid) in enumerate(zip(items, uids, strict=True)):
            mention_outcome = self._upsert_mention(item, uid, case_of[index], mentions)
            outcomes[index] = _combine(outcomes[index], mention_outcome)
        for outcome in outcomes:
            self.counts[outcome] += 1
        return outcomes

    def _load_cases(self, external_ids: list[str]) -> dict[str, MessageCase]:
        if not external_ids:
            return {}
        query = select(MessageCase).where(MessageCase.source_id == self.source.id,
                                          MessageCase.external_id.in_(set(external_ids)))
        return {case.external_id: case for case in self.session.scalars(query)}

    def _upsert_case(self, item: CollectedItem,
                     cases: dict[str, MessageCase]) -> tuple[MessageCase, str]:
        values = _case_values(item)
        case = cases.get(item.external_id)
        if case is None:
            values["likes"] = values["likes"] or 0
            values["dislikes"] = values["dislikes"] or 0
            case = MessageCase(source_id=self.source.id, external_id=item.external_id, **values)
            case.fingerprint = _case_fingerprint(case)
            self.session.add(case)
            cases[item.external_id] = case
            return case, NEW
        precision = {"submitted_at": item.published_precision,
                     "replied_at": item.replied_precision}
        changes = _changes(case, values, precision)
        if not changes:
            return case, UNCHANGED
        for name, (_old, new) in changes.items():
            setattr(case, name, new)
        case.fingerprint = _case_fingerprint(case)
        audited = {k: v for k, v in changes.items() if k in AUDITED_CASE_FIELDS}
        if audited:
            action = "reply_recorded" if "reply_text" in audited else "updated"
            record(self.session, entity_type="message_case", entity_id=case.id, action=action,
                   changes=audited, detail={"source": self.source.name, "via": self.via})
        return case, UPDATED

    def _upsert_mention(self, item: CollectedItem, uid: str, case: MessageCase | None,
                        mentions: dict[str, Mention]) -> str:
        values = _mention_values(item, case)
        mention = mentions.get(uid)
        if mention is None:
            for name in ("likes", "dislikes", "comments", "reposts"):
                values[name] = values[name] or 0
            mention = Mention(uid=uid, source_id=self.source.id, indexed_at=None, **values)
            self.session.add(mention)
            mentions[uid] = mention
            return NEW
        changes = _changes(mention, values, {"published_at": item.published_precision})
        if not changes:
            return UNCHANGED
        for name, (_old, new) in changes.items():
            setattr(mention, name, new)
        mention.indexed_at = None  # searchable content changed: the index must pick it up again
        return UPDATED


def _combine(case_outcome: str, mention_outcome: str) -> str:
    if NEW in (case_outcome, mention_outcome):
        return NEW
    if UPDATED in (case_outcome, mention_outcome):
        return UPDATED
    return UNCHANGED
