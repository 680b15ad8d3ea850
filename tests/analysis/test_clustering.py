"""Incremental event clustering on small hand-made items."""

import json
from datetime import datetime, timedelta

from analysis.clustering import ClusterConfig, EventClusterer, codes_of, item_vector
from analysis.types import Item

T0 = datetime(2019, 11, 13, 9, 0)

STATION = [
    ("投诉A2区丽发新城附近建搅拌站噪音扰民",
     "我是A2区丽发新城小区的业主，小区旁边新建了一个搅拌站，日夜施工，噪音和粉尘严重扰民。"),
    ("丽发新城小区附近的搅拌站噪音严重扰民",
     "暮云街道丽发新城小区旁的搅拌站晚上也在生产，噪音很大，灰尘满天飞，请求取缔。"),
    ("A市丽发新城小区侧面建设混凝土搅拌站，粉尘和噪音污染严重",
     "丽发新城小区侧面的搅拌站粉尘和噪音污染严重，居民无法休息。"),
]
FUMES = ("A5区劳动东路魅力之城小区临街门面油烟扰民",
         "魅力之城小区楼下的餐馆和烧烤摊油烟直排，夜宵摊营业到凌晨，噪音扰民。")
CRACKS = ("A市万科魅力之城小区楼板开裂墙面开裂",
          "万科魅力之城近百户房屋楼板和墙面开裂，开发商拖延维修，质量堪忧。")


def _item(n, title, text, days=0.0, likes=0, author=""):
    return Item(id=str(n), title=title, text=text, published_at=T0 + timedelta(days=days),
                likes=likes, author=author or f"user{n}")


def test_related_items_join_one_event_and_others_start_new_ones():
    clusterer = EventClusterer()
    first = clusterer.add(_item(1, *STATION[0]))
    assert first.is_new_event
    joined = [clusterer.add(_item(i + 2, *pair, days=i + 1)) for i, pair in enumerate(STATION[1:])]
    assert all(a.event_id == first.event_id and not a.is_new_event for a in joined)
    other = clusterer.add(_item(9, *FUMES, days=2))
    assert other.is_new_event and other.event_id != first.event_id
    event = clusterer.events[first.event_id]
    assert event.size == 3 and "丽发新城" in event.main_places()
    assert [k.word for k in event.keywords(3)][0].startswith("丽发新城")


def test_same_place_different_problem_stays_apart():
    clusterer = EventClusterer()
    fumes = clusterer.add(_item(1, *FUMES))
    cracks = clusterer.add(_item(2, *CRACKS, days=1))
    assert cracks.event_id != fumes.event_id


def test_copies_are_marked_as_near_duplicates():
    clusterer = EventClusterer()
    clusterer.add(_item(1, *STATION[0]))
    copy = clusterer.add(_item(2, STATION[0][0], STATION[0][1] + "！", days=0.1))
    assert copy.duplicate_of == "1" and not copy.is_new_event
    assert clusterer.add(_item(1, *STATION[0])).event_id == copy.event_id  # same id: no-op
    assert clusterer.events[copy.event_id].size == 2


def test_time_window_starts_a_new_event_after_a_long_silence():
    clusterer = EventClusterer(ClusterConfig(window=timedelta(days=30)))
    first = clusterer.add(_item(1, *STATION[0]))
    late = clusterer.add(_item(2, *STATION[1], days=200))
    assert late.is_new_event and late.event_id != first.event_id


def test_merge_moves_members_and_engagement():
    clusterer = EventClusterer()
    a = clusterer.add(_item(1, *STATION[0], likes=3)).event_id
    b = clusterer.add(_item(2, *FUMES, days=1, likes=4)).event_id
    merged = clusterer.merge(a, b)
    assert b not in clusterer.events and merged.size == 2 and merged.likes == 7
    assert clusterer.event_of("2").id == a


def test_state_round_trips_through_json():
    clusterer = EventClusterer()
    for i, pair in enumerate(STATION[:2]):
        clusterer.add(_item(i, *pair, days=i))
    clusterer.add(_item(5, *FUMES, days=2))
    restored = EventClusterer.from_dict(json.loads(json.dumps(clusterer.to_dict())))
    assert restored.to_dict() == clusterer.to_dict()
    a = clusterer.add(_item(7, *STATION[2], days=3))
    b = restored.add(_item(7, *STATION[2], days=3))
    assert (a.event_id, a.is_new_event) == (b.event_id, b.is_new_event)
    assert restored.add(_item(8, *CRACKS, days=3)).event_id not in clusterer.events


def test_candidates_come_from_the_index_not_a_scan():
    clusterer = EventClusterer()
    for i in range(60):
        title, text = f"A{i % 9}区第{i}号路灯不亮", f"第{i}号路段路灯坏了{i}天，晚上很黑。"
        clusterer.add(_item(i, title, text, days=i))
    before = len(clusterer.events)
    vector, _ = item_vector(_item(999, *STATION[0]), clusterer.config)
    assert clusterer._candidates(vector) == set()  # nothing shares its words: nothing scanned
    assert clusterer.add(_item(999, *STATION[0], days=61)).is_new_event
    assert len(clusterer.events) == before + 1


def test_summary_is_a_frozen_snapshot():
    clusterer = EventClusterer()
    event_id = clusterer.add(_item(1, *STATION[0], likes=2)).event_id
    clusterer.add(_item(2, *STATION[1], days=1, likes=3))
    summary = clusterer.summary(event_id)
    assert summary.size == 2 and summary.likes == 5 and summary.authors == 2
    assert summary.members == ("1", "2") and "丽发新城" in summary.places[0]
    assert clusterer.summaries()[0] == summary


def test_prune_forgets_idle_events_only():
    clusterer = EventClusterer(ClusterConfig(window=timedelta(days=30)))
    old = clusterer.add(_item(1, *STATION[0])).event_id
    fresh = clusterer.add(_item(2, *FUMES, days=100)).event_id
    assert clusterer.prune(T0 + timedelta(days=101)) == [old]
    assert list(clusterer.events) == [fresh] and clusterer.event_of("1") is None
    assert clusterer.add(_item(3, *STATION[1], days=102)).is_new_event


def test_alike_items_naming_other_lines_or_districts_stay_apart():
    lines = [("A市地铁7号线何时能开工建设？",
              "请问A市地铁7号线什么时候能开工建设，沿线居民盼望已久，希望尽快开工。"),
             ("A市地铁1号线北延线何时开工？",
              "请问A市地铁1号线北延线什么时候能开工建设，沿线居民盼望已久。"),
             ("A市地铁7号线什么时候开工",
              "地铁7号线沿线居民很关心7号线什么时候开工建设，希望尽快开工。")]
    events = {}
    for penalty in (0.0, ClusterConfig().code_penalty):
        clusterer = EventClusterer(ClusterConfig(code_penalty=penalty))
        events[penalty] = [clusterer.add(_item(i, *pair, days=i)).event_id
                           for i, pair in enumerate(lines)]
    assert len(set(events[0.0])) == 1  # without the codes the words alone join them
    first, second, third = events[ClusterConfig().code_penalty]
    assert first == third != second
    assert codes_of(_item(9, "A市A5区汇金路某小区", "西地省A市"), ClusterConfig()) == ["A5区"]
    assert codes_of(_item(9, "汇金路某小区", "我住在A7县，地铁3号线旁"), ClusterConfig()) == \
        ["A7县", "3号线"]
