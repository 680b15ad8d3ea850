"""Backups as docs/deploy.md describes them, restored and checked.

PostgreSQL: ``pg_dump --format=custom`` of a database with real rows (board messages of the
shared data collected into mentions and message cases, accounts, departments, watch rules),
``pg_restore`` into a new empty database, then every table's row count, a sample of rows and
the schema version are compared, and ``yuqing db upgrade`` runs on the restored copy.

The embedded index file (and a single-host SQLite database): SQLite's online backup
(``sqlite3 index.db ".backup copy.db"``) taken while the index is open, then opened from the
copy: same documents, same search results.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from demo.seed import ensure_demo_accounts, seed_demo_departments, seed_demo_watch_rules
from demo.site.data import DemoData
from demo.sources import seed_demo_sources
from tests.conftest import SHARED_DATA, create_pg_database, drop_pg_database
from tracker import migrate
from tracker.collection.ingest import CollectedItem, Ingestor
from tracker.db import make_engine, session_factory, session_scope
from tracker.index import SearchRequest, parse_query, run_sync
from tracker.index.embedded import EmbeddedIndex
from tracker.ledger import sync_message_cases
from tracker.models import Mention, Source, utcnow

YUQING = str(Path(sys.executable).with_name("yuqing"))
pytestmark = pytest.mark.skipif(shutil.which("pg_dump") is None, reason="no pg_dump")


def libpq(url: str) -> list[str]:
    """pg_dump/pg_restore connection arguments for a SQLAlchemy URL."""
    parsed = make_url(url)
    args = ["-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432),
            "-U", parsed.username or "postgres"]
    return [*args, "-d", parsed.database]


def fill(sessions, limit: int = 120) -> None:
    """Real rows: board A's messages of the shared data, collected as a crawl would."""
    data = DemoData(SHARED_DATA, limit)
    with session_scope(sessions) as session:
        ensure_demo_accounts(session)
        seed_demo_departments(session)
        seed_demo_watch_rules(session)
        seed_demo_sources(session, "http://127.0.0.1:9")
        board = session.scalar(select(Source).where(Source.name == "demo_board_a"))
        ingest = Ingestor(session, board, via="test")
        for m in data.board_a[:limit]:
            ingest.ingest(CollectedItem(
                kind="board", external_id=m.id, title=m.title, text=m.body,
                url=f"http://127.0.0.1:9/board-a/threads/content?tid={m.id}", author=m.user,
                published_at=m.submitted, reply_text=m.reply,
                reply_department=m.department, replied_at=m.replied))
    with session_scope(sessions) as session:
        sync_message_cases(session)


def table_counts(engine) -> dict[str, int]:
    names = sorted(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in names}


def test_pg_dump_and_restore_into_a_new_database(tmp_path):
    source_url, target_url = create_pg_database("yuqing_backup"), create_pg_database(
        "yuqing_restore")
    source = make_engine(source_url)
    target = None
    try:
        migrate.upgrade(source)
        fill(session_factory(source))
        before = table_counts(source)
        assert before["mentions"] >= 100 and before["message_cases"] >= 100
        assert before["users"] and before["watch_rules"] and before["departments"]
        dump = tmp_path / "yuqing.dump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump),
                        *libpq(source_url)], check=True, timeout=120)
        assert dump.stat().st_size > 10_000
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", *libpq(target_url),
                        str(dump)], check=True, timeout=120)
        target = make_engine(target_url)
        assert table_counts(target) == before
        with source.connect() as a, target.connect() as b:
            for query in ("SELECT uid, title, fetched_at FROM mentions ORDER BY id",
                          "SELECT version_num FROM alembic_version",
                          "SELECT username, role_code FROM users ORDER BY id"):
                assert a.execute(text(query)).all() == b.execute(text(query)).all()
        # Sequences come back too: a new row in the copy gets a fresh id.
        with session_scope(session_factory(target)) as session:
            board = session.scalar(select(Source).where(Source.name == "demo_board_a"))
            Ingestor(session, board, via="test").ingest(CollectedItem(
                kind="board", external_id="after-restore", title="恢复后的新留言",
                text="恢复后的新留言", published_at=utcnow()))
            assert session.scalar(select(func.count()).select_from(Mention)) == \
                before["mentions"] + 1
        # The upgrade step of the guide runs on the restored copy (already at head: no-op).
        env = {**os.environ, "YUQING_DATABASE_URL": target_url,
               "YUQING_DATA_DIR": str(tmp_path / "var")}
        done = subprocess.run([YUQING, "db", "upgrade"], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    finally:
        source.dispose()
        if target is not None:
            target.dispose()
        drop_pg_database(source_url)
        drop_pg_database(target_url)


def test_embedded_index_online_backup_and_restore(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'yuqing.db'}")
    migrate.upgrade(engine)
    sessions = session_factory(engine)
    fill(sessions, limit=80)
    index = EmbeddedIndex(tmp_path / "index.db")
    index.ensure()
    assert run_sync(sessions, index).indexed >= 80
    request = SearchRequest(query=parse_query("小区"), size=50)
    wanted = [hit.doc.id for hit in index.search(request).hits]
    assert wanted and index.count() >= 80
    copy = tmp_path / "backup" / "index.db"
    copy.parent.mkdir()
    # The sqlite3 shell's .backup, as the guide says, while the index is open.
    subprocess.run(["sqlite3", str(tmp_path / "index.db"), f".backup '{copy}'"], check=True,
                   timeout=60)
    count = index.count()
    index.close()
    (tmp_path / "index.db").unlink()  # the disk is lost
    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    shutil.copy(copy, restored_dir / "index.db")
    restored = EmbeddedIndex(restored_dir / "index.db")
    try:
        assert restored.count() == count
        assert [hit.doc.id for hit in restored.search(request).hits] == wanted
        with sqlite3.connect(restored_dir / "index.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        restored.close()
        engine.dispose()
