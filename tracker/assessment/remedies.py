"""Table 四 of the 政府信息公开工作年度报告: 行政复议、行政诉讼情况, entered by staff.

The ledger does not follow an application into review or court, so staff enter each year's
counts from the legal office's records; every change is audited (who, when, old → new).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import RemedyCount, User, record_audit

PROCEEDINGS = (("review", "行政复议"), ("suit_direct", "行政诉讼（未经复议直接起诉）"),
               ("suit_after_review", "行政诉讼（复议后起诉）"))
RESULTS = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
           ("pending", "尚未审结"))
#: The most cases one cell may hold (a typing slip of extra digits is refused).
MAX_COUNT = 100_000


class RemedyError(ValueError):
    """Counts that cannot be saved; the message says which, in Chinese."""


@dataclass
class RemedyTable:
    """A year's table 四: counts by (proceeding, result), and who entered them last."""

    year: int
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    updated_at: datetime | None = None
    updated_by: str | None = None

    def count(self, proceeding: str, result: str) -> int:
        """One cell (0 when never entered)."""
        return self.counts.get((proceeding, result), 0)

    def total(self, proceeding: str) -> int:
        """The 总计 of a proceeding."""
        return sum(self.count(proceeding, r) for r, _ in RESULTS)

    @property
    def entered(self) -> bool:
        """True once staff saved this year's counts."""
        return self.updated_at is not None

    def to_json(self) -> dict:
        """Counts by proceeding and result, with each proceeding's total."""
        return {p: {**{r: self.count(p, r) for r, _ in RESULTS}, "total": self.total(p)}
                for p, _ in PROCEEDINGS}


def field_name(proceeding: str, result: str) -> str:
    """The form field of one cell, e.g. ``review_upheld``."""
    return f"{proceeding}_{result}"


def remedy_table(session: Session, year: int) -> RemedyTable:
    """Table 四 of ``year`` as entered."""
    rows = session.scalars(select(RemedyCount).where(RemedyCount.year == year)).all()
    table = RemedyTable(year, {(r.proceeding, r.result): r.count for r in rows})
    if rows:
        last = max(rows, key=lambda r: r.updated_at)
        table.updated_at = last.updated_at
        user = session.get(User, last.updated_by_id) if last.updated_by_id else None
        table.updated_by = user.display_name if user else None
    return table


def parse_counts(data: dict) -> dict[tuple[str, str], int]:
    """Every cell's count from form data (empty means 0); RemedyError names a bad one."""
    counts = {}
    for proceeding, p_label in PROCEEDINGS:
        for result, r_label in RESULTS:
            raw = str(data.get(field_name(proceeding, result)) or "").strip() or "0"
            if not raw.isdigit() or int(raw) > MAX_COUNT:
                raise RemedyError(f"{p_label}“{r_label}”应填写 0 至 {MAX_COUNT} 之间的整数")
            counts[(proceeding, result)] = int(raw)
    return counts


def save_remedies(session: Session, year: int, counts: dict[tuple[str, str], int],
                  actor_id: int | None) -> int:
    """Store a year's counts; returns how many cells changed (each change audited)."""
    existing = {(r.proceeding, r.result): r for r in session.scalars(
        select(RemedyCount).where(RemedyCount.year == year))}
    changed = 0
    for key, value in counts.items():
        row = existing.get(key)
        if row is None:
            row = RemedyCount(year=year, proceeding=key[0], result=key[1], count=0)
            session.add(row)
            session.flush()
        if row.count == value and key in existing:
            continue
        record_audit(session, entity_type="disclosure_remedy_count", entity_id=row.id,
                     action="update", actor_id=actor_id,
                     changes={"count": (row.count if key in existing else None, value)},
                     detail={"year": year, "proceeding": key[0], "result": key[1]})
        row.count, row.updated_by_id = value, actor_id
        changed += 1
    return changed
