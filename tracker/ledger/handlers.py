"""What each action does to an entry besides moving its status.

A handler reads the submitted values from ``step.data``, validates them (raising
:class:`LedgerError` with a Chinese message), changes the entry through ``step.set`` so
every field change is audited, and may ask for the deadline to be recomputed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tracker.deadlines import (
    CORRECTION_NOTICE_DAYS,
    DeadlineContext,
    add_working_days,
    first_counted_day,
    is_overdue,
)
from tracker.ledger import clock
from tracker.ledger.decisions import Actor, LedgerError, find_promises
from tracker.ledger.routing import record_reassignment
from tracker.models import Department, User
from tracker.models.ledger import (
    LedgerDepartment,
    LedgerEntry,
    LedgerFollowUp,
    LedgerResponse,
    LedgerTimeChange,
)
from tracker.vocabulary import (
    REPLY_TYPE_BY_CODE,
    SATISFACTION,
    Kind,
    MessageStatus,
    parse_level,
)

OPINION_CHANNELS = ("发布权威信息", "新闻发布会", "吹风会", "接受媒体采访", "专家解读", "网上答复",
                    "情况通报")
MESSAGE_CHANNELS = ("网站答复", "电话答复", "书面答复", "当面答复")


@dataclass
class Step:
    """One action in progress: the entry, who acts, when, the submitted data, the changes."""

    session: Session
    entry: LedgerEntry
    actor: Actor
    now: datetime
    ctx: DeadlineContext
    data: dict[str, Any]
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)
    refresh: bool = False

    def set(self, name: str, value: Any) -> None:
        """Set an entry field, remembering old → new when it changes."""
        old = getattr(self.entry, name)
        if old != value:
            self.changes[name] = (self.changes.get(name, (old,))[0], value)
            setattr(self.entry, name, value)

    def text(self, name: str, *, required: bool = False, label: str = "") -> str | None:
        """A stripped text value; raise when required and empty."""
        value = self.data.get(name)
        value = str(value).strip() if value is not None else ""
        if required and not value:
            raise LedgerError(f"请填写{label or name}")
        return value or None

    def when(self, name: str = "at") -> datetime:
        """An aware time from the data, defaulting to now; future times are refused."""
        value = self.data.get(name) or self.now
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise LedgerError("时间须带时区")
        if value > self.now:
            raise LedgerError("时间不能晚于当前时间")
        return value


def _note(step: Step) -> None:
    note = step.text("note")
    if note:
        step.detail["note"] = note


def assess(step: Step) -> None:
    """研判: set the level (which may change the opinion deadline)."""
    raw = step.data.get("level")
    if raw not in (None, ""):
        try:
            level = parse_level(raw)
        except ValueError as exc:
            raise LedgerError("舆情等级无效") from exc
        step.set("level", level.value if level else None)
        step.refresh = True
    _note(step)


def _department(session: Session, dept_id: Any, label: str) -> Department:
    dept = session.get(Department, int(dept_id)) if str(dept_id or "").isdigit() else None
    if dept is None:
        raise LedgerError(f"请选择{label}")
    if not dept.active:
        raise LedgerError(f"{dept.name}已停用，请另选{label}")
    return dept


def _set_co_departments(step: Step, wanted: set[int]) -> None:
    entry = step.entry
    current = {c.department_id: c for c in entry.co_departments}
    before = sorted(d for d, c in current.items() if c.removed_at is None)
    for dept_id, link in current.items():
        if dept_id not in wanted and link.removed_at is None:
            link.removed_at = step.now
        elif dept_id in wanted and link.removed_at is not None:
            link.removed_at = None
    for dept_id in wanted - set(current):
        _department(step.session, dept_id, "协办单位")
        entry.co_departments.append(LedgerDepartment(department_id=dept_id, added_at=step.now))
    after = sorted(wanted)
    if before != after:
        step.changes["co_departments"] = (",".join(map(str, before)) or None,
                                          ",".join(map(str, after)) or None)


def _responsible_user(session: Session, user_id: Any, lead: Department) -> User | None:
    """The responsible person's account: an active user of the lead department, or none."""
    if str(user_id or "").strip() == "":
        return None
    user = session.get(User, int(user_id)) if str(user_id).isdigit() else None
    if user is None or not user.active:
        raise LedgerError("找不到该责任人账号")
    if user.department_id != lead.id:
        raise LedgerError(f"责任人须为牵头单位（{lead.name}）的人员")
    return user


def assign(step: Step) -> None:
    """交办: lead department, co-handling departments, responsible person."""
    lead = _department(step.session, step.data.get("lead_department_id"), "牵头单位")
    if lead.id != step.entry.lead_department_id:  # a person's change is training data
        record_reassignment(step.session, step.entry, step.entry.lead_department_id, lead.id,
                            step.actor.id)
    step.set("lead_department_id", lead.id)
    co = {int(d) for d in step.data.get("co_department_ids") or () if str(d).isdigit()}
    _set_co_departments(step, co - {lead.id})
    user = _responsible_user(step.session, step.data.get("responsible_user_id"), lead)
    step.set("responsible_user_id", user.id if user else None)
    person = step.text("responsible_person") or (user.display_name if user else None)
    step.set("responsible_person", person)
    if step.entry.status == MessageStatus.LEGACY:  # 历史遗留: the clock starts at 交办
        step.set("clock_restarted_at", step.now)
        step.refresh = True
    _note(step)


