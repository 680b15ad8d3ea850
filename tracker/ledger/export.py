"""Excel export of the ledger with the template columns of RULES.md §5.

Times are real Excel dates (local time; openpyxl gives datetimes a date format), numbers
are numbers. The sheet is written in
openpyxl's write-only mode from a streamed Core query, so 100,000 rows stay fast and small
in memory. Text from crawls and citizens is written as text, never as a formula.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, tzinfo
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from tracker.deadlines.compute import is_overdue
from tracker.deadlines.rules import KIND_LABELS, LEVEL_LABELS, Kind, Level
from tracker.ledger.decisions import Actor
from tracker.ledger.query import LedgerFilter, conditions, order_by
from tracker.ledger.states import status_label
from tracker.models import Department
from tracker.models.ledger import LedgerDepartment, LedgerEntry

E = LedgerEntry

#: (header, column width); the first sixteen follow the district 舆情台账 template.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 7), ("编号", 9), ("类型", 10), ("标题", 40), ("来源/平台", 16), ("链接", 30),
    ("发现时间", 17), ("首发时间", 17), ("收到时间", 17), ("涉及单位", 16), ("等级", 8),
    ("主要内容", 50), ("处置情况", 50), ("回应时间", 17), ("回应方式", 12), ("责任单位", 18),
    ("协办单位", 18), ("责任人", 10), ("截止时间", 17), ("是否超期", 9), ("办结情况", 10),
    ("办结时间", 17), ("满意度", 9), ("延期工作日", 10), ("备注", 30),
)
MAX_TEXT = 32000  # Excel's cell limit is 32,767 characters
FIELDS = (E.id, E.kind, E.title, E.source_name, E.url, E.found_at, E.first_published_at,
          E.received_at, E.involved_units, E.level, E.summary, E.reply_summary, E.replied_at,
          E.reply_channel, E.responsible_person, E.due_at, E.status, E.closed_at,
          E.satisfaction, E.extension_days, E.note, E.paused_since)


def safe_text(value: str | None) -> str | None:
    """Untrusted text as plain text: no formula, within the cell limit."""
    if value is None:
        return None
    value = value[:MAX_TEXT]
    return "'" + value if value.startswith("=") else value


def _co_departments(session: Session) -> dict[int, str]:
    names: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(LedgerDepartment.entry_id, Department.name)
        .join(Department, Department.id == LedgerDepartment.department_id)
        .where(LedgerDepartment.removed_at.is_(None)))
    for entry_id, name in rows:
        names[entry_id].append(name)
    return {k: "、".join(v) for k, v in names.items()}


def _row(number: int, r: Any, lead: str | None, co: str | None, now: datetime,
         local) -> list[Any]:
    done = r.replied_at or r.closed_at
    overdue = "" if r.due_at is None or r.paused_since else (
        "是" if is_overdue(r.due_at, now, done) else "否")
    level = LEVEL_LABELS.get(Level(r.level)) if r.level else None
    return [
        number, r.id, KIND_LABELS[Kind(r.kind)], safe_text(r.title), safe_text(r.source_name),
        safe_text(r.url), local(r.found_at), local(r.first_published_at), local(r.received_at),
        safe_text(r.involved_units), level, safe_text(r.summary), safe_text(r.reply_summary),
        local(r.replied_at), r.reply_channel, lead, co, safe_text(r.responsible_person),
        local(r.due_at), overdue, status_label(r.kind, r.status), local(r.closed_at),
        r.satisfaction, r.extension_days or None, safe_text(r.note),
    ]


def iter_rows(session: Session, filters: LedgerFilter, actor: Actor, *, now: datetime,
              tz: tzinfo, sort: str = "-received") -> Iterator[list[Any]]:
    """The export rows, streamed from the database in the list's order."""
    lead = aliased(Department)
    stmt = (select(*FIELDS, lead.name.label("lead_name"))
            .outerjoin(lead, lead.id == E.lead_department_id)
            .where(*conditions(filters, actor, now, tz)).order_by(*order_by(sort))
            .execution_options(yield_per=2000))
    co = _co_departments(session)

    def local(value: datetime | None) -> datetime | None:
        return value.astimezone(tz).replace(tzinfo=None) if value else None

    for number, r in enumerate(session.execute(stmt), start=1):
        yield _row(number, r, r.lead_name, co.get(r.id), now, local)


def write_xlsx(session: Session, filters: LedgerFilter, actor: Actor, out: IO[bytes], *,
               now: datetime, tz: tzinfo, sort: str = "-received") -> int:
    """Write the filtered ledger to ``out`` as XLSX; return the number of rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    for index, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in iter_rows(session, filters, actor, now=now, tz=tz, sort=sort):
        sheet.append(row)
        count += 1
    book.save(out)
    return count
