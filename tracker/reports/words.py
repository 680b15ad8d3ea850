"""The report in words: number formats, the cover summary (本月共受理…，环比/同比…), the
ranking sentence and the definitions. Every sentence is plain Chinese and agrees with the
others on an empty month, a month with few entries and a month without ranked departments.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tracker.metrics import Metrics, MetricsResult, Period
from tracker.vocabulary import KIND_LABELS

if TYPE_CHECKING:
    from tracker.reports.data import MonthlyReport

NO_BASE = "无可比数据"
#: Zones whose local time is Beijing time (the report says 北京时间, never a zone name).
BEIJING_ZONES = ("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "Asia/Urumqi", "PRC")


def pct(value: float | None, digits: int = 1) -> str:
    """``0.9234`` → ``92.3%``; ``None`` → ``—``."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def hours(value: float | None) -> str:
    """``36.25`` → ``36.3 小时``; long spans also in days."""
    if value is None:
        return "—"
    if value >= 72:
        return f"{value:.1f} 小时（{value / 24:.1f} 天）"
    return f"{value:.1f} 小时"


def workdays(value: float | None) -> str:
    """``5.5`` → ``5.5 个工作日``."""
    return "—" if value is None else f"{value:g} 个工作日"


def number(value: float | None, digits: int = 1) -> str:
    """A plain number, ``—`` when missing."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{digits}f}"


def month_name(period: Period) -> str:
    """``2025年9月``."""
    return f"{period.start.year}年{period.start.month}月"


def zone_name(tz_name: str) -> str:
    """``北京时间`` for the Chinese zones, ``当地时间`` otherwise (never a zone code)."""
    return "北京时间" if tz_name in BEIJING_ZONES else "当地时间"


def moment(value: datetime, tz_name: str) -> str:
    """``2026年12月6日 06:58`` in the report's zone."""
    local = value.astimezone(ZoneInfo(tz_name))
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _count_change(now: int, before: int) -> str | None:
    if before == 0:
        return None
    diff = now - before
    if diff == 0:
        return f"受理量持平（均为 {now} 件）"
    word = "增加" if diff > 0 else "减少"
    return f"受理 {now} 件，{word} {abs(diff)} 件（{diff / before * 100:+.1f}%）"


def _rate_change(now: float | None, before: float | None, name: str) -> str | None:
    if now is None or before is None:
        return None
    diff = (now - before) * 100
    if abs(diff) < 0.05:
        return f"{name}持平"
    return f"{name}{'上升' if diff > 0 else '下降'} {abs(diff):.1f} 个百分点"


def _median_change(now: float | None, before: float | None, name: str) -> str | None:
    if now is None or before is None:
        return None
    diff = now - before
    if abs(diff) < 0.05:
        return f"{name}持平"
    return f"{name}{'延长' if diff > 0 else '缩短'} {abs(diff):.1f} 小时"


def compare(kind: str, base: str, now: Metrics, before: Metrics) -> str:
    """One comparison sentence: ``kind`` is 环比 or 同比, ``base`` names the base month
    (``2025年8月``). A figure whose base is zero or missing is 无可比数据."""
    head = f"{kind}（与{base}相比）："
    if now.received == 0 and before.received == 0:
        return head + f"本月与{base}均无受理事项，{NO_BASE}。"
    done, missing = [], []
    count = _count_change(now.received, before.received)
    if count:
        done.append(count)
    else:
        missing.append("受理量")
    for name, change, a, b in (
            ("答复率", _rate_change, now.reply_rate, before.reply_rate),
            ("按期办结率", _rate_change, now.on_time_rate, before.on_time_rate),
            ("答复用时中位数", _median_change, now.median_reply_hours, before.median_reply_hours)):
        text = change(a, b, name)
        (done.append(text) if text else missing.append(name))
    parts = list(done)
    if missing:
        parts.append("、".join(missing) + NO_BASE)
    return head + "，".join(parts) + "。"


def comparison_note(report: MonthlyReport) -> str:
    """What 环比 and 同比 compare, and when a comparison is left out."""
    previous, last_year = report.period.shifted_months(-1), report.period.shifted_months(-12)
    return (f"环比是本月与上月（{month_name(previous)}）相比，同比是本月与去年同月"
            f"（{month_name(last_year)}）相比；比较受理量、答复率、按期办结率和答复用时中位数，"
            "各月都按受理时间归属，统计到同一数据截止时间。上月或去年同月没有受理事项、"
            f"或该项指标没有数据时，写作“{NO_BASE}”。")


def on_time_sentence(m: Metrics) -> str:
    """The month's on-time rate with what it counts."""
    if m.deadline_decided == 0:
        return "本月受理的事项尚无到期或已答复的，按期办结率暂不计算。"
    late = (f"其中截至数据截止时仍超期未办结 {m.overdue_open} 件" if m.overdue_open
            else "其中没有超期未办结的")
    return (f"本月受理的事项中，已答复或已到办理时限的 {m.deadline_decided} 件，按期答复 "
            f"{m.on_time} 件，按期办结率 {pct(m.on_time_rate)}；{late}。")


def backlog_sentence(report: MonthlyReport) -> str:
    """All entries still overdue at the cut-off, this month's and earlier ones."""
    n = report.overdue.total
    if n == 0:
        return "截至数据截止时，本月及以往月份受理的事项均无超期未办结。"
    return f"截至数据截止时，本月及以往月份受理的事项中累计仍超期未办结 {n} 件，清单见第六部分。"


