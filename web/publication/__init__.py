"""Staff pages for typical Q&A (典型问答): a month's batch with the system's proposals, picking
answered messages, editing into publishable form (masked automatically with the writer's name,
then editable), submitting for 审签; the leader approves or returns; staff publish; anyone
of them may take an item down with a reason. Every step goes through tracker.publication (which
audits it) and commits here."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from tracker.ledger import Actor
from tracker.models import AuditEvent, LedgerEntry, MessageCase, TypicalQA, User, utcnow
from tracker.publication import (
    ACTION_LABELS,
    ORIGIN_LABELS,
    STATE_LABELS,
    PublicationError,
    State,
    act,
    allowed,
    answered,
    can,
    month_items,
    month_of,
    parse_policies,
    propose_month,
    render_policies,
    reply_check,
    save_edit,
)
from tracker.publication import create_from_entry as draft_from_entry
from tracker.vocabulary import RoleCode
from web.auth import roles_required
from web.db import get_db

bp = Blueprint("publication", __name__, url_prefix="/publication")
STAFF = (RoleCode.OPINION_STAFF, RoleCode.ADMIN)
READERS = (RoleCode.OPINION_STAFF, RoleCode.LEADER, RoleCode.ADMIN)
PICK_LIMIT = 50


class PostForm(FlaskForm):
    """A CSRF-checked post; the fields are read from the request (text areas of the page)."""


def _actor() -> Actor:
    return Actor(current_user.id, current_user.role_code, current_user.department_id)


def _month() -> str:
    value = (request.values.get("month") or "").strip()
    if re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", value):
        return value
    return month_of(utcnow())


@bp.context_processor
def labels() -> dict[str, Any]:
    """Chinese words for states, origins and actions."""
    return {"STATE_LABELS": STATE_LABELS, "ORIGIN_LABELS": ORIGIN_LABELS,
            "ACTION_LABELS": ACTION_LABELS}


@bp.get("/")
@roles_required(*READERS)
def index() -> str:
    """本月典型问答: the month's items by state, and what may be done next."""
    month = _month()
    items = month_items(get_db(), month)
    groups = {s: [i for i in items if i.state == s.value] for s in State}
    return render_template("publication/index.html", month=month, groups=groups,
                           total=len(items), form=PostForm(), prev=_shift(month, -1),
                           next=_shift(month, 1),
                           can_edit=current_user.has_role(*STAFF))


def _shift(month: str, by: int) -> str:
    year, mon = divmod(int(month[:4]) * 12 + int(month[5:]) - 1 + by, 12)
    return f"{year:04d}-{mon + 1:02d}"


@bp.post("/propose")
@roles_required(*STAFF)
def propose() -> Any:
    """Store the system's proposals for the month."""
    if not PostForm().validate_on_submit():
        abort(400)
    month = _month()
    made = propose_month(get_db(), month, _actor())
    get_db().commit()
    flash(f"已生成 {len(made)} 条建议。" if made else "本月没有新的建议：答复过的留言都已处理过，"
          "或本月还没有答复的留言。", "info")
    return redirect(url_for("publication.index", month=month), 303)


@bp.get("/pick")
@roles_required(*STAFF)
def pick() -> str:
    """Answered messages of the month that have no typical Q&A yet, searchable."""
    month, query = _month(), (request.args.get("q") or "").strip()[:50]
    entries = answered(get_db(), month, query or None, limit=PICK_LIMIT)
    return render_template("publication/pick.html", month=month, query=query, entries=entries,
                           form=PostForm(), limit=PICK_LIMIT)


@bp.post("/pick/<int:entry_id>")
@roles_required(*STAFF)
def pick_entry(entry_id: int) -> Any:
    """Draft a typical Q&A from one answered message, masked, and open it for editing."""
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        item = draft_from_entry(get_db(), entry_id, _actor(), month=_month())
    except PublicationError as error:
        flash(str(error), "error")
        return redirect(url_for("publication.pick", month=_month()), 303)
    get_db().commit()
    flash("已选用，请核对遮蔽后的文字再提交审签。", "info")
    return redirect(url_for("publication.item", item_id=item.id), 303)


