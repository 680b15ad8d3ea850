"""Reply-time metrics over the response ledger, computed in SQL.

Definitions (``docs/rules.md``):

- An entry belongs to the period of its *received* time; periods are whole local days
  (``Settings.timezone``), ``start`` and ``end`` both included.
- Everything is evaluated as known at ``as_of`` (default: now): a reply counts when
  ``replied_at <= as_of``; an unanswered entry is *overdue open* when ``due_at < as_of``.
- Reply time = ``replied_at - received_at`` in hours. Unanswered entries count in
  ``received`` (and in ``overdue_open`` when past due), never in the reply-time statistics.
  A reply recorded before its receipt is a data error: it counts as replied but stays out of
  the statistics and is counted in ``negative_reply_times``.
- Percentiles use linear interpolation between closest ranks (Hyndman–Fan type 7, numpy's
  default, PostgreSQL's ``percentile_cont``): for sorted ``x[0..n-1]``, ``h = (n-1)·p`` and
  the value is ``x[⌊h⌋] + (h-⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋])``. PostgreSQL computes it with
  ``percentile_cont``. SQLite has no percentile function, and its sorter needs about 0.2 s
  for each ordering of 75,000 rows (measured: ``ROW_NUMBER`` windows cost 0.58 s of a 1.0 s
  month), so there SQL computes each entry's reply hours and days in one unsorted pass and
  Python ranks them (same formula, same values).
- 历史遗留: an unanswered board message that was already older than its board's archive
  horizon when it entered the ledger has no due time until someone decides (结案 or 交办,
  ``tracker.ledger.archive``): it counts in ``received`` and ``open``, never in
  ``overdue_open`` nor in the on-time rate, and ``legacy_open`` counts it. Messages answered
  long before they entered are archived and count like any answered message.
- ``on_time_rate`` = entries answered by their own ``due_at`` ÷ (answered entries that have a
  due time + open entries already past due). Open entries not yet due are undecided and left
  out; entries without a due time too.
- Working days (messages and disclosures; opinions are measured in hours): the working days
  after the local day of receipt up to and including the local day of the reply, on the
  official calendar with 调休 (``tracker.deadlines``); the receipt day counts only when
  ``Settings.receipt_day_counts`` is on. Replies are counted per (receipt day, reply day);
  Python turns each pair into a working-day count and takes the weighted percentiles.
- The first acknowledgement (``first_ack_at``) is measured apart from the final reply: its
  median overall, its mean overall and per department.
- ``satisfaction_rate`` = (满意 + 基本满意) ÷ entries with a recorded satisfaction (未评价 is
  a recorded answer too).
- ``replied_at`` is the first final reply (the ledger keeps it when an entry is reopened);
  a reopened entry therefore stays replied with its first reply time and leaves ``closed``
  until it is closed again. ``overdue_open`` follows the ledger's red flags: an entry closed
  without a reply, or whose clock is paused, is not overdue.
- Departments are the lead (牵头) department; departments with fewer received entries than
  ``Settings.min_rank_sample`` are listed but not ranked, and the result says so.

The area's modules: ``period`` (reporting periods), ``percentiles`` (type 7, one
implementation for plain and counted values), ``workdays`` (working-day counts),
``results`` (the result types), ``expressions`` (dialect-specific SQL expressions),
``query`` (the grouped pass and the entry points), ``postgres`` and ``sqlite`` (where the
two databases rank differently). Import from here, not from the modules.
"""

from tracker.metrics.constants import (
    EXCLUDED_STATUSES,
    KINDS,
    UNASSIGNED,
    WORKDAY_KINDS,
)
from tracker.metrics.expressions import hours_between, local_date
from tracker.metrics.percentiles import percentiles, weighted_percentile
from tracker.metrics.period import Period
from tracker.metrics.query import compute_metrics, metrics_by
from tracker.metrics.results import DepartmentMetrics, Metrics, MetricsResult
from tracker.metrics.workdays import WorkdayCounter, work_calendar_for

__all__ = [
    "EXCLUDED_STATUSES", "KINDS", "UNASSIGNED", "WORKDAY_KINDS",
    "DepartmentMetrics", "Metrics", "MetricsResult", "Period", "WorkdayCounter",
    "compute_metrics", "hours_between", "local_date", "metrics_by", "percentiles",
    "weighted_percentile", "work_calendar_for",
]
