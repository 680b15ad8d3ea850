"""SLA rules as data: per kind, level, board and category, with the defaults of RULES.md."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.vocabulary import Kind, Level, parse_level


class Unit(enum.StrEnum):
    """How a limit is counted."""

    HOURS = "hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


UNIT_LABELS = {Unit.HOURS: "小时", Unit.WORKING_DAYS: "个工作日", Unit.CALENDAR_DAYS: "日"}


class ClockStart(enum.StrEnum):
    """Where an opinion clock starts: RULES.md says the rules do not say, so it is a setting."""

    FOUND = "found"
    FIRST_PUBLISHED = "first_published"
    EARLIEST = "earliest"


CLOCK_START_LABELS = {ClockStart.FOUND: "发现时间", ClockStart.FIRST_PUBLISHED: "首发时间",
                      ClockStart.EARLIEST: "发现时间与首发时间中较早者"}

#: Art. 32/34: a consulted third party or agency answers within 15 working days.
CONSULTATION_DAYS = 15
#: Art. 30: a correction notice goes out within 7 working days of receipt.
CORRECTION_NOTICE_DAYS = 7
#: A consultation message unanswered this many months fails the national inspection.
UNANSWERED_RED_FLAG_MONTHS = 3


@dataclass(frozen=True)
class SlaRule:
    """One time limit; ``None`` in level/board/category means "any"."""

    kind: Kind
    limit: int
    unit: Unit
    level: Level | None = None
    board: str | None = None
    category: str | None = None
    extended_limit: int | None = None
    second_limit_hours: int | None = None
    clock_start: ClockStart = ClockStart.FOUND
    configured: bool = False

    def __post_init__(self) -> None:
        # Accept plain strings (from forms and rows) and keep enums inside.
        object.__setattr__(self, "kind", Kind(self.kind))
        object.__setattr__(self, "unit", Unit(self.unit))
        object.__setattr__(self, "clock_start", ClockStart(self.clock_start))
        if self.level is not None and not isinstance(self.level, Level):
            object.__setattr__(self, "level", parse_level(self.level))

    def matches(self, kind: Kind, level: Level | None, board: str | None,
                category: str | None) -> bool:
        """True when this rule applies to the given entry attributes."""
        return (self.kind == kind
                and self.level in (None, level)
                and self.board in (None, board)
                and self.category in (None, category))

    @property
    def specificity(self) -> tuple[int, int]:
        """Sort key: more matching attributes win, then configured rules beat defaults."""
        count = sum(v is not None for v in (self.level, self.board, self.category))
        return count, int(self.configured)

    @property
    def max_extension(self) -> int:
        """How many units an approved extension may add (0: no extension)."""
        return max(0, (self.extended_limit or self.limit) - self.limit)

    def describe(self) -> str:
        """The rule in Chinese words, e.g. "7 个工作日（可延长至 15 个工作日）"."""
        unit = UNIT_LABELS[self.unit]
        text = f"{self.limit} {unit}"
        if self.extended_limit and self.extended_limit > self.limit:
            text += f"（经批准可延长至 {self.extended_limit} {unit}）"
        if self.second_limit_hours:
            text += f"，{self.second_limit_hours} 小时内召开新闻发布会"
        return text


DEFAULT_RULES: tuple[SlaRule, ...] = (
    # 国办发〔2016〕61号: other 政务舆情 within 48 hours.
    SlaRule(Kind.OPINION, 48, Unit.HOURS),
    # 特别重大、重大突发事件: authoritative information within 5 h, press conference within 24 h.
    SlaRule(Kind.OPINION, 5, Unit.HOURS, level=Level.MAJOR, second_limit_hours=24),
    SlaRule(Kind.OPINION, 5, Unit.HOURS, level=Level.CRITICAL, second_limit_hours=24),
    # 国办发〔2014〕57号: 7 working days, up to 15 when complicated.
    SlaRule(Kind.MESSAGE, 7, Unit.WORKING_DAYS, extended_limit=15),
    # 政府信息公开条例 Art. 33: 20 working days, one extension of at most 20.
    SlaRule(Kind.DISCLOSURE, 20, Unit.WORKING_DAYS, extended_limit=40),
)


def resolve_rule(kind: Kind | str, *, level: Level | str | None = None,
                 board: str | None = None, category: str | None = None,
                 rules: Iterable[SlaRule] = ()) -> SlaRule:
    """The most specific configured or default rule for these attributes."""
    kind = Kind(kind)
    lvl = parse_level(level) if not isinstance(level, Level) else level
    candidates = [r for r in (*rules, *DEFAULT_RULES) if r.matches(kind, lvl, board, category)]
    if not candidates:
        raise ValueError(f"no SLA rule for kind {kind}")
    return max(candidates, key=lambda r: r.specificity)
