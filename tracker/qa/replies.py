"""Policies sent with a reply (相关政策打包推送): attached when the reply is submitted, shown
on the ledger entry and read by publication through :func:`reply_policies`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import LedgerResponse, utcnow
from tracker.models.qa import Policy
from tracker.models.qa_base import ReplyPolicy
from tracker.qa.curation import QaError

MAX_BUNDLE = 20


def attach_policies(session: Session, response_id: int, import_ids: Sequence[str],
                    user_id: int | None) -> list[ReplyPolicy]:
    """Attach policies (by import id) to a response; unknown ids are refused, repeats kept once."""
    wanted = list(dict.fromkeys(i.strip() for i in import_ids if i and i.strip()))
    if len(wanted) > MAX_BUNDLE:
        raise QaError(f"一次最多推送 {MAX_BUNDLE} 件政策")
    if session.get(LedgerResponse, response_id) is None:
        raise QaError("没有这条答复")
    found = {p.import_id: p for p in session.scalars(
        select(Policy).where(Policy.import_id.in_(wanted)))} if wanted else {}
    if len(found) != len(wanted):
        raise QaError("所选政策不存在，请重新选择")
    have = {r.policy_id for r in reply_policies(session, response_id)}
    start = len(have)
    rows = [ReplyPolicy(response_id=response_id, policy_id=i, title=found[i].title,
                        number=found[i].number, url=found[i].url, position=start + n,
                        attached_by_id=user_id, attached_at=utcnow())
            for n, i in enumerate(i for i in wanted if i not in have)]
    session.add_all(rows)
    session.flush()
    return rows


def reply_policies(session: Session, response_id: int) -> list[ReplyPolicy]:
    """The policies sent with one response, in the order they were attached."""
    return list(session.scalars(select(ReplyPolicy).where(
        ReplyPolicy.response_id == response_id).order_by(ReplyPolicy.position, ReplyPolicy.id)))


def entry_bundles(session: Session, entry_id: int) -> dict[int, list[ReplyPolicy]]:
    """The bundles of every response of a ledger entry, by response id."""
    rows = session.scalars(select(ReplyPolicy).join(
        LedgerResponse, LedgerResponse.id == ReplyPolicy.response_id).where(
        LedgerResponse.entry_id == entry_id).order_by(ReplyPolicy.position, ReplyPolicy.id))
    out: dict[int, list[ReplyPolicy]] = {}
    for row in rows:
        out.setdefault(row.response_id, []).append(row)
    return out
