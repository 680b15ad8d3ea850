"""Fixtures for crawl tests: a running demo web, a fresh database, real ``scrapy crawl`` runs.

Crawls run as the product runs them: ``python -m scrapy crawl`` child processes against the
demo web over real HTTP, writing to a real SQLite file or PostgreSQL database.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from demo.sources import DEMO_SOURCES, seed_demo_sources
from tests.conftest import REPO_ROOT, SHARED_DATA, create_pg_database, drop_pg_database
from tracker import migrate
from tracker.db import make_engine, session_factory, session_scope

SITE_LIMIT = 25


@dataclass
class DemoSite:
    """A demo web child process."""

    proc: subprocess.Popen
    url: str

    def set_epoch(self, epoch: int) -> dict:
        """Move the site's clocks (POST /_admin/epoch?set=N)."""
        request = urllib.request.Request(f"{self.url}/_admin/epoch?set={epoch}", data=b"",
                                         method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


def start_site(limit: int | None = SITE_LIMIT, epoch: int = 0) -> DemoSite:
    """Start ``python -m demo.site`` on a free port and wait for its address."""
    argv = [sys.executable, "-m", "demo.site", "--port", "0", "--epoch", str(epoch),
            "--data-dir", str(SHARED_DATA)]
    if limit is not None:
        argv += ["--limit", str(limit)]
    proc = subprocess.Popen(argv, cwd=REPO_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()  # printed once the data is loaded and the port is open
    match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"demo site did not start: {line}{proc.stdout.read()}")
    return DemoSite(proc, match.group(1))


def stop_site(site: DemoSite) -> None:
    """Stop a demo web child."""
    site.proc.terminate()
    try:
        site.proc.wait(10)
    except subprocess.TimeoutExpired:
        site.proc.kill()


@pytest.fixture
def demo_site() -> Iterator[DemoSite]:
    """A small demo web of its own (its clock is this test's to move)."""
    site = start_site()
    yield site
    stop_site(site)


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
