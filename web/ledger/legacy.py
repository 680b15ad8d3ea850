"""历史遗留: unanswered board messages that were already old when they entered the ledger.

They are in no overdue figure; staff, leaders and admins decide on them in bulk here:
结案 with a 结案说明, or 交办 to a lead department (whose clock then starts). Each entry
goes through the ledger's own action, so each is audited on its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from tracker.ledger import (
    DEFAULT_HORIZON_DAYS,
    LedgerError,
    LegacyFilter,
    PermissionDenied,
    decide_legacy,
    legacy_ids,
    legacy_page,
)
from tracker.models import Department, utcnow
from tracker.vocabulary import RoleCode
from web.auth import roles_required
from web.db import get_db, get_settings
from web.inputs import parse_id
from web.ledger import bp
from web.ledger.present import current_actor, current_context

DECIDERS = (RoleCode.OPINION_STAFF, RoleCode.LEADER, RoleCode.ADMIN)
ACTIONS = {"close": "结案", "assign": "交办"}
MAX_NOTE = 2000


def _filters(values) -> LegacyFilter:
    """Board and year from a query string or a form; a year that is not one is a 400."""
    board = (values.get("board") or "").strip()[:64] or None
    year_text = (values.get("year") or "").strip()
    year = None
    if year_text:
        if not year_text.isdigit() or not 1900 <= int(year_text) <= 2099:
            abort(400, description="年份参数无效，请从列表中选择年份。")
        year = int(year_text)
    return LegacyFilter(board=board, year=year)


def _args(filters: LegacyFilter) -> dict[str, Any]:
    return {k: v for k, v in (("board", filters.board), ("year", filters.year)) if v}


def _page_number(text: str | None) -> int:
    text = (text or "1").strip()
    return min(int(text), 100_000) if text.isdigit() and text != "0" else 1


def waited_days(received: datetime, now: datetime) -> int:
    """Whole days since the message was received."""
    return max(0, (now - received).days)


@bp.get("/legacy")
@roles_required(*DECIDERS)
def legacy() -> str:
    """The 历史遗留 list: counts by board and year, filters, and the bulk decision form."""
    filters = _filters(request.args)
    page = legacy_page(get_db(), filters, get_settings().tz,
                       page=_page_number(request.args.get("page")))
    departments = list(get_db().scalars(select(Department).order_by(Department.name)))
    return render_template("ledger/legacy.html", page=page, filters=filters,
                           args=_args(filters), departments=departments, now=utcnow(),
                           waited_days=waited_days, horizon=DEFAULT_HORIZON_DAYS)


def _chosen_ids(filters: LegacyFilter) -> list[int]:
    """The entries the form names: every one of the filter, or the ticked rows."""
    if request.form.get("all_matching") == "1":
        return legacy_ids(get_db(), filters, get_settings().tz)
    return [i for i in (parse_id(v) for v in request.form.getlist("ids")) if i is not None]


@bp.post("/legacy/decide")
@roles_required(*DECIDERS)
def legacy_decide() -> Any:
    """结案 or 交办 the chosen 历史遗留 entries, then back to the list with what was done."""
    filters = _filters(request.form)
    back = redirect(url_for("ledger.legacy", **_args(filters)), 303)
    action = request.form.get("action")
    if action not in ACTIONS:
        flash("请选择“结案”或“交办”。", "error")
        return back
    ids = _chosen_ids(filters)
    department = None
    if action == "assign":
        department = parse_id(request.form.get("department_id"))
        if department is None or get_db().get(Department, department) is None:
            flash("请选择牵头单位。", "error")
            return back
    note_field = "note" if action == "close" else "assign_note"
    db = get_db()
    try:
        result = decide_legacy(db, ids, action, current_actor(),
                               note=(request.form.get(note_field) or "")[:MAX_NOTE],
                               department_id=department, ctx=current_context())
    except PermissionDenied:
        db.rollback()
        abort(403)
    except LedgerError as exc:
        db.rollback()
        flash(f"{exc}。", "error")
        return back
    db.commit()
    flash(f"已{ACTIONS[action]} {result.done} 条历史遗留留言。", "info")
    if result.skipped:
        flash(f"{len(result.skipped)} 条已不在历史遗留清单中（已由他人处理），未作改动。", "info")
    return back
