"""What the year pages share: the year from a query string, and who may read what."""

from __future__ import annotations

from datetime import datetime

from flask import abort, request

from tracker.vocabulary import RoleCode
from web.db import get_settings
from web.inputs import MAX_YEAR, MIN_YEAR, YEARS_TEXT

#: The assessment: every role (a responder sees their own department only).
EVERYONE = tuple(RoleCode)
#: The disclosure tables: the office as a whole.
READERS = (RoleCode.LEADER, RoleCode.OPINION_STAFF, RoleCode.ADMIN)
#: Who enters table 四.
EDITORS = (RoleCode.OPINION_STAFF, RoleCode.ADMIN)


def this_year() -> int:
    """The current year in the app's zone."""
    return datetime.now(get_settings().tz).year


def year_arg() -> int:
    """The ``year`` of the query string (default: this year); a 400 in Chinese otherwise."""
    raw = (request.args.get("year") or "").strip()
    if not raw:
        return this_year()
    if not raw.isdigit() or len(raw) != 4:
        abort(400, description="年份应为四位数字，如 2025")
    if not MIN_YEAR <= int(raw) <= MAX_YEAR:
        abort(400, description=f"年份超出范围（须在 {YEARS_TEXT}之间）")
    return int(raw)


def year_path(year: int) -> int:
    """A year in a path: one the app works with, else a 404."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    return year


def year_choices() -> list[int]:
    """The years offered in the year picker, newest first."""
    now = this_year()
    return list(range(now, max(MIN_YEAR, now - 9) - 1, -1))
