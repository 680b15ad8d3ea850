"""The yearly assessment (年度考核): a year of the ledger per lead department.

Every figure is the monthly metrics' own (:func:`tracker.metrics.compute_metrics` over the
whole year), and the red flags are counted with the monthly report's own conditions
(:func:`tracker.reports.unanswered_3m_where`, :func:`tracker.reports.unpublished_where`),
restricted to the entries received in the period so that a year is the sum of its months:
counts add up, rates are the summed numerators over the summed denominators, and the median
and P90 are taken over the year's replies (never an average of months).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.cases import cases_by_department
from tracker.metrics import UNASSIGNED, Metrics, Period, compute_metrics
from tracker.models import LedgerEntry
from tracker.quality import department_quality
from tracker.reports import unanswered_3m_where, unpublished_where
from tracker.settings import Settings

#: The red flags the assessment counts, as (key, words) in the order the tables show them.
FLAGS = (("overdue_open", "超期未办结"), ("unanswered_3m", "三个月未答复"),
         ("unpublished", "答复未公开"))


@dataclass
class DepartmentYear:
    """One lead department's year: its metrics and its red flags."""

    department_id: int | None
    department: str
    metrics: Metrics
    rank: int | None = None
    unanswered_3m: int = 0
    unpublished: int = 0
    #: Mean reply-check score in [0, 1] of the replies approved in the year
    #: (:func:`tracker.quality.department_quality`), and how many replies it averages.
    quality: float | None = None
    quality_replies: int = 0
    #: Cases of the year in the 亮点工程 library (:func:`tracker.cases.cases_by_department`).
    cases: int = 0

    @property
    def overdue_open(self) -> int:
        """Open entries past due (the metrics' ``overdue_open``)."""
        return self.metrics.overdue_open

    @property
    def red_flags(self) -> int:
        """All red flags together (an entry can raise more than one)."""
        return self.overdue_open + self.unanswered_3m + self.unpublished

    def as_dict(self) -> dict:
        """The JSON form: the metrics' keys plus department, rank and the red flags."""
        return {"department": self.department, "department_id": self.department_id,
                "rank": self.rank, **self.metrics.as_dict(),
                "unanswered_3m": self.unanswered_3m, "unpublished": self.unpublished,
                "quality_score": self.quality, "quality_replies": self.quality_replies,
                "cases": self.cases}


@dataclass
class Assessment:
    """The assessment of a period (a year, or one of its months), overall and per department."""

    period: Period
    kind: str | None
    as_of: datetime
    total: DepartmentYear
    departments: list[DepartmentYear] = field(default_factory=list)
    ranking_note: str = ""

    @property
    def year(self) -> int:
        """The year of the period's first day."""
        return self.period.start.year

    @property
    def title(self) -> str:
        """``2025年度政务舆情回应与留言办理考核``."""
        return f"{self.year}年度政务舆情回应与留言办理考核"

    def to_json(self) -> dict:
        """The ``yuqing report year --json`` shape."""
        return {"year": self.year, "from": self.period.start.isoformat(),
                "to": self.period.end.isoformat(), "kind": self.kind,
                "as_of": self.as_of.isoformat(timespec="seconds"),
                **self.total.as_dict(), "by_department": [d.as_dict() for d in self.departments],
                "ranking_note": self.ranking_note}


def year_period(year: int) -> Period:
    """1 January to 31 December of ``year``."""
    return Period(date(year, 1, 1), date(year, 12, 31))


def flag_counts(session: Session, period: Period, settings: Settings, as_of: datetime,
                kind: str | None = None) -> dict[str, dict[int | None, int]]:
    """Per lead department, the entries received in ``period`` that are three months
    unanswered (``unanswered_3m``) or answered but unpublished (``unpublished``)."""
    e = LedgerEntry
    lower, upper = period.utc_bounds(settings.tz)
    scope = [e.received_at >= lower, e.received_at < upper]
    if kind is not None:
        scope.append(e.kind == kind)
    out = {}
    for name, where in (("unanswered_3m", unanswered_3m_where),
                        ("unpublished", unpublished_where)):
        stmt = (select(e.lead_department_id, func.count())
                .where(*where(period, settings, as_of), *scope).group_by(e.lead_department_id))
        out[name] = {dept: int(n) for dept, n in session.execute(stmt)}
    return out


def assess(session: Session, period: Period, settings: Settings, *, kind: str | None = None,
           as_of: datetime | None = None, department_id: int | None = None) -> Assessment:
    """The assessment of ``period`` as known at ``as_of``; ``department_id`` keeps one
    department (a responder's view: the total is then that department's)."""
    as_of = as_of or datetime.now(UTC)
    result = compute_metrics(session, period, settings, kind=kind, as_of=as_of)
    flags = flag_counts(session, period, settings, as_of, kind)
    rows = [DepartmentYear(d.department_id, d.department, d, d.rank,
                           flags["unanswered_3m"].get(d.department_id, 0),
                           flags["unpublished"].get(d.department_id, 0))
            for d in result.by_department]
    total = DepartmentYear(None, "合计", result.total, None,
                           sum(flags["unanswered_3m"].values()),
                           sum(flags["unpublished"].values()))
    if department_id is not None:
        rows = [r for r in rows if r.department_id == department_id]
        total = rows[0] if rows else DepartmentYear(department_id, UNASSIGNED, Metrics())
    return Assessment(period, kind, as_of, total, rows, result.ranking_note)


def assess_year(session: Session, year: int, settings: Settings, **options) -> Assessment:
    """The yearly assessment of ``year`` (options as :func:`assess`), with each department's
    reply quality and its cases in the library.

    Quality is not a sum of months: the reply checks compare each reply with the other
    replies of the window (boilerplate), so the year is checked as one window.
    """
    result = assess(session, year_period(year), settings, **options)
    lower, upper = result.period.utc_bounds(settings.tz)
    quality = {q.department_id: q for q in department_quality(session, lower, upper)}
    cases = cases_by_department(session, year)
    for row in result.departments:
        found = quality.get(row.department_id)
        if found is not None:
            row.quality, row.quality_replies = found.score, found.replies
        row.cases = cases.get(row.department_id, 0)
    if result.total not in result.departments:
        replies = sum(q.replies for q in quality.values())
        result.total.quality_replies = replies
        result.total.quality = (sum(q.score * q.replies for q in quality.values()) / replies
                                if replies else None)
        result.total.cases = sum(cases.values())
    return result
