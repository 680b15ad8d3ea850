"""``yuqing policy import|search|reindex`` as an operator runs them (a subprocess per command,
both databases): the JSON shapes the acceptance scripts read, --jsonl on stdin, one-line
errors."""

from __future__ import annotations

import json
import os
import subprocess

from tests.tracker.cli import test_cli
from tests.tracker.cli.test_cli import YUQING, assert_one_line_error, run

db_env = test_cli.db_env  # an empty database per backend, as the CLI tests use

ROWS = [
    {"id": "e1", "text": "关于做好义务教育招生入学工作的通知\n适龄儿童入学需提供户口簿和居住证。",
     "number": "冀教基〔2024〕3号"},
    {"id": "e2", "title": "住房公积金提取办法", "text": "职工购买自住住房可以提取住房公积金。"},
    {"id": "e3"},
]


def test_policy_commands(db_env, tmp_path):
    assert run(["db", "upgrade"], db_env, tmp_path).returncode == 0
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS), encoding="utf-8")
    made = run(["policy", "import", str(path), "--json"], db_env, tmp_path)
    assert made.returncode == 0, made.stderr
    report = json.loads(made.stdout)
    assert list(report) == ["imported", "updated", "rejected", "errors"]
    assert (report["imported"], report["updated"], report["rejected"]) == (2, 0, 1)
    again = json.loads(run(["policy", "import", str(path), "--json"], db_env, tmp_path).stdout)
    assert (again["imported"], again["updated"]) == (0, 2)
    found = run(["policy", "search", "孩子上学要什么材料", "--json", "--top", "1"], db_env,
                tmp_path)
    hits = json.loads(found.stdout)["hits"]
    assert len(hits) == 1 and set(hits[0]) == {"id", "title", "number", "score"}
    assert hits[0]["id"] == "e1" and hits[0]["number"] == "冀教基〔2024〕3号"
    lines = '{"text": "买房能取公积金吗"}\n{"text": "孩子上学"}\nnot json\n'
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)} | db_env
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    streamed = subprocess.run([YUQING, "policy", "search", "--jsonl", "--top", "2"], env=env,
                              cwd=tmp_path, input=lines, capture_output=True, text=True,
                              timeout=120)
    answers = [json.loads(line) for line in streamed.stdout.splitlines()]
    assert len(answers) == 3 and answers[0]["hits"][0]["id"] == "e2"
    assert answers[1]["hits"][0]["id"] == "e1" and answers[2] == {"hits": []}
    assert streamed.returncode == 1 and "line 3" in streamed.stderr
    rebuilt = run(["policy", "reindex", "--json"], db_env, tmp_path)
    assert json.loads(rebuilt.stdout) == {"indexed": 2}
    assert_one_line_error(run(["policy", "import", str(tmp_path / "none.csv")], db_env,
                              tmp_path), "no such file")
    assert_one_line_error(run(["policy", "search"], db_env, tmp_path), "QUERY")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "x"}\n', encoding="utf-8")
    all_bad = run(["policy", "import", str(bad), "--json"], db_env, tmp_path)
    assert all_bad.returncode == 1 and json.loads(all_bad.stdout)["rejected"] == 1
