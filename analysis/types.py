"""Frozen result and input dataclasses shared by the analysis modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class Keyword:
    """A keyword with its weight (higher is more characteristic)."""

    word: str
    weight: float


@dataclass(frozen=True)
class Route:
    """Predicted 一级分类 of a message; `category` is None when a person must decide."""

    category: str | None
    confidence: float
    best: str
    needs_review: bool


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data found in a text."""

    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Item:
    """A mention or board message offered to the event clusterer."""

    id: str
    text: str
    published_at: datetime
    title: str = ""
    likes: int = 0
    comments: int = 0
    reposts: int = 0
    source: str = ""
    author: str = ""


@dataclass(frozen=True)
class Assignment:
    """Where the clusterer put an item."""

    item_id: str
    event_id: str
    is_new_event: bool
    duplicate_of: str | None = None
    similarity: float = 0.0
    merged_event_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventSummary:
    """A read-only snapshot of one event, for storing or showing it."""

    id: str
    title: str
    size: int
    first_at: datetime
    last_at: datetime
    members: tuple[str, ...]
    authors: int
    likes: int
    comments: int
    reposts: int
    places: tuple[str, ...]
    keywords: tuple[Keyword, ...]


class Level(StrEnum):
    """Alert levels of 政务舆情, lowest first."""

    NONE = "无"
    GENERAL = "一般"
    LARGE = "较大"
    MAJOR = "重大"
    EXTRAORDINARY = "特别重大"

    @property
    def rank(self) -> int:
        """Position in the order NONE < GENERAL < LARGE < MAJOR < EXTRAORDINARY."""
        return list(Level).index(self)


@dataclass(frozen=True)
class EventStats:
    """What the hotness formula needs to know about an event at one moment."""

    count_window: int
    count_baseline: float | None = None
    negative_share: float = 0.0
    likes: int = 0
    comments: int = 0
    reposts: int = 0
    source_weight: float = 1.0
    window_hours: float = 24.0
    watch_rule_hits: tuple[str, ...] = ()
    sensitive_hits: tuple[str, ...] = ()
    count_total: int | None = None
    authors: int | None = None


@dataclass(frozen=True)
class Hotness:
    """Hotness number, its level, and the reason in words."""

    score: float
    level: Level
    reason: str
    components: dict[str, float] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class AlertDecision:
    """Whether to alert now, and why (or why not)."""

    alert: bool
    reason: str
