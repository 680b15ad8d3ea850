"""Sources an admin manages: list, add, edit, enable or disable, check a config, test-fetch.

A source is a row in ``sources`` whose ``config`` tells the generic spider of its kind how to
read the site (the keys are documented in ``crawlers/spiders/base.py`` and, in Chinese, on the
信息源管理 page). :func:`check_config` refuses a config the spider could not run, naming the key.
:func:`preview` runs ``python -m crawlers.preview`` in a child process (the tracker never
imports Scrapy): one list page and one detail page are fetched, nothing is stored.
"""

from __future__ import annotations

import codecs
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.collection.crawlruns import UnknownSource, get_source
from tracker.models import CrawlRun, Source, SourceHealth, audit
from tracker.models.sources import SourceKind
from tracker.ops import child_env

KIND_LABELS = {"board": "留言板", "news": "新闻网站", "rss": "订阅源", "forum": "论坛",
               "policy": "政策文件栏目"}
NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
#: Field names the spiders fill (crawlers/items.py ALL_FIELDS) plus the item's own id and link.
FIELDS = ("title", "text", "author", "category", "status", "reply_text", "reply_department",
          "published", "replied", "likes", "dislikes", "comments", "reposts", "id", "link",
          "number", "issuer", "topic", "written")
#: What each kind must extract for an item to be stored (crawlers/items.py REQUIRED).
REQUIRED = {"board": ("title", "text", "published"), "news": ("title", "text"),
            "rss": ("title",), "forum": ("text",), "policy": ("title", "text")}
POLITENESS = ("delay", "concurrency", "autothrottle", "retries", "backoff", "timeout",
              "max_bytes", "robots", "user_agent", "max_redirects")
TOP_KEYS = ("start_urls", "list", "inline", "feed", "detail", "id_from_url", "fields",
            "encoding", "date_formats", "relative_to", "revisit", "incremental", "politeness",
            "archive_horizon_days")
LIST_KEYS = ("entries", "link", "next", "max_pages")
DETAIL_KEYS = ("complete", "records", "record_id")
SPEC_KEYS = ("css", "xpath", "regex", "all", "markup")
PREVIEW_TIMEOUT = 60.0
REPO_ROOT = Path(__file__).resolve().parents[2]


class SourceError(ValueError):
    """A source cannot be saved or tested as asked.

    ``problems`` holds (key, English, Chinese) triples: ``str()`` lists the English ones for
    the CLI, ``label`` the Chinese ones for the page.
    """

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{key}: {en}" if key else en for key, en, _ in problems))

    @property
    def label(self) -> str:
        """The problems in Chinese, one sentence each."""
        return "".join(zh for _, _, zh in self.problems)


@dataclass(frozen=True)
class SourceRow:
    """A source with its health and its last crawl run, for the lists."""

    source: Source
    health: SourceHealth | None
    last_run: CrawlRun | None


