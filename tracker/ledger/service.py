"""Ledger services: open entries, perform workflow actions, all audited; the caller commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.deadlines import DeadlineContext, deadline_context
from tracker.ledger import clock, notices
from tracker.ledger.decisions import (
    Actor,
    LedgerError,
    PermissionDenied,
    allowed_actions,
    can_view,
    check_action,
)
from tracker.ledger.handlers import HANDLERS, Step
from tracker.ledger.replies import APPLICANT_TYPES, RECEIPT_CHANNELS
from tracker.ledger.states import INITIAL
from tracker.models import AuditEvent, Mention, audit, utcnow
from tracker.models.ledger import LedgerEntry, LedgerLink
from tracker.settings import Settings, load_settings
from tracker.vocabulary import Kind, parse_level

ENTITY = "ledger_entry"


def _audit_create(session: Session, entry: LedgerEntry, actor_id: int | None,
                  detail: dict[str, Any]) -> None:
    audit.record(session, entity_type=ENTITY, entity_id=entry.id, action="create",
                 actor_id=actor_id, detail=detail,
                 changes={"status": (None, entry.status), "due_at": (None, entry.due_at)})


def _start(session: Session, entry: LedgerEntry, ctx: DeadlineContext | None) -> None:
    entry.status = INITIAL[Kind(entry.kind)]
    session.add(entry)
    clock.refresh_deadline(entry, ctx or deadline_context(session))
    session.flush()


def open_opinion_entry(
    session: Session, *, title: str, summary: str, source: str | None, url: str | None,
    found_at: datetime, first_published_at: datetime | None, level: str | None,
    mention_ids: Iterable[int] = (), alert_id: int | None = None, actor_id: int | None,
    involved_units: str | None = None, ctx: DeadlineContext | None = None,
) -> LedgerEntry:
    """Register an opinion (by hand or escalated from an alert) with its 5/24/48 h deadline."""
    if not (title or "").strip():
        raise LedgerError("请填写舆情标题")
    if found_at.tzinfo is None or (first_published_at and first_published_at.tzinfo is None):
        raise LedgerError("时间须带时区")
    lvl = parse_level(level)
    entry = LedgerEntry(
        kind=Kind.OPINION.value, title=title.strip()[:512], summary=(summary or "").strip(),
        source_name=source, url=url, found_at=found_at, first_published_at=first_published_at,
        received_at=found_at, level=lvl.value if lvl else None, involved_units=involved_units,
        alert_id=alert_id, created_by_id=actor_id)
    ids = sorted(set(mention_ids))
    known = set(session.scalars(select(Mention.id).where(Mention.id.in_(ids)))) if ids else set()
    if known != set(ids):
        raise LedgerError(f"找不到这些信息：{sorted(set(ids) - known)}")
    entry.links = [LedgerLink(mention_id=m) for m in ids]
    _start(session, entry, ctx)
    _audit_create(session, entry, actor_id, {"alert_id": alert_id, "mention_ids": ids})
    return entry


def open_disclosure_entry(
    session: Session, *, title: str, request: str, applicant: str, applicant_type: str,
    receipt_channel: str, received_at: datetime, actor_id: int | None,
    ctx: DeadlineContext | None = None,
) -> LedgerEntry:
    """Register (登记) a disclosure application; 20 working days from the receipt date."""
    if not (title or "").strip() or not (applicant or "").strip():
        raise LedgerError("请填写申请标题和申请人")
    if applicant_type not in APPLICANT_TYPES or receipt_channel not in RECEIPT_CHANNELS:
        raise LedgerError("申请人类型或申请方式无效")
    if received_at.tzinfo is None:
        raise LedgerError("时间须带时区")
    entry = LedgerEntry(
        kind=Kind.DISCLOSURE.value, title=title.strip()[:512], summary=(request or "").strip(),
        applicant=applicant.strip(), applicant_type=applicant_type,
        receipt_channel=receipt_channel, received_at=received_at, source_name="依申请公开",
        created_by_id=actor_id)
    _start(session, entry, ctx)
    _audit_create(session, entry, actor_id, {"applicant_type": applicant_type})
    return entry


@dataclass(frozen=True)
class EntryAccess:
    """What an actor may do with an entry: see it, and which actions."""

    visible: bool
    actions: tuple[str, ...]


def co_department_ids(entry: LedgerEntry) -> list[int]:
    """The current co-handling departments (removed ones excluded)."""
    return [c.department_id for c in entry.co_departments if c.removed_at is None]


def access(entry: LedgerEntry, actor: Actor, ctx: DeadlineContext) -> EntryAccess:
    """Whether ``actor`` sees ``entry`` and the actions the role and status allow."""
    if not can_view(actor, entry.lead_department_id, co_department_ids(entry)):
        return EntryAccess(False, ())
    can_extend = clock.rule_of(entry, ctx).max_extension > 0
    actions = allowed_actions(entry.kind, entry.status, actor,
                              lead_department_id=entry.lead_department_id,
                              extension=clock.extension_state(entry), can_extend=can_extend)
    return EntryAccess(True, tuple(actions))


def perform(session: Session, entry: LedgerEntry, action: str, actor: Actor, *,
            data: dict[str, Any] | None = None, ctx: DeadlineContext | None = None,
            now: datetime | None = None, settings: Settings | None = None) -> LedgerEntry:
    """Do ``action`` on ``entry`` as ``actor``: check, apply, move status, audit every change,
    and tell the people it concerns (:mod:`tracker.ledger.notices`)."""
    ctx = ctx or deadline_context(session)
    if not can_view(actor, entry.lead_department_id, co_department_ids(entry)):
        raise PermissionDenied("您无权查看该台账")
    can_extend = clock.rule_of(entry, ctx).max_extension > 0
    row = check_action(entry.kind, entry.status, action, actor,
                       lead_department_id=entry.lead_department_id,
                       extension=clock.extension_state(entry), can_extend=can_extend)
    step = Step(session, entry, actor, now or utcnow(), ctx, dict(data or {}))
    HANDLERS[action](step)
    if row.target is not None:
        step.set("status", row.target)
    if step.refresh:
        step.changes.update(clock.refresh_deadline(entry, ctx))
    session.flush()
    audit.record(session, entity_type=ENTITY, entity_id=entry.id, action=action,
                 actor_id=actor.id, changes=step.changes, detail=step.detail or None)
    notices.after_action(session, settings or load_settings(), entry, action, step.changes,
                         step.now)
    return entry


def propose_department(session: Session, entry: LedgerEntry, department_id: int | None,
                       confidence: float | None, *, actor_id: int | None = None) -> None:
    """Store the routing proposal (from the analysis classifier); audited."""
    changes = {}
    if entry.proposed_department_id != department_id:
        changes["proposed_department_id"] = (entry.proposed_department_id, department_id)
    entry.proposed_department_id, entry.proposed_confidence = department_id, confidence
    if changes:
        audit.record(session, entity_type=ENTITY, entity_id=entry.id, action="propose",
                     actor_id=actor_id, changes=changes, detail={"confidence": confidence})


def audit_trail(session: Session, entry_id: int) -> list[AuditEvent]:
    """Every audit event of an entry, oldest first."""
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == ENTITY,
                                 AuditEvent.entity_id == str(entry_id))
        .order_by(AuditEvent.at, AuditEvent.id)))


def get_entry(session: Session, entry_id: int, actor: Actor) -> LedgerEntry:
    """Load an entry the actor may see, or raise :class:`PermissionDenied`/LookupError."""
    entry = session.get(LedgerEntry, entry_id)
    if entry is None:
        raise LookupError(entry_id)
    if not can_view(actor, entry.lead_department_id, co_department_ids(entry)):
        raise PermissionDenied("您无权查看该台账")
    return entry
