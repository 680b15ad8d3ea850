"""Each part of a case's score, and the total, on hand-made facts (pure: no database)."""

from datetime import timedelta

import pytest

from tests.tracker.ledger.factory import local
from tracker.cases import scoring
from tracker.cases.scoring import Component, FollowUpFacts, combine

START = local("2025-09-30 09:00")
DUE = START + timedelta(hours=48)


@pytest.mark.parametrize(("hours", "score", "word"), [
    (3, 1.0, "在法定时限前 1 天 21 小时答复"),  # 6% of the time: fully prompt
    (12, 1.0, "用去办理时限的 25%"),
    (30, 0.75, "用去办理时限的 62%"),
    (48, 0.5, "用去办理时限的 100%"),
])
def test_timeliness_against_the_deadline(hours, score, word):
    part = scoring.timeliness(START, DUE, START + timedelta(hours=hours))
    assert part.score == pytest.approx(score, abs=0.001)
    assert word in part.words


def test_a_late_reply_scores_nothing_and_says_by_how_much():
    part = scoring.timeliness(START, DUE, DUE + timedelta(hours=26))
    assert part.score == 0.0
    assert part.words.startswith("超过法定时限 1 天 2 小时答复")


def test_timeliness_unknown_without_a_deadline_or_a_reply():
    assert scoring.timeliness(START, None, DUE).score is None
    assert "没有法定办理时限" in scoring.timeliness(START, None, DUE).words
    assert scoring.timeliness(START, DUE, None).score is None


def test_quality_says_what_the_reply_check_found():
    clean = scoring.quality(0.82, ())
    assert clean.score == 0.82 and "82 分" in clean.words and "未发现" in clean.words
    flawed = scoring.quality(0.4, ("拒绝答复未引用依据", "承诺没有期限", "套话", "推诿"))
    assert "拒绝答复未引用依据；承诺没有期限；套话等 4 项" in flawed.words
    assert scoring.quality(None, ()).score is None


def test_satisfaction_reads_the_latest_rated_follow_up():
    ups = [FollowUpFacts(START, "不满意", None), FollowUpFacts(DUE, "基本满意", None),
           FollowUpFacts(DUE + timedelta(days=1), "未评价", None)]
    part = scoring.satisfaction(ups, fallback="不满意")
    assert part.score == 0.7 and "回访 3 次，最近一次评价“基本满意”" == part.words
    assert scoring.satisfaction([], fallback="满意").score == 1.0
    assert scoring.satisfaction([], fallback=None).score is None


def test_follow_through_counts_kept_and_broken_promises():
    kept = [FollowUpFacts(START, None, False), FollowUpFacts(DUE, None, True)]
    assert scoring.follow_through(True, kept).score == 1.0
    assert scoring.follow_through(True, kept[:1]).score == 0.0
    assert scoring.follow_through(True, []).score == scoring.UNCHECKED_PROMISE
    none = scoring.follow_through(False, [])
    assert none.score is None and "没有承诺事项" in none.words


def test_the_total_is_the_weighted_mean_of_the_known_parts():
    parts = [Component("timeliness", 1.0, ""), Component("quality", 0.6, ""),
             Component("satisfaction", 0.7, ""), Component("follow_through", None, "")]
    total = combine(parts)
    expected = 100 * (0.3 * 1.0 + 0.3 * 0.6 + 0.25 * 0.7) / 0.85
    assert total.total == pytest.approx(round(expected, 1))
    assert "未计入：承诺兑现" in total.summary and "办理及时性 100 分（权重 35%）" in total.summary


def test_one_known_part_is_too_little_for_a_total():
    parts = [Component("timeliness", 1.0, ""), Component("quality", None, ""),
             Component("satisfaction", None, ""), Component("follow_through", None, "")]
    assert combine(parts).total is None and "不足 2 项" in combine(parts).summary
