"""Real rows for the security tests: one of each thing a URL can name (an alert with its
event and mentions, ledger entries, admin settings), so that a route answers from its real
view rather than with a 404; and the URL of every rule over those rows (``URL_ARGS``,
``requests_of``), which the matrix and the header checks share.

Rows that would change other tests' behaviour if left behind are inert: the SLA rule is
inactive and bound to a board that does not exist, the notification rule and the robot are
disabled.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.tracker.cases.factory import finished_opinion
from tests.tracker.events.factory import MATTER, fresh_epoch, mention
from tests.tracker.ledger.factory import HOUSING, SH, actor, context, department_id, local
from tracker.accounts import create_token
from tracker.cases import WriteUp, create_case, publish_case
from tracker.ledger import open_disclosure_entry, open_opinion_entry, perform
from tracker.models import (
    Department,
    EscalationContact,
    JobRun,
    Notification,
    NotificationRule,
    Policy,
    SlaRuleRow,
    Source,
    TypicalQA,
    User,
    WatchRule,
    WebhookEndpoint,
    utcnow,
)
from tracker.models.events import Alert, Event, MentionAnalysis, SentimentCorrection
from tracker.qa import FaqInput, save_faq


def _event(session: Session, tag: str, start, texts: list[str], level: str) -> tuple:
    """An open event with mentions over three days and one new alert at ``level``."""
    event = Event(cluster_key=f"sec-{tag}-{uuid.uuid4().hex[:6]}", title=f"{texts[0][:20]} {tag}",
                  keywords=["搅拌站", "噪音"], first_seen_at=start,
                  last_seen_at=start + timedelta(days=2), mention_count=len(texts),
                  hotness=42.0, level=level, reason="信息量增长较快")
    session.add(event)
    session.flush()
    rows = []
    for n, text in enumerate(texts):
        row = mention(session, text, start + timedelta(days=n % 3, minutes=n))
        session.add(MentionAnalysis(mention_id=row.id, event_id=event.id,
                                    sentiment=0.1 if n % 2 else 0.8, keywords=["搅拌站"]))
        rows.append(row)
    alert = Alert(event_id=event.id, level=level, level_rank=1, hotness=42.0,
                  reason="信息量增长较快", department=HOUSING)
    session.add(alert)
    session.flush()
    return event, alert, rows


def _ledger(session: Session, tag: str) -> dict[str, int]:
    """A new opinion, an opinion assigned to the demo responder's department, and a replied
    disclosure application of that department."""
    staff, ctx = actor(session, "staff"), context()

    def opinion(title: str):
        return open_opinion_entry(session, title=title, summary="内容", source="本地论坛",
                                  url=None, found_at=local("2025-09-30 09:00"),
                                  first_published_at=None, level="一般", mention_ids=[],
                                  actor_id=staff.id, ctx=ctx)

    fresh = opinion(f"新登记舆情 {tag}")
    assigned = opinion(f"住建舆情 {tag}")
    perform(session, assigned, "assess", staff, ctx=ctx, now=local("2025-09-30 09:10"))
    perform(session, assigned, "assign", staff, ctx=ctx, now=local("2025-09-30 09:20"),
            data={"lead_department_id": department_id(session, HOUSING)})
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
    return {"fresh": fresh.id, "entry": assigned.id, "disclosure": disclosure.id}


def _admin(session: Session, tag: str) -> dict[str, int]:
    """Admin settings a URL can name; every one of them inert."""
    leader = session.scalar(select(User).where(User.username == "leader"))
    sla = SlaRuleRow(kind="message", board=f"no-such-board-{tag}", unit="working_days",
                     time_limit=9, clock_start="found", active=False)
    rule = NotificationRule(name=f"测试规则-{tag}", event_kind="alert", enabled=False)
    hook = WebhookEndpoint(name=f"测试机器人-{tag}", kind="dingtalk", enabled=False,
                           url="https://127.0.0.1:9/robot/send?access_token=0000")
    contact = EscalationContact(department_id=department_id(session, HOUSING), tier="leader",
                                user_id=leader.id)
    member = User(username=f"member-{tag}", display_name="矩阵成员", role_code="opinion_staff",
                  active=True, failed_logins=0)
    member.set_password("member-pass-123")
    source = Source(name=f"matrix_{tag}", title="矩阵信息源", kind="rss", enabled=False,
                    base_url="http://127.0.0.1:9/", config={})
    dept = Department(name=f"矩阵部门-{tag}", active=True)
    watch = WatchRule(name=f"测试监测-{tag}", all_words=["搅拌站"], enabled=False)
    policy = Policy(import_id=f"matrix-policy-{tag}", title="矩阵政策文件", text="矩阵政策正文",
                    validity="valid", attachments=[], extra={})
    session.add_all([sla, rule, hook, contact, member, source, dept, watch, policy,
                     JobRun(job_id="analyze", status="ok")])
    notes = {}
    for user in session.scalars(select(User).where(User.username.in_(
            ["staff", "responder", "leader", "admin"]))):
        notes[user.username] = Notification(user_id=user.id, kind="alert", title="新的舆情预警",
                                            body=f"测试通知 {tag}")
        session.add(notes[user.username])
    session.flush()
    token, _secret = create_token(session, f"矩阵令牌-{tag}", scopes=("metrics:read",))
    return {"sla": sla.id, "rule": rule.id, "hook": hook.id, "contact": contact.id,
            "member": member.id, "source": source.id,
            "api_token": token.id, "department": dept.id, "watch": watch.id,
            "policy": policy.id,
            "note": notes["staff"].id}


def _typical_qa(session: Session, tag: str) -> dict[str, int]:
    """A published typical Q&A and a draft one (no ledger entry behind them)."""
    now = utcnow()
    shown = TypicalQA(month=now.strftime("%Y-%m"), state="published", title=f"矩阵问答 {tag}",
                      question="小区道路破损何时维修？", answer="已列入维修计划。",
                      department_name="矩阵部门", category="城乡建设", policies=[],
                      published_at=now)
    draft = TypicalQA(month=now.strftime("%Y-%m"), state="draft", title=f"矩阵草稿 {tag}",
                      question="路灯不亮。", answer="已修复。", policies=[])
    session.add_all([shown, draft])
    session.flush()
    return {"qa": shown.id, "qa_draft": draft.id}


def _cases(session: Session) -> dict[str, int]:
    """A case in the library (published by the leader) and a finished entry not written up."""
    leader = actor(session, "leader")
    entry = finished_opinion(session, title="矩阵案例事项")
    case = create_case(session, entry, WriteUp(
        title="矩阵案例", background="背景", response="处置", result="成效", lessons="经验",
        tags=["矩阵"], department_id=department_id(session, HOUSING)),
        actor_id=leader.id, role=leader.role, tz=SH)
    publish_case(session, case, actor_id=leader.id, role=leader.role)
    return {"case": case.id, "finished": finished_opinion(session, title="矩阵待写事项").id}
def _qa(session: Session, tag: str) -> dict[str, int]:
    """Two curated Q&A entries (one to show, one to merge into it)."""
    kept = save_faq(session, FaqInput(f"矩阵问答 {tag}", "矩阵答复"), None)
    other = save_faq(session, FaqInput(f"矩阵重复问答 {tag}", "矩阵答复"), None)
    return {"qa_entry": kept.id, "qa_other": other.id}


def texts_of(row) -> str:
    """A mention's text as a sentiment correction keeps it."""
    return f"{row.title}\n{row.text}"


