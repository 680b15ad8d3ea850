"""Why an answer may be out of date: its own valid-until has passed, or a policy it cites
(as curated, :class:`~tracker.models.qa_base.QaPolicy`) is no longer in force (废止/修订)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models.qa_base import QaEntry, QaPolicy
from tracker.qa.base import flag_of


def lapsed_policies(session: Session, import_ids: Sequence[str]) -> dict[str, str]:
    """The cited policies no longer in force, by import id, with the word for their state."""
    from tracker.models.qa import Policy
    from tracker.qa.policies import validity_label
    from tracker.vocabulary import Validity

    if not import_ids:
        return {}
    rows = session.execute(select(Policy.import_id, Policy.validity).where(
        Policy.import_id.in_(list(import_ids)), Policy.validity != Validity.VALID.value))
    return {i: "已" + validity_label(v) for i, v in rows}


def flags_for(session: Session, entries: Sequence[QaEntry], today: date) -> dict[int, str]:
    """The flag of each flagged entry, by entry id."""
    cited = {p.policy_id for e in entries for p in e.policies}
    lapsed = lapsed_policies(session, sorted(cited))
    return {e.id: why for e in entries if (why := flag_of(e, today, lapsed))}


def flagged_ids(session: Session, today: date) -> list[int]:
    """Every in-use entry whose answer is flagged (for the Q&A page's 待复核 view)."""
    past = set(session.scalars(select(QaEntry.id).where(
        QaEntry.status == "active", QaEntry.valid_until < today)))
    cited = session.execute(select(QaPolicy.entry_id, QaPolicy.policy_id).join(QaEntry).where(
        QaEntry.status == "active")).all()
    lapsed = lapsed_policies(session, sorted({p for _, p in cited}))
    return sorted(past | {e for e, p in cited if p in lapsed})
