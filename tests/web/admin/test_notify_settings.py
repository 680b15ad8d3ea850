"""Saving a group robot: an address that resolves to this machine, the intranet or another
non-public address is refused with a Chinese form error and nothing is stored; the setting
for private addresses lets an intranet robot through."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.tracker.notify.test_webhook_addresses import loopback_names_in_etc_hosts
from tracker.models.ops import WebhookEndpoint

REFUSED = ["http://127.0.0.1:9/", "http://localhost/", "http://169.254.169.254/",
           "http://10.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/"]


def add_robot(client, url: str) -> tuple[str, str]:
    """Post the add-robot form as the signed-in admin; (name, page shown after it)."""
    name = f"群-{uuid.uuid4().hex[:6]}"
    response = client.post("/admin/ops/notify/webhooks", follow_redirects=True, data={
        "csrf_token": csrf_token(client, "/admin/ops/notify"), "name": name, "kind": "wecom",
        "url": url})
    assert response.status_code == 200
    return name, response.get_data(as_text=True)


def stored(session, name: str) -> WebhookEndpoint | None:
    return session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.name == name))


@pytest.fixture
def admin(auth, demo_users):
    account = demo_users["admin"]
    assert auth.login(account.username, account.password).status_code == 302


@pytest.mark.parametrize("url", [*REFUSED, *(f"http://{n}/hook" for n in
                                             loopback_names_in_etc_hosts()[:1])])
def test_internal_addresses_are_refused_when_saved(client, admin, session, url):
    name, html = add_robot(client, url)
    assert "请改用公网地址" in html and "不能作为群机器人地址" in html
    assert 'class="flash flash-error"' in html and "loopback" not in html
    assert stored(session, name) is None


def test_the_setting_allows_an_intranet_robot(app, client, admin, session, settings):
    app.extensions["yuqing.settings"] = dataclasses.replace(settings,
                                                            webhook_allow_private=True)
    name, html = add_robot(client, "http://10.0.0.1/cgi-bin/webhook/send?key=k")
    assert "已添加群机器人" in html and stored(session, name) is not None
    name, html = add_robot(client, "http://169.254.169.254/")  # never, setting or not
    assert "链路本地地址" in html and stored(session, name) is None


def test_a_name_that_does_not_resolve_now_is_kept_and_checked_again(client, admin, session):
    name, html = add_robot(client, "https://robot.invalid/cgi-bin/webhook/send?key=k")
    assert "已添加群机器人" in html and "暂时无法解析主机名“robot.invalid”" in html
    assert stored(session, name) is not None
