"""Reply checks: each defect on hand-made and real 附件4 replies, and relevance against others."""

from __future__ import annotations

import pytest

from analysis import reply_text
from analysis.reply_quality import ReplyCorpus, check_reply
from tests.analysis.conftest import read_rows

PLACES = ["梨子山", "洋湖", "万国城", "景蓉华苑", "桂花坪", "砂子塘", "六都国际", "阳光锦城",
          "福元西路", "潇楚南路", "向阳路", "新长海广场", "汽车东站", "竹站村", "铁炉湾",
          "月门坳", "清水塘", "英祥", "珠江", "东塘"]
TEMPLATE = ("网友您好！您的留言已收悉。现回复如下：您反映的{p}问题，我单位高度重视，已安排工作人员"
            "进行调查核实，将依法依规处理，确保群众合法权益不受侵害。如有疑问请拨打0731-88888888。"
            "感谢您对我们工作的支持！")
GOOD = ("网友您好！您反映的东塘小区3栋门口下水道堵塞的问题已收悉。现回复如下：经现场核实，"
        "该处管道因油污淤积堵塞。我局已于5月10日安排维修队疏通管道并更换破损井盖，目前排水已恢复"
        "正常。根据《A市城市排水管理条例》第十二条，小区内部管网由物业负责日常维护，我局已约谈"
        "物业公司，要求每季度清掏一次。如再出现堵塞，可拨打排水服务电话0731-84411234。感谢您的监督！")
GOOD_MESSAGE = "东塘小区3栋门口下水道堵塞，污水横流，什么时候能修好？"


@pytest.fixture(scope="module")
def fj4(data_dir):
    """附件4 even-id rows by 留言编号."""
    rows = read_rows(data_dir / "tipdm2020c_fj4_replies" / "fujian4_messages_replies_even_ids.csv")
    return {r["留言编号"]: r for r in rows}


def message(row: dict[str, str]) -> str:
    return row["留言主题"] + "。" + row["留言详情"]


def has(check, words: str) -> bool:
    return any(words in p for p in check.problems)


def test_a_good_hand_made_reply_has_no_problem():
    check = check_reply(GOOD_MESSAGE, GOOD)
    assert check.problems == ()
    assert check.relevance > 0.8 and check.interpretability == 1.0
    assert check.completeness >= 0.85 and check.score > 0.8
    assert any("东塘小区" in f for f in check.findings)


@pytest.mark.parametrize("ident", ["9764", "10330", "5236"])
def test_good_real_replies_are_not_flagged(fj4, ident):
    row = fj4[ident]
    check = check_reply(message(row), row["答复意见"], others=[r["答复意见"] for r in fj4.values()])
    assert check.problems == (), check.problems
    assert check.score > 0.75


def test_a_template_used_for_twenty_questions_is_flagged():
    replies = [TEMPLATE.format(p=p) for p in PLACES]
    questions = [f"{p}附近的路灯坏了一个月，没人修，晚上出行很危险，什么时候修？" for p in PLACES]
    for i, (q, r) in enumerate(zip(questions, replies, strict=True)):
        check = check_reply(q, r, others=replies[:i] + replies[i + 1:])
        assert has(check, "与另外19条答复几乎相同"), check.problems
    alone = check_reply(questions[0], replies[0], others=[GOOD])
    assert not has(alone, "几乎相同")


def test_a_batch_is_its_own_corpus_without_counting_itself():
    corpus = ReplyCorpus([TEMPLATE.format(p=p) for p in PLACES[:3]] + [GOOD],
                         includes_checked=True)
    assert corpus.near_duplicates(TEMPLATE.format(p=PLACES[0])) == 2
    assert corpus.near_duplicates(GOOD) == 0


def test_a_real_template_reply_is_flagged(fj4):
    row = fj4["3980"]  # 轨道交通线网规划修编规划 …将充分论证研究, sent to several proposals
    check = check_reply(message(row), row["答复意见"], others=[r["答复意见"] for r in fj4.values()
                                                          if r is not row])
    assert has(check, "几乎相同")
    assert has(check, "没有给出完成时间")


def test_a_refusal_without_basis_is_flagged_and_with_basis_is_not():
    asked = "我是外地户口，孩子能不能在A市公办学校入学？"
    bare = "您好！经核实，您的情况不符合入学条件，不予办理。咨询电话0731-22223333。"
    check = check_reply(asked, bare)
    assert has(check, "没有说明政策或法律依据") and check.interpretability < 0.2
    cited = ("您好！经核实，根据《A市义务教育阶段学校招生入学办法》第八条，随迁子女须提供居住证，"
             "您的情况不符合入学条件，不予办理。咨询电话0731-22223333。")
    ok = check_reply(asked, cited)
    assert not has(ok, "依据") and ok.interpretability == 1.0