class _Checker:
    """Collects the problems of one config."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str, str]] = []

    def add(self, key: str, en: str, zh: str) -> None:
        """Note one problem with ``key``."""
        self.problems.append((key, en, zh))

    def keys(self, where: str, value: dict[str, Any], known: tuple[str, ...]) -> None:
        """Name every key of ``value`` that is not ``known``."""
        for key in value:
            if key not in known:
                self.add(f"{where}{key}", f"unknown key (known: {', '.join(known)})",
                         f"配置项“{where}{key}”无法识别。")

    def spec(self, key: str, spec: Any) -> None:
        """A CSS string, or a dict with css or xpath (plus regex, all, markup)."""
        if isinstance(spec, str):
            spec = {"css": spec}
        if not isinstance(spec, dict) or ("css" in spec) == ("xpath" in spec):
            self.add(key, "must be a CSS selector or an object with css or xpath",
                     f"“{key}”须为选择器，或含 css / xpath 之一的对象。")
            return
        self.keys(f"{key}.", spec, SPEC_KEYS)
        selector = spec.get("css", spec.get("xpath"))
        problem = _selector_problem("css" if "css" in spec else "xpath", selector)
        if problem:
            self.add(key, f"bad selector {selector!r}: {problem}", f"“{key}”的选择器写法有误。")
        if "regex" in spec:
            self.regex(f"{key}.regex", spec["regex"])

    def regex(self, key: str, pattern: Any) -> None:
        """A regular expression that compiles."""
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            self.add(key, f"bad regular expression: {exc}", f"“{key}”的正则表达式有误。")


def _selector_problem(kind: str, selector: Any) -> str | None:
    """Why ``selector`` is not a valid CSS (with ::text, ::attr) or XPath selector, or None."""
    if not isinstance(selector, str) or not selector.strip():
        return "empty"
    # parsel (Scrapy's selector library, not Scrapy) knows the ::text and ::attr() extensions.
    from lxml import etree
    from parsel.csstranslator import HTMLTranslator
    try:
        xpath = HTMLTranslator().css_to_xpath(selector) if kind == "css" else selector
        etree.XPath(xpath)
    except Exception as exc:  # cssselect and lxml raise several kinds of error
        return f"{type(exc).__name__}: {str(exc)[:120]}"
    return None


def check_url(base_url: Any) -> list[tuple[str, str, str]]:
    """Problems of a base URL: it must be http(s) with a host."""
    parts = urlsplit(base_url) if isinstance(base_url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return [("base_url", f"{base_url!r} is not an http(s) address with a host",
                 "网址须以 http:// 或 https:// 开头并含主机名。")]
    return []


def check_config(kind: str, base_url: str, config: Any) -> None:
    """Raise :class:`SourceError` naming each key the spider of ``kind`` could not use."""
    if kind not in KIND_LABELS:
        raise SourceError([("kind", f"unknown kind {kind!r} (known: {', '.join(SourceKind)})",
                            "类型无效，请在留言板、新闻网站、订阅源、论坛中选择。")])
    checker = _Checker()
    checker.problems += check_url(base_url)
    if not isinstance(config, dict):
        checker.add("config", "must be a JSON object", "配置须为一个对象（花括号括起）。")
        raise SourceError(checker.problems)
    checker.keys("", config, TOP_KEYS)
    _check_start(checker, config)
    _check_list(checker, config)
    _check_fields(checker, kind, config)
    _check_rest(checker, config)
    if checker.problems:
        raise SourceError(checker.problems)


def _check_start(checker: _Checker, config: dict[str, Any]) -> None:
    urls = config.get("start_urls")
    if not isinstance(urls, list) or not urls or not all(
            isinstance(u, str) and u.strip() for u in urls):
        checker.add("start_urls", "missing: a list of list-page addresses",
                    "缺少“start_urls”：须列出至少一个列表页地址。")


def _check_list(checker: _Checker, config: dict[str, Any]) -> None:
    listing = config.get("list")
    if not isinstance(listing, dict):
        checker.add("list", "missing: an object with entries (and link)",
                    "缺少“list”：须说明列表页上每条的位置（entries）。")
        return
    checker.keys("list.", listing, LIST_KEYS)
    if "entries" not in listing:
        checker.add("list.entries", "missing", "缺少“list.entries”：列表页上每条的位置。")
    for key in ("entries", "link", "next"):
        if key in listing:
            checker.spec(f"list.{key}", listing[key])
    if not config.get("inline") and "link" not in listing:
        checker.add("list.link", "missing (or set inline for records read on the list page)",
                    "缺少“list.link”：每条链接到详情页的地址。")
    pages = listing.get("max_pages", 1)
    if not isinstance(pages, int) or isinstance(pages, bool) or pages < 1:
        checker.add("list.max_pages", "must be a whole number of at least 1",
                    "“list.max_pages”须为不小于 1 的整数。")


def _check_fields(checker: _Checker, kind: str, config: dict[str, Any]) -> None:
    fields = config.get("fields")
    if not isinstance(fields, dict):
        checker.add("fields", "missing: an object of field selectors",
                    "缺少“fields”：须说明各字段（标题、正文等）的位置。")
        return
    for name, spec in fields.items():
        if name not in FIELDS:
            checker.add(f"fields.{name}", f"unknown field (known: {', '.join(FIELDS)})",
                        f"字段“{name}”无法识别。")
        else:
            checker.spec(f"fields.{name}", spec)
    for name in REQUIRED[kind]:
        if name not in fields:
            checker.add(f"fields.{name}", f"missing: a {kind} source needs it",
                        f"缺少字段“fields.{name}”：{KIND_LABELS[kind]}必须提取{FIELD_LABELS[name]}。")
    detail = config.get("detail") or {}
    has_id = ("id_from_url" in config or "id" in fields
              or (isinstance(detail, dict) and "record_id" in detail))
    if not has_id:
        checker.add("id_from_url", "missing: set id_from_url (a regex) or fields.id",
                    "缺少编号规则：请填写“id_from_url”（从网址取编号）或字段“fields.id”。")


def _check_rest(checker: _Checker, config: dict[str, Any]) -> None:
    detail = config.get("detail", {})
    if not isinstance(detail, dict):
        checker.add("detail", "must be an object", "“detail”须为一个对象。")
    else:
        checker.keys("detail.", detail, DETAIL_KEYS)
        for key in DETAIL_KEYS:
            if key in detail:
                checker.spec(f"detail.{key}", detail[key])
    if "id_from_url" in config:
        checker.regex("id_from_url", config["id_from_url"])
    if "encoding" in config:
        try:
            codecs.lookup(config["encoding"])
        except (LookupError, TypeError):
            checker.add("encoding", f"unknown encoding {config['encoding']!r}",
                        "“encoding”不是可识别的字符编码（如 gbk、utf-8）。")
    formats = config.get("date_formats", [])
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        checker.add("date_formats", "must be a list of strptime formats",
                    "“date_formats”须为日期格式的列表。")
    if config.get("relative_to", "crawl") not in ("crawl", "page"):
        checker.add("relative_to", "must be crawl or page", "“relative_to”只能是 crawl 或 page。")
    horizon = config.get("archive_horizon_days", 1)
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        checker.add("archive_horizon_days", "must be a whole number of days, at least 1",
                    "“archive_horizon_days”须为不小于 1 的整天数。")
    politeness = config.get("politeness", {})
    if not isinstance(politeness, dict):
        checker.add("politeness", "must be an object", "“politeness”须为一个对象。")
    else:
        checker.keys("politeness.", politeness, POLITENESS)


FIELD_LABELS = {"title": "标题", "text": "正文", "author": "作者", "category": "类别",
                "status": "办理状态", "published": "发布时间", "replied": "答复时间",
                "reply_text": "答复内容", "reply_department": "答复单位", "likes": "点赞数",
                "dislikes": "反对数", "comments": "评论数", "reposts": "转发数", "id": "编号",
                "link": "原文链接", "number": "发文字号", "issuer": "发文机关", "topic": "主题分类",
                "written": "成文日期"}


def parse_config(text: str) -> dict[str, Any]:
    """A config from JSON text; :class:`SourceError` says where the JSON is broken."""
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"配置不是有效的格式：第 {exc.lineno} 行第 {exc.colno} 列有误。"
        raise SourceError([("config", f"not valid JSON: {exc}", where)]) from None
    return config


def _check_name(session: Session, name: str) -> None:
    if not NAME.match(name or ""):
        raise SourceError([("name", "must be 2-64 lower-case letters, digits or _ "
                            "and start with a letter",
                            "代号须为 2 至 64 个小写字母、数字或下划线，并以字母开头。")])
    if session.scalar(select(Source.id).where(Source.name == name)) is not None:
        raise SourceError([("name", f"a source named {name!r} exists", "该代号已被使用。")])


def _check_basics(title: str, interval: int) -> None:
    problems = []
    if not (title or "").strip() or len(title) > 128:
        problems.append(("title", "must be 1-128 characters", "名称须为 1 至 128 个字。"))
    if not 1 <= interval <= 10080:
        problems.append(("interval", "must be 1-10080 minutes",
                         "抓取间隔须在 1 至 10080 分钟之间。"))
    if problems:
        raise SourceError(problems)


def add_source(session: Session, name: str, *, kind: str, base_url: str,
               config: dict[str, Any], title: str | None = None, interval: int = 30,
               actor_id: int | None = None) -> Source:
    """Create a source after checking its name, title, interval and config."""
    _check_name(session, name)
    title = (title or name).strip()
    _check_basics(title, interval)
    check_config(kind, base_url, config)
    source = Source(name=name, title=title, kind=kind, base_url=base_url.strip(),
                    config=config, interval_minutes=interval, enabled=True)
    session.add(source)
    session.flush()
    audit.record(session, entity_type="source", entity_id=source.id, action="create",
                 actor_id=actor_id, detail={"name": name, "kind": kind})
    return source


def edit_source(session: Session, source: Source, *, actor_id: int | None = None,
                **changes: Any) -> bool:
    """Change title, kind, base_url, config or interval_minutes; True if anything changed."""
    wanted = {key: value for key, value in changes.items() if value is not None}
    merged = {key: wanted.get(key, getattr(source, key)) for key in
              ("title", "kind", "base_url", "config", "interval_minutes")}
    _check_basics(merged["title"], merged["interval_minutes"])
    check_config(merged["kind"], merged["base_url"], merged["config"])
    diff = {key: (getattr(source, key), value) for key, value in merged.items()
            if getattr(source, key) != value}
    for key, (_, value) in diff.items():
        setattr(source, key, value)
    if diff:
        logged = {k: (o, n) for k, (o, n) in diff.items() if k != "config"}
        if "config" in diff:
            logged["config"] = ("…", "changed")
        audit.record(session, entity_type="source", entity_id=source.id, action="edit",
                     actor_id=actor_id, changes=logged)
    return bool(diff)


def set_enabled(session: Session, source: Source, enabled: bool,
                actor_id: int | None = None) -> bool:
    """Enable or disable a source (the scheduler adds or drops its crawl); True if changed."""
    if source.enabled == enabled:
        return False
    audit.record(session, entity_type="source", entity_id=source.id,
                 action="enable" if enabled else "disable", actor_id=actor_id,
                 changes={"enabled": (source.enabled, enabled)})
    source.enabled = enabled
    return True


def find_source(session: Session, name: str) -> Source:
    """The source called ``name``; :class:`SourceError` if there is none."""
    try:
        return get_source(session, name)
    except UnknownSource as exc:
        raise SourceError([("name", str(exc), "没有这个信息源。")]) from None


def list_sources(session: Session) -> list[SourceRow]:
    """Every source (by title) with its health and its last crawl run."""
    health = {h.source_id: h for h in session.scalars(select(SourceHealth))}
    rows = []
    for source in session.scalars(select(Source).order_by(Source.title, Source.id)):
        runs = last_runs(session, source.id, 1)
        rows.append(SourceRow(source, health.get(source.id), runs[0] if runs else None))
    return rows


def last_runs(session: Session, source_id: int, limit: int = 10) -> list[CrawlRun]:
    """The source's most recent crawl runs, newest first."""
    return list(session.scalars(select(CrawlRun).where(CrawlRun.source_id == source_id)
                                .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
                                .limit(limit)))


