"""The year pages: the yearly assessment of departments (年度考核) and the
政府信息公开工作年度报告 tables (表三 from the disclosure ledger, 表四 entered by staff)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("assessment", __name__, url_prefix="/assessment")

from web.assessment import disclosure, year  # noqa: E402,F401  (routes register on bp)
