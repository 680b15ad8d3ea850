"""``yuqing user``: account administration."""

from __future__ import annotations

import json
from collections.abc import Callable

import click
from sqlalchemy.orm import Session

from tracker.accounts import (
    AccountError,
    change_password,
    create_user,
    edit_user,
    find_user,
    list_users,
    set_active,
    set_role,
)
from tracker.cli.app import Context, cli, pass_context
from tracker.db import session_scope
from tracker.models import User
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


def _change(ctx: Context, username: str, change: Callable[[Session, User], str]) -> None:
    """Apply ``change`` to the named user in one transaction and print what it says."""
    try:
        with session_scope(ctx.sessions, write=True) as session:
            message = change(session, find_user(session, username))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(message)


@user.command("password")
@click.argument("username")
@click.option("--password", prompt="New password", hide_input=True, confirmation_prompt=True,
              help="the new password (asked for twice when not given)")
@pass_context
def user_password(ctx: Context, username: str, password: str) -> None:
    """Set a user's password; every session of the user ends."""

    def change(session: Session, account: User) -> str:
        change_password(session, account, password)
        return f"changed the password of {username}"

    _change(ctx, username, change)


user.add_command(user_password, "passwd")  # the name docs/DESIGN.md lists


@user.command("disable")
@click.argument("username")
@pass_context
def user_disable(ctx: Context, username: str) -> None:
    """Disable a user: no more sign-ins, and every session of the user ends."""
    _change(ctx, username, lambda session, account: (
        f"disabled {username}" if set_active(session, account, False)
        else f"{username} was already disabled"))


@user.command("enable")
@click.argument("username")
@pass_context
def user_enable(ctx: Context, username: str) -> None:
    """Let a disabled user sign in again."""
    _change(ctx, username, lambda session, account: (
        f"enabled {username}" if set_active(session, account, True)
        else f"{username} was already enabled"))


@user.command("role")
@click.argument("username")
@click.argument("role")
@click.option("--department", help="department name (required for a responder without one)")
@pass_context
def user_role(ctx: Context, username: str, role: str, department: str | None) -> None:
    """Give a user another role (and department); every session of the user ends."""
    _change(ctx, username, lambda session, account: (
        f"{username} is now {role}" if set_role(session, account, role, department)
        else f"{username} already is {role}"))


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="print a JSON list")
@pass_context
def user_list(ctx: Context, as_json: bool) -> None:
    """List users: username, name, role, department, e-mail, active."""
    with session_scope(ctx.sessions) as session:
        rows = [{"username": u.username, "name": u.display_name, "role": u.role_code,
                 "department": u.department.name if u.department else None,
                 "email": u.email, "active": u.active} for u in list_users(session)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo("\t".join([row["username"], row["name"], row["role"],
                              row["department"] or "-", row["email"] or "-",
                              "active" if row["active"] else "disabled"]))


@user.command("edit")
@click.argument("username")
@click.option("--name", "display_name", help="name shown in the UI")
@click.option("--email", help='e-mail address ("" clears it)')
@click.option("--department", help='department name ("" clears it)')
@click.option("--role", type=click.Choice([r.value for r in RoleCode]))
@pass_context
def user_edit(ctx: Context, username: str, display_name: str | None, email: str | None,
              department: str | None, role: str | None) -> None:
    """Change a user's name, e-mail, department or role; a new role or department ends
    every session of the user."""
    _change(ctx, username, lambda session, account: (
        f"updated {username}" if edit_user(session, account, display_name, email, department,
                                           role)
        else f"{username} is unchanged"))
