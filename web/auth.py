"""Sign-in, sign-out and the role check shared by every blueprint."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from tracker.accounts import authenticate
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
        self.is_active = user.active
        self.is_authenticated = True
        self.is_anonymous = False

    def get_id(self) -> str:
        """The id stored in the session."""
        return str(self.id)

    def has_role(self, *codes: str) -> bool:
        """True when the user's role is one of ``codes``."""
        return self.role_code in codes


@login_manager.user_loader
def load_user(user_id: str) -> LoginUser | None:
    """Reload the user on each request; inactive users are signed out."""
    user = get_db().get(User, int(user_id)) if user_id.isdigit() else None
    return LoginUser(user) if user is not None and user.active else None


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


def _safe_next(target: str | None) -> str | None:
    """Only follow a ``next`` that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the sign-in form and sign the user in."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        settings = get_settings()
        db = get_db()
        result = authenticate(db, form.username.data, form.password.data,
                              max_failures=settings.login_max_failures,
                              delay_seconds=settings.login_delay_seconds)
        db.commit()
        if result.ok:
            login_user(LoginUser(result.user))
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
        if result.retry_after > 0:
            flash(f"登录失败次数过多，请 {int(result.retry_after) + 1} 秒后再试。", "error")
            status = 429
        else:
            flash("用户名或密码错误。", "error")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    """Sign out (POST only, so the CSRF token protects it)."""
    logout_user()
    flash("已退出登录。", "info")
    return redirect(url_for("auth.login"))
