"""The notification center: in-app messages, e-mail and group-robot webhooks, per rule and user.

:func:`notify` turns one :class:`Message` into in-app notifications and pending deliveries
(an outbox: nothing is sent inside the caller's transaction); :func:`attempt` sends one
delivery, recording its status, retrying with backoff and keeping to the rate limits. The
``key`` of a message makes it idempotent: the same key never reaches the same person or
endpoint twice.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tracker.models import User, utcnow
from tracker.models.ops import (
    Delivery,
    Notification,
    NotificationPreference,
    NotificationRule,
    WebhookEndpoint,
)
from tracker.notify.formats import (
    ROBOT_LABELS,
    RobotKind,
    WebhookSpec,
    mask_url,
    parse_webhook_spec,
)
from tracker.notify.policy import RATE_LIMITS, after_failure, rate_wait
from tracker.notify.transport import DeliveryError, SmtpConfig, post_webhook, send_email
from tracker.settings import Settings
from tracker.vocabulary import Level, level_of

log = logging.getLogger(__name__)

PERSONAL_CHANNELS = ("inapp", "email")
KIND_LABELS = {"alert": "舆情预警", "reminder": "办理提醒", "escalation": "超期督办",
               "source_health": "信息源状态", "report": "月度报告", "job": "定时任务",
               "assigned": "交办通知", "approval": "待审签", "returned": "退回修改"}


@dataclass(frozen=True)
class Message:
    """Something to tell people: kind, level, words, a link into the app, a dedup key."""

    kind: str
    title: str
    body: str
    level: str | None = None
    link: str | None = None
    key: str | None = None


@dataclass(frozen=True)
class Rule:
    """A notification rule as data (a built-in default or a ``notification_rules`` row)."""

    kind: str
    roles: tuple[str, ...] = ()
    channels: tuple[str, ...] = PERSONAL_CHANNELS
    webhooks: tuple[str, ...] = ()
    min_level: str | None = None


#: Used for a kind that has no enabled rule in the database.
DEFAULT_RULES = (
    Rule("alert", roles=("opinion_staff",), webhooks=("*",)),
    Rule("source_health", roles=("admin",), webhooks=("*",)),
    Rule("report", roles=("leader", "opinion_staff", "admin"), webhooks=("*",)),
    Rule("reminder"),
    Rule("escalation", webhooks=("*",)),
    Rule("job", roles=("admin",)),
    Rule("assigned"),
    Rule("approval"),
    Rule("returned"),
)


@dataclass(frozen=True)
class Outcome:
    """What :func:`notify` created."""

    notifications: int
    deliveries: int


def level_at_least(level: str | None, minimum: str | None) -> bool:
    """True when ``level`` reaches ``minimum`` (no minimum: always); codes or Chinese words."""
    if minimum is None:
        return True
    # An unknown level never passes; an unknown minimum counts as the lowest level.
    found, floor = level_of(level), level_of(minimum)
    return (found.rank if found else 0) >= (floor.rank if floor else Level.GENERAL.rank)


def rules_for(session: Session, message: Message) -> list[Rule]:
    """The rules that match ``message``: enabled rows, else the built-in defaults."""
    rows = session.scalars(select(NotificationRule).where(
        NotificationRule.enabled.is_(True),
        NotificationRule.event_kind.in_([message.kind, "*"]))).all()
    rules = [Rule(r.event_kind, tuple(r.roles), tuple(r.channels), tuple(r.webhooks),
                  r.min_level) for r in rows]
    if not rules:
        rules = [r for r in DEFAULT_RULES if r.kind == message.kind]
    return [r for r in rules if level_at_least(message.level, r.min_level)]


def env_endpoint_key(spec: str) -> str:
    """A stable key for a webhook from the settings (it survives reordering)."""
    return "env:" + hashlib.sha256(spec.encode()).hexdigest()[:10]


def endpoints(session: Session, settings: Settings) -> dict[str, WebhookSpec]:
    """Every enabled webhook endpoint by key: rows first, then the settings' URLs."""
    found: dict[str, WebhookSpec] = {}
    for row in session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.enabled)):
        found[f"webhook:{row.id}"] = WebhookSpec(RobotKind(row.kind), row.url, row.secret)
    for raw in settings.webhook_urls:
        try:
            found[env_endpoint_key(raw)] = parse_webhook_spec(raw)
        except ValueError as exc:
            log.warning("ignoring YUQING_WEBHOOK_URLS entry: %s", exc)
    return found


