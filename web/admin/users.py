"""用户管理 (admin only): list users, add one, edit name, role, department and e-mail, disable
or enable, set a new password. The rules (the last active admin stays, a responder has a
department) live in tracker.accounts; its Chinese ``label`` is what the page says."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, Length, Optional, Regexp

from tracker.accounts import (
    AccountError,
    change_password,
    create_user,
    edit_user,
    list_users,
    set_active,
)
from tracker.models import Department, User
from tracker.vocabulary import ROLE_NAMES, RoleCode
from web.admin import bp
from web.auth import roles_required
from web.db import get_db

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="邮箱格式不正确")


class UserForm(FlaskForm):
    """Name, role, department and e-mail of a user."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return get_translations(["zh"])

    display_name = StringField("姓名", validators=[DataRequired(message="请填写姓名"),
                                                   Length(max=64)])
    role = SelectField("角色", choices=[SelectChoice(code.value, name)
                                       for code, name in ROLE_NAMES.items()])
    department = SelectField("部门", choices=[], validate_choice=True)
    email = StringField("邮箱", validators=[Optional(), Length(max=256), EMAIL])

    def with_departments(self) -> UserForm:
        """Offer the departments that exist (and none)."""
        names = get_db().scalars(select(Department.name).order_by(Department.name)).all()
        self.department.choices = [SelectChoice("", "（无）")] + [SelectChoice(n, n) for n in names]
        return self


class NewUserForm(UserForm):
    """A new user: also a username and a first password."""

    username = StringField("用户名", validators=[
        DataRequired(message="请填写用户名"), Length(max=64, message="用户名最多 64 个字符"),
        Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、点、下划线和连字符")])
    password = PasswordField("初始密码", validators=[
        DataRequired(message="请填写初始密码"),
        Length(min=8, max=256, message="密码须为 8 至 256 个字符")])


class PasswordResetForm(FlaskForm):
    """The new password an admin sets for a user."""

    password = PasswordField("新密码", validators=[
        DataRequired(message="请填写新密码"),
        Length(min=8, max=256, message="密码须为 8 至 256 个字符")])


class ToggleForm(FlaskForm):
    """Only the CSRF token: disable or enable."""


def _back(message: str, category: str = "info", to: str | None = None) -> Any:
    flash(message, category)
    return redirect(to or url_for("admin.users"), 303)


def _first_error(form: FlaskForm) -> str:
    errors = [e for field_errors in form.errors.values() for e in field_errors]
    return errors[0] if errors else "表单填写有误，请检查后重试。"


@bp.get("/admin/users")
@roles_required(RoleCode.ADMIN)
def users() -> str:
    """Every user with their actions, and the form for a new one."""
    return render_template("admin/users.html", users=list_users(get_db()),
                           form=NewUserForm().with_departments(), toggle=ToggleForm(),
                           ROLE_NAMES={code.value: name for code, name in ROLE_NAMES.items()})


@bp.post("/admin/users/new")
@roles_required(RoleCode.ADMIN)
def add_user() -> Any:
    """Add a user; the list says what happened."""
    form, db = NewUserForm().with_departments(), get_db()
    if not form.validate_on_submit():
        return _back(_first_error(form), "error")
    try:
        user = create_user(db, form.username.data, form.password.data, form.role.data,
                           form.display_name.data.strip(), form.department.data or None,
                           (form.email.data or "").strip() or None, actor_id=current_user.id)
    except AccountError as exc:
        db.rollback()
        return _back(exc.label, "error")
    db.commit()
    return _back(f"已新增用户“{user.display_name}”。")


def _user(user_id: int) -> User:
    return get_db().get(User, user_id) or abort(404)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(RoleCode.ADMIN)
def edit(user_id: int) -> Any:
    """Edit a user's name, role, department and e-mail; set a new password."""
    user, db = _user(user_id), get_db()
    form = UserForm(data={"display_name": user.display_name, "role": user.role_code,
                          "email": user.email or "",
                          "department": user.department.name if user.department else ""})
    form.with_departments()
    if form.validate_on_submit():
        try:
            changed = edit_user(db, user, form.display_name.data, form.email.data,
                                form.department.data, form.role.data, actor_id=current_user.id)
        except AccountError as exc:
            db.rollback()
            return _back(exc.label, "error", url_for("admin.edit", user_id=user_id))
        db.commit()
        return _back(f"已保存“{user.display_name}”的资料。" if changed else "资料没有变化。")
    status = 400 if form.is_submitted() else 200
    return render_template("admin/user_edit.html", user=user, form=form,
                           reset=PasswordResetForm()), status


@bp.post("/admin/users/<int:user_id>/active")
@roles_required(RoleCode.ADMIN)
def toggle_user(user_id: int) -> Any:
    """Disable an active user (their sessions end) or enable a disabled one."""
    user, db = _user(user_id), get_db()
    if not ToggleForm().validate_on_submit():
        abort(400)
    try:
        set_active(db, user, not user.active, actor_id=current_user.id)
    except AccountError as exc:
        db.rollback()
        return _back(exc.label, "error")
    db.commit()
    return _back(f"已{'启用' if user.active else '停用'}用户“{user.display_name}”。")


@bp.post("/admin/users/<int:user_id>/password")
@roles_required(RoleCode.ADMIN)
def reset_password(user_id: int) -> Any:
    """Set a new password for a user; their sessions end."""
    user, db = _user(user_id), get_db()
    form = PasswordResetForm()
    here = url_for("admin.edit", user_id=user_id)
    if not form.validate_on_submit():
        return _back(_first_error(form), "error", here)
    try:
        change_password(db, user, form.password.data, actor_id=current_user.id)
    except AccountError as exc:
        db.rollback()
        return _back(exc.label, "error", here)
    db.commit()
    return _back(f"已重置“{user.display_name}”的密码，其原有登录已失效。")
