"""``python -m demo.site``: serve the demo web on 127.0.0.1 until interrupted."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from demo.site.data import DEFAULT_DATA_DIR, DemoData
from demo.site.replay import SH, Replay, wall_clock
from demo.site.server import SHOWCASE, DemoWeb, make_server


def anchor(text: str) -> datetime:
    """An ISO time (Beijing time when it names no zone)."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO time: {text!r}") from exc
    return when if when.tzinfo else when.replace(tzinfo=SH)


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
    parser.add_argument("--replay", action="store_true",
                        help="replay the data as if it were happening now (from the start)")
    parser.add_argument("--replay-anchor", type=anchor, metavar="ISO",
                        help="replay from this moment instead of the start (implies --replay)")
    args = parser.parse_args(argv)
    if not args.data_dir.is_dir():
        print(f"error: no data folder at {args.data_dir}", file=sys.stderr)
        return 1
    replay = None
    if args.replay or args.replay_anchor:
        replay = Replay(args.replay_anchor or wall_clock())
    web = DemoWeb(DemoData(args.data_dir, args.limit, SHOWCASE, replay), args.epoch)
    web.warm()
    try:
        server = make_server(web, args.host, args.port)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    host, port = server.server_address[:2]
    mode = f"replay from {replay.start.isoformat()}" if replay else f"epoch {args.epoch}"
    print(f"demo site on http://{host}:{port}/ ({mode})", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
