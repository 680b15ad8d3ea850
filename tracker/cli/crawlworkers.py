"""``yuqing crawl worker`` and ``yuqing crawl enqueue``: crawling on a shared frontier.

Both need Redis: ``--redis URL`` or ``YUQING_CRAWL_REDIS_URL`` (and the key prefix,
``--prefix`` or ``YUQING_CRAWL_REDIS_PREFIX``). See :mod:`tracker.ops.workers`.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import click

from tracker.cli.app import Context, pass_context
from tracker.cli.collect import crawl
from tracker.collection import FrontierError
from tracker.ops import enqueue_sources, work


def _frontier(ctx: Context, redis_url: str | None, prefix: str | None) -> tuple[str, str]:
    url = redis_url or ctx.settings.crawl_redis_url
    if not url:
        raise click.UsageError("say where the shared frontier is: --redis redis://HOST:6379/0 "
                               "or YUQING_CRAWL_REDIS_URL")
    return url, prefix or ctx.settings.crawl_redis_prefix


redis_option = click.option("--redis", "redis_url", metavar="URL",
                            help="the frontier's Redis (default: YUQING_CRAWL_REDIS_URL)")
prefix_option = click.option("--prefix", metavar="PREFIX",
                             help="its key prefix (default: YUQING_CRAWL_REDIS_PREFIX)")


@crawl.command("enqueue")
@click.argument("sources", nargs=-1)
@redis_option
@prefix_option
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@pass_context
def crawl_enqueue(ctx: Context, sources: tuple[str, ...], redis_url: str | None,
                  prefix: str | None, as_json: bool) -> None:
    """Start a crawl round of SOURCES (default: every enabled source) on the frontier."""
    url, prefix = _frontier(ctx, redis_url, prefix)
    try:
        tokens = enqueue_sources(ctx.sessions, url, prefix, sources)
    except (LookupError, FrontierError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({"enqueued": sorted(n for n, new in tokens.items() if new),
                               "already_waiting": sorted(n for n, new in tokens.items()
                                                         if not new)}, ensure_ascii=False))
        return
    for name, new in tokens.items():
        click.echo(f"{name}: {'round started' if new else 'a round was already waiting'}")


@crawl.command("worker")
@redis_option
@prefix_option
@click.option("--parallel", default=2, show_default=True, type=click.IntRange(1, 64),
              help="sources crawled at once by this worker")
@click.option("--poll", default=2.0, show_default=True, type=click.FloatRange(0.1, 60),
              help="seconds between looks at an empty frontier")
@click.option("--until-idle", is_flag=True, help="end once the frontier holds nothing")
@click.option("--log-dir", type=click.Path(file_okay=False, path_type=Path),
              help="one log file per source (default: this terminal)")
@click.option("--loglevel", default="INFO", show_default=True)
@click.option("--json", "as_json", is_flag=True,
              help="at the end, print {crawls, failed} per source as JSON")
@pass_context
def crawl_worker(ctx: Context, redis_url: str | None, prefix: str | None, parallel: int,
                 poll: float, until_idle: bool, log_dir: Path | None, loglevel: str,
                 as_json: bool) -> None:
    """Crawl whatever the shared frontier holds, with any other workers, until stopped."""
    url, prefix = _frontier(ctx, redis_url, prefix)
    os.environ["YUQING_CRAWL_REDIS_URL"] = url  # the crawl children read them
    os.environ["YUQING_CRAWL_REDIS_PREFIX"] = prefix
    # `kill <worker>` ends its crawls too (run_crawls stops them on the way out).
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    try:
        report = work(ctx.sessions, url, prefix, parallel=parallel, poll=poll,
                      until_idle=until_idle, log_dir=log_dir, loglevel=loglevel)
    except FrontierError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        return
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    if report.failed:
        raise click.ClickException(f"crawls failed: {json.dumps(report.failed)}")
