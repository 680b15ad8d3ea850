"""The `yuqing` command as a user runs it: a real subprocess with its own environment."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import create_pg_database, drop_pg_database

YUQING = str(Path(sys.executable).with_name("yuqing"))


def run(args: list[str], env: dict[str, str], cwd: Path, timeout: int = 120):
    """Run ``yuqing ARGS`` with only ``env`` plus PATH; return the completed process."""
    full_env = {"PATH": os.environ["PATH"], "HOME": str(cwd)} | env
    if os.environ.get("PYTHONPATH"):  # a worktree under test, not the installed checkout
        full_env.setdefault("PYTHONPATH", os.environ["PYTHONPATH"])
    return subprocess.run([YUQING, *args], env=full_env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_env(request, tmp_path):
    """Environment pointing yuqing at an empty database of each backend."""
    env = {"YUQING_DATA_DIR": str(tmp_path / "var")}
    if request.param == "sqlite":
        yield env
        return
    url = create_pg_database("yuqing_cli")
    yield env | {"YUQING_DATABASE_URL": url}
    drop_pg_database(url)


def test_db_upgrade_twice_second_is_a_no_op(db_env, tmp_path):
    first = run(["db", "upgrade"], db_env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "upgraded" in first.stdout
    second = run(["db", "upgrade"], db_env, tmp_path)
    assert second.returncode == 0
    assert "nothing to do" in second.stdout


def test_user_add_then_duplicate_is_refused(db_env, tmp_path):
    run(["db", "upgrade"], db_env, tmp_path)
    args = ["user", "add", "wang", "--role", "leader", "--password", "long-password"]
    assert run(args, db_env, tmp_path).returncode == 0
    again = run(args, db_env, tmp_path)
    assert again.returncode != 0 and "already exists" in again.stderr


def assert_one_line_error(result, needle: str) -> None:
    """Non-zero exit, one line on stderr naming the problem, no traceback."""
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"YUQING_DATABASE_URL": "::not a url::"}, "YUQING_DATABASE_URL"),
        ({"YUQING_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, "cannot connect"),
        ({"YUQING_ENV": "production"}, "YUQING_SECRET_KEY"),
    ],
)
def test_bad_configuration_is_one_line_and_writes_nothing(tmp_path, env, needle):
    data_dir = tmp_path / "var"
    result = run(["db", "upgrade"], {"YUQING_DATA_DIR": str(data_dir)} | env, tmp_path)
    assert_one_line_error(result, needle)
    assert not data_dir.exists()


def test_commands_refuse_an_unmigrated_database(tmp_path):
    env = {"YUQING_DATA_DIR": str(tmp_path / "var")}
    result = run(["user", "add", "li", "--role", "admin", "--password", "long-password"],
                 env, tmp_path)
    assert_one_line_error(result, "yuqing db upgrade")
    assert not (tmp_path / "var").exists()


def test_demo_no_serve_prints_the_summary_shape(tmp_path):
    env = {"YUQING_DATA_DIR": str(tmp_path / "var")}
    result = run(["demo", "--no-serve", "--site-limit", "20", "--site-port", str(free_port())],
                 env, tmp_path, timeout=900)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(summary) == {"mentions", "messages", "replied_messages", "events", "alerts",
                            "ledger_entries", "errors", "seconds"}
    assert summary["alerts"] > 0  # at any hour: the demo's analysis has no quiet hours
    with sqlite3.connect(tmp_path / "var" / "yuqing.db") as db:  # the demo's watch rules
        assert db.execute("SELECT count(*) FROM watch_rules").fetchone()[0] == 4
        assert db.execute("SELECT count(*) FROM events WHERE reason LIKE '%命中监测方案%'"
                          ).fetchone()[0] > 0


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 120.0) -> int:
    """Poll ``url`` until it answers; return its status."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def login_over_http(base: str, username: str, password: str) -> str:
    """Sign in through the real form with a cookie jar; return the final page's path."""
    import http.cookiejar
    import re
    import urllib.parse
    import urllib.request

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    html = opener.open(base + "/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrf_token": token}).encode()
    response = opener.open(base + "/login", data=data, timeout=10)
    return urllib.parse.urlsplit(response.geturl()).path


def test_demo_serves_the_app_and_every_printed_login_reaches_its_home(tmp_path):
    import re

    port = free_port()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "YUQING_DATA_DIR": str(tmp_path / "var")}
    proc = subprocess.Popen([YUQING, "demo", "--port", str(port), "--site-limit", "20",
                             "--site-port", str(free_port())], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    homes = {"staff": "/staff", "responder": "/responder", "leader": "/leader",
             "admin": "/admin"}
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(base + "/login", 600) == 200
        output = ""
        while len(re.findall(r"^\s+\S+\s+(\w+) / (\S+)$", output, re.M)) < 4:
            output += proc.stdout.readline()
        assert base + "/" in output
        for username, password in re.findall(r"^\s+\S+\s+(\w+) / (\S+)$", output, re.M):
            assert login_over_http(base, username, password) == homes[username]
        proc.terminate()
        assert proc.wait(timeout=30) is not None
        with pytest.raises(AssertionError):
            wait_for(base + "/login", 3)  # the web child stopped with its parent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
