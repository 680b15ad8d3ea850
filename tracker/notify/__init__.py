"""Notifications: in-app messages, e-mail and group-robot webhooks, chosen per rule and user.

- :mod:`tracker.notify.center`: messages, rules, the delivery outbox, sending and retries
- :mod:`tracker.notify.formats`, :mod:`tracker.notify.transport`, :mod:`tracker.notify.policy`:
  message bodies and robot formats, SMTP and webhooks, backoff and rate limits
- :mod:`tracker.notify.addresses`: :func:`check_webhook_url`, where a webhook may point

The alerts the analysis raises are announced through it by :mod:`tracker.events.announce`.
"""

from __future__ import annotations

from tracker.notify.addresses import UnresolvedHost, UnsafeWebhook, check_webhook_url
from tracker.notify.center import (
    DEFAULT_RULES,
    KIND_LABELS,
    PERSONAL_CHANNELS,
    Message,
    Outcome,
    Planned,
    Rule,
    attempt,
    delivery_body,
    due_deliveries,
    endpoints,
    env_endpoint_key,
    level_at_least,
    mark_read,
    notify,
    plan,
    postpone,
    record,
    resolve,
    resolve_prefix,
    rules_for,
    send,
    unread_count,
)
from tracker.notify.formats import ROBOT_LABELS, RobotKind, mask_url

__all__ = [
    "DEFAULT_RULES",
    "KIND_LABELS",
    "Message",
    "Outcome",
    "PERSONAL_CHANNELS",
    "Planned",
    "ROBOT_LABELS",
    "RobotKind",
    "Rule",
    "UnresolvedHost",
    "UnsafeWebhook",
    "attempt",
    "check_webhook_url",
    "delivery_body",
    "due_deliveries",
    "endpoints",
    "env_endpoint_key",
    "level_at_least",
    "mark_read",
    "mask_url",
    "notify",
    "plan",
    "postpone",
    "record",
    "resolve",
    "resolve_prefix",
    "rules_for",
    "send",
    "unread_count",
]
