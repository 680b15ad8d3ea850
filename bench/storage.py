"""Disk per mention, for the sizing table of docs/deploy.md: PostgreSQL and the embedded index.

Real texts: the board messages of the TipDM 2020 C 附件4 (with their replies) and the Weibo
2018 posts, collected through the real ``Ingestor`` (mentions, message cases for the board
messages, audit) into a fresh PostgreSQL database, then synced into a fresh embedded index.
Prints rows, ingest rate, ``pg_database_size`` growth per mention, the biggest tables, and the
index file size per document. The database is created and dropped (``--admin-url``).

    .venv/bin/python bench/storage.py [--count 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench._common import DATA_DIR, read_csv  # noqa: E402
from tracker import migrate  # noqa: E402
from tracker.collection.ingest import CollectedItem, Ingestor  # noqa: E402
from tracker.db import make_engine, session_factory, session_scope  # noqa: E402
from tracker.index import run_sync  # noqa: E402
from tracker.index.embedded import EmbeddedIndex  # noqa: E402
from tracker.models import Source  # noqa: E402

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def items(count: int) -> list[CollectedItem]:
    """Board messages (with replies) and Weibo posts, alternating, ``count`` in all."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    board = read_csv(DATA_DIR / "tipdm2020c_fj4_replies/fujian4_messages_replies_even_ids.csv")
    weibo = read_csv(DATA_DIR / "weibo2018/weibo2018_train.csv")
    out: list[CollectedItem] = []
    for i in range(count):
        when = start + timedelta(minutes=i)
        if i % 2 == 0:
            row = board[(i // 2) % len(board)]
            body = row.get("留言详情") or row.get("留言主题") or ""
            out.append(CollectedItem(
                kind="board", external_id=f"b{i}", title=(row.get("留言主题") or body)[:100],
                text=body, author=row.get("留言用户"), published_at=when,
                url=f"https://board.example/{i}", reply_text=row.get("答复意见") or None,
                replied_at=when + timedelta(days=5) if row.get("答复意见") else None))
        else:
            body = weibo[(i // 2) % len(weibo)]["text"]
            out.append(CollectedItem(kind="forum", external_id=f"w{i}", title=body[:30],
                                     text=body, published_at=when,
                                     url=f"https://forum.example/{i}", likes=i % 50))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--admin-url", default=ADMIN)
    args = parser.parse_args()
    name = f"yuqing_storage_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = args.admin_url.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        size = "SELECT pg_database_size(current_database())"
        with engine.connect() as conn:
            empty = conn.execute(text(size)).scalar_one()
        sessions = session_factory(engine)
        batch = items(args.count)
        started = time.perf_counter()
        with session_scope(sessions) as session:
            sources = {kind: Source(name=f"s_{kind}", title=kind, kind=kind, config={},
                                    base_url=f"https://{kind}.example")
                       for kind in ("board", "forum")}
            session.add_all(sources.values())
            session.flush()
            for kind, source in sources.items():
                ingest = Ingestor(session, source, via="bench")
                mine = [item for item in batch if item.kind == kind]
                for i in range(0, len(mine), 500):
                    ingest.ingest_many(mine[i:i + 500])
        seconds = time.perf_counter() - started
        with engine.connect() as conn:
            conn.execute(text("CHECKPOINT"))
            conn.commit()
            conn.execute(text("ANALYZE"))
            full = conn.execute(text(size)).scalar_one()
            tables = conn.execute(text(
                "SELECT relname, pg_total_relation_size(relid)"
                " FROM pg_catalog.pg_statio_user_tables ORDER BY 2 DESC LIMIT 5")).all()
        print(f"PostgreSQL: {args.count:,} mentions ingested in {seconds:.1f} s "
              f"({args.count / seconds:,.0f}/s, one process)")
        print(f"  database grew {(full - empty) / 2**20:,.1f} MiB = "
              f"{(full - empty) / args.count / 1024:.2f} KiB per mention")
        for table, nbytes in tables:
            print(f"  {table:<24} {nbytes / 2**20:8.1f} MiB")
        with tempfile.TemporaryDirectory() as tmp:
            index = EmbeddedIndex(Path(tmp) / "index.db")
            index.ensure()
            started = time.perf_counter()
            report = run_sync(sessions, index)
            index.close()
            file_size = sum(p.stat().st_size for p in Path(tmp).glob("index.db*"))
            print(f"embedded index: {report.indexed:,} documents synced from PostgreSQL in "
                  f"{time.perf_counter() - started:.1f} s; {file_size / 2**20:,.1f} MiB = "
                  f"{file_size / max(report.indexed, 1) / 1024:.2f} KiB per document")
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
