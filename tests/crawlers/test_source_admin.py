"""Issue 16, acceptance 2: a board whose config was written by hand, for a page layout the demo
web does not have, comes in through ``yuqing source add`` + ``yuqing source test`` +
``yuqing crawl``.

The board is served here on 127.0.0.1: a ``<table class="lb">`` list paged with ``?page=2``,
detail pages in GBK (the server claims ISO-8859-1), the message's facts in a ``<th>``/``<td>``
table and the reply in a ``<dl>`` (department and time in the ``<dt>``, text in the ``<dd>``).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from tests.conftest import create_pg_database, drop_pg_database
from tests.crawlers.test_commands import yuqing
from tracker import migrate
from tracker.db import make_engine, session_factory
from tracker.models import CrawlRun, LedgerEntry, MessageCase, Source

# id → (title, author, submitted, body, reply: (department, time, text) or None)
MESSAGES = {
    3006: ("北关路口红绿灯时间太短", "王女士", "2024年3月9日 08:15",
           "北关路口行人绿灯只有十五秒，老人过不去，请延长。", None),
    3005: ("小区门口占道经营", "李先生", "2024年3月8日 19:40",
           "幸福小区东门每晚摊贩占道，车辆无法通行。", ("县城市管理局", "2024/03/11 10:05",
                                                "已安排执法队员夜间巡查，规范经营秩序。")),
    3004: ("乡村公交班次减少", "赵先生", "2024年3月7日 07:30",
           "五里铺到县城的公交由每天六班减为两班，出行困难。", ("县交通运输局", "2024/03/08 16:20",
                                                    "经核实，已恢复为每天五班。")),
    3003: ("学校周边路灯不亮", "孙女士", "2024年3月6日 21:02",
           "实验小学门前三盏路灯已坏一个月。", None),
    3002: ("医保报销进度咨询", "周先生", "2024年3月5日 09:30",
           "二月提交的住院报销材料至今没有结果，请问进度。", ("县医疗保障局", "2024/03/06 11:00",
                                                  "您的报销已于三月六日审核通过，款项五个工作日内到账。")),
    3001: ("老旧小区加装电梯政策", "吴先生", "2024年3月4日 14:45",
           "请问老旧小区加装电梯有没有补贴？", ("县住房和城乡建设局", "2024/03/05 09:10",
                                     "补贴标准见县政府网站通知，每部电梯补贴二十万元。")),
}
PER_PAGE = 3

CONFIG = {
    "start_urls": ["/hd/lb/list.asp"],
    "encoding": "gbk",
    "list": {"entries": "table.lb tr.r", "link": "td.bt a::attr(href)",
             "next": {"xpath": "//div[@class='fy']/a[.='下一页']/@href"}, "max_pages": 10},
    "id_from_url": r"[?&]id=(\d+)",
    "detail": {"complete": "div#dibu"},
    "fields": {
        "title": {"xpath": "//table[@class='xx']//th[.='留言标题']/following-sibling::td"},
        "author": {"xpath": "//table[@class='xx']//th[.='留言人']/following-sibling::td"},
        "published": {"xpath": "//table[@class='xx']//th[.='留言时间']/following-sibling::td"},
        "status": "span.zt",
        "text": "div.nr",
        "reply_department": "dl.hf dt b",
        "replied": {"css": "dl.hf dt", "regex": r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}"},
        "reply_text": "dl.hf dd",
    },
    "date_formats": ["%Y年%m月%d日 %H:%M", "%Y/%m/%d %H:%M"],
    "politeness": {"delay": 0, "autothrottle": False, "retries": 0, "timeout": 10},
}


def list_page(page: int) -> str:
    ids = sorted(MESSAGES, reverse=True)[(page - 1) * PER_PAGE: page * PER_PAGE]
    rows = "".join(
        f'<tr class="r"><td>{i}</td><td class="bt"><a href="view.asp?id={i}">{MESSAGES[i][0]}'
        f"</a></td><td>{'已回复' if MESSAGES[i][4] else '办理中'}</td></tr>" for i in ids)
    more = (f'<a href="list.asp?page={page + 1}">下一页</a>'
            if page * PER_PAGE < len(MESSAGES) else "")
    return (f'<html><body><table class="lb"><tr><th>编号</th><th>标题</th><th>状态</th></tr>'
            f'{rows}</table><div class="fy"><span>第{page}页</span>{more}</div></body></html>')


def detail_page(message_id: int) -> str:
    title, author, when, body, reply = MESSAGES[message_id]
    answer = ""
    if reply:
        answer = (f'<dl class="hf"><dt>回复单位：<b>{reply[0]}</b> 回复时间：{reply[1]}</dt>'
                  f"<dd><p>{reply[2]}</p></dd></dl>")
    return (f'<html><head><meta charset="gbk"></head><body><div id="ly">'
            f'<table class="xx"><tr><th>留言标题</th><td>{title}</td></tr>'
            f"<tr><th>留言人</th><td>{author}</td></tr><tr><th>留言时间</th><td>{when}</td></tr>"
            f'</table><p>状态：<span class="zt">{"已回复" if reply else "办理中"}</span></p>'
            f'<div class="nr">{body}</div>{answer}</div><div id="dibu">某县人民政府</div>'
            f"</body></html>")


class Board(BaseHTTPRequestHandler):
    """The hand-configured board: list pages in UTF-8, detail pages in GBK."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path == "/hd/lb/list.asp":
            self.send(list_page(int(query.get("page", ["1"])[0])).encode(), "utf-8")
        elif parts.path == "/hd/lb/view.asp" and int(query.get("id", ["0"])[0]) in MESSAGES:
            # GBK bytes, while the header says ISO-8859-1: the config's encoding must win.
            self.send(detail_page(int(query["id"][0])).encode("gbk"), "iso-8859-1")
        else:
            self.send_error(404)

    def send(self, body: bytes, charset: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", f"text/html; charset={charset}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def board():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Board)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'hand.db'}" if request.param == "sqlite"
           else create_pg_database("yuqing_sources"))
    engine = make_engine(url)
    migrate.upgrade(engine)
    yield url, engine
    engine.dispose()
    if request.param == "postgresql":
        drop_pg_database(url)


