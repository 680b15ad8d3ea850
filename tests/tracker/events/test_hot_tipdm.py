"""Acceptance: TipDM 附件3 imported, analyzed, and ``yuqing hot --top 10`` over its whole period
lists the matters a human reader of that data calls the hottest, each as one event.

The matters are the hand-identified ones of the analysis tests (tests/analysis/
test_clustering_fj3.py, which says how they were found): one definition of what a reader
names, checked there on the clusterer alone and here through the whole product — import,
``yuqing analyze`` (SQL, batches, board messages as mentions) and ``yuqing hot``.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from analysis.types import Item
from tests.analysis.test_clustering_fj3 import MATTERS
from tests.conftest import SHARED_DATA
from tests.tracker.cli.test_cli import run

FJ3 = SHARED_DATA / "tipdm2020c_fj3_hot" / "fujian3_messages_likes.csv"
SHARE = 0.8  # of a matter's messages in its event, and of the event's members about it
PERIOD = ["--from", "2017-06-01", "--to", "2020-01-31"]  # every message's time

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not FJ3.exists(), reason="TipDM 附件3 not in the shared data")]


@pytest.fixture(scope="module")
def hot(tmp_path_factory):
    """Import, analyze twice, rank: the top-10 JSON, mentions as items, 留言编号 -> mention."""
    home = tmp_path_factory.mktemp("tipdm")
    env = {"YUQING_DATA_DIR": str(home / "var")}
    assert run(["db", "upgrade"], env, home).returncode == 0
    imported = run(["import-messages", str(FJ3), "--json"], env, home, timeout=600)
    assert json.loads(imported.stdout)["imported"] == 4326, imported.stderr
    analyzed = run(["analyze", "--json"], env, home, timeout=1800)
    assert analyzed.returncode == 0, analyzed.stderr
    assert json.loads(analyzed.stdout.splitlines()[-1])["analyzed"] == 4326
    again = run(["analyze", "--json"], env, home, timeout=600)
    assert json.loads(again.stdout.splitlines()[-1])["analyzed"] == 0
    shown = run(["hot", "--top", "10", *PERIOD], env, home)
    print(shown.stdout)  # what a person sees (pytest -s shows it)
    result = run(["hot", "--top", "10", *PERIOD, "--json"], env, home)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(home / "var" / "yuqing.db") as db:
        rows = db.execute("SELECT m.id, m.title, m.text, c.external_id FROM mentions m "
                          "JOIN message_cases c ON c.id = m.message_case_id").fetchall()
    items = {i: Item(id=str(i), title=t, text=x, published_at=None) for i, t, x, _ in rows}
    return json.loads(result.stdout), items, {e: i for i, _t, _x, e in rows}


def test_the_top_ten_has_the_json_shape_and_is_ranked(hot):
    top, _items, _ids = hot
    assert len(top) == 10
    assert all(set(e) == {"id", "title", "keywords", "mention_count", "hotness", "level",
                          "member_ids"} for e in top)
    assert [e["hotness"] for e in top] == sorted((e["hotness"] for e in top), reverse=True)
    assert all(e["mention_count"] == len(e["member_ids"]) for e in top)


def _event_of(top: list[dict], mention_id: int) -> dict | None:
    return next((e for e in top if mention_id in e["member_ids"]), None)


def test_the_hottest_matters_are_in_the_top_ten(hot):
    top, _items, ids = hot
    found = [m.name for m in MATTERS if _event_of(top, ids[m.key]) is not None]
    assert len(found) == len(MATTERS), (
        f"only {found} in the top ten: {[e['title'] for e in top]}")
    events = [_event_of(top, ids[m.key])["id"] for m in MATTERS]
    assert len(events) == len(set(events)), "two matters merged into one event"


@pytest.mark.parametrize("matter", MATTERS, ids=lambda m: m.name)
def test_each_matter_in_the_top_ten_is_one_event(hot, matter):
    top, items, ids = hot
    event = _event_of(top, ids[matter.key])
    assert event is not None, f"{matter.name} is not in the top ten"
    about = {int(i) for i, item in items.items() if matter.matches(item)}
    members = set(event["member_ids"])
    assert len(about & members) >= SHARE * len(about), (
        f"{matter.name} split: {len(about & members)} of {len(about)} messages in one event")
    assert len(about & members) >= SHARE * len(members), (
        f"{matter.name} mixed with others: {len(about & members)} of {len(members)} members")
    others = [e["title"] for e in top if e is not event and set(e["member_ids"]) & about]
    assert not others, f"{matter.name} is in the top ten again as {others}"
