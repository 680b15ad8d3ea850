"""The monthly report reads as one consistent document: an empty month, a month with few
entries and a busy month, rendered to A4 PDF and read back with poppler (pdftotext)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.tracker.ledger.factory import local
from tests.tracker.reports.factory import insert_sample
from tests.tracker.reports.test_reports import add
from tracker.metrics import Period
from tracker.models import Department
from tracker.reports import build_monthly_report, render

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")

#: Words of the code, the database or the server that must never reach a reader.
INTERNAL_TERMS = ("PostgreSQL", "percentile", "Asia/Shanghai", "None", "nan", "NaN", "SQL",
                  "UTC", "null", "True", "False", "P90", "P50", "Traceback", "{{", "}}", "{%")
#: On an empty month none of these may appear (they claim entries, ranks or rates).
EMPTY_MONTH_CLAIMS = ("全部参与排名", "部门参与排名", "按期办结率 0", "答复率 0", "按期答复",
                      "受理量持平", "增加", "上升", "中位数 0")


def pdf_pages(report, tmp_path: Path) -> list[str]:
    """The report as PDF, one text per page (pdftotext, in reading order)."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render(report, "pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=120).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def flat(text: str) -> str:
    """Text without white space (table cells and lines wrap anywhere)."""
    return re.sub(r"\s+", "", text)


def assert_plain_chinese(text: str) -> None:
    """No internal terms and no English words in what a reader sees."""
    for term in INTERNAL_TERMS:
        assert term not in text, term
    assert re.findall(r"[A-Za-z]{2,}", text) == []


@pytest.fixture
def empty_month(session, settings):
    """December 2025 without entries, after a November with some and an older backlog."""
    dept = Department(name="市水务局")
    session.add(dept)
    session.flush()
    insert_sample(session, Period.month(2025, 11), 12, settings.tz, seed=4,
                  now=local("2026-01-05 09:00"))
    add(session, kind="message", status="handling", title="小区停水", lead_department_id=dept.id,
        received_at="2025-09-02 09:00", due_at="2025-09-11 23:59:59")
    add(session, kind="message", status="legacy", title="多年前的留言",
        received_at="2025-08-02 09:00")
    return build_monthly_report(session, Period.month(2025, 12), settings,
                                as_of=local("2026-01-05 09:00"))


@needs_poppler
def test_an_empty_month_says_so_once_and_claims_nothing_else(empty_month, tmp_path):
    r = empty_month
    assert r.month.total.received == 0 and r.overdue.total >= 1 and r.legacy == 1
    pages = pdf_pages(r, tmp_path)
    text = flat("".join(pages))
    assert_plain_chinese(text)
    assert "2025年12月无受理事项，本月没有答复率、按期办结率和答复用时数据。" in text
    assert "本月无受理事项，不进行部门排名。" in text
    for claim in EMPTY_MONTH_CLAIMS:
        assert claim not in text, claim
    # The backlog is told apart from the month, with its own count.
    assert f"本月及以往月份受理的事项中累计仍超期未办结{r.overdue.total}件" in text
    assert "小区停水" in text and "另有历史遗留留言1件" in text
    # 环比 against a month with entries, 同比 against an empty one: both said plainly.
    assert "环比（与上月2025年11月相比）：受理0件，减少12件（-100.0%）" in text
    assert "答复率、按期办结率、答复用时中位数无可比数据" in text
    assert ("同比（与去年同月2024年12月相比）：本月与去年同月2024年12月均无受理事项，无可比数据"
            in text)
    assert "环比是本月与上月（2025年11月）相比，同比是本月与去年同月（2024年12月）相比" in text
    assert "本月受理的事项尚无答复，没有答复用时分布。" in text
    assert "九、指标说明" in text and "第90百分位数：90%的事项答复用时不超过这个数值" in text


