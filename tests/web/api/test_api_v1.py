"""``/api/v1`` as another system uses it, on SQLite and PostgreSQL: a pushed message is a
ledger entry and counted in the metrics at once; a repeated push changes nothing; tokens are
refused when unknown, revoked or out of scope; bad payloads are 4xx naming the field; the
per-token rate limit lives in the database."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tracker.accounts import create_token, find_token_by_name, revoke_token
from tracker.models import (
    ApiRateWindow,
    AuditEvent,
    LedgerEntry,
    Mention,
    MessageCase,
    User,
)

# Yesterday in Beijing: a current message (one older than its board's horizon would go to
# 历史遗留 with no deadline).
DAY = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date().isoformat()
MESSAGE = {"number": "HL-1001", "author": "王先生", "title": "夜间施工噪音扰民",
           "received_at": f"{DAY}T09:30:00+08:00", "text": "小区旁工地夜里还在施工，请处理。",
           "category": "城乡建设", "likes": 3}


@pytest.fixture
def tokens(session, demo_users):
    """Secrets of: a hotline source token, another source's token, the housing bureau's
    department token, a metrics token."""
    made = {}
    for name, kwargs in (("hotline", {"source": "12345热线"}), ("portal", {"source": "门户留言板"}),
                         ("housing", {"department": "市住房和城乡建设局"}),
                         ("numbers", {"scopes": ("metrics:read",)})):
        made[name] = create_token(session, name, **kwargs)[1]
    session.commit()
    return made


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def push(client, secret: str, payload):
    return client.post("/api/v1/messages", json=payload, headers=bearer(secret))


def counts(session) -> dict[str, int]:
    session.expire_all()
    return {model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (MessageCase, LedgerEntry, Mention, AuditEvent)}


def received(client, secret: str) -> int:
    answer = client.get(f"/api/v1/metrics?from={DAY}&to={DAY}", headers=bearer(secret))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["received"]


def test_a_pushed_message_is_in_the_ledger_and_the_metrics(client, session, tokens):
    before = received(client, tokens["numbers"])
    answer = push(client, tokens["hotline"], MESSAGE)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["created"] == 1 and body["warnings"] == []
    [result] = body["results"]
    assert result["number"] == "HL-1001" and result["result"] == "created"
    entry = session.get(LedgerEntry, result["entry_id"])
    assert entry.title == "夜间施工噪音扰民" and entry.kind == "message" and entry.due_at
    assert received(client, tokens["numbers"]) == before + 1
    for url in (f"/api/v1/entries/{entry.id}", "/api/v1/messages/HL-1001"):
        shown = client.get(url, headers=bearer(tokens["hotline"]))
        assert shown.status_code == 200, shown.get_json()
        assert shown.get_json()["id"] == entry.id
        assert shown.get_json()["status_label"] == "受理" and shown.get_json()["replies"] == []


def test_a_reply_pushed_later_updates_the_entry(client, session, tokens):
    first = push(client, tokens["hotline"], MESSAGE).get_json()["results"][0]
    replied = {**MESSAGE, "reply": "已责成施工单位停止夜间施工。",
               "replied_at": f"{DAY}T18:00:00+08:00", "reply_department": "市住房和城乡建设局"}
    answer = push(client, tokens["hotline"], replied)
    assert answer.status_code == 200 and answer.get_json()["updated"] == 1
    assert answer.get_json()["results"][0]["entry_id"] == first["entry_id"]
    shown = client.get(f"/api/v1/entries/{first['entry_id']}", headers=bearer(tokens["hotline"]))
    [reply] = shown.get_json()["replies"]
    assert reply["content"] == "已责成施工单位停止夜间施工。" and shown.get_json()["replied_at"]
    # the department the reply names now leads it, so the housing bureau's token reads it
    by_department = client.get(f"/api/v1/entries/{first['entry_id']}",
                               headers=bearer(tokens["housing"]))
    assert by_department.status_code == 200, by_department.get_json()


def test_a_repeated_push_changes_nothing(client, session, tokens):
    first = push(client, tokens["hotline"], [MESSAGE, {**MESSAGE, "number": "HL-1002"}])
    assert first.status_code == 201 and first.get_json()["created"] == 2
    before = counts(session)
    entry = session.get(LedgerEntry, first.get_json()["results"][0]["entry_id"])
    updated_at = entry.updated_at
    again = push(client, tokens["hotline"], [MESSAGE, {**MESSAGE, "number": "HL-1002"}])
    assert again.status_code == 200
    assert again.get_json()["results"] == [{**r, "result": "unchanged"}
                                           for r in first.get_json()["results"]]
    assert again.get_json()["created"] == again.get_json()["updated"] == 0
    assert counts(session) == before
    session.refresh(entry)
    assert entry.updated_at == updated_at


@pytest.mark.parametrize("payload, status, code, field", [
    (MESSAGE | {"number": None}, 422, "invalid_field", "number"),
    (MESSAGE | {"number": "9" * 65}, 422, "invalid_field", "number"),
    ({k: v for k, v in MESSAGE.items() if k != "received_at"}, 422, "invalid_field",
     "received_at"),
    (MESSAGE | {"received_at": "下周二"}, 422, "invalid_field", "received_at"),
    (MESSAGE | {"title": "", "text": ""}, 422, "invalid_field", "title"),
    (MESSAGE | {"reply": "已处理", "replied_at": "2024-05-01T09:00:00+08:00"}, 422,
     "invalid_field", "replied_at"),
    (MESSAGE | {"received_at": 45000}, 422, "invalid_type", "received_at"),
    (MESSAGE | {"text": {"nested": 1}}, 422, "invalid_type", "text"),
    (MESSAGE | {"likes": True}, 422, "invalid_type", "likes"),
    (MESSAGE | {"colour": "red"}, 422, "unknown_field", "colour"),
    ({"留言编号": "HL-9", "留言时间": "某天", "留言主题": "标题"}, 422, "invalid_field",
     "留言时间"),
    ({"number": "HL-9", "留言编号": "HL-9", "received_at": DAY, "title": "x"}, 422,
     "duplicate_field", "留言编号"),
    ([], 422, "empty", None),
    ("a string", 400, "invalid_json", None),
])
def test_bad_payloads_are_refused_naming_the_field(client, session, tokens, payload, status,
                                                   code, field):
    before = counts(session)
    answer = push(client, tokens["hotline"], payload)
    assert answer.status_code == status, answer.get_json()
    error = answer.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"]
    assert counts(session) == before


def test_a_list_is_all_or_nothing_and_names_the_place(client, session, tokens):
    before = counts(session)
    answer = push(client, tokens["hotline"], [MESSAGE, MESSAGE | {"number": "HL-2",
                                                                 "received_at": "很久以前"}])
    assert answer.status_code == 422
    assert answer.get_json()["error"] | {"message": ""} == {
        "code": "invalid_field", "field": "received_at", "index": 1, "message": ""}
    twice = push(client, tokens["hotline"], [MESSAGE, MESSAGE])
    assert (twice.get_json()["error"]["field"], twice.get_json()["error"]["index"]) == ("number", 1)
    assert counts(session) == before


def test_a_body_that_is_not_json(client, tokens):
    answer = client.post("/api/v1/messages", data="number=1",
                         headers={**bearer(tokens["hotline"]),
                                  "Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_json"


def test_tokens_of_another_scope_are_refused(client, session, tokens):
    entry_id = push(client, tokens["hotline"], MESSAGE).get_json()["results"][0]["entry_id"]
    before = counts(session)
    for secret, method, url, payload in (
        (tokens["portal"], "POST", "/api/v1/messages", MESSAGE | {"source": "12345热线"}),
        (tokens["portal"], "GET", f"/api/v1/entries/{entry_id}", None),
        (tokens["portal"], "GET", "/api/v1/messages/HL-1001?source=12345热线", None),
        (tokens["housing"], "GET", f"/api/v1/entries/{entry_id}", None),
        (tokens["housing"], "POST", "/api/v1/messages", MESSAGE),
        (tokens["numbers"], "GET", f"/api/v1/entries/{entry_id}", None),
        (tokens["hotline"], "GET", f"/api/v1/metrics?from={DAY}&to={DAY}", None),
    ):
        answer = client.open(url, method=method, json=payload, headers=bearer(secret))
        assert answer.status_code == 403, (url, answer.get_json())
        assert answer.get_json()["error"]["code"] == "forbidden"
    assert counts(session) == before
    # the other source's own number space: the same number there is another message
    assert client.get("/api/v1/messages/HL-1001",
                      headers=bearer(tokens["portal"])).status_code == 404


def test_unknown_revoked_and_missing_tokens_get_401(client, auth, demo_users, session, tokens):
    revoke_token(session, find_token_by_name(session, "hotline"))
    session.commit()
    for headers in (bearer(tokens["hotline"]), bearer("yq_not-a-token"), {},
                    {"Authorization": f"Basic {tokens['portal']}"}):
        answer = client.post("/api/v1/messages", json=MESSAGE, headers=headers)
        assert answer.status_code == 401, headers
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert answer.get_json()["error"]["code"] in ("invalid_token", "missing_token")
    # a signed-in admin without a token is no API client
    account = demo_users["admin"]
    assert auth.login(account.username, account.password).status_code == 302
    assert client.get(f"/api/v1/metrics?from={DAY}&to={DAY}").status_code == 401


def test_use_is_noted(client, session, tokens):
    assert client.get(f"/api/v1/metrics?from={DAY}&to={DAY}",
                      headers=bearer(tokens["numbers"])).status_code == 200
    session.expire_all()
    assert find_token_by_name(session, "numbers").last_used_at is not None
    assert find_token_by_name(session, "hotline").last_used_at is None


def test_the_rate_limit_is_counted_in_the_database(app, client, session, tokens):
    app.extensions["yuqing.settings"] = dataclasses.replace(
        app.extensions["yuqing.settings"], api_rate_limit=3)
    url = f"/api/v1/metrics?from={DAY}&to={DAY}"
    statuses = [client.get(url, headers=bearer(tokens["numbers"])).status_code for _ in range(3)]
    limited = client.get(url, headers=bearer(tokens["numbers"]))
    if limited.status_code == 200:  # the minute turned between the requests: count again
        statuses = [client.get(url, headers=bearer(tokens["numbers"])).status_code
                    for _ in range(2)]
        limited = client.get(url, headers=bearer(tokens["numbers"]))
    assert statuses.count(200) == len(statuses)
    assert limited.status_code == 429, limited.get_json()
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.get_json()["error"]["code"] == "rate_limited"
    # another token has its own count; the counts are rows, not process memory
    assert client.get(url.replace("metrics", "metrics"),
                      headers=bearer(tokens["hotline"])).status_code == 403
    session.expire_all()
    rows = session.scalars(select(ApiRateWindow)).all()
    token_id = find_token_by_name(session, "numbers").id
    assert max(r.requests for r in rows if r.token_id == token_id) >= 4


@pytest.mark.parametrize("query, field", [
    ("", "from"), (f"from={DAY}", "to"), ("from=2024-13-01&to=2024-12-01", "from"),
    (f"from={DAY}&to=2024-05-01", "to"), ("from=1900-01-01&to=2024-01-01", "from"),
    (f"from={DAY}&to={DAY}&kind=tweet", "kind"),
])
def test_bad_metrics_periods_name_the_parameter(client, tokens, query, field):
    answer = client.get(f"/api/v1/metrics?{query}", headers=bearer(tokens["numbers"]))
    assert answer.status_code == 422 and answer.get_json()["error"]["field"] == field


def test_the_metrics_are_the_reports(client, session, tokens, settings):
    from datetime import date

    from tracker.metrics import Period, compute_metrics

    push(client, tokens["hotline"], [MESSAGE, MESSAGE | {"number": "HL-3", "reply": "已处理",
                                                         "replied_at": f"{DAY}T12:00:00+08:00"}])
    shown = client.get(f"/api/v1/metrics?from={DAY}&to={DAY}",
                       headers=bearer(tokens["numbers"])).get_json()
    day = date.fromisoformat(DAY)
    direct = compute_metrics(session, Period(day, day), settings).to_json()
    for key in ("received", "replied", "reply_rate", "median_reply_hours", "p90_reply_hours",
                "on_time_rate", "overdue_open"):
        assert shown[key] == direct[key], key
    assert shown["replied"] >= 1


def test_a_user_id_is_not_a_token(session, demo_users):
    admin = session.scalar(select(User).where(User.username == "admin"))
    token, secret = create_token(session, "by-admin", scopes=("metrics:read",),
                                 actor_id=admin.id)
    assert secret.startswith("yq_") and secret not in token.token_hash
    assert len(token.token_hash) == 64
