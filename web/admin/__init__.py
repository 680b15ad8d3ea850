"""The admin blueprint: every page for running the office's system of record.

One module per page group: ``ops`` (scheduled jobs, source health, notification deliveries),
``notify`` (notification rules, group robots, escalation contacts), ``ledger`` (holiday
calendar and SLA rules), ``notifications`` (each user's own in-app notifications, open to
every role), ``users`` (用户管理) and ``sources`` (信息源管理). Paths keep their historical
prefixes (``/admin/ops``, ``/ledger``, ``/notifications``) so bookmarks still work; each route
carries its own role check. ``departments`` is 部门与分办 (the directory and the 一级分类
map), ``tokens`` 接口令牌, ``models`` 模型训练 (versions, rollback).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from tracker import notify
from tracker.vocabulary import LEVEL_LABELS as LEVELS
from tracker.vocabulary import ROLE_NAMES

bp = Blueprint("admin", __name__)

ACTION_LABELS = {"pause": "暂停", "resume": "恢复", "run": "立即运行"}
RUN_STATUS = {"running": "运行中", "ok": "成功", "error": "失败", "missed": "错过",
              "skipped": "跳过（上次未结束）", "interrupted": "中断"}
DELIVERY_STATUS = {"pending": "待发送", "retrying": "重试中", "sent": "已发送", "failed": "失败",
                   "cancelled": "已取消"}
CHANNEL_LABELS = {"email": "电子邮件", "wecom": "企业微信", "dingtalk": "钉钉"}
PERSONAL_LABELS = {"inapp": "站内通知", "email": "电子邮件"}
TIERS = {"head": "部门负责人", "leader": "督办领导"}


@bp.app_context_processor
def inject_labels() -> dict[str, Any]:
    """Labels the ops and notification templates share."""
    return {"RUN_STATUS": RUN_STATUS, "DELIVERY_STATUS": DELIVERY_STATUS,
            "CHANNEL_LABELS": CHANNEL_LABELS, "ACTION_LABELS": ACTION_LABELS,
            "PERSONAL_LABELS": PERSONAL_LABELS, "KIND_LABELS": notify.KIND_LABELS,
            "LEVELS": LEVELS, "TIERS": TIERS, "ROLE_NAMES": ROLE_NAMES}


from web.admin import (  # noqa: E402,F401  (routes register on bp)
    departments,
    ledger,
    models,
    notifications,
    notify_settings,
    ops,
    rules,
    sources,
    tokens,
    users,
)
