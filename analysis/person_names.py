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
         r"|委员|经理|校长|院长|所长|队长|站长|行长|社长|主管|董事|总理|总监|总裁|支书|常委|专员|领导")
OFFICE = re.compile(POSTS)
_POST_BEFORE = re.compile(rf"(?:(?<!班)(?:{POSTS})|领导|工程师|负责人|负责)$")
# Public figures of history, and names standing for a memorial: not personal data.
_PUBLIC_FIGURES = re.compile(
    r"孙中山|毛泽东|周恩来|刘少奇|朱德|邓小平|习近平|向警予|雷锋|鲁迅|焦裕禄")
# A "name" followed by these names a place or a body (龙腾大厦, 安新居建材市场).
_ORG_AFTER = re.compile(r"大厦|小区|公司|集团|市场|花园|广场|建材|街道|社区|医院|学校|中心|酒店"
                        r"|[镇村乡县市区路街]")
_MEMORIAL = re.compile(r"(?:同志|先生)?(?:纪念馆|故居|塑像|铜像|陵园)")
# Posts, collective words and forms of address: a "name" containing one is no name.
NOT_NAME = re.compile(
    rf"{POSTS}|领导|组长|干部|政府|部门|业主|全体|各位|大家|网友|市民|群众|先生|女士|同志|老师"
    r"|师傅|小姐|高[一二三中新速铁层楼压]|许多|许可|常常|常务|全部|全体|成为|应当|应该|明确|时间"
    r"|明天|明年|同时|同事|同学|方面|方式|方便|和平|和谐|于是|路人|路口|路段|车主|车辆|文件|总$"
    r"|查明|常客"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A name before these is a person's (the form of address may stand before a greeting).
_ADDRESS = r"(?:老先生|先生|女士|小姐|同志|老师|师傅|阿姨|大爷)"
AFTER_CUE = re.compile(
    rf"{_ADDRESS}|[：:，,]?\s*(?:您好|你好)"
    r"|(?:[（(][^）)]{1,12}[）)])?[：:，,]?[（(]?(?:联系)?(?:电话|手机)|[，,](?:男|女)[，,]"
)
_SURNAME_ADDRESS = re.compile(rf"{_SURNAME.pattern}{_ADDRESS}")
# A name after these is a person's.
BEFORE_CUE = re.compile(
    r"(?:我叫|我名叫|我名|名叫|本人是|本人|来信人|来电人|投诉人|举报人|反映人|当事人|见证人|户主|姓名(?=[:：])"
    r"|我是|尊敬的|亲爱的|(?<![\u4e00-\u9fff])致|(?<![行物])业主|申请人|居民|村民|村名|求助"
    r"|教师|职工|员工|家长|患者|市民|农民工|农民)[:：]?\s*"
)
# Characters that may stand right before a name found only by the surname list.
_LEAD_OK = set("的叫是人友民谢及和与向给对称为有将把被请致、，。：:；！？“”‘’（）() \n")
# A name that runs up to punctuation or to the words that usually follow one.
_NAME_THEN_BREAK = re.compile(
    rf"(?:{COMPOUND_SURNAMES}|[{SURNAMES}])[\u4e00-\u9fff]{{1,2}}?"
    r"(?=[，,。.！!、；;：:\s（(“”]|$|今年|现年|家住|住在|系|男|女|身份证|电话|手机|联系|出生|性别)"
)
# Surnames that are far more often a function word before a name (向李明同志, 和王某).
_FUNCTION_SURNAMES = set("向和时全明成应车师于及与对")
# Characters that end a name rather than belong to it (张建在马上, 王明于2019年).
_NEVER_IN_NAME = set("的了是在和与及对向把被将从于到为说称也都就还不没个们这那所"
                     "您你我他她它找请让叫给跟镇村县市区乡省路街两几各每些人")
_FUNCTION_CHARS = set("在是的了和与及对向把被将从于到为说称已也都就还又不没等因所曾")


def _load_tagger():
    """jieba's part-of-speech tagger over the shared tokenizer (its tables load on first use)."""
    import jieba.posseg

    return jieba.posseg.POSTokenizer(tokenizer())


_POS = Lazy(_load_tagger)
_WORD_FREQ = 50  # a dictionary frequency this high makes an ordinary word


def _tagged(text: str) -> list[tuple[str, str]]:
    return [(pair.word, pair.flag) for pair in _POS.get().cut(text)]


def is_name_shape(word: str) -> bool:
    """Whether a word has the shape of a Chinese full name (surname + one or two characters)."""
    head = _SURNAME.match(word)
    if head is None or not all(_CJK.match(c) for c in word):
        return False
    given = word[head.end():]
    return (1 <= len(given) <= 2 and NOT_NAME.search(word) is None
            and not any(c in _NEVER_IN_NAME for c in given))


def _is_office(text: str, start: int, end: int) -> bool:
    """A post right after the name, or right before it, makes it an official's name."""
    before = text[max(0, start - 6):start]
    return bool(OFFICE.match(text, end)) or bool(_POST_BEFORE.search(before))


def _is_surname_at(text: str, at: int) -> bool:
    return at >= 0 and text[at] in SURNAMES and text[at] not in _FUNCTION_SURNAMES


def _is_word(candidate: str) -> bool:
    """Whether the candidate is an ordinary word of jieba's dictionary (安全, 安宁, 黄花).

    Names are rarely in it; the few words it tags as names (查明, 常客) are in NOT_NAME.
    """
    frequent = (tokenizer().FREQ.get(candidate) or 0) >= _WORD_FREQ
    return frequent and _POS.get().word_tag_tab.get(candidate, "nr") != "nr"


def _found(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span, unless the characters make an ordinary word."""
    return None if _is_word(text[start:end]) else (start, end)


def _ending_at(text: str, end: int, cue_end: int) -> tuple[int, int] | None:
    """The name that ends at ``end`` (right before a greeting or form of address).

    jieba's person-name token wins when it has three characters; otherwise a surname three
    characters back makes a three-character name (jieba often splits rare given names:
    刘 | 清静); a two-character name needs jieba's word or a boundary before it.
    """
    if end < 2:
        return None
    with_cue = _tagged(text[max(0, end - 6):cue_end])
    if (len(with_cue) > 1 and with_cue[-1][0] == text[end - 1:cue_end]
            and text[end - 1] in SURNAMES and len(with_cue[-2][0]) > 1
            and not with_cue[-2][1].startswith("nr")):
        return None  # jieba reads 工商所 | 张女士: a bare surname with its form of address
    tokens = _tagged(text[max(0, end - 8):end])
    word, flag = tokens[-1] if tokens else ("", "")
    if flag.startswith("nr") and len(word) == 1 and (
            len(tokens) < 2 or not tokens[-2][1].startswith("nr")):
        return None  # a bare surname (王女士, 班主任黄老师) names nobody
    tagged = flag.startswith(("nr", "ns")) and is_name_shape(word)
    if tagged and len(word) >= 3:
        return end - len(word), end
    if end >= 3 and text[end - 2] == "方" and text[end - 1] in SURNAMES \
            and _CJK.match(text[end - 3]):
        return None  # 对方王女士, 搭建方赵女士: the party's surname only
    start = end - 3
    if start >= 0 and _is_surname_at(text, start) and is_name_shape(text[start:end]):
        return _found(text, start, end)
    if tagged:
        return end - len(word), end
    start = end - 2
    lead_ok = start == 0 or text[start - 1] in _LEAD_OK or not _CJK.match(text[start - 1])
    if start >= 0 and lead_ok and is_name_shape(text[start:end]):
        return _found(text, start, end)
    return None


def _starting_at(text: str, start: int) -> tuple[int, int] | None:
    """The name that starts at ``start`` (right after an introduction).

    A name running up to punctuation wins; then jieba's three-character person name; then a
    surname and two characters unless the third is a function word (张建在马上 → 张建在,
    王明在现场 → 王明).
    """
    if start >= len(text):
        return None
    if text[start] in _FUNCTION_SURNAMES:
        return None  # 业主和业主家属, 业主向您反映
    tokens = _tagged(text[start:start + 8])
    word, flag = tokens[0] if tokens else ("", "")
    common_word = len(word) > 1 and not flag.startswith(("nr", "ns", "nz"))
    match = _NAME_THEN_BREAK.match(text, start)
    if match and is_name_shape(match.group()) and not (common_word and word == match.group()):
        return _found(text, *match.span())
    if flag.startswith("nr") and is_name_shape(word) and len(word) >= 3:
        return start, start + len(word)
    if common_word:
        return None  # the "surname" begins a word (村民查证, 居民尤其)
    if not _SURNAME.match(text, start) or re.match(COMPOUND_SURNAMES, text[start:]):
        return (start, start + len(word)) if flag.startswith("nr") and is_name_shape(word) \
            else None
    if len(word) == 2 and len(tokens) > 1 and len(tokens[1][0]) > 1:
        # jieba's two characters end where a word begins (安宁 | 生活, 李明 | 反映)
        return _found(text, start, start + 2) if is_name_shape(word) else None
    three = text[start:start + 3]
    if len(three) == 3 and three[2] not in _FUNCTION_CHARS and is_name_shape(three):
        return _found(text, start, start + 3)
    if is_name_shape(text[start:start + 2]):
        return _found(text, start, start + 2)
    return None


def _touches_post(text: str, start: int, end: int) -> bool:
    """A post begins inside the span or right after it (李书记, 周晖书记): an official."""
    return any(OFFICE.match(text, at) for at in range(start + 1, end + 1))


def _is_public(text: str, start: int, end: int) -> bool:
    """A figure of history, or a name standing for a memorial (X同志纪念馆)."""
    return bool(_PUBLIC_FIGURES.fullmatch(text, start, end) or _MEMORIAL.match(text, end))


def _keep(text: str, span: tuple[int, int] | None) -> bool:
    return bool(span) and not (_is_office(text, *span) or _touches_post(text, *span)
                               or _is_public(text, *span) or _ORG_AFTER.match(text, span[1]))


def context_names(text: str) -> list[tuple[int, int]]:
    """Spans of names marked as a person's by the words around them, officials left out."""
    found: set[tuple[int, int]] = set()
    for cue in AFTER_CUE.finditer(text):
        span = _ending_at(text, cue.start(), cue.end())
        if _keep(text, span):
            found.add(span)
    for cue in BEFORE_CUE.finditer(text):
        if _SURNAME_ADDRESS.match(text, cue.end()):  # 王先生: a surname alone stays
            continue
        span = _starting_at(text, cue.end())
        if _keep(text, span):
            found.add(span)
    return sorted(found)
