"""Operations pages: scheduled jobs (pause, resume, run now), source health, notification
deliveries and webhook endpoints (admin only), and each user's in-app notifications.

The web process never touches the scheduler: pause/resume/run become ``job_commands`` rows
that the scheduler process applies within a second or two.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from tracker import notify
from tracker.collection.health import STATE_LABELS, State
from tracker.models import ROLE_NAMES, Department, RoleCode, Source, User
from tracker.models.ops import (
    Delivery,
    EscalationContact,
    JobCommand,
    JobRun,
    Notification,
    NotificationPreference,
    NotificationRule,
    SourceHealth,
    WebhookEndpoint,
)
from tracker.notify.formats import ROBOT_LABELS, RobotKind, mask_url
from tracker.ops import scheduler as sched
from tracker.vocabulary import LEVEL_LABELS as LEVELS
from web.auth import roles_required
from web.db import get_db, get_settings

bp = Blueprint("ops", __name__)

ACTION_LABELS = {"pause": "暂停", "resume": "恢复", "run": "立即运行"}
RUN_STATUS = {"running": "运行中", "ok": "成功", "error": "失败", "missed": "错过",
              "skipped": "跳过（上次未结束）", "interrupted": "中断"}
DELIVERY_STATUS = {"pending": "待发送", "retrying": "重试中", "sent": "已发送", "failed": "失败"}
CHANNEL_LABELS = {"email": "电子邮件", "wecom": "企业微信", "dingtalk": "钉钉"}
PERSONAL_LABELS = {"inapp": "站内通知", "email": "电子邮件"}
TIERS = {"head": "部门负责人", "leader": "督办领导"}


@bp.app_context_processor
def inject_labels() -> dict[str, Any]:
    """Labels the ops templates share."""
    return {"RUN_STATUS": RUN_STATUS, "DELIVERY_STATUS": DELIVERY_STATUS,
            "CHANNEL_LABELS": CHANNEL_LABELS, "ACTION_LABELS": ACTION_LABELS,
            "PERSONAL_LABELS": PERSONAL_LABELS, "KIND_LABELS": notify.KIND_LABELS,
            "LEVELS": LEVELS, "TIERS": TIERS, "ROLE_NAMES": ROLE_NAMES}


@bp.route("/admin/ops/jobs")
@roles_required(RoleCode.ADMIN)
def jobs() -> str:
    """The scheduled jobs with trigger, next run, last run and result; pause/resume/run."""
    db = get_db()
    infos = sched.list_jobs(db, get_settings())
    commands = db.scalars(select(JobCommand).order_by(JobCommand.id.desc()).limit(10)).all()
    return render_template("admin/ops_jobs.html", jobs=infos, status=sched.scheduler_status(db),
                           commands=commands)


@bp.route("/admin/ops/jobs/<job_id>")
@roles_required(RoleCode.ADMIN)
def job_runs(job_id: str) -> str:
    """The recent runs of one job."""
    runs = get_db().scalars(select(JobRun).where(JobRun.job_id == job_id)
                            .order_by(JobRun.id.desc()).limit(100)).all()
    return render_template("admin/ops_job_runs.html", job_id=job_id, runs=runs)


@bp.route("/admin/ops/jobs/<job_id>/<action>", methods=["POST"])
@roles_required(RoleCode.ADMIN)
def job_action(job_id: str, action: str) -> Any:
    """Queue a pause, resume or run-now request for the scheduler process."""
    if action not in sched.ACTIONS:
        abort(404)
    db = get_db()
    sched.request(db, job_id, action, current_user.id)
    db.commit()
    running = sched.scheduler_status(db)["running"]
    note = "调度进程将在几秒内执行。" if running else "调度进程未运行，将在下次启动时执行。"
    flash(f"已提交“{ACTION_LABELS[action]}”任务 {job_id}：{note}", "info")
    return redirect(url_for("ops.jobs"))


@bp.route("/admin/ops/sources")
@roles_required(RoleCode.ADMIN)
def sources() -> str:
    """Every source with its health: state, last success, items per day, error rate."""
    rows = get_db().execute(select(Source, SourceHealth).outerjoin(
        SourceHealth, SourceHealth.source_id == Source.id).order_by(Source.name)).all()
    return render_template("admin/ops_sources.html", rows=rows, STATE_LABELS=STATE_LABELS,
                           State=State)


@bp.route("/admin/ops/deliveries")
@roles_required(RoleCode.ADMIN)
def deliveries() -> str:
    """Notification deliveries (newest first) and the webhook endpoints, secrets masked."""
    db = get_db()
    status = request.args.get("status") or None
    query = select(Delivery).order_by(Delivery.id.desc()).limit(200)
    if status in DELIVERY_STATUS:
        query = query.where(Delivery.status == status)
    counts = dict(db.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
    endpoints = [{"key": key, "kind": ROBOT_LABELS[RobotKind(spec.kind)],
                  "url": mask_url(spec.url), "signed": bool(spec.secret)}
                 for key, spec in notify.endpoints(db, get_settings()).items()]
    return render_template("admin/ops_deliveries.html", deliveries=db.scalars(query).all(),
                           counts=counts, status=status, endpoints=endpoints)


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
    return redirect(url_for("ops.notifications"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def notifications_read() -> Any:
    """Mark all of the user's notifications read."""
    db = get_db()
    count = notify.mark_read(db, current_user.id)
    db.commit()
    flash(f"已将 {count} 条通知标为已读。", "info")
    return redirect(url_for("ops.notifications"))


