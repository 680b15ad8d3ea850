"""Ledger pages every role uses: list, export, entry, actions, new entries, written reply.

Every route checks the role (``roles_required``) and then the entry's department scope
(responders see only their department's entries; others get 404 for entries they may not
see, so ids do not leak).
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker import collection, quality
from tracker.events import alert_event, event_figures, mention_tones, tone_mix
from tracker.ledger import (
    OVERDUE_CHOICES,
    REMEDIES,
    SORTS,
    LedgerError,
    LedgerFilter,
    PermissionDenied,
    WrittenReply,
    access,
    action_label,
    audit_trail,
    get_entry,
    legal_basis_for,
    list_page,
    open_disclosure_entry,
    open_opinion_entry,
    perform,
    query_code_of,
    red_flags,
    write_xlsx,
)
from tracker.models import Department, Mention, MessageCase, User, utcnow
from tracker.publication import STATE_LABELS, publications_of
from tracker.qa import QaError, entry_bundles
from tracker.vocabulary import (
    KIND_LABELS,
    LEVEL_LABELS,
    REPLY_TYPE_BY_CODE,
    STATUS_LABELS,
    Kind,
    RoleCode,
    status_label,
)
from web.auth import roles_required
from web.db import get_db, get_settings
from web.inputs import OutOfRange, parse_day, parse_id
from web.ledger import bp
from web.ledger.forms import (
    ACTION_FORMS,
    MESSAGE_CHANNELS,
    OPINION_CHANNELS,
    DisclosureForm,
    OpinionForm,
    form_data,
    options,
)
from web.ledger.present import (
    current_actor,
    current_context,
    kind_label,
    level_label,
    reply_type_label,
    safe_url,
    timeline,
)
from web.ledger.reply_aids import attach_bundle, reply_aids

EVERYONE = tuple(RoleCode)
MANAGERS = (RoleCode.OPINION_STAFF, RoleCode.ADMIN)
ALERT_READERS = (RoleCode.OPINION_STAFF, RoleCode.LEADER, RoleCode.ADMIN)  # as web.alerts
PUBLICATION_READERS = ALERT_READERS  # as web.publication
INBOXES = frozenset({"/staff", "/responder", "/leader", "/admin"})


@bp.context_processor
def helpers() -> dict[str, Any]:
    """Labels and link checks for the ledger templates."""
    return {"kind_label": kind_label, "level_label": level_label, "status_label": status_label,
            "action_label": action_label, "safe_url": safe_url,
            "reply_type_label": reply_type_label, "KIND_LABELS": KIND_LABELS,
            "LEVEL_LABELS": LEVEL_LABELS, "STATUS_LABELS": STATUS_LABELS,
            "OVERDUE_CHOICES": OVERDUE_CHOICES}


def _department(value: str | None) -> int | None:
    """The department filter: empty, or the id of a department (else a 400)."""
    if not value:
        return None
    dept = parse_id(value)
    if dept is None or get_db().get(Department, dept) is None:
        abort(400, description="部门参数无效，请从列表中选择部门。")
    return dept


def _date(value: str | None) -> date | None:
    """A date filter: not a date is ignored, a year the app cannot count with is a 400."""
    try:
        return parse_day(value)
    except OutOfRange as exc:
        abort(400, description=str(exc))


def parse_filters(args) -> tuple[LedgerFilter, str, int]:
    """Filters, sort and page from the query string; unknown values are ignored, values out
    of range (a department that does not exist, a year beyond the calendars) are a 400."""
    kind = args.get("kind") if args.get("kind") in set(Kind) else None
    statuses = {s for labels in STATUS_LABELS.values() for s in labels}
    sort = args.get("sort", "-received")
    page = args.get("page", "1")
    filters = LedgerFilter(
        kind=kind, status=args.get("status") if args.get("status") in statuses else None,
        level=args.get("level") if args.get("level") in {lv.value for lv in LEVEL_LABELS}
        else None,
        department_id=_department(args.get("department")),
        overdue=args.get("overdue") if args.get("overdue") in OVERDUE_CHOICES else None,
        date_from=_date(args.get("from")), date_to=_date(args.get("to")),
        q=(args.get("q") or "").strip()[:100] or None)
    sort = sort if sort.lstrip("-") in SORTS else "-received"
    return filters, sort, min(int(page), 100_000) if page.isdigit() and page != "0" else 1


def _departments() -> list[Department]:
    return list(get_db().scalars(select(Department).order_by(Department.name)))


@bp.get("/")
@roles_required(*EVERYONE)
def index() -> str:
    """The ledger list with filters, counts, sorting and paging."""
    filters, sort, page = parse_filters(request.args)
    now = utcnow()
    result = list_page(get_db(), filters, current_actor(), now=now, tz=get_settings().tz,
                       sort=sort, page=page)
    flags = {e.id: red_flags(e, now) for e in result.entries}
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("ledger/list.html", page=result, filters=filters, sort=sort,
                           flags=flags, args=args, departments=_departments())


@bp.get("/export.xlsx")
@roles_required(*EVERYONE)
def export() -> Any:
    """The filtered list as an Excel file with the template columns."""
    filters, sort, _ = parse_filters(request.args)
    buffer = io.BytesIO()
    write_xlsx(get_db(), filters, current_actor(), buffer, now=utcnow(), tz=get_settings().tz,
               sort=sort)
    buffer.seek(0)
    name = f"ledger-{utcnow().astimezone(get_settings().tz):%Y%m%d-%H%M}.xlsx"
    return send_file(buffer, as_attachment=True, download_name=name, mimetype=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))


def _visible_entry(entry_id: int):
    try:
        return get_entry(get_db(), entry_id, current_actor())
    except (LookupError, PermissionDenied):
        abort(404)


def _action_form(entry, action: str, formdata=None):
    form = ACTION_FORMS[action](formdata=formdata, prefix=action)
    if hasattr(form, "lead_department_id"):  # every active department, lead or co-handling
        depts = [(d.id, d.name) for d in _departments() if d.active]
        form.lead_department_id.choices = options(depts)
        form.co_department_ids.choices = options(depts)
        users = get_db().scalars(select(User).where(User.role_code == RoleCode.RESPONDER,
                                                    User.active.is_(True)))
        form.responsible_user_id.choices = options(  # the service checks the department
            [("", "—")] + [(u.id, f"{u.display_name}（{u.department.name}）" if u.department
                             else u.display_name) for u in users])
    if hasattr(form, "channel"):
        channels = OPINION_CHANNELS if entry.kind == Kind.OPINION else MESSAGE_CHANNELS
        form.channel.choices = options((c, c) for c in channels)
    if action == "reply" and formdata is None:
        form.legal_basis.data = legal_basis_for(form.reply_type.choices[0].value)
    return form


def _linked(entry) -> tuple[list[Mention], MessageCase | None]:
    db = get_db()
    ids = [link.mention_id for link in entry.links if link.mention_id]
    mentions = list(db.scalars(select(Mention).where(Mention.id.in_(ids)))) if ids else []
    case = db.get(MessageCase, entry.message_case_id) if entry.message_case_id else None
    if case is not None:
        mentions += list(db.scalars(select(Mention).where(Mention.message_case_id == case.id)))
    return mentions, case


@bp.get("/<int:entry_id>")
@roles_required(*EVERYONE)
def entry(entry_id: int) -> str:
    """One entry: facts, deadline and its explanation, timeline, links, allowed actions."""
    return _entry_page(_visible_entry(entry_id))


def _entry_page(item, **checklist: Any) -> str:
    """The entry page; ``checklist`` (check, draft, check_error) from the 检查答复 button."""
    allowed = access(item, current_actor(), current_context()).actions
    forms = {action: _action_form(item, action) for action in allowed}
    if checklist.get("draft") and "submit" in forms:
        forms["submit"].content.data = checklist["draft"]
    mentions, case = _linked(item)
    db = get_db()
    tones = mention_tones(db, [m.id for m in mentions])  # as the alert page counts them
    event = alert_event(db, item.alert_id)
    return render_template(
        "ledger/entry.html", entry=item, forms=forms, flags=red_flags(item, utcnow()),
        timeline=timeline(db, item, audit_trail(db, item.id)), mentions=mentions, case=case,
        tones=tones, linked_mix=tone_mix(tones.values()), event=event,
        f=event_figures(db, event.id) if event is not None else None,
        sees_alerts=current_user.has_role(*ALERT_READERS),
        query_code=query_code_of(item),
        co_departments=[c.department for c in item.co_departments if c.removed_at is None],
        publications=publications_of(db, item.id), qa_state_label=STATE_LABELS.get,
        sees_publication=current_user.has_role(*PUBLICATION_READERS),
        pending_check=_pending_check(item) if "approve" in forms else None,
        aids=reply_aids(db, get_settings(), item, forms), bundles=entry_bundles(db, item.id),
        **checklist)


def _pending_check(item):
    """The checks of the reply awaiting 审签 (shown with the approve form)."""
    pending = next((r for r in reversed(item.responses) if r.state == "submitted"), None)
    return quality.reply_quality(get_db(), pending.id) if pending is not None else None


@bp.post("/<int:entry_id>/<action>")
@roles_required(*EVERYONE)
def act(entry_id: int, action: str) -> Any:
    """Perform one workflow action; refused roles get 403, bad input a message (a refusal
    by the ledger: the entry page with the message, status 400)."""
    item = _visible_entry(entry_id)
    if action not in ACTION_FORMS:
        abort(404)
    form = _action_form(item, action, formdata=request.form)
    if not form.validate():
        if "csrf_token" in form.errors:
            abort(400)
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("ledger.entry", entry_id=entry_id), 303)
    db = get_db()
    try:
        perform(db, item, action, current_actor(), data=form_data(form, get_settings().tz),
                ctx=current_context(), settings=get_settings())
        attach_bundle(db, item, action, current_user.id)  # 打包推送: policies with the reply
    except PermissionDenied as exc:  # the page names the roles (or the department) allowed
        abort(403, description=str(exc))
    except (LedgerError, QaError) as exc:  # refused: nothing changes, the page says why
        db.rollback()
        flash(str(exc), "error")
        return _entry_page(_visible_entry(entry_id)), 400
    db.commit()
    flash(f"已{action_label(item.kind, action)}。", "info")
    back = request.form.get("next")  # the inbox's 审签 forms return to the inbox
    return redirect(back if back in INBOXES else url_for("ledger.entry", entry_id=entry_id), 303)


def _picked_mentions() -> list[int]:
    """The mentions ticked on the form (checkboxes named ``mention``); LedgerError for a value
    that names no stored mention."""
    values = request.values.getlist("mention")[:50]
    ids = [parse_id(v.strip()) for v in values]
    if None in ids or len(collection.mentions_by_id(get_db(), ids)) != len(set(ids)):
        raise LedgerError("所选关联信息不存在，请重新查找后勾选")
    return list(dict.fromkeys(ids))


@bp.route("/new/opinion", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_opinion() -> Any:
    """Register an opinion by hand (the same service alert escalation calls)."""
    finding = request.method == "GET" and "mention_query" in request.args  # the 查找 button
    form = OpinionForm(formdata=request.args) if finding else OpinionForm()
    if form.validate_on_submit():
        tz, db = get_settings().tz, get_db()
        first = form.first_published_at.data
        try:
            item = open_opinion_entry(
                db, title=form.title.data, summary=form.summary.data or "",
                source=form.source.data or None, url=form.url.data or None,
                found_at=form.found_at.data.replace(tzinfo=tz),
                first_published_at=first.replace(tzinfo=tz) if first else None,
                level=form.level.data or None, mention_ids=_picked_mentions(),
                involved_units=form.involved_units.data or None, actor_id=current_actor().id,
                ctx=current_context())
        except LedgerError as exc:
            db.rollback()
            flash(str(exc), "error")
        else:
            db.commit()
            flash("舆情已登记。", "info")
            return redirect(url_for("ledger.entry", entry_id=item.id), 303)
    elif request.method == "GET" and not finding:
        form.found_at.data = utcnow().astimezone(get_settings().tz).replace(tzinfo=None,
                                                                              second=0,
                                                                              microsecond=0)
    db = get_db()
    ticked = [i for i in (parse_id(v) for v in request.values.getlist("mention")[:50]) if i]
    chosen = collection.mentions_by_id(db, ticked)
    found = collection.find_mentions(db, form.mention_query.data or "") if finding else None
    return render_template(
        "ledger/new.html", form=form, heading="登记舆情", chosen=chosen,
        found=[m for m in found if m.id not in set(ticked)] if found is not None else None), (
        400 if request.method == "POST" else 200)


@bp.route("/new/disclosure", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_disclosure() -> Any:
    """Register (登记) a disclosure application."""
    form = DisclosureForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            item = open_disclosure_entry(
                db, title=form.title.data, request=form.request.data,
                applicant=form.applicant.data, applicant_type=form.applicant_type.data,
                receipt_channel=form.receipt_channel.data,
                received_at=form.received_at.data.replace(tzinfo=get_settings().tz),
                actor_id=current_actor().id, ctx=current_context())
        except LedgerError as exc:
            db.rollback()
            flash(str(exc), "error")
        else:
            db.commit()
            flash("依申请公开申请已登记。", "info")
            return redirect(url_for("ledger.entry", entry_id=item.id), 303)
    return render_template("ledger/new.html", form=form, heading="登记依申请公开申请"), (
        400 if request.method == "POST" else 200)


@bp.get("/<int:entry_id>/reply")
@roles_required(*EVERYONE)
def written_reply(entry_id: int) -> str:
    """The 书面答复 of a disclosure application, rendered from the entry."""
    item = _visible_entry(entry_id)
    response = next((r for r in reversed(item.responses) if r.reply_type), None)
    if item.kind != Kind.DISCLOSURE or response is None:
        abort(404)
    tz = get_settings().tz
    kind = REPLY_TYPE_BY_CODE.get(response.reply_type)
    reply = WrittenReply(
        applicant=item.applicant or "", received=f"{item.received_at.astimezone(tz):%Y年%m月%d日}",
        request=item.summary, search_done=response.search_done or "",
        decision=(kind.decision if kind else ""), content=response.content,
        legal_basis=response.legal_basis or legal_basis_for(response.reply_type or ""),
        remedies=REMEDIES, agency=response.department_name or "本机关",
        date=f"{(response.responded_at or response.created_at).astimezone(tz):%Y年%m月%d日}")
    return render_template("ledger/reply.html", entry=item, reply=reply, reply_type=kind)
