"""信息源管理 at /admin/sources: the admin tests a new board's config against a real board on
127.0.0.1 (the form stays filled, nothing is saved), saves it, edits it, is told in Chinese
what is wrong with a bad config, disables and enables it; the pages speak Chinese."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.crawlers.test_source_admin import CONFIG, MESSAGES, board  # noqa: F401 (fixture)
from tests.web.admin.test_plain_words import problems, visible
from tracker.models import AuditEvent, CrawlRun, Source, SourceHealth, utcnow


@pytest.fixture
def admin(auth, demo_users):
    account = demo_users["admin"]
    assert auth.login(account.username, account.password).status_code == 302


def form(client, base: str, **changes) -> dict[str, str]:
    data = {"csrf_token": csrf_token(client, "/admin/sources/new"), "name": "county_board",
            "title": "某县网上留言板", "kind": "board", "base_url": base, "interval": "60",
            "config": json.dumps(CONFIG, ensure_ascii=False, indent=1), "test_url": "",
            "test_detail_url": "", "action": "test"}
    return data | changes


def count(session) -> int:
    return session.scalar(select(func.count(Source.id)))


def chinese(html: str) -> list[str]:
    return problems(visible(html)[0])


def test_test_fetch_shows_the_fields_and_keeps_the_form_then_save_adds(
        client, admin, session, board):  # noqa: F811
    before = count(session)
    response = client.post("/admin/sources/new", data=form(client, board))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:500]
    preview = html.split("data-preview", 1)[1]
    assert "找到 3 条，有下一页" in preview
    assert MESSAGES[3006][0] in preview and MESSAGES[3006][3] in preview  # GBK, decoded
    assert "2024-03-09 08:15" in preview and "王女士" in preview
    assert 'value="county_board"' in html and "table.lb tr.r" in html  # the form stays filled
    assert count(session) == before and not chinese(html)

    detail = f"{board}hd/lb/view.asp?id=3004"
    html = client.post("/admin/sources/new", data=form(
        client, board, test_detail_url=detail)).get_data(as_text=True)
    fields = html.split("data-fields", 1)[1]
    assert "县交通运输局" in fields and "经核实，已恢复为每天五班。" in fields
    assert "2024-03-08 16:20" in fields
    assert "列表页（" not in html.split("data-preview", 1)[1]  # only the page asked for

    response = client.post("/admin/sources/new", data=form(client, board, action="save"))
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "已新增信息源“某县网上留言板”" in page and "还没有抓取记录" in page
    source = session.scalar(select(Source).where(Source.name == "county_board"))
    assert (source.kind, source.interval_minutes, source.config) == ("board", 60, CONFIG)
    assert session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "source",
                                                   AuditEvent.entity_id == str(source.id)))


@pytest.mark.parametrize(("changes", "said"), [
    ({"config": "{not json"}, "配置不是有效的格式：第 1 行第 2 列有误。"),
    ({"config": json.dumps({**CONFIG, "fields": {"title": "h1[", "published": "td"}})},
     "缺少字段“fields.text”：留言板必须提取正文。"),
    ({"config": json.dumps({**CONFIG, "fields": {**CONFIG["fields"], "title": "h1["}})},
     "“fields.title”的选择器写法有误。"),
    ({"config": json.dumps({**CONFIG, "colour": 1})}, "配置项“colour”无法识别。"),
    ({"base_url": "ftp://example.cn/"}, "网址须以 http:// 或 https:// 开头并含主机名。"),
    ({"kind": "blog"}, "类型：不是有效的选择。"),
    ({"name": "County Board"}, "代号须为 2 至 64 个小写字母、数字或下划线，并以字母开头。"),
    ({"interval": "0"}, "抓取间隔须在 1 至 10080 分钟之间"),
])
def test_a_bad_source_is_refused_in_chinese_and_nothing_is_saved(client, admin, session,
                                                                  changes, said):
    before = count(session)
    for action in ("save", "test"):
        data = form(client, "http://127.0.0.1:9/", action=action, **changes)
        if action == "test" and "name" in changes:
            continue  # the code name only matters when saving
        response = client.post("/admin/sources/new", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, (action, html[:300])
        errors = " ".join(re.findall(r"data-error>([^<]*)<", html))
        assert said in errors, (action, errors)
    assert count(session) == before


def test_edit_keeps_a_bad_config_out_and_saves_a_good_one(client, admin, session, board):  # noqa: F811
    source = Source(name="county_board", title="某县网上留言板", kind="board", base_url=board,
                    config=CONFIG, interval_minutes=30)
    session.add(source)
    session.commit()
    url = f"/admin/sources/{source.id}/edit"
    html = client.get(url).get_data(as_text=True)
    assert "编辑信息源：某县网上留言板" in html and "table.lb tr.r" in html
    assert not chinese(html)
    data = form(client, board, action="save", config=json.dumps({**CONFIG, "list": {}}))
    del data["name"]
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "缺少“list.entries”" in response.get_data(as_text=True)
    session.refresh(source)
    assert source.config == CONFIG
    data.update(config=json.dumps(CONFIG), title="某县留言板", interval="15")
    response = client.post(url, data=data)
    assert response.status_code == 303
    session.refresh(source)
    assert (source.title, source.interval_minutes) == ("某县留言板", 15)


def test_disable_enable_and_the_pages_speak_chinese(client, admin, session):
    source = Source(name="plain_board", title="某区网上留言板", kind="board",
                    base_url="http://www.example.gov.cn/", config=CONFIG)
    session.add(source)
    session.flush()
    now = utcnow()
    session.add(CrawlRun(source_id=source.id, started_at=now, finished_at=now, status="partial",
                         pages=4, items_new=3, errors=1, http_status={"200": 4},
                         error_samples=[{"kind": "http_500", "url": "x", "reason": "HTTP 500"}]))
    session.add(SourceHealth(source_id=source.id, state="stale", reason="超过 3 小时没有成功抓取",
                             items_last_day=3, error_rate=0.25))
    session.commit()
    token = csrf_token(client, "/admin/sources")
    response = client.post(f"/admin/sources/{source.id}/active", data={"csrf_token": token})
    assert response.status_code == 303
    html = client.get(response.location).get_data(as_text=True)
    row = re.search(rf'<tr data-source="{source.id}".*?</tr>', html, re.S).group(0)
    assert "已停用信息源“某区网上留言板”" in html and "停用" in row and "启用" in row
    assert "留言板" in row and "部分完成" in row and "新增 3 条" in row
    session.refresh(source)
    assert source.enabled is False
    response = client.post(f"/admin/sources/{source.id}/active",
                           data={"csrf_token": token, "back": "page"})
    assert response.location.endswith(f"/admin/sources/{source.id}")
    session.refresh(source)
    assert source.enabled is True
    for url in ("/admin/sources", f"/admin/sources/{source.id}",
                f"/admin/sources/{source.id}/edit", "/admin/sources/new"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert not chinese(page.get_data(as_text=True)), (url, chinese(page.get_data(
            as_text=True)))
    page = client.get(f"/admin/sources/{source.id}").get_data(as_text=True)
    assert "超过 3 小时没有成功抓取" in page and "25.0%" in page and "部分完成" in page


def test_unknown_sources_are_404(client, admin):
    assert client.get("/admin/sources/999999").status_code == 404
    assert client.get("/admin/sources/999999/edit").status_code == 404
    token = csrf_token(client, "/admin/sources")
    assert client.post("/admin/sources/999999/active", data={"csrf_token": token}
                       ).status_code == 404


@pytest.mark.parametrize("role", ["opinion_staff", "responder", "leader"])
def test_other_roles_are_refused(client, auth, demo_users, role):
    account = demo_users[role]
    auth.login(account.username, account.password)
    for url in ("/admin/sources", "/admin/sources/new"):
        assert client.get(url).status_code == 403
