"""Real web processes on 127.0.0.1 for the several-processes test and bench/scale_web.py:
``yuqing serve [--workers N]`` as a child, and a cookie-keeping client that signs in through
the real form (CSRF token included)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tracker.ops import processes as runner

YUQING = str(Path(sys.executable).with_name("yuqing"))
#: Sent with every request: Flask-Login binds a session to its client's address and agent.
USER_AGENT = "yuqing-test-client"
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def web_env(folder: Path, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a web process (test mode; PYTHONPATH passed on, so a worktree's
    code is served rather than the venv's)."""
    env = {"PATH": os.environ["PATH"], "HOME": str(folder), "YUQING_ENV": "test",
           "YUQING_DATA_DIR": str(folder / "var"), "YUQING_DATABASE_URL": database_url,
           "YUQING_SECURE_COOKIES": "0"}
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    env.update({f"YUQING_{name.upper()}": value for name, value in settings.items()})
    return env


def start_web(env: dict[str, str], folder: Path, workers: int = 1,
              name: str = "web") -> tuple[subprocess.Popen, str]:
    """Start ``yuqing serve --workers N`` on a free port; the process and its base URL once
    it answers."""
    port = runner.free_port()
    log = folder / f"{name}.log"
    proc = subprocess.Popen([YUQING, "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, cwd=folder, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        runner.wait_for_http(f"{base}/login", timeout=90, proc=proc)
    except RuntimeError as exc:
        runner.stop(proc)
        raise RuntimeError(f"{exc}\n{log.read_text()[-2000:]}") from None
    return proc, base


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


class Browser:
    """One visitor: a cookie jar, and requests to any of the web processes' addresses."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.opener.addheaders = [("User-Agent", USER_AGENT)]

    def request(self, url: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """GET (or POST ``data``) one URL on a fresh connection; (status, Location, body)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=30) as response:
                return response.status, "", response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode(
                "utf-8", "replace")

    def token(self, url: str) -> str:
        """The CSRF token of the form on ``url``."""
        status, _, html = self.request(url)
        match = TOKEN.search(html)
        assert match, f"no CSRF token on {url} ({status})"
        return match.group(1)

    def login(self, base: str, username: str, password: str,
              post_to: str | None = None) -> tuple[int, str]:
        """Fetch the sign-in form from ``base`` and post it to ``post_to`` (default the
        same); (status, Location)."""
        token = self.token(f"{base}/login")
        status, location, _ = self.request(f"{post_to or base}/login", {
            "username": username, "password": password, "csrf_token": token})
        return status, location

    def cookie_header(self) -> str:
        """The cookies as one ``Cookie`` header (for a client of one's own)."""
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)
