"""The dashboard on each role's home page, and a projector view (大屏) of it.

Figures come from ``tracker.reports.dashboard``; charts are SVG drawn on the server by
``tracker.reports.charts`` (no chart library in the browser, nothing from a CDN).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user
from markupsafe import Markup

from tracker.reports import (
    Dashboard,
    Series,
    bar_chart,
    build_dashboard,
    department_name,
    line_chart,
)
from tracker.vocabulary import RoleCode
from web.auth import roles_required
from web.db import get_db, get_settings

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

WALL_ROLES = (RoleCode.LEADER, RoleCode.OPINION_STAFF, RoleCode.ADMIN)
#: Dashboard charts are small panels read from afar or on a phone: large text, few pixels.
SIZE = {"width": 560, "height": 340, "text": 18}


def dashboard_charts(board: Dashboard) -> dict[str, Markup]:
    """The dashboard's charts as inline SVG."""
    months = [key[2:].replace("-", "/") for key, _ in board.trend]
    trend = [m for _, m in board.trend]
    out = {
        "speed": Markup(line_chart(months, [
            Series("中位数", [m.median_reply_hours for m in trend]),
            Series("P90", [m.p90_reply_hours for m in trend], "#b42318")],
            title="答复用时趋势（小时，按受理月份）", unit="小时", **SIZE)),
        "on_time": Markup(line_chart(months, [
            Series("按期办结率", [m.on_time_rate for m in trend], "#1a7f37"),
            Series("答复率", [m.reply_rate for m in trend])],
            title="按期办结率与答复率", percent=True, **SIZE)),
    }
    if board.days:
        labels = [d.day.strftime("%m-%d") for d in board.days]
        series = [Series("正面", [d.positive for d in board.days], "#1a7f37"),
                  Series("中性", [d.neutral for d in board.days], "#8c959f"),
                  Series("负面", [d.negative for d in board.days], "#b42318"),
                  Series("未分析", [d.total - d.positive - d.neutral - d.negative
                                        for d in board.days], "#d0d7de")]
        out["mentions"] = Markup(bar_chart(labels, series, stacked=True, unit="条",
                                                  title="近30天信息量与情感倾向", **SIZE))
    return out


def dashboard_context() -> dict[str, Any]:
    """Template context for the signed-in user: responders see their department only."""
    session = get_db()
    responder = current_user.has_role(RoleCode.RESPONDER)
    department_id = current_user.department_id if responder else None
    board = build_dashboard(session, get_settings(), department_id=department_id,
                            with_public=not responder)
    return {"board": board, "charts": dashboard_charts(board), "scope":
            department_name(session, department_id) if responder else None}


@bp.route("/wall")
@roles_required(*WALL_ROLES)
def wall() -> str:
    """The projector view: the same panels, large type, refreshed every five minutes."""
    return render_template("dashboard/wall.html", **dashboard_context())
