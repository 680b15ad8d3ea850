"""Every child process the tracker starts: crawls (``python -m scrapy crawl``), the web app,
the demo site, ``yuqing`` itself; and whether a process id is alive.

The tracker never imports Scrapy, Flask or the crawlers; it only knows their command lines.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)
REPO_ROOT = Path(__file__).resolve().parents[2]
SCRAPY_SETTINGS = "crawlers.settings"
LOG_TAIL_BYTES = 4000
# The logged children running now, so that a stopping scheduler can end them.
_children: set[subprocess.Popen] = set()
_children_lock = threading.Lock()
# Set by stop_children(): a job that reaches run_logged() after the stop starts no child (it
# would run unwatched until its timeout while the scheduler waits for it); start() clears it.
_stopping = threading.Event()


class ChildrenStopped(RuntimeError):
    """The scheduler is stopping: no new child process is started."""


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a crawl: ours, plus where Scrapy finds its settings."""
    env = os.environ.copy()
    env.setdefault("SCRAPY_SETTINGS_MODULE", SCRAPY_SETTINGS)
    env.update(extra or {})
    return env


def crawl_command(spider: str, source: str, args: Sequence[str] = (),
                  loglevel: str = "INFO") -> list[str]:
    """``python -m scrapy crawl SPIDER -a source=SOURCE [-a ...]``."""
    argv = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"source={source}",
            "--loglevel", loglevel]
    for arg in args:
        if not arg.startswith("source="):
            argv += ["-a", arg]
    return argv


def demo_site_command(port: int, *, epoch: int = 0, data_dir: Path | None = None,
                      limit: int | None = None, replay: bool = False,
                      replay_anchor: datetime | None = None) -> list[str]:
    """``python -m demo.site --port P ...``; ``replay`` (or an anchor) replays the data as if
    it were happening now, from the start (or from ``replay_anchor``)."""
    argv = [sys.executable, "-m", "demo.site", "--port", str(port),
            "--epoch", str(epoch)]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    if limit is not None:
        argv += ["--limit", str(limit)]
    if replay_anchor is not None:
        argv += ["--replay-anchor", replay_anchor.isoformat()]
    elif replay:
        argv.append("--replay")
    return argv


def web_command(host: str, port: int, workers: int = 1) -> list[str]:
    """``python -m web --host H --port P [--workers N]``: the command line that serves the
    web app (with N > 1, N gunicorn worker processes behind the one address)."""
    argv = [sys.executable, "-m", "web", "--host", host, "--port", str(port)]
    return argv + ["--workers", str(workers)] if workers > 1 else argv


def yuqing_command(*args: str) -> list[str]:
    """The ``yuqing`` command as a child of this interpreter."""
    return [sys.executable, "-c", "from tracker.cli import main; main()", *args]


def run_foreground(argv: list[str], cwd: Path | None = REPO_ROOT) -> int:
    """Run a child (in ``cwd``; None: ours) until it ends or Ctrl-C; return its exit code."""
    proc = subprocess.Popen(argv, cwd=cwd, env=child_env())
    # `kill <yuqing>` must not leave the child running on its own.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: proc.terminate())
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()


def run_logged(argv: list[str], log_path: Path, timeout: float,
               cwd: Path = REPO_ROOT) -> tuple[int, float, str]:
    """Run a child process, its output appended to ``log_path``; (code, seconds, log tail)."""
    started = time.monotonic()
    start_offset = log_path.stat().st_size if log_path.exists() else 0
    with _children_lock:  # the same lock as stop_children(): a child is stopped or not started
        if _stopping.is_set():
            raise ChildrenStopped("调度进程正在停止，未启动子进程")
        log.info("starting %s (output in %s)", " ".join(argv[1:]), log_path)
        proc = start_background(argv, log_path, append=True, cwd=cwd)
        _children.add(proc)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(proc)
        code = proc.returncode
    finally:
        with _children_lock:
            _children.discard(proc)
    return code, round(time.monotonic() - started, 2), _tail(log_path, start_offset)


def _tail(path: Path, offset: int) -> str:
    with open(path, "rb") as handle:
        handle.seek(max(offset, path.stat().st_size - LOG_TAIL_BYTES))
        return handle.read().decode("utf-8", "replace")


