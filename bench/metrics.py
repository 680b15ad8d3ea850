"""Metrics and monthly-report benchmark on SQLite and PostgreSQL.

1. ``compute_metrics`` for one month over 1,000,000 ledger entries (spread over 12 months,
   so the month holds about 83,000): target under 1 s.
2. The monthly report of a month with 100,000 entries (plus 12 earlier months for the
   trend) in HTML, XLSX and PDF, each end to end (gather + render): target under 15 s.

Usage: .venv/bin/python bench/metrics.py [--entries 1000000] [--report-entries 100000]
       [--backends sqlite,postgresql]
Recorded 2026-11-28 11:10 (2 CPUs, one other single-threaded job running): metrics over 1M,
all kinds, SQLite 0.57 s first / 0.52 s best, PostgreSQL 0.46 / 0.38 s; reports of 100,000
entries SQLite HTML 4.7 s, XLSX 8.1 s, PDF 7.8 s; PostgreSQL 2.1, 5.0, 4.4 s. (Before SQLite
ranked the reply hours in Python: 1.0 s for the month over 1M on an idle machine.)
PostgreSQL: a scratch database is created on YUQING_BENCH_POSTGRES_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/test) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from tests.tracker.reports.factory import ensure_departments, sample_entry  # noqa: E402
from tracker import migrate  # noqa: E402
from tracker.db import make_engine, session_factory, session_scope  # noqa: E402
from tracker.metrics import Period, compute_metrics, work_calendar_for  # noqa: E402
from tracker.models import LedgerEntry  # noqa: E402
from tracker.models.base import utcnow  # noqa: E402
from tracker.reports import FORMATS, render_report  # noqa: E402
from tracker.settings import load_settings  # noqa: E402

PG_ADMIN = os.environ.get("YUQING_BENCH_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MONTH = Period.month(2025, 9)
BATCH = 20_000


def timed(func):
    """Run ``func()``; return (result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return result, time.perf_counter() - wall, time.process_time() - cpu


class Scratch:
    """An empty, migrated database of one backend, removed on exit."""

    def __init__(self, backend: str, tag: str) -> None:
        self.backend, self.name = backend, f"yuqing_bench_{tag}_{uuid.uuid4().hex[:8]}"
        if backend == "sqlite":
            self.dir = tempfile.TemporaryDirectory(prefix="yuqing-bench-")
            self.url = f"sqlite:///{self.dir.name}/bench.db"
        else:
            self._admin(f'CREATE DATABASE "{self.name}"')
            self.url = PG_ADMIN.rsplit("/", 1)[0] + f"/{self.name}"

    def _admin(self, sql: str) -> None:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(sql))
        admin.dispose()

    def __enter__(self):
        self.engine = make_engine(self.url)
        migrate.upgrade(self.engine)
        return self

    def __exit__(self, *exc) -> None:
        self.engine.dispose()
        if self.backend == "sqlite":
            self.dir.cleanup()
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


COLUMNS = ("kind", "status", "title", "summary", "received_at", "due_at", "first_ack_at",
           "replied_at", "published_at", "closed_at", "lead_department_id", "level",
           "reply_channel", "reply_summary", "satisfaction", "responsible_person",
           "created_at", "updated_at", "due_explanation", "extension_days",
           "reply_has_promise", "follow_up_count")
DEFAULTS = {"due_explanation": "", "extension_days": 0, "reply_has_promise": False,
            "follow_up_count": 0}


def _write(db: Scratch, rows: list[dict]) -> None:
    """COPY into PostgreSQL; one executemany into SQLite."""
    if db.backend == "sqlite":
        with db.engine.begin() as conn:
            conn.execute(LedgerEntry.__table__.insert(), rows)
        return
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur, cur.copy(
                f"COPY ledger_entries ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in COLUMNS])
        raw.commit()
    finally:
        raw.close()


def fill(db: Scratch, months: list[tuple[Period, int]], settings, seed: int) -> float:
    """Insert synthetic entries (``count`` per period); return the seconds it took."""
    started = time.perf_counter()
    now = utcnow()
    rnd = random.Random(seed)
    with session_scope(session_factory(db.engine)) as session:
        dept_ids = ensure_departments(session)
    for period, count in months:
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            _write(db, [sample_entry(rnd, period, dept_ids, now, settings.tz) | DEFAULTS
                        for _ in range(size)])
            done += size
    if db.backend == "sqlite":
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    else:
        # VACUUM sets the visibility map autovacuum would set on a live table, so index-only
        # scans of the covering metrics index are possible, as in steady state.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE ledger_entries"))
    return time.perf_counter() - started


def bench_metrics(backend: str, total: int, settings) -> None:
    """Metrics of one month over ``total`` entries spread over 12 months."""
    months = [(MONTH.shifted_months(-i), total // 12) for i in range(12)]
    with Scratch(backend, "metrics") as db:
        seconds = fill(db, months, settings, seed=1)
        print(f"[{backend}] inserted {total:,} entries in {seconds:.1f} s")
        with session_scope(session_factory(db.engine)) as session:
            calendar = work_calendar_for(session)
            for kind in (None, "message"):
                runs = []
                for _ in range(3):
                    result, wall, cpu = timed(lambda k=kind: compute_metrics(
                        session, MONTH, settings, kind=k, work_calendar=calendar))
                    runs.append((wall, cpu))
                label = kind or "all kinds"
                best = min(runs)
                print(f"[{backend}] metrics {MONTH.label} ({label}): received "
                      f"{result.total.received:,}, departments {len(result.by_department)}; "
                      f"wall first {runs[0][0]:.3f} s, best {best[0]:.3f} s; client CPU "
                      f"{best[1]:.3f} s (target < 1 s)")


def bench_report(backend: str, entries: int, settings) -> None:
    """The three report formats for a month of ``entries`` entries."""
    months = [(MONTH, entries)] + [(MONTH.shifted_months(-i), entries // 10)
                                   for i in range(1, 13)]
    with Scratch(backend, "report") as db:
        seconds = fill(db, months, settings, seed=2)
        print(f"[{backend}] inserted {entries:,} entries in {MONTH.label} "
              f"(+{entries // 10:,} in each of 12 earlier months) in {seconds:.1f} s")
        key = MONTH.start.strftime("%Y-%m")
        for fmt in FORMATS:
            with session_scope(session_factory(db.engine)) as session:
                data, wall, cpu = timed(lambda f=fmt, s=session: render_report(s, key, f,
                                                                                settings))
            print(f"[{backend}] report {key}.{fmt}: {len(data):,} bytes, wall {wall:.2f} s, "
                  f"client CPU {cpu:.2f} s (target < 15 s)")


def main() -> None:
    """Run both benchmarks on the chosen backends and print the figures.

    Wall time is what a user waits; the client CPU time (this process; on SQLite that
    includes the database work, on PostgreSQL not) shows the cost when the machine is busy.
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--report-entries", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    settings = load_settings({"YUQING_ENV": "test", "YUQING_DATA_DIR": tempfile.gettempdir()})
    for backend in args.backends.split(","):
        bench_metrics(backend, args.entries, settings)
        bench_report(backend, args.report_entries, settings)


if __name__ == "__main__":
    main()
