"""``yuqing serve``: the web app, started as a subprocess.

The tracker never imports Flask or Scrapy; it starts ``python -m web`` and the crawlers as
child processes instead.
"""

from __future__ import annotations

import sys

import click

from tracker.cli.app import Context, cli, pass_context
from tracker.db import require_schema
from tracker.ops import run_foreground, web_command


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_context
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve the web app."""
    require_schema(ctx.engine)  # refuse to start on an un-migrated database
    # In the caller's folder, as ever: relative paths in its settings mean what they said.
    sys.exit(run_foreground(web_command(host, port), cwd=None))
