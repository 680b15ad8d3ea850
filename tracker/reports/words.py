"""The report in words: number formats and the cover summary (本月共受理…，同比/环比…)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.metrics import Metrics
from tracker.vocabulary import KIND_LABELS

if TYPE_CHECKING:
    from tracker.reports.data import MonthlyReport


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


def _count_change(now: int, before: int) -> str:
    if before == 0:
        return f"受理 {now} 件（基期无受理，不计增幅）"
    diff = now - before
    if diff == 0:
        return f"受理量持平（{now} 件）"
    word = "增加" if diff > 0 else "减少"
    return f"受理量{word} {abs(diff)} 件（{diff / before * 100:+.1f}%）"


def _rate_change(name: str, now: float | None, before: float | None) -> str | None:
    if now is None or before is None:
        return None
    diff = (now - before) * 100
    if abs(diff) < 0.05:
        return f"{name}持平"
    return f"{name}{'上升' if diff > 0 else '下降'} {abs(diff):.1f} 个百分点"


def _median_change(now: float | None, before: float | None) -> str | None:
    if now is None or before is None:
        return None
    diff = now - before
    if abs(diff) < 0.05:
        return "答复用时中位数持平"
    return f"答复用时中位数{'延长' if diff > 0 else '缩短'} {abs(diff):.1f} 小时"


def compare(label: str, now: Metrics, before: Metrics) -> str:
    """One comparison sentence (环比 against last month, 同比 against a year before)."""
    parts = [_count_change(now.received, before.received),
             _rate_change("答复率", now.reply_rate, before.reply_rate),
             _rate_change("按期办结率", now.on_time_rate, before.on_time_rate),
             _median_change(now.median_reply_hours, before.median_reply_hours)]
    return f"{label}，" + "，".join(p for p in parts if p) + "。"


def _opening(report: MonthlyReport) -> str:
    m, start = report.month.total, report.period.start
    kinds = "，".join(f"{KIND_LABELS[k]} {report.by_kind[k].received} 件"
                     for k in report.by_kind if report.by_kind[k].received)
    text = f"{start.year}年{start.month}月，本月共受理各类事项 {m.received} 件"
    text += f"（{kinds}）" if kinds else ""
    text += (f"，已答复 {m.replied} 件，答复率 {pct(m.reply_rate)}；按期办结率 "
             f"{pct(m.on_time_rate)}，目前超期未办结 {m.overdue_open} 件。")
    if report.legacy:
        text += (f"另有历史遗留留言 {report.legacy} 件（进入台账时已超过归档期限且未答复），"
                 "不计入超期，待在“历史遗留”清单集中结案或交办。")
    return text


def _speed(m: Metrics) -> str | None:
    if m.median_reply_hours is None:
        return None
    text = (f"答复用时中位数 {hours(m.median_reply_hours)}，90% 的事项在 "
            f"{hours(m.p90_reply_hours)} 内答复，平均 {hours(m.mean_reply_hours)}")
    if m.median_reply_workdays is not None:
        text += f"；留言和依申请公开按工作日计，中位数 {workdays(m.median_reply_workdays)}"
    if m.median_ack_hours is not None:
        text += f"；首次响应用时中位数 {hours(m.median_ack_hours)}"
    return text + "。"


def _flags(report: MonthlyReport) -> str:
    a, b = report.unanswered_3m.total, report.unpublished.total
    if not a and not b:
        return "红色警示：无超过三个月未答复的留言，无已答复未公开的留言。"
    return (f"红色警示：超过三个月未答复的留言 {a} 件（网站普查单项否决项），"
            f"已答复但未公开的留言 {b} 件，请相关部门立即整改。")


def summary_paragraphs(report: MonthlyReport) -> list[str]:
    """The cover summary, a few short paragraphs in Chinese."""
    m = report.month.total
    out = [_opening(report)]
    if m.received == 0:
        out[0] = (f"{report.period.start.year}年{report.period.start.month}月，"
                  "本月共受理各类事项 0 件，无答复时效数据。")
    speed = _speed(m)
    if speed:
        out.append(speed)
    out.append(compare("环比（与上月相比）", m, report.previous))
    out.append(compare("同比（与去年同月相比）", m, report.last_year))
    if m.satisfaction_rated:
        out.append(f"回访评价 {m.satisfaction_rated} 件，满意率（含基本满意）"
                   f"{pct(m.satisfaction_rate)}。")
    out.append(_flags(report))
    out.append(report.month.ranking_note)
    return out
