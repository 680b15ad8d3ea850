"""``yuqing demo`` and ``yuqing demo-site``: the demo web crawled into the embedded database.

These commands are registered on the ``yuqing`` group by :mod:`tracker.cli`, the only module
that imports the demo package.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from demo.seed import (
    crawl_demo_sources,
    demo_summary,
    describe_accounts,
    ensure_demo_accounts,
    seed_demo_cases,
    seed_demo_departments,
    seed_demo_policies,
    seed_demo_publication,
    seed_demo_watch_rules,
)
from demo.site.data import DEFAULT_DATA_DIR
from demo.site.replay import HOT_MATTER, SH, Replay, wall_clock
from demo.sources import DEMO_SOURCES, seed_demo_sources
from tracker import migrate
from tracker.cli.analysis import analyze_demo
from tracker.cli.app import Context, cli, pass_context
from tracker.cli.progress import crawl_watch, progress_bar, step, wanted
from tracker.db import check_connection, ensure_storage, session_scope
from tracker.ledger import backfill_archive, route_pending, sync_message_cases
from tracker.models import utcnow
from tracker.ops import (
    demo_site_command,
    pick_port,
    run_foreground,
    start_background,
    start_demo_site,
    stop,
    sync_index,
    web_command,
    yuqing_command,
)
from tracker.qa import sync_qa_safely

DEMO_SITE_PORT = 8077


def start_demo_scheduler(site_port: int, logs: Path, crawl_every: int = 120,
                         clock_every: int = 180, replay: bool = True) -> subprocess.Popen:
    """Start ``yuqing scheduler`` for the demo (a child; stop it with the demo). A replaying
    demo web follows the wall clock; a historic one gets its clock moved on."""
    argv = yuqing_command("scheduler", "--crawl-every", str(crawl_every), "--analyze-every", "60",
                          "--health-every", "120")
    if not replay:
        argv += ["--demo-site", f"http://127.0.0.1:{site_port}",
                 "--demo-clock-every", str(clock_every)]
    # In our folder, not the repository's: a relative YUQING_DATA_DIR means the same place.
    proc = start_background(argv, logs / "scheduler.log", append=True, cwd=None)
    clock = "" if replay else f", the demo clock moves on every {clock_every} s"
    click.echo(f"scheduler: crawls every {crawl_every} s{clock}; log in {logs / 'scheduler.log'}")
    return proc


def describe_replay(anchor) -> str:
    """One line on what the replay shows and when its hot matter arrives."""
    state = Replay(anchor).describe()
    first, last = (state["hot"][k][11:19] for k in ("from", "to"))
    return (f"demo web replays real messages, news and posts as if happening now (from "
            f"{anchor:%Y-%m-%d %H:%M:%S}); the hot matter {HOT_MATTER} arrives {first}–{last}")


@cli.command()
@click.option("--port", default=5000, show_default=True, type=int, help="web app port")
@click.option("--no-serve", is_flag=True, help="run the pipeline once and print a JSON summary")
@click.option("--site-port", default=DEMO_SITE_PORT, show_default=True, type=int,
              help="demo web port (another free one is used when it is taken)")
@click.option("--site-limit", type=int, default=None,
              help="at most this many items per demo web section (a quicker demo)")
@click.option("--historic", is_flag=True,
              help="show the data on its own historic dates (moved on by a demo clock) "
                   "instead of replaying it as if happening now")
@pass_context
def demo(ctx: Context, port: int, no_serve: bool, site_port: int,
         site_limit: int | None, historic: bool) -> None:
    """Start the demo web, crawl it into the embedded database, then serve the app."""
    started, since, show = time.monotonic(), utcnow(), wanted()
    ensure_storage(ctx.engine)
    check_connection(ctx.engine)
    migrate.upgrade(ctx.engine)
    logs = ctx.settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    site_port = pick_port(site_port, avoid=frozenset({port}))  # never the app's port
    # SIGTERM while crawling must still stop the demo web (the finally below).
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    anchor = None if historic else wall_clock()  # the replay's start: now
    site = start_demo_site(site_port, limit=site_limit, log=logs / "demo-site.log",
                           replay_anchor=anchor)
    if anchor is not None:
        click.echo(describe_replay(anchor), err=no_serve)
    try:
        with session_scope(ctx.sessions) as session:
            accounts = ensure_demo_accounts(session)
            seed_demo_departments(session)  # every board message can be routed
            seed_demo_sources(session, f"http://127.0.0.1:{site_port}")
            seed_demo_watch_rules(session)  # alerts name the rules they hit
            with crawl_watch(ctx.sessions, since, len(DEMO_SOURCES), enabled=show) as watch:
                results = crawl_demo_sources(session, logs, watch=watch)
        with session_scope(ctx.sessions) as session:  # every board message enters the ledger
            with progress_bar("建立台账", enabled=show) as progress:
                sync_message_cases(session, progress=progress)
            with step("归档与分办", enabled=show):
                backfill_archive(session)  # a database filled before archiving existed
                route_pending(session)  # and its unanswered messages that were never routed
            with step("政策文件", enabled=show):  # replies cite and bundle real policies
                seed_demo_policies(session, ctx.settings, DEFAULT_DATA_DIR)
            with step("问答库", enabled=show):  # answered messages, for the reply aids at once
                sync_qa_safely(session, ctx.settings, since=None)
            with step("典型问答", enabled=show):
                seed_demo_publication(session)  # the public site shows a month's batch
            with step("亮点工程", enabled=show):  # the month's best cases, proposed
                seed_demo_cases(session, ctx.settings.tz)
        with (session_scope(ctx.sessions) as session,  # events, hotness and alerts
              progress_bar("分析", enabled=show) as progress):
            analyze_demo(session, ctx.settings, progress=progress)
        with progress_bar("同步索引", enabled=show) as progress:
            sync_index(ctx.sessions, ctx.settings, progress)  # search finds what was crawled
        with session_scope(ctx.sessions) as session:
            summary = demo_summary(session, since, sum(1 for c in results.values() if c))
        summary["seconds"] = round(time.monotonic() - started, 2)
        if summary["errors"]:
            click.echo(f"{summary['errors']} crawl errors: pages the demo web breaks on purpose "
                       f"(404, 500, redirect loop, cut-off, oversized, bad dates); see {logs}",
                       err=True)
        if no_serve:
            click.echo(json.dumps(summary, ensure_ascii=False))
            return
        click.echo(f"demo web (crawled): http://127.0.0.1:{site_port}/  — crawl logs in {logs}")
        click.echo(json.dumps(summary, ensure_ascii=False))
        click.echo(f"yuqing 舆情 demo: http://127.0.0.1:{port}/")
        click.echo("demo logins (用户名 / 密码):")
        for line in describe_accounts(accounts):
            click.echo(line)
        scheduler = start_demo_scheduler(site_port, logs, replay=not historic)
        try:
            code = run_foreground(web_command("127.0.0.1", port), cwd=None)
        finally:
            stop(scheduler)
    finally:
        stop(site)
    sys.exit(code)


@cli.command("demo-site")
@click.option("--port", default=8077, show_default=True, type=int)
@click.option("--epoch", default=0, show_default=True, type=int, help="starting clock epoch")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="the shared data folder (default: the one beside the repository)")
@click.option("--limit", type=int, help="at most this many items per section (smaller site)")
@click.option("--replay", is_flag=True,
              help="replay the data as if it were happening now, from the moment it starts")
@click.option("--replay-anchor", type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
              help="replay from this Beijing time instead (implies --replay)")
def demo_site(port: int, epoch: int, data_dir: Path | None, limit: int | None, replay: bool,
              replay_anchor) -> None:
    """Serve only the demo web (message boards, news, feeds, forum) on 127.0.0.1."""
    anchor = replay_anchor.replace(tzinfo=SH) if replay_anchor else None
    sys.exit(run_foreground(demo_site_command(port, epoch=epoch, data_dir=data_dir, limit=limit,
                                              replay=replay, replay_anchor=anchor)))