def test_a_hand_written_board_config_is_added_tested_and_crawled(board, database, tmp_path):
    url, engine = database
    env = {"YUQING_DATABASE_URL": url, "YUQING_ENV": "test"}
    config = tmp_path / "board.json"
    config.write_text(json.dumps(CONFIG, ensure_ascii=False), encoding="utf-8")

    added = yuqing(["source", "add", "county_board", "--kind", "board", "--base-url", board,
                    "--config", str(config), "--title", "某县网上留言板", "--interval", "60"],
                   env, tmp_path)
    assert added.returncode == 0, added.stderr

    tested = yuqing(["source", "test", "county_board", "--json"], env, tmp_path, timeout=120)
    assert tested.returncode == 0, tested.stderr
    result = json.loads(tested.stdout)
    assert result["list"]["entries"] == 3
    assert result["list"]["next"] == f"{board}hd/lb/list.asp?page=2"
    assert result["detail"]["url"] == f"{board}hd/lb/view.asp?id=3006"
    assert result["rejected"] is None
    first = result["fields"]
    assert first["title"] == "北关路口红绿灯时间太短" and first["author"] == "王女士"
    assert first["published"] == "2024-03-09T00:15:00+00:00"  # 08:15 in Shanghai
    assert first["text"] == MESSAGES[3006][3] and first["status"] == "办理中"

    replied = yuqing(["source", "test", "county_board", "--detail-url",
                      f"{board}hd/lb/view.asp?id=3004", "--json"], env, tmp_path, timeout=120)
    fields = json.loads(replied.stdout)["fields"]
    assert json.loads(replied.stdout)["list"] is None  # only the page asked for
    assert fields["reply_department"] == "县交通运输局"
    assert fields["reply_text"] == "经核实，已恢复为每天五班。"
    assert fields["replied"] == "2024-03-08T08:20:00+00:00"
    assert fields["status"] == "已回复"

    crawled = yuqing(["crawl", "board", "-a", "source=county_board", "--loglevel", "WARNING"],
                     env, tmp_path, timeout=300)
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    synced = yuqing(["ledger", "sync"], env, tmp_path)
    assert synced.returncode == 0, synced.stderr[-2000:]

    with session_factory(engine)() as session:
        source = session.scalar(select(Source).where(Source.name == "county_board"))
        run = session.scalar(select(CrawlRun).where(CrawlRun.source_id == source.id))
        assert (run.status, run.items_new, run.errors) == ("ok", 6, 0)
        cases = {int(c.external_id): c for c in session.scalars(
            select(MessageCase).where(MessageCase.source_id == source.id))}
        assert set(cases) == set(MESSAGES)
        for message_id, (title, author, _, body, reply) in MESSAGES.items():
            case = cases[message_id]
            assert (case.title, case.author, case.body) == (title, author, body)
            if reply:
                assert case.reply_department == reply[0] and case.reply_text == reply[2]
                assert case.replied_at is not None and case.status != "pending"
            else:
                assert case.reply_text is None and case.status == "pending"
        entries = session.scalar(select(func.count(LedgerEntry.id)).where(
            LedgerEntry.message_case_id.in_([c.id for c in cases.values()])))
        assert entries == len(MESSAGES)


def test_the_command_names_each_bad_key_and_saves_nothing(database, tmp_path):
    url, engine = database
    env = {"YUQING_DATABASE_URL": url, "YUQING_ENV": "test"}
    bad = {**CONFIG, "fields": {"title": "h1[", "author": "td"}, "colour": 1,
           "encoding": "klingon"}
    config = tmp_path / "bad.json"
    config.write_text(json.dumps(bad), encoding="utf-8")
    cases = [
        (["--kind", "board", "--base-url", "ftp://x", "--config", str(config)],
         ["base_url:", "fields.title: bad selector", "fields.text: missing", "colour: unknown",
          "encoding: unknown encoding 'klingon'"]),
        (["--kind", "blog", "--base-url", "http://x/", "--config", str(config)],
         ["Invalid value for '--kind'"]),
    ]
    for args, expected in cases:
        result = yuqing(["source", "add", "broken", *args], env, tmp_path)
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        for text in expected:
            assert text in result.stderr, (text, result.stderr)
    config.write_text("{not json", encoding="utf-8")
    result = yuqing(["source", "add", "broken", "--kind", "board", "--base-url", "http://x/",
                     "--config", str(config)], env, tmp_path)
    assert result.returncode == 1 and "not valid JSON" in result.stderr
    missing = yuqing(["source", "test", "nope", "--json"], env, tmp_path)
    assert missing.returncode == 1 and "no source named 'nope'" in missing.stderr
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count(Source.id))) == 0
