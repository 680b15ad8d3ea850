"""Staff pages of typical Q&A: pick an answered message (masked at once), edit (masked again),
submit; the leader returns or approves; staff publish; the ledger entry shows where and when it
went public; taking it down needs a reason. Both databases."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.tracker.publication.factory import answered_entry
from tracker.models import TypicalQA


def post(client, url, data=None, page="/publication/?month=2025-09"):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, page)})


def test_from_pick_to_publication(client, auth, session, demo_users):
    entry = answered_entry(session, url=None)
    session.commit()
    auth.login("staff", "staff-demo-123")
    listing = client.get("/publication/pick?month=2025-09").get_data(as_text=True)
    assert entry.title in listing
    made = post(client, f"/publication/pick/{entry.id}?month=2025-09")
    assert made.status_code == 303
    item = session.scalar(select(TypicalQA).where(TypicalQA.ledger_entry_id == entry.id))
    page = client.get(made.location).get_data(as_text=True)
    assert "王某某您好" in page and "138****5678" in page and "编辑中" in page

    saved = post(client, f"/publication/{item.id}", {
        "title": "幸福小区道路维修", "question": "王守义来信：手机13987654321，道路破损。",
        "answer": item.answer, "department_name": "市住房和城乡建设局", "category": "城乡建设",
        "policies": "城市道路管理条例 | 国务院令第198号 | https://www.gov.cn/road\n"
                    "坏链接 | | javascript:alert(1)"},
        page=f"/publication/{item.id}")
    assert saved.status_code == 303
    session.refresh(item)
    assert "13987654321" not in item.question and "王守义" not in item.question
    assert item.policies[1] == {"title": "坏链接", "number": "", "url": ""}
    assert "个人信息已自动遮蔽" in client.get(saved.location).get_data(as_text=True)
    assert post(client, f"/publication/{item.id}/submit").status_code == 303
    assert post(client, f"/publication/{item.id}/approve").status_code == 303  # staff: refused
    session.refresh(item)
    assert item.state == "submitted"

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    auth.login("leader", "leader-demo-123")
    review = client.get(f"/publication/{item.id}").get_data(as_text=True)
    assert "审签通过" in review and "退回修改" in review and "保存修改" not in review
    assert "答复质量" in review and "综合评分" in review  # the checks, shown at 审签
    assert post(client, f"/publication/{item.id}/approve", {"note": "同意发布"}).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    auth.login("staff", "staff-demo-123")
    assert post(client, f"/publication/{item.id}/publish").status_code == 303
    session.refresh(item)
    assert item.state == "published" and item.published_url == f"/public/qa/{item.id}"
    ledger = client.get(f"/ledger/{entry.id}").get_data(as_text=True)
    assert "作为典型问答公开" in ledger and f'href="/public/qa/{item.id}"' in ledger
    assert client.get(f"/public/qa/{item.id}").status_code == 200

    refused = client.get(post(client, f"/publication/{item.id}/unpublish").location)
    assert "请填写撤下理由" in refused.get_data(as_text=True)
    post(client, f"/publication/{item.id}/unpublish", {"note": "来信人要求撤下"})
    assert client.get(f"/public/qa/{item.id}").status_code == 404
    history = client.get(f"/publication/{item.id}").get_data(as_text=True)
    assert "来信人要求撤下" in history and re.search("撤下", history)


def test_proposals_and_the_empty_month(client, auth, session, demo_users):
    answered_entry(session, likes=40, reply="王守义您好，已转交有关部门处理。")
    session.commit()
    auth.login("staff", "staff-demo-123")
    empty = client.get("/publication/?month=2031-01").get_data(as_text=True)
    assert "本月还没有典型问答" in empty
    done = post(client, "/publication/propose?month=2025-09")
    page = client.get(done.location).get_data(as_text=True)
    assert "已生成" in page and "系统建议" in page and "公众关注度高" in page


def test_responders_and_visitors_stay_out(client, auth, session, demo_users):
    assert client.get("/publication/").status_code == 302
    auth.login("responder", "responder-demo-123")
    assert client.get("/publication/").status_code == 403
    assert client.get("/publication/pick").status_code == 403
