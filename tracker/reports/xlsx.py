"""The monthly report as an Excel workbook a clerk can keep working in.

One sheet per table; every figure is a real number (rates as fractions shown in percent,
hours as decimals), every time a real date-time in the local zone (Excel has no zones),
headers frozen and filterable, and the two charts are native Excel charts over the sheets'
own cells, so they follow any correction the clerk makes. Every text is a string cell and
never a formula: titles and names come from citizens and crawls (``excel_text``).
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracker.ledger import excel_text
from tracker.metrics import Metrics
from tracker.reports import words
from tracker.reports.data import EntryList, MonthlyReport
from tracker.vocabulary import KIND_LABELS

FONT_NAME = "宋体"  # present on every Chinese Windows; LibreOffice substitutes Noto CJK
DATE_FORMAT = "yyyy-mm-dd hh:mm"
PCT, HOURS, COUNT = "0.0%", "0.0", "0"
HEADER_FILL = PatternFill("solid", fgColor="F0F3F6")

#: (header, Metrics attribute, number format) of every metric table.
METRIC_COLUMNS = (
    ("受理", "received", COUNT), ("已答复", "replied", COUNT), ("答复率", "reply_rate", PCT),
    ("用时中位数（小时）", "median_reply_hours", HOURS),
    ("第90百分位数（小时）", "p90_reply_hours", HOURS),
    ("平均用时（小时）", "mean_reply_hours", HOURS),
    ("工作日中位数", "median_reply_workdays", HOURS),
    ("工作日第90百分位数", "p90_reply_workdays", HOURS),
    ("首次响应中位数（小时，仅合计）", "median_ack_hours", HOURS),
    ("首次响应平均（小时）", "mean_ack_hours", HOURS),
    ("按期办结", "on_time", COUNT), ("按期办结率", "on_time_rate", PCT),
    ("超期未办结", "overdue_open", COUNT), ("已办结", "closed", COUNT),
    ("已公开", "published", COUNT), ("回访评价", "satisfaction_rated", COUNT),
    ("满意率", "satisfaction_rate", PCT),
)


HEADER_FONT = Font(name=FONT_NAME, bold=True)
BODY_FONT = Font(name=FONT_NAME)
WIDTH_SAMPLE = 200  # rows looked at for column widths


class _Writer:
    """Appends rows with number formats and remembers column widths.

    It counts rows itself: ``Worksheet.max_row`` walks every cell, which made a 20,000-row
    list quadratic. Fonts are set on headers and the short tables only; long lists keep the
    workbook's default font (Excel shows Chinese through its East Asian fallback).
    """

    def __init__(self, ws: Worksheet, tz: ZoneInfo, styled: bool = True) -> None:
        self.ws, self.tz, self.styled = ws, tz, styled
        self.rows = 0
        self.widths: dict[int, int] = {}

    def value(self, value):
        """Aware datetimes become naive local times (Excel stores no zone); text is text."""
        if isinstance(value, datetime):
            return value.astimezone(self.tz).replace(tzinfo=None)
        if isinstance(value, str):
            return excel_text(value)
        return value

    def row(self, values: list, formats: list[str | None] | None = None,
            header: bool = False) -> None:
        """Append one row."""
        self.ws.append([self.value(v) for v in values])
        self.rows += 1
        for i, value in enumerate(values, start=1):
            fmt = formats[i - 1] if formats and not header else None
            if fmt is None and isinstance(value, datetime):
                fmt = DATE_FORMAT
            if not (header or fmt or self.styled):
                continue
            cell = self.ws.cell(row=self.rows, column=i)
            if header:
                cell.font, cell.fill = HEADER_FONT, HEADER_FILL
                cell.alignment = Alignment(wrap_text=True)
            elif self.styled:
                cell.font = BODY_FONT
            if fmt and value is not None:
                cell.number_format = fmt
        if self.rows <= WIDTH_SAMPLE:
            for i, value in enumerate(values, start=1):
                width = 18 if isinstance(value, datetime) else min(len(str(value or "")) * 2 + 2,
                                                                   60)
                self.widths[i] = max(self.widths.get(i, 8), width)

    def finish(self, header_row: int = 1) -> None:
        """Column widths, frozen header, filter."""
        for i, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(i)].width = width
        if self.rows > header_row:
            self.ws.freeze_panes = self.ws.cell(row=header_row + 1, column=1)
            last = get_column_letter(max(self.widths, default=1))
            self.ws.auto_filter.ref = f"A{header_row}:{last}{self.rows}"


def _metric_values(m: Metrics) -> list:
    return [getattr(m, attr) for _, attr, _ in METRIC_COLUMNS]


def _metric_formats() -> list[str]:
    return [fmt for _, _, fmt in METRIC_COLUMNS]


def _summary_sheet(wb: Workbook, report: MonthlyReport, tz: ZoneInfo) -> None:
    ws = wb.active
    ws.title = "概要"
    w = _Writer(ws, tz)
    w.row([report.title], header=True)
    w.row(["统计期间", report.period.start, report.period.end], [None, "yyyy-mm-dd", "yyyy-mm-dd"])
    w.row([f"数据截至（{words.zone_name(report.tz_name)}）", report.as_of])
    for paragraph in report.summary:
        w.row([paragraph])
        ws.cell(row=w.rows, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    w.row([])
    first = w.rows + 1
    w.row(["期间", *(h for h, _, _ in METRIC_COLUMNS)], header=True)
    previous, last_year = report.period.shifted_months(-1), report.period.shifted_months(-12)
    for label, m in ((f"本月（{words.month_name(report.period)}）", report.month.total),
                     (f"上月（{words.month_name(previous)}，环比）", report.previous),
                     (f"去年同月（{words.month_name(last_year)}，同比）", report.last_year)):
        w.row([label, *_metric_values(m)], [None, *_metric_formats()])
    w.finish(header_row=first)
    _notes(ws, w, report)
    ws.column_dimensions["A"].width = 100


def _notes(ws: Worksheet, w: _Writer, report: MonthlyReport) -> None:
    """The definitions under the summary table (plain text rows, no filter)."""
    row = w.rows + 2
    ws.cell(row=row, column=1, value="指标说明").font = HEADER_FONT
    for i, text in enumerate(words.definitions(report), start=1):
        cell = ws.cell(row=row + i, column=1, value=excel_text(f"{i}. {text}"))
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _kind_sheet(wb: Workbook, report: MonthlyReport, tz: ZoneInfo) -> None:
    w = _Writer(wb.create_sheet("分类型"), tz)
    w.row(["类型", *(h for h, _, _ in METRIC_COLUMNS)], header=True)
    for kind, m in report.by_kind.items():
        w.row([KIND_LABELS.get(kind, kind), *_metric_values(m)], [None, *_metric_formats()])
    w.finish()


def _department_sheet(wb: Workbook, report: MonthlyReport, tz: ZoneInfo) -> None:
    ws = wb.create_sheet("分部门")
    w = _Writer(ws, tz)
    w.row(["排名", "部门", *(h for h, _, _ in METRIC_COLUMNS)], header=True)
    for d in report.month.by_department:
        w.row([d.rank, d.department, *_metric_values(d)], [COUNT, None, *_metric_formats()])
    w.finish()
    ws.cell(row=w.rows + 2, column=1, value=excel_text(words.ranking_sentence(report.month)))


def _distribution_sheet(wb: Workbook, report: MonthlyReport, tz: ZoneInfo) -> None:
    ws = wb.create_sheet("答复用时分布")
    w = _Writer(ws, tz)
    w.row(["答复用时", "件数"], header=True)
    for label, count in report.distribution:
        w.row([label, count], [None, COUNT])
    w.finish()
    chart = BarChart()
    chart.title, chart.y_axis.title = "本月答复用时分布", "件数"
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=w.rows), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=w.rows))
    ws.add_chart(chart, "D2")


def _trend_sheet(wb: Workbook, report: MonthlyReport, tz: ZoneInfo) -> None:
    ws = wb.create_sheet("月度趋势")
    w = _Writer(ws, tz)
    w.row(["月份", *(h for h, _, _ in METRIC_COLUMNS)], header=True)
    for month, m in report.trend:
        w.row([month, *_metric_values(m)], [None, *_metric_formats()])
    w.finish()
    chart = LineChart()
    chart.title, chart.y_axis.title = "近12个月答复用时（小时）", "小时"
    for col in (5, 6):  # median and 90th-percentile hours
        chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=w.rows),
                       titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=w.rows))
    ws.add_chart(chart, "B16")


LIST_COLUMNS = (
    ("编号", "id", COUNT), ("类型", "kind_label", None), ("标题", "title", None),
    ("责任部门", "department", None), ("责任人", "responsible", None), ("状态", "status", None),
    ("受理时间", "received_at", DATE_FORMAT), ("办理时限", "due_at", DATE_FORMAT),
    ("答复时间", "replied_at", DATE_FORMAT), ("超期天数", "overdue_days", HOURS),
)


def _list_sheet(wb: Workbook, title: str, listing: EntryList, tz: ZoneInfo) -> None:
    ws = wb.create_sheet(title)
    w = _Writer(ws, tz, styled=False)
    w.row([h for h, _, _ in LIST_COLUMNS], header=True)
    formats = [fmt for _, _, fmt in LIST_COLUMNS]
    for e in listing.rows:
        w.row([getattr(e, attr) for _, attr, _ in LIST_COLUMNS], formats)
    w.finish()
    if listing.total > len(listing.rows):
        ws.cell(row=w.rows + 2, column=1,
                value=f"共 {listing.total} 件，本表列出前 {len(listing.rows)} 件；"
                      "完整清单请在台账中按条件导出。")


def _hot_sheet(wb: Workbook, report: MonthlyReport, tz: ZoneInfo) -> None:
    w = _Writer(wb.create_sheet("热点舆情"), tz)
    w.row(["编号", "舆情", "等级", "相关信息条数", "牵头部门", "受理时间", "回应时间",
           "回应用时（小时）", "回应方式", "回应内容", "状态"], header=True)
    for e in report.hot:
        w.row([e.id or None, e.title, e.level, e.mentions, e.department, e.received_at,
               e.replied_at,
               e.reply_hours, e.reply_channel, e.reply_summary, e.status],
              [COUNT, None, None, COUNT, None, DATE_FORMAT, DATE_FORMAT, HOURS, None, None,
               None])
    w.finish()


def _quality_sheet(wb: Workbook, report: MonthlyReport, tz: ZoneInfo) -> None:
    w = _Writer(wb.create_sheet("答复质量"), tz)
    w.row(["部门", "已审签答复（件）", "相关性", "完整性", "可解释性", "综合得分", "常见问题"],
          header=True)
    for q in report.quality:
        problems = "；".join(f"{text}（{n} 件）" for text, n in q.common_problems) or "无"
        points = [round(v * 100, 1) for v in (q.relevance, q.completeness, q.interpretability,
                                              q.score)]  # 百分制, as the report page shows
        w.row([q.name, q.replies, *points, excel_text(problems)],
              [None, COUNT, HOURS, HOURS, HOURS, HOURS, None])
    w.finish()


def render_xlsx(report: MonthlyReport) -> bytes:
    """The workbook as bytes."""
    tz = ZoneInfo(report.tz_name)
    wb = Workbook()
    _summary_sheet(wb, report, tz)
    _kind_sheet(wb, report, tz)
    _department_sheet(wb, report, tz)
    _distribution_sheet(wb, report, tz)
    _trend_sheet(wb, report, tz)
    _list_sheet(wb, "超期未办结", report.overdue, tz)
    _hot_sheet(wb, report, tz)
    _list_sheet(wb, "三个月未答复", report.unanswered_3m, tz)
    _list_sheet(wb, "已答复未公开", report.unpublished, tz)
    _quality_sheet(wb, report, tz)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
