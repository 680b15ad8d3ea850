"""The demo: prepare the embedded database and one account per role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.accounts import create_user
from tracker.models import ROLE_NAMES, RoleCode, User


@dataclass(frozen=True)
class DemoAccount:
    """A demo login printed for newcomers."""

    username: str
    password: str
    role: RoleCode
    display_name: str
    department: str | None = None


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("staff", "staff-demo-123", RoleCode.OPINION_STAFF, "王舆情"),
    DemoAccount("responder", "responder-demo-123", RoleCode.RESPONDER, "李办理",
                "市住房和城乡建设局"),
    DemoAccount("leader", "leader-demo-123", RoleCode.LEADER, "张领导"),
    DemoAccount("admin", "admin-demo-123", RoleCode.ADMIN, "赵管理"),
)


def ensure_demo_accounts(session: Session) -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; return all of them."""
    for account in DEMO_ACCOUNTS:
        exists = session.scalar(select(User.id).where(User.username == account.username))
        if exists is None:
            create_user(session, account.username, account.password, account.role,
                        account.display_name, account.department)
    return list(DEMO_ACCOUNTS)


def describe_accounts(accounts: list[DemoAccount]) -> list[str]:
    """One line per demo login, in Chinese role names."""
    return [f"  {ROLE_NAMES[a.role]:<6} {a.username} / {a.password}" for a in accounts]
