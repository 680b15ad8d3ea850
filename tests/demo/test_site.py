"""The demo web over real HTTP: encodings, clocks, deliberate faults, robots.txt, the admin."""

from __future__ import annotations

import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime

import pytest

from demo.site.data import BOARD_CLOCK, FORUM_CLOCK, NEWS_CLOCK


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report redirects instead of following them."""

    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) without following redirects."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_board_b_is_gbk_and_every_page_carries_its_sections_clock(demo_site):
    status, headers, body = fetch(f"{demo_site.url}/wz/lyb/index.html")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=gbk"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "问政西地省" in body.decode("gbk")
    assert parsedate_to_datetime(headers["Date"]) == BOARD_CLOCK.at(0)
    _, news_headers, _ = fetch(f"{demo_site.url}/news/xwlb/list_1.shtml")
    assert parsedate_to_datetime(news_headers["Date"]) == NEWS_CLOCK.at(0)


def test_the_admin_moves_the_clocks_and_new_messages_appear(demo_site):
    page = fetch(f"{demo_site.url}/board-a/threads/list?fid=101&page=1")[2].decode()
    assert "tid=40892" in page  # pending at epoch 0 ...
    detail = fetch(f"{demo_site.url}/board-a/threads/content?tid=40892")[2].decode()
    assert "待回复" in detail and "回复时间" not in detail
    state = demo_site.set_epoch(1)
    assert state["epoch"] == 1
    assert state["clocks"]["forum"] == FORUM_CLOCK.at(1).isoformat()
    detail = fetch(f"{demo_site.url}/board-a/threads/content?tid=40892")[2].decode()
    assert "已办理" in detail and "回复时间：2019-12-23 10:44" in detail  # ... answered


def test_deliberate_faults(demo_site):
    base = f"{demo_site.url}/board-a/threads/content?tid="
    assert fetch(base + "900404")[0] == 404
    assert fetch(base + "900500")[0] == 500
    status, headers, _ = fetch(base + "900302")
    assert status == 302 and headers["Location"] == "/board-a/loop?n=0"
    assert fetch(f"{demo_site.url}/board-a/loop?n=0")[1]["Location"] == "/board-a/loop?n=1"
    assert fetch(f"{demo_site.url}/board-a/loop?n=1")[1]["Location"] == "/board-a/loop?n=0"
    assert [fetch(base + "144736")[0] for _ in range(2)] == [503, 200]  # flaky once
    _, lying, body = fetch(base + "103744")
    assert "charset=gbk" in lying["Content-Type"] and "咨询K市" in body.decode("utf-8")
    truncated = fetch(f"{demo_site.url}/wz/lyb/2019/1231/999001.shtml")[2].decode("gbk", "replace")
    assert "footer" not in truncated and "</html>" not in truncated
    huge = fetch(f"{demo_site.url}/news/xwlb/202608/huge.shtml")
    assert int(huge[1]["Content-Length"]) > 5_000_000


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_member_pages(demo_site):
    status, _, body = fetch(f"{demo_site.url}/robots.txt")
    assert status == 200
    assert body.decode().splitlines() == ["User-agent: *", "Disallow: /_admin/",
                                          "Disallow: /forum/member/"]


def test_feeds_and_the_hostile_forum_title_escaped_in_html(demo_site):
    rss = fetch(f"{demo_site.url}/feeds/xmwb.xml")[2].decode()
    assert rss.startswith("<?xml") and "<pubDate>Fri, 01 Apr 2022 15:00:00 +0800</pubDate>" in rss
    atom = fetch(f"{demo_site.url}/feeds/xwlb.atom")[2].decode()
    assert 'xmlns="http://www.w3.org/2005/Atom"' in atom
    thread = fetch(f"{demo_site.url}/forum/thread-9000000000000001-1-1.html")[2].decode()
    assert "&lt;script&gt;alert(&quot;yuqing-xss&quot;)&lt;/script&gt;" in thread
    assert "<script>" not in thread


def test_a_replaying_site_runs_on_the_wall_clock_from_its_anchor():
    from datetime import datetime, timedelta

    from demo.site.replay import HOT_FROM, SH
    from tests.demo.conftest import start_site, stop_site

    anchor = datetime.now(SH).replace(microsecond=0) - timedelta(minutes=5)
    site = start_site(replay_anchor=anchor.strftime("%Y-%m-%dT%H:%M:%S"))
    try:
        state = site.admin("state")
        assert state["mode"] == "replay" and state["start"] == anchor.isoformat()
        assert datetime.fromisoformat(state["hot"]["from"]) == anchor + HOT_FROM
        assert site.set_epoch(4)["epoch"] == 0  # the epoch does not move a replay
        status, headers, body = fetch(f"{site.url}/wz/lyb/index.html")
        served = parsedate_to_datetime(headers["Date"])
        assert status == 200 and abs(served - datetime.now(SH)) < timedelta(seconds=30)
        assert "伊景园" in body.decode("gbk")  # the hot matter began two minutes ago
    finally:
        stop_site(site)


def test_a_posted_message_appears_on_the_board_when_its_time_comes(tmp_path):
    """DemoWeb.post (what bench/latency.py uses): on the list and its own page once its
    submitted time has passed, not before; the board's other messages stay."""
    import threading
    from datetime import timedelta

    from demo.site.data import DemoData, Message
    from demo.site.server import DemoWeb, make_server
    from tests.conftest import SHARED_DATA

    web = DemoWeb(DemoData(SHARED_DATA, 20))
    server = make_server(web, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        before = fetch(f"{base}/board-a/threads/list?fid=101&page=1")[2].decode()
        now = BOARD_CLOCK.at(0)
        web.post("board_a", Message(id="990001", user="居民甲", title="电梯故障困人",
                                    body="电梯又坏了", submitted=now))
        web.post("board_a", Message(id="990002", user="居民乙", title="明天的留言",
                                    body="还没到时间", submitted=now + timedelta(hours=1)))
        page = fetch(f"{base}/board-a/threads/list?fid=101&page=1")[2].decode()
        assert "tid=990001" in page and "电梯故障困人" in page and "tid=990002" not in page
        assert page.index("tid=990001") < page.index("tid=40892")  # newest first
        assert "电梯又坏了" in fetch(f"{base}/board-a/threads/content?tid=990001")[2].decode()
        assert fetch(f"{base}/board-a/threads/content?tid=990002")[0] == 404
        assert "tid=40892" in before and "tid=40892" in page
        with pytest.raises(ValueError, match="no board"):
            web.post("board_c", Message(id="1", user="x", title="x", body="x", submitted=now))
    finally:
        server.shutdown()
        server.server_close()
