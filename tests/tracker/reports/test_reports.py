"""The monthly report for a demo month in HTML, XLSX and PDF (both databases); the PDF is
turned into PNG pages (pdftoppm) and its Chinese text extracted (pdftotext)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.tracker.ledger.factory import local
from tests.tracker.reports.factory import insert_sample
from tracker.metrics import Period
from tracker.models import Department, LedgerEntry
from tracker.models.ledger import LedgerLink
from tracker.reports import build_monthly_report, render

MONTH = Period.month(2025, 9)
AS_OF = local("2025-10-20 09:00")


def add(session, **values) -> LedgerEntry:
    """One hand-made entry (Shanghai times given as text)."""
    for key, value in list(values.items()):
        if key.endswith("_at") and isinstance(value, str):
            values[key] = local(value)
    entry = LedgerEntry(title=values.pop("title", "手工事项"), **values)
    session.add(entry)
    session.flush()
    return entry


@pytest.fixture
def demo_month(session, settings):
    """A year of synthetic entries, a busy September and a few hand-made red flags."""
    for back in range(1, 13):
        insert_sample(session, MONTH.shifted_months(-back), 40, settings.tz, seed=back,
                      now=AS_OF)
    insert_sample(session, MONTH, 400, settings.tz, seed=99, now=AS_OF)
    dept = Department(name="市水务局")
    session.add(dept)
    session.flush()
    add(session, kind="message", status="handling", title="<script>alert(1)</script>小区停水",
        received_at="2025-06-02 09:00", due_at="2025-06-11 23:59:59",
        lead_department_id=dept.id)
    add(session, kind="message", status="replied", title="路灯长期不亮",
        received_at="2025-09-02 09:00", due_at="2025-09-11 23:59:59", replied_at="2025-09-05 09:00",
        lead_department_id=dept.id)
    hot = add(session, kind="opinion", status="responded", title="网传化工厂泄漏", level="critical",
              received_at="2025-09-15 08:00", due_at="2025-09-15 13:00",
              first_ack_at="2025-09-15 08:30", replied_at="2025-09-15 12:00",
              reply_channel="发布权威信息", reply_summary="经监测，空气质量正常。",
              lead_department_id=dept.id)
    session.add(LedgerLink(entry_id=hot.id))
    session.flush()
    return build_monthly_report(session, MONTH, settings, as_of=AS_OF)


def test_report_data_and_summary_words(demo_month):
    r = demo_month
    text = "".join(r.summary)
    assert r.month.total.received == 402
    assert "2025年9月，本月共受理各类事项 402 件" in text
    for phrase in ("按期办结率", "环比（与上月2025年8月相比）", "同比（与去年同月2024年9月相比）",
                   "答复用时中位数",
                   "红色警示", f"超过三个月未答复的留言 {r.unanswered_3m.total} 件"):
        assert phrase in text, phrase
    assert [key for key, _ in r.trend][0] == "2024-10" and r.trend[-1][0] == "2025-09"
    assert r.trend[-1][1].received == 402
    assert sum(n for _, n in r.distribution) == r.month.total.replied
    assert r.hot[0].title == "网传化工厂泄漏" and r.hot[0].level == "特别重大"
    assert r.hot[0].mentions == 1 and r.hot[0].reply_hours == pytest.approx(4.0)
    assert any(e.title == "路灯长期不亮" for e in r.unpublished.rows)
    assert r.unanswered_3m.total > 0
    assert any(e.title.endswith("小区停水") for e in r.unanswered_3m.rows)
    assert all(e.overdue_days > 0 for e in r.overdue.rows)
    assert r.overdue.total >= len(r.overdue.rows) > 0


def test_html_is_one_self_contained_chinese_page(demo_month):
    html = render(demo_month, "html").decode("utf-8")
    assert html.startswith("<!doctype html>") and '<meta charset="utf-8">' in html
    assert "2025年9月政务舆情回应与留言办理情况月报" in html and "本月共受理" in html
    # Each chart twice: the wide set (two columns) and the narrow set a phone shows.
    assert html.count("<svg") == 8 and "http" not in re.sub(r'xmlns="[^"]+"', "", html)
    assert html.count('data-chart-set="wide"') == html.count('data-chart-set="narrow"') == 1
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "四、分部门情况" in html and "受理不足 5 件的部门不参与排名：市水务局" in html


def test_xlsx_has_one_sheet_per_table_with_real_numbers_and_dates(demo_month, session,
                                                                   settings):
    data = render(demo_month, "xlsx", session, settings)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["概要", "分类型", "分部门", "答复用时分布", "月度趋势", "超期未办结",
                             "热点舆情", "三个月未答复", "已答复未公开", "答复质量"]
    summary = wb["概要"]
    assert summary["A1"].value.startswith("2025年9月")
    assert any("本月共受理" in str(c.value) for c in summary["A"])
    kinds = wb["分类型"]
    header = [c.value for c in kinds[1]]
    row = {h: c for h, c in zip(header, kinds[2], strict=True)}
    assert row["类型"].value == "网民留言"
    assert isinstance(row["受理"].value, int)
    assert isinstance(row["答复率"].value, float) and row["答复率"].number_format == "0.0%"
    assert isinstance(row["用时中位数（小时）"].value, float)
    overdue = wb["超期未办结"]
    first = {h.value: c for h, c in zip(overdue[1], overdue[2], strict=True)}
    assert isinstance(first["受理时间"].value, datetime) and first["受理时间"].value.tzinfo is None
    assert first["受理时间"].number_format == "yyyy-mm-dd hh:mm"
    assert overdue.max_row - 1 == demo_month.overdue.total  # the workbook keeps the full list
    assert wb["答复用时分布"]._charts and wb["月度趋势"]._charts
    assert wb["分部门"].freeze_panes == "A2"


needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils")


@needs_poppler
def test_pdf_is_a4_with_embedded_chinese_fonts_pages_and_text(demo_month, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render(demo_month, "pdf"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 3
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == pages
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 2000
               for p in pngs)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)  # table cells wrap; compare without white space
    for phrase in ("2025年9月政务舆情回应与留言办理情况月报", "本月共受理各类事项402件",
                   "按期办结率", "环比", "同比", "分部门情况", "超期未办结清单", "网传化工厂泄漏",
                   "红色警示", "路灯长期不亮", "市水务局", f"第1页/共{pages}页"):
        assert phrase in flat, phrase


def test_unknown_format_is_refused(demo_month):
    with pytest.raises(ValueError):
        render(demo_month, "docx")


def test_hottest_events_come_from_the_analysis_with_their_answers(session, settings):
    from tracker.models.events import Alert, Event
    from tracker.reports.data import hottest

    def event(key, title, hotness, mentions):
        row = Event(cluster_key=key, title=title, hotness=hotness, mention_count=mentions,
                    level="较大", first_seen_at=local("2025-09-10 08:00"),
                    last_seen_at=local("2025-09-12 08:00"))
        session.add(row)
        session.flush()
        return row

    answered, ignored = event("k1", "化工厂异味", 88.0, 120), event("k2", "公交改线", 40.0, 30)
    event("k3", "去年的旧事", 99.0, 5).last_seen_at = local("2025-08-01 08:00")
    alert = Alert(event_id=answered.id, level="较大", level_rank=2, hotness=88.0, reason="增长")
    session.add(alert)
    session.flush()
    add(session, kind="opinion", status="responded", title="化工厂异味（台账）",
        received_at="2025-09-10 09:00", replied_at="2025-09-10 15:00", alert_id=alert.id,
        reply_channel="发布权威信息", reply_summary="监测正常")
    rows = hottest(session, MONTH, settings, AS_OF)
    assert [r.title for r in rows] == ["化工厂异味", "公交改线"]
    assert rows[0].mentions == 120 and rows[0].reply_hours == pytest.approx(6.0)
    assert rows[0].reply_channel == "发布权威信息" and rows[1].status == "未转台账"
    assert ignored.id and rows[1].id == 0


def test_rendering_the_workbook_leaves_the_report_lists_short(demo_month, session, settings):
    shown = len(demo_month.overdue.rows)
    render(demo_month, "xlsx", session, settings)
    assert len(demo_month.overdue.rows) == shown
