"""The scheduled jobs as one list of definitions: explicit ids, module-level functions,
triggers and kwargs (see :func:`job_definitions`); the scheduler reconciles its store with it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import Source
from tracker.ops import jobs
from tracker.ops.runs import job_id
from tracker.settings import Settings

JOB_LABELS = {"analyze": "舆情分析", "reminders": "到期提醒与督办",
              "source-health": "信息源健康检查", "deliver": "通知投递（含重试）",
              "monthly-report": "月度报告", "retention": "过期数据清理",
              "propose-cases": "亮点工程月度推荐", "retrain-models": "模型每周再训练",
              "watch": "信息源更新监测"}


@dataclass(frozen=True)
class Timing:
    """How often each job runs; the CLI can shorten them (tests, the demo)."""

    crawl_every: int | None = None  # seconds for every source; None: each source's own
    watch_every: int | None = None  # the change watch; None: YUQING_WATCH_SECONDS; 0: off
    analyze_every: int = 300
    reminders_every: int = 300
    health_every: int = 900
    deliver_every: int = 30
    misfire_grace: int = 300
    crawl_workers: int = 2
    stagger: float = 2.0  # seconds between the first runs of newly added crawl jobs
    demo_site: str | None = None  # the demo web's URL: its clock is moved on (yuqing demo)
    demo_clock_every: int = 180


@dataclass(frozen=True)
class JobDef:
    """One scheduled job: explicit id, a module-level function, its trigger and kwargs."""

    id: str
    func: Callable
    trigger: Any
    kwargs: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    executor: str = "default"
    first_run: float | None = None  # seconds from now for a newly added job
    grace: int | None = None  # misfire grace in seconds (default: the timing's)

    def misfire_grace(self, timing: Timing) -> int:
        """How late a run may still start (a report due at 08:00 is still wanted at 10:00)."""
        return self.grace if self.grace is not None else timing.misfire_grace

    @classmethod
    def of(cls, func: Callable, trigger: Any, name: str, **kwargs: Any) -> JobDef:
        """A definition whose id comes from the job function's id template."""
        return cls(job_id(func, **kwargs), func, trigger, kwargs, name)


def job_definitions(session: Session, settings: Settings, timing: Timing) -> list[JobDef]:
    """Every job the scheduler should have right now: one crawl per enabled source, etc."""
    tz = settings.tz
    defs = []
    sources = session.scalars(select(Source).where(Source.enabled.is_(True)).order_by(Source.id))
    for i, source in enumerate(sources):
        seconds = timing.crawl_every or source.interval_minutes * 60
        job = JobDef.of(jobs.crawl, IntervalTrigger(seconds=seconds, timezone=tz),
                        f"抓取：{source.title}", source=source.name)
        defs.append(dataclasses.replace(job, executor="crawl", first_run=1 + i * timing.stagger))
    every = {jobs.analyze: timing.analyze_every, jobs.reminders: timing.reminders_every,
             jobs.source_health: timing.health_every, jobs.deliver: timing.deliver_every}
    watch_every = settings.watch_seconds if timing.watch_every is None else timing.watch_every
    if watch_every:  # a new item on a watched list page is crawled within one tick
        every[jobs.watch] = watch_every
    for job_func, seconds in every.items():
        name = job_id(job_func)
        defs.append(JobDef(name, job_func, IntervalTrigger(seconds=seconds, timezone=tz), {},
                           JOB_LABELS[name]))
    defs.append(JobDef("monthly-report", jobs.monthly_report,
                       CronTrigger(day=1, hour=8, minute=0, timezone=tz), {},
                       JOB_LABELS["monthly-report"], grace=86400))
    # After the month's follow-ups are in, before the monthly report is read.
    defs.append(JobDef("propose-cases", jobs.propose_cases,
                       CronTrigger(day=1, hour=7, minute=0, timezone=tz), {},
                       JOB_LABELS["propose-cases"], grace=86400))
    # Sunday night, when nobody corrects anything: both models, each promoted only if better.
    defs.append(JobDef("retrain-models", jobs.retrain_models,
                       CronTrigger(day_of_week="sun", hour=2, minute=0, timezone=tz), {},
                       JOB_LABELS["retrain-models"], grace=6 * 3600))
    defs.append(JobDef("retention", jobs.retention,
                       CronTrigger(hour=3, minute=30, timezone=tz), {}, JOB_LABELS["retention"],
                       grace=6 * 3600))
    if timing.demo_site:
        defs.append(JobDef("demo-clock", jobs.demo_clock, IntervalTrigger(
            seconds=timing.demo_clock_every, timezone=tz), {"site": timing.demo_site},
            "演示网站时钟前进"))
    return defs
