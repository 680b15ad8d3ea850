"""政策文件库 pages: browse, search by question, read, add and edit (staff, admin), import
(admin); responders read only; empty pages say why. Both databases."""

from __future__ import annotations

import io
import json

from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.models import Policy

ENROL = "关于做好义务教育招生入学工作的通知\n适龄儿童入学需提供户口簿、居住证和房产证明等材料。"


def as_role(auth, demo_users, role: str) -> None:
    """Sign in as the demo account of ``role``."""
    account = demo_users[role]
    assert auth.login(account.username, account.password).status_code == 302


def add(client, **form) -> object:
    """POST the add form with the session's CSRF token."""
    token = csrf_token(client, "/policies/new")
    return client.post("/policies/new", data={**form, "csrf_token": token})


def test_staff_adds_edits_and_finds_a_policy(client, auth, demo_users, session):
    as_role(auth, demo_users, "opinion_staff")
    empty = client.get("/policies/").get_data(as_text=True)
    assert "政策文件库还是空的" in empty
    made = add(client, text=ENROL, number="冀教基〔2024〕3号", issuer="河北省教育厅",
               date="2024-04-01", validity="valid", url="javascript:alert(1)")
    assert made.status_code == 303
    page = client.get(made.location).get_data(as_text=True)
    assert "关于做好义务教育招生入学工作的通知" in page and "冀教基〔2024〕3号" in page
    assert "有效" in page and "javascript:" not in page.split("原文链接")[1][:200]
    policy = session.scalar(select(Policy).where(Policy.number == "冀教基〔2024〕3号"))
    assert policy.import_id.startswith("manual-") and policy.url == "javascript:alert(1)"
    found = client.get("/policies/?q=孩子上学要什么材料").get_data(as_text=True)
    assert f'data-policy="{policy.id}"' in found and "最相关的在前" in found
    token = csrf_token(client, f"/policies/{policy.id}/edit")
    edited = client.post(f"/policies/{policy.id}/edit", data={
        "title": "义务教育入学（已废止）", "text": ENROL, "validity": "repealed",
        "csrf_token": token})
    assert edited.status_code == 303
    detail = client.get(f"/policies/{policy.id}").get_data(as_text=True)
    assert "validity-repealed" in detail and "废止" in detail
    nothing = client.get("/policies/?q=量子引力").get_data(as_text=True)
    assert "没有找到与这个问题相关的政策" in nothing


def test_a_bad_form_keeps_what_was_typed(client, auth, demo_users, session):
    as_role(auth, demo_users, "admin")
    refused = add(client, title="只有标题", text="正文", date="明天")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "发布日期 不是日期" in page and "只有标题" in page
    assert session.scalar(select(Policy).where(Policy.title == "只有标题")) is None


def test_admin_imports_a_file_and_sees_each_rejected_row(client, auth, demo_users, session):
    as_role(auth, demo_users, "admin")
    lines = [json.dumps({"id": "w1", "text": ENROL, "validity": "有效"}, ensure_ascii=False),
             json.dumps({"id": "w2", "title": "无正文"}, ensure_ascii=False), "{bad"]
    token = csrf_token(client, "/policies/import")
    response = client.post("/policies/import", data={
        "csrf_token": token, "file": (io.BytesIO("\n".join(lines).encode()), "p.jsonl")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-imported>1<' in page and 'data-rejected>2<' in page
    assert "第 2 行" in page and "第 3 行" in page
    assert session.scalar(select(Policy).where(Policy.import_id == "w1")) is not None
    wrong = client.post("/policies/import", data={
        "csrf_token": token, "file": (io.BytesIO(b"x"), "p.exe")},
        content_type="multipart/form-data")
    assert wrong.status_code == 400 and "请选择 CSV 或 JSONL 文件" in wrong.get_data(as_text=True)


def test_responders_read_but_do_not_edit(client, auth, demo_users, session):
    session.add(Policy(import_id="r1", title="住房公积金提取办法", text="职工购房可提取公积金。",
                       validity="revised", attachments=["https://x.test/a.pdf"], extra={}))
    session.commit()
    as_role(auth, demo_users, "responder")
    listing = client.get("/policies/").get_data(as_text=True)
    assert "住房公积金提取办法" in listing and "新增政策" not in listing
    assert "导入文件" not in listing and "修订" in listing
    policy_id = session.scalar(select(Policy.id).where(Policy.import_id == "r1"))
    detail = client.get(f"/policies/{policy_id}").get_data(as_text=True)
    assert "https://x.test/a.pdf" in detail and "编辑" not in detail
    assert client.get("/policies/new").status_code == 403
    assert client.get(f"/policies/{policy_id}/edit").status_code == 403
    assert client.get("/policies/import").status_code == 403
    assert "没有效力状态为“废止”的政策" in client.get(
        "/policies/?validity=repealed").get_data(as_text=True)
