"""An entry's deadline from its own facts: rule, received time, extension, pauses, 补正."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, tzinfo

from tracker.deadlines import Deadline, DeadlineContext, Pause, SlaRule, due_at
from tracker.ledger.decisions import ExtensionState
from tracker.models.ledger import LedgerEntry, LedgerTimeChange
from tracker.vocabulary import Kind

PAUSE = "pause"
EXTENSION = "extension"
CORRECTION = "correction"


def _local_date(value: datetime, tz: tzinfo):
    return value.astimezone(tz).date()


def pauses_of(entry: LedgerEntry, tz: tzinfo) -> list[Pause]:
    """The consultation pauses of an entry (open ones have no end)."""
    pauses = []
    for change in entry.time_changes:
        if change.type == PAUSE and change.started_at is not None:
            end = _local_date(change.ended_at, tz) if change.ended_at else None
            reason = f"征求{change.party}意见" if change.party else "征求第三方意见"
            pauses.append(Pause(_local_date(change.started_at, tz), end, reason))
    return pauses


def last_extension(entry: LedgerEntry) -> LedgerTimeChange | None:
    """The newest extension request of an entry, if any."""
    requests = [c for c in entry.time_changes if c.type == EXTENSION]
    return requests[-1] if requests else None


def extension_state(entry: LedgerEntry) -> ExtensionState:
    """Whether the one extension is unused, pending, granted or refused."""
    if any(c.type == EXTENSION and c.decision == "approved" for c in entry.time_changes):
        return ExtensionState.GRANTED
    last = last_extension(entry)
    if last is None:
        return ExtensionState.NONE
    return ExtensionState.PENDING if last.decision is None else ExtensionState.REFUSED


def open_correction(entry: LedgerEntry) -> LedgerTimeChange | None:
    """The 补正 request still waiting for the applicant, if any."""
    for change in entry.time_changes:
        if change.type == CORRECTION and change.ended_at is None:
            return change
    return None


def rule_of(entry: LedgerEntry, ctx: DeadlineContext) -> SlaRule:
    """The SLA rule that applies to the entry."""
    return ctx.rule_for(entry.kind, level=entry.level, board=entry.board,
                        category=entry.category)


def compute_deadline(entry: LedgerEntry, ctx: DeadlineContext) -> Deadline:
    """The entry's deadline and explanation from its current facts.

    A board message restarted (a 历史遗留 message assigned, :mod:`tracker.ledger.archive`)
    counts from the day it was assigned, as if received then.
    """
    kind = Kind(entry.kind)
    received = entry.found_at if kind is Kind.OPINION and entry.found_at else entry.received_at
    restarted = entry.clock_restarted_at
    if kind is Kind.MESSAGE and restarted is not None:
        received, restarted = restarted, None
    deadline = due_at(
        kind, received, level=entry.level, rule=rule_of(entry, ctx), calendar=ctx.calendar,
        tz=ctx.tz, receipt_day_counts=ctx.receipt_day_counts,
        extension=entry.extension_days or 0, pauses=pauses_of(entry, ctx.tz),
        corrected_at=restarted, first_published_at=entry.first_published_at,
    )
    if kind is Kind.MESSAGE and entry.clock_restarted_at is not None:
        deadline = replace(deadline, explanation="历史遗留留言，自交办之日起重新计算期限："
                           + deadline.explanation.replace("收到", "交办", 1))
    return deadline


def refresh_deadline(entry: LedgerEntry, ctx: DeadlineContext) -> dict[str, tuple]:
    """Recompute due time and explanation; return the audited changes (due times only)."""
    if open_correction(entry) is not None:
        due, second = None, None
        text = "已告知申请人补正，期限暂停；收到补正后的申请后重新起算"
    else:
        deadline = compute_deadline(entry, ctx)
        due = deadline.due
        second = deadline.milestones[0].due if deadline.milestones else None
        text = deadline.explanation
    changes: dict[str, tuple] = {}
    if entry.due_at != due:
        changes["due_at"] = (entry.due_at, due)
    if entry.second_due_at != second:
        changes["second_due_at"] = (entry.second_due_at, second)
    entry.due_at, entry.second_due_at, entry.due_explanation = due, second, text
    return changes
