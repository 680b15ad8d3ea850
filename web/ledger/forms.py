"""Ledger forms (Flask-WTF, CSRF-protected): new entries, one small form per action."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import get_translations
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from tracker.deadlines import CLOCK_START_LABELS, UNIT_LABELS
from tracker.ledger import APPLICANT_TYPES, MESSAGE_CHANNELS, OPINION_CHANNELS, RECEIPT_CHANNELS
from tracker.vocabulary import KIND_LABELS, LEVEL_LABELS, REPLY_TYPES, SATISFACTION
from web.inputs import YEARS_TEXT, year_ok


class LedgerForm(FlaskForm):
    """Base form: WTForms' own messages in Chinese."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return get_translations(["zh"])


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 wants SelectChoice)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


LEVEL_CHOICES = [("", "未定级")] + [(k.value, v) for k, v in LEVEL_LABELS.items()]
TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def in_years(_form: FlaskForm, field) -> None:
    """Refuse a time the deadline code cannot count from (0001-01-01, 9999-12-31, ...)."""
    if not year_ok(field.data):
        raise ValidationError(f"{field.label.text}超出范围（须在 {YEARS_TEXT}之间）")


def _time(label: str, required: bool = False) -> DateTimeLocalField:
    checks = [DataRequired(message="请填写时间")] if required else [Optional()]
    return DateTimeLocalField(label, format=TIME_FORMATS, validators=[*checks, in_years])


def _note(label: str = "备注", required: bool = False) -> TextAreaField:
    checks = [DataRequired(message=f"请填写{label}")] if required else [Optional()]
    return TextAreaField(label, validators=[*checks, Length(max=4000)])


class OpinionForm(LedgerForm):
    """Hand entry of an opinion (the same service an alert escalation uses)."""

    title = StringField("舆情标题", validators=[DataRequired(message="请填写舆情标题"),
                                            Length(max=512)])
    summary = TextAreaField("主要内容", validators=[Optional(), Length(max=20000)])
    source = StringField("来源/平台", validators=[Optional(), Length(max=128)])
    url = StringField("链接", validators=[Optional(), URL(message="链接无效"), Length(max=1024)])
    found_at = _time("发现时间", required=True)
    first_published_at = _time("首发时间")
    level = SelectField("舆情等级", choices=options(LEVEL_CHOICES), validate_choice=True)
    involved_units = StringField("涉及单位", validators=[Optional(), Length(max=512)])
    # The related mentions are picked from what this finds (checkboxes named "mention").
    mention_query = StringField("查找关联信息（输入关键词）",
                                validators=[Optional(), Length(max=100)])


class DisclosureForm(LedgerForm):
    """Registration (登记) of a disclosure application."""

    title = StringField("申请标题", validators=[DataRequired(message="请填写申请标题"),
                                            Length(max=512)])
    request = TextAreaField("申请内容", validators=[DataRequired(message="请填写申请内容"),
                                                Length(max=20000)])
    applicant = StringField("申请人", validators=[DataRequired(message="请填写申请人"),
                                               Length(max=128)])
    applicant_type = SelectField("申请人类型", choices=options((t, t) for t in APPLICANT_TYPES))
    receipt_channel = SelectField("申请方式", choices=options((c, c) for c in RECEIPT_CHANNELS))
    received_at = _time("收到时间", required=True)


class NoteForm(LedgerForm):
    """Actions that only take an optional note."""

    note = _note()


class AssessForm(LedgerForm):
    """研判."""

    level = SelectField("舆情等级", choices=options(LEVEL_CHOICES))
    note = _note("研判意见")


class AssignForm(LedgerForm):
    """交办 / 调整承办单位; department choices are filled in by the view."""

    lead_department_id = SelectField("牵头单位", default="")
    co_department_ids = SelectMultipleField("协办单位", default=list)
    responsible_user_id = SelectField("责任人（账号）", default="")
    responsible_person = StringField("责任人（姓名）", validators=[Optional(), Length(max=64)])
    note = _note("交办意见")


class SubmitForm(LedgerForm):
    """A drafted response; channel choices depend on the kind."""

    channel = SelectField("回应方式",
                          choices=options((c, c) for c in OPINION_CHANNELS + MESSAGE_CHANNELS))
    content = TextAreaField("回应内容", validators=[DataRequired(message="请填写回应内容"),
                                                Length(max=20000)])
    published_url = StringField("发布链接", validators=[Optional(), URL(), Length(max=1024)])


class ApproveForm(LedgerForm):
    """审签/审核 passed."""

    published_url = StringField("发布链接", validators=[Optional(), URL(), Length(max=1024)])
    note = _note("审签意见")


class RejectForm(LedgerForm):
    """退回修改 / 不批准延期."""

    note = _note("理由", required=True)


