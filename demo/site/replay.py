"""Replay: the demo web's real data re-dated onto the recent past and the next hours.

A replay starts at a moment S (the wall time the demo web starts, Asia/Shanghai, or an
anchor given for tests). Every section's "now" is then the wall clock, and its items are
moved by a constant shift of **whole weeks**, so each message keeps its real weekday, hour
and minute and, in the past, its real reply interval (``replied' = submitted' +
(replied - submitted)``). The text is never changed.

Per section, the data moment that lands on S (``S - shift``) lies in the week after an
anchor: the boards' anchor is 2019-12-20 09:00, the end of the TipDM boards' last dense
period (附件4 answered messages run to 2020-01-06, 附件3 to 2020-01-26), so the 60 days before
S hold the messages of late October to December 2019. The news and the forum end with their
data: 新闻联播's anchor is a week before its last bulletin (its last 0 to 7 daily bulletins are
still to come after S); 新民晚报 (three days of 2022) and the forum (one week of 2018 Weibo
posts, most in its last two days) have theirs a day before their last item, so that their
dense last days land in the week before S (what follows S is then at most that last day).

What lies after S is played faster, one data day per wall hour (:data:`SPEED`), so that the
demo visibly lives while someone watches: a new board message every few minutes, replies to
open cases landing, a news bulletin an hour. Time before S is never compressed; a reply due
after S is compressed like everything after S, so a case that is open now gets answered
while the demo runs.

附件2 and 附件3 have no replies: replayed over 60 days they would all be open and overdue, which
no real board is. They are therefore replayed only from the last :data:`OPEN_WINDOW` (10
days) before S on, as fresh open cases, a few past the 7-working-day deadline of
国办发〔2014〕57号; 附件4's answered messages are replayed from their whole history (shifted
back to 2018 and later: the tracker archives those older than its 90-day horizon, and they
give the yearly charts their months), those answered after S being the late ones open now.

One matter builds up during the first minutes: the 附件3 messages about the 伊景园滨河苑
housing project (车位捆绑销售, 定向限价房涨价 for 广铁 employees; 57 messages from 53 users, July
to September 2019, found by counting the place names that recur in 附件3 titles) are taken out
of the history and posted, in their real order, evenly between S + 3 min and S + 9 min
(:data:`HOT_FROM`, :data:`HOT_TO`), where the demo's scheduler crawls and analyzes them into
one event that raises an alert.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SH = ZoneInfo("Asia/Shanghai")

WEEK = timedelta(days=7)
#: The data moment of the boards that S falls on, give or take the week that keeps weekdays.
BOARD_ANCHOR = datetime(2019, 12, 20, 9, 0, tzinfo=SH)
#: After S, every section plays this many data hours per wall hour (one data day per hour).
SPEED = 24.0
#: How long before its last item a news channel's or the forum's anchor lies.
NEWS_LEAD, FEED_LEAD = timedelta(days=7), timedelta(days=1)
#: Messages without a reply in the data are replayed only from this long before S on.
OPEN_WINDOW = timedelta(days=10)
#: The hot matter scheduled over the first minutes: its name, and the words that find its
#: messages (two more about 广铁 employees' housing name neither; having no reply, they fall
#: before the replayed window anyway).
HOT_MATTER = "伊景园滨河苑"
HOT_MARKERS = ("伊景园", "滨河苑")
HOT_FROM, HOT_TO = timedelta(minutes=3), timedelta(minutes=9)
#: A page that arrives whole at first and cut off later starts breaking this long after S.
BREAKS_AFTER = timedelta(minutes=6)


def wall_clock() -> datetime:
    """Now in Beijing time, to the second (as a Date header gives it)."""
    return datetime.now(SH).replace(microsecond=0)


def whole_weeks(delta: timedelta) -> timedelta:
    """``delta`` rounded down to whole weeks."""
    return WEEK * (delta // WEEK)


@dataclass(frozen=True)
class Timeline:
    """One section's re-dating: shift by whole weeks; after ``start``, ``speed`` times faster."""

    start: datetime
    shift: timedelta
    speed: float

    @classmethod
    def of(cls, start: datetime, anchor: datetime, speed: float) -> Timeline:
        """The timeline on which ``anchor`` lands in the week before ``start``."""
        return cls(start, whole_weeks(start - anchor), speed)

    def place(self, when: datetime) -> datetime:
        """Where a data time lands: shifted; compressed if it falls after the start."""
        moved = when + self.shift
        if moved <= self.start:
            return moved
        return (self.start + (moved - self.start) / self.speed).replace(microsecond=0)

    @property
    def data_now(self) -> datetime:
        """The data moment that lands on the start."""
        return self.start - self.shift


