"""The public site, without sign-in: published typical Q&A (典型问答) — list, search by
question, categories, departments and monthly batches, each answer with its related policies —
and an Atom feed and a JSON Feed for the portal to embed.

It reads only through :mod:`tracker.publication`'s public queries, which start from published
items: an item not yet published, or unpublished, is a 404 on every route. Answers are cached
by ETag (the publication version and the URL) and ``Cache-Control: public, max-age=60``: the
portal's proxy may serve a page for a minute, never longer after an item is taken down.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request
from werkzeug.exceptions import NotFound

from tracker.publication import (
    PublicFilter,
    facets,
    latest,
    public_item,
    public_page,
    version,
)
from web.db import get_db
from web.public import feeds

bp = Blueprint("public", __name__, url_prefix="/public")
MAX_AGE = 60
MAX_QUERY = 50
PAGE_CACHE_SIZE = 256


class PageCache:
    """The last pages built, by ETag (publication version + URL): a page is built once per
    change of what is published; any publish or unpublish changes the version, so a taken-down
    item is never served from here."""

    def __init__(self, size: int = PAGE_CACHE_SIZE) -> None:
        self.size, self.pages, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, tag: str) -> tuple[bytes, str] | None:
        """The page stored under ``tag``, if any."""
        with self.lock:
            if tag in self.pages:
                self.pages.move_to_end(tag)
            return self.pages.get(tag)

    def put(self, tag: str, body: bytes, mimetype: str) -> None:
        """Store a page, forgetting the least recently used beyond the size."""
        with self.lock:
            self.pages[tag] = (body, mimetype)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


def _pages() -> PageCache:
    return current_app.extensions.setdefault("yuqing.public_pages", PageCache())


def _etag() -> str:
    key = f"{version(get_db())}|{request.host_url}|{request.full_path}"
    return hashlib.sha1(key.encode()).hexdigest()


def _public(response: Response, tag: str) -> Response:
    response.set_etag(tag)
    response.cache_control.public, response.cache_control.max_age = True, MAX_AGE
    return response


@bp.before_request
def answer_from_cache() -> Response | None:
    """A client holding the current page gets a 304, a page built since the last change is
    served as built; only otherwise does the view run."""
    if request.method not in ("GET", "HEAD"):
        return None
    tag = request.environ["yuqing.etag"] = _etag()
    if tag in request.if_none_match:
        return _public(Response(status=304), tag)
    stored = _pages().get(tag)
    if stored is not None:
        return _public(Response(stored[0], mimetype=stored[1]), tag)
    return None


@bp.after_request
def cacheable(response: Response) -> Response:
    """Pages and feeds are public for a minute (and kept in the page cache); errors are
    never stored."""
    tag = request.environ.get("yuqing.etag")
    if response.status_code == 200 and tag and not response.get_etag()[0]:
        _pages().put(tag, response.get_data(), response.mimetype)
        return _public(response, tag)
    if response.status_code not in (200, 304):
        response.cache_control.no_store = True
    return response


ERROR_WORDS = {404: "您要查看的问答不存在或已不再公开。", 405: "不支持这种访问方式。",
               500: "服务暂时出现问题，请稍后再试。"}


@bp.errorhandler(NotFound)
def missing(error: NotFound) -> tuple[str, int]:
    """The public's own 404 page (nothing about whether the item exists unpublished)."""
    return error_page(error)


def error_page(error: Exception) -> tuple[str, int]:
    """A plain Chinese error page in the public site's frame (also the standalone app's)."""
    code = getattr(error, "code", None) or 500
    words = ERROR_WORDS.get(code, "无法完成这个请求。")
    return render_template("public/missing.html", code=code, words=words), code


def _text(name: str, limit: int = MAX_QUERY) -> str:
    """A query argument without control characters (PostgreSQL refuses NUL), cut to size."""
    value = "".join(ch for ch in request.args.get(name) or "" if ch.isprintable())
    return value.strip()[:limit]


def _filter() -> PublicFilter:
    page = request.args.get("page", "1")
    return PublicFilter(query=_text("q"), category=_text("category", 64),
                        department=_text("department", 128), month=_text("month", 7),
                        page=int(page) if page.isdigit() and len(page) < 7 else 1)


def _facets() -> dict[str, list[tuple[str, int]]]:
    """The list's categories, departments and months, counted once per publication version
    (every search and filter of the list shows the same ones)."""
    current = version(get_db())
    held = current_app.extensions.get("yuqing.public_facets")
    if held is None or held[0] != current:
        held = current_app.extensions["yuqing.public_facets"] = (current, facets(get_db()))
    return held[1]


@bp.get("/")
def index() -> str:
    """典型问答: search, filters and one page of published items."""
    f = _filter()
    return render_template("public/index.html", f=f, result=public_page(get_db(), f),
                           facets=_facets())


@bp.get("/qa/<int:item_id>")
def detail(item_id: int) -> str:
    """One published typical Q&A with its related policies."""
    item = public_item(get_db(), item_id)
    if item is None:
        abort(404)
    return render_template("public/detail.html", item=item)


@bp.get("/feed.atom")
def atom() -> Response:
    """The newest published items as an Atom feed."""
    body = feeds.atom(latest(get_db()), request.url_root)
    return Response(body, mimetype="application/atom+xml")


@bp.get("/feed.json")
def json_feed() -> Response:
    """The newest published items as a JSON Feed (version 1.1)."""
    body = feeds.json_feed(latest(get_db()), request.url_root)
    return Response(body, mimetype="application/feed+json")


@bp.app_template_global()
def public_query(**changes: Any) -> dict[str, Any]:
    """The list's current filters with ``changes`` applied (for links that keep them)."""
    args = {k: v for k, v in request.args.items() if k in ("q", "category", "department",
                                                             "month", "page") and v}
    args.update({k: v for k, v in changes.items()})
    return {k: v for k, v in args.items() if v not in (None, "")}
