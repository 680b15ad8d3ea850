"""Rows the ledger tests need: departments, users as actors, sources, cases, mentions."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.accounts.users import create_user, get_or_create_department
from tracker.deadlines import SHANGHAI, WorkCalendar
from tracker.deadlines.store import DeadlineContext
from tracker.ledger import Actor
from tracker.models import Mention, MessageCase, Source, User

SH = ZoneInfo("Asia/Shanghai")
HOUSING = "市住房和城乡建设局"  # the demo responder's department
TRANSPORT = "市交通运输局"


def local(text: str) -> datetime:
    """A Shanghai time from ``YYYY-MM-DD[ HH:MM]``."""
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def context() -> DeadlineContext:
    """Deadlines without admin overrides, receipt day not counted, Shanghai time."""
    return DeadlineContext(WorkCalendar(), (), SHANGHAI, False)


def actor(session: Session, username: str) -> Actor:
    """The actor for an existing user."""
    user = session.scalar(select(User).where(User.username == username))
    return Actor(user.id, user.role_code, user.department_id)


def other_responder(session: Session) -> Actor:
    """A responder of the transport bureau (not the demo responder's department)."""
    user = session.scalar(select(User).where(User.username == "transport"))
    if user is None:
        user = create_user(session, "transport", "transport-demo-123", "responder",
                           "钱交通", TRANSPORT)
        session.flush()
    return Actor(user.id, user.role_code, user.department_id)


def department_id(session: Session, name: str) -> int:
    """The id of the department ``name`` (created when missing)."""
    return get_or_create_department(session, name).id


def board(session: Session, name: str = "mayor_box") -> Source:
    """A message-board source."""
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        source = Source(name=name, title="市长信箱", kind="board",
                        base_url="http://127.0.0.1:1/board", config={})
        session.add(source)
        session.flush()
    return source


def message_case(session: Session, external_id: str, submitted: str, *, reply: str | None = None,
                 replied: str | None = None, department: str | None = None,
                 url: str | None = "http://127.0.0.1:1/board/1",
                 category: str | None = "城乡建设") -> MessageCase:
    """A citizen message, optionally with its reply (the id gets a unique suffix)."""
    external_id = f"{external_id}-{uuid.uuid4().hex[:8]}"
    case = MessageCase(
        source_id=board(session).id, external_id=external_id, title=f"留言 {external_id}",
        body="小区门口道路破损严重，请尽快维修。<script>alert(1)</script>", author="网友",
        url=url, category=category, submitted_at=local(submitted), reply_text=reply,
        reply_department=department, replied_at=local(replied) if replied else None,
        status="replied" if reply else "pending",
        fingerprint=hashlib.sha1(external_id.encode()).hexdigest())
    session.add(case)
    session.flush()
    return case


def mention(session: Session, uid: str, title: str = "网传某小区停水三天") -> Mention:
    """A news mention."""
    source = session.scalar(select(Source).where(Source.name == "news"))
    if source is None:
        source = Source(name="news", title="本地新闻网", kind="news",
                        base_url="http://127.0.0.1:1/news", config={})
        session.add(source)
        session.flush()
    item = Mention(uid=uid, source_id=source.id, kind="news", url=f"http://127.0.0.1:1/{uid}",
                   title=title, text="居民反映停水三天无人处理。",
                   published_at=local("2025-09-30 08:00"),
                   fingerprint=hashlib.sha1(uid.encode()).hexdigest(), extra={"sentiment": 0.12})
    session.add(item)
    session.flush()
    return item
