"""The 政府信息公开工作年度报告 tables of a year: 表三 from the disclosure ledger, every number
a link to the entries it counts; 表四 (行政复议、行政诉讼) entered by staff; the workbook."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.assessment import (
    COLUMNS,
    ORGANISATIONS,
    PROCEEDINGS,
    RESULTS,
    ROW_BY_KEY,
    RemedyError,
    cell_entries,
    disclosure_table,
    disclosure_workbook,
    field_name,
    parse_counts,
    remedy_table,
    save_remedies,
)
from tracker.reports import FORMATS
from web.assessment import bp
from web.assessment.common import EDITORS, READERS, year_arg, year_choices, year_path
from web.auth import roles_required
from web.db import get_db, get_settings


@bp.route("/disclosure")
@roles_required(*READERS)
def disclosure() -> Any:
    """表三 and 表四 of the chosen year."""
    year = year_arg()
    session = get_db()
    table = disclosure_table(session, year, get_settings())
    return render_template(
        "assessment/disclosure.html", year=year, years=year_choices(), table=table,
        columns=list(enumerate(COLUMNS)), organisations=ORGANISATIONS,
        remedies=remedy_table(session, year), proceedings=PROCEEDINGS, results=RESULTS,
        can_edit=current_user.has_role(*EDITORS), tz=get_settings().tz)


@bp.route("/disclosure/<int:year>.xlsx")
@roles_required(*READERS)
def disclosure_file(year: int) -> Response:
    """表三, 表四 and the entries behind 表三 as an Excel workbook."""
    session, settings = get_db(), get_settings()
    table = disclosure_table(session, year_path(year), settings)
    data = disclosure_workbook(session, table, remedy_table(session, year), settings.tz)
    response = Response(data, content_type=FORMATS["xlsx"])
    response.headers["Content-Disposition"] = \
        f'attachment; filename="yuqing-disclosure-{year}.xlsx"'
    return response


@bp.route("/disclosure/<int:year>/cell")
@roles_required(*READERS)
def disclosure_cell(year: int) -> Any:
    """The entries one number of 表三 counts (row and column from the query string)."""
    row = ROW_BY_KEY.get(request.args.get("row", ""))
    column = request.args.get("col", "")
    if row is None or row.role == "group" or not column.isdigit() \
            or int(column) >= len(COLUMNS):
        abort(404)
    session = get_db()
    table = disclosure_table(session, year_path(year), get_settings())
    name = COLUMNS[int(column)]
    return render_template(
        "assessment/cell.html", year=year, row=row, column=name,
        entries=cell_entries(session, table.ids(row.key, name)), tz=get_settings().tz)


@bp.route("/disclosure/<int:year>/remedies", methods=["GET", "POST"])
@roles_required(*EDITORS)
def remedies(year: int) -> Any:
    """Enter or correct the year's 行政复议、行政诉讼 counts (表四)."""
    session = get_db()
    table = remedy_table(session, year_path(year))
    error = None
    if request.method == "POST":
        try:
            counts = parse_counts(request.form)
        except RemedyError as exc:
            error = str(exc)
        else:
            changed = save_remedies(session, year, counts, current_user.id)
            session.commit()
            flash(f"已保存{year}年行政复议、行政诉讼数据（{changed} 项有变化）。", "success")
            return redirect(url_for("assessment.disclosure", year=year), 303)
    return render_template(
        "assessment/remedies.html", year=year, table=table, proceedings=PROCEEDINGS,
        results=RESULTS, field_name=field_name, form=request.form, error=error), \
        400 if error else 200
