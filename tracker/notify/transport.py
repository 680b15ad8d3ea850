"""Sending: e-mail over SMTP and JSON posts to group robots, with bounded timeouts.

Every failure becomes a :class:`DeliveryError` whose message has the secrets masked and
which says whether trying again later could help.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

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


def post_webhook(spec: WebhookSpec, title: str, body: str, timeout: float = 10.0,
                 now_ms: int | None = None) -> None:
    """Post one markdown message to a robot; signs 钉钉 requests when a secret is set."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    data = json.dumps(robot_payload(spec.kind, title, body), ensure_ascii=False).encode()
    request = urllib.request.Request(
        signed_url(spec, now_ms), data=data, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT},
    )
    secrets = secrets_of(spec)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            check_robot_reply(response.read(MAX_REPLY_BYTES))
    except RobotReplyError as exc:
        raise DeliveryError(str(exc), exc.retryable) from None
    except urllib.error.HTTPError as exc:
        retryable = exc.code >= 500 or exc.code in {408, 429}
        raise DeliveryError(f"HTTP {exc.code} from {spec!r}", retryable) from None
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(mask_text(f"cannot reach {spec!r}: {reason}", secrets)) from None
