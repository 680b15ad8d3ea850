"""The demo: the embedded database, one account per role, the demo web crawled into it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from demo.site.data import DEFAULT_DATA_DIR
from demo.sources import DEMO_SOURCES
from tracker.accounts import SeedReport, seed_departments
from tracker.accounts.users import create_user
from tracker.index.rules import list_rules, save_rule
from tracker.models import CrawlRun, Mention, MessageCase, User
from tracker.ops import run_crawls
from tracker.vocabulary import ROLE_NAMES, RoleCode

if TYPE_CHECKING:
    from tracker.cli.progress import CrawlWatch


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


def seed_demo_departments(session: Session) -> SeedReport:
    """The departments and 一级分类 map an office starts with (``yuqing dept seed``), checked
    against the taxonomy of the shared data when it is there."""
    taxonomy = DEFAULT_DATA_DIR / "tipdm2020c_fj1_taxonomy" / "fujian1_label_taxonomy.csv"
    return seed_departments(session, taxonomy if taxonomy.exists() else None)


def describe_accounts(accounts: list[DemoAccount]) -> list[str]:
    """One line per demo login, in Chinese role names."""
    return [f"  {ROLE_NAMES[a.role]:<6} {a.username} / {a.password}" for a in accounts]

#: The demo office's area (地域词): the places its citizens' messages name. Without them, a
#: national news bulletin that mentions 学位 once would be the office's matter (on the demo
#: texts these words keep 840 of 857 rule hits among the 附件3 messages and none of 92 among
#: 2,298 national news items).
DEMO_REGION = "region:A市|A1区|A2区|A3区|A4区|A5区|A6区|A7县|A8县|A9市|西地省"
#: Watch rules (监测方案) an office would start with; the demo creates those missing so that
#: alerts can say which rule an event hit. Edited or deleted rules are left as they are.
DEMO_WATCH_RULES: tuple[tuple[str, str, str], ...] = (
    ("物业纠纷", f"物业 (收费|乱收费|停水|停电|维修|不作为) {DEMO_REGION}",
     "物业收费、停水停电和维修推诿"),
    ("噪音扰民", f"(噪音|噪声|扰民) -广场舞 {DEMO_REGION}", "施工、餐饮和设备噪音（不含广场舞）"),
    ("入学学位", f"(入学|学位|学区|划片) {DEMO_REGION}", "入学、学位和学区划片"),
    ("欠薪讨薪", f"(欠薪|讨薪|拖欠工资|拖欠工程款) {DEMO_REGION}", "欠薪和讨薪，易引发群体性事件"),
)


def seed_demo_watch_rules(session: Session) -> int:
    """Create the demo watch rules whose names are not taken yet; return how many."""
    taken = {rule.name for rule in list_rules(session)}
    created = 0
    for name, query, description in DEMO_WATCH_RULES:
        if name not in taken:
            save_rule(session, name, query, description=description)
            created += 1
    return created


# Tables other areas add later; the summary counts them once they exist, never before.
COUNTED_TABLES = {"events": "events", "alerts": "alerts", "ledger_entries": "ledger_entries"}


def crawl_demo_sources(session: Session, log_dir: Path, parallel: int = 3,
                       watch: CrawlWatch | None = None) -> dict[str, int]:
    """Crawl every demo source (as ``scrapy crawl`` children); source → exit code. A
    ``watch`` (:func:`tracker.cli.progress.crawl_watch`) shows the crawls as they go."""
    jobs = [(kind, name) for name, (_title, kind, _config) in DEMO_SOURCES.items()]
    session.commit()  # the children read the sources from the database
    return run_crawls(jobs, parallel=parallel, log_dir=log_dir,
                      on_finish=watch.finished if watch else None,
                      on_tick=watch.tick if watch else None)


def demo_summary(session: Session, since: datetime, failed_crawls: int = 0) -> dict[str, int]:
    """Real counts for the demo's JSON summary (seconds are added by the caller)."""
    tables = set(inspect(session.connection()).get_table_names())
    summary = {
        "mentions": session.scalar(select(func.count()).select_from(Mention)) or 0,
        "messages": session.scalar(select(func.count()).select_from(MessageCase)) or 0,
        "replied_messages": session.scalar(select(func.count()).select_from(MessageCase).where(
            MessageCase.replied_at.is_not(None))) or 0,
    }
    for key, table in COUNTED_TABLES.items():
        summary[key] = (session.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0
                        if table in tables else 0)
    crawl_errors = session.scalar(select(func.coalesce(func.sum(CrawlRun.errors), 0)).where(
        CrawlRun.started_at >= since)) or 0
    summary["errors"] = int(crawl_errors) + failed_crawls
    return summary


