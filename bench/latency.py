"""Time from post to alert: a burst of messages appears on the demo web's board; how long until
the alert is in the queue (an ``alerts`` row) and a webhook receiver has it.

The real pieces run as in production: the demo web (replaying on the wall clock, served from
this process so the bench can post messages on board A), a fresh database, the real
``yuqing scheduler`` process (crawls as ``scrapy crawl`` children, the analysis job, the
delivery job) and a tiny HTTP server on 127.0.0.1 standing for the 企业微信 group robot
(``YUQING_WEBHOOK_URLS``). A burst is ``--size`` messages from different people about one
matter (a place and a problem named in no other burst), so the analysis clusters it into one
event that rises to 一般 and raises one alert (three watch rules match its words).

What bounds the latency with the default schedule is the change watch, not the crawl interval:

    latency ≈ wait for the next watch tick             (0 .. 60 s, YUQING_WATCH_SECONDS:
                                                        one GET of the board's first list page)
            + the crawl it brings forward               (seconds: a ``scrapy crawl`` child)
            + the analysis the crawl brings forward     (seconds; announces the alert; one
                                                        already running runs once more after)
            + the delivery the analysis brings forward  (well under a second)

Without the watch (``--watch-every 0``) it is the schedule: the wait for the next crawl (0 ..
the source's interval, 30 min by default) + the crawl + the wait for the next analysis (0 ..
``--analyze-every``, 300 s) + the analysis + the wait for the next delivery (0 .. 30 s). Bursts
are posted ``--spacing`` seconds apart; a spacing that is not a divisor of the watch interval
(37 s for 20 bursts) makes the bursts land at every phase of the watch cycle.

    .venv/bin/python bench/latency.py --default-schedule --bursts 20 --spacing 37   # ~15 min
    .venv/bin/python bench/latency.py                        # tightened crawl: 20 bursts, ~8 min

Recorded 2026-12-06 10:10-10:24 UTC on this 2-core machine, load average 1.2-3.0 (a quiet
moment; earlier runs below had 13-15), SQLite, bursts of 10 messages, post -> webhook
received, the defaults (crawl interval 30 min, analysis every 300 s, delivery every 30 s,
change watch every 60 s): **p50 31.0 s, p95 57.5 s**, max 63.2 s, 20 of 20 received (target
p95 < 2 min: met with the default settings). Post -> crawled p50 29.3 s, p95 56.5 s; a crawl
run p50 5.3 s, an analysis run p50 0.4 s (max 4.5 s), a watch run under 0.1 s.
The same on PostgreSQL (``--database-url``, a fresh database; 10:35-10:48 UTC, load average
4-7): **p50 30.6 s, p95 58.9 s**, max 59.2 s, 20 of 20 received.

Before the change watch (2026-12-06 06:19-06:55 UTC, load average 13-15):

* tightened (the second command: crawl 15 s, analysis 15 s, delivery 5 s), 20 bursts:
  p50 35.1 s, p95 76.6 s, 20 of 20 received;
* the demo's schedule (``--crawl-every 120 --analyze-every 60 --deliver-every 30
  --spacing 6``), 20 bursts: p50 141.2 s, p95 192.7 s;
* the defaults (``--default-schedule --bursts 4 --spacing 420``), 4 bursts: p50 1,473 s,
  p95 2,040 s (the 30-minute crawl interval dominated).

Figures are printed, nothing is asserted; docs/deploy.md has the table.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import func, select  # noqa: E402

from demo.site.data import DEFAULT_DATA_DIR, DemoData, Message  # noqa: E402
from demo.site.replay import Replay, wall_clock  # noqa: E402
from demo.site.server import SHOWCASE, DemoWeb, make_server  # noqa: E402
from demo.sources import seed_demo_sources  # noqa: E402
from tracker import migrate  # noqa: E402
from tracker.db import make_engine, session_factory, session_scope  # noqa: E402
from tracker.index.rules import save_rule  # noqa: E402
from tracker.metrics.percentiles import percentiles  # noqa: E402
from tracker.models import Mention  # noqa: E402
from tracker.models.events import Alert, Event  # noqa: E402
from tracker.models.ops import JobRun  # noqa: E402

BOARD = "demo_board_a"
YUQING = str(Path(sys.executable).with_name("yuqing"))
#: Twenty matters, each a place and a problem no other burst names.
MATTERS = [
    ("A1区翠湖花园", "电梯频繁故障困人"), ("A2区金桂苑", "小区停水三天无人管"),
    ("A3区柳岸新村", "垃圾中转站臭气熏天"), ("A4区锦绣华庭", "路灯全部不亮夜里摔伤老人"),
    ("A5区梧桐里", "违章搭建堵死消防通道"), ("A6区星河湾", "餐馆油烟直排熏得无法开窗"),
    ("A7区滨江一号", "工地夜间施工噪音扰民"), ("A8区紫荆城", "物业乱收停车费"),
    ("A9区桃源居", "下水道堵塞污水横流"), ("B1区育才路", "学校门口黑车拉客"),
    ("B2区东风菜场", "占道经营堵塞道路"), ("B3区银杏小区", "燃气管道漏气无人检修"),
    ("B4区西湖村", "公交站被撤出行困难"), ("B5区阳光幼儿园", "违规上涨保育费"),
    ("B6区文化广场", "广场舞音响扰民到深夜"), ("B7区清水河", "河道黑臭垃圾漂浮"),
    ("B8区福安里", "暖气不热室温只有十度"), ("B9区御景豪庭", "开发商延期交房两年"),
    ("C1区工业园", "建筑垃圾乱倒扬尘严重"), ("C2区中山路", "共享单车堆满人行道"),
]
COMPLAINTS = ["严重影响生活，多次投诉无果，非常气愤，请相关部门尽快处理！",
              "居民苦不堪言，投诉多次没有下文，太差了，恳请相关部门督促解决。",
              "问题拖了很久，投诉无果，大家都很愤怒，希望相关部门立即查处。"]
WATCH_RULES = [("居民投诉", "投诉"), ("民生怒气", "气愤|愤怒|太差"), ("请求处理", "相关部门")]


@dataclass
class Burst:
    """One burst: its matter, the message ids posted, and when things happened (epoch s)."""

    n: int
    place: str
    problem: str
    ids: list[str] = field(default_factory=list)
    posted: float = 0.0
    crawled: float | None = None
    queued: float | None = None
    received: float | None = None


class Receiver:
    """A webhook receiver on 127.0.0.1 answering like the 企业微信 group robot."""

    def __init__(self) -> None:
        self.got: list[tuple[float, str]] = []
        lock, got = threading.Lock(), self.got

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    got.append((time.time(), body.decode("utf-8", "replace")))
                reply = b'{"errcode":0,"errmsg":"ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def first(self, word: str) -> tuple[float, str] | None:
        """The first payload naming ``word``."""
        return next(((t, body) for t, body in list(self.got) if word in body), None)


def daytime_zone() -> str:
    """A zone where it is about noon now: quiet hours (22:00-07:00) never hold an alert."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def post_burst(web: DemoWeb, burst: Burst, size: int) -> None:
    """``size`` messages from different people about the burst's matter, on board A now."""
    now = wall_clock()
    for j in range(size):
        message_id = str(990_000 + burst.n * 100 + j)
        text = f"{burst.place}{burst.problem}，{COMPLAINTS[j % len(COMPLAINTS)]}（第{j + 1}位居民）"
        web.post("board_a", Message(id=message_id, user=f"居民{burst.n}-{j}",
                                    title=f"{burst.place}{burst.problem}", body=text,
                                    submitted=now))
        burst.ids.append(message_id)
    burst.posted = time.time()


