"""Mention index benchmark: bulk ingest rate and query latency, embedded and ES-API server.

Documents are recombined from the real texts in the shared datasets (TipDM board messages with
their titles, Weibo posts, 新闻联播 and 新民晚报 articles, THUCNews titles, online reviews):
each takes a title and a body from the pool and appends a sentence of another text, spread
over two years. Run it on an otherwise idle machine; it prints the figures:

    .venv/bin/python bench/index.py                       # 1,000,000 embedded, 50,000 osmem
    .venv/bin/python bench/index.py --docs 100000 --es-docs 0

Recorded 2026-11-28 (idle machine, 1,000,000 embedded): ingest 10,462 to 12,062 docs/s over
six runs (target 10,000: met), term + 30 days + histogram p95 7.9 to 12.0 ms; osmem-server at
50,000: 161 docs/s, p95 79 ms (for the record); details in docs/search.md.

Query timing: a two-character Chinese term, the last 30 days, a daily histogram, the newest
20 hits with highlights (what the search page asks for, minus the facets), one warm-up pass.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import DATA_DIR, read_csv

from tracker.index.base import MentionDoc, MentionIndex, SearchRequest
from tracker.index.embedded import EmbeddedIndex
from tracker.index.query import parse_query

END = datetime(2026, 11, 28, tzinfo=UTC)
SPAN = timedelta(days=730)
TERMS = ("物业", "噪音", "小区", "学校", "医院", "交通", "停车", "拆迁", "扰民", "污染")
KINDS = ("board", "news", "forum", "rss")
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def load_pool() -> tuple[list[tuple[str, str]], list[str]]:
    """(title, text) pairs and a sentence pool from the shared datasets."""
    pairs: list[tuple[str, str]] = []
    for rel in ("tipdm2020c_fj3_hot/fujian3_messages_likes.csv",
                "tipdm2020c_fj4_replies/fujian4_messages_replies_even_ids.csv",
                "tipdm2020c_fj2_sample/fujian2_sample_messages.csv"):
        pairs += [(r["留言主题"].strip(), " ".join(r["留言详情"].split()))
                  for r in read_csv(DATA_DIR / rel)]
    pairs += [("", r["segmented_text"].replace(" ", "")) for r in
              read_csv(DATA_DIR / "tipdm2020c_fj2_full_segmented/fujian2_full_segmented.csv")]
    pairs += [("", r["text"]) for r in read_csv(DATA_DIR / "weibo2018/weibo2018_train.csv")]
    for part in ("part01", "part02"):
        pairs += [(r["title"], r["body"]) for r in
                  read_csv(DATA_DIR / f"cctv_xwlb_2026/cctv_xwlb_2026_{part}.csv")]
    pairs += [(r["title"], r["body"]) for r in read_csv(DATA_DIR / "xinmin_2022/xinmin_2022.csv")]
    pairs += [("", r["review"]) for r in
              read_csv(DATA_DIR / "online_shopping_10_cats/online_shopping_10_cats.csv")[:20000]]
    titles = [r["text"] for r in read_csv(DATA_DIR / "thucnews_titles/thucnews_titles_dev.csv")]
    pairs = [(t or random.choice(titles), x) for t, x in pairs if x.strip()]
    sentences = [s for _, x in pairs[:20000] for s in SENTENCE.findall(x) if len(s) > 8]
    return pairs, sentences


def documents(count: int, seed: int = 7) -> Iterator[MentionDoc]:
    """``count`` realistic mentions, deterministic for a seed."""
    rnd = random.Random(seed)
    pairs, sentences = load_pool()
    for i in range(count):
        title, text = rnd.choice(pairs)
        text = text[:3000] + rnd.choice(sentences)
        published = END - SPAN * rnd.random()
        yield MentionDoc(
            id=f"bench-{i}", kind=rnd.choice(KINDS), source=f"source_{rnd.randrange(20)}",
            title=title[:200], text=text, url=f"http://bench.test/{i}",
            published_at=published, fetched_at=published + timedelta(minutes=rnd.randrange(600)),
            sentiment=round(rnd.random(), 3) if rnd.random() < 0.8 else None,
            keywords=rnd.sample(TERMS, 2), likes=rnd.randrange(50))


def batches(count: int, size: int) -> Iterator[list[MentionDoc]]:
    """Documents in lists of ``size``."""
    batch: list[MentionDoc] = []
    for doc in documents(count):
        batch.append(doc)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(index: MentionIndex, count: int, size: int) -> float:
    """Bulk-load ``count`` documents; return documents per second of index time."""
    spent = cpu = 0.0
    done = 0
    for batch in batches(count, size):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = index.upsert(batch)
        spent += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        assert result.ok, result.errors[:3]
        done += len(batch)
        if done % max(size * 20, 10_000) == 0:
            print(f"  {done:,} documents, {done / spent:,.0f} docs/s so far", flush=True)
    # CPU time of this process (all its threads): what the rate would be with the CPU to
    # ourselves, when other work shares the machine.
    print(f"  {count / cpu:,.0f} documents per CPU-second of this process; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    return count / spent


def latency(index: MentionIndex, *, sort: str = "time", days: int | None = 30,
            rounds: int = 10, aggs: frozenset[str] = frozenset({"histogram"})) -> dict:
    """p50/p95 milliseconds of term + time filter + histogram queries."""
    low = END - timedelta(days=days) if days else None
    requests = [SearchRequest(query=parse_query(t), published_from=low, published_to=END,
                              aggs=aggs, interval="day", sort=sort, size=20) for t in TERMS]
    for request in requests:  # warm-up
        index.search(request)
    times, totals = [], []
    for _ in range(rounds):
        for request in requests:
            started = time.perf_counter()
            result = index.search(request)
            times.append((time.perf_counter() - started) * 1000)
            totals.append(result.total)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "queries": len(times), "mean_hits": round(statistics.mean(totals))}


def report(name: str, index: MentionIndex, count: int, rate: float, rounds: int) -> None:
    """Print the figures of one backend."""
    print(f"{name}: {count:,} mentions, bulk ingest {rate:,.0f} docs/s")
    cases = [("term + last 30 days + daily histogram, newest 20", {}),
             ("same, by relevance", {"sort": "relevance"}),
             ("term + whole two years + histogram, newest 20", {"days": None}),
             ("term + last 30 days + all facets", {"aggs": frozenset(
                 {"histogram", "sources", "kinds", "sentiment", "keywords"})})]
    for label, kwargs in cases:
        figures = latency(index, rounds=rounds, **kwargs)
        print(f"  {label}: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms "
              f"({figures['queries']} queries, {figures['mean_hits']:,} hits on average)",
              flush=True)


def bench_embedded(count: int, folder: Path, rounds: int) -> None:
    """Load and query the embedded index."""
    index = EmbeddedIndex(folder / "index.db")
    rate = ingest(index, count, 10_000)
    started = time.perf_counter()
    index.optimize()
    print(f"  optimize (merge FTS segments) took {time.perf_counter() - started:.1f} s; "
          f"index file {(folder / 'index.db').stat().st_size / 1e9:.2f} GB")
    report("embedded (SQLite FTS5)", index, count, rate, rounds)
    index.close()


def bench_osmem(count: int, rounds: int) -> None:
    """Load and query osmem-server through the Elasticsearch adapter."""
    from osmem_server import OsmemServer

    from tracker.index.elastic import ElasticIndex

    server = OsmemServer.start()
    try:
        # osmem slows down as its in-memory index grows: small batches, patient timeouts.
        index = ElasticIndex(server.url, refresh=False, replicas=0, request_timeout=900)
        rate = ingest(index, count, 500)
        index.refresh()
        report("ES-API server (osmem-server, for the record)", index, count, rate, rounds)
        index.close()
    finally:
        server.close()


def main() -> int:
    """Parse arguments and run the benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--es-docs", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--dir", type=Path, help="where to build the embedded index")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        if args.docs:
            bench_embedded(args.docs, Path(folder), args.rounds)
    if args.es_docs:
        bench_osmem(args.es_docs, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
