"""The home page of each role: its dashboard (see :mod:`web.dashboard`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required

from tracker.vocabulary import RoleCode
from web.auth import roles_required
from web.dashboard import dashboard_context

bp = Blueprint("home", __name__)

ROLE_HOMES = {
    RoleCode.OPINION_STAFF: "home.staff",
    RoleCode.RESPONDER: "home.responder",
    RoleCode.LEADER: "home.leader",
    RoleCode.ADMIN: "home.admin",
}


@bp.route("/")
@login_required
def index() -> Any:
    """Send each user to their role's home page."""
    return redirect(url_for(ROLE_HOMES[RoleCode(current_user.role_code)]))


@bp.route("/staff")
@roles_required(RoleCode.OPINION_STAFF)
def staff() -> str:
    """Opinion staff: alert queue and search."""
    return render_template("home/staff.html", **dashboard_context())


@bp.route("/responder")
@roles_required(RoleCode.RESPONDER)
def responder() -> str:
    """Department responder: the department's cases."""
    return render_template("home/responder.html", **dashboard_context())


@bp.route("/leader")
@roles_required(RoleCode.LEADER)
def leader() -> str:
    """Leader: ledger review and approvals."""
    return render_template("home/leader.html", **dashboard_context())


@bp.route("/admin")
@roles_required(RoleCode.ADMIN)
def admin() -> str:
    """Admin: sources, watch rules, users, settings."""
    return render_template("home/admin.html", **dashboard_context())


@bp.route("/favicon.ico")
def favicon() -> Any:
    """The site icon where browsers look for it by default (pages also link it)."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)
