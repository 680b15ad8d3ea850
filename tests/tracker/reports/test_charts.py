"""The server-side SVG charts: integer axes for counts, distinct ticks, readable labels, the
empty state's reason, links on the marks, well-formed and titled SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tracker.reports import Item, Series, bar_chart, donut, line_chart, ranked_bars, sparkline
from tracker.reports.charts import (
    displayed_font,
    label_step,
    nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The chart as XML (fails on markup that is not well-formed)."""
    return ET.fromstring(svg)


def texts(svg: str, cls: str) -> list[str]:
    return [t.text or "" for t in parse(svg).iter(f"{SVG}text") if t.get("class") == cls]


@pytest.mark.parametrize("top", [1, 2, 3, 4, 5, 7, 9, 11, 13, 17, 23, 37, 99, 101, 480, 1234])
def test_count_ticks_are_distinct_whole_numbers_from_zero_past_the_top(top):
    ticks = nice_ticks(top, integer=True)
    assert ticks[0] == 0 and ticks[-1] >= top
    assert all(float(t).is_integer() for t in ticks)
    assert len(set(ticks)) == len(ticks) and ticks == sorted(ticks)
    assert 2 <= len(ticks) <= 8


def test_small_counts_get_a_one_step_axis_not_fractions():
    svg = bar_chart(["周一", "周二", "周三"], [Series("信息", [0, 1, 1])], title="少量信息",
                    unit="条")
    assert texts(svg, "tick") == ["0", "1"]
    assert not re.search(r"\d\.\d", " ".join(texts(svg, "tick")))


def test_tick_labels_never_repeat_on_a_fractional_axis():
    svg = line_chart(["1", "2", "3"], [Series("用时", [0.12, 0.31, 0.27])], title="小时",
                     unit="小时")
    labels = texts(svg, "tick")
    assert len(labels) == len(set(labels)) >= 3


def test_percent_axes_run_from_0_to_100_percent():
    svg = line_chart(["a", "b"], [Series("按期办结率", [0.5, 0.62])], title="比率", percent=True)
    assert texts(svg, "tick") == ["0%", "20%", "40%", "60%", "80%", "100%"]


def test_an_empty_chart_says_why():
    svg = bar_chart([f"{d:02d}" for d in range(30)], [Series("信息", [0] * 30)],
                    title="近30天信息量", empty="近30天没有采集到信息")
    assert texts(svg, "empty") == ["近30天没有采集到信息"] and "暂无数据" not in svg
    assert "近30天没有采集到信息" in ranked_bars([], title="关键词", empty="近30天没有采集到信息")
    assert "本期没有已办结事项" in donut([Item("甲", 0)], title="分布", empty="本期没有已办结事项")
    # the old call (no reason given) still draws its default
    assert texts(line_chart(["a"], [Series("x", [None])], title="t"), "empty") == ["暂无数据"]


def test_marks_and_labels_link_to_the_lists_behind_them():
    links = ["/search/?from=2026-12-01&to=2026-12-01", None]
    svg = bar_chart(["12-01", "12-02"], [Series("负面", [3, 4], links=links)], title="信息量",
                    label_links=["/search/?from=2026-12-01", "/search/?from=2026-12-02"])
    anchors = [a.get("href") for a in parse(svg).iter(f"{SVG}a")]
    assert "/search/?from=2026-12-01&to=2026-12-01" in anchors  # & escaped in the markup
    assert "&amp;to=" in svg and anchors.count("/search/?from=2026-12-02") == 1
    bars = parse(svg).findall(f".//{SVG}a/{SVG}rect")
    assert len(bars) == 1  # the second bar has no link and is not wrapped
    ranked = ranked_bars([Item("市住建局", 5, "/ledger/?department=3&overdue=open")],
                         title="超期")
    assert [a.get("href") for a in parse(ranked).iter(f"{SVG}a")] == [
        "/ledger/?department=3&overdue=open"]


def test_a_long_title_is_set_smaller_to_fit_on_its_line():
    title = "市住房和城乡建设局答复用时趋势（小时，按受理周）"
    svg = line_chart(["a", "b"], [Series("x", [1, 2])], title=title, width=460, text=18)
    shown = next(t for t in parse(svg).iter(f"{SVG}text") if t.get("class") == "chart-title")
    assert 18 <= float(shown.get("font-size")) * len(title) <= 460


def test_every_chart_is_titled_for_screen_readers_and_scales_with_its_box():
    for svg in (bar_chart(["a"], [Series("x", [1])], title="标题<一>"),
                line_chart(["a", "b"], [Series("x", [1, 2])], title="标题<一>"),
                ranked_bars([Item("甲", 3)], title="标题<一>"),
                donut([Item("甲", 3), Item("乙", 1)], title="标题<一>")):
        root = parse(svg)
        assert root.get("aria-label") == "标题<一>" and root.get("role") == "img"
        assert root.find(f"{SVG}title").text == "标题<一>"
        assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 ")


def test_labels_are_at_least_the_chosen_size_and_readable_on_a_phone():
    svg = bar_chart([f"11-{d:02d}" for d in range(1, 31)],
                    [Series("正面", list(range(30))), Series("负面", [2] * 30)],
                    title="近30天", unit="条", width=460, height=330, text=18, stacked=True)
    sizes = [float(t.get("font-size")) for t in parse(svg).iter(f"{SVG}text")]
    assert min(sizes) >= 18
    # the dashboard shows a 460-wide chart about 320 px wide on a 390 px phone
    assert displayed_font(18, 460, 320) >= 12


def test_crowded_category_labels_are_thinned_so_they_do_not_overlap():
    labels = [f"11-{d:02d}" for d in range(1, 31)]
    svg = bar_chart(labels, [Series("信息", [1] * 30)], title="t", width=460, text=18)
    shown = [t for t in parse(svg).iter(f"{SVG}text") if t.get("class") == "category"]
    assert 3 <= len(shown) < 30 and shown[-1].text == "11-30"  # the newest day is named
    xs = [float(t.get("x")) for t in shown]
    width = 5 * 0.6 * 18
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= width
    assert label_step(["一二三四五六"], band=200, text=18) == 1


def test_ranked_bars_keep_long_names_on_their_own_line_and_show_values():
    svg = ranked_bars([Item("市住房和城乡建设局（含市房屋征收办公室）" * 2, 12),
                       Item("市公安局", 3)], title="超期", width=460, text=18)
    cats = texts(svg, "category")
    assert cats[0].endswith("…") and cats[1] == "市公安局"
    assert texts(svg, "value") == ["12", "3"]
    pct = ranked_bars([Item("甲", 0.875)], title="按期", percent=True)
    assert texts(pct, "value") == ["88%"]


def test_donut_shows_counts_and_shares():
    svg = donut([Item("留言板", 3, "/search/?kind=board"), Item("新闻", 1)], title="类型",
                unit="条")
    assert "3 · 75%" in texts(svg, "value") and "1 · 25%" in texts(svg, "value")
    assert len(parse(svg).findall(f".//{SVG}path")) == 2


def test_sparkline_says_in_words_what_it_draws():
    svg = sparkline([0, 1, 4, 2], label="近4天共 7 条")
    root = parse(svg)
    assert root.get("aria-label") == "近4天共 7 条" and root.find(f"{SVG}polyline") is not None
    assert "spark-empty" in sparkline([0, 0], label="无")