def _opening(report: MonthlyReport) -> str:
    m = report.month.total
    if m.received == 0:
        return (f"{month_name(report.period)}无受理事项，本月没有答复率、按期办结率和"
                "答复用时数据。")
    kinds = "，".join(f"{KIND_LABELS[k]} {report.by_kind[k].received} 件"
                     for k in report.by_kind if report.by_kind[k].received)
    return (f"{month_name(report.period)}，本月共受理各类事项 {m.received} 件（{kinds}），截至数据"
            f"截止时已答复 {m.replied} 件，答复率 {pct(m.reply_rate)}。")


def _legacy(report: MonthlyReport) -> str | None:
    if not report.legacy:
        return None
    return (f"另有历史遗留留言 {report.legacy} 件（进入台账时已超过归档期限且未答复），"
            "不计入超期，待在“历史遗留”清单集中结案或交办。")


def _speed(m: Metrics) -> str | None:
    if m.median_reply_hours is None:
        return None
    text = (f"本月已答复事项的答复用时中位数 {hours(m.median_reply_hours)}，90% 的事项在 "
            f"{hours(m.p90_reply_hours)}内答复，平均 {hours(m.mean_reply_hours)}")
    if m.median_reply_workdays is not None:
        text += f"；网民留言和依申请公开按工作日计，中位数 {workdays(m.median_reply_workdays)}"
    if m.median_ack_hours is not None:
        text += f"；首次响应用时中位数 {hours(m.median_ack_hours)}"
    return text + "。"


def _flags(report: MonthlyReport) -> str:
    a, b = report.unanswered_3m.total, report.unpublished.total
    if not a and not b:
        return "红色警示：无超过三个月未答复的留言，无已答复未公开的留言。"
    return (f"红色警示：超过三个月未答复的留言 {a} 件（网站普查单项否决项），"
            f"已答复但未公开的留言 {b} 件，请相关部门立即整改。")


def ranking_sentence(result: MetricsResult) -> str:
    """Which departments are ranked, and why the others are not."""
    named = [d for d in result.by_department if d.department_id is not None]
    ranked = [d for d in named if d.rank is not None]
    least = result.min_rank_sample
    if not result.total.received:
        return "本月无受理事项，不进行部门排名。"
    if not named:
        return "本月受理事项均未指定牵头部门，不进行部门排名。"
    if not ranked:
        return f"各部门本月受理均不足 {least} 件，本月不进行部门排名。"
    unranked = "、".join(d.department for d in named if d.rank is None)
    text = (f"受理不少于 {least} 件的 {len(ranked)} 个部门参与排名"
            if unranked else f"{len(ranked)} 个部门受理均不少于 {least} 件，全部参与排名")
    if unranked:
        text += f"；受理不足 {least} 件的部门不参与排名：{unranked}"
    if len(named) < len(result.by_department):
        text += "；未指定牵头部门的事项单列，不参与排名"
    return text + "。"


def summary_paragraphs(report: MonthlyReport) -> list[str]:
    """The cover summary, a few short paragraphs in Chinese."""
    m = report.month.total
    previous, last_year = report.period.shifted_months(-1), report.period.shifted_months(-12)
    out = [_opening(report)]
    if m.received:
        out.append(on_time_sentence(m))
    out.append(backlog_sentence(report) + (_legacy(report) or ""))
    out.append(_speed(m) or "")
    out.append(compare("环比", "上月" + month_name(previous), m, report.previous))
    out.append(compare("同比", "去年同月" + month_name(last_year), m, report.last_year))
    if m.satisfaction_rated:
        out.append(f"回访评价 {m.satisfaction_rated} 件，满意率（含基本满意）"
                   f"{pct(m.satisfaction_rate)}。")
    out.append(_flags(report))
    out.append(ranking_sentence(report.month))
    return [p for p in out if p]


def definitions(report: MonthlyReport) -> list[str]:
    """The report's notes on what each figure counts (第九部分 and the workbook)."""
    return [
        "统计期间：事项按受理时间归属月份；各项数据统计到封面所列的数据截止时间"
        f"（{zone_name(report.tz_name)}）。",
        "答复率＝本月受理事项中已答复的件数 ÷ 本月受理件数。",
        "答复用时＝答复时间－受理时间，只统计已答复的事项。中位数：把答复用时从短到长排列，"
        "位于正中间的数值；第90百分位数：90% 的事项答复用时不超过这个数值（两个相邻数值之间"
        "按比例取值）。",
        "按期办结率（本月受理事项）＝在办理时限内答复的件数 ÷（已答复且有办理时限的件数＋"
        "已超过办理时限仍未答复的件数）；尚未到期的未答复事项不计入。",
        "超期未办结：超过办理时限仍未答复、未结案的事项。“本月受理事项超期未办结”只数本月受理的；"
        "“累计超期未办结”还包括以往月份受理、至今仍超期的事项（第六部分清单）。两者与按期办结率"
        "统计的对象不同，请勿直接比较。",
        "首次响应（签收、受理回执等）与最终答复分开统计；满意率＝（满意＋基本满意）÷ 有回访评价的"
        "事项。",
        comparison_note(report),
        f"受理不足 {report.month.min_rank_sample} 件的部门不参与排名；排名依据按期办结率，"
        "其次答复率、答复用时中位数。",
    ]
