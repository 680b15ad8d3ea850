"""Public site response times with 10,000 published typical Q&A, on SQLite and PostgreSQL.

The app is served on a loopback port (werkzeug, threaded) over a scratch database filled with
10,000 published items whose text comes from ../shared/data/ncp_policy_qa/qa_train.jsonl
(real policy questions and answers, cycled, with 10 categories and 12 departments over 12
monthly batches). Each route is requested ``--requests`` times, one at a time, without
ETags (a client revalidating gets a 304 sooner), twice: each page built every time (a dummy
argument makes every URL new), and served from the page cache (nothing published changes
between requests, as on the portal most of the time): the list
(page 1 and a deep page), a detail page, a search by question, a filtered list and both feeds.
Prints p50 / p95 / max in milliseconds per route, backend and column.

Usage: .venv/bin/python bench/public.py [--items 10000] [--requests 200]
       [--backends sqlite,postgresql]
PostgreSQL: a scratch database on YUQING_BENCH_POSTGRES_URL (see bench/metrics.py).
Recorded 2026-12-06 03:26 UTC (2 CPUs shared with other engineers' test runs), 10,000 items,
p95 built every time / from the page cache: SQLite list 67 / 42 ms, list page 200 87 / 37,
detail 12 / 16, search 89 / 13, filtered 59 / 5, Atom 26 / 14, JSON Feed 22 / 8 ms;
PostgreSQL list 76 / 28, page 200 101 / 25, detail 37 / 26, search 174 / 25, filtered 65 / 31,
Atom 58 / 27, JSON Feed 52 / 29 ms.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import statistics
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from metrics import Scratch  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from tracker.models import TypicalQA  # noqa: E402
from tracker.settings import load_settings  # noqa: E402
from web import create_app  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ncp_policy_qa" / "qa_train.jsonl"
CATEGORIES = ("城乡建设", "交通运输", "教育", "卫生健康", "劳动保障", "市场监管", "生态环境",
              "民政", "公安", "商务")
DEPARTMENTS = tuple(f"市{n}局" for n in ("住建", "交通", "教育", "卫健", "人社", "市监", "生态",
                                          "民政", "公安", "商务", "财政", "文旅"))


def pairs() -> list[tuple[str, str]]:
    """(question, answer) of the real policy Q&A set."""
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    return [(r["question"], r["answer"]) for r in rows if r.get("question") and r.get("answer")]


def fill(db: Scratch, count: int) -> None:
    """Insert ``count`` published items in one statement batch."""
    qa, start, rows = pairs(), datetime(2025, 1, 1, tzinfo=UTC), []
    for n in range(count):
        question, answer = qa[n % len(qa)]
        at = start + timedelta(minutes=n * 50)
        rows.append({"month": at.strftime("%Y-%m"), "state": "published", "origin": "manual",
                     "title": question[:60], "question": question, "answer": answer,
                     "department_name": DEPARTMENTS[n % len(DEPARTMENTS)],
                     "category": CATEGORIES[n % len(CATEGORIES)], "asked_at": at,
                     "answered_at": at, "policies": [], "created_at": at, "updated_at": at,
                     "published_at": at})
    with db.engine.begin() as conn:
        conn.execute(TypicalQA.__table__.insert(), rows)


def serve(db: Scratch):
    """The app on a free loopback port; returns (base URL, stop)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    settings = load_settings({"YUQING_ENV": "test", "YUQING_SECRET_KEY": "bench-secret-0123456789",
                              "YUQING_DATABASE_URL": db.url})
    server = make_server("127.0.0.1", 0, create_app(settings, engine=db.engine), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


def measure(url: str, requests: int, *, fresh: bool) -> list[float]:
    """Milliseconds of ``requests`` sequential GETs (each must answer 200); ``fresh`` adds a
    different dummy argument to each URL, so that every page is built, never cached."""
    times = []
    for n in range(requests):
        target = f"{url}{'&' if '?' in url else '?'}bench={n}" if fresh else url
        began = time.perf_counter()
        with urllib.request.urlopen(target, timeout=30) as response:
            response.read()
            assert response.status == 200, (target, response.status)
        times.append((time.perf_counter() - began) * 1000)
    return times


def summary(times: list[float]) -> str:
    """p50 / p95 / max of some milliseconds."""
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return f"p50 {statistics.median(times):6.1f}  p95 {p95:6.1f}  max {times[-1]:6.1f} ms"


def routes(items: int) -> dict[str, str]:
    """The routes measured, by name."""
    quoted = urllib.request.quote
    return {"list": "/public/", "list page 200": "/public/?page=200",
            "detail": f"/public/qa/{random.Random(7).randint(1, items)}",
            "search": f"/public/?q={quoted('疫情')}",
            "filtered": f"/public/?category={quoted('教育')}&month=2025-06",
            "atom": "/public/feed.atom", "json feed": "/public/feed.json"}


def run(backend: str, items: int, requests: int) -> None:
    """Fill, serve and measure one backend; print a line per route."""
    with Scratch(backend, "public") as db:
        began = time.perf_counter()
        fill(db, items)
        print(f"{backend}: {items} published items written in {time.perf_counter() - began:.1f} s")
        base, stop = serve(db)
        print(f"  {'route':14s} {'built every time':40s} served from the page cache")
        try:
            for name, path in routes(items).items():
                measure(base + path, 2, fresh=True)  # the database's and templates' first use
                built = summary(measure(base + path, requests, fresh=True))
                cached = summary(measure(base + path, requests, fresh=False))
                print(f"  {name:14s} {built:40s} {cached}")
            print(f"  ({requests} sequential requests per route and column)")
        finally:
            stop()


def main() -> None:
    """Parse the options and run each backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        run(backend, args.items, args.requests)


if __name__ == "__main__":
    main()
