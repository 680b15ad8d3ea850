"""The kind of appeal (诉求类型) a board message states in its title: 投诉, 举报, 求助, 建言,
咨询 or 感谢.

Why: the sentiment model learnt from Weibo posts, where a calm, formal text reads as positive.
A letter to the 书记 that opens with 尊敬的 and 您好, cites the plan and asks for the line to
be buried scores as positive, yet it is a complaint and a human reader of the board counts it
as negative opinion. Boards themselves sort messages by this kind: the 人民网领导留言板 list
API carries a ``typeName`` (投诉/求助/建言/咨询…), and 12345 work orders have the same types.
Where the board gives no type, the writer's title usually says it (关于…的投诉, 反映…问题,
举报…, 求助, 请问…？).

Only the writer's own words decide, and only in the title, the words the writer chose to name
the message: a title with no such word has no type (None), and the sentiment score alone
speaks for it. The types are tried in a fixed order, so 投诉 beats 咨询 in "请问投诉…有用吗".
"""

from __future__ import annotations

import re

from analysis.text import normalize

#: (type, words that declare it), in the order they are tried.
APPEAL_WORDS: tuple[tuple[str, str], ...] = (
    ("举报", "举报|检举|揭发"),
    ("投诉", "投诉|反映|反对|控诉|曝光"),
    ("求助", "求助|求救|救救|帮帮|恳请|恳求"),
    ("感谢", "感谢|表扬|致谢|谢谢|点赞"),
    ("建言", "建议|建言|提议|献策|呼吁"),
    ("咨询", r"咨询|请问|问问|询问|能否|是否|何时|什么时候|怎么办|如何|吗|\?|？"),
)
APPEALS = tuple(name for name, _ in APPEAL_WORDS)
#: Appeals that are negative opinion whatever the tone: a complaint, a report, a plea for help.
NEGATIVE_APPEALS = frozenset({"投诉", "举报", "求助"})

_PATTERNS = tuple((name, re.compile(words)) for name, words in APPEAL_WORDS)


def appeal_of(title: str | None) -> str | None:
    """The appeal a message title declares (one of APPEALS), or None when it declares none."""
    title = normalize(title or "")
    for name, pattern in _PATTERNS:
        if pattern.search(title):
            return name
    return None


def counts_negative(sentiment: float, appeal: str | None, negative_below: float = 0.5) -> bool:
    """Whether a message counts in an event's negative share: negative in tone, or a complaint,
    report or plea for help however calmly written."""
    return sentiment < negative_below or appeal in NEGATIVE_APPEALS
