"""Reusable pieces for browser tests: a live app server and a real Chromium through Playwright.

Import the fixtures once, in the folder's conftest.py (tests/web/browser/conftest.py does),
and ``sign_in`` where needed::

    from tests.browser_support import browser_page, live_server, playwright_driver  # noqa: F401

``live_server`` serves the app on 127.0.0.1 (a free port, in a thread) over a fresh, migrated
SQLite file with the demo accounts; ``browser_page`` is a page of a Chromium started from
``/usr/bin/chromium`` (``YUQING_TEST_CHROMIUM`` overrides) with a fresh user-data-dir. Without
Chromium the tests are skipped locally and fail on CI (``make test`` installs it).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

from demo.seed import ensure_demo_accounts
from tracker import migrate
from tracker.db import make_engine, session_factory, session_scope
from tracker.settings import Settings, load_settings

CHROMIUM = os.environ.get("YUQING_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass
class LiveServer:
    """A running app: its URL, settings, and sessions on its database."""

    url: str
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


def start_live_server(home: Path) -> tuple[LiveServer, Callable[[], None]]:
    """Migrate a new SQLite file under ``home``, add the demo accounts, serve the app."""
    from web import create_app

    settings = load_settings({
        "YUQING_ENV": "test", "YUQING_DATA_DIR": str(home),
        "YUQING_SECRET_KEY": "browser-test-secret-0123456789", "YUQING_LOGIN_DELAY_SECONDS": "0",
        "YUQING_SECURE_COOKIES": "false"})
    engine = make_engine(settings.database_url)
    home.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(engine)
    sessions = session_factory(engine)
    with session_scope(sessions) as session:
        ensure_demo_accounts(session)
    server = make_server("127.0.0.1", 0, create_app(settings, engine=engine), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        """Stop serving and release the database."""
        server.shutdown()
        thread.join(timeout=10)
        engine.dispose()

    return LiveServer(f"http://127.0.0.1:{server.server_port}", settings, engine, sessions), stop


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    """The app served on a free local port over its own fresh database."""
    server, stop = start_live_server(tmp_path / "live")
    yield server
    stop()


def _require_chromium() -> None:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def playwright_driver():
    """The Playwright driver of one test module.

    Module scope, not session: a sync Playwright left running makes every later
    ``sync_playwright()`` (other modules' own fixtures) fail with "inside the asyncio loop".
    """
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser_page(playwright_driver, tmp_path):
    """A page in a fresh Chromium profile; closed after the test."""
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_ARGS, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def browser(playwright_driver):
    """A headless Chromium shared by a module's tests (each opens its own context)."""
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def sign_in(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the real form and wait for the home page."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
