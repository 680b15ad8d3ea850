"""A synthetic but plausible ledger: demo months for the report tests and the benchmarks.

Rows go in with Core bulk inserts (fast enough for a million entries). Due times are
approximations (calendar days standing in for working days); real entries get theirs from
``tracker.deadlines``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tracker.metrics import Period
from tracker.models import Department, LedgerEntry
from tracker.models.base import utcnow
from tracker.vocabulary import Level

DEPARTMENTS = ("市住建局", "市交通运输局", "市教育局", "市卫健委", "市生态环境局",
               "市市场监管局", "市人社局", "市公安局", "市城管局", "市自然资源局",
               "区政府办", "市信访局")
TOPICS = ("小区物业管理混乱", "道路施工长期未完工", "学校周边交通拥堵", "噪音扰民",
          "拖欠农民工工资", "医保报销流程繁琐", "违章搭建", "垃圾清运不及时",
          "公交线路调整", "房屋漏水无人维修", "幼儿园收费不合理", "油烟污染")
PLACES = ("A1区", "A2区", "A3区", "A4区", "A5区", "A6区", "A7县", "A8县")
#: kind, share, limit (calendar days standing in for the legal limit)
KIND_MIX = (("message", 0.6, 10), ("opinion", 0.25, 2), ("disclosure", 0.15, 28))
#: Opinion levels drawn with weights 3:2:1:1 (一般 is the most common).
LEVELS = tuple(level.value for level, weight in zip(Level, (3, 2, 1, 1), strict=True)
               for _ in range(weight))
SATISFACTION = (None, None, "满意", "满意", "基本满意", "不满意", "未评价")


def ensure_departments(session: Session, names=DEPARTMENTS) -> list[int]:
    """Create the named departments when missing; return their ids."""
    existing = dict(session.execute(select(Department.name, Department.id)).all())
    for name in names:
        if name not in existing:
            dept = Department(name=name)
            session.add(dept)
            session.flush()
            existing[name] = dept.id
    return [existing[name] for name in names]


def _kind(rnd: random.Random) -> tuple[str, int]:
    roll, acc = rnd.random(), 0.0
    for kind, share, limit in KIND_MIX:
        acc += share
        if roll < acc:
            return kind, limit
    return KIND_MIX[0][0], KIND_MIX[0][2]


def sample_entry(rnd: random.Random, period: Period, dept_ids: list[int], now: datetime,
                 tz) -> dict:
    """One entry as a dict of column values."""
    lower, upper = period.utc_bounds(tz)
    received = lower + timedelta(seconds=rnd.uniform(0, (upper - lower).total_seconds()))
    kind, limit = _kind(rnd)
    due = received + timedelta(days=limit)
    # Reply times: log-normal around a third of the limit, a tail past it, some unanswered.
    replied = None
    if rnd.random() < 0.88:
        replied = received + timedelta(hours=rnd.lognormvariate(0, 0.9) * limit * 8)
        replied = replied if replied <= now else None
    ack = received + timedelta(hours=rnd.uniform(0.2, 20)) if rnd.random() < 0.9 else None
    published = replied + timedelta(hours=rnd.uniform(1, 48)) if replied and rnd.random() < .9 \
        else None
    title = f"{rnd.choice(PLACES)}{rnd.choice(TOPICS)}"
    status = ("published" if published else "replied") if replied else "handling"
    if kind == "opinion":
        status = "closed" if replied and rnd.random() < 0.7 else ("responded" if replied
                                                                   else "handling")
    elif kind == "disclosure":
        status = "replied" if replied else "handling"
    return {
        "kind": kind, "status": status, "title": title, "summary": f"{title}，请有关部门处理。",
        "received_at": received, "due_at": due, "first_ack_at": min(ack, now) if ack else None,
        "replied_at": replied, "published_at": published if published and published <= now
        else None, "closed_at": replied if status == "closed" else None,
        "lead_department_id": rnd.choice(dept_ids) if rnd.random() < 0.95 else None,
        "level": rnd.choice(LEVELS) if kind == "opinion" else None,
        "reply_channel": ("网站答复" if kind == "message" else "官方微博") if replied else None,
        "reply_summary": f"关于“{title}”的问题，经核查已责成相关单位整改。" if replied else None,
        "satisfaction": rnd.choice(SATISFACTION) if replied else None,
        "responsible_person": rnd.choice(("张伟", "王芳", "李强", "刘洋", "陈静")),
        "created_at": received, "updated_at": received,
    }


def insert_sample(session: Session, period: Period, count: int, tz, *, seed: int = 7,
                  now: datetime | None = None, batch: int = 20000) -> int:
    """Insert ``count`` synthetic entries received in ``period``; return the count."""
    now = now or utcnow()
    rnd = random.Random(seed)
    dept_ids = ensure_departments(session)
    done = 0
    while done < count:
        size = min(batch, count - done)
        rows = [sample_entry(rnd, period, dept_ids, now, tz) for _ in range(size)]
        session.execute(insert(LedgerEntry), rows)
        done += size
    return done


__all__ = ["DEPARTMENTS", "ensure_departments", "insert_sample", "sample_entry"]
