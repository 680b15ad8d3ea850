"""模型训练 (admin): each model's versions with their held-out figures, the switches of the model
in use, and 启用 to put a version (or the shipped model) in use: a rollback."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from tracker.learning import (
    KINDS,
    SHIPPED,
    ModelError,
    active_version,
    model_versions,
    switches,
    use,
)
from tracker.models import User
from tracker.vocabulary import RoleCode
from web.admin import bp
from web.auth import roles_required
from web.db import get_db

KIND_LABELS = {"sentiment": "情感判断模型", "routing": "留言分类（分办）模型"}
BY_LABELS = {"cli": "命令行", "scheduler": "每周定时任务", "retrain": "再训练"}


class UseForm(FlaskForm):
    """Put a version in use (the CSRF token and the version number, from the button)."""


def _who(by: str, by_id: int | None, names: dict[int, str]) -> str:
    if by_id is not None and by_id in names:
        return names[by_id]
    return BY_LABELS.get(by, "管理员")


@bp.get("/admin/models")
@roles_required(RoleCode.ADMIN)
def models() -> str:
    """Both models: the one in use, every trained version and the history of switches."""
    db = get_db()
    names = dict(db.execute(select(User.id, User.display_name)).all())
    kinds = []
    for kind in KINDS:
        history = switches(db, kind)
        kinds.append({"kind": kind, "label": KIND_LABELS[kind],
                      "active": active_version(db, kind), "versions": model_versions(db, kind),
                      "history": [(s.at, s.version, _who(s.by, s.by_id, names))
                                  for s in history]})
    return render_template("admin/models.html", kinds=kinds, form=UseForm(), tab="models")


@bp.post("/admin/models/<kind>/use")
@roles_required(RoleCode.ADMIN)
def model_use(kind: str) -> Any:
    """启用: put a version (or the shipped model) in use."""
    if kind not in KINDS:
        abort(404)
    if not UseForm().validate_on_submit():
        abort(400)
    version = request.form.get("version", "")
    db = get_db()
    try:
        use(db, kind, version, by="web", by_id=current_user.id)
    except ModelError:
        db.rollback()
        flash("没有这个版本，或其模型文件已不存在", "error")
        return redirect(url_for("admin.models"), 303)
    db.commit()
    which = "出厂模型" if version == SHIPPED else f"第 {version} 版"
    flash(f"{KIND_LABELS[kind]}已改用{which}", "info")
    return redirect(url_for("admin.models"), 303)
