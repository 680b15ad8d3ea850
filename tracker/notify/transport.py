"""Sending: e-mail over SMTP and JSON posts to group robots, with bounded timeouts.

Every failure becomes a :class:`DeliveryError` whose message has the secrets masked and
which says whether trying again later could help. A webhook goes only to a public http(s)
address (:mod:`tracker.notify.addresses`), over a connection to the very address checked,
and a redirect is not followed (it could lead anywhere).
"""

from __future__ import annotations

import http.client
import json
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from tracker.notify.addresses import (
    Target,
    UnresolvedHost,
    UnsafeWebhook,
    check_webhook_url,
    connect_checked,
)
from tracker.notify.formats import (
    RobotReplyError,
    WebhookSpec,
    check_robot_reply,
    mask_text,
    robot_payload,
    secrets_of,
    signed_url,
)
from tracker.settings import Settings

USER_AGENT = "yuqing-notify/1.0"
MAX_REPLY_BYTES = 64 * 1024


class DeliveryError(Exception):
    """A delivery attempt failed; ``retryable`` says whether a later attempt may succeed."""

    def __init__(self, message: str, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class SmtpConfig:
    """Where mail goes out; the password never appears in a repr."""

    host: str | None
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "yuqing@localhost"

    def __repr__(self) -> str:
        return f"SmtpConfig({self.host}:{self.port}, user={self.user!r})"

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        """The SMTP part of the settings."""
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_user,
                   settings.smtp_password, settings.smtp_sender)


def build_email(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A UTF-8 plain-text message (Chinese subject and body)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(body, charset="utf-8")
    return message


def send_email(config: SmtpConfig, to: str, subject: str, body: str,
               timeout: float = 10.0) -> None:
    """Send one message; STARTTLS and login when the server offers them and a user is set."""
    if not config.host:
        raise DeliveryError("SMTP is not configured (YUQING_SMTP_HOST)", retryable=False)
    message = build_email(config.sender, to, subject, body)
    secrets = [config.password] if config.password else []
    try:
        smtp_class = smtplib.SMTP_SSL if config.port == 465 else smtplib.SMTP
        with smtp_class(config.host, config.port, timeout=timeout) as smtp:
            smtp.ehlo()
            if config.port != 465 and smtp.has_extn("starttls"):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if config.user and config.password:
                smtp.login(config.user, config.password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"recipient refused: {exc}", retryable=False) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(mask_text(f"SMTP login failed: {exc}", secrets), False) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(mask_text(f"SMTP error: {exc}", secrets)) from None


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    """An HTTP(S) connection that opens its socket to the checked addresses only; TLS still
    verifies the certificate against the host name."""
    if target.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    conn._create_connection = lambda _address, timeout, _source=None: connect_checked(
        target, timeout)
    return conn


def _check_target(spec: WebhookSpec, url: str, allow_private: bool) -> Target:
    try:
        return check_webhook_url(url, allow_private=allow_private)
    except UnsafeWebhook as exc:
        raise DeliveryError(f"refused {spec!r}: {exc}", retryable=False) from None
    except UnresolvedHost as exc:  # DNS may answer later
        raise DeliveryError(f"cannot reach {spec!r}: {exc}") from None


def _post(target: Target, data: bytes, timeout: float) -> tuple[int, bytes]:
    conn = _connection(target, timeout)
    try:
        conn.request("POST", target.path, body=data, headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT})
        response = conn.getresponse()
        return response.status, response.read(MAX_REPLY_BYTES)
    finally:
        conn.close()


def post_webhook(spec: WebhookSpec, title: str, body: str, timeout: float = 10.0,
                 now_ms: int | None = None, *, allow_private: bool = False) -> None:
    """Post one markdown message to a robot at a public address (loopback and private ones
    too with ``allow_private``); signs 钉钉 requests when a secret is set."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    data = json.dumps(robot_payload(spec.kind, title, body), ensure_ascii=False).encode()
    target = _check_target(spec, signed_url(spec, now_ms), allow_private)
    secrets = secrets_of(spec)
    try:
        status, reply = _post(target, data, timeout)
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryError(mask_text(f"cannot reach {spec!r}: {exc}", secrets)) from None
    if 300 <= status < 400:
        raise DeliveryError(f"HTTP {status} from {spec!r}: redirects are not followed",
                            retryable=False)
    if status >= 400:
        raise DeliveryError(f"HTTP {status} from {spec!r}", status >= 500 or status in {408, 429})
    try:
        check_robot_reply(reply)
    except RobotReplyError as exc:
        raise DeliveryError(str(exc), exc.retryable) from None
