"""``yuqing token create|list|revoke`` as an operator runs them (a subprocess per command,
both databases): the secret is printed once and stored only hashed; a revoked token no
longer authenticates; mistakes are one-line errors."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.tracker.cli import test_cli
from tests.tracker.cli.test_cli import assert_one_line_error, run
from tracker.accounts import authenticate_token
from tracker.db import make_engine, session_factory
from tracker.models import ApiToken, Source, utcnow
from tracker.settings import load_settings

db_env = test_cli.db_env  # an empty database per backend, as the CLI tests use


def check(env, secret: str) -> tuple[ApiToken | None, list[ApiToken], Source | None]:
    """What the database says: the token the secret opens, every token, the hotline source."""
    engine = make_engine(load_settings(env).database_url)
    try:
        with session_factory(engine)() as session:
            return (authenticate_token(session, secret, utcnow()),
                    list(session.scalars(select(ApiToken))),
                    session.scalar(select(Source).where(Source.name == "12345热线")))
    finally:
        engine.dispose()


def test_token_commands(db_env, tmp_path):
    assert run(["db", "upgrade"], db_env, tmp_path).returncode == 0
    made = run(["token", "create", "hotline", "--source", "12345热线", "--json"], db_env, tmp_path)
    assert made.returncode == 0, made.stderr
    shown = json.loads(made.stdout)
    assert shown["scopes"] == ["messages:write", "entries:read"]
    assert shown["source"] == "12345热线" and shown["token"].startswith("yq_")
    token, rows, source = check(db_env, shown["token"])
    assert token is not None and token.name == "hotline"
    assert source is not None and source.kind == "board" and not source.enabled
    assert all(shown["token"] not in (r.token_hash, r.scopes, r.name) for r in rows)
    metrics = run(["token", "create", "numbers", "--scope", "metrics:read"], db_env, tmp_path)
    assert metrics.returncode == 0 and "shown once" in metrics.stdout
    listed = json.loads(run(["token", "list", "--json"], db_env, tmp_path).stdout)
    assert {t["name"] for t in listed} == {"hotline", "numbers"}
    assert all("token" not in t for t in listed)
    revoked = run(["token", "revoke", "hotline"], db_env, tmp_path)
    assert revoked.returncode == 0 and "revoked token hotline" in revoked.stdout
    assert check(db_env, shown["token"])[0] is None
    again = run(["token", "revoke", "hotline"], db_env, tmp_path)
    assert again.returncode == 0 and "already revoked" in again.stdout
    for args, needle in (
        (["token", "create", "hotline", "--source", "x"], "already exists"),
        (["token", "create", "d", "--department", "没有的局"], "no department"),
        (["token", "create", "w", "--scope", "messages:write"], "needs --source"),
        (["token", "create", "b", "--source", "s", "--department", "d"], "not both"),
        (["token", "revoke", "nobody"], "no token"),
    ):
        assert_one_line_error(run(args, db_env, tmp_path), needle)
