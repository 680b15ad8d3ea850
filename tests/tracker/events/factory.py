"""Sources and mentions for the analysis, alert and triage tests (stored through ingest)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from analysis.clustering import ClusterConfig
from tracker.collection.ingest import BOARD, CollectedItem, Ingestor
from tracker.models import Mention, Source

_ids = itertools.count(1)
_epochs = itertools.count(1)
T0 = datetime(2026, 5, 6, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, outside quiet hours

# One concrete matter (a place and a problem) told in different words, and unrelated ones.
MATTER = [
    "A2区丽发新城小区旁边的搅拌站噪音扰民，晚上施工灰尘大，居民无法休息",
    "丽发新城附近搅拌站日夜施工，噪音和粉尘污染严重，请相关部门查处",
    "投诉A2区丽发新城搅拌站违规夜间作业，噪音扰民问题一直得不到解决",
    "丽发新城小区业主再次反映搅拌站噪音大、灰尘多，严重影响孩子学习",
    "A2区丽发新城周边搅拌站扬尘噪音污染，希望环保部门尽快处理",
    "丽发新城居民：搅拌站夜间噪音扰民，灰尘满天飞，投诉多次无果",
]
OTHERS = [
    "A7县春华镇金鼎村水泥路和自来水到户政策咨询",
    "建议开通A市火车站到洋湖湿地公园的直达公交线路",
    "A市经济学院体育学院强制学生到指定公司实习，收取费用",
    "咨询A6区道路命名规划初步成果何时转为正式成果",
]

# Formal letters against a planned power line: polite in tone (the sentiment model scores
# them positive), yet the first three say in their title that they are complaints.
POLITE = [
    ("关于月亮岛路沿线架设110kv高压线的投诉",
     "尊敬的胡书记：您好！我们是润和又一城的业主，月亮岛路沿线拟架设110kv高压线，距离小区"
     "和学校很近，恳请规划部门改为入地埋设，谢谢！"),
    ("反映月亮岛路110kv高压线的问题",
     "胡市长您好，月亮岛路两旁小区较多，都是高楼，建议高压线采用地埋方式铺设，希望政府采纳"
     "我们的意见，感谢！"),
    ("反对月亮岛路架设110kv高压线，要求重新环评",
     "尊敬的领导：月亮岛路110kv高压线的环评报告是四年前的，周边已有数万居民，希望重新组织"
     "环境评估，感谢您在百忙之中阅读！"),
    ("月亮岛路110kv高压线的规划依据",
     "您好！月亮岛路架设高压线一事，希望相关部门公开规划依据，听取沿线居民的意见，谢谢领导！"),
]


def fresh_epoch() -> datetime:
    """A start time far (over a clustering window) from every other test's.

    On SQLite a test that commits (every web request does) leaves its rows behind: pysqlite
    starts no transaction before the first savepoint, so releasing it commits. Tests that
    commit therefore work in their own stretch of time, where no earlier event is active.
    """
    return T0 + (ClusterConfig().window * 2 + timedelta(days=10)) * next(_epochs)


def source(session: Session, name: str = "test_news", kind: str = "news",
           weight: float = 1.0) -> Source:
    """A source (created once per name)."""
    found = session.query(Source).filter_by(name=name).one_or_none()
    if found is not None:
        return found
    row = Source(name=name, title=f"测试来源 {name}", kind=kind,
                 base_url=f"http://127.0.0.1/{name}", weight=weight)
    session.add(row)
    session.flush()
    return row


def mention(session: Session, text: str, at: datetime = T0, *, title: str | None = None,
            likes: int = 0, kind: str = "news", src: Source | None = None) -> Mention:
    """Store one mention (a board message becomes a message case too) and return it."""
    src = src or source(session, "test_board" if kind == BOARD else "test_news", kind)
    number = next(_ids)
    item = CollectedItem(kind=kind, external_id=f"t{number}", title=title or text[:24],
                         text=text, url=f"http://127.0.0.1/{src.name}/{number}",
                         published_at=at, likes=likes, category=None)
    Ingestor(session, src, via="test").ingest(item)
    session.flush()
    return session.query(Mention).filter_by(url=item.url).one()


def mixed_event(session: Session, start: datetime) -> list[Mention]:
    """Mentions of one matter in mixed sentiment: board messages that declare a complaint
    in a polite (positively scored) tone, one that does not, and angry posts; analysed and
    committed. Returns the mentions (the caller finds their event and alert)."""
    from tracker.events.analyze import run_analysis  # the factory stays import-light

    rows = [mention(session, text, start + timedelta(minutes=i), title=title, kind=BOARD,
                    likes=300) for i, (title, text) in enumerate(POLITE)]
    angry = "月亮岛路110kv高压线离小区太近，辐射吓人，坚决反对架设"
    rows += [mention(session, f"{angry}（第{n}位业主）", start + timedelta(minutes=10 + n))
             for n in range(3)]
    run_analysis(session, now=start + timedelta(hours=1))
    session.commit()
    return rows
