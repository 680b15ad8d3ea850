"""More server-side SVG chart kinds for the dashboards: a ranked bar list (keywords,
departments), a donut (distributions) and a sparkline (hot-issue trends).

They follow the rules of :mod:`tracker.reports.charts` (same palette, fonts, empty state
that says why, ``<title>``/``aria-label``, links on the marks).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from tracker.reports.charts import (
    DEFAULT_EMPTY,
    GRID,
    INK,
    MUTED,
    PALETTE,
    empty_chart,
    fmt,
    link,
    wrap,
)

#: Colours of the parts of a distribution: no red or green, which mean 负面 and 正面.
CATEGORIES = ("#1f6feb", "#9a6700", "#8250df", "#0a7ea4", "#bc4c00", "#57606a", "#bf3989",
              "#4d2d00")


@dataclass(frozen=True)
class Item:
    """One labelled value of a ranked list or a donut, with the list behind it."""

    label: str
    value: float
    href: str | None = None
    color: str | None = None
    #: Shown after the value (e.g. ``12/15 件``); the value itself when empty.
    note: str = ""


def _clip(label: str, room: float, text: float) -> str:
    """``label`` cut with … to fit ``room`` pixels at ``text`` size."""
    used, out = 0.0, []
    for ch in label:
        used += text if ord(ch) > 0x2E80 else text * 0.6
        if used > room:
            return "".join(out[:-1]) + "…"
        out.append(ch)
    return label


def ranked_bars(
    items: Sequence[Item], *, title: str, unit: str = "", percent: bool = False,
    width: int = 520, text: int = 18, empty: str = DEFAULT_EMPTY, color: str = PALETTE[0],
    caption: bool = True,
) -> str:
    """Horizontal bars, largest first as given: the label on its own line above each bar
    (long names stay readable on a phone), the value at the bar's end. Percent bars run
    against a 0–100 % track; count bars against the largest value."""
    rows = [i for i in items if i.value is not None]
    head = text * 2.6 if caption else text * 0.6
    row = text * 2.9
    height = int(head + row * max(len(rows), 1) + text * 0.6)
    if not rows or (not percent and not any(i.value for i in rows)):
        return empty_chart(title, width, max(height, int(text * 10)), text, empty, caption)
    top = 1.0 if percent else max(i.value for i in rows)
    x0, x1 = text * 0.5, width - text * 4.2
    parts = []
    for n, item in enumerate(rows):
        y = head + n * row
        share = (item.value / top) if top else 0
        shown = item.note or (fmt(item.value, percent) + ("" if percent else unit))
        tip = f"{item.label}：{shown}"
        label = (f'<text x="{x0:.1f}" y="{y + text:.1f}" font-size="{text}" fill="{INK}" '
                 f'class="category">{escape(_clip(item.label, x1 - x0, text))}</text>')
        track = (f'<rect x="{x0:.1f}" y="{y + text * 1.35:.1f}" width="{x1 - x0:.1f}" '
                 f'height="{text * 0.9:.1f}" rx="3" fill="#eef1f4"/>' if percent else "")
        bar = (f'<rect x="{x0:.1f}" y="{y + text * 1.35:.1f}" '
               f'width="{max((x1 - x0) * share, 2):.1f}" height="{text * 0.9:.1f}" rx="3" '
               f'fill="{item.color or color}" class="bar"><title>{escape(tip)}</title></rect>')
        value = (f'<text x="{width - text * 0.3:.1f}" y="{y + text * 2.15:.1f}" '
                 f'text-anchor="end" font-size="{text}" fill="{INK}" class="value">'
                 f'{escape(fmt(item.value, percent) if percent else fmt(item.value))}</text>')
        parts.append(link(item.href, label + track + bar + value, tip))
    return wrap(title, width, height, parts, text, caption=caption, kind="chart-ranked")


def _arc(cx: float, cy: float, r: float, start: float, end: float) -> str:
    """An SVG path of the ring sector from angle ``start`` to ``end`` (turns, 0 = top)."""
    inner = r * 0.58
    if end - start >= 0.9999:
        end = start + 0.9999
    large = 1 if end - start > 0.5 else 0

    def point(radius: float, turn: float) -> tuple[float, float]:
        angle = 2 * math.pi * turn - math.pi / 2
        return cx + radius * math.cos(angle), cy + radius * math.sin(angle)

    (ax, ay), (bx, by) = point(r, start), point(r, end)
    (cx2, cy2), (dx, dy) = point(inner, end), point(inner, start)
    return (f"M{ax:.1f},{ay:.1f} A{r:.1f},{r:.1f} 0 {large} 1 {bx:.1f},{by:.1f} "
            f"L{cx2:.1f},{cy2:.1f} A{inner:.1f},{inner:.1f} 0 {large} 0 {dx:.1f},{dy:.1f} Z")


def donut(
    items: Sequence[Item], *, title: str, unit: str = "", width: int = 520, text: int = 18,
    empty: str = DEFAULT_EMPTY, caption: bool = True,
) -> str:
    """A ring of shares with a legend beside it: label, count and share per item (each a
    link); the total in the middle."""
    rows = [i for i in items if i.value and i.value > 0]
    head = text * 2.6 if caption else text * 0.6
    legend_h = text * 1.9 * len(rows)
    r = min(width * 0.2, max(text * 4.5, legend_h / 2.2))
    height = int(head + max(2 * r, legend_h) + text)
    if not rows:
        return empty_chart(title, width, max(height, int(text * 10)), text, empty, caption)
    total = sum(i.value for i in rows)
    cx, cy = text * 0.5 + r, head + max(2 * r, legend_h) / 2
    parts, turn = [], 0.0
    lx = cx + r + text * 1.2
    for n, item in enumerate(rows):
        color = item.color or CATEGORIES[n % len(CATEGORIES)]
        share = item.value / total
        tip = f"{item.label}：{fmt(item.value)}{unit}（{share * 100:.0f}%）"
        sector = (f'<path d="{_arc(cx, cy, r, turn, turn + share)}" fill="{color}" '
                  f'class="slice"><title>{escape(tip)}</title></path>')
        parts.append(link(item.href, sector, tip))
        turn += share
        y = cy - legend_h / 2 + text * 1.9 * n + text * 1.3
        entry = (f'<rect x="{lx:.1f}" y="{y - text * 0.85:.1f}" width="{text}" '
                 f'height="{text}" rx="2" fill="{color}"/>'
                 f'<text x="{lx + text * 1.4:.1f}" y="{y:.1f}" font-size="{text}" fill="{INK}" '
                 f'class="legend">{escape(_clip(item.label, width - lx - text * 7.5, text))}'
                 f'</text><text x="{width - text * 0.3:.1f}" y="{y:.1f}" text-anchor="end" '
                 f'font-size="{text}" fill="{MUTED}" class="value">{fmt(item.value)} · '
                 f'{share * 100:.0f}%</text>')
        parts.append(link(item.href, entry, tip))
    parts.append(f'<text x="{cx:.1f}" y="{cy + text * 0.4:.1f}" text-anchor="middle" '
                 f'font-size="{text + 4}" font-weight="bold" fill="{INK}" class="value">'
                 f'{fmt(total)}</text>')
    if unit:
        parts.append(f'<text x="{cx:.1f}" y="{cy + text * 1.6:.1f}" text-anchor="middle" '
                     f'font-size="{text}" fill="{MUTED}">{escape(unit)}</text>')
    return wrap(title, width, height, parts, text, caption=caption, kind="chart-donut")


def sparkline(values: Sequence[int], *, label: str, width: int = 120, height: int = 32,
              color: str = PALETTE[1], href: str | None = None) -> str:
    """A tiny trend line without axes (a hot issue's mentions per day); ``label`` says in
    words what it shows, for the ``<title>`` and screen readers."""
    top = max(values, default=0)
    if not values or top <= 0:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
                f'role="img" aria-label={quoteattr(label)} class="spark spark-empty">'
                f'<title>{escape(label)}</title><line x1="2" y1="{height - 3}" '
                f'x2="{width - 2}" y2="{height - 3}" stroke="{GRID}" stroke-width="2"/></svg>')
    step = (width - 6) / max(len(values) - 1, 1)
    points = [(3 + i * step, height - 3 - (v / top) * (height - 8)) for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    area = f"3,{height - 3} {line} {points[-1][0]:.1f},{height - 3}"
    body = (f'<polygon points="{area}" fill="{color}" fill-opacity="0.15"/>'
            f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2"/>'
            f'<circle cx="{points[-1][0]:.1f}" cy="{points[-1][1]:.1f}" r="2.5" '
            f'fill="{color}"/>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'role="img" aria-label={quoteattr(label)} class="spark">'
           f'<title>{escape(label)}</title>{body}</svg>')
    return link(href, svg) if href else svg


__all__ = ["CATEGORIES", "Item", "donut", "ranked_bars", "sparkline"]
