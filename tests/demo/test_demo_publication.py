"""The demo publishes a month's typical Q&A once, as its staff and leader would."""

from __future__ import annotations

from sqlalchemy import select

from demo.seed import DEMO_PUBLISHED, seed_demo_publication
from tests.tracker.publication.factory import answered_entry
from tracker.models import LedgerEntry, TypicalQA
from tracker.publication import PublicFilter, public_page


def test_the_demo_publishes_the_latest_month_once(session, demo_users):
    if session.scalar(select(TypicalQA.id).limit(1)) is None:
        entries = [answered_entry(session, likes=5 + n, title=f"演示留言{n}",
                                  reply=f"王守义您好，已转交第{n}组处理。") for n in range(3)]
        published = seed_demo_publication(session)
        assert 1 <= published <= DEMO_PUBLISHED
        shown = public_page(session, PublicFilter())
        assert shown.total == published
        assert all("王守义" not in i.answer for i in shown.items)
        assert {i.ledger_entry_id for i in shown.items} <= {e.id for e in entries}
        assert all(session.get(LedgerEntry, i.ledger_entry_id).published_at
                   for i in shown.items)
    assert seed_demo_publication(session) == 0