def runs(sessions, job: str) -> list[JobRun]:
    with session_scope(sessions) as session:
        return list(session.scalars(select(JobRun).where(
            JobRun.job_id == job, JobRun.status == "ok").order_by(JobRun.id)))


def epoch(moment: datetime) -> float:
    """Epoch seconds of a stored time (naive means UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def fill_times(sessions, bursts: list[Burst], receiver: Receiver) -> None:
    """Note when each burst was first crawled, first seen as an alert in the queue (a
    committed ``alerts`` row of an event named after its matter) and received by the robot.
    Called every half second, so "queued" is at most that late."""
    seen = time.time()
    with session_scope(sessions) as session:
        for burst in (b for b in bursts if b.ids):
            if burst.received is None and (hit := receiver.first(burst.place)):
                burst.received = hit[0]
            if burst.queued is None and session.scalar(
                    select(Alert.id).join(Event, Alert.event_id == Event.id)
                    .where(Event.title.like(f"%{burst.place}%")).limit(1)):
                burst.queued = min(seen, burst.received or seen)
            if burst.crawled is None:
                first = session.scalar(select(func.min(Mention.fetched_at)).where(
                    Mention.url.like(f"%tid={burst.ids[0]}%")))
                if first is not None:
                    burst.crawled = epoch(first)


def setup(folder: Path, database_url: str | None, limit: int, interval: int):
    """Database, demo web (replaying now), board A as the one source, watch rules."""
    url = database_url or f"sqlite:///{folder / 'yuqing.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = session_factory(engine)
    web = DemoWeb(DemoData(DEFAULT_DATA_DIR, limit, SHOWCASE, Replay(wall_clock())))
    web.warm()
    site = make_server(web, "127.0.0.1", 0)
    threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.2},
                     daemon=True).start()
    with session_scope(sessions) as session:
        for source in seed_demo_sources(session, f"http://127.0.0.1:{site.server_address[1]}"):
            source.enabled = source.name == BOARD
            source.interval_minutes = interval
        for name, query in WATCH_RULES:
            save_rule(session, name, query)
    return url, engine, sessions, web, site


def start_scheduler(folder: Path, url: str, receiver: Receiver,
                    flags: list[str]) -> subprocess.Popen:
    env = {**os.environ, "YUQING_DATA_DIR": str(folder / "var"), "YUQING_DATABASE_URL": url,
           "YUQING_WEBHOOK_URLS": f"wecom+{receiver.url}?key=bench",
           "YUQING_WEBHOOK_ALLOW_PRIVATE": "true", "YUQING_TIMEZONE": daytime_zone(),
           # This checkout's code, also when the venv's yuqing is installed from another one.
           "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO_ROOT),
                                                       os.environ.get("PYTHONPATH"))))}
    log = (folder / "scheduler.log").open("w")
    return subprocess.Popen([YUQING, "scheduler", *flags], env=env, cwd=folder, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def wait(what: str, check, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the scheduler exited ({proc.returncode}) waiting for {what}")
        if check():
            return
        time.sleep(0.5)
    raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")


def summary(name: str, values: list[float]) -> str:
    if not values:
        return f"{name:<32} (none)"
    p50, p95 = percentiles(list(values), (0.5, 0.95))
    return (f"{name:<32} p50 {p50:7.1f} s   p95 {p95:7.1f} s   max {max(values):7.1f} s"
            f"   (n={len(values)})")


def stage_seconds(sessions, job: str) -> list[float]:
    out = []
    for run in runs(sessions, job):
        if run.finished_at and run.started_at:
            out.append((run.finished_at - run.started_at).total_seconds())
    return out


def report(args, bursts: list[Burst], sessions, crawl: int, analyze: int, deliver: int,
           watch: int) -> None:
    done = [b for b in bursts if b.received is not None]
    print(f"\n{'burst':<6}{'matter':<30}{'crawled':>9}{'queued':>9}{'webhook':>9}  (s after post)")
    for b in bursts:
        cells = [f"{(t - b.posted):9.1f}" if t else f"{'-':>9}"
                 for t in (b.crawled, b.queued, b.received)]
        print(f"{b.n:<6}{b.place + b.problem:<30}{''.join(cells)}")
    print()
    print(summary("post -> crawled", [b.crawled - b.posted for b in bursts if b.crawled]))
    print(summary("post -> alert in the queue", [b.queued - b.posted for b in bursts
                                                 if b.queued]))
    print(summary("post -> webhook received", [b.received - b.posted for b in done]))
    print(f"alerts received: {len(done)} of {len(bursts)} bursts")
    crawls, analyses = stage_seconds(sessions, f"crawl:{BOARD}"), stage_seconds(sessions,
                                                                                 "analyze")
    print(summary("watch run", stage_seconds(sessions, "watch")))
    print(summary("crawl run (board A)", crawls))
    print(summary("analysis run", analyses))
    print(f"runs: {len(crawls)} crawls, {len(analyses)} analyses, "
          f"{len(stage_seconds(sessions, 'deliver'))} deliveries")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nschedule: crawl every {crawl} s, analysis every {analyze} s, delivery every "
          f"{deliver} s, change watch every {watch} s "
          f"({'the defaults' if args.default_schedule else 'from the options'}); "
          f"load average now {load}")
    runs_ = max(crawls, default=0) + max(analyses, default=0)
    if watch:
        # A change is seen at the next watch tick; the crawl, then the analysis, then the
        # delivery are each brought forward by the one before (an analysis already running
        # runs once more when it ends: up to two analysis runs).
        bound = min(watch, crawl) + runs_ + max(analyses, default=0)
        print(f"worst case ≈ watch interval + crawl run + up to two analysis runs "
              f"= {bound:.0f} s; expected ≈ half the watch interval + crawl + analysis runs")
        print("to tighten: a shorter watch interval (YUQING_WATCH_SECONDS or yuqing scheduler "
              "--watch-every: one list-page GET per source per tick), a faster analysis run")
    else:
        bound = crawl + analyze + deliver + runs_
        print(f"worst case ≈ crawl interval + analysis interval + delivery interval + run times "
              f"= {bound:.0f} s; expected ≈ half the intervals + run times")
        print("to tighten: the change watch (on by default), a shorter interval for the boards "
              "that matter (yuqing sources, or yuqing scheduler --crawl-every), "
              "--analyze-every and --deliver-every")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bursts", type=int, default=20)
    parser.add_argument("--size", type=int, default=10, help="messages per burst")
    parser.add_argument("--spacing", type=float, default=12.0, help="seconds between bursts")
    parser.add_argument("--default-schedule", action="store_true",
                        help="run the scheduler with its defaults (source interval 30 min, "
                             "analysis every 300 s, delivery every 30 s, change watch every "
                             "60 s)")
    parser.add_argument("--crawl-every", type=int, default=15)
    parser.add_argument("--analyze-every", type=int, default=15)
    parser.add_argument("--deliver-every", type=int, default=5)
    parser.add_argument("--watch-every", type=int, default=None,
                        help="the change watch's interval (default: the scheduler's, 60 s; "
                             "0 turns it off)")
    parser.add_argument("--limit", type=int, default=30, help="demo items per section")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--timeout", type=float, default=None,
                        help="give up waiting this long after the last burst (default: bound)")
    args = parser.parse_args()
    if args.bursts > len(MATTERS):
        parser.error(f"at most {len(MATTERS)} bursts")
    watch = 60 if args.watch_every is None else args.watch_every
    if args.default_schedule:
        crawl, analyze, deliver, flags = 30 * 60, 300, 30, []
        if args.watch_every is not None:
            flags = ["--watch-every", str(watch)]
    else:
        crawl, analyze, deliver = args.crawl_every, args.analyze_every, args.deliver_every
        flags = ["--crawl-every", str(crawl), "--analyze-every", str(analyze),
                 "--deliver-every", str(deliver), "--health-every", "600"]
        if args.watch_every is not None:
            flags += ["--watch-every", str(watch)]
    with tempfile.TemporaryDirectory(prefix="yuqing-latency-") as tmp:
        folder = Path(tmp)
        receiver = Receiver()
        url, engine, sessions, web, site = setup(folder, args.database_url, args.limit,
                                                 crawl // 60 or 1)
        proc = start_scheduler(folder, url, receiver, flags)
        bursts = [Burst(i, *MATTERS[i]) for i in range(args.bursts)]
        try:
            started = time.monotonic()
            wait("the first crawl of board A", lambda: runs(sessions, f"crawl:{BOARD}"),
                 300, proc)
            print(f"first crawl done after {time.monotonic() - started:.0f} s; posting "
                  f"{args.bursts} bursts of {args.size} messages, {args.spacing:.0f} s apart",
                  flush=True)
            for i, burst in enumerate(bursts):
                while i and time.time() < burst_due(bursts[0], i, args.spacing):
                    fill_times(sessions, bursts, receiver)
                    time.sleep(0.5)
                post_burst(web, burst, args.size)
            limit = args.timeout or ((watch + 240) if watch else (crawl + analyze + deliver
                                                                  + 180))
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline and any(b.received is None for b in bursts):
                if proc.poll() is not None:
                    raise SystemExit(f"the scheduler exited ({proc.returncode})")
                fill_times(sessions, bursts, receiver)
                time.sleep(0.5)
            fill_times(sessions, bursts, receiver)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
            site.shutdown()
            receiver.server.shutdown()
        report(args, bursts, sessions, crawl, analyze, deliver, watch)
        engine.dispose()


def burst_due(first: Burst, i: int, spacing: float) -> float:
    """When burst ``i`` is due (epoch seconds)."""
    return first.posted + i * spacing


if __name__ == "__main__":
    main()
