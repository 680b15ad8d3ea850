"""监测规则 pages (staff and admin): list, test before saving, edit, disable/enable, delete;
the 系统管理 tab bar; and the small leftovers: the favicon, error text in Chinese words, the
ledger's 403 naming the roles, the PDF failure as the Chinese error page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.web.security_rows import build_world
from tests.web.test_ledger_pages import sign_in
from tracker.index.base import MentionDoc
from tracker.index.embedded import EmbeddedIndex
from tracker.models import AuditEvent, Delivery, JobRun, WatchRule, utcnow
from tracker.reports.pdf import chinese_font_families
from web.plain_errors import plain_error

TABS = ("用户管理", "监测规则", "办理时限", "节假日", "通知设置", "定时任务", "信息源状态",
        "通知投递")


@pytest.fixture
def recent_index(app, tmp_path):
    """The app's index with messages of the last days: 搅拌站 on days 1, 1, 3; 供暖 on day 2."""
    now = utcnow()
    idx = EmbeddedIndex(tmp_path / "index.db")
    texts = [("搅拌站夜间噪音", 1), ("搅拌站粉尘扰民", 1), ("供暖不热", 2), ("搅拌站又开工", 3),
             ("搅拌站很久以前", 45)]
    docs = [MentionDoc(id=f"r{i}", title=title, text=f"{title}，请处理。", kind="board",
                       source="demo_board_a", url=f"http://board.test/r{i}",
                       published_at=now - timedelta(days=days, hours=1), fetched_at=now)
            for i, (title, days) in enumerate(texts)]
    assert idx.upsert(docs).ok
    idx.refresh()
    app.extensions["yuqing.index"] = idx
    yield idx
    idx.close()


@pytest.fixture
def rule(session):
    row = WatchRule(name="搅拌站扰民", all_words=["搅拌站"], any_groups=[["噪音", "粉尘"]],
                    none_words=["广告"], kinds=["board"], description="市民反映较多")
    session.add(row)
    session.commit()
    return row


def audit_actions(session, rule_id: int) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "watch_rule", AuditEvent.entity_id == str(rule_id))
        .order_by(AuditEvent.id)))


def test_staff_see_the_rules_in_words_without_the_admin_tabs(client, auth, demo_users, rule):
    sign_in(auth, demo_users, "opinion_staff")
    html = client.get("/admin/rules").get_data(as_text=True)
    assert "搅拌站扰民" in html and "市民反映较多" in html
    assert "同时包含" in html and "噪音或粉尘" in html and "排除" in html
    assert "只看类型" in html and "留言板" in html and "kind:" not in html
    assert 'class="ops-tabs"' not in html  # the 系统管理 area is the admin's
    assert "近 30 天命中" in html


def test_admin_pages_share_the_area_tab_bar(client, auth, demo_users, rule):
    sign_in(auth, demo_users, "admin")
    home = client.get("/admin").get_data(as_text=True)
    assert '<a href="/admin/users">系统管理</a>' in home and "运行管理" not in home
    for path, current in [("/admin/users", "用户管理"), ("/admin/rules", "监测规则"),
                          ("/ledger/sla", "办理时限"), ("/ledger/calendar", "节假日"),
                          ("/ledger/calendar/notice", "节假日"), ("/admin/ops/notify", "通知设置"),
                          ("/admin/ops/jobs", "定时任务"), ("/admin/ops/sources", "信息源状态"),
                          ("/admin/ops/deliveries", "通知投递"),
                          (f"/admin/rules/{rule.id}", "监测规则")]:
        html = client.get(path).get_data(as_text=True)
        bar = html.split('<nav class="ops-tabs" aria-label="系统管理">', 1)[1].split("</nav>")[0]
        assert [t for t in TABS if t in bar] == list(TABS), path
        assert re.search(rf'class="on"[^>]*>{current}</a>', bar), (path, current)


