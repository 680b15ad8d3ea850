"""The yearly assessment and the 政府信息公开 annual tables as Excel workbooks.

Figures are real numbers (rates as fractions shown in percent, hours as decimals); text
from outside (titles, names) is a string cell neutralised with :func:`excel_text`. The
disclosure workbook carries a 明细 sheet naming, for every entry, the rows and column it is
counted in, so each number of 表三 can be traced in the workbook itself.
"""

from __future__ import annotations

from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracker.assessment.disclosure import (
    COLUMNS,
    ORGANISATIONS,
    ROW_BY_KEY,
    DisclosureTable,
    cell_entries,
)
from tracker.assessment.html import COLUMNS as YEAR_COLUMNS
from tracker.assessment.html import DEFINITIONS, value
from tracker.assessment.remedies import PROCEEDINGS, RESULTS, RemedyTable
from tracker.assessment.yearly import Assessment
from tracker.ledger import excel_text

FONT_NAME = "宋体"
HEADER = Font(name=FONT_NAME, bold=True)
BODY = Font(name=FONT_NAME)
TITLE = Font(name=FONT_NAME, bold=True, size=14)
FILL = PatternFill("solid", fgColor="F0F3F6")
FORMATS = {"pct": "0.0%", "hours": "0.0", "num": "0", "score": "0.0"}
HOURS_HEADER = {"hours": "（小时）"}


def _header(ws: Worksheet, row: int, labels: list[str]) -> None:
    for col, label in enumerate(labels, start=1):
        c = ws.cell(row=row, column=col, value=label)
        c.font, c.fill = HEADER, FILL
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _save(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def year_workbook(a: Assessment, tz: ZoneInfo) -> bytes:
    """The assessment: one row per department, the total, and the definitions."""
    wb = Workbook()
    ws = wb.active
    ws.title = "年度考核"
    ws.cell(row=1, column=1, value=a.title).font = TITLE
    as_of = a.as_of.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    ws.cell(row=2, column=1, value=f"统计期间：{a.year}年1月1日至12月31日　数据截至：{as_of}")
    _header(ws, 4, ["责任部门", "排名", *(label + HOURS_HEADER.get(f, "")
                                          for label, _, f in YEAR_COLUMNS)])
    rows = [*a.departments, *([a.total] if a.total not in a.departments else [])]
    for r, dept in enumerate(rows, start=5):
        ws.cell(row=r, column=1, value=excel_text(dept.department)).font = BODY
        ws.cell(row=r, column=2, value=dept.rank)
        for col, (_, attr, fmt) in enumerate(YEAR_COLUMNS, start=3):
            raw = value(dept, attr)
            if fmt == "score" and raw is not None:
                raw = raw * 100  # shown in the same 百分制 as the page
            c = ws.cell(row=r, column=col, value=raw)
            c.number_format = FORMATS[fmt]
    ws.freeze_panes = "B5"
    _widths(ws, [22, 6, *([11] * len(YEAR_COLUMNS))])
    notes = wb.create_sheet("口径说明")
    notes.cell(row=1, column=1, value=a.ranking_note)
    for r, line in enumerate(DEFINITIONS, start=3):
        notes.cell(row=r, column=1, value=line)
    notes.column_dimensions["A"].width = 120
    return _save(wb)


def _table_three(ws: Worksheet, table: DisclosureTable) -> None:
    title = f"{table.year}年 三、收到和处理政府信息公开申请情况"
    ws.cell(row=1, column=1, value=title).font = TITLE
    ws.cell(row=3, column=1, value="本列数据的勾稽关系为：第一项加第二项之和，"
                                   "等于第三项加第四项之和")
    _header(ws, 4, ["", "申请人情况", "", "", "", "", "", ""])
    _header(ws, 5, ["", "自然人", "法人或其他组织", "", "", "", "", "总计"])
    _header(ws, 6, ["", "", *ORGANISATIONS, ""])
    ws.merge_cells("A4:A6")
    ws.merge_cells("B4:H4")
    ws.merge_cells("B5:B6")
    ws.merge_cells("C5:G5")
    ws.merge_cells("H5:H6")
    for r, (row, counts) in enumerate(table.grid(), start=7):
        ws.cell(row=r, column=1, value=row.label).font = HEADER if row.role == "group" else BODY
        for col, count in enumerate(counts or [], start=2):
            ws.cell(row=r, column=col, value=count).number_format = "0"
    _widths(ws, [52, 9, 9, 9, 11, 11, 9, 9])


def _table_four(ws: Worksheet, remedies: RemedyTable) -> None:
    title = f"{remedies.year}年 四、政府信息公开行政复议、行政诉讼情况"
    ws.cell(row=1, column=1, value=title).font = TITLE
    results = [label for _, label in RESULTS] + ["总计"]
    _header(ws, 3, ["", *results])
    for r, (proceeding, label) in enumerate(PROCEEDINGS, start=4):
        ws.cell(row=r, column=1, value=label).font = BODY
        counts = [remedies.count(proceeding, key) for key, _ in RESULTS]
        for col, count in enumerate([*counts, remedies.total(proceeding)], start=2):
            ws.cell(row=r, column=col, value=count).number_format = "0"
    note = (f"由工作人员录入：{remedies.updated_by or '—'}，"
            f"{remedies.updated_at:%Y-%m-%d %H:%M}（协调世界时）" if remedies.entered
            else "本年度尚未录入行政复议、行政诉讼数据。")
    ws.cell(row=8, column=1, value=note)
    _widths(ws, [30, 11, 11, 11, 11, 9])


def _details(ws: Worksheet, session, table: DisclosureTable, tz: ZoneInfo) -> None:
    _header(ws, 1, ["台账编号", "申请事项", "申请人类型", "受理时间", "办结时间", "答复类型",
                    "计入的行", "计入的列"])
    rows_of: dict[int, list[str]] = {}
    for (row_key, _column), ids in sorted(table.cells.items()):
        for entry_id in ids:
            rows_of.setdefault(entry_id, []).append(ROW_BY_KEY[row_key].label)
    unmapped = {u.id: u.reason for u in table.unmapped}
    for r, e in enumerate(cell_entries(session, sorted({*rows_of, *unmapped})), start=2):
        done = e.concluded_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if e.concluded_at else ""
        rows = "；".join(rows_of.get(e.id, []))
        if e.id in unmapped:
            rows = "；".join(filter(None, [rows, f"未能计入办理结果：{unmapped[e.id]}"]))
        for col, text in enumerate([e.id, excel_text(e.title), e.applicant_type or "",
                                    e.received_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                                    done, e.reply_type, rows,
                                    e.applicant_type if e.applicant_type in COLUMNS else ""],
                                   start=1):
            ws.cell(row=r, column=col, value=text)
    ws.freeze_panes = "A2"
    _widths(ws, [9, 40, 12, 17, 17, 30, 50, 12])


def disclosure_workbook(session, table: DisclosureTable, remedies: RemedyTable,
                        tz: ZoneInfo) -> bytes:
    """表三 and 表四 of the annual report, and the entries behind every number of 表三."""
    wb = Workbook()
    _table_three(wb.active, table)
    wb.active.title = "表三 申请情况"
    _table_four(wb.create_sheet("表四 复议诉讼"), remedies)
    _details(wb.create_sheet("明细"), session, table, tz)
    return _save(wb)
