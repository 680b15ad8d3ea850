"""The only place that reads ``YUQING_*`` environment variables.

Every setting is parsed once into a frozen :class:`Settings`; a bad value raises
:class:`SettingsError` with a one-line message naming the variable, which the CLI prints
without a traceback.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PREFIX = "YUQING_"
DEV_SECRET = "dev-insecure-secret-change-me"


class SettingsError(ValueError):
    """A configuration value is missing or malformed."""


def _get(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    value = env.get(PREFIX + name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def parse_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    """Read a boolean such as 1/0, true/false, yes/no, on/off."""
    raw = _get(env, name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{PREFIX}{name}={raw!r} is not a boolean (use true or false)")


def parse_int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    """Read an integer not below ``minimum``."""
    raw = _get(env, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name}={raw!r} is not an integer") from None
    if value < minimum:
        raise SettingsError(f"{PREFIX}{name}={value} must be at least {minimum}")
    return value


def parse_database_url(raw: str) -> str:
    """Check that a database URL is one SQLAlchemy understands and we support."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SettingsError(
            f"{PREFIX}DATABASE_URL={raw!r} is not a database URL "
            "(expected e.g. postgresql+psycopg://user@host/db or sqlite:///path.db)"
        ) from None
    backend = url.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise SettingsError(
            f"{PREFIX}DATABASE_URL uses {backend!r}; supported: sqlite, postgresql"
        )
    if backend == "postgresql" and url.drivername == "postgresql":
        # psycopg 3 is the driver we install; plain postgresql:// would ask for psycopg2.
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = _get(env, name, choices[0]).lower()
    if value not in choices:
        raise SettingsError(f"{PREFIX}{name}={value!r} must be one of {', '.join(choices)}")
    return value


def _timezone(env: Mapping[str, str]) -> str:
    name = _get(env, "TIMEZONE", "Asia/Shanghai")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"{PREFIX}TIMEZONE={name!r} is not a known time zone") from None
    return name


@dataclass(frozen=True)
class Settings:
    """Typed configuration for every yuqing process."""

    env: str
    data_dir: Path
    database_url: str
    secret_key: str
    timezone: str = "Asia/Shanghai"
    elasticsearch_url: str | None = None
    elasticsearch_analyzer: str = "cjk"  # cjk, smartcn or ik (needs the cluster's plugin)
    session_cookie_secure: bool = True
    receipt_day_counts: bool = False
    login_max_failures: int = 5
    login_delay_seconds: int = 2
    proxy_hops: int = 0
    csrf_time_limit: int = 8 * 3600
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_sender: str = "yuqing@localhost"
    webhook_urls: tuple[str, ...] = field(default=(), repr=False)
    webhook_allow_private: bool = False
    min_rank_sample: int = 5
    api_rate_limit: int = 60
    # Mention index layout on the cluster (see tracker/index/elastic/cluster.py).
    elasticsearch_shards: int = 1
    elasticsearch_replicas: int | None = None  # None: the server's default
    elasticsearch_lifecycle: str = "auto"  # auto, ilm, ism or none
    elasticsearch_delete_after_days: int = 0  # 0: the lifecycle policy never deletes
    crawl_redis_url: str | None = None  # set: crawls share a scrapy-redis frontier
    crawl_redis_prefix: str = "yuqing:crawl"
    #: The change watch looks at each source's first list page this often (0: no watch).
    watch_seconds: int = 60

    @property
    def is_production(self) -> bool:
        """True when running with production safeguards."""
        return self.env == "production"

    @property
    def tz(self) -> ZoneInfo:
        """The display time zone."""
        return ZoneInfo(self.timezone)


def _secret(env: Mapping[str, str], mode: str) -> str:
    secret = _get(env, "SECRET_KEY")
    if secret:
        if mode == "production" and (len(secret) < 16 or secret == DEV_SECRET):
            raise SettingsError(f"{PREFIX}SECRET_KEY is too weak for production (16+ characters)")
        return secret
    if mode == "production":
        raise SettingsError(f"{PREFIX}SECRET_KEY must be set when {PREFIX}ENV=production")
    return DEV_SECRET if mode == "development" else secrets.token_hex(16)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Parse settings from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    mode = _get(env, "ENV", "development")
    if mode not in {"development", "production", "test"}:
        raise SettingsError(f"{PREFIX}ENV={mode!r} must be development, production or test")
    data_dir = Path(_get(env, "DATA_DIR", "var")).expanduser()
    raw_url = _get(env, "DATABASE_URL")
    if raw_url is None:
        database_url = f"sqlite:///{(data_dir / 'yuqing.db').as_posix()}"
    else:
        database_url = parse_database_url(raw_url)
    webhooks = tuple(u.strip() for u in (_get(env, "WEBHOOK_URLS", "") or "").split(",") if u)
    return Settings(
        env=mode,
        data_dir=data_dir,
        database_url=database_url,
        secret_key=_secret(env, mode),
        timezone=_timezone(env),
        elasticsearch_url=_get(env, "ELASTICSEARCH_URL"),
        elasticsearch_analyzer=_choice(env, "ELASTICSEARCH_ANALYZER", ("cjk", "smartcn", "ik")),
        session_cookie_secure=parse_bool(env, "SECURE_COOKIES", mode == "production"),
        receipt_day_counts=parse_bool(env, "RECEIPT_DAY_COUNTS", False),
        login_max_failures=parse_int(env, "LOGIN_MAX_FAILURES", 5, minimum=1),
        login_delay_seconds=parse_int(env, "LOGIN_DELAY_SECONDS", 2),
        proxy_hops=parse_int(env, "PROXY_HOPS", 0),
        csrf_time_limit=parse_int(env, "CSRF_TIME_LIMIT", 8 * 3600, minimum=1),
        smtp_host=_get(env, "SMTP_HOST"),
        smtp_port=parse_int(env, "SMTP_PORT", 25, minimum=1),
        smtp_user=_get(env, "SMTP_USER"),
        smtp_password=_get(env, "SMTP_PASSWORD"),
        smtp_sender=_get(env, "SMTP_SENDER", "yuqing@localhost"),
        webhook_urls=webhooks,
        webhook_allow_private=parse_bool(env, "WEBHOOK_ALLOW_PRIVATE", False),
        min_rank_sample=parse_int(env, "MIN_RANK_SAMPLE", 5, minimum=1),
        api_rate_limit=parse_int(env, "API_RATE_LIMIT", 60, minimum=1),
        elasticsearch_shards=parse_int(env, "ELASTICSEARCH_SHARDS", 1, minimum=1),
        elasticsearch_replicas=(parse_int(env, "ELASTICSEARCH_REPLICAS", 0)
                                if _get(env, "ELASTICSEARCH_REPLICAS") else None),
        elasticsearch_lifecycle=_choice(env, "ELASTICSEARCH_LIFECYCLE",
                                        ("auto", "ilm", "ism", "none")),
        elasticsearch_delete_after_days=parse_int(env, "ELASTICSEARCH_DELETE_AFTER_DAYS", 0),
        crawl_redis_url=_get(env, "CRAWL_REDIS_URL"),
        crawl_redis_prefix=_get(env, "CRAWL_REDIS_PREFIX", "yuqing:crawl"),
        watch_seconds=parse_int(env, "WATCH_SECONDS", 60),
    )
