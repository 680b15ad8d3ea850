"""Workflows as data: a transition table per kind over its status enum, guarded by role.

A transition row says: this action, from these statuses, leads to that status (``None``:
the status stays), and these roles may do it. Responders may act only on entries whose
lead department (牵头单位) is their own; that scope check lives in
:mod:`tracker.ledger.decisions`, the table only names the roles. The statuses and their
labels are words of :mod:`tracker.vocabulary`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tracker.vocabulary import DisclosureStatus, Kind, MessageStatus, OpinionStatus, RoleCode

#: The first status of each kind.
INITIAL: dict[Kind, str] = {Kind.OPINION: OpinionStatus.REGISTERED,
                            Kind.MESSAGE: MessageStatus.ACCEPTED,
                            Kind.DISCLOSURE: DisclosureStatus.REGISTERED}

#: Statuses in which nothing is pending any more (the clock no longer matters).
FINAL: dict[Kind, frozenset[str]] = {
    Kind.OPINION: frozenset({OpinionStatus.CLOSED}),
    Kind.MESSAGE: frozenset({MessageStatus.ARCHIVED}),
    Kind.DISCLOSURE: frozenset({DisclosureStatus.ARCHIVED, DisclosureStatus.WITHDRAWN}),
}


class Action(enum.StrEnum):
    """Everything a user can do to an entry."""

    ASSESS = "assess"
    ASSIGN = "assign"
    REASSIGN = "reassign"
    ACCEPT = "accept"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    FOLLOW_UP = "follow_up"
    CLOSE = "close"
    REOPEN = "reopen"
    VISIT = "visit"
    PUBLISH = "publish"
    ARCHIVE = "archive"
    REVIEW = "review"
    REQUEST_CORRECTION = "request_correction"
    RECEIVE_CORRECTION = "receive_correction"
    WITHDRAW = "withdraw"
    START_CONSULTATION = "start_consultation"
    END_CONSULTATION = "end_consultation"
    REPLY = "reply"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REJECT_EXTENSION = "reject_extension"


ACTION_LABELS: dict[str, str] = {
    "assess": "研判", "assign": "交办", "reassign": "调整承办单位", "accept": "签收办理",
    "submit": "提交审签", "approve": "审签通过并发布", "reject": "退回修改",
    "follow_up": "记录跟踪反馈", "close": "办结", "reopen": "重新办理", "visit": "回访",
    "publish": "公开", "archive": "归档", "review": "登记审核",
    "request_correction": "告知补正", "receive_correction": "收到补正",
    "withdraw": "视为撤回", "start_consultation": "征求第三方意见",
    "end_consultation": "收到第三方意见", "reply": "书面答复",
    "request_extension": "申请延期", "approve_extension": "批准延期",
    "reject_extension": "不批准延期",
}

#: Labels that differ by kind.
KIND_ACTION_LABELS: dict[Kind, dict[str, str]] = {
    Kind.MESSAGE: {"submit": "提交审核", "approve": "审核通过并答复", "close": "结案"},
}


def action_label(kind: Kind | str, action: str) -> str:
    """The Chinese name of ``action`` for entries of ``kind``."""
    return KIND_ACTION_LABELS.get(Kind(kind), {}).get(action) or ACTION_LABELS.get(action, action)


@dataclass(frozen=True)
class Transition:
    """One row of a transition table."""

    action: Action
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]


def _t(action: Action, sources: set[str], target: str | None, roles: frozenset[str]):
    return Transition(action, frozenset(sources), target, roles)


STAFF = RoleCode.OPINION_STAFF.value
ADMIN = RoleCode.ADMIN.value
LEADER = RoleCode.LEADER.value
RESPONDER = RoleCode.RESPONDER.value
MANAGE = frozenset({STAFF, ADMIN})
WORK = frozenset({STAFF, ADMIN, RESPONDER})
APPROVE = frozenset({LEADER, ADMIN})
REVIEWERS = frozenset({LEADER, ADMIN, STAFF})
#: Who decides on 历史遗留 messages (close with a note, or assign).
DECIDE = frozenset({STAFF, ADMIN, LEADER})

Op, M, D = OpinionStatus, MessageStatus, DisclosureStatus

OPINION_TABLE: tuple[Transition, ...] = (
    _t(Action.ASSESS, {Op.REGISTERED}, Op.ASSESSING, MANAGE),
    _t(Action.ASSIGN, {Op.ASSESSING}, Op.ASSIGNED, MANAGE),
    _t(Action.REASSIGN, {Op.ASSIGNED, Op.HANDLING}, None, MANAGE),
    _t(Action.ACCEPT, {Op.ASSIGNED}, Op.HANDLING, WORK),
    _t(Action.SUBMIT, {Op.HANDLING}, Op.REVIEW, WORK),
    _t(Action.APPROVE, {Op.REVIEW}, Op.RESPONDED, APPROVE),
    _t(Action.REJECT, {Op.REVIEW}, Op.HANDLING, APPROVE),
    _t(Action.FOLLOW_UP, {Op.RESPONDED, Op.FOLLOW_UP}, Op.FOLLOW_UP, WORK),
    _t(Action.CLOSE, {Op.FOLLOW_UP}, Op.CLOSED, MANAGE),
    _t(Action.REOPEN, {Op.CLOSED}, Op.HANDLING, MANAGE),
)

MESSAGE_TABLE: tuple[Transition, ...] = (
    _t(Action.ASSIGN, {M.ACCEPTED}, M.ASSIGNED, MANAGE),
    _t(Action.ASSIGN, {M.LEGACY}, M.ASSIGNED, DECIDE),
    _t(Action.CLOSE, {M.LEGACY}, M.ARCHIVED, DECIDE),
    _t(Action.REASSIGN, {M.ASSIGNED, M.HANDLING}, None, MANAGE),
    _t(Action.ACCEPT, {M.ASSIGNED}, M.HANDLING, WORK),
    _t(Action.SUBMIT, {M.HANDLING}, M.REVIEW, WORK),
    _t(Action.APPROVE, {M.REVIEW}, M.REPLIED, REVIEWERS),
    _t(Action.REJECT, {M.REVIEW}, M.HANDLING, REVIEWERS),
    _t(Action.VISIT, {M.REPLIED}, M.VISITED, WORK),
    _t(Action.VISIT, {M.VISITED, M.PUBLISHED}, None, WORK),
    _t(Action.PUBLISH, {M.REPLIED, M.VISITED}, M.PUBLISHED, MANAGE),
    _t(Action.ARCHIVE, {M.PUBLISHED}, M.ARCHIVED, MANAGE),
    _t(Action.REQUEST_EXTENSION, {M.ASSIGNED, M.HANDLING, M.REVIEW}, None, WORK),
    _t(Action.APPROVE_EXTENSION, {M.ASSIGNED, M.HANDLING, M.REVIEW}, None, APPROVE),
    _t(Action.REJECT_EXTENSION, {M.ASSIGNED, M.HANDLING, M.REVIEW}, None, APPROVE),
)

DISCLOSURE_TABLE: tuple[Transition, ...] = (
    _t(Action.REVIEW, {D.REGISTERED}, D.REVIEWING, MANAGE),
    _t(Action.REQUEST_CORRECTION, {D.REVIEWING}, D.CORRECTING, MANAGE),
    _t(Action.RECEIVE_CORRECTION, {D.CORRECTING}, D.REVIEWING, MANAGE),
    _t(Action.WITHDRAW, {D.CORRECTING}, D.WITHDRAWN, MANAGE),
    _t(Action.ASSIGN, {D.REVIEWING}, D.HANDLING, MANAGE),
    _t(Action.REASSIGN, {D.HANDLING}, None, MANAGE),
    _t(Action.START_CONSULTATION, {D.HANDLING}, D.CONSULTING, WORK),
    _t(Action.END_CONSULTATION, {D.CONSULTING}, D.HANDLING, WORK),
    _t(Action.REQUEST_EXTENSION, {D.HANDLING, D.CONSULTING}, None, WORK),
    _t(Action.APPROVE_EXTENSION, {D.HANDLING, D.CONSULTING}, None, APPROVE),
    _t(Action.REJECT_EXTENSION, {D.HANDLING, D.CONSULTING}, None, APPROVE),
    _t(Action.REPLY, {D.HANDLING}, D.REPLIED, WORK),
    _t(Action.ARCHIVE, {D.REPLIED}, D.ARCHIVED, MANAGE),
)

TABLES: dict[Kind, tuple[Transition, ...]] = {
    Kind.OPINION: OPINION_TABLE, Kind.MESSAGE: MESSAGE_TABLE, Kind.DISCLOSURE: DISCLOSURE_TABLE,
}


def find_transition(kind: Kind | str, status: str, action: str) -> Transition | None:
    """The table row for ``action`` from ``status``, or None when the table has none."""
    for row in TABLES[Kind(kind)]:
        if row.action == action and status in row.sources:
            return row
    return None