class FollowUpForm(LedgerForm):
    """跟踪反馈 / 回访."""

    at = _time("反馈时间")
    method = StringField("方式", validators=[DataRequired(message="请填写方式"), Length(max=32)])
    satisfaction = SelectField("满意度",
                               choices=options([("", "—")] + [(s, s) for s in SATISFACTION]))
    outcome = TextAreaField("反馈情况", validators=[DataRequired(message="请填写反馈情况"),
                                                Length(max=4000)])
    promise_kept = SelectField("承诺事项是否兑现",
                               choices=options([("", "—"), ("1", "已兑现"), ("0", "未兑现")]))


class ReasonForm(LedgerForm):
    """Actions that need a reason (重新办理, 补正, 视为撤回)."""

    reason = _note("理由", required=True)


class PublishForm(LedgerForm):
    """公开."""

    at = _time("公开时间")
    published_url = StringField("公开链接", validators=[Optional(), URL(), Length(max=1024)])


class TimeForm(LedgerForm):
    """收到补正 / 收到第三方意见."""

    at = _time("时间")


class ConsultationForm(LedgerForm):
    """征求第三方意见."""

    party = StringField("征求意见对象", validators=[DataRequired(message="请填写征求意见对象"),
                                                 Length(max=128)])
    reason = _note("说明")
    at = _time("发出时间")


class ExtensionForm(LedgerForm):
    """申请延期."""

    days = IntegerField("延长工作日", validators=[DataRequired(message="请填写天数"),
                                              NumberRange(min=1, max=40)])
    reason = _note("延期理由", required=True)


class ReplyForm(LedgerForm):
    """书面答复 (依申请公开)."""

    reply_type = SelectField("答复类型（第三十六条）",
                             choices=options([(t.code, t.label) for t in REPLY_TYPES]))
    search_done = TextAreaField("检索情况", validators=[DataRequired(message="请填写检索情况"),
                                                    Length(max=4000)])
    legal_basis = TextAreaField("法律依据", validators=[Optional(), Length(max=4000)])
    content = TextAreaField("答复内容", validators=[DataRequired(message="请填写答复内容"),
                                                Length(max=20000)])
    at = _time("答复时间")


ACTION_FORMS: dict[str, type[LedgerForm]] = {
    "assess": AssessForm, "assign": AssignForm, "reassign": AssignForm, "accept": NoteForm,
    "submit": SubmitForm, "approve": ApproveForm, "reject": RejectForm,
    "follow_up": FollowUpForm, "visit": FollowUpForm, "close": NoteForm, "archive": NoteForm,
    "review": NoteForm, "reopen": ReasonForm, "publish": PublishForm,
    "request_correction": ReasonForm, "receive_correction": TimeForm, "withdraw": ReasonForm,
    "start_consultation": ConsultationForm, "end_consultation": TimeForm,
    "request_extension": ExtensionForm, "approve_extension": NoteForm,
    "reject_extension": RejectForm, "reply": ReplyForm,
}


def form_data(form: FlaskForm, tz: tzinfo) -> dict[str, Any]:
    """The submitted values as the ledger service expects them (local times made aware)."""
    data: dict[str, Any] = {}
    for field in form:
        name = field.short_name  # without the action prefix
        if name == "csrf_token":
            continue
        value = field.data
        if isinstance(value, datetime):
            value = value.replace(tzinfo=tz)
        if name == "promise_kept":
            value = None if value in ("", None) else value == "1"
        data[name] = value
    return data


class HolidayForm(LedgerForm):
    """One day of the official schedule, entered by an admin."""

    day = StringField("日期（如 2026-10-01）", validators=[DataRequired(), Length(max=10)])
    workday = SelectField("类型", choices=options([("0", "放假"), ("1", "调休上班")]))
    name = StringField("节日名称", validators=[Optional(), Length(max=64)])
    note = StringField("备注", validators=[Optional(), Length(max=256)])


class NoticeForm(LedgerForm):
    """The State Council holiday notice, pasted whole; previewed before it is stored."""

    text = TextAreaField("通知全文", validators=[DataRequired(message="请粘贴通知全文"),
                                               Length(max=20000)])


class SlaForm(LedgerForm):
    """A configured time limit."""

    kind = SelectField("类型", choices=options((k.value, v) for k, v in KIND_LABELS.items()))
    level = SelectField("等级", choices=options([("", "任意")] + LEVEL_CHOICES[1:]))
    board = StringField("留言板（信息源名称）", validators=[Optional(), Length(max=64)])
    category = StringField("一级分类", validators=[Optional(), Length(max=64)])
    unit = SelectField("单位", choices=options((k.value, v) for k, v in UNIT_LABELS.items()))
    time_limit = IntegerField("时限", validators=[DataRequired(), NumberRange(min=1, max=3650)])
    extended_limit = IntegerField("延期后总时限", validators=[Optional(),
                                                        NumberRange(min=1, max=3650)])
    second_limit_hours = IntegerField("新闻发布会时限（小时）",
                                      validators=[Optional(), NumberRange(min=1, max=720)])
    clock_start = SelectField("起算点",
                              choices=options(CLOCK_START_LABELS.items()))
    note = StringField("说明", validators=[Optional(), Length(max=256)])
