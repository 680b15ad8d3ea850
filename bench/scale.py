"""Scale-out figures: crawl items/s with 1 and 2 crawl workers (this file's crawl section),
then the web section (ledger-page requests/s and p95 with 1, 2 and 4 web processes), which
lives in ``bench/scale_web.py`` and is run from here when present.

Crawl section: for each worker count, a freshly started demo web (cold page cache), a fresh
database (PostgreSQL by default, as several hosts would share; ``--database sqlite`` for a
file) and a fresh Redis key prefix. ``yuqing crawl enqueue`` starts one round of the sources,
then N ``yuqing crawl worker --until-idle`` processes crawl it on the shared scrapy-redis
frontier. Figures:

- items: mentions stored (the same for every N: nothing lost, nothing doubled);
- crawl s: from the first crawl run's start to the last item's fetch (process start-up and
  the workers' idle wait at the end are left out); items/s = items / crawl s;
- wall s: from the enqueue to the last worker's exit, everything included.

Every process (the demo web, the workers, the database, Redis) shares this machine's cores:
the figures show the frontier's overhead and sharing, not a second host's added cores.

    .venv/bin/python bench/scale.py [--workers 1,2] [--limit 1500] [--sources demo_board_b]
        [--delay 0] [--database postgresql|sqlite] [--redis redis://127.0.0.1:6379/14]
        [--skip-web]

``--delay`` sets the sources' politeness delay: a crawl of real sites is bound by it (one
request per delay per site and worker), not by this machine's cores; N workers ask a site N
times as often.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from demo.sources import seed_demo_sources  # noqa: E402
from tracker import migrate  # noqa: E402
from tracker.collection import frontier  # noqa: E402
from tracker.db import make_engine, session_factory, session_scope  # noqa: E402
from tracker.models import CrawlRun, Mention, Source  # noqa: E402
from tracker.ops import child_env, free_port, start_demo_site, stop  # noqa: E402

PG_ADMIN_URL = os.environ.get("YUQING_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def yuqing(*args: str) -> list[str]:
    """The ``yuqing`` command line in this interpreter."""
    return [sys.executable, "-c", "from tracker.cli import main; main()", *args]


def fresh_database(kind: str, folder: Path, site_url: str, delay: float = 0.0) -> str:
    """A migrated database with the demo sources pointing at ``site_url`` (each waiting
    ``delay`` seconds between its requests to the site, per worker)."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'scale.db'}"
    else:
        name = f"yuqing_scale_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(session_factory(engine)) as session:
        seed_demo_sources(session, site_url)
        for source in session.scalars(select(Source)):
            politeness = dict(source.config.get("politeness", {}), delay=delay)
            source.config = dict(source.config, politeness=politeness)
    engine.dispose()
    return url


def drop_database(url: str) -> None:
    """Drop a PostgreSQL database made by :func:`fresh_database` (a file goes with its
    folder)."""
    if not url.startswith("postgresql"):
        return
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def crawl_round(workers: int, args: argparse.Namespace, folder: Path) -> dict[str, float]:
    """One round of the sources crawled by ``workers`` workers; its figures."""
    port = free_port()
    site = start_demo_site(port, limit=args.limit, log=folder / "site.log")
    db_url = fresh_database(args.database, folder, f"http://127.0.0.1:{port}", args.delay)
    prefix = f"bench-scale-{uuid.uuid4().hex[:8]}"
    env = child_env({"YUQING_DATABASE_URL": db_url, "YUQING_ENV": "test",
                     "YUQING_CRAWL_REDIS_URL": args.redis, "YUQING_CRAWL_REDIS_PREFIX": prefix,
                     "PYTHONPATH": str(REPO_ROOT)})
    client = frontier.connect(args.redis)
    try:
        started = time.monotonic()
        subprocess.run(yuqing("crawl", "enqueue", *args.sources, "--json"), cwd=REPO_ROOT,
                       env=env, check=True, capture_output=True, timeout=60)
        procs = [subprocess.Popen(yuqing("crawl", "worker", "--until-idle", "--poll", "0.5",
                                         "--parallel", str(len(args.sources)), "--json",
                                         "--log-dir", str(folder / f"worker-{i}")),
                                  cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, text=True)
                 for i in range(workers)]
        reports = [json.loads(p.communicate(timeout=args.timeout)[0] or "{}") for p in procs]
        wall = time.monotonic() - started
        failed = {k: v for r in reports for k, v in r.get("failed", {}).items()}
        engine = make_engine(db_url)
        with session_scope(session_factory(engine)) as session:
            items = session.scalar(select(func.count()).select_from(Mention)) or 0
            first = session.scalar(select(func.min(CrawlRun.started_at)))
            last = session.scalar(select(func.max(Mention.fetched_at)))
            runs = session.scalar(select(func.count()).select_from(CrawlRun)) or 0
        engine.dispose()
        seconds = (last - first).total_seconds() if first and last else float("nan")
        return {"workers": workers, "items": items, "runs": runs, "crawl_s": seconds,
                "items_per_s": items / seconds if seconds else float("nan"), "wall_s": wall,
                "failed": len(failed)}
    finally:
        frontier.drop_prefix(client, prefix)
        stop(site)
        drop_database(db_url)


def crawl_section(args: argparse.Namespace) -> list[dict[str, float]]:
    """Print and return the crawl figures for each worker count."""
    print(f"== crawl: {', '.join(args.sources)} on the demo web (limit {args.limit}), "
          f"{args.database}, delay {args.delay} s, shared frontier {args.redis}")
    print(f"{'workers':>7} {'items':>6} {'runs':>4} {'crawl s':>8} {'items/s':>8} "
          f"{'wall s':>7} {'failed':>6}")
    rows = []
    for workers in args.workers:
        with tempfile.TemporaryDirectory(prefix="yuqing-scale-") as tmp:
            row = crawl_round(workers, args, Path(tmp))
        rows.append(row)
        print(f"{row['workers']:>7} {row['items']:>6} {row['runs']:>4} {row['crawl_s']:>8.1f} "
              f"{row['items_per_s']:>8.1f} {row['wall_s']:>7.1f} {row['failed']:>6}",
              flush=True)
    if len(rows) > 1 and rows[0]["items_per_s"]:
        print(f"speed-up {rows[-1]['workers']} vs {rows[0]['workers']} workers: "
              f"{rows[-1]['items_per_s'] / rows[0]['items_per_s']:.2f}x; items equal: "
              f"{len({r['items'] for r in rows}) == 1}")
    return rows


def web_section(passthrough: list[str]) -> None:
    """The web half (bench/scale_web.py), when this checkout has it."""
    script = REPO_ROOT / "bench" / "scale_web.py"
    if not script.exists():
        print("== web: bench/scale_web.py is not in this checkout; skipped")
        return
    subprocess.run([sys.executable, str(script), *passthrough], cwd=REPO_ROOT, check=True,
                   env=os.environ | {"PYTHONPATH": str(REPO_ROOT)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2",
                        type=lambda s: [int(n) for n in s.split(",")])
    parser.add_argument("--limit", type=int, default=1500, help="demo web items per section")
    parser.add_argument("--sources", default="demo_board_b", type=lambda s: s.split(","))
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--delay", type=float, default=0.0,
                        help="politeness delay between a worker's requests to the site (s)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per round")
    parser.add_argument("--skip-web", action="store_true")
    args, rest = parser.parse_known_args()
    crawl_section(args)
    if not args.skip_web:
        web_section(rest)


if __name__ == "__main__":
    main()
