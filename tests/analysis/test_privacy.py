"""Masking of personal data, and look-alikes that must stay."""

import pytest

from analysis.privacy import find_pii, id_checksum_ok, luhn_ok, mask

# 11010519491231002X is the sample number of GB 11643; 6222021234567890128 passes Luhn.
VALID_ID = "11010519491231002X"
VALID_CARD = "6222021234567890128"


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        ("电话13812345678请回电", "mobile", "电话138****5678请回电"),
        ("手机：+86 138 1234 5678", "mobile", "手机：+86 138 **** 5678"),
        ("手机139-1234-5678", "mobile", "手机139-****-5678"),
        ("座机0731-88886666", "landline", "座机0731-****6666"),
        ("座机(0731)88886666", "landline", "座机(0731)****6666"),
        ("联系电话073188886666", "landline", "联系电话0731****6666"),
        (f"身份证{VALID_ID}。", "id_card", "身份证1101**********002X。"),
        ("邮箱zhang.san@qq.com，", "email", "邮箱z***@qq.com，"),
        ("车牌湘A12345被拖走", "plate", "车牌湘A***45被拖走"),
        ("新能源车湘AD12345", "plate", "新能源车湘A****45"),
        ("新能源车粤B12345F", "plate", "新能源车粤B****5F"),
        (f"卡号{VALID_CARD}", "bank_card", "卡号6222***********0128"),
        ("卡号6222 0212 3456 7890 128", "bank_card", "卡号6222 **** **** ***0 128"),
        ("我叫张三，家住A3区", "name", "我叫张某，家住A3区"),
        ("本人李四今年45岁", "name", "本人李某今年45岁"),
        ("我是王某某，反映一个问题", "name", "我是王某某，反映一个问题"),
        ("我叫欧阳娜娜。", "name", "我叫欧阳某某。"),
    ],
)
def test_each_kind_is_masked(text, kind, masked):
    assert [s.kind for s in find_pii(text)] == [kind]
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "订单号2019042512345678901已付款",  # 19 digits, fails Luhn
        "订单号 1234567890123456",  # 16 digits, fails Luhn
        "留言时间2019/4/25 9:32:09",
        "日期20190425，编号20190425093209",
        "罚款13800元，补贴1380000000元",
        "请拨打12345市民热线",
        "110105194912310021",  # ID card look-alike with a wrong check digit
        "110105194913310028",  # month 13
        "我是业主，我是一名教师，本人系春华镇村民，我是高三学生",
        "我是A市A3区居民，本人在外地上学",
        "A市A5区汇金路五矿万境K9县存在一系列问题",
        "地铁3号线，110kv高压线，58车贷，第2019-123号文件",
        "湘A1234（少一位）",
        "价格18.5元/平方米，面积138.12345678平方米",
    ],
)
def test_look_alikes_stay(text):
    assert find_pii(text) == []
    assert mask(text) == text


def test_several_kinds_in_one_text():
    text = f"我叫张三，电话13812345678，身份证{VALID_ID}，车牌湘A12345"
    assert [s.kind for s in find_pii(text)] == ["name", "mobile", "id_card", "plate"]
    assert "13812345678" not in mask(text) and VALID_ID not in mask(text)


def test_checksums():
    assert id_checksum_ok(VALID_ID)
    assert id_checksum_ok(VALID_ID.lower())
    assert not id_checksum_ok("110105194912310021")
    assert luhn_ok(VALID_CARD)
    assert not luhn_ok("6222021234567890123")
