"""Period metrics for other systems: the figures of ``yuqing metrics --json`` and the
reports (``tracker.metrics.compute_metrics``), over the entries received in the period."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request

from tracker.accounts import METRICS
from tracker.metrics import KINDS, Period, compute_metrics
from web.api.v1 import bp
from web.api.v1.auth import require_scope
from web.api.v1.errors import invalid
from web.db import get_db, get_settings

YEARS = (2000, 2099)


def _day(name: str) -> date:
    raw = request.args.get(name, "").strip()
    if not raw:
        raise invalid(f"缺少参数 {name}（日期，如 2026-11-01）。", name, code="missing_field")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise invalid(f"参数 {name} 不是日期（如 2026-11-01）。", name) from None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise invalid(f"参数 {name} 超出范围（须在 2000—2099 年之间）。", name)
    return day


@bp.get("/metrics")
def metrics() -> Any:
    """Reply-time metrics of the entries received from ``from`` to ``to`` (both included)."""
    require_scope(METRICS, "读取统计指标")
    start, end = _day("from"), _day("to")
    if end < start:
        raise invalid("参数 to 早于 from。", "to")
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise invalid(f"参数 kind 须为 {'、'.join(KINDS)} 之一。", "kind")
    result = compute_metrics(get_db(), Period(start, end), get_settings(), kind=kind)
    return jsonify(result.to_json())
