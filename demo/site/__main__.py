"""``python -m demo.site``: serve the demo web on 127.0.0.1 until interrupted."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from demo.site.data import DEFAULT_DATA_DIR, DemoData
from demo.site.server import SHOWCASE, DemoWeb, make_server


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, load the data, serve."""
    parser = argparse.ArgumentParser(prog="python -m demo.site")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8077, help="0 picks a free port")
    parser.add_argument("--epoch", type=int, default=0, help="starting clock epoch")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                        help="the shared data folder (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=None,
                        help="at most this many items per section (a smaller site)")
    args = parser.parse_args(argv)
    if not args.data_dir.is_dir():
        print(f"error: no data folder at {args.data_dir}", file=sys.stderr)
        return 1
    web = DemoWeb(DemoData(args.data_dir, args.limit, SHOWCASE), args.epoch)
    web.warm()
    try:
        server = make_server(web, args.host, args.port)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    host, port = server.server_address[:2]
    print(f"demo site on http://{host}:{port}/ (epoch {args.epoch})", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
