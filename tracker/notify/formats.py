"""Message formats of the 企业微信 and 钉钉 group robots, 钉钉 signing, and secret masking.

Both robots take a JSON POST and answer ``{"errcode": 0, "errmsg": "ok"}``; a non-zero
``errcode`` is a failure even with HTTP 200. 钉钉's "加签" security setting appends
``timestamp`` (ms) and ``sign`` = base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))
to the URL. Webhook URLs carry their key in the query string, so they are secrets: they are
shown and logged only through :func:`mask_url`.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

#: Query parameters whose values are secrets.
SECRET_PARAMS = {"key", "access_token", "token", "sign", "secret", "signature"}

#: Error codes the robots use for "too many messages": worth retrying later.
RATE_LIMITED_CODES = {45009, 130101, 660026}


class RobotKind(enum.StrEnum):
    """The group robots we can post to."""

    WECOM = "wecom"
    DINGTALK = "dingtalk"


ROBOT_LABELS = {RobotKind.WECOM: "企业微信群机器人", RobotKind.DINGTALK: "钉钉群机器人"}


@dataclass(frozen=True)
class WebhookSpec:
    """Where and how to post: the robot kind, its URL and (钉钉 加签) its secret."""

    kind: RobotKind
    url: str
    secret: str | None = None

    def __repr__(self) -> str:
        return f"WebhookSpec({self.kind.value}, {mask_url(self.url)})"


class RobotReplyError(Exception):
    """The robot answered with a non-zero ``errcode``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"robot errcode {code}: {message}")
        self.code = code
        self.retryable = code in RATE_LIMITED_CODES or code == -1


def _mask_value(value: str) -> str:
    return value[:4] + "****" if len(value) > 8 else "****"


def mask_url(url: str) -> str:
    """The URL with secret query values and any password replaced by ``****``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "****"
    query = [(k, _mask_value(v) if k.lower() in SECRET_PARAMS else v)
             for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    netloc = parts.netloc
    if parts.password:
        netloc = netloc.replace(f":{parts.password}@", ":****@")
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="*"), ""))


def secrets_of(spec: WebhookSpec) -> list[str]:
    """The secret strings inside a spec (query values and the signing secret)."""
    found = [v for k, v in parse_qsl(urlsplit(spec.url).query) if k.lower() in SECRET_PARAMS]
    return [s for s in [*found, spec.secret or ""] if s]


def mask_text(text: str, secrets: list[str]) -> str:
    """``text`` with every secret (and any URL query secret) masked, for logs and pages."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, _mask_value(secret))
    pattern = r"(?i)((?:" + "|".join(SECRET_PARAMS) + r")=)([^&\s'\"),]+)"
    return re.sub(pattern, lambda m: m.group(1) + _mask_value(m.group(2)), text)


def detect_kind(url: str) -> RobotKind | None:
    """Guess the robot from the official hosts."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith("qyapi.weixin.qq.com"):
        return RobotKind.WECOM
    if host.endswith("dingtalk.com"):
        return RobotKind.DINGTALK
    return None


def parse_webhook_spec(spec: str) -> WebhookSpec:
    """Read ``[wecom+|dingtalk+]URL[#secret=SEC...]`` as written in ``YUQING_WEBHOOK_URLS``."""
    kind: RobotKind | None = None
    for candidate in RobotKind:
        if spec.startswith(candidate.value + "+"):
            kind, spec = candidate, spec[len(candidate.value) + 1:]
    url, _, fragment = spec.partition("#")
    secret = dict(parse_qsl(fragment)).get("secret") if fragment else None
    kind = kind or detect_kind(url)
    if kind is None:
        raise ValueError(f"cannot tell the robot kind of {mask_url(url)}; "
                         "prefix it with wecom+ or dingtalk+")
    return WebhookSpec(kind, url, secret)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 加签: base64 of HMAC-SHA256 over ``"{timestamp}\\n{secret}"`` keyed by the secret."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(spec: WebhookSpec, timestamp_ms: int) -> str:
    """The URL to post to: 钉钉 with a secret gets ``timestamp`` and ``sign`` appended."""
    if spec.kind is not RobotKind.DINGTALK or not spec.secret:
        return spec.url
    sign = quote_plus(dingtalk_sign(spec.secret, timestamp_ms))
    joiner = "&" if urlsplit(spec.url).query else "?"
    return f"{spec.url}{joiner}timestamp={timestamp_ms}&sign={sign}"


#: 企业微信 refuses markdown over 4,096 bytes (UTF-8: about 1,300 Chinese characters).
WECOM_MAX_BYTES = 4096


def _clip_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", "ignore") + "…"


def robot_payload(kind: RobotKind, title: str, body: str) -> dict:
    """The markdown message body of each robot."""
    if kind is RobotKind.WECOM:
        content = _clip_bytes(f"**{title}**\n{body}", WECOM_MAX_BYTES)
        return {"msgtype": "markdown", "markdown": {"content": content}}
    return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n\n{body}"}}


def check_robot_reply(raw: bytes) -> None:
    """Raise :class:`RobotReplyError` unless the robot answered ``errcode`` 0."""
    try:
        reply = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RobotReplyError(-1, "reply is not JSON") from None
    code = reply.get("errcode", 0) if isinstance(reply, dict) else -1
    if code != 0:
        raise RobotReplyError(int(code), str(reply.get("errmsg", "")))
