"""The search page: roles, highlights, escaping, filters, paging, watch rules, server down."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, csrf_token
from tracker.index.base import MentionDoc
from tracker.index.elastic import ElasticIndex
from tracker.index.embedded import EmbeddedIndex
from tracker.models import WatchRule

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
HOSTILE = "<script>alert('物业')</script>"


def _doc(i: int, title: str, text: str, **fields) -> MentionDoc:
    fields.setdefault("kind", "board")
    fields.setdefault("source", "demo_board_a")
    return MentionDoc(id=f"m{i}", title=title, text=text, url=f"http://board.test/{i}",
                      published_at=T0 - timedelta(hours=i), fetched_at=T0, **fields)


@pytest.fixture
def index(app, tmp_path):
    """The app's embedded index with a small corpus (one hostile title)."""
    idx = EmbeddedIndex(tmp_path / "index.db")
    docs = [_doc(i, f"小区物业问题{i}", f"第{i}条：物业费太高，噪音扰民。", sentiment=0.2)
            for i in range(1, 46)]
    docs.append(MentionDoc(id="evil", title=HOSTILE, text="<img src=x onerror=alert(1)>物业不作为",
                           url="javascript:alert(1)", kind="forum", source="demo_forum",
                           sentiment=0.8, published_at=T0, fetched_at=T0))
    assert idx.upsert(docs).ok
    app.extensions["yuqing.index"] = idx
    yield idx
    idx.close()


def _login(auth, demo_users, role="opinion_staff"):
    account = demo_users[role]
    assert auth.login(account.username, account.password).status_code == 302


def test_roles(client, auth, demo_users, index):
    assert client.get("/search/").status_code == 302  # signed out: to the login page
    _login(auth, demo_users, "responder")
    assert client.get("/search/").status_code == 403
    auth.logout()
    _login(auth, demo_users, "leader")
    html = client.get("/search/?q=物业").get_data(as_text=True)
    assert "全文检索" in html and "保存为监测方案" not in html  # leaders read only


def test_results_are_highlighted_and_crawled_text_is_escaped(client, auth, demo_users, index):
    _login(auth, demo_users)
    response = client.get("/search/?q=物业")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-total="46"' in html
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;<mark>物业</mark>&#39;)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert "<mark>物业</mark>费太高" in html


def test_filters_facets_and_paging(client, auth, demo_users, index):
    _login(auth, demo_users)
    html = client.get("/search/?q=物业&source=demo_forum").get_data(as_text=True)
    assert 'data-total="1"' in html and 'data-hit="evil"' in html
    html = client.get("/search/?q=物业&sentiment=positive").get_data(as_text=True)
    assert 'data-total="1"' in html
    first = client.get("/search/?q=噪音").get_data(as_text=True)
    assert 'data-total="45"' in first and "第 1 / 3 页" in first and 'rel="next"' in first
    assert 'data-facet="source"' in first and "data-histogram" in first
    third = client.get("/search/?q=噪音&page=3").get_data(as_text=True)
    assert len(re.findall(r'data-hit="', third)) == 5
    by_relevance = client.get("/search/?q=物业&sort=relevance")
    assert by_relevance.status_code == 200


def test_a_bad_query_says_what_is_wrong(client, auth, demo_users, index):
    _login(auth, demo_users)
    response = client.get("/search/?q=(物业")
    assert response.status_code == 400
    assert "检索式有误" in response.get_data(as_text=True)


def test_save_as_watch_rule(client, auth, demo_users, index, session):
    _login(auth, demo_users)
    token = csrf_token(client, "/search/?q=物业")
    response = client.post("/search/rules", data={
        "csrf_token": token, "name": "物业投诉", "query": "物业 -广告 region:A3区"})
    assert response.status_code == 302
    rule = session.scalar(select(WatchRule).where(WatchRule.name == "物业投诉"))
    assert (rule.all_words, rule.none_words, rule.region_words) == (["物业"], ["广告"], ["A3区"])
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已保存监测方案「物业投诉」" in html and "data-rules" in html
    assert client.post("/search/rules", data={"name": "x", "query": "物业"}).status_code == 400
    bad = client.post("/search/rules", data={"csrf_token": token, "name": "坏", "query": "(物业"})
    assert "检索式有误" in client.get(bad.headers["Location"]).get_data(as_text=True)


def test_leaders_cannot_save_rules(client, auth, demo_users, index):
    _login(auth, demo_users, "leader")
    token = csrf_token(client, "/search/")
    response = client.post("/search/rules", data={"csrf_token": token, "name": "x",
                                                  "query": "物业"})
    assert response.status_code == 403


def test_the_page_says_search_is_unavailable_when_the_server_is_down(
        settings, migrated_engines, backend, sessions, demo_users):
    from web import create_app

    down = replace(settings, elasticsearch_url="http://127.0.0.1:9")  # nothing listens there
    app = create_app(down, engine=migrated_engines[backend], test_config={"TESTING": True})
    app.extensions["yuqing.sessions"] = sessions
    client = app.test_client()
    AuthActions(client).login("staff", demo_users["opinion_staff"].password)
    response = client.get("/search/?q=物业")
    assert response.status_code == 503
    assert "检索服务暂不可用" in response.get_data(as_text=True)
    assert isinstance(app.extensions["yuqing.index"], ElasticIndex)


def test_help_gives_a_real_source_with_its_title(client, auth, demo_users, index, session):
    from tracker.models import Source

    session.add(Source(name="aaa_help_board", title="〇〇区书记信箱", kind="board",
                       base_url="http://127.0.0.1:1/", config={}))
    session.flush()
    _login(auth, demo_users)
    html = client.get("/search/").get_data(as_text=True)
    help_ = html.split("data-search-help", 1)[1].split("</details>", 1)[0]
    row = help_.split('data-help="source"', 1)[1].split("</tr>", 1)[0]
    assert "〇〇区书记信箱 <code>aaa_help_board</code>" in row
    first = min(session.execute(select(Source.title, Source.name)).all())
    assert f"<code>source:{first.name}</code>" in row and f"例中即“{first.title}”" in row
    assert "留言板 <code>board</code>" in help_ and "新闻 <code>news</code>" in help_


def test_a_bad_query_is_explained_in_chinese(client, auth, demo_users, index):
    _login(auth, demo_users)
    html = client.get("/search/?q=(物业|噪音").get_data(as_text=True)
    assert "检索式有误：括号没有配对：缺少“)”" in html and "parenthesis" not in html
    html = client.get("/search/?q=foo:bar").get_data(as_text=True)
    assert "“foo:”无法识别" in html and "unknown field" not in html
