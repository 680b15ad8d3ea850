"""Parts of a government reply: its body without greeting and closing, sentences and phrases.

The reply checks (analysis.reply_quality) read these; nothing here scores anything.
"""

from __future__ import annotations

import re

from analysis import text as textmod

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
# Openings (网友“A000…”：您好！ / 您的留言已收悉。现回复如下：) say nothing of the matter.
_GREETING = re.compile(
    r"^(?:[^。！？!?：:]{0,30}?(?:网友|市民|写信人|同志|先生|女士|朋友|用户|来信人)"
    r"[^。！？!?：:]{0,20}?[：:,，]?\s*)?(?:您好|你好)[！!。，,]?")
_OPENING_PHRASES = re.compile(
    r"(?:您的留言(?:已|我们已)?收悉|您的来信(?:已)?收悉|来信已收悉|留言已收悉|已收悉|"
    r"现(?:将有关情况|就有关问题|将调查核实情况|将相关情况|将办理情况)?(?:答复|回复)如下|"
    r"现(?:答复|回复)如下|答复如下|回复如下)[。：:，,！!]?")
_CLOSING = re.compile(
    r"(?:感谢您?(?:对|的)[^。！!]{0,40}(?:支持|关心|关注|监督|理解)[^。！!]{0,20}[。！!]?|"
    r"(?:谢谢|欢迎)[^。！!]{0,20}[。！!]?|"
    r"[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日\s*$)")
_QUOTE = re.compile(r"[“\"「]([^”\"」]{4,60})[”\"」]")
_USER_ID = re.compile(r"^[A-Z]{1,2}[0-9]{4,}$")

#: A message sentence that asks something (a question mark or a question word).
QUESTION = re.compile(r"[？?]|吗|为什么|为何|何时|什么时候|能否|能不能|可否|是否|怎么办|如何|"
                      r"多少|哪里|哪些|哪个|有没有|会不会|可不可以")
#: A rhetorical question: a complaint, not something to answer point by point.
RHETORICAL = re.compile(r"难道|岂|凭什么|还有没有|有没有王法|谁来管|不管吗|管不管|^没有[^。]*吗|"
                        r"天理|良心|还是不是|算什么|是何道理")
#: A question asking when.
ASKS_WHEN = re.compile(r"什么时候|何时|多久|哪天|几时|多长时间")
#: A date or time limit: a concrete when.
WHEN = re.compile(
    r"[0-9一二三四五六七八九十]{1,4}年[0-9一二三四五六七八九十]{1,2}月|"
    r"[0-9一二三四五六七八九十]{1,2}月(?:[0-9一二三四五六七八九十]{1,3}日|底|中旬|上旬|下旬|份)|"
    r"[0-9一二三四五六七八九十]+个?(?:工作日|日|天|周|星期|月)内|"
    r"年底|年内|月底|春节前|上半年|下半年|本周|下周|近日将|[0-9]+年(?:底|内|前)|"
    r"已于|[0-9一二三四五六七八九十]{1,2}月[0-9一二三四五六七八九十]{1,3}日")
#: Something done or decided: an action, a result or a figure.
ACTION = re.compile(
    r"(?:已|已经|目前已|正在|现已)(?!收悉|收到|转|移交)[\u4e00-\u9fff]|进行了|开展了|作出了|"
    r"经(?:过)?[^。，]{0,8}?(?:调查|核实|核查|查实|了解|勘察|检查|排查|现场|研究|协调)|"
    r"责令|约谈|立案|整改|拆除|处罚|罚款|清理|维修|修复|施工|验收|投入使用|办结|"
    r"于[0-9一二三四五六七八九十]+月|[0-9]+(?:万元|元|米|公里|户|人|台|个|件|处|平方米)")
#: A way to follow up: a phone number, a contact, an office or window.
CONTACT = re.compile(
    r"[0-9]{3,4}-[0-9]{7,8}|[0-9]{11}|(?:联系|咨询|服务|办公|值班|举报)电话|联系方式|联系人|"
    r"电话[:：]?[0-9]|可(?:到|至|前往|直接到)[^。]{0,20}(?:窗口|大厅|办公室|中心|所|科|站|局)|"
    r"(?:地址|办公地点)[:：]")
