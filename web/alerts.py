"""The alert triage queue for opinion staff: list, detail, dismiss, merge, correct, escalate.

Staff and admins act; leaders read. Every action posts a CSRF-protected form, goes through
:mod:`tracker.events.triage` (which audits it) and commits here. Crawled text is rendered escaped
(Jinja autoescaping) and only http(s) links become links.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from tracker.events import (
    SORTS,
    STATUSES,
    TriageError,
    correct_sentiment,
    dismiss_alert,
    escalate_alert,
    event_detail,
    merge_events,
    merge_targets,
    queue,
)
from tracker.learning import last_corrections, overrule_correction
from tracker.ledger import LedgerError
from tracker.models import Alert, Event, User
from tracker.vocabulary import RoleCode
from web.auth import roles_required
from web.db import get_db, get_settings
from web.inputs import parse_id

bp = Blueprint("alerts", __name__, url_prefix="/alerts")
READERS = (RoleCode.OPINION_STAFF, RoleCode.LEADER, RoleCode.ADMIN)
ACTORS = (RoleCode.OPINION_STAFF, RoleCode.ADMIN)


class DismissForm(FlaskForm):
    """Dismiss with a reason."""

    reason = TextAreaField("忽略理由", validators=[DataRequired(message="请填写忽略理由"),
                                                   Length(max=500)])


class MergeForm(FlaskForm):
    """Merge the alert's event into another event."""

    target = SelectField("并入事件", coerce=int, validate_choice=False)


class EscalateForm(FlaskForm):
    """Escalate to the response ledger (the CSRF token is the whole form)."""


class SentimentForm(FlaskForm):
    """Correct one mention's sentiment."""

    label = HiddenField(validators=[AnyOf(["positive", "negative"])])


class OverruleForm(FlaskForm):
    """A leader overrules a sentiment correction (the CSRF token is the whole form)."""


def safe_url(value: str | None) -> str | None:
    """Only http(s) links are rendered as links (no javascript: from crawled pages)."""
    if not value:
        return None
    return value if urlsplit(value).scheme in ("http", "https") else None


@bp.context_processor
def helpers() -> dict[str, Any]:
    """Labels and link checks for the alert templates."""
    can_act = current_user.is_authenticated and current_user.has_role(*ACTORS)
    can_overrule = current_user.is_authenticated and current_user.has_role(RoleCode.LEADER)
    return {"STATUSES": STATUSES, "SORTS": SORTS, "safe_url": safe_url,
            "can_act": can_act, "can_overrule": can_overrule}


@bp.get("/")
@roles_required(*READERS)
def index() -> str:
    """The queue: untriaged alerts by default, newest (or hottest) first."""
    status = request.args.get("status", "new")
    status = status if status in STATUSES or status == "all" else "new"
    sort = request.args.get("sort", "new")
    sort = sort if sort in SORTS else "new"
    page = request.args.get("page", 1, type=int) or 1
    return render_template("alerts/index.html", page=queue(get_db(), status, sort, page),
                           status=status, sort=sort)


def _alert(alert_id: int) -> Alert:
    alert = get_db().get(Alert, alert_id)
    if alert is None:
        abort(404)
    return alert


@bp.get("/<int:alert_id>")
@roles_required(*READERS)
def detail(alert_id: int) -> str:
    """One alert with its event's mentions, trend, sentiment mix and the actions."""
    alert = _alert(alert_id)
    db = get_db()
    merge = MergeForm()
    merge.target.choices = [(e.id, f"{e.title[:40]}（{e.mention_count} 条）")
                            for e in merge_targets(db, alert.event)]
    merged_into = (db.get(Event, alert.event.merged_into_id)
                   if alert.event.merged_into_id else None)
    detail = event_detail(db, alert.event, get_settings().tz)
    fixes = last_corrections(db, [row.mention.id for row in detail.mentions])
    names = dict(db.execute(select(User.id, User.display_name).where(User.id.in_(
        {c.user_id for c in fixes.values()} - {None}))).all()) if fixes else {}
    return render_template("alerts/detail.html", alert=alert, detail=detail,
                           dismiss=DismissForm(), merge=merge, escalate=EscalateForm(),
                           sentiment=SentimentForm(), overrule=OverruleForm(), fixes=fixes,
                           fixers=names, merged_into=merged_into)


