"""Accounts: hashed passwords, unique names, the slow-down after failures."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tracker.accounts.users import AccountError, authenticate, create_user, lockout_remaining
from tracker.models import AuditEvent, User, utcnow


def test_password_is_hashed_and_checked(session):
    user = create_user(session, "alice", "correct horse", "leader", "爱丽丝")
    assert "correct horse" not in user.password_hash
    assert user.check_password("correct horse")
    assert not user.check_password("wrong horse")
    assert session.scalar(select(AuditEvent).where(AuditEvent.entity_id == str(user.id)))


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"role": "king"}, "unknown role"),
        ({"password": "short"}, "at least 8"),
        ({"role": "responder"}, "needs --department"),
    ],
)
def test_invalid_users_are_refused(session, kwargs, needle):
    args = {"username": "bob", "password": "long enough", "role": "admin"} | kwargs
    with pytest.raises(AccountError, match=needle):
        create_user(session, **args)


def test_duplicate_username_is_refused(session):
    create_user(session, "carol", "long enough", "admin")
    with pytest.raises(AccountError, match="already exists"):
        create_user(session, "carol", "long enough", "admin")


def test_responder_gets_a_department(session):
    user = create_user(session, "dora", "long enough", "responder", department="市交通运输局")
    assert user.department.name == "市交通运输局"


def test_five_failures_slow_the_next_attempt_even_with_the_right_password(session):
    create_user(session, "eve", "right password", "admin")
    now = utcnow()
    for _ in range(5):
        result = authenticate(session, "eve", "wrong", max_failures=5, delay_seconds=2, now=now)
        assert not result.ok
    assert result.retry_after == pytest.approx(2)
    blocked = authenticate(session, "eve", "right password", max_failures=5, delay_seconds=2,
                           now=now + timedelta(seconds=1))
    assert not blocked.ok and blocked.retry_after > 0
    later = authenticate(session, "eve", "right password", max_failures=5, delay_seconds=2,
                         now=now + timedelta(seconds=3))
    assert later.ok
    assert session.scalar(select(User.failed_logins).where(User.username == "eve")) == 0


def test_unknown_user_fails_without_retry_hint(session):
    result = authenticate(session, "nobody", "whatever")
    assert not result.ok and result.retry_after == 0


def test_lockout_doubles_per_extra_failure():
    now = utcnow()
    assert lockout_remaining(4, now, now, 5, 2) == 0
    assert lockout_remaining(5, now, now, 5, 2) == 2
    assert lockout_remaining(7, now, now, 5, 2) == 8
    assert lockout_remaining(7, now - timedelta(seconds=8), now, 5, 2) == 0
