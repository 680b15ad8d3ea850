"""``yuqing rule list|edit|disable|enable|delete|test`` from the shell (a fresh SQLite database
with a few board messages of the last days, and the embedded index)."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.tracker.index.test_sync import ingest
from tracker.cli import cli
from tracker.collection.ingest import CollectedItem
from tracker.db import make_engine, session_factory
from tracker.index import save_rule
from tracker.models import AuditEvent, WatchRule, utcnow

MESSAGES = [("搅拌站夜间噪音", 1), ("搅拌站粉尘扰民", 2), ("供暖不热", 2), ("搅拌站很久以前", 60)]


@pytest.fixture
def env(tmp_path, sqlite_template):
    """A yuqing install with four board messages and one watch rule, 搅拌站噪音."""
    db = tmp_path / "yuqing.db"
    shutil.copy(sqlite_template, db)
    engine = make_engine(f"sqlite:///{db}")
    sessions = session_factory(engine)
    now = utcnow()
    ingest(sessions, [CollectedItem(kind="board", external_id=f"c{i}", title=title,
                                    text=f"{title}，请尽快处理。", url=f"http://board.test/c{i}",
                                    published_at=now - timedelta(days=days))
                      for i, (title, days) in enumerate(MESSAGES)])
    with sessions() as session:
        save_rule(session, "搅拌站噪音", "搅拌站 噪音")
        session.commit()
    engine.dispose()
    yield {"YUQING_DATA_DIR": str(tmp_path / "var"), "YUQING_DATABASE_URL": f"sqlite:///{db}",
           "YUQING_ELASTICSEARCH_URL": "", "YUQING_ENV": "test", "_db": str(db)}


def run(env, *args, **kwargs):
    """Invoke ``yuqing`` with ``args``."""
    env = {k: v for k, v in env.items() if not k.startswith("_")}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False, **kwargs)


def audit(env) -> list[tuple[str, str | None]]:
    engine = make_engine(f"sqlite:///{env['_db']}")
    with session_factory(engine)() as session:
        rows = session.execute(select(AuditEvent.action, AuditEvent.field).where(
            AuditEvent.entity_type == "watch_rule").order_by(AuditEvent.id)).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_list_edit_disable_enable_and_delete(env):
    rules = json.loads(run(env, "rule", "list", "--json").output)
    assert [(r["name"], r["enabled"], r["query"], r["hits_30d"]) for r in rules] == [
        ("搅拌站噪音", True, "搅拌站 噪音", 0)]
    number = str(rules[0]["id"])
    edited = run(env, "rule", "edit", "搅拌站噪音", "--name", "搅拌站扰民", "--query",
                 "搅拌站 (噪音|粉尘)")
    assert edited.exit_code == 0 and "updated rule '搅拌站扰民'" in edited.output
    assert run(env, "rule", "disable", number).output.strip() == "disabled rule '搅拌站扰民'"
    assert "already disabled" in run(env, "rule", "disable", "搅拌站扰民").output
    listed = run(env, "rule", "list").output
    assert listed.split("\t")[1:4] == ["搅拌站扰民", "disabled", "搅拌站 (噪音|粉尘)"]
    assert run(env, "rule", "enable", "搅拌站扰民").output.strip() == "enabled rule '搅拌站扰民'"
    refused = run(env, "rule", "delete", "搅拌站扰民", input="n\n")
    assert refused.exit_code == 1 and json.loads(run(env, "rule", "list", "--json").output)
    assert run(env, "rule", "delete", number, "--yes").output.strip() == \
        "deleted rule '搅拌站扰民'"
    assert json.loads(run(env, "rule", "list", "--json").output) == []
    assert audit(env) == [("edit", "name"), ("edit", "query"), ("disable", "enabled"),
                          ("enable", "enabled"), ("delete", None)]


def test_bad_input_is_one_english_line_and_changes_nothing(env):
    missing = run(env, "rule", "disable", "没有这条")
    assert missing.exit_code == 1
    assert missing.output.strip() == "Error: no watch rule named or numbered '没有这条'"
    bad = run(env, "rule", "edit", "搅拌站噪音", "--query", "(搅拌站")
    assert bad.exit_code == 1 and bad.output.startswith("Error: bad query: ")
    empty = run(env, "rule", "edit", "搅拌站噪音", "--name", "  ")
    assert empty.output.strip() == "Error: a rule needs a name of at most 128 characters"
    assert audit(env) == []
    engine = make_engine(f"sqlite:///{env['_db']}")
    with session_factory(engine)() as session:
        assert session.scalar(select(WatchRule.all_words)) == ["搅拌站", "噪音"]
    engine.dispose()


def test_test_counts_the_hits_of_the_last_days(env):
    assert run(env, "index", "sync", "--json").exit_code == 0
    data = json.loads(run(env, "rule", "test", "搅拌站噪音", "--json").output)
    assert data["query"] == "搅拌站 噪音" and data["total"] == 1 and len(data["days"]) == 30
    assert [h["title"] for h in data["hits"]] == ["搅拌站夜间噪音"]
    wider = json.loads(run(env, "rule", "test", "--query", "搅拌站", "--json").output)
    assert wider["total"] == 2  # the 60-day-old message is outside the window
    assert sum(d["count"] for d in wider["days"]) == 2
    year = json.loads(run(env, "rule", "test", "--query", "搅拌站", "--days", "90",
                          "--json").output)
    assert year["total"] == 3
    text = run(env, "rule", "test", "搅拌站噪音").output
    assert text.startswith("1 hits in the last 30 days for: 搅拌站 噪音")
    assert run(env, "rule", "test").exit_code == 2  # neither a rule nor --query
