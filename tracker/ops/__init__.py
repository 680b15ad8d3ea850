"""Operations: the scheduler process, its jobs, the child processes the tracker starts, and
data retention.

- :mod:`tracker.ops.processes`: every child process (crawls, the web app, the demo site,
  ``yuqing`` itself) and whether a process id is alive
- :mod:`tracker.ops.runs`: what jobs run against, their transactions, their ``job_runs``
- :mod:`tracker.ops.jobs`: the scheduled job functions
- :mod:`tracker.ops.definitions`, :mod:`tracker.ops.scheduler`, :mod:`tracker.ops.status`:
  the job list, the scheduler process, and what ``yuqing jobs`` and the admin page show
- :mod:`tracker.ops.describe`: triggers and run summaries in words (每 5 分钟；已分析：3)
- :mod:`tracker.ops.retention`: deleting old operational data
- :mod:`tracker.ops.problems`: failing sources, failed jobs and deliveries (the admin's inbox)

The SQLite writer turn the jobs take is :func:`tracker.db.sqlite_writer`.

The names below load on first use: crawl processes ask this package whether a pid is alive,
and must not load the scheduler (APScheduler), the ledger or the notifiers for that.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "processes": (
        "child_env", "crawl_command", "demo_site_command", "free_port", "pick_port",
        "pid_alive", "run_crawls", "run_foreground", "run_logged", "start_background",
        "start_demo_site", "stop", "stop_children", "wait_for_http", "web_command",
        "yuqing_command",
    ),
    "runs": ("JobFailed", "Runtime", "configure", "in_transaction", "reset", "runtime"),
    "jobs": ("sync_index",),
    "definitions": ("JobDef", "Timing", "job_definitions"),
    "scheduler": ("ACTIONS", "Process", "SchedulerBusy", "request", "serve"),
    "describe": ("SUMMARY_LABELS", "describe_summary", "describe_trigger"),
    "status": ("JobInfo", "list_jobs", "scheduler_status"),
    "retention": ("RetentionPolicy", "apply_retention"),
    "problems": ("failed_deliveries", "failed_jobs", "source_problems"),
    "leadership": ("Leadership", "LeadershipLost"),
    "workers": ("WorkerReport", "enqueue_sources", "work"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_HOME_OF)


def __getattr__(name: str) -> Any:
    """Load a re-exported name from its module on first use."""
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    """The re-exported names beside the module's own."""
    return sorted(set(globals()) | set(__all__))
