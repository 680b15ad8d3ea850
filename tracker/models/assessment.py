"""What the annual 政府信息公开 report needs and the ledger does not hold: the 行政复议 and
行政诉讼 counts of a year (table 四), entered by staff from the legal office's records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, utcnow


class RemedyCount(Base):
    """One cell of table 四: a year's cases of one proceeding with one result."""

    __tablename__ = "disclosure_remedy_counts"
    __table_args__ = (UniqueConstraint("year", "proceeding", "result",
                                       name="uq_disclosure_remedy_counts_cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    #: review (行政复议), suit_direct (未经复议直接起诉), suit_after_review (复议后起诉).
    proceeding: Mapped[str] = mapped_column(String(24))
    #: upheld (结果维持), corrected (结果纠正), other (其他结果), pending (尚未审结).
    result: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(default=0)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
