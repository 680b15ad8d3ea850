"""The domain's words in one place: levels, entry kinds, ledger statuses, roles, reply types.

Each enum's value is the code the database stores (changing one needs a migration); each
``*_LABELS`` table holds the Chinese words the UI, reports and messages show. This module
depends on nothing in tracker, so models, services and web can all import it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from analysis.types import Level as AnalysisLevel

# ---------------------------------------------------------------------------------------------
# Opinion levels (舆情等级)


class Level(enum.StrEnum):
    """Opinion levels of a ledger entry, lowest first (一般 / 较大 / 重大 / 特别重大)."""

    GENERAL = "general"
    LARGER = "larger"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """1 (一般) to 4 (特别重大): the rank the analysis gives the same level (无 is 0)."""
        return list(Level).index(self) + 1


LEVEL_LABELS: dict[Level, str] = {Level.GENERAL: "一般", Level.LARGER: "较大",
                                  Level.MAJOR: "重大", Level.CRITICAL: "特别重大"}

#: Words that mean "no level" in forms, imports and the CLI.
NO_LEVEL = frozenset({"", "无", "未定级", "none"})

# Ledger entries store the code; events and alerts store the analysis' level, whose value is
# the Chinese label: both spellings find the level, which is the one bridge between the two.
_LEVEL_WORDS: dict[str, Level] = {
    **{level.value: level for level in Level},
    **{label: level for level, label in LEVEL_LABELS.items()},
}

#: Rank of each level word an event or alert stores (无 is 0), for SQL ordering.
EVENT_LEVEL_RANKS: dict[str, int] = {level.value: level.rank for level in AnalysisLevel}


def level_of(value: str | None) -> Level | None:
    """The level named by a code (``major``) or a Chinese word (``重大``); None otherwise."""
    return _LEVEL_WORDS.get(str(value).strip()) if value is not None else None


def parse_level(value: str | Level | None) -> Level | None:
    """Like :func:`level_of`, but empty/无 means none and an unknown word is an error."""
    if value is None or str(value).strip() in NO_LEVEL:
        return None
    level = level_of(value)
    if level is None:
        raise ValueError(f"unknown level {value!r}; use one of " + "/".join(LEVEL_LABELS.values()))
    return level


def from_analysis(level: AnalysisLevel | str) -> Level | None:
    """The ledger level of an analysis level (None for 无), e.g. for an alert's entry."""
    return level_of(AnalysisLevel(level).value)


# ---------------------------------------------------------------------------------------------
# Ledger entry kinds


class Kind(enum.StrEnum):
    """The three kinds of ledger entry."""

    OPINION = "opinion"
    MESSAGE = "message"
    DISCLOSURE = "disclosure"


KIND_LABELS: dict[Kind, str] = {Kind.OPINION: "政务舆情", Kind.MESSAGE: "网民留言",
                                Kind.DISCLOSURE: "依申请公开"}

# ---------------------------------------------------------------------------------------------
# Ledger statuses, one enum per kind (the transitions live in tracker.ledger.states)


class OpinionStatus(enum.StrEnum):
    """政务舆情: 登记 → 研判 → 交办 → 办理 → 审签 → 回应 → 跟踪反馈 → 办结."""

    REGISTERED = "registered"
    ASSESSING = "assessing"
    ASSIGNED = "assigned"
    HANDLING = "handling"
    REVIEW = "review"
    RESPONDED = "responded"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


class MessageStatus(enum.StrEnum):
    """留言: 受理 → 交办 → 办理 → 审核 → 答复 → 回访 → 公开 → 归档.

    历史遗留 (``legacy``): an unanswered message that was already older than its board's
    archive horizon when it entered the ledger; it has no deadline until someone decides
    (结案 or 交办), see :mod:`tracker.ledger.archive`.
    """

    ACCEPTED = "accepted"
    ASSIGNED = "assigned"
    HANDLING = "handling"
    REVIEW = "review"
    REPLIED = "replied"
    VISITED = "visited"
    PUBLISHED = "published"
    ARCHIVED = "archived"
    LEGACY = "legacy"


