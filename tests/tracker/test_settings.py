"""Settings: typed parsing and one-line errors."""

import pytest

from tracker.settings import SettingsError, load_settings


def test_defaults_use_embedded_sqlite_in_data_dir(tmp_path):
    s = load_settings({"YUQING_DATA_DIR": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path}/yuqing.db"
    assert s.timezone == "Asia/Shanghai"
    assert s.elasticsearch_url is None
    assert not s.is_production


def test_plain_postgresql_url_gets_the_installed_driver():
    s = load_settings({"YUQING_DATABASE_URL": "postgresql://u@127.0.0.1:5432/test"})
    assert s.database_url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"YUQING_DATABASE_URL": "not a url"}, "YUQING_DATABASE_URL"),
        ({"YUQING_DATABASE_URL": "mysql://root@localhost/x"}, "supported: sqlite, postgresql"),
        ({"YUQING_ENV": "production"}, "YUQING_SECRET_KEY must be set"),
        ({"YUQING_ENV": "production", "YUQING_SECRET_KEY": "short"}, "too weak"),
        ({"YUQING_ENV": "staging"}, "YUQING_ENV"),
        ({"YUQING_TIMEZONE": "Mars/Olympus"}, "YUQING_TIMEZONE"),
        ({"YUQING_SECURE_COOKIES": "maybe"}, "not a boolean"),
        ({"YUQING_LOGIN_MAX_FAILURES": "0"}, "at least 1"),
        ({"YUQING_SMTP_PORT": "twenty-five"}, "not an integer"),
    ],
)
def test_bad_values_raise_one_line_naming_the_variable(env, needle):
    with pytest.raises(SettingsError) as info:
        load_settings(env)
    message = str(info.value)
    assert needle in message
    assert "\n" not in message


def test_production_turns_secure_cookies_on():
    s = load_settings({"YUQING_ENV": "production", "YUQING_SECRET_KEY": "x" * 32})
    assert s.is_production and s.session_cookie_secure


def test_watch_seconds_default_off_and_bad_values():
    assert load_settings({}).watch_seconds == 60
    assert load_settings({"YUQING_WATCH_SECONDS": "0"}).watch_seconds == 0  # no watch
    assert load_settings({"YUQING_WATCH_SECONDS": "15"}).watch_seconds == 15
    with pytest.raises(SettingsError, match="YUQING_WATCH_SECONDS"):
        load_settings({"YUQING_WATCH_SECONDS": "-1"})
