"""Ledger pages: a role × route matrix, the workflow through the forms, filters, export,
written replies, escaping of untrusted text and CSRF. Every test runs on both databases."""

import io
import re
import uuid
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.conftest import csrf_token
from tests.tracker.ledger.factory import (
    HOUSING,
    TRANSPORT,
    actor,
    context,
    department_id,
    local,
    mention,
    other_responder,
)
from tracker.ledger import open_disclosure_entry, open_opinion_entry, perform

ROLES = ["opinion_staff", "responder", "leader", "admin", "other", "anonymous"]


@pytest.fixture
def world(session, demo_users):
    """Two assigned opinions (housing, transport) and a replied disclosure (housing).

    Titles carry a tag unique to the test, so lists filtered by it hold only these rows.
    """
    other_responder(session)
    tag = uuid.uuid4().hex[:8]
    staff = actor(session, "staff")
    ctx = context()

    def opinion(title, dept):
        entry = open_opinion_entry(session, title=title, summary="内容", source="本地论坛",
                                   url="javascript:alert(1)", found_at=local("2025-09-30 09:00"),
                                   first_published_at=None, level="一般", mention_ids=[],
                                   actor_id=staff.id, ctx=ctx)
        perform(session, entry, "assess", staff, ctx=ctx, now=local("2025-09-30 09:10"))
        perform(session, entry, "assign", staff, ctx=ctx, now=local("2025-09-30 09:20"),
                data={"lead_department_id": department_id(session, dept)})
        return entry

    housing = opinion(f"<script>alert('x')</script>住建舆情 {tag}", HOUSING)
    transport = opinion(f"交通舆情 {tag}", TRANSPORT)
    disclosure = open_disclosure_entry(
        session, title=f"申请公开改造资金 {tag}", request="请公开资金明细", applicant="张三",
        applicant_type="自然人", receipt_channel="网络", received_at=local("2025-09-26 10:00"),
        actor_id=staff.id, ctx=ctx)
    for action, data in (("review", {}),
                         ("assign", {"lead_department_id": department_id(session, HOUSING)}),
                         ("reply", {"reply_type": "not_held", "content": "经检索不存在",
                                    "search_done": "检索了档案室和业务系统",
                                    "legal_basis": "条例第三十六条第（四）项"})):
        perform(session, disclosure, action, staff, data=data, ctx=ctx,
                now=local("2025-10-09 10:00"))
    session.commit()
    return {"housing": housing.id, "transport": transport.id, "disclosure": disclosure.id,
            "tag": tag}


def sign_in(auth, demo_users, role):
    """Sign in as ``role`` (``other`` is the transport responder)."""
    if role == "anonymous":
        return
    if role == "other":
        assert auth.login("transport", "transport-demo-123").status_code == 302
        return
    account = demo_users[role]
    assert auth.login(account.username, account.password).status_code == 302


def token(client):
    """A CSRF token of the signed-in session (from the ledger list page)."""
    html = client.get("/ledger/").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return match.group(1) if match else csrf_token(client, "/login")  # signed out


def post_action(client, entry_id, action, **fields):
    """Post an action form the way the entry page does (prefixed fields, CSRF token)."""
    data = {f"{action}-{k}": v for k, v in fields.items()}
    data[f"{action}-csrf_token"] = token(client)
    return client.post(f"/ledger/{entry_id}/{action}", data=data)


# route → expected status per role: staff, responder, leader, admin, other responder, anonymous
MATRIX = {
    ("GET", "/ledger/"): (200, 200, 200, 200, 200, 302),
    ("GET", "/ledger/export.xlsx"): (200, 200, 200, 200, 200, 302),
    ("GET", "/ledger/{housing}"): (200, 200, 200, 200, 404, 302),
    ("GET", "/ledger/{transport}"): (200, 404, 200, 200, 200, 302),
    ("GET", "/ledger/{disclosure}/reply"): (200, 200, 200, 200, 404, 302),
    ("GET", "/ledger/{housing}/reply"): (404, 404, 404, 404, 404, 302),
    ("GET", "/ledger/new/opinion"): (200, 403, 403, 200, 403, 302),
    ("GET", "/ledger/new/disclosure"): (200, 403, 403, 200, 403, 302),
    ("POST", "/ledger/{housing}/accept"): (303, 303, 403, 303, 404, 302),
    ("POST", "/ledger/{transport}/accept"): (303, 404, 403, 303, 303, 302),
    ("POST", "/ledger/{housing}/no-such-action"): (404, 404, 404, 404, 404, 302),
    ("GET", "/ledger/calendar"): (403, 403, 403, 200, 403, 302),
    ("GET", "/ledger/sla"): (403, 403, 403, 200, 403, 302),
    ("POST", "/ledger/sla/999/toggle"): (403, 403, 403, 404, 403, 302),
}


