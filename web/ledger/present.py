"""Presentation helpers: the signed-in actor, labels, the timeline, safe links."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.deadlines import DeadlineContext, deadline_context
from tracker.ledger import Actor, action_label
from tracker.models import AuditEvent, Department, LedgerEntry, LedgerResponse, User
from tracker.vocabulary import (
    KIND_LABELS,
    LEVEL_LABELS,
    Kind,
    Level,
    reply_type,
    status_label,
)
from web.db import get_db, get_settings

FIELD_LABELS = {
    "status": "状态", "due_at": "截止时间", "second_due_at": "发布会截止", "level": "等级",
    "lead_department_id": "牵头单位", "co_departments": "协办单位",
    "responsible_user_id": "指定责任人", "responsible_person": "责任人",
    "first_ack_at": "签收时间", "replied_at": "答复时间", "published_at": "公开时间",
    "closed_at": "办结时间", "reply_channel": "回应方式", "reply_summary": "回应内容",
    "reply_has_promise": "含承诺事项", "satisfaction": "满意度", "follow_up_count": "反馈次数",
    "last_follow_up_at": "最近反馈", "paused_since": "暂停自", "clock_restarted_at": "重新起算",
    "extension_days": "延期工作日", "reply_type": "答复类型",
    "proposed_department_id": "建议承办单位",
}
TIME_FIELDS = {"due_at", "second_due_at", "first_ack_at", "replied_at", "published_at",
               "closed_at", "last_follow_up_at", "paused_since", "clock_restarted_at"}
DEPARTMENT_FIELDS = {"lead_department_id", "proposed_department_id"}
USER_FIELDS = {"responsible_user_id"}
YES_NO = {"true": "是", "1": "是", "false": "否", "0": "否"}
RESPONSE_STATES = {"draft": "草稿", "submitted": "待审签", "approved": "已审签",
                   "rejected": "已退回"}
EVENT_LABELS = {"create": "登记", "sync_create": "自动登记（留言同步）",
                "sync_reply": "同步答复", "propose": "建议承办单位", "route": "待分办",
                "attribute": "归入答复部门", "qa_publish": "作为典型问答公开",
                "qa_unpublish": "典型问答撤下"}


def current_actor() -> Actor:
    """The signed-in user as a ledger actor."""
    return Actor(current_user.id, current_user.role_code, current_user.department_id)


def current_context() -> DeadlineContext:
    """Calendar overrides and SLA rules from the database, zone and receipt day from settings."""
    settings = get_settings()
    return deadline_context(get_db(), tz=settings.tz,
                            receipt_day_counts=settings.receipt_day_counts)


def safe_url(value: str | None) -> str | None:
    """Only http(s) links are rendered as links (no javascript: from crawled data)."""
    if not value:
        return None
    return value if urlsplit(value).scheme in ("http", "https") else None


def kind_label(kind: str) -> str:
    """政务舆情 / 网民留言 / 依申请公开."""
    return KIND_LABELS.get(Kind(kind), kind) if kind in set(Kind) else kind


def level_label(level: str | None) -> str:
    """一般 / 较大 / 重大 / 特别重大, or 未定级."""
    return LEVEL_LABELS[Level(level)] if level in set(Level) else "未定级"


def reply_type_label(code: str | None) -> str:
    """The reply type's name."""
    found = reply_type(code)
    return found.label if found else ""


@dataclass
class TimelineItem:
    """One moment on the entry's timeline: an audited action or a response."""

    at: datetime
    title: str
    actor: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    response: LedgerResponse | None = None


class ValueNames:
    """Turns stored audit values (ids, UTC times, codes) back into readable words."""

    def __init__(self, session: Session, entry: LedgerEntry) -> None:
        self.entry = entry
        self.departments = dict(session.execute(select(Department.id, Department.name)).all())
        self.users = dict(session.execute(select(User.id, User.display_name)).all())
        self.tz = get_settings().tz

    def value(self, name: str | None, raw: str | None) -> str:
        """A readable form of one stored value."""
        if raw is None:
            return "—"
        if name == "status":
            return status_label(self.entry.kind, raw)
        if name == "level":
            return level_label(raw)
        if name == "reply_type":
            return reply_type_label(raw)
        if name in DEPARTMENT_FIELDS and raw.isdigit():
            return self.departments.get(int(raw), "已删除的单位")
        if name in USER_FIELDS and raw.isdigit():  # a person by name, never an account id
            return self.users.get(int(raw)) or "已删除的用户"
        if name == "co_departments":
            return "、".join(self.departments.get(int(d), "已删除的单位") if d.isdigit() else d
                            for d in raw.split(",") if d) or "—"
        if name == "reply_has_promise":
            return YES_NO.get(raw.lower(), raw)
        if name in TIME_FIELDS:
            try:
                return datetime.fromisoformat(raw).astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
            except ValueError:
                return raw
        return raw


def timeline(session: Session, entry: LedgerEntry, events: list[AuditEvent]) -> list:
    """Audit events grouped per action, and responses, oldest first."""
    users = {u.id: u.display_name for u in session.scalars(select(User))}
    names = ValueNames(session, entry)
    grouped: dict[tuple, TimelineItem] = {}
    for event in events:
        key = (event.at, event.action, event.actor_id)
        item = grouped.get(key)
        if item is None:
            title = EVENT_LABELS.get(event.action) or action_label(entry.kind, event.action)
            item = grouped[key] = TimelineItem(event.at, title,
                                               users.get(event.actor_id, "系统"),
                                               detail=event.detail or {})
        if event.field and event.field != "reply_summary":
            item.changes.append((FIELD_LABELS.get(event.field, "其他信息"),
                                 names.value(event.field, event.old_value),
                                 names.value(event.field, event.new_value)))
    items = list(grouped.values())
    for response in entry.responses:
        author = users.get(response.author_id, response.department_name or "系统")
        state = RESPONSE_STATES.get(response.state, response.state)
        items.append(TimelineItem(response.created_at, f"回应（{state}）", author,
                                  response=response))
    return sorted(items, key=lambda i: i.at)
