"""Reading policy rows from CSV or JSONL files and checking them.

The fields are ``id, title, issuer, number, date, url, text`` (only ``id`` and ``text`` are
required), plus ``written`` (成文日期), ``validity`` (有效/废止/修订), ``topic`` and
``attachments``. The column names of the public datasets are read too (``content``,
``doc_number``, ``issuing_body``, ``pub_date`` …); any other column is kept in ``extra``.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from tracker.vocabulary import VALIDITY_WORDS

#: The fields of a policy row (what forms and files use).
FIELD_NAMES = ("id", "title", "issuer", "number", "date", "written", "validity", "topic",
               "url", "text", "attachments")
#: Other spellings of the fields, as found in public datasets.
ALIASES = {
    "content": "text", "body": "text", "正文": "text", "标题": "title",
    "doc_number": "number", "发文字号": "number", "文号": "number",
    "issuing_body": "issuer", "issuer_from_title": "issuer", "发文机关": "issuer",
    "pub_date": "date", "publish_date": "date", "published": "date", "发布日期": "date",
    "written_date": "written", "成文日期": "written", "topic_category": "topic",
    "主题分类": "topic", "效力": "validity", "效力状态": "validity", "docid": "id",
}
_COLUMNS = {"id": "import_id", "title": "title", "issuer": "issuer", "number": "number",
            "date": "published_on", "written": "written_on", "topic": "topic", "url": "url",
            "text": "text"}
_LIMITS = {"import_id": 200, "title": 1000, "issuer": 200, "number": 200, "topic": 200,
           "url": 2048}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
MAX_TEXT = 2_000_000


class PolicyError(ValueError):
    """A policy row or form is invalid; the message (Chinese) says why."""


def derive_title(text: str) -> str:
    """A title for a row without one: the text's first line (at most 200 characters).

    A long first line cut at its first space when that comes early: texts flattened into one
    line (ncp_policy_qa) start with the title followed by a space.
    """
    line = text.strip().splitlines()[0].strip()
    if len(line) > 100 and 5 <= line.find(" ") <= 100:
        line = line[:line.find(" ")]
    return line if len(line) <= 200 else line[:199] + "…"


def parse_date(value: Any, name: str) -> date | None:
    """A date from YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日 (time of day ignored)."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    match = _DATE.match(str(value).strip())
    try:
        if match is None:
            raise ValueError
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise PolicyError(f"{name} 不是日期：{str(value)[:40]}") from None


def _attachments(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return value
    text = str(value).strip()
    if text.startswith("["):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError:
            raise PolicyError("附件列表格式不对") from None
        if isinstance(loaded, list):
            return loaded
    return [p.strip() for p in re.split(r"[;\n；]", text) if p.strip()]


def _text(value: Any, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PolicyError(f"{name} 应为文字")
    return str(value).strip()


def row_values(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(model fields, unknown columns) of one row; raises PolicyError with the reason."""
    row: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in raw.items():
        name = ALIASES.get(str(key).strip(), str(key).strip())
        if name in FIELD_NAMES:
            if value not in (None, "") and row.get(name) in (None, ""):
                row[name] = value
        elif key is not None and value not in (None, ""):
            extra[str(key)] = value
    if row.get("id") in (None, ""):
        raise PolicyError("缺少编号（id）")
    if not _text(row.get("text", ""), "正文"):
        raise PolicyError(f"{row['id']}: 缺少正文（text）")
    values: dict[str, Any] = {}
    for name, column in _COLUMNS.items():
        if name in ("date", "written") or name not in row:
            continue
        values[column] = _text(row[name], name)
        if len(values[column]) > _LIMITS.get(column, MAX_TEXT):
            raise PolicyError(f"{name} 太长（最多 {_LIMITS.get(column, MAX_TEXT)} 字）")
    values["published_on"] = parse_date(row.get("date"), "发布日期")
    values["written_on"] = parse_date(row.get("written"), "成文日期")
    for name in ("published_on", "written_on"):
        if values[name] is None:
            values.pop(name)
    if "validity" in row:
        word = _text(row["validity"], "效力")
        if word not in VALIDITY_WORDS:
            raise PolicyError(f"效力状态应为 有效、废止 或 修订，不是“{word[:20]}”")
        values["validity"] = VALIDITY_WORDS[word].value
    if "attachments" in row:
        values["attachments"] = _attachments(row["attachments"])
    if not values.get("title"):
        values.pop("title", None)
    return values, extra


def _jsonl_rows(handle) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    for line_no, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield line_no, f"不是 JSON：{exc.msg}"
            continue
        yield line_no, row if isinstance(row, dict) else "每行应是一个 JSON 对象"


def _csv_rows(handle) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # policy texts exceed the 128 KB default
    reader = csv.DictReader(handle)
    if not reader.fieldnames:
        return
    try:
        for row in reader:
            if None in row:
                yield reader.line_num, "列数比表头多"
                continue
            yield reader.line_num, row
    except csv.Error as exc:
        yield reader.line_num, f"CSV 格式错误：{exc}"


def read_rows(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    """(line number, row) for each record of a CSV or JSONL file, or (line, error text).

    JSONL when the name ends in .jsonl/.json/.ndjson or the first character is ``{``.
    """
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            first = handle.read(1)
            handle.seek(0)
            if path.suffix.lower() in (".jsonl", ".json", ".ndjson") or first == "{":
                yield from _jsonl_rows(handle)
            else:
                yield from _csv_rows(handle)
    except UnicodeDecodeError:
        raise PolicyError(f"{path.name} 不是 UTF-8 文本") from None
    except OSError as exc:
        raise PolicyError(f"无法读取 {path}: {exc.strerror}") from None
