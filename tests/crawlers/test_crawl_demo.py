"""Crawl the running demo web over real HTTP into SQLite and PostgreSQL, then check the data.

One demo web and one database per backend for the module: the first crawl at epoch 0 is
checked field by field; the last test crawls again, moves the web's clock and crawls again.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from demo.site.data import BOARD_CLOCK, FORUM_CLOCK, SH, DemoData, read_csv
from demo.site.portal import forum_when
from demo.site.server import SHOWCASE
from tests.conftest import SHARED_DATA
from tests.crawlers.conftest import (
    SITE_LIMIT,
    crawl,
    crawl_all,
    drop_crawl_db,
    make_crawl_db,
    start_site,
    stop_site,
)
from tracker.collection.ingest import mention_uid
from tracker.collection.textclean import normalize_text
from tracker.models import AuditEvent, CrawlRun, Mention, MessageCase, Policy, Source
from tracker.qa import search_policies
from tracker.settings import load_settings

UTC = ZoneInfo("UTC")


def at(text: str) -> datetime:
    """A Beijing time written ``2019-11-25 11:46[:01]``, as aware UTC."""
    fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(text, fmt).replace(tzinfo=SH).astimezone(UTC)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def crawled(request, tmp_path_factory):
    """A demo web and a database crawled once, from every demo source, at epoch 0."""
    site = start_site()
    db = make_crawl_db(request.param, tmp_path_factory.mktemp("crawl"), site.url)
    try:
        crawl_all(db)
        yield site, db
    finally:
        stop_site(site)
        drop_crawl_db(db)


def case(session, source: str, external_id: str) -> MessageCase:
    """The stored case of ``source`` with ``external_id``."""
    return session.scalar(select(MessageCase).join(Source).where(
        Source.name == source, MessageCase.external_id == external_id))


def mention(session, source: str, external_id: str) -> Mention:
    """The stored mention of ``source`` with ``external_id``."""
    source_id = session.scalar(select(Source.id).where(Source.name == source))
    return session.scalar(select(Mention).where(
        Mention.uid == mention_uid(source_id, external_id)))


def dataset_row(rel: str, message_id: str) -> dict[str, str]:
    """A row of a TipDM file by 留言编号."""
    return next(r for r in read_csv(SHARED_DATA / rel) if r["留言编号"] == message_id)


FJ4 = "tipdm2020c_fj4_replies/fujian4_messages_replies_even_ids.csv"


def test_board_a_message_has_its_exact_fields(crawled):
    site, db = crawled
    with db.session() as session:
        stored = case(session, "demo_board_a", "144720")
        row = dataset_row(FJ4, "144720")
        assert stored.title == "投诉M5市龙塘镇洞花村花山岭非法开采相关问题"
        assert stored.author == "UU0081493"
        assert stored.url == f"{site.url}/board-a/threads/content?tid=144720"
        assert stored.submitted_at == at("2019-11-25 11:46")  # page shows 2019-11-25 11:46
        assert stored.body == normalize_text(row["留言详情"])
        assert stored.status == "replied"
        assert stored.reply_text == normalize_text(row["答复意见"])
        assert stored.reply_department == "M5市信访局"
        assert stored.replied_at == at("2019-11-27 09:13")  # 回复时间：2019-11-27 09:13
        linked = mention(session, "demo_board_a", "144720")
        assert linked.message_case_id == stored.id and linked.kind == "board"
        assert linked.title == stored.title and linked.text == stored.body
        assert linked.indexed_at is None  # waiting in the outbox for the search index


def test_gbk_board_message_has_its_exact_fields(crawled):
    _site, db = crawled
    with db.session() as session:
        stored = case(session, "demo_board_b", "2554")
        row = dataset_row(FJ4, "2554")
        assert stored.title == "A3区潇楚南路洋湖段怎么还没修好？"
        assert stored.author == "A00023583"
        assert stored.submitted_at == at("2019-04-24 16:03")  # 2019年4月24日 16:03
        assert stored.body == normalize_text(row["留言详情"])
        assert stored.body.startswith("潇楚南路从2018年开始修，到现在都快一年了")
        assert stored.reply_text == normalize_text(row["答复意见"])
        assert stored.replied_at == at("2019-05-09 09:49:10")  # 2019/5/9 9:49:10
        assert stored.reply_department is None  # the page names no unit
        likes = case(session, "demo_board_b", "208636")
        assert (likes.likes, likes.dislikes, likes.status) == (2097, 0, "pending")
        assert case(session, "demo_board_b", "3742").category == "城乡建设"


def test_relative_times_on_the_gbk_board_count_from_the_page_clock(crawled):
    _site, db = crawled
    now = BOARD_CLOCK.at(0)
    with db.session() as session:
        # 昨天 19:53 on a page dated 2019-12-20 09:00
        assert case(session, "demo_board_b", "208844").submitted_at == at("2019-12-19 19:53")
        # 7小时前 (posted 01:10:42): the page only says seven hours
        assert case(session, "demo_board_b", "205478").submitted_at == (
            now - timedelta(hours=7)).astimezone(UTC)


def test_pages_with_lying_encodings_malformed_markup_or_a_transient_503(crawled):
    _site, db = crawled
    with db.session() as session:
        gbk_said_utf8 = case(session, "demo_board_b", "79794")
        assert gbk_said_utf8.title == "反映F6县教育系统的问题"
        assert "\ufffd" not in gbk_said_utf8.body
        utf8_said_gbk = case(session, "demo_board_a", "103744")
        assert utf8_said_gbk.title == "咨询K市异地车辆转籍问题"
        assert utf8_said_gbk.reply_department == "K市公安局"
        malformed = case(session, "demo_board_a", "87916")
        assert malformed.title == "反映J3县煲仔当道饭店噪音和油烟扰民问题"
        assert malformed.reply_department == "J3县城市管理和综合执法局"
        assert malformed.body == normalize_text(dataset_row(FJ4, "87916")["留言详情"])
        flaky = case(session, "demo_board_a", "144736")  # 503 first, fine on the retry
        assert flaky is not None and flaky.status == "replied"


def test_scripts_are_dropped_and_typed_markup_is_kept_as_text(crawled):
    _site, db = crawled
    with db.session() as session:
        injected = case(session, "demo_board_a", "40904")
        assert "document.write" not in injected.body and "广告" not in injected.body
        assert injected.body == normalize_text(dataset_row(FJ4, "40904")["留言详情"])
        hostile = mention(session, "demo_forum", "9000000000000001")
        assert hostile.title == '<script>alert("yuqing-xss")</script>毕业季租房押金不退怎么办'
        assert "<img src=x onerror=alert(1)>" in hostile.text


def test_news_feed_and_forum_date_forms(crawled):
    _site, db = crawled
    with db.session() as session:
        article = mention(session, "demo_news", "xmwb-05")
        assert article.title == "“揽事民警”跨江配药"
        assert article.author == "首席记者 潘高峰"
        assert article.published_at == at("2022-04-01 00:00")  # 2022-04-01, a date only
        assert article.extra["category"] == "上海新闻" and article.comments >= 0
        rss = mention(session, "demo_rss_xmwb", "xmwb-05")  # pubDate, RFC 822
        assert rss.published_at == at("2022-04-01 15:00") and rss.title == article.title
        atom = session.scalar(select(Mention).join(Source).where(
            Source.name == "demo_atom_xwlb").order_by(Mention.published_at.desc()).limit(1))
        assert atom.published_at == at("2026-08-07 19:00")  # 2026-08-07T19:00:00+08:00
        forms = check_forum_times(session)
    assert {"小时前", "昨天", "前天", "月-日"} <= forms


def check_forum_times(session) -> set[str]:
    """Each forum thread's stored time is what its page showed, read against its clock."""
    now = FORUM_CLOCK.at(0)
    data = DemoData(SHARED_DATA, SITE_LIMIT, SHOWCASE)
    forms = set()
    for threads in data.forum.values():
        for thread in (t for t in threads if t.opener.posted <= now):
            shown = forum_when(thread.opener.posted, now)
            stored = mention(session, "demo_forum", thread.id).published_at
            if match := re.fullmatch(r"(\d+)小时前", shown):
                forms.add("小时前")
                expected = now - timedelta(hours=int(match[1]))
            elif match := re.fullmatch(r"(昨天|前天) (\d\d):(\d\d)", shown):
                forms.add(match[1])
                day = (now - timedelta(days=1 if match[1] == "昨天" else 2)).date()
                expected = datetime(day.year, day.month, day.day, int(match[2]), int(match[3]),
                                    tzinfo=SH)
            elif match := re.fullmatch(r"(\d\d)-(\d\d) (\d\d):(\d\d)", shown):
                forms.add("月-日")
                expected = datetime(2018, *map(int, match.groups()), tzinfo=SH)
            else:
                continue
            assert stored == expected.astimezone(UTC), (thread.id, shown)
    return forms


