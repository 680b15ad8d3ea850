"""政策文件库: list and search policies by question, read one, add and edit (staff, admin),
import a file (admin). Responders may read.

Search goes through ``tracker.qa.search_policies`` (the question-search index); when the index
cannot answer the page says so and still lists policies from the database.
"""

from __future__ import annotations

import math
import tempfile
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from tracker.index import SearchIndexError
from tracker.models import Policy
from tracker.qa import (
    PAGE_SIZE,
    PolicyError,
    get_policy,
    import_policies,
    list_policies,
    save_policy,
    search_policies,
    validity_label,
)
from tracker.vocabulary import VALIDITY_LABELS, RoleCode
from web.auth import roles_required
from web.db import get_db, get_settings

bp = Blueprint("policies", __name__, url_prefix="/policies")
READ_ROLES = (RoleCode.OPINION_STAFF, RoleCode.LEADER, RoleCode.ADMIN, RoleCode.RESPONDER)
EDIT_ROLES = (RoleCode.OPINION_STAFF, RoleCode.ADMIN)
SEARCH_TOP = 20
MAX_PAGE = 10_000
FORM_FIELDS = ("id", "title", "issuer", "number", "written", "date", "validity", "topic",
               "url", "text")
IMPORT_SUFFIXES = (".csv", ".jsonl", ".json", ".ndjson")


class CsrfForm(FlaskForm):
    """Only the CSRF token: the policy forms carry plain fields."""


def _web_link(url: str | None) -> str | None:
    """``url`` when it is an http(s) address (only those become links)."""
    return url if url and urlsplit(url).scheme in ("http", "https") else None


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        abort(400, "页码无效。")
    return int(raw)


@bp.app_template_filter("validity_label")
def _validity_filter(code: str) -> str:
    return validity_label(code)


@bp.get("/")
@roles_required(*READ_ROLES)
def index() -> Any:
    """Search by question (``q``) or browse newest first, by validity."""
    q = request.args.get("q", "").strip()[:500]
    validity = request.args.get("validity", "")
    if validity and validity not in {v.value for v in VALIDITY_LABELS}:
        abort(400, "效力状态无效。")
    page = _page_number()
    hits, rows, total, unavailable = [], [], 0, False
    if q:
        try:
            hits = search_policies(get_db(), get_settings(), q, top=SEARCH_TOP)
        except SearchIndexError:
            unavailable = True
    if not q or unavailable:
        rows, total = list_policies(get_db(), validity=validity or None, page=page)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return render_template("policies/index.html", q=q, validity=validity, hits=hits,
                           rows=rows, total=total, page=page, pages=pages,
                           unavailable=unavailable, labels=VALIDITY_LABELS,
                           can_edit=_can_edit(), can_import=_can_import())


def _can_edit() -> bool:
    from flask_login import current_user

    return current_user.has_role(*EDIT_ROLES)


def _can_import() -> bool:
    from flask_login import current_user

    return current_user.has_role(RoleCode.ADMIN)


@bp.get("/<int:policy_id>")
@roles_required(*READ_ROLES)
def detail(policy_id: int) -> Any:
    """One policy: metadata, validity, full text, attachments."""
    policy = get_policy(get_db(), policy_id) or abort(404)
    attachments = [_attachment(a) for a in policy.attachments or []]
    return render_template("policies/detail.html", p=policy, link=_web_link(policy.url),
                           attachments=attachments, can_edit=_can_edit())


def _attachment(item: Any) -> tuple[str, str | None]:
    """(name, link) of one attachment, as a file listed it (a URL or {name, url})."""
    if isinstance(item, dict):
        url = str(item.get("url") or "")
        name = str(item.get("name") or item.get("title") or url or "附件")
    else:
        url = name = str(item)
    return name, _web_link(url)


def _form_values(policy: Policy | None) -> dict[str, str]:
    if policy is None:
        return dict.fromkeys(FORM_FIELDS, "") | {"validity": "valid"}
    return {"id": policy.import_id, "title": policy.title, "issuer": policy.issuer or "",
            "number": policy.number or "", "topic": policy.topic or "",
            "written": policy.written_on.isoformat() if policy.written_on else "",
            "date": policy.published_on.isoformat() if policy.published_on else "",
            "validity": policy.validity, "url": policy.url or "", "text": policy.text}


def _edit_page(policy: Policy | None, values: dict[str, str], status: int = 200) -> Any:
    return render_template("policies/edit.html", p=policy, v=values, form=CsrfForm(),
                           labels=VALIDITY_LABELS), status


def _save(policy: Policy | None) -> Any:
    values = {k: request.form.get(k, "").strip() for k in FORM_FIELDS}
    if not CsrfForm().validate_on_submit():
        abort(400)
    if policy is None and not values["id"]:
        values["id"] = f"manual-{uuid.uuid4().hex[:12]}"
    db = get_db()
    try:
        saved = save_policy(db, get_settings(), values, policy)
    except PolicyError as exc:
        db.rollback()
        flash(f"未保存：{exc}", "error")
        return _edit_page(policy, values, 400)
    except SearchIndexError:
        db.rollback()
        flash("未保存：检索服务暂时不可用，请稍后再试。", "error")
        return _edit_page(policy, values, 503)
    db.commit()
    flash(f"已保存政策“{saved.title}”。")
    return redirect(url_for("policies.detail", policy_id=saved.id), 303)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def new() -> Any:
    """Add a policy by hand."""
    if request.method == "POST":
        return _save(None)
    return _edit_page(None, _form_values(None))


@bp.route("/<int:policy_id>/edit", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def edit(policy_id: int) -> Any:
    """Edit a policy (its number in the import stays)."""
    policy = get_policy(get_db(), policy_id) or abort(404)
    if request.method == "POST":
        return _save(policy)
    return _edit_page(policy, _form_values(policy))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(RoleCode.ADMIN)
def import_file() -> Any:
    """Import a CSV or JSONL file; the page shows what was imported and each rejected row."""
    form = CsrfForm()
    if request.method == "GET":
        return render_template("policies/import.html", form=form, report=None)
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    suffix = Path(upload.filename or "").suffix.lower() if upload else ""
    if not upload or suffix not in IMPORT_SUFFIXES:
        flash("请选择 CSV 或 JSONL 文件。", "error")
        return render_template("policies/import.html", form=form, report=None), 400
    db = get_db()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        upload.save(path)
        try:
            report = import_policies(db, get_settings(), path)
        except PolicyError as exc:
            db.rollback()
            flash(f"未导入：{exc}", "error")
            return render_template("policies/import.html", form=form, report=None), 400
        except SearchIndexError:
            db.rollback()
            flash("未导入：检索服务暂时不可用，请稍后再试。", "error")
            return render_template("policies/import.html", form=form, report=None), 503
    db.commit()
    return render_template("policies/import.html", form=form, report=report)
