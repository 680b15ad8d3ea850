"""Cleaning before ingest: markup to text, whitespace and full-width forms, times, counts, URLs."""

from datetime import UTC, datetime

import pytest

from tracker.collection.textclean import (
    canonical_url,
    fingerprint,
    html_to_line,
    html_to_text,
    normalize_text,
    parse_count,
)
from tracker.collection.timeparse import (
    DAY,
    HOUR,
    MINUTE,
    TimeParseError,
    parse_http_date,
    parse_time,
)

NOW = datetime(2020, 1, 9, 4, 0, tzinfo=UTC)  # 2020-01-09 12:00 in Beijing


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_markup_becomes_text_and_scripts_go():
    html = ('<p class="zoom">全民健身<br/>麻烦&amp;局长了<script>alert(1)</script>'
            "<style>p{}</style>，谢谢</p><!-- note -->tail")
    assert html_to_text(html) == "全民健身\n麻烦&局长了，谢谢\ntail"


def test_markup_a_citizen_typed_stays_as_text():
    assert html_to_line("&lt;script&gt;alert(1)&lt;/script&gt;标题") == (
        "<script>alert(1)</script>标题")


def test_whitespace_and_full_width_letters_are_normalised_punctuation_kept():
    raw = "\n\t\t\t\t\t\n\t\t\t\t\t\u3000\u3000Ａ３区　道路 \t 坏了！\r\n\r\n第二段\xa0 "
    assert normalize_text(raw) == "A3区 道路 坏了！\n第二段"


def test_malformed_html_still_gives_its_text():
    assert html_to_text("<div><p>一<b>二</div><span>三") == "一二\n三"


@pytest.mark.parametrize(
    ("raw", "expected", "precision"),
    [
        ("2019/4/25 9:32:09", utc(2019, 4, 25, 1, 32, 9), 0),
        ("2019年4月25日 09:32", utc(2019, 4, 25, 1, 32), MINUTE),
        ("2019-04-25", utc(2019, 4, 24, 16, 0), DAY),
        ("回复时间：2020-08-06 08:33", utc(2020, 8, 6, 0, 33), MINUTE),
        ("3小时前", utc(2020, 1, 9, 1, 0), HOUR),
        ("5分钟前", utc(2020, 1, 9, 3, 55), MINUTE),
        ("昨天 10:20", utc(2020, 1, 8, 2, 20), MINUTE),
        ("前天 23:05", utc(2020, 1, 7, 15, 5), MINUTE),
        ("刚刚", NOW, MINUTE),
        ("01-05 10:20", utc(2020, 1, 5, 2, 20), MINUTE),
        ("12-30 10:20", utc(2019, 12, 30, 2, 20), MINUTE),  # not in the future
        ("Fri, 01 Apr 2022 15:00:00 +0800", utc(2022, 4, 1, 7, 0), 0),
        ("2026-08-21T19:00:00+08:00", utc(2026, 8, 21, 11, 0), 0),
        ("43580.5", utc(2019, 4, 25, 4, 0), 0),  # an Excel serial day
    ],
)
def test_time_forms(raw, expected, precision):
    parsed = parse_time(raw, now=NOW)
    assert parsed.value == expected
    assert parsed.precision == precision


def test_naive_datetimes_mean_beijing_time_and_formats_come_first():
    assert parse_time(datetime(2019, 4, 25, 9, 32)).value == utc(2019, 4, 25, 1, 32)
    parsed = parse_time("25.04.2019 09:32", formats=("%d.%m.%Y %H:%M",))
    assert parsed.value == utc(2019, 4, 25, 1, 32) and parsed.precision == MINUTE


@pytest.mark.parametrize("raw", ["2019年13月45日 25:61", "未知", "10:20", "yesterday"])
def test_garbage_times_raise(raw):
    with pytest.raises(TimeParseError, match="unparseable"):
        parse_time(raw, now=NOW)


def test_blank_is_no_time_and_http_dates_parse():
    assert parse_time("  ") is None and parse_time(None) is None
    assert parse_http_date(b"Fri, 20 Dec 2019 01:00:00 GMT") == utc(2019, 12, 20, 1, 0)
    assert parse_http_date("nonsense") is None


def test_counts_urls_and_fingerprints():
    assert parse_count("赞(1.2万)") == 12000 and parse_count("1,234") == 1234
    assert parse_count("没有") is None and parse_count(7) == 7
    assert canonical_url("HTTP://Example.COM:80/a?b=2&a=1&utm_source=x#top") == (
        "http://example.com/a?a=1&b=2")
    assert fingerprint("标题", "正文 ") == fingerprint("标题", "正文")
    assert fingerprint("标题", "正文") != fingerprint("标题", "正文二")