def policy_runs(session) -> list[CrawlRun]:
    """The crawl runs of the 政策文件 column, oldest first."""
    return session.scalars(select(CrawlRun).join(Source).where(Source.name == "demo_policy")
                           .order_by(CrawlRun.id)).all()


def test_a_policy_column_fills_the_policy_library_not_the_mentions(crawled):
    site, db = crawled
    path = SHARED_DATA / "govcn_state_council_2019" / "documents.jsonl"
    rows = {r["id"].removeprefix("govcn-"): r for r in map(json.loads, path.open())}
    with db.session() as session:
        stored = {p.import_id: p for p in session.scalars(select(Policy))}
        assert set(stored) == {f"demo_policy/{n}" for n in rows}  # every document, once
        policy = stored["demo_policy/5365945"]
        assert policy.title == "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见"
        assert (policy.number, policy.issuer) == ("国发〔2019〕5号", "国务院")
        assert policy.topic == "市场监管、安全生产监管\\工商"
        assert (policy.written_on, policy.published_on) == (date(2019, 1, 27), date(2019, 2, 15))
        assert policy.url == f"{site.url}/zhengce/content/2019-02/15/content_5365945.htm"
        assert normalize_text(policy.text) == normalize_text(rows["5365945"]["content"])
        source_id = session.scalar(select(Source.id).where(Source.name == "demo_policy"))
        assert not session.scalar(select(func.count()).select_from(Mention)
                                  .where(Mention.source_id == source_id))
        [run] = policy_runs(session)
        assert (run.status, run.items_new, run.errors) == ("ok", len(rows), 0)
        # The crawl wrote the question-search index too: a colloquial question finds it.
        settings = load_settings({"YUQING_DATABASE_URL": db.url,
                                  "YUQING_DATA_DIR": str(db.logs.parent / "data")})
        hits = search_policies(session, settings, "双随机一公开的联合监管怎么推行？")
        assert hits[0].id == "demo_policy/5365945"
    crawl(db, "demo_policy")  # the column again, unchanged: nothing written, nothing doubled
    with db.session() as session:
        again = policy_runs(session)[-1]
        assert (again.items_new, again.items_updated, again.items_unchanged) == (0, 0, len(rows))
        assert session.scalar(select(func.count()).select_from(Policy)) == len(rows)


