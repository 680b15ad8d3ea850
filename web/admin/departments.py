"""部门与分办 (admin only): the department directory (add, edit, disable, enable) and the
一级分类 → department map with the automatic-assignment threshold. The rules live in
tracker.accounts; its Chinese ``label`` is what the page says."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, DecimalField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.accounts import (
    AccountError,
    category_map,
    create_department,
    edit_department,
    list_departments,
    routing_config,
    set_category_department,
    set_department_active,
    set_routing_config,
)
from tracker.ledger import queue_count
from tracker.models import Department, DepartmentReassignment, LedgerEntry
from tracker.vocabulary import RoleCode
from web.admin import bp
from web.auth import roles_required
from web.db import get_db

DEFAULT_THRESHOLD = 0.5  # analysis.routing.DEFAULT_THRESHOLD, shown when none is saved


class ZhForm(FlaskForm):
    """WTForms' own messages in Chinese."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return get_translations(["zh"])


class DepartmentForm(ZhForm):
    """A department's name, short name, parent, head and contacts."""

    name = StringField("部门名称", validators=[DataRequired(message="请填写部门名称"),
                                             Length(max=128)])
    short_name = StringField("简称", validators=[Optional(), Length(max=32)])
    parent = SelectField("上级部门", choices=[], validate_choice=True)
    head = StringField("负责人", validators=[Optional(), Length(max=64)])
    contacts = StringField("联系方式", validators=[Optional(), Length(max=256)])

    def with_parents(self, departments: list[Department], own: Department | None = None
                     ) -> DepartmentForm:
        """Offer every other department as the parent (and none)."""
        self.parent.choices = [SelectChoice("", "（无）")] + [
            SelectChoice(d.name, d.name) for d in departments if own is None or d.id != own.id]
        return self


class ToggleForm(ZhForm):
    """Only the CSRF token: disable or enable."""


class RoutingForm(ZhForm):
    """The automatic-assignment switch and threshold; the map rows come as ``map-<n>``."""

    auto_assign = BooleanField("自动分办")
    threshold = DecimalField("置信度阈值", places=2, validators=[
        Optional(), NumberRange(min=0.01, max=1, message="置信度阈值须在 0.01 至 1 之间")])


def _back(message: str, category: str = "info", to: str | None = None) -> Any:
    flash(message, category)
    return redirect(to or url_for("admin.departments"), 303)


def _first_error(form: FlaskForm) -> str:
    """The first error, named by its field (置信度阈值：不是有效的小数。)."""
    for name, errors in form.errors.items():
        if errors and name in form and name != "csrf_token":
            label = form[name].label.text
            return errors[0] if errors[0].startswith(label) else f"{label}：{errors[0]}"
    return "表单填写有误，请检查后重试。"


def _case_counts() -> dict[int, int]:
    rows = get_db().execute(select(LedgerEntry.lead_department_id, func.count())
                            .where(LedgerEntry.lead_department_id.is_not(None))
                            .group_by(LedgerEntry.lead_department_id)).all()
    return dict(rows)


@bp.get("/admin/departments")
@roles_required(RoleCode.ADMIN)
def departments() -> str:
    """Every department with its edit form, and the form for a new one."""
    db = get_db()
    depts = list_departments(db)
    edits = {d.id: DepartmentForm(prefix=f"d{d.id}", data={
        "name": d.name, "short_name": d.short_name or "", "head": d.head or "",
        "contacts": d.contacts or "", "parent": d.parent.name if d.parent else ""})
        .with_parents(depts, d) for d in depts}
    return render_template("admin/departments.html", departments=depts, edits=edits,
                           form=DepartmentForm().with_parents(depts), toggle=ToggleForm(),
                           cases=_case_counts(), tab="departments")


@bp.post("/admin/departments/new")
@roles_required(RoleCode.ADMIN)
def add_department() -> Any:
    """Add a department; the list says what happened."""
    db = get_db()
    form = DepartmentForm().with_parents(list_departments(db))
    if not form.validate_on_submit():
        return _back(_first_error(form), "error")
    try:
        dept = create_department(db, form.name.data, short_name=form.short_name.data,
                                 parent=form.parent.data, head=form.head.data,
                                 contacts=form.contacts.data, actor_id=current_user.id)
    except AccountError as exc:
        db.rollback()
        return _back(exc.label, "error")
    db.commit()
    return _back(f"已新增部门“{dept.name}”。")