def _done(alert_id: int, message: str) -> Any:
    get_db().commit()
    flash(message, "info")
    return redirect(url_for("alerts.detail", alert_id=alert_id), code=303)


def _refused(alert_id: int, message: str) -> Any:
    get_db().rollback()
    flash(message, "error")
    return redirect(url_for("alerts.detail", alert_id=alert_id), code=303)


@bp.post("/<int:alert_id>/dismiss")
@roles_required(*ACTORS)
def dismiss(alert_id: int) -> Any:
    """Dismiss the alert with a reason."""
    alert, form = _alert(alert_id), DismissForm()
    if not form.validate_on_submit():
        return _refused(alert_id, "请填写忽略理由（500 字以内）")
    try:
        dismiss_alert(get_db(), alert, form.reason.data, current_user.id)
    except TriageError as exc:
        return _refused(alert_id, str(exc))
    return _done(alert_id, "已忽略该预警")


@bp.post("/<int:alert_id>/merge")
@roles_required(*ACTORS)
def merge(alert_id: int) -> Any:
    """Merge the alert's event into the chosen event."""
    alert, form = _alert(alert_id), MergeForm()
    if not form.validate_on_submit() or not form.target.data:
        return _refused(alert_id, "请选择要并入的事件")
    db = get_db()
    target_id = parse_id(form.target.data)  # a tampered select may carry any number
    target = db.get(Event, target_id) if target_id else None
    if target is None:
        return _refused(alert_id, "找不到要并入的事件")
    try:
        merge_events(db, alert.event, target, current_user.id)
    except TriageError as exc:
        return _refused(alert_id, str(exc))
    return _done(alert_id, f"已将本事件并入事件“{target.title[:40]}”")


@bp.post("/<int:alert_id>/escalate")
@roles_required(*ACTORS)
def escalate(alert_id: int) -> Any:
    """Open an opinion entry in the response ledger for the alert."""
    alert, form = _alert(alert_id), EscalateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        entry_id = escalate_alert(get_db(), alert, current_user.id)
    except (TriageError, LedgerError) as exc:
        return _refused(alert_id, str(exc))
    return _done(alert_id, f"已转入回应台账 #{entry_id}")


@bp.post("/<int:alert_id>/mentions/<int:mention_id>/sentiment")
@roles_required(*ACTORS)
def sentiment(alert_id: int, mention_id: int) -> Any:
    """Correct the sentiment of one of the alert's mentions (kept for retraining)."""
    alert, form = _alert(alert_id), SentimentForm()
    if not form.validate_on_submit():
        return _refused(alert_id, "情感修正无效")
    try:
        correct_sentiment(get_db(), mention_id, form.label.data == "positive", current_user.id,
                          event_id=alert.event_id)
    except LookupError:  # not a mention of this alert's event
        abort(404)
    except TriageError as exc:
        return _refused(alert_id, str(exc))
    label = "正面" if form.label.data == "positive" else "负面"
    return _done(alert_id, f"已将信息 #{mention_id} 的情感改为{label}")


@bp.post("/<int:alert_id>/corrections/<int:correction_id>/overrule")
@roles_required(RoleCode.LEADER)
def overrule(alert_id: int, correction_id: int) -> Any:
    """A leader overrules a sentiment correction: it no longer trains the model."""
    alert, form = _alert(alert_id), OverruleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        row = overrule_correction(get_db(), correction_id, current_user.id,
                                  event_id=alert.event_id)
    except LookupError:  # not the last correction of one of this alert's mentions
        abort(404)
    return _done(alert_id, f"已驳回对信息 #{row.mention_id} 的情感修正，该修正不再用于模型训练")
