"""``yuqing serve``: the web app, started as a subprocess.

The tracker never imports Flask or Scrapy; it starts ``python -m web`` and the crawlers as
child processes instead.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import click

from tracker.cli.app import Context, cli, pass_context
from tracker.db import require_schema


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
