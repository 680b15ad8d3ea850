"""The demo web's content, read from the real datasets in ../shared/data.

This is the one place that knows where the shared datasets are (:data:`DEFAULT_DATA_DIR`);
tests, benchmarks and training scripts import it from here.

Historic mode (the default): every section lives on its own clock, ``base + epoch * step``,
and shows exactly what its data says existed at that time: a message appears once its 留言时间
has passed and is answered once its 答复时间 has passed. Advancing the epoch therefore makes new
messages appear and pending ones get answered, deterministically.

Replay mode (``DemoData(replay=Replay(start))``, what ``yuqing demo`` serves): the same data
re-dated onto the weeks before ``start`` and the hours after it, every section's now being the
wall clock; see :mod:`demo.site.replay`.

Derived, not invented: thread titles are the first words of the post; a reply's 答复部门 is
the first government unit the reply names (absent when it names none). The only generated
numbers are the forum's like counts and the news comment counts (the corpora have none),
drawn from a hash of the item id. One forum thread is a fixture, not data: it carries
hostile markup in its title so the UI can be checked to show it as text.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path

from demo.site.replay import (
    FEED_LEAD,
    NEWS_LEAD,
    SH,
    SPEED,
    Replay,
    board_history,
    hot_messages,
    redate_article,
    redate_thread,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
FJ2 = "tipdm2020c_fj2_sample/fujian2_sample_messages.csv"
FJ3 = "tipdm2020c_fj3_hot/fujian3_messages_likes.csv"
FJ4 = "tipdm2020c_fj4_replies/fujian4_messages_replies_even_ids.csv"
CCTV = ("cctv_xwlb_2026/cctv_xwlb_2026_part01.csv", "cctv_xwlb_2026/cctv_xwlb_2026_part02.csv")
XINMIN = "xinmin_2022/xinmin_2022.csv"
WEIBO_TOPICS = "weibo2018/weibo2018_topics.csv"
POLICIES = "govcn_state_council_2019/documents.jsonl"
# Weibo ids carry their posting time: (mid >> 22) + this offset is the Unix time.
WEIBO_EPOCH_OFFSET = 515483463
_UNIT = re.compile(
    r"((?:[A-Z]\d*[市区县])[\u4e00-\u9fa5]{0,12}?"
    r"(?:局|委员会|办公室|街道办事处|人民政府|管理中心|分局|大队|支队|派出所))")
csv.field_size_limit(50_000_000)


@dataclass(frozen=True)
class Clock:
    """A section's time: ``base + epoch * step``."""

    base: datetime
    step: timedelta

    def at(self, epoch: int) -> datetime:
        """The section's "now" at ``epoch``."""
        return self.base + self.step * epoch


BOARD_CLOCK = Clock(datetime(2019, 12, 20, 9, 0, tzinfo=SH), timedelta(days=7))
NEWS_CLOCK = Clock(datetime(2026, 8, 7, 21, 0, tzinfo=SH), timedelta(days=7))
FORUM_CLOCK = Clock(datetime(2018, 5, 25, 6, 0, tzinfo=SH), timedelta(hours=12))


@dataclass(frozen=True)
class Message:
    """A citizen message on a board, with its official reply if there is one."""

    id: str
    user: str
    title: str
    body: str
    submitted: datetime
    reply: str | None = None
    replied: datetime | None = None
    department: str | None = None
    category: str | None = None
    likes: int | None = None
    dislikes: int | None = None


@dataclass(frozen=True)
class Article:
    """A news item."""

    id: str
    channel: str
    title: str
    body: str
    published: datetime
    source: str
    author: str | None
    section: str | None
    comments: int


@dataclass(frozen=True)
class Post:
    """A forum post: a thread opener or a reply."""

    id: str
    author: str
    text: str
    posted: datetime
    likes: int


@dataclass(frozen=True)
class Thread:
    """A forum thread in one section (fid)."""

    id: str
    fid: int
    title: str
    opener: Post
    replies: tuple[Post, ...] = ()


