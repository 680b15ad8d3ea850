"""Error text from deliveries and job runs, said in Chinese words for the pages.

The raw text (an exception line, an HTTP status, a robot's errmsg) stays in the database and
the logs for whoever debugs; a page shows what it means: 连接被拒绝, 超时, 服务器返回错误 500.
"""

from __future__ import annotations

import re

LATIN = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")
HTTP_STATUS = re.compile(r"\bHTTP (\d{3})\b")
ROBOT_CODE = re.compile(r"robot errcode (-?\d+)")

#: (pattern in the raw text, what it means); the first that matches wins.
KNOWN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), words) for pattern, words in (
        (r"SMTP is not configured", "未配置邮件服务器"),
        (r"recipient refused", "收件地址被邮件服务器拒绝"),
        (r"SMTP login failed|SMTPAuthentication", "邮件服务器登录失败，请检查账号和密码"),
        (r"webhook endpoint removed or disabled", "群机器人已删除或停用"),
        (r"redirects are not followed", "服务器要求跳转到别的地址，未继续发送"),
        (r"^refused ", "地址不安全（指向内网或本机），已拒绝发送"),
        (r"connection refused|ECONNREFUSED|Errno 111", "连接被拒绝"),
        (r"timed? ?out|timeout", "超时"),
        (r"Name or service not known|nodename nor servname|getaddrinfo|"
         r"Temporary failure in name resolution|UnresolvedHost|cannot resolve",
         "无法解析服务器域名"),
        (r"connection reset|broken pipe|RemoteDisconnected|ECONNRESET",
         "连接被对方中断"),
        (r"network is unreachable|no route to host", "网络不通"),
        (r"certificate|SSL", "安全证书校验失败"),
        (r"database is locked", "数据库正忙（被其他任务占用）"),
        (r"OperationalError|psycopg|sqlite3", "数据库出错"),
        (r"MemoryError", "内存不足"),
        (r"PermissionError|Permission denied", "没有文件或目录的访问权限"),
        (r"FileNotFoundError|No such file", "找不到所需的文件"),
        (r"SMTP", "邮件服务器出错"),
    ))


def plain_error(raw: str | None, fallback: str = "出错了，详细原因已记入系统日志") -> str:
    """What an error text means, in Chinese words, without English or codes.

    Text already in Chinese keeps its Chinese part (a crawl's own message before the log
    line it quotes); anything not recognised becomes ``fallback``.
    """
    text = (raw or "").strip()
    if not text:
        return ""
    if CJK.search(text) and not LATIN.search(text):
        return text
    meaning = _meaning(text)
    if CJK.search(text):
        head = _chinese_head(text)
        if head:
            return f"{head}：{meaning}" if meaning else head
    return meaning or fallback


def _meaning(text: str) -> str | None:
    for pattern, words in KNOWN:
        if pattern.search(text):
            return words
    if match := HTTP_STATUS.search(text):
        return f"服务器返回错误 {match.group(1)}"
    if match := ROBOT_CODE.search(text):
        return f"群机器人拒收（错误码 {match.group(1)}）"
    return None


def _chinese_head(text: str) -> str:
    """The Chinese part before the first Latin word, without a trailing colon."""
    cut = LATIN.search(text)
    head = text[:cut.start()] if cut else text
    return head.rstrip(" ：:（(，,").strip()
