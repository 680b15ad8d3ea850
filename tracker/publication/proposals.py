"""What the system proposes as a month's typical Q&A, from that month's answered messages:
questions asked often (messages sharing their keywords), replies that score well on the
reply-quality checks, and messages the public paid most attention to (likes, comments)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from analysis.keywords import extract
from analysis.reply_quality import ReplyCorpus, check_reply
from tracker.ledger import Actor
from tracker.models import LedgerEntry, Mention, MessageCase, TypicalQA
from tracker.publication.service import PublicationError, create_from_entry
from tracker.publication.states import State
from tracker.settings import load_settings

PER_KIND = 5
SCAN_LIMIT = 3000  # answered messages read per month: enough for a district's board
QUALITY_LIMIT = 300  # replies scored per month (the checks segment every text)
GOOD_REPLY = 0.7


@dataclass(frozen=True)
class Candidate:
    """One answered entry the system proposes, with why."""

    entry_id: int
    origin: str
    score: float
    note: str


def month_range(month: str) -> tuple[datetime, datetime]:
    """The local month YYYY-MM as [start, end) aware times; ValueError when malformed."""
    start = datetime.strptime(month, "%Y-%m").replace(tzinfo=load_settings().tz)
    return start, (start + timedelta(days=32)).replace(day=1)


def answered(session: Session, month: str, query: str | None = None,
             limit: int = SCAN_LIMIT) -> list[LedgerEntry]:
    """Answered message entries replied to in ``month`` that have no typical Q&A yet (one
    dismissed does not count), newest reply first; ``query`` filters title and text."""
    start, end = month_range(month)
    taken = select(TypicalQA.ledger_entry_id).where(
        TypicalQA.ledger_entry_id.is_not(None), TypicalQA.state != State.DISMISSED.value)
    stmt = (select(LedgerEntry).where(
        LedgerEntry.replied_at >= start, LedgerEntry.replied_at < end,
        LedgerEntry.message_case_id.is_not(None), LedgerEntry.id.not_in(taken))
        .order_by(LedgerEntry.replied_at.desc(), LedgerEntry.id.desc()).limit(limit))
    if query:
        like = f"%{query}%"
        stmt = stmt.where(or_(LedgerEntry.title.ilike(like), LedgerEntry.summary.ilike(like)))
    return list(session.scalars(stmt))


def frequent(entries: list[LedgerEntry]) -> list[Candidate]:
    """One candidate per group of messages that share two of their top keywords (size ≥ 2)."""
    groups: list[tuple[set[str], list[LedgerEntry]]] = []
    for entry in entries:
        words = {k.word for k in extract(f"{entry.title} {entry.summary}"[:2000], top_k=5)}
        home = next((g for g in groups if len(g[0] & words) >= 2), None)
        if home is None:
            groups.append((words, [entry]))
        else:
            home[1].append(entry)
    ranked = sorted((g for g in groups if len(g[1]) >= 2), key=lambda g: -len(g[1]))
    return [Candidate(max(members, key=lambda e: len(e.reply_summary or "")).id, "frequent",
                      float(len(members)), f"同类留言 {len(members)} 件")
            for _, members in ranked[:PER_KIND]]


def well_answered(entries: list[LedgerEntry]) -> list[Candidate]:
    """The replies that score best on the reply-quality checks (score ≥ 0.7); the month's
    other replies are the corpus that tells a boilerplate reply."""
    sample = [e for e in entries[:QUALITY_LIMIT] if e.reply_summary]
    corpus = ReplyCorpus([e.reply_summary or "" for e in sample])
    scored = [(check_reply(e.summary or e.title, e.reply_summary or "", others=corpus).score, e)
              for e in sample]
    best = sorted((s for s in scored if s[0] >= GOOD_REPLY), key=lambda s: (-s[0], s[1].id))
    return [Candidate(e.id, "quality", score, f"答复质量评分 {score:.2f}")
            for score, e in best[:PER_KIND]]


def attention(session: Session, entries: list[LedgerEntry]) -> list[Candidate]:
    """The messages with the most likes, dislikes and comments (where the board shows them)."""
    by_case = {e.message_case_id: e for e in entries}
    if not by_case:
        return []
    comments = dict(session.execute(
        select(Mention.message_case_id, func.sum(Mention.comments))
        .where(Mention.message_case_id.in_(by_case)).group_by(Mention.message_case_id)).all())
    rows = session.execute(select(MessageCase.id, MessageCase.likes + MessageCase.dislikes)
                           .where(MessageCase.id.in_(by_case))).all()
    scored = sorted(((int(votes or 0) + int(comments.get(cid) or 0), cid) for cid, votes in rows),
                    key=lambda s: (-s[0], s[1]))
    return [Candidate(by_case[cid].id, "attention", float(n), f"点赞、评论共 {n} 次")
            for n, cid in scored[:PER_KIND] if n > 0]


def candidates(session: Session, month: str) -> list[Candidate]:
    """Every proposal for the month, one per entry (the first reason found wins)."""
    entries = answered(session, month)
    seen: set[int] = set()
    out = []
    for found in (frequent(entries), well_answered(entries), attention(session, entries)):
        for cand in found:
            if cand.entry_id not in seen:
                seen.add(cand.entry_id)
                out.append(cand)
    return out


def propose_month(session: Session, month: str, actor: Actor) -> list[TypicalQA]:
    """Store the month's proposals as typical Q&A in the 系统建议 state; returns them."""
    made = []
    for cand in candidates(session, month):
        try:
            made.append(create_from_entry(session, cand.entry_id, actor, month=month,
                                          origin=cand.origin, score=cand.score, note=cand.note))
        except PublicationError:
            continue  # a reply without text: nothing to publish
    return made
