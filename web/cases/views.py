"""Reading the library: list with search and filters, one case, its PDF, the year's PDF.

Every signed-in role reads what is in the library (responders learn from other departments'
cases too); drafts and withdrawn cases only the writers (staff, leader, admin) see: anyone
else gets 404 for them, so their ids do not leak.
"""

from __future__ import annotations

import io
from typing import Any

from flask import abort, current_app, render_template, request, send_file
from flask_login import current_user
from sqlalchemy import select

from tracker.cases import (
    LABELS,
    PUBLISHED,
    SECTIONS,
    STATE_LABELS,
    WRITERS,
    CaseQuery,
    case_filename,
    case_pdf,
    case_trail,
    library_facets,
    search,
    year_pdf,
)
from tracker.models import Department, LibraryCase
from tracker.reports import ReportError
from tracker.vocabulary import KIND_LABELS, RoleCode
from web.auth import roles_required
from web.cases import bp
from web.db import get_db, get_settings
from web.inputs import MAX_YEAR, MIN_YEAR, parse_id

EVERYONE = tuple(RoleCode)
PDF_UNAVAILABLE = ("暂时无法生成 PDF 文件：服务器缺少所需的中文字体或排版组件，原因已记入系统日志。"
                   "请联系管理员处理。")
ACTION_WORDS = {"create": "撰写案例", "edit": "修改", "publish": "审定入库", "withdraw": "撤回"}
FIELD_WORDS = {"title": "标题", **SECTIONS, "department_id": "部门", "tags": "标签",
               "state": "状态"}


def is_writer() -> bool:
    """True for the roles that draft and curate cases."""
    return current_user.has_role(*WRITERS)


def visible_case(case_id: int) -> LibraryCase:
    """The case, or 404 when it does not exist or the user may not see it."""
    case = get_db().get(LibraryCase, case_id)
    if case is None or (case.state != PUBLISHED and not is_writer()):
        abort(404)
    return case


def _year(text: str | None) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        abort(400, description=f"年份超出范围（须在 {MIN_YEAR}—{MAX_YEAR} 年之间）")
    return int(text)


def query_from_args() -> CaseQuery:
    """The search typed in the filters; responders always search the library itself."""
    state = request.args.get("state", PUBLISHED)
    if state not in STATE_LABELS or not is_writer():
        state = PUBLISHED
    return CaseQuery(words=request.args.get("q", "")[:100], tag=request.args.get("tag", "")[:32],
                     department_id=parse_id(request.args.get("department")),
                     year=_year(request.args.get("year")), state=state)


@bp.route("/")
@roles_required(*EVERYONE)
def index() -> Any:
    """The library: search by words, tag, department and year."""
    session, query = get_db(), query_from_args()
    departments = session.scalars(select(Department).where(Department.active.is_(True))
                                  .order_by(Department.name)).all()
    return render_template("cases/index.html", cases=search(session, query), query=query,
                           facets=library_facets(session), departments=departments,
                           STATE_LABELS=STATE_LABELS, writer=is_writer())


@bp.route("/<int:case_id>")
@roles_required(*EVERYONE)
def detail(case_id: int) -> Any:
    """One case: write-up, score explained, the entry it came from, its history."""
    case = visible_case(case_id)
    session = get_db()
    trail = case_trail(session, case.id) if is_writer() else []
    names = {str(d.id): d.name for d in session.scalars(select(Department))} if trail else {}
    return render_template("cases/detail.html", case=case, trail=trail, SECTIONS=SECTIONS,
                           department_names=names,
                           STATE_LABELS=STATE_LABELS, LABELS=LABELS, KIND_LABELS=KIND_LABELS,
                           ACTION_WORDS=ACTION_WORDS, FIELD_WORDS=FIELD_WORDS,
                           writer=is_writer())


def _pdf(data_of, name: str) -> Any:
    try:
        data = data_of()
    except ReportError as exc:
        current_app.logger.error("case PDF cannot be rendered: %s", exc)
        abort(503, description=PDF_UNAVAILABLE)
    return send_file(io.BytesIO(data), mimetype="application/pdf",
                     as_attachment=True, download_name=name)


@bp.route("/<int:case_id>.pdf")
@roles_required(*EVERYONE)
def pdf(case_id: int) -> Any:
    """The case on one A4 page."""
    case = visible_case(case_id)
    return _pdf(lambda: case_pdf(case, get_settings().tz), case_filename(case))


@bp.route("/year/<int:year>.pdf")
@roles_required(*EVERYONE)
def year_document(year: int) -> Any:
    """The year's library cases as one PDF (a cover, then a page a case)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    cases = search(get_db(), CaseQuery(year=year))
    return _pdf(lambda: year_pdf(cases, year, get_settings().tz), f"{year}年度亮点工程案例汇编.pdf")
