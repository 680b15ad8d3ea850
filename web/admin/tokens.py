"""接口令牌 (admin only): the tokens other systems use on /api/v1 — list them with their
scope in words, create one (its secret shown once, on the page that answers the form, never
stored or flashed), revoke one; and a short page on how to call the API.

The rules (a token is tied to a source or a department, scopes fit the binding) live in
``tracker.accounts``; its Chinese ``label`` is what the page says.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from tracker.accounts import (
    ENTRIES,
    METRICS,
    PUSH,
    SCOPES,
    TokenError,
    create_token,
    list_tokens,
    revoke_token,
    scope_words,
)
from tracker.models import ApiToken, Department, Source
from tracker.vocabulary import RoleCode
from web.admin import bp
from web.auth import roles_required
from web.db import get_db, get_settings

#: What the token is tied to, as the form offers it.
BINDINGS = {"source": "留言来源", "department": "部门", "none": "不绑定（仅读取统计指标）"}


class CsrfForm(FlaskForm):
    """Only the CSRF token: the create and revoke forms carry their own plain fields."""


def _choices() -> dict[str, Any]:
    db = get_db()
    sources = db.execute(select(Source.name, Source.title).where(Source.kind == "board")
                         .order_by(Source.title)).all()
    departments = db.scalars(select(Department.name).order_by(Department.name)).all()
    return {"sources": sources, "departments": departments}


def _page(secret: str | None = None, made: ApiToken | None = None, status: int = 200) -> Any:
    tokens = list_tokens(get_db())
    html = render_template(
        "admin/api_tokens.html", tokens=tokens, words={t.id: scope_words(t) for t in tokens},
        form=CsrfForm(), bindings=BINDINGS, scopes=SCOPES, secret=secret, made=made,
        rate_limit=get_settings().api_rate_limit, tab="tokens", **_choices())
    headers = {"Cache-Control": "no-store"} if secret else {}
    return html, status, headers


@bp.get("/admin/api-tokens")
@roles_required(RoleCode.ADMIN)
def api_tokens() -> Any:
    """Every token with its scope, its last use and whether it is revoked."""
    return _page()


def _binding() -> dict[str, str | None]:
    """The source or department the form binds the token to (a new source by its name)."""
    kind = request.form.get("binding", "source")
    if kind == "source":
        name = (request.form.get("new_source") or "").strip() or request.form.get("source")
        if not name:
            raise TokenError("no source", "请选择或填写留言来源。")
        return {"source": name}
    if kind == "department":
        name = request.form.get("department")
        if not name:
            raise TokenError("no department", "请选择部门。")
        return {"department": name}
    if kind != "none":
        raise TokenError("unknown binding", "绑定方式无效。")
    return {}


@bp.post("/admin/api-tokens/new")
@roles_required(RoleCode.ADMIN)
def create_api_token() -> Any:
    """Create a token and show its secret this once."""
    if not CsrfForm().validate_on_submit():
        abort(400)
    db = get_db()
    scopes = tuple(s for s in request.form.getlist("scopes") if s)
    try:
        token, secret = create_token(db, request.form.get("name", ""), scopes=scopes,
                                     actor_id=current_user.id, **_binding())
    except TokenError as exc:
        db.rollback()
        flash(exc.label, "error")
        return redirect(url_for("admin.api_tokens"), 303)
    db.commit()
    return _page(secret=secret, made=token)


@bp.post("/admin/api-tokens/<int:token_id>/revoke")
@roles_required(RoleCode.ADMIN)
def revoke_api_token(token_id: int) -> Any:
    """Revoke a token: the system using it gets 401 from its next request."""
    db = get_db()
    token = db.get(ApiToken, token_id) or abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    changed = revoke_token(db, token, actor_id=current_user.id)
    db.commit()
    flash(f"已吊销令牌“{token.name}”，使用它的系统将无法再调用接口。" if changed
          else f"令牌“{token.name}”此前已吊销。")
    return redirect(url_for("admin.api_tokens"), 303)


@bp.get("/admin/api-tokens/guide")
@roles_required(RoleCode.ADMIN)
def api_guide() -> Any:
    """How other systems call the API, in Chinese; the addresses and fields are in the
    OpenAPI document the page links to."""
    return render_template("admin/api_guide.html", scopes=SCOPES, push=PUSH, entries=ENTRIES,
                           metrics=METRICS, rate_limit=get_settings().api_rate_limit,
                           tab="tokens")
