"""The yearly assessment page and its files (XLSX, PDF).

Leaders, staff and admins see every lead department; a responder sees their own department
only (and nothing when their account has no department).
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, render_template, request
from flask_login import current_user

from tracker.assessment import assess_year, render_fragment, render_pdf, year_workbook
from tracker.metrics import KINDS
from tracker.reports import FORMATS, ReportError
from tracker.vocabulary import KIND_LABELS, RoleCode
from web.assessment import bp
from web.assessment.common import EVERYONE, year_arg, year_choices, year_path
from web.auth import roles_required
from web.db import get_db, get_settings
from web.reports import PDF_UNAVAILABLE

FILES = ("xlsx", "pdf")


def _kind() -> str | None:
    kind = request.args.get("kind") or None
    return kind if kind in KINDS else None


def _assessment(year: int):
    """The year as the signed-in user may see it (a responder: their department only)."""
    scope = {}
    if current_user.has_role(RoleCode.RESPONDER):
        scope["department_id"] = current_user.department_id or -1
    return assess_year(get_db(), year, get_settings(), kind=_kind(), **scope)


@bp.route("/")
@roles_required(*EVERYONE)
def year() -> Any:
    """The assessment of the chosen year (default: this year), with download links."""
    chosen = year_arg()
    result = _assessment(chosen)
    return render_template(
        "assessment/year.html", year=chosen, kind=_kind() or "", years=year_choices(),
        kinds=[(k, KIND_LABELS[k]) for k in KINDS], body=render_fragment(result, get_settings().tz),
        responder=current_user.has_role(RoleCode.RESPONDER))


@bp.route("/<int:year>.<fmt>")
@roles_required(*EVERYONE)
def year_file(year: int, fmt: str) -> Response:
    """The assessment of ``year`` as an Excel workbook or an A4 PDF."""
    if fmt not in FILES:
        abort(404)
    result = _assessment(year_path(year))
    tz = get_settings().tz
    try:
        data = year_workbook(result, tz) if fmt == "xlsx" else render_pdf(result, tz)
    except ReportError as exc:
        current_app.logger.error("assessment %s.pdf cannot be rendered: %s", year, exc)
        abort(503, description=PDF_UNAVAILABLE)
    response = Response(data, content_type=FORMATS[fmt])
    response.headers["Content-Disposition"] = \
        f'attachment; filename="yuqing-assessment-{year}.{fmt}"'
    return response
