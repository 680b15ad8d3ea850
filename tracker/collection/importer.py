"""Import message-board exports (CSV or XLSX with the usual Chinese headers) as message cases.

Rows go through the same cleaning and :class:`tracker.collection.ingest.Ingestor` as crawled
messages, so importing a file twice changes nothing. Only a row that cannot be a message is
rejected (no id, no readable received time, no text at all, a reply before receipt, a repeated
id); a row with a fixable flaw (no title, a count that is not a number, half a reply) is
imported and the flaw reported as a warning. Both are reported with the row number as a
spreadsheet shows it (the header is row 1) and the reason.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.collection.ingest import BOARD, CollectedItem, Ingestor, Rejected, check_item
from tracker.collection.textclean import derive_title, normalize_line, normalize_text, parse_count
from tracker.collection.timeparse import TimeParseError, parse_time
from tracker.models import Source

ID, USER, TITLE, TIME, BODY = "留言编号", "留言用户", "留言主题", "留言时间", "留言详情"
REPLY, REPLY_TIME, CATEGORY, LIKES, DISLIKES, DEPT = (
    "答复意见", "答复时间", "一级分类", "点赞数", "反对数", "答复部门")
STANDARD_HEADERS = (ID, USER, TITLE, TIME, BODY, REPLY, REPLY_TIME, CATEGORY, LIKES, DISLIKES,
                    DEPT)
# Names seen in real exports for the same columns.
ALIASES = {"一级标签": CATEGORY, "留言标题": TITLE, "留言内容": BODY, "回复意见": REPLY,
           "回复内容": REPLY, "回复时间": REPLY_TIME, "答复单位": DEPT, "回复部门": DEPT,
           "点赞": LIKES, "反对": DISLIKES, "留言人": USER}
# The standard header of each field a rejected item names (tracker.collection.ingest).
ITEM_FIELDS = {"external_id": ID, "title": TITLE, "text": BODY, "published_at": TIME,
               "reply_text": REPLY, "replied_at": REPLY_TIME}
# A title can be derived from the text, so a file needs one of the two, not both.
REQUIRED_HEADERS = (ID, TIME)
TEXT_HEADERS = (TITLE, BODY)
BATCH = 200
ID_LENGTH = 64  # message_cases.external_id
csv.field_size_limit(50_000_000)
#: ``progress(done, total)``: rows done so far, of how many (None: unknown).
Progress = Callable[[int, int | None], None]


class ImportFileError(ValueError):
    """The file as a whole cannot be read (one line)."""


@dataclass
class ImportReport:
    """Counts, the rejected rows and the warnings of one import."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    #: The standard header at fault in each rejected row (row → header, None when the row
    #: as a whole is at fault); not part of ``as_json``.
    error_fields: dict[int, str | None] = field(default_factory=dict)
    #: What happened to each stored message: 留言编号 → new, updated or unchanged.
    outcomes: dict[str, str] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        """How many rows were not stored."""
        return len(self.errors)

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` shape: imported, updated, rejected, errors, warnings."""
        return {"imported": self.imported, "updated": self.updated,
                "rejected": self.rejected, "errors": self.errors, "warnings": self.warnings}


def decode_bytes(data: bytes) -> str:
    """Text of a file in UTF-8 (with or without BOM), UTF-16 with BOM, GBK or GB18030."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding)
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("cannot decode the file as UTF-8, GBK or GB18030")


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    text = decode_bytes(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count)
    # newline="" keeps CRLF and line breaks inside quoted cells as they are.
    yield from enumerate(csv.reader(io.StringIO(text, newline=""),
                                            delimiter=delimiter), start=1)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook  # only imports of spreadsheets pay for it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ImportFileError(f"cannot read {path.name} as XLSX: {exc}") from None
    try:
        for number, row in enumerate(book.active.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        book.close()


def read_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) of the file's first sheet, header included."""
    if not path.is_file():
        raise ImportFileError(f"no such file: {path}")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _xlsx_rows(path)
    return _csv_rows(path)


def _header_name(cell: Any) -> str:
    return normalize_line(str(cell)) if cell is not None else ""


def map_headers(header: list[Any], mapping: dict[str, str]) -> dict[str, int]:
    """Standard header → column index, after ``mapping`` (source name → standard name)."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _header_name(cell)
        name = mapping.get(name, ALIASES.get(name, name))
        if name in STANDARD_HEADERS and name not in columns:
            columns[name] = index
    missing = [name for name in REQUIRED_HEADERS if name not in columns]
    if not any(name in columns for name in TEXT_HEADERS):
        missing.append(" or ".join(TEXT_HEADERS))
    if missing:
        found = ", ".join(_header_name(c) for c in header if c is not None) or "none"
        raise ImportFileError(f"missing column(s) {', '.join(missing)} (found: {found}); "
                              "map them with --map 源列名=标准列名")
    return columns


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 留言编号 188006 as 188006.0
    return str(value)


def _time(value: Any, column: str, required: bool) -> datetime | None:
    if isinstance(value, str) and not value.strip():
        value = None
    try:
        parsed = parse_time(value)
    except TimeParseError:
        raise Rejected(f"{column} is not a date: {_cell_text(value).strip()[:40]!r}",
                       field=column) from None
    if parsed is None and required:
        raise Rejected(f"missing {column}", field=column)
    return parsed.value if parsed else None


def _count(value: Any, column: str, warnings: list[str]) -> int | None:
    if value is None or _cell_text(value).strip() == "":
        return None
    count = parse_count(_cell_text(value))
    if count is None:
        warnings.append(f"{column} is not a number: {_cell_text(value).strip()[:20]!r}, "
                        "left empty")
    return count


def _reply(cells: dict[str, Any], warnings: list[str]) -> tuple[str | None, datetime | None]:
    """The reply and its time, or neither: half a reply is reported, not guessed at."""
    text = normalize_text(_cell_text(cells.get(REPLY))) or None
    try:
        when = _time(cells.get(REPLY_TIME), REPLY_TIME, required=False)
    except Rejected as exc:
        warnings.append(f"{exc}; the message is imported without its reply")
        return None, None
    if text and when is None:
        warnings.append(f"{REPLY} without {REPLY_TIME}; the message is imported without its reply")
        return None, None
    if when is not None and not text:
        warnings.append(f"{REPLY_TIME} without {REPLY}; the message is imported without its reply")
        return None, None
    return text, when


def row_to_item(cells: dict[str, Any]) -> tuple[CollectedItem, list[str]]:
    """One export row as a board item and its warnings; raise :class:`Rejected` with the
    reason when the row cannot be a message."""
    external_id = normalize_line(_cell_text(cells.get(ID)))
    if not external_id:
        raise Rejected(f"missing {ID}", field=ID)
    if len(external_id) > ID_LENGTH:
        raise Rejected(f"{ID} longer than {ID_LENGTH} characters", field=ID)
    published_at = _time(cells.get(TIME), TIME, required=True)
    title = normalize_line(_cell_text(cells.get(TITLE)))
    text = normalize_text(_cell_text(cells.get(BODY)))
    if not title and not text:
        raise Rejected(f"missing {TITLE} and {BODY}", field=TITLE)
    warnings: list[str] = []
    if not title:
        title = derive_title(text)
        warnings.append(f"missing {TITLE}; titled from {BODY}: {title!r}")
    reply_text, replied_at = _reply(cells, warnings)
    item = CollectedItem(
        kind=BOARD, external_id=external_id, title=title, text=text,
        author=normalize_line(_cell_text(cells.get(USER))) or None,
        published_at=published_at, reply_text=reply_text, replied_at=replied_at,
        reply_department=normalize_line(_cell_text(cells.get(DEPT))) or None,
        category=normalize_line(_cell_text(cells.get(CATEGORY))) or None,
        likes=_count(cells.get(LIKES), LIKES, warnings),
        dislikes=_count(cells.get(DISLIKES), DISLIKES, warnings),
    )
    check_item(item)
    return item, warnings


def ensure_import_source(session: Session, name: str) -> Source:
    """The board source that imports of ``name`` go to, created when missing."""
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        source = Source(name=name, title=name, kind=BOARD, base_url="", enabled=False,
                        config={"origin": "import"})
        session.add(source)
        session.flush()
    elif source.kind != BOARD:
        raise ImportFileError(f"source {name!r} is a {source.kind} source, not a message board")
    return source


def _cell_rows(rows: Iterator[tuple[int, list[Any]]],
               mapping: dict[str, str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, standard header → cell) of every non-blank row after the header."""
    header_seen, columns = False, {}
    for number, row in rows:
        if not any(_cell_text(c).strip() for c in row):
            continue  # blank lines and trailing empty spreadsheet rows are not rows
        if not header_seen:
            columns, header_seen = map_headers(row, mapping), True
            continue
        yield number, {name: row[i] if i < len(row) else None for name, i in columns.items()}
    if not header_seen:
        raise ImportFileError("the file is empty")


def check_records(records: Iterable[tuple[int, dict[str, Any]]],
                  report: ImportReport) -> Iterator[CollectedItem]:
    """The items of the valid records (row number, standard header → value); each rejected
    record and each warning goes to ``report`` with its row number."""
    first_row: dict[str, int] = {}
    for number, cells in records:
        try:
            item, warnings = row_to_item(cells)
            if item.external_id in first_row:
                raise Rejected(f"duplicate {ID} {item.external_id} "
                               f"(first in row {first_row[item.external_id]})", field=ID)
        except Rejected as exc:
            report.errors.append({"row": number, "reason": str(exc)})
            report.error_fields[number] = ITEM_FIELDS.get(exc.field or "", exc.field)
            continue
        first_row[item.external_id] = number
        report.warnings.extend({"row": number, "reason": w} for w in warnings)
        yield item


def import_records(session: Session, source: Source,
                   records: Iterable[tuple[int, dict[str, Any]]], *,
                   via: str = "import", total: int | None = None,
                   progress: Progress | None = None) -> ImportReport:
    """Store every valid record into ``source`` (the file import and the API's push both
    come through here); the caller commits, or rolls back when it wants all or nothing.

    ``progress(rows read, total)``, when given, is called after each stored batch.
    """
    report = ImportReport()
    ingestor = Ingestor(session, source, via=via)
    batch: list[CollectedItem] = []

    def store() -> None:
        outcomes = ingestor.ingest_many(batch)
        report.outcomes.update(zip((i.external_id for i in batch), outcomes, strict=True))
        batch.clear()
        if progress is not None:
            progress(len(report.outcomes) + report.rejected, total)

    for item in check_records(records, report):
        batch.append(item)
        if len(batch) >= BATCH:
            store()
    if batch:
        store()
    report.imported = ingestor.counts["new"]
    report.updated = ingestor.counts["updated"]
    report.unchanged = ingestor.counts["unchanged"]
    return report


def import_messages(session: Session, source: Source, path: Path,
                    mapping: dict[str, str] | None = None,
                    progress: Progress | None = None) -> ImportReport:
    """Import every valid row of ``path`` into ``source``; the caller commits.

    With ``progress``, the rows are read whole first so that their number is known, and
    ``progress(rows done, rows)`` is called after each batch.
    """
    records = _cell_rows(read_rows(path), mapping or {})
    if progress is None:
        return import_records(session, source, records)
    rows = list(records)
    progress(0, len(rows))
    report = import_records(session, source, rows, total=len(rows), progress=progress)
    progress(len(rows), len(rows))
    return report
