"""The app's security in one place, on SQLite and PostgreSQL:

(a) a role × route matrix over every rule of ``app.url_map``: the status each role gets,
    in one table; a new route fails the test until the table gives it its expectations;
(b) CSRF on every POST: without the token a signed-in POST is a Chinese 400 and changes
    nothing in the database;
(c) hostile input (ids no column holds, years no calendar knows) is a 404 or a Chinese 400,
    never a 500.

URLs name real rows (``tests/web/security_rows.py``), so each route answers from its view.
"""

from __future__ import annotations

import re

import pytest
from flask import url_for
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.tracker.ledger.factory import HOUSING, department_id
from tests.web.security_rows import URL_ARGS, build_world, fill, requests_of
from tracker.models import Base, User

ROLES = ("anonymous", "opinion_staff", "responder", "leader", "admin")

# Numbers no id column holds: SQLite stores at most 2**63 - 1, PostgreSQL's INTEGER 2**31 - 1.
TOO_BIG = str(2**63)
THIRTY_DIGITS = "9" * 30
LONGEST = str(2**63 - 1)
INT4_OVER = str(2**31)


@pytest.fixture
def world(session, demo_users):
    """One row of everything a URL can name, and the ids the forms need."""
    ids = build_world(session)
    ids["housing"] = department_id(session, HOUSING)
    ids["leader"] = session.scalar(select(User.id).where(User.username == "leader"))
    return ids


def sign_in(auth, demo_users, role: str) -> None:
    """Sign in as the demo account of ``role`` (nothing for ``anonymous``)."""
    if role != "anonymous":
        account = demo_users[role]
        assert auth.login(account.username, account.password).status_code == 302


def session_token(client) -> str:
    """The CSRF token of the client's session (signed in or not)."""
    return csrf_token(client, "/notifications")


