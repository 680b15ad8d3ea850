"""Personal-data masking for anything published or exported for wide reading.

Masking knows what the record knows: the writer's name and nicknames (``author``,
``nicknames``) are masked wherever they stand, in the question and in the reply, greetings
included (王守义您好, 网友“A00023583”：您好). Besides, it finds names the text marks as a
person's (see :mod:`analysis.person_names`), mobile and landline phone numbers, 18-digit
identity-card numbers (checksum checked), e-mail addresses, licence plates, bank-card numbers
(Luhn checked) and door-level addresses (3栋2单元501室). Look-alikes stay: place names
(张家界), organisations, officials named with their post, order and case numbers, dates,
amounts, the 12345 hotline, numbers failing their checksum.

Kinds: author, name, mobile, landline, id_card, bank_card, plate, email, address.
Masked forms are chosen to read naturally in a published reply: a Chinese name keeps its
surname and each other character becomes 某 (王守义 → 王某某, 欧阳娜娜 → 欧阳某某); any
other writer id or nickname keeps its first character (A00023583 → A********); phones keep
the first three and last four digits (138****5678); ID and card numbers the first and last
four; plates the first two and last two characters (湘A***45); e-mail the first letter and
the domain (z***@qq.com); an address keeps its words and each number becomes 某
(3栋2单元501室 → 某栋某单元某室).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from analysis.person_names import COMPOUND_SURNAMES as _COMPOUND_SURNAMES
from analysis.person_names import SURNAMES as _SURNAMES
from analysis.person_names import context_names, is_name_shape
from analysis.types import PiiSpan

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])")
CARD = re.compile(r"(?<![\d-])(?:\d{4}[ -]){3,4}\d{1,4}(?![\d-])|(?<!\d)\d{16,19}(?!\d)")
MOBILE = re.compile(r"(?<![\d+])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![\d元万块])")
LANDLINE = re.compile(
    r"(?<![\d/.-])(?:\(0\d{2,3}\)\s?|0\d{2,3}-)[2-9]\d{6,7}(?:-\d{1,4})?(?![\d/.-])"
    r"|(?<=电话)[:：]?\s?0\d{2,3}[2-9]\d{6,7}(?!\d)"
)
PLATE = re.compile(
    rf"[{_PROVINCES}][A-HJ-NP-Z](?:[DF][A-HJ-NP-Z0-9]\d{{4}}|\d{{5}}[DF]|[A-HJ-NP-Z0-9]{{5}})"
    r"(?![A-Za-z0-9])"
)
_NAME_END = r"(?=[，,。.！!、；;：:\s（(]|$|今年|现年|家住|住在|系|男|女|身份证|电话|手机|联系)"
# Door-level addresses: building (栋/幢/号楼/座), unit (单元), floor (层/楼) and room (室/号/房)
# numbers, at least two of them together or a room number with 室. Street numbers stay.
_NUM = r"[0-9A-Za-z一二三四五六七八九十]{1,4}"
_BUILDING = rf"{_NUM}(?:栋|幢|号楼|座)[-－]?"
_UNIT = rf"{_NUM}单元[-－]?"
_FLOOR = rf"{_NUM}[层楼][-－]?"
_ROOM = r"[0-9]{1,5}(?:室|号房|房|号)?"
ADDRESS = re.compile(
    rf"{_BUILDING}(?:{_UNIT}(?:{_FLOOR})?(?:{_ROOM})?|{_FLOOR}(?:{_ROOM})?|{_ROOM})"
    rf"|(?<![0-9A-Za-z]){_UNIT}(?:{_FLOOR})?{_ROOM}"
    r"|(?<![0-9A-Za-z])[0-9]{3,5}(?:室|号房)"
)
# The writer's nickname on a board, quoted after 网友 (网友“A00023583”).
NICKNAME = re.compile(r"网友[“\"]([^”\"\s]{2,24})[”\"]")
NAME = re.compile(
    rf"(?:我叫|我是|本人是|本人|我的名字是|我的名字叫|姓名[:：]?)"
    rf"((?:{_COMPOUND_SURNAMES}|[{_SURNAMES}])[\u4e00-\u9fff]{{1,2}}?){_NAME_END}"
)


def id_checksum_ok(number: str) -> bool:
    """Whether an 18-character identity-card number has a valid check digit and birth date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    """Whether a digit string passes the Luhn check used by bank cards."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_ok(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    return 16 <= len(digits) <= 19 and luhn_ok(digits) and not id_checksum_ok(digits)


_FINDERS: tuple[tuple[str, re.Pattern[str], Callable[[str], bool] | None, int], ...] = (
    ("email", EMAIL, None, 0),
    ("id_card", ID_CARD, id_checksum_ok, 0),
    ("bank_card", CARD, _card_ok, 0),
    ("mobile", MOBILE, None, 0),
    ("landline", LANDLINE, None, 0),
    ("plate", PLATE, None, 0),
    ("address", ADDRESS, None, 0),
    ("name", NICKNAME, None, 1),
    ("name", NAME, None, 1),
)


def _writer_spans(text: str, author: str | None, nicknames: tuple[str, ...] | list[str]):
    """Every occurrence of the writer's name and nicknames, longest first."""
    names = sorted({n.strip() for n in (author, *nicknames) if n and len(n.strip()) >= 2},
                   key=len, reverse=True)
    for name in names:
        for match in re.finditer(re.escape(name), text):
            yield "author", match.start(), match.end()


