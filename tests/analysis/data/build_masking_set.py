"""Build masking_set.jsonl from ../shared/data and the hand marks below (run once; output kept).

Each record is an excerpt of a real board message or reply (or a news sentence), found by its
message number and an anchor string and widened to whole sentences, with the spans marked by
hand: ``names`` are person names the text marks as a person's (the recall target), ``bare``
other person names standing there (masking them is no error), ``keep`` look-alikes that must
stay. Marks are strings; every occurrence in the excerpt is marked. ``python
tests/analysis/data/build_masking_set.py`` rewrites the JSONL.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[2].parent / "shared" / "data"
FILES = {
    "fj4": "tipdm2020c_fj4_replies/fujian4_messages_replies_even_ids.csv",
    "fj2": "tipdm2020c_fj2_sample/fujian2_sample_messages.csv",
    "fj3": "tipdm2020c_fj3_hot/fujian3_messages_likes.csv",
}
FIELDS = {"q": "留言详情", "r": "答复意见"}
WIDTH = 60  # characters of context each side of the anchor, cut at sentence ends


def clean(text: str) -> str:
    """The excerpt form of a field: Excel's _x000D_ removed, whitespace runs become one space,
    dropped between two Chinese characters or punctuation marks."""
    text = re.sub(r"\s+", " ", (text or "").replace("_x000D_", " ")).strip()
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)


def load() -> dict[tuple[str, str], dict]:
    """Rows of the three board sets by (set, message number)."""
    csv.field_size_limit(10**9)
    rows = {}
    for key, path in FILES.items():
        with open(DATA / path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rows[(key, row["留言编号"])] = row
    return rows


def excerpt(text: str, anchor: str) -> str:
    """Whole sentences around the anchor, about WIDTH characters each side."""
    at = text.index(anchor)
    start, end = max(0, at - WIDTH), min(len(text), at + len(anchor) + WIDTH)
    while start > 0 and text[start - 1] not in "。！？；" and at - start < WIDTH + 40:
        start -= 1
    while end < len(text) and text[end - 1] not in "。！？；" and end - at < WIDTH + 60:
        end += 1
    return text[start:end]


def spans(text: str, marks: list[str], kind: str) -> list[dict]:
    """Every occurrence of each marked string, as a span."""
    out = []
    for mark in marks:
        found = [m.span() for m in re.finditer(re.escape(mark), text)]
        assert found, (mark, text)
        out.extend({"kind": kind, "start": s, "end": e, "text": mark} for s, e in found)
    return sorted(out, key=lambda s: s["start"])


# ------------------------------------------------------------------------------------------
# Names marked by context. (set, number, field, anchor, names, bare, keep-officials/titles)
# Officials named with their post (尊敬的杨文懿书记, 副局长何胜永同志) are kept; a surname with
# a form of address (王老师, 唐女士) names nobody and is kept; historical figures are kept.
# ------------------------------------------------------------------------------------------
CONTEXT = [
    ("fj4", "3906", "q", "王老师又要我拿", [], [], ["王老师"]),
    ("fj4", "9078", "q", "名叫吴成梓的人", ["吴成梓"], [], []),
    ("fj4", "16450", "q", "新的班主任彭老师接手", [], [], ["彭老师"]),
    ("fj4", "17002", "r", "当事人曹龙金沟通", ["曹龙金"], [], []),
    ("fj4", "17372", "r", "校长伍颖同志", [], [], ["伍颖"]),
    ("fj4", "22870", "r", "副主席陈文伏同志", [], [], ["陈文伏"]),
    ("fj4", "22906", "r", "分管领导赵强胜同志", [], [], ["赵强胜"]),
    ("fj4", "22960", "r", "副局长何胜永同志", [], [], ["何胜永"]),
    ("fj4", "22990", "r", "总工程师殷军习同志", [], [], ["殷军习"]),
    ("fj4", "22962", "q", "我叫陶娟静", ["陶娟静"], [], []),
    ("fj4", "24902", "q", "张县长您好", [], [], ["张县长"]),
    ("fj4", "29832", "q", "张秋国老先生", ["张秋国"], [], []),
    ("fj4", "33670", "q", "贺利灵老师仍不认可", ["贺利灵"], [], []),
    ("fj4", "33670", "q", "对袁伟义同志破口大骂", ["袁伟义"], [], []),
    ("fj4", "36158", "r", "关于“邓浩志先生”的转办信", ["邓浩志"], [], []),
    ("fj4", "36222", "r", "故贺老师谈到", [], [], ["贺老师"]),
    ("fj4", "36794", "q", "毛市长您好", [], [], ["毛市长"]),
    ("fj4", "39102", "r", "因刘地先生本人", ["刘地"], [], []),
    ("fj4", "44270", "q", "党员黄华庆同志", ["黄华庆"], [], []),
    ("fj4", "45832", "q", "的士师傅晚上", [], [], ["的士师傅"]),
    ("fj4", "46002", "q", "我名李明占", ["李明占"], [], []),
    ("fj4", "49150", "r", "当事人易建光", ["易建光", "何清高"], [], []),
    ("fj4", "49782", "q", "市委书记杨军晓同志", ["周芳兰"], [], ["杨军晓"]),
    ("fj4", "49782", "q", "户主谢周自户口", ["谢周自"], [], []),
    ("fj4", "68460", "q", "班主任黄老师利用", [], [], ["黄老师"]),
    ("fj4", "76664", "q", "我叫赵兵文西地省", ["赵兵文"], [], []),
    ("fj4", "78144", "r", "党委委员黄龙颖同志", [], [], ["黄龙颖"]),
    ("fj4", "78146", "r", "乡长江新华同志", [], [], ["江新华", "佘冬"]),
    ("fj4", "78506", "q", "班主任邓清艳老师", ["邓清艳"], [], []),
    ("fj4", "78646", "q", "我叫吴德应", ["吴德应"], [], []),
    ("fj4", "79640", "q", "尊敬的余勇良书记、李镇江县长", [], [], ["余勇良", "李镇江"]),
    ("fj4", "80518", "q", "我叫李柏思", ["李柏思"], [], []),
    ("fj4", "80518", "r", "负责人郑科先同志", [], ["李培东"], ["郑科先"]),
    ("fj4", "88150", "r", "诉求件中宋翁林先生", ["宋翁林"], [], []),
    ("fj4", "90330", "r", "罗虎懿同志从县市场", ["罗虎懿"], [], []),
    ("fj4", "92046", "r", "请邓意天同志尽快", ["邓意天"], [], []),
    ("fj4", "99684", "q", "尊敬的李书记我们", [], [], ["李书记"]),
    ("fj4", "103802", "q", "何市长您好", [], [], ["何市长"]),
    ("fj4", "105970", "q", "当事人严军拥", ["严军拥"], [], []),
    ("fj4", "106036", "q", "尊敬的刘良新局长", [], [], ["刘良新"]),
    ("fj4", "106478", "r", "成功人士黄国伟同志", ["黄国伟"], [], []),
    ("fj4", "115174", "r", "网友立周博：你好", ["立周博"], [], []),
    ("fj4", "115274", "r", "李华少同志量化得分", ["李华少"], [], []),
    ("fj4", "115274", "r", "张玉华同志个人量化", ["张玉华"], [], []),
    ("fj4", "115274", "r", "希望郑俭勤同志理性", ["郑俭勤"], [], []),
    ("fj4", "115274", "r", "副县长刘兵大同志", [], [], ["刘兵大"]),
    ("fj4", "116410", "q", "我叫周捷（户主：周根芳）", ["周捷", "周根芳"], [], []),
    ("fj4", "125614", "q", "田县长你好", [], [], ["田县长"]),
    ("fj4", "126648", "q", "革命先烈向警予同志", [], [], ["向警予"]),
    ("fj4", "127268", "r", "当事人张建在马上", ["张建在"], [], ["潘小军"]),
    ("fj4", "131988", "q", "名叫曹珍贵", ["曹珍贵"], [], []),
    ("fj4", "136970", "q", "名叫王纳", ["王纳"], [], []),
    ("fj4", "138410", "q", "当事人陈烨皓", ["陈烨皓"], ["邓斌文"], []),
    ("fj4", "140800", "q", "我叫刘健三", ["刘健三"], [], []),
    ("fj4", "140800", "r", "本案当事人刘健三已向", ["刘健三"], [], []),
    ("fj4", "145252", "q", "梁俊同志与电信公司", ["梁俊"], [], []),
    ("fj4", "145294", "r", "当事人梁又飞在2017", ["梁又飞"], [], []),
    ("fj4", "159342", "q", "我的真名叫刘方", ["刘方"], [], []),
    ("fj4", "98174", "q", "张海德同志劳动合同", ["张海德"], ["刘金祖", "何军建"], []),
    ("fj4", "177531", "q", "刘清静同志任江押镇", ["刘清静"], [], []),
    ("fj4", "15300", "q", "张市长你好", [], [], ["张市长"]),
    ("fj4", "56262", "q", "我叫黄娇国", ["黄娇国"], [], []),
    ("fj4", "1018", "q", "游客唐女士跟阿强", [], [], ["唐女士"]),
    ("fj4", "52803", "q", "周树您好", ["周树"], [], []),
    ("fj4", "46265", "q", "李方志同志违法计划", ["李方志"], [], []),
    ("fj4", "5048", "q", "我叫苏伟生", ["苏伟生"], [], []),
    ("fj4", "97540", "q", "我叫文凌", ["文凌"], [], []),
    ("fj4", "133536", "q", "我叫杨彪虎", ["杨彪虎"], [], []),
    ("fj4", "139592", "q", "我叫胡明明", ["胡明明"], [], []),
    ("fj4", "175800", "q", "我叫戴宇作", ["戴宇作"], [], []),
    ("fj4", "20336", "q", "尊敬的杨文懿书记", [], [], ["杨文懿"]),
    ("fj4", "7156", "q", "市委书记胡华衡同志", [], [], ["胡华衡"]),
    ("fj4", "5886", "q", "尊敬的胡华衡书记", [], [], ["胡华衡"]),
    ("fj4", "22960", "q", "尊敬的周晖书记", [], [], ["周晖"]),
    ("fj4", "106406", "r", "公安局长蒋楚建", [], [], ["蒋楚建"]),
    ("fj3", "193611", "q", "我叫刘科连，男", ["刘科连"], [], []),
    ("fj3", "193611", "q", "办案民警朱同志", [], [], ["朱同志"]),
    ("fj3", "197104", "q", "温斯顿老师", ["温斯顿"], [], []),
    ("fj3", "198013", "q", "我叫陈福如", ["陈福如"], [], []),
    ("fj3", "198065", "q", "我叫黄林大", ["黄林大"], [], []),
    ("fj3", "198732", "q", "我叫夏发宗", ["夏发宗"], [], []),
    ("fj3", "209910", "q", "我叫王桂三", ["王桂三"], [], []),
    ("fj3", "212658", "q", "我叫唐雪中", ["唐雪中"], [], []),
    ("fj3", "214289", "q", "实名投诉人周燕", ["周燕"], [], []),
    ("fj3", "216082", "q", "户主康国斌", ["康国斌"], [], []),
    ("fj3", "217108", "q", "我叫黄国建", ["黄国建"], [], []),
    ("fj3", "218489", "q", "投诉人雷学文", ["雷学文"], [], []),
    ("fj3", "223337", "q", "工作组唐娥同志", ["唐娥"], [], []),
    ("fj3", "223916", "q", "陈淋淋老师支付工资", ["陈淋淋"], [], []),
    ("fj3", "224587", "q", "高女士及其家人", [], [], ["欧阳先生", "高女士"]),
    ("fj3", "227230", "q", "沙塘工商所张女士拒不", [], [], ["张女士"]),
    ("fj3", "228204", "q", "程迁先生1956年", [], [], ["程迁"]),
    ("fj3", "231885", "q", "我叫吴萌", ["吴萌"], [], []),
    ("fj3", "232982", "q", "我名贺雪辉", ["贺雪辉"], [], []),
    ("fj3", "233389", "q", "李建同志的行为", ["李建"], [], []),
    ("fj3", "234866", "q", "告知书刘科连先生", ["刘科连"], [], []),
    ("fj3", "238162", "q", "我叫熊亚威", ["熊亚威"], [], []),
    ("fj3", "238649", "q", "法人范风可先生", ["范风可"], [], []),
    ("fj3", "239227", "q", "我叫李正安", ["李正安"], [], []),
    ("fj3", "239548", "q", "我叫杨斌宏", ["杨斌宏"], [], []),
    ("fj3", "240863", "q", "投诉人雷文学", ["雷文学"], [], []),
    ("fj3", "259592", "q", "姓名：申波中", ["申波中"], [], []),
    ("fj3", "264063", "q", "包喜克同志理解", ["包喜克"], [], []),
    ("fj3", "274436", "q", "杨敢老师也知道", ["杨敢"], [], ["刘老师"]),
    ("fj3", "274949", "q", "我叫郑磊石", ["郑磊石"], [], []),
    ("fj3", "277136", "q", "搭建方赵女士", [], [], ["赵女士"]),
    ("fj3", "277777", "q", "刘奇少同志纪念馆", [], [], ["刘奇少同志纪念馆"]),
    ("fj3", "280020", "q", "我叫黄异智", ["黄异智"], [], []),
    ("fj3", "282028", "q", "班主任张老师发来", [], [], ["张老师"]),
    ("fj3", "284619", "q", "我叫邓玲筱", ["邓玲筱"], [], []),
    ("fj3", "286999", "q", "我叫陈元春", ["陈元春"], [], []),
    ("fj3", "289408", "q", "我叫朱琦梦", ["朱琦梦"], [], []),
    ("fj3", "289818", "q", "违法当事人朱塔霞", ["朱塔霞"], [], []),
    ("fj2", "160196", "q", "尊敬的李晖厅长", [], [], ["李晖"]),
    ("fj2", "22312", "q", "我名秦安如", ["秦安如"], [], ["周辉"]),
    ("fj2", "167047", "q", "我叫廖博", ["廖博"], [], []),
    ("fj2", "77221", "q", "我叫易侠", ["易侠"], [], ["盛市长"]),
]

# ------------------------------------------------------------------------------------------
# The writer known by name: the letter gives the writer's name (我叫刘健三) and the reply
# repeats it. A board export with real names holds it in the writer field; here it is set
# from the letter. (set, number, name, question anchor, reply anchor, nickname, bare, pii, keep)
# ------------------------------------------------------------------------------------------
AUTHOR_NAMES = [
    (
        "fj4",
        "140800",
        "刘健三",
        "我叫刘健三",
        "刘健三持C1型",
        "UU008689",
        ["梁洲海"],
        [("plate", "楚K0WL00"), ("plate", "楚AP3B87")],
        ["2017年4月18日"],
    ),
    ("fj4", "133536", "杨彪虎", "我叫杨彪虎", "杨彪虎患得是", "UU0081558", [], [], []),
    ("fj4", "138322", "陈良前", "本人陈良前", "关于荷叶镇陈良前", "UU008872", ["黃秀云"], [], []),
    ("fj4", "80518", "李柏思", "我叫李柏思", "基本情况李柏思", "UU0081362", ["姚桃先"], [], []),
    ("fj4", "97540", "文凌", "我叫文凌", "患者女儿文凌", "UU008830", ["文家善"], [], []),
    ("fj4", "139592", "胡明明", "我叫胡明明", "胡明明的车辆", "UU0082421", [], [], []),
]

# ------------------------------------------------------------------------------------------
# Door-level addresses (a home's room number) and look-alikes (a building, unit or floor
# alone, shops and offices, counts). (set, number, anchor, addresses, keep)
# ------------------------------------------------------------------------------------------
ADDRESSES = [
    ("fj4", "6060", "35栋2407号", ["35栋2407号"], []),
    ("fj4", "6294", "6栋4401的业主", ["6栋4401"], []),
    ("fj4", "8046", "10栋704房", ["10栋704房"], []),
    ("fj4", "8046", "10栋460户", [], ["10栋460户", "南湖路48号"]),
    ("fj4", "11996", "27栋226号", ["27栋226号"], []),
    ("fj4", "17718", "8栋2单元102号", ["8栋2单元102号"], ["12345"]),
    ("fj4", "33978", "20栋201", ["20栋201"], []),
    ("fj4", "9078", "第4栋101房", ["4栋101房"], []),
    ("fj4", "91050", "1307室", ["1307室"], []),
    ("fj4", "24660", "4栋1321", ["4栋1321"], []),
    ("fj3", "209910", "3栋802房", ["3栋802房"], ["249号", "33.53平米"]),
    ("fj4", "7944", "4栋1单元消防通道", [], ["4栋1单元"]),
    ("fj4", "8776", "6栋1楼", [], ["6栋1楼"]),
    ("fj4", "27374", "29栋二单元快递联盟", [], ["29栋二单元", "35栋二单元", "17栋一单元"]),
    ("fj4", "37288", "1号楼一楼", [], ["1号楼一楼"]),
    ("fj4", "10484", "642室", [], ["一办642室"]),
    ("fj4", "88412", "商铺-117室", [], ["商铺-117室"]),
    ("fj4", "4056", "b4栋110号中国移动", [], ["b4栋110号中国移动"]),
]

# ------------------------------------------------------------------------------------------
# Real sentences whose numbers the data's publisher blanked (*** or 0000-0000): a made-up
# number of the same kind is put in its place (valid check digits where the kind has them).
# Marked "synthetic": true. (set, number, anchor, replacements, names, bare, pii, keep)
# ------------------------------------------------------------------------------------------
BLANK = r"\*{6,}|0000-0{6,8}"
SYNTHETIC = [
    (
        "fj4",
        "7156",
        "业主高红晓",
        ["0731-84562391"],
        ["高红晓"],
        [],
        [("landline", "0731-84562391")],
        ["2017年12月13日"],
    ),
    (
        "fj4",
        "7892",
        "申请人姚香菊",
        ["13974125563"],
        ["姚香菊"],
        [],
        [("mobile", "13974125563")],
        [],
    ),
    (
        "fj4",
        "22904",
        "刘福祖（印石村）",
        ["13807316642", "15073126675"],
        ["刘福祖", "黄大光"],
        [],
        [("mobile", "13807316642"), ("mobile", "15073126675")],
        ["2019年 8 月 19 日"],
    ),
    (
        "fj4",
        "27496",
        "举报人：汤杰正",
        ["18874563321"],
        ["汤杰正"],
        ["王伟军"],
        [("mobile", "18874563321")],
        [],
    ),
    (
        "fj4",
        "35714",
        "夏明志身份证号",
        ["ID:43022319750316", "13574128890"],
        ["夏明志"],
        [],
        [("id_card", "ID:43022319750316"), ("mobile", "13574128890")],
        ["肖军建", "叶英武"],
    ),
    (
        "fj4",
        "37608",
        "温先志，电话",
        ["0731-23318876"],
        ["温先志"],
        [],
        [("landline", "0731-23318876")],
        [],
    ),
    (
        "fj4",
        "104224",
        "周芝荣，男",
        ["15974326617"],
        ["周芝荣"],
        ["周胜长"],
        [("mobile", "15974326617")],
        [],
    ),
    (
        "fj4",
        "114346",
        "孙琛联系电话",
        ["13786541120", "sunchen_k4@163.com"],
        ["孙琛"],
        [],
        [("mobile", "13786541120"), ("email", "sunchen_k4@163.com")],
        ["2013年6月3日"],
    ),
    (
        "fj2",
        "41544",
        "实名求助胡军石",
        ["18173912254"],
        ["胡军石"],
        [],
        [("mobile", "18173912254")],
        [],
    ),
    (
        "fj2",
        "73641",
        "雷珍秀，胡湘",
        ["0739-5521806"],
        ["雷珍秀", "胡湘"],
        ["雷亦帆"],
        [("landline", "0739-5521806")],
        ["李梅冬主任"],
    ),
    (
        "fj3",
        "190170",
        "举报人陈洪道",
        ["13617310092"],
        ["陈洪道"],
        [],
        [("mobile", "13617310092")],
        [],
    ),
    (
        "fj3",
        "190192",
        "投诉人：刘严",
        ["19973125508"],
        ["刘严"],
        [],
        [("mobile", "19973125508")],
        [],
    ),
    (
        "fj3",
        "194331",
        "老板许红连",
        ["13975186605"],
        ["许红连"],
        [],
        [("mobile", "13975186605")],
        ["110700元"],
    ),
    (
        "fj3",
        "212658",
        "我叫唐雪中",
        ["ID:43012419730822", "18907318845"],
        ["唐雪中"],
        [],
        [("id_card", "ID:43012419730822"), ("mobile", "18907318845")],
        [],
    ),
    (
        "fj3",
        "209910",
        "我叫王桂三",
        ["ID:43010219460105"],
        ["王桂三"],
        [],
        [("id_card", "ID:43010219460105")],
        [],
    ),
    ("fj4", "139592", "楚KG", ["5378"], ["胡明明"], [], [("plate", "楚KG5378")], []),
]
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(first14: str, order: str = "123") -> str:
    """A made-up 18-digit identity-card number with a valid check digit."""
    body = first14 + order
    return (
        body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    )


def fill(text: str, values: list[str]) -> tuple[str, dict[str, str]]:
    """Put the made-up values where the publisher blanked numbers, in order."""
    real = {}
    for value in values:
        number = make_id(value[3:]) if value.startswith("ID:") else value
        real[value] = number
        match = re.search(BLANK, text)
        assert match, (value, text)
        text = text[: match.start()] + number + text[match.end() :]
    return text, real


# ------------------------------------------------------------------------------------------
# News sentences (新闻联播 2026) with look-alikes: place names that start with a surname
# (张家界, 黄山, 常州, 马鞍山), officials named with their post, the 12345 hotline, document
# numbers, dates, amounts, a surname with 女士, a historical figure. Every listed word present
# in a sentence is marked kept; 徐志增 is a person named without context (bare).
# ------------------------------------------------------------------------------------------
NEWS_IDS = [
    "xwlb-20260302-07",
    "xwlb-20260304-07",
    "xwlb-20260305-01",
    "xwlb-20260305-03",
    "xwlb-20260305-04",
    "xwlb-20260306-10",
    "xwlb-20260308-03",
    "xwlb-20260308-09",
    "xwlb-20260309-03",
    "xwlb-20260312-01",
    "xwlb-20260312-12",
    "xwlb-20260313-04",
    "xwlb-20260314-11",
    "xwlb-20260316-07",
    "xwlb-20260317-02",
    "xwlb-20260317-08",
    "xwlb-20260317-09",
    "xwlb-20260321-02",
    "xwlb-20260325-09",
    "xwlb-20260327-10",
    "xwlb-20260327-11",
    "xwlb-20260328-01",
    "xwlb-20260406-06",
    "xwlb-20260410-01",
    "xwlb-20260410-05",
    "xwlb-20260412-10",
    "xwlb-20260413-12",
    "xwlb-20260415-10",
    "xwlb-20260422-09",
    "xwlb-20260426-01",
    "xwlb-20260505-07",
    "xwlb-20260506-02",
    "xwlb-20260510-02",
    "xwlb-20260516-11",
    "xwlb-20260527-06",
    "xwlb-20260529-08",
    "xwlb-20260602-09",
    "xwlb-20260605-09",
    "xwlb-20260613-01",
    "xwlb-20260615-10",
    "xwlb-20260709-04",
    "xwlb-20260718-07",
    "xwlb-20260726-06",
]
NEWS_WORDS = re.compile(
    r"12345|张家界|黄山|金华|温州|常州|万州|马鞍山|石家庄|第\d+号|总理李强|李强总理|部长李书磊"
    r"|副委员长蔡达峰|检察长应勇|习近平|孙中山先生|常女士|黄河|高新区|安徽|江西|雄安新区"
    r"|\d+月\d+日|\d+(?:\.\d+)?(?:万|亿)?(?:元|平方米|公里|个|家|条|座|项)|马家堡|武陵源|天门山"
    r"|宜昌|常德|西安|宁马线|长岭岗隧道|兰溪东|建德|曲率引擎|万企|万多个|寿县|长治|和县"
)
NEWS_BARE = ["徐志增"]
NEWS_TRIGGER = re.compile(
    r"12345|张家界|黄山|金华|温州|常州|万州|马鞍山|石家庄|第\d+号|总理|"
    r"孙中山先生|女士|黄河|高新区|安徽|江西"
)


def news_records() -> list[dict]:
    """One record per chosen news sentence (the first in its item with a trigger word)."""
    csv.field_size_limit(10**9)
    out = []
    path = DATA / "cctv_xwlb_2026" / "cctv_xwlb_2026_part01.csv"
    with open(path, encoding="utf-8") as fh:
        items = {row["id"]: row for row in csv.DictReader(fh)}
    for item_id in NEWS_IDS:
        body = clean(items[item_id]["body"])
        for n, sentence in enumerate(re.split(r"(?<=[。！？])", body)):
            if 20 <= len(sentence) <= 110 and NEWS_TRIGGER.search(sentence):
                keep = sorted({m.group() for m in NEWS_WORDS.finditer(sentence)})
                bare = [b for b in NEWS_BARE if b in sentence]
                out.append(
                    record(
                        f"news-{item_id}-{n}", "cctv_xwlb_2026", sentence, None, [], bare, [], keep
                    )
                )
    return out


def record(
    rid,
    source,
    text,
    author,
    names,
    bare,
    pii,
    keep,
    *,
    nicknames=(),
    synthetic=False,
    author_names=(),
) -> dict:
    """One JSONL record with its spans."""
    if author is None:  # the writer's board id or nickname, quoted after 网友, is a name
        names = sorted(set(names) | set(re.findall(r"网友“([^”]{2,24})”", text)))
    marked = (
        spans(text, list(author_names), "author")
        + spans(text, names, "name")
        + [s for kind, value in pii for s in spans(text, [value], kind)]
    )
    return {
        "id": rid,
        "source": source,
        "text": text,
        "author": author,
        "nicknames": list(nicknames),
        "synthetic": synthetic,
        "spans": sorted(marked, key=lambda s: s["start"]),
        "bare": spans(text, bare, "name"),
        "keep": spans(text, keep, "keep"),
    }


def field_text(rows, key, anchor) -> tuple[str, str, str]:
    """The set, field code and text of the row numbered key[1] that holds the anchor."""
    for kind in sorted(FILES, key=lambda k: k != key[0]):  # the named set first
        row = rows.get((kind, key[1]))
        for code, field in FIELDS.items():
            text = clean(row.get(field)) if row else ""
            if anchor in text:
                return kind, code, text
    raise KeyError((key, anchor))


def context_records(rows) -> list[dict]:
    """Records of names marked by context (and officials kept)."""
    out = []
    for n, (kind, number, _field, anchor, names, bare, keep) in enumerate(CONTEXT):
        kind, code, text = field_text(rows, (kind, number), anchor)
        out.append(
            record(
                f"{kind}-{number}-{code}-{n}",
                FILES[kind].split("/")[0],
                excerpt(text, anchor),
                None,
                names,
                bare,
                [],
                keep,
            )
        )
    return out


def author_name_records(rows) -> list[dict]:
    """Records of a writer known by name: question excerpt and reply excerpt."""
    out = []
    for kind, number, name, q_anchor, r_anchor, nick, bare, pii, keep in AUTHOR_NAMES:
        row = rows[(kind, number)]
        text = (
            excerpt(clean(row["留言详情"]), q_anchor)
            + "\n"
            + excerpt(clean(row["答复意见"]), r_anchor)
        )
        nicks = [nick] if nick in text else []
        out.append(
            record(
                f"{kind}-{number}-writer",
                FILES[kind].split("/")[0],
                text,
                name,
                [],
                [b for b in bare if b in text],
                [p for p in pii if p[1] in text],
                [k for k in keep if k in text],
                nicknames=[nick],
                author_names=[name] + nicks,
            )
        )
    return out


def author_id_records(rows) -> list[dict]:
    """Every 20th reply of 附件4 that greets the writer by board id: its opening."""
    out, seen = [], 0
    for (kind, number), row in rows.items():
        reply = clean(row.get("答复意见"))
        writer = row["留言用户"]
        if kind != "fj4" or not writer or writer not in reply:
            continue
        seen += 1
        if seen % 20 != 1:
            continue
        at = reply.index(writer)
        text = reply[max(0, at - 12) : at + len(writer) + 90]
        keep = sorted(
            {m.group() for m in re.finditer(r"\d{4}年\d{1,2}月\d{1,2}日", text)}
            | {k for k in ("蒋楚建", "10栋460", "长公通201671号") if k in text}
        )
        out.append(
            record(
                f"fj4-{number}-greeting",
                "tipdm2020c_fj4_replies",
                text,
                writer,
                [],
                [],
                [],
                keep,
                author_names=[writer],
            )
        )
    return out


def address_records(rows) -> list[dict]:
    """Door-level addresses and their look-alikes."""
    out = []
    for n, (kind, number, anchor, addresses, keep) in enumerate(ADDRESSES):
        kind, _code, text = field_text(rows, (kind, number), anchor)
        text = excerpt(text, anchor)
        out.append(
            record(
                f"{kind}-{number}-address-{n}",
                FILES[kind].split("/")[0],
                text,
                None,
                [],
                [],
                [("address", a) for a in addresses],
                keep,
            )
        )
    return out


def synthetic_records(rows) -> list[dict]:
    """Real sentences with made-up numbers where the publisher blanked them."""
    out = []
    for kind, number, anchor, values, names, bare, pii, keep in SYNTHETIC:
        kind, _code, text = field_text(rows, (kind, number), anchor)
        text, real = fill(excerpt(text, anchor), values)
        pii = [(k, real.get(v, v)) for k, v in pii]
        out.append(
            record(
                f"{kind}-{number}-numbers",
                FILES[kind].split("/")[0],
                text,
                None,
                names,
                bare,
                pii,
                keep,
                synthetic=True,
            )
        )
    return out


# Marks added after reading each excerpt whole (names, numbers and addresses standing beside
# the one the excerpt was chosen for). record id -> [(kind, string)]; kind "bare" for a name
# without context, "keep" for a look-alike.
EXTRA = {
    "fj4-33670-q-13": [("name", "贺利灵")],
    "fj4-140800-q-53": [("plate", "楚K0WL00"), ("plate", "楚AP3B87"), ("bare", "梁洲海")],
    "fj3-193611-q-76": [("name", "刘科连")],
    "fj3-209910-q-81": [("address", "3栋802房")],
    "fj3-209910-address-10": [("name", "王桂三")],
    "fj3-209910-numbers": [("address", "3栋802房")],
    "fj3-216082-q-84": [("name", "苏健明")],
    "fj3-264063-q-102": [("bare", "刘震")],
    "fj3-289818-q-112": [("name", "赵婷")],
    "fj4-91050-address-8": [("name", "许丽亚")],
    "fj4-88412-address-16": [("name", "姚某群")],
    "fj3-239227-q-98": [("address", "b栋402")],
    "fj3-286999-q-110": [("address", "1栋105房"), ("address", "5栋105号房")],
}


def add_extra(rec: dict) -> dict:
    """Add the EXTRA marks of a record."""
    for kind, value in EXTRA.get(rec["id"], []):
        target = {"bare": "bare", "keep": "keep"}.get(kind, "spans")
        new = spans(rec["text"], [value], "name" if kind == "bare" else kind)
        rec[target] = sorted(rec[target] + new, key=lambda s: s["start"])
    return rec


def main() -> None:
    """Write masking_set.jsonl."""
    rows = load()
    records = (
        author_id_records(rows)
        + author_name_records(rows)
        + context_records(rows)
        + address_records(rows)
        + synthetic_records(rows)
        + news_records()
    )
    with open(HERE / "masking_set.jsonl", "w", encoding="utf-8") as fh:
        for rec in map(add_extra, records):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(len(records), "records")


if __name__ == "__main__":
    main()
