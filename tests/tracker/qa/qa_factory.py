"""Answered board messages as ledger entries, for the Q&A base tests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from tracker.models import LedgerEntry, LedgerResponse
from tracker.models.ledger import LedgerFollowUp


def answered(session: Session, title: str, body: str, reply: str, *, department: str,
             category: str = "教育文体", day: int = 1, satisfaction: str | None = None,
             replied: bool = True) -> LedgerEntry:
    """A message-kind ledger entry with an approved reply (or none when ``replied=False``)."""
    at = datetime(2025, 3, day, 9, 0, tzinfo=UTC)
    entry = LedgerEntry(kind="message", status="replied" if replied else "accepted",
                        title=title, summary=body, category=category, received_at=at,
                        replied_at=at if replied else None)
    if replied:
        entry.responses.append(LedgerResponse(state="approved", content=reply,
                                              department_name=department, responded_at=at))
    if satisfaction:
        entry.follow_ups.append(LedgerFollowUp(at=at, method="电话回访",
                                               satisfaction=satisfaction, outcome="已回访"))
    session.add(entry)
    session.flush()
    return entry


def seed(session: Session) -> dict[str, LedgerEntry]:
    """Five answered messages: two askings of one question, three distinct ones."""
    return {
        "school1": answered(
            session, "孩子小学入学需要准备哪些材料",
            "我家孩子今年满六岁，想在A3区上小学，请问入学报名需要准备哪些材料？",
            "适龄儿童入学需提供户口簿、房产证明或居住证。", department="市教育局", day=1,
            satisfaction="满意"),
        "school2": answered(
            session, "孩子小学入学需要准备哪些材料",
            "我家孩子今年满六岁，想在A3区上小学，请问入学报名需要准备哪些材料？！",
            "请携带户口簿、房产证明或居住证到学校报名。", department="市教育局", day=5),
        "noise": answered(
            session, "小区旁工地夜间施工噪音扰民",
            "A2区某小区旁边的工地每天晚上十一点后还在施工，噪音很大，无法休息。",
            "经查，该工地已被责令停止夜间施工。", department="市生态环境局",
            category="环境保护", day=2, satisfaction="不满意"),
        "pension": answered(
            session, "城乡居民养老保险怎么缴费", "想了解城乡居民基本养老保险的缴费档次和方式。",
            "可通过社保卡银行网点或手机缴费，档次分为十二档。", department="市人社局",
            category="劳动和社会保障", day=3),
        "bus": answered(
            session, "建议增开公交线路", "B1区新小区入住率高，但没有公交车，出行不便。",
            "已将该建议纳入今年线网优化方案。", department="市交通运输局",
            category="交通运输", day=4),
    }
