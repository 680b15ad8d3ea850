"""``python -m web``: serve the app with waitress, or with ``--workers N`` (N > 1) as N
gunicorn worker processes behind one address (started by ``yuqing serve``/``demo``).

Several processes keep no state of their own: the session and its CSRF token are in the
signed cookie (one secret for all, see :func:`share_secret`), sign-in throttling in
``login_throttles``, notifications in their tables. They need PostgreSQL: SQLite serves one.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from tracker.db import DatabaseError, engine_from_settings, require_schema
from tracker.settings import PREFIX, Settings, SettingsError, load_settings


def main() -> int:
    """Parse arguments, check configuration and the schema, then serve."""
    parser = argparse.ArgumentParser(prog="python -m web")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1,
                        help="web processes (gunicorn) behind the one address; PostgreSQL only")
    args = parser.parse_args()
    if args.workers > 1:
        return serve_workers(args.host, args.port, args.workers, args.threads)
    try:
        from web import create_app

        app = create_app()
        require_schema(app.extensions["yuqing.engine"])
    except (SettingsError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    from waitress import serve

    serve(app, host=args.host, port=args.port, threads=args.threads, ident="yuqing")
    return 0


def share_secret(settings: Settings) -> None:
    """Every worker signs sessions and CSRF tokens with the same key: without a configured
    one (test mode draws one per process) the master's is handed to its workers."""
    os.environ.setdefault(f"{PREFIX}SECRET_KEY", settings.secret_key)


def serve_workers(host: str, port: int, workers: int, threads: int) -> int:
    """Serve with gunicorn: ``workers`` processes of ``threads`` threads, each building its
    own app (its own database pool) after the fork."""
    try:
        settings = load_settings()
        engine = engine_from_settings(settings)
        try:
            if engine.dialect.name != "postgresql":
                raise SettingsError("several web processes need PostgreSQL "
                                    f"({PREFIX}DATABASE_URL); SQLite is served by one")
            require_schema(engine)
        finally:
            engine.dispose()
    except (SettingsError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    share_secret(settings)
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                       "worker_class": "gthread", "preload_app": False,
                       "proc_name": "yuqing-web", "accesslog": None, "errorlog": "-",
                       "graceful_timeout": 10}
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from web import create_app

            return create_app()

    Server().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
