"""A case as a one-page A4 PDF, and a year's library as one PDF (a cover, then a page a case).

Laid out by WeasyPrint with the monthly report's font check (:func:`tracker.reports.layout`).
One page is a promise: a long write-up is set in smaller type, step by step down to 7.5 pt,
and only if it still does not fit are its longest sections shortened (marked “……”).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tracker.cases.library import SECTIONS
from tracker.models import LibraryCase
from tracker.reports import layout
from tracker.vocabulary import KIND_LABELS

TEMPLATES = Path(__file__).with_name("templates")
SIZES = (10.5, 9.5, 8.5, 7.5)
ELLIPSIS = "……"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment of the case templates (autoescaped)."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                       trim_blocks=True, lstrip_blocks=True)


def _day(value: datetime | None, tz: tzinfo) -> str:
    return "—" if value is None else f"{value.astimezone(tz):%Y-%m-%d}"


def _points(score: float | None) -> str:
    return "不计" if score is None else f"{score * 100:.0f} 分"


def case_view(case: LibraryCase, tz: tzinfo) -> dict[str, Any]:
    """What the templates print of a case (plain values, no ids or codes)."""
    entry = case.entry
    parts = [{**p, "points": _points(p.get("score"))} for p in case.score_components or []]
    signer = case.published_by.display_name if case.published_by else None
    sign = (f"{_day(case.published_at, tz)} 由{signer}审定入库" if signer and case.published_at
            else "草稿，尚未审定入库")
    return {"title": case.title, "year": case.year, "tags": case.tag_names,
            "department": case.department.name if case.department else "未指定部门",
            "kind": KIND_LABELS.get(entry.kind, "回应事项"),
            "received": _day(entry.received_at, tz), "replied": _day(entry.replied_at, tz),
            "score_summary": case.score_summary, "components": parts,
            "sections": [(label, getattr(case, key)) for key, label in SECTIONS.items()],
            "sign": sign, "size": SIZES[0]}


def _html(title: str, views: list[dict[str, Any]], cover: bool) -> str:
    css = (TEMPLATES / "case.css").read_text(encoding="utf-8")
    return environment().get_template("cases.html").render(
        title=title, cases=views, cover=cover, css=css)


def _shortened(view: dict[str, Any]) -> dict[str, Any]:
    """The view with its longest section cut by a quarter."""
    sections = list(view["sections"])
    longest = max(range(len(sections)), key=lambda i: len(sections[i][1]))
    label, text = sections[longest]
    sections[longest] = (label, text[: max(len(text) * 3 // 4 - 1, 20)].rstrip(ELLIPSIS) + ELLIPSIS)
    return {**view, "sections": sections}


def fit_one_page(view: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """The view set small enough for one page, and its laid-out document."""
    for size in SIZES:
        view = {**view, "size": size}
        document = layout(_html(view["title"], [view], cover=False))
        if len(document.pages) == 1:
            return view, document
    while len(document.pages) > 1:
        view = _shortened(view)
        document = layout(_html(view["title"], [view], cover=False))
    return view, document


def case_pdf(case: LibraryCase, tz: tzinfo) -> bytes:
    """The case on one A4 page."""
    _view, document = fit_one_page(case_view(case, tz))
    return document.write_pdf()


def year_pdf(cases: list[LibraryCase], year: int, tz: tzinfo) -> bytes:
    """The year's library cases: a cover listing them, then each case on its own page."""
    views = [fit_one_page(case_view(case, tz))[0] for case in cases]
    return layout(_html(f"{year}年度亮点工程案例汇编", views, cover=True)).write_pdf()


def case_filename(case: LibraryCase) -> str:
    """``亮点工程案例-<year>-<id>.pdf``."""
    return f"亮点工程案例-{case.year}-{case.id}.pdf"