@dataclass(frozen=True)
class Replay:
    """A replay from ``start`` (S); ``clock`` gives the wall time (injectable for tests)."""

    start: datetime
    clock: Callable[[], datetime] = field(default=wall_clock, compare=False)

    def now(self) -> datetime:
        """Every section's now: the wall clock."""
        return self.clock().astimezone(SH)

    def boards(self) -> Timeline:
        """The message boards' timeline."""
        return Timeline.of(self.start, BOARD_ANCHOR, SPEED)

    def feed(self, latest: datetime, lead: timedelta = FEED_LEAD) -> Timeline:
        """A news channel's or the forum's timeline, anchored ``lead`` before its latest item."""
        return Timeline.of(self.start, latest - lead, SPEED)

    def hot_times(self, count: int) -> list[datetime]:
        """When the hot matter's ``count`` messages are posted: evenly over the window."""
        first, span = self.start + HOT_FROM, HOT_TO - HOT_FROM
        if count <= 1:
            return [first] * count
        seconds = span.total_seconds() / (count - 1)
        return [first + timedelta(seconds=round(seconds * i)) for i in range(count)]

    def breaks_later(self, now: datetime) -> bool:
        """Whether the page that breaks later is broken by ``now``."""
        return now >= self.start + BREAKS_AFTER

    def describe(self) -> dict:
        """The replay's figures (for ``/_admin/state`` and the CLI)."""
        boards = self.boards()
        hot = self.hot_times(2)
        return {"mode": "replay", "start": self.start.isoformat(),
                "boards_data_now": boards.data_now.isoformat(),
                "shift_days": {"boards": boards.shift.days},
                "hot": {"matter": HOT_MATTER, "from": hot[0].isoformat(),
                        "to": hot[-1].isoformat()}}


def is_hot(message) -> bool:
    """Whether a message is about the hot matter."""
    text = f"{message.title}\n{message.body}"
    return any(marker in text for marker in HOT_MARKERS)


def redate_message(message, timeline: Timeline):
    """A message moved onto ``timeline`` (its reply too)."""
    replied = timeline.place(message.replied) if message.replied else None
    return dataclasses.replace(message, submitted=timeline.place(message.submitted),
                               replied=replied)


def board_history(messages: Iterable, replay: Replay) -> list:
    """A board's messages re-dated, without the hot matter, and those without a reply in the
    data only from :data:`OPEN_WINDOW` before S on (see the module docstring)."""
    timeline, oldest_open = replay.boards(), replay.start - OPEN_WINDOW
    out = []
    for message in messages:
        if is_hot(message):
            continue
        moved = redate_message(message, timeline)
        if moved.reply is None and moved.submitted < oldest_open:
            continue
        out.append(moved)
    return out


def hot_messages(messages: Iterable, replay: Replay) -> list:
    """The hot matter's messages, in their real order, posted between S+3 and S+9 min."""
    hot = sorted((m for m in messages if is_hot(m)), key=lambda m: (m.submitted, int(m.id)))
    return [dataclasses.replace(m, submitted=when, reply=None, replied=None, department=None)
            for m, when in zip(hot, replay.hot_times(len(hot)), strict=True)]


def redate_article(article, timeline: Timeline):
    """A news item moved onto ``timeline``."""
    return dataclasses.replace(article, published=timeline.place(article.published))


def redate_thread(thread, timeline: Timeline):
    """A forum thread and its replies moved onto ``timeline``."""
    def post(p):
        return dataclasses.replace(p, posted=timeline.place(p.posted))
    return dataclasses.replace(thread, opener=post(thread.opener),
                               replies=tuple(post(r) for r in thread.replies))
