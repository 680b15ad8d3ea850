"""The monthly report as HTML: a standalone page, a fragment for the web app, and the
print variant WeasyPrint turns into the A4 PDF. Charts are inline SVG."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from tracker.reports import charts, words
from tracker.reports.data import MonthlyReport
from tracker.vocabulary import KIND_LABELS

TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment of the report templates (autoescaped)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(pct=words.pct, hours=words.hours, num=words.number,
                       workdays=words.workdays)
    env.globals["KIND_LABELS"] = {str(k): v for k, v in KIND_LABELS.items()}
    return env


def report_css() -> str:
    """The report's stylesheet (inlined in the standalone page and the web page)."""
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def report_charts(report: MonthlyReport, width: int = 720) -> dict[str, Markup]:
    """The four report charts as inline SVG (narrower for print: larger text on paper)."""
    months = [key[2:].replace("-", "/") for key, _ in report.trend]
    trend = [m for _, m in report.trend]
    dist_labels = [label for label, _ in report.distribution]
    return {
        "distribution": Markup(charts.bar_chart(
            dist_labels, [charts.Series("答复件数", [n for _, n in report.distribution])],
            title="本月答复用时分布", unit="件", width=width)),
        "volume": Markup(charts.bar_chart(months, [
            charts.Series("受理", [m.received for m in trend]),
            charts.Series("已答复", [m.replied for m in trend], "#1a7f37")],
            title="近12个月受理与答复件数", unit="件", width=width)),
        "speed": Markup(charts.line_chart(months, [
            charts.Series("中位数", [m.median_reply_hours for m in trend]),
            charts.Series("P90", [m.p90_reply_hours for m in trend], "#b42318")],
            title="近12个月答复用时（小时）", unit="小时", width=width)),
        "on_time": Markup(charts.line_chart(months, [
            charts.Series("按期办结率", [m.on_time_rate for m in trend], "#1a7f37"),
            charts.Series("答复率", [m.reply_rate for m in trend])],
            title="近12个月按期办结率与答复率", percent=True, width=width)),
    }


def _context(report: MonthlyReport, print_mode: bool) -> dict:
    tz = ZoneInfo(report.tz_name)

    def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return "" if value is None else value.astimezone(tz).strftime(fmt)

    charts_ = report_charts(report, 520 if print_mode else 720)
    return {"r": report, "m": report.month.total, "charts": charts_,
            "local": local, "print_mode": print_mode}


def render_fragment(report: MonthlyReport) -> Markup:
    """The report body, for embedding in a page of the web app."""
    return Markup(environment().get_template("report_body.html").render(
        **_context(report, print_mode=False)))


def render_html(report: MonthlyReport, *, print_mode: bool = False) -> str:
    """The report as one self-contained HTML document (UTF-8, inline CSS and SVG)."""
    return environment().get_template("report.html").render(
        css=Markup(report_css()), **_context(report, print_mode))
