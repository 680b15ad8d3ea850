"""``yuqing demo`` and ``yuqing serve``: long-running processes, started as subprocesses.

The tracker never imports Flask or Scrapy; it starts ``python -m web`` and the crawlers as
child processes instead.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import click

from tracker import migrate
from tracker.cli.analysis import analyze_demo
from tracker.cli.app import Context, cli, pass_context
from tracker.cli.ops import start_demo_scheduler
from tracker.db import check_connection, ensure_storage, require_schema, session_scope
from tracker.demo import (
    crawl_demo_sources,
    demo_summary,
    describe_accounts,
    ensure_demo_accounts,
    seed_demo_watch_rules,
)
from tracker.jobs import sync_index
from tracker.ledger import sync_message_cases
from tracker.models import utcnow
from tracker.runner import pick_port, start_demo_site, stop
from tracker.sources_config import seed_demo_sources

DEMO_SITE_PORT = 8077


def web_command(host: str, port: int) -> list[str]:
    """The command line that serves the web app."""
    return [sys.executable, "-m", "web", "--host", host, "--port", str(port)]


def run_foreground(argv: list[str]) -> int:
    """Run a child process until it ends or Ctrl-C; return its exit code."""
    proc = subprocess.Popen(argv, env=os.environ.copy())
    # `kill <yuqing>` must not leave the child serving on its own.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: proc.terminate())
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_context
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve the web app."""
    require_schema(ctx.engine)  # refuse to start on an un-migrated database
    sys.exit(run_foreground(web_command(host, port)))


@cli.command()
@click.option("--port", default=5000, show_default=True, type=int, help="web app port")
@click.option("--no-serve", is_flag=True, help="run the pipeline once and print a JSON summary")
@click.option("--site-port", default=DEMO_SITE_PORT, show_default=True, type=int,
              help="demo web port (another free one is used when it is taken)")
@click.option("--site-limit", type=int, default=None,
              help="at most this many items per demo web section (a quicker demo)")
@pass_context
def demo(ctx: Context, port: int, no_serve: bool, site_port: int,
         site_limit: int | None) -> None:
    """Start the demo web, crawl it into the embedded database, then serve the app."""
    started, since = time.monotonic(), utcnow()
    ensure_storage(ctx.engine)
    check_connection(ctx.engine)
    migrate.upgrade(ctx.engine)
    logs = ctx.settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    site_port = pick_port(site_port, avoid=frozenset({port}))  # never the app's port
    # SIGTERM while crawling must still stop the demo web (the finally below).
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    site = start_demo_site(site_port, limit=site_limit, log=logs / "demo-site.log")
    try:
        with session_scope(ctx.sessions) as session:
            accounts = ensure_demo_accounts(session)
            seed_demo_sources(session, f"http://127.0.0.1:{site_port}")
            seed_demo_watch_rules(session)  # alerts name the rules they hit
            results = crawl_demo_sources(session, logs)
        with session_scope(ctx.sessions) as session:  # every board message enters the ledger
            sync_message_cases(session)
        with session_scope(ctx.sessions) as session:  # events, hotness and alerts
            analyze_demo(session, ctx.settings)
        sync_index(ctx.sessions, ctx.settings)  # the search page finds what was crawled
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
        scheduler = start_demo_scheduler(site_port, logs)  # crawls, analysis, demo clock
        try:
            code = run_foreground(web_command("127.0.0.1", port))
        finally:
            stop(scheduler)
    finally:
        stop(site)
    sys.exit(code)
