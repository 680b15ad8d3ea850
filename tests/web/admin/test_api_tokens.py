"""The 接口令牌 page as an admin uses it (both databases): a token made on the page shows its
secret once, works on the API within its scope, is listed with its scope in words and never
shown again; revoking it on the page makes the API answer 401."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.models import ApiToken, Department

PAGE = "/admin/api-tokens"


def sign_in_admin(auth, demo_users) -> None:
    account = demo_users["admin"]
    assert auth.login(account.username, account.password).status_code == 302


def secret_of(html: str) -> str | None:
    found = re.search(r'value="(yq_[^"]+)" data-token-secret', html)
    return found.group(1) if found else None


def test_create_use_and_revoke_a_token_on_the_page(client, auth, demo_users, session):
    sign_in_admin(auth, demo_users)
    empty = client.get(PAGE).get_data(as_text=True)
    assert "还没有接口令牌" in empty
    token = csrf_token(client, PAGE)
    made = client.post(f"{PAGE}/new", data={"csrf_token": token, "name": "热线对接",
                                             "binding": "source", "new_source": "12345热线"})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    html = made.get_data(as_text=True)
    secret = secret_of(html)
    assert secret and "令牌只显示这一次" in html
    assert "留言来源“12345热线”：推送留言、查看办理情况" in html
    row = session.scalar(select(ApiToken).where(ApiToken.name == "热线对接"))
    assert row is not None and secret not in row.token_hash
    listed = client.get(PAGE).get_data(as_text=True)
    assert secret not in listed and "热线对接" in listed and "从未使用" in listed
    pushed = client.post("/api/v1/messages", headers={"Authorization": f"Bearer {secret}"},
                         json={"number": "P-1", "title": "路灯不亮",
                               "received_at": "2024-05-06 09:00"})
    assert pushed.status_code == 201, pushed.get_json()
    assert "从未使用" not in client.get(PAGE).get_data(as_text=True)
    revoked = client.post(f"{PAGE}/{row.id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 303
    after = client.get(PAGE).get_data(as_text=True)
    assert "已吊销令牌“热线对接”" in after and "已吊销（" in after
    again = client.post("/api/v1/messages", headers={"Authorization": f"Bearer {secret}"},
                        json={"number": "P-2", "title": "x", "received_at": "2024-05-06 09:00"})
    assert again.status_code == 401


def test_department_and_metrics_tokens_and_mistakes(client, auth, demo_users, session):
    sign_in_admin(auth, demo_users)
    token = csrf_token(client, PAGE)
    department = session.scalars(select(Department.name).order_by(Department.id)).first()
    made = client.post(f"{PAGE}/new", data={"csrf_token": token, "name": "部门查询",
                                             "binding": "department", "department": department})
    assert f"部门“{department}”：查看办理情况" in made.get_data(as_text=True)
    metrics = client.post(f"{PAGE}/new", data={"csrf_token": token, "name": "统计",
                                                "binding": "none", "scopes": "metrics:read"})
    assert "全局：读取统计指标" in metrics.get_data(as_text=True)
    for data, says in (({"name": "部门查询", "binding": "none"}, "已被使用"),
                       ({"name": "", "binding": "none"}, "令牌名称须为"),
                       ({"name": "推送", "binding": "none", "scopes": "messages:write"},
                        "只有绑定留言来源的令牌才能推送留言"),
                       ({"name": "无源", "binding": "source"}, "请选择或填写留言来源")):
        refused = client.post(f"{PAGE}/new", data={"csrf_token": token, **data})
        assert refused.status_code == 303, data
        assert says in client.get(refused.location).get_data(as_text=True), data
    assert session.scalar(select(ApiToken).where(ApiToken.name == "推送")) is None


def test_the_guide_links_the_description(client, auth, demo_users):
    sign_in_admin(auth, demo_users)
    html = client.get(f"{PAGE}/guide").get_data(as_text=True)
    assert 'href="/api/v1/openapi.json"' in html and "每分钟最多调用 60 次" in html


def test_the_token_pages_speak_chinese(client, auth, demo_users, session):
    from tests.web.admin.test_plain_words import problems, visible

    sign_in_admin(auth, demo_users)
    token = csrf_token(client, PAGE)
    made = client.post(f"{PAGE}/new", data={"csrf_token": token, "name": "热线对接",
                                             "binding": "source", "new_source": "12345热线"})
    row = session.scalar(select(ApiToken).where(ApiToken.name == "热线对接"))
    client.post(f"{PAGE}/{row.id}/revoke", data={"csrf_token": token})
    for html in (made.get_data(as_text=True), client.get(PAGE).get_data(as_text=True),
                 client.get(f"{PAGE}/guide").get_data(as_text=True)):
        text = visible(html)[0]
        assert problems(text) == [], problems(text)
