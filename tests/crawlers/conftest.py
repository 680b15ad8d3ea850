"""Fixtures for crawl tests: a running demo web, a fresh database, real ``scrapy crawl`` runs.

Crawls run as the product runs them: ``python -m scrapy crawl`` child processes against the
demo web over real HTTP, writing to a real SQLite file or PostgreSQL database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from demo.sources import DEMO_SOURCES, seed_demo_sources
from tests.conftest import REPO_ROOT, create_pg_database, drop_pg_database

# The demo web these crawls read (its fixture is used by the crawl tests too).
from tests.demo.conftest import SITE_LIMIT, DemoSite, demo_site, start_site, stop_site  # noqa: F401
from tracker import migrate
from tracker.db import make_engine, session_factory, session_scope


@dataclass
class CrawlDB:
    """A migrated database with the demo sources pointing at a demo web."""

    url: str
    engine: Engine
    logs: Path

    def session(self) -> Session:
        """A new session (the caller closes it)."""
        return session_factory(self.engine)()

    def env(self) -> dict[str, str]:
        """The environment of a crawl child writing to this database."""
        return os.environ | {"YUQING_DATABASE_URL": self.url, "YUQING_ENV": "test",
                             "YUQING_DATA_DIR": str(self.logs.parent / "data"),
                             "SCRAPY_SETTINGS_MODULE": "crawlers.settings"}


def make_crawl_db(backend: str, tmp_path: Path, site_url: str) -> CrawlDB:
    """An empty database of ``backend``, migrated and seeded for ``site_url``."""
    url = (f"sqlite:///{tmp_path / 'crawl.db'}" if backend == "sqlite"
           else create_pg_database("yuqing_crawl"))
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(session_factory(engine)) as session:
        seed_demo_sources(session, site_url)
    logs = tmp_path / "logs"
    logs.mkdir(exist_ok=True)
    return CrawlDB(url, engine, logs)


def drop_crawl_db(db: CrawlDB) -> None:
    """Dispose of the engine, and drop the database if it is PostgreSQL."""
    db.engine.dispose()
    if db.url.startswith("postgresql"):
        drop_pg_database(db.url)


def crawl(db: CrawlDB, source: str, *settings: str, kind: str | None = None,
          timeout: int = 240) -> subprocess.CompletedProcess:
    """Run ``python -m scrapy crawl KIND -a source=SOURCE`` to completion."""
    kind = kind or DEMO_SOURCES[source][1]
    argv = [sys.executable, "-m", "scrapy", "crawl", kind, "-a", f"source={source}",
            "--loglevel", "INFO"]
    for setting in settings:
        argv += ["-s", setting]
    result = subprocess.run(argv, cwd=REPO_ROOT, env=db.env(), capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def crawl_all(db: CrawlDB, sources: list[str] | None = None, timeout: int = 240) -> None:
    """Crawl several sources, three child processes at a time (logs in ``db.logs``)."""
    names = sources or list(DEMO_SOURCES)
    procs: dict[str, subprocess.Popen] = {}
    pending = list(names)
    while pending or procs:
        while pending and len(procs) < 3:
            name = pending.pop(0)
            argv = [sys.executable, "-m", "scrapy", "crawl", DEMO_SOURCES[name][1], "-a",
                    f"source={name}", "--loglevel", "INFO"]
            log = db.logs / f"{name}-{len(list(db.logs.glob(name + '-*')))}.log"
            procs[name] = subprocess.Popen(argv, cwd=REPO_ROOT, env=db.env(),
                                           stdout=log.open("w"), stderr=subprocess.STDOUT)
        name, proc = next(iter(procs.items()))
        proc.wait(timeout=timeout)
        assert proc.returncode == 0, f"{name}: see the logs in {db.logs}"
        del procs[name]
