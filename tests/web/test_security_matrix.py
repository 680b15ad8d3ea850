"""The app's security in one place: hostile input never makes a 500.

Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.tracker.ledger.factory import HOUSING, department_id
from tests.web.security_rows import build_world
from tracker.models import User

SIGNED_IN = {"opinion_staff", "responder", "leader", "admin"}

# Numbers no id column holds: SQLite stores at most 2**63 - 1, PostgreSQL's INTEGER 2**31 - 1.
TOO_BIG = str(2**63)
THIRTY_DIGITS = "9" * 30
LONGEST = str(2**63 - 1)
INT4_OVER = str(2**31)


@pytest.fixture
def world(session, demo_users):
    """One row of everything a URL can name."""
    return build_world(session)


def sign_in(auth, demo_users, role: str) -> None:
    """Sign in as the demo account of ``role`` (nothing for ``anonymous``)."""
    if role != "anonymous":
        account = demo_users[role]
        assert auth.login(account.username, account.password).status_code == 302


def session_token(client) -> str:
    """The CSRF token of the signed-in session."""
    html = client.get("/notifications").get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def assert_chinese_error(response, status: int) -> None:
    """The answer is ``status`` with a Chinese page (or a Chinese flash after a redirect)."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, (status, response.status_code, html[:300])
    assert re.search(r"[\u4e00-\u9fff]", html), html[:300]
    for english in ("Werkzeug", "Traceback", "Not Found", "Bad Request", "Internal Server Error"):
        assert english not in html, (english, html[:300])


# (role, method, path, form data, expected status, what the page says). Paths name the
# world's rows as {alert}, {entry}, ...; a POST gets the session's CSRF token. 404: there is no
# such thing; 400: a value the app cannot take, said in Chinese; 302/303: the form's own
# refusal, whose Chinese message the page it returns to shows.
NOW = "2025-10-01T09:00"
OPINION = {"title": "标题", "found_at": NOW, "level": ""}
DISCLOSURE = {"title": "标题", "request": "内容", "applicant": "张三", "applicant_type": "自然人",
              "receipt_channel": "网络"}
