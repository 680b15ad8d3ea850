"""Error pages: every error answers in Chinese, in the app's layout, with a way back.

HTML for pages, a JSON body for API clients (paths under ``/api/`` or a request that asks
for JSON first). The 500 page is rendered without touching the database: the request's
session is rolled back first, and the page shows the signed-in user only when Flask-Login
had already loaded them (a snapshot, no query).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, g, jsonify, render_template, request, url_for
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from tracker.vocabulary import ROLE_NAMES, RoleCode

TITLES = {400: "请求无效", 401: "请先登录", 403: "没有权限", 404: "页面不存在",
          405: "不支持此操作方式", 413: "提交的内容过大", 429: "操作过于频繁",
          500: "服务器出错了", 503: "服务暂不可用"}
MESSAGES = {
    400: "提交的内容有误，无法处理。请返回上一页检查后重试。",
    401: "请先登录后再访问此页面。",
    403: "您的账号没有权限访问此页面或执行此操作。",
    404: "您要找的页面或记录不存在，可能链接有误，或该记录已不在您的查看范围内。",
    405: "此地址不接受这种请求方式，请通过页面上的按钮或链接操作。",
    413: "提交的内容超过了允许的大小，请删减附件或文字后重试。",
    429: "操作过于频繁，请稍候片刻再试。",
    500: "服务器处理请求时出错，问题已记录。请稍后重试；如果一再出现，请联系管理员。",
    503: "服务暂时不可用，请稍后再试。",
}
CSRF_MESSAGE = ("表单安全校验未通过：页面可能已打开太久，或已在别处退出登录。"
                "请返回上一页，刷新后重新提交。")
CJK = re.compile(r"[\u4e00-\u9fff]")
# The last resort when even the error template cannot render (no layout, no database).
FALLBACK_500 = ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                "<title>服务器出错了 · yuqing</title></head><body><h1>服务器出错了</h1>"
                "<p>服务器处理请求时出错，问题已记录。请稍后重试；如果一再出现，请联系管理员。</p>"
                "<p><a href=\"/\">返回首页</a></p></body></html>")


def roles_message(codes: Iterable[str]) -> str:
    """The 403 sentence naming the roles that may use a page ("此操作仅限：领导、管理员。")."""
    return f"此操作仅限：{'、'.join(ROLE_NAMES[RoleCode(code)] for code in codes)}。"


def message_of(exc: HTTPException) -> str:
    """The Chinese sentence for ``exc``: its own description when the app wrote one."""
    if isinstance(exc, CSRFError):
        return CSRF_MESSAGE
    description = exc.description or ""
    if CJK.search(description):  # written by the app (abort(400, description="..."))
        return description
    return MESSAGES.get(exc.code or 500, "请求未能完成，请返回上一页重试。")


def wants_json() -> bool:
    """True for API clients: paths under /api/ or a request that prefers JSON."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def back_link() -> str:
    """Where "返回上一页" goes: the referring page of this site, else the home page."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if referrer and parts.netloc == request.host and parts.scheme in ("http", "https"):
        if parts.path != request.path:
            return referrer
    return url_for("home.index")


def page_context(code: int, message: str) -> dict[str, Any]:
    """What the error template shows."""
    return {"code": code, "title": TITLES.get(code, "请求未能完成"), "message": message,
            "back": back_link()}


#: The English ``code`` of a JSON error, as the API's own errors carry one (web/api/v1).
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 413: "too_large", 429: "rate_limited",
         500: "server_error", 503: "unavailable"}


def _json(code: int, message: str) -> Any:
    return jsonify(error={"code": CODES.get(code, "error"), "status": code,
                          "title": TITLES.get(code, "请求未能完成"), "message": message,
                          "field": None}), code


def http_error(exc: HTTPException) -> Any:
    """Any HTTP error (400, 403, 404, 405, 413, 429, ...) as a Chinese page or JSON body."""
    code = exc.code or 500
    message = message_of(exc)
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    if wants_json():
        body, status = _json(code, message)
        return body, status, headers
    html = render_template("errors/error.html", **page_context(code, message))
    return html, code, headers


def _rollback() -> None:
    """Roll the request's session back so nothing half-done is committed or reused."""
    session = g.get("db")
    if session is None:
        return
    try:
        session.rollback()
    except Exception:  # the connection itself may be gone; the page must still answer
        current_app.logger.exception("rollback after an error failed")


def server_error(exc: InternalServerError) -> Any:
    """The 500 page: session rolled back, no database access, the layout if it renders."""
    _rollback()
    message = MESSAGES[500]
    if wants_json():
        return _json(500, message)
    # Not render_template: its context processors may load the user from the database.
    user = g.get("_login_user") or AnonymousUserMixin()  # Flask-Login's per-request user
    try:
        template = current_app.jinja_env.get_template("errors/error.html")
        return template.render(current_user=user, **page_context(500, message)), 500
    except Exception:
        current_app.logger.exception("the 500 page did not render")
        return FALLBACK_500, 500, {"Content-Type": "text/html; charset=utf-8"}


def init_app(app: Flask) -> None:
    """Register the handlers: one for every HTTP error, one for unhandled exceptions."""
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)

