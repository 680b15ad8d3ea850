"""``/api/v1``: token-authenticated JSON for the systems around the office.

- ``POST /messages``: push board messages (the import's fields and checks), idempotent per
  source and 留言编号;
- ``GET /messages/<number>``, ``GET /entries/<id>``: status and replies, within the scope;
- ``GET /metrics?from=&to=``: period metrics as in the reports;
- ``GET /openapi.json``: the OpenAPI 3 description (``openapi.json`` beside this file).

``Authorization: Bearer <token>`` on every request but the description; tokens are made on
the admin page 接口令牌 or with ``yuqing token create``. No session cookie and no CSRF token:
the blueprint is exempt from CSRF, and a signed-in browser without a token gets 401.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, jsonify

bp = Blueprint("api", __name__, url_prefix="/api/v1")
OPENAPI = Path(__file__).with_name("openapi.json")


@cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI description, read once."""
    return json.loads(OPENAPI.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3 description of this API (no token needed)."""
    return jsonify(openapi_document())


def init_app(app: Flask) -> None:
    """Register the blueprint, exempt from CSRF (tokens, not cookies, authenticate it)."""
    from web import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)


from web.api.v1 import auth, errors, messages, metrics  # noqa: E402,F401  (routes register on bp)

bp.before_request(auth.authenticate)
bp.register_error_handler(errors.ApiError, errors.api_error)
