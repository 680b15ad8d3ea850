"""Account services: create and change users, sign them in, end their sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.accounts.throttle import client_wait, record_failure, record_success
from tracker.models import Department, User, audit, utcnow
from tracker.models.accounts import check_dummy_password
from tracker.vocabulary import RoleCode


class AccountError(ValueError):
    """A user cannot be created or changed as asked: ``str()`` for the CLI, ``label`` (Chinese)
    for the page."""

    def __init__(self, message: str, label: str | None = None) -> None:
        super().__init__(message)
        self.label = label or message


def _unknown_role(role: str) -> AccountError:
    return AccountError(f"unknown role {role!r}; choose one of {', '.join(RoleCode)}",
                        "角色无效，请重新选择。")


def _short_password() -> AccountError:
    return AccountError("password must have at least 8 characters", "密码至少需要 8 个字符。")


def _no_department() -> AccountError:
    return AccountError("a department responder needs --department",
                        "部门办理人须选择所属部门。")


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a sign-in attempt."""

    user: User | None
    retry_after: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the credentials were right and the user may sign in."""
        return self.user is not None


def get_or_create_department(session: Session, name: str) -> Department:
    """Find the department called ``name`` or add it."""
    dept = session.scalar(select(Department).where(Department.name == name))
    if dept is None:
        dept = Department(name=name)
        session.add(dept)
        session.flush()
    return dept


def create_user(
    session: Session, username: str, password: str, role: str,
    display_name: str | None = None, department: str | None = None,
    email: str | None = None, actor_id: int | None = None,
) -> User:
    """Add a user with a hashed password; the caller commits."""
    if role not in set(RoleCode):
        raise _unknown_role(role)
    if len(password) < 8:
        raise _short_password()
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"user {username!r} already exists", f"用户名“{username}”已被使用。")
    if role == RoleCode.RESPONDER and not department:
        raise _no_department()
    user = User(username=username, display_name=display_name or username, role_code=role,
                email=email, failed_logins=0, active=True)
    if department:
        user.department_id = get_or_create_department(session, department).id
    user.set_password(password)
    session.add(user)
    session.flush()
    audit.record(session, entity_type="user", entity_id=user.id, action="create",
                 actor_id=actor_id, changes={"role": (None, role)})
    return user


def authenticate(
    session: Session, username: str, password: str, *, client: str = "",
    max_failures: int = 5, delay_seconds: int = 2, now: datetime | None = None,
) -> LoginResult:
    """Check credentials; every refusal costs one password check and says the same, whether
    the name exists or not, and a client that keeps failing must wait (``throttle``)."""
    now = now or utcnow()
    limits = {"max_failures": max_failures, "delay_seconds": delay_seconds}
    wait = client_wait(session, client, username, now, **limits)
    if wait > 0:
        return LoginResult(None, retry_after=wait)
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        check_dummy_password(password)
    elif user.check_password(password):
        record_success(session, client, username)
        return LoginResult(user)
    record_failure(session, client, username, now)
    return LoginResult(None, retry_after=client_wait(session, client, username, now, **limits))


def find_user(session: Session, username: str) -> User:
    """The user called ``username``; AccountError when there is none."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}", f"没有用户“{username}”。")
    return user


def end_sessions(session: Session, user: User) -> None:
    """End every session of ``user``: the session version in their cookies goes stale."""
    user.session_version = User.session_version + 1  # in SQL: two requests may do it at once
    session.flush()


def change_password(session: Session, user: User, password: str,
                    actor_id: int | None = None) -> None:
    """Set a new password and end the user's sessions; the caller commits."""
    if len(password) < 8:
        raise _short_password()
    user.set_password(password)
    end_sessions(session, user)
    audit.record(session, entity_type="user", entity_id=user.id, action="password",
                 actor_id=actor_id)


def set_active(session: Session, user: User, active: bool,
               actor_id: int | None = None) -> bool:
    """Enable or disable a user (disabling ends their sessions); False when nothing changed."""
    if user.active == active:
        return False
    if not active:
        _keep_an_admin(session, user)
    user.active = active
    if not active:
        end_sessions(session, user)
    audit.record(session, entity_type="user", entity_id=user.id,
                 action="enable" if active else "disable", actor_id=actor_id,
                 changes={"active": (not active, active)})
    return True


def set_role(session: Session, user: User, role: str, department: str | None = None,
             actor_id: int | None = None) -> bool:
    """Give a user another role (and department) and end their sessions; False when the same."""
    if role not in set(RoleCode):
        raise _unknown_role(role)
    dept = get_or_create_department(session, department) if department else user.department
    if role == RoleCode.RESPONDER and dept is None:
        raise _no_department()
    if role != RoleCode.ADMIN:
        _keep_an_admin(session, user)
    changes = {}
    if role != user.role_code:
        changes["role"] = (user.role_code, role)
    if dept is not None and dept.id != user.department_id:
        changes["department_id"] = (user.department_id, dept.id)
    if not changes:
        return False
    user.role_code, user.department = role, dept
    end_sessions(session, user)
    audit.record(session, entity_type="user", entity_id=user.id, action="role",
                 actor_id=actor_id, changes=changes)
    return True


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to take ``user`` out of the active admins when no other active admin is left."""
    if user.role_code != RoleCode.ADMIN or not user.active:
        return
    # FOR UPDATE: two admins disabling each other at once on PostgreSQL; SQLite is serialized
    others = session.scalars(select(User.id).where(
        User.role_code == RoleCode.ADMIN, User.active, User.id != user.id)
        .with_for_update()).all()
    if not others:
        raise AccountError(
            f"{user.username} is the last active admin; make another user admin first",
            f"“{user.display_name}”是最后一位启用的管理员，不能停用或改为其他角色；"
            "请先将另一位用户设为管理员。")


def edit_user(
    session: Session, user: User, display_name: str | None = None, email: str | None = None,
    department: str | None = None, role: str | None = None, actor_id: int | None = None,
) -> bool:
    """Change what is given (None: unchanged; ``""`` clears e-mail or department); a new role
    or department ends the user's sessions. False when nothing changed; the caller commits."""
    role = role or user.role_code
    if role not in set(RoleCode):
        raise _unknown_role(role)
    if department is None:
        dept = user.department
    else:
        dept = get_or_create_department(session, department) if department.strip() else None
    if role == RoleCode.RESPONDER and dept is None:
        raise _no_department()
    if role != RoleCode.ADMIN:
        _keep_an_admin(session, user)
    new = {"display_name": (display_name or "").strip() or user.display_name,
           "email": user.email if email is None else (email.strip() or None),
           "role_code": role, "department_id": dept.id if dept else None}
    changes = {key: (getattr(user, key), value) for key, value in new.items()
               if getattr(user, key) != value}
    if not changes:
        return False
    for key, value in new.items():
        setattr(user, key, value)
    user.department = dept
    if "role_code" in changes or "department_id" in changes:
        end_sessions(session, user)
    audit.record(session, entity_type="user", entity_id=user.id, action="edit",
                 actor_id=actor_id, changes=changes)
    return True


def list_users(session: Session) -> list[User]:
    """Every user, active ones first, by username."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.username)))