def test_few_entries_and_no_ranked_department(session, settings):
    dept = Department(name="市城管局")
    session.add(dept)
    session.flush()
    for day in (3, 4, 5):
        add(session, kind="message", status="replied", lead_department_id=dept.id,
            received_at=f"2025-09-0{day} 09:00", due_at="2025-09-20 23:59:59",
            replied_at=f"2025-09-0{day} 15:00")
    r = build_monthly_report(session, Period.month(2025, 9), settings,
                             as_of=local("2025-10-20 09:00"))
    text = "".join(r.summary)
    assert "各部门本月受理均不足 5 件，本月不进行部门排名。" in text
    assert "全部参与排名" not in text and "参与排名的" not in text
    assert "按期答复 3 件，按期办结率 100.0%；其中没有超期未办结的。" in text
    assert ("环比（与上月2025年8月相比）：受理量、答复率、按期办结率、答复用时中位数无可比数据。"
            in text)
    html = render(r, "html").decode("utf-8")
    assert "全部参与排名" not in html and "不排名" in html
    assert_plain_chinese(re.sub(r"<[^>]+>", "", html[html.index("<article"):]))


@pytest.fixture
def busy_month(session, settings):
    """A year of synthetic entries and a busy September 2025 (lists over a page long)."""
    month, as_of = Period.month(2025, 9), local("2025-10-20 09:00")
    for back in range(1, 13):
        insert_sample(session, month.shifted_months(-back), 40, settings.tz, seed=back,
                      now=as_of)
    insert_sample(session, month, 400, settings.tz, seed=99, now=as_of)
    return build_monthly_report(session, month, settings, as_of=as_of)


def chart_glyph_points(pdf: Path, word: str) -> list[float]:
    """The width of one glyph (the font size, for Chinese) of each occurrence of ``word``."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    return [(float(x1) - float(x0)) / len(word) for x0, x1 in re.findall(
        rf'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">{word}</word>', out)]


@needs_poppler
def test_a_busy_month_prints_readable_charts_and_whole_tables(busy_month, tmp_path):
    r = busy_month
    pages = pdf_pages(r, tmp_path)
    text = flat("".join(pages))
    assert_plain_chinese(text)
    for n in range(1, 10):  # 一 … 九, in order
        heading = "一二三四五六七八九"[n - 1] + "、"
        assert heading in text
    order = [text.index(h) for h in ("一、概要", "二、总体情况", "三、分类型情况", "四、分部门情况",
                                     "五、答复时效分布与趋势", "六、累计超期未办结清单",
                                     "七、本月热点舆情", "八、红色警示", "九、指标说明")]
    assert order == sorted(order)
    # Chart text at 9 pt or more on paper (was under 6 pt): a Chinese glyph is 1 em wide.
    sizes = chart_glyph_points(tmp_path / "report.pdf", "答复件数")
    sizes += chart_glyph_points(tmp_path / "report.pdf", "小时")
    assert len(sizes) >= 2 and min(sizes) >= 9.0, sizes
    # No chart split over two pages: each title shares its page with its legend.
    legends = {"图1": ("答复件数",), "图3": ("中位数", "第90百分位数"), "图4": ("按期办结率",)}
    for title, words in legends.items():
        page = next(p for p in pages if title in p)
        assert all(w in page for w in words), title
    # The overdue list runs over pages; its header repeats on each of them.
    assert r.overdue.total > 40
    first = next(i for i, p in enumerate(pages) if "六、累计超期未办结清单" in p)
    last = next(i for i, p in enumerate(pages) if "七、本月热点舆情" in p)
    assert last > first
    for page in pages[first:last + 1]:
        assert "办理时限" in page and "超期天数" in page
    # The month's on-time rate and the cumulative backlog are worded apart.
    assert "本月受理事项按期办结率" in text and "累计超期未办结" in text
    assert "两者与按期办结率统计的对象不同" in text


def test_the_workbook_has_the_same_words(busy_month, session, settings):
    wb = load_workbook(io.BytesIO(render(busy_month, "xlsx", session, settings)))
    summary = [str(c.value) for c in wb["概要"]["A"] if c.value]
    assert "指标说明" in summary
    assert any("环比是本月与上月（2025年8月）相比" in line for line in summary)
    headers = [c.value for c in wb["分类型"][1]]
    assert "第90百分位数（小时）" in headers and not any("P90" in h for h in headers)
    notes = [str(c.value) for c in wb["分部门"]["A"] if c.value]
    assert any("参与排名" in line for line in notes)
    assert summary[2].startswith("本月（2025年9月）") or any(
        line.startswith("本月（2025年9月）") for line in summary)
