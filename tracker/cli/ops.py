"""``yuqing scheduler`` (the scheduler process) and ``yuqing jobs`` (what it runs)."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from datetime import timedelta

import click

from tracker.cli.app import Context, cli, pass_context
from tracker.collection import HealthPolicy
from tracker.db import require_schema, session_scope
from tracker.ops import (
    LeadershipLost,
    Process,
    SchedulerBusy,
    Timing,
    configure,
    job_definitions,
    list_jobs,
    request,
    scheduler_status,
    serve,
)


@cli.command()
@click.option("--crawl-every", type=click.IntRange(min=1), metavar="SECONDS",
              help="crawl every source this often (default: each source's own interval)")
@click.option("--analyze-every", type=click.IntRange(min=1), default=300, show_default=True,
              metavar="SECONDS")
@click.option("--reminders-every", type=click.IntRange(min=1), default=300,
              show_default=True, metavar="SECONDS")
@click.option("--health-every", type=click.IntRange(min=1), default=900, show_default=True,
              metavar="SECONDS")
@click.option("--deliver-every", type=click.IntRange(min=1), default=30, show_default=True,
              metavar="SECONDS")
@click.option("--watch-every", type=click.IntRange(min=0), metavar="SECONDS",
              help="look at each source's first list page this often and crawl a source at "
                   "once when it changed; 0 turns the watch off  [default: YUQING_WATCH_SECONDS, "
                   "60]")
@click.option("--crawl-timeout", type=click.IntRange(min=1), default=1800, show_default=True,
              metavar="SECONDS", help="a crawl running longer is stopped")
@click.option("--quiet-after", type=click.FloatRange(min=0), default=120.0, show_default=True,
              metavar="MINUTES", help="silence before a delivering source counts as quiet")
@click.option("--quiet-runs", type=click.IntRange(min=1), default=3, show_default=True,
              help="empty crawls in a row before a source counts as quiet")
@click.option("--demo-site", metavar="URL",
              help="move this demo web's clock on (yuqing demo --historic)")
@click.option("--demo-clock-every", type=click.IntRange(min=1), default=180, show_default=True,
              metavar="SECONDS")
@pass_context
def scheduler(ctx: Context, crawl_every: int | None, analyze_every: int, reminders_every: int,
              health_every: int, deliver_every: int, watch_every: int | None,
              crawl_timeout: int, quiet_after: float, quiet_runs: int, demo_site: str | None,
              demo_clock_every: int) -> None:
    """Run the scheduler (crawls, analysis, reminders, health, reports) until stopped.

    A new item on a source's first list page is noticed by the change watch (every 60 s,
    YUQING_WATCH_SECONDS or --watch-every; 0 turns it off), whose crawl then runs at once; a
    crawl that stored new items runs the analysis at once, and an analysis that raised alerts
    the delivery."""
    require_schema(ctx.engine)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    timing = Timing(crawl_every=crawl_every, analyze_every=analyze_every,
                          reminders_every=reminders_every, health_every=health_every,
                          deliver_every=deliver_every, watch_every=watch_every,
                          demo_site=demo_site, demo_clock_every=demo_clock_every)
    policy = HealthPolicy(quiet_runs=quiet_runs, quiet_after=timedelta(minutes=quiet_after))
    configure(ctx.settings, ctx.engine, crawl_timeout=crawl_timeout, health_policy=policy)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _signum, _frame: stop.set())

    def announce(process: Process) -> None:
        counts = {k: len(v) for k, v in process.last_reconcile.items()}
        click.echo(f"scheduler running (pid {os.getpid()}); "
                   f"jobs added {counts['added']}, replaced {counts['replaced']}, "
                   f"kept {counts['kept']}, removed {counts['removed']}", err=True)

    def standby() -> None:
        click.echo(f"scheduler standing by (pid {os.getpid()}): another scheduler leads; "
                   "this one takes over when it stops", err=True)

    try:
        serve(ctx.engine, ctx.settings, timing, stop, on_start=announce, on_standby=standby)
    except (SchedulerBusy, LeadershipLost) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("scheduler stopped", err=True)


def _local(value, ctx: Context) -> str:
    return value.astimezone(ctx.settings.tz).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


@cli.group("jobs", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="print the jobs as JSON")
@click.pass_context
def jobs_group(click_ctx: click.Context, as_json: bool) -> None:
    """The scheduled jobs: id, trigger, next run, last run and its result."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx = click_ctx.find_object(Context) or click_ctx.ensure_object(Context)
    with session_scope(ctx.sessions) as session:
        infos = list_jobs(session, ctx.settings)
        status = scheduler_status(session)
        if as_json:
            click.echo(json.dumps([i.as_json() for i in infos], ensure_ascii=False, default=str))
            return
        state = (f"running (pid {status['pid']}, heartbeat {_local(status['beat_at'], ctx)})"
                 if status["running"] else "not running")
        click.echo(f"scheduler: {state}")
        for standby in status["standbys"]:
            click.echo(f"standby: pid {standby['pid']} on {standby['host']}, "
                       f"heartbeat {_local(standby['beat_at'], ctx)}")
        for info in infos:
            run = info.last_run
            last = f"{_local(run.started_at, ctx)} {run.status}" if run else "never"
            nxt = "paused" if info.paused and info.scheduled else _local(info.next_run, ctx)
            click.echo(f"{info.id:<28} {info.trigger:<36} next {nxt:<19}  last {last}")
            if run is not None and run.error:
                click.echo(f"{'':<28} error: {run.error.splitlines()[0][:160]}")


@jobs_group.command("pause")
@click.argument("job_id")
@pass_context
def jobs_pause(ctx: Context, job_id: str) -> None:
    """Ask the running scheduler to pause JOB_ID."""
    _request(ctx, job_id, "pause")


@jobs_group.command("resume")
@click.argument("job_id")
@pass_context
def jobs_resume(ctx: Context, job_id: str) -> None:
    """Ask the running scheduler to resume JOB_ID."""
    _request(ctx, job_id, "resume")


@jobs_group.command("run")
@click.argument("job_id")
@click.option("--here", is_flag=True, help="run it in this process now, not in the scheduler")
@pass_context
def jobs_run(ctx: Context, job_id: str, here: bool) -> None:
    """Run JOB_ID now (through the running scheduler, or --here)."""
    if not here:
        _request(ctx, job_id, "run")
        return
    require_schema(ctx.engine)
    configure(ctx.settings, ctx.engine)
    with session_scope(ctx.sessions) as session:
        defs = {d.id: d for d in job_definitions(session, ctx.settings, Timing())}
    if job_id not in defs:
        raise click.ClickException(f"no job {job_id!r} (known: {', '.join(sorted(defs))})")
    summary = defs[job_id].func(**defs[job_id].kwargs)
    click.echo(json.dumps(summary, ensure_ascii=False, default=str))


def _request(ctx: Context, job_id: str, action: str) -> None:
    with session_scope(ctx.sessions, write=True) as session:
        request(session, job_id, action)
        running = scheduler_status(session)["running"]
    note = "" if running else " (no scheduler is running; it applies on the next start)"
    click.echo(f"requested {action} of {job_id}{note}")
