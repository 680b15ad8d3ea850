"""Routes of the Q&A page: search and browse (staff, leaders, admin), curate (staff, admin).

Every change is a POST with a CSRF token; a refused change (QaError) leaves nothing changed
and the page says why.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.models import utcnow
from tracker.qa import (
    FaqInput,
    QaError,
    browse,
    facets,
    flagged_ids,
    flags_for,
    get_qa_entry,
    merge,
    resolve_citations,
    retire,
    save_faq,
    similar_questions,
    sync_qa_safely,
)
from tracker.vocabulary import RoleCode
from web.auth import roles_required
from web.db import get_db, get_settings
from web.inputs import parse_id
from web.qa import bp
from web.qa.forms import FaqForm, MergeForm, RetireForm

VIEW_ROLES = (RoleCode.OPINION_STAFF, RoleCode.LEADER, RoleCode.ADMIN)
CURATE_ROLES = (RoleCode.OPINION_STAFF, RoleCode.ADMIN)
KIND_NAMES = {"board": "留言答复", "faq": "常见问题", "typical": "典型问答"}
STATUS_NAMES = {"active": "在用", "retired": "已停用", "merged": "已合并"}
VIEWS = {"": "全部在用", "flagged": "待复核", "retired": "已停用"}
SEARCH_TOP = 20


def _today() -> date:
    return datetime.now(get_settings().tz).date()


@bp.context_processor
def helpers() -> dict[str, Any]:
    """Names for codes, and whether the user may curate."""
    return {"KIND_NAMES": KIND_NAMES, "STATUS_NAMES": STATUS_NAMES, "VIEWS": VIEWS,
            "can_curate": current_user.is_authenticated
            and current_user.has_role(*CURATE_ROLES)}


def _page_number() -> int:
    number = parse_id(request.args.get("page", "1"))
    return number if number and number < 10_000 else 1


@bp.get("/")
@roles_required(*VIEW_ROLES)
def index() -> str:
    """Search by question, or browse by category, department, kind and view."""
    db, q = get_db(), request.args.get("q", "").strip()[:500]
    args = {k: request.args.get(k, "").strip()[:128] for k in ("category", "department",
                                                               "kind", "view")}
    if q:
        hits = similar_questions(db, get_settings(), q, top=SEARCH_TOP, today=_today())
        return render_template("qa/index.html", q=q, hits=hits, page=None, args=args,
                               facets=facets(db), flags={})
    view = args["view"] if args["view"] in VIEWS else ""
    page = browse(db, category=args["category"], department=args["department"],
                  kind=args["kind"] if args["kind"] in KIND_NAMES else "",
                  status="retired" if view == "retired" else "active",
                  only=flagged_ids(db, _today()) if view == "flagged" else None,
                  page=_page_number())
    return render_template("qa/index.html", q=q, hits=None, page=page, args=args,
                           facets=facets(db), flags=flags_for(db, page.entries, _today()))


def _entry(entry_id: int):
    try:
        return get_qa_entry(get_db(), entry_id)
    except QaError:
        abort(404)


def _entry_page(entry, status: int = 200):
    db = get_db()
    candidates = [h for h in similar_questions(db, get_settings(), entry.question, top=6,
                                               today=_today()) if h.id != entry.id][:5]
    flag = flags_for(db, [entry], _today()).get(entry.id)
    return render_template("qa/entry.html", entry=entry, flag=flag, candidates=candidates,
                           retire_form=RetireForm(), merge_form=MergeForm()), status


@bp.get("/<int:entry_id>")
@roles_required(*VIEW_ROLES)
def entry(entry_id: int) -> Any:
    """One entry: question, answer, askings, cited policies, possible duplicates."""
    return _entry_page(_entry(entry_id))


def _save(form: FaqForm, entry_id: int | None):
    db = get_db()
    data = FaqInput(form.question.data or "", form.answer.data or "", form.department.data,
                    form.category.data, form.valid_until.data,
                    resolve_citations(db, form.citations.data or ""))
    return save_faq(db, data, current_user.id, entry_id=entry_id)


def _reindex(since) -> None:
    """Put what a change touched into the qa index (reported in the log if it is down)."""
    result = sync_qa_safely(get_db(), get_settings(), since)
    get_db().commit()
    if "unavailable" in result:
        current_app.logger.warning("qa index not updated: %s", result["unavailable"])


def _form_page(form: FaqForm, entry=None) -> Any:
    if form.validate_on_submit():
        started = utcnow()
        try:
            saved = _save(form, entry.id if entry else None)
        except QaError as exc:
            get_db().rollback()
            flash(str(exc), "error")
            return render_template("qa/form.html", form=form, entry=entry), 400
        get_db().commit()
        _reindex(started)
        flash("已保存。", "info")
        return redirect(url_for("qa.entry", entry_id=saved.id), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("qa/form.html", form=form, entry=entry), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CURATE_ROLES)
def new() -> Any:
    """Add a curated question and answer (常见问题)."""
    return _form_page(FaqForm())


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@roles_required(*CURATE_ROLES)
def edit(entry_id: int) -> Any:
    """Edit an entry's question, answer, department, category, validity and citations."""
    item = _entry(entry_id)
    form = FaqForm(obj=item) if request.method == "GET" else FaqForm()
    if request.method == "GET":
        form.citations.data = "\n".join(p.number or p.title for p in item.policies)
    return _form_page(form, item)


def _change(entry_id: int, action) -> Any:
    started = utcnow()
    try:
        action()
    except QaError as exc:
        get_db().rollback()
        flash(str(exc), "error")
        return _entry_page(_entry(entry_id), 400)
    get_db().commit()
    _reindex(started)
    flash("已完成。", "info")
    return redirect(url_for("qa.entry", entry_id=entry_id), 303)


@bp.post("/<int:entry_id>/retire")
@roles_required(*CURATE_ROLES)
def retire_entry(entry_id: int) -> Any:
    """Retire an outdated answer (kept, no longer suggested)."""
    _entry(entry_id)
    form = RetireForm()
    if not form.validate_on_submit():
        abort(400)
    return _change(entry_id, lambda: retire(get_db(), entry_id, current_user.id,
                                            form.note.data or ""))


@bp.post("/<int:entry_id>/merge")
@roles_required(*CURATE_ROLES)
def merge_entry(entry_id: int) -> Any:
    """Merge a duplicate into this entry (its askings move here)."""
    _entry(entry_id)
    form = MergeForm()
    other = parse_id(form.other.data) if form.validate_on_submit() else None
    if other is None:
        abort(400)
    return _change(entry_id, lambda: merge(get_db(), entry_id, other, current_user.id))
