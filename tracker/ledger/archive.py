"""Historic board messages must not drown the present: archive and 历史遗留.

A board message that was already old when it entered the ledger (imported or crawled long
after the fact) is classified once, against its board's *archive horizon*
(``Source.config["archive_horizon_days"]``, default :data:`DEFAULT_HORIZON_DAYS`):

- answered before the horizon: **archived** (status 归档, closed when it was answered). It
  keeps its received and reply times, so the metrics count it in its own period like any
  answered message (received, replied, reply time, on time or late).
- unanswered and received before the horizon: **历史遗留** (status ``legacy``). Its deadline
  is cleared (the computed one stays in the audit trail), so it is in no overdue figure, no
  reminder and no on-time rate until someone decides: 结案 with a 结案说明 (status 归档), or
  交办 to a department, whose clock then starts on the day of 交办.

"Old" is measured from the moment the entry entered the ledger (its ``created_at``), never
from today: a message that waits in the ledger past its deadline is overdue, and stays on
the leader's figures. The classification runs when an entry is created
(:func:`classify`, called by :func:`tracker.ledger.sync.sync_message_cases`) and, for
databases filled before it existed, in :func:`backfill` (``yuqing ledger archive``);
both are idempotent: a classified or decided entry is never classified again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from tracker.deadlines import DeadlineContext, deadline_context
from tracker.ledger.decisions import Actor, LedgerError
from tracker.ledger.service import perform
from tracker.ledger.states import Action
from tracker.metrics import local_date
from tracker.models import MessageCase, Source, audit, utcnow
from tracker.models.ledger import LedgerEntry
from tracker.vocabulary import Kind, MessageStatus

ENTITY = "ledger_entry"
#: The board configuration key, in days; 90 days is the three months after which an
#: unanswered consultation fails the national website inspection.
HORIZON_KEY = "archive_horizon_days"
DEFAULT_HORIZON_DAYS = 90
#: Statuses a fresh entry has before anyone worked on it (sync, or routing at creation).
UNANSWERED = (MessageStatus.ACCEPTED.value, MessageStatus.ASSIGNED.value)
ANSWERED = (MessageStatus.REPLIED.value, MessageStatus.PUBLISHED.value)
LEGACY = MessageStatus.LEGACY.value
#: The most entries one bulk decision may take (a page or a filter of the 历史遗留 list).
MAX_BULK = 20_000
PER_PAGE = 50


def horizon_days(config: dict[str, Any] | None, default: int = DEFAULT_HORIZON_DAYS) -> int:
    """The board's archive horizon in days (a positive whole number, else ``default``)."""
    value = (config or {}).get(HORIZON_KEY)
    if isinstance(value, bool):
        return default
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return days if days > 0 else default


def _legacy_text(entry: LedgerEntry, days: int, tz: tzinfo | None) -> str:
    due = entry.due_at.astimezone(tz).date().isoformat() if entry.due_at and tz else None
    was = f"原办理期限 {due} 早已届满，" if due else ""
    return (f"历史遗留：进入台账时已超过本留言板的归档期限（{days} 天）且未答复，{was}"
            "不计入超期统计，等待集中处理（结案或交办）；交办后自交办之日起重新计算期限。")


def _apply(entry: LedgerEntry, entered: datetime, days: int,
           tz: tzinfo | None) -> dict[str, tuple]:
    """Archive or park ``entry`` when it was older than ``days`` at ``entered``."""
    if entry.kind != Kind.MESSAGE.value:
        return {}
    cutoff = entered - timedelta(days=days)
    changes: dict[str, tuple] = {}

    def put(name: str, value: Any) -> None:
        old = getattr(entry, name)
        if old != value:
            changes[name] = (old, value)
            setattr(entry, name, value)

    if entry.replied_at is not None:
        if entry.status in ANSWERED and entry.closed_at is None and entry.replied_at < cutoff:
            put("status", MessageStatus.ARCHIVED.value)
            put("closed_at", entry.replied_at)
    elif (entry.status in UNANSWERED and entry.closed_at is None
          and entry.paused_since is None and entry.received_at < cutoff):
        entry.due_explanation = _legacy_text(entry, days, tz)
        put("status", LEGACY)
        put("due_at", None)
        put("second_due_at", None)
    return changes