def accept(step: Step) -> None:
    """签收: the first acknowledgement by the responsible department."""
    if step.entry.first_ack_at is None:
        step.set("first_ack_at", step.now)
    _note(step)


def submit(step: Step) -> None:
    """提交审签/审核: a drafted response waits for approval."""
    kind = Kind(step.entry.kind)
    channels = OPINION_CHANNELS if kind is Kind.OPINION else MESSAGE_CHANNELS
    channel = step.text("channel") or channels[0]
    if channel not in channels:
        raise LedgerError("回应方式无效")
    content = step.text("content", required=True, label="回应内容")
    dept = step.entry.lead_department
    step.entry.responses.append(LedgerResponse(
        state="submitted", channel=channel, content=content, author_id=step.actor.id,
        department_id=dept.id if dept else None, department_name=dept.name if dept else None,
        created_at=step.now, published_url=step.text("published_url")))
    step.detail["channel"] = channel


def _pending_response(entry: LedgerEntry) -> LedgerResponse:
    for response in reversed(entry.responses):
        if response.state == "submitted":
            return response
    raise LedgerError("没有待审的回应")


def _record_reply(step: Step, response: LedgerResponse, at: datetime) -> None:
    step.set("replied_at", step.entry.replied_at or at)
    step.set("reply_channel", response.channel)
    step.set("reply_summary", response.content)
    step.set("reply_has_promise", bool(find_promises(response.content)))


def approve(step: Step) -> None:
    """审签/审核 passed: the response goes out (an opinion response is published at once)."""
    response = _pending_response(step.entry)
    response.state, response.approver_id, response.approved_at = "approved", step.actor.id, step.now
    response.responded_at = step.now
    response.review_note = step.text("note")
    _record_reply(step, response, step.now)
    if step.entry.kind == Kind.OPINION:
        response.published_url = step.text("published_url") or response.published_url
        response.published_at = step.now
        step.set("published_at", step.entry.published_at or step.now)
    step.detail["response_id"] = response.id


def reject(step: Step) -> None:
    """退回修改: the draft goes back to the department with the reason."""
    response = _pending_response(step.entry)
    response.state = "rejected"
    response.review_note = step.text("note", required=True, label="退回理由")
    response.approver_id, response.approved_at = step.actor.id, step.now
    step.detail["note"] = response.review_note


def follow_up(step: Step) -> None:
    """跟踪反馈 / 回访: method, satisfaction, outcome, whether promises were kept."""
    at = step.when()
    satisfaction = step.text("satisfaction")
    if satisfaction and satisfaction not in SATISFACTION:
        raise LedgerError("满意度无效")
    kept = step.data.get("promise_kept")
    record = LedgerFollowUp(
        at=at, method=step.text("method", required=True, label="反馈方式"),
        satisfaction=satisfaction, outcome=step.text("outcome", required=True, label="反馈情况"),
        promise_kept=None if kept in (None, "") else bool(kept), recorded_by_id=step.actor.id)
    step.entry.follow_ups.append(record)
    step.set("follow_up_count", (step.entry.follow_up_count or 0) + 1)
    step.set("last_follow_up_at", max(at, step.entry.last_follow_up_at or at))
    if satisfaction:
        step.set("satisfaction", satisfaction)
    step.detail.update(method=record.method, outcome=record.outcome)


def close(step: Step) -> None:
    """办结 / 归档; closing a 历史遗留 message (结案) needs a 结案说明."""
    if step.entry.status == MessageStatus.LEGACY:
        step.detail["note"] = step.text("note", required=True, label="结案说明")
    step.set("closed_at", step.now)
    _note(step)


def reopen(step: Step) -> None:
    """重新办理: the reason is required; the closing time is cleared."""
    step.detail["reason"] = step.text("reason", required=True, label="重新办理的理由")
    step.set("closed_at", None)


def publish(step: Step) -> None:
    """公开: the reply is on the public website."""
    at = step.when()
    url = step.text("published_url")
    for response in reversed(step.entry.responses):
        if response.state == "approved":
            response.published_at, response.published_url = at, url or response.published_url
            break
    step.set("published_at", at)
    if url:
        step.detail["published_url"] = url


def request_correction(step: Step) -> None:
    """补正: one notice, due within 7 working days of receipt; the clock stops."""
    reason = step.text("reason", required=True, label="需要补正的内容")
    received = step.entry.received_at.astimezone(step.ctx.tz).date()
    start = first_counted_day(received, step.ctx.receipt_day_counts)
    limit, _ = add_working_days(step.ctx.calendar, start, CORRECTION_NOTICE_DAYS)
    if any(c.type == clock.CORRECTION for c in step.entry.time_changes):
        raise LedgerError("补正只能告知一次")
    step.entry.time_changes.append(LedgerTimeChange(
        type=clock.CORRECTION, reason=reason, requested_by_id=step.actor.id,
        requested_at=step.now, started_at=step.now))
    step.set("paused_since", step.now)
    late = step.now.astimezone(step.ctx.tz).date() > limit
    step.detail.update(reason=reason, notice_limit=limit.isoformat(), late=late)
    step.refresh = True


