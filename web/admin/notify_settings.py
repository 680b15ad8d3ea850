"""Notification settings (admin only): rules, group robots and escalation contacts."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from tracker import notify
from tracker.models import Department, EscalationContact, NotificationRule, User, WebhookEndpoint
from tracker.notify import ROBOT_LABELS, RobotKind, mask_url
from tracker.vocabulary import LEVEL_LABELS, RoleCode
from web.admin import TIERS, bp
from web.auth import roles_required
from web.db import get_db, get_settings
from web.inputs import parse_id


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
        allow_private=get_settings().webhook_allow_private,
        departments=db.scalars(select(Department).order_by(Department.name)).all(),
        users=db.scalars(select(User).where(User.active).order_by(User.username)).all(),
        ROBOT_LABELS={k.value: v for k, v in ROBOT_LABELS.items()})


def _back(message: str, category: str = "info") -> Any:
    get_db().commit()
    flash(message, category)
    return redirect(url_for("admin.notify_settings"))


@bp.route("/admin/ops/notify/rules", methods=["POST"])
@roles_required(RoleCode.ADMIN)
def add_rule() -> Any:
    """Add a rule: who hears about a kind of event, from which level, through what."""
    form = request.form
    name, kind = form.get("name", "").strip()[:64], form.get("event_kind", "")
    if not name or kind not in {*notify.KIND_LABELS, "*"}:
        return _back("请填写规则名称并选择事件类型。", "error")
    if form.get("min_level") and form.get("min_level") not in {lv.value for lv in LEVEL_LABELS}:
        return _back("最低等级无效，请重新选择。", "error")
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


def _address_problem(url: str) -> tuple[str | None, str]:
    """(why the URL is refused, or None; a note for the admin) after resolving its host."""
    try:
        notify.check_webhook_url(url, allow_private=get_settings().webhook_allow_private)
    except notify.UnsafeWebhook as exc:
        return f"{exc.label}。请改用公网地址。", ""
    except notify.UnresolvedHost as exc:  # judged again before every post
        return None, f"（{exc.label}，每次推送前会再次检查地址）"
    return None, ""


@bp.route("/admin/ops/notify/webhooks", methods=["POST"])
@roles_required(RoleCode.ADMIN)
def add_webhook() -> Any:
    """Add a group robot at a public address; its URL and secret are never shown again."""
    form = request.form
    name, kind = form.get("name", "").strip()[:64], form.get("kind")
    url = form.get("url", "").strip()
    if not name or kind not in {k.value for k in RobotKind} or not url.startswith(
            ("https://", "http://")):
        return _back("请填写名称、类型和以 http(s):// 开头的地址。", "error")
    if get_db().scalar(select(WebhookEndpoint.id).where(WebhookEndpoint.name == name)):
        return _back(f"已有名为“{name}”的机器人。", "error")
    refused, note = _address_problem(url)
    if refused:
        return _back(refused, "error")
    get_db().add(WebhookEndpoint(name=name, kind=kind, url=url[:1024],
                                 secret=form.get("secret", "").strip()[:256] or None))
    return _back(f"已添加群机器人“{name}”：{mask_url(url)}{note}。")


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
    form, db = request.form, get_db()
    tier, user_id = form.get("tier"), parse_id(form.get("user_id"))
    department_id = parse_id(form.get("department_id")) if form.get("department_id") else None
    if tier not in TIERS or user_id is None or db.get(User, user_id) is None:
        return _back("请选择督办层级和人员。", "error")
    if form.get("department_id") and (department_id is None
                                      or db.get(Department, department_id) is None):
        return _back("所选部门不存在，请重新选择。", "error")
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