def classify(entry: LedgerEntry, case: MessageCase, now: datetime,
             tz: tzinfo | None = None) -> dict[str, tuple]:
    """Classify an entry entering the ledger now; return the changes for its audit."""
    config = case.source.config if case.source is not None else None
    return _apply(entry, now, horizon_days(config), tz)


@dataclass
class ArchiveCounts:
    """What a backfill did and what the ledger holds afterwards."""

    archived: int = 0
    legacy: int = 0
    legacy_total: int = 0
    archived_total: int = 0
    horizons: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The ``yuqing ledger archive --json`` shape."""
        return {"archived": self.archived, "legacy": self.legacy,
                "legacy_total": self.legacy_total, "archived_total": self.archived_total,
                "horizons": self.horizons}


def _board_horizons(session: Session, override: int | None) -> dict[str | None, int]:
    rows = session.execute(select(Source.name, Source.config).where(Source.kind == "board"))
    horizons: dict[str | None, int] = {
        name: override or horizon_days(config) for name, config in rows}
    horizons[None] = override or DEFAULT_HORIZON_DAYS
    return horizons


def backfill(session: Session, *, horizon: int | None = None, now: datetime | None = None,
             ctx: DeadlineContext | None = None) -> ArchiveCounts:
    """Classify the message entries filled before classification existed; audited.

    An entry is measured against the time it entered the ledger; ``horizon`` (days)
    overrides every board's setting. A second run changes nothing.
    """
    if horizon is not None and horizon <= 0:
        raise ValueError("the horizon must be a positive number of days")
    now = now or utcnow()
    tz = (ctx or deadline_context(session)).tz
    horizons = _board_horizons(session, horizon)
    oldest = now - timedelta(days=min(horizons.values()))
    e = LedgerEntry
    stmt = (select(e).where(
        e.kind == Kind.MESSAGE.value, e.closed_at.is_(None),
        or_(and_(e.status.in_(UNANSWERED), e.replied_at.is_(None), e.received_at < oldest),
            and_(e.status.in_(ANSWERED), e.replied_at < oldest)))
        .order_by(e.id).execution_options(yield_per=500))
    counts = ArchiveCounts()
    for entry in session.scalars(stmt):
        days = horizons.get(entry.board, horizons[None])
        changes = _apply(entry, min(entry.created_at or now, now), days, tz)
        if not changes:
            continue
        if changes["status"][1] == LEGACY:
            counts.legacy += 1
        else:
            counts.archived += 1
        audit.record(session, entity_type=ENTITY, entity_id=entry.id, action="archive_classify",
                     changes=changes, detail={"horizon_days": days})
    session.flush()
    counts.legacy_total = legacy_count(session)
    counts.archived_total = session.scalar(select(func.count()).select_from(e).where(
        e.kind == Kind.MESSAGE.value, e.status == MessageStatus.ARCHIVED.value)) or 0
    counts.horizons = {name: days for name, days in horizons.items() if name is not None}
    return counts


# ---------------------------------------------------------------------------------------------
# The 历史遗留 list


@dataclass(frozen=True)
class LegacyFilter:
    """Which 历史遗留 entries: one board (source name) and/or one year of receipt."""

    board: str | None = None
    year: int | None = None


def legacy_count(session: Session, department_id: int | None = None) -> int:
    """How many entries wait in 历史遗留 (optionally led by one department)."""
    e = LedgerEntry
    stmt = select(func.count()).select_from(e).where(e.kind == Kind.MESSAGE.value,
                                                     e.status == LEGACY)
    if department_id is not None:
        stmt = stmt.where(e.lead_department_id == department_id)
    return session.scalar(stmt) or 0


def _year_bounds(year: int, tz: tzinfo) -> tuple[datetime, datetime]:
    return (datetime.combine(date(year, 1, 1), time(), tz),
            datetime.combine(date(year + 1, 1, 1), time(), tz))


def _where(filters: LegacyFilter, tz: tzinfo) -> list:
    e = LedgerEntry
    where = [e.kind == Kind.MESSAGE.value, e.status == LEGACY]
    if filters.board:
        where.append(e.board == filters.board)
    if filters.year:
        lower, upper = _year_bounds(filters.year, tz)
        where += [e.received_at >= lower, e.received_at < upper]
    return where


@dataclass
class LegacyPage:
    """One page of the 历史遗留 list with its counts by board and by year."""

    entries: list[LedgerEntry]
    total: int
    page: int
    pages: int
    all_total: int
    boards: list[tuple[str | None, str, int]]
    years: list[tuple[int, int]]


def _year_of(session: Session, tz: tzinfo):
    """The local year of receipt, as text (``2015``), on either database."""
    dialect = session.get_bind().dialect.name
    day = local_date(dialect, LedgerEntry.received_at, tz, utcnow())
    return func.substr(cast(day, String), 1, 4)


def legacy_page(session: Session, filters: LegacyFilter, tz: tzinfo, *,
                page: int = 1, per_page: int = PER_PAGE) -> LegacyPage:
    """The 历史遗留 entries of ``filters``, oldest first, with counts by board and year."""
    e = LedgerEntry
    where = _where(filters, tz)
    total = session.scalar(select(func.count()).select_from(e).where(*where)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = session.scalars(select(e).where(*where).order_by(e.received_at, e.id)
                           .offset((page - 1) * per_page).limit(per_page))
    everything = _where(LegacyFilter(), tz)
    boards = [(board, title or board or "其他来源", int(count)) for board, title, count in
              session.execute(select(e.board, func.max(e.source_name), func.count())
                              .where(*everything).group_by(e.board).order_by(e.board))]
    year = _year_of(session, tz)
    years = [(int(y), int(c)) for y, c in session.execute(
        select(year, func.count()).where(*_where(LegacyFilter(board=filters.board), tz))
        .group_by(year).order_by(year)) if y]
    return LegacyPage(list(rows), total, page, pages, sum(c for _, _, c in boards),
                      boards, years)


def legacy_ids(session: Session, filters: LegacyFilter, tz: tzinfo) -> list[int]:
    """The ids of every 历史遗留 entry of ``filters`` (for a decision on the whole filter)."""
    return list(session.scalars(select(LedgerEntry.id).where(*_where(filters, tz))
                                .order_by(LedgerEntry.id).limit(MAX_BULK)))


@dataclass
class Decision:
    """The outcome of a bulk decision: how many entries changed, and which were skipped."""

    done: int = 0
    skipped: list[int] = field(default_factory=list)


def decide(session: Session, ids: Iterable[int], action: str, actor: Actor, *,
           note: str | None = None, department_id: int | None = None,
           ctx: DeadlineContext | None = None, now: datetime | None = None) -> Decision:
    """结案 (``close``, with a 结案说明) or 交办 (``assign``, to a lead department) many
    历史遗留 entries at once, each through the ledger's own action and audit trail.

    Entries no longer in 历史遗留 (decided meanwhile) are skipped and reported.
    """
    if action not in (Action.CLOSE, Action.ASSIGN):
        raise LedgerError("只能结案或交办")
    note = (note or "").strip()
    if action == Action.CLOSE and not note:
        raise LedgerError("请填写结案说明")
    if action == Action.ASSIGN and department_id is None:
        raise LedgerError("请选择牵头单位")
    wanted = sorted(set(ids))
    if not wanted:
        raise LedgerError("请至少选择一条留言")
    if len(wanted) > MAX_BULK:
        raise LedgerError(f"一次最多处理 {MAX_BULK} 条")
    ctx = ctx or deadline_context(session)
    data = {"note": note} if action == Action.CLOSE else {
        "lead_department_id": department_id, "note": note}
    result = Decision()
    for chunk in _chunks(wanted, 500):
        found = {entry.id: entry for entry in session.scalars(
            select(LedgerEntry).where(LedgerEntry.id.in_(chunk)))}
        for entry_id in chunk:
            entry = found.get(entry_id)
            if entry is None or entry.status != LEGACY:
                result.skipped.append(entry_id)
                continue
            perform(session, entry, action, actor, data=data, ctx=ctx, now=now)
            result.done += 1
    return result


def _chunks(values: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
