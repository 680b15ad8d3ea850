"""诉求类型 from board message titles: each type, the order they are tried in, look-alikes."""

from __future__ import annotations

import pytest

from analysis.appeal import APPEALS, NEGATIVE_APPEALS, appeal_of, counts_negative


@pytest.mark.parametrize(("title", "expected"), [
    # Titles of the TipDM 附件3 board messages, one or more per type.
    ("关于A6区月亮岛路沿线架设110KV高压电线杆的投诉", "投诉"),
    ("反映A市金毛湾配套入学的问题", "投诉"),
    ("反对A6区月亮岛路架设高压电线，强烈要求重启环境评估", "投诉"),
    ("举报A7县某小区物业公司私自收取停车费", "举报"),
    ("求助：工地拖欠农民工工资三个月", "求助"),
    ("恳请相关部门解决小区停水问题", "求助"),
    ("感谢A市公安局为群众办实事", "感谢"),
    ("关于A市地铁7号线的相关建议", "建言"),
    ("咨询A7县星沙旧城改造项目问题", "咨询"),
    ("请问A7县星沙圣力华苑出售地下车位是否合法？", "咨询"),
    ("A市外国语学校不分科的吗?", "咨询"),
    ("A市外国语学校不分科的吗？", "咨询"),  # full-width question mark
    # A problem stated without saying what kind of message it is: the title declares nothing.
    ("A市雅园小区C栋电梯都坏了半年了", None),
    ("A2区南湖路森宇家园餐馆油烟扰民", None),
    ("", None),
    (None, None),
])
def test_the_title_declares_the_appeal(title, expected):
    assert appeal_of(title) == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("请问投诉A市某物业有用吗？", "投诉"),  # a complaint asked as a question is a complaint
    ("举报并投诉A市某工地夜间施工", "举报"),
    ("感谢A市交警支队，并建议增设红绿灯", "感谢"),  # thanks first, a suggestion after
    ("建议A市何时能开通地铁？", "建言"),
    ("投诉A市某商家，谢谢", "投诉"),  # a polite close is not thanks
])
def test_the_types_are_tried_in_a_fixed_order(title, expected):
    assert appeal_of(title) == expected


def test_only_complaints_reports_and_pleas_are_negative_whatever_the_tone():
    assert NEGATIVE_APPEALS == {"投诉", "举报", "求助"} and NEGATIVE_APPEALS < set(APPEALS)
    assert counts_negative(0.99, "投诉") and counts_negative(0.99, "求助")
    assert not counts_negative(0.99, "咨询") and not counts_negative(0.99, None)
    assert counts_negative(0.2, "感谢") and counts_negative(0.2, None)  # the tone still counts
    assert counts_negative(0.55, None, negative_below=0.6)
