"""Crawl throughput: the whole pipeline into the embedded store vs Scrapy alone.

Both runs crawl the same demo web sources (at least 5,000 pages) with the same spiders and
per-source settings, each against a freshly started demo web (cold page cache) and a fresh
SQLite database. "Scrapy alone" disables the item pipeline (``ITEM_PIPELINES={}``): pages
are fetched and parsed, items are produced and thrown away. The pipeline run cleans every
item and stores it (mentions, message cases, crawl runs) in SQLite.

Prints pages/s and items/s for both, their ratio, and each crawl process's peak memory.
Rates use Scrapy's own ``elapsed_time_seconds`` (process start-up excluded).

    .venv/bin/python bench/crawl.py [--sources demo_board_b,demo_board_a,demo_news]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from demo.sources import DEMO_SOURCES, seed_demo_sources  # noqa: E402
from tracker import migrate  # noqa: E402
from tracker.db import make_engine, session_factory, session_scope  # noqa: E402
from tracker.ops import child_env, free_port, start_demo_site, stop  # noqa: E402

STAT = re.compile(r"'(item_scraped_count|response_received_count|elapsed_time_seconds|"
                  r"item_dropped_count)': ([\d.]+)")


def fresh_database(folder: Path, site_url: str) -> str:
    """A migrated SQLite database with the demo sources pointing at ``site_url``."""
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(session_factory(engine)) as session:
        seed_demo_sources(session, site_url)
    engine.dispose()
    return url


def crawl_once(source: str, db_url: str, log: Path, pipeline: bool) -> dict[str, float]:
    """One ``scrapy crawl`` child; its stats and peak RSS (MiB, from wait4)."""
    argv = [sys.executable, "-m", "scrapy", "crawl", DEMO_SOURCES[source][1], "-a",
            f"source={source}", "-s", f"LOG_FILE={log}", "-s", "LOG_LEVEL=INFO"]
    if not pipeline:
        argv += ["-s", "ITEM_PIPELINES={}"]
    env = child_env({"YUQING_DATABASE_URL": db_url, "YUQING_ENV": "test"})
    proc = subprocess.Popen(argv, cwd=REPO_ROOT, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"crawl of {source} failed ({proc.returncode}); see {log}")
    stats = {k: float(v) for k, v in STAT.findall(log.read_text(encoding="utf-8"))}
    stats["peak_mib"] = usage.ru_maxrss / 1024
    stats["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    return stats


def run(mode: str, sources: list[str], workdir: Path) -> dict[str, float]:
    """Crawl ``sources`` one after the other against a fresh demo web; total the stats."""
    folder = workdir / mode
    folder.mkdir()
    port = free_port()
    site = start_demo_site(port)
    total = {"pages": 0.0, "items": 0.0, "seconds": 0.0, "peak_mib": 0.0, "cpu_seconds": 0.0}
    try:
        db_url = fresh_database(folder, f"http://127.0.0.1:{port}")
        for source in sources:
            stats = crawl_once(source, db_url, folder / f"{source}.log", mode == "pipeline")
            total["pages"] += stats.get("response_received_count", 0)
            total["items"] += stats.get("item_scraped_count", 0)
            total["seconds"] += stats.get("elapsed_time_seconds", 0)
            total["cpu_seconds"] += stats["cpu_seconds"]
            total["peak_mib"] = max(total["peak_mib"], stats["peak_mib"])
    finally:
        stop(site)
    return total


def server_rate(pages: int = 2000, threads: int = 8) -> float:
    """Pages/s the demo web serves to a plain threaded client (board B detail pages)."""
    port = free_port()
    site = start_demo_site(port)
    base = f"http://127.0.0.1:{port}/wz/lyb/index_{{}}.html"
    done = []

    def worker(offset: int) -> None:
        """Fetch every ``threads``-th page."""
        for n in range(offset, pages, threads):
            with urllib.request.urlopen(base.format(2 + n % 350), timeout=10) as response:
                response.read()
            done.append(n)

    try:
        started = time.perf_counter()
        workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return len(done) / (time.perf_counter() - started)
    finally:
        stop(site)


def main() -> None:
    """Run both crawls and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", default="demo_board_b,demo_board_a,demo_news")
    parser.add_argument("--order", default="scrapy,pipeline", help="which run goes first")
    args = parser.parse_args()
    sources = args.sources.split(",")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    results = {}
    with tempfile.TemporaryDirectory(prefix="yuqing-bench-") as tmp:
        for mode in args.order.split(","):
            results[mode] = run(mode, sources, Path(tmp))
            r = results[mode]
            print(f"{mode:>8}: {r['pages']:.0f} pages, {r['items']:.0f} items in "
                  f"{r['seconds']:.1f} s = {r['pages'] / r['seconds']:.1f} pages/s, "
                  f"{r['items'] / r['seconds']:.1f} items/s; peak RSS {r['peak_mib']:.0f} MiB; "
                  f"crawler CPU {r['cpu_seconds']:.1f} s")
    alone, full = results["scrapy"], results["pipeline"]
    ratio = (full["items"] / full["seconds"]) / (alone["items"] / alone["seconds"])
    print(f"   ratio: pipeline keeps {ratio:.0%} of Scrapy's own items/s (target >= 80%)")
    # On a shared machine wall-clock rates move with other load; CPU per item does not.
    cpu_ratio = (full["items"] / full["cpu_seconds"]) / (alone["items"] / alone["cpu_seconds"])
    print(f"     cpu: {alone['items'] / alone['cpu_seconds']:.0f} vs "
          f"{full['items'] / full['cpu_seconds']:.0f} items per crawler CPU-second "
          f"= {cpu_ratio:.0%}")
    print(f"  server: the demo web alone serves {server_rate():.0f} pages/s to a threaded "
          "urllib client")
    print(f"machine: load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
