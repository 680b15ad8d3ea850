"""Webhooks go to public addresses only (SSRF): judged after DNS resolution, before every
post, over a connection to the very address judged, without following redirects. Real
receivers on 127.0.0.1 prove that nothing reaches them unless private addresses are allowed."""

from __future__ import annotations

import dataclasses
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.tracker.notify.test_notify import (
    ALERT,
    RobotReceiver,
    add_user,
    deliveries,
    free_port,
    send_all,
    wecom_spec,
)
from tracker.models import User
from tracker.models.ops import Delivery, WebhookEndpoint
from tracker.notify import UnresolvedHost, UnsafeWebhook, check_webhook_url, notify
from tracker.notify.formats import RobotKind, WebhookSpec
from tracker.notify.transport import DeliveryError, post_webhook

REFUSED = [
    "http://127.0.0.1:9/", "http://localhost/", "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0:80/",
    "http://2130706433/", "http://127.1/", "http://0x7f.0.0.1/", "https://192.168.1.10/hook",
    "http://172.16.0.5/", "http://100.64.0.1/", "http://[fc00::1]/", "http://[fe80::1]/",
    "http://224.0.0.1/", "http://255.255.255.255/", "http://[2002:7f00:1::]/",
    "http://[64:ff9b::a00:1]/", "http://[::ffff:169.254.169.254]/",
]


@pytest.fixture
def robot():
    """A robot stand-in listening on 127.0.0.1."""
    receiver = RobotReceiver(free_port(), secret=None)
    yield receiver
    receiver.stop()


@pytest.fixture
def people(session):
    """One opinion-staff user: the alert rule's audience (others deactivated, rolled back)."""
    session.execute(update(User).values(active=False))
    add_user(session, "wang", "opinion_staff", "wang@gov.example")
    session.flush()


def loopback_names_in_etc_hosts() -> list[str]:
    """Names other than localhost that /etc/hosts maps to a loopback address."""
    names = []
    for line in Path("/etc/hosts").read_text().splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) > 1 and fields[0].startswith(("127.", "::1")):
            names += [n for n in fields[1:] if not n.startswith("localhost")]
    return names


@pytest.mark.parametrize("url", REFUSED)
def test_loopback_private_and_special_addresses_are_refused(url):
    with pytest.raises(UnsafeWebhook) as refused:
        check_webhook_url(url)
    assert "不能作为群机器人地址" in refused.value.label


def test_a_name_from_etc_hosts_is_judged_by_its_address():
    names = loopback_names_in_etc_hosts()
    if not names:
        pytest.skip("/etc/hosts maps no other name to loopback")
    with pytest.raises(UnsafeWebhook, match="loopback"):
        check_webhook_url(f"https://{names[0]}/cgi-bin/webhook/send?key=k")


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "gopher://x/",
                                 "javascript:alert(1)", "http:///nohost", "http://[::1/"])
def test_only_http_and_https_urls_with_a_host(url):
    with pytest.raises(UnsafeWebhook):
        check_webhook_url(url)


def fake_dns(answers: dict[str, list[str]]):
    """A resolver answering ``answers`` (name → addresses) and nothing else."""
    def resolve(host, port, type=0):  # noqa: A002 (getaddrinfo's keyword)
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (a, port)) for a in answers[host]]
    return resolve


def test_every_address_a_name_resolves_to_is_judged():
    dns = fake_dns({"robot.example": ["203.0.113.9", "93.184.216.34"],
                    "mixed.example": ["93.184.216.34", "127.0.0.1"]})
    with pytest.raises(UnsafeWebhook, match="private"):  # 203.0.113.0/24 is documentation
        check_webhook_url("https://robot.example/send", resolver=dns)
    with pytest.raises(UnsafeWebhook, match="127.0.0.1, a loopback"):
        check_webhook_url("https://mixed.example/send", resolver=dns)
    target = check_webhook_url("https://public.example/s?key=k",
                               resolver=fake_dns({"public.example": ["93.184.216.34"]}))
    assert (target.host, target.port, target.path, target.addresses) == (
        "public.example", 443, "/s?key=k", ("93.184.216.34",))
    with pytest.raises(UnresolvedHost):
        check_webhook_url("https://nowhere.example/", resolver=dns)


def test_the_setting_allows_loopback_and_private_but_never_link_local():
    for url in ("http://127.0.0.1:9/", "http://localhost/", "http://10.0.0.1/",
                "http://[::1]/", "http://[::ffff:127.0.0.1]/"):
        assert check_webhook_url(url, allow_private=True).addresses
    for url in ("http://169.254.169.254/", "http://0.0.0.0/", "http://224.0.0.1/",
                "http://[fe80::1]/"):
        with pytest.raises(UnsafeWebhook):
            check_webhook_url(url, allow_private=True)


def test_send_time_refusal_reaches_no_local_receiver(session, settings, robot, people):
    robot.start()
    hook = WebhookEndpoint(name="本机群", kind="wecom",
                           url=f"http://localhost:{robot.port}/cgi-bin/webhook/send?key=K1")
    session.add(hook)
    session.flush()
    cfg = dataclasses.replace(settings, webhook_urls=(wecom_spec(robot.port),))
    assert not cfg.webhook_allow_private  # the default
    notify(session, cfg, ALERT)
    hooks = [d for d in deliveries(session) if d.channel == "wecom"]
    assert len(hooks) == 2
    send_all(session, cfg)
    for delivery in session.scalars(select(Delivery).where(Delivery.channel == "wecom")):
        session.refresh(delivery)
        assert (delivery.status, delivery.attempts) == ("failed", 1)  # never retried
        assert "a loopback address" in delivery.last_error
        assert "K1" not in delivery.last_error
    assert robot.posts == []


def test_send_with_the_setting_reaches_the_local_receiver(session, settings, robot, people):
    robot.start()
    cfg = dataclasses.replace(settings, webhook_urls=(wecom_spec(robot.port),),
                              webhook_allow_private=True)
    notify(session, cfg, ALERT)
    assert "sent" in send_all(session, cfg)
    assert len(robot.posts) == 1


def test_the_post_goes_to_the_address_checked_not_a_second_dns_answer(robot, monkeypatch):
    robot.start()
    real = socket.getaddrinfo
    asked = []

    def rebinding(host, *args, **kwargs):
        if host == "robot.test":  # first answer: the receiver; later ones: nowhere
            asked.append(host)
            if len(asked) > 1:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    spec = WebhookSpec(RobotKind.WECOM, f"http://robot.test:{robot.port}/send?key=K2")
    post_webhook(spec, "标题", "正文", timeout=5, allow_private=True)
    assert asked == ["robot.test"] and robot.posts[0]["query"] == {"key": "K2"}


class Redirecting(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_POST(self):  # noqa: N802 (http.server API)
        Redirecting.hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/internal")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):  # noqa: N802
        self.do_POST()

    def log_message(self, *args):
        pass


def test_a_redirect_is_not_followed():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        spec = WebhookSpec(RobotKind.WECOM, f"http://127.0.0.1:{server.server_port}/hook?key=k")
        with pytest.raises(DeliveryError) as failed:
            post_webhook(spec, "标题", "正文", timeout=5, allow_private=True)
        assert not failed.value.retryable and "redirects are not followed" in str(failed.value)
        assert Redirecting.hits == ["/hook?key=k"]
    finally:
        server.shutdown()
        server.server_close()
