"""The ledger pages: list, export, entry with its actions, new entries, written replies,
and the 待分办 queue of board messages routing left to a person.

The admin's holiday calendar and SLA rules live in :mod:`web.admin.ledger`."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ledger", __name__, url_prefix="/ledger")

from web.ledger import legacy, quality, queue, views  # noqa: E402,F401  (routes register on bp)
