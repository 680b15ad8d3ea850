"""监测规则 (opinion staff and admin, the roles that may save a rule from the search page):
list the watch rules with what they hit in the last 30 days, add, edit, disable or enable,
delete (after a confirmation page), and 测试 — run the words against the last 30 days of the
index before saving. The rules themselves live in ``tracker.index``; every change is audited
there."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import Length

from tracker.index import (
    PREVIEW_DAYS,
    Query,
    RulePreview,
    SearchIndexError,
    WatchRuleError,
    create_rule,
    delete_rule,
    list_rules,
    preview_rule,
    rule_query,
    rule_stats,
    set_rule_enabled,
    update_rule,
)
from tracker.models import Source, WatchRule
from tracker.vocabulary import RoleCode
from web.admin import bp
from web.auth import roles_required
from web.db import get_db, get_settings
from web.search import KIND_NAMES, mention_index, safe_url

RULE_ROLES = (RoleCode.OPINION_STAFF, RoleCode.ADMIN)


class RuleForm(FlaskForm):
    """A rule's name, its words (the search page's query syntax) and a note."""

    name = StringField("方案名称", validators=[Length(max=128, message="方案名称不超过 128 个字")])
    query = StringField("检索式", validators=[Length(max=1000, message="检索式不超过 1000 个字")])
    description = StringField("说明（可不填）",
                              validators=[Length(max=500, message="说明不超过 500 个字")])


class PostForm(FlaskForm):
    """Only the CSRF token: enable, disable, delete."""


def source_titles() -> dict[str, str]:
    """Source code name -> its title, for showing a rule's sources in words."""
    return dict(get_db().execute(select(Source.name, Source.title)).all())


def query_words(query: Query, titles: dict[str, str]) -> list[tuple[str, str]]:
    """A rule's query as (label, words) lines a reader understands, no syntax or codes."""
    lines = []
    if query.all_words:
        lines.append(("同时包含", "、".join(query.all_words)))
    for group in query.any_groups:
        lines.append(("包含其一", "或".join(group)))
    if query.region_words:
        lines.append(("地域（至少一个）", "、".join(query.region_words)))
    if query.none_words:
        lines.append(("排除", "、".join(query.none_words)))
    if query.sources:
        lines.append(("只看来源", "、".join(titles.get(s, "未知来源") for s in query.sources)))
    if query.kinds:
        lines.append(("只看类型", "、".join(KIND_NAMES.get(k, "其他") for k in query.kinds)))
    return lines


def _rule(rule_id: int) -> WatchRule:
    return get_db().get(WatchRule, rule_id) or abort(404)


def _first_error(form: FlaskForm) -> str | None:
    errors = [e for field_errors in form.errors.values() for e in field_errors
              if not isinstance(field_errors, dict)]
    return str(errors[0]) if errors else None


@bp.get("/admin/rules")
@roles_required(*RULE_ROLES)
def rules() -> str:
    """Every watch rule: words, state, hits in the last 30 days, latest alert."""
    db = get_db()
    titles = source_titles()
    return render_template("admin/rules.html", rules=list_rules(db), stats=rule_stats(db),
                           words=lambda rule: query_words(rule_query(rule), titles),
                           days=PREVIEW_DAYS, post=PostForm())


def _preview(query_text: str) -> tuple[RulePreview | None, str | None]:
    """The 30-day preview of a query, or why there is none (a Chinese sentence)."""
    settings = get_settings()
    try:
        return preview_rule(mention_index(), query_text, timezone=settings.timezone), None
    except WatchRuleError as exc:
        return None, str(exc)
    except SearchIndexError as exc:
        current_app.logger.warning("rule preview: index unavailable: %s", exc)
        return None, "检索服务暂不可用，无法测试；规则仍可保存。"


def _save(form: RuleForm, rule: WatchRule | None) -> WatchRule:
    db = get_db()
    if rule is None:
        return create_rule(db, form.name.data, form.query.data, actor_id=current_user.id,
                           description=form.description.data)
    return update_rule(db, rule, name=form.name.data, query_text=form.query.data,
                       description=form.description.data, actor_id=current_user.id)


def _edit_page(form: RuleForm, rule: WatchRule | None, *, test: bool = False) -> Any:
    """The form; 测试 shows the preview, 保存 stores the rule (each after validation).
    ``test`` runs the stored words at once (the list's 测试 link)."""
    preview = error = None
    action = request.form.get("action")
    if test:
        preview, error = _preview(form.query.data)
    elif request.method == "POST":
        if not form.validate():
            if "csrf_token" in form.errors:
                abort(400)
            error = _first_error(form)
        elif action == "save":
            try:
                saved = _save(form, rule)
            except WatchRuleError as exc:
                get_db().rollback()
                error = str(exc)
            else:
                get_db().commit()
                flash(f"已保存监测方案「{saved.name}」。", "info")
                return redirect(url_for("admin.rules"), 303)
        else:
            preview, error = _preview(form.query.data)
    titles = source_titles()
    status = 400 if error and action == "save" else 200
    return render_template(
        "admin/rule_edit.html", form=form, rule=rule, preview=preview, error=error,
        days=PREVIEW_DAYS, safe_url=safe_url, source_titles=titles, kind_names=KIND_NAMES,
        words=query_words(preview.query, titles) if preview else []), status


@bp.route("/admin/rules/new", methods=["GET", "POST"])
@roles_required(*RULE_ROLES)
def rule_new() -> Any:
    """A new watch rule, tested before it is saved."""
    form = RuleForm(formdata=request.form if request.method == "POST" else None,
                    query=request.args.get("q", "")[:1000])
    return _edit_page(form, None)


@bp.route("/admin/rules/<int:rule_id>", methods=["GET", "POST"])
@roles_required(*RULE_ROLES)
def rule_edit(rule_id: int) -> Any:
    """Edit a rule's name, words and note; 测试 runs the words over the last 30 days."""
    rule = _rule(rule_id)
    form = RuleForm(formdata=request.form if request.method == "POST" else None,
                    name=rule.name, query=rule_query(rule).to_text(),
                    description=rule.description or "")
    return _edit_page(form, rule, test=request.method == "GET" and "test" in request.args)


@bp.post("/admin/rules/<int:rule_id>/toggle")
@roles_required(*RULE_ROLES)
def rule_toggle(rule_id: int) -> Any:
    """Disable an enabled rule, enable a disabled one (the analysis job reads only enabled)."""
    if not PostForm().validate_on_submit():
        abort(400)
    rule, db = _rule(rule_id), get_db()
    set_rule_enabled(db, rule, not rule.enabled, actor_id=current_user.id)
    db.commit()
    flash(f"已{'启用' if rule.enabled else '停用'}监测方案「{rule.name}」。", "info")
    return redirect(url_for("admin.rules"), 303)


@bp.route("/admin/rules/<int:rule_id>/delete", methods=["GET", "POST"])
@roles_required(*RULE_ROLES)
def rule_delete(rule_id: int) -> Any:
    """Ask first (GET), then delete (POST); the audit trail keeps the name and words."""
    rule, form = _rule(rule_id), PostForm()
    if request.method == "GET":
        return render_template("admin/rule_delete.html", rule=rule, form=form,
                               words=query_words(rule_query(rule), source_titles()))
    if not form.validate_on_submit():
        abort(400)
    name, db = rule.name, get_db()
    delete_rule(db, rule, actor_id=current_user.id)
    db.commit()
    flash(f"已删除监测方案「{name}」。以前记录的命中仍保留在各条信息上。", "info")
    return redirect(url_for("admin.rules"), 303)
