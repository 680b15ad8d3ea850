"""Several web processes: ledger-page requests/s and latency with 1, 2 and 4 web processes
(``yuqing serve --workers N``: gunicorn, 8 threads each; one process is waitress) on one
PostgreSQL database, under a bounded loopback load.

The ledger is filled as bench/ledger.py fills it; a 舆情专员 signs in through the real form,
and ``--clients`` threads each keep one connection and ask for ``/ledger/`` (the first page:
filters, counts, paging, template) for ``--seconds``, every request timed end to end.

The load generator runs on the same machine (2 cores here), so the figures are what these
cores give with client and servers sharing them, not what more hosts would give.

Recorded 2026-12-06 on the project machine (2 CPUs shared with five other agents' work, load
average 12-18 throughout), 20,000 entries, 8 clients x 15 s per row, two runs:
  web processes  req/s  p50 ms  p95 ms      req/s  p50 ms  p95 ms
              1   33.9   141.4   640.1       29.4   209.9   675.1
              2   33.3   219.8   409.8       43.2   153.6   358.2
              4   17.5   402.9   744.2       20.9   307.6   659.7
  No request failed. Two processes give both cores to the app (one process is held to one
  core by the GIL): p95 fell by a third to a half. Four processes on two cores only contend
  (and the client threads compete for the same cores); on this loaded machine the figures
  swing by a third between runs. More throughput needs more cores or hosts behind the proxy.

Usage: .venv/bin/python bench/scale_web.py [--entries N] [--clients C] [--seconds S]
                                           [--processes 1 2 4]
PostgreSQL: YUQING_TEST_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test)
names the server; a scratch database is created there and dropped afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ledger import fill, p95  # noqa: E402
from tests.conftest import create_pg_database, drop_pg_database  # noqa: E402
from tests.web.processes import USER_AGENT, Browser, start_web, web_env  # noqa: E402
from tracker import migrate  # noqa: E402
from tracker.db import make_engine  # noqa: E402
from tracker.ops import processes as runner  # noqa: E402

STAFF = ("staff", "staff-demo-123")  # a demo account (bench.ledger.fill creates them)


def load(base: str, cookie: str, clients: int, seconds: float) -> tuple[list[float], int]:
    """``clients`` threads asking for the ledger page for ``seconds``; (latencies, errors)."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    headers = {"Cookie": cookie, "User-Agent": USER_AGENT}

    def client() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        mine, failed = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", "/ledger/", headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                ok = False
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def measure(url: str, folder: Path, processes: int, clients: int,
            seconds: float) -> dict[str, float]:
    """Serve with ``processes`` web processes, sign in, warm up, then load; the figures."""
    env = web_env(folder, url, secret_key="bench-secret-0123456789", login_delay_seconds="0")
    proc, base = start_web(env, folder, workers=processes, name=f"web-{processes}")
    try:
        browser = Browser()
        status, _ = browser.login(base, *STAFF)
        if status != 302:
            raise RuntimeError(f"sign-in answered {status}")
        cookie = browser.cookie_header()
        load(base, cookie, clients, 5)  # every worker opens its pool and fills its caches
        started = time.monotonic()
        latencies, errors = load(base, cookie, clients, seconds)
        elapsed = time.monotonic() - started
    finally:
        runner.stop(proc)
    if not latencies:
        raise RuntimeError(f"no request succeeded ({errors} failed)")
    return {"processes": processes, "requests": len(latencies), "errors": errors,
            "rps": len(latencies) / elapsed, "p50": statistics.median(latencies) * 1000,
            "p95": p95(latencies) * 1000}


def main() -> None:
    """Fill a scratch PostgreSQL database, measure each process count, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    url = create_pg_database("yuqing_bench_web")
    folder = Path(tempfile.mkdtemp(prefix="yuqing-bench-web-"))
    try:
        engine = make_engine(url)
        migrate.upgrade(engine)
        started = time.perf_counter()
        fill(engine, args.entries)
        engine.dispose()
        print(f"postgresql: {args.entries} ledger entries in {time.perf_counter() - started:.1f}"
              f" s; {args.clients} clients x {args.seconds:.0f} s per row")
        rows = [measure(url, folder, n, args.clients, args.seconds) for n in args.processes]
    finally:
        drop_pg_database(url)
    print(f"{'web processes':>13} {'requests':>9} {'errors':>7} {'req/s':>7} "
          f"{'p50 ms':>8} {'p95 ms':>8}")
    for row in rows:
        print(f"{row['processes']:>13} {row['requests']:>9} {row['errors']:>7} "
              f"{row['rps']:>7.1f} {row['p50']:>8.1f} {row['p95']:>8.1f}")


if __name__ == "__main__":
    main()
