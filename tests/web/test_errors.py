"""Error pages: every error answers in Chinese, in the app's layout, with a way back; a 403
names the roles that may; the 500 page renders even when the database session is broken,
without touching the database; API clients get a JSON body. Both databases."""

from __future__ import annotations

import re

import pytest
from flask import abort
from flask_login import login_required
from sqlalchemy import event, text

from tests.conftest import csrf_token
from web.db import get_db

ENGLISH = ("Werkzeug", "Traceback", "Not Found", "Bad Request", "Forbidden",
           "Method Not Allowed", "Internal Server Error", "Request Entity Too Large",
           "Too Many Requests", "The CSRF token", "redirected automatically")


def sign_in(auth, demo_users, role: str) -> None:
    """Sign in as the demo account of ``role``."""
    account = demo_users[role]
    assert auth.login(account.username, account.password).status_code == 302


def assert_error_page(response, status: int, title: str) -> str:
    """A Chinese error page in the layout (top bar, footer) with links back; its HTML."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:400]
    assert response.mimetype == "text/html"
    assert f'data-error="{status}"' in html and f"<h1>{title}</h1>" in html, html[:600]
    assert f"<title>{title} · yuqing</title>" in html
    assert 'class="topbar"' in html and 'class="footer"' in html  # the app's layout
    assert re.search(r'<a href="[^"]+" data-back>返回上一页</a>', html)
    assert '<a href="/" data-home>返回首页</a>' in html
    for english in ENGLISH:
        assert english not in html, english
    return html


@pytest.fixture
def probe(app):
    """Routes that raise what no real route raises on demand (added before any request)."""
    app.add_url_rule("/_probe/429", "probe_429", lambda: abort(429))
    app.add_url_rule("/_probe/boom", "probe_boom", _boom)
    app.add_url_rule("/_probe/broken-db", "probe_broken_db", login_required(_broken_db))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # let the 500 handler answer, as in production
    return app


def _boom():
    raise RuntimeError("a bug")


def _broken_db():
    get_db().execute(text("SELECT no_such_column FROM no_such_table"))


def test_404_for_a_stranger_and_for_a_signed_in_user(client, auth, demo_users):
    html = assert_error_page(client.get("/no/such/page"), 404, "页面不存在")
    assert "退出" not in html  # anonymous: no user menu
    sign_in(auth, demo_users, "leader")
    html = assert_error_page(client.get("/ledger/999999"), 404, "页面不存在")
    assert "张领导（领导）" in html and "回应台账" in html  # the signed-in layout


def test_back_goes_to_the_referring_page_of_this_site_only(client, auth, demo_users):
    sign_in(auth, demo_users, "leader")
    ours = client.get("/ledger/999999", headers={"Referer": "http://localhost/ledger/?kind=x"})
    assert 'href="http://localhost/ledger/?kind=x" data-back' in ours.get_data(as_text=True)
    theirs = client.get("/ledger/999999", headers={"Referer": "https://evil.example/x"})
    assert 'href="/" data-back' in theirs.get_data(as_text=True)


@pytest.mark.parametrize("role, path, allowed", [
    ("responder", "/alerts/", "舆情专员、领导、管理员"),
    ("responder", "/reports/", "领导、舆情专员、管理员"),
    ("leader", "/admin/ops/jobs", "管理员"),
    ("opinion_staff", "/leader", "领导"),
])
def test_403_names_the_roles_that_may(client, auth, demo_users, role, path, allowed):
    sign_in(auth, demo_users, role)
    html = assert_error_page(client.get(path), 403, "没有权限")
    assert f"此操作仅限：{allowed}。" in html


def test_403_on_a_post_names_the_roles_too(client, auth, demo_users):
    sign_in(auth, demo_users, "leader")
    response = client.post("/alerts/1/dismiss", data={"csrf_token": csrf_token(client, "/"),
                                                      "reason": "x"})
    assert "此操作仅限：舆情专员、管理员。" in assert_error_page(response, 403, "没有权限")


def test_400_when_the_csrf_token_is_missing(client, auth, demo_users):
    sign_in(auth, demo_users, "opinion_staff")
    html = assert_error_page(client.post("/logout"), 400, "请求无效")
    assert "表单安全校验未通过" in html
    assert client.get("/staff").status_code == 200  # still signed in: nothing happened


def test_405_keeps_the_allow_header(client):
    response = client.get("/logout")
    assert_error_page(response, 405, "不支持此操作方式")
    assert "POST" in response.headers["Allow"]


def test_413_when_the_body_is_too_large(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"username": "x" * 4096, "password": "y"})
    assert "超过了允许的大小" in assert_error_page(response, 413, "提交的内容过大")


def test_429(client, probe):
    assert "操作过于频繁" in assert_error_page(client.get("/_probe/429"), 429, "操作过于频繁")


def test_500_for_a_bug(client, probe):
    assert "问题已记录" in assert_error_page(client.get("/_probe/boom"), 500, "服务器出错了")


def test_500_with_a_broken_session_rolls_back_and_reads_nothing(
        client, auth, demo_users, probe, migrated_engines, backend):
    sign_in(auth, demo_users, "leader")
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = migrated_engines[backend]
    event.listen(engine, "before_cursor_execute", record)
    try:
        html = assert_error_page(client.get("/_probe/broken-db"), 500, "服务器出错了")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    failed = next(i for i, s in enumerate(statements) if "no_such_table" in s)
    after = statements[failed + 1:]  # the rollback, and not one query
    assert after and all(s.upper().startswith("ROLLBACK") for s in after), after
    assert "张领导（领导）" in html  # the user Flask-Login had loaded, without a query


def test_500_when_the_database_is_gone(client, probe, app):
    def gone():
        raise RuntimeError("database unreachable")

    app.extensions["yuqing.sessions"] = gone
    html = assert_error_page(client.get("/_probe/boom"), 500, "服务器出错了")
    assert "退出" not in html


@pytest.mark.parametrize("path, headers", [
    ("/api/v1/no-such-thing", {}),
    ("/no/such/page", {"Accept": "application/json"}),
])
def test_api_clients_get_json(client, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 404 and response.is_json
    assert response.get_json() == {"error": {
        "code": "not_found", "field": None, "status": 404, "title": "页面不存在",
        "message": "您要找的页面或记录不存在，可能链接有误，或该记录已不在您的查看范围内。"}}


def test_json_403_and_500(client, auth, demo_users, probe):
    sign_in(auth, demo_users, "responder")
    forbidden = client.get("/alerts/", headers={"Accept": "application/json"})
    assert forbidden.status_code == 403
    assert forbidden.get_json()["error"]["message"] == "此操作仅限：舆情专员、领导、管理员。"
    broken = client.get("/_probe/boom", headers={"Accept": "application/json"})
    assert broken.status_code == 500 and broken.get_json()["error"]["title"] == "服务器出错了"