def stable_number(key: str, modulo: int) -> int:
    """A number in [0, modulo) that depends only on ``key``."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") % modulo


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV (BOM or not)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def parse_data_time(text: str) -> datetime:
    """The datasets' ``2019/4/25 9:32:09`` (or date-only ``2018/4/24``), Beijing time."""
    text = text.strip()
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=SH)
        except ValueError:
            continue
    raise ValueError(f"unexpected time {text!r}")


def reply_unit(reply: str) -> str | None:
    """The first government unit a reply names in its opening, if any."""
    match = _UNIT.search(reply[:300])
    return match.group(1) if match else None


def _message(row: dict[str, str]) -> Message:
    reply = (row.get("答复意见") or "").strip() or None
    likes, dislikes = row.get("点赞数"), row.get("反对数")
    return Message(
        id=row["留言编号"].strip(), user=row["留言用户"].strip(), title=row["留言主题"].strip(),
        body=row["留言详情"], submitted=parse_data_time(row["留言时间"]), reply=reply,
        replied=parse_data_time(row["答复时间"]) if reply else None,
        department=reply_unit(reply) if reply else None,
        category=(row.get("一级分类") or "").strip() or None,
        likes=int(likes) if likes not in (None, "") else None,
        dislikes=int(dislikes) if dislikes not in (None, "") else None,
    )


def newest_first(messages: list[Message]) -> list[Message]:
    """Board order: newest message first, ties by id."""
    return sorted(messages, key=lambda m: (m.submitted, int(m.id)), reverse=True)


def _submitted(message: Message) -> datetime:
    return message.submitted


def _published(article: Article) -> datetime:
    return article.published


def _article_order(article: Article) -> tuple:
    return article.published, article.id


def _posted(thread: Thread) -> datetime:
    return thread.opener.posted


def _weibo_time(mid: str) -> datetime:
    return datetime.fromtimestamp((int(mid) >> 22) + WEIBO_EPOCH_OFFSET, SH)


def _thread_title(text: str) -> str:
    text = re.sub(r"\{%#?|#?%\}", "", text).strip()
    first = re.split(r"[。！？!?\n]", text, maxsplit=1)[0].strip()
    return (first[:28] + "…") if len(first) > 28 else first or text[:28]


HOSTILE_THREAD_ID = "9000000000000001"
HOSTILE_TITLE = '<script>alert("yuqing-xss")</script>毕业季租房押金不退怎么办'
HOSTILE_TEXT = ('求助：房东不退押金。<img src=x onerror=alert(1)> 我已经联系了三次，'
                '他说押金要等"下一个租客"交了才退。')


