"""The monthly report as HTML: a standalone page, a fragment for the web app, and the
print variant WeasyPrint turns into the A4 PDF. Charts are inline SVG.

Charts are drawn for the size they are read at, so their text stays legible: on screen a
wide set (two charts side by side, from 900 px) and a narrow set (one column on a phone)
that the stylesheet switches between; in print one chart per row across the A4 text width
(180 mm), where a 13-unit font on a 680-unit canvas is about 9.7 pt.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class ChartSize:
    """A canvas (SVG units) and its font size, chosen for the width it is shown at."""

    width: int
    height: int
    text: int


#: wide: about 540 px on screen (13 units ≈ 12.5 px); narrow: about 340 px on a phone
#: (14 units ≈ 13 px); print: 180 mm (13 units ≈ 9.7 pt).
SIZES = {"wide": ChartSize(560, 320, 13), "narrow": ChartSize(360, 300, 14),
         "print": ChartSize(680, 270, 13)}

#: The columns of every metric table: (header, Metrics attribute, filter).
METRIC_COLUMNS = (
    ("受理", "received", "num"), ("已答复", "replied", "num"), ("答复率", "reply_rate", "pct"),
    ("答复用时中位数（小时）", "median_reply_hours", "num"),
    ("第90百分位数（小时）", "p90_reply_hours", "num"),
    ("平均用时（小时）", "mean_reply_hours", "num"),
    ("工作日中位数", "median_reply_workdays", "num"),
    ("首次响应平均（小时）", "mean_ack_hours", "num"),
    ("按期办结率", "on_time_rate", "pct"), ("超期未办结", "overdue_open", "num"),
    ("满意率", "satisfaction_rate", "pct"),
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment of the report templates (autoescaped)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(pct=words.pct, hours=words.hours, num=words.number,
                       workdays=words.workdays)
    env.globals["KIND_LABELS"] = {str(k): v for k, v in KIND_LABELS.items()}
    env.globals["METRIC_COLUMNS"] = METRIC_COLUMNS
    return env


def report_css() -> str:
    """The report's stylesheet (inlined in the standalone page and the web page)."""
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Figure:
    """One numbered chart, or the sentence saying why there is nothing to draw."""

    title: str
    svg: Markup | None = None
    empty: str = ""


def report_charts(report: MonthlyReport, size: ChartSize) -> list[Figure]:
    """The four report charts as inline SVG at ``size`` (图1–图4)."""
    months = [key[2:].replace("-", "/") for key, _ in report.trend]
    trend = [m for _, m in report.trend]
    kw = {"width": size.width, "height": size.height, "text": size.text}
    replied = sum(n for _, n in report.distribution)
    any_trend = any(m.received for m in trend)
    figures = [
        ("图1　本月答复用时分布", replied, "本月受理的事项尚无答复，没有答复用时分布。",
         lambda t: charts.bar_chart(
             [label for label, _ in report.distribution],
             [charts.Series("答复件数", [n for _, n in report.distribution])],
             title=t, unit="件", **kw)),
        ("图2　近12个月受理与答复件数", any_trend, "近12个月无受理事项。",
         lambda t: charts.bar_chart(months, [
             charts.Series("受理", [m.received for m in trend]),
             charts.Series("已答复", [m.replied for m in trend], "#1a7f37")],
             title=t, unit="件", **kw)),
        ("图3　近12个月答复用时（小时）", any(m.replied for m in trend),
         "近12个月无已答复事项，没有答复用时。",
         lambda t: charts.line_chart(months, [
             charts.Series("中位数", [m.median_reply_hours for m in trend]),
             charts.Series("第90百分位数", [m.p90_reply_hours for m in trend], "#b42318")],
             title=t, unit="小时", **kw)),
        ("图4　近12个月按期办结率与答复率", any_trend, "近12个月无受理事项。",
         lambda t: charts.line_chart(months, [
             charts.Series("按期办结率", [m.on_time_rate for m in trend], "#1a7f37"),
             charts.Series("答复率", [m.reply_rate for m in trend])],
             title=t, percent=True, **kw)),
    ]
    return [Figure(title, Markup(draw(title))) if has_data else Figure(title, empty=why)
            for title, has_data, why, draw in figures]


def _context(report: MonthlyReport, print_mode: bool) -> dict:
    tz = ZoneInfo(report.tz_name)

    def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return "" if value is None else value.astimezone(tz).strftime(fmt)

    if print_mode:
        sets = {"print": report_charts(report, SIZES["print"])}
    else:
        sets = {name: report_charts(report, SIZES[name]) for name in ("wide", "narrow")}
    return {"r": report, "m": report.month.total, "chart_sets": sets, "local": local,
            "print_mode": print_mode, "words": words,
            "zone": words.zone_name(report.tz_name)}


def render_fragment(report: MonthlyReport) -> Markup:
    """The report body, for embedding in a page of the web app."""
    return Markup(environment().get_template("report_body.html").render(
        **_context(report, print_mode=False)))


def render_html(report: MonthlyReport, *, print_mode: bool = False) -> str:
    """The report as one self-contained HTML document (UTF-8, inline CSS and SVG)."""
    return environment().get_template("report.html").render(
        css=Markup(report_css()), **_context(report, print_mode))
