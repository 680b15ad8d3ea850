"""``yuqing mask`` as a user runs it: a real subprocess reading stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

YUQING = str(Path(sys.executable).with_name("yuqing"))


def run(args: list[str], stdin: bytes, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run ``yuqing mask ARGS`` with ``stdin``; no database is needed or touched."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "YUQING_DATA_DIR": str(tmp_path / "var")}
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run([YUQING, "mask", *args], input=stdin, env=env, cwd=tmp_path,
                          capture_output=True, timeout=120)


def test_text_in_masked_text_out(tmp_path):
    text = "王守义您好！您反映的问题已转王守义所在社区。电话13812345678。\n住3栋2单元501室\n"
    proc = run(["--author", "王守义"], text.encode(), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == ("王某某您好！您反映的问题已转王某某所在社区。电话138****5678。"
                                    "\n住某栋某单元某室\n")
    assert not list((tmp_path / "var").glob("*.db"))  # masking opens no database


def test_jsonl_spans_index_the_original_text(tmp_path):
    lines = [
        {"text": "网友“A00023583”：您好！我叫张三，电话13812345678", "author": "A00023583"},
        {"text": "尊敬的杨文懿书记：12345热线，张家界"},
        {"text": "李明同志：您好！", "author": None},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode() + b"\n\n"
    proc = run(["--jsonl"], stdin, tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(out) == 3 and all(set(o) == {"text", "spans"} for o in out)
    first = out[0]
    assert [(s["kind"], lines[0]["text"][s["start"]:s["end"]]) for s in first["spans"]] == [
        ("author", "A00023583"), ("name", "张三"), ("mobile", "13812345678")]
    assert all(set(s) == {"kind", "start", "end"} for s in first["spans"])
    assert first["text"] == "网友“A********”：您好！我叫张某，电话138****5678"
    assert out[1] == {"text": lines[1]["text"], "spans": []}
    assert out[2]["text"] == "李某同志：您好！"


def test_author_option_is_the_default_of_each_line(tmp_path):
    stdin = '{"text": "回复老街坊：老街坊您好"}\n{"text": "老街坊", "author": "别人"}\n'
    proc = run(["--jsonl", "--author", "老街坊"], stdin.encode(), tmp_path)
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert out[0]["text"] == "回复老**：老**您好"
    assert out[1]["text"] == "老街坊"


def test_bad_input_is_a_one_line_error_and_nothing_printed(tmp_path):
    for stdin, message in [
        (b'{"text": "ok"}\nnot json\n', b"line 2: not JSON"),
        (b'{"text": 5}\n', b'line 1: expected an object with a "text" string'),
        (b'["text"]\n', b"line 1: expected an object"),
        (b'{"text": "x", "author": 3}\n', b'line 1: "author" must be a string or null'),
    ]:
        proc = run(["--jsonl"], stdin, tmp_path)
        assert proc.returncode != 0 and proc.stdout == b""
        assert message in proc.stderr and proc.stderr.count(b"\n") == 1, proc.stderr
    proc = run([], "王守义".encode("gbk"), tmp_path)
    assert proc.returncode != 0 and b"not UTF-8" in proc.stderr