class DisclosureStatus(enum.StrEnum):
    """依申请公开: 登记 → 审核 (→ 补正) → 办理 (→ 征求意见) → 答复 → 归档."""

    REGISTERED = "registered"
    REVIEWING = "reviewing"
    CORRECTING = "correcting"
    HANDLING = "handling"
    CONSULTING = "consulting"
    REPLIED = "replied"
    ARCHIVED = "archived"
    WITHDRAWN = "withdrawn"


STATUS_ENUMS: dict[Kind, type[enum.StrEnum]] = {
    Kind.OPINION: OpinionStatus, Kind.MESSAGE: MessageStatus, Kind.DISCLOSURE: DisclosureStatus,
}

STATUS_LABELS: dict[Kind, dict[str, str]] = {
    Kind.OPINION: {"registered": "登记", "assessing": "研判", "assigned": "交办",
                   "handling": "办理", "review": "审签", "responded": "回应",
                   "follow_up": "跟踪反馈", "closed": "办结"},
    Kind.MESSAGE: {"accepted": "受理", "assigned": "交办", "handling": "办理", "review": "审核",
                   "replied": "答复", "visited": "回访", "published": "公开", "archived": "归档",
                   "legacy": "历史遗留"},
    Kind.DISCLOSURE: {"registered": "登记", "reviewing": "审核", "correcting": "补正中",
                      "handling": "办理", "consulting": "征求意见中", "replied": "答复",
                      "archived": "归档", "withdrawn": "视为撤回"},
}


def status_label(kind: Kind | str, status: str) -> str:
    """The Chinese name of ``status`` for entries of ``kind``."""
    return STATUS_LABELS[Kind(kind)].get(status, status)


# ---------------------------------------------------------------------------------------------
# Follow-up satisfaction (回访评价): stored as the words themselves

SATISFACTION = ("满意", "基本满意", "不满意", "未评价")
#: The answers that count as satisfied (未评价 is a recorded answer too, counted as not).
SATISFIED = SATISFACTION[:2]

# ---------------------------------------------------------------------------------------------
# Roles


class RoleCode(enum.StrEnum):
    """The four roles of yuqing (see DESIGN.md); the first migration seeds their rows."""

    OPINION_STAFF = "opinion_staff"
    RESPONDER = "responder"
    LEADER = "leader"
    ADMIN = "admin"


ROLE_NAMES: dict[RoleCode, str] = {
    RoleCode.OPINION_STAFF: "舆情专员",
    RoleCode.RESPONDER: "部门办理人",
    RoleCode.LEADER: "领导",
    RoleCode.ADMIN: "管理员",
}

# ---------------------------------------------------------------------------------------------
# 依申请公开 reply types (条例 Art. 36)


@dataclass(frozen=True)
class ReplyType:
    """One reply type: its stored code, label, report row, the Art. 36 item and wording.

    Each type is one result row of the annual report table 3 (国办公开办函〔2021〕30号), so
    the annual report can count replies by type directly; only "already public" and
    "disclosed" share a report row.
    """

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


def reply_type(code: str | None) -> ReplyType | None:
    """The reply type with ``code`` (None when unknown or empty)."""
    return REPLY_TYPE_BY_CODE.get(code or "")


# ---------------------------------------------------------------------------------------------
# Policy documents (政策文件): validity (效力状态)


class Validity(enum.StrEnum):
    """Whether a policy document is in force: 有效, 废止 (repealed) or 修订 (revised)."""

    VALID = "valid"
    REPEALED = "repealed"
    REVISED = "revised"


VALIDITY_LABELS: dict[Validity, str] = {Validity.VALID: "有效", Validity.REPEALED: "废止",
                                        Validity.REVISED: "修订"}
#: Words an import or a form may use for each validity (codes and labels included).
VALIDITY_WORDS: dict[str, Validity] = {
    **{v.value: v for v in Validity}, **{label: v for v, label in VALIDITY_LABELS.items()},
    "现行有效": Validity.VALID, "失效": Validity.REPEALED, "已废止": Validity.REPEALED,
    "已失效": Validity.REPEALED, "已修订": Validity.REVISED, "已修改": Validity.REVISED,
    "修改": Validity.REVISED,
}
