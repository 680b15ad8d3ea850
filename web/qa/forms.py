"""Forms of the Q&A page (Chinese messages)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from web.ledger.forms import LedgerForm


class FaqForm(LedgerForm):
    """A curated question and answer."""

    question = TextAreaField("问题", validators=[DataRequired(message="请填写问题"),
                                               Length(max=4000)])
    answer = TextAreaField("答复", validators=[DataRequired(message="请填写答复"),
                                             Length(max=20000)])
    department = StringField("答复单位", validators=[Optional(), Length(max=128)])
    category = StringField("分类", validators=[Optional(), Length(max=64)])
    valid_until = DateField("有效期至", validators=[Optional()])
    citations = TextAreaField("所引政策（每行一个，填写文号或完整标题）",
                              validators=[Optional(), Length(max=4000)])


class RetireForm(LedgerForm):
    """Retire an outdated answer."""

    note = StringField("停用原因", validators=[Optional(), Length(max=500)])


class MergeForm(FlaskForm):
    """Merge a duplicate into the entry shown (the duplicate picked from the candidates)."""

    other = HiddenField(validators=[DataRequired()])
