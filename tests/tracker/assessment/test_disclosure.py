"""Table 三 of the 政府信息公开 annual report against an independent count, cell by cell, and
table 四 as staff enter it; on SQLite and PostgreSQL (``session`` fixture)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.tracker.ledger.factory import local
from tracker.assessment import (
    COLUMNS,
    ROWS,
    RemedyError,
    disclosure_table,
    disclosure_workbook,
    parse_counts,
    remedy_table,
    save_remedies,
)
from tracker.models import AuditEvent, LedgerEntry
from tracker.vocabulary import REPLY_TYPES

AS_OF = local("2026-03-01 00:00")
YEAR_START, YEAR_END = local("2025-01-01 00:00"), local("2026-01-01 00:00")
APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")

#: Each reply type's row, written out from the template (RULES.md §7), not from the code.
EXPECTED_ROW = {
    "already_public": "（一）予以公开", "disclosed": "（一）予以公开", "partly": "（二）部分公开",
    "withheld_secret": "1.属于国家秘密", "withheld_law": "2.其他法律行政法规禁止公开",
    "withheld_safety": "3.危及“三安全一稳定”", "withheld_third_party": "4.保护第三方合法权益",
    "withheld_internal": "5.属于三类内部事务信息", "withheld_process": "6.属于四类过程性信息",
    "withheld_enforcement": "7.属于行政执法案卷", "withheld_query": "8.属于行政查询事项",
    "not_held": "1.本机关不掌握相关政府信息", "not_ours": "1.本机关不掌握相关政府信息",
    "needs_creation": "2.没有现成信息需要另行制作", "still_unclear": "3.补正后申请内容仍不明确",
    "complaint": "1.信访举报投诉类申请", "repeat": "2.重复申请",
    "publication": "3.要求提供公开出版物", "mass_requests": "4.无正当理由大量反复申请",
    "confirm_request": "5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "special_register": "3.其他",
}
GROUP_OF = {
    "withheld": "（三）不予公开",
    **dict.fromkeys(("not_held", "not_ours", "needs_creation", "still_unclear"), "（四）无法提供"),
    **dict.fromkeys(("complaint", "repeat", "publication", "mass_requests", "confirm_request"),
                    "（五）不予处理"),
    **dict.fromkeys(("other_no_correction", "special_register"), "（六）其他处理"),
}


def row_key(code: str) -> str:
    """The key of the table row whose words (under their group heading) name ``code``'s row."""
    group = GROUP_OF["withheld"] if code.startswith("withheld") else GROUP_OF.get(code)
    heading = None
    for row in ROWS:
        if row.role == "group":
            heading = row.label
        elif row.label == EXPECTED_ROW[code] and (group is None or heading == group):
            return row.key
    raise AssertionError(code)


def generate(session, seed: int, n: int = 300) -> list[LedgerEntry]:
    """Disclosure applications from late 2024 to early 2026, answered, withdrawn or open."""
    rnd = random.Random(seed)
    start = local("2024-10-01 00:00")
    out = []
    for _ in range(n):
        received = start + timedelta(hours=rnd.uniform(0, 24 * 520))
        code = rnd.choice([t.code for t in REPLY_TYPES])
        done = received + timedelta(days=rnd.uniform(1, 60))
        fate = rnd.random()
        entry = LedgerEntry(kind="disclosure", status="handling", title="申请公开某文件",
                            received_at=received, applicant_type=rnd.choice(APPLICANTS))
        if fate < 0.6:
            entry.status, entry.replied_at, entry.reply_type = "replied", done, code
        elif fate < 0.7:  # 视为撤回: closed without a reply, typed 逾期不补正
            entry.status, entry.closed_at = "withdrawn", done
            entry.reply_type = "other_no_correction"
        out.append(entry)
        session.add(entry)
    session.flush()
    return out


def independent(entries) -> Counter:
    """The table counted again, entry by entry, without tracker.assessment."""
    cells = Counter()
    for e in entries:
        done = e.replied_at or e.closed_at
        done = done if done is not None and done <= AS_OF else None
        col = e.applicant_type
        if e.received_at >= YEAR_END or (done is not None and done < YEAR_START):
            continue
        rows = ["new" if e.received_at >= YEAR_START else "carried_in"]
        if done is not None and YEAR_START <= done < YEAR_END:
            rows += [row_key(e.reply_type), "total"]
        if done is None or done >= YEAR_END:
            rows.append("carried_out")
        for r in rows:
            cells[(r, col)] += 1
            cells[(r, "总计")] += 1
    return cells