def assert_chinese_error(response, status: int) -> None:
    """The answer is ``status`` with a Chinese page and no English error text."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, (status, response.status_code, html[:300])
    assert re.search(r"[\u4e00-\u9fff]", html), html[:300]
    for english in ("Werkzeug", "Traceback", "Not Found", "Bad Request", "Internal Server Error",
                    "The CSRF token"):
        assert english not in html, (english, html[:300])


# ---------------------------------------------------------------------------------------------
# (a) Who gets what. One row per rule and method: GET for every rule that takes it, POST for
# rules that take only POST. 302 for a visitor is the way to the login page; for a signed-in
# user, a redirect after the action (or, for "/", to the role's home page).
# ---------------------------------------------------------------------------------------------
MATRIX = {
    # rule                                                method   anon staff resp lead admin
    ("/",                                                  "GET"): (302, 302, 302, 302, 302),
    ("/login",                                             "GET"): (200, 200, 200, 200, 200),
    ("/account/password",                                  "GET"): (302, 200, 200, 200, 200),
    ("/staff",                                             "GET"): (302, 200, 403, 403, 403),
    ("/responder",                                         "GET"): (302, 403, 200, 403, 403),
    ("/leader",                                            "GET"): (302, 403, 403, 200, 403),
    ("/admin",                                             "GET"): (302, 403, 403, 403, 200),
    ("/dashboard/wall",                                    "GET"): (302, 200, 403, 200, 200),
    ("/alerts/",                                           "GET"): (302, 200, 403, 200, 200),
    ("/alerts/<int:alert_id>",                             "GET"): (302, 200, 403, 200, 200),
    ("/search/",                                           "GET"): (302, 200, 403, 200, 200),
    ("/reports/",                                          "GET"): (302, 200, 403, 200, 200),
    ("/reports/report.css",                                "GET"): (302, 200, 403, 200, 200),
    ("/reports/<month>.<fmt>",                             "GET"): (302, 200, 403, 200, 200),
    ("/assessment/",                                       "GET"): (302, 200, 200, 200, 200),
    ("/assessment/<int:year>.<fmt>",                       "GET"): (302, 200, 200, 200, 200),
    ("/assessment/disclosure",                             "GET"): (302, 200, 403, 200, 200),
    ("/assessment/disclosure/<int:year>.xlsx",             "GET"): (302, 200, 403, 200, 200),
    ("/assessment/disclosure/<int:year>/cell",             "GET"): (302, 200, 403, 200, 200),
    ("/assessment/disclosure/<int:year>/remedies",         "GET"): (302, 200, 403, 403, 200),
    ("/cases/",                                            "GET"): (302, 200, 200, 200, 200),
    ("/cases/<int:case_id>",                               "GET"): (302, 200, 200, 200, 200),
    ("/cases/<int:case_id>.pdf",                           "GET"): (302, 200, 200, 200, 200),
    ("/cases/year/<int:year>.pdf",                         "GET"): (302, 200, 200, 200, 200),
    ("/cases/proposals",                                   "GET"): (302, 200, 403, 200, 200),
    ("/cases/new/<int:entry_id>",                          "GET"): (302, 200, 403, 200, 200),
    # the world's case is in the library: only a leader (or the admin) edits it there
    ("/cases/<int:case_id>/edit",                          "GET"): (302, 403, 403, 200, 200),
    ("/ledger/",                                           "GET"): (302, 200, 200, 200, 200),
    ("/ledger/export.xlsx",                                "GET"): (302, 200, 200, 200, 200),
    ("/ledger/<int:entry_id>",                             "GET"): (302, 200, 200, 200, 200),
    ("/ledger/<int:entry_id>/reply",                       "GET"): (302, 200, 200, 200, 200),
    ("/ledger/new/opinion",                                "GET"): (302, 200, 403, 403, 200),
    ("/ledger/new/disclosure",                             "GET"): (302, 200, 403, 403, 200),
    ("/ledger/calendar",                                   "GET"): (302, 403, 403, 403, 200),
    ("/ledger/calendar/notice",                            "GET"): (302, 403, 403, 403, 200),
    ("/ledger/sla",                                        "GET"): (302, 403, 403, 403, 200),
    ("/ledger/legacy",                                     "GET"): (302, 200, 403, 200, 200),
    ("/notifications",                                     "GET"): (302, 200, 200, 200, 200),
    ("/notifications/<int:note_id>",                       "GET"): (302, 302, 404, 404, 404),
    ("/admin/ops/jobs",                                    "GET"): (302, 403, 403, 403, 200),
    ("/admin/ops/jobs/<job_id>",                           "GET"): (302, 403, 403, 403, 200),
    ("/admin/ops/sources",                                 "GET"): (302, 403, 403, 403, 200),
    ("/admin/ops/deliveries",                              "GET"): (302, 403, 403, 403, 200),
    ("/admin/ops/notify",                                  "GET"): (302, 403, 403, 403, 200),
    ("/admin/users",                                       "GET"): (302, 403, 403, 403, 200),
    ("/admin/users/<int:user_id>",                         "GET"): (302, 403, 403, 403, 200),
    ("/admin/sources",                                     "GET"): (302, 403, 403, 403, 200),
    ("/admin/sources/new",                                 "GET"): (302, 403, 403, 403, 200),
    ("/admin/sources/<int:source_id>",                     "GET"): (302, 403, 403, 403, 200),
    ("/admin/sources/<int:source_id>/edit",                "GET"): (302, 403, 403, 403, 200),
    ("/admin/api-tokens",                                  "GET"): (302, 403, 403, 403, 200),
    ("/admin/api-tokens/guide",                            "GET"): (302, 403, 403, 403, 200),
    ("/admin/departments",                                 "GET"): (302, 403, 403, 403, 200),
    ("/admin/routing",                                     "GET"): (302, 403, 403, 403, 200),
    ("/admin/models",                                      "GET"): (302, 403, 403, 403, 200),
    ("/ledger/queue",                                      "GET"): (302, 200, 403, 403, 200),
    ("/static/<path:filename>",                            "GET"): (200, 200, 200, 200, 200),
    # 办理进度查询: public; a lookup answers 200 whether or not it finds the entry
    ("/public/status",                                     "GET"): (200, 200, 200, 200, 200),
    ("/public/status",                                     "POST"): (200, 200, 200, 200, 200),
    # The API authenticates by token, not by session: a visitor or a signed-in user without
    # a token gets 401 (JSON); its description is public.
    ("/api/v1/openapi.json",                               "GET"): (200, 200, 200, 200, 200),
    ("/api/v1/messages/<number>",                          "GET"): (401, 401, 401, 401, 401),
    ("/api/v1/entries/<int:entry_id>",                     "GET"): (401, 401, 401, 401, 401),
    ("/api/v1/metrics",                                    "GET"): (401, 401, 401, 401, 401),
    ("/favicon.ico",                                       "GET"): (200, 200, 200, 200, 200),
    ("/admin/rules",                                       "GET"): (302, 200, 403, 403, 200),
    ("/admin/rules/new",                                   "GET"): (302, 200, 403, 403, 200),
    ("/admin/rules/<int:rule_id>",                         "GET"): (302, 200, 403, 403, 200),
    ("/admin/rules/<int:rule_id>/delete",                  "GET"): (302, 200, 403, 403, 200),
    # the public site (no sign-in): published typical Q&A and the feeds
    ("/public/",                                           "GET"): (200, 200, 200, 200, 200),
    ("/public/qa/<int:item_id>",                           "GET"): (200, 200, 200, 200, 200),
    ("/public/feed.atom",                                  "GET"): (200, 200, 200, 200, 200),
    ("/public/feed.json",                                  "GET"): (200, 200, 200, 200, 200),
    # typical Q&A work (staff prepare, leaders review)
    ("/publication/",                                      "GET"): (302, 200, 403, 200, 200),
    ("/publication/pick",                                  "GET"): (302, 200, 403, 403, 200),
    ("/publication/<int:item_id>",                         "GET"): (302, 200, 403, 200, 200),
    ("/policies/",                                         "GET"): (302, 200, 200, 200, 200),
    ("/policies/<int:policy_id>",                          "GET"): (302, 200, 200, 200, 200),
    ("/policies/new",                                      "GET"): (302, 200, 403, 403, 200),
    ("/policies/<int:policy_id>/edit",                     "GET"): (302, 200, 403, 403, 200),
    ("/policies/import",                                   "GET"): (302, 403, 403, 403, 200),
    ("/qa/",                                               "GET"): (302, 200, 403, 200, 200),
    ("/qa/<int:entry_id>",                                 "GET"): (302, 200, 403, 200, 200),
    ("/qa/new",                                            "GET"): (302, 200, 403, 403, 200),
    ("/qa/<int:entry_id>/edit",                            "GET"): (302, 200, 403, 403, 200),
    # POST-only rules
    ("/alerts/<int:alert_id>/dismiss",                     "POST"): (302, 303, 403, 403, 303),
    ("/alerts/<int:alert_id>/merge",                       "POST"): (302, 303, 403, 403, 303),
    ("/alerts/<int:alert_id>/escalate",                    "POST"): (302, 303, 403, 403, 303),
    ("/alerts/<int:alert_id>/mentions/<int:mention_id>/sentiment",
                                                           "POST"): (302, 303, 403, 403, 303),
    ("/search/rules",                                      "POST"): (302, 302, 403, 403, 302),
    ("/ledger/<int:entry_id>/<action>",                    "POST"): (302, 303, 303, 403, 303),
    ("/ledger/<int:entry_id>/reply-check",                 "POST"): (302, 200, 200, 200, 200),
    ("/ledger/legacy/decide",                              "POST"): (302, 303, 403, 303, 303),
    ("/ledger/sla/<int:rule_id>/toggle",                   "POST"): (302, 403, 403, 403, 303),
    ("/ledger/calendar/<int:year>/complete",               "POST"): (302, 403, 403, 403, 303),
    ("/notifications/preferences",                         "POST"): (302, 302, 302, 302, 302),
    ("/notifications/read",                                "POST"): (302, 302, 302, 302, 302),
    ("/admin/ops/jobs/<job_id>/<action>",                  "POST"): (302, 403, 403, 403, 302),
    ("/admin/ops/notify/rules",                            "POST"): (302, 403, 403, 403, 302),
    ("/admin/ops/notify/rules/<int:rule_id>/<action>",     "POST"): (302, 403, 403, 403, 302),
    ("/admin/ops/notify/webhooks",                         "POST"): (302, 403, 403, 403, 302),
    ("/admin/ops/notify/webhooks/<int:hook_id>/toggle",    "POST"): (302, 403, 403, 403, 302),
    ("/admin/ops/notify/contacts",                         "POST"): (302, 403, 403, 403, 302),
    ("/admin/ops/notify/contacts/<int:contact_id>/delete", "POST"): (302, 403, 403, 403, 302),
    ("/admin/users/new",                                   "POST"): (302, 403, 403, 403, 303),
    ("/admin/users/<int:user_id>/active",                  "POST"): (302, 403, 403, 403, 303),
    ("/admin/users/<int:user_id>/password",                "POST"): (302, 403, 403, 403, 303),
    ("/admin/sources/<int:source_id>/active",              "POST"): (302, 403, 403, 403, 303),
    ("/admin/api-tokens/new",                              "POST"): (302, 403, 403, 403, 200),
    ("/admin/models/<kind>/use",                           "POST"): (302, 403, 403, 403, 303),
    ("/alerts/<int:alert_id>/corrections/<int:correction_id>/overrule",
                                                           "POST"): (302, 403, 403, 303, 403),
    ("/admin/api-tokens/<int:token_id>/revoke",            "POST"): (302, 403, 403, 403, 303),
    ("/api/v1/messages",                                   "POST"): (401, 401, 401, 401, 401),
    ("/admin/departments/new",                             "POST"): (302, 403, 403, 403, 303),
    ("/admin/departments/<int:department_id>",             "POST"): (302, 403, 403, 403, 303),
    ("/admin/departments/<int:department_id>/active",      "POST"): (302, 403, 403, 403, 303),
    ("/ledger/queue/<int:entry_id>",                       "POST"): (302, 303, 403, 403, 303),
    ("/admin/rules/<int:rule_id>/toggle",                  "POST"): (302, 303, 403, 403, 303),
    ("/publication/propose",                               "POST"): (302, 303, 403, 403, 303),
    ("/publication/pick/<int:entry_id>",                   "POST"): (302, 303, 403, 403, 303),
    ("/publication/<int:item_id>/<action>",                "POST"): (302, 303, 403, 303, 303),
    ("/cases/proposals",                                   "POST"): (302, 303, 403, 303, 303),
    ("/cases/<int:case_id>/publish",                       "POST"): (302, 403, 403, 303, 303),
    ("/cases/<int:case_id>/withdraw",                      "POST"): (302, 403, 403, 303, 303),
    ("/qa/<int:entry_id>/merge",                           "POST"): (302, 303, 403, 403, 303),
    ("/qa/<int:entry_id>/retire",                          "POST"): (302, 303, 403, 403, 303),
    ("/logout",                                            "POST"): (302, 302, 302, 302, 302),
}

# What each POST sends besides the CSRF token: what its form would.
POST_DATA = {
    "alerts.dismiss": {"reason": "误报"},
    "alerts.merge": {"target": "{other_event}"},
    "alerts.sentiment": {"label": "positive"},
    "admin.model_use": {"version": "shipped"},
    "search.save": {"name": "矩阵方案{tag}", "query": "搅拌站 噪音", "back": "/search/"},
    "ledger.act": {"accept-note": "已签收"},
    "ledger.reply_check": {"submit-content": "您好！经核实，已安排维修。"},
    "ledger.legacy_decide": {"action": "close", "note": "矩阵结案"},
    "admin.notification_preferences": {"channels": "inapp"},
    "admin.add_rule": {"name": "矩阵规则{tag}", "event_kind": "alert", "min_level": ""},
    "admin.add_webhook": {"name": "矩阵机器人{tag}", "kind": "dingtalk",
                          "url": "https://127.0.0.1:9/robot/send?access_token=1"},
    "admin.add_contact": {"tier": "head", "user_id": "{leader}", "department_id": "{housing}"},
    "admin.add_user": {"username": "matrix-{tag}", "display_name": "矩阵用户", "role": "leader",
                       "department": "", "email": "", "password": "matrix-pass-123"},
    "admin.reset_password": {"password": "matrix-pass-456"},
    "admin.create_api_token": {"name": "矩阵令牌{tag}", "binding": "none"},
    "admin.add_department": {"name": "矩阵新部门{tag}", "short_name": "矩阵", "parent": "",
                             "head": "", "contacts": ""},
    "admin.edit_department_page": {"d{department}-name": "矩阵部门改名{tag}",
                                   "d{department}-parent": ""},
    "ledger.queue_assign": {"department_id": "{department}"},
    "public_status.lookup": {"number": "{entry}", "code": "1234-5678-9012"},
    "publication.step": {"note": "矩阵意见"},
    "cases.propose": {"month": "2031-01"},  # a month without entries: nothing to score
    "cases.withdraw": {"reason": "矩阵撤回"},
    "qa.merge_entry": {"other": "{qa_other}"},
    "qa.retire_entry": {"note": "矩阵停用"},
}


def test_the_matrix_lists_every_route(app):
    with app.test_request_context():
        rules = {(rule.rule, method) for rule in app.url_map.iter_rules()
                 for method in (["GET"] if "GET" in rule.methods
                                else sorted(rule.methods - {"HEAD", "OPTIONS"}))}
    assert rules - MATRIX.keys() == set(), "new routes: give them their expected statuses"
    assert MATRIX.keys() - rules == set(), "routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says(client, auth, demo_users, world, role):
    sign_in(auth, demo_users, role)
    token = session_token(client)
    column = ROLES.index(role)
    wrong = []
    for rule, method, endpoint, url in requests_of(client.application, world):
        if method == "GET":
            response = client.get(url)
        else:
            data = {k: fill(v, world) for k, v in POST_DATA.get(endpoint, {}).items()}
            response = client.post(url, data={**data, "csrf_token": token})
        expected = MATRIX[(rule, method)][column]
        if response.status_code != expected:
            wrong.append((method, url, expected, response.status_code))
        if response.status_code in (400, 403, 404, 500):
            assert_chinese_error(response, response.status_code)
        if method == "POST" and response.status_code in (302, 303) and role != "anonymous":
            assert "/login" not in response.location or rule == "/logout", (url, role)
    assert wrong == [], wrong


# ---------------------------------------------------------------------------------------------
# (b) CSRF: every POST without the token is a Chinese 400 and changes nothing.
# ---------------------------------------------------------------------------------------------
def snapshot(session) -> dict[str, list]:
    """Every row of every table, as plain sorted values."""
    session.expire_all()
    return {table.name: sorted(map(repr, session.execute(select(table)).all()))
            for table in Base.metadata.sorted_tables}


def post_rules(app) -> list[tuple[str, str]]:
    """(rule, endpoint) of every rule that takes POST."""
    return sorted((rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()
                  if "POST" in rule.methods)


def allowed_role(rule: str) -> str:
    """The first role the matrix lets use ``rule`` (its POST row, else its GET row); a
    visitor only where the page itself answers (the login form)."""
    statuses = MATRIX.get((rule, "POST")) or MATRIX[(rule, "GET")]
    return next(role for role, status in zip(ROLES, statuses, strict=True)
                if status < 400 and (role != "anonymous" or status == 200))


# Rules taking GET and POST: what their forms send (the POST-only ones use POST_DATA).
FORM_DATA = {
    "auth.login": {"username": "staff", "password": "staff-demo-123"},
    "admin.calendar": {"day": "2031-10-02", "workday": "0", "name": "国庆节"},
    "admin.calendar_notice": {"text": "国务院办公厅关于2031年部分节假日安排的通知"},
    "auth.password": {"current": "staff-demo-123", "new": "another-pass-123",
                      "confirm": "another-pass-123"},
    "admin.sla": {"kind": "message", "level": "", "unit": "working_days", "time_limit": "5",
                  "clock_start": "found"},
    "admin.edit": {"display_name": "矩阵成员", "role": "leader", "department": "", "email": ""},
    "admin.source_new": {"name": "matrix_{tag}", "title": "矩阵信息源", "kind": "rss",
                         "base_url": "http://127.0.0.1:9/", "interval": "30", "action": "save",
                         "config": '{"start_urls": ["/f.xml"], "inline": true, "list": '
                                   '{"entries": "item"}, "fields": {"title": "title", '
                                   '"id": "guid"}}'},
    "admin.source_edit": {"title": "矩阵信息源改", "kind": "rss", "base_url": "http://127.0.0.1:9/",
                          "interval": "30", "action": "save",
                          "config": '{"start_urls": ["/g.xml"], "inline": true, "list": '
                                    '{"entries": "item"}, "fields": {"title": "title", '
                                    '"id": "guid"}}'},
    "admin.routing_map": {"auto_assign": "y", "threshold": "0.6"},
    "admin.rule_new": {"name": "矩阵监测{tag}", "query": "搅拌站 噪音", "action": "save"},
    "admin.rule_edit": {"name": "矩阵监测{tag}", "query": "搅拌站", "action": "save"},
    "cases.new": {"title": "矩阵新案例", "background": "背景", "response": "处置",
                  "result": "成效", "lessons": "经验", "tags": "矩阵", "department_id": ""},
    "cases.edit": {"title": "矩阵案例改", "background": "背景", "response": "处置",
                   "result": "成效", "lessons": "经验", "tags": "矩阵", "department_id": ""},
    "qa.new": {"question": "矩阵问题{tag}", "answer": "矩阵答复"},
    "qa.edit": {"question": "矩阵问题改{tag}", "answer": "矩阵答复"},
    "ledger.new_opinion": {"title": "矩阵舆情", "found_at": "2025-10-01T09:00", "level": ""},
    "publication.item": {"title": "矩阵问答", "question": "问题", "answer": "答复",
                         "department_name": "", "category": "", "policies": ""},
    "assessment.remedies": {"review_upheld": "1", "suit_direct_pending": "2"},
    "policies.new": {"id": "matrix-{tag}", "title": "矩阵政策", "text": "矩阵政策正文",
                     "validity": "valid"},
    "policies.edit": {"title": "矩阵政策改", "text": "矩阵政策正文改", "validity": "valid"},
    "policies.import_file": {},
    "ledger.new_disclosure": {"title": "矩阵申请", "request": "内容", "applicant": "张三",
                              "applicant_type": "自然人", "receipt_channel": "网络",
                              "received_at": "2025-10-01T09:00"},
}
# Every rule taking POST, with its endpoint.
CSRF_CASES = [
    ("/admin/ops/jobs/<job_id>/<action>", "admin.job_action"),
    ("/admin/ops/notify/contacts", "admin.add_contact"),
    ("/admin/ops/notify/contacts/<int:contact_id>/delete", "admin.delete_contact"),
    ("/admin/ops/notify/rules", "admin.add_rule"),
    ("/admin/ops/notify/rules/<int:rule_id>/<action>", "admin.rule_action"),
    ("/admin/ops/notify/webhooks", "admin.add_webhook"),
    ("/admin/ops/notify/webhooks/<int:hook_id>/toggle", "admin.toggle_webhook"),
    ("/admin/users/<int:user_id>", "admin.edit"),
    ("/admin/users/<int:user_id>/active", "admin.toggle_user"),
    ("/admin/users/<int:user_id>/password", "admin.reset_password"),
    ("/admin/users/new", "admin.add_user"),
    ("/admin/sources/new", "admin.source_new"),
    ("/admin/sources/<int:source_id>/edit", "admin.source_edit"),
    ("/admin/sources/<int:source_id>/active", "admin.source_active"),
    ("/admin/api-tokens/new", "admin.create_api_token"),
    ("/admin/api-tokens/<int:token_id>/revoke", "admin.revoke_api_token"),
    ("/admin/departments/new", "admin.add_department"),
    ("/admin/departments/<int:department_id>", "admin.edit_department_page"),
    ("/admin/departments/<int:department_id>/active", "admin.toggle_department"),
    ("/admin/routing", "admin.routing_map"),
    ("/admin/models/<kind>/use", "admin.model_use"),
    ("/alerts/<int:alert_id>/corrections/<int:correction_id>/overrule", "alerts.overrule"),
    ("/ledger/queue/<int:entry_id>", "ledger.queue_assign"),
    ("/ledger/<int:entry_id>/reply-check", "ledger.reply_check"),
    ("/admin/rules/new", "admin.rule_new"),
    ("/admin/rules/<int:rule_id>", "admin.rule_edit"),
    ("/admin/rules/<int:rule_id>/toggle", "admin.rule_toggle"),
    ("/admin/rules/<int:rule_id>/delete", "admin.rule_delete"),
    ("/alerts/<int:alert_id>/dismiss", "alerts.dismiss"),
    ("/alerts/<int:alert_id>/escalate", "alerts.escalate"),
    ("/alerts/<int:alert_id>/mentions/<int:mention_id>/sentiment", "alerts.sentiment"),
    ("/alerts/<int:alert_id>/merge", "alerts.merge"),
    ("/ledger/<int:entry_id>/<action>", "ledger.act"),
    ("/ledger/calendar", "admin.calendar"),
    ("/ledger/calendar/<int:year>/complete", "admin.calendar_complete"),
    ("/ledger/calendar/notice", "admin.calendar_notice"),
    ("/ledger/new/disclosure", "ledger.new_disclosure"),
    ("/ledger/new/opinion", "ledger.new_opinion"),
    ("/ledger/legacy/decide", "ledger.legacy_decide"),
    ("/ledger/sla", "admin.sla"),
    ("/ledger/sla/<int:rule_id>/toggle", "admin.sla_toggle"),
    ("/account/password", "auth.password"),
    ("/login", "auth.login"),
    ("/logout", "auth.logout"),
    ("/notifications/preferences", "admin.notification_preferences"),
    ("/notifications/read", "admin.notifications_read"),
    ("/search/rules", "search.save"),
    ("/public/status", "public_status.lookup"),
    ("/publication/propose", "publication.propose"),
    ("/publication/pick/<int:entry_id>", "publication.pick_entry"),
    ("/publication/<int:item_id>", "publication.item"),
    ("/publication/<int:item_id>/<action>", "publication.step"),
    ("/assessment/disclosure/<int:year>/remedies", "assessment.remedies"),
    ("/cases/proposals", "cases.propose"),
    ("/cases/new/<int:entry_id>", "cases.new"),
    ("/cases/<int:case_id>/edit", "cases.edit"),
    ("/cases/<int:case_id>/publish", "cases.publish"),
    ("/cases/<int:case_id>/withdraw", "cases.withdraw"),
    ("/policies/new", "policies.new"),
    ("/policies/<int:policy_id>/edit", "policies.edit"),
    ("/policies/import", "policies.import_file"),
    ("/qa/new", "qa.new"),
    ("/qa/<int:entry_id>/edit", "qa.edit"),
    ("/qa/<int:entry_id>/merge", "qa.merge_entry"),
    ("/qa/<int:entry_id>/retire", "qa.retire_entry"),
]


# POSTs authenticated by an API token, not by the session (web/api/v1): exempt from CSRF,
# and refused with 401 to a signed-in browser that has no token.
TOKEN_POSTS = [("/api/v1/messages", "api.push_messages")]


def test_every_post_rule_has_its_csrf_case(app):
    assert {endpoint for _, endpoint in post_rules(app)} == {
        e for _, e in CSRF_CASES + TOKEN_POSTS}


@pytest.mark.parametrize("rule, endpoint", TOKEN_POSTS)
def test_token_posts_ignore_the_session_and_change_nothing(
        client, auth, demo_users, world, session, rule, endpoint):
    sign_in(auth, demo_users, "admin")
    with client.application.test_request_context():
        url = url_for(endpoint)
    before = snapshot(session)
    for data in ({}, {"csrf_token": session_token(client)}):
        response = client.post(url, data=data)
        assert response.status_code == 401 and response.is_json
        assert re.search(r"[\u4e00-\u9fff]", response.get_json()["error"]["message"])
    assert snapshot(session) == before


@pytest.mark.parametrize("rule, endpoint", CSRF_CASES)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
        client, auth, demo_users, world, session, rule, endpoint):
    role = allowed_role(rule)
    sign_in(auth, demo_users, role)
    with client.application.test_request_context():
        args = {k: fill(v, world) for k, v in URL_ARGS.get(endpoint, {}).items()}
        url = url_for(endpoint, **args)
    data = {k: fill(v, world) for k, v in {**POST_DATA, **FORM_DATA}.get(endpoint, {}).items()}
    before = snapshot(session)
    response = client.post(url, data=data)
    assert_chinese_error(response, 400)
    assert "表单安全校验未通过" in response.get_data(as_text=True)
    assert snapshot(session) == before
    # still as signed in (or out) as before
    assert client.get("/notifications").status_code == (302 if role == "anonymous" else 200)


# ---------------------------------------------------------------------------------------------
# (c) Hostile input.
# (role, method, path, form data, expected status, what the page says). Paths name the
# world's rows as {alert}, {entry}, ...; a POST gets the session's CSRF token. 404: there is no
# such thing; 400: a value the app cannot take, said in Chinese; 302/303: the form's own
# refusal, whose Chinese message the page it returns to shows.
# ---------------------------------------------------------------------------------------------
NOW = "2025-10-01T09:00"
OPINION = {"title": "标题", "found_at": NOW, "level": ""}
DISCLOSURE = {"title": "标题", "request": "内容", "applicant": "张三", "applicant_type": "自然人",
              "receipt_channel": "网络"}
FAR, EARLY = "9999-12-31T23:59", "0001-01-01T00:00"
NO_SUCH = "页面不存在"
RANGE = "超出范围（须在 2000—2099 年之间）"
HOSTILE = [
    # ids in the path
    ("opinion_staff", "GET", f"/ledger/{TOO_BIG}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/ledger/{THIRTY_DIGITS}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/ledger/{LONGEST}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/ledger/{INT4_OVER}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/ledger/{TOO_BIG}/reply", {}, 404, NO_SUCH),
    ("responder", "GET", f"/ledger/{INT4_OVER}/reply", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/alerts/{TOO_BIG}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/alerts/{LONGEST}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/alerts/{INT4_OVER}", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/alerts/{TOO_BIG}/dismiss", {"reason": "x"}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/alerts/{INT4_OVER}/escalate", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/alerts/{INT4_OVER}/merge", {"target": "{other_event}"}, 404,
     NO_SUCH),
    ("opinion_staff", "POST", f"/alerts/{{alert}}/mentions/{TOO_BIG}/sentiment",
     {"label": "positive"}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/alerts/{{alert}}/mentions/{INT4_OVER}/sentiment",
     {"label": "positive"}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/ledger/{TOO_BIG}/assess", {"assess-note": "x"}, 404, NO_SUCH),
    ("responder", "POST", f"/ledger/{INT4_OVER}/reply-check", {"submit-content": "x"}, 404,
     NO_SUCH),
    ("opinion_staff", "POST", f"/ledger/{TOO_BIG}/reply-check", {"submit-content": "x"}, 404,
     NO_SUCH),
    ("opinion_staff", "POST", f"/ledger/{INT4_OVER}/assess", {"assess-note": "x"}, 404, NO_SUCH),
    ("admin", "POST", f"/ledger/sla/{TOO_BIG}/toggle", {}, 404, NO_SUCH),
    ("admin", "POST", f"/ledger/sla/{INT4_OVER}/toggle", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/ops/notify/rules/{INT4_OVER}/toggle", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/ops/notify/webhooks/{INT4_OVER}/toggle", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/ops/notify/contacts/{INT4_OVER}/delete", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/ops/notify/contacts/{TOO_BIG}/delete", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/ops/jobs/{'j' * 300}/pause", {}, 404, NO_SUCH),
    ("admin", "GET", f"/admin/users/{INT4_OVER}", {}, 404, NO_SUCH),
    ("leader", "GET", f"/qa/{INT4_OVER}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/qa/{TOO_BIG}/edit", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/qa/{INT4_OVER}/retire", {"note": "x"}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/qa/{INT4_OVER}/merge", {"other": "{qa_other}"}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/api-tokens/{INT4_OVER}/revoke", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/api-tokens/{TOO_BIG}/revoke", {}, 404, NO_SUCH),
    ("admin", "POST", "/admin/api-tokens/new", {"name": "令牌{tag}", "binding": "department",
                                                "department": "z" * 300}, 303, "没有部门"),
    ("admin", "POST", "/admin/api-tokens/new", {"name": "令牌{tag}", "binding": "none",
                                                "scopes": "z" * 40}, 303, "权限选项无效"),
    ("admin", "POST", f"/admin/departments/{INT4_OVER}", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/departments/{TOO_BIG}/active", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/ledger/queue/{INT4_OVER}", {"department_id": "{department}"},
     404, NO_SUCH),
    ("opinion_staff", "POST", "/ledger/queue/{fresh}", {"department_id": THIRTY_DIGITS}, 303,
     "flash-error"),
    ("opinion_staff", "POST", "/ledger/queue/{fresh}", {"department_id": "{department}"}, 303,
     "已不在待分办中"),
    ("admin", "POST", "/admin/routing", {"threshold": "abc"}, 400, "置信度阈值：不是有效的小数"),
    ("admin", "POST", "/admin/routing", {"threshold": "7"}, 400, "置信度阈值须在"),
    ("admin", "POST", "/admin/departments/new", {"name": "", "parent": "不存在"}, 303,
     "flash-error"),
    ("opinion_staff", "GET", f"/admin/rules/{INT4_OVER}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/admin/rules/{TOO_BIG}/delete", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/admin/rules/{INT4_OVER}/toggle", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/rules/{INT4_OVER}/delete", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", "/admin/rules/new", {"name": "坏", "query": "(物业",
                                                   "action": "save"}, 400, "检索式有误"),
    ("admin", "POST", f"/admin/users/{TOO_BIG}/active", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/users/{INT4_OVER}/password", {"password": "x" * 9}, 404,
     NO_SUCH),
    ("admin", "GET", f"/admin/sources/{INT4_OVER}", {}, 404, NO_SUCH),
    ("admin", "GET", f"/admin/sources/{TOO_BIG}/edit", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/sources/{INT4_OVER}/active", {}, 404, NO_SUCH),
    ("admin", "POST", "/admin/sources/new", {"name": "s{tag}", "title": "某", "kind": "board",
                                             "base_url": "http://127.0.0.1:9/", "interval": "30",
                                             "config": "{" * 5000, "action": "save"},
     400, "配置不是有效的格式"),
    ("admin", "POST", "/admin/sources/{source}/edit",
     {"title": "某", "kind": "z" * 40, "base_url": "http://127.0.0.1:9/", "interval": "9" * 30,
      "config": "{}", "action": "test"}, 400, "不是有效的"),
    ("admin", "POST", "/admin/users/new", {"username": "u{tag}", "display_name": "某",
                                           "role": "z" * 40, "password": "long-password"},
     303, "flash-error"),
    # ids in forms (select and hidden fields)
    ("opinion_staff", "POST", "/alerts/{alert}/merge", {"target": THIRTY_DIGITS}, 303,
     "找不到要并入的事件"),
    ("opinion_staff", "POST", "/alerts/{alert}/merge", {"target": INT4_OVER}, 303,
     "找不到要并入的事件"),
    ("opinion_staff", "POST", "/ledger/{fresh}/assess", {"assess-level": THIRTY_DIGITS}, 303,
     "flash-error"),
    ("admin", "POST", "/ledger/{entry}/reassign", {"reassign-lead_department_id": INT4_OVER},
     303, "flash-error"),
    ("admin", "POST", "/ledger/{entry}/reassign",
     {"reassign-lead_department_id": "{housing}", "reassign-co_department_ids": TOO_BIG,
      "reassign-responsible_user_id": THIRTY_DIGITS}, 303, "flash-error"),
    ("opinion_staff", "POST", "/ledger/new/opinion", {**OPINION, "mention": THIRTY_DIGITS},
     400, "所选关联信息不存在"),
    ("opinion_staff", "POST", "/ledger/new/opinion", {**OPINION, "mention": INT4_OVER},
     400, "所选关联信息不存在"),
    ("opinion_staff", "POST", "/ledger/new/opinion", {**OPINION, "mention": "999999"},
     400, "所选关联信息不存在"),
    ("opinion_staff", "GET", "/ledger/new/opinion?mention_query=" + "<script>x</script>", {},
     200, "没有找到含"),
    ("admin", "POST", "/admin/ops/notify/contacts", {"tier": "head", "user_id": THIRTY_DIGITS},
     302, "请选择督办层级和人员"),
    ("admin", "POST", "/admin/ops/notify/contacts", {"tier": "head", "user_id": INT4_OVER},
     302, "请选择督办层级和人员"),
    ("admin", "POST", "/admin/ops/notify/contacts",
     {"tier": "head", "user_id": "{leader}", "department_id": INT4_OVER}, 302, "所选部门不存在"),
    ("admin", "POST", "/admin/ops/notify/contacts",
     {"tier": "head", "user_id": "{leader}", "department_id": "999999"}, 302, "所选部门不存在"),
    ("admin", "POST", "/admin/ops/notify/contacts",
     {"tier": "head", "user_id": "{leader}", "department_id": TOO_BIG}, 302, "所选部门不存在"),
    ("admin", "POST", "/admin/ops/notify/rules",
     {"name": "规则{tag}", "event_kind": "alert", "min_level": "z" * 40}, 302, "最低等级无效"),
    # query parameters
    ("leader", "GET", "/ledger/?department=99999999999999999999", {}, 400, "部门参数无效"),
    ("leader", "GET", f"/ledger/?department={INT4_OVER}", {}, 400, "部门参数无效"),
    ("leader", "GET", "/ledger/?department=999999", {}, 400, "部门参数无效"),
    ("leader", "GET", "/ledger/export.xlsx?department=99999999999999999999", {}, 400,
     "部门参数无效"),
    ("leader", "GET", "/ledger/?from=0001-01-01&to=9999-12-31", {}, 400, RANGE),
    ("leader", "GET", "/ledger/export.xlsx?to=9999-12-31", {}, 400, RANGE),
    ("leader", "GET", "/ledger/?page=99999999999999999999", {}, 200, "回应台账"),
    ("leader", "GET", "/ledger/legacy?year=99999999999999999999", {}, 400, "年份参数无效"),
    ("leader", "GET", "/ledger/legacy?page=99999999999999999999", {}, 200, "历史遗留"),
    ("opinion_staff", "POST", "/ledger/legacy/decide",
     {"action": "close", "note": "x", "ids": THIRTY_DIGITS}, 303, "请至少选择一条留言"),
    ("opinion_staff", "POST", "/ledger/legacy/decide",
     {"action": "assign", "ids": "{entry}", "department_id": INT4_OVER}, 303, "请选择牵头单位"),
    ("leader", "GET", f"/alerts/?page={THIRTY_DIGITS}", {}, 200, "舆情预警"),
    ("leader", "GET", "/alerts/?page=-5", {}, 200, "舆情预警"),
    ("leader", "GET", "/search/?q=噪音&from=9999-12-31&to=9999-12-31", {}, 400, RANGE),
    ("leader", "GET", "/search/?q=噪音&from=0001-01-01", {}, 400, RANGE),
    ("leader", "GET", f"/search/?q=噪音&event={THIRTY_DIGITS}", {}, 200, "全文检索"),
    ("leader", "GET", f"/search/?q=噪音&page={THIRTY_DIGITS}", {}, 200, "全文检索"),
    ("leader", "GET", "/reports/?month=0000-01", {}, 400, "月份" + RANGE),
    ("leader", "GET", "/reports/?month=9999-12", {}, 400, "月份" + RANGE),
    ("leader", "GET", "/reports/0000-01.xlsx", {}, 404, NO_SUCH),
    ("leader", "GET", "/reports/9999-12.html", {}, 404, NO_SUCH),
    # the public site and typical Q&A: nothing that is not published, no such ids
    ("anonymous", "GET", "/public/qa/{qa_draft}", {}, 404, NO_SUCH),
    ("anonymous", "GET", f"/public/qa/{TOO_BIG}", {}, 404, NO_SUCH),
    ("anonymous", "GET", f"/public/qa/{INT4_OVER}", {}, 404, NO_SUCH),
    ("anonymous", "GET", f"/public/?page={THIRTY_DIGITS}&q={'问' * 300}", {}, 200, "典型问答"),
    ("anonymous", "GET", "/public/?month=<script>&category=%00", {}, 200, "没有符合条件"),
    ("opinion_staff", "GET", f"/publication/{INT4_OVER}", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", "/publication/{qa_draft}/nonsense", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/publication/{TOO_BIG}/submit", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/publication/pick/{INT4_OVER}", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", "/publication/pick/{entry}", {}, 303, "还没有答复"),
    ("opinion_staff", "POST", "/publication/{qa_draft}", {"title": "", "question": "x",
                                                          "answer": "y"}, 400, "不能为空"),
    ("leader", "POST", "/publication/{qa}/unpublish", {}, 303, "请填写撤下理由"),
    ("leader", "GET", "/assessment/?year=1999", {}, 400, "年份" + RANGE),
    ("leader", "GET", f"/assessment/?year={THIRTY_DIGITS}", {}, 400, "年份应为四位数字"),
    ("responder", "GET", "/assessment/?year=abcd", {}, 400, "年份应为四位数字"),
    ("leader", "GET", "/assessment/?kind=tweet", {}, 200, "年度考核"),
    ("leader", "GET", f"/assessment/{THIRTY_DIGITS}.pdf", {}, 404, NO_SUCH),
    ("leader", "GET", "/assessment/2025.docx", {}, 404, NO_SUCH),
    ("leader", "GET", "/assessment/disclosure?year=9999", {}, 400, "年份" + RANGE),
    ("leader", "GET", f"/assessment/disclosure/{TOO_BIG}.xlsx", {}, 404, NO_SUCH),
    ("leader", "GET", "/assessment/disclosure/2025/cell?row=zz&col=0", {}, 404, NO_SUCH),
    ("leader", "GET", "/assessment/disclosure/2025/cell?row=results&col=0", {}, 404, NO_SUCH),
    ("leader", "GET", f"/assessment/disclosure/2025/cell?row=new&col={THIRTY_DIGITS}", {}, 404,
     NO_SUCH),
    ("leader", "GET", "/assessment/disclosure/2025/cell?row=new&col=6", {}, 200, "此格"),
    ("opinion_staff", "POST", "/assessment/disclosure/2025/remedies",
     {"review_upheld": THIRTY_DIGITS}, 400, "应填写 0 至 100000 之间的整数"),
    ("opinion_staff", "POST", "/assessment/disclosure/2025/remedies",
     {"review_upheld": "-1"}, 400, "应填写 0 至 100000 之间的整数"),
    ("admin", "GET", "/assessment/disclosure/1999/remedies", {}, 404, NO_SUCH),
    # the case library
    ("responder", "GET", f"/cases/{TOO_BIG}", {}, 404, NO_SUCH),
    ("leader", "GET", f"/cases/{INT4_OVER}", {}, 404, NO_SUCH),
    ("leader", "GET", f"/cases/{INT4_OVER}.pdf", {}, 404, NO_SUCH),
    ("leader", "GET", f"/cases/{THIRTY_DIGITS}/edit", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/cases/new/{INT4_OVER}", {}, 404, NO_SUCH),
    ("leader", "POST", f"/cases/{INT4_OVER}/publish", {}, 404, NO_SUCH),
    ("leader", "POST", f"/cases/{TOO_BIG}/withdraw", {"reason": "x"}, 404, NO_SUCH),
    ("leader", "GET", "/cases/year/9999.pdf", {}, 404, NO_SUCH),
    ("leader", "GET", "/cases/?year=99999999999999999999", {}, 400, "年份" + RANGE),
    ("responder", "GET", f"/cases/?department={THIRTY_DIGITS}&q={'噪' * 300}", {}, 200,
     "亮点工程案例库"),
    ("leader", "GET", "/cases/proposals?month=0000-01", {}, 400, "月份格式"),
    ("opinion_staff", "POST", "/cases/proposals", {"month": "2025-13"}, 400, "月份格式"),
    ("leader", "POST", "/cases/{case}/withdraw", {"reason": " "}, 303, "请填写撤回理由"),
    ("leader", "POST", "/cases/{case}/edit", {"title": "", "background": "b"}, 400,
     "请填写案例标题"),
    ("opinion_staff", "POST", "/cases/new/{finished}",
     {"title": "t", "background": "b", "response": "r", "result": "x", "lessons": "l",
      "tags": "、".join(f"标签{i}" for i in range(9))}, 400, "标签最多"),
    # times in the ledger forms
    ("opinion_staff", "POST", "/ledger/new/opinion", {**OPINION, "found_at": FAR}, 400,
     "发现时间" + RANGE),
    ("opinion_staff", "POST", "/ledger/new/opinion", {**OPINION, "found_at": EARLY}, 400,
     "发现时间" + RANGE),
    ("opinion_staff", "POST", "/ledger/new/opinion", {**OPINION, "first_published_at": EARLY},
     400, "首发时间" + RANGE),
    ("opinion_staff", "POST", "/ledger/new/disclosure", {**DISCLOSURE, "received_at": FAR},
     400, "收到时间" + RANGE),
    ("opinion_staff", "POST", "/ledger/new/disclosure", {**DISCLOSURE, "received_at": EARLY},
     400, "收到时间" + RANGE),
    ("opinion_staff", "POST", "/ledger/{disclosure}/follow_up",
     {"follow_up-at": FAR, "follow_up-method": "电话", "follow_up-outcome": "满意"}, 303,
     "反馈时间" + RANGE),
    ("admin", "POST", "/ledger/calendar", {"day": "9999-12-31", "workday": "0"}, 400,
     "日期" + RANGE),
    ("admin", "POST", "/ledger/calendar", {"day": "0001-01-01", "workday": "0"}, 400,
     "日期" + RANGE),
    # 办理进度查询: any number or code, however hostile, gets the one refusal (never which)
    ("anonymous", "POST", "/public/status", {"number": TOO_BIG, "code": "1234-5678-9012"}, 200,
     "未查到办理信息"),
    ("anonymous", "POST", "/public/status", {"number": THIRTY_DIGITS, "code": "x" * 5000}, 200,
     "未查到办理信息"),
    ("anonymous", "POST", "/public/status", {"number": "{entry}", "code": "<script>x</script>"},
     200, "未查到办理信息"),
    ("anonymous", "POST", "/public/status", {"number": "{entry}", "code": ""}, 400,
     "请填写办理编号和查询码"),
    # 政策文件库
    ("responder", "GET", f"/policies/{TOO_BIG}", {}, 404, NO_SUCH),
    ("responder", "GET", f"/policies/{INT4_OVER}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/policies/{LONGEST}/edit", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/policies/{INT4_OVER}/edit", {"text": "x"}, 404, NO_SUCH),
    ("leader", "GET", f"/policies/?page={THIRTY_DIGITS}", {}, 400, "页码无效"),
    ("leader", "GET", "/policies/?validity=<script>", {}, 400, "效力状态无效"),
    ("opinion_staff", "POST", "/policies/new", {"text": "正文", "date": "9999-99-99"}, 400,
     "发布日期 不是日期"),
    ("opinion_staff", "POST", "/policies/new", {"title": "只有标题", "text": " "}, 400,
     "缺少正文"),
    ("opinion_staff", "POST", "/policies/new", {"text": "正文", "validity": "<b>"}, 400,
     "效力状态应为"),
    ("admin", "POST", "/policies/import", {}, 400, "请选择 CSV 表格文件或逐行数据文件"),
]


@pytest.mark.parametrize("role, method, path, data, expected, says", HOSTILE,
                         ids=[f"{c[1]} {c[2][:60]} {sorted(c[3].values())}"[:120]
                              for c in HOSTILE])
def test_hostile_input_is_a_404_or_a_chinese_400(client, auth, demo_users, world, session,
                                                  role, method, path, data, expected, says):
    sign_in(auth, demo_users, role)
    url = fill(path, world)
    if method == "GET":
        response = client.get(url)
    else:
        form = {k: fill(v, world) for k, v in data.items()}
        response = client.post(url, data={**form, "csrf_token": session_token(client)})
    if expected in (302, 303):  # the form's refusal: the page it returns to says why
        assert response.status_code == expected, response.get_data(as_text=True)[:300]
        response, expected = client.get(response.location), 200
    assert_chinese_error(response, expected)
    assert says in response.get_data(as_text=True)
