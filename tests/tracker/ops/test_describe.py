"""Triggers and run summaries in words: no ``interval[0:01:00]``, no JSON, no raw keys."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from tracker import ops

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("trigger", "words"), [
    (IntervalTrigger(minutes=1, timezone=TZ), "每 1 分钟"),
    (IntervalTrigger(seconds=30, timezone=TZ), "每 30 秒"),
    (IntervalTrigger(seconds=90, timezone=TZ), "每 90 秒"),
    (IntervalTrigger(hours=2, timezone=TZ), "每 2 小时"),
    (IntervalTrigger(days=1, timezone=TZ), "每 1 天"),
    (CronTrigger(hour=2, minute=0, timezone=TZ), "每天 02:00"),
    (CronTrigger(hour=3, minute=30, timezone=TZ), "每天 03:30"),
    (CronTrigger(day_of_week="mon", hour=8, minute=0, timezone=TZ), "每周一 08:00"),
    (CronTrigger(day_of_week="mon-fri", hour=9, minute=5, timezone=TZ), "每周一至周五 09:05"),
    (CronTrigger(day=1, hour=8, minute=0, timezone=TZ), "每月 1 日 08:00"),
    (CronTrigger(minute=15, timezone=TZ), "每小时第 15 分"),
    (CronTrigger(month="1,7", day=1, hour=0, minute=0, timezone=TZ), "自定义规则"),
    (300, "每 5 分钟"),
    (timedelta(minutes=15), "每 15 分钟"),
    ("cron[...]", "自定义规则"),
])
def test_describe_trigger(trigger, words):
    assert ops.describe_trigger(trigger) == words


def test_every_defined_job_has_a_trigger_in_words():
    from tracker.ops.definitions import Timing

    timing = Timing()
    for seconds in (timing.analyze_every, timing.reminders_every, timing.health_every,
                    timing.deliver_every, timing.demo_clock_every, 60):
        assert ops.describe_trigger(IntervalTrigger(seconds=seconds, timezone=TZ)).startswith("每")


def test_describe_summary_names_each_count_in_chinese():
    analyze = {"seconds": 1.5, "result": {"analyzed": 3, "alerts": 1, "new_events": 2},
               "announced": 1, "ledger": 0,
               "index": {"indexed": 3, "errors": [{"id": 1, "reason": "x"}], "pending": 0}}
    pairs = dict(ops.describe_summary(analyze))
    assert pairs["耗时（秒）"] == "1.5" and pairs["分析·已分析"] == "3"
    assert pairs["分析·预警"] == "1" and pairs["分析·新事件"] == "2"
    assert pairs["索引同步·错误"] == "1 项" and pairs["已发预警通知"] == "1"
    assert "转入台账" not in pairs and "索引同步·待同步" not in pairs  # zero: left out
    assert ops.describe_summary({"crawl_runs": 0, "log_files": 0}) == [("结果", "无新增或变化")]
    assert ops.describe_summary({"index": {"indexed": 1, "seconds": 0.3}}) == [
        ("索引同步·已入索引", "1")]


def test_describe_summary_hides_codes_and_unknown_keys():
    crawl = {"source": "demo_board_a", "returncode": 0, "health": "quiet",
             "run": {"status": "ok", "new": 4, "updated": 1}, "mystery_key": "abc"}
    pairs = ops.describe_summary(crawl)
    text = repr(pairs)
    assert "demo_board_a" not in text and "mystery_key" not in text and "quiet" not in text
    assert ("其他", "—") in pairs and ("抓取·新增", "4") in pairs
    assert ("信息源状态", "无数据") in pairs and ("抓取·状态", "成功") in pairs
    health = ops.describe_summary({"states": {"demo_board_a": "ok", "b": "ok", "c": "failing"}})
    assert health == [("信息源状态", "正常 2、抓取失败 1")]
    skipped = ops.describe_summary({"source": "x", "skipped": "source missing or disabled"})
    assert skipped == [("跳过", "信息源不存在或已停用")]
    assert ops.describe_summary({"imported": 2}) == [("新增", "2")]


def test_describe_summary_of_the_watch_and_of_jobs_brought_forward():
    watch = {"watched": 3, "changed": 1, "unchanged": 1, "not_modified": 0, "skipped": 1,
             "crawls": 1, "triggered": {"demo_board_a": "now"},
             "skips": {"closed": "URLError: <urlopen error [Errno 111] Connection refused>"}}
    pairs = ops.describe_summary(watch)
    text = repr(pairs)
    assert "demo_board_a" not in text and "closed" not in text and "URLError" not in text
    assert dict(pairs) == {"查看列表页": "3", "有新内容": "1", "未变化": "1", "跳过": "1",
                           "立即抓取": "1"}
    crawl = {"source": "a", "run": {"new": 4}, "then": {"analyze": "now"}}
    assert ("随即运行·舆情分析", "已安排立即运行") in ops.describe_summary(crawl)
    analyze = {"announced": 2, "then": {"deliver": "after"}}
    assert ("随即运行·通知投递", "本次结束后再运行") in ops.describe_summary(analyze)
