"""Fixtures of the demo tests: a demo web of its own, started as the product starts it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import REPO_ROOT, SHARED_DATA

SITE_LIMIT = 25


@dataclass
class DemoSite:
    """A demo web child process."""

    proc: subprocess.Popen
    url: str

    def set_epoch(self, epoch: int) -> dict:
        """Move the site's clocks (POST /_admin/epoch?set=N)."""
        return self.admin(f"epoch?set={epoch}")

    def admin(self, path: str) -> dict:
        """POST /_admin/PATH and read its JSON (the site's state)."""
        request = urllib.request.Request(f"{self.url}/_admin/{path}", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


def start_site(limit: int | None = SITE_LIMIT, epoch: int = 0,
               replay_anchor: str | None = None) -> DemoSite:
    """Start ``python -m demo.site`` on a free port and wait for its address (replaying from
    ``replay_anchor`` when given)."""
    argv = [sys.executable, "-m", "demo.site", "--port", "0", "--epoch", str(epoch),
            "--data-dir", str(SHARED_DATA)]
    if limit is not None:
        argv += ["--limit", str(limit)]
    if replay_anchor is not None:
        argv += ["--replay-anchor", replay_anchor]
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
