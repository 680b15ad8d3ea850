"""Pure decisions: who may see and do what, and which red flags an entry raises.

Nothing here touches the database: web views, jobs and reports call the same functions
with plain values (or any object that has the entry's attributes).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tracker.deadlines import UNANSWERED_RED_FLAG_MONTHS, is_overdue
from tracker.ledger.states import (
    ACTION_LABELS,
    FINAL,
    TABLES,
    Action,
    Transition,
    action_label,
    find_transition,
)
from tracker.vocabulary import ROLE_NAMES, Kind, RoleCode, status_label


class LedgerError(ValueError):
    """An action cannot be done (wrong status, missing data); the message is Chinese."""


class PermissionDenied(LedgerError):
    """The actor's role or department does not allow this."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user's id, role and department (``id=None`` for the system)."""

    id: int | None
    role: str
    department_id: int | None = None

    @classmethod
    def system(cls) -> Actor:
        """The importer/scheduler acting without a user."""
        return cls(None, RoleCode.ADMIN.value, None)


class ExtensionState(enum.StrEnum):
    """Whether an entry's one extension is unused, requested or decided."""

    NONE = "none"
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"


def can_view(actor: Actor, lead_department_id: int | None,
             co_department_ids: Iterable[int] = ()) -> bool:
    """Responders see entries of their department (lead or co-handling); others see all."""
    if actor.role != RoleCode.RESPONDER:
        return True
    if actor.department_id is None:
        return False
    return actor.department_id == lead_department_id or actor.department_id in set(
        co_department_ids)


def _scope_ok(actor: Actor, lead_department_id: int | None) -> bool:
    if actor.role != RoleCode.RESPONDER:
        return True
    return actor.department_id is not None and actor.department_id == lead_department_id


def _guard_ok(action: str, extension: ExtensionState, can_extend: bool) -> bool:
    if action == Action.REQUEST_EXTENSION:
        return can_extend and extension in (ExtensionState.NONE, ExtensionState.REFUSED)
    if action in (Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION):
        return extension is ExtensionState.PENDING
    return True


def allowed_actions(kind: Kind | str, status: str, actor: Actor, *,
                    lead_department_id: int | None,
                    extension: ExtensionState = ExtensionState.NONE,
                    can_extend: bool = True) -> list[str]:
    """The actions ``actor`` may take on an entry in ``status``, in table order."""
    if not _scope_ok(actor, lead_department_id):
        return []
    seen: list[str] = []
    for row in TABLES[Kind(kind)]:
        if (status in row.sources and actor.role in row.roles and row.action not in seen
                and _guard_ok(row.action, extension, can_extend)):
            seen.append(row.action.value)
    return seen


def check_action(kind: Kind | str, status: str, action: str, actor: Actor, *,
                 lead_department_id: int | None,
                 extension: ExtensionState = ExtensionState.NONE,
                 can_extend: bool = True) -> Transition:
    """Return the transition for ``action`` or raise why it is refused."""
    row = find_transition(kind, status, action)
    if row is None:
        what = f"“{action_label(kind, action)}”" if action in ACTION_LABELS else "该操作"
        raise LedgerError(f"当前状态（{status_label(kind, status)}）不能执行{what}，"
                          "页面可能已过期，请刷新后重试。")
    if actor.role not in row.roles:
        names = "、".join(name for code, name in ROLE_NAMES.items() if code in row.roles)
        raise PermissionDenied(f"此操作仅限：{names}。")
    if not _scope_ok(actor, lead_department_id):
        raise PermissionDenied("该事项不由您的部门牵头办理，您无权执行此操作。")
    if not _guard_ok(action, extension, can_extend):
        raise LedgerError("延期只能申请一次，且须有待审批的申请才能审批")
    return row


PROMISE_PATTERN = re.compile(
    r"(将于|将在|承诺|尽快|争取|计划于|预计于|近期将|下一步将|力争)[^，。；！？\n]{0,30}")


def find_promises(text: str | None) -> list[str]:
    """Phrases in a response that promise something ("将于…", "承诺", "尽快…")."""
    if not text:
        return []
    return [m.group(0) for m in PROMISE_PATTERN.finditer(text)]


class EntryFacts(Protocol):
    """The attributes red flags read (a LedgerEntry has them all)."""

    kind: str
    status: str
    received_at: datetime
    due_at: datetime | None
    replied_at: datetime | None
    published_at: datetime | None
    closed_at: datetime | None
    paused_since: datetime | None
    reply_has_promise: bool
    last_follow_up_at: datetime | None


def add_months(value: datetime, months: int) -> datetime:
    """The same day ``months`` later (clamped to the month's last day)."""
    month = value.month - 1 + months
    year, month = value.year + month // 12, month % 12 + 1
    for day in range(value.day, 27, -1):
        try:
            return value.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return value.replace(year=year, month=month, day=min(value.day, 28))


def done_at(entry: EntryFacts) -> datetime | None:
    """When the entry stopped needing an answer: the final reply, or closing without one."""
    if entry.replied_at is not None:
        return entry.replied_at
    if entry.status in FINAL[Kind(entry.kind)]:
        return entry.closed_at
    return None


@dataclass(frozen=True)
class RedFlag:
    """A warning shown on the entry and counted in reports."""

    code: str
    label: str


def red_flags(entry: EntryFacts, now: datetime) -> list[RedFlag]:
    """The red flags of an entry at ``now``."""
    flags: list[RedFlag] = []
    finished = done_at(entry)
    if entry.kind == Kind.MESSAGE and finished is None and now >= add_months(
            entry.received_at, UNANSWERED_RED_FLAG_MONTHS):
        flags.append(RedFlag("unanswered_3_months", "留言超过三个月未答复（网站普查单项否决）"))
    if (entry.kind == Kind.MESSAGE and entry.replied_at is not None
            and entry.published_at is None and entry.status not in FINAL[Kind.MESSAGE]):
        flags.append(RedFlag("not_published", "已答复但未公开"))
    due = None if entry.paused_since is not None else entry.due_at
    if finished is None and is_overdue(due, now):
        flags.append(RedFlag("overdue", "已超期未答复"))
    elif entry.replied_at is not None and is_overdue(due, now, entry.replied_at):
        flags.append(RedFlag("late", "超期答复"))
    if entry.reply_has_promise and entry.replied_at is not None and (
            entry.last_follow_up_at is None or entry.last_follow_up_at < entry.replied_at):
        flags.append(RedFlag("promise_no_follow_up", "回应中有承诺事项，尚无跟踪反馈"))
    return flags
