"""Curating: the month's proposals (scores explained; proposing again on demand), the write-up
form for a finished entry, editing, putting a case in the library and withdrawing it.

The opinion staff draft; a leader (or the admin) also puts cases in the library, edits them
there and withdraws them. Every change is audited by :mod:`tracker.cases`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.cases import (
    CURATORS,
    DRAFT,
    LIMITS,
    MIN_TOTAL,
    PUBLISHED,
    SECTIONS,
    STATE_LABELS,
    WRITERS,
    CaseDenied,
    CaseError,
    WriteUp,
    check_write_up,
    create_case,
    draft_for,
    edit_case,
    finished_at,
    parse_tags,
    proposal_months,
    proposals_of,
    propose_month,
    publish_case,
    score_entry,
    withdraw_case,
)
from tracker.models import Department, LedgerEntry, LibraryCase
from tracker.vocabulary import KIND_LABELS
from web.auth import roles_required
from web.cases import bp
from web.cases.views import visible_case
from web.db import get_db, get_settings
from web.inputs import month_ok, parse_id

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _last_month() -> str:
    today = datetime.now(get_settings().tz).date().replace(day=1)
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


def _month(text: str | None) -> str:
    month = text or _last_month()
    if not MONTH.fullmatch(month) or not month_ok(month):
        abort(400, description="月份格式应为“年-月”，如 2026-10，且在 2000—2099 年之间")
    return month


@bp.route("/proposals")
@roles_required(*WRITERS)
def proposals() -> Any:
    """The month's proposed cases, best first, each score explained."""
    session, month = get_db(), _month(request.args.get("month"))
    return render_template("cases/proposals.html", month=month,
                           rows=proposals_of(session, month), months=proposal_months(session),
                           STATE_LABELS=STATE_LABELS, KIND_LABELS=KIND_LABELS,
                           min_total=MIN_TOTAL)


@bp.route("/proposals", methods=["POST"])
@roles_required(*WRITERS)
def propose() -> Any:
    """Score the month again now (the scheduler does it on the 1st of each month)."""
    session, month = get_db(), _month(request.form.get("month"))
    result = propose_month(session, month, get_settings().tz)
    session.commit()
    flash(f"已对 {result.candidates} 件办结事项评分，推荐 {len(result.proposals)} 件。", "info")
    return redirect(url_for("cases.proposals", month=month), 303)


def _finished_entry(entry_id: int) -> LedgerEntry:
    entry = get_db().get(LedgerEntry, entry_id)
    if entry is None:  # the writers are never scoped to a department
        abort(404)
    return entry


def _form_write_up() -> WriteUp:
    form = request.form
    return WriteUp(title=form.get("title", ""), background=form.get("background", ""),
                   response=form.get("response", ""), result=form.get("result", ""),
                   lessons=form.get("lessons", ""), tags=parse_tags(form.get("tags", "")),
                   department_id=parse_id(form.get("department_id")))


def _form(template_args: dict[str, Any], status: int = 200) -> Any:
    departments = get_db().scalars(select(Department).where(Department.active.is_(True))
                                   .order_by(Department.name)).all()
    return render_template("cases/form.html", departments=departments, SECTIONS=SECTIONS,
                           limits=LIMITS, curator=current_user.has_role(*CURATORS),
                           KIND_LABELS=KIND_LABELS, **template_args), status


@bp.route("/new/<int:entry_id>", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new(entry_id: int) -> Any:
    """Write a finished entry up as a case (a draft; a leader may put it in the library)."""
    session, entry = get_db(), _finished_entry(entry_id)
    existing = session.scalar(select(LibraryCase).where(LibraryCase.entry_id == entry.id))
    if existing is not None:
        return redirect(url_for("cases.edit", case_id=existing.id))
    if finished_at(entry) is None:
        return _form({"entry": entry, "write_up": None, "case": None,
                      "error": "只有已答复并办结的事项才能写成案例。"}, 400)
    if request.method == "GET":
        return _form({"entry": entry, "write_up": draft_for(entry), "case": None})
    write_up = _form_write_up()
    try:
        check_write_up(write_up)  # before the reply check, which costs a moment
        case = create_case(session, entry, write_up, actor_id=current_user.id,
                           role=current_user.role_code, tz=get_settings().tz,
                           score=score_entry(session, entry))
        if request.form.get("publish") and current_user.has_role(*CURATORS):
            publish_case(session, case, actor_id=current_user.id, role=current_user.role_code)
    except CaseError as exc:
        session.rollback()
        return _form({"entry": entry, "write_up": write_up, "case": None, "error": str(exc)},
                     403 if isinstance(exc, CaseDenied) else 400)
    session.commit()
    flash("案例已收入案例库。" if case.state != DRAFT else "案例草稿已保存。", "info")
    return redirect(url_for("cases.detail", case_id=case.id), 303)


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit(case_id: int) -> Any:
    """Change a case's write-up (staff only while it is a draft)."""
    session, case = get_db(), visible_case(case_id)
    if case.state != DRAFT and not current_user.has_role(*CURATORS):
        abort(403)
    if request.method == "GET":
        write_up = WriteUp(case.title, case.background, case.response, case.result,
                           case.lessons, case.tag_names, case.department_id)
        return _form({"entry": case.entry, "write_up": write_up, "case": case})
    write_up = _form_write_up()
    try:
        edit_case(session, case, write_up, actor_id=current_user.id, role=current_user.role_code)
        if request.form.get("publish") and case.state != PUBLISHED:
            publish_case(session, case, actor_id=current_user.id, role=current_user.role_code)
    except CaseError as exc:
        session.rollback()
        return _form({"entry": case.entry, "write_up": write_up, "case": case,
                      "error": str(exc)}, 403 if isinstance(exc, CaseDenied) else 400)
    session.commit()
    flash("案例已保存。", "info")
    return redirect(url_for("cases.detail", case_id=case.id), 303)


@bp.route("/<int:case_id>/publish", methods=["POST"])
@roles_required(*CURATORS)
def publish(case_id: int) -> Any:
    """入库: a leader puts the case in the library."""
    return _act(case_id, lambda s, c: publish_case(
        s, c, actor_id=current_user.id, role=current_user.role_code), "案例已收入案例库。")


@bp.route("/<int:case_id>/withdraw", methods=["POST"])
@roles_required(*CURATORS)
def withdraw(case_id: int) -> Any:
    """撤回: a leader takes the case out of the library, saying why."""
    reason = request.form.get("reason", "")[:500]
    return _act(case_id, lambda s, c: withdraw_case(
        s, c, reason, actor_id=current_user.id, role=current_user.role_code), "案例已撤回。")


def _act(case_id: int, action, done: str) -> Any:
    session, case = get_db(), visible_case(case_id)
    try:
        action(session, case)
    except CaseError as exc:
        session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("cases.detail", case_id=case_id), 303)
    session.commit()
    flash(done, "info")
    return redirect(url_for("cases.detail", case_id=case_id), 303)
