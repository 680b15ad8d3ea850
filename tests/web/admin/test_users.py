"""用户管理 at /admin/users: the admin adds, edits, disables and enables users and sets new
passwords; other roles get a 403; the last active admin is refused; a new role ends that
user's sessions. Every answer is Chinese."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.models import User


@pytest.fixture
def admin(auth, demo_users):
    account = demo_users["admin"]
    assert auth.login(account.username, account.password).status_code == 302


def token(client) -> str:
    return csrf_token(client, "/admin/users")


def user(session, username: str) -> User:
    session.expire_all()
    return session.scalar(select(User).where(User.username == username))


def post(client, url: str, **data) -> str:
    """POST with the CSRF token; expect a 303 and return the page it leads to."""
    response = client.post(url, data={"csrf_token": token(client), **data})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return client.get(response.location).get_data(as_text=True)


def test_the_list_shows_users_in_chinese(client, admin):
    html = client.get("/admin/users").get_data(as_text=True)
    assert "用户管理" in html and "新增用户" in html
    row = re.search(r'<tr data-user="responder".*?</tr>', html, re.S).group(0)
    assert "部门办理人" in row and "启用" in row and "编辑" in row and "重置密码" in row
    assert '<td data-label="角色">部门办理人</td>' in row  # in Chinese, never its code
    assert "<style" not in html and "style=" not in html and "<script" not in html


def test_admin_adds_edits_disables_and_resets(client, admin, session, demo_users):
    housing = demo_users["responder"].department
    html = post(client, "/admin/users/new", username="zhou", display_name="周科员",
                role="responder", department=housing, email="zhou@example.cn",
                password="first-pass-1")
    assert "已新增用户“周科员”" in html and 'data-user="zhou"' in html
    zhou = user(session, "zhou")
    assert zhou.department.name == housing and zhou.check_password("first-pass-1")
    html = post(client, f"/admin/users/{zhou.id}", display_name="周科长", role="leader",
                department="", email="")
    assert "已保存“周科长”的资料" in html
    zhou = user(session, "zhou")
    assert (zhou.role_code, zhou.department_id, zhou.email) == ("leader", None, None)
    html = post(client, f"/admin/users/{zhou.id}/active")
    assert "已停用用户“周科长”" in html and not user(session, "zhou").active
    html = post(client, f"/admin/users/{zhou.id}/active")
    assert "已启用用户“周科长”" in html and user(session, "zhou").active
    html = post(client, f"/admin/users/{zhou.id}/password", password="second-pass-2")
    assert "已重置“周科长”的密码" in html
    assert user(session, "zhou").check_password("second-pass-2")


@pytest.mark.parametrize(("data", "says"), [
    ({"username": "leader", "display_name": "重名", "role": "leader"}, "用户名“leader”已被使用"),
    ({"username": "wu", "display_name": "吴", "role": "responder"}, "部门办理人须选择所属部门"),
    ({"username": "wu", "display_name": "吴", "role": "leader", "password": "short"},
     "密码须为 8 至 256 个字符"),
    ({"username": "w u", "display_name": "吴", "role": "leader"}, "用户名只能包含"),
])
def test_refusals_are_chinese_and_add_nothing(client, admin, session, data, says):
    before = session.scalar(select(User.id).order_by(User.id.desc()))
    html = post(client, "/admin/users/new", **{"password": "long-password", "department": "",
                                               **data})
    assert says in html and "flash-error" in html
    assert session.scalar(select(User.id).order_by(User.id.desc())) == before


def test_the_last_admin_is_refused(client, admin, session, demo_users):
    me = user(session, demo_users["admin"].username)
    html = post(client, f"/admin/users/{me.id}/active")
    assert "最后一位启用的管理员" in html and user(session, me.username).active
    html = post(client, f"/admin/users/{me.id}", display_name=me.display_name, role="leader",
                department="", email="")
    assert "最后一位启用的管理员" in html and user(session, me.username).role_code == "admin"


def test_a_new_role_ends_that_users_sessions(app, client, admin, session, demo_users):
    leader = demo_users["leader"]
    other = app.test_client()
    from tests.conftest import AuthActions

    assert AuthActions(other).login(leader.username, leader.password).status_code == 302
    assert other.get("/leader").status_code == 200
    target = user(session, leader.username)
    post(client, f"/admin/users/{target.id}", display_name=target.display_name,
         role="opinion_staff", department="", email="")
    assert other.get("/leader").status_code == 302  # signed out: to the login page


@pytest.mark.parametrize("role", ["opinion_staff", "responder", "leader"])
def test_other_roles_get_a_403(client, auth, demo_users, session, role):
    account = demo_users[role]
    auth.login(account.username, account.password)
    target = user(session, "staff")
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{target.id}").status_code == 403
    tok = csrf_token(client, "/notifications")
    for url in (f"/admin/users/{target.id}/active", f"/admin/users/{target.id}/password",
                "/admin/users/new"):
        assert client.post(url, data={"csrf_token": tok, "password": "x" * 9}).status_code == 403
    assert user(session, "staff").active


def test_a_user_that_does_not_exist_is_a_404(client, admin):
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/users/999999/active",
                       data={"csrf_token": token(client)}).status_code == 404
