"""Board messages pushed by other systems, and the status and replies of ledger entries.

A push goes through the file import's own path (``tracker.collection.import_records``: the
same checks, the same idempotent ingest per source and 留言编号), all or nothing: one
rejected message and nothing is stored. The ledger entries are then made as after an
import (``tracker.ledger.sync_message_cases``), so the metrics count the messages at once.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from sqlalchemy import select

from tracker.accounts import ENTRIES, PUSH
from tracker.collection import STANDARD_HEADERS, ImportReport, import_records
from tracker.db import for_writing
from tracker.deadlines import deadline_context
from tracker.ledger import Actor, PermissionDenied, get_entry, sync_message_cases
from tracker.models import ApiToken, LedgerEntry, MessageCase, Source
from tracker.vocabulary import RoleCode, status_label
from web.api.v1 import bp
from web.api.v1.auth import require_scope
from web.api.v1.errors import ApiError, forbidden, invalid, not_found
from web.db import get_db, get_settings

#: The fields of a pushed message: the API's name → the import's standard header. The
#: standard headers themselves are accepted as names too.
FIELDS = {
    "number": "留言编号", "author": "留言用户", "title": "留言主题", "received_at": "留言时间",
    "text": "留言详情", "reply": "答复意见", "replied_at": "答复时间", "category": "一级分类",
    "likes": "点赞数", "dislikes": "反对数", "reply_department": "答复部门",
}
API_NAME = {header: name for name, header in FIELDS.items()}
TIMES = {"received_at", "replied_at"}
COUNTS = {"likes", "dislikes"}
SOURCE_FIELD = "source"
MAX_BATCH = 500
OUTCOMES = {"new": "created", "updated": "updated", "unchanged": "unchanged"}


def _payload() -> tuple[list[Any], bool]:
    """The pushed messages and whether a list was sent; 400 when the body is not JSON."""
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "invalid_json", "请求体须为 JSON：一条留言（对象）或多条留言（数组）。")
    if isinstance(data, dict):
        return [data], False
    if not isinstance(data, list):
        raise ApiError(400, "invalid_json", "请求体须为一条留言（对象）或多条留言（数组）。")
    if not data:
        raise invalid("留言数组为空。", None, code="empty")
    if len(data) > MAX_BATCH:
        raise invalid(f"一次最多推送 {MAX_BATCH} 条留言。", None, code="too_many")
    return data, True


def _check_value(key: str, value: Any, index: int | None) -> None:
    name = API_NAME.get(key, key)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise invalid(f"字段 {key} 须为文字或数字。", key, index=index, code="invalid_type")
    if name in TIMES and not isinstance(value, str):
        raise invalid(f"字段 {key} 须为时间文字，如 2026-12-01T09:30:00+08:00。", key,
                      index=index, code="invalid_type")
    if name == "number" and isinstance(value, float):
        raise invalid(f"字段 {key} 须为文字或整数。", key, index=index, code="invalid_type")


def _cells(message: Any, index: int | None, token: ApiToken,
           names: dict[str, str]) -> dict[str, Any]:
    """One pushed message as the import's cells (standard header → value); ``names``
    learns which name the client used for each header, for the errors."""
    if not isinstance(message, dict):
        raise invalid("每条留言须为一个对象。", None, index=index, code="invalid_type")
    cells: dict[str, Any] = {}
    for key, value in message.items():
        if key == SOURCE_FIELD:
            if value not in (token.source.name, token.source.title):
                raise forbidden("此令牌只能推送其绑定的留言来源的留言。", SOURCE_FIELD)
            continue
        header = FIELDS.get(key, key if key in STANDARD_HEADERS else None)
        if header is None:
            raise invalid(f"未知字段 {key}。", key, index=index, code="unknown_field")
        if header in cells:
            raise invalid(f"字段 {key} 重复给出。", key, index=index, code="duplicate_field")
        _check_value(key, value, index)
        cells[header], names[header] = value, key
    return cells


def _rejection(report: ImportReport, names: list[dict[str, str]], listed: bool) -> ApiError:
    """The first rejected message as a 422 naming its field."""
    first = report.errors[0]
    row = first["row"]
    header = report.error_fields.get(row)
    field = names[row].get(header, API_NAME.get(header, header)) if header else None
    return invalid(f"留言未能接收：{first['reason']}", field, index=row if listed else None)


def _sync_ledger() -> str | None:
    """Make the ledger entries of the new messages; the failure, if any (nothing is lost:
    the next push, import or ``yuqing ledger sync`` makes them)."""
    db, settings = for_writing(get_db()), get_settings()
    try:
        sync_message_cases(db, ctx=deadline_context(
            db, tz=settings.tz, receipt_day_counts=settings.receipt_day_counts))
        db.commit()
    except Exception:  # the messages are stored; the client is told, the log keeps the cause
        db.rollback()
        current_app.logger.exception("ledger sync after an API push failed")
        return "台账条目暂未生成，稍后会自动补上。"
    return None


def _entry_ids(source_id: int, numbers: list[str]) -> dict[str, tuple[int, int | None]]:
    """留言编号 → (message case id, ledger entry id or None)."""
    rows = get_db().execute(
        select(MessageCase.external_id, MessageCase.id, LedgerEntry.id)
        .outerjoin(LedgerEntry, LedgerEntry.message_case_id == MessageCase.id)
        .where(MessageCase.source_id == source_id, MessageCase.external_id.in_(numbers)))
    return {number: (case_id, entry_id) for number, case_id, entry_id in rows}


@bp.post("/messages")
def push_messages() -> Any:
    """Store one message or a list, idempotently per (source, 留言编号)."""
    db = for_writing(get_db())
    token = require_scope(PUSH, "推送留言")
    if token.source is None:
        raise forbidden("此令牌未绑定留言来源，不能推送留言。")
    messages, listed = _payload()
    names: list[dict[str, str]] = [{} for _ in messages]
    records = [(i, _cells(m, i if listed else None, token, names[i]))
               for i, m in enumerate(messages)]
    report = import_records(db, token.source, records, via="api")
    if report.errors:
        db.rollback()
        raise _rejection(report, names, listed)
    db.commit()
    ledger_problem = _sync_ledger() if report.imported or report.updated else None
    ids = _entry_ids(token.source_id, list(report.outcomes))
    results = [{"number": number, "result": OUTCOMES[outcome], "message_id": ids[number][0],
                "entry_id": ids[number][1]} for number, outcome in report.outcomes.items()]
    warnings = [{"index": w["row"], "message": w["reason"]} for w in report.warnings]
    if ledger_problem:
        warnings.append({"index": None, "message": ledger_problem})
    status = 201 if report.imported else 200
    return jsonify(created=report.imported, updated=report.updated,
                   unchanged=report.unchanged, results=results, warnings=warnings), status


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def entry_json(entry: LedgerEntry, case: MessageCase | None) -> dict[str, Any]:
    """An entry's status and its approved replies, as the API shows them."""
    replies = [{"channel": r.channel, "content": r.content, "department": r.department_name,
                "responded_at": _iso(r.responded_at), "approved_at": _iso(r.approved_at),
                "published_at": _iso(r.published_at), "published_url": r.published_url}
               for r in entry.responses if r.state == "approved"]
    return {
        "id": entry.id, "kind": entry.kind, "status": entry.status,
        "status_label": status_label(entry.kind, entry.status), "title": entry.title,
        "number": case.external_id if case else None,
        "source": case.source.name if case and case.source else None,
        "received_at": _iso(entry.received_at), "due_at": _iso(entry.due_at),
        "first_ack_at": _iso(entry.first_ack_at), "replied_at": _iso(entry.replied_at),
        "published_at": _iso(entry.published_at), "closed_at": _iso(entry.closed_at),
        "lead_department": entry.lead_department.name if entry.lead_department else None,
        "co_departments": [c.department.name for c in entry.co_departments
                           if c.removed_at is None],
        "replies": replies,
    }


