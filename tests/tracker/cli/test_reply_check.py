"""`yuqing reply-check` as a user runs it: one reply, --json, and --jsonl on stdin."""

import json
import os
import subprocess
import sys
from pathlib import Path

YUQING = str(Path(sys.executable).with_name("yuqing"))
TEMPLATE = ("您好！您反映的{p}问题，我单位高度重视，已安排工作人员进行调查核实，将依法依规处理，"
            "确保群众合法权益不受侵害。如有疑问请拨打0731-88888888。")
PLACES = ["梨子山", "洋湖", "万国城", "景蓉华苑", "桂花坪"]


def run(args: list[str], tmp_path: Path, stdin: str | None = None):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "YUQING_DATA_DIR": str(tmp_path / "var")}
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run([YUQING, "reply-check", *args], env=env, cwd=tmp_path, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_jsonl_prints_one_result_per_line_and_a_batch_is_its_own_corpus(tmp_path):
    lines = [json.dumps({"message": f"{p}的路灯坏了，什么时候修？", "reply": TEMPLATE.format(p=p)},
                        ensure_ascii=False) for p in PLACES]
    result = run(["--jsonl"], tmp_path, "\n".join(lines) + "\n\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(PLACES)
    for item in out:
        assert set(item) == {"relevance", "completeness", "interpretability", "score", "problems"}
        assert all(0.0 <= item[k] <= 1.0 for k in item if k != "problems")
        assert any("与另外4条答复几乎相同" in p for p in item["problems"])


def test_jsonl_bad_line_is_a_one_line_error(tmp_path):
    result = run(["--jsonl"], tmp_path, '{"message": "a", "reply": "b"}\nnot json\n')
    assert result.returncode != 0 and result.stdout == ""
    assert "line 2" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    missing = run(["--jsonl"], tmp_path, '{"message": "a"}\n')
    assert missing.returncode != 0 and "line 1" in missing.stderr


def test_one_reply_from_files_as_json_and_as_text(tmp_path):
    (tmp_path / "m.txt").write_text("外地户口的孩子能不能在公办学校入学？", encoding="utf-8")
    reply = "您好！经核实，您的情况不符合入学条件，不予办理。"
    (tmp_path / "r.txt").write_text(reply, encoding="utf-8")
    args = ["--message-file", "m.txt", "--reply-file", "r.txt"]
    result = run([*args, "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    item = json.loads(result.stdout)
    assert any("没有说明政策或法律依据" in p for p in item["problems"])
    assert item["findings"] and 0.0 <= item["score"] <= 1.0
    text = run(args, tmp_path)
    assert "相关性" in text.stdout and "问题：" in text.stdout


def test_missing_reply_is_a_usage_error(tmp_path):
    result = run(["--message", "路灯坏了"], tmp_path)
    assert result.returncode != 0 and "--reply" in result.stderr
