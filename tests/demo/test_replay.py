"""The demo web's replay mode with a fixed start and a clock the test moves: real messages
re-dated by whole weeks, the recent past full of answered, late and open cases, new messages
arriving after the start, the hot matter between S+3 and S+9 min, the faults still there."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from demo.site.data import BOARD_CLOCK, FJ2, FJ3, SH, DemoData, _message, read_csv
from demo.site.replay import HOT_FROM, HOT_MATTER, HOT_TO, OPEN_WINDOW, Replay, is_hot
from demo.site.server import A_BREAKS_LATER, SHOWCASE, DemoWeb
from tests.conftest import SHARED_DATA

S = datetime(2026, 12, 9, 15, 30, 12, tzinfo=SH)  # a Wednesday afternoon


class Clock:
    """A wall clock the test sets."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock(S)


@pytest.fixture(scope="module")
def data(clock) -> DemoData:
    return DemoData(SHARED_DATA, None, SHOWCASE, Replay(S, clock))


@pytest.fixture(scope="module")
def web(data) -> DemoWeb:
    return DemoWeb(data)


@pytest.fixture(scope="module")
def raw() -> dict:
    """Every board message as the datasets date it, by id."""
    rows = DemoData(SHARED_DATA)._fj4
    rows += [_message(r) for r in read_csv(SHARED_DATA / FJ2)]
    rows += [_message(r) for r in read_csv(SHARED_DATA / FJ3)]
    out: dict = {}
    for message in rows:
        out.setdefault(message.id, message)
    return out


def at(clock: Clock, when: datetime) -> None:
    clock.now = when


def test_messages_keep_weekday_hour_and_reply_interval(data, raw):
    past = [m for m in data.board_a + data.board_b if m.submitted <= S and not is_hot(m)]
    assert len(past) > 1000
    shifts = set()
    for message in past:
        real = raw[message.id]
        shift = message.submitted - real.submitted
        assert shift % timedelta(days=7) == timedelta(0)  # whole weeks
        assert (message.submitted.weekday(), message.submitted.time()) == (
            real.submitted.weekday(), real.submitted.time())
        assert (message.title, message.body, message.reply) == (real.title, real.body, real.reply)
        if message.replied and message.replied <= S:
            assert message.replied - message.submitted == real.replied - real.submitted
        shifts.add(shift)
    assert len(shifts) == 1  # one shift for both boards


def test_the_sixty_days_before_the_start_hold_answered_late_and_open_cases(data):
    recent = [m for m in data.board_a + data.board_b
              if S - timedelta(days=60) <= m.submitted <= S]
    answered = [m for m in recent if m.replied and m.replied <= S]
    late = [m for m in answered if m.replied - m.submitted > timedelta(days=10)]
    open_now = [m for m in recent if not (m.replied and m.replied <= S)]
    answered_later = [m for m in open_now if m.replied]  # their reply lands after S
    assert 40 <= len(answered) <= 120 and 10 <= len(late) < len(answered)
    assert 10 <= len(answered_later) <= 60
    assert 60 <= len(open_now) <= 250
    # Messages with no reply in the data are only the fresh ones: none older than 10 days.
    assert all(m.submitted >= S - OPEN_WINDOW for m in open_now if not m.replied)
    assert any(m.submitted < S - timedelta(days=9) for m in open_now if not m.replied)


def test_messages_after_the_start_appear_on_time(web, data, clock):
    upcoming = sorted((m for m in data.board_b if m.submitted > S and not is_hot(m)),
                      key=lambda m: m.submitted)
    assert upcoming and upcoming[0].submitted < S + timedelta(hours=2)  # something soon
    first = upcoming[0]
    path = f"/wz/lyb/{first.submitted:%Y/%m%d}/{first.id}.shtml"
    at(clock, first.submitted - timedelta(seconds=1))
    page, now = web.get(path, "demo")
    assert page.status == 404 and now == clock.now  # each section's now is the wall clock
    assert f">{first.id}<" not in web.get("/wz/lyb/index.html", "demo")[0].payload().decode("gbk")
    at(clock, first.submitted)
    assert web.get(path, "demo")[0].status == 200
    assert f">{first.id}<" in web.get("/wz/lyb/index.html", "demo")[0].payload().decode("gbk")
    at(clock, S)


