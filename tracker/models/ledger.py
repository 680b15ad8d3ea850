"""The response ledger (舆情回应台账, 留言办理台账, 依申请公开登记), calendar and SLA rules.

One ``ledger_entries`` row per case, whatever its kind, so that reports read one table:
received time, first acknowledgement, final reply, due time, status, closed time, lead
department and satisfaction are plain columns. Responses, extensions/pauses, follow-ups
and links are child rows; nothing is ever deleted (the audit trail keeps every change).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.accounts import Department, User
from tracker.models.base import Base, utcnow

#: A citizen's query code: 12 digits (about 40 bits), easy to type on a phone's keypad and to
#: read out on the telephone; guessing is slowed per address (tracker.ledger.status).
QUERY_CODE_ALPHABET = "0123456789"
QUERY_CODE_LENGTH = 12


def new_query_code() -> str:
    """A random query code (办理进度查询码) for a new entry."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


#: The condition of the partial "open entries" indexes (queries repeat it word for word).
OPEN = "replied_at IS NULL AND closed_at IS NULL AND paused_since IS NULL"


class LedgerEntry(Base):
    """One ledger entry: an opinion, a board message or a disclosure application."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_entries_received", "received_at", "id"),
        Index("ix_ledger_entries_kind_received", "kind", "received_at", "id"),
        Index("ix_ledger_entries_status_received", "status", "received_at"),
        Index("ix_ledger_entries_lead_received", "lead_department_id", "received_at"),
        Index("ix_ledger_entries_due", "due_at"),
        Index("ix_ledger_entries_level", "level"),
        # Covers the per-status counts of the list page.
        Index("ix_ledger_entries_kind_status", "kind", "status"),
        # Open entries only (unanswered, not closed, clock running): the overdue counts,
        # overall and per lead department.
        # The open index carries the filtered columns so these counts never read the table.
        Index("ix_ledger_entries_open_due", "due_at", "kind", "status", "level",
              "lead_department_id", "received_at", "replied_at", "closed_at", "paused_since",
              sqlite_where=text(OPEN), postgresql_where=text(OPEN)),
        Index("ix_ledger_entries_open_lead_due", "lead_department_id", "due_at",
              sqlite_where=text(OPEN), postgresql_where=text(OPEN)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(512))
    summary: Mapped[str] = mapped_column(Text, default="")
    source_name: Mapped[str | None] = mapped_column(String(128))
    board: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(String(1024))
    category: Mapped[str | None] = mapped_column(String(64))
    level: Mapped[str | None] = mapped_column(String(16))
    involved_units: Mapped[str | None] = mapped_column(String(512))
    found_at: Mapped[datetime | None]
    first_published_at: Mapped[datetime | None]
    received_at: Mapped[datetime]
    clock_restarted_at: Mapped[datetime | None]
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    responsible_person: Mapped[str | None] = mapped_column(String(64))
    proposed_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    proposed_confidence: Mapped[float | None] = mapped_column(Float)
    due_at: Mapped[datetime | None]
    due_explanation: Mapped[str] = mapped_column(Text, default="")
    second_due_at: Mapped[datetime | None]
    extension_days: Mapped[int] = mapped_column(default=0)
    paused_since: Mapped[datetime | None]
    first_ack_at: Mapped[datetime | None]
    replied_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    reply_channel: Mapped[str | None] = mapped_column(String(32))
    reply_summary: Mapped[str | None] = mapped_column(Text)
    reply_has_promise: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_type: Mapped[str | None] = mapped_column(String(32))
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    follow_up_count: Mapped[int] = mapped_column(default=0)
    last_follow_up_at: Mapped[datetime | None]
    applicant: Mapped[str | None] = mapped_column(String(128))
    applicant_type: Mapped[str | None] = mapped_column(String(32))
    receipt_channel: Mapped[str | None] = mapped_column(String(32))
    message_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("message_cases.id"), unique=True)
    alert_id: Mapped[int | None] = mapped_column(index=True)
    note: Mapped[str | None] = mapped_column(Text)
    # Given to the citizen with the entry's number for the public status lookup; random, not
    # derived from anything, compared in constant time (tracker.ledger.status).
    query_code: Mapped[str] = mapped_column(String(16), default=new_query_code)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lead_department: Mapped[Department | None] = relationship(
        foreign_keys=[lead_department_id], lazy="joined")
    responsible_user: Mapped[User | None] = relationship(foreign_keys=[responsible_user_id])
    proposed_department: Mapped[Department | None] = relationship(
        foreign_keys=[proposed_department_id])
    co_departments: Mapped[list[LedgerDepartment]] = relationship(
        back_populates="entry", order_by="LedgerDepartment.department_id")
    responses: Mapped[list[LedgerResponse]] = relationship(
        back_populates="entry", order_by="LedgerResponse.id")
    time_changes: Mapped[list[LedgerTimeChange]] = relationship(
        back_populates="entry", order_by="LedgerTimeChange.id")
    follow_ups: Mapped[list[LedgerFollowUp]] = relationship(
        back_populates="entry", order_by="LedgerFollowUp.id")
    links: Mapped[list[LedgerLink]] = relationship(
        back_populates="entry", order_by="LedgerLink.id")


class LedgerDepartment(Base):
    """A co-handling department (协办) of an entry; the lead (牵头) is on the entry itself.

    Removing a co-handling department sets ``removed_at``; the row stays.
    """

    __tablename__ = "ledger_departments"
    __table_args__ = (Index("ix_ledger_departments_department", "department_id", "entry_id"),)

    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]

    entry: Mapped[LedgerEntry] = relationship(back_populates="co_departments")
    department: Mapped[Department] = relationship(lazy="joined")


class LedgerResponse(Base):
    """A response: drafted, approved (审签/审核), delivered and published."""

    __tablename__ = "ledger_responses"
    __table_args__ = (Index("ix_ledger_responses_entry", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    channel: Mapped[str | None] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    department_name: Mapped[str | None] = mapped_column(String(128))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)
    published_url: Mapped[str | None] = mapped_column(String(1024))
    published_at: Mapped[datetime | None]
    reply_type: Mapped[str | None] = mapped_column(String(32))
    search_done: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)

    entry: Mapped[LedgerEntry] = relationship(back_populates="responses")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id])


class LedgerTimeChange(Base):
    """An extension (延期), a consultation pause (征求意见) or a correction request (补正)."""

    __tablename__ = "ledger_time_changes"
    __table_args__ = (Index("ix_ledger_time_changes_entry", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    type: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    days: Mapped[int | None]
    party: Mapped[str | None] = mapped_column(String(128))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    entry: Mapped[LedgerEntry] = relationship(back_populates="time_changes")


class LedgerFollowUp(Base):
    """A follow-up (跟踪反馈 / 回访): when, how, satisfaction, outcome."""

    __tablename__ = "ledger_follow_ups"
    __table_args__ = (Index("ix_ledger_follow_ups_entry", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    at: Mapped[datetime]
    method: Mapped[str] = mapped_column(String(32))
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(Text)
    promise_kept: Mapped[bool | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[LedgerEntry] = relationship(back_populates="follow_ups")


class LedgerLink(Base):
    """A mention or message case that raised (or belongs to) an entry."""

    __tablename__ = "ledger_links"
    __table_args__ = (
        UniqueConstraint("entry_id", "mention_id", name="uq_ledger_links_entry_mention"),
        Index("ix_ledger_links_mention", "mention_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id"))
    message_case_id: Mapped[int | None] = mapped_column(ForeignKey("message_cases.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[LedgerEntry] = relationship(back_populates="links")


class HolidayOverride(Base):
    """An admin-entered day of the official schedule (a holiday or a 调休 working day)."""

    __tablename__ = "holiday_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(256))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The year of the State Council notice this day was imported from; None when entered
    #: by hand. Re-importing that year's notice replaces exactly these rows.
    schedule_year: Mapped[int | None]


class HolidayYear(Base):
    """A year whose whole official schedule is entered: a notice was imported, or an admin
    confirmed the days entered one by one are all of them. Without a complete row, entered
    days apply but the year stays unknown (deadlines through it carry a warning)."""

    __tablename__ = "holiday_years"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    complete: Mapped[bool] = mapped_column(Boolean, default=True)
    #: "notice" (imported from the State Council notice) or "confirmed" (days entered by hand).
    source: Mapped[str] = mapped_column(String(16))
    notice_number: Mapped[str | None] = mapped_column(String(64))
    days: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(String(256))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SlaRuleRow(Base):
    """A configured time limit; rows override the built-in defaults of RULES.md."""

    __tablename__ = "sla_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[str | None] = mapped_column(String(16))
    board: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(16))
    time_limit: Mapped[int]
    extended_limit: Mapped[int | None]
    second_limit_hours: Mapped[int | None]
    clock_start: Mapped[str] = mapped_column(String(16), default="found")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(String(256))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
