"""The dashboard on each role's home page, and a projector view (大屏) of it.

Figures come from ``tracker.reports.dashboard``; charts are SVG drawn on the server by
``tracker.reports.charts`` (no chart library in the browser, nothing from a CDN: the same
charts go into the PDF report, and pages run under a strict CSP). Every mark links to the
list behind it: the search page filtered by day, sentiment, source, type or keyword; the
ledger list filtered by department, week of receipt or overdue; an alert.

Each role sees its own panels (:data:`ROLE_CHARTS`): leaders the office's trends and the
departments, staff where mentions come from and what they say, responders their own
department only, admins the office overview; the wall shows them all.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from tracker.reports import (
    NEGATIVE,
    NEUTRAL,
    PALETTE,
    POSITIVE,
    UNKNOWN,
    Dashboard,
    Item,
    Series,
    bar_chart,
    build_dashboard,
    department_name,
    donut,
    line_chart,
    ranked_bars,
    sparkline,
)
from tracker.vocabulary import RoleCode
from web.auth import roles_required
from web.db import get_db, get_settings

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

WALL_ROLES = (RoleCode.LEADER, RoleCode.OPINION_STAFF, RoleCode.ADMIN)
#: Dashboard charts are small panels read from afar or on a phone: an 18-unit font on a
#: 460-unit-wide chart is 12.5 px when a phone shows the chart 320 px wide.
SIZE = {"width": 460, "height": 330, "text": 18}
PANEL = {"width": 460, "text": 18}
#: Which charts each role's home shows, in order ("wall" is the projector view).
ROLE_CHARTS = {
    RoleCode.LEADER: ("mentions", "speed", "on_time", "dept_on_time", "dept_overdue"),
    RoleCode.OPINION_STAFF: ("mentions", "sources", "kinds", "keywords"),
    RoleCode.RESPONDER: ("speed", "on_time"),
    RoleCode.ADMIN: ("mentions", "kinds", "speed", "on_time", "dept_overdue"),
    "wall": ("mentions", "sources", "kinds", "keywords", "speed", "on_time", "dept_on_time",
             "dept_overdue"),
}
#: Roles whose home lists the hot issues with their sparklines.
HOT_ROLES = (RoleCode.LEADER, RoleCode.OPINION_STAFF, "wall")


def _search(**args: Any) -> str:
    return url_for("search.index", **{k: v for k, v in args.items() if v})


def _ledger(**args: Any) -> str:
    return url_for("ledger.index", **{k: v for k, v in args.items() if v})


def _day(d: date) -> str:
    return d.isoformat()


def mention_chart(board: Dashboard) -> Markup:
    """Mentions per day over 30 days, stacked by sentiment; each part links to its search."""
    days = board.days
    labels = [d.day.strftime("%m-%d") for d in days]
    bands = (("正面", "positive", POSITIVE, lambda d: d.positive),
             ("中性", "neutral", NEUTRAL, lambda d: d.neutral),
             ("负面", "negative", NEGATIVE, lambda d: d.negative),
             ("未分析", "", UNKNOWN, lambda d: d.total - d.positive - d.neutral - d.negative))
    series = [Series(name, [get(d) for d in days], color,
                     [_search(**{"from": _day(d.day), "to": _day(d.day), "sentiment": band})
                      for d in days]) for name, band, color, get in bands]
    return Markup(bar_chart(
        labels, series, stacked=True, unit="条", title="近30天信息量与情感倾向",
        empty="近30天没有采集到信息", **SIZE,
        label_links=[_search(**{"from": _day(d.day), "to": _day(d.day)}) for d in days]))


def public_charts(board: Dashboard) -> dict[str, Markup]:
    """Where the last 30 days' mentions come from and what they are about."""
    since = _day(board.since) if board.since else None
    sources = [Item(s.label, s.count, _search(source=s.key, **{"from": since}) if s.key
                    else None) for s in board.sources]
    kinds = [Item(k.label, k.count, _search(kind=k.key, **{"from": since}))
             for k in board.kinds]
    words = [Item(word, n, _search(q=word, **{"from": since}), note=f"{n} 条")
             for word, n in board.keywords]
    return {
        "mentions": mention_chart(board),
        "sources": Markup(donut(sources, title="近30天信息来源", unit="条",
                                empty="近30天没有采集到信息", **PANEL)),
        "kinds": Markup(donut(kinds, title="近30天媒体类型", unit="条",
                              empty="近30天没有采集到信息", **PANEL)),
        "keywords": Markup(ranked_bars(words, title="近30天高频关键词（条）", unit="条",
                                       empty="近30天的信息还没有分析出关键词", **PANEL)),
    }


