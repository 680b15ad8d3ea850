"""Reply checks of stored responses and drafts, and their summary by department."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.reply_quality import ReplyCheck, ReplyCorpus, check_reply
from tracker.models import Department, LedgerEntry, LedgerResponse, MessageCase

#: Other stored replies (newest first) a reply is compared with for reused boilerplate.
CORPUS_SIZE = 500
#: Responses counted by department: those a leader approved (sent or to be sent).
CHECKED_STATES = ("approved",)


def message_text(session: Session, entry: LedgerEntry) -> str:
    """What the reply answers: the board message (title and body) or the entry's summary."""
    if entry.message_case_id:
        case = session.get(MessageCase, entry.message_case_id)
        if case is not None:
            return f"{case.title}。{case.body}"
    return f"{entry.title}。{entry.summary or ''}"


def reply_corpus(session: Session, exclude_entry: int | None = None,
                 limit: int = CORPUS_SIZE, exclude_ids: tuple[int, ...] = ()) -> ReplyCorpus:
    """The newest stored replies of other entries (and other responses), for the
    boilerplate check."""
    stmt = (select(LedgerResponse.content).where(LedgerResponse.content != "")
            .order_by(LedgerResponse.created_at.desc(), LedgerResponse.id.desc()).limit(limit))
    if exclude_entry is not None:
        stmt = stmt.where(LedgerResponse.entry_id != exclude_entry)
    if exclude_ids:
        stmt = stmt.where(LedgerResponse.id.not_in(exclude_ids))
    return ReplyCorpus(session.scalars(stmt))


def reply_quality(session: Session, response_id: int) -> ReplyCheck:
    """The checks of one stored response; LookupError when there is no such response."""
    response = session.get(LedgerResponse, response_id)
    if response is None:
        raise LookupError(f"no response {response_id}")
    entry = session.get(LedgerEntry, response.entry_id)
    return check_reply(message_text(session, entry), response.content,
                       others=reply_corpus(session, exclude_entry=entry.id))


def checks_of(session: Session, responses: list[LedgerResponse]) -> dict[int, ReplyCheck]:
    """The checks of several stored responses by id (one corpus for all: the leader inbox)."""
    if not responses:
        return {}
    corpus = reply_corpus(session, exclude_ids=tuple(r.id for r in responses))
    return {r.id: check_reply(message_text(session, session.get(LedgerEntry, r.entry_id)),
                              r.content, others=corpus) for r in responses}


def check_draft(session: Session, entry: LedgerEntry, draft: str) -> ReplyCheck:
    """The checks of a draft reply to an entry (nothing is stored)."""
    return check_reply(message_text(session, entry), draft,
                       others=reply_corpus(session, exclude_entry=entry.id))


@dataclass(frozen=True)
class DepartmentQuality:
    """Mean reply scores of one department over a window, and its most common problems."""

    department_id: int | None
    name: str
    replies: int
    relevance: float
    completeness: float
    interpretability: float
    score: float
    common_problems: tuple[tuple[str, int], ...]


def _kind_of(problem: str) -> str:
    """A problem's kind, the part before its quoted detail (答复承诺“…” → 答复承诺)."""
    return problem.split("“")[0].split("（")[0].rstrip("，,")


def department_quality(session: Session, start: datetime, end: datetime) -> list[DepartmentQuality]:
    """Replies written in [start, end) checked and averaged by department, worst score first."""
    rows = session.execute(
        select(LedgerResponse, LedgerEntry, Department.name)
        .join(LedgerEntry, LedgerEntry.id == LedgerResponse.entry_id)
        .outerjoin(Department, Department.id == LedgerResponse.department_id)
        .where(LedgerResponse.state.in_(CHECKED_STATES), LedgerResponse.created_at >= start,
               LedgerResponse.created_at < end)
        .order_by(LedgerResponse.id)).all()
    corpus = ReplyCorpus([r.content for r, _, _ in rows], includes_checked=True)
    groups: dict[tuple[int | None, str], list[ReplyCheck]] = defaultdict(list)
    for response, entry, name in rows:
        check = check_reply(message_text(session, entry), response.content, others=corpus)
        groups[(response.department_id, name or response.department_name or "未指定部门")].append(
            check)
    return sorted((_summary(key, checks) for key, checks in groups.items()),
                  key=lambda d: (d.score, d.name))


def _summary(key: tuple[int | None, str], checks: list[ReplyCheck]) -> DepartmentQuality:
    n = len(checks)
    problems = Counter(_kind_of(p) for c in checks for p in c.problems)
    return DepartmentQuality(
        key[0], key[1], n, *(round(sum(getattr(c, f) for c in checks) / n, 4) for f in
                             ("relevance", "completeness", "interpretability", "score")),
        tuple(problems.most_common(3)))
