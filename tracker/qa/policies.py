"""Policy documents: import from CSV/JSONL, add and edit, search by question.

Every write keeps the question-search index (collection ``policy``) in step; SQL stays the
system of record, so a search maps hits back to rows and skips any the database no longer
has (an index write whose transaction was rolled back), and :func:`reindex_policies`
rebuilds the collection from SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tracker.index import PassageDoc, PassageFilter, get_passage_index
from tracker.models.qa import Policy
from tracker.qa.policy_rows import (
    FIELD_NAMES,
    PolicyError,
    derive_title,
    read_rows,
    row_values,
)
from tracker.settings import Settings
from tracker.vocabulary import VALIDITY_LABELS, Validity

COLLECTION = "policy"
_CHUNK = 500
PAGE_SIZE = 20


@dataclass
class ImportReport:
    """What an import did; ``errors`` say which row was rejected and why."""

    imported: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``yuqing policy import --json``."""
        return {"imported": self.imported, "updated": self.updated,
                "rejected": self.rejected, "errors": list(self.errors)}


@dataclass(frozen=True)
class PolicyHit:
    """A policy found for a question: the import id, title, number and score, plus the row's
    database id, issuer, date and validity."""

    id: str
    title: str
    number: str
    score: float
    policy_id: int
    issuer: str | None
    date: date | None
    validity: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of one hit of ``yuqing policy search``."""
        return {"id": self.id, "title": self.title, "number": self.number,
                "score": self.score}


def passage(policy: Policy) -> PassageDoc:
    """The index document of a policy."""
    return PassageDoc(id=policy.import_id, collection=COLLECTION, title=policy.title,
                      text=policy.text, number=policy.number or "", department=policy.issuer,
                      category=policy.topic, date=policy.published_on or policy.written_on,
                      extra={"policy_id": policy.id, "validity": policy.validity})


def index_policies(settings: Settings, policies: Iterable[Policy]) -> int:
    """Write policies to the question-search index; return how many were written."""
    index = get_passage_index(settings, COLLECTION)
    try:
        result = index.upsert([passage(p) for p in policies])
        index.refresh()
    finally:
        index.close()
    if result.errors:
        raise PolicyError("search index refused: " + "; ".join(
            f"{e.id}: {e.reason}" for e in result.errors[:3]))
    return len(result.written)


def reindex_policies(session: Session, settings: Settings) -> int:
    """Rebuild the policy collection of the index from SQL; return the documents written."""
    index = get_passage_index(settings, COLLECTION)
    try:
        index.drop()
        index.ensure()
    finally:
        index.close()
    written, last = 0, 0
    while batch := session.scalars(select(Policy).where(Policy.id > last)
                                   .order_by(Policy.id).limit(_CHUNK)).all():
        written += index_policies(settings, batch)
        last = batch[-1].id
    return written


def _apply(policy: Policy, values: Mapping[str, Any], extra: Mapping[str, Any]) -> None:
    for name, value in values.items():
        setattr(policy, name, value)
    if extra:  # unknown columns of every import are kept; a new value wins
        policy.extra = {**(policy.extra or {}), **extra}


def _existing(session: Session, ids: list[str]) -> dict[str, Policy]:
    out: dict[str, Policy] = {}
    for start in range(0, len(ids), _CHUNK):
        part = ids[start:start + _CHUNK]
        out.update((p.import_id, p) for p in session.scalars(
            select(Policy).where(Policy.import_id.in_(part))))
    return out


def _upsert(session: Session, settings: Settings,
            parsed: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, int]:
    """Write checked rows (repeated ids update) and index what changed; return the
    new/updated/unchanged counts (an unchanged row is neither written nor re-indexed)."""
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    existing = _existing(session, list(dict.fromkeys(v["import_id"] for v, _ in parsed)))
    touched: dict[str, Policy] = {}
    for values, extra in parsed:
        policy = existing.get(values["import_id"])
        if policy is None:
            values.setdefault("title", derive_title(values["text"]))
            policy = Policy(attachments=[], extra={}, validity=Validity.VALID.value)
            session.add(policy)
            existing[values["import_id"]] = policy
            counts["new"] += 1
        elif (policy.import_id not in touched
              and all(getattr(policy, k) == v for k, v in values.items())
              and all((policy.extra or {}).get(k) == v for k, v in extra.items())):
            counts["unchanged"] += 1
            continue
        else:
            counts["updated"] += 1
        _apply(policy, values, extra)
        touched[policy.import_id] = policy
    session.flush()
    if touched:
        index_policies(settings, touched.values())
    return counts


def import_rows(session: Session, settings: Settings,
                rows: Iterable[tuple[int, Mapping[str, Any] | str]]) -> ImportReport:
    """Import parsed rows ((line, row) or (line, error)); repeated ids update."""
    report = ImportReport()
    parsed: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for line, raw in rows:
        try:
            if isinstance(raw, str):
                raise PolicyError(raw)
            parsed.append(row_values(raw))
        except PolicyError as exc:
            report.rejected += 1
            report.errors.append(f"第 {line} 行: {exc}")
    counts = _upsert(session, settings, parsed)
    report.imported, report.updated = counts["new"], counts["updated"] + counts["unchanged"]
    return report


def store_crawled(session: Session, settings: Settings,
                  rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Store the policies a crawl of a 政策文件 column found (rows checked by the crawler with
    :func:`tracker.qa.policy_rows.row_values`); return new/updated/unchanged counts. A page
    crawled again unchanged writes nothing."""
    return _upsert(session, settings, [row_values(row) for row in rows])


