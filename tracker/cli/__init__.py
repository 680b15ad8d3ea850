"""The ``yuqing`` command: a group of small commands, one module per area.

Each area module registers its commands on :data:`tracker.cli.app.cli`; importing it here
is all it takes to add it.
"""

from __future__ import annotations

import tracker.cli.analysis  # noqa: F401  (analyze, hot, sentiment, classify)
import tracker.cli.cases  # noqa: F401  (cases propose)
import tracker.cli.collect  # noqa: F401  (crawl, import-messages)
import tracker.cli.crawlworkers  # noqa: F401  (crawl worker, crawl enqueue)
import tracker.cli.learning  # noqa: F401  (model retrain, list, use)
import tracker.cli.ops  # noqa: F401  (scheduler, jobs)
import tracker.cli.policy  # noqa: F401  (policy import, search, reindex)
import tracker.cli.qa  # noqa: F401  (qa similar, sync)
import tracker.cli.quality  # noqa: F401  (reply-check)
import tracker.cli.search  # noqa: F401  (search, index sync/reindex/status)
from tracker.cli import (  # noqa: F401
    accounts,
    dbcmds,
    ledger,
    mask,
    reports,
    rules,
    services,
    sources,
    tokens,
    yearly,
)

# The demo package sits above tracker; this is the one import of it (yuqing demo, demo-site),
# allowed by name in the layers contract (pyproject.toml).
import demo.cli  # noqa: F401,E402  isort: skip
from tracker.cli.app import cli, main

__all__ = ["cli", "main"]