def _preferences(session: Session, user_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    rows = session.scalars(select(NotificationPreference).where(
        NotificationPreference.user_id.in_(list(user_ids))))
    return {row.user_id: tuple(row.channels) for row in rows}


def _audience(session: Session, rules: list[Rule], users: Iterable[int]) -> dict[int, set[str]]:
    """Each recipient user with the channels the rules allow them."""
    explicit = set(users)
    allowed_for_named = set().union(*(r.channels for r in rules)) if rules else set(
        PERSONAL_CHANNELS)
    audience: dict[int, set[str]] = {uid: set(allowed_for_named) for uid in explicit}
    for rule in rules:
        if not rule.roles:
            continue
        ids = session.scalars(select(User.id).where(User.role_code.in_(rule.roles),
                                                    User.active.is_(True)))
        for uid in ids:
            audience.setdefault(uid, set()).update(rule.channels)
    prefs = _preferences(session, audience)
    return {uid: chans & set(prefs.get(uid, PERSONAL_CHANNELS)) for uid, chans in audience.items()}


def _exists(session: Session, model, **where) -> bool:
    return session.scalar(select(model.id).filter_by(**where).limit(1)) is not None


def _add_delivery(session: Session, message: Message, channel: str, endpoint: str,
                  recipient: str, now: datetime) -> int:
    if message.key and _exists(session, Delivery, event_key=message.key, endpoint=endpoint,
                               recipient=recipient):
        return 0
    session.add(Delivery(event_key=message.key, channel=channel, endpoint=endpoint,
                         recipient=recipient, subject=message.title[:256],
                         body=delivery_body(message), level=message.level,
                         next_attempt_at=now, created_at=now))
    return 1


def delivery_body(message: Message) -> str:
    """The text sent by e-mail and webhook: the body and where to look in the app."""
    label = KIND_LABELS.get(message.kind, message.kind)
    link = f"\n\n在系统中查看：{message.link}" if message.link else ""
    return f"【{label}】{message.body}{link}"


def notify(session: Session, settings: Settings, message: Message, users: Iterable[int] = (),
           now: datetime | None = None) -> Outcome:
    """Create the in-app notifications and pending deliveries for ``message``."""
    now = now or utcnow()
    rules = rules_for(session, message)
    audience = _audience(session, rules, users)
    notes = mails = 0
    people = {u.id: u for u in session.scalars(select(User).where(User.id.in_(audience)))}
    for uid, channels in sorted(audience.items()):
        user = people.get(uid)
        if user is None or not user.active:
            continue
        if "inapp" in channels and not (message.key and _exists(
                session, Notification, user_id=uid, dedup_key=message.key)):
            session.add(Notification(user_id=uid, kind=message.kind, level=message.level,
                                     title=message.title[:256], body=message.body,
                                     link=message.link, dedup_key=message.key, created_at=now))
            notes += 1
        if "email" in channels and user.email and settings.smtp_host:
            mails += _add_delivery(session, message, "email", "email", user.email, now)
    hooks = _webhook_deliveries(session, settings, message, rules, now)
    session.flush()
    log.info("notify %s %r: %d in-app, %d deliveries", message.kind, message.key, notes,
             mails + hooks)
    return Outcome(notes, mails + hooks)


def _webhook_deliveries(session: Session, settings: Settings, message: Message,
                        rules: list[Rule], now: datetime) -> int:
    wanted = {key for rule in rules for key in rule.webhooks}
    if not wanted:
        return 0
    count = 0
    for key, spec in endpoints(session, settings).items():
        if "*" in wanted or key in wanted:
            count += _add_delivery(session, message, spec.kind.value, key, mask_url(spec.url),
                                   now)
    return count


def due_deliveries(session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Ids of deliveries to attempt now, oldest first."""
    return list(session.scalars(
        select(Delivery.id).where(Delivery.status.in_(["pending", "retrying"]),
                                  Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)))


def _rate_limited(session: Session, delivery: Delivery, now: datetime) -> timedelta | None:
    limit = RATE_LIMITS.get(delivery.channel)
    if limit is None:
        return None
    recent = session.scalars(select(Delivery.sent_at).where(
        Delivery.endpoint == delivery.endpoint, Delivery.sent_at > now - limit.window)).all()
    return rate_wait(list(recent), limit, now)


@dataclass(frozen=True)
class Planned:
    """One delivery ready to send, read from the database (no transaction is held)."""

    id: int
    channel: str
    recipient: str
    subject: str
    body: str
    attempts: int
    spec: WebhookSpec | None = None


def plan(session: Session, settings: Settings, delivery_id: int,
         now: datetime) -> Planned | timedelta | str:
    """Read one delivery: what to send, or how long the rate limit says to wait, or why not."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or delivery.status not in {"pending", "retrying"}:
        return delivery.status if delivery else "missing"
    wait = _rate_limited(session, delivery, now)
    if wait is not None:
        return wait
    spec = None if delivery.channel == "email" else endpoints(session, settings).get(
        delivery.endpoint)
    return Planned(delivery.id, delivery.channel, delivery.recipient, delivery.subject,
                   delivery.body, delivery.attempts, spec)


def send(planned: Planned, settings: Settings, timeout: float = 10.0) -> DeliveryError | None:
    """Send one planned delivery (network only, no database); the error if it failed."""
    try:
        if planned.channel == "email":
            send_email(SmtpConfig.from_settings(settings), planned.recipient, planned.subject,
                       planned.body, timeout)
        elif planned.spec is None:
            raise DeliveryError("webhook endpoint removed or disabled", retryable=False)
        else:
            post_webhook(planned.spec, planned.subject, planned.body, timeout,
                         allow_private=settings.webhook_allow_private)
    except DeliveryError as exc:
        return exc
    return None


def record(session: Session, planned: Planned, error: DeliveryError | None,
           now: datetime) -> str:
    """Write how an attempt went (one UPDATE, so it never waits on an earlier read)."""
    attempts = planned.attempts + 1
    values: dict = {"attempts": attempts, "last_attempt_at": now}
    if error is None:
        values |= {"status": "sent", "sent_at": now, "next_attempt_at": None,
                   "last_error": None}
        log.info("delivery %d sent to %s", planned.id, planned.recipient)
    else:
        status, next_at = after_failure(attempts, error.retryable, now)
        values |= {"status": status, "next_attempt_at": next_at,
                   "last_error": str(error)[:2000]}
        log.warning("delivery %d to %s failed (attempt %d, %s): %s", planned.id,
                    planned.recipient, attempts, status, error)
    session.execute(update(Delivery).where(Delivery.id == planned.id).values(**values))
    return values["status"]


def postpone(session: Session, delivery_id: int, until: datetime) -> None:
    """Move a rate-limited delivery to when it may go."""
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(
        next_attempt_at=until))


def attempt(session: Session, settings: Settings, delivery_id: int, now: datetime | None = None,
            timeout: float = 10.0) -> str:
    """Try one delivery now in one session; return its new status (``deferred``: rate limit).

    The deliver job uses :func:`plan`, :func:`send` and :func:`record` in separate short
    transactions instead, so that no transaction is open while the network is slow.
    """
    now = now or utcnow()
    planned = plan(session, settings, delivery_id, now)
    if isinstance(planned, str):
        return planned
    if isinstance(planned, timedelta):
        postpone(session, delivery_id, now + planned)
        status = "deferred"
    else:
        status = record(session, planned, send(planned, settings, timeout), now)
    session.expire_all()
    return status


def mark_read(session: Session, user_id: int, ids: Iterable[int] | None = None,
              now: datetime | None = None) -> int:
    """Mark a user's notifications read (all unread ones when ``ids`` is None)."""
    query = update(Notification).where(Notification.user_id == user_id,
                                       Notification.read_at.is_(None))
    if ids is not None:
        query = query.where(Notification.id.in_(list(ids)))
    return session.execute(query.values(read_at=now or utcnow())).rowcount


def resolve(session: Session, key: str, now: datetime | None = None) -> int:
    """Mark every notification of one event resolved (e.g. a source that recovered)."""
    query = update(Notification).where(Notification.dedup_key == key,
                                       Notification.resolved_at.is_(None))
    return session.execute(query.values(resolved_at=now or utcnow())).rowcount

def resolve_prefix(session: Session, prefix: str, now: datetime | None = None) -> int:
    """Resolve every notification whose key starts with ``prefix`` and cancel its pending
    deliveries (an entry's reminders once it is answered or closed)."""
    now = now or utcnow()
    pattern = prefix.replace("%", r"\%").replace("_", r"\_") + "%"
    session.execute(update(Delivery).where(
        Delivery.event_key.like(pattern, escape="\\"),
        Delivery.status.in_(["pending", "retrying"])).values(
        status="cancelled", next_attempt_at=None, last_error="事项已办结，不再发送"))
    query = update(Notification).where(Notification.dedup_key.like(pattern, escape="\\"),
                                       Notification.resolved_at.is_(None))
    return session.execute(query.values(resolved_at=now)).rowcount


def unread_count(session: Session, user_id: int) -> int:
    """A user's unread notifications that still matter (not resolved): the top bar's badge."""
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None),
        Notification.resolved_at.is_(None))) or 0


__all__ = [
    "Delivery",
    "DeliveryError",
    "Iterable",
    "Level",
    "Notification",
    "NotificationPreference",
    "NotificationRule",
    "RATE_LIMITS",
    "ROBOT_LABELS",
    "RobotKind",
    "Session",
    "Settings",
    "SmtpConfig",
    "User",
    "WebhookEndpoint",
    "WebhookSpec",
    "after_failure",
    "dataclass",
    "datetime",
    "level_of",
    "mask_url",
    "parse_webhook_spec",
    "post_webhook",
    "rate_wait",
    "select",
    "send_email",
    "timedelta",
    "update",
    "utcnow",
]

