"""Each signed-in user's in-app notifications and personal channels (every role)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import notify
from tracker.models import Notification, NotificationPreference, User
from web.admin import PERSONAL_LABELS, bp
from web.db import get_db


@bp.route("/notifications")
@login_required
def notifications() -> str:
    """The signed-in user's in-app notifications, unread first, and their channels."""
    db = get_db()
    rows = db.scalars(select(Notification).where(
        Notification.user_id == current_user.id).order_by(
        Notification.read_at.is_not(None), Notification.id.desc()).limit(200)).all()
    pref = db.get(NotificationPreference, current_user.id)
    channels = pref.channels if pref else list(notify.PERSONAL_CHANNELS)
    email = db.scalar(select(User.email).where(User.id == current_user.id))
    return render_template("admin/notifications.html", notifications=rows, channels=channels,
                           email=email)


@bp.route("/notifications/preferences", methods=["POST"])
@login_required
def notification_preferences() -> Any:
    """Choose the personal channels (in-app, e-mail) the user reads."""
    db = get_db()
    chosen = [c for c in notify.PERSONAL_CHANNELS if c in request.form.getlist("channels")]
    pref = db.get(NotificationPreference, current_user.id)
    if pref is None:
        pref = NotificationPreference(user_id=current_user.id)
        db.add(pref)
    pref.channels = chosen
    db.commit()
    names = "、".join(PERSONAL_LABELS[c] for c in chosen) or "不接收个人通知"
    flash(f"已保存通知方式：{names}。", "info")
    return redirect(url_for("admin.notifications"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def notifications_read() -> Any:
    """Mark all of the user's notifications read."""
    db = get_db()
    count = notify.mark_read(db, current_user.id)
    db.commit()
    flash(f"已将 {count} 条通知标为已读。", "info")
    return redirect(url_for("admin.notifications"))




@bp.route("/notifications/<int:note_id>")
@login_required
def notification_open(note_id: int) -> Any:
    """Open one of the user's notifications: mark it read and go where it points."""
    db = get_db()
    note = db.get(Notification, note_id)
    if note is None or note.user_id != current_user.id:
        abort(404)
    notify.mark_read(db, current_user.id, [note.id])
    db.commit()
    target = note.link or ""
    local = target.startswith("/") and not target.startswith(("//", "/\\"))
    return redirect(target if local else url_for("admin.notifications"))
