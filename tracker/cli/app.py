"""The root command group, the shared context and the error boundary."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cached_property

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import DatabaseError, engine_from_settings, require_schema, session_factory
from tracker.settings import Settings, SettingsError, load_settings


@dataclass
class Context:
    """Lazily built settings, engine and sessions shared by the commands of one run."""

    @cached_property
    def settings(self) -> Settings:
        """The parsed settings."""
        return load_settings()

    @cached_property
    def engine(self) -> Engine:
        """The engine for the configured database."""
        return engine_from_settings(self.settings)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """A session factory, after checking the schema is migrated."""
        require_schema(self.engine)
        return session_factory(self.engine)


pass_context = click.make_pass_decorator(Context, ensure=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """yuqing 舆情: public-opinion monitoring and response tracking."""
    ctx.ensure_object(Context)


def main(argv: list[str] | None = None) -> None:
    """Entry point: turn configuration and database errors into one line and exit 1."""
    try:
        cli.main(args=argv, prog_name="yuqing", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (SettingsError, DatabaseError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
