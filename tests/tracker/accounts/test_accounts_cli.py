"""``yuqing user password|passwd|disable|enable|role`` as a user runs them (a subprocess per
command, both databases): each ends the user's sessions; errors are one line, exit code 1."""

from click.testing import CliRunner
from sqlalchemy import select

from tests.tracker.cli import test_cli
from tests.tracker.cli.test_cli import assert_one_line_error, run
from tracker.db import make_engine, session_factory
from tracker.models import User
from tracker.settings import load_settings

db_env = test_cli.db_env  # an empty database per backend, as the CLI tests use


def account(env) -> User:
    """The user wang, read from the database the commands wrote."""
    engine = make_engine(load_settings(env).database_url)
    try:
        with session_factory(engine)() as session:
            return session.scalar(select(User).where(User.username == "wang"))
    finally:
        engine.dispose()


def test_user_commands_change_the_user_and_end_their_sessions(db_env, tmp_path):
    assert run(["db", "upgrade"], db_env, tmp_path).returncode == 0
    added = run(["user", "add", "wang", "--role", "leader", "--password", "long-password"],
                db_env, tmp_path)
    assert added.returncode == 0, added.stderr
    for args, says in ((["password", "wang", "--password", "new-password-1"], "changed"),
                       (["passwd", "wang", "--password", "new-password-2"], "changed"),
                       (["disable", "wang"], "disabled wang"),
                       (["disable", "wang"], "already disabled"),
                       (["enable", "wang"], "enabled wang"),
                       (["role", "wang", "responder", "--department", "市交通运输局"],
                        "now responder")):
        result = run(["user", *args], db_env, tmp_path)
        assert result.returncode == 0 and says in result.stdout, (args, result.stderr)
    user = account(db_env)
    assert user.check_password("new-password-2") and user.active
    assert (user.role_code, user.session_version) == ("responder", 5)


def test_user_command_errors_are_one_line(db_env, tmp_path):
    run(["db", "upgrade"], db_env, tmp_path)
    run(["user", "add", "wang", "--role", "leader", "--password", "long-password"], db_env,
        tmp_path)
    for args, needle in ((["role", "nobody", "admin"], "no user 'nobody'"),
                         (["role", "wang", "king"], "unknown role"),
                         (["role", "wang", "responder"], "needs --department"),
                         (["password", "wang", "--password", "short"], "at least 8"),
                         (["disable", "nobody"], "no user 'nobody'")):
        result = run(["user", *args], db_env, tmp_path)
        assert_one_line_error(result, needle)
        assert result.returncode == 1
    assert account(db_env).session_version == 1


def test_user_password_asks_twice_when_not_given(db_env, tmp_path, monkeypatch):
    from tracker.cli import cli

    run(["db", "upgrade"], db_env, tmp_path)
    run(["user", "add", "wang", "--role", "leader", "--password", "long-password"], db_env,
        tmp_path)
    for name, value in db_env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["user", "password", "wang"],
                                input="typed-password\ntyped-password\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("New password") == 1 and "Repeat" in result.output
    assert account(db_env).check_password("typed-password")


def test_user_list_and_edit(db_env, tmp_path):
    import json

    run(["db", "upgrade"], db_env, tmp_path)
    run(["user", "add", "wang", "--role", "leader", "--password", "long-password"], db_env,
        tmp_path)
    edited = run(["user", "edit", "wang", "--name", "王科长", "--email", "wang@example.cn",
                  "--role", "responder", "--department", "市水务局"], db_env, tmp_path)
    assert edited.returncode == 0 and "updated wang" in edited.stdout, edited.stderr
    again = run(["user", "edit", "wang", "--name", "王科长"], db_env, tmp_path)
    assert "unchanged" in again.stdout, again.stderr
    listed = run(["user", "list", "--json"], db_env, tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == [{
        "username": "wang", "name": "王科长", "role": "responder", "department": "市水务局",
        "email": "wang@example.cn", "active": True}]
    plain = run(["user", "list"], db_env, tmp_path)
    assert plain.stdout.split("\t")[:3] == ["wang", "王科长", "responder"]
    assert account(db_env).session_version == 2


def test_the_last_admin_stays_an_admin(db_env, tmp_path):
    run(["db", "upgrade"], db_env, tmp_path)
    run(["user", "add", "root", "--role", "admin", "--password", "long-password"], db_env,
        tmp_path)
    for args in (["disable", "root"], ["role", "root", "leader"],
                 ["edit", "root", "--role", "leader"]):
        result = run(["user", *args], db_env, tmp_path)
        assert_one_line_error(result, "last active admin")
        assert result.returncode == 1
    failed = run(["user", "edit", "nobody", "--name", "x"], db_env, tmp_path)
    assert_one_line_error(failed, "no user 'nobody'")
