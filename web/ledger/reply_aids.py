"""Help while replying to a board message: similar answered questions and related policies
(shown in the reply form), and the policy bundle (打包推送) stored with the reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from sqlalchemy.orm import Session

from tracker.index import SearchIndexError
from tracker.models import LedgerResponse
from tracker.qa import (
    PolicyHit,
    QaError,
    QaHit,
    attach_policies,
    search_policies,
    similar_questions,
    validity_label,
)
from tracker.settings import Settings

#: The forms that write a reply to a board message (提交审核) or a written reply.
REPLY_ACTIONS = ("submit", "reply")
TOP = 5
QUERY_CHARS = 300
WELL = {"满意": "群众满意", "基本满意": "群众基本满意", "不满意": "群众不满意"}


@dataclass
class ReplyAids:
    """What the reply form shows next to the text box."""

    actions: tuple[str, ...] = ()
    similar: list[QaHit] = field(default_factory=list)
    policies: list[PolicyHit] = field(default_factory=list)
    unavailable: bool = False

    @staticmethod
    def received(hit: QaHit) -> str:
        """Whether the answer was well received, in words."""
        return WELL.get(hit.satisfaction or "", "未回访")

    @staticmethod
    def validity(hit: PolicyHit) -> str:
        """The policy's validity in words (有效/废止/修订)."""
        return validity_label(hit.validity)


def _question(entry) -> str:
    return f"{entry.title}\n{(entry.summary or '')[:QUERY_CHARS]}"


def reply_aids(db: Session, settings: Settings, entry, forms: dict[str, Any]) -> ReplyAids:
    """Suggestions for a board message's reply form (nothing when there is no such form)."""
    actions = tuple(a for a in REPLY_ACTIONS if a in forms)
    if entry.kind != "message" or not actions:
        return ReplyAids()
    aids = ReplyAids(actions=actions)
    aids.similar = similar_questions(db, settings, _question(entry), top=TOP,
                                     exclude_ledger_entry=entry.id)
    try:
        aids.policies = search_policies(db, settings, _question(entry), top=TOP)
    except SearchIndexError:  # the page still works; it says the policy search is down
        current_app.logger.warning("policy search unavailable for entry %s", entry.id)
        aids.unavailable = True
    return aids


def attach_bundle(db: Session, entry, action: str, user_id: int | None) -> None:
    """Store the ticked policies (``bundle``) with the reply just written; QaError if bad."""
    picked = request.form.getlist("bundle")[:50]
    if action not in REPLY_ACTIONS or not picked:
        return
    db.flush()
    response = max(entry.responses, key=lambda r: r.id, default=None)
    if not isinstance(response, LedgerResponse):
        raise QaError("没有可附政策的答复")
    attach_policies(db, response.id, picked, user_id)
