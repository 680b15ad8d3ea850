"""Managing watch rules: create, edit, disable/enable, delete (each audited), what each rule
hit (on SQLite and PostgreSQL), and the 30-day preview on every index backend."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.tracker.events.factory import mention
from tests.tracker.index.conftest import T0
from tracker.index import (
    WatchRuleError,
    create_rule,
    delete_rule,
    find_rule,
    preview_rule,
    rule_query,
    rule_stats,
    set_rule_enabled,
    update_rule,
)
from tracker.models import Alert, AuditEvent, Event, MentionAnalysis, WatchRule, utcnow


def audit_rows(session, rule_id: int) -> list[tuple[str, str | None, str | None, str | None]]:
    rows = session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "watch_rule", AuditEvent.entity_id == str(rule_id))
        .order_by(AuditEvent.id))
    return [(r.action, r.field, r.old_value, r.new_value) for r in rows]


def test_a_rule_is_created_edited_disabled_and_deleted_with_an_audit_trail(session):
    rule = create_rule(session, "  搅拌站  噪音 ", "搅拌站 (噪音|粉尘) -广告", actor_id=None,
                       description="市民反映")
    assert rule.name == "搅拌站 噪音" and rule.enabled
    assert rule_query(rule).to_text() == "搅拌站 (噪音|粉尘) -广告"
    update_rule(session, rule, name="搅拌站扰民", query_text="搅拌站 噪音 region:A3区",
                description="市民反映", actor_id=None)
    assert rule.all_words == ["搅拌站", "噪音"] and rule.region_words == ["A3区"]
    assert rule.any_groups == [] and rule.none_words == []
    assert set_rule_enabled(session, rule, False, actor_id=None) is True
    assert set_rule_enabled(session, rule, False, actor_id=None) is False  # already so
    assert not rule.enabled
    rule_id = rule.id
    assert find_rule(session, rule_id) is rule and find_rule(session, "搅拌站扰民") is rule
    assert find_rule(session, str(rule_id)) is rule
    delete_rule(session, rule, actor_id=None)
    assert session.get(WatchRule, rule_id) is None and find_rule(session, "搅拌站扰民") is None
    trail = audit_rows(session, rule_id)
    assert trail[0][0] == "create"
    assert ("edit", "name", "搅拌站 噪音", "搅拌站扰民") in trail
    assert ("edit", "query", "搅拌站 (噪音|粉尘) -广告", "搅拌站 噪音 region:A3区") in trail
    assert ("disable", "enabled", "True", "False") in trail
    assert [r for r in trail if r[0] == "disable"] == [("disable", "enabled", "True", "False")]
    assert trail[-1][0] == "delete"
    deleted = session.scalars(select(AuditEvent).where(
        AuditEvent.entity_id == str(rule_id), AuditEvent.action == "delete")).one()
    assert deleted.detail["name"] == "搅拌站扰民"
    assert deleted.detail["query"] == "搅拌站 噪音 region:A3区"


def test_an_unchanged_edit_records_nothing(session):
    rule = create_rule(session, "供暖", "供暖 不热", actor_id=None)
    update_rule(session, rule, name="供暖", query_text="供暖  不热", description="",
                actor_id=None)
    assert [r[0] for r in audit_rows(session, rule.id)] == ["create"]


@pytest.mark.parametrize("name, query, message", [
    ("", "物业", "方案名称必填"),
    ("甲" * 129, "物业", "不超过 128 个字"),
    ("坏检索式", "(物业", "检索式有误"),
    ("空检索式", "   ", "检索式为空"),
])
def test_bad_input_is_refused_in_chinese_and_changes_nothing(session, name, query, message):
    rule = create_rule(session, "原有规则", "物业 噪音", actor_id=None)
    with pytest.raises(WatchRuleError, match=message):
        update_rule(session, rule, name=name, query_text=query, description=None,
                    actor_id=None)
    with pytest.raises(WatchRuleError, match=message):
        create_rule(session, name, query, actor_id=None)
    assert rule.name == "原有规则" and rule_query(rule).to_text() == "物业 噪音"


def test_a_name_in_use_is_refused(session):
    create_rule(session, "甲方案", "物业", actor_id=None)
    other = create_rule(session, "乙方案", "噪音", actor_id=None)
    with pytest.raises(WatchRuleError, match="已有名为「甲方案」"):
        create_rule(session, "甲方案", "供暖", actor_id=None)
    with pytest.raises(WatchRuleError, match="已有名为「甲方案」"):
        update_rule(session, other, name="甲方案", query_text="噪音", description=None,
                    actor_id=None)
    assert other.name == "乙方案"


def test_rule_stats_count_the_recorded_hits_and_the_latest_alert(session):
    now = utcnow()
    event = Event(cluster_key=f"rules-{now.timestamp()}", title="搅拌站噪音", first_seen_at=now,
                  last_seen_at=now)
    session.add(event)
    session.flush()
    recent = [mention(session, f"搅拌站夜间施工噪音扰民 {n}", now - timedelta(days=n))
              for n in (1, 2, 3)]
    old = mention(session, "搅拌站噪音 很久以前", now - timedelta(days=45))
    for row, hits in zip(recent + [old], [["噪音"], ["噪音", "搅拌站"], [], ["噪音"]],
                         strict=True):
        session.add(MentionAnalysis(mention_id=row.id, event_id=event.id, sentiment=0.2,
                                    keywords=[], watch_hits=hits))
    alerted = now - timedelta(hours=5)
    session.add_all([
        Alert(event_id=event.id, level="一般", level_rank=1, hotness=1.0, reason="测试",
              created_at=alerted),
        Alert(event_id=event.id, level="较大", level_rank=2, hotness=1.0, reason="测试",
              created_at=now - timedelta(days=40))])
    session.flush()
    stats = rule_stats(session, now=now)
    assert stats["噪音"].hits == 2 and stats["搅拌站"].hits == 1
    assert abs((stats["噪音"].last_alert_at - alerted).total_seconds()) < 1
    assert "无此规则" not in stats
    assert rule_stats(session, now=now - timedelta(days=60)) == {}


def test_the_preview_counts_each_local_day_and_lists_the_newest_hits(corpus):
    now = T0 + timedelta(hours=60)  # 2026-11-03 22:00 in Asia/Shanghai
    preview = preview_rule(corpus, "物业", timezone="Asia/Shanghai", now=now)
    assert preview.total == 2  # m1 and m5; m3 has 货物，业主 and m8 no publication time
    assert len(preview.days) == 30
    assert preview.days[0] == (date(2026, 10, 5), 0) and preview.days[-1] == (date(2026, 11, 3), 0)
    busy = {day: count for day, count in preview.days if count}
    assert busy == {date(2026, 11, 1): 1, date(2026, 11, 2): 1}
    assert [hit.doc.id for hit in preview.hits] == ["m5", "m1"]
    assert not preview.filters_only
    assert preview_rule(corpus, "物业 -服务", timezone="Asia/Shanghai", now=now).total == 1
    # Ten days later m1 and m5 have left the window of the last 3 days.
    assert preview_rule(corpus, "物业", timezone="Asia/Shanghai", now=now + timedelta(days=10),
                        days=3).total == 0


def test_a_preview_of_filters_only_warns_and_a_bad_query_is_refused(corpus):
    now = T0 + timedelta(hours=60)
    preview = preview_rule(corpus, "source:demo_forum", timezone="Asia/Shanghai", now=now)
    assert preview.filters_only and preview.total == 2  # m5 and m6; m8 has no time
    with pytest.raises(WatchRuleError, match="检索式有误"):
        preview_rule(corpus, "物业 (噪音", timezone="Asia/Shanghai", now=now)
    with pytest.raises(WatchRuleError, match="检索式为空"):
        preview_rule(corpus, "", timezone="Asia/Shanghai", now=now)
