"""全文检索: the search page over the mention index, and saving a query as a watch rule.

Crawled text is untrusted: hits carry plain-text (piece, is_match) parts and the template
escapes every piece before wrapping matches in ``<mark>``; links are shown only for http(s)
URLs. When the search server is down or slow the page says so (503) instead of failing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from tracker.index import (
    SENTIMENT_BANDS,
    MentionIndex,
    QuerySyntaxError,
    SearchIndexError,
    SearchRequest,
    SearchResult,
    WatchRuleError,
    get_index,
    list_rules,
    parse_query,
    rule_query,
    save_rule,
    sentiment_band,
)
from tracker.models import Source
from tracker.reports import PALETTE, Series, bar_chart
from tracker.vocabulary import RoleCode
from web.auth import roles_required
from web.db import get_db, get_settings
from web.inputs import OutOfRange, parse_day

bp = Blueprint("search", __name__, url_prefix="/search")
VIEW_ROLES = (RoleCode.OPINION_STAFF, RoleCode.LEADER, RoleCode.ADMIN)
SAVE_ROLES = (RoleCode.OPINION_STAFF, RoleCode.ADMIN)
PAGE_SIZE = 20
MAX_PAGE = 10_000 // PAGE_SIZE
KIND_NAMES = {"news": "新闻", "rss": "订阅", "forum": "论坛", "board": "留言板"}
BAND_NAMES = {"negative": "负面", "neutral": "中性", "positive": "正面", "unknown": "未分析"}
INTERVAL_NAMES = {"hour": "按小时", "day": "按日", "week": "按周", "month": "按月"}
ALL_AGGS = frozenset({"histogram", "sources", "kinds", "sentiment", "keywords"})


class SaveRuleForm(FlaskForm):
    """Name a query and keep it as a watch rule."""

    name = StringField("方案名称", validators=[DataRequired(), Length(max=128)])
    query = HiddenField("检索式", validators=[DataRequired(), Length(max=1000)])
    back = HiddenField()


def mention_index() -> MentionIndex:
    """The app's mention index, made on first use (short timeouts: a page must answer)."""
    index = current_app.extensions.get("yuqing.index")
    if index is None:
        index = get_index(get_settings(), request_timeout=5.0, max_retries=1)
        current_app.extensions["yuqing.index"] = index
    return index


def _values(args, name: str, limit: int) -> list[str]:
    """The non-empty values of a repeated parameter (an empty select sends "")."""
    return [v.strip() for v in args.getlist(name) if v.strip()][:limit]


@dataclass
class Criteria:
    """What the search form asked for, read from the query string."""

    q: str = ""
    date_from: str = ""
    date_to: str = ""
    sources: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    band: str = ""
    events: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    sort: str = "time"
    interval: str = "day"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Criteria:
        """Read and clamp the query-string parameters."""
        page = args.get("page", "1")
        return cls(
            q=args.get("q", "").strip()[:1000], date_from=args.get("from", "")[:10],
            date_to=args.get("to", "")[:10], sources=_values(args, "source", 20),
            kinds=_values(args, "kind", 10),
            band=args.get("sentiment", "") if args.get("sentiment") in BAND_NAMES else "",
            events=_values(args, "event", 10), departments=_values(args, "department", 10),
            sort="relevance" if args.get("sort") == "relevance" else "time",
            interval=args.get("interval") if args.get("interval") in INTERVAL_NAMES else "day",
            page=min(max(int(page), 1), MAX_PAGE) if page.isdigit() else 1)

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string parameters, with ``changes`` applied (for links)."""
        out = {"q": self.q, "from": self.date_from, "to": self.date_to, "source": self.sources,
               "kind": self.kinds, "sentiment": self.band, "event": self.events,
               "department": self.departments, "sort": self.sort, "interval": self.interval,
               "page": self.page}
        out.update(changes)
        return {k: v for k, v in out.items() if v not in ("", [], None)}


def _day(value: str, tz, *, end: bool) -> datetime | None:
    """The start (or the end) of a day; not a date is ignored, a year out of range refused
    (OutOfRange, with the Chinese message: 9999-12-31 has no next day to end at)."""
    day = parse_day(value)
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1 if end else 0), time(), tz)


def build_request(c: Criteria, timezone: str, tz) -> SearchRequest:
    """The index request for the criteria; raises QuerySyntaxError for a bad query."""
    low = high = None
    if c.band:
        bands = {name: (lo, hi) for name, lo, hi in SENTIMENT_BANDS}
        low, high = bands.get(c.band, (None, None))
    return SearchRequest(
        query=parse_query(c.q) if c.q else None,
        published_from=_day(c.date_from, tz, end=False),
        published_to=_day(c.date_to, tz, end=True), sources=tuple(c.sources),
        kinds=tuple(c.kinds), sentiment_min=low, sentiment_max=high,
        event_ids=tuple(c.events), departments=tuple(c.departments), sort=c.sort,
        offset=(c.page - 1) * PAGE_SIZE, size=PAGE_SIZE, aggs=ALL_AGGS,
        interval=c.interval, timezone=timezone)


def rule_text(c: Criteria) -> str | None:
    """The watch rule the page shows: the query plus the source and kind filters."""
    if not c.q:
        return None
    try:
        query = parse_query(c.q)
    except QuerySyntaxError:
        return None
    sources = tuple(dict.fromkeys(query.sources + tuple(c.sources)))
    kinds = tuple(dict.fromkeys(query.kinds + tuple(c.kinds)))
    return replace(query, sources=sources, kinds=kinds).to_text()


def safe_url(url: str | None) -> str | None:
    """The URL when it is plain http(s), else None (crawled links are untrusted)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


