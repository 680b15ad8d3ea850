"""办理进度查询: the public, no-login page where a citizen looks up a case by its number and
the query code staff sent them (tracker.ledger.lookup_status).

Its own blueprint under /public/status with its own page frame (no staff navigation), so it
can be served alone. A wrong code and an unknown number get the same page; misses are
counted per client address and a client past its allowance waits (429). Answers are never
cached and never indexed.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request

from tracker.ledger import LookupThrottled, lookup_status
from tracker.models import utcnow
from web.auth import client_address
from web.db import get_db

bp = Blueprint("public_status", __name__, url_prefix="/public/status")

NOT_FOUND = "未查到办理信息。请核对办理编号和查询码后再试。"
MISSING = "请填写办理编号和查询码。"
FIELD_LIMIT = 64  # longer input is cut, not stored anywhere


def _field(name: str) -> str:
    return (request.form.get(name) or "").strip()[:FIELD_LIMIT]


def _page(code: int = 200, **context: Any) -> Response:
    response = make_response(render_template("public_status/lookup.html", **context), code)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("")
def form() -> Response:
    """The empty lookup form."""
    return _page()


@bp.post("")
def lookup() -> Response:
    """The result of one lookup: the steps, or the same refusal for any wrong input."""
    number, code = _field("number"), _field("code")
    if not number or not code:
        return _page(400, message=MISSING, number=number)
    db = get_db()
    try:
        status = lookup_status(db, number, code, client=client_address(), now=utcnow())
    except LookupThrottled as wait:
        minutes = max(1, math.ceil(wait.seconds / 60))
        return _page(429, message=f"查询不成功的次数过多，请 {minutes} 分钟后再试。")
    db.commit()  # the miss counted (or nothing, when found)
    if status is None:
        return _page(200, message=NOT_FOUND, number=number)
    return _page(200, status=status)
