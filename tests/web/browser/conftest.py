"""Browser fixtures, defined once here: a session-scoped fixture imported into several test
modules would become one fixture per module, and a second live Playwright instance fails
("Sync API inside the asyncio loop")."""

from tests.browser_support import (  # noqa: F401
    browser,
    browser_page,
    live_server,
    playwright_driver,
)
