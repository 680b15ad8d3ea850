"""``python -m web``: serve the app with waitress (started by ``yuqing serve``/``demo``)."""

from __future__ import annotations

import argparse
import sys

from tracker.db import DatabaseError, require_schema
from tracker.settings import SettingsError


def main() -> int:
    """Parse arguments, check configuration and the schema, then serve."""
    parser = argparse.ArgumentParser(prog="python -m web")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
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


if __name__ == "__main__":
    sys.exit(main())
