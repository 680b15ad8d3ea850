"""Sign-in, sign-out, the password page and the role check shared by every blueprint.

A session holds the user's id and session version ("id:version", Flask-Login's alternative
id); raising the version in the database (``tracker.accounts.end_sessions``: sign-out, a new
password, disabling, a new role) ends every session of that user.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.middleware.proxy_fix import ProxyFix
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.accounts import LoginResult, authenticate, change_password, end_sessions
from tracker.models import User
from web.db import get_db, get_settings

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.session_protection = "strong"


class LoginUser:
    """The signed-in user as Flask-Login sees it: a detached snapshot of the row."""

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.username = user.username
        self.display_name = user.display_name
        self.role_code = user.role_code
        self.department_id = user.department_id
        self.session_version = user.session_version
        self.is_active = user.active
        self.is_authenticated = True
        self.is_anonymous = False

    def get_id(self) -> str:
        """The id stored in the session: the user's id and session version."""
        return f"{self.id}:{self.session_version}"

    def has_role(self, *codes: str) -> bool:
        """True when the user's role is one of ``codes``."""
        return self.role_code in codes


@login_manager.user_loader
def load_user(session_id: str) -> LoginUser | None:
    """Reload the user on each request; inactive users and stale sessions are signed out."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = get_db().get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return LoginUser(user)


@bp.record_once
def trust_proxies(state: Any) -> None:
    """Behind ``proxy_hops`` trusted proxies, take the client's address from X-Forwarded-For
    (the sign-in slow-down counts failures per address)."""
    hops = state.app.extensions["yuqing.settings"].proxy_hops
    if hops:
        state.app.wsgi_app = ProxyFix(state.app.wsgi_app, x_for=hops)


def client_address() -> str:
    """The address failed sign-ins are counted against."""
    return request.remote_addr or ""


def roles_required(*codes: str) -> Callable:
    """Allow the view only to signed-in users holding one of ``codes``; others get a 403
    whose page names, in Chinese, the roles that may use it."""
    from web.errors import roles_message

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*codes):
                abort(403, description=roles_message(codes))
            return view(*args, **kwargs)

        return wrapped

    return decorator


class LoginForm(FlaskForm):
    """Username and password, with the CSRF token."""

    username = StringField("用户名", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(), Length(max=256)])


class PasswordForm(FlaskForm):
    """The signed-in user's current password and the new one, twice."""

    current = PasswordField("当前密码", validators=[
        DataRequired(message="请填写当前密码"), Length(max=256)])
    new = PasswordField("新密码", validators=[
        DataRequired(message="请填写新密码"),
        Length(min=8, max=256, message="新密码须为 8 至 256 个字符")])
    confirm = PasswordField("再次输入新密码", validators=[
        DataRequired(message="请再次输入新密码"),
        EqualTo("new", message="两次输入的新密码不一致")])


def _safe_next(target: str | None) -> str | None:
    """Only follow a ``next`` that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


def _check(username: str, password: str) -> LoginResult:
    """Authenticate from this client with the configured slow-down; the failure is committed."""
    settings, db = get_settings(), get_db()
    result = authenticate(db, username, password, client=client_address(),
                          max_failures=settings.login_max_failures,
                          delay_seconds=settings.login_delay_seconds)
    db.commit()
    return result


def _refusal(result: LoginResult, wrong: str) -> int:
    """Flash why the password was refused; the status to answer with."""
    if result.retry_after > 0:
        flash(f"登录失败次数过多，请 {math.ceil(result.retry_after)} 秒后再试。", "error")
        return 429
    flash(wrong, "error")
    return 401


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the sign-in form and sign the user in."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = _check(form.username.data, form.password.data)
        if result.ok:
            login_user(LoginUser(result.user))
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
        status = _refusal(result, "用户名或密码错误。")
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    """Sign out everywhere (POST only, so the CSRF token protects it)."""
    db = get_db()
    user = db.get(User, current_user.id)
    if user is not None:
        end_sessions(db, user)
        db.commit()
    logout_user()
    flash("已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> Any:
    """修改密码: the current password, then the new one; other sessions of the user end."""
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        result = _check(current_user.username, form.current.data)
        if result.ok:
            db = get_db()
            change_password(db, result.user, form.new.data, actor_id=result.user.id)
            db.commit()
            login_user(LoginUser(result.user))  # this session goes on, with the new version
            flash("密码已修改，其他设备上的登录已失效。", "info")
            return redirect(url_for("home.index"), 303)
        status = _refusal(result, "当前密码错误。")
        status = 400 if status == 401 else status  # signed in: a wrong password is bad input
    elif request.method == "POST":
        status = 400
    return render_template("auth/password.html", form=form), status
