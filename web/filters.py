"""Template filters: local times, role names, error text in Chinese words."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from tracker.vocabulary import ROLE_NAMES, RoleCode
from web.db import get_settings
from web.plain_errors import plain_error


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show an aware UTC time in the configured zone (Asia/Shanghai)."""
    if value is None:
        return ""
    return value.astimezone(get_settings().tz).strftime(fmt)


def role_name(code: str) -> str:
    """The Chinese name of a role code."""
    try:
        return ROLE_NAMES[RoleCode(code)]
    except ValueError:
        return code


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(role_name, "role_name")
    app.add_template_filter(plain_error, "plain_error")
