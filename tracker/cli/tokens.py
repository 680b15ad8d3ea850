"""``yuqing token``: API tokens for the systems around the office (create, list, revoke)."""

from __future__ import annotations

import json

import click

from tracker.accounts import (
    SCOPES,
    TokenError,
    create_token,
    find_token_by_name,
    list_tokens,
    revoke_token,
)
from tracker.cli.app import Context, cli, pass_context
from tracker.db import session_scope
from tracker.models import ApiToken


@cli.group()
def token() -> None:
    """API tokens (/api/v1): tied to a source, a department, or metrics only."""


def _as_json(token: ApiToken) -> dict:
    def when(value):
        return value.isoformat() if value else None

    return {"name": token.name, "scopes": token.scopes.split(),
            "source": token.source.name if token.source else None,
            "department": token.department.name if token.department else None,
            "created_at": when(token.created_at), "last_used_at": when(token.last_used_at),
            "revoked_at": when(token.revoked_at)}


@token.command("create")
@click.argument("name")
@click.option("--source", help="board source whose messages the token pushes and reads "
                               "(created as an import source when missing)")
@click.option("--department", help="department whose entries the token reads")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(list(SCOPES)),
              help="a grant (repeatable); default: messages:write and entries:read with "
                   "--source, entries:read with --department, metrics:read otherwise")
@click.option("--json", "as_json", is_flag=True, help="print the token as JSON")
@pass_context
def token_create(ctx: Context, name: str, source: str | None, department: str | None,
                 scopes: tuple[str, ...], as_json: bool) -> None:
    """Create a token and print its secret (shown this once only)."""
    try:
        with session_scope(ctx.sessions, write=True) as session:
            made, secret = create_token(session, name, source=source, department=department,
                                        scopes=scopes)
            shown = _as_json(made)
    except TokenError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({**shown, "token": secret}, ensure_ascii=False))
        return
    click.echo(f"created token {name} ({' '.join(shown['scopes'])})")
    click.echo(f"secret (shown once, store it now): {secret}")


@token.command("list")
@click.option("--json", "as_json", is_flag=True, help="print the tokens as JSON")
@pass_context
def token_list(ctx: Context, as_json: bool) -> None:
    """Every token with its scope, last use and whether it is revoked (never the secret)."""
    with session_scope(ctx.sessions) as session:
        rows = [_as_json(t) for t in list_tokens(session)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        click.echo("no tokens")
    for row in rows:
        bound = (f"source {row['source']}" if row["source"] else
                 f"department {row['department']}" if row["department"] else "office-wide")
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else \
            f"last used {row['last_used_at'] or 'never'}"
        click.echo(f"{row['name']}\t{bound}\t{' '.join(row['scopes'])}\t{state}")


@token.command("revoke")
@click.argument("name")
@pass_context
def token_revoke(ctx: Context, name: str) -> None:
    """Revoke a token: its next request gets 401."""
    try:
        with session_scope(ctx.sessions, write=True) as session:
            changed = revoke_token(session, find_token_by_name(session, name))
    except TokenError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"revoked token {name}" if changed else f"token {name} was already revoked")
