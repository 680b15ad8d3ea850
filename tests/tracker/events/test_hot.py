"""Hot issues over a period, and the analysis commands as a user runs them."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta

from tests.tracker.cli.test_cli import YUQING, run
from tests.tracker.events.factory import MATTER, OTHERS, T0, mention
from tracker.events.analyze import run_analysis
from tracker.events.hot import HotConfig, rank
from tracker.models.events import Event, MentionAnalysis

KEYS = {"id", "title", "keywords", "mention_count", "hotness", "level", "member_ids"}


def test_rank_over_a_period_counts_only_the_mentions_inside_it(session):
    early = [mention(session, t, T0 + timedelta(minutes=i)) for i, t in enumerate(MATTER[:4])]
    late = [mention(session, t, T0 + timedelta(days=3, minutes=i))
            for i, t in enumerate(MATTER[4:])]
    other = mention(session, OTHERS[0], T0 + timedelta(hours=1))
    run_analysis(session, now=T0 + timedelta(days=4))
    ranked = rank(session, T0, T0 + timedelta(days=1), 10, HotConfig())
    top = ranked[0].as_json()
    assert set(top) == KEYS
    assert top["member_ids"] == [m.id for m in early] and top["mention_count"] == 4
    assert [h.event.id for h in ranked][1:] == [session.get(MentionAnalysis, other.id).event_id]
    whole = rank(session, T0, T0 + timedelta(days=4), 10, HotConfig())[0]
    assert whole.members == [m.id for m in early + late]
    assert whole.rating.score > ranked[0].rating.score
    assert rank(session, T0 + timedelta(days=10), T0 + timedelta(days=11), 10, HotConfig()) == []


def test_merged_events_leave_the_ranking(session):
    for i, text in enumerate(OTHERS):
        mention(session, text, T0 + timedelta(minutes=i))
    run_analysis(session, now=T0)
    first, second = session.query(Event).order_by(Event.id).limit(2).all()
    second.status, second.merged_into_id = "merged", first.id
    session.flush()
    ids = [h.event.id for h in rank(session, T0, T0 + timedelta(hours=1), 10, HotConfig())]
    assert second.id not in ids and first.id in ids


def _yuqing(args: list[str], tmp_path, stdin: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "YUQING_DATA_DIR": str(tmp_path / "var")}
    return subprocess.run([YUQING, *args], env=env, cwd=tmp_path, input=stdin,
                           capture_output=True, text=True, timeout=120)


def test_sentiment_reads_one_text_per_line(tmp_path):
    lines = "物业乱收费，投诉多次没人管，太气人了\n社区工作人员服务热情，问题很快解决了，点赞\n\n"
    plain = _yuqing(["sentiment"], tmp_path, lines)
    assert plain.returncode == 0, plain.stderr
    scores = [float(v) for v in plain.stdout.split()]
    assert len(scores) == 3 and all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] < 0.5 < scores[1]
    as_json = json.loads(_yuqing(["sentiment", "--json"], tmp_path, lines).stdout)
    assert [round(r["score"], 4) for r in as_json] == [round(s, 4) for s in scores]
    assert all(set(r) == {"score"} for r in as_json)


def test_classify_reads_one_message_per_line(tmp_path):
    lines = ("A3区某小区旁工地夜间施工噪音扰民，请环保部门查处\n"
             "孩子今年上小学，学区划分和入学报名材料怎么准备\n")
    plain = _yuqing(["classify"], tmp_path, lines)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.splitlines() == ["环境保护", "教育文体"]
    rows = json.loads(_yuqing(["classify", "--json"], tmp_path, lines).stdout)
    assert [r["category"] for r in rows] == ["环境保护", "教育文体"]
    assert all(set(r) == {"category", "confidence"} and 0 < r["confidence"] <= 1 for r in rows)


def test_analyze_and_hot_on_an_empty_database(tmp_path):
    env = {"YUQING_DATA_DIR": str(tmp_path / "var")}
    assert run(["db", "upgrade"], env, tmp_path).returncode == 0
    analyzed = run(["analyze", "--json"], env, tmp_path)
    assert analyzed.returncode == 0, analyzed.stderr
    assert json.loads(analyzed.stdout.splitlines()[-1])["analyzed"] == 0
    hot = run(["hot", "--json", "--from", "2026-01-01", "--to", "2026-01-31"], env, tmp_path)
    assert hot.returncode == 0 and json.loads(hot.stdout) == []
    wrong = run(["hot", "--from", "2026-02-01", "--to", "2026-01-01"], env, tmp_path)
    assert wrong.returncode != 0 and "--from" in wrong.stderr
    empty = run(["hot"], env, tmp_path)
    assert empty.returncode == 0 and "尚未采集到任何信息" in empty.stdout


def test_an_empty_period_says_when_the_collected_mentions_were_published(tmp_path):
    env = {"YUQING_DATA_DIR": str(tmp_path / "var")}
    assert run(["db", "upgrade"], env, tmp_path).returncode == 0
    board = tmp_path / "board.csv"
    board.write_text("留言编号,留言用户,留言主题,留言时间,留言详情\n"
                     "1,u1,小区停水,2019/11/28 09:08:00,小区停水三天无人处理\n"
                     "2,u2,道路积水,2019/12/03 18:30:00,道路积水严重\n", encoding="utf-8")
    assert run(["import-messages", str(board)], env, tmp_path).returncode == 0
    hot = run(["hot"], env, tmp_path)  # the default period ends now, years after the data
    assert hot.returncode == 0
    assert "已采集信息的发布时间为 2019-11-28 至 2019-12-03" in hot.stdout
