"""Progress of long commands on the terminal: counts, rate and, when the total is known, ETA.

The work itself (an import, the analysis, a reindex, a report) lives in tracker's areas and
knows nothing of terminals: each long function takes an optional ``progress`` callback,
``progress(done, total)`` with ``total`` None when it is not known, and calls it now and
then (per batch, never per row). This module is the other end: the CLI draws those calls.

Drawn with tqdm, a maintained progress meter made for this: it shows ``n/total``, the rate
and the time left, falls back to count and rate when the total is unknown, throttles its own
redraws (``mininterval``), measures the width of Chinese text, and lets one-off lines
(:func:`say`) print above the bar. ``click.progressbar`` was the other candidate (click is
already a dependency): it shows the count (``show_pos``), percentage and ETA, but no rate,
and it has no way to print a line (a crawled source) above a live bar without breaking it.

Progress is for a person watching: it goes to stderr, and only when stderr is a terminal and
the command does not print ``--json``. Otherwise the callbacks are ``None``, so the work runs
exactly as it did before progress existed (no counting queries, no chunking) and stdout
stays the command's output alone.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import session_scope
from tracker.models import CrawlRun, Source

if TYPE_CHECKING:
    from tqdm import tqdm

#: ``progress(done, total)``: how much is done so far, and of how much (None: unknown).
Progress = Callable[[int, int | None], None]
#: Seconds between two redraws of a bar, however often the work reports.
REDRAW = 0.5


def wanted(as_json: bool = False) -> bool:
    """Whether to show progress: stderr is a terminal and the output is not JSON."""
    if as_json:
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def _bar(desc: str, unit: str, total: int | None) -> tqdm:
    from tqdm import tqdm  # loaded only when a bar is drawn (80 ms of every command else)

    # A terminal that reports no width (0 columns: a bare pty) would draw an empty line.
    sized = _columns() > 0
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, mininterval=REDRAW,
                dynamic_ncols=sized, ncols=None if sized else 80, nrows=None if sized else 24,
                leave=True, smoothing=0.1)


def _columns() -> int:
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


@contextmanager
def progress_bar(desc: str, *, unit: str = "条", enabled: bool,
                 total: int | None = None) -> Iterator[Progress | None]:
    """A callback drawing a bar on stderr while the block runs, or None when not ``enabled``.

    The callback takes the cumulative count and the total (which may change or be None).
    The bar appears at the first report (work that fails at once draws none) and is closed,
    with its final count, when the block ends.
    """
    if not enabled:
        yield None
        return
    bars: list[tqdm] = []

    def report(done: int, new_total: int | None = None) -> None:
        if not bars:
            bars.append(_bar(desc, unit, new_total if new_total is not None else total))
        bar = bars[0]
        if new_total is not None and new_total != bar.total:
            bar.total = max(new_total, done)
            bar.refresh()
        if done > bar.n:
            bar.update(done - bar.n)

    try:
        yield report
    finally:
        for bar in bars:
            bar.close()


def say(line: str) -> None:
    """Print a line on stderr above any live bar."""
    from tqdm import tqdm

    tqdm.write(line, file=sys.stderr)


@dataclass
class CrawlWatch:
    """Shows the crawl of several sources: a bar over the sources, with the items stored so
    far (read from ``crawl_runs`` at most every :data:`POLL` seconds), and one line per
    source as it finishes: its name, items and seconds."""

    sessions: sessionmaker[Session]
    since: datetime
    bar: tqdm
    polled: float = 0.0
    items: dict[str, int] = field(default_factory=dict)

    POLL = 1.0

    def _read(self) -> None:
        with session_scope(self.sessions) as session:
            rows = session.execute(
                select(Source.name, func.sum(CrawlRun.items_new + CrawlRun.items_updated
                                             + CrawlRun.items_unchanged))
                .join(Source, Source.id == CrawlRun.source_id)
                .where(CrawlRun.started_at >= self.since).group_by(Source.name))
            self.items = {name: int(count or 0) for name, count in rows}
        self.polled = time.monotonic()

    def tick(self) -> None:
        """Refresh the live item count (throttled)."""
        if time.monotonic() - self.polled >= self.POLL:
            self._read()
            self.bar.set_postfix_str(f"已采集 {sum(self.items.values())} 条", refresh=False)
            self.bar.update(0)

    def finished(self, source: str, code: int, seconds: float) -> None:
        """One source is done: print its line and advance the bar."""
        self._read()
        status = "" if code == 0 else f"，退出码 {code}"
        say(f"  采集 {source}: {self.items.get(source, 0)} 条，{seconds:.1f} 秒{status}")
        self.bar.set_postfix_str(f"已采集 {sum(self.items.values())} 条", refresh=False)
        self.bar.update(1)


@contextmanager
def crawl_watch(sessions: sessionmaker[Session], since: datetime, sources: int, *,
                enabled: bool) -> Iterator[CrawlWatch | None]:
    """A :class:`CrawlWatch` over ``sources`` crawls started after ``since``, or None."""
    if not enabled:
        yield None
        return
    bar = _bar("采集", "个来源", sources)
    try:
        yield CrawlWatch(sessions, since, bar)
    finally:
        bar.close()


@contextmanager
def step(desc: str, *, enabled: bool) -> Iterator[None]:
    """A line for a step without counts: its name now, its seconds when done."""
    started = time.monotonic()
    if enabled:
        say(f"{desc}…")
    yield
    if enabled:
        say(f"{desc}：完成，{time.monotonic() - started:.1f} 秒")
