"""The public site served alone (a host of its own, outside the office network): the same
blueprint, the same headers and error pages, no sign-in and nothing else of the app."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import Engine
from werkzeug.exceptions import HTTPException, InternalServerError

from tracker.db import engine_from_settings, session_factory
from tracker.settings import Settings, load_settings


def create_public_app(settings: Settings | None = None, engine: Engine | None = None) -> Flask:
    """Build an app serving only /public (the typical Q&A and the 办理进度查询) and its static
    files."""
    from web import __name__ as package
    from web import csrf, db, filters, headers, public, public_status
    from web.inputs import IdConverter

    settings = settings or load_settings()
    app = Flask(package)
    app.config.update(SECRET_KEY=settings.secret_key, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.session_cookie_secure)
    app.extensions["yuqing.settings"] = settings
    engine = engine or engine_from_settings(settings)
    app.extensions["yuqing.engine"] = engine
    app.extensions["yuqing.sessions"] = session_factory(engine)
    app.url_map.converters["int"] = IdConverter
    db.init_app(app)
    csrf.init_app(app)  # the status lookup's form
    app.register_blueprint(public.bp)
    app.register_blueprint(public_status.bp)
    filters.init_app(app)
    app.register_error_handler(HTTPException, public.error_page)
    app.register_error_handler(InternalServerError, public.error_page)
    headers.init_app(app, settings)
    return app
