"""部门与分办 and 待分办 through the pages, on SQLite and PostgreSQL: the admin keeps the
directory and the map; staff assign queued messages with one click; a disabled department is
offered nowhere; every active department can be lead or co-handling on an entry."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.tracker.ledger.factory import context, message_case
from tracker.accounts import find_department, seed_departments
from tracker.ledger import sync_message_cases
from tracker.models import (
    CategoryDepartment,
    Department,
    DepartmentReassignment,
    LedgerEntry,
    RoutingConfig,
)

# The test messages are of 2025-09-26: synced days later they are current, not historic.
SYNCED = datetime(2025, 9, 29, 2, 0, tzinfo=UTC)

UNSURE = ("你好", "你好")


def sign_in(auth, demo_users, role):
    account = demo_users[role]
    assert auth.login(account.username, account.password).status_code == 302


@pytest.fixture
def seeded(session, demo_users):
    sync_message_cases(session, ctx=context(), now=SYNCED)
    seed_departments(session)
    session.commit()
    return session


def queued_entry(session) -> LedgerEntry:
    case = message_case(session, "Q", "2025-09-26 10:00")
    case.title, case.body = UNSURE
    session.flush()
    sync_message_cases(session, ctx=context(), now=SYNCED)
    session.commit()
    return session.scalar(select(LedgerEntry).where(LedgerEntry.message_case_id == case.id))


def options_of(html: str, select_name: str) -> list[str]:
    """The option labels of the first select called ``select_name``."""
    match = re.search(rf'<select[^>]*name="{re.escape(select_name)}"[^>]*>(.*?)</select>', html,
                      re.S)
    assert match, select_name
    return re.findall(r"<option[^>]*>([^<]*)</option>", match.group(1))


def test_the_admin_adds_edits_and_disables_a_department(client, auth, demo_users, seeded):
    sign_in(auth, demo_users, "admin")
    token = csrf_token(client, "/admin/departments")
    response = client.post("/admin/departments/new", data={
        "csrf_token": token, "name": "市城市管理局", "short_name": "城管局", "parent": "",
        "head": "周局长", "contacts": "0731-12345678"})
    assert response.status_code == 303
    page = client.get("/admin/departments").get_data(as_text=True)
    assert "已新增部门“市城市管理局”" in page and "0731-12345678" in page
    dept = find_department(seeded, "市城市管理局")
    prefix = f"d{dept.id}-"
    response = client.post(f"/admin/departments/{dept.id}", data={
        "csrf_token": token, prefix + "name": "市城市管理综合执法局",
        prefix + "short_name": "城管局", prefix + "parent": "市政府办公室",
        prefix + "head": "周局长", prefix + "contacts": ""})
    assert response.status_code == 303
    seeded.expire_all()
    assert (dept.name, dept.parent.name, dept.contacts) == ("市城市管理综合执法局", "市政府办公室",
                                                            None)
    client.post(f"/admin/departments/{dept.id}/active", data={"csrf_token": token})
    seeded.expire_all()
    assert dept.active is False
    assert "已停用部门“市城市管理综合执法局”" in client.get("/admin/departments").get_data(
        as_text=True)
    refused = client.post("/admin/departments/new", data={"csrf_token": token, "name": "市民政局",
                                                         "parent": ""})
    assert refused.status_code == 303
    assert "部门“市民政局”已存在" in client.get(refused.location).get_data(as_text=True)


def test_the_admin_edits_the_map_and_the_threshold(client, auth, demo_users, seeded):
    sign_in(auth, demo_users, "admin")
    page = client.get("/admin/routing").get_data(as_text=True)
    rows = re.findall(r'data-category="([^"]+)"', page)
    assert len(rows) == 15 and "交通运输" in rows
    civil = find_department(seeded, "市民政局")
    data = {"csrf_token": csrf_token(client, "/admin/routing"), "threshold": "0.7"}
    for n, category in enumerate(rows):  # the page's rows in order, each as saved
        row = seeded.get(CategoryDepartment, category)
        data[f"map-{n}"] = str(row.department_id)
    data[f"map-{rows.index('交通运输')}"] = str(civil.id)
    data[f"map-{rows.index('政法')}"] = ""  # a person decides
    response = client.post("/admin/routing", data=data)  # auto_assign unticked: off
    assert response.status_code == 303
    seeded.expire_all()
    assert seeded.get(CategoryDepartment, "交通运输").department_id == civil.id
    assert seeded.get(CategoryDepartment, "政法").department_id is None
    config = seeded.get(RoutingConfig, 1)
    assert (config.threshold, config.auto_assign) == (0.7, False)
    data[f"map-{rows.index('民政')}"] = "999999"
    bad = client.post("/admin/routing", data=data)
    assert "所选部门不存在" in client.get(bad.location).get_data(as_text=True)


def test_a_new_office_maps_its_first_category(client, auth, demo_users, session):
    """No map row yet (no ``yuqing dept seed``): the page still lists the default 一级分类,
    unmapped; saving one mapping stores that row only."""
    session.add(Department(name="市交通运输局"))
    session.commit()
    sign_in(auth, demo_users, "admin")
    page = client.get("/admin/routing").get_data(as_text=True)
    rows = re.findall(r'data-category="([^"]+)"', page)
    assert len(rows) == 15 and "还没有分类对应关系" not in page
    assert session.scalar(select(CategoryDepartment.category)) is None  # nothing stored by GET
    dept = find_department(session, "市交通运输局")
    data = {"csrf_token": csrf_token(client, "/admin/routing"), "auto_assign": "y"}
    data |= {f"map-{n}": "" for n in range(len(rows))}
    data[f"map-{rows.index('交通运输')}"] = str(dept.id)
    assert client.post("/admin/routing", data=data).status_code == 303
    session.expire_all()
    stored = session.execute(select(CategoryDepartment.category,
                                    CategoryDepartment.department_id)).all()
    assert stored == [("交通运输", dept.id)]


def test_staff_assign_from_the_queue_with_one_click(client, auth, demo_users, seeded):
    first, second = queued_entry(seeded), queued_entry(seeded)
    sign_in(auth, demo_users, "opinion_staff")
    page = client.get("/ledger/queue").get_data(as_text=True)
    assert f'data-entry-id="{first.id}"' in page and f'data-entry-id="{second.id}"' in page
    buttons = re.findall(r'data-suggestion="([^"]+)"', page)
    assert len(buttons) >= 6  # three suggestions each
    top = seeded.get(Department, int(first_routing_department(seeded, first)))
    token = csrf_token(client, "/ledger/queue")
    response = client.post(f"/ledger/queue/{first.id}",
                           data={"csrf_token": token, "department_id": str(top.id)})
    assert response.status_code == 303
    assert f"交{top.name}办理" in client.get(response.location).get_data(as_text=True)
    seeded.expire_all()
    assert (first.status, first.lead_department_id) == ("assigned", top.id)
    civil, transport = find_department(seeded, "市民政局"), find_department(seeded, "市交通运输局")
    target = civil if civil.id != top.id else transport
    client.post(f"/ledger/queue/{second.id}", data={
        "csrf_token": token, "department_id": str(target.id),
        "co_department_ids": [str(transport.id if target is civil else civil.id)]})
    seeded.expire_all()
    assert second.lead_department_id == target.id and len(second.co_departments) == 1
    kept = seeded.scalars(select(DepartmentReassignment).where(
        DepartmentReassignment.entry_id.in_([first.id, second.id]))).all()
    assert [(r.entry_id, r.to_department_id) for r in kept] == [(second.id, target.id)]
    assert f'data-entry-id="{first.id}"' not in client.get("/ledger/queue").get_data(
        as_text=True)


def first_routing_department(session, entry) -> int:
    from tracker.models import LedgerRouting

    return session.get(LedgerRouting, entry.id).suggestions[0]["department_id"]


def test_a_disabled_department_is_offered_nowhere(client, auth, demo_users, seeded):
    entry = queued_entry(seeded)
    education = find_department(seeded, "市教育局")
    education.active = False
    seeded.commit()
    sign_in(auth, demo_users, "opinion_staff")
    queue = client.get("/ledger/queue").get_data(as_text=True)
    assert "市教育局" not in queue and "市民政局" in queue
    html = client.get(f"/ledger/{entry.id}").get_data(as_text=True)
    leads, cos = options_of(html, "assign-lead_department_id"), options_of(
        html, "assign-co_department_ids")
    active = {d.name for d in seeded.scalars(select(Department).where(Department.active))}
    assert set(leads) - {"—", ""} == active == set(cos)
    assert "市教育局" not in leads and len(active) >= 14
    token = csrf_token(client, "/ledger/queue")
    response = client.post(f"/ledger/queue/{entry.id}",
                           data={"csrf_token": token, "department_id": str(education.id)})
    assert "请从列表中选择一个启用中的承办单位" in client.get(response.location).get_data(
        as_text=True)
    seeded.expire_all()
    assert entry.lead_department_id is None


def test_only_staff_and_admin_see_the_queue_link(client, auth, demo_users, seeded):
    for role, sees in (("opinion_staff", True), ("admin", True), ("leader", False),
                       ("responder", False)):
        sign_in(auth, demo_users, role)
        html = client.get("/ledger/").get_data(as_text=True)
        assert ('href="/ledger/queue"' in html) is sees, role
        auth.logout()


def test_the_page_shows_the_model_default_threshold():
    from analysis.routing import DEFAULT_THRESHOLD
    from web.admin import departments

    assert departments.DEFAULT_THRESHOLD == DEFAULT_THRESHOLD
