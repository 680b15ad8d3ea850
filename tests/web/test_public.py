"""The public site: only published typical Q&A, masked, with their policies, on every route;
an item not yet published (approved) or taken down is a 404 and is in no list, search or
feed; answers are cached by ETag; the site can be served alone. Both databases."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

import pytest

from tests.tracker.publication.factory import answered_entry, leader, staff
from tracker.publication import act, create_from_entry, save_edit

ATOM = "{http://www.w3.org/2005/Atom}"
SECRETS = ("王守义", "13812345678", "3号楼2单元501室")


def _item(session, title, steps):
    item = create_from_entry(session, answered_entry(session, title=title).id, staff(session))
    save_edit(session, item, staff(session), {"policies": [
        {"title": "城市道路管理条例", "number": "国务院令第198号",
         "url": "https://www.gov.cn/zhengce/road"}]})
    who = {"submit": staff, "approve": leader, "publish": staff, "unpublish": staff}
    for step in steps:
        act(session, item, step, who[step](session), note="内容需更正", url=f"/public/qa/{item.id}")
    return item


@pytest.fixture
def items(session, demo_users):
    """A published item, one approved but not published, one published then taken down."""
    out = {"shown": _item(session, "幸福小区门口道路破损维修", ["submit", "approve", "publish"]),
           "approved": _item(session, "光明路路灯不亮", ["submit", "approve"]),
           "withdrawn": _item(session, "和平街井盖缺失",
                              ["submit", "approve", "publish", "unpublish"]),
           "draft": _item(session, "东风桥护栏损坏", [])}
    session.commit()
    return out


def public_urls(item_id: int) -> list[str]:
    """Every public route, the detail one naming ``item_id``."""
    return ["/public/", f"/public/qa/{item_id}", "/public/feed.atom", "/public/feed.json",
            "/public/?q=路灯", "/public/?q=井盖", "/public/?q=护栏", "/public/?category=城乡建设",
            "/public/?department=市住房和城乡建设局", "/public/?month=2025-09"]


def test_only_the_published_item_is_anywhere(client, items):
    shown = items["shown"]
    assert client.get(f"/public/qa/{shown.id}").status_code == 200
    for name in ("approved", "withdrawn", "draft"):
        hidden = items[name]
        for url in public_urls(hidden.id):
            response = client.get(url)
            body = response.get_data(as_text=True)
            if "/qa/" in url:
                assert response.status_code == 404 and "不存在或已不再公开" in body, url
                assert response.headers["Cache-Control"] == "no-store"
                continue
            assert response.status_code == 200, url
            assert hidden.title not in body and f"/public/qa/{hidden.id}" not in body, (name, url)
            for secret in SECRETS:
                assert secret not in body, (secret, url)


def test_the_detail_is_masked_and_lists_its_policies(client, items):
    html = client.get(f"/public/qa/{items['shown'].id}").get_data(as_text=True)
    assert 'lang="zh-CN"' in html and "<main" in html and "<h1>" in html
    assert "王某某您好" in html and "138****5678" in html
    assert "城市道路管理条例" in html and "国务院令第198号" in html
    assert 'href="https://www.gov.cn/zhengce/road"' in html
    for secret in SECRETS:
        assert secret not in html


def test_search_categories_and_departments(client, items):
    html = client.get("/public/?q=小区门口").get_data(as_text=True)
    assert "幸福小区门口道路破损维修" in html and "共找到 1 条" in html
    assert "没有符合条件" in client.get("/public/?q=不存在的问题").get_data(as_text=True)
    facets = client.get("/public/").get_data(as_text=True)
    assert "城乡建设（1）" in facets and "市住房和城乡建设局（1）" in facets
    assert "2025年9月（1）" in facets


def test_the_feeds_validate(client, items):
    shown = items["shown"]
    atom = ET.fromstring(client.get("/public/feed.atom").data)
    assert atom.tag == ATOM + "feed"
    for name in ("id", "title", "updated"):
        assert atom.find(ATOM + name).text
    entries = atom.findall(ATOM + "entry")
    assert [e.find(ATOM + "title").text for e in entries] == [shown.title]
    for name in ("id", "title", "updated"):
        assert entries[0].find(ATOM + name).text
    assert "王某某您好" in entries[0].find(ATOM + "summary").text
    response = client.get("/public/feed.json")
    assert response.mimetype == "application/feed+json"
    feed = json.loads(response.data)
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
    assert [i["title"] for i in feed["items"]] == [shown.title]
    assert all(i["id"] and ("content_text" in i or "content_html" in i) for i in feed["items"])


def test_pages_are_cached_until_something_changes(client, session, items):
    first = client.get("/public/")
    assert first.headers["Cache-Control"] in ("public, max-age=60", "max-age=60, public")
    tag = first.headers["ETag"]
    again = client.get("/public/", headers={"If-None-Match": tag})
    assert again.status_code == 304 and not again.data
    act(session, items["shown"], "unpublish", staff(session), note="撤下测试")
    session.commit()
    fresh = client.get("/public/", headers={"If-None-Match": tag})
    assert fresh.status_code == 200 and "目前还没有发布典型问答" in fresh.get_data(as_text=True)
    assert client.get(f"/public/qa/{items['shown'].id}").status_code == 404


def test_the_public_site_can_be_served_alone(settings, migrated_engines, backend, sessions,
                                             items):
    from web.public.app import create_public_app

    app = create_public_app(settings, engine=migrated_engines[backend])
    app.extensions["yuqing.sessions"] = sessions
    client = app.test_client()
    html = client.get("/public/").get_data(as_text=True)
    assert "幸福小区门口道路破损维修" in html
    assert client.get("/login").status_code == 404
    assert client.get(f"/public/qa/{items['approved'].id}").status_code == 404
    assert re.search("default-src 'self'", client.get("/public/").headers[
        "Content-Security-Policy"])
    form = client.get("/public/status")  # the 办理进度查询 is part of the public site
    assert form.status_code == 200 and "办理进度查询" in form.get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.get_data(as_text=True))
    wrong = client.post("/public/status", data={"csrf_token": token.group(1),
                                                 "number": "1", "code": "000000000000"})
    assert wrong.status_code == 200 and "未查到" in wrong.get_data(as_text=True)
