"""The monthly report as a print-ready A4 PDF.

WeasyPrint lays out the print variant of the HTML report (CSS ``@page`` size A4, running
header, page numbers) and draws the inline SVG charts, so the PDF says exactly what the
HTML says. It embeds subsets of the fonts it uses: the Chinese text is set in Noto Sans CJK
from Debian's ``fonts-noto-cjk`` (installed by ``make test``/``make system-deps``), found
through fontconfig; nothing is fetched at run time. ReportLab was the alternative, but it
cannot embed the CFF-outline Noto CJK fonts and would need a second layout of the report.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from tracker.reports.data import MonthlyReport
from tracker.reports.html import render_html


class ReportError(RuntimeError):
    """The report cannot be rendered here; the message says what to install."""


@lru_cache(maxsize=1)
def chinese_font_families() -> tuple[str, ...]:
    """Font families fontconfig offers for Simplified Chinese."""
    if shutil.which("fc-list") is None:
        return ()
    out = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True,
                         timeout=30, check=False).stdout
    return tuple(sorted({line.split(",")[0].strip() for line in out.splitlines() if line}))


def layout(html: str):
    """WeasyPrint's laid-out document of ``html`` (its ``pages``, its ``write_pdf()``), with
    the same font check and error as the report; the case library lays out its pages here."""
    if not chinese_font_families():
        raise ReportError("no Chinese font found by fontconfig; install Debian's fonts-noto-cjk")
    try:
        from weasyprint import HTML
    except OSError as exc:  # Pango missing: WeasyPrint loads it when imported
        raise ReportError(f"WeasyPrint cannot load its system libraries (Pango): {exc}") from None
    return HTML(string=html).render()


def render_pdf(report: MonthlyReport) -> bytes:
    """The report as PDF bytes (A4, Chinese fonts embedded)."""
    return layout(render_html(report, print_mode=True)).write_pdf()
