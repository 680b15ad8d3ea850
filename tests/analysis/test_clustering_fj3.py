"""The hottest events of the 附件3 messages are the matters a human reader would name.

How the hand-identified matters below were found: by reading the 4,326 messages sorted by
likes (点赞数) and by grepping the titles for recurring places and problems (counting messages
and distinct 留言用户 per place and problem). A matter is listed when many different people
wrote about it or when thousands liked it; each is one place (or one named case) and one
problem. Its messages are picked by a pattern on title and text, and `key` is one message
that surely belongs to it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import pytest

from analysis import appeal, hotness, sentiment
from analysis.clustering import EventClusterer
from analysis.types import Item

from .conftest import read_rows


@dataclass(frozen=True)
class Matter:
    """A hand-identified hot matter."""

    name: str
    key: str
    pattern: str
    title_only: bool = False

    def matches(self, item: Item) -> bool:
        """Whether a message is about this matter."""
        where = item.title if self.title_only else f"{item.title} {item.text}"
        return re.search(self.pattern, where, re.S) is not None


MATTERS = (
    # 15 messages by 11 people, 2,385 likes: the 58车贷 P2P fraud case and its slow investigation.
    Matter("58车贷 集资诈骗案", "220711", r"58车[贷货]|展星投资"),
    # 56 messages by 51 people, Nov 2019-Jan 2020: a concrete mixing plant next to 丽发新城.
    Matter("丽发新城旁搅拌站噪音粉尘", "189950", r"丽发.*搅拌|搅拌.*丽发"),
    # 57 messages by 52 people, Jul-Sep 2019: 伊景园滨河苑 sold flats only with a parking space.
    Matter("伊景园滨河苑捆绑销售车位", "283879", r"伊景园|滨河[苑院]|广铁.*车位|广铁职工"),
    # One message with 2,097 likes, the most liked of all: group renting, gas cylinders and
    # security in the 五矿万境K9县 estate (other K9县 messages are about other problems).
    Matter("五矿万境K9县一系列问题", "208636", r"五矿万境K9县存在一系列问题", title_only=True),
    # One message with 1,762 likes: 金毛湾 owners' children not given their promised schools.
    Matter("金毛湾配套入学", "223297", r"金毛湾"),
    # 6 messages, 691 likes, Aug-Sep 2019: the planned high-speed railway 30 m from 绿地海外滩.
    Matter("绿地海外滩距长赣高铁太近", "263672", r"海外滩.*(高铁|噪音)|高铁.*海外滩",
           title_only=True),
    # 20 messages (10 repeated) by about 10 people, Jul-Sep 2019: restaurants and night stalls
    # under 魅力之城小区 (劳动东路) with cooking fumes and noise.
    Matter("魅力之城小区临街门面油烟噪音", "195095",
           r"魅力之城.*(油烟|噪音|夜宵|烧烤|排烟|门面|商铺|门店)"),
    # 9 messages, about 200 likes, Mar-Apr 2019: a 110 kV line along 月亮岛路.
    Matter("月亮岛路架设110kV高压线", "262052", r"月亮岛.*高压|高压.*月亮岛"),
    # One message with 242 likes: the 富绿 property manager cutting 丽发新城 owners' water.
    Matter("富绿物业丽发新城断水", "193091", r"富绿物业.*断.*水", title_only=True),
)


def _time(value: str) -> datetime:
    return datetime.strptime(value.strip(), "%Y/%m/%d %H:%M:%S")


@pytest.fixture(scope="module")
def fj3(data_dir):
    """(items, clusterer) after feeding all 附件3 messages in time order."""
    rows = read_rows(data_dir / "tipdm2020c_fj3_hot" / "fujian3_messages_likes.csv")
    items = sorted((Item(id=r["留言编号"], title=r["留言主题"].strip(),
                         text=r["留言详情"].strip(), published_at=_time(r["留言时间"]),
                         likes=int(r["点赞数"] or 0), author=r["留言用户"]) for r in rows),
                   key=lambda i: (i.published_at, i.id))
    clusterer = EventClusterer()
    for item in items:
        clusterer.add(item)
    return items, clusterer


def _top_events(items, clusterer, n=10):
    scores = dict(zip((i.id for i in items),
                      sentiment.score_many([f"{i.title} {i.text}" for i in items]), strict=True))
    appeals = {i.id: appeal.appeal_of(i.title) for i in items}  # all are board messages
    return [event.id for _, event in hotness.rank_clustered(clusterer.events.values(), scores, n,
                                                            appeals=appeals)]


@pytest.mark.parametrize("matter", MATTERS, ids=lambda m: m.name)
def test_each_matter_is_one_event(fj3, matter):
    items, clusterer = fj3
    event = clusterer.event_of(matter.key)
    about = {i.id for i in items if matter.matches(i)}
    members = set(event.members)
    assert len(about & members) >= 0.8 * len(about), "matter split over several events"
    assert len(about & members) >= 0.8 * len(members), "event mixes other matters in"


def test_top_ten_are_the_hand_identified_matters(fj3):
    items, clusterer = fj3
    top = _top_events(items, clusterer)
    found = [m.name for m in MATTERS if clusterer.event_of(m.key).id in top]
    assert len(found) == len(MATTERS), f"only {found} in the top 10"
    matter_events = {clusterer.event_of(m.key).id for m in MATTERS}
    assert set(top[:3]) <= matter_events
    assert len({clusterer.event_of(m.key).id for m in MATTERS}) == len(MATTERS)
    sizes = Counter(len(clusterer.events[e].members) for e in top)
    assert sum(sizes.values()) == 10


def test_alike_messages_about_other_districts_stay_apart(fj3):
    """Parking spaces sold by developers, in the same words: 星沙圣力华苑 (A7县) is one matter,
    中建梅溪湖中心 (A3区) and 涉外景园 (B4区) are others, and two lines of the metro are two."""
    _items, clusterer = fj3
    event = clusterer.event_of("253492")  # 请问A7县星沙圣力华苑出售地下车位是否合法？
    assert clusterer.event_of("264693") is event  # the same writer asking again
    assert clusterer.event_of("274127") is not event  # A3区中建梅溪湖中心…车位出售
    assert clusterer.event_of("228317") is not event  # B4区涉外景园的人防车位可以购买吗？
    assert clusterer.event_of("251051") is clusterer.event_of("228317")
