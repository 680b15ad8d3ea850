"""The month's proposals on SQLite and PostgreSQL: which entries are finished in the month,
the best ones proposed with every part explained, the pruned search equal to checking all,
proposing again replaces the month; the scheduled job and the CLI."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.tracker.cases.factory import finished_opinion
from tracker.cases import proposals_of, propose_month
from tracker.cases.proposals import best_of, finished_in, month_bounds, score_entry
from tracker.models import CaseProposal
from tracker.models.ledger import LedgerEntry

SH = ZoneInfo("Asia/Shanghai")
MONTH = "2025-10"


@pytest.fixture
def month(session, demo_users):
    """October 2025: a model case, a late reply, an unsatisfied public, one still open, one
    finished in November, and a fast case nobody followed up."""
    return {
        "model": finished_opinion(session, title="模范案例"),
        "late": finished_opinion(session, title="超期答复", approved="2025-10-03 09:00",
                                 closed="2025-10-05 10:00"),
        "unhappy": finished_opinion(session, title="群众不满意", satisfaction="不满意",
                                    promise_kept=False),
        "open": finished_opinion(session, title="尚未办结", close=False, satisfaction=None,
                                 promise_kept=None),
        "november": finished_opinion(session, title="十一月办结", closed="2025-11-03 10:00"),
        "quiet": finished_opinion(session, title="未回访", satisfaction=None, promise_kept=None),
    }


def test_entries_finished_in_the_month(session, month):
    start, end = month_bounds(MONTH, SH)
    ids = set(session.scalars(select(LedgerEntry.id).where(finished_in(start, end))))
    assert {month[k].id for k in ("model", "late", "unhappy", "quiet")} <= ids
    assert month["open"].id not in ids and month["november"].id not in ids


def test_the_best_are_proposed_with_every_part_explained(session, month):
    result = propose_month(session, MONTH, SH)
    ranked = [p.entry_id for p in result.proposals]
    assert ranked[0] == month["model"].id
    assert month["late"].id not in ranked and month["unhappy"].id not in ranked
    best = result.proposals[0]
    assert best.rank == 1 and 70 <= best.total <= 100
    parts = {c["key"]: c for c in best.components}
    assert parts["timeliness"]["score"] == 1.0 and "在法定时限前" in parts["timeliness"]["words"]
    assert parts["satisfaction"]["words"] == "回访 1 次，最近一次评价“满意”"
    assert parts["follow_through"]["score"] == 1.0
    assert 0 <= parts["quality"]["score"] <= 1 and "答复检查得分" in parts["quality"]["words"]
    assert best.summary.startswith(f"综合得分 {best.total:g} 分")
    assert [p.entry_id for p, _case in proposals_of(session, MONTH)] == ranked


def test_the_pruned_search_equals_checking_every_entry(session, month):
    start, end = month_bounds(MONTH, SH)
    entries = list(session.scalars(select(LedgerEntry).where(finished_in(start, end))))
    scores = [(e.id, score_entry(session, e).total) for e in entries]
    every = sorted(((i, t) for i, t in scores if t is not None and t >= 70),
                   key=lambda p: (-p[1], p[0]))
    chosen, checked = best_of(session, entries, 2, 70)
    assert [(e.id, s.total) for e, s in chosen] == every[:2]
    assert checked < len(entries)  # the late reply can never reach 70: never checked


def test_proposing_again_replaces_the_month(session, month):
    first = propose_month(session, MONTH, SH)
    again = propose_month(session, MONTH, SH, top=1)
    rows = session.scalars(select(CaseProposal).where(CaseProposal.month == MONTH)).all()
    assert len(rows) == 1 == len(again.proposals) and len(first.proposals) >= 1
    assert propose_month(session, "2031-01", SH).as_json() == {
        "month": "2031-01", "candidates": 0, "checked": 0, "proposed": []}


def test_the_cli_proposes_a_month(session, month, settings, sessions):
    from tracker.cli import cli
    from tracker.cli.app import Context

    ctx = Context()
    ctx.__dict__.update(settings=settings, sessions=sessions)  # the test's database
    session.commit()
    out = CliRunner().invoke(cli, ["cases", "propose", "--month", MONTH, "--json"], obj=ctx)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["proposed"][0]["entry_id"] == month["model"].id
    bad = CliRunner().invoke(cli, ["cases", "propose", "--month", "2025-13"], obj=ctx)
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output