DEMO_PUBLISHED = 8  # typical Q&A the demo publishes: enough for the public site to show
DEMO_MONTHS_BACK = 6  # months looked at, from the latest answered one backwards


def seed_demo_publication(session: Session) -> int:
    """Publish typical Q&A as the demo staff and leader would (the system proposes, staff
    submit, the leader approves, staff publish), from the latest answered month backwards
    until there are enough; once: nothing when any typical Q&A exists."""
    from tracker.ledger import Actor
    from tracker.models import LedgerEntry, TypicalQA
    from tracker.publication import act, month_of, propose_month

    if session.scalar(select(func.count()).select_from(TypicalQA)):
        return 0
    latest = session.scalar(select(func.max(LedgerEntry.replied_at)).where(
        LedgerEntry.message_case_id.is_not(None)))
    if latest is None:
        return 0
    users = {u.username: Actor(u.id, u.role_code, u.department_id) for u in session.scalars(
        select(User).where(User.username.in_(["staff", "leader"])))}
    staff, leader = users["staff"], users["leader"]
    batch = month_of(latest)
    year, month, published = int(batch[:4]), int(batch[5:]), 0
    for _ in range(DEMO_MONTHS_BACK):
        if published >= DEMO_PUBLISHED:
            break
        for item in propose_month(session, f"{year:04d}-{month:02d}", staff):
            if published >= DEMO_PUBLISHED:
                break
            act(session, item, "submit", staff)
            act(session, item, "approve", leader, note="同意发布")
            act(session, item, "publish", staff, url=f"/public/qa/{item.id}")
            published += 1
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return published


def seed_demo_cases(session: Session, tz) -> int:
    """Propose the 亮点工程 candidates of the last two answered months, as the monthly job
    would have done (the demo starts mid-month); once: nothing when any proposal exists.
    Returns how many entries were proposed. Writing a case up stays the staff's work."""
    from tracker.cases import propose_month
    from tracker.models import CaseProposal, LedgerEntry

    if session.scalar(select(func.count()).select_from(CaseProposal)):
        return 0
    latest = session.scalar(select(func.max(LedgerEntry.replied_at)))
    if latest is None:
        return 0
    local = latest.astimezone(tz)
    year, month, proposed = local.year, local.month, 0
    for _ in range(2):
        proposed += len(propose_month(session, f"{year:04d}-{month:02d}", tz).proposals)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return proposed


#: The policy documents the demo loads into 政策文件库 from a file (real, from ../shared/data);
#: the State Council's documents of 2019 arrive by crawling the demo web's 政策文件 column
#: (source ``demo_policy``), as a real office's site column would.
DEMO_POLICY_FILES = ("policies_hebei/documents.jsonl",)


def seed_demo_policies(session: Session, settings, data_dir) -> int:
    """Import the real policy documents once, so replies can cite and bundle them; returns
    how many were imported (nothing when a file's first document is already there)."""
    from tracker.models import Policy
    from tracker.qa import import_policies

    imported = 0
    for name in DEMO_POLICY_FILES:
        path = data_dir / name
        if not path.exists():  # a checkout without the shared data still starts
            continue
        with path.open(encoding="utf-8") as handle:
            first = json.loads(handle.readline())["id"]
        if session.scalar(select(Policy.id).where(Policy.import_id == first)) is None:
            imported += import_policies(session, settings, path).imported
    return imported
