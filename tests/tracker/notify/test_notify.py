"""Notifications delivered to real local receivers: an aiosmtpd SMTP server and an HTTP
robot on 127.0.0.1 that checks 钉钉 signatures; retries after the receiver was down,
permanent failures, rate limits, rules, preferences, dedup and secret masking."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from tracker.models import User, utcnow
from tracker.models.ops import (
    Delivery,
    Notification,
    NotificationPreference,
    NotificationRule,
    WebhookEndpoint,
)
from tracker.notify import (
    Message,
    Outcome,
    attempt,
    due_deliveries,
    env_endpoint_key,
    notify,
)
from tracker.notify.formats import (
    RobotKind,
    WebhookSpec,
    dingtalk_sign,
    mask_text,
    mask_url,
    parse_webhook_spec,
    robot_payload,
)
from tracker.notify.policy import RateLimit, backoff, rate_wait

WECOM_KEY = "693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa"
DING_TOKEN = "1b7c0ffee0123456789abcdef0123456789abcdef0123456789abcdef012345"
DING_SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.messages.append(message_from_bytes(envelope.original_content,
                                                policy=policy.default))
        return "250 OK"


class SmtpReceiver:
    """An aiosmtpd server on 127.0.0.1 that can be started late and stopped."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class RobotReceiver:
    """An HTTP stand-in for both group robots: records posts, checks 钉钉 signatures."""

    def __init__(self, port: int, secret: str | None = DING_SECRET) -> None:
        self.port = port
        self.secret = secret
        self.posts: list[dict] = []
        self.reply = {"errcode": 0, "errmsg": "ok"}
        self.server: ThreadingHTTPServer | None = None

    def handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server API)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                reply = receiver.reply
                if "sign" in query or parts.path.startswith("/robot"):
                    reply = receiver.check_sign(query) or reply
                receiver.posts.append({"path": parts.path, "query": query, "body": body})
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler

    def check_sign(self, query: dict) -> dict | None:
        """钉钉's check, written independently: HMAC-SHA256 over "timestamp\\nsecret"."""
        if self.secret is None:
            return None
        stamp = query.get("timestamp", "0")
        mac = hmac.new(self.secret.encode(), f"{stamp}\n{self.secret}".encode(), hashlib.sha256)
        fresh = abs(int(stamp) - time.time() * 1000) < 3600 * 1000
        if query.get("sign") != base64.b64encode(mac.digest()).decode() or not fresh:
            return {"errcode": 310000, "errmsg": "sign not match"}
        return None

    def start(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def smtp():
    receiver = SmtpReceiver(free_port())
    yield receiver
    receiver.stop()


@pytest.fixture
def robot():
    receiver = RobotReceiver(free_port())
    yield receiver
    receiver.stop()


def wecom_spec(port: int) -> str:
    return f"wecom+http://127.0.0.1:{port}/cgi-bin/webhook/send?key={WECOM_KEY}"


def ding_spec(port: int) -> str:
    return f"dingtalk+http://127.0.0.1:{port}/robot/send?access_token={DING_TOKEN}" \
           f"#secret={DING_SECRET}"


@pytest.fixture
def cfg(settings, smtp, robot):
    """Settings pointing at the local receivers (webhooks to 127.0.0.1 allowed)."""
    return dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=smtp.port,
                               smtp_sender="yuqing@gov.example",
                               webhook_urls=(wecom_spec(robot.port), ding_spec(robot.port)),
                               webhook_allow_private=True)


def add_user(session, username: str, role: str, email: str | None = None) -> User:
    """A user row without the slow password hash (nobody signs in here)."""
    user = User(username=username, display_name=username, role_code=role, email=email,
                password_hash="-", failed_logins=0, active=True)
    session.add(user)
    return user


@pytest.fixture
def people(session):
    # Rules reach every user of a role: rows other tests left behind must not count here
    # (deactivated inside this test's transaction, which is rolled back).
    session.execute(update(User).values(active=False))
    found = {"staff": add_user(session, "wang", "opinion_staff", "wang@gov.example"),
             "admin": add_user(session, "zhao", "admin", "zhao@gov.example"),
             "leader": add_user(session, "zhang", "leader")}
    session.flush()  # no commit: on SQLite a commit would escape the test's rollback
    return found


