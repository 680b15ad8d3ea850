"""The State Council's yearly holiday notice (国务院办公厅关于XXXX年部分节假日安排的通知), read
from its pasted text.

:func:`parse_notice` turns the notice into a :class:`NoticeSchedule`: the year, each festival's
rest days (放假 / 放假调休, with the stated 共N天 checked against the dates) and its 调休 make-up
working days (上班). It never raises: text it cannot read, or that contradicts itself (a
weekday that is not the date's, a count that does not match the range, a make-up day that is
no weekend day, a festival missing), becomes a Chinese message in ``errors``, and a schedule
with errors is never stored (``years.import_notice`` refuses it).

The wording of the notices varies by year, and all of these are read: 星期一 (to 2024) or 周一
(2025 on) after a date, with 农历 notes before it (“1月28日（农历除夕、周二）”); ranges within a
month (“2月4日至10日”), across months (“4月29日至5月3日”) and across years (“2023年12月30日至
2024年1月1日”); “1月1日放假，与周末连休” (the adjacent weekend joins the festival); “1月1日放假，
1月2日（星期一）补休”; “放假1天，不调休”; joint festivals (“国庆节、中秋节：10月1日至8日放假调休，
共8天”). Full-width and half-width punctuation are the same after NFKC; whitespace and line
breaks are ignored. Sentences of an item that neither give days off nor make-up days (“安排职工在
除夕（2月9日）休息”) are kept as ``notes`` and shown, never counted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tracker.deadlines.calendar import Override

#: The festivals every yearly notice arranges; a pasted text missing one is incomplete.
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
WEEKDAYS = "一二三四五六日"
#: The longest span a notice gives for one festival (春节 has 9 days at most so far).
MAX_SPAN = 15

_DATE = re.compile(r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日"
                   r"(?:\((?P<note>[^()]*)\))?")
_ITEM = re.compile(r"(?:^|(?<=[。:;.]))(?P<ordinal>[一二三四五六七八九十]{1,3})、"
                   r"(?P<name>[^:。,;()]{1,40}?):")
_END = re.compile(r"节假日期间|鼓励单位和个人|国务院办公厅\d{4}年\d{1,2}月\d{1,2}日")
_TITLE_YEAR = re.compile(r"关于(\d{4})年部分节假日安排")
_BODY_YEAR = re.compile(r"现将(\d{4})年")
_AMENDMENT = re.compile(r"关于(?:调整|延长)\d{4}年[^。]{0,20}?假期")
_NUMBER = re.compile(r"国办发明电[〔\[](\d{4})[〕\]](\d{1,3})号")
_WEEKDAY = re.compile(r"(?:星期|周)([一二三四五六日天])")
_COUNT = re.compile(r"(?:共|放假)(\d{1,2})天")
_RANGE_WORDS = ("至", "到", "-", "~", "—", "–")
_WORK_CLAUSE = re.compile(r"(?:(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日(?:\([^()]*\))?[、和]?)+上班")


class NoticeError(ValueError):
    """A notice that cannot be stored; ``errors`` are the admin's Chinese messages."""

    def __init__(self, errors: tuple[str, ...] | list[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("；".join(self.errors))


@dataclass(frozen=True)
class Festival:
    """One item of a notice: a festival (or joint festivals) with its days."""

    name: str
    rest_days: tuple[date, ...]
    work_days: tuple[date, ...] = ()
    stated_total: int | None = None
    joined_weekend: tuple[date, ...] = ()

    @property
    def days_off(self) -> tuple[date, ...]:
        """Every day off of the festival, the weekend joined by 与周末连休 included."""
        return tuple(sorted(set(self.rest_days) | set(self.joined_weekend)))

    @property
    def total(self) -> int:
        """How many days off in a row (or in all) the festival gives."""
        return len(self.days_off)


@dataclass(frozen=True)
class NoticeSchedule:
    """What a notice says for its year, with what could not be read."""

    year: int | None
    festivals: tuple[Festival, ...] = ()
    errors: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    number: str | None = None

    @property
    def ok(self) -> bool:
        """True when the schedule can be stored: a year, festivals and no errors."""
        return self.year is not None and bool(self.festivals) and not self.errors

    @property
    def title(self) -> str:
        """The notice's official title."""
        return f"国务院办公厅关于{self.year}年部分节假日安排的通知"

    @property
    def source_note(self) -> str:
        """What each stored day notes as its source."""
        return f"国务院放假通知{f'（{self.number}）' if self.number else ''}"

    def rest_days(self) -> list[date]:
        """All days off, in date order."""
        return sorted(d for f in self.festivals for d in f.days_off)

    def work_days(self) -> list[date]:
        """All 调休 make-up working days, in date order."""
        return sorted(d for f in self.festivals for d in f.work_days)

    def overrides(self) -> list[Override]:
        """The days to store: each day off and each make-up working day, named."""
        days = [Override(d, False, f.name) for f in self.festivals for d in f.days_off]
        days += [Override(d, True, f.name) for f in self.festivals for d in f.work_days]
        return sorted(days, key=lambda o: o.day)

    def as_json(self) -> dict[str, Any]:
        """A JSON-friendly view (dates as ISO strings)."""
        return {
            "year": self.year, "title": self.title if self.year else None,
            "number": self.number,
            "festivals": [{"name": f.name, "rest_days": [d.isoformat() for d in f.days_off],
                           "work_days": [d.isoformat() for d in f.work_days],
                           "total": f.total} for f in self.festivals],
            "rest_days": len(self.rest_days()), "work_days": len(self.work_days()),
            "errors": list(self.errors), "notes": list(self.notes),
        }


def cn_day(value: date, year: int | None = None) -> str:
    """``2月4日（周日）``; with the year when it is not ``year``."""
    head = f"{value.year}年" if year is not None and value.year != year else ""
    return f"{head}{value.month}月{value.day}日（周{WEEKDAYS[value.weekday()]}）"


def day_spans(days: tuple[date, ...] | list[date]) -> list[tuple[date, date]]:
    """Consecutive days grouped as (first, last)."""
    spans: list[tuple[date, date]] = []
    for day in sorted(days):
        if spans and day - spans[-1][1] == timedelta(days=1):
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


def describe_days(days: tuple[date, ...] | list[date], year: int | None = None) -> str:
    """``2月10日（周六）至2月17日（周六）、2月20日（周二）`` (consecutive days as ranges)."""
    return "、".join(cn_day(a, year) if a == b else f"{cn_day(a, year)}至{cn_day(b, year)}"
                    for a, b in day_spans(days))


def describe(schedule: NoticeSchedule) -> list[str]:
    """The schedule in lines for an admin to check before storing it."""
    lines = [f"{schedule.title}{f'（{schedule.number}）' if schedule.number else ''}"]
    for f in schedule.festivals:
        line = f"{f.name}：放假 {describe_days(f.days_off, schedule.year)}，共 {f.total} 天"
        if f.work_days:
            line += f"；调休上班 {'、'.join(cn_day(d, schedule.year) for d in f.work_days)}"
        lines.append(line)
    lines.append(f"合计：放假 {len(schedule.rest_days())} 天（含连休的周末），"
                 f"调休上班 {len(schedule.work_days())} 天")
    return lines


def _normalise(text: str) -> str:
    """NFKC (full-width punctuation and digits to ASCII), no whitespace at all."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s\u200b\ufeff]+", "", text)


def _find_year(text: str, errors: list[str]) -> int | None:
    titled = {int(m) for m in _TITLE_YEAR.findall(text)}
    stated = {int(m) for m in _BODY_YEAR.findall(text)}
    years = titled | stated
    if not years:
        errors.append("未找到通知年份：应有“国务院办公厅关于XXXX年部分节假日安排的通知”"
                      "或“现将XXXX年元旦、春节……”")
        return None
    if len(years) > 1:
        errors.append(f"通知中的年份不一致：{'、'.join(str(y) for y in sorted(years))}")
        return None
    return years.pop()


def _split_clauses(sentence: str) -> list[str]:
    """Split at commas and semicolons outside parentheses (a 农历 note has its own)."""
    clauses, depth, current = [], 0, []
    for ch in sentence:
        depth += (ch == "(") - (ch == ")")
        if ch in ",;" and depth <= 0:
            clauses.append("".join(current))
            current = []
        else:
            current.append(ch)
    clauses.append("".join(current))
    return [c for c in clauses if c]


def _weekday_error(value: date, note: str | None, year: int) -> str | None:
    """The message when a (星期X)/(周X) note disagrees with the date."""
    found = _WEEKDAY.search(note or "")
    if found is None:
        return None
    stated = "日" if found.group(1) == "天" else found.group(1)
    if WEEKDAYS.index(stated) == value.weekday():
        return None
    head = f"{value.year}年" if value.year != year else ""
    return (f"{head}{value.month}月{value.day}日标注为“{found.group(0)}”，"
            f"实际是周{WEEKDAYS[value.weekday()]}，请核对通知原文")


def _clause_spans(clause: str, year: int, name: str,
                  errors: list[str]) -> list[tuple[date, date]]:
    """The dates of a clause as spans: “A至B” is one span, “A、B” two."""
    spans: list[tuple[date, date]] = []
    month: int | None = None
    last: re.Match[str] | None = None
    for match in _DATE.finditer(clause):
        ranged = last is not None and clause[last.end():match.start()] in _RANGE_WORDS
        month = int(match["m"]) if match["m"] else month
        if month is None:
            errors.append(f"{name}：“{match.group(0)}”缺少月份")
            return []
        day_year = int(match["y"]) if match["y"] else (
            spans[-1][0].year if ranged and last and last["y"] else year)
        try:
            value = date(day_year, month, int(match["d"]))
        except ValueError:
            errors.append(f"{name}：“{match.group(0)}”不是有效日期")
            return []
        if (problem := _weekday_error(value, match["note"], year)) is not None:
            errors.append(f"{name}：{problem}")
        if ranged:
            start = spans[-1][0]
            if value < start and last is not None and not last["y"]:
                start = start.replace(year=start.year - 1)  # “12月31日至1月2日”
            spans[-1] = (start, value)
        else:
            spans.append((value, value))
        last = match
    return spans


def _expand(spans: list[tuple[date, date]], name: str, errors: list[str]) -> list[date]:
    days: list[date] = []
    for start, end in spans:
        length = (end - start).days + 1
        if not 1 <= length <= MAX_SPAN:
            errors.append(f"{name}：{start.month}月{start.day}日至{end.month}月{end.day}日"
                          f"不是有效的放假范围")
            continue
        days.extend(start + timedelta(days=i) for i in range(length))
    return days


@dataclass
class _Item:
    """What the clauses of one item have said so far."""

    name: str
    rest: list[date]
    work: list[date]
    total: int | None = None
    joined: bool = False


def _read_clause(item: _Item, clause: str, year: int, errors: list[str],
                 notes: list[str]) -> None:
    if (count := _COUNT.search(clause)) is not None:
        item.total = int(count.group(1))
    item.joined = item.joined or "与周末连休" in clause
    has_dates = _DATE.search(clause) is not None
    resting = "放假" in clause or "补休" in clause
    if "上班" in clause and has_dates:
        if resting or not _WORK_CLAUSE.fullmatch(clause):
            errors.append(f"{item.name}：无法识别“{clause}”")
            return
        item.work.extend(_expand(_clause_spans(clause, year, item.name, errors), item.name,
                                 errors))
    elif resting and has_dates:
        item.rest.extend(_expand(_clause_spans(clause, year, item.name, errors), item.name,
                                 errors))
    elif has_dates:
        notes.append(f"{item.name}：“{clause}”未计入（不是放假或调休上班的安排）")


def _joined_weekend(rest: list[date], work: set[date]) -> tuple[date, ...]:
    """The weekend days next to the rest days (“与周末连休”), not make-up days."""
    joined: list[date] = []
    for step, edge in ((-1, min(rest)), (1, max(rest))):
        current = edge + timedelta(days=step)
        while current.weekday() >= 5 and current not in work and len(joined) < 4:
            joined.append(current)
            current += timedelta(days=step)
    return tuple(sorted(joined))


def _check_item(item: _Item, year: int, errors: list[str]) -> Festival | None:
    name, rest, work = item.name, sorted(set(item.rest)), sorted(set(item.work))
    if not rest:
        errors.append(f"{name}：未找到放假日期")
        return None
    if item.total is not None and item.total != len(rest):
        errors.append(f"{name}：通知写明共{item.total}天，但列出的放假日期是{len(rest)}天"
                      f"（{describe_days(rest, year)}）")
    for day in work:
        if day.weekday() < 5:
            errors.append(f"{name}：调休上班日{cn_day(day, year)}不是周末")
        if day in rest:
            errors.append(f"{name}：{cn_day(day, year)}既放假又上班")
    for day in rest + work:
        if not (day.year == year or (day.year == year - 1 and day.month == 12)):
            errors.append(f"{name}：{cn_day(day, year)}不在{year}年的安排之内")
    joined = _joined_weekend(rest, set(work)) if item.joined else ()
    return Festival(name, tuple(rest), tuple(work), item.total, joined)


def _items(text: str) -> list[tuple[str, str]]:
    """Each numbered item as (festival name, its text), up to the notice's closing words."""
    found = list(_ITEM.finditer(text))
    items = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        closing = _END.search(text, match.end(), end)
        items.append((match["name"], text[match.end():closing.start() if closing else end]))
    return items


def _check_schedule(festivals: list[Festival], year: int, errors: list[str]) -> None:
    named = {part for f in festivals for part in f.name.split("、")}
    missing = [name for name in FESTIVALS if name not in named]
    if missing:
        errors.append(f"缺少{'、'.join(missing)}的安排，请粘贴通知全文")
    seen: dict[date, str] = {}
    for festival in festivals:
        for day in festival.days_off + festival.work_days:
            if day in seen and seen[day] != festival.name:
                errors.append(f"{cn_day(day, year)}同时出现在{seen[day]}和{festival.name}中")
            seen.setdefault(day, festival.name)


def parse_notice(text: str) -> NoticeSchedule:
    """Read a pasted State Council holiday notice; problems are listed in ``errors``."""
    flat = _normalise(text)
    if not flat:
        return NoticeSchedule(None, errors=("通知内容为空，请粘贴国务院办公厅放假通知全文",))
    if _AMENDMENT.search(flat):
        return NoticeSchedule(None, errors=(
            "这是调整或延长个别假期的通知，不是全年放假安排；请在下方逐日录入变动的日期",))
    errors: list[str] = []
    year = _find_year(flat, errors)
    items = _items(flat)
    if not items:
        errors.append("未找到节日安排：应有“一、元旦：……放假……”这样的条目")
    if year is None or not items:
        return NoticeSchedule(year, errors=tuple(errors))
    notes: list[str] = []
    festivals = []
    for name, body in items:
        item = _Item(name, [], [])
        for sentence in re.split(r"[。.]", body):
            for clause in _split_clauses(sentence):
                _read_clause(item, clause, year, errors, notes)
        if (festival := _check_item(item, year, errors)) is not None:
            festivals.append(festival)
    _check_schedule(festivals, year, errors)
    number = _NUMBER.search(flat)
    return NoticeSchedule(year, tuple(festivals), tuple(dict.fromkeys(errors)), tuple(notes),
                          f"国办发明电〔{number[1]}〕{number[2]}号" if number else None)
