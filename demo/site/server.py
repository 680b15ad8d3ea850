"""The demo web's HTTP server: routing, clocks, deliberate faults and the admin endpoint.

A stdlib :class:`ThreadingHTTPServer` speaking HTTP/1.1 with keep-alive; rendered pages are
cached per epoch. Each response's ``Date`` header is its section's clock, so relative times
on a page ("3小时前") can be read against the page's own "now". ``POST /_admin/epoch?set=N``
moves every clock (robots.txt keeps crawlers out of ``/_admin/``).

In replay mode (:mod:`demo.site.replay`) every section's clock is the wall clock: pages are
rendered for the moment they are asked for (not cached), the epoch does not move, and
``POST /_admin/state`` tells the replay's start and when the hot matter arrives.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from demo.site import boards, portal
from demo.site.data import (
    BOARD_CLOCK,
    FORUM_CLOCK,
    HOSTILE_THREAD_ID,
    NEWS_CLOCK,
    Clock,
    DemoData,
    Message,
)
from demo.site.html import Page, document, esc, not_found

ROBOTS = "User-agent: *\nDisallow: /_admin/\nDisallow: /forum/member/\n"
# Real messages whose pages misbehave, so tests can check each kind of trouble.
A_SCRIPT, A_MALFORMED, A_LYING, A_FLAKY, A_BREAKS_LATER = (
    "40904", "87916", "103744", "144736", "41496")
B_LYING = "79794"
SHOWCASE = {
    "board_a": ("144720", "40892", A_SCRIPT, A_MALFORMED, A_LYING, A_FLAKY, A_BREAKS_LATER),
    "board_b": ("2554", "208636", "3742", "87862", B_LYING),
    "forum5": (HOSTILE_THREAD_ID,),
}


class DemoWeb:
    """Renders every page of the demo web at the current epoch."""

    def __init__(self, data: DemoData, epoch: int = 0) -> None:
        self.data = data
        self.replay = data.replay
        self.epoch = 0 if self.replay else epoch
        self._lock = threading.Lock()
        self._cache: dict[str, Page] = {}
        self._failed_once: set[str] = set()
        self._routes: list[tuple[re.Pattern, Clock, Callable[..., Page]]] = [
            (re.compile(r"/board-a/threads/list"), BOARD_CLOCK, self._a_list),
            (re.compile(r"/board-a/threads/content"), BOARD_CLOCK, self._a_detail),
            (re.compile(r"/board-a/loop"), BOARD_CLOCK, self._loop),
            (re.compile(r"/wz/lyb/index(?:_(\d+))?\.html"), BOARD_CLOCK, self._b_list),
            (re.compile(r"/wz/lyb/\d{4}/\d{4}/(\d+)\.shtml"), BOARD_CLOCK, self._b_detail),
            (re.compile(r"/news/(xwlb|xmwb)/list_(\d+)\.shtml"), NEWS_CLOCK, self._news_list),
            (re.compile(r"/news/(xwlb|xmwb)/\d{6}/([\w-]+)\.shtml"), NEWS_CLOCK, self._article),
            (re.compile(r"/feeds/xmwb\.xml"), NEWS_CLOCK, self._rss),
            (re.compile(r"/feeds/xwlb\.atom"), NEWS_CLOCK, self._atom),
            (re.compile(r"/forum/forum-(\d+)-(\d+)\.html"), FORUM_CLOCK, self._forum_list),
            (re.compile(r"/forum/thread-(\d+)-1-1\.html"), FORUM_CLOCK, self._thread),
            (re.compile(r"/forum/member/(\d+)"), FORUM_CLOCK, self._member),
            (re.compile(r"/zhengce/list_(\d+)\.html"), NEWS_CLOCK, self._policy_list),
            (re.compile(r"/zhengce/content/\d{4}-\d{2}/\d{2}/content_(\d+)\.htm"), NEWS_CLOCK,
             self._policy),
        ]

    def warm(self) -> None:
        """Load every dataset now rather than on the first request."""
        _ = (self.data.board_a, self.data.board_b, self.data.articles, self.data.forum)

    def set_epoch(self, epoch: int) -> None:
        """Move all clocks to ``epoch`` (pages are re-rendered); a replay follows the wall
        clock and stays where it is."""
        if self.replay:
            return
        with self._lock:
            self.epoch = epoch
            self._cache.clear()

    def post(self, board: str, message: Message) -> None:
        """A new message appears on ``board`` (pages are re-rendered)."""
        with self._lock:
            self.data.add_message(board, message)
            self._cache.clear()

    def state(self) -> dict:
        """The epoch and each section's clock (a replay: its figures, clocks at now)."""
        if self.replay:
            now = self.replay.now().isoformat()
            return {**self.replay.describe(), "epoch": 0,
                    "clocks": {"boards": now, "news": now, "forum": now}}
        return {"epoch": self.epoch, "clocks": {
            "boards": BOARD_CLOCK.at(self.epoch).isoformat(),
            "news": NEWS_CLOCK.at(self.epoch).isoformat(),
            "forum": FORUM_CLOCK.at(self.epoch).isoformat()}}

    def get(self, target: str, host: str) -> tuple[Page, datetime | None]:
        """The page for ``target`` (path and query) and the clock of its section."""
        parts = urlsplit(target)
        if parts.path == "/robots.txt":
            return Page(ROBOTS, content_type="text/plain"), None
        if parts.path in ("/", "/index.html"):
            return self._home(), None
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        for pattern, clock, handler in self._routes:
            match = pattern.fullmatch(parts.path)
            if match:
                now = self.replay.now() if self.replay else clock.at(self.epoch)
                if handler == self._a_detail and query.get("tid") == A_FLAKY:
                    with self._lock:
                        first = A_FLAKY not in self._failed_once
                        self._failed_once.add(A_FLAKY)
                    if first:  # the first request in the server's life fails, a retry works
                        return Page(document("503", "<h1>服务暂时不可用</h1>"), status=503,
                                    headers={"Retry-After": "1"}), now
                render = partial(handler, now, query, host, *match.groups())
                return self._cached(target, render), now
        return not_found(parts.path), None

    def _cached(self, key: str, render: Callable[[], Page]) -> Page:
        if self.replay:  # pages change with the wall clock
            return render()
        with self._lock:
            page = self._cache.get(key)
        if page is None:
            page = render()
            with self._lock:
                self._cache[key] = page
        return page

    def _home(self) -> Page:
        links = ['<a href="/board-a/threads/list?fid=101&page=1">A市市长信箱</a>',
                 '<a href="/wz/lyb/index.html">问政西地省 · B市网络问政平台</a>',
                 '<a href="/news/xwlb/list_1.shtml">新闻联播</a>',
                 '<a href="/news/xmwb/list_1.shtml">新民晚报</a>',
                 '<a href="/feeds/xmwb.xml">RSS</a>', '<a href="/feeds/xwlb.atom">Atom</a>',
                 '<a href="/zhengce/list_1.html">政策文件</a>']
        links += [f'<a href="/forum/forum-{fid}-1.html">论坛·{esc(name)}</a>'
                  for fid, name in self.data.forum_names.items()]
        body = "<h1>yuqing 演示网站</h1><ul>" + "".join(f"<li>{x}</li>" for x in links) + "</ul>"
        return Page(document("yuqing 演示网站", body))

    def _a_list(self, now, query, _host) -> Page:
        return boards.a_list(self.data.board_a, now, _int(query.get("page"), 1))

    def _a_detail(self, now, query, _host) -> Page:
        tid = query.get("tid", "")
        if tid == "900404":
            return not_found("/board-a/threads/content")
        if tid == "900500":
            return Page(document("500", "<h1>Internal Server Error</h1>"), status=500)
        if tid == "900302":
            return _redirect("/board-a/loop?n=0")
        message = self.data.message("board_a", tid)
        if message is None or message.submitted > now:
            return not_found(f"/board-a/threads/content?tid={tid}")
        page = boards.a_detail(message, now, inject_script=tid == A_SCRIPT,
                               malformed=tid == A_MALFORMED)
        if tid == A_LYING:  # says GBK, is UTF-8
            page.charset, page.encode_as = "gbk", "utf-8"
            page.body = page.body.replace('charset="utf-8"', 'charset="gbk"')
        later = self.replay.breaks_later(now) if self.replay else self.epoch >= 2
        if tid == A_BREAKS_LATER and later:
            page = _truncated(page)
        return page

    def _loop(self, _now, query, _host) -> Page:
        return _redirect(f"/board-a/loop?n={1 - _int(query.get('n'), 0)}")

    def _b_list(self, now, _query, _host, page) -> Page:
        return boards.b_list(self.data.board_b, now, _int(page, 1))

    def _b_detail(self, now, _query, _host, message_id) -> Page:
        fixture = {"999001": {}, "999002": {"missing_title": True},
                   "999003": {"when_text": "2019年13月45日 25:61"}}
        if message_id in fixture:
            base = self.data.board_b[-1]
            message = dataclasses.replace(base, id=message_id)
            page = boards.b_detail(message, now, **fixture[message_id])
            return _truncated(page) if message_id == "999001" else page
        message = self.data.message("board_b", message_id)
        if message is None or message.submitted > now:
            return not_found(message_id)
        page = boards.b_detail(message, now)
        if message_id == B_LYING:  # says UTF-8, is GBK
            page.charset, page.encode_as = "utf-8", "gbk"
        return page

    def _news_list(self, now, _query, _host, channel, page) -> Page:
        return portal.news_list(self.data.articles[channel], channel, now, _int(page, 1))

    def _article(self, now, _query, _host, channel, article_id) -> Page:
        if article_id == "huge" and channel == "xwlb":
            return portal.huge_page()
        article = self.data.article(channel, article_id)
        if article is not None and article.published <= now:
            return portal.news_article(article)
        return not_found(article_id)

    def _policy_list(self, _now, _query, _host, page) -> Page:
        return portal.policy_list(self.data.policies, _int(page, 1))

    def _policy(self, _now, _query, _host, number) -> Page:
        policy = self.data.policy(number)
        return portal.policy_page(policy) if policy is not None else not_found(number)

    def _rss(self, now, _query, host) -> Page:
        shown = [a for a in self.data.articles["xmwb"] if a.published <= now]
        return portal.rss_feed(shown, f"http://{host}")

    def _atom(self, now, _query, host) -> Page:
        return portal.atom_feed(self.data.articles["xwlb"], now, f"http://{host}")

    def _forum_list(self, now, _query, _host, fid, page) -> Page:
        threads = self.data.forum.get(_int(fid, 0))
        if threads is None:
            return not_found(f"forum-{fid}")
        name = self.data.forum_names[_int(fid, 0)]
        return portal.forum_list(threads, _int(fid, 0), name, now, _int(page, 1))

    def _thread(self, now, _query, _host, tid) -> Page:
        thread = self.data.thread(tid)
        if thread is not None and thread.opener.posted <= now:
            return portal.forum_thread(thread, now)
        return not_found(tid)

    def _member(self, _now, _query, _host, uid) -> Page:
        return Page(document("会员资料", f"<h1>会员 {esc(uid)}</h1>"))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _redirect(location: str) -> Page:
    return Page(document("302", "moved"), status=302, headers={"Location": location})