def deliveries(session) -> list[Delivery]:
    return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def send_all(session, cfg, now=None) -> list[str]:
    now = now or utcnow()
    return [attempt(session, cfg, i, now, timeout=5) for i in due_deliveries(session, now)]


ALERT = Message(kind="alert", level="larger", title="【较大】某小区供暖不热",
                body="48 条相关信息，6 小时内增长 5 倍，负面占比 72%", link="/alerts/7",
                key="alert:7:larger")


def test_alert_reaches_email_wecom_and_signed_dingtalk(session, cfg, smtp, robot, people):
    smtp.start()
    robot.start()
    outcome = notify(session, cfg, ALERT)
    assert (outcome.notifications, outcome.deliveries) == (1, 3)  # staff in-app+mail, 2 robots
    assert send_all(session, cfg) == ["sent", "sent", "sent"]
    mail = smtp.inbox.messages[0]
    assert mail["To"] == "wang@gov.example" and mail["Subject"] == ALERT.title
    assert "负面占比 72%" in mail.get_content() and "/alerts/7" in mail.get_content()
    wecom, ding = sorted(robot.posts, key=lambda p: p["path"])
    assert wecom["path"] == "/cgi-bin/webhook/send" and wecom["query"] == {"key": WECOM_KEY}
    assert wecom["body"]["msgtype"] == "markdown"
    assert "负面占比 72%" in wecom["body"]["markdown"]["content"]
    assert ding["query"]["access_token"] == DING_TOKEN and "sign" in ding["query"]
    assert ding["body"]["markdown"]["title"] == ALERT.title
    assert {d.status for d in deliveries(session)} == {"sent"}


def test_retry_after_the_receivers_were_down(session, cfg, smtp, robot, people):
    notify(session, cfg, ALERT)
    now = utcnow()
    assert send_all(session, cfg, now) == ["retrying"] * 3  # nobody listening yet
    failed = deliveries(session)
    assert all(d.attempts == 1 and d.next_attempt_at == now + backoff(1) for d in failed)
    assert due_deliveries(session, now + timedelta(seconds=10)) == []  # backing off
    smtp.start()
    robot.start()
    later = now + backoff(1)
    assert send_all(session, cfg, later) == ["sent"] * 3
    assert len(smtp.inbox.messages) == 1 and len(robot.posts) == 2
    assert all(d.attempts == 2 and d.sent_at == later for d in deliveries(session))


def test_wrong_signature_and_http_errors(session, cfg, robot, people):
    robot.secret = "SECsomethingelse"  # the robot expects another secret: errcode 310000
    robot.start()
    notify(session, dataclasses.replace(cfg, webhook_urls=(ding_spec(robot.port),)), ALERT)
    statuses = send_all(session, dataclasses.replace(cfg, webhook_urls=(ding_spec(robot.port),)))
    assert "failed" in statuses  # a bad signature will not fix itself
    failed = [d for d in deliveries(session) if d.channel == "dingtalk"][0]
    assert "310000" in failed.last_error and failed.attempts == 1


def test_rate_limit_keeps_a_robot_under_twenty_a_minute(session, cfg, robot, people):
    robot.start()
    only_ding = dataclasses.replace(cfg, webhook_urls=(ding_spec(robot.port),))
    session.add(NotificationRule(name="只发钉钉", event_kind="alert", roles=[], channels=[],
                                 webhooks=["*"]))
    for n in range(22):
        notify(session, only_ding, dataclasses.replace(ALERT, key=f"alert:{n}"))
    now = utcnow()
    statuses = send_all(session, only_ding, now)
    assert statuses.count("sent") == 20 and statuses.count("deferred") == 2
    assert len(robot.posts) == 20
    waiting = [d for d in deliveries(session) if d.status == "pending"]
    assert all(d.next_attempt_at == now + timedelta(minutes=1) for d in waiting)
    assert send_all(session, only_ding, now + timedelta(minutes=1)) == ["sent", "sent"]


