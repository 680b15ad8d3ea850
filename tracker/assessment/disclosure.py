"""Table 三 of the 政府信息公开工作年度报告 (国办公开办函〔2021〕30号 format):
收到和处理政府信息公开申请情况.

Read from the disclosure ledger, as known at ``as_of``:

- 本年新收: applications received in the year (local days);
- 上年结转: received before the year and not concluded before it;
- 本年度办理结果: applications concluded in the year, on the row of their reply type
  (:data:`tracker.vocabulary.REPLY_TYPES` names each type's row); an application is
  concluded when answered (``replied_at``) or, without an answer, closed (``closed_at``:
  视为撤回 after no 补正, whose type is 逾期不补正 — so withdrawn applications count here,
  unlike in the reply-time metrics, because the template has a row for them);
- 结转下年度: received by the year's end and not concluded by it.

Columns are the applicant types (:data:`tracker.ledger.APPLICANT_TYPES`). Every cell keeps
the ids of the entries it counts, so a page can list them. An application concluded in the
year whose reply type or applicant type has no place in the table is listed apart, never
dropped; the balance 新收 + 上年结转 = 总计 + 结转下年度 then fails by that many, and says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tracker.assessment.yearly import year_period
from tracker.ledger import APPLICANT_TYPES
from tracker.models import Department, LedgerEntry
from tracker.settings import Settings
from tracker.vocabulary import REPLY_TYPES, Kind, reply_type


@dataclass(frozen=True)
class Row:
    """A row of table 三: its key (for links), its words, and how it is drawn."""

    key: str
    label: str
    #: "count" (a row of numbers), "group" (a heading over its numbered rows), "item" (a
    #: numbered row under a heading).
    role: str = "count"
    #: The ``ReplyType.report_row`` this row counts (result rows only).
    report_row: str | None = None


def _result(key: str, group: str, label: str) -> Row:
    if not group:
        return Row(key, label, report_row=label)
    return Row(key, label, "item", report_row=f"{group} {label}")


_WITHHELD, _UNABLE = "（三）不予公开", "（四）无法提供"
_IGNORED, _OTHER = "（五）不予处理", "（六）其他处理"
ROWS: tuple[Row, ...] = (
    Row("new", "一、本年新收政府信息公开申请数量"),
    Row("carried_in", "二、上年结转政府信息公开申请数量"),
    Row("results", "三、本年度办理结果", "group"),
    _result("disclosed", "", "（一）予以公开"),
    _result("partly", "", "（二）部分公开"),
    Row("withheld", _WITHHELD, "group"),
    *(_result(f"withheld_{i}", _WITHHELD, label) for i, label in enumerate((
        "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
        "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
        "7.属于行政执法案卷", "8.属于行政查询事项"), start=1)),
    Row("unable", _UNABLE, "group"),
    *(_result(f"unable_{i}", _UNABLE, label) for i, label in enumerate((
        "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"),
        start=1)),
    Row("ignored", _IGNORED, "group"),
    *(_result(f"ignored_{i}", _IGNORED, label) for i, label in enumerate((
        "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息"), start=1)),
    Row("other", _OTHER, "group"),
    *(_result(f"other_{i}", _OTHER, label) for i, label in enumerate((
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他"), start=1)),
    Row("total", "（七）总计"),
    Row("carried_out", "四、结转下年度继续办理"),
)
ROW_BY_KEY = {row.key: row for row in ROWS}
RESULT_ROWS = tuple(row for row in ROWS if row.report_row)
ROW_OF_REPORT_ROW = {row.report_row: row.key for row in RESULT_ROWS}
#: Reply type code → result row key (every type of the vocabulary has one).
ROW_OF_TYPE = {t.code: ROW_OF_REPORT_ROW[t.report_row] for t in REPLY_TYPES}

NATURAL = APPLICANT_TYPES[0]
ORGANISATIONS = APPLICANT_TYPES[1:]
#: Column keys: the applicant types, then the total.
COLUMNS = (*APPLICANT_TYPES, "总计")


@dataclass
class Unmapped:
    """An application concluded in the year that the table cannot place, and why."""

    id: int
    title: str
    reason: str


@dataclass
class DisclosureTable:
    """Table 三 of one year: every cell's entry ids, and what could not be placed."""

    year: int
    as_of: datetime
    cells: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    unmapped: list[Unmapped] = field(default_factory=list)

    def ids(self, row: str, column: str) -> list[int]:
        """The ids of the entries counted in a cell (the 总计 column: the whole row)."""
        if column == "总计":
            return sorted(i for c in APPLICANT_TYPES for i in self.cells.get((row, c), []))
        return sorted(self.cells.get((row, column), []))

    def count(self, row: str, column: str) -> int:
        """The number in a cell."""
        return len(self.ids(row, column))

    def imbalance(self, column: str = "总计") -> int:
        """新收 + 上年结转 − 总计 − 结转下年度 (0 when the column balances)."""
        return (self.count("new", column) + self.count("carried_in", column)
                - self.count("total", column) - self.count("carried_out", column))

    def grid(self) -> list[tuple[Row, list[int] | None]]:
        """Each row with its numbers by column (None for a heading row)."""
        return [(row, None if row.role == "group" else [self.count(row.key, c) for c in COLUMNS])
                for row in ROWS]

    def to_json(self) -> dict:
        """Counts by row key and column, plus the unplaced applications."""
        return {"year": self.year, "as_of": self.as_of.isoformat(timespec="seconds"),
                "rows": {row.key: {c: self.count(row.key, c) for c in COLUMNS}
                         for row in ROWS if row.role != "group"},
                "unmapped": [vars(u) for u in self.unmapped],
                "balanced": all(self.imbalance(c) == 0 for c in COLUMNS)}


