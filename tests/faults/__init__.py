"""Fault tests: each store and long-running process is hurt on purpose, then checked.

They live in their own folder rather than under the package folders the rest of the suite
mirrors: each one kills or restarts a real process (a private PostgreSQL cluster, the
``yuqing scheduler``, the web server, a ``scrapy crawl`` child) while another real process
works, and then checks rows written by several areas (collection, events, ledger, ops). No
single package owns such a test, so none of the mirrored folders would be its home.

Every test says in its docstring what it kills and what it checks, prints a one-line summary
(``-s`` or ``-rA`` shows it), bounds every loop in count and time, and talks only to
127.0.0.1. The shared PostgreSQL on port 5432 is never restarted: the tests that restart a
server start a cluster of their own (``conftest.py`` ``private_pg``).
"""
