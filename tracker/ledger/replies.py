"""依申请公开 written replies (书面答复): reply types (Art. 36) and the reply text.

Each reply type is one result row of the annual report table 3 (国办公开办函〔2021〕30号),
annotated with the Art. 36 item the written reply cites, so the annual report can count
replies by type directly. Only "already public" and "disclosed" share a report row.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReplyType:
    """One reply type: its report row, the Art. 36 item and the decision wording."""

    code: str
    label: str
    report_row: str
    article: str
    decision: str


REPLY_TYPES: tuple[ReplyType, ...] = (
    ReplyType("already_public", "已主动公开", "（一）予以公开", "第三十六条第（一）项",
              "您申请的政府信息已经主动公开，可通过下列方式和途径获取。"),
    ReplyType("disclosed", "予以公开", "（一）予以公开", "第三十六条第（二）项",
              "您申请的政府信息可以公开，现随本答复提供（或告知获取方式、途径和时间）。"),
    ReplyType("partly", "部分公开", "（二）部分公开", "第三十六条第（二）、（三）项及第三十七条",
              "您申请的政府信息部分可以公开，可以公开的部分现予提供，其余部分不予公开，理由如下。"),
    ReplyType("withheld_secret", "不予公开：属于国家秘密", "（三）不予公开 1.属于国家秘密",
              "第三十六条第（三）项、第十四条", "您申请的政府信息属于国家秘密，依法不予公开。"),
    ReplyType("withheld_law", "不予公开：其他法律行政法规禁止公开",
              "（三）不予公开 2.其他法律行政法规禁止公开", "第三十六条第（三）项、第十四条",
              "您申请的政府信息属于法律、行政法规禁止公开的信息，依法不予公开。"),
    ReplyType("withheld_safety", "不予公开：危及“三安全一稳定”",
              "（三）不予公开 3.危及“三安全一稳定”", "第三十六条第（三）项、第十四条",
              "您申请的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，依法不予公开。"),
    ReplyType("withheld_third_party", "不予公开：保护第三方合法权益",
              "（三）不予公开 4.保护第三方合法权益", "第三十六条第（三）项、第十五条",
              "您申请的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，不予公开。"),
    ReplyType("withheld_internal", "不予公开：属于三类内部事务信息",
              "（三）不予公开 5.属于三类内部事务信息", "第三十六条第（三）项、第十六条第一款",
              "您申请的政府信息属于内部事务信息，可以不予公开。"),
    ReplyType("withheld_process", "不予公开：属于四类过程性信息",
              "（三）不予公开 6.属于四类过程性信息", "第三十六条第（三）项、第十六条第二款",
              "您申请的政府信息属于过程性信息，可以不予公开。"),
    ReplyType("withheld_enforcement", "不予公开：属于行政执法案卷",
              "（三）不予公开 7.属于行政执法案卷", "第三十六条第（三）项、第十六条第二款",
              "您申请的政府信息属于行政执法案卷信息，可以不予公开。"),
    ReplyType("withheld_query", "不予公开：属于行政查询事项", "（三）不予公开 8.属于行政查询事项",
              "第三十六条第（三）项", "您申请的事项属于行政查询事项，请通过相应查询渠道办理。"),
    ReplyType("not_held", "无法提供：本机关不掌握相关政府信息",
              "（四）无法提供 1.本机关不掌握相关政府信息", "第三十六条第（四）项",
              "经检索，本机关没有您申请公开的政府信息，该政府信息不存在。"),
    ReplyType("needs_creation", "无法提供：没有现成信息需要另行制作",
              "（四）无法提供 2.没有现成信息需要另行制作", "第三十八条",
              "您申请的信息需要本机关对现有政府信息进行加工、分析，本机关可以不予提供。"),
    ReplyType("still_unclear", "无法提供：补正后申请内容仍不明确",
              "（四）无法提供 3.补正后申请内容仍不明确", "第三十条",
              "您补正后的申请内容仍不明确，本机关无法确定您所需的政府信息。"),
    ReplyType("not_ours", "不属于本机关负责公开", "（四）无法提供 1.本机关不掌握相关政府信息",
              "第三十六条第（五）项",
              "您申请的政府信息不属于本机关负责公开，负责公开的机关及其联系方式见下文。"),
    ReplyType("complaint", "不予处理：信访举报投诉类申请",
              "（五）不予处理 1.信访举报投诉类申请", "第三十九条第一款",
              "您提出的属于信访、投诉、举报等诉求，请通过相应渠道提出，本机关不作为政府信息公开申请处理。"),
    ReplyType("repeat", "不予处理：重复申请", "（五）不予处理 2.重复申请", "第三十六条第（六）项",
              "本机关已就您提出的相同政府信息公开申请作出答复，不予重复处理。"),
    ReplyType("publication", "不予处理：要求提供公开出版物", "（五）不予处理 3.要求提供公开出版物",
              "第三十六条第（一）项", "您要求提供的是公开出版物，请通过公开渠道获取。"),
    ReplyType("mass_requests", "不予处理：无正当理由大量反复申请",
              "（五）不予处理 4.无正当理由大量反复申请", "第三十五条",
              "您的申请数量、频次明显超过合理范围，本机关不予处理（或要求说明理由）。"),
    ReplyType("confirm_request", "不予处理：要求确认或重新出具已获取信息",
              "（五）不予处理 5.要求行政机关确认或重新出具已获取信息", "第三十九条第二款",
              "您要求本机关确认或重新出具已获取的信息，不作为政府信息公开申请处理。"),
    ReplyType("special_register", "按特别规定办理（工商、不动产登记资料等）",
              "（六）其他处理 3.其他",
              "第三十六条第（七）项",
              "您申请的信息属于有关法律、行政法规对获取有特别规定的资料，请依照相关规定办理。"),
    ReplyType("other_no_correction", "其他处理：逾期不补正，不再处理",
              "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "第三十条", "您无正当理由逾期未补正，视为放弃申请，本机关不再处理该申请。"),
)

REPLY_TYPE_BY_CODE = {t.code: t for t in REPLY_TYPES}

REMEDIES = ("如对本答复不服，可以自收到本答复之日起 60 日内依法申请行政复议，"
            "或者自收到本答复之日起 6 个月内依法向人民法院提起行政诉讼。")

APPLICANT_TYPES = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
RECEIPT_CHANNELS = ("当面提交", "邮寄", "网络", "传真", "其他")


def reply_type(code: str | None) -> ReplyType | None:
    """The reply type with ``code`` (None when unknown or empty)."""
    return REPLY_TYPE_BY_CODE.get(code or "")


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