def _readable(entry_id: int, token: ApiToken) -> tuple[LedgerEntry, MessageCase | None]:
    """The entry when the token's scope covers it: its source's messages, or its
    department's entries (led or co-handled); 404 when there is none, 403 when out of scope."""
    db = get_db()
    if token.source_id is not None:
        entry = db.get(LedgerEntry, entry_id)
        if entry is None:
            raise not_found("没有这条台账。")
        case = db.get(MessageCase, entry.message_case_id) if entry.message_case_id else None
        if case is None or case.source_id != token.source_id:
            raise forbidden("此令牌只能查看其绑定的留言来源的留言。")
        return entry, case
    if token.department_id is None:
        raise forbidden("此令牌未绑定留言来源或部门，不能查看办理情况。")
    try:
        entry = get_entry(db, entry_id, Actor(None, RoleCode.RESPONDER.value, token.department_id))
    except LookupError:
        raise not_found("没有这条台账。") from None
    except PermissionDenied:
        raise forbidden("此令牌只能查看其绑定部门牵头或协办的台账。") from None
    case = db.get(MessageCase, entry.message_case_id) if entry.message_case_id else None
    return entry, case


@bp.get("/entries/<int:entry_id>")
def entry_status(entry_id: int) -> Any:
    """A ledger entry's status and replies, within the token's scope."""
    token = require_scope(ENTRIES, "查看办理情况")
    entry, case = _readable(entry_id, token)
    return jsonify(entry_json(entry, case))


def _source_for_number(token: ApiToken) -> Source:
    """The source a number is looked up in: the token's own, or ``?source=`` for a
    department token; 403 when a source token asks about another source."""
    asked = request.args.get("source")
    if token.source is not None:
        if asked and asked not in (token.source.name, token.source.title):
            raise forbidden("此令牌只能查看其绑定的留言来源的留言。", "source")
        return token.source
    if not asked:
        raise invalid("部门令牌按编号查询时须用 source 参数指明留言来源。", "source",
                      code="missing_field")
    source = get_db().scalar(select(Source).where(Source.name == asked)) or get_db().scalar(
        select(Source).where(Source.title == asked))
    if source is None:
        raise not_found("没有这个留言来源。")
    return source


@bp.get("/messages/<number>")
def message_status(number: str) -> Any:
    """A pushed message's ledger entry (status and replies), by its 留言编号."""
    token = require_scope(ENTRIES, "查看办理情况")
    source = _source_for_number(token)
    entry_id = get_db().scalar(
        select(LedgerEntry.id).join(MessageCase, LedgerEntry.message_case_id == MessageCase.id)
        .where(MessageCase.source_id == source.id, MessageCase.external_id == number))
    if entry_id is None:
        raise not_found("此来源没有这个编号的留言（或其台账尚未生成）。")
    entry, case = _readable(entry_id, token)
    return jsonify(entry_json(entry, case))