@pytest.mark.parametrize("role", ROLES)
def test_role_route_matrix(client, auth, demo_users, world, role):
    sign_in(auth, demo_users, role)
    for (method, template), expected in MATRIX.items():
        path = template.format(**world)
        if method == "GET":
            status = client.get(path).status_code
        else:
            action = path.rsplit("/", 1)[1]
            data = {f"{action}-csrf_token": token(client), "csrf_token": token(client)}
            status = client.post(path, data=data).status_code
        assert status == expected[ROLES.index(role)], (role, method, path, status)


def test_opinion_workflow_through_the_pages(client, auth, demo_users, world, session):
    sign_in(auth, demo_users, "opinion_staff")
    page = client.post("/ledger/new/opinion", data={
        "csrf_token": csrf_token(client, "/ledger/new/opinion"), "title": "网传停水三天",
        "summary": "居民反映", "source": "本地论坛", "url": "http://127.0.0.1:1/t/1",
        "found_at": "2025-09-30T09:00", "level": "major"})
    assert page.status_code == 303, page.get_data(as_text=True)
    entry_id = int(page.headers["Location"].rsplit("/", 1)[1])
    html = client.get(f"/ledger/{entry_id}").get_data(as_text=True)
    assert "5 小时内发布权威信息" in html and 'data-action="assess"' in html
    housing = department_id(session, HOUSING)
    assert post_action(client, entry_id, "assess", level="major").status_code == 303
    assert post_action(client, entry_id, "assign", lead_department_id=str(housing),
                       responsible_person="李办理").status_code == 303
    auth.logout()
    sign_in(auth, demo_users, "responder")
    assert post_action(client, entry_id, "accept").status_code == 303
    assert post_action(client, entry_id, "submit", channel="发布权威信息",
                       content="已组织抢修，将于今晚恢复供水。").status_code == 303
    auth.logout()
    sign_in(auth, demo_users, "leader")
    assert 'data-action="approve"' in client.get(f"/ledger/{entry_id}").get_data(as_text=True)
    assert post_action(client, entry_id, "approve").status_code == 303
    auth.logout()
    sign_in(auth, demo_users, "opinion_staff")
    assert post_action(client, entry_id, "follow_up", method="电话回访", satisfaction="满意",
                       outcome="已恢复供水", promise_kept="1").status_code == 303
    assert post_action(client, entry_id, "close").status_code == 303
    html = client.get(f"/ledger/{entry_id}").get_data(as_text=True)
    assert 'data-status="closed"' in html
    for step in ("登记", "研判", "交办", "签收办理", "提交审签", "审签通过并发布", "记录跟踪反馈",
                 "办结"):
        assert f"<strong>{step}</strong>" in html, step
    assert "状态：审签 → 回应" in html and "张领导" in html


def test_bad_input_is_reported_and_changes_nothing(client, auth, demo_users, world):
    sign_in(auth, demo_users, "responder")
    post_action(client, world["housing"], "accept")
    response = post_action(client, world["housing"], "submit", channel="发布权威信息", content="")
    assert response.status_code == 303
    html = client.get(f"/ledger/{world['housing']}").get_data(as_text=True)
    assert "请填写回应内容" in html and 'data-status="handling"' in html


def test_actions_need_a_csrf_token(client, auth, demo_users, world):
    sign_in(auth, demo_users, "opinion_staff")
    response = client.post(f"/ledger/{world['housing']}/accept", data={})
    assert response.status_code == 400
    assert 'data-status="assigned"' in client.get(
        f"/ledger/{world['housing']}").get_data(as_text=True)