def preview(kind: str, base_url: str, config: dict[str, Any], *, list_url: str | None = None,
            detail_url: str | None = None, name: str | None = None,
            timeout: float = PREVIEW_TIMEOUT) -> dict[str, Any]:
    """Fetch one list page and its first entry's detail page (or just ``detail_url``) as the
    crawl would, in a child process, and return what was extracted; nothing is stored."""
    check_config(kind, base_url, config)
    for key, url in (("list_url", list_url), ("detail_url", detail_url)):
        if url and not url.startswith("/"):
            problems = check_url(url)
            if problems:
                raise SourceError([(key, problems[0][1],
                                    "测试网址须以 http:// 或 https:// 开头。")])
    request = {"kind": kind, "base_url": base_url, "config": config, "list_url": list_url,
               "detail_url": detail_url, "name": name, "timeout": max(timeout - 10, 5)}
    try:
        done = subprocess.run([sys.executable, "-m", "crawlers.preview"], cwd=REPO_ROOT,
                              env=child_env(), input=json.dumps(request), text=True,
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise SourceError([("url", f"the test fetch took longer than {timeout:.0f} s",
                            "测试抓取超时，请检查网址或稍后再试。")]) from None
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1][:300]
        raise SourceError([("url", f"the test fetch failed: {tail}",
                            "测试抓取失败，请检查配置与网址。")]) from None


