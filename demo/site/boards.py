"""Two government message boards with different markup, URL schemes and encodings.

Board A (市长信箱) copies the layout of 人民网领导留言板 (boards_real in the shared data): UTF-8,
``/board-a/threads/list?fid=101&page=N`` and ``/board-a/threads/content?tid=ID``, times as
``2019-04-25 09:32``. Board B (问政平台) is an older table layout served in GBK, with static
paths ``/wz/lyb/index_N.html`` and ``/wz/lyb/2019/0425/ID.shtml``, relative times on the list
and ``2019年4月25日 09:32`` / ``2019/5/10 14:56:53`` on the detail page.
"""

from __future__ import annotations

from datetime import datetime

from demo.site.data import Message
from demo.site.html import (
    Page,
    cn_date,
    document,
    esc,
    not_found,
    pager,
    paragraphs,
    relative_form,
    slash_time,
    with_breaks,
)

PAGE_SIZE = 15
A_LIST = "/board-a/threads/list?fid=101&page={n}"
A_DETAIL = "/board-a/threads/content?tid={id}"
# Fixtures on board A's first list page: links that fail in the ways real boards fail.
A_BROKEN = (("900404", "【演示】此留言已被删除"), ("900500", "【演示】服务器出错的留言"),
            ("900302", "【演示】循环跳转的留言"))
# Fixtures on board B's first list page: pages that arrive broken.
B_BROKEN = (("999001", "【演示】传输中断的留言"), ("999002", "【演示】缺少标题的留言"),
            ("999003", "【演示】时间无法识别的留言"))


def visible(messages: list[Message], now: datetime) -> list[Message]:
    """The messages posted by ``now`` (newest first, as given)."""
    return [m for m in messages if m.submitted <= now]


def replied(message: Message, now: datetime) -> bool:
    """Whether the reply is out by ``now``."""
    return message.replied is not None and message.replied <= now


