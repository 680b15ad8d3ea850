"""PostgreSQL restarted, or down for seconds, while a real ``scrapy crawl`` stores a board.

The crawl commits in small batches. A batch that meets a restarting server is tried again
until the server is back (the work resumes); with retries turned off, the batches that meet
the outage are given up, and the run must then say ``partial`` (never ``ok`` with holes,
never ``running`` after the process ended), so that the next crawl pages past what the
first one stored and fills the holes. Either way the next crawl ends with exactly what one
uninterrupted crawl stores, nothing twice.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from demo.sources import seed_demo_sources
from tests.conftest import REPO_ROOT
from tests.demo.conftest import start_site, stop_site
from tests.faults.conftest import incomplete_messages, report, wait_until
from tracker import migrate
from tracker.db import make_engine, session_factory, session_scope
from tracker.models import CrawlRun, Mention, MessageCase

# PostgreSQL restarts under every other test's feet: run alone (make test runs these last).
pytestmark = pytest.mark.serial

SOURCE = "demo_board_b"  # a few hundred messages with a site limit of 600: seconds of crawl


@pytest.fixture(scope="module")
def site():
    """A demo web with a few hundred messages on board B."""
    demo = start_site(limit=600)
    yield demo
    stop_site(demo)


def new_database(cluster, site_url: str) -> str:
    """A migrated database in the private cluster, with the demo sources; its URL."""
    url = cluster.create_database("yq_crawl")
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(session_factory(engine)) as session:
        seed_demo_sources(session, site_url)
    engine.dispose()
    return url


def start_crawl(url: str, log: Path, *settings: str) -> subprocess.Popen:
    """``python -m scrapy crawl board -a source=SOURCE`` into ``url``, output to ``log``."""
    argv = [sys.executable, "-m", "scrapy", "crawl", "board", "-a", f"source={SOURCE}",
            "--loglevel", "INFO"]
    for setting in settings:
        argv += ["-s", setting]
    env = {**os.environ, "YUQING_DATABASE_URL": url, "YUQING_ENV": "test",
           "SCRAPY_SETTINGS_MODULE": "crawlers.settings"}
    with log.open("w") as out:
        return subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def crawl_to_end(url: str, log: Path) -> int:
    """A whole crawl without faults; its exit code."""
    proc = start_crawl(url, log)
    try:
        return proc.wait(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()


def stored(url: str) -> tuple[set, set]:
    """Everything a crawl stores about messages and mentions, without ids and timestamps."""
    engine = make_engine(url)
    with session_factory(engine)() as session:
        cases = {(c.external_id, c.title, c.body, c.author, c.url, c.category, c.submitted_at,
                  c.likes, c.status, c.reply_text, c.reply_department, c.replied_at,
                  c.fingerprint) for c in session.scalars(select(MessageCase))}
        by_id = dict(session.execute(select(MessageCase.id, MessageCase.external_id)).all())
        mentions = {(m.uid, m.kind, m.url, m.title, m.text, m.published_at, m.fingerprint,
                     by_id.get(m.message_case_id)) for m in session.scalars(select(Mention))}
    engine.dispose()
    return cases, mentions


def runs(url: str) -> list[CrawlRun]:
    """The crawl runs, oldest first."""
    engine = make_engine(url)
    with session_factory(engine)() as session:
        found = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    engine.dispose()
    return found


def case_count(engine) -> int:
    """Stored message cases (0 while the server is away)."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM message_cases")).scalar() or 0
    except Exception:
        return 0


@pytest.fixture(scope="module")
def reference(private_pg, site, tmp_path_factory) -> tuple[set, set]:
    """What one uninterrupted crawl of the board stores."""
    url = new_database(private_pg, site.url)
    assert crawl_to_end(url, tmp_path_factory.mktemp("ref") / "crawl.log") == 0
    return stored(url)


def restart(cluster) -> str:
    cluster.restart("fast")
    return "pg_ctl restart -m fast"


def outage(cluster) -> str:
    cluster.stop("immediate")
    time.sleep(3)
    cluster.start()
    return "pg_ctl stop -m immediate, 3 s down, start"


# name → (fault, stored cases that trigger it, extra Scrapy settings)
FAULTS = {
    "restart": (restart, 100, ()),
    "outage-no-retry": (outage, 1, ("YUQING_STORE_RETRY_SECONDS=0",)),
}


@pytest.mark.slow
@pytest.mark.parametrize("fault", list(FAULTS))
def test_crawl_through_a_postgres_restart_is_honest_and_the_next_crawl_completes(
        private_pg, site, reference, tmp_path, fault):
    """killed: the PostgreSQL server under a running ``scrapy crawl board`` (a fast restart,
    or an immediate stop with 3 s down while the crawl gives up batches at once);
    checked: the crawl ends without a traceback, every stored message is whole, its run is
    ``ok`` only when nothing is missing and ``partial`` otherwise (never left ``running``),
    and a second crawl ends with exactly what one uninterrupted crawl stores, nothing twice."""
    action, threshold, settings = FAULTS[fault]
    url = new_database(private_pg, site.url)
    poll = create_engine(url, poolclass=NullPool)
    log = tmp_path / "crawl-1.log"
    started = time.monotonic()
    proc = start_crawl(url, log, *settings)
    try:
        wait_until(f"{threshold} stored messages", lambda: case_count(poll) >= threshold, 120,
                   proc=proc)
        what = action(private_pg) + " during scrapy crawl"
        code = proc.wait(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output = log.read_text(errors="replace")
    assert code == 0 and "Traceback" not in output, (
        f"killed: {what}; checked: the crawl ends without a traceback — exit {code}:\n"
        f"{output[-3000:]}")
    problems = incomplete_messages(poll)
    assert not problems, f"killed: {what}; checked: every stored message whole — {problems}"
    first_ids = {c[0] for c in stored(url)[0]}
    missing = {c[0] for c in reference[0]} - first_ids
    first = runs(url)[0]
    honest = "partial" if missing else "ok"
    assert first.status == honest, (
        f"killed: {what}; checked: the run says {honest} with {len(missing)} of "
        f"{len(reference[0])} messages missing — it says {first.status}")
    if fault == "outage-no-retry":
        assert missing, f"killed: {what}; checked: the outage hit a batch (none was lost)"

    assert crawl_to_end(url, tmp_path / "crawl-2.log") == 0, (
        f"killed: {what}; checked: the next crawl ends well — see {tmp_path / 'crawl-2.log'}")
    after = stored(url)
    assert after == reference, (
        f"killed: {what}; checked: the next crawl stores what one uninterrupted crawl does — "
        f"{len(after[0])} cases, {len(after[1])} mentions against {len(reference[0])}, "
        f"{len(reference[1])}")
    statuses = [r.status for r in runs(url)]
    assert statuses == [honest, "ok"], (
        f"killed: {what}; checked: the runs say {honest}, then ok — they say {statuses}")
    poll.dispose()
    report(f"crawl + {fault}", first_run=first.status, missing_after_first=len(missing),
           run_errors=first.errors, after_second=f"{len(after[0])}/{len(reference[0])}",
           seconds=round(time.monotonic() - started, 1))
