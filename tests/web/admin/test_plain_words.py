"""Every page a role reaches from the nav speaks Simplified Chinese: no internal codes, ids,
JSON or English in the visible text (issue 16).

The crawl signs in as the admin, the 舆情专员, the leader and a responder, opens each nav
link and the pages those link to (one level, same site), with real rows (ledger entries,
alerts, job runs, deliveries, a source's health), and checks the text a reader sees: tags,
scripts, styles and attribute values are stripped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.web.test_alerts import alerts  # noqa: F401 (fixture)
from tests.web.test_ledger_pages import sign_in, world  # noqa: F401 (fixture)
from tests.web.test_search import index  # noqa: F401 (fixture)
from tracker.models import Delivery, JobRun, Source, SourceHealth, WatchRule, utcnow

#: Latin words a Chinese reader meets every day, or names the product itself.
ALLOWED = {
    "yuqing",  # the brand in the footer
    "excel", "pdf", "html", "url", "csv", "http", "https", "www", "app",
}
#: What is still left (issue 16), each to be worded in Chinese; delete a line once fixed.
LEFT: set[str] = set()
#: What the fixtures typed in (hostile titles, the test's tag, addresses): data, not the UI.
#: (The events factory names its source 测试来源 test_news; its hostile title's "script" also
#: comes out as an extracted keyword.)
USER_DATA = (re.compile(r"<script>[^<]*</script>|<img src=x onerror=alert\(1\)>"
                        r"|javascript:alert\(1\)|[\w.]+@example\.org|测试来源 test_news"
                        r"|(?<=丽发新城 )script"),)
BANNED = ("interval[", "cron[", '{"', "demo_board", "YUQING_")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
SKIP = ("/logout", "/static/", "export", ".xlsx", ".pdf", ".csv", "/download")


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles; the hrefs aside.

    The ``<code>`` of the search help is left out too: the query syntax a user types
    (``region:``, ``source:demo_board_a``, ``kind:board``), each code beside its Chinese name;
    so are the config keys of the source form's help (``data-config-help``), what a
    ``<textarea>`` holds (the value the user typed, e.g. a source's config), and what a person
    typed that is Latin by nature, marked ``data-typed`` (sign-in names on 用户管理, reached
    since that page is the 系统管理 entry of the nav).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._help = False
        self._typed = 0  # depth inside a data-typed span

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "details" and ("data-search-help" in attrs or "data-config-help" in attrs):
            self._help = True
        if tag == "span" and (self._typed or "data-typed" in attrs):
            self._typed += 1
            self._hidden += self._typed == 1
        if tag in ("script", "style", "template", "textarea") or (tag == "code" and self._help):
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "details":
            self._help = False
        if tag == "span" and self._typed:
            self._typed -= 1
            self._hidden -= self._typed == 0
            return
        if (tag in ("script", "style", "template", "textarea")
                or (tag == "code" and self._help)) \
                and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible(html: str) -> tuple[str, list[str]]:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts), parser.links


def problems(text: str, tag: str = "") -> list[str]:
    for pattern in USER_DATA:
        text = pattern.sub(" ", text)
    text = text.replace(tag, " ") if tag else text
    found = [b for b in BANNED if b in text]
    found += sorted({w for w in LATIN_WORD.findall(text)
                     if w.lower() not in ALLOWED and w.lower() not in LEFT})
    return found


def nav_links(html: str) -> list[str]:
    nav = html.split('class="mainnav"', 1)[1].split("</header>", 1)[0]
    return visible("<div " + nav)[1]


def crawl(client, tag: str) -> dict[str, list[str]]:
    """Nav pages and the pages they link to; the problems of each."""
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    queue = list(dict.fromkeys(nav_links(home)))
    seen, found = set(), {}
    depth = {link: 0 for link in queue}
    while queue and len(seen) < 80:
        url = urldefrag(queue.pop(0))[0]
        if url in seen or not url.startswith("/") or any(s in url for s in SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        text, links = visible(response.get_data(as_text=True))
        if bad := problems(text, tag):
            found[url] = bad
        if depth[url] == 0:
            for link in (urldefrag(link)[0] for link in links):  # "#preview" is one page
                path = urlsplit(link).path if link.startswith("/") else ""
                if path and link not in depth:
                    depth[link] = 1
                    queue.append(link)
    assert len(seen) > 5, seen
    return found


@pytest.fixture
def rows(session, world, alerts):  # noqa: F811 (the ledger's and the alerts' fixtures)
    """A job run with a summary, a delivery, a source's health: the pages' real rows."""
    now = utcnow()
    session.add(JobRun(job_id="analyze", started_at=now, finished_at=now, status="ok",
                       summary={"seconds": 1.2, "result": {"analyzed": 3, "alerts": 1},
                                "announced": 1, "ledger": 0, "index": {"indexed": 3}}))
    source = Source(name="demo_board_z", title="某区网上留言板", kind="board",
                    base_url="http://127.0.0.1:1/", config={})
    session.add(source)
    session.flush()
    session.add(SourceHealth(source_id=source.id, state="quiet", reason="最近 3 次抓取均无任何内容",
                             items_last_day=0, error_rate=0.0))
    session.add(Delivery(event_key="t:plain", channel="email", endpoint="email",
                         recipient="ops@example.org", subject="【较大】测试预警", body="…",
                         status="sent", attempts=1))
    # English error text as the transports and jobs store it; a rule with source and kind
    session.add(Delivery(event_key="t:plain-failed", channel="dingtalk", endpoint="webhook:0",
                         recipient="群机器人", subject="【较大】测试预警", body="…",
                         status="failed", attempts=3,
                         last_error="cannot reach WebhookSpec(dingtalk, https://127.0.0.1:9/x): "
                                    "[Errno 111] Connection refused"))
    session.add(JobRun(job_id="analyze", started_at=now, finished_at=now, status="error",
                       error="ValueError: something unexpected happened"))
    session.add(WatchRule(name="留言板噪音", all_words=["噪音"], sources=["demo_board_z"],
                          kinds=["board"], enabled=False))
    session.commit()
    return world


@pytest.mark.parametrize("role", ["admin", "opinion_staff", "leader", "responder"])
def test_pages_speak_chinese(client, auth, demo_users, rows, index, role):  # noqa: F811
    sign_in(auth, demo_users, role)
    found = crawl(client, rows["tag"])
    assert not found, "\n".join(f"{u}: {w}" for u, ws in found.items() for w in ws)