def _truncated(page: Page) -> Page:
    """The first 55% of the page's bytes, as when a connection drops mid-page."""
    payload = page.payload()
    return dataclasses.replace(page, body=payload[: int(len(payload) * 0.55)])


class Handler(BaseHTTPRequestHandler):
    """Serves a :class:`DemoWeb` (set as the server's ``web`` attribute)."""

    protocol_version = "HTTP/1.1"
    server_version = "yuqing-demo/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        """Serve a page."""
        web: DemoWeb = self.server.web  # type: ignore[attr-defined]
        page, clock = web.get(self.path, self.headers.get("Host", "127.0.0.1"))
        self._send(page, clock)

    def do_POST(self) -> None:  # noqa: N802
        """Admin: ``/_admin/epoch?set=N`` moves the clocks; ``/_admin/state`` reports them."""
        web: DemoWeb = self.server.web  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/_admin/epoch" and "set" in query:
            web.set_epoch(_int(query["set"], web.epoch))
        elif parts.path != "/_admin/state":
            self._send(not_found(parts.path), None)
            return
        self._send(Page(json.dumps(web.state()), content_type="application/json"), None)

    def _send(self, page: Page, clock: datetime | None) -> None:
        payload = page.payload()
        self.send_response(page.status)
        content_type = page.content_type
        if page.charset:
            content_type += f"; charset={page.charset}"
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Date", format_datetime((clock or datetime.now(UTC)).astimezone(UTC),
                                                 usegmt=True))
        for name, value in page.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def send_response(self, code: int, message: str | None = None) -> None:
        """Like the base, but the Date header is ours to set (the section's clock)."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", self.version_string())

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        """Quiet: a crawl makes thousands of requests."""


def make_server(web: DemoWeb, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A server for ``web`` bound to ``host:port`` (port 0 picks a free one)."""
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.web = web  # type: ignore[attr-defined]
    return server
