"""Ledger settings (admin only): the holiday calendar (years the packages do not know: import
the State Council notice, or enter days and confirm the year complete) and SLA rules. Their
paths stay under ``/ledger`` where the ledger list links to them."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from tracker.deadlines import (
    CLOCK_START_LABELS,
    DEFAULT_RULES,
    UNIT_LABELS,
    YearStatus,
    cn_day,
    confirm_year,
    day_spans,
    import_notice,
    parse_notice,
    set_override,
    year_overview,
)
from tracker.models import HolidayOverride, SlaRuleRow, record_audit, utcnow
from tracker.vocabulary import KIND_LABELS, LEVEL_LABELS, RoleCode, parse_level
from web.admin import bp
from web.auth import roles_required
from web.db import get_db, get_settings
from web.inputs import YEARS_TEXT, year_ok
from web.ledger.forms import HolidayForm, NoteForm, NoticeForm, SlaForm
from web.ledger.present import current_actor


@bp.route("/ledger/calendar", methods=["GET", "POST"])
@roles_required(RoleCode.ADMIN)
def calendar() -> Any:
    """List entered days, show each year's source, enter a day."""
    form, db = HolidayForm(), get_db()
    status = 400 if request.method == "POST" else 200  # unless the day is saved below
    if form.validate_on_submit():
        try:
            day = date.fromisoformat(form.day.data.strip())
        except ValueError:
            day = None
            flash("日期格式应为“年-月-日”，如 2026-10-01", "error")
        if day is not None and not year_ok(day):
            flash(f"日期超出范围（须在 {YEARS_TEXT}之间）", "error")
        elif day is not None:
            set_override(db, day, form.workday.data == "1", form.name.data or None,
                         form.note.data or None, actor_id=current_actor().id)
            db.commit()
            flash(f"已录入 {day.isoformat()}。", "info")
            return redirect(url_for("admin.calendar"), 303)
    return render_calendar(form, db), status


def render_calendar(form: HolidayForm, db) -> str:
    """The calendar page: each year's source and the days entered."""
    rows = list(db.scalars(select(HolidayOverride).order_by(HolidayOverride.day)))
    tz = get_settings().tz
    return render_template("admin/calendar.html", form=form, rows=rows, confirm=NoteForm(),
                           years=year_overview(db, utcnow().astimezone(tz).year), tz=tz,
                           PARTIAL=YearStatus.PARTIAL, UNKNOWN=YearStatus.UNKNOWN)


@bp.post("/ledger/calendar/<int:year>/complete")
@roles_required(RoleCode.ADMIN)
def calendar_complete(year: int) -> Any:
    """Confirm that the days entered by hand are the whole schedule of ``year``."""
    form, db = NoteForm(), get_db()
    if not form.validate_on_submit():
        abort(400)
    try:
        confirm_year(db, year, actor_id=current_actor().id, note=form.note.data or None)
    except ValueError as exc:
        db.rollback()
        flash(str(exc), "error")
    else:
        db.commit()
        flash(f"{year} 年已确认录入完整，期限不再带警告。", "info")
    return redirect(url_for("admin.calendar"), 303)


@bp.route("/ledger/calendar/notice", methods=["GET", "POST"])
@roles_required(RoleCode.ADMIN)
def calendar_notice() -> Any:
    """Paste the State Council notice, preview the parsed days, confirm to store the year."""
    form, db = NoticeForm(), get_db()
    schedule = None
    if form.validate_on_submit():
        schedule = parse_notice(form.text.data)  # parsed again on confirm: never trust a preview
        if request.form.get("action") == "confirm" and schedule.ok:
            result = import_notice(db, schedule, actor_id=current_actor().id)
            db.commit()
            again = "，替换了此前导入的通知" if result.replaced else ""
            flash(f"已导入 {result.year} 年放假安排（{result.stored} 天）{again}；"
                  f"{result.year} 年已标记为完整。", "info")
            return redirect(url_for("admin.calendar"), 303)
    current = None
    if schedule is not None and schedule.year is not None:
        current = next(i for i in year_overview(db, schedule.year) if i.year == schedule.year)
    return render_template("admin/calendar_notice.html", form=form, schedule=schedule,
                           current=current, cn_day=cn_day, day_spans=day_spans,
                           COMPLETE=YearStatus.COMPLETE)


def _row_from(form: SlaForm, actor_id: int | None) -> SlaRuleRow:
    return SlaRuleRow(
        kind=form.kind.data, level=form.level.data or None, board=form.board.data or None,
        category=form.category.data or None, unit=form.unit.data,
        time_limit=form.time_limit.data, extended_limit=form.extended_limit.data,
        second_limit_hours=form.second_limit_hours.data, clock_start=form.clock_start.data,
        active=True, note=form.note.data or None, updated_by_id=actor_id)


@bp.route("/ledger/sla", methods=["GET", "POST"])
@roles_required(RoleCode.ADMIN)
def sla() -> Any:
    """The built-in time limits and the configured ones; add a rule."""
    form, db = SlaForm(), get_db()
    if form.validate_on_submit():
        parse_level(form.level.data)
        row = _row_from(form, current_actor().id)
        db.add(row)
        db.flush()
        record_audit(db, entity_type="sla_rule", entity_id=row.id, action="create",
                     actor_id=current_actor().id,
                     changes={"time_limit": (None, f"{row.time_limit} {row.unit}")})
        db.commit()
        flash("时限规则已保存，新登记和重新计算的期限将按此执行。", "info")
        return redirect(url_for("admin.sla"), 303)
    rows = list(db.scalars(select(SlaRuleRow).order_by(SlaRuleRow.id)))
    return render_template(
        "admin/sla.html", form=form, rows=rows, defaults=DEFAULT_RULES, toggle=NoteForm(),
        KIND_LABELS=KIND_LABELS, LEVEL_LABELS=LEVEL_LABELS, UNIT_LABELS=UNIT_LABELS,
        CLOCK_START_LABELS=CLOCK_START_LABELS)


@bp.post("/ledger/sla/<int:rule_id>/toggle")
@roles_required(RoleCode.ADMIN)
def sla_toggle(rule_id: int) -> Any:
    """Switch a configured rule on or off (rules are never deleted)."""
    form, db = NoteForm(), get_db()
    if not form.validate_on_submit():
        abort(400)
    row = db.get(SlaRuleRow, rule_id) or abort(404)
    record_audit(db, entity_type="sla_rule", entity_id=row.id, action="toggle",
                 actor_id=current_actor().id, changes={"active": (row.active, not row.active)})
    row.active = not row.active
    db.commit()
    return redirect(url_for("admin.sla"), 303)