FAR, EARLY = "9999-12-31T23:59", "0001-01-01T00:00"
NO_SUCH = "页面不存在"
RANGE = "超出范围（须在 2000—2099 年之间）"
HOSTILE = [
    # ids in the path
    ("opinion_staff", "GET", f"/ledger/{TOO_BIG}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/ledger/{THIRTY_DIGITS}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/ledger/{LONGEST}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/ledger/{INT4_OVER}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/ledger/{TOO_BIG}/reply", {}, 404, NO_SUCH),
    ("responder", "GET", f"/ledger/{INT4_OVER}/reply", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/alerts/{TOO_BIG}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/alerts/{LONGEST}", {}, 404, NO_SUCH),
    ("opinion_staff", "GET", f"/alerts/{INT4_OVER}", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/alerts/{TOO_BIG}/dismiss", {"reason": "x"}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/alerts/{INT4_OVER}/escalate", {}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/alerts/{INT4_OVER}/merge", {"target": "{other_event}"}, 404,
     NO_SUCH),
    ("opinion_staff", "POST", f"/alerts/{{alert}}/mentions/{TOO_BIG}/sentiment",
     {"label": "positive"}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/alerts/{{alert}}/mentions/{INT4_OVER}/sentiment",
     {"label": "positive"}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/ledger/{TOO_BIG}/assess", {"assess-note": "x"}, 404, NO_SUCH),
    ("opinion_staff", "POST", f"/ledger/{INT4_OVER}/assess", {"assess-note": "x"}, 404, NO_SUCH),
    ("admin", "POST", f"/ledger/sla/{TOO_BIG}/toggle", {}, 404, NO_SUCH),
    ("admin", "POST", f"/ledger/sla/{INT4_OVER}/toggle", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/ops/notify/rules/{INT4_OVER}/toggle", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/ops/notify/webhooks/{INT4_OVER}/toggle", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/ops/notify/contacts/{INT4_OVER}/delete", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/ops/notify/contacts/{TOO_BIG}/delete", {}, 404, NO_SUCH),
    ("admin", "POST", f"/admin/ops/jobs/{'j' * 300}/pause", {}, 404, NO_SUCH),
    # ids in forms (select and hidden fields)
    ("opinion_staff", "POST", "/alerts/{alert}/merge", {"target": THIRTY_DIGITS}, 303,
     "找不到要并入的事件"),
    ("opinion_staff", "POST", "/alerts/{alert}/merge", {"target": INT4_OVER}, 303,
     "找不到要并入的事件"),
    ("opinion_staff", "POST", "/ledger/{fresh}/assess", {"assess-level": THIRTY_DIGITS}, 303,
     "flash-error"),
    ("admin", "POST", "/ledger/{entry}/reassign", {"reassign-lead_department_id": INT4_OVER},
     303, "flash-error"),
    ("admin", "POST", "/ledger/{entry}/reassign",
     {"reassign-lead_department_id": "{housing}", "reassign-co_department_ids": TOO_BIG,
      "reassign-responsible_user_id": THIRTY_DIGITS}, 303, "flash-error"),
    ("opinion_staff", "POST", "/ledger/new/opinion", {**OPINION, "mention_ids": THIRTY_DIGITS},
     400, "关联信息编号无效"),
    ("opinion_staff", "POST", "/ledger/new/opinion", {**OPINION, "mention_ids": INT4_OVER},
     400, "关联信息编号无效"),
    ("admin", "POST", "/admin/ops/notify/contacts", {"tier": "head", "user_id": THIRTY_DIGITS},
     302, "请选择督办层级和人员"),
    ("admin", "POST", "/admin/ops/notify/contacts", {"tier": "head", "user_id": INT4_OVER},
     302, "请选择督办层级和人员"),
    ("admin", "POST", "/admin/ops/notify/contacts",
     {"tier": "head", "user_id": "{leader}", "department_id": INT4_OVER}, 302, "所选部门不存在"),
    ("admin", "POST", "/admin/ops/notify/contacts",
     {"tier": "head", "user_id": "{leader}", "department_id": "999999"}, 302, "所选部门不存在"),
    ("admin", "POST", "/admin/ops/notify/contacts",
     {"tier": "head", "user_id": "{leader}", "department_id": TOO_BIG}, 302, "所选部门不存在"),
    ("admin", "POST", "/admin/ops/notify/rules",
     {"name": "规则{tag}", "event_kind": "alert", "min_level": "z" * 40}, 302, "最低等级无效"),
    # query parameters
    ("leader", "GET", "/ledger/?department=99999999999999999999", {}, 400, "部门参数无效"),
    ("leader", "GET", f"/ledger/?department={INT4_OVER}", {}, 400, "部门参数无效"),
    ("leader", "GET", "/ledger/?department=999999", {}, 400, "部门参数无效"),
    ("leader", "GET", "/ledger/export.xlsx?department=99999999999999999999", {}, 400,
     "部门参数无效"),
    ("leader", "GET", "/ledger/?from=0001-01-01&to=9999-12-31", {}, 400, RANGE),
    ("leader", "GET", "/ledger/export.xlsx?to=9999-12-31", {}, 400, RANGE),
    ("leader", "GET", "/ledger/?page=99999999999999999999", {}, 200, "回应台账"),
    ("leader", "GET", f"/alerts/?page={THIRTY_DIGITS}", {}, 200, "舆情预警"),
    ("leader", "GET", "/alerts/?page=-5", {}, 200, "舆情预警"),
    ("leader", "GET", "/search/?q=噪音&from=9999-12-31&to=9999-12-31", {}, 400, RANGE),
    ("leader", "GET", "/search/?q=噪音&from=0001-01-01", {}, 400, RANGE),
    ("leader", "GET", f"/search/?q=噪音&event={THIRTY_DIGITS}", {}, 200, "全文检索"),
    ("leader", "GET", f"/search/?q=噪音&page={THIRTY_DIGITS}", {}, 200, "全文检索"),
    ("leader", "GET", "/reports/?month=0000-01", {}, 400, "月份" + RANGE),
    ("leader", "GET", "/reports/?month=9999-12", {}, 400, "月份" + RANGE),
    ("leader", "GET", "/reports/0000-01.xlsx", {}, 404, NO_SUCH),
    ("leader", "GET", "/reports/9999-12.html", {}, 404, NO_SUCH),
    # times in the ledger forms
    ("opinion_staff", "POST", "/ledger/new/opinion", {**OPINION, "found_at": FAR}, 400,
     "发现时间" + RANGE),
    ("opinion_staff", "POST", "/ledger/new/opinion", {**OPINION, "found_at": EARLY}, 400,
     "发现时间" + RANGE),
    ("opinion_staff", "POST", "/ledger/new/opinion", {**OPINION, "first_published_at": EARLY},
     400, "首发时间" + RANGE),
    ("opinion_staff", "POST", "/ledger/new/disclosure", {**DISCLOSURE, "received_at": FAR},
     400, "收到时间" + RANGE),
    ("opinion_staff", "POST", "/ledger/new/disclosure", {**DISCLOSURE, "received_at": EARLY},
     400, "收到时间" + RANGE),
    ("opinion_staff", "POST", "/ledger/{disclosure}/follow_up",
     {"follow_up-at": FAR, "follow_up-method": "电话", "follow_up-outcome": "满意"}, 303,
     "反馈时间" + RANGE),
    ("admin", "POST", "/ledger/calendar", {"day": "9999-12-31", "workday": "0"}, 400,
     "日期" + RANGE),
    ("admin", "POST", "/ledger/calendar", {"day": "0001-01-01", "workday": "0"}, 400,
     "日期" + RANGE),
]


def _fill(text: str, ids: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), text)


@pytest.mark.parametrize("role, method, path, data, expected, says", HOSTILE,
                         ids=[f"{c[1]} {c[2][:60]} {sorted(c[3].values())}"[:120]
                              for c in HOSTILE])
def test_hostile_input_is_a_404_or_a_chinese_400(client, auth, demo_users, world, session,
                                                  role, method, path, data, expected, says):
    ids = dict(world, housing=department_id(session, HOUSING),
               leader=session.scalar(select(User.id).where(User.username == "leader")))
    sign_in(auth, demo_users, role)
    url = _fill(path, ids)
    if method == "GET":
        response = client.get(url)
    else:
        form = {k: _fill(v, ids) for k, v in data.items()}
        response = client.post(url, data={**form, "csrf_token": session_token(client)})
    if expected in (302, 303):  # the form's refusal: the page it returns to says why
        assert response.status_code == expected, response.get_data(as_text=True)[:300]
        response, expected = client.get(response.location), 200
    assert_chinese_error(response, expected)
    assert says in response.get_data(as_text=True)
