"""Polite by default, configurable per source, and nothing that accepts commands is on."""

from __future__ import annotations

import ast
import asyncio
import os
import re
import subprocess
import sys

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.http import Request
from scrapy.settings import Settings

import crawlers.settings as project_settings
from crawlers.middlewares import RetryBackoffMiddleware
from crawlers.spiders.board import BoardSpider
from tests.crawlers.conftest import crawl, drop_crawl_db, make_crawl_db
from tracker.collection.crawlruns import CrawlPlan
from tracker.db import session_scope
from tracker.models import Source


def crawler_for(politeness: dict | None) -> Crawler:
    """A crawler whose board spider was built for a source with ``politeness``."""
    config = {"start_urls": [], "fields": {}} | ({"politeness": politeness} if politeness
                                                else {})
    plan = CrawlPlan(1, "s", "board", "http://example.org", config, frozenset(), ())
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    crawler = Crawler(BoardSpider, settings)
    BoardSpider.from_crawler(crawler, source="s", plan=plan)
    return crawler


def test_defaults_are_polite_and_command_servers_are_off():
    settings = crawler_for(None).settings
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.getint("RETRY_TIMES") == 2 and settings.getint("DOWNLOAD_TIMEOUT") == 30
    assert settings.getint("DOWNLOAD_MAXSIZE") == 4 * 1024 * 1024
    assert "yuqing" in settings.get("USER_AGENT")
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")  # on by default in Scrapy 2.19


def test_a_source_can_relax_or_tighten_politeness():
    settings = crawler_for({"delay": 0, "autothrottle": False, "concurrency": 16,
                            "max_bytes": 1024, "robots": True}).settings
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert not settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 16
    assert settings.getint("CONCURRENT_REQUESTS") == 16
    assert settings.getint("DOWNLOAD_MAXSIZE") == 1024
    with pytest.raises(UsageError, match="unknown politeness setting 'speed'"):
        crawler_for({"speed": "max"})


def test_a_source_of_another_kind_is_refused():
    plan = CrawlPlan(1, "news", "news", "", {}, frozenset(), ())
    with pytest.raises(UsageError, match="is a news source"):
        BoardSpider.from_crawler(Crawler(BoardSpider, Settings()), source="news", plan=plan)


def test_retries_back_off_exponentially(monkeypatch):
    middleware = RetryBackoffMiddleware(base=0.5, cap=3.0)
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    for retry_times in (0, 1, 2, 3, 6):
        request = Request("http://example.org", meta={"retry_times": retry_times})
        asyncio.run(middleware.process_request(request))
    assert slept == [0.5, 1.0, 2.0, 3.0]  # no wait before the first try; capped at 3 s


def test_robots_txt_is_obeyed_and_no_command_server_starts(demo_site, tmp_path):
    db = make_crawl_db("sqlite", tmp_path, demo_site.url)
    try:
        with session_scope(db.session) as session:
            session.add(Source(name="probe", title="probe", kind="news", base_url=demo_site.url,
                               config={"start_urls": ["/forum/member/1", "/news/xmwb/list_1"
                                                      ".shtml"],
                                       "list": {"entries": "li.none", "link": "a::attr(href)"},
                                       "fields": {}, "politeness": {"delay": 0}}))
        output = crawl(db, "probe", kind="news").stderr
    finally:
        drop_crawl_db(db)
    assert "'robotstxt/forbidden': 1" in output
    assert re.search(r"'downloader/response_status_count/200': 2", output)  # robots + list
    extensions = output.split("Enabled extensions:")[1].split("]")[0]
    assert "RemoteControl" not in extensions and "Telnet" not in extensions
    assert "Telnet console listening" not in output


LISTENING_PROBE = '''
import os, scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

def listening_sockets():
    """Inodes of this process's TCP sockets in LISTEN state (Linux /proc)."""
    mine = {os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
            if os.path.exists(f"/proc/self/fd/{fd}")}
    found = []
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        for line in open(table).readlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and f"socket:[{fields[9]}]" in mine:
                found.append(fields[1])
    return found

class Probe(scrapy.Spider):
    name = "probe"
    async def start(self):
        yield scrapy.Request(URL)
    def parse(self, response):
        print("LISTENING", listening_sockets(), flush=True)

settings = get_project_settings() if PROJECT else {}
if PROJECT:
    settings.set("ITEM_PIPELINES", {})
process = CrawlerProcess(settings)
process.crawl(Probe)
process.start()
'''


@pytest.mark.parametrize("project", [True, False])
def test_no_port_listens_during_a_crawl_with_our_settings(demo_site, project):
    code = f"URL = {demo_site.url + '/robots.txt'!r}\nPROJECT = {project}\n" + LISTENING_PROBE
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, env=os.environ | {
                                "SCRAPY_SETTINGS_MODULE": "crawlers.settings"})
    listening = re.search(r"LISTENING (\[.*\])", result.stdout)
    assert listening, result.stderr[-2000:]
    if project:
        assert listening.group(1) == "[]"
    else:  # Scrapy 2.19's defaults: telnet console and remote-control HTTP server
        assert len(ast.literal_eval(listening.group(1))) == 2
