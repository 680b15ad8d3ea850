"""The 亮点工程 monthly proposals on real data: the TipDM 2020 C 附件4 even-id messages and
their official replies, imported with ``yuqing import-messages`` into a fresh SQLite file.

Usage: PYTHONPATH=. .venv/bin/python bench/cases.py [--months N]

For the N busiest months (by finishing time): the finished entries, how many reply checks the
pruned search needed, the seconds :func:`tracker.cases.propose_month` took, and whether its
proposals equal scoring every entry (the check the pruning must pass on real data).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench._common import DATA_DIR, REPO_ROOT

FILE = DATA_DIR / "tipdm2020c_fj4_replies" / "fujian4_messages_replies_even_ids.csv"


def _yuqing(args: list[str], data_dir: Path) -> None:
    env = {**os.environ, "YUQING_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO_ROOT)}
    exe = Path(sys.executable).with_name("yuqing")
    subprocess.run([str(exe), *args], env=env, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=3)
    months_wanted = parser.parse_args().months
    folder = Path(tempfile.mkdtemp(prefix="yuqing-bench-cases-"))
    started = time.monotonic()
    _yuqing(["db", "upgrade"], folder)
    _yuqing(["import-messages", str(FILE), "--source", "tipdm"], folder)
    print(f"imported {FILE.name} in {time.monotonic() - started:.1f} s")
    os.environ["YUQING_DATA_DIR"] = str(folder)
    from sqlalchemy import select

    from tracker.cases import propose_month
    from tracker.cases.proposals import finished_at, score_entry
    from tracker.db import engine_from_settings, session_factory
    from tracker.models import LedgerEntry
    from tracker.settings import load_settings

    settings = load_settings()
    sessions = session_factory(engine_from_settings(settings))
    with sessions() as session:
        entries = session.scalars(select(LedgerEntry)).all()
        done = Counter(f"{finished_at(e).astimezone(settings.tz):%Y-%m}" for e in entries
                       if finished_at(e) is not None)
        print(f"{len(entries)} entries, {sum(done.values())} finished")
        print("month    finished  checked  seconds  proposals (total)  equals-all")
        for month, _n in done.most_common(months_wanted):
            tick = time.monotonic()
            result = propose_month(session, month, settings.tz)
            seconds = time.monotonic() - tick
            month_entries = [e for e in entries if finished_at(e) is not None and
                             f"{finished_at(e).astimezone(settings.tz):%Y-%m}" == month]
            every = sorted(((score_entry(session, e).total, e.id) for e in month_entries),
                           key=lambda p: (-(p[0] or 0), p[1]))
            every = [i for t, i in every if t is not None and t >= 70][:5]
            same = every == [p.entry_id for p in result.proposals]
            totals = ", ".join(f"{p.total:g}" for p in result.proposals)
            print(f"{month}  {result.candidates:8d}  {result.checked:7d}  {seconds:7.1f}  "
                  f"{totals}  {same}")
        session.rollback()


if __name__ == "__main__":
    main()
