"""``yuqing qa sync`` and ``yuqing qa similar`` as a user runs them (a real subprocess), on
SQLite and PostgreSQL: the JSON shapes the acceptance scripts read, and bad input."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from sqlalchemy.orm import Session

from tests.conftest import create_pg_database, drop_pg_database
from tests.tracker.cli.test_cli import YUQING, run
from tests.tracker.qa.qa_factory import seed
from tracker.db import make_engine
from tracker.settings import load_settings


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded_env(request, tmp_path):
    """A migrated database of each backend holding the answered messages of qa_factory."""
    env = {"YUQING_DATA_DIR": str(tmp_path / "var")}
    url = create_pg_database("yuqing_qa_cli") if request.param == "postgresql" else None
    if url:
        env["YUQING_DATABASE_URL"] = url
    assert run(["db", "upgrade"], env, tmp_path).returncode == 0
    engine = make_engine(load_settings(env).database_url)
    with Session(engine) as session:
        seed(session)
        session.commit()
    engine.dispose()
    yield env
    if url:
        drop_pg_database(url)


def test_sync_then_similar_json_and_jsonl(seeded_env, tmp_path):
    synced = run(["qa", "sync", "--json"], seeded_env, tmp_path)
    assert synced.returncode == 0, synced.stderr
    counts = json.loads(synced.stdout)
    assert (counts["new_entries"], counts["variants"], counts["merged"]) == (4, 5, 1)
    assert counts["indexed"] == 4
    out = run(["qa", "similar", "上小学报名要带什么材料", "--json", "--top", "2"], seeded_env,
              tmp_path)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)["hits"]
    assert 1 <= len(hits) <= 2 and hits[0]["department"] == "市教育局"
    assert set(hits[0]) == {"id", "question", "answer", "department", "score"}
    lines = '{"text": "工地晚上施工太吵"}\n\n{"text": "养老保险怎么交"}\n'
    full_env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)} | seeded_env
    if os.environ.get("PYTHONPATH"):
        full_env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    proc = subprocess.run([YUQING, "qa", "similar", "--jsonl", "--top", "1"], env=full_env,
                          cwd=tmp_path, input=lines, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    answers = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [a["hits"][0]["department"] for a in answers] == ["市生态环境局", "市人社局"]
    bad = subprocess.run([YUQING, "qa", "similar", "--jsonl"], env=full_env, cwd=tmp_path,
                         input='{"text": 3}\nnot json\n', capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 1 and bad.stdout.splitlines() == ['{"hits": []}'] * 2
    assert "line 1" in bad.stderr and "line 2" in bad.stderr


def test_similar_without_a_query_is_a_one_line_error(seeded_env, tmp_path):
    out = run(["qa", "similar"], seeded_env, tmp_path)
    assert out.returncode != 0 and "QUERY" in out.stderr
    assert "Traceback" not in out.stderr
