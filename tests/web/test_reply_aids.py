"""While replying to a board message: the reply form shows similar answered questions and
related policies; ticked policies are stored with the reply and shown on the entry; an
unknown policy is refused with nothing stored. Both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.tracker.ledger.factory import HOUSING, department_id
from tests.tracker.qa.qa_factory import answered, seed
from tests.web.test_ledger_pages import post_action, sign_in, token
from tracker.models import LedgerResponse
from tracker.models.qa_base import ReplyPolicy
from tracker.qa import save_policy, sync_answered

ENROL = {"id": "jy-2024-3", "title": "关于做好义务教育招生入学工作的通知",
         "number": "市教发〔2024〕3号",
         "text": "适龄儿童入学需提供户口簿、居住证和房产证明等材料。"}


@pytest.fixture
def handling(session, settings, demo_users):
    """A board message assigned to the housing bureau and accepted, with an answered base."""
    seed(session)
    sync_answered(session)
    save_policy(session, settings, ENROL)
    entry = answered(session, "孩子上小学要准备什么材料", "孩子明年上小学，报名要带哪些证件？", "",
                     department="", replied=False)
    entry.status = "handling"
    entry.lead_department_id = department_id(session, HOUSING)
    session.commit()
    return entry.id


def test_reply_form_shows_similar_answers_and_policies(client, auth, demo_users, handling):
    sign_in(auth, demo_users, "responder")
    html = client.get(f"/ledger/{handling}").get_data(as_text=True)
    aids = html[html.index("data-reply-aids"):]
    assert "相似的已答问题" in aids and "孩子小学入学需要准备哪些材料" in aids
    # the newer answer (no follow-up yet) replaced the one rated 满意
    assert "市教育局" in aids and "未回访" in aids and "同类留言 2 条" in aids
    assert "《关于做好义务教育招生入学工作的通知》（市教发〔2024〕3号）" in aids
    assert 'name="bundle" value="jy-2024-3"' in aids
    assert "reply_aids.js" in html


def test_bundle_is_stored_with_the_reply_and_shown(client, auth, demo_users, handling,
                                                   session):
    sign_in(auth, demo_users, "responder")
    data = {"submit-channel": "网站答复", "submit-content": "依据《关于做好义务教育招生入学"
            "工作的通知》（市教发〔2024〕3号）第3条，请携带户口簿报名。",
            "submit-csrf_token": token(client), "bundle": ["jy-2024-3"]}
    response = client.post(f"/ledger/{handling}/submit", data=data)
    assert response.status_code == 303
    stored = session.scalars(select(ReplyPolicy).join(
        LedgerResponse, LedgerResponse.id == ReplyPolicy.response_id).where(
        LedgerResponse.entry_id == handling)).all()
    assert [(r.policy_id, r.number) for r in stored] == [("jy-2024-3", "市教发〔2024〕3号")]
    page = client.get(f"/ledger/{handling}").get_data(as_text=True)
    bundle = page[page.index("data-bundle"):]
    assert "随答复推送的相关政策" in bundle and "《关于做好义务教育招生入学工作的通知》" in bundle


def test_unknown_policy_in_bundle_is_refused(client, auth, demo_users, handling, session):
    sign_in(auth, demo_users, "responder")
    before = session.scalar(select(func.count(LedgerResponse.id)))
    data = {"submit-channel": "网站答复", "submit-content": "答复",
            "submit-csrf_token": token(client), "bundle": ["nope"]}
    refused = client.post(f"/ledger/{handling}/submit", data=data)
    assert refused.status_code == 400 and "所选政策不存在" in refused.get_data(as_text=True)
    assert session.scalar(select(func.count(LedgerResponse.id))) == before
    response = post_action(client, handling, "submit", channel="网站答复", content="答复")
    assert response.status_code == 303  # without a bundle the reply goes through
    assert session.scalar(select(func.count(LedgerResponse.id))) == before + 1
    html = client.get(f"/ledger/{handling}").get_data(as_text=True)
    assert "data-reply-aids" not in html  # submitted: no reply form any more