def _pages(count: int) -> int:
    return max(1, -(-count // PAGE_SIZE))


def _slice(messages: list[Message], page: int) -> list[Message]:
    return messages[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]


def a_list(messages: list[Message], now: datetime, page: int) -> Page:
    """Board A's list page ``page``."""
    shown = visible(messages, now)
    if page < 1 or page > _pages(len(shown)):
        return not_found(A_LIST.format(n=page))
    rows = []
    for message in _slice(shown, page):
        state = ('<em class="green">已办理</em>' if replied(message, now)
                 else '<em class="red">待回复</em>')
        rows.append(
            f'<li><h2><b><a href="{A_DETAIL.format(id=message.id)}" target="_blank">'
            f"{esc(message.title)}</a></b>{state}</h2>"
            f'<h3 class="grey2"><span>{esc(message.user)}&nbsp;&nbsp;'
            f"{message.submitted:%Y-%m-%d}</span></h3>"
            f"<p>{esc(message.body.strip()[:60])}…[查看全文]</p></li>")
    if page == 1:
        for tid, title in A_BROKEN:
            rows.insert(2, f'<li><h2><b><a href="{A_DETAIL.format(id=tid)}">{esc(title)}</a>'
                           '</b><em class="red">待回复</em></h2></li>')
    body = (f'<div class="path_2j w1200 grey2">当前位置：首页 &gt; 地方领导 &gt; 西地省 &gt; '
            f'<i>A市市长信箱</i></div><ul id="list_content" class="showMoreNChildren">'
            f'{"".join(rows)}</ul>'
            f"{pager(_pages(len(shown)), page, lambda n: A_LIST.format(n=n))}")
    return Page(document("A市市长信箱 - 领导留言板", body))


def a_detail(message: Message, now: datetime, *, inject_script: bool = False,
             malformed: bool = False) -> Page:
    """Board A's page for one message, laid out like 人民网领导留言板."""
    answered = replied(message, now)
    state = '<em class="green">已办理</em>' if answered else '<em class="red">待回复</em>'
    content = with_breaks(message.body)
    if inject_script:  # a third-party script inside the content, as injected ads are
        content += "<script>document.write('<b>广告：点击领取红包</b>');</script>"
    close_p = "" if malformed else "</p>"
    reply = ""
    if answered:
        unit = (f'<h3><i class="red">{esc(message.department)}</i></h3>'
                if message.department else "")
        reply = (f'<li class="reply"><span class="title">回复</span>{unit}'
                 f'<p class="zoom">{with_breaks(message.reply or "")}</p>'
                 f'<h3><em class="grey2">回复时间：{message.replied:%Y-%m-%d %H:%M}</em></h3></li>')
    body = (
        '<div class="path_2j w1200 grey2">当前位置：首页 &gt; 地方领导 &gt; 西地省 &gt; '
        '<i>A市市长信箱</i></div>'
        '<div class="liuyan_box03 w1200 clearfix"><h2><b>'
        f'<span class="context-title-text">{esc(message.title)}</span>{state}</b></h2>'
        f'<h3 class="fl grey2 clearfix"><span>{esc(message.user)}&nbsp;&nbsp;&nbsp;&nbsp;'
        f"{message.submitted:%Y-%m-%d %H:%M}&nbsp;&nbsp;&nbsp;&nbsp;</span></h3>"
        f'<p class="zoom content">{content}{close_p}'
        + ("</span>" if malformed else "") +
        '</div><div class="clearfix liuyan_box04 w1200"><ul></ul></div>'
        f'<div class="clearfix liuyan_box05 w1200"><ul>{reply}</ul></div>'
    )
    return Page(document(f"{message.title} - A市市长信箱 - 领导留言板", body))


def b_detail_path(message_id: str, submitted: datetime) -> str:
    """Board B's static path of a message."""
    return f"/wz/lyb/{submitted:%Y}/{submitted:%m%d}/{message_id}.shtml"


def b_list(messages: list[Message], now: datetime, page: int) -> Page:
    """Board B's list page ``page`` (GBK), with relative dates for recent messages."""
    shown = visible(messages, now)
    if page < 1 or page > _pages(len(shown)):
        return not_found(f"/wz/lyb/index_{page}.html")
    rows = []
    for message in _slice(shown, page):
        when = relative_form(message.submitted, now) or f"{message.submitted:%Y-%m-%d}"
        href = b_detail_path(message.id, message.submitted).removeprefix("/wz/lyb/")
        rows.append(f'<tr class="lyb-row"><td>{message.id}</td><td class="t">'
                    f'<a href="{href}" title="{esc(message.title)}">{esc(message.title)}</a>'
                    f'</td><td>{"已回复" if replied(message, now) else "未回复"}</td>'
                    f"<td>{when}</td></tr>")
    if page == 1:
        for mid, title in B_BROKEN:
            rows.insert(3, f'<tr class="lyb-row"><td>{mid}</td><td class="t"><a href="2019/1231/'
                           f'{mid}.shtml">{esc(title)}</a></td><td>未回复</td><td>刚刚</td></tr>')
    body = ('<div id="header">问政西地省 · B市网络问政平台</div>'
            '<table class="lyb-list" width="100%"><tr><th>编号</th><th>留言标题</th>'
            f'<th>状态</th><th>时间</th></tr>{"".join(rows)}</table>'
            f"{pager(_pages(len(shown)), page, _b_href)}")
    return Page(document("留言板_问政西地省", body, charset="gb2312"), charset="gbk")


def _b_href(n: int) -> str:
    return "index.html" if n == 1 else f"index_{n}.html"


def b_detail(message: Message, now: datetime, *, missing_title: bool = False,
             when_text: str | None = None) -> Page:
    """Board B's page for one message (GBK, table layout)."""
    answered = replied(message, now)
    state = ('<font color="green">已回复</font>' if answered
             else '<font color="red">未回复</font>')
    when = when_text or relative_form(message.submitted, now) or cn_date(message.submitted)
    votes = ""
    if message.likes is not None:
        votes = (f'<th>支持/反对：</th><td class="msg-votes"><span class="up">{message.likes}'
                 f'</span> / <span class="down">{message.dislikes or 0}</span></td>')
    title_row = "" if missing_title else (
        f'<tr><th>留言标题：</th><td colspan="3" class="msg-title">{esc(message.title)}</td></tr>')
    reply = ""
    if answered:
        unit = f'答复单位：<span class="dept">{esc(message.department)}</span>　' if (
            message.department) else ""
        reply = (f'<div class="reply-box"><div class="reply-head">{unit}答复时间：'
                 f'<span class="reply-time">{slash_time(message.replied)}</span></div>'
                 f'<div class="reply-content">{paragraphs(message.reply or "")}</div></div>')
    body = (
        '<div id="header">问政西地省 · B市网络问政平台</div>'
        '<div class="crumb">首页 » 留言板 » 留言详情</div><table class="msg-info" width="100%">'
        f'<tr><th>留言编号：</th><td class="msg-id">{message.id}</td><th>留言人：</th>'
        f'<td class="msg-user">{esc(message.user)}</td></tr>{title_row}'
        f'<tr><th>留言时间：</th><td class="msg-time">{when}</td><th>处理状态：</th>'
        f'<td class="msg-state">{state}</td></tr>'
        f'<tr><th>所属类别：</th><td class="msg-cat">{esc(message.category or "")}</td>{votes}</tr>'
        f'</table><div class="msg-content">{paragraphs(message.body)}</div>{reply}'
    )
    return Page(document(f"{message.title}_问政西地省", body, charset="gb2312"), charset="gbk")