REJECTIONS = {
    "missing title and text": "标题和正文都没有取到", "missing id": "没有取到编号",
    "reply without reply time": "取到了答复内容，却没有取到答复时间",
    "reply time without reply text": "取到了答复时间，却没有取到答复内容",
    "reply before receipt": "答复时间早于留言时间", "missing submitted time": "没有取到发布时间",
}
PAGE_PROBLEMS = {
    "truncated": "详情页不完整（没有找到“detail.complete”所指的元素）",
    "no_id": "页面上没有取到编号（检查“id_from_url”或“fields.id”）",
    "timeout": "页面响应超时", "connection": "无法连接网站", "dns": "网址的主机名无法解析",
    "too_large": "页面过大", "redirect_loop": "页面循环跳转",
}


def preview_notes(result: dict[str, Any]) -> list[str]:
    """What a test fetch's result means, in Chinese sentences (empty when all is well)."""
    notes = [_page_note(p["kind"]) for p in result.get("problems", [])]
    listing = result.get("list")
    if listing is not None and not listing.get("entries"):
        notes.append("列表页上没有找到任何条目（检查“list.entries”）。")
    if not result.get("items") and not notes:
        notes.append("没有提取到任何条目。")
    rejected = result.get("rejected")
    if rejected:
        notes.append(f"抓取时这一条不会被保存：{_rejection(rejected)}。")
    return list(dict.fromkeys(notes))


def _page_note(kind: str) -> str:
    if kind.startswith("http_"):
        return f"页面返回错误（状态码 {kind[5:]}）。"
    return PAGE_PROBLEMS.get(kind, "页面无法获取") + "。"


def _rejection(reason: str) -> str:
    if reason in REJECTIONS:
        return REJECTIONS[reason]
    name = reason.removeprefix("missing ")
    if reason.startswith("missing ") and name in FIELD_LABELS:
        return f"没有取到{FIELD_LABELS[name]}"
    name = reason.split(":", 1)[0]
    if name in ("published", "replied"):
        return f"{FIELD_LABELS[name]}无法识别（检查“date_formats”）"
    return "内容不符合保存要求"