def test_testing_shows_hits_per_day_and_saves_nothing(client, auth, demo_users, session, rule,
                                                      recent_index):
    sign_in(auth, demo_users, "opinion_staff")
    token = csrf_token(client, f"/admin/rules/{rule.id}")
    response = client.post(f"/admin/rules/{rule.id}", data={
        "csrf_token": token, "name": "改名不保存", "query": "搅拌站 -粉尘", "action": "test"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r"近 30 天命中 <strong data-total>2</strong> 条", html)  # not the 45-day one
    words = re.sub(r"<[^>]+>", "", html)  # without the <mark> around matched words
    assert "搅拌站夜间噪音" in words and "搅拌站又开工" in words and "搅拌站粉尘扰民" not in words
    days = dict(re.findall(r'data-day="([\d-]+)"><td>[^<]*</td><td>(\d+)</td>', html))
    assert len(days) == 30 and sorted(days.values()).count("1") == 2
    session.expire_all()
    assert session.get(WatchRule, rule.id).name == "搅拌站扰民"
    assert audit_actions(session, rule.id) == []
    listed = client.get(f"/admin/rules/{rule.id}?test=1").get_data(as_text=True)
    words = re.sub(r"<[^>]+>", "", listed)  # the list's 测试 link: the stored words, tested
    assert "搅拌站夜间噪音" in words and "搅拌站粉尘扰民" in words and "搅拌站又开工" not in words


def test_a_filters_only_or_broken_query_says_why(client, auth, demo_users, rule, recent_index):
    sign_in(auth, demo_users, "admin")
    token = csrf_token(client, "/admin/rules/new")
    html = client.post("/admin/rules/new", data={
        "csrf_token": token, "name": "", "query": "kind:board", "action": "test"}
    ).get_data(as_text=True)
    assert "没有关键词" in html
    response = client.post("/admin/rules/new", data={
        "csrf_token": token, "name": "坏规则", "query": "(搅拌站", "action": "save"})
    assert response.status_code == 400 and "检索式有误" in response.get_data(as_text=True)


def test_a_rule_is_edited_disabled_enabled_and_deleted(client, auth, demo_users, session, rule):
    rule_id = rule.id
    sign_in(auth, demo_users, "opinion_staff")
    token = csrf_token(client, f"/admin/rules/{rule_id}")
    response = client.post(f"/admin/rules/{rule_id}", data={
        "csrf_token": token, "name": "搅拌站噪音", "query": "搅拌站 噪音 region:A3区",
        "description": "", "action": "save"}, follow_redirects=True)
    assert "已保存监测方案「搅拌站噪音」" in response.get_data(as_text=True)
    session.expire_all()
    row = session.get(WatchRule, rule_id)
    assert (row.name, row.all_words, row.region_words, row.kinds) == (
        "搅拌站噪音", ["搅拌站", "噪音"], ["A3区"], [])
    html = client.post(f"/admin/rules/{rule_id}/toggle", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "已停用监测方案「搅拌站噪音」" in html and "已停用</span>" in html
    session.expire_all()
    assert session.get(WatchRule, rule_id).enabled is False
    client.post(f"/admin/rules/{rule_id}/toggle", data={"csrf_token": token})
    session.expire_all()
    assert session.get(WatchRule, rule_id).enabled is True
    ask = client.get(f"/admin/rules/{rule_id}/delete").get_data(as_text=True)
    assert "确认删除" in ask and "不能撤销" in ask
    session.expire_all()
    assert session.get(WatchRule, rule_id) is not None  # asking deletes nothing
    done = client.post(f"/admin/rules/{rule_id}/delete", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "已删除监测方案「搅拌站噪音」" in done
    session.expire_all()
    assert session.get(WatchRule, rule_id) is None
    # name, words and note: one row per changed field
    assert audit_actions(session, rule_id) == ["edit"] * 3 + ["disable", "enable", "delete"]


def test_a_new_rule_is_saved_and_a_taken_name_refused(client, auth, demo_users, session, rule):
    sign_in(auth, demo_users, "admin")
    token = csrf_token(client, "/admin/rules/new")
    taken = client.post("/admin/rules/new", data={
        "csrf_token": token, "name": "搅拌站扰民", "query": "供暖", "action": "save"})
    assert taken.status_code == 400 and "已有名为「搅拌站扰民」" in taken.get_data(as_text=True)
    made = client.post("/admin/rules/new", data={
        "csrf_token": token, "name": "供暖不热", "query": "供暖 (不热|停暖)", "action": "save"})
    assert made.status_code == 303
    row = session.scalar(select(WatchRule).where(WatchRule.name == "供暖不热"))
    assert row.any_groups == [["不热", "停暖"]] and row.enabled
    assert audit_actions(session, row.id) == ["create"]


def test_the_favicon_answers_and_every_page_links_it(client, auth, demo_users):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert 'rel="icon" href="/static/favicon.ico"' in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("raw, words", [
    ("HTTP 500 from WebhookSpec(dingtalk, https://oapi.dingtalk.com/robot/send?access_token=ab****)",
     "服务器返回错误 500"),
    ("cannot reach WebhookSpec(wecom, https://127.0.0.1:9/x): [Errno 111] Connection refused",
     "连接被拒绝"),
    ("SMTP error: timed out", "超时"),
    ("ConnectionRefusedError: [Errno 111] Connection refused", "连接被拒绝"),
    ("robot errcode 310000: keywords not in content", "群机器人拒收（错误码 310000）"),
    ("抓取进程异常结束（退出码 1）：ERROR: Spider error processing <GET http://x>",
     "抓取进程异常结束（退出码 1）"),
    ("抓取进程异常结束（退出码 1）：twisted.internet.error.TimeoutError: User timeout",
     "抓取进程异常结束（退出码 1）：超时"),
    ("ValueError: something odd", "出错了，详细原因已记入系统日志"),
    ("已暂停", "已暂停"),
    ("", ""),
])
def test_error_text_is_said_in_chinese_words(raw, words):
    assert plain_error(raw) == words


def test_the_ops_pages_show_errors_in_words_and_keep_the_raw_text(client, auth, demo_users,
                                                                   session):
    raw = "HTTP 503 from WebhookSpec(dingtalk, https://oapi.dingtalk.com/robot/send)"
    session.add(Delivery(event_key="t:words", channel="dingtalk", endpoint="webhook:0",
                         recipient="群机器人", subject="【一般】测试", body="…",
                         status="failed", attempts=3, last_error=raw))
    now = utcnow()
    session.add(JobRun(job_id="analyze", started_at=now, finished_at=now, status="error",
                       error="OperationalError: (sqlite3.OperationalError) database is locked"))
    session.commit()
    sign_in(auth, demo_users, "admin")
    deliveries = client.get("/admin/ops/deliveries").get_data(as_text=True)
    assert "服务器返回错误 503" in deliveries and "WebhookSpec" not in deliveries
    jobs = client.get("/admin/ops/jobs").get_data(as_text=True)
    runs = client.get("/admin/ops/jobs/analyze").get_data(as_text=True)
    for html in (jobs, runs):
        assert "数据库正忙" in html and "OperationalError" not in html
    assert session.scalar(select(Delivery.last_error).where(Delivery.event_key == "t:words")) == raw


def test_a_refused_ledger_action_names_the_roles(client, auth, demo_users, session):
    world = build_world(session)
    sign_in(auth, demo_users, "leader")
    token = csrf_token(client, "/notifications")
    response = client.post(f"/ledger/{world['entry']}/accept",
                           data={"csrf_token": token, "accept-note": "已签收"})
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "此操作仅限：" in html and "部门办理人" in html and "Forbidden" not in html


def test_a_pdf_that_cannot_be_made_is_the_chinese_error_page(client, auth, demo_users,
                                                            monkeypatch, tmp_path):
    empty = tmp_path / "fonts.conf"  # fontconfig with no font directories: no Chinese font
    empty.write_text('<?xml version="1.0"?><fontconfig></fontconfig>', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    chinese_font_families.cache_clear()
    try:
        sign_in(auth, demo_users, "leader")
        response = client.get("/reports/2025-09.pdf")
    finally:
        chinese_font_families.cache_clear()
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "暂时无法生成 PDF 文件" in html and "<!doctype html>" in html.lower()
    assert "fontconfig" not in html and "fonts-noto-cjk" not in html