def ledger_charts(board: Dashboard, scope: str | None) -> dict[str, Markup]:
    """Reply time and on-time rate by week, and by department (office-wide views only)."""
    weeks = board.weeks
    labels = [w.start.strftime("%m/%d") for w in weeks]
    links = [_ledger(**{"from": _day(w.start), "to": _day(w.end)}) for w in weeks]
    m = [w.metrics for w in weeks]
    who = "本部门" if scope else ""
    none_received = not any(x.received for x in m)
    no_reply = "近8周没有受理事项" if none_received else "近8周受理的事项还没有答复"
    out = {
        "speed": Markup(line_chart(labels, [
            Series("中位数", [x.median_reply_hours for x in m], links=links),
            Series("P90", [x.p90_reply_hours for x in m], NEGATIVE, links=links)],
            title=f"{who}答复用时趋势（小时，按受理周）", unit="小时", label_links=links,
            empty=no_reply, **SIZE)),
        "on_time": Markup(line_chart(labels, [
            Series("按期办结率", [x.on_time_rate for x in m], POSITIVE, links=links),
            Series("答复率", [x.reply_rate for x in m], PALETTE[0], links=links)],
            title=f"{who}按期办结率与答复率（按受理周）", percent=True, label_links=links,
            empty="近8周没有受理事项", **SIZE)),
    }
    since = _day(board.since) if board.since else None
    decided = [d for d in board.departments if d.deadline_decided]
    out["dept_on_time"] = Markup(ranked_bars(
        [Item(d.department, d.on_time_rate or 0.0,
              _ledger(department=d.department_id, **{"from": since}),
              note=f"{d.on_time}/{d.deadline_decided} 件按期") for d in decided[:10]],
        title="近30天各部门按期办结率", percent=True, color=POSITIVE,
        empty="近30天受理的事项还没有到期或答复" if board.departments else "近30天没有受理事项",
        **PANEL))
    out["dept_overdue"] = Markup(ranked_bars(
        [Item(d.name, d.count, _ledger(department=d.department_id, overdue="open"))
         for d in board.overdue_departments[:10]],
        title="各部门超期未办结（件）", unit="件", color=NEGATIVE,
        empty="没有超期未办结的事项", **PANEL))
    return out


def dashboard_charts(board: Dashboard, scope: str | None = None) -> dict[str, Markup]:
    """All the dashboard's charts as inline SVG (each role's template picks its own)."""
    out = ledger_charts(board, scope)
    if board.since and not scope:
        out.update(public_charts(board))
    return out


def hot_rows(board: Dashboard) -> list[dict[str, Any]]:
    """The hot issues with their link and sparkline."""
    rows = []
    for h in board.hot_issues:
        href = (url_for("alerts.detail", alert_id=h.alert_id) if h.alert_id
                else _search(event=h.id))
        label = f"{h.title}：近{len(h.daily)}天共 {sum(h.daily)} 条，最近一天 " \
                f"{h.daily[-1] if h.daily else 0} 条"
        rows.append({"issue": h, "href": href, "spark": Markup(sparkline(h.daily, label=label))})
    return rows


def role_key() -> Any:
    """The signed-in user's role (the key of :data:`ROLE_CHARTS`)."""
    return RoleCode(current_user.role_code)


def dashboard_context(view: Any = None) -> dict[str, Any]:
    """Template context for the signed-in user: responders see their department only."""
    session = get_db()
    responder = current_user.has_role(RoleCode.RESPONDER)
    department_id = current_user.department_id if responder else None
    board = build_dashboard(session, get_settings(), department_id=department_id,
                            with_public=not responder)
    scope = department_name(session, department_id) if responder else None
    view = view or role_key()
    charts = dashboard_charts(board, scope)
    return {"board": board, "charts": charts, "scope": scope,
            "chart_order": [k for k in ROLE_CHARTS.get(view, ()) if k in charts],
            "hot_rows": hot_rows(board) if view in HOT_ROLES else []}


@bp.route("/wall")
@roles_required(*WALL_ROLES)
def wall() -> str:
    """The projector view: every panel, large type, refreshed every five minutes."""
    return render_template("dashboard/wall.html", wall=True, **dashboard_context("wall"))
