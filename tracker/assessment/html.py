"""The yearly assessment as HTML (a fragment for the web page) and as an A4 PDF.

The PDF is the same fragment laid out by WeasyPrint, as the monthly report is, so the two
say the same thing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from tracker.assessment.yearly import Assessment, DepartmentYear
from tracker.reports import hours, layout, number, pct
from tracker.vocabulary import KIND_LABELS

TEMPLATES = Path(__file__).with_name("templates")

#: The assessment's columns: (header, attribute of the row or its metrics, format).
COLUMNS = (
    ("受理", "received", "num"), ("已答复", "replied", "num"), ("答复率", "reply_rate", "pct"),
    ("答复用时中位数", "median_reply_hours", "hours"),
    ("答复用时第90百分位数", "p90_reply_hours", "hours"),
    ("按期办结率", "on_time_rate", "pct"), ("满意率", "satisfaction_rate", "pct"),
    ("回访评价件数", "satisfaction_rated", "num"),
    ("超期未办结", "overdue_open", "num"), ("三个月未答复", "unanswered_3m", "num"),
    ("答复未公开", "unpublished", "num"), ("答复质量（百分制）", "quality", "score"),
    ("入选亮点案例", "cases", "num"),
)
FLAG_KEYS = frozenset({"overdue_open", "unanswered_3m", "unpublished"})

DEFINITIONS = (
    "事项按受理时间归入年度；口径与月度报告相同，全年数字等于各月之和：件数逐月相加，"
    "比率以全年分子除以全年分母，中位数和第90百分位数按全年每一件的答复用时计算。",
    "答复率 = 已答复件数 ÷ 受理件数；答复用时 = 答复时间 − 受理时间；未答复事项不计入用时。",
    "按期办结率 = 在办理时限内答复的件数 ÷（有办理时限的已答复件数 + 已超期未答复件数）；"
    "尚未到期的在办事项不计入。",
    "满意率 =（满意 + 基本满意）÷ 有回访评价的件数。",
    "超期未办结：截至统计时已过办理时限、尚未答复且未暂停计时的事项。",
    "三个月未答复：受理满三个月仍未答复的网民留言（政府网站检查的单项否决项），"
    "历史遗留留言另行统计。",
    "答复未公开：已答复但答复尚未公开的网民留言（已归档的除外）。",
    "部门按牵头部门统计；受理件数少于规定数量的部门只列出、不排名。",
    "答复质量：本年审核通过的答复经答复自查（相关性、完整性、可解释性及常见问题）得分的平均值，"
    "折算为百分制；因套话检查要与同期其他答复比较，全年按一个整体计算，不是各月之和。",
    "入选亮点案例：本年收入亮点工程案例库并已发布的案例数。",
)


def value(row: DepartmentYear, attr: str):
    """A column's value: the row's own red flags, else its metrics'."""
    if attr in ("unanswered_3m", "unpublished", "quality", "cases"):
        return getattr(row, attr)
    return getattr(row.metrics, attr)


def cell(row: DepartmentYear, attr: str, fmt: str) -> str:
    """A column's value in words."""
    raw = value(row, attr)
    if fmt == "score":
        return "—" if raw is None else f"{raw * 100:.1f}"
    return {"pct": pct, "hours": hours}.get(fmt, number)(raw)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment of the assessment templates (autoescaped)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
        default_for_string=True, default=True), trim_blocks=True, lstrip_blocks=True)
    env.globals.update(COLUMNS=COLUMNS, FLAG_KEYS=FLAG_KEYS, cell=cell, value=value,
                       definitions=DEFINITIONS)
    return env


def _context(a: Assessment, tz: ZoneInfo) -> dict:
    return {"a": a, "as_of": a.as_of.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            "kind_label": KIND_LABELS.get(a.kind) if a.kind else "",
            "show_total": len(a.departments) != 1 or a.total is not a.departments[0]}


def render_fragment(a: Assessment, tz: ZoneInfo) -> Markup:
    """The assessment's body, for a page of the web app."""
    return Markup(environment().get_template("year_body.html").render(**_context(a, tz)))


def render_html(a: Assessment, tz: ZoneInfo) -> str:
    """The assessment as one self-contained HTML document (the PDF's source)."""
    return environment().get_template("year.html").render(**_context(a, tz))


def render_pdf(a: Assessment, tz: ZoneInfo) -> bytes:
    """The assessment as an A4 landscape PDF (Chinese fonts embedded); ReportError when the
    fonts or WeasyPrint's libraries are missing."""
    return layout(render_html(a, tz)).write_pdf()