@bp.route("/admin/ops/notify")
@roles_required(RoleCode.ADMIN)
def notify_settings() -> str:
    """Notification rules, group robots and escalation contacts."""
    db = get_db()
    hooks = db.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
    keys = {key: mask_url(spec.url) for key, spec in notify.endpoints(db, get_settings()).items()}
    contacts = db.execute(select(EscalationContact, User.display_name, Department.name)
                          .join(User, User.id == EscalationContact.user_id)
                          .outerjoin(Department, Department.id == EscalationContact.department_id)
                          .order_by(EscalationContact.id)).all()
    return render_template(
        "admin/ops_notify.html", rules=db.scalars(select(NotificationRule).order_by(
            NotificationRule.id)).all(), defaults=notify.DEFAULT_RULES, hooks=hooks,
        endpoint_keys=keys, contacts=contacts, mask_url=mask_url,
        departments=db.scalars(select(Department).order_by(Department.name)).all(),
        users=db.scalars(select(User).where(User.active).order_by(User.username)).all(),
        ROBOT_LABELS={k.value: v for k, v in ROBOT_LABELS.items()})


def _back(message: str, category: str = "info") -> Any:
    get_db().commit()
    flash(message, category)
    return redirect(url_for("ops.notify_settings"))


@bp.route("/admin/ops/notify/rules", methods=["POST"])
@roles_required(RoleCode.ADMIN)
def add_rule() -> Any:
    """Add a rule: who hears about a kind of event, from which level, through what."""
    form = request.form
    name, kind = form.get("name", "").strip()[:64], form.get("event_kind", "")
    if not name or kind not in {*notify.KIND_LABELS, "*"}:
        return _back("请填写规则名称并选择事件类型。", "error")
    if get_db().scalar(select(NotificationRule.id).where(NotificationRule.name == name)):
        return _back(f"已有名为“{name}”的规则。", "error")
    get_db().add(NotificationRule(
        name=name, event_kind=kind, min_level=form.get("min_level") or None,
        roles=[r for r in form.getlist("roles") if r in set(RoleCode)],
        channels=[c for c in form.getlist("channels") if c in notify.PERSONAL_CHANNELS],
        webhooks=form.getlist("webhooks")))
    return _back(f"已添加规则“{name}”。")


@bp.route("/admin/ops/notify/rules/<int:rule_id>/<action>", methods=["POST"])
@roles_required(RoleCode.ADMIN)
def rule_action(rule_id: int, action: str) -> Any:
    """Turn a rule on or off, or delete it."""
    rule = get_db().get(NotificationRule, rule_id) or abort(404)
    if action == "delete":
        get_db().delete(rule)
    elif action == "toggle":
        rule.enabled = not rule.enabled
    else:
        abort(404)
    return _back(f"已更新规则“{rule.name}”。")


@bp.route("/admin/ops/notify/webhooks", methods=["POST"])
@roles_required(RoleCode.ADMIN)
def add_webhook() -> Any:
    """Add a group robot; its URL and secret are never shown again in full."""
    form = request.form
    name, kind, url = form.get("name", "").strip()[:64], form.get("kind"), form.get("url", "")
    if not name or kind not in {k.value for k in RobotKind} or not url.startswith(
            ("https://", "http://")):
        return _back("请填写名称、类型和以 http(s):// 开头的地址。", "error")
    if get_db().scalar(select(WebhookEndpoint.id).where(WebhookEndpoint.name == name)):
        return _back(f"已有名为“{name}”的机器人。", "error")
    get_db().add(WebhookEndpoint(name=name, kind=kind, url=url.strip()[:1024],
                                 secret=form.get("secret", "").strip()[:256] or None))
    return _back(f"已添加群机器人“{name}”：{mask_url(url)}。")


@bp.route("/admin/ops/notify/webhooks/<int:hook_id>/toggle", methods=["POST"])
@roles_required(RoleCode.ADMIN)
def toggle_webhook(hook_id: int) -> Any:
    """Enable or disable a group robot."""
    hook = get_db().get(WebhookEndpoint, hook_id) or abort(404)
    hook.enabled = not hook.enabled
    return _back(f"群机器人“{hook.name}”已{'启用' if hook.enabled else '停用'}。")


@bp.route("/admin/ops/notify/contacts", methods=["POST"])
@roles_required(RoleCode.ADMIN)
def add_contact() -> Any:
    """Name a department head or a supervising leader for escalations."""
    form = request.form
    tier, user_id = form.get("tier"), form.get("user_id", type=int)
    department_id = form.get("department_id", type=int) or None
    if tier not in TIERS or user_id is None or get_db().get(User, user_id) is None:
        return _back("请选择督办层级和人员。", "error")
    exists = get_db().scalar(select(EscalationContact.id).where(
        EscalationContact.tier == tier, EscalationContact.user_id == user_id,
        EscalationContact.department_id.is_(None) if department_id is None
        else EscalationContact.department_id == department_id))
    if not exists:
        get_db().add(EscalationContact(department_id=department_id, tier=tier, user_id=user_id))
    return _back(f"已设置{TIERS[tier]}。")


@bp.route("/admin/ops/notify/contacts/<int:contact_id>/delete", methods=["POST"])
@roles_required(RoleCode.ADMIN)
def delete_contact(contact_id: int) -> Any:
    """Remove an escalation contact."""
    get_db().delete(get_db().get(EscalationContact, contact_id) or abort(404))
    return _back("已删除督办联系人。")
