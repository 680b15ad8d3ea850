"""The Flask app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine

from tracker.db import engine_from_settings, session_factory
from tracker.settings import Settings, load_settings

csrf = CSRFProtect()


def create_app(
    settings: Settings | None = None, engine: Engine | None = None,
    test_config: dict[str, Any] | None = None,
) -> Flask:
    """Build the app; tests pass their own settings, engine and config."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        SESSION_COOKIE_NAME="yuqing_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.session_cookie_secure,
        WTF_CSRF_TIME_LIMIT=settings.csrf_time_limit,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["yuqing.settings"] = settings
    engine = engine or engine_from_settings(settings)
    app.extensions["yuqing.engine"] = engine
    app.extensions["yuqing.sessions"] = session_factory(engine)
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_pages(app)
    register_security_headers(app, settings)
    return app


def register_converters(app: Flask) -> None:
    """Route converters, before any rule is added: ``<int:...>`` holds only storable ids."""
    from web.inputs import IdConverter

    app.url_map.converters["int"] = IdConverter


def register_extensions(app: Flask) -> None:
    """CSRF protection, sign-in and the per-request database session."""
    from web import auth, db

    csrf.init_app(app)
    auth.login_manager.init_app(app)
    db.init_app(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per area."""
    import web.alerts
    import web.api.v1
    import web.dashboard
    import web.policies
    import web.public_status
    import web.qa
    import web.reports
    import web.search
    from web import admin, assessment, auth, cases, home, ledger, public, publication

    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(web.dashboard.bp)
    app.register_blueprint(web.reports.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(ledger.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(web.alerts.bp)
    app.register_blueprint(web.search.bp)
    app.register_blueprint(web.public_status.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(publication.bp)
    app.register_blueprint(assessment.bp)
    app.register_blueprint(web.policies.bp)
    app.register_blueprint(web.qa.bp)
    web.api.v1.init_app(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals shared by every template."""
    from web import filters

    filters.init_app(app)


def register_error_pages(app: Flask) -> None:
    """Chinese error pages (and JSON errors for API clients)."""
    from web import errors

    errors.init_app(app)


def register_security_headers(app: Flask, settings: Settings) -> None:
    """Content-Security-Policy, X-Frame-Options, nosniff, Referrer-Policy, HSTS in production."""
    from web import headers

    headers.init_app(app, settings)