@dataclass
class DemoData:
    """All demo content, loaded lazily from ``data_dir``: historic, or replayed when
    ``replay`` is given."""

    data_dir: Path = DEFAULT_DATA_DIR
    limit: int | None = None
    showcase: dict[str, tuple[str, ...]] = field(default_factory=dict)
    replay: Replay | None = None

    def _path(self, rel: str) -> Path:
        return self.data_dir / rel

    @cached_property
    def policies(self) -> list[dict]:
        """The 政策文件 column: State Council documents of 2019 with their metadata, newest
        first. Policies are dated documents, not news: they keep their own dates in every mode
        (none when the shared data is absent)."""
        path = self._path(POLICIES)
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        return sorted(rows, key=lambda r: (r.get("publish_date") or "", r["id"]), reverse=True)

    def policy(self, number: str) -> dict | None:
        """One policy by the number in its address (content_<number>.htm)."""
        return next((r for r in self.policies if r["id"].removeprefix("govcn-") == number),
                    None)

    @cached_property
    def _fj4(self) -> list[Message]:
        return [_message(r) for r in read_csv(self._path(FJ4))]

    @cached_property
    def board_a(self) -> list[Message]:
        """The 市长信箱 board: half of the answered messages (ids ≡ 0 mod 4)."""
        messages = [m for m in self._fj4 if int(m.id) % 4 == 0]
        if self.replay:
            history = board_history(messages, self.replay)
            return newest_first(self._limited(history, self.replay.start, "board_a", _submitted))
        return newest_first(self._limited(messages, BOARD_CLOCK.base, "board_a", _submitted))

    @cached_property
    def board_b(self) -> list[Message]:
        """The 问政平台 board: the other answered half, plus 附件2 and 附件3 messages."""
        seen: set[str] = set()
        messages = []
        rows = [m for m in self._fj4 if int(m.id) % 4 == 2]
        rows += [_message(r) for r in read_csv(self._path(FJ2))]
        rows += [_message(r) for r in read_csv(self._path(FJ3))]
        for message in rows:
            if message.id not in seen:  # 附件2 repeats 37042; the first one stands
                seen.add(message.id)
                messages.append(message)
        if self.replay:  # the hot matter always comes, whatever the limit
            history = board_history(messages, self.replay)
            return newest_first(self._limited(history, self.replay.start, "board_b", _submitted)
                                + hot_messages(messages, self.replay))
        return newest_first(self._limited(messages, BOARD_CLOCK.base, "board_b", _submitted))

    def _limited(self, items: list, base: datetime, section: str, when) -> list:
        """All items, or the ``limit`` nearest ``base`` (the section's now) plus the showcase.

        In a replay, time after ``base`` runs :data:`SPEED` times faster: it is measured in
        data time, so that the near future does not crowd out the recent past."""
        if self.limit is None:
            return items
        keep = set(self.showcase.get(section, ()))
        ahead = SPEED if self.replay else 1.0

        def distance(item) -> float:
            seconds = (when(item) - base).total_seconds()
            return seconds * ahead if seconds > 0 else -seconds

        nearest = sorted(items, key=lambda i: (distance(i), str(getattr(i, "id", ""))))
        chosen = {id(i) for i in nearest[: self.limit]}
        return [i for i in items if id(i) in chosen or str(i.id) in keep]

    @cached_property
    def articles(self) -> dict[str, list[Article]]:
        """News by channel (xwlb: 新闻联播, xmwb: 新民晚报), newest first."""
        xwlb = [self._cctv(r) for rel in CCTV for r in read_csv(self._path(rel))]
        xmwb = [self._xinmin(r) for r in read_csv(self._path(XINMIN))]
        if self.replay:
            xwlb, xmwb = self._replayed(xwlb, NEWS_LEAD), self._replayed(xmwb, FEED_LEAD)
            xwlb = self._limited(xwlb, self.replay.start, "xwlb", _published)
        else:
            xwlb = self._limited(xwlb, NEWS_CLOCK.base, "xwlb", _published)
        return {"xwlb": sorted(xwlb, key=_article_order, reverse=True),
                "xmwb": sorted(xmwb, key=_article_order, reverse=True)}

    @staticmethod
    def _cctv(row: dict[str, str]) -> Article:
        day = datetime.strptime(row["program_date"], "%Y-%m-%d").replace(tzinfo=SH)
        return Article(
            id=row["id"], channel="xwlb", title=row["title"].strip(), body=row["body"],
            published=day + timedelta(hours=19), source="央视网《新闻联播》", author=None,
            section=row["column"].strip() or None,
            comments=stable_number(row["id"], 200))

    @staticmethod
    def _xinmin(row: dict[str, str]) -> Article:
        day = datetime.strptime(row["publish_date"], "%Y-%m-%d").replace(tzinfo=SH)
        first_line = row["body"].split("\n", 1)[0]
        author = first_line.strip() if "记者" in first_line and len(first_line) < 30 else None
        return Article(
            id=row["id"], channel="xmwb", title=row["title"].strip(), body=row["body"],
            published=day + timedelta(hours=15), source="新民晚报", author=author,
            section=row["section"].strip() or None, comments=stable_number(row["id"], 80))

    @cached_property
    def forum(self) -> dict[int, list[Thread]]:
        """Forum threads by section id, newest first."""
        by_topic: dict[str, list[dict[str, str]]] = {}
        for row in read_csv(self._path(WEIBO_TOPICS)):
            by_topic.setdefault(row["topic"], []).append(row)
        if self.replay:  # one timeline for the whole forum, from its latest post
            latest = max(_weibo_time(row["mid"].strip()) for rows in by_topic.values()
                         for row in rows)
            timeline = self.replay.feed(latest)
        sections: dict[int, list[Thread]] = {}
        for fid, topic in enumerate(sorted(by_topic), start=1):
            threads = self._threads(fid, by_topic[topic])
            if self.replay:
                threads = [redate_thread(t, timeline) for t in threads]
            if topic == "毕业":
                threads.append(self._hostile_thread(fid))
            base = self.replay.start if self.replay else FORUM_CLOCK.base
            threads = self._limited(threads, base, f"forum{fid}", _posted)
            sections[fid] = sorted(threads, key=lambda t: (t.opener.posted, t.id), reverse=True)
        return sections

    @property
    def forum_names(self) -> dict[int, str]:
        """Section id → topic name."""
        topics = sorted({r["topic"] for r in read_csv(self._path(WEIBO_TOPICS))})
        return dict(enumerate(topics, start=1))

    @staticmethod
    def _post(row: dict[str, str]) -> Post:
        mid = row["mid"].strip()
        return Post(id=mid, author=f"网友{mid[-6:]}", text=row["text"],
                    posted=_weibo_time(mid), likes=stable_number(mid, 500))

    def _threads(self, fid: int, rows: list[dict[str, str]]) -> list[Thread]:
        posts = sorted((self._post(r) for r in rows), key=lambda p: (p.posted, p.id))
        threads, index = [], 0
        while index < len(posts):
            size = 1 + stable_number(posts[index].id, 3)
            opener, replies = posts[index], tuple(posts[index + 1: index + size])
            threads.append(Thread(opener.id, fid, _thread_title(opener.text), opener, replies))
            index += size
        return threads

    def _replayed(self, articles: list[Article], lead: timedelta) -> list[Article]:
        """A channel's items on its replay timeline (from its latest item)."""
        if not articles:
            return articles
        timeline = self.replay.feed(max(a.published for a in articles), lead)
        return [redate_article(a, timeline) for a in articles]

    def _hostile_thread(self, fid: int) -> Thread:
        """The fixture thread, five hours old when the section's now starts."""
        base = self.replay.start if self.replay else FORUM_CLOCK.base
        opener = Post(HOSTILE_THREAD_ID, "网友000001", HOSTILE_TEXT,
                      base - timedelta(hours=5, minutes=12), 7)
        return Thread(HOSTILE_THREAD_ID, fid, HOSTILE_TITLE, opener)

    def add_message(self, board: str, message: Message) -> None:
        """Put a new ``message`` on ``board`` ("board_a" or "board_b"); it shows once its
        submitted time has passed (bench/latency.py posts bursts this way)."""
        if board not in ("board_a", "board_b"):
            raise ValueError(f"no board {board!r}")
        self.__dict__[board] = newest_first([*getattr(self, board), message])
        self.__dict__.get("_message_index", {}).pop(board, None)

    def message(self, board: str, message_id: str) -> Message | None:
        """One message of ``board`` by id."""
        return self._index(board).get(message_id)

    def _index(self, board: str) -> dict[str, Message]:
        cache = self.__dict__.setdefault("_message_index", {})
        if board not in cache:
            cache[board] = {m.id: m for m in getattr(self, board)}
        return cache[board]

    def article(self, channel: str, article_id: str) -> Article | None:
        """One news item of ``channel`` by id."""
        return self._article_index.get((channel, article_id))

    @cached_property
    def _article_index(self) -> dict[tuple[str, str], Article]:
        return {(c, a.id): a for c, items in self.articles.items() for a in items}

    def thread(self, thread_id: str) -> Thread | None:
        """One forum thread by id (any section)."""
        return self._thread_index.get(thread_id)

    @cached_property
    def _thread_index(self) -> dict[str, Thread]:
        index: dict[str, Thread] = {}
        for threads in self.forum.values():
            for thread in threads:
                index.setdefault(thread.id, thread)
        return index
