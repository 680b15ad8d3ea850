"""Administering users: the last active admin stays, edit_user changes what is given (a new
role or department ends the user's sessions, every change audited), list_users lists all."""

import pytest
from sqlalchemy import select

from tracker.accounts import (
    AccountError,
    create_user,
    edit_user,
    list_users,
    set_active,
    set_role,
)
from tracker.models import AuditEvent, User


def _version(session, user: User) -> int:
    session.flush()
    return session.scalar(select(User.session_version).where(User.id == user.id))


def _admins(session) -> tuple[User, User]:
    return (create_user(session, "root1", "right password", "admin", "管理员甲"),
            create_user(session, "root2", "right password", "admin", "管理员乙"))


@pytest.mark.parametrize("change", [
    lambda s, u: set_active(s, u, False),
    lambda s, u: set_role(s, u, "leader"),
    lambda s, u: edit_user(s, u, role="opinion_staff"),
])
def test_the_last_active_admin_cannot_be_disabled_or_demoted(session, change):
    first, second = _admins(session)
    assert change(session, first)  # another active admin is left
    with pytest.raises(AccountError, match="last active admin") as refused:
        change(session, second)
    assert "最后一位启用的管理员" in refused.value.label
    assert (second.role_code, second.active, _version(session, second)) == ("admin", True, 1)


def test_a_disabled_admin_does_not_count_and_may_be_changed(session):
    first, second = _admins(session)
    set_active(session, first, False)
    assert set_role(session, first, "leader")  # not active: no rule
    with pytest.raises(AccountError, match="last active admin"):
        set_active(session, second, False)
    assert edit_user(session, second, display_name="新名字")  # staying admin is fine


def test_edit_user_changes_what_is_given_and_audits_it(session):
    user = create_user(session, "zhao", "right password", "leader", "赵", email="z@example.cn")
    assert edit_user(session, user, display_name="赵主任", actor_id=None)
    assert (user.display_name, user.email, _version(session, user)) == ("赵主任", "z@example.cn", 1)
    assert edit_user(session, user, email="")
    assert user.email is None and _version(session, user) == 1
    assert edit_user(session, user, role="responder", department="市生态环境局")
    assert (user.role_code, user.department.name, _version(session, user)) == (
        "responder", "市生态环境局", 2)
    assert edit_user(session, user, department="市交通运输局")
    assert _version(session, user) == 3
    assert not edit_user(session, user, display_name="赵主任", role="responder")
    assert _version(session, user) == 3
    fields = [row.field for row in session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "user", AuditEvent.entity_id == str(user.id),
        AuditEvent.action == "edit").order_by(AuditEvent.id))]
    assert fields == ["display_name", "email", "role_code", "department_id", "department_id"]


@pytest.mark.parametrize(("kwargs", "needle", "label"), [
    ({"role": "king"}, "unknown role", "角色无效"),
    ({"role": "responder"}, "needs --department", "须选择所属部门"),
])
def test_bad_edits_are_refused_in_both_languages(session, kwargs, needle, label):
    user = create_user(session, "qian", "right password", "leader")
    with pytest.raises(AccountError, match=needle) as refused:
        edit_user(session, user, **kwargs)
    assert label in refused.value.label
    assert (user.role_code, _version(session, user)) == ("leader", 1)


def test_a_responder_cannot_lose_their_department(session):
    user = create_user(session, "sun", "right password", "responder", department="市水务局")
    with pytest.raises(AccountError, match="needs --department"):
        edit_user(session, user, department="")


def test_duplicate_names_say_so_in_chinese(session):
    create_user(session, "li", "right password", "leader")
    with pytest.raises(AccountError) as refused:
        create_user(session, "li", "right password", "leader")
    assert refused.value.label == "用户名“li”已被使用。"


def test_list_users_lists_active_ones_first(session):
    before = {u.username for u in list_users(session)}
    create_user(session, "b-user", "right password", "leader")
    gone = create_user(session, "a-user", "right password", "leader")
    set_active(session, gone, False)
    names = [u.username for u in list_users(session) if u.username not in before]
    assert names == ["b-user", "a-user"]
