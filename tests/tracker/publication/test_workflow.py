"""A typical Q&A from an answered message: masked with the writer's name, approved by a leader,
published, unpublished with a reason; the ledger entry records it; the public reads only what
is published. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.tracker.ledger.factory import actor, local
from tests.tracker.publication.factory import answered_entry, leader, staff
from tracker.models import AuditEvent, LedgerEntry
from tracker.publication import (
    PublicationError,
    PublicFilter,
    act,
    create_from_entry,
    public_item,
    public_page,
    publications_of,
    save_edit,
    version,
)


def publish_one(session, entry, **kw):
    item = create_from_entry(session, entry.id, staff(session))
    act(session, item, "submit", staff(session))
    act(session, item, "approve", leader(session))
    act(session, item, "publish", staff(session), url=f"/public/qa/{item.id}", **kw)
    return item


def test_a_draft_is_masked_with_the_writers_name(session, demo_users):
    entry = answered_entry(session)
    item = create_from_entry(session, entry.id, staff(session))
    assert item.state == "draft" and item.month == "2025-09"
    for text in (item.question, item.answer):
        assert "王守义" not in text and "13812345678" not in text
    assert item.answer.startswith("王某某您好") and "12345热线" in item.answer
    assert "138****5678" in item.question
    assert "市住房和城乡建设局" in item.answer and "2025年10月31日" in item.answer
    assert item.department_name == "市住房和城乡建设局" and item.category == "城乡建设"


def test_the_way_to_publication_and_back(session, demo_users):
    entry = answered_entry(session, url=None)  # replied, not yet public anywhere
    assert entry.status == "replied" and entry.published_at is None
    item = publish_one(session, entry, now=local("2025-10-02 09:00"))
    assert item.state == "published" and public_item(session, item.id) is item
    session.refresh(entry)
    assert entry.status == "published" and entry.published_at == local("2025-10-02 09:00")
    assert publications_of(session, entry.id) == [item]
    actions = set(session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "ledger_entry", AuditEvent.entity_id == str(entry.id))))
    assert {"publish", "qa_publish"} <= actions

    with pytest.raises(PublicationError, match="撤下理由"):
        act(session, item, "unpublish", staff(session))
    act(session, item, "unpublish", leader(session), note="当事人要求撤下")
    assert item.state == "unpublished" and public_item(session, item.id) is None
    assert item.unpublish_reason == "当事人要求撤下"
    reasons = session.scalars(select(AuditEvent.detail).where(
        AuditEvent.entity_type == "ledger_entry", AuditEvent.entity_id == str(entry.id),
        AuditEvent.action == "qa_unpublish"))
    assert [d["reason"] for d in reasons] == ["当事人要求撤下"]


def test_an_already_public_reply_keeps_its_ledger_time(session, demo_users):
    entry = answered_entry(session)  # seen on the board: published when replied
    before = entry.published_at
    publish_one(session, entry)
    assert session.get(LedgerEntry, entry.id).published_at == before


def test_roles_and_states_are_checked(session, demo_users):
    item = create_from_entry(session, answered_entry(session).id, staff(session))
    with pytest.raises(PublicationError, match="权限"):
        act(session, item, "submit", actor(session, "responder"))
    with pytest.raises(PublicationError, match="状态"):
        act(session, item, "publish", staff(session))
    act(session, item, "submit", staff(session))
    with pytest.raises(PublicationError, match="权限"):
        act(session, item, "approve", staff(session))
    with pytest.raises(PublicationError, match="退回意见"):
        act(session, item, "return", leader(session))
    act(session, item, "return", leader(session), note="请补充政策依据")
    assert item.state == "draft" and item.review_note == "请补充政策依据"


def test_an_edit_is_masked_again_and_a_published_item_cannot_be_edited(session, demo_users):
    item = create_from_entry(session, answered_entry(session).id, staff(session))
    save_edit(session, item, staff(session), {
        "question": "王守义再次来信，手机 13987654321。", "title": "道路维修",
        "policies": [{"title": "城市道路管理条例", "number": "", "url": ""}]})
    assert "王守义" not in item.question and "13987654321" not in item.question
    assert item.policies[0]["title"] == "城市道路管理条例"
    with pytest.raises(PublicationError, match="不能为空"):
        save_edit(session, item, staff(session), {"answer": "  "})
    act(session, item, "submit", staff(session))
    act(session, item, "approve", leader(session))
    act(session, item, "publish", staff(session))
    with pytest.raises(PublicationError, match="状态"):
        save_edit(session, item, staff(session), {"title": "改"})


def test_the_public_reads_only_published_items(session, demo_users):
    shown = publish_one(session, answered_entry(session, title="停车位收费标准"))
    approved = create_from_entry(session, answered_entry(session, title="停车位收费").id,
                                 staff(session))
    act(session, approved, "submit", staff(session))
    act(session, approved, "approve", leader(session))
    withdrawn = publish_one(session, answered_entry(session, title="停车位收费问题"))
    act(session, withdrawn, "unpublish", staff(session), note="内容有误")
    found = public_page(session, PublicFilter(query="停车位"))
    assert [i.id for i in found.items] == [shown.id] and found.total == 1
    assert public_item(session, approved.id) is None and public_item(session, withdrawn.id) is None
    assert public_page(session, PublicFilter(query="停车位", category="城乡建设")).total == 1
    assert public_page(session, PublicFilter(query="停车位", category="教育")).total == 0
    tag = version(session)
    act(session, shown, "unpublish", staff(session), note="过期")
    assert version(session) != tag