def _get(item_id: int) -> TypicalQA:
    item = get_db().get(TypicalQA, item_id)
    if item is None:
        abort(404)
    return item


@bp.route("/<int:item_id>", methods=["GET", "POST"])
@roles_required(*READERS)
def item(item_id: int) -> Any:
    """One item: the masked text (editable by staff), the source message, review and history."""
    found, form = _get(item_id), PostForm()
    if request.method == "POST":
        if not current_user.has_role(*STAFF):
            abort(403)
        if form.validate_on_submit():
            return _save(found)
        abort(400)
    return _page(found, form)


def _save(found: TypicalQA) -> Any:
    fields = {name: (request.form.get(name) or "")[:limit] for name, limit in
              (("title", 200), ("question", 20000), ("answer", 20000),
               ("department_name", 128), ("category", 64))}
    typed = dict(fields)
    fields["policies"] = parse_policies((request.form.get("policies") or "")[:5000])
    try:
        save_edit(get_db(), found, _actor(), fields)
    except PublicationError as error:
        flash(str(error), "error")
        return _page(found, PostForm(), typed=typed), 400
    get_db().commit()
    masked = sum(getattr(found, k) != v.strip() for k, v in typed.items()
                 if k in ("title", "question", "answer"))
    flash("已保存。" + ("个人信息已自动遮蔽，请核对。" if masked else ""), "info")
    return redirect(url_for("publication.item", item_id=found.id), 303)


def _page(found: TypicalQA, form: PostForm, typed: dict | None = None) -> str:
    db = get_db()
    entry = db.get(LedgerEntry, found.ledger_entry_id) if found.ledger_entry_id else None
    case = db.get(MessageCase, found.message_case_id) if found.message_case_id else None
    return render_template(
        "publication/item.html", item=found, form=form, entry=entry, case=case,
        typed=typed or {}, policies_text=render_policies(found.policies or []),
        actions=allowed(found.state, current_user.role_code),
        editable=can("edit", found.state, current_user.role_code),
        history=_history(found), check=reply_check(found))


def _history(found: TypicalQA) -> list[tuple[datetime, str, str, str]]:
    db = get_db()
    names = dict(db.execute(select(User.id, User.display_name)).all())
    events = db.scalars(select(AuditEvent).where(AuditEvent.entity_type == "typical_qa",
                                                 AuditEvent.entity_id == str(found.id))
                        .order_by(AuditEvent.at, AuditEvent.id))
    out, seen = [], set()
    for event in events:
        key = (event.at.replace(microsecond=0), event.action, event.actor_id)  # one per step
        if key in seen:
            continue
        seen.add(key)
        label = {"create": "创建", "edit": "编辑"}.get(event.action) or \
            ACTION_LABELS.get(event.action, "其他操作")
        note = (event.detail or {}).get("note", "")
        out.append((event.at, label, names.get(event.actor_id, "系统"), note))
    return out


@bp.post("/<int:item_id>/<action>")
@roles_required(*READERS)
def step(item_id: int, action: str) -> Any:
    """Submit, approve, return, publish, unpublish or dismiss one item."""
    found = _get(item_id)
    if action not in ACTION_LABELS or action == "edit":
        abort(404)
    if not PostForm().validate_on_submit():
        abort(400)
    url = url_for("public.detail", item_id=found.id)
    try:
        act(get_db(), found, action, _actor(), note=(request.form.get("note") or "")[:500],
            url=url)
    except PublicationError as error:
        flash(str(error), "error")
        return redirect(url_for("publication.item", item_id=found.id), 303)
    get_db().commit()
    flash(f"已{ACTION_LABELS[action]}。", "info")
    return redirect(url_for("publication.item", item_id=found.id), 303)
