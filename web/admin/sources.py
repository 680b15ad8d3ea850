"""信息源管理 (admin only): list the sources, add or edit one, test-fetch a config before it is
saved, enable or disable, and a source's own page with its health and last crawls.

The rules (what a config must hold, the test fetch in a child process) live in
tracker.collection; a :class:`SourceError`'s ``label`` is what the page says.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.collection import (
    FIELD_LABELS,
    KIND_LABELS,
    STATE_LABELS,
    SourceError,
    State,
    add_source,
    edit_source,
    last_runs,
    list_sources,
    parse_config,
    preview,
    preview_notes,
    set_enabled,
)
from tracker.models import Source, SourceHealth
from tracker.vocabulary import RoleCode
from web.admin import bp
from web.auth import roles_required
from web.db import get_db

CRAWL_STATUS = {"running": "进行中", "ok": "成功", "partial": "部分完成", "failed": "失败",
                "killed": "中断"}
PREVIEW_TIMEOUT = 45.0
#: The config keys, explained on the form (key, 说明); `…` marks what is typed as is.
CONFIG_HELP = (
    ("start_urls", "列表页地址的列表，可写相对网址（相对于网站地址）。"),
    ("list.entries", "列表页上每一条所在的元素（选择器）。"),
    ("list.link", "每一条中指向详情页的链接，如 `a::attr(href)`。"),
    ("list.next", "“下一页”链接；不填则只抓第一页。"),
    ("list.max_pages", "最多翻几页（默认 1000）。"),
    ("inline", "为 `true` 时直接在列表页读取每条内容（订阅源常用），不再打开详情页。"),
    ("feed", "为 `true` 表示列表页是订阅源文件，按元素名读取。"),
    ("detail.complete", "完整的详情页一定有的元素；缺少时视为页面不完整，不保存。"),
    ("detail.records", "一个详情页含多条（如论坛帖子楼层）时，每条所在的元素。"),
    ("detail.record_id", "多条时每条自己的编号。"),
    ("id_from_url", "从详情页网址取编号的正则表达式，第一个括号为编号。"),
    ("fields", "各字段所在位置：`title` 标题、`text` 正文、`author` 作者、`published` 发布时间、"
               "`status` 办理状态、`category` 类别、`reply_text` 答复内容、"
               "`reply_department` 答复单位、`replied` 答复时间、`likes` 点赞、`dislikes` 反对、"
               "`comments` 评论、`reposts` 转发、`id` 编号、`link` 原文链接；政策文件栏目另有 "
               "`number` 发文字号、`issuer` 发文机关、`topic` 主题分类、`written` 成文日期"
               "（`published` 为发布日期）。"),
    ("css / xpath / regex", "字段可直接写选择器，也可写成对象：`css` 或 `xpath` 选择，`regex` "
                            "再截取，`all` 合并所有匹配，`markup` 表示内容本身是网页代码。"),
    ("encoding", "网页不是标准编码时所用的字符编码，如 `gbk`；以实际内容为准，不看服务器声明。"),
    ("date_formats", "时间格式列表，如 `%Y年%m月%d日 %H:%M`；常见写法可自动识别。"),
    ("relative_to", "“3小时前”这类相对时间的起点：`crawl` 为抓取时间，`page` 为网页自身时间。"),
    ("revisit", "对未答复留言定期回访：`days` 天内、最多 `max` 条。"),
    ("incremental", "默认开启：一页全是已抓过的条目时停止翻页。"),
    ("politeness", "访问节奏：`delay` 间隔秒数、`concurrency` 并发、`timeout` 超时、"
                   "`retries` 重试、`robots` 遵守网站的抓取声明等；默认已很克制。"),
    ("archive_horizon_days", "留言板的历史期限（天，默认 90）：进入台账时已超过此期限且"
                             "已答复的留言直接归档，未答复的列入历史遗留，待集中处理。"),
)
EXAMPLE = r"""{
  "start_urls": ["/hd/lb/list.asp"],
  "encoding": "gbk",
  "list": {"entries": "table.lb tr.r", "link": "td.bt a::attr(href)",
           "next": "div.fy a.next::attr(href)"},
  "id_from_url": "[?&]id=(\\d+)",
  "detail": {"complete": "div#dibu"},
  "fields": {"title": "h1", "text": "div.nr", "author": "td.lyr",
             "published": "td.lysj", "status": "span.zt",
             "reply_department": "dl.hf dt b", "reply_text": "dl.hf dd",
             "replied": {"css": "dl.hf dt",
                         "regex": "\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}"}},
  "date_formats": ["%Y年%m月%d日 %H:%M", "%Y/%m/%d %H:%M"]
}"""


class SourceForm(FlaskForm):
    """Title, kind, address, interval and config of a source, and where to test it."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return get_translations(["zh"])

    title = StringField("名称", validators=[DataRequired(message="请填写名称"),
                                           Length(max=128, message="名称最多 128 个字")])
    kind = SelectField("类型", choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()])
    base_url = StringField("网站地址", validators=[DataRequired(message="请填写网站地址"),
                                                 Length(max=512)])
    interval = IntegerField("抓取间隔（分钟）", default=30, validators=[
        InputRequired(message="请填写抓取间隔"),
        NumberRange(1, 10080, message="抓取间隔须在 1 至 10080 分钟之间")])
    config = TextAreaField("抓取配置", validators=[DataRequired(message="请填写抓取配置")])
    test_url = StringField("测试列表页（可不填，默认第一个列表页）",
                           validators=[Optional(), Length(max=1024)])
    test_detail_url = StringField("测试详情页（可不填，默认列表页第一条）",
                                  validators=[Optional(), Length(max=1024)])


