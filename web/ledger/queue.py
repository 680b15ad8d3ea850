"""待分办 (opinion staff and admin): board messages routing could not place with confidence,
each with its top suggestions as one-click buttons, any active department in a select, and
optional co-handling departments. Assigning is the ledger's own 交办 action."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField

from tracker.ledger import (
    LedgerError,
    PermissionDenied,
    assign_from_queue,
    queue_count,
    routing_queue,
)
from tracker.models import Department, LedgerEntry
from tracker.vocabulary import RoleCode
from web.auth import roles_required
from web.db import get_db
from web.ledger import bp
from web.ledger.forms import LedgerForm, options
from web.ledger.present import current_actor, current_context

MANAGERS = (RoleCode.OPINION_STAFF, RoleCode.ADMIN)
PER_PAGE = 30


class QueueAssignForm(LedgerForm):
    """The lead department (a suggestion's button or the select) and co-handling ones."""

    department_id = SelectField("牵头单位", default="")
    co_department_ids = SelectMultipleField("协办单位（可多选）", default=list)

    def with_departments(self, departments: list[Department]) -> QueueAssignForm:
        """Offer every active department."""
        pairs = [(d.id, d.name) for d in departments]
        self.department_id.choices = options([("", "请选择承办单位")] + pairs)
        self.co_department_ids.choices = options(pairs)
        return self


def _active() -> list[Department]:
    return list(get_db().scalars(select(Department).where(Department.active.is_(True))
                                 .order_by(Department.name)))


def _page() -> int:
    raw = request.args.get("page", "1")
    return min(int(raw), 100_000) if raw.isdigit() and raw != "0" else 1


@bp.get("/queue")
@roles_required(*MANAGERS)
def queue() -> str:
    """The 待分办 entries, oldest first, with their suggestions and an assign form each."""
    db, page = get_db(), _page()
    total = queue_count(db)
    items = routing_queue(db, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    form = QueueAssignForm().with_departments(_active())
    pages = max(1, -(-total // PER_PAGE))
    return render_template("ledger/queue.html", items=items, form=form, total=total,
                           page=page, pages=pages)


@bp.post("/queue/<int:entry_id>")
@roles_required(*MANAGERS)
def queue_assign(entry_id: int) -> Any:
    """交办 one queued entry to the chosen department (and co-handling ones)."""
    if get_db().get(LedgerEntry, entry_id) is None:
        abort(404)
    form = QueueAssignForm().with_departments(_active())
    back = redirect(url_for("ledger.queue", page=request.args.get("page") or None), 303)
    if not form.validate_on_submit() or not form.department_id.data:
        if "csrf_token" in form.errors:
            abort(400)
        flash("请从列表中选择一个启用中的承办单位。", "error")
        return back
    db = get_db()
    try:
        entry = assign_from_queue(
            db, entry_id, int(form.department_id.data), current_actor(),
            co_department_ids=[int(d) for d in form.co_department_ids.data],
            ctx=current_context())
    except PermissionDenied:
        abort(403)
    except LedgerError as exc:
        db.rollback()
        flash(str(exc), "error")
        return back
    db.commit()
    lead = db.get(Department, int(form.department_id.data))
    flash(f"已将“{entry.title[:40]}”交{lead.name}办理。", "info")
    return back