def _department(department_id: int) -> Department:
    return get_db().get(Department, department_id) or abort(404)


@bp.post("/admin/departments/<int:department_id>")
@roles_required(RoleCode.ADMIN)
def edit_department_page(department_id: int) -> Any:
    """Save a department's name, short name, parent, head and contacts."""
    dept, db = _department(department_id), get_db()
    form = DepartmentForm(prefix=f"d{dept.id}").with_parents(list_departments(db), dept)
    if not form.validate_on_submit():
        return _back(_first_error(form), "error")
    try:
        changed = edit_department(db, dept, name=form.name.data,
                                  short_name=form.short_name.data or "",
                                  parent=form.parent.data or "", head=form.head.data or "",
                                  contacts=form.contacts.data or "", actor_id=current_user.id)
    except AccountError as exc:
        db.rollback()
        return _back(exc.label, "error")
    db.commit()
    return _back(f"已保存“{dept.name}”。" if changed else "资料没有变化。")


@bp.post("/admin/departments/<int:department_id>/active")
@roles_required(RoleCode.ADMIN)
def toggle_department(department_id: int) -> Any:
    """Disable an active department (offered nowhere any more) or enable a disabled one."""
    dept, db = _department(department_id), get_db()
    if not ToggleForm().validate_on_submit():
        abort(400)
    set_department_active(db, dept, not dept.active, actor_id=current_user.id)
    db.commit()
    return _back(f"已{'启用' if dept.active else '停用'}部门“{dept.name}”。")


def _map_rows(form_data=None) -> list[tuple[int, Any, list[SelectChoice]]]:
    """(row number, map row, choices) for each 一级分类 on the page."""
    active = list_departments(get_db(), active_only=True)
    rows = []
    for n, row in enumerate(category_map(get_db(), with_defaults=True)):
        choices = [SelectChoice("", "（人工分办）")] + [SelectChoice(str(d.id), d.name)
                                                   for d in active]
        if row.department is not None and not row.department.active:
            choices.append(SelectChoice(str(row.department.id), f"{row.department.name}（已停用）"))
        rows.append((n, row, choices))
    return rows


def _save_map(rows) -> int:
    db, changed = get_db(), 0
    for n, row, choices in rows:
        value = request.form.get(f"map-{n}", "")
        if value not in {c.value for c in choices}:
            raise AccountError("bad choice", "所选部门不存在，请从列表中选择。")
        wanted = int(value) if value else None
        if wanted != row.department_id:
            changed += set_category_department(db, row.category, wanted,
                                               actor_id=current_user.id)
    return changed


@bp.route("/admin/routing", methods=["GET", "POST"])
@roles_required(RoleCode.ADMIN)
def routing_map() -> Any:
    """The 一级分类 → department map, the switch and the threshold of automatic assignment."""
    db = get_db()
    config = routing_config(db)
    form = RoutingForm(data={"auto_assign": config.auto_assign, "threshold": config.threshold})
    rows = _map_rows()
    if form.validate_on_submit():
        try:
            changed = _save_map(rows)
            threshold = float(form.threshold.data) if form.threshold.data is not None else None
            changed += set_routing_config(db, threshold, bool(form.auto_assign.data),
                                          actor_id=current_user.id)
        except AccountError as exc:
            db.rollback()
            return _back(exc.label, "error", url_for("admin.routing_map"))
        db.commit()
        return _back("已保存分办设置。" if changed else "分办设置没有变化。", "info",
                     url_for("admin.routing_map"))
    if form.is_submitted():
        flash(_first_error(form), "error")
    corrections = db.scalar(select(func.count()).select_from(DepartmentReassignment)) or 0
    return render_template("admin/routing.html", form=form, rows=rows, tab="routing",
                           default_threshold=DEFAULT_THRESHOLD, queued=queue_count(db),
                           corrections=corrections), 400 if form.is_submitted() else 200
