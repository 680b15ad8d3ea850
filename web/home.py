"""The home page of each role: its work inbox (待办), then its dashboard (see
:mod:`web.dashboard`). The lists come from the tracker areas; this module only picks them per
role and adds the action forms the leader signs replies off with."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from tracker import events, ledger, notify, ops, quality
from tracker.collection import STATE_LABELS, State
from tracker.deadlines import deadline_context
from tracker.models import utcnow
from tracker.vocabulary import RoleCode, status_label
from web.auth import roles_required
from web.dashboard import dashboard_context
from web.db import get_db, get_settings
from web.ledger.forms import ApproveForm, RejectForm
from web.ledger.present import current_actor, kind_label, level_label

bp = Blueprint("home", __name__)

ROLE_HOMES = {
    RoleCode.OPINION_STAFF: "home.staff",
    RoleCode.RESPONDER: "home.responder",
    RoleCode.LEADER: "home.leader",
    RoleCode.ADMIN: "home.admin",
}


@bp.app_context_processor
def unread_badge() -> dict[str, Any]:
    """The number on the top bar's 通知 link: unread notifications that still matter."""
    if not current_user.is_authenticated:
        return {}
    try:
        return {"unread_count": notify.unread_count(get_db(), current_user.id)}
    except SQLAlchemyError:  # an error page after a failed query still renders, without it
        return {}


@bp.context_processor
def helpers() -> dict[str, Any]:
    """Labels for the inbox templates."""
    return {"status_label": status_label, "kind_label": kind_label, "level_label": level_label,
            "action_label": ledger.action_label,
            "SOURCE_STATES": {s.value: label for s, label in STATE_LABELS.items()},
            "State": State}


@bp.route("/")
@login_required
def index() -> Any:
    """Send each user to their role's home page."""
    return redirect(url_for(ROLE_HOMES[RoleCode(current_user.role_code)]))


def _page(template: str, **inbox: Any) -> str:
    return render_template(template, **inbox, **dashboard_context())


@bp.route("/staff")
@roles_required(RoleCode.OPINION_STAFF)
def staff() -> str:
    """Opinion staff: new alerts, 待分办 messages, entries waiting on staff; then the dashboard."""
    db = get_db()
    alerts, alert_total = events.new_alerts(db, limit=10)
    return _page("home/staff.html", alerts=alerts, alert_total=alert_total,
                 unrouted=ledger.unrouted_messages(db, limit=10),
                 waiting=ledger.waiting_on_staff(db, limit=10))


@bp.route("/responder")
@roles_required(RoleCode.RESPONDER)
def responder() -> str:
    """Department responder: the department's open cases with countdowns; then the dashboard."""
    db = get_db()
    cases = (ledger.department_cases(db, current_user.department_id)
             if current_user.department_id else ledger.Listing([], 0))
    ctx, now = deadline_context(db), utcnow()
    countdowns = {c.entry.id: ledger.countdown(c.entry.due_at, now, ctx.calendar.is_workday,
                                               ctx.tz, paused=c.entry.paused_since is not None)
                  for c in cases.rows}
    return _page("home/responder.html", cases=cases, countdowns=countdowns)


def _sign_off_forms(pending: list) -> dict[int, dict[str, Any]]:
    """The 审签 forms (approve, return) for each pending reply the leader may decide."""
    ctx, actor = deadline_context(get_db()), current_actor()
    forms = {}
    for item in pending:
        allowed = ledger.access(item.entry, actor, ctx).actions
        forms[item.entry.id] = {
            action: form(prefix=action) for action, form in
            (("approve", ApproveForm), ("reject", RejectForm)) if action in allowed}
    return forms


@bp.route("/leader")
@roles_required(RoleCode.LEADER)
def leader() -> str:
    """Leader: replies waiting for 审签, overdue by department, today's hot issues."""
    db, now = get_db(), utcnow()
    pending = ledger.awaiting_approval(db)
    return _page("home/leader.html", pending=pending, forms=_sign_off_forms(pending.rows),
                 checks=quality.checks_of(db, [p.response for p in pending.rows]),
                 overdue=ledger.overdue_by_department(db, now),
                 hot=events.hot_today(db, now, get_settings().tz))


@bp.route("/admin")
@roles_required(RoleCode.ADMIN)
def admin() -> str:
    """Admin: failing sources, failed jobs and deliveries; then the dashboard."""
    db = get_db()
    return _page("home/admin.html", sources=ops.source_problems(db),
                 jobs=ops.failed_jobs(db), failed_deliveries=ops.failed_deliveries(db))


@bp.route("/favicon.ico")
def favicon() -> Any:
    """The site icon where browsers look for it by default (pages also link it)."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)
