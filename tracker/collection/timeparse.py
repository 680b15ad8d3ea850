"""Times as Chinese sites and exports write them, parsed to aware UTC datetimes.

A naive time means Asia/Shanghai (the sites are Chinese). Relative forms such as ``3小时前`` or
``昨天 10:20`` are read against a reference time: the crawl time, or the page's own clock. Every
result carries its precision, so that re-reading "3小时前" an hour later is not taken for a
change of the stored time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from tracker.collection.textclean import normalize_line

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Excel's day zero (1900 date system, with its leap-year bug folded in).
EXCEL_EPOCH = datetime(1899, 12, 30)
MINUTE, HOUR, DAY = 60, 3600, 86400


class TimeParseError(ValueError):
    """A time could not be understood."""


@dataclass(frozen=True)
class ParsedTime:
    """An aware UTC time and how precise the source was, in seconds (0 = to the second)."""

    value: datetime
    precision: int = 0


_ABSOLUTE = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?)?"
)
_MONTH_DAY = re.compile(
    r"(?<!\d)(?P<m>\d{1,2})\s*[-/月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2}))?(?!\d)"
)
_AGO = re.compile(
    r"(?P<n>\d+)\s*(?P<unit>秒|分钟|分|小时|个小时|天|日|周|星期|个月|月|年)\s*(?:以)?前")
_DAY_WORD = re.compile(
    r"(?P<word>今天|昨天|前天)\s*(?:(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?")
_UNIT_SECONDS = {
    "秒": 1, "分钟": MINUTE, "分": MINUTE, "小时": HOUR, "个小时": HOUR, "天": DAY, "日": DAY,
    "周": 7 * DAY, "星期": 7 * DAY, "个月": 30 * DAY, "月": 30 * DAY, "年": 365 * DAY,
}
_OFFSET_TAIL = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def localize(value: datetime, tz: ZoneInfo = SHANGHAI) -> datetime:
    """Aware UTC: a naive value is taken to be in ``tz``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def from_excel_serial(serial: float) -> datetime:
    """The naive datetime of an Excel serial day number (1900 date system)."""
    if not 1 <= serial < 2_958_466:
        raise TimeParseError(f"{serial} is not an Excel date")
    return EXCEL_EPOCH + timedelta(days=serial)


def _build(year: int, month: int, day: int, h, m, s, tz: ZoneInfo) -> ParsedTime:
    try:
        value = datetime(year, month, day, int(h or 0), int(m or 0), int(s or 0))
    except ValueError as exc:
        raise TimeParseError(str(exc)) from None
    precision = 0 if s is not None else (MINUTE if m is not None else DAY)
    return ParsedTime(localize(value, tz), precision)


def _relative(text: str, now: datetime, tz: ZoneInfo) -> ParsedTime | None:
    if text in {"刚刚", "刚才"}:
        return ParsedTime(now, MINUTE)
    if match := _AGO.search(text):
        seconds = _UNIT_SECONDS[match["unit"]]
        return ParsedTime(now - timedelta(seconds=int(match["n"]) * seconds), seconds)
    if match := _DAY_WORD.search(text):
        local_now = now.astimezone(tz)
        back = {"今天": 0, "昨天": 1, "前天": 2}[match["word"]]
        day = (local_now - timedelta(days=back)).date()
        return _build(day.year, day.month, day.day, match["H"], match["M"], match["S"], tz)
    return None


def _with_formats(text: str, formats: tuple[str, ...], tz: ZoneInfo) -> ParsedTime | None:
    for fmt in formats:
        try:
            value = datetime.strptime(text, fmt)
        except ValueError:
            continue
        precision = 0 if "%S" in fmt else (MINUTE if "%M" in fmt else DAY)
        return ParsedTime(localize(value, tz), precision)
    return None


def _iso_or_rfc(text: str) -> ParsedTime | None:
    if _OFFSET_TAIL.search(text) and "T" in text:
        try:
            return ParsedTime(datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC))
        except ValueError:
            return None
    if re.match(r"^[A-Z][a-z]{2}, ", text) or re.search(r"\b(GMT|UT|[+-]\d{4})$", text):
        try:
            return ParsedTime(localize(parsedate_to_datetime(text)))
        except (TypeError, ValueError):
            return None
    return None


def parse_time(
    raw: str | datetime | float | None,
    *,
    now: datetime | None = None,
    formats: tuple[str, ...] = (),
    tz: ZoneInfo = SHANGHAI,
) -> ParsedTime | None:
    """Parse ``raw`` (None or blank gives None); raise :class:`TimeParseError` if it is garbage."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return ParsedTime(localize(raw, tz))
    if isinstance(raw, int | float):
        return ParsedTime(localize(from_excel_serial(float(raw)), tz))
    text = normalize_line(raw)
    if not text:
        return None
    now = (now or datetime.now(UTC)).astimezone(UTC)
    try:
        parsed = (_with_formats(text, formats, tz) or _iso_or_rfc(text)
                  or _parse_free(text, now, tz))
    except TimeParseError as exc:
        raise TimeParseError(f"unparseable time {raw!r} ({exc})") from None
    if parsed is None:
        raise TimeParseError(f"unparseable time {raw!r}")
    return parsed


def _parse_free(text: str, now: datetime, tz: ZoneInfo) -> ParsedTime | None:
    if match := _ABSOLUTE.search(text):
        return _build(int(match["y"]), int(match["m"]), int(match["d"]),
                      match["H"], match["M"], match["S"], tz)
    if relative := _relative(text, now, tz):
        return relative
    if match := _MONTH_DAY.search(text):
        # "05-20 10:20" on a page means this year, or last year if that would be the future.
        year = now.astimezone(tz).year
        parsed = _build(year, int(match["m"]), int(match["d"]), match["H"], match["M"], None, tz)
        if parsed.value > now + timedelta(days=1):
            parsed = _build(year - 1, int(match["m"]), int(match["d"]),
                            match["H"], match["M"], None, tz)
        return parsed
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return ParsedTime(localize(from_excel_serial(float(text)), tz))
    return None


def parse_http_date(value: str | bytes | None) -> datetime | None:
    """The aware UTC time of an HTTP ``Date`` header, or None."""
    if not value:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    try:
        return localize(parsedate_to_datetime(value), ZoneInfo("UTC"))
    except (TypeError, ValueError):
        return None
