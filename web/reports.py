"""The reports page: pick a month, read the monthly report, download it as HTML/XLSX/PDF."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request

from tracker.metrics import Period
from tracker.reports import (
    FORMATS,
    ReportError,
    build_monthly_report,
    filename,
    render,
    render_fragment,
    report_css,
)
from tracker.vocabulary import RoleCode
from web.auth import roles_required
from web.db import get_db, get_settings
from web.inputs import YEARS_TEXT, month_ok

bp = Blueprint("reports", __name__, url_prefix="/reports")

READERS = (RoleCode.LEADER, RoleCode.OPINION_STAFF, RoleCode.ADMIN)
PDF_UNAVAILABLE = ("暂时无法生成 PDF 文件：服务器缺少所需的中文字体或排版组件，原因已记入系统日志。"
                   "请联系管理员处理；可先下载 Excel 版本。")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def default_month() -> str:
    """The month before the current one (the report usually read)."""
    today = datetime.now(get_settings().tz).date()
    return Period.month(today.year, today.month).shifted_months(-1).start.strftime("%Y-%m")


@bp.route("/")
@roles_required(*READERS)
def index() -> Any:
    """The report of the chosen month, in the page, with download links."""
    month = request.args.get("month") or default_month()
    if not MONTH.fullmatch(month) or not month_ok(month):
        error = (f"月份超出范围（须在 {YEARS_TEXT}之间）" if MONTH.fullmatch(month)
                 else "月份格式应为“年-月”，如 2026-10")
        return render_template("reports/index.html", month=default_month(), report=None,
                               error=error), 400
    report = build_monthly_report(get_db(), Period.parse_month(month), get_settings())
    return render_template("reports/index.html", month=month, report=report,
                           body=render_fragment(report), formats=FORMATS, error=None)


@bp.route("/report.css")
@roles_required(*READERS)
def stylesheet() -> Response:
    """The report's stylesheet, from the one file the standalone and PDF reports inline
    (a page may not carry inline style under the Content-Security-Policy)."""
    response = Response(report_css(), mimetype="text/css")
    response.cache_control.private = True
    response.cache_control.max_age = 3600
    return response


@bp.route("/<month>.<fmt>")
@roles_required(*READERS)
def download(month: str, fmt: str) -> Response:
    """The report of ``month`` as a file."""
    if fmt not in FORMATS or not MONTH.fullmatch(month) or not month_ok(month):
        abort(404)
    session, settings = get_db(), get_settings()
    report = build_monthly_report(session, Period.parse_month(month), settings)
    try:
        data = render(report, fmt, session, settings)
    except ReportError as exc:
        current_app.logger.error("report %s.%s cannot be rendered: %s", month, fmt, exc)
        abort(503, description=PDF_UNAVAILABLE)
    response = Response(data, content_type=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename(month, fmt)}"'
    return response
