"""依申请公开 written replies (书面答复): the parts of the reply text and its legal basis.

The reply types themselves (Art. 36) are words of the domain: :mod:`tracker.vocabulary`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.vocabulary import reply_type

REMEDIES = ("如对本答复不服，可以自收到本答复之日起 60 日内依法申请行政复议，"
            "或者自收到本答复之日起 6 个月内依法向人民法院提起行政诉讼。")

APPLICANT_TYPES = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
RECEIPT_CHANNELS = ("当面提交", "邮寄", "网络", "传真", "其他")


@dataclass(frozen=True)
class WrittenReply:
    """The parts of a 书面答复, rendered by the web page (autoescaped)."""

    applicant: str
    received: str
    request: str
    search_done: str
    decision: str
    content: str
    legal_basis: str
    remedies: str
    agency: str
    date: str


def legal_basis_for(code: str) -> str:
    """The default legal basis sentence for a reply type."""
    found = reply_type(code)
    article = found.article if found else "第三十六条"
    return f"依据《中华人民共和国政府信息公开条例》{article}的规定，作出本答复。"
