"""Small SVG charts rendered on the server: bars (grouped or stacked) and lines.

The same markup goes into the HTML report, the PDF (WeasyPrint draws inline SVG) and the
dashboard, so no chart library is shipped to the browser and nothing comes from a CDN.
Every text is XML-escaped here; callers may insert the result as trusted markup. Charts
scale with their container through ``viewBox``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
PALETTE = ("#1f6feb", "#b42318", "#1a7f37", "#9a6700", "#8250df", "#57606a")
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 56, 52, 64


@dataclass(frozen=True)
class Series:
    """A named row of values (``None`` for a missing value) drawn in one colour."""

    name: str
    values: Sequence[float | None]
    color: str | None = None


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``maximum``."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(int(math.ceil(maximum / step - 1e-9)) + 1)]


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.1f}"


class _Frame:
    """Plot geometry shared by bar and line charts."""

    def __init__(self, labels: Sequence[str], top: float, width: int, height: int,
                 text: int = 12) -> None:
        self.labels, self.width, self.height, self.text = list(labels), width, height, text
        self.ticks = nice_ticks(top)
        self.top = self.ticks[-1]
        grow = text / 12  # larger text needs wider margins
        self.x0, self.x1 = MARGIN_LEFT * grow, width - MARGIN_RIGHT * grow
        self.y0, self.y1 = height - MARGIN_BOTTOM * grow, MARGIN_TOP * grow
        self.band = (self.x1 - self.x0) / max(len(self.labels), 1)

    def y(self, value: float) -> float:
        """Pixel row of ``value``."""
        return self.y0 - (value / self.top) * (self.y0 - self.y1) if self.top else self.y0

    def x(self, index: int) -> float:
        """Pixel column of the middle of category ``index``."""
        return self.x0 + self.band * (index + 0.5)

    def axes(self, percent: bool, unit: str) -> list[str]:
        """Grid lines, tick labels, category labels and the unit."""
        parts = []
        for tick in self.ticks:
            y = self.y(tick)
            parts.append(f'<line x1="{self.x0:.1f}" y1="{y:.1f}" x2="{self.x1:.1f}" '
                         f'y2="{y:.1f}" stroke="#d0d7de" stroke-width="1"/>')
            parts.append(f'<text x="{self.x0 - 6:.1f}" y="{y + self.text / 3:.1f}" '
                         f'text-anchor="end" font-size="{self.text}" fill="#57606a">'
                         f'{_fmt(tick, percent)}</text>')
        # Keep category labels legible: skip some when they would overlap (12 px per CJK glyph).
        widest = max((len(str(label)) for label in self.labels), default=1) * self.text * 0.65 + 6
        step = max(1, math.ceil(widest / self.band))
        for i, label in enumerate(self.labels):
            if i % step == 0:
                parts.append(f'<text x="{self.x(i):.1f}" y="{self.y0 + self.text * 1.5:.1f}" '
                             f'text-anchor="middle" font-size="{self.text}" fill="#1f2328">'
                             f'{escape(str(label))}</text>')
        if unit:
            parts.append(f'<text x="{self.x0 - 6:.1f}" y="{self.y1 - self.text:.1f}" '
                         f'text-anchor="end" font-size="{self.text}" fill="#57606a">'
                         f'{escape(unit)}</text>')
        return parts


def _legend(series: Sequence[Series], height: int, text: int = 12) -> list[str]:
    parts, x = [], MARGIN_LEFT * text / 12
    y = height - text * 1.6
    for i, s in enumerate(series):
        color = s.color or PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x:.1f}" y="{y - text * 0.85:.1f}" width="{text}" '
                     f'height="{text}" fill="{color}"/>')
        parts.append(f'<text x="{x + text * 1.35:.1f}" y="{y:.1f}" font-size="{text}" '
                     f'fill="#1f2328">{escape(s.name)}</text>')
        x += text * (2.4 + 1.1 * len(s.name))
    return parts


def _wrap(title: str, width: int, height: int, body: list[str], text: int = 12) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="100%" role="img" aria-label={quoteattr(title)} font-family="{FONT}" '
            'preserveAspectRatio="xMidYMid meet" class="chart">')
    caption = (f'<title>{escape(title)}</title><text x="{MARGIN_LEFT * text / 12:.1f}" '
               f'y="{text * 2:.1f}" font-size="{text + 4}" font-weight="bold" fill="#1f2328">'
               f'{escape(title)}</text>')
    return head + caption + "".join(body) + "</svg>"


def _empty(title: str, width: int, height: int, text: int = 12) -> str:
    return _wrap(title, width, height, [
        f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" font-size="{text + 2}" '
        'fill="#57606a">暂无数据</text>'], text)


def bar_chart(
    labels: Sequence[str], series: Sequence[Series], *, title: str, unit: str = "",
    stacked: bool = False, percent: bool = False, width: int = 720, height: int = 320,
    text: int = 12,
) -> str:
    """Grouped (or stacked) vertical bars, one group per label; ``text`` is the font size."""
    values = [[v or 0.0 for v in s.values] for s in series]
    if not labels or not any(any(row) for row in values):
        return _empty(title, width, height, text)
    sums = [sum(col) for col in zip(*values, strict=True)] if stacked else []
    frame = _Frame(labels, max(sums) if stacked else max(max(row) for row in values),
                   width, height, text)
    parts = frame.axes(percent, unit)
    inner = frame.band * 0.7
    bar = inner if stacked else inner / len(series)
    for i in range(len(labels)):
        base = 0.0
        for j, s in enumerate(series):
            value = values[j][i]
            color = s.color or PALETTE[j % len(PALETTE)]
            left = frame.x(i) - inner / 2 + (0 if stacked else j * bar)
            low = frame.y(base + value) if stacked else frame.y(value)
            high = frame.y(base) if stacked else frame.y0
            parts.append(f'<rect x="{left:.1f}" y="{low:.1f}" width="{bar:.1f}" '
                         f'height="{max(high - low, 0):.1f}" fill="{color}">'
                         f'<title>{escape(str(labels[i]))} {escape(s.name)}: '
                         f'{_fmt(value, percent)}</title></rect>')
            base += value if stacked else 0
    return _wrap(title, width, height, parts + _legend(series, height, text), text)


def line_chart(
    labels: Sequence[str], series: Sequence[Series], *, title: str, unit: str = "",
    percent: bool = False, width: int = 720, height: int = 320, text: int = 12,
) -> str:
    """Lines with dots; a ``None`` value breaks the line; ``text`` is the font size."""
    present = [v for s in series for v in s.values if v is not None]
    if not labels or not present:
        return _empty(title, width, height, text)
    frame = _Frame(labels, max(present), width, height, text)
    parts = frame.axes(percent, unit)
    for j, s in enumerate(series):
        color = s.color or PALETTE[j % len(PALETTE)]
        runs, current = [], []
        for i, value in enumerate(s.values):
            if value is None:
                runs, current = runs + ([current] if current else []), []
                continue
            current.append((frame.x(i), frame.y(value), value, labels[i]))
        runs += [current] if current else []
        for run in runs:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in run)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" '
                         'stroke-width="2.5"/>')
            for x, y, value, label in run:
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}">'
                             f'<title>{escape(str(label))} {escape(s.name)}: '
                             f'{_fmt(value, percent)}</title></circle>')
    return _wrap(title, width, height, parts + _legend(series, height, text), text)
