"""The admin blueprint as a whole: every rule keeps the path it had before the pages moved
into one blueprint, and every admin-only rule refuses the other roles (403) and sends a
signed-out visitor to the login page."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.models import Notification, Source, User, WatchRule

# (path, method) of every admin rule as it was under the "ops" and "ledger" blueprints.
OLD_RULES = {
    ("/admin/ops/jobs", "GET"), ("/admin/ops/jobs/<job_id>", "GET"),
    ("/admin/ops/jobs/<job_id>/<action>", "POST"), ("/admin/ops/sources", "GET"),
    ("/admin/ops/deliveries", "GET"), ("/admin/ops/notify", "GET"),
    ("/admin/ops/notify/rules", "POST"), ("/admin/ops/notify/rules/<int:rule_id>/<action>", "POST"),
    ("/admin/ops/notify/webhooks", "POST"),
    ("/admin/ops/notify/webhooks/<int:hook_id>/toggle", "POST"),
    ("/admin/ops/notify/contacts", "POST"),
    ("/admin/ops/notify/contacts/<int:contact_id>/delete", "POST"),
    ("/notifications", "GET"), ("/notifications/preferences", "POST"),
    ("/notifications/read", "POST"),
    ("/ledger/calendar", "GET"), ("/ledger/calendar", "POST"), ("/ledger/sla", "GET"),
    ("/ledger/sla", "POST"), ("/ledger/sla/<int:rule_id>/toggle", "POST"),
}
# Rules added since: the State Council notice import and the whole-year confirmation.
NEW_RULES = {
    ("/ledger/calendar/notice", "GET"), ("/ledger/calendar/notice", "POST"),
    ("/ledger/calendar/<int:year>/complete", "POST"),
    # 用户管理
    ("/admin/users", "GET"), ("/admin/users/new", "POST"), ("/admin/users/<int:user_id>", "GET"),
    ("/admin/users/<int:user_id>", "POST"), ("/admin/users/<int:user_id>/active", "POST"),
    ("/admin/users/<int:user_id>/password", "POST"),
    # 信息源管理
    ("/admin/sources", "GET"), ("/admin/sources/new", "GET"), ("/admin/sources/new", "POST"),
    ("/admin/sources/<int:source_id>", "GET"), ("/admin/sources/<int:source_id>/edit", "GET"),
    ("/admin/sources/<int:source_id>/edit", "POST"),
    ("/admin/sources/<int:source_id>/active", "POST"),
    # 接口令牌
    ("/admin/api-tokens", "GET"), ("/admin/api-tokens/new", "POST"),
    ("/admin/api-tokens/<int:token_id>/revoke", "POST"), ("/admin/api-tokens/guide", "GET"),
    # 部门与分办
    ("/admin/departments", "GET"), ("/admin/departments/new", "POST"),
    ("/admin/departments/<int:department_id>", "POST"),
    ("/admin/departments/<int:department_id>/active", "POST"),
    ("/admin/routing", "GET"), ("/admin/routing", "POST"),
    # 监测规则 (opinion staff and admin)
    ("/admin/rules", "GET"), ("/admin/rules/new", "GET"), ("/admin/rules/new", "POST"),
    ("/admin/rules/<int:rule_id>", "GET"), ("/admin/rules/<int:rule_id>", "POST"),
    ("/admin/rules/<int:rule_id>/toggle", "POST"), ("/admin/rules/<int:rule_id>/delete", "GET"),
    ("/admin/rules/<int:rule_id>/delete", "POST"),
    # 模型训练 (versions of the learned models; 启用 puts one in use)
    ("/admin/models", "GET"), ("/admin/models/<kind>/use", "POST"),
    # opening one notification (marks it read, goes to its page)
    ("/notifications/<int:note_id>", "GET"),
}
# Each user's own notifications: open to every signed-in role.
OPEN_TO_EVERY_ROLE = {"admin.notifications", "admin.notification_preferences",
                      "admin.notifications_read"}
# Watch rules: the opinion staff manage them too (as they save them from the search page).
STAFF_AND_ADMIN = {"admin.rules", "admin.rule_new", "admin.rule_edit", "admin.rule_toggle",
                   "admin.rule_delete"}
SAMPLE_ARGS = {"job_id": "analyze", "action": "toggle", "rule_id": 999_999,
               "hook_id": 999_999, "contact_id": 999_999, "year": 2031, "user_id": 999_999,
               "source_id": 999_999, "token_id": 999_999,
               "department_id": 999_999, "note_id": 999_999, "kind": "sentiment"}
# A user opens only their own notifications: anyone else's (or none) is a 404; their own
# redirects to the page it points to.
OWN_NOTIFICATION = "admin.notification_open"


def admin_requests(app, **args) -> list[tuple[str, str, str]]:
    """(endpoint, method, concrete URL) for every method of every admin rule (``args``
    override the sample URL arguments)."""
    out, args = [], {**SAMPLE_ARGS, **args}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("admin."):
                url = url_for(rule.endpoint, **{a: args[a] for a in rule.arguments})
                out += [(rule.endpoint, m, url) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return out


def call(client, method: str, url: str, token: str):
    """GET the URL, or POST it with the session's CSRF token (so the role check answers)."""
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token})


def test_every_admin_rule_keeps_its_old_path(app):
    rules = {(rule.rule, method) for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("admin.")
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert rules == OLD_RULES | NEW_RULES


def test_signed_out_visitors_go_to_the_login_page(client):
    token = csrf_token(client)
    for endpoint, method, url in admin_requests(client.application):
        response = call(client, method, url, token)
        assert response.status_code == 302, (endpoint, method, url)
        assert response.location.startswith("/login"), (endpoint, response.location)


@pytest.mark.parametrize("role", ["opinion_staff", "responder", "leader"])
def test_other_roles_get_403_on_admin_only_rules(client, auth, demo_users, role):
    account = demo_users[role]
    assert auth.login(account.username, account.password).status_code == 302
    token = csrf_token(client, "/notifications")
    for endpoint, method, url in admin_requests(client.application):
        status = call(client, method, url, token).status_code
        if endpoint == OWN_NOTIFICATION:
            assert status == 404, (role, endpoint, status)
        elif endpoint in OPEN_TO_EVERY_ROLE:
            assert status == (200 if method == "GET" else 302), (role, endpoint, method, status)
        elif endpoint in STAFF_AND_ADMIN and role == "opinion_staff":
            # no rule 999999: 404 where the URL names one; the list and the blank form answer
            expected = 404 if "999999" in url else 200
            assert status == expected, (role, endpoint, method, url, status)
        else:
            assert status == 403, (role, endpoint, method, url, status)


def test_admins_open_every_admin_page(client, auth, demo_users, session):
    account = demo_users["admin"]
    assert auth.login(account.username, account.password).status_code == 302
    me = session.scalar(select(User.id).where(User.username == account.username))
    source = Source(name="routes_board", title="某区网上留言板", kind="board",
                    base_url="http://127.0.0.1:9/", config={})
    watch = WatchRule(name="路由测试方案", all_words=["搅拌站"], enabled=False)
    note = Notification(user_id=me, kind="job", title="任务失败", body="舆情分析失败",
                        link="/admin/ops/jobs")
    session.add_all([source, watch, note])
    session.commit()
    for endpoint, method, url in admin_requests(client.application, user_id=me,
                                                source_id=source.id, rule_id=watch.id,
                                                note_id=note.id):
        if method == "GET":
            expected = 302 if endpoint == OWN_NOTIFICATION else 200
            assert client.get(url).status_code == expected, (endpoint, url)
