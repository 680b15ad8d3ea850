"""One source of truth for the figures an event's pages show.

The alert page, the hot lists and the ledger entry all show how many mentions a matter has,
how many of them are negative and the mix of 负面/中性/正面. They are computed here, once:

- :func:`tone` puts one analysed mention in 负面, 中性 or 正面 (or 未分析). 负面 is exactly
  what counts in the negative share (:meth:`tracker.events.hot.Member.negative`): negative in
  tone, or a declared complaint, report or plea for help unless staff corrected it; so the
  sentiment mix and the negative share can never disagree.
- :func:`figures_of` / :func:`event_figures`: an event's total, mix, negative share, engagement.
- :func:`mention_tones`: the tone of any mentions (a ledger entry's linked ones).
- :func:`alert_event`: the event an alert (and a ledger entry escalated from it) is about.
- :func:`alerted_count`: how many mentions the event had when an alert was raised (the
  alert's own reason says it), told apart on the pages from today's total.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.appeal import counts_negative
from tracker.models.events import Alert, Event, MentionAnalysis

if TYPE_CHECKING:  # tracker.events.hot counts events with these figures
    from tracker.events.hot import Member

TONES = ("负面", "中性", "正面")
UNANALYSED = "未分析"
#: A mention at or above this score (and not counted negative) is 正面; between the negative
#: cut-off (HotConfig.negative_below) and this it is 中性.
POSITIVE_FROM = 0.6
#: Below this score a mention is negative (HotConfig.negative_below defaults to it).
NEGATIVE_BELOW = 0.5
_ALERTED = re.compile(r"^(\d+) 条相关信息")


def is_negative(sentiment: float, appeal: str | None = None, corrected: bool = False,
                negative_below: float = NEGATIVE_BELOW) -> bool:
    """Whether a mention counts in the negative share: negative in tone, or a declared
    complaint, report or plea for help, unless staff corrected its sentiment."""
    if corrected:
        return sentiment < negative_below
    return counts_negative(sentiment, appeal, negative_below)


def tone(sentiment: float | None, appeal: str | None = None, corrected: bool = False,
         negative_below: float = NEGATIVE_BELOW) -> str:
    """负面, 中性 or 正面 for an analysed mention; 未分析 when it has no sentiment yet."""
    if sentiment is None:
        return UNANALYSED
    if is_negative(sentiment, appeal, corrected, negative_below):
        return "负面"
    return "正面" if sentiment >= POSITIVE_FROM else "中性"


def member_tone(member: Member, negative_below: float = NEGATIVE_BELOW) -> str:
    """The tone of one event member (负面 exactly when it counts in the negative share)."""
    return tone(member.sentiment, member.appeal, member.corrected, negative_below)


@dataclass(frozen=True)
class EventFigures:
    """How many mentions, their sentiment mix and engagement: the figures of one event."""

    total: int
    mix: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TONES, 0))
    likes: int = 0
    comments: int = 0
    reposts: int = 0

    @property
    def negative(self) -> int:
        """Mentions counted negative (the 负面 of the mix)."""
        return self.mix.get("负面", 0)

    @property
    def negative_share(self) -> float:
        """Negative mentions over all of them (0 for an empty event)."""
        return self.negative / self.total if self.total else 0.0

    @property
    def negative_percent(self) -> str:
        """The negative share as the pages print it: "40%"."""
        return f"{self.negative_share:.0%}"

    def percent(self, name: str) -> float:
        """One tone's share in percent (for drawing the mix bar)."""
        return 100 * self.mix.get(name, 0) / self.total if self.total else 0.0


def figures_of(members: Sequence[Member], negative_below: float = NEGATIVE_BELOW
               ) -> EventFigures:
    """The figures of an event from its members."""
    mix = Counter(member_tone(m, negative_below) for m in members)
    return EventFigures(len(members), {t: mix.get(t, 0) for t in TONES},
                        sum(m.likes for m in members), sum(m.comments for m in members),
                        sum(m.reposts for m in members))


def event_figures(session: Session, event_id: int) -> EventFigures:
    """The figures of one event, read from its members now."""
    from tracker.events.hot import members_of  # hot imports this module

    return figures_of(members_of(session, [event_id]).get(event_id, []))


def mention_tones(session: Session, mention_ids: Iterable[int]) -> dict[int, str]:
    """The tone of each mention; 未分析 for one the analysis has not scored yet."""
    ids = sorted(set(mention_ids))
    out = dict.fromkeys(ids, UNANALYSED)
    for start in range(0, len(ids), 500):
        rows = session.execute(select(MentionAnalysis.mention_id, MentionAnalysis.sentiment,
                                      MentionAnalysis.appeal,
                                      MentionAnalysis.sentiment_corrected)
                               .where(MentionAnalysis.mention_id.in_(ids[start:start + 500])))
        for mention_id, sentiment, appeal, corrected in rows:
            out[mention_id] = tone(sentiment, appeal, bool(corrected))
    return out


def tone_mix(tones: Iterable[str]) -> dict[str, int]:
    """Counts per tone (未分析 included only when there is one)."""
    counts = Counter(tones)
    mix = {t: counts.get(t, 0) for t in TONES}
    if counts.get(UNANALYSED):
        mix[UNANALYSED] = counts[UNANALYSED]
    return mix


def alerted_count(alert: Alert) -> int | None:
    """How many mentions the event had when the alert was raised (its reason starts with
    that number, :func:`analysis.hotness.reason`), or None when the reason does not say."""
    found = _ALERTED.match(alert.reason or "")
    return int(found.group(1)) if found else None


def alert_event(session: Session, alert_id: int | None) -> Event | None:
    """The event an alert is about now (following merges), or None."""
    alert = session.get(Alert, alert_id) if alert_id else None
    event = alert.event if alert is not None else None
    seen: set[int] = set()
    while event is not None and event.merged_into_id and event.id not in seen:
        seen.add(event.id)
        event = session.get(Event, event.merged_into_id)
    return event
