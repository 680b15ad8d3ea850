"""The demo's starting watch rules (监测方案): created once, never overwriting an office's own
edits, and each one finds real citizen messages (TipDM 附件3) by the index's matching rules."""

import csv

from sqlalchemy import select

from demo.seed import DEMO_WATCH_RULES, seed_demo_watch_rules
from tests.conftest import SHARED_DATA
from tracker.index.base import MentionDoc
from tracker.index.rules import list_rules, rule_query, save_rule
from tracker.models import WatchRule

FJ3 = SHARED_DATA / "tipdm2020c_fj3_hot" / "fujian3_messages_likes.csv"


def test_rules_are_created_once_and_edits_are_kept(session):
    assert seed_demo_watch_rules(session) == len(DEMO_WATCH_RULES)
    save_rule(session, "噪音扰民", "噪音 夜间")  # the office narrows one rule
    session.delete(session.scalar(select(WatchRule).where(WatchRule.name == "入学学位")))
    session.flush()
    assert seed_demo_watch_rules(session) == 1  # only the deleted one comes back
    rules = {rule.name: rule for rule in list_rules(session)}
    assert set(rules) == {name for name, _, _ in DEMO_WATCH_RULES}
    assert rules["噪音扰民"].all_words == ["噪音", "夜间"]


def test_each_rule_finds_real_messages_and_leaves_most_alone(session):
    seed_demo_watch_rules(session)
    with FJ3.open(encoding="utf-8-sig", newline="") as handle:
        docs = [MentionDoc(id=r["留言编号"], kind="board", source="board",
                           title=r["留言主题"].strip(), text=r["留言详情"].strip(), url="")
                for r in csv.DictReader(handle)]
    for rule in list_rules(session):
        query = rule_query(rule)
        hits = [d for d in docs if query.matches(d)]
        assert 5 <= len(hits) <= len(docs) // 5, (rule.name, len(hits))
    noise = rule_query(next(r for r in list_rules(session) if r.name == "噪音扰民"))
    assert not any(noise.matches(d) for d in docs if "广场舞" in d.title + d.text)


def test_national_news_is_not_the_demo_offices_matter(session):
    seed_demo_watch_rules(session)
    path = SHARED_DATA / "cctv_xwlb_2026" / "cctv_xwlb_2026_part01.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        news = [MentionDoc(id=str(n), kind="news", source="cctv", title=r["title"],
                           text=r["body"], url="") for n, r in enumerate(csv.DictReader(handle))]
    queries = [rule_query(rule) for rule in list_rules(session)]
    assert news and not any(q.matches(d) for q in queries for d in news)
