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
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="web processes behind the one address (gunicorn; more than 1 needs "
                   "PostgreSQL)")
@pass_context
def serve(ctx: Context, host: str, port: int, workers: int) -> None:
    """Serve the web app."""
    require_schema(ctx.engine)  # refuse to start on an un-migrated database
    if workers > 1 and ctx.engine.dialect.name != "postgresql":
        raise click.ClickException("several web processes (--workers) need PostgreSQL "
                                   "(YUQING_DATABASE_URL); SQLite is served by one")
    # In the caller's folder, as ever: relative paths in its settings mean what they said.
    sys.exit(run_foreground(web_command(host, port, workers), cwd=None))