def stop_children() -> int:
    """Terminate the logged children still running (the scheduler is stopping) and start no
    more until :func:`allow_children`; how many were terminated."""
    with _children_lock:
        _stopping.set()
        children = list(_children)
    for proc in children:
        proc.terminate()
    return len(children)


def allow_children() -> None:
    """Let :func:`run_logged` start children again (a scheduler starting in this process)."""
    with _children_lock:
        _stopping.clear()


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (ours or another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_background(argv: list[str], log_path: Path | None = None, *, append: bool = False,
                     cwd: Path | None = REPO_ROOT) -> subprocess.Popen:
    """Start a child in the background (in ``cwd``; None: ours), no stdin, its output written
    to ``log_path`` (appended with ``append``) or, without one, to ours."""
    if log_path is None:
        return subprocess.Popen(argv, cwd=cwd, env=child_env(), stdin=subprocess.DEVNULL)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab" if append else "wb") as out:  # the child keeps its own handle
        return subprocess.Popen(argv, cwd=cwd, env=child_env(), stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def run_crawls(jobs: Sequence[tuple[str, str]], *, extra: Sequence[str] = (),
               loglevel: str = "INFO", parallel: int = 2, log_dir: Path | None = None,
               timeout: float = 3600,
               on_finish: Callable[[str, int, float], None] | None = None,
               on_tick: Callable[[], None] | None = None) -> dict[str, int]:
    """Run ``(spider, source)`` crawls, at most ``parallel`` at once; source → exit code.

    Each crawl's output goes to ``log_dir/crawl-SOURCE.log``, or without ``log_dir`` to ours.
    For progress, ``on_finish(source, exit code, seconds)`` is called as each crawl ends and
    ``on_tick()`` about ten times a second while any runs.
    """
    pending, running, results, started = list(jobs), {}, {}, {}
    deadline = time.monotonic() + timeout
    try:
        while pending or running:
            while pending and len(running) < max(parallel, 1):
                spider, source = pending.pop(0)
                started[source] = time.monotonic()
                running[source] = start_background(
                    crawl_command(spider, source, extra, loglevel),
                    log_dir / f"crawl-{source}.log" if log_dir is not None else None)
            for source, proc in list(running.items()):
                code = proc.poll()
                if code is None and time.monotonic() > deadline:
                    proc.terminate()
                    code = proc.wait()
                if code is not None:
                    results[source] = code
                    del running[source]
                    if on_finish is not None:
                        on_finish(source, code, time.monotonic() - started[source])
            if on_tick is not None:
                on_tick()
            time.sleep(0.1)
    finally:  # interrupted: no crawl is left running on its own
        for proc in running.values():
            stop(proc)
    return results


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1", avoid: frozenset[int] = frozenset()) -> int:
    """A port nobody listens on right now, and not one of ``avoid`` (ports promised to
    another server that has not started yet)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            port = sock.getsockname()[1]
        if port not in avoid:
            return port


def pick_port(wanted: int, avoid: frozenset[int] = frozenset()) -> int:
    """``wanted`` if it is free and not avoided, else another free port."""
    if wanted not in avoid and port_is_free(wanted):
        return wanted
    return free_port(avoid=avoid | {wanted})


def wait_for_http(url: str, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    """Wait until ``url`` answers; raise RuntimeError if it does not in time or ``proc`` dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the process serving {url} exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def start_demo_site(port: int, *, epoch: int = 0, data_dir: Path | None = None,
                    limit: int | None = None, log: Path | None = None,
                    replay_anchor: datetime | None = None) -> subprocess.Popen:
    """Start the demo site in the background (replaying from ``replay_anchor`` if given) and
    wait until it serves."""
    argv = demo_site_command(port, epoch=epoch, data_dir=data_dir, limit=limit,
                             replay_anchor=replay_anchor)
    proc = start_background(argv, log or Path(os.devnull))
    try:
        wait_for_http(f"http://127.0.0.1:{port}/robots.txt", timeout=60, proc=proc)
    except RuntimeError:
        stop(proc)
        raise
    return proc


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate a child process, killing it if it does not stop."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
