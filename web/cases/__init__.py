"""The 亮点工程 case library pages: the library (search and filters), a case and its PDF,
the year's cases as one PDF, the month's proposals with their scores explained, and the
curate form (staff draft, a leader puts a case in the library, edits or withdraws it)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")

from web.cases import curate, views  # noqa: E402,F401  (routes register on bp)
