"""``yuqing user``: account administration."""

from __future__ import annotations

import click

from tracker.accounts import AccountError, create_user
from tracker.cli.app import Context, cli, pass_context
from tracker.db import session_scope
from tracker.vocabulary import RoleCode


@cli.group()
def user() -> None:
    """User accounts."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in RoleCode]))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", help="name shown in the UI")
@click.option("--department", help="department name (required for responders)")
@click.option("--email")
@pass_context
def user_add(ctx: Context, username: str, role: str, password: str,
             display_name: str | None, department: str | None, email: str | None) -> None:
    """Create a user with a hashed password."""
    try:
        with session_scope(ctx.sessions, write=True) as session:
            create_user(session, username, password, role, display_name, department, email)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {role} user {username}")
