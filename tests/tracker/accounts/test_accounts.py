"""Accounts: hashed passwords, unique names, the slow-down after failures (per client), the
same cost for every name, ending sessions through password, active and role changes."""

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from tracker.accounts import (
    AccountError,
    authenticate,
    change_password,
    create_user,
    end_sessions,
    find_user,
    set_active,
    set_role,
)
from tracker.accounts.throttle import FORGET_AFTER, lockout_remaining
from tracker.models import AuditEvent, User, utcnow
from tracker.models.accounts import LoginThrottle


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
    assert session.scalar(select(func.count()).select_from(LoginThrottle).where(
        LoginThrottle.username == "eve")) == 0


def test_unknown_user_fails_without_retry_hint(session):
    result = authenticate(session, "nobody", "whatever")
    assert not result.ok and result.retry_after == 0


def test_lockout_doubles_per_extra_failure():
    now = utcnow()
    assert lockout_remaining(4, now, now, 5, 2) == 0
    assert lockout_remaining(5, now, now, 5, 2) == 2
    assert lockout_remaining(7, now, now, 5, 2) == 8
    assert lockout_remaining(7, now - timedelta(seconds=8), now, 5, 2) == 0


LIMITS = {"max_failures": 5, "delay_seconds": 2}


@pytest.fixture
def verify_calls(monkeypatch):
    """Count argon2 password checks."""
    calls = []
    original = PasswordHasher.verify

    def counted(self, hashed, password):
        calls.append(password)
        return original(self, hashed, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return calls


def test_every_refusal_costs_one_password_check(session, verify_calls):
    create_user(session, "frank", "right password", "admin")
    create_user(session, "gone", "right password", "admin")
    session.scalar(select(User).where(User.username == "gone")).active = False
    for name, password in (("frank", "wrong"), ("nobody", "wrong"), ("gone", "right password")):
        verify_calls.clear()
        result = authenticate(session, name, password, client="10.0.0.1", **LIMITS)
        assert not result.ok and result.retry_after == 0
        assert verify_calls == [password], name


def test_failures_count_per_client_not_per_account(session):
    create_user(session, "hana", "right password", "admin")
    now = utcnow()
    for _ in range(5):
        authenticate(session, "hana", "wrong", client="10.0.0.66", now=now, **LIMITS)
    assert authenticate(session, "hana", "right password", client="10.0.0.66", now=now,
                        **LIMITS).retry_after > 0
    assert authenticate(session, "hana", "right password", client="10.0.0.7", now=now,
                        **LIMITS).ok


def test_a_client_failing_over_many_names_is_slowed_for_all(session, verify_calls):
    create_user(session, "ivan", "right password", "admin")
    now = utcnow()
    results = [authenticate(session, f"name-{n}", "Summer2025!", client="10.0.0.9", now=now,
                            **LIMITS) for n in range(11)]
    assert [r.retry_after > 0 for r in results] == [False] * 9 + [True] * 2
    verify_calls.clear()
    assert not authenticate(session, "ivan", "right password", client="10.0.0.9", now=now,
                            **LIMITS).ok
    assert verify_calls == []  # a slowed client costs no password check
    later = now + timedelta(seconds=3)
    assert authenticate(session, "ivan", "right password", client="10.0.0.9", now=later,
                        **LIMITS).ok


def test_old_counters_are_forgotten_and_their_rows_deleted(session):
    long_ago = utcnow() - FORGET_AFTER - timedelta(minutes=1)
    for _ in range(7):
        authenticate(session, "kim", "wrong", client="10.0.0.5", now=long_ago, **LIMITS)
    now = utcnow()
    assert authenticate(session, "kim", "wrong", client="10.0.0.6", now=now, **LIMITS)
    clients = set(session.scalars(select(LoginThrottle.client)))
    assert "10.0.0.5" not in clients and "10.0.0.6" in clients
    first = authenticate(session, "kim", "wrong", client="10.0.0.5", now=now, **LIMITS)
    assert first.retry_after == 0  # counting starts again


def _version(session, user: User) -> int:
    session.flush()
    return session.scalar(select(User.session_version).where(User.id == user.id))


def _audited(session, user: User) -> list[tuple[str, str | None, str | None]]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "user",
                                                    AuditEvent.entity_id == str(user.id))
                           .order_by(AuditEvent.id))
    return [(row.action, row.field, row.new_value) for row in rows]


def test_password_active_and_role_changes_end_sessions_and_are_audited(session):
    user = create_user(session, "lena", "right password", "leader")
    assert find_user(session, "lena") is user and _version(session, user) == 1
    change_password(session, user, "another password")
    assert user.check_password("another password") and _version(session, user) == 2
    assert set_active(session, user, False) and _version(session, user) == 3
    assert not set_active(session, user, False) and _version(session, user) == 3
    assert set_active(session, user, True)
    assert set_role(session, user, "responder", department="市交通运输局")
    assert user.department.name == "市交通运输局" and _version(session, user) == 4
    assert not set_role(session, user, "responder")
    end_sessions(session, user)
    assert _version(session, user) == 5
    assert _audited(session, user) == [
        ("create", "role", "leader"), ("password", None, None),
        ("disable", "active", "False"), ("enable", "active", "True"),
        ("role", "role", "responder"), ("role", "department_id", str(user.department_id))]


@pytest.mark.parametrize(("change", "args", "needle"), [
    (change_password, ("short",), "at least 8"),
    (set_role, ("king",), "unknown role"),
    (set_role, ("responder",), "needs --department"),
])
def test_bad_account_changes_are_refused(session, change, args, needle):
    user = create_user(session, "mia", "right password", "leader")
    with pytest.raises(AccountError, match=needle):
        change(session, user, *args)
    assert _version(session, user) == 1
    with pytest.raises(AccountError, match="no user"):
        find_user(session, "nobody")