def test_untrusted_text_is_escaped_and_bad_links_are_not_links(client, auth, demo_users, world):
    sign_in(auth, demo_users, "opinion_staff")
    for path in ("/ledger/", f"/ledger/{world['housing']}"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert('x')</script>" not in html
        assert "&lt;script&gt;" in html
        assert 'href="javascript:' not in html


def test_list_filters_counts_and_department_scope(client, auth, demo_users, world, session):
    sign_in(auth, demo_users, "leader")
    tag = f"q={world['tag']}"
    html = client.get(f"/ledger/?kind=opinion&{tag}").get_data(as_text=True)
    assert re.search(r"data-total>2<", html)
    html = client.get(f"/ledger/?kind=disclosure&status=replied&{tag}").get_data(as_text=True)
    assert re.search(r"data-total>1<", html)
    transport = department_id(session, TRANSPORT)
    html = client.get(f"/ledger/?department={transport}&{tag}").get_data(as_text=True)
    assert f'data-entry-id="{world["transport"]}"' in html
    assert f'data-entry-id="{world["housing"]}"' not in html
    overdue = client.get(f"/ledger/?overdue=open&{tag}").get_data(as_text=True)
    assert "已超期未答复" in overdue and re.search(r"data-total>2<", overdue)
    html = client.get(f"/ledger/?sort=due&page=abc&kind=bogus&from=not-a-date&{tag}").get_data(
        as_text=True)
    assert re.search(r"data-total>3<", html)
    auth.logout()
    sign_in(auth, demo_users, "responder")
    html = client.get(f"/ledger/?{tag}").get_data(as_text=True)
    assert re.search(r"data-total>2<", html)
    assert f'data-entry-id="{world["transport"]}"' not in html


def test_export_has_template_columns_real_dates_and_respects_scope(
        client, auth, demo_users, world):
    sign_in(auth, demo_users, "responder")
    response = client.get(f"/ledger/export.xlsx?q={world['tag']}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    for column in ("序号", "标题", "来源/平台", "链接", "发现时间", "首发时间", "涉及单位", "等级",
                   "主要内容", "处置情况", "回应时间", "回应方式", "责任单位", "责任人", "办结情况",
                   "备注"):
        assert column in header, column
    assert len(rows) == 3  # header + the housing opinion + the disclosure
    found = rows[1][header.index("收到时间")]
    assert isinstance(found, datetime)
    ids = {r[header.index("编号")] for r in rows[1:]}
    assert ids == {world["housing"], world["disclosure"]}


def test_the_written_reply_states_search_type_basis_and_remedies(client, auth, demo_users,
                                                                 world):
    sign_in(auth, demo_users, "responder")
    html = client.get(f"/ledger/{world['disclosure']}/reply").get_data(as_text=True)
    for text in ("政府信息公开申请答复书", "检索了档案室和业务系统", "本机关不掌握相关政府信息",
                 "第三十六条第（四）项", "60 日内", "6 个月内", "市住房和城乡建设局"):
        assert text in html, text


def test_timeline_names_people_and_departments_never_ids(client, auth, demo_users, world,
                                                          session):
    from sqlalchemy import select

    from tracker.models import AuditEvent, Department, User

    responder = session.scalar(select(User).where(User.username == demo_users["responder"]
                                                  .username))
    housing = department_id(session, HOUSING)
    at = local("2025-10-01 09:00")
    for field, old, new in (("responsible_user_id", None, str(responder.id)),
                            ("lead_department_id", None, str(housing)),
                            ("co_departments", None, f"{housing},999999"),
                            ("mystery_field", "a", "b")):
        session.add(AuditEvent(at=at, actor_id=responder.id, entity_type="ledger_entry",
                               entity_id=str(world["housing"]), action="assign", field=field,
                               old_value=old, new_value=new))
    session.commit()
    sign_in(auth, demo_users, "opinion_staff")
    html = client.get(f"/ledger/{world['housing']}").get_data(as_text=True)
    housing_name = session.get(Department, housing).name
    assert f"指定责任人：— → {responder.display_name}" in html
    assert f"牵头单位：— → {housing_name}" in html
    assert f"协办单位：— → {housing_name}、已删除的单位" in html
    assert "其他信息：a → b" in html and "mystery_field" not in html
    assert f"→ {responder.id}<" not in html and "责任人账号" not in html


def test_staff_pick_related_mentions_by_words_not_by_number(client, auth, demo_users, session):
    """登记舆情: the related mentions are found by words and ticked; no number is typed."""
    tag = uuid.uuid4().hex[:6]
    wanted = mention(session, f"pick-{tag}", title=f"网传丽水小区停水三天 {tag}")
    mention(session, f"other-{tag}", title=f"某路段积水 {tag}")
    session.commit()
    sign_in(auth, demo_users, "opinion_staff")
    form = {"title": "丽水小区停水", "found_at": "2025-09-30T09:00", "level": "major"}
    found = client.get("/ledger/new/opinion", query_string={**form, "mention_query": f"丽水 {tag}"})
    html = found.get_data(as_text=True)
    assert found.status_code == 200 and f"网传丽水小区停水三天 {tag}" in html
    assert f"某路段积水 {tag}" not in html  # every word must occur
    assert 'value="丽水小区停水"' in html  # what was typed stays in the form
    assert f'name="mention" value="{wanted.id}"' in html and "关联信息编号" not in html
    page = client.post("/ledger/new/opinion", data={
        **form, "csrf_token": csrf_token(client, "/ledger/new/opinion"), "mention": str(wanted.id)})
    assert page.status_code == 303, page.get_data(as_text=True)
    entry = client.get(page.headers["Location"]).get_data(as_text=True)
    assert f"网传丽水小区停水三天 {tag}" in entry  # linked: shown under 关联信息
    nothing = client.get("/ledger/new/opinion",
                         query_string={**form, "mention_query": "无此词" + tag})
    assert "没有找到含" in nothing.get_data(as_text=True)
