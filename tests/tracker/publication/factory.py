"""Answered board messages in the ledger, ready to become typical Q&A."""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.tracker.ledger.factory import HOUSING, actor, board, context, local
from tracker.ledger import sync_message_cases
from tracker.models import LedgerEntry, MessageCase

SYNCED = local("2025-10-01 10:00")
QUESTION = ("我叫王守义，家住幸福小区3号楼2单元501室，电话13812345678。小区门口道路破损严重，"
            "雨天积水，老人出行不便，请尽快维修。")
REPLY = ("王守义您好！您反映的幸福小区门口道路破损问题，经市住房和城乡建设局现场核实，"
         "已列入维修计划，将于2025年10月31日前完成。如有疑问请拨打12345热线。")


def answered_entry(session: Session, *, title: str = "幸福小区门口道路破损",
                   author: str = "王守义", body: str = QUESTION, reply: str = REPLY,
                   replied: str = "2025-09-25 16:00", likes: int = 0,
                   url: str | None = "http://127.0.0.1:1/board/1",
                   category: str = "城乡建设") -> LedgerEntry:
    """A board message with its reply, entered into the ledger by the usual sync."""
    external_id = f"P-{uuid.uuid4().hex[:10]}"
    case = MessageCase(
        source_id=board(session).id, external_id=external_id, title=title, body=body,
        author=author, url=url, category=category, submitted_at=local("2025-09-20 10:00"),
        reply_text=reply, reply_department=HOUSING, replied_at=local(replied), likes=likes,
        status="replied", fingerprint=hashlib.sha1(external_id.encode()).hexdigest())
    session.add(case)
    session.flush()
    sync_message_cases(session, ctx=context(), now=SYNCED)
    return session.scalar(select(LedgerEntry).where(LedgerEntry.message_case_id == case.id))


def staff(session: Session):
    """The demo opinion staff as an actor."""
    return actor(session, "staff")


def leader(session: Session):
    """The demo leader as an actor."""
    return actor(session, "leader")