def test_rules_preferences_and_dedup(session, cfg, smtp, people):
    smtp.start()
    session.add(NotificationPreference(user_id=people["admin"].id, channels=["inapp"]))
    session.add(NotificationRule(name="重大以上通知领导", event_kind="alert", min_level="major",
                                 roles=["leader", "admin"], channels=["inapp", "email"],
                                 webhooks=[]))
    session.flush()
    assert notify(session, cfg, ALERT).notifications == 0  # 较大 < 重大: the rule is silent
    major = dataclasses.replace(ALERT, level="major", key="alert:7:major")
    assert notify(session, cfg, major) == Outcome(2, 0)
    assert notify(session, cfg, major).notifications == 0  # same key: nothing new
    users = set(session.scalars(select(Notification.user_id)))
    assert users == {people["admin"].id, people["leader"].id}  # admin: in-app only (pref)


def test_named_users_and_db_endpoint(session, cfg, robot, people):
    robot.secret = None
    robot.start()
    endpoint = WebhookEndpoint(name="办公室群", kind="wecom",
                               url=f"http://127.0.0.1:{robot.port}/cgi-bin/webhook/send?key=K1")
    session.add(endpoint)
    session.flush()
    reminder = Message(kind="escalation", title="超期督办", body="已超期 1 天", key="r:1")
    outcome = notify(session, dataclasses.replace(cfg, webhook_urls=()), reminder,
                     users=[people["leader"].id])
    assert outcome == Outcome(1, 1)
    assert send_all(session, cfg) == ["sent"]
    assert robot.posts[0]["query"] == {"key": "K1"}
    assert deliveries(session)[0].endpoint == f"webhook:{endpoint.id}"


def test_secrets_are_masked_in_rows_logs_and_reprs(session, cfg, robot, people, caplog):
    caplog.set_level(logging.DEBUG)
    notify(session, cfg, ALERT)
    send_all(session, cfg)  # nobody listening: errors get logged
    text = caplog.text + " ".join(f"{d.recipient} {d.last_error}" for d in deliveries(session))
    text += repr(parse_webhook_spec(ding_spec(robot.port)))
    for secret in (WECOM_KEY, DING_TOKEN, DING_SECRET):
        assert secret not in text
    assert "access_token=1b7c****" in text


def test_format_helpers():
    url = "https://oapi.dingtalk.com/robot/send?access_token=abcdef123456&x=1"
    assert mask_url(url) == "https://oapi.dingtalk.com/robot/send?access_token=abcd****&x=1"
    assert mask_url("smtp://u:hunter2hunter@h/") == "smtp://u:****@h/"
    assert mask_text(f"GET {url} failed", []) == f"GET {mask_url(url)} failed"
    spec = parse_webhook_spec(url + "#secret=SECx")
    assert spec == WebhookSpec(RobotKind.DINGTALK, url, "SECx")
    assert parse_webhook_spec("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k").kind \
        is RobotKind.WECOM
    with pytest.raises(ValueError):
        parse_webhook_spec("http://127.0.0.1/hook?key=k")
    mac = hmac.new(b"SECx", b"1700000000000\nSECx", hashlib.sha256).digest()
    assert dingtalk_sign("SECx", 1700000000000) == base64.b64encode(mac).decode()
    assert robot_payload(RobotKind.WECOM, "T", "B") == {
        "msgtype": "markdown", "markdown": {"content": "**T**\nB"}}
    assert env_endpoint_key("a") == env_endpoint_key("a") != env_endpoint_key("b")
    long = robot_payload(RobotKind.WECOM, "T", "舆" * 3000)["markdown"]["content"]
    assert len(long.encode("utf-8")) <= 4096 and long.endswith("…")


def test_backoff_and_rate_wait():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 8, 40)] == [30, 60, 120, 3600, 3600]
    now = utcnow()
    limit = RateLimit(2, timedelta(minutes=1))
    assert rate_wait([now - timedelta(seconds=70)], limit, now) is None
    sent = [now - timedelta(seconds=50), now - timedelta(seconds=20)]
    assert rate_wait(sent, limit, now) == timedelta(seconds=10)


def test_no_mail_is_queued_without_an_smtp_server(session, settings, people):
    assert settings.smtp_host is None
    outcome = notify(session, settings, ALERT)
    assert (outcome.notifications, outcome.deliveries) == (1, 0)
