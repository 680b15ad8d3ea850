"""The way of a typical Q&A to the public site, as data: states, actions, who may do what."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tracker.vocabulary import RoleCode


class State(enum.StrEnum):
    """Where a typical Q&A stands; only PUBLISHED is ever shown in public."""

    PROPOSED = "proposed"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    DISMISSED = "dismissed"


STATE_LABELS = {
    State.PROPOSED: "系统建议", State.DRAFT: "编辑中", State.SUBMITTED: "待审签",
    State.APPROVED: "已审签待发布", State.PUBLISHED: "已发布", State.UNPUBLISHED: "已撤下",
    State.DISMISSED: "不予采用",
}

ORIGIN_LABELS = {"manual": "人工挑选", "frequent": "高频问题", "quality": "答复质量高",
                 "attention": "公众关注度高"}

STAFF = frozenset({RoleCode.OPINION_STAFF.value, RoleCode.ADMIN.value})
REVIEW = frozenset({RoleCode.LEADER.value, RoleCode.ADMIN.value})
READERS = STAFF | REVIEW


@dataclass(frozen=True)
class Move:
    """An action: from these states to that one, by these roles; ``note`` names the text the
    action requires (a reason), if any."""

    sources: frozenset[State]
    target: State
    roles: frozenset[str]
    note: str | None = None


S = State
MOVES: dict[str, Move] = {
    "edit": Move(frozenset({S.PROPOSED, S.DRAFT, S.UNPUBLISHED}), S.DRAFT, STAFF),
    "submit": Move(frozenset({S.PROPOSED, S.DRAFT}), S.SUBMITTED, STAFF),  # accept as is
    "approve": Move(frozenset({S.SUBMITTED}), S.APPROVED, REVIEW),
    "return": Move(frozenset({S.SUBMITTED, S.APPROVED}), S.DRAFT, REVIEW, "退回意见"),
    "publish": Move(frozenset({S.APPROVED}), S.PUBLISHED, STAFF),
    "unpublish": Move(frozenset({S.PUBLISHED}), S.UNPUBLISHED, READERS, "撤下理由"),
    "dismiss": Move(frozenset({S.PROPOSED, S.DRAFT}), S.DISMISSED, STAFF),
}

ACTION_LABELS = {"edit": "保存修改", "submit": "提交审签", "approve": "审签通过",
                 "return": "退回修改", "publish": "发布", "unpublish": "撤下",
                 "dismiss": "不予采用"}


def allowed(state: str, role: str) -> list[str]:
    """The actions ``role`` may take on an item in ``state`` (edit excluded: it is a form)."""
    return [name for name, move in MOVES.items()
            if name != "edit" and State(state) in move.sources and role in move.roles]


def can(action: str, state: str, role: str) -> bool:
    """Whether ``role`` may take ``action`` on an item in ``state``."""
    move = MOVES.get(action)
    return move is not None and State(state) in move.sources and role in move.roles
