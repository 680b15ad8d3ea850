"""Person names that the text itself marks as a person's, for masking.

A name is taken only where context says it is one: before a greeting (王守义您好, 李明同志：
你好), before a form of address (邓浩志先生, 张伟老师, 陈某师傅), after an introduction
(我叫/我名/本人/来信人/姓名：), or after 尊敬的/亲爱的. Where the name ends is decided by
jieba's part-of-speech tags on a small window (a person-name token), with a fallback on the
surname list and the characters around. Officials named with their post (尊敬的杨文懿书记,
市委书记胡华衡同志, 易书记您好) and a bare surname with a form of address (王女士) are kept:
the first are public office holders acting as such, the second identify nobody.
"""

from __future__ import annotations

import re

import jieba.posseg

from analysis._lazy import Lazy
from analysis.text import tokenizer

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
    "蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯"
_SURNAME = re.compile(rf"(?:{COMPOUND_SURNAMES}|[{SURNAMES}])")
# Posts: a name right before or after one is an official's, named in office.
POSTS = (r"书记|市长|县长|区长|镇长|乡长|村长|局长|厅长|处长|科长|股长|主任|部长|省长|州长|主席"
         r"|委员|经理|校长|院长|所长|队长|站长|行长|社长|主管|董事|总理|总监|总裁|支书|常委|专员")
OFFICE = re.compile(POSTS)
# Posts, collective words and forms of address: a "name" containing one is no name.
NOT_NAME = re.compile(
    rf"{POSTS}|领导|组长|干部|政府|部门|业主|全体|各位|大家|网友|市民|群众|先生|女士|同志|老师"
    r"|师傅|小姐|高[一二三中新速铁层楼压]"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A name before these is a person's (the form of address may stand before a greeting).
_ADDRESS = r"(?:老先生|先生|女士|小姐|同志|老师|师傅|阿姨|大爷)"
AFTER_CUE = re.compile(rf"{_ADDRESS}|[：:，,]?\s*(?:您好|你好)")
# A name after these is a person's.
BEFORE_CUE = re.compile(
    r"(?:我叫|我名叫|我名|名叫|本人是|本人|来信人|来电人|投诉人|反映人|当事人|户主|姓名"
    r"|我是|尊敬的|亲爱的|致)[:：]?\s*"
)
# Characters that may stand right before a name found only by the surname list.
_LEAD_OK = set("的叫是人友民谢及和与向给对称为有将把被请致、，。：:；！？“”‘’（）() \n")
# A name that runs up to punctuation or to the words that usually follow one.
_NAME_THEN_BREAK = re.compile(
    rf"(?:{COMPOUND_SURNAMES}|[{SURNAMES}])[\u4e00-\u9fff]{{1,2}}?"
    r"(?=[，,。.！!、；;：:\s（(“”]|$|今年|现年|家住|住在|系|男|女|身份证|电话|手机|联系|出生|性别)"
)
_POS = Lazy(lambda: jieba.posseg.POSTokenizer(tokenizer()))


def _tagged(text: str) -> list[tuple[str, str]]:
    return [(pair.word, pair.flag) for pair in _POS.get().cut(text)]


def is_name_shape(word: str) -> bool:
    """Whether a word has the shape of a Chinese full name (surname + one or two characters)."""
    head = _SURNAME.match(word)
    if head is None or not all(_CJK.match(c) for c in word):
        return False
    return 1 <= len(word) - head.end() <= 2 and NOT_NAME.search(word) is None


def _is_office(text: str, start: int, end: int) -> bool:
    """A post right after the name, or right before it, makes it an official's name."""
    before = text[max(0, start - 4):start]
    return bool(OFFICE.match(text, end)) or bool(re.search(rf"(?:{POSTS})$", before))


def _ending_at(text: str, end: int) -> tuple[int, int] | None:
    """The name that ends at ``end`` (right before a greeting or form of address)."""
    window_start = max(0, end - 8)
    tokens = _tagged(text[window_start:end])
    if tokens:
        word, flag = tokens[-1]
        if flag.startswith("nr") and is_name_shape(word):
            return end - len(word), end
        if flag.startswith("nr") and len(word) == 1:
            return None  # a bare surname (王女士) names nobody
    for length in (4, 3, 2):
        start = end - length
        if start < 0 or not is_name_shape(text[start:end]):
            continue
        if start == 0 or text[start - 1] in _LEAD_OK or not _CJK.match(text[start - 1]):
            return start, end
    return None


def _starting_at(text: str, start: int) -> tuple[int, int] | None:
    """The name that starts at ``start`` (right after an introduction)."""
    match = _NAME_THEN_BREAK.match(text, start)
    if match and is_name_shape(match.group()):
        return match.span()
    tokens = _tagged(text[start:start + 8])
    if tokens:
        word, flag = tokens[0]
        if flag.startswith("nr") and is_name_shape(word):
            return start, start + len(word)
    return None


def context_names(text: str) -> list[tuple[int, int]]:
    """Spans of names marked as a person's by the words around them, officials left out."""
    found: set[tuple[int, int]] = set()
    for cue in AFTER_CUE.finditer(text):
        span = _ending_at(text, cue.start())
        if span and not _is_office(text, *span):
            found.add(span)
    for cue in BEFORE_CUE.finditer(text):
        span = _starting_at(text, cue.end())
        if span and not _is_office(text, *span):
            found.add(span)
    return sorted(found)
