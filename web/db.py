"""The request's database session: opened on first use, closed (rolled back) at teardown."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from tracker.db import WRITING_METHODS, for_writing
from tracker.settings import Settings


def get_db() -> Session:
    """The session of the current request; views commit what they change."""
    if "db" not in g:
        g.db = current_app.extensions["yuqing.sessions"]()
        if request.method in WRITING_METHODS:
            for_writing(g.db)
    return g.db


def get_settings() -> Settings:
    """The settings the app was built with."""
    return current_app.extensions["yuqing.settings"]


def close_db(_exc: BaseException | None = None) -> None:
    """Close the session; anything not committed is rolled back."""
    session = g.pop("db", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    """Register the teardown handler."""
    app.teardown_appcontext(close_db)