def build_world(session: Session) -> dict[str, Any]:
    """Create one of everything (needs the demo accounts) and commit; returns the ids."""
    tag = uuid.uuid4().hex[:8]
    start = fresh_epoch()
    event, alert, rows = _event(session, tag, start, MATTER, "一般")
    other, other_alert, _ = _event(session, tag, start + timedelta(hours=1), MATTER[:3], "较大")
    ids = {"alert": alert.id, "event": event.id, "mention": rows[0].id,
           "other_alert": other_alert.id, "other_event": other.id, "tag": tag}
    fix = SentimentCorrection(mention_id=rows[1].id, text=texts_of(rows[1]), old_score=0.1,
                              label=1)  # a staff correction a leader may overrule
    session.add(fix)
    session.flush()
    ids["correction"] = fix.id
    ids.update(_ledger(session, tag))
    ids.update(_admin(session, tag))
    ids.update(_typical_qa(session, tag))
    ids.update(_cases(session))
    ids.update(_qa(session, tag))
    session.commit()
    return ids


# The values of each rule's URL parameters: the world's rows ({name}) or fixed words.
URL_ARGS = {
    "alerts.detail": {"alert_id": "{alert}"}, "alerts.dismiss": {"alert_id": "{alert}"},
    "alerts.merge": {"alert_id": "{alert}"}, "alerts.escalate": {"alert_id": "{other_alert}"},
    "alerts.sentiment": {"alert_id": "{alert}", "mention_id": "{mention}"},
    "alerts.overrule": {"alert_id": "{alert}", "correction_id": "{correction}"},
    "admin.model_use": {"kind": "sentiment"},
    "ledger.entry": {"entry_id": "{entry}"}, "ledger.written_reply": {"entry_id": "{disclosure}"},
    "ledger.act": {"entry_id": "{entry}", "action": "accept"},
    "ledger.reply_check": {"entry_id": "{entry}"},
    "admin.sla_toggle": {"rule_id": "{sla}"},
    "admin.calendar_complete": {"year": "2031"},
    "admin.job_runs": {"job_id": "analyze"},
    "admin.job_action": {"job_id": "analyze", "action": "pause"},
    "admin.rule_action": {"rule_id": "{rule}", "action": "toggle"},
    "admin.toggle_webhook": {"hook_id": "{hook}"},
    "admin.delete_contact": {"contact_id": "{contact}"},
    "admin.edit": {"user_id": "{member}"}, "admin.toggle_user": {"user_id": "{member}"},
    "admin.reset_password": {"user_id": "{member}"},
    "admin.source_page": {"source_id": "{source}"}, "admin.source_edit": {"source_id": "{source}"},
    "admin.source_active": {"source_id": "{source}"},
    "admin.revoke_api_token": {"token_id": "{api_token}"},
    "api.entry_status": {"entry_id": "{entry}"}, "api.message_status": {"number": "1"},
    "admin.edit_department_page": {"department_id": "{department}"},
    "admin.toggle_department": {"department_id": "{department}"},
    "ledger.queue_assign": {"entry_id": "{fresh}"},
    "admin.rule_edit": {"rule_id": "{watch}"}, "admin.rule_toggle": {"rule_id": "{watch}"},
    "admin.rule_delete": {"rule_id": "{watch}"},
    "admin.notification_open": {"note_id": "{note}"},  # the staff's own notification
    "reports.download": {"month": "2025-09", "fmt": "xlsx"},
    "assessment.year_file": {"year": "2025", "fmt": "xlsx"},
    "assessment.disclosure_file": {"year": "2025"},
    "assessment.disclosure_cell": {"year": "2025", "row": "new", "col": "6"},
    "assessment.remedies": {"year": "2025"},
    "cases.detail": {"case_id": "{case}"}, "cases.pdf": {"case_id": "{case}"},
    "cases.edit": {"case_id": "{case}"}, "cases.publish": {"case_id": "{case}"},
    "cases.withdraw": {"case_id": "{case}"}, "cases.new": {"entry_id": "{finished}"},
    "cases.year_document": {"year": "2025"},
    "policies.detail": {"policy_id": "{policy}"}, "policies.edit": {"policy_id": "{policy}"},
    "static": {"filename": "app.css"},
    "public.detail": {"item_id": "{qa}"}, "publication.item": {"item_id": "{qa_draft}"},
    "publication.step": {"item_id": "{qa_draft}", "action": "submit"},
    "publication.pick_entry": {"entry_id": "{disclosure}"},
    "qa.entry": {"entry_id": "{qa_entry}"}, "qa.edit": {"entry_id": "{qa_entry}"},
    "qa.retire_entry": {"entry_id": "{qa_entry}"}, "qa.merge_entry": {"entry_id": "{qa_entry}"},
}


def fill(text: str, ids: dict) -> str:
    """``text`` with {name} replaced by the world's ids."""
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), text)


def requests_of(app, ids: dict) -> list[tuple[str, str, str, str]]:
    """(rule, method, endpoint, URL) of every rule and method the matrix checks, GETs first
    and signing out last."""
    out = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            args = {k: fill(v, ids) for k, v in URL_ARGS.get(rule.endpoint, {}).items()}
            url = url_for(rule.endpoint, **args)
            methods = rule.methods - {"HEAD", "OPTIONS"}
            for method in ["GET"] if "GET" in methods else sorted(methods):
                out.append((rule.rule, method, rule.endpoint, url))
    return sorted(out, key=lambda r: (r[1] == "POST", r[0] == "/logout", r[0]))