def test_broken_pages_are_counted_per_source_and_the_crawl_goes_on(crawled):
    _site, db = crawled
    with db.session() as session:
        runs = {name: run for name, run in session.execute(  # each source's first crawl
            select(Source.name, CrawlRun).join(CrawlRun, CrawlRun.source_id == Source.id)
            .order_by(CrawlRun.id.desc()))}
    board_a, board_b, news = runs["demo_board_a"], runs["demo_board_b"], runs["demo_news"]
    assert {s["kind"] for s in board_a.error_samples} == {"http_404", "http_500",
                                                          "redirect_loop"}
    assert board_a.errors == 3 and board_a.http_status["404"] == 1
    assert board_a.http_status["500"] == 3  # first try and two retries
    assert {s["kind"] for s in board_b.error_samples} == {"truncated", "rejected"}
    reasons = " ".join(s["reason"] for s in board_b.error_samples)
    assert "missing title" in reasons and "2019年13月45日" in reasons
    assert [s["kind"] for s in news.error_samples] == ["too_large"]
    for name, run in runs.items():
        assert run.status == "ok", name
        assert run.finished_at is not None and run.items_new > 0, name
    assert runs["demo_forum"].errors == 0 and runs["demo_rss_xmwb"].errors == 0


def counts(db) -> dict[str, int]:
    """Rows of every collection table."""
    with db.session() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Mention, MessageCase, AuditEvent, Policy)}


def test_recrawl_adds_nothing_then_replies_are_recorded_and_broken_pages_lose_nothing(crawled):
    site, db = crawled
    before = counts(db)
    crawl_all(db)
    assert counts(db) == before
    with db.session() as session:
        second = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(6)).all()
        assert all(r.items_new == 0 and r.items_updated == 0 for r in second)
        pending_a = case(session, "demo_board_a", "40892")
        pending_b = case(session, "demo_board_b", "87862")
        assert pending_a.status == pending_b.status == "pending"

    site.set_epoch(1)  # a week later: new messages, and these two are answered
    crawl_all(db, ["demo_board_a", "demo_board_b"])
    with db.session() as session:
        answered_a = case(session, "demo_board_a", "40892")
        assert answered_a.status == "replied"
        assert answered_a.replied_at == at("2019-12-23 10:44")
        assert answered_a.reply_text == normalize_text(dataset_row(FJ4, "40892")["答复意见"])
        answered_b = case(session, "demo_board_b", "87862")
        assert answered_b.replied_at == at("2019-12-23 16:43:05")
        history = session.scalars(select(AuditEvent).where(
            AuditEvent.entity_type == "message_case",
            AuditEvent.entity_id == str(answered_a.id))).all()
        assert {e.field for e in history} >= {"reply_text", "replied_at", "status"}
        assert {e.action for e in history} == {"reply_recorded"}
        status = next(e for e in history if e.field == "status")
        assert (status.old_value, status.new_value) == ("pending", "replied")
        assert mention(session, "demo_board_a", "40892").indexed_at is None
    assert counts(db)["message_cases"] > before["message_cases"]  # new messages appeared

    site.set_epoch(2)  # 41496 is still pending, and its page now arrives cut off
    with db.session() as session:
        kept = case(session, "demo_board_a", "41496")
        kept_values = (kept.title, kept.body, kept.status, kept.updated_at)
    crawl_all(db, ["demo_board_a"])
    with db.session() as session:
        again = case(session, "demo_board_a", "41496")
        assert (again.title, again.body, again.status, again.updated_at) == kept_values
        run = session.scalar(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1))
        assert any(s["kind"] == "truncated" and "41496" in s["url"] for s in run.error_samples)