@pytest.mark.parametrize("seed", [1, 2])
def test_table_three_equals_an_independent_count_cell_by_cell(session, settings, seed):
    entries = generate(session, seed)
    table = disclosure_table(session, 2025, settings, as_of=AS_OF)
    expected = independent(entries)
    for row in ROWS:
        if row.role == "group":
            continue
        for col in COLUMNS:
            assert table.count(row.key, col) == expected[(row.key, col)], (row.label, col)
    assert table.unmapped == []
    assert all(table.imbalance(c) == 0 for c in COLUMNS)
    assert table.count("new", "总计") > 100 and table.count("carried_in", "总计") > 10
    assert table.count("other_1", "总计") > 0 and table.count("carried_out", "总计") > 0


def test_every_cell_names_the_entries_it_counts(session, settings):
    entries = generate(session, 3, n=80)
    table = disclosure_table(session, 2025, settings, as_of=AS_OF)
    by_id = {e.id: e for e in entries}
    for (row, col), ids in table.cells.items():
        assert all(by_id[i].applicant_type == col for i in ids)
        if row not in ("new", "carried_in", "carried_out", "total"):
            assert {row_key(by_id[i].reply_type) for i in ids} == {row}


def test_every_reply_type_has_its_template_row():
    for t in REPLY_TYPES:
        assert row_key(t.code)
    assert len([r for r in ROWS if r.role == "group"]) == 5
    assert len([r for r in ROWS if r.report_row]) == 2 + 8 + 3 + 5 + 3


def test_entries_the_table_cannot_place_are_listed_and_unbalance_it(session, settings):
    session.add_all([
        LedgerEntry(kind="disclosure", status="replied", title="没有答复类型",
                    applicant_type="自然人", received_at=local("2025-03-01 09:00"),
                    replied_at=local("2025-03-10 09:00")),
        LedgerEntry(kind="disclosure", status="replied", title="没有申请人类型",
                    received_at=local("2025-03-01 09:00"), replied_at=local("2025-03-10 09:00"),
                    reply_type="disclosed"),
        LedgerEntry(kind="message", status="replied", title="不是依申请公开",
                    applicant_type="自然人", received_at=local("2025-03-01 09:00"))])
    session.flush()
    table = disclosure_table(session, 2025, settings, as_of=AS_OF)
    assert {u.title for u in table.unmapped} == {"没有答复类型", "没有申请人类型"}
    assert table.count("new", "总计") == 1 and table.count("total", "总计") == 0
    assert table.imbalance("自然人") == 1 and not table.to_json()["balanced"]


def test_the_workbook_holds_the_table_and_traces_each_entry(session, settings):
    entries = generate(session, 4, n=60)
    table = disclosure_table(session, 2025, settings, as_of=AS_OF)
    data = disclosure_workbook(session, table, remedy_table(session, 2025), settings.tz)
    wb = load_workbook(BytesIO(data))
    sheet = wb["表三 申请情况"]
    labels = {sheet.cell(row=r, column=1).value: r for r in range(7, 7 + len(ROWS))}
    r = labels["一、本年新收政府信息公开申请数量"]
    assert [sheet.cell(row=r, column=c).value for c in range(2, 9)] == \
        [table.count("new", col) for col in COLUMNS]
    details = wb["明细"]
    listed = {details.cell(row=i, column=1).value for i in range(2, details.max_row + 1)}
    counted = {i for ids in table.cells.values() for i in ids}
    assert listed == counted and counted <= {e.id for e in entries}


def test_table_four_is_saved_audited_and_checked(session, settings, demo_users):
    form = {"review_upheld": "3", "review_corrected": "1", "suit_direct_pending": "2"}
    counts = parse_counts(form)
    assert save_remedies(session, 2025, counts, None) == 12
    session.flush()
    table = remedy_table(session, 2025)
    assert table.entered and table.total("review") == 4
    assert table.count("suit_direct", "pending") == 2
    assert table.to_json()["review"] == {"upheld": 3, "corrected": 1, "other": 0, "pending": 0,
                                         "total": 4}
    assert save_remedies(session, 2025, parse_counts({**form, "review_other": "5"}), None) == 1
    session.flush()
    audits = session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "disclosure_remedy_count")).all()
    assert len(audits) == 13
    assert not remedy_table(session, 2024).entered
    for bad in ("-1", "1.5", "三", "100001"):
        with pytest.raises(RemedyError, match="行政复议"):
            parse_counts({"review_upheld": bad})
