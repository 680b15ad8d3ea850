"""The monthly report: gathered once (:mod:`tracker.reports.data`), rendered as HTML,
XLSX or PDF. :func:`render_report` is what the CLI and the web app call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from tracker.metrics import Period
from tracker.reports.chart_kinds import Item, donut, ranked_bars, sparkline
from tracker.reports.charts import (
    NEGATIVE,
    NEUTRAL,
    PALETTE,
    POSITIVE,
    UNKNOWN,
    Series,
    bar_chart,
    line_chart,
)
from tracker.reports.dashboard import Dashboard, build_dashboard, department_name
from tracker.reports.data import (
    MonthlyReport,
    build_monthly_report,
    unanswered_3m_where,
    unpublished_where,
)
from tracker.reports.html import render_fragment, report_css
from tracker.reports.pdf import ReportError, layout
from tracker.reports.words import hours, number, pct
from tracker.settings import Settings

FORMATS = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(report: MonthlyReport, fmt: str, session: Session | None = None,
           settings: Settings | None = None) -> bytes:
    """Render a gathered report; the workbook re-reads its long lists when given a session."""
    if fmt == "html":
        from tracker.reports.html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        from tracker.reports.pdf import render_pdf

        return render_pdf(report)
    if fmt == "xlsx":
        from tracker.reports.data import full_lists
        from tracker.reports.xlsx import render_xlsx

        if session is not None and settings is not None:
            report = full_lists(session, report, settings)
        return render_xlsx(report)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


def render_report(session: Session, month: str, fmt: str, settings: Settings,
                  as_of: datetime | None = None,
                  progress: Callable[[int, int | None], None] | None = None) -> bytes:
    """Gather and render the report of ``month`` (``YYYY-MM``) in ``fmt``.

    ``progress(steps done, 2)``, when given, hears when the figures are gathered and when
    the file is rendered.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    report = build_monthly_report(session, Period.parse_month(month), settings, as_of)
    if progress is not None:
        progress(1, 2)
    data = render(report, fmt, session, settings)
    if progress is not None:
        progress(2, 2)
    return data


def filename(month: str, fmt: str) -> str:
    """``yuqing-monthly-2024-03.pdf``."""
    return f"yuqing-monthly-{month}.{fmt}"


__all__ = [
    "Dashboard",
    "FORMATS",
    "Item",
    "NEGATIVE",
    "NEUTRAL",
    "PALETTE",
    "POSITIVE",
    "UNKNOWN",
    "MonthlyReport",
    "ReportError",
    "Series",
    "bar_chart",
    "build_dashboard",
    "build_monthly_report",
    "department_name",
    "donut",
    "filename",
    "hours",
    "layout",
    "line_chart",
    "number",
    "pct",
    "ranked_bars",
    "render",
    "render_fragment",
    "render_report",
    "report_css",
    "sparkline",
    "unanswered_3m_where",
    "unpublished_where",
]
