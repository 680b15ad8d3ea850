"""Security headers on every response, set by Flask-Talisman.

The Content-Security-Policy allows scripts, styles, images and fonts from this site only:
no inline ``<script>``, no ``<style>`` block, no ``style=""`` attribute (every page's CSS is
a file under ``web/static``, bar charts are SVG whose sizes are attributes). Pages cannot be
framed (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``), forms post only here.

HSTS is sent in production only, and Talisman sends it only on HTTPS requests. HTTPS is not
forced by the app: tests and the demo serve http://127.0.0.1, and in production TLS ends at
the reverse proxy in front of waitress (which redirects plain HTTP itself).
"""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

from tracker.settings import Settings

CSP = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
REFERRER_POLICY = "strict-origin-when-cross-origin"
HSTS_MAX_AGE = 365 * 24 * 3600


def init_app(app: Flask, settings: Settings) -> None:
    """Install the headers; the session cookie keeps the flags the app configured.

    One Talisman per app: it keeps its app and options on itself, so a shared instance
    would serve every app (tests build many) with the options of the last one."""
    app.extensions["yuqing.talisman"] = Talisman(
        app,
        force_https=False,
        strict_transport_security=settings.is_production,
        strict_transport_security_max_age=HSTS_MAX_AGE,
        strict_transport_security_include_subdomains=False,
        frame_options="DENY",
        content_security_policy=CSP,
        referrer_policy=REFERRER_POLICY,
        x_content_type_options=True,
        # Talisman would otherwise force Secure on the session cookie (breaking sign-in on
        # the demo's http://127.0.0.1) and reset SameSite: keep what create_app configured.
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