#: A policy or legal basis: a named law or document, an article, or a rule cited.
BASIS = re.compile(
    r"《[^》]{2,40}》|第[0-9一二三四五六七八九十百]+条|〔[0-9]{4}〕[0-9]+号|\[[0-9]{4}\][0-9]+号|"
    r"(?:根据|依据|按照|依照|遵照)[^。，]{0,30}(?:规定|办法|条例|法|意见|通知|政策|文件|标准|细则|规划)")
#: A reason given (weaker than a cited basis).
REASON = re.compile(r"原因(?:是|为|在于)|由于|因为|鉴于|主要是|受[^。]{1,10}影响")
#: A decision that refuses or postpones what was asked.
REFUSAL = re.compile(
    r"不予(?:受理|支持|批准|办理|采纳|考虑|解决|补偿|认定|登记|公开)|不符合|不属于|不在[^。]{0,8}范围|"
    r"不能(?:办理|享受|解决|满足|支持|批准)|无法(?:办理|解决|满足|支持|批准|实施)|暂不|暂缓|"
    r"不具备[^。]{0,10}条件|不同意|不支持|不能给予")
#: Handing the matter on with nothing else.
DEFLECT = re.compile(
    r"请(?:您)?(?:直接)?(?:咨询|联系|向|与)[^。]{0,30}|建议您?(?:咨询|向|到|通过)[^。]{0,30}|"
    r"(?:已|现已|已经|已将|现将)[^。]{0,10}?(?:转交|转至|转给|转办|移交|转)[^。]{0,30}")
#: A promise (will do) that needs a date.
PROMISE = re.compile(
    r"(?:将|会|尽快|抓紧|近期|争取|适时|择机|计划|拟|下一步)[^。，；]{0,4}?(?:安排|组织|开展|完成|"
    r"整改|查处|拆除|维修|修复|清理|处理|督促|落实|解决|恢复|更换|安装|开工|建设|改造|实施|推进|"
    r"研究|协调|调查|跟进|回复|答复|启动|修建|规划)")
#: Impolite wording towards the citizen.
IMPOLITE = re.compile(
    r"无理取闹|胡搅蛮缠|不要再|请勿再|别再|自行解决|自己解决|与本单位无关|与我们无关|不归我们管|"
    r"概不负责|你自己|少管|不要无理|纠缠|恶意投诉|不懂法")
#: Empty officialese; fine once, bureaucratic when it is most of what is said.
OFFICIALESE = re.compile(
    r"高度重视|认真研究|积极协调|依法依规|进一步加强|加大力度|有关部门|相关部门|统筹考虑|"
    r"综合考虑|按程序|逐步解决|积极推进|认真对待|妥善处理|密切关注")


def sentences(text: str) -> list[str]:
    """Sentences of a normalised text, split after 。！？；."""
    return [s.strip() for s in _SENTENCE_END.split(textmod.normalize(text)) if s.strip()]


def body(reply: str) -> str:
    """The reply without its greeting, its 已收悉/回复如下 opening and its thanks and date."""
    text = textmod.normalize(reply)
    text = _GREETING.sub("", text, count=1)
    for _ in range(2):
        text = _OPENING_PHRASES.sub("", text, count=1).lstrip("。，,：: ")
    kept = [s for s in sentences(text) if not _CLOSING.fullmatch(s)]
    while kept and _CLOSING.search(kept[-1]) and len(kept[-1]) < 80:
        kept.pop()
    return "".join(kept) or text


def quotes(text: str) -> list[str]:
    """Quoted passages of four characters or more (a reply often quotes the message's title)."""
    return [q for q in _QUOTE.findall(textmod.normalize(text)) if not _USER_ID.match(q)]


def questions(message: str) -> list[tuple[str, str]]:
    """The clauses of a message that ask something, each with its whole sentence."""
    out: dict[str, str] = {}
    for sentence in sentences(message):
        for part in re.split(r"(?<=[，,])", sentence):
            if QUESTION.search(part) and len(part) >= 4 and not RHETORICAL.search(part):
                out.setdefault(part.strip("，, "), sentence)
    return list(out.items())


def snippet(text: str, size: int = 24) -> str:
    """A short quotation of a text for a finding (cut with an ellipsis)."""
    text = text.strip()
    return text if len(text) <= size else text[:size] + "…"