#: The histogram as two SVGs: a wide one (60 bins) and, below 600 px, a narrow one (30 bins)
#: whose labels stay 12 px or more when a phone shows it ~340 px wide.
HISTOGRAMS = {"wide": {"bins": 60, "width": 900, "height": 220, "text": 13},
              "narrow": {"bins": 30, "width": 360, "height": 230, "text": 13}}
BIN_LABELS = {"hour": "%d日%H时", "day": "%m-%d", "week": "%m-%d", "month": "%Y-%m"}


def _bin_range(start: datetime, interval: str) -> tuple[str, str]:
    """The from/to days a histogram bin covers (for the link that filters to it)."""
    first = start.date()
    if interval == "week":
        last = first + timedelta(days=6)
    elif interval == "month":
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    else:
        last = first
    return first.isoformat(), last.isoformat()


def histogram_charts(c: Criteria, result: SearchResult | None) -> dict[str, Markup]:
    """The 发布趋势 histogram with axes (integer counts, date labels); each bar filters the
    search to its period."""
    if result is None or not result.aggs.histogram:
        return {}
    out = {}
    for name, size in HISTOGRAMS.items():
        bins = result.aggs.histogram[-size["bins"]:]
        links = []
        for b in bins:
            first, last = _bin_range(b.key, c.interval)
            links.append(url_for("search.index") + "?" + urlencode(
                c.args(**{"from": first, "to": last, "page": 1}), doseq=True))
        labels = [b.key.strftime(BIN_LABELS[c.interval]) for b in bins]
        series = [Series("信息量", [b.count for b in bins], PALETTE[0], links)]
        out[name] = Markup(bar_chart(
            labels, series, title=f"发布趋势（{INTERVAL_NAMES[c.interval]}，条）", unit="条",
            caption=False, integer=True, width=size["width"], height=size["height"],
            text=size["text"], kind=f"histogram-{name}" + (" histogram" if name == "narrow"
                                                            else ""),
            empty="所选时间内没有信息"))
    return out


def _run(c: Criteria) -> tuple[SearchResult | None, str | None, bool]:
    """(result, query error, unavailable) for the criteria."""
    settings = get_settings()
    try:
        search = build_request(c, settings.timezone, settings.tz)
    except QuerySyntaxError as exc:
        return None, f"检索式有误：{exc}", False
    except OutOfRange as exc:
        return None, str(exc), False
    try:
        return mention_index().search(search), None, False
    except SearchIndexError as exc:
        current_app.logger.warning("search unavailable: %s", exc)
        return None, None, True


@bp.route("/")
@roles_required(*VIEW_ROLES)
def index() -> Any:
    """The search page: query box, filters, facets, highlighted hits, paging."""
    c = Criteria.from_args(request.args)
    result, error, unavailable = _run(c)
    db = get_db()
    source_titles = {name: title for name, title in db.execute(select(Source.name, Source.title))}
    pages = min(math.ceil(result.total / PAGE_SIZE), MAX_PAGE) if result else 0
    can_save = current_user.has_role(*SAVE_ROLES)
    form = SaveRuleForm(formdata=None, query=rule_text(c), back=request.full_path)
    status = 503 if unavailable else 400 if error else 200
    return render_template(
        "search/index.html", c=c, result=result, error=error, unavailable=unavailable,
        pages=pages, source_titles=source_titles, kind_names=KIND_NAMES,
        band_names=BAND_NAMES, interval_names=INTERVAL_NAMES, can_save=can_save, form=form,
        rules=list_rules(db, enabled_only=True), safe_url=safe_url, band_of=sentiment_band,
        histograms=histogram_charts(c, result),
        rule_text=lambda rule: rule_query(rule).to_text(),
        link=lambda **changes: url_for("search.index") + "?" + urlencode(
            c.args(**changes), doseq=True)), status


@bp.route("/rules", methods=["POST"])
@roles_required(*SAVE_ROLES)
def save() -> Any:
    """保存为监测方案: keep the current query as a watch rule."""
    form = SaveRuleForm()
    query = (form.query.data or "").strip()
    back = form.back.data or ""
    if not back.startswith(url_for("search.index")):  # only ever back to this page
        back = url_for("search.index", q=query) if query else url_for("search.index")
    if not form.validate_on_submit():
        flash("请填写方案名称（不超过 128 个字）。", "error")
        return redirect(back)
    db = get_db()
    try:
        rule = save_rule(db, form.name.data, query, user_id=current_user.id)
    except WatchRuleError as exc:
        flash(str(exc), "error")
        return redirect(back)
    db.commit()
    flash(f"已保存监测方案「{rule.name}」。", "info")
    return redirect(back)
