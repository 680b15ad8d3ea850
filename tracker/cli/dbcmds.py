"""``yuqing db``: migrations."""

from __future__ import annotations

import click

from tracker import migrate
from tracker.cli.app import Context, cli, pass_context
from tracker.db import check_connection, describe_url, ensure_storage


@cli.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.option("--to", "target", default="heads", show_default=True, help="target revision")
@pass_context
def db_upgrade(ctx: Context, target: str) -> None:
    """Migrate the database to the newest schema (a no-op when already there)."""
    ensure_storage(ctx.engine)
    check_connection(ctx.engine)
    changed = migrate.upgrade(ctx.engine, target)
    where = describe_url(ctx.settings.database_url)
    heads = ", ".join(sorted(migrate.current_heads(ctx.engine)))
    if changed:
        click.echo(f"upgraded {where} to {heads}")
    else:
        click.echo(f"{where} is already at {heads}; nothing to do")


@db.command("downgrade")
@click.option("--to", "target", default="base", show_default=True, help="target revision")
@click.confirmation_option(prompt="Drop yuqing tables?")
@pass_context
def db_downgrade(ctx: Context, target: str) -> None:
    """Migrate the database down (default: drop everything)."""
    check_connection(ctx.engine)
    migrate.downgrade(ctx.engine, target)
    click.echo(f"downgraded to {target}")
