"""How a finished ledger entry scores as a 亮点工程 candidate, each part explained in words.

Four parts, each in [0, 1] or unknown (``None``, left out of the total, and the words say why):

- 办理及时性: the reply time against the entry's legal deadline (its ``due_at``, computed by
  :mod:`tracker.deadlines` with extensions and pauses); a reply within a quarter of the
  allowed time scores 1, one on the deadline 0.5, a late one 0;
- 答复质量: the reply check of the final reply (relevance, completeness, interpretability,
  defects), as :mod:`tracker.quality` scores it;
- 群众满意度: the latest rated follow-up (满意 1, 基本满意 0.7, 不满意 0; 未评价 is no rating);
- 承诺兑现: promises in the reply that a follow-up records as kept (1) or not (0); a promise
  nobody has checked scores 0.2; a reply without promises leaves the part out.

The total is the weighted mean of the known parts, on 0-100. Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from tracker.deadlines import is_overdue

WEIGHTS = {"timeliness": 0.3, "quality": 0.3, "satisfaction": 0.25, "follow_through": 0.15}
LABELS = {"timeliness": "办理及时性", "quality": "答复质量", "satisfaction": "群众满意度",
          "follow_through": "承诺兑现"}
SATISFACTION_SCORES = {"满意": 1.0, "基本满意": 0.7, "不满意": 0.0}
#: Below this share of the allowed time a reply counts as fully prompt.
PROMPT_SHARE = 0.25
#: A promise made and never checked: some credit for promising, little.
UNCHECKED_PROMISE = 0.2
#: At least this many parts must be known for a total (one part alone says too little).
MIN_KNOWN = 2


@dataclass(frozen=True)
class Component:
    """One part of the score: its key, label, weight, score (None: unknown) and words."""

    key: str
    score: float | None
    words: str

    @property
    def label(self) -> str:
        """The part's Chinese name."""
        return LABELS[self.key]

    @property
    def weight(self) -> float:
        """The part's weight in the total."""
        return WEIGHTS[self.key]

    def as_dict(self) -> dict:
        """The part as stored with a proposal (label and weight included for the pages)."""
        return {**asdict(self), "label": self.label, "weight": self.weight}


@dataclass(frozen=True)
class Score:
    """A candidate's score: the parts, the total on 0-100 (None: too little known), words."""

    components: tuple[Component, ...]
    total: float | None
    summary: str


@dataclass(frozen=True)
class FollowUpFacts:
    """What a follow-up says for the score."""

    at: datetime
    satisfaction: str | None
    promise_kept: bool | None


def span_words(hours: float) -> str:
    """``50.5`` → ``2 天 2 小时``; under a day in hours."""
    if hours < 24:
        return f"{max(hours, 0):.1f} 小时"
    days, rest = divmod(round(hours), 24)
    return f"{days} 天" + (f" {rest} 小时" if rest else "")


def timeliness(start: datetime, due: datetime | None, replied: datetime | None) -> Component:
    """The reply time against the legal deadline."""
    if replied is None:
        return Component("timeliness", None, "没有答复时间，不计此项")
    if due is None:
        return Component("timeliness", None, "没有法定办理时限记录，不计此项")
    used = (replied - start).total_seconds() / 3600
    allowed = (due - start).total_seconds() / 3600
    if is_overdue(due, replied, replied) or allowed <= 0:
        late = (replied - due).total_seconds() / 3600
        return Component("timeliness", 0.0,
                         f"超过法定时限 {span_words(late)}答复（用时 {span_words(used)}）")
    share = used / allowed
    score = 1.0 if share <= PROMPT_SHARE else 1 - 0.5 * (share - PROMPT_SHARE) / (1 - PROMPT_SHARE)
    early = span_words(allowed - used)
    return Component("timeliness", round(score, 3),
                     f"用时 {span_words(used)}，在法定时限前 {early}答复，"
                     f"用去办理时限的 {share * 100:.0f}%")


def quality(score: float | None, problems: Sequence[str]) -> Component:
    """The reply check's score and the problems it found, in words."""
    if score is None:
        return Component("quality", None, "没有可检查的答复内容，不计此项")
    said = [p.rstrip("。；; ") for p in problems[:3]]
    found = "；".join(said) if said else "未发现套话、推诿、无期限承诺等问题"
    more = f"等 {len(problems)} 项" if len(problems) > 3 else ""
    words = f"答复检查得分 {score * 100:.0f} 分：{found}{more}"
    return Component("quality", round(score, 3), words)


def satisfaction(follow_ups: Sequence[FollowUpFacts], fallback: str | None) -> Component:
    """The latest rated follow-up (or the entry's recorded satisfaction)."""
    rated = [f for f in follow_ups if f.satisfaction in SATISFACTION_SCORES]
    word = max(rated, key=lambda f: f.at).satisfaction if rated else None
    if word is None and fallback in SATISFACTION_SCORES:
        word = fallback
    if word is None:
        return Component("satisfaction", None, "没有回访评价，不计此项")
    count = f"回访 {len(follow_ups)} 次，" if follow_ups else ""
    return Component("satisfaction", SATISFACTION_SCORES[word], f"{count}最近一次评价“{word}”")


def follow_through(has_promise: bool, follow_ups: Sequence[FollowUpFacts]) -> Component:
    """Whether the promises made in the reply were kept, as the follow-ups record it."""
    checked = [f for f in follow_ups if f.promise_kept is not None]
    if checked:
        last = max(checked, key=lambda f: f.at)
        if last.promise_kept:
            return Component("follow_through", 1.0, "跟踪反馈确认答复中的承诺事项已兑现")
        return Component("follow_through", 0.0, "跟踪反馈记录承诺事项未兑现")
    if has_promise:
        return Component("follow_through", UNCHECKED_PROMISE,
                         "答复中有承诺事项，尚无跟踪反馈确认兑现")
    return Component("follow_through", None, "答复中没有承诺事项，不计此项")


def combine(components: Sequence[Component]) -> Score:
    """The weighted mean of the known parts on 0-100, explained."""
    known = [c for c in components if c.score is not None]
    left_out = [c.label for c in components if c.score is None]
    if len(known) < MIN_KNOWN:
        return Score(tuple(components), None,
                     f"可评分的项目不足 {MIN_KNOWN} 项，不计算综合得分")
    weight = sum(c.weight for c in known)
    total = round(100 * sum(c.weight * c.score for c in known) / weight, 1)
    parts = "，".join(f"{c.label} {c.score * 100:.0f} 分（权重 {c.weight / weight * 100:.0f}%）"
                     for c in known)
    words = f"综合得分 {total:g} 分（满分 100）：{parts}"
    if left_out:
        words += f"；未计入：{'、'.join(left_out)}（权重按其余项目折算）"
    return Score(tuple(components), total, words)