def _pattern_spans(text: str):
    """Spans of the pattern finders whose checks pass, in finder order."""
    for kind, pattern, check, group in _FINDERS:
        for match in pattern.finditer(text):
            if check is None or check(match.group(group)):
                yield kind, *match.span(group)


def find_pii(
    text: str, *, author: str | None = None, nicknames: tuple[str, ...] | list[str] = (),
) -> list[PiiSpan]:
    """All non-overlapping personal-data spans in text, in order (earlier finders win)."""
    spans: list[PiiSpan] = []
    taken: list[tuple[int, int]] = []
    candidates = [*_writer_spans(text, author, nicknames), *_pattern_spans(text),
                  *(("name", s, e) for s, e in context_names(text))]
    for kind, start, end in candidates:
        if start == end or any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        spans.append(PiiSpan(kind, start, end, text[start:end]))
    spans.extend(_repeats(text, spans, taken))
    return sorted(spans, key=lambda s: s.start)


def _repeats(text: str, spans: list[PiiSpan], taken: list[tuple[int, int]]) -> list[PiiSpan]:
    """Other occurrences of a name once context marked it (王守义您好 … 王守义反映)."""
    names = {s.text for s in spans if s.kind == "name" and is_name_shape(s.text)}
    more = []
    for name in sorted(names, key=len, reverse=True):
        for match in re.finditer(re.escape(name), text):
            start, end = match.span()
            if not any(start < e and s < end for s, e in taken):
                taken.append((start, end))
                more.append(PiiSpan("name", start, end, name))
    return more


def _mask_digits(value: str, keep_head: int, keep_tail: int) -> str:
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    hidden = set(positions[keep_head:len(positions) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def _mask_name(value: str) -> str:
    """王守义 → 王某某, 欧阳娜娜 → 欧阳某某; a writer id or nickname keeps its first character."""
    if is_name_shape(value):
        surname_len = 2 if re.match(_COMPOUND_SURNAMES, value) else 1
        return value[:surname_len] + "某" * (len(value) - surname_len)
    return value[:1] + "*" * (len(value) - 1)


def mask_span(span: PiiSpan) -> str:
    """The masked form of one span (138****5678, 张某某, z***@qq.com, 湘A***45, 某栋某室)."""
    value = span.text
    if span.kind == "email":
        user, _, domain = value.partition("@")
        return user[:1] + "***@" + domain
    if span.kind in ("name", "author"):
        return _mask_name(value)
    if span.kind == "address":
        return re.sub(r"[0-9A-Za-z一二三四五六七八九十]+", "某", value)
    if span.kind == "plate":
        return value[:2] + "*" * (len(value) - 4) + value[-2:]
    if span.kind == "mobile":
        return _mask_digits(value, sum(c.isdigit() for c in value) - 8, 4)
    if span.kind == "landline":
        area = re.match(r"\D*\(?0\d{2,3}\)?", value)
        return _mask_digits(value, sum(c.isdigit() for c in area.group()) if area else 0, 4)
    return _mask_digits(value, 4, 4)


def mask(
    text: str, *, author: str | None = None, nicknames: tuple[str, ...] | list[str] = (),
) -> str:
    """Return text with every piece of personal data masked (see the module for the forms)."""
    return apply_mask(text, find_pii(text, author=author, nicknames=nicknames))


def apply_mask(text: str, spans: list[PiiSpan]) -> str:
    """Return text with the given non-overlapping spans replaced by their masked forms."""
    out, pos = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        out.append(text[pos:span.start])
        out.append(mask_span(span))
        pos = span.end
    out.append(text[pos:])
    return "".join(out)