def test_a_real_refusal_without_basis_is_flagged(fj4):
    row = fj4["3788"]  # 不支持…商转公业务, no rule cited
    check = check_reply(message(row), row["答复意见"])
    assert has(check, "“不支持”），但没有说明政策或法律依据")


@pytest.mark.parametrize("reply", ["网友：您反映的问题已转L市高新区调查核处。2018年9月3日",
                                   "您好！请您直接咨询区城管局。谢谢！"])
def test_deflection_is_flagged(reply):
    assert has(check_reply("小区噪音什么时候处理？", reply), "只是推转")


def test_guidance_with_a_contact_is_not_deflection(fj4):
    row = fj4["4624"]  # 请您携带《户口迁移证》…到派出所办理；如需咨询请与…联系
    assert not has(check_reply(message(row), row["答复意见"]), "推转")


def test_a_promise_without_date_is_flagged_and_with_date_is_not(fj4):
    vague = "您好！针对东塘小区路灯不亮的问题，我局将尽快安排维修。"
    assert has(check_reply("东塘小区路灯不亮", vague), "承诺")
    dated = "您好！针对东塘小区路灯不亮的问题，我局将于6月15日前安排维修。"
    assert not has(check_reply("东塘小区路灯不亮", dated), "承诺")
    row = fj4["3700"]  # 尽快启动万国城小区人行天桥建设, no date
    assert has(check_reply(message(row), row["答复意见"]), "“尽快启动”，但没有给出完成时间")


def test_impolite_and_bureaucratic_wording_are_flagged():
    rude = "你反映的事情与本单位无关，请不要再无理取闹，自行解决。"
    assert has(check_reply("楼上漏水怎么办", rude), "不礼貌")
    empty = ("您好！我局对此高度重视，将积极协调有关部门，依法依规妥善处理，进一步加强管理。")
    assert has(check_reply("楼上漏水怎么办", empty), "官话套话")
    assert not has(check_reply(GOOD_MESSAGE, GOOD), "官话")


def test_length_far_outside_the_norm_is_flagged():
    assert has(check_reply("路灯坏了", "已收悉"), "远短于")
    long_reply = "您好！" + "经现场核实，东塘小区路灯线路老化，我局已安排更换。" * 80
    assert has(check_reply("东塘小区路灯坏了", long_reply), "远长于")


def test_unanswered_question_is_named():
    asked = "东塘小区的垃圾站什么时候搬走？原址以后做什么用？"
    reply = "您好！经核实，东塘小区垃圾站计划于今年9月底前搬迁至北侧空地。联系电话0731-12345678。"
    check = check_reply(asked, reply)
    assert has(check, "留言问到“原址以后做什么用？”"), check.problems
    assert check.completeness < 1.0


def test_own_reply_is_more_relevant_than_another_messages_reply(fj4):
    rows = list(fj4.values())[:60]
    better = sum(check_reply(message(r), r["答复意见"]).relevance
                 > check_reply(message(r), rows[(i + 7) % len(rows)]["答复意见"]).relevance
                 for i, r in enumerate(rows))
    assert better >= 54  # 90 %


def test_an_answer_to_another_matter_is_flagged():
    other = ("您好！关于洋湖湿地公园停车收费的问题，经核实，停车场由公园管理处按物价部门核定的标准"
             "收费，每小时5元。联系电话0731-85556666。")
    assert has(check_reply(GOOD_MESSAGE, other), "答非所问")


@pytest.mark.parametrize("pair", [("", ""), ("<script>alert(1)</script>", "\x00\x01"),
                                  ("？？？", "。。。"), ("a" * 5000, "b" * 5000)])
def test_garbage_gives_scores_in_the_unit_interval(pair):
    check = check_reply(*pair)
    for value in (check.relevance, check.completeness, check.interpretability, check.score):
        assert 0.0 <= value <= 1.0
    assert all(isinstance(p, str) and p for p in check.problems)


def test_body_drops_greeting_opening_and_closing():
    reply = ("网友“UU0081604”您好！您的留言已收悉。现将有关情况回复如下：目前不支持商转公。"
             "感谢您对我们工作的支持、理解与监督！2018年12月26日")
    assert reply_text.body(reply) == "目前不支持商转公。"
