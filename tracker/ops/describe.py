"""Job triggers and run summaries in words, for the admin page: 每 5 分钟、每天 03:30, and
the counts a run wrote as Chinese label: value pairs, never a raw code or JSON."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

WEEKDAYS = {"mon": "一", "tue": "二", "wed": "三", "thu": "四", "fri": "五", "sat": "六",
            "sun": "日", "0": "一", "1": "二", "2": "三", "3": "四", "4": "五", "5": "六",
            "6": "日"}
OTHER = "其他"


def _every(seconds: int) -> str:
    for unit, name in ((86400, "天"), (3600, "小时"), (60, "分钟")):
        if seconds >= unit and seconds % unit == 0:
            return f"每 {seconds // unit} {name}"
    return f"每 {seconds} 秒"


def _fixed(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def describe_trigger(trigger: Any) -> str:
    """A trigger in words: an APScheduler IntervalTrigger or CronTrigger, a number of seconds
    or a timedelta (the intervals of :class:`~tracker.ops.definitions.Timing`)."""
    if isinstance(trigger, IntervalTrigger):
        trigger = trigger.interval
    if isinstance(trigger, timedelta):
        trigger = int(trigger.total_seconds())
    if isinstance(trigger, int | float) and not isinstance(trigger, bool):
        return _every(int(trigger))
    if isinstance(trigger, CronTrigger):
        return _describe_cron({f.name: str(f) for f in trigger.fields})
    return "自定义规则"


def _describe_cron(f: dict[str, str]) -> str:
    hour, minute = _fixed(f.get("hour", "*")), _fixed(f.get("minute", "*"))
    if f.get("year", "*") != "*" or f.get("week", "*") != "*" or f.get("month", "*") != "*":
        return "自定义规则"
    if minute is None:
        return "自定义规则"
    if hour is None:
        return f"每小时第 {minute} 分" if f.get("hour", "*") == "*" else "自定义规则"
    at = f"{hour:02d}:{minute:02d}"
    day, weekday = f.get("day", "*"), f.get("day_of_week", "*")
    if day == "*" and weekday == "*":
        return f"每天 {at}"
    if day == "*" and weekday in WEEKDAYS:
        return f"每周{WEEKDAYS[weekday]} {at}"
    if day == "*" and weekday in ("mon-fri", "0-4"):
        return f"每周一至周五 {at}"
    if weekday == "*" and _fixed(day) is not None:
        return f"每月 {int(day)} 日 {at}"
    if weekday == "*" and day == "last":
        return f"每月最后一天 {at}"
    return "自定义规则"


#: What the jobs in :mod:`tracker.ops.jobs` write into their summaries.
SUMMARY_LABELS = {
    # analyze
    "result": "分析", "analyzed": "已分析", "reanalyzed": "重新分析", "duplicates": "重复",
    "new_events": "新事件", "updated_events": "更新事件", "alerts": "预警",
    "announced": "已发预警通知", "ledger": "转入台账", "index": "索引同步",
    "indexed": "已入索引", "rejected": "被拒", "errors": "错误", "retries": "重试",
    "pending": "待同步", "unavailable": "索引不可用",
    "qa": "问答库", "new_entries": "新增问答", "variants": "收入留言", "merged": "并入已有问题",
    "removed": "移出索引",
    # crawl
    "returncode": "退出码", "run": "抓取", "pages": "页数", "new": "新增",
    "updated": "更新", "unchanged": "未变化", "health": "信息源状态", "skipped": "跳过",
    "enqueued": "已交给抓取节点",
    "then": "随即运行", "analyze": "舆情分析", "deliver": "通知投递",
    # watch
    "watched": "查看列表页", "changed": "有新内容", "not_modified": "未变化（条件请求）",
    "crawls": "立即抓取",
    # imports
    "imported": "新增",
    # reminders
    "entries": "检查事项", "sent": "已发送", "deferred": "顺延", "no_recipient": "无接收人",
    # propose-cases
    "candidates": "办结事项", "checked": "已评分", "proposed": "推荐案例",
    # source-health
    "states": "信息源状态",
    # deliver
    "failed": "失败", "retrying": "重试中", "missing": "记录不存在",
    # monthly-report
    "month": "月份", "files": "生成文件",
    # retention
    "crawl_runs": "抓取记录", "job_runs": "任务运行记录", "deliveries": "投递记录",
    "notifications": "站内通知", "heartbeats": "心跳记录", "job_commands": "任务操作记录",
    "log_files": "日志文件",
    # demo-clock
    "epoch": "演示时钟", "clocks": "演示时钟明细",
    # everywhere
    "seconds": "耗时（秒）", "status": "状态",
}
#: Keys left out: the page already says which source a crawl job is for.
HIDDEN_KEYS = frozenset({"source", "note", "clocks", "skips", "triggered"})
VALUE_LABELS = {"now": "已安排立即运行", "after": "本次结束后再运行", "paused": "已暂停，未运行",
                "missing": "没有这个任务", "failed": "未能安排",
                "no scheduler": "未在调度进程中运行", "ok": "成功", "error": "失败",
                "running": "运行中", "partial": "部分成功",
                "unknown": "尚未抓取", "quiet": "无数据", "failing": "抓取失败",
                "stale": "长时间未抓取", "source missing or disabled": "信息源不存在或已停用",
                "True": "是", "False": "否"}
HEALTH_LABELS = {"ok": "正常", "unknown": "尚未抓取", "quiet": "无数据", "failing": "抓取失败",
                 "stale": "长时间未抓取"}


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, list | tuple):
        return f"{len(value)} 项"
    text = str(value)
    if text in VALUE_LABELS:
        return VALUE_LABELS[text]
    if text.isascii() and any(c.isalpha() for c in text):  # a code: never shown
        return "—"
    return text


def _nothing(value: Any) -> bool:
    return value is None or value is False or value == 0 or value in ([], {}, "")


def describe_summary(summary: Any) -> list[tuple[str, str]]:
    """A run summary as (label, value) pairs in Chinese; nested counts are prefixed with their
    section (分析·预警), unknown keys read 其他 and the health job's per-source states are
    counted by state. Zero counts are left out (a run that changed nothing says so)."""
    pairs = _describe(summary, nested=False)
    if not pairs and isinstance(summary, dict) and summary:
        return [("结果", "无新增或变化")]
    return pairs


def _describe(summary: Any, nested: bool) -> list[tuple[str, str]]:
    if not isinstance(summary, dict):
        return [] if summary in (None, "", {}) else [(OTHER, _value(summary))]
    pairs: list[tuple[str, str]] = []
    for key, value in summary.items():
        if key in HIDDEN_KEYS or _nothing(value) or (nested and key == "seconds"):
            continue
        label = SUMMARY_LABELS.get(key, OTHER)
        if key == "states" and isinstance(value, dict):
            counts: dict[str, int] = {}
            for state in value.values():
                word = HEALTH_LABELS.get(str(state), OTHER)
                counts[word] = counts.get(word, 0) + 1
            pairs.append((label, "、".join(f"{k} {n}" for k, n in counts.items()) or "无"))
        elif isinstance(value, dict):
            pairs.extend((f"{label}·{inner}", text) for inner, text in _describe(value, True))
        elif key == "health":
            pairs.append((label, HEALTH_LABELS.get(str(value), OTHER)))
        else:
            pairs.append((label, _value(value)))
    return pairs
