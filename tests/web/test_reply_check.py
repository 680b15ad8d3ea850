"""The reply checklist: the responder checks a draft (JSON and without JavaScript), the leader
sees the checks of the reply awaiting 审签 on the entry page and in the inbox. Both databases."""

import pytest

from tests.web.test_ledger_pages import post_action, sign_in, token, world  # noqa: F401

REFUSAL = "您好！经核实，您的情况不符合条件，不予办理。"
GOOD = ("您好！经现场核实，我局已于10月8日组织抢修，小区供水已恢复正常。根据《城市供水条例》"
        "第二十条，停水须提前24小时通知，我局已约谈供水公司。咨询电话0731-84411234。")


@pytest.fixture
def accepted(client, auth, demo_users, world):  # noqa: F811
    """The housing opinion accepted by the housing responder, who stays signed in."""
    sign_in(auth, demo_users, "responder")
    assert post_action(client, world["housing"], "accept").status_code == 303
    return world["housing"]


def check(client, entry_id, content, json=True):
    headers = {"Accept": "application/json"} if json else {}
    return client.post(f"/ledger/{entry_id}/reply-check", headers=headers,
                       data={"submit-content": content, "submit-csrf_token": token(client)})


def test_the_reply_form_carries_the_checklist(client, accepted):
    html = client.get(f"/ledger/{accepted}").get_data(as_text=True)
    form = html.split('data-action="submit"', 1)[1].split("</form>", 1)[0]
    assert "data-reply-check" in form and "检查答复" in form
    assert "reply_check.js" in html


def test_a_draft_is_checked_as_json_in_chinese(client, accepted):
    response = check(client, accepted, REFUSAL)
    assert response.status_code == 200 and response.is_json
    data = response.get_json()
    assert set(data) == {"relevance", "completeness", "interpretability", "score", "problems",
                         "findings"}
    assert any("没有说明政策或法律依据" in p for p in data["problems"])
    good = check(client, accepted, GOOD).get_json()
    assert good["interpretability"] == 1.0 and good["score"] > data["score"]


def test_without_javascript_the_page_comes_back_with_the_draft_and_the_list(client, accepted):
    response = check(client, accepted, REFUSAL, json=False)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "不予办理" in html.split('data-action="submit"', 1)[1].split("</textarea>", 1)[0]
    assert "data-check-problems" in html and "没有说明政策或法律依据" in html


def test_an_empty_draft_says_what_to_do(client, accepted):
    response = check(client, accepted, "  ")
    assert response.status_code == 400 and "请先填写答复内容" in response.get_json()["error"]
    page = check(client, accepted, "", json=False)
    assert page.status_code == 400 and "请先填写答复内容" in page.get_data(as_text=True)


def test_the_check_is_scoped_like_the_entry(client, auth, demo_users, world):  # noqa: F811
    sign_in(auth, demo_users, "other")  # the transport responder cannot see housing
    assert check(client, world["housing"], GOOD).status_code == 404
    assert check(client, world["transport"], GOOD).status_code == 200


def test_a_check_without_the_csrf_token_is_refused(client, accepted):
    response = client.post(f"/ledger/{accepted}/reply-check", data={"submit-content": GOOD},
                           headers={"Accept": "application/json"})
    assert response.status_code == 400


def test_the_leader_sees_the_checks_at_sign_off(client, auth, demo_users, accepted):
    assert post_action(client, accepted, "submit", channel="发布权威信息",
                       content=REFUSAL).status_code == 303
    auth.logout()
    sign_in(auth, demo_users, "leader")
    html = client.get(f"/ledger/{accepted}").get_data(as_text=True)
    approve = html.split('data-action="approve"', 1)[1].split("</form>", 1)[0]
    assert "data-approval-check" in approve and "没有说明政策或法律依据" in approve
    inbox = client.get("/leader").get_data(as_text=True)
    item = inbox.split(f'data-entry="{accepted}"', 1)[1].split('data-form="approve"', 1)[0]
    assert "答复自查结果" in item and "没有说明政策或法律依据" in item
