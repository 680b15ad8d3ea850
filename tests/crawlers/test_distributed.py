"""Two crawl workers share one source's frontier in Redis (scrapy-redis); one is killed with
SIGKILL half-way. Every message on the demo site's list ends up stored exactly once.

Everything is real: the demo web over HTTP on 127.0.0.1, Redis on 127.0.0.1:6379 (a db
number and key prefix of this test's own, deleted afterwards), ``yuqing crawl enqueue`` and
two ``yuqing crawl worker`` processes, each with its ``scrapy crawl`` child, on SQLite and
PostgreSQL. The kill takes the whole worker (its process group), as when its host dies.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
import redis
from sqlalchemy import func, select

from demo.site.boards import B_BROKEN
from tests.conftest import REPO_ROOT
from tests.crawlers.conftest import drop_crawl_db, make_crawl_db
from tests.crawlers.test_kill import big_site  # noqa: F401  (the fixture: board B, 600)
from tracker.collection import frontier
from tracker.models import CrawlRun, Mention, MessageCase

SOURCE = "demo_board_b"
REDIS_DB = 13  # this test's own; its keys are deleted afterwards
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
ROW = re.compile(r'<tr class="lyb-row"><td>(\d+)</td>')
NEXT = re.compile(r'<a class="next[^"]*" href="([^"]+)"')


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


@pytest.fixture(scope="module")
def listed_ids(big_site) -> list[str]:  # noqa: F811
    """The message ids board B's list pages show, read over HTTP page by page (without the
    three broken fixtures, whose pages never arrive whole)."""
    ids: list[str] = []
    url = f"{big_site.url}/wz/lyb/index.html"
    while url:
        with urllib.request.urlopen(url, timeout=10) as response:
            page = response.read().decode("gbk")
        ids += ROW.findall(page)
        found = NEXT.search(page)
        url = found and urllib.request.urljoin(url, found.group(1))
    broken = {mid for mid, _title in B_BROKEN}
    return [i for i in ids if i not in broken]


@pytest.fixture
def prefix():
    """A key prefix of this test's own; every key under it is deleted at the end."""
    client = redis_or_skip()
    name = f"test-distributed-{uuid.uuid4().hex[:8]}"
    yield name
    frontier.drop_prefix(client, name)


def yuqing(*args: str) -> list[str]:
    return [sys.executable, "-c", "from tracker.cli import main; main()", *args]


def group_of(pid: int | None) -> int | None:
    """The process group of a crawl run's process (its worker's), or None once it ended."""
    try:
        return os.getpgid(pid) if pid else None
    except ProcessLookupError:
        return None


def count(db, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def runs(db) -> list[CrawlRun]:
    with db.session() as session:
        return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_workers_one_killed_store_every_item_once(big_site, listed_ids, prefix, backend,  # noqa: F811
                                                      tmp_path):
    assert len(listed_ids) > 300 and len(set(listed_ids)) == len(listed_ids)
    db = make_crawl_db(backend, tmp_path, big_site.url)
    env = db.env() | {"YUQING_CRAWL_REDIS_URL": REDIS_URL, "YUQING_CRAWL_REDIS_PREFIX": prefix,
                      "PYTHONPATH": str(REPO_ROOT)}
    workers: list[subprocess.Popen] = []

    def worker(name: str) -> subprocess.Popen:
        argv = yuqing("crawl", "worker", "--until-idle", "--poll", "0.5", "--json",
                      "--loglevel", "INFO", "--log-dir", str(tmp_path / name))
        proc = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        workers.append(proc)
        return proc

    def enqueue() -> dict:
        done = subprocess.run(yuqing("crawl", "enqueue", SOURCE, "--json"), cwd=REPO_ROOT,
                              env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    try:
        assert enqueue() == {"enqueued": [SOURCE], "already_waiting": []}
        assert enqueue() == {"enqueued": [], "already_waiting": [SOURCE]}  # one round at once
        victim, survivor = worker("victim"), worker("survivor")

        # Half-way: both workers are crawling the source and part of it is stored.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            working = {group_of(r.pid) for r in runs(db) if r.items_new > 0
                       and r.status == "running"}
            if {victim.pid, survivor.pid} <= working and count(db, MessageCase) >= 100:
                break
            assert victim.poll() is None and survivor.poll() is None, "a worker ended early"
            time.sleep(0.1)
        else:
            pytest.fail(f"both workers never stored items: {[vars(r) for r in runs(db)]}")
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        stored_at_kill = count(db, MessageCase)
        assert stored_at_kill < len(listed_ids)  # killed half-way

        out, _ = survivor.communicate(timeout=120)
        assert survivor.returncode == 0
        report = json.loads(out)
        assert report["failed"] == {} and report["crawls"][SOURCE] >= 1
        # (a worker whose child found the queue empty for a while starts another: 1 or more)
        first_round = runs(db)
        # The victim's run never ended; so no run of the round is "ok" (it would move the
        # watermark past whatever the victim had taken and not stored).
        statuses = [r.status for r in first_round]
        assert statuses.count("running") == 1 and set(statuses) == {"running", "partial"}
        stored_after_round = count(db, MessageCase)

        # The scheduler's next round: paging goes past what is stored, what is missing comes.
        assert enqueue() == {"enqueued": [SOURCE], "already_waiting": []}
        again = worker("next-round")
        out, _ = again.communicate(timeout=120)
        assert again.returncode == 0 and json.loads(out)["failed"] == {}
        final = runs(db)
        assert [r.status for r in final[:len(first_round)]] == [
            "killed" if status == "running" else status for status in statuses]
        next_round = final[len(first_round):]
        print(f"listed {len(listed_ids)}, stored at the kill {stored_at_kill}, after the "
              f"round {stored_after_round}, runs {statuses}")  # shown with pytest -s
        assert [r.status for r in next_round] == ["ok"]
        assert next_round[0].items_new == len(listed_ids) - stored_after_round

        # Every listed message stored exactly once: as one case and one mention each.
        with db.session() as session:
            cases = list(session.scalars(select(MessageCase.external_id)))
            mentions = session.execute(select(Mention.uid, func.count()).group_by(Mention.uid)
                                       ).all()
        assert sorted(cases) == sorted(listed_ids)
        assert len(mentions) == len(listed_ids) and {n for _uid, n in mentions} == {1}
        assert sum(r.items_new for r in final) <= len(listed_ids)  # nothing counted twice
        keys = frontier.source_keys(prefix, SOURCE)
        assert redis.Redis.from_url(REDIS_URL).zcard(keys.requests) == 0  # nothing left over
    finally:
        for proc in workers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        drop_crawl_db(db)