def receive_correction(step: Step) -> None:
    """收到补正: the 20 working days run again from the corrected application."""
    at = step.when()
    change = clock.open_correction(step.entry)
    if change is None:
        raise LedgerError("没有待补正的申请")
    change.ended_at = at
    step.set("clock_restarted_at", at)
    step.set("paused_since", None)
    step.refresh = True


def withdraw(step: Step) -> None:
    """视为撤回: no correction without good reason; nothing more to do."""
    step.detail["reason"] = step.text("reason", required=True, label="理由")
    step.set("reply_type", "other_no_correction")
    step.set("closed_at", step.now)


def start_consultation(step: Step) -> None:
    """征求第三方意见: time until the answer is not counted (Art. 33)."""
    at = step.when()
    party = step.text("party", required=True, label="征求意见对象")
    step.entry.time_changes.append(LedgerTimeChange(
        type=clock.PAUSE, reason=step.text("reason") or "征求第三方意见", party=party,
        requested_by_id=step.actor.id, requested_at=step.now, started_at=at))
    step.set("paused_since", at)
    step.detail["party"] = party
    step.refresh = True


def end_consultation(step: Step) -> None:
    """收到第三方意见: the clock runs again."""
    at = step.when()
    for change in step.entry.time_changes:
        if change.type == clock.PAUSE and change.ended_at is None:
            if at < change.started_at:
                raise LedgerError("收到意见的时间早于征求意见的时间")
            change.ended_at = at
    step.set("paused_since", None)
    step.refresh = True


def request_extension(step: Step) -> None:
    """申请延期: days within what the rule allows, with a reason."""
    allowed = clock.rule_of(step.entry, step.ctx).max_extension
    raw = str(step.data.get("days") or "").strip()
    days = int(raw) if raw.isdigit() else 0
    if not 0 < days <= allowed:
        raise LedgerError(f"延期天数须在 1 至 {allowed} 之间")
    reason = step.text("reason", required=True, label="延期理由")
    step.entry.time_changes.append(LedgerTimeChange(
        type=clock.EXTENSION, reason=reason, days=days, requested_by_id=step.actor.id,
        requested_at=step.now))
    step.detail.update(days=days, reason=reason)


def _decide_extension(step: Step, approved: bool) -> LedgerTimeChange:
    change = clock.last_extension(step.entry)
    if change is None or change.decision is not None:
        raise LedgerError("没有待审批的延期申请")
    change.decision = "approved" if approved else "refused"
    change.decided_by_id, change.decided_at = step.actor.id, step.now
    change.decision_note = step.text("note", required=not approved, label="不批准的理由")
    step.detail.update(days=change.days, note=change.decision_note)
    return change


def approve_extension(step: Step) -> None:
    """批准延期: the due time moves by the approved days."""
    change = _decide_extension(step, approved=True)
    step.set("extension_days", change.days)
    step.refresh = True


def reject_extension(step: Step) -> None:
    """不批准延期."""
    _decide_extension(step, approved=False)


def reply(step: Step) -> None:
    """书面答复: reply type (Art. 36), search done, legal basis, content."""
    code = step.text("reply_type", required=True, label="答复类型")
    if code not in REPLY_TYPE_BY_CODE:
        raise LedgerError("答复类型无效")
    at = step.when()
    dept = step.entry.lead_department
    response = LedgerResponse(
        state="approved", channel="书面答复", author_id=step.actor.id, created_at=step.now,
        content=step.text("content", required=True, label="答复内容"),
        search_done=step.text("search_done", required=True, label="检索情况"),
        legal_basis=step.text("legal_basis", required=True, label="法律依据"),
        reply_type=code, responded_at=at, approved_at=at, approver_id=step.actor.id,
        department_id=dept.id if dept else None, department_name=dept.name if dept else None)
    step.entry.responses.append(response)
    _record_reply(step, response, at)
    step.set("reply_type", code)
    step.detail["late"] = is_overdue(step.entry.due_at, at)


def noop(step: Step) -> None:
    """Status change only (登记审核 etc.), with an optional note."""
    _note(step)


HANDLERS: dict[str, Callable[[Step], None]] = {
    "assess": assess, "assign": assign, "reassign": assign, "accept": accept,
    "submit": submit, "approve": approve, "reject": reject, "follow_up": follow_up,
    "visit": follow_up, "close": close, "archive": close, "reopen": reopen,
    "publish": publish, "review": noop, "request_correction": request_correction,
    "receive_correction": receive_correction, "withdraw": withdraw,
    "start_consultation": start_consultation, "end_consultation": end_consultation,
    "request_extension": request_extension, "approve_extension": approve_extension,
    "reject_extension": reject_extension, "reply": reply,
}
