"""Curating the library: write-ups drafted by staff or a leader, put in the library, edited
and withdrawn by a leader; every change audited; the library searched and counted.

Who may do what: the opinion staff (舆情专员) draft and edit drafts; a leader also puts a case
in the library (入库), edits a case in the library and withdraws one (with a reason); the
admin as a leader. Responders and the public only read what is in the library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tracker.cases.proposals import final_response, finished_at
from tracker.cases.scoring import Score
from tracker.models import AuditEvent, CaseTag, LibraryCase, record_audit, utcnow
from tracker.models.ledger import LedgerEntry
from tracker.vocabulary import RoleCode

ENTITY = "library_case"
DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"
STATE_LABELS = {DRAFT: "草稿", PUBLISHED: "已入库", WITHDRAWN: "已撤回"}
SECTIONS = {"background": "背景", "response": "处置", "result": "成效", "lessons": "经验启示"}
#: Limits that keep a case on one A4 page (the PDF shrinks its type before it cuts anything).
TITLE_MAX, SECTION_MAX, TAGS_MAX, TAG_MAX = 60, 500, 8, 16
#: The same limits as the curate form shows them.
LIMITS = {"title": TITLE_MAX, "section": SECTION_MAX, "tags": TAGS_MAX, "tag": TAG_MAX}
WRITERS = (RoleCode.OPINION_STAFF, RoleCode.LEADER, RoleCode.ADMIN)
CURATORS = (RoleCode.LEADER, RoleCode.ADMIN)
TAG_SPLIT = re.compile(r"[,，、;；\s]+")


class CaseError(ValueError):
    """A write-up or an action that cannot be accepted; the message is Chinese."""


class CaseDenied(CaseError):
    """The role may not do this to the case."""


@dataclass(frozen=True)
class WriteUp:
    """What a curator types: title, the four sections, tags, department."""

    title: str
    background: str
    response: str
    result: str
    lessons: str
    tags: list[str] = field(default_factory=list)
    department_id: int | None = None


def parse_tags(text: str) -> list[str]:
    """Tags typed in one box, separated by commas, 、 or spaces; repeats dropped."""
    seen: list[str] = []
    for tag in TAG_SPLIT.split(text or ""):
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def check_write_up(w: WriteUp) -> None:
    """Refuse an incomplete or over-long write-up, saying what is wrong."""
    if not w.title.strip():
        raise CaseError("请填写案例标题")
    if len(w.title) > TITLE_MAX:
        raise CaseError(f"案例标题不超过 {TITLE_MAX} 字")
    for key, label in SECTIONS.items():
        text = getattr(w, key).strip()
        if not text:
            raise CaseError(f"请填写“{label}”")
        if len(text) > SECTION_MAX:
            raise CaseError(f"“{label}”不超过 {SECTION_MAX} 字（案例须能印在一页纸上）")
    if len(w.tags) > TAGS_MAX or any(len(t) > TAG_MAX for t in w.tags):
        raise CaseError(f"标签最多 {TAGS_MAX} 个，每个不超过 {TAG_MAX} 字")


def draft_for(entry: LedgerEntry) -> WriteUp:
    """A first write-up from the entry: its matter, its reply and what follow-ups found."""
    reply = final_response(entry)
    outcomes = "；".join(f.outcome for f in entry.follow_ups if f.outcome)
    return WriteUp(title=entry.title[:TITLE_MAX], background=(entry.summary or "")[:SECTION_MAX],
                   response=(reply.content if reply else "")[:SECTION_MAX],
                   result=outcomes[:SECTION_MAX], lessons="",
                   department_id=entry.lead_department_id)


def _year(entry: LedgerEntry, tz: tzinfo) -> int:
    done = finished_at(entry) or entry.replied_at or entry.received_at
    return done.astimezone(tz).year


def _snapshot(case: LibraryCase) -> dict[str, object]:
    values = {key: getattr(case, key) for key in ("title", *SECTIONS, "department_id")}
    return {**values, "tags": "、".join(case.tag_names)}


def _apply(case: LibraryCase, w: WriteUp) -> None:
    case.title = w.title.strip()
    for key in SECTIONS:
        setattr(case, key, getattr(w, key).strip())
    case.department_id = w.department_id
    case.tags = [CaseTag(name=name, position=i) for i, name in enumerate(w.tags)]


def _allowed(role: str, roles: tuple[RoleCode, ...], what: str) -> None:
    if role not in roles:
        raise CaseDenied(f"您的角色不能{what}")


def create_case(session: Session, entry: LedgerEntry, w: WriteUp, *, actor_id: int, role: str,
                tz: tzinfo, score: Score | None = None) -> LibraryCase:
    """A new draft case for a finished entry (one case per entry)."""
    _allowed(role, WRITERS, "撰写案例")
    if finished_at(entry) is None:
        raise CaseError("只有已答复并办结的事项才能写成案例")
    if session.scalar(select(LibraryCase.id).where(LibraryCase.entry_id == entry.id)):
        raise CaseError("这条事项已经写成案例，请在原案例上修改")
    check_write_up(w)
    case = LibraryCase(entry_id=entry.id, state=DRAFT, year=_year(entry, tz),
                       created_by_id=actor_id)
    if score is not None:
        case.score_total = score.total
        case.score_components = [c.as_dict() for c in score.components]
        case.score_summary = score.summary
    _apply(case, w)
    session.add(case)
    session.flush()
    record_audit(session, entity_type=ENTITY, entity_id=case.id, action="create",
                 actor_id=actor_id, changes={k: (None, v) for k, v in _snapshot(case).items()})
    return case


def edit_case(session: Session, case: LibraryCase, w: WriteUp, *, actor_id: int,
              role: str) -> dict[str, tuple[object, object]]:
    """Change the write-up; staff only while it is a draft. Returns what changed."""
    _allowed(role, CURATORS if case.state != DRAFT else WRITERS, "修改已入库或已撤回的案例")
    check_write_up(w)
    before = _snapshot(case)
    _apply(case, w)
    session.flush()
    after = _snapshot(case)
    changes = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    if changes:
        record_audit(session, entity_type=ENTITY, entity_id=case.id, action="edit",
                     actor_id=actor_id, changes=changes)
    return changes


def publish_case(session: Session, case: LibraryCase, *, actor_id: int, role: str,
                 now: datetime | None = None) -> None:
    """入库: a leader puts a draft (or a withdrawn case) in the library."""
    _allowed(role, CURATORS, "将案例收入案例库")
    if case.state == PUBLISHED:
        raise CaseError("案例已在案例库中")
    old = case.state
    case.state, case.published_by_id = PUBLISHED, actor_id
    case.published_at, case.withdrawn_at, case.withdraw_reason = now or utcnow(), None, None
    record_audit(session, entity_type=ENTITY, entity_id=case.id, action="publish",
                 actor_id=actor_id, changes={"state": (old, PUBLISHED)})


def withdraw_case(session: Session, case: LibraryCase, reason: str, *, actor_id: int,
                  role: str, now: datetime | None = None) -> None:
    """撤回: a leader takes a case out of the library, saying why; the row stays."""
    _allowed(role, CURATORS, "撤回案例")
    if case.state != PUBLISHED:
        raise CaseError("只有已入库的案例才能撤回")
    if not reason.strip():
        raise CaseError("请填写撤回理由")
    case.state, case.withdrawn_at, case.withdraw_reason = WITHDRAWN, now or utcnow(), reason
    record_audit(session, entity_type=ENTITY, entity_id=case.id, action="withdraw",
                 actor_id=actor_id, changes={"state": (PUBLISHED, WITHDRAWN)},
                 detail={"reason": reason.strip()})


@dataclass(frozen=True)
class CaseQuery:
    """A library search: words (title, write-up, tags), tag, department, year, state."""

    words: str = ""
    tag: str = ""
    department_id: int | None = None
    year: int | None = None
    state: str = PUBLISHED


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _word_clause(word: str):
    pattern = _like(word)
    columns = [LibraryCase.title, *(getattr(LibraryCase, k) for k in SECTIONS)]
    tagged = select(CaseTag.case_id).where(CaseTag.name.like(pattern, escape="\\"))
    return or_(*(c.like(pattern, escape="\\") for c in columns), LibraryCase.id.in_(tagged))


def search(session: Session, query: CaseQuery) -> list[LibraryCase]:
    """Cases matching every word and filter, newest year first."""
    where = [LibraryCase.state == query.state]
    where += [_word_clause(w) for w in query.words.split() if w]
    if query.tag:
        where.append(LibraryCase.id.in_(select(CaseTag.case_id).where(CaseTag.name == query.tag)))
    if query.department_id is not None:
        where.append(LibraryCase.department_id == query.department_id)
    if query.year is not None:
        where.append(LibraryCase.year == query.year)
    return list(session.scalars(select(LibraryCase).where(*where).order_by(
        LibraryCase.year.desc(), LibraryCase.published_at.desc(), LibraryCase.id.desc())))


def library_facets(session: Session) -> dict[str, list]:
    """The tags, years and departments present in the library (for the filters)."""
    live = LibraryCase.state == PUBLISHED
    tags = session.scalars(select(CaseTag.name).join(LibraryCase).where(live)
                           .group_by(CaseTag.name).order_by(func.count().desc(), CaseTag.name))
    years = session.scalars(select(LibraryCase.year).where(live).distinct()
                            .order_by(LibraryCase.year.desc()))
    return {"tags": list(tags), "years": list(years)}


def cases_by_department(session: Session, year: int) -> dict[int | None, int]:
    """How many cases of ``year`` are in the library, per department id (None: no department)."""
    rows = session.execute(select(LibraryCase.department_id, func.count()).where(
        LibraryCase.state == PUBLISHED, LibraryCase.year == year)
        .group_by(LibraryCase.department_id))
    return {dept: count for dept, count in rows}


def case_trail(session: Session, case_id: int) -> list:
    """The case's audit events, oldest first."""
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == ENTITY, AuditEvent.entity_id == str(case_id))
        .order_by(AuditEvent.id)))
