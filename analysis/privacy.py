"""Personal-data masking for anything published or exported for wide reading.

Finds mobile and landline phone numbers, 18-digit identity-card numbers (checksum checked),
e-mail addresses, licence plates, bank-card numbers (Luhn checked) and names where the writer
introduces themself (我叫张三, 本人李四, 我是王某某). Look-alikes (order numbers, dates, amounts,
the 12345 hotline, numbers failing their checksum) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from analysis.types import PiiSpan

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
    "蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND_SURNAMES = "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯"

EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])")
CARD = re.compile(r"(?<![\d-])(?:\d{4}[ -]){3,4}\d{1,4}(?![\d-])|(?<!\d)\d{16,19}(?!\d)")
MOBILE = re.compile(r"(?<![\d+])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![\d元万块])")
LANDLINE = re.compile(
    r"(?<![\d/.-])(?:\(0\d{2,3}\)\s?|0\d{2,3}-)[2-9]\d{6,7}(?:-\d{1,4})?(?![\d/.-])"
    r"|(?<=电话)[:：]?\s?0\d{2,3}[2-9]\d{6,7}(?!\d)"
)
PLATE = re.compile(
    rf"[{_PROVINCES}][A-HJ-NP-Z](?:[DF][A-HJ-NP-Z0-9]\d{{4}}|\d{{5}}[DF]|[A-HJ-NP-Z0-9]{{5}})"
    r"(?![A-Za-z0-9])"
)
_NAME_END = r"(?=[，,。.！!、；;：:\s（(]|$|今年|现年|家住|住在|系|男|女|身份证|电话|手机|联系)"
NAME = re.compile(
    rf"(?:我叫|我是|本人是|本人|我的名字是|我的名字叫|姓名[:：]?)"
    rf"((?:{_COMPOUND_SURNAMES}|[{_SURNAMES}])[\u4e00-\u9fff]{{1,2}}?){_NAME_END}"
)


def id_checksum_ok(number: str) -> bool:
    """Whether an 18-character identity-card number has a valid check digit and birth date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    """Whether a digit string passes the Luhn check used by bank cards."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_ok(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    return 16 <= len(digits) <= 19 and luhn_ok(digits) and not id_checksum_ok(digits)


_FINDERS: tuple[tuple[str, re.Pattern[str], Callable[[str], bool] | None, int], ...] = (
    ("email", EMAIL, None, 0),
    ("id_card", ID_CARD, id_checksum_ok, 0),
    ("bank_card", CARD, _card_ok, 0),
    ("mobile", MOBILE, None, 0),
    ("landline", LANDLINE, None, 0),
    ("plate", PLATE, None, 0),
    ("name", NAME, None, 1),
)


def find_pii(text: str) -> list[PiiSpan]:
    """All non-overlapping personal-data spans in text, in order."""
    spans: list[PiiSpan] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern, check, group in _FINDERS:
        for match in pattern.finditer(text):
            start, end = match.span(group)
            found = match.group(group)
            if check is not None and not check(found):
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            spans.append(PiiSpan(kind, start, end, found))
    return sorted(spans, key=lambda s: s.start)


def _mask_digits(value: str, keep_head: int, keep_tail: int) -> str:
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    hidden = set(positions[keep_head:len(positions) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def mask_span(span: PiiSpan) -> str:
    """The masked form of one span (138****5678, 张**, z***@qq.com, 湘A***45)."""
    value = span.text
    if span.kind == "email":
        user, _, domain = value.partition("@")
        return user[:1] + "***@" + domain
    if span.kind == "name":
        surname_len = 2 if re.match(_COMPOUND_SURNAMES, value) else 1
        return value[:surname_len] + "*" * (len(value) - surname_len)
    if span.kind == "plate":
        return value[:2] + "*" * (len(value) - 4) + value[-2:]
    if span.kind == "mobile":
        return _mask_digits(value, sum(c.isdigit() for c in value) - 8, 4)
    if span.kind == "landline":
        area = re.match(r"\D*\(?0\d{2,3}\)?", value)
        return _mask_digits(value, sum(c.isdigit() for c in area.group()) if area else 0, 4)
    return _mask_digits(value, 4, 4)


def mask(text: str) -> str:
    """Return text with every piece of personal data masked."""
    out, pos = [], 0
    for span in find_pii(text):
        out.append(text[pos:span.start])
        out.append(mask_span(span))
        pos = span.end
    out.append(text[pos:])
    return "".join(out)
