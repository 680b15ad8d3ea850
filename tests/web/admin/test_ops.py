"""The operations pages: jobs with pause/resume/run, source health, deliveries with masked
secrets, in-app notifications; admin-only where they should be."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.conftest import csrf_token
from tracker.models import Department, Source, User, utcnow
from tracker.models.ops import (
    Delivery,
    EscalationContact,
    JobCommand,
    JobRun,
    Notification,
    NotificationPreference,
    NotificationRule,
    SchedulerBeat,
    SourceHealth,
    WebhookEndpoint,
)

SECRET_TOKEN = "c0ffee1234567890deadbeef1234567890"
SIGN_SECRET = "SECsigning0123456789abcdef"
ADMIN_PAGES = ["/admin/ops/jobs", "/admin/ops/sources", "/admin/ops/deliveries",
               "/admin/ops/jobs/analyze", "/admin/ops/notify"]


@pytest.fixture
def settings(settings):
    """Settings with a signed 钉钉 robot whose token and secret must never show."""
    spec = (f"dingtalk+https://oapi.dingtalk.com/robot/send?access_token={SECRET_TOKEN}"
            f"#secret={SIGN_SECRET}")
    return dataclasses.replace(settings, webhook_urls=(spec,))


def login(auth, demo_users, role: str) -> None:
    account = demo_users[role]
    assert auth.login(account.username, account.password).status_code == 302


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_only_admins_open_the_ops_pages(client, auth, demo_users, page):
    assert client.get(page).status_code == 302  # signed out: to the login page
    login(auth, demo_users, "opinion_staff")
    assert client.get(page).status_code == 403
    auth.logout()
    login(auth, demo_users, "admin")
    assert client.get(page).status_code == 200


def test_jobs_page_lists_jobs_and_queues_commands(client, auth, demo_users, session):
    login(auth, demo_users, "admin")
    html = client.get("/admin/ops/jobs").get_data(as_text=True)
    assert 'data-job="monthly-report"' in html and "每月 1 日 08:00" in html
    assert "每天 03:30" in html and "每 5 分钟" in html
    assert "cron[" not in html and "interval[" not in html
    assert 'data-scheduler="stopped"' in html and "定时任务" in html
    job = f"crawl:test-{uuid.uuid4().hex[:6]}"
    token = csrf_token(client, "/admin/ops/jobs")
    assert client.post(f"/admin/ops/jobs/{job}/pause").status_code == 400  # no CSRF token
    response = client.post(f"/admin/ops/jobs/{job}/pause", data={"csrf_token": token},
                           follow_redirects=True)
    assert "已提交“暂停”任务“已删除的抓取任务”" in response.get_data(as_text=True)
    assert client.post(f"/admin/ops/jobs/{job}/explode",
                       data={"csrf_token": token}).status_code == 404
    commands = session.scalars(select(JobCommand).where(JobCommand.job_id == job)).all()
    admin_id = session.scalar(select(User.id).where(User.username == "admin"))
    assert [(c.action, c.requested_by, c.done_at) for c in commands] == [
        ("pause", admin_id, None)]


def test_jobs_page_names_the_leading_scheduler_and_its_standby(client, auth, demo_users,
                                                                session):
    now = utcnow()
    session.add_all([
        SchedulerBeat(pid=4101, host="h1", started_at=now, beat_at=now, role="leader"),
        SchedulerBeat(pid=4102, host="h2", started_at=now, beat_at=now, role="standby"),
        # a dead leader's heartbeat, long stale, and a standby that stopped: neither counts
        SchedulerBeat(pid=4100, host="h1", started_at=now - timedelta(hours=1),
                      beat_at=now - timedelta(hours=1), role="leader"),
        SchedulerBeat(pid=4103, host="h3", started_at=now, beat_at=now, stopped_at=now,
                      role="standby")])
    session.flush()
    login(auth, demo_users, "admin")
    html = client.get("/admin/ops/jobs").get_data(as_text=True)
    assert 'data-scheduler="running"' in html and "运行中（主进程）" in html
    assert "进程 4101" in html and 'data-standbys="1"' in html and "1 个待命" in html
    assert "进程 4102" in html and "主进程停止后一分钟内自动接替" in html
    assert "4100" not in html and "4103" not in html
    session.execute(update(SchedulerBeat).where(SchedulerBeat.pid == 4101)
                    .values(stopped_at=now))
    session.flush()
    html = client.get("/admin/ops/jobs").get_data(as_text=True)
    assert 'data-scheduler="stopped"' in html and "正在接替主进程" in html


def test_job_runs_show_their_summary_in_words(client, auth, demo_users, session):
    summary = {"seconds": 1.5, "result": {"analyzed": 3, "alerts": 1}, "announced": 1,
               "ledger": 2, "index": {"indexed": 3, "errors": []}, "mystery_key": 7}
    now = utcnow()
    session.add(JobRun(job_id="analyze", started_at=now, finished_at=now, status="ok",
                       summary=summary))
    session.flush()
    login(auth, demo_users, "admin")
    for page in ("/admin/ops/jobs", "/admin/ops/jobs/analyze"):
        html = client.get(page).get_data(as_text=True)
        assert "分析·已分析：3" in html and "分析·预警：1" in html and "转入台账：2" in html
        assert "mystery_key" not in html and "索引同步·错误" not in html  # zero: left out
        assert "{&#34;" not in html and '{"' not in html and "&#34;seconds" not in html
        if page == "/admin/ops/jobs":  # the list shows the first five, the runs page all
            assert "；……" in html and "其他：7" not in html
    assert "运行记录：舆情分析" in html and "其他：7" in html and "……" not in html


def test_sources_page_shows_health(client, auth, demo_users, session):
    source = Source(name=f"quiet-{uuid.uuid4().hex[:6]}", title="某市长信箱", kind="board",
                    base_url="http://127.0.0.1:1/", config={})
    session.add(source)
    session.flush()
    session.add(SourceHealth(source_id=source.id, state="quiet", reason="最近 3 次抓取均无任何内容",
                             alerted_at=utcnow(), items_last_day=0, error_rate=0.25))
    session.flush()
    login(auth, demo_users, "admin")
    html = client.get("/admin/ops/sources").get_data(as_text=True)
    assert f'data-source="{source.name}" data-state="quiet"' in html
    assert "无数据（疑似改版或屏蔽）" in html and "25.0%" in html and "已提醒" in html
    row = html.split(f'data-source="{source.name}"', 1)[1].split("</tr>", 1)[0]
    assert "某市长信箱" in row and source.name not in row  # the title, never the code


def test_deliveries_page_masks_secrets(client, auth, demo_users, session):
    session.add(Delivery(event_key=f"t:{uuid.uuid4().hex}", channel="dingtalk",
                         endpoint="env:x", recipient="https://oapi.dingtalk.com/robot/send?"
                                                    "access_token=c0ff****",
                         subject="【较大】测试预警", body="…", status="retrying", attempts=2,
                         last_error="HTTP 503 from WebhookSpec(dingtalk, …)"))
    session.flush()
    login(auth, demo_users, "admin")
    html = client.get("/admin/ops/deliveries").get_data(as_text=True)
    assert "【较大】测试预警" in html and "重试中" in html and "钉钉群机器人" in html
    assert "access_token=c0ff****" in html and "已设置" in html
    assert "系统配置" in html and "env:" not in html  # the robot's name, never its key
    assert SECRET_TOKEN not in html and SIGN_SECRET not in html
    filtered = client.get("/admin/ops/deliveries?status=sent").get_data(as_text=True)
    assert "【较大】测试预警" not in filtered


def test_no_robots_points_to_the_notify_settings_page(client, auth, demo_users, app):
    settings = app.extensions["yuqing.settings"]
    app.extensions["yuqing.settings"] = dataclasses.replace(settings, webhook_urls=())
    login(auth, demo_users, "admin")
    html = client.get("/admin/ops/deliveries").get_data(as_text=True)
    assert "未配置群机器人，可在" in html and 'href="/admin/ops/notify">通知设置</a>页添加' in html
    assert "YUQING_" not in html


def test_each_user_reads_their_own_notifications(client, auth, demo_users, session):
    staff = session.scalar(select(User).where(User.username == "staff"))
    leader = session.scalar(select(User).where(User.username == "leader"))
    key = uuid.uuid4().hex
    session.add_all([
        Notification(user_id=staff.id, kind="alert", title="【较大】供暖问题", body="48 条相关信息",
                     link="/alerts/1", dedup_key=key),
        Notification(user_id=leader.id, kind="report", title="月度报告已生成", body="…",
                     dedup_key=key)])
    session.flush()
    login(auth, demo_users, "opinion_staff")
    html = client.get("/notifications").get_data(as_text=True)
    assert "【较大】供暖问题" in html and "月度报告已生成" not in html and "未读" in html
    assert "系统管理" not in html  # the administration link is for admins
    token = csrf_token(client, "/notifications")
    client.post("/notifications/read", data={"csrf_token": token})
    note = session.scalar(select(Notification).where(Notification.dedup_key == key,
                                                     Notification.user_id == staff.id))
    session.refresh(note)
    assert note.read_at is not None


def test_admin_sees_the_ops_link(client, auth, demo_users):
    login(auth, demo_users, "admin")
    html = client.get("/admin").get_data(as_text=True)
    assert 'href="/admin/ops/jobs"' in html and 'href="/notifications"' in html
    assert '<a href="/admin/users">系统管理</a>' in html


def test_a_user_chooses_their_channels(client, auth, demo_users, session):
    login(auth, demo_users, "leader")
    page = client.get("/notifications").get_data(as_text=True)
    assert 'data-form="preferences"' in page and "未登记电子邮箱" in page
    token = csrf_token(client, "/notifications")
    response = client.post("/notifications/preferences", follow_redirects=True,
                           data={"csrf_token": token, "channels": ["inapp", "bogus"]})
    assert "已保存通知方式：站内通知" in response.get_data(as_text=True)
    leader_id = session.scalar(select(User.id).where(User.username == "leader"))
    pref = session.get(NotificationPreference, leader_id)
    session.refresh(pref)
    assert pref.channels == ["inapp"]


def test_admin_sets_rules_robots_and_escalation_contacts(client, auth, demo_users, session):
    login(auth, demo_users, "admin")
    token = csrf_token(client, "/admin/ops/notify")
    name = f"重大舆情-{uuid.uuid4().hex[:4]}"
    client.post("/admin/ops/notify/rules", data={
        "csrf_token": token, "name": name, "event_kind": "alert", "min_level": "major",
        "roles": ["leader", "nobody"], "channels": ["inapp"], "webhooks": ["*"]})
    rule = session.scalar(select(NotificationRule).where(NotificationRule.name == name))
    assert (rule.roles, rule.channels, rule.webhooks, rule.min_level) == (
        ["leader"], ["inapp"], ["*"], "major")
    robot = f"办公室群-{uuid.uuid4().hex[:4]}"
    client.post("/admin/ops/notify/webhooks", data={
        "csrf_token": token, "name": robot, "kind": "dingtalk", "secret": SIGN_SECRET,
        "url": f"https://oapi.dingtalk.com/robot/send?access_token={SECRET_TOKEN}"})
    refused = client.post("/admin/ops/notify/webhooks", follow_redirects=True, data={
        "csrf_token": token, "name": "x", "kind": "dingtalk", "url": "ftp://nope"})
    assert "http(s)://" in refused.get_data(as_text=True)
    hook = session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.name == robot))
    assert hook.secret == SIGN_SECRET and hook.enabled
    client.post(f"/admin/ops/notify/webhooks/{hook.id}/toggle", data={"csrf_token": token})
    session.refresh(hook)
    assert not hook.enabled
    dept = Department(name=f"市交通运输局-{uuid.uuid4().hex[:4]}")
    session.add(dept)
    session.flush()
    head = session.scalar(select(User).where(User.username == "responder"))
    for _ in range(2):  # a second identical request adds nothing
        client.post("/admin/ops/notify/contacts", data={
            "csrf_token": token, "department_id": dept.id, "tier": "head", "user_id": head.id})
    contacts = session.scalars(select(EscalationContact).where(
        EscalationContact.department_id == dept.id)).all()
    assert [(c.tier, c.user_id) for c in contacts] == [("head", head.id)]
    html = client.get("/admin/ops/notify").get_data(as_text=True)
    assert name in html and robot in html and dept.name in html and "access_token=c0ff****" in html
    assert SECRET_TOKEN not in html and SIGN_SECRET not in html
    client.post(f"/admin/ops/notify/contacts/{contacts[0].id}/delete", data={"csrf_token": token})
    client.post(f"/admin/ops/notify/rules/{rule.id}/delete", data={"csrf_token": token})
    assert session.scalar(select(EscalationContact).where(
        EscalationContact.department_id == dept.id)) is None
    assert session.scalar(select(NotificationRule).where(NotificationRule.name == name)) is None