class NewSourceForm(SourceForm):
    """A new source: also its code name, used by the crawl jobs."""

    name = StringField("代号", validators=[
        DataRequired(message="请填写代号"), Length(max=64, message="代号最多 64 个字符")])


class ToggleForm(FlaskForm):
    """Only the CSRF token: enable or disable."""


def _first_error(form: FlaskForm) -> str:
    """The first field error, saying which field unless the message does."""
    for field in form:
        for error in field.errors:
            label = field.label.text.split("（")[0]
            return error if label in error else f"{label}：{error}"
    return "表单填写有误，请检查后重试。"


def _source(source_id: int) -> Source:
    return get_db().get(Source, source_id) or abort(404)


def _local(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _shown(result: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, value) of each extracted field in the config's order; times as datetimes."""
    shown = []
    for key, value in result.get("fields", {}).items():
        when = _local(value) if key in ("published", "replied") else None
        shown.append((FIELD_LABELS.get(key, "其他"), when or value))
    return shown


def _test(form: SourceForm, name: str | None) -> tuple[dict[str, Any] | None, list[str]]:
    """Run the test fetch of the form's config; (result, Chinese notes or errors)."""
    try:
        config = parse_config(form.config.data or "")
        result = preview(form.kind.data, (form.base_url.data or "").strip(), config,
                         list_url=(form.test_url.data or "").strip() or None,
                         detail_url=(form.test_detail_url.data or "").strip() or None,
                         name=name, timeout=PREVIEW_TIMEOUT)
    except SourceError as exc:
        return None, [zh for _, _, zh in exc.problems]
    return result, preview_notes(result)


def _render(form: SourceForm, source: Source | None, status: int = 200,
            result: dict[str, Any] | None = None, notes: list[str] | None = None,
            errors: list[str] | None = None) -> tuple[str, int]:
    return render_template("admin/source_edit.html", form=form, source=source, result=result,
                           fields=_shown(result or {}), notes=notes or [], errors=errors or [],
                           help=CONFIG_HELP, example=EXAMPLE), status


@bp.get("/admin/sources")
@roles_required(RoleCode.ADMIN)
def source_list() -> str:
    """Every source with its kind, state, health and last crawl."""
    return render_template("admin/sources.html", rows=list_sources(get_db()),
                           toggle=ToggleForm(), KIND_LABELS=KIND_LABELS,
                           STATE_LABELS=STATE_LABELS, State=State, CRAWL_STATUS=CRAWL_STATUS)


@bp.route("/admin/sources/new", methods=["GET", "POST"])
@roles_required(RoleCode.ADMIN)
def source_new() -> Any:
    """The form for a new source: 测试抓取 shows what it extracts, 保存 adds it."""
    form, db = NewSourceForm(), get_db()
    if not form.is_submitted():
        form.config.data = form.config.data or EXAMPLE
        return _render(form, None)
    if not form.validate():
        return _render(form, None, 400, errors=[_first_error(form)])
    if request.form.get("action") == "test":
        result, notes = _test(form, form.name.data)
        return _render(form, None, 200 if result else 400, result, notes if result else [],
                       [] if result else notes)
    try:
        source = add_source(db, form.name.data.strip(), kind=form.kind.data,
                            base_url=form.base_url.data, config=parse_config(form.config.data),
                            title=form.title.data, interval=form.interval.data,
                            actor_id=current_user.id)
    except SourceError as exc:
        db.rollback()
        return _render(form, None, 400, errors=[zh for _, _, zh in exc.problems])
    db.commit()
    flash(f"已新增信息源“{source.title}”，将每 {source.interval_minutes} 分钟抓取一次。", "info")
    return redirect(url_for("admin.source_page", source_id=source.id), 303)


@bp.route("/admin/sources/<int:source_id>/edit", methods=["GET", "POST"])
@roles_required(RoleCode.ADMIN)
def source_edit(source_id: int) -> Any:
    """Edit a source; 测试抓取 tries the changed config before it is saved."""
    source, db = _source(source_id), get_db()
    form = SourceForm(data={"title": source.title, "kind": source.kind,
                            "base_url": source.base_url, "interval": source.interval_minutes,
                            "config": _config_text(source.config)})
    if not form.is_submitted():
        return _render(form, source)
    if not form.validate():
        return _render(form, source, 400, errors=[_first_error(form)])
    if request.form.get("action") == "test":
        result, notes = _test(form, source.name)
        return _render(form, source, 200 if result else 400, result,
                       notes if result else [], [] if result else notes)
    try:
        changed = edit_source(db, source, title=form.title.data.strip(), kind=form.kind.data,
                              base_url=form.base_url.data.strip(),
                              config=parse_config(form.config.data),
                              interval_minutes=form.interval.data, actor_id=current_user.id)
    except SourceError as exc:
        db.rollback()
        return _render(form, source, 400, errors=[zh for _, _, zh in exc.problems])
    db.commit()
    flash(f"已保存信息源“{source.title}”。" if changed else "信息源没有变化。", "info")
    return redirect(url_for("admin.source_page", source_id=source.id), 303)


def _config_text(config: dict[str, Any]) -> str:
    return json.dumps(config, ensure_ascii=False, indent=2)


@bp.get("/admin/sources/<int:source_id>")
@roles_required(RoleCode.ADMIN)
def source_page(source_id: int) -> str:
    """A source: what it is, its health and its last crawl runs."""
    source, db = _source(source_id), get_db()
    health = db.scalar(select(SourceHealth).where(SourceHealth.source_id == source.id))
    return render_template("admin/source.html", source=source, health=health,
                           runs=last_runs(db, source.id, 20), toggle=ToggleForm(),
                           KIND_LABELS=KIND_LABELS, STATE_LABELS=STATE_LABELS, State=State,
                           CRAWL_STATUS=CRAWL_STATUS)


@bp.post("/admin/sources/<int:source_id>/active")
@roles_required(RoleCode.ADMIN)
def source_active(source_id: int) -> Any:
    """Disable an enabled source (its crawls stop) or enable a disabled one."""
    source, db = _source(source_id), get_db()
    if not ToggleForm().validate_on_submit():
        abort(400)
    set_enabled(db, source, not source.enabled, actor_id=current_user.id)
    db.commit()
    flash(f"已{'启用' if source.enabled else '停用'}信息源“{source.title}”。", "info")
    back = request.form.get("back") == "page"
    return redirect(url_for("admin.source_page", source_id=source.id) if back
                    else url_for("admin.source_list"), 303)
