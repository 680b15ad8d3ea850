"""Clustering benchmark: purity/NMI on weibo2018 topics, the 附件3 top-10 hot events, items/s.

Usage: .venv/bin/python bench/clustering.py
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.metrics import normalized_mutual_info_score  # noqa: E402

from analysis import appeal, hotness, sentiment  # noqa: E402
from analysis.clustering import ClusterConfig, EventClusterer  # noqa: E402
from analysis.types import Item  # noqa: E402
from bench._common import load_fj3, load_weibo_topics  # noqa: E402

#: Topic-level setting: no place logic matters on Weibo, join on looser word overlap.
TOPIC_LEVEL = ClusterConfig(threshold=0.12, min_topic=0.12, merge_unplaced=0.25,
                            window=timedelta(days=3650))


def parse_time(value: str) -> datetime:
    """Parse a board time like 2019/4/25 9:32:09."""
    return datetime.strptime(value.strip(), "%Y/%m/%d %H:%M:%S")


def fj3_items() -> list[Item]:
    """The 附件3 messages as clusterer items, in time order."""
    items = [Item(id=r["留言编号"], title=r["留言主题"].strip(), text=r["留言详情"].strip(),
                  published_at=parse_time(r["留言时间"]), likes=int(r["点赞数"] or 0),
                  author=r["留言用户"]) for r in load_fj3()]
    return sorted(items, key=lambda i: (i.published_at, i.id))


def purity(truth: list[str], pred: list[str]) -> float:
    """Share of items whose cluster's majority label is their label."""
    by_cluster: dict[str, Counter[str]] = {}
    for t, p in zip(truth, pred, strict=True):
        by_cluster.setdefault(p, Counter())[t] += 1
    return sum(c.most_common(1)[0][1] for c in by_cluster.values()) / len(truth)


def weibo_scores(config: ClusterConfig) -> tuple[float, float, int]:
    """(purity, NMI, clusters) of clustering the 600 labelled Weibo posts."""
    rows = load_weibo_topics()
    start = datetime(2018, 1, 1)
    clusterer = EventClusterer(config)
    pred = [clusterer.add(Item(id=r["mid"], text=r["text"],
                               published_at=start + timedelta(minutes=i))).event_id
            for i, r in enumerate(rows)]
    final = [clusterer.event_of(r["mid"]).id for r in rows]  # after any merges
    del pred
    truth = [r["topic"] for r in rows]
    return purity(truth, final), normalized_mutual_info_score(truth, final), len(set(final))


def rank_events(clusterer: EventClusterer, items: list[Item], top: int = 10) -> list[tuple]:
    """(hotness, event) of the hottest events over the whole period."""
    scores = dict(zip([i.id for i in items],
                      sentiment.score_many([f"{i.title} {i.text}" for i in items]), strict=True))
    appeals = {i.id: appeal.appeal_of(i.title) for i in items}  # all are board messages
    return hotness.rank_clustered(clusterer.events.values(), scores, top, appeals=appeals)


def main() -> None:
    """Print the figures."""
    for name, config in (("concrete-matter (default)", ClusterConfig()),
                         ("topic-level", TOPIC_LEVEL)):
        p, nmi, n = weibo_scores(config)
        print(f"weibo2018 topics, {name}: purity={p:.3f} NMI={nmi:.3f} clusters={n} (6 topics)")
    items = fj3_items()
    clusterer = EventClusterer()
    start, cpu = time.perf_counter(), time.process_time()
    for item in items:
        clusterer.add(item)
    secs, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"附件3: {len(items)} messages -> {len(clusterer.events)} events in {secs:.1f} s "
          f"({len(items) / secs:.0f} items/s wall clock, {len(items) / cpu:.0f} per CPU-second, "
          f"one core, load average {os.getloadavg()[0]:.1f})")
    titles = {i.id: i.title for i in items}
    for rank, (heat, event) in enumerate(rank_events(clusterer, items), 1):
        common = Counter(titles[m] for m in event.members).most_common(1)[0][0]
        print(f"{rank:2d}. {heat.score:6.1f} {heat.level.value:4s} {event.size:3d} msgs "
              f"{event.likes:5d} likes {event.first_at:%Y-%m-%d}..{event.last_at:%Y-%m-%d} "
              f"{common}")
        print(f"    {heat.reason}; keywords: {' '.join(k.word for k in event.keywords(6))}")


if __name__ == "__main__":
    main()