def import_policies(session: Session, settings: Settings, path: str | Path) -> ImportReport:
    """Import a CSV or JSONL file of policies (see :func:`tracker.qa.policy_rows.read_rows`)."""
    return import_rows(session, settings, read_rows(Path(path)))


def save_policy(session: Session, settings: Settings, form: Mapping[str, Any],
                policy: Policy | None = None) -> Policy:
    """Add a policy (``policy`` None) or edit one from form fields; raises PolicyError."""
    raw = {k: form.get(k) for k in FIELD_NAMES if form.get(k) not in (None, "")}
    if policy is not None:
        raw["id"] = policy.import_id
    values, _ = row_values(raw)
    clash = session.scalar(select(Policy).where(Policy.import_id == values["import_id"]))
    if clash is not None and clash is not policy:
        raise PolicyError(f"编号 {values['import_id']} 已被另一份政策使用")
    if policy is None:
        values.setdefault("title", derive_title(values["text"]))
        policy = Policy(attachments=[], extra={})
        session.add(policy)
    for name in ("issuer", "number", "written_on", "published_on", "topic", "url"):
        values.setdefault(name, None)  # a field cleared on the form is cleared
    values.setdefault("validity", Validity.VALID.value)
    _apply(policy, values, {})
    session.flush()
    index_policies(settings, [policy])
    return policy


def search_policies(session: Session, settings: Settings, text: str, *, top: int = 5,
                    filters: PassageFilter | None = None) -> list[PolicyHit]:
    """The ``top`` policies that best answer a question, best first."""
    index = get_passage_index(settings, COLLECTION, request_timeout=5.0, max_retries=1)
    try:
        hits = index.search(text, top=top, filters=filters)
    finally:
        index.close()
    rows = _existing(session, [h.doc.id for h in hits])
    out = []
    for hit in hits:
        if (p := rows.get(hit.doc.id)) is not None:
            out.append(PolicyHit(p.import_id, p.title, p.number or "", hit.score, p.id,
                                 p.issuer, p.published_on or p.written_on, p.validity))
    return out


def get_policy(session: Session, policy_id: int) -> Policy | None:
    """The policy with database id ``policy_id``, or None."""
    return session.get(Policy, policy_id)


def list_policies(session: Session, *, validity: str | None = None, title: str = "",
                  page: int = 1) -> tuple[list[Policy], int]:
    """A page of policies, newest first, with the total (optionally by validity/title)."""
    query = select(Policy)
    if validity:
        query = query.where(Policy.validity == validity)
    if title.strip():
        like = f"%{title.strip()}%"
        query = query.where(or_(Policy.title.like(like), Policy.number.like(like)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Policy.published_on.desc().nulls_last(),
                                          Policy.id.desc())
                           .offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return list(rows), int(total)


def validity_label(code: str) -> str:
    """The Chinese word of a validity code (有效/废止/修订)."""
    try:
        return VALIDITY_LABELS[Validity(code)]
    except ValueError:
        return code