def test_a_reply_due_after_the_start_lands_while_the_demo_runs(web, data, clock):
    pending = sorted((m for m in data.board_a if m.submitted <= S and m.replied
                      and m.replied > S), key=lambda m: m.replied)
    message = pending[0]
    assert message.replied < S + timedelta(hours=24)  # compressed: a data day per hour
    path = f"/board-a/threads/content?tid={message.id}"
    at(clock, message.replied - timedelta(minutes=1))
    assert "待回复" in web.get(path, "demo")[0].body
    at(clock, message.replied)
    assert f"回复时间：{message.replied:%Y-%m-%d %H:%M}" in web.get(path, "demo")[0].body
    at(clock, S)


def test_the_hot_matter_arrives_between_three_and_nine_minutes(web, data, clock):
    hot = [m for m in data.board_b if is_hot(m)]
    assert len(hot) >= 50 and all(m.reply is None for m in hot)
    times = sorted(m.submitted for m in hot)
    assert times[0] == S + HOT_FROM and times[-1] == S + HOT_TO
    at(clock, S + HOT_FROM - timedelta(seconds=1))
    listing = web.get("/wz/lyb/index.html", "demo")[0].payload().decode("gbk")
    assert "伊景园" not in listing
    at(clock, S + timedelta(minutes=6))
    listing = web.get("/wz/lyb/index.html", "demo")[0].payload().decode("gbk")
    assert "伊景园" in listing and "分钟前" in listing
    state = web.state()
    assert state["mode"] == "replay" and state["hot"]["matter"] == HOT_MATTER
    assert datetime.fromisoformat(state["hot"]["from"]) == S + HOT_FROM
    at(clock, S)


def test_news_and_forum_end_on_the_days_before_the_start(web, data, clock):
    for channel, items in data.articles.items():
        past = [a for a in items if a.published <= S]
        assert past and S - past[0].published < timedelta(days=7), channel
    assert data.articles["xwlb"][0].published > S  # a bulletin still to come
    threads = [t for ts in data.forum.values() for t in ts]
    real = [t for t in threads if t.opener.posted <= S]
    assert len(real) == len(threads) and S - real[0].opener.posted < timedelta(days=8)
    atom, now = web.get("/feeds/xwlb.atom", "demo")
    assert now == S and "<entry>" in atom.body


def test_the_deliberate_faults_still_work(web, clock):
    base = "/board-a/threads/content?tid="
    assert web.get(base + "900404", "demo")[0].status == 404
    assert web.get(base + "900500", "demo")[0].status == 500
    assert web.get(base + "900302", "demo")[0].headers["Location"] == "/board-a/loop?n=0"
    assert [web.get(base + "144736", "demo")[0].status for _ in range(2)] == [503, 200]
    lying = web.get(base + "103744", "demo")[0]
    assert lying.charset == "gbk" and "咨询K市" in lying.payload().decode("utf-8")
    assert web.get("/wz/lyb/2019/1231/999001.shtml", "demo")[0].payload().endswith(b"</html>\n") \
        is False
    assert len(web.get("/news/xwlb/202608/huge.shtml", "demo")[0].payload()) > 5_000_000
    thread = web.get("/forum/thread-9000000000000001-1-1.html", "demo")[0].body
    assert "&lt;script&gt;" in thread and "<script>" not in thread
    whole = web.get(base + A_BREAKS_LATER, "demo")[0].payload()
    at(clock, S + timedelta(minutes=7))  # breaks later, as at the historic epoch 2
    assert len(web.get(base + A_BREAKS_LATER, "demo")[0].payload()) < len(whole)
    at(clock, S)


def test_the_epoch_does_not_move_a_replay(web):
    web.set_epoch(3)
    assert web.epoch == 0 and web.state()["epoch"] == 0


def test_historic_mode_is_unchanged():
    web = DemoWeb(DemoData(SHARED_DATA, 25, SHOWCASE))
    assert web.replay is None and "mode" not in web.state()
    page, now = web.get("/board-a/threads/list?fid=101&page=1", "demo")
    assert now == BOARD_CLOCK.at(0) and "tid=40892" in page.body
    assert web.data.message("board_a", "144720").submitted == datetime(
        2019, 11, 25, 11, 46, 1, tzinfo=SH)
