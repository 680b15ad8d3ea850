"""``yuqing user`` and ``yuqing dept``: accounts, the department directory and the map."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy.orm import Session

from tracker.accounts import (
    AccountError,
    category_map,
    change_password,
    create_department,
    create_user,
    edit_department,
    edit_user,
    find_department,
    find_user,
    list_departments,
    list_users,
    seed_departments,
    set_active,
    set_category_department,
    set_department_active,
    set_role,
)
from tracker.cli.app import Context, cli, pass_context
from tracker.db import session_scope
from tracker.ledger import route_pending
from tracker.models import Department, User
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


@cli.group()
def dept() -> None:
    """Departments (the directory) and the 一级分类 → department map."""


def _dept_change(ctx: Context, name: str, change: Callable[[Session, Department], str]) -> None:
    """Apply ``change`` to the named department in one transaction and print what it says."""
    try:
        with session_scope(ctx.sessions, write=True) as session:
            message = change(session, find_department(session, name))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(message)


def _dept_row(d: Department) -> dict:
    return {"name": d.name, "short_name": d.short_name,
            "parent": d.parent.name if d.parent else None, "head": d.head,
            "contacts": d.contacts, "active": d.active}


@dept.command("list")
@click.option("--json", "as_json", is_flag=True, help="print a JSON list")
@pass_context
def dept_list(ctx: Context, as_json: bool) -> None:
    """List departments: name, short name, parent, head, contacts, active."""
    with session_scope(ctx.sessions) as session:
        rows = [_dept_row(d) for d in list_departments(session)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo("\t".join([row["name"], row["short_name"] or "-", row["parent"] or "-",
                              row["head"] or "-", row["contacts"] or "-",
                              "active" if row["active"] else "disabled"]))


@dept.command("add")
@click.argument("name")
@click.option("--short", "short_name", help="short name (简称)")
@click.option("--parent", help="name of the parent department")
@click.option("--head", help="the head of the department (负责人)")
@click.option("--contacts", help="phone numbers, e-mail")
@pass_context
def dept_add(ctx: Context, name: str, short_name: str | None, parent: str | None,
             head: str | None, contacts: str | None) -> None:
    """Add a department."""
    try:
        with session_scope(ctx.sessions, write=True) as session:
            create_department(session, name, short_name=short_name, parent=parent, head=head,
                              contacts=contacts)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added department {name}")


@dept.command("edit")
@click.argument("name")
@click.option("--name", "new_name", help="a new name")
@click.option("--short", "short_name", help='short name ("" clears it)')
@click.option("--parent", help='name of the parent department ("" clears it)')
@click.option("--head", help='the head of the department ("" clears it)')
@click.option("--contacts", help='phone numbers, e-mail ("" clears them)')
@pass_context
def dept_edit(ctx: Context, name: str, new_name: str | None, short_name: str | None,
              parent: str | None, head: str | None, contacts: str | None) -> None:
    """Change a department's name, short name, parent, head or contacts."""
    _dept_change(ctx, name, lambda session, d: (
        f"updated {name}" if edit_department(session, d, name=new_name, short_name=short_name,
                                             parent=parent, head=head, contacts=contacts)
        else f"{name} is unchanged"))


@dept.command("disable")
@click.argument("name")
@pass_context
def dept_disable(ctx: Context, name: str) -> None:
    """Disable a department: no longer offered or routed to; its cases keep it."""
    _dept_change(ctx, name, lambda session, d: (
        f"disabled {name}" if set_department_active(session, d, False)
        else f"{name} was already disabled"))


@dept.command("enable")
@click.argument("name")
@pass_context
def dept_enable(ctx: Context, name: str) -> None:
    """Offer a disabled department again."""
    _dept_change(ctx, name, lambda session, d: (
        f"enabled {name}" if set_department_active(session, d, True)
        else f"{name} was already enabled"))


@dept.command("seed")
@click.option("--taxonomy", type=click.Path(dir_okay=False, path_type=Path),
              help="a taxonomy CSV with a 一级分类 column: fail when one is not mapped")
@click.option("--json", "as_json", is_flag=True, help="print what was added as JSON")
@pass_context
def dept_seed(ctx: Context, taxonomy: Path | None, as_json: bool) -> None:
    """Add the default departments and 一级分类 map rows that are missing (idempotent)."""
    try:
        with session_scope(ctx.sessions, write=True) as session:
            report = seed_departments(session, taxonomy)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        click.echo(f"added {len(report.departments_added)} departments, mapped "
                   f"{len(report.categories_mapped)} categories")
    if report.unmapped:
        raise click.ClickException("categories without a department: "
                                   + ", ".join(report.unmapped))


@dept.command("map")
@click.argument("category", required=False)
@click.argument("department", required=False)
@click.option("--json", "as_json", is_flag=True, help="print the map as JSON")
@pass_context
def dept_map(ctx: Context, category: str | None, department: str | None,
             as_json: bool) -> None:
    """Print the 一级分类 → department map; with CATEGORY DEPARTMENT set one row
    (DEPARTMENT "" leaves the category to a person)."""
    if category is not None:
        try:
            with session_scope(ctx.sessions, write=True) as session:
                dept_id = find_department(session, department).id if department else None
                changed = set_category_department(session, category, dept_id)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"mapped {category} to {department or 'nobody'}" if changed
                   else f"{category} is unchanged")
        return
    with session_scope(ctx.sessions) as session:
        rows = [{"category": r.category,
                 "department": r.department.name if r.department else None,
                 "active": bool(r.department and r.department.active)}
                for r in category_map(session)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['category']}\t{row['department'] or '-'}"
                   + ("" if row["active"] or not row["department"] else "\t(disabled)"))


@dept.command("route")
@click.option("--json", "as_json", is_flag=True, help='print {"assigned", "queued"}')
@pass_context
def dept_route(ctx: Context, as_json: bool) -> None:
    """Route unanswered board messages that entered the ledger before routing existed:
    assign the sure ones, queue the rest (待分办)."""
    with session_scope(ctx.sessions, write=True) as session:
        done = route_pending(session)
    if as_json:
        click.echo(json.dumps({"assigned": done["auto"], "queued": done["queued"]}))
    else:
        click.echo(f"assigned {done['auto']}, queued {done['queued']}")