def _concluded(entry_row, as_of: datetime) -> datetime | None:
    """When the application was concluded (answered, else closed), if by ``as_of``."""
    at = entry_row.replied_at or entry_row.closed_at
    return at if at is not None and at <= as_of else None


def _place(table: DisclosureTable, row, lower: datetime, upper: datetime,
           as_of: datetime) -> None:
    """Count one entry in every row it belongs to, or list it as unplaced."""
    column = row.applicant_type
    done = _concluded(row, as_of)
    if column not in APPLICANT_TYPES:
        table.unmapped.append(Unmapped(row.id, row.title, "申请人类型未填写或不在表格栏目中"))
        return
    keys = []
    if row.received_at >= lower:
        keys.append("new")
    elif done is None or done >= lower:
        keys.append("carried_in")
    if done is not None and lower <= done < upper:
        result = ROW_OF_TYPE.get(row.reply_type or "")
        if result is None:
            found = reply_type(row.reply_type)
            table.unmapped.append(Unmapped(row.id, row.title, "已办结但未填写答复类型"
                                           if found is None else "答复类型无对应表格行"))
        else:
            keys += [result, "total"]
    if done is None or done >= upper:
        keys.append("carried_out")
    for key in keys:
        table.cells.setdefault((key, column), []).append(row.id)


def disclosure_table(session: Session, year: int, settings: Settings,
                     as_of: datetime | None = None) -> DisclosureTable:
    """Table 三 of ``year`` from the disclosure ledger, as known at ``as_of``."""
    as_of = as_of or datetime.now(UTC)
    lower, upper = year_period(year).utc_bounds(settings.tz)
    e = LedgerEntry
    # Entries received by the year's end and not concluded before it began; the conclusion
    # time is checked in Python against as_of, which a later reply must not hide.
    stmt = (select(e.id, e.title, e.applicant_type, e.reply_type, e.received_at, e.replied_at,
                   e.closed_at)
            .where(e.kind == Kind.DISCLOSURE.value, e.received_at < upper,
                   or_(e.replied_at.is_(None), e.replied_at >= lower),
                   or_(e.replied_at.is_not(None), e.closed_at.is_(None), e.closed_at >= lower))
            .order_by(e.id))
    table = DisclosureTable(year, as_of)
    for row in session.execute(stmt):
        _place(table, row, lower, upper, as_of)
    return table


@dataclass
class CellEntry:
    """One entry a cell counts, as the drill-down page lists it."""

    id: int
    title: str
    applicant: str | None
    applicant_type: str | None
    department: str | None
    received_at: datetime
    concluded_at: datetime | None
    reply_type: str


def cell_entries(session: Session, ids: list[int]) -> list[CellEntry]:
    """The entries with ``ids``, in id order, for a cell's list."""
    if not ids:
        return []
    e = LedgerEntry
    stmt = (select(e, Department.name).outerjoin(Department, Department.id == e.lead_department_id)
            .where(e.id.in_(ids)).order_by(e.id))
    out = []
    for entry, dept in session.execute(stmt):
        found = reply_type(entry.reply_type)
        out.append(CellEntry(entry.id, entry.title, entry.applicant, entry.applicant_type, dept,
                             entry.received_at, entry.replied_at or entry.closed_at,
                             found.label if found else "（未填写）"))
    return out


def columns_by_group() -> dict[str, list[str]]:
    """The column headers' grouping: 自然人, 法人或其他组织 (its five types), 总计."""
    groups: dict[str, list[str]] = defaultdict(list)
    groups[NATURAL].append(NATURAL)
    groups["法人或其他组织"].extend(ORGANISATIONS)
    groups["总计"].append("总计")
    return dict(groups)
