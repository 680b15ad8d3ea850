"""The metrics of a period as data: per group, per department, and the ranked result."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from tracker.metrics.constants import UNASSIGNED
from tracker.metrics.percentiles import weighted_percentile
from tracker.metrics.period import Period


@dataclass
class Metrics:
    """The figures of one group of entries (all of them, or one department)."""

    received: int = 0
    replied: int = 0
    reply_rate: float | None = None
    median_reply_hours: float | None = None
    p90_reply_hours: float | None = None
    mean_reply_hours: float | None = None
    on_time_rate: float | None = None
    overdue_open: int = 0
    #: Unanswered messages parked in 历史遗留 (no deadline until decided; never overdue).
    legacy_open: int = 0
    open: int = 0
    closed: int = 0
    on_time: int = 0
    deadline_decided: int = 0
    median_reply_workdays: float | None = None
    p90_reply_workdays: float | None = None
    mean_reply_workdays: float | None = None
    acknowledged: int = 0
    median_ack_hours: float | None = None
    mean_ack_hours: float | None = None
    published: int = 0
    satisfaction_rated: int = 0
    satisfied: int = 0
    satisfaction_rate: float | None = None
    negative_reply_times: int = 0

    def as_dict(self) -> dict:
        """The JSON form: hours to 6 decimals (3.6 ms), rates to 4."""
        out = {}
        for f in fields(Metrics):
            value = getattr(self, f.name)
            if isinstance(value, float):
                value = round(value, 4 if f.name.endswith("_rate") else 6)
            out[f.name] = value
        return out


@dataclass
class DepartmentMetrics(Metrics):
    """Metrics of one lead department, with its rank (``None`` when under the sample)."""

    department_id: int | None = None
    department: str = UNASSIGNED
    rank: int | None = None

    def as_dict(self) -> dict:
        """Metric keys plus department, department_id, rank and ranked."""
        return {"department": self.department, "department_id": self.department_id,
                "rank": self.rank, "ranked": self.rank is not None, **super().as_dict()}


@dataclass
class MetricsResult:
    """Metrics of a period, overall and by department."""

    period: Period
    kind: str | None
    as_of: datetime
    min_rank_sample: int
    total: Metrics
    by_department: list[DepartmentMetrics] = field(default_factory=list)

    @property
    def unranked(self) -> list[DepartmentMetrics]:
        """Departments left out of the ranking for having too few entries."""
        return [d for d in self.by_department if d.rank is None and d.department_id is not None]

    @property
    def ranking_note(self) -> str:
        """Says which departments are not ranked, and why (in Chinese, for reports)."""
        names = "、".join(d.department for d in self.unranked)
        if not names:
            return f"各部门受理均不少于 {self.min_rank_sample} 件，全部参与排名。"
        return f"受理不足 {self.min_rank_sample} 件的部门不参与排名：{names}。"

    def to_json(self) -> dict:
        """The ``yuqing metrics --json`` shape (docs/rules.md §8) plus period and ranking notes."""
        return {
            **self.total.as_dict(),
            "by_department": [d.as_dict() for d in self.by_department],
            "from": self.period.start.isoformat(), "to": self.period.end.isoformat(),
            "kind": self.kind, "as_of": self.as_of.isoformat(timespec="seconds"),
            "percentile_method": "linear interpolation (percentile_cont, type 7)",
            "min_rank_sample": self.min_rank_sample, "ranking_note": self.ranking_note,
        }


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def fill(target: Metrics, row, pct: tuple | None, ack_median, workdays: list) -> None:
    """Turn the raw figures of one group into metrics.

    ``row`` carries the additive figures (:meth:`Query.counts` or :class:`SummedRow`),
    ``pct`` the reply-hour (P50, P90), ``workdays`` the ``(working days, count)`` pairs.
    """
    target.received, target.replied = int(row.received), int(row.replied or 0)
    target.reply_rate = _ratio(target.replied, target.received)
    timed = int(row.timed or 0)
    target.negative_reply_times = target.replied - timed
    target.mean_reply_hours = row.hours_sum / timed if timed else None
    if pct:
        target.median_reply_hours, target.p90_reply_hours = (
            None if v is None else float(v) for v in pct)
    target.overdue_open, target.on_time = int(row.overdue_open or 0), int(row.on_time or 0)
    target.legacy_open = int(row.legacy_open or 0)
    target.open = target.received - target.replied
    target.closed = int(row.closed or 0)
    target.deadline_decided = int(row.replied_with_due or 0) + target.overdue_open
    target.on_time_rate = _ratio(target.on_time, target.deadline_decided)
    target.acknowledged = int(row.acknowledged or 0)
    target.mean_ack_hours = row.ack_sum / target.acknowledged if target.acknowledged else None
    target.median_ack_hours = None if ack_median is None else float(ack_median)
    target.published = int(row.published or 0)
    target.satisfaction_rated, target.satisfied = int(row.rated or 0), int(row.satisfied or 0)
    target.satisfaction_rate = _ratio(target.satisfied, target.satisfaction_rated)
    if workdays:
        total = sum(c for _, c in workdays)
        target.median_reply_workdays = weighted_percentile(workdays, 0.5)
        target.p90_reply_workdays = weighted_percentile(workdays, 0.9)
        target.mean_reply_workdays = sum(d * c for d, c in workdays) / total


class SummedRow:
    """Adds up the additive columns of the department rows into one overall row."""

    NAMES = ("received", "replied", "timed", "hours_sum", "overdue_open", "legacy_open",
             "closed", "on_time",
             "replied_with_due", "acknowledged", "ack_sum", "published", "rated", "satisfied")

    def __init__(self, rows: list) -> None:
        for name in self.NAMES:
            setattr(self, name, sum((getattr(r, name) or 0) for r in rows))


def rank_departments(departments: list[DepartmentMetrics],
                     min_sample: int) -> list[DepartmentMetrics]:
    """Rank by on-time rate, then reply rate, then median hours; small samples unranked."""
    def key(d: DepartmentMetrics):
        return (-(d.on_time_rate or 0.0), -(d.reply_rate or 0.0),
                d.median_reply_hours if d.median_reply_hours is not None else float("inf"),
                d.department)

    def rankable(d: DepartmentMetrics) -> bool:
        return d.department_id is not None and d.received >= min_sample

    ranked = sorted((d for d in departments if rankable(d)), key=key)
    for position, dept in enumerate(ranked, start=1):
        dept.rank = position
    rest = sorted((d for d in departments if not rankable(d)),
                  key=lambda d: (d.department_id is None, -d.received, d.department))
    return ranked + rest
